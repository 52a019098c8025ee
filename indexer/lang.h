/* Language identification with libexttextcat (Cavnar & Trenkle n-gram profiles), returning
 * ISO 639-1 codes.
 *
 * The models are the Debian package libexttextcat-data: LANG_DEFAULT_DIR/fpdb.conf lists one
 * fingerprint file per language, named "fr--utf8", "en--utf8", "zh-CN-utf8", ...; the part
 * before the first '-' is the language code, mapped to ISO 639-1 by one table in lang.c
 * (three-letter codes without an ISO 639-1 equivalent are not reported, except Scots, which
 * textcat confuses with English and which is reported as "en").
 *
 * Thread safety: a handle is NOT safe to share between threads (libexttextcat keeps per-handle
 * scratch state and documents itself as non-reentrant); the library has no global state, so
 * each thread opens its own handle. Opening loads ~170 profiles: open once per thread, reuse. */
#ifndef CHOUETTE_LANG_H
#define CHOUETTE_LANG_H

#include <stddef.h>

#include "common/status.h"

#define LANG_DEFAULT_DIR "/usr/share/libexttextcat/"
#define LANG_MAX_SAMPLE 4096u /* bytes of text looked at */
#define LANG_MIN_LETTERS 20u  /* fewer letters than this: too short to guess, use the hint */

typedef struct lang_ident lang_ident;

/* Open a classifier over LANG_DEFAULT_DIR. *out is for lang_close. Errors: CH_ERR_NOTFOUND when
 * the models cannot be loaded (libexttextcat-data missing), CH_ERR_NOMEM; *out is then NULL. */
ch_status lang_open(lang_ident **out);

/* The same over another directory holding fpdb.conf and its .lm files (dir ends with '/'). */
ch_status lang_open_dir(const char *dir, lang_ident **out);

/* The models listed in conf (fpdb.conf's format), their .lm files in dir (ends with '/'). */
ch_status lang_open_conf(const char *conf, const char *dir, lang_ident **out);

/* A classifier for queries: only the languages with a stemmer (LANG_QUERIES_CONF in the data
 * directory, models in LANG_DEFAULT_DIR). */
#define LANG_QUERIES_CONF "textcat/queries.conf"
ch_status lang_open_queries(lang_ident **out);

/* Free a classifier; NULL is allowed. */
void lang_close(lang_ident *li);

/* The ISO 639-1 code of the language of text[0..len) (UTF-8; only the first LANG_MAX_SAMPLE
 * bytes are read), or "" when unknown. lang_attr_hint is the page's lang attribute ("fr-FR",
 * "en", may be NULL): it is the answer when the text is too short or textcat is unsure, and it
 * wins when it is among textcat's close candidates. The returned string is static (valid
 * forever, never NULL). */
const char *lang_identify(lang_ident *li, const char *text, size_t len, const char *lang_attr_hint);

/* The ISO 639-1 code for a lang attribute value ("fr-FR" -> "fr", "EN_gb" -> "en"), or "" when
 * it names no language we know. Static result, never NULL. */
const char *lang_from_attr(const char *lang_attr);

/* The ISO 639-1 code of a locale segment of a URL's path ("/dh/fr-FR/x.html" -> "fr", also
 * "pt_BR"; the first such segment), or "" when it has none. Bare two-letter segments ("/it/")
 * are not taken: too often they are not languages. Static result, never NULL. */
const char *lang_from_url(const char *url);

/* The Snowball stemmer name Xapian knows for an ISO 639-1 code ("fr" -> "french"), or NULL when
 * there is none. */
const char *lang_stemmer_name(const char *iso);

#endif
