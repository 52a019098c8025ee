/* HTML escaping, shared by everything that writes HTML: the server's pages and the indexer's
 * snippets. Appends to a capped buf_t and fails with its status (CH_ERR_LIMIT, CH_ERR_NOMEM);
 * the buffer may then hold a partial result, which the caller discards. Pure, thread-safe. */
#ifndef CHOUETTE_HTML_H
#define CHOUETTE_HTML_H

#include <stddef.h>

#include "common/buf.h"
#include "common/status.h"

/* HTML text and attribute values (double-quoted): & < > " ' become entities. NUL bytes and
 * other C0 controls except tab, newline and carriage return are dropped, and so is DEL. */
ch_status html_escape(buf_t *out, const char *s);
ch_status html_escape_n(buf_t *out, const char *s, size_t len);

#endif
