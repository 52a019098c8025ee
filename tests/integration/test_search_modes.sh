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
python3 - "$work/pages.warc" <<'PY'
import sys
pages = {
    "http://jeux.example.org/": "<html lang=fr><head><title>Casino en ligne</title></head><body><p>Jouez au casino en ligne, misez sur les paris sportifs, gagnez le jackpot aux machines à sous. Bonus de bienvenue pour votre premier dépôt, roulette et poker en argent réel, cotes boostées.</p></body></html>",
    "http://maths.example.org/": "<html lang=fr><head><title>Le casino de Monte-Carlo en histoire</title></head><body><p>Un bâtiment construit en 1863 dont l'architecte est Charles Garnier.</p></body></html>",
}
with open(sys.argv[1], "wb") as f:
    for url, html in pages.items():
        body = html.encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\n"
                "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-%012d>\r\n"
                "WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: application/http;msgtype=response\r\n"
                "Content-Length: %d\r\n\r\n" % (url, len(url), len(http))).encode()
        f.write(head + http + b"\r\n\r\n")
PY
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
