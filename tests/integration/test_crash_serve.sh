#!/usr/bin/env bash
# 'chouette serve' killed with SIGKILL under load, three times, then started again on the same
# index: it answers at once (200, the same results as before the kills), with nothing to repair.
# The index directory is byte for byte what it was (the server only reads it), and the server
# left no file anywhere under the scratch directory it ran in.
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin curl python3 wget sha256sum

serve_fixture_index "$tmp" || { echo "FAIL: could not build the fixture index"; exit 1; }
digest() { (cd "$tmp/db" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
digest >"$tmp/db.before"
mkdir -p "$tmp/run"
cd "$tmp/run" || exit 1
# every file of the scratch directory but the server logs and this test's own lists
list_files() { find "$tmp" -type f | grep -v -e '\.err$' -e '/db\.\(before\|after\)$' -e '/files\.' | sort; }
list_files >"$tmp/files.before"

results() { # the URLs of a search, one line
    curl -s --max-time 10 "http://127.0.0.1:$PORT/api/search?q=chouette+hulotte" |
        python3 -c 'import json,sys; print(" ".join(r["url"] for r in json.load(sys.stdin)["results"]))'
}
# load: 4 clients in a loop, each request a different query, until killed
load() {
    local i=0
    while :; do
        curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/search?q=hulotte+$1+$i" || true
        i=$((i + 1))
    done
}

serve_start first --db "$tmp/db" || exit 1
pids+=("$SERVE_PID")
want=$(results)
[ -n "$want" ] || bad "no results before the kills"
for round in 1 2 3; do
    lpids=()
    for c in 1 2 3 4; do
        load "$c" &
        lpids+=($!)
    done
    sleep 1
    kill -KILL "$SERVE_PID"
    wait "$SERVE_PID" 2>/dev/null
    [ $? -eq 137 ] || bad "round $round: the server was not killed by SIGKILL"
    for p in "${lpids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    t0=$(date +%s%3N)
    serve_start "round$round" --db "$tmp/db" || { bad "round $round: no restart"; break; }
    pids+=("$SERVE_PID")
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT/search?q=hulotte")
    echo "round $round: killed under load, restarted and answered $code in $(($(date +%s%3N) - t0)) ms"
    [ "$code" = 200 ] || bad "round $round: answered $code after the restart"
    [ "$(results)" = "$want" ] || bad "round $round: different results after the restart"
done
kill -TERM "$SERVE_PID" 2>/dev/null
wait "$SERVE_PID" 2>/dev/null

digest >"$tmp/db.after"
diff -u "$tmp/db.before" "$tmp/db.after" >/dev/null || bad "the index changed: $(diff "$tmp/db.before" "$tmp/db.after" | head -5)"
list_files >"$tmp/files.after"
diff "$tmp/files.before" "$tmp/files.after" >"$tmp/files.diff" ||
    bad "files appeared or vanished: $(head -5 "$tmp/files.diff")"
[ $fails -eq 0 ] && echo "crash serve: ok"
[ $fails -eq 0 ]
