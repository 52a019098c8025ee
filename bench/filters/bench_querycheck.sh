#!/usr/bin/env bash
# Query checker speed (bench/filters/bench_querycheck.c). Usage: bench/filters/bench_querycheck.sh [ROUNDS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${BUILD:-build-bench}
make --no-print-directory -s BUILD="$build" "$build/libchouette.a" >/dev/null
cc -std=c11 -O2 -I. -D_GNU_SOURCE -o "$build/bench_querycheck" bench/filters/bench_querycheck.c \
    "$build/libchouette.a" -lstdc++ $(make -s print-libs)
"$build/bench_querycheck" "$@"
