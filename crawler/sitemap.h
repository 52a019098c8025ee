/* Sitemaps (sitemaps.org protocol 0.9): XML <urlset> and <sitemapindex>, gzipped or not, and
 * the plain-text form (one URL per line).
 *
 * Safety: the XML goes through libxml2's streaming reader with XML_PARSE_NONET and without
 * XML_PARSE_NOENT or XML_PARSE_DTDLOAD, so no external entity, DTD or network access is ever
 * made and entities are not substituted (billion-laughs and XXE have nothing to work with).
 * Limits, as the protocol sets them: at most SITEMAP_MAX_URLS <loc> entries are kept and at most
 * SITEMAP_MAX_BYTES of (decompressed) input are read; past either, the result is marked
 * truncated and what was read is kept. Each URL is trimmed; URLs longer than
 * SITEMAP_MAX_URL_LEN are dropped. The URLs are returned as written: the caller normalises
 * and scopes them. */
#ifndef CHOUETTE_SITEMAP_H
#define CHOUETTE_SITEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/status.h"

#define SITEMAP_MAX_URLS 50000
#define SITEMAP_MAX_BYTES (50u * 1024u * 1024u)
#define SITEMAP_MAX_URL_LEN 2048

typedef struct {
    char **urls; /* page URLs (urlset, text) or sitemap URLs (sitemapindex) */
    size_t n;
    bool is_index;  /* a <sitemapindex>: urls are sitemaps */
    bool truncated; /* a limit was hit, or the XML broke off: urls holds what came before */
} sitemap_t;

/* Parse len bytes (gzip detected by its magic number). Malformed XML is not an error: the
 * URLs read before the damage are returned and truncated is set. *out for sitemap_free;
 * NULL on failure: CH_ERR_ARG (NULL data with len > 0), CH_ERR_NOMEM, CH_ERR_PARSE (gzip
 * stream corrupt before anything could be read). */
ch_status sitemap_parse(const char *data, size_t len, sitemap_t **out);

void sitemap_free(sitemap_t *s);

#endif
