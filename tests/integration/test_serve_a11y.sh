#!/usr/bin/env bash
# Accessibility of every page kind (home, results, no results, blocked, error) in every mode
# (web, school, junior), light and dark, French and English: zero axe-core violations in
# Debian's Chromium driven by puppeteer-core (tests/integration/a11y/check.js). Installs the
# pinned npm packages with 'npm ci'. Screenshots go to docs/screenshots/ when
# CHOUETTE_SCREENSHOTS=1 (then commit them). Skips (77) only when Chromium cannot start.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin node npm python3 wget curl
[ -x /usr/bin/chromium ] || { echo "skip: /usr/bin/chromium not installed (scripts/install-deps.sh)"; exit 77; }
[ -x "$BUILD/tests/test_srv_routes" ] || { echo "FAIL: $BUILD/tests/test_srv_routes not built"; exit 1; }

a11y="$TOP/tests/integration/a11y"
(cd "$a11y" && npm ci --no-audit --no-fund --loglevel=error) >"$tmp/npm.log" 2>&1 || {
    cat "$tmp/npm.log"
    echo "FAIL: npm ci"
    exit 1
}
serve_fixture_index "$tmp" || { echo "FAIL: could not build the fixture index"; exit 1; }
mkdir -p "$tmp/pages"
"$BUILD/tests/test_srv_routes" --write-pages "$tmp/pages" || { echo "FAIL: --write-pages"; exit 1; }
serve_start a11y --db "$tmp/db" || exit 1
pids+=("$SERVE_PID")
shots=""
if [ "${CHOUETTE_SCREENSHOTS:-0}" = 1 ]; then
    shots="$TOP/docs/screenshots"
    mkdir -p "$shots"
fi
BASE="http://127.0.0.1:$PORT" PAGES_DIR="$tmp/pages" SHOTS_DIR="$shots" \
    timeout 600 node "$a11y/check.js"
