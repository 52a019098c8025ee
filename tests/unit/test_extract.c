#include <dirent.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "indexer/extract.h"

/* Read tests/fixtures/html/NAME (relative to $TOP, else the current directory). */
static char *fixture(const char *name, size_t *len)
{
    const char *top = getenv("TOP");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/html/%s", top ? top : ".", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

static extract_page_t *extract_fixture(const char *name, const char *ct, const char *url)
{
    size_t len;
    char *b = fixture(name, &len);
    extract_page_t *p = NULL;
    assert_int_equal(extract_page(b, len, ct, url, NULL, &p), CH_OK);
    assert_non_null(p);
    free(b);
    return p;
}

static extract_page_t *extract_str(const char *html, const char *ct, const extract_limits *lim)
{
    extract_page_t *p = NULL;
    assert_int_equal(
        extract_page(html, strlen(html), ct, "http://example.com/dir/page.html", lim, &p), CH_OK);
    assert_non_null(p);
    return p;
}

static const extract_link *find_link(const extract_page_t *p, const char *url)
{
    for (size_t i = 0; i < p->n_links; i++)
        if (strcmp(p->links[i].url, url) == 0)
            return &p->links[i];
    return NULL;
}

static bool valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t l = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (c >= 0x80 && (c < 0xC2 || c > 0xF4))
            return false;
        if (i + l > n)
            return false;
        for (size_t k = 1; k < l; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return false;
        i += l;
    }
    return true;
}

/* --- charsets --------------------------------------------------------------------------- */

static void test_meta_charset_latin1(void **state)
{
    (void)state;
    extract_page_t *p = extract_fixture("meta-latin1.html", NULL, "http://example.com/");
    assert_string_equal(p->charset_used, "windows-1252");
    assert_string_equal(p->title, "Caf\xC3\xA9 cr\xC3\xA8me");
    assert_string_equal(p->text, "Le caf\xC3\xA9 est servi \xC3\xA0 la fran\xC3\xA7"
                                 "aise.");
    assert_string_equal(p->lang_attr, "fr");
    extract_page_free(p);
}

static void test_undeclared_cp1252_fallback(void **state)
{
    (void)state;
    extract_page_t *p = extract_fixture("undeclared-cp1252.html", NULL, "http://example.com/");
    assert_string_equal(p->charset_used, "windows-1252");
    /* 0x92 is U+2019 and 0x80 is the euro sign in windows-1252 (not C1 controls). */
    assert_string_equal(p->title, "L\xE2\x80\x99\xC3\xA9t\xC3\xA9");
    assert_string_equal(p->text, "C\xE2\x80\x99"
                                 "est l\xE2\x80\x99\xC3\xA9t\xC3\xA9 \xE2\x82\xAC Paris.");
    extract_page_free(p);
}

static void test_header_charset_beats_meta(void **state)
{
    (void)state;
    extract_page_t *p =
        extract_fixture("header-beats-meta.html", "text/html; charset=\"UTF-8\"", "http://x.org/");
    assert_string_equal(p->charset_used, "UTF-8");
    assert_string_equal(p->title, "Na\xC3\xAFve r\xC3\xA9sum\xC3\xA9");
    assert_string_equal(p->text, "\xC3\x89l\xC3\xA8ve \xE2\x80\x94 \xC3\xA9"
                                 "cole");
    extract_page_free(p);
    /* Without the header the (lying) meta is believed: each UTF-8 byte becomes a character. */
    p = extract_fixture("header-beats-meta.html", NULL, "http://x.org/");
    assert_string_equal(p->charset_used, "windows-1252");
    assert_string_equal(p->title, "Na\xC3\x83\xC2\xAFve r\xC3\x83\xC2\xA9sum\xC3\x83\xC2\xA9");
    extract_page_free(p);
    /* A bare charset name is accepted as well, and an unknown one falls through to the meta. */
    p = extract_fixture("header-beats-meta.html", "utf-8", "http://x.org/");
    assert_string_equal(p->charset_used, "UTF-8");
    extract_page_free(p);
    p = extract_fixture("header-beats-meta.html", "text/html; charset=no-such-charset",
                        "http://x.org/");
    assert_string_equal(p->charset_used, "windows-1252");
    extract_page_free(p);
}

static void test_bom_beats_meta_and_header(void **state)
{
    (void)state;
    extract_page_t *p =
        extract_fixture("bom-utf8.html", "text/html; charset=iso-8859-1", "http://x.org/");
    assert_string_equal(p->charset_used, "UTF-8");
    assert_string_equal(p->title, "\xC3\xA9t\xC3\xA9 \xE2\x98\x83");
    assert_string_equal(p->text, "Bonhomme de neige \xE2\x98\x83 en \xC3\xA9t\xC3\xA9");
    extract_page_free(p);
}

static void test_utf16le_bom(void **state)
{
    (void)state;
    const char *ascii = "<html><head><title>Sixteen</title></head><body><p>caf?</p></body></html>";
    size_t n = strlen(ascii);
    char *b = malloc(2 + 2 * n);
    assert_non_null(b);
    b[0] = (char)0xFF;
    b[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        b[2 + 2 * i] = ascii[i] == '?' ? (char)0xE9 : ascii[i];
        b[3 + 2 * i] = 0;
    }
    extract_page_t *p = NULL;
    assert_int_equal(extract_page(b, 2 + 2 * n, NULL, "http://x.org/", NULL, &p), CH_OK);
    assert_string_equal(p->charset_used, "UTF-16LE");
    assert_string_equal(p->title, "Sixteen");
    assert_string_equal(p->text, "caf\xC3\xA9");
    extract_page_free(p);
    free(b);
}

static void test_invalid_utf8_replaced_and_nul(void **state)
{
    (void)state;
    static const char html[] = "<p>ok \xFF\xC3 end</p><p>a\0b</p>";
    extract_page_t *p = NULL;
    assert_int_equal(
        extract_page(html, sizeof html - 1, "text/html;charset=utf-8", "http://x.org/", NULL, &p),
        CH_OK);
    assert_string_equal(p->charset_used, "UTF-8");
    assert_string_equal(p->text, "ok \xEF\xBF\xBD\xEF\xBF\xBD end\na b");
    extract_page_free(p);
}

static void test_meta_http_equiv_prescan(void **state)
{
    (void)state;
    /* A comment holding a decoy meta, then the real declaration through http-equiv. */
    extract_page_t *p = extract_str("<!-- <meta charset=koi8-r> --><meta content='text/html; "
                                    "charset=ISO-8859-15' http-equiv=Content-Type><p>\xA4</p>",
                                    NULL, NULL);
    assert_string_equal(p->charset_used, "ISO-8859-15");
    assert_string_equal(p->text, "\xE2\x82\xAC"); /* 0xA4 is the euro sign in latin-9 */
    extract_page_free(p);
}

/* --- links ------------------------------------------------------------------------------- */

static void test_links_base_href(void **state)
{
    (void)state;
    extract_page_t *p =
        extract_fixture("links-base.html", NULL, "http://example.com/docs/v2/page.html");
    assert_string_equal(p->base, "http://example.com/docs/v2/");
    assert_string_equal(p->canonical, "http://example.com/docs/canonical-page.html?b=2&a=1");
    assert_string_equal(p->lang_attr, "en-GB");

    const extract_link *l = find_link(p, "http://example.com/docs/v2/intro.html");
    assert_non_null(l);
    assert_string_equal(l->anchor, "the introduction");
    assert_false(l->nofollow);
    assert_int_equal(l->kind, EXTRACT_LINK_A);

    l = find_link(p, "http://example.com/docs/v1/old.html");
    assert_non_null(l);
    assert_true(l->nofollow);
    assert_string_equal(l->anchor, "old docs");

    l = find_link(p, "https://other.example.com/a/c?q=1");
    assert_non_null(l);
    assert_true(l->nofollow); /* rel=ugc */

    l = find_link(p, "http://example.com/docs/v2/pics.html");
    assert_non_null(l);
    assert_string_equal(l->anchor, "Picture gallery"); /* img alt */

    l = find_link(p, "https://example.org/fr/page.html");
    assert_non_null(l);
    assert_int_equal(l->kind, EXTRACT_LINK_ALTERNATE);
    assert_string_equal(l->hreflang, "fr");

    l = find_link(p, "http://example.com/docs/v2/frame-in.html");
    assert_non_null(l);
    assert_int_equal(l->kind, EXTRACT_LINK_FRAME);
    assert_string_equal(l->anchor, "");

    l = find_link(p, "http://example.com/area-target");
    assert_non_null(l);
    assert_string_equal(l->anchor, "Area alt");

    /* Self link (page.html through the base), fragments, javascript:, mailto:, data:, the RSS
     * alternate without hreflang and the stylesheet are not links. */
    assert_null(find_link(p, "http://example.com/docs/v2/page.html"));
    assert_null(find_link(p, "http://example.com/feed.xml"));
    assert_null(find_link(p, "http://example.com/docs/v2/style.css"));
    assert_int_equal(p->n_links, 7);
    for (size_t i = 0; i < p->n_links; i++)
        assert_true(strncmp(p->links[i].url, "http", 4) == 0);
    /* iframe fallback text is not page text. */
    assert_null(strstr(p->text, "fallback"));
    assert_false(p->truncated);
    extract_page_free(p);
}

static void test_links_without_base_and_frameset(void **state)
{
    (void)state;
    extract_page_t *p = extract_fixture("frameset.html", NULL, "https://example.com/dir/x.html");
    assert_int_equal(p->n_links, 2);
    assert_string_equal(p->links[0].url, "https://example.com/dir/menu.html");
    assert_string_equal(p->links[1].url, "https://example.com/dir/main.html");
    assert_int_equal(p->links[0].kind, EXTRACT_LINK_FRAME);
    assert_string_equal(p->base, "");
    extract_page_free(p);
}

/* Links to one target with different fragments are resolved once and kept each with its own
 * anchor text; a repeated link that does not resolve, or that is the page itself under another
 * fragment, is dropped every time; the order of the page is kept. A fragment never matters: one
 * with a control character or far too long loses nothing. */
static void test_links_same_target_many_fragments(void **state)
{
    (void)state;
    extract_page_t *p = extract_str(
        "<html><body><a href='a.html#one'>One</a> <a href='http://[::1'>bad</a> "
        "<a href='page.html#top'>top</a> <a href='a.html#two'>Two</a> <a href='b.html'>B</a> "
        "<a href='http://[::1'>bad again</a> <a href='page.html#end'>end</a> "
        "<a href='a.html'>Three</a> <a href='a.html?x#one'>Four</a> "
        "<a href='c.html#a\x01b'>C</a></body></html>",
        NULL, NULL);
    assert_int_equal(p->n_links, 6);
    const char *urls[] = {"http://example.com/dir/a.html",   "http://example.com/dir/a.html",
                          "http://example.com/dir/b.html",   "http://example.com/dir/a.html",
                          "http://example.com/dir/a.html?x", "http://example.com/dir/c.html"};
    const char *anchors[] = {"One", "Two", "B", "Three", "Four", "C"};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(p->links[i].url, urls[i]);
        assert_string_equal(p->links[i].anchor, anchors[i]);
    }
    extract_page_free(p);
    /* many targets of the same length, each twice: keys that share a slot of the cache stay
     * apart */
    enum { TARGETS = 400 };
    static char html[TARGETS * 64 + 64];
    size_t off = (size_t)snprintf(html, sizeof html, "<html><body>");
    for (int i = 0; i < TARGETS; i++)
        off += (size_t)snprintf(html + off, sizeof html - off,
                                "<a href='p%04d.html#x'>x</a><a href='p%04d.html#y'>y</a>", i, i);
    snprintf(html + off, sizeof html - off, "</body></html>");
    p = extract_str(html, NULL, NULL);
    assert_int_equal(p->n_links, 2 * TARGETS);
    for (int i = 0; i < 2 * TARGETS; i++) {
        char want[64];
        snprintf(want, sizeof want, "http://example.com/dir/p%04d.html", i / 2);
        assert_string_equal(p->links[i].url, want);
    }
    extract_page_free(p);
}

static void test_links_only_matches_full_extraction(void **state)
{
    (void)state;
    size_t len;
    char *b = fixture("python-os.path.html", &len);
    extract_page_t *full = NULL, *lo = NULL;
    const char *url = "http://docs.example/library/os.path.html";
    assert_int_equal(extract_page(b, len, NULL, url, NULL, &full), CH_OK);
    assert_int_equal(extract_links_only(b, len, NULL, url, NULL, &lo), CH_OK);
    assert_int_equal(lo->n_links, full->n_links);
    for (size_t i = 0; i < lo->n_links; i++) {
        assert_string_equal(lo->links[i].url, full->links[i].url);
        assert_string_equal(lo->links[i].anchor, full->links[i].anchor);
    }
    assert_string_equal(lo->text, "");
    assert_string_equal(lo->h1, "");
    assert_string_equal(lo->title, full->title);
    extract_page_free(full);
    extract_page_free(lo);
    free(b);
}

/* --- SAX (extract_links_only) against the tree (extract_page) ------------------------------ */

/* extract_links_only parses with libxml2's SAX interface, extract_page walks libxml2's tree:
 * every field the crawler reads must come out identical. Returns the number of links. */
static size_t same_links_both_ways(const char *b, size_t len, const char *ct, const char *url,
                                   const extract_limits *lim)
{
    extract_page_t *full = NULL, *lo = NULL;
    assert_int_equal(extract_page(b, len, ct, url, lim, &full), CH_OK);
    assert_int_equal(extract_links_only(b, len, ct, url, lim, &lo), CH_OK);
    assert_int_equal(lo->n_links, full->n_links);
    for (size_t i = 0; i < lo->n_links; i++) {
        assert_string_equal(lo->links[i].url, full->links[i].url);
        assert_string_equal(lo->links[i].anchor, full->links[i].anchor);
        assert_string_equal(lo->links[i].hreflang, full->links[i].hreflang);
        assert_int_equal(lo->links[i].kind, full->links[i].kind);
        assert_int_equal(lo->links[i].nofollow, full->links[i].nofollow);
    }
    assert_string_equal(lo->base, full->base);
    assert_string_equal(lo->canonical, full->canonical);
    assert_string_equal(lo->refresh_url, full->refresh_url);
    assert_string_equal(lo->rating, full->rating);
    assert_string_equal(lo->title, full->title);
    assert_string_equal(lo->lang_attr, full->lang_attr);
    assert_string_equal(lo->charset_used, full->charset_used);
    assert_int_equal(lo->robots_noindex, full->robots_noindex);
    assert_int_equal(lo->robots_nofollow, full->robots_nofollow);
    /* Only link, field and depth caps apply to links_only; extract_page may also cut text. */
    if (lo->truncated)
        assert_true(full->truncated);
    assert_string_equal(lo->text, "");
    assert_string_equal(lo->h1, "");
    assert_string_equal(lo->description, "");
    size_t n = lo->n_links;
    extract_page_free(full);
    extract_page_free(lo);
    return n;
}

static void small_limits(extract_limits *lim)
{
    extract_limits_default(lim);
    lim->max_depth = 6;
    lim->max_links = 3;
    lim->max_field = 8;
    lim->max_input = 700;
}

static void test_sax_matches_tree_fixtures(void **state)
{
    (void)state;
    static const char *const names[] = {
        "boilerplate.html",
        "bom-utf8.html",
        "debian-handbook-en-apt-get.html",
        "debian-handbook-fr-apt-get.html",
        "frameset.html",
        "header-beats-meta.html",
        "libreoffice-fr-find_toolbar.html",
        "links-base.html",
        "meta-latin1.html",
        "meta-robots-none.html",
        "meta-robots-refresh.html",
        "python-os.path.html",
        "undeclared-cp1252.html",
    };
    extract_limits small;
    small_limits(&small);
    size_t total = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len;
        char *b = fixture(names[i], &len);
        total += same_links_both_ways(b, len, NULL, "http://example.com/dir/page.html", NULL);
        (void)same_links_both_ways(b, len, "text/html; charset=iso-8859-1", "https://example.com/",
                                   NULL);
        (void)same_links_both_ways(b, len, NULL, "http://example.com/dir/page.html", &small);
        free(b);
    }
    assert_true(total > 100);
}

/* Odd markup: nested and unclosed anchors, images in anchors, title oddities, content after
 * </html>, comments and PIs at the depth cap, noscript refresh, boolean and empty attributes. */
static void test_sax_matches_tree_snippets(void **state)
{
    (void)state;
    static const char *const snippets[] = {
        "<a href=a1>one <a href=a2>two</a> three</a> four <a href=a3><img alt=pic> x</a>",
        "<p><a href=p1>para <b>bold</b> text<p>next</a> <area href=ar alt=' area alt '>",
        "<title>T1</title><title>T2</title><a href=x>after</a>",
        "<html lang=' fr '><title>a <b>b</b> &amp; c</title>",
        "<html xml:lang=de><head><title> x  y </title></head></html><p><a href=late>late</a>",
        "<!-- c --><html lang=en></html><div><a href=after>after html</a></div>",
        "<html></html><!--x--><a href=z>z</a><?pi x?><a href=y>y</a>",
        "<!DOCTYPE html><html><body><div><div><div><div><div><a href=deep>deep "
        "text</a><!--c--></div></div></div></div></div></body></html>",
        "<div><div><div><div><?pi?></div></div></div></div><a href=q>q</a>",
        "<noscript><meta http-equiv=refresh content='0; url=/js-off'></noscript>",
        "<meta name=robots content='NOFOLLOW, noindex'><a href=x rel='UGC'>x</a>",
        "<base href='http://other.org/b/'><link rel=canonical href=c><link rel=alternate "
        "hreflang=fr href=/fr/><a href=rel>r</a>",
        "<frameset><frame src=f1><frame src=f2></frameset><iframe src=if>fallback "
        "<a href=no>no</a></iframe>",
        "<script><a href=s>s</a></script><style>a{}</style><svg><a href=v>v</a></svg>"
        "<a href=ok>ok</a>",
        "<a href=x>\xC2\xA0 nb\xC2\xA0sp &nbsp; </a><a href=y>a&#10;b</a>",
        "<table><tr><td><a href=t1>cell</a><td>x<a href=t2>cell2</table>",
        "<a href>empty</a><a href=''>e2</a><a href='#top'>top</a><a href=javascript:x>j</a>",
        "<select><option><a href=o>o</a></select><textarea><a href=ta>t</a></textarea>",
        "text before<html><a href=x>x</a>",
        "<a href=1>1</a><a href=2>2</a><a href=3>3</a><a href=4>4</a><a href=5>5</a>",
        "<a href=long>aaaaaaaaa\xC3\xA9\xC3\xA9\xC3\xA9 bbbbbbbbbbbbbbbbbbb</a>",
        "<meta name=rating content=' adult '><html lang=xx><body lang=yy>",
        "<![CDATA[x]]><a href=cd>c<![CDATA[d]]></a>",
        "</a></p></div><a href=stray>stray</a></html></html><a href=after2>2</a>",
        /* prefixed names: the tree builder splits them (xmlSplitQName), "b:title" is a title
         * (fuzz_charset, CI 2026-12-06) */
        "<b:title>prefixed</b:title><x:a href=px>px</x:a><:a href=c1>c</:a><a: href=c2>c2</a:>",
    };
    extract_limits small;
    small_limits(&small);
    small.max_depth = 4;
    for (size_t i = 0; i < sizeof snippets / sizeof snippets[0]; i++) {
        const char *s = snippets[i];
        (void)same_links_both_ways(s, strlen(s), NULL, "http://example.com/dir/page.html", NULL);
        (void)same_links_both_ways(s, strlen(s), NULL, "http://example.com/dir/page.html", &small);
    }
    /* Deep nesting at the default and a small depth cap. */
    buf_t b;
    buf_init(&b, 1u << 20);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(buf_append_str(&b, i % 7 == 0 ? "<div><a href=d>d" : "<span>x"), CH_OK);
    (void)same_links_both_ways(b.data, b.len, NULL, "http://x.org/", NULL);
    (void)same_links_both_ways(b.data, b.len, NULL, "http://x.org/", &small);
    buf_free(&b);
}

/* libxml2's tree builder gives up on the whole parse past xmlParserMaxDepth (256) open
 * elements and when one text node would exceed 10,000,000 bytes; the SAX walk must stop at
 * the same point (links before it kept, links after it lost in both). */
static void test_sax_matches_tree_parser_limits(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 12u << 20);
    assert_int_equal(buf_append_str(&b, "<a href=before>before</a>"), CH_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(buf_append_str(&b, i == 255 ? "<div>t<a href=at255>x</a>" : "<div>"),
                         CH_OK);
    assert_int_equal(buf_append_str(&b, "<a href=after>after</a>"), CH_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(buf_append_str(&b, "</div>"), CH_OK);
    assert_int_equal(buf_append_str(&b, "<a href=end>end</a>"), CH_OK);
    size_t n = same_links_both_ways(b.data, b.len, NULL, "http://x.org/", NULL);
    assert_true(n >= 1 && n < 4); /* the links after the cut are gone in both */
    extract_limits lim;
    extract_limits_default(&lim);
    lim.max_depth = 1000;
    (void)same_links_both_ways(b.data, b.len, NULL, "http://x.org/", &lim);

    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "<p><a href=before>before</a>"), CH_OK);
    for (int i = 0; i < 10100; i++) {
        char chunk[1001];
        memset(chunk, i % 3 == 0 ? ' ' : 'x', 1000);
        chunk[1000] = '\0';
        assert_int_equal(buf_append_str(&b, chunk), CH_OK);
    }
    assert_int_equal(buf_append_str(&b, "<a href=after>after</a>"), CH_OK);
    lim.max_input = b.len;
    n = same_links_both_ways(b.data, b.len, NULL, "http://x.org/", &lim);
    assert_int_equal(n, 1);
    buf_free(&b);
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Up to max .html files under dir (sorted, recursive), or 0 files when dir is absent. */
static size_t list_html(const char *dir, char **out, size_t max, size_t n)
{
    DIR *d = opendir(dir);
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        int k = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        assert_true(k > 0 && (size_t)k < sizeof path);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        size_t l = strlen(path);
        if (S_ISDIR(sb.st_mode))
            n = list_html(path, out, max, n);
        else if (S_ISREG(sb.st_mode) && l > 5 && strcmp(path + l - 5, ".html") == 0)
            out[n++] = strdup(path);
    }
    closedir(d);
    return n;
}

static void test_sax_matches_tree_python_docs(void **state)
{
    (void)state;
    enum { MAX_FILES = 400 };
    char *files[MAX_FILES];
    size_t n = list_html("/usr/share/doc/python3.11/html", files, MAX_FILES, 0);
    if (n == 0)
        skip();
    qsort(files, n, sizeof files[0], path_cmp);
    size_t links = 0;
    for (size_t i = 0; i < n; i++) {
        assert_non_null(files[i]);
        FILE *f = fopen(files[i], "rb");
        assert_non_null(f);
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        long sz = ftell(f);
        assert_true(sz >= 0);
        rewind(f);
        char *b = malloc((size_t)sz + 1);
        assert_non_null(b);
        assert_int_equal(fread(b, 1, (size_t)sz, f), (size_t)sz);
        fclose(f);
        links += same_links_both_ways(b, (size_t)sz, NULL,
                                      "https://docs.python.org/3.11/library/x.html", NULL);
        free(b);
        free(files[i]);
    }
    assert_true(links > 1000);
}

/* --- text and boilerplate ------------------------------------------------------------------ */

static void test_boilerplate_and_hidden_removed(void **state)
{
    (void)state;
    extract_page_t *p = extract_fixture("boilerplate.html", NULL, "http://example.com/b.html");
    static const char *const absent[] = {
        "STYLEWORD",      "SCRIPTWORD",       "HEADERWORD",  "NAVWORD",     "BREADCRUMBWORD",
        "SIDEBARWORD",    "SIDEBAR2WORD",     "MENUWORD",    "ROLENAVWORD", "SPHINXWORD",
        "ASIDEWORD",      "HIDDENWORD1",      "HIDDENWORD2", "HIDDENWORD3", "HIDDENWORD4",
        "NOSCRIPTWORD",   "TEMPLATEWORD",     "SVGWORD",     "OPTIONWORD",  "FOOTERWORD",
        "PAGEFOOTERWORD", "Boilerplate test",
    };
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        if (strstr(p->text, absent[i]))
            fail_msg("%s found in the body text", absent[i]);
    }
    /* Blocks do not glue words; inline elements do not split them. */
    assert_non_null(strstr(p->text, "foo\nbar"));
    assert_non_null(strstr(p->text, "one\ntwo\nthree\nfour"));
    assert_non_null(strstr(p->text, "inline text with nbsp"));
    /* Class names that merely contain "menu" are content. */
    assert_non_null(strstr(p->text, "Use Format then Edit."));
    /* header/footer inside an article, and role=main inside a "nav" wrapper, are content. */
    assert_non_null(strstr(p->text, "Article title"));
    assert_non_null(strstr(p->text, "Article footer stays"));
    assert_non_null(strstr(p->text, "Main inside nav wrapper stays."));
    assert_non_null(strstr(p->text, "DocBook box stays"));
    assert_int_equal(strlen(p->text), p->text_len);
    assert_string_equal(p->title, "Boilerplate test");
    assert_string_equal(p->description, "A page to test boilerplate removal.");
    assert_string_equal(p->keywords, "alpha, beta");
    assert_string_equal(p->h1, "Article title");
    assert_string_equal(p->h2, "Second level\nAnother second");
    assert_string_equal(p->h3, "Third");
    /* The nav link is still a link. */
    const extract_link *l = find_link(p, "http://example.com/a");
    assert_non_null(l);
    assert_string_equal(l->anchor, "NAVWORD");
    extract_page_free(p);
}

static void test_robots_rating_refresh(void **state)
{
    (void)state;
    extract_page_t *p =
        extract_fixture("meta-robots-refresh.html", NULL, "http://example.com/de/warte/index.html");
    assert_true(p->robots_noindex);
    assert_true(p->robots_nofollow);
    assert_string_equal(p->rating, "RTA-5042-1996-1400-1577-RTA");
    assert_string_equal(p->refresh_url, "http://example.com/de/noscript.html");
    assert_string_equal(p->lang_attr, "de"); /* from xml:lang */
    assert_string_equal(p->text, "Bitte warten.");
    extract_page_free(p);

    p = extract_fixture("meta-robots-none.html", NULL, "http://example.com/");
    assert_true(p->robots_noindex);
    assert_true(p->robots_nofollow);
    assert_string_equal(p->rating, "adult");
    assert_string_equal(p->refresh_url, "");
    extract_page_free(p);

    p = extract_str("<meta name=robots content='index, follow'><meta http-equiv=refresh "
                    "content='5'><p>x</p>",
                    NULL, NULL);
    assert_false(p->robots_noindex);
    assert_false(p->robots_nofollow);
    assert_string_equal(p->refresh_url, ""); /* a refresh to itself has no target */
    extract_page_free(p);
}

/* --- limits ------------------------------------------------------------------------------- */

static void test_deep_nesting(void **state)
{
    (void)state;
    enum { DEPTH = 100000 };
    buf_t b;
    buf_init(&b, 16u << 20);
    assert_int_equal(buf_append_str(&b, "<html><body><p>before</p>"), CH_OK);
    for (int i = 0; i < DEPTH; i++) {
        assert_int_equal(buf_append_str(&b, i == 10   ? "<div>shallow"
                                            : i == 60 ? "<div>deep"
                                                      : "<div>"),
                         CH_OK);
    }
    extract_limits lim;
    extract_limits_default(&lim);
    lim.max_depth = 40;
    extract_page_t *p = NULL;
    assert_int_equal(extract_page(b.data, b.len, NULL, "http://x.org/", &lim, &p), CH_OK);
    assert_non_null(strstr(p->text, "before"));
    assert_non_null(strstr(p->text, "shallow"));
    assert_null(strstr(p->text, "deep"));
    assert_true(p->truncated);
    extract_page_free(p);
    /* Default limits on the same input: no crash, no stack overflow. */
    assert_int_equal(extract_page(b.data, b.len, NULL, "http://x.org/", NULL, &p), CH_OK);
    assert_non_null(strstr(p->text, "before"));
    extract_page_free(p);
    buf_free(&b);
}

static void test_caps(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1u << 20);
    assert_int_equal(buf_append_str(&b, "<title>"), CH_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(buf_append_str(&b, "\xC3\xA9t\xC3\xA9 "), CH_OK);
    assert_int_equal(buf_append_str(&b, "</title><p>"), CH_OK);
    for (int i = 0; i < 200; i++)
        assert_int_equal(buf_appendf(&b, "<a href='/l%d'>w\xE2\x82\xAC%d</a> ", i, i), CH_OK);
    assert_int_equal(buf_append_str(&b, "</p>"), CH_OK);

    extract_limits lim;
    extract_limits_default(&lim);
    lim.max_links = 10;
    lim.max_text = 101;
    lim.max_field = 33;
    extract_page_t *p = NULL;
    assert_int_equal(extract_page(b.data, b.len, NULL, "http://x.org/", &lim, &p), CH_OK);
    assert_int_equal(p->n_links, 10);
    assert_string_equal(p->links[9].url, "http://x.org/l9");
    assert_true(p->text_len <= 101 && p->text_len >= 97);
    assert_true(valid_utf8(p->text, p->text_len));
    assert_true(strlen(p->title) <= 33 && strlen(p->title) >= 30);
    assert_true(valid_utf8(p->title, strlen(p->title)));
    assert_true(p->truncated);
    extract_page_free(p);

    /* Input cap: what lies beyond max_input is not seen. */
    extract_limits_default(&lim);
    lim.max_input = 300;
    assert_int_equal(extract_page(b.data, b.len, NULL, "http://x.org/", &lim, &p), CH_OK);
    assert_true(p->truncated);
    assert_int_equal(p->n_links, 0);
    extract_page_free(p);
    buf_free(&b);
}

static void test_empty_and_bad_arguments(void **state)
{
    (void)state;
    extract_page_t *p = (extract_page_t *)1;
    assert_int_equal(extract_page("x", 1, NULL, NULL, NULL, &p), CH_ERR_ARG);
    assert_null(p);
    p = (extract_page_t *)1;
    assert_int_equal(extract_page(NULL, 5, NULL, "http://x.org/", NULL, &p), CH_ERR_ARG);
    assert_null(p);
    extract_limits lim;
    extract_limits_default(&lim);
    lim.max_depth = 0;
    assert_int_equal(extract_page("x", 1, NULL, "http://x.org/", &lim, &p), CH_ERR_ARG);
    assert_null(p);

    assert_int_equal(extract_page(NULL, 0, NULL, "http://x.org/", NULL, &p), CH_OK);
    assert_string_equal(p->text, "");
    assert_string_equal(p->title, "");
    assert_string_equal(p->canonical, "");
    assert_int_equal(p->n_links, 0);
    extract_page_free(p);
    /* Whitespace only, and a non-http page URL (no links can resolve). */
    assert_int_equal(extract_page(" \n ", 3, NULL, "http://x.org/", NULL, &p), CH_OK);
    assert_string_equal(p->text, "");
    extract_page_free(p);
    assert_int_equal(extract_page("<a href=b.html>b</a>", 20, NULL, "file:///tmp/a.html", NULL, &p),
                     CH_OK);
    assert_int_equal(p->n_links, 0);
    assert_string_equal(p->text, "b");
    extract_page_free(p);
    extract_page_free(NULL);
}

/* --- real pages ---------------------------------------------------------------------------- */

static void test_real_python_docs(void **state)
{
    (void)state;
    extract_page_t *p = extract_fixture("python-os.path.html", "text/html",
                                        "https://docs.python.org/3.11/library/os.path.html");
    assert_string_equal(p->title, "os.path \xE2\x80\x94 Common pathname manipulations \xE2\x80\x94 "
                                  "Python 3.11.2 documentation");
    assert_string_equal(p->h1, "os.path \xE2\x80\x94 Common pathname manipulations");
    assert_string_equal(p->lang_attr, "en");
    assert_non_null(strstr(p->text, "This module implements some useful functions on pathnames."));
    assert_non_null(
        strstr(p->text, "Return a normalized absolutized version of the pathname path."));
    /* Sidebar, related bars, footer, mobile menu: gone. */
    assert_null(strstr(p->text, "Table of Contents"));
    assert_null(strstr(p->text, "Previous topic"));
    assert_null(strstr(p->text, "Show Source"));
    assert_null(strstr(p->text, "Python Software Foundation"));
    assert_null(strstr(p->text, "\xC2\xB6")); /* headerlink pilcrows */
    assert_true(p->n_links > 50);
    const extract_link *l = find_link(p, "https://docs.python.org/3.11/library/pathlib.html");
    assert_non_null(l);
    /* The canonical is a file:// URL in the Debian build: not http(s), so not kept. */
    assert_string_equal(p->canonical, "");
    extract_page_free(p);
}

static void test_real_libreoffice_french_help(void **state)
{
    (void)state;
    extract_page_t *p = extract_fixture("libreoffice-fr-find_toolbar.html", NULL,
                                        "http://help.example/fr/text/shared/find_toolbar.html");
    assert_string_equal(p->title, "Barre Rechercher");
    assert_string_equal(p->lang_attr, "fr");
    assert_string_equal(p->h1, "Barre Rechercher");
    assert_non_null(strstr(p->h2, "Rechercher le texte"));
    assert_string_equal(p->base, "http://help.example/");
    /* <noscript><meta refresh> in head, resolved against <base href="../../../">. */
    assert_string_equal(p->refresh_url, "http://help.example/fr/noscript.html");
    assert_non_null(strstr(p->text, "Saisissez le texte \xC3\xA0 rechercher dans le document."));
    assert_null(strstr(p->text, "Aide LibreOffice 7.4"));    /* header */
    assert_null(strstr(p->text, "Help content debug info")); /* footer */
    assert_null(strstr(p->text, "Contenu"));                 /* aside */
    /* The Calc-only paragraph is hidden="true" until scripts show it. */
    assert_null(strstr(p->text, "Affichage mis en forme"));
    const extract_link *l = find_link(p, "http://help.example/fr/text/swriter/guide/finding.html");
    assert_non_null(l);
    assert_string_equal(l->anchor, "Rechercher et remplacer");
    extract_page_free(p);
}

static void test_real_debian_handbook(void **state)
{
    (void)state;
    extract_page_t *p =
        extract_fixture("debian-handbook-en-apt-get.html", NULL,
                        "https://debian-handbook.info/browse/stable/sect.apt-get.html");
    assert_string_equal(p->title, "6.2. aptitude, apt-get, and apt Commands");
    assert_string_equal(p->keywords,
                        "apt, apt-get, apt-cache, aptitude, synaptic, sources.list, apt-cdrom");
    assert_string_equal(p->canonical,
                        "https://debian-handbook.info/browse/stable/sect.apt-get.html");
    assert_true(strncmp(p->text, "6.2. aptitude, apt-get, and apt Commands\n", 41) == 0);
    assert_non_null(strstr(p->text, "APT is a vast project, whose original plans included a "
                                    "graphical interface."));
    assert_null(strstr(p->text, "Download the ebook")); /* div#banner */
    assert_null(strstr(p->text, "Prev"));               /* ul.docnav */
    assert_non_null(strstr(p->h3, "6.2.8. APT Patterns"));
    assert_true(p->n_links > 10);
    assert_non_null(find_link(p, "https://debian-handbook.info/browse/stable/sect.apt-cache.html"));
    extract_page_free(p);

    p = extract_fixture("debian-handbook-fr-apt-get.html", NULL,
                        "https://debian-handbook.info/browse/fr-FR/stable/sect.apt-get.html");
    assert_string_equal(p->title, "6.2. Commandes aptitude, apt-get et apt");
    assert_string_equal(p->lang_attr, "");
    /* DocBook's div.sidebar is an in-text box ("B.A.-BA"), not navigation. */
    assert_non_null(strstr(p->text, "Cette structure apporte une certaine souplesse"));
    assert_non_null(strstr(p->text, "B.A.-BA R\xC3\xA9pertoire en .d"));
    extract_page_free(p);
}

int main(void)
{
    extract_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meta_charset_latin1),
        cmocka_unit_test(test_undeclared_cp1252_fallback),
        cmocka_unit_test(test_header_charset_beats_meta),
        cmocka_unit_test(test_bom_beats_meta_and_header),
        cmocka_unit_test(test_utf16le_bom),
        cmocka_unit_test(test_invalid_utf8_replaced_and_nul),
        cmocka_unit_test(test_meta_http_equiv_prescan),
        cmocka_unit_test(test_links_base_href),
        cmocka_unit_test(test_links_without_base_and_frameset),
        cmocka_unit_test(test_links_same_target_many_fragments),
        cmocka_unit_test(test_links_only_matches_full_extraction),
        cmocka_unit_test(test_sax_matches_tree_fixtures),
        cmocka_unit_test(test_sax_matches_tree_snippets),
        cmocka_unit_test(test_sax_matches_tree_parser_limits),
        cmocka_unit_test(test_sax_matches_tree_python_docs),
        cmocka_unit_test(test_boilerplate_and_hidden_removed),
        cmocka_unit_test(test_robots_rating_refresh),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_empty_and_bad_arguments),
        cmocka_unit_test(test_real_python_docs),
        cmocka_unit_test(test_real_libreoffice_french_help),
        cmocka_unit_test(test_real_debian_handbook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
