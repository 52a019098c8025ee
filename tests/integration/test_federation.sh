#!/usr/bin/env bash
# Federation: one crawl split into 3 shards by host hash, each served by xapian-tcpsrv on
# 127.0.0.1, searched through a stub database of "remote HOST:PORT" lines, must answer exactly
# as one local database holding the same documents (same URLs in the same order, same totals),
# for words, several words, phrases, site:, lang:, exclusions, every mode and later pages.
# With one shard's server killed, a search must still answer (the live shards' results, flagged
# "degraded") rather than fail: from the CLI, and from `chouette serve` (results page with the
# notice, /api/search with "degraded": true) started before and after the failure. With every
# shard down, a clean error. With a local spelling dictionary of the shards listed first in the
# stub (chouette shards dictionary), the same answers and the single index's spelling
# corrections ("did you mean"), which remote shards alone cannot give.
#
# The local reference is the xapian-compact merge of the same three shards: the documents are
# byte-for-byte the ones the servers hold. The shards are indexed from the whole crawl with
# `chouette index --partition I/3`, so the federated answers must also equal those of a single
# index of the whole crawl (static rank and anchor text global, docs/DEPLOY.md).
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/integration/a11y/serve_fixture.sh"
serve_test_begin python3 xapian-tcpsrv xapian-compact setsid
NPART=3

# 1. A small web: 18 hosts, 270 pages in French and English, linked across hosts, written as
#    one WARC; then split into NPART WARCs by FNV-1a(host) % NPART (the crawler's --partition
#    key, common/url.h: url_host_partition).
python3 - "$tmp" "$NPART" <<'PY' || { echo "FAIL: corpus generation"; exit 1; }
import random, sys, uuid
out, nparts = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20240611)
fr = ("le chat dort sur la table de la cuisine pendant que la pluie tombe sur le jardin "
      "les élèves de la classe préparent un exposé sur les volcans et les séismes la "
      "bibliothèque municipale ouvre ses portes le samedi matin pour les familles un tableau "
      "croisé dynamique résume les données de la feuille de calcul l'école organise une sortie "
      "au musée d'histoire naturelle avec les parents volontaires la recette du gâteau au "
      "chocolat demande des œufs du beurre et de la farine").split()
en = ("the cat sleeps on the kitchen table while the rain falls on the garden the students "
      "prepare a report about volcanoes and earthquakes the public library opens its doors on "
      "saturday morning for families a pivot table summarises the data of the spreadsheet the "
      "school organises a trip to the natural history museum with volunteer parents the cake "
      "recipe needs eggs butter and flour the python interpreter reads the script line by "
      "line").split()
rare = ["ornithorynque", "bathyscaphe", "cormoran", "zeppelin", "quetzal", "marmotte",
        "xylophone", "kangourou", "origami", "narval"]
hosts = ["%s%d.%s" % (rnd.choice(["ecole", "biblio", "mairie", "docs", "wiki", "club"]), i,
                      rnd.choice(["fr", "org", "com"])) for i in range(18)]
pages = []
for h_i, h in enumerate(hosts):
    lang = "fr" if h_i % 3 else "en"
    for p in range(15):
        pages.append((h, lang, "http://%s/%s" % (h, "" if p == 0 else "page%d.html" % p)))
def fnv1a(s):
    x = 0xcbf29ce484222325
    for b in s.encode():
        x ^= b
        x = (x * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return x
def record(url, body):
    http = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Length: %d\r\n\r\n" % len(body)).encode() + body
    head = ("WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
            "WARC-Date: 2024-06-11T10:00:00Z\r\nWARC-Target-URI: %s\r\n"
            "Content-Type: application/http;msgtype=response\r\nContent-Length: %d\r\n\r\n"
            % (uuid.UUID(int=rnd.getrandbits(128), version=4), url, len(http)))
    return head.encode() + http + b"\r\n\r\n"
whole = open(out + "/all.warc", "wb")
parts = [open(out + "/part%d.warc" % i, "wb") for i in range(nparts)]
for n, (h, lang, url) in enumerate(pages):
    words = fr if lang == "fr" else en
    title = " ".join(rnd.choice(words) for _ in range(4)) + " " + rare[n % len(rare)]
    paras = []
    for _ in range(rnd.randint(2, 6)):
        paras.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(20, 60))))
    if n % 5 == 0:
        paras.append("un tableau croisé dynamique" if lang == "fr" else
                     "the natural history museum")
    if n % 7 == 0:
        paras.append("un " + rare[(n * 3) % len(rare)] + " et un " + rare[(n * 5) % len(rare)])
    links = []
    for _ in range(rnd.randint(2, 8)):
        t = pages[int(len(pages) * rnd.random() ** 3)]  # a few pages get most links
        links.append('<a href="%s">%s</a>' % (t[2], " ".join(rnd.choice(words) for _ in range(2))))
    body = ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title>'
            '</head><body><h1>%s</h1>%s<ul>%s</ul></body></html>'
            % (lang, title, title, "".join("<p>%s</p>" % p for p in paras),
               "".join("<li>%s</li>" % l for l in links))).encode()
    rec = record(url, body)
    whole.write(rec)
    parts[fnv1a(h) % nparts].write(rec)
for f in [whole] + parts:
    f.close()
PY
for i in $(seq 0 $((NPART - 1))); do
    [ -s "$tmp/part$i.warc" ] || { echo "FAIL: partition $i is empty (change the hosts)"; exit 1; }
done

# 2. One shard per partition, each indexed from the whole crawl with --partition I/N (links,
#    anchor text and static rank from every page, only partition I's pages written), their
#    compacted merge, and a direct index of the whole crawl.
for i in $(seq 0 $((NPART - 1))); do
    "$CHOUETTE" index --db "$tmp/shard$i" --partition "$i/$NPART" "$tmp/all.warc" \
        2>"$tmp/index$i.err" || { cat "$tmp/index$i.err"; echo "FAIL: index of partition $i"; exit 1; }
    # the shard holds exactly the pages of its partition's WARC (same host split)
    want=$(grep -c '^WARC-Type: response' "$tmp/part$i.warc")
    got=$(sed -n 's/.* \([0-9]*\) pages indexed.*/\1/p' "$tmp/index$i.err")
    [ "$got" = "$want" ] || bad "shard $i indexed $got pages, its partition has $want"
done
xapian-compact "$tmp/shard0" "$tmp/shard1" "$tmp/shard2" "$tmp/merged" >"$tmp/compact.log" 2>&1 ||
    { cat "$tmp/compact.log"; echo "FAIL: xapian-compact"; exit 1; }
"$CHOUETTE" index --db "$tmp/direct" "$tmp/all.warc" 2>"$tmp/index-direct.err" ||
    { cat "$tmp/index-direct.err"; echo "FAIL: direct index"; exit 1; }

# 3. Three xapian-tcpsrv on free loopback ports, and the stub.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
ports=()
srv=()
for i in $(seq 0 $((NPART - 1))); do
    p=$(free_port)
    # Its own process group: on SIGTERM xapian-tcpsrv signals its whole group (its forked
    # children), which would otherwise include this script.
    setsid xapian-tcpsrv --port "$p" --interface 127.0.0.1 --quiet "$tmp/shard$i" \
        >"$tmp/tcpsrv$i.log" 2>&1 &
    srv+=($!)
    pids+=($!)
    ports+=("$p")
done
for i in $(seq 0 $((NPART - 1))); do
    up=0
    for _ in $(seq 100); do
        if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' \
            "${ports[$i]}" 2>/dev/null; then
            up=1
            break
        fi
        sleep 0.1
    done
    [ $up = 1 ] || { cat "$tmp/tcpsrv$i.log"; echo "FAIL: xapian-tcpsrv $i did not start"; exit 1; }
done
: >"$tmp/remote.stub"
for p in "${ports[@]}"; do echo "remote 127.0.0.1:$p" >>"$tmp/remote.stub"; done

# 4. The same answers through the stub as from the merged local database.
queries=(
    "ornithorynque" "bathyscaphe" "cormoran" "chat" "volcans séismes" "pivot table"
    "\"tableau croisé dynamique\"" "\"natural history museum\"" "gâteau chocolat"
    "bibliotheque" "ecole" "python script" "library -saturday" "lang:en recipe"
    "title:zeppelin" "narval OR quetzal" "rain garden"
)
for h in $(python3 - "$tmp/all.warc" <<'PY'
import re, sys
hosts = sorted(set(re.findall(rb"WARC-Target-URI: http://([^/]+)/", open(sys.argv[1], "rb").read())))
print(" ".join(h.decode() for h in hosts[:4]))
PY
); do
    queries+=("site:$h zeppelin" "site:$h marmotte")
done
compare() { # LABEL DB_A DB_B ARGS... -- prints nothing when equal
    python3 - "$@" <<'PY'
import hashlib, json, subprocess, sys, os
label, a, b = sys.argv[1:4]
args = sys.argv[4:]
def run(db):
    # While every shard is up (FED_CACHE set), a search already made (same database and
    # arguments) is read back instead of run again: each is compared with several others.
    cache = os.environ.get("FED_CACHE")
    key = os.path.join(cache, hashlib.sha1(json.dumps([db] + args).encode()).hexdigest()) \
        if cache else None
    if key and os.path.exists(key):
        return json.load(open(key)), None
    p = subprocess.run([os.environ["CHOUETTE"], "search", "--db", db, "--json"] + args,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    if key:
        with open(key, "w") as f:
            f.write(p.stdout)
    return json.loads(p.stdout), None
ja, ea = run(a)
jb, eb = run(b)
if ja is None or jb is None:
    print("%s %r: search failed: %s" % (label, args, ea or eb))
    sys.exit(1)
ua = [r["url"] for r in ja["results"]]
ub = [r["url"] for r in jb["results"]]
if ua != ub:
    print("%s %r: different results:\n  %s\n  %s" % (label, args, ua, ub))
    sys.exit(1)
if ja.get("has_next_page") != jb.get("has_next_page"):
    print("%s %r: has_next_page differs" % (label, args))
    sys.exit(1)
# Reported, not compared: the match-count estimate (Xapian estimates per shard) and the
# spelling correction (Xapian's remote backend carries no spelling data; docs/SCALE.md).
notes = os.environ.get("FED_NOTES")
if notes:
    with open(notes, "a") as f:
        for k in ("estimated_total", "corrected_query"):
            if ja.get(k) != jb.get(k):
                f.write("%s\t%s\t%r\t%r\n" % (k, " ".join(args), ja.get(k), jb.get(k)))
if ja.get("degraded") or jb.get("degraded"):
    print("%s %r: degraded with every shard up" % (label, args))
    sys.exit(1)
ta = [(r["title"], r["snippet"], r["site"], r["lang"]) for r in ja["results"]]
tb = [(r["title"], r["snippet"], r["site"], r["lang"]) for r in jb["results"]]
if ta != tb:
    print("%s %r: same URLs, different titles/snippets" % (label, args))
    sys.exit(1)
sys.exit(0)
PY
}
export FED_NOTES=$tmp/notes
export FED_CACHE=$tmp/cache
mkdir -p "$FED_CACHE"
nonempty=0
for q in "${queries[@]}"; do
    for mode in web school junior; do
        compare federated "$tmp/remote.stub" "$tmp/merged" --mode "$mode" --limit 10 "$q" ||
            bad "federated search differs from the local merge"
    done
    n=$("$CHOUETTE" search --db "$tmp/merged" --json --limit 50 "$q" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')
    if [ "$n" -gt 0 ]; then nonempty=$((nonempty + 1)); else echo "no results: $q"; fi
done
compare federated-page2 "$tmp/remote.stub" "$tmp/merged" --limit 5 --page 2 chat ||
    bad "page 2 differs"
compare federated-page3 "$tmp/remote.stub" "$tmp/merged" --limit 5 --page 3 the ||
    bad "page 3 differs"
[ "$nonempty" -ge $((${#queries[@]} - 2)) ] ||
    bad "only $nonempty of ${#queries[@]} queries found anything: the comparison proves little"
echo "federation: ${#queries[@]} queries x 3 modes compared, $nonempty with results"
if [ -s "$tmp/notes" ]; then
    echo "note: estimate differs (federated vs local) for $(grep -c '^estimated_total' "$tmp/notes") searches," \
        "spelling correction for $(grep -c '^corrected_query' "$tmp/notes")"
fi

# 5. The same answers as the direct single index of the whole crawl: the shards' static rank
#    and anchor text come from the whole crawl (index --partition), so they rank like it.
unset FED_NOTES
for q in "${queries[@]}"; do
    for mode in web school junior; do
        compare direct "$tmp/remote.stub" "$tmp/direct" --mode "$mode" --limit 10 "$q" ||
            bad "federated search differs from a single index of the whole crawl"
    done
done
compare direct-page2 "$tmp/remote.stub" "$tmp/direct" --limit 5 --page 2 chat ||
    bad "page 2 differs from the single index"

# 5b. Spelling through remote shards: Xapian's remote backend carries no spelling data, so a
#     front end lists a local spelling-only dictionary of every shard first in its stub
#     (chouette shards dictionary). It holds no document: every answer above must stay the same
#     (results, order, titles, snippets, pages), and a misspelled query must get the same
#     corrected_query as the single local index of the whole crawl, which the remote stub alone
#     does not give.
cp "$tmp/remote.stub" "$tmp/dict.stub"
"$CHOUETTE" shards dictionary --out "$tmp/dict" --stub "$tmp/dict.stub" \
    "$tmp/shard0" "$tmp/shard1" "$tmp/shard2" 2>"$tmp/dict.err" ||
    { cat "$tmp/dict.err"; bad "chouette shards dictionary"; }
[ "$(head -n 1 "$tmp/dict.stub")" = "auto $tmp/dict" ] ||
    bad "the dictionary is not first in the stub: $(cat "$tmp/dict.stub")"
[ "$(grep -c '^remote ' "$tmp/dict.stub")" = "$NPART" ] || bad "the stub lost its remote lines"
for q in "${queries[@]}"; do
    for mode in web school junior; do
        compare dictionary "$tmp/dict.stub" "$tmp/direct" --mode "$mode" --limit 10 "$q" ||
            bad "with the dictionary in the stub, results differ from the single index"
    done
done
compare dictionary-page2 "$tmp/dict.stub" "$tmp/direct" --limit 5 --page 2 chat ||
    bad "page 2 differs with the dictionary"
compare dictionary-page3 "$tmp/dict.stub" "$tmp/remote.stub" --limit 5 --page 3 the ||
    bad "page 3 differs with the dictionary"
corrected() { # DB QUERY: corrected_query, "" when none
    "$CHOUETTE" search --db "$1" --json "$2" |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get("corrected_query") or "")'
}
spelled=0
for q in ornitorynque bathyscafe "volcans seismse" "bibliotheque munisipale" "narvla" \
    "xylophne"; do
    want=$(corrected "$tmp/direct" "$q")
    got=$(corrected "$tmp/dict.stub" "$q")
    remote=$(corrected "$tmp/remote.stub" "$q")
    [ "$got" = "$want" ] ||
        bad "'$q': corrected to '$got' through remote shards + dictionary, '$want' by one index"
    if [ -n "$want" ]; then
        spelled=$((spelled + 1))
        [ -z "$remote" ] || echo "note: '$q' corrected to '$remote' by the remote stub alone"
    fi
done
[ "$spelled" -ge 3 ] || bad "only $spelled misspelled queries corrected by the single index"
echo "federation: dictionary in the stub: same results, $spelled corrections as one index"

unset FED_CACHE # from here on shards go down: every search is made anew

# 6. One shard down: the search still answers, flagged degraded, from the other shards: the same
#    URLs as a local stub of the two live shards. A server started with every shard up (one
#    worker, so the searcher that saw three shards is the one that meets the dead one) and a
#    server started after the failure both answer the results page with the notice, and
#    /api/search with "degraded": true.
printf 'auto %s\nauto %s\n' "$tmp/shard0" "$tmp/shard2" >"$tmp/live.stub"
printf '[serve]\nthreads = 1\n' >"$tmp/serve.ini"
serve_start() { # NAME: starts chouette serve on the remote stub, sets PORT
    "$CHOUETTE" serve --db "$tmp/remote.stub" --listen 127.0.0.1:0 --config "$tmp/serve.ini" \
        2>"$tmp/$1.err" &
    pids+=($!)
    PORT=""
    for _ in $(seq 100); do
        PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/$1.err")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    cat "$tmp/$1.err"
    return 1
}
notice_fr='une partie de l’index ne répond pas'
if command -v curl >/dev/null; then
    serve_start before || bad "chouette serve did not start"
    port_before=$PORT
    code=$(curl -s -o "$tmp/up.html" -w '%{http_code}' --max-time 20 \
        "http://127.0.0.1:$port_before/search?q=chat")
    [ "$code" = 200 ] || bad "results page with every shard up: status $code"
    grep -qF "$notice_fr" "$tmp/up.html" && bad "degraded notice with every shard up"
    grep -qF '<ol class="results"' "$tmp/up.html" || bad "no results with every shard up"
else
    echo "note: curl not installed, the server is not checked"
fi

kill "${srv[1]}" 2>/dev/null
wait "${srv[1]}" 2>/dev/null
t0=$(date +%s%N)
down_out=$("$CHOUETTE" search --db "$tmp/remote.stub" --json chat 2>"$tmp/down.err")
down_rc=$?
t1=$(date +%s%N)
echo "federation: search with one shard down took $(((t1 - t0) / 1000000)) ms"
if [ $down_rc -ne 0 ]; then
    bad "with one shard down 'chouette search' fails (exit $down_rc): $(head -c 300 "$tmp/down.err")"
else
    live_out=$("$CHOUETTE" search --db "$tmp/live.stub" --json chat 2>&1)
    python3 - "$down_out" "$live_out" <<'PY' || bad "degraded answer"
import json, sys
d, live = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert d.get("degraded") is True, "not flagged degraded: %r" % d
assert d["results"], "no results from the two live shards"
ud, ul = [r["url"] for r in d["results"]], [r["url"] for r in live["results"]]
assert ud == ul, "not the live shards' results:\n  %s\n  %s" % (ud, ul)
assert live.get("degraded") is False, "the live shards' own stub is flagged degraded"
PY
fi
for args in "--page 2 --limit 5 chat" "--mode junior zeppelin"; do
    # shellcheck disable=SC2086
    "$CHOUETTE" search --db "$tmp/remote.stub" --json $args >"$tmp/d.json" 2>"$tmp/d.err" ||
        { bad "degraded search $args fails: $(head -c 300 "$tmp/d.err")"; continue; }
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["degraded"] is True' \
        "$tmp/d.json" || bad "degraded search $args: not flagged"
done

if command -v curl >/dev/null; then
    check_page() { # LABEL PORT: the results page and the JSON API, degraded
        local code
        code=$(curl -s -o "$tmp/$1.html" -w '%{http_code}' --max-time 20 \
            "http://127.0.0.1:$2/search?q=chat")
        [ "$code" = 200 ] || bad "$1: results page with a shard down: status $code"
        grep -qF "$notice_fr" "$tmp/$1.html" || bad "$1: no degraded notice on the results page"
        grep -qF '<ol class="results"' "$tmp/$1.html" || bad "$1: no results with a shard down"
        code=$(curl -s -o "$tmp/$1.json" -w '%{http_code}' --max-time 20 \
            "http://127.0.0.1:$2/api/search?q=chat")
        [ "$code" = 200 ] || bad "$1: /api/search with a shard down: status $code"
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["degraded"] is True and d["results"]' \
            "$tmp/$1.json" || bad "$1: /api/search not degraded or empty"
    }
    [ -n "${port_before:-}" ] && check_page "server-before" "$port_before"
    serve_start after || bad "chouette serve did not start with a shard down"
    check_page "server-after" "$PORT"
fi

# 7. Every shard down: a clean error, not a hang.
kill "${srv[0]}" "${srv[2]}" 2>/dev/null
wait "${srv[0]}" "${srv[2]}" 2>/dev/null
"$CHOUETTE" search --db "$tmp/remote.stub" --json chat >/dev/null 2>"$tmp/alldown.err" &&
    bad "a search with every shard down succeeds"
grep -q "none of the 3 databases" "$tmp/alldown.err" ||
    bad "every shard down: unexpected message: $(head -c 300 "$tmp/alldown.err")"
# The same with the spelling dictionary in front: it holds no document, it is no answer.
"$CHOUETTE" search --db "$tmp/dict.stub" --json chat >/dev/null 2>"$tmp/alldown-dict.err" &&
    bad "a search with every shard down but the dictionary succeeds"
grep -q "none of the 4 databases" "$tmp/alldown-dict.err" ||
    bad "every shard down, dictionary up: unexpected message: $(head -c 300 "$tmp/alldown-dict.err")"

[ $fails -eq 0 ] && echo "federation: ok"
[ $fails -eq 0 ]
