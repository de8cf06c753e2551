"""Times scim2-filter-parser (PyPI) on the filter mix; prints JSON {filter: ns or error}.

Run by run.sh, with the library installed in ../.deps/py.
"""

import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / ".deps" / "py"))

from scim2_filter_parser.lexer import SCIMLexer  # noqa: E402
from scim2_filter_parser.parser import SCIMParser  # noqa: E402


def parse(text):
    return SCIMParser().parse(SCIMLexer().tokenize(text))


def median_ns(fn, budget_s):
    # Calibrate a batch of about 10 ms, then take the median of batches within the budget.
    n = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter_ns() - start
        if elapsed > 10_000_000:
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


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    filters = [l for l in (HERE / "filters.txt").read_text().splitlines() if l.strip()]
    out = {}
    for text in filters:
        try:
            parse(text)
        except Exception as e:  # the library's own error types vary
            out[text] = {"error": f"{type(e).__name__}: {e}"[:120]}
            continue
        out[text] = {"ns": median_ns(lambda: parse(text), budget)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
