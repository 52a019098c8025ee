/* THE hook where School and Junior queries are checked before searching. Today it answers
 * "allowed" for every query: the query checker of filters/ (explicit queries blocked with a
 * kind message, sensitive topics answered with help resources) has not landed yet. When it
 * does, srv_check_query() in query_check.c is the one place to call it; the pages already
 * show a blocked message and help resources from this verdict. */
#ifndef CHOUETTE_SERVER_QUERY_CHECK_H
#define CHOUETTE_SERVER_QUERY_CHECK_H

#include <stddef.h>

#include "common/status.h"

typedef enum {
    SRV_QUERY_ALLOWED = 0, /* search as asked */
    SRV_QUERY_BLOCKED,     /* do not search; show the kind message */
    SRV_QUERY_HELP,        /* search, and show help resources above the results */
} srv_query_kind;

#define SRV_QUERY_MAX_HELP 4

typedef struct {
    srv_query_kind kind;
    const char *message; /* a child-friendly message, or NULL for the page language's default */
    const char *help[SRV_QUERY_MAX_HELP]; /* help resources, plain text ("3020 : Non au ...") */
    size_t n_help;
} srv_query_verdict;

/* Check query (UTF-8, already repaired) for mode (flt_mode) in language lang ("fr", "en").
 * Fills *out (strings are static or owned by the checker, valid for the process). Never
 * blocks in web mode. CH_OK; any failure of the checker is reported as a status and the caller
 * answers 500 rather than searching unchecked. */
ch_status srv_check_query(const char *query, int mode, const char *lang, srv_query_verdict *out);

#endif
