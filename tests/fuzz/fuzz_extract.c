/* libFuzzer harness for HTML extraction (indexer/extract.c) and language identification.
 * The first input byte picks the Content-Type header and the limits; the rest is the body.
 * Checks the contract: every string non-NULL and valid UTF-8, text_len == strlen(text), caps
 * respected, links are http(s); extract_links_only (libxml2 SAX) gives the same links and
 * fields as extract_page (libxml2 tree). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/extract.h"
#include "indexer/lang.h"

static bool utf8_ok(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = strlen(s);
    while (i < n) {
        unsigned char c = u[i];
        size_t l = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (c >= 0x80 && (c < 0xC2 || c > 0xF4))
            return false;
        if (i + l > n)
            return false;
        for (size_t k = 1; k < l; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return false;
        i += l;
    }
    return true;
}

static void check_str(const char *s, size_t max)
{
    if (!s || !utf8_ok(s) || strlen(s) > max)
        abort();
}

static void check_page(const extract_page_t *p, const extract_limits *lim)
{
    check_str(p->title, lim->max_field);
    check_str(p->description, lim->max_field);
    check_str(p->keywords, lim->max_field);
    check_str(p->rating, lim->max_field);
    check_str(p->h1, lim->max_headings);
    check_str(p->h2, lim->max_headings);
    check_str(p->h3, lim->max_headings);
    check_str(p->text, lim->max_text);
    if (strlen(p->text) != p->text_len)
        abort();
    check_str(p->lang_attr, 64);
    check_str(p->canonical, 8192);
    check_str(p->base, 8192);
    check_str(p->refresh_url, 8192);
    check_str(p->charset_used, 64);
    if (p->n_links > lim->max_links || (p->n_links && !p->links))
        abort();
    for (size_t i = 0; i < p->n_links; i++) {
        check_str(p->links[i].url, 8192);
        check_str(p->links[i].anchor, lim->max_field);
        check_str(p->links[i].hreflang, 32);
        if (strncmp(p->links[i].url, "http://", 7) != 0 &&
            strncmp(p->links[i].url, "https://", 8) != 0)
            abort();
    }
}

static bool str_eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* extract_links_only (SAX) must agree with extract_page (tree) on every field it fills. */
static void check_same(const extract_page_t *lo, const extract_page_t *full)
{
    if (lo->n_links != full->n_links || !str_eq(lo->base, full->base) ||
        !str_eq(lo->canonical, full->canonical) || !str_eq(lo->refresh_url, full->refresh_url) ||
        !str_eq(lo->rating, full->rating) || !str_eq(lo->title, full->title) ||
        !str_eq(lo->lang_attr, full->lang_attr) || !str_eq(lo->charset_used, full->charset_used) ||
        lo->robots_noindex != full->robots_noindex ||
        lo->robots_nofollow != full->robots_nofollow || (lo->truncated && !full->truncated))
        abort();
    for (size_t i = 0; i < lo->n_links; i++) {
        const extract_link *a = &lo->links[i], *b = &full->links[i];
        if (!str_eq(a->url, b->url) || !str_eq(a->anchor, b->anchor) ||
            !str_eq(a->hreflang, b->hreflang) || a->kind != b->kind || a->nofollow != b->nofollow)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lang_ident *li; /* opened once: loading the profiles is slow */
    static bool li_tried;
    static const char *const types[] = {
        NULL,
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=ISO-8859-1",
        "text/html;charset=\"windows-1252\"",
        "shift_jis",
        "text/html; charset=utf-16",
        "text/html; charset=bogus",
    };
    if (size < 1)
        return 0;
    if (!li_tried) {
        li_tried = true;
        extract_global_init();
        if (lang_open(&li) != CH_OK)
            li = NULL;
    }
    uint8_t sel = data[0];
    extract_limits lim;
    extract_limits_default(&lim);
    if (sel & 0x08) { /* small caps, to reach the truncation paths */
        lim.max_depth = 8;
        lim.max_links = 3;
        lim.max_text = 64;
        lim.max_headings = 16;
        lim.max_field = 8;
        lim.max_input = 512;
    }
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    const char *url = (sel & 0x10) ? "https://example.org/a/b/page.html?q=1" : "http://x.y/";
    extract_page_t *p = NULL;
    ch_status st = (sel & 0x20) ? extract_links_only(body, len, types[sel & 7], url, &lim, &p)
                                : extract_page(body, len, types[sel & 7], url, &lim, &p);
    if (st != CH_OK) {
        if (p || st != CH_ERR_NOMEM)
            abort();
        return 0;
    }
    check_page(p, &lim);
    if (sel & 0x20) {
        extract_page_t *full = NULL;
        if (extract_page(body, len, types[sel & 7], url, &lim, &full) == CH_OK) {
            check_page(full, &lim);
            check_same(p, full);
            extract_page_free(full);
        }
    }
    if (li) {
        const char *iso = lang_identify(li, p->text, p->text_len, p->lang_attr);
        if (!iso || strlen(iso) > 3)
            abort();
        (void)lang_stemmer_name(iso);
    }
    extract_page_free(p);
    return 0;
}
