#!/usr/bin/env bash
# Run each libFuzzer harness for a fixed time on a scratch copy of its committed seed corpus
# (tests/fuzz/corpus/<name>/). Any crash, leak or timeout fails the run and leaves the input
# in the build directory to be kept as a regression seed. Harnesses are single-threaded: as
# many run at once as there are cores (FUZZ_JOBS overrides), so CI's time stays bounded.
set -u
build=$1 seconds=$2; shift 2
jobs=${FUZZ_JOBS:-$(nproc)}

run_one() { # build seconds harness
    local build=$1 seconds=$2 h=$3 name work
    name=$(basename "$h" | sed 's/^fuzz_//')
    work="$build/corpus-run/$name"
    rm -rf "$work"; mkdir -p "$work" "$build/artifacts"
    [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
    if "$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$build/artifacts/$name-" "$work" >"$build/$name.log" 2>&1; then
        echo "fuzz $name: ok ($(grep -Eo 'Done [0-9]+ runs' "$build/$name.log" | tail -1) in ${seconds}s)"
    else
        echo "fuzz $name: FAILED (log: $build/$name.log)"; tail -n 40 "$build/$name.log"; return 1
    fi
}
export -f run_one
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'run_one "$1" "$2" "$3"' _ "$build" "$seconds" {}
