#!/bin/sh
# Measure the page classifier (chouette classify --json) on the labelled pages and on real
# documentation. Numbers in docs/FILTERS.md come from this script.
#
#   bench/filters/measure.sh [--check] [--docs] [--half tune|heldout|all]
#
#   CHOUETTE   the binary (default: bin/chouette, else build/bin/chouette)
#   --check    exit 1 when a target is missed (used by tests/integration/test_classify_labelled.sh)
#   --docs     also run over the real documentation (Python 3.11 HTML docs, French LibreOffice
#              help, Debian handbook) and report how many pages each mode hides
#   --half H   which labelled half to report with targets (default: all; both halves are
#              always printed)
#
# Targets (issue "Child-safe filtering"): junior hides >= 99 % of adult and >= 95 % of every
# other category it hides; school hides <= 1 % of safe pages and none of sex-ed, health,
# biology or history; on the real docs school hides none and junior < 0.5 %.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CHOUETTE=${CHOUETTE:-}
if [ -z "$CHOUETTE" ]; then
    if [ -x "$TOP/bin/chouette" ]; then CHOUETTE=$TOP/bin/chouette; else CHOUETTE=$TOP/build/bin/chouette; fi
fi
CHECK=0 DOCS=0 HALF=all
while [ $# -gt 0 ]; do
    case $1 in
    --check) CHECK=1 ;;
    --docs) DOCS=1 ;;
    --half) HALF=$2; shift ;;
    *) echo "usage: $0 [--check] [--docs] [--half tune|heldout|all]" >&2; exit 2 ;;
    esac
    shift
done
LAB=$TOP/tests/fixtures/labelled
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Exit status 1 from classify only means some file failed; the report counts those.
find "$LAB" -name '*.html' | LC_ALL=C sort >"$TMP/files"
xargs "$CHOUETTE" classify --json --lists "$TOP/data/lists" --policy "$TOP/data/policies.ini" \
    <"$TMP/files" >"$TMP/labelled.jsonl" || true

rc=0
python3 - "$TMP/labelled.jsonl" "$LAB" "$CHECK" "$HALF" <<'EOF' || rc=1
import json, sys
path, lab, check, half_sel = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
SCHOOL = {"adult", "violence", "gambling", "drugs", "hate", "weapons", "dating"}
JUNIOR = SCHOOL | {"shopping", "chat"}
rows = []
for line in open(path):
    o = json.loads(line)
    rel = o["file"][len(lab) + 1:]
    half, label = rel.split("/")[0], rel.split("/")[1]
    rows.append((half, label, o.get("hidden_in"), o))
failed = [r for r in rows if r[2] is None]
def share(sel, mode):
    n = len(sel)
    k = sum(1 for r in sel if mode in (r[2] or []))
    return k, n
ok = True
for h in ("tune", "heldout", "all"):
    sel_h = [r for r in rows if h == "all" or r[0] == h]
    print("== %s (%d pages)" % (h, len(sel_h)))
    print("  %-14s %12s %12s" % ("label", "school hides", "junior hides"))
    for label in sorted({r[1] for r in sel_h}):
        sel = [r for r in sel_h if r[1] == label]
        ks, n = share(sel, "school")
        kj, _ = share(sel, "junior")
        print("  %-14s %5d/%-3d %3.0f%% %5d/%-3d %3.0f%%" % (label, ks, n, 100 * ks / n, kj, n, 100 * kj / n))
        if h != half_sel:
            continue
        if label == "adult" and kj / n < 0.99:
            ok = False; print("  MISS: junior catches %.1f%% of adult (< 99%%)" % (100 * kj / n))
        elif label in JUNIOR and label != "adult" and kj / n < 0.95:
            ok = False; print("  MISS: junior catches %.1f%% of %s (< 95%%)" % (100 * kj / n, label))
        if label in ("safe-sexed", "safe-health", "safe-biology", "safe-history") and ks:
            ok = False; print("  MISS: school hides %d %s page(s)" % (ks, label))
    safe = [r for r in sel_h if r[1].startswith("safe-")]
    ks, n = share(safe, "school")
    kj, _ = share(safe, "junior")
    print("  %-14s %5d/%-3d %3.1f%% %5d/%-3d %3.1f%%" % ("ALL SAFE", ks, n, 100 * ks / n, kj, n, 100 * kj / n))
    if h == half_sel and ks / n > 0.01:
        ok = False; print("  MISS: school hides %.1f%% of safe pages (> 1%%)" % (100 * ks / n))
    for r in sel_h:
        if r[1].startswith("safe-") and r[2]:
            print("    safe page hidden in %s: %s/%s %s" % (",".join(r[2]), r[0], r[1], r[3]["categories"]))
if failed:
    ok = False
    print("classify failed on %d file(s)" % len(failed))
print("labelled targets:", "met" if ok else "MISSED")
sys.exit(0 if ok or not check else 1)
EOF

if [ "$DOCS" = 1 ]; then
    for set in python3.11:/usr/share/doc/python3.11/html \
        libreoffice-help-fr:/usr/share/libreoffice/help/fr \
        debian-handbook:/usr/share/doc/debian-handbook/html; do
        name=${set%%:*} dir=${set#*:}
        if [ ! -d "$dir" ]; then echo "docs $name: $dir missing, skipped"; continue; fi
        find -L "$dir" -name '*.html' | LC_ALL=C sort >"$TMP/docs"
        xargs "$CHOUETTE" classify --json --lists "$TOP/data/lists" \
            --policy "$TOP/data/policies.ini" <"$TMP/docs" >"$TMP/docs.jsonl" || true
        python3 - "$TMP/docs.jsonl" "$name" "$CHECK" <<'EOF' || rc=1
import json, sys
path, name, check = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
n = s = j = err = 0
hidden = []
for line in open(path):
    o = json.loads(line)
    n += 1
    if "error" in o:
        err += 1; continue
    h = o["hidden_in"]
    s += "school" in h
    j += "junior" in h
    if h:
        hidden.append((o["file"], h, o["categories"]))
print("docs %-20s %6d pages: school hides %d (%.2f%%), junior hides %d (%.2f%%), errors %d"
      % (name, n, s, 100 * s / max(n, 1), j, 100 * j / max(n, 1), err))
for f, h, c in hidden[:20]:
    print("    %s %s %s" % (",".join(h), f, c))
ok = s == 0 and j / max(n, 1) < 0.005
sys.exit(0 if ok or not check else 1)
EOF
    done
fi
exit $rc
