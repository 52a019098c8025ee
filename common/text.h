/* UTF-8 and text folding for matching: validation and repair, a decoding iterator, folding
 * (lowercase + diacritics removed, by table, no ICU), a word tokenizer with byte offsets,
 * leetspeak normalisation and collapse of repeated letters.
 *
 * Invalid UTF-8 policy (everywhere in this module): each maximal invalid subpart of a sequence
 * (Unicode 15, section 3.9, "U+FFFD substitution of maximal subparts") is REPLACED by one
 * U+FFFD, never dropped: overlong forms, surrogates, code points past U+10FFFF, stray
 * continuation bytes and truncated sequences all decode as U+FFFD. U+FFFD is not a word
 * character, so it splits words.
 *
 * All functions are pure: no global state, safe from any number of threads. */
#ifndef CHOUETTE_TEXT_H
#define CHOUETTE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"

#define TEXT_REPLACEMENT_CHAR 0xFFFDu

/* Decode the code point at s[*pos] (s holds len bytes, *pos < len) and advance *pos past it.
 * Invalid input yields TEXT_REPLACEMENT_CHAR and advances past the maximal invalid subpart
 * (at least one byte), so a loop `while (pos < len) text_utf8_next(...)` always ends. */
uint32_t text_utf8_next(const char *s, size_t len, size_t *pos);

/* Encode cp (<= 0x10FFFF, not a surrogate; anything else encodes U+FFFD) into out.
 * Returns the number of bytes written (1 to 4). */
size_t text_utf8_encode(uint32_t cp, char out[4]);

/* True when the len bytes at s are well-formed UTF-8 (a NUL byte is valid U+0000). */
bool text_utf8_valid(const char *s, size_t len);

/* Append to out a well-formed copy of the len bytes at s, each invalid subpart replaced by
 * U+FFFD. Fails with buf_append's status (CH_ERR_LIMIT at out's cap); out may then hold a
 * partial result, which the caller should discard. */
ch_status text_utf8_repair(const char *s, size_t len, buf_t *out);

/* Append to out the folded form of one code point: lowercase, diacritics removed (é -> e,
 * ß -> ss, œ -> oe, Æ -> ae, fullwidth Ａ -> a, Greek and Cyrillic lowercased, final sigma
 * -> sigma, ё -> е), typographic apostrophes -> ', no-break spaces -> space, combining marks,
 * soft hyphens and zero-width characters dropped. Code points without a rule pass unchanged. */
ch_status text_fold_cp(uint32_t cp, buf_t *out);

/* The same fold written into out (no NUL); returns the byte count, 0 when cp folds to nothing.
 * For hot loops that should not touch a buf_t per character. */
#define TEXT_FOLD_CP_MAX 8
size_t text_fold_cp_to(uint32_t cp, char out[TEXT_FOLD_CP_MAX]);

/* Append to out the folded UTF-8 form of the len bytes at in (see text_fold_cp; invalid UTF-8
 * becomes U+FFFD). On failure (CH_ERR_LIMIT at out's cap, CH_ERR_NOMEM) out may hold a partial
 * result, which the caller should discard. */
ch_status text_fold(const char *in, size_t len, buf_t *out);

/* The same fold as text_fold, written into out, which holds cap bytes (no NUL). Returns the
 * folded length, or SIZE_MAX when it does not fit in cap bytes (out then holds a partial result).
 * Plain ASCII is lowercased byte by byte; no buf_t, no allocation: for hot loops over short
 * words, such as snippets. */
size_t text_fold_to(const char *in, size_t len, char *out, size_t cap);

/* True when cp belongs inside a word: ASCII letters and digits, and non-ASCII letters, digits
 * and combining marks (by block ranges: punctuation, symbols, spaces, emoji, private use and
 * U+FFFD are not word characters). Apostrophes and hyphens are not word characters. */
bool text_is_word_cp(uint32_t cp);

/* Word iterator over a text: words are maximal runs of word characters (text_is_word_cp), so
 * "l'école" gives "l" then "école" (fold each word, or the whole text first, for matching).
 * The iterator only points into the caller's text, which must outlive it. */
typedef struct {
    const char *text;
    size_t len;
    size_t pos;
} text_words;

/* Start iterating over the len bytes at text. */
void text_words_init(text_words *it, const char *text, size_t len);

/* Find the next word: sets *start (byte offset in the text) and *wlen (bytes) and returns
 * true; returns false at the end of the text (then *start and *wlen are left alone). */
bool text_next_word(text_words *it, size_t *start, size_t *wlen);

/* Append to out the len bytes at in with leetspeak undone, for query checking: inside each run
 * of ASCII letters, digits and the symbols @ $ that holds at least one ASCII letter,
 * 0->o 1->i 3->e 4->a 5->s 7->t @->a $->s ("p0rn" -> "porn", "s3x" -> "sex"). Runs without a
 * letter ("2024", "5 $") are copied as they are. Other bytes are copied unchanged. Fails only
 * with buf_append's status. */
ch_status text_unleet(const char *in, size_t len, buf_t *out);

/* Append to out the UTF-8 text at in with every run of more than max_run identical letters
 * (text_is_word_cp, not digits) cut to max_run ("pooorn" -> "porn" with max_run 1,
 * "pooorn" -> "poorn" with 2). max_run 0 is taken as 1. Invalid UTF-8 becomes U+FFFD. */
ch_status text_collapse_repeats(const char *in, size_t len, size_t max_run, buf_t *out);

#endif
