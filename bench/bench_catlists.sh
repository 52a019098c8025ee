#!/usr/bin/env bash
# Category lists at UT1 scale: load time, memory, lookup time (see bench/bench_catlists.c).
# Usage: bench/bench_catlists.sh [N_DOMAINS]   (default 5000000; needs ~120 MB in /tmp)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build-bench}
make --no-print-directory -s BUILD="$build" "$build/libchouette.a" >/dev/null
pkgs="libpcre2-8 libidn2"
cc -std=c11 -O2 -I. -D_GNU_SOURCE -o "$build/bench_catlists" bench/bench_catlists.c \
    "$build/libchouette.a" $(pkg-config --libs $pkgs)
"$build/bench_catlists" "$@"
