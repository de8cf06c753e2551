#!/usr/bin/env bash
# Runs a command with a scim-testkit server up (its /Me is the user named "me"): exports SCIM_TEST_URL (its base URL) and
# SCIM_TEST_TOKEN (the bearer token it requires), and the same as SCIM_URL and SCIM_TOKEN
# (what the examples read); stops the server afterwards (it also stops by itself when
# this script's end of its standard input closes).
# usage: scim-ffi/tests/with-testkit.sh COMMAND [ARGS...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
(cd "$ROOT" && cargo build -q -p scim-testkit)

export SCIM_TEST_TOKEN=ffi-test-token
URL_FILE=$(mktemp)
# The server reads its stdin from fd 3 of this script: when the script ends, it sees EOF.
exec 3> >(exec "$TARGET/debug/scim-testkit" --port 0 --token "$SCIM_TEST_TOKEN" \
    --me me --exit-on-stdin-eof >"$URL_FILE")
SERVER=$!
trap 'exec 3>&-; kill "$SERVER" 2>/dev/null || true; rm -f "$URL_FILE"' EXIT

for _ in $(seq 1 100); do
    [ -s "$URL_FILE" ] && break
    sleep 0.1
done
SCIM_TEST_URL=$(head -n1 "$URL_FILE")
if [ -z "$SCIM_TEST_URL" ]; then
    echo "with-testkit.sh: scim-testkit printed no URL" >&2
    exit 1
fi
export SCIM_TEST_URL SCIM_URL=$SCIM_TEST_URL SCIM_TOKEN=$SCIM_TEST_TOKEN
echo "scim-testkit at $SCIM_TEST_URL"
"$@"
