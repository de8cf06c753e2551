#!/usr/bin/env bash
# Filter parsing: scim-core against scim2-filter-parser (PyPI) and scim2-parse-filter (npm)
# on the same 10 filters (filters.txt), measured in one run. Installs both libraries into
# bench/compare/.deps (git-ignored) on first use. Prints a markdown table.
#
#   bench/compare/filter/run.sh [seconds per Python/JS measurement, default 1]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DEPS="$ROOT/bench/compare/.deps"
BUDGET=${1:-1}

if [ ! -d "$DEPS/py/scim2_filter_parser" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --target "$DEPS/py" scim2-filter-parser==0.7.0
fi
if [ ! -d "$DEPS/npm/node_modules/scim2-parse-filter" ]; then
    npm install --silent --no-audit --no-fund --prefix "$DEPS/npm" scim2-parse-filter@0.2.10
fi

# scim-core: criterion, parse group (each filter and the whole mix).
(cd "$ROOT" && cargo bench -q -p scim-core --bench filter -- 'parse/' \
    --warm-up-time 1 --measurement-time 3 >/dev/null)
rust_json=$(python3 - "$ROOT/target/criterion/parse" <<'PY'
import json, sys, pathlib
base = pathlib.Path(sys.argv[1])
out = {}
for d in sorted(base.iterdir()):
    est = d / "new" / "estimates.json"
    if est.exists():
        out[d.name] = json.loads(est.read_text())["median"]["point_estimate"]
print(json.dumps(out))
PY
)
py_json=$(python3 "$HERE/bench_py.py" "$BUDGET")
js_json=$(node "$HERE/bench_js.js" "$BUDGET")

python3 - "$HERE/filters.txt" "$rust_json" "$py_json" "$js_json" <<'PY'
import json, sys
filters = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
rust, py, js = (json.loads(a) for a in sys.argv[2:5])

def fmt(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"

def cell(res):
    return fmt(res["ns"]) if "ns" in res else "error"

print("| # | filter | scim-core | scim2-parse-filter (npm) | ratio | scim2-filter-parser (PyPI) | ratio |")
print("|---|---|---|---|---|---|---|")
tot = {"rust": 0.0, "js": 0.0, "py": 0.0}
ok = True
for i, f in enumerate(filters, 1):
    r = rust[f"{i:02}"]
    j, p = js[f], py[f]
    row = [str(i), "`" + f.replace("|", "\\|") + "`", fmt(r), cell(j)]
    row.append(f"{j['ns'] / r:.0f}x" if "ns" in j else "-")
    row.append(cell(p))
    row.append(f"{p['ns'] / r:.0f}x" if "ns" in p else "-")
    print("| " + " | ".join(row) + " |")
    if "ns" in j and "ns" in p:
        tot["rust"] += r; tot["js"] += j["ns"]; tot["py"] += p["ns"]
    else:
        ok = False
m = rust.get("mix10")
print(f"| | **mix (sum of medians)** | **{fmt(tot['rust'])}** | **{fmt(tot['js'])}** | **{tot['js'] / tot['rust']:.0f}x** | **{fmt(tot['py'])}** | **{tot['py'] / tot['rust']:.0f}x** |")
if m:
    print(f"\nscim-core parse/mix10 (all 10 in one loop): {fmt(m)}")
for name, res in (("scim2-parse-filter", js), ("scim2-filter-parser", py)):
    for f, r in res.items():
        if "error" in r:
            print(f"{name} fails on `{f}`: {r['error']}")
PY
