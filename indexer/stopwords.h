/* Stop words: the English function words ("the", "of", "for") that a query does not require a
 * page to contain. A user who describes a page writes them ("package for launching parallel
 * tasks"), and the page often says the same thing without one of them. search.c leaves them out
 * of what a page must contain and of the text's weights, and keeps them where they help: in
 * phrases and in the title prior ("The Python Tutorial"). */
#ifndef CHOUETTE_STOPWORDS_H
#define CHOUETTE_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether w[0..len), a word folded like the index (idx_fold: lower case, no accents), is a stop
 * word. */
bool idx_is_stopword(const char *w, size_t len);

#endif
