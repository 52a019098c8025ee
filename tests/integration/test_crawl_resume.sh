#!/usr/bin/env bash
# kill -9 in the middle of a crawl, five times at random moments (pages are committed in
# groups, so a kill lands before, inside or after a group's WARC write, fsync or commit), then
# resume: the same set of pages as an uninterrupted crawl, no page recorded twice, and WARC
# files that read to the end. The pauses are printed (RESUME_PAUSES="0.3 0.1 ..." replays).
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
. "$(dirname "$0")/../fixtures/server/lib.sh"
N=200
gen="$FX_TMP/gen"
mkdir -p "$gen"
for i in $(seq 0 $((N - 1))); do
    {
        printf '<!DOCTYPE html><html><head><title>Page %d</title></head><body><p>Page %d.</p>' "$i" "$i"
        for j in $(( (i + 1) % N )) $(( (i * 2 + 1) % N )) $(( (i * 7 + 3) % N )); do
            printf '<a href="p%d.html">%d</a> ' "$j" "$j"
        done
        printf '</body></html>\n'
    } >"$gen/p$i.html"
done
cp "$gen/p0.html" "$gen/index.html"
fx_start gen --root "$gen"
seed="http://127.0.0.1:$FX_PORT_gen/p0.html"
crawl() { "$CHOUETTE" crawl --out "$1" --seed "$seed" --allow-network 127.0.0.0/8 --delay-ms 20 \
    --max-depth 1000 2>>"$FX_TMP/crawl.err"; }

crawl "$FX_TMP/ref" || fail "reference crawl failed: $(cat "$FX_TMP/crawl.err")"
ref=$(warc_responses "$FX_TMP/ref" | sort)
[ "$(wc -l <<<"$ref")" -eq "$N" ] || fail "reference crawl has $(wc -l <<<"$ref") pages, want $N"

out="$FX_TMP/killed"
# at most 5 x 0.6 s of crawling at 20 ms a page: fewer than N pages, the crawl cannot end early
pauses=${RESUME_PAUSES:-$(for i in 1 2 3 4 5; do printf '0.%d ' $((1 + RANDOM % 6)); done)}
echo "kill -9 after: $pauses"
for pause in $pauses; do
    "$CHOUETTE" crawl --out "$out" --seed "$seed" --allow-network 127.0.0.0/8 --delay-ms 20 \
        --max-depth 1000 2>>"$FX_TMP/crawl.err" &
    pid=$!
    sleep "$pause"
    kill -9 "$pid" 2>/dev/null || fail "the crawl ended before it could be killed"
    wait "$pid" 2>/dev/null
    n=$(warc_responses "$out" 2>/dev/null | wc -l)
    echo "killed after ${pause}s with $n pages recorded"
done
crawl "$out" || fail "resumed crawl failed: $(cat "$FX_TMP/crawl.err")"

for f in "$out"/*.warc.gz; do gzip -t "$f" || fail "$f is not a clean gzip stream"; done
WARC_CHECK=${BUILD:-$TOP/build}/tools/warc_check
if [ -x "$WARC_CHECK" ]; then "$WARC_CHECK" "$out"/*.warc.gz >/dev/null || fail "warc_check failed"; fi
all=$(warc_responses "$out")
dups=$(sort <<<"$all" | uniq -d)
[ -z "$dups" ] || fail "pages recorded twice: $dups"
[ "$(sort <<<"$all")" = "$ref" ] || fail "resumed crawl differs from the reference:
$(diff <(sort <<<"$all") <(echo "$ref"))"
# each response has its request record, none more
n_req=$(zcat "$out"/*.warc.gz | grep -ac '^WARC-Type: request')
[ "$n_req" -eq "$N" ] || fail "$n_req request records, want $N"
echo "ok"
