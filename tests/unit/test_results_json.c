/* idx_results_json against jansson: for the same values, the text it writes is the one jansson's
 * json_dumps(JSON_COMPACT) writes from a tree built the way the answer was built before (the
 * reference below), and it is NULL exactly when jansson refuses a string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/search.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The answer as a jansson tree, in DESIGN.md's order; NULL when a string is refused. */
static char *reference_json(const char *query, const char *mode, unsigned page, bool blocked,
                            const char *message, const idx_results *r)
{
    const idx_results *shown = blocked ? NULL : r;
    json_t *o = json_object(), *arr = json_array();
    char *out = NULL;
    int bad =
        json_object_set_new(o, "query", json_string(query ? query : "")) ||
        json_object_set_new(o, "mode", json_string(mode ? mode : "web")) ||
        json_object_set_new(o, "page", json_integer(page)) ||
        json_object_set_new(o, "estimated_total",
                            json_integer(shown ? (json_int_t)shown->estimated_total : 0)) ||
        json_object_set_new(o, "blocked", json_boolean(blocked)) ||
        json_object_set_new(o, "message", str_or_null(message)) ||
        json_object_set_new(o, "corrected_query",
                            str_or_null(shown ? shown->corrected_query : NULL)) ||
        json_object_set_new(o, "has_next_page", json_boolean(shown && shown->has_next_page)) ||
        json_object_set_new(o, "degraded", json_boolean(shown && shown->degraded));
    for (size_t i = 0; !bad && shown && i < shown->n_results; i++) {
        const idx_result *x = &shown->results[i];
        json_t *e = json_object();
        bad = json_array_append_new(arr, e) ||
              json_object_set_new(e, "rank", json_integer(x->rank)) ||
              json_object_set_new(e, "url", json_string(x->url ? x->url : "")) ||
              json_object_set_new(e, "title", json_string(x->title ? x->title : "")) ||
              json_object_set_new(e, "snippet", json_string(x->snippet ? x->snippet : "")) ||
              json_object_set_new(e, "lang", json_string(x->lang ? x->lang : "")) ||
              json_object_set_new(e, "site", json_string(x->site ? x->site : "")) ||
              json_object_set_new(e, "more_from_site", json_integer(x->more_from_site));
    }
    if (!bad && !json_object_set(o, "results", arr))
        out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(arr);
    json_decref(o);
    return out;
}

static void assert_same(const char *query, const char *mode, unsigned page, bool blocked,
                        const char *message, const idx_results *r)
{
    char *want = reference_json(query, mode, page, blocked, message, r);
    char *got = idx_results_json(query, mode, page, blocked, message, r);
    if (want) {
        assert_non_null(got);
        assert_string_equal(got, want);
    } else {
        assert_null(got);
    }
    free(want);
    free(got);
}

/* Every byte that needs escaping or could be mistaken for markup, and UTF-8 of every length. */
static const char *const tricky[] = {
    "",
    "plain words",
    "\"quoted\" and back\\slash",
    "\x01\x02\x03\x04\x05\x06\x07\b\t\n\x0b\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
    "\x1a\x1b\x1c\x1d\x1e\x1f end",
    "\x7f delete",
    "a/b </script><script>alert(1)</script> &amp; 'single'",
    "école négatifs ÉCOLE ß",
    "日本語 — “curly” … \xe2\x80\xa8 line separator \xe2\x80\xa9",
    "clef \xf0\x9d\x84\x9e emoji \xf0\x9f\xa6\x89",
    "real replacement \xef\xbf\xbd character",
    "ends with a backslash\\",
    "\"",
};

static void test_same_text_as_jansson(void **state)
{
    (void)state;
    size_t n = sizeof tricky / sizeof tricky[0];
    idx_result *res = calloc(n, sizeof *res);
    assert_non_null(res);
    for (size_t i = 0; i < n; i++) {
        res[i].rank = (unsigned)(i + 1);
        res[i].url = (char *)tricky[(i + 1) % n];
        res[i].title = (char *)tricky[i];
        res[i].snippet = (char *)tricky[(i + 2) % n];
        res[i].lang = i % 3 ? "fr" : "";
        res[i].site = (char *)tricky[(i + 3) % n];
        res[i].more_from_site = (unsigned)(i * 7);
    }
    idx_results r = {.estimated_total = 123456789, .results = res, .n_results = n};
    for (size_t i = 0; i < n; i++) {
        r.corrected_query = i % 2 ? (char *)tricky[i] : NULL;
        r.has_next_page = i % 2;
        r.degraded = i % 3 == 0;
        assert_same(tricky[i], i % 2 ? "junior" : "web", (unsigned)i + 1, false, NULL, &r);
        assert_same(tricky[i], "school", 1, true, tricky[(i + 5) % n], &r);
    }
    /* extremes: no results, no query, the largest numbers */
    idx_results none = {0};
    assert_same(NULL, NULL, 1, false, NULL, &none);
    assert_same("q", "web", 1, false, NULL, NULL);
    res[0].rank = UINT_MAX;
    res[0].more_from_site = UINT_MAX;
    r.estimated_total = (unsigned long)INT64_MAX;
    assert_same("big", "web", UINT_MAX, false, NULL, &r);
    free(res);
}

static void test_invalid_utf8_anywhere_gives_null(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xff",
        "caf\xe9",
        "\xc3",
        "\xed\xa0\x80 surrogate",
        "\xc0\xaf overlong",
        "\xf4\x90\x80\x80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        idx_result x = {.rank = 1,
                        .url = "http://a.test/",
                        .title = "t",
                        .snippet = "s",
                        .lang = "fr",
                        .site = "a.test"};
        idx_results r = {.estimated_total = 1, .results = &x, .n_results = 1};
        assert_same(bad[i], "web", 1, false, NULL, &r); /* the query */
        x.title = (char *)bad[i];
        assert_same("q", "web", 1, false, NULL, &r); /* a title */
        x.title = "t";
        r.corrected_query = (char *)bad[i];
        assert_same("q", "web", 1, false, NULL, &r);    /* did you mean */
        assert_same("q", "web", 1, true, bad[i], NULL); /* a blocked query's message */
        char *js = idx_results_json("q", "web", 1, false, NULL, &r);
        assert_null(js);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_text_as_jansson),
        cmocka_unit_test(test_invalid_utf8_anywhere_gives_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
