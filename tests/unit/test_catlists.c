#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filters/catlists.h"
#include "tests/unit/support/tmpdir.h"

#define ADULT FLT_BIT(FLT_CAT_ADULT)
#define GAMES FLT_BIT(FLT_CAT_GAMES)
#define FORUMS FLT_BIT(FLT_CAT_FORUMS)
#define MALWARE FLT_BIT(FLT_CAT_MALWARE)

static flt_lists *lists_from(flt_file_kind kind, uint64_t mask, const char *text,
                             flt_load_report *rep)
{
    flt_lists *l = NULL;
    assert_int_equal(flt_lists_new(&l), CH_OK);
    assert_int_equal(flt_lists_add_text(l, kind, mask, text, strlen(text), "t", rep), CH_OK);
    return l;
}

static void test_domain_matches_itself_and_subdomains(void **state)
{
    (void)state;
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, ADULT, "example.com\n", NULL);
    flt_match_reason why;
    assert_int_equal(flt_lists_match_url(l, "example.com", &why), ADULT);
    assert_int_equal(why.kind, FLT_MATCH_DOMAIN);
    assert_string_equal(why.entry, "example.com");
    assert_int_equal(why.category, FLT_CAT_ADULT);
    assert_int_equal(flt_lists_match_url(l, "a.b.example.com", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "https://www.example.com/x?y#z", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "http://user:pw@EXAMPLE.COM.:8080/", NULL), ADULT);
    /* Not a label boundary, not a parent, not a different TLD. */
    assert_int_equal(flt_lists_match_url(l, "notexample.com", &why), 0);
    assert_int_equal(why.kind, FLT_MATCH_NONE);
    assert_int_equal(flt_lists_match_url(l, "com", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "example.com.evil.org", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "https://evil.org/example.com", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "http://", NULL), 0);
    /* A host made of dots has a label boundary at every byte (found by fuzzing). */
    char dots[FLT_DOMAIN_MAX + 1];
    memset(dots, '.', FLT_DOMAIN_MAX);
    dots[FLT_DOMAIN_MAX] = '\0';
    assert_int_equal(flt_lists_match_url(l, dots, NULL), 0);
    dots[FLT_DOMAIN_MAX - 1] = 'x';
    assert_int_equal(flt_lists_match_url(l, dots, NULL), 0);
    flt_lists_free(l);
}

static void test_parent_does_not_match_child_entry(void **state)
{
    (void)state;
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, GAMES, "play.example.org\n", NULL);
    assert_int_equal(flt_lists_match_url(l, "example.org", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "www.example.org", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "play.example.org", NULL), GAMES);
    assert_int_equal(flt_lists_match_url(l, "x.play.example.org", NULL), GAMES);
    flt_lists_free(l);
}

static void test_masks_union_over_suffixes_and_lists(void **state)
{
    (void)state;
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, ADULT, "example.net\n", NULL);
    assert_int_equal(flt_lists_add_text(l, FLT_FILE_DOMAINS, GAMES, "g.example.net\nexample.net",
                                        strlen("g.example.net\nexample.net"), "u", NULL),
                     CH_OK);
    flt_match_reason why;
    assert_int_equal(flt_lists_match_url(l, "g.example.net", &why), ADULT | GAMES);
    assert_string_equal(why.entry, "g.example.net"); /* the most specific entry */
    assert_int_equal(flt_lists_match_url(l, "h.example.net", NULL), ADULT | GAMES);
    /* The same domain read twice is one entry. */
    assert_int_equal(flt_lists_entry_count(l), 2);
    flt_lists_free(l);
}

static void test_ip_literals_match_exactly(void **state)
{
    (void)state;
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, MALWARE, "0.0.1\n10.0.0.1\n", NULL);
    assert_int_equal(flt_lists_match_url(l, "http://10.0.0.1/x", NULL), MALWARE);
    assert_int_equal(flt_lists_match_url(l, "http://10.0.0.2/", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "http://192.10.0.0.1/", NULL), 0);
    flt_lists_free(l);
}

static void test_line_normalisation_and_bad_lines(void **state)
{
    (void)state;
    flt_load_report rep;
    flt_load_report_init(&rep);
    const char *text = "# comment\n"
                       "\n"
                       "  Upper.Example.COM.  \r\n"
                       "bad domain.com\n"
                       "-ok-.example.com\n"
                       "a..b.com\n"
                       ".lead.com\n"
                       "under_score.example.com\n"
                       "b\xc3\xbc"
                       "cher.de\n"
                       "last.example.com"; /* no final newline */
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, ADULT, text, &rep);
    assert_int_equal(rep.bad_lines, 3);
    assert_int_equal(rep.total_domains, 5);
    assert_int_equal(rep.domains[FLT_CAT_ADULT], 5);
    assert_non_null(strstr(buf_str(&rep.messages), "t:4: bad domain line"));
    assert_non_null(strstr(buf_str(&rep.messages), "t:6: "));
    assert_non_null(strstr(buf_str(&rep.messages), "t:7: "));
    assert_int_equal(flt_lists_match_url(l, "upper.example.com", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "UPPER.example.com", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "under_score.example.com", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "last.example.com", NULL), ADULT);
    /* UTF-8 names are stored as A-labels and looked up either way. */
    assert_int_equal(flt_lists_match_url(l, "xn--bcher-kva.de", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l,
                                         "http://www.b\xc3\xbc"
                                         "cher.de/",
                                         NULL),
                     ADULT);
    assert_int_equal(flt_lists_match_url(l, "example.com", NULL), 0);
    flt_lists_free(l);
    flt_load_report_free(&rep);
}

static void test_overlong_line_is_bad_not_fatal(void **state)
{
    (void)state;
    size_t n = FLT_LINE_MAX + 100;
    char *text = malloc(n + 32);
    assert_non_null(text);
    memset(text, 'a', n);
    memcpy(text + n, "\nok.example.com\n", 17);
    flt_load_report rep;
    flt_load_report_init(&rep);
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, ADULT, text, &rep);
    assert_int_equal(rep.bad_lines, 1);
    assert_int_equal(flt_lists_match_url(l, "ok.example.com", NULL), ADULT);
    flt_lists_free(l);
    flt_load_report_free(&rep);
    free(text);
}

static void test_url_prefixes(void **state)
{
    (void)state;
    flt_lists *l = lists_from(FLT_FILE_URLS, FORUMS,
                              "example.com/forum\nwww.example.org/board/\n"
                              "http://Example.net/a/b.php?id=3\nhost-only.example\n",
                              NULL);
    flt_match_reason why;
    assert_int_equal(flt_lists_match_url(l, "http://example.com/forum", &why), FORUMS);
    assert_int_equal(why.kind, FLT_MATCH_URL);
    assert_string_equal(why.entry, "example.com/forum");
    assert_int_equal(flt_lists_match_url(l, "https://www.example.com/forum/t/1", NULL), FORUMS);
    assert_int_equal(flt_lists_match_url(l, "https://example.com/forum?x=1", NULL), FORUMS);
    assert_int_equal(flt_lists_match_url(l, "https://EXAMPLE.com/Forum/", NULL), FORUMS);
    /* A prefix ends at a word boundary: /forums is another page. */
    assert_int_equal(flt_lists_match_url(l, "https://example.com/forums", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "https://example.com/", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "example.com", NULL), 0);
    /* Url entries are host-exact (after dropping www.), not for subdomains. */
    assert_int_equal(flt_lists_match_url(l, "https://sub.example.com/forum", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "http://example.org/board/x", NULL), FORUMS);
    assert_int_equal(flt_lists_match_url(l, "http://example.org/board", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "http://example.net/a/b.php?id=3", NULL), FORUMS);
    assert_int_equal(flt_lists_match_url(l, "http://example.net/a/b.php?id=3&z", NULL), FORUMS);
    assert_int_equal(flt_lists_match_url(l, "http://example.net/a/b.php?id=33", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "http://host-only.example", NULL), FORUMS);
    assert_int_equal(flt_lists_match_url(l, "http://host-only.example/any/page", NULL), FORUMS);
    flt_lists_free(l);
}

static void test_expressions(void **state)
{
    (void)state;
    flt_load_report rep;
    flt_load_report_init(&rep);
    flt_lists *l = lists_from(FLT_FILE_EXPRESSIONS, MALWARE,
                              "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+/search\\?q=[0-9]+$\n"
                              "(unclosed\n"
                              "/Advertisement/\n",
                              &rep);
    assert_int_equal(rep.total_expressions, 2);
    assert_int_equal(rep.bad_expressions, 1);
    assert_non_null(strstr(buf_str(&rep.messages), "t:2: bad expression"));
    flt_match_reason why;
    assert_int_equal(flt_lists_match_url(l, "http://1.2.3.4/search?q=42", &why), MALWARE);
    assert_int_equal(why.kind, FLT_MATCH_EXPRESSION);
    assert_int_equal(flt_lists_match_url(l, "http://1.2.3.4/search?q=42x", NULL), 0);
    /* Caseless: the URL is lowercased, the pattern is not. */
    assert_int_equal(flt_lists_match_url(l, "http://a.example/Advertisement/1", NULL), MALWARE);
    assert_int_equal(flt_lists_match_url(l, "http://a.example/advert", NULL), 0);
    flt_lists_free(l);
    flt_load_report_free(&rep);
}

static void test_allow_and_block_override(void **state)
{
    (void)state;
    flt_lists *l = lists_from(FLT_FILE_DOMAINS, ADULT, "example.com\nexample.org\n", NULL);
    assert_int_equal(flt_lists_add_text(l, FLT_FILE_DOMAINS, FLT_BIT_ALLOWLIST, "safe.example.com",
                                        16, "allow", NULL),
                     CH_OK);
    assert_int_equal(flt_lists_add_text(l, FLT_FILE_URLS, FLT_BIT_ALLOWLIST, "example.org/kids/",
                                        17, "allow", NULL),
                     CH_OK);
    assert_int_equal(flt_lists_add_text(l, FLT_FILE_DOMAINS, FLT_BIT_BLOCKLIST,
                                        "example.com\nschool-bad.example\n", 31, "block", NULL),
                     CH_OK);
    assert_int_equal(flt_lists_add_text(l, FLT_FILE_URLS, FLT_BIT_BLOCKLIST,
                                        "safe.example.com/evil", 21, "block", NULL),
                     CH_OK);
    flt_match_reason why;
    /* The more specific allow entry wins over the block entry of its parent. */
    assert_int_equal(flt_lists_match_url(l, "http://safe.example.com/", &why), FLT_BIT_ALLOWLIST);
    assert_int_equal(why.kind, FLT_MATCH_ALLOWLIST);
    /* A url entry is more specific still. */
    assert_int_equal(flt_lists_match_url(l, "http://safe.example.com/evil/x", &why),
                     ADULT | FLT_BIT_BLOCKLIST);
    assert_int_equal(why.kind, FLT_MATCH_BLOCKLIST);
    assert_int_equal(flt_lists_match_url(l, "http://other.example.com/", &why),
                     ADULT | FLT_BIT_BLOCKLIST);
    assert_int_equal(why.kind, FLT_MATCH_BLOCKLIST);
    assert_string_equal(why.entry, "example.com");
    assert_int_equal(flt_lists_match_url(l, "school-bad.example", NULL), FLT_BIT_BLOCKLIST);
    assert_int_equal(flt_lists_match_url(l, "http://example.org/kids/page", NULL),
                     FLT_BIT_ALLOWLIST);
    assert_int_equal(flt_lists_match_url(l, "http://example.org/other", NULL), ADULT);
    flt_lists_free(l);
}

static void test_category_names_and_ut1_table(void **state)
{
    (void)state;
    for (int b = 0; b < FLT_CAT_COUNT; b++) {
        const char *n = flt_category_name(b);
        assert_non_null(n);
        assert_int_equal(flt_category_from_name(n), b);
    }
    assert_string_equal(flt_category_name(FLT_CAT_BLOCKLIST), "blocklist");
    assert_null(flt_category_name(FLT_CAT_COUNT));
    assert_null(flt_category_name(64));
    assert_null(flt_category_name(-1));
    assert_int_equal(flt_category_from_name("nope"), -1);
    assert_int_equal(flt_category_mask_of_ut1("agressif"),
                     FLT_BIT(FLT_CAT_VIOLENCE) | FLT_BIT(FLT_CAT_HATE));
    assert_int_equal(flt_category_mask_of_ut1("arjel"), FLT_BIT(FLT_CAT_GAMBLING));
    assert_int_equal(flt_category_mask_of_ut1("vpn"), FLT_BIT(FLT_CAT_PROXY));
    assert_int_equal(flt_category_mask_of_ut1("social_networks"), FLT_BIT(FLT_CAT_SOCIAL));
    assert_int_equal(flt_category_mask_of_ut1("bank"), 0);
}

/* ---- loading from a directory --------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_load_directory_and_local_files(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char p[512];
    snprintf(p, sizeof p, "%s/agressif", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/agressif/domains", dir);
    {
        /* An over-long line read from a file is reported, and reading goes on after it. */
        FILE *f = fopen(p, "w");
        assert_non_null(f);
        fputs("hate.example\nbad line\n", f);
        for (int i = 0; i < 3 * FLT_LINE_MAX; i++)
            fputc('a', f);
        fputs("\nhate3.example\n", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/adult", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/adult/domains.0", dir);
    write_file(p, "x.example\n");
    snprintf(p, sizeof p, "%s/adult/domains.1", dir);
    write_file(p, "y.example\n");
    snprintf(p, sizeof p, "%s/adult/urls", dir);
    write_file(p, "z.example/path/\n");
    snprintf(p, sizeof p, "%s/adult/expressions", dir);
    write_file(p, "(porno|xxx)\n");
    snprintf(p, sizeof p, "%s/bank", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/bank/domains", dir);
    write_file(p, "bank.example\n");
    char allow[600], block[600];
    snprintf(allow, sizeof allow, "%s/allow.list", dir);
    write_file(allow, "y.example\n");
    snprintf(block, sizeof block, "%s/block.list", dir);
    write_file(block, "# local\nnasty.example\nz.example/other\n");

    flt_load_report rep;
    flt_load_report_init(&rep);
    flt_lists *l = NULL;
    flt_lists_local local = {.allow_file = allow, .block_file = block};
    assert_int_equal(flt_lists_load_with(dir, &local, &l, &rep), CH_OK);
    assert_non_null(l);
    assert_int_equal(rep.bad_lines, 2);
    assert_non_null(strstr(buf_str(&rep.messages), "agressif/domains:2: bad domain line"));
    assert_non_null(strstr(buf_str(&rep.messages), "agressif/domains:3: line longer than"));
    assert_int_equal(flt_lists_match_url(l, "hate3.example", NULL),
                     FLT_BIT(FLT_CAT_VIOLENCE) | FLT_BIT(FLT_CAT_HATE));
    assert_int_equal(rep.skipped_folders, 1);
    assert_int_equal(rep.domains[FLT_CAT_ADULT], 2);
    assert_int_equal(rep.domains[FLT_CAT_HATE], 2);
    assert_int_equal(rep.domains[FLT_CAT_VIOLENCE], 2);
    assert_int_equal(rep.urls[FLT_CAT_ADULT], 1);
    assert_int_equal(rep.expressions[FLT_CAT_ADULT], 1);
    assert_int_equal(rep.domains[FLT_CAT_ALLOWLIST], 1);
    assert_int_equal(rep.domains[FLT_CAT_BLOCKLIST], 1);
    assert_int_equal(rep.urls[FLT_CAT_BLOCKLIST], 1);

    assert_int_equal(flt_lists_match_url(l, "www.hate.example", NULL),
                     FLT_BIT(FLT_CAT_VIOLENCE) | FLT_BIT(FLT_CAT_HATE));
    assert_int_equal(flt_lists_match_url(l, "a.x.example", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "y.example", NULL), FLT_BIT_ALLOWLIST);
    assert_int_equal(flt_lists_match_url(l, "http://z.example/path/1", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "http://z.example/other", NULL), FLT_BIT_BLOCKLIST);
    assert_int_equal(flt_lists_match_url(l, "http://q.example/free-porno", NULL), ADULT);
    assert_int_equal(flt_lists_match_url(l, "bank.example", NULL), 0);
    assert_int_equal(flt_lists_match_url(l, "nasty.example", NULL), FLT_BIT_BLOCKLIST);
    assert_true(flt_lists_memory_bytes(l) > 0);
    flt_lists_free(l);
    flt_load_report_free(&rep);

    /* A named local file that is missing is an error, and *out is NULL. */
    l = (flt_lists *)&local;
    local.allow_file = "/nonexistent/allow.list";
    assert_int_equal(flt_lists_load_with(dir, &local, &l, NULL), CH_ERR_IO);
    assert_null(l);
    assert_int_equal(flt_lists_load("/nonexistent/lists", &l, NULL), CH_ERR_IO);
    assert_null(l);

    test_rm_rf(dir);
    free(dir);
}

static void test_shipped_lists_load(void **state)
{
    (void)state;
    const char *top = getenv("TOP");
    char dir[600];
    snprintf(dir, sizeof dir, "%s/data/lists/ut1", top ? top : ".");
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        skip();
    }
    flt_load_report rep;
    flt_load_report_init(&rep);
    flt_lists *l = NULL;
    assert_int_equal(flt_lists_load(dir, &l, &rep), CH_OK);
    assert_int_equal(rep.bad_lines, 0);
    assert_int_equal(rep.bad_expressions, 0);
    assert_true(rep.domains[FLT_CAT_ADULT] > 10000);
    assert_int_equal(flt_lists_match_url(l, "https://www.pornhub.com/", NULL) & ADULT, ADULT);
    assert_int_equal(flt_lists_match_url(l, "https://fr.wikipedia.org/wiki/Chouette", NULL), 0);
    flt_lists_free(l);
    flt_load_report_free(&rep);
}

/* File names of a category folder: which are lists, of which kind. */
static void test_list_file_kind(void **state)
{
    (void)state;
    assert_int_equal(flt_list_file_kind("domains"), FLT_FILE_DOMAINS);
    assert_int_equal(flt_list_file_kind("domains.7"), FLT_FILE_DOMAINS);
    assert_int_equal(flt_list_file_kind("domains.123"), FLT_FILE_DOMAINS);
    assert_int_equal(flt_list_file_kind("urls"), FLT_FILE_URLS);
    assert_int_equal(flt_list_file_kind("expressions"), FLT_FILE_EXPRESSIONS);
    static const char *const others[] = {"domains.", "domains.1a", "domains.gz", "domains2",
                                         "usage",    "LICENSE",    "urls.bak",   ""};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(flt_list_file_kind(others[i]), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_matches_itself_and_subdomains),
        cmocka_unit_test(test_parent_does_not_match_child_entry),
        cmocka_unit_test(test_masks_union_over_suffixes_and_lists),
        cmocka_unit_test(test_ip_literals_match_exactly),
        cmocka_unit_test(test_line_normalisation_and_bad_lines),
        cmocka_unit_test(test_overlong_line_is_bad_not_fatal),
        cmocka_unit_test(test_url_prefixes),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_allow_and_block_override),
        cmocka_unit_test(test_category_names_and_ut1_table),
        cmocka_unit_test(test_load_directory_and_local_files),
        cmocka_unit_test(test_shipped_lists_load),
        cmocka_unit_test(test_list_file_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
