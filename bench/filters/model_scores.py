#!/usr/bin/env python3
"""Text model scores (x 10, like the verdict's model_score) of the labelled pages, to choose
model_threshold in data/policies.ini on tune + heldout ONLY (never the independent set).

    python3 bench/filters/model_scores.py [--cv [--set alpha=A,min_df=N,prune=P,clip=C]]
                                          [SCHOOL_THRESHOLD JUNIOR_THRESHOLD]

Prints, per half: the lowest own-category score of the hidden pages of each label, the highest
score of the safe pages in a school category and in a junior category, and with thresholds
given, how many pages the model alone catches or hides at them.

--cv: the same counts out of sample, closer to what unseen pages will score: the tune+heldout
pages are grouped by label, language and pool family (<lang>-NN, -wNN, -xNN, -yNN, -zNN: the pages of
one group share sentences), the groups split into 5 folds; each fold is scored by a model
trained (train_textcat.train, same settings) on the TUNE pages of the other folds only. A page
is thus never scored by a model that saw its sentences. Also prints what the model alone
catches at the score of the 5th (school) and 17th (junior) highest safe page, a comparison
of settings that does not depend on their score scale; --set trains with other settings
than train_textcat.py's. Used to choose the trainer's settings and data/policies.ini's
model_threshold (docs/FILTERS.md, "Text model").
"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_textcat  # noqa: E402
from train_textcat import TOP, page_features  # noqa: E402

SCHOOL = {"adult", "violence", "gambling", "drugs", "hate", "weapons", "dating"}
JUNIOR = SCHOOL | {"shopping", "chat"}


def load_model(path):
    model = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        w, c, wt = line.rstrip("\n").split("\t")
        b, ws = model.setdefault(c, [0.0, {}])
        if w == "__bias__":
            model[c][0] = float(wt)
        else:
            ws[w] = float(wt)
    return model


def scores(model, feats, nwords):
    scale = 200 / nwords if nwords > 200 else 1.0
    return {c: 10 * (b + scale * sum(ws.get(w, 0.0) for w in feats)) for c, (b, ws) in model.items()}


def cross_validate(th, folds=5):
    pages = []
    for half in ("tune", "heldout"):
        folder = os.path.join(TOP, "tests", "fixtures", "labelled", half)
        for label in sorted(os.listdir(folder)):
            for name in sorted(os.listdir(os.path.join(folder, label))):
                m = re.match(r"(fr|en)-([wxyz]?)\d+\.html$", name)
                group = (label, m.group(1), m.group(2) or "-") if m else (label, name)
                pages.append((half, label, group, page_features(os.path.join(folder, label, name))))
    groups = sorted({p[2] for p in pages})
    random.Random(1).shuffle(groups)
    fold = {g: i % folds for i, g in enumerate(groups)}
    out = []  # (label, {cat: score x 10})
    for k in range(folds):
        model = train_textcat.train([(p[1], p[3][0]) for p in pages if p[0] == "tune" and fold[p[2]] != k])
        for p in pages:
            if fold[p[2]] == k:
                out.append((p[1], {c: 10 * v for c, v in train_textcat.score(model, *p[3]).items()}))
    safe = [sc for label, sc in out if label.startswith("safe-")]
    safe_s = sorted((max(sc[c] for c in SCHOOL) for sc in safe), reverse=True)
    safe_j = sorted((max(sc[c] for c in JUNIOR) for sc in safe), reverse=True)
    print("== cross-validation (%d folds, %d groups, %d pages, out of sample)" % (folds, len(groups), len(out)))
    print("  safe pages, highest school-category scores: %s" % " ".join("%.0f" % x for x in safe_s[:8]))
    print("  safe pages, highest junior-category scores: %s" % " ".join("%.0f" % x for x in safe_j[:20]))
    q_s, q_j = safe_s[min(4, len(safe_s) - 1)], safe_j[min(16, len(safe_j) - 1)]
    print("  above the 5th highest safe score (%.0f) school catches %d/%d; above the 17th (%.0f) "
          "junior catches %d/%d" % (
              q_s, sum(sc[label] > q_s for label, sc in out if label in SCHOOL),
              sum(1 for label, sc in out if label in SCHOOL), q_j,
              sum(sc[label] > q_j for label, sc in out if label in JUNIOR),
              sum(1 for label, sc in out if label in JUNIOR)))
    if th:
        cs = sum(sc[label] >= th[0] for label, sc in out if label in SCHOOL)
        ns = sum(1 for label, sc in out if label in SCHOOL)
        cj = sum(sc[label] >= th[1] for label, sc in out if label in JUNIOR)
        nj = sum(1 for label, sc in out if label in JUNIOR)
        print("  at school %g / junior %g, the model alone: school catches %d/%d, hides %d/%d safe; "
              "junior catches %d/%d, hides %d/%d safe" % (
                  th[0], th[1], cs, ns, sum(x >= th[0] for x in safe_s), len(safe), cj, nj,
                  sum(x >= th[1] for x in safe_j), len(safe)))


def main():
    if "--cv" in sys.argv:
        args = [a for a in sys.argv[1:] if a != "--cv"]
        if "--set" in args:
            i = args.index("--set")
            for kv in args[i + 1].split(","):
                k, v = kv.split("=")
                setattr(train_textcat, {"alpha": "ALPHA", "min_df": "MIN_DF", "prune": "PRUNE",
                                        "clip": "CLIP"}[k], float(v) if k != "min_df" else int(v))
            del args[i:i + 2]
        cross_validate([float(a) for a in args[:2]] if len(args) >= 2 else None)
        return
    model = load_model(os.path.join(TOP, "data", "lists", "textcat", "model.tsv"))
    th = [float(a) for a in sys.argv[1:3]] if len(sys.argv) >= 3 else None
    for half in ("tune", "heldout"):
        folder = os.path.join(TOP, "tests", "fixtures", "labelled", half)
        own, safe_s, safe_j = {}, [], []
        caught = {"school": [0, 0], "junior": [0, 0]}
        hid = {"school": 0, "junior": 0}
        for label in sorted(os.listdir(folder)):
            for name in sorted(os.listdir(os.path.join(folder, label))):
                sc = scores(model, *page_features(os.path.join(folder, label, name)))
                if label.startswith("safe-"):
                    s = max(sc[c] for c in SCHOOL)
                    j = max(sc[c] for c in JUNIOR)
                    safe_s.append((s, label, name))
                    safe_j.append((j, label, name))
                    if th:
                        hid["school"] += s >= th[0]
                        hid["junior"] += j >= th[1]
                else:
                    own.setdefault(label, []).append((sc[label], name))
                    if th:
                        for k, mode, cats in ((0, "school", SCHOOL), (1, "junior", JUNIOR)):
                            if label in cats:
                                caught[mode][1] += 1
                                caught[mode][0] += sc[label] >= th[k]
        print("== %s" % half)
        for label, v in sorted(own.items()):
            v.sort()
            print("  %-9s own-category score: min %6.0f (%s), 5th lowest %6.0f" % (
                label, v[0][0], v[0][1], v[min(4, len(v) - 1)][0]))
        safe_s.sort(reverse=True)
        safe_j.sort(reverse=True)
        print("  safe pages, highest school-category score: %s" % ", ".join(
            "%.0f %s/%s" % x for x in safe_s[:5]))
        print("  safe pages, highest junior-category score: %s" % ", ".join(
            "%.0f %s/%s" % x for x in safe_j[:5]))
        if th:
            print("  at school %g / junior %g, the model alone: school catches %d/%d, hides %d/%d "
                  "safe; junior catches %d/%d, hides %d/%d safe" % (
                      th[0], th[1], caught["school"][0], caught["school"][1], hid["school"],
                      len(safe_s), caught["junior"][0], caught["junior"][1], hid["junior"],
                      len(safe_j)))


if __name__ == "__main__":
    main()
