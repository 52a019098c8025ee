/* Configuration loading with inih; see config.h for the contract. */
#include "common/config.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/url.h"

typedef struct {
    char *section;
    char *key;
    char *value;
} cfg_entry;

struct cfg {
    cfg_crawler crawler;
    cfg_entry *entries;
    size_t n_entries, cap_entries;
    bool strip_params_set; /* the file named strip_params: its list replaced the default */
};

/* Parse state handed to the inih callback. */
typedef struct {
    cfg_t *c;
    ch_status st;
    int line;
    char *err;
    size_t errlen;
} load_ctx;

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

ch_status cfg_set_string(char **field, const char *value)
{
    char *p = dup_str(value);
    if (!p)
        return CH_ERR_NOMEM;
    free(*field);
    *field = p;
    return CH_OK;
}

ch_status cfg_list_add(cfg_t *c, cfg_list *l, const char *value)
{
    (void)c;
    char *p = dup_str(value);
    if (!p)
        return CH_ERR_NOMEM;
    char **items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        free(p);
        return CH_ERR_NOMEM;
    }
    l->items = items;
    l->items[l->n++] = p;
    return CH_OK;
}

void cfg_list_clear(cfg_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

ch_status cfg_parse_size(const char *s, long max, long *out)
{
    if (!s || !*s)
        return CH_ERR_PARSE;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || v < 0)
        return CH_ERR_PARSE;
    long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024L;
    else if (*end == 'm' || *end == 'M')
        mult = 1024L * 1024;
    else if (*end == 'g' || *end == 'G')
        mult = 1024L * 1024 * 1024;
    if (mult != 1) {
        end++;
        if (*end == 'i' || *end == 'I')
            end++;
        if (*end == 'b' || *end == 'B')
            end++;
    }
    if (*end != '\0')
        return CH_ERR_PARSE;
    if (v > max / mult)
        return CH_ERR_PARSE;
    *out = v * mult;
    return CH_OK;
}

static ch_status parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return CH_ERR_PARSE;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max)
        return CH_ERR_PARSE;
    *out = v;
    return CH_OK;
}

/* Split value on commas and white space, adding each non-empty piece to l. */
static ch_status add_split(cfg_t *c, cfg_list *l, const char *value)
{
    ch_status st = CH_OK;
    char *copy = dup_str(value);
    if (!copy)
        return CH_ERR_NOMEM;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        st = cfg_list_add(c, l, tok);
        if (st)
            break;
    }
    free(copy);
    return st;
}

ch_status cfg_new(cfg_t **out)
{
    ch_status st = CH_ERR_NOMEM;
    *out = NULL;
    cfg_t *c = calloc(1, sizeof *c);
    if (!c)
        return CH_ERR_NOMEM;
    cfg_crawler *k = &c->crawler;
    if (cfg_set_string(&k->contact_url, "https://chouette.invalid/bot"))
        goto out;
    if (cfg_set_string(&k->user_agent, "ChouetteBot/0.1 (+https://chouette.invalid/bot)"))
        goto out;
    k->delay_ms = 1000;
    k->max_crawl_delay_s = 30;
    k->concurrency = 16;
    k->per_host_connections = 1;
    k->parse_threads = 0;
    k->max_pages = 0;
    k->max_depth = 10;
    k->max_url_length = 2048;
    k->per_host_page_budget = 10000;
    k->response_max_bytes = 10L * 1024 * 1024;
    k->connect_timeout_s = 10;
    k->timeout_s = 60;
    k->low_speed_bytes = 100;
    k->low_speed_time_s = 20;
    k->max_redirects = 5;
    k->max_retries = 2;
    k->max_backoff_s = 300;
    k->robots_cache_s = 86400;
    k->robots_retry_s = 60;
    k->robots_max_attempts = 3;
    k->recrawl_after_s = 0;
    k->warc_max_bytes = 1024L * 1024 * 1024;
    for (size_t i = 0; url_default_strip_params[i]; i++)
        if (cfg_list_add(c, &k->strip_params, url_default_strip_params[i]))
            goto out;
    st = CH_OK;
out:
    if (st) {
        cfg_free(c);
        return st;
    }
    *out = c;
    return CH_OK;
}

void cfg_free(cfg_t *c)
{
    if (!c)
        return;
    cfg_crawler *k = &c->crawler;
    free(k->user_agent);
    free(k->contact_url);
    cfg_list *lists[] = {&k->seeds,   &k->sitemaps, &k->allow_hosts,    &k->allow_prefixes,
                         &k->include, &k->exclude,  &k->allow_networks, &k->strip_params};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        cfg_list_clear(lists[i]);
    for (size_t i = 0; i < c->n_entries; i++) {
        free(c->entries[i].section);
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    free(c->entries);
    free(c);
}

const cfg_crawler *cfg_crawler_section(const cfg_t *c)
{
    return &c->crawler;
}

cfg_crawler *cfg_crawler_section_mut(cfg_t *c)
{
    return &c->crawler;
}

static ch_status add_entry(cfg_t *c, const char *section, const char *key, const char *value)
{
    ch_status st =
        buf_reserve_array(&c->entries, &c->cap_entries, c->n_entries + 1, sizeof *c->entries, 16);
    if (st)
        return st;
    cfg_entry *e = &c->entries[c->n_entries];
    e->section = dup_str(section);
    e->key = dup_str(key);
    e->value = dup_str(value);
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return CH_ERR_NOMEM;
    }
    c->n_entries++;
    return CH_OK;
}

/* The integer keys of [crawler], with their bounds and whether a size suffix is allowed. */
typedef struct {
    const char *name;
    size_t offset;
    long min, max;
    bool size;
} long_key;

#define LK(n, lo, hi, sz)                                                                          \
    {                                                                                              \
#n, offsetof(cfg_crawler, n), lo, hi, sz                                                   \
    }
static const long_key long_keys[] = {
    LK(delay_ms, 0, 86400000L, false),
    LK(max_crawl_delay_s, 0, 86400, false),
    LK(concurrency, 1, 1024, false),
    LK(per_host_connections, 1, 64, false),
    LK(parse_threads, 0, 16, false),
    LK(max_pages, 0, 1000000000L, false),
    LK(max_depth, 0, 1000, false),
    LK(max_url_length, 16, 8192, false),
    LK(per_host_page_budget, 0, 1000000000L, false),
    LK(response_max_bytes, 1024, 1024L * 1024 * 1024, true),
    LK(connect_timeout_s, 1, 3600, false),
    LK(timeout_s, 1, 86400, false),
    LK(low_speed_bytes, 0, 1024L * 1024 * 1024, true),
    LK(low_speed_time_s, 0, 3600, false),
    LK(max_redirects, 0, 20, false),
    LK(max_retries, 0, 100, false),
    LK(max_backoff_s, 0, 86400, false),
    LK(robots_cache_s, 0, 30L * 86400, false),
    LK(robots_retry_s, 0, 86400, false),
    LK(robots_max_attempts, 1, 1000, false),
    LK(recrawl_after_s, 0, 10L * 365 * 86400, false),
    LK(warc_max_bytes, 1024L * 1024, 64L * 1024 * 1024 * 1024, true),
};
#undef LK

static ch_status set_crawler_key(cfg_t *c, const char *key, const char *value)
{
    cfg_crawler *k = &c->crawler;
    for (size_t i = 0; i < sizeof long_keys / sizeof long_keys[0]; i++) {
        const long_key *lk = &long_keys[i];
        if (strcasecmp(key, lk->name) != 0)
            continue;
        long v = 0;
        ch_status st =
            lk->size ? cfg_parse_size(value, lk->max, &v) : parse_long(value, lk->min, lk->max, &v);
        if (st || v < lk->min)
            return CH_ERR_PARSE;
        *(long *)((char *)k + lk->offset) = v;
        return CH_OK;
    }
    if (strcasecmp(key, "user_agent") == 0)
        return *value ? cfg_set_string(&k->user_agent, value) : CH_ERR_PARSE;
    if (strcasecmp(key, "contact_url") == 0)
        return cfg_set_string(&k->contact_url, value);
    if (strcasecmp(key, "include") == 0)
        return *value ? cfg_list_add(c, &k->include, value) : CH_OK;
    if (strcasecmp(key, "exclude") == 0)
        return *value ? cfg_list_add(c, &k->exclude, value) : CH_OK;
    if (strcasecmp(key, "strip_params") == 0) {
        if (!c->strip_params_set) {
            cfg_list_clear(&k->strip_params);
            c->strip_params_set = true;
        }
        if (strcasecmp(value, "none") == 0)
            return CH_OK;
        return add_split(c, &k->strip_params, value);
    }
    struct {
        const char *name;
        cfg_list *l;
    } lists[] = {{"seeds", &k->seeds},
                 {"sitemaps", &k->sitemaps},
                 {"allow_hosts", &k->allow_hosts},
                 {"allow_prefixes", &k->allow_prefixes},
                 {"allow_networks", &k->allow_networks}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (strcasecmp(key, lists[i].name) == 0)
            return add_split(c, lists[i].l, value);
    return CH_ERR_NOTFOUND;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *lc = user;
    lc->line++;
    if (lc->st)
        return 0;
    if (!value)
        value = "";
    ch_status st = add_entry(lc->c, section, name, value);
    if (!st && strcasecmp(section, "crawler") == 0) {
        st = set_crawler_key(lc->c, name, value);
        if (st == CH_ERR_NOTFOUND) {
            if (lc->err)
                snprintf(lc->err, lc->errlen, "unknown key '%s' in [crawler]", name);
            lc->st = CH_ERR_PARSE;
            return 0;
        }
        if (st == CH_ERR_PARSE) {
            if (lc->err)
                snprintf(lc->err, lc->errlen, "bad value for '%s' in [crawler]", name);
            lc->st = CH_ERR_PARSE;
            return 0;
        }
    }
    if (st) {
        lc->st = st;
        return 0;
    }
    return 1;
}

static ch_status finish_load(load_ctx *lc, int rc, const char *what)
{
    if (lc->st)
        return lc->st;
    if (rc == -1) {
        if (lc->err)
            snprintf(lc->err, lc->errlen, "%s: cannot open", what);
        return CH_ERR_IO;
    }
    if (rc == -2)
        return CH_ERR_NOMEM;
    if (rc > 0) {
        if (lc->err)
            snprintf(lc->err, lc->errlen, "%s: line %d: syntax error or line too long", what, rc);
        return CH_ERR_PARSE;
    }
    return CH_OK;
}

/* finish_load for a config file or string: a value on_entry refused has its message already;
 * the line inih reports is put in front of it. */
static ch_status finish_config_load(load_ctx *lc, int rc)
{
    ch_status st = finish_load(lc, rc, "config");
    if (st == CH_ERR_PARSE && lc->err && lc->errlen && rc > 0 && lc->st) {
        char tmp[256];
        snprintf(tmp, sizeof tmp, "config line %d: %s", rc, lc->err);
        snprintf(lc->err, lc->errlen, "%s", tmp);
    }
    return st;
}

ch_status cfg_load(cfg_t *c, const char *path, char *err, size_t errlen)
{
    if (!c || !path)
        return CH_ERR_ARG;
    load_ctx lc = {c, CH_OK, 0, err, errlen};
    if (err && errlen)
        err[0] = '\0';
    return finish_config_load(&lc, ini_parse(path, on_entry, &lc));
}

ch_status cfg_load_string(cfg_t *c, const char *text, char *err, size_t errlen)
{
    if (!c || !text)
        return CH_ERR_ARG;
    load_ctx lc = {c, CH_OK, 0, err, errlen};
    if (err && errlen)
        err[0] = '\0';
    return finish_config_load(&lc, ini_parse_string(text, on_entry, &lc));
}

const char *cfg_get(const cfg_t *c, const char *section, const char *key)
{
    for (size_t i = c->n_entries; i-- > 0;)
        if (strcasecmp(c->entries[i].section, section) == 0 &&
            strcasecmp(c->entries[i].key, key) == 0)
            return c->entries[i].value;
    return NULL;
}

size_t cfg_count(const cfg_t *c, const char *section, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_entries; i++)
        if (strcasecmp(c->entries[i].section, section) == 0 &&
            strcasecmp(c->entries[i].key, key) == 0)
            n++;
    return n;
}

const char *cfg_get_nth(const cfg_t *c, const char *section, const char *key, size_t idx)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_entries; i++)
        if (strcasecmp(c->entries[i].section, section) == 0 &&
            strcasecmp(c->entries[i].key, key) == 0) {
            if (n == idx)
                return c->entries[i].value;
            n++;
        }
    return NULL;
}
