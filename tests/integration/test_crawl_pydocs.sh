#!/usr/bin/env bash
# A real site: the Python documentation served by python3 -m http.server, 300 pages, no delay.
# Every fetched page is unique and the WARC files read to the end. Then the whole site twice,
# with one parse thread and with three (more than the cores, so pages finish out of order):
# the same pages, each with the same outlinks.
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
# (URL, outlink) pairs of the metadata records, sorted
warc_outlinks() {
    zcat "$1"/*.warc.gz | tr -d '\r' | awk '/^WARC-Type: /{t=$2} /^WARC-Target-URI: /{u=$2}
        t == "metadata" && /^outlink: /{print u, $2}' | sort
}
for threads in 1 3; do
    printf '[crawler]\nparse_threads = %s\n' "$threads" >"$FX_TMP/p$threads.ini"
    "$CHOUETTE" crawl --config "$FX_TMP/p$threads.ini" --out "$FX_TMP/whole$threads" \
        --seed "http://127.0.0.1:$port/index.html" --allow-network 127.0.0.0/8 --delay-ms 0 \
        --concurrency 8 2>"$FX_TMP/whole$threads.err" ||
        fail "crawl with $threads parse threads: exit $?: $(cat "$FX_TMP/whole$threads.err")"
    warc_responses "$FX_TMP/whole$threads" | sort >"$FX_TMP/pages$threads"
    warc_outlinks "$FX_TMP/whole$threads" >"$FX_TMP/links$threads"
done
n=$(wc -l <"$FX_TMP/pages1")
[ "$n" -ge 500 ] || fail "the whole site is only $n pages"
[ "$(wc -l <"$FX_TMP/links1")" -ge $((n * 20)) ] || fail "too few outlinks: $(wc -l <"$FX_TMP/links1")"
cmp -s "$FX_TMP/pages1" "$FX_TMP/pages3" ||
    fail "other pages with 3 parse threads: $(diff "$FX_TMP/pages1" "$FX_TMP/pages3" | head -5)"
cmp -s "$FX_TMP/links1" "$FX_TMP/links3" ||
    fail "other outlinks with 3 parse threads: $(diff "$FX_TMP/links1" "$FX_TMP/links3" | head -5)"
echo "$n pages, $(wc -l <"$FX_TMP/links1") outlinks, alike with 1 and 3 parse threads"
echo "ok"
