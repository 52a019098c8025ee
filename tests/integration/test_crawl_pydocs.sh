#!/usr/bin/env bash
# A real site: the Python documentation served by python3 -m http.server, 300 pages, no delay.
# Every fetched page is unique and the WARC files read to the end.
. "$(dirname "$0")/../fixtures/server/lib.sh"
DOCS=/usr/share/doc/python3.11/html
[ -f "$DOCS/index.html" ] || { echo "skip: $DOCS not installed" >&2; exit 77; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$DOCS" "$port" >/dev/null 2>&1 &
FX_PIDS+=($!)
for i in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
out="$FX_TMP/out"
start=$(date +%s)
"$CHOUETTE" crawl --out "$out" --seed "http://127.0.0.1:$port/index.html" \
    --allow-network 127.0.0.0/8 --max-pages 300 --delay-ms 0 --concurrency 4 \
    2>"$FX_TMP/crawl.err" || fail "crawl exit $?: $(cat "$FX_TMP/crawl.err")"
cat "$FX_TMP/crawl.err"
echo "$(( $(date +%s) - start )) s"
for f in "$out"/*.warc.gz; do gzip -t "$f" || fail "$f is not a clean gzip stream"; done
all=$(warc_responses "$out")
n=$(wc -l <<<"$all")
dups=$(sort <<<"$all" | uniq -d)
[ -z "$dups" ] || fail "pages recorded twice: $dups"
# --max-pages counts every URL fetched (non-HTML ones are recorded as metadata only)
[ "$n" -le 300 ] || fail "$n pages, more than --max-pages 300"
[ "$n" -ge 250 ] || fail "only $n pages"
n_resp=$(zcat "$out"/*.warc.gz | grep -ac '^WARC-Type: response')
[ "$n_resp" -eq "$n" ] || fail "zcat counts $n_resp responses, parser $n"
echo "ok"
