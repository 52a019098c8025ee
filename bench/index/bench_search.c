/* In-process search latency: idx_search() over N queries (default 1000), cycling through the
 * queries of the given files (TSV: the query is the first field; '#' lines skipped), in web
 * mode with the categories data/policies.ini hides there. Prints median, p90, p99, mean and max
 * in microseconds, measured with CLOCK_MONOTONIC around idx_search + idx_results_free, and the
 * CPU time per query (CLOCK_PROCESS_CPUTIME_ID over the timed queries). The
 * first pass over the query list is a warm-up and is not counted. With BENCH_SEARCH_PER_QUERY
 * set in the environment, the median of each distinct query is printed on stderr too.
 *
 *   bench/index/bench_search.sh DB [N] [QUERIES.tsv...]   */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/paths.h"
#include "filters/catlists.h"
#include "filters/policy.h"
#include "indexer/search.h"

#define MAX_QUERIES 4096

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* CPU time of this process (user + system): unlike the wall time, it hardly depends on how
 * many other processes share the cores. */
static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_search DB N QUERIES.tsv...\n");
        return 2;
    }
    char *end = NULL;
    long n = strtol(argv[2], &end, 10);
    if (*end || n < 1 || n > 10000000) {
        fprintf(stderr, "bench_search: bad N\n");
        return 2;
    }
    int rc = 1;
    char *queries[MAX_QUERIES];
    size_t nq = 0;
    double *lat = calloc((size_t)n, sizeof *lat);
    idx_searcher *s = NULL;
    char *msg = NULL;
    const char *hidden[64];
    size_t n_hidden = 0;
    flt_policy *pol = NULL;
    char path[4096], err[256];
    if (!lat)
        goto out;
    for (int a = 3; a < argc; a++) {
        FILE *fp = fopen(argv[a], "r");
        if (!fp) {
            perror(argv[a]);
            goto out;
        }
        char line[4096];
        while (fgets(line, sizeof line, fp) && nq < MAX_QUERIES) {
            line[strcspn(line, "\t\r\n")] = '\0';
            if (line[0] && line[0] != '#')
                queries[nq++] = strdup(line);
        }
        fclose(fp);
    }
    if (nq == 0) {
        fprintf(stderr, "bench_search: no queries\n");
        goto out;
    }
    if (paths_data_file("policies.ini", path, sizeof path) ||
        flt_policy_load(path, NULL, &pol, err, sizeof err)) {
        fprintf(stderr, "bench_search: cannot load policies.ini\n");
        goto out;
    }
    uint64_t mask = flt_policy_hidden_mask(pol, flt_mode_from_name("web"));
    for (int b = 0; b < 64; b++)
        if ((mask >> b) & 1 && flt_category_name(b))
            hidden[n_hidden++] = flt_category_name(b);
    if (idx_searcher_open(argv[1], &s, &msg)) {
        fprintf(stderr, "bench_search: %s\n", msg ? msg : "cannot open");
        goto out;
    }
    long results = 0;
    double cpu0 = 0;
    for (long i = -(long)nq; i < n; i++) {
        if (i == 0)
            cpu0 = cpu_us();
        idx_search_params p = {.query = queries[(size_t)(i + (long)nq) % nq],
                               .hidden_categories = hidden,
                               .n_hidden = n_hidden,
                               .page = 1,
                               .per_page = 10};
        idx_results r;
        double t0 = now_us();
        ch_status st = idx_search(s, &p, &r);
        if (!st)
            idx_results_free(&r);
        double t1 = now_us();
        if (st) {
            fprintf(stderr, "bench_search: query %ld failed: %s\n", i, ch_status_str(st));
            goto out;
        }
        if (i >= 0) {
            lat[i] = t1 - t0;
            results += (long)r.n_results;
        }
    }
    double cpu = cpu_us() - cpu0;
    if (getenv("BENCH_SEARCH_PER_QUERY")) {
        /* The median of each query, to find the slow ones (stderr: the summary stays the same). */
        double *v = calloc((size_t)n / nq + 1, sizeof *v);
        for (size_t q = 0; v && q < nq; q++) {
            size_t k = 0;
            for (long i = (long)q; i < n; i += (long)nq)
                v[k++] = lat[i];
            if (!k)
                continue;
            qsort(v, k, sizeof *v, cmp_double);
            fprintf(stderr, "%8.0f us  %s\n", pct(v, k, 0.5), queries[q]);
        }
        free(v);
    }
    double sum = 0;
    for (long i = 0; i < n; i++)
        sum += lat[i];
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    printf("queries %ld (%zu distinct)\nmedian_us %.0f\np90_us %.0f\np99_us %.0f\nmean_us %.0f\n"
           "max_us %.0f\ncpu_us_per_query %.0f\n",
           n, nq, pct(lat, (size_t)n, 0.5), pct(lat, (size_t)n, 0.9), pct(lat, (size_t)n, 0.99),
           sum / (double)n, lat[n - 1], cpu / (double)n);
    rc = 0;
out:
    idx_searcher_close(s);
    free(msg);
    flt_policy_free(pol);
    for (size_t i = 0; i < nq; i++)
        free(queries[i]);
    free(lat);
    return rc;
}
