#!/usr/bin/env bash
# Builds libscim and installs it under a prefix:
#   PREFIX/lib/libscim.so, PREFIX/lib/libscim.a, PREFIX/include/scim.h,
#   PREFIX/lib/pkgconfig/scim.pc
# so that `pkg-config --cflags --libs scim` (with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
# for a prefix pkg-config does not search) builds a C program against it.
#
# usage: scim-ffi/install.sh [--prefix DIR] [--debug]
#   --prefix DIR  where to install (default /usr/local)
#   --debug       install the debug build (what the tests use) instead of a release build
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/usr/local
PROFILE=release
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=$2; shift 2 ;;
        --prefix=*) PREFIX=${1#--prefix=}; shift ;;
        --debug) PROFILE=debug; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

cd "$ROOT"
PROFILE_FLAG=()
[ "$PROFILE" = release ] && PROFILE_FLAG=(--release)
cargo build -q "${PROFILE_FLAG[@]}" -p scim-ffi
LIBDIR=${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
# What a static link needs from the system: rustc's `--print native-static-libs` for
# x86_64/aarch64 Linux (glibc).
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"

install -d "$PREFIX/lib/pkgconfig" "$PREFIX/include"
install -m 0755 "$LIBDIR/libscim.so" "$PREFIX/lib/libscim.so"
install -m 0644 "$LIBDIR/libscim.a" "$PREFIX/lib/libscim.a"
install -m 0644 scim-ffi/include/scim.h "$PREFIX/include/scim.h"
sed -e "s|@PREFIX@|$PREFIX|" -e "s|@VERSION@|$VERSION|" -e "s|@STATIC_LIBS@|$STATIC_LIBS|" \
    scim-ffi/scim.pc.in >"$PREFIX/lib/pkgconfig/scim.pc"
echo "installed libscim $VERSION ($PROFILE) under $PREFIX"
