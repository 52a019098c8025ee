#!/usr/bin/env bash
# The corpus of the index and serve benchmarks, made once and kept in WORK (default
# /tmp/chouette-bench-corpus): the same HTML pages both as WARC files (for chouette index) and
# as a file tree (for omindex).
#   python/  /usr/share/doc/python3.11/html                (all of it, wget -r)
#   lo/      /usr/share/libreoffice/help/fr                (text/scalc/01, text/swriter/guide,
#                                                           text/shared/guide)
#   dh/      /usr/share/doc/debian-handbook/html           (fr-FR and en-US chapters)
# served by nginx (bench/crawl/nginx.conf.in) on 127.0.0.1 and fetched by wget with
# --warc-file; the same wget run saves the files (-nH) under WORK/files, where every file that
# is not .html is then removed. WORK/base holds the http://127.0.0.1:PORT prefix of the WARC
# URLs. usage: bench/index/corpus.sh [WORK]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/chouette-bench-corpus}
if [ -s "$work/base" ] && [ -s "$work/dh.warc.gz" ] && [ -d "$work/files" ]; then
    exit 0
fi
for t in nginx wget; do
    command -v "$t" >/dev/null || { echo "corpus.sh: $t missing" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/root" "$work/ngx"
ln -s /usr/share/doc/python3.11/html "$work/root/python"
ln -s /usr/share/libreoffice/help/fr "$work/root/lo"
ln -s /usr/share/doc/debian-handbook/html "$work/root/dh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s|@ROOT@|$work/root|g" -e "s|@PORT@|$port|g" -e "s|@TMP@|$work/ngx|g" \
    "$top/bench/crawl/nginx.conf.in" >"$work/ngx/nginx.conf"
nginx -c "$work/ngx/nginx.conf" -g 'daemon off;' &
ngx=$!
trap 'kill $ngx 2>/dev/null; wait $ngx 2>/dev/null' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf -o /dev/null "$base/python/index.html" && break; sleep 0.1; done
reject='*.png,*.jpg,*.gif,*.svg,*.js,*.css,*.txt,*.zip,*.bz2,*.py,*.ico,*.woff,*.woff2'
cd "$work"
wget --warc-file=py -r -l inf -np -nH -P files --no-verbose --reject "$reject" \
    "$base/python/index.html" >wget.log 2>&1 || true
(cd root && find -L lo/text/scalc/01 lo/text/swriter/guide lo/text/shared/guide -name '*.html' |
    LC_ALL=C sort | sed "s|^|$base/|") >lo.list
(cd root && find -L dh/fr-FR dh/en-US -maxdepth 1 -name '*.html' | LC_ALL=C sort |
    sed "s|^|$base/|") >dh.list
wget --warc-file=lo -x -nH -P files --no-verbose -i lo.list >>wget.log 2>&1 || true
wget --warc-file=dh -x -nH -P files --no-verbose -i dh.list >>wget.log 2>&1 || true
find files -type f ! -name '*.html' -delete
echo "$base" >base
echo "corpus: $(find files -name '*.html' | wc -l) HTML files, WARCs: $(du -ch ./*.warc.gz | tail -1 | cut -f1)" >&2
