#!/usr/bin/env bash
# Crawl speed, side by side: Chouette vs wget2 vs Scrapy on the Python 3.11 docs, served by
# nginx on 127.0.0.1 (bench/crawl/nginx.conf.in). Runs are interleaved (chouette, chouette
# with 8 connections per host, wget2, scrapy, then again) so that other load on the machine
# hits every crawler alike; medians and ratios at the end.
#
# usage: bench/crawl/run.sh [--runs N] [--scrapy-runs N] [--chouette BIN] [--root DIR]
#                           [--results DIR]
#   --runs N         runs of chouette and wget2 (default 5)
#   --scrapy-runs N  runs of scrapy (default 3; one takes about a minute)
# Needs: nginx wget2 python3-scrapy time (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh).
# Pages = HTML documents answered 200, counted in nginx's access log per run; requests = all
# requests (wget2 also fetches CSS, JS and images). Wall, user and sys time and max RSS come
# from /usr/bin/time.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
chouette=$top/bin/chouette
root=/usr/share/doc/python3.11/html
runs=5 scrapy_runs=3 results=
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --scrapy-runs) scrapy_runs=$2; shift 2 ;;
    --chouette) chouette=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
    esac
done
for t in nginx wget2 scrapy /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "run.sh: $t missing (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$chouette" ] || { echo "run.sh: no $chouette (make first)" >&2; exit 1; }
[ -f "$root/index.html" ] || { echo "run.sh: no $root/index.html (python3.11-doc)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/bench-crawl.XXXXXX)
results=${results:-$tmp/results}
mkdir -p "$results"
ngx_pid=
cleanup() {
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    rm -rf "$tmp/out" "$tmp/ngx"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/ngx"
sed -e "s|@ROOT@|$root|g" -e "s|@PORT@|$port|g" -e "s|@TMP@|$tmp/ngx|g" \
    "$top/bench/crawl/nginx.conf.in" >"$tmp/ngx/nginx.conf"
nginx -c "$tmp/ngx/nginx.conf" -g 'daemon off;' &
ngx_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
seed=http://127.0.0.1:$port/index.html
printf '[crawler]\nper_host_connections = 8\n' >"$tmp/ph8.ini"
log=$tmp/ngx/access.log

# run NAME COMMAND...: one timed run; appends "name pages requests wall user sys maxrss_kib".
run() {
    local name=$1; shift
    rm -rf "$tmp/out"; mkdir -p "$tmp/out"
    sleep 1.2 # nginx flushes its log buffer every second
    local before; before=$(wc -l <"$log")
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || true
    sleep 1.2
    local pages reqs
    pages=$(tail -n +"$((before + 1))" "$log" | awk '$1 == 200 && ($3 ~ /\.html$/ || $3 ~ /\/$/)' | wc -l)
    reqs=$(tail -n +"$((before + 1))" "$log" | wc -l)
    echo "$name $pages $reqs $(tail -1 "$tmp/time")" | tee -a "$results/runs.txt"
}

: >"$results/runs.txt"
echo "# $(date -u +%FT%TZ) $(nproc) cores; $(uname -r); root $root" >"$results/env.txt"
echo "# chouette $chouette ($(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")); $(wget2 --version | head -1); scrapy $(scrapy version 2>/dev/null)" >>"$results/env.txt"
cat "$results/env.txt"
echo "name pages requests wall_s user_s sys_s maxrss_kib"
for i in $(seq "$runs"); do
    run chouette "$chouette" crawl --out "$tmp/out/c" --seed "$seed" \
        --allow-network 127.0.0.0/8 --delay-ms 0 --concurrency 8
    run chouette-8conn "$chouette" crawl --config "$tmp/ph8.ini" --out "$tmp/out/c" \
        --seed "$seed" --allow-network 127.0.0.0/8 --delay-ms 0 --concurrency 8
    run wget2 wget2 -r --max-threads=8 -q -P "$tmp/out/w" "$seed"
    if [ "$i" -le "$scrapy_runs" ]; then
        run scrapy scrapy runspider "$top/bench/crawl/scrapy_spider.py" -a start="$seed"
    fi
done
python3 "$top/bench/crawl/summary.py" "$results/runs.txt" chouette | tee "$results/summary.txt"
echo "results in $results"
