#!/usr/bin/env bash
# In-process search latency (see bench/index/bench_search.c).
# usage: bench/index/bench_search.sh DB [N] [QUERIES.tsv...]   (default 1000, bench/queries/*.tsv)
# BUILD names a build directory, not a version: $BUILD/libchouette.a is brought up to date from
# the working tree first. To compare two commits, build each in its own checkout (git archive).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
[ $# -ge 1 ] || { echo "usage: $0 DB [N] [QUERIES.tsv...]" >&2; exit 2; }
db=$1; n=${2:-1000}; shift; [ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- bench/queries/*.tsv
build=${BUILD:-build-bench}
# Another engineer's half-edited file must not stop a benchmark of the last good library.
if ! make --no-print-directory -s BUILD="$build" "$build/libchouette.a" >/dev/null 2>&1; then
    [ -f "$build/libchouette.a" ] || { echo "$0: cannot build $build/libchouette.a" >&2; exit 1; }
    echo "$0: make failed; using $build/libchouette.a of $(date -r "$build/libchouette.a" -u +%FT%TZ)" >&2
fi
libs=$(make -s print-libs)
cc -std=c11 -O2 -Wall -Wextra -Werror -I. -D_GNU_SOURCE -c -o "$build/bench_search.o" \
    bench/index/bench_search.c
c++ -o "$build/bench_search" "$build/bench_search.o" "$build/libchouette.a" \
    $libs
exec "$build/bench_search" "$db" "$n" "$@"
