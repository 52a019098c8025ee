/* Server helpers: escaping, texts (both shipped languages), Accept-Language, statistics,
 * static files, options from the configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/paths.h"
#include "server/escape.h"
#include "server/i18n.h"
#include "server/server.h"
#include "server/static_files.h"
#include "server/stats.h"

static void test_html_escape_every_special(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1024);
    assert_int_equal(html_escape(&b, "<a href=\"x\" onclick='y'>&amp;</a>"), CH_OK);
    assert_string_equal(buf_str(&b), "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;"
                                     "&lt;/a&gt;");
    buf_reset(&b);
    /* control bytes dropped, tab/newline kept, UTF-8 untouched */
    const char *ctl = "a\x01"
                      "b\tc\nd\x7f"
                      "é";
    assert_int_equal(html_escape_n(&b, ctl, strlen(ctl)), CH_OK);
    assert_string_equal(buf_str(&b), "ab\tc\ndé");
    buf_reset(&b);
    assert_int_equal(html_escape(&b, NULL), CH_OK);
    assert_string_equal(buf_str(&b), "");
    buf_free(&b);
}

static void test_html_escape_respects_cap(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 8);
    assert_int_equal(html_escape(&b, "<<<"), CH_ERR_LIMIT);
    buf_free(&b);
}

static void test_url_encode(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1024);
    assert_int_equal(srv_url_encode(&b, "site:a.fr é&x=\"<"), CH_OK);
    assert_string_equal(buf_str(&b), "site%3Aa.fr+%C3%A9%26x%3D%22%3C");
    buf_free(&b);
}

static srv_i18n *load_lang(const char *lang)
{
    char rel[32], path[4096], err[256] = "";
    srv_i18n *t = NULL;
    snprintf(rel, sizeof rel, "i18n/%s.ini", lang);
    assert_int_equal(paths_data_file(rel, path, sizeof path), CH_OK);
    ch_status st = srv_i18n_load(path, lang, &t, err, sizeof err);
    if (st != CH_OK)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(st, CH_OK);
    return t;
}

static void test_shipped_languages_have_every_key(void **state)
{
    (void)state;
    for (size_t l = 0; l < SRV_LANG_COUNT; l++) {
        srv_i18n *t = load_lang(srv_langs[l]);
        for (size_t i = 0; srv_i18n_keys[i]; i++) {
            const char *v = srv_i18n_get(t, srv_i18n_keys[i]);
            assert_ptr_not_equal(v, srv_i18n_keys[i]); /* found, not the key echoed */
            assert_true(strlen(v) > 0);
        }
        assert_string_equal(srv_i18n_lang(t), srv_langs[l]);
        srv_i18n_free(t);
    }
    /* the two languages really differ */
    srv_i18n *fr = load_lang("fr"), *en = load_lang("en");
    assert_string_not_equal(srv_i18n_get(fr, "search_button"), srv_i18n_get(en, "search_button"));
    srv_i18n_free(fr);
    srv_i18n_free(en);
}

static void test_i18n_missing_key_is_an_error(void **state)
{
    (void)state;
    srv_i18n *t = (srv_i18n *)1;
    char err[256] = "";
    assert_int_equal(srv_i18n_load_string("[ui]\nsite_name = X\n", "fr", &t, err, sizeof err),
                     CH_ERR_PARSE);
    assert_null(t);
    assert_non_null(strstr(err, "missing key"));
    assert_int_equal(srv_i18n_load_string("[other]\nsite_name = X\n", "fr", &t, err, sizeof err),
                     CH_ERR_PARSE);
    assert_int_equal(srv_i18n_load("/nonexistent/fr.ini", "fr", &t, err, sizeof err), CH_ERR_IO);
}

static void test_i18n_format_escapes_text_not_args(void **state)
{
    (void)state;
    buf_t text;
    buf_init(&text, 1 << 16);
    for (size_t i = 0; srv_i18n_keys[i]; i++)
        buf_appendf(&text, "%s = %s\n", srv_i18n_keys[i],
                    strcmp(srv_i18n_keys[i], "results_heading") == 0 ? "R<{1}> & {2} {3} {" : "x");
    buf_t in;
    buf_init(&in, 1 << 16);
    buf_appendf(&in, "[ui]\n%s", buf_str(&text));
    srv_i18n *t = NULL;
    assert_int_equal(srv_i18n_load_string(buf_str(&in), "fr", &t, NULL, 0), CH_OK);
    buf_t out;
    buf_init(&out, 1024);
    assert_int_equal(srv_i18n_format(&out, t, "results_heading", "<b>", "2"), CH_OK);
    assert_string_equal(buf_str(&out), "R&lt;<b>&gt; &amp; 2 {3} {");
    buf_reset(&out);
    assert_int_equal(srv_i18n_format(&out, t, "no_such_key", NULL, NULL), CH_OK);
    assert_string_equal(buf_str(&out), "no_such_key");
    srv_i18n_free(t);
    buf_free(&out);
    buf_free(&in);
    buf_free(&text);
}

static void test_accept_language(void **state)
{
    (void)state;
    assert_int_equal(srv_lang_from_accept(NULL), 0);
    assert_int_equal(srv_lang_from_accept(""), 0);
    assert_int_equal(srv_lang_from_accept("en-GB,en;q=0.9"), 1);
    assert_int_equal(srv_lang_from_accept("de, en;q=0.5, fr;q=0.4"), 1);
    assert_int_equal(srv_lang_from_accept("en;q=0.2, fr-CA;q=0.8"), 0);
    assert_int_equal(srv_lang_from_accept("EN"), 1);
    assert_int_equal(srv_lang_from_accept("eng, enx"), 0); /* not "en" ranges */
    assert_int_equal(srv_lang_from_accept("en;q=0"), 0);   /* q=0: not acceptable */
    assert_int_equal(srv_lang_from_accept("en;q=abc"), 0); /* malformed q: ignored */
    assert_int_equal(srv_lang_from_accept("en, fr"), 1);   /* tie: first listed */
    assert_int_equal(srv_lang_from_name("EN"), 1);
    assert_int_equal(srv_lang_from_name("de"), -1);
    assert_int_equal(srv_lang_from_name(NULL), -1);
}

static void test_stats_counts_days_median_prometheus(void **state)
{
    (void)state;
    srv_stats *s = srv_stats_new();
    assert_non_null(s);
    assert_int_equal(srv_stats_median_us(s), 0);
    time_t day0 = 20000 * 86400 + 3600;
    for (int i = 0; i < 9; i++)
        srv_stats_record_query(s, 0, day0, 10000); /* 10 ms */
    srv_stats_record_query(s, 2, day0, 5000000);   /* one slow junior query */
    srv_stats_record_query(s, 1, day0 + 86400, 10000);
    srv_stats_record_query(s, 7, day0, 1); /* bad mode: ignored */
    srv_stats_day days[SRV_STATS_DAYS];
    size_t n = srv_stats_days(s, day0 + 86400, days, SRV_STATS_DAYS);
    assert_int_equal(n, 2);
    assert_int_equal(days[0].day, 20001);
    assert_int_equal(days[0].queries[1], 1);
    assert_int_equal(days[1].day, 20000);
    assert_int_equal(days[1].queries[0], 9);
    assert_int_equal(days[1].queries[2], 1);
    uint64_t med = srv_stats_median_us(s);
    assert_true(med > 9000 && med < 11000);
    /* 30 days later the old slot is reused and reset */
    srv_stats_record_query(s, 0, day0 + 30 * 86400, 10000);
    n = srv_stats_days(s, day0 + 30 * 86400, days, SRV_STATS_DAYS);
    assert_int_equal(n, 2); /* the new day and day 20001 */
    assert_int_equal(days[0].queries[0], 1);
    unsigned long tot[SRV_STATS_MODES];
    srv_stats_totals(s, tot);
    assert_int_equal(tot[0], 10);
    assert_int_equal(tot[1], 1);
    assert_int_equal(tot[2], 1);
    srv_stats_record_status(s, 200);
    srv_stats_record_status(s, 404);
    srv_stats_record_status(s, 999);
    srv_stats_record_blocked(s, 2);
    buf_t b;
    buf_init(&b, 1 << 16);
    assert_int_equal(srv_stats_prometheus(s, 42, &b), CH_OK);
    const char *p = buf_str(&b);
    assert_non_null(strstr(p, "chouette_queries_total{mode=\"web\"} 10\n"));
    assert_non_null(strstr(p, "chouette_blocked_queries_total{mode=\"junior\"} 1\n"));
    assert_non_null(strstr(p, "chouette_http_responses_total{code=\"4xx\"} 1\n"));
    assert_non_null(strstr(p, "chouette_search_duration_seconds_bucket{le=\"0.01\"} 11\n"));
    assert_non_null(strstr(p, "chouette_search_duration_seconds_bucket{le=\"+Inf\"} 12\n"));
    assert_non_null(strstr(p, "chouette_search_duration_seconds_count 12\n"));
    assert_non_null(strstr(p, "chouette_documents_indexed 42\n"));
    buf_free(&b);
    srv_stats_free(s);
}

static void test_static_files_names_and_types(void **state)
{
    (void)state;
    char path[4096], err[256];
    srv_static_files *f = NULL;
    assert_int_equal(paths_data_file("static", path, sizeof path), CH_OK);
    assert_int_equal(srv_static_load(path, &f, err, sizeof err), CH_OK);
    size_t len = 0;
    const char *type = NULL;
    assert_non_null(srv_static_find(f, "chouette.css", &len, &type));
    assert_string_equal(type, "text/css; charset=utf-8");
    assert_true(len > 100);
    assert_non_null(srv_static_find(f, "logo.svg", &len, &type));
    assert_string_equal(type, "image/svg+xml");
    assert_null(srv_static_find(f, "../static/logo.svg", &len, &type));
    assert_null(srv_static_find(f, "..", &len, &type));
    assert_null(srv_static_find(f, ".hidden.css", &len, &type));
    assert_null(srv_static_find(f, "a/b.css", &len, &type));
    assert_null(srv_static_find(f, "", &len, &type));
    assert_null(srv_static_find(f, "nope.css", &len, &type));
    srv_static_free(f);
    f = srv_static_empty();
    assert_int_equal(srv_static_add(f, "x.exe", "a", 1), CH_ERR_ARG);
    assert_int_equal(srv_static_add(f, "../x.css", "a", 1), CH_ERR_ARG);
    assert_int_equal(srv_static_add(f, "x.css", "a", 1), CH_OK);
    srv_static_free(f);
    assert_int_equal(srv_static_load("/nonexistent-dir", &f, err, sizeof err), CH_ERR_IO);
    assert_null(f);
}

static void test_options_from_config(void **state)
{
    (void)state;
    cfg_t *c = NULL;
    char err[256];
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(
        cfg_load_string(c,
                        "[serve]\n"
                        "host_modes = Ecole.Example.FR:junior, college.example.fr:school\n"
                        "host_sites = intranet.lan:docs.intranet.lan\n"
                        "cors_origins = https://ent.example.fr\n"
                        "frame_ancestors = https://ent.example.fr 'self'\n"
                        "public_url = https://search.example.fr/\n",
                        err, sizeof err),
        CH_OK);
    srv_options o;
    assert_int_equal(srv_options_from_config(&o, c, NULL, err, sizeof err), CH_OK);
    assert_int_equal(o.lock_mode, -1);
    assert_int_equal(o.n_host_modes, 2);
    assert_string_equal(o.host_modes[0].host, "ecole.example.fr");
    assert_int_equal(o.host_modes[0].mode, FLT_MODE_JUNIOR);
    assert_int_equal(o.host_modes[1].mode, FLT_MODE_SCHOOL);
    assert_int_equal(o.n_host_sites, 1);
    assert_string_equal(o.host_sites[0].site, "docs.intranet.lan");
    assert_int_equal(o.n_cors_origins, 1);
    assert_string_equal(o.frame_ancestors, "https://ent.example.fr 'self'");
    assert_string_equal(o.public_url, "https://search.example.fr");
    srv_options_free(&o);
    assert_int_equal(srv_options_from_config(&o, c, "junior", err, sizeof err), CH_OK);
    assert_int_equal(o.lock_mode, FLT_MODE_JUNIOR);
    srv_options_free(&o);
    assert_int_equal(srv_options_from_config(&o, c, "kids", err, sizeof err), CH_ERR_PARSE);
    cfg_free(c);

    static const char *const bad[] = {"[serve]\nhost_modes = a.fr:nursery\n",
                                      "[serve]\nhost_modes = a.fr\n",
                                      "[serve]\nhost_sites = a.fr:b/c\n",
                                      "[serve]\ncors_origins = *\n",
                                      "[serve]\nframe_ancestors = https://a.fr;script-src\n",
                                      "[serve]\npublic_url = javascript:x\n",
                                      "[serve]\nlock_mode = none\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cfg_new(&c), CH_OK);
        assert_int_equal(cfg_load_string(c, bad[i], err, sizeof err), CH_OK);
        assert_int_equal(srv_options_from_config(&o, c, NULL, err, sizeof err), CH_ERR_PARSE);
        assert_non_null(strstr(err, "[serve]"));
        cfg_free(c);
    }
    /* defaults */
    assert_int_equal(srv_options_from_config(&o, NULL, NULL, err, sizeof err), CH_OK);
    assert_string_equal(o.frame_ancestors, "'none'");
    char *csp = srv_csp_value(&o);
    assert_string_equal(csp, "default-src 'none'; style-src 'self'; img-src 'self'; form-action "
                             "'self'; base-uri 'none'; frame-ancestors 'none'");
    free(csp);
    srv_options_free(&o);
}

static void test_host_normalize(void **state)
{
    (void)state;
    char h[64];
    assert_true(srv_host_normalize("Ecole.Example.FR.:8080", h, sizeof h));
    assert_string_equal(h, "ecole.example.fr");
    assert_true(srv_host_normalize("[::1]:8080", h, sizeof h));
    assert_string_equal(h, "[::1]");
    assert_false(srv_host_normalize("a b", h, sizeof h));
    assert_false(srv_host_normalize("a\"b", h, sizeof h));
    assert_false(srv_host_normalize("", h, sizeof h));
    /* a port is digits only, brackets only around an IPv6 address (fuzz_http_params found
     * "]][[[:[5k]GA;0=0.8, " accepted as a host) */
    assert_false(srv_host_normalize("]][[[:[5k]GA;0=0.8, ", h, sizeof h));
    assert_false(srv_host_normalize("a:80 x", h, sizeof h));
    assert_false(srv_host_normalize("a:123456", h, sizeof h));
    assert_false(srv_host_normalize("[::1]x", h, sizeof h));
    assert_false(srv_host_normalize("[x y]", h, sizeof h));
    assert_false(srv_host_normalize("[]", h, sizeof h));
    assert_true(srv_host_normalize("a:", h, sizeof h));
    assert_string_equal(h, "a");
    assert_true(srv_site_valid("docs.example.fr"));
    assert_false(srv_site_valid("a/b"));
    assert_false(srv_site_valid(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escape_every_special),
        cmocka_unit_test(test_html_escape_respects_cap),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_shipped_languages_have_every_key),
        cmocka_unit_test(test_i18n_missing_key_is_an_error),
        cmocka_unit_test(test_i18n_format_escapes_text_not_args),
        cmocka_unit_test(test_accept_language),
        cmocka_unit_test(test_stats_counts_days_median_prometheus),
        cmocka_unit_test(test_static_files_names_and_types),
        cmocka_unit_test(test_options_from_config),
        cmocka_unit_test(test_host_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
