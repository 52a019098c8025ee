/* Escaping for everything the server writes: HTML text and attributes, URL query components,
 * XML. Every string that came from a request, a result or a configuration file goes through
 * one of these before it reaches a page.
 *
 * All functions append to a capped buf_t and fail with its status (CH_ERR_LIMIT, CH_ERR_NOMEM);
 * the buffer may then hold a partial result, which the caller discards. Pure, thread-safe. */
#ifndef CHOUETTE_SERVER_ESCAPE_H
#define CHOUETTE_SERVER_ESCAPE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/html.h" /* HTML text and attributes: html_escape() */
#include "common/status.h"

/* application/x-www-form-urlencoded component: unreserved bytes (A-Z a-z 0-9 - . _ ~) kept,
 * space as '+', every other byte as %XX. The result contains no HTML-special character, so it
 * may be placed inside an attribute as it is. */
ch_status srv_url_encode(buf_t *out, const char *s);

/* XML text and attribute values: same entities as html_escape (&apos; is not used). */
ch_status srv_xml_escape(buf_t *out, const char *s);

#endif
