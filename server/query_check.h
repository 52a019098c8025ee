/* Where School and Junior queries are checked before searching: the server's adapter over the
 * filters' query checker (filters/querycheck.h). Explicit queries are refused with a kind
 * message; sensitive topics are searched with help resources shown first. */
#ifndef CHOUETTE_SERVER_QUERY_CHECK_H
#define CHOUETTE_SERVER_QUERY_CHECK_H

#include <stddef.h>

#include "common/status.h"
#include "filters/querycheck.h"

typedef enum {
    SRV_QUERY_ALLOWED = 0, /* search as asked */
    SRV_QUERY_BLOCKED,     /* do not search; show the kind message */
    SRV_QUERY_HELP,        /* search, and show help resources above the results */
} srv_query_kind;

#define SRV_QUERY_MAX_HELP FLT_QC_HELP_MAX

typedef struct {
    srv_query_kind kind;
    const char *message; /* a child-friendly message, or NULL for the page language's default */
    const char *help[SRV_QUERY_MAX_HELP]; /* help resources, plain text ("3018 : ...") */
    size_t n_help;
} srv_query_verdict;

/* Check query (UTF-8, already repaired) for mode (flt_mode) with the checker qc, in language
 * lang ("fr", "en"). qc NULL allows every query (tests of routing only). Fills *out (strings
 * belong to qc, valid while it lives). Web mode is never blocked. A query longer than the
 * checker reads (FLT_QC_QUERY_MAX) is blocked in school and junior, since it cannot be
 * vouched for, and allowed in web. Any other failure of the checker is returned as a status
 * and the caller answers 500 rather than searching unchecked. */
ch_status srv_check_query(const flt_querycheck *qc, const char *query, int mode, const char *lang,
                          srv_query_verdict *out);

#endif
