/* Time flt_check_query() over the explicit and legitimate query lists (tests/fixtures/queries),
 * in junior mode, many rounds; prints the mean time per query. Built by bench_querycheck.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filters/querycheck.h"

#define QUERIES_MAX 1024

static size_t read_queries(const char *path, char **q, size_t n)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    if (!f)
        return n;
    while (n < QUERIES_MAX && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#' && (q[n] = strdup(line)))
            n++;
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    char err[256];
    flt_querycheck *qc = NULL;
    if (flt_querycheck_load("data/querycheck", &qc, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    static char *q[QUERIES_MAX];
    size_t n = read_queries("tests/fixtures/queries/explicit.txt", q, 0);
    n = read_queries("tests/fixtures/queries/legitimate.txt", q, n);
    if (!n || rounds < 1)
        return 1;
    struct timespec a, b;
    size_t blocked = 0, worst_i = 0;
    double worst = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++) {
            struct timespec s, e;
            flt_query_result res;
            clock_gettime(CLOCK_MONOTONIC, &s);
            if (flt_check_query(qc, q[i], FLT_MODE_JUNIOR, &res))
                return 1;
            clock_gettime(CLOCK_MONOTONIC, &e);
            double us = (e.tv_sec - s.tv_sec) * 1e6 + (e.tv_nsec - s.tv_nsec) / 1e3;
            if (us > worst) {
                worst = us;
                worst_i = i;
            }
            blocked += res.verdict == FLT_QUERY_BLOCKED;
        }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double total = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    printf("querycheck: %zu terms, %zu queries x %ld rounds: mean %.2f us/query (incl. timer), "
           "worst single call %.1f us (query #%zu), %zu blocked per round\n",
           flt_querycheck_term_count(qc), n, rounds, total / (double)(n * (size_t)rounds), worst,
           worst_i, blocked / (size_t)rounds);
    for (size_t i = 0; i < n; i++)
        free(q[i]);
    flt_querycheck_free(qc);
    return 0;
}
