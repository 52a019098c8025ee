#!/usr/bin/env bash
# Build the Debian package from a copy of the tracked tree (dpkg-buildpackage -us -uc -b),
# install it with dpkg -i, check its files, the installed binary against its own data in
# /usr/share/chouette (index a WARC, serve it on 127.0.0.1, fetch pages), the conffile, the
# system user and the enabled units, then purge it. systemd is not PID 1 in the sandbox this
# runs in, so the service is not started: 'systemd-analyze verify' checks the installed units.
# Slow (a full build): runs only with CHOUETTE_SLOW_TESTS=1 or CI=true. Needs root.
# Environment (tests/run-tests.sh): TOP.
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
set -euo pipefail
: "${TOP:?}"
skip() { echo "$*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ "${CHOUETTE_SLOW_TESTS:-0}" != 1 ] && [ "${CI:-}" != true ]; then
    skip "slow test (builds the .deb): set CHOUETTE_SLOW_TESTS=1 to run it"
fi
[ "$(id -u)" -eq 0 ] || skip "needs root to dpkg -i"
# The package is built from the sources by its own build, whatever binary is under test: the
# sanitized pass of make check would only repeat the plain pass.
[ -n "${CHOUETTE_SANITIZE:-}" ] && skip "the .deb does not use the sanitized binary (checked in the plain pass)"
for tool in dpkg-buildpackage dh fakeroot curl; do
    if ! command -v "$tool" >/dev/null; then
        [ "${CI:-}" = true ] && fail "$tool missing (scripts/install-deps.sh installs it)"
        skip "$tool not installed (run scripts/install-deps.sh)"
    fi
done
if dpkg-query -W -f='${Status}' chouette 2>/dev/null | grep -q 'install ok installed'; then
    skip "a chouette package is already installed on this machine: not touching it"
fi

work=$(mktemp -d)
user_existed=0
getent passwd chouette >/dev/null && user_existed=1
spid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    if dpkg-query -W -f='${Status}' chouette 2>/dev/null | grep -q 'ok'; then
        dpkg --purge chouette >"$work/purge-trap.log" 2>&1 || cat "$work/purge-trap.log" >&2
    fi
    if [ "$user_existed" = 0 ] && getent passwd chouette >/dev/null; then
        userdel chouette 2>/dev/null || true
        getent group chouette >/dev/null && groupdel chouette 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- build in a copy: the worktree gets no debian/chouette/ nor build-deb/ ------------------
mkdir "$work/src"
if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$TOP" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$work/src"
else
    (cd "$TOP" && tar --exclude='./build*' --exclude=./bin -cf - .) | tar -xf - -C "$work/src"
fi
start=$(date +%s)
(cd "$work/src" &&
    DEB_BUILD_OPTIONS="parallel=$(nproc) noddebs" dpkg-buildpackage -us -uc -b) \
    >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; fail "dpkg-buildpackage"; }
echo "built in $(($(date +%s) - start)) s"
deb=$(ls "$work"/chouette_*.deb)
[ -f "$deb" ] || fail "no chouette_*.deb"
[ -z "$(cd "$TOP" && git status --porcelain --ignored -- debian/chouette build-deb 2>/dev/null)" ] ||
    fail "the build touched the worktree"

# --- install --------------------------------------------------------------------------------
# Another package manager run (apt in a parallel job) holds dpkg's lock for a while: wait.
installed=false
for _ in $(seq 60); do
    if dpkg -i "$deb" >"$work/install.log" 2>&1; then installed=true; break; fi
    grep -q 'frontend lock' "$work/install.log" || break
    sleep 2
done
$installed || { cat "$work/install.log" >&2; fail "dpkg -i"; }
for f in /usr/bin/chouette /usr/share/chouette/policies.ini /usr/share/chouette/lists/ut1/SOURCE.md \
    /usr/share/man/man1/chouette.1.gz /etc/chouette/chouette.ini /usr/share/doc/chouette/copyright \
    /usr/share/doc/chouette/DEPLOY.md /lib/systemd/system/chouette-serve.service \
    /lib/systemd/system/chouette-crawl.service /lib/systemd/system/chouette-crawl.timer \
    /lib/systemd/system/chouette-lists.service /lib/systemd/system/chouette-lists.timer; do
    [ -e "$f" ] || fail "$f not installed"
done
/usr/bin/chouette --help >/dev/null || fail "chouette --help"
for c in crawl robots index search serve classify lists; do
    /usr/bin/chouette "$c" --help >/dev/null || fail "chouette $c --help"
done
dpkg-query -W -f='${Conffiles}\n' chouette | grep -q '/etc/chouette/chouette.ini' ||
    fail "/etc/chouette/chouette.ini is not a conffile"
getent passwd chouette >/dev/null || fail "postinst created no chouette user"
[ "$(stat -c %U:%a /var/lib/chouette)" = chouette:755 ] || fail "/var/lib/chouette: $(stat -c %U:%a /var/lib/chouette)"
# deb-systemd-helper enables units without a running systemd: the links are there.
[ -L /etc/systemd/system/multi-user.target.wants/chouette-serve.service ] ||
    fail "chouette-serve.service not enabled"
[ -L /etc/systemd/system/timers.target.wants/chouette-crawl.timer ] || fail "crawl timer not enabled"
if command -v man >/dev/null; then
    MANWIDTH=80 man chouette 2>/dev/null | grep >/dev/null 'chouette serve' || fail "man chouette"
fi
systemd-analyze verify --man=no /lib/systemd/system/chouette-*.service \
    /lib/systemd/system/chouette-*.timer >"$work/verify" 2>&1 ||
    { cat "$work/verify" >&2; fail "systemd-analyze verify"; }
[ ! -s "$work/verify" ] || { cat "$work/verify" >&2; fail "systemd-analyze verify warns"; }
echo "systemd is not PID 1 here: units verified with systemd-analyze, not started"

# --- the installed binary on its own data (no CHOUETTE_DATA) --------------------------------
unset CHOUETTE_DATA
/usr/bin/chouette index --db "$work/index" "$TOP/tests/fixtures/warc/wget-localhost.warc.gz" \
    2>"$work/index.log" || { cat "$work/index.log" >&2; fail "installed chouette index"; }
/usr/bin/chouette serve --db "$work/index" --listen 127.0.0.1:0 \
    --config /etc/chouette/chouette.ini 2>"$work/serve.log" &
spid=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log")
    [ -n "$port" ] && break
    kill -0 "$spid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "installed serve exited"; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.log" >&2; fail "installed serve did not listen"; }
base=http://127.0.0.1:$port
curl -fsS "$base/healthz" >/dev/null || fail "/healthz"
curl -fsS "$base/static/chouette.css" >/dev/null || fail "/static/chouette.css (data dir)"
curl -fsS "$base/search?q=chouette" | grep >/dev/null 'Chouette test site' || fail "/search"
kill "$spid"
wait "$spid" 2>/dev/null || true
spid=

# --- purge ----------------------------------------------------------------------------------
dpkg --purge chouette >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge"; }
for f in /usr/bin/chouette /usr/share/chouette /etc/chouette /var/lib/chouette \
    /lib/systemd/system/chouette-serve.service \
    /etc/systemd/system/multi-user.target.wants/chouette-serve.service; do
    [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f left after purge"
done
echo "deb: built, installed, checked, purged"
