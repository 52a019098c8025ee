#include "server/stats.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#define LAT_PER_OCTAVE 4
#define LAT_BUCKETS 112 /* 2^(111/4) us, about 3.5 min: anything slower lands in the last */

/* Prometheus histogram bounds, seconds. */
static const double prom_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                     0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define PROM_BUCKETS (sizeof prom_bounds / sizeof prom_bounds[0])

typedef struct {
    atomic_long day;
    atomic_ulong queries[SRV_STATS_MODES];
} day_slot;

struct srv_stats {
    day_slot days[SRV_STATS_DAYS];
    atomic_ulong totals[SRV_STATS_MODES];
    atomic_ulong blocked[SRV_STATS_MODES];
    atomic_ulong status_class[6]; /* index 1..5: 1xx..5xx */
    atomic_ulong lat[LAT_BUCKETS];
    atomic_ulong prom[PROM_BUCKETS + 1]; /* non-cumulative; last: above every bound */
    atomic_ullong lat_sum_us;
};

srv_stats *srv_stats_new(void)
{
    srv_stats *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < SRV_STATS_DAYS; i++)
        atomic_init(&s->days[i].day, -1);
    return s;
}

void srv_stats_free(srv_stats *s)
{
    free(s);
}

static size_t lat_bucket(uint64_t us)
{
    if (us <= 1)
        return 0;
    double b = floor(log2((double)us) * LAT_PER_OCTAVE);
    return b >= LAT_BUCKETS - 1 ? LAT_BUCKETS - 1 : (size_t)b;
}

void srv_stats_record_query(srv_stats *s, int mode, time_t now, uint64_t latency_us)
{
    if (!s || mode < 0 || mode >= SRV_STATS_MODES)
        return;
    long day = (long)(now / 86400);
    day_slot *d = &s->days[day % SRV_STATS_DAYS];
    long seen = atomic_load(&d->day);
    if (seen != day && atomic_compare_exchange_strong(&d->day, &seen, day)) {
        for (size_t m = 0; m < SRV_STATS_MODES; m++)
            atomic_store(&d->queries[m], 0);
    }
    atomic_fetch_add(&d->queries[mode], 1);
    atomic_fetch_add(&s->totals[mode], 1);
    atomic_fetch_add(&s->lat[lat_bucket(latency_us)], 1);
    atomic_fetch_add(&s->lat_sum_us, latency_us);
    size_t pb = 0;
    while (pb < PROM_BUCKETS && (double)latency_us / 1e6 > prom_bounds[pb])
        pb++;
    atomic_fetch_add(&s->prom[pb], 1);
}

void srv_stats_record_blocked(srv_stats *s, int mode)
{
    if (s && mode >= 0 && mode < SRV_STATS_MODES)
        atomic_fetch_add(&s->blocked[mode], 1);
}

void srv_stats_record_status(srv_stats *s, unsigned status)
{
    if (s && status >= 100 && status < 600)
        atomic_fetch_add(&s->status_class[status / 100], 1);
}

size_t srv_stats_days(const srv_stats *s, time_t now, srv_stats_day *out, size_t max)
{
    size_t n = 0;
    long today = (long)(now / 86400);
    for (long day = today; day > today - SRV_STATS_DAYS && n < max && day >= 0; day--) {
        const day_slot *d = &s->days[day % SRV_STATS_DAYS];
        if (atomic_load(&d->day) != day)
            continue;
        srv_stats_day r = {.day = day};
        unsigned long sum = 0;
        for (size_t m = 0; m < SRV_STATS_MODES; m++)
            sum += r.queries[m] = atomic_load(&d->queries[m]);
        if (sum)
            out[n++] = r;
    }
    return n;
}

void srv_stats_totals(const srv_stats *s, unsigned long totals[SRV_STATS_MODES])
{
    for (size_t m = 0; m < SRV_STATS_MODES; m++)
        totals[m] = atomic_load(&s->totals[m]);
}

uint64_t srv_stats_median_us(const srv_stats *s)
{
    unsigned long counts[LAT_BUCKETS], total = 0;
    for (size_t i = 0; i < LAT_BUCKETS; i++)
        total += counts[i] = atomic_load(&s->lat[i]);
    if (total == 0)
        return 0;
    unsigned long seen = 0;
    for (size_t i = 0; i < LAT_BUCKETS; i++) {
        seen += counts[i];
        if (seen * 2 >= total) {
            /* geometric middle of [2^(i/4), 2^((i+1)/4)) */
            double mid = exp2(((double)i + 0.5) / LAT_PER_OCTAVE);
            return (uint64_t)llround(mid);
        }
    }
    return 0;
}

ch_status srv_stats_prometheus(const srv_stats *s, unsigned long doc_count, buf_t *out)
{
    static const char *const modes[SRV_STATS_MODES] = {"web", "school", "junior"};
    ch_status st = buf_append_str(out, "# HELP chouette_queries_total Searches answered, by mode.\n"
                                       "# TYPE chouette_queries_total counter\n");
    for (size_t m = 0; m < SRV_STATS_MODES && st == CH_OK; m++)
        st = buf_appendf(out, "chouette_queries_total{mode=\"%s\"} %lu\n", modes[m],
                         atomic_load(&s->totals[m]));
    if (st == CH_OK)
        st = buf_append_str(out, "# HELP chouette_blocked_queries_total Searches answered with the "
                                 "kind message instead of results, by mode.\n"
                                 "# TYPE chouette_blocked_queries_total counter\n");
    for (size_t m = 0; m < SRV_STATS_MODES && st == CH_OK; m++)
        st = buf_appendf(out, "chouette_blocked_queries_total{mode=\"%s\"} %lu\n", modes[m],
                         atomic_load(&s->blocked[m]));
    if (st == CH_OK)
        st = buf_append_str(out, "# HELP chouette_http_responses_total HTTP responses, by "
                                 "status class.\n"
                                 "# TYPE chouette_http_responses_total counter\n");
    for (size_t c = 1; c <= 5 && st == CH_OK; c++)
        st = buf_appendf(out, "chouette_http_responses_total{code=\"%zuxx\"} %lu\n", c,
                         atomic_load(&s->status_class[c]));
    if (st == CH_OK)
        st = buf_append_str(out, "# HELP chouette_search_duration_seconds Time to answer a "
                                 "search.\n"
                                 "# TYPE chouette_search_duration_seconds histogram\n");
    unsigned long cum = 0;
    for (size_t b = 0; b < PROM_BUCKETS && st == CH_OK; b++) {
        cum += atomic_load(&s->prom[b]);
        st = buf_appendf(out, "chouette_search_duration_seconds_bucket{le=\"%g\"} %lu\n",
                         prom_bounds[b], cum);
    }
    cum += atomic_load(&s->prom[PROM_BUCKETS]);
    if (st == CH_OK)
        st = buf_appendf(out,
                         "chouette_search_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
                         "chouette_search_duration_seconds_sum %.6f\n"
                         "chouette_search_duration_seconds_count %lu\n",
                         cum, (double)atomic_load(&s->lat_sum_us) / 1e6, cum);
    if (st == CH_OK)
        st = buf_appendf(out,
                         "# HELP chouette_documents_indexed Documents in the served index.\n"
                         "# TYPE chouette_documents_indexed gauge\n"
                         "chouette_documents_indexed %lu\n",
                         doc_count);
    return st;
}
