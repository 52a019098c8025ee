#!/usr/bin/env bash
# Known-item search quality: MRR@10 of `chouette search` over bench/queries/*.tsv
# (query TAB expected URL path), on a local corpus crawled with wget from 127.0.0.1:
#   python/  /usr/share/doc/python3.11/html  (library/, wget -r -l 2)
#   lo/      /usr/share/libreoffice/help/fr  (text/scalc/01, text/swriter/guide, text/shared/guide)
#   dh/      /usr/share/doc/debian-handbook/html (fr-FR and en-US)
# usage: bench/bench_search.sh [--work DIR] [--chouette BIN] [--reindex] [--verbose]
# The WARCs and the index are kept in DIR (default /tmp/chouette-bench) and reused.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/chouette-bench
chouette=$top/bin/chouette
reindex=0 verbose=0
while [ $# -gt 0 ]; do
    case $1 in
    --work) work=$2; shift 2 ;;
    --chouette) chouette=$2; shift 2 ;;
    --reindex) reindex=1; shift ;;
    --verbose) verbose=1; shift ;;
    *) echo "usage: $0 [--work DIR] [--chouette BIN] [--reindex] [--verbose]" >&2; exit 2 ;;
    esac
done
mkdir -p "$work"

if [ ! -s "$work/py.warc.gz" ]; then
    rm -rf "$work/root" "$work/dl"
    mkdir -p "$work/root"
    ln -s /usr/share/doc/python3.11/html "$work/root/python"
    ln -s /usr/share/libreoffice/help/fr "$work/root/lo"
    ln -s /usr/share/doc/debian-handbook/html "$work/root/dh"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 -m http.server --bind 127.0.0.1 --directory "$work/root" "$port" >/dev/null 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null' EXIT
    sleep 1
    base=http://127.0.0.1:$port
    (cd "$work" && wget --warc-file=py -r -l 2 -np --no-verbose -P dl --quota=60m \
        --reject '*.png,*.jpg,*.svg,*.js,*.css,*.txt,*.zip,*.bz2' \
        "$base/python/library/index.html" >wget.log 2>&1) || true
    (cd "$work/root" && find -L lo/text/scalc/01 lo/text/swriter/guide lo/text/shared/guide \
        -name '*.html' | sort | sed "s|^|$base/|") >"$work/lo.list"
    (cd "$work/root" && find -L dh/fr-FR dh/en-US -maxdepth 1 -name '*.html' | sort |
        sed "s|^|$base/|") >"$work/dh.list"
    (cd "$work" && wget --warc-file=lo --no-verbose -P dl -i lo.list >>wget.log 2>&1) || true
    (cd "$work" && wget --warc-file=dh --no-verbose -P dl -i dh.list >>wget.log 2>&1) || true
    kill $pid 2>/dev/null || true
    trap - EXIT
    # The port is part of every URL: remember the base for the expected paths.
    echo "$base" >"$work/base"
    reindex=1
fi
base=$(cat "$work/base")
if [ $reindex -eq 1 ] || [ ! -d "$work/db" ]; then
    rm -rf "$work/db"
    "$chouette" index --db "$work/db" "$work/py.warc.gz" "$work/lo.warc.gz" "$work/dh.warc.gz"
fi

CHOUETTE=$chouette DB=$work/db BASE=$base VERBOSE=$verbose python3 - "$top"/bench/queries/*.tsv <<'EOF'
import json, os, subprocess, sys, time
chouette, db, base = os.environ["CHOUETTE"], os.environ["DB"], os.environ["BASE"]
verbose = os.environ["VERBOSE"] == "1"
rr, n, found1, t = 0.0, 0, 0, 0.0
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        q, want = line.split("\t")
        t0 = time.monotonic()
        out = subprocess.run([chouette, "search", "--db", db, "--json", "--limit", "10", "--", q],
                             capture_output=True, text=True, check=True).stdout
        t += time.monotonic() - t0
        urls = [r["url"] for r in json.loads(out)["results"]]
        rank = urls.index(base + "/" + want) + 1 if base + "/" + want in urls else 0
        n += 1
        rr += 1.0 / rank if rank else 0.0
        found1 += rank == 1
        if verbose or rank != 1:
            top = urls[0][len(base) + 1:] if urls else "-"
            print(f"{rank or '>10':>4}  {q!r:45} want {want}  top {top}")
print(f"queries: {n}  MRR@10: {rr / n:.3f}  first: {found1}/{n}  "
      f"mean time per search (process included): {1000 * t / n:.0f} ms")
EOF
