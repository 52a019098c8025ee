#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/url.h"

struct pair {
    const char *in;
    const char *want;
};

/* ---- parsing ------------------------------------------------------------------------------- */

static void test_parse_components(void **state)
{
    (void)state;
    url_t *u = NULL;
    assert_int_equal(url_parse("HTTP://user:pw@Example.COM:8080/p/a;x?q=1&r#frag", &u), CH_OK);
    assert_string_equal(u->scheme, "HTTP");
    assert_string_equal(u->userinfo, "user:pw");
    assert_string_equal(u->host, "Example.COM");
    assert_string_equal(u->port, "8080");
    assert_int_equal(u->port_num, 8080);
    assert_string_equal(u->path, "/p/a;x");
    assert_string_equal(u->query, "q=1&r");
    assert_string_equal(u->fragment, "frag");
    url_free(u);

    /* Relative reference: everything but the path undefined. */
    assert_int_equal(url_parse("a/b", &u), CH_OK);
    assert_null(u->scheme);
    assert_null(u->host);
    assert_null(u->query);
    assert_null(u->fragment);
    assert_int_equal(u->port_num, -1);
    assert_string_equal(u->path, "a/b");
    url_free(u);

    /* Empty query and fragment are defined, unlike absent ones. */
    assert_int_equal(url_parse("http://a?#", &u), CH_OK);
    assert_string_equal(u->host, "a");
    assert_string_equal(u->path, "");
    assert_string_equal(u->query, "");
    assert_string_equal(u->fragment, "");
    url_free(u);

    /* A prefix that is not a valid scheme makes a relative path. */
    assert_int_equal(url_parse("1a:b", &u), CH_OK);
    assert_null(u->scheme);
    assert_string_equal(u->path, "1a:b");
    url_free(u);

    assert_int_equal(url_parse("mailto:someone@example.org", &u), CH_OK);
    assert_string_equal(u->scheme, "mailto");
    assert_null(u->host);
    assert_string_equal(u->path, "someone@example.org");
    url_free(u);
}

static void test_parse_ip_literals(void **state)
{
    (void)state;
    url_t *u = NULL;
    assert_int_equal(url_parse("http://[2001:db8::1]:8080/x", &u), CH_OK);
    assert_string_equal(u->host, "[2001:db8::1]");
    assert_int_equal(u->port_num, 8080);
    url_free(u);
    assert_int_equal(url_parse("http://[::ffff:192.0.2.1]/", &u), CH_OK);
    assert_string_equal(u->host, "[::ffff:192.0.2.1]");
    url_free(u);
    assert_int_equal(url_parse("http://192.0.2.1:80/", &u), CH_OK);
    assert_string_equal(u->host, "192.0.2.1");
    assert_string_equal(u->port, "80");
    url_free(u);
    /* Empty port is allowed by RFC 3986 and has no number. */
    assert_int_equal(url_parse("http://a:/", &u), CH_OK);
    assert_string_equal(u->port, "");
    assert_int_equal(u->port_num, -1);
    url_free(u);

    const char *bad[] = {"http://[2001:db8::1/",
                         "http://[2001:db8::g]/",
                         "http://[::1]x/",
                         "http://[v1.fe]/",
                         "http://[fe80::1%25eth0]/",
                         "http://a:65536/",
                         "http://a:8o/",
                         "http://a:1:2/",
                         "http://a<b/",
                         "http://a%zz/",
                         "http://a%4/",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        u = (url_t *)1;
        assert_int_equal(url_parse(bad[i], &u), CH_ERR_PARSE);
        assert_null(u);
    }
}

static void test_parse_rejects_controls_spaces_and_long(void **state)
{
    (void)state;
    url_t *u = (url_t *)1;
    const char *bad[] = {"http://a/b c",
                         "http://a/\tb",
                         "http://a/b\n",
                         " http://a/",
                         "http://a/\x7f",
                         "http://a/\x01",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(url_parse(bad[i], &u), CH_ERR_PARSE);
        assert_null(u);
    }

    char *s = malloc(10001);
    assert_non_null(s);
    memcpy(s, "http://a/", 9);
    memset(s + 9, 'x', 10000 - 9);
    s[10000] = '\0';
    assert_int_equal(url_parse(s, &u), CH_ERR_LIMIT);
    assert_null(u);
    char *out = (char *)1;
    assert_int_equal(url_normalize(s, &out), CH_ERR_LIMIT);
    assert_null(out);
    out = (char *)1;
    assert_int_equal(url_resolve("http://a/", s, &out), CH_ERR_LIMIT);
    assert_null(out);
    /* Exactly at the limit is fine. */
    s[URL_MAX_LEN] = '\0';
    assert_int_equal(url_parse(s, &u), CH_OK);
    url_free(u);
    free(s);
}

static void test_format_round_trips(void **state)
{
    (void)state;
    const char *in[] = {
        "http://a/b/c/d;p?q",          "HTTP://u@[::1]:/x?#", "//g", "", "?y", "#s", "g:h",
        "http://bücher.example/ä?ö#ü", "file:///etc/passwd",  NULL};
    for (int i = 0; in[i]; i++) {
        url_t *u = NULL;
        char *s = NULL;
        assert_int_equal(url_parse(in[i], &u), CH_OK);
        assert_int_equal(url_format(u, &s), CH_OK);
        assert_string_equal(s, in[i]);
        free(s);
        url_free(u);
    }
}

/* ---- RFC 3986 section 5.4 ------------------------------------------------------------------ */

static const char *const rfc_base = "http://a/b/c/d;p?q";

static void check_resolve(const struct pair *cases)
{
    for (int i = 0; cases[i].in; i++) {
        char *out = NULL;
        ch_status st = url_resolve(rfc_base, cases[i].in, &out);
        if (st != CH_OK || strcmp(out, cases[i].want) != 0)
            fail_msg("resolve \"%s\": got %s (%s), want %s", cases[i].in, out ? out : "NULL",
                     ch_status_str(st), cases[i].want);
        free(out);
    }
}

static void test_rfc3986_normal_examples(void **state)
{
    (void)state;
    static const struct pair normal[] = {
        {"g:h", "g:h"},
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},
        {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"g;x?y#s", "http://a/b/c/g;x?y#s"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
        {NULL, NULL},
    };
    check_resolve(normal);
}

static void test_rfc3986_abnormal_examples(void **state)
{
    (void)state;
    static const struct pair abnormal[] = {
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"g?y/../x", "http://a/b/c/g?y/../x"},
        {"g#s/./x", "http://a/b/c/g#s/./x"},
        {"g#s/../x", "http://a/b/c/g#s/../x"},
        {"http:g", "http:g"}, /* strict parser */
        {NULL, NULL},
    };
    check_resolve(abnormal);
}

static void test_resolve_more(void **state)
{
    (void)state;
    char *out = NULL;
    /* Base with an authority and an empty path: merge adds '/'. */
    assert_int_equal(url_resolve("http://a", "g", &out), CH_OK);
    assert_string_equal(out, "http://a/g");
    free(out);
    /* remove_dot_segments applies to absolute references too (5.2.2). */
    assert_int_equal(url_resolve("http://a/b", "http://x/./y/../z", &out), CH_OK);
    assert_string_equal(out, "http://x/z");
    free(out);
    /* A base without scheme is the caller's mistake. */
    out = (char *)1;
    assert_int_equal(url_resolve("/relative", "g", &out), CH_ERR_ARG);
    assert_null(out);
    out = (char *)1;
    assert_int_equal(url_resolve("http://a/", "g h", &out), CH_ERR_PARSE);
    assert_null(out);
}

/* ---- normalisation ------------------------------------------------------------------------- */

static void check_normalize(const struct pair *cases)
{
    for (int i = 0; cases[i].in; i++) {
        char *out = NULL, *again = NULL;
        ch_status st = url_normalize(cases[i].in, &out);
        if (st != CH_OK || strcmp(out, cases[i].want) != 0)
            fail_msg("normalize \"%s\": got %s (%s), want %s", cases[i].in, out ? out : "NULL",
                     ch_status_str(st), cases[i].want);
        /* Idempotent. */
        assert_int_equal(url_normalize(out, &again), CH_OK);
        assert_string_equal(again, out);
        free(again);
        free(out);
    }
}

static void test_normalize_cases(void **state)
{
    (void)state;
    static const struct pair cases[] = {
        {"HTTP://WWW.Example.COM/Path", "http://www.example.com/Path"},
        {"http://example.com", "http://example.com/"},
        {"http://example.com:80/a", "http://example.com/a"},
        {"https://example.com:443/a", "https://example.com/a"},
        {"http://example.com:443/a", "http://example.com:443/a"},
        {"https://example.com:80/a", "https://example.com:80/a"},
        {"http://example.com:/a", "http://example.com/a"},
        {"http://example.com:0080/a", "http://example.com/a"},
        {"http://example.com:08080/a", "http://example.com:8080/a"},
        {"http://example.com/%7euser/%7E", "http://example.com/~user/~"},
        {"http://example.com/a%2fb%2F", "http://example.com/a%2Fb%2F"},
        {"http://example.com/%41%42%2d%5f%2e", "http://example.com/AB-_."},
        {"http://example.com/%e2%82%ac", "http://example.com/%E2%82%AC"},
        {"http://example.com/a/./b/../c/", "http://example.com/a/c/"},
        {"http://example.com/../../a", "http://example.com/a"},
        {"http://example.com/a/%2e%2E/b", "http://example.com/b"},
        {"http://example.com/a#frag", "http://example.com/a"},
        {"http://example.com/a?q=1#frag", "http://example.com/a?q=1"},
        {"http://example.com/a?", "http://example.com/a?"},
        {"http://example.com/a b", "http://example.com/a%20b"},
        {"  http://example.com/a b?c d  ", "http://example.com/a%20b?c%20d"},
        {"http://example.com/caf\xc3\xa9?q=\xc3\xa9t\xc3\xa9",
         "http://example.com/caf%C3%A9?q=%C3%A9t%C3%A9"},
        {"http://example.com/a|b\"c<d>{e}^`\\",
         "http://example.com/a%7Cb%22c%3Cd%3E%7Be%7D%5E%60%5C"},
        {"http://example.com/100%", "http://example.com/100%25"},
        {"http://example.com/%zz%4", "http://example.com/%25zz%254"},
        {"http://example.com/a?b=c/d?e:f@g", "http://example.com/a?b=c/d?e:f@g"},
        {"http://example.com/p;a=b,c!$&'()*+:@", "http://example.com/p;a=b,c!$&'()*+:@"},
        {"http://example.com./", "http://example.com/"},
        {"http://Ex%41mple.com/", "http://example.com/"},
        {"http://User:Pw@example.com/", "http://User:Pw@example.com/"},
        {"http://@example.com/", "http://example.com/"},
        {"http://a@b@example.com/", "http://a%40b@example.com/"},
        {"http://bücher.example/", "http://xn--bcher-kva.example/"},
        {"http://B\xc3\x9c"
         "CHER.example/",
         "http://xn--bcher-kva.example/"},
        {"http://xn--bcher-kva.example/", "http://xn--bcher-kva.example/"},
        {"http://XN--BCHER-KVA.example/", "http://xn--bcher-kva.example/"},
        {"http://fa\xc3\x9f.de/", "http://xn--fa-hia.de/"},
        {"http://b%C3%BCcher.example/", "http://xn--bcher-kva.example/"},
        {"http://my_host.example/", "http://my_host.example/"},
        {"http://-odd-.example/", "http://-odd-.example/"},
        {"http://192.0.2.1:80/", "http://192.0.2.1/"},
        {"http://[2001:DB8:0:0:0:0:0:1]:8080/", "http://[2001:db8::1]:8080/"},
        {"https://[::1]:443", "https://[::1]/"},
        {"http://localhost:8080", "http://localhost:8080/"},
        {"http://example.com//a//b", "http://example.com//a//b"},
        {NULL, NULL},
    };
    check_normalize(cases);
}

static void test_normalize_rejects(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        ch_status want;
    } cases[] = {
        {"javascript:alert(1)", CH_ERR_UNSUPPORTED},
        {"JavaScript:void(0)", CH_ERR_UNSUPPORTED},
        {"mailto:someone@example.org", CH_ERR_UNSUPPORTED},
        {"data:text/html,<p>hi there</p>", CH_ERR_UNSUPPORTED},
        {"ftp://example.com/file", CH_ERR_UNSUPPORTED},
        {"tel:+33123456789", CH_ERR_UNSUPPORTED},
        {"  javascript:x", CH_ERR_UNSUPPORTED},
        {"http:///path", CH_ERR_PARSE},
        {"http://", CH_ERR_PARSE},
        {"http:g", CH_ERR_PARSE},
        {"http://:80/", CH_ERR_PARSE},
        {"/just/a/path", CH_ERR_PARSE},
        {"//example.com/", CH_ERR_PARSE},
        {"http://exa mple.com/", CH_ERR_PARSE},
        {"http://example.com/a\tb", CH_ERR_PARSE},
        {"http://example.com/a\nb", CH_ERR_PARSE},
        {"http://xn--zz.example/", CH_ERR_PARSE},   /* bad punycode */
        {"http://xn--a.example/", CH_ERR_PARSE},    /* A-label not valid in IDNA 2008 */
        {"http://\xff\xfe.example/", CH_ERR_PARSE}, /* not UTF-8 */
        {"http://\xe2\x92\x88.com/", CH_ERR_PARSE}, /* U+2488 disallowed */
        {"http://a\xe2\x80\x8c"
         "b.com/",
         CH_ERR_PARSE}, /* ZWNJ outside its context */
        {"http://a..b/", CH_ERR_PARSE},
        {"http://a.example../", CH_ERR_PARSE},
        {"http://a!b.example/", CH_ERR_PARSE},
        {"http://a%00b.example/", CH_ERR_PARSE},
        {"http://a%2Fb.example/", CH_ERR_PARSE},
        {"http://1.2.3/", CH_ERR_PARSE},
        {"http://0x7f.0.0.1/", CH_ERR_PARSE},
        {"http://1.2.3.256/", CH_ERR_PARSE},
        {"http://example.com:0/", CH_ERR_PARSE},
        {"http://example.com:99999/", CH_ERR_PARSE},
        {"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/",
         CH_ERR_PARSE}, /* 64-byte label */
        {NULL, CH_OK},
    };
    for (int i = 0; cases[i].in; i++) {
        char *out = (char *)1;
        ch_status st = url_normalize(cases[i].in, &out);
        if (st != cases[i].want)
            fail_msg("normalize \"%s\": got %s, want %s", cases[i].in, ch_status_str(st),
                     ch_status_str(cases[i].want));
        assert_null(out);
    }
}

static void test_normalize_output_limit(void **state)
{
    (void)state;
    /* 3000 non-ASCII bytes fit the input cap but their encoding (9000 bytes) does not. */
    char *s = malloc(3100);
    assert_non_null(s);
    memcpy(s, "http://a/", 9);
    memset(s + 9, '\xe9', 3000);
    s[3009] = '\0';
    char *out = (char *)1;
    assert_int_equal(url_normalize(s, &out), CH_ERR_LIMIT);
    assert_null(out);
    free(s);

    /* Encoded, 6000 such bytes take 18000, but a following ".." removes them all. */
    s = malloc(6100);
    assert_non_null(s);
    memcpy(s, "http://a/", 9);
    memset(s + 9, '\xe9', 6000);
    memcpy(s + 6009, "/..", 4);
    assert_int_equal(url_normalize(s, &out), CH_OK);
    assert_string_equal(out, "http://a/");
    free(out);
    free(s);
}

static void test_resolve_normalize(void **state)
{
    (void)state;
    static const struct pair cases[] = {
        {"../Img/%7eA.PNG#top", "http://example.com/a/Img/~A.PNG"},
        {"  /x y  ", "http://example.com/x%20y"},
        {"#only-a-fragment", "http://example.com/a/b/c?q"},
        {"//Other.EXAMPLE:80", "http://other.example/"},
        {"HTTPS://bücher.example/?a=é", "https://xn--bcher-kva.example/?a=%C3%A9"},
        {"?p=2", "http://example.com/a/b/c?p=2"},
        {NULL, NULL},
    };
    const char *base = "http://Example.com/a/b/c?q#f";
    for (int i = 0; cases[i].in; i++) {
        char *out = NULL;
        ch_status st = url_resolve_normalize(base, cases[i].in, &out);
        if (st != CH_OK || strcmp(out, cases[i].want) != 0)
            fail_msg("resolve_normalize \"%s\": got %s (%s), want %s", cases[i].in,
                     out ? out : "NULL", ch_status_str(st), cases[i].want);
        free(out);
    }
    const char *unsupported[] = {"javascript:void(0)", "mailto:x@y", "data:,hello", "ftp://f/",
                                 NULL};
    for (int i = 0; unsupported[i]; i++) {
        char *out = (char *)1;
        assert_int_equal(url_resolve_normalize(base, unsupported[i], &out), CH_ERR_UNSUPPORTED);
        assert_null(out);
    }
    char *out = (char *)1;
    assert_int_equal(url_resolve_normalize(base, "http:///nohost", &out), CH_ERR_PARSE);
    assert_null(out);
    out = (char *)1;
    assert_int_equal(url_resolve_normalize("relative/base", "g", &out), CH_ERR_ARG);
    assert_null(out);
}

/* ---- tracking parameters ------------------------------------------------------------------- */

static void test_strip_params(void **state)
{
    (void)state;
    static const struct pair cases[] = {
        {"http://e.com/?utm_source=x&a=1&UTM_Medium=y&b=2&fbclid=z", "http://e.com/?a=1&b=2"},
        {"http://e.com/?utm_source=x&gclid=1", "http://e.com/"},
        {"http://e.com/p?b=2&a=1", "http://e.com/p?b=2&a=1"},
        {"http://e.com/p?sid=1&side=2&sid", "http://e.com/p?side=2"},
        {"http://e.com/p?PHPSESSID=abc&x=&y", "http://e.com/p?x=&y"},
        {"http://e.com/p;jsessionid=ABC123?x=1", "http://e.com/p?x=1"},
        {"http://e.com/a;JSESSIONID=A/b;v=1;jsessionid=B", "http://e.com/a/b;v=1"},
        {"http://e.com/p?a=1&utm_x=2#frag", "http://e.com/p?a=1#frag"},
        {"http://e.com/p?", "http://e.com/p?"},
        {"http://e.com/p", "http://e.com/p"},
        {"http://e.com/p?a&&b", "http://e.com/p?a&&b"},
        {"http://e.com/p?utm_=1&utm=2", "http://e.com/p?utm=2"},
        {NULL, NULL},
    };
    for (int i = 0; cases[i].in; i++) {
        char *out = NULL;
        ch_status st = url_strip_params(cases[i].in, url_default_strip_params, &out);
        if (st != CH_OK || strcmp(out, cases[i].want) != 0)
            fail_msg("strip \"%s\": got %s (%s), want %s", cases[i].in, out ? out : "NULL",
                     ch_status_str(st), cases[i].want);
        free(out);
    }
    /* A caller-given list. */
    const char *const mine[] = {"ref", "x-*", NULL};
    char *out = NULL;
    assert_int_equal(url_strip_params("http://e.com/?REF=a&x-y=1&utm_source=k", mine, &out), CH_OK);
    assert_string_equal(out, "http://e.com/?utm_source=k");
    free(out);
    out = (char *)1;
    assert_int_equal(url_strip_params("http://e.com/ x", mine, &out), CH_ERR_PARSE);
    assert_null(out);
}

/* ---- host helpers -------------------------------------------------------------------------- */

static void test_host_and_origin(void **state)
{
    (void)state;
    char *h = NULL;
    assert_int_equal(url_host("http://u@www.example.fr:8080/a?b", &h), CH_OK);
    assert_string_equal(h, "www.example.fr");
    free(h);
    assert_int_equal(url_host("http://[2001:db8::1]/", &h), CH_OK);
    assert_string_equal(h, "[2001:db8::1]");
    free(h);
    h = (char *)1;
    assert_int_equal(url_host("mailto:x@y", &h), CH_ERR_PARSE);
    assert_null(h);
    h = (char *)1;
    assert_int_equal(url_host("http:///x", &h), CH_ERR_PARSE);
    assert_null(h);

    assert_int_equal(url_origin("https://u@www.example.fr:8443/a?b#c", &h), CH_OK);
    assert_string_equal(h, "https://www.example.fr:8443");
    free(h);
    assert_int_equal(url_origin("http://example.fr/", &h), CH_OK);
    assert_string_equal(h, "http://example.fr");
    free(h);
    h = (char *)1;
    assert_int_equal(url_origin("/no/host", &h), CH_ERR_PARSE);
    assert_null(h);
}

/* The partition key is part of the contract between crawls and indexes split the same way
 * (and machines running different builds): its values must never change. */
static void test_host_partition(void **state)
{
    (void)state;
    assert_true(url_fnv1a("") == 14695981039346656037ULL); /* the FNV-1a offset basis */
    assert_true(url_fnv1a("a") == 0xaf63dc4c8601ec8cULL);  /* the published FNV-1a test vector */
    assert_int_equal(url_host_partition("127.0.0.1", 2), 0);
    assert_int_equal(url_host_partition("127.0.0.2", 2), 1);
    assert_int_equal(url_host_partition("127.0.0.2", 1), 0);
    assert_int_equal(url_host_partition("127.0.0.2", 0), 0);
    unsigned seen[3] = {0, 0, 0};
    char host[32];
    for (int i = 0; i < 300; i++) {
        snprintf(host, sizeof host, "ecole%d.example.fr", i);
        unsigned p = url_host_partition(host, 3);
        assert_true(p < 3);
        seen[p]++;
    }
    for (int i = 0; i < 3; i++) /* a hash, not a constant: hosts spread over the partitions */
        assert_true(seen[i] > 50);
}

static void test_parent_domains(void **state)
{
    (void)state;
    const char *want[] = {"a.b.example.fr", "b.example.fr", "example.fr"};
    int n = 0;
    for (const char *d = "a.b.example.fr"; d; d = url_host_parent(d)) {
        assert_true(n < 3);
        assert_string_equal(d, want[n]);
        n++;
    }
    assert_int_equal(n, 3);
    assert_null(url_host_parent("example.fr"));
    assert_null(url_host_parent("localhost"));
    assert_null(url_host_parent("192.0.2.1"));
    assert_null(url_host_parent("[::1]"));
    assert_null(url_host_parent(NULL));
    assert_string_equal(url_host_parent("x.example.co.uk"), "example.co.uk");
    assert_string_equal(url_host_parent("example.co.uk"), "co.uk");
}

static void test_host_is_ip(void **state)
{
    (void)state;
    assert_true(url_host_is_ip("192.0.2.1"));
    assert_true(url_host_is_ip("[2001:db8::1]"));
    assert_true(url_host_is_ip("::1"));
    assert_false(url_host_is_ip("example.fr"));
    assert_false(url_host_is_ip("1.2.3"));
    assert_false(url_host_is_ip("[example]"));
    assert_false(url_host_is_ip(""));
    assert_false(url_host_is_ip(NULL));
}

static void test_null_arguments(void **state)
{
    (void)state;
    char *out = (char *)1;
    url_t *u = (url_t *)1;
    assert_int_equal(url_parse(NULL, &u), CH_ERR_ARG);
    assert_null(u);
    assert_int_equal(url_normalize(NULL, &out), CH_ERR_ARG);
    assert_null(out);
    out = (char *)1;
    assert_int_equal(url_strip_params("http://a/", NULL, &out), CH_ERR_ARG);
    assert_null(out);
    url_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_components),
        cmocka_unit_test(test_parse_ip_literals),
        cmocka_unit_test(test_parse_rejects_controls_spaces_and_long),
        cmocka_unit_test(test_format_round_trips),
        cmocka_unit_test(test_rfc3986_normal_examples),
        cmocka_unit_test(test_rfc3986_abnormal_examples),
        cmocka_unit_test(test_resolve_more),
        cmocka_unit_test(test_normalize_cases),
        cmocka_unit_test(test_normalize_rejects),
        cmocka_unit_test(test_normalize_output_limit),
        cmocka_unit_test(test_resolve_normalize),
        cmocka_unit_test(test_strip_params),
        cmocka_unit_test(test_host_and_origin),
        cmocka_unit_test(test_host_partition),
        cmocka_unit_test(test_parent_domains),
        cmocka_unit_test(test_host_is_ip),
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
