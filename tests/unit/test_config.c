#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/url.h"

static void test_defaults(void **state)
{
    (void)state;
    cfg_t *c = NULL;
    assert_int_equal(cfg_new(&c), CH_OK);
    const cfg_crawler *k = cfg_crawler_section(c);
    assert_int_equal(k->delay_ms, 1000);
    assert_int_equal(k->per_host_connections, 1);
    assert_int_equal(k->parse_threads, 0); /* one per core */
    assert_int_equal(k->response_max_bytes, 10 * 1024 * 1024);
    assert_int_equal(k->max_redirects, 5);
    assert_int_equal(k->robots_cache_s, 86400);
    assert_int_equal(k->seeds.n, 0);
    /* the default strip list is url's */
    size_t n = 0;
    while (url_default_strip_params[n])
        n++;
    assert_int_equal(k->strip_params.n, n);
    assert_non_null(strstr(k->user_agent, "ChouetteBot"));
    cfg_free(c);
}

static void test_crawler_section_and_other_sections(void **state)
{
    (void)state;
    const char *text = "; comment\n"
                       "[crawler]\n"
                       "user_agent = TestBot/2.0\n"
                       "delay_ms = 250\n"
                       "parse_threads = 3\n"
                       "response_max_bytes = 2M\n"
                       "seeds = http://a.test/, http://b.test/\n"
                       "seeds = http://c.test/\n"
                       "allow_networks = 127.0.0.0/8 ::1/128\n"
                       "include = ^https?://a\\.test/(docs|blog)/\n"
                       "include = ^http://b\\.test/, with comma\n"
                       "strip_params = sid, ref\n"
                       "\n"
                       "[server]\n"
                       "listen = 127.0.0.1:8080\n"
                       "Listen = 127.0.0.1:8081\n"
                       "[filters]\n"
                       "mode = junior\n";
    cfg_t *c = NULL;
    char err[200];
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(cfg_load_string(c, text, err, sizeof err), CH_OK);
    const cfg_crawler *k = cfg_crawler_section(c);
    assert_string_equal(k->user_agent, "TestBot/2.0");
    assert_int_equal(k->delay_ms, 250);
    assert_int_equal(k->parse_threads, 3);
    assert_int_equal(k->response_max_bytes, 2 * 1024 * 1024);
    assert_int_equal(k->seeds.n, 3);
    assert_string_equal(k->seeds.items[1], "http://b.test/");
    assert_string_equal(k->seeds.items[2], "http://c.test/");
    assert_int_equal(k->allow_networks.n, 2);
    assert_string_equal(k->allow_networks.items[1], "::1/128");
    /* patterns are kept whole, commas and all */
    assert_int_equal(k->include.n, 2);
    assert_string_equal(k->include.items[1], "^http://b\\.test/, with comma");
    /* the file's strip list replaces the default one */
    assert_int_equal(k->strip_params.n, 2);
    assert_string_equal(k->strip_params.items[0], "sid");
    /* other sections are kept by name; keys case-insensitive; last value wins */
    assert_string_equal(cfg_get(c, "server", "listen"), "127.0.0.1:8081");
    assert_int_equal(cfg_count(c, "SERVER", "listen"), 2);
    assert_string_equal(cfg_get_nth(c, "server", "listen", 0), "127.0.0.1:8080");
    assert_null(cfg_get_nth(c, "server", "listen", 2));
    assert_string_equal(cfg_get(c, "filters", "mode"), "junior");
    assert_null(cfg_get(c, "filters", "nope"));
    assert_string_equal(cfg_get(c, "crawler", "delay_ms"), "250");
    cfg_free(c);
}

static void test_errors_name_the_problem(void **state)
{
    (void)state;
    const char *bad[] = {
        "[crawler]\ndelay_ms = fast\n",
        "[crawler]\ndelay_ms = -5\n",
        "[crawler]\nconcurrency = 0\n",
        "[crawler]\nparse_threads = 17\n",
        "[crawler]\nresponse_max_bytes = 10Q\n",
        "[crawler]\nmax_depht = 3\n", /* typo: unknown key */
        "[crawler]\nthis line has no equals sign\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg_t *c = NULL;
        char err[200] = "";
        assert_int_equal(cfg_new(&c), CH_OK);
        assert_int_equal(cfg_load_string(c, bad[i], err, sizeof err), CH_ERR_PARSE);
        assert_non_null(strstr(err, "line 2"));
        cfg_free(c);
    }
    /* the same from a file: the line and the key named */
    char path[] = "/tmp/chouette-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bad[0], strlen(bad[0])), (ssize_t)strlen(bad[0]));
    close(fd);
    cfg_t *c = NULL;
    char err[200] = "";
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(cfg_load(c, path, err, sizeof err), CH_ERR_PARSE);
    unlink(path);
    assert_non_null(strstr(err, "line 2"));
    assert_non_null(strstr(err, "delay_ms"));
    cfg_free(c);
    c = NULL;
    err[0] = '\0';
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(cfg_load(c, "/nonexistent/chouette.ini", err, sizeof err), CH_ERR_IO);
    assert_true(strlen(err) > 0);
    cfg_free(c);
}

static void test_sizes(void **state)
{
    (void)state;
    long v = -1;
    assert_int_equal(cfg_parse_size("4096", 1L << 40, &v), CH_OK);
    assert_int_equal(v, 4096);
    assert_int_equal(cfg_parse_size("512K", 1L << 40, &v), CH_OK);
    assert_int_equal(v, 512 * 1024);
    assert_int_equal(cfg_parse_size("1GiB", 1L << 40, &v), CH_OK);
    assert_int_equal(v, 1L << 30);
    v = 7;
    assert_int_equal(cfg_parse_size("", 100, &v), CH_ERR_PARSE);
    assert_int_equal(cfg_parse_size("2M", 1024, &v), CH_ERR_PARSE);
    assert_int_equal(cfg_parse_size("99999999999999999999", 1L << 40, &v), CH_ERR_PARSE);
    assert_int_equal(cfg_parse_size("1 K", 1L << 40, &v), CH_ERR_PARSE);
    assert_int_equal(v, 7);
}

static void test_file_and_shipped_example(void **state)
{
    (void)state;
    char path[] = "/tmp/test_config_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("[crawler]\nmax_pages = 42\nexclude = \\.pdf$\n  \\.zip$\n", f);
    fclose(f);
    cfg_t *c = NULL;
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(cfg_load(c, path, NULL, 0), CH_OK);
    assert_int_equal(cfg_crawler_section(c)->max_pages, 42);
    /* an indented line continues the key: one more pattern */
    assert_int_equal(cfg_crawler_section(c)->exclude.n, 2);
    assert_string_equal(cfg_crawler_section(c)->exclude.items[1], "\\.zip$");
    unlink(path);
    cfg_free(c);

    /* the example shipped in data/ must load as is (tests run from the top of the tree) */
    c = NULL;
    char err[200] = "";
    assert_int_equal(cfg_new(&c), CH_OK);
    ch_status st = cfg_load(c, "data/chouette.ini", err, sizeof err);
    if (st)
        fprintf(stderr, "data/chouette.ini: %s\n", err);
    assert_int_equal(st, CH_OK);
    assert_int_equal(cfg_crawler_section(c)->delay_ms, 1000);
    cfg_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_crawler_section_and_other_sections),
        cmocka_unit_test(test_errors_name_the_problem),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_file_and_shipped_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
