#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filters/catlists.h"
#include "filters/classify.h"
#include "filters/policy.h"
#include "filters/textmodel.h"
#include "common/text.h"

#define ADULT FLT_CAT_ADULT
#define GAMBLING FLT_CAT_GAMBLING

/* A tiny hand-made model: two categories, accented features written folded. */
static const char TINY[] = "# a comment\n"
                           "\n"
                           "__bias__\tgambling\t-2.5\n"
                           "__bias__\tadult\t-3\n"
                           "casino\tgambling\t2\n"
                           "jackpot\tgambling\t1.5\n"
                           "mise\tgambling\t1\n"
                           "ecole\tgambling\t-1.25\n"
                           "ecole\tadult\t-2\n"
                           "porno\tadult\t4\n";

static flt_textmodel *load_tiny(void)
{
    flt_textmodel *m = NULL;
    char err[256];
    ch_status st = flt_textmodel_load_string(TINY, strlen(TINY), &m, err, sizeof err);
    if (st)
        fail_msg("load: %s (%s)", ch_status_str(st), err);
    return m;
}

static void test_load_and_score(void **state)
{
    (void)state;
    flt_textmodel *m = load_tiny();
    assert_int_equal(flt_textmodel_size(m), 5); /* casino jackpot mise ecole porno */
    flt_textmodel_scores s;
    flt_textmodel_scores_init(&s);
    /* Words counted once each however often they appear; case and accents folded. */
    const char *t = "CASINO casino Casino! Le JACKPOT de l'École, une mise.";
    assert_int_equal(flt_textmodel_score(m, t, strlen(t), &s), CH_OK);
    assert_int_equal(s.mask, FLT_BIT(ADULT) | FLT_BIT(GAMBLING));
    assert_true(fabs(s.score[GAMBLING] - (-2.5 + 2 + 1.5 + 1 - 1.25)) < 1e-6);
    assert_true(fabs(s.score[ADULT] - (-3 - 2)) < 1e-6);
    assert_int_equal(s.score[FLT_CAT_VIOLENCE], 0);
    /* Top contributing words, largest first; negative ones are never listed. */
    assert_int_equal(s.ntop[GAMBLING], 3);
    assert_string_equal(flt_textmodel_feature(m, s.top[GAMBLING][0]), "casino");
    assert_string_equal(flt_textmodel_feature(m, s.top[GAMBLING][1]), "jackpot");
    assert_string_equal(flt_textmodel_feature(m, s.top[GAMBLING][2]), "mise");
    assert_int_equal(s.ntop[ADULT], 0);
    assert_null(flt_textmodel_feature(m, 99));
    /* The scratch is reused: a second page starts from the bias again. */
    assert_int_equal(flt_textmodel_score(m, "porno", 5, &s), CH_OK);
    assert_true(fabs(s.score[ADULT] - 1.0) < 1e-6);
    assert_true(fabs(s.score[GAMBLING] - -2.5) < 1e-6);
    assert_int_equal(s.ntop[GAMBLING], 0);
    /* Empty text: the bias only. */
    assert_int_equal(flt_textmodel_score(m, "", 0, &s), CH_OK);
    assert_true(fabs(s.score[ADULT] - -3.0) < 1e-6);
    assert_int_equal(flt_textmodel_score(m, NULL, 3, &s), CH_ERR_ARG);
    flt_textmodel_scores_free(&s);
    flt_textmodel_free(m);
}

static void test_long_page_is_scaled(void **state)
{
    (void)state;
    flt_textmodel *m = load_tiny();
    flt_textmodel_scores s;
    flt_textmodel_scores_init(&s);
    /* casino + 4 * FLT_TEXTMODEL_NORM_WORDS - 1 unknown words: the sum counts a quarter. */
    size_t n = 4 * FLT_TEXTMODEL_NORM_WORDS;
    char *t = malloc(n * 2 + 8);
    assert_non_null(t);
    size_t k = (size_t)snprintf(t, 8, "casino");
    for (size_t i = 1; i < n; i++) {
        t[k++] = ' ';
        t[k++] = 'x';
    }
    t[k] = '\0';
    assert_int_equal(flt_textmodel_score(m, t, k, &s), CH_OK);
    assert_int_equal(s.words, n);
    assert_true(fabs(s.score[GAMBLING] - (-2.5 + 2.0 / 4)) < 1e-6);
    free(t);
    flt_textmodel_scores_free(&s);
    flt_textmodel_free(m);
}

/* The scorer's one-pass word finder and folder agree with text_next_word() +
 * flt_textmodel_fold_word() (the reference the trainer mirrors), invalid UTF-8 included. */
static void test_scan_matches_reference(void **state)
{
    (void)state;
    flt_textmodel *m = load_tiny();
    const char *texts[] = {
        "CASINO\xC3\xA9"
        "cole casino-jackpot ÉCOLE\xFF"
        "mise \xE2\x80\x99porno",
        "jackpot\xCC\x81 ca\xC3"
        "sino mise\xC2\xAD"
        "jackpot PORNO\xF0\x9F\x98\x80"
        "casino",
        "Ｃａｓｉｎｏ ecole_porno aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
        "casino",
    };
    flt_textmodel_scores s;
    flt_textmodel_scores_init(&s);
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *x = texts[t];
        /* Reference: distinct folded words -> the sum of their weights (bias included). */
        double want[FLT_CAT_COUNT] = {0};
        want[GAMBLING] = -2.5;
        want[ADULT] = -3;
        char seen[16][FLT_TEXTMODEL_WORD_MAX + 1];
        size_t nseen = 0, nwords = 0, start, wlen;
        text_words it;
        text_words_init(&it, x, strlen(x));
        while (text_next_word(&it, &start, &wlen)) {
            nwords++;
            char w[FLT_TEXTMODEL_WORD_MAX + 1];
            if (!flt_textmodel_fold_word(x + start, wlen, w, sizeof w))
                continue;
            bool dup = false;
            for (size_t i = 0; i < nseen; i++)
                dup |= strcmp(seen[i], w) == 0;
            if (dup || nseen == 16)
                continue;
            snprintf(seen[nseen++], sizeof seen[0], "%s", w);
            if (!strcmp(w, "casino"))
                want[GAMBLING] += 2;
            else if (!strcmp(w, "jackpot"))
                want[GAMBLING] += 1.5;
            else if (!strcmp(w, "mise"))
                want[GAMBLING] += 1;
            else if (!strcmp(w, "porno"))
                want[ADULT] += 4;
            else if (!strcmp(w, "ecole")) {
                want[GAMBLING] -= 1.25;
                want[ADULT] -= 2;
            }
        }
        assert_int_equal(flt_textmodel_score(m, x, strlen(x), &s), CH_OK);
        assert_int_equal(s.words, nwords);
        if (fabs(s.score[GAMBLING] - want[GAMBLING]) > 1e-6 ||
            fabs(s.score[ADULT] - want[ADULT]) > 1e-6)
            fail_msg("text %zu: gambling %g (want %g), adult %g (want %g)", t, s.score[GAMBLING],
                     want[GAMBLING], s.score[ADULT], want[ADULT]);
    }
    flt_textmodel_scores_free(&s);
    flt_textmodel_free(m);
}

/* The same pairs as FOLD_PAIRS in bench/filters/train_textcat.py (its --selftest). */
static void test_fold_parity_with_trainer(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"École", "ecole"},
        {"ÉLÈVES", "eleves"},
        {"Œuvre", "oeuvre"},
        {"straße", "strasse"},
        {"Ça", "ca"},
        {"naïve", "naive"},
        {"où", "ou"},
        {"Æther", "aether"},
        {"CASINO", "casino"},
        {"Noël", "noel"},
        {"Ｃａｓｉｎｏ", "casino"},
    };
    char out[FLT_TEXTMODEL_WORD_MAX + 1];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        size_t n = flt_textmodel_fold_word(pairs[i][0], strlen(pairs[i][0]), out, sizeof out);
        if (n != strlen(pairs[i][1]) || strcmp(out, pairs[i][1]) != 0)
            fail_msg("fold %s: got \"%s\", want \"%s\"", pairs[i][0], out, pairs[i][1]);
    }
    /* Too long for the buffer: 0, like the trainer's WORD_MAX skip. */
    char longw[FLT_TEXTMODEL_WORD_MAX + 2];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    assert_int_equal(flt_textmodel_fold_word(longw, strlen(longw), out, sizeof out), 0);
    assert_int_equal(flt_textmodel_fold_word(longw, FLT_TEXTMODEL_WORD_MAX, out, sizeof out),
                     FLT_TEXTMODEL_WORD_MAX);
}

static void expect_load_error(const char *text, ch_status want, const char *needle)
{
    flt_textmodel *m = (flt_textmodel *)1;
    char err[256];
    ch_status st = flt_textmodel_load_string(text, strlen(text), &m, err, sizeof err);
    assert_int_equal(st, want);
    assert_null(m);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
}

static void test_load_errors_are_named(void **state)
{
    (void)state;
    expect_load_error("casino\tgambling\n", CH_ERR_PARSE, "line 1: not \"feature TAB");
    expect_load_error("# c\ncasino gambling 2\n", CH_ERR_PARSE, "line 2: not");
    expect_load_error("a\tb\tc\td\n", CH_ERR_PARSE, "line 1: not");
    expect_load_error("casino\tpoker\t2\n", CH_ERR_PARSE, "unknown category \"poker\"");
    expect_load_error("casino\tallowlist\t2\n", CH_ERR_PARSE, "unknown category");
    expect_load_error("casino\tgambling\t2x\n", CH_ERR_PARSE, "bad weight \"2x\"");
    expect_load_error("casino\tgambling\t\n", CH_ERR_PARSE, "bad weight");
    expect_load_error("casino\tgambling\tnan\n", CH_ERR_PARSE, "bad weight");
    expect_load_error("casino\tgambling\t1e9\n", CH_ERR_PARSE, "bad weight");
    expect_load_error("\tgambling\t1\n", CH_ERR_PARSE, "empty feature");
    expect_load_error("casino\tgambling\t1\ncasino\tgambling\t2\n", CH_ERR_PARSE,
                      "\"casino\" has two weights for category gambling");
    char line[FLT_TEXTMODEL_LINE_MAX + 40];
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    expect_load_error(line, CH_ERR_LIMIT, "line 1: line longer than");
    char feat[FLT_TEXTMODEL_WORD_MAX + 20];
    memset(feat, 'b', FLT_TEXTMODEL_WORD_MAX + 1);
    snprintf(feat + FLT_TEXTMODEL_WORD_MAX + 1, 19, "\tadult\t1\n");
    expect_load_error(feat, CH_ERR_LIMIT, "feature longer than");
    /* An embedded NUL is refused, not truncated. */
    flt_textmodel *m = NULL;
    char err[256];
    assert_int_equal(flt_textmodel_load_string("a\0b\tadult\t1\n", 12, &m, err, sizeof err),
                     CH_ERR_PARSE);
    assert_non_null(strstr(err, "NUL"));
    /* Files: a missing one is CH_ERR_NOTFOUND and named. */
    assert_int_equal(flt_textmodel_load("/nonexistent/model.tsv", &m, err, sizeof err),
                     CH_ERR_NOTFOUND);
    assert_null(m);
    assert_non_null(strstr(err, "/nonexistent/model.tsv"));
    assert_int_equal(flt_textmodel_load(NULL, &m, err, sizeof err), CH_ERR_ARG);
    /* A file with a bad line names the file and the line. */
    char path[] = "/tmp/chouette-textmodel-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char bad[] = "casino\tgambling\t1\nx\ty\n";
    assert_int_equal(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
    close(fd);
    assert_int_equal(flt_textmodel_load(path, &m, err, sizeof err), CH_ERR_PARSE);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "line 2"));
    unlink(path);
    /* An empty model loads (and scores nothing). */
    assert_int_equal(flt_textmodel_load_string("", 0, &m, err, sizeof err), CH_OK);
    assert_int_equal(flt_textmodel_size(m), 0);
    flt_textmodel_free(m);
}

/* The shipped model loads and its features are folded words (what the scorer looks up). */
static void test_shipped_model(void **state)
{
    (void)state;
    const char *top = getenv("TOP");
    char path[600];
    snprintf(path, sizeof path, "%s/data/lists/" FLT_TEXTMODEL_FILE, top ? top : ".");
    flt_textmodel *m = NULL;
    char err[512];
    ch_status st = flt_textmodel_load(path, &m, err, sizeof err);
    if (st)
        fail_msg("%s", err);
    assert_true(flt_textmodel_size(m) > 100);
    char out[FLT_TEXTMODEL_WORD_MAX + 1];
    for (uint32_t i = 0; i < flt_textmodel_size(m); i++) {
        const char *w = flt_textmodel_feature(m, i);
        size_t n = flt_textmodel_fold_word(w, strlen(w), out, sizeof out);
        if (n != strlen(w) || strcmp(out, w) != 0)
            fail_msg("feature \"%s\" is not folded", w);
    }
    flt_textmodel_free(m);
}

/* In the classifier: a model hit gives "<cat>~<mode>" in the modes whose model_threshold it
 * reaches, with a "model" reason naming the words. */
static void test_classifier_uses_model(void **state)
{
    (void)state;
    flt_policy *p = NULL;
    char err[256];
    const char *ini = "[web]\nhide = adult\nmodel_threshold = 0\n"
                      "[school]\ninherit = web\nhide = gambling\nmodel_threshold = 30\n"
                      "[junior]\ninherit = school\nmodel_threshold = 10\n";
    assert_int_equal(flt_policy_load_string(ini, NULL, &p, err, sizeof err), CH_OK);
    flt_classifier *c = NULL;
    assert_int_equal(flt_classifier_from_parts(NULL, NULL, p, &c), CH_OK);
    assert_false(flt_classifier_has_textmodel(c));
    flt_verdict v;
    flt_verdict_init(&v);
    /* No model: nothing. */
    assert_int_equal(flt_classify_page(c, "https://x.example/", "Casino", "jackpot", NULL, &v),
                     CH_OK);
    assert_int_equal(v.nterms, 0);
    flt_classifier_set_textmodel(c, load_tiny());
    assert_true(flt_classifier_has_textmodel(c));
    /* gambling: -2.5 + 2 + 1.5 = 1.0 -> score 10: junior only. */
    assert_int_equal(flt_classify_page(c, "https://x.example/", "Casino", "jackpot", NULL, &v),
                     CH_OK);
    assert_int_equal(v.model_score[GAMBLING], 10);
    assert_int_equal(v.nterms, 1);
    assert_string_equal(v.terms[0].s, "gambling~junior");
    assert_false(v.hidden[FLT_MODE_WEB]);
    assert_false(v.hidden[FLT_MODE_SCHOOL]);
    assert_true(v.hidden[FLT_MODE_JUNIOR]);
    assert_int_equal(v.nreasons, 1);
    assert_string_equal(v.reasons[0].source, "model");
    assert_string_equal(v.reasons[0].category, "gambling");
    assert_string_equal(v.reasons[0].detail, "casino jackpot");
    assert_int_equal(v.reasons[0].weight, 10);
    /* + mise (1) = 2.0 -> 20; + the URL word "casino" counts once only. */
    assert_int_equal(
        flt_classify_page(c, "https://casino.example/", "Casino", "jackpot mise", NULL, &v), CH_OK);
    assert_int_equal(v.model_score[GAMBLING], 20);
    assert_false(v.hidden[FLT_MODE_SCHOOL]);
    /* adult -3 + 4 = 1.0 -> 10: junior only; web's threshold 0 is off although web hides
     * adult. */
    assert_int_equal(flt_classify_page(c, "https://x.example/", "porno", "", NULL, &v), CH_OK);
    assert_int_equal(v.model_score[ADULT], 10);
    assert_int_equal(v.nterms, 1);
    assert_string_equal(v.terms[0].s, "adult~junior");
    assert_false(v.hidden[FLT_MODE_WEB]);
    assert_true(v.hidden[FLT_MODE_JUNIOR]);
    assert_int_equal(flt_classify_page(c, "https://x.example/", NULL, NULL, NULL, &v), CH_OK);
    assert_int_equal(v.nterms, 0);
    flt_verdict_free(&v);
    flt_classifier_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_score),
        cmocka_unit_test(test_long_page_is_scaled),
        cmocka_unit_test(test_scan_matches_reference),
        cmocka_unit_test(test_fold_parity_with_trainer),
        cmocka_unit_test(test_load_errors_are_named),
        cmocka_unit_test(test_shipped_model),
        cmocka_unit_test(test_classifier_uses_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
