#!/usr/bin/env bash
# chouette index: where the time goes, and documents per second next to omindex on the same pages.
#
# usage: bench/index/profile.sh [--runs N] [--chouette BIN] [--baseline BIN] [--work DIR]
#                               [--perf] WARC...
#   --runs N         timed runs of each indexer, interleaved (default 3); medians are reported
#   --chouette BIN   the chouette binary (default: bin/chouette)
#   --baseline BIN   another chouette binary run alongside (e.g. built from an older commit)
#   --work DIR       scratch directory (default /tmp/chouette-index-profile)
#   --perf           also profile one chouette run (perf record -e cpu-clock, DWARF call graphs)
#                    and print the functions with the most inclusive CPU time
#
# The HTML responses (HTTP 200, text/html) of the WARC files are written out as files so that
# omindex (xapian-omega) indexes exactly the same pages. Each round runs, one after the other:
# omindex, chouette --jobs 1, chouette (one worker per core), [baseline]. Each run writes a new
# database; /usr/bin/time gives wall, user and system time. Printed: one line per run, then the
# medians: documents per second (documents / wall time), CPU seconds, and KiB of database per
# document. Needs: omindex, xapian-delve, /usr/bin/time, python3; perf for --perf.
#
# Example (the demo's crawl: scripts/demo.sh with DEMO_NO_SERVE=1 DEMO_DIR=/tmp/demo):
#   bench/index/profile.sh --runs 3 /tmp/demo/crawl/*.warc.gz
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
chouette=$top/bin/chouette
baseline=
work=/tmp/chouette-index-profile
runs=3
perf=0
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --chouette) chouette=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --perf) perf=1; shift ;;
    --) shift; break ;;
    -*) sed -n '2,22p' "$0" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { sed -n '2,22p' "$0" >&2; exit 2; }
for t in omindex xapian-delve /usr/bin/time python3; do
    command -v "$t" >/dev/null || { echo "profile.sh: $t missing" >&2; exit 1; }
done
warcs=()
for w in "$@"; do warcs+=("$(cd "$(dirname "$w")" && pwd)/$(basename "$w")"); done
mkdir -p "$work"
rm -rf "$work/files" "$work/dbs"
mkdir -p "$work/files" "$work/dbs"

# The same pages as files, for omindex.
python3 - "$work/files" "${warcs[@]}" <<'EOF'
import gzip, os, sys, urllib.parse, zlib
out = os.path.abspath(sys.argv[1])
n = 0
for path in sys.argv[2:]:
    f = gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb')
    while True:
        line = f.readline()
        if not line:
            break
        if not line.startswith(b'WARC/'):
            continue
        hdr = {}
        while True:
            l = f.readline()
            if l in (b'\r\n', b'\n', b''):
                break
            k, _, v = l.decode('utf-8', 'replace').partition(':')
            hdr[k.strip().lower()] = v.strip()
        block = f.read(int(hdr.get('content-length', '0')))
        if hdr.get('warc-type') != 'response':
            continue
        head, _, body = block.partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        parts = lines[0].split()
        if len(parts) < 2 or parts[1] != b'200':
            continue
        h = {}
        for l in lines[1:]:
            k, _, v = l.decode('latin-1').partition(':')
            h[k.strip().lower()] = v.strip()
        if not h.get('content-type', '').lower().startswith(('text/html', 'application/xhtml+xml')):
            continue
        if 'chunked' in h.get('transfer-encoding', '').lower():
            raw, body = body, b''
            while raw:
                size_line, _, raw = raw.partition(b'\r\n')
                size = int(size_line.split(b';')[0], 16)
                if size == 0:
                    break
                body += raw[:size]
                raw = raw[size + 2:]
        if h.get('content-encoding', '').lower() == 'gzip':
            body = zlib.decompress(body, 47)
        u = urllib.parse.urlsplit(hdr.get('warc-target-uri', '').strip('<>'))
        p = urllib.parse.unquote(u.path)
        if p.endswith('/') or not p:
            p += 'index.html'
        if not p.endswith(('.html', '.htm')):
            p += '.html'
        dest = os.path.normpath(os.path.join(out, u.netloc.replace(':', '_') + '/' + p.lstrip('/')))
        if not dest.startswith(out + '/'):
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, 'wb') as o:
            o.write(body)
        n += 1
print(f"profile.sh: {n} HTML pages written for omindex", file=sys.stderr)
EOF

ndocs() { xapian-delve "$1" | sed -n 's/^number of documents = //p'; }
results=$work/runs.txt
: >"$results"
# run NAME COMMAND...: one timed run into $work/dbs/NAME; appends
# "name docs wall user sys maxrss_kib db_kib".
run() {
    local name=$1; shift
    local db=$work/dbs/$name
    rm -rf "$db"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "${@/@DB@/$db}" >"$work/out" 2>"$work/err" ||
        { echo "profile.sh: $name failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
    echo "$name $(ndocs "$db") $(tail -1 "$work/time") $(du -sk "$db" | cut -f1)" | tee -a "$results"
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(omindex --version | head -1)"
echo "# chouette: $chouette${baseline:+; baseline: $baseline}; WARC: ${warcs[*]}"
echo "name docs wall_s user_s sys_s maxrss_kib db_kib"
for _ in $(seq "$runs"); do
    run omindex omindex --db @DB@ --url / "$work/files"
    run chouette-jobs1 "$chouette" index --jobs 1 --db @DB@ "${warcs[@]}"
    run chouette "$chouette" index --db @DB@ "${warcs[@]}"
    [ -n "$baseline" ] && run baseline "$baseline" index --db @DB@ "${warcs[@]}"
done

echo
echo "medians over $runs runs:"
python3 - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, docs, wall, user, sys_, rss, kib = line.split()
    rows.setdefault(name, []).append((int(docs), float(wall), float(user) + float(sys_), int(rss), int(kib)))
print(f"{'name':16} {'docs':>6} {'wall_s':>7} {'docs/s':>7} {'cpu_s':>7} {'maxrss_MiB':>10} {'KiB/doc':>8}")
om = None
for name, r in rows.items():
    docs = r[0][0]
    wall = statistics.median(x[1] for x in r)
    cpu = statistics.median(x[2] for x in r)
    rss = statistics.median(x[3] for x in r) / 1024
    kib = statistics.median(x[4] / x[0] for x in r)
    dps = statistics.median(x[0] / x[1] for x in r)
    if name == 'omindex':
        om = dps
    rel = f"  {dps / om:.2f}x omindex" if om and name != 'omindex' else ''
    print(f"{name:16} {docs:6d} {wall:7.2f} {dps:7.1f} {cpu:7.2f} {rss:10.0f} {kib:8.2f}{rel}")
EOF

if [ "$perf" = 1 ]; then
    command -v perf >/dev/null || { echo "profile.sh: perf missing" >&2; exit 1; }
    echo
    echo "perf: inclusive CPU share of the top functions (one chouette run):"
    rm -rf "$work/dbs/perf"
    perf record -q -e cpu-clock -F 200 --call-graph dwarf,16384 -o "$work/perf.data" \
        "$chouette" index --db "$work/dbs/perf" "${warcs[@]}" 2>/dev/null
    perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
        grep '%' | grep -v ' 0x0' | sed 's/  */ /g' | cut -c1-100 | head -60
fi
