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

static void test_english_only(void **state)
{
    (void)state;
    const char *stop[] = {"a", "about", "the", "of", "for", "yourselves", "i", "very"};
    for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
        assert_true(is_stop(stop[i]));
    /* content words, French function words, unfolded forms */
    const char *content[] = {"zebra", "python", "c",    "de", "des", "une",
                             "dans",  "The",    "thee", "",   "zzz"};
    for (size_t i = 0; i < sizeof content / sizeof *content; i++)
        assert_false(is_stop(content[i]));
}

/* The length is the word's, not the string's: a prefix of a longer token is looked up alone. */
static void test_length_bounds(void **state)
{
    (void)state;
    assert_true(idx_is_stopword("the zebra", 3));
    assert_true(idx_is_stopword("theirs", 5)); /* "their" */
    assert_false(idx_is_stopword("thex", 4));
    assert_false(idx_is_stopword("the", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_only),
        cmocka_unit_test(test_length_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
