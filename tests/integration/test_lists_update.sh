#!/usr/bin/env bash
# chouette lists update: import from a folder and from a tarball, bad lines reported, the
# shrink refusal and --force, the atomic swap (link to DIR.N, previous version kept), usage.
set -u
: "${CHOUETTE:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A small UT1-like source: two categories we use, one we do not, an alias symlink.
mk_source() { # dir adult_count
    local d=$1 n=$2 i
    mkdir -p "$d/adult" "$d/agressif" "$d/bank"
    for ((i = 0; i < n; i++)); do echo "site$i.example"; done >"$d/adult/domains"
    printf 'example.org/adult/\n' >"$d/adult/urls"
    printf '(porn|xxx)\n(unclosed\n' >"$d/adult/expressions"
    printf 'hate.example\nnot a domain\n# comment\n\nHATE2.example.\n' >"$d/agressif/domains"
    printf 'bank.example\n' >"$d/bank/domains"
    ln -s adult "$d/porn"
}

mk_source "$work/src1" 100
out=$("$CHOUETTE" lists update --from "$work/src1" --to "$work/lists" 2>"$work/err") ||
    fail "import from folder: $(cat "$work/err")"
[ -L "$work/lists" ] || fail "--to is not a symlink"
[ "$(readlink "$work/lists")" = "lists.1" ] || fail "link target $(readlink "$work/lists")"
[ "$(wc -l <"$work/lists/adult/domains")" -eq 100 ] || fail "adult/domains count"
grep -q '^hate2\.example$' "$work/lists/agressif/domains" || fail "normalisation"
! grep -q 'not a domain' "$work/lists/agressif/domains" || fail "bad line copied"
grep -q 'agressif/domains:2: bad domain line' "$work/err" || fail "bad line not reported: $(cat "$work/err")"
grep -q 'adult/expressions:2: bad expression' "$work/err" || fail "bad expression not reported"
[ ! -e "$work/lists/bank" ] || fail "unused category imported"
[ ! -e "$work/lists/porn" ] || fail "alias imported"
grep -q '^adult 100 1 1 1$' "$work/lists/IMPORT.txt" || fail "manifest: $(cat "$work/lists/IMPORT.txt")"
echo "$out" | grep -q 'imported 102 domains' || fail "summary: $out"
# The result loads: classify reads it (when the classifier is there), else just trust counts.

# From a tarball wrapped in blacklists/ like UT1's, with more domains: accepted, swapped.
mkdir -p "$work/tar"
mk_source "$work/tar/blacklists" 150
tar czf "$work/blacklists.tar.gz" -C "$work/tar" blacklists
"$CHOUETTE" lists update --from "$work/blacklists.tar.gz" --to "$work/lists" >/dev/null 2>"$work/err" ||
    fail "import from tarball: $(cat "$work/err")"
[ "$(readlink "$work/lists")" = "lists.2" ] || fail "second link target $(readlink "$work/lists")"
[ "$(wc -l <"$work/lists/adult/domains")" -eq 150 ] || fail "tarball adult count"
[ -d "$work/lists.1" ] || fail "previous version not kept"
[ "$(wc -l <"$work/lists.1/adult/domains")" -eq 100 ] || fail "previous version changed"
ls -A "$work" | grep -q unpack && fail "scratch folder left behind"

# A source that would shrink adult from 150 to 40: refused, nothing changes.
mk_source "$work/small" 40
"$CHOUETTE" lists update --from "$work/small" --to "$work/lists" >/dev/null 2>"$work/err"
rc=$?
[ $rc -eq 1 ] || fail "shrink: exit $rc, want 1"
grep -q 'adult would shrink from 150 to 40' "$work/err" || fail "shrink message: $(cat "$work/err")"
[ "$(readlink "$work/lists")" = "lists.2" ] || fail "refused import swapped anyway"
[ ! -e "$work/lists.3" ] || fail "refused import left its folder"

# --force accepts it; the old version stays readable; the one before it is pruned.
"$CHOUETTE" lists update --from "$work/small" --to "$work/lists" --force >/dev/null 2>"$work/err" ||
    fail "--force: $(cat "$work/err")"
[ "$(readlink "$work/lists")" = "lists.3" ] || fail "forced link target"
[ "$(wc -l <"$work/lists/adult/domains")" -eq 40 ] || fail "forced adult count"
[ "$(wc -l <"$work/lists.2/adult/domains")" -eq 150 ] || fail "previous not intact"
[ ! -e "$work/lists.1" ] || fail "old version not pruned"

# A plain directory as --to (the shipped lists copied): swapped for a link, kept as previous.
mkdir -p "$work/plain"
mk_source "$work/plain/lists" 10
rm "$work/plain/lists/porn"
"$CHOUETTE" lists update --from "$work/src1" --to "$work/plain/lists" >/dev/null 2>"$work/err" ||
    fail "over a plain folder: $(cat "$work/err")"
[ -L "$work/plain/lists" ] || fail "plain folder not replaced by a link"
[ "$(readlink "$work/plain/lists")" = "lists.2" ] || fail "plain: target $(readlink "$work/plain/lists")"
[ -f "$work/plain/lists.1/bank/domains" ] || fail "plain: old folder not kept as lists.1"

# Bad usage: exit 2.
"$CHOUETTE" lists update --from "$work/src1" >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing --to: want exit 2"
"$CHOUETTE" lists frobnicate >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown action: want exit 2"
"$CHOUETTE" lists update --from "$work/src1" --to "$work/x" --bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: want exit 2"
"$CHOUETTE" lists --help | grep -q 'lists update' || fail "--help"
# Runtime failures: exit 1.
"$CHOUETTE" lists update --from "$work/nonexistent" --to "$work/y" >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing source: want exit 1"
echo "not a tarball" >"$work/junk.tar.gz"
"$CHOUETTE" lists update --from "$work/junk.tar.gz" --to "$work/y" >/dev/null 2>&1
[ $? -eq 1 ] || fail "junk tarball: want exit 1"
[ ! -e "$work/y" ] && [ -z "$(ls -A "$work" | grep '^y\.\|unpack')" ] || fail "junk import left files"

# The shipped lists import cleanly (no bad lines).
"$CHOUETTE" lists update --from "$TOP/data/lists/ut1" --to "$work/shipped" >"$work/out" 2>"$work/err" ||
    fail "shipped lists: $(cat "$work/err")"
grep -q '(0 bad lines skipped' "$work/out" || fail "shipped lists have bad lines: $(tail -n 3 "$work/out")"
echo "ok"
