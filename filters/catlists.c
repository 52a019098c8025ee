/* Category lists in UT1 format: loading, interning and matching. See catlists.h.
 *
 * Storage: every domain and url prefix is interned once, NUL-terminated, in one growing arena
 * (offsets, not pointers, so the arena may move while it grows). Two open-addressing hash sets
 * index the arena: `domains` (keys hashed from the last byte backwards, so that one right-to-left
 * pass over a host yields the hash of each of its suffixes) and `urls` (keys "host/path" hashed
 * forwards, so that one left-to-right pass over a path yields the hash of each prefix). A slot
 * holds the key's hash, its category mask and its entry index; an entry is the arena offset of
 * the key. 16 bytes per slot (load factor 0.35-0.7) + 4 per entry + the string itself: no
 * malloc per entry. A lookup touches one slot per suffix, and the entry and arena only for a
 * slot whose hash matches. */
#include "filters/catlists.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <idn2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/buf.h"

/* Internal flag in the domains set: this exact host has url-prefix entries. */
#define FLT_BIT_URLHOST FLT_BIT(61)
#define FLT_LOCAL_BITS (FLT_BIT_ALLOWLIST | FLT_BIT_BLOCKLIST)
#define FLT_READ_CHUNK (1u << 20)

/* ---- the one table of categories and the one table of UT1 folders ------------------------ */

static const char *const category_names[64] = {
    [FLT_CAT_ADULT] = "adult",
    [FLT_CAT_MIXED_ADULT] = "mixed_adult",
    [FLT_CAT_LINGERIE] = "lingerie",
    [FLT_CAT_VIOLENCE] = "violence",
    [FLT_CAT_HATE] = "hate",
    [FLT_CAT_GAMBLING] = "gambling",
    [FLT_CAT_DRUGS] = "drugs",
    [FLT_CAT_WEAPONS] = "weapons",
    [FLT_CAT_DATING] = "dating",
    [FLT_CAT_SECT] = "sect",
    [FLT_CAT_WAREZ] = "warez",
    [FLT_CAT_PROXY] = "proxy",
    [FLT_CAT_SHOPPING] = "shopping",
    [FLT_CAT_SOCIAL] = "social",
    [FLT_CAT_CHAT] = "chat",
    [FLT_CAT_FORUMS] = "forums",
    [FLT_CAT_WEBMAIL] = "webmail",
    [FLT_CAT_GAMES] = "games",
    [FLT_CAT_MALWARE] = "malware",
    [FLT_CAT_PHISHING] = "phishing",
    [FLT_CAT_CRYPTOJACKING] = "cryptojacking",
    [FLT_CAT_DDOS] = "ddos",
    [FLT_CAT_HACKING] = "hacking",
    [FLT_CAT_STALKERWARE] = "stalkerware",
    [FLT_CAT_CHEATING] = "cheating",
    [FLT_CAT_FILEHOSTING] = "filehosting",
    [FLT_CAT_ADS] = "ads",
    [FLT_CAT_EDUCATIONAL] = "educational",
    [FLT_CAT_SEXUAL_EDUCATION] = "sexual_education",
    [FLT_CAT_BLOCKLIST] = "blocklist",
    [FLT_CAT_ALLOWLIST] = "allowlist",
};

/* UT1 folder -> canonical category. A folder listed twice feeds both categories. UT1 folders
 * absent from here (bank, press, jobsearch, sports, ...) are not loaded. */
static const struct {
    const char *folder;
    int category;
} ut1_folders[] = {
    {"adult", FLT_CAT_ADULT},
    {"mixed_adult", FLT_CAT_MIXED_ADULT},
    {"lingerie", FLT_CAT_LINGERIE},
    {"agressif", FLT_CAT_VIOLENCE}, /* UT1: racist, antisemitic, inciting hatred: both */
    {"agressif", FLT_CAT_HATE},
    {"gambling", FLT_CAT_GAMBLING},
    {"arjel", FLT_CAT_GAMBLING}, /* French licensed online gambling */
    {"drogue", FLT_CAT_DRUGS},
    {"dangerous_material", FLT_CAT_WEAPONS}, /* bombs and dangerous material */
    {"dating", FLT_CAT_DATING},
    {"sect", FLT_CAT_SECT},
    {"warez", FLT_CAT_WAREZ},
    {"redirector", FLT_CAT_PROXY},
    {"strict_redirector", FLT_CAT_PROXY},
    {"strong_redirector", FLT_CAT_PROXY},
    {"vpn", FLT_CAT_PROXY},
    {"residential-proxies", FLT_CAT_PROXY},
    {"doh", FLT_CAT_PROXY}, /* DNS over HTTPS: a way around the school resolver */
    {"shopping", FLT_CAT_SHOPPING},
    {"social_networks", FLT_CAT_SOCIAL},
    {"chat", FLT_CAT_CHAT},
    {"forums", FLT_CAT_FORUMS},
    {"webmail", FLT_CAT_WEBMAIL},
    {"games", FLT_CAT_GAMES},
    {"malware", FLT_CAT_MALWARE},
    {"phishing", FLT_CAT_PHISHING},
    {"cryptojacking", FLT_CAT_CRYPTOJACKING},
    {"ddos", FLT_CAT_DDOS},
    {"hacking", FLT_CAT_HACKING},
    {"stalkerware", FLT_CAT_STALKERWARE},
    {"tricheur", FLT_CAT_CHEATING},
    {"filehosting", FLT_CAT_FILEHOSTING},
    {"publicite", FLT_CAT_ADS},
    {"liste_blanche", FLT_CAT_EDUCATIONAL},
    {"educational_games", FLT_CAT_EDUCATIONAL},
    {"sexual_education", FLT_CAT_SEXUAL_EDUCATION},
};

const char *flt_category_name(int bit)
{
    if (bit < 0 || bit >= 64)
        return NULL;
    return category_names[bit];
}

int flt_category_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < 64; i++)
        if (category_names[i] && strcmp(category_names[i], name) == 0)
            return i;
    return -1;
}

uint64_t flt_category_mask_of_ut1(const char *folder)
{
    uint64_t m = 0;
    if (!folder)
        return 0;
    for (size_t i = 0; i < sizeof ut1_folders / sizeof ut1_folders[0]; i++)
        if (strcmp(ut1_folders[i].folder, folder) == 0)
            m |= FLT_BIT(ut1_folders[i].category);
    return m;
}

/* ---- hashing ------------------------------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL

static inline uint64_t fnv_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ULL;
}

static inline uint32_t hash_final(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

static uint32_t hash_reverse(const char *s, size_t n)
{
    uint64_t h = FNV_OFFSET;
    while (n > 0)
        h = fnv_step(h, (unsigned char)s[--n]);
    return hash_final(h);
}

static uint32_t hash_forward(const char *s, size_t n)
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, (unsigned char)s[i]);
    return hash_final(h);
}

/* ---- the lists ------------------------------------------------------------------------------ */

/* A slot carries the hash next to the entry index, so that a probe that lands on another
 * key is rejected without touching the entry arrays (one cache miss instead of two). */
typedef struct {
    uint32_t hash;
    uint32_t idx;  /* 0 = empty, else entry index + 1 */
    uint64_t mask; /* category bits of the entry */
} flt_slot;

typedef struct {
    flt_slot *slots;
    uint32_t cap;  /* power of two, or 0 */
    uint32_t *off; /* per entry: arena offset of the NUL-terminated key */
    uint32_t n, ent_cap;
} flt_set;

typedef struct {
    pcre2_code *code;
    uint64_t mask;
    char *src;
} flt_expr;

struct flt_lists {
    char *arena;
    size_t arena_len, arena_cap;
    flt_set domains, urls;
    flt_expr *exprs;
    size_t n_exprs, exprs_cap;
    pcre2_match_context *mctx;
};

static ch_status arena_intern(flt_lists *l, const char *s, size_t n, uint32_t *off)
{
    if (n + 1 > FLT_ARENA_MAX - l->arena_len)
        return CH_ERR_LIMIT;
    if (l->arena_len + n + 1 > l->arena_cap) {
        size_t cap = l->arena_cap ? l->arena_cap : (1u << 16);
        while (cap < l->arena_len + n + 1)
            cap *= 2;
        if (cap > FLT_ARENA_MAX)
            cap = FLT_ARENA_MAX;
        char *p = realloc(l->arena, cap);
        if (!p)
            return CH_ERR_NOMEM;
        l->arena = p;
        l->arena_cap = cap;
    }
    memcpy(l->arena + l->arena_len, s, n);
    l->arena[l->arena_len + n] = '\0';
    *off = (uint32_t)l->arena_len;
    l->arena_len += n + 1;
    return CH_OK;
}

static inline bool entry_is(const flt_lists *l, const flt_set *set, uint32_t k, const char *s,
                            size_t n)
{
    const char *a = l->arena + set->off[k];
    return strncmp(a, s, n) == 0 && a[n] == '\0';
}

/* The mask of key s (hash h), NULL when absent. */
static const uint64_t *set_find(const flt_lists *l, const flt_set *set, const char *s, size_t n,
                                uint32_t h)
{
    if (set->cap == 0)
        return NULL;
    uint32_t m = set->cap - 1;
    for (uint32_t i = h & m;; i = (i + 1) & m) {
        const flt_slot *sl = &set->slots[i];
        if (sl->idx == 0)
            return NULL;
        if (sl->hash == h && entry_is(l, set, sl->idx - 1, s, n))
            return &sl->mask;
    }
}

static inline void set_prefetch(const flt_set *set, uint32_t h)
{
    if (set->cap)
        __builtin_prefetch(&set->slots[h & (set->cap - 1)]);
}

/* Make room for at least `want` entries at a load factor under 0.7. */
static ch_status set_reserve(flt_set *set, uint64_t want)
{
    uint64_t cap = set->cap ? set->cap : 1024;
    while (want * 10 > cap * 7)
        cap *= 2;
    if (cap > (1u << 31))
        return CH_ERR_LIMIT;
    if (cap != set->cap) {
        flt_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return CH_ERR_NOMEM;
        for (uint32_t k = 0; k < set->cap; k++) {
            flt_slot sl = set->slots[k];
            if (!sl.idx)
                continue;
            uint32_t i = sl.hash & (uint32_t)(cap - 1);
            while (slots[i].idx)
                i = (i + 1) & (uint32_t)(cap - 1);
            slots[i] = sl;
        }
        free(set->slots);
        set->slots = slots;
        set->cap = (uint32_t)cap;
    }
    if (want > set->ent_cap) {
        uint64_t ecap = set->ent_cap ? set->ent_cap : 512;
        while (ecap < want)
            ecap *= 2;
        uint32_t *of = realloc(set->off, ecap * sizeof *of);
        if (!of)
            return CH_ERR_NOMEM;
        set->off = of;
        set->ent_cap = (uint32_t)ecap;
    }
    return CH_OK;
}

/* Insert s, or OR mask into the entry already there. */
static ch_status set_add(flt_lists *l, flt_set *set, const char *s, size_t n, uint32_t h,
                         uint64_t mask)
{
    ch_status st;
    if (set->cap != 0) {
        uint32_t m = set->cap - 1;
        for (uint32_t i = h & m;; i = (i + 1) & m) {
            flt_slot *sl = &set->slots[i];
            if (sl->idx == 0)
                break;
            if (sl->hash == h && entry_is(l, set, sl->idx - 1, s, n)) {
                sl->mask |= mask;
                return CH_OK;
            }
        }
    }
    if (l->domains.n + l->urls.n >= FLT_ENTRIES_MAX)
        return CH_ERR_LIMIT;
    st = set_reserve(set, (uint64_t)set->n + 1);
    if (st)
        return st;
    uint32_t off;
    st = arena_intern(l, s, n, &off);
    if (st)
        return st;
    set->off[set->n] = off;
    uint32_t m = set->cap - 1;
    uint32_t i = h & m;
    while (set->slots[i].idx)
        i = (i + 1) & m;
    set->slots[i] = (flt_slot){.hash = h, .idx = set->n + 1, .mask = mask};
    set->n++;
    return CH_OK;
}

/* ---- reports ------------------------------------------------------------------------------- */

void flt_load_report_init(flt_load_report *rep)
{
    memset(rep, 0, sizeof *rep);
    buf_init(&rep->messages, FLT_REPORT_MAX);
}

void flt_load_report_free(flt_load_report *rep)
{
    if (rep)
        buf_free(&rep->messages);
}

__attribute__((format(printf, 4, 5))) static void rep_msg(flt_load_report *rep, const char *label,
                                                          size_t lineno, const char *fmt, ...)
{
    if (!rep)
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t before = rep->messages.len;
    ch_status st;
    if (lineno)
        st = buf_appendf(&rep->messages, "%s:%zu: %s\n", label ? label : "-", lineno, text);
    else
        st = buf_appendf(&rep->messages, "%s: %s\n", label ? label : "-", text);
    if (st) {
        buf_truncate(&rep->messages, before);
        rep->messages_dropped++;
    }
}

static void rep_count(size_t *counts, uint64_t mask)
{
    for (int b = 0; b < 64; b++)
        if (mask & FLT_BIT(b))
            counts[b]++;
}

/* ---- line normalisation -------------------------------------------------------------------- */

static void trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    while (len > 0 &&
           (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
                       p[len - 1] == '\n' || p[len - 1] == '\f' || p[len - 1] == '\v'))
        len--;
    *s = p;
    *n = len;
}

/* Domain syntax after lowercasing: labels of [a-z0-9_-], 1..63 bytes, total 1..253. Underscores
 * occur in real hostnames and in UT1. */
static bool domain_syntax_ok(const char *s, size_t n)
{
    if (n == 0 || n > FLT_DOMAIN_MAX)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

/* Lowercase (and IDNA-convert when not ASCII) a host of n bytes into out; strips one trailing
 * dot; checks syntax. */
static ch_status normalize_host(const char *s, size_t n, char *out, size_t outcap)
{
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
            ascii = false;
    if (!ascii) {
        char tmp[FLT_DOMAIN_MAX * 4 + 1];
        if (n >= sizeof tmp || memchr(s, '\0', n))
            return CH_ERR_PARSE;
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        char *a = NULL;
        if (idn2_to_ascii_8z(tmp, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK || !a) {
            free(a);
            return CH_ERR_PARSE;
        }
        size_t an = strlen(a);
        if (an > 0 && a[an - 1] == '.')
            an--;
        if (an + 1 > outcap || !domain_syntax_ok(a, an)) {
            free(a);
            return CH_ERR_PARSE;
        }
        memcpy(out, a, an);
        out[an] = '\0';
        free(a);
        return CH_OK;
    }
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n + 1 > outcap)
        return CH_ERR_PARSE;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[n] = '\0';
    return domain_syntax_ok(out, n) ? CH_OK : CH_ERR_PARSE;
}

ch_status flt_normalize_domain_line(const char *line, size_t len, char *out, size_t outcap)
{
    trim(&line, &len);
    if (len == 0 || line[0] == '#')
        return CH_ERR_EOF;
    return normalize_host(line, len, out, outcap);
}

/* Length of a leading "www." / "www2." label, 0 when there is none or nothing would be left. */
static size_t www_prefix_len(const char *s, size_t n)
{
    if (n < 5 || memcmp(s, "www", 3) != 0)
        return 0;
    size_t i = 3;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i < n - 1 && s[i] == '.')
        return i + 1;
    return 0;
}

ch_status flt_normalize_url_line(const char *line, size_t len, char *out, size_t outcap)
{
    trim(&line, &len);
    if (len == 0 || line[0] == '#')
        return CH_ERR_EOF;
    if (len >= 7 && strncasecmp(line, "http://", 7) == 0) {
        line += 7;
        len -= 7;
    } else if (len >= 8 && strncasecmp(line, "https://", 8) == 0) {
        line += 8;
        len -= 8;
    }
    const char *slash = memchr(line, '/', len);
    size_t hlen = slash ? (size_t)(slash - line) : len;
    char host[FLT_DOMAIN_MAX + 1];
    if (normalize_host(line, hlen, host, sizeof host))
        return CH_ERR_PARSE;
    size_t hn = strlen(host);
    size_t w = www_prefix_len(host, hn);
    const char *path = slash ? slash : "/";
    size_t plen = slash ? len - hlen : 1;
    const char *hash = memchr(path, '#', plen);
    if (hash)
        plen = (size_t)(hash - path);
    if (plen == 0) {
        path = "/";
        plen = 1;
    }
    if (hn - w + plen + 1 > outcap)
        return CH_ERR_PARSE;
    memcpy(out, host + w, hn - w);
    for (size_t i = 0; i < plen; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c <= ' ' || c == 0x7f)
            return CH_ERR_PARSE;
        out[hn - w + i] = (char)tolower(c);
    }
    out[hn - w + plen] = '\0';
    return CH_OK;
}

/* ---- adding entries ------------------------------------------------------------------------ */

static ch_status add_domain(flt_lists *l, const char *d, size_t n, uint64_t mask)
{
    return set_add(l, &l->domains, d, n, hash_reverse(d, n), mask);
}

static ch_status add_url(flt_lists *l, const char *u, size_t n, uint64_t mask)
{
    const char *slash = memchr(u, '/', n);
    size_t hn = slash ? (size_t)(slash - u) : n;
    ch_status st = add_domain(l, u, hn, FLT_BIT_URLHOST);
    if (st)
        return st;
    return set_add(l, &l->urls, u, n, hash_forward(u, n), mask);
}

static pcre2_code *compile_expression(const char *src, size_t n, char *err, size_t errlen)
{
    int code_err = 0;
    PCRE2_SIZE erroff = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, n, PCRE2_CASELESS | PCRE2_NEVER_UTF,
                                     &code_err, &erroff, NULL);
    if (!code && err && errlen) {
        PCRE2_UCHAR msg[160];
        if (pcre2_get_error_message(code_err, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", code_err);
        snprintf(err, errlen, "bad expression at offset %zu: %s", (size_t)erroff,
                 (const char *)msg);
    }
    return code;
}

static ch_status add_expression(flt_lists *l, const char *src, size_t n, uint64_t mask,
                                const char *label, size_t lineno, flt_load_report *rep)
{
    if (l->n_exprs >= FLT_EXPRESSIONS_MAX)
        return CH_ERR_LIMIT;
    char msg[256];
    pcre2_code *code = compile_expression(src, n, msg, sizeof msg);
    if (!code) {
        rep_msg(rep, label, lineno, "%s", msg);
        if (rep)
            rep->bad_expressions++;
        return CH_OK;
    }
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
    if (buf_reserve_array(&l->exprs, &l->exprs_cap, l->n_exprs + 1, sizeof *l->exprs, 8)) {
        pcre2_code_free(code);
        return CH_ERR_NOMEM;
    }
    char *copy = strndup(src, n);
    if (!copy) {
        pcre2_code_free(code);
        return CH_ERR_NOMEM;
    }
    l->exprs[l->n_exprs++] = (flt_expr){.code = code, .mask = mask, .src = copy};
    if (rep) {
        rep_count(rep->expressions, mask);
        rep->total_expressions++;
    }
    return CH_OK;
}

ch_status flt_check_expression_line(const char *line, size_t len, char *err, size_t errlen)
{
    trim(&line, &len);
    if (len == 0 || line[0] == '#')
        return CH_ERR_EOF;
    pcre2_code *code = compile_expression(line, len, err, errlen);
    if (!code)
        return CH_ERR_PARSE;
    pcre2_code_free(code);
    return CH_OK;
}

/* FLT_FILE_DOMAINS / URLS / EXPRESSIONS, plus local files where a line with '/' is a url. */
enum { FLT_FILE_LOCAL = 100 };

static ch_status add_line(flt_lists *l, int kind, uint64_t mask, const char *line, size_t len,
                          const char *label, size_t lineno, flt_load_report *rep)
{
    char norm[FLT_LINE_MAX + 1];
    ch_status st;
    if (kind == FLT_FILE_EXPRESSIONS) {
        trim(&line, &len);
        if (len == 0 || line[0] == '#')
            return CH_OK;
        return add_expression(l, line, len, mask, label, lineno, rep);
    }
    if (kind == FLT_FILE_LOCAL) {
        const char *t = line;
        size_t tn = len;
        trim(&t, &tn);
        kind = memchr(t, '/', tn) ? FLT_FILE_URLS : FLT_FILE_DOMAINS;
    }
    if (kind == FLT_FILE_DOMAINS)
        st = flt_normalize_domain_line(line, len, norm, sizeof norm);
    else
        st = flt_normalize_url_line(line, len, norm, sizeof norm);
    if (st == CH_ERR_EOF)
        return CH_OK;
    if (st) {
        if (rep) {
            rep->bad_lines++;
            rep_msg(rep, label, lineno, "bad %s line", kind == FLT_FILE_DOMAINS ? "domain" : "url");
        }
        return CH_OK;
    }
    size_t n = strlen(norm);
    if (kind == FLT_FILE_DOMAINS) {
        st = add_domain(l, norm, n, mask);
        if (!st && rep) {
            rep_count(rep->domains, mask);
            rep->total_domains++;
        }
    } else {
        st = add_url(l, norm, n, mask);
        if (!st && rep) {
            rep_count(rep->urls, mask);
            rep->total_urls++;
        }
    }
    return st;
}

/* Split text[0..len) into lines for fn; *lineno counts lines. When `final` is false the bytes
 * after the last newline are left unconsumed: *used says how many were consumed. */
static ch_status split_lines(const char *text, size_t len, bool final, size_t *lineno, size_t *used,
                             size_t *overlong, flt_line_fn fn, void *ctx)
{
    size_t pos = 0;
    ch_status st = CH_OK;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl && !final)
            break;
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        ++*lineno;
        if (n > FLT_LINE_MAX) {
            if (overlong)
                ++*overlong;
            st = fn(ctx, NULL, (size_t)-1, *lineno);
        } else {
            st = fn(ctx, text + pos, n, *lineno);
        }
        if (st)
            return st;
        pos = nl ? end + 1 : len;
    }
    if (used)
        *used = pos;
    return CH_OK;
}

ch_status flt_read_lines(int fd, flt_line_fn fn, void *ctx, size_t *overlong)
{
    ch_status st = CH_OK;
    size_t cap = FLT_READ_CHUNK + FLT_LINE_MAX + 2;
    char *buf = malloc(cap);
    size_t have = 0, lineno = 0;
    bool skipping = false; /* inside an over-long line: drop bytes up to its newline */
    if (!buf)
        return CH_ERR_NOMEM;
    for (;;) {
        ssize_t r = read(fd, buf + have, cap - have);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            st = CH_ERR_IO;
            goto out;
        }
        have += (size_t)r;
        bool eof = r == 0;
        size_t start = 0;
        if (skipping) {
            char *nl = memchr(buf, '\n', have);
            if (!nl) {
                have = 0;
                if (eof)
                    break;
                continue;
            }
            start = (size_t)(nl - buf) + 1;
            skipping = false;
        }
        size_t used = 0;
        st = split_lines(buf + start, have - start, eof, &lineno, &used, overlong, fn, ctx);
        if (st)
            goto out;
        size_t rest = have - start - used;
        memmove(buf, buf + start + used, rest);
        have = rest;
        if (eof)
            break;
        if (have > FLT_LINE_MAX) {
            lineno++;
            if (overlong)
                ++*overlong;
            st = fn(ctx, NULL, (size_t)-1, lineno);
            if (st)
                goto out;
            have = 0;
            skipping = true;
        }
    }
out:
    free(buf);
    return st;
}

typedef struct {
    flt_lists *l;
    int kind;
    uint64_t mask;
    const char *label;
    flt_load_report *rep;
} add_ctx;

static ch_status add_line_cb(void *vctx, const char *line, size_t len, size_t lineno)
{
    add_ctx *c = vctx;
    if (!line) {
        if (c->rep) {
            c->rep->bad_lines++;
            rep_msg(c->rep, c->label, lineno, "line longer than %d bytes", FLT_LINE_MAX);
        }
        return CH_OK;
    }
    return add_line(c->l, c->kind, c->mask, line, len, c->label, lineno, c->rep);
}

ch_status flt_lists_add_text(flt_lists *l, flt_file_kind kind, uint64_t mask, const char *text,
                             size_t len, const char *label, flt_load_report *rep)
{
    if (!l || (!text && len) || mask == 0)
        return CH_ERR_ARG;
    if (kind != FLT_FILE_DOMAINS && kind != FLT_FILE_URLS && kind != FLT_FILE_EXPRESSIONS)
        return CH_ERR_ARG;
    add_ctx c = {.l = l, .kind = (int)kind, .mask = mask, .label = label, .rep = rep};
    size_t lineno = 0;
    return split_lines(text ? text : "", len, true, &lineno, NULL, NULL, add_line_cb, &c);
}

/* Read a list file from an open descriptor (taken over and closed). */
static ch_status add_fd(flt_lists *l, int kind, uint64_t mask, int fd, const char *label,
                        flt_load_report *rep)
{
    add_ctx c = {.l = l, .kind = kind, .mask = mask, .label = label, .rep = rep};
    ch_status st = flt_read_lines(fd, add_line_cb, &c, NULL);
    close(fd);
    return st;
}

/* ---- loading a directory ------------------------------------------------------------------ */

int flt_list_file_kind(const char *name)
{
    if (strcmp(name, "domains") == 0)
        return FLT_FILE_DOMAINS;
    if (strncmp(name, "domains.", 8) == 0 && name[8]) {
        for (const char *p = name + 8; *p; p++)
            if (*p < '0' || *p > '9')
                return -1;
        return FLT_FILE_DOMAINS;
    }
    if (strcmp(name, "urls") == 0)
        return FLT_FILE_URLS;
    if (strcmp(name, "expressions") == 0)
        return FLT_FILE_EXPRESSIONS;
    return -1;
}

static ch_status load_category(flt_lists *l, int parentfd, const char *folder, uint64_t mask,
                               flt_load_report *rep)
{
    ch_status st = CH_OK;
    DIR *d = NULL;
    int fd = openat(parentfd, folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return CH_ERR_IO;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return CH_ERR_IO;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int kind = flt_list_file_kind(de->d_name);
        if (kind < 0)
            continue;
        int ffd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
        if (ffd < 0) {
            st = CH_ERR_IO;
            goto out;
        }
        struct stat sb;
        if (fstat(ffd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            close(ffd);
            continue;
        }
        char label[600];
        snprintf(label, sizeof label, "%s/%s", folder, de->d_name);
        st = add_fd(l, kind, mask, ffd, label, rep);
        if (st)
            goto out;
    }
out:
    closedir(d);
    return st;
}

static ch_status load_dir(flt_lists *l, const char *dir, flt_load_report *rep)
{
    ch_status st = CH_OK;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return CH_ERR_IO;
    int walkfd = dup(fd);
    DIR *d = walkfd >= 0 ? fdopendir(walkfd) : NULL;
    if (!d) {
        if (walkfd >= 0)
            close(walkfd);
        close(fd);
        return CH_ERR_IO;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        struct stat sb;
        if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(sb.st_mode))
            continue; /* files, and UT1's alias symlinks (porn -> adult) */
        uint64_t mask = flt_category_mask_of_ut1(de->d_name);
        if (!mask) {
            if (rep)
                rep->skipped_folders++;
            continue;
        }
        st = load_category(l, fd, de->d_name, mask, rep);
        if (st) {
            rep_msg(rep, de->d_name, 0, "cannot read: %s", ch_status_str(st));
            goto out;
        }
    }
out:
    closedir(d);
    close(fd);
    return st;
}

ch_status flt_lists_new(flt_lists **out)
{
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    flt_lists *l = calloc(1, sizeof *l);
    if (!l)
        return CH_ERR_NOMEM;
    l->mctx = pcre2_match_context_create(NULL);
    if (!l->mctx) {
        free(l);
        return CH_ERR_NOMEM;
    }
    pcre2_set_match_limit(l->mctx, FLT_REGEX_MATCH_LIMIT);
    *out = l;
    return CH_OK;
}

static ch_status load_local(flt_lists *l, const char *path, uint64_t mask, flt_load_report *rep)
{
    if (!path || !*path)
        return CH_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rep_msg(rep, path, 0, "cannot open");
        return CH_ERR_IO;
    }
    return add_fd(l, FLT_FILE_LOCAL, mask, fd, path, rep);
}

ch_status flt_lists_load_with(const char *dir, const flt_lists_local *local, flt_lists **out,
                              flt_load_report *rep)
{
    flt_lists *l = NULL;
    ch_status st;
    if (!out)
        return CH_ERR_ARG;
    *out = NULL;
    st = flt_lists_new(&l);
    if (st)
        goto out;
    if (dir) {
        st = load_dir(l, dir, rep);
        if (st)
            goto out;
    }
    if (local) {
        st = load_local(l, local->allow_file, FLT_BIT_ALLOWLIST, rep);
        if (st)
            goto out;
        st = load_local(l, local->block_file, FLT_BIT_BLOCKLIST, rep);
        if (st)
            goto out;
    }
    *out = l;
    l = NULL;
out:
    flt_lists_free(l);
    return st;
}

ch_status flt_lists_load(const char *dir, flt_lists **out, flt_load_report *rep)
{
    if (!dir) {
        if (out)
            *out = NULL;
        return CH_ERR_ARG;
    }
    return flt_lists_load_with(dir, NULL, out, rep);
}

size_t flt_lists_entry_count(const flt_lists *l)
{
    return l ? (size_t)l->domains.n + l->urls.n : 0;
}

size_t flt_lists_memory_bytes(const flt_lists *l)
{
    if (!l)
        return 0;
    return l->arena_cap + ((size_t)l->domains.cap + l->urls.cap) * sizeof(flt_slot) +
           ((size_t)l->domains.ent_cap + l->urls.ent_cap) * sizeof(uint32_t);
}

void flt_lists_free(flt_lists *l)
{
    if (!l)
        return;
    free(l->arena);
    free(l->domains.slots);
    free(l->domains.off);
    free(l->urls.slots);
    free(l->urls.off);
    for (size_t i = 0; i < l->n_exprs; i++) {
        pcre2_code_free(l->exprs[i].code);
        free(l->exprs[i].src);
    }
    free(l->exprs);
    pcre2_match_context_free(l->mctx);
    free(l);
}

/* ---- matching ------------------------------------------------------------------------------ */

static int lowest_bit(uint64_t m)
{
    for (int b = 0; b < 64; b++)
        if (m & FLT_BIT(b))
            return b;
    return -1;
}

static void set_reason(flt_match_reason *why, flt_match_kind kind, uint64_t mask, const char *s,
                       size_t n)
{
    if (!why)
        return;
    why->kind = kind;
    why->category = lowest_bit(mask);
    if (n >= sizeof why->entry)
        n = sizeof why->entry - 1;
    memcpy(why->entry, s, n);
    why->entry[n] = '\0';
}

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

static bool is_ip_literal(const char *h, size_t n)
{
    bool dots_digits = true;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == ':')
            return true;
        if (!(h[i] == '.' || (h[i] >= '0' && h[i] <= '9')))
            dots_digits = false;
    }
    return dots_digits;
}

/* Split url_or_host into a lowercased host (no port, userinfo, brackets or trailing dot) and
 * a lowercased "/path?query" (no fragment; "/" when empty), truncated to FLT_URL_MAX. */
static bool split_url(const char *in, char *host, size_t *hlen, char *path, size_t *plen)
{
    const char *p = in;
    const char *colon = strstr(p, "://");
    if (colon) {
        bool scheme = colon > p;
        for (const char *q = p; q < colon; q++)
            if (!(is_alnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.'))
                scheme = false;
        if (scheme)
            p = colon + 3;
    } else if (p[0] == '/' && p[1] == '/') {
        p += 2;
    }
    size_t alen = strcspn(p, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (p[i] == '@')
            at = p + i;
    const char *h = at ? at + 1 : p;
    const char *aend = p + alen;
    const char *hend;
    if (h < aend && *h == '[') {
        h++;
        hend = memchr(h, ']', (size_t)(aend - h));
        if (!hend)
            return false;
    } else {
        hend = memchr(h, ':', (size_t)(aend - h));
        if (!hend)
            hend = aend;
    }
    size_t n = (size_t)(hend - h);
    if (n > 0 && h[n - 1] == '.')
        n--;
    if (n == 0)
        return false;
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)h[i] >= 0x80)
            ascii = false;
    if (ascii) {
        if (n > FLT_DOMAIN_MAX)
            return false;
        for (size_t i = 0; i < n; i++)
            host[i] = (char)tolower((unsigned char)h[i]);
        host[n] = '\0';
        *hlen = n;
    } else if (normalize_host(h, n, host, FLT_DOMAIN_MAX + 1) == CH_OK) {
        *hlen = strlen(host);
    } else {
        return false;
    }
    const char *q = aend;
    size_t qn = strcspn(q, "#");
    size_t o = 0;
    if (qn == 0 || q[0] != '/')
        path[o++] = '/';
    for (size_t i = 0; i < qn && o < FLT_URL_MAX; i++)
        path[o++] = (char)tolower((unsigned char)q[i]);
    path[o] = '\0';
    *plen = o;
    return true;
}

uint64_t flt_lists_match_url(const flt_lists *l, const char *url_or_host, flt_match_reason *why)
{
    char host[FLT_DOMAIN_MAX + 1];
    char key[FLT_DOMAIN_MAX + FLT_URL_MAX + 2]; /* uhost + path */
    size_t hn, pn;
    uint64_t cats = 0;
    flt_match_kind cat_kind = FLT_MATCH_NONE;
    uint64_t local_bit = 0;
    flt_match_reason local_why, cat_why;

    if (why) {
        why->kind = FLT_MATCH_NONE;
        why->category = -1;
        why->entry[0] = '\0';
    }
    if (!l || !url_or_host)
        return 0;
    if (!split_url(url_or_host, host, &hn, key + FLT_DOMAIN_MAX + 1, &pn))
        return 0;
    const char *path = key + FLT_DOMAIN_MAX + 1;
    bool ip = is_ip_literal(host, hn);
    size_t www = ip ? 0 : www_prefix_len(host, hn);
    const char *uhost = host + www;
    size_t un = hn - www;
    bool url_host = false;
    cat_why.kind = local_why.kind = FLT_MATCH_NONE;

    /* Domains: one right-to-left pass; each label boundary is a suffix to probe. The last
     * match found (the longest suffix) is the most specific. */
    uint32_t sh[FLT_DOMAIN_MAX + 1]; /* suffix hashes, shortest suffix first (a host of dots
                                      * has a boundary per byte) */
    uint16_t si[FLT_DOMAIN_MAX + 1]; /* suffix start offsets */
    size_t ns = 0;
    uint64_t h = FNV_OFFSET;
    for (size_t i = hn; i-- > 0;) {
        h = fnv_step(h, (unsigned char)host[i]);
        if (!(i == 0 || (!ip && host[i - 1] == '.')))
            continue;
        sh[ns] = hash_final(h);
        si[ns] = (uint16_t)i;
        set_prefetch(&l->domains, sh[ns]); /* the probes below then overlap their misses */
        ns++;
    }
    for (size_t x = 0; x < ns; x++) {
        size_t i = si[x];
        const uint64_t *e = set_find(l, &l->domains, host + i, hn - i, sh[x]);
        if (!e)
            continue;
        if (i == www && (*e & FLT_BIT_URLHOST))
            url_host = true;
        uint64_t m = *e & ~FLT_BIT_URLHOST;
        if (m & FLT_LOCAL_BITS) {
            local_bit = (m & FLT_BIT_BLOCKLIST) ? FLT_BIT_BLOCKLIST : FLT_BIT_ALLOWLIST;
            set_reason(&local_why,
                       local_bit == FLT_BIT_BLOCKLIST ? FLT_MATCH_BLOCKLIST : FLT_MATCH_ALLOWLIST,
                       local_bit, host + i, hn - i);
        }
        m &= ~FLT_LOCAL_BITS;
        if (m) {
            cats |= m;
            cat_kind = FLT_MATCH_DOMAIN;
            set_reason(&cat_why, FLT_MATCH_DOMAIN, m, host + i, hn - i);
        }
    }

    /* Url prefixes: "uhost/path" cut where a word ends; longest match is the most specific. */
    memmove(key + FLT_DOMAIN_MAX + 1 - un, uhost, un);
    char *k = key + FLT_DOMAIN_MAX + 1 - un;
    size_t kn = un + pn;
    if (url_host) {
        uint64_t fh = FNV_OFFSET;
        for (size_t i = 0; i < un; i++)
            fh = fnv_step(fh, (unsigned char)k[i]);
        for (size_t j = 0; j < pn; j++) {
            fh = fnv_step(fh, (unsigned char)path[j]);
            size_t cut = j + 1;
            if (!(cut == pn || !is_alnum((unsigned char)path[j]) ||
                  !is_alnum((unsigned char)path[cut])))
                continue;
            const uint64_t *e = set_find(l, &l->urls, k, un + cut, hash_final(fh));
            if (!e)
                continue;
            if (*e & FLT_LOCAL_BITS) {
                local_bit = (*e & FLT_BIT_BLOCKLIST) ? FLT_BIT_BLOCKLIST : FLT_BIT_ALLOWLIST;
                set_reason(&local_why,
                           local_bit == FLT_BIT_BLOCKLIST ? FLT_MATCH_BLOCKLIST
                                                          : FLT_MATCH_ALLOWLIST,
                           local_bit, k, un + cut);
            }
            uint64_t m = *e & ~FLT_LOCAL_BITS;
            if (m) {
                cats |= m;
                cat_kind = FLT_MATCH_URL;
                set_reason(&cat_why, FLT_MATCH_URL, m, k, un + cut);
            }
        }
    }

    if (local_bit == FLT_BIT_ALLOWLIST) {
        if (why)
            *why = local_why;
        return FLT_BIT_ALLOWLIST;
    }

    /* Expressions, against "uhost/path?query". */
    if (l->n_exprs > 0) {
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        if (md) {
            for (size_t x = 0; x < l->n_exprs; x++) {
                const flt_expr *ex = &l->exprs[x];
                if ((cats & ex->mask) == ex->mask)
                    continue; /* nothing new to learn */
                int rc = pcre2_match(ex->code, (PCRE2_SPTR)k, kn, 0, 0, md, l->mctx);
                if (rc >= 0) {
                    if (cat_kind == FLT_MATCH_NONE) {
                        cat_kind = FLT_MATCH_EXPRESSION;
                        set_reason(&cat_why, FLT_MATCH_EXPRESSION, ex->mask, ex->src,
                                   strlen(ex->src));
                    }
                    cats |= ex->mask;
                }
            }
            pcre2_match_data_free(md);
        }
    }

    if (local_bit == FLT_BIT_BLOCKLIST) {
        if (why)
            *why = local_why;
        return cats | FLT_BIT_BLOCKLIST;
    }
    if (why && cat_kind != FLT_MATCH_NONE)
        *why = cat_why;
    return cats;
}
