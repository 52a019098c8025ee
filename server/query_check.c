#include "server/query_check.h"

#include <string.h>

#include "filters/policy.h"

ch_status srv_check_query(const flt_querycheck *qc, const char *query, int mode, const char *lang,
                          srv_query_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->kind = SRV_QUERY_ALLOWED;
    if (!qc)
        return CH_OK;
    flt_query_result r;
    ch_status st = flt_check_query(qc, query, mode, &r);
    if (st == CH_ERR_LIMIT) {
        if (mode != FLT_MODE_WEB)
            out->kind = SRV_QUERY_BLOCKED; /* the page's default message */
        return CH_OK;
    }
    if (st)
        return st;
    if (r.verdict == FLT_QUERY_BLOCKED) {
        out->kind = SRV_QUERY_BLOCKED;
        out->message = flt_query_message(&r, lang);
    } else if (r.verdict == FLT_QUERY_SENSITIVE) {
        out->kind = SRV_QUERY_HELP;
    }
    for (size_t i = 0; i < r.nhelp && i < SRV_QUERY_MAX_HELP; i++)
        out->help[out->n_help++] = flt_help_text(r.help[i], lang);
    return CH_OK;
}
