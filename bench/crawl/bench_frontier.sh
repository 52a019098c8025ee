#!/usr/bin/env bash
# Frontier memory and speed with N synthetic URLs (see bench/crawl/bench_frontier.c).
# Usage: bench/crawl/bench_frontier.sh [N] [HOSTS]    (default 1000000 1000; ~200 MB in /tmp)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${BUILD:-build-bench}
make --no-print-directory -s BUILD="$build" "$build/libchouette.a" >/dev/null
cc -std=c11 -O2 -Wall -Wextra -Werror -I. -D_GNU_SOURCE -o "$build/bench_frontier" \
    bench/crawl/bench_frontier.c "$build/libchouette.a" $(pkg-config --libs sqlite3)
exec "$build/bench_frontier" "$@"
