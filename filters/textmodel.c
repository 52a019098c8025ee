/* Statistical text model: load a feature/category/weight table, score a page's words in one
 * pass. See textmodel.h and docs/FILTERS.md ("Text model"). */
#include "filters/textmodel.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"

#define BIAS_FEATURE "__bias__"

typedef struct {
    uint32_t word;  /* offset of the NUL-terminated word in m->pool */
    uint32_t first; /* first entry in m->entries */
    uint32_t n;     /* entries (one per category) */
} feature;

typedef struct {
    uint8_t cat;
    float weight;
} entry;

struct flt_textmodel {
    char *pool; /* the words */
    size_t pool_len, pool_cap;
    feature *features;
    size_t nfeatures, features_cap;
    entry *entries;
    size_t nentries;
    uint32_t *slots; /* open addressing: feature index + 1, 0 = empty */
    size_t nslots;   /* power of two */
    double bias[FLT_CAT_COUNT];
    uint64_t mask;
};

/* A (feature, category, weight) line while loading; entries are grouped per feature after. */
typedef struct {
    uint32_t feature;
    uint8_t cat;
    float weight;
} raw_entry;

static bool ascii_word(unsigned char b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
}

static uint64_t hash_word(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* Index of the feature word[0..n), or -1. */
static long lookup(const flt_textmodel *m, const char *word, size_t n)
{
    if (!m->nslots)
        return -1;
    size_t mask = m->nslots - 1;
    for (size_t i = hash_word(word, n) & mask;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        if (!s)
            return -1;
        const char *w = m->pool + m->features[s - 1].word;
        if (strncmp(w, word, n) == 0 && w[n] == '\0')
            return (long)(s - 1);
    }
}

static ch_status grow_slots(flt_textmodel *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return CH_ERR_NOMEM;
    for (size_t f = 0; f < m->nfeatures; f++) {
        const char *w = m->pool + m->features[f].word;
        size_t i = hash_word(w, strlen(w)) & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)(f + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = n;
    return CH_OK;
}

/* Find or add the feature word[0..n); its index in *idx. */
static ch_status intern(flt_textmodel *m, const char *word, size_t n, uint32_t *idx)
{
    long f = lookup(m, word, n);
    if (f >= 0) {
        *idx = (uint32_t)f;
        return CH_OK;
    }
    if (m->nfeatures >= FLT_TEXTMODEL_FEATURES_MAX)
        return CH_ERR_LIMIT;
    ch_status st = CH_OK;
    if ((m->nfeatures + 1) * 2 > m->nslots)
        st = grow_slots(m);
    if (!st)
        st = buf_reserve_array(&m->features, &m->features_cap, m->nfeatures + 1,
                               sizeof *m->features, 256);
    if (!st) /* the words, NUL-terminated one after the other */
        st = buf_reserve_array(&m->pool, &m->pool_cap, m->pool_len + n + 1, 1, 4096);
    if (st)
        return st;
    memcpy(m->pool + m->pool_len, word, n);
    m->pool[m->pool_len + n] = '\0';
    feature *ft = &m->features[m->nfeatures];
    memset(ft, 0, sizeof *ft);
    ft->word = (uint32_t)m->pool_len;
    m->pool_len += n + 1;
    size_t mask = m->nslots - 1;
    size_t i = hash_word(word, n) & mask;
    while (m->slots[i])
        i = (i + 1) & mask;
    m->slots[i] = (uint32_t)(m->nfeatures + 1);
    *idx = (uint32_t)m->nfeatures++;
    return CH_OK;
}

void flt_textmodel_free(flt_textmodel *m)
{
    if (!m)
        return;
    free(m->pool);
    free(m->features);
    free(m->entries);
    free(m->slots);
    free(m);
}

size_t flt_textmodel_size(const flt_textmodel *m)
{
    return m ? m->nfeatures : 0;
}

const char *flt_textmodel_feature(const flt_textmodel *m, uint32_t i)
{
    return m && i < m->nfeatures ? m->pool + m->features[i].word : NULL;
}

static int cmp_raw(const void *a, const void *b)
{
    const raw_entry *x = a, *y = b;
    if (x->feature != y->feature)
        return x->feature < y->feature ? -1 : 1;
    return (int)x->cat - (int)y->cat;
}

/* Parse one line (NUL-terminated, no newline) into m / raws. */
static ch_status parse_line(flt_textmodel *m, char *line, raw_entry **raws, size_t *nraws,
                            size_t *raws_cap, char *msg, size_t msglen)
{
    if (line[0] == '#' || line[strspn(line, " \t\r")] == '\0')
        return CH_OK;
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r')
        line[--n] = '\0';
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t1 || !t2 || strchr(t2 + 1, '\t')) {
        snprintf(msg, msglen, "not \"feature TAB category TAB weight\"");
        return CH_ERR_PARSE;
    }
    *t1 = *t2 = '\0';
    const char *word = line, *cat_name = t1 + 1, *wstr = t2 + 1;
    size_t wlen = (size_t)(t1 - line);
    if (wlen == 0) {
        snprintf(msg, msglen, "empty feature");
        return CH_ERR_PARSE;
    }
    if (wlen > FLT_TEXTMODEL_WORD_MAX) {
        snprintf(msg, msglen, "feature longer than %d bytes", FLT_TEXTMODEL_WORD_MAX);
        return CH_ERR_LIMIT;
    }
    int cat = flt_category_from_name(cat_name);
    if (cat < 0 || cat >= FLT_CAT_COUNT) {
        snprintf(msg, msglen, "unknown category \"%.64s\"", cat_name);
        return CH_ERR_PARSE;
    }
    char *end = NULL;
    errno = 0;
    double w = strtod(wstr, &end);
    if (end == wstr || *end != '\0' || errno || !isfinite(w) ||
        fabs(w) > FLT_TEXTMODEL_WEIGHT_MAX) {
        snprintf(msg, msglen, "bad weight \"%.32s\" (a number in -%g..%g)", wstr,
                 FLT_TEXTMODEL_WEIGHT_MAX, FLT_TEXTMODEL_WEIGHT_MAX);
        return CH_ERR_PARSE;
    }
    m->mask |= FLT_BIT(cat);
    if (strcmp(word, BIAS_FEATURE) == 0) {
        m->bias[cat] = w;
        return CH_OK;
    }
    uint32_t idx;
    ch_status st = intern(m, word, wlen, &idx);
    if (st) {
        snprintf(msg, msglen, "%s", st == CH_ERR_LIMIT ? "too many features" : ch_status_str(st));
        return st;
    }
    if (buf_reserve_array(raws, raws_cap, *nraws + 1, sizeof **raws, 1024)) {
        snprintf(msg, msglen, "out of memory");
        return CH_ERR_NOMEM;
    }
    (*raws)[(*nraws)++] = (raw_entry){.feature = idx, .cat = (uint8_t)cat, .weight = (float)w};
    return CH_OK;
}

ch_status flt_textmodel_load_string(const char *text, size_t len, flt_textmodel **out, char *err,
                                    size_t errlen)
{
    ch_set_err(err, errlen, "%s", "");
    if (out)
        *out = NULL;
    if (!out || (!text && len)) {
        ch_set_err(err, errlen, "text model: bad arguments");
        return CH_ERR_ARG;
    }
    flt_textmodel *m = calloc(1, sizeof *m);
    if (!m) {
        ch_set_err(err, errlen, "text model: out of memory");
        return CH_ERR_NOMEM;
    }
    raw_entry *raws = NULL;
    size_t nraws = 0, raws_cap = 0, lineno = 0, pos = 0;
    ch_status st = CH_OK;
    char line[FLT_TEXTMODEL_LINE_MAX + 1], msg[200];
    while (pos < len) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (n > FLT_TEXTMODEL_LINE_MAX) {
            st = CH_ERR_LIMIT;
            snprintf(msg, sizeof msg, "line longer than %d bytes", FLT_TEXTMODEL_LINE_MAX);
        } else if (memchr(text + pos, '\0', n)) {
            st = CH_ERR_PARSE;
            snprintf(msg, sizeof msg, "NUL byte");
        } else {
            memcpy(line, text + pos, n);
            line[n] = '\0';
            st = parse_line(m, line, &raws, &nraws, &raws_cap, msg, sizeof msg);
        }
        if (st) {
            ch_set_err(err, errlen, "line %zu: %s", lineno, msg);
            goto fail;
        }
        pos += n + (nl ? 1 : 0);
    }
    /* Group the entries per feature; a (feature, category) pair given twice is an error. */
    if (nraws) {
        qsort(raws, nraws, sizeof *raws, cmp_raw);
        m->entries = malloc(nraws * sizeof *m->entries);
        if (!m->entries) {
            st = CH_ERR_NOMEM;
            ch_set_err(err, errlen, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < nraws; i++) {
            feature *f = &m->features[raws[i].feature];
            if (i > 0 && raws[i - 1].feature == raws[i].feature && raws[i - 1].cat == raws[i].cat) {
                st = CH_ERR_PARSE;
                ch_set_err(err, errlen, "feature \"%s\" has two weights for category %s",
                           m->pool + f->word, flt_category_name(raws[i].cat));
                goto fail;
            }
            if (!f->n)
                f->first = (uint32_t)m->nentries;
            f->n++;
            m->entries[m->nentries++] = (entry){.cat = raws[i].cat, .weight = raws[i].weight};
        }
    }
    free(raws);
    *out = m;
    return CH_OK;
fail:
    free(raws);
    flt_textmodel_free(m);
    return st;
}

ch_status flt_textmodel_load(const char *path, flt_textmodel **out, char *err, size_t errlen)
{
    ch_set_err(err, errlen, "%s", "");
    if (out)
        *out = NULL;
    if (!path || !out) {
        ch_set_err(err, errlen, "text model: bad arguments");
        return CH_ERR_ARG;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        ch_set_err(err, errlen, "text model %s: %s", path, strerror(e));
        return e == ENOENT ? CH_ERR_NOTFOUND : CH_ERR_IO;
    }
    char *data = NULL;
    size_t len = 0, cap = 0;
    ch_status st = CH_OK;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            if (ncap > (size_t)FLT_TEXTMODEL_FEATURES_MAX * FLT_TEXTMODEL_LINE_MAX) {
                st = CH_ERR_LIMIT;
                ch_set_err(err, errlen, "text model %s: file too large", path);
                break;
            }
            char *p = realloc(data, ncap);
            if (!p) {
                st = CH_ERR_NOMEM;
                ch_set_err(err, errlen, "text model %s: out of memory", path);
                break;
            }
            data = p;
            cap = ncap;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                st = CH_ERR_IO;
                ch_set_err(err, errlen, "text model %s: read error", path);
            }
            break;
        }
    }
    fclose(f);
    if (st == CH_OK) {
        char msg[300];
        st = flt_textmodel_load_string(data, len, out, msg, sizeof msg);
        if (st)
            ch_set_err(err, errlen, "text model %s: %s", path, msg);
    }
    free(data);
    return st;
}

void flt_textmodel_scores_init(flt_textmodel_scores *s)
{
    memset(s, 0, sizeof *s);
}

void flt_textmodel_scores_free(flt_textmodel_scores *s)
{
    if (!s)
        return;
    free(s->seen);
    memset(s, 0, sizeof *s);
}

size_t flt_textmodel_fold_word(const char *word, size_t len, char *out, size_t cap)
{
    if (!out || !cap)
        return 0;
    size_t n = 0, pos = 0;
    out[0] = '\0';
    while (pos < len) {
        char f[TEXT_FOLD_CP_MAX];
        size_t k = text_fold_cp_to(text_utf8_next(word, len, &pos), f);
        if (n + k + 1 > cap) {
            out[0] = '\0';
            return 0;
        }
        memcpy(out + n, f, k);
        n += k;
    }
    out[n] = '\0';
    return n;
}

/* Keep the FLT_TEXTMODEL_TOP largest positive weights of a category. */
static void note_top(const flt_textmodel *m, flt_textmodel_scores *s, int cat, uint32_t feat,
                     float w)
{
    if (w <= 0)
        return;
    uint32_t *top = s->top[cat];
    size_t n = s->ntop[cat], i = n;
    while (i > 0) {
        const feature *f = &m->features[top[i - 1]];
        float wi = 0;
        for (uint32_t k = 0; k < f->n; k++)
            if (m->entries[f->first + k].cat == cat)
                wi = m->entries[f->first + k].weight;
        if (wi >= w)
            break;
        i--;
    }
    if (i >= FLT_TEXTMODEL_TOP)
        return;
    if (n == FLT_TEXTMODEL_TOP)
        n--;
    memmove(&top[i + 1], &top[i], (n - i) * sizeof *top);
    top[i] = feat;
    s->ntop[cat] = (uint8_t)(n + 1);
}

ch_status flt_textmodel_score(const flt_textmodel *m, const char *text, size_t len,
                              flt_textmodel_scores *s)
{
    if (!s)
        return CH_ERR_ARG;
    s->mask = 0;
    memset(s->score, 0, sizeof s->score);
    memset(s->ntop, 0, sizeof s->ntop);
    s->words = 0;
    if (!m || (!text && len))
        return CH_ERR_ARG;
    if (s->seen_cap < m->nfeatures) {
        uint32_t *p = realloc(s->seen, m->nfeatures * sizeof *p);
        if (!p)
            return CH_ERR_NOMEM;
        memset(p, 0, m->nfeatures * sizeof *p);
        s->seen = p;
        s->seen_cap = m->nfeatures;
        s->page = 0;
    }
    if (++s->page == 0) { /* wrapped: forget every mark */
        memset(s->seen, 0, s->seen_cap * sizeof *s->seen);
        s->page = 1;
    }
    s->mask = m->mask;
    for (int c = 0; c < FLT_CAT_COUNT; c++)
        s->score[c] = ((m->mask >> c) & 1) ? m->bias[c] : 0;

    /* One pass: find the words (text_next_word's rule) and fold them (flt_textmodel_fold_word's
     * rule) at once, with a fast path for ASCII. A word longer than FLT_TEXTMODEL_WORD_MAX
     * folded bytes is counted but not looked up. */
    char word[FLT_TEXTMODEL_WORD_MAX];
    double sum[FLT_CAT_COUNT] = {0};
    size_t nwords = 0, pos = 0;
    if (!text)
        text = "";
    while (pos < len) {
        unsigned char b = (unsigned char)text[pos];
        if (b < 0x80) {
            if (!ascii_word(b)) {
                pos++;
                continue;
            }
        } else {
            size_t next = pos;
            if (!text_is_word_cp(text_utf8_next(text, len, &next))) {
                pos = next;
                continue;
            }
        }
        size_t n = 0;
        bool over = false;
        while (pos < len) {
            b = (unsigned char)text[pos];
            if (b < 0x80) {
                if (!ascii_word(b))
                    break;
                if (n < sizeof word)
                    word[n++] = (char)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
                else
                    over = true;
                pos++;
                continue;
            }
            size_t next = pos;
            uint32_t cp = text_utf8_next(text, len, &next);
            if (!text_is_word_cp(cp))
                break;
            char f[TEXT_FOLD_CP_MAX];
            size_t k = text_fold_cp_to(cp, f);
            if (n + k <= sizeof word) {
                memcpy(word + n, f, k);
                n += k;
            } else {
                over = true;
            }
            pos = next;
        }
        nwords++;
        if (over || !n)
            continue;
        long f = lookup(m, word, n);
        if (f < 0 || s->seen[f] == s->page)
            continue;
        s->seen[f] = s->page;
        const feature *ft = &m->features[f];
        for (uint32_t k = 0; k < ft->n; k++) {
            const entry *e = &m->entries[ft->first + k];
            sum[e->cat] += e->weight;
            note_top(m, s, e->cat, (uint32_t)f, e->weight);
        }
    }
    /* A long page is scored as if it had FLT_TEXTMODEL_NORM_WORDS words: its evidence is
     * scaled down, so a long manual does not add up many weak words into a verdict. */
    double scale =
        nwords > FLT_TEXTMODEL_NORM_WORDS ? (double)FLT_TEXTMODEL_NORM_WORDS / nwords : 1;
    for (int c = 0; c < FLT_CAT_COUNT; c++)
        s->score[c] += sum[c] * scale;
    s->words = nwords;
    return CH_OK;
}
