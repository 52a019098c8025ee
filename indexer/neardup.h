/* Near-duplicate pages: a sketch of a page's text, small enough to keep in a value slot, and
 * the test of two sketches.
 *
 * The sketch is a one-permutation MinHash of the text's shingles (runs of IDX_SHINGLE_WORDS
 * words): each shingle is hashed once, the hash picks one of IDX_SKETCH_BINS bins and the bin
 * keeps the smallest 32-bit remainder it sees, of which the sketch stores the low 8 bits (b-bit
 * minwise hashing: two unequal bins agree by chance 1 time in 256, which moves the estimate by
 * less than a point). Two texts whose shingle sets overlap by a Jaccard similarity J agree on
 * about J of the bins that either fills, so the share of equal bins estimates J without keeping
 * the shingles. The search compares the sketches of its
 * candidates at query time (search.c), so near-duplicates are found across index runs and
 * shards alike, with no clustering pass.
 *
 * The sketch starts with the page's language: a page and its translation that left some
 * sections untranslated can share most of their text, and a reader wants the one in their
 * language, so pages of different languages are never near-duplicates. Texts of fewer than
 * IDX_SKETCH_MIN_SHINGLES shingles get no sketch (identical content is still collapsed by its
 * hash): a few sentences in common say little. */
#ifndef CHOUETTE_NEARDUP_H
#define CHOUETTE_NEARDUP_H

#include <stdbool.h>
#include <stddef.h>

#define IDX_SHINGLE_WORDS 4u
#define IDX_SKETCH_BINS 32u
#define IDX_SKETCH_MIN_SHINGLES 64u
#define IDX_SKETCH_LANG_BYTES 3u /* language code, NUL-padded ("fr\0") */
#define IDX_SKETCH_BYTES (1u + IDX_SKETCH_LANG_BYTES + IDX_SKETCH_BINS)
#define IDX_NEARDUP_MIN_SIMILARITY 0.85 /* estimated Jaccard similarity of the shingles */

/* The sketch of `text[0..len)` (folded: idx_fold) for a page in language `lang` ("" or NULL:
 * unknown) into out[0..IDX_SKETCH_BYTES). Returns the number of bytes written: IDX_SKETCH_BYTES,
 * or 0 when the text is too short to have a sketch. */
size_t idx_sketch(const char *text, size_t len, const char *lang,
                  unsigned char out[IDX_SKETCH_BYTES]);

/* The estimated Jaccard similarity in [0, 1] of the shingles of the pages of two sketches, or
 * -1 when they cannot be compared: either is not a sketch (empty, wrong size or version, as in
 * an index written before sketches), or their languages differ. */
double idx_sketch_similarity(const void *a, size_t alen, const void *b, size_t blen);

/* Whether two sketches are of near-duplicate pages: similarity >= IDX_NEARDUP_MIN_SIMILARITY. */
bool idx_sketch_near_duplicates(const void *a, size_t alen, const void *b, size_t blen);

#endif
