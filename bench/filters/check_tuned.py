#!/usr/bin/env python3
"""Every phrase added to chouette-fr/ and chouette-en/ since the independent set exists (the
lines after "# added with the independent set" in each list) must fire on at least one page of
tests/fixtures/labelled/tune/: a phrase that only an independent page (or nothing) would need
was not tuned on the tune half. Prints the offending rules; exit 1 when there is one.

    python3 bench/filters/check_tuned.py

Approximates filters/phrases.c's matching (fold case and accents, runs of other characters
become one space; "< a >" whole words, "<a>" substring, "<a>,<b>" all parts) on the text of
the pages with tags removed. A negative weight is exempt (a counter-weight for a safe page).
"""
import glob
import html
import os
import re
import sys
import unicodedata

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = "# added with the independent set"


def fold(s):
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " " + re.sub(r"[^a-z0-9]+", " ", s).strip() + " "


def main():
    pages = []
    for f in glob.glob(os.path.join(TOP, "tests/fixtures/labelled/tune/*/*.html")):
        pages.append(fold(html.unescape(re.sub(r"<[^>]*>", " ", open(f, encoding="utf-8").read()))))
    bad = n = 0
    for lst in sorted(glob.glob(os.path.join(TOP, "data/lists/phrases/chouette-*/*/weighted"))):
        after = False
        for no, line in enumerate(open(lst, encoding="utf-8"), 1):
            if line.startswith(MARK):
                after = True
            line = line.strip()
            if not after or not line.startswith("<"):
                continue
            m = re.match(r"^(.*)<(-?\d+)>", line)
            if not m or int(m.group(2)) < 0:
                continue
            n += 1
            parts = re.findall(r"<([^<>]*)>", m.group(1))
            keys = []
            for p in parts:
                whole = p.startswith(" ") or p.endswith(" ")
                k = fold(p)
                keys.append(k if whole else k.strip())
            if not any(all(k in t for k in keys) for t in pages):
                bad += 1
                print("%s:%d: %s fires on no tune page" % (os.path.relpath(lst, TOP), no, line))
    print("%d added rules checked, %d fire on no tune page" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
