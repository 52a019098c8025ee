/* libFuzzer harness for filters/querycheck: the checker over arbitrary queries with the shipped
 * data (data/querycheck, found from $TOP or the current directory), and the loader over
 * arbitrary data files. Byte 0 picks: even = a query, odd = data files (the rest split on NUL
 * bytes into blocked, sensitive, help and messages; each part is then also checked as a query).
 * Contract checks on every query:
 *   - a query longer than FLT_QC_QUERY_MAX is CH_ERR_LIMIT, any other is checked (CH_OK);
 *   - web mode never blocks; junior blocks at least what school blocks;
 *   - ASCII case does not change the verdict (terms and queries are folded);
 *   - a blocked result names its category and carries both messages; help resources are
 *     within their cap and point into the checker. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters/querycheck.h"

static flt_querycheck *shipped; /* loaded once, read-only afterwards */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *top = getenv("TOP");
    char dir[1024], err[512];
    snprintf(dir, sizeof dir, "%s/data/querycheck", top ? top : ".");
    if (flt_querycheck_load(dir, &shipped, err, sizeof err) != CH_OK ||
        flt_querycheck_term_count(shipped) == 0) {
        fprintf(stderr, "fuzz_querycheck: cannot load %s: %s\n", dir, err);
        abort();
    }
    return 0;
}

static flt_query_verdict check_one(const flt_querycheck *qc, const char *q, int mode)
{
    flt_query_result r;
    ch_status st = flt_check_query(qc, q, mode, &r);
    if (strlen(q) > FLT_QC_QUERY_MAX) {
        if (st != CH_ERR_LIMIT)
            abort();
        return FLT_QUERY_ALLOWED;
    }
    if (st != CH_OK || r.nhelp > FLT_QC_HELP_MAX)
        abort();
    if (r.verdict == FLT_QUERY_BLOCKED &&
        (mode == FLT_MODE_WEB || !r.category || !r.message_fr || !r.message_en))
        abort();
    for (size_t i = 0; i < r.nhelp; i++)
        if (!r.help[i] || !flt_help_text(r.help[i], "fr") || !flt_help_text(r.help[i], "en"))
            abort();
    return r.verdict;
}

static void check_query(const flt_querycheck *qc, const char *q)
{
    flt_query_verdict v[FLT_MODE_COUNT];
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        v[m] = check_one(qc, q, m);
    if (v[FLT_MODE_SCHOOL] == FLT_QUERY_BLOCKED && v[FLT_MODE_JUNIOR] != FLT_QUERY_BLOCKED)
        abort();
    char *upper = strdup(q);
    if (!upper)
        abort();
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)toupper((unsigned char)*p);
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        if (check_one(qc, upper, m) != v[m])
            abort();
    free(upper);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *text = malloc(size); /* the input after byte 0, NUL-terminated */
    if (!text)
        abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if ((data[0] & 1) == 0) {
        check_query(shipped, text);
    } else {
        const char *part[4] = {NULL, NULL, NULL, NULL};
        const char *p = text, *end = text + size - 1;
        for (int i = 0; i < 4 && p <= end; i++) {
            part[i] = p;
            p += strlen(p) + 1;
        }
        flt_querycheck *qc = NULL;
        if (flt_querycheck_load_strings(part[0], part[1], part[2], part[3], &qc, NULL, 0) ==
            CH_OK) {
            for (int i = 0; i < 4; i++)
                if (part[i])
                    check_query(qc, part[i]); /* every part can match its own terms */
            flt_querycheck_free(qc);
        } else if (qc) {
            abort(); /* *out is NULL on failure */
        }
    }
    free(text);
    return 0;
}
