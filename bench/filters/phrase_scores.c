/* Diagnostic for tuning the phrase lists: per file, the phrase score of every category (title
 * and body text as chouette classify extracts them, URL words left out) and the rules that
 * fired. Not a test; built by bench/filters/phrase_scores.sh.
 *
 *   phrase_scores PHRASES_DIR FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/buf.h"
#include "filters/catlists.h"
#include "filters/phrases.h"
#include "indexer/extract.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s PHRASES_DIR FILE...\n", argv[0]);
        return 2;
    }
    flt_phrases *p = NULL;
    if (flt_phrases_new(&p) || flt_phrases_load_dir(p, argv[1]) || flt_phrases_compile(p)) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    flt_phrase_scores sc;
    flt_phrase_scores_init(&sc);
    extract_global_init();
    for (int i = 2; i < argc; i++) {
        size_t len = 0;
        char *body = slurp(argv[i], &len);
        extract_page_t *pg = NULL;
        if (!body || extract_page(body, len, NULL, "https://x.example/", NULL, &pg)) {
            printf("%s: cannot read\n", argv[i]);
            free(body);
            extract_page_free(pg);
            continue;
        }
        size_t tl = strlen(pg->title), xl = strlen(pg->text);
        char *t = malloc(tl + xl + 4);
        if (!t)
            return 1;
        memcpy(t, pg->title, tl);
        memcpy(t + tl, ".\n", 2);
        memcpy(t + tl + 2, pg->text, xl + 1);
        flt_phrases_score(p, t, tl + 2 + xl, &sc);
        printf("%s:", argv[i]);
        for (int c = 0; c < FLT_CAT_COUNT; c++)
            if (sc.score[c])
                printf(" %s=%ld", flt_category_name(c), sc.score[c]);
        printf("\n");
        for (size_t h = 0; h < sc.nhits; h++)
            printf("    %-10s %5d %s\n",
                   sc.hits[h].category >= 0 ? flt_category_name(sc.hits[h].category) : "all",
                   sc.hits[h].weight, sc.hits[h].phrase);
        free(t);
        free(body);
        extract_page_free(pg);
    }
    flt_phrase_scores_free(&sc);
    flt_phrases_free(p);
    return 0;
}
