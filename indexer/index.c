/* The index writer: WARC records -> Xapian documents. See index.h and docs/ARCHITECTURE.md. */
#include "indexer/index.h"

#include <errno.h>
#include <jansson.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/text.h"
#include "common/url.h"
#include "common/warc.h"
#include "filters/classify.h"
#include "indexer/extract.h"
#include "indexer/lang.h"
#include "indexer/linkgraph.h"
#include "indexer/neardup.h"
#include "indexer/xapian/xap.h"

#define IDX_SCHEMA_VERSION "chouette-index-5" /* part of every version signature */
#define IDX_UNTRANSLATED_RANK 0.5 /* share of its static rank an untranslated copy keeps */
/* Base32 characters kept of a SHA-1 in the content-hash and version terms and the collapse key:
 * 80 bits, no collision within reach; these terms are unique per page, so their length is index
 * size (a whole hash cost about 1 % of the bench corpus's index). */
#define IDX_HASH_CHARS 16
/* libdeflate's level for the snippet text, of 12: near the best ratio on 2 KiB, at a fraction of
 * 12's time. */
#define IDX_TEXT_DEFLATE_LEVEL 9
#define IDX_MAX_TERM 240u    /* Xapian's limit is 245 bytes */
#define IDX_LONG_URL 200u    /* longer URLs get a hashed Q term */
#define IDX_TERMPOS_GAP 100u /* positions skipped between fields */
#define IDX_SPELL_WORD_MAX 40u
#define IDX_URL_WORD_MAX 64u /* Xapian's TermGenerator default for the longest word */
#ifndef IDX_LANG_SAMPLE
#define IDX_LANG_SAMPLE 2048u /* bytes of body text given to language identification */
#endif

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

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return len > 0;
}

ch_status idx_title_key(const char *folded, size_t len, buf_t *out)
{
    text_words it;
    size_t ws, wl, held = 0, held_len = 0; /* a one-letter word: "b" of "b 5" is a number */
    bool in_number = true;
    size_t start = out->len;
    ch_status st = CH_OK;
    text_words_init(&it, folded, len);
    while (!st && text_next_word(&it, &ws, &wl)) {
        if (in_number) {
            if (all_digits(folded + ws, wl)) {
                held_len = 0;
                continue;
            }
            if (wl == 1 && !held_len) {
                held = ws, held_len = wl;
                continue;
            }
            in_number = false;
            if (held_len) /* the letter was a word of the title after all */
                st = buf_append(out, folded + held, held_len);
        }
        if (!st && out->len > start)
            st = buf_append_char(out, ' ');
        if (!st)
            st = buf_append(out, folded + ws, wl);
    }
    if (!st && in_number && held_len)
        st = buf_append(out, folded + held, held_len);
    return st;
}

ch_status idx_title_term(const char *key, size_t len, char out[IDX_TITLE_TERM_SIZE])
{
    char d[WARC_DIGEST_SIZE]; /* "sha1:" and 32 base32 characters */
    ch_status st = warc_sha1_base32(key, len, d);
    if (st)
        return st;
    memcpy(out, "XT", 2);
    memcpy(out + 2, d + 5, IDX_TITLE_TERM_SIZE - 3);
    out[IDX_TITLE_TERM_SIZE - 1] = '\0';
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

/* ---- the pipeline: one shared WARC reader, N workers, one writer ---------------------------- */

/* Workers take records from the shared reader one at a time (under the pipeline's lock); each
 * record read gets the next sequence number and becomes exactly one item. Items are handed to
 * the writer through a window of IDX_QUEUE_DEPTH slots indexed by sequence number, and the
 * writer takes them in sequence order: whatever the number of workers, the writer sees the same
 * items in the same order as with one worker (same documents, same docids, same replacement
 * and deletion order). A worker whose item is IDX_QUEUE_DEPTH ahead of the writer waits. */

typedef enum {
    IT_NOP,        /* nothing to write (a record pass 1 ignores) */
    IT_LINKS,      /* pass 1: a page and its links */
    IT_DOC,        /* pass 2: a document to write */
    IT_DELETE,     /* pass 2: remove qterm (404/410, noindex) */
    IT_SKIP,       /* a record not indexed, `reason` */
    IT_FILE_ERROR, /* a WARC file failed */
} item_kind;

typedef enum {
    R_NOT_HTML,
    R_NOT_200,
    R_NOINDEX,
    R_BROKEN,
    R_DUPLICATE,
    R_TOO_BIG,
    R_OTHER_PARTITION,
} skip_reason;

typedef struct {
    item_kind kind;
    bool record; /* counts as a record read (progress and stats.records) */
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
    extract_page_t *pg; /* pass 1: the whole page, offered to the page cache */
    uint64_t rec_no;    /* pass 1: the record's number in the run, and where it is */
    size_t file;
    uint64_t offset;
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
    extract_page_free(it->pg);
    free(it);
}

/* One unit of work taken from the reader: a copy of what the worker needs of a record (the
 * reader's memory is only valid until its next record), or a file that failed. */
typedef struct {
    uint64_t seq;
    uint64_t rec_no; /* records (not file errors) are numbered alike in both passes */
    size_t file;     /* index of the file, and offset of the record in it */
    uint64_t offset;
    bool want_page;       /* pass 1: extract the whole page, for the page cache */
    extract_page_t *page; /* pass 2: the page extracted in pass 1 (owned by the job) */
    bool file_error;      /* path and msg set; nothing else */
    char *path, *msg;
    warc_type type;
    bool is_resource;
    bool noindex_header; /* X-Robots-Tag: noindex */
    bool truncated;      /* WARC-Truncated present */
    int status;          /* HTTP status; 200 for resource records; 0: not parsed */
    char *target_uri;    /* NULL when absent */
    char *date;          /* WARC-Date, "" when absent */
    char *ct;            /* Content-Type, NULL when absent */
    bool has_payload;
    bool html;     /* the type (or the sniffed start) says HTML */
    char *payload; /* copied only for a 200 HTML page of at most IDX_MAX_PAYLOAD bytes */
    size_t plen;   /* the payload's length (even when not copied) */
} job;

static void job_clear(job *j)
{
    free(j->path);
    free(j->msg);
    free(j->target_uri);
    free(j->date);
    free(j->ct);
    free(j->payload);
    extract_page_free(j->page);
    memset(j, 0, sizeof *j);
}

/* Pages extracted in pass 1, kept for pass 2 while they fit in `max` bytes: a page is then parsed
 * once instead of twice. Indexed by record number; an entry is used only when it names the same
 * file and offset (a WARC file that changed between the passes is parsed again). Filled by the
 * writer thread in pass 1; in pass 2 each entry is taken once, under the pipeline's lock. */
typedef struct {
    extract_page_t *pg;
    size_t file;
    uint64_t offset;
} cached_page;

typedef struct {
    cached_page *v;
    size_t n, cap;
    size_t bytes, max;
    bool full; /* a page did not fit: pass 1 stops extracting whole pages */
} page_cache;

static void page_cache_free(page_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        extract_page_free(c->v[i].pg);
    free(c->v);
    c->v = NULL;
    c->n = c->cap = c->bytes = 0;
    c->full = false;
}

/* The memory a page holds, roughly (strings, links and allocator overhead). */
static size_t page_bytes(const extract_page_t *pg)
{
    const char *s[] = {pg->title, pg->description, pg->keywords,    pg->h1,
                       pg->h2,    pg->h3,          pg->lang_attr,   pg->canonical,
                       pg->base,  pg->rating,      pg->refresh_url, pg->charset_used};
    size_t n = sizeof *pg + pg->text_len + 32;
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        n += strlen(s[i]) + 17;
    for (size_t i = 0; i < pg->n_links; i++)
        n += sizeof pg->links[i] + strlen(pg->links[i].url) + strlen(pg->links[i].anchor) +
             strlen(pg->links[i].hreflang) + 3 * 17;
    return n;
}

/* Keep page *pg for record rec_no when it fits (*pg is then NULL). Writer thread, pass 1. */
static ch_status page_cache_offer(page_cache *c, uint64_t rec_no, size_t file, uint64_t offset,
                                  extract_page_t **pg)
{
    if (c->full)
        return CH_OK;
    size_t sz = page_bytes(*pg);
    if (sz > c->max - c->bytes || rec_no >= SIZE_MAX / sizeof *c->v - 1) {
        c->full = true;
        return CH_OK;
    }
    if (rec_no >= c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 1024;
        while (nc <= rec_no)
            nc *= 2;
        cached_page *t = realloc(c->v, nc * sizeof *t);
        if (!t) {
            c->full = true;
            return CH_OK; /* no room for the index: parse again in pass 2 */
        }
        c->v = t;
        c->cap = nc;
    }
    for (; c->n <= rec_no; c->n++)
        c->v[c->n] = (cached_page){0};
    c->v[rec_no] = (cached_page){*pg, file, offset};
    *pg = NULL;
    c->bytes += sz;
    return CH_OK;
}

/* Take the page of record rec_no at file/offset, or NULL. Pass 2, pipeline lock held. */
static extract_page_t *page_cache_take(page_cache *c, uint64_t rec_no, size_t file, uint64_t offset)
{
    if (rec_no >= c->n || !c->v[rec_no].pg || c->v[rec_no].file != file ||
        c->v[rec_no].offset != offset)
        return NULL;
    extract_page_t *pg = c->v[rec_no].pg;
    c->v[rec_no].pg = NULL;
    return pg;
}

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* broadcast on every change below */
    page_cache *cache; /* pass 1: written by the writer; pass 2: taken from by the reader */
    /* the shared reader */
    const char *const *paths;
    size_t n_paths;
    size_t file;       /* index of the file being read (or next to open) */
    warc_reader *r;    /* NULL between files */
    bool reader_done;  /* every file read */
    uint64_t next_seq; /* sequence number of the next job */
    uint64_t next_rec; /* record number of the next record */
    /* the window towards the writer */
    item *slot[IDX_QUEUE_DEPTH];
    uint64_t base;                   /* the sequence number the writer takes next */
    size_t workers_active;           /* workers not yet finished */
    bool cache_full;                 /* pass 1: the page cache takes no more pages */
    unsigned part_index, part_count; /* idx_writer_opts */
    bool abort;                      /* the writer gave up, or a worker ran out of memory */
    ch_status abort_status;
} pipeline;

/* Is url's host in partition idx of count (idx_writer_opts.part_*)? Always when count <= 1. */
static bool url_in_partition(const char *url, unsigned idx, unsigned count)
{
    if (count <= 1)
        return true;
    char *norm = NULL, *host = NULL;
    bool in = url && url_normalize(url, &norm) == CH_OK && url_host(norm, &host) == CH_OK &&
              url_host_partition(host, count) == idx;
    free(norm);
    free(host);
    return in;
}

static void pipeline_init(pipeline *p, const char *const *paths, size_t n_paths, page_cache *cache)
{
    memset(p, 0, sizeof *p);
    p->cache = cache;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->paths = paths;
    p->n_paths = n_paths;
}

static void pipeline_destroy(pipeline *p)
{
    for (size_t i = 0; i < IDX_QUEUE_DEPTH; i++)
        item_free(p->slot[i]);
    warc_reader_close(p->r);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

/* Stop everything (workers finish their record and leave). Call with the lock held. */
static void pipeline_abort_locked(pipeline *p, ch_status why)
{
    if (!p->abort)
        p->abort_status = why;
    p->abort = true;
    pthread_cond_broadcast(&p->cv);
}

/* Hand item it (owned by the pipeline from now on) for sequence number seq to the writer;
 * waits while seq is too far ahead. */
static void pipeline_put(pipeline *p, uint64_t seq, item *it)
{
    pthread_mutex_lock(&p->mu);
    while (seq >= p->base + IDX_QUEUE_DEPTH && !p->abort)
        pthread_cond_wait(&p->cv, &p->mu);
    if (p->abort) {
        pthread_mutex_unlock(&p->mu);
        item_free(it);
        return;
    }
    p->slot[seq % IDX_QUEUE_DEPTH] = it;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* The writer's next item, in sequence order; NULL when the workers are done (or aborted) and
 * nothing is left. */
static item *pipeline_take(pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    item *it;
    while (!(it = p->slot[p->base % IDX_QUEUE_DEPTH]) && p->workers_active && !p->abort)
        pthread_cond_wait(&p->cv, &p->mu);
    if (it && !p->abort) {
        p->slot[p->base % IDX_QUEUE_DEPTH] = NULL;
        p->base++;
        pthread_cond_broadcast(&p->cv);
    } else {
        it = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    return it;
}

static void pipeline_set_cache_full(pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->cache_full = true;
    pthread_mutex_unlock(&p->mu);
}

static void pipeline_set_abort(pipeline *p, ch_status why)
{
    pthread_mutex_lock(&p->mu);
    pipeline_abort_locked(p, why);
    pthread_mutex_unlock(&p->mu);
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
    size_t jobs;      /* worker threads */
    page_cache cache; /* pages parsed in pass 1, for pass 2 */
    pipeline *pipe;   /* the pass running */
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
    if (!w->opts.page_cache_bytes)
        w->opts.page_cache_bytes = IDX_PAGE_CACHE_BYTES;
    w->jobs = w->opts.jobs;
    if (!w->jobs) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        w->jobs = cores > 0 ? (size_t)cores : 1;
    }
    if (w->jobs > IDX_MAX_JOBS)
        w->jobs = IDX_MAX_JOBS;
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

void idx_stats_print(FILE *out, const char *command, const idx_stats *s)
{
    fprintf(out,
            "chouette %s: %llu records, %llu pages indexed, %llu removed; skipped: "
            "%llu not html, %llu not 200, %llu noindex, %llu broken, %llu duplicate, "
            "%llu too big, %llu of other partitions; %.1f s, %.0f docs/s\n",
            command, (unsigned long long)s->records, (unsigned long long)s->indexed,
            (unsigned long long)s->deleted, (unsigned long long)s->not_html,
            (unsigned long long)s->not_200, (unsigned long long)s->noindex,
            (unsigned long long)s->broken, (unsigned long long)s->duplicate,
            (unsigned long long)s->too_big, (unsigned long long)s->other_partition, s->seconds,
            s->seconds > 0 ? (double)s->indexed / s->seconds : 0.0);
}

/* ---- the worker: WARC records -> items ------------------------------------------------------ */

typedef struct {
    pipeline *p;
    int pass;                              /* 1: links, 2: documents */
    const idx_linkgraph *graph;            /* pass 2, read-only */
    const flt_classifier *classifier;      /* NULL: no categories */
    flt_verdict verdict;                   /* the worker's own scratch for the classifier */
    struct libdeflate_compressor *deflate; /* pass 2: the snippet text of the data */
} worker_ctx;

static item *item_new(item_kind k)
{
    item *it = calloc(1, sizeof *it);
    if (it)
        it->kind = k;
    return it;
}

static void set_skip(item *it, skip_reason r)
{
    it->kind = IT_SKIP;
    it->reason = r;
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

/* Add "XU<word>" (wdf 1 per occurrence) for each word of the URL words s[0..len), folded. */
static ch_status add_url_word_terms(xap_doc *doc, const char *s, size_t len)
{
    buf_t f;
    ch_status st = fold_new(s, len, &f);
    if (st)
        return st;
    text_words it;
    size_t ws, wl;
    text_words_init(&it, buf_str(&f), f.len);
    while (!st && text_next_word(&it, &ws, &wl)) {
        char t[IDX_URL_WORD_MAX + 3];
        if (wl > IDX_URL_WORD_MAX)
            continue; /* as the term generator: longer words are left out */
        memcpy(t, "XU", 2);
        memcpy(t + 2, f.data + ws, wl);
        t[wl + 2] = '\0';
        if (xap_doc_add_term(doc, t, 1) != XAP_OK)
            st = CH_ERR_INTERNAL;
    }
    buf_free(&f);
    return st;
}

/* Where a title is cut into parts for title keys: "abc — Abstract Base Classes — Python 3.11
 * documentation", "Accueil | Mairie de Rennes", "email.header: Internationalized headers". */
static const char *const title_separators[] = {
    " \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", " | ", ": ", " \xc2\xbb "};

/* The length of the separator at s, or 0. */
static size_t title_separator_at(const char *s)
{
    for (size_t i = 0; i < sizeof title_separators / sizeof title_separators[0]; i++) {
        size_t n = strlen(title_separators[i]);
        if (strncmp(s, title_separators[i], n) == 0)
            return n;
    }
    return 0;
}

/* Add the title key term (wdf 1) of title[0..len). */
static ch_status add_title_key(xap_doc *doc, const char *title, size_t len)
{
    buf_t f, key;
    buf_init(&key, len * 4 + 64);
    ch_status st = fold_new(title, len, &f);
    if (!st)
        st = idx_title_key(buf_str(&f), f.len, &key);
    char term[IDX_TITLE_TERM_SIZE];
    if (!st && key.len && !(st = idx_title_term(buf_str(&key), key.len, term)) &&
        xap_doc_add_term(doc, term, 1) != XAP_OK)
        st = CH_ERR_INTERNAL;
    buf_free(&f);
    buf_free(&key);
    return st;
}

/* Title keys (idx_title_key) of each part of the title between separators, or of the whole
 * title if it has none. (The whole of a title with parts would be the page's name with its
 * site's, which nobody types: its key would only make the index bigger.) */
static ch_status add_title_keys(xap_doc *doc, const char *title)
{
    ch_status st = CH_OK;
    const char *part = title;
    for (const char *p = title; !st && *p; p++) {
        size_t n = title_separator_at(p);
        if (!n)
            continue;
        st = add_title_key(doc, part, (size_t)(p - part));
        part = p + n;
        p += n - 1;
    }
    return st ? st : add_title_key(doc, part, strlen(part));
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

ch_status idx_text_pack(struct libdeflate_compressor *z, const char *text, size_t len, char **out,
                        size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!z || len > IDX_DATA_TEXT_MAX)
        return CH_ERR_ARG;
    size_t cap = libdeflate_deflate_compress_bound(z, len);
    char *b = malloc(cap);
    if (!b)
        return CH_ERR_NOMEM;
    size_t n = libdeflate_deflate_compress(z, text, len, b, cap);
    if (!n) { /* cannot happen with the bound's room */
        free(b);
        return CH_ERR_INTERNAL;
    }
    *out = b;
    *out_len = n;
    return CH_OK;
}

size_t idx_data_json_len(const char *data, size_t len)
{
    const char *nul = memchr(data, '\0', len);
    return nul ? (size_t)(nul - data) : len;
}

size_t idx_text_unpack(struct libdeflate_decompressor *z, const void *in, size_t len,
                       char out[IDX_DATA_TEXT_MAX])
{
    size_t n = 0;
    if (!z || !len ||
        libdeflate_deflate_decompress(z, in, len, out, IDX_DATA_TEXT_MAX, &n) != LIBDEFLATE_SUCCESS)
        return 0;
    return text_utf8_valid(out, n) ? n : 0; /* the indexer stores valid UTF-8 only */
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

/* Set the document's data: the JSON, then a NUL and the packed snippet text if any (index.h). */
static ch_status data_with_text(xap_doc *doc, const char *json, const char *packed,
                                size_t packed_len)
{
    size_t jl = strlen(json), n = jl + (packed ? 1 + packed_len : 0);
    char *d = malloc(n ? n : 1);
    if (!d)
        return CH_ERR_NOMEM;
    memcpy(d, json, jl);
    if (packed) {
        d[jl] = '\0';
        memcpy(d + jl + 1, packed, packed_len);
    }
    xap_status xs = xap_doc_set_data(doc, d, n);
    free(d);
    return xs == XAP_OK ? CH_OK : CH_ERR_INTERNAL;
}

/* Build the whole document of an extracted page (pass 2). */
static ch_status build_doc(worker_ctx *c, lang_ident *li, const char *url, const char *date,
                           const extract_page_t *pg, item *it)
{
    ch_status st = CH_OK;
    xap_doc *doc = NULL;
    xap_termgen *tg = NULL;
    char *host = NULL;
    buf_t ftext, spell, sig, words, dupkey;
    buf_init(&ftext, 0);
    buf_init(&dupkey, 64);
    buf_init(&spell, 64 * 1024);
    buf_init(&sig, 64 * 1024);
    buf_init(&words, URL_MAX_LEN * 2);
    json_t *data = NULL;
    char *json = NULL, *packed = NULL;
    size_t packed_len = 0;

    if ((st = url_host(url, &host)) || !host) { /* url_host() gives a host or fails */
        st = st ? st : CH_ERR_PARSE;
        goto out;
    }
    /* textcat's time grows with the sample: the first IDX_LANG_SAMPLE bytes are enough */
    const char *lang = lang_identify(
        li, pg->text, utf8_cut(pg->text, pg->text_len, IDX_LANG_SAMPLE), pg->lang_attr);
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
    /* The language the page is for: its lang attribute, else a locale in its path. A page under
     * a locale whose text is in another language is an untranslated copy ("/dh/fr-FR/" pages
     * left in English): the original, in its own locale, should come first. (Not for a lang
     * attribute: many sites keep their template's lang="en" on French pages.) */
    const char *declared = lang_from_attr(pg->lang_attr);
    bool from_url = !*declared;
    if (from_url)
        declared = lang_from_url(url);
    if (from_url && *declared && *lang && strcmp(declared, lang) != 0)
        rank *= IDX_UNTRANSLATED_RANK;

    if (xap_doc_new(&doc) || xap_termgen_new(&tg) || xap_termgen_set_stemmer(tg, stemmer) ||
        xap_termgen_set_stem_strategy(tg, XAP_STEM_SOME) || xap_termgen_set_document(tg, doc)) {
        st = CH_ERR_INTERNAL;
        goto out;
    }
    /* Fields, weighted by wdf increments, separated by position gaps. */
    size_t tl = strlen(pg->title);
    if ((st = index_field(tg, pg->title, tl, 5, NULL, true)) ||
        (st = index_field(tg, pg->title, tl, 1, "S", true)) ||
        (st = add_title_keys(doc, pg->title)))
        goto out;
    const char *heads[3] = {pg->h1, pg->h2, pg->h3};
    for (size_t i = 0; i < 3; i++)
        if ((st = index_field(tg, heads[i], strlen(heads[i]), 3, NULL, true)))
            goto out;
    if ((st = index_field(tg, pg->description, strlen(pg->description), 2, NULL, true)))
        goto out;
    /* URL words: unprefixed (searched), and as XU terms, unstemmed (a Z-prefixed stem of an
     * XU term would never be looked up) */
    if ((st = url_words(url, &words)) ||
        (st = index_field(tg, words.data ? words.data : "", words.len, 2, NULL, false)) ||
        (st = add_url_word_terms(doc, words.data ? words.data : "", words.len)))
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
    char h32[IDX_HASH_CHARS + 1];
    snprintf(h32, sizeof h32, "%.*s", IDX_HASH_CHARS, hash + 5);
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
    if ((st = buf_appendf(&sig, "%s\n%s\n%s\n%s\n%s\n%.2f\n%s\n", IDX_SCHEMA_VERSION, url, h32,
                          lang, declared, rank, pg->title)))
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
    it->vterm = malloc(IDX_HASH_CHARS + 3);
    if (!it->vterm) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    snprintf(it->vterm, IDX_HASH_CHARS + 3, "XV%.*s", IDX_HASH_CHARS, sh + 5);
    if ((st = add_prefixed_term(doc, "", it->vterm)))
        goto out;

    /* Values. The duplicate key and the sketch have the language the page declares (else the
     * one identified): the same text on pages for readers of two languages (a translation that
     * left a section untranslated, whose text is then identified as the original's language)
     * is two pages, neither a duplicate of the other. */
    const char *key_lang = *declared ? declared : lang;
    unsigned char sketch[IDX_SKETCH_BYTES];
    size_t sketch_len = idx_sketch(buf_str(&ftext), ftext.len, key_lang, sketch);
    if ((st = buf_appendf(&dupkey, "%s:%s", key_lang, h32)))
        goto out;
    if (xap_doc_set_value_double(doc, IDX_SLOT_RANK, rank) ||
        xap_doc_set_value(doc, IDX_SLOT_DATE, date, strlen(date)) ||
        xap_doc_set_value(doc, IDX_SLOT_HOST, host, strlen(host)) ||
        xap_doc_set_value(doc, IDX_SLOT_DUPKEY, buf_str(&dupkey), dupkey.len) ||
        (sketch_len && xap_doc_set_value(doc, IDX_SLOT_SKETCH, sketch, sketch_len))) {
        st = CH_ERR_INTERNAL;
        goto out;
    }
    /* Data: the JSON, then the start of the text, deflated. */
    size_t keep = utf8_cut(pg->text, pg->text_len, IDX_DATA_TEXT_MAX);
    if (keep && (st = idx_text_pack(c->deflate, pg->text, keep, &packed, &packed_len)))
        goto out;
    data = json_object();
    if (!data || json_object_set_new(data, "url", json_string(url)) ||
        json_object_set_new(data, "title", json_string(pg->title)) ||
        json_object_set_new(data, "lang", json_string(lang)) ||
        json_object_set_new(data, "site", json_string(host)) ||
        json_object_set_new(data, "description", json_string(pg->description))) {
        st = CH_ERR_PARSE;
        goto out;
    }
    json = json_dumps(data, JSON_COMPACT);
    if (!json) {
        st = CH_ERR_PARSE;
        goto out;
    }
    if ((st = data_with_text(doc, json, packed, packed_len)))
        goto out;

    /* Spelling words: title and headings, folded. A cut list is fine: what could be folded is
     * kept. */
    (void)(idx_fold(pg->title, tl, &spell) || buf_append_char(&spell, '\n') ||
           idx_fold(pg->h1, strlen(pg->h1), &spell) || buf_append_char(&spell, '\n') ||
           idx_fold(pg->h2, strlen(pg->h2), &spell));
    it->spell = buf_steal(&spell, NULL);
    it->text_bytes = pg->text_len;
    it->doc = doc;
    doc = NULL;
out:
    free(json);
    free(packed);
    json_decref(data);
    buf_free(&ftext);
    buf_free(&spell);
    buf_free(&sig);
    buf_free(&words);
    buf_free(&dupkey);
    free(host);
    xap_termgen_free(tg);
    xap_doc_free(doc);
    return st;
}

/* Handle one job (pass 1 or 2). Returns its item, or NULL when memory ran out. */
static item *worker_job(worker_ctx *c, lang_ident *li, job *j)
{
    bool pass2 = c->pass == 2;
    item *it = item_new(IT_NOP), *res = NULL;
    char *url = NULL;
    extract_page_t *pg = NULL;
    if (!it)
        return NULL;
    it->record = pass2;
    if (j->type == WARC_REVISIT) {
        if (pass2)
            set_skip(it, R_DUPLICATE);
        return it;
    }
    if (!j->target_uri || url_normalize(j->target_uri, &url) != CH_OK) {
        if (pass2)
            set_skip(it, R_BROKEN);
        return it;
    }
    if (j->status == 0 || !j->has_payload) {
        if (pass2)
            set_skip(it, R_BROKEN);
        res = it;
        goto out;
    }
    /* another partition's page: pass 1 took its links and anchor text, pass 2 leaves it */
    if (pass2 && !url_in_partition(url, c->p->part_index, c->p->part_count)) {
        set_skip(it, R_OTHER_PARTITION);
        res = it;
        goto out;
    }
    if (j->status == 404 || j->status == 410) {
        if (pass2) {
            it->kind = IT_DELETE;
            it->reason = R_NOT_200;
            if (!(it->qterm = make_qterm(url)))
                goto out;
        }
        res = it;
        goto out;
    }
    skip_reason why;
    if (j->status != 200)
        why = R_NOT_200;
    else if (!j->html)
        why = R_NOT_HTML;
    else if (j->plen > IDX_MAX_PAYLOAD || j->truncated)
        why = R_TOO_BIG;
    else if (j->noindex_header)
        why = R_NOINDEX;
    else if (!j->payload && !j->page)
        why = R_BROKEN; /* not copied: cannot happen */
    else
        why = (skip_reason)-1;
    if ((int)why < 0 && j->page) { /* parsed in pass 1 */
        pg = j->page;
        j->page = NULL;
        if (pg->robots_noindex)
            why = R_NOINDEX;
    } else if ((int)why < 0) {
        ch_status st = pass2 || j->want_page
                           ? extract_page(j->payload, j->plen, j->ct, url, NULL, &pg)
                           : extract_links_only(j->payload, j->plen, j->ct, url, NULL, &pg);
        if (st)
            why = R_BROKEN;
        else if (pg->robots_noindex)
            why = R_NOINDEX;
    }
    if ((int)why >= 0) {
        if (pass2 && why == R_NOINDEX) { /* a page that asks to leave the index leaves it */
            it->kind = IT_DELETE;
            it->reason = R_NOINDEX;
            if (!(it->qterm = make_qterm(url)))
                goto out;
        } else if (pass2) {
            set_skip(it, why);
        }
        res = it;
        goto out;
    }
    if (!pass2) {
        it->kind = IT_LINKS;
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
        if (j->want_page) { /* offered to the page cache */
            it->pg = pg;
            pg = NULL;
            it->rec_no = j->rec_no;
            it->file = j->file;
            it->offset = j->offset;
        }
        res = it;
        goto out;
    }
    it->kind = IT_DOC;
    if (!(it->qterm = make_qterm(url)))
        goto out;
    char date[15];
    fetch_date(j->date, date);
    if (build_doc(c, li, url, date, pg, it) != CH_OK) {
        /* a fresh item: nothing of the failed document is kept */
        item_free(it);
        if (!(it = item_new(IT_SKIP)))
            goto out;
        it->record = true;
        it->reason = R_BROKEN;
    }
    res = it;
out:
    if (!res)
        item_free(it);
    extract_page_free(pg);
    free(url);
    return res;
}

/* The item of a file that could not be opened or read (pass 1 only). NULL: no memory. */
static item *file_error_item(const job *j)
{
    item *it = item_new(IT_FILE_ERROR);
    if (!it)
        return NULL;
    it->path = j->path ? strdup(j->path) : NULL;
    it->msg = j->msg ? strdup(j->msg) : NULL;
    return it;
}

/* Copy what the workers need of a record into j. Returns 0 for a record the indexer does not
 * look at, 1 for a job, -1 when memory ran out. */
static int job_from_record(pipeline *p, int pass, const warc_record *rec, job *j)
{
    bool is_resource = rec->type == WARC_RESOURCE;
    if (rec->type != WARC_RESPONSE && rec->type != WARC_REVISIT && !is_resource)
        return 0;
    /* Resource records of other schemes are the crawler's own (wget's log and manifest). */
    if (is_resource && (!rec->target_uri || strncasecmp(rec->target_uri, "http", 4) != 0))
        return 0;
    j->type = rec->type;
    j->is_resource = is_resource;
    j->rec_no = p->next_rec++;
    j->file = p->file;
    j->offset = rec->offset;
    if (rec->type == WARC_REVISIT)
        return 1;
    if (rec->target_uri && !(j->target_uri = strdup(rec->target_uri)))
        return -1;
    if (rec->date && !(j->date = strdup(rec->date)))
        return -1;
    j->status = is_resource ? 200 : rec->http_status;
    const char *payload = is_resource ? rec->block : rec->payload;
    size_t plen = is_resource ? rec->block_len : rec->payload_len;
    const char *ct = is_resource ? rec->content_type : warc_record_http_header(rec, "Content-Type");
    if (ct && !(j->ct = strdup(ct)))
        return -1;
    j->has_payload = payload != NULL;
    j->plen = plen;
    j->truncated = warc_record_header(rec, "WARC-Truncated") != NULL;
    j->noindex_header = !is_resource && header_has_noindex(rec);
    j->html = payload && mime_is_html(ct, payload, plen);
    if (payload && j->status == 200 && j->html && plen <= IDX_MAX_PAYLOAD && !j->truncated &&
        !j->noindex_header) {
        if (pass == 1) {
            /* pages of other partitions are only read for their links */
            j->want_page =
                !p->cache_full && url_in_partition(rec->target_uri, p->part_index, p->part_count);
        } else if (p->cache &&
                   (j->page = page_cache_take(p->cache, j->rec_no, j->file, j->offset))) {
            j->payload = NULL; /* parsed in pass 1: the payload is not needed */
            return 1;
        }
        if (!(j->payload = malloc(plen + 1)))
            return -1;
        memcpy(j->payload, payload, plen);
        j->payload[plen] = '\0';
    }
    return 1;
}

/* The next job from the shared reader, opening the files in turn. false when there is none
 * left or the pipeline aborted. Call with the lock held. */
static bool reader_next_job(pipeline *p, int pass, job *j)
{
    while (!p->abort && !p->reader_done) {
        const char *fail = NULL;
        if (!p->r) {
            if (p->file >= p->n_paths) {
                p->reader_done = true;
                break;
            }
            errno = 0;
            ch_status st = warc_reader_open(p->paths[p->file], &p->r);
            if (st) {
                p->r = NULL;
                fail = errno ? strerror(errno) : ch_status_str(st);
            } else {
                warc_reader_set_max_block(p->r, IDX_MAX_PAYLOAD + 64 * 1024);
            }
        }
        if (p->r) {
            warc_record rec;
            ch_status st = warc_reader_next(p->r, &rec);
            if (st == CH_OK) {
                int k = job_from_record(p, pass, &rec, j);
                if (k > 0) {
                    j->seq = p->next_seq++;
                    return true;
                }
                if (k < 0) {
                    job_clear(j);
                    pipeline_abort_locked(p, CH_ERR_NOMEM);
                    return false;
                }
                job_clear(j);
                continue;
            }
            warc_reader_close(p->r);
            p->r = NULL;
            if (st != CH_ERR_EOF)
                fail = ch_status_str(st);
        }
        const char *path = p->paths[p->file++];
        if (fail && pass == 1) { /* only the first pass reports */
            j->file_error = true;
            j->path = strdup(path);
            j->msg = strdup(fail);
            j->seq = p->next_seq++;
            return true;
        }
    }
    return false;
}

static void *worker_main(void *arg)
{
    worker_ctx *c = arg;
    pipeline *p = c->p;
    lang_ident *li = NULL;
    if (c->pass == 2) {
        lang_open(&li); /* without models: no language (the lang attribute still counts) */
        if (!(c->deflate = libdeflate_alloc_compressor(IDX_TEXT_DEFLATE_LEVEL))) {
            pipeline_set_abort(p, CH_ERR_NOMEM);
            goto done;
        }
    }
    job j;
    memset(&j, 0, sizeof j);
    for (;;) {
        pthread_mutex_lock(&p->mu);
        bool got = reader_next_job(p, c->pass, &j);
        pthread_mutex_unlock(&p->mu);
        if (!got)
            break;
        item *it = j.file_error ? file_error_item(&j) : worker_job(c, li, &j);
        uint64_t seq = j.seq;
        job_clear(&j);
        if (!it) {
            pipeline_set_abort(p, CH_ERR_NOMEM);
            break;
        }
        pipeline_put(p, seq, it);
    }
    job_clear(&j);
done:
    lang_close(li);
    libdeflate_free_compressor(c->deflate);
    c->deflate = NULL;
    pthread_mutex_lock(&p->mu);
    p->workers_active--;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
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
    if (it->record) {
        w->stats.records++;
        if (w->opts.progress && w->stats.records % 100 == 0)
            w->opts.progress(w->opts.progress_ctx, &w->stats, "indexing");
    }
    switch (it->kind) {
    case IT_NOP:
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
        case R_OTHER_PARTITION:
            w->stats.other_partition++;
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
        if (!st && it->pg) {
            page_cache_offer(&w->cache, it->rec_no, it->file, it->offset, &it->pg);
            if (w->cache.full)
                pipeline_set_cache_full(w->pipe);
        }
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
    size_t nw = w->jobs;
    pipeline p;
    pipeline_init(&p, paths, n, &w->cache);
    p.cache_full = w->cache.full;
    p.part_index = w->opts.part_index;
    p.part_count = w->opts.part_count;
    w->pipe = &p;
    worker_ctx *wc = calloc(nw, sizeof *wc);
    pthread_t *th = calloc(nw, sizeof *th);
    size_t started = 0;
    ch_status st = CH_OK;
    if (!wc || !th) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < nw; i++) {
        wc[i] = (worker_ctx){
            .p = &p, .pass = pass, .graph = w->graph, .classifier = w->opts.classifier};
        flt_verdict_init(&wc[i].verdict);
    }
    p.workers_active = nw;
    for (; started < nw; started++)
        if (pthread_create(&th[started], NULL, worker_main, &wc[started]) != 0)
            break;
    if (started < nw) { /* run with the workers that started, if any */
        pthread_mutex_lock(&p.mu);
        p.workers_active -= nw - started;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        if (!started) {
            st = CH_ERR_INTERNAL;
            goto out;
        }
    }
    item *it;
    while ((it = pipeline_take(&p))) {
        st = handle_item(w, it, on_file_error, ctx, errmsg);
        item_free(it);
        if (st) {
            pipeline_set_abort(&p, st);
            break;
        }
    }
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (!st && p.abort)
        st = p.abort_status;
out:
    if (wc)
        for (size_t i = 0; i < nw; i++)
            flt_verdict_free(&wc[i].verdict);
    free(wc);
    free(th);
    pipeline_destroy(&p);
    w->pipe = NULL;
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
    w->cache.max = w->opts.no_page_cache ? 0 : w->opts.page_cache_bytes;
    w->cache.full = w->cache.max == 0;
    if (w->opts.progress)
        w->opts.progress(w->opts.progress_ctx, &w->stats, "reading links");
    if ((st = run_pass(w, 1, paths, n, on_file_error, ctx, errmsg)))
        goto out;
    if ((st = idx_linkgraph_compute(w->graph)))
        goto out;
    st = run_pass(w, 2, paths, n, NULL, NULL, errmsg);
    page_cache_free(&w->cache); /* what pass 2 did not take */
    if (st)
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
    page_cache_free(&w->cache);
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
