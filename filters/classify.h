/* Page verdict: which categories a page belongs to and in which modes it is hidden, from
 *   (a) the UT1 lists (domains, url prefixes, expressions) matched on its URL,
 *   (b) the weighted phrase classifier (filters/phrases.h) over its title, URL words and text,
 *       compared with the phrase threshold of each mode (filters/policy.h),
 *   (c) a <meta name=rating> that says "adult", "mature" or carries the RTA label,
 *   (d) the local allow-list (never categorised) and block-list (hidden in every mode),
 *   (e) the statistical text model (filters/textmodel.h, lists_dir/textcat/model.tsv; no file
 *       = signal off) over the same title, URL words and text: a category whose model score
 *       (log-odds x FLT_TEXTMODEL_SCALE) reaches a mode's model_threshold (> 0) gets the same
 *       "<cat>~<mode>" term as a phrase hit.
 *
 * Category terms (what the indexer stores as XC<term>, see docs/FILTERS.md):
 *   "<cat>"         a list, meta-rating or block-list hit: hidden in EVERY mode that hides <cat>;
 *   "<cat>~<mode>"  the phrase score of <cat> reached <mode>'s phrase_threshold (> 0): hidden in
 *                   that mode only, when it hides <cat>. A page scoring 80 in adult gets
 *                   "adult~junior" (junior threshold 60) but not "adult~school" (100);
 *                   one scoring 150 gets both; neither is hidden in web (threshold 0 = off).
 *                   A text model score reaching the mode's model_threshold (> 0) gives the
 *                   same term.
 *   "allowlist"     the local allow-list matched: the only term, hidden nowhere.
 * A search in mode m excludes XC<c> and XC<c>~<m> for every category c that m hides:
 * flt_hidden_terms() lists them. The thresholds are read at index time (re-index after
 * changing them); which categories a mode hides is read at search time.
 *
 * A loaded flt_classifier is read-only: any number of threads may call flt_classify_page() at
 * once, each with its own flt_verdict (which holds that thread's scratch memory). */
#ifndef CHOUETTE_FILTERS_CLASSIFY_H
#define CHOUETTE_FILTERS_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"
#include "filters/catlists.h"
#include "filters/phrases.h"
#include "filters/policy.h"
#include "filters/textmodel.h"

/* Named limits. */
#define FLT_TERM_MAX 48                           /* bytes of one category term, NUL included */
#define FLT_TERMS_MAX (64 * (FLT_MODE_COUNT + 1)) /* terms of one verdict */
#define FLT_REASONS_MAX 24                        /* reasons kept per verdict */
#define FLT_REASON_DETAIL_MAX 256                 /* bytes of a reason's detail, NUL included */
#define FLT_CLASSIFY_TEXT_MAX (2u * 1024 * 1024)  /* bytes of body text scored (the rest is not) */
#define FLT_CLASSIFY_FIELD_MAX 8192               /* bytes of title and of URL scored */
#define FLT_TEXTMODEL_FILE "textcat/model.tsv"    /* the text model, under lists_dir */
#define FLT_TEXTMODEL_SCALE 10.0                  /* model score = log-odds x this, rounded */

typedef struct flt_classifier flt_classifier;

/* One category term, NUL-terminated ("adult", "adult~junior"). */
typedef struct {
    char s[FLT_TERM_MAX];
} flt_term;

/* Why a category was given. category and source are static strings; source is one of
 * "ut1:domains", "ut1:urls", "ut1:expressions", "phrases", "model", "meta-rating",
 * "blocklist", "allowlist". detail is the list entry, the phrase rule, the meta content, or for
 * "model" the words that added most to the score (space-separated). weight is the phrase
 * weight (the category's total score for a "phrases" summary reason is not given: each rule is
 * its own reason), the model score for "model", 0 for the other sources. */
typedef struct {
    const char *category;
    const char *source;
    char detail[FLT_REASON_DETAIL_MAX];
    int weight;
} flt_reason;

/* The verdict on one page. Initialise once with flt_verdict_init(), reuse for many pages,
 * release with flt_verdict_free(). Every field is overwritten by flt_classify_page(). */
typedef struct {
    uint64_t list_mask;                   /* categories with a plain "<cat>" term */
    uint64_t phrase_mask[FLT_MODE_COUNT]; /* categories with a "<cat>~<mode>" term (phrases or
                                             text model) */
    bool hidden[FLT_MODE_COUNT];          /* hidden in each mode by the loaded policy */
    long score[FLT_CAT_COUNT];            /* phrase score of each category */
    long model_score[FLT_CAT_COUNT];      /* text model score of each category (0: no model) */
    flt_term terms[FLT_TERMS_MAX];        /* the category terms, see above */
    size_t nterms;
    flt_reason reasons[FLT_REASONS_MAX];
    size_t nreasons;
    flt_phrase_scores scores;          /* private scratch */
    flt_textmodel_scores model_scores; /* private scratch */
    buf_t text;                        /* private scratch */
} flt_verdict;

/* Where a classifier finds its data. lists_dir holds ut1/ (UT1 category folders), phrases/
 * (weighted phrase lists) and textcat/model.tsv (the text model, optional); policy_file is
 * policies.ini; policy_override may be NULL. The policy's allowlist/blocklist files are read too.
 */
typedef struct {
    const char *lists_dir;
    const char *policy_file;
    const char *policy_override;
} flt_classifier_paths;

/* Load lists, phrases and policy once. On success *out is owned by the caller
 * (flt_classifier_free); on failure *out is NULL and err (errlen bytes, may be NULL) says what
 * failed. Errors: CH_ERR_ARG, CH_ERR_IO / CH_ERR_NOTFOUND (a folder or file cannot be read),
 * CH_ERR_PARSE (policy), CH_ERR_NOMEM, CH_ERR_LIMIT. */
ch_status flt_classifier_load(const flt_classifier_paths *paths, flt_classifier **out, char *err,
                              size_t errlen);

/* A classifier from parts already built (tests): takes ownership of lists (may be NULL),
 * phrases (compiled, may be NULL) and policy (required), even on failure. */
ch_status flt_classifier_from_parts(flt_lists *lists, flt_phrases *phrases, flt_policy *policy,
                                    flt_classifier **out);

/* Give c the text model m (may be NULL: signal off); c owns it, even when c is NULL. */
void flt_classifier_set_textmodel(flt_classifier *c, flt_textmodel *m);

/* Whether c has a text model. */
bool flt_classifier_has_textmodel(const flt_classifier *c);

void flt_classifier_free(flt_classifier *c);

/* The policy inside (valid while c lives). */
const flt_policy *flt_classifier_policy(const flt_classifier *c);

void flt_verdict_init(flt_verdict *v);
void flt_verdict_free(flt_verdict *v);

/* Classify one page. url (required, "https://host/path" or a bare host); title, text and
 * rating_meta may be NULL. Text beyond FLT_CLASSIFY_TEXT_MAX bytes and title or URL beyond
 * FLT_CLASSIFY_FIELD_MAX are not scored. On failure (CH_ERR_ARG, CH_ERR_NOMEM) the verdict is
 * emptied (no term, hidden nowhere) and the caller must not index the page as safe. */
ch_status flt_classify_page(const flt_classifier *c, const char *url, const char *title,
                            const char *text, const char *rating_meta, flt_verdict *v);

/* Write the term of category bit cat for mode (-1: the plain "<cat>" term) into t.
 * CH_ERR_ARG for an unnamed category or bad mode. */
ch_status flt_category_term(int cat, int mode, flt_term *t);

/* The terms a search in mode must exclude, given the mode's hidden category mask (from
 * flt_policy_hidden_mask or flt_policy_hidden_mask_safe_off): "<c>" and "<c>~<mode>" for
 * every hidden c (only "<c>" for blocklist). Writes at most cap terms to out and the count to
 * *n; CH_ERR_LIMIT when cap is too small (2 * 64 always suffices), CH_ERR_ARG on a bad mode. */
ch_status flt_hidden_terms(uint64_t hidden_mask, int mode, flt_term *out, size_t cap, size_t *n);

/* Whether a verdict's rating meta content names an adult page ("adult", "mature",
 * "RTA-5042-1996-1400-1577-RTA", case-insensitive). */
bool flt_rating_is_adult(const char *rating_meta);

#endif
