#!/usr/bin/env bash
# docs/DEPLOY.md recipe (c): a departmental intranet. A local web server on 127.0.0.1 stands
# for the intranet (loopback stands for 10.0.0.0/8). The crawl with
# docs/examples/chouette-intranet.ini is refused until allow_networks covers the address,
# then stays on the allowed host; the index is served and the "search this site" box of
# docs/examples/intranet-site-box.html (site=) and the host_sites name are checked.
. "$(dirname "$0")/lib.sh"
PUBLIC=https://recherche.intranet.example
SITEHOST=wiki.intranet.example

python3 "$TOP/tests/fixtures/server/fixture_server.py" --root "$TOP/tests/fixtures/server/site" \
    --port 0 --port-file "$D_TMP/fx.port" --log "$D_TMP/fx.log" >/dev/null 2>"$D_TMP/fx.err" &
D_PIDS+=($!)
for _ in $(seq 100); do [ -s "$D_TMP/fx.port" ] && break; sleep 0.05; done
[ -s "$D_TMP/fx.port" ] || fail "fixture server: $(cat "$D_TMP/fx.err")"
intranet=http://127.0.0.1:$(cat "$D_TMP/fx.port")

# The example config with the intranet's addresses: seeds -> the local site, allow_hosts ->
# 127.0.0.1; allow_networks as in the example, or with 127.0.0.0/8 added.
localize_crawler() { # EXTRA_NETWORK
    python3 - "$EX/chouette-intranet.ini" "$intranet" "$1" <<'PY'
import re, sys
src, base, extra = sys.argv[1], sys.argv[2], sys.argv[3]
out, skip_cont = [], False
for line in open(src):
    if skip_cont and line[:1] in (" ", "\t"):
        continue
    skip_cont = False
    if line.startswith("seeds ="):
        out.append(f"seeds = {base}/\n"); skip_cont = True; continue
    if line.startswith("allow_hosts ="):
        out.append("allow_hosts = 127.0.0.1\n"); continue
    if line.startswith("allow_networks =") and extra:
        line = line.rstrip("\n") + f", {extra}\n"
    out.append(line)
sys.stdout.write("".join(out))
PY
}

step "crawl with the example's networks only: loopback is refused"
localize_crawler "" >"$D_TMP/refused.ini"
"$CHOUETTE" crawl --out "$D_TMP/crawl-refused" --config "$D_TMP/refused.ini" \
    2>"$D_TMP/refused.log" || fail "crawl (refused) exit $?: $(cat "$D_TMP/refused.log")"
[ ! -s "$D_TMP/fx.log" ] || fail "the crawler reached a network not in allow_networks"

step "crawl with the intranet's network allowed: only the allowed host"
localize_crawler 127.0.0.0/8 >"$D_TMP/intranet.ini"
grep -q '^allow_networks = 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.0/8$' \
    "$D_TMP/intranet.ini" || fail "localized config: $(grep allow_networks "$D_TMP/intranet.ini")"
"$CHOUETTE" crawl --out "$D_TMP/crawl" --config "$D_TMP/intranet.ini" \
    2>"$D_TMP/crawl.log" || fail "crawl exit $?: $(cat "$D_TMP/crawl.log")"
uris=$(for f in "$D_TMP/crawl"/*.warc.gz; do zcat "$f"; done | tr -d '\r' |
    sed -n 's/^WARC-Target-URI: //p' | sort -u)
[ -n "$uris" ] || fail "nothing crawled: $(cat "$D_TMP/crawl.log")"
bad=$(grep -v "^$intranet/" <<<"$uris" || true)
[ -z "$bad" ] || fail "crawled outside the intranet host: $bad"
grep -q "^$intranet/docs/one.html\$" <<<"$uris" || fail "docs/one.html not crawled"
if grep -q '/private/' <<<"$uris"; then fail "robots.txt Disallow: /private/ not obeyed"; fi
echo "$(wc -l <<<"$uris") URLs, all on $intranet"

step "index the crawl"
"$CHOUETTE" index --db "$D_TMP/index" "$D_TMP/crawl"/*.warc.gz 2>"$D_TMP/index.log" ||
    fail "index: $(cat "$D_TMP/index.log")"

if ! d_serve_works; then
    echo "SKIP (server steps): 'chouette serve' is not implemented in this build" >&2
    exit 0
fi
port=$(d_free_port)
d_localize "$EX/chouette-intranet.ini" "$PUBLIC" "http://127.0.0.1:$port" |
    sed "s|:$SITEHOST|:127.0.0.1|" >"$D_TMP/serve.ini"
d_serve intranet "$port" --db "$D_TMP/index" --config "$D_TMP/serve.ini"
count() { # HOST QUERYSTRING: estimated_total and the distinct sites of /api/search
    curl -fsS -H "Host: $1" "$D_BASE/api/search?$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["estimated_total"], ",".join(sorted({r["site"] for r in d["results"]})))'
}

step "the \"search this site\" box: site= scopes the search"
action=$(sed -n 's/.*action="\([^"]*\)".*/\1/p' "$EX/intranet-site-box.html")
site=$(sed -n 's/.*name="site" value="\([^"]*\)".*/\1/p' "$EX/intranet-site-box.html")
[ "$action" = "$PUBLIC/search" ] && [ "$site" = "$SITEHOST" ] || fail "site box: $action $site"
grep -q '<label for="chouette-site-q">' "$EX/intranet-site-box.html" || fail "site box label"
url=${action/$PUBLIC/$D_BASE}"?q=document&site=127.0.0.1"
curl -fsS "$url" | grep >/dev/null 'Doc one' || fail "site box GET: no result"
read -r n sites < <(count 127.0.0.1 'q=document&site=127.0.0.1')
[ "$n" -gt 0 ] && [ "$sites" = 127.0.0.1 ] || fail "site=127.0.0.1: $n results on '$sites'"
read -r n sites < <(count 127.0.0.1 'q=document&site=other.example')
[ "$n" -eq 0 ] || fail "site=other.example: $n results"

step "host_sites: a server name scoped to one site"
read -r n sites < <(count recherche-wiki.intranet.example 'q=document')
[ "$n" -gt 0 ] && [ "$sites" = 127.0.0.1 ] || fail "host_sites: $n results on '$sites'"
echo "recipe c: OK"
