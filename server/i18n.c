#include "server/i18n.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "server/escape.h"

const char *const srv_langs[SRV_LANG_COUNT] = {"fr", "en"};

const char *const srv_i18n_keys[] = {"site_name",
                                     "tagline",
                                     "skip_link",
                                     "nav_label",
                                     "search_label",
                                     "search_label_junior",
                                     "search_button",
                                     "mode_label",
                                     "mode_web",
                                     "mode_school",
                                     "mode_junior",
                                     "mode_locked",
                                     "site_only",
                                     "home_heading",
                                     "home_heading_junior",
                                     "home_intro",
                                     "home_intro_junior",
                                     "lang_switch",
                                     "lang_switch_label",
                                     "results_title",
                                     "results_heading",
                                     "results_estimate",
                                     "results_list_label",
                                     "did_you_mean",
                                     "more_from_site",
                                     "result_lang",
                                     "pager_label",
                                     "pager_prev",
                                     "pager_next",
                                     "pager_current",
                                     "chips_label",
                                     "chip_remove",
                                     "no_results_title",
                                     "no_results_text",
                                     "no_results_tips",
                                     "no_results_tips_junior",
                                     "blocked_title",
                                     "blocked_text",
                                     "help_title",
                                     "error_title",
                                     "error_bad_request",
                                     "error_query_too_long",
                                     "error_bad_page",
                                     "error_bad_mode",
                                     "error_bad_site",
                                     "error_not_found",
                                     "error_method",
                                     "error_too_large",
                                     "error_unavailable",
                                     "error_internal",
                                     "error_back_home",
                                     "degraded",
                                     "error_rate_limited",
                                     "footer_privacy",
                                     "footer_stats",
                                     "footer_home",
                                     "stats_title",
                                     "stats_docs",
                                     "stats_index_date",
                                     "stats_median",
                                     "stats_day",
                                     "stats_queries",
                                     "stats_total",
                                     "stats_per_day",
                                     "stats_unknown",
                                     "opensearch_description",
                                     "logo_alt",
                                     NULL};

typedef struct {
    char *key;
    char *value;
} i18n_entry;

struct srv_i18n {
    char lang[8];
    i18n_entry *e;
    size_t n, cap;
    ch_status st; /* first failure while parsing */
    int line;     /* line of that failure */
};

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    srv_i18n *t = user;
    if (strcmp(section, "ui") != 0) {
        t->st = CH_ERR_PARSE;
        return 0;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->e[i].key, name) == 0) { /* a repeated key replaces the value */
            char *v = strdup(value);
            if (!v) {
                t->st = CH_ERR_NOMEM;
                return 0;
            }
            free(t->e[i].value);
            t->e[i].value = v;
            return 1;
        }
    }
    if (buf_reserve_array(&t->e, &t->cap, t->n + 1, sizeof *t->e, 64)) {
        t->st = CH_ERR_NOMEM;
        return 0;
    }
    char *k = strdup(name), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        t->st = CH_ERR_NOMEM;
        return 0;
    }
    t->e[t->n].key = k;
    t->e[t->n].value = v;
    t->n++;
    return 1;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const i18n_entry *)a)->key, ((const i18n_entry *)b)->key);
}

static ch_status finish(srv_i18n *t, int rc, const char *label, char *err, size_t errlen)
{
    if (rc < 0) {
        if (err)
            snprintf(err, errlen, "%s: cannot read", label);
        return CH_ERR_IO;
    }
    if (rc > 0 || t->st != CH_OK) {
        ch_status st = t->st != CH_OK ? t->st : CH_ERR_PARSE;
        if (err)
            snprintf(err, errlen, "%s:%d: %s (texts go in a [ui] section)", label, rc,
                     ch_status_str(st));
        return st;
    }
    qsort(t->e, t->n, sizeof *t->e, entry_cmp);
    for (size_t i = 0; srv_i18n_keys[i]; i++) {
        i18n_entry k = {(char *)srv_i18n_keys[i], NULL};
        if (!bsearch(&k, t->e, t->n, sizeof *t->e, entry_cmp)) {
            if (err)
                snprintf(err, errlen, "%s: missing key '%s'", label, srv_i18n_keys[i]);
            return CH_ERR_PARSE;
        }
    }
    return CH_OK;
}

static ch_status load_common(const char *path, const char *text, const char *lang, srv_i18n **out,
                             char *err, size_t errlen)
{
    *out = NULL;
    if (!lang || strlen(lang) >= sizeof((srv_i18n *)0)->lang)
        return CH_ERR_ARG;
    srv_i18n *t = calloc(1, sizeof *t);
    if (!t)
        return CH_ERR_NOMEM;
    snprintf(t->lang, sizeof t->lang, "%s", lang);
    int rc = path ? ini_parse(path, on_entry, t) : ini_parse_string(text, on_entry, t);
    ch_status st = finish(t, rc, path ? path : "(string)", err, errlen);
    if (st != CH_OK) {
        srv_i18n_free(t);
        return st;
    }
    *out = t;
    return CH_OK;
}

ch_status srv_i18n_load(const char *path, const char *lang, srv_i18n **out, char *err,
                        size_t errlen)
{
    return load_common(path, NULL, lang, out, err, errlen);
}

ch_status srv_i18n_load_string(const char *text, const char *lang, srv_i18n **out, char *err,
                               size_t errlen)
{
    return load_common(NULL, text, lang, out, err, errlen);
}

void srv_i18n_free(srv_i18n *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->e[i].key);
        free(t->e[i].value);
    }
    free(t->e);
    free(t);
}

const char *srv_i18n_lang(const srv_i18n *t)
{
    return t->lang;
}

const char *srv_i18n_get(const srv_i18n *t, const char *key)
{
    i18n_entry k = {(char *)key, NULL};
    const i18n_entry *e = t ? bsearch(&k, t->e, t->n, sizeof *t->e, entry_cmp) : NULL;
    return e ? e->value : key;
}

ch_status srv_i18n_format(buf_t *out, const srv_i18n *t, const char *key, const char *a1,
                          const char *a2)
{
    const char *s = srv_i18n_get(t, key);
    ch_status st = CH_OK;
    const char *p = s;
    while (st == CH_OK) {
        const char *open = strchr(p, '{');
        if (!open)
            return html_escape(out, p);
        if ((open[1] == '1' || open[1] == '2') && open[2] == '}') {
            if ((st = html_escape_n(out, p, (size_t)(open - p))) != CH_OK)
                return st;
            const char *arg = open[1] == '1' ? a1 : a2;
            if (arg)
                st = buf_append_str(out, arg);
            p = open + 3;
        } else {
            st = html_escape_n(out, p, (size_t)(open - p) + 1);
            p = open + 1;
        }
    }
    return st;
}

int srv_lang_from_name(const char *name)
{
    for (size_t i = 0; name && i < SRV_LANG_COUNT; i++)
        if (strcasecmp(name, srv_langs[i]) == 0)
            return (int)i;
    return -1;
}

/* Parse one q-value ("0.8", "1", "1.000"); -1 when malformed. In thousandths. */
static int parse_q(const char *s, size_t len)
{
    if (len == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000, scale = 100;
    if (len == 1)
        return q;
    if (s[1] != '.' || len > 5)
        return -1;
    for (size_t i = 2; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
        scale /= 10;
    }
    return q > 1000 ? -1 : q;
}

size_t srv_lang_from_accept(const char *header)
{
    size_t best = 0;
    int best_q = 0;
    const char *p = header;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* range [; q=...] with optional whitespace */
        const char *r = p;
        while (r < p + len && (*r == ' ' || *r == '\t'))
            r++;
        const char *re = r;
        while (re < p + len && *re != ';' && *re != ' ' && *re != '\t')
            re++;
        int q = 1000;
        const char *semi = memchr(r, ';', (size_t)(p + len - r));
        if (semi) {
            const char *qv = semi + 1;
            while (qv < p + len && (*qv == ' ' || *qv == '\t'))
                qv++;
            if (qv + 2 <= p + len && (qv[0] == 'q' || qv[0] == 'Q') && qv[1] == '=') {
                const char *qe = qv + 2;
                while (qe < p + len && *qe != ' ' && *qe != '\t' && *qe != ';')
                    qe++;
                q = parse_q(qv + 2, (size_t)(qe - qv - 2));
            }
        }
        size_t rlen = (size_t)(re - r);
        for (size_t i = 0; q > best_q && i < SRV_LANG_COUNT; i++) {
            size_t ll = strlen(srv_langs[i]);
            if (rlen >= ll && strncasecmp(r, srv_langs[i], ll) == 0 &&
                (rlen == ll || r[ll] == '-')) {
                best = i;
                best_q = q;
            }
        }
        p = end ? end + 1 : NULL;
    }
    return best;
}
