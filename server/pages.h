/* Server-side HTML pages: our markup, our CSS, no script. Every string that did not come from
 * us is escaped (server/escape.h); snippets (HTML from indexer/search.h) are re-filtered so
 * that only <mark> and </mark> survive as markup.
 *
 * Each function appends one whole document to out (a capped buffer) and fails only with
 * buf_append's status; on failure out holds a partial page the caller discards. */
#ifndef CHOUETTE_SERVER_PAGES_H
#define CHOUETTE_SERVER_PAGES_H

#include "common/buf.h"
#include "indexer/search.h"
#include "server/query_check.h"
#include "server/server.h"

/* The home page for q's mode, lock and language. */
ch_status srv_page_home(buf_t *out, const srv_server *s, const srv_query *q);

/* Results of q (r holds them; r->n_results == 0 gives the no-results page). v may carry help
 * resources shown above the results. */
ch_status srv_page_results(buf_t *out, const srv_server *s, const srv_query *q,
                           const srv_query_verdict *v, const idx_results *r);

/* The kind page for a query the checker blocked. */
ch_status srv_page_blocked(buf_t *out, const srv_server *s, const srv_query *q,
                           const srv_query_verdict *v);

/* An error page: title, the message of i18n key (with {1} = arg, escaped) and a way home. q
 * gives mode and language (NULL: web, French). */
ch_status srv_page_error(buf_t *out, const srv_server *s, const srv_query *q, const char *key,
                         const char *arg);

/* Public statistics as HTML. */
ch_status srv_page_stats(buf_t *out, const srv_server *s, const srv_query *q,
                         unsigned long doc_count, const char *index_date, time_t now);

/* Append snippet HTML to out keeping only <mark> and </mark> as markup: any other '<' or '>'
 * is escaped, and control bytes are dropped. */
ch_status srv_snippet_filter(buf_t *out, const char *snippet);

/* Append the URL of a search page for q with q->q replaced by query and page replaced by page
 * (0: first page, no page= parameter), already escaped for an attribute value. lang is the
 * index of the language to carry (-1: as q says). */
ch_status srv_search_url(buf_t *out, const srv_query *q, const char *query, unsigned page,
                         int lang);

#endif
