/* Our own static files (CSS, logo), read once from data/static at startup and served from
 * memory: nothing else on disk is reachable, and a name with '/', a leading '.', or any byte
 * outside [A-Za-z0-9._-] is not found. Read-only once loaded: any thread may look up. */
#ifndef CHOUETTE_SERVER_STATIC_FILES_H
#define CHOUETTE_SERVER_STATIC_FILES_H

#include <stddef.h>

#include "common/status.h"

#define SRV_STATIC_MAX_FILES 64
#define SRV_STATIC_MAX_FILE_BYTES (1024u * 1024u)

typedef struct srv_static_files srv_static_files;

/* Load every regular file of dir whose name is acceptable and whose type is known (.css,
 * .svg, .png, .ico, .txt). Other entries are skipped. On failure *out is NULL and err names
 * the file: CH_ERR_IO, CH_ERR_LIMIT (too many or too big), CH_ERR_NOMEM. */
ch_status srv_static_load(const char *dir, srv_static_files **out, char *err, size_t errlen);

/* An empty set (tests), NULL on allocation failure. */
srv_static_files *srv_static_empty(void);

/* Add one file from memory (tests and srv_static_load). CH_ERR_ARG for an unacceptable name or
 * unknown type, CH_ERR_LIMIT, CH_ERR_NOMEM. */
ch_status srv_static_add(srv_static_files *f, const char *name, const void *data, size_t len);

/* The file named name (the part after "/static/"), or NULL. *type gets its Content-Type. */
const void *srv_static_find(const srv_static_files *f, const char *name, size_t *len,
                            const char **type);

void srv_static_free(srv_static_files *f);

#endif
