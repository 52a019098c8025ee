/* The search result JSON of DESIGN.md (search.h: idx_results_json).
 *
 * Written straight into one buffer rather than built as a jansson tree and dumped: this runs
 * on every /api/search request, and the tree cost about 38 µs for ten results (13 µs to build,
 * 25 µs to dump), some 6 % of a request's CPU. The text is byte for byte what jansson's
 * json_dumps(JSON_COMPACT) writes for the same values (tests/unit/test_results_json.c checks it
 * against jansson), and a string that is not valid UTF-8 makes the whole answer NULL, as
 * json_string() refusing it did. */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"
#include "indexer/search.h"

#define RESULTS_JSON_MAX (64u << 20)

/* s as a JSON string: quotes, backslashes and control characters escaped as jansson escapes
 * them, everything else (UTF-8 included) as is. CH_ERR_PARSE when s is not valid UTF-8. */
static ch_status put_string(buf_t *b, const char *s)
{
    if (!s)
        return buf_append(b, "null", 4);
    size_t n = strlen(s);
    if (!text_utf8_valid(s, n))
        return CH_ERR_PARSE;
    ch_status st = buf_append_char(b, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n && !st; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        st = buf_append(b, s + run, i - run);
        run = i + 1;
        if (st)
            break;
        /* the two-character escapes jansson uses; other control characters as \u00XX */
        static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
        const char *hit = memchr(from, c, sizeof from - 1);
        char two[2] = {'\\', hit ? to[hit - from] : 0};
        st = hit ? buf_append(b, two, 2) : buf_appendf(b, "\\u%04X", c);
    }
    if (!st)
        st = buf_append(b, s + run, n - run);
    if (!st)
        st = buf_append_char(b, '"');
    return st;
}

/* ,"key": then the value's own writer */
static ch_status put_key(buf_t *b, const char *key, bool first)
{
    ch_status st = first ? CH_OK : buf_append_char(b, ',');
    if (!st)
        st = buf_append_char(b, '"');
    if (!st)
        st = buf_append_str(b, key);
    return st ? st : buf_append(b, "\":", 2);
}

/* printf's %llu without printf's machinery, which cost more than the rest of the answer */
static ch_status put_uint(buf_t *b, const char *key, unsigned long long v, bool first)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ch_status st = put_key(b, key, first);
    return st ? st : buf_append(b, digits + i, sizeof digits - i);
}

static ch_status put_bool(buf_t *b, const char *key, bool v)
{
    ch_status st = put_key(b, key, false);
    return st ? st : buf_append_str(b, v ? "true" : "false");
}

static ch_status put_str(buf_t *b, const char *key, const char *v, bool first)
{
    ch_status st = put_key(b, key, first);
    return st ? st : put_string(b, v);
}

static ch_status put_result(buf_t *b, const idx_result *x, bool first)
{
    ch_status st = buf_append_str(b, first ? "{" : ",{");
    if (!st)
        st = put_uint(b, "rank", x->rank, true);
    if (!st)
        st = put_str(b, "url", x->url ? x->url : "", false);
    if (!st)
        st = put_str(b, "title", x->title ? x->title : "", false);
    if (!st)
        st = put_str(b, "snippet", x->snippet ? x->snippet : "", false);
    if (!st)
        st = put_str(b, "lang", x->lang ? x->lang : "", false);
    if (!st)
        st = put_str(b, "site", x->site ? x->site : "", false);
    if (!st)
        st = put_uint(b, "more_from_site", x->more_from_site, false);
    if (!st)
        st = buf_append_char(b, '}');
    return st;
}

char *idx_results_json(const char *query, const char *mode, unsigned page, bool blocked,
                       const char *message, const idx_results *r)
{
    const idx_results *shown = blocked ? NULL : r;
    buf_t b;
    buf_init(&b, RESULTS_JSON_MAX);
    ch_status st = buf_append_char(&b, '{');
    if (!st)
        st = put_str(&b, "query", query ? query : "", true);
    if (!st)
        st = put_str(&b, "mode", mode ? mode : "web", false);
    if (!st)
        st = put_uint(&b, "page", page, false);
    if (!st)
        st = put_uint(&b, "estimated_total", shown ? shown->estimated_total : 0, false);
    if (!st)
        st = put_bool(&b, "blocked", blocked);
    if (!st)
        st = put_str(&b, "message", message, false);
    if (!st)
        st = put_str(&b, "corrected_query", shown ? shown->corrected_query : NULL, false);
    if (!st)
        st = put_bool(&b, "has_next_page", shown && shown->has_next_page);
    if (!st)
        st = put_bool(&b, "degraded", shown && shown->degraded);
    if (!st)
        st = buf_append_str(&b, ",\"results\":[");
    for (size_t i = 0; shown && i < shown->n_results && !st; i++)
        st = put_result(&b, &shown->results[i], i == 0);
    if (!st)
        st = buf_append_str(&b, "]}");
    if (st) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}
