/* Statistical text model: one more signal of the page classifier (filters/classify.h), that
 * generalises beyond the exact phrases of filters/phrases.h.
 *
 * The model (data/lists/textcat/model.tsv, made by bench/filters/train_textcat.py) is a Naive
 * Bayes over the SET of folded words of a page: per category, a bias ("__bias__") and a weight
 * per word (the log-ratio of the share of the category's training pages holding the word to the
 * share of the other pages holding it). A page's score in a category is the bias plus the sum
 * of the weights of its distinct words (unknown words count 0): the log-odds of the category
 * against the rest. On a page of more than FLT_TEXTMODEL_NORM_WORDS words the sum is scaled by
 * FLT_TEXTMODEL_NORM_WORDS / words: evidence per word counts, not the length (a 5000-word
 * manual would otherwise add up hundreds of weak words). Words are runs of text_is_word_cp()
 * characters, each folded with text_fold_cp_to() (lowercase, diacritics removed), exactly like the
 * trainer.
 *
 * File format, UTF-8, one entry a line: "feature TAB category TAB weight" (a category name of
 * filters/catlists.h, a decimal weight); '#' lines and empty lines are comments. A feature may
 * have a line per category, not two for the same one.
 *
 * A loaded model is read-only: any number of threads may score at once, each with its own
 * flt_textmodel_scores (which holds that thread's scratch memory). Scoring costs one hash
 * lookup per word of the text. */
#ifndef CHOUETTE_FILTERS_TEXTMODEL_H
#define CHOUETTE_FILTERS_TEXTMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "filters/catlists.h"

/* Named limits. */
#define FLT_TEXTMODEL_WORD_MAX 48          /* bytes of a folded word; longer words are skipped */
#define FLT_TEXTMODEL_LINE_MAX 256         /* bytes of one model line */
#define FLT_TEXTMODEL_FEATURES_MAX 1000000 /* distinct features of one model */
#define FLT_TEXTMODEL_WEIGHT_MAX 1000.0    /* |weight| accepted in a model file */
#define FLT_TEXTMODEL_TOP 4                /* top contributing words kept per category */
#define FLT_TEXTMODEL_NORM_WORDS 200       /* longer pages: sum scaled by this / words */

typedef struct flt_textmodel flt_textmodel;

/* The scores of one page. Initialise once with flt_textmodel_scores_init(), reuse, release
 * with flt_textmodel_scores_free(). */
typedef struct {
    uint64_t mask;               /* categories the model scores */
    double score[FLT_CAT_COUNT]; /* log-odds of each category in mask (0 for the others) */
    /* Per category, the features that added the most to its score (largest weights first),
     * as indexes for flt_textmodel_feature(); ntop[c] of them. */
    uint32_t top[FLT_CAT_COUNT][FLT_TEXTMODEL_TOP];
    uint8_t ntop[FLT_CAT_COUNT];
    size_t words; /* words of the text (all of them, known to the model or not) */
    /* private scratch: per feature, the page that last counted it */
    uint32_t *seen;
    size_t seen_cap;
    uint32_t page;
} flt_textmodel_scores;

/* Load a model file. On success *out is owned by the caller (flt_textmodel_free); on failure
 * *out is NULL and err (errlen bytes, may be NULL) names the file and line: CH_ERR_ARG,
 * CH_ERR_NOTFOUND (no such file), CH_ERR_IO (cannot read), CH_ERR_PARSE (a line without two
 * tabs, an unknown category, a bad weight, a feature given twice for one category), CH_ERR_LIMIT
 * (line or feature too long, too many features), CH_ERR_NOMEM. */
ch_status flt_textmodel_load(const char *path, flt_textmodel **out, char *err, size_t errlen);

/* The same from model text in memory (tests, fuzzing); len bytes at text. */
ch_status flt_textmodel_load_string(const char *text, size_t len, flt_textmodel **out, char *err,
                                    size_t errlen);

void flt_textmodel_free(flt_textmodel *m);

/* Number of distinct features (the bias excluded). */
size_t flt_textmodel_size(const flt_textmodel *m);

/* The folded word of feature index i (from flt_textmodel_scores.top), NULL when out of range. */
const char *flt_textmodel_feature(const flt_textmodel *m, uint32_t i);

void flt_textmodel_scores_init(flt_textmodel_scores *s);
void flt_textmodel_scores_free(flt_textmodel_scores *s);

/* Score the len bytes at text (any bytes: invalid UTF-8 splits words). Every field of s is
 * overwritten. CH_ERR_ARG on NULL arguments, CH_ERR_NOMEM when the scratch cannot grow (s is
 * then all zero). */
ch_status flt_textmodel_score(const flt_textmodel *m, const char *text, size_t len,
                              flt_textmodel_scores *s);

/* Fold one word (len bytes, a run of word characters) as the model does: into out (cap bytes,
 * NUL-terminated). Returns the folded length, or 0 when it does not fit in cap - 1 bytes or
 * folds to nothing. */
size_t flt_textmodel_fold_word(const char *word, size_t len, char *out, size_t cap);

#endif
