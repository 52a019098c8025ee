#!/usr/bin/env bash
# Re-crawl with conditional GET: a site is crawled, one page is changed, and the same crawl
# directory is crawled again with recrawl_after_s = 1. Unchanged pages are asked with
# If-None-Match (server with ETags) or If-Modified-Since (server without), answered 304 and
# recorded as WARC revisit records (profile server-not-modified) that refer to the earlier
# response: same Target-URI, Refers-To = its Record-ID, same payload digest. The changed page is
# fetched in full again. The WARC files read cleanly to the end.
. "$(dirname "$0")/../fixtures/server/lib.sh"
: "${BUILD:=$TOP/build}"
WARC_CHECK="$BUILD/tools/warc_check"
cp -r "$TOP/tests/fixtures/server/site" "$FX_TMP/site-etag"
cp -r "$TOP/tests/fixtures/server/site" "$FX_TMP/site-ims"
fx_start etag --root "$FX_TMP/site-etag" --etags
fx_start ims --root "$FX_TMP/site-ims"
printf '[crawler]\nrecrawl_after_s = 1\n' >"$FX_TMP/recrawl.ini"

# warc_dump DIR: one line per record of every WARC file: type uri id refers-to refers-to-uri
# profile payload-digest ("-" when absent)
warc_dump() {
    python3 - "$1"/*.warc.gz <<'PY'
import gzip, sys
for fn in sys.argv[1:]:
    with gzip.open(fn, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        lines = data[pos:end].decode("utf-8", "replace").split("\r\n")
        assert lines[0].startswith("WARC/"), (fn, pos, lines[0])
        h = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            h[k.strip().lower()] = v.strip()
        n = int(h["content-length"])
        pos = end + 4 + n + 4
        print(" ".join(h.get(k, "-") or "-" for k in (
            "warc-type", "warc-target-uri", "warc-record-id", "warc-refers-to",
            "warc-refers-to-target-uri", "warc-profile", "warc-payload-digest")))
PY
}

for name in etag ims; do
    portvar="FX_PORT_$name"
    "$CHOUETTE" crawl --out "$FX_TMP/out-$name" --seed "http://127.0.0.1:${!portvar}/" \
        --allow-network 127.0.0.0/8 --delay-ms 0 2>"$FX_TMP/c1-$name.err" ||
        fail "$name: first crawl exit $?: $(cat "$FX_TMP/c1-$name.err")"
    [ "$(warc_responses "$FX_TMP/out-$name" | wc -l)" -eq 9 ] || fail "$name: first crawl pages"
done
# the change lands in a later second than the first fetch (Last-Modified has 1 s resolution)
sleep 1.1
for name in etag ims; do
    printf '<!DOCTYPE html><html><head><title>A, changed</title></head><body><p>new text</p></body></html>\n' \
        >"$FX_TMP/site-$name/a.html"
done
sleep 1.5 # recrawl_after_s = 1: pages fetched more than a second ago (seconds are whole)

for name in etag ims; do
    portvar="FX_PORT_$name"; logvar="FX_LOG_$name"
    out="$FX_TMP/out-$name"
    base="http://127.0.0.1:${!portvar}"
    warc_dump "$out" >"$FX_TMP/before-$name.txt" || fail "$name: cannot read the first WARC"
    lines_before=$(wc -l <"${!logvar}")
    "$CHOUETTE" crawl --out "$out" --config "$FX_TMP/recrawl.ini" --seed "$base/" \
        --allow-network 127.0.0.0/8 --delay-ms 0 2>"$FX_TMP/c2-$name.err" ||
        fail "$name: re-crawl exit $?: $(cat "$FX_TMP/c2-$name.err")"
    cat "$FX_TMP/c2-$name.err"
    tail -n +"$((lines_before + 1))" "${!logvar}" >"$FX_TMP/log2-$name"
    [ -x "$WARC_CHECK" ] && { "$WARC_CHECK" "$out"/*.warc.gz >/dev/null || fail "$name: warc_check"; }
    warc_dump "$out" >"$FX_TMP/after-$name.txt" || fail "$name: cannot read the WARC files"
    # every page asked again; robots.txt (cached a day) and sitemaps are not
    grep -q ' /robots.txt ' "$FX_TMP/log2-$name" && fail "$name: robots.txt fetched again"
    n_req=$(grep -c ' GET ' "$FX_TMP/log2-$name")
    [ "$n_req" -eq 9 ] || fail "$name: $n_req requests in the re-crawl, want 9"
    # 304s: 7 (9 pages less a.html, changed, and missing.html, a 404 without validators),
    # each by the expected validator
    n304=$(awk '$4 == 304' "$FX_TMP/log2-$name" | wc -l)
    [ "$n304" -eq 7 ] || fail "$name: $n304 answers 304, want 7: $(cat "$FX_TMP/log2-$name")"
    n_other=$(awk -v v="$name" '$4 == 304 && $5 != v' "$FX_TMP/log2-$name" | wc -l)
    [ "$n_other" -eq 0 ] || fail "$name: 304 not by $name: $(cat "$FX_TMP/log2-$name")"
    grep -q " /a.html 200" "$FX_TMP/log2-$name" || fail "$name: changed page not fetched in full"
    grep -q "not modified 7," "$FX_TMP/c2-$name.err" || fail "$name: summary does not count 7 revisits"
    # revisit records: one per 304, each pointing at the first crawl's response of its URL
    python3 - "$FX_TMP/before-$name.txt" "$FX_TMP/after-$name.txt" "$FX_TMP/log2-$name" "$base" <<'PY' ||
import sys
before = [l.split() for l in open(sys.argv[1])]
after = [l.split() for l in open(sys.argv[2])]
base = sys.argv[4]
not_modified = {base + l.split()[2] for l in open(sys.argv[3]) if l.split()[3] == "304"}
resp = {r[1]: r for r in before if r[0] == "response"}
new = after[len(before):]
assert after[:len(before)] == before, "records of the first crawl changed"
revisits = [r for r in new if r[0] == "revisit"]
got = {r[1] for r in revisits}
assert len(revisits) == len(not_modified) and got == not_modified, (got, not_modified)
for typ, uri, rid, ref, ref_uri, profile, digest in revisits:
    assert ref == resp[uri][2], ("Refers-To", uri, ref, resp[uri][2])
    assert ref_uri == uri, ("Refers-To-Target-URI", uri, ref_uri)
    assert profile.endswith("/revisit/server-not-modified"), profile
    assert digest == resp[uri][6] and digest != "-", ("payload digest", uri)
changed = [r for r in new if r[0] == "response" and r[1] == base + "/a.html"]
assert len(changed) == 1 and changed[0][6] != resp[base + "/a.html"][6], "a.html not re-recorded"
print("%d revisit records checked" % len(revisits))
PY
        fail "$name: revisit records do not match"
done

# once more with recrawl_after_s = 3600: nothing is old enough, nothing is fetched
printf '[crawler]\nrecrawl_after_s = 3600\n' >"$FX_TMP/recrawl-hour.ini"
lines_before=$(wc -l <"$FX_LOG_etag")
"$CHOUETTE" crawl --out "$FX_TMP/out-etag" --config "$FX_TMP/recrawl-hour.ini" \
    --seed "http://127.0.0.1:$FX_PORT_etag/" --allow-network 127.0.0.0/8 --delay-ms 0 2>/dev/null ||
    fail "third crawl failed"
[ "$(wc -l <"$FX_LOG_etag")" -eq "$lines_before" ] || fail "third crawl fetched pages"
echo "ok"
