#!/usr/bin/env bash
# Crash safety of the indexer: `chouette index` building from a fixed WARC (3000 short pages,
# written by tests/fixtures/hostile/make_warc.py; three batches of IDX_BATCH_DOCS) is killed with SIGKILL at 20 random moments
# (deterministic seed) and re-run with the same command each time. After every kill the
# database opens (`chouette search` answers, valid JSON); at the end its document count and its
# set of URLs (Q terms) equal those of an uninterrupted build.
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
. "$(dirname "$0")/../fixtures/server/lib.sh"
if "$CHOUETTE" index --help 2>&1 | grep -q 'not implemented'; then
    echo "skip: chouette index is not implemented yet" >&2; exit 77
fi
if "$CHOUETTE" search --help 2>&1 | grep -q 'not implemented'; then
    echo "skip: chouette search is not implemented yet" >&2; exit 77
fi
command -v xapian-delve >/dev/null || { echo "skip: xapian-delve (xapian-tools) not installed" >&2; exit 77; }
KILLS=${CRASH_KILLS:-20}
# under AddressSanitizer everything is 2-3 times slower: fewer kills keep the suite's time
ldd "$CHOUETTE" 2>/dev/null | grep -q libasan && KILLS=${CRASH_KILLS:-10}
RANDOM=4242

python3 "$TOP/tests/fixtures/hostile/make_warc.py" "$FX_TMP/seed.warc.gz" 5 11 || fail "make_warc"
python3 "$TOP/tests/fixtures/hostile/make_warc.py" "$FX_TMP/big.warc.gz" 3000 1 40 || fail "make_warc"
index() { "$CHOUETTE" index --db "$1" "$FX_TMP/big.warc.gz" 2>>"$FX_TMP/index.err"; }
# in the background from this shell, so that $pid is the indexer itself (SIGKILL must hit it)
index_bg() { "$CHOUETTE" index --db "$1" "$FX_TMP/big.warc.gz" 2>>"$FX_TMP/index.err" & pid=$!; }
db_state() { # DB: "N docs" then the sorted Q terms
    xapian-delve "$1" | awk -F' = ' '/^number of documents/ {print $2 " docs"}'
    xapian-delve -a -1 "$1" | grep '^Q' | sort
}
search_ok() { # DB: search answers with valid JSON
    "$CHOUETTE" search --db "$1" --json --limit 3 page >"$FX_TMP/s.json" 2>"$FX_TMP/s.err" ||
        return 1
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$FX_TMP/s.json"
}
now_ms() { date +%s%3N; }

# the database exists before the first kill (a tiny first build), so that "it opens" is
# meaningful from the first kill on; the reference does the same
for d in ref crash; do
    "$CHOUETTE" index --db "$FX_TMP/$d" "$FX_TMP/seed.warc.gz" 2>>"$FX_TMP/index.err" ||
        fail "seed build exit $?: $(cat "$FX_TMP/index.err")"
done
t0=$(now_ms)
index "$FX_TMP/ref" || fail "reference build exit $?: $(tail -n 3 "$FX_TMP/index.err")"
ref_ms=$(($(now_ms) - t0))
db_state "$FX_TMP/ref" >"$FX_TMP/ref.state"
echo "reference build: $(head -n 1 "$FX_TMP/ref.state") in $ref_ms ms"

# sleeps uniform in [ref/10, ref*55/100]: kills in the link pass, in the page pass, around the
# first batch commit; a re-run skips committed pages but still reads everything (about 60% of a
# full build), so the runs do not finish before the kills are done
lo=$((ref_ms / 10)) hi=$((ref_ms * 55 / 100))
kills=0 runs=0 finished=0
while [ $kills -lt "$KILLS" ]; do
    index_bg "$FX_TMP/crash"
    runs=$((runs + 1))
    ms=$((lo + RANDOM % (hi - lo + 1)))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    if kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        [ $? -eq 137 ] || fail "the indexer was not killed by SIGKILL"
        kills=$((kills + 1))
        search_ok "$FX_TMP/crash" ||
            fail "after kill $kills (at $ms ms) the database does not answer: $(cat "$FX_TMP/s.err")"
        xapian-delve "$FX_TMP/crash" >/dev/null || fail "after kill $kills xapian-delve cannot open the db"
    else
        wait "$pid" || fail "run $runs exit $?: $(tail -n 3 "$FX_TMP/index.err")"
        finished=1
        break
    fi
done
echo "crash build: $kills kills in $runs runs (sleeps ${lo}-${hi} ms); docs after the kills: $(
    xapian-delve "$FX_TMP/crash" | awk -F' = ' '/^number of documents/ {print $2}')"
[ $finished -eq 0 ] && { index "$FX_TMP/crash" || fail "final run exit $?: $(tail -n 3 "$FX_TMP/index.err")"; }
[ "$kills" -ge $((KILLS / 2)) ] || fail "the build finished after only $kills kills: the test did not test"
search_ok "$FX_TMP/crash" || fail "the finished database does not answer"
db_state "$FX_TMP/crash" >"$FX_TMP/crash.state"
diff -u "$FX_TMP/ref.state" "$FX_TMP/crash.state" >"$FX_TMP/state.diff" ||
    fail "the crashed build differs from the reference: $(head -n 20 "$FX_TMP/state.diff")"
# a run after completion changes nothing
index "$FX_TMP/crash" || fail "run after completion exit $?"
db_state "$FX_TMP/crash" | cmp -s - "$FX_TMP/ref.state" || fail "a run after completion changed the db"
echo "ok"
