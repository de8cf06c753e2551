#!/usr/bin/env bash
# Builds the C tests against libscim (shared and static) with -Wall -Wextra -Werror
# -std=c11, runs both under valgrind, then runs an AddressSanitizer + UBSan build.
# The client tests need a scim-testkit server: run.sh runs itself under with-testkit.sh
# when SCIM_TEST_URL is not set.
# Usage: scim-ffi/tests/c/run.sh   (from anywhere; builds libscim in the debug profile)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
cd "$ROOT"
if [ -z "${SCIM_TEST_URL:-}" ]; then
    exec "$ROOT/scim-ffi/tests/with-testkit.sh" "$HERE/run.sh" "$@"
fi

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
LIBDIR=$TARGET/debug
OUT=$TARGET/scim-ffi-c
mkdir -p "$OUT"

cargo build -q -p scim-ffi
# What a static link of a Rust library needs from the system (as rustc reports it).
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

CFLAGS=(-Wall -Wextra -Werror -std=c11 -g -I "$ROOT/scim-ffi/include" -I "$HERE")
SOURCES=("$HERE"/*.c)

cc "${CFLAGS[@]}" "${SOURCES[@]}" -L "$LIBDIR" -lscim -pthread -o "$OUT/test_shared"
cc "${CFLAGS[@]}" "${SOURCES[@]}" "$LIBDIR/libscim.a" -pthread $STATIC_LIBS -o "$OUT/test_static"
cc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer "${SOURCES[@]}" \
    "$LIBDIR/libscim.a" -pthread $STATIC_LIBS -o "$OUT/test_asan"

# Leaks that fail the run: "definite" (memory nothing points to any more: a handle or
# string the library lost). "Possibly lost" is not counted: the process-wide core schema
# registry's hash tables are reached through pointers into the middle of their blocks
# (hashbrown's layout), which valgrind reports as "possibly lost" although they live on.
# The fork test's child is not checked (--child-silent-after-fork): what the parent's
# threads held lives on their stacks, which do not exist in the child, so valgrind would
# call it lost there. The parent is checked in full.
# scim.h must also be usable from C++.
if command -v c++ >/dev/null; then
    printf '#include "scim.h"\nint main() { return scim_version() == nullptr; }\n' \
        | c++ -x c++ -std=c++11 -Wall -Wextra -Werror -I "$ROOT/scim-ffi/include" -fsyntax-only -
fi

VALGRIND=(valgrind -q --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite
    --show-possibly-lost=no --child-silent-after-fork=yes)

echo "-- C tests, shared library, valgrind"
LD_LIBRARY_PATH="$LIBDIR" "${VALGRIND[@]}" "$OUT/test_shared"
echo "-- C tests, static library, valgrind"
"${VALGRIND[@]}" "$OUT/test_static"
echo "-- C tests, static library, AddressSanitizer + UBSan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$OUT/test_asan"
