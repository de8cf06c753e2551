#!/usr/bin/env bash
# Client load (BENCHMARKS.md, "Client" (b) and (c)): provisioning 10,000 users with 16
# requests in flight, and iterating 10,000 / 30,000 / 100,000 users page by page with the
# client's peak RSS, each against a release scim-testkit in its own process.
# Usage: bench/client/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p scim-testkit
BENCH_BIN=$(cargo bench -q -p scim-examples --bench client_load --no-run --message-format=json |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "client_load":
        print(m["executable"])')

SERVER_PID=
stop_server() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; SERVER_PID=; }
trap stop_server EXIT
start_server() { # seed-users
    local out
    out=$(mktemp)
    target/release/scim-testkit --port 0 --seed-users "$1" >"$out" 2>/dev/null &
    SERVER_PID=$!
    URL=
    for _ in $(seq 600); do
        URL=$(head -n1 "$out")
        [ -n "$URL" ] && break
        sleep 0.1
    done
    rm -f "$out"
    [ -n "$URL" ] || { echo "scim-testkit did not start" >&2; exit 1; }
}

start_server 0
"$BENCH_BIN" provision "$URL" 10000 16
stop_server
for n in 10000 30000 100000; do
    start_server "$n"
    "$BENCH_BIN" iterate "$URL" 100
    stop_server
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
