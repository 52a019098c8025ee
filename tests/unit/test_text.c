#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

/* Fold a C string into a fresh buffer and compare with the expected result. */
static void assert_fold(const char *in, const char *expected)
{
    buf_t b;
    buf_init(&b, 4096);
    assert_int_equal(text_fold(in, strlen(in), &b), CH_OK);
    assert_string_equal(buf_str(&b), expected);
    buf_free(&b);
}

static void test_fold_french_accents(void **state)
{
    (void)state;
    assert_fold("é è ê ë à â ç œ æ ß ï î ô ö ù û ü ÿ ñ",
                "e e e e a a c oe ae ss i i o o u u u y n");
    assert_fold("ÉCOLE", "ecole");
    assert_fold("Œuvre Ÿ Æ", "oeuvre y ae");
    assert_fold("Pornographie", "pornographie");
    assert_fold("Hello, World 123!", "hello, world 123!");
}

static void test_fold_latin_extended_a(void **state)
{
    (void)state;
    /* One letter from each family of the Latin Extended-A table, upper and lower case. */
    assert_fold("ĀāĆčĎđĚěĞģĤħĨıĲĳĴĸĹłŃňŊŌőŒœŘřŠšŢŧŨųŴŷŸŹžſ",
                "aaccddeegghhiiijijjkllnnnoooeoerrssttuuwyyzzs");
    assert_fold("Łódź Škoda Øresund Þór", "lodz skoda oresund thor");
}

static void test_fold_greek_cyrillic_fullwidth(void **state)
{
    (void)state;
    assert_fold("ΑΘΗΝΑ Ελλάς", "αθηνα ελλασ");
    assert_fold("МОСКВА Ёлка", "москва елка");
    assert_fold("ＡＢＣ１２３ｄ", "abc123d");
    assert_fold("ﬁne", "fine");
    /* Decomposed accents (NFD) fold like the composed ones. */
    assert_fold("e\xCC\x81"
                "cole",
                "ecole");
    assert_fold("l\xE2\x80\x99"
                "école",
                "l'ecole");
    assert_fold("a\xC2\xA0"
                "b",
                "a b");
}

static void test_utf8_decode_and_invalid(void **state)
{
    (void)state;
    const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    size_t pos = 0, len = strlen(s);
    assert_int_equal(text_utf8_next(s, len, &pos), 'a');
    assert_int_equal(text_utf8_next(s, len, &pos), 0xE9);
    assert_int_equal(text_utf8_next(s, len, &pos), 0x20AC);
    assert_int_equal(text_utf8_next(s, len, &pos), 0x1F600);
    assert_int_equal(pos, len);
    assert_true(text_utf8_valid(s, len));

    /* Overlong, surrogate, stray continuation, truncated, too large. */
    const char *bad[] = {"\xC0\xAF", "\xED\xA0\x80",     "\x80",
                         "\xE2\x82", "\xF4\x90\x80\x80", "\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(text_utf8_valid(bad[i], strlen(bad[i])));
    /* A genuine U+FFFD is valid. */
    assert_true(text_utf8_valid("\xEF\xBF\xBD", 3));
    /* Inside ASCII text, at every offset (ASCII is skipped eight bytes at a time): a bad byte
     * or a cut sequence is found, a good sequence passes, and the length is obeyed. */
    for (size_t at = 0; at < 24; at++) {
        char t[32];
        memset(t, 'a', sizeof t);
        t[at] = '\xFF';
        assert_false(text_utf8_valid(t, 24));
        assert_true(text_utf8_valid(t, at)); /* the bad byte just past the end */
        memcpy(t + at, "\xC3\xA9", 2);
        assert_true(text_utf8_valid(t, 25));
        assert_false(text_utf8_valid(t, at + 1)); /* cut after the lead byte */
        t[at + 1] = 'a'; /* a lead byte without its continuation */
        assert_false(text_utf8_valid(t, 25));
    }

    /* Repair replaces each maximal invalid subpart with one U+FFFD. */
    buf_t b;
    buf_init(&b, 256);
    const char *mixed = "ok\xE2\x82!\xC3\xA9\x80z";
    assert_int_equal(text_utf8_repair(mixed, strlen(mixed), &b), CH_OK);
    assert_string_equal(buf_str(&b), "ok\xEF\xBF\xBD!\xC3\xA9\xEF\xBF\xBDz");
    assert_true(text_utf8_valid(b.data, b.len));
    buf_reset(&b);
    /* Surrogate encoded in 3 bytes: ED is a lead whose next byte A0 is out of range. */
    assert_int_equal(text_utf8_repair("\xED\xA0\x80", 3, &b), CH_OK);
    assert_string_equal(buf_str(&b), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    buf_reset(&b);
    /* Folding invalid input also yields U+FFFD (never drops, never crashes). */
    assert_int_equal(text_fold("A\xFF"
                               "B",
                               3, &b),
                     CH_OK);
    assert_string_equal(buf_str(&b), "a\xEF\xBF\xBD"
                                     "b");
    buf_free(&b);
}

static void test_fold_respects_cap(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 3);
    assert_int_equal(text_fold("ßßß", strlen("ßßß"), &b), CH_ERR_LIMIT);
    assert_true(b.len <= 3);
    buf_free(&b);
}

/* Collect the words of a text, joined by '|'. */
static void words_of(const char *text, char *out, size_t cap)
{
    text_words it;
    size_t start, wlen, used = 0;
    out[0] = '\0';
    text_words_init(&it, text, strlen(text));
    while (text_next_word(&it, &start, &wlen)) {
        assert_true(used + wlen + 2 < cap);
        if (used)
            out[used++] = '|';
        memcpy(out + used, text + start, wlen);
        used += wlen;
        out[used] = '\0';
    }
}

static void test_tokenizer_words_and_offsets(void **state)
{
    (void)state;
    char w[256];
    words_of("Hello, world! mp3 2024", w, sizeof w);
    assert_string_equal(w, "Hello|world|mp3|2024");
    words_of("l'école d’été", w, sizeof w);
    assert_string_equal(w, "l|école|d|été");
    words_of("", w, sizeof w);
    assert_string_equal(w, "");
    words_of("  ...  ", w, sizeof w);
    assert_string_equal(w, "");
    words_of("Москва—Ελλάς 東京", w, sizeof w);
    assert_string_equal(w, "Москва|Ελλάς|東京");
    words_of("bad\xFFsplit", w, sizeof w);
    assert_string_equal(w, "bad|split");

    /* Offsets are byte offsets in the original text. */
    const char *t = "Là, l'ÉCOLE";
    text_words it;
    size_t start, wlen;
    text_words_init(&it, t, strlen(t));
    assert_true(text_next_word(&it, &start, &wlen));
    assert_int_equal(start, 0);
    assert_int_equal(wlen, 3); /* "Là" is 3 bytes */
    assert_true(text_next_word(&it, &start, &wlen));
    assert_int_equal(start, 5);
    assert_int_equal(wlen, 1);
    assert_true(text_next_word(&it, &start, &wlen));
    assert_int_equal(start, 7);
    assert_int_equal(wlen, strlen("ÉCOLE"));
    assert_false(text_next_word(&it, &start, &wlen));

    /* Fold then tokenize: "l'école" -> "l", "ecole". */
    buf_t b;
    buf_init(&b, 256);
    assert_int_equal(text_fold("L'ÉCOLE", strlen("L'ÉCOLE"), &b), CH_OK);
    words_of(buf_str(&b), w, sizeof w);
    assert_string_equal(w, "l|ecole");
    buf_free(&b);
}

/* Pieces that texts are made of in the comparisons below: ASCII letters of both cases, digits,
 * punctuation, accented and other letters, a ligature, fullwidth letters, a combining accent,
 * zero-width and no-break characters, and invalid UTF-8 (a stray continuation byte, a
 * truncated sequence, a byte never valid). */
static const char *const pieces[] = {
    "a",
    "Z",
    "q",
    "7",
    " ",
    ",",
    "'",
    "-",
    "é",
    "É",
    "ß",
    "Œ",
    "ﬁ",
    "Ｊ",
    "ｓ",
    "\xCC\x81",
    "\xE2\x80\x8D",
    "\xC2\xA0",
    "Ω",
    "ж",
    "東",
    "😀",
    "\x80",
    "\xE2\x82",
    "\xFF",
    "İ",
    "ǅ",
    "\t",
    "Ǆ",
    "ʼ",
};
#define N_PIECES (sizeof pieces / sizeof *pieces)

/* A deterministic pseudo-random text of n pieces (xorshift32 from *seed). */
static size_t random_text(uint32_t *seed, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 17;
        *seed ^= *seed << 5;
        const char *p = pieces[*seed % N_PIECES];
        size_t pl = strlen(p);
        assert_true(len + pl < cap);
        memcpy(out + len, p, pl);
        len += pl;
    }
    out[len] = '\0';
    return len;
}

/* text_fold_to (the snippets' fold into a fixed array) against text_fold, on given words and
 * on random texts; then its cap: exactly enough room succeeds, one byte less fails. */
static void assert_fold_to_same(const char *in, size_t len)
{
    buf_t b;
    buf_init(&b, 4096);
    assert_int_equal(text_fold(in, len, &b), CH_OK);
    char out[4096];
    size_t n = text_fold_to(in, len, out, sizeof out);
    assert_int_equal(n, b.len);
    assert_memory_equal(out, buf_str(&b), n);
    assert_int_equal(text_fold_to(in, len, out, b.len), b.len);
    assert_memory_equal(out, buf_str(&b), n);
    if (b.len)
        assert_int_equal(text_fold_to(in, len, out, b.len - 1), SIZE_MAX);
    buf_free(&b);
}

static void test_fold_to_same_as_fold(void **state)
{
    (void)state;
    const char *words[] = {"",
                           "json",
                           "JSON",
                           "Json2Xml",
                           "négatifs",
                           "NÉGATIFS",
                           "Œuvre",
                           "straße",
                           "ﬁchier",
                           "ＪＳＯＮ",
                           "e\xCC\x81le\xCC\x80ve",
                           "ΕΛΛΆΣ",
                           "Москва",
                           "bad\xFF"
                           "byte",
                           "trunc\xE2\x82",
                           "ĲSSEL",
                           "Ærø",
                           "µs"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        assert_fold_to_same(words[i], strlen(words[i]));
    uint32_t seed = 2463534242u;
    char t[1024];
    for (int i = 0; i < 2000; i++) {
        size_t len = random_text(&seed, (size_t)i % 40, t, sizeof t);
        assert_fold_to_same(t, len);
    }
    char out[8];
    assert_int_equal(text_fold_to("ab", 2, out, 0), SIZE_MAX);
    assert_int_equal(text_fold_to("", 0, out, 0), 0);
}

/* The words of text_next_word (with its inline ASCII path) against the same loop written with
 * text_utf8_next and text_is_word_cp alone, on random texts. */
static void test_tokenizer_same_as_decoding_loop(void **state)
{
    (void)state;
    uint32_t seed = 88675123u;
    char t[1024];
    for (int i = 0; i < 2000; i++) {
        size_t len = random_text(&seed, (size_t)i % 50, t, sizeof t);
        text_words it;
        text_words_init(&it, t, len);
        size_t pos = 0, start, wlen;
        for (;;) {
            /* The reference: the next maximal run of word characters. */
            size_t rs = 0, re = 0;
            bool found = false;
            while (pos < len && !found) {
                size_t at = pos;
                if (!text_is_word_cp(text_utf8_next(t, len, &pos)))
                    continue;
                rs = at;
                re = pos;
                while (re < len) {
                    size_t next = re;
                    if (!text_is_word_cp(text_utf8_next(t, len, &next)))
                        break;
                    re = next;
                }
                pos = re;
                found = true;
            }
            bool got = text_next_word(&it, &start, &wlen);
            assert_int_equal(got, found);
            if (!found)
                break;
            assert_int_equal(start, rs);
            assert_int_equal(wlen, re - rs);
        }
    }
}

static void assert_unleet(const char *in, const char *expected)
{
    buf_t b;
    buf_init(&b, 256);
    assert_int_equal(text_unleet(in, strlen(in), &b), CH_OK);
    assert_string_equal(buf_str(&b), expected);
    buf_free(&b);
}

static void test_unleet(void **state)
{
    (void)state;
    assert_unleet("p0rn", "porn");
    assert_unleet("s3x", "sex");
    assert_unleet("pr0n h4rdc0r3", "pron hardcore");
    assert_unleet("@ $ 4 5", "@ $ 4 5"); /* no letter in the run: unchanged */
    assert_unleet("@ss", "ass");
    assert_unleet("$lut", "slut");
    assert_unleet("l1ck 7his", "lick this");
    assert_unleet("year 2024, 5 $", "year 2024, 5 $");
    assert_unleet("café 1", "café 1");
}

static void assert_collapse(const char *in, size_t max_run, const char *expected)
{
    buf_t b;
    buf_init(&b, 256);
    assert_int_equal(text_collapse_repeats(in, strlen(in), max_run, &b), CH_OK);
    assert_string_equal(buf_str(&b), expected);
    buf_free(&b);
}

static void test_collapse_repeats(void **state)
{
    (void)state;
    assert_collapse("pooorn", 1, "porn");
    assert_collapse("pooorn", 2, "poorn");
    assert_collapse("seeeexxxxy", 0, "sexy");
    assert_collapse("ééé 1000 !!!", 1, "é 1000 !!!");
    assert_collapse("", 1, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_french_accents),
        cmocka_unit_test(test_fold_latin_extended_a),
        cmocka_unit_test(test_fold_greek_cyrillic_fullwidth),
        cmocka_unit_test(test_utf8_decode_and_invalid),
        cmocka_unit_test(test_fold_respects_cap),
        cmocka_unit_test(test_tokenizer_words_and_offsets),
        cmocka_unit_test(test_fold_to_same_as_fold),
        cmocka_unit_test(test_tokenizer_same_as_decoding_loop),
        cmocka_unit_test(test_unleet),
        cmocka_unit_test(test_collapse_repeats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
