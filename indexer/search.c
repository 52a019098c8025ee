/* The search API (search.h) over the index written by index.c (docs/ARCHITECTURE.md).
 *
 * Query processing:
 *   - the query is folded like the index (idx_fold: case, accents, apostrophes), word by word,
 *     keeping the operators AND, OR, NOT, XOR in capitals;
 *   - it is parsed once per stemming language and the parses are ORed: French and English, and
 *     the query's own language when libexttextcat recognises another; plus one parse without
 *     stemming, which matches every page on its exact (folded) words whatever its language. A
 *     page in French is matched by the French parse's Z-terms, a page in English by the English
 *     one's, and exact forms weigh in all;
 *   - AND between words by default; when that finds fewer than IDX_WIDEN_BELOW pages, pages
 *     with all the words but one come in too, ranked by the words they have (a word the page
 *     does not use: "bibliographie writer", "debian handbook foreword"); when even that finds
 *     nothing, the query is run again with OR;
 *   - site:HOST -> D<host> (boolean, the host and its subdomains), lang:xx -> L<xx>,
 *     title:word -> S-prefixed terms; hidden categories -> AND_NOT (OR of XC<category>);
 *     a required category (junior allow-list-only) -> FILTER XC<category>;
 *   - the static rank (slot 0, in [0, 1]) adds IDX_RANK_WEIGHT at most, through AND_MAYBE.
 * Results: identical content (slot 3: language and content hash) is collapsed to its best page,
 * and near-duplicates (the sketches of slot 5, neardup.h) among the candidates; then each page of
 * results shows at most IDX_MAX_PER_SITE pages of a host (unless the query is scoped with site:),
 * the others being counted in more_from_site and shown on later pages, so paging never skips or
 * repeats a result. Snippets are made here rather than by Xapian's snippet generator, which
 * does not fold accents: "negatifs" must highlight "négatifs". */
#include "indexer/search.h"

#include <jansson.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "common/buf.h"
#include "common/html.h"
#include "common/text.h"
#include "indexer/index.h"
#include "indexer/lang.h"
#include "indexer/neardup.h"
#include "indexer/shards.h"
#include "indexer/xapian/xap.h"

/* Ranking parameters, chosen on the known-item queries of bench/queries/known_items.tsv and
 * known_items_heldout.tsv with bench/index/mrr.sh (-D overrides for tuning runs); held-out sets
 * written blind since judge them (docs/PERFORMANCE.md, MRR runs F and G). b = 0: no length
 * normalisation. The page a known-item query looks for is often a long reference page, and
 * normalising by length let short pages that name the query words only in their navigation
 * come first ("programming faq" found the two-screen "installed" FAQ before the Programming
 * FAQ). */
#ifndef IDX_RANK_WEIGHT
#define IDX_RANK_WEIGHT 1.0 /* weight the static rank may add (BM25 weights are ~5-30) */
#endif
#ifndef IDX_TITLE_WEIGHT
#define IDX_TITLE_WEIGHT 1.0 /* scale of the known-item prior (BM25 on title and URL words) */
#endif
#ifndef IDX_TITLE_KEY_WEIGHT
#define IDX_TITLE_KEY_WEIGHT 2.0 /* within the prior, of the query as a title key (XT) */
#endif
#ifndef IDX_BM25_K1
#define IDX_BM25_K1 1.6
#endif
#ifndef IDX_BM25_B
#define IDX_BM25_B 0.0
#endif
#define IDX_WINDOW_FACTOR 4u   /* a page picks among the next per_page * this results */
#define IDX_SNIPPET_BYTES 240u /* about this much text in a snippet */
#define IDX_FEW_RESULTS 3u     /* fewer results than this: offer a spelling correction */
#define IDX_WIDEN_BELOW 10u    /* fewer pages with all the words: all but one word will do */
#define IDX_WIDEN_MAX_WORDS 8u /* longer queries are not widened (one parse per word left out) */
#define IDX_MAX_RETRIES 3      /* reopen-and-retry rounds on XAP_ERR_DB_MODIFIED */
#define IDX_QWORDS_MAX 32u     /* query words used for highlighting */
#define IDX_DEFAULT_TIME_LIMIT 0.5
#define IDX_SHARD_RETRY_S 10 /* a refresh tries the shards that were down at most this often */

struct idx_searcher {
    xap_db *db;
    char *path;    /* what was opened, to open again (shards) */
    bool is_stub;  /* a stub file: its shards are opened one by one (shards_open_available) */
    size_t n_down; /* databases of the stub left out when it was last opened: results degraded */
    struct timespec opened; /* CLOCK_MONOTONIC time of the last shards_open_available() */
    shards_watch watch;     /* a stub: what tells that it must be opened again */
    bool watch_failed;      /* the stub changed and opening it again failed: retry later */
    lang_ident *li; /* may be NULL (no models): queries are then stemmed in French and English */
    struct libdeflate_decompressor *inflate; /* snippet text; NULL: snippets from descriptions */
    char err[512];
};

static void set_err(idx_searcher *s, const char *what, const char *detail)
{
    snprintf(s->err, sizeof s->err, "%s%s%s", what, detail && *detail ? ": " : "",
             detail ? detail : "");
}

static char *dup_printf2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 3;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s: %s", a, b);
    return m;
}

/* How many of the n strings of v are not NULL. */
static size_t count_nonnull(const char *const *v, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += v[i] != NULL;
    return c;
}

ch_status idx_searcher_open(const char *db_path, idx_searcher **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!db_path)
        return CH_ERR_ARG;
    idx_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(db_path))) {
        free(s);
        return CH_ERR_NOMEM;
    }
    struct stat sb;
    s->is_stub = stat(db_path, &sb) == 0 && S_ISREG(sb.st_mode);
    char *xerr = NULL;
    /* Watched before opening: a change in between is seen by the next refresh. */
    ch_status st = s->is_stub ? shards_watch_take(db_path, &s->watch) : CH_OK;
    if (st == CH_OK)
        st = shards_open_available(db_path, &s->db, &s->n_down, &xerr);
    clock_gettime(CLOCK_MONOTONIC, &s->opened);
    if (st != CH_OK) {
        if (errmsg)
            *errmsg = dup_printf2(st == CH_ERR_NOTFOUND ? "no index at this path"
                                  : st == CH_ERR_PARSE  ? "the index is damaged"
                                                        : "cannot open the index",
                                  xerr ? xerr : ch_status_str(st));
        free(xerr);
        shards_watch_free(&s->watch);
        free(s->path);
        free(s);
        return st == CH_ERR_NOTFOUND || st == CH_ERR_PARSE || st == CH_ERR_NOMEM ? st : CH_ERR_IO;
    }
    /* the query models; all of them when the data directory lacks that list */
    if (lang_open_queries(&s->li) != CH_OK && lang_open(&s->li) != CH_OK)
        s->li = NULL;
    s->inflate = libdeflate_alloc_decompressor();
    *out = s;
    return CH_OK;
}

/* Open the stub again, leaving out what does not answer now, and search that from now on: after
 * a shard failed during a call (a network error), or to take back shards that were down. On
 * failure (nothing answers, or not a stub) the current handle is kept. */
static ch_status reopen_shards(idx_searcher *s)
{
    if (!s->is_stub)
        return CH_ERR_IO;
    xap_db *db = NULL;
    size_t down = 0;
    char *xerr = NULL;
    shards_watch watch;
    ch_status st = shards_watch_take(s->path, &watch);
    if (st == CH_OK)
        st = shards_open_available(s->path, &db, &down, &xerr);
    clock_gettime(CLOCK_MONOTONIC, &s->opened);
    if (st) {
        set_err(s, "cannot open the index", xerr);
        free(xerr);
        shards_watch_free(&watch);
        return st;
    }
    xap_db_close(s->db);
    s->db = db;
    s->n_down = down;
    shards_watch_free(&s->watch);
    s->watch = watch;
    return CH_OK;
}

ch_status idx_searcher_refresh(idx_searcher *s)
{
    if (!s)
        return CH_ERR_ARG;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    bool retry_due = now.tv_sec - s->opened.tv_sec >= IDX_SHARD_RETRY_S;
    /* The stub was swapped (shards add, compact) or a dictionary it lists rebuilt: Xapian's
     * reopen follows neither, so open the stub again; on failure keep searching the old set. */
    if (s->is_stub && (!s->watch_failed || retry_due) && shards_watch_changed(&s->watch)) {
        s->watch_failed = reopen_shards(s) != CH_OK;
        if (!s->watch_failed)
            return CH_OK;
    }
    /* Some were down: try them all again, now and then (an unreachable host costs the connect
     * timeout, SHARDS_REMOTE_CONNECT_TIMEOUT_MS). */
    if (s->n_down && retry_due && reopen_shards(s) == CH_OK)
        return CH_OK;
    int changed = 0;
    xap_status xs = xap_db_reopen(s->db, &changed);
    if (xs == XAP_ERR_NETWORK && reopen_shards(s) == CH_OK)
        return CH_OK;
    if (xs != XAP_OK) {
        set_err(s, "cannot reopen the index", xap_db_last_error(s->db));
        return CH_ERR_IO;
    }
    return CH_OK;
}

void idx_searcher_close(idx_searcher *s)
{
    if (!s)
        return;
    xap_db_close(s->db);
    lang_close(s->li);
    libdeflate_free_decompressor(s->inflate);
    shards_watch_free(&s->watch);
    free(s->path);
    free(s);
}

const char *idx_searcher_error(const idx_searcher *s)
{
    return s ? s->err : "";
}

ch_status idx_searcher_info(idx_searcher *s, unsigned long *doc_count, char **index_date)
{
    *doc_count = 0;
    *index_date = NULL;
    if (!s)
        return CH_ERR_ARG;
    size_t len;
    for (int attempt = 0; attempt < IDX_MAX_RETRIES; attempt++) {
        xap_status xs = xap_db_doc_count(s->db, doc_count);
        if (xs == XAP_OK)
            xs = xap_db_get_metadata(s->db, IDX_META_INDEX_DATE, index_date, &len);
        if (xs == XAP_OK)
            return CH_OK;
        free(*index_date);
        *index_date = NULL;
        if (xs == XAP_ERR_NETWORK && attempt == 0 && reopen_shards(s) == CH_OK)
            continue; /* a shard went down: count what is left */
        if (xs != XAP_ERR_DB_MODIFIED) {
            set_err(s, "cannot read the index", xap_db_last_error(s->db));
            return CH_ERR_IO;
        }
        int ch;
        xap_db_reopen(s->db, &ch);
    }
    return CH_ERR_IO;
}

/* ---- query folding ------------------------------------------------------------------------ */

static bool is_operator(const char *w, size_t n)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "XOR"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strlen(ops[i]) == n && memcmp(ops[i], w, n) == 0)
            return true;
    return false;
}

/* Fold the query word by word (space-separated), keeping AND/OR/NOT/XOR. */
static ch_status fold_query(const char *q, buf_t *out)
{
    size_t i = 0, n = strlen(q);
    while (i < n) {
        size_t j = i;
        while (j < n && q[j] != ' ' && q[j] != '\t' && q[j] != '\n' && q[j] != '\r')
            j++;
        if (j > i) {
            if (out->len) {
                ch_status st = buf_append_char(out, ' ');
                if (st)
                    return st;
            }
            ch_status st = is_operator(q + i, j - i) ? buf_append(out, q + i, j - i)
                                                     : idx_fold(q + i, j - i, out);
            if (st)
                return st;
        }
        i = j + 1;
    }
    return CH_OK;
}

/* Whether the folded query scopes itself to a site. */
static bool has_site_scope(const char *fq)
{
    for (const char *p = strstr(fq, "site:"); p; p = strstr(p + 1, "site:"))
        if (p == fq || p[-1] == ' ' || p[-1] == '(' || p[-1] == '+')
            return true;
    return false;
}

/* The words of the folded query to highlight: not after '-', not field values except title:. */
typedef struct {
    char *w[IDX_QWORDS_MAX];
    size_t n;
} qwords;

static void qwords_free(qwords *qw)
{
    for (size_t i = 0; i < qw->n; i++)
        free(qw->w[i]);
    qw->n = 0;
}

/* The next space-separated token of the folded query fq[*pos..n): fq + *start, *len bytes;
 * false at the end. */
static bool next_token(const char *fq, size_t n, size_t *pos, size_t *start, size_t *len)
{
    while (*pos < n && fq[*pos] == ' ')
        (*pos)++;
    if (*pos >= n)
        return false;
    *start = *pos;
    while (*pos < n && fq[*pos] != ' ')
        (*pos)++;
    *len = *pos - *start;
    return true;
}

/* Whether the token tok[0..len) belongs to a phrase: each of the four tokens of "the art of war"
 * written in quotes does. *open says whether a phrase is open before the token; it is updated
 * past it. */
static bool token_quoted(const char *tok, size_t len, bool *open)
{
    bool quoted = *open;
    for (size_t i = 0; i < len; i++)
        if (tok[i] == '"') {
            quoted = true;
            *open = !*open;
        }
    return quoted;
}

static void qwords_collect(const char *fq, qwords *qw)
{
    qw->n = 0;
    size_t pos = 0, n = strlen(fq), ts, tl;
    while (qw->n < IDX_QWORDS_MAX && next_token(fq, n, &pos, &ts, &tl)) {
        const char *tok = fq + ts;
        if (tok[0] == '-' || is_operator(tok, tl))
            continue;
        const char *colon = memchr(tok, ':', tl);
        if (colon) {
            if ((size_t)(colon - tok) != 5 || memcmp(tok, "title", 5) != 0)
                continue;
            tl -= 6;
            tok = colon + 1;
        }
        text_words it;
        size_t ws, wl;
        text_words_init(&it, tok, tl);
        while (qw->n < IDX_QWORDS_MAX && text_next_word(&it, &ws, &wl)) {
            char *w = strndup(tok + ws, wl);
            if (w)
                qw->w[qw->n++] = w;
        }
    }
}

/* ---- query building ----------------------------------------------------------------------- */

static ch_status parse_one(idx_searcher *s, const char *fq, const char *stemmer, bool or_default,
                           bool spelling, xap_query **out, char **corrected)
{
    *out = NULL;
    xap_qparser *qp = NULL;
    ch_status st = CH_OK;
    if (xap_qparser_new(&qp) != XAP_OK)
        return CH_ERR_NOMEM;
    if (xap_qparser_set_stemmer(qp, stemmer) ||
        xap_qparser_set_stem_strategy(qp, stemmer ? XAP_STEM_SOME : XAP_STEM_NONE) ||
        xap_qparser_set_default_op(qp, or_default ? XAP_QP_OP_OR : XAP_QP_OP_AND) ||
        xap_qparser_add_prefix(qp, "title", "S") ||
        xap_qparser_add_boolean_prefix(qp, "site", "D", 1) ||
        xap_qparser_add_boolean_prefix(qp, "lang", "L", 1) || xap_qparser_set_database(qp, s->db)) {
        st = CH_ERR_INTERNAL;
        goto out;
    }
    unsigned flags = XAP_QP_DEFAULT | XAP_QP_PURE_NOT | (spelling ? XAP_QP_SPELLING : 0);
    xap_status xs = xap_qparser_parse(qp, fq, flags, out);
    if (xs == XAP_ERR_QUERY) {
        /* Not understood with operators: try as plain words. */
        xs = xap_qparser_parse(qp, fq, spelling ? XAP_QP_SPELLING : 0, out);
    }
    if (xs != XAP_OK) {
        set_err(s, "cannot parse the query", xap_qparser_last_error(qp));
        st = xs == XAP_ERR_QUERY         ? CH_ERR_PARSE
             : xs == XAP_ERR_DB_MODIFIED ? CH_ERR_EOF
             : xs == XAP_ERR_NETWORK     ? CH_ERR_IO
                                         : CH_ERR_INTERNAL;
        goto out;
    }
    if (spelling && corrected && !*corrected) {
        char *c = NULL;
        if (xap_qparser_corrected_query(qp, &c) == XAP_OK && c && *c)
            *corrected = c;
        else
            free(c);
    }
out:
    xap_qparser_free(qp);
    return st;
}

/* OR two queries, taking ownership of both (either may be NULL). */
static ch_status or_take(xap_query **acc, xap_query *q)
{
    if (!q)
        return CH_OK;
    if (!*acc) {
        *acc = q;
        return CH_OK;
    }
    xap_query *r = NULL;
    xap_status xs = xap_query_combine(XAP_Q_OR, *acc, q, &r);
    xap_query_free(q);
    if (xs != XAP_OK)
        return CH_ERR_NOMEM;
    xap_query_free(*acc);
    *acc = r;
    return CH_OK;
}

static ch_status combine_take(xap_query_op op, xap_query **acc, xap_query *q)
{
    xap_query *r = NULL;
    xap_status xs = xap_query_combine(op, *acc, q, &r);
    xap_query_free(q);
    if (xs != XAP_OK)
        return CH_ERR_NOMEM;
    xap_query_free(*acc);
    *acc = r;
    return CH_OK;
}

/* *q AND_MAYBE the static rank (value slot IDX_SLOT_RANK, in [0, 1]) times weight: among pages
 * that match alike, the better-linked first; selects and drops nothing. */
static ch_status and_maybe_static_rank(xap_query **q, double weight)
{
    xap_query *vw = NULL, *scaled = NULL;
    xap_status xs = xap_query_value_weight(IDX_SLOT_RANK, &vw);
    if (xs == XAP_OK)
        xs = xap_query_scale_weight(vw, weight, &scaled);
    xap_query_free(vw);
    if (xs != XAP_OK)
        return CH_ERR_NOMEM;
    return combine_take(XAP_Q_AND_MAYBE, q, scaled);
}

/* The stemmers the query is parsed with (see the top of this file): the query's language when
 * libexttextcat recognises it and it is neither French nor English, then French and English
 * always (a query of a few words is often recognised wrongly: "command line environment
 * variables" as French, "decimal floating point arithmetic" as Romanian, and a parse in the
 * wrong language alone misses the pages of the right one); then NULL, the parse of exact words.
 * Parses that come out the same are matched once (parses_ored). */
#define QUERY_LANGS_MAX 4
typedef struct {
    const char *v[QUERY_LANGS_MAX];
    size_t n;
} query_langs;

static void query_langs_pick(idx_searcher *s, const char *fq, query_langs *ql)
{
    const char *qlang = s->li ? lang_identify(s->li, fq, strlen(fq), NULL) : "";
    const char *qstem = *qlang ? lang_stemmer_name(qlang) : NULL;
    ql->n = 0;
    if (qstem && strcmp(qstem, "french") != 0 && strcmp(qstem, "english") != 0)
        ql->v[ql->n++] = qstem;
    ql->v[ql->n++] = "french";
    ql->v[ql->n++] = "english";
    ql->v[ql->n++] = NULL; /* exact words */
}

/* The "did you mean" of the query (Xapian's spelling correction of the first parse), or NULL
 * in *corrected. It only names the corrected query string: the parsed query does not depend on
 * it, so it is asked for only when the results are few enough to show it. */
static ch_status spelling_correction(idx_searcher *s, const char *fq, const query_langs *ql,
                                     char **corrected)
{
    *corrected = NULL;
    xap_query *q = NULL;
    ch_status st = parse_one(s, fq, ql->v[0], false, true, &q, corrected);
    xap_query_free(q);
    return st;
}

/* The query's parses (one per stemmer of ql) ORed into *out. Parses often coincide: a phrase is
 * never stemmed, and many words have the same French and English stem. A parse equal to one
 * already taken is not matched again (a phrase in three copies cost three phrase checks of every
 * candidate page); the one kept is weighted by its number of copies, the weight they had
 * together (Xapian weighs each occurrence of a term in a query alike), so the ranking is
 * unchanged. *desc, if not NULL, gets one line per distinct parse, "COPIES<TAB>description",
 * malloc'd. */
static ch_status parses_ored(idx_searcher *s, const char *fq, const query_langs *ql,
                             bool or_default, xap_query **out, char **desc)
{
    *out = NULL;
    if (desc)
        *desc = NULL;
    xap_query *parse[QUERY_LANGS_MAX] = {0};
    char *pdesc[QUERY_LANGS_MAX] = {0};
    unsigned copies[QUERY_LANGS_MAX] = {0};
    size_t np = 0;
    ch_status st = CH_OK;
    for (size_t i = 0; i < ql->n && !st; i++) {
        xap_query *part = NULL;
        char *d = NULL;
        if ((st = parse_one(s, fq, ql->v[i], or_default, false, &part, NULL)))
            break;
        if (xap_query_describe(part, &d) != XAP_OK) {
            xap_query_free(part);
            st = CH_ERR_NOMEM;
            break;
        }
        size_t j = 0;
        while (j < np && strcmp(pdesc[j], d) != 0)
            j++;
        if (j < np) {
            copies[j]++;
            xap_query_free(part);
            free(d);
            continue;
        }
        parse[np] = part;
        pdesc[np] = d;
        copies[np++] = 1;
    }
    buf_t all;
    buf_init(&all, IDX_MAX_QUERY_BYTES * 512); /* tens of bytes of description per query byte */
    for (size_t j = 0; j < np && !st; j++) {
        xap_query *kept = parse[j];
        parse[j] = NULL;
        if (copies[j] > 1) {
            xap_query *scaled = NULL;
            xap_status xs = xap_query_scale_weight(kept, (double)copies[j], &scaled);
            xap_query_free(kept);
            if (xs != XAP_OK) {
                st = CH_ERR_NOMEM;
                break;
            }
            kept = scaled;
        }
        if (desc && (st = buf_appendf(&all, "%u\t%s\n", copies[j], pdesc[j]))) {
            xap_query_free(kept);
            break;
        }
        st = or_take(out, kept);
    }
    for (size_t j = 0; j < np; j++) {
        xap_query_free(parse[j]);
        free(pdesc[j]);
    }
    if (!st && desc && !(*desc = buf_steal(&all, NULL)))
        st = CH_ERR_NOMEM;
    buf_free(&all);
    if (st) {
        xap_query_free(*out);
        *out = NULL;
    }
    return st;
}

/* How the words of a query must match: all of them, all but one, any. */
typedef enum { MATCH_ALL, MATCH_ALL_BUT_ONE, MATCH_ANY } match_mode;

/* Whether a token of the folded query is a plain word, the only kind a widened query may leave
 * out (phrases, exclusions, fields and filters always stay). */
static bool is_plain_word(const char *tok, size_t len)
{
    if (!len || is_operator(tok, len) || tok[0] == '-' || tok[0] == '+')
        return false;
    for (size_t i = 0; i < len; i++)
        if (tok[i] == '"' || tok[i] == ':' || tok[i] == '(' || tok[i] == ')')
            return false;
    return true;
}

/* The query with all its words but one: pages with every plain word but one (MATCH_ALL_BUT_ONE),
 * weighed by the words they have, as with OR between words. *out is NULL when the query cannot
 * be widened: fewer than two plain words or more than IDX_WIDEN_MAX_WORDS, or an operator
 * (AND, OR, NOT, XOR: the user wrote the logic). */
static ch_status parses_widened(idx_searcher *s, const char *fq, const query_langs *ql,
                                xap_query **out)
{
    *out = NULL;
    size_t start[IDX_WIDEN_MAX_WORDS], len[IDX_WIDEN_MAX_WORDS], nw = 0;
    size_t pos = 0, n = strlen(fq), ts, tl;
    bool in_phrase = false;
    while (next_token(fq, n, &pos, &ts, &tl)) {
        if (is_operator(fq + ts, tl))
            return CH_OK;
        if (!token_quoted(fq + ts, tl, &in_phrase) && is_plain_word(fq + ts, tl)) {
            if (nw == IDX_WIDEN_MAX_WORDS)
                return CH_OK;
            start[nw] = ts;
            len[nw++] = tl;
        }
    }
    if (nw < 2)
        return CH_OK;
    xap_query *any = NULL, *allbut1 = NULL, *part = NULL;
    ch_status st = parses_ored(s, fq, ql, true, &any, NULL);
    buf_t sub;
    buf_init(&sub, strlen(fq) + 1);
    for (size_t w = 0; w < nw && !st; w++) {
        sub.len = 0;
        st = buf_append(&sub, fq, start[w]);
        if (!st)
            st = buf_append_str(&sub, fq + start[w] + len[w]);
        if (!st)
            st = parses_ored(s, buf_str(&sub), ql, false, &part, NULL);
        if (!st)
            st = or_take(&allbut1, part);
        part = NULL;
    }
    buf_free(&sub);
    if (!st && any && allbut1) {
        st = combine_take(XAP_Q_FILTER, &any, allbut1); /* weighed by the words present */
        allbut1 = NULL;
    }
    if (st) {
        xap_query_free(any);
        any = NULL;
    }
    xap_query_free(allbut1);
    *out = any;
    return st;
}

/* The known-item prior: the query's words looked up in the title field alone (S terms, stemmed
 * as the main parse), among the URL words (XU terms, exact) and as a title key (XT: the query is
 * a page's title or a part of it), ORed, as a weight that selects nothing. Titles and URL words
 * also count in the main field (wdf x5 and x2), but there a long page that repeats a word saturates
 * BM25 as much as the page named after it; these fields are a few words long, so their BM25 weight
 * favours the page whose title or address is the query
 * ("asyncio" finds asyncio.html, "asyncio — Asynchronous I/O", before "Coroutines and Tasks").
 * *out is NULL when the query has no plain word. */
static ch_status known_item_prior(idx_searcher *s, const char *fq, const query_langs *ql,
                                  xap_query **out)
{
    *out = NULL;
    qwords qw;
    qwords_collect(fq, &qw);
    buf_t tq;
    buf_init(&tq, IDX_MAX_QUERY_BYTES * 8);
    ch_status st = CH_OK;
    for (size_t i = 0; i < qw.n && !st; i++)
        st = buf_appendf(&tq, "%stitle:%s", i ? " " : "", qw.w[i]);
    xap_query *acc = NULL, *part = NULL;
    if (!st && tq.len)
        st = parses_ored(s, buf_str(&tq), ql, true, &acc, NULL);
    for (size_t i = 0; i < qw.n && !st; i++) {
        char t[300];
        snprintf(t, sizeof t, "XU%s", qw.w[i]);
        if (xap_query_term(t, 1, &part) != XAP_OK)
            st = CH_ERR_NOMEM;
        else
            st = or_take(&acc, part);
        part = NULL;
    }
    /* the query's words as a title key: "built-in types" names "Built-in Types" exactly, where
     * the title words alone rank "types — ... names for built-in types" as high */
    buf_t words, key;
    buf_init(&words, IDX_MAX_QUERY_BYTES * 2);
    buf_init(&key, IDX_MAX_QUERY_BYTES * 2);
    for (size_t i = 0; i < qw.n && !st; i++)
        st = buf_appendf(&words, "%s%s", i ? " " : "", qw.w[i]);
    if (!st)
        st = idx_title_key(buf_str(&words), words.len, &key);
    char term_text[IDX_TITLE_TERM_SIZE];
    if (!st && key.len && !(st = idx_title_term(buf_str(&key), key.len, term_text))) {
        xap_query *term = NULL;
        if (xap_query_term(term_text, 1, &term) != XAP_OK ||
            xap_query_scale_weight(term, IDX_TITLE_KEY_WEIGHT, &part) != XAP_OK)
            st = CH_ERR_NOMEM;
        else
            st = or_take(&acc, part);
        xap_query_free(term);
        part = NULL;
    }
    if (!st && acc && xap_query_scale_weight(acc, IDX_TITLE_WEIGHT, out) != XAP_OK)
        st = CH_ERR_NOMEM;
    xap_query_free(acc);
    buf_free(&words);
    buf_free(&key);
    buf_free(&tq);
    qwords_free(&qw);
    return st;
}

/* The whole query: parses ORed (words matched as `mode` says), the known-item prior (from
 * known_item_prior, the same for every mode; may be NULL), scope, hidden categories, static
 * rank. *parses_desc describes the parses (not for MATCH_ALL_BUT_ONE). *out is NULL when the
 * query cannot be widened to MATCH_ALL_BUT_ONE. */
static ch_status build_query(idx_searcher *s, const char *fq, const query_langs *ql,
                             const xap_query *prior, const idx_search_params *p, match_mode mode,
                             xap_query **out, char **parses_desc)
{
    *parses_desc = NULL;
    *out = NULL;
    ch_status st = CH_OK;
    xap_query *q = NULL, *part = NULL;
    if ((st = mode == MATCH_ALL_BUT_ONE
                  ? parses_widened(s, fq, ql, &q)
                  : parses_ored(s, fq, ql, mode == MATCH_ANY, &q, parses_desc)) ||
        !q)
        goto out;
    if (prior) {
        xap_query *with_prior = NULL;
        if (xap_query_combine(XAP_Q_AND_MAYBE, q, prior, &with_prior) != XAP_OK) {
            st = CH_ERR_NOMEM;
            goto out;
        }
        xap_query_free(q);
        q = with_prior;
    }
    if (p->default_site && *p->default_site && !has_site_scope(fq)) {
        char t[300];
        snprintf(t, sizeof t, "D%s", p->default_site);
        if (xap_query_term(t, 1, &part) != XAP_OK || (st = combine_take(XAP_Q_FILTER, &q, part))) {
            st = st ? st : CH_ERR_NOMEM;
            part = NULL;
            goto out;
        }
        part = NULL;
    }
    if (p->required_category && *p->required_category) {
        char t[64]; /* "XC" + a category term (filters: at most 47 bytes) */
        int n = snprintf(t, sizeof t, "XC%s", p->required_category);
        if (n < 0 || (size_t)n >= sizeof t) {
            st = CH_ERR_ARG; /* never search unfiltered when the filter cannot be applied */
            goto out;
        }
        if (xap_query_term(t, 1, &part) != XAP_OK || (st = combine_take(XAP_Q_FILTER, &q, part))) {
            st = st ? st : CH_ERR_NOMEM;
            part = NULL;
            goto out;
        }
        part = NULL;
    }
    if (p->n_hidden) {
        char **terms = calloc(p->n_hidden, sizeof *terms);
        if (!terms) {
            st = CH_ERR_NOMEM;
            goto out;
        }
        size_t nt = 0;
        for (size_t i = 0; i < p->n_hidden; i++) {
            if (!p->hidden_categories[i])
                continue;
            size_t n = strlen(p->hidden_categories[i]) + 3;
            terms[nt] = malloc(n);
            if (!terms[nt])
                break; /* a term left out would show what the mode hides: fail instead */
            snprintf(terms[nt++], n, "XC%s", p->hidden_categories[i]);
        }
        bool complete = nt == count_nonnull(p->hidden_categories, p->n_hidden);
        xap_status xs = !complete ? XAP_ERR_NOMEM
                        : nt      ? xap_query_terms(XAP_Q_OR, (const char *const *)terms, nt, &part)
                                  : XAP_OK;
        for (size_t i = 0; i < nt; i++)
            free(terms[i]);
        free(terms);
        if (xs != XAP_OK) {
            st = CH_ERR_NOMEM;
            goto out;
        }
        if (part && (st = combine_take(XAP_Q_AND_NOT, &q, part))) {
            part = NULL;
            goto out;
        }
        part = NULL;
    }
    if ((st = and_maybe_static_rank(&q, IDX_RANK_WEIGHT)))
        goto out;
    *out = q;
    q = NULL;
out:
    xap_query_free(part);
    xap_query_free(q);
    if (st) {
        free(*parses_desc);
        *parses_desc = NULL;
    }
    return st;
}

/* ---- snippets ----------------------------------------------------------------------------- */

static bool word_matches(const char *w, size_t wl, const char *q)
{
    size_t ql = strlen(q);
    if (wl == ql && memcmp(w, q, wl) == 0)
        return true;
    size_t m = wl < ql ? wl : ql;
    size_t diff = wl > ql ? wl - ql : ql - wl;
    if (m < 4 || diff > 3)
        return false;
    /* One is the other plus an ending: "fonction"/"fonctions", "negatif"/"negatifs". */
    return memcmp(w, q, m) == 0;
}

typedef struct {
    size_t start, len;
    size_t q; /* which query word */
} match;

/* A snippet of text around the query words: HTML-escaped, matches in <mark></mark>.
 * Every word of the text is looked at, but only the words whose folded form starts with the
 * first byte of a query word are folded: word_matches() needs that byte to be equal, and the
 * folded form of a word that starts with an ASCII character starts with that character in
 * lowercase. */
static char *make_snippet(const char *text, size_t len, const qwords *qw)
{
    buf_t out;
    buf_init(&out, IDX_SNIPPET_BYTES * 8 + 256);
    char fw[256]; /* a folded word (at most 100 bytes of text, see below) */
    bool first[256] = {false};
    for (size_t k = 0; k < qw->n; k++)
        first[(unsigned char)qw->w[k][0]] = true;
    match *m = NULL;
    size_t nm = 0, cap = 0;
    text_words it;
    size_t ws, wl;
    text_words_init(&it, text, len);
    while (qw->n && text_next_word(&it, &ws, &wl)) {
        if (wl > 100)
            continue;
        unsigned char c0 = (unsigned char)text[ws];
        if (c0 < 0x80 && !first[c0 >= 'A' && c0 <= 'Z' ? c0 - 'A' + 'a' : c0])
            continue;
        size_t fl = text_fold_to(text + ws, wl, fw, sizeof fw);
        if (fl == SIZE_MAX || fl == 0 || !first[(unsigned char)fw[0]])
            continue;
        for (size_t k = 0; k < qw->n; k++) {
            if (!word_matches(fw, fl, qw->w[k]))
                continue;
            if (buf_reserve_array(&m, &cap, nm + 1, sizeof *m, 32))
                goto done;
            m[nm++] = (match){ws, wl, k};
            break;
        }
    }
done:;
    /* The window of IDX_SNIPPET_BYTES starting at a match that covers most distinct words. */
    size_t best_i = 0, best_score = 0;
    for (size_t i = 0; i < nm; i++) {
        unsigned long seen = 0;
        size_t score = 0;
        for (size_t j = i; j < nm && m[j].start + m[j].len <= m[i].start + IDX_SNIPPET_BYTES; j++) {
            unsigned long bit = 1ul << (m[j].q % 64);
            score += (seen & bit) ? 1 : 100;
            seen |= bit;
        }
        if (score > best_score) {
            best_score = score;
            best_i = i;
        }
    }
    size_t start = 0;
    if (nm) {
        start = m[best_i].start > 60 ? m[best_i].start - 60 : 0;
        while (start > 0 && start < m[best_i].start && text[start - 1] != ' ' &&
               text[start - 1] != '\n')
            start++;
    }
    size_t end = start + IDX_SNIPPET_BYTES;
    if (end >= len) {
        end = len;
    } else {
        while (end > start && text[end] != ' ' && text[end] != '\n')
            end--;
        if (end == start)
            end = start + IDX_SNIPPET_BYTES;
        while (end < len && ((unsigned char)text[end] & 0xC0) == 0x80)
            end++;
    }
    if (start > 0)
        buf_append_str(&out, "\xe2\x80\xa6 ");
    size_t pos = start;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].start < pos || m[i].start + m[i].len > end)
            continue;
        html_escape_n(&out, text + pos, m[i].start - pos);
        buf_append_str(&out, "<mark>");
        html_escape_n(&out, text + m[i].start, m[i].len);
        buf_append_str(&out, "</mark>");
        pos = m[i].start + m[i].len;
    }
    html_escape_n(&out, text + pos, end - pos);
    if (end < len)
        buf_append_str(&out, " \xe2\x80\xa6");
    free(m);
    return buf_steal(&out, NULL);
}

/* ---- searching ---------------------------------------------------------------------------- */

typedef struct {
    size_t idx; /* index in the mset */
    char *host;
} cand;

/* Mark as used (never shown) each of the n candidates that is a near-duplicate of a better one
 * kept (neardup.h: their sketches sk[i], len[i] bytes; candidates without one, as in an index
 * written before sketches, are kept). Identical texts were collapsed by Xapian already. */
static void drop_near_duplicates(char *const *sk, const size_t *len, size_t n, bool *used)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i && len[i] && !used[i]; j++)
            if (!used[j] && idx_sketch_near_duplicates(sk[i], len[i], sk[j], len[j]))
                used[i] = true;
}

void idx_results_free(idx_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_results; i++) {
        idx_result *x = &r->results[i];
        free(x->url);
        free(x->title);
        free(x->snippet);
        free(x->lang);
        free(x->site);
    }
    free(r->results);
    free(r->corrected_query);
    memset(r, 0, sizeof *r);
}

static char *json_str_dup(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return strdup(v ? v : "");
}

/* Fill one result from mset item i. */
static ch_status fill_result(idx_searcher *s, xap_mset *ms, size_t i, const qwords *qw,
                             idx_result *r)
{
    char *data = NULL;
    size_t len = 0;
    xap_status xs = xap_mset_item_data(ms, i, &data, &len);
    if (xs != XAP_OK)
        return xs == XAP_ERR_DB_MODIFIED ? CH_ERR_EOF : CH_ERR_IO;
    size_t jl = idx_data_json_len(data, len);
    json_t *o = json_loadb(data, jl, 0, NULL);
    if (!o)
        o = json_object(); /* a document without our data: show what we can */
    if (!o) {
        free(data);
        return CH_ERR_NOMEM;
    }
    r->url = json_str_dup(o, "url");
    r->title = json_str_dup(o, "title");
    r->lang = json_str_dup(o, "lang");
    r->site = json_str_dup(o, "site");
    /* The snippet's text: after the JSON (index.h), else in its value slot (indexes of
     * chouette-index-2), else the JSON's "text" (chouette-index-1), else the description. */
    char unpacked[IDX_DATA_TEXT_MAX];
    size_t tl = 0;
    if (jl < len) {
        tl = idx_text_unpack(s->inflate, data + jl + 1, len - jl - 1, unpacked);
    } else {
        char *packed = NULL;
        size_t packed_len = 0;
        if ((xs = xap_mset_item_value(ms, i, IDX_SLOT_TEXT, &packed, &packed_len)) != XAP_OK) {
            json_decref(o);
            free(data);
            return xs == XAP_ERR_DB_MODIFIED ? CH_ERR_EOF : CH_ERR_IO;
        }
        tl = idx_text_unpack(s->inflate, packed, packed_len, unpacked);
        free(packed);
    }
    free(data);
    const char *text = unpacked;
    if (!tl) {
        text = json_string_value(json_object_get(o, "text"));
        tl = json_string_length(json_object_get(o, "text"));
    }
    const char *desc = json_string_value(json_object_get(o, "description"));
    if ((!text || !tl) && desc) {
        text = desc;
        tl = strlen(desc);
    }
    r->snippet = make_snippet(text ? text : "", text ? tl : 0, qw);
    json_decref(o);
    if (!r->url || !r->title || !r->lang || !r->site || !r->snippet)
        return CH_ERR_NOMEM;
    return CH_OK;
}

/* One attempt; CH_ERR_EOF means "the database moved: reopen and retry", CH_ERR_IO "a database
 * failed (a remote shard that went down)". */
static ch_status search_once(idx_searcher *s, const idx_search_params *p, const char *fq,
                             unsigned per_page, idx_results *out)
{
    ch_status st = CH_OK;
    xap_query *q = NULL;
    xap_enquire *enq = NULL;
    xap_mset *ms = NULL;
    cand *c = NULL;
    bool *used = NULL;
    char *corrected = NULL;
    char *and_desc = NULL; /* the parses with AND between words */
    xap_query *prior = NULL;
    qwords qw = {0};
    size_t n = 0;
    bool scoped = has_site_scope(fq) || (p->default_site && *p->default_site);
    unsigned window = per_page * IDX_WINDOW_FACTOR;
    unsigned depth = p->page * per_page + window + 1;

    if (xap_enquire_new(s->db, &enq) != XAP_OK) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    xap_enquire_set_bm25(enq, IDX_BM25_K1, 0, 1, IDX_BM25_B, 0.5);
    xap_enquire_set_collapse_key(enq, IDX_SLOT_DUPKEY, 1);
    xap_enquire_set_time_limit(enq, p->time_limit_s > 0 ? p->time_limit_s : IDX_DEFAULT_TIME_LIMIT);
    query_langs ql;
    query_langs_pick(s, fq, &ql);
    if ((st = known_item_prior(s, fq, &ql, &prior)))
        goto out;
    size_t n_all = 0; /* pages with all the words */
    for (match_mode mode = MATCH_ALL; mode <= MATCH_ANY; mode++) {
        if (mode == MATCH_ANY && ms && xap_mset_size(ms) > 0)
            break; /* OR only when nothing else matched */
        xap_query_free(q);
        q = NULL;
        char *desc = NULL;
        if ((st = build_query(s, fq, &ql, prior, p, mode, &q, &desc)))
            goto out;
        if (mode == MATCH_ALL) {
            and_desc = desc;
        } else if (mode == MATCH_ANY) {
            bool same = and_desc && desc && strcmp(and_desc, desc) == 0;
            free(desc);
            if (same)
                break; /* OR between words changes nothing (one word, phrases only) */
        }
        if (!q)
            continue; /* not widened */
        xap_mset_free(ms);
        ms = NULL;
        xap_status xs = xap_enquire_set_query(enq, q);
        if (xs == XAP_OK)
            xs = xap_enquire_get_mset(enq, 0, depth, depth, &ms);
        if (xs == XAP_ERR_DB_MODIFIED) {
            st = CH_ERR_EOF;
            goto out;
        }
        if (xs != XAP_OK) {
            set_err(s, "search failed", xap_enquire_last_error(enq));
            st = xs == XAP_ERR_NETWORK ? CH_ERR_IO : CH_ERR_INTERNAL;
            goto out;
        }
        if (mode == MATCH_ALL)
            n_all = xap_mset_size(ms);
        if (xap_mset_size(ms) >= (mode == MATCH_ALL ? IDX_WIDEN_BELOW : 1))
            break;
    }
    unsigned long est = 0;
    xap_mset_matches_estimated(ms, &est);
    out->estimated_total = est;
    n = xap_mset_size(ms);
    /* few pages with all the words: a word may be misspelt, even when widening found more */
    if (n_all < IDX_FEW_RESULTS && (st = spelling_correction(s, fq, &ql, &corrected)))
        goto out;
    if (corrected && strcmp(corrected, fq) != 0) {
        out->corrected_query = corrected;
        corrected = NULL;
    }
    c = calloc(n ? n : 1, sizeof *c);
    used = calloc(n ? n : 1, sizeof *used);
    if (!c || !used) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    {
        /* hosts then sketches, in one read (one document fetch per item on a remote shard) */
        const xap_slot slots[] = {IDX_SLOT_HOST, IDX_SLOT_SKETCH};
        char **vals = calloc(n ? 2 * n : 1, sizeof *vals);
        size_t *lens = calloc(n ? 2 * n : 1, sizeof *lens);
        xap_status xs = vals && lens ? xap_mset_values(ms, slots, 2, vals, lens) : XAP_ERR_NOMEM;
        if (xs == XAP_OK) {
            for (size_t i = 0; i < n; i++) {
                c[i].idx = i;
                c[i].host = vals[i];
            }
            drop_near_duplicates(vals + n, lens + n, n, used);
            for (size_t i = 0; i < n; i++)
                free(vals[n + i]);
        }
        free(vals);
        free(lens);
        if (xs != XAP_OK) {
            st = xs == XAP_ERR_NOMEM ? CH_ERR_NOMEM : CH_ERR_EOF;
            goto out;
        }
    }
    /* Pages 1..p, each: the next results in rank order, at most IDX_MAX_PER_SITE per host among
     * a window of the next `window` unused results, filled in rank order when short. */
    size_t first_unused = 0;
    size_t page_items[IDX_MAX_PER_PAGE];
    size_t n_page = 0;
    for (unsigned pg = 1; pg <= p->page; pg++) {
        n_page = 0;
        while (first_unused < n && used[first_unused])
            first_unused++;
        size_t seen = 0;
        for (size_t i = first_unused; i < n && n_page < per_page && seen < window; i++) {
            if (used[i])
                continue;
            seen++;
            unsigned same = 0;
            for (size_t k = 0; k < n_page; k++)
                same += strcmp(c[page_items[k]].host, c[i].host) == 0;
            if (scoped || same < IDX_MAX_PER_SITE)
                page_items[n_page++] = i;
        }
        for (size_t i = first_unused; i < n && n_page < per_page; i++) {
            bool taken = used[i];
            for (size_t k = 0; k < n_page && !taken; k++)
                taken = page_items[k] == i;
            if (!taken)
                page_items[n_page++] = i;
        }
        for (size_t k = 0; k < n_page; k++)
            used[page_items[k]] = true;
    }
    /* Rank order within the page. */
    for (size_t a = 1; a < n_page; a++)
        for (size_t b = a; b > 0 && page_items[b - 1] > page_items[b]; b--) {
            size_t t = page_items[b];
            page_items[b] = page_items[b - 1];
            page_items[b - 1] = t;
        }
    bool more = false;
    for (size_t i = 0; i < n && !more; i++)
        more = !used[i];
    out->has_next_page = more;
    if (n_page) {
        out->results = calloc(n_page, sizeof *out->results);
        if (!out->results) {
            st = CH_ERR_NOMEM;
            goto out;
        }
    }
    qwords_collect(fq, &qw);
    for (size_t k = 0; k < n_page; k++) {
        idx_result *r = &out->results[k];
        out->n_results = k + 1;
        if ((st = fill_result(s, ms, page_items[k], &qw, r)))
            goto out;
        r->rank = (p->page - 1) * per_page + (unsigned)k + 1;
        unsigned more_site = 0;
        for (size_t i = 0; i < n && !scoped; i++)
            if (!used[i] && strcmp(c[i].host, c[page_items[k]].host) == 0)
                more_site++;
        r->more_from_site = more_site;
    }
out:
    qwords_free(&qw);
    if (c)
        for (size_t i = 0; i < n; i++)
            free(c[i].host);
    free(c);
    free(used);
    free(corrected);
    free(and_desc);
    xap_mset_free(ms);
    xap_enquire_free(enq);
    xap_query_free(q);
    xap_query_free(prior);
    return st;
}

/* The user's query checked and folded into *fq (buf_init'd here; the caller frees it):
 * CH_ERR_LIMIT when too long, CH_ERR_PARSE when not UTF-8 text, with the reason on s. */
static ch_status prepare_query(idx_searcher *s, const char *query, buf_t *fq)
{
    buf_init(fq, IDX_MAX_QUERY_BYTES * 4 + 16);
    size_t len = strlen(query);
    if (len > IDX_MAX_QUERY_BYTES) {
        set_err(s, "the query is too long", NULL);
        return CH_ERR_LIMIT;
    }
    ch_status st = text_utf8_valid(query, len) ? fold_query(query, fq) : CH_ERR_PARSE;
    if (st) {
        set_err(s, "the query is not valid UTF-8 text", NULL);
        return st == CH_ERR_LIMIT ? CH_ERR_LIMIT : CH_ERR_PARSE;
    }
    return CH_OK;
}

ch_status idx_search_describe_parses(idx_searcher *s, const idx_search_params *p, bool or_default,
                                     char **out)
{
    *out = NULL;
    if (!s || !p || !p->query)
        return CH_ERR_ARG;
    s->err[0] = '\0';
    buf_t fq;
    ch_status st = prepare_query(s, p->query, &fq);
    xap_query *q = NULL;
    if (!st) {
        query_langs ql;
        query_langs_pick(s, buf_str(&fq), &ql);
        st = parses_ored(s, buf_str(&fq), &ql, or_default, &q, out);
    }
    xap_query_free(q);
    buf_free(&fq);
    return st;
}

ch_status idx_search(idx_searcher *s, const idx_search_params *p, idx_results *out)
{
    memset(out, 0, sizeof *out);
    if (!s || !p || !p->query)
        return CH_ERR_ARG;
    s->err[0] = '\0';
    unsigned per_page = p->per_page ? p->per_page : 10;
    buf_t fq;
    ch_status st = prepare_query(s, p->query, &fq);
    if (!st && (p->page < 1 || p->page > IDX_MAX_PAGE || per_page > IDX_MAX_PER_PAGE)) {
        set_err(s, "bad page or page size", NULL);
        st = CH_ERR_ARG;
    }
    if (st) {
        buf_free(&fq);
        return st;
    }
    if (!fq.len) { /* nothing to look for: no results, not an error */
        buf_free(&fq);
        return CH_OK;
    }
    bool shards_reopened = false;
    for (int attempt = 0; attempt < IDX_MAX_RETRIES; attempt++) {
        st = search_once(s, p, buf_str(&fq), per_page, out);
        if (st == CH_OK || (st != CH_ERR_EOF && st != CH_ERR_IO))
            break;
        idx_results_free(out);
        int changed;
        xap_status xs = st == CH_ERR_EOF ? xap_db_reopen(s->db, &changed) : XAP_ERR_NETWORK;
        if (xs == XAP_ERR_NETWORK && s->is_stub && !shards_reopened) {
            /* A shard failed during the search (CH_ERR_IO is a network error, see
             * search_once): once, open the stub again without what does not answer now and
             * run the search on the rest, flagged degraded. */
            shards_reopened = true;
            if (reopen_shards(s) == CH_OK) {
                attempt--; /* this round does not count against IDX_MAX_RETRIES */
                continue;
            }
            st = CH_ERR_IO;
            break;
        }
        if (xs != XAP_OK) {
            if (st == CH_ERR_EOF)
                set_err(s, "cannot reopen the index", xap_db_last_error(s->db));
            st = CH_ERR_IO;
            break;
        }
    }
    if (st == CH_ERR_EOF) {
        set_err(s, "the index kept changing during the search", NULL);
        st = CH_ERR_IO;
    }
    if (st)
        idx_results_free(out);
    else
        out->degraded = s->n_down > 0;
    buf_free(&fq);
    return st;
}

void idx_strings_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Titles of the best pages whose title has words starting with the prefix's words. */
static ch_status suggest_once(idx_searcher *s, const char *fq, const char *const *hidden,
                              size_t n_hidden, size_t max, char ***out, size_t *n)
{
    ch_status st = CH_OK;
    buf_t qs;
    buf_init(&qs, IDX_MAX_QUERY_BYTES * 8);
    xap_qparser *qp = NULL;
    xap_query *q = NULL, *part = NULL;
    xap_enquire *enq = NULL;
    xap_mset *ms = NULL;
    char **v = NULL;
    size_t nv = 0;
    /* "tableau cro" -> "title:tableau title:cro*" */
    text_words it;
    size_t ws, wl, last = 0;
    text_words_init(&it, fq, strlen(fq));
    while (text_next_word(&it, &ws, &wl)) {
        if (qs.len)
            buf_append_char(&qs, ' ');
        buf_append_str(&qs, "title:");
        buf_append(&qs, fq + ws, wl);
        last = ws + wl;
    }
    if (!qs.len || last < strlen(fq)) /* ends with a space: no completion of the last word */
        goto out;
    if ((st = buf_append_char(&qs, '*')))
        goto out;
    if (xap_qparser_new(&qp) != XAP_OK || xap_qparser_add_prefix(qp, "title", "S") ||
        xap_qparser_set_default_op(qp, XAP_QP_OP_AND) || xap_qparser_set_database(qp, s->db)) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    xap_status xs = xap_qparser_parse(qp, buf_str(&qs), XAP_QP_WILDCARD, &q);
    if (xs != XAP_OK) {
        st = xs == XAP_ERR_DB_MODIFIED ? CH_ERR_EOF : CH_OK;
        goto out;
    }
    if (n_hidden) {
        char **terms = calloc(n_hidden, sizeof *terms);
        size_t nt = 0;
        for (size_t i = 0; terms && i < n_hidden; i++) {
            size_t l = strlen(hidden[i]) + 3;
            if ((terms[nt] = malloc(l)))
                snprintf(terms[nt++], l, "XC%s", hidden[i]);
        }
        xs =
            terms && nt ? xap_query_terms(XAP_Q_OR, (const char *const *)terms, nt, &part) : XAP_OK;
        for (size_t i = 0; i < nt; i++)
            free(terms[i]);
        free(terms);
        if (xs != XAP_OK || (part && (st = combine_take(XAP_Q_AND_NOT, &q, part)))) {
            st = st ? st : CH_ERR_NOMEM;
            part = NULL;
            goto out;
        }
        part = NULL;
    }
    /* a title prefix matches many titles about alike: the static rank weighs more here */
    if ((st = and_maybe_static_rank(&q, IDX_RANK_WEIGHT * 4)))
        goto out;
    if (xap_enquire_new(s->db, &enq) != XAP_OK) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    xap_enquire_set_time_limit(enq, IDX_DEFAULT_TIME_LIMIT);
    xap_enquire_set_query(enq, q);
    xs = xap_enquire_get_mset(enq, 0, (unsigned)max * 4, 0, &ms);
    if (xs != XAP_OK) {
        st = xs == XAP_ERR_DB_MODIFIED ? CH_ERR_EOF : CH_ERR_IO;
        goto out;
    }
    v = calloc(max ? max : 1, sizeof *v);
    if (!v) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < xap_mset_size(ms) && nv < max; i++) {
        char *data = NULL;
        size_t len;
        if ((xs = xap_mset_item_data(ms, i, &data, &len)) != XAP_OK) {
            st = xs == XAP_ERR_DB_MODIFIED ? CH_ERR_EOF : CH_ERR_IO;
            goto out;
        }
        json_t *o = json_loadb(data, idx_data_json_len(data, len), 0, NULL);
        free(data);
        const char *t = o ? json_string_value(json_object_get(o, "title")) : NULL;
        bool dup = !t || !*t;
        for (size_t k = 0; k < nv && !dup; k++)
            dup = strcasecmp(v[k], t) == 0;
        if (!dup && !(v[nv++] = strdup(t))) {
            nv--;
            st = CH_ERR_NOMEM;
        }
        json_decref(o);
        if (st)
            goto out;
    }
out:
    if (st) {
        idx_strings_free(v, nv);
    } else if (v || !max) {
        *out = v;
        *n = nv;
        v = NULL;
    }
    xap_mset_free(ms);
    xap_enquire_free(enq);
    xap_query_free(part);
    xap_query_free(q);
    xap_qparser_free(qp);
    buf_free(&qs);
    return st;
}

ch_status idx_suggest(idx_searcher *s, const char *prefix, const char *const *hidden_categories,
                      size_t n_hidden, size_t max, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!s || !prefix || (n_hidden && !hidden_categories))
        return CH_ERR_ARG;
    if (strlen(prefix) > IDX_MAX_QUERY_BYTES)
        return CH_ERR_LIMIT;
    if (!text_utf8_valid(prefix, strlen(prefix)))
        return CH_ERR_PARSE;
    buf_t fq;
    buf_init(&fq, IDX_MAX_QUERY_BYTES * 4 + 16);
    ch_status st = idx_fold(prefix, strlen(prefix), &fq);
    /* A one-letter prefix would expand to a large part of the vocabulary. */
    if (!st && fq.len >= 2 && max) {
        for (int attempt = 0; attempt < IDX_MAX_RETRIES; attempt++) {
            st = suggest_once(s, buf_str(&fq), hidden_categories, n_hidden, max, out, n);
            if (st == CH_ERR_IO && attempt == 0 && s->is_stub && reopen_shards(s) == CH_OK)
                continue; /* a shard went down: complete from the others */
            if (st != CH_ERR_EOF)
                break;
            int changed;
            xap_db_reopen(s->db, &changed);
        }
        if (st == CH_ERR_EOF)
            st = CH_ERR_IO;
    }
    if (!st && !*out) {
        *out = calloc(1, sizeof **out);
        if (!*out)
            st = CH_ERR_NOMEM;
    }
    buf_free(&fq);
    return st;
}
