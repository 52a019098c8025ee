/* The search API: what `chouette search` and the server call. The server never touches Xapian;
 * it goes through this header. Filters decide what each mode hides and which queries are
 * blocked; this module applies their decisions (categories are excluded with a boolean filter
 * on XC<category> terms, never a per-document callback).
 *
 * Threads: an idx_searcher is used by one thread at a time; the server opens one per worker. */
#ifndef CHOUETTE_SEARCH_H
#define CHOUETTE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/status.h"

#define IDX_MAX_QUERY_BYTES 2048u /* longer queries are refused with CH_ERR_LIMIT */
#define IDX_MAX_PER_PAGE 50u
#define IDX_MAX_PAGE 100u /* deeper pages are refused with CH_ERR_ARG */
/* Results from one host on a page; the rest is "more from this site". */
#define IDX_MAX_PER_SITE 2u

typedef struct idx_searcher idx_searcher;

typedef struct {
    const char *query;                    /* UTF-8 user query (site:, lang:, "phrases", -word) */
    const char *const *hidden_categories; /* category names this mode hides (e.g. "adult") */
    size_t n_hidden;
    const char *default_site; /* a site: scope added when the query has none (intranet); NULL */
    const char *required_category; /* only pages carrying XC<this> (e.g. "allowlist"); NULL */
    unsigned page;                 /* 1-based */
    unsigned per_page;             /* 1..IDX_MAX_PER_PAGE; 0 means 10 */
    double time_limit_s;           /* per query; 0 means the default (0.5 s) */
} idx_search_params;

typedef struct {
    unsigned rank; /* 1-based over the whole result list */
    char *url;
    char *title;             /* plain text (not escaped) */
    char *snippet;           /* HTML: escaped text, matched words in <mark>…</mark> */
    char *lang;              /* ISO 639-1 or "" */
    char *site;              /* host */
    unsigned more_from_site; /* further results from this host not shown on this page */
} idx_result;

typedef struct {
    unsigned long estimated_total;
    char *corrected_query; /* "did you mean" (from the index vocabulary) or NULL */
    idx_result *results;
    size_t n_results;
    bool has_next_page;
    bool degraded; /* a shard could not be reached: results are partial */
} idx_results;

/* Open a searcher on a database directory or a stub database file. On failure *out is NULL and
 * *errmsg (if not NULL) gets a malloc'd message naming the problem. */
ch_status idx_searcher_open(const char *db_path, idx_searcher **out, char **errmsg);

/* Follow the indexer's latest commit if there is one (cheap when nothing changed). */
ch_status idx_searcher_refresh(idx_searcher *s);

/* Run a search. *out is filled (free with idx_results_free()) or zeroed on failure.
 * CH_ERR_LIMIT: query too long; CH_ERR_ARG: bad page or per_page; CH_ERR_PARSE: the query could
 * not be understood even as plain words. */
ch_status idx_search(idx_searcher *s, const idx_search_params *p, idx_results *out);

void idx_results_free(idx_results *r);

/* For tests and debugging: the distinct parses of p->query that idx_search() ORs (one per
 * stemming language; parses that coincide are matched once), one line each, "COPIES<TAB>Xapian
 * query description", with AND between words, or OR when or_default. *out is malloc'd. The
 * query's errors are idx_search()'s (CH_ERR_LIMIT, CH_ERR_PARSE). */
ch_status idx_search_describe_parses(idx_searcher *s, const idx_search_params *p, bool or_default,
                                     char **out);

/* Up to `max` completions of `prefix` from the index's own vocabulary and titles (never from
 * other people's queries), skipping words that only occur in hidden categories. Each string and
 * the array are malloc'd; free with idx_strings_free(). */
ch_status idx_suggest(idx_searcher *s, const char *prefix, const char *const *hidden_categories,
                      size_t n_hidden, size_t max, char ***out, size_t *n);
void idx_strings_free(char **v, size_t n);

/* Aggregate facts for /stats: documents indexed and the date of the last index run
 * (ISO 8601, malloc'd, "" if unknown). */
ch_status idx_searcher_info(idx_searcher *s, unsigned long *doc_count, char **index_date);

/* The message of the last failure on this searcher ("" if none). */
const char *idx_searcher_error(const idx_searcher *s);

void idx_searcher_close(idx_searcher *s);

/* The search result JSON of ../shared/DESIGN.md, shared by the CLI and GET /api/search:
 * {"query","mode","page","estimated_total","blocked","message","corrected_query","results":[…]}.
 * `r` may be NULL for a blocked query (then results is []). Returns a malloc'd string or NULL. */
char *idx_results_json(const char *query, const char *mode, unsigned page, bool blocked,
                       const char *message, const idx_results *r);

#endif
