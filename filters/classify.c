/* Page verdict: lists + phrases + meta rating + local lists, per-mode category terms.
 * See classify.h for the term scheme and docs/FILTERS.md for the reasoning. */
#include "filters/classify.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct flt_classifier {
    flt_lists *lists;     /* may be NULL: no list categories */
    flt_phrases *phrases; /* compiled; may be NULL: no phrase categories */
    flt_textmodel *model; /* may be NULL: the text model signal is off */
    flt_policy *policy;
};

ch_status flt_classifier_from_parts(flt_lists *lists, flt_phrases *phrases, flt_policy *policy,
                                    flt_classifier **out)
{
    ch_status st = CH_OK;
    if (out)
        *out = NULL;
    if (!out || !policy) {
        st = CH_ERR_ARG;
        goto fail;
    }
    flt_classifier *c = calloc(1, sizeof *c);
    if (!c) {
        st = CH_ERR_NOMEM;
        goto fail;
    }
    c->lists = lists;
    c->phrases = phrases;
    c->policy = policy;
    *out = c;
    return CH_OK;
fail:
    flt_lists_free(lists);
    flt_phrases_free(phrases);
    flt_policy_free(policy);
    return st;
}

ch_status flt_classifier_load(const flt_classifier_paths *paths, flt_classifier **out, char *err,
                              size_t errlen)
{
    ch_status st = CH_OK;
    flt_lists *lists = NULL;
    flt_phrases *phrases = NULL;
    flt_policy *policy = NULL;
    flt_textmodel *model = NULL;
    char path[4096];

    ch_set_err(err, errlen, "%s", "");
    if (out)
        *out = NULL;
    if (!out || !paths || !paths->lists_dir || !paths->policy_file) {
        ch_set_err(err, errlen, "classifier: missing lists folder or policy file");
        return CH_ERR_ARG;
    }
    if ((st = flt_policy_load(paths->policy_file, paths->policy_override, &policy, err, errlen)))
        goto out;

    if (snprintf(path, sizeof path, "%s/ut1", paths->lists_dir) >= (int)sizeof path) {
        st = CH_ERR_LIMIT;
        ch_set_err(err, errlen, "lists folder path too long");
        goto out;
    }
    flt_lists_local local = {.allow_file = flt_policy_allowlist_path(policy),
                             .block_file = flt_policy_blocklist_path(policy)};
    if ((st = flt_lists_load_with(path, &local, &lists, NULL))) {
        ch_set_err(err, errlen, "cannot load the category lists %s (or the local lists): %s", path,
                   ch_status_str(st));
        goto out;
    }

    if (snprintf(path, sizeof path, "%s/phrases", paths->lists_dir) >= (int)sizeof path) {
        st = CH_ERR_LIMIT;
        ch_set_err(err, errlen, "lists folder path too long");
        goto out;
    }
    if ((st = flt_phrases_new(&phrases)) || (st = flt_phrases_load_dir(phrases, path)) ||
        (st = flt_phrases_compile(phrases))) {
        ch_set_err(err, errlen, "cannot load the phrase lists %s: %s", path, ch_status_str(st));
        goto out;
    }
    /* The text model is optional: no file, no signal. A broken one is an error. */
    if (snprintf(path, sizeof path, "%s/" FLT_TEXTMODEL_FILE, paths->lists_dir) >=
        (int)sizeof path) {
        st = CH_ERR_LIMIT;
        ch_set_err(err, errlen, "lists folder path too long");
        goto out;
    }
    st = flt_textmodel_load(path, &model, err, errlen);
    if (st == CH_ERR_NOTFOUND) {
        ch_set_err(err, errlen, "%s", ""); /* st is set again below */
    } else if (st) {
        goto out;
    }
    st = flt_classifier_from_parts(lists, phrases, policy, out);
    lists = NULL;
    phrases = NULL;
    policy = NULL;
    if (st) {
        ch_set_err(err, errlen, "classifier: %s", ch_status_str(st));
        goto out;
    }
    flt_classifier_set_textmodel(*out, model);
    model = NULL;
out:
    flt_lists_free(lists);
    flt_phrases_free(phrases);
    flt_policy_free(policy);
    flt_textmodel_free(model);
    return st;
}

void flt_classifier_set_textmodel(flt_classifier *c, flt_textmodel *model)
{
    if (!c) {
        flt_textmodel_free(model);
        return;
    }
    flt_textmodel_free(c->model);
    c->model = model;
}

bool flt_classifier_has_textmodel(const flt_classifier *c)
{
    return c && c->model;
}

void flt_classifier_free(flt_classifier *c)
{
    if (!c)
        return;
    flt_lists_free(c->lists);
    flt_phrases_free(c->phrases);
    flt_textmodel_free(c->model);
    flt_policy_free(c->policy);
    free(c);
}

const flt_policy *flt_classifier_policy(const flt_classifier *c)
{
    return c ? c->policy : NULL;
}

void flt_verdict_init(flt_verdict *v)
{
    memset(v, 0, sizeof *v);
    flt_phrase_scores_init(&v->scores);
    flt_textmodel_scores_init(&v->model_scores);
    buf_init(&v->text, FLT_CLASSIFY_TEXT_MAX + 2 * FLT_CLASSIFY_FIELD_MAX + 16);
}

void flt_verdict_free(flt_verdict *v)
{
    if (!v)
        return;
    flt_phrase_scores_free(&v->scores);
    flt_textmodel_scores_free(&v->model_scores);
    buf_free(&v->text);
}

/* Forget the previous page's result, keeping the scratch memory. */
static void verdict_clear(flt_verdict *v)
{
    v->list_mask = 0;
    memset(v->phrase_mask, 0, sizeof v->phrase_mask);
    memset(v->hidden, 0, sizeof v->hidden);
    memset(v->score, 0, sizeof v->score);
    memset(v->model_score, 0, sizeof v->model_score);
    v->nterms = 0;
    v->nreasons = 0;
    buf_reset(&v->text);
}

ch_status flt_category_term(int cat, int mode, flt_term *t)
{
    const char *name = cat >= 0 && cat < 64 ? flt_category_name(cat) : NULL;
    if (!t)
        return CH_ERR_ARG;
    t->s[0] = '\0';
    if (!name)
        return CH_ERR_ARG;
    int n;
    if (mode < 0) {
        n = snprintf(t->s, sizeof t->s, "%s", name);
    } else {
        const char *mname = flt_mode_name(mode);
        if (!mname)
            return CH_ERR_ARG;
        n = snprintf(t->s, sizeof t->s, "%s~%s", name, mname);
    }
    if (n < 0 || (size_t)n >= sizeof t->s) {
        t->s[0] = '\0';
        return CH_ERR_LIMIT;
    }
    return CH_OK;
}

ch_status flt_hidden_terms(uint64_t hidden_mask, int mode, flt_term *out, size_t cap, size_t *n)
{
    if (!n)
        return CH_ERR_ARG;
    *n = 0;
    if (!flt_mode_name(mode) || (cap && !out))
        return CH_ERR_ARG;
    for (int b = 0; b < 64; b++) {
        if (!((hidden_mask >> b) & 1) || !flt_category_name(b))
            continue;
        for (int k = 0; k < 2; k++) {
            if (k == 1 && b >= FLT_CAT_COUNT)
                break; /* blocklist / allowlist have no phrase form */
            if (*n >= cap)
                return CH_ERR_LIMIT;
            ch_status st = flt_category_term(b, k == 0 ? -1 : mode, &out[*n]);
            if (st)
                return st;
            (*n)++;
        }
    }
    return CH_OK;
}

bool flt_rating_is_adult(const char *r)
{
    if (!r || !*r)
        return false;
    return strcasestr(r, "adult") || strcasestr(r, "mature") ||
           strcasestr(r, "RTA-5042-1996-1400-1577-RTA");
}

static void add_reason(flt_verdict *v, int cat, const char *source, const char *detail, int weight)
{
    if (v->nreasons >= FLT_REASONS_MAX)
        return;
    flt_reason *r = &v->reasons[v->nreasons++];
    const char *name = flt_category_name(cat);
    r->category = name ? name : "?";
    r->source = source;
    snprintf(r->detail, sizeof r->detail, "%s", detail ? detail : "");
    r->weight = weight;
}

static const char *match_source(flt_match_kind k)
{
    switch (k) {
    case FLT_MATCH_DOMAIN:
        return "ut1:domains";
    case FLT_MATCH_URL:
        return "ut1:urls";
    case FLT_MATCH_EXPRESSION:
        return "ut1:expressions";
    case FLT_MATCH_ALLOWLIST:
        return "allowlist";
    case FLT_MATCH_BLOCKLIST:
        return "blocklist";
    default:
        return "ut1";
    }
}

static ch_status add_term(flt_verdict *v, int cat, int mode)
{
    if (v->nterms >= FLT_TERMS_MAX)
        return CH_ERR_LIMIT;
    ch_status st = flt_category_term(cat, mode, &v->terms[v->nterms]);
    if (st == CH_OK)
        v->nterms++;
    return st == CH_ERR_ARG ? CH_OK : st; /* an unnamed bit has no term */
}

/* Append at most max bytes of s, cut back to a UTF-8 boundary. */
static ch_status append_capped(buf_t *b, const char *s, size_t max)
{
    if (!s)
        return CH_OK;
    size_t n = strnlen(s, max + 1);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return buf_append(b, s, n);
}

ch_status flt_classify_page(const flt_classifier *c, const char *url, const char *title,
                            const char *text, const char *rating_meta, flt_verdict *v)
{
    ch_status st = CH_OK;
    if (!v)
        return CH_ERR_ARG;
    verdict_clear(v);
    if (!c || !url) {
        st = CH_ERR_ARG;
        goto out;
    }

    /* (a) and (d): lists on the URL. */
    if (c->lists) {
        flt_match_reason why;
        uint64_t m = flt_lists_match_url(c->lists, url, &why);
        if (m & FLT_BIT_ALLOWLIST) {
            v->list_mask = FLT_BIT_ALLOWLIST;
            add_reason(v, FLT_CAT_ALLOWLIST, "allowlist", why.entry, 0);
            if ((st = add_term(v, FLT_CAT_ALLOWLIST, -1)))
                goto out;
            goto decide; /* never categorised */
        }
        v->list_mask = m;
        for (int b = 0; b < 64; b++) {
            if (!((m >> b) & 1))
                continue;
            const char *src = b == FLT_CAT_BLOCKLIST ? "blocklist" : match_source(why.kind);
            add_reason(v, b, src, why.entry, 0);
        }
    }

    /* (c): meta rating. */
    if (flt_rating_is_adult(rating_meta)) {
        if (!(v->list_mask & FLT_BIT(FLT_CAT_ADULT)))
            add_reason(v, FLT_CAT_ADULT, "meta-rating", rating_meta, 0);
        v->list_mask |= FLT_BIT(FLT_CAT_ADULT);
    }

    /* (b) and (e): phrases and text model over title, URL and text, each its own sentence. */
    if (c->phrases || c->model) {
        if ((st = append_capped(&v->text, title, FLT_CLASSIFY_FIELD_MAX)) ||
            (st = buf_append_str(&v->text, "\n")) ||
            (st = append_capped(&v->text, url, FLT_CLASSIFY_FIELD_MAX)) ||
            (st = buf_append_str(&v->text, "\n")) ||
            (st = append_capped(&v->text, text, FLT_CLASSIFY_TEXT_MAX)))
            goto out;
    }
    if (c->phrases) {
        if ((st = flt_phrases_score(c->phrases, v->text.data ? v->text.data : "", v->text.len,
                                    &v->scores)))
            goto out;
        memcpy(v->score, v->scores.score, sizeof v->score);
        uint64_t any = 0;
        for (int m = 0; m < FLT_MODE_COUNT; m++) {
            int t = flt_policy_phrase_threshold(c->policy, m);
            if (t <= 0)
                continue;
            for (int b = 0; b < FLT_CAT_COUNT; b++)
                if (v->score[b] >= t)
                    v->phrase_mask[m] |= FLT_BIT(b);
            any |= v->phrase_mask[m];
        }
        for (size_t i = 0; i < v->scores.nhits; i++) {
            const flt_phrase_hit *h = &v->scores.hits[i];
            if (h->category >= 0 && ((any >> h->category) & 1))
                add_reason(v, h->category, "phrases", h->phrase, h->weight);
        }
    }

    /* (e): the text model, per mode against model_threshold (> 0). */
    if (c->model) {
        if ((st = flt_textmodel_score(c->model, v->text.data ? v->text.data : "", v->text.len,
                                      &v->model_scores)))
            goto out;
        for (int b = 0; b < FLT_CAT_COUNT; b++)
            if ((v->model_scores.mask >> b) & 1)
                v->model_score[b] = lround(v->model_scores.score[b] * FLT_TEXTMODEL_SCALE);
        uint64_t any = 0, model_mask[FLT_MODE_COUNT] = {0};
        for (int m = 0; m < FLT_MODE_COUNT; m++) {
            int t = flt_policy_model_threshold(c->policy, m);
            if (t <= 0)
                continue;
            for (int b = 0; b < FLT_CAT_COUNT; b++)
                if (((v->model_scores.mask >> b) & 1) && v->model_score[b] >= t)
                    model_mask[m] |= FLT_BIT(b);
            any |= model_mask[m];
            v->phrase_mask[m] |= model_mask[m];
        }
        for (int b = 0; b < FLT_CAT_COUNT; b++) {
            if (!((any >> b) & 1))
                continue;
            char detail[FLT_REASON_DETAIL_MAX];
            size_t n = 0;
            detail[0] = '\0';
            for (size_t k = 0; k < v->model_scores.ntop[b]; k++) {
                const char *w = flt_textmodel_feature(c->model, v->model_scores.top[b][k]);
                int r = snprintf(detail + n, sizeof detail - n, "%s%s", k ? " " : "", w ? w : "");
                if (r < 0 || (size_t)r >= sizeof detail - n)
                    break;
                n += (size_t)r;
            }
            add_reason(v, b, "model", detail,
                       v->model_score[b] > INT_MAX ? INT_MAX : (int)v->model_score[b]);
        }
    }

    /* Terms: plain ones first, then the per-mode phrase ones not already covered. */
    for (int b = 0; b < 64; b++)
        if (((v->list_mask >> b) & 1) && (st = add_term(v, b, -1)))
            goto out;
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        for (int b = 0; b < FLT_CAT_COUNT; b++)
            if (((v->phrase_mask[m] & ~v->list_mask) >> b) & 1 && (st = add_term(v, b, m)))
                goto out;

decide:
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        v->hidden[m] = flt_policy_hides(
            c->policy, m, v->list_mask | (v->phrase_mask[m] & ~FLT_BIT_ALLOWLIST), false);
out:
    if (st) {
        verdict_clear(v);
    }
    return st;
}
