#include "server/pages.h"

#include <stdio.h>
#include <string.h>

#include "server/escape.h"

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        if ((st = (expr)) != CH_OK)                                                                \
            goto out;                                                                              \
    } while (0)

static const char *const mode_keys[FLT_MODE_COUNT] = {"mode_web", "mode_school", "mode_junior"};
static const char *const mode_names[FLT_MODE_COUNT] = {"web", "school", "junior"};

static const srv_i18n *lang_of(const srv_server *s, const srv_query *q)
{
    return s->i18n[q && q->lang < SRV_LANG_COUNT ? q->lang : 0];
}

static int mode_of(const srv_query *q)
{
    return q && q->mode >= 0 && q->mode < FLT_MODE_COUNT ? q->mode : FLT_MODE_WEB;
}

static const char *T(const srv_server *s, const srv_query *q, const char *key)
{
    return srv_i18n_get(lang_of(s, q), key);
}

/* Escaped text of key (no placeholders). */
static ch_status text(buf_t *out, const srv_server *s, const srv_query *q, const char *key)
{
    return srv_i18n_format(out, lang_of(s, q), key, NULL, NULL);
}

/* Escape a into a scratch buffer, then format key with it. */
static ch_status text1(buf_t *out, const srv_server *s, const srv_query *q, const char *key,
                       const char *a1, const char *a2)
{
    buf_t e1, e2;
    buf_init(&e1, SRV_MAX_PARAM_BYTES * 6);
    buf_init(&e2, SRV_MAX_PARAM_BYTES * 6);
    ch_status st = html_escape(&e1, a1);
    if (st == CH_OK && a2)
        st = html_escape(&e2, a2);
    if (st == CH_OK)
        st = srv_i18n_format(out, lang_of(s, q), key, buf_str(&e1), a2 ? buf_str(&e2) : NULL);
    buf_free(&e1);
    buf_free(&e2);
    return st;
}

ch_status srv_search_url(buf_t *out, const srv_query *q, const char *query, unsigned page, int lang)
{
    ch_status st;
    TRY(buf_append_str(out, "/search?q="));
    TRY(srv_url_encode(out, query));
    if (q && !q->locked && q->mode != FLT_MODE_WEB)
        TRY(buf_appendf(out, "&amp;mode=%s", mode_names[mode_of(q)]));
    if (q && q->safe_off)
        TRY(buf_append_str(out, "&amp;safe=off"));
    if (q && (q->site[0] || q->host_site[0])) {
        /* carry the scope choice: the site, or "no scope" over the Host's default */
        if (q->site[0]) {
            TRY(buf_append_str(out, "&amp;site="));
            TRY(srv_url_encode(out, q->site));
        }
        if (q->host_site[0])
            TRY(buf_append_str(out, "&amp;sitebox=1"));
    }
    if (lang >= 0 && lang < SRV_LANG_COUNT)
        TRY(buf_appendf(out, "&amp;hl=%s", srv_langs[lang]));
    else if (q && q->lang_explicit)
        TRY(buf_appendf(out, "&amp;hl=%s", srv_langs[q->lang]));
    if (page > 1)
        TRY(buf_appendf(out, "&amp;page=%u", page));
out:
    return st;
}

static ch_status head(buf_t *out, const srv_server *s, const srv_query *q, const char *page_class,
                      const char *title_key, const char *title_arg)
{
    ch_status st;
    int mode = mode_of(q);
    TRY(buf_appendf(out,
                    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"referrer\" content=\"no-referrer\">\n"
                    "<meta name=\"color-scheme\" content=\"light dark\">\n<title>",
                    srv_langs[q ? q->lang : 0]));
    TRY(text1(out, s, q, title_key, title_arg ? title_arg : "", NULL));
    TRY(buf_append_str(out, " – "));
    TRY(text(out, s, q, "site_name"));
    TRY(buf_append_str(out, "</title>\n<link rel=\"stylesheet\" href=\"/static/chouette.css\">\n"
                            "<link rel=\"icon\" href=\"/static/logo.svg\" type=\"image/svg+xml\">\n"
                            "<link rel=\"search\" type=\"application/opensearchdescription+xml\" "
                            "href=\"/opensearch.xml\" title=\""));
    TRY(text(out, s, q, "opensearch_description"));
    TRY(buf_appendf(out,
                    "\">\n</head>\n<body class=\"mode-%s %s\">\n<a class=\"skip\" "
                    "href=\"#main\">",
                    mode_names[mode], page_class));
    TRY(text(out, s, q, "skip_link"));
    TRY(buf_append_str(out, "</a>\n"));
out:
    return st;
}

static ch_status brand(buf_t *out, const srv_server *s, const srv_query *q)
{
    ch_status st;
    TRY(buf_append_str(out, "<a class=\"brand\" href=\"/"));
    if (q && q->lang_explicit)
        TRY(buf_appendf(out, "?hl=%s", srv_langs[q->lang]));
    TRY(buf_append_str(out, "\"><img src=\"/static/logo.svg\" alt=\"\" width=\"40\" "
                            "height=\"40\"><span>"));
    TRY(text(out, s, q, "site_name"));
    TRY(buf_append_str(out, "</span></a>\n"));
out:
    return st;
}

/* The search form. big: the home page's (visible label). */
static ch_status form(buf_t *out, const srv_server *s, const srv_query *q, bool big)
{
    ch_status st;
    int mode = mode_of(q);
    TRY(buf_appendf(out,
                    "<form class=\"search%s\" action=\"/search\" method=\"get\" role=\"search\">\n"
                    "<label for=\"q\"%s>",
                    big ? " big" : "", big ? "" : " class=\"sr-only\""));
    TRY(text(out, s, q, mode == FLT_MODE_JUNIOR ? "search_label_junior" : "search_label"));
    TRY(buf_appendf(out,
                    "</label>\n<div class=\"row\"><input id=\"q\" name=\"q\" "
                    "type=\"search\" maxlength=\"%u\" autocomplete=\"off\" value=\"",
                    SRV_MAX_QUERY_BYTES));
    TRY(html_escape(out, q && q->q ? q->q : ""));
    TRY(buf_append_str(out, "\"><button type=\"submit\">"));
    TRY(text(out, s, q, "search_button"));
    TRY(buf_append_str(out, "</button></div>\n<div class=\"opts\">"));
    if (q && q->locked) {
        buf_t name;
        buf_init(&name, 256);
        st = html_escape(&name, T(s, q, mode_keys[mode]));
        if (st == CH_OK)
            st = buf_append_str(out, "<p class=\"badge\">");
        if (st == CH_OK)
            st = srv_i18n_format(out, lang_of(s, q), "mode_locked", buf_str(&name), NULL);
        buf_free(&name);
        TRY(st);
        TRY(buf_append_str(out, "</p>"));
    } else {
        TRY(buf_append_str(out, "<label for=\"mode\">"));
        TRY(text(out, s, q, "mode_label"));
        TRY(buf_append_str(out, "</label> <select id=\"mode\" name=\"mode\">"));
        for (int m = 0; m < FLT_MODE_COUNT; m++) {
            TRY(buf_appendf(out, "<option value=\"%s\"%s>", mode_names[m],
                            m == mode ? " selected" : ""));
            TRY(text(out, s, q, mode_keys[m]));
            TRY(buf_append_str(out, "</option>"));
        }
        TRY(buf_append_str(out, "</select>"));
        if (q && q->safe_off)
            TRY(buf_append_str(out, "<input type=\"hidden\" name=\"safe\" value=\"off\">"));
    }
    if (q && (q->host_site[0] || q->site[0])) {
        const char *scope = q->site[0] ? q->site : q->host_site;
        if (q->host_site[0])
            TRY(buf_append_str(out, "<input type=\"hidden\" name=\"sitebox\" value=\"1\">"));
        TRY(buf_append_str(out, " <span class=\"check\"><input type=\"checkbox\" id=\"site\" "
                                "name=\"site\" value=\""));
        TRY(html_escape(out, scope));
        TRY(buf_appendf(out, "\"%s><label for=\"site\">", q->site[0] ? " checked" : ""));
        TRY(text1(out, s, q, "site_only", scope, NULL));
        TRY(buf_append_str(out, "</label></span>"));
    }
    if (q && q->lang_explicit)
        TRY(buf_appendf(out, "<input type=\"hidden\" name=\"hl\" value=\"%s\">",
                        srv_langs[q->lang]));
    TRY(buf_append_str(out, "</div>\n</form>\n"));
out:
    return st;
}

static ch_status top(buf_t *out, const srv_server *s, const srv_query *q, bool with_form)
{
    ch_status st;
    TRY(buf_append_str(out, "<header class=\"top\">\n"));
    TRY(brand(out, s, q));
    if (with_form)
        TRY(form(out, s, q, false));
    TRY(buf_append_str(out, "</header>\n<main id=\"main\" tabindex=\"-1\">\n"));
out:
    return st;
}

/* The link to this same page in the other language. */
static ch_status lang_link(buf_t *out, const srv_server *s, const srv_query *q, bool search)
{
    ch_status st;
    size_t other = (q ? q->lang + 1 : 1) % SRV_LANG_COUNT;
    TRY(buf_append_str(out, "<li><a href=\""));
    if (search && q && q->has_q)
        TRY(srv_search_url(out, q, q->q, q->page, (int)other));
    else
        TRY(buf_appendf(out, "/?hl=%s", srv_langs[other]));
    TRY(buf_appendf(out, "\" lang=\"%s\" hreflang=\"%s\">", srv_langs[other], srv_langs[other]));
    TRY(text(out, s, q, "lang_switch"));
    TRY(buf_append_str(out, "</a></li>\n"));
out:
    return st;
}

static ch_status foot(buf_t *out, const srv_server *s, const srv_query *q, bool search)
{
    ch_status st;
    const char *hl = q && q->lang_explicit ? srv_langs[q->lang] : NULL;
    TRY(buf_append_str(out, "</main>\n<footer>\n<nav aria-label=\""));
    TRY(text(out, s, q, "nav_label"));
    TRY(buf_appendf(out, "\"><ul>\n<li><a href=\"/%s%s\">", hl ? "?hl=" : "", hl ? hl : ""));
    TRY(text(out, s, q, "footer_home"));
    TRY(buf_appendf(out, "</a></li>\n<li><a href=\"/stats%s%s\">", hl ? "?hl=" : "", hl ? hl : ""));
    TRY(text(out, s, q, "footer_stats"));
    TRY(buf_append_str(out, "</a></li>\n"));
    TRY(lang_link(out, s, q, search));
    TRY(buf_append_str(out, "</ul></nav>\n<p>"));
    TRY(text(out, s, q, "footer_privacy"));
    TRY(buf_append_str(out, "</p>\n</footer>\n</body>\n</html>\n"));
out:
    return st;
}

ch_status srv_page_home(buf_t *out, const srv_server *s, const srv_query *q)
{
    ch_status st;
    bool junior = mode_of(q) == FLT_MODE_JUNIOR;
    TRY(head(out, s, q, "page-home", "home_heading", NULL));
    TRY(top(out, s, q, false));
    TRY(buf_append_str(out, "<h1>"));
    TRY(text(out, s, q, junior ? "home_heading_junior" : "home_heading"));
    TRY(buf_append_str(out, "</h1>\n<p class=\"intro\">"));
    TRY(text(out, s, q, junior ? "home_intro_junior" : "home_intro"));
    TRY(buf_append_str(out, "</p>\n"));
    TRY(form(out, s, q, true));
    TRY(foot(out, s, q, false));
out:
    return st;
}

ch_status srv_snippet_filter(buf_t *out, const char *snippet)
{
    ch_status st = CH_OK;
    const char *p = snippet ? snippet : "";
    bool open = false; /* inside <mark>: nesting is not allowed, a stray tag is escaped */
    while (*p && st == CH_OK) {
        if (!open && strncmp(p, "<mark>", 6) == 0) {
            st = buf_append_str(out, "<mark>");
            open = true;
            p += 6;
        } else if (open && strncmp(p, "</mark>", 7) == 0) {
            st = buf_append_str(out, "</mark>");
            open = false;
            p += 7;
        } else if (*p == '<') {
            st = buf_append_str(out, "&lt;");
            p++;
        } else if (*p == '>') {
            st = buf_append_str(out, "&gt;");
            p++;
        } else if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) {
            p++;
        } else {
            size_t n = 1;
            while (p[n] && p[n] != '<' && p[n] != '>' && p[n] != 0x7f &&
                   ((unsigned char)p[n] >= 0x20 || p[n] == '\t' || p[n] == '\n'))
                n++;
            st = buf_append(out, p, n);
            p += n;
        }
    }
    if (st == CH_OK && open)
        st = buf_append_str(out, "</mark>");
    return st;
}

static bool http_url(const char *u)
{
    return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0);
}

static bool lang_code_ok(const char *l)
{
    size_t n = l ? strlen(l) : 0;
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (l[i] < 'a' || l[i] > 'z')
            return false;
    return true;
}

/* q->q without its site: terms, for "more from this site". */
static ch_status query_without(buf_t *out, const char *query, const char *drop_prefix,
                               const char *drop_exact)
{
    ch_status st = CH_OK;
    const char *p = query;
    while (*p && st == CH_OK) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        bool drop = (drop_prefix && strncmp(p, drop_prefix, strlen(drop_prefix)) == 0) ||
                    (drop_exact && strlen(drop_exact) == n && strncmp(p, drop_exact, n) == 0);
        if (!drop) {
            if (out->len)
                st = buf_append_char(out, ' ');
            if (st == CH_OK)
                st = buf_append(out, p, n);
        }
        p += n;
    }
    return st;
}

static ch_status chips(buf_t *out, const srv_server *s, const srv_query *q)
{
    ch_status st = CH_OK;
    bool any = false;
    const char *p = q->q;
    buf_t tok, rest;
    buf_init(&tok, SRV_MAX_QUERY_BYTES * 4);
    buf_init(&rest, SRV_MAX_QUERY_BYTES * 4);
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        if ((n > 5 && strncmp(p, "site:", 5) == 0) || (n > 5 && strncmp(p, "lang:", 5) == 0)) {
            if (!any) {
                TRY(buf_append_str(out, "<div class=\"chips\"><h2 class=\"sr-only\">"));
                TRY(text(out, s, q, "chips_label"));
                TRY(buf_append_str(out, "</h2><ul>"));
                any = true;
            }
            buf_reset(&tok);
            buf_reset(&rest);
            TRY(buf_append(&tok, p, n));
            TRY(query_without(&rest, q->q, NULL, buf_str(&tok)));
            TRY(buf_append_str(out, "<li><a class=\"chip\" href=\""));
            TRY(srv_search_url(out, q, buf_str(&rest), 0, -1));
            TRY(buf_append_str(out, "\">"));
            TRY(text1(out, s, q, "chip_remove", buf_str(&tok), NULL));
            TRY(buf_append_str(out, "</a></li>"));
        }
        p += n;
    }
    if (any)
        TRY(buf_append_str(out, "</ul></div>\n"));
out:
    buf_free(&tok);
    buf_free(&rest);
    return st;
}

static ch_status help_box(buf_t *out, const srv_server *s, const srv_query *q,
                          const srv_query_verdict *v)
{
    ch_status st = CH_OK;
    if (!v || v->n_help == 0)
        return CH_OK;
    TRY(buf_append_str(out, "<aside class=\"help\" aria-labelledby=\"help-title\"><h2 "
                            "id=\"help-title\">"));
    TRY(text(out, s, q, "help_title"));
    TRY(buf_append_str(out, "</h2><ul>"));
    for (size_t i = 0; i < v->n_help && i < SRV_QUERY_MAX_HELP; i++) {
        TRY(buf_append_str(out, "<li>"));
        TRY(html_escape(out, v->help[i]));
        TRY(buf_append_str(out, "</li>"));
    }
    TRY(buf_append_str(out, "</ul></aside>\n"));
out:
    return st;
}

static ch_status did_you_mean(buf_t *out, const srv_server *s, const srv_query *q,
                              const idx_results *r)
{
    ch_status st = CH_OK;
    if (!r->corrected_query || !*r->corrected_query)
        return CH_OK;
    buf_t link;
    buf_init(&link, SRV_MAX_QUERY_BYTES * 16);
    TRY(buf_append_str(&link, "<a href=\""));
    TRY(srv_search_url(&link, q, r->corrected_query, 0, -1));
    TRY(buf_append_str(&link, "\">"));
    TRY(html_escape(&link, r->corrected_query));
    TRY(buf_append_str(&link, "</a>"));
    TRY(buf_append_str(out, "<p class=\"dym\">"));
    TRY(srv_i18n_format(out, lang_of(s, q), "did_you_mean", buf_str(&link), NULL));
    TRY(buf_append_str(out, "</p>\n"));
out:
    buf_free(&link);
    return st;
}

static ch_status one_result(buf_t *out, const srv_server *s, const srv_query *q,
                            const idx_result *res)
{
    ch_status st = CH_OK;
    bool lang_ok = lang_code_ok(res->lang);
    const char *title = res->title && *res->title ? res->title : res->url ? res->url : "";
    buf_t more, link, count;
    buf_init(&more, SRV_MAX_QUERY_BYTES * 4);
    buf_init(&link, SRV_MAX_QUERY_BYTES * 16);
    buf_init(&count, 32);
    TRY(buf_append_str(out, "<li class=\"result\"><h2"));
    if (lang_ok)
        TRY(buf_appendf(out, " lang=\"%s\"", res->lang));
    TRY(buf_append_str(out, ">"));
    if (http_url(res->url)) {
        TRY(buf_append_str(out, "<a href=\""));
        TRY(html_escape(out, res->url));
        TRY(buf_append_str(out, "\" rel=\"noreferrer noopener\">"));
        TRY(html_escape(out, title));
        TRY(buf_append_str(out, "</a>"));
    } else {
        TRY(html_escape(out, title));
    }
    TRY(buf_append_str(out, "</h2>\n<p class=\"url\">"));
    TRY(html_escape(out, res->url));
    TRY(buf_append_str(out, "</p>\n<p class=\"snippet\""));
    if (lang_ok)
        TRY(buf_appendf(out, " lang=\"%s\"", res->lang));
    TRY(buf_append_str(out, ">"));
    TRY(srv_snippet_filter(out, res->snippet));
    TRY(buf_append_str(out, "</p>\n"));
    if (lang_ok || (res->more_from_site && res->site && srv_site_valid(res->site))) {
        TRY(buf_append_str(out, "<p class=\"meta\">"));
        if (lang_ok) {
            TRY(buf_append_str(out, "<span>"));
            TRY(text1(out, s, q, "result_lang", res->lang, NULL));
            TRY(buf_append_str(out, "</span>"));
        }
        if (res->more_from_site && res->site && srv_site_valid(res->site)) {
            TRY(buf_append_str(&more, "site:"));
            TRY(buf_append_str(&more, res->site));
            TRY(query_without(&more, q->q, "site:", NULL));
            TRY(buf_append_str(&link, "<a href=\""));
            TRY(srv_search_url(&link, q, buf_str(&more), 0, -1));
            TRY(buf_append_str(&link, "\">"));
            TRY(buf_appendf(&count, "%u", res->more_from_site));
            TRY(buf_append_str(out, lang_ok ? " <span class=\"more\">" : "<span class=\"more\">"));
            buf_t label;
            buf_init(&label, 1024);
            st = text1(&label, s, q, "more_from_site", res->site, buf_str(&count));
            if (st == CH_OK)
                st = buf_append(&link, label.data ? label.data : "", label.len);
            buf_free(&label);
            TRY(st);
            TRY(buf_append_str(&link, "</a>"));
            TRY(buf_append(out, link.data, link.len));
            TRY(buf_append_str(out, "</span>"));
        }
        TRY(buf_append_str(out, "</p>\n"));
    }
    TRY(buf_append_str(out, "</li>\n"));
out:
    buf_free(&more);
    buf_free(&link);
    buf_free(&count);
    return st;
}

static ch_status pager(buf_t *out, const srv_server *s, const srv_query *q, const idx_results *r)
{
    ch_status st = CH_OK;
    if (q->page <= 1 && !r->has_next_page)
        return CH_OK;
    char num[16];
    snprintf(num, sizeof num, "%u", q->page);
    TRY(buf_append_str(out, "<nav class=\"pager\" aria-label=\""));
    TRY(text(out, s, q, "pager_label"));
    TRY(buf_append_str(out, "\"><ul>"));
    if (q->page > 1) {
        TRY(buf_append_str(out, "<li><a rel=\"prev\" href=\""));
        TRY(srv_search_url(out, q, q->q, q->page - 1, -1));
        TRY(buf_append_str(out, "\">"));
        TRY(text(out, s, q, "pager_prev"));
        TRY(buf_append_str(out, "</a></li>"));
    }
    TRY(buf_append_str(out, "<li aria-current=\"page\">"));
    TRY(text1(out, s, q, "pager_current", num, NULL));
    TRY(buf_append_str(out, "</li>"));
    if (r->has_next_page && q->page < IDX_MAX_PAGE) {
        TRY(buf_append_str(out, "<li><a rel=\"next\" href=\""));
        TRY(srv_search_url(out, q, q->q, q->page + 1, -1));
        TRY(buf_append_str(out, "\">"));
        TRY(text(out, s, q, "pager_next"));
        TRY(buf_append_str(out, "</a></li>"));
    }
    TRY(buf_append_str(out, "</ul></nav>\n"));
out:
    return st;
}

ch_status srv_page_results(buf_t *out, const srv_server *s, const srv_query *q,
                           const srv_query_verdict *v, const idx_results *r)
{
    ch_status st;
    bool none = r->n_results == 0;
    bool junior = mode_of(q) == FLT_MODE_JUNIOR;
    char num[32];
    TRY(head(out, s, q, none ? "page-noresults" : "page-results", "results_title", q->q));
    TRY(top(out, s, q, true));
    TRY(help_box(out, s, q, v));
    if (none) {
        TRY(buf_append_str(out, "<h1>"));
        TRY(text(out, s, q, "no_results_title"));
        TRY(buf_append_str(out, "</h1>\n"));
        TRY(chips(out, s, q));
        TRY(did_you_mean(out, s, q, r));
        TRY(buf_append_str(out, "<p>"));
        TRY(text1(out, s, q, "no_results_text", q->q, NULL));
        TRY(buf_append_str(out, "</p>\n<p>"));
        TRY(text(out, s, q, junior ? "no_results_tips_junior" : "no_results_tips"));
        TRY(buf_append_str(out, "</p>\n"));
    } else {
        TRY(buf_append_str(out, "<h1 class=\"results-heading\">"));
        TRY(text1(out, s, q, "results_heading", q->q, NULL));
        TRY(buf_append_str(out, "</h1>\n<p class=\"estimate\">"));
        snprintf(num, sizeof num, "%lu", r->estimated_total);
        TRY(text1(out, s, q, "results_estimate", num, NULL));
        TRY(buf_append_str(out, "</p>\n"));
        if (r->degraded) {
            TRY(buf_append_str(out, "<p class=\"notice\">"));
            TRY(text(out, s, q, "degraded"));
            TRY(buf_append_str(out, "</p>\n"));
        }
        TRY(chips(out, s, q));
        TRY(did_you_mean(out, s, q, r));
        TRY(buf_append_str(out, "<ol class=\"results\" aria-label=\""));
        TRY(text(out, s, q, "results_list_label"));
        TRY(buf_appendf(out, "\" start=\"%u\">\n", r->results[0].rank ? r->results[0].rank : 1));
        for (size_t i = 0; i < r->n_results; i++)
            TRY(one_result(out, s, q, &r->results[i]));
        TRY(buf_append_str(out, "</ol>\n"));
        TRY(pager(out, s, q, r));
    }
    TRY(foot(out, s, q, true));
out:
    return st;
}

ch_status srv_page_blocked(buf_t *out, const srv_server *s, const srv_query *q,
                           const srv_query_verdict *v)
{
    ch_status st;
    TRY(head(out, s, q, "page-blocked", "blocked_title", NULL));
    TRY(top(out, s, q, true));
    TRY(buf_append_str(out, "<div class=\"blocked\"><img src=\"/static/logo.svg\" alt=\"\" "
                            "width=\"96\" height=\"96\">\n<h1>"));
    TRY(text(out, s, q, "blocked_title"));
    TRY(buf_append_str(out, "</h1>\n<p>"));
    if (v && v->message && *v->message)
        TRY(html_escape(out, v->message));
    else
        TRY(text(out, s, q, "blocked_text"));
    TRY(buf_append_str(out, "</p>\n</div>\n"));
    TRY(help_box(out, s, q, v));
    TRY(foot(out, s, q, false));
out:
    return st;
}

ch_status srv_page_error(buf_t *out, const srv_server *s, const srv_query *q, const char *key,
                         const char *arg)
{
    ch_status st;
    const char *hl = q && q->lang_explicit ? srv_langs[q->lang] : NULL;
    TRY(head(out, s, q, "page-error", "error_title", NULL));
    TRY(top(out, s, q, false));
    TRY(buf_append_str(out, "<h1>"));
    TRY(text(out, s, q, "error_title"));
    TRY(buf_append_str(out, "</h1>\n<p class=\"error\">"));
    TRY(text1(out, s, q, key, arg ? arg : "", NULL));
    TRY(buf_appendf(out, "</p>\n<p><a href=\"/%s%s\">", hl ? "?hl=" : "", hl ? hl : ""));
    TRY(text(out, s, q, "error_back_home"));
    TRY(buf_append_str(out, "</a></p>\n"));
    TRY(foot(out, s, q, false));
out:
    return st;
}

ch_status srv_page_stats(buf_t *out, const srv_server *s, const srv_query *q,
                         unsigned long doc_count, const char *index_date, time_t now)
{
    ch_status st;
    srv_stats_day days[SRV_STATS_DAYS];
    size_t nd = srv_stats_days(s->stats, now, days, SRV_STATS_DAYS);
    unsigned long totals[SRV_STATS_MODES];
    srv_stats_totals(s->stats, totals);
    uint64_t median = srv_stats_median_us(s->stats);
    TRY(head(out, s, q, "page-stats", "stats_title", NULL));
    TRY(top(out, s, q, false));
    TRY(buf_append_str(out, "<h1>"));
    TRY(text(out, s, q, "stats_title"));
    TRY(buf_append_str(out, "</h1>\n<dl class=\"stats\">\n<dt>"));
    TRY(text(out, s, q, "stats_docs"));
    TRY(buf_appendf(out, "</dt><dd>%lu</dd>\n<dt>", doc_count));
    TRY(text(out, s, q, "stats_index_date"));
    TRY(buf_append_str(out, "</dt><dd>"));
    if (index_date && *index_date)
        TRY(html_escape(out, index_date));
    else
        TRY(text(out, s, q, "stats_unknown"));
    TRY(buf_append_str(out, "</dd>\n<dt>"));
    TRY(text(out, s, q, "stats_median"));
    if (median)
        TRY(buf_appendf(out, "</dt><dd>%.1f ms</dd>\n", (double)median / 1000.0));
    else {
        TRY(buf_append_str(out, "</dt><dd>"));
        TRY(text(out, s, q, "stats_unknown"));
        TRY(buf_append_str(out, "</dd>\n"));
    }
    TRY(buf_append_str(out, "</dl>\n<table>\n<caption>"));
    TRY(text(out, s, q, "stats_per_day"));
    TRY(buf_append_str(out, "</caption>\n<thead><tr><th scope=\"col\">"));
    TRY(text(out, s, q, "stats_day"));
    TRY(buf_append_str(out, "</th>"));
    for (int m = 0; m < FLT_MODE_COUNT; m++) {
        TRY(buf_append_str(out, "<th scope=\"col\">"));
        TRY(text(out, s, q, mode_keys[m]));
        TRY(buf_append_str(out, "</th>"));
    }
    TRY(buf_append_str(out, "</tr></thead>\n<tbody>\n"));
    for (size_t i = 0; i < nd; i++) {
        time_t t = (time_t)days[i].day * 86400;
        struct tm tm;
        char date[16] = "";
        if (gmtime_r(&t, &tm))
            strftime(date, sizeof date, "%Y-%m-%d", &tm);
        TRY(buf_appendf(out,
                        "<tr><th scope=\"row\">%s</th><td>%lu</td><td>%lu</td><td>%lu</td>"
                        "</tr>\n",
                        date, days[i].queries[0], days[i].queries[1], days[i].queries[2]));
    }
    TRY(buf_append_str(out, "<tr><th scope=\"row\">"));
    TRY(text(out, s, q, "stats_total"));
    TRY(buf_appendf(out, "</th><td>%lu</td><td>%lu</td><td>%lu</td></tr>\n</tbody>\n</table>\n",
                    totals[0], totals[1], totals[2]));
    TRY(foot(out, s, q, false));
out:
    return st;
}
