#!/usr/bin/env bash
# docs/DEPLOY.md recipe (a): Chouette as the default search engine of every agent's browser.
# Checks the committed Firefox and Chromium policies (valid JSON, one base URL, the server's
# routes), then serves an index with docs/examples/chouette-town.ini and follows every URL
# the policies and /opensearch.xml give to a browser.
. "$(dirname "$0")/lib.sh"
PUBLIC=https://recherche.example.fr

step "policies: valid JSON, URLs on $PUBLIC matching the server's routes"
python3 - "$EX/firefox-policies.json" "$EX/chromium-policies.json" "$PUBLIC" <<'PY'
import json, sys
ff = json.load(open(sys.argv[1]))
cr = json.load(open(sys.argv[2]))
base = sys.argv[3]
eng = ff["policies"]["SearchEngines"]
add = {e["Name"]: e for e in eng["Add"]}
assert eng["Default"] in add, "Firefox Default names no added engine"
e = add[eng["Default"]]
assert e["URLTemplate"] == base + "/search?q={searchTerms}", e["URLTemplate"]
assert e["SuggestURLTemplate"] == base + "/suggest?q={searchTerms}", e["SuggestURLTemplate"]
assert e["IconURL"] == base + "/static/logo.svg"
assert e.get("Method", "GET") == "GET"
assert cr["DefaultSearchProviderEnabled"] is True
assert cr["DefaultSearchProviderName"] == eng["Default"]
assert cr["DefaultSearchProviderSearchURL"] == e["URLTemplate"]
assert cr["DefaultSearchProviderSuggestURL"] == e["SuggestURLTemplate"]
assert cr["DefaultSearchProviderIconURL"] == e["IconURL"]
PY
grep -q "^public_url = $PUBLIC\$" "$EX/chouette-town.ini" || fail "chouette-town.ini public_url"

if ! d_serve_works; then
    echo "SKIP (server steps): 'chouette serve' is not implemented in this build" >&2
    exit 0
fi

step "serve the index with chouette-town.ini (public_url pointed at 127.0.0.1)"
d_index "$D_TMP/index"
port=$(d_free_port)
local_base=http://127.0.0.1:$port
d_localize "$EX/chouette-town.ini" "$PUBLIC" "$local_base" >"$D_TMP/town.ini"
d_serve town "$port" --db "$D_TMP/index" --config "$D_TMP/town.ini"
for f in firefox-policies.json chromium-policies.json; do
    d_localize "$EX/$f" "$PUBLIC" "$local_base" >"$D_TMP/$f"
done

step "opensearch.xml names the same URLs as the policies"
curl -fsS -D "$D_TMP/os.h" "$D_BASE/opensearch.xml" >"$D_TMP/os.xml" || fail "/opensearch.xml"
grep -qi '^content-type: application/opensearchdescription+xml' "$D_TMP/os.h" ||
    fail "opensearch.xml content type: $(grep -i '^content-type' "$D_TMP/os.h")"
python3 - "$D_TMP/os.xml" "$D_TMP/firefox-policies.json" "$D_TMP/chromium-policies.json" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
root = ET.parse(sys.argv[1]).getroot()
urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
ff = json.load(open(sys.argv[2]))["policies"]["SearchEngines"]["Add"][0]
cr = json.load(open(sys.argv[3]))
assert urls["text/html"] == ff["URLTemplate"] == cr["DefaultSearchProviderSearchURL"], urls
assert urls["application/x-suggestions+json"] == ff["SuggestURLTemplate"], urls
assert root.find("os:ShortName", ns).text == ff["Name"] == cr["DefaultSearchProviderName"]
PY

step "every page advertises /opensearch.xml (browser discovery)"
curl -fsS "$D_BASE/" | grep >/dev/null '<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml"' ||
    fail "home page: no <link rel=search>"

step "what a browser does with them: search, suggest, icon"
search=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["DefaultSearchProviderSearchURL"])' "$D_TMP/chromium-policies.json")
suggest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["DefaultSearchProviderSuggestURL"])' "$D_TMP/chromium-policies.json")
icon=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["DefaultSearchProviderIconURL"])' "$D_TMP/chromium-policies.json")
curl -fsS "${search/\{searchTerms\}/chouette%20hulotte}" >"$D_TMP/results.html" || fail "search URL"
grep -q 'Chouette test site' "$D_TMP/results.html" || fail "search URL: no result"
curl -fsS -D "$D_TMP/sg.h" "${suggest/\{searchTerms\}/chou}" >"$D_TMP/sg.json" || fail "suggest URL"
grep -qi '^content-type: application/x-suggestions+json' "$D_TMP/sg.h" || fail "suggest type"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d,list) and d[0]=="chou", d' \
    "$D_TMP/sg.json" || fail "suggest body: $(cat "$D_TMP/sg.json")"
curl -fsS -D "$D_TMP/icon.h" -o /dev/null "$icon" || fail "icon URL"
grep -qi '^content-type: image/svg+xml' "$D_TMP/icon.h" || fail "icon type"
echo "recipe a: OK"
