#!/usr/bin/env bash
# Where the crawler's CPU goes: one crawl of the Python docs (nginx on 127.0.0.1, as in
# bench/crawl/run.sh) under `perf record`, then the share of CPU samples per library (libcurl
# apart from the rest) and the top functions by inclusive time. CPU per page = (user + sys) /
# pages from /usr/bin/time; "own" = that times the share of samples outside libcurl and the
# kernel.
# usage: bench/crawl/profile.sh [--chouette BIN] [--root DIR]     (needs perf, nginx)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
chouette=$top/bin/chouette
root=/usr/share/doc/python3.11/html
while [ $# -gt 0 ]; do
    case $1 in
    --chouette) chouette=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    *) sed -n '2,8p' "$0" >&2; exit 2 ;;
    esac
done
command -v perf >/dev/null || { echo "profile.sh: perf missing" >&2; exit 1; }
tmp=$(mktemp -d /tmp/bench-prof.XXXXXX)
ngx=
trap '[ -n "$ngx" ] && kill $ngx 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/ngx"
sed -e "s|@ROOT@|$root|g" -e "s|@PORT@|$port|g" -e "s|@TMP@|$tmp/ngx|g" \
    "$top/bench/crawl/nginx.conf.in" >"$tmp/ngx/nginx.conf"
nginx -c "$tmp/ngx/nginx.conf" -g 'daemon off;' &
ngx=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
/usr/bin/time -f '%e %U %S' -o "$tmp/time" perf record -q -o "$tmp/perf.data" -F 999 \
    --call-graph dwarf,16384 "$chouette" crawl --out "$tmp/out" \
    --seed "http://127.0.0.1:$port/index.html" --allow-network 127.0.0.0/8 --delay-ms 0 \
    --concurrency 8 >/dev/null 2>"$tmp/err"
grep '^crawl:' "$tmp/err"
pages=$(sed -n 's/^crawl: \([0-9]*\) pages.*/\1/p' "$tmp/err")
# perf's own time is in /usr/bin/time's numbers too; the crawler's CPU comes from perf samples.
perf report -i "$tmp/perf.data" --no-children --sort dso -g none 2>/dev/null |
    awk '/%/ && $1 ~ /%$/ {print}' >"$tmp/dso"
echo "CPU samples by library:"
cat "$tmp/dso"
perf script -i "$tmp/perf.data" -F comm,period 2>/dev/null | awk -v pages="$pages" -v dso="$tmp/dso" '
    $1 == "chouette" { n++ }
    END {
        while ((getline l < dso) > 0) { split(l, a, " "); p = a[1]; sub("%", "", p);
            if (a[2] ~ /libcurl|kernel/) excl += p }
        ms = n / 999 * 1000
        printf "crawler CPU (samples at 999 Hz): %.0f ms for %d pages = %.2f ms/page; ", ms, pages, ms / pages
        printf "without libcurl and the kernel: %.2f ms/page\n", ms * (100 - excl) / 100 / pages
    }'
echo "top functions, inclusive:"
perf report -i "$tmp/perf.data" --children --sort sym -g none 2>/dev/null |
    awk '/%/ && $1 ~ /%$/' | grep -v -E '0x0000|_start|libc_start|\[k\]' | awk 'n++ < 25'
