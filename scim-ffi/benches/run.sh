#!/usr/bin/env bash
# One filter parse + evaluation round trip: from C (static libscim), from PHP (through
# Scim\Filter and through raw FFI calls), and in Rust (criterion: plain Rust, and the C ABI
# called from Rust). Release builds. Prints ns per round trip; medians.
# usage: scim-ffi/benches/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/scim-ffi-bench
mkdir -p "$OUT"

cargo build -q --release -p scim-ffi
cc -O2 -std=c11 -Wall -Wextra -Werror -I scim-ffi/include scim-ffi/benches/roundtrip.c \
    "$TARGET/release/libscim.a" -pthread -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc \
    -o "$OUT/roundtrip_c"

echo "== C (ns per round trip, median of 15 batches of 20,000)"
"$OUT/roundtrip_c"
echo "== PHP $(php -r 'echo PHP_VERSION;') (ns per round trip, median of 15 batches of 20,000)"
SCIM_FFI_LIB="$TARGET/release/libscim.so" php scim-php/bench/roundtrip.php
echo "== Rust (criterion)"
cargo bench -q -p scim-ffi --bench roundtrip -- --warm-up-time 1 --measurement-time 3 2>&1 \
    | grep -E '^filter_roundtrip|time:'
