/* Unit tests of the snippets of indexer/search.c on words whose folded form differs from their
 * bytes: make_snippet folds only the words that can match a query word (same first folded byte),
 * and folds ASCII by lowering bytes. Every snippet below is compared whole with what the
 * previous make_snippet (fold of every word with text_fold) produced for the same page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/search.h"
#include "tests/unit/support/index_fixture.h"

/* Accented capitals (the first byte is not ASCII, the folded one is), a ligature, fullwidth
 * letters (12 bytes fold to 4), a decomposed accent (combining marks fold to nothing), ASCII
 * capitals, words of the same first letter that must not match, and an apostrophe. */
static const test_page pages[] = {
    {"http://snip.example.fr/a", 200, TEST_HTML,
     "<html lang=fr><head><title>Mots pliés</title></head><body><p>Une Œuvre, une oeuvrette "
     "et des œuvres. Le ﬁchier FICHIERS fichu ; le format ＪＳＯＮ, json et Jsonnet. "
     "L'ÉLÈVE, l'e\xCC\x81le\xCC\x80ve et les élèves élevés. Les FONCTIONS, une fonction, "
     "fonctionnel. Straße STRASSE strasse.</p></body></html>"},
};

static char *dir;
static idx_searcher *searcher;

static int setup(void **state)
{
    (void)state;
    dir = test_make_tmpdir();
    char warc[600], db[600];
    snprintf(warc, sizeof warc, "%s/t.warc.gz", dir);
    snprintf(db, sizeof db, "%s/db", dir);
    test_write_warc(warc, pages, sizeof pages / sizeof *pages);
    const char *w[] = {warc};
    idx_stats st;
    test_index_warcs(db, w, 1, &st);
    assert_int_equal(st.indexed, 1);
    char *err = NULL;
    assert_int_equal(idx_searcher_open(db, &searcher, &err), CH_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    idx_searcher_close(searcher);
    test_rm_rf(dir);
    free(dir);
    return 0;
}

static void assert_snippet(const char *query, const char *expected)
{
    idx_search_params p = {.query = query, .page = 1, .per_page = 10};
    idx_results r;
    assert_int_equal(idx_search(searcher, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].snippet, expected);
    idx_results_free(&r);
}

static void test_snippets_of_folded_words(void **state)
{
    (void)state;
    assert_snippet(
        "oeuvre",
        "Une <mark>Œuvre</mark>, une <mark>oeuvrette</mark> et des <mark>œuvres</mark>. Le ﬁchier "
        "FICHIERS fichu ; le format ＪＳＯＮ, json et Jsonnet. L&#39;ÉLÈVE, l&#39;élève et les "
        "élèves élevés. Les FONCTIONS, une fonction, fonctionnel. Straße STRASSE strasse.");
    assert_snippet(
        "fichier",
        "Une Œuvre, une oeuvrette et des œuvres. Le <mark>ﬁchier</mark> <mark>FICHIERS</mark> "
        "fichu ; le format ＪＳＯＮ, json et Jsonnet. L&#39;ÉLÈVE, l&#39;élève et les élèves "
        "élevés. Les FONCTIONS, une fonction, fonctionnel. Straße STRASSE strasse.");
    assert_snippet(
        "json", "… et des œuvres. Le ﬁchier FICHIERS fichu ; le format <mark>ＪＳＯＮ</mark>, "
                "<mark>json</mark> et <mark>Jsonnet</mark>. L&#39;ÉLÈVE, l&#39;élève et les élèves "
                "élevés. Les FONCTIONS, une fonction, fonctionnel. Straße STRASSE strasse.");
    assert_snippet(
        "ÉLÈVES",
        "… FICHIERS fichu ; le format ＪＳＯＮ, json et Jsonnet. L&#39;<mark>ÉLÈVE</mark>, "
        "l&#39;<mark>élève</mark> et les <mark>élèves</mark> <mark>élevés</mark>. Les FONCTIONS, "
        "une fonction, fonctionnel. Straße STRASSE strasse.");
    assert_snippet("fonction",
                   "… L&#39;ÉLÈVE, l&#39;élève et les élèves élevés. Les <mark>FONCTIONS</mark>, "
                   "une <mark>fonction</mark>, <mark>fonctionnel</mark>. Straße STRASSE strasse.");
    assert_snippet("strasse", "… élevés. Les FONCTIONS, une fonction, fonctionnel. "
                              "<mark>Straße</mark> <mark>STRASSE</mark> <mark>strasse</mark>.");
    assert_snippet("OEUVRE fichier",
                   "Une <mark>Œuvre</mark>, une <mark>oeuvrette</mark> et des <mark>œuvres</mark>. "
                   "Le <mark>ﬁchier</mark> <mark>FICHIERS</mark> fichu ; le format ＪＳＯＮ, json "
                   "et Jsonnet. L&#39;ÉLÈVE, l&#39;élève et les élèves élevés. Les FONCTIONS, une "
                   "fonction, fonctionnel. Straße STRASSE strasse.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippets_of_folded_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
