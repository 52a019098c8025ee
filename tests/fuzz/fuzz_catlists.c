/* libFuzzer harness for the category-list parser and matcher.
 * Input: byte 0 picks the file kind (domains, urls, expressions, or a local allow/block list),
 * the rest up to the first NUL byte is the list text; what follows the NUL is a URL matched
 * against the lists. Checks: no crash, no leak, and matching is deterministic. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filters/catlists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    flt_file_kind kinds[] = {FLT_FILE_DOMAINS, FLT_FILE_URLS, FLT_FILE_EXPRESSIONS};
    unsigned sel = data[0] % 5;
    const char *text = (const char *)data + 1;
    size_t rest = size - 1;
    const char *nul = memchr(text, '\0', rest);
    size_t tlen = nul ? (size_t)(nul - text) : rest;

    flt_lists *l = NULL;
    if (flt_lists_new(&l) != CH_OK)
        return 0;
    flt_load_report rep;
    flt_load_report_init(&rep);
    uint64_t mask = FLT_BIT(FLT_CAT_ADULT) | FLT_BIT(FLT_CAT_HATE);
    flt_file_kind kind = kinds[sel % 3];
    if (sel == 3)
        mask = FLT_BIT_ALLOWLIST;
    else if (sel == 4)
        mask = FLT_BIT_BLOCKLIST;
    (void)flt_lists_add_text(l, kind, mask, text, tlen, "fuzz", &rep);
    if (rep.messages.len > FLT_REPORT_MAX)
        abort();

    /* Match the URL after the NUL, and each list line itself, as URL and as host. */
    char *url = NULL;
    if (nul) {
        size_t ulen = rest - tlen - 1;
        url = malloc(ulen + 1);
        if (url) {
            memcpy(url, nul + 1, ulen);
            url[ulen] = '\0';
            flt_match_reason w1, w2;
            uint64_t a = flt_lists_match_url(l, url, &w1);
            uint64_t b = flt_lists_match_url(l, url, &w2);
            if (a != b || w1.kind != w2.kind || strcmp(w1.entry, w2.entry) != 0)
                abort();
            if ((a & FLT_BIT_ALLOWLIST) && a != FLT_BIT_ALLOWLIST)
                abort();
        }
    }
    char line[512];
    size_t pos = 0;
    for (int i = 0; i < 32 && pos < tlen; i++) {
        const char *nl = memchr(text + pos, '\n', tlen - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : tlen - pos;
        size_t c = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, text + pos, c);
        line[c] = '\0';
        (void)flt_lists_match_url(l, line, NULL);
        pos += n + 1;
    }
    free(url);
    flt_lists_free(l);
    flt_load_report_free(&rep);
    return 0;
}
