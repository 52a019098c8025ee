/* The search result JSON of DESIGN.md (search.h: idx_results_json), built with jansson. */
#include <jansson.h>
#include <stdlib.h>

#include "indexer/search.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

char *idx_results_json(const char *query, const char *mode, unsigned page, bool blocked,
                       const char *message, const idx_results *r)
{
    char *out = NULL;
    json_t *o = json_object();
    json_t *arr = json_array();
    if (!o || !arr)
        goto out;
    /* json_string() refuses invalid UTF-8 and gives NULL, which json_object_set_new reports. */
    if (json_object_set_new(o, "query", json_string(query ? query : "")) ||
        json_object_set_new(o, "mode", json_string(mode ? mode : "web")) ||
        json_object_set_new(o, "page", json_integer(page)) ||
        json_object_set_new(o, "estimated_total",
                            json_integer(r && !blocked ? (json_int_t)r->estimated_total : 0)) ||
        json_object_set_new(o, "blocked", json_boolean(blocked)) ||
        json_object_set_new(o, "message", str_or_null(message)) ||
        json_object_set_new(o, "corrected_query",
                            str_or_null(r && !blocked ? r->corrected_query : NULL)))
        goto out;
    for (size_t i = 0; r && !blocked && i < r->n_results; i++) {
        const idx_result *x = &r->results[i];
        json_t *e = json_object();
        if (!e || json_array_append_new(arr, e) ||
            json_object_set_new(e, "rank", json_integer(x->rank)) ||
            json_object_set_new(e, "url", json_string(x->url ? x->url : "")) ||
            json_object_set_new(e, "title", json_string(x->title ? x->title : "")) ||
            json_object_set_new(e, "snippet", json_string(x->snippet ? x->snippet : "")) ||
            json_object_set_new(e, "lang", json_string(x->lang ? x->lang : "")) ||
            json_object_set_new(e, "site", json_string(x->site ? x->site : "")) ||
            json_object_set_new(e, "more_from_site", json_integer(x->more_from_site)))
            goto out;
    }
    if (json_object_set_new(o, "has_next_page", json_boolean(r && !blocked && r->has_next_page)) ||
        json_object_set_new(o, "degraded", json_boolean(r && !blocked && r->degraded)))
        goto out;
    if (json_object_set(o, "results", arr))
        goto out;
    out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
    json_decref(arr);
    json_decref(o);
    return out;
}
