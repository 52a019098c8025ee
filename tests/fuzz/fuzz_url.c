/* libFuzzer harness for common/url.c: parse, format, resolve, normalise, strip parameters, and
 * check the invariants the rest of Chouette relies on (see common/url.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/url.h"

#define FUZZ_BASE "http://a/b/c/d;p?q"

static void check(int cond)
{
    if (!cond)
        abort();
}

/* True when no segment of path is "." or "..", apart from the "/." that url_resolve puts in
 * front of a "//" path without authority. */
static int no_dot_segments(const char *path)
{
    if (strncmp(path, "/.//", 4) == 0)
        path += 2;
    for (const char *p = path; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!e)
            break;
        p = e + 1;
    }
    return 1;
}

/* A normalised URL: http(s)://, printable ASCII only, no fragment, within the cap, stable. */
static void check_normalized(const char *n)
{
    char *again = NULL, *host = NULL, *stripped = NULL, *stripped2 = NULL;
    url_t *u = NULL;
    size_t len = strlen(n);
    check(len <= URL_MAX_LEN);
    check(strncmp(n, "http://", 7) == 0 || strncmp(n, "https://", 8) == 0);
    for (size_t i = 0; i < len; i++)
        check(n[i] > 0x20 && n[i] < 0x7f && n[i] != '#');
    check(url_normalize(n, &again) == CH_OK);
    check(strcmp(again, n) == 0);
    check(url_parse(n, &u) == CH_OK);
    check(u->path[0] == '/');
    check(u->fragment == NULL);
    check(url_host(n, &host) == CH_OK);
    check(strcmp(host, u->host) == 0);
    for (const char *d = host; d; d = url_host_parent(d))
        check(strlen(d) > 0);
    (void)url_host_is_ip(host);
    /* Stripping parameters keeps a URL that normalises, and is idempotent. */
    check(url_strip_params(n, url_default_strip_params, &stripped) == CH_OK);
    check(url_strip_params(stripped, url_default_strip_params, &stripped2) == CH_OK);
    check(strcmp(stripped, stripped2) == 0);
    free(again);
    again = NULL;
    check(url_normalize(stripped, &again) == CH_OK);
    free(again);
    free(stripped);
    free(stripped2);
    free(host);
    url_free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    /* Parse and format round trip byte for byte. */
    url_t *u = NULL;
    if (url_parse(s, &u) == CH_OK) {
        char *f = NULL;
        check(u->path != NULL);
        check(url_format(u, &f) == CH_OK);
        check(strcmp(f, s) == 0);
        free(f);
    } else {
        check(u == NULL);
    }
    url_free(u);

    /* Normalisation. */
    char *n = NULL;
    ch_status st = url_normalize(s, &n);
    check((st == CH_OK) == (n != NULL));
    if (n)
        check_normalized(n);
    free(n);

    /* RFC resolution against a fixed base: the result parses, and resolving it again is stable. */
    char *r = NULL, *r2 = NULL;
    if (url_resolve(FUZZ_BASE, s, &r) == CH_OK) {
        url_t *ru = NULL;
        check(strlen(r) <= URL_MAX_LEN);
        url_t *refu = NULL;
        check(url_parse(r, &ru) == CH_OK);
        check(url_parse(s, &refu) == CH_OK);
        check(ru->scheme != NULL);
        /* 5.2.2: the authority comes from the reference when it has a scheme, else it is the
         * reference's or the base's (which has one). */
        check((ru->host != NULL) == (refu->scheme ? refu->host != NULL : 1));
        check(no_dot_segments(ru->path));
        url_free(refu);
        url_free(ru);
        check(url_resolve(FUZZ_BASE, r, &r2) == CH_OK);
        check(strcmp(r, r2) == 0);
    } else {
        check(r == NULL);
    }
    free(r);
    free(r2);

    /* What link extraction does. */
    n = NULL;
    if (url_resolve_normalize("https://www.example.fr/dir/page.html?x=1", s, &n) == CH_OK)
        check_normalized(n);
    else
        check(n == NULL);
    free(n);

    /* The input taken as a host. */
    for (const char *d = s; d; d = url_host_parent(d))
        (void)url_host_is_ip(d);

    free(s);
    return 0;
}
