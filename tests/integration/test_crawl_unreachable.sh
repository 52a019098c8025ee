#!/usr/bin/env bash
# Hosts with no HTTP answer at all do not hold the crawl: a port where nothing listens
# (connection refused) and a name that does not resolve are seeded beside a good site, with the
# default robots_retry_s (60 s). Each dead host gets robots_max_attempts (3) tries, 1 s then 2 s
# apart, is given up (its URL SKIPPED, counted in the summary) and the crawl ends in seconds
# with every good page fetched. Then a host that dies in the middle of a crawl: the same.
. "$(dirname "$0")/../fixtures/server/lib.sh"
SITE="$TOP/tests/fixtures/server/site"
fx_start site --root "$SITE"
base="http://127.0.0.1:$FX_PORT_site"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
dead="http://127.0.0.1:$(free_port)"
nodns="http://no-such-host.invalid"
out="$FX_TMP/out"

start=$(date +%s.%N)
"$CHOUETTE" crawl --out "$out" --seed "$dead/" --seed "$nodns/" --seed "$base/" \
    --allow-network 127.0.0.0/8 --delay-ms 0 2>"$FX_TMP/crawl.err" ||
    fail "crawl exit $?: $(cat "$FX_TMP/crawl.err")"
secs=$(python3 -c "import time; print(round(time.time() - $start, 1))")
cat "$FX_TMP/crawl.err"
echo "crawl took ${secs}s"
# 3 tries 1 s and 2 s apart: about 3 s; far from the 3 minutes of robots_retry_s x 3
python3 -c "import sys; sys.exit(0 if $secs < 20 else 1)" || fail "crawl took ${secs}s"
[ "$(warc_responses "$out" | wc -l)" -eq 9 ] || fail "good site: $(warc_responses "$out" | wc -l) pages, want 9"
grep -q 'hosts given up 2,' "$FX_TMP/crawl.err" || fail "two hosts should be given up"
db="$out/state.sqlite"
if command -v sqlite3 >/dev/null; then
    for h in "$dead" "$nodns"; do
        row=$(sqlite3 "$db" "SELECT robots_status, robots_failures FROM hosts WHERE host = '$h'")
        [ "$row" = "0|3" ] || fail "$h recorded as '$row', want robots status 0 after 3 failures"
        st=$(sqlite3 "$db" "SELECT status FROM urls WHERE url = '$h/'")
        [ "$st" = 4 ] || fail "$h/ has status '$st', want 4 (skipped)"
    done
fi
grep -q "$dead\|no-such-host" "$FX_TMP/crawl.err" && fail "a URL was printed (no logging of URLs)"

# a host that stops answering in the middle: killed after its first pages; the crawl ends soon
# after with what it fetched before, the rest skipped, nothing held for minutes
gen="$FX_TMP/gen"
mkdir -p "$gen"
for i in $(seq 0 99); do
    printf '<html><body><a href="p%d.html">n</a> <a href="p%d.html">m</a></body></html>\n' \
        $(( (i + 1) % 100 )) $(( (i + 2) % 100 )) >"$gen/p$i.html"
done
fx_start gen --root "$gen"
out2="$FX_TMP/out2"
start=$(date +%s.%N)
"$CHOUETTE" crawl --out "$out2" --seed "http://127.0.0.1:$FX_PORT_gen/p0.html" \
    --allow-network 127.0.0.0/8 --delay-ms 100 --max-depth 1000 2>"$FX_TMP/crawl2.err" &
pid=$!
for _ in $(seq 100); do [ "$(grep -c ' /p' "$FX_LOG_gen")" -ge 5 ] && break; sleep 0.1; done
kill "${FX_PIDS[-1]}"; wait "${FX_PIDS[-1]}" 2>/dev/null
wait "$pid" || fail "crawl with a dying host: exit $?: $(cat "$FX_TMP/crawl2.err")"
secs=$(python3 -c "import time; print(round(time.time() - $start, 1))")
cat "$FX_TMP/crawl2.err"
echo "crawl with a dying host took ${secs}s"
python3 -c "import sys; sys.exit(0 if $secs < 25 else 1)" || fail "crawl took ${secs}s"
n=$(warc_responses "$out2" | wc -l)
[ "$n" -ge 5 ] && [ "$n" -lt 100 ] || fail "$n pages before the host died"
grep -q 'hosts given up 1,' "$FX_TMP/crawl2.err" || fail "the dead host was not given up"
grep -q 'queued left 0$' "$FX_TMP/crawl2.err" || fail "URLs left queued"
echo "ok"
