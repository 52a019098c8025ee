/* Where the product finds its read-only data (lists, policies.ini, i18n, static, templates,
 * querycheck ...): one directory, the "data directory".
 *
 * It is $CHOUETTE_DATA when that is set and not empty, else the directory compiled in with
 * -DCHOUETTE_DATADIR: the source tree's data/ (absolute) for a build run from a checkout,
 * $(PREFIX)/share/chouette for the binary 'make install' puts in place. */
#ifndef CHOUETTE_PATHS_H
#define CHOUETTE_PATHS_H

#include <stddef.h>

#include "common/status.h"

/* The data directory, never NULL, as given (it may end with '/': prefer paths_data_file to
 * build a path). The string belongs to the environment or the program image: do not free it;
 * it stays valid until CHOUETTE_DATA is changed (no setenv while other threads use it). */
const char *paths_datadir(void);

/* Write "<datadir>/<rel>" into out (outlen bytes, NUL-terminated). rel is relative: it may not
 * be empty, start with '/', or hold a ".." component. CH_ERR_ARG for a bad rel, CH_ERR_LIMIT
 * when the result does not fit (out is then ""). */
ch_status paths_data_file(const char *rel, char *out, size_t outlen);

#endif
