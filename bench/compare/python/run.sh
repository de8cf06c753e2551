#!/usr/bin/env bash
# scim (scim-py) against scim2-filter-parser, scim2-models, scim2-client and httpx, in one
# run: installs the other libraries into bench/compare/.deps/python (git-ignored) and a
# release build of scim into target/py-venv, then prints markdown tables (bench.py).
#
#   bench/compare/python/run.sh [seconds per measurement, default 1]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
DEPS="$ROOT/bench/compare/.deps/python"
PYVENV="$ROOT/target/py-venv"

[ -x "$PYVENV/bin/python" ] || python3 -m venv "$PYVENV"
"$PYVENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/scim-py/requirements-dev.txt"
if [ ! -d "$DEPS/scim2_client" ]; then
    "$PYVENV/bin/python" -m pip install -q --disable-pip-version-check --target "$DEPS" \
        scim2-filter-parser==0.7.0 scim2-models==0.12.3 "scim2-client[httpx2]==0.13.2" httpx==0.28.1
fi
# A release build of the extension, installed into the venv.
VIRTUAL_ENV="$PYVENV" "$PYVENV/bin/maturin" develop --release -q -m "$ROOT/scim-py/Cargo.toml"
exec "$PYVENV/bin/python" "$HERE/bench.py" --budget "${1:-1}"
