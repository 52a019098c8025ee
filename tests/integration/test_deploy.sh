#!/usr/bin/env bash
# Run every docs/DEPLOY.md recipe script (tests/deploy/recipe_*.sh) and the sandbox check
# (tests/deploy/check_*.sh) against $CHOUETTE, on 127.0.0.1. A script exiting 77 is skipped
# (its reason is printed); any other failure fails this test.
set -u
: "${CHOUETTE:?}" "${TOP:?}"
rc=0 ran=0
for s in "$TOP"/tests/deploy/recipe_*.sh "$TOP"/tests/deploy/check_*.sh; do
    [ -f "$s" ] || continue
    echo "### $(basename "$s")"
    bash "$s"
    r=$?
    if [ $r -eq 77 ]; then
        echo "### $(basename "$s"): skipped"
    elif [ $r -ne 0 ]; then
        echo "### $(basename "$s"): FAILED (exit $r)"
        rc=1
    else
        ran=$((ran + 1))
    fi
done
[ $ran -gt 0 ] || { echo "no deploy script ran" >&2; exit 77; }
exit $rc
