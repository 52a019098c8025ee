/* Query checker: normalisation tricks, modes, allow phrases, sensitive topics and help, the
 * shipped data (data/querycheck), bad data files.
 *
 * Also a small tool for tests/integration/test_classify_queries.sh:
 *   test_querycheck --queries FILE MODE blocked|allowed [DATADIR]
 * checks every non-comment line of FILE in MODE, prints each one that is not as expected (to
 * stderr, this is test data, not a user's query) and exits 1 if any. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters/querycheck.h"

static const char *HELP = "[3018]\nnumber = 3018\nfr = 3018 : aide\nen = 3018: help\n"
                          "url = https://example.org/\n"
                          "[119]\nnumber = 119\nfr = 119 : enfance\nen = 119: children\n";
static const char *MSG = "[blocked]\nfr = pas ici\nen = not here\n"
                         "[sensitive]\nfr = tu n'es pas seul\nen = you are not alone\n";
static const char *BLOCKED = "# test list\n"
                             "[adult]\n*porn*\nsex\nvideo x\nfuck*\nass\n*xxx*\n"
                             "[adult:junior]\nsexy\n"
                             "[allow]\npornic\nsex education\n";
static const char *SENS = "[harassment]\nhelp = 3018, 119\nharcèlement\ncyberharcèlement\n"
                          "[abuse]\nhelp = 119\nmaltraitance\n";

static flt_querycheck *load_test(void)
{
    flt_querycheck *qc = NULL;
    char err[256];
    ch_status st = flt_querycheck_load_strings(BLOCKED, SENS, HELP, MSG, &qc, err, sizeof err);
    if (st)
        fprintf(stderr, "load: %s\n", err);
    assert_int_equal(st, CH_OK);
    assert_non_null(qc);
    return qc;
}

static flt_query_verdict verdict(const flt_querycheck *qc, const char *q, int mode)
{
    flt_query_result r;
    assert_int_equal(flt_check_query(qc, q, mode, &r), CH_OK);
    return r.verdict;
}

static void test_plain_and_tricks_blocked(void **state)
{
    (void)state;
    flt_querycheck *qc = load_test();
    const char *blocked[] = {"porn",      "free PORN videos",
                             "p0rn",      "pooorn",
                             "p o r n",   "p.o.r.n",
                             "p-o-r-n",   "P0RN hub",
                             "pornhub",   "freeporn",
                             "s3x",       "$ex",
                             "Sexxx",     "s e x",
                             "vidéo X",   "VIDEO  x",
                             "fuuucking", "fuck",
                             "xxxvideos", "x x x",
                             "ass",       "asss",
                             "pørn"};
    for (size_t i = 0; i < sizeof blocked / sizeof *blocked; i++) {
        if (verdict(qc, blocked[i], FLT_MODE_SCHOOL) != FLT_QUERY_BLOCKED)
            fail_msg("not blocked in school: %s", blocked[i]);
        if (verdict(qc, blocked[i], FLT_MODE_JUNIOR) != FLT_QUERY_BLOCKED)
            fail_msg("not blocked in junior: %s", blocked[i]);
        assert_int_equal(verdict(qc, blocked[i], FLT_MODE_WEB), FLT_QUERY_ALLOWED);
    }
    flt_querycheck_free(qc);
}

static void test_near_misses_allowed(void **state)
{
    (void)state;
    flt_querycheck *qc = load_test();
    /* Collapsing must not turn "as" into "ass" nor "xx" into "xxx"; whole words stay whole;
     * allow phrases cover their words; "video" alone is not "video x". */
    const char *ok[] = {
        "as",    "pass the exam", "xx siècle", "Pornic",      "sex education", "video",
        "essex", "sussex county", "sextant",   "bass guitar", "x y",           "",
        "   ",   "!!!",           "a b",       "classe de 5e"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (verdict(qc, ok[i], FLT_MODE_JUNIOR) != FLT_QUERY_ALLOWED)
            fail_msg("wrongly not allowed in junior: '%s'", ok[i]);
    /* An allow phrase only covers its own words. */
    assert_int_equal(verdict(qc, "pornic porn", FLT_MODE_SCHOOL), FLT_QUERY_BLOCKED);
    assert_int_equal(verdict(qc, "sex education sex", FLT_MODE_SCHOOL), FLT_QUERY_BLOCKED);
    flt_querycheck_free(qc);
}

static void test_junior_only_terms(void **state)
{
    (void)state;
    flt_querycheck *qc = load_test();
    assert_int_equal(verdict(qc, "robe sexy", FLT_MODE_JUNIOR), FLT_QUERY_BLOCKED);
    assert_int_equal(verdict(qc, "robe sexy", FLT_MODE_SCHOOL), FLT_QUERY_ALLOWED);
    assert_int_equal(verdict(qc, "robe sexy", FLT_MODE_WEB), FLT_QUERY_ALLOWED);
    flt_querycheck_free(qc);
}

static void test_result_fields(void **state)
{
    (void)state;
    flt_querycheck *qc = load_test();
    flt_query_result r;
    assert_int_equal(flt_check_query(qc, "p0rn", FLT_MODE_JUNIOR, &r), CH_OK);
    assert_int_equal(r.verdict, FLT_QUERY_BLOCKED);
    assert_string_equal(r.category, "adult");
    assert_string_equal(flt_query_message(&r, "fr"), "pas ici");
    assert_string_equal(flt_query_message(&r, "en"), "not here");
    assert_int_equal(r.nhelp, 0);

    assert_int_equal(flt_check_query(qc, "Cyber-Harcèlement au collège", FLT_MODE_SCHOOL, &r),
                     CH_OK);
    assert_int_equal(r.verdict, FLT_QUERY_SENSITIVE);
    assert_string_equal(r.topic, "harassment");
    assert_null(r.category);
    assert_string_equal(r.message_en, "you are not alone");
    assert_int_equal(r.nhelp, 2);
    assert_string_equal(r.help[0]->id, "3018");
    assert_string_equal(r.help[0]->url, "https://example.org/");
    assert_string_equal(flt_help_text(r.help[1], "fr"), "119 : enfance");
    assert_string_equal(r.help[1]->url, ""); /* missing url -> "" */

    /* Two topics: resources merged without duplicates. */
    assert_int_equal(flt_check_query(qc, "harcèlement maltraitance", FLT_MODE_WEB, &r), CH_OK);
    assert_int_equal(r.verdict, FLT_QUERY_SENSITIVE);
    assert_int_equal(r.nhelp, 2);

    /* Blocked and sensitive: blocked, with the help kept. */
    assert_int_equal(flt_check_query(qc, "porn harcèlement", FLT_MODE_SCHOOL, &r), CH_OK);
    assert_int_equal(r.verdict, FLT_QUERY_BLOCKED);
    assert_int_equal(r.nhelp, 2);
    flt_querycheck_free(qc);
}

static void test_bad_arguments_and_limits(void **state)
{
    (void)state;
    flt_querycheck *qc = load_test();
    flt_query_result r;
    assert_int_equal(flt_check_query(qc, NULL, FLT_MODE_WEB, &r), CH_ERR_ARG);
    assert_int_equal(flt_check_query(qc, "x", 7, &r), CH_ERR_ARG);
    assert_int_equal(flt_check_query(NULL, "x", FLT_MODE_WEB, &r), CH_ERR_ARG);
    char *big = malloc(FLT_QC_QUERY_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', FLT_QC_QUERY_MAX + 1);
    big[FLT_QC_QUERY_MAX + 1] = '\0';
    assert_int_equal(flt_check_query(qc, big, FLT_MODE_JUNIOR, &r), CH_ERR_LIMIT);
    assert_int_equal(r.verdict, FLT_QUERY_ALLOWED);
    assert_null(r.message_fr);
    /* The longest accepted query: many one-letter words, all joined. */
    for (size_t i = 0; i < FLT_QC_QUERY_MAX; i++)
        big[i] = (i % 2) ? ' ' : "porn"[(i / 2) % 4];
    big[FLT_QC_QUERY_MAX] = '\0';
    assert_int_equal(flt_check_query(qc, big, FLT_MODE_JUNIOR, &r), CH_OK);
    assert_int_equal(r.verdict, FLT_QUERY_BLOCKED);
    /* Invalid UTF-8 separates words and does not crash. */
    assert_int_equal(flt_check_query(qc,
                                     "po\xff"
                                     "rn \xc3",
                                     FLT_MODE_JUNIOR, &r),
                     CH_OK);
    assert_int_equal(r.verdict, FLT_QUERY_ALLOWED);
    free(big);
    flt_querycheck_free(qc);
}

static void test_bad_data_refused(void **state)
{
    (void)state;
    flt_querycheck *qc = (flt_querycheck *)1;
    char err[256];
    /* Unknown help id. */
    assert_int_equal(
        flt_querycheck_load_strings(NULL, "[t]\nhelp = nope\nx\n", HELP, MSG, &qc, err, sizeof err),
        CH_ERR_PARSE);
    assert_null(qc);
    assert_non_null(strstr(err, "sensitive:2"));
    /* Missing messages. */
    assert_int_equal(
        flt_querycheck_load_strings(NULL, NULL, HELP, "[blocked]\nfr = x\n", &qc, err, sizeof err),
        CH_ERR_PARSE);
    assert_null(qc);
    /* Term before a section, bad modifier, prefix of two words. */
    assert_int_equal(flt_querycheck_load_strings("porn\n", NULL, HELP, MSG, &qc, err, sizeof err),
                     CH_ERR_PARSE);
    assert_int_equal(
        flt_querycheck_load_strings("[a:school]\nx\n", NULL, HELP, MSG, &qc, err, sizeof err),
        CH_ERR_PARSE);
    assert_int_equal(
        flt_querycheck_load_strings("[a]\ntwo words*\n", NULL, HELP, MSG, &qc, err, sizeof err),
        CH_ERR_PARSE);
    assert_int_equal(flt_querycheck_load("/nonexistent-dir", &qc, err, sizeof err), CH_ERR_IO);
    assert_null(qc);
}

static void test_shipped_data(void **state)
{
    (void)state;
    flt_querycheck *qc = NULL;
    char err[256];
    ch_status st = flt_querycheck_load("data/querycheck", &qc, err, sizeof err);
    if (st)
        fail_msg("data/querycheck: %s", err);
    assert_true(flt_querycheck_term_count(qc) > 300);
    /* The topics of the issue are never blocked in school. */
    const char *legit[] = {
        "éducation sexuelle",      "puberté", "contraception",     "sida",
        "seconde guerre mondiale", "shoah",   "drogue prévention", "harcèlement"};
    for (size_t i = 0; i < sizeof legit / sizeof *legit; i++)
        if (verdict(qc, legit[i], FLT_MODE_SCHOOL) == FLT_QUERY_BLOCKED)
            fail_msg("legitimate query blocked in school: %s", legit[i]);
    /* Help resources with the well-known numbers. */
    flt_query_result r;
    struct {
        const char *q, *number;
    } h[] = {{"cyberharcèlement", "3018"},
             {"envie de mourir", "3114"},
             {"maltraitance", "119"},
             {"drogue prévention", "0 800 23 13 13"},
             {"contraception", "0 800 235 236"}};
    for (size_t i = 0; i < sizeof h / sizeof *h; i++) {
        assert_int_equal(flt_check_query(qc, h[i].q, FLT_MODE_SCHOOL, &r), CH_OK);
        assert_int_equal(r.verdict, FLT_QUERY_SENSITIVE);
        assert_true(r.nhelp >= 1);
        assert_string_equal(r.help[0]->number, h[i].number);
        assert_non_null(strstr(r.help[0]->fr, h[i].number));
        assert_non_null(strstr(r.help[0]->en, h[i].number));
    }
    flt_querycheck_free(qc);
}

static int check_file(const char *file, const char *mode_name, const char *expect, const char *dir)
{
    int mode = flt_mode_from_name(mode_name);
    int want_blocked = strcmp(expect, "blocked") == 0;
    if (mode < 0 || (!want_blocked && strcmp(expect, "allowed") != 0)) {
        fputs("usage: test_querycheck --queries FILE MODE blocked|allowed [DATADIR]\n", stderr);
        return 2;
    }
    flt_querycheck *qc = NULL;
    char err[256], line[2048];
    if (flt_querycheck_load(dir, &qc, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        flt_querycheck_free(qc);
        return 1;
    }
    int bad = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        flt_query_result r;
        n++;
        if (flt_check_query(qc, line, mode, &r)) {
            fprintf(stderr, "error on: %s\n", line);
            bad++;
        } else if ((r.verdict == FLT_QUERY_BLOCKED) != want_blocked) {
            fprintf(stderr, "%s in %s, expected %s: %s\n",
                    r.verdict == FLT_QUERY_BLOCKED ? "blocked" : "not blocked", mode_name, expect,
                    line);
            bad++;
        }
    }
    fclose(f);
    flt_querycheck_free(qc);
    printf("%s %s: %d queries, %d not as expected (%s)\n", file, mode_name, n, bad, expect);
    return bad || !n ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "--queries") == 0)
        return check_file(argv[2], argv[3], argv[4], argc > 5 ? argv[5] : "data/querycheck");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_tricks_blocked),
        cmocka_unit_test(test_near_misses_allowed),
        cmocka_unit_test(test_junior_only_terms),
        cmocka_unit_test(test_result_fields),
        cmocka_unit_test(test_bad_arguments_and_limits),
        cmocka_unit_test(test_bad_data_refused),
        cmocka_unit_test(test_shipped_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
