#!/usr/bin/env bash
# The floor under the crawler's own CPU: libxml2's HTML parser alone against the crawler's link
# extraction, on the same pages (bench/crawl/parse_floor.c).
# usage: bench/crawl/parse_floor.sh [ROUNDS] [DIR]   (default 7 rounds, the Python docs)
# BUILD names a build directory: $BUILD/libchouette.a is brought up to date from the working
# tree first, as bench/index/bench_search.sh does.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rounds=${1:-7}
dir=${2:-/usr/share/doc/python3.11/html}
build=${BUILD:-build-bench}
make --no-print-directory -s BUILD="$build" "$build/libchouette.a"
libs=$(make -s print-libs)
cc -std=c11 -O2 -Wall -Wextra -Werror -I. -D_GNU_SOURCE $(pkg-config --cflags libxml-2.0) \
    -c -o "$build/parse_floor.o" bench/crawl/parse_floor.c
c++ -o "$build/parse_floor" "$build/parse_floor.o" "$build/libchouette.a" $libs
mapfile -t files < <(find "$dir" -name '*.html' | sort)
exec "$build/parse_floor" "$rounds" "${files[@]}"
