#!/usr/bin/env python3
"""Renders tests/fixtures/labelled-independent/pages-*.txt into one HTML page per entry:
tests/fixtures/labelled-independent/<label>/<lang>-NN.html.

The pages were written by hand for Chouette (see that folder's README.md); they are an
independent held-out set: lists must NEVER be tuned against them, only measured.

Independence check: no page may share a run of SHINGLE consecutive words (folded: case,
accents and punctuation ignored) with the sentence pools of gen_labelled.py, which the tune and
heldout halves are drawn from. The script refuses to write anything when one does.

    python3 bench/filters/gen_independent.py [DIR]
"""
import glob
import html
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_labelled import EXTRA2, EXTRA3, EXTRA4, EXTRA_EN, EXTRA_FR, POOLS  # noqa: E402

SHINGLE = 5
LANGS = ("fr", "en")

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="https://www.indep{n:03d}.example/page.html"></head>
<body>
<nav>{nav}</nav>
<h1>{title}</h1>
{paras}
<footer>{footer}</footer>
</body></html>
"""


def fold_words(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", s)


def shingles(s):
    w = fold_words(s)
    return {tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def parse(path):
    pages, cur = [], None
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        tag, _, rest = line.partition(" ")
        if tag == "@":
            label, lang = rest.split()
            if lang not in LANGS:
                sys.exit("%s:%d: language %r" % (path, no, lang))
            cur = {"label": label, "lang": lang, "title": "", "nav": "", "paras": [],
                   "footer": "", "where": "%s:%d" % (path, no)}
            pages.append(cur)
        elif cur is None or tag not in ("T", "N", "P", "F"):
            sys.exit("%s:%d: bad line" % (path, no))
        elif tag == "T":
            cur["title"] = rest
        elif tag == "N":
            cur["nav"] = rest
        elif tag == "P":
            cur["paras"].append(rest)
        else:
            cur["footer"] = rest
    return pages


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        top, "tests", "fixtures", "labelled-independent")
    pages = []
    for path in sorted(glob.glob(os.path.join(out, "pages-*.txt"))):
        pages += parse(path)
    pool_sh = set()
    pools = [pool for langs in POOLS.values() for pool in langs.values()] + list(EXTRA_FR.values()) + list(
        EXTRA_EN.values())
    for pool in pools:
        for s in pool["titles"] + pool["body"]:
            pool_sh |= shingles(s)
    for langs in EXTRA2.values():
        for body in langs.values():
            for s in body:
                pool_sh |= shingles(s)
    for langs in list(EXTRA3.values()) + list(EXTRA4.values()):
        for topics in langs.values():
            for titles, body in topics:
                for s in titles + body:
                    pool_sh |= shingles(s)
    bad = 0
    for p in pages:
        for s in [p["title"]] + p["paras"] + [p["footer"]]:
            common = shingles(s) & pool_sh
            if common:
                bad += 1
                print("%s: shares %r with gen_labelled.py's pools" % (p["where"], " ".join(
                    sorted(common)[0])), file=sys.stderr)
        if not p["title"] or len(p["paras"]) < 2:
            bad += 1
            print("%s: a page needs a title and two paragraphs" % p["where"], file=sys.stderr)
    if bad:
        sys.exit(1)
    count = {}
    for n, p in enumerate(pages, 1):
        key = (p["label"], p["lang"])
        count[key] = count.get(key, 0) + 1
        d = os.path.join(out, p["label"])
        os.makedirs(d, exist_ok=True)
        paras = "\n".join("<p>%s</p>" % html.escape(s) for s in p["paras"])
        with open(os.path.join(d, "%s-%02d.html" % (p["lang"], count[key])), "w",
                  encoding="utf-8") as f:
            f.write(PAGE.format(lang=p["lang"], title=html.escape(p["title"]), n=n,
                                nav=html.escape(p["nav"]), paras=paras,
                                footer=html.escape(p["footer"])))
    labels = sorted({p["label"] for p in pages})
    for label in labels:
        print("  %-14s fr %2d  en %2d" % (label, count.get((label, "fr"), 0),
                                          count.get((label, "en"), 0)))
    print("wrote %d pages under %s" % (len(pages), out))


if __name__ == "__main__":
    main()
