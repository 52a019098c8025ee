/* libFuzzer harness for filters/phrases: the scorer over arbitrary page bytes with the shipped
 * lists (data/lists/phrases, found from $TOP or the current directory), and the list parser over
 * arbitrary list text. The first input byte picks the mode: even = page, odd = list.
 * Invariants checked: the normalised text is at most 3 bytes per input byte (+3), the automaton
 * takes at most 2 steps per normalised byte, hits never exceed the cap. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "filters/phrases.h"

static flt_phrases *shipped; /* loaded once, read-only afterwards */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *top = getenv("TOP");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/lists/phrases", top ? top : ".");
    if (flt_phrases_new(&shipped) != CH_OK || flt_phrases_load_dir(shipped, dir) != CH_OK ||
        flt_phrases_compile(shipped) != CH_OK || flt_phrases_rule_count(shipped) == 0) {
        fprintf(stderr, "fuzz_phrases: cannot load %s\n", dir);
        abort();
    }
    return 0;
}

static void check(const flt_phrase_scores *s, size_t len)
{
    if (s->scanned > 3 * len + 3 || s->steps > 2 * s->scanned || s->nhits > FLT_PHRASES_HITS_MAX ||
        s->nhits > s->nfired)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    flt_phrase_scores s;
    flt_phrase_scores_init(&s);
    if ((data[0] & 1) == 0) {
        if (flt_phrases_score(shipped, text, len, &s) != CH_OK)
            abort();
        check(&s, len);
    } else {
        flt_phrases *p = NULL;
        if (flt_phrases_new(&p) != CH_OK)
            abort();
        /* No file name: .Include lines are refused, nothing is read from disk. */
        ch_status st = flt_phrases_load_buffer(p, NULL, text, len, (data[0] >> 1) % 3 - 2);
        if (st == CH_OK && flt_phrases_compile(p) == CH_OK) {
            /* Score the list text against itself: every part can match. */
            if (flt_phrases_score(p, text, len, &s) != CH_OK)
                abort();
            check(&s, len);
        }
        flt_phrases_free(p);
    }
    flt_phrase_scores_free(&s);
    return 0;
}
