#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "indexer/neardup.h"

#define WORDS 600u

/* A text of n words drawn from a 2,000-word vocabulary by a seeded LCG (deterministic), in the
 * order drawn or reversed. */
static char *words_text(unsigned seed, size_t n, bool reversed)
{
    unsigned *ids = calloc(n ? n : 1, sizeof *ids);
    assert_non_null(ids);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        ids[i] = (x >> 8) % 2000;
    }
    buf_t b;
    buf_init(&b, n * 8 + 1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(buf_appendf(&b, "w%u ", ids[reversed ? n - 1 - i : i]), CH_OK);
    free(ids);
    char *t = buf_steal(&b, NULL);
    assert_non_null(t);
    return t;
}

static char *random_text(unsigned seed, size_t n)
{
    return words_text(seed, n, false);
}

static size_t sketch(const char *text, const char *lang, unsigned char out[IDX_SKETCH_BYTES])
{
    return idx_sketch(text, strlen(text), lang, out);
}

static void test_identical_and_one_word_changed(void **state)
{
    (void)state;
    char *t = random_text(1, WORDS);
    unsigned char a[IDX_SKETCH_BYTES], b[IDX_SKETCH_BYTES];
    assert_int_equal(sketch(t, "fr", a), IDX_SKETCH_BYTES);
    assert_int_equal(sketch(t, "fr", b), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_similarity(a, sizeof a, b, sizeof b) == 1.0);
    assert_true(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    /* One word of 600 replaced (4 shingles of 597 change): still a near-duplicate. */
    memcpy(strstr(t, " ") + 1, "zz", 2);
    assert_int_equal(sketch(t, "fr", b), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_similarity(a, sizeof a, b, sizeof b) >= 0.9);
    assert_true(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    free(t);
}

static void test_different_and_half_shared_texts(void **state)
{
    (void)state;
    char *t1 = random_text(1, WORDS), *t2 = random_text(2, WORDS);
    unsigned char a[IDX_SKETCH_BYTES], b[IDX_SKETCH_BYTES];
    assert_int_equal(sketch(t1, "en", a), IDX_SKETCH_BYTES);
    assert_int_equal(sketch(t2, "en", b), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_similarity(a, sizeof a, b, sizeof b) < 0.2);
    assert_false(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    /* The first half of t1 and the second half of t2: about a third of the shingles shared
     * with t1 (J = 300 / 900), not a near-duplicate. */
    size_t half = strlen(t1) / 2;
    char *mix = malloc(strlen(t1) + strlen(t2) + 1);
    assert_non_null(mix);
    memcpy(mix, t1, half);
    memcpy(mix + half, t2 + strlen(t2) / 2, strlen(t2) - strlen(t2) / 2 + 1);
    assert_int_equal(sketch(mix, "en", b), IDX_SKETCH_BYTES);
    double s = idx_sketch_similarity(a, sizeof a, b, sizeof b);
    assert_true(s > 0.1 && s < 0.7);
    assert_false(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    free(mix);
    free(t1);
    free(t2);
}

/* Long texts fill every bin with many shingles: their minima lean to 0, so a sketch that kept
 * the minima's high bits would make any two long pages look alike. */
static void test_long_texts_differ(void **state)
{
    (void)state;
    char *t1 = random_text(6, 40000), *t2 = random_text(7, 40000);
    unsigned char a[IDX_SKETCH_BYTES], b[IDX_SKETCH_BYTES];
    assert_int_equal(sketch(t1, "en", a), IDX_SKETCH_BYTES);
    assert_int_equal(sketch(t2, "en", b), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_similarity(a, sizeof a, b, sizeof b) < 0.2);
    assert_int_equal(sketch(t2, "en", a), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_similarity(a, sizeof a, b, sizeof b) == 1.0);
    free(t1);
    free(t2);
}

/* The same words in another order are not the same text: shingles keep the word order. */
static void test_word_order_counts(void **state)
{
    (void)state;
    char *t = random_text(3, WORDS), *rev = words_text(3, WORDS, true);
    unsigned char a[IDX_SKETCH_BYTES], b[IDX_SKETCH_BYTES];
    assert_int_equal(sketch(t, "en", a), IDX_SKETCH_BYTES);
    assert_int_equal(sketch(rev, "en", b), IDX_SKETCH_BYTES);
    assert_false(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    free(rev);
    free(t);
}

/* A page and its translation with the same text are never near-duplicates of each other. */
static void test_languages_differ(void **state)
{
    (void)state;
    char *t = random_text(4, WORDS);
    unsigned char a[IDX_SKETCH_BYTES], b[IDX_SKETCH_BYTES], c[IDX_SKETCH_BYTES];
    assert_int_equal(sketch(t, "fr", a), IDX_SKETCH_BYTES);
    assert_int_equal(sketch(t, "en", b), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_similarity(a, sizeof a, b, sizeof b) < 0);
    assert_false(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    /* Unknown languages ("" and NULL alike) compare with each other. */
    assert_int_equal(sketch(t, "", b), IDX_SKETCH_BYTES);
    assert_int_equal(sketch(t, NULL, c), IDX_SKETCH_BYTES);
    assert_true(idx_sketch_near_duplicates(b, sizeof b, c, sizeof c));
    free(t);
}

/* Short texts get no sketch; what is not a sketch compares with nothing. */
static void test_short_and_bad_input(void **state)
{
    (void)state;
    unsigned char a[IDX_SKETCH_BYTES], b[IDX_SKETCH_BYTES];
    char *shortt = random_text(5, IDX_SKETCH_MIN_SHINGLES + IDX_SHINGLE_WORDS - 2);
    assert_int_equal(sketch(shortt, "fr", a), 0);
    assert_int_equal(idx_sketch(NULL, 0, "fr", a), 0);
    assert_int_equal(idx_sketch("", 0, "fr", a), 0);
    char *t = random_text(5, WORDS);
    assert_int_equal(sketch(t, "fr", a), IDX_SKETCH_BYTES);
    memcpy(b, a, sizeof b);
    assert_true(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    assert_true(idx_sketch_similarity(a, sizeof a, b, 0) < 0);  /* no value: old index */
    assert_true(idx_sketch_similarity(a, sizeof a, b, 10) < 0); /* wrong size */
    assert_true(idx_sketch_similarity(NULL, 0, NULL, 0) < 0);
    b[0] = 'X'; /* another version */
    assert_false(idx_sketch_near_duplicates(a, sizeof a, b, sizeof b));
    free(shortt);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_and_one_word_changed),
        cmocka_unit_test(test_different_and_half_shared_texts),
        cmocka_unit_test(test_long_texts_differ),
        cmocka_unit_test(test_word_order_counts),
        cmocka_unit_test(test_languages_differ),
        cmocka_unit_test(test_short_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
