#!/usr/bin/env bash
# Query checker on the shipped data: every explicit query (tests/fixtures/queries/explicit.txt,
# 200 lines) is blocked in junior and school and none in web; no legitimate query
# (legitimate.txt) is blocked in school. Uses the checking mode of the unit test binary.
set -u
: "${BUILD:?}" "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$TOP"
qc=$BUILD/tests/test_querycheck
[ -x "$qc" ] || { echo "no $qc" >&2; exit 77; }
n=$(grep -vc '^#' tests/fixtures/queries/explicit.txt)
[ "$n" -ge 200 ] || { echo "explicit.txt has $n queries, want >= 200"; exit 1; }
rc=0
"$qc" --queries tests/fixtures/queries/explicit.txt junior blocked || rc=1
"$qc" --queries tests/fixtures/queries/explicit.txt school blocked || rc=1
"$qc" --queries tests/fixtures/queries/explicit.txt web allowed || rc=1
"$qc" --queries tests/fixtures/queries/legitimate.txt school allowed || rc=1
exit $rc
