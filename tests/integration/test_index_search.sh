#!/usr/bin/env bash
# chouette index + chouette search end to end on real documentation: the Python docs (and the
# French LibreOffice help when installed) served on 127.0.0.1 by python3 -m http.server, crawled
# into a real WARC by wget, indexed, searched. Then a build killed with SIGKILL and re-run must
# end with the same documents as an uninterrupted build.
set -u
: "${CHOUETTE:?}"
PYDOCS=/usr/share/doc/python3.11/html
LOHELP=/usr/share/libreoffice/help/fr
command -v wget >/dev/null || { echo "wget not installed" >&2; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed" >&2; exit 77; }
[ -d "$PYDOCS/library" ] || { echo "python3.11-doc not installed" >&2; exit 77; }

work=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/root"
ln -s "$PYDOCS" "$work/root/python"
[ -d "$LOHELP/text/scalc" ] && ln -s "$LOHELP" "$work/root/lo"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/root" "$port" >"$work/http.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/python/')" \
        2>/dev/null && break
    sleep 0.1
done
base=http://127.0.0.1:$port

# A real WARC written by wget: a few hundred pages (quota and depth bounded).
(cd "$work" && wget --warc-file=py -r -l 2 -np --no-verbose --quota=40m -P dl \
    --reject '*.png,*.jpg,*.svg,*.js,*.css,*.txt,*.zip,*.bz2' \
    "$base/python/library/index.html" >"$work/wget.log" 2>&1)
[ -s "$work/py.warc.gz" ] || fail "wget wrote no WARC"
warcs=("$work/py.warc.gz")
if [ -L "$work/root/lo" ]; then
    (cd "$work/root" && find -L lo/text/scalc/01 -name '04060*.html' | sort | head -80 |
        sed "s|^|$base/|") >"$work/lo.list"
    (cd "$work" && wget --warc-file=lo --no-verbose -P dl -i lo.list >>"$work/wget.log" 2>&1)
    warcs+=("$work/lo.warc.gz")
fi

"$CHOUETTE" index --db "$work/db" "${warcs[@]}" 2>"$work/index.err" || {
    cat "$work/index.err" >&2
    fail "chouette index failed"
}
grep -q "pages indexed" "$work/index.err" || fail "no summary: $(cat "$work/index.err")"
indexed=$(sed -n 's/.* \([0-9]*\) pages indexed.*/\1/p' "$work/index.err")
[ "${indexed:-0}" -ge 100 ] || fail "only ${indexed:-0} pages indexed"

# first_url QUERY...: the URL of the first result, from the JSON.
first_url() {
    "$CHOUETTE" search --db "$work/db" --json --limit 5 "$@" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["results"]; print(r[0]["url"] if r else "")'
}
expect_first() { # path query...
    local want=$1; shift
    local got
    got=$(first_url "$@")
    [ "$got" = "$base/$want" ] || fail "query '$*': first result $got, expected $base/$want"
}
expect_first python/library/pathlib.html pathlib
expect_first python/library/json.html json encoder decoder
expect_first python/library/datetime.html datetime timedelta
expect_first python/library/re.html regular expression operations
expect_first python/library/sqlite3.html sqlite3 DB-API
if [ -L "$work/root/lo" ]; then
    expect_first lo/text/scalc/01/04060106.html fonctions mathematiques
    expect_first lo/text/scalc/01/04060106.html "FONCTIONS MATHÉMATIQUES"
fi

# JSON shape, text mode, usage errors.
"$CHOUETTE" search --db "$work/db" --json --page 2 --limit 3 module | python3 -c '
import json, sys
r = json.load(sys.stdin)
for k in ("query", "mode", "page", "estimated_total", "blocked", "message", "corrected_query", "results"):
    assert k in r, k
assert r["page"] == 2 and r["mode"] == "web" and not r["blocked"]
assert [x["rank"] for x in r["results"]] == [4, 5, 6], r["results"]
for x in r["results"]:
    assert set(("rank", "url", "title", "snippet", "lang", "site")) <= set(x)
' || fail "bad JSON"
"$CHOUETTE" search --db "$work/db" pathlib | grep -q "pathlib.html" || fail "text output"
"$CHOUETTE" search --db "$work/db" --mode nosuch x >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad mode should exit 2"
"$CHOUETTE" search --db "$work/nodb" x >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing db should exit 1"
"$CHOUETTE" index --db "$work/no/parent/db" "${warcs[@]}" 2>"$work/err"
[ $? -eq 1 ] && grep -q "does not exist" "$work/err" || fail "missing parent: $(cat "$work/err")"
"$CHOUETTE" index --db "$work/db2x" "$work/nonexistent.warc.gz" "${warcs[0]}" 2>"$work/err"
[ $? -eq 1 ] && grep -q "cannot read" "$work/err" || fail "unreadable WARC: $(cat "$work/err")"

# Re-running the same command adds nothing.
"$CHOUETTE" index --db "$work/db" "${warcs[@]}" 2>"$work/index2.err" || fail "re-run failed"
grep -q " 0 pages indexed" "$work/index2.err" || fail "re-run re-indexed: $(cat "$work/index2.err")"

# kill -9 in the middle, then the same command: the same documents as the first build.
if command -v xapian-delve >/dev/null; then
    count() { xapian-delve "$1" | sed -n 's/^number of documents = //p'; }
    full=$(count "$work/db")
    "$CHOUETTE" index --db "$work/dbk" --batch 20 "${warcs[@]}" 2>/dev/null &
    ipid=$!
    for _ in $(seq 200); do
        n=$(count "$work/dbk" 2>/dev/null)
        [ "${n:-0}" -ge 40 ] && break
        sleep 0.05
    done
    kill -9 "$ipid" 2>/dev/null
    wait "$ipid" 2>/dev/null
    partial=$(count "$work/dbk")
    [ -n "$partial" ] || fail "the killed build left a database that does not open"
    "$CHOUETTE" index --db "$work/dbk" "${warcs[@]}" 2>"$work/err" || fail "re-run after kill"
    again=$(count "$work/dbk")
    [ "$again" = "$full" ] || fail "after kill -9 ($partial docs) and re-run: $again docs, not $full"
    echo "kill -9 at $partial docs, re-run: $again = $full"
fi
echo "ok: $indexed pages"
