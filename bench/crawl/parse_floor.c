/* The floor under the crawler's parsing: CPU per page of libxml2's HTML parser alone (SAX, no
 * handler: it tokenises every byte and calls nothing), against extract_links_only (what the
 * crawler's workers run on each page: the same parser with our handlers, the links resolved
 * and normalised). Rounds alternate between the two; each prints the median of its rounds.
 * usage: parse_floor ROUNDS FILE.html...   (see parse_floor.sh) */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indexer/extract.h"

#define PARSE_OPTIONS                                                                              \
    (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |           \
     HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC)

typedef struct {
    char *data;
    size_t len;
    char url[256];
} page;

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sax_only(const page *p)
{
    htmlParserCtxtPtr c = htmlCreateMemoryParserCtxt(p->data, (int)p->len);
    if (!c)
        return;
    htmlSAXHandler *h = (htmlSAXHandler *)c->sax;
    memset(h, 0, sizeof *h);
    h->initialized = 1;
    htmlCtxtUseOptions(c, PARSE_OPTIONS);
    htmlParseDocument(c);
    if (c->myDoc)
        xmlFreeDoc(c->myDoc);
    htmlFreeParserCtxt(c);
}

static void links_only(const page *p, const extract_limits *lim)
{
    extract_page_t *pg = NULL;
    (void)extract_links_only(p->data, p->len, "text/html; charset=utf-8", p->url, lim, &pg);
    extract_page_free(pg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
    if (rounds < 1 || rounds > 99 || argc < 3) {
        fprintf(stderr, "usage: parse_floor ROUNDS FILE.html...\n");
        return 2;
    }
    size_t n = (size_t)(argc - 2), total = 0;
    page *pages = calloc(n, sizeof *pages);
    if (!pages)
        return 1;
    for (size_t i = 0; i < n; i++) {
        FILE *f = fopen(argv[i + 2], "rb");
        if (!f || fseek(f, 0, SEEK_END) != 0) {
            fprintf(stderr, "parse_floor: cannot read %s\n", argv[i + 2]);
            free(pages);
            return 1;
        }
        long sz = ftell(f);
        rewind(f);
        pages[i].data = malloc(sz > 0 ? (size_t)sz : 1);
        pages[i].len = fread(pages[i].data, 1, sz > 0 ? (size_t)sz : 0, f);
        fclose(f);
        snprintf(pages[i].url, sizeof pages[i].url, "http://127.0.0.1/page%zu.html", i);
        total += pages[i].len;
    }
    extract_global_init();
    extract_limits lim;
    extract_limits_default(&lim);
    double *t_sax = calloc((size_t)rounds, sizeof *t_sax);
    double *t_links = calloc((size_t)rounds, sizeof *t_links);
    for (long r = 0; r < rounds; r++) {
        double a = cpu_now();
        for (size_t i = 0; i < n; i++)
            sax_only(&pages[i]);
        double b = cpu_now();
        for (size_t i = 0; i < n; i++)
            links_only(&pages[i], &lim);
        double c = cpu_now();
        t_sax[r] = (b - a) * 1000 / (double)n;
        t_links[r] = (c - b) * 1000 / (double)n;
    }
    qsort(t_sax, (size_t)rounds, sizeof *t_sax, cmp_double);
    qsort(t_links, (size_t)rounds, sizeof *t_links, cmp_double);
    printf("%zu pages, %.1f KiB on average, %ld rounds (CPU ms per page, median and range)\n", n,
           (double)total / 1024 / (double)n, rounds);
    printf("libxml2 SAX parse alone   %.3f  (%.3f-%.3f)\n", t_sax[rounds / 2], t_sax[0],
           t_sax[rounds - 1]);
    printf("extract_links_only        %.3f  (%.3f-%.3f)\n", t_links[rounds / 2], t_links[0],
           t_links[rounds - 1]);
    return 0;
}
