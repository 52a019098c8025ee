#include "filters/phrases.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/text.h"

#define NONE UINT32_MAX
#define FILE_MAX (64u << 20)     /* bytes of one list file */
#define STRINGS_MAX (256u << 20) /* bytes of rule texts kept for reasons */
#define NODES_MAX (64u << 20)    /* trie states */
#define PATH_MAX_LEN 4096
/* States this close to the root get a complete 256-entry transition row (failures resolved at
 * compile time): the scan spends most of its steps there, and a row is one load instead of
 * a search per failure link. At most DENSE_MAX_ROWS rows (1 KiB each). */
#define DENSE_DEPTH 4
#define DENSE_MAX_ROWS 8192u

/* ---- the e2guardian -> canonical category table ------------------------------------------ */

/* Keys are lowercase letters and digits only; a name maps to the first key that is a prefix of
 * its normalised form ("Pornography (French)" -> "pornographyfrench" -> pornography). */
static const struct {
    const char *key;
    int category;
} e2g_categories[] = {
    {"badwords", -1}, /* swearing: not a category of ours */
    {"pornography", FLT_CAT_ADULT},
    {"porn", FLT_CAT_ADULT},
    {"adult", FLT_CAT_ADULT},
    {"nudism", FLT_CAT_ADULT},
    {"mixedadult", FLT_CAT_MIXED_ADULT},
    {"violence", FLT_CAT_VIOLENCE},
    {"gore", FLT_CAT_VIOLENCE},
    {"gambling", FLT_CAT_GAMBLING},
    {"illegaldrugs", FLT_CAT_DRUGS},
    {"drugadvocacy", FLT_CAT_DRUGS},
    {"legaldrugs", FLT_CAT_DRUGS},
    {"drugs", FLT_CAT_DRUGS},
    {"intolerance", FLT_CAT_HATE},
    {"racism", FLT_CAT_HATE},
    {"hate", FLT_CAT_HATE},
    {"weapons", FLT_CAT_WEAPONS},
    {"personals", FLT_CAT_DATING},
    {"dating", FLT_CAT_DATING},
    {"chat", FLT_CAT_CHAT},
    {"onlinegames", FLT_CAT_GAMES},
    {"games", FLT_CAT_GAMES},
    {"kidstimewasting", FLT_CAT_GAMES},
    {"warezhacking", FLT_CAT_WAREZ},
    {"warez", FLT_CAT_WAREZ},
    {"peer2peer", FLT_CAT_WAREZ},
    {"hacking", FLT_CAT_HACKING},
    {"proxies", FLT_CAT_PROXY},
    {"proxy", FLT_CAT_PROXY},
    {"secretsocieties", FLT_CAT_SECT},
    {"sect", FLT_CAT_SECT},
    {"webmail", FLT_CAT_WEBMAIL},
    {"forums", FLT_CAT_FORUMS},
    {"shopping", FLT_CAT_SHOPPING},
    {"socialnetworking", FLT_CAT_SOCIAL},
    {"social", FLT_CAT_SOCIAL},
    {"idtheft", FLT_CAT_PHISHING},
    {"phishing", FLT_CAT_PHISHING},
    {"malware", FLT_CAT_MALWARE},
    {"goodphrases", FLT_PHRASES_CAT_ALL},
    {"goodsites", FLT_PHRASES_CAT_ALL},
    {"good", FLT_PHRASES_CAT_ALL},
};

int flt_category_from_e2g(const char *name)
{
    char norm[64];
    size_t n = 0;
    if (!name)
        return -1;
    for (const char *s = name; *s && n + 1 < sizeof norm; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            norm[n++] = c;
    }
    norm[n] = '\0';
    if (n == 0)
        return -1;
    for (size_t i = 0; i < sizeof e2g_categories / sizeof e2g_categories[0]; i++) {
        size_t kl = strlen(e2g_categories[i].key);
        if (n >= kl && memcmp(norm, e2g_categories[i].key, kl) == 0)
            return e2g_categories[i].category;
    }
    return -1;
}

/* ---- data ------------------------------------------------------------------------------------ */

typedef struct {
    uint32_t first_child;
    uint32_t next_sibling;
    unsigned char label;
    unsigned char terminal; /* a phrase part ends here */
} trie_node;

typedef struct {
    int32_t weight;
    int16_t category;
    uint8_t nparts;
    uint32_t parts; /* index of the first part in rule_parts */
    uint32_t text;  /* offset of the display text in strings */
} rule_t;

struct flt_phrases {
    trie_node *nodes;
    size_t nnodes, cap_nodes;
    rule_t *rules;
    size_t nrules, cap_rules;
    uint32_t *rule_parts; /* trie node of each part */
    size_t nparts, cap_parts;
    buf_t strings; /* NUL-separated display texts */
    size_t bad_lines;
    flt_phrases_warn_fn warn;
    void *warn_ctx;
    /* after compile */
    bool compiled;
    uint32_t root_next[256];
    uint32_t *edge_start; /* nnodes + 1 */
    unsigned char *edge_label;
    uint32_t *edge_target;
    uint32_t *fail;
    uint32_t *out_link;    /* nearest terminal state on the failure chain, or NONE */
    uint32_t *node_rules0; /* nnodes + 1: rules using a node as a part */
    uint32_t *node_rules;
    uint32_t *dense_of; /* per state: its row in dense, or NONE; the root's is row 0 */
    uint32_t *dense;    /* rows of 256 next states */
};

struct flt_phrases_scratch {
    size_t nnodes, nrules;
    unsigned char *seen;  /* per node: part already found on this page */
    unsigned char *found; /* per rule: parts found */
    uint32_t *touched_nodes;
    uint32_t *touched_rules;
};

ch_status flt_phrases_new(flt_phrases **out)
{
    *out = NULL;
    flt_phrases *p = calloc(1, sizeof *p);
    if (!p)
        return CH_ERR_NOMEM;
    buf_init(&p->strings, STRINGS_MAX);
    if (buf_reserve_array(&p->nodes, &p->cap_nodes, 1, sizeof *p->nodes, 64)) {
        free(p);
        return CH_ERR_NOMEM;
    }
    p->nodes[0] = (trie_node){NONE, NONE, 0, 0};
    p->nnodes = 1;
    *out = p;
    return CH_OK;
}

void flt_phrases_free(flt_phrases *p)
{
    if (!p)
        return;
    free(p->nodes);
    free(p->rules);
    free(p->rule_parts);
    buf_free(&p->strings);
    free(p->edge_start);
    free(p->edge_label);
    free(p->edge_target);
    free(p->fail);
    free(p->out_link);
    free(p->node_rules0);
    free(p->node_rules);
    free(p->dense_of);
    free(p->dense);
    free(p);
}

void flt_phrases_set_warn(flt_phrases *p, flt_phrases_warn_fn fn, void *ctx)
{
    p->warn = fn;
    p->warn_ctx = ctx;
}

size_t flt_phrases_rule_count(const flt_phrases *p)
{
    return p->nrules;
}

size_t flt_phrases_bad_lines(const flt_phrases *p)
{
    return p->bad_lines;
}

size_t flt_phrases_state_count(const flt_phrases *p)
{
    return p->nnodes;
}

/* ---- normalisation: fold, non-word runs -> one space ------------------------------------------
 */

typedef void (*emit_fn)(void *ctx, unsigned char c);

/* Separator runs: a run of non-word characters becomes one space, or " . " when it ends a
 * sentence (it holds . ! ? ; or a newline and either holds whitespace or ends the text), so that
 * phrases never match across sentences ("... xxx-xxx. Hardcore techno" is not "xxx hardcore")
 * while abbreviations keep matching ("18 U.S.C." and "<18 u.s.c>" both give "18 u s c"). */
typedef struct {
    emit_fn emit;
    void *ctx;
    bool in_run, run_stop, run_space;
} norm_state;

static void run_char(norm_state *n, uint32_t cp)
{
    n->in_run = true;
    if (cp == '.' || cp == '!' || cp == '?' || cp == ';' || cp == '\n')
        n->run_stop = true;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
        n->run_space = true;
}

static void run_flush(norm_state *n, bool at_end)
{
    if (!n->in_run)
        return;
    n->emit(n->ctx, ' ');
    if (n->run_stop && (n->run_space || at_end)) {
        n->emit(n->ctx, '.');
        n->emit(n->ctx, ' ');
    }
    n->in_run = n->run_stop = n->run_space = false;
}

/* Feed the normalised form of s to emit. With edges, the text is framed by separators (so a
 * leading and a trailing space are always emitted). */
static void normalize(const char *s, size_t len, bool edges, emit_fn emit, void *ctx)
{
    norm_state n = {emit, ctx, edges, false, edges};
    size_t pos = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)s[pos];
        if (c < 0x80) {
            pos++;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                run_flush(&n, false);
                emit(ctx, c);
            } else {
                run_char(&n, c);
            }
            continue;
        }
        uint32_t cp = text_utf8_next(s, len, &pos);
        char folded[TEXT_FOLD_CP_MAX];
        size_t nf = text_fold_cp_to(cp, folded);
        size_t fpos = 0;
        while (fpos < nf) {
            size_t start = fpos;
            uint32_t fcp = text_utf8_next(folded, nf, &fpos);
            if (text_is_word_cp(fcp)) {
                run_flush(&n, false);
                for (size_t i = start; i < fpos; i++)
                    emit(ctx, (unsigned char)folded[i]);
            } else {
                run_char(&n, fcp);
            }
        }
    }
    if (edges)
        n.in_run = true;
    run_flush(&n, true);
}

typedef struct {
    char data[FLT_PHRASES_PART_MAX];
    size_t len;
    bool overflow;
} part_buf;

static void emit_part(void *ctx, unsigned char c)
{
    part_buf *b = ctx;
    if (b->len < sizeof b->data)
        b->data[b->len++] = (char)c;
    else
        b->overflow = true;
}

/* ---- loading ------------------------------------------------------------------------------- */

typedef struct {
    flt_phrases *p;
    const char *name; /* for messages and relative includes; may be NULL */
    unsigned line;
    bool forced; /* category given by the caller: #listcategory is ignored */
    int category;
    int depth;
} load_ctx;

static void bad_line(load_ctx *c, const char *why)
{
    c->p->bad_lines++;
    if (c->p->warn)
        c->p->warn(c->p->warn_ctx, c->name ? c->name : "(buffer)", c->line, why);
}

/* Insert a normalised part into the trie; returns its terminal node. */
static ch_status trie_insert(flt_phrases *p, const char *s, size_t len, uint32_t *node_out)
{
    uint32_t cur = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t ch = p->nodes[cur].first_child;
        while (ch != NONE && p->nodes[ch].label != c)
            ch = p->nodes[ch].next_sibling;
        if (ch == NONE) {
            if (p->nnodes >= NODES_MAX)
                return CH_ERR_LIMIT;
            ch_status st =
                buf_reserve_array(&p->nodes, &p->cap_nodes, p->nnodes + 1, sizeof *p->nodes, 64);
            if (st)
                return st;
            ch = (uint32_t)p->nnodes++;
            p->nodes[ch] = (trie_node){NONE, p->nodes[cur].first_child, c, 0};
            p->nodes[cur].first_child = ch;
        }
        cur = ch;
    }
    p->nodes[cur].terminal = 1;
    *node_out = cur;
    return CH_OK;
}

/* Parse a weight "25", "-30", "10%". */
static bool parse_weight(const char *s, size_t len, long *out)
{
    char tmp[32];
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len && s[len - 1] == '%')
        len--; /* a percentage of a limit taken as 100: the same number of points */
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    long v = strtol(tmp, &end, 10);
    if (errno || *end != '\0' || v < -FLT_PHRASES_WEIGHT_MAX || v > FLT_PHRASES_WEIGHT_MAX)
        return false;
    *out = v;
    return true;
}

/* A rule line starting at s[0] == '<'. Returns CH_OK for good and bad lines alike (bad ones are
 * reported); errors only for resource failures. */
static ch_status parse_rule(load_ctx *c, const char *s, size_t len)
{
    flt_phrases *p = c->p;
    struct {
        const char *at;
        size_t len;
    } groups[FLT_PHRASES_PARTS_MAX + 1];
    size_t ngroups = 0, pos = 0, text_end = 0;
    long weight = 0;
    bool have_weight = false;
    while (pos < len && s[pos] == '<') {
        const char *gt = memchr(s + pos + 1, '>', len - pos - 1);
        if (!gt) {
            bad_line(c, "unclosed '<'");
            return CH_OK;
        }
        size_t gstart = pos + 1, glen = (size_t)(gt - s) - gstart;
        size_t after = (size_t)(gt - s) + 1;
        if (ngroups >= FLT_PHRASES_PARTS_MAX) {
            bad_line(c, "too many co-occurrence parts");
            return CH_OK;
        }
        groups[ngroups].at = s + gstart;
        groups[ngroups].len = glen;
        ngroups++;
        pos = after;
        if (pos < len && s[pos] == ',') {
            pos++;
            while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
                pos++;
            if (pos >= len || s[pos] != '<') {
                bad_line(c, "',' not followed by '<'");
                return CH_OK;
            }
            continue;
        }
        if (pos < len && s[pos] == '<') {
            /* the next group is the weight */
            text_end = pos;
            const char *wgt = memchr(s + pos + 1, '>', len - pos - 1);
            if (!wgt) {
                bad_line(c, "unclosed weight");
                return CH_OK;
            }
            if (!parse_weight(s + pos + 1, (size_t)(wgt - s) - pos - 1, &weight)) {
                bad_line(c, "bad weight");
                return CH_OK;
            }
            have_weight = true;
            pos = (size_t)(wgt - s) + 1;
        }
        break;
    }
    if (!have_weight) {
        bad_line(c, "no <weight>");
        return CH_OK;
    }
    while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
        pos++;
    if (pos < len && s[pos] != '#') {
        bad_line(c, "text after the weight");
        return CH_OK;
    }
    if (c->category == -1) {
        bad_line(c, "rule without a known category");
        return CH_OK;
    }

    /* Normalise the parts; drop duplicates within the rule. */
    part_buf parts[FLT_PHRASES_PARTS_MAX];
    size_t nparts = 0;
    for (size_t i = 0; i < ngroups; i++) {
        part_buf *b = &parts[nparts];
        b->len = 0;
        b->overflow = false;
        normalize(groups[i].at, groups[i].len, false, emit_part, b);
        if (b->overflow) {
            bad_line(c, "phrase too long");
            return CH_OK;
        }
        bool has_word = false;
        for (size_t k = 0; k < b->len; k++)
            if (b->data[k] != ' ' && b->data[k] != '.')
                has_word = true;
        if (!has_word) {
            bad_line(c, "empty phrase");
            return CH_OK;
        }
        bool dup = false;
        for (size_t k = 0; k < nparts; k++)
            if (parts[k].len == b->len && memcmp(parts[k].data, b->data, b->len) == 0)
                dup = true;
        if (!dup)
            nparts++;
    }
    if (p->nrules >= FLT_PHRASES_RULES_MAX)
        return CH_ERR_LIMIT;

    ch_status st = buf_reserve_array(&p->rules, &p->cap_rules, p->nrules + 1, sizeof *p->rules, 64);
    if (!st)
        st = buf_reserve_array(&p->rule_parts, &p->cap_parts, p->nparts + nparts,
                               sizeof *p->rule_parts, 64);
    if (st)
        return st;
    size_t text_off = p->strings.len;
    st = buf_append(&p->strings, s, text_end);
    if (!st)
        st = buf_append_char(&p->strings, '\0');
    if (st) {
        buf_truncate(&p->strings, text_off);
        return st;
    }
    for (size_t k = 0; k < nparts; k++) {
        uint32_t node;
        st = trie_insert(p, parts[k].data, parts[k].len, &node);
        if (st)
            return st; /* nodes added so far stay unused: harmless */
        p->rule_parts[p->nparts + k] = node;
    }
    p->rules[p->nrules] = (rule_t){(int32_t)weight, (int16_t)c->category, (uint8_t)nparts,
                                   (uint32_t)p->nparts, (uint32_t)text_off};
    p->nparts += nparts;
    p->nrules++;
    return CH_OK;
}

static ch_status load_text(load_ctx *c, const char *text, size_t len);

static ch_status read_file(const char *path, buf_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? CH_ERR_NOTFOUND : CH_ERR_IO;
    ch_status st = CH_OK;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        st = buf_append(out, chunk, n);
        if (st)
            goto out;
    }
    if (ferror(f))
        st = CH_ERR_IO;
out:
    fclose(f);
    return st;
}

static ch_status load_path(flt_phrases *p, const char *path, bool forced, int category, int depth)
{
    buf_t b;
    buf_init(&b, FILE_MAX);
    ch_status st = read_file(path, &b);
    if (st) {
        load_ctx c = {p, path, 0, forced, category, depth};
        bad_line(&c, st == CH_ERR_LIMIT ? "file too large" : "cannot read file");
        if (st == CH_ERR_LIMIT)
            st = CH_OK; /* skipped, reported */
        goto out;
    }
    load_ctx c = {p, path, 0, forced, category, depth};
    st = load_text(&c, b.data ? b.data : "", b.len);
out:
    buf_free(&b);
    return st;
}

static ch_status do_include(load_ctx *c, const char *s, size_t len)
{
    const char *gt = memchr(s, '>', len);
    if (!gt || gt == s) {
        bad_line(c, "bad .Include");
        return CH_OK;
    }
    size_t plen = (size_t)(gt - s);
    if (memchr(s, '@', plen) || memchr(s, '\0', plen)) {
        bad_line(c, ".Include with an unresolved macro");
        return CH_OK;
    }
    if (c->depth + 1 > FLT_PHRASES_INCLUDE_DEPTH) {
        bad_line(c, ".Include nested too deep");
        return CH_OK;
    }
    if (!c->name) {
        bad_line(c, ".Include not allowed here");
        return CH_OK;
    }
    char path[PATH_MAX_LEN];
    int n;
    if (s[0] == '/') {
        n = snprintf(path, sizeof path, "%.*s", (int)plen, s);
    } else {
        const char *slash = strrchr(c->name, '/');
        int dlen = slash ? (int)(slash - c->name) : 1;
        n = snprintf(path, sizeof path, "%.*s/%.*s", dlen, slash ? c->name : ".", (int)plen, s);
    }
    if (n < 0 || (size_t)n >= sizeof path) {
        bad_line(c, ".Include path too long");
        return CH_OK;
    }
    ch_status st = load_path(c->p, path, c->forced, c->category, c->depth + 1);
    if (st == CH_ERR_NOTFOUND || st == CH_ERR_IO)
        st = CH_OK; /* reported by load_path */
    return st;
}

static bool starts_with_ci(const char *s, size_t len, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (len < pl)
        return false;
    for (size_t i = 0; i < pl; i++) {
        char a = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != prefix[i])
            return false;
    }
    return true;
}

static ch_status parse_line(load_ctx *c, const char *s, size_t len)
{
    while (len && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    if (len == 0)
        return CH_OK;
    if (starts_with_ci(s, len, "#listcategory:")) {
        if (c->forced)
            return CH_OK;
        size_t a = strlen("#listcategory:");
        char name[64];
        size_t n = 0;
        for (size_t i = a; i < len && n + 1 < sizeof name; i++)
            if (s[i] != '"')
                name[n++] = s[i];
        name[n] = '\0';
        c->category = flt_category_from_e2g(name);
        return CH_OK;
    }
    if (s[0] == '#')
        return CH_OK;
    if (starts_with_ci(s, len, ".include<"))
        return do_include(c, s + 9, len - 9);
    if (s[0] == '<')
        return parse_rule(c, s, len);
    bad_line(c, "not a <phrase><weight> line");
    return CH_OK;
}

static ch_status load_text(load_ctx *c, const char *text, size_t len)
{
    /* A line that is not UTF-8 is read as Latin-1: room for 2 bytes per input byte. */
    char conv[2 * FLT_PHRASES_LINE_MAX];
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + pos;
        size_t llen = end - pos;
        pos = nl ? end + 1 : len;
        c->line++;
        if (llen > FLT_PHRASES_LINE_MAX) {
            bad_line(c, "line too long");
            continue;
        }
        if (!text_utf8_valid(line, llen)) {
            size_t o = 0;
            for (size_t i = 0; i < llen; i++) {
                unsigned char b = (unsigned char)line[i];
                o += text_utf8_encode(b, conv + o);
            }
            line = conv;
            llen = o;
        }
        ch_status st = parse_line(c, line, llen);
        if (st)
            return st;
    }
    return CH_OK;
}

ch_status flt_phrases_load_buffer(flt_phrases *p, const char *name, const char *text, size_t len,
                                  int category)
{
    if (p->compiled)
        return CH_ERR_ARG;
    load_ctx c = {p, name, 0, category != -1, category, 0};
    return load_text(&c, text, len);
}

ch_status flt_phrases_load_file(flt_phrases *p, const char *path, int category)
{
    if (p->compiled)
        return CH_ERR_ARG;
    buf_t b;
    buf_init(&b, FILE_MAX);
    ch_status st = read_file(path, &b);
    if (st == CH_OK) {
        load_ctx c = {p, path, 0, category != -1, category, 0};
        st = load_text(&c, b.data ? b.data : "", b.len);
    }
    buf_free(&b);
    return st;
}

static int no_dots(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static ch_status walk_dir(flt_phrases *p, const char *dir, int category, int depth)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, no_dots, alphasort);
    if (n < 0)
        return errno == ENOENT ? CH_ERR_NOTFOUND : CH_ERR_IO;
    ch_status st = CH_OK;
    for (int i = 0; i < n; i++) {
        if (st)
            continue; /* free the remaining names */
        char path[PATH_MAX_LEN];
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        struct stat sb;
        if (len < 0 || (size_t)len >= sizeof path || stat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (depth + 1 >= FLT_PHRASES_DIR_DEPTH)
                continue;
            int sub = flt_category_from_e2g(names[i]->d_name);
            st = walk_dir(p, path, sub != -1 ? sub : category, depth + 1);
        } else if (S_ISREG(sb.st_mode) && strncmp(names[i]->d_name, "weighted", 8) == 0) {
            st = load_path(p, path, category != -1, category, 0);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

ch_status flt_phrases_load_dir(flt_phrases *p, const char *dir)
{
    if (p->compiled)
        return CH_ERR_ARG;
    return walk_dir(p, dir, -1, 0);
}

/* ---- compile: CSR edges, failure and output links ----------------------------------------------
 */

static uint32_t go(const flt_phrases *p, uint32_t s, unsigned char c)
{
    if (s == 0)
        return p->root_next[c]; /* 0 (the root) when no phrase starts with c */
    uint32_t lo = p->edge_start[s], hi = p->edge_start[s + 1];
    if (hi - lo <= 8) { /* most nodes have one or two children: a scan beats the search */
        for (; lo < hi; lo++)
            if (p->edge_label[lo] >= c)
                return p->edge_label[lo] == c ? p->edge_target[lo] : NONE;
        return NONE;
    }
    uint32_t end = hi;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->edge_label[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && p->edge_label[lo] == c ? p->edge_target[lo] : NONE;
}

/* The complete rows of the states within DENSE_DEPTH of the root, queue holding the other
 * states in breadth-first order. A missing edge of a row is the failure state's entry, whose
 * row exists already: it is shallower, so it came first. */
static ch_status build_dense_rows(flt_phrases *p, const uint32_t *queue, size_t nq)
{
    size_t nn = p->nnodes, rows = 1;
    unsigned char *depth = calloc(nn, 1);
    p->dense_of = malloc(nn * sizeof *p->dense_of);
    if (!depth || !p->dense_of) {
        free(depth);
        return CH_ERR_NOMEM;
    }
    for (size_t s = 0; s < nn; s++)
        p->dense_of[s] = NONE;
    for (uint32_t k = p->edge_start[0]; k < p->edge_start[1]; k++)
        depth[p->edge_target[k]] = 1;
    for (size_t i = 0; i < nq; i++) { /* breadth-first: a parent's depth is known */
        uint32_t u = queue[i];
        for (uint32_t k = p->edge_start[u]; k < p->edge_start[u + 1]; k++)
            depth[p->edge_target[k]] =
                depth[u] < UCHAR_MAX ? (unsigned char)(depth[u] + 1) : UCHAR_MAX;
    }
    p->dense_of[0] = 0;
    for (size_t i = 0; i < nq && rows < DENSE_MAX_ROWS; i++)
        if (depth[queue[i]] <= DENSE_DEPTH && p->dense_of[p->fail[queue[i]]] != NONE)
            p->dense_of[queue[i]] = (uint32_t)rows++;
    free(depth);
    p->dense = malloc(rows * 256 * sizeof *p->dense);
    if (!p->dense)
        return CH_ERR_NOMEM;
    memcpy(p->dense, p->root_next, sizeof p->root_next);
    for (size_t i = 0; i < nq; i++) {
        uint32_t v = queue[i], row = p->dense_of[v];
        if (row == NONE)
            continue;
        const uint32_t *fail_row = p->dense + (size_t)p->dense_of[p->fail[v]] * 256;
        uint32_t *r = p->dense + (size_t)row * 256;
        memcpy(r, fail_row, 256 * sizeof *r);
        for (uint32_t k = p->edge_start[v]; k < p->edge_start[v + 1]; k++)
            r[p->edge_label[k]] = p->edge_target[k];
    }
    return CH_OK;
}

ch_status flt_phrases_compile(flt_phrases *p)
{
    if (p->compiled)
        return CH_ERR_ARG;
    size_t nn = p->nnodes;
    ch_status st = CH_ERR_NOMEM;
    uint32_t *queue = malloc(nn * sizeof *queue);
    p->edge_start = calloc(nn + 1, sizeof *p->edge_start);
    p->edge_label = malloc(nn ? nn : 1);
    p->edge_target = malloc(nn * sizeof *p->edge_target);
    p->fail = calloc(nn, sizeof *p->fail);
    p->out_link = malloc(nn * sizeof *p->out_link);
    p->node_rules0 = calloc(nn + 1, sizeof *p->node_rules0);
    p->node_rules = malloc((p->nparts ? p->nparts : 1) * sizeof *p->node_rules);
    if (!queue || !p->edge_start || !p->edge_label || !p->edge_target || !p->fail || !p->out_link ||
        !p->node_rules0 || !p->node_rules)
        goto out;

    /* Edges in CSR form, sorted by label within each node (insertion sort: few children). */
    uint32_t e = 0;
    for (size_t s = 0; s < nn; s++) {
        p->edge_start[s] = e;
        uint32_t first = e;
        for (uint32_t ch = p->nodes[s].first_child; ch != NONE; ch = p->nodes[ch].next_sibling) {
            uint32_t k = e++;
            unsigned char lab = p->nodes[ch].label;
            while (k > first && p->edge_label[k - 1] > lab) {
                p->edge_label[k] = p->edge_label[k - 1];
                p->edge_target[k] = p->edge_target[k - 1];
                k--;
            }
            p->edge_label[k] = lab;
            p->edge_target[k] = ch;
        }
    }
    p->edge_start[nn] = e;
    for (int c = 0; c < 256; c++)
        p->root_next[c] = 0;
    for (uint32_t k = p->edge_start[0]; k < p->edge_start[1]; k++)
        p->root_next[p->edge_label[k]] = p->edge_target[k];

    /* Breadth-first: failure links, then output links from the (shallower) failure state. */
    size_t qh = 0, qt = 0;
    p->fail[0] = 0;
    p->out_link[0] = NONE;
    for (uint32_t k = p->edge_start[0]; k < p->edge_start[1]; k++) {
        uint32_t v = p->edge_target[k];
        p->fail[v] = 0;
        p->out_link[v] = NONE;
        queue[qt++] = v;
    }
    while (qh < qt) {
        uint32_t u = queue[qh++];
        for (uint32_t k = p->edge_start[u]; k < p->edge_start[u + 1]; k++) {
            unsigned char c = p->edge_label[k];
            uint32_t v = p->edge_target[k];
            uint32_t f = p->fail[u];
            uint32_t g;
            while ((g = go(p, f, c)) == NONE)
                f = p->fail[f];
            p->fail[v] = g;
            p->out_link[v] = p->nodes[g].terminal && g != 0 ? g : p->out_link[g];
            queue[qt++] = v;
        }
    }
    if ((st = build_dense_rows(p, queue, qt)) != CH_OK)
        goto out;

    /* Rules of each part node, CSR. */
    for (size_t r = 0; r < p->nrules; r++)
        for (uint32_t k = 0; k < p->rules[r].nparts; k++)
            p->node_rules0[p->rule_parts[p->rules[r].parts + k] + 1]++;
    for (size_t s = 0; s < nn; s++)
        p->node_rules0[s + 1] += p->node_rules0[s];
    memcpy(queue, p->node_rules0, nn * sizeof *queue); /* reuse as fill cursors */
    for (size_t r = 0; r < p->nrules; r++)
        for (uint32_t k = 0; k < p->rules[r].nparts; k++)
            p->node_rules[queue[p->rule_parts[p->rules[r].parts + k]]++] = (uint32_t)r;
    p->compiled = true;
    st = CH_OK;
out:
    free(queue);
    return st;
}

/* ---- scoring --------------------------------------------------------------------------------- */

void flt_phrase_scores_init(flt_phrase_scores *s)
{
    memset(s, 0, sizeof *s);
}

static void scratch_free(struct flt_phrases_scratch *sc)
{
    if (!sc)
        return;
    free(sc->seen);
    free(sc->found);
    free(sc->touched_nodes);
    free(sc->touched_rules);
    free(sc);
}

void flt_phrase_scores_free(flt_phrase_scores *s)
{
    scratch_free(s->scratch);
    memset(s, 0, sizeof *s);
}

static ch_status scratch_fit(flt_phrase_scores *s, const flt_phrases *p)
{
    struct flt_phrases_scratch *sc = s->scratch;
    if (sc && sc->nnodes == p->nnodes && sc->nrules == p->nrules)
        return CH_OK;
    scratch_free(sc);
    s->scratch = NULL;
    sc = calloc(1, sizeof *sc);
    if (!sc)
        return CH_ERR_NOMEM;
    sc->nnodes = p->nnodes;
    sc->nrules = p->nrules;
    sc->seen = calloc(p->nnodes, 1);
    sc->found = calloc(p->nrules ? p->nrules : 1, 1);
    sc->touched_nodes = malloc(p->nnodes * sizeof *sc->touched_nodes);
    sc->touched_rules = malloc((p->nrules ? p->nrules : 1) * sizeof *sc->touched_rules);
    if (!sc->seen || !sc->found || !sc->touched_nodes || !sc->touched_rules) {
        scratch_free(sc);
        return CH_ERR_NOMEM;
    }
    s->scratch = sc;
    return CH_OK;
}

typedef struct {
    const flt_phrases *p;
    flt_phrase_scores *out;
    struct flt_phrases_scratch *sc;
    uint32_t state;
    size_t ntouched_nodes, ntouched_rules;
} scan_ctx;

static void record_hit(flt_phrase_scores *out, const flt_phrases *p, const rule_t *r)
{
    flt_phrase_hit h = {p->strings.data + r->text, r->category, r->weight};
    if (out->nhits < FLT_PHRASES_HITS_MAX) {
        out->hits[out->nhits++] = h;
        return;
    }
    size_t min = 0;
    for (size_t i = 1; i < out->nhits; i++)
        if (labs((long)out->hits[i].weight) < labs((long)out->hits[min].weight))
            min = i;
    if (labs((long)h.weight) > labs((long)out->hits[min].weight))
        out->hits[min] = h;
}

static void fire(scan_ctx *sc, uint32_t r)
{
    const rule_t *rule = &sc->p->rules[r];
    if (rule->category == FLT_PHRASES_CAT_ALL) {
        for (int c = 0; c < FLT_CAT_COUNT; c++)
            sc->out->score[c] += rule->weight;
    } else if (rule->category >= 0 && rule->category < FLT_CAT_COUNT) {
        sc->out->score[rule->category] += rule->weight;
    }
    sc->out->nfired++;
    record_hit(sc->out, sc->p, rule);
}

static void scan_byte(void *ctx, unsigned char c)
{
    scan_ctx *sc = ctx;
    const flt_phrases *p = sc->p;
    uint32_t s = sc->state;
    sc->out->scanned++;
    for (;;) {
        sc->out->steps++;
        uint32_t row = p->dense_of[s];
        if (row != NONE) { /* the root and the states near it: complete rows */
            s = p->dense[(size_t)row * 256 + c];
            break;
        }
        uint32_t t = go(p, s, c);
        if (t != NONE) {
            s = t;
            break;
        }
        s = p->fail[s];
    }
    sc->state = s;
    /* Report every part ending here that this page has not shown yet. A seen node's whole
     * output chain was reported when it was first seen, so the walk stops there. */
    uint32_t t = p->nodes[s].terminal && s != 0 ? s : p->out_link[s];
    while (t != NONE && !sc->sc->seen[t]) {
        sc->sc->seen[t] = 1;
        sc->sc->touched_nodes[sc->ntouched_nodes++] = t;
        for (uint32_t k = p->node_rules0[t]; k < p->node_rules0[t + 1]; k++) {
            uint32_t r = p->node_rules[k];
            if (sc->sc->found[r]++ == 0)
                sc->sc->touched_rules[sc->ntouched_rules++] = r;
            if (sc->sc->found[r] == p->rules[r].nparts)
                fire(sc, r);
        }
        t = p->out_link[t];
    }
}

ch_status flt_phrases_score(const flt_phrases *p, const char *text, size_t len,
                            flt_phrase_scores *out)
{
    struct flt_phrases_scratch *keep = out->scratch;
    memset(out, 0, sizeof *out);
    out->scratch = keep;
    if (!p->compiled)
        return CH_ERR_ARG;
    ch_status st = scratch_fit(out, p);
    if (st)
        return st;
    scan_ctx sc = {p, out, out->scratch, 0, 0, 0};
    normalize(text, len, true, scan_byte, &sc);
    /* Leave the scratch clean for the next page: touch only what this page touched. */
    for (size_t i = 0; i < sc.ntouched_nodes; i++)
        sc.sc->seen[sc.sc->touched_nodes[i]] = 0;
    for (size_t i = 0; i < sc.ntouched_rules; i++)
        sc.sc->found[sc.sc->touched_rules[i]] = 0;
    return CH_OK;
}
