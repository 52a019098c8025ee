/* libFuzzer harness for sitemap parsing (crawler/sitemap.c): XML urlset and sitemapindex, the
 * plain-text form, and gzip.
 *
 * The first input byte is a selector; the rest is the sitemap. With bit 0 set the rest is
 * gzip-compressed here first, so the fuzzer reaches the XML and text parsers through the gzip
 * path too (it would almost never build a valid deflate stream by mutation alone).
 *
 * Checks the contract of sitemap.h: at most SITEMAP_MAX_URLS URLs, each non-empty, at most
 * SITEMAP_MAX_URL_LEN bytes and trimmed; text-form URLs start with http:// or https://.
 * Entity expansion (billion laughs, quadratic blowup) would show as a timeout or as memory
 * past -rss_limit_mb / -malloc_limit_mb, which libFuzzer reports as failures: the seed corpus
 * holds both attacks and an XXE document to start from. (A byte-count bound on the output is
 * not a contract: a <loc> left open reads the text of the <loc>s nested in it too.)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crawler/sitemap.h"

/* gzip (RFC 1952) of len bytes at in; NULL on failure. *out_len receives the size. */
static unsigned char *gzip_bytes(const uint8_t *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len) + 32;
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does the plain input look like XML to sitemap_parse (first non-blank byte after a BOM)? */
static bool looks_xml(const uint8_t *d, size_t n)
{
    size_t i = (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    while (i < n && is_space((char)d[i]))
        i++;
    return i < n && d[i] == '<';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1u << 20))
        return 0;
    uint8_t sel = data[0];
    const uint8_t *plain = data + 1;
    size_t plain_len = size - 1;
    unsigned char *gz = NULL;
    const char *in = (const char *)plain;
    size_t in_len = plain_len;
    if (sel & 1) {
        size_t gz_len = 0;
        gz = gzip_bytes(plain, plain_len, &gz_len);
        if (!gz)
            return 0;
        in = (const char *)gz;
        in_len = gz_len;
    }
    /* gzip detection is by magic number: a plain input starting 1f 8b goes the gzip way too,
     * and then its size bound is the inflate cap, not its own length */
    bool plain_is_gzip = !(sel & 1) && plain_len >= 2 && plain[0] == 0x1f && plain[1] == 0x8b;

    sitemap_t *sm = NULL;
    ch_status st = sitemap_parse(in, in_len, &sm);
    if (st != CH_OK) {
        if (sm)
            abort();
        if (st != CH_ERR_PARSE && st != CH_ERR_NOMEM && st != CH_ERR_LIMIT)
            abort();
        free(gz);
        return 0;
    }
    if (!sm || sm->n > SITEMAP_MAX_URLS || (sm->n && !sm->urls))
        abort();
    bool text_form = !plain_is_gzip && !looks_xml(plain, plain_len);
    for (size_t i = 0; i < sm->n; i++) {
        const char *u = sm->urls[i];
        if (!u)
            abort();
        size_t n = strlen(u);
        if (n == 0 || n > SITEMAP_MAX_URL_LEN || is_space(u[0]) || is_space(u[n - 1]))
            abort();
        if (text_form && strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
            abort();
    }
    sitemap_free(sm);
    free(gz);
    return 0;
}
