/* Sitemap parsing with libxml2's xmlReader and zlib; see sitemap.h. */
#include "crawler/sitemap.h"

#include <libxml/xmlreader.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/buf.h"

static void quiet(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr l)
{
    (void)arg;
    (void)msg;
    (void)sev;
    (void)l;
}

/* Add a trimmed copy of s[0..n) to the list unless empty or too long. */
static ch_status add_url(sitemap_t *sm, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n == 0 || n > SITEMAP_MAX_URL_LEN)
        return CH_OK;
    if (sm->n >= SITEMAP_MAX_URLS) {
        sm->truncated = true;
        return CH_ERR_LIMIT;
    }
    char *u = malloc(n + 1);
    if (!u)
        return CH_ERR_NOMEM;
    memcpy(u, s, n);
    u[n] = '\0';
    /* capacity: 16, then doubled each time n reaches a power of two */
    if (sm->n == 0 || (sm->n >= 16 && (sm->n & (sm->n - 1)) == 0)) {
        size_t cap = sm->n ? sm->n * 2 : 16;
        char **p = realloc(sm->urls, cap * sizeof *p);
        if (!p) {
            free(u);
            return CH_ERR_NOMEM;
        }
        sm->urls = p;
    }
    sm->urls[sm->n++] = u;
    return CH_OK;
}

/* Inflate a gzip stream into out (capped at SITEMAP_MAX_BYTES). */
static ch_status gunzip(const char *data, size_t len, buf_t *out, bool *truncated)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return CH_ERR_NOMEM;
    ch_status st = CH_OK;
    unsigned char chunk[16384];
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
    for (;;) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z.avail_out;
        if (got) {
            size_t room = out->max - out->len;
            if (got > room) {
                buf_append(out, chunk, room);
                *truncated = true;
                break;
            }
            if (buf_append(out, chunk, got)) {
                st = CH_ERR_NOMEM;
                break;
            }
        }
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_BUF_ERROR && z.avail_in == 0) { /* cut short */
            *truncated = true;
            break;
        }
        if (rc != Z_OK) {
            if (out->len == 0)
                st = CH_ERR_PARSE;
            *truncated = true;
            break;
        }
    }
    inflateEnd(&z);
    return st;
}

static ch_status parse_text(sitemap_t *sm, const char *d, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && d[j] != '\n')
            j++;
        size_t k = i;
        while (k < j && (d[k] == ' ' || d[k] == '\t'))
            k++;
        /* memcmp within the line's bounds: the input need not be NUL-terminated. A line holding a
         * NUL byte is not a URL (it would end the string early). */
        bool is_url = (j - k >= 7 && memcmp(d + k, "http://", 7) == 0) ||
                      (j - k >= 8 && memcmp(d + k, "https://", 8) == 0);
        if (is_url && !memchr(d + k, '\0', j - k)) {
            ch_status st = add_url(sm, d + k, j - k);
            if (st == CH_ERR_LIMIT)
                return CH_OK;
            if (st)
                return st;
        }
        i = j + 1;
    }
    return CH_OK;
}

static ch_status parse_xml(sitemap_t *sm, const char *d, size_t len)
{
    xmlTextReaderPtr r = xmlReaderForMemory(d, (int)len, NULL, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!r)
        return CH_ERR_NOMEM;
    xmlTextReaderSetErrorHandler(r, quiet, NULL);
    ch_status st = CH_OK;
    bool in_entry = false; /* inside <url> or <sitemap> */
    /* The <loc> of an entry, read as the stream goes: its depth while open (-1: none) and its
     * text so far, capped (a longer one is no URL). Not xmlTextReaderReadString: it expands the
     * whole subtree of every <loc>, so nested unclosed ones cost the square of their number. */
    int loc_depth = -1;
    buf_t loc;
    buf_init(&loc, SITEMAP_MAX_URL_LEN + 64);
    bool loc_too_long = false;
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (loc_depth >= 0 && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                               type == XML_READER_TYPE_WHITESPACE ||
                               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (v && !loc_too_long && buf_append_str(&loc, v) != CH_OK)
                loc_too_long = true;
            continue;
        }
        if (type != XML_READER_TYPE_ELEMENT && type != XML_READER_TYPE_END_ELEMENT)
            continue;
        const char *name = (const char *)xmlTextReaderConstLocalName(r);
        if (!name)
            continue;
        if (type == XML_READER_TYPE_END_ELEMENT) {
            if (loc_depth >= 0 && xmlTextReaderDepth(r) == loc_depth && strcmp(name, "loc") == 0) {
                loc_depth = -1;
                st = loc_too_long ? CH_OK : add_url(sm, loc.data ? loc.data : "", loc.len);
                if (st == CH_ERR_LIMIT) {
                    st = CH_OK;
                    break;
                }
                if (st)
                    break;
            } else if (strcmp(name, "url") == 0 || strcmp(name, "sitemap") == 0) {
                in_entry = false;
            }
            continue;
        }
        if (strcmp(name, "sitemapindex") == 0) {
            sm->is_index = true;
        } else if (strcmp(name, "url") == 0 || strcmp(name, "sitemap") == 0) {
            in_entry = true;
        } else if (in_entry && loc_depth < 0 && strcmp(name, "loc") == 0 &&
                   xmlTextReaderIsEmptyElement(r) != 1) {
            loc_depth = xmlTextReaderDepth(r);
            buf_reset(&loc);
            loc_too_long = false;
        }
    }
    buf_free(&loc);
    if (rc < 0)
        sm->truncated = true;
    xmlFreeTextReader(r);
    return st;
}

ch_status sitemap_parse(const char *data, size_t len, sitemap_t **out)
{
    *out = NULL;
    if (!data && len)
        return CH_ERR_ARG;
    sitemap_t *sm = calloc(1, sizeof *sm);
    if (!sm)
        return CH_ERR_NOMEM;
    buf_t plain;
    buf_init(&plain, SITEMAP_MAX_BYTES);
    ch_status st = CH_OK;
    if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
        st = gunzip(data, len, &plain, &sm->truncated);
        if (st)
            goto out;
        data = buf_str(&plain);
        len = plain.len;
    } else if (len > SITEMAP_MAX_BYTES) {
        len = SITEMAP_MAX_BYTES;
        sm->truncated = true;
    }
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i < len && data[i] == '<')
        st = len > INT32_MAX ? CH_ERR_LIMIT : parse_xml(sm, data, len);
    else
        st = parse_text(sm, data + i, len - i);
out:
    buf_free(&plain);
    if (st) {
        sitemap_free(sm);
        return st;
    }
    *out = sm;
    return CH_OK;
}

void sitemap_free(sitemap_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->urls[i]);
    free(s->urls);
    free(s);
}
