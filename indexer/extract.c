/* HTML extraction with libxml2's HTML parser: extract_page walks the document tree,
 * extract_links_only drives the same walk from SAX events. See extract.h for the rules. */
#include "indexer/extract.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "common/buf.h"
#include "common/url.h"

#define PRESCAN_BYTES 1024  /* meta charset prescan window (WHATWG) */
#define CHARSET_NAME_MAX 40 /* longest charset label we look at */
#define LANG_ATTR_MAX 64    /* longest <html lang> kept */
#define RAW_URL_MAX 8192    /* longest href kept before resolution (URL_MAX_LEN) */
#define PARSE_OPTIONS                                                                              \
    (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |           \
     HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC)

void extract_limits_default(extract_limits *lim)
{
    lim->max_input = EXTRACT_DEFAULT_MAX_INPUT;
    lim->max_depth = EXTRACT_DEFAULT_MAX_DEPTH;
    lim->max_links = EXTRACT_DEFAULT_MAX_LINKS;
    lim->max_text = EXTRACT_DEFAULT_MAX_TEXT;
    lim->max_headings = EXTRACT_DEFAULT_MAX_HEADINGS;
    lim->max_field = EXTRACT_DEFAULT_MAX_FIELD;
}

void extract_global_init(void)
{
    xmlInitParser();
}

/* ---------------------------------------------------------------------------------------------
 * Small string helpers (ASCII only: HTML keywords are ASCII). */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive search of needle (lowercase) in s[0..n). */
static const char *find_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && ascii_lower(s[i + k]) == needle[k])
            k++;
        if (k == m)
            return s + i;
    }
    return NULL;
}

/* Does the whitespace-separated list s contain token (case-insensitive)? */
static bool has_token(const char *s, const char *token)
{
    size_t m = strlen(token);
    while (*s) {
        while (*s && is_space((unsigned char)*s))
            s++;
        const char *w = s;
        while (*s && !is_space((unsigned char)*s))
            s++;
        if ((size_t)(s - w) == m && strncasecmp(w, token, m) == 0)
            return true;
    }
    return false;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A trimmed copy of s, at most max bytes (cut on a UTF-8 boundary). */
static char *dup_trim(const char *s, size_t max)
{
    while (*s && is_space((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space((unsigned char)s[n - 1]))
        n--;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return dup_n(s, n);
}

/* ---------------------------------------------------------------------------------------------
 * Charset detection and conversion to UTF-8. */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is invalid or incomplete.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* True when s[0..n) is valid UTF-8; an incomplete sequence in the last 3 bytes is forgiven
 * when allow_cut_tail (the input was cut at the cap). */
static bool utf8_valid(const unsigned char *s, size_t n, bool allow_cut_tail)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = utf8_seq_len(s + i, n - i);
        if (l == 0)
            return allow_cut_tail && n - i < 4 && s[i] >= 0xC2 && s[i] <= 0xF4;
        i += l;
    }
    return true;
}

/* Copy UTF-8 into out, replacing each invalid byte with U+FFFD and NUL with a space. */
static ch_status utf8_sanitize(const unsigned char *s, size_t n, buf_t *out)
{
    static const char repl[] = "\xEF\xBF\xBD";
    size_t i = 0;
    ch_status st = CH_OK;
    while (i < n && st == CH_OK) {
        size_t j = i;
        while (j < n && s[j] != 0 && s[j] < 0x80)
            j++;
        if (j > i) {
            st = buf_append(out, s + i, j - i);
            i = j;
            continue;
        }
        if (s[i] == 0) {
            st = buf_append_char(out, ' ');
            i++;
            continue;
        }
        size_t l = utf8_seq_len(s + i, n - i);
        if (l == 0) {
            st = buf_append(out, repl, 3);
            i++;
        } else {
            st = buf_append(out, s + i, l);
            i += l;
        }
    }
    return st;
}

/* Map a charset label to the name we hand iconv, following WHATWG where it matters.
 * Writes into name (size CHARSET_NAME_MAX + 1). Returns false for an empty or too long label. */
static bool charset_canonical(const char *label, size_t n, char *name)
{
    while (n > 0 && (is_space((unsigned char)*label) || *label == '"' || *label == '\'')) {
        label++;
        n--;
    }
    while (n > 0 &&
           (is_space((unsigned char)label[n - 1]) || label[n - 1] == '"' || label[n - 1] == '\''))
        n--;
    if (n == 0 || n > CHARSET_NAME_MAX)
        return false;
    char low[CHARSET_NAME_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        char c = ascii_lower(label[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':'))
            return false;
        low[i] = c;
    }
    low[n] = '\0';
    static const struct {
        const char *label, *name;
    } map[] = {
        {"utf-8", "UTF-8"},
        {"utf8", "UTF-8"},
        {"unicode-1-1-utf-8", "UTF-8"},
        {"iso-8859-1", "windows-1252"},
        {"iso8859-1", "windows-1252"},
        {"iso_8859-1", "windows-1252"},
        {"latin1", "windows-1252"},
        {"l1", "windows-1252"},
        {"ascii", "windows-1252"},
        {"us-ascii", "windows-1252"},
        {"cp1252", "windows-1252"},
        {"x-cp1252", "windows-1252"},
        {"windows-1252", "windows-1252"},
        {"cp819", "windows-1252"},
        {"x-user-defined", "windows-1252"},
        {"utf-16", "UTF-16LE"},
        {"utf-16le", "UTF-16LE"},
        {"utf-16be", "UTF-16BE"},
        {"iso-8859-15", "ISO-8859-15"},
        {"latin9", "ISO-8859-15"},
        {"shift_jis", "SHIFT_JIS"},
        {"sjis", "SHIFT_JIS"},
        {"x-sjis", "SHIFT_JIS"},
        {"gb2312", "GBK"},
        {"gbk", "GBK"},
        {"tis-620", "WINDOWS-874"},
        {"iso-8859-9", "WINDOWS-1254"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(low, map[i].label) == 0) {
            memcpy(name, map[i].name, strlen(map[i].name) + 1);
            return true;
        }
    }
    memcpy(name, low, n + 1);
    return true;
}

/* Is name an encoding iconv can read? */
static bool charset_supported(const char *name)
{
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return false;
    iconv_close(cd);
    return true;
}

/* The charset parameter of a Content-Type value, or the value itself when it is a bare name. */
static bool charset_from_content_type(const char *ct, char *name)
{
    size_t n = strlen(ct);
    const char *p = find_ci(ct, n, "charset");
    if (!p) {
        if (memchr(ct, '/', n) || memchr(ct, ';', n) || memchr(ct, '=', n))
            return false;
        return charset_canonical(ct, n, name);
    }
    p += 7;
    while (*p && is_space((unsigned char)*p))
        p++;
    if (*p != '=')
        return false;
    p++;
    while (*p && is_space((unsigned char)*p))
        p++;
    char q = 0;
    if (*p == '"' || *p == '\'')
        q = *p++;
    const char *e = p;
    while (*e && *e != q && *e != ';' && *e != ',' && !is_space((unsigned char)*e))
        e++;
    return charset_canonical(p, (size_t)(e - p), name);
}

/* "charset=..." inside a <meta content> value (WHATWG "extracting a character encoding from a
 * meta element", simplified). */
static bool charset_from_meta_content(const char *s, size_t n, char *name)
{
    const char *p = find_ci(s, n, "charset");
    if (!p)
        return false;
    const char *end = s + n;
    p += 7;
    while (p < end && is_space((unsigned char)*p))
        p++;
    if (p >= end || *p != '=')
        return false;
    p++;
    while (p < end && is_space((unsigned char)*p))
        p++;
    char q = 0;
    if (p < end && (*p == '"' || *p == '\''))
        q = *p++;
    const char *e = p;
    while (e < end && *e != q && *e != ';' && !is_space((unsigned char)*e))
        e++;
    return charset_canonical(p, (size_t)(e - p), name);
}

/* One attribute of a tag in the prescan: advances *pp; false at '>' or end. */
static bool prescan_attr(const char **pp, const char *end, const char **an, size_t *anl,
                         const char **av, size_t *avl)
{
    const char *p = *pp;
    while (p < end && (is_space((unsigned char)*p) || *p == '/'))
        p++;
    if (p >= end || *p == '>') {
        *pp = p;
        return false;
    }
    *an = p;
    while (p < end && *p != '=' && *p != '>' && *p != '/' && !is_space((unsigned char)*p))
        p++;
    *anl = (size_t)(p - *an);
    *av = p;
    *avl = 0;
    while (p < end && is_space((unsigned char)*p))
        p++;
    if (p < end && *p == '=') {
        p++;
        while (p < end && is_space((unsigned char)*p))
            p++;
        if (p < end && (*p == '"' || *p == '\'')) {
            char q = *p++;
            *av = p;
            while (p < end && *p != q)
                p++;
            *avl = (size_t)(p - *av);
            if (p < end)
                p++;
        } else {
            *av = p;
            while (p < end && *p != '>' && !is_space((unsigned char)*p))
                p++;
            *avl = (size_t)(p - *av);
        }
    }
    *pp = p;
    return true;
}

/* The WHATWG prescan, simplified: the first <meta> in the first 1024 bytes that declares a
 * charset. */
static bool charset_from_prescan(const char *s, size_t n, char *name)
{
    const char *p = s, *end = s + (n < PRESCAN_BYTES ? n : PRESCAN_BYTES);
    while (p < end) {
        if (*p != '<') {
            p++;
            continue;
        }
        size_t left = (size_t)(end - p);
        if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *c = find_ci(p + 4, left - 4, "-->");
            if (!c)
                return false;
            p = c + 3;
        } else if (left >= 6 && strncasecmp(p, "<meta", 5) == 0 &&
                   (is_space((unsigned char)p[5]) || p[5] == '/')) {
            p += 5;
            const char *an, *av;
            size_t anl, avl;
            bool http_equiv_ct = false, got = false;
            char from_charset[CHARSET_NAME_MAX + 1], from_content[CHARSET_NAME_MAX + 1];
            bool have_charset = false, have_content = false;
            while (prescan_attr(&p, end, &an, &anl, &av, &avl)) {
                if (anl == 7 && strncasecmp(an, "charset", 7) == 0 && !have_charset)
                    have_charset = charset_canonical(av, avl, from_charset);
                else if (anl == 10 && strncasecmp(an, "http-equiv", 10) == 0)
                    http_equiv_ct = avl == 12 && strncasecmp(av, "content-type", 12) == 0;
                else if (anl == 7 && strncasecmp(an, "content", 7) == 0 && !have_content)
                    have_content = charset_from_meta_content(av, avl, from_content);
            }
            if (have_charset) {
                memcpy(name, from_charset, sizeof from_charset);
                got = true;
            } else if (http_equiv_ct && have_content) {
                memcpy(name, from_content, sizeof from_content);
                got = true;
            }
            if (got) {
                if (strncmp(name, "UTF-16", 6) == 0)
                    memcpy(name, "UTF-8", 6);
                return true;
            }
        } else {
            const char *gt = memchr(p, '>', left);
            if (!gt)
                return false;
            p = gt + 1;
        }
    }
    return false;
}

/* Convert s[0..n) from charset name to UTF-8 with iconv, appending to out. Bytes that do not
 * convert become U+FFFD; conversion goes on after them. */
static ch_status convert_to_utf8(const char *s, size_t n, const char *name, buf_t *out)
{
    static const char repl[] = "\xEF\xBF\xBD";
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return CH_ERR_UNSUPPORTED;
    size_t skip = strncmp(name, "UTF-16", 6) == 0 ? 2 : 1;
    char chunk[16384];
    char *in = (char *)(uintptr_t)s;
    size_t inleft = n;
    ch_status st = CH_OK;
    while (inleft > 0 && st == CH_OK) {
        char *o = chunk;
        size_t oleft = sizeof chunk;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        int err = errno;
        st = buf_append(out, chunk, (size_t)(o - chunk));
        if (st != CH_OK || r != (size_t)-1)
            continue;
        if (err == E2BIG)
            continue;
        if (err == EILSEQ) {
            st = buf_append(out, repl, 3);
            size_t k = skip < inleft ? skip : inleft;
            in += k;
            inleft -= k;
            iconv(cd, NULL, NULL, NULL, NULL);
        } else { /* EINVAL: an incomplete sequence at the end */
            st = buf_append(out, repl, 3);
            inleft = 0;
        }
    }
    iconv_close(cd);
    return st;
}

/* Decide the charset and produce sanitised UTF-8 in out. *used gets the name read as. */
static ch_status decode_body(const char *body, size_t len, bool cut, const char *content_type,
                             buf_t *out, char used[CHARSET_NAME_MAX + 1])
{
    const unsigned char *u = (const unsigned char *)body;
    char name[CHARSET_NAME_MAX + 1];
    bool have = false;
    size_t skip = 0;

    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        memcpy(name, "UTF-8", 6);
        skip = 3;
        have = true;
    } else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        memcpy(name, "UTF-16LE", 9);
        skip = 2;
        have = true;
    } else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        memcpy(name, "UTF-16BE", 9);
        skip = 2;
        have = true;
    }
    if (!have && content_type)
        have = charset_from_content_type(content_type, name) &&
               (strcmp(name, "UTF-8") == 0 || charset_supported(name));
    if (!have)
        have = charset_from_prescan(body, len, name) &&
               (strcmp(name, "UTF-8") == 0 || charset_supported(name));
    if (!have) {
        const char *guess = utf8_valid(u, len, cut) ? "UTF-8" : "windows-1252";
        memcpy(name, guess, strlen(guess) + 1);
    }
    memcpy(used, name, strlen(name) + 1);
    if (strcmp(name, "UTF-8") == 0)
        return utf8_sanitize(u + skip, len - skip, out);
    buf_t tmp;
    /* UTF-16 grows by at most 3/2, single- and double-byte charsets by at most 3. */
    buf_init(&tmp, 3 * (len - skip) + 16);
    ch_status st = convert_to_utf8(body + skip, len - skip, name, &tmp);
    if (st == CH_OK)
        st = utf8_sanitize((const unsigned char *)buf_str(&tmp), tmp.len, out);
    buf_free(&tmp);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Text sinks: whitespace-collapsing capped buffers. */

typedef struct {
    buf_t b;
    int pending; /* separator owed before the next word: 0 none, 1 space, 2 newline */
    int brk;     /* what a block boundary owes: 1 or 2 */
    bool full;
} sink_t;

static void sink_init(sink_t *s, size_t max, int brk)
{
    buf_init(&s->b, max);
    s->pending = 0;
    s->brk = brk;
    s->full = false;
}

static void sink_break(sink_t *s)
{
    if (s->pending < s->brk)
        s->pending = s->brk;
}

/* Append what fits of p[0..n), cut on a UTF-8 boundary; marks the sink full when cut. */
static ch_status sink_put(sink_t *s, const char *p, size_t n, bool *truncated)
{
    ch_status st = buf_append(&s->b, p, n);
    if (st != CH_ERR_LIMIT)
        return st;
    size_t room = s->b.max - s->b.len;
    while (room > 0 && ((unsigned char)p[room] & 0xC0) == 0x80)
        room--;
    s->full = true;
    *truncated = true;
    return room > 0 ? buf_append(&s->b, p, room) : CH_OK;
}

/* Add text, collapsing runs of whitespace (ASCII and U+00A0) into one separator. */
static ch_status sink_text(sink_t *s, const char *t, size_t n, bool *truncated)
{
    size_t i = 0;
    while (i < n && !s->full) {
        unsigned char c = (unsigned char)t[i];
        if (is_space(c)) {
            if (s->pending < 1)
                s->pending = 1;
            i++;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xA0) {
            if (s->pending < 1)
                s->pending = 1;
            i += 2;
            continue;
        }
        size_t j = i;
        while (j < n && !is_space((unsigned char)t[j]) &&
               !((unsigned char)t[j] == 0xC2 && j + 1 < n && (unsigned char)t[j + 1] == 0xA0))
            j++;
        if (s->pending && s->b.len > 0) {
            ch_status st = sink_put(s, s->pending == 2 ? "\n" : " ", 1, truncated);
            if (st != CH_OK || s->full)
                return st;
        }
        s->pending = 0;
        ch_status st = sink_put(s, t + i, j - i, truncated);
        if (st != CH_OK)
            return st;
        i = j;
    }
    return CH_OK;
}

/* ---------------------------------------------------------------------------------------------
 * The walk. */

typedef struct {
    char *href; /* as written */
    char *anchor;
    char *hreflang;
    extract_link_kind kind;
    bool nofollow;
} raw_link;

enum {
    F_BLOCK = 1u << 0,  /* a block element: a line break before and after */
    F_HARD = 1u << 1,   /* never text (head, noscript, hidden, select) */
    F_SOFT = 1u << 2,   /* boilerplate by tag, role or class */
    F_MAIN = 1u << 3,   /* main/article/role=main: soft boilerplate suspended inside */
    F_TITLE = 1u << 4,  /* the <title> being read */
    F_ANCHOR = 1u << 5, /* the <a> whose anchor text is being read */
    F_HEAD1 = 1u << 6,  /* h1..h3 being read: F_HEAD1 << (level - 1) */
    F_HEAD2 = 1u << 7,
    F_HEAD3 = 1u << 8,
    F_ARTICLE = 1u << 9, /* inside it, header and footer are not boilerplate */
};

typedef struct {
    xmlNodePtr node;
    unsigned flags;
    size_t saved_soft;
} frame_t;

typedef struct {
    const extract_limits *lim;
    bool links_only;
    bool truncated;
    size_t hard, soft, article;
    sink_t title, description, keywords, heading[3], text, anchor;
    bool title_done, description_done, keywords_done;
    int heading_level; /* 0 none, else 1..3 */
    raw_link *links;
    size_t n_links, cap_links;
    const void *anchor_node; /* identity of the <a> whose text is read (see elem_t.id) */
    char *base_raw, *canonical_raw, *refresh_raw, *rating, *lang, *xml_lang;
    bool noindex, nofollow;
} walk_t;

/* An element as the walk sees it: a tree node (extract_page) or a SAX start tag
 * (extract_links_only). id identifies the element while it is open. */
typedef struct {
    const char *name;
    xmlNodePtr node;      /* tree mode, else NULL */
    const xmlChar **atts; /* SAX mode: name, value pairs, NULL-terminated; may be NULL */
    const void *id;
} elem_t;

/* The value of attribute name (lowercase) of an element, or NULL. Points into the tree or the
 * SAX attribute array. */
static const char *attr(const elem_t *e, const char *name)
{
    if (!e->node) {
        for (size_t i = 0; e->atts && e->atts[i]; i += 2)
            if (strcasecmp((const char *)e->atts[i], name) == 0)
                return e->atts[i + 1] ? (const char *)e->atts[i + 1] : "";
        return NULL;
    }
    for (xmlAttrPtr a = e->node->properties; a; a = a->next) {
        if (a->ns != NULL || strcasecmp((const char *)a->name, name) != 0)
            continue;
        if (a->children == NULL)
            return "";
        if (a->children->type == XML_TEXT_NODE && a->children->content)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

static bool name_is(const elem_t *n, const char *name)
{
    return strcmp(n->name, name) == 0;
}

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Is name in the sorted list? Every element of every page is looked up: a binary search. */
static bool name_in_sorted(const char *name, const char *const *list, size_t n)
{
    return bsearch(name, list, n, sizeof *list, cmp_name) != NULL;
}

#define NAME_IN(name, list) name_in_sorted((name), (list), sizeof(list) / sizeof((list)[0]))

/* Sorted (strcmp order): looked up with NAME_IN. */
static const char *const inline_tags[] = {
    "a",     "abbr",   "acronym", "b",    "bdi", "bdo",  "big",  "cite", "code",  "data",
    "del",   "dfn",    "em",      "font", "i",   "img",  "ins",  "kbd",  "label", "mark",
    "meter", "nobr",   "output",  "q",    "rp",  "rt",   "ruby", "s",    "samp",  "small",
    "span",  "strike", "strong",  "sub",  "sup", "time", "tt",   "u",    "var",   "wbr",
};

/* Elements whose whole subtree is never looked at (their links do not matter). Sorted. */
static const char *const skipped_tags[] = {
    "audio", "canvas", "embed", "math", "object", "script", "style", "svg", "template", "video",
};

/* Is one part of a class name or id (between '-', '_', ' ') a navigation word? */
static bool boiler_part(const char *p, size_t n)
{
    char w[32];
    if (n == 0 || n >= sizeof w)
        return false;
    for (size_t i = 0; i < n; i++)
        w[i] = ascii_lower(p[i]);
    w[n] = '\0';
    static const char *const exact[] = {
        "banner", "mainmenu",  "menu",      "menubar",    "menus",    "nav",
        "navbar", "navfooter", "navheader", "navigation", "skiplink", "skiplinks",
    };
    if (NAME_IN(w, exact))
        return true;
    /* "topnav", "docnav", "sidenav"; "sphinxsidebar", "sphinxsidebarwrapper", "pagefooter",
     * "breadcrumbs": the word may be glued to others. "menu" may not ("guimenu", "menuitem"). */
    if (n > 3 && strcmp(w + n - 3, "nav") == 0)
        return true;
    return strstr(w, "sidebar") || strstr(w, "footer") || strstr(w, "breadcrumb");
}

/* Does a class list or id name a navigation part? A class token that is exactly "sidebar" is
 * DocBook's in-text aside (debian-handbook's "B.A.-BA" boxes): content, not navigation. */
static bool boiler_name(const char *s, bool is_class)
{
    while (*s) {
        while (*s && is_space((unsigned char)*s))
            s++;
        const char *tok = s;
        while (*s && !is_space((unsigned char)*s))
            s++;
        size_t tl = (size_t)(s - tok);
        if (tl == 0 || (is_class && tl == 7 && strncasecmp(tok, "sidebar", 7) == 0))
            continue;
        const char *q = tok;
        while (q < s) {
            while (q < s && (*q == '-' || *q == '_'))
                q++;
            const char *w = q;
            while (q < s && *q != '-' && *q != '_')
                q++;
            if (q > w && boiler_part(w, (size_t)(q - w)))
                return true;
        }
    }
    return false;
}

static bool is_hidden(const elem_t *n)
{
    if (attr(n, "hidden"))
        return true;
    const char *v = attr(n, "aria-hidden");
    if (v && strcasecmp(v, "true") == 0)
        return true;
    v = attr(n, "style");
    if (v) {
        char c[256];
        size_t k = 0;
        for (const char *p = v; *p && k + 1 < sizeof c; p++)
            if (!is_space((unsigned char)*p))
                c[k++] = ascii_lower(*p);
        c[k] = '\0';
        if (strstr(c, "display:none") || strstr(c, "visibility:hidden"))
            return true;
    }
    return false;
}

static ch_status text_to(walk_t *w, sink_t *s, const char *t)
{
    return sink_text(s, t, strlen(t), &w->truncated);
}

/* Finish the anchor text of the current <a>. */
static ch_status anchor_end(walk_t *w)
{
    if (!w->anchor_node)
        return CH_OK;
    w->anchor_node = NULL;
    raw_link *l = &w->links[w->n_links - 1];
    size_t len;
    l->anchor = buf_steal(&w->anchor.b, &len);
    sink_init(&w->anchor, w->lim->max_field, 1);
    return l->anchor ? CH_OK : CH_ERR_NOMEM;
}

/* Remember a link as written; resolution happens after the walk, once <base> is known. */
static ch_status link_add(walk_t *w, const char *href, extract_link_kind kind, bool nofollow,
                          const char *hreflang)
{
    while (*href && is_space((unsigned char)*href))
        href++;
    /* Cheap early rejections: same-page fragments and schemes we never follow. */
    if (*href == '\0' || *href == '#' || strncasecmp(href, "javascript:", 11) == 0 ||
        strncasecmp(href, "mailto:", 7) == 0 || strncasecmp(href, "data:", 5) == 0 ||
        strncasecmp(href, "tel:", 4) == 0 || strlen(href) > RAW_URL_MAX)
        return CH_ERR_NOTFOUND;
    if (w->n_links >= w->lim->max_links) {
        w->truncated = true;
        return CH_ERR_LIMIT;
    }
    if (w->n_links == w->cap_links) {
        size_t nc = w->cap_links ? 2 * w->cap_links : 32;
        if (nc > w->lim->max_links)
            nc = w->lim->max_links;
        raw_link *nl = realloc(w->links, nc * sizeof *nl);
        if (!nl)
            return CH_ERR_NOMEM;
        w->links = nl;
        w->cap_links = nc;
    }
    raw_link *l = &w->links[w->n_links];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->nofollow = nofollow;
    l->href = strdup(href);
    l->hreflang = dup_trim(hreflang ? hreflang : "", 32);
    w->n_links++;
    if (!l->href || !l->hreflang)
        return CH_ERR_NOMEM;
    return CH_OK;
}

/* <meta http-equiv=refresh content="5; url=..."> -> the URL part, or NULL. */
static char *refresh_target(const char *c)
{
    while (*c && (is_space((unsigned char)*c) || (*c >= '0' && *c <= '9') || *c == '.'))
        c++;
    if (*c != ';' && *c != ',')
        return NULL;
    c++;
    while (*c && is_space((unsigned char)*c))
        c++;
    if (strncasecmp(c, "url", 3) == 0) {
        const char *p = c + 3;
        while (*p && is_space((unsigned char)*p))
            p++;
        if (*p == '=') {
            c = p + 1;
            while (*c && is_space((unsigned char)*c))
                c++;
        }
    }
    char q = 0;
    if (*c == '"' || *c == '\'')
        q = *c++;
    const char *e = c;
    while (*e && *e != q)
        e++;
    while (e > c && is_space((unsigned char)e[-1]))
        e--;
    if (e == c)
        return NULL;
    return dup_n(c, (size_t)(e - c));
}

static ch_status on_meta(walk_t *w, const elem_t *n)
{
    const char *name = attr(n, "name");
    const char *content = attr(n, "content");
    const char *equiv = attr(n, "http-equiv");
    if (!content)
        return CH_OK;
    if (equiv && strcasecmp(equiv, "refresh") == 0 && !w->refresh_raw) {
        w->refresh_raw = refresh_target(content);
        return CH_OK; /* NULL target: none, or no memory; both leave the field "" */
    }
    if (!name)
        return CH_OK;
    if (strcasecmp(name, "robots") == 0) {
        char tok[32];
        const char *p = content;
        while (*p) {
            while (*p && (is_space((unsigned char)*p) || *p == ','))
                p++;
            size_t k = 0;
            while (*p && !is_space((unsigned char)*p) && *p != ',') {
                if (k + 1 < sizeof tok)
                    tok[k++] = ascii_lower(*p);
                p++;
            }
            tok[k] = '\0';
            if (strcmp(tok, "noindex") == 0 || strcmp(tok, "none") == 0)
                w->noindex = true;
            if (strcmp(tok, "nofollow") == 0 || strcmp(tok, "none") == 0)
                w->nofollow = true;
        }
    } else if (strcasecmp(name, "rating") == 0 && !w->rating) {
        w->rating = dup_trim(content, w->lim->max_field);
        if (!w->rating)
            return CH_ERR_NOMEM;
    } else if (w->links_only) {
        return CH_OK;
    } else if (strcasecmp(name, "description") == 0 && !w->description_done) {
        w->description_done = true;
        return text_to(w, &w->description, content);
    } else if (strcasecmp(name, "keywords") == 0 && !w->keywords_done) {
        w->keywords_done = true;
        return text_to(w, &w->keywords, content);
    }
    return CH_OK;
}

static ch_status on_link_tag(walk_t *w, const elem_t *n)
{
    const char *rel = attr(n, "rel");
    const char *href = attr(n, "href");
    if (!rel || !href)
        return CH_OK;
    if (has_token(rel, "canonical") && !w->canonical_raw) {
        w->canonical_raw = strdup(href);
        return w->canonical_raw ? CH_OK : CH_ERR_NOMEM;
    }
    const char *hreflang = attr(n, "hreflang");
    if (has_token(rel, "alternate") && hreflang && *hreflang) {
        ch_status st = link_add(w, href, EXTRACT_LINK_ALTERNATE, false, hreflang);
        return st == CH_ERR_NOMEM ? st : CH_OK;
    }
    return CH_OK;
}

static bool rel_nofollow(const elem_t *n)
{
    const char *rel = attr(n, "rel");
    return rel &&
           (has_token(rel, "nofollow") || has_token(rel, "ugc") || has_token(rel, "sponsored"));
}

/* Called when the walk enters an element. Returns its frame flags; *skip when the subtree
 * must not be visited. */
static ch_status on_enter(walk_t *w, const elem_t *n, unsigned *flags, bool *skip)
{
    const char *name = n->name;
    unsigned f = 0;
    ch_status st = CH_OK;
    *skip = false;

    if (NAME_IN(name, skipped_tags)) {
        *skip = true;
        *flags = F_BLOCK;
        return CH_OK;
    }
    if (!NAME_IN(name, inline_tags))
        f |= F_BLOCK;

    if (name_is(n, "a") || name_is(n, "area")) {
        const char *href = attr(n, "href");
        if (href) {
            st = anchor_end(w);
            if (st != CH_OK)
                return st;
            st = link_add(w, href, EXTRACT_LINK_A, rel_nofollow(n), NULL);
            if (st == CH_OK && name_is(n, "a")) {
                w->anchor_node = n->id;
                f |= F_ANCHOR;
            } else if (st == CH_OK) {
                const char *alt = attr(n, "alt");
                w->links[w->n_links - 1].anchor = dup_trim(alt ? alt : "", w->lim->max_field);
                if (!w->links[w->n_links - 1].anchor)
                    return CH_ERR_NOMEM;
            } else if (st != CH_ERR_NOMEM) {
                st = CH_OK;
            }
        }
    } else if (name_is(n, "img")) {
        const char *alt = attr(n, "alt");
        if (alt && w->anchor_node)
            st = text_to(w, &w->anchor, alt);
    } else if (name_is(n, "meta")) {
        st = on_meta(w, n);
    } else if (name_is(n, "link")) {
        st = on_link_tag(w, n);
    } else if (name_is(n, "base")) {
        const char *href = attr(n, "href");
        if (href && !w->base_raw) {
            w->base_raw = strdup(href);
            st = w->base_raw ? CH_OK : CH_ERR_NOMEM;
        }
    } else if (name_is(n, "frame") || name_is(n, "iframe")) {
        const char *src = attr(n, "src");
        if (src) {
            st = link_add(w, src, EXTRACT_LINK_FRAME, false, NULL);
            if (st != CH_ERR_NOMEM)
                st = CH_OK;
        }
        if (name_is(n, "iframe"))
            *skip = true; /* its children are fallback text for old browsers */
    } else if (name_is(n, "html") && !n->node) {
        /* SAX: HTML attributes have no namespace; "xml:lang" is a plain name. */
        for (size_t i = 0; n->atts && n->atts[i]; i += 2) {
            const char *an = (const char *)n->atts[i], *av = (const char *)n->atts[i + 1];
            char **slot = strcasecmp(an, "lang") == 0       ? &w->lang
                          : strcasecmp(an, "xml:lang") == 0 ? &w->xml_lang
                                                            : NULL;
            if (!slot || *slot || !av)
                continue;
            *slot = dup_trim(av, LANG_ATTR_MAX);
            if (!*slot)
                return CH_ERR_NOMEM;
        }
    } else if (name_is(n, "html")) {
        for (xmlAttrPtr a = n->node->properties; a; a = a->next) {
            bool xml = (a->ns && a->ns->prefix && strcmp((const char *)a->ns->prefix, "xml") == 0 &&
                        strcmp((const char *)a->name, "lang") == 0) ||
                       strcasecmp((const char *)a->name, "xml:lang") == 0;
            bool plain = !a->ns && strcasecmp((const char *)a->name, "lang") == 0;
            char **slot = plain ? &w->lang : xml ? &w->xml_lang : NULL;
            if (!slot || *slot || !a->children || a->children->type != XML_TEXT_NODE)
                continue;
            *slot = dup_trim((const char *)a->children->content, LANG_ATTR_MAX);
            if (!*slot)
                return CH_ERR_NOMEM;
        }
    } else if (name_is(n, "title")) {
        if (!w->title_done)
            f |= F_TITLE;
    } else if (!w->links_only && name[0] == 'h' && name[1] >= '1' && name[1] <= '3' &&
               name[2] == '\0' && w->heading_level == 0 && w->hard == 0 && w->soft == 0) {
        w->heading_level = name[1] - '0';
        f |= F_HEAD1 << (w->heading_level - 1);
    }
    if (st != CH_OK || w->links_only) {
        *flags = f; /* what is text does not matter to the links (anchor text is not filtered) */
        return st;
    }

    /* What is text and what is not. */
    const char *role = attr(n, "role");
    if (name_is(n, "head") || name_is(n, "noscript") || name_is(n, "select") ||
        name_is(n, "noembed") || name_is(n, "noframes") || is_hidden(n)) {
        f |= F_HARD;
    } else if (name_is(n, "main") || name_is(n, "article") ||
               (role && strcasecmp(role, "main") == 0)) {
        f |= F_MAIN | F_ARTICLE;
    } else if (name_is(n, "nav") || name_is(n, "aside") ||
               ((name_is(n, "header") || name_is(n, "footer")) && w->article == 0)) {
        f |= F_SOFT;
    } else if (role && (strcasecmp(role, "navigation") == 0 || strcasecmp(role, "banner") == 0 ||
                        strcasecmp(role, "contentinfo") == 0 || strcasecmp(role, "menu") == 0 ||
                        strcasecmp(role, "menubar") == 0)) {
        f |= F_SOFT;
    } else if (!name_is(n, "html") && !name_is(n, "body")) {
        const char *cls = attr(n, "class");
        const char *id = attr(n, "id");
        if ((cls && (boiler_name(cls, true) || has_token(cls, "headerlink"))) ||
            (id && boiler_name(id, false)))
            f |= F_SOFT;
    }
    *flags = f;
    return CH_OK;
}

/* The walk enters element n with flags f (after on_enter): update counters and sinks. */
static void frame_push_state(walk_t *w, unsigned f, size_t *saved_soft)
{
    *saved_soft = w->soft;
    if (f & F_BLOCK) {
        sink_break(&w->text);
        sink_break(&w->anchor);
        if (w->heading_level)
            sink_break(&w->heading[w->heading_level - 1]);
    }
    if (f & F_HARD)
        w->hard++;
    if (f & F_SOFT)
        w->soft++;
    if (f & F_MAIN)
        w->soft = 0;
    if (f & F_ARTICLE)
        w->article++;
}

static ch_status frame_pop_state(walk_t *w, const void *id, unsigned f, size_t saved_soft)
{
    if (f & F_HARD)
        w->hard--;
    if (f & F_ARTICLE)
        w->article--;
    w->soft = saved_soft;
    if (f & (F_HEAD1 | F_HEAD2 | F_HEAD3)) {
        sink_break(&w->heading[w->heading_level - 1]);
        w->heading_level = 0;
    }
    if (f & F_TITLE)
        w->title_done = true;
    if (f & F_BLOCK) {
        sink_break(&w->text);
        sink_break(&w->anchor);
    }
    if ((f & F_ANCHOR) && w->anchor_node == id)
        return anchor_end(w);
    return CH_OK;
}

static ch_status on_text_n(walk_t *w, const char *t, size_t n)
{
    ch_status st = CH_OK;
    if (n == 0)
        return CH_OK;
    if (w->anchor_node)
        st = sink_text(&w->anchor, t, n, &w->truncated);
    if (st == CH_OK && w->hard == 0 && w->soft == 0 && !w->links_only) {
        st = sink_text(&w->text, t, n, &w->truncated);
        if (st == CH_OK && w->heading_level)
            st = sink_text(&w->heading[w->heading_level - 1], t, n, &w->truncated);
    }
    return st;
}

static ch_status on_text(walk_t *w, const char *t)
{
    return on_text_n(w, t, strlen(t));
}

static ch_status walk_tree(walk_t *w, xmlDocPtr doc)
{
    size_t max = w->lim->max_depth;
    frame_t *stack = calloc(max, sizeof *stack);
    if (!stack)
        return CH_ERR_NOMEM;
    size_t sp = 0;
    bool in_title = false;
    ch_status st = CH_OK;
    xmlNodePtr cur = doc->children;
    while (st == CH_OK) {
        if (cur == NULL) {
            if (sp == 0)
                break;
            frame_t *fr = &stack[--sp];
            if (fr->flags & F_TITLE)
                in_title = false;
            st = frame_pop_state(w, fr->node, fr->flags, fr->saved_soft);
            cur = fr->node->next;
            continue;
        }
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            const char *t = (const char *)cur->content;
            if (t && in_title)
                st = text_to(w, &w->title, t);
            else if (t)
                st = on_text(w, t);
            cur = cur->next;
            continue;
        }
        if (cur->type != XML_ELEMENT_NODE) {
            cur = cur->next;
            continue;
        }
        unsigned f = 0;
        bool skip = false;
        elem_t e = {(const char *)cur->name, cur, NULL, cur};
        st = on_enter(w, &e, &f, &skip);
        if (st != CH_OK)
            break;
        size_t saved;
        frame_push_state(w, f, &saved);
        if (f & F_TITLE)
            in_title = true;
        if (!skip && cur->children && sp < max) {
            stack[sp].node = cur;
            stack[sp].flags = f;
            stack[sp].saved_soft = saved;
            sp++;
            cur = cur->children;
            continue;
        }
        if (!skip && cur->children)
            w->truncated = true; /* too deep: the subtree is skipped */
        if (f & F_TITLE)
            in_title = false;
        st = frame_pop_state(w, cur, f, saved);
        cur = cur->next;
    }
    if (st == CH_OK)
        st = anchor_end(w);
    free(stack);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * The same walk driven by libxml2's SAX events, without building a tree (extract_links_only).
 *
 * The HTML parser emits exactly the events from which its SAX2 handlers would build the tree,
 * so applying on_enter / frame_pop_state at start and end tags, and on_text to character data,
 * visits the same elements and text in the same order as walk_tree. Two details of the tree
 * builder are mirrored: character data outside any element is dropped, and an element that
 * starts at the top level once the document already has an element as its first child is
 * attached under that first child (one level deeper). Comments and processing instructions
 * only matter for the depth cap: a node under an element at max_depth sets truncated.
 *
 * The tree builder also stops the whole parse in two cases, and so do we, at the same event:
 * an element opened with more than xmlParserMaxDepth elements open ("Excessive depth": the
 * element is dropped), and text that would grow one text node beyond XML_MAX_TEXT_LENGTH bytes
 * ("huge text node": the piece is dropped). Nothing after that point is seen in either mode. */

typedef struct {
    unsigned flags;
    size_t saved_soft;
} sax_frame_t;

enum { TOP_NONE, TOP_ELEMENT, TOP_OTHER };

typedef struct {
    walk_t *w;
    htmlParserCtxtPtr ctxt;
    sax_frame_t *stack; /* max_depth + 1 frames: elements at depth 0..max_depth are entered */
    size_t open;        /* elements open in the parser */
    size_t extra;       /* 1 while inside a late top-level element attached under the root */
    size_t ignore_from; /* 0, or the depth from which events are ignored */
    bool ignore_trunc;  /* ... because of the depth cap (events there set truncated) */
    bool in_title;
    bool halted;    /* the tree builder would have stopped the parse here */
    size_t run_len; /* bytes of the text (or CDATA) node the tree is appending to; 0 none */
    bool run_cdata;
    int top_first; /* what the tree's first top-level node would be */
    ch_status st;
} sax_t;

static void sax_fail(sax_t *s, ch_status st)
{
    if (s->st == CH_OK && st != CH_OK) {
        s->st = st;
        xmlStopParser(s->ctxt);
    }
}

/* Is an event at depth d (its number of tree ancestors) ignored? */
static bool sax_ignored(sax_t *s, size_t d)
{
    if (s->ignore_from == 0 || d < s->ignore_from)
        return false;
    if (s->ignore_trunc)
        s->w->truncated = true;
    return true;
}

/* Stop like the tree builder does (see above): no further event is looked at. */
static void sax_halt(sax_t *s)
{
    s->halted = true;
    xmlStopParser(s->ctxt);
}

/* The name the tree builder gives an element: xmlSAX2StartElement splits "prefix:local" with
 * xmlSplitQName even in HTML, so "<b:title>" is a title in the tree. Kept whole: a name that
 * starts or ends with ':' (xmlSplitQName's own exceptions). */
static const char *tree_element_name(const char *name)
{
    const char *colon = name[0] == ':' ? NULL : strchr(name, ':');
    return colon && colon[1] ? colon + 1 : name;
}

static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    sax_t *s = ctx;
    if (s->st != CH_OK || s->halted)
        return;
    s->run_len = 0;
    if (s->open > xmlParserMaxDepth) {
        sax_halt(s);
        return;
    }
    if (s->open == 0) {
        s->extra = s->top_first == TOP_ELEMENT ? 1 : 0;
        if (s->top_first == TOP_NONE)
            s->top_first = TOP_ELEMENT;
    }
    size_t d = s->open + s->extra;
    s->open++;
    if (sax_ignored(s, d))
        return;
    sax_frame_t *fr = &s->stack[d];
    elem_t e = {tree_element_name((const char *)name), NULL, atts, fr};
    unsigned f = 0;
    bool skip = false;
    ch_status st = on_enter(s->w, &e, &f, &skip);
    if (st != CH_OK) {
        sax_fail(s, st);
        return;
    }
    frame_push_state(s->w, f, &fr->saved_soft);
    fr->flags = f;
    if (f & F_TITLE)
        s->in_title = true;
    if (skip || d >= s->w->lim->max_depth) {
        s->ignore_from = d + 1;
        s->ignore_trunc = !skip;
    }
}

static void sax_end(void *ctx, const xmlChar *name)
{
    sax_t *s = ctx;
    (void)name;
    if (s->st != CH_OK || s->halted || s->open == 0)
        return;
    s->run_len = 0;
    s->open--;
    size_t d = s->open + s->extra;
    if (s->open == 0)
        s->extra = 0;
    if (s->ignore_from != 0 && d >= s->ignore_from)
        return;
    if (s->ignore_from == d + 1)
        s->ignore_from = 0;
    sax_frame_t *fr = &s->stack[d];
    if (fr->flags & F_TITLE)
        s->in_title = false;
    sax_fail(s, frame_pop_state(s->w, fr, fr->flags, fr->saved_soft));
}

/* A node other than an element or text (comment, processing instruction). */
static void sax_other_node(sax_t *s)
{
    if (s->st != CH_OK || s->halted)
        return;
    s->run_len = 0;
    if (s->open == 0) {
        if (s->top_first == TOP_NONE)
            s->top_first = TOP_OTHER;
        return;
    }
    (void)sax_ignored(s, s->open + s->extra);
}

static void sax_chars(sax_t *s, const xmlChar *ch, int len, bool cdata)
{
    if (s->st != CH_OK || s->halted || s->open == 0 || len <= 0)
        return;
    if (s->run_len > 0 && s->run_cdata == cdata) {
        if (s->run_len + (size_t)len > XML_MAX_TEXT_LENGTH) {
            sax_halt(s);
            return;
        }
        s->run_len += (size_t)len;
    } else {
        s->run_len = (size_t)len;
        s->run_cdata = cdata;
    }
    if (sax_ignored(s, s->open + s->extra))
        return;
    walk_t *w = s->w;
    ch_status st;
    if (s->in_title)
        st = sink_text(&w->title, (const char *)ch, (size_t)len, &w->truncated);
    else
        st = on_text_n(w, (const char *)ch, (size_t)len);
    sax_fail(s, st);
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    sax_chars(ctx, ch, len, false);
}

static void sax_cdata(void *ctx, const xmlChar *ch, int len)
{
    sax_chars(ctx, ch, len, true);
}

static void sax_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    sax_other_node(ctx);
}

static void sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    (void)data;
    sax_other_node(ctx);
}

static void sax_subset(void *ctx, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
    (void)name;
    (void)eid;
    (void)sid;
    sax_other_node(ctx);
}

/* Parse utf8[0..len) with the SAX handlers above, set up as htmlReadMemory(..., "UTF-8",
 * PARSE_OPTIONS) sets up its parser (options, then the UTF-8 input encoding, then the URL),
 * feeding w. No tree is built. */
static ch_status walk_sax(walk_t *w, const char *utf8, int len, const char *url)
{
    sax_t s;
    memset(&s, 0, sizeof s);
    s.w = w;
    s.stack = calloc(w->lim->max_depth + 1, sizeof *s.stack);
    if (!s.stack)
        return CH_ERR_NOMEM;
    s.ctxt = htmlCreateMemoryParserCtxt(utf8, len);
    if (!s.ctxt || !s.ctxt->sax) {
        if (s.ctxt)
            htmlFreeParserCtxt(s.ctxt);
        free(s.stack);
        return CH_ERR_NOMEM;
    }
    htmlSAXHandler *h = (htmlSAXHandler *)s.ctxt->sax;
    memset(h, 0, sizeof *h);
    h->internalSubset = sax_subset;
    h->startElement = sax_start;
    h->endElement = sax_end;
    h->characters = sax_text;
    h->cdataBlock = sax_cdata;
    h->comment = sax_comment;
    h->processingInstruction = sax_pi;
    h->initialized = 1;
    s.ctxt->userData = &s;
    htmlCtxtUseOptions(s.ctxt, PARSE_OPTIONS);
    s.ctxt->html = 1;
    xmlCharEncodingHandlerPtr enc = xmlFindCharEncodingHandler("UTF-8");
    if (enc && xmlSwitchToEncoding(s.ctxt, enc) == 0 && s.ctxt->input) {
        xmlFree((xmlChar *)(uintptr_t)s.ctxt->input->encoding);
        s.ctxt->input->encoding = xmlStrdup((const xmlChar *)"UTF-8");
    }
    if (s.ctxt->input && !s.ctxt->input->filename)
        s.ctxt->input->filename = (char *)xmlStrdup((const xmlChar *)url);
    htmlParseDocument(s.ctxt);
    if (s.ctxt->myDoc)
        xmlFreeDoc(s.ctxt->myDoc); /* not expected: no handler builds one */
    s.ctxt->myDoc = NULL;
    htmlFreeParserCtxt(s.ctxt);
    free(s.stack);
    if (s.st == CH_OK)
        s.st = anchor_end(w);
    return s.st;
}

/* ---------------------------------------------------------------------------------------------
 * Assembly of the result. */

void extract_page_free(extract_page_t *p)
{
    if (!p)
        return;
    free(p->title);
    free(p->description);
    free(p->keywords);
    free(p->h1);
    free(p->h2);
    free(p->h3);
    free(p->text);
    free(p->lang_attr);
    free(p->canonical);
    free(p->base);
    free(p->rating);
    free(p->refresh_url);
    free(p->charset_used);
    for (size_t i = 0; i < p->n_links; i++) {
        free(p->links[i].url);
        free(p->links[i].anchor);
        free(p->links[i].hreflang);
    }
    free(p->links);
    free(p);
}

static void walk_free(walk_t *w)
{
    buf_free(&w->title.b);
    buf_free(&w->description.b);
    buf_free(&w->keywords.b);
    for (int i = 0; i < 3; i++)
        buf_free(&w->heading[i].b);
    buf_free(&w->text.b);
    buf_free(&w->anchor.b);
    for (size_t i = 0; i < w->n_links; i++) {
        free(w->links[i].href);
        free(w->links[i].anchor);
        free(w->links[i].hreflang);
    }
    free(w->links);
    free(w->base_raw);
    free(w->canonical_raw);
    free(w->refresh_raw);
    free(w->rating);
    free(w->lang);
    free(w->xml_lang);
}

/* Steal a sink's text into *dst. */
static ch_status take(sink_t *s, char **dst)
{
    *dst = buf_steal(&s->b, NULL);
    return *dst ? CH_OK : CH_ERR_NOMEM;
}

/* *dst = src (ownership moves) or a new "" when src is NULL. */
static ch_status take_str(char **src, char **dst)
{
    *dst = *src ? *src : strdup("");
    *src = NULL;
    return *dst ? CH_OK : CH_ERR_NOMEM;
}

/* Resolve ref against base into *dst ("" when it does not resolve). */
static ch_status resolve_or_empty(const char *base, const char *ref, char **dst)
{
    char *u = NULL;
    if (ref && url_resolve_normalize(base, ref, &u) == CH_OK) {
        *dst = u;
        return CH_OK;
    }
    *dst = strdup("");
    return *dst ? CH_OK : CH_ERR_NOMEM;
}

/* Resolved links by their href up to '#'. A link's fragment never matters (normalisation drops
 * it, so it is left out before resolving: a fragment that is too long or has control characters
 * does not lose the link), and a page links to the same target many times with different
 * fragments (Python's os page: 619 links, 84 targets): one resolution serves them all. Open
 * addressing, at most half full; an entry's key is the href of the first link with it. */
typedef struct {
    const char *key; /* NULL: empty slot */
    size_t len;
    char *resolved; /* NULL when the link does not resolve (or is the page itself) */
} resolved_entry;

typedef struct {
    resolved_entry *slot;
    size_t mask;
} resolved_cache;

static uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The entry for href's key: found (*found true) or the empty slot where it goes. */
static resolved_entry *cache_slot(resolved_cache *c, const char *href, bool *found)
{
    size_t len = strcspn(href, "#");
    size_t i = (size_t)key_hash(href, len) & c->mask;
    while (c->slot[i].key && !(c->slot[i].len == len && memcmp(c->slot[i].key, href, len) == 0))
        i = (i + 1) & c->mask;
    *found = c->slot[i].key != NULL;
    c->slot[i].len = len;
    return &c->slot[i];
}

static ch_status assemble(walk_t *w, const char *url, extract_page_t *p)
{
    ch_status st;
    char *self = NULL;
    resolved_cache cache = {NULL, 0};
    (void)url_normalize(url, &self); /* NULL when the page URL is not http(s) */
    st = resolve_or_empty(url, w->base_raw, &p->base);
    if (st != CH_OK)
        goto out;
    const char *base = *p->base ? p->base : url;
    if ((st = resolve_or_empty(base, w->canonical_raw, &p->canonical)) != CH_OK ||
        (st = resolve_or_empty(base, w->refresh_raw, &p->refresh_url)) != CH_OK)
        goto out;
    p->links = w->n_links ? calloc(w->n_links, sizeof *p->links) : NULL;
    if (w->n_links && !p->links) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    size_t cap = 16;
    while (cap < 2 * w->n_links)
        cap *= 2;
    if (w->n_links && !(cache.slot = calloc(cap, sizeof *cache.slot))) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    cache.mask = cap - 1;
    for (size_t i = 0; i < w->n_links; i++) {
        raw_link *r = &w->links[i];
        bool found;
        resolved_entry *e = cache_slot(&cache, r->href, &found);
        if (!found) {
            e->key = r->href;
            char *target = dup_n(r->href, e->len);
            if (!target) {
                st = CH_ERR_NOMEM;
                goto out;
            }
            if (url_resolve_normalize(base, target, &e->resolved) == CH_OK && self &&
                strcmp(e->resolved, self) == 0) {
                free(e->resolved);
                e->resolved = NULL;
            }
            free(target);
        }
        if (!e->resolved)
            continue;
        char *u = strdup(e->resolved);
        if (!u) {
            st = CH_ERR_NOMEM;
            goto out;
        }
        extract_link *l = &p->links[p->n_links++];
        l->url = u;
        l->kind = r->kind;
        l->nofollow = r->nofollow;
        if ((st = take_str(&r->anchor, &l->anchor)) != CH_OK ||
            (st = take_str(&r->hreflang, &l->hreflang)) != CH_OK)
            goto out;
    }
    if ((st = take_str(w->lang && *w->lang ? &w->lang : &w->xml_lang, &p->lang_attr)) != CH_OK)
        goto out;
    if ((st = take(&w->title, &p->title)) != CH_OK ||
        (st = take(&w->description, &p->description)) != CH_OK ||
        (st = take(&w->keywords, &p->keywords)) != CH_OK ||
        (st = take(&w->heading[0], &p->h1)) != CH_OK ||
        (st = take(&w->heading[1], &p->h2)) != CH_OK ||
        (st = take(&w->heading[2], &p->h3)) != CH_OK ||
        (st = take_str(&w->rating, &p->rating)) != CH_OK)
        goto out;
    p->text = buf_steal(&w->text.b, &p->text_len);
    if (!p->text) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    p->robots_noindex = w->noindex;
    p->robots_nofollow = w->nofollow;
    p->truncated = w->truncated;
out:
    for (size_t i = 0; cache.slot && i <= cache.mask; i++)
        free(cache.slot[i].resolved);
    free(cache.slot);
    free(self);
    return st;
}

static ch_status extract_run(const char *body, size_t len, const char *content_type,
                             const char *url, const extract_limits *lim, bool links_only,
                             extract_page_t **out)
{
    extract_limits dl;
    ch_status st;
    xmlDocPtr doc = NULL;
    extract_page_t *p = NULL;
    buf_t utf8;
    walk_t w;
    char used[CHARSET_NAME_MAX + 1];

    *out = NULL;
    if (!url || (!body && len > 0))
        return CH_ERR_ARG;
    if (!lim) {
        extract_limits_default(&dl);
        lim = &dl;
    }
    if (lim->max_depth == 0)
        return CH_ERR_ARG;

    memset(&w, 0, sizeof w);
    w.lim = lim;
    w.links_only = links_only;
    sink_init(&w.title, lim->max_field, 1);
    sink_init(&w.description, lim->max_field, 1);
    sink_init(&w.keywords, lim->max_field, 1);
    for (int i = 0; i < 3; i++)
        sink_init(&w.heading[i], lim->max_headings, 2);
    sink_init(&w.text, lim->max_text, 2);
    sink_init(&w.anchor, lim->max_field, 1);

    bool cut = len > lim->max_input;
    if (cut) {
        len = lim->max_input;
        w.truncated = true;
    }
    /* Worst case growth of decode_body: 3 bytes out per byte in. */
    buf_init(&utf8, 3 * len + 16);
    st = decode_body(body ? body : "", len, cut, content_type, &utf8, used);
    if (st != CH_OK)
        goto out;
    if (utf8.len > INT_MAX) {
        st = CH_ERR_LIMIT;
        goto out;
    }

    p = calloc(1, sizeof *p);
    if (!p) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    p->charset_used = strdup(used);
    if (!p->charset_used) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    if (utf8.len > 0 && links_only) {
        st = walk_sax(&w, buf_str(&utf8), (int)utf8.len, url);
        if (st != CH_OK)
            goto out;
    } else if (utf8.len > 0) {
        doc = htmlReadMemory(buf_str(&utf8), (int)utf8.len, url, "UTF-8", PARSE_OPTIONS);
    }
    buf_free(&utf8);
    if (doc) {
        st = walk_tree(&w, doc);
        if (st != CH_OK)
            goto out;
    }
    st = assemble(&w, url, p);

out:
    if (doc)
        xmlFreeDoc(doc);
    buf_free(&utf8);
    walk_free(&w);
    if (st != CH_OK) {
        extract_page_free(p);
        return st;
    }
    *out = p;
    return CH_OK;
}

ch_status extract_page(const char *body, size_t len, const char *content_type, const char *url,
                       const extract_limits *lim, extract_page_t **out)
{
    return extract_run(body, len, content_type, url, lim, false, out);
}

ch_status extract_links_only(const char *body, size_t len, const char *content_type,
                             const char *url, const extract_limits *lim, extract_page_t **out)
{
    return extract_run(body, len, content_type, url, lim, true, out);
}
