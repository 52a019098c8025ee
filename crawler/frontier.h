/* The crawl frontier and crawl state, in one SQLite database (DIR/state.sqlite).
 *
 * Tables: urls (every URL ever admitted, unique, with its host, depth, status and fetch
 * results), hosts (politeness clock, crawl delay, back-off, cached robots.txt, page count,
 * queue length), meta (key/value: WARC file and committed offset, crawl parameters).
 *
 * Durability contract (what makes kill -9 then resume lose nothing and write nothing twice):
 * the caller writes a batch of pages to the WARC file, fsyncs it, then records in ONE
 * transaction (frontier_begin ... frontier_commit) the pages as done, their outlinks, and the
 * WARC offset reached (frontier_meta_set "warc_offset"). On resume the WARC file is cut back to
 * the committed offset, so records of pages not committed (or torn) disappear and those pages,
 * still queued or in flight, are fetched again. frontier_open turns "in flight" back into
 * "queued" for that reason.
 *
 * Memory: the database lives on disk in WAL mode (synchronous=NORMAL: an application crash
 * loses nothing committed; a power cut may lose the last commits, never consistency) with an
 * 8 MiB page cache, so a million URLs fit in well under 200 MB of RSS.
 *
 * Times: *_ms values are milliseconds since the epoch; *_at values without unit are seconds.
 * A frontier_t belongs to one thread. */
#ifndef CHOUETTE_FRONTIER_H
#define CHOUETTE_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef enum {
    FRONTIER_QUEUED = 0,
    FRONTIER_INFLIGHT = 1,
    FRONTIER_DONE = 2,    /* fetched and recorded (any HTTP status, redirects included) */
    FRONTIER_FAILED = 3,  /* network error, retries exhausted */
    FRONTIER_SKIPPED = 4, /* disallowed by robots.txt, refused by the net guard, or host given up */
} frontier_status;

typedef enum {
    FRONTIER_KIND_PAGE = 0,
    FRONTIER_KIND_SITEMAP = 1,
} frontier_kind;

/* A URL taken from the queue. Strings owned by the struct; free with frontier_url_free. */
typedef struct {
    int64_t id;
    int64_t host_id;
    char *url;
    int depth;
    int kind;      /* frontier_kind */
    int redirects; /* redirect hops that led here */
    int attempts;  /* earlier failed attempts */
    char *etag;    /* from an earlier fetch, or NULL */
    char *last_modified;
    char *warc_id; /* record id of the earlier response, or NULL */
    char *payload_digest;
    int64_t fetched_at; /* seconds, 0 if never */
} frontier_url;

/* A host's state. Strings owned by the struct; free with frontier_host_free. */
typedef struct {
    int64_t id;
    char *host; /* the origin, "scheme://host[:port]" */
    int64_t next_allowed_ms;
    int64_t crawl_delay_ms; /* from robots.txt; -1 when none */
    int64_t backoff_ms;     /* adaptive extra delay */
    int robots_status;      /* HTTP status of the robots.txt fetch; 0 none/unreachable; -1 never */
    char *robots_body;      /* NULL when none */
    size_t robots_len;
    int64_t robots_fetched_at; /* seconds; 0 never */
    int robots_failures;       /* consecutive 5xx/unreachable answers */
    int64_t pages_fetched;
    int64_t queued;
    int inflight;
} frontier_host;

/* What a fetch produced, for frontier_mark_done. Strings may be NULL. */
typedef struct {
    int http_status;
    const char *etag;
    const char *last_modified;
    const char *warc_id;
    const char *payload_digest;
} frontier_result;

typedef struct frontier frontier_t;

/* Open (creating if needed) the database at path, set WAL/synchronous=NORMAL/cache, create the
 * schema, and turn in-flight URLs back into queued ones. *out for frontier_close; NULL on
 * failure (CH_ERR_IO with a message in err when not NULL, CH_ERR_NOMEM). */
ch_status frontier_open(const char *path, frontier_t **out, char *err, size_t errlen);

/* Close; rolls back an open transaction. NULL allowed. */
void frontier_close(frontier_t *f);

/* SQLite's message for the last failed call (e.g. "database or disk is full"); never NULL,
 * valid until the next call on f. */
const char *frontier_last_error(const frontier_t *f);

/* Start / commit / roll back a transaction (one batch). CH_ERR_IO on failure. */
ch_status frontier_begin(frontier_t *f);
ch_status frontier_commit(frontier_t *f);
ch_status frontier_rollback(frontier_t *f);
bool frontier_in_transaction(const frontier_t *f);

/* Admit a URL (already normalised, scoped) of origin host. *added (may be NULL) tells whether
 * it is new; a URL already known is left alone. CH_ERR_IO on a database failure. */
ch_status frontier_add(frontier_t *f, const char *url, const char *host, int depth, int kind,
                       int redirects, bool *added);

/* True when the URL is known (any status). */
ch_status frontier_contains(frontier_t *f, const char *url, bool *found);

/* The ready host with the earliest clock: next_allowed_ms <= now_ms, fewer than max_inflight
 * URLs in flight, queued URLs, and (budget > 0) fewer than budget pages fetched. *out is a new
 * frontier_host (frontier_host_free). When none is ready: CH_ERR_NOTFOUND, *out NULL, and
 * *wake_ms (may be NULL) the earliest clock of a host that would be ready apart from time, or
 * -1 when no host has work left. */
ch_status frontier_next_ready_host(frontier_t *f, int64_t now_ms, int max_inflight, int64_t budget,
                                   frontier_host **out, int64_t *wake_ms);

/* A host by origin; CH_ERR_NOTFOUND when unknown. *out for frontier_host_free. */
ch_status frontier_get_host(frontier_t *f, const char *host, frontier_host **out);

/* Take the next queued URL of a host (lowest depth, then oldest) and mark it in flight; the
 * host's in-flight count goes up. CH_ERR_NOTFOUND when it has none. */
ch_status frontier_take_url(frontier_t *f, int64_t host_id, frontier_url **out);

/* Record the end of an in-flight URL: status DONE/FAILED/SKIPPED with the result (may be NULL),
 * page count of the host incremented when counts_as_page. The host's in-flight count goes
 * down. */
ch_status frontier_finish_url(frontier_t *f, const frontier_url *u, frontier_status st,
                              const frontier_result *res, bool counts_as_page);

/* The two halves of frontier_finish_url, for a caller that lets the host go on as soon as the
 * answer is in and records the URL later (after work on the page): the host's in-flight count
 * goes down (page count incremented when counts_as_page); the URL gets its status and result.
 * Each URL needs both, once. */
ch_status frontier_host_done(frontier_t *f, int64_t host_id, bool counts_as_page);
ch_status frontier_record_url(frontier_t *f, const frontier_url *u, frontier_status st,
                              const frontier_result *res);

/* Put an in-flight URL back in the queue (attempts + 1). */
ch_status frontier_requeue_url(frontier_t *f, const frontier_url *u);

/* Mark every queued URL of a host SKIPPED (e.g. robots.txt unreachable for good). */
ch_status frontier_skip_host(frontier_t *f, int64_t host_id);

/* Politeness: set the host's clock and back-off. */
ch_status frontier_set_host_clock(frontier_t *f, int64_t host_id, int64_t next_allowed_ms,
                                  int64_t backoff_ms);

/* Store a robots.txt answer (body may be NULL) and the crawl delay it sets (-1 none). failures:
 * the consecutive failure count to keep. */
ch_status frontier_set_robots(frontier_t *f, int64_t host_id, int http_status, const char *body,
                              size_t len, int64_t fetched_at, int64_t crawl_delay_ms, int failures);

/* Re-queue DONE pages fetched before cutoff (seconds) for a conditional re-fetch. *n (may be
 * NULL) receives how many. */
ch_status frontier_requeue_older_than(frontier_t *f, int64_t cutoff, int64_t *n);

/* Number of URLs with a status (st < 0: all URLs). */
ch_status frontier_count(frontier_t *f, int st, int64_t *n);

/* Sum of pages_fetched over hosts, and number of hosts with a page fetched. */
ch_status frontier_pages_fetched(frontier_t *f, int64_t *pages, int64_t *hosts);

/* meta: a string value by key; *out NULL and CH_ERR_NOTFOUND when absent. *out for free(). */
ch_status frontier_meta_get(frontier_t *f, const char *key, char **out);
ch_status frontier_meta_set(frontier_t *f, const char *key, const char *value);

/* Call fn for each DONE URL (in id order) with its URL and HTTP status, e.g. for tests and
 * reports. A non-zero return from fn stops the walk. */
ch_status frontier_each_done(frontier_t *f, int (*fn)(void *ctx, const char *url, int http),
                             void *ctx);

void frontier_url_free(frontier_url *u);
void frontier_host_free(frontier_host *h);

#endif
