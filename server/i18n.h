/* User-interface text: one INI file per language (data/i18n/<lang>.ini, section [ui],
 * "key = text"). Every key the pages use is listed in srv_i18n_keys; loading fails when one is
 * missing, so a page never shows a raw key. Texts are plain (escaped when written) except keys
 * ending in "_html", which may hold markup written by us, never by users.
 *
 * Placeholders: "{1}" and "{2}" in a text are replaced by srv_i18n_format. A loaded table is
 * read-only: any number of threads may read it. */
#ifndef CHOUETTE_SERVER_I18N_H
#define CHOUETTE_SERVER_I18N_H

#include <stddef.h>

#include "common/buf.h"
#include "common/status.h"

typedef struct srv_i18n srv_i18n;

/* The languages we ship, in preference order for ties (French first: the default). */
#define SRV_LANG_COUNT 2
extern const char *const srv_langs[SRV_LANG_COUNT];

/* Every key the server needs (NULL-terminated). */
extern const char *const srv_i18n_keys[];

/* Load path for language lang ("fr"). On success *out is owned by the caller (srv_i18n_free).
 * On failure *out is NULL and err names the file and problem: CH_ERR_IO (cannot read),
 * CH_ERR_PARSE (syntax, or a key of srv_i18n_keys missing), CH_ERR_NOMEM. */
ch_status srv_i18n_load(const char *path, const char *lang, srv_i18n **out, char *err,
                        size_t errlen);

/* The same from INI text in memory (tests). */
ch_status srv_i18n_load_string(const char *text, const char *lang, srv_i18n **out, char *err,
                               size_t errlen);

void srv_i18n_free(srv_i18n *t);

/* The language code given at load time. */
const char *srv_i18n_lang(const srv_i18n *t);

/* The text of key; the key itself when absent (never NULL). Valid while t lives. */
const char *srv_i18n_get(const srv_i18n *t, const char *key);

/* Append the text of key to out, HTML-escaped, with {1} and {2} replaced by a1 and a2 AS
 * GIVEN (callers pass text they already escaped, or NULL for none). */
ch_status srv_i18n_format(buf_t *out, const srv_i18n *t, const char *key, const char *a1,
                          const char *a2);

/* Pick a language from an Accept-Language header value (RFC 9110 12.5.4: q-values, ranges
 * such as "en-GB" matching "en"). Returns an index into srv_langs; 0 (French) when nothing
 * matches or header is NULL. */
size_t srv_lang_from_accept(const char *header);

/* Index into srv_langs of a hl= value ("fr", "en", case-insensitive), -1 when unknown. */
int srv_lang_from_name(const char *name);

#endif
