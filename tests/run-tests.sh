#!/usr/bin/env bash
# Run every unit test binary and every integration script against one build.
# Environment: CHOUETTE (the binary under test), BUILD (the build directory).
# An integration script exits 0 to pass, 77 to skip (with a reason on stderr), anything else fails.
# The last line is the plain summary CI reads: "tests: N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
: "${BUILD:?set BUILD to the build directory}"
export CHOUETTE BUILD TOP="$top"
export CMOCKA_MESSAGE_OUTPUT=stdout

pass=0 fail=0 skip=0 failed=()
run_one() { # name command...
    local name=$1; shift
    local log start rc
    log=$(mktemp)
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    local secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS %-40s %3ss\n' "$name" "$secs"
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1)); printf 'SKIP %-40s (%s)\n' "$name" "$(tail -n 1 "$log")"
    else
        fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-40s exit %s\n' "$name" "$rc"
        sed 's/^/    | /' "$log" | tail -n 60
    fi
    rm -f "$log"
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "unit/$(basename "$t")" "$t"
done
for t in tests/integration/test_*.sh; do
    [ -f "$t" ] || continue
    run_one "integration/$(basename "$t" .sh)" timeout 900 bash "$t"
done

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
