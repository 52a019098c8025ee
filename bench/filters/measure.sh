#!/bin/sh
# Measure the page classifier (chouette classify --json) on the labelled pages and on real
# documentation. Numbers in docs/FILTERS.md come from this script.
# What is measured is the whole verdict with the shipped data: UT1 lists, phrase lists and the
# text model (data/lists/textcat/model.tsv, thresholds model_threshold in data/policies.ini;
# retrain it with bench/filters/train_textcat.py, on tune pages only).
#
#   bench/filters/measure.sh [--check] [--docs] [--set S]... [--half H]
#
#   CHOUETTE   the binary (default: bin/chouette, else build/bin/chouette)
#   --check    exit 1 when a target is missed (used by tests/integration/test_classify_labelled.sh)
#   --docs     also run over the real documentation (Python 3.11 HTML docs, French LibreOffice
#              help, Debian handbook) and report how many pages each mode hides
#   --set S    a set whose targets are checked (repeat for several): tune, heldout, labelled
#              (= tune + heldout, tests/fixtures/labelled) or independent
#              (tests/fixtures/labelled-independent, hand-written pages that share no sentence
#              with the pools of gen_labelled.py). Default: labelled and independent.
#              Every set is always printed.
#   --half H   old spelling of --set (all = labelled)
#   --floor F  also fail (with --check) when a count falls below the recorded one in F: lines
#              "SET LABEL LANG MODE min|max N" (tests/fixtures/labelled-independent/floor.txt:
#              the independent set misses its targets, this keeps it from getting worse)
#   --write-floor F  write the current counts of the independent set to F
#
# For each set, per label and per language (fr, en, both): how many pages school and junior
# hide. Targets (issue "Child-safe filtering"), checked per set AND per language: junior hides
# >= 99 % of adult and >= 95 % of every other category it hides; school hides <= 1 % of safe
# pages and none of sex-ed, health, biology or history; on the real docs school hides none and
# junior < 0.5 %.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CHOUETTE=${CHOUETTE:-}
if [ -z "$CHOUETTE" ]; then
    if [ -x "$TOP/bin/chouette" ]; then CHOUETTE=$TOP/bin/chouette; else CHOUETTE=$TOP/build/bin/chouette; fi
fi
CHECK=0 DOCS=0 SETS= FLOOR= WFLOOR=
while [ $# -gt 0 ]; do
    case $1 in
    --check) CHECK=1 ;;
    --docs) DOCS=1 ;;
    --floor) FLOOR=$2; shift ;;
    --write-floor) WFLOOR=$2; shift ;;
    --set | --half)
        [ $# -ge 2 ] || { echo "$0: $1 needs a value" >&2; exit 2; }
        case $2 in
        all) SETS="$SETS labelled" ;;
        tune | heldout | labelled | independent) SETS="$SETS $2" ;;
        *) echo "$0: unknown set $2 (tune, heldout, labelled, independent)" >&2; exit 2 ;;
        esac
        shift ;;
    *) echo "usage: $0 [--check] [--docs] [--set tune|heldout|labelled|independent]..." >&2; exit 2 ;;
    esac
    shift
done
[ -n "$SETS" ] || SETS="labelled independent"
LAB=$TOP/tests/fixtures/labelled
IND=$TOP/tests/fixtures/labelled-independent
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Exit status 1 from classify only means some file failed; the report counts those.
{ find "$LAB" -name '*.html'; find "$IND" -name '*.html'; } | LC_ALL=C sort >"$TMP/files"
xargs "$CHOUETTE" classify --json --lists "$TOP/data/lists" --policy "$TOP/data/policies.ini" \
    <"$TMP/files" >"$TMP/labelled.jsonl" || true

rc=0
python3 - "$TMP/labelled.jsonl" "$LAB" "$IND" "$CHECK" "$SETS" "$FLOOR" "$WFLOOR" <<'EOF' || rc=1
import json, os, sys
path, lab, ind, check, sets_sel, floor, wfloor = sys.argv[1:8]
check, sets_sel = check == "1", sets_sel.split()
SCHOOL = {"adult", "violence", "gambling", "drugs", "hate", "weapons", "dating"}
JUNIOR = SCHOOL | {"shopping", "chat"}
NOSCHOOL = ("safe-sexed", "safe-health", "safe-biology", "safe-history")
rows = []  # (set, label, lang, hidden_in, json)
for line in open(path):
    o = json.loads(line)
    f = o["file"]
    if f.startswith(ind + "/"):
        label, name = f[len(ind) + 1:].split("/")[:2]
        half = "independent"
    else:
        half, label, name = f[len(lab) + 1:].split("/")[:3]
    rows.append((half, label, name.split("-")[0], o.get("hidden_in"), o))
failed = [r for r in rows if r[3] is None]
SETS = {"tune": ("tune",), "heldout": ("heldout",), "labelled": ("tune", "heldout"),
        "independent": ("independent",)}

def share(sel, mode):
    return sum(1 for r in sel if mode in (r[3] or [])), len(sel)

def cell(sel, mode):
    k, n = share(sel, mode)
    return "%3d/%-3d %4.0f%%" % (k, n, 100 * k / n) if n else "%13s" % "-"

def misses(sel):
    """Targets missed by the pages sel (one set, one or both languages)."""
    out = []
    for label in sorted({r[1] for r in sel}):
        s = [r for r in sel if r[1] == label]
        kj, n = share(s, "junior")
        ks, _ = share(s, "school")
        if label == "adult" and kj / n < 0.99:
            out.append("junior catches %d/%d of adult (< 99%%)" % (kj, n))
        elif label in JUNIOR and label != "adult" and kj / n < 0.95:
            out.append("junior catches %d/%d of %s (< 95%%)" % (kj, n, label))
        if label in NOSCHOOL and ks:
            out.append("school hides %d %s page(s)" % (ks, label))
    safe = [r for r in sel if r[1].startswith("safe-")]
    ks, n = share(safe, "school")
    if n and ks / n > 0.01:
        out.append("school hides %d/%d safe pages (> 1%%)" % (ks, n))
    return out

ok = True
for name in ("tune", "heldout", "labelled", "independent"):
    sel_h = [r for r in rows if r[0] in SETS[name]]
    if not sel_h:
        continue
    print("== %s (%d pages)%s" % (name, len(sel_h), "  [targets checked]" if name in sets_sel else ""))
    print("  %-14s %-13s %-13s %-13s   %-13s %-13s %-13s" % (
        "label", "school fr", "school en", "school all", "junior fr", "junior en", "junior all"))
    groups = [(label, [r for r in sel_h if r[1] == label]) for label in sorted({r[1] for r in sel_h})]
    groups.append(("ALL HIDDEN", [r for r in sel_h if r[1] in JUNIOR]))
    groups.append(("ALL SAFE", [r for r in sel_h if r[1].startswith("safe-")]))
    for label, sel in groups:
        fr = [r for r in sel if r[2] == "fr"]
        en = [r for r in sel if r[2] == "en"]
        print("  %-14s %s %s %s   %s %s %s" % (label, cell(fr, "school"), cell(en, "school"),
              cell(sel, "school"), cell(fr, "junior"), cell(en, "junior"), cell(sel, "junior")))
    for r in sel_h:
        if r[1] in JUNIOR and "junior" not in (r[3] or []):
            print("    missed in junior: %s %s %s" % (r[1], os.path.basename(r[4]["file"]), r[4]["categories"]))
    for r in sel_h:
        if r[1].startswith("safe-") and r[3]:
            print("    safe page hidden in %s: %s %s %s" % (",".join(r[3]), r[1],
                  os.path.basename(r[4]["file"]), r[4]["categories"]))
    for lang in ("fr", "en", "all"):
        m = misses([r for r in sel_h if lang == "all" or r[2] == lang])
        print("  targets %-3s: %s" % (lang, "met" if not m else "MISSED: " + "; ".join(m)))
        if m and name in sets_sel:
            ok = False
            for x in m:
                print("  MISS (%s, %s): %s" % (name, lang, x))
def counts(name):
    """(label, lang, mode, min|max, n): what the set catches (hidden) or hides (safe)."""
    out = []
    sel_h = [r for r in rows if r[0] in SETS[name]]
    for label in sorted({r[1] for r in sel_h}):
        for lang in ("fr", "en"):
            sel = [r for r in sel_h if r[1] == label and r[2] == lang]
            if label in JUNIOR:
                out.append((label, lang, "junior", "min", share(sel, "junior")[0]))
            elif label.startswith("safe-"):
                for mode in ("school", "junior"):
                    out.append((label, lang, mode, "max", share(sel, mode)[0]))
    return out

if wfloor:
    with open(wfloor, "w") as f:
        f.write("# Recorded by bench/filters/measure.sh --write-floor: per label and language, how many\n"
                "# independent pages junior catches (min) or school/junior hide (max). Checked with\n"
                "# --floor: a list change may raise a min or lower a max, never the reverse.\n")
        for c in counts("independent"):
            f.write("independent %s %s %s %s %d\n" % c)
if floor:
    got = {}
    for name in SETS:
        for c in counts(name):
            got[(name,) + c[:4]] = c[4]
    bad = 0
    for line in open(floor):
        if not line.strip() or line.startswith("#"):
            continue
        name, label, lang, mode, kind, n = line.split()
        k = got.get((name, label, lang, mode, kind))
        if k is None or (kind == "min" and k < int(n)) or (kind == "max" and k > int(n)):
            bad += 1
            print("  REGRESSION (%s, %s %s): %s %s was %s %s, now %s" % (
                name, label, lang, mode, "catches" if kind == "min" else "hides", kind, n, k))
    print("floor %s: %s" % (os.path.basename(floor), "kept" if not bad else "%d regression(s)" % bad))
    ok = ok and not bad
if failed:
    ok = False
    print("classify failed on %d file(s)" % len(failed))
print("labelled targets (%s, per language):" % "+".join(sets_sel), "met" if ok else "MISSED")
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
