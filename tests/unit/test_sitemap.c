#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/buf.h"
#include "crawler/sitemap.h"

static void test_urlset(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                      "<url><loc> http://a.test/one </loc><lastmod>2024-01-01</lastmod></url>\n"
                      "<url><loc>http://a.test/two?x=1&amp;y=2</loc></url>\n"
                      "<url><loc></loc></url>\n"
                      "<loc>http://a.test/outside-an-entry</loc>\n"
                      "</urlset>\n";
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(xml, strlen(xml), &sm), CH_OK);
    assert_false(sm->is_index);
    assert_false(sm->truncated);
    assert_int_equal(sm->n, 2);
    assert_string_equal(sm->urls[0], "http://a.test/one");
    assert_string_equal(sm->urls[1], "http://a.test/two?x=1&y=2");
    sitemap_free(sm);
}

/* <loc> text is read as the stream goes: CDATA, entities, text of nested elements, empty
 * elements, an over-long one skipped; deeply nested unclosed <loc> elements stay cheap (they
 * were read with xmlTextReaderReadString, quadratic in their number: a fuzzer timeout). */
static void test_loc_text_streamed(void **state)
{
    (void)state;
    const char *xml = "<urlset>"
                      "<url><loc><![CDATA[http://a.test/cdata]]></loc></url>"
                      "<url><loc>http://a.test/<b>nested</b>/x</loc></url>"
                      "<url><loc/></url>"
                      "<url><loc>http://a.test/after-empty</loc></url>"
                      "</urlset>";
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(xml, strlen(xml), &sm), CH_OK);
    assert_int_equal(sm->n, 3);
    assert_string_equal(sm->urls[0], "http://a.test/cdata");
    assert_string_equal(sm->urls[1], "http://a.test/nested/x");
    assert_string_equal(sm->urls[2], "http://a.test/after-empty");
    sitemap_free(sm);

    /* a <loc> longer than the URL cap is dropped, the next one kept */
    buf_t b;
    buf_init(&b, 1u << 20);
    assert_int_equal(buf_append_str(&b, "<urlset><url><loc>http://a.test/"), CH_OK);
    for (int i = 0; i < SITEMAP_MAX_URL_LEN; i++)
        assert_int_equal(buf_append_char(&b, 'x'), CH_OK);
    assert_int_equal(
        buf_append_str(&b, "</loc></url><url><loc>http://a.test/short</loc></url></urlset>"),
        CH_OK);
    assert_int_equal(sitemap_parse(b.data, b.len, &sm), CH_OK);
    assert_int_equal(sm->n, 1);
    assert_string_equal(sm->urls[0], "http://a.test/short");
    sitemap_free(sm);
    buf_free(&b);
}

static void test_index_and_text(void **state)
{
    (void)state;
    const char *xml = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                      "<sitemap><loc>http://a.test/s1.xml.gz</loc></sitemap>"
                      "<sitemap><loc>http://a.test/s2.xml</loc></sitemap></sitemapindex>";
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(xml, strlen(xml), &sm), CH_OK);
    assert_true(sm->is_index);
    assert_int_equal(sm->n, 2);
    assert_string_equal(sm->urls[1], "http://a.test/s2.xml");
    sitemap_free(sm);

    const char *txt = "\xEF\xBB\xBFhttp://a.test/1\r\n  https://a.test/2\nnot a url\n\nftp://x/\n";
    assert_int_equal(sitemap_parse(txt, strlen(txt), &sm), CH_OK);
    assert_int_equal(sm->n, 2);
    assert_string_equal(sm->urls[0], "http://a.test/1");
    assert_string_equal(sm->urls[1], "https://a.test/2");
    sitemap_free(sm);
    assert_int_equal(sitemap_parse(NULL, 0, &sm), CH_OK);
    assert_int_equal(sm->n, 0);
    sitemap_free(sm);
    assert_int_equal(sitemap_parse(NULL, 5, &sm), CH_ERR_ARG);
    assert_null(sm);
}

/* External entities and entity bombs must do nothing: no file read, no expansion. */
static void test_xxe_and_entities_inert(void **state)
{
    (void)state;
    const char *xxe = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE urlset [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                      "<urlset><url><loc>http://a.test/&x;</loc></url></urlset>";
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(xxe, strlen(xxe), &sm), CH_OK);
    for (size_t i = 0; i < sm->n; i++)
        assert_null(strstr(sm->urls[i], "root:"));
    sitemap_free(sm);
    const char *lol = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                      "<urlset><url><loc>http://a.test/&d;</loc></url></urlset>";
    assert_int_equal(sitemap_parse(lol, strlen(lol), &sm), CH_OK);
    for (size_t i = 0; i < sm->n; i++)
        assert_true(strlen(sm->urls[i]) < 200);
    sitemap_free(sm);
}

static void gzip_buf(const char *in, size_t len, buf_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    unsigned char chunk[65536];
    z.next_in = (unsigned char *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    int rc;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = deflate(&z, Z_FINISH);
        assert_int_equal(buf_append(out, chunk, sizeof chunk - z.avail_out), CH_OK);
    } while (rc == Z_OK);
    assert_int_equal(rc, Z_STREAM_END);
    deflateEnd(&z);
}

static void test_gzip_and_url_cap(void **state)
{
    (void)state;
    buf_t xml, gz;
    buf_init(&xml, 16u << 20);
    buf_init(&gz, 16u << 20);
    assert_int_equal(buf_append_str(&xml, "<urlset>"), CH_OK);
    for (int i = 0; i < SITEMAP_MAX_URLS + 10; i++)
        assert_int_equal(buf_appendf(&xml, "<url><loc>http://a.test/p%d</loc></url>\n", i), CH_OK);
    assert_int_equal(buf_append_str(&xml, "</urlset>"), CH_OK);
    gzip_buf(xml.data, xml.len, &gz);
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(gz.data, gz.len, &sm), CH_OK);
    assert_int_equal(sm->n, SITEMAP_MAX_URLS);
    assert_true(sm->truncated);
    assert_string_equal(sm->urls[SITEMAP_MAX_URLS - 1], "http://a.test/p49999");
    sitemap_free(sm);
    /* a corrupt gzip stream */
    char bad[] = "\x1f\x8b\x08\x00garbagegarbage";
    assert_int_equal(sitemap_parse(bad, sizeof bad - 1, &sm), CH_ERR_PARSE);
    assert_null(sm);
    buf_free(&xml);
    buf_free(&gz);
}

/* A gzip bomb stops at SITEMAP_MAX_BYTES of inflated data. */
static void test_gzip_bomb_capped(void **state)
{
    (void)state;
    size_t big = (size_t)SITEMAP_MAX_BYTES + (8u << 20);
    char *zeros = calloc(1, big);
    assert_non_null(zeros);
    memcpy(zeros, "<urlset><url><loc>http://a.test/x</loc></url>", 46);
    buf_t gz;
    buf_init(&gz, 8u << 20);
    gzip_buf(zeros, big, &gz);
    free(zeros);
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(gz.data, gz.len, &sm), CH_OK);
    assert_true(sm->truncated);
    sitemap_free(sm);
    buf_free(&gz);
}

static void test_broken_xml_keeps_prefix(void **state)
{
    (void)state;
    const char *xml = "<urlset><url><loc>http://a.test/1</loc></url><url><loc>http://a.te";
    sitemap_t *sm = NULL;
    assert_int_equal(sitemap_parse(xml, strlen(xml), &sm), CH_OK);
    assert_true(sm->truncated);
    assert_int_equal(sm->n, 1);
    sitemap_free(sm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urlset),
        cmocka_unit_test(test_loc_text_streamed),
        cmocka_unit_test(test_index_and_text),
        cmocka_unit_test(test_xxe_and_entities_inert),
        cmocka_unit_test(test_gzip_and_url_cap),
        cmocka_unit_test(test_gzip_bomb_capped),
        cmocka_unit_test(test_broken_xml_keeps_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
