#!/usr/bin/env bash
# Build the scale benchmark tools (bench/scale/*.c) against libchouette.a with the Makefile's
# flags. Usage: bench/scale/build.sh [BUILD_DIR]   (default build-bench; tools go to BUILD_DIR/bench)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${1:-${BUILD:-build-bench}}
make --no-print-directory -s BUILD="$build" "$build/libchouette.a" >/dev/null
cflags="-std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -I. -D_GNU_SOURCE $(make -s print-cflags)"
libs=$(make -s print-libs)
mkdir -p "$build/bench"
for t in gen qbench; do
    [ -f "bench/scale/$t.c" ] || continue
    # shellcheck disable=SC2086
    cc $cflags -c -o "$build/bench/scale-$t.o" "bench/scale/$t.c"
    # shellcheck disable=SC2086
    g++ -o "$build/bench/scale-$t" "$build/bench/scale-$t.o" "$build/libchouette.a" \
        $libs
done
