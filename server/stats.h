/* Aggregate, in-memory statistics for /stats and /metrics: queries per day and per mode, HTTP
 * answers per status class, and a latency histogram. Only counters: no query, no address, no
 * time of an individual request is kept. Lock-free (C11 atomics): any thread may record while
 * others read. Nothing survives a restart. */
#ifndef CHOUETTE_SERVER_STATS_H
#define CHOUETTE_SERVER_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/status.h"

#define SRV_STATS_DAYS 30 /* days of per-day counters kept */
#define SRV_STATS_MODES 3 /* web, school, junior (flt_mode order) */

typedef struct srv_stats srv_stats;

typedef struct {
    long day; /* days since 1970-01-01 (UTC) */
    unsigned long queries[SRV_STATS_MODES];
} srv_stats_day;

/* A zeroed set of counters (free with srv_stats_free); NULL on allocation failure. */
srv_stats *srv_stats_new(void);
void srv_stats_free(srv_stats *s);

/* Count one answered search in mode (flt_mode) at time now, which took latency_us. Counters
 * for a day are reset the first time a query of a new day lands in its slot; a query racing
 * with that reset at midnight may be lost (documented, harmless). */
void srv_stats_record_query(srv_stats *s, int mode, time_t now, uint64_t latency_us);

/* Count one blocked query (answered with the kind message) in mode. */
void srv_stats_record_blocked(srv_stats *s, int mode);

/* Count one HTTP response by status. */
void srv_stats_record_status(srv_stats *s, unsigned status);

/* Days with at least one query among the last SRV_STATS_DAYS, most recent first. Returns how
 * many were written to out (at most max). */
size_t srv_stats_days(const srv_stats *s, time_t now, srv_stats_day *out, size_t max);

/* Queries per mode since start. */
void srv_stats_totals(const srv_stats *s, unsigned long totals[SRV_STATS_MODES]);

/* Median search latency in microseconds since start (from a histogram with 4 buckets per
 * doubling, so within about 10%); 0 when no query was served. */
uint64_t srv_stats_median_us(const srv_stats *s);

/* Append the Prometheus text exposition (format 0.0.4) of every counter, plus the
 * documents-indexed gauge, to out. Fails with buf_append's status. */
ch_status srv_stats_prometheus(const srv_stats *s, unsigned long doc_count, buf_t *out);

#endif
