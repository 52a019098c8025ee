#!/usr/bin/env bash
# Every misbehaviour of the fixture server is survived: the crawl ends, the good pages are
# fetched, and each bad answer is recorded (or not) as it should be. Then each robots.txt
# variant: the crawl still ends, obeying or ignoring the file as RFC 9309 says.
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
. "$(dirname "$0")/../fixtures/server/lib.sh"
fx_start nasty --root "$TOP/tests/fixtures/server/nasty" --drip-interval 0.5
base="http://127.0.0.1:$FX_PORT_nasty"
out="$FX_TMP/out"
cat >"$FX_TMP/crawl.ini" <<INI
[crawler]
timeout_s = 4
connect_timeout_s = 2
low_speed_bytes = 100
low_speed_time_s = 3
max_retries = 2
max_backoff_s = 1
robots_retry_s = 1
max_depth = 6
per_host_page_budget = 60
exclude = /many/[0-9]+\$
allow_hosts = 127.0.0.1 169.254.169.254
INI
start=$(date +%s)
"$CHOUETTE" crawl --out "$out" --config "$FX_TMP/crawl.ini" --seed "$base/" \
    --allow-network 127.0.0.0/8 --delay-ms 20 --concurrency 4 2>"$FX_TMP/crawl.err" ||
    fail "crawl exit $?: $(cat "$FX_TMP/crawl.err")"
secs=$(( $(date +%s) - start ))
cat "$FX_TMP/crawl.err"
[ "$secs" -le 50 ] || fail "crawl took ${secs}s"
log=$FX_LOG_nasty
pages=$(warc_responses "$out")
has() { grep -qx "$base$1" <<<"$pages" || fail "no response record for $1"; }
hasnt() { grep -qx "$base$1" <<<"$pages" && fail "unexpected response record for $1"; true; }
for p in / /fine.html /bad-schemes /bad-schemes-ok /long-url /long-url-ok /nofollow /noindex \
    /noindex-target /500 /gzip-bomb /never-ending /lying-length /many-links /redirect-loop \
    /redirect-loop2 /redirect-chain/7 /redirect-chain/3 /private-redirect /429; do has "$p"; done
hasnt /nofollow-target            # meta robots nofollow
hasnt /redirect-chain/1           # at most 5 redirect hops from /redirect-chain/7
grep -q ' /long/' "$log" && fail "a 10 000-character URL was fetched"
grep -q ' /many/' "$log" && fail "excluded URLs were fetched"
# the 429 was retried after Retry-After (2 s) and then recorded as a 200
[ "$(grep -c ' /429 ' "$log")" -eq 2 ] || fail "429 not retried exactly once"
awk '$3=="/429" { t[n++]=$1 } END { exit !(n == 2 && t[1] - t[0] >= 1.9) }' "$log" ||
    fail "Retry-After not honoured"
# the 503 was tried 1 + max_retries times
[ "$(grep -c ' /503 ' "$log")" -eq 3 ] || fail "503 not retried twice"
# the trap is bounded (depth 6 from a depth-1 start, and the host budget)
n_trap=$(grep -c ' /trap' "$log")
[ "$n_trap" -ge 2 ] && [ "$n_trap" -le 7 ] || fail "trap fetched $n_trap times"
# truncations are marked
warc=$(zcat "$out"/*.warc.gz | tr -d '\r\000')
trunc_of() { awk -v u="$base$1" '/^WARC-Type: /{t=$2; tr=""} /^WARC-Truncated: /{tr=$2}
    /^WARC-Target-URI: /{ if (t=="response" && $2==u) { getline; while ($0 != "") { if ($0 ~ /^WARC-Truncated: /) tr=$2; getline } print tr; exit } }' <<<"$warc"; }
[ "$(trunc_of /gzip-bomb)" = length ] || fail "gzip bomb not truncated at the cap: '$(trunc_of /gzip-bomb)'"
[ "$(trunc_of /never-ending)" = length ] || fail "never-ending page not truncated"
[ "$(trunc_of /lying-length)" = disconnect ] || fail "lying Content-Length not marked"
# the decoded-size cap: the bomb's stored body is at most 10 MiB
n_bomb=$(zcat "$out"/*.warc.gz | wc -c)
[ "$n_bomb" -lt $((40 * 1024 * 1024)) ] || fail "WARC too large ($n_bomb bytes)"
# the slow page: cut by the timeouts (recorded as truncated "time" or failed), and quickly
if grep -qx "$base/slow" <<<"$pages"; then
    [ "$(trunc_of /slow)" = time ] || fail "slow page recorded without WARC-Truncated: time"
fi
# noindex recorded, non-HTML recorded as metadata only
grep -q '^robots: noindex' <<<"$warc" || fail "noindex not recorded in metadata"
grep -q '^skipped: content-type' <<<"$warc" || fail "PDF not recorded as skipped"
hasnt /pdf
# SSRF: the redirect to 10.0.0.1 and the metadata address were refused, never fetched
grep -qx 'http://10.0.0.1/' <<<"$pages" && fail "10.0.0.1 fetched"
grep -q 'refused [1-9]' "$FX_TMP/crawl.err" || fail "no refusal counted"

# robots.txt variants, each against the small site
SITE="$TOP/tests/fixtures/server/site"
for mode in ${FX_MODES-big binary html loop 404 403 500 slow}; do
    fx_start "r$mode" --root "$SITE" --robots "$mode" --drip-interval 0.5
    portvar="FX_PORT_r$mode"; logvar="FX_LOG_r$mode"
    o="$FX_TMP/out-$mode"
    "$CHOUETTE" crawl --out "$o" --config "$FX_TMP/crawl.ini" --seed "http://127.0.0.1:${!portvar}/" \
        --allow-host 127.0.0.1 --allow-network 127.0.0.0/8 --delay-ms 0 2>"$FX_TMP/r.err" ||
        fail "robots $mode: crawl exit $?: $(cat "$FX_TMP/r.err")"
    n=$(warc_responses "$o" | wc -l)
    case $mode in
    500 | slow) want=0 ;; # unreachable: nothing fetched, host given up after 3 attempts
    big) want=9 ;;        # parsed (first 512 KiB); its rules do not touch the site
    *) want=9 ;;          # no usable rules: everything allowed, /private/ included
    esac
    [ "$n" -eq "$want" ] || fail "robots $mode: $n pages, want $want: $(cat "$FX_TMP/r.err")"
    n_robots=$(grep -c ' /robots.txt ' "${!logvar}")
    case $mode in
    500 | slow) [ "$n_robots" -eq 3 ] || fail "robots $mode: $n_robots robots.txt fetches, want 3" ;;
    *) [ "$n_robots" -eq 1 ] || fail "robots $mode: robots.txt fetched $n_robots times" ;;
    esac
done
[ -n "${FX_KEEP:-}" ] && echo "kept $FX_TMP"
echo "ok"
