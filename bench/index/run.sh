#!/usr/bin/env bash
# Indexing speed and size, side by side: omindex (Omega) on the corpus's HTML files vs
# chouette index on WARC files of the same pages (bench/index/corpus.sh). Runs interleaved
# (omindex, chouette, omindex, ...), each into a new database; only the indexer is timed. Then
# in-process search latency (bench/index/bench_search.sh, 1000 queries) and MRR@10 of both on
# bench/queries/*.tsv (bench/index/mrr.sh).
#
# usage: bench/index/run.sh [--runs N] [--chouette BIN] [--work DIR] [--results DIR]
#   --runs N   timed runs of each indexer (default 5)
#   --work DIR corpus and databases (default /tmp/chouette-bench-corpus), kept for reuse
# Needs: xapian-omega nginx wget time (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
chouette=$top/bin/chouette
work=/tmp/chouette-bench-corpus
runs=5 results=
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --chouette) chouette=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
done
chouette=$(cd "$(dirname "$chouette")" && pwd)/$(basename "$chouette")
for t in omindex xapian-delve /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "run.sh: $t missing (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh)" >&2; exit 1; }
done
"$top/bench/index/corpus.sh" "$work"
results=${results:-$work/results-index}
mkdir -p "$results" "$work/dbs"
base=$(cat "$work/base")
warcs=("$work/py.warc.gz" "$work/lo.warc.gz" "$work/dh.warc.gz")
ndocs() { xapian-delve "$1" | sed -n 's/^number of documents = //p'; }

# run NAME DB COMMAND...: one timed run into a new DB; appends
# "name docs wall user sys maxrss_kib db_kib compact_kib".
run() {
    local name=$1 db=$2; shift 2
    rm -rf "$db" "$db.compact"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" ||
        { echo "run.sh: $name failed:" >&2; tail -5 "$work/stderr" >&2; exit 1; }
    xapian-compact -m "$db" "$db.compact" >/dev/null
    echo "$name $(ndocs "$db") $(tail -1 "$work/time") $(du -sk "$db" | cut -f1) $(du -sk "$db.compact" | cut -f1)" |
        tee -a "$results/index-runs.txt"
}

: >"$results/index-runs.txt"
{
    echo "# $(date -u +%FT%TZ) $(nproc) cores; $(uname -r)"
    echo "# chouette $chouette ($(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")); $(omindex --version | head -1)"
    echo "# corpus: $(find "$work/files" -name '*.html' | wc -l) HTML files, $(du -sk "$work/files" | cut -f1) KiB"
} >"$results/env.txt"
cat "$results/env.txt"
echo "name docs wall_s user_s sys_s maxrss_kib db_kib compacted_kib"
for _ in $(seq "$runs"); do
    run omindex "$work/dbs/omega-english" omindex --db "$work/dbs/omega-english" --url / "$work/files"
    run chouette "$work/dbs/chouette" "$chouette" index --db "$work/dbs/chouette" "${warcs[@]}"
done
python3 - "$results/index-runs.txt" <<'PY' | tee "$results/index-summary.txt"
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 8:
        runs.setdefault(f[0], []).append([float(x) for x in f[1:]])
print("| indexer | runs | docs | wall s | docs/s | CPU s | max RSS MB | KiB/doc | KiB/doc compacted | docs/s of each run |")
print("|---|---|---|---|---|---|---|---|---|---|")
med = {}
for name, rs in runs.items():
    dps = [r[0] / r[1] for r in rs]
    m = dict(docs=statistics.median(r[0] for r in rs), wall=statistics.median(r[1] for r in rs),
             dps=statistics.median(dps), cpu=statistics.median(r[2] + r[3] for r in rs),
             rss=statistics.median(r[4] for r in rs) / 1024,
             kpd=statistics.median(r[5] / r[0] for r in rs),
             kpdc=statistics.median(r[6] / r[0] for r in rs))
    med[name] = m
    print(f"| {name} | {len(rs)} | {m['docs']:.0f} | {m['wall']:.2f} | {m['dps']:.0f} | {m['cpu']:.2f} "
          f"| {m['rss']:.0f} | {m['kpd']:.1f} | {m['kpdc']:.1f} | {' '.join(str(round(x)) for x in sorted(dps))} |")
if "chouette" in med and "omindex" in med:
    c, o = med["chouette"], med["omindex"]
    print(f"\nchouette docs/s / omindex docs/s = {c['dps'] / o['dps']:.2f}; "
          f"docs per CPU-second chouette / omindex = {o['cpu'] / c['cpu']:.2f}; "
          f"size per doc chouette / omindex = {c['kpd'] / o['kpd']:.2f} "
          f"(compacted {c['kpdc'] / o['kpdc']:.2f})")
PY

# A French-stemmed Omega database for the French queries (not timed).
if [ ! -d "$work/dbs/omega-french" ]; then
    omindex --db "$work/dbs/omega-french" --stemmer=french --url / "$work/files" >/dev/null 2>&1
fi
echo "in-process search latency, 1000 queries, 3 runs:"
for i in 1 2 3; do
    "$top/bench/index/bench_search.sh" "$work/dbs/chouette" 1000 | tr '\n' ' ' | tee -a "$results/search-latency.txt"
    echo | tee -a "$results/search-latency.txt"
done
"$top/bench/index/mrr.sh" --chouette "$chouette" --chouette-db "$work/dbs/chouette" \
    --base "$base" --omega-db "$work/dbs/omega-english=omega-english" \
    --omega-db "$work/dbs/omega-french=omega-french" 2>"$results/mrr-misses.txt" |
    tee "$results/mrr.txt"
echo "results in $results"
