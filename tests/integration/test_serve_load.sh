#!/usr/bin/env bash
# 'chouette serve' under load and abuse, on 127.0.0.1 only, bounded in time (about 3 minutes;
# shorter runs, same checks, in the sanitized pass: CHOUETTE_SANITIZE set):
#   1. wrk, 256 connections, a mix of /search and /api/search with varied queries: a 5 s
#      warm-up, then 60 s, then 30 s: no socket error, no non-2xx answer, RSS (server idle)
#      after run 2 at most 5 % above RSS after run 1. The rate limiter stays ON with a limit no
#      test reaches (rate_limit and rate_limit_burst 1000000, rate_limit_exempt = none), so its
#      table and locks are under load too.
#   2. 1 000 slow clients (slowloris: partial requests, one more header line every 4 s) from
#      127.0.0.2-127.0.0.5, all held, while 50 queries from 127.0.0.1 keep their median
#      latency: below 100 ms and below 3 x the median without them (+ 5 ms of scheduling
#      slack). 600 more from one address (127.0.0.9): at most max_connections_per_ip held.
#   3. header floods (5 000 headers, 3 000 of 5 bytes, one 100 KB header) and parameter floods
#      (5 000 GET parameters, 2 000 one-byte ones in a short URL, 5 000 in a POST body): each
#      answered with a 4xx (a connection closed without an answer fails); the server answers
#      afterwards.
#   4. 10 000 distinct queries after 1 000 of warm-up: RSS after at most 5 % above RSS before.
#   5. the rate limiter itself, on a second server (rate_limit = 2, rate_limit_burst = 20):
#      a burst gets 429 with Retry-After, the page in the visitor's language, JSON on /api/,
#      static files and /healthz still served, another client (X-Forwarded-For from the loopback proxy) unaffected, and a return
#      to 200 after waiting Retry-After. stderr never names a client address.
# Numbers are printed as "measure: ..." lines (docs/PERFORMANCE.md records them).
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin curl python3 wget wrk ss
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 2000 ]; then
    echo "skip: the hard limit of open files ($(ulimit -Hn)) is below the 2 000 this test holds"
    exit 77
fi
measure() { echo "measure: $*"; }

if [ -n "${CHOUETTE_SANITIZE:-}" ]; then
    WARM=10 WRK1=10 WRK2=10 HOLD=12
    # RSS should measure the server, not ASan: a small quarantine fills during the warm-up, and
    # no allocation stacks are kept (ASan stores each new one for good: RSS grew 2.5, 1.3, 0.8,
    # 0.7 MB over five runs of 10 s with them, +-0.3 MB without; errors are still caught and
    # reported where they happen, the other sanitized tests keep the allocation stacks)
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4:malloc_context_size=0"
else
    WARM=5 WRK1=60 WRK2=30 HOLD=12
fi
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# wait (at most 30 s) until PID has used no CPU for 0.5 s: the backlog of a run is served
wait_idle() {
    local a b
    for _ in $(seq 60); do
        a=$(awk '{print $14 + $15}' "/proc/$1/stat")
        sleep 0.5
        b=$(awk '{print $14 + $15}' "/proc/$1/stat")
        [ "$a" = "$b" ] && return 0
    done
    return 0
}
grew5() { # A B: B - A > 5 % of A (growth: a leak; a smaller B is memory given back)
    python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(0 if (b - a) * 100 > 5 * a else 1)' "$1" "$2"
}

serve_fixture_index "$tmp" || { echo "FAIL: could not build the fixture index"; exit 1; }

cat >"$tmp/load.ini" <<'INI'
[serve]
; the limiter on, with a limit the load never reaches
rate_limit = 1000000
rate_limit_burst = 1000000
rate_limit_exempt = none
INI
serve_start load --db "$tmp/db" --config "$tmp/load.ini" || exit 1
pids+=("$SERVE_PID")
load_pid=$SERVE_PID
base="http://127.0.0.1:$PORT"

# --- 1. wrk, 256 connections ------------------------------------------------------------------
cat >"$tmp/mix.lua" <<'LUA'
-- /search and /api/search with varied queries, modes and pages; counts every non-2xx
local words = {"chouette", "hulotte", "rapace", "nocturne", "for%C3%AAt", "owl", "tawny",
               "campagnol", "mulot", "fiche", "arbres", "automne", "hiboux", "europe"}
local modes = {"web", "school", "junior"}
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end
function init(args)
    n = 0
    bad = 0
end
function request()
    n = n + 1
    local q = words[n % #words + 1]
    if n % 3 == 0 then q = q .. "+" .. words[(n * 7) % #words + 1] end
    if n % 5 == 0 then q = q .. "+x" .. n end -- a query never seen before
    local mode = modes[n % #modes + 1]
    local path
    if n % 2 == 0 then
        path = "/search?q=" .. q .. "&mode=" .. mode .. "&page=" .. (n % 3 + 1)
    else
        path = "/api/search?q=" .. q .. "&mode=" .. mode
    end
    return wrk.format("GET", path)
end
function response(status, headers, body)
    if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
    local b = 0
    for _, t in ipairs(threads) do b = b + t:get("bad") end
    local e = summary.errors
    io.write(string.format("WRK requests=%d non2xx=%d sockerr=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
        summary.requests, b, e.connect + e.read + e.write + e.timeout, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
# A stopwatch beside wrk: the longest time (s) in which a process that sleeps 50 ms at a time was
# not run, on the wall clock (wrk's) and the monotonic one. A stop of the whole machine (the VM
# paused, or starved by its host) shows there too, and is no fault of the server's: twice in CI a
# wrk run got nothing for 10-15 s, a warm-up and a run right after it being normal.
stopwatch_start() {
    rm -f "$tmp/stopwatch.stop" "$tmp/stopwatch.gap"
    python3 -c '
import os, sys, time
stop, w, m, gap = sys.argv[1], time.time(), time.monotonic(), 0.0
while not os.path.exists(stop):
    time.sleep(0.05)
    w2, m2 = time.time(), time.monotonic()
    gap, w, m = max(gap, w2 - w, m2 - m), w2, m2
print(f"{gap:.1f}")' "$tmp/stopwatch.stop" >"$tmp/stopwatch.gap" &
    stopwatch_pid=$!
}
stopwatch_stop() { # sets gap: the longest stop, in seconds (not in a subshell: it waits)
    touch "$tmp/stopwatch.stop"
    wait "$stopwatch_pid"
    gap=$(cat "$tmp/stopwatch.gap")
}
# Once a second during a wrk run NAME, into $tmp/NAME.watch: what each of the server's threads
# waits on (state and kernel wait channel from /proc), the listening socket's accept queue and
# the connections established to it (ss), whether a new connection gets /healthz (curl,
# status/seconds), and the CPU ticks (10 ms) since the previous line, about 1.1 s before: the
# server's, the whole machine's, and those stolen by the host; and the server's major page
# faults (code or data read back from disk: this VM's DAMON "pageout" scheme drops file pages it
# finds cold). Printed when a check of section 1 fails: a lock (futex_*), libmicrohttpd not
# accepting (ep_poll, a queue that stays full), a server that answers others while wrk's
# connections wait, a server waiting on the disk (state D, major faults) and a machine busy with
# something else tell different stories.
cpu_ticks() { # server ticks, machine busy ticks, steal ticks, server major page faults
    local u s f
    read -r f u s < <(awk '{print $12, $14, $15}' "/proc/$load_pid/stat")
    awk -v srv=$((u + s)) -v f="$f" '/^cpu / {print srv, $2 + $3 + $4 + $7 + $8 + $9, $9, f; exit}' /proc/stat
}
threads_watch_start() { # NAME
    rm -f "$tmp/threads.stop"
    (
        read -r srv0 busy0 steal0 flt0 < <(cpu_ticks)
        ps -eo pid=,times=,comm= >"$tmp/ps.before"
        while [ ! -e "$tmp/threads.stop" ]; do
            sleep 1
            line="$(date +%T)"
            for t in /proc/"$load_pid"/task/*; do
                line="$line $(cut -d' ' -f3 "$t/stat" 2>/dev/null):$(cat "$t/wchan" 2>/dev/null)"
            done
            read -r srv busy steal flt < <(cpu_ticks)
            line="$line cpu(server/machine/steal):$((srv - srv0))/$((busy - busy0))/$((steal - steal0))"
            line="$line major-faults:$((flt - flt0))"
            srv0=$srv busy0=$busy steal0=$steal flt0=$flt
            queue=$(ss -Hltn "sport = :$PORT" | awk '{print $2 "/" $3}')
            conns=$(ss -Htn state established "sport = :$PORT" | wc -l)
            probe=$(curl -s -o /dev/null -w '%{http_code}/%{time_total}' --max-time 0.8 "$base/healthz")
            echo "$line accept-queue:${queue:-?} established:$conns healthz:$probe"
        done
        # the processes that used the most CPU during the run (whole seconds), wrk and the server too
        ps -eo pid=,times=,comm= | awk 'NR == FNR {t[$1] = $2; next}
            {d = $2 - t[$1]; if (d > 0) print d "s:" $3 "(" $1 ")"}' "$tmp/ps.before" - |
            sort -rn | head -6 | tr '\n' ' ' | sed 's/^/busiest processes: /'
        echo
    ) >"$tmp/$1.watch" 2>/dev/null &
    threads_pid=$!
}
threads_watch_stop() {
    touch "$tmp/threads.stop"
    wait "$threads_pid"
}
task_ticks() { # the CPU ticks of each of the server's threads, one line
    for t in /proc/"$load_pid"/task/*; do awk '{printf "%d ", $14 + $15}' "$t/stat"; done
}
# NAME SECONDS: one wrk run; sets the caller's line (its WRK summary), gap, and split: the CPU
# ticks of each server thread during the run. libmicrohttpd's workers each keep the connections
# they accepted: 2 of 12 sanitized wrk runs had a p99 over 1.2 s, and in the one watched, one
# worker had most of wrk's 256 while the other sat in epoll_wait (new connections then waited
# over 0.8 s); 12 runs of a fresh plain server were all even.
wrk_once() {
    local before after
    before=$(task_ticks)
    stopwatch_start
    threads_watch_start "$1"
    wrk -t 2 -c 256 -d "$2s" --timeout 10s -s "$tmp/mix.lua" "$base" >"$tmp/$1.wrk" 2>&1
    threads_watch_stop
    stopwatch_stop
    after=$(task_ticks)
    split=$(python3 -c 'import sys; print("/".join(str(int(b) - int(a)) for a, b in zip(sys.argv[1].split(), sys.argv[2].split())))' "$before" "$after")
    line=$(grep '^WRK ' "$tmp/$1.wrk")
}
wrk_field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; } # FIELD LINE
wrk_clean() { # LINE: 0 if the run completed requests with no error
    [ "$(wrk_field requests "$1")" -gt 0 ] 2>/dev/null && [ "$(wrk_field non2xx "$1")" = 0 ] &&
        [ "$(wrk_field sockerr "$1")" = 0 ]
}
run_wrk() { # NAME SECONDS
    local line gap split
    wrk_once "$1" "$2"
    if ! wrk_clean "$line" && python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 3 else 1)' "$gap"; then
        # the machine stopped, not just the server: the run says nothing; run it again, once
        measure "wrk $1: ${line#WRK }; the machine stopped for $gap s (a process sleeping 50 ms at a time was not run): run again"
        wrk_once "$1" "$2"
    fi
    [ -n "$line" ] || { bad "wrk $1 gave no summary"; cat "$tmp/$1.wrk"; return; }
    measure "wrk $1 (${2} s, 256 connections): ${line#WRK } longest stop of the machine ${gap} s, CPU ticks of each server thread ${split}"
    local reqs non2xx sockerr
    reqs=$(wrk_field requests "$line")
    non2xx=$(wrk_field non2xx "$line")
    sockerr=$(wrk_field sockerr "$line")
    [ "${reqs:-0}" -gt 0 ] || bad "wrk $1: no request completed"
    [ "$non2xx" = 0 ] || bad "wrk $1: $non2xx non-2xx answers"
    [ "$sockerr" = 0 ] || { bad "wrk $1: $sockerr socket errors"; cat "$tmp/$1.wrk"; }
    grep -q 'Non-2xx' "$tmp/$1.wrk" && bad "wrk $1: $(grep 'Non-2xx' "$tmp/$1.wrk")"
    grep -q 'Socket errors' "$tmp/$1.wrk" && bad "wrk $1: $(grep 'Socket errors' "$tmp/$1.wrk")"
    return 0
}
# a warm-up run first: allocators (ASan's above all) reach their working size
run_wrk warm-up "$WARM"
run_wrk run1 "$WRK1"
wait_idle "$load_pid"
rss1=$(rss_kb "$load_pid")
run_wrk run2 "$WRK2"
wait_idle "$load_pid"
rss2=$(rss_kb "$load_pid")
measure "RSS after wrk run 1: ${rss1} kB, after run 2: ${rss2} kB"
# issue 8: "no memory growth between two runs"
grew5 "$rss1" "$rss2" && bad "RSS grew between the wrk runs: $rss1 kB -> $rss2 kB"
if [ "$fails" -gt 0 ]; then
    for w in warm-up run1 run2; do
        sed "s/^/watch $w: /" "$tmp/$w.watch"
    done
fi

# --- 2. slowloris ------------------------------------------------------------------------------
# latency of N sequential queries from 127.0.0.1 (curl's time_total), median in ms
median_ms() {
    local i
    for i in $(seq 50); do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 \
            "$base/search?q=hulotte+l$i&mode=school"
    done >"$tmp/lat"
    grep -vc '^200 ' "$tmp/lat" | grep -qx 0 || bad "latency probe: $(grep -vc '^200 ' "$tmp/lat") of 50 not 200"
    awk '{print $2 * 1000}' "$tmp/lat" | sort -n | awk '{v[NR] = $1} END {printf "%.2f\n", v[int((NR + 1) / 2)]}'
}
lat_before=$(median_ms)
cat >"$tmp/slow.py" <<'PY'
# Open slow connections, trickle a header line on each every 4 s, report how many the
# server keeps. argv: port hold_seconds ready_file (address:count)...
import resource, socket, sys, time
port, hold, ready = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
groups = [(a, int(n)) for a, n in (g.split(":") for g in sys.argv[4:])]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = sum(n for _, n in groups) + 64
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
socks = {a: [] for a, _ in groups}
for addr, n in groups:
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((addr, 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /search?q=slow HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            pass  # refused or reset: counted as not held below
        socks[addr].append(s)
open(ready, "w").write("ready\n")
def alive(s):
    try:
        s.setblocking(False)
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
t0, k = time.time(), 0
while time.time() - t0 < hold:
    time.sleep(min(4, max(0.0, hold - (time.time() - t0))))
    k += 1
    for ss in socks.values():
        for s in ss:
            try:
                s.setblocking(True)
                s.settimeout(1)
                s.sendall(b"X-Slow-%d: y\r\n" % k)
            except OSError:
                pass
for addr, ss in socks.items():
    print("held %s %d of %d" % (addr, sum(alive(s) for s in ss), len(ss)))
    for s in ss:
        s.close()
PY
python3 "$tmp/slow.py" "$PORT" "$HOLD" "$tmp/slow.ready" 127.0.0.2:250 127.0.0.3:250 \
    127.0.0.4:250 127.0.0.5:250 127.0.0.9:600 >"$tmp/slow.out" 2>&1 &
slow_pid=$!
pids+=("$slow_pid")
for _ in $(seq 300); do [ -f "$tmp/slow.ready" ] && break; sleep 0.1; done
[ -f "$tmp/slow.ready" ] || bad "slowloris clients did not connect in 30 s"
sleep 1
lat_during=$(median_ms)
wait "$slow_pid"
cat "$tmp/slow.out"
measure "median latency of 50 queries: ${lat_before} ms alone, ${lat_during} ms with 1 600 slow connections open"
held=$(awk '/^held 127\.0\.0\.[2-5] / {s += $3} END {print s + 0}' "$tmp/slow.out")
[ "$held" = 1000 ] || bad "slowloris: $held of 1000 slow connections held (want all: capacity, not refusals)"
held9=$(awk '/^held 127\.0\.0\.9 / {print $3}' "$tmp/slow.out")
[ -n "$held9" ] && [ "$held9" -le 512 ] || bad "slowloris: ${held9:-?} of 600 held from one address (per-address limit 512)"
python3 -c 'import sys; b, d = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if d < 100 and d < 3 * b + 5 else 1)' \
    "$lat_before" "$lat_during" || bad "latency under slowloris: ${lat_during} ms (alone ${lat_before} ms)"

# --- 3. header and parameter floods ------------------------------------------------------------
python3 - "$PORT" <<'PY' || bad "floods (see above)"
import socket, sys
port = int(sys.argv[1])
def send(raw):
    """Status of the answer to raw, or 'closed' when the server hung up without one."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(raw)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b""
    try:
        while len(data) < 64:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    if not data.startswith(b"HTTP/1."):
        return "closed"
    return int(data.split(b" ")[1])
def get(target, headers=b""):
    return send(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n")
def post(body):
    return send(b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
cases = {
    "5000 headers": get(b"/search?q=hulotte", b"".join(b"X-F%d: %s\r\n" % (i, b"y" * 30) for i in range(5000))),
    "3000 tiny headers": get(b"/search?q=hulotte", b"a:b\r\n" * 3000),
    "one 100 KB header": get(b"/search?q=hulotte", b"X-Big: " + b"z" * 100000 + b"\r\n"),
    "5000 GET parameters": get(b"/search?" + b"&".join(b"p%d=%d" % (i, i) for i in range(5000))),
    "2000 GET parameters, short": get(b"/search?q=a&" + b"&".join(b"%d" % i for i in range(2000))),
    "5000 POST parameters": post(b"&".join(b"p%d=%d" % (i, i) for i in range(5000))),
    "500 POST parameters": post(b"q=a&" + b"&".join(b"p%d=1" % i for i in range(500))),
}
ok = True
for name, status in cases.items():
    print("measure: flood %s -> %s" % (name, status))
    if status == "closed" or not (400 <= status < 500):
        print("FAIL: %s answered %s, want a 4xx" % (name, status))
        ok = False
sys.exit(0 if ok else 1)
PY
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/search?q=hulotte")
[ "$code" = 200 ] || bad "after the floods: /search answered $code"

# --- 4. 10 000 distinct queries: memory stable ---------------------------------------------------
cat >"$tmp/many.py" <<'PY'
# argv: port first count threads. Distinct queries over keep-alive connections; exits 1 on
# any answer other than 200.
import http.client, sys, threading
port, first, count, nthreads = (int(a) for a in sys.argv[1:5])
errors = []
def worker(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(first + k, first + count, nthreads):
        path = ("/api/search?q=chouette+q%d" % i) if i % 2 else ("/search?q=hulotte+w%d&mode=junior" % i)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            errors.append(r.status)
        if r.getheader("Connection", "").lower() == "close":
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.close()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(nthreads)]
for t in ts: t.start()
for t in ts: t.join()
if errors:
    print("FAIL: %d answers not 200 (first %s)" % (len(errors), errors[0]))
    sys.exit(1)
PY
python3 "$tmp/many.py" "$PORT" 0 1000 4 || bad "warm-up queries"
wait_idle "$load_pid"
rss_before=$(rss_kb "$load_pid")
start=$(date +%s.%N)
python3 "$tmp/many.py" "$PORT" 1000 10000 4 || bad "10 000 distinct queries"
secs=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
wait_idle "$load_pid"
rss_after=$(rss_kb "$load_pid")
measure "10 000 distinct queries in ${secs} s (4 keep-alive clients): RSS ${rss_before} kB before, ${rss_after} kB after"
# a leak is growth; memory given back is not (a sanitized CI run: 44 440 -> 41 168 kB, after the
# floods; where it went was not found: not ASan's periodic release to the OS, RSS sampled every
# 0.5 s after a wrk run being as flat with allocator_release_to_os_interval_ms=-1 as without)
grew5 "$rss_before" "$rss_after" && bad "RSS grew more than 5 % over 10 000 queries: $rss_before -> $rss_after kB"

serve_stop "$load_pid" || bad "load server exit status $? after SIGTERM (a leak under ASan?)"

# --- 5. the rate limiter ----------------------------------------------------------------------
cat >"$tmp/limited.ini" <<'INI'
[serve]
rate_limit = 2
rate_limit_burst = 20
rate_limit_exempt = none
INI
serve_start limited --db "$tmp/db" --config "$tmp/limited.ini" || exit 1
pids+=("$SERVE_PID")
lim_pid=$SERVE_PID
python3 - "$PORT" <<'PY' || bad "rate limiter (see above)"
import http.client, json, sys, time
port = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def get(path, headers=None):
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read().decode("utf-8")
codes = [get("/search?q=hulotte+%d" % i)[0] for i in range(40)]
print("measure: burst of 40 at rate_limit=2, burst=20: %d x 200, %d x 429" % (codes.count(200), codes.count(429)))
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("FAIL: " + what)
        ok = False
check(20 <= codes.count(200) <= 23, "the burst let %d requests through, want 20 (+ refill)" % codes.count(200))
check(codes.count(429) >= 17 and set(codes) <= {200, 429}, "codes %s" % sorted(set(codes)))
check(codes[:20] == [200] * 20, "the first 20 were not all 200")
st, h, body = get("/search?q=hulotte")
check(st == 429, "still limited: %d" % st)
ra = h.get("retry-after", "")
check(ra.isdigit() and 1 <= int(ra) <= 60, "Retry-After %r" % ra)
check("Trop de recherches" in body and h.get("content-type", "").startswith("text/html"), "429 page in French by default")
check("content-security-policy" in h and "set-cookie" not in h, "429 headers")
st, h, body = get("/search?q=hulotte&hl=en")
check(st == 429 and "Too many searches" in body, "429 page in English with hl=en")
st, h, body = get("/search?q=hulotte", {"Accept-Language": "en-GB,en;q=0.8"})
check(st == 429 and "Too many searches" in body, "429 page in English by Accept-Language")
st, h, body = get("/search?q=hulotte&mode=junior")
check(st == 429 and "mode-junior" in body, "429 page keeps the junior mode")
st, h, body = get("/api/search?q=hulotte")
check(st == 429 and h.get("content-type") == "application/json" and "retry-after" in h, "API 429 headers")
try:
    check("error" in json.loads(body), "API 429 body: %r" % body)
except ValueError:
    check(False, "API 429 body is not JSON: %r" % body[:100])
# static files and /healthz are not counted: the 429 page keeps its style sheet
st, h, body = get("/static/chouette.css")
check(st == 200, "a static file while limited: %d" % st)
st, h, body = get("/healthz")
check(st == 200, "/healthz while limited: %d" % st)
# another visitor, behind the local proxy (loopback is trusted for X-Forwarded-For)
st, h, body = get("/search?q=hulotte", {"X-Forwarded-For": "203.0.113.7"})
check(st == 200, "a different client behind the proxy was limited too: %d" % st)
# waiting Retry-After gives a token back
time.sleep(int(ra) + 0.2 if ra.isdigit() else 1.2)
st, h, body = get("/search?q=hulotte")
check(st == 200, "after waiting Retry-After: %d" % st)
sys.exit(0 if ok else 1)
PY
serve_stop "$lim_pid" || bad "limited server exit status $? after SIGTERM"
# stderr: the listening line, no client address ever (127.0.0.x of the clients, the forwarded one)
for f in "$tmp/load.err" "$tmp/limited.err"; do
    grep -v 'listening on 127\.0\.0\.1:' "$f" | grep -E '127\.0\.0\.[0-9]|203\.0\.113' && bad "$f names an address"
done

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
