#!/usr/bin/env python3
"""Trains the statistical page classifier of filters/textmodel.c (one more signal of
flt_classify_page, see docs/FILTERS.md "Text model").

    python3 bench/filters/train_textcat.py [--out FILE] [--eval] [--selftest]

Model: per hidden category c, a Naive Bayes over the SET of folded words of a page (title,
canonical URL words and body text, the same parts chouette classify scores): the weight of a
word w is the smoothed log-ratio of the share of c's pages holding w to the share of the other
pages (safe ones and those of the other categories) holding it:

    weight(w, c) = log((df_c(w) + a) / (N_c + 2a)) - log((df_rest(w) + a) / (N_rest + 2a))

A page's score in c is bias(c) + the sum of the weights of its distinct words found in the
model (unknown words count 0), i.e. the Naive Bayes log-odds of c against the rest. Words seen
in fewer than MIN_DF pages, and weights whose size is under PRUNE, are dropped: the file stays
small and only words that say something are kept.

Training set: the TUNE half of tests/fixtures/labelled/ only (never heldout/, never
tests/fixtures/labelled-independent/). Output is deterministic (sorted, fixed rounding; the
date in the header is the date of the newest training page, not of the run).

Folding and words match common/text.h: words are maximal runs of word characters
(text_is_word_cp), each folded (lowercase, diacritics removed, ß -> ss, œ -> oe, æ -> ae);
fold_word() below and test_textmodel.c check the same pairs (--selftest).
"""
import html.parser
import math
import os
import sys
import subprocess
import unicodedata

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TUNE = os.path.join(TOP, "tests", "fixtures", "labelled", "tune")
OUT = os.path.join(TOP, "data", "lists", "textcat", "model.tsv")
ALPHA = 0.1     # smoothing (chosen by cross-validation, bench/filters/model_scores.py --cv)
MIN_DF = 2      # a word must be in at least this many training pages
MIN_DF_CAT = 2  # and a positive weight in at least this many pages of the category
PRUNE = 0.5     # drop weights with |weight| under this (natural log)
CLIP = 5.0      # and cap them at this size, so one word never decides alone
WORD_MAX = 48   # bytes of a folded word (longer words are skipped, like textmodel.c)
NORM_WORDS = 200  # FLT_TEXTMODEL_NORM_WORDS: a longer page's sum is scaled by this / words
# Prior (__bias__) of every category: None = log(N_c / N_rest), the share of the category's
# training pages, which moves whenever pages of OTHER categories are written (the fifth set of
# pools lowered the hate and shopping priors by 0.2-0.3 without a hate or shopping page
# changing); a number = the same prior for all, log(1/9): each of the 9 hidden categories
# equally likely a priori. Chosen by cross-validation (model_scores.py --cv, docs/FILTERS.md).
PRIOR = math.log(1 / 9)

# Function words say how a page is written, not what it is about: with a few hundred training
# pages they would pick up the style of one pool. Never features (written by hand, fr + en).
STOPWORDS = set("""
a an and are as at be been being but by can could did do does for from had has have he her
him his how i if in into is it its just me more most my no not of on or our she so some such
than that the their them then there these they this those to too us very was we were what
when where which while who why will with would you your yours also many much should may might
must shall one two here now only own same other any all each few both about after again
against before between during over under up down out off above below through until once
au aux avec ce ces cet cette dans de des du elle elles en est et eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se
ses son sont sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y a ete etre avoir
fait faire plus moins tres tout tous toute toutes aussi comme si sans sous chez entre depuis
donc or ni car quand ou dont leur cela ceci ca sont etait etaient ont avait peut peuvent
""".split())

# Pairs checked here (--selftest) and in tests/unit/test_textmodel.c: raw word -> folded.
FOLD_PAIRS = [("École", "ecole"), ("ÉLÈVES", "eleves"), ("Œuvre", "oeuvre"), ("straße", "strasse"),
              ("Ça", "ca"), ("naïve", "naive"), ("où", "ou"), ("Æther", "aether"),
              ("CASINO", "casino"), ("Noël", "noel"), ("Ｃａｓｉｎｏ", "casino")]


def is_word_cp(ch):
    """common/text.c text_is_word_cp."""
    cp = ord(ch)
    if cp < 0x80:
        return ch.isascii() and ch.isalnum()
    if cp in (0xAA, 0xB5, 0xBA):
        return True
    if cp < 0xC0 or cp in (0xD7, 0xF7):
        return False
    if 0x02C2 <= cp <= 0x02FF:
        return False
    if cp in (0x037E, 0x0387, 0x0589, 0x05BE, 0x05C0, 0x05C3, 0x05F3, 0x05F4, 0x060C, 0x061B,
              0x061F, 0x06D4, 0x0964, 0x0965, 0x0E4F, 0x0E5A, 0x0E5B):
        return False
    for lo, hi in ((0x055A, 0x055F), (0x066A, 0x066D), (0x2000, 0x2BFF), (0x2E00, 0x2E7F),
                   (0x3000, 0x303F), (0xD800, 0xF8FF), (0xFE10, 0xFE1F), (0xFE30, 0xFE6F),
                   (0xFFF0, 0xFFFF), (0x1F000, 0x1FAFF)):
        if lo <= cp <= hi:
            return False
    if 0xFF00 <= cp <= 0xFF65:
        return 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A
    return cp < 0xE0000


SPECIAL = {"ß": "ss", "ẞ": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ς": "σ"}


def fold_word(w):
    """Lowercase and strip diacritics, like common/text.h text_fold (for the letters that
    matter here: Latin with accents, ligatures, fullwidth)."""
    out = []
    for ch in w:
        if ch in SPECIAL:
            out.append(SPECIAL[ch])
            continue
        for d in unicodedata.normalize("NFKD", ch.lower()):
            if unicodedata.category(d) in ("Mn", "Me"):
                continue
            out.append(SPECIAL.get(d, d))
    return "".join(out)


def words(text):
    """Folded words of a text, in order."""
    cur = []
    for ch in text:
        if is_word_cp(ch):
            cur.append(ch)
        elif cur:
            yield fold_word("".join(cur))
            cur = []
    if cur:
        yield fold_word("".join(cur))


class Extract(html.parser.HTMLParser):
    """Title, canonical URL and body text, skipping what indexer/extract.c skips."""
    SKIP = {"script", "style", "nav", "aside", "header", "footer", "noscript", "select", "head",
            "template", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.text, self.url = [], [], ""
        self.skip, self.in_title = 0, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "").lower() == "canonical":
            self.url = a.get("href") or ""
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.text.append(data)


def page_features(path):
    p = Extract()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    text = " ".join(p.title) + "\n" + p.url + "\n" + " ".join(p.text)
    ws = list(words(text))
    return {w for w in ws if len(w.encode()) <= WORD_MAX}, len(ws)


def load(folder):
    """[(label, features)] of every page under folder/<label>/."""
    out = []
    for label in sorted(os.listdir(folder)):
        d = os.path.join(folder, label)
        for name in sorted(os.listdir(d)):
            if name.endswith(".html"):
                feats, _ = page_features(os.path.join(d, name))
                out.append((label, feats))
    return out


def train(pages):
    cats = sorted({l for l, _ in pages if not l.startswith("safe-")})
    df = {}  # word -> {label: pages}
    for label, feats in pages:
        for w in feats:
            d = df.setdefault(w, {})
            d[label] = d.get(label, 0) + 1
    n_label = {}
    for label, _ in pages:
        n_label[label] = n_label.get(label, 0) + 1
    total = len(pages)
    model = {}  # cat -> (bias, {word: weight})
    for c in cats:
        n_c, n_r = n_label[c], total - n_label[c]
        weights = {}
        for w, d in df.items():
            if sum(d.values()) < MIN_DF:
                continue
            if w in STOPWORDS:
                continue
            k_c = d.get(c, 0)
            k_r = sum(d.values()) - k_c
            wt = math.log((k_c + ALPHA) / (n_c + 2 * ALPHA)) - math.log((k_r + ALPHA) / (n_r + 2 * ALPHA))
            if wt > 0 and k_c < MIN_DF_CAT:
                continue
            if abs(wt) >= PRUNE:
                weights[w] = max(-CLIP, min(CLIP, wt))
        model[c] = (math.log(n_c / n_r) if PRIOR is None else PRIOR, weights)
    return model


def score(model, feats, nwords):
    """Log-odds per category, as flt_textmodel_score computes them."""
    scale = NORM_WORDS / nwords if nwords > NORM_WORDS else 1.0
    return {c: b + scale * sum(ws.get(w, 0.0) for w in feats) for c, (b, ws) in model.items()}


def write(model, path, ntrain, date):
    lines = ["# Chouette text model (filters/textmodel.c): feature TAB category TAB weight",
             "# Made by: python3 bench/filters/train_textcat.py",
             "# Training set: tests/fixtures/labelled/tune (%d pages), last commit %s" % (ntrain, date),
             "# Naive Bayes log-odds of each category against the rest over the set of folded",
             "# words of a page; feature \"__bias__\" is the prior. alpha=%g min_df=%d min_df_cat=%d"
             " prune=%g clip=%g stopwords=%d prior=%s" % (ALPHA, MIN_DF, MIN_DF_CAT, PRUNE, CLIP,
                                                          len(STOPWORDS),
                                                          "share" if PRIOR is None else "%.3f" % PRIOR),
             "# Derived from Chouette's own labelled pages: GPL-2.0-or-later (see SOURCE.md)."]
    rows = []
    for c, (b, ws) in sorted(model.items()):
        rows.append(("__bias__", c, b))
        rows.extend((w, c, wt) for w, wt in ws.items())
    rows.sort(key=lambda r: (r[0], r[1]))
    for w, c, wt in rows:
        lines.append("%s\t%s\t%.3f" % (w, c, wt))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return len(rows)


def selftest():
    bad = 0
    for raw, want in FOLD_PAIRS:
        got = list(words(raw))
        if got != [want]:
            print("fold %r: got %r, want %r" % (raw, got, want))
            bad += 1
    got = list(words("L'école, c'est géniale!"))
    if got != ["l", "ecole", "c", "est", "geniale"]:
        print("words: got %r" % got)
        bad += 1
    print("selftest:", "ok" if not bad else "%d failure(s)" % bad)
    return bad == 0


def main():
    args = sys.argv[1:]
    out = OUT
    if "--out" in args:
        out = args[args.index("--out") + 1]
    if "--selftest" in args:
        sys.exit(0 if selftest() else 1)
    pages = load(TUNE)
    try:  # the date of the training pages' last commit: the same output on every run
        date = subprocess.run(["git", "-C", TOP, "log", "-1", "--format=%cs", "--", TUNE],
                              capture_output=True, text=True, check=True).stdout.strip() or "?"
    except (OSError, subprocess.CalledProcessError):
        date = "?"
    model = train(pages)
    n = write(model, out, len(pages), date)
    print("%s: %d lines, %d bytes" % (out, n, os.path.getsize(out)))
    if "--eval" in args:
        # Scores x 10 like the verdict's model_score (tune and heldout only, never independent).
        for name in ("tune", "heldout"):
            folder = os.path.join(TOP, "tests", "fixtures", "labelled", name)
            set_ = [(label, page_features(os.path.join(folder, label, n)))
                    for label in sorted(os.listdir(folder))
                    for n in sorted(os.listdir(os.path.join(folder, label))) if n.endswith(".html")]
            for label in sorted({l for l, _ in set_}):
                sc = [10 * max(score(model, *fw).values()) for l, fw in set_ if l == label]
                sc.sort()
                print("%-8s %-13s min %7.2f med %7.2f max %7.2f" % (name, label, sc[0], sc[len(sc) // 2], sc[-1]))


if __name__ == "__main__":
    main()
