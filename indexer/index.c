/* The index writer: WARC records -> Xapian documents. See index.h and docs/ARCHITECTURE.md. */
#include "indexer/index.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "common/text.h"
#include "common/url.h"
#include "common/warc.h"
#include "filters/classify.h"
#include "indexer/extract.h"
#include "indexer/lang.h"
#include "indexer/linkgraph.h"
#include "indexer/xapian/xap.h"

#define IDX_SCHEMA_VERSION "chouette-index-1" /* part of every version signature */
#define IDX_MAX_TERM 240u                     /* Xapian's limit is 245 bytes */
#define IDX_LONG_URL 200u                     /* longer URLs get a hashed Q term */
#define IDX_TERMPOS_GAP 100u                  /* positions skipped between fields */
#define IDX_SPELL_WORD_MAX 40u

/* ---- folding ------------------------------------------------------------------------------ */

ch_status idx_fold(const char *in, size_t len, buf_t *out)
{
    size_t start = out->len;
    ch_status st = text_fold(in, len, out);
    if (st)
        return st;
    for (size_t i = start; i < out->len; i++)
        if (out->data[i] == '\'')
            out->data[i] = ' ';
    return CH_OK;
}

/* A folded copy of s in a new buffer capped generously (folding may grow text). */
static ch_status fold_new(const char *s, size_t len, buf_t *out)
{
    buf_init(out, len * 4 + 64);
    ch_status st = idx_fold(s, len, out);
    if (st)
        buf_free(out);
    return st;
}

/* ---- the queue between the worker and the writer ------------------------------------------- */

typedef enum {
    IT_LINKS,      /* pass 1: a page and its links */
    IT_DOC,        /* pass 2: a document to write */
    IT_DELETE,     /* pass 2: remove qterm (404/410, noindex) */
    IT_SKIP,       /* a record not indexed, `reason` */
    IT_FILE_ERROR, /* a WARC file failed */
    IT_RECORD,     /* a record was read (progress) */
} item_kind;

typedef enum {
    R_NOT_HTML,
    R_NOT_200,
    R_NOINDEX,
    R_BROKEN,
    R_DUPLICATE,
    R_TOO_BIG,
} skip_reason;

typedef struct {
    item_kind kind;
    skip_reason reason;
    char *qterm;
    char *vterm;
    xap_doc *doc;
    char *spell; /* folded title and headings */
    size_t text_bytes;
    uint64_t page;
    uint64_t *targets;
    char **anchors;
    size_t n_targets;
    char *path;
    char *msg;
} item;

static void item_free(item *it)
{
    if (!it)
        return;
    free(it->qterm);
    free(it->vterm);
    xap_doc_free(it->doc);
    free(it->spell);
    free(it->targets);
    if (it->anchors)
        for (size_t i = 0; i < it->n_targets; i++)
            free(it->anchors[i]);
    free(it->anchors);
    free(it->path);
    free(it->msg);
    free(it);
}

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    item *ring[IDX_QUEUE_DEPTH];
    size_t head, count;
    bool done;  /* the worker has finished */
    bool abort; /* the writer gave up: the worker should stop */
} queue;

static void queue_init(queue *q)
{
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
}

static void queue_destroy(queue *q)
{
    while (q->count) {
        item_free(q->ring[q->head]);
        q->head = (q->head + 1) % IDX_QUEUE_DEPTH;
        q->count--;
    }
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
}

/* Push it (ownership passes to the queue). false when the writer aborted (it is freed). */
static bool queue_push(queue *q, item *it)
{
    pthread_mutex_lock(&q->mu);
    while (q->count == IDX_QUEUE_DEPTH && !q->abort)
        pthread_cond_wait(&q->not_full, &q->mu);
    bool ok = !q->abort;
    if (ok) {
        q->ring[(q->head + q->count) % IDX_QUEUE_DEPTH] = it;
        q->count++;
        pthread_cond_signal(&q->not_empty);
    }
    pthread_mutex_unlock(&q->mu);
    if (!ok)
        item_free(it);
    return ok;
}

/* The next item, or NULL when the worker is done and the queue empty. */
static item *queue_pop(queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (!q->count && !q->done)
        pthread_cond_wait(&q->not_empty, &q->mu);
    item *it = NULL;
    if (q->count) {
        it = q->ring[q->head];
        q->head = (q->head + 1) % IDX_QUEUE_DEPTH;
        q->count--;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
    return it;
}

static void queue_set_done(queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->done = true;
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

static void queue_set_abort(queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->abort = true;
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->mu);
}

/* ---- the writer handle -------------------------------------------------------------------- */

struct idx_writer {
    xap_wdb *wdb;
    xap_db *rdb; /* reader on the writer, sees uncommitted changes */
    idx_writer_opts opts;
    idx_stats stats;
    idx_linkgraph *graph;
    bool in_txn;
    size_t batch_docs, batch_bytes;
};

static char *xstrdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xstrdup_printf(const char *fmt, ...)
{
    buf_t b;
    buf_init(&b, 4096);
    va_list ap;
    va_start(ap, fmt);
    ch_status st = buf_vappendf(&b, fmt, ap);
    va_end(ap);
    if (st) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

ch_status idx_writer_open(const char *db_path, const idx_writer_opts *opts, idx_writer **out,
                          char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    ch_status st = CH_OK;
    idx_writer *w = NULL;
    char *xerr = NULL;
    if (!db_path || !*db_path)
        return CH_ERR_ARG;
    /* The parent directory must exist: we create the database, never a path to it. */
    {
        size_t n = strlen(db_path);
        char *parent = malloc(n + 3);
        if (!parent)
            return CH_ERR_NOMEM;
        memcpy(parent, db_path, n + 1);
        while (n > 1 && parent[n - 1] == '/')
            parent[--n] = '\0';
        char *slash = strrchr(parent, '/');
        if (!slash)
            memcpy(parent, ".", 2);
        else if (slash == parent)
            parent[1] = '\0';
        else
            *slash = '\0';
        struct stat sb;
        bool ok = stat(parent, &sb) == 0 && S_ISDIR(sb.st_mode);
        if (!ok && errmsg)
            *errmsg = xstrdup_printf("the directory %s does not exist", parent);
        free(parent);
        if (!ok)
            return CH_ERR_NOTFOUND;
    }
    extract_global_init();
    w = calloc(1, sizeof *w);
    if (!w)
        return CH_ERR_NOMEM;
    if (opts)
        w->opts = *opts;
    if (!w->opts.batch_docs)
        w->opts.batch_docs = IDX_BATCH_DOCS;
    if (!w->opts.batch_bytes)
        w->opts.batch_bytes = IDX_BATCH_BYTES;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        free(xerr);
        xerr = NULL;
        xap_status xs = xap_wdb_open(db_path, XAP_WDB_CREATE_OR_OPEN, &w->wdb, &xerr);
        if (xs == XAP_OK)
            break;
        if (xs == XAP_ERR_LOCKED) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            double waited =
                (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
            if (waited < w->opts.lock_wait_s) {
                struct timespec d = {0, 200 * 1000 * 1000};
                nanosleep(&d, NULL);
                continue;
            }
            if (errmsg)
                *errmsg = xstrdup_printf("the database %s is locked by another writer "
                                         "(another 'chouette index' is running)",
                                         db_path);
            st = CH_ERR_IO;
        } else if (xs == XAP_ERR_CORRUPT) {
            if (errmsg)
                *errmsg =
                    xstrdup_printf("the database %s is damaged: %s", db_path, xerr ? xerr : "");
            st = CH_ERR_PARSE;
        } else {
            if (errmsg)
                *errmsg = xstrdup_printf("cannot open the database %s: %s", db_path,
                                         xerr ? xerr : xap_status_str(xs));
            st = xs == XAP_ERR_NOT_FOUND ? CH_ERR_NOTFOUND : CH_ERR_IO;
        }
        goto out;
    }
    if (xap_wdb_reader(w->wdb, &w->rdb) != XAP_OK) {
        if (errmsg)
            *errmsg = xstrdup_printf("cannot read the database %s", db_path);
        st = CH_ERR_IO;
        goto out;
    }
    *out = w;
    w = NULL;
out:
    free(xerr);
    if (w) {
        xap_db_close(w->rdb);
        xap_wdb_close(w->wdb);
        free(w);
    }
    return st;
}

void idx_writer_stats(const idx_writer *w, idx_stats *out)
{
    if (w)
        *out = w->stats;
    else
        memset(out, 0, sizeof *out);
}

/* ---- the worker: WARC records -> items ------------------------------------------------------ */

typedef struct {
    const char *const *paths;
    size_t n_paths;
    int pass; /* 1: links, 2: documents */
    queue *q;
    const idx_linkgraph *graph;       /* pass 2, read-only */
    const flt_classifier *classifier; /* NULL: no categories */
    flt_verdict verdict;              /* the worker's own scratch for the classifier */
} worker_ctx;

static item *item_new(item_kind k)
{
    item *it = calloc(1, sizeof *it);
    if (it)
        it->kind = k;
    return it;
}

static bool push_skip(worker_ctx *c, skip_reason r)
{
    item *it = item_new(IT_SKIP);
    if (!it)
        return false;
    it->reason = r;
    return queue_push(c->q, it);
}

static bool mime_is_html(const char *ct, const char *payload, size_t len)
{
    if (!ct) { /* no type given: sniff the start like a browser would */
        size_t i = 0;
        while (i < len && (payload[i] == ' ' || payload[i] == '\n' || payload[i] == '\r' ||
                           payload[i] == '\t'))
            i++;
        return (len - i >= 9 && strncasecmp(payload + i, "<!doctype", 9) == 0) ||
               (len - i >= 5 && strncasecmp(payload + i, "<html", 5) == 0);
    }
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    return (n == 9 && strncasecmp(ct, "text/html", 9) == 0) ||
           (n == 21 && strncasecmp(ct, "application/xhtml+xml", 21) == 0);
}

/* The Q term of a normalised URL (malloc'd). */
static char *make_qterm(const char *url)
{
    size_t n = strlen(url);
    char *t = malloc(n < IDX_LONG_URL ? n + 2 : WARC_DIGEST_SIZE + 4);
    if (!t)
        return NULL;
    if (n < IDX_LONG_URL) {
        t[0] = 'Q';
        memcpy(t + 1, url, n + 1);
    } else {
        char d[WARC_DIGEST_SIZE];
        if (warc_sha1_base32(url, n, d) != CH_OK) {
            free(t);
            return NULL;
        }
        snprintf(t, WARC_DIGEST_SIZE + 4, "Q#%s", d + 5);
    }
    return t;
}

static ch_status add_prefixed_term(xap_doc *doc, const char *prefix, const char *value)
{
    char t[IDX_MAX_TERM + 8];
    int n = snprintf(t, sizeof t, "%s%s", prefix, value);
    if (n < 0 || (size_t)n > IDX_MAX_TERM)
        return CH_OK; /* too long for a term: left out */
    return xap_doc_add_boolean_term(doc, t) == XAP_OK ? CH_OK : CH_ERR_INTERNAL;
}

static ch_status index_field(xap_termgen *tg, const char *s, size_t len, unsigned wdf,
                             const char *prefix, bool positions)
{
    if (!len)
        return CH_OK;
    buf_t f;
    ch_status st = fold_new(s, len, &f);
    if (st)
        return st;
    xap_status xs =
        positions ? xap_termgen_index_text(tg, buf_str(&f), f.len, wdf, prefix)
                  : xap_termgen_index_text_without_positions(tg, buf_str(&f), f.len, wdf, prefix);
    if (xs == XAP_OK)
        xs = xap_termgen_increase_termpos(tg, IDX_TERMPOS_GAP);
    buf_free(&f);
    return xs == XAP_OK ? CH_OK : CH_ERR_INTERNAL;
}

/* The words of a URL's host and path, for URL-word terms: "docs.python.org/3/library/os.html"
 * gives "docs python org 3 library os html". */
static ch_status url_words(const char *url, buf_t *out)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    for (; *p && *p != '?' && *p != '#'; p++) {
        unsigned char ch = (unsigned char)*p;
        ch_status st = buf_append_char(out, (ch >= 0x80 || (ch >= '0' && ch <= '9') ||
                                             (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
                                                ? (char)ch
                                                : ' ');
        if (st)
            return st;
    }
    return CH_OK;
}

/* First `max` bytes of s, cut back to a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static double url_prior(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    unsigned depth = 0;
    for (; p && *p; p++) {
        if (*p == '/' && p[1])
            depth++;
        if (*p == '?')
            depth += 2;
    }
    return 1.0 / (1.0 + depth);
}

/* The static rank written to slot 0: the link graph's rank, with a small short-URL prior. */
static double static_rank(const idx_linkgraph *g, const char *url)
{
    bool known = false;
    double r = idx_linkgraph_rank(g, idx_url_hash(url), &known);
    if (!known)
        r = 0;
    return 0.85 * r + 0.15 * url_prior(url);
}

static void fetch_date(const char *warc_date, char out[15])
{
    size_t n = 0;
    for (const char *p = warc_date; p && *p && n < 14; p++)
        if (*p >= '0' && *p <= '9')
            out[n++] = *p;
    out[n] = '\0';
}

static bool header_has_noindex(const warc_record *rec)
{
    for (size_t i = 0; i < rec->n_http_headers; i++)
        if (strcasecmp(rec->http_headers[i].name, "X-Robots-Tag") == 0 &&
            (strcasestr(rec->http_headers[i].value, "noindex") ||
             strcasestr(rec->http_headers[i].value, "none")))
            return true;
    return false;
}

/* Build the whole document of an extracted page (pass 2). */
static ch_status build_doc(worker_ctx *c, lang_ident *li, const char *url, const char *date,
                           const extract_page_t *pg, item *it)
{
    ch_status st = CH_OK;
    xap_doc *doc = NULL;
    xap_termgen *tg = NULL;
    char *host = NULL;
    buf_t ftext, spell, sig, words;
    buf_init(&ftext, 0);
    buf_init(&spell, 64 * 1024);
    buf_init(&sig, 64 * 1024);
    buf_init(&words, URL_MAX_LEN * 2);
    json_t *data = NULL;
    char *json = NULL;

    if ((st = url_host(url, &host)))
        goto out;
    const char *lang = lang_identify(li, pg->text, pg->text_len, pg->lang_attr);
    if (!*lang)
        lang = lang_from_attr(pg->lang_attr);
    const char *stemmer = lang_stemmer_name(lang);
    if (c->classifier &&
        (st = flt_classify_page(c->classifier, url, pg->title, pg->text, pg->rating, &c->verdict)))
        goto out; /* never index a page as safe when its classification failed */
    size_t n_cat_terms = c->classifier ? c->verdict.nterms : 0;
    uint64_t page = idx_url_hash(url);
    const char *anchors = idx_linkgraph_anchors(c->graph, page);
    double rank = static_rank(c->graph, url);

    if (xap_doc_new(&doc) || xap_termgen_new(&tg) || xap_termgen_set_stemmer(tg, stemmer) ||
        xap_termgen_set_stem_strategy(tg, XAP_STEM_SOME) || xap_termgen_set_document(tg, doc)) {
        st = CH_ERR_INTERNAL;
        goto out;
    }
    /* Fields, weighted by wdf increments, separated by position gaps. */
    size_t tl = strlen(pg->title);
    if ((st = index_field(tg, pg->title, tl, 5, NULL, true)) ||
        (st = index_field(tg, pg->title, tl, 1, "S", true)))
        goto out;
    const char *heads[3] = {pg->h1, pg->h2, pg->h3};
    for (size_t i = 0; i < 3; i++)
        if ((st = index_field(tg, heads[i], strlen(heads[i]), 3, NULL, true)))
            goto out;
    if ((st = index_field(tg, pg->description, strlen(pg->description), 2, NULL, true)))
        goto out;
    if ((st = url_words(url, &words)) ||
        (st = index_field(tg, words.data ? words.data : "", words.len, 2, NULL, false)) ||
        (st = index_field(tg, words.data ? words.data : "", words.len, 1, "XU", false)))
        goto out;
    if ((st = index_field(tg, anchors, strlen(anchors), 3, NULL, true)))
        goto out;
    buf_init(&ftext, pg->text_len * 4 + 64);
    if ((st = idx_fold(pg->text, pg->text_len, &ftext)))
        goto out;
    if (xap_termgen_index_text(tg, buf_str(&ftext), ftext.len, 1, NULL) != XAP_OK) {
        st = CH_ERR_INTERNAL;
        goto out;
    }

    /* Boolean terms. */
    char hash[WARC_DIGEST_SIZE];
    if ((st = warc_sha1_base32(ftext.data ? ftext.data : "", ftext.len, hash)))
        goto out;
    const char *h32 = hash + 5;
    if ((st = add_prefixed_term(doc, "", it->qterm)) || (st = add_prefixed_term(doc, "H", host)))
        goto out;
    for (const char *d = host; d; d = url_host_parent(d))
        if ((st = add_prefixed_term(doc, "D", d)))
            goto out;
    if (*lang && (st = add_prefixed_term(doc, "L", lang)))
        goto out;
    for (size_t i = 0; i < n_cat_terms; i++)
        if ((st = add_prefixed_term(doc, "XC", c->verdict.terms[i].s)))
            goto out;
    if ((st = add_prefixed_term(doc, "XH", h32)))
        goto out;

    /* Version signature: what, if unchanged, makes a rewrite useless. */
    if ((st = buf_appendf(&sig, "%s\n%s\n%s\n%s\n%.2f\n%s\n", IDX_SCHEMA_VERSION, url, h32, lang,
                          rank, pg->title)))
        goto out;
    for (size_t i = 0; i < n_cat_terms; i++)
        if ((st = buf_appendf(&sig, "XC%s\n", c->verdict.terms[i].s)))
            goto out;
    if ((st = buf_append_str(&sig, pg->description)) || (st = buf_append_str(&sig, "\n")))
        goto out;
    {
        /* Anchors can be long: their hash stands in for them. */
        char ah[WARC_DIGEST_SIZE];
        if ((st = warc_sha1_base32(anchors, strlen(anchors), ah)) ||
            (st = buf_append_str(&sig, ah)))
            goto out;
    }
    char sh[WARC_DIGEST_SIZE];
    if ((st = warc_sha1_base32(sig.data, sig.len, sh)))
        goto out;
    it->vterm = malloc(strlen(sh) + 3);
    if (!it->vterm) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    snprintf(it->vterm, strlen(sh) + 3, "XV%s", sh + 5);
    if ((st = add_prefixed_term(doc, "", it->vterm)))
        goto out;

    /* Values. */
    if (xap_doc_set_value_double(doc, 0, rank) || xap_doc_set_value(doc, 1, date, strlen(date)) ||
        xap_doc_set_value(doc, 2, host, strlen(host)) ||
        xap_doc_set_value(doc, 3, h32, strlen(h32))) {
        st = CH_ERR_INTERNAL;
        goto out;
    }
    {
        unsigned char ol[IDX_MAX_STORED_OUTLINKS * 8];
        size_t n = 0;
        for (size_t i = 0; i < pg->n_links && n < IDX_MAX_STORED_OUTLINKS; i++) {
            if (pg->links[i].kind == EXTRACT_LINK_ALTERNATE)
                continue;
            uint64_t hv = idx_url_hash(pg->links[i].url);
            for (int b = 0; b < 8; b++)
                ol[n * 8 + (size_t)b] = (unsigned char)(hv >> (8 * b));
            n++;
        }
        if (n && xap_doc_set_value(doc, IDX_SLOT_OUTLINKS, ol, n * 8)) {
            st = CH_ERR_INTERNAL;
            goto out;
        }
    }

    /* Data. */
    size_t keep = utf8_cut(pg->text, pg->text_len, IDX_DATA_TEXT_MAX);
    data = json_object();
    if (!data || json_object_set_new(data, "url", json_string(url)) ||
        json_object_set_new(data, "title", json_string(pg->title)) ||
        json_object_set_new(data, "lang", json_string(lang)) ||
        json_object_set_new(data, "site", json_string(host)) ||
        json_object_set_new(data, "description", json_string(pg->description)) ||
        json_object_set_new(data, "text", json_stringn(pg->text, keep))) {
        st = CH_ERR_PARSE;
        goto out;
    }
    json = json_dumps(data, JSON_COMPACT);
    if (!json || xap_doc_set_data(doc, json, strlen(json))) {
        st = json ? CH_ERR_INTERNAL : CH_ERR_PARSE;
        goto out;
    }

    /* Spelling words: title and headings, folded. */
    if ((st = idx_fold(pg->title, tl, &spell)) || (st = buf_append_char(&spell, '\n')) ||
        (st = idx_fold(pg->h1, strlen(pg->h1), &spell)) || (st = buf_append_char(&spell, '\n')) ||
        (st = idx_fold(pg->h2, strlen(pg->h2), &spell)))
        st = CH_OK; /* a cut spelling list is fine */
    it->spell = buf_steal(&spell, NULL);
    it->text_bytes = pg->text_len;
    it->doc = doc;
    doc = NULL;
out:
    free(json);
    json_decref(data);
    buf_free(&ftext);
    buf_free(&spell);
    buf_free(&sig);
    buf_free(&words);
    free(host);
    xap_termgen_free(tg);
    xap_doc_free(doc);
    return st;
}

/* Handle one record. Returns false when the writer aborted. */
static bool worker_record(worker_ctx *c, lang_ident *li, const warc_record *rec)
{
    bool is_resource = rec->type == WARC_RESOURCE;
    if (rec->type != WARC_RESPONSE && rec->type != WARC_REVISIT && !is_resource)
        return true;
    /* Resource records of other schemes are the crawler's own (wget's log and manifest). */
    if (is_resource && (!rec->target_uri || strncasecmp(rec->target_uri, "http", 4) != 0))
        return true;
    if (c->pass == 2) {
        item *r = item_new(IT_RECORD);
        if (!r || !queue_push(c->q, r))
            return false;
    }
    if (rec->type == WARC_REVISIT)
        return c->pass == 1 || push_skip(c, R_DUPLICATE);
    char *url = NULL;
    if (!rec->target_uri || url_normalize(rec->target_uri, &url) != CH_OK)
        return c->pass == 1 || push_skip(c, R_BROKEN);
    bool ok = true;
    extract_page_t *pg = NULL;
    item *it = NULL;
    int status = is_resource ? 200 : rec->http_status;
    const char *payload = is_resource ? rec->block : rec->payload;
    size_t plen = is_resource ? rec->block_len : rec->payload_len;
    const char *ct = is_resource ? rec->content_type : warc_record_http_header(rec, "Content-Type");
    if (status == 0 || !payload) {
        ok = c->pass == 1 || push_skip(c, R_BROKEN);
        goto out;
    }
    if (status == 404 || status == 410) {
        if (c->pass == 2) {
            it = item_new(IT_DELETE);
            if (!it || !(it->qterm = make_qterm(url)))
                goto out;
            it->reason = R_NOT_200;
            ok = queue_push(c->q, it);
            it = NULL;
        }
        goto out;
    }
    skip_reason why;
    if (status != 200)
        why = R_NOT_200;
    else if (!mime_is_html(ct, payload, plen))
        why = R_NOT_HTML;
    else if (plen > IDX_MAX_PAYLOAD || warc_record_header(rec, "WARC-Truncated"))
        why = R_TOO_BIG;
    else if (!is_resource && header_has_noindex(rec))
        why = R_NOINDEX;
    else
        why = (skip_reason)-1;
    if ((int)why < 0) {
        ch_status st = c->pass == 1 ? extract_links_only(payload, plen, ct, url, NULL, &pg)
                                    : extract_page(payload, plen, ct, url, NULL, &pg);
        if (st)
            why = R_BROKEN;
        else if (pg->robots_noindex)
            why = R_NOINDEX;
    }
    if ((int)why >= 0) {
        if (c->pass == 2) {
            if (why == R_NOINDEX) { /* a page that asks to leave the index leaves it */
                it = item_new(IT_DELETE);
                if (!it || !(it->qterm = make_qterm(url)))
                    goto out;
                it->reason = R_NOINDEX;
                ok = queue_push(c->q, it);
                it = NULL;
            } else {
                ok = push_skip(c, why);
            }
        }
        goto out;
    }
    if (c->pass == 1) {
        it = item_new(IT_LINKS);
        if (!it)
            goto out;
        it->page = idx_url_hash(url);
        bool follow = !pg->robots_nofollow;
        if (pg->n_links) {
            it->targets = calloc(pg->n_links, sizeof *it->targets);
            it->anchors = calloc(pg->n_links, sizeof *it->anchors);
            if (!it->targets || !it->anchors)
                goto out;
        }
        for (size_t i = 0; follow && i < pg->n_links; i++) {
            const extract_link *l = &pg->links[i];
            if (l->nofollow || l->kind == EXTRACT_LINK_ALTERNATE)
                continue;
            it->targets[it->n_targets] = idx_url_hash(l->url);
            it->anchors[it->n_targets] = strdup(l->anchor);
            if (!it->anchors[it->n_targets])
                goto out;
            it->n_targets++;
        }
        ok = queue_push(c->q, it);
        it = NULL;
        goto out;
    }
    it = item_new(IT_DOC);
    if (!it || !(it->qterm = make_qterm(url)))
        goto out;
    char date[15];
    fetch_date(rec->date, date);
    if (build_doc(c, li, url, date, pg, it) != CH_OK) {
        item_free(it);
        it = NULL;
        ok = push_skip(c, R_BROKEN);
        goto out;
    }
    ok = queue_push(c->q, it);
    it = NULL;
out:
    item_free(it);
    extract_page_free(pg);
    free(url);
    return ok;
}

static void *worker_main(void *arg)
{
    worker_ctx *c = arg;
    lang_ident *li = NULL;
    if (c->pass == 2)
        lang_open(&li); /* without models: no language (the lang attribute still counts) */
    for (size_t f = 0; f < c->n_paths; f++) {
        warc_reader *r = NULL;
        ch_status st = warc_reader_open(c->paths[f], &r);
        if (st) {
            if (c->pass == 1) {
                item *it = item_new(IT_FILE_ERROR);
                if (it) {
                    it->path = strdup(c->paths[f]);
                    it->msg = strdup(errno ? strerror(errno) : ch_status_str(st));
                    if (!queue_push(c->q, it))
                        break;
                }
            }
            continue;
        }
        warc_reader_set_max_block(r, IDX_MAX_PAYLOAD + 64 * 1024);
        warc_record rec;
        bool go = true;
        while (go && (st = warc_reader_next(r, &rec)) == CH_OK)
            go = worker_record(c, li, &rec);
        if (go && st != CH_ERR_EOF && c->pass == 1) {
            item *it = item_new(IT_FILE_ERROR);
            if (it) {
                it->path = strdup(c->paths[f]);
                it->msg = strdup(ch_status_str(st));
                go = queue_push(c->q, it);
            }
        }
        warc_reader_close(r);
        if (!go)
            break;
    }
    lang_close(li);
    queue_set_done(c->q);
    return NULL;
}

/* ---- the writer side ---------------------------------------------------------------------- */

static ch_status wdb_fail(idx_writer *w, const char *what, char **errmsg)
{
    if (errmsg && !*errmsg)
        *errmsg = xstrdup_printf("%s: %s", what, xap_wdb_last_error(w->wdb));
    return CH_ERR_IO;
}

static ch_status batch_begin(idx_writer *w, char **errmsg)
{
    if (w->in_txn)
        return CH_OK;
    if (xap_wdb_begin_transaction(w->wdb, 1) != XAP_OK)
        return wdb_fail(w, "cannot begin a transaction", errmsg);
    w->in_txn = true;
    w->batch_docs = w->batch_bytes = 0;
    return CH_OK;
}

static ch_status batch_commit(idx_writer *w, char **errmsg)
{
    if (!w->in_txn)
        return CH_OK;
    w->in_txn = false;
    if (xap_wdb_commit_transaction(w->wdb) != XAP_OK)
        return wdb_fail(w, "cannot commit", errmsg);
    return CH_OK;
}

static ch_status add_spelling(idx_writer *w, const char *s)
{
    text_words it;
    size_t start, len;
    text_words_init(&it, s, strlen(s));
    while (text_next_word(&it, &start, &len)) {
        if (len < 3 || len > IDX_SPELL_WORD_MAX)
            continue;
        bool digits = true;
        for (size_t i = 0; i < len && digits; i++)
            digits = s[start + i] >= '0' && s[start + i] <= '9';
        if (digits)
            continue;
        char word[IDX_SPELL_WORD_MAX + 1];
        memcpy(word, s + start, len);
        word[len] = '\0';
        if (xap_wdb_add_spelling(w->wdb, word, 1) != XAP_OK)
            return CH_ERR_IO;
    }
    return CH_OK;
}

static ch_status handle_item(idx_writer *w, item *it,
                             void (*on_file_error)(void *, const char *, const char *), void *ctx,
                             char **errmsg)
{
    ch_status st = CH_OK;
    unsigned long tf = 0;
    switch (it->kind) {
    case IT_RECORD:
        w->stats.records++;
        if (w->opts.progress && w->stats.records % 100 == 0)
            w->opts.progress(w->opts.progress_ctx, &w->stats, "indexing");
        break;
    case IT_FILE_ERROR:
        w->stats.files_failed++;
        if (on_file_error)
            on_file_error(ctx, it->path ? it->path : "?", it->msg ? it->msg : "read failed");
        break;
    case IT_SKIP:
        switch (it->reason) {
        case R_NOT_HTML:
            w->stats.not_html++;
            break;
        case R_NOT_200:
            w->stats.not_200++;
            break;
        case R_NOINDEX:
            w->stats.noindex++;
            break;
        case R_BROKEN:
            w->stats.broken++;
            break;
        case R_DUPLICATE:
            w->stats.duplicate++;
            break;
        case R_TOO_BIG:
            w->stats.too_big++;
            break;
        }
        break;
    case IT_LINKS:
        st = idx_linkgraph_add_page(w->graph, it->page, it->targets, it->n_targets);
        for (size_t i = 0; !st && i < it->n_targets; i++)
            if (it->anchors[i][0] && it->anchors[i][1])
                (void)idx_linkgraph_add_anchor(w->graph, it->targets[i], it->anchors[i]);
        if (st == CH_ERR_LIMIT)
            st = CH_OK; /* the graph is full: later pages get no link rank */
        break;
    case IT_DELETE:
        if (it->reason == R_NOINDEX)
            w->stats.noindex++;
        else
            w->stats.not_200++;
        if (xap_db_term_freq(w->rdb, it->qterm, &tf) != XAP_OK)
            return wdb_fail(w, "cannot read the database", errmsg);
        if (!tf)
            break;
        if ((st = batch_begin(w, errmsg)))
            return st;
        if (xap_wdb_delete_document_by_term(w->wdb, it->qterm) != XAP_OK)
            return wdb_fail(w, "cannot delete a document", errmsg);
        w->stats.deleted++;
        w->batch_docs++;
        break;
    case IT_DOC:
        if (!w->opts.reclassify) {
            if (xap_db_term_freq(w->rdb, it->vterm, &tf) != XAP_OK)
                return wdb_fail(w, "cannot read the database", errmsg);
            if (tf) {
                w->stats.duplicate++;
                break;
            }
        }
        if ((st = batch_begin(w, errmsg)))
            return st;
        if (xap_wdb_replace_document_by_term(w->wdb, it->qterm, it->doc, NULL) != XAP_OK)
            return wdb_fail(w, "cannot write a document", errmsg);
        if (it->spell && add_spelling(w, it->spell) != CH_OK)
            return wdb_fail(w, "cannot write spelling data", errmsg);
        w->stats.indexed++;
        w->batch_docs++;
        w->batch_bytes += it->text_bytes;
        break;
    }
    if (w->in_txn && (w->batch_docs >= w->opts.batch_docs || w->batch_bytes >= w->opts.batch_bytes))
        st = batch_commit(w, errmsg);
    return st;
}

static ch_status run_pass(idx_writer *w, int pass, const char *const *paths, size_t n,
                          void (*on_file_error)(void *, const char *, const char *), void *ctx,
                          char **errmsg)
{
    queue q;
    queue_init(&q);
    worker_ctx c = {.paths = paths,
                    .n_paths = n,
                    .pass = pass,
                    .q = &q,
                    .graph = w->graph,
                    .classifier = w->opts.classifier};
    flt_verdict_init(&c.verdict);
    pthread_t th;
    if (pthread_create(&th, NULL, worker_main, &c) != 0) {
        queue_destroy(&q);
        return CH_ERR_INTERNAL;
    }
    ch_status st = CH_OK;
    item *it;
    while ((it = queue_pop(&q))) {
        if (!st)
            st = handle_item(w, it, on_file_error, ctx, errmsg);
        item_free(it);
        if (st)
            queue_set_abort(&q);
    }
    pthread_join(th, NULL);
    flt_verdict_free(&c.verdict);
    queue_destroy(&q);
    return st;
}

ch_status idx_writer_run(idx_writer *w, const char *const *paths, size_t n,
                         void (*on_file_error)(void *ctx, const char *path, const char *msg),
                         void *ctx, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    if (!w || (n && !paths))
        return CH_ERR_ARG;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ch_status st = idx_linkgraph_new(0, &w->graph);
    if (st)
        return st;
    if (w->opts.progress)
        w->opts.progress(w->opts.progress_ctx, &w->stats, "reading links");
    if ((st = run_pass(w, 1, paths, n, on_file_error, ctx, errmsg)))
        goto out;
    if ((st = idx_linkgraph_compute(w->graph)))
        goto out;
    if ((st = run_pass(w, 2, paths, n, NULL, NULL, errmsg)))
        goto out;
    if ((st = batch_begin(w, errmsg)))
        goto out;
    {
        idx_linkgraph_info gi;
        idx_linkgraph_get_info(w->graph, &gi);
        w->stats.anchors_dropped = gi.anchors_dropped;
        char info[160], date[32];
        snprintf(info, sizeof info, "pages=%zu nodes=%zu edges=%zu iterations=%zu", gi.pages,
                 gi.nodes, gi.edges, gi.iterations);
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tmv);
        if (xap_wdb_set_metadata(w->wdb, IDX_META_RANK_INFO, info, strlen(info)) != XAP_OK ||
            xap_wdb_set_metadata(w->wdb, IDX_META_INDEX_DATE, date, strlen(date)) != XAP_OK) {
            st = wdb_fail(w, "cannot write metadata", errmsg);
            goto out;
        }
    }
    st = batch_commit(w, errmsg);
out:
    if (st && w->in_txn) {
        xap_wdb_cancel_transaction(w->wdb);
        w->in_txn = false;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    w->stats.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    idx_linkgraph_free(w->graph);
    w->graph = NULL;
    return st;
}

ch_status idx_writer_close(idx_writer *w)
{
    if (!w)
        return CH_OK;
    ch_status st = CH_OK;
    if (w->in_txn && xap_wdb_commit_transaction(w->wdb) != XAP_OK)
        st = CH_ERR_IO;
    xap_db_close(w->rdb);
    if (xap_wdb_close(w->wdb) != XAP_OK)
        st = CH_ERR_IO;
    idx_linkgraph_free(w->graph);
    free(w);
    return st;
}
