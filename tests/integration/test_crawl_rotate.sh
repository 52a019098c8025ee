#!/usr/bin/env bash
# WARC rotation: with warc_max_bytes = 1M (the smallest value the config accepts) a crawl of
# about 3.5 MB of incompressible pages writes several files. Each starts with its own warcinfo
# record (WARC-Filename = its name), every file reads cleanly to the end, no file passes the
# limit by more than one page's records, and every page is in exactly one file. A kill -9 in
# the middle and a resume keep all of that.
. "$(dirname "$0")/../fixtures/server/lib.sh"
: "${BUILD:=$TOP/build}"
WARC_CHECK="$BUILD/tools/warc_check"
N=60
SITE="$FX_TMP/site"
python3 - "$SITE" "$N" <<'PY'
import base64, os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(11)
os.makedirs(root)
for i in range(n):
    links = '<a href="/p%d.html">next</a> <a href="/p%d.html">other</a>' % ((i + 1) % n, (i * 7 + 3) % n)
    text = base64.b64encode(rnd.randbytes(48 * 1024)).decode()  # 64 KiB, ~48 KiB gzipped
    with open("%s/p%d.html" % (root, i), "w") as f:
        f.write("<!DOCTYPE html><html><head><title>p%d</title></head><body>%s<p>%s</p></body></html>\n"
                % (i, links, text))
PY
fx_start site --root "$SITE"
base="http://127.0.0.1:$FX_PORT_site"
printf '[crawler]\nwarc_max_bytes = 1M\n' >"$FX_TMP/rotate.ini"
crawl() {
    "$CHOUETTE" crawl --out "$1" --config "$FX_TMP/rotate.ini" --seed "$base/p0.html" \
        --allow-network 127.0.0.0/8 --delay-ms "$2" --max-depth 1000 2>>"$FX_TMP/crawl.err"
}

# check DIR: the rotation invariants
check() {
    local out=$1 f n=0
    for f in "$out"/chouette-*.warc.gz; do
        n=$((n + 1))
        [ -x "$WARC_CHECK" ] && { "$WARC_CHECK" "$f" >/dev/null || fail "$f: warc_check"; }
        first=$(zcat "$f" | tr -d '\r' | awk '/^WARC-Type: /{print $2; exit}')
        [ "$first" = warcinfo ] || fail "$f starts with a $first record"
        fname=$(zcat "$f" | tr -d '\r' | awk '/^WARC-Filename: /{print $2; exit}')
        [ "$fname" = "$(basename "$f")" ] || fail "$f: warcinfo names '$fname'"
        [ "$(zcat "$f" | grep -ac '^WARC-Type: warcinfo')" -eq 1 ] || fail "$f: more than one warcinfo"
    done
    [ "$n" -ge 3 ] || fail "$n WARC files, want at least 3"
    # sequence numbers without gaps; every file but the last past 1 MiB, none by much
    local last; last=$(ls "$out"/chouette-*.warc.gz | tail -n 1)
    local i=0
    for f in "$out"/chouette-*.warc.gz; do
        [ "$(basename "$f")" = "$(printf 'chouette-%05d.warc.gz' "$i")" ] || fail "unexpected name $f"
        i=$((i + 1))
        sz=$(stat -c %s "$f")
        [ "$sz" -le $((1024 * 1024 + 200 * 1024)) ] || fail "$f: $sz bytes, past 1 MiB by more than a page"
        [ "$f" = "$last" ] || [ "$sz" -ge $((1024 * 1024)) ] || fail "$f: rotated at $sz bytes"
    done
    all=$(warc_responses "$out")
    [ "$(wc -l <<<"$all")" -eq "$N" ] || fail "$(wc -l <<<"$all") pages, want $N"
    [ -z "$(sort <<<"$all" | uniq -d)" ] || fail "pages recorded twice: $(sort <<<"$all" | uniq -d)"
    echo "$n files: $(ls -l "$out"/*.warc.gz | awk '{printf "%s ", $5}')"
}

crawl "$FX_TMP/out" 0 || fail "crawl exit $?: $(cat "$FX_TMP/crawl.err")"
check "$FX_TMP/out"

# kill -9 while the files rotate, then resume
out="$FX_TMP/killed"
crawl "$out" 30 &
pid=$!
for _ in $(seq 100); do [ -e "$out/chouette-00001.warc.gz" ] && break; sleep 0.05; done
sleep 0.$((RANDOM % 5))
kill -9 "$pid" 2>/dev/null || fail "the crawl ended before it could be killed"
wait "$pid" 2>/dev/null
crawl "$out" 0 || fail "resumed crawl failed: $(cat "$FX_TMP/crawl.err")"
check "$out"
echo "ok"
