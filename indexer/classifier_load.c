/* The page classifier of an indexing command (indexer/classifier_load.h). */
#include "indexer/classifier_load.h"

#include <stdio.h>

#include "common/paths.h"

ch_status idx_classifier_load(const char *lists_dir, const char *policy_file, flt_classifier **out,
                              char *err, size_t errcap)
{
    char lists_buf[4096], policy_buf[4096];
    *out = NULL;
    if (!lists_dir && paths_data_file("lists", lists_buf, sizeof lists_buf) == CH_OK)
        lists_dir = lists_buf;
    if (!policy_file && paths_data_file("policies.ini", policy_buf, sizeof policy_buf) == CH_OK)
        policy_file = policy_buf;
    if (!lists_dir || !policy_file) {
        if (err && errcap)
            snprintf(err, errcap, "data directory path too long");
        return CH_ERR_LIMIT;
    }
    flt_classifier_paths cp = {.lists_dir = lists_dir, .policy_file = policy_file};
    return flt_classifier_load(&cp, out, err, errcap);
}
