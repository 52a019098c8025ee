#!/usr/bin/env bash
# Chromium adds Chouette as a search engine: Debian's Chromium, with a fresh profile, opens the
# home page of 'chouette serve' and searches once (tests/integration/a11y/opensearch.js). It
# then holds, in its own list of search engines, one built from our /opensearch.xml: name
# "Chouette", search URL .../search?q={searchTerms}, suggestions URL .../suggest?q=...; that is
# the browser finding <link rel="search"> and accepting the description. The same profile
# holds no cookie from the server. Skips (77) only when Chromium cannot start.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin node npm python3 wget curl
[ -x /usr/bin/chromium ] || { echo "skip: /usr/bin/chromium not installed (scripts/install-deps.sh)"; exit 77; }

a11y="$TOP/tests/integration/a11y"
(cd "$a11y" && npm ci --no-audit --no-fund --loglevel=error) >"$tmp/npm.log" 2>&1 || {
    cat "$tmp/npm.log"
    echo "FAIL: npm ci"
    exit 1
}
serve_fixture_index "$tmp" || { echo "FAIL: could not build the fixture index"; exit 1; }
serve_start osd --db "$tmp/db" || exit 1
pids+=("$SERVE_PID")
base="http://127.0.0.1:$PORT"
mkdir -p "$tmp/profile"
(cd "$a11y" && BASE=$base PROFILE="$tmp/profile" timeout 120 node opensearch.js)
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { echo "FAIL: browsing with Chromium (exit $rc)"; exit 1; }

python3 - "$tmp/profile/Default" "$base" <<'PY'
import os, sqlite3, sys
prof, base = sys.argv[1], sys.argv[2]
db = sqlite3.connect(os.path.join(prof, "Web Data"))
rows = db.execute("SELECT short_name, url, suggest_url, originating_url FROM keywords "
                  "WHERE originating_url LIKE ?", (base + "/%",)).fetchall()
fails = 0
if len(rows) != 1:
    print("FAIL: Chromium holds %d search engines from %s, want 1: %r" % (len(rows), base, rows))
    sys.exit(1)
name, url, suggest, origin = rows[0]
for what, got, want in (("name", name, "Chouette"),
                        ("search URL", url, base + "/search?q={searchTerms}"),
                        ("suggestions URL", suggest, base + "/suggest?q={searchTerms}"),
                        ("description", origin, base + "/opensearch.xml")):
    if got != want:
        print("FAIL: %s is %r, want %r" % (what, got, want))
        fails += 1
cookie_db = os.path.join(prof, "Cookies")  # made by Chromium when it starts
cookies = (sqlite3.connect(cookie_db).execute("SELECT host_key, name FROM cookies").fetchall()
           if os.path.exists(cookie_db) else [])
if cookies:
    print("FAIL: the browser holds cookies after using Chouette: %r" % cookies)
    fails += 1
if not fails:
    print("Chromium added the search engine %r: %s (suggestions %s); no cookie" % (name, url, suggest))
sys.exit(1 if fails else 0)
PY
