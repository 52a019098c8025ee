/* The page classifier of an indexing command (chouette index, chouette shards add): the filter
 * lists and mode policies given on the command line, or the data directory's. */
#ifndef CHOUETTE_CLASSIFIER_LOAD_H
#define CHOUETTE_CLASSIFIER_LOAD_H

#include <stddef.h>

#include "common/status.h"
#include "filters/classify.h"

/* Load the classifier from lists_dir (ut1/ categories and phrases/) and policy_file; NULL for
 * either means the data directory's lists/ or policies.ini (common/paths.h, $CHOUETTE_DATA).
 * On success *out is freed with flt_classifier_free(); on failure *out is NULL and err (errcap
 * bytes) says why: the errors of flt_classifier_load(), or CH_ERR_LIMIT when the data
 * directory's path is too long. */
ch_status idx_classifier_load(const char *lists_dir, const char *policy_file, flt_classifier **out,
                              char *err, size_t errcap);

#endif
