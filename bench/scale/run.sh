#!/usr/bin/env bash
# Scale benchmark: for each SIZE (pages), generate a synthetic web (bench/scale/gen), index it
# with `chouette index`, and measure indexing speed, peak memory, index size against the plain
# text, in-process query latency (bench/scale/qbench, 1000 queries of every kind and mode) and
# HTTP throughput of `chouette serve` under wrk.
#
# Usage: bench/scale/run.sh [--no-serve] SIZE...        e.g. bench/scale/run.sh 10000 100000
#        bench/scale/run.sh --plot-only                  redraw docs/scale.png from the TSV
# Environment: SCALE_WORK (default /tmp/chouette-scale: WARCs and indexes, reused between runs
# when the seed and size match), SCALE_SEED (1), SCALE_HOSTS (1000), BUILD (build-bench),
# WRK_SECONDS (10), WRK_CONNECTIONS (16), SCALE_OUT (bench/scale/results.tsv).
# Appends one TSV line per size to SCALE_OUT and redraws its plot when gnuplot is
# installed (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${BUILD:-build-bench}
work=${SCALE_WORK:-/tmp/chouette-scale}
seed=${SCALE_SEED:-1}
hosts=${SCALE_HOSTS:-1000}
out=${SCALE_OUT:-$top/bench/scale/results.tsv}
wrk_s=${WRK_SECONDS:-10}
wrk_c=${WRK_CONNECTIONS:-16}
serve=1
plot_only=0
case "${1:-}" in
--no-serve) serve=0; shift ;;
--plot-only) plot_only=1; shift ;;
esac
[ $# -ge 1 ] || [ $plot_only = 1 ] ||
    { echo "usage: bench/scale/run.sh [--no-serve] SIZE... | --plot-only" >&2; exit 2; }

if [ $plot_only = 0 ]; then
    make --no-print-directory -s BUILD="$build" "$build/bin/chouette" >/dev/null
    bench/scale/build.sh "$build"
fi
# The commit the binaries were built from (HEAD may move during a long run); "+" when the tree
# had changes then.
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo +)
chouette=$top/$build/bin/chouette
mkdir -p "$work"
cores=$(nproc)
header="date	commit	cores	load1	pages	hosts	gen_s	index_s	docs_per_s	peak_rss_mb	text_mb	warc_mb	index_mb	index_per_text	index_bytes_per_page	q_p50_ms	q_p95_ms	q_p99_ms	q_mean_ms	q_errors	q_zero	http_rps	http_p99_ms	index_cpu_s	q_cpu_p50_ms	q_cpu_p99_ms"
[ -s "$out" ] || echo "$header" >"$out"

spid="" latest=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null
    [ -n "$latest" ] && rm -f "$latest"
    return 0
}
trap cleanup EXIT

for size in "$@"; do
    web=$work/web-$size-s$seed-h$hosts
    db=$work/db-$size-s$seed-h$hosts
    log=$work/log-$size
    mkdir -p "$log"
    # 1. generate (two parts in parallel, one per core up to 2)
    gen_s=0
    if [ ! -f "$web/done" ]; then
        rm -rf "$web"
        mkdir -p "$web"
        t0=$(date +%s.%N)
        parts=$((cores >= 2 ? 2 : 1))
        for p in $(seq 0 $((parts - 1))); do
            "$build/bench/scale-gen" --pages "$size" --seed "$seed" --hosts "$hosts" \
                --out "$web" --part "$p/$parts" --per-file 20000 >"$web/gen-$p.out" 2>"$log/gen-$p.err" &
        done
        wait
        "$build/bench/scale-gen" --pages "$size" --seed "$seed" --hosts "$hosts" \
            --queries "$web/queries.tsv" --nqueries 1000 >/dev/null 2>>"$log/gen-q.err"
        t1=$(date +%s.%N)
        gen_s=$(echo "$t1 - $t0" | bc)
        echo "$gen_s" >"$web/gen_seconds"
        touch "$web/done"
    fi
    gen_s=$(cat "$web/gen_seconds")
    text_bytes=$(awk -F'\t' '$1=="text_bytes"{s+=$2} END{print s}' "$web"/gen-*.out)
    warc_bytes=$(du -sb --apparent-size "$web" | cut -f1)

    # 2. index (fresh database every run)
    rm -rf "$db"
    # The machine may be shared: the load when indexing starts and the indexer's CPU time
    # (user + system) go in the results next to the wall-clock figures.
    load1=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v "$chouette" index --db "$db" "$web"/pages-*.warc.gz 2>"$log/index.err" ||
        { echo "index failed, see $log/index.err" >&2; exit 1; }
    index_s=$(sed -n 's/.*; \([0-9.]*\) s, [0-9]* docs\/s$/\1/p' "$log/index.err")
    dps=$(sed -n 's/.* \([0-9]*\) docs\/s$/\1/p' "$log/index.err")
    rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' "$log/index.err")
    index_bytes=$(du -sb "$db" | cut -f1)
    cpu_s=$(awk -F': ' '/User time|System time/{s+=$2} END{printf "%.1f", s}' "$log/index.err")

    # 3. in-process latency
    q=$("$build/bench/scale-qbench" --db "$db" --queries "$web/queries.tsv")
    read -r _nq q_err q50 q95 q99 qmean _qmax qzero qc50 qc99 <<<"$q"

    # 4. HTTP throughput
    rps=NA
    hp99=NA
    if [ "$serve" = 1 ] && command -v wrk >/dev/null; then
        python3 - "$web/queries.tsv" "$log/wrk.lua" <<'PY'
import sys, urllib.parse
paths = []
for line in open(sys.argv[1], encoding="utf-8"):
    mode, _kind, q = line.rstrip("\n").split("\t", 2)
    paths.append("/api/search?" + urllib.parse.urlencode({"q": q, "mode": mode}))
with open(sys.argv[2], "w") as f:
    f.write("local paths = {\n")
    for p in paths:
        f.write('  "%s",\n' % p.replace("\\", "\\\\").replace('"', '\\"'))
    f.write("}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            "  return wrk.format(\"GET\", paths[i])\nend\n")
PY
        "$chouette" serve --db "$db" --listen 127.0.0.1:0 2>"$log/serve.err" &
        spid=$!
        port=""
        for _ in $(seq 100); do
            port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log/serve.err")
            [ -n "$port" ] && break
            sleep 0.1
        done
        if [ -n "$port" ]; then
            wrk -t2 -c"$wrk_c" -d"${wrk_s}s" --latency -s "$log/wrk.lua" \
                "http://127.0.0.1:$port" >"$log/wrk.out" 2>&1 || true
            rps=$(awk '/^Requests\/sec:/{print $2}' "$log/wrk.out")
            hp99=$(awk '$1=="99%"{v=$2; if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$log/wrk.out")
            non2xx=$(awk '/Non-2xx/{print $NF}' "$log/wrk.out")
            [ -n "$non2xx" ] && echo "warning: $non2xx non-2xx answers under wrk (see $log/wrk.out)" >&2
        else
            echo "warning: chouette serve did not start, see $log/serve.err" >&2
        fi
        kill "$spid" 2>/dev/null || true
        wait "$spid" 2>/dev/null || true
        spid=""
    fi

    pages=$(awk -F'\t' '$1=="pages"{print $2; exit}' "$web"/gen-0.out)
    row=$(awk -v d="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v c="$commit" \
        -v cores="$cores" -v load1="$load1" -v cpu="$cpu_s" -v qc50="$qc50" -v qc99="$qc99" -v pages="$pages" -v hosts="$hosts" -v gen="$gen_s" -v is="$index_s" \
        -v dps="$dps" -v rss="$rss_kb" -v tb="$text_bytes" -v wb="$warc_bytes" -v ib="$index_bytes" \
        -v q50="$q50" -v q95="$q95" -v q99="$q99" -v qm="$qmean" -v qe="$q_err" -v qz="$qzero" \
        -v rps="$rps" -v hp99="$hp99" 'BEGIN {
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.2f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
            d, c, cores, load1, pages, hosts, gen, is, dps, rss / 1024, tb / 1048576, wb / 1048576,
            ib / 1048576, ib / tb, ib / pages, q50, q95, q99, qm, qe, qz, rps, hp99, cpu, qc50, qc99 }')
    echo "$row" >>"$out"
    echo "$header"
    echo "$row"
done

# 5. the plot: latency and indexing rate against size, from the latest line of each size;
# docs/scale.png for the committed results, next to any other SCALE_OUT (a trial's own lines
# must not replace the committed plot)
plot=$top/docs/scale.png
[ "$out" -ef "$top/bench/scale/results.tsv" ] || plot=${out%.tsv}.png
latest=$(mktemp /tmp/scale-latest.XXXXXX)
awk -F'\t' 'NR == 1 { print; next } { last[$5] = $0 } END { for (p in last) print last[p] }' \
    "$out" | { IFS= read -r h; echo "$h"; sort -t "$(printf '\t')" -k5,5n; } >"$latest"
if command -v gnuplot >/dev/null; then
    gnuplot <<GP
set terminal pngcairo size 900,420 font ",10" noenhanced
set output "$plot"
set datafile separator "\t"
set multiplot layout 1,2 title "Chouette at scale: bench/scale/run.sh, synthetic fr/en web\n(latest run of each size; every run, with machine load and CPU seconds: bench/scale/results.tsv)"
set logscale x
set xlabel "pages"
set key top left
set ylabel "query latency (ms)"
set yrange [0:*]
set offsets 0, 0, 10, 0
plot "$latest" using 5:16 every ::1 with linespoints title "p50", \
     "" using 5:17 every ::1 with linespoints title "p95", \
     "" using 5:18 every ::1 with linespoints title "p99", \
     50 with lines dashtype 2 title "p99 target"
set ylabel "indexing (pages/s)"
set yrange [0:*]
set offsets 0, 0, 150, 0
plot "$latest" using 5:9 every ::1 with linespoints title "pages/s", \
     1000 with lines dashtype 2 title "target"
unset multiplot
GP
    echo "plot: $plot"
else
    echo "gnuplot not installed: no plot (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh)" >&2
fi
