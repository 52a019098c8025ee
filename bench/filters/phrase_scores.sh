#!/usr/bin/env bash
# Per-category phrase scores and the rules that fired, for tuning the phrase lists on
# tests/fixtures/labelled/tune/ (never on labelled-independent/). Usage:
#   bench/filters/phrase_scores.sh FILE...      (BUILD=build-NAME, default build-bench)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build-bench}
make --no-print-directory -s -C "$top" BUILD="$build" "$build/libchouette.a" >/dev/null
cc -std=c11 -O2 -I"$top" -D_GNU_SOURCE $(make -s -C "$top" print-cflags) \
    -o "$top/$build/phrase_scores" "$top/bench/filters/phrase_scores.c" "$top/$build/libchouette.a" \
    -lstdc++ $(make -s -C "$top" print-libs)
"$top/$build/phrase_scores" "$top/data/lists/phrases" "$@"
