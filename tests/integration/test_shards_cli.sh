#!/usr/bin/env bash
# chouette shards: two WARC batches added as two shards of one root, searched through the root's
# index.stub; compaction into one compact-* with the same results; gc of the old shard
# directories; a second compaction is a no-op; bad usage exits 2; a missing WARC makes add exit 1
# and leaves the stub as it was; a spelling dictionary of the shards gives the same corrections
# and listed first in a stub changes no result. A running server follows, without a restart, a
# batch added, a compaction and gc, and a dictionary rebuilt by add --dictionary.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin curl python3 xapian-compact

# Two batches: 8 pages on two hosts each; batch 1 about "ornithorynque", batch 2 "bathyscaphe".
python3 - "$tmp" <<'PY' || { echo "FAIL: WARC generation"; exit 1; }
import sys, uuid, random
out = sys.argv[1]
rnd = random.Random(7)
words = ("la bibliothèque municipale ouvre ses portes le samedi matin pour les familles "
         "les élèves préparent un exposé sur les volcans et les séismes du monde").split()
def record(url, body):
    http = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Length: %d\r\n\r\n" % len(body)).encode() + body
    head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
            "WARC-Date: 2024-06-11T10:00:00Z\r\nWARC-Target-URI: %s\r\n"
            "Content-Type: application/http;msgtype=response\r\nContent-Length: %d\r\n\r\n"
            % (uuid.UUID(int=rnd.getrandbits(128), version=4), url, len(http)))
    return head.encode() + http + b"\r\n\r\n"
for b, (rare, hosts) in enumerate([("ornithorynque", ["ecole1.fr", "mairie1.fr"]),
                                   ("bathyscaphe", ["biblio2.org", "club2.fr"])], 1):
    with open("%s/batch%d.warc" % (out, b), "wb") as f:
        for h in hosts:
            for p in range(4):
                url = "http://%s/%s" % (h, "" if p == 0 else "p%d.html" % p)
                text = " ".join(rnd.choice(words) for _ in range(60))
                body = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                        '<title>%s %s %d</title></head><body><h1>%s</h1><p>%s</p>'
                        '<a href="http://%s/">accueil</a></body></html>'
                        % (rare, h, p, rare, text, hosts[0])).encode()
                f.write(record(url, body))
PY

root=$tmp/root
stub=$root/index.stub
urls() { # QUERY [DB]: the result URLs, one per line
    "$CHOUETTE" search --db "${2:-$stub}" --json --limit 50 "$1" |
        python3 -c 'import json,sys; [print(r["url"]) for r in json.load(sys.stdin)["results"]]'
}

# 1. Two batches, two shards, one stub.
for b in 1 2; do
    "$CHOUETTE" shards add --root "$root" --jobs 1 "$tmp/batch$b.warc" >"$tmp/add$b.out" \
        2>"$tmp/add$b.err" || { cat "$tmp/add$b.err"; bad "shards add batch $b"; }
    grep -q "^$root/shard-00000$b\$" "$tmp/add$b.out" ||
        bad "add $b printed $(cat "$tmp/add$b.out"), not the new shard's path"
    grep -q "8 pages indexed" "$tmp/add$b.err" || bad "add $b counters: $(cat "$tmp/add$b.err")"
done
[ "$(grep -c '^auto ' "$stub")" = 2 ] || bad "the stub does not list two shards: $(cat "$stub")"
n1=$(urls ornithorynque | wc -l)
n2=$(urls bathyscaphe | wc -l)
[ "$n1" = 8 ] && [ "$n2" = 8 ] || bad "through the stub: $n1 pages of batch 1, $n2 of batch 2 (want 8, 8)"
for q in ornithorynque bathyscaphe bibliothèque "volcans séismes" "site:club2.fr samedi"; do
    urls "$q" >"$tmp/before-$(echo "$q" | tr -c 'a-z' _)"
done

# 2. Bad usage: exit 2 with a message; a missing WARC: exit 1, the stub unchanged, no shard.
expect_usage() { # ARGS...
    "$CHOUETTE" shards "$@" >/dev/null 2>"$tmp/usage.err"
    local rc=$?
    [ $rc = 2 ] || bad "chouette shards $* exits $rc, not 2"
    grep -q "^chouette shards: " "$tmp/usage.err" || bad "chouette shards $*: no message"
}
expect_usage
expect_usage frobnicate --root "$root"
expect_usage add "$tmp/batch1.warc"
expect_usage add --root "$root"
expect_usage add --root "$root" --jobs 0 "$tmp/batch1.warc"
expect_usage add --root "$root" --partition 3/3 "$tmp/batch1.warc"
expect_usage compact
expect_usage compact --root "$root" extra
expect_usage gc --root "$root" --grace soon
expect_usage gc --root "$root" --bogus
expect_usage dictionary "$root/shard-000001"
expect_usage dictionary --out "$tmp/dict"
"$CHOUETTE" shards --help | grep -q -- "--grace SECONDS" || bad "--help lacks --grace"
cp "$stub" "$tmp/stub.before"
"$CHOUETTE" shards add --root "$root" "$tmp/batch1.warc" "$tmp/missing.warc" \
    >/dev/null 2>"$tmp/missing.err"
rc=$?
[ $rc = 1 ] || bad "add with a missing WARC exits $rc, not 1"
grep -q "missing.warc" "$tmp/missing.err" || bad "add with a missing WARC: $(cat "$tmp/missing.err")"
cmp -s "$stub" "$tmp/stub.before" || bad "a failed add changed the stub"
ls -d "$root"/shard-* | grep -qv -e 'shard-000001$' -e 'shard-000002$' &&
    bad "a failed add left a directory: $(ls "$root")"

# Another command holding the root's lock: add and compact fail at once, nothing changes.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' "$root/.shards.lock" "$tmp/locked" &
holder=$!
for _ in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
if [ -e "$tmp/locked" ]; then
    "$CHOUETTE" shards add --root "$root" "$tmp/batch1.warc" >/dev/null 2>"$tmp/locked.err"
    rc=$?
    [ $rc = 1 ] || bad "add while the lock is held exits $rc, not 1"
    grep -q "another chouette shards command" "$tmp/locked.err" ||
        bad "add while locked: $(cat "$tmp/locked.err")"
    "$CHOUETTE" shards compact --root "$root" >/dev/null 2>&1 && bad "compact while locked succeeds"
    cmp -s "$stub" "$tmp/stub.before" || bad "a locked-out command changed the stub"
else
    bad "the lock holder did not start"
fi
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# 3. A spelling dictionary of the two shards: the same words and corrections as the shards,
#    and listed first in a copy of the stub, the same results.
"$CHOUETTE" shards dictionary --out "$tmp/dict" "$stub" 2>"$tmp/dict.err" ||
    { cat "$tmp/dict.err"; bad "shards dictionary"; }
grep -q "words from 1 database" "$tmp/dict.err" || bad "dictionary: $(cat "$tmp/dict.err")"
cp "$stub" "$tmp/front.stub"
"$CHOUETTE" shards dictionary --out "$tmp/dict" --stub "$tmp/front.stub" \
    "$root/shard-000001" "$root/shard-000002" 2>"$tmp/dict2.err" ||
    { cat "$tmp/dict2.err"; bad "shards dictionary --stub (rebuild over the first)"; }
[ "$(head -n 1 "$tmp/front.stub")" = "auto $tmp/dict" ] ||
    bad "the dictionary is not listed first: $(cat "$tmp/front.stub")"
[ -e "$tmp/dict.tmp" ] && bad "dict.tmp left behind"
"$CHOUETTE" shards dictionary --out "$tmp/dict" --stub "$tmp/front.stub" "$stub" \
    2>"$tmp/dict3.err" || bad "third dictionary run: $(cat "$tmp/dict3.err")"
[ "$(grep -c "^auto $tmp/dict\$" "$tmp/front.stub")" = 1 ] || bad "the dictionary listed twice"
for q in ornithorynque bathyscaphe "volcans séismes"; do
    [ "$(urls "$q" "$tmp/front.stub")" = "$(urls "$q")" ] ||
        bad "with the dictionary first, '$q' gives other results"
done
spell() { # QUERY DB: the corrected_query
    "$CHOUETTE" search --db "$2" --json "$1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get("corrected_query") or "")'
}
want=$(spell ornitorynque "$stub")
[ "$want" = ornithorynque ] || bad "the shards' own correction is '$want'"
got=$(spell ornitorynque "$tmp/dict")
[ "$got" = "$want" ] || bad "the dictionary alone corrects to '$got', the shards to '$want'"
# The dictionary refuses a database with documents as --out, and itself as a source.
"$CHOUETTE" shards dictionary --out "$root/shard-000001" "$root/shard-000002" 2>/dev/null &&
    bad "dictionary --out over a shard succeeded"
[ "$(urls ornithorynque | wc -l)" = 8 ] || bad "a refused dictionary damaged a shard"
"$CHOUETTE" shards dictionary --out "$tmp/dict" "$tmp/front.stub" 2>/dev/null &&
    bad "a dictionary built from a stub listing itself"

# 4. Compaction: one compact-* listed, the same results; gc removes the old shards; a second
#    compaction with one entry is a no-op.
"$CHOUETTE" shards compact --root "$root" >"$tmp/compact.out" 2>"$tmp/compact.err" ||
    { cat "$tmp/compact.err"; bad "shards compact"; }
grep -q "^$root/compact-000003\$" "$tmp/compact.out" || bad "compact printed $(cat "$tmp/compact.out")"
[ "$(cat "$stub")" = "auto $root/compact-000003" ] || bad "after compact the stub is: $(cat "$stub")"
# The same pages (compaction renumbers documents: pages of equal weight may swap places).
for q in ornithorynque bathyscaphe bibliothèque "volcans séismes" "site:club2.fr samedi"; do
    [ "$(urls "$q" | sort)" = "$(sort "$tmp/before-$(echo "$q" | tr -c 'a-z' _)")" ] ||
        bad "after compaction '$q' gives other results"
done
"$CHOUETTE" shards gc --root "$root" >"$tmp/gc1.out" || bad "gc (default grace)"
[ "$(cat "$tmp/gc1.out")" = "0 removed" ] || bad "gc within the grace period: $(cat "$tmp/gc1.out")"
[ -d "$root/shard-000001" ] || bad "gc removed a shard within the grace period"
"$CHOUETTE" shards gc --root "$root" --grace 0 >"$tmp/gc2.out" || bad "gc --grace 0"
[ "$(cat "$tmp/gc2.out")" = "2 removed" ] || bad "gc --grace 0: $(cat "$tmp/gc2.out")"
[ -e "$root/shard-000001" ] || [ -e "$root/shard-000002" ] && bad "old shards still there"
[ -d "$root/compact-000003" ] || bad "gc removed the listed database"
cp "$stub" "$tmp/stub.before"
"$CHOUETTE" shards compact --root "$root" >"$tmp/compact2.out" 2>"$tmp/compact2.err" ||
    bad "second compact fails"
[ -s "$tmp/compact2.out" ] && bad "second compact made $(cat "$tmp/compact2.out")"
grep -q "nothing to compact" "$tmp/compact2.err" || bad "second compact: $(cat "$tmp/compact2.err")"
cmp -s "$stub" "$tmp/stub.before" || bad "a no-op compaction changed the stub"
[ "$(urls ornithorynque | wc -l)" = 8 ] || bad "after gc the search lost pages"

# 5. Servers follow the commands without a restart. Server A searches a new shard set's stub:
#    a batch added, then compaction and gc. Server B is a front end as in docs/DEPLOY.md: its
#    stub lists a dictionary first, then a copy of the first shard (batch 1 only: what a
#    remote shard is to a front end): the dictionary rebuilt by add --dictionary gives it new corrections.
root2=$tmp/root2
"$CHOUETTE" shards add --root "$root2" --jobs 1 --dictionary "$tmp/dict2" "$tmp/batch1.warc" \
    >/dev/null 2>"$tmp/add21.err" || { cat "$tmp/add21.err"; bad "add --dictionary"; }
grep -q "$tmp/dict2: .* words from 1 database" "$tmp/add21.err" ||
    bad "add --dictionary: $(cat "$tmp/add21.err")"
cp -r "$root2/shard-000001" "$tmp/fixed-shard"
printf 'auto %s\nauto %s\n' "$tmp/dict2" "$tmp/fixed-shard" >"$tmp/front2.stub"
serve_start a --db "$root2/index.stub" || exit 1
pids+=("$SERVE_PID")
port_a=$PORT
serve_start b --db "$tmp/front2.stub" || exit 1
pids+=("$SERVE_PID")
port_b=$PORT
api() { # PORT QUERY FIELD: the number of results, or the corrected query
    curl -s --max-time 10 -G "http://127.0.0.1:$1/api/search" --data-urlencode "q=$2" |
        python3 -c 'import json,sys; d=json.load(sys.stdin)
print(len(d["results"]) if sys.argv[1] == "n" else d.get("corrected_query") or "")' "$3"
}
# until PORT QUERY FIELD WANT: poll for at most 5 s (a worker refreshes once a second)
until_api() {
    local n got
    for n in $(seq 50); do
        got=$(api "$1" "$2" "$3")
        [ "$got" = "$4" ] && return 0
        sleep 0.1
    done
    bad "server on $1: '$2' gives $3 = '$got', want '$4'"
}
until_api "$port_a" ornithorynque n 8
until_api "$port_a" bathyscaphe n 0
until_api "$port_b" bathyscafe corrected ""
"$CHOUETTE" shards add --root "$root2" --jobs 1 --dictionary "$tmp/dict2" "$tmp/batch2.warc" \
    >/dev/null 2>"$tmp/add22.err" || { cat "$tmp/add22.err"; bad "second add --dictionary"; }
until_api "$port_a" bathyscaphe n 8
until_api "$port_b" bathyscafe corrected bathyscaphe
until_api "$port_b" ornithorynque n 8
"$CHOUETTE" shards compact --root "$root2" --dictionary "$tmp/dict2" >/dev/null \
    2>"$tmp/compact21.err" || { cat "$tmp/compact21.err"; bad "compact --dictionary"; }
"$CHOUETTE" shards gc --root "$root2" --grace 0 >"$tmp/gc21.out" || bad "gc after compact"
[ "$(cat "$tmp/gc21.out")" = "2 removed" ] || bad "gc: $(cat "$tmp/gc21.out")"
until_api "$port_a" bathyscaphe n 8
until_api "$port_a" ornithorynque n 8
until_api "$port_b" bathyscafe corrected bathyscaphe
expect_usage gc --root "$root2" --dictionary "$tmp/dict2"

[ $fails -eq 0 ] && echo "shards cli: ok"
[ $fails -eq 0 ]
