#!/usr/bin/env bash
# 'chouette serve' end to end on 127.0.0.1 against a real index (built here from a WARC that
# wget writes while mirroring a small local site): routes, pages, JSON, security headers on
# every response, bad input (invalid UTF-8, 10 KB queries, bad pages and modes, dot-dot static
# paths, header floods, slowloris) each answered while the server keeps serving others, mode
# locks by listener and by Host, POST, and a clean SIGTERM shutdown.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin curl python3 wget

serve_fixture_index "$tmp" || { echo "FAIL: could not build the fixture index"; exit 1; }

cat >"$tmp/serve.ini" <<'INI'
[serve]
host_modes = ecole.example.fr:junior, college.example.fr:school
host_sites = intranet.example.fr:127.0.0.1
cors_origins = https://ent.example.fr
connection_timeout_s = 2
INI
serve_start main --db "$tmp/db" --config "$tmp/serve.ini" || exit 1
pids+=("$SERVE_PID")
main_pid=$SERVE_PID
base="http://127.0.0.1:$PORT"

# get NAME PATH [curl args...]: body in $tmp/NAME.body, headers in $tmp/NAME.h, status in $code
get() {
    local name=$1 path=$2
    shift 2
    code=$(curl -s -g --path-as-is -o "$tmp/$name.body" -D "$tmp/$name.h" -w '%{http_code}' \
        --max-time 10 "$@" "$base$path")
    # every answer carries the security headers and never a cookie
    grep -qi "^content-security-policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'" "$tmp/$name.h" ||
        bad "$path: no CSP"
    grep -qi '^referrer-policy: no-referrer' "$tmp/$name.h" || bad "$path: no Referrer-Policy"
    grep -qi '^x-content-type-options: nosniff' "$tmp/$name.h" || bad "$path: no nosniff"
    grep -qi '^permissions-policy: interest-cohort=()' "$tmp/$name.h" || bad "$path: no Permissions-Policy"
    grep -qi 'cookie' "$tmp/$name.h" && bad "$path: a cookie header"
    return 0
}
expect() { # WANT_CODE NAME PATH [curl args]
    local want=$1
    shift
    get "$@"
    [ "$code" = "$want" ] || bad "$2: status $code, want $want"
}
has() { grep -qF -- "$2" "$tmp/$1.body" || bad "$1: body lacks: $2"; }
hasnt() { grep -qF -- "$2" "$tmp/$1.body" && bad "$1: body has: $2"; return 0; }

# --- routes --------------------------------------------------------------------------------
expect 200 home /
has home '<html lang="fr">'
has home 'rel="search" type="application/opensearchdescription+xml"'
grep -qi '^cache-control: no-store' "$tmp/home.h" || bad "home: not no-store"
expect 200 home_en / -H 'Accept-Language: en-GB,en;q=0.9'
has home_en '<html lang="en">'
expect 200 results '/search?q=chouette+hulotte'
has results '<ol class="results"'
has results 'rel="noreferrer noopener"'
has results '<mark>'
has results 'Environ '
grep -qi '^cache-control: no-store' "$tmp/results.h" || bad "results: not no-store"
has results 'rel="next"'
expect 200 page2 '/search?q=chouette+hulotte&page=2'
has page2 'rel="prev"'
expect 200 results_en '/search?q=owl&hl=en'
has results_en '<html lang="en">'
has results_en 'The tawny owl &lt;script&gt;alert(1)&lt;/script&gt;'
hasnt results_en '<script>alert(1)'
expect 200 noresults '/search?q=xylophonezzz'
has noresults 'Aucun résultat'
expect 200 post /search --data 'q=hulotte&mode=school'
has post 'mode-school'
has post '<ol class="results"'
expect 200 api '/api/search?q=hulotte&mode=junior'
grep -qi '^content-type: application/json' "$tmp/api.h" || bad "api: not JSON"
python3 - "$tmp/api.body" <<'PY' || bad "api: JSON shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "junior" and d["query"] == "hulotte" and d["page"] == 1, d
assert d["blocked"] is False and isinstance(d["results"], list) and d["results"], d
r = d["results"][0]
assert set(["rank", "url", "title", "snippet", "lang", "site"]) <= set(r), r
PY
expect 200 cors '/api/search?q=hulotte' -H 'Origin: https://ent.example.fr'
grep -qi '^access-control-allow-origin: https://ent.example.fr' "$tmp/cors.h" || bad "cors: allowed origin not echoed"
expect 200 nocors '/api/search?q=hulotte' -H 'Origin: https://evil.example'
grep -qi '^access-control-allow-origin' "$tmp/nocors.h" && bad "nocors: origin allowed"
expect 200 suggest '/suggest?q=hul'
grep -qi '^content-type: application/x-suggestions+json' "$tmp/suggest.h" || bad "suggest: type"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]=="hul" and isinstance(d[1], list)' \
    "$tmp/suggest.body" || bad "suggest: shape"
expect 200 osd /opensearch.xml
has osd "template=\"http://127.0.0.1:$PORT/search?q={searchTerms}\""
expect 200 healthz /healthz
has healthz ok
expect 200 css /static/chouette.css
grep -qi '^content-type: text/css' "$tmp/css.h" || bad "css: type"
expect 200 logo /static/logo.svg
expect 200 stats /stats
has stats '<table>'
expect 200 stats_json '/stats?format=json'
python3 - "$tmp/stats_json.body" <<'PY' || bad "stats JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["documents"] >= 13, d
assert d["queries_total"]["web"] >= 1 and d["queries_total"]["junior"] >= 1, d
assert d["median_latency_ms"] > 0, d
PY
expect 200 stats_accept /stats -H 'Accept: application/json'
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/stats_accept.body" || bad "stats Accept JSON"
expect 200 metrics /metrics
has metrics 'chouette_queries_total{mode="web"}'
has metrics 'chouette_documents_indexed '
hasnt metrics 'hulotte'
hasnt metrics '127.0.0.1'

# --- bad input: a clear 4xx, and the server keeps serving -----------------------------------
# invalid UTF-8 is repaired (each bad sequence becomes U+FFFD), not refused
expect 200 utf8 '/search?q=caf%E9%FF'
has utf8 "value=\"caf$(printf '\xef\xbf\xbd\xef\xbf\xbd')\""
big=$(head -c 10240 /dev/zero | tr '\0' a)
expect 414 long "/search?q=$big"
has long '2048'
expect 414 long_api "/api/search?q=$big"
expect 413 long_post /search --data "q=$big" # a POST body past SRV_MAX_POST_BYTES
expect 400 page_neg '/search?q=a&page=-1'
has page_neg 'de 1 à 100'
expect 400 page_huge '/search?q=a&page=99999999'
expect 400 page_text '/search?q=a&page=abc'
expect 400 mode '/search?q=a&mode=kids'
has mode 'Ce mode n’existe pas'
expect 200 unknown_param '/search?q=hulotte&utm_source=x&zzz'
# parameter floods: 64 parameters are served, more get 400. MHD's own parser would need a
# 48-byte record per parameter from the 36 KiB connection pool and hang up without an
# answer past about 500 one-byte ones: the server cuts such query strings first.
params() { seq -s '&' "$1"; }
expect 200 params_64 "/search?q=hulotte&$(params 63)"
expect 400 params_65 "/search?q=hulotte&$(params 64)"
has params_65 'La demande est trop grande.'
expect 400 params_2000 "/search?q=hulotte&$(params 2000)"
expect 400 params_api "/api/search?q=hulotte&$(params 6000)"
python3 - "$PORT" <<'PY' || bad "parameter flood on a kept-alive connection"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
def ask(target):
    s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    status = f.readline()
    length = 0
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    f.read(length)
    return status
first = ask(b"/search?q=hulotte")
assert first.startswith(b"HTTP/1.1 200"), first
flood = ask(b"/search?q=hulotte&" + b"&".join(b"%d" % i for i in range(3000)))
assert flood.startswith(b"HTTP/1.1 400"), flood
PY
expect 200 xss '/search?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E'
hasnt xss '<script>alert(1)'
has xss 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'
expect 200 xss_api '/api/search?q=%22%3E%3Cscript%3E'
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["query"] == "\"><script>"' \
    "$tmp/xss_api.body" || bad "xss_api: query not round-tripped through JSON"
for p in '/static/../server/http.c' '/static/%2e%2e/server/http.c' '/static/%2E%2E%2Fhttp.c' \
         '/static/..%2fMakefile' '/static/.hidden' '/static/' '/../../etc/passwd' '/nope'; do
    expect 404 dotdot "$p"
    has dotdot 'Cette page n’existe pas.'
done
expect 405 put /search -X PUT
expect 405 delete / -X DELETE
expect 413 bigpost /search --data "q=a&pad=$(head -c 20000 /dev/zero | tr '\0' b)"

# header flood: 2000 headers of 100 bytes; MHD refuses it past the per-connection memory
python3 - "$PORT" <<'PY' || bad "header flood: server misbehaved"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
req = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-F%d: %s\r\n" % (i, b"y" * 90) for i in range(2000)) + b"\r\n"
try:
    s.sendall(req)
    status = s.recv(200).split(b"\r\n")[0]
except (ConnectionResetError, BrokenPipeError):
    status = b"closed"
assert not status.startswith(b"HTTP/1.1 200"), status
PY
# slowloris: a request that never ends is closed after connection_timeout_s (2 s here),
# while other clients are served meanwhile
python3 - "$PORT" <<'PY' || bad "slowloris: connection not closed by the timeout"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=15)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-a: ")
t0 = time.time()
body = urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5).read()
assert body == b"ok\n", body
closed = False
try:
    while time.time() - t0 < 12:
        if s.recv(100) == b"":
            closed = True
            break
except (ConnectionResetError, socket.timeout):
    closed = True
assert closed and time.time() - t0 < 12, "still open"
PY
expect 200 still_alive /healthz

# --- modes and locks --------------------------------------------------------------------------
expect 200 m_junior '/search?q=hulotte&mode=junior'
has m_junior 'class="mode-junior'
# Host lock from the configuration: nothing escapes it, in any case, GET or POST
for qs in 'mode=web' 'mode=WEB' 'safe=off' 'mode=web&safe=off' 'mode=junior&mode=web' \
          'mode=web&mode=web' 'Mode=web' 'mode=%77eb' 'mode=web%00'; do
    for host in ecole.example.fr ECOLE.EXAMPLE.FR ecole.example.fr. "ecole.example.fr:$PORT"; do
        expect 200 lock "/search?q=hulotte&$qs" -H "Host: $host"
        has lock 'class="mode-junior page-results"'
        hasnt lock '<select'
        expect 200 lock_post /search --data "q=hulotte&$qs" -H "Host: $host"
        has lock_post 'class="mode-junior page-results"'
        expect 200 lock_api "/api/search?q=hulotte&$qs" -H "Host: $host"
        grep -Eq '"mode": ?"junior"' "$tmp/lock_api.body" || bad "lock_api: not junior ($qs, $host)"
    done
done
expect 200 lock_school '/search?q=hulotte&mode=web' -H 'Host: college.example.fr'
has lock_school 'class="mode-school'
# intranet: a default site scope, and the checkbox to widen it
expect 200 intranet '/search?q=hulotte' -H 'Host: intranet.example.fr'
has intranet 'name="site" value="127.0.0.1" checked'
expect 200 intranet_all '/search?q=hulotte&sitebox=1' -H 'Host: intranet.example.fr'
hasnt intranet_all 'value="127.0.0.1" checked'

# a listener locked to junior with --lock-mode
serve_start locked --db "$tmp/db" --lock-mode junior || exit 1
pids+=("$SERVE_PID")
locked_pid=$SERVE_PID
base="http://127.0.0.1:$PORT"
for qs in 'mode=web' 'mode=Web' 'safe=off&mode=web' 'mode=school&mode=web' 'mode=bogus'; do
    expect 200 llock "/search?q=hulotte&$qs"
    has llock 'class="mode-junior page-results"'
    expect 200 llock_post /search --data "q=hulotte&$qs"
    has llock_post 'class="mode-junior page-results"'
done
serve_stop "$locked_pid"
rc=$?
[ "$rc" -eq 0 ] || bad "locked server: exit $rc after SIGTERM"

# --- usage ------------------------------------------------------------------------------------
"$CHOUETTE" serve --help >"$tmp/help" 2>&1 || bad "--help failed"
grep -q -- '--lock-mode' "$tmp/help" || bad "--help does not describe --lock-mode"
"$CHOUETTE" serve >/dev/null 2>&1
[ $? -eq 2 ] || bad "no --db: not a usage error"
"$CHOUETTE" serve --db "$tmp/db" --lock-mode kids >/dev/null 2>&1
[ $? -eq 2 ] || bad "bad --lock-mode: not a usage error"
"$CHOUETTE" serve --db "$tmp/nope" --listen 127.0.0.1:0 >/dev/null 2>"$tmp/nodb.err"
[ $? -eq 1 ] || bad "missing index: not a run-time failure"
"$CHOUETTE" serve --db "$tmp/db" --listen nowhere >/dev/null 2>&1
[ $? -eq 2 ] || bad "bad --listen: not a usage error"
# A port another server listens on: a clear failure, not a second server sharing the port
# (and its connections) with the first.
main_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/main.err")
timeout 10 "$CHOUETTE" serve --db "$tmp/db" --listen "127.0.0.1:$main_port" >/dev/null \
    2>"$tmp/inuse.err"
rc=$?
[ "$rc" -eq 1 ] || bad "second server on port $main_port, in use: exit $rc, want 1"
grep -q "cannot listen on 127.0.0.1:$main_port (address in use" "$tmp/inuse.err" ||
    bad "second server on a port in use: no clear message: $(cat "$tmp/inuse.err")"

# --- shutdown ---------------------------------------------------------------------------------
serve_stop "$main_pid"
rc=$?
[ "$rc" -eq 0 ] || bad "main server: exit $rc after SIGTERM"
grep -q 'hulotte' "$tmp/main.err" && bad "stderr names a query"
grep -q 'ecole' "$tmp/main.err" && bad "stderr names a Host"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "serve http: all checks passed"
