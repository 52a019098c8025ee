#!/usr/bin/env bash
# Hostile content, crawled with the real crawler (tests/fixtures/hostile/make_site.py): script
# and markup in titles, javascript: links in many spellings, bidi and control characters, a
# 10 MiB single-line page, 100 000-deep nesting, 50 000 attributes, a gzip bomb response, and
# sitemaps that are a billion-laughs document, a quadratic blowup, XXE with canaries, and a gzip
# bomb. The crawler must survive (exit 0, in bounded time), still fetch every ordinary page,
# never request a javascript: link or an XXE canary, write WARC files that read cleanly, print
# nothing a title smuggled in (no terminal escape reaches stderr), and stay under a memory
# bound: MAX_RSS_MB below, measured as the peak RSS (VmHWM) of the crawler process.
#
# Why 192 MiB: the decoded-body cap is 10 MiB per response (the gzip bomb and the huge page are
# cut there), a sitemap is inflated to at most 50 MB (SITEMAP_MAX_BYTES) and parsed by the
# streaming reader; a parse tree of a 10 MiB page costs a few times its size. An unbounded
# inflate of the 1 GiB bomb or the 256 MiB sitemap, or an expanded billion-laughs, would go
# far past it.
. "$(dirname "$0")/../fixtures/server/lib.sh"
: "${BUILD:=$TOP/build}"
# AddressSanitizer's shadow memory and quarantine multiply the footprint: a larger bound there
if ldd "$CHOUETTE" 2>/dev/null | grep -q libasan; then MAX_RSS_MB=${MAX_RSS_MB:-768}; fi
MAX_RSS_MB=${MAX_RSS_MB:-192}
WARC_CHECK="$BUILD/tools/warc_check"
[ -x "$WARC_CHECK" ] || { echo "skip: $WARC_CHECK not built" >&2; exit 77; }

SITE="$FX_TMP/site"
mkdir -p "$SITE"
fx_start hostile --root "$SITE"
base="http://127.0.0.1:$FX_PORT_hostile"
python3 "$TOP/tests/fixtures/hostile/make_site.py" "$SITE" "$FX_PORT_hostile" ||
    fail "cannot generate the hostile site"
cat >"$FX_TMP/crawl.ini" <<INI
[crawler]
timeout_s = 20
max_retries = 0
sitemaps = $base/sitemap-laughs.xml
sitemaps = $base/sitemap-quadratic.xml
sitemaps = $base/sitemap-xxe.xml
sitemaps = $base/sitemap-bomb.xml.gz
sitemaps = $base/sitemap-good.txt
INI

# run the crawler in the background and sample its VmHWM until it exits
start=$(date +%s)
"$CHOUETTE" crawl --out "$FX_TMP/out" --config "$FX_TMP/crawl.ini" --seed "$base/" \
    --allow-network 127.0.0.0/8 --delay-ms 0 >"$FX_TMP/crawl.out" 2>"$FX_TMP/crawl.err" &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
    k=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$k" ] && [ "$k" -gt "$hwm" ] && hwm=$k
    if [ $(($(date +%s) - start)) -gt 150 ]; then
        kill -KILL "$pid"
        fail "crawl still running after 150 s"
    fi
    sleep 0.05
done
wait "$pid"
rc=$?
secs=$(($(date +%s) - start))
cat "$FX_TMP/crawl.err"
[ $rc -eq 0 ] || fail "crawl exit $rc"
echo "crawl: ${secs} s, peak RSS $((hwm / 1024)) MiB (limit $MAX_RSS_MB MiB)"
[ "$hwm" -gt 0 ] || fail "could not sample the crawler's memory"
[ $((hwm / 1024)) -lt "$MAX_RSS_MB" ] || fail "peak RSS $((hwm / 1024)) MiB over $MAX_RSS_MB MiB"

log=$FX_LOG_hostile
pages=$(warc_responses "$FX_TMP/out")
has() { grep -qxF "$base$1" <<<"$pages" || fail "no response record for $1"; }
for p in / /normal-0.html /normal-1.html /normal-2.html /normal-3.html /normal-4.html \
    /script-title.html /js-links.html /bidi-title.html /huge-line.html /deep.html \
    /many-attrs.html /gzip-bomb /from-sitemap.html; do has "$p"; done
# the sitemaps themselves were fetched (so their parse was exercised)
for s in laughs.xml quadratic.xml xxe.xml bomb.xml.gz good.txt; do
    grep -q " /sitemap-$s " "$log" || fail "sitemap-$s was not fetched"
done
# nothing smuggled through: no javascript:/vbscript: target, no CRLF-injected path, no XXE
# canary, no entity-expanded URL requested
grep -Eiq ' [^ ]*(javascript|vbscript|alert|msgbox)' "$log" &&
    fail "a script link was requested: $(grep -Ei 'javascript|vbscript|alert|msgbox' "$log" | head -n 3)"
# a percent-encoded CRLF stays encoded on the wire (no header injection)
grep -q ' /%0D%0ASet-Cookie:%20evil=1 ' "$log" || fail "the %0d%0a link was not requested encoded"
grep -Eq ' /(xxe|dtd|pe)-canary' "$log" && fail "an external entity or DTD was fetched (XXE)"
# entity references in <loc> are dropped, never substituted: /quadratic- and /xxe- at most
grep -E ' /(laughs|quadratic|xxe)-[^ ]' "$log" && fail "a URL built from an entity was requested"
# the sitemap bomb is read up to the 50 MB cap: its first URL is queued, its last is not
grep -q ' /bomb-first ' "$log" || fail "the sitemap bomb was not parsed up to its cap"
grep -q ' /bomb-last ' "$log" && fail "the sitemap bomb was inflated past its cap"
grep -Eq 'lollol|qqqq' <<<"$pages" && fail "an entity was expanded into a URL"
# the truncations are marked: the gzip bomb and the 10 MiB page hit the 10 MiB body cap
warc=$(zcat "$FX_TMP/out"/*.warc.gz | tr -d '\r\000' | grep -a '^WARC-\(Type\|Target-URI\|Truncated\):')
trunc_of() { awk -v u="$base$1" '/^WARC-Type: /{t=$2} /^WARC-Target-URI: /{cur=$2}
    /^WARC-Truncated: /{ if (t=="response" && cur==u) print $2 }' <<<"$warc" | head -n 1; }
[ "$(trunc_of /gzip-bomb)" = length ] || fail "gzip bomb not cut at the cap"
[ "$(trunc_of /huge-line.html)" = length ] || fail "10 MiB page not cut at the cap"
# the link at the bottom of 100 000 nested divs is past the walk's depth cap: not followed,
# but the page itself and the link at its top were handled
grep -q ' /normal-4.html ' "$log" || fail "link at the top of deep.html not followed"
# whatever the titles held, the crawler's own output carries no escape or bidi character
LC_ALL=C grep -q $'\x1b' "$FX_TMP/crawl.err" "$FX_TMP/crawl.out" && fail "an escape sequence reached the terminal"
grep -q $'\u202e' "$FX_TMP/crawl.err" "$FX_TMP/crawl.out" && fail "a bidi override reached the terminal"
# WARC files read cleanly to their end, every record once
"$WARC_CHECK" "$FX_TMP/out"/*.warc.gz || fail "a WARC file does not read cleanly"
dups=$(sort <<<"$pages" | uniq -d)
[ -z "$dups" ] || fail "pages written twice: $dups"
[ "$secs" -le 120 ] || fail "crawl took ${secs}s"
echo "ok"
