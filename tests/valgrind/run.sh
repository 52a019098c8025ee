#!/usr/bin/env bash
# The integration suite with bin/chouette under valgrind memcheck (issue 8: "valgrind memcheck
# run of the integration suite once, recorded"; results in docs/PERFORMANCE.md). Not part of
# make check: it takes about an hour. Every chouette process of every test runs under
# tests/valgrind/chouette-vg; a memcheck error or a definite leak makes that process exit 99
# and leaves its log.
#
# usage: tests/valgrind/run.sh [--build DIR] [--out DIR] [TEST...]   (default: every test)
# Prints one line per test (its exit status, seconds, and the memcheck errors of its
# processes), then the totals. Tests that measure time, memory or load against their own
# speed cannot pass at valgrind's pace: their failures are timeouts, listed as such when no
# memcheck error came with them.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build
out=/tmp/chouette-valgrind
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$(cd "$2" && pwd) || exit 2; shift 2 ;; # absolute: tests cd elsewhere
    --out) out=$2; shift 2 ;;
    -*) sed -n '2,13p' "$0" >&2; exit 2 ;;
    *) break ;;
    esac
done
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 2; }
real=$build/bin/chouette
[ -x "$real" ] || real=$top/bin/chouette
[ -x "$real" ] || { echo "no chouette binary under $build" >&2; exit 2; }
[ $# -gt 0 ] || set -- "$top"/tests/integration/test_*.sh
mkdir -p "$out"
export VG_REAL=$real TOP=$top BUILD=$build CHOUETTE=$top/tests/valgrind/chouette-vg
printf '# %s, %s, %s\n' "$(date -u +%FT%TZ)" "$(git -C "$top" rev-parse --short HEAD)" "$(valgrind --version)"
total_err=0
for t in "$@"; do
    name=$(basename "$t" .sh)
    export VG_LOGS=$out/$name
    rm -rf "$VG_LOGS"
    mkdir -p "$VG_LOGS"
    start=$(date +%s)
    timeout 3600 bash "$t" >"$out/$name.log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    procs=$(find "$VG_LOGS" -name 'vg.*.log' | wc -l)
    errs=0
    for l in "$VG_LOGS"/vg.*.log; do
        [ -s "$l" ] || continue
        n=$(grep -c -E '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination|Argument|.* definitely lost)' "$l")
        errs=$((errs + n))
    done
    total_err=$((total_err + errs))
    printf '%-28s exit %-3s %5ss  %4s processes  %s memcheck errors\n' "$name" "$rc" "$secs" "$procs" "$errs"
done
echo "memcheck errors in all: $total_err (logs: $out)"
[ "$total_err" -eq 0 ]
