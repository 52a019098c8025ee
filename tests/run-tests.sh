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
# Debian's tools before anything a user put ahead of them: the tests may rely only on what
# scripts/install-deps.sh installs, so a tool found elsewhere must not hide a missing package.
# (On the CI machine pyenv's python3 shim came first: 0.3 s a call, the suite's longest wait.)
export PATH="/usr/sbin:/usr/bin:$PATH"

pass=0 fail=0 skip=0 failed=()
# report NAME RC SECS LOG: count and print one result
report() {
    local name=$1 rc=$2 secs=$3 log=$4
    if [ "$rc" -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS %-40s %3ss\n' "$name" "$secs"
    elif [ "$rc" -eq 77 ]; then
        skip=$((skip + 1)); printf 'SKIP %-40s (%s)\n' "$name" "$(tail -n 1 "$log")"
    else
        fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-40s exit %s\n' "$name" "$rc"
        sed 's/^/    | /' "$log" | tail -n 60
    fi
}
# run_bg DIR NAME COMMAND...: run in the background, leaving DIR/NAME.{log,rc,secs}
run_bg() {
    local dir=$1 name=$2; shift 2
    (
        start=$(date +%s)
        "$@" >"$dir/$name.log" 2>&1
        echo $? >"$dir/$name.rc.tmp"
        echo $(($(date +%s) - start)) >"$dir/$name.secs"
        mv "$dir/$name.rc.tmp" "$dir/$name.rc"
    ) &
}
# collect DIR: report the finished ones not reported yet
collect() {
    local dir=$1 f name
    for f in "$dir"/*.rc; do
        [ -e "$f" ] || continue
        name=$(basename "$f" .rc)
        report "${name//__//}" "$(cat "$f")" "$(cat "$dir/$name.secs")" "$dir/$name.log"
        rm -f "$f"
    done
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name="unit__$(basename "$t")"
    run_bg "$work" "$name" "$t"
    wait
    collect "$work"
done

# Integration tests, TEST_JOBS at a time (default: one per core), except those that measure
# time, memory or kill at moments relative to their own speed: a line "# test: exclusive" in
# their header runs them alone afterwards.
jobs=${TEST_JOBS:-$(nproc)}
exclusive=()
for t in tests/integration/test_*.sh; do
    [ -f "$t" ] || continue
    if head -n 30 "$t" | grep -q '^# test: exclusive'; then
        exclusive+=("$t")
        continue
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n
        collect "$work"
    done
    run_bg "$work" "integration__$(basename "$t" .sh)" timeout 900 bash "$t"
done
wait
collect "$work"
for t in "${exclusive[@]}"; do
    run_bg "$work" "integration__$(basename "$t" .sh)" timeout 900 bash "$t"
    wait
    collect "$work"
done

[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
