#!/usr/bin/env bash
# Page classification speed (bench/filters/bench_classify.c): the shipped classifier (UT1
# lists, phrase lists, policy) on real HTML pages of 90 to 110 KB from the Python and French
# LibreOffice documentation. Usage: bench/filters/bench_classify.sh [ROUNDS] [PAGES]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
rounds=${1:-200} pages=${2:-20}
build=${BUILD:-build-bench}
make --no-print-directory -s BUILD="$build" "$build/libchouette.a" >/dev/null
cc -std=c11 -O2 -I. -D_GNU_SOURCE $(make -s print-cflags) -o "$build/bench_classify" \
    bench/filters/bench_classify.c "$build/libchouette.a" -lstdc++ $(make -s print-libs)
half=$(( (pages + 1) / 2 ))
files="$(find /usr/share/doc/python3.11/html -name '*.html' -size +90k -size -110k | sort |
    head -n "$half") $(find /usr/share/libreoffice/help/fr -name '*.html' -size +90k -size -110k |
    sort | head -n "$half")"
[ -n "$files" ] || { echo "bench_classify.sh: no 90-110 KB page (python3.11-doc, libreoffice-help-fr)" >&2; exit 1; }
# shellcheck disable=SC2086
"$build/bench_classify" "$top/data" "$rounds" $files
