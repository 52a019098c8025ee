#!/usr/bin/env bash
# Static analysis: cppcheck and clang-tidy over the C and C++ sources. `make lint` runs it with
# the Makefile's flags; by hand: scripts/lint.sh [FILE|DIR]...  (default: every source folder).
#
#   cppcheck   --enable=warning,performance,portability, inline suppressions, and the committed
#              .cppcheck-suppressions (justified false positives only). Exit 1 on any finding.
#   clang-tidy the checks of the committed .clang-tidy (warnings are errors), with the compile
#              flags from LINT_CFLAGS / LINT_CXXFLAGS (the Makefile passes its own).
#
# Output: one line per finding, "file:line: ... [check]", then "lint: N files, N findings".
# Exit status: 0 clean, 1 findings, 2 a tool is missing. LINT_JOBS sets the parallelism.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
for tool in cppcheck clang-tidy; do
    command -v "$tool" >/dev/null || { echo "lint: $tool not installed (scripts/install-deps.sh)" >&2; exit 2; }
done
pkgs="xapian-core libmicrohttpd libxml-2.0 libpcre2-8 zlib libdeflate libcurl sqlite3 libexttextcat inih jansson libcrypto libidn2"
: "${LINT_CPPFLAGS:=-I. -D_GNU_SOURCE -DCHOUETTE_DATADIR=\"$top/data\"}"
: "${LINT_CFLAGS:=-std=c11 $(pkg-config --cflags $pkgs 2>/dev/null)}"
: "${LINT_CXXFLAGS:=-std=c++17 $(pkg-config --cflags $pkgs 2>/dev/null)}"
: "${LINT_JOBS:=$(nproc 2>/dev/null || echo 2)}"
[ $# -eq 0 ] && set -- common crawler indexer filters server

files=()
for p in "$@"; do
    if [ -d "$p" ]; then
        while IFS= read -r f; do files+=("$f"); done < <(find "$p" -type f \( -name '*.c' -o -name '*.cc' \) | sort)
    elif [ -f "$p" ]; then
        files+=("$p")
    else
        echo "lint: no such file or folder: $p" >&2; exit 2
    fi
done
[ ${#files[@]} -gt 0 ] || { echo "lint: nothing to check" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# --- cppcheck ------------------------------------------------------------------------------
# shellcheck disable=SC2086 # LINT_CPPFLAGS is a list of flags
cppcheck --enable=warning,performance,portability --inline-suppr --quiet --std=c11 \
    --suppressions-list=.cppcheck-suppressions --error-exitcode=1 -j "$LINT_JOBS" \
    $(printf '%s\n' $LINT_CPPFLAGS | grep -E '^-(I|D)') \
    --template='{file}:{line}: cppcheck {severity}: {message} [{id}]' \
    "${files[@]}" 2>"$out/cppcheck.txt"
cpp_rc=$?

# --- clang-tidy ----------------------------------------------------------------------------
tidy_one() { # FILE: findings on stdout, "file:line: ..." only
    local f=$1 flags
    case $f in
    *.cc) flags="$LINT_CPPFLAGS $LINT_CXXFLAGS" ;;
    *) flags="$LINT_CPPFLAGS $LINT_CFLAGS" ;;
    esac
    # shellcheck disable=SC2086
    clang-tidy --quiet "$f" -- $flags 2>&1 |
        grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' | sed "s|^$PWD/||"
}
export -f tidy_one
export LINT_CPPFLAGS LINT_CFLAGS LINT_CXXFLAGS PWD
printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$LINT_JOBS" bash -c 'tidy_one "$1"' _ >"$out/tidy.txt"

sort -u "$out/cppcheck.txt" "$out/tidy.txt" >"$out/all.txt"
cat "$out/all.txt"
n=$(grep -c . "$out/all.txt")
echo "lint: ${#files[@]} files, $n findings"
[ "$n" -eq 0 ] && [ $cpp_rc -eq 0 ]
