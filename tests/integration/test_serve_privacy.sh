#!/usr/bin/env bash
# The privacy statement of docs/PRIVACY.md, checked on the real server. 'chouette serve' runs
# under strace (openat, open, creat, write, sendto, sendmsg, writev, accept, accept4 in every
# thread); queries carrying a unique marker go in by GET, POST, the JSON API, suggestions and
# error paths, in headers too. Then:
#   1. after start-up no file is opened for writing or created (nothing written to disk);
#   2. the marker bytes only ever appear in writes to the client sockets (fds of accepted
#      connections): never to stderr/stdout, a file or any other socket;
#   3. no response has a cookie header (curl keeps every response header);
#   4. stderr names no query and no client address after start-up;
#   5. results link straight to the target (no redirect through us) with rel=noreferrer.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin curl python3 wget strace
strace -f -o /dev/null true 2>/dev/null || { echo "skip: strace cannot trace here (ptrace refused)"; exit 77; }

serve_fixture_index "$tmp" || { echo "FAIL: could not build the fixture index"; exit 1; }

marker="zqxmarker$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
# LeakSanitizer cannot run under ptrace (it aborts at exit): in the sanitized pass, leaks of
# this same binary are checked by test_serve_http, which runs the server without strace.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
strace -f -qq -s 1000000 -e trace=openat,open,creat,write,sendto,sendmsg,writev,accept,accept4 \
    -o "$tmp/trace" "$CHOUETTE" serve --db "$tmp/db" --listen 127.0.0.1:0 2>"$tmp/serve.err" &
SERVE_PID=$!
pids+=("$SERVE_PID")
PORT=""
for n in $(seq 200); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/serve.err")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "FAIL: server did not start"; cat "$tmp/serve.err"; exit 1; }
base="http://127.0.0.1:$PORT"

c() { curl -s -g -o /dev/null -D - --max-time 10 "$@" >>"$tmp/headers"; }
c "$base/search?q=hulotte+$marker"
c "$base/search?q=$marker&page=2&mode=junior&hl=en"
c "$base/search" --data "q=chouette+$marker&mode=school"
c "$base/api/search?q=$marker"
c "$base/suggest?q=$marker"
c "$base/search?q=$marker&page=-1"
c "$base/search?q=$marker&mode=$marker"
c "$base/$marker"
c "$base/static/$marker.css"
c "$base/search?q=$(head -c 3000 /dev/zero | tr '\0' a)$marker"
c "$base/search?q=hulotte" -H "X-Test: $marker" -H "Accept-Language: $marker" -H "Referer: http://$marker/"
c "$base/search?q=hulotte" -H "Host: $marker.example"
c "$base/"
c "$base/stats"
c "$base/metrics"
curl -s --max-time 10 "$base/search?q=hulotte" >"$tmp/results.html"
sleep 0.5
# SIGTERM goes to the server itself (the child of strace); strace ends when it does
server_pid=$(pgrep -P "$SERVE_PID" | head -1)
[ -n "$server_pid" ] || { echo "FAIL: server process not found under strace"; exit 1; }
kill -TERM "$server_pid"
wait "$SERVE_PID"
rc=$?
[ "$rc" -eq 0 ] || bad "server exit $rc after SIGTERM (strace returns the exit status of the server)"

# 3. no cookie in any response header (and responses did arrive)
[ "$(grep -c '^HTTP/1.1' "$tmp/headers")" -ge 15 ] || bad "not every request was answered"
grep -qi 'cookie' "$tmp/headers" && bad "a response carries a cookie header"

# 1 and 2: read the trace
python3 - "$tmp/trace" "$marker" <<'PY' || bad "trace check (see above)"
import re, sys
trace, marker = sys.argv[1], sys.argv[2]
lines = open(trace, encoding="latin-1").read().splitlines()
started = False
accepted = set()   # (pid-independent) fd numbers returned by accept/accept4 after start-up
problems = []
marker_writes = 0
call = re.compile(r'^(\d+)\s+(\w+)\((\d+)?')
resumed = re.compile(r'^(\d+)\s+<\.\.\. (\w+) resumed>')
ret_re = re.compile(r'\)\s+=\s+(-?\d+)(?:\s.*)?$')
for line in lines:
    # with -f a call may be split into "... <unfinished ...>" and "<... name resumed> ... = N"
    m = call.match(line)
    r = resumed.match(line)
    if m:
        name, fd = m.group(2), m.group(3)
    elif r:
        name, fd = r.group(2), None
    else:
        continue
    rm = ret_re.search(line)
    ret = int(rm.group(1)) if rm else -1
    if not started:
        if name == "write" and "listening on" in line:
            started = True
        continue
    if name in ("accept", "accept4") and ret >= 0:
        accepted.add(ret)
    elif name in ("openat", "open"):
        flags = line.split('"', 2)[-1] if '"' in line else line
        if re.search(r'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND', flags):
            problems.append("opened for writing after start-up: " + line[:200])
    elif name == "creat":
        problems.append("file created after start-up: " + line[:200])
    elif name in ("write", "sendto", "sendmsg", "writev"):
        if marker in line:
            marker_writes += 1
            if fd is None or int(fd) not in accepted:
                problems.append("marker written to fd %s (not a client socket): %s" % (fd, line[:200]))
        if fd is not None and int(fd) in (1, 2) and ("127.0.0.1" in line or marker in line):
            problems.append("stdout/stderr names a client or a query: " + line[:200])
if not started:
    problems.append("start-up line not found in the trace")
if marker_writes < 5:
    problems.append("the marker was echoed to clients only %d times: trace incomplete?" % marker_writes)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

# 4. stderr: the start and stop lines only
grep -q "$marker" "$tmp/serve.err" && bad "stderr holds the marker"
[ "$(grep -c . "$tmp/serve.err")" -le 2 ] || { bad "stderr has more than start/stop lines"; cat "$tmp/serve.err"; }

# 5. results link straight to the pages, without referrer
grep -q '<a href="http://127.0.0.1:[0-9]*/hulotte[0-9]*.html" rel="noreferrer noopener">' \
    "$tmp/results.html" || bad "results do not link straight to the target"
grep -q 'href="/url\|href="/redirect\|href="/click' "$tmp/results.html" && bad "a redirect link"
grep -q '<meta name="referrer" content="no-referrer">' "$tmp/results.html" || bad "no referrer meta"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "serve privacy: all checks passed"
