/* Query checker: term set over normalised query words. See querycheck.h. */
#include "filters/querycheck.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"

#define QC_TOKENS_MAX (FLT_QC_QUERY_MAX / 2 + 2)
#define QC_KEY_MAX (FLT_QC_QUERY_MAX * 8 + FLT_QC_TERM_WORDS_MAX + 8)
#define QC_LEN_BITS 64 /* prefix/part terms longer than 63 bytes are bad lines */

enum { T_BLOCK = 1, T_ALLOW, T_SENS };
enum { F_REPEAT = 1, F_JUNIOR = 2 };

typedef struct {
    char *key; /* kind byte, side byte, normalised text */
    size_t keylen;
    uint64_t hash;
    uint8_t type;  /* T_* */
    uint8_t flags; /* F_* */
    uint16_t minlen;
    uint16_t group; /* category (T_BLOCK) or topic (T_SENS) index */
} qc_entry;

typedef struct {
    char *name;
    int help[FLT_QC_HELP_MAX];
    size_t nhelp;
} qc_group;

struct flt_querycheck {
    qc_entry *entries;
    size_t nentries, cap_entries;
    uint32_t *slots; /* entry index + 1, 0 = empty */
    size_t nslots;
    uint64_t prefix_lens[2]; /* bit L: a prefix term of L bytes exists, per side (0 c, 1 u) */
    uint64_t part_lens[2];
    size_t max_words;
    size_t nterms;
    qc_group cats[FLT_QC_TOPICS_MAX], topics[FLT_QC_TOPICS_MAX];
    size_t ncats, ntopics;
    flt_help_resource res[FLT_QC_RESOURCES_MAX];
    size_t nres;
    char *msg[2][2]; /* [blocked, sensitive][fr, en] */
};

/* ---- normalisation ------------------------------------------------------------------------ */

typedef struct {
    size_t uoff, ulen; /* in n->u: folded, unleeted */
    size_t coff, clen; /* in n->c: the same with repeated letters collapsed */
} qc_tok;

typedef struct {
    buf_t f, u1, u, c, tmp;
    qc_tok t[QC_TOKENS_MAX];
    size_t n;
} qc_norm;

static void norm_init(qc_norm *n, size_t len)
{
    size_t cap = len * TEXT_FOLD_CP_MAX + 64;
    buf_init(&n->f, cap);
    buf_init(&n->u1, cap);
    buf_init(&n->u, cap);
    buf_init(&n->c, cap);
    buf_init(&n->tmp, cap);
    n->n = 0;
}

static void norm_free(qc_norm *n)
{
    buf_free(&n->f);
    buf_free(&n->u1);
    buf_free(&n->u);
    buf_free(&n->c);
    buf_free(&n->tmp);
}

static bool is_one_cp(const char *s, size_t len)
{
    size_t pos = 0;
    text_utf8_next(s, len, &pos);
    return pos == len;
}

static bool is_ascii_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* Append token bytes (unleeted again, for joined single letters) to n->u and its collapsed
 * form to n->c, as token n->n. */
static ch_status push_token(qc_norm *n, const char *s, size_t len)
{
    ch_status st;
    if (n->n >= QC_TOKENS_MAX)
        return CH_ERR_LIMIT;
    buf_reset(&n->tmp);
    if ((st = text_unleet(s, len, &n->tmp)))
        return st;
    qc_tok *t = &n->t[n->n];
    t->uoff = n->u.len;
    t->ulen = n->tmp.len;
    if ((st = buf_append(&n->u, n->tmp.data ? n->tmp.data : "", n->tmp.len)))
        return st;
    t->coff = n->c.len;
    const char *p = n->tmp.data ? n->tmp.data : "";
    size_t pos = 0;
    uint32_t prev = 0;
    while (pos < n->tmp.len) {
        size_t at = pos;
        uint32_t cp = text_utf8_next(p, n->tmp.len, &pos);
        if (cp == prev && text_is_word_cp(cp) && !is_ascii_digit(cp))
            continue;
        prev = cp;
        if ((st = buf_append(&n->c, p + at, pos - at)))
            return st;
    }
    t->clen = n->c.len - t->coff;
    n->n++;
    return CH_OK;
}

/* Normalise len bytes of s into tokens (see querycheck.h). */
static ch_status normalise(qc_norm *n, const char *s, size_t len)
{
    ch_status st;
    buf_reset(&n->f);
    buf_reset(&n->u1);
    buf_reset(&n->u);
    buf_reset(&n->c);
    n->n = 0;
    if ((st = text_fold(s, len, &n->f)) ||
        (st = text_unleet(n->f.data ? n->f.data : "", n->f.len, &n->u1)))
        return st;
    const char *txt = n->u1.data ? n->u1.data : "";
    text_words it;
    text_words_init(&it, txt, n->u1.len);
    size_t ws, wl;
    /* A pending run of one-letter words: joined when it has three or more. */
    size_t run_start = 0, run_count = 0;
    size_t starts[QC_TOKENS_MAX], lens[QC_TOKENS_MAX], nw = 0;
    while (text_next_word(&it, &ws, &wl)) {
        if (nw >= QC_TOKENS_MAX)
            return CH_ERR_LIMIT;
        starts[nw] = ws;
        lens[nw] = wl;
        nw++;
    }
    for (size_t i = 0; i <= nw; i++) {
        bool single = i < nw && is_one_cp(txt + starts[i], lens[i]);
        if (single) {
            if (!run_count)
                run_start = i;
            run_count++;
            continue;
        }
        if (run_count >= 3) {
            /* Join into f (no longer needed once folded; push_token uses tmp). */
            buf_reset(&n->f);
            for (size_t k = run_start; k < run_start + run_count; k++)
                if ((st = buf_append(&n->f, txt + starts[k], lens[k])))
                    return st;
            if ((st = push_token(n, n->f.data, n->f.len)))
                return st;
        } else {
            for (size_t k = run_start; k < run_start + run_count; k++)
                if ((st = push_token(n, txt + starts[k], lens[k])))
                    return st;
        }
        run_count = 0;
        if (i < nw && (st = push_token(n, txt + starts[i], lens[i])))
            return st;
    }
    return CH_OK;
}

/* ---- the term set -------------------------------------------------------------------------- */

static uint64_t fnv(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static ch_status rehash(flt_querycheck *qc, size_t nslots)
{
    uint32_t *s = calloc(nslots, sizeof *s);
    if (!s)
        return CH_ERR_NOMEM;
    for (size_t i = 0; i < qc->nentries; i++) {
        size_t k = qc->entries[i].hash & (nslots - 1);
        while (s[k])
            k = (k + 1) & (nslots - 1);
        s[k] = (uint32_t)(i + 1);
    }
    free(qc->slots);
    qc->slots = s;
    qc->nslots = nslots;
    return CH_OK;
}

static ch_status add_entry(flt_querycheck *qc, char kind, char side, const char *text, size_t len,
                           uint8_t type, uint8_t flags, size_t minlen, uint16_t group)
{
    if (qc->nentries >= 2 * FLT_QC_TERMS_MAX)
        return CH_ERR_LIMIT;
    ch_status st = buf_reserve_array(&qc->entries, &qc->cap_entries, qc->nentries + 1,
                                     sizeof *qc->entries, 256);
    if (st)
        return st;
    char *key = malloc(len + 3);
    if (!key)
        return CH_ERR_NOMEM;
    key[0] = kind;
    key[1] = side;
    memcpy(key + 2, text, len);
    key[len + 2] = '\0';
    qc_entry *e = &qc->entries[qc->nentries++];
    *e = (qc_entry){.key = key,
                    .keylen = len + 2,
                    .hash = fnv(key, len + 2),
                    .type = type,
                    .flags = flags,
                    .minlen = (uint16_t)(minlen > 65535 ? 65535 : minlen),
                    .group = group};
    if (qc->nentries * 2 > qc->nslots)
        return rehash(qc, qc->nslots ? qc->nslots * 2 : 1024);
    size_t k = e->hash & (qc->nslots - 1);
    while (qc->slots[k])
        k = (k + 1) & (qc->nslots - 1);
    qc->slots[k] = (uint32_t)qc->nentries;
    return CH_OK;
}

/* Call fn for each entry whose key is (kind, side, text). */
typedef void (*qc_hit_fn)(void *ctx, const qc_entry *e);

static void lookup(const flt_querycheck *qc, char kind, char side, const char *text, size_t len,
                   char *keybuf, qc_hit_fn fn, void *ctx)
{
    if (!qc->nslots)
        return;
    keybuf[0] = kind;
    keybuf[1] = side;
    memcpy(keybuf + 2, text, len);
    uint64_t h = fnv(keybuf, len + 2);
    for (size_t k = h & (qc->nslots - 1); qc->slots[k]; k = (k + 1) & (qc->nslots - 1)) {
        const qc_entry *e = &qc->entries[qc->slots[k] - 1];
        if (e->hash == h && e->keylen == len + 2 && memcmp(e->key, keybuf, len + 2) == 0)
            fn(ctx, e);
    }
}

/* ---- loading ------------------------------------------------------------------------------- */

typedef struct {
    flt_querycheck *qc;
    const char *file;
    size_t line;
    char *err;
    size_t errlen;
    qc_norm norm;
    int mode; /* 0 blocked.txt, 1 sensitive.txt, 2 help.txt, 3 messages.txt */
    uint8_t type, flags;
    int group;       /* current section's group/resource index, -1 none */
    int msg_section; /* messages.txt: 0 blocked, 1 sensitive, -1 none */
} qc_loader;

static ch_status lfail(qc_loader *L, ch_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ch_status lfail(qc_loader *L, ch_status st, const char *fmt, ...)
{
    if (L->err && L->errlen) {
        int n = snprintf(L->err, L->errlen, "%s:%zu: ", L->file, L->line);
        if (n >= 0 && (size_t)n < L->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(L->err + n, L->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return st;
}

static int group_index(qc_group *g, size_t *n, const char *name, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(g[i].name) == len && memcmp(g[i].name, name, len) == 0)
            return (int)i;
    if (*n >= FLT_QC_TOPICS_MAX)
        return -2;
    char *s = strndup(name, len);
    if (!s)
        return -1;
    g[*n] = (qc_group){.name = s};
    return (int)(*n)++;
}

static ch_status add_term(qc_loader *L, const char *s, size_t len)
{
    flt_querycheck *qc = L->qc;
    if (L->group < 0 && L->type != T_ALLOW)
        return lfail(L, CH_ERR_PARSE, "term before any section");
    char kind = 'W';
    if (len >= 3 && s[0] == '*' && s[len - 1] == '*') {
        kind = 'S';
        s++;
        len -= 2;
    } else if (len >= 2 && s[len - 1] == '*') {
        kind = 'P';
        len--;
    }
    ch_status st = normalise(&L->norm, s, len);
    if (st)
        return lfail(L, st, "cannot normalise the term");
    qc_norm *n = &L->norm;
    if (n->n == 0)
        return lfail(L, CH_ERR_PARSE, "term without a word");
    if (n->n > FLT_QC_TERM_WORDS_MAX)
        return lfail(L, CH_ERR_PARSE, "term of more than %d words", FLT_QC_TERM_WORDS_MAX);
    if (kind != 'W' && n->n != 1)
        return lfail(L, CH_ERR_PARSE, "a prefix or part term is one word");
    /* Joined forms. */
    char ubuf[FLT_QC_QUERY_MAX + 16], cbuf[FLT_QC_QUERY_MAX + 16];
    size_t ul = 0, cl = 0;
    for (size_t i = 0; i < n->n; i++) {
        if (ul + n->t[i].ulen + 1 >= sizeof ubuf)
            return lfail(L, CH_ERR_PARSE, "term too long");
        if (i) {
            ubuf[ul++] = ' ';
            cbuf[cl++] = ' ';
        }
        memcpy(ubuf + ul, n->u.data + n->t[i].uoff, n->t[i].ulen);
        memcpy(cbuf + cl, n->c.data + n->t[i].coff, n->t[i].clen);
        ul += n->t[i].ulen;
        cl += n->t[i].clen;
    }
    if (kind != 'W' && ul >= QC_LEN_BITS)
        return lfail(L, CH_ERR_PARSE, "prefix or part term longer than %d bytes", QC_LEN_BITS - 1);
    uint16_t g = (uint16_t)(L->group < 0 ? 0 : L->group);
    bool repeats = ul != cl;
    if (!repeats) {
        st = add_entry(qc, kind, 'c', cbuf, cl, L->type, L->flags, 0, g);
        if (kind == 'P')
            qc->prefix_lens[0] |= (uint64_t)1 << cl;
        if (kind == 'S')
            qc->part_lens[0] |= (uint64_t)1 << cl;
    } else {
        st = add_entry(qc, kind, 'u', ubuf, ul, L->type, L->flags, 0, g);
        if (!st && kind == 'W')
            st = add_entry(qc, kind, 'c', cbuf, cl, L->type, L->flags | F_REPEAT, ul, g);
        if (kind == 'P')
            qc->prefix_lens[1] |= (uint64_t)1 << ul;
        if (kind == 'S')
            qc->part_lens[1] |= (uint64_t)1 << ul;
    }
    if (st)
        return lfail(L, st, "cannot add the term");
    if (n->n > qc->max_words)
        qc->max_words = n->n;
    if (++qc->nterms > FLT_QC_TERMS_MAX)
        return lfail(L, CH_ERR_LIMIT, "more than %d terms", FLT_QC_TERMS_MAX);
    return CH_OK;
}

static char *trim(char *s, size_t *len)
{
    while (*len && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        (*len)--;
    }
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

static ch_status set_str(qc_loader *L, char **dst, const char *v, size_t vlen)
{
    char *s = strndup(v, vlen);
    if (!s)
        return lfail(L, CH_ERR_NOMEM, "out of memory");
    free(*dst);
    *dst = s;
    return CH_OK;
}

static ch_status on_section(qc_loader *L, const char *name, size_t len)
{
    flt_querycheck *qc = L->qc;
    if (L->mode == 0) {
        L->flags = 0;
        if (len == 5 && memcmp(name, "allow", 5) == 0) {
            L->type = T_ALLOW;
            L->group = -1;
            return CH_OK;
        }
        L->type = T_BLOCK;
        const char *colon = memchr(name, ':', len);
        size_t nl = len;
        if (colon) {
            nl = (size_t)(colon - name);
            if (len - nl - 1 != 6 || memcmp(colon + 1, "junior", 6) != 0)
                return lfail(L, CH_ERR_PARSE, "unknown section modifier (only :junior)");
            L->flags = F_JUNIOR;
        }
        L->group = group_index(qc->cats, &qc->ncats, name, nl);
    } else if (L->mode == 1) {
        L->type = T_SENS;
        L->flags = 0;
        L->group = group_index(qc->topics, &qc->ntopics, name, len);
    } else if (L->mode == 2) {
        if (qc->nres >= FLT_QC_RESOURCES_MAX)
            return lfail(L, CH_ERR_LIMIT, "more than %d resources", FLT_QC_RESOURCES_MAX);
        flt_help_resource *r = &qc->res[qc->nres];
        char *id = strndup(name, len);
        if (!id)
            return lfail(L, CH_ERR_NOMEM, "out of memory");
        *r = (flt_help_resource){.id = id};
        L->group = (int)qc->nres++;
        return CH_OK;
    } else {
        L->msg_section = len == 7 && memcmp(name, "blocked", 7) == 0     ? 0
                         : len == 9 && memcmp(name, "sensitive", 9) == 0 ? 1
                                                                         : -1;
        if (L->msg_section < 0)
            return lfail(L, CH_ERR_PARSE, "unknown section (blocked or sensitive)");
        return CH_OK;
    }
    if (L->group == -2)
        return lfail(L, CH_ERR_LIMIT, "more than %d sections", FLT_QC_TOPICS_MAX);
    if (L->group < 0)
        return lfail(L, CH_ERR_NOMEM, "out of memory");
    return CH_OK;
}

static ch_status on_key(qc_loader *L, const char *k, size_t kl, const char *v, size_t vl)
{
    flt_querycheck *qc = L->qc;
#define KEY_IS(s) (kl == sizeof(s) - 1 && memcmp(k, s, kl) == 0)
    if (L->mode == 1 && KEY_IS("help") && L->group >= 0) {
        qc_group *t = &qc->topics[L->group];
        while (vl) {
            size_t n = 0;
            while (n < vl && v[n] != ',')
                n++;
            size_t il = n;
            const char *id = trim((char *)v, &il);
            size_t r;
            for (r = 0; r < qc->nres; r++)
                if (strlen(qc->res[r].id) == il && memcmp(qc->res[r].id, id, il) == 0)
                    break;
            if (r == qc->nres)
                return lfail(L, CH_ERR_PARSE, "unknown help resource %.*s", (int)il, id);
            if (t->nhelp >= FLT_QC_HELP_MAX)
                return lfail(L, CH_ERR_LIMIT, "more than %d help resources", FLT_QC_HELP_MAX);
            t->help[t->nhelp++] = (int)r;
            v += n < vl ? n + 1 : n;
            vl -= n < vl ? n + 1 : n;
        }
        return CH_OK;
    }
    if (L->mode == 2 && L->group >= 0) {
        flt_help_resource *r = &qc->res[L->group];
        char **dst = KEY_IS("number") ? (char **)&r->number
                     : KEY_IS("fr")   ? (char **)&r->fr
                     : KEY_IS("en")   ? (char **)&r->en
                     : KEY_IS("url")  ? (char **)&r->url
                                      : NULL;
        if (!dst)
            return lfail(L, CH_ERR_PARSE, "unknown key (number, fr, en, url)");
        return set_str(L, dst, v, vl);
    }
    if (L->mode == 3 && L->msg_section >= 0 && (KEY_IS("fr") || KEY_IS("en")))
        return set_str(L, &qc->msg[L->msg_section][KEY_IS("fr") ? 0 : 1], v, vl);
#undef KEY_IS
    return lfail(L, CH_ERR_PARSE, "unexpected key");
}

static ch_status parse_text(qc_loader *L, const char *text)
{
    ch_status st = CH_OK;
    L->line = 0;
    L->group = -1;
    L->type = 0;
    L->msg_section = -1;
    const char *p = text ? text : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        L->line++;
        char *s = trim((char *)p, &len);
        p = nl ? nl + 1 : p + strlen(p);
        if (!len || s[0] == '#')
            continue;
        if (s[0] == '[') {
            if (s[len - 1] != ']' || len < 3)
                return lfail(L, CH_ERR_PARSE, "bad section line");
            if ((st = on_section(L, s + 1, len - 2)))
                return st;
            continue;
        }
        const char *eq = memchr(s, '=', len);
        if (eq && L->mode != 0) {
            size_t kl = (size_t)(eq - s), vl = len - kl - 1;
            char *k = trim(s, &kl);
            char *v = trim((char *)eq + 1, &vl);
            if ((st = on_key(L, k, kl, v, vl)))
                return st;
            continue;
        }
        if (L->mode >= 2)
            return lfail(L, CH_ERR_PARSE, "expected key = value");
        if ((st = add_term(L, s, len)))
            return st;
    }
    return CH_OK;
}

static ch_status load_all(const char *texts[4], const char *names[4], flt_querycheck **out,
                          char *err, size_t errlen)
{
    ch_status st = CH_OK;
    if (err && errlen)
        err[0] = '\0';
    flt_querycheck *qc = calloc(1, sizeof *qc);
    if (!qc)
        return CH_ERR_NOMEM;
    qc_loader L = {.qc = qc, .err = err, .errlen = errlen};
    norm_init(&L.norm, FLT_QC_QUERY_MAX);
    static const int order[4] = {2, 3, 0, 1}; /* help, messages, blocked, sensitive */
    for (int i = 0; i < 4; i++) {
        L.mode = order[i];
        L.file = names[order[i]];
        if ((st = parse_text(&L, texts[order[i]])))
            goto out;
        if (L.mode == 2) {
            for (size_t r = 0; r < qc->nres; r++) {
                flt_help_resource *h = &qc->res[r];
                if (!h->fr || !h->en) {
                    L.line = 0;
                    st = lfail(&L, CH_ERR_PARSE, "resource %s lacks fr or en", h->id);
                    goto out;
                }
                if ((!h->number && !(h->number = strdup(""))) ||
                    (!h->url && !(h->url = strdup("")))) {
                    st = CH_ERR_NOMEM;
                    goto out;
                }
            }
        }
        if (L.mode == 3 && (!qc->msg[0][0] || !qc->msg[0][1] || !qc->msg[1][0] || !qc->msg[1][1])) {
            L.line = 0;
            st = lfail(&L, CH_ERR_PARSE, "[blocked] and [sensitive] need fr and en");
            goto out;
        }
    }
out:
    norm_free(&L.norm);
    if (st) {
        flt_querycheck_free(qc);
        qc = NULL;
    }
    *out = qc;
    return st;
}

ch_status flt_querycheck_load_strings(const char *blocked, const char *sensitive, const char *help,
                                      const char *messages, flt_querycheck **out, char *err,
                                      size_t errlen)
{
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    const char *texts[4] = {blocked, sensitive, help, messages};
    const char *names[4] = {"blocked", "sensitive", "help", "messages"};
    return load_all(texts, names, out, err, errlen);
}

static ch_status read_whole(const char *path, buf_t *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return CH_ERR_IO;
    ch_status st = CH_OK;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if ((st = buf_append(b, chunk, n)))
            break;
    if (!st && ferror(f))
        st = CH_ERR_IO;
    fclose(f);
    if (!st && memchr(buf_str(b), '\0', b->len))
        st = CH_ERR_PARSE;
    return st;
}

ch_status flt_querycheck_load(const char *dir, flt_querycheck **out, char *err, size_t errlen)
{
    static const char *const files[4] = {"blocked.txt", "sensitive.txt", "help.txt",
                                         "messages.txt"};
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    if (!dir)
        return CH_ERR_ARG;
    buf_t b[4];
    char paths[4][4096];
    const char *texts[4], *names[4];
    ch_status st = CH_OK;
    for (int i = 0; i < 4; i++)
        buf_init(&b[i], FLT_QC_FILE_MAX);
    for (int i = 0; i < 4; i++) {
        if (snprintf(paths[i], sizeof paths[i], "%s/%s", dir, files[i]) >= (int)sizeof paths[i]) {
            st = CH_ERR_LIMIT;
            if (err && errlen)
                snprintf(err, errlen, "%s: path too long", dir);
            goto out;
        }
        if ((st = read_whole(paths[i], &b[i]))) {
            if (err && errlen)
                snprintf(err, errlen, "%s: %s", paths[i], ch_status_str(st));
            goto out;
        }
        texts[i] = buf_str(&b[i]);
        names[i] = paths[i];
    }
    st = load_all(texts, names, out, err, errlen);
out:
    for (int i = 0; i < 4; i++)
        buf_free(&b[i]);
    return st;
}

void flt_querycheck_free(flt_querycheck *qc)
{
    if (!qc)
        return;
    for (size_t i = 0; i < qc->nentries; i++)
        free(qc->entries[i].key);
    free(qc->entries);
    free(qc->slots);
    for (size_t i = 0; i < qc->ncats; i++)
        free(qc->cats[i].name);
    for (size_t i = 0; i < qc->ntopics; i++)
        free(qc->topics[i].name);
    for (size_t i = 0; i < qc->nres; i++) {
        free((char *)qc->res[i].id);
        free((char *)qc->res[i].number);
        free((char *)qc->res[i].fr);
        free((char *)qc->res[i].en);
        free((char *)qc->res[i].url);
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            free(qc->msg[i][j]);
    free(qc);
}

size_t flt_querycheck_term_count(const flt_querycheck *qc)
{
    return qc ? qc->nterms : 0;
}

/* ---- checking ------------------------------------------------------------------------------ */

#define QC_MATCHES_MAX 64

typedef struct {
    size_t from, to; /* token span [from, to) */
    bool repeats;    /* the query span had repeated letters (uncollapsed != collapsed) */
    size_t ulen;     /* bytes of the uncollapsed span */
    int mode;
    bool allowed[QC_TOKENS_MAX];
    struct {
        size_t from, to;
        uint16_t group;
    } block[QC_MATCHES_MAX];
    size_t nblock;
    uint64_t topics;
} qc_state;

static void on_hit(void *ctx, const qc_entry *e)
{
    qc_state *s = ctx;
    if ((e->flags & F_REPEAT) && (!s->repeats || s->ulen < e->minlen))
        return;
    if (e->type == T_ALLOW) {
        for (size_t i = s->from; i < s->to; i++)
            s->allowed[i] = true;
    } else if (e->type == T_SENS) {
        s->topics |= (uint64_t)1 << (e->group & 63);
    } else if (e->type == T_BLOCK) {
        if (s->mode == FLT_MODE_WEB || ((e->flags & F_JUNIOR) && s->mode != FLT_MODE_JUNIOR))
            return;
        if (s->nblock < QC_MATCHES_MAX) {
            s->block[s->nblock].from = s->from;
            s->block[s->nblock].to = s->to;
            s->block[s->nblock].group = e->group;
            s->nblock++;
        }
    }
}

ch_status flt_check_query(const flt_querycheck *qc, const char *query, int mode,
                          flt_query_result *r)
{
    ch_status st = CH_OK;
    qc_norm n;
    qc_state *s = NULL;
    char *keybuf = NULL, *ukey = NULL, *ckey = NULL;
    bool norm_ready = false;
    if (r)
        memset(r, 0, sizeof *r);
    if (!qc || !query || !r || !flt_mode_name(mode))
        return CH_ERR_ARG;
    size_t qlen = strlen(query);
    if (qlen > FLT_QC_QUERY_MAX)
        return CH_ERR_LIMIT;
    s = calloc(1, sizeof *s);
    keybuf = malloc(3 * QC_KEY_MAX);
    if (!s || !keybuf) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    ukey = keybuf + QC_KEY_MAX;
    ckey = ukey + QC_KEY_MAX;
    s->mode = mode;
    norm_init(&n, qlen);
    norm_ready = true;
    if ((st = normalise(&n, query, qlen)))
        goto out;
    const char *U = n.u.data ? n.u.data : "", *C = n.c.data ? n.c.data : "";

    for (size_t i = 0; i < n.n; i++) {
        /* Whole-word terms of 1..max_words words starting here. */
        size_t ul = 0, cl = 0;
        for (size_t w = 0; w < qc->max_words && i + w < n.n; w++) {
            const qc_tok *t = &n.t[i + w];
            if (w) {
                ukey[ul++] = ' ';
                ckey[cl++] = ' ';
            }
            memcpy(ukey + ul, U + t->uoff, t->ulen);
            memcpy(ckey + cl, C + t->coff, t->clen);
            ul += t->ulen;
            cl += t->clen;
            s->from = i;
            s->to = i + w + 1;
            s->ulen = ul;
            s->repeats = ul != cl;
            lookup(qc, 'W', 'c', ckey, cl, keybuf, on_hit, s);
            if (s->repeats)
                lookup(qc, 'W', 'u', ukey, ul, keybuf, on_hit, s);
        }
        /* Prefix and part terms inside this word. */
        const qc_tok *t = &n.t[i];
        s->from = i;
        s->to = i + 1;
        s->repeats = false;
        for (int side = 0; side < 2; side++) {
            const char *w = side ? U + t->uoff : C + t->coff;
            size_t wl = side ? t->ulen : t->clen;
            char sc = side ? 'u' : 'c';
            uint64_t pm = qc->prefix_lens[side], sm = qc->part_lens[side];
            for (size_t L = 1; L < QC_LEN_BITS && L <= wl && pm >> L; L++)
                if ((pm >> L) & 1)
                    lookup(qc, 'P', sc, w, L, keybuf, on_hit, s);
            for (size_t L = 1; L < QC_LEN_BITS && L <= wl && sm >> L; L++)
                if ((sm >> L) & 1)
                    for (size_t at = 0; at + L <= wl; at++)
                        lookup(qc, 'S', sc, w + at, L, keybuf, on_hit, s);
        }
    }

    /* Verdict: a blocked term counts unless every word of it is inside an allowed phrase. */
    for (size_t b = 0; b < s->nblock; b++) {
        bool covered = true;
        for (size_t i = s->block[b].from; i < s->block[b].to; i++)
            covered = covered && s->allowed[i];
        if (!covered) {
            r->verdict = FLT_QUERY_BLOCKED;
            r->category = qc->cats[s->block[b].group].name;
            r->message_fr = qc->msg[0][0];
            r->message_en = qc->msg[0][1];
            break;
        }
    }
    for (size_t tp = 0; tp < qc->ntopics && tp < 64; tp++) {
        if (!((s->topics >> tp) & 1))
            continue;
        const qc_group *g = &qc->topics[tp];
        if (!r->topic)
            r->topic = g->name;
        for (size_t h = 0; h < g->nhelp; h++) {
            const flt_help_resource *res = &qc->res[g->help[h]];
            bool dup = false;
            for (size_t k = 0; k < r->nhelp; k++)
                dup = dup || r->help[k] == res;
            if (!dup && r->nhelp < FLT_QC_HELP_MAX)
                r->help[r->nhelp++] = res;
        }
    }
    if (r->verdict != FLT_QUERY_BLOCKED && r->topic) {
        r->verdict = FLT_QUERY_SENSITIVE;
        r->message_fr = qc->msg[1][0];
        r->message_en = qc->msg[1][1];
    }
out:
    if (norm_ready)
        norm_free(&n);
    free(s);
    free(keybuf);
    if (st)
        memset(r, 0, sizeof *r);
    return st;
}

const char *flt_query_message(const flt_query_result *r, const char *lang)
{
    if (!r)
        return NULL;
    return lang && strcmp(lang, "fr") == 0 ? r->message_fr : r->message_en;
}

const char *flt_help_text(const flt_help_resource *h, const char *lang)
{
    if (!h)
        return NULL;
    return lang && strcmp(lang, "fr") == 0 ? h->fr : h->en;
}
