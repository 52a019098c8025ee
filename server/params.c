/* Request parameters and deployment options (server.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/server.h"

void srv_params_init(srv_params *p)
{
    memset(p, 0, sizeof *p);
}

ch_status srv_params_add(srv_params *p, const char *key, size_t klen, const char *value,
                         size_t vlen)
{
    if (klen == 1 && key[0] == 'q' && vlen > SRV_MAX_QUERY_BYTES)
        p->too_long = true;
    if (p->n >= SRV_MAX_PARAMS || klen + vlen + 2 > SRV_MAX_PARAM_BYTES - p->bytes) {
        p->overflow = true;
        return CH_ERR_LIMIT;
    }
    char *k = malloc(klen + 1), *v = malloc(vlen + 1);
    if (!k || !v) {
        free(k);
        free(v);
        return CH_ERR_NOMEM;
    }
    memcpy(k, key, klen);
    k[klen] = '\0';
    if (vlen)
        memcpy(v, value, vlen);
    v[vlen] = '\0';
    srv_param *e = &p->v[p->n++];
    e->key = k;
    e->value = v;
    e->vlen = vlen;
    p->bytes += klen + vlen + 2;
    return CH_OK;
}

const char *srv_params_get(const srv_params *p, const char *key, size_t *len)
{
    for (size_t i = 0; p && i < p->n; i++) {
        if (strcmp(p->v[i].key, key) == 0) {
            if (len)
                *len = p->v[i].vlen;
            return p->v[i].value;
        }
    }
    return NULL;
}

void srv_params_free(srv_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].key);
        free(p->v[i].value);
    }
    p->n = 0;
    p->bytes = 0;
}

/* ---- options ---------------------------------------------------------------------------- */

/* Split a configuration value on commas and blanks; call fn for each non-empty token. */
static ch_status each_token(const char *value, ch_status (*fn)(void *, const char *), void *arg)
{
    char tok[512];
    const char *p = value;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ',' && !isspace((unsigned char)p[n]))
            n++;
        if (n == 0)
            break;
        if (n >= sizeof tok)
            return CH_ERR_PARSE;
        memcpy(tok, p, n);
        tok[n] = '\0';
        ch_status st = fn(arg, tok);
        if (st != CH_OK)
            return st;
        p += n;
    }
    return CH_OK;
}

/* True when s is a port: at most 5 digits (an empty port, "host:", is allowed by RFC 3986). */
static bool port_ok(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n <= 5 && s[n] == '\0';
}

/* Lower-case a Host header in place, drop its port and a trailing dot: "name[:port]" or
 * "[v6][:port]", the name made of letters, digits, '.', '-' and '_'. Anything else is refused,
 * so the result is safe to compare and to print. */
static bool host_normalize(char *h)
{
    bool v6 = h[0] == '[';
    char *end = v6 ? strchr(h, ']') : strchr(h, ':'); /* where the name ends */
    if (v6 && !end)
        return false;
    const char *port = end ? end + (v6 ? 1 : 0) : NULL;
    if (port && *port != '\0' && (*port != ':' || !port_ok(port + 1)))
        return false;
    if (end)
        end[v6 ? 1 : 0] = '\0';
    size_t n = strlen(h);
    if (!v6 && n && h[n - 1] == '.')
        h[--n] = '\0';
    if (n == 0 || n > SRV_MAX_HOSTNAME)
        return false;
    for (char *p = h; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (v6) /* "[" hex digits, ':' and '.' "]" */
        return n > 2 && strspn(h + 1, "abcdef0123456789:.") == n - 2;
    return strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789.-_") == n;
}

bool srv_host_normalize(const char *in, char *out, size_t outcap)
{
    if (!in || strlen(in) >= outcap)
        return false;
    memcpy(out, in, strlen(in) + 1);
    return host_normalize(out);
}

static ch_status add_host_mode(void *arg, const char *tok)
{
    srv_options *o = arg;
    const char *colon = strrchr(tok, ':');
    if (!colon || colon == tok)
        return CH_ERR_PARSE;
    int mode = flt_mode_from_name(colon + 1);
    if (mode < 0)
        return CH_ERR_PARSE;
    char *host = strndup(tok, (size_t)(colon - tok));
    if (!host)
        return CH_ERR_NOMEM;
    srv_host_mode *nv =
        host_normalize(host) ? realloc(o->host_modes, (o->n_host_modes + 1) * sizeof *nv) : NULL;
    if (!nv) {
        bool bad = host[0] != '\0';
        free(host);
        return bad ? CH_ERR_PARSE : CH_ERR_NOMEM;
    }
    o->host_modes = nv;
    o->host_modes[o->n_host_modes++] = (srv_host_mode){host, mode};
    return CH_OK;
}

static bool site_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SRV_MAX_HOSTNAME)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == '_'))
            return false;
    return true;
}

bool srv_site_valid(const char *s)
{
    return s && site_ok(s);
}

static ch_status add_host_site(void *arg, const char *tok)
{
    srv_options *o = arg;
    const char *colon = strchr(tok, ':');
    if (!colon || colon == tok || !site_ok(colon + 1))
        return CH_ERR_PARSE;
    char *host = strndup(tok, (size_t)(colon - tok));
    char *site = strdup(colon + 1);
    srv_host_site *nv = NULL;
    if (host && site && host_normalize(host))
        nv = realloc(o->host_sites, (o->n_host_sites + 1) * sizeof *nv);
    if (!nv) {
        free(host);
        free(site);
        return CH_ERR_PARSE;
    }
    for (char *p = site; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    o->host_sites = nv;
    o->host_sites[o->n_host_sites++] = (srv_host_site){host, site};
    return CH_OK;
}

/* An origin is scheme://host[:port], nothing else. */
static ch_status add_cors(void *arg, const char *tok)
{
    srv_options *o = arg;
    if (strncmp(tok, "https://", 8) != 0 && strncmp(tok, "http://", 7) != 0)
        return CH_ERR_PARSE;
    for (const char *p = tok; *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr(":/.-_[]", *p)))
            return CH_ERR_PARSE;
    char **nv = realloc(o->cors_origins, (o->n_cors_origins + 1) * sizeof *nv);
    if (!nv)
        return CH_ERR_NOMEM;
    o->cors_origins = nv;
    if (!(o->cors_origins[o->n_cors_origins] = strdup(tok)))
        return CH_ERR_NOMEM;
    o->n_cors_origins++;
    return CH_OK;
}

/* A CSP source expression: 'self', 'none', or scheme://host[:port] without ; , or quotes. */
static ch_status add_ancestor(void *arg, const char *tok)
{
    buf_t *b = arg;
    if (strcmp(tok, "'self'") != 0 && strcmp(tok, "'none'") != 0) {
        if (strncmp(tok, "https://", 8) != 0 && strncmp(tok, "http://", 7) != 0)
            return CH_ERR_PARSE;
        for (const char *p = tok; *p; p++)
            if (!(isalnum((unsigned char)*p) || strchr(":/.-_[]*", *p)))
                return CH_ERR_PARSE;
    }
    ch_status st = b->len ? buf_append_char(b, ' ') : CH_OK;
    return st == CH_OK ? buf_append_str(b, tok) : st;
}

ch_status srv_options_from_config(srv_options *o, const cfg_t *c, const char *lock_mode_arg,
                                  char *err, size_t errlen)
{
    ch_status st = CH_OK;
    const char *key = "";
    buf_t fa;
    buf_init(&fa, 2048);
    memset(o, 0, sizeof *o);
    o->lock_mode = -1;

    const char *lm = lock_mode_arg ? lock_mode_arg : (c ? cfg_get(c, "serve", "lock_mode") : NULL);
    key = lock_mode_arg ? "--lock-mode" : "lock_mode";
    if (lm && *lm && (o->lock_mode = flt_mode_from_name(lm)) < 0) {
        st = CH_ERR_PARSE;
        goto out;
    }
    static const struct {
        const char *key;
        ch_status (*fn)(void *, const char *);
    } lists[] = {
        {"host_modes", add_host_mode}, {"host_sites", add_host_site}, {"cors_origins", add_cors}};
    for (size_t l = 0; c && l < sizeof lists / sizeof lists[0]; l++) {
        key = lists[l].key;
        for (size_t i = 0; i < cfg_count(c, "serve", key); i++)
            if ((st = each_token(cfg_get_nth(c, "serve", key, i), lists[l].fn, o)) != CH_OK)
                goto out;
    }
    key = "frame_ancestors";
    for (size_t i = 0; c && i < cfg_count(c, "serve", key); i++)
        if ((st = each_token(cfg_get_nth(c, "serve", key, i), add_ancestor, &fa)) != CH_OK)
            goto out;
    if (fa.len == 0 && (st = buf_append_str(&fa, "'none'")) != CH_OK)
        goto out;
    if (!(o->frame_ancestors = buf_steal(&fa, NULL))) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    key = "public_url";
    const char *pu = c ? cfg_get(c, "serve", key) : NULL;
    if (pu && *pu) {
        if ((strncmp(pu, "https://", 8) != 0 && strncmp(pu, "http://", 7) != 0) ||
            strpbrk(pu, "\"'<> \t")) {
            st = CH_ERR_PARSE;
            goto out;
        }
        size_t n = strlen(pu);
        while (n > 8 && pu[n - 1] == '/')
            n--;
        if (!(o->public_url = strndup(pu, n))) {
            st = CH_ERR_NOMEM;
            goto out;
        }
    }
out:
    buf_free(&fa);
    if (st != CH_OK) {
        if (err)
            snprintf(err, errlen, "[serve] %s: %s", key,
                     st == CH_ERR_PARSE ? "invalid value" : ch_status_str(st));
        srv_options_free(o);
    }
    return st;
}

void srv_options_free(srv_options *o)
{
    for (size_t i = 0; i < o->n_host_modes; i++)
        free(o->host_modes[i].host);
    for (size_t i = 0; i < o->n_host_sites; i++) {
        free(o->host_sites[i].host);
        free(o->host_sites[i].site);
    }
    for (size_t i = 0; i < o->n_cors_origins; i++)
        free(o->cors_origins[i]);
    free(o->host_modes);
    free(o->host_sites);
    free(o->cors_origins);
    free(o->frame_ancestors);
    free(o->public_url);
    memset(o, 0, sizeof *o);
    o->lock_mode = -1;
}
