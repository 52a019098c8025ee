#!/usr/bin/env bash
# Every benchmark against its peers, one after the other (never two at once: they would share
# the two cores): crawl (Chouette vs wget2 vs Scrapy; frontier of 1M URLs; CPU profile), index
# (omindex vs chouette index; in-process search latency; MRR@10), serve (Omega CGI vs chouette
# serve under wrk). Not part of `make check`. Results go to RESULTS (default
# /tmp/chouette-bench-results-DATE); docs/PERFORMANCE.md says how to read them.
# usage: bench/run-all.sh [--chouette BIN] [--results DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
chouette=$top/bin/chouette
results=/tmp/chouette-bench-results-$(date -u +%Y%m%dT%H%M%SZ)
while [ $# -gt 0 ]; do
    case $1 in
    --chouette) chouette=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    *) sed -n '2,7p' "$0" >&2; exit 2 ;;
    esac
done
mkdir -p "$results"
echo "== crawl" >&2
"$top/bench/crawl/run.sh" --chouette "$chouette" --results "$results/crawl"
for i in 1 2 3; do
    "$top/bench/crawl/bench_frontier.sh" 1000000 1000 | tee "$results/crawl/frontier-$i.txt"
done
"$top/bench/crawl/profile.sh" --chouette "$chouette" | tee "$results/crawl/profile.txt"
echo "== index" >&2
"$top/bench/index/run.sh" --chouette "$chouette" --results "$results/index"
echo "== serve" >&2
"$top/bench/serve/run.sh" --chouette "$chouette" --results "$results/serve"
echo "== filters" >&2
mkdir -p "$results/filters"
"$top/bench/filters/bench_classify.sh" 200 20 | tee "$results/filters/classify.txt"
"$top/bench/filters/bench_querycheck.sh" | tee "$results/filters/querycheck.txt"
echo "all results in $results" >&2
