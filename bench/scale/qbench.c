/* bench/scale/qbench: in-process query latency over indexer/search.h.
 *
 * Usage: qbench --db DIR|STUB --queries TSV [--warmup 0|1] [--each FILE]
 * TSV lines are "mode<TAB>kind<TAB>query" (bench/scale/gen --queries). Each query runs through
 * idx_search() with the categories its mode hides (data/policies.ini, as chouette search does),
 * first page of 10. With --warmup 1 (default) the whole mix runs once untimed first, so the
 * numbers are for a warm page cache. Prints one TSV line:
 *   queries errors p50_ms p95_ms p99_ms mean_ms max_ms zero_result_queries cpu_p50_ms cpu_p99_ms
 * The cpu_ columns are the thread's CPU time per query (CLOCK_THREAD_CPUTIME_ID): on a machine
 * shared with other work they move much less than the wall-clock ones. With --each, FILE gets
 * one line per query, to tell which queries make the tail:
 *   cpu_ms wall_ms results estimated mode kind query */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/paths.h"
#include "filters/catlists.h"
#include "filters/policy.h"
#include "indexer/search.h"

#define QB_MAX_QUERIES 100000u

typedef struct {
    int mode;
    char *kind;
    char *query;
} qb_query;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
    const char *db = NULL, *qfile = NULL, *each_file = NULL;
    long warmup = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--queries") == 0)
            qfile = argv[i + 1];
        else if (strcmp(argv[i], "--each") == 0)
            each_file = argv[i + 1];
        else if (strcmp(argv[i], "--warmup") == 0 && cli_parse_long(argv[i + 1], 0, 1, &warmup))
            continue;
        else
            db = NULL, i = argc;
    }
    if (!db || !qfile) {
        fputs("usage: qbench --db DIR|STUB --queries TSV [--warmup 0|1] [--each FILE]\n", stderr);
        return 2;
    }
    int rc = 1;
    qb_query *qs = calloc(QB_MAX_QUERIES, sizeof *qs);
    double *lat = calloc(QB_MAX_QUERIES, sizeof *lat);
    double *cpu = calloc(QB_MAX_QUERIES, sizeof *cpu);
    size_t nq = 0, errors = 0, zero = 0;
    const char *hidden[3][64];
    size_t nhidden[3] = {0};
    flt_policy *pol = NULL;
    idx_searcher *s = NULL;
    char *err = NULL, path[4096], perr[256], line[4096];
    FILE *f = NULL, *each = NULL;
    if (!qs || !lat || !cpu)
        goto out;
    if (paths_data_file("policies.ini", path, sizeof path) ||
        flt_policy_load(path, NULL, &pol, perr, sizeof perr)) {
        fputs("qbench: cannot load the mode policies\n", stderr);
        goto out;
    }
    for (int m = 0; m < 3; m++) {
        uint64_t mask = flt_policy_hidden_mask(pol, m);
        for (int b = 0; b < 64; b++)
            if ((mask >> b) & 1 && flt_category_name(b))
                hidden[m][nhidden[m]++] = flt_category_name(b);
    }
    f = fopen(qfile, "r");
    if (!f) {
        fprintf(stderr, "qbench: cannot open %s\n", qfile);
        goto out;
    }
    while (nq < QB_MAX_QUERIES && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            continue;
        *t1 = '\0';
        int mode = flt_mode_from_name(line);
        if (mode < 0 || mode > 2)
            continue;
        qs[nq].mode = mode;
        *t2 = '\0';
        qs[nq].kind = strdup(t1 + 1);
        qs[nq].query = strdup(t2 + 1);
        if (!qs[nq].kind || !qs[nq].query) {
            free(qs[nq].kind);
            free(qs[nq].query);
            goto out;
        }
        nq++;
    }
    if (!nq) {
        fputs("qbench: no queries\n", stderr);
        goto out;
    }
    if (each_file && !(each = fopen(each_file, "w"))) {
        fprintf(stderr, "qbench: cannot write %s\n", each_file);
        goto out;
    }
    if (idx_searcher_open(db, &s, &err)) {
        fprintf(stderr, "qbench: %s: %s\n", db, err ? err : "cannot open");
        goto out;
    }
    for (long pass = warmup ? 0 : 1; pass < 2; pass++) {
        for (size_t i = 0; i < nq; i++) {
            idx_search_params p = {.query = qs[i].query,
                                   .hidden_categories = hidden[qs[i].mode],
                                   .n_hidden = nhidden[qs[i].mode],
                                   .page = 1,
                                   .per_page = 10};
            idx_results r = {0};
            struct timespec a, b, ca, cb;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
            clock_gettime(CLOCK_MONOTONIC, &a);
            ch_status st = idx_search(s, &p, &r);
            clock_gettime(CLOCK_MONOTONIC, &b);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
            if (pass == 1) {
                cpu[i] =
                    (double)(cb.tv_sec - ca.tv_sec) * 1e3 + (double)(cb.tv_nsec - ca.tv_nsec) / 1e6;
                lat[i] =
                    (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
                errors += st != CH_OK;
                zero += st == CH_OK && r.n_results == 0;
                if (each)
                    fprintf(each, "%.3f\t%.3f\t%zu\t%lu\t%s\t%s\t%s\n", cpu[i], lat[i], r.n_results,
                            (unsigned long)r.estimated_total, flt_mode_name(qs[i].mode), qs[i].kind,
                            qs[i].query);
            }
            idx_results_free(&r);
        }
    }
    double sum = 0;
    for (size_t i = 0; i < nq; i++)
        sum += lat[i];
    qsort(lat, nq, sizeof *lat, cmp_double);
    qsort(cpu, nq, sizeof *cpu, cmp_double);
    printf("%zu\t%zu\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%zu\t%.2f\t%.2f\n", nq, errors,
           pct(lat, nq, 0.50), pct(lat, nq, 0.95), pct(lat, nq, 0.99), sum / (double)nq,
           lat[nq - 1], zero, pct(cpu, nq, 0.50), pct(cpu, nq, 0.99));
    rc = 0;
out:
    if (f)
        fclose(f);
    if (each && fclose(each) != 0) {
        fprintf(stderr, "qbench: cannot write %s\n", each_file);
        rc = 1;
    }
    idx_searcher_close(s);
    flt_policy_free(pol);
    for (size_t i = 0; qs && i < nq; i++) {
        free(qs[i].kind);
        free(qs[i].query);
    }
    free(qs);
    free(lat);
    free(cpu);
    free(err);
    return rc;
}
