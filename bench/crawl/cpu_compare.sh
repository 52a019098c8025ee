#!/usr/bin/env bash
# CPU per page of two (or more) chouette binaries, side by side: crawls of the Python docs
# (nginx on 127.0.0.1, as in bench/crawl/run.sh) interleaved A, B, A, B, ... so that the load of
# the machine falls on each alike; median (user + sys) ms per page from /usr/bin/time.
# usage: bench/crawl/cpu_compare.sh [--runs N] [--root DIR] NAME=BIN NAME=BIN...   (default 7)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
root=/usr/share/doc/python3.11/html
runs=7
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    *=*) break ;;
    *) sed -n '2,6p' "$0" >&2; exit 2 ;;
    esac
done
[ $# -ge 1 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
tmp=$(mktemp -d /tmp/bench-cpucmp.XXXXXX)
ngx=
trap '[ -n "$ngx" ] && kill $ngx 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/ngx"
sed -e "s|@ROOT@|$root|g" -e "s|@PORT@|$port|g" -e "s|@TMP@|$tmp/ngx|g" \
    "$top/bench/crawl/nginx.conf.in" >"$tmp/ngx/nginx.conf"
nginx -c "$tmp/ngx/nginx.conf" -g 'daemon off;' &
ngx=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "name pages wall_s user_s sys_s cpu_ms_per_page"
for _ in $(seq "$runs"); do
    for nb in "$@"; do
        name=${nb%%=*} bin=${nb#*=}
        rm -rf "$tmp/out"
        /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$bin" crawl --out "$tmp/out" \
            --seed "http://127.0.0.1:$port/index.html" --allow-network 127.0.0.0/8 \
            --delay-ms 0 --concurrency 8 >/dev/null 2>"$tmp/err" || true
        pages=$(sed -n 's/^crawl: \([0-9]*\) pages.*/\1/p' "$tmp/err")
        read -r e u s <"$tmp/time"
        echo "$name ${pages:-0} $e $u $s $(awk -v u="$u" -v s="$s" -v p="${pages:-0}" \
            'BEGIN { if (p > 0) printf "%.2f", (u + s) * 1000 / p; else print "nan" }')"
    done
done | tee "$tmp/runs"
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/runs" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    runs.setdefault(f[0], []).append(float(f[5]))
for name, v in runs.items():
    print(f"{name}: median {statistics.median(v):.2f} ms/page; each {' '.join(f'{x:.2f}' for x in sorted(v))}")
PY
