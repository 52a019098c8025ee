/* Page classification speed (issue 5: "classifying a 100 KB page under 1 ms with all lists
 * loaded"). Loads the shipped classifier (lists, phrases, policy), extracts each HTML file
 * given once, then times flt_classify_page() on it ROUNDS times and prints, per file, its HTML
 * and text sizes and the median and p90 time; then the median over files of the median, and
 * the same for extraction + classification (what the indexer pays per page).
 * usage: bench_classify DATADIR ROUNDS FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filters/classify.h"
#include "indexer/extract.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s DATADIR ROUNDS FILE...\n", argv[0]);
        return 2;
    }
    char lists[4096], policy[4096], err[512];
    snprintf(lists, sizeof lists, "%s/lists", argv[1]);
    snprintf(policy, sizeof policy, "%s/policies.ini", argv[1]);
    int rounds = (int)strtol(argv[2], NULL, 10);
    if (rounds < 1)
        rounds = 1;
    flt_classifier_paths paths = {lists, policy, NULL};
    flt_classifier *c = NULL;
    double t0 = now_us();
    if (flt_classifier_load(&paths, &c, err, sizeof err) != CH_OK) {
        fprintf(stderr, "bench_classify: %s\n", err);
        return 1;
    }
    printf("classifier loaded in %.0f ms\n", (now_us() - t0) / 1000);
    extract_global_init();
    int nfiles = argc - 3;
    double *med = calloc((size_t)nfiles, sizeof *med),
           *med_all = calloc((size_t)nfiles, sizeof *med);
    double *t = calloc((size_t)rounds, sizeof *t);
    flt_verdict v;
    flt_verdict_init(&v);
    int done = 0;
    for (int i = 0; i < nfiles; i++) {
        size_t len = 0;
        char *html = slurp(argv[3 + i], &len);
        extract_page_t *pg = NULL;
        const char *url = "http://127.0.0.1/page.html";
        if (!html || extract_page(html, len, NULL, url, NULL, &pg) != CH_OK) {
            fprintf(stderr, "bench_classify: cannot read or extract %s\n", argv[3 + i]);
            free(html);
            continue;
        }
        for (int r = 0; r < rounds; r++) {
            double a = now_us();
            if (flt_classify_page(c, url, pg->title, pg->text, pg->rating, &v) != CH_OK)
                return 1;
            t[r] = now_us() - a;
        }
        qsort(t, (size_t)rounds, sizeof *t, cmp_double);
        med[done] = t[rounds / 2];
        double p90 = t[rounds * 9 / 10];
        for (int r = 0; r < rounds; r++) {
            double a = now_us();
            extract_page_t *p2 = NULL;
            if (extract_page(html, len, NULL, url, NULL, &p2) != CH_OK ||
                flt_classify_page(c, url, p2->title, p2->text, p2->rating, &v) != CH_OK)
                return 1;
            extract_page_free(p2);
            t[r] = now_us() - a;
        }
        qsort(t, (size_t)rounds, sizeof *t, cmp_double);
        med_all[done] = t[rounds / 2];
        printf("%s: html %zu B, text %zu B, classify median %.0f us p90 %.0f us; "
               "extract+classify median %.0f us; %zu terms\n",
               argv[3 + i], len, strlen(pg->text), med[done], p90, med_all[done], v.nterms);
        done++;
        extract_page_free(pg);
        free(html);
    }
    if (done) {
        qsort(med, (size_t)done, sizeof *med, cmp_double);
        qsort(med_all, (size_t)done, sizeof *med_all, cmp_double);
        printf("over %d pages, median of medians: classify %.0f us, extract+classify %.0f us\n",
               done, med[done / 2], med_all[done / 2]);
    }
    flt_verdict_free(&v);
    flt_classifier_free(c);
    free(med);
    free(med_all);
    free(t);
    return done ? 0 : 1;
}
