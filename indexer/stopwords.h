/* Stop words: the function words of French and English ("de", "une", "the", "of") that a query
 * does not require a page to contain. A user who describes a page writes them ("somme d'une
 * colonne dans un tableau"), and the page often says the same thing without one of them. search.c
 * leaves them out of what a page must contain and of the text's weights, and keeps them where
 * they help: in phrases and in the title prior ("Le projet Debian"). */
#ifndef CHOUETTE_STOPWORDS_H
#define CHOUETTE_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether w[0..len), a word folded like the index (idx_fold: lower case, no accents, an
 * apostrophe split off: "d'une" is "d" and "une"), is a French or English stop word. */
bool idx_is_stopword(const char *w, size_t len);

#endif
