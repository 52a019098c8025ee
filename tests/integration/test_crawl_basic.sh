#!/usr/bin/env bash
# A small site crawled completely: robots.txt obeyed, nofollow honoured, tracking parameters
# stripped, per-host delay measured from the server side, readable WARC output; and the
# net guard refusing 127.0.0.1 when no --allow-network covers it.
. "$(dirname "$0")/../fixtures/server/lib.sh"
SITE="$TOP/tests/fixtures/server/site"
fx_start site --root "$SITE"
base="http://127.0.0.1:$FX_PORT_site"
out="$FX_TMP/out"

"$CHOUETTE" crawl --out "$out" --seed "$base/" --allow-network 127.0.0.0/8 --delay-ms 300 \
    2>"$FX_TMP/crawl.err" || fail "crawl exit $?: $(cat "$FX_TMP/crawl.err")"
cat "$FX_TMP/crawl.err"

got=$(warc_responses "$out" | sort)
want=$(printf '%s\n' "$base/" "$base/a.html" "$base/b.html" "$base/docs/" "$base/docs/one.html" \
    "$base/docs/two.html" "$base/docs/three.html" "$base/missing.html" "$base/sitemap-only.html" | sort)
[ "$got" = "$want" ] || fail "pages differ:
got:
$got
want:
$want"

log=$FX_LOG_site
grep -q ' /private/' "$log" && fail "robots.txt Disallow: /private/ was not obeyed"
grep -q ' /nofollowed.html' "$log" && fail "rel=nofollow link was followed"
grep -q 'utm_source' "$log" && fail "tracking parameter was not stripped"
[ "$(head -n 1 "$log" | awk '{print $3}')" = /robots.txt ] || fail "robots.txt was not first"
[ "$(grep -c ' /a.html ' "$log")" -eq 1 ] || fail "a.html fetched more than once"

# per-host delay: every request starts at least 300 ms after the previous one (server clock)
awk 'NR > 1 { d = ($1 - prev) * 1000; if (d < 295) { printf "gap %.1f ms before %s\n", d, $3; bad = 1 } }
     { prev = $1 } END { exit bad }' "$log" || fail "per-host delay not respected"

# WARC: one warcinfo, and per page a request and a metadata record with the response
n_info=$(zcat "$out"/*.warc.gz | grep -ac '^WARC-Type: warcinfo')
n_req=$(zcat "$out"/*.warc.gz | grep -ac '^WARC-Type: request')
[ "$n_info" -eq 1 ] || fail "expected 1 warcinfo, got $n_info"
[ "$n_req" -eq 9 ] || fail "expected 9 request records, got $n_req"
grep -q ' /sitemap.xml.gz ' "$log" || fail "the sitemap index was not followed"
zcat "$out"/*.warc.gz | grep -aq "^outlink: $base/docs/one.html" || fail "no outlink metadata"
grep -q '9 pages' "$FX_TMP/crawl.err" || fail "summary does not say 9 pages"

# a second run on the same directory has nothing left to do and writes nothing
size1=$(stat -c %s "$out"/chouette-00000.warc.gz)
"$CHOUETTE" crawl --out "$out" --seed "$base/" --allow-network 127.0.0.0/8 --delay-ms 300 \
    2>/dev/null || fail "second run failed"
[ "$(stat -c %s "$out"/chouette-00000.warc.gz)" = "$size1" ] || fail "second run wrote pages"

# without --allow-network, loopback is refused: no request reaches the server
: >"$log"
"$CHOUETTE" crawl --out "$FX_TMP/out2" --seed "$base/" --delay-ms 0 2>"$FX_TMP/crawl2.err" ||
    fail "refused crawl should still finish normally"
[ -s "$log" ] && fail "a request reached 127.0.0.1 without --allow-network: $(cat "$log")"
grep -q 'refused 1' "$FX_TMP/crawl2.err" || fail "refusal not counted: $(cat "$FX_TMP/crawl2.err")"

# --partition: 127.0.0.1 belongs to partition FNV-1a("127.0.0.1") mod 2; the other one skips it
mine=$(python3 -c '
h = 14695981039346656037  # the FNV-1a offset basis
for b in b"127.0.0.1":
    h = ((h ^ b) * 1099511628211) % (1 << 64)
print(h % 2)')
other=$((1 - mine))
"$CHOUETTE" crawl --out "$FX_TMP/p$other" --seed "$base/" --allow-network 127.0.0.0/8 --delay-ms 0 \
    --partition "$other/2" 2>/dev/null || fail "partition $other/2 failed"
[ "$(warc_responses "$FX_TMP/p$other" | wc -l)" -eq 0 ] || fail "partition $other/2 crawled a foreign host"
"$CHOUETTE" crawl --out "$FX_TMP/p$mine" --seed "$base/" --allow-network 127.0.0.0/8 --delay-ms 0 \
    --partition "$mine/2" 2>/dev/null || fail "partition $mine/2 failed"
[ "$(warc_responses "$FX_TMP/p$mine" | wc -l)" -eq 9 ] || fail "partition $mine/2 did not crawl its host"
ls "$FX_TMP/p$mine"/chouette-p$mine-00000.warc.gz >/dev/null || fail "partition WARC name"

# bad usage exits 2
"$CHOUETTE" crawl --seed "$base/" 2>/dev/null; [ $? -eq 2 ] || fail "missing --out must exit 2"
"$CHOUETTE" crawl --out "$FX_TMP/x" --max-pages abc 2>/dev/null; [ $? -eq 2 ] || fail "bad number must exit 2"
"$CHOUETTE" crawl --out "$FX_TMP/x" --partition 3/2 2>/dev/null; [ $? -eq 2 ] || fail "bad partition must exit 2"
"$CHOUETTE" crawl --help | grep -q -- '--allow-network' || fail "--help"
echo "ok"
