/* In-process search latency: idx_search() over N queries (default 1000), cycling through the
 * queries of the given files (TSV: the query is the first field; '#' lines skipped), in web
 * mode with the categories data/policies.ini hides there. Prints median, p90, p99, mean and max
 * in microseconds, measured with CLOCK_MONOTONIC around idx_search + idx_results_free, and the
 * CPU time per query (CLOCK_PROCESS_CPUTIME_ID over the timed queries). The
 * first pass over the query list is a warm-up and is not counted. With BENCH_SEARCH_PER_QUERY
 * set in the environment, the median of each distinct query is printed on stderr too.
 *
 * With --http ADDR:PORT (a `chouette serve` of the same database), each query is also asked of
 * the server, GET /api/search?q=Q on one kept-alive connection, right before or right after the
 * in-process call (in turn, so that neither gets the other's warm caches): the two are paired
 * query by query, a fraction of a millisecond apart, so the machine's changes of speed, which
 * move rounds of seconds by tens of percent on a VM, fall on both alike. The client is a plain
 * socket, not libcurl, so that the time measured is the server's and the loopback's, not the
 * client library's (wrk's client is as lean). Adds the HTTP median, the overhead of the medians
 * and the median of the per-query overheads; cpu_us_per_query is then the CPU time of the
 * idx_search calls alone (the client's work is not the search's).
 *
 *   bench/index/bench_search.sh DB [N] [QUERIES.tsv...]
 *   build-bench/bench_search [--http ADDR:PORT] DB N QUERIES.tsv...   */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/netaddr.h"
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

static double thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

#define HTTP_BUF (4 << 20) /* a results page is tens of KiB */

/* A connection to ADDR:PORT or [V6]:PORT (the form of `chouette serve --listen`), or -1. */
static int http_connect(const char *hostport)
{
    struct sockaddr_storage ss;
    bool v6 = false;
    if (!netaddr_parse_sockaddr(hostport, &ss, &v6))
        return -1;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&ss,
                v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in))) {
        close(fd);
        return -1;
    }
    return fd;
}

/* GET /api/search?q=QUERY on FD and read the whole answer into BUF; 0 if it is a 200 with a
 * results array. */
static int http_search(int fd, const char *query, char *buf)
{
    char req[8192];
    int n = snprintf(req, sizeof req, "GET /api/search?q=");
    for (const unsigned char *q = (const unsigned char *)query; *q && n < 8000; q++)
        n += (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')
                 ? snprintf(req + n, sizeof req - (size_t)n, "%c", *q)
                 : snprintf(req + n, sizeof req - (size_t)n, "%%%02X", *q);
    n += snprintf(req + n, sizeof req - (size_t)n, " HTTP/1.1\r\nHost: bench\r\n\r\n");
    if (send(fd, req, (size_t)n, 0) != n)
        return -1;
    size_t got = 0, want = 0;
    for (;;) {
        ssize_t r = recv(fd, buf + got, HTTP_BUF - 1 - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
        buf[got] = '\0';
        char *body = want ? NULL : strstr(buf, "\r\n\r\n");
        if (body) {
            const char *cl = strcasestr(buf, "\r\nContent-Length:");
            if (!cl || cl > body)
                return -1;
            want = (size_t)(body + 4 - buf) + strtoul(cl + 17, NULL, 10);
            if (want >= HTTP_BUF)
                return -1;
        }
        if (want && got >= want)
            break;
    }
    return strncmp(buf, "HTTP/1.1 200", 12) != 0 || !strstr(buf, "\"results\":[") ? -1 : 0;
}

/* http_search, timed into *US; says which query failed. */
static int timed_http_search(int fd, const char *hostport, const char *query, char *buf, double *us)
{
    double t0 = now_us();
    if (http_search(fd, query, buf)) {
        fprintf(stderr, "bench_search: %s: no 200 answer with results for '%s'\n", hostport, query);
        return -1;
    }
    *us = now_us() - t0;
    return 0;
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
    const char *http = NULL;
    if (argc > 2 && !strcmp(argv[1], "--http")) {
        http = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: bench_search [--http ADDR:PORT] DB N QUERIES.tsv...\n");
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
    double *http_lat = http ? calloc((size_t)n, sizeof *http_lat) : NULL;
    double *ratio = http ? calloc((size_t)n, sizeof *ratio) : NULL;
    char *http_buf = http ? malloc(HTTP_BUF) : NULL;
    int fd = -1;
    idx_searcher *s = NULL;
    char *msg = NULL;
    const char *hidden[64];
    size_t n_hidden = 0;
    flt_policy *pol = NULL;
    char path[4096], err[256];
    if (!lat || (http && (!http_lat || !ratio || !http_buf)))
        goto out;
    if (http && (fd = http_connect(http)) < 0) {
        fprintf(stderr, "bench_search: cannot connect to %s\n", http);
        goto out;
    }
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
    double cpu0 = 0, search_cpu = 0;
    for (long i = -(long)nq; i < n; i++) {
        if (i == 0)
            cpu0 = cpu_us();
        const char *query = queries[(size_t)(i + (long)nq) % nq];
        double http_us = 0;
        if (http && i % 2 == 0 && timed_http_search(fd, http, query, http_buf, &http_us))
            goto out;
        idx_search_params p = {.query = query,
                               .hidden_categories = hidden,
                               .n_hidden = n_hidden,
                               .page = 1,
                               .per_page = 10};
        idx_results r;
        double c0 = http ? thread_cpu_us() : 0;
        double t0 = now_us();
        ch_status st = idx_search(s, &p, &r);
        if (!st)
            idx_results_free(&r);
        double t1 = now_us();
        double c1 = http ? thread_cpu_us() : 0;
        if (st) {
            fprintf(stderr, "bench_search: query %ld failed: %s\n", i, ch_status_str(st));
            goto out;
        }
        if (http && i % 2 != 0 && timed_http_search(fd, http, query, http_buf, &http_us))
            goto out;
        if (i >= 0) {
            lat[i] = t1 - t0;
            results += (long)r.n_results;
            search_cpu += c1 - c0;
            if (http) {
                http_lat[i] = http_us;
                ratio[i] = http_lat[i] / lat[i] - 1;
            }
        }
    }
    double cpu = http ? search_cpu : cpu_us() - cpu0;
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
    if (http) {
        qsort(http_lat, (size_t)n, sizeof *http_lat, cmp_double);
        qsort(ratio, (size_t)n, sizeof *ratio, cmp_double);
        double med = pct(lat, (size_t)n, 0.5), hmed = pct(http_lat, (size_t)n, 0.5);
        printf("http_median_us %.0f\nhttp_p90_us %.0f\noverhead_of_medians_pct %.1f\n"
               "median_paired_overhead_pct %.1f\n",
               hmed, pct(http_lat, (size_t)n, 0.9), 100 * (hmed / med - 1),
               100 * pct(ratio, (size_t)n, 0.5));
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(http_lat);
    free(ratio);
    free(http_buf);
    idx_searcher_close(s);
    free(msg);
    flt_policy_free(pol);
    for (size_t i = 0; i < nq; i++)
        free(queries[i]);
    free(lat);
    return rc;
}
