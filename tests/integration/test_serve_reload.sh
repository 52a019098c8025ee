#!/usr/bin/env bash
# 'chouette serve' reloads its filters on SIGHUP without dropping a request: the policy
# override file is changed (junior unhides gambling, then junior_allowlist_only is turned on),
# SIGHUP is sent while a loop of concurrent requests runs, and the next searches follow the new
# policy; every request of the loop is answered 200. A bad override file on SIGHUP keeps the
# previous filters and says so on stderr. The query checker is reloaded with the policy.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin curl python3

# A casino page that only the phrase classifier puts in gambling (hidden in junior), and a
# harmless page on the casino of Monte-Carlo's history.
python3 "$TOP/tests/fixtures/casino_pages_warc.py" "$tmp/pages.warc"
"$CHOUETTE" index --db "$tmp/db" "$tmp/pages.warc" >"$tmp/index.log" 2>&1 ||
    { cat "$tmp/index.log"; echo "FAIL: index"; exit 1; }

override="$tmp/policy-override.ini"
printf '; no change yet\n' >"$override"
printf '[serve]\npolicy_override = %s\nthreads = 4\n' "$override" >"$tmp/serve.ini"
serve_start main --db "$tmp/db" --config "$tmp/serve.ini" || exit 1
pids+=("$SERVE_PID")
pid=$SERVE_PID
base="http://127.0.0.1:$PORT"

# junior_urls: the result URLs of a junior search for casino, space-separated
junior_urls() {
    curl -s --max-time 10 "$base/api/search?q=casino&mode=junior" |
        python3 -c 'import json,sys; print(" ".join(r["url"] for r in json.load(sys.stdin)["results"]))'
}
# hup N: SIGHUP, then wait until the server has printed its Nth reload line (ok or failed)
hup() {
    local want=$1 n
    kill -HUP "$pid"
    for n in $(seq 100); do
        [ "$(grep -c 'SIGHUP:' "$tmp/main.err")" -ge "$want" ] && return 0
        sleep 0.05
    done
    bad "no reload message after SIGHUP $want"
}

# the load: 4 clients in a loop until told to stop, each status code on its own line
loop() {
    local i=0
    while [ ! -e "$tmp/stop" ]; do
        case $((i % 3)) in
        0) curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$base/search?q=casino&mode=junior" ;;
        1) curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$base/api/search?q=casino&mode=school" ;;
        2) curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$base/search?q=p0rn&mode=junior" ;;
        esac
        i=$((i + 1))
    done
}
for c in 1 2 3 4; do
    loop >"$tmp/codes.$c" 2>&1 &
    pids+=("$!")
    loaders+=("$!")
done
sleep 0.3

# 1. shipped policy: junior hides the casino page, keeps the history page
u=$(junior_urls)
case "$u" in *jeux.example.org*) bad "junior shows the casino page at start: $u" ;; esac
case "$u" in *maths.example.org*) ;; *) bad "junior lacks the history page at start: $u" ;; esac

# 2. junior unhides gambling: the casino page shows after SIGHUP
printf '[junior]\nunhide = gambling\n' >"$override"
hup 1
grep -q 'SIGHUP: filters reloaded' "$tmp/main.err" || bad "no 'filters reloaded' line"
u=$(junior_urls)
case "$u" in *jeux.example.org*) ;; *) bad "junior still hides the casino page after reload: $u" ;; esac

# 3. a bad file: the reload fails, the previous filters stay
printf '[junior]\nunhide = gambling\nhide = no_such_category\n' >"$override"
hup 2
grep -q 'SIGHUP: reload failed, keeping the previous filters' "$tmp/main.err" ||
    bad "a bad file was not reported"
grep -q 'no_such_category' "$tmp/main.err" || bad "the failure does not name the bad value"
kill -0 "$pid" 2>/dev/null || bad "the server died on a bad file"
u=$(junior_urls)
case "$u" in *jeux.example.org*) ;; *) bad "a failed reload changed the filters: $u" ;; esac

# 4. junior allow-list-only: nothing in this index is allow-listed, so junior finds nothing,
#    and school is unchanged
printf '[general]\njunior_allowlist_only = true\n' >"$override"
hup 3
u=$(junior_urls)
[ -z "$u" ] && [ "$(grep -c 'SIGHUP: filters reloaded' "$tmp/main.err")" = 2 ] ||
    bad "junior_allowlist_only: junior still finds: $u"
s=$(curl -s --max-time 10 "$base/api/search?q=casino&mode=school" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')
[ "$s" -ge 1 ] || bad "school lost its results under junior_allowlist_only"
sug=$(curl -s --max-time 10 "$base/suggest?q=casi&mode=junior")
[ "$sug" = '["casi",[]]' ] || bad "junior suggestions under allow-list-only: $sug"

# 5. back to the shipped policy, many reloads in a row under load
printf '; shipped\n' >"$override"
for k in 4 5 6 7 8 9; do hup "$k"; done
u=$(junior_urls)
case "$u" in *jeux.example.org*) bad "junior shows the casino page after going back: $u" ;; esac
case "$u" in *maths.example.org*) ;; *) bad "junior lacks the history page after going back: $u" ;; esac

touch "$tmp/stop"
for p in "${loaders[@]}"; do wait "$p"; done
total=$(cat "$tmp"/codes.* | wc -l)
not200=$(cat "$tmp"/codes.* | grep -vc '^200$')
[ "$total" -ge 20 ] || bad "the load loop made only $total requests"
[ "$not200" = 0 ] || bad "$not200 of $total concurrent requests were not answered 200: $(sort "$tmp"/codes.* | uniq -c | tr '\n' ' ')"
grep -q 'q=\|casino\|p0rn' "$tmp/main.err" && bad "stderr holds user data"

serve_stop "$pid" || bad "serve exited non-zero"
if [ "$fails" -eq 0 ]; then
    echo "ok: SIGHUP reloads the filters under load ($total requests, all 200); a bad file keeps the old ones"
    exit 0
fi
exit 1
