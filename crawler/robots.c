/* robots.txt parser and matcher (RFC 9309). See robots.h for the rules followed. */
#include "crawler/robots.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/url.h"

/* Every string the parser keeps (patterns, agent names, sitemaps) lives in one capped arena and
 * is referred to by offset; each is followed by a NUL. */
typedef struct {
    size_t off, len;
} robots_str;

typedef struct {
    size_t off, len; /* normalised pattern, '*' and a final '$' included */
    bool allow;
} robots_rule;

typedef struct {
    size_t first_agent, n_agents; /* into robots.agents; "*" is not listed there */
    size_t first_rule, n_rules;   /* into robots.rules */
    bool global;                  /* one of its user-agent lines is "*" */
    double delay;                 /* -1 when no Crawl-delay line */
} robots_group;

struct robots {
    buf_t arena;
    robots_rule *rules;
    size_t n_rules, cap_rules;
    robots_group *groups;
    size_t n_groups, cap_groups;
    robots_str *agents;
    size_t n_agents, cap_agents;
    robots_str *sitemaps;
    size_t n_sitemaps, cap_sitemaps;
    bool truncated;
    double max_delay;
};

struct robots_agent {
    const robots_t *r;
    const robots_rule **rules; /* longest first, Allow before Disallow on equal length */
    size_t n_rules;
    double delay;
};

static const char hexdigits[] = "0123456789ABCDEF";

/* Grow an array of elem-sized items so that it holds one more than *n. */
/* Write the normalised form of s[0..n) to out, which has room for 3 * n bytes; returns the
 * length written. Both patterns and paths go through this, so they compare alike. */
static size_t robots_normalise(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && n - i >= 3) {
            int hi = url_hex_digit_value((unsigned char)s[i + 1]);
            int lo = url_hex_digit_value((unsigned char)s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                unsigned char v = (unsigned char)(hi * 16 + lo);
                if (url_is_unreserved(v)) {
                    out[o++] = (char)v;
                } else {
                    out[o++] = '%';
                    out[o++] = hexdigits[v >> 4];
                    out[o++] = hexdigits[v & 15];
                }
                i += 2;
                continue;
            }
        }
        if (c >= 0x80 || c <= 0x20 || c == 0x7F) {
            out[o++] = '%';
            out[o++] = hexdigits[c >> 4];
            out[o++] = hexdigits[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    return o;
}

/* Does pattern p[0..m) ('*' any run of octets, a final '$' the end) match the start of path
 * s[0..n)? Each literal segment is searched once, leftmost first, which is optimal for a
 * prefix match: no backtracking, linear per segment. */
static bool robots_pattern_match(const char *p, size_t m, const char *s, size_t n)
{
    bool anchored = m > 0 && p[m - 1] == '$';
    if (anchored)
        m--;
    const char *star = memchr(p, '*', m);
    if (!star) {
        if (anchored)
            return n == m && memcmp(p, s, m) == 0;
        return n >= m && memcmp(p, s, m) == 0;
    }
    size_t seg = (size_t)(star - p);
    if (n < seg || memcmp(p, s, seg) != 0)
        return false;
    size_t si = seg, pi = seg + 1;
    for (;;) {
        star = memchr(p + pi, '*', m - pi);
        if (!star)
            break;
        seg = (size_t)(star - (p + pi));
        if (seg > 0) {
            const char *f = memmem(s + si, n - si, p + pi, seg);
            if (!f)
                return false;
            si = (size_t)(f - s) + seg;
        }
        pi += seg + 1;
    }
    seg = m - pi;
    if (!anchored)
        return seg == 0 || memmem(s + si, n - si, p + pi, seg) != NULL;
    return n - si >= seg && memcmp(s + n - seg, p + pi, seg) == 0;
}

static bool robots_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static bool robots_name_is(const char *k, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(k, name, n) == 0;
}

/* Append s[0..n) and a NUL to the arena; *off receives where it starts. */
static ch_status robots_arena_add(robots_t *r, const char *s, size_t n, size_t *off)
{
    *off = r->arena.len;
    ch_status st = buf_append(&r->arena, s, n);
    if (st == CH_OK)
        st = buf_append_char(&r->arena, '\0');
    return st;
}

/* Copy v[0..len) into the arena and append its reference to *arr (*n entries, *cap room). */
static ch_status robots_push_str(robots_t *r, robots_str **arr, size_t *cap, size_t *n,
                                 const char *v, size_t len)
{
    ch_status st = buf_reserve_array(arr, cap, *n + 1, sizeof **arr, 16);
    if (st)
        return st;
    robots_str e = {.len = len};
    if ((st = robots_arena_add(r, v, len, &e.off)))
        return st;
    (*arr)[(*n)++] = e;
    return CH_OK;
}

/* Parse a Crawl-delay value: digits with an optional fraction, whole value. Returns false
 * when it is not a number. Saturates rather than overflows. */
static bool robots_parse_delay(const char *v, size_t n, double *out)
{
    double x = 0;
    size_t i = 0, digits = 0;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++) {
        if (x < 1e9)
            x = x * 10 + (v[i] - '0');
    }
    if (i < n && v[i] == '.') {
        /* The fraction as an integer over a power of ten: one rounding, so "7.25" is exact. */
        double num = 0, den = 1;
        for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++) {
            if (den < 1e9) {
                num = num * 10 + (v[i] - '0');
                den *= 10;
            }
        }
        x += num / den;
    }
    if (digits == 0 || i != n)
        return false;
    *out = x;
    return true;
}

static bool robots_is_absolute_http(const char *v, size_t n)
{
    size_t pre;
    if (n > 7 && strncasecmp(v, "http://", 7) == 0)
        pre = 7;
    else if (n > 8 && strncasecmp(v, "https://", 8) == 0)
        pre = 8;
    else
        return false;
    for (size_t i = pre; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= 0x20 || c == 0x7F)
            return false;
    }
    return true;
}

typedef struct {
    robots_t *r;
    bool in_agents; /* the last group line was a user-agent line: a new one joins the group */
    char *scratch;  /* room for 3 * the longest line */
} robots_parser;

static ch_status robots_on_user_agent(robots_parser *ps, const char *v, size_t n)
{
    robots_t *r = ps->r;
    ch_status st;
    if (!ps->in_agents || r->n_groups == 0) {
        st = buf_reserve_array(&r->groups, &r->cap_groups, r->n_groups + 1, sizeof *r->groups, 16);
        if (st)
            return st;
        r->groups[r->n_groups++] =
            (robots_group){.first_agent = r->n_agents, .first_rule = r->n_rules, .delay = -1.0};
        ps->in_agents = true;
    }
    robots_group *g = &r->groups[r->n_groups - 1];
    size_t k = 0;
    while (k < n && v[k] != '/' && !robots_is_space(v[k]))
        k++;
    if (k == 1 && v[0] == '*') {
        g->global = true;
        return CH_OK;
    }
    if (k == 0)
        return CH_OK; /* starts a group that names no one */
    st = robots_push_str(r, &r->agents, &r->cap_agents, &r->n_agents, v, k);
    if (st)
        return st;
    g->n_agents++;
    return CH_OK;
}

static ch_status robots_on_rule(robots_parser *ps, bool allow, const char *v, size_t n)
{
    robots_t *r = ps->r;
    if (r->n_groups == 0)
        return CH_OK; /* rules before any user-agent line belong to no group */
    ps->in_agents = false;
    if (n == 0)
        return CH_OK; /* "Disallow:" with nothing: no rule */
    size_t m = robots_normalise(v, n, ps->scratch);
    ch_status st =
        buf_reserve_array(&r->rules, &r->cap_rules, r->n_rules + 1, sizeof *r->rules, 16);
    if (st)
        return st;
    robots_rule rule = {.len = m, .allow = allow};
    st = robots_arena_add(r, ps->scratch, m, &rule.off);
    if (st)
        return st;
    r->rules[r->n_rules++] = rule;
    r->groups[r->n_groups - 1].n_rules++;
    return CH_OK;
}

static void robots_on_crawl_delay(robots_parser *ps, const char *v, size_t n)
{
    robots_t *r = ps->r;
    if (r->n_groups == 0)
        return;
    ps->in_agents = false;
    double d;
    if (!robots_parse_delay(v, n, &d))
        return;
    if (d > r->max_delay)
        d = r->max_delay;
    robots_group *g = &r->groups[r->n_groups - 1];
    if (d > g->delay)
        g->delay = d;
}

static ch_status robots_on_sitemap(robots_parser *ps, const char *v, size_t n)
{
    robots_t *r = ps->r;
    if (r->n_sitemaps >= ROBOTS_MAX_SITEMAPS || !robots_is_absolute_http(v, n))
        return CH_OK;
    return robots_push_str(r, &r->sitemaps, &r->cap_sitemaps, &r->n_sitemaps, v, n);
}

/* One line, without its end-of-line bytes. */
static ch_status robots_parse_line(robots_parser *ps, const char *b, const char *e)
{
    const char *hash = memchr(b, '#', (size_t)(e - b));
    if (hash)
        e = hash;
    const char *colon = memchr(b, ':', (size_t)(e - b));
    if (!colon)
        return CH_OK;
    const char *kb = b, *ke = colon, *vb = colon + 1, *ve = e;
    while (kb < ke && robots_is_space(*kb))
        kb++;
    while (ke > kb && robots_is_space(ke[-1]))
        ke--;
    while (vb < ve && robots_is_space(*vb))
        vb++;
    while (ve > vb && robots_is_space(ve[-1]))
        ve--;
    size_t kn = (size_t)(ke - kb), vn = (size_t)(ve - vb);
    if (robots_name_is(kb, kn, "user-agent"))
        return robots_on_user_agent(ps, vb, vn);
    if (robots_name_is(kb, kn, "allow"))
        return robots_on_rule(ps, true, vb, vn);
    if (robots_name_is(kb, kn, "disallow"))
        return robots_on_rule(ps, false, vb, vn);
    if (robots_name_is(kb, kn, "crawl-delay")) {
        robots_on_crawl_delay(ps, vb, vn);
        return CH_OK;
    }
    if (robots_name_is(kb, kn, "sitemap"))
        return robots_on_sitemap(ps, vb, vn);
    return CH_OK; /* unknown field */
}

robots_policy robots_policy_for_status(int http_status)
{
    if (http_status >= 200 && http_status <= 299)
        return ROBOTS_PARSE;
    if (http_status >= 300 && http_status <= 499)
        return ROBOTS_ALLOW_ALL;
    return ROBOTS_DISALLOW_ALL;
}

ch_status robots_parse(const char *data, size_t len, const robots_options *opt, robots_t **out)
{
    ch_status st = CH_OK;
    robots_t *r = NULL;
    robots_parser ps = {0};
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    if (!data && len > 0)
        return CH_ERR_ARG;
    size_t max_bytes = opt && opt->max_bytes ? opt->max_bytes : ROBOTS_DEFAULT_MAX_BYTES;
    if (max_bytes > SIZE_MAX / 8)
        max_bytes = SIZE_MAX / 8;
    r = calloc(1, sizeof *r);
    if (!r)
        return CH_ERR_NOMEM;
    r->max_delay =
        opt && opt->max_crawl_delay > 0 ? opt->max_crawl_delay : ROBOTS_DEFAULT_MAX_CRAWL_DELAY;
    if (len > max_bytes) {
        r->truncated = true;
        /* Drop the line the limit cuts, unless the limit falls on its end. */
        bool at_eol = data[max_bytes] == '\n' || data[max_bytes] == '\r';
        len = max_bytes;
        if (!at_eol) {
            while (len > 0 && data[len - 1] != '\n' && data[len - 1] != '\r')
                len--;
        }
    }
    /* Each kept string is at most 3 times its line plus a NUL: 4 * len bounds the total. */
    buf_init(&r->arena, 4 * len + 16);
    size_t pos = 0;
    /* A UTF-8 byte order mark, whole or cut short, at the very start. */
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while (pos < 3 && pos < len && (unsigned char)data[pos] == bom[pos])
        pos++;
    size_t longest = 0;
    for (size_t i = pos, start = pos; i <= len; i++) {
        if (i == len || data[i] == '\n' || data[i] == '\r') {
            if (i - start > longest)
                longest = i - start;
            start = i + 1;
        }
    }
    ps.r = r;
    ps.scratch = malloc(3 * longest + 1);
    if (!ps.scratch) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    while (pos < len) {
        size_t e = pos;
        while (e < len && data[e] != '\n' && data[e] != '\r')
            e++;
        st = robots_parse_line(&ps, data + pos, data + e);
        if (st)
            goto out;
        if (e < len && data[e] == '\r' && e + 1 < len && data[e + 1] == '\n')
            e++;
        pos = e + 1;
    }
out:
    free(ps.scratch);
    if (st) {
        robots_free(r);
        return st;
    }
    *out = r;
    return CH_OK;
}

void robots_free(robots_t *r)
{
    if (!r)
        return;
    buf_free(&r->arena);
    free(r->rules);
    free(r->groups);
    free(r->agents);
    free(r->sitemaps);
    free(r);
}

bool robots_truncated(const robots_t *r)
{
    return r && r->truncated;
}

ch_status robots_product_token(const char *ua, char *out, size_t n)
{
    if (!ua || !out || n == 0)
        return CH_ERR_ARG;
    out[0] = '\0';
    while (robots_is_space(*ua))
        ua++;
    size_t k = 0;
    while (ua[k] && ua[k] != '/' && !robots_is_space(ua[k]))
        k++;
    if (k == 0)
        return CH_ERR_ARG;
    if (k >= n)
        return CH_ERR_LIMIT;
    memcpy(out, ua, k);
    out[k] = '\0';
    return CH_OK;
}

static bool robots_group_names(const robots_t *r, const robots_group *g, const char *agent,
                               size_t agent_len)
{
    for (size_t i = 0; i < g->n_agents; i++) {
        const robots_str *a = &r->agents[g->first_agent + i];
        if (a->len == agent_len && strncasecmp(r->arena.data + a->off, agent, agent_len) == 0)
            return true;
    }
    return false;
}

/* Which groups apply: those naming the agent, else those of "*". */
static bool robots_any_specific(const robots_t *r, const char *agent, size_t agent_len)
{
    for (size_t i = 0; i < r->n_groups; i++) {
        if (robots_group_names(r, &r->groups[i], agent, agent_len))
            return true;
    }
    return false;
}

static bool robots_group_applies(const robots_t *r, const robots_group *g, bool specific,
                                 const char *agent, size_t agent_len)
{
    return specific ? robots_group_names(r, g, agent, agent_len) : g->global;
}

/* The normalised path in a new string (stack buffer when it fits); NULL on failure. */
static char *robots_norm_path(const char *path, char *stackbuf, size_t stacklen, size_t *outlen)
{
    if (!path || !*path)
        path = "/";
    size_t n = strlen(path);
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *buf = 3 * n + 1 <= stacklen ? stackbuf : malloc(3 * n + 1);
    if (!buf)
        return NULL;
    *outlen = robots_normalise(path, n, buf);
    buf[*outlen] = '\0';
    return buf;
}

static bool robots_is_robots_txt(const char *p, size_t n)
{
    return n == 11 && memcmp(p, "/robots.txt", 11) == 0;
}

bool robots_allowed(const robots_t *r, const char *agent, const char *path_and_query)
{
    if (!r)
        return true;
    if (!agent)
        agent = "";
    char stackbuf[1024];
    size_t n = 0;
    char *s = robots_norm_path(path_and_query, stackbuf, sizeof stackbuf, &n);
    if (!s)
        return false;
    bool allowed = true;
    if (robots_is_robots_txt(s, n))
        goto out;
    size_t agent_len = strlen(agent);
    bool specific = robots_any_specific(r, agent, agent_len);
    size_t best_len = 0;
    bool found = false;
    for (size_t gi = 0; gi < r->n_groups; gi++) {
        const robots_group *g = &r->groups[gi];
        if (!robots_group_applies(r, g, specific, agent, agent_len))
            continue;
        for (size_t i = 0; i < g->n_rules; i++) {
            const robots_rule *rule = &r->rules[g->first_rule + i];
            if (found &&
                (rule->len < best_len || (rule->len == best_len && (allowed || !rule->allow))))
                continue;
            if (robots_pattern_match(r->arena.data + rule->off, rule->len, s, n)) {
                found = true;
                best_len = rule->len;
                allowed = rule->allow;
            }
        }
    }
out:
    if (s != stackbuf)
        free(s);
    return allowed;
}

double robots_crawl_delay(const robots_t *r, const char *agent)
{
    if (!r)
        return -1.0;
    if (!agent)
        agent = "";
    size_t agent_len = strlen(agent);
    bool specific = robots_any_specific(r, agent, agent_len);
    double d = -1.0;
    for (size_t gi = 0; gi < r->n_groups; gi++) {
        const robots_group *g = &r->groups[gi];
        if (robots_group_applies(r, g, specific, agent, agent_len) && g->delay > d)
            d = g->delay;
    }
    return d;
}

static int robots_rule_order(const void *a, const void *b)
{
    const robots_rule *x = *(const robots_rule *const *)a;
    const robots_rule *y = *(const robots_rule *const *)b;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    if (x->allow != y->allow)
        return x->allow ? -1 : 1;
    /* Same length and kind: keep file order, for a deterministic sort. */
    return x < y ? -1 : (x > y ? 1 : 0);
}

ch_status robots_agent_rules(const robots_t *r, const char *agent, robots_agent_t **out)
{
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    if (!r)
        return CH_ERR_ARG;
    if (!agent)
        agent = "";
    robots_agent_t *a = calloc(1, sizeof *a);
    if (!a)
        return CH_ERR_NOMEM;
    a->r = r;
    a->delay = robots_crawl_delay(r, agent);
    size_t agent_len = strlen(agent);
    bool specific = robots_any_specific(r, agent, agent_len);
    size_t total = 0;
    for (size_t gi = 0; gi < r->n_groups; gi++) {
        if (robots_group_applies(r, &r->groups[gi], specific, agent, agent_len))
            total += r->groups[gi].n_rules;
    }
    if (total == 0) { /* no rule applies: everything allowed */
        *out = a;
        return CH_OK;
    }
    /* an array of pointers to rules: sizeof a pointer is meant */
    a->rules = calloc(total, sizeof *a->rules); // NOLINT(bugprone-sizeof-expression)
    if (!a->rules) {
        free(a);
        return CH_ERR_NOMEM;
    }
    for (size_t gi = 0; gi < r->n_groups; gi++) {
        const robots_group *g = &r->groups[gi];
        if (!robots_group_applies(r, g, specific, agent, agent_len))
            continue;
        for (size_t i = 0; i < g->n_rules; i++)
            a->rules[a->n_rules++] = &r->rules[g->first_rule + i];
    }
    if (a->n_rules > 1)
        qsort(a->rules, a->n_rules, sizeof *a->rules, // NOLINT(bugprone-sizeof-expression)
              robots_rule_order);
    *out = a;
    return CH_OK;
}

void robots_agent_free(robots_agent_t *a)
{
    if (!a)
        return;
    free(a->rules);
    free(a);
}

bool robots_agent_allowed(const robots_agent_t *a, const char *path_and_query)
{
    if (!a)
        return true;
    char stackbuf[1024];
    size_t n = 0;
    char *s = robots_norm_path(path_and_query, stackbuf, sizeof stackbuf, &n);
    if (!s)
        return false;
    bool allowed = true;
    if (!robots_is_robots_txt(s, n)) {
        for (size_t i = 0; i < a->n_rules; i++) {
            const robots_rule *rule = a->rules[i];
            if (robots_pattern_match(a->r->arena.data + rule->off, rule->len, s, n)) {
                allowed = rule->allow;
                break;
            }
        }
    }
    if (s != stackbuf)
        free(s);
    return allowed;
}

double robots_agent_crawl_delay(const robots_agent_t *a)
{
    return a ? a->delay : -1.0;
}

size_t robots_sitemap_count(const robots_t *r)
{
    return r ? r->n_sitemaps : 0;
}

const char *robots_sitemap(const robots_t *r, size_t i)
{
    if (!r || i >= r->n_sitemaps)
        return NULL;
    return r->arena.data + r->sitemaps[i].off;
}

static bool robots_is_scheme_char(char c, bool first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return !first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

ch_status robots_url_path(const char *url, char **out)
{
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    if (!url)
        return CH_ERR_ARG;
    const char *p = url;
    bool authority = true;
    if (p[0] == '/' && p[1] != '/') {
        authority = false;
    } else {
        size_t k = 0;
        while (p[k] && robots_is_scheme_char(p[k], k == 0))
            k++;
        if (k > 0 && p[k] == ':') {
            p += k + 1;
            authority = p[0] == '/' && p[1] == '/';
        }
        if (authority && p[0] == '/' && p[1] == '/')
            p += 2;
    }
    if (authority) {
        while (*p && *p != '/' && *p != '?' && *p != '#')
            p++;
    }
    size_t n = strcspn(p, "#");
    bool slash = n > 0 && p[0] == '/';
    char *s = malloc(n + 2);
    if (!s)
        return CH_ERR_NOMEM;
    size_t o = 0;
    if (!slash)
        s[o++] = '/';
    memcpy(s + o, p, n);
    s[o + n] = '\0';
    *out = s;
    return CH_OK;
}
