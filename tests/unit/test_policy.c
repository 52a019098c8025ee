#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filters/catlists.h"
#include "filters/policy.h"

#define B(c) FLT_BIT(FLT_CAT_##c)

static flt_policy *load_shipped(const char *override_text)
{
    const char *top = getenv("TOP");
    char path[600];
    snprintf(path, sizeof path, "%s/data/policies.ini", top ? top : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    flt_policy *p = NULL;
    char err[512];
    ch_status st = flt_policy_load_string(text, override_text, &p, err, sizeof err);
    if (st)
        fail_msg("%s", err);
    assert_non_null(p);
    return p;
}

static void test_mode_names(void **state)
{
    (void)state;
    assert_int_equal(flt_mode_from_name("web"), FLT_MODE_WEB);
    assert_int_equal(flt_mode_from_name("school"), FLT_MODE_SCHOOL);
    assert_int_equal(flt_mode_from_name("junior"), FLT_MODE_JUNIOR);
    assert_int_equal(flt_mode_from_name("Junior"), -1);
    assert_int_equal(flt_mode_from_name(""), -1);
    assert_int_equal(flt_mode_from_name(NULL), -1);
    assert_string_equal(flt_mode_name(FLT_MODE_SCHOOL), "school");
    assert_null(flt_mode_name(FLT_MODE_COUNT));
}

/* The contract: DESIGN.md "Modes". */
static void test_shipped_defaults_follow_design(void **state)
{
    (void)state;
    flt_policy *p = load_shipped(NULL);
    uint64_t web = flt_policy_hidden_mask(p, FLT_MODE_WEB);
    uint64_t school = flt_policy_hidden_mask(p, FLT_MODE_SCHOOL);
    uint64_t junior = flt_policy_hidden_mask(p, FLT_MODE_JUNIOR);

    uint64_t web_want = B(MALWARE) | B(PHISHING) | B(ADULT) | FLT_BIT_BLOCKLIST;
    assert_int_equal(web, web_want);
    uint64_t school_want = B(ADULT) | B(VIOLENCE) | B(GAMBLING) | B(DRUGS) | B(HATE) | B(WEAPONS) |
                           B(DATING) | B(SECT) | B(WAREZ) | B(PROXY);
    assert_int_equal(school & school_want, school_want);
    assert_int_equal(school & web, web); /* school = web + ... */
    uint64_t junior_want = B(SHOPPING) | B(SOCIAL) | B(CHAT) | B(FORUMS) | B(WEBMAIL);
    assert_int_equal(junior & junior_want, junior_want);
    assert_int_equal(junior & school, school);
    assert_int_equal(school & junior_want, 0);
    /* Allow-side categories and games are hidden nowhere. */
    for (int m = 0; m < FLT_MODE_COUNT; m++) {
        uint64_t h = flt_policy_hidden_mask(p, m);
        assert_int_equal(h & (B(EDUCATIONAL) | B(SEXUAL_EDUCATION) | B(GAMES)), 0);
        assert_int_equal(h & FLT_BIT_ALLOWLIST, 0);
        assert_true(h & FLT_BIT_BLOCKLIST);
    }

    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_JUNIOR), 60);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_SCHOOL), 100);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_WEB), 0);
    assert_false(flt_policy_safe_off_allowed(p));
    assert_false(flt_policy_allowlist_only(p, FLT_MODE_JUNIOR));
    assert_string_equal(flt_policy_allowlist_path(p), "");
    assert_string_equal(flt_policy_blocklist_path(p), "");
    /* safe=off is not allowed: adult stays hidden. */
    assert_int_equal(flt_policy_hidden_mask_safe_off(p, FLT_MODE_WEB), web);
    assert_true(flt_policy_hides(p, FLT_MODE_WEB, B(ADULT), true));
    assert_false(flt_policy_hides(p, FLT_MODE_WEB, B(GAMBLING), false));
    assert_true(flt_policy_hides(p, FLT_MODE_SCHOOL, B(GAMBLING) | B(GAMES), false));
    assert_false(flt_policy_hides(p, FLT_MODE_SCHOOL, B(SHOPPING), false));
    assert_true(flt_policy_hides(p, FLT_MODE_JUNIOR, B(SHOPPING), false));
    assert_false(flt_policy_hides(p, FLT_MODE_JUNIOR, 0, false));
    assert_true(flt_policy_hides(p, FLT_MODE_WEB, FLT_BIT_BLOCKLIST, true));
    assert_false(flt_policy_hides(p, FLT_MODE_JUNIOR, FLT_BIT_ALLOWLIST, false));
    /* Unknown mode: fail closed, empty mask. */
    assert_true(flt_policy_hides(p, 7, 0, false));
    assert_int_equal(flt_policy_hidden_mask(p, -1), 0);
    flt_policy_free(p);
}

static void test_override_replaces_keys(void **state)
{
    (void)state;
    flt_policy *p = load_shipped("[general]\n"
                                 "safe_off_allowed = yes\n"
                                 "junior_allowlist_only = true\n"
                                 "allowlist = /etc/chouette/allow.list\n"
                                 "[web]\n"
                                 "hide = malware\n"
                                 "hide = phishing, adult\n"
                                 "[school]\n"
                                 "unhide = dating\n"
                                 "hide = games\n"
                                 "phrase_threshold = 80\n"
                                 "model_threshold = 250\n");
    uint64_t web = flt_policy_hidden_mask(p, FLT_MODE_WEB);
    assert_int_equal(web, B(MALWARE) | B(PHISHING) | B(ADULT) | FLT_BIT_BLOCKLIST);
    assert_int_equal(flt_policy_hidden_mask_safe_off(p, FLT_MODE_WEB),
                     B(MALWARE) | B(PHISHING) | FLT_BIT_BLOCKLIST);
    assert_false(flt_policy_hides(p, FLT_MODE_WEB, B(ADULT), true));
    assert_true(flt_policy_hides(p, FLT_MODE_WEB, B(ADULT), false));
    /* safe=off changes nothing outside web. */
    assert_true(flt_policy_hides(p, FLT_MODE_SCHOOL, B(ADULT), true));
    uint64_t school = flt_policy_hidden_mask(p, FLT_MODE_SCHOOL);
    /* The override's "hide" replaced the shipped school list: only games on top of web. */
    assert_int_equal(school, web | B(GAMES));
    assert_int_equal(school & B(DATING), 0);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_SCHOOL), 80);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_JUNIOR), 60);
    assert_int_equal(flt_policy_model_threshold(p, FLT_MODE_SCHOOL), 250);
    assert_int_equal(flt_policy_model_threshold(p, FLT_MODE_WEB), 0);
    assert_int_equal(flt_policy_model_threshold(p, 7), 0);
    /* junior inherits the new school mask. */
    assert_true(flt_policy_hidden_mask(p, FLT_MODE_JUNIOR) & B(GAMES));
    assert_true(flt_policy_allowlist_only(p, FLT_MODE_JUNIOR));
    assert_false(flt_policy_allowlist_only(p, FLT_MODE_SCHOOL));
    assert_true(flt_policy_hides(p, FLT_MODE_JUNIOR, 0, false));
    assert_false(flt_policy_hides(p, FLT_MODE_JUNIOR, FLT_BIT_ALLOWLIST, false));
    assert_false(flt_policy_hides(p, FLT_MODE_SCHOOL, 0, false));
    assert_string_equal(flt_policy_allowlist_path(p), "/etc/chouette/allow.list");
    flt_policy_free(p);
}

static void expect_error(const char *text, ch_status want, const char *needle)
{
    flt_policy *p = (flt_policy *)1;
    char err[512];
    assert_int_equal(flt_policy_load_string("[web]\nhide = malware\n", text, &p, err, sizeof err),
                     want);
    assert_null(p);
    if (!strstr(err, needle))
        fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_bad_overrides_name_the_line(void **state)
{
    (void)state;
    expect_error("[web]\nhide = malware, pr0n\n", CH_ERR_PARSE, "(string):2: [web] hide: unknown");
    expect_error("\n[kids]\nhide = adult\n", CH_ERR_PARSE, ":3: unknown section [kids]");
    expect_error("[school]\nphrase_threshold = -1\n", CH_ERR_PARSE, ":2: [school] phrase");
    expect_error("[school]\nphrase_threshold = 12x\n", CH_ERR_PARSE, "phrase_threshold");
    expect_error("[junior]\nmodel_threshold = -5\n", CH_ERR_PARSE, ":2: [junior] model_threshold");
    expect_error("[junior]\nmodel_threshold = 1e3\n", CH_ERR_PARSE, "model_threshold");
    expect_error("[web]\ninherit = junior\n", CH_ERR_PARSE, "inherit");
    expect_error("[general]\nsafe_off_allowed = maybe\n", CH_ERR_PARSE, "safe_off_allowed");
    expect_error("[general]\ncolour = blue\n", CH_ERR_PARSE, "unknown key [general] colour");
    expect_error("[web]\nhide = allowlist\n", CH_ERR_PARSE, "unknown category allowlist");
    expect_error("[web\n", CH_ERR_PARSE, "syntax error");

    flt_policy *p = (flt_policy *)1;
    char err[512];
    assert_int_equal(flt_policy_load("/nonexistent/policies.ini", NULL, &p, err, sizeof err),
                     CH_ERR_IO);
    assert_null(p);
    assert_non_null(strstr(err, "/nonexistent/policies.ini: cannot open"));
}

static void test_load_from_files(void **state)
{
    (void)state;
    const char *top = getenv("TOP");
    char def[600];
    snprintf(def, sizeof def, "%s/data/policies.ini", top ? top : ".");
    char ovr[] = "/tmp/test_policy.XXXXXX";
    int fd = mkstemp(ovr);
    assert_true(fd >= 0);
    const char *text = "[junior]\nphrase_threshold = 40\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    flt_policy *p = NULL;
    char err[512] = "";
    assert_int_equal(flt_policy_load(def, ovr, &p, err, sizeof err), CH_OK);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_JUNIOR), 40);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_SCHOOL), 100);
    flt_policy_free(p);
    /* Without an override: the shipped value. */
    assert_int_equal(flt_policy_load(def, NULL, &p, err, sizeof err), CH_OK);
    assert_int_equal(flt_policy_phrase_threshold(p, FLT_MODE_JUNIOR), 60);
    flt_policy_free(p);
    /* A named override that does not exist is an error. */
    assert_int_equal(flt_policy_load(def, "/nonexistent/x.ini", &p, err, sizeof err), CH_ERR_IO);
    assert_null(p);
    unlink(ovr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_names),
        cmocka_unit_test(test_shipped_defaults_follow_design),
        cmocka_unit_test(test_override_replaces_keys),
        cmocka_unit_test(test_bad_overrides_name_the_line),
        cmocka_unit_test(test_load_from_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
