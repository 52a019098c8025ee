#!/usr/bin/env bash
# make install DESTDIR=tmp PREFIX=/usr puts every file in place, the installed binary finds
# its data in /usr/share/chouette, the man page renders and documents every option that
# 'chouette COMMAND --help' prints, the systemd units verify, the configuration is not
# overwritten by a second install, and make uninstall removes what install put there.
# Environment (tests/run-tests.sh): CHOUETTE, BUILD, TOP.
set -euo pipefail
: "${CHOUETTE:?}" "${BUILD:?}" "${TOP:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/root
fail() { echo "FAIL: $*" >&2; exit 1; }

# The nested make must build like the outer one: under 'make check' MAKEFLAGS carries
# SANITIZE; run alone, tell from the objects whether this build is sanitized.
san=()
if [ -z "${SANITIZE:-}" ] && [[ "${MAKEFLAGS:-}" != *SANITIZE=* ]] &&
    grep -q __asan_ <<<"$(nm -u "$BUILD/obj/chouette.o" 2>/dev/null)"; then
    san=(SANITIZE=address,undefined)
fi
make -s -C "$TOP" "${san[@]}" BUILD="$BUILD" install DESTDIR="$dest" PREFIX=/usr \
    >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; fail "make install"; }

# --- the binary ---------------------------------------------------------------------------
bin=$dest/usr/bin/chouette
[ -x "$bin" ] || fail "no executable $bin"
"$bin" --help >"$work/help" || fail "chouette --help"
grep -q '^usage: chouette COMMAND' "$work/help" || fail "chouette --help prints no usage"
# Linked for the installed tree: /usr/share/chouette compiled in, not the checkout's data/.
grep -aq '/usr/share/chouette' "$bin" || fail "installed binary does not name /usr/share/chouette"
if grep -aq "$TOP/data" "$bin"; then fail "installed binary still points at $TOP/data"; fi
commands=$(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$work/help")
[ -n "$commands" ] || fail "no command listed by chouette --help"

# --- the data tree: every run-time file of data/, identical; prose left out ---------------
share=$dest/usr/share/chouette
n=0
while IFS= read -r f; do
    rel=${f#data/}
    case "$(basename "$f")" in
    SOURCE.md) ;;
    README* | *.md | *~) [ ! -e "$share/$rel" ] || fail "docs-only $rel installed"; continue ;;
    esac
    cmp -s "$TOP/$f" "$share/$rel" || fail "data file $rel missing or different"
    n=$((n + 1))
done < <(cd "$TOP" && find data -type f)
[ "$n" -gt 10 ] || fail "only $n data files checked"
[ -f "$share/policies.ini" ] && [ -d "$share/lists/ut1" ] || fail "policies or lists missing"
echo "data: $n files installed"

# --- man page -----------------------------------------------------------------------------
man1=$dest/usr/share/man/man1/chouette.1
[ -f "$man1" ] || fail "no man page"
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z "$man1" 2>"$work/groff.err"
    [ ! -s "$work/groff.err" ] || { cat "$work/groff.err" >&2; fail "groff warnings"; }
fi
if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$man1" >"$work/man.txt" 2>"$work/man.err" || fail "man -l"
    grep -q 'chouette - a privacy-respecting' "$work/man.txt" || fail "man page NAME"
else
    echo "man not installed: rendering not checked"
fi
# Every option each --help prints appears in that command's section (roff source with
# escapes removed: "\-" is "-", "\fB" font changes go).
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man1" >"$work/man.plain"
for c in $commands; do
    awk -v c="$c" '/^\.SS /{on = ($0 == ".SS \"chouette " c "\"")} /^\.SH /{on=0} on' \
        "$work/man.plain" >"$work/sec"
    [ -s "$work/sec" ] || fail "man page has no section for chouette $c"
    "$bin" "$c" --help >"$work/chelp" 2>&1 || fail "chouette $c --help"
    opts=$(grep -o -- '--[a-z][a-z0-9-]*' "$work/chelp" | sort -u)
    for o in $opts; do
        grep -q -- "$o\\b" "$work/sec" || fail "man page, chouette $c: option $o missing"
    done
    echo "man: chouette $c documents $(echo "$opts" | wc -w) option(s)"
done

# --- configuration ------------------------------------------------------------------------
conf=$dest/etc/chouette/chouette.ini
[ -f "$conf" ] || fail "no $conf"
# Loaded for real: a bad key or value exits 2 before the crawl starts; a good file gets as
# far as creating the output directory, which cannot exist here (exit 1).
set +e
"$bin" crawl --out /proc/nonexistent/out --config "$conf" >"$work/crawl.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q '/proc/nonexistent/out' "$work/crawl.out" ||
    { cat "$work/crawl.out" >&2; fail "installed config rejected (exit $rc)"; }
echo '; edited by the administrator' >>"$conf"
make -s -C "$TOP" "${san[@]}" BUILD="$BUILD" install DESTDIR="$dest" PREFIX=/usr \
    >"$work/make2.log" 2>&1 || { cat "$work/make2.log" >&2; fail "second make install"; }
tail -n 1 "$conf" | grep -q 'edited by the administrator' || fail "install overwrote the config"

# --- systemd units ------------------------------------------------------------------------
units=$dest/usr/lib/systemd/system
for u in chouette-serve.service chouette-crawl.service chouette-crawl.timer \
    chouette-lists.service chouette-lists.timer; do
    [ -f "$units/$u" ] || fail "unit $u not installed"
done
[ -f "$dest/usr/lib/sysusers.d/chouette.conf" ] || fail "no sysusers.d entry"
[ -f "$dest/usr/share/doc/chouette/DEPLOY.md" ] || fail "no DEPLOY.md"
grep -q '^Documentation=.*file:/usr/share/doc/chouette/DEPLOY.md' "$units/chouette-serve.service" ||
    fail "serve unit Documentation= does not name the installed DEPLOY.md"
grep -q '^ExecStart=/usr/bin/chouette serve ' "$units/chouette-serve.service" ||
    fail "serve unit does not run /usr/bin/chouette"
if command -v systemd-analyze >/dev/null; then
    # systemd-analyze verify needs the binary where ExecStart= says: point it into DESTDIR.
    mkdir "$work/units"
    for f in "$units"/*; do
        sed "s|/usr/bin/chouette|$bin|g" "$f" >"$work/units/$(basename "$f")"
    done
    systemd-analyze verify --man=no "$work/units"/* >"$work/verify" 2>&1 ||
        { cat "$work/verify" >&2; fail "systemd-analyze verify"; }
    [ ! -s "$work/verify" ] || { cat "$work/verify" >&2; fail "systemd-analyze verify warns"; }
    if systemd-analyze security --offline=true "$units/chouette-serve.service" \
        >"$work/sec.txt" 2>&1; then
        score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/sec.txt")
        echo "systemd-analyze security: chouette-serve.service exposure $score"
        awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 2.0) }' ||
            fail "serve unit exposure '$score' above 2.0"
    else
        echo "systemd-analyze security --offline not supported here: score not checked"
    fi
else
    echo "systemd-analyze not installed: units not verified"
fi

# --- the units' command lines, run by hand ----------------------------------------------------
# systemd is not PID 1 here: run each Exec* line of the installed units as systemd would
# (its "$$" is the shell's "$"), with /var/lib/chouette moved into the temporary tree and
# the binary taken from DESTDIR: lists update, then the nightly crawl + index over a WARC.
state=$work/state
mkdir -p "$state"
exec_lines() { # UNIT KEY: the values of KEY= in the installed unit, localized
    sed -n "s/^$2=//p" "$units/$1" | sed -e "s|/var/lib/chouette|$state|g" \
        -e "s|/usr/bin/chouette|$bin|g" -e "s|/etc/chouette/|$dest/etc/chouette/|g" \
        -e "s|/usr/share/chouette|$share|g" -e 's/\$\$/$/g'
}
run_unit() { # UNIT: its Environment=, then ExecStartPre= and ExecStart= lines, in order
    local line envs=()
    while IFS= read -r line; do envs+=("$line"); done < <(exec_lines "$1" Environment)
    while IFS= read -r line; do
        env -i PATH="$PATH" "${envs[@]}" bash -c "set -e; eval \"\$1\"" _ \
            "$(sed 's/\${\([A-Z_]*\)}/$\1/g' <<<"$line")" \
            >>"$work/units.log" 2>&1 || { cat "$work/units.log" >&2; fail "$1: $line"; }
    done < <(exec_lines "$1" ExecStartPre; exec_lines "$1" ExecStart)
}
run_unit chouette-lists.service
[ -L "$state/lists/ut1" ] && [ -d "$state/lists/ut1/" ] || fail "lists unit: no lists/ut1 link"
[ -d "$state/lists/phrases/" ] || fail "lists unit: no lists/phrases"
run_unit chouette-crawl.service # no seeds in the example config: crawls nothing, succeeds
cp "$TOP/tests/fixtures/warc/wget-localhost.warc.gz" "$state/crawl/"
run_unit chouette-crawl.service
CHOUETTE_DATA=$share "$bin" search --db "$state/index" --json chouette | grep >/dev/null '"estimated_total":[1-9]' ||
    fail "the index built by the crawl unit's command finds nothing"
echo "units: lists, crawl and index command lines run"

# --- uninstall ----------------------------------------------------------------------------
make -s -C "$TOP" "${san[@]}" BUILD="$BUILD" uninstall DESTDIR="$dest" PREFIX=/usr \
    >"$work/un.log" 2>&1 || { cat "$work/un.log" >&2; fail "make uninstall"; }
left=$(cd "$dest" && find . -type f | sort)
[ "$left" = "./etc/chouette/chouette.ini" ] || fail "uninstall left: $left"
echo "install/uninstall: OK"
