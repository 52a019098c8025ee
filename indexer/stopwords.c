/* The English stop word list of the Snowball project (https://snowballstem.org/, BSD licence),
 * without its contractions: what Omega and most engines leave out of an English query. French
 * function words are not in it: leaving them out too was judged on a blind query set and lost
 * French pages that their "des", "une", "d'" told from their neighbours (docs/PERFORMANCE.md,
 * MRR run K). A French word that is also an English one ("a" for "à", "on") is left out too. */
#include "indexer/stopwords.h"

#include <stdlib.h>
#include <string.h>

static const char *const stopwords[] = {
    "a",      "about",    "above",      "after",      "again",   "against", "all",     "am",
    "an",     "and",      "any",        "are",        "as",      "at",      "be",      "because",
    "been",   "before",   "being",      "below",      "between", "both",    "but",     "by",
    "could",  "did",      "do",         "does",       "doing",   "down",    "during",  "each",
    "few",    "for",      "from",       "further",    "had",     "has",     "have",    "having",
    "he",     "her",      "here",       "hers",       "herself", "him",     "himself", "his",
    "how",    "i",        "if",         "in",         "into",    "is",      "it",      "its",
    "itself", "me",       "more",       "most",       "my",      "myself",  "no",      "nor",
    "not",    "of",       "off",        "on",         "once",    "only",    "or",      "other",
    "ought",  "our",      "ours",       "ourselves",  "out",     "over",    "own",     "same",
    "she",    "should",   "so",         "some",       "such",    "than",    "that",    "the",
    "their",  "theirs",   "them",       "themselves", "then",    "there",   "these",   "they",
    "this",   "those",    "through",    "to",         "too",     "under",   "until",   "up",
    "very",   "was",      "we",         "were",       "what",    "when",    "where",   "which",
    "while",  "who",      "whom",       "why",        "with",    "would",   "you",     "your",
    "yours",  "yourself", "yourselves",
};

typedef struct {
    const char *w;
    size_t len;
} word_ref;

static int cmp_word(const void *key, const void *elem)
{
    const word_ref *k = key;
    const char *e = *(const char *const *)elem;
    int c = strncmp(k->w, e, k->len);
    return c ? c : (e[k->len] ? -1 : 0);
}

bool idx_is_stopword(const char *w, size_t len)
{
    word_ref k = {w, len};
    return len && bsearch(&k, stopwords, sizeof stopwords / sizeof *stopwords, sizeof *stopwords,
                          cmp_word) != NULL;
}
