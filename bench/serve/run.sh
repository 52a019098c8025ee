#!/usr/bin/env bash
# Serving throughput and latency, side by side: `chouette serve` (GET /api/search and the HTML
# /search page) vs Omega's CGI behind lighttpd (mod_cgi, bench/serve/lighttpd.conf.in, Omega's
# shipped 'query' template), on the same pages (bench/index/corpus.sh; each chouette serves an
# index it writes itself at the start, as its schema may differ) and the same rotating mix of real queries (bench/queries/*.tsv,
# bench/serve/queries.lua). Runs interleaved (api, html, omega, api, ...), wrk -t 2 -c 32 for
# --seconds each; medians at the end. Then the HTTP overhead: wrk -c 1 on /api/search (one
# request at a time) against the in-process median of bench/index/bench_search.sh, the two
# interleaved in --c1-rounds short rounds (wrk for --c1-seconds, then 500 queries in process):
# each round's overhead is its HTTP p50 over its in-process median, so that the machine's
# drift between rounds cancels; the median of the rounds is reported, and the ratio of the
# medians as well. The same rounds also give the server's CPU time per request (user + system
# of all its threads, /proc) against the in-process CPU time per query: what serving adds in
# work, without wrk's time and the wake-ups between the two processes. --runs 0 measures the
# overhead alone. With --baseline BIN, a second chouette (e.g. built from an older commit) is
# served too, on the same pages, and run in the same rounds (baseline-api, baseline-html).
#
# The mix is every file of bench/queries/ unless --queries names some (repeatable): the mix grows
# as query sets are added, so comparing with an older run takes that run's files (run R in
# docs/PERFORMANCE.md: the 774 queries of run Q are known_items.tsv and held-out 1 to 6).
#
# usage: bench/serve/run.sh [--runs N] [--seconds S] [--chouette BIN] [--baseline BIN]
#                           [--work DIR] [--results DIR] [--c1-rounds N] [--c1-seconds S]
#                           [--queries FILE]...
# Needs: wrk lighttpd xapian-omega (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
chouette=$top/bin/chouette
work=/tmp/chouette-bench-corpus
runs=5 seconds=10 results='' baseline='' c1_rounds=9 c1_seconds=4
qfiles=()
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --chouette) chouette=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --c1-rounds) c1_rounds=$2; shift 2 ;;
    --c1-seconds) c1_seconds=$2; shift 2 ;;
    --queries) qfiles+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    *) sed -n '2,25p' "$0" >&2; exit 2 ;;
    esac
done
chouette=$(cd "$(dirname "$chouette")" && pwd)/$(basename "$chouette")
for t in wrk lighttpd omindex; do
    command -v "$t" >/dev/null || { echo "run.sh: $t missing (CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh)" >&2; exit 1; }
done
"$top/bench/index/corpus.sh" "$work"
mkdir -p "$work/dbs"
if [ ! -d "$work/dbs/omega-english" ]; then
    omindex --db "$work/dbs/omega-english" --url / "$work/files" >/dev/null 2>&1
fi
results=${results:-$work/results-serve}
mkdir -p "$results"
[ ${#qfiles[@]} -gt 0 ] || qfiles=("$top"/bench/queries/*.tsv)
queries=$(mktemp /tmp/bench-serve-queries.XXXXXX)
cat "${qfiles[@]}" >"$queries"
tmp=$(mktemp -d /tmp/bench-serve.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp" "$queries"
}
trap cleanup EXIT
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() {
    for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
    echo "run.sh: $1 does not answer" >&2
    exit 1
}

# Omega: lighttpd + mod_cgi, database_dir = the benchmark's dbs/, shipped templates.
oport=$(free_port)
mkdir -p "$tmp/www" "$tmp/omega-log"
printf 'database_dir %s\ntemplate_dir %s\nlog_dir %s\n' "$work/dbs" \
    /usr/share/xapian-omega/templates "$tmp/omega-log" >"$tmp/omega.conf"
sed -e "s|@PORT@|$oport|g" -e "s|@TMP@|$tmp|g" "$top/bench/serve/lighttpd.conf.in" \
    >"$tmp/lighttpd.conf"
lighttpd -D -f "$tmp/lighttpd.conf" &
pids+=($!)
# Chouette
index_corpus() { # BIN DB
    "$1" index --db "$2" "$work/py.warc.gz" "$work/lo.warc.gz" "$work/dh.warc.gz" 2>/dev/null
}
index_corpus "$chouette" "$tmp/chouette-db"
cport=$(free_port)
"$chouette" serve --db "$tmp/chouette-db" --listen "127.0.0.1:$cport" 2>"$tmp/serve.err" &
cpid=$!
pids+=("$cpid")
if [ -n "$baseline" ]; then
    baseline=$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")
    index_corpus "$baseline" "$tmp/baseline-db"
    bport=$(free_port)
    "$baseline" serve --db "$tmp/baseline-db" --listen "127.0.0.1:$bport" 2>"$tmp/baseline.err" &
    pids+=($!)
    wait_http "http://127.0.0.1:$bport/healthz"
fi
wait_http "http://127.0.0.1:$oport/cgi-bin/omega?P=json&DB=omega-english"
wait_http "http://127.0.0.1:$cport/healthz"
# (whole answers in variables: grep -q on a pipe would SIGPIPE curl under pipefail)
answer=$(curl -sf "http://127.0.0.1:$oport/cgi-bin/omega?P=json&DB=omega-english")
case $answer in *library/json.html*) ;; *) echo "run.sh: omega does not find library/json.html" >&2; exit 1 ;; esac
answer=$(curl -sf "http://127.0.0.1:$cport/api/search?q=json")
case $answer in *library/json.html*) ;; *) echo "run.sh: chouette does not find library/json.html" >&2; exit 1 ;; esac

lua=$top/bench/serve/queries.lua
# bench NAME CONNS URL KIND [SECONDS]: one wrk run; appends its wrkstats line tagged with NAME.
bench() {
    local name=$1 conns=$2 url=$3 kind=$4 secs=${5:-$seconds}
    local line
    sleep 1 # let the server drop the previous run's connections (per-address limit)
    line=$(wrk -t "$((conns < 2 ? 1 : 2))" -c "$conns" -d "${secs}s" --timeout 10s -s "$lua" \
        "$url" -- "$kind" "$queries" omega-english | grep '^wrkstats')
    echo "$name ${line#wrkstats } load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results/runs.txt"
}
: >"$results/runs.txt"
{
    echo "# $(date -u +%FT%TZ) $(nproc) cores; $(uname -r); wrk -t 2 -c 32 -d ${seconds}s"
    echo "# chouette $chouette ($(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout"))${baseline:+; baseline $baseline}; omega $(dpkg-query -W -f='${Version}' xapian-omega); $(lighttpd -v 2>&1 | head -1)"
    echo "# $(wc -l <"$queries") query lines from ${#qfiles[@]} files; $(xapian-delve "$tmp/chouette-db" | grep 'number of documents') (chouette)"
} >"$results/env.txt"
cat "$results/env.txt"
for _ in $(seq "$runs"); do
    bench chouette-api 32 "http://127.0.0.1:$cport" api
    bench chouette-html 32 "http://127.0.0.1:$cport" html
    bench omega 32 "http://127.0.0.1:$oport" omega
    if [ -n "$baseline" ]; then
        bench baseline-api 32 "http://127.0.0.1:$bport" api
        bench baseline-html 32 "http://127.0.0.1:$bport" html
    fi
done
# bench_search built once (bench_search.sh builds it, then runs it), not between the rounds
"$top/bench/index/bench_search.sh" "$tmp/chouette-db" 1 >/dev/null
bench_search=${BUILD:-build-bench}/bench_search
case $bench_search in /*) ;; *) bench_search=$top/$bench_search ;; esac
# the server's CPU time (user + system, all threads) in clock ticks
server_ticks() { awk '{print $14 + $15}' "/proc/$cpid/stat"; }
for _ in $(seq "$c1_rounds"); do
    t0=$(server_ticks)
    bench chouette-api-c1 1 "http://127.0.0.1:$cport" api "$c1_seconds"
    t1=$(server_ticks)
    n=$(tail -1 "$results/runs.txt" | sed -n 's/.* requests=\([0-9]*\) .*/\1/p')
    echo "servercpu us_per_request $(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / n ))" |
        tee -a "$results/runs.txt"
    "$bench_search" "$tmp/chouette-db" 500 "${qfiles[@]}" | tr '\n' ' ' |
        sed 's/^/inprocess /' | tee -a "$results/runs.txt"
    echo | tee -a "$results/runs.txt"
done
python3 - "$results/runs.txt" <<'PY' | tee "$results/summary.txt"
import statistics, sys
runs, inproc, rounds, cpu_rounds, server_cpu = {}, [], [], [], None
for line in open(sys.argv[1]):
    f = line.split()
    if not f:
        continue
    if f[0] == "servercpu":
        server_cpu = float(f[2])
        continue
    if f[0] == "inprocess":
        kv = dict(zip(f[1::2], f[2::2]))
        inproc.append(float(kv["median_us"]) / 1000)
        c1 = runs.get("chouette-api-c1", [])
        if c1:  # the round: the wrk -c 1 run just before
            rounds.append(c1[-1]["p50_ms"] / inproc[-1] - 1)
        if server_cpu is not None:
            cpu_rounds.append(server_cpu / float(kv["cpu_us_per_query"]) - 1)
            server_cpu = None
        continue
    kv = dict(x.split("=") for x in f[1:])
    runs.setdefault(f[0], []).append({k: float(v) for k, v in kv.items()})
med = {}
print("| target | runs | req/s | p50 ms | p90 ms | p99 ms | errors+non-2xx | req/s of each run |")
print("|---|---|---|---|---|---|---|---|")
for name, rs in runs.items():
    m = {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50_ms", "p90_ms", "p99_ms")}
    m["bad"] = sum(r["errors"] + r["non2xx"] for r in rs)
    med[name] = m
    each = " ".join(str(round(r["rps"])) for r in sorted(rs, key=lambda r: r["rps"]))
    print(f"| {name} | {len(rs)} | {m['rps']:.0f} | {m['p50_ms']:.2f} | {m['p90_ms']:.2f} "
          f"| {m['p99_ms']:.2f} | {m['bad']:.0f} | {each} |")
print()
if "omega" in med:
    for name in ("chouette-api", "chouette-html", "baseline-api", "baseline-html"):
        if name in med:
            print(f"{name} req/s / omega req/s = {med[name]['rps'] / med['omega']['rps']:.1f}")
if inproc and "chouette-api-c1" in med:
    ip = statistics.median(inproc)
    h = med["chouette-api-c1"]["p50_ms"]
    print(f"in-process median {ip:.3f} ms; HTTP one at a time (wrk -c 1) p50 {h:.3f} ms; "
          f"overhead of the medians {100 * (h - ip) / ip:.0f} %")
    print(f"overhead of each round: {' '.join(f'{100 * r:.0f}' for r in rounds)} %; "
          f"median of the rounds {100 * statistics.median(rounds):.0f} %")
if cpu_rounds:
    print("server CPU per request (all threads, user + system) over in-process CPU per query, "
          f"each round: {' '.join(f'{100 * r:.0f}' for r in cpu_rounds)} %; "
          f"median {100 * statistics.median(cpu_rounds):.0f} %")
PY
echo "results in $results"
