/* The crawl loop: frontier + fetch + robots + scope + WARC output.
 *
 * One thread, the loop, drives many transfers (libcurl multi) and owns the frontier and the WARC
 * writer; parse_threads workers (common/workpool.h) find the links of fetched pages and hash
 * their bodies meanwhile, so fetching, parsing and writing overlap on several cores. A host is
 * free for its next request as soon as an answer is in, not once its page is parsed.
 *
 * For each host (origin): robots.txt first (cached in the frontier for robots_cache_s; 4xx = allow
 * all; 5xx = nothing now, retried after robots_retry_s; no HTTP answer at all (refused, DNS
 * failure, timeout) = retried after 1 s, 2 s, 4 s ... capped at robots_retry_s; host given up after
 * robots_max_attempts failures in a row: its queued URLs, and those found later in the run, are
 * SKIPPED and counted in hosts_given_up. A host that stops answering page requests (connection
 * refused or DNS failure) goes back to that robots.txt cycle), then its URLs one
 * (per_host_connections) at a time, spaced by max(delay_ms, Crawl-delay, adaptive back-off).
 * Redirects are followed by queueing the target (after scope, robots and net guard, like any
 * URL), up to max_redirects hops.
 *
 * Output in out_dir: chouette[-pI]-NNNNN.warc.gz (warcinfo first; response + request +
 * metadata per fetched page; metadata only for skipped content types; revisit for 304s;
 * rotated past warc_max_bytes), state.sqlite (the frontier), handoff-J.txt (URLs of other
 * partitions). Pages are committed in groups (group commit: CRAWL_GROUP_PAGES answers from
 * all hosts or CRAWL_GROUP_MS, whichever first): the WARC file is fsynced, then the frontier
 * commits the group's pages as done, their outlinks and the WARC offset in one transaction; on
 * start the WARC file is cut back to the committed offset, so kill -9 at any moment then a new
 * run loses nothing and writes no page twice (answers of an uncommitted group are fetched
 * again).
 *
 * Per-host connections: per_host_connections (default 1) transfers to one host at once, each
 * start spaced by the host's delay. 1 is the polite setting for other people's sites; more is
 * for one's own servers (an intranet, a benchmark against wget2 --max-threads=8 on loopback). */
#ifndef CHOUETTE_CRAWL_H
#define CHOUETTE_CRAWL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "common/status.h"

typedef struct {
    const cfg_crawler *cfg;      /* settings, command-line overrides applied; seeds included */
    const char *out_dir;         /* created if missing */
    int part_index, part_count;  /* --partition I/N; 0/1 when not partitioned */
    bool progress;               /* draw a progress line on stderr */
    volatile sig_atomic_t *stop; /* set (by a signal handler) to finish in-flight work and end */
    int group_pages;             /* group commit: answers per commit; 0: CRAWL_GROUP_PAGES */
    int group_ms;                /* ... or age of the oldest change; 0: CRAWL_GROUP_MS */
} crawl_options;

/* Group commit defaults: the WARC file is fsynced and the frontier committed once per group of
 * answers (from all hosts), when it reaches this many or this age, whichever comes first; and
 * also as soon as nothing is in flight. */
#define CRAWL_GROUP_PAGES 64
#define CRAWL_GROUP_MS 200

typedef struct {
    int64_t pages;          /* URLs fetched and recorded in this run (any HTTP status) */
    int64_t bytes;          /* decoded body bytes of those */
    int64_t status[6];      /* by class: [0] no answer, [1..5] 1xx..5xx */
    int64_t hosts;          /* hosts with at least one page, over the whole crawl */
    int64_t robots_denied;  /* URLs not fetched because robots.txt said no */
    int64_t hosts_given_up; /* hosts whose robots.txt failed robots_max_attempts times in a row
                               (no answer or 5xx): their URLs are SKIPPED */
    int64_t refused;        /* URLs refused by the net guard */
    int64_t errors;         /* network failures (after retries) */
    int64_t skipped_types;  /* non-HTML answers recorded as metadata only */
    int64_t truncated;      /* bodies cut (length, time or disconnect) */
    int64_t not_modified;   /* 304 answers recorded as revisits */
    int64_t queued_left;    /* URLs still queued at the end */
    int64_t duration_ms;
} crawl_stats;

/* Run a crawl (or resume the one in out_dir). Returns CH_OK when the crawl ended normally
 * (everything fetched, a limit reached, or *stop set), with stats filled; otherwise a status
 * and a message in err: CH_ERR_IO (database, WARC or directory failure), CH_ERR_PARSE (a bad
 * include/exclude pattern or allow_networks entry), CH_ERR_ARG (nothing to crawl). */
ch_status crawl_run(const crawl_options *o, crawl_stats *stats, char *err, size_t errlen);

#endif
