/* libFuzzer harness for filters/textmodel: the scorer over arbitrary page bytes with the shipped
 * model (data/lists/textcat/model.tsv, found from $TOP or the current directory), and the model
 * parser over arbitrary model text. The first input byte picks the mode: even = page, odd =
 * model. Invariants checked: the scorer never fails on a page, counts at most one word per input
 * byte, keeps at most FLT_TEXTMODEL_TOP top words per category, each a valid feature index, and
 * every score is finite; a parsed model scores its own text. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "filters/textmodel.h"

static flt_textmodel *shipped; /* loaded once, read-only afterwards */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *top = getenv("TOP");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/data/lists/textcat/model.tsv", top ? top : ".");
    if (flt_textmodel_load(path, &shipped, err, sizeof err) != CH_OK ||
        flt_textmodel_size(shipped) == 0) {
        fprintf(stderr, "fuzz_textmodel: cannot load %s: %s\n", path, err);
        abort();
    }
    return 0;
}

static void check(const flt_textmodel *m, const flt_textmodel_scores *s, size_t len)
{
    if (s->words > len)
        abort();
    for (int c = 0; c < FLT_CAT_COUNT; c++) {
        if (!isfinite(s->score[c]) || s->ntop[c] > FLT_TEXTMODEL_TOP)
            abort();
        for (size_t k = 0; k < s->ntop[c]; k++)
            if (!flt_textmodel_feature(m, s->top[c][k]))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    flt_textmodel_scores s;
    flt_textmodel_scores_init(&s);
    if ((data[0] & 1) == 0) {
        if (flt_textmodel_score(shipped, text, len, &s) != CH_OK)
            abort();
        check(shipped, &s, len);
    } else {
        flt_textmodel *m = NULL;
        char err[256];
        if (flt_textmodel_load_string(text, len, &m, err, sizeof err) == CH_OK) {
            if (flt_textmodel_score(m, text, len, &s) != CH_OK)
                abort();
            check(m, &s, len);
            flt_textmodel_free(m);
        } else if (m) {
            abort(); /* a failed load leaves nothing behind */
        }
    }
    flt_textmodel_scores_free(&s);
    return 0;
}
