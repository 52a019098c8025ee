/* The crawl loop; see crawl.h for the contract. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "crawler/crawl.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/url.h"
#include "common/warc.h"
#include "common/workpool.h"
#include "crawler/fetch.h"
#include "crawler/frontier.h"
#include "crawler/netguard.h"
#include "crawler/robots.h"
#include "crawler/sitemap.h"
#include "indexer/extract.h"

#define ROBOTS_CACHE_SLOTS 64
#define PCRE_MATCH_LIMIT 100000
#define MAX_HANDOFF_FILES 256
#define RETRY_AFTER_MAX_S 3600 /* a longer Retry-After is cut to this */
/* Links already handled in this run (64-bit hashes, open addressing; emptied when 3/4 full):
 * a link met again needs no normalising, scoping or INSERT (2 MiB). */
#define SEEN_SLOTS (1u << 18)

typedef enum { JOB_ROBOTS, JOB_URL } job_kind;

/* What a transfer is for: its fetch_request.user. */
typedef struct {
    job_kind kind;
    int64_t host_id;
    frontier_url *u; /* JOB_URL */
} job;

typedef struct {
    int64_t host_id;
    int64_t fetched_at;
    robots_t *r;
} robots_slot;

typedef struct {
    const crawl_options *o;
    const cfg_crawler *cfg;
    crawl_stats *stats;
    char *err;
    size_t errlen;
    frontier_t *fr;
    fetch_t *fe;
    netguard_t *guard;
    warc_writer *ww;
    int warc_seq;
    int committed_seq;      /* the WARC file and offset of the last commit: what a resume ... */
    uint64_t committed_off; /* ... keeps, and what a failed run cuts its file back to */
    char warcinfo_id[WARC_ID_SIZE];
    pcre2_code **include, **exclude;
    size_t n_include, n_exclude;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    cfg_list seed_hosts; /* scope when allow_hosts is empty */
    char agent[128];     /* robots product token */
    robots_slot robots[ROBOTS_CACHE_SLOTS];
    size_t robots_next;
    FILE *handoff[MAX_HANDOFF_FILES];
    int handoff_errno; /* first failure to open or write a hand-off file; 0 none */
    uint64_t *seen;    /* SEEN_SLOTS hashes of links already queued or rejected; 0 = empty */
    size_t seen_used;
    int64_t done_total; /* DONE URLs, for max_pages */
    int inflight_urls;
    bool dirty;             /* the open transaction holds changes */
    int64_t group_start_ms; /* when the open transaction got its first change; 0 when clean */
    int group_answers;      /* answers (pages, robots.txt) in the open transaction */
    int group_pages_max;    /* group commit: at most this many answers ... */
    int64_t group_ms_max;   /* ... or this old, whichever first */
    extract_limits xlim;
    workpool_t *parsers; /* pages parsed for links off the loop's thread (page_task) */
} crawler;

/* A fetched page on its way through a parse worker: the loop lets the host go on as soon as
 * the answer is in, a worker finds the links and hashes the body, and the loop then queues the
 * links and writes the WARC records (frontier and WARC stay on the loop's thread). */
typedef struct {
    job *j;
    fetch_result *r;
    extract_page_t *pg; /* NULL when not HTML or not parsed */
    char digest[WARC_DIGEST_SIZE];
    ch_status digest_st;
} page_task;

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The open transaction holds a change: start the group commit clock if it is not running. */
static void mark_dirty(crawler *c)
{
    if (!c->dirty)
        c->group_start_ms = wall_ms();
    c->dirty = true;
}

static void set_err(crawler *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(crawler *c, const char *fmt, ...)
{
    if (!c->err || !c->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
}

/* ---- scope ------------------------------------------------------------------------------- */

static bool host_matches(const char *host, const cfg_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (const char *d = host; d; d = url_host_parent(d))
            if (strcasecmp(d, l->items[i]) == 0)
                return true;
    return false;
}

static bool pattern_hit(crawler *c, pcre2_code **pats, size_t n, const char *url)
{
    for (size_t i = 0; i < n; i++) {
        int rc = pcre2_match(pats[i], (PCRE2_SPTR)url, PCRE2_ZERO_TERMINATED, 0, 0, c->md, c->mctx);
        if (rc >= 0)
            return true;
    }
    return false;
}

/* Partition of a host: -1 when it is ours, else the partition it belongs to. */
static int foreign_partition(crawler *c, const char *host)
{
    if (c->o->part_count <= 1)
        return -1;
    int p = (int)url_host_partition(host, (unsigned)c->o->part_count);
    return p == c->o->part_index ? -1 : p;
}

/* Append url to the hand-off file of partition part. A failure is remembered and fails the
 * next commit (sync_handoffs): the page that found the URL must not be committed without it. */
static void handoff(crawler *c, int part, const char *url)
{
    if (part < 0 || part >= MAX_HANDOFF_FILES || c->handoff_errno)
        return;
    if (!c->handoff[part]) {
        char path[4096];
        snprintf(path, sizeof path, "%s/handoff-%d.txt", c->o->out_dir, part);
        c->handoff[part] = fopen(path, "a");
        if (!c->handoff[part]) {
            c->handoff_errno = errno ? errno : EIO;
            return;
        }
    }
    if (fputs(url, c->handoff[part]) == EOF || fputc('\n', c->handoff[part]) == EOF)
        c->handoff_errno = errno ? errno : EIO;
}

/* Make the hand-off files durable before the frontier commits the pages whose links they
 * hold: after a kill, a committed page's foreign links are on disk (a page not committed is
 * fetched again and may append its links twice; the other partition's seen set drops them). */
static ch_status sync_handoffs(crawler *c)
{
    for (int i = 0; i < MAX_HANDOFF_FILES && !c->handoff_errno; i++)
        if (c->handoff[i] && (fflush(c->handoff[i]) != 0 || fsync(fileno(c->handoff[i])) != 0))
            c->handoff_errno = errno ? errno : EIO;
    if (!c->handoff_errno)
        return CH_OK;
    set_err(c, "cannot write the hand-off files in %s: %s", c->o->out_dir,
            strerror(c->handoff_errno));
    return CH_ERR_IO;
}

/* How queue_link and admit take a reference. */
enum {
    REF_SEED = 1,       /* given by the operator: out of the host scope is allowed */
    REF_NORMALIZED = 2, /* already the output of url_normalize or url_resolve_normalize (the
                           extractor's links): normalising it again would give it back as is
                           (url_normalize is idempotent, common/url.h), so it is not done */
};

/* Normalise ref against base (NULL: ref is absolute), strip tracking parameters, apply the
 * scope. On success *out is the URL to queue and *origin its frontier host; both for free().
 * CH_ERR_NOTFOUND when out of scope (or handed off to another partition). */
static ch_status admit(crawler *c, const char *base, const char *ref, int ref_flags, char **out,
                       char **origin)
{
    *out = NULL;
    *origin = NULL;
    char *norm = NULL, *stripped = NULL, *host = NULL;
    bool is_seed = ref_flags & REF_SEED;
    ch_status st;
    if (base) {
        st = url_resolve_normalize(base, ref, &norm);
    } else if (ref_flags & REF_NORMALIZED) {
        norm = strdup(ref);
        st = norm ? CH_OK : CH_ERR_NOMEM;
    } else {
        st = url_normalize(ref, &norm);
    }
    if (st)
        goto out;
    const char **names = (const char **)c->cfg->strip_params.items;
    if (c->cfg->strip_params.n) {
        /* url_strip_params wants a NULL-terminated list */
        const char *list[257];
        size_t n = c->cfg->strip_params.n < 256 ? c->cfg->strip_params.n : 256;
        for (size_t i = 0; i < n; i++)
            list[i] = names[i];
        list[n] = NULL;
        st = url_strip_params(norm, list, &stripped);
        if (st)
            goto out;
        if (strcmp(stripped, norm) != 0) { /* changed: normalise again (unchanged, it is) */
            free(norm);
            norm = NULL;
            st = url_normalize(stripped, &norm);
            if (st)
                goto out;
        }
    }
    st = CH_ERR_NOTFOUND;
    if ((long)strlen(norm) > c->cfg->max_url_length)
        goto out;
    if (url_host(norm, &host))
        goto out;
    if (!is_seed) {
        const cfg_list *scope = c->cfg->allow_hosts.n ? &c->cfg->allow_hosts : &c->seed_hosts;
        if (!host_matches(host, scope))
            goto out;
    }
    if (c->cfg->allow_prefixes.n) {
        bool ok = false;
        for (size_t i = 0; i < c->cfg->allow_prefixes.n && !ok; i++)
            ok = strncmp(norm, c->cfg->allow_prefixes.items[i],
                         strlen(c->cfg->allow_prefixes.items[i])) == 0;
        if (!ok)
            goto out;
    }
    if (c->n_include && !pattern_hit(c, c->include, c->n_include, norm))
        goto out;
    if (pattern_hit(c, c->exclude, c->n_exclude, norm))
        goto out;
    int part = foreign_partition(c, host);
    if (part >= 0) {
        if (!is_seed)
            handoff(c, part, norm);
        goto out;
    }
    st = url_origin(norm, origin);
    if (st)
        goto out;
    *out = norm;
    norm = NULL;
out:
    free(norm);
    free(stripped);
    free(host);
    return st;
}

/* Was this link (hash h) handled before? When not, remember it. */
static bool seen_before(crawler *c, uint64_t h)
{
    if (!h)
        h = 1;
    size_t i = (size_t)(h & (SEEN_SLOTS - 1));
    while (c->seen[i]) {
        if (c->seen[i] == h)
            return true;
        i = (i + 1) & (SEEN_SLOTS - 1);
    }
    if (c->seen_used >= SEEN_SLOTS / 4 * 3) { /* full enough: start again */
        memset(c->seen, 0, SEEN_SLOTS * sizeof *c->seen);
        c->seen_used = 0;
        i = (size_t)(h & (SEEN_SLOTS - 1));
    }
    c->seen[i] = h;
    c->seen_used++;
    return false;
}

/* Queue a discovered URL. Out-of-scope and malformed links are dropped silently. An absolute
 * link met before in this run is skipped at once: the scope is fixed for the run and the
 * frontier ignores a URL it knows, so the outcome would be the same. */
static ch_status queue_link(crawler *c, const char *base, const char *ref, int depth, int kind,
                            int redirects, int ref_flags)
{
    if (depth > c->cfg->max_depth)
        return CH_OK;
    if (!base && !(ref_flags & REF_SEED) && seen_before(c, url_fnv1a(ref)))
        return CH_OK;
    char *url = NULL, *origin = NULL;
    ch_status st = admit(c, base, ref, ref_flags, &url, &origin);
    if (st == CH_ERR_NOMEM)
        return st;
    if (st)
        return CH_OK;
    st = frontier_add(c->fr, url, origin, depth, kind, redirects, NULL);
    if (!st)
        mark_dirty(c);
    free(url);
    free(origin);
    return st;
}

/* ---- WARC output ------------------------------------------------------------------------- */

static void warc_name(crawler *c, int seq, char *path, size_t n)
{
    if (c->o->part_count > 1)
        snprintf(path, n, "%s/chouette-p%d-%05d.warc.gz", c->o->out_dir, c->o->part_index, seq);
    else
        snprintf(path, n, "%s/chouette-%05d.warc.gz", c->o->out_dir, seq);
}

static ch_status commit_offset(crawler *c)
{
    char v[32];
    snprintf(v, sizeof v, "%d", c->warc_seq);
    ch_status st = frontier_meta_set(c->fr, "warc_seq", v);
    if (!st) {
        snprintf(v, sizeof v, "%llu", (unsigned long long)warc_writer_size(c->ww));
        st = frontier_meta_set(c->fr, "warc_offset", v);
    }
    if (!st)
        st = frontier_meta_set(c->fr, "warcinfo_id", c->warcinfo_id);
    return st;
}

/* After a commit: the WARC position a resume starts from. */
static void note_committed(crawler *c)
{
    c->committed_seq = c->warc_seq;
    c->committed_off = warc_writer_size(c->ww);
}

/* A run that fails leaves its WARC files as a resume would: the current file cut back to the
 * committed offset, a file started after the last commit removed. Best effort. */
static void warc_cut_back(crawler *c)
{
    if (!c->ww)
        return;
    warc_writer_close(c->ww);
    c->ww = NULL;
    char path[4096];
    if (c->warc_seq != c->committed_seq) {
        warc_name(c, c->warc_seq, path, sizeof path);
        unlink(path);
    }
    warc_name(c, c->committed_seq, path, sizeof path);
    if (truncate(path, (off_t)c->committed_off) != 0) {
        /* nothing more to do: the next run cuts it back from the committed state */
    }
}

/* Start WARC file number seq from scratch: truncated, warcinfo first. Inside a transaction. */
static ch_status warc_new_file(crawler *c, int seq)
{
    char path[4096];
    warc_name(c, seq, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        set_err(c, "%s: %s", path, strerror(errno));
        return CH_ERR_IO;
    }
    close(fd);
    ch_status st = warc_writer_open(path, &c->ww);
    if (st) {
        set_err(c, "%s: %s", path, strerror(errno));
        return st;
    }
    c->warc_seq = seq;
    const char *slash = strrchr(path, '/');
    buf_t info;
    buf_init(&info, 4096);
    buf_appendf(&info, "software: chouette crawl\r\nformat: WARC File Format 1.1\r\n"
                       "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
                       "warc-format/warc-1.1/\r\n");
    buf_appendf(&info, "robots: obey\r\nhttp-header-user-agent: %s\r\n", c->cfg->user_agent);
    warc_record_spec spec = {0};
    spec.type = WARC_WARCINFO;
    spec.filename = slash ? slash + 1 : path;
    spec.block = info.data;
    spec.block_len = info.len;
    st = warc_writer_write(c->ww, &spec, c->warcinfo_id, NULL);
    buf_free(&info);
    if (!st)
        st = warc_writer_sync(c->ww);
    if (!st)
        st = commit_offset(c);
    if (st)
        set_err(c, "%s: cannot write the warcinfo record", path);
    return st;
}

/* Reopen the WARC file of an earlier run, cut back to its committed size, or start one. */
static ch_status warc_resume(crawler *c)
{
    char *seq_s = NULL, *off_s = NULL, *info = NULL;
    ch_status st = CH_OK;
    if (frontier_meta_get(c->fr, "warc_seq", &seq_s) ||
        frontier_meta_get(c->fr, "warc_offset", &off_s) ||
        frontier_meta_get(c->fr, "warcinfo_id", &info) || strlen(info) >= WARC_ID_SIZE) {
        st = frontier_begin(c->fr);
        if (!st)
            st = warc_new_file(c, 0);
        if (!st)
            st = frontier_commit(c->fr);
        if (!st)
            note_committed(c);
        goto out;
    }
    char *end = NULL;
    long seq = strtol(seq_s, &end, 10);
    unsigned long long off = strtoull(off_s, NULL, 10);
    char path[4096];
    warc_name(c, (int)seq, path, sizeof path);
    if (truncate(path, (off_t)off) != 0) {
        set_err(c, "%s: %s", path, strerror(errno));
        st = CH_ERR_IO;
        goto out;
    }
    st = warc_writer_open(path, &c->ww);
    if (st) {
        set_err(c, "%s: %s", path, strerror(errno));
        goto out;
    }
    c->warc_seq = (int)seq;
    note_committed(c);
    snprintf(c->warcinfo_id, sizeof c->warcinfo_id, "%s", info);
out:
    free(seq_s);
    free(off_s);
    free(info);
    return st;
}

/* The cap of stored_headers' output: each header line grows by at most half (CRLF for a bare
 * LF) plus "X-Crawler-" (10 bytes on a line of at least 16), so twice the input suffices. */
#define STORED_HEAD_MAX (2 * FETCH_MAX_HEADER_BYTES + 64)

/* The response header block as stored: the body is stored decoded and de-chunked, so the
 * headers describing the transfer are renamed X-Crawler-* (as Common Crawl does) and a
 * Content-Length of the stored body is added. */
static ch_status stored_headers(const fetch_result *r, buf_t *out)
{
    const char *p = buf_str(&r->headers), *end = p + r->headers.len;
    ch_status st = CH_OK;
    while (p < end && !st) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
        size_t body = len;
        while (body && (p[body - 1] == '\n' || p[body - 1] == '\r'))
            body--;
        if (body == 0) /* the empty line: added at the end */
            break;
        if (strncasecmp(p, "content-encoding:", 17) == 0 ||
            strncasecmp(p, "content-length:", 15) == 0 ||
            strncasecmp(p, "transfer-encoding:", 18) == 0)
            st = buf_append_str(out, "X-Crawler-");
        if (!st)
            st = buf_append(out, p, body);
        if (!st)
            st = buf_append_str(out, "\r\n");
        p += len;
    }
    if (!st)
        st = buf_appendf(out, "Content-Length: %zu\r\n\r\n", r->body.len);
    return st;
}

/* Copy s into a field value without control characters. */
static void field_value(buf_t *b, const char *name, const char *s)
{
    buf_append_str(b, name);
    buf_append_str(b, ": ");
    while (s && *s) {
        size_t n = 0;
        while (s[n] && (unsigned char)s[n] >= 0x20 && s[n] != 0x7f)
            n++;
        buf_append(b, s, n);
        s += n;
        if (*s) {
            buf_append_char(b, ' ');
            s++;
        }
    }
    buf_append_str(b, "\r\n");
}

/* ---- robots ------------------------------------------------------------------------------ */

static robots_t *robots_for(crawler *c, const frontier_host *h)
{
    for (size_t i = 0; i < ROBOTS_CACHE_SLOTS; i++)
        if (c->robots[i].r && c->robots[i].host_id == h->id &&
            c->robots[i].fetched_at == h->robots_fetched_at)
            return c->robots[i].r;
    robots_options ro = {0};
    ro.max_crawl_delay = (double)c->cfg->max_crawl_delay_s;
    robots_t *r = NULL;
    if (robots_parse(h->robots_body, h->robots_len, &ro, &r))
        return NULL;
    robots_slot *s = &c->robots[c->robots_next];
    c->robots_next = (c->robots_next + 1) % ROBOTS_CACHE_SLOTS;
    robots_free(s->r);
    s->host_id = h->id;
    s->fetched_at = h->robots_fetched_at;
    s->r = r;
    return r;
}

/* How long after a failed robots.txt fetch to try again (seconds). A host that gave no HTTP
 * answer at all (connection refused, DNS failure, timeout: robots status 0) is tried again soon,
 * 1 s, 2 s, 4 s ... after its 1st, 2nd, 3rd ... failure, never later than robots_retry_s; a host
 * answering 5xx waits robots_retry_s; a host given up (robots_max_attempts failures) too. */
static int64_t robots_retry_after_s(const crawler *c, int status, int failures)
{
    int64_t cap = c->cfg->robots_retry_s;
    if (status != 0 || failures >= c->cfg->robots_max_attempts || failures < 1)
        return cap;
    int64_t d = (int64_t)1 << (failures - 1 < 20 ? failures - 1 : 20);
    return d < cap ? d : cap;
}

/* Does robots.txt of h need (re)fetching now? */
static bool robots_stale(crawler *c, const frontier_host *h, int64_t now_s)
{
    if (h->robots_status < 0)
        return true;
    if (robots_policy_for_status(h->robots_status) == ROBOTS_DISALLOW_ALL)
        return now_s >=
               h->robots_fetched_at + robots_retry_after_s(c, h->robots_status, h->robots_failures);
    return now_s >= h->robots_fetched_at + c->cfg->robots_cache_s;
}

/* Has the host been given up (robots.txt failed robots_max_attempts times in a row)? */
static bool host_given_up(const crawler *c, const frontier_host *h)
{
    return robots_policy_for_status(h->robots_status) == ROBOTS_DISALLOW_ALL &&
           h->robots_failures >= c->cfg->robots_max_attempts;
}

/* ---- starting transfers ------------------------------------------------------------------ */

static int64_t host_delay_ms(crawler *c, const frontier_host *h)
{
    int64_t d = c->cfg->delay_ms;
    if (h->crawl_delay_ms > d)
        d = h->crawl_delay_ms;
    if (h->backoff_ms > d)
        d = h->backoff_ms;
    return d;
}

static ch_status start_robots(crawler *c, const frontier_host *h, int64_t now)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        return CH_ERR_NOMEM;
    j->kind = JOB_ROBOTS;
    j->host_id = h->id;
    buf_t u;
    buf_init(&u, URL_MAX_LEN + 32);
    ch_status st = buf_appendf(&u, "%s/robots.txt", h->host);
    fetch_request rq = {0};
    rq.url = buf_str(&u);
    rq.body_max = ROBOTS_DEFAULT_MAX_BYTES;
    rq.follow_redirects = true;
    rq.max_redirects = 5;
    rq.user = j;
    if (!st)
        st = fetch_start(c->fe, &rq);
    buf_free(&u);
    if (st) {
        free(j);
        return st;
    }
    /* nothing else goes to this host until robots.txt is in */
    mark_dirty(c);
    return frontier_set_host_clock(c->fr, h->id, now + (c->cfg->timeout_s + 5) * 1000,
                                   h->backoff_ms);
}

static ch_status start_url(crawler *c, const frontier_host *h, frontier_url *u, int64_t now)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        return CH_ERR_NOMEM;
    j->kind = JOB_URL;
    j->host_id = h->id;
    j->u = u;
    fetch_request rq = {0};
    rq.url = u->url;
    rq.body_max =
        u->kind == FRONTIER_KIND_SITEMAP ? SITEMAP_MAX_BYTES : (size_t)c->cfg->response_max_bytes;
    rq.html_only = u->kind == FRONTIER_KIND_PAGE;
    if (u->kind == FRONTIER_KIND_PAGE && u->fetched_at > 0 && u->warc_id && u->payload_digest) {
        rq.if_none_match = u->etag;
        rq.if_modified_since = u->last_modified;
    }
    rq.user = j;
    ch_status st = fetch_start(c->fe, &rq);
    if (st) {
        free(j);
        return st;
    }
    c->inflight_urls++;
    mark_dirty(c);
    return frontier_set_host_clock(c->fr, h->id, now + host_delay_ms(c, h), h->backoff_ms);
}

/* Start what may start now. *wake receives when to look again (-1: nothing queued). */
static ch_status fill(crawler *c, bool *limit_reached, int64_t *wake)
{
    *wake = -1;
    for (;;) {
        if (c->o->stop && *c->o->stop)
            return CH_OK;
        /* pages waiting for a parser count as transfers: the parsers set the pace */
        size_t parsing = workpool_pending(c->parsers);
        if (fetch_active(c->fe) + (long)parsing >= c->cfg->concurrency) {
            *wake = wall_ms() + 50;
            return CH_OK;
        }
        if (c->cfg->max_pages > 0 &&
            c->done_total + c->inflight_urls + (int64_t)parsing >= c->cfg->max_pages) {
            *limit_reached = true;
            return CH_OK;
        }
        int64_t now = wall_ms();
        frontier_host *h = NULL;
        ch_status st = frontier_next_ready_host(c->fr, now, (int)c->cfg->per_host_connections,
                                                c->cfg->per_host_page_budget, &h, wake);
        if (st == CH_ERR_NOTFOUND)
            return CH_OK;
        if (st)
            return st;
        int64_t now_s = now / 1000;
        if (robots_stale(c, h, now_s)) {
            if (h->inflight > 0) { /* let the transfers of the old robots.txt end first */
                st = frontier_set_host_clock(c->fr, h->id, now + 100, h->backoff_ms);
            } else {
                st = start_robots(c, h, now);
            }
            frontier_host_free(h);
            if (st)
                return st;
            continue;
        }
        robots_policy pol = robots_policy_for_status(h->robots_status);
        if (pol == ROBOTS_DISALLOW_ALL && host_given_up(c, h)) {
            /* URLs found since the host was given up: skipped at once, not held */
            st = frontier_skip_host(c->fr, h->id);
            mark_dirty(c);
            frontier_host_free(h);
            if (st)
                return st;
            continue;
        }
        if (pol == ROBOTS_DISALLOW_ALL) { /* not stale: wait for the retry time */
            st = frontier_set_host_clock(
                c->fr, h->id,
                (h->robots_fetched_at +
                 robots_retry_after_s(c, h->robots_status, h->robots_failures)) *
                    1000,
                h->backoff_ms);
            mark_dirty(c);
            frontier_host_free(h);
            if (st)
                return st;
            continue;
        }
        frontier_url *u = NULL;
        st = frontier_take_url(c->fr, h->id, &u);
        if (st) {
            frontier_host_free(h);
            if (st == CH_ERR_NOTFOUND)
                continue;
            return st;
        }
        mark_dirty(c);
        bool allowed = true;
        if (pol == ROBOTS_PARSE) {
            robots_t *r = robots_for(c, h);
            char *path = NULL;
            if (!r || robots_url_path(u->url, &path))
                allowed = false;
            else
                allowed = robots_allowed(r, c->agent, path);
            free(path);
        }
        if (!allowed) {
            c->stats->robots_denied++;
            st = frontier_finish_url(c->fr, u, FRONTIER_SKIPPED, NULL, false);
            frontier_url_free(u);
        } else {
            st = start_url(c, h, u, now);
            if (st) {
                frontier_requeue_url(c->fr, u);
                frontier_url_free(u);
            }
        }
        frontier_host_free(h);
        if (st)
            return st;
    }
}

/* ---- finished transfers ------------------------------------------------------------------ */

static ch_status finish_robots(crawler *c, job *j, fetch_result *r)
{
    frontier_host *h = NULL;
    int64_t now = wall_ms();
    int status = r->http_status;
    if (r->curl_code == CURLE_TOO_MANY_REDIRECTS)
        status = r->http_status; /* a 3xx left after the redirects: as if none (RFC 9309) */
    else if (r->curl_code != 0 || (r->truncated && strcmp(r->truncated, "length") != 0))
        status = 0; /* no complete answer: unreachable */
    ch_status st = CH_OK;
    robots_policy pol = robots_policy_for_status(status);
    /* read the host for its failure count and back-off */
    char *origin = NULL;
    if (url_origin(r->url, &origin) == CH_OK)
        st = frontier_get_host(c->fr, origin, &h);
    free(origin);
    if (st || !h)
        return st == CH_ERR_NOTFOUND ? CH_OK : st;
    mark_dirty(c);
    if (r->refused) {
        /* the host's address is off limits: its URLs would all be refused too */
        c->stats->refused++;
        st = frontier_set_robots(c->fr, h->id, 0, NULL, 0, now / 1000, -1,
                                 (int)c->cfg->robots_max_attempts);
        if (!st)
            st = frontier_skip_host(c->fr, h->id);
    } else if (pol == ROBOTS_DISALLOW_ALL) {
        int failures = h->robots_failures + 1;
        st = frontier_set_robots(c->fr, h->id, status, NULL, 0, now / 1000, -1, failures);
        if (!st)
            st = frontier_set_host_clock(c->fr, h->id,
                                         now + robots_retry_after_s(c, status, failures) * 1000,
                                         h->backoff_ms);
        if (!st && failures >= c->cfg->robots_max_attempts) {
            c->stats->hosts_given_up++;
            st = frontier_skip_host(c->fr, h->id);
        }
    } else {
        int64_t delay = -1;
        const char *body = NULL;
        size_t len = 0;
        if (pol == ROBOTS_PARSE) {
            body = r->body.data ? r->body.data : "";
            len = r->body.len;
            robots_options ro = {0};
            ro.max_crawl_delay = (double)c->cfg->max_crawl_delay_s;
            robots_t *rb = NULL;
            if (robots_parse(body, len, &ro, &rb) == CH_OK) {
                double cd = robots_crawl_delay(rb, c->agent);
                if (cd >= 0)
                    delay = (int64_t)(cd * 1000.0);
                /* Sitemap: lines are queued like the configured sitemaps */
                for (size_t i = 0; i < robots_sitemap_count(rb) && !st; i++)
                    st = queue_link(c, NULL, robots_sitemap(rb, i), 0, FRONTIER_KIND_SITEMAP, 0, 0);
                robots_free(rb);
            }
        }
        if (!st)
            st = frontier_set_robots(c->fr, h->id, status, body, len, now / 1000, delay, 0);
        int64_t wait = c->cfg->delay_ms > delay ? c->cfg->delay_ms : delay;
        if (!st)
            st = frontier_set_host_clock(c->fr, h->id, now + wait, h->backoff_ms);
    }
    (void)j;
    frontier_host_free(h);
    return st;
}

/* Parse an X-Robots-Tag value: directives, possibly prefixed by "agent:"; only those for all
 * agents or for ours apply. */
static void x_robots(const char *v, const char *agent, bool *noindex, bool *nofollow)
{
    if (!v)
        return;
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", v);
    bool applies = true;
    char *save = NULL;
    for (char *tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        char *colon = strchr(tok, ':');
        if (colon && strncasecmp(tok, "unavailable_after", 17) != 0) {
            *colon = '\0';
            applies = strcasecmp(tok, agent) == 0;
            tok = colon + 1;
            while (*tok == ' ' || *tok == '\t')
                tok++;
        }
        if (!applies)
            continue;
        size_t n = strcspn(tok, " \t");
        if ((n == 7 && strncasecmp(tok, "noindex", 7) == 0) ||
            (n == 4 && strncasecmp(tok, "none", 4) == 0))
            *noindex = true;
        if ((n == 8 && strncasecmp(tok, "nofollow", 8) == 0) ||
            (n == 4 && strncasecmp(tok, "none", 4) == 0))
            *nofollow = true;
    }
}

static ch_status handle_sitemap(crawler *c, const frontier_url *u, const fetch_result *r)
{
    if (r->http_status < 200 || r->http_status >= 300 || r->body.len == 0)
        return CH_OK;
    sitemap_t *sm = NULL;
    if (sitemap_parse(r->body.data, r->body.len, &sm))
        return CH_OK;
    ch_status st = CH_OK;
    for (size_t i = 0; i < sm->n && !st; i++)
        st = queue_link(c, NULL, sm->urls[i], sm->is_index ? 0 : 1,
                        sm->is_index ? FRONTIER_KIND_SITEMAP : FRONTIER_KIND_PAGE, 0, 0);
    (void)u;
    sitemap_free(sm);
    return st;
}

/* The response (its payload digest given), request and metadata records of a fetched page. */
static ch_status write_records(crawler *c, const frontier_url *u, const fetch_result *r,
                               const char *meta, size_t meta_len, char *resp_id, const char *digest)
{
    /* The block is the stored head and the body, given apart: the writer copies each once
     * into its record buffer (joining them here copied the body twice more, with reallocs). */
    buf_t block;
    buf_init(&block, STORED_HEAD_MAX);
    ch_status st = stored_headers(r, &block);
    time_t now = time(NULL);
    if (!st) {
        warc_record_spec s = {0};
        s.type = WARC_RESPONSE;
        s.target_uri = u->url;
        s.date = now;
        s.ip_address = r->ip[0] ? r->ip : NULL;
        s.warcinfo_id = c->warcinfo_id;
        s.truncated = r->truncated;
        s.payload_digest = digest;
        s.block = block.data;
        s.block_len = block.len;
        s.block_rest = r->body.len ? r->body.data : NULL;
        s.block_rest_len = r->body.len;
        st = warc_writer_write(c->ww, &s, resp_id, NULL);
    }
    if (!st && r->request.len) {
        warc_record_spec s = {0};
        s.type = WARC_REQUEST;
        s.target_uri = u->url;
        s.date = now;
        s.warcinfo_id = c->warcinfo_id;
        s.concurrent_to = resp_id;
        s.block = r->request.data;
        s.block_len = r->request.len;
        st = warc_writer_write(c->ww, &s, NULL, NULL);
    }
    if (!st && meta_len) {
        warc_record_spec s = {0};
        s.type = WARC_METADATA;
        s.target_uri = u->url;
        s.date = now;
        s.warcinfo_id = c->warcinfo_id;
        s.concurrent_to = resp_id;
        s.block = meta;
        s.block_len = meta_len;
        st = warc_writer_write(c->ww, &s, NULL, NULL);
    }
    buf_free(&block);
    return st;
}

static ch_status write_metadata_only(crawler *c, const frontier_url *u, const char *meta,
                                     size_t len)
{
    warc_record_spec s = {0};
    s.type = WARC_METADATA;
    s.target_uri = u->url;
    s.warcinfo_id = c->warcinfo_id;
    s.block = meta;
    s.block_len = len;
    return warc_writer_write(c->ww, &s, NULL, NULL);
}

static ch_status write_revisit(crawler *c, const frontier_url *u, const fetch_result *r)
{
    buf_t block;
    buf_init(&block, STORED_HEAD_MAX);
    ch_status st = stored_headers(r, &block);
    if (!st) {
        warc_record_spec s = {0};
        s.type = WARC_REVISIT;
        s.target_uri = u->url;
        s.ip_address = r->ip[0] ? r->ip : NULL;
        s.warcinfo_id = c->warcinfo_id;
        s.profile = WARC_PROFILE_SERVER_NOT_MODIFIED;
        s.refers_to = u->warc_id;
        s.refers_to_target_uri = u->url;
        s.payload_digest = u->payload_digest;
        s.block = block.data;
        s.block_len = block.len;
        st = warc_writer_write(c->ww, &s, NULL, NULL);
    }
    buf_free(&block);
    return st;
}

/* Politeness after an answer: the adaptive part of the delay. */
static ch_status after_answer(crawler *c, job *j, const fetch_result *r, bool failed)
{
    frontier_host *h = NULL;
    char *origin = NULL;
    ch_status st = url_origin(j->u->url, &origin);
    if (!st)
        st = frontier_get_host(c->fr, origin, &h);
    free(origin);
    if (st)
        return st == CH_ERR_NOTFOUND ? CH_OK : st;
    int64_t now = wall_ms();
    int64_t max_backoff = c->cfg->max_backoff_s * 1000;
    int64_t backoff = h->backoff_ms;
    int64_t retry_after = 0;
    if (r->http_status == 429 || r->http_status == 503) {
        backoff = backoff ? backoff * 2 : c->cfg->delay_ms * 2;
        /* Retry-After is obeyed as such, beyond the back-off cap, up to its own cap */
        if (r->retry_after_s > 0)
            retry_after =
                (r->retry_after_s < RETRY_AFTER_MAX_S ? r->retry_after_s : RETRY_AFTER_MAX_S) *
                1000;
    } else if (failed || r->http_status >= 500) {
        backoff = backoff ? backoff * 2 : (c->cfg->delay_ms > 1000 ? c->cfg->delay_ms : 1000);
    } else {
        backoff /= 2;
        /* a slow server gets as much rest as it took to answer, twice */
        if (r->elapsed_ms > 1000 && r->elapsed_ms * 2 > backoff)
            backoff = r->elapsed_ms * 2;
    }
    if (backoff > max_backoff)
        backoff = max_backoff;
    if (backoff < 100 && !(r->http_status == 429 || r->http_status == 503))
        backoff = 0;
    h->backoff_ms = backoff;
    int64_t next = now + host_delay_ms(c, h);
    if (now + retry_after > next)
        next = now + retry_after;
    if (next < h->next_allowed_ms && h->next_allowed_ms < now + max_backoff + 60000)
        next = h->next_allowed_ms;
    st = frontier_set_host_clock(c->fr, h->id, next, backoff);
    frontier_host_free(h);
    return st;
}

/* A page request found the host down (connection refused, no DNS answer): the URL goes back
 * to the queue and the host back to the robots.txt cycle, as if its robots.txt had not
 * answered (tried again after 1 s, 2 s ..., given up after robots_max_attempts). Only the
 * first such failure counts while the host is marked down, so that transfers failing together
 * count once. */
static ch_status host_down(crawler *c, const frontier_url *u)
{
    frontier_host *h = NULL;
    char *origin = NULL;
    ch_status st = frontier_requeue_url(c->fr, u);
    if (!st)
        st = url_origin(u->url, &origin);
    if (!st)
        st = frontier_get_host(c->fr, origin, &h);
    free(origin);
    if (st)
        return st == CH_ERR_NOTFOUND ? CH_OK : st;
    if (h->robots_status != 0) {
        int64_t now = wall_ms();
        int failures = h->robots_failures + 1;
        st = frontier_set_robots(c->fr, h->id, 0, NULL, 0, now / 1000, -1, failures);
        if (!st)
            st = frontier_set_host_clock(
                c->fr, h->id, now + robots_retry_after_s(c, 0, failures) * 1000, h->backoff_ms);
    }
    frontier_host_free(h);
    return st;
}

static ch_status record_failed(crawler *c, ch_status st, int write_errno)
{
    if (st == CH_ERR_IO)
        set_err(c, "cannot record a fetched page: %s", strerror(write_errno));
    else
        set_err(c, "cannot record a fetched page");
    return st;
}

/* The worker's part of a page (any thread): its links when it is HTML, and its payload
 * digest. Reads only the task and the crawler's extraction limits, set before the workers. */
static void parse_page(void *task, void *ctx)
{
    page_task *t = task;
    const crawler *c = ctx;
    const fetch_result *r = t->r;
    bool html = r->http_status >= 200 && r->http_status < 300 &&
                fetch_type_is_html(r->content_type) && r->body.len > 0;
    if (html)
        (void)extract_links_only(r->body.data, r->body.len, r->content_type, t->j->u->url, &c->xlim,
                                 &t->pg); /* a page that fails has no links */
    t->digest_st = warc_sha1_base32(r->body.len ? r->body.data : "", r->body.len, t->digest);
}

static void wake_loop(void *ctx)
{
    crawler *c = ctx;
    fetch_wakeup(c->fe);
}

static void page_task_free(page_task *t)
{
    extract_page_free(t->pg);
    frontier_url_free(t->j->u);
    free(t->j);
    fetch_result_free(t->r);
    free(t);
}

static void drop_page_task(void *task, void *ctx)
{
    (void)ctx;
    page_task_free(task);
}

/* The loop's part of a parsed page: queue its links, write its records, mark it done. */
static ch_status record_page(crawler *c, page_task *t)
{
    const frontier_url *u = t->j->u;
    const fetch_result *r = t->r;
    const extract_page_t *pg = t->pg;
    mark_dirty(c);
    if (r->truncated)
        c->stats->truncated++;
    bool noindex = false, nofollow = false;
    x_robots(r->x_robots_tag, c->agent, &noindex, &nofollow);
    if (pg) {
        noindex = noindex || pg->robots_noindex;
        nofollow = nofollow || pg->robots_nofollow;
    }
    ch_status st = t->digest_st;
    buf_t meta;
    buf_init(&meta, 4u << 20);
    buf_appendf(&meta, "fetch-time-ms: %lld\r\n", (long long)r->elapsed_ms);
    if (noindex || nofollow)
        buf_appendf(&meta, "robots: %s%s%s\r\n", noindex ? "noindex" : "",
                    noindex && nofollow ? ", " : "", nofollow ? "nofollow" : "");
    if (pg && pg->canonical[0])
        field_value(&meta, "canonical", pg->canonical);
    /* outlinks: followed ones are queued; all are listed */
    if (pg && !nofollow) {
        for (size_t i = 0; i < pg->n_links && !st; i++) {
            if (pg->links[i].nofollow)
                continue;
            field_value(&meta, "outlink", pg->links[i].url);
            st = queue_link(c, NULL, pg->links[i].url, u->depth + 1, FRONTIER_KIND_PAGE, 0,
                            REF_NORMALIZED);
        }
        if (!st && pg->refresh_url[0])
            st = queue_link(c, NULL, pg->refresh_url, u->depth + 1, FRONTIER_KIND_PAGE, 0, 0);
    }
    /* a redirect: its target is queued as the next hop */
    if (!st && r->http_status >= 300 && r->http_status < 400 && r->location) {
        field_value(&meta, "redirect", r->location);
        if (u->redirects < c->cfg->max_redirects)
            st = queue_link(c, u->url, r->location, u->depth, FRONTIER_KIND_PAGE, u->redirects + 1,
                            0);
    }
    char resp_id[WARC_ID_SIZE] = "";
    if (!st)
        st = write_records(c, u, r, meta.data, meta.len, resp_id, t->digest);
    int write_errno = errno;
    buf_free(&meta);
    if (st)
        return record_failed(c, st, write_errno);
    c->stats->pages++;
    c->stats->bytes += (int64_t)r->body.len;
    frontier_result fres = {r->http_status, r->etag, r->last_modified, resp_id, t->digest};
    st = frontier_record_url(c->fr, u, FRONTIER_DONE, &fres);
    if (!st)
        c->done_total++;
    return st;
}

/* A page answer: the host is free for its next request at once; the page goes to a parse
 * worker (or is parsed here when the queue has no memory) and the task owns j and r. */
static ch_status hand_off_page(crawler *c, job *j, fetch_result *r, bool *kept)
{
    ch_status st = frontier_host_done(c->fr, j->u->host_id, true);
    if (!st)
        st = after_answer(c, j, r, false);
    page_task *t = st ? NULL : calloc(1, sizeof *t);
    if (!t)
        return st ? st : CH_ERR_NOMEM;
    t->j = j;
    t->r = r;
    *kept = true;
    if (workpool_submit(c->parsers, t) == CH_OK)
        return CH_OK;
    parse_page(t, c);
    st = record_page(c, t);
    page_task_free(t);
    return st;
}

/* An answer to a page request. *kept tells whether j and r now belong to a page task. */
static ch_status finish_url(crawler *c, job *j, fetch_result *r, bool *kept)
{
    frontier_url *u = j->u;
    ch_status st = CH_OK;
    *kept = false;
    c->inflight_urls--;
    mark_dirty(c);
    bool retryable =
        (r->http_status == 0 && !r->refused) || r->http_status == 429 || r->http_status == 503;
    if (r->refused) {
        c->stats->refused++;
        st = frontier_finish_url(c->fr, u, FRONTIER_SKIPPED, NULL, false);
        if (!st)
            st = after_answer(c, j, r, false);
        return st;
    }
    if (r->http_status == 0 && !r->refused &&
        (r->curl_code == CURLE_COULDNT_CONNECT || r->curl_code == CURLE_COULDNT_RESOLVE_HOST))
        return host_down(c, u);
    if (retryable && u->attempts < c->cfg->max_retries) {
        st = frontier_requeue_url(c->fr, u);
        if (!st)
            st = after_answer(c, j, r, r->http_status == 0);
        return st;
    }
    if (r->http_status == 0) {
        c->stats->errors++;
        c->stats->status[0]++;
        st = frontier_finish_url(c->fr, u, FRONTIER_FAILED, NULL, false);
        if (!st)
            st = after_answer(c, j, r, true);
        return st;
    }
    if (r->http_status >= 100 && r->http_status < 600)
        c->stats->status[r->http_status / 100]++;
    bool revisit = r->http_status == 304 && u->warc_id && u->payload_digest;
    if (u->kind != FRONTIER_KIND_SITEMAP && !revisit && !r->skipped_type)
        return hand_off_page(c, j, r, kept);
    buf_t meta;
    buf_init(&meta, 4u << 20);
    if (u->kind == FRONTIER_KIND_SITEMAP) {
        st = handle_sitemap(c, u, r);
    } else if (revisit) {
        c->stats->not_modified++;
        st = write_revisit(c, u, r);
    } else {
        c->stats->skipped_types++;
        buf_appendf(&meta, "skipped: content-type\r\n");
        field_value(&meta, "content-type", r->content_type);
        buf_appendf(&meta, "http-status: %d\r\n", r->http_status);
        st = write_metadata_only(c, u, meta.data, meta.len);
    }
    int write_errno = errno;
    buf_free(&meta);
    if (st)
        return record_failed(c, st, write_errno);
    frontier_result fres = {r->http_status, r->etag, r->last_modified, NULL, NULL};
    st = frontier_finish_url(c->fr, u, FRONTIER_DONE, &fres, !r->skipped_type);
    if (!st) {
        c->done_total++;
        st = after_answer(c, j, r, false);
    }
    return st;
}

/* ---- the loop ---------------------------------------------------------------------------- */

/* Make the batch durable: WARC fsync first, then the frontier commit with the WARC offset.
 * This order is the crash-safety invariant: a page is DONE in a committed transaction only
 * once its WARC records are on disk; records past the committed offset are cut on resume. */
static ch_status flush_batch(crawler *c, bool reopen)
{
    ch_status st = CH_OK;
    int sync_errno = 0;
    if (c->dirty) {
        st = sync_handoffs(c);
        if (!st) {
            st = warc_writer_sync(c->ww);
            if (st)
                sync_errno = errno;
        }
        if (!st)
            st = commit_offset(c);
        if (!st)
            st = frontier_commit(c->fr);
        if (!st)
            note_committed(c);
        c->dirty = false;
        c->group_start_ms = 0;
        c->group_answers = 0;
        if (!st && (uint64_t)warc_writer_size(c->ww) >= (uint64_t)c->cfg->warc_max_bytes) {
            st = warc_writer_close(c->ww);
            c->ww = NULL;
            if (!st)
                st = frontier_begin(c->fr);
            if (!st)
                st = warc_new_file(c, c->warc_seq + 1);
            if (!st)
                st = frontier_commit(c->fr);
            if (!st)
                note_committed(c);
        }
    } else {
        st = frontier_commit(c->fr);
    }
    if (!st && reopen)
        st = frontier_begin(c->fr);
    if (st && sync_errno)
        set_err(c, "cannot commit the crawl state: WARC file: %s", strerror(sync_errno));
    else if (st && !(c->err && c->err[0]))
        set_err(c, "cannot commit the crawl state: %s", frontier_last_error(c->fr));
    return st;
}

/* A group is committed when it has its number of answers, and a WARC file past its size is
 * closed (by the flush) before it grows further. */
static ch_status flush_if_due(crawler *c)
{
    if (c->group_answers >= c->group_pages_max ||
        (uint64_t)warc_writer_size(c->ww) >= (uint64_t)c->cfg->warc_max_bytes)
        return flush_batch(c, true);
    return CH_OK;
}

static ch_status compile_patterns(crawler *c, const cfg_list *l, pcre2_code ***out, size_t *n)
{
    *n = 0;
    if (!l->n)
        return CH_OK;
    *out = calloc(l->n, sizeof(pcre2_code *));
    if (!*out)
        return CH_ERR_NOMEM;
    for (size_t i = 0; i < l->n; i++) {
        int code = 0;
        PCRE2_SIZE off = 0;
        (*out)[i] =
            pcre2_compile((PCRE2_SPTR)l->items[i], PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
        if (!(*out)[i]) {
            set_err(c, "bad pattern '%s'", l->items[i]);
            return CH_ERR_PARSE;
        }
        (*n)++;
    }
    return CH_OK;
}

static int parse_threads(const cfg_crawler *k)
{
    if (k->parse_threads > 0)
        return (int)k->parse_threads;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > 16 ? 16 : (int)cores;
}

static ch_status setup(crawler *c)
{
    const cfg_crawler *k = c->cfg;
    ch_status st;
    if (mkdir(c->o->out_dir, 0755) != 0 && errno != EEXIST) {
        set_err(c, "%s: %s", c->o->out_dir, strerror(errno));
        return CH_ERR_IO;
    }
    if (robots_product_token(k->user_agent, c->agent, sizeof c->agent)) {
        set_err(c, "bad user agent '%s'", k->user_agent);
        return CH_ERR_ARG;
    }
    st = netguard_new(&c->guard);
    for (size_t i = 0; i < k->allow_networks.n && !st; i++) {
        st = netguard_allow(c->guard, k->allow_networks.items[i]);
        if (st)
            set_err(c, "bad network '%s'", k->allow_networks.items[i]);
    }
    if (st)
        return st;
    st = compile_patterns(c, &k->include, &c->include, &c->n_include);
    if (!st)
        st = compile_patterns(c, &k->exclude, &c->exclude, &c->n_exclude);
    if (st)
        return st;
    c->md = pcre2_match_data_create(4, NULL);
    c->mctx = pcre2_match_context_create(NULL);
    if (!c->md || !c->mctx)
        return CH_ERR_NOMEM;
    pcre2_set_match_limit(c->mctx, PCRE_MATCH_LIMIT);
    c->seen = calloc(SEEN_SLOTS, sizeof *c->seen);
    if (!c->seen)
        return CH_ERR_NOMEM;
    extract_global_init();
    extract_limits_default(&c->xlim);
    c->xlim.max_input = (size_t)k->response_max_bytes;
    char path[4096];
    snprintf(path, sizeof path, "%s/state.sqlite", c->o->out_dir);
    st = frontier_open(path, &c->fr, c->err, c->errlen);
    if (st)
        return st;
    st = warc_resume(c);
    if (st)
        return st;
    fetch_options fo = {0};
    fo.user_agent = k->user_agent;
    fo.connect_timeout_s = k->connect_timeout_s;
    fo.timeout_s = k->timeout_s;
    fo.low_speed_bytes = k->low_speed_bytes;
    fo.low_speed_time_s = k->low_speed_time_s;
    fo.max_host_connections = k->per_host_connections;
    fo.guard = c->guard;
    st = fetch_new(&fo, &c->fe);
    if (!st)
        st = workpool_new(parse_threads(k), parse_page, wake_loop, c, &c->parsers);
    if (st)
        return st;
    /* seeds and their hosts (the default scope) */
    for (size_t i = 0; i < k->seeds.n; i++) {
        char *host = NULL, *norm = NULL;
        if (url_normalize(k->seeds.items[i], &norm) == CH_OK && url_host(norm, &host) == CH_OK)
            st = cfg_list_add(NULL, &c->seed_hosts, host);
        free(host);
        free(norm);
        if (st)
            return st;
    }
    st = frontier_begin(c->fr);
    for (size_t i = 0; i < k->seeds.n && !st; i++)
        st = queue_link(c, NULL, k->seeds.items[i], 0, FRONTIER_KIND_PAGE, 0, REF_SEED);
    for (size_t i = 0; i < k->sitemaps.n && !st; i++)
        st = queue_link(c, NULL, k->sitemaps.items[i], 0, FRONTIER_KIND_SITEMAP, 0, REF_SEED);
    if (!st && k->recrawl_after_s > 0)
        st = frontier_requeue_older_than(c->fr, time(NULL) - k->recrawl_after_s, NULL);
    if (!st)
        st = frontier_commit(c->fr);
    if (!st)
        st = frontier_count(c->fr, FRONTIER_DONE, &c->done_total);
    if (st)
        set_err(c, "cannot queue the seeds");
    return st;
}

static void teardown(crawler *c)
{
    /* the workers first: they use the fetcher (to wake the loop) and the limits */
    workpool_free(c->parsers, drop_page_task);
    fetch_free(c->fe);
    if (c->fr && frontier_in_transaction(c->fr))
        frontier_rollback(c->fr);
    frontier_close(c->fr);
    warc_writer_close(c->ww);
    netguard_free(c->guard);
    for (size_t i = 0; i < c->n_include; i++)
        pcre2_code_free(c->include[i]);
    for (size_t i = 0; i < c->n_exclude; i++)
        pcre2_code_free(c->exclude[i]);
    free(c->include);
    free(c->exclude);
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mctx);
    cfg_list_clear(&c->seed_hosts);
    free(c->seen);
    for (size_t i = 0; i < ROBOTS_CACHE_SLOTS; i++)
        robots_free(c->robots[i].r);
    for (int i = 0; i < MAX_HANDOFF_FILES; i++)
        if (c->handoff[i])
            fclose(c->handoff[i]);
}

static void progress(crawler *c, int64_t *last)
{
    int64_t now = wall_ms();
    if (!c->o->progress || now - *last < 1000)
        return;
    *last = now;
    int64_t queued = 0;
    frontier_count(c->fr, FRONTIER_QUEUED, &queued);
    fprintf(stderr, "\rcrawl: %lld pages, %lld queued, %d in flight   ", (long long)c->stats->pages,
            (long long)queued, fetch_active(c->fe));
    fflush(stderr);
}

static void free_job(void *user, void *ctx)
{
    (void)ctx;
    job *j = user;
    if (j)
        frontier_url_free(j->u);
    free(j);
}

ch_status crawl_run(const crawl_options *o, crawl_stats *stats, char *err, size_t errlen)
{
    crawler c;
    memset(&c, 0, sizeof c);
    memset(stats, 0, sizeof *stats);
    c.o = o;
    c.cfg = o->cfg;
    c.stats = stats;
    c.err = err;
    c.errlen = errlen;
    c.group_pages_max = o->group_pages > 0 ? o->group_pages : CRAWL_GROUP_PAGES;
    c.group_ms_max = o->group_ms > 0 ? o->group_ms : CRAWL_GROUP_MS;
    if (err && errlen)
        err[0] = '\0';
    int64_t t0 = wall_ms(), last_progress = 0;
    ch_status st = setup(&c);
    if (!st)
        st = frontier_begin(c.fr);
    bool limit = false;
    while (!st) {
        int64_t wake = -1;
        if (!limit)
            st = fill(&c, &limit, &wake);
        if (st)
            break;
        bool stopping = limit || (o->stop && *o->stop);
        bool idle = fetch_active(c.fe) == 0 && workpool_pending(c.parsers) == 0;
        if (idle && (stopping || wake < 0))
            break;
        int64_t now = wall_ms();
        /* Group commit: one fsync and one commit for many answers. Also flushed when nothing
         * is in flight (the loop would only wait for a host's clock: as well be durable). */
        if (c.dirty && (c.group_answers >= c.group_pages_max ||
                        now - c.group_start_ms >= c.group_ms_max || idle)) {
            st = flush_batch(&c, true);
            if (st)
                break;
        }
        int timeout = 200;
        if (wake >= 0 && wake - now < timeout)
            timeout = wake > now ? (int)(wake - now) : 0;
        if (c.dirty) { /* wake up in time to commit the group */
            int64_t due = c.group_start_ms + c.group_ms_max - now;
            if (due < timeout)
                timeout = due > 0 ? (int)due : 0;
        }
        fetch_result *r = NULL;
        ch_status ws = fetch_wait(c.fe, timeout, &r);
        while (ws == CH_OK && r && !st) {
            job *j = r->user;
            bool kept = false;
            if (j->kind == JOB_ROBOTS)
                st = finish_robots(&c, j, r);
            else
                st = finish_url(&c, j, r, &kept);
            if (!kept) {
                frontier_url_free(j->u);
                free(j);
                fetch_result_free(r);
            }
            r = NULL;
            c.group_answers++;
            if (!st)
                st = flush_if_due(&c);
            if (st)
                break;
            ws = fetch_wait(c.fe, 0, &r);
        }
        page_task *t;
        while (!st && (t = workpool_take(c.parsers))) {
            st = record_page(&c, t);
            page_task_free(t);
            if (!st)
                st = flush_if_due(&c);
        }
        if (st)
            break;
        if (ws != CH_OK && ws != CH_ERR_NOTFOUND) {
            st = ws;
            set_err(&c, "libcurl failed");
            break;
        }
        progress(&c, &last_progress);
    }
    if (!st && c.fr && frontier_in_transaction(c.fr))
        st = flush_batch(&c, false);
    if (c.o->progress && last_progress)
        fputc('\n', stderr);
    if (c.fr) {
        int64_t pages = 0;
        frontier_pages_fetched(c.fr, &pages, &stats->hosts);
        frontier_count(c.fr, FRONTIER_QUEUED, &stats->queued_left);
    }
    if (st)
        warc_cut_back(&c);
    /* after a failure transfers may still be in flight: their jobs are ours to free */
    if (c.fe)
        fetch_each_user(c.fe, free_job, NULL);
    teardown(&c);
    stats->duration_ms = wall_ms() - t0;
    return st;
}
