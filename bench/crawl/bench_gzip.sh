#!/usr/bin/env bash
# WARC record compression speed and ratio: zlib level 1 against libdeflate levels 1-6 on the
# records of real .warc.gz files (bench/crawl/bench_gzip.c), e.g. the output of one crawl of
# the Python docs (bench/crawl/run.sh keeps none; `chouette crawl --out DIR ...` makes one).
# Usage: bench/crawl/bench_gzip.sh [--rounds N] FILE.warc.gz...
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build-bench}
mkdir -p "$top/$build"
cc -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$top/$build/bench_gzip" "$top/bench/crawl/bench_gzip.c" \
    $(pkg-config --cflags --libs zlib libdeflate)
exec "$top/$build/bench_gzip" "$@"
