#!/usr/bin/env bash
# 'chouette robots' end to end: usage and exit codes, the expectations of
# tests/fixtures/robots/cases.tsv against the real-world-style files beside it, and big or
# binary robots.txt files (generated here, not committed) parsed in bounded time.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fix="$TOP/tests/fixtures/robots"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_rc WANT_RC DESCRIPTION COMMAND...: run, keep stdout/stderr in $tmp/out, $tmp/err.
expect_rc() {
    local want=$1 what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq "$want" ] || bad "$what: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
}

# --- usage and exit codes ------------------------------------------------------------------
expect_rc 0 "--help" "$CHOUETTE" robots --help
grep -q -- "--robots-file" "$tmp/out" || bad "--help does not describe --robots-file"
expect_rc 2 "no arguments" "$CHOUETTE" robots
grep -q "usage" "$tmp/err" || bad "usage error without a usage line"
expect_rc 2 "missing --agent" "$CHOUETTE" robots --robots-file "$fix/news.txt" http://a.example/
grep -q -- "--agent" "$tmp/err" || bad "missing --agent not named"
expect_rc 2 "missing --robots-file" "$CHOUETTE" robots --agent X http://a.example/
grep -q -- "--robots-file" "$tmp/err" || bad "missing --robots-file not named"
expect_rc 2 "missing URL" "$CHOUETTE" robots --agent X --robots-file "$fix/news.txt"
expect_rc 2 "unknown option" "$CHOUETTE" robots --agent X --frobnicate \
    --robots-file "$fix/news.txt" http://a.example/
grep -q -- "--frobnicate" "$tmp/err" || bad "unknown option not named"
expect_rc 2 "option without value" "$CHOUETTE" robots http://a.example/ --agent
expect_rc 2 "empty agent" "$CHOUETTE" robots --agent "" --robots-file "$fix/news.txt" \
    http://a.example/
expect_rc 1 "unreadable file" "$CHOUETTE" robots --agent X --robots-file "$tmp/nope.txt" \
    http://a.example/
grep -q "nope.txt" "$tmp/err" || bad "unreadable file not named in the message"
[ -s "$tmp/out" ] && bad "unreadable file still printed answers"
expect_rc 1 "directory as file" "$CHOUETTE" robots --agent X --robots-file "$tmp" \
    http://a.example/

# --- several URLs: one line each, in argument order; options after URLs; "--" -----------------
expect_rc 0 "several URLs" "$CHOUETTE" robots --agent "ChouetteBot/1.0" \
    --robots-file "$fix/news.txt" https://n.example/recherche https://n.example/ \
    https://n.example/compte/ https://n.example/a
printf '%s\n' "disallowed https://n.example/recherche" "allowed https://n.example/" \
    "disallowed https://n.example/compte/" "allowed https://n.example/a" >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want" || bad "several URLs: got $(cat "$tmp/out")"
expect_rc 0 "options after URL" "$CHOUETTE" robots https://n.example/api/x \
    --robots-file="$fix/news.txt" --agent=GPTBot
[ "$(cat "$tmp/out")" = "disallowed https://n.example/api/x" ] || bad "options after URL"
expect_rc 0 "double dash" "$CHOUETTE" robots --agent X --robots-file "$fix/news.txt" -- \
    -not-an-option
[ "$(cat "$tmp/out")" = "allowed -not-an-option" ] || bad "-- then a dash argument"

# --- the fixture expectations ---------------------------------------------------------------
n=0
while IFS=$'\t' read -r file agent url want; do
    case $file in '#'* | '') continue ;; esac
    n=$((n + 1))
    got=$("$CHOUETTE" robots --agent "$agent" --robots-file "$fix/$file" "$url" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || [ "$got" != "$want $url" ]; then
        bad "$file [$agent] $url: got '$got' (exit $rc), want '$want'"
    fi
done <"$fix/cases.tsv"
[ "$n" -ge 100 ] || bad "only $n cases in cases.tsv"
echo "cases.tsv: $n cases checked"

# --- a 5 MB robots.txt: the first 512 KiB count, the rest is ignored, in bounded time -------
{
    printf 'User-agent: *\nDisallow: /early\n'
    yes 'Disallow: /dir/*/x*y*z*w' | head -c 5000000
    printf '\nDisallow: /\n'
} >"$tmp/big.txt"
size=$(wc -c <"$tmp/big.txt")
[ "$size" -ge 5000000 ] || bad "big file is only $size bytes"
start=$(date +%s)
expect_rc 0 "5 MB file" timeout 20 "$CHOUETTE" robots --agent ChouetteBot \
    --robots-file "$tmp/big.txt" http://b.example/early/x http://b.example/late \
    http://b.example/dir/a/x1y2z3w4
printf '%s\n' "disallowed http://b.example/early/x" "allowed http://b.example/late" \
    "disallowed http://b.example/dir/a/x1y2z3w4" >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want" || bad "5 MB file: got $(cat "$tmp/out")"
[ $(($(date +%s) - start)) -le 10 ] || bad "5 MB file took more than 10 s"

# --- binary garbage: no crash, no rules -------------------------------------------------------
seq 1 400000 | gzip -n -9 -c >"$tmp/binary.txt"
expect_rc 0 "binary file" timeout 20 "$CHOUETTE" robots --agent ChouetteBot \
    --robots-file "$tmp/binary.txt" http://c.example/private
[ "$(cat "$tmp/out")" = "allowed http://c.example/private" ] || bad "binary file: $(cat "$tmp/out")"
expect_rc 0 "executable as robots.txt" timeout 20 "$CHOUETTE" robots --agent ChouetteBot \
    --robots-file "$CHOUETTE" http://c.example/private
grep -Eq '^(allowed|disallowed) http://c.example/private$' "$tmp/out" || bad "executable file"

# --- many wildcards against a long path: no exponential backtracking --------------------------
{
    printf 'User-agent: *\nDisallow: /'
    for _ in $(seq 1 3000); do printf '*a'; done
    printf '*b\n'
} >"$tmp/stars.txt"
long="http://d.example/$(head -c 6000 /dev/zero | tr '\0' a)"
expect_rc 0 "many wildcards" timeout 10 "$CHOUETTE" robots --agent X \
    --robots-file "$tmp/stars.txt" "$long" "${long}b"
printf '%s\n' "allowed $long" "disallowed ${long}b" >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want" || bad "many wildcards gave wrong answers"

if [ "$fails" -gt 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "robots CLI: all checks passed"
