"""JSON -> User -> JSON with scim2-models, the workload of scim-core's `model` bench.

Prints one JSON line: {"library", "version", "workload", "median_ns", "ops_per_s"}.
Usage: python3 bench_scim2_models.py FIXTURE [SECONDS]
"""

import json
import statistics
import sys
import time
from importlib.metadata import version

from scim2_models import EnterpriseUser, User


def main() -> None:
    path = sys.argv[1]
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    with open(path, encoding="utf-8") as f:
        text = f.read()
    model = User[EnterpriseUser]

    # Two ways to do the same round trip; the faster one is reported so the comparison
    # never flatters scim-core.
    def via_json() -> str:
        return model.model_validate_json(text).model_dump_json()

    def via_dict() -> str:
        return json.dumps(model.model_validate(json.loads(text)).model_dump())

    for fn in (via_json, via_dict):
        out = json.loads(fn())
        if out != json.loads(text):
            sys.exit(f"{fn.__name__}: scim2-models did not round-trip the fixture unchanged")

    results = {}
    for fn in (via_json, via_dict):
        for _ in range(200):  # warm-up
            fn()
        # Batches of ~10 ms; the median per-op time over the batches.
        start = time.perf_counter()
        n = 0
        while time.perf_counter() - start < 0.1:
            fn()
            n += 1
        batch = max(1, n // 10)
        samples = []
        deadline = time.perf_counter() + budget / 2
        while time.perf_counter() < deadline or len(samples) < 10:
            t0 = time.perf_counter_ns()
            for _ in range(batch):
                fn()
            samples.append((time.perf_counter_ns() - t0) / batch)
        results[fn.__name__] = statistics.median(samples)

    best = min(results, key=results.get)
    median_ns = results[best]
    print(
        json.dumps(
            {
                "library": "scim2-models",
                "version": version("scim2-models"),
                "pydantic": version("pydantic"),
                "workload": f"model_validate{'_json' if best == 'via_json' else ''} + "
                f"model_dump{'_json' if best == 'via_json' else ''}",
                "median_ns": median_ns,
                "ops_per_s": 1e9 / median_ns,
                "all_ns": results,
            }
        )
    )


if __name__ == "__main__":
    main()
