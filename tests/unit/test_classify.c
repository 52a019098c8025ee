/* Page classifier: per-mode terms from phrase scores, lists, meta rating, allow/block lists,
 * hidden terms for search, reasons, and the shipped data. */
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

#include "filters/classify.h"

static const char *POLICY = "[general]\n"
                            "[web]\nhide = adult\nphrase_threshold = 0\n"
                            "[school]\ninherit = web\nhide = violence\nphrase_threshold = 100\n"
                            "[junior]\ninherit = school\nhide = shopping\nphrase_threshold = 60\n";

static const char *PHRASES = "#listcategory: \"adult\"\n"
                             "< alpha ><40>\n< beta ><40>\n< gamma ><40>\n"
                             "#listcategory: \"shopping\"\n< add to cart ><70>\n";

static flt_classifier *make(void)
{
    flt_lists *l = NULL;
    flt_phrases *p = NULL;
    flt_policy *pol = NULL;
    flt_classifier *c = NULL;
    char err[256];
    assert_int_equal(flt_lists_new(&l), CH_OK);
    const char *dom = "adult.example\n";
    assert_int_equal(flt_lists_add_text(l, FLT_FILE_DOMAINS, FLT_BIT(FLT_CAT_ADULT), dom,
                                        strlen(dom), "t", NULL),
                     CH_OK);
    const char *allow = "kids.adult.example\n";
    assert_int_equal(
        flt_lists_add_text(l, FLT_FILE_DOMAINS, FLT_BIT_ALLOWLIST, allow, strlen(allow), "a", NULL),
        CH_OK);
    const char *block = "bad.example\n";
    assert_int_equal(
        flt_lists_add_text(l, FLT_FILE_DOMAINS, FLT_BIT_BLOCKLIST, block, strlen(block), "b", NULL),
        CH_OK);
    assert_int_equal(flt_phrases_new(&p), CH_OK);
    assert_int_equal(flt_phrases_load_buffer(p, "test", PHRASES, strlen(PHRASES), -1), CH_OK);
    assert_int_equal(flt_phrases_compile(p), CH_OK);
    assert_int_equal(flt_policy_load_string(POLICY, NULL, &pol, err, sizeof err), CH_OK);
    assert_int_equal(flt_classifier_from_parts(l, p, pol, &c), CH_OK);
    return c;
}

static bool has_term(const flt_verdict *v, const char *t)
{
    for (size_t i = 0; i < v->nterms; i++)
        if (strcmp(v->terms[i].s, t) == 0)
            return true;
    return false;
}

static void test_phrase_score_between_thresholds(void **state)
{
    (void)state;
    flt_classifier *c = make();
    flt_verdict v;
    flt_verdict_init(&v);
    /* 80: junior (60) hides, school (100) does not, web never by phrases. */
    assert_int_equal(flt_classify_page(c, "https://x.example/", "alpha", "beta", NULL, &v), CH_OK);
    assert_int_equal(v.score[FLT_CAT_ADULT], 80);
    assert_int_equal(v.nterms, 1);
    assert_true(has_term(&v, "adult~junior"));
    assert_false(v.hidden[FLT_MODE_WEB]);
    assert_false(v.hidden[FLT_MODE_SCHOOL]);
    assert_true(v.hidden[FLT_MODE_JUNIOR]);
    assert_int_equal(v.nreasons, 2);
    assert_string_equal(v.reasons[0].category, "adult");
    assert_string_equal(v.reasons[0].source, "phrases");
    assert_int_equal(v.reasons[0].weight, 40);
    /* 120 (URL words count too): both phrase modes. */
    assert_int_equal(flt_classify_page(c, "https://gamma.example/", "alpha", "beta", NULL, &v),
                     CH_OK);
    assert_true(has_term(&v, "adult~junior"));
    assert_true(has_term(&v, "adult~school"));
    assert_false(has_term(&v, "adult"));
    assert_false(v.hidden[FLT_MODE_WEB]);
    assert_true(v.hidden[FLT_MODE_SCHOOL]);
    /* Category hidden only in junior: the school term is stored, school still shows it. */
    assert_int_equal(flt_classify_page(c, "https://x.example/", NULL, "add to cart", NULL, &v),
                     CH_OK);
    assert_true(has_term(&v, "shopping~junior"));
    assert_false(v.hidden[FLT_MODE_SCHOOL]);
    assert_true(v.hidden[FLT_MODE_JUNIOR]);
    /* The same verdict reused for a clean page is emptied. */
    assert_int_equal(flt_classify_page(c, "https://x.example/", "hello", "world", "", &v), CH_OK);
    assert_int_equal(v.nterms, 0);
    assert_int_equal(v.nreasons, 0);
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        assert_false(v.hidden[m]);
    flt_verdict_free(&v);
    flt_classifier_free(c);
}

static void test_lists_meta_allow_block(void **state)
{
    (void)state;
    flt_classifier *c = make();
    flt_verdict v;
    flt_verdict_init(&v);
    /* A list hit: plain term, hidden in every mode that hides adult, whatever the text. */
    assert_int_equal(
        flt_classify_page(c, "https://www.adult.example/page", "Maths", "fractions", NULL, &v),
        CH_OK);
    assert_true(has_term(&v, "adult"));
    assert_true(v.hidden[FLT_MODE_WEB] && v.hidden[FLT_MODE_SCHOOL] && v.hidden[FLT_MODE_JUNIOR]);
    assert_string_equal(v.reasons[0].source, "ut1:domains");
    assert_string_equal(v.reasons[0].detail, "adult.example");
    /* Meta rating. */
    assert_int_equal(
        flt_classify_page(c, "https://x.example/", NULL, NULL, "RTA-5042-1996-1400-1577-RTA", &v),
        CH_OK);
    assert_true(has_term(&v, "adult"));
    assert_string_equal(v.reasons[0].source, "meta-rating");
    assert_true(flt_rating_is_adult("Adult"));
    assert_true(flt_rating_is_adult("mature"));
    assert_false(flt_rating_is_adult("general"));
    assert_false(flt_rating_is_adult(NULL));
    /* Allow-list wins over the adult domain and the phrases: only "allowlist", never hidden. */
    assert_int_equal(flt_classify_page(c, "https://kids.adult.example/", "alpha beta gamma",
                                       "add to cart", "adult", &v),
                     CH_OK);
    assert_int_equal(v.nterms, 1);
    assert_string_equal(v.terms[0].s, "allowlist");
    assert_string_equal(v.reasons[0].source, "allowlist");
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        assert_false(v.hidden[m]);
    /* Block-list: hidden everywhere. */
    assert_int_equal(flt_classify_page(c, "http://bad.example/x", "ok", "ok", NULL, &v), CH_OK);
    assert_true(has_term(&v, "blocklist"));
    assert_string_equal(v.reasons[0].source, "blocklist");
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        assert_true(v.hidden[m]);
    flt_verdict_free(&v);
    flt_classifier_free(c);
}

static void test_hidden_terms_and_term_names(void **state)
{
    (void)state;
    flt_term t[128];
    size_t n = 0;
    uint64_t mask = FLT_BIT(FLT_CAT_ADULT) | FLT_BIT(FLT_CAT_SHOPPING) | FLT_BIT_BLOCKLIST;
    assert_int_equal(flt_hidden_terms(mask, FLT_MODE_JUNIOR, t, 128, &n), CH_OK);
    assert_int_equal(n, 5);
    assert_string_equal(t[0].s, "adult");
    assert_string_equal(t[1].s, "adult~junior");
    assert_string_equal(t[2].s, "shopping");
    assert_string_equal(t[3].s, "shopping~junior");
    assert_string_equal(t[4].s, "blocklist");
    assert_int_equal(flt_hidden_terms(mask, FLT_MODE_JUNIOR, t, 4, &n), CH_ERR_LIMIT);
    assert_int_equal(flt_hidden_terms(mask, 9, t, 128, &n), CH_ERR_ARG);
    flt_term one;
    assert_int_equal(flt_category_term(FLT_CAT_VIOLENCE, FLT_MODE_SCHOOL, &one), CH_OK);
    assert_string_equal(one.s, "violence~school");
    assert_int_equal(flt_category_term(50, -1, &one), CH_ERR_ARG);
}

static void test_bad_arguments_and_big_text(void **state)
{
    (void)state;
    flt_classifier *c = make();
    flt_verdict v;
    flt_verdict_init(&v);
    assert_int_equal(flt_classify_page(c, NULL, "alpha", "beta", NULL, &v), CH_ERR_ARG);
    assert_int_equal(v.nterms, 0);
    assert_int_equal(flt_classify_page(NULL, "http://x/", NULL, NULL, NULL, &v), CH_ERR_ARG);
    /* Text over the cap: scored on its first FLT_CLASSIFY_TEXT_MAX bytes only. */
    size_t big = FLT_CLASSIFY_TEXT_MAX + 100;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'a', big);
    memcpy(text, "alpha beta ", 11);
    memcpy(text + big - 7, " gamma ", 7);
    text[big] = '\0';
    assert_int_equal(flt_classify_page(c, "http://x.example/", NULL, text, NULL, &v), CH_OK);
    assert_int_equal(v.score[FLT_CAT_ADULT], 80);
    free(text);
    flt_verdict_free(&v);
    flt_classifier_free(c);
    assert_int_equal(flt_classifier_from_parts(NULL, NULL, NULL, &c), CH_ERR_ARG);
    assert_null(c);
}

static void test_shipped_data(void **state)
{
    (void)state;
    flt_classifier *c = NULL;
    char err[512];
    flt_classifier_paths paths = {.lists_dir = "data/lists", .policy_file = "data/policies.ini"};
    ch_status st = flt_classifier_load(&paths, &c, err, sizeof err);
    if (st)
        fail_msg("load: %s", err);
    assert_true(flt_classifier_has_textmodel(c)); /* data/lists/textcat/model.tsv */
    flt_verdict v;
    flt_verdict_init(&v);
    assert_int_equal(
        flt_classify_page(c, "https://pornhub.com/", "Cours de maths", "Les fractions", NULL, &v),
        CH_OK);
    assert_true(v.hidden[FLT_MODE_SCHOOL] && v.hidden[FLT_MODE_JUNIOR]);
    assert_int_equal(flt_classify_page(c, "https://www.education.example/",
                                       "La Seconde Guerre mondiale",
                                       "Les nazis ont assassiné six millions de Juifs pendant la "
                                       "Shoah. Le devoir de mémoire.",
                                       NULL, &v),
                     CH_OK);
    assert_false(v.hidden[FLT_MODE_SCHOOL]);
    assert_false(v.hidden[FLT_MODE_JUNIOR]);
    flt_verdict_free(&v);
    flt_classifier_free(c);

    paths.lists_dir = "/nonexistent";
    assert_int_not_equal(flt_classifier_load(&paths, &c, err, sizeof err), CH_OK);
    assert_null(c);
    assert_true(strlen(err) > 0);
}

/* Without textcat/model.tsv the classifier loads with the signal off; a broken model is an
 * error naming the file and the line. */
static void test_textmodel_optional(void **state)
{
    (void)state;
    char dir[] = "/tmp/chouette-cls-XXXXXX", path[600], cwd[512], err[512];
    assert_non_null(mkdtemp(dir));
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/ut1", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    char target[600];
    snprintf(target, sizeof target, "%s/data/lists/phrases", cwd);
    snprintf(path, sizeof path, "%s/phrases", dir);
    assert_int_equal(symlink(target, path), 0);
    flt_classifier *c = NULL;
    flt_classifier_paths paths = {.lists_dir = dir, .policy_file = "data/policies.ini"};
    ch_status st = flt_classifier_load(&paths, &c, err, sizeof err);
    if (st)
        fail_msg("load without a model: %s", err);
    assert_false(flt_classifier_has_textmodel(c));
    assert_string_equal(err, "");
    flt_classifier_free(c);

    char tdir[700], model[720];
    snprintf(tdir, sizeof tdir, "%s/textcat", dir);
    assert_int_equal(mkdir(tdir, 0700), 0);
    snprintf(model, sizeof model, "%s/model.tsv", tdir);
    FILE *f = fopen(model, "w");
    assert_non_null(f);
    fputs("casino\tgambling\t2\ncasino\tpoker\t1\n", f);
    fclose(f);
    assert_int_equal(flt_classifier_load(&paths, &c, err, sizeof err), CH_ERR_PARSE);
    assert_null(c);
    if (!strstr(err, model) || !strstr(err, "line 2"))
        fail_msg("error \"%s\" does not name %s line 2", err, model);

    unlink(model);
    rmdir(tdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/ut1", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phrase_score_between_thresholds),
        cmocka_unit_test(test_lists_meta_allow_block),
        cmocka_unit_test(test_hidden_terms_and_term_names),
        cmocka_unit_test(test_bad_arguments_and_big_text),
        cmocka_unit_test(test_shipped_data),
        cmocka_unit_test(test_textmodel_optional),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
