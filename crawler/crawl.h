/* The crawl loop: frontier + fetch + robots + scope + WARC output.
 *
 * One thread drives many transfers (libcurl multi). For each host (origin): robots.txt first
 * (cached in the frontier for robots_cache_s; 4xx = allow all; 5xx/unreachable = nothing now,
 * retried after robots_retry_s, host given up after robots_max_attempts), then its URLs one
 * (per_host_connections) at a time, spaced by max(delay_ms, Crawl-delay, adaptive back-off).
 * Redirects are followed by queueing the target (after scope, robots and net guard, like any
 * URL), up to max_redirects hops.
 *
 * Output in out_dir: chouette[-pI]-NNNNN.warc.gz (warcinfo first; response + request +
 * metadata per fetched page; metadata only for skipped content types; revisit for 304s;
 * rotated past warc_max_bytes), state.sqlite (the frontier), handoff-J.txt (URLs of other
 * partitions). Batches of pages are fsynced to the WARC file before the frontier commits them
 * together with the WARC offset; on start the WARC file is cut back to the committed offset,
 * so kill -9 at any moment then a new run loses nothing and writes no page twice. */
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
} crawl_options;

typedef struct {
    int64_t pages;         /* URLs fetched and recorded in this run (any HTTP status) */
    int64_t bytes;         /* decoded body bytes of those */
    int64_t status[6];     /* by class: [0] no answer, [1..5] 1xx..5xx */
    int64_t hosts;         /* hosts with at least one page, over the whole crawl */
    int64_t robots_denied; /* URLs not fetched because robots.txt said no */
    int64_t refused;       /* URLs refused by the net guard */
    int64_t errors;        /* network failures (after retries) */
    int64_t skipped_types; /* non-HTML answers recorded as metadata only */
    int64_t truncated;     /* bodies cut (length, time or disconnect) */
    int64_t not_modified;  /* 304 answers recorded as revisits */
    int64_t queued_left;   /* URLs still queued at the end */
    int64_t duration_ms;
} crawl_stats;

/* Run a crawl (or resume the one in out_dir). Returns CH_OK when the crawl ended normally
 * (everything fetched, a limit reached, or *stop set), with stats filled; otherwise a status
 * and a message in err: CH_ERR_IO (database, WARC or directory failure), CH_ERR_PARSE (a bad
 * include/exclude pattern or allow_networks entry), CH_ERR_ARG (nothing to crawl). */
ch_status crawl_run(const crawl_options *o, crawl_stats *stats, char *err, size_t errlen);

/* FNV-1a 64-bit hash of a host name, lowercase as given: the partition key. */
uint64_t crawl_host_hash(const char *host);

#endif
