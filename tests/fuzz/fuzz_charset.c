/* libFuzzer harness for the charset handling of HTML extraction (indexer/extract.c): BOM,
 * Content-Type charset parameter, <meta> prescan, UTF-8 validity check, iconv conversion with
 * U+FFFD substitution.
 *
 * Input layout: byte 0 selects the Content-Type. Values below 0x80 take one of the labels
 * below (real, WHATWG aliases, stateful and multi-byte encodings, unknown and malformed
 * labels); from 0x80 on, the Content-Type is read from the input itself, up to the first NUL
 * (at most 200 bytes), so arbitrary header bytes are tried too. The rest is the body.
 *
 * Checks: extraction never fails on any input except for memory; every string returned is
 * valid UTF-8 (whatever the declared or sniffed encoding); text_len == strlen(text);
 * charset_used names an encoding; the links-only parse agrees on the charset. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/extract.h"

static const char *const labels[] = {
    NULL,
    "",
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=UTF8",
    "text/html; charset=iso-8859-1",
    "text/html; charset=latin1",
    "text/html; charset=us-ascii",
    "text/html; charset=windows-1252",
    "text/html; charset=iso-8859-15",
    "text/html; charset=windows-1251",
    "text/html; charset=koi8-r",
    "text/html; charset=shift_jis",
    "text/html; charset=euc-jp",
    "text/html; charset=iso-2022-jp",
    "text/html; charset=euc-kr",
    "text/html; charset=gb2312",
    "text/html; charset=gbk",
    "text/html; charset=gb18030",
    "text/html; charset=big5",
    "text/html; charset=utf-16",
    "text/html; charset=utf-16le",
    "text/html; charset=utf-16be",
    "text/html; charset=utf-32",
    "text/html; charset=UTF-7",
    "text/html; charset=x-user-defined",
    "text/html; charset=replacement",
    "text/html; charset=ISO-2022-KR",
    "text/html; charset=TIS-620",
    "text/html; charset=macintosh",
    "text/html; charset=IBM037",
    "text/html; charset=bogus-charset",
    "text/html; charset=",
    "text/html; charset=\"\"",
    "text/html; charset=\"utf-8",
    "text/html; charset='windows-1252'",
    "text/html;charset=UTF-8;charset=latin1",
    "text/html; CHARSET = utf-8 ",
    "text/html; charset=utf-8//TRANSLIT",
    "text/html; charset=utf-8//IGNORE",
    "text/html; charset=../../etc/passwd",
    "text/html; charset=%s%n%s",
    "application/xhtml+xml; charset=utf-8",
    "text/plain; charset=utf-8",
    "shift_jis",
    "euc-jp",
    "utf-16",
    "latin1",
};

static bool utf8_ok(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = strlen(s);
    while (i < n) {
        unsigned char c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t l = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (c < 0xC2 || c > 0xF4 || i + l > n)
            return false;
        for (size_t k = 1; k < l; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return false;
        /* no overlong 3- and 4-byte forms, no surrogates, nothing above U+10FFFF */
        if (c == 0xE0 && u[i + 1] < 0xA0)
            return false;
        if (c == 0xED && u[i + 1] >= 0xA0)
            return false;
        if (c == 0xF0 && u[i + 1] < 0x90)
            return false;
        if (c == 0xF4 && u[i + 1] >= 0x90)
            return false;
        i += l;
    }
    return true;
}

static void check_str(const char *s)
{
    if (!s || !utf8_ok(s))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool inited;
    if (!inited) {
        inited = true;
        extract_global_init();
    }
    if (size < 1 || size > (1u << 20))
        return 0;
    uint8_t sel = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    char ctype_buf[201];
    const char *ctype;
    if (sel < 0x80) {
        ctype = labels[sel % (sizeof labels / sizeof labels[0])];
    } else {
        const void *nul = memchr(body, '\0', len < 200 ? len : 200);
        if (!nul)
            return 0;
        size_t n = (size_t)((const char *)nul - body);
        memcpy(ctype_buf, body, n);
        ctype_buf[n] = '\0';
        ctype = ctype_buf;
        body += n + 1;
        len -= n + 1;
    }
    extract_limits lim;
    extract_limits_default(&lim);
    lim.max_input = 64 * 1024;
    extract_page_t *p = NULL;
    ch_status st = extract_page(body, len, ctype, "http://example.org/", &lim, &p);
    if (st != CH_OK) {
        if (p || st != CH_ERR_NOMEM)
            abort();
        return 0;
    }
    check_str(p->title);
    check_str(p->description);
    check_str(p->keywords);
    check_str(p->h1);
    check_str(p->h2);
    check_str(p->h3);
    check_str(p->text);
    check_str(p->lang_attr);
    check_str(p->rating);
    check_str(p->charset_used);
    if (strlen(p->text) != p->text_len || p->charset_used[0] == '\0')
        abort();
    for (size_t i = 0; i < p->n_links; i++) {
        check_str(p->links[i].url);
        check_str(p->links[i].anchor);
    }
    extract_page_t *q = NULL;
    st = extract_links_only(body, len, ctype, "http://example.org/", &lim, &q);
    if (st == CH_OK) {
        if (strcmp(p->charset_used, q->charset_used) != 0 || strcmp(p->title, q->title) != 0)
            abort();
        extract_page_free(q);
    } else if (q || st != CH_ERR_NOMEM) {
        abort();
    }
    extract_page_free(p);
    return 0;
}
