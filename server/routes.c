/* Routing: one request in, one response out (server.h). */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/cli.h"
#include "common/text.h"
#include "filters/catlists.h"
#include "filters/classify.h"
#include "server/escape.h"
#include "server/pages.h"
#include "server/query_check.h"
#include "server/server.h"

/* One literal (split only for the line length), kept apart from the name/value table. */
static const char permissions_policy[] =
    "interest-cohort=(), browsing-topics=(), camera=(), microphone=(), geolocation=(), "
    "payment=(), usb=(), display-capture=(), clipboard-read=()";

const char *const srv_security_headers[] = {"Referrer-Policy",
                                            "no-referrer",
                                            "X-Content-Type-Options",
                                            "nosniff",
                                            "Permissions-Policy",
                                            permissions_policy,
                                            "Cross-Origin-Opener-Policy",
                                            "same-origin",
                                            NULL,
                                            NULL};

char *srv_csp_value(const srv_options *o)
{
    buf_t b;
    buf_init(&b, 4096);
    if (buf_appendf(&b,
                    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                    "base-uri 'none'; frame-ancestors %s",
                    o->frame_ancestors ? o->frame_ancestors : "'none'") != CH_OK) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

void srv_response_init(srv_response *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->body, SRV_MAX_PAGE_BYTES);
    r->status = 200;
    r->content_type = "text/html; charset=utf-8";
}

void srv_response_free(srv_response *r)
{
    buf_free(&r->body);
}

const void *srv_response_body(const srv_response *r, size_t *len)
{
    if (r->static_body) {
        *len = r->static_len;
        return r->static_body;
    }
    *len = r->body.len;
    return r->body.data ? r->body.data : "";
}

void srv_query_free(srv_query *q)
{
    free(q->q);
    q->q = NULL;
}

static void refuse(srv_refusal *why, unsigned status, const char *key, const char *arg)
{
    why->status = status;
    why->key = key;
    snprintf(why->arg, sizeof why->arg, "%s", arg ? arg : "");
}

/* The query as the pages and the search see it: well-formed UTF-8 (invalid bytes become
 * U+FFFD), control characters turned into spaces, blanks trimmed. */
static ch_status clean_query(const char *v, size_t len, char **out)
{
    buf_t b;
    buf_init(&b, len * 3 + 16);
    *out = NULL;
    ch_status st = text_utf8_repair(v, len, &b);
    if (st != CH_OK) {
        buf_free(&b);
        return st;
    }
    for (size_t i = 0; i < b.len; i++)
        if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
            b.data[i] = ' ';
    size_t start = 0, end = b.len;
    while (start < end && b.data && b.data[start] == ' ')
        start++;
    while (end > start && b.data[end - 1] == ' ')
        end--;
    char *s = malloc(end - start + 1);
    if (!s) {
        buf_free(&b);
        return CH_ERR_NOMEM;
    }
    if (end > start)
        memcpy(s, b.data + start, end - start);
    s[end - start] = '\0';
    buf_free(&b);
    *out = s;
    return CH_OK;
}

/* The mode a lock imposes (a lock wins over everything the request says): the listener's, or
 * the one of the request's Host name. Fills host with the normalised Host and says whether
 * there was a valid one. */
static bool resolve_lock(const srv_server *s, const srv_request *req, srv_query *q, char *host,
                         size_t hostcap)
{
    bool have_host = req->host && srv_host_normalize(req->host, host, hostcap);
    if (s->opt.lock_mode >= 0) {
        q->mode = s->opt.lock_mode;
        q->locked = true;
    }
    for (size_t i = 0; !q->locked && have_host && i < s->opt.n_host_modes; i++) {
        if (strcmp(s->opt.host_modes[i].host, host) == 0) {
            q->mode = s->opt.host_modes[i].mode;
            q->locked = true;
        }
    }
    return have_host;
}

bool srv_resolve_query(const srv_server *s, const srv_request *req, srv_query *q, srv_refusal *why)
{
    const srv_params *p = req->params;
    char host[SRV_MAX_HOSTNAME + 3] = "";
    size_t len = 0;
    memset(q, 0, sizeof *q);
    memset(why, 0, sizeof *why);
    q->page = 1;
    q->mode = FLT_MODE_WEB;

    const char *hl = srv_params_get(p, "hl", NULL);
    int l = srv_lang_from_name(hl);
    if (l >= 0) {
        q->lang = (size_t)l;
        q->lang_explicit = true;
    } else {
        q->lang = srv_lang_from_accept(req->accept_language);
    }
    bool have_host = resolve_lock(s, req, q, host, sizeof host);
    for (size_t i = 0; have_host && i < s->opt.n_host_sites; i++)
        if (strcmp(s->opt.host_sites[i].host, host) == 0)
            snprintf(q->host_site, sizeof q->host_site, "%s", s->opt.host_sites[i].site);

    if (!(q->q = strdup(""))) {
        refuse(why, 500, "error_internal", NULL);
        return false;
    }
    if (p && p->too_long) {
        char lim[16];
        snprintf(lim, sizeof lim, "%u", SRV_MAX_QUERY_BYTES);
        refuse(why, 414, "error_query_too_long", lim);
        return false;
    }
    if (!p || p->overflow) {
        refuse(why, 400, "error_too_large", NULL);
        return false;
    }
    if (!q->locked) {
        const char *m = srv_params_get(p, "mode", &len);
        if (m && len > 0) {
            char lower[16];
            if (len >= sizeof lower) {
                refuse(why, 400, "error_bad_mode", NULL);
                return false;
            }
            for (size_t i = 0; i <= len; i++)
                lower[i] = (char)tolower((unsigned char)m[i]);
            if (memchr(m, '\0', len) || (q->mode = flt_mode_from_name(lower)) < 0) {
                q->mode = FLT_MODE_WEB;
                refuse(why, 400, "error_bad_mode", NULL);
                return false;
            }
        }
        const char *safe = srv_params_get(p, "safe", NULL);
        q->safe_off = q->mode == FLT_MODE_WEB && safe && strcasecmp(safe, "off") == 0 &&
                      s->policy && flt_policy_safe_off_allowed(s->policy);
    }
    const char *v = srv_params_get(p, "q", &len);
    if (v) {
        char *clean = NULL;
        if (clean_query(v, len, &clean) != CH_OK) {
            refuse(why, 500, "error_internal", NULL);
            return false;
        }
        free(q->q);
        q->q = clean;
        if (strlen(clean) > SRV_MAX_QUERY_BYTES) {
            char lim[16];
            snprintf(lim, sizeof lim, "%u", SRV_MAX_QUERY_BYTES);
            refuse(why, 414, "error_query_too_long", lim);
            return false;
        }
        q->has_q = clean[0] != '\0';
    }
    const char *pg = srv_params_get(p, "page", &len);
    long page = 1;
    if (pg && (memchr(pg, '\0', len) || !cli_parse_long(pg, 1, IDX_MAX_PAGE, &page))) {
        char lim[16];
        snprintf(lim, sizeof lim, "%u", IDX_MAX_PAGE);
        refuse(why, 400, "error_bad_page", lim);
        return false;
    }
    q->page = (unsigned)page;
    const char *site = srv_params_get(p, "site", &len);
    if (site && len > 0) {
        if (memchr(site, '\0', len) || !srv_site_valid(site)) {
            refuse(why, 400, "error_bad_site", NULL);
            return false;
        }
        for (size_t i = 0; i <= len; i++)
            q->site[i] = (char)tolower((unsigned char)site[i]);
    } else if (q->host_site[0] && !srv_params_get(p, "sitebox", NULL)) {
        memcpy(q->site, q->host_site, sizeof q->site);
    }
    return true;
}

/* ---- responses ---------------------------------------------------------------------------- */

static void fail_empty(srv_response *r)
{
    buf_reset(&r->body);
    r->status = 500;
    r->content_type = "text/plain; charset=utf-8";
}

static void error_page(const srv_server *s, const srv_query *q, srv_response *r, unsigned status,
                       const char *key, const char *arg)
{
    buf_reset(&r->body);
    r->status = status;
    r->content_type = "text/html; charset=utf-8";
    if (srv_page_error(&r->body, s, q, key, arg) != CH_OK)
        fail_empty(r);
}

static void json_error(srv_response *r, unsigned status, const char *message)
{
    buf_reset(&r->body);
    r->status = status;
    r->content_type = "application/json";
    json_t *o = json_pack("{s:s}", "error", message);
    char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!txt || buf_append_str(&r->body, txt) != CH_OK)
        fail_empty(r);
    free(txt);
}

/* Category names hidden for q (pointers into the filters' static tables). */
/* The category terms the request's mode hides (filters/classify.h: "<cat>" and "<cat>~<mode>"):
 * written into terms (SRV_MAX_HIDDEN of them at most), pointed to by names; returns the count.
 * A policy error leaves nothing hidden only when there is no policy (routing tests). */
#define SRV_MAX_HIDDEN (2 * 64)
static size_t hidden_names(const srv_server *s, const srv_query *q, flt_term *terms,
                           const char **names)
{
    if (!s->policy)
        return 0;
    uint64_t mask = q->safe_off ? flt_policy_hidden_mask_safe_off(s->policy, q->mode)
                                : flt_policy_hidden_mask(s->policy, q->mode);
    size_t n = 0;
    if (flt_hidden_terms(mask, q->mode, terms, SRV_MAX_HIDDEN, &n) != CH_OK)
        return 0; /* cannot happen: SRV_MAX_HIDDEN covers every category twice */
    for (size_t i = 0; i < n; i++)
        names[i] = terms[i].s;
    return n;
}

/* The category every result must carry: "allowlist" (the term the indexer gives pages on the
 * local allow-list, filters/classify.h) when the mode shows only the allow-list
 * (junior_allowlist_only), else NULL. */
static const char *required_category(const srv_server *s, const srv_query *q)
{
    return s->policy && flt_policy_allowlist_only(s->policy, q->mode) ? SRV_ALLOWLIST_TERM : NULL;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Map a search failure to a status and message key. */
static void search_failure(ch_status st, unsigned *status, const char **key)
{
    switch (st) {
    case CH_ERR_LIMIT:
        *status = 414;
        *key = "error_query_too_long";
        break;
    case CH_ERR_ARG:
        *status = 400;
        *key = "error_bad_page";
        break;
    case CH_ERR_PARSE:
        *status = 400;
        *key = "error_bad_request";
        break;
    case CH_ERR_NOMEM:
        *status = 503;
        *key = "error_unavailable";
        break;
    default:
        *status = 503;
        *key = "error_unavailable";
        break;
    }
}

static void route_search(const srv_server *s, void *h, const srv_request *req, srv_response *r,
                         bool json)
{
    srv_query q;
    srv_refusal why;
    idx_results res;
    memset(&res, 0, sizeof res);
    bool have_res = false;
    if (!srv_resolve_query(s, req, &q, &why)) {
        if (json)
            json_error(r, why.status, srv_i18n_get(s->i18n[q.lang], why.key));
        else
            error_page(s, &q, r, why.status, why.key, why.arg);
        goto out;
    }
    if (!q.has_q && !json) {
        if (srv_page_home(&r->body, s, &q) != CH_OK)
            fail_empty(r);
        goto out;
    }
    const char *mode_name = flt_mode_name(q.mode);
    srv_query_verdict v;
    if (srv_check_query(s->querycheck, q.q, q.mode, srv_langs[q.lang], &v) != CH_OK) {
        if (json)
            json_error(r, 500, srv_i18n_get(s->i18n[q.lang], "error_internal"));
        else
            error_page(s, &q, r, 500, "error_internal", NULL);
        goto out;
    }
    if (v.kind == SRV_QUERY_BLOCKED) {
        srv_stats_record_blocked(s->stats, q.mode);
        if (json) {
            const char *msg = v.message ? v.message : srv_i18n_get(s->i18n[q.lang], "blocked_text");
            char *txt = s->backend->results_json(q.q, mode_name, q.page, true, msg, NULL);
            r->content_type = "application/json";
            if (!txt || buf_append_str(&r->body, txt) != CH_OK)
                fail_empty(r);
            free(txt);
        } else if (srv_page_blocked(&r->body, s, &q, &v) != CH_OK) {
            fail_empty(r);
        }
        goto out;
    }
    if (!h) {
        if (json)
            json_error(r, 503, srv_i18n_get(s->i18n[q.lang], "error_unavailable"));
        else
            error_page(s, &q, r, 503, "error_unavailable", NULL);
        goto out;
    }
    flt_term hidden_terms[SRV_MAX_HIDDEN];
    const char *hidden[SRV_MAX_HIDDEN];
    idx_search_params sp = {
        .query = q.q,
        .hidden_categories = hidden,
        .n_hidden = hidden_names(s, &q, hidden_terms, hidden),
        .default_site = q.site[0] ? q.site : NULL,
        .required_category = required_category(s, &q),
        .page = q.page,
        .per_page = SRV_RESULTS_PER_PAGE,
    };
    uint64_t t0 = now_us();
    ch_status st = s->backend->search(h, &sp, &res);
    if (st != CH_OK) {
        unsigned status;
        const char *key;
        char lim[16] = "";
        search_failure(st, &status, &key);
        snprintf(lim, sizeof lim, "%u", st == CH_ERR_LIMIT ? SRV_MAX_QUERY_BYTES : IDX_MAX_PAGE);
        if (json)
            json_error(r, status, srv_i18n_get(s->i18n[q.lang], key));
        else
            error_page(s, &q, r, status, key, lim);
        goto out;
    }
    have_res = true;
    srv_stats_record_query(s->stats, q.mode, time(NULL), now_us() - t0);
    if (json) {
        char *txt = s->backend->results_json(q.q, mode_name, q.page, false, NULL, &res);
        r->content_type = "application/json";
        if (!txt || buf_append_str(&r->body, txt) != CH_OK)
            fail_empty(r);
        free(txt);
    } else if (srv_page_results(&r->body, s, &q, &v, &res) != CH_OK) {
        fail_empty(r);
    }
out:
    if (json && r->status < 500 && req->origin) {
        for (size_t i = 0; i < s->opt.n_cors_origins; i++)
            if (strcmp(s->opt.cors_origins[i], req->origin) == 0)
                r->allow_origin = s->opt.cors_origins[i];
    }
    if (have_res)
        idx_results_free(&res);
    srv_query_free(&q);
}

static void route_suggest(const srv_server *s, void *h, const srv_request *req, srv_response *r)
{
    srv_query q;
    srv_refusal why;
    char **sugg = NULL;
    size_t n = 0;
    json_t *arr = NULL, *list = NULL;
    char *txt = NULL;
    r->content_type = "application/x-suggestions+json";
    if (!srv_resolve_query(s, req, &q, &why)) {
        json_error(r, why.status, srv_i18n_get(s->i18n[q.lang], why.key));
        r->content_type = "application/x-suggestions+json";
        goto out;
    }
    if (q.has_q && h) {
        srv_query_verdict v;
        /* in allow-list-only mode the vocabulary of the other pages must not show: no
         * suggestions at all (idx_suggest cannot restrict itself to one category) */
        if (!required_category(s, &q) &&
            srv_check_query(s->querycheck, q.q, q.mode, srv_langs[q.lang], &v) == CH_OK &&
            v.kind != SRV_QUERY_BLOCKED) {
            flt_term hidden_terms[SRV_MAX_HIDDEN];
            const char *hidden[SRV_MAX_HIDDEN];
            size_t nh = hidden_names(s, &q, hidden_terms, hidden);
            if (s->backend->suggest(h, q.q, hidden, nh, SRV_MAX_SUGGESTIONS, &sugg, &n) != CH_OK) {
                sugg = NULL;
                n = 0;
            }
        }
    }
    arr = json_array();
    list = json_array();
    if (!arr || !list)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(list, json_string(sugg[i])) != 0)
            goto fail;
    if (json_array_append_new(arr, json_string(q.q)) != 0 || json_array_append(arr, list) != 0)
        goto fail;
    txt = json_dumps(arr, JSON_COMPACT);
    if (!txt || buf_append_str(&r->body, txt) != CH_OK)
        goto fail;
    goto out;
fail:
    fail_empty(r);
out:
    free(txt);
    json_decref(arr);
    json_decref(list);
    if (sugg)
        idx_strings_free(sugg, n);
    srv_query_free(&q);
}

/* A plain error page in the request's language, for requests that never got parsed. */
static void plain_error(const srv_server *s, const srv_request *req, srv_response *r,
                        unsigned status, const char *key)
{
    srv_query q;
    char host[SRV_MAX_HOSTNAME + 3];
    memset(&q, 0, sizeof q);
    q.mode = FLT_MODE_WEB;
    resolve_lock(s, req, &q, host, sizeof host);
    q.page = 1;
    int l = srv_lang_from_name(srv_params_get(req->params, "hl", NULL));
    q.lang = l >= 0 ? (size_t)l : srv_lang_from_accept(req->accept_language);
    q.lang_explicit = l >= 0;
    error_page(s, &q, r, status, key, NULL);
}

void srv_handle_rate_limited(const srv_server *s, const srv_request *req, srv_response *r)
{
    srv_query q;
    srv_refusal why;
    srv_resolve_query(s, req, &q, &why); /* even when refused, q has the language and mode */
    if (req->path && strncmp(req->path, "/api/", 5) == 0)
        json_error(r, 429, srv_i18n_get(s->i18n[q.lang], "error_rate_limited"));
    else
        error_page(s, &q, r, 429, "error_rate_limited", NULL);
    srv_query_free(&q);
    srv_stats_record_status(s->stats, r->status);
}

static void route_opensearch(const srv_server *s, const srv_request *req, srv_response *r)
{
    char host[SRV_MAX_HOSTNAME + 3];
    buf_t base;
    buf_init(&base, 1024);
    ch_status st = CH_OK;
    size_t lang = srv_lang_from_accept(req->accept_language);
    if (s->opt.public_url)
        st = buf_append_str(&base, s->opt.public_url);
    else if (req->host && srv_host_normalize(req->host, host, sizeof host))
        st = buf_appendf(&base, "http://%s", req->host); /* keeps the port */
    else
        st = buf_append_str(&base, "http://localhost");
    if (st == CH_OK && strpbrk(buf_str(&base), "\"<>&' "))
        st = CH_ERR_PARSE;
    r->content_type = "application/opensearchdescription+xml";
    if (st == CH_OK)
        st = buf_append_str(
            &r->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
                      "<ShortName>");
    if (st == CH_OK)
        st = srv_xml_escape(&r->body, srv_i18n_get(s->i18n[0], "site_name"));
    if (st == CH_OK)
        st = buf_append_str(&r->body, "</ShortName>\n<Description>");
    if (st == CH_OK)
        st = srv_xml_escape(&r->body, srv_i18n_get(s->i18n[lang], "opensearch_description"));
    if (st == CH_OK)
        st = buf_appendf(&r->body,
                         "</Description>\n<InputEncoding>UTF-8</InputEncoding>\n"
                         "<Image type=\"image/svg+xml\">%s/static/logo.svg</Image>\n"
                         "<Url type=\"text/html\" method=\"get\" "
                         "template=\"%s/search?q={searchTerms}\"/>\n"
                         "<Url type=\"application/x-suggestions+json\" method=\"get\" "
                         "template=\"%s/suggest?q={searchTerms}\"/>\n"
                         "<Url type=\"application/opensearchdescription+xml\" rel=\"self\" "
                         "template=\"%s/opensearch.xml\"/>\n"
                         "</OpenSearchDescription>\n",
                         buf_str(&base), buf_str(&base), buf_str(&base), buf_str(&base));
    buf_free(&base);
    if (st != CH_OK)
        plain_error(s, req, r, 400, "error_bad_request");
}

static bool wants_json(const srv_request *req)
{
    const char *f = srv_params_get(req->params, "format", NULL);
    if (f)
        return strcmp(f, "json") == 0;
    return req->accept && strstr(req->accept, "application/json") != NULL;
}

static void route_stats(const srv_server *s, void *h, const srv_request *req, srv_response *r)
{
    srv_query q;
    srv_refusal why;
    unsigned long docs = 0;
    char *date = NULL;
    time_t now = time(NULL);
    bool ok = srv_resolve_query(s, req, &q, &why);
    if (!h || s->backend->info(h, &docs, &date) != CH_OK) {
        docs = 0;
        date = NULL;
    }
    if (!ok) {
        error_page(s, &q, r, why.status, why.key, why.arg);
    } else if (wants_json(req)) {
        srv_stats_day days[SRV_STATS_DAYS];
        size_t nd = srv_stats_days(s->stats, now, days, SRV_STATS_DAYS);
        unsigned long totals[SRV_STATS_MODES];
        srv_stats_totals(s->stats, totals);
        json_t *o = json_pack("{s:I, s:s?, s:f, s:{s:I, s:I, s:I}, s:[]}", "documents",
                              (json_int_t)docs, "index_date", date && *date ? date : NULL,
                              "median_latency_ms", (double)srv_stats_median_us(s->stats) / 1000.0,
                              "queries_total", "web", (json_int_t)totals[0], "school",
                              (json_int_t)totals[1], "junior", (json_int_t)totals[2], "per_day");
        json_t *per_day = o ? json_object_get(o, "per_day") : NULL;
        bool fine = per_day != NULL;
        for (size_t i = 0; fine && i < nd; i++) {
            time_t t = (time_t)days[i].day * 86400;
            struct tm tm;
            char d[16] = "";
            if (gmtime_r(&t, &tm))
                strftime(d, sizeof d, "%Y-%m-%d", &tm);
            fine =
                json_array_append_new(per_day, json_pack("{s:s, s:I, s:I, s:I}", "day", d, "web",
                                                         (json_int_t)days[i].queries[0], "school",
                                                         (json_int_t)days[i].queries[1], "junior",
                                                         (json_int_t)days[i].queries[2])) == 0;
        }
        char *txt = fine ? json_dumps(o, JSON_COMPACT) : NULL;
        r->content_type = "application/json";
        if (!txt || buf_append_str(&r->body, txt) != CH_OK)
            fail_empty(r);
        free(txt);
        json_decref(o);
    } else if (srv_page_stats(&r->body, s, &q, docs, date, now) != CH_OK) {
        fail_empty(r);
    }
    free(date);
    srv_query_free(&q);
}

static void route_home(const srv_server *s, const srv_request *req, srv_response *r)
{
    srv_query q;
    srv_refusal why;
    if (!srv_resolve_query(s, req, &q, &why))
        error_page(s, &q, r, why.status, why.key, why.arg);
    else if (srv_page_home(&r->body, s, &q) != CH_OK)
        fail_empty(r);
    srv_query_free(&q);
}

void srv_handle(const srv_server *s, void *h, const srv_request *req, srv_response *r)
{
    const char *path = req->path ? req->path : "";
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    bool post = strcmp(req->method, "POST") == 0;
    bool search = strcmp(path, "/search") == 0;

    if (!get && !(post && search)) {
        r->allow = search ? "GET, HEAD, POST" : "GET, HEAD";
        plain_error(s, req, r, 405, "error_method");
    } else if (req->body_too_large) {
        plain_error(s, req, r, 413, "error_too_large");
    } else if (req->body_unsupported) {
        plain_error(s, req, r, 415, "error_bad_request");
    } else if (strcmp(path, "/") == 0) {
        route_home(s, req, r);
    } else if (search) {
        route_search(s, h, req, r, false);
    } else if (strcmp(path, "/api/search") == 0) {
        route_search(s, h, req, r, true);
    } else if (strcmp(path, "/suggest") == 0) {
        route_suggest(s, h, req, r);
    } else if (strcmp(path, "/opensearch.xml") == 0) {
        route_opensearch(s, req, r);
    } else if (strcmp(path, "/stats") == 0) {
        route_stats(s, h, req, r);
    } else if (strcmp(path, "/healthz") == 0) {
        r->content_type = "text/plain; charset=utf-8";
        if (buf_append_str(&r->body, "ok\n") != CH_OK)
            fail_empty(r);
    } else if (strcmp(path, "/metrics") == 0) {
        unsigned long docs = 0;
        char *date = NULL;
        if (!h || s->backend->info(h, &docs, &date) != CH_OK)
            docs = 0;
        free(date);
        r->content_type = "text/plain; version=0.0.4; charset=utf-8";
        if (srv_stats_prometheus(s->stats, docs, &r->body) != CH_OK)
            fail_empty(r);
    } else if (strncmp(path, "/static/", 8) == 0 &&
               (r->static_body = srv_static_find(s->files, path + 8, &r->static_len,
                                                 &r->content_type)) != NULL) {
        r->cacheable = true;
    } else {
        r->static_body = NULL;
        plain_error(s, req, r, 404, "error_not_found");
    }
    srv_stats_record_status(s->stats, r->status);
}
