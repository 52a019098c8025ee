/* libFuzzer harness for the request parameters and everything built from them: the input is a
 * request as the server sees it once libmicrohttpd has decoded it.
 *
 * Input layout: byte 0 picks the method, the path and the lock (listener locked to junior or
 * not); the rest is "k=v&k=v..." split without decoding (any bytes, NUL included), then
 * "\n" and an optional Host header, "\n" and an optional Accept-Language value. The fake
 * backend answers with results whose title, url, snippet and corrected query are made from
 * the input too. Contract checks:
 *   - the status is one we document;
 *   - an HTML body is made only of the tags and attributes our pages use, every attribute
 *     value quoted and closed: markup or an attribute injected by the input cannot parse;
 *   - a locked listener always answers in junior mode;
 *   - JSON bodies parse. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "server/server.h"

typedef struct {
    const uint8_t *data;
    size_t size;
} fuzz_input;

static char *dup_n(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static ch_status fz_search(void *h, const idx_search_params *p, idx_results *out)
{
    fuzz_input *in = h;
    memset(out, 0, sizeof *out);
    if (p->page < 1 || p->page > IDX_MAX_PAGE || strlen(p->query) > SRV_MAX_QUERY_BYTES)
        abort(); /* the server must have refused these before searching */
    size_t n = in->size % 4;
    out->results = calloc(n ? n : 1, sizeof *out->results);
    out->n_results = n;
    out->estimated_total = in->size;
    out->has_next_page = in->size & 1;
    out->corrected_query = in->size > 8 ? dup_n(in->data, in->size / 3) : NULL;
    for (size_t i = 0; i < n; i++) {
        idx_result *r = &out->results[i];
        size_t part = in->size / (i + 2);
        r->rank = (unsigned)i + 1;
        r->url = dup_n(in->data, part);
        r->title = dup_n(in->data + in->size - part, part);
        r->snippet = dup_n(in->data + part / 2, part / 2);
        r->lang = dup_n(in->data, in->size < 2 ? in->size : 2);
        r->site = dup_n(in->data + part, in->size - part < 10 ? in->size - part : 10);
        r->more_from_site = (unsigned)i;
    }
    return CH_OK;
}

static ch_status fz_suggest(void *h, const char *prefix, const char *const *hidden, size_t n_hidden,
                            size_t max, char ***out, size_t *n)
{
    (void)h;
    (void)hidden;
    (void)n_hidden;
    (void)max;
    *out = calloc(1, sizeof **out);
    (*out)[0] = dup_n((const uint8_t *)prefix, strlen(prefix));
    *n = 1;
    return CH_OK;
}

static ch_status fz_info(void *h, unsigned long *docs, char **date)
{
    (void)h;
    *docs = 7;
    *date = dup_n((const uint8_t *)"2026", 4);
    return CH_OK;
}

static const srv_backend fz_backend = {fz_search, fz_suggest, fz_info, idx_results_json};

static srv_server servers[2]; /* [0] open, [1] locked to junior; built once */
static flt_policy *policy;

static void init_once(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    char path[4096], err[512];
    if (paths_data_file("policies.ini", path, sizeof path) != CH_OK ||
        flt_policy_load(path, NULL, &policy, err, sizeof err) != CH_OK)
        abort();
    for (int k = 0; k < 2; k++) {
        srv_server *s = &servers[k];
        for (size_t i = 0; i < SRV_LANG_COUNT; i++) {
            char rel[32];
            snprintf(rel, sizeof rel, "i18n/%s.ini", srv_langs[i]);
            if (paths_data_file(rel, path, sizeof path) != CH_OK ||
                srv_i18n_load(path, srv_langs[i], &s->i18n[i], err, sizeof err) != CH_OK)
                abort();
        }
        if (paths_data_file("static", path, sizeof path) != CH_OK ||
            srv_static_load(path, &s->files, err, sizeof err) != CH_OK)
            abort();
        cfg_t *c = NULL;
        if (cfg_new(&c) != CH_OK ||
            cfg_load_string(c,
                            "[serve]\nhost_modes = ecole.example.fr:junior\n"
                            "host_sites = intranet.lan:docs.intranet.lan\n"
                            "cors_origins = https://ent.example.fr\n",
                            err, sizeof err) != CH_OK ||
            srv_options_from_config(&s->opt, c, k ? "junior" : NULL, err, sizeof err) != CH_OK)
            abort();
        cfg_free(c);
        s->policy = policy;
        s->stats = srv_stats_new();
        s->backend = &fz_backend;
    }
}

static bool in_list(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncmp(*list, s, n) == 0)
            return true;
    return false;
}

/* Scan the whole page: each '<' opens one of our tags, whose attributes are ours. */
static bool html_is_ours(const char *b)
{
    static const char *const tags[] = {
        "!DOCTYPE", "html",    "head",   "meta", "title", "link", "body",  "a",
        "header",   "img",     "span",   "form", "label", "div",  "input", "button",
        "select",   "option",  "p",      "main", "h1",    "h2",   "ol",    "li",
        "ul",       "nav",     "footer", "mark", "aside", "dl",   "dt",    "dd",
        "table",    "caption", "thead",  "tr",   "th",    "td",   "tbody", NULL};
    static const char *const attrs[] = {"lang",         "charset",
                                        "name",         "content",
                                        "rel",          "href",
                                        "type",         "title",
                                        "class",        "id",
                                        "tabindex",     "src",
                                        "alt",          "width",
                                        "height",       "action",
                                        "method",       "role",
                                        "for",          "maxlength",
                                        "autocomplete", "value",
                                        "selected",     "checked",
                                        "aria-label",   "aria-labelledby",
                                        "aria-current", "start",
                                        "hreflang",     "scope",
                                        "html",         NULL};
    for (const char *p = strchr(b, '<'); p; p = strchr(p, '<')) {
        p++;
        if (*p == '/')
            p++;
        size_t n = strspn(p, "!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
        if (!in_list(tags, p, n))
            return false;
        p += n;
        for (;;) {
            p += strspn(p, " ");
            if (*p == '>')
                break;
            size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
            if (an == 0 || !in_list(attrs, p, an))
                return false;
            p += an;
            if (*p == '=') {
                if (p[1] != '"')
                    return false;
                const char *close = strchr(p + 2, '"');
                if (!close || memchr(p + 2, '<', (size_t)(close - p - 2)))
                    return false;
                p = close + 1;
                if (*p != ' ' && *p != '>')
                    return false;
            }
        }
    }
    return true;
}

static const char *const paths[] = {
    "/",      "/search",         "/api/search",          "/suggest",
    "/stats", "/opensearch.xml", "/static/chouette.css", "/metrics"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    fuzz_input in = {data + 1, size - 1};
    /* split off "\nHost\nAccept-Language" */
    const uint8_t *nl = memchr(in.data, '\n', in.size);
    size_t qlen = nl ? (size_t)(nl - in.data) : in.size;
    char *host = NULL, *al = NULL;
    if (nl) {
        const uint8_t *rest = nl + 1;
        size_t rlen = in.size - qlen - 1;
        const uint8_t *nl2 = memchr(rest, '\n', rlen);
        host = dup_n(rest, nl2 ? (size_t)(nl2 - rest) : rlen);
        if (nl2)
            al = dup_n(nl2 + 1, rlen - (size_t)(nl2 - rest) - 1);
    }
    srv_params p;
    srv_params_init(&p);
    size_t i = 0;
    while (i <= qlen) {
        const uint8_t *amp = memchr(in.data + i, '&', qlen - i);
        size_t end = amp ? (size_t)(amp - in.data) : qlen;
        const uint8_t *eq = memchr(in.data + i, '=', end - i);
        size_t kend = eq ? (size_t)(eq - in.data) : end;
        char *key = dup_n(in.data + i, kend - i);
        srv_params_add(&p, key, strlen(key), eq ? (const char *)eq + 1 : "",
                       eq ? end - kend - 1 : 0);
        free(key);
        i = end + 1;
    }
    int locked = sel & 1;
    srv_request req = {.method = (sel & 2) ? "POST" : "GET",
                       .path = paths[(sel >> 2) % (sizeof paths / sizeof paths[0])],
                       .host = host,
                       .accept_language = al,
                       .origin = (sel & 0x80) ? "https://ent.example.fr" : NULL,
                       .params = &p};
    srv_response r;
    srv_response_init(&r);
    srv_handle(&servers[locked], &in, &req, &r);
    static const unsigned ok[] = {200, 400, 404, 405, 413, 414, 415, 500, 503};
    int known = 0;
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
        known |= r.status == ok[k];
    if (!known)
        abort();
    size_t blen = 0;
    const char *body = srv_response_body(&r, &blen);
    if (!r.static_body && strstr(r.content_type, "text/html")) {
        if (!html_is_ours(body))
            abort();
        if (locked && !strstr(body, "mode-junior"))
            abort();
        if (r.status == 500 && blen == 0)
            abort(); /* every page fits SRV_MAX_PAGE_BYTES with inputs this small */
    }
    if (strcmp(r.content_type, "application/json") == 0 && blen) {
        json_t *j = json_loadb(body, blen, 0, NULL);
        if (!j)
            abort();
        if (locked && json_object_get(j, "mode") &&
            strcmp(json_string_value(json_object_get(j, "mode")), "junior") != 0)
            abort();
        json_decref(j);
    }
    srv_response_free(&r);
    srv_params_free(&p);
    free(host);
    free(al);
    return 0;
}
