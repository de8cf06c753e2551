"""scim (scim-py) against the Python SCIM libraries people use today, in one run.

- filters: ``scim.Filter.parse`` vs scim2-filter-parser on the 10-filter mix of
  ``bench/compare/filter/filters.txt``;
- patch: ``scim.apply_patch`` vs scim2-models' ``PatchOp.patch`` on the 16 requests of
  ``patch_requests.json`` (each library applies each request to a fresh copy of the
  RFC 7643 §8.2 user or the RFC 7643 §8.4 group);
- client: ``Client.users.get`` sequentially over one keep-alive connection against
  ``fixed_server.py`` (fixed bytes), vs scim2-client (over httpx2) and raw httpx.

Run through ``run.sh``, which installs the other libraries into ``bench/compare/.deps``
and scim into ``target/py-venv``. Prints markdown tables of medians and ratios.

    python bench.py [--budget SECONDS] [--only filters|patch|client]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent / ".deps" / "python"))

import scim  # noqa: E402


def median_ns(fn: Callable[[], object], budget_s: float) -> float:
    """Median time of one call in ns: batches of about 10 ms, for `budget_s` seconds."""
    n = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        if time.perf_counter_ns() - start > 10_000_000:
            break
        n *= 2
    samples = []
    deadline = time.perf_counter() + budget_s
    while time.perf_counter() < deadline or len(samples) < 5:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter_ns() - start) / n)
    return statistics.median(samples)


def fmt_ns(ns: float) -> str:
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def table(rows: list[list[str]], header: list[str]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


# --- filters ---------------------------------------------------------------------------


def bench_filters(budget: float) -> None:
    from scim2_filter_parser.lexer import SCIMLexer
    from scim2_filter_parser.parser import SCIMParser

    mix = ROOT / "bench" / "compare" / "filter" / "filters.txt"
    filters = [line for line in mix.read_text().splitlines() if line.strip()]

    def theirs(text: str) -> object:
        return SCIMParser().parse(SCIMLexer().tokenize(text))

    rows = []
    ours_total = theirs_total = 0.0
    for text in filters:
        ours = median_ns(lambda: scim.Filter.parse(text), budget)
        other = median_ns(lambda: theirs(text), budget)
        ours_total += ours
        theirs_total += other
        rows.append([f"`{text[:60]}{'…' if len(text) > 60 else ''}`", fmt_ns(ours),
                     fmt_ns(other), f"{other / ours:.0f}x"])
    rows.append(["**the 10-filter mix**", fmt_ns(ours_total), fmt_ns(theirs_total),
                 f"**{theirs_total / ours_total:.0f}x**"])
    print(f"### Filter parsing ({len(filters)} filters; per parse, median)\n")
    table(rows, ["filter", "scim.Filter.parse", "scim2-filter-parser 0.7.0", "ratio"])
    print(f"scim: {len(filters) * 1e9 / ours_total:,.0f} filters/s; "
          f"scim2-filter-parser: {len(filters) * 1e9 / theirs_total:,.0f} filters/s\n")


# --- PATCH -----------------------------------------------------------------------------


def bench_patch(budget: float) -> None:
    from scim2_models import EnterpriseUser, Group, PatchOp, User

    requests = json.loads((HERE / "patch_requests.json").read_text())
    fixtures = ROOT / "scim-core" / "tests" / "fixtures"
    docs = {
        "user": json.loads((fixtures / "rfc7643-8.2-full-user.json").read_text()),
        "group": json.loads((fixtures / "rfc7643-8.4-group.json").read_text()),
    }
    models: dict[str, Any] = {"user": User[EnterpriseUser], "group": Group}

    rows = []
    ours_total = theirs_total = 0.0
    for req in requests:
        doc = docs[req["target"]]
        body = req["patch"]
        # Both sides start from the same document and keep their input untouched: scim
        # returns a new dict; scim2-models patches a model in place, so it gets a copy.
        model = models[req["target"]].model_validate(doc)
        op = PatchOp[models[req["target"]]].model_validate(body)  # type: ignore[misc]

        def theirs() -> object:
            target = model.model_copy(deep=True)
            op.patch(target)
            return target

        ours = median_ns(lambda: scim.apply_patch(doc, body), budget)
        other = median_ns(theirs, budget)
        copy_only = median_ns(lambda: model.model_copy(deep=True), budget / 2)
        other_net = max(other - copy_only, 1.0)
        ours_total += ours
        theirs_total += other_net
        rows.append([req["name"], fmt_ns(ours), fmt_ns(other_net),
                     f"{other_net / ours:.0f}x"])
    rows.append([f"**all {len(requests)} requests**", fmt_ns(ours_total),
                 fmt_ns(theirs_total), f"**{theirs_total / ours_total:.0f}x**"])
    print(f"### PATCH apply ({len(requests)} requests; per request, median)\n")
    table(rows, ["request", "scim.apply_patch", "scim2-models PatchOp.patch", "ratio"])
    print("scim2-models' time excludes the deep copy of the model its in-place patch needs "
          "(measured separately and subtracted); scim's includes converting the dicts in "
          "and out.\n")


# --- client ----------------------------------------------------------------------------


def bench_client(budget: float) -> None:
    import httpx
    import httpx2
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_models import ResourceType, ScimProvider, User

    server = subprocess.Popen(
        [sys.executable, str(HERE / "fixed_server.py")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        uid = "2819c223-7f76-453a-919d-413861904646"
        results: dict[str, float] = {}

        with scim.Client(url) as ours:
            assert ours.users.get(uid)["userName"] == "bjensen@example.com"
            results["scim Client.users.get"] = median_ns(lambda: ours.users.get(uid), budget)

        provider = ScimProvider(models=[User],
                                resource_types=[ResourceType.from_resource(User)])
        with httpx2.Client(base_url=url) as h2:
            theirs = SyncSCIMClient(h2, provider=provider)
            assert theirs.query(User, uid).user_name == "bjensen@example.com"
            results["scim2-client 0.13.2 query(User, id)"] = median_ns(
                lambda: theirs.query(User, uid), budget)

        with httpx.Client(base_url=url) as raw:
            def raw_get() -> object:
                response = raw.get(f"/Users/{uid}")
                response.raise_for_status()
                return response.json()

            assert raw_get()
            results["httpx 0.28.1 get + json()"] = median_ns(raw_get, budget)
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)

    base = results["scim Client.users.get"]
    rows = [[name, fmt_ns(ns), f"{1e9 / ns:,.0f}", "1x" if ns == base else f"{ns / base:.1f}x"]
            for name, ns in results.items()]
    print("### Client: sequential GET /Users/{id}, one keep-alive connection, fixed-bytes "
          "server\n")
    table(rows, ["client", "per request (median)", "requests/s", "slower than scim by"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per measurement")
    parser.add_argument("--only", choices=["filters", "patch", "client"])
    args = parser.parse_args()
    print(f"scim {scim.__version__}, Python {sys.version.split()[0]}\n")
    sections = {"filters": bench_filters, "patch": bench_patch, "client": bench_client}
    for name, fn in sections.items():
        if args.only in (None, name):
            fn(args.budget)


if __name__ == "__main__":
    main()
