/* Unit tests of the stop word list (indexer/stopwords.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "indexer/stopwords.h"

static bool is_stop(const char *w)
{
    return idx_is_stopword(w, strlen(w));
}

static void test_french_and_english(void **state)
{
    (void)state;
    const char *stop[] = {"a", "de",  "des", "une",        "dans",  "etait", "meme", "d",
                          "l", "the", "of",  "yourselves", "about", "y",     "qu"};
    for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
        assert_true(is_stop(stop[i]));
    /* content words, the unfolded forms, and the letters kept as words ("c api") */
    const char *content[] = {"zebre", "nombres", "python", "c",   "s", "t",
                             "était", "The",     "dee",    "de-", "",  "zzz"};
    for (size_t i = 0; i < sizeof content / sizeof *content; i++)
        assert_false(is_stop(content[i]));
}

/* The length is the word's, not the string's: a prefix of a longer token is looked up alone. */
static void test_length_bounds(void **state)
{
    (void)state;
    assert_true(idx_is_stopword("dans le", 4));
    assert_true(idx_is_stopword("dans", 1)); /* "d" */
    assert_false(idx_is_stopword("dansx", 5));
    assert_false(idx_is_stopword("de", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_and_english),
        cmocka_unit_test(test_length_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
