/* HTML extraction: from the raw bytes of an HTTP body to the text, metadata and links that the
 * indexer stores and the crawler follows.
 *
 * Charset, in order (first that names an encoding iconv knows wins):
 *   1. a byte order mark (UTF-8, UTF-16LE/BE): as in the WHATWG encoding sniffing algorithm, a
 *      BOM is unambiguous and beats the header;
 *   2. the charset parameter of the Content-Type header;
 *   3. <meta charset> or <meta http-equiv=content-type content="...charset=..."> found by a
 *      prescan of the first 1024 bytes;
 *   4. UTF-8 when the bytes are valid UTF-8, else windows-1252.
 * Labels follow WHATWG: iso-8859-1, latin1 and us-ascii mean windows-1252; a <meta> naming
 * UTF-16 means UTF-8. The body is converted to UTF-8 with iconv(3); an invalid or undefined
 * byte becomes U+FFFD and conversion goes on (libxml2's own converter stops at the first bad
 * byte). The UTF-8 is then parsed by libxml2's HTML parser (recover, no network, no errors
 * printed, internal encoding declarations ignored).
 *
 * Text: whitespace collapsed; block elements end a line ("foo</p><p>bar" gives "foo\nbar"),
 * inline elements do not ("foo<b>bar</b>" gives "foobar"). Left out of the body text:
 *   - script, style, template, svg, math, iframe and select contents, and <head>;
 *   - noscript contents (their <meta refresh> and links are still read);
 *   - hidden elements: hidden attribute, aria-hidden="true", style display:none or
 *     visibility:hidden;
 *   - boilerplate: nav and aside; header and footer outside article/main; role navigation,
 *     banner, contentinfo, menu, menubar; class or id naming a navigation part ("nav",
 *     "navbar", "topnav", "menu", "footer", "sidebar", "sphinxsidebar", "breadcrumbs",
 *     "banner", "docnav", ...; "menuitem", "guimenu" and a class that is exactly "sidebar",
 * DocBook's in-text box, are not navigation). html, body, main, article and role=main are never
 * dropped for their class, and inside main/article/ role=main boilerplate dropped by class or tag
 * name resumes being text. Links inside boilerplate and hidden parts are kept (menus are how a
 * crawler finds pages).
 *
 * Links: <a href> and <area href> with their anchor text (an image's alt text counts), <frame
 * src>, <iframe src>, <link rel=alternate hreflang href>. Resolved against the first <base
 * href> (itself resolved against the page URL) or else the page URL, and normalised by
 * url_resolve_normalize (common/url.h): only http and https links are kept. A link that does
 * not resolve, or that points back to the page itself (after normalisation, e.g. "#top"), is
 * skipped. Duplicates are kept, in document order (each has its own anchor text).
 *
 * Bounded work, all caps in extract_limits: input bytes parsed (beyond: cut, truncated set),
 * element depth walked (deeper subtrees skipped), number of links, bytes of body text, bytes of
 * each short field. The walk is iterative with an explicit stack of max_depth frames.
 *
 * Thread safety: no state is kept between calls; calls in different threads are safe once
 * extract_global_init() has been called from the main thread before threads start. */
#ifndef CHOUETTE_EXTRACT_H
#define CHOUETTE_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/status.h"

#define EXTRACT_DEFAULT_MAX_INPUT (10u * 1024 * 1024) /* body bytes parsed */
#define EXTRACT_DEFAULT_MAX_DEPTH 256u                /* element nesting walked */
#define EXTRACT_DEFAULT_MAX_LINKS 5000u               /* links kept per page */
#define EXTRACT_DEFAULT_MAX_TEXT (2u * 1024 * 1024)   /* bytes of body text */
#define EXTRACT_DEFAULT_MAX_HEADINGS (16u * 1024)     /* bytes of h1 (and of h2, of h3) text */
#define EXTRACT_DEFAULT_MAX_FIELD 1024u /* title, description, keywords, rating, anchor text */

typedef struct {
    size_t max_input;    /* bytes of body parsed; the rest is ignored (truncated = true) */
    size_t max_depth;    /* element depth walked; deeper subtrees are skipped; >= 1 */
    size_t max_links;    /* <a>, <area>, frames and alternates collected */
    size_t max_text;     /* bytes of body text */
    size_t max_headings; /* bytes of each of h1, h2, h3 */
    size_t max_field;    /* bytes of title, description, keywords, rating, each anchor text */
} extract_limits;

typedef enum {
    EXTRACT_LINK_A,         /* <a href> or <area href> */
    EXTRACT_LINK_FRAME,     /* <frame src> or <iframe src> */
    EXTRACT_LINK_ALTERNATE, /* <link rel=alternate hreflang=.. href> */
} extract_link_kind;

typedef struct {
    char *url;      /* resolved, normalised http(s) URL */
    char *anchor;   /* anchor text, whitespace collapsed; "" when none */
    char *hreflang; /* hreflang of an alternate; "" otherwise */
    extract_link_kind kind;
    bool nofollow; /* the link's own rel has nofollow, ugc or sponsored (robots_nofollow is
                      separate and applies to every link of the page) */
} extract_link;

/* Everything found in a page. Every string is non-NULL and NUL-terminated; "" means absent.
 * All memory belongs to the extract_page_t and is released by extract_page_free. */
typedef struct {
    char *title;        /* first <title>, collapsed */
    char *description;  /* first <meta name=description> */
    char *keywords;     /* first <meta name=keywords> */
    char *h1, *h2, *h3; /* headings of that level outside boilerplate, one per line */
    char *text;         /* body text, see above */
    size_t text_len;    /* strlen(text) */
    char *lang_attr;    /* <html lang> or else <html xml:lang>, as written (trimmed) */
    char *canonical;    /* <link rel=canonical>, resolved and normalised */
    char *base;         /* <base href>, resolved and normalised */
    char *rating;      /* <meta name=rating> content, e.g. "adult", "RTA-5042-1996-1400-1577-RTA" */
    char *refresh_url; /* <meta http-equiv=refresh> target (also inside noscript), resolved */
    char *charset_used; /* the encoding the bytes were read as, e.g. "UTF-8", "windows-1252" */
    extract_link *links;
    size_t n_links;
    bool robots_noindex;  /* <meta name=robots> says noindex or none */
    bool robots_nofollow; /* <meta name=robots> says nofollow or none */
    bool truncated;       /* a cap in extract_limits was hit somewhere */
} extract_page_t;

/* Fill lim with the EXTRACT_DEFAULT_* values. */
void extract_limits_default(extract_limits *lim);

/* Initialise libxml2 once, from the main thread, before threads call extract_*. Harmless to
 * call more than once. */
void extract_global_init(void);

/* Extract a page. body/len: the raw HTTP body (need not be NUL-terminated; len 0 is an empty
 * page). content_type: the Content-Type header value ("text/html; charset=ISO-8859-1") or a bare
 * charset name, or NULL. url: the page URL, used to resolve links (required; a non-http(s) URL
 * yields no links). lim: NULL for the defaults. On success *out is a new page for
 * extract_page_free. Errors: CH_ERR_ARG (NULL url, NULL body with len > 0, a zero max_depth),
 * CH_ERR_NOMEM; *out is then NULL. Malformed HTML is not an error: whatever the recovering
 * parser builds is used. */
ch_status extract_page(const char *body, size_t len, const char *content_type, const char *url,
                       const extract_limits *lim, extract_page_t **out);

/* The same for the crawler: only links, base, canonical, refresh_url, robots flags, rating,
 * lang_attr, title and charset_used are filled; text, headings, description and keywords stay
 * "". Same charset handling, parser, options and limits, but driven by libxml2's SAX events
 * without building a document tree: the filled fields are those extract_page gives (checked by
 * tests/unit/test_extract.c and tests/fuzz/fuzz_extract.c); truncated may be false where
 * extract_page's is true because of a text cap. Arguments, errors and ownership as extract_page. */
ch_status extract_links_only(const char *body, size_t len, const char *content_type,
                             const char *url, const extract_limits *lim, extract_page_t **out);

/* Free a page from extract_page or extract_links_only; NULL is allowed. */
void extract_page_free(extract_page_t *p);

#endif
