#!/usr/bin/env bash
# chouette search applies the modes end to end: explicit queries are blocked with a kind message
# in school and junior (never in web), and pages whose text the phrase classifier puts in a
# hidden category are left out in junior but found in web.
set -u
: "${CHOUETTE:?}" "${TOP:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A WARC with a casino page (only phrases can classify it) and a harmless page.
python3 "$TOP/tests/fixtures/casino_pages_warc.py" "$work/pages.warc"
"$CHOUETTE" index --db "$work/db" "$work/pages.warc" 2>"$work/index.log" ||
    { cat "$work/index.log" >&2; fail "index"; }

search() { "$CHOUETTE" search --db "$work/db" --json --mode "$1" "$2"; }
for mode in school junior; do
    out=$(search "$mode" "p0rn") || fail "search $mode"
    echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["blocked"] is True and d["results"]==[] and d["message"], d' ||
        fail "$mode: explicit query not blocked: $out"
done
out=$(search web "p0rn") || fail "search web"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["blocked"] is False, d' ||
    fail "web blocked a query: $out"

urls() { search "$1" "casino" | python3 -c 'import json,sys; print(" ".join(r["url"] for r in json.load(sys.stdin)["results"]))'; }
web=$(urls web) junior=$(urls junior)
case "$web" in *jeux.example.org*) ;; *) fail "web does not find the casino page: $web" ;; esac
case "$junior" in *jeux.example.org*) fail "junior shows the casino page: $junior" ;; esac
case "$junior" in *maths.example.org*) ;; *) fail "junior hides the history page too: $junior" ;; esac
echo "ok: blocked in school and junior, not in web; the casino page hidden in junior only"
