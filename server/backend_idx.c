/* The production search backend: indexer/search.h behind srv_backend's function pointers. */
#include "server/http.h"

static ch_status be_search(void *h, const idx_search_params *p, idx_results *out)
{
    return idx_search(h, p, out);
}

static ch_status be_suggest(void *h, const char *prefix, const char *const *hidden, size_t n_hidden,
                            size_t max, char ***out, size_t *n)
{
    return idx_suggest(h, prefix, hidden, n_hidden, max, out, n);
}

static ch_status be_info(void *h, unsigned long *doc_count, char **index_date)
{
    return idx_searcher_info(h, doc_count, index_date);
}

const srv_backend srv_backend_idx = {
    .search = be_search,
    .suggest = be_suggest,
    .info = be_info,
    .results_json = idx_results_json,
};
