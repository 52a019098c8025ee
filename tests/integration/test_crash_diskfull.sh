#!/usr/bin/env bash
# Disk full: the crawl's --out directory is a 2 MiB tmpfs, too small for the site (80 pages of
# 32 KiB of incompressible text, about 2.7 MB of WARC). The crawler must stop with a clear error
# (exit 1, a message naming "No space left" / ENOSPC or a full disk), leave WARC files that read
# cleanly to their end, and, once the tmpfs is remounted bigger, the same command must resume
# and complete: every page once, the same set as an uninterrupted crawl.
# Needs root and mount(2) (tmpfs); exits 77 with the reason when either is missing.
# test: exclusive (timing, memory or kill moments: run alone by tests/run-tests.sh)
. "$(dirname "$0")/../fixtures/server/lib.sh"
: "${BUILD:=$TOP/build}"
WARC_CHECK="$BUILD/tools/warc_check"
[ -x "$WARC_CHECK" ] || { echo "skip: $WARC_CHECK not built" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to mount a tmpfs" >&2; exit 77; }
[ -n "${FX_TMP:-}" ] && [ -d "$FX_TMP" ] || { echo "FX_TMP not set up" >&2; exit 1; }
MNT="$FX_TMP/mnt"
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=2m,mode=0700 tmpfs "$MNT" 2>"$FX_TMP/mount.err"; then
    echo "skip: mount -t tmpfs not permitted here: $(cat "$FX_TMP/mount.err")" >&2
    exit 77
fi
# unmount before lib.sh removes FX_TMP
trap 'umount "$MNT" 2>/dev/null; fx_cleanup' EXIT

SITE="$FX_TMP/site"
python3 - "$SITE" <<'PY'
import base64, os, random, sys
root = sys.argv[1]
rnd = random.Random(7)
os.makedirs(root)
def text():
    return base64.b64encode(rnd.randbytes(24 * 1024)).decode()  # ~32 KiB, incompressible
links = "".join('<a href="/p%d.html">p%d</a>\n' % (i, i) for i in range(79))
with open(root + "/index.html", "w") as f:
    f.write("<!DOCTYPE html><html><head><title>home</title></head><body>%s</body></html>\n" % links)
for i in range(79):
    with open(root + "/p%d.html" % i, "w") as f:
        f.write("<!DOCTYPE html><html><head><title>p%d</title></head><body><p>%s</p></body></html>\n"
                % (i, text()))
PY
fx_start site --root "$SITE"
base="http://127.0.0.1:$FX_PORT_site"
crawl() {
    "$CHOUETTE" crawl --out "$1" --seed "$base/" --allow-network 127.0.0.0/8 --delay-ms 0
}

# reference, on the ordinary disk
crawl "$FX_TMP/ref" 2>"$FX_TMP/ref.err" || fail "reference crawl exit $?: $(cat "$FX_TMP/ref.err")"
warc_responses "$FX_TMP/ref" | sort >"$FX_TMP/ref.urls"
[ "$(wc -l <"$FX_TMP/ref.urls")" -eq 80 ] || fail "reference crawl: $(wc -l <"$FX_TMP/ref.urls") pages"

# on the small tmpfs: a clear failure
out="$MNT/out"
timeout 120 "$CHOUETTE" crawl --out "$out" --seed "$base/" --allow-network 127.0.0.0/8 \
    --delay-ms 0 2>"$FX_TMP/full.err"
rc=$?
cat "$FX_TMP/full.err"
df -k "$MNT" | tail -n 1
[ $rc -eq 1 ] || fail "crawl on a full disk: exit $rc, want 1"
grep -Eiq 'no space left|ENOSPC|disk is full|disk full' "$FX_TMP/full.err" ||
    fail "the error does not say the disk is full: $(cat "$FX_TMP/full.err")"
ls "$out"/*.warc.gz >/dev/null 2>&1 || fail "no WARC file was written before the disk filled"
"$WARC_CHECK" "$out"/*.warc.gz || fail "a WARC file is damaged after ENOSPC"
n_before=$(warc_responses "$out" | wc -l)
echo "pages kept before the disk filled: $n_before"
[ "$n_before" -gt 0 ] && [ "$n_before" -lt 80 ] || fail "$n_before pages before ENOSPC: the test did not test"

# room again: the same command resumes and completes
mount -o remount,size=32m "$MNT" || fail "cannot grow the tmpfs"
crawl "$out" 2>"$FX_TMP/resume.err" || fail "resume exit $?: $(cat "$FX_TMP/resume.err")"
cat "$FX_TMP/resume.err"
"$WARC_CHECK" "$out"/*.warc.gz || fail "a WARC file does not read cleanly after the resume"
warc_responses "$out" | sort >"$FX_TMP/got.urls"
dups=$(uniq -d <"$FX_TMP/got.urls")
[ -z "$dups" ] || fail "pages written twice: $(echo "$dups" | head -n 5)"
diff -u "$FX_TMP/ref.urls" "$FX_TMP/got.urls" || fail "the resumed crawl has other pages"
echo "ok"
