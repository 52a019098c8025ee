/* The stop word lists of the Snowball project (https://snowballstem.org/, BSD licence: English
 * without its contractions, and French), folded like the index (idx_fold) and merged into one
 * sorted list: a query is often in either language, and a French word that is an English stop
 * word or the other way round ("as", "on") only becomes optional. Of the French elisions, only
 * "d" and "l" are kept ("d'une", "l'image"): "c" is a language ("c api"), and "j", "m", "n",
 * "s", "t" are rare in queries and as likely to mean a letter. */
#include "indexer/stopwords.h"

#include <stdlib.h>
#include <string.h>

static const char *const stopwords[] = {
    "a",          "about",   "above",    "after",    "again",   "against", "ai",       "aie",
    "aient",      "aies",    "ait",      "all",      "am",      "an",      "and",      "any",
    "are",        "as",      "at",       "au",       "aura",    "aurai",   "auraient", "aurais",
    "aurait",     "auras",   "aurez",    "auriez",   "aurions", "aurons",  "auront",   "aux",
    "avaient",    "avais",   "avait",    "avec",     "avez",    "aviez",   "avions",   "avons",
    "ayant",      "ayante",  "ayantes",  "ayants",   "ayez",    "ayons",   "be",       "because",
    "been",       "before",  "being",    "below",    "between", "both",    "but",      "by",
    "ce",         "ces",     "could",    "d",        "dans",    "de",      "des",      "did",
    "do",         "does",    "doing",    "down",     "du",      "during",  "each",     "elle",
    "en",         "es",      "est",      "et",       "etaient", "etais",   "etait",    "etant",
    "etante",     "etantes", "etants",   "ete",      "etee",    "etees",   "etes",     "etiez",
    "etions",     "eu",      "eue",      "eues",     "eumes",   "eurent",  "eus",      "eusse",
    "eussent",    "eusses",  "eussiez",  "eussions", "eut",     "eutes",   "eux",      "few",
    "for",        "from",    "fumes",    "furent",   "further", "fus",     "fusse",    "fussent",
    "fusses",     "fussiez", "fussions", "fut",      "futes",   "had",     "has",      "have",
    "having",     "he",      "her",      "here",     "hers",    "herself", "him",      "himself",
    "his",        "how",     "i",        "if",       "il",      "in",      "into",     "is",
    "it",         "its",     "itself",   "je",       "l",       "la",      "le",       "leur",
    "lui",        "ma",      "mais",     "me",       "meme",    "mes",     "moi",      "mon",
    "more",       "most",    "my",       "myself",   "ne",      "no",      "nor",      "nos",
    "not",        "notre",   "nous",     "of",       "off",     "on",      "once",     "only",
    "ont",        "or",      "other",    "ou",       "ought",   "our",     "ours",     "ourselves",
    "out",        "over",    "own",      "par",      "pas",     "pour",    "qu",       "que",
    "qui",        "sa",      "same",     "se",       "sera",    "serai",   "seraient", "serais",
    "serait",     "seras",   "serez",    "seriez",   "serions", "serons",  "seront",   "ses",
    "she",        "should",  "so",       "soient",   "sois",    "soit",    "some",     "sommes",
    "son",        "sont",    "soyez",    "soyons",   "such",    "suis",    "sur",      "ta",
    "te",         "tes",     "than",     "that",     "the",     "their",   "theirs",   "them",
    "themselves", "then",    "there",    "these",    "they",    "this",    "those",    "through",
    "to",         "toi",     "ton",      "too",      "tu",      "un",      "under",    "une",
    "until",      "up",      "very",     "vos",      "votre",   "vous",    "was",      "we",
    "were",       "what",    "when",     "where",    "which",   "while",   "who",      "whom",
    "why",        "with",    "would",    "y",        "you",     "your",    "yours",    "yourself",
    "yourselves",
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
