/* Mode policies read from INI files with inih. See policy.h and data/policies.ini. */
#include "filters/policy.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "filters/catlists.h"

#define FLT_POLICY_PATH_MAX 4096
#define FLT_THRESHOLD_MAX 1000000

static const char *const mode_names[FLT_MODE_COUNT] = {"web", "school", "junior"};

typedef struct {
    int inherit; /* a lower mode, or -1 */
    uint64_t hide, unhide;
    long threshold;
    long model_threshold; /* 0 = the text model does not hide anything */
} flt_mode_rules;

struct flt_policy {
    flt_mode_rules rules[FLT_MODE_COUNT];
    uint64_t mask[FLT_MODE_COUNT]; /* resolved */
    bool safe_off_allowed;
    bool junior_allowlist_only;
    char *allowlist, *blocklist;
};

/* Which keys one file has set already: the first "hide" of an override file replaces the
 * shipped list, later ones in the same file add to it. */
enum { SEEN_HIDE = 1, SEEN_UNHIDE = 2 };

typedef struct {
    flt_policy *p;
    const char *label;
    unsigned seen[FLT_MODE_COUNT];
    ch_status st;
    char msg[300]; /* the first problem, without file and line */
} parse_ctx;

int flt_mode_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        if (strcmp(mode_names[m], name) == 0)
            return m;
    return -1;
}

const char *flt_mode_name(int mode)
{
    return mode >= 0 && mode < FLT_MODE_COUNT ? mode_names[mode] : NULL;
}

__attribute__((format(printf, 3, 4))) static int fail(parse_ctx *c, ch_status st, const char *fmt,
                                                      ...)
{
    if (c->st == CH_OK) {
        c->st = st;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->msg, sizeof c->msg, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* "adult, violence hate" -> mask. Empty or "none" -> 0. Returns false on an unknown name (put
 * in *bad, bad_len bytes). */
static bool parse_categories(const char *v, uint64_t *out, char *bad, size_t bad_len)
{
    uint64_t m = 0;
    const char *p = v;
    while (*p) {
        size_t skip = strspn(p, ", \t");
        p += skip;
        size_t n = strcspn(p, ", \t");
        if (n == 0)
            break;
        char name[64];
        if (n >= sizeof name) {
            snprintf(bad, bad_len, "%.40s...", p);
            return false;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        p += n;
        if (strcmp(name, "none") == 0)
            continue;
        int b = flt_category_from_name(name);
        if (b < 0 || b == FLT_CAT_ALLOWLIST) {
            snprintf(bad, bad_len, "%s", name);
            return false;
        }
        m |= FLT_BIT(b);
    }
    *out = m;
    return true;
}

static int set_path(parse_ctx *c, char **slot, const char *v)
{
    if (strlen(v) >= FLT_POLICY_PATH_MAX)
        return fail(c, CH_ERR_PARSE, "path too long");
    char *s = strdup(v);
    if (!s)
        return fail(c, CH_ERR_NOMEM, "out of memory");
    free(*slot);
    *slot = s;
    return 1;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    parse_ctx *c = user;
    flt_policy *p = c->p;
    if (c->st)
        return 0;
    if (strcmp(section, "general") == 0) {
        if (strcmp(key, "safe_off_allowed") == 0) {
            if (!parse_bool(value, &p->safe_off_allowed))
                return fail(c, CH_ERR_PARSE, "safe_off_allowed: not true/false: %s", value);
            return 1;
        }
        if (strcmp(key, "junior_allowlist_only") == 0) {
            if (!parse_bool(value, &p->junior_allowlist_only))
                return fail(c, CH_ERR_PARSE, "junior_allowlist_only: not true/false: %s", value);
            return 1;
        }
        if (strcmp(key, "allowlist") == 0)
            return set_path(c, &p->allowlist, value);
        if (strcmp(key, "blocklist") == 0)
            return set_path(c, &p->blocklist, value);
        return fail(c, CH_ERR_PARSE, "unknown key [general] %s", key);
    }
    int m = flt_mode_from_name(section);
    if (m < 0)
        return fail(c, CH_ERR_PARSE, "unknown section [%s]", section);
    flt_mode_rules *r = &p->rules[m];
    if (strcmp(key, "hide") == 0 || strcmp(key, "unhide") == 0) {
        bool hide = key[0] == 'h';
        unsigned flag = hide ? SEEN_HIDE : SEEN_UNHIDE;
        uint64_t mask;
        char bad[64];
        if (!parse_categories(value, &mask, bad, sizeof bad))
            return fail(c, CH_ERR_PARSE, "[%s] %s: unknown category %s", section, key, bad);
        uint64_t *slot = hide ? &r->hide : &r->unhide;
        if (!(c->seen[m] & flag))
            *slot = 0;
        c->seen[m] |= flag;
        *slot |= mask;
        return 1;
    }
    if (strcmp(key, "inherit") == 0) {
        if (strcmp(value, "none") == 0 || value[0] == '\0') {
            r->inherit = -1;
            return 1;
        }
        int from = flt_mode_from_name(value);
        if (from < 0 || from >= m)
            return fail(c, CH_ERR_PARSE, "[%s] inherit: must name a mode above it: %s", section,
                        value);
        r->inherit = from;
        return 1;
    }
    if (strcmp(key, "phrase_threshold") == 0) {
        long t;
        if (!cli_parse_long(value, 0, FLT_THRESHOLD_MAX, &t))
            return fail(c, CH_ERR_PARSE, "[%s] phrase_threshold: not an integer in 0..%d: %s",
                        section, FLT_THRESHOLD_MAX, value);
        r->threshold = t;
        return 1;
    }
    if (strcmp(key, "model_threshold") == 0) {
        long t;
        if (!cli_parse_long(value, 0, FLT_THRESHOLD_MAX, &t))
            return fail(c, CH_ERR_PARSE, "[%s] model_threshold: not an integer in 0..%d: %s",
                        section, FLT_THRESHOLD_MAX, value);
        r->model_threshold = t;
        return 1;
    }
    return fail(c, CH_ERR_PARSE, "unknown key [%s] %s", section, key);
}

/* Parse one file or string into p; on failure err gets "file:line: problem". */
static ch_status parse_one(flt_policy *p, const char *path, const char *text, char *err,
                           size_t errlen)
{
    parse_ctx c = {.p = p, .label = path ? path : "(string)"};
    int rc = path ? ini_parse(path, on_key, &c) : ini_parse_string(text, on_key, &c);
    ch_status st = c.st;
    if (rc == -1) {
        st = CH_ERR_IO;
        snprintf(c.msg, sizeof c.msg, "cannot open: %s", strerror(errno));
    } else if (rc == -2) {
        st = CH_ERR_NOMEM;
        snprintf(c.msg, sizeof c.msg, "out of memory");
    } else if (rc > 0 && st == CH_OK) {
        st = CH_ERR_PARSE;
        snprintf(c.msg, sizeof c.msg, "syntax error");
    }
    if (st && err && errlen) {
        if (rc > 0)
            snprintf(err, errlen, "%s:%d: %s", c.label, rc, c.msg);
        else
            snprintf(err, errlen, "%s: %s", c.label, c.msg);
    }
    return st;
}

static void resolve(flt_policy *p)
{
    for (int m = 0; m < FLT_MODE_COUNT; m++) {
        const flt_mode_rules *r = &p->rules[m];
        uint64_t base = r->inherit >= 0 ? p->mask[r->inherit] : 0;
        p->mask[m] = ((base | r->hide) & ~r->unhide & ~FLT_BIT_ALLOWLIST) | FLT_BIT_BLOCKLIST;
    }
}

static ch_status load_common(const char *def_path, const char *def_text, const char *ovr_path,
                             const char *ovr_text, flt_policy **out, char *err, size_t errlen)
{
    ch_status st;
    flt_policy *p = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return CH_ERR_NOMEM;
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        p->rules[m].inherit = -1;
    st = parse_one(p, def_path, def_text, err, errlen);
    if (st)
        goto out;
    if ((ovr_path && *ovr_path) || ovr_text) {
        st = parse_one(p, ovr_path && *ovr_path ? ovr_path : NULL, ovr_text, err, errlen);
        if (st)
            goto out;
    }
    resolve(p);
    *out = p;
    p = NULL;
out:
    flt_policy_free(p);
    return st;
}

ch_status flt_policy_load(const char *path_default, const char *path_override, flt_policy **out,
                          char *err, size_t errlen)
{
    if (!path_default) {
        if (out)
            *out = NULL;
        return CH_ERR_ARG;
    }
    return load_common(path_default, NULL, path_override, NULL, out, err, errlen);
}

ch_status flt_policy_load_string(const char *default_text, const char *override_text,
                                 flt_policy **out, char *err, size_t errlen)
{
    if (!default_text) {
        if (out)
            *out = NULL;
        return CH_ERR_ARG;
    }
    return load_common(NULL, default_text, NULL, override_text, out, err, errlen);
}

void flt_policy_free(flt_policy *p)
{
    if (!p)
        return;
    free(p->allowlist);
    free(p->blocklist);
    free(p);
}

static bool mode_ok(const flt_policy *p, int mode)
{
    return p && mode >= 0 && mode < FLT_MODE_COUNT;
}

uint64_t flt_policy_hidden_mask(const flt_policy *p, int mode)
{
    return mode_ok(p, mode) ? p->mask[mode] : 0;
}

uint64_t flt_policy_hidden_mask_safe_off(const flt_policy *p, int mode)
{
    uint64_t m = flt_policy_hidden_mask(p, mode);
    if (mode == FLT_MODE_WEB && p && p->safe_off_allowed)
        m &= ~FLT_BIT(FLT_CAT_ADULT);
    return m;
}

bool flt_policy_hides(const flt_policy *p, int mode, uint64_t categories, bool safe_off)
{
    if (!mode_ok(p, mode))
        return true; /* fail closed */
    if (categories & FLT_BIT_ALLOWLIST)
        return false;
    if (flt_policy_allowlist_only(p, mode))
        return true;
    uint64_t hidden =
        safe_off ? flt_policy_hidden_mask_safe_off(p, mode) : flt_policy_hidden_mask(p, mode);
    return (categories & hidden) != 0;
}

int flt_policy_phrase_threshold(const flt_policy *p, int mode)
{
    return mode_ok(p, mode) ? (int)p->rules[mode].threshold : 0;
}

int flt_policy_model_threshold(const flt_policy *p, int mode)
{
    return mode_ok(p, mode) ? (int)p->rules[mode].model_threshold : 0;
}

bool flt_policy_allowlist_only(const flt_policy *p, int mode)
{
    return mode_ok(p, mode) && mode == FLT_MODE_JUNIOR && p->junior_allowlist_only;
}

bool flt_policy_safe_off_allowed(const flt_policy *p)
{
    return p && p->safe_off_allowed;
}

const char *flt_policy_allowlist_path(const flt_policy *p)
{
    return p && p->allowlist ? p->allowlist : "";
}

const char *flt_policy_blocklist_path(const flt_policy *p)
{
    return p && p->blocklist ? p->blocklist : "";
}
