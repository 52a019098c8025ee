/* Routing, modes and locks, pages and escaping, driven through srv_handle() with a fake search
 * backend that returns results we build (hostile strings included) and records what it was
 * asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "server/pages.h"
#include "server/server.h"

#define EVIL "\"><script>alert(1)</script><img src=x onerror=alert(2)>'"

/* ---- fake backend ----------------------------------------------------------------------- */
typedef struct {
    int calls;
    char query[4096];
    char site[256];
    unsigned page;
    char hidden[2048]; /* names joined by ',' */
    char required[64]; /* required_category, "" for none */
    size_t n_results;
    bool evil;      /* return hostile titles, urls, snippets */
    ch_status fail; /* return this from search */
    const char *corrected;
} fake;

static char *dup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

static ch_status fake_search(void *h, const idx_search_params *p, idx_results *out)
{
    fake *f = h;
    f->calls++;
    snprintf(f->query, sizeof f->query, "%s", p->query);
    snprintf(f->site, sizeof f->site, "%s", p->default_site ? p->default_site : "");
    f->page = p->page;
    snprintf(f->required, sizeof f->required, "%s",
             p->required_category ? p->required_category : "");
    f->hidden[0] = '\0';
    for (size_t i = 0; i < p->n_hidden; i++) {
        size_t used = strlen(f->hidden);
        snprintf(f->hidden + used, sizeof f->hidden - used, "%s,", p->hidden_categories[i]);
    }
    memset(out, 0, sizeof *out);
    if (f->fail)
        return f->fail;
    out->estimated_total = f->n_results * 3;
    out->has_next_page = f->n_results > 0;
    out->corrected_query = f->corrected ? dup(f->corrected) : NULL;
    out->n_results = f->n_results;
    out->results = f->n_results ? calloc(f->n_results, sizeof *out->results) : NULL;
    for (size_t i = 0; i < f->n_results; i++) {
        idx_result *r = &out->results[i];
        r->rank = (unsigned)((p->page - 1) * 10 + i + 1);
        if (f->evil) {
            r->url = dup(i == 0 ? "javascript:alert(1)" : "https://ex.fr/?a=1&b=\"><x");
            r->title = dup(EVIL);
            r->snippet = dup("ok <mark>word</mark> <script>x</script> <mark>open");
            r->lang = dup("fr\" onclick=\"x");
            r->site = dup("ex.fr\"><b");
        } else {
            char url[64];
            snprintf(url, sizeof url, "https://site%zu.example.fr/page", i);
            r->url = dup(url);
            r->title = dup("Chouette hulotte");
            r->snippet = dup("La <mark>chouette</mark> hulotte");
            r->lang = dup("fr");
            r->site = dup(url + 8);
            strchr(r->site, '/')[0] = '\0';
            r->more_from_site = i == 0 ? 4 : 0;
        }
    }
    return CH_OK;
}

static ch_status fake_suggest(void *h, const char *prefix, const char *const *hidden,
                              size_t n_hidden, size_t max, char ***out, size_t *n)
{
    (void)h;
    (void)hidden;
    (void)n_hidden;
    assert_true(max > 1);
    *out = calloc(2, sizeof **out);
    (*out)[0] = dup(prefix);
    (*out)[1] = dup("chouette \"</script>");
    *n = 2;
    return CH_OK;
}

static ch_status fake_info(void *h, unsigned long *docs, char **date)
{
    (void)h;
    *docs = 1234;
    *date = dup("2026-01-02T03:04:05Z");
    return CH_OK;
}

static const srv_backend fake_backend = {fake_search, fake_suggest, fake_info, idx_results_json};

/* ---- fixture ---------------------------------------------------------------------------- */
typedef struct {
    srv_server s;
    flt_policy *policy;
    fake f;
} fixture;

static int setup_opts(void **state, int lock, const char *config)
{
    fixture *fx = calloc(1, sizeof *fx);
    char path[4096], err[512] = "";
    assert_int_equal(paths_data_file("policies.ini", path, sizeof path), CH_OK);
    assert_int_equal(flt_policy_load(path, NULL, &fx->policy, err, sizeof err), CH_OK);
    fx->s.policy = fx->policy;
    for (size_t i = 0; i < SRV_LANG_COUNT; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "i18n/%s.ini", srv_langs[i]);
        assert_int_equal(paths_data_file(rel, path, sizeof path), CH_OK);
        assert_int_equal(srv_i18n_load(path, srv_langs[i], &fx->s.i18n[i], err, sizeof err), CH_OK);
    }
    assert_int_equal(paths_data_file("static", path, sizeof path), CH_OK);
    assert_int_equal(srv_static_load(path, &fx->s.files, err, sizeof err), CH_OK);
    fx->s.stats = srv_stats_new();
    fx->s.backend = &fake_backend;
    cfg_t *c = NULL;
    assert_int_equal(cfg_new(&c), CH_OK);
    if (config)
        assert_int_equal(cfg_load_string(c, config, err, sizeof err), CH_OK);
    assert_int_equal(srv_options_from_config(&fx->s.opt, c, lock >= 0 ? flt_mode_name(lock) : NULL,
                                             err, sizeof err),
                     CH_OK);
    cfg_free(c);
    fx->f.n_results = 3;
    *state = fx;
    return 0;
}

static int setup(void **state)
{
    return setup_opts(state, -1,
                      "[serve]\nhost_modes = ecole.example.fr:junior\n"
                      "host_sites = intranet.lan:docs.intranet.lan\n"
                      "cors_origins = https://ent.example.fr\n");
}

static int setup_locked_junior(void **state)
{
    return setup_opts(state, FLT_MODE_JUNIOR, NULL);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    srv_stats_free(fx->s.stats);
    srv_static_free(fx->s.files);
    for (size_t i = 0; i < SRV_LANG_COUNT; i++)
        srv_i18n_free(fx->s.i18n[i]);
    flt_policy_free(fx->policy);
    srv_options_free(&fx->s.opt);
    free(fx);
    return 0;
}

/* Parse "k=v&k=v" WITHOUT decoding (tests write raw values) into p. */
static void params_from(srv_params *p, const char *qs)
{
    srv_params_init(p);
    const char *s = qs;
    while (s && *s) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        size_t kl = eq ? (size_t)(eq - s) : len;
        srv_params_add(p, s, kl, eq ? eq + 1 : "", eq ? len - kl - 1 : 0);
        s = amp ? amp + 1 : NULL;
    }
}

typedef struct {
    srv_params params;
    srv_request req;
    srv_response resp;
} exchange;

static const char *run(fixture *fx, exchange *x, const char *method, const char *path,
                       const char *qs, const char *host)
{
    params_from(&x->params, qs);
    x->req = (srv_request){.method = method, .path = path, .host = host, .params = &x->params};
    srv_response_init(&x->resp);
    srv_handle(&fx->s, &fx->f, &x->req, &x->resp);
    size_t len;
    const char *body = srv_response_body(&x->resp, &len);
    assert_int_equal(strlen(body), len); /* no NUL inside a body */
    return body;
}

static void done(exchange *x)
{
    srv_response_free(&x->resp);
    srv_params_free(&x->params);
}

/* The structure every HTML page must have. */
static void assert_page_shape(const char *b)
{
    assert_true(strncmp(b, "<!DOCTYPE html>\n<html lang=\"", 28) == 0);
    assert_non_null(strstr(b, "<a class=\"skip\" href=\"#main\">"));
    assert_non_null(strstr(b, "<header"));
    assert_non_null(strstr(b, "<main id=\"main\""));
    assert_non_null(strstr(b, "<footer>"));
    assert_non_null(strstr(b, "<nav aria-label="));
    assert_non_null(
        strstr(b, "<link rel=\"search\" type=\"application/opensearchdescription+xml\""));
    assert_null(strstr(b, "<script"));
    assert_null(strstr(b, " style="));
    assert_null(strstr(b, "http://")); /* nothing loaded from elsewhere (results use https) */
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_home_french_default_english_by_header_or_hl(void **state)
{
    fixture *fx = *state;
    exchange x;
    const char *b = run(fx, &x, "GET", "/", "", "localhost:8080");
    assert_int_equal(x.resp.status, 200);
    assert_page_shape(b);
    assert_non_null(strstr(b, "<html lang=\"fr\">"));
    assert_non_null(strstr(b, "<label for=\"q\">Rechercher sur le web</label>"));
    assert_non_null(strstr(b, "<input id=\"q\" name=\"q\""));
    assert_non_null(strstr(b, "class=\"mode-web page-home\""));
    done(&x);

    params_from(&x.params, "");
    x.req = (srv_request){
        .method = "GET", .path = "/", .accept_language = "en-US,en;q=0.8", .params = &x.params};
    srv_response_init(&x.resp);
    srv_handle(&fx->s, &fx->f, &x.req, &x.resp);
    assert_non_null(strstr(buf_str(&x.resp.body), "<html lang=\"en\">"));
    assert_non_null(strstr(buf_str(&x.resp.body), "Search the web"));
    done(&x);

    b = run(fx, &x, "GET", "/", "hl=en", NULL);
    assert_non_null(strstr(b, "<html lang=\"en\">"));
    assert_non_null(strstr(b, "<input type=\"hidden\" name=\"hl\" value=\"en\">"));
    done(&x);
    b = run(fx, &x, "GET", "/", "hl=xx", NULL); /* unknown hl: ignored */
    assert_int_equal(x.resp.status, 200);
    assert_non_null(strstr(b, "<html lang=\"fr\">"));
    done(&x);
}

static void test_results_page(void **state)
{
    fixture *fx = *state;
    exchange x;
    fx->f.corrected = "chouette";
    const char *b = run(fx, &x, "GET", "/search", "q=chouete site:site0.example.fr&page=2", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_page_shape(b);
    assert_string_equal(fx->f.query, "chouete site:site0.example.fr");
    assert_int_equal(fx->f.page, 2);
    assert_non_null(strstr(b, "<ol class=\"results\""));
    assert_non_null(strstr(b, "start=\"11\""));
    assert_non_null(strstr(b, "<h2 lang=\"fr\"><a href=\"https://site0.example.fr/page\" "
                              "rel=\"noreferrer noopener\">Chouette hulotte</a></h2>"));
    assert_non_null(strstr(b, "La <mark>chouette</mark> hulotte"));
    assert_non_null(strstr(b, "Environ 9 résultats"));
    assert_non_null(strstr(b, "Vouliez-vous dire : <a href=\"/search?q=chouette\">chouette</a>"));
    /* more from this site: a site: query replacing the one typed */
    assert_non_null(strstr(b, "<a href=\"/search?q=site%3Asite0.example.fr+chouete\">Plus de "
                              "résultats de site0.example.fr (4)</a>"));
    /* the site: chip removes just that term */
    assert_non_null(strstr(b, "<a class=\"chip\" href=\"/search?q=chouete\">Retirer le filtre "
                              "site:site0.example.fr</a>"));
    /* paging both ways, current page marked */
    assert_non_null(strstr(b, "rel=\"prev\" href=\"/search?q=chouete+site%3Asite0.example.fr\""));
    assert_non_null(strstr(b, "rel=\"next\" href=\"/search?q=chouete+site%3Asite0.example.fr&amp;"
                              "page=3\""));
    assert_non_null(strstr(b, "<li aria-current=\"page\">Page 2</li>"));
    /* the other language keeps the query */
    assert_non_null(strstr(b, "hl=en&amp;page=2\" lang=\"en\" hreflang=\"en\">English</a>"));
    assert_string_equal(x.resp.content_type, "text/html; charset=utf-8");
    assert_false(x.resp.cacheable);
    done(&x);
    fx->f.corrected = NULL;
}

static void test_no_results_and_empty_query(void **state)
{
    fixture *fx = *state;
    exchange x;
    fx->f.n_results = 0;
    const char *b = run(fx, &x, "GET", "/search", "q=zzzz", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_page_shape(b);
    assert_non_null(strstr(b, "page-noresults"));
    assert_non_null(strstr(b, "<h1>Aucun résultat</h1>"));
    assert_non_null(strstr(b, "Aucune page ne correspond à « zzzz »."));
    assert_null(strstr(b, "<ol"));
    done(&x);
    fx->f.n_results = 3;
    int calls = fx->f.calls;
    b = run(fx, &x, "GET", "/search", "q=%20", NULL); /* raw here: "%20" is 3 characters */
    done(&x);
    b = run(fx, &x, "GET", "/search", "q=   ", NULL); /* blank: the home page, no search */
    assert_int_equal(x.resp.status, 200);
    assert_non_null(strstr(b, "page-home"));
    assert_int_equal(fx->f.calls, calls + 1);
    done(&x);
}

static void test_everything_user_provided_is_escaped(void **state)
{
    fixture *fx = *state;
    exchange x;
    fx->f.evil = true;
    fx->f.corrected = EVIL;
    const char *b = run(fx, &x, "GET", "/search", "q=" EVIL, NULL);
    assert_int_equal(x.resp.status, 200);
    assert_page_shape(b);
    assert_null(strstr(b, "<img src=x"));
    assert_null(strstr(b, "onclick=\"x"));
    assert_non_null(strstr(b, "value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    /* a javascript: URL is shown, never linked */
    assert_null(strstr(b, "href=\"javascript:"));
    assert_non_null(strstr(b, "<p class=\"url\">javascript:alert(1)</p>"));
    assert_non_null(strstr(b, "href=\"https://ex.fr/?a=1&amp;b=&quot;&gt;&lt;x\""));
    /* snippets keep <mark> only, and an unclosed one is closed */
    assert_non_null(strstr(b, "ok <mark>word</mark> &lt;script&gt;x&lt;/script&gt; <mark>open"
                              "</mark></p>"));
    /* a hostile lang or site is not used in markup */
    assert_null(strstr(b, "lang=\"fr&quot;"));
    done(&x);

    b = run(fx, &x, "GET", "/api/search", "q=" EVIL, NULL);
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(x.resp.content_type, "application/json");
    json_error_t je;
    json_t *doc = json_loads(b, 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "query")), EVIL);
    assert_string_equal(json_string_value(json_object_get(doc, "mode")), "web");
    assert_int_equal(json_array_size(json_object_get(doc, "results")), 3);
    json_decref(doc);
    done(&x);
    fx->f.evil = false;
    fx->f.corrected = NULL;

    /* error pages too */
    b = run(fx, &x, "GET", "/search", "q=a&page=" EVIL, NULL);
    assert_int_equal(x.resp.status, 400);
    assert_null(strstr(b, "<script"));
    done(&x);
    b = run(fx, &x, "GET", "/nope" EVIL, "", NULL);
    assert_int_equal(x.resp.status, 404);
    assert_null(strstr(b, "<script"));
    done(&x);
}

static void test_bad_input_answers(void **state)
{
    fixture *fx = *state;
    exchange x;
    static const struct {
        const char *qs;
        unsigned status;
        const char *text;
    } cases[] = {
        {"q=a&page=-1", 400, "Ce numéro de page n’existe pas (de 1 à 100)."},
        {"q=a&page=0", 400, "de 1 à 100"},
        {"q=a&page=99999999", 400, "de 1 à 100"},
        {"q=a&page=2x", 400, "de 1 à 100"},
        {"q=a&page=", 400, "de 1 à 100"},
        {"q=a&mode=kids", 400, "Ce mode n’existe pas"},
        {"q=a&mode=webwebwebwebwebweb", 400, "Ce mode n’existe pas"},
        {"q=a&site=a/b", 400, "nom de site"},
        {"q=a&hl=en&page=-1", 400, "This page number does not exist (1 to 100)."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *b = run(fx, &x, "GET", "/search", cases[i].qs, NULL);
        if (x.resp.status != cases[i].status || !strstr(b, cases[i].text))
            fail_msg("%s: %u", cases[i].qs, x.resp.status);
        assert_page_shape(b);
        assert_non_null(strstr(b, "page-error"));
        done(&x);
    }
    /* 10 KB query: 414 with a page that says the limit */
    char *big = malloc(10 * 1024 + 3);
    memcpy(big, "q=", 2);
    memset(big + 2, 'a', 10 * 1024);
    big[10 * 1024 + 2] = '\0';
    int calls = fx->f.calls;
    const char *b = run(fx, &x, "GET", "/search", big, NULL);
    assert_int_equal(x.resp.status, 414);
    assert_non_null(strstr(b, "au plus 2048 octets"));
    assert_int_equal(fx->f.calls, calls);
    done(&x);
    b = run(fx, &x, "GET", "/api/search", big, NULL);
    assert_int_equal(x.resp.status, 414);
    assert_string_equal(x.resp.content_type, "application/json");
    done(&x);
    free(big);
    /* exactly 2048 bytes is fine */
    char at[2051] = "q=";
    memset(at + 2, 'b', 2048);
    at[2050] = '\0';
    run(fx, &x, "GET", "/search", at, NULL);
    assert_int_equal(x.resp.status, 200);
    done(&x);
    /* unknown parameters are ignored */
    run(fx, &x, "GET", "/search", "q=a&utm_source=x&foo", NULL);
    assert_int_equal(x.resp.status, 200);
    done(&x);
    /* invalid UTF-8 is repaired (U+FFFD), control characters become spaces */
    b = run(fx, &x, "GET", "/search", "q=caf\xe9\x01ok\xff", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(fx->f.query, "caf\xef\xbf\xbd ok\xef\xbf\xbd");
    done(&x);
    /* too many parameters */
    buf_t many;
    buf_init(&many, 4096);
    for (int i = 0; i < SRV_MAX_PARAMS + 5; i++)
        buf_appendf(&many, "p%d=1&", i);
    buf_append_str(&many, "q=a");
    run(fx, &x, "GET", "/search", buf_str(&many), NULL);
    assert_int_equal(x.resp.status, 400);
    done(&x);
    buf_free(&many);
    /* search backend failures */
    fx->f.fail = CH_ERR_IO;
    run(fx, &x, "GET", "/search", "q=a", NULL);
    assert_int_equal(x.resp.status, 503);
    done(&x);
    fx->f.fail = CH_ERR_LIMIT;
    run(fx, &x, "GET", "/api/search", "q=a", NULL);
    assert_int_equal(x.resp.status, 414);
    done(&x);
    fx->f.fail = CH_OK;
    /* no searcher (index unavailable): 503, but the home page still works */
    params_from(&x.params, "q=a");
    x.req = (srv_request){.method = "GET", .path = "/search", .params = &x.params};
    srv_response_init(&x.resp);
    srv_handle(&fx->s, NULL, &x.req, &x.resp);
    assert_int_equal(x.resp.status, 503);
    done(&x);
}

static void test_routes_methods_static(void **state)
{
    fixture *fx = *state;
    exchange x;
    const char *b = run(fx, &x, "GET", "/healthz", "", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(b, "ok\n");
    done(&x);
    b = run(fx, &x, "GET", "/static/chouette.css", "", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_true(x.resp.cacheable);
    assert_string_equal(x.resp.content_type, "text/css; charset=utf-8");
    assert_non_null(strstr(b, "prefers-color-scheme: dark"));
    done(&x);
    static const char *const not_found[] = {"/static/../server/http.c",
                                            "/static/..",
                                            "/static/%2e%2e/x",
                                            "/static/",
                                            "/static/.hidden",
                                            "/static/a/b.css",
                                            "/static",
                                            "/etc/passwd",
                                            "/search/x",
                                            "//search"};
    for (size_t i = 0; i < sizeof not_found / sizeof not_found[0]; i++) {
        b = run(fx, &x, "GET", not_found[i], "", NULL);
        if (x.resp.status != 404)
            fail_msg("%s: %u", not_found[i], x.resp.status);
        assert_non_null(strstr(b, "Cette page n’existe pas."));
        assert_false(x.resp.cacheable);
        done(&x);
    }
    run(fx, &x, "PUT", "/search", "q=a", NULL);
    assert_int_equal(x.resp.status, 405);
    assert_string_equal(x.resp.allow, "GET, HEAD, POST");
    done(&x);
    run(fx, &x, "POST", "/", "", NULL);
    assert_int_equal(x.resp.status, 405);
    assert_string_equal(x.resp.allow, "GET, HEAD");
    done(&x);
    /* POST /search: the form body arrives as parameters */
    b = run(fx, &x, "POST", "/search", "q=hulotte&mode=school", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(fx->f.query, "hulotte");
    assert_non_null(strstr(b, "mode-school"));
    done(&x);
    params_from(&x.params, "");
    x.req = (srv_request){
        .method = "POST", .path = "/search", .params = &x.params, .body_too_large = true};
    srv_response_init(&x.resp);
    srv_handle(&fx->s, &fx->f, &x.req, &x.resp);
    assert_int_equal(x.resp.status, 413);
    done(&x);
}

static void test_json_suggest_opensearch_stats_metrics(void **state)
{
    fixture *fx = *state;
    exchange x;
    json_error_t je;
    const char *b = run(fx, &x, "GET", "/suggest", "q=chou", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(x.resp.content_type, "application/x-suggestions+json");
    json_t *doc = json_loads(b, 0, &je);
    assert_true(json_is_array(doc));
    assert_string_equal(json_string_value(json_array_get(doc, 0)), "chou");
    assert_string_equal(json_string_value(json_array_get(json_array_get(doc, 1), 1)),
                        "chouette \"</script>");
    json_decref(doc);
    done(&x);

    b = run(fx, &x, "GET", "/opensearch.xml", "", "search.example.fr:8443");
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(x.resp.content_type, "application/opensearchdescription+xml");
    assert_non_null(strstr(b, "template=\"http://search.example.fr:8443/search?q={searchTerms}\""));
    assert_non_null(strstr(b, "application/x-suggestions+json"));
    done(&x);
    b = run(fx, &x, "GET", "/opensearch.xml", "", "evil\"><x");
    assert_null(strstr(b, "evil"));
    done(&x);

    run(fx, &x, "GET", "/search", "q=a&mode=junior", NULL);
    done(&x);
    b = run(fx, &x, "GET", "/stats", "format=json", NULL);
    assert_int_equal(x.resp.status, 200);
    doc = json_loads(b, 0, &je);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "documents")), 1234);
    assert_string_equal(json_string_value(json_object_get(doc, "index_date")),
                        "2026-01-02T03:04:05Z");
    assert_true(
        json_integer_value(json_object_get(json_object_get(doc, "queries_total"), "junior")) >= 1);
    assert_true(json_array_size(json_object_get(doc, "per_day")) >= 1);
    json_decref(doc);
    done(&x);
    b = run(fx, &x, "GET", "/stats", "", NULL);
    assert_page_shape(b);
    assert_non_null(strstr(b, "<dd>1234</dd>"));
    assert_non_null(strstr(b, "<table>"));
    done(&x);
    b = run(fx, &x, "GET", "/metrics", "", NULL);
    assert_string_equal(x.resp.content_type, "text/plain; version=0.0.4; charset=utf-8");
    assert_non_null(strstr(b, "chouette_documents_indexed 1234\n"));
    assert_non_null(strstr(b, "chouette_queries_total{mode=\"junior\"}"));
    done(&x);
}

static void test_cors_only_for_listed_origins(void **state)
{
    fixture *fx = *state;
    exchange x;
    params_from(&x.params, "q=a");
    x.req = (srv_request){.method = "GET",
                          .path = "/api/search",
                          .origin = "https://ent.example.fr",
                          .params = &x.params};
    srv_response_init(&x.resp);
    srv_handle(&fx->s, &fx->f, &x.req, &x.resp);
    assert_string_equal(x.resp.allow_origin, "https://ent.example.fr");
    done(&x);
    params_from(&x.params, "q=a");
    x.req.origin = "https://evil.example";
    x.req.params = &x.params;
    srv_response_init(&x.resp);
    srv_handle(&fx->s, &fx->f, &x.req, &x.resp);
    assert_null(x.resp.allow_origin);
    done(&x);
    params_from(&x.params, "q=a");
    x.req.origin = "https://ent.example.fr";
    x.req.path = "/search"; /* the HTML page is never shared */
    x.req.params = &x.params;
    srv_response_init(&x.resp);
    srv_handle(&fx->s, &fx->f, &x.req, &x.resp);
    assert_null(x.resp.allow_origin);
    done(&x);
}

static void test_modes_hide_what_the_policy_says(void **state)
{
    fixture *fx = *state;
    exchange x;
    const char *b = run(fx, &x, "GET", "/search", "q=a", NULL);
    assert_non_null(strstr(fx->f.hidden, "adult,"));
    assert_null(strstr(fx->f.hidden, "social,"));
    assert_non_null(strstr(b, "<option value=\"web\" selected>"));
    done(&x);
    b = run(fx, &x, "GET", "/search", "q=a&mode=JUNIOR", NULL);
    assert_non_null(strstr(fx->f.hidden, "social,"));
    assert_non_null(strstr(fx->f.hidden, "violence,"));
    assert_non_null(strstr(b, "mode-junior"));
    assert_non_null(strstr(b, "Écris ce que tu cherches"));
    /* links carry the mode on */
    assert_non_null(strstr(b, "&amp;mode=junior"));
    done(&x);
    run(fx, &x, "GET", "/search", "q=a&mode=school", NULL);
    assert_non_null(strstr(fx->f.hidden, "gambling,"));
    assert_null(strstr(fx->f.hidden, "social,"));
    done(&x);
    /* safe=off is refused by the shipped policy (safe_off_allowed = false) */
    run(fx, &x, "GET", "/search", "q=a&safe=off", NULL);
    assert_non_null(strstr(fx->f.hidden, "adult,"));
    done(&x);
    /* api and suggest apply the mode too */
    run(fx, &x, "GET", "/api/search", "q=a&mode=junior", NULL);
    assert_non_null(strstr(fx->f.hidden, "social,"));
    done(&x);
}

/* Replace the fixture's policy with the shipped one plus an override file holding text. */
static void load_policy_override(fixture *fx, const char *text)
{
    char tmpl[] = "/tmp/chouette-test-policy-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    char path[4096], err[512] = "";
    assert_int_equal(paths_data_file("policies.ini", path, sizeof path), CH_OK);
    flt_policy *p = NULL;
    ch_status st = flt_policy_load(path, tmpl, &p, err, sizeof err);
    remove(tmpl);
    assert_int_equal(st, CH_OK);
    flt_policy_free(fx->policy);
    fx->policy = p;
    fx->s.policy = p;
}

/* junior_allowlist_only: junior searches (page, API, a host locked to junior) require the
 * allow-list term; other modes do not, and neither does junior when the key is off. Junior
 * suggestions are then withheld: they would come from every page's vocabulary. */
static void test_junior_allowlist_only(void **state)
{
    fixture *fx = *state;
    exchange x;
    run(fx, &x, "GET", "/search", "q=a&mode=junior", NULL);
    assert_int_equal(fx->f.calls, 1);
    assert_string_equal(fx->f.required, "");
    done(&x);

    load_policy_override(fx, "[general]\njunior_allowlist_only = true\n");
    const char *b = run(fx, &x, "GET", "/search", "q=a&mode=junior", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_int_equal(fx->f.calls, 2);
    assert_string_equal(fx->f.required, SRV_ALLOWLIST_TERM);
    assert_non_null(strstr(fx->f.hidden, "social,")); /* the hidden categories still apply */
    assert_non_null(strstr(b, "mode-junior"));
    done(&x);
    run(fx, &x, "GET", "/api/search", "q=a&mode=junior", NULL);
    assert_string_equal(fx->f.required, SRV_ALLOWLIST_TERM);
    done(&x);
    run(fx, &x, "GET", "/search", "q=a&mode=web", "ecole.example.fr"); /* host lock: junior */
    assert_string_equal(fx->f.required, SRV_ALLOWLIST_TERM);
    done(&x);
    run(fx, &x, "GET", "/search", "q=a&mode=school", NULL);
    assert_int_equal(fx->f.calls, 5);
    assert_string_equal(fx->f.required, "");
    done(&x);
    run(fx, &x, "GET", "/search", "q=a", NULL);
    assert_string_equal(fx->f.required, "");
    done(&x);

    b = run(fx, &x, "GET", "/suggest", "q=chou&mode=junior", NULL);
    assert_int_equal(x.resp.status, 200);
    assert_string_equal(b, "[\"chou\",[]]");
    done(&x);
    b = run(fx, &x, "GET", "/suggest", "q=chou&mode=school", NULL);
    assert_non_null(strstr(b, "chouette"));
    done(&x);
}

/* Host lock from the configuration: every way of asking for another mode is ignored. */
static void test_host_lock_cannot_be_escaped(void **state)
{
    fixture *fx = *state;
    exchange x;
    static const char *const tries[] = {
        "q=a&mode=web",          "q=a&mode=WEB",          "q=a&safe=off",
        "q=a&mode=web&safe=off", "q=a&mode=web&mode=web", "q=a&mode=junior&mode=web",
        "mode=web&q=a",          "q=a&mode=kids",         "q=a&Mode=web",
        "q=a&mode=%77eb",        "q=a&mode=web%00junior", "q=a&mode="};
    static const char *const hosts[] = {"ecole.example.fr", "ECOLE.Example.Fr:8080",
                                        "ecole.example.fr.", "ecole.example.fr.:443"};
    for (size_t h = 0; h < sizeof hosts / sizeof hosts[0]; h++) {
        for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
            const char *b = run(fx, &x, "GET", "/search", tries[i], hosts[h]);
            if (x.resp.status != 200 || !strstr(fx->f.hidden, "social,") ||
                !strstr(b, "mode-junior"))
                fail_msg("escaped the lock with %s on %s (%u)", tries[i], hosts[h], x.resp.status);
            /* no mode selector when locked, a badge instead */
            assert_null(strstr(b, "<select"));
            assert_non_null(strstr(b, "Mode Junior, choisi par l’établissement"));
            assert_null(strstr(b, "mode=web"));
            done(&x);
            run(fx, &x, "POST", "/search", tries[i], hosts[h]);
            assert_non_null(strstr(fx->f.hidden, "social,"));
            done(&x);
            b = run(fx, &x, "GET", "/api/search", tries[i], hosts[h]);
            assert_non_null(strstr(fx->f.hidden, "social,"));
            assert_non_null(strstr(b, "\"mode\": \"junior\"") ? "" : strstr(b, "\"junior\""));
            done(&x);
        }
    }
    /* another Host is not locked */
    run(fx, &x, "GET", "/search", "q=a&mode=web", "other.example.fr");
    assert_null(strstr(fx->f.hidden, "social,"));
    done(&x);
}

static void test_listener_lock_cannot_be_escaped(void **state)
{
    fixture *fx = *state;
    exchange x;
    static const char *const tries[] = {"q=a&mode=web", "q=a&safe=off&mode=web", "q=a&mode=School",
                                        "q=a&mode=web&mode=web&mode=web", "q=a&mode=bogus"};
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        const char *b = run(fx, &x, i % 2 ? "POST" : "GET", "/search", tries[i], "anything:1");
        assert_int_equal(x.resp.status, 200);
        assert_non_null(strstr(fx->f.hidden, "webmail,"));
        assert_non_null(strstr(b, "mode-junior"));
        done(&x);
        run(fx, &x, "GET", "/suggest", tries[i], NULL);
        assert_int_equal(x.resp.status, 200);
        done(&x);
    }
    /* even the error pages keep the junior look */
    const char *b = run(fx, &x, "GET", "/search", "q=a&page=0", NULL);
    assert_int_equal(x.resp.status, 400);
    assert_non_null(strstr(b, "mode-junior"));
    done(&x);
    b = run(fx, &x, "GET", "/nowhere", "", NULL);
    assert_non_null(strstr(b, "mode-junior"));
    done(&x);
}

static void test_intranet_default_site_and_checkbox(void **state)
{
    fixture *fx = *state;
    exchange x;
    const char *b = run(fx, &x, "GET", "/search", "q=a", "intranet.lan");
    assert_string_equal(fx->f.site, "docs.intranet.lan");
    assert_non_null(strstr(b, "<input type=\"checkbox\" id=\"site\" name=\"site\" "
                              "value=\"docs.intranet.lan\" checked>"));
    assert_non_null(strstr(b, "Ce site seulement (docs.intranet.lan)"));
    assert_non_null(strstr(b, "<input type=\"hidden\" name=\"sitebox\" value=\"1\">"));
    done(&x);
    /* the form sent with the box unticked: no scope */
    b = run(fx, &x, "GET", "/search", "q=a&sitebox=1", "intranet.lan");
    assert_string_equal(fx->f.site, "");
    assert_non_null(strstr(b, "value=\"docs.intranet.lan\"><label"));
    done(&x);
    run(fx, &x, "GET", "/search", "q=a", "www.example.fr");
    assert_string_equal(fx->f.site, "");
    done(&x);
    run(fx, &x, "GET", "/search", "q=a&site=Wiki.Example.FR", NULL);
    assert_string_equal(fx->f.site, "wiki.example.fr");
    done(&x);
}

/* Pages built from parts, for each mode and page kind: the shape holds everywhere. */
static void test_every_page_kind_in_every_mode(void **state)
{
    fixture *fx = *state;
    for (int m = 0; m < FLT_MODE_COUNT; m++) {
        for (size_t l = 0; l < SRV_LANG_COUNT; l++) {
            srv_query q = {.mode = m, .page = 1, .lang = l, .q = (char *)"chouette", .has_q = true};
            srv_query_verdict v = {
                .kind = SRV_QUERY_HELP, .n_help = 1, .help = {"119 <Allô enfance en danger>"}};
            idx_results none = {0};
            buf_t b;
            buf_init(&b, SRV_MAX_PAGE_BYTES);
            assert_int_equal(srv_page_home(&b, &fx->s, &q), CH_OK);
            assert_page_shape(buf_str(&b));
            buf_reset(&b);
            assert_int_equal(srv_page_results(&b, &fx->s, &q, &v, &none), CH_OK);
            assert_page_shape(buf_str(&b));
            assert_non_null(strstr(buf_str(&b), "119 &lt;Allô enfance en danger&gt;"));
            buf_reset(&b);
            v.kind = SRV_QUERY_BLOCKED;
            assert_int_equal(srv_page_blocked(&b, &fx->s, &q, &v), CH_OK);
            assert_page_shape(buf_str(&b));
            assert_non_null(strstr(buf_str(&b), l == 0 ? "Cherchons autre chose"
                                                       : "Let’s look for something else"));
            buf_reset(&b);
            v.message = "Un message <gentil>";
            assert_int_equal(srv_page_blocked(&b, &fx->s, &q, &v), CH_OK);
            assert_non_null(strstr(buf_str(&b), "Un message &lt;gentil&gt;"));
            buf_reset(&b);
            assert_int_equal(srv_page_error(&b, &fx->s, &q, "error_not_found", NULL), CH_OK);
            assert_page_shape(buf_str(&b));
            buf_free(&b);
        }
    }
    /* a tiny buffer fails cleanly */
    buf_t small;
    buf_init(&small, 100);
    srv_query q = {.mode = 0, .page = 1, .q = (char *)"x"};
    assert_int_equal(srv_page_home(&small, &fx->s, &q), CH_ERR_LIMIT);
    buf_free(&small);
}

/* test_srv_routes --write-pages DIR: write the blocked page of each mode (built with the fake
 * backend) for the accessibility test, which cannot reach it through the server while the
 * query checker allows everything. */
static int write_pages(const char *dir)
{
    void *state = NULL;
    setup(&state);
    fixture *fx = state;
    for (int m = 0; m < FLT_MODE_COUNT; m++) {
        srv_query q = {.mode = m,
                       .page = 1,
                       .lang = 0,
                       .q = (char *)"mot interdit",
                       .has_q = true,
                       .locked = m == FLT_MODE_JUNIOR};
        srv_query_verdict v = {.kind = SRV_QUERY_BLOCKED,
                               .n_help = 1,
                               .help = {"Allô Enfance en Danger : 119 (gratuit, jour et nuit)"}};
        buf_t b;
        buf_init(&b, SRV_MAX_PAGE_BYTES);
        char path[4096];
        snprintf(path, sizeof path, "%s/blocked-%s.html", dir, flt_mode_name(m));
        FILE *f = fopen(path, "w");
        if (!f || srv_page_blocked(&b, &fx->s, &q, &v) != CH_OK ||
            fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
            fprintf(stderr, "cannot write %s\n", path);
            return 1;
        }
        buf_free(&b);
    }
    teardown(&state);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-pages") == 0)
        return write_pages(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_home_french_default_english_by_header_or_hl, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_results_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_results_and_empty_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_everything_user_provided_is_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_methods_static, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_suggest_opensearch_stats_metrics, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cors_only_for_listed_origins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes_hide_what_the_policy_says, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_lock_cannot_be_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_junior_allowlist_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_listener_lock_cannot_be_escaped, setup_locked_junior,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_intranet_default_site_and_checkbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_page_kind_in_every_mode, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
