#!/usr/bin/env bash
# Crash safety of the crawler: a 301-page site crawled with `chouette crawl`, killed with
# SIGKILL at 20 random moments (deterministic seed) and resumed each time with the same
# command until it finishes. Then, against an uninterrupted crawl of the same site:
#   - the set of URLs with a response record, over all WARC files, is the same;
#   - no URL has two response records (no page written twice);
#   - every WARC file reads cleanly to its end with our reader (tests/tools/warc_check: no
#     torn record, no garbage, nothing skipped) and gunzips whole;
#   - the crawl runs as partition 0 of 2 and every page links to a page of 127.0.0.2, which
#     belongs to partition 1: the hand-off file holds every one of those links (a committed
#     page's foreign links are never lost).
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
. "$(dirname "$0")/../fixtures/server/lib.sh"
: "${BUILD:=$TOP/build}"
WARC_CHECK="$BUILD/tools/warc_check"
[ -x "$WARC_CHECK" ] || { echo "skip: $WARC_CHECK not built (make $WARC_CHECK)" >&2; exit 77; }
KILLS=${CRASH_KILLS:-20}
RANDOM=20240917 # deterministic sleeps

# the site: a home page, 20 sections, 14 pages in each (301 pages, two hops deep)
SITE="$FX_TMP/site"
python3 - "$SITE" <<'PY'
import os, sys
root = sys.argv[1]
text = " ".join("mot%d" % i for i in range(400))
def page(path, title, links):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # one link per page to partition 1's host (never fetched here: the port does not matter)
    links = links + ["http://127.0.0.2:9/far" + path[len(root):]]
    items = "".join('<li><a href="%s">%s</a></li>' % (l, l) for l in links)
    with open(path, "w") as f:
        f.write('<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1>'
                '<p>%s</p><ul>%s</ul></body></html>\n' % (title, title, text, items))
page(root + "/index.html", "home", ["/s/%d/" % i for i in range(20)])
for i in range(20):
    page(root + "/s/%d/index.html" % i, "section %d" % i,
         ["/s/%d/p%d.html" % (i, j) for j in range(14)] + ["/"])
    for j in range(14):
        page(root + "/s/%d/p%d.html" % (i, j), "page %d %d" % (i, j),
             ["/s/%d/" % i, "/s/%d/p%d.html" % (i, (j + 1) % 14)])
PY
fx_start site --root "$SITE"
base="http://127.0.0.1:$FX_PORT_site"
# the one command, every run; FNV-1a("127.0.0.1") % 2 = 0, FNV-1a("127.0.0.2") % 2 = 1
ARGS=(--seed "$base/" --allow-network 127.0.0.0/8 --delay-ms 0 --partition 0/2
      --allow-host 127.0.0.1 --allow-host 127.0.0.2)
crawl() { "$CHOUETTE" crawl --out "$1" "${ARGS[@]}" 2>>"$FX_TMP/crawl.err"; }
# in the background, started from this shell (not a subshell), so that $pid is the crawler
# itself and SIGKILL hits it, not a wrapper
crawl_bg() { "$CHOUETTE" crawl --out "$1" "${ARGS[@]}" 2>>"$FX_TMP/crawl.err" & pid=$!; }
now_ms() { date +%s%3N; }

# the reference: one uninterrupted crawl
t0=$(now_ms)
crawl "$FX_TMP/ref" || fail "reference crawl exit $?: $(cat "$FX_TMP/crawl.err")"
ref_ms=$(($(now_ms) - t0))
warc_responses "$FX_TMP/ref" | sort >"$FX_TMP/ref.urls"
n_ref=$(wc -l <"$FX_TMP/ref.urls")
[ "$n_ref" -eq 301 ] || fail "reference crawl has $n_ref pages, want 301"
sort -u "$FX_TMP/ref/handoff-1.txt" >"$FX_TMP/ref.handoff" 2>/dev/null
[ "$(grep -c '^http://127.0.0.2:9/far/' "$FX_TMP/ref.handoff")" -eq 301 ] ||
    fail "reference crawl handed off $(wc -l <"$FX_TMP/ref.handoff") URLs, want 301"
echo "reference crawl: $n_ref pages in $ref_ms ms"

# the crashing crawl: sleeps uniform in [ref/80, ref/20] (at least 30 ms), so that 20 kills
# fall well inside the crawl on a fast machine as on a slow one
out="$FX_TMP/crash"
lo=$((ref_ms / 80 > 30 ? ref_ms / 80 : 30)) hi=$((ref_ms / 20 > 60 ? ref_ms / 20 : 60))
kills=0 runs=0 finished=0
while [ $kills -lt "$KILLS" ]; do
    crawl_bg "$out"
    runs=$((runs + 1))
    ms=$((lo + RANDOM % (hi - lo + 1)))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    if kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        [ $? -eq 137 ] || fail "the crawler was not killed by SIGKILL"
        kills=$((kills + 1))
    else
        wait "$pid"
        rc=$?
        [ $rc -eq 0 ] || fail "run $runs exit $rc: $(tail -n 5 "$FX_TMP/crawl.err")"
        finished=1
        break
    fi
done
echo "pages recorded when the kills ended: $(warc_responses "$out" 2>/dev/null | sort -u | wc -l)"
[ $finished -eq 0 ] && { crawl "$out" || fail "final run exit $?: $(tail -n 5 "$FX_TMP/crawl.err")"; }
echo "crash crawl: $kills kills in $runs runs (sleeps ${lo}-${hi} ms), then completed"
[ "$kills" -ge $((KILLS / 2)) ] || fail "the crawl finished after only $kills kills: the test did not test"

# every WARC file reads cleanly to its end
for f in "$out"/*.warc.gz; do
    gzip -t "$f" || fail "$f does not gunzip"
done
"$WARC_CHECK" "$out"/*.warc.gz || fail "a WARC file does not read cleanly"
# the same pages, each written once
warc_responses "$out" | sort >"$FX_TMP/crash.urls"
dups=$(uniq -d <"$FX_TMP/crash.urls")
[ -z "$dups" ] || fail "pages written twice: $(echo "$dups" | head -n 5)"
diff -u "$FX_TMP/ref.urls" "$FX_TMP/crash.urls" >"$FX_TMP/urls.diff" ||
    fail "URL sets differ: $(head -n 20 "$FX_TMP/urls.diff")"
# every foreign link of every page handed off (some twice: pages fetched again after a kill)
sort -u "$out/handoff-1.txt" >"$FX_TMP/crash.handoff" 2>/dev/null
diff -u "$FX_TMP/ref.handoff" "$FX_TMP/crash.handoff" >"$FX_TMP/handoff.diff" ||
    fail "hand-off URLs lost or invented: $(head -n 20 "$FX_TMP/handoff.diff")"
# each response has its request and metadata companion exactly once too
n_req=$("$WARC_CHECK" --list "$out"/*.warc.gz 2>/dev/null | awk '$1=="request"' | sort | uniq -d | wc -l)
[ "$n_req" -eq 0 ] || fail "$n_req request records written twice"
n_info=$("$WARC_CHECK" --list "$out"/*.warc.gz 2>/dev/null | grep -c '^warcinfo ')
echo "$(wc -l <"$FX_TMP/crash.urls") pages, $n_info warcinfo records, $(ls "$out"/*.warc.gz | wc -l) WARC files"
# and nothing is left to do
size=$(cat "$out"/*.warc.gz | wc -c)
crawl "$out" || fail "run after completion exit $?"
[ "$(cat "$out"/*.warc.gz | wc -c)" -eq "$size" ] || fail "a run after completion wrote pages"
echo "ok"
