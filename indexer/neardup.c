/* Near-duplicate sketches. See neardup.h. */
#include "indexer/neardup.h"

#include <stdint.h>
#include <string.h>

#include "common/text.h"

#define SKETCH_VERSION 'S' /* 8-bit bins */
#define BIN_EMPTY 0xFFu

_Static_assert(IDX_SKETCH_BINS == 32, "idx_sketch takes the bin from the hash's top 5 bits");

/* SplitMix64's finaliser: every input bit moves every output bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t word_hash(const char *w, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)w[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

size_t idx_sketch(const char *text, size_t len, const char *lang,
                  unsigned char out[IDX_SKETCH_BYTES])
{
    uint32_t mins[IDX_SKETCH_BINS] = {0};
    bool filled[IDX_SKETCH_BINS] = {false};
    uint64_t last[IDX_SHINGLE_WORDS] = {0}; /* hashes of the last words, newest at [n % 4] */
    size_t words = 0, shingles = 0;
    text_words it;
    size_t ws, wl;
    if (!text) {
        text = "";
        len = 0;
    }
    text_words_init(&it, text, len);
    while (text_next_word(&it, &ws, &wl)) {
        last[words++ % IDX_SHINGLE_WORDS] = word_hash(text + ws, wl);
        if (words < IDX_SHINGLE_WORDS)
            continue;
        uint64_t h = 0; /* the last IDX_SHINGLE_WORDS words, oldest first: order counts */
        for (size_t k = 0; k < IDX_SHINGLE_WORDS; k++)
            h ^= rotl(last[(words + k) % IDX_SHINGLE_WORDS], (unsigned)(k * 16 + 1));
        h = mix64(h);
        size_t bin = (size_t)(h >> 59); /* the top 5 bits: one of 32 bins */
        uint32_t v = (uint32_t)h;
        if (!filled[bin] || v < mins[bin])
            mins[bin] = v;
        filled[bin] = true;
        shingles++;
    }
    if (shingles < IDX_SKETCH_MIN_SHINGLES)
        return 0;
    memset(out, 0, IDX_SKETCH_BYTES);
    out[0] = SKETCH_VERSION;
    if (lang)
        memcpy(out + 1, lang, strnlen(lang, IDX_SKETCH_LANG_BYTES));
    /* b-bit minwise hashing: the low 8 bits of each 32-bit minimum (the minimum's own value
     * leans to 0 as the text grows; its low bits do not) */
    unsigned char *p = out + 1 + IDX_SKETCH_LANG_BYTES;
    for (size_t b = 0; b < IDX_SKETCH_BINS; b++) {
        unsigned char low = (unsigned char)mins[b];
        p[b] = !filled[b] ? BIN_EMPTY : low == BIN_EMPTY ? BIN_EMPTY - 1 : low;
    }
    return IDX_SKETCH_BYTES;
}

static bool is_sketch(const unsigned char *s, size_t len)
{
    return s && len == IDX_SKETCH_BYTES && s[0] == SKETCH_VERSION;
}

double idx_sketch_similarity(const void *a, size_t alen, const void *b, size_t blen)
{
    const unsigned char *x = a, *y = b;
    if (!is_sketch(x, alen) || !is_sketch(y, blen) ||
        memcmp(x + 1, y + 1, IDX_SKETCH_LANG_BYTES) != 0)
        return -1;
    x += 1 + IDX_SKETCH_LANG_BYTES;
    y += 1 + IDX_SKETCH_LANG_BYTES;
    size_t filled = 0, equal = 0;
    for (size_t i = 0; i < IDX_SKETCH_BINS; i++) {
        if (x[i] == BIN_EMPTY && y[i] == BIN_EMPTY)
            continue;
        filled++;
        equal += x[i] == y[i];
    }
    return filled ? (double)equal / (double)filled : -1;
}

bool idx_sketch_near_duplicates(const void *a, size_t alen, const void *b, size_t blen)
{
    return idx_sketch_similarity(a, alen, b, blen) >= IDX_NEARDUP_MIN_SIMILARITY;
}
