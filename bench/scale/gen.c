/* bench/scale/gen: a deterministic synthetic web for scale benchmarks.
 *
 * Builds WARC.gz files of N HTML pages (response records, written with common/warc.h like the
 * crawler's) by recombining the titles, headings, paragraphs and link texts of real
 * documentation corpora (Python docs in English, LibreOffice help in French, the Debian
 * handbook in both). Every property of page k (host, language, title, paragraphs, links) is a
 * pure function of (seed, k): the same seed gives the same pages whatever the file split or the
 * number of parallel parts (only the WARC record ids, random UUIDs, differ between runs).
 *
 * Link structure: pages are grouped by host (1000 hosts by default, Zipf-sized); each page links
 * to 2-4 pages of its own host (navigation) and to 4-20 pages anywhere, drawn with a power law
 * over a fixed permutation of the pages (a few pages get most links, like a real web); the
 * anchor text of a link is the target's title or a part of it.
 *
 * Usage: gen --pages N --out DIR [--seed S] [--hosts H] [--per-file N] [--part I/J]
 *            [--queries FILE] [--nqueries N] [--corpus LANG:DIR]...
 * Writes DIR/pages-NNNNN.warc.gz (files i with i % J == I when --part is given), and with
 * --queries a TSV "mode<TAB>kind<TAB>query" of queries drawn from the same vocabulary.
 * Prints the bytes of plain text (titles and paragraphs) written, for index-size ratios. */
#include <dirent.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/warc.h"

#define GEN_MAX_FILE (8u * 1024 * 1024) /* corpus files read, bytes */
#define GEN_MAX_PAGE (1u << 20)         /* one generated HTTP message */
#define GEN_MIN_PARA 60u                /* paragraph length kept, bytes */
#define GEN_MAX_PARA 1200u
#define GEN_MAX_CORPORA 8

enum { LANG_FR, LANG_EN, N_LANGS };
static const char *const lang_code[N_LANGS] = {"fr", "en"};

typedef struct {
    char **v;
    size_t n, alloc;
} strvec;

typedef struct {
    strvec titles[N_LANGS], paras[N_LANGS], anchors[N_LANGS];
} pools;

typedef struct {
    uint64_t seed;
    uint64_t pages;
    uint32_t hosts;
    uint64_t *host_start; /* hosts + 1 entries: pages of host h are [start[h], start[h+1]) */
    uint64_t perm_a, perm_b;
    const pools *p;
} web;

/* ---- deterministic randomness ------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

typedef struct {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    return mix64(r->s);
}

static double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static uint64_t rng_below(rng *r, uint64_t n)
{
    return n ? rng_next(r) % n : 0;
}

/* ---- corpus ------------------------------------------------------------------------------ */

static int strvec_push(strvec *sv, const char *s, size_t len)
{
    if (sv->n == sv->alloc) {
        size_t na = sv->alloc ? sv->alloc * 2 : 1024;
        char **nv = realloc(sv->v, na * sizeof *nv);
        if (!nv)
            return -1;
        sv->v = nv;
        sv->alloc = na;
    }
    char *c = strndup(s, len);
    if (!c)
        return -1;
    sv->v[sv->n++] = c;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates, so the pools do not depend on the file walk order. */
static void strvec_uniq(strvec *sv)
{
    if (!sv->n)
        return;
    qsort(sv->v, sv->n, sizeof *sv->v, cmp_str);
    size_t j = 1;
    for (size_t i = 1; i < sv->n; i++) {
        if (strcmp(sv->v[i], sv->v[j - 1]) == 0)
            free(sv->v[i]);
        else
            sv->v[j++] = sv->v[i];
    }
    sv->n = j;
}

static void strvec_free(strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
}

/* The text of a node with whitespace runs collapsed, into b (reset first). */
static void node_text(xmlNode *n, buf_t *b)
{
    buf_reset(b);
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return;
    bool space = true;
    for (const xmlChar *s = t; *s; s++) {
        if (s[0] == 0xc2 && s[1] == 0xb6) { /* a pilcrow (Sphinx permalinks) is dropped */
            s++;
            continue;
        }
        bool nbsp = s[0] == 0xc2 && s[1] == 0xa0;
        if (nbsp)
            s++;
        if (nbsp || *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
            space = true;
            continue;
        }
        if (space && b->len && buf_append_char(b, ' '))
            break;
        space = false;
        if (buf_append_char(b, (char)*s))
            break;
    }
    xmlFree(t);
}

typedef struct {
    pools *p;
    int lang;
    buf_t text;
} walk_ctx;

static void collect(xmlNode *n, walk_ctx *c)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)
            continue;
        if (strcmp(name, "title") == 0 || strcmp(name, "h1") == 0 || strcmp(name, "h2") == 0 ||
            strcmp(name, "h3") == 0) {
            node_text(n, &c->text);
            if (c->text.len >= 4 && c->text.len <= 120 && !strchr(c->text.data, '<'))
                strvec_push(&c->p->titles[c->lang], c->text.data, c->text.len);
            continue;
        }
        if (strcmp(name, "p") == 0 || strcmp(name, "dd") == 0) {
            node_text(n, &c->text);
            if (c->text.len >= GEN_MIN_PARA && c->text.len <= GEN_MAX_PARA)
                strvec_push(&c->p->paras[c->lang], c->text.data, c->text.len);
        }
        if (strcmp(name, "a") == 0) {
            node_text(n, &c->text);
            if (c->text.len >= 4 && c->text.len <= 80)
                strvec_push(&c->p->anchors[c->lang], c->text.data, c->text.len);
            continue;
        }
        collect(n->children, c);
    }
}

static void parse_file(const char *path, walk_ctx *c)
{
    htmlDocPtr doc = htmlReadFile(path, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET);
    if (!doc)
        return;
    collect(xmlDocGetRootElement(doc), c);
    xmlFreeDoc(doc);
}

/* Every *.html file under dir (symbolic links not followed), depth at most 16. */
static void walk_dir(const char *dir, walk_ctx *c, int depth)
{
    DIR *d = depth < 16 ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        struct stat sb;
        if (lstat(path, &sb))
            continue;
        size_t l = strlen(path);
        if (S_ISDIR(sb.st_mode))
            walk_dir(path, c, depth + 1);
        else if (S_ISREG(sb.st_mode) && l > 5 && strcmp(path + l - 5, ".html") == 0 &&
                 (size_t)sb.st_size <= GEN_MAX_FILE)
            parse_file(path, c);
    }
    closedir(d);
}

/* ---- the synthetic web ------------------------------------------------------------------- */

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int web_init(web *w, uint64_t seed, uint64_t pages, uint32_t hosts, const pools *p)
{
    if (hosts > pages)
        hosts = (uint32_t)pages;
    w->seed = seed;
    w->pages = pages;
    w->hosts = hosts;
    w->p = p;
    w->host_start = calloc((size_t)hosts + 1, sizeof *w->host_start);
    double *share = calloc(hosts, sizeof *share);
    if (!w->host_start || !share) {
        free(share);
        return -1;
    }
    /* Zipf-sized hosts (exponent 0.8), each with at least one page. */
    double total = 0;
    for (uint32_t h = 0; h < hosts; h++)
        total += share[h] = 1.0 / pow((double)h + 1.0, 0.8);
    uint64_t spare = pages - hosts, used = 0;
    for (uint32_t h = 0; h < hosts; h++) {
        uint64_t extra = (uint64_t)((double)spare * share[h] / total);
        w->host_start[h] = used;
        used += 1 + extra;
    }
    w->host_start[hosts] = pages;
    if (used > pages) /* rounding never adds, but be safe */
        w->host_start[hosts] = used;
    w->pages = w->host_start[hosts]; /* the last host takes the rounding remainder */
    free(share);
    /* Popularity order: a bijection r -> (a r + b) mod N. */
    uint64_t a = (mix64(seed ^ 0xa5a5) % pages) | 1;
    while (gcd64(a, pages) != 1)
        a += 2;
    w->perm_a = a % pages ? a % pages : 1;
    w->perm_b = mix64(seed ^ 0x5a5a) % pages;
    return 0;
}

static uint32_t web_host_of(const web *w, uint64_t k)
{
    uint32_t lo = 0, hi = w->hosts; /* largest h with start[h] <= k */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (w->host_start[mid] <= k)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static int web_host_lang(const web *w, uint32_t h)
{
    return mix64(w->seed ^ ((uint64_t)h << 20) ^ 0x1a76) % 100 < 55 ? LANG_FR : LANG_EN;
}

static void web_host_name(const web *w, uint32_t h, char *out, size_t n)
{
    static const char *const syl[] = {"ba",  "le",  "mi",  "no",  "ru",  "ta",  "ve",  "zo",
                                      "ka",  "li",  "mo",  "pe",  "sa",  "tu",  "gri", "bor",
                                      "dal", "fen", "lun", "mar", "nor", "pol", "sen", "val"};
    const size_t ns = sizeof syl / sizeof *syl;
    uint64_t x = mix64(w->seed ^ h ^ 0x405f);
    const char *tld = web_host_lang(w, h) == LANG_FR ? (x & 64 ? "fr" : "org") : "com";
    snprintf(out, n, "%s%s%s-%u.%s", x % 3 ? "www." : "", syl[(x >> 8) % ns], syl[(x >> 16) % ns],
             h, tld);
}

static const char *web_title(const web *w, uint64_t k, int lang)
{
    const strvec *t = &w->p->titles[lang];
    return t->v[mix64(w->seed ^ k ^ 0x7171) % t->n];
}

static void web_url(const web *w, uint64_t k, buf_t *out)
{
    char host[96];
    uint32_t h = web_host_of(w, k);
    web_host_name(w, h, host, sizeof host);
    buf_reset(out);
    buf_appendf(out, "http://%s/", host);
    uint64_t local = k - w->host_start[h];
    if (local == 0)
        return; /* the home page */
    static const char *const dirs[] = {"doc", "guide", "aide", "articles", "ref", "faq"};
    buf_appendf(out, "%s/", dirs[mix64(k ^ 0x33) % 6]);
    /* a slug from the title's first letters and digits, then the page number */
    const char *t = web_title(w, k, web_host_lang(w, h));
    size_t n = 0;
    for (; *t && n < 24; t++) {
        unsigned char ch = (unsigned char)*t;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            buf_append_char(out, (char)ch), n++;
        else if (ch >= 'A' && ch <= 'Z')
            buf_append_char(out, (char)(ch - 'A' + 'a')), n++;
        else if (n && out->data[out->len - 1] != '-')
            buf_append_char(out, '-'), n++;
    }
    buf_appendf(out, "-%llu.html", (unsigned long long)local);
}

static uint64_t web_popular(const web *w, rng *r)
{
    /* r = N u^3: P(rank <= x) = (x/N)^(1/3), a power-law in-degree over the permutation */
    double u = rng_unit(r);
    uint64_t rank = (uint64_t)((double)w->pages * u * u * u);
    if (rank >= w->pages)
        rank = w->pages - 1;
    return (w->perm_a * rank + w->perm_b) % w->pages;
}

static void html_escape(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            buf_append_str(b, "&lt;");
            break;
        case '>':
            buf_append_str(b, "&gt;");
            break;
        case '&':
            buf_append_str(b, "&amp;");
            break;
        case '"':
            buf_append_str(b, "&quot;");
            break;
        default:
            buf_append_char(b, *s);
        }
    }
}

/* An anchor text for a link to target: its title, or one of the corpus link texts. */
static void link_html(const web *w, buf_t *b, buf_t *url, uint64_t target, int lang, rng *r)
{
    web_url(w, target, url);
    buf_append_str(b, "<a href=\"");
    html_escape(b, url->data);
    buf_append_str(b, "\">");
    int tl = web_host_lang(w, web_host_of(w, target));
    if (rng_below(r, 4))
        html_escape(b, web_title(w, target, tl));
    else
        html_escape(b, w->p->anchors[lang].v[rng_below(r, w->p->anchors[lang].n)]);
    buf_append_str(b, "</a>");
}

/* Page k as an HTML document in b; *text_bytes gets the bytes of title and paragraphs. */
static void web_page(const web *w, uint64_t k, buf_t *b, buf_t *url, size_t *text_bytes)
{
    rng r = {mix64(w->seed * 31 + k)};
    uint32_t h = web_host_of(w, k);
    int lang = web_host_lang(w, h);
    const pools *p = w->p;
    const char *title = web_title(w, k, lang);
    size_t text = strlen(title);
    buf_reset(b);
    buf_appendf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                lang_code[lang]);
    html_escape(b, title);
    buf_append_str(b, "</title></head>\n<body><nav>");
    uint64_t hs = w->host_start[h], hn = w->host_start[h + 1] - hs;
    unsigned nav = 2 + (unsigned)rng_below(&r, 3);
    for (unsigned i = 0; i < nav && hn > 1; i++) {
        buf_append_str(b, i ? " | " : "");
        link_html(w, b, url, hs + (i == 0 ? 0 : rng_below(&r, hn)), lang, &r);
    }
    buf_append_str(b, "</nav>\n<h1>");
    html_escape(b, title);
    buf_append_str(b, "</h1>\n");
    unsigned paras = 3 + (unsigned)rng_below(&r, 8);
    unsigned links = 4 + (unsigned)rng_below(&r, 17);
    for (unsigned i = 0; i < paras; i++) {
        if (i && rng_below(&r, 3) == 0) {
            const char *hd = p->titles[lang].v[rng_below(&r, p->titles[lang].n)];
            buf_append_str(b, "<h2>");
            html_escape(b, hd);
            buf_append_str(b, "</h2>\n");
            text += strlen(hd) + 1;
        }
        const char *para = p->paras[lang].v[rng_below(&r, p->paras[lang].n)];
        buf_append_str(b, "<p>");
        html_escape(b, para);
        text += strlen(para) + 1;
        if (links && rng_below(&r, 2)) { /* an inline link at the end of the paragraph */
            buf_append_char(b, ' ');
            link_html(w, b, url, web_popular(w, &r), lang, &r);
            links--;
        }
        buf_append_str(b, "</p>\n");
    }
    buf_appendf(b, "<h2>%s</h2>\n<ul>\n", lang == LANG_FR ? "Voir aussi" : "See also");
    for (unsigned i = 0; i < links; i++) {
        buf_append_str(b, "<li>");
        link_html(w, b, url, web_popular(w, &r), lang, &r);
        buf_append_str(b, "</li>\n");
    }
    buf_append_str(b, "</ul>\n</body></html>\n");
    *text_bytes = text;
}

/* ---- queries ----------------------------------------------------------------------------- */

/* The n-th word (letters, digits, UTF-8) of s of at least 3 bytes, into out; false if none. */
static bool pick_words(const char *s, rng *r, unsigned count, bool adjacent, buf_t *out)
{
    const char *starts[256];
    size_t lens[256], nw = 0;
    for (const char *q = s; *q && nw < 256;) {
        while (*q && !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q & 0x80)))
            q++;
        const char *st = q;
        while (*q && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q & 0x80)))
            q++;
        if (q - st >= 3 && q - st <= 20) {
            starts[nw] = st;
            lens[nw++] = (size_t)(q - st);
        }
    }
    if (nw < count)
        return false;
    size_t first = rng_below(r, nw - (adjacent ? count - 1 : 0));
    for (unsigned i = 0; i < count; i++) {
        size_t j = adjacent ? first + i : rng_below(r, nw);
        if (i)
            buf_append_char(out, ' ');
        buf_append(out, starts[j], lens[j]);
    }
    return true;
}

static int write_queries(const web *w, const char *path, unsigned n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    static const char *const modes[] = {"web", "school", "junior"};
    rng r = {mix64(w->seed ^ 0x9e11)};
    buf_t q;
    buf_init(&q, 4096);
    char host[96];
    for (unsigned i = 0; i < n;) {
        uint64_t k = rng_below(&r, w->pages);
        int lang = web_host_lang(w, web_host_of(w, k));
        const char *para = w->p->paras[lang].v[rng_below(&r, w->p->paras[lang].n)];
        unsigned kind = (unsigned)rng_below(&r, 100);
        const char *kname;
        buf_reset(&q);
        bool ok;
        if (kind < 30) {
            kname = "word";
            ok = pick_words(para, &r, 1, false, &q) && q.len >= 4;
        } else if (kind < 60) {
            kname = "words";
            ok = pick_words(para, &r, 2 + (unsigned)rng_below(&r, 2), false, &q);
        } else if (kind < 75) {
            kname = "phrase";
            buf_append_char(&q, '"');
            ok = pick_words(para, &r, 2 + (unsigned)rng_below(&r, 2), true, &q);
            buf_append_char(&q, '"');
        } else if (kind < 90) {
            kname = "site";
            web_host_name(w, web_host_of(w, k), host, sizeof host);
            buf_appendf(&q, "site:%s ", host);
            ok = pick_words(web_title(w, k, lang), &r, 1, false, &q);
        } else {
            kname = "title";
            ok = pick_words(web_title(w, k, lang), &r, 2, false, &q);
        }
        if (!ok)
            continue;
        fprintf(f, "%s\t%s\t%s\n", modes[i % 3], kname, q.data);
        i++;
    }
    buf_free(&q);
    return fclose(f) ? -1 : 0;
}

/* ---- main -------------------------------------------------------------------------------- */

static int write_file(const web *w, const char *path, uint64_t from, uint64_t to,
                      uint64_t *text_total, uint64_t *html_total)
{
    warc_writer *ww = NULL;
    buf_t page, http, url;
    buf_init(&page, GEN_MAX_PAGE);
    buf_init(&http, GEN_MAX_PAGE + 256);
    buf_init(&url, 1024);
    int rc = -1;
    if (unlink(path) && errno != ENOENT)
        goto out;
    if (warc_writer_open(path, &ww))
        goto out;
    for (uint64_t k = from; k < to; k++) {
        size_t text = 0;
        web_page(w, k, &page, &url, &text);
        web_url(w, k, &url);
        buf_reset(&http);
        if (buf_appendf(&http,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        "Content-Length: %zu\r\n\r\n",
                        page.len) ||
            buf_append(&http, page.data, page.len))
            goto out;
        warc_record_spec spec = {.type = WARC_RESPONSE,
                                 .target_uri = url.data,
                                 .date = (time_t)1704067200 + (time_t)k,
                                 .ip_address = "127.0.0.1",
                                 .block = http.data,
                                 .block_len = http.len};
        if (warc_writer_write(ww, &spec, NULL, NULL))
            goto out;
        *text_total += text;
        *html_total += page.len;
    }
    rc = 0;
out:
    if (warc_writer_close(ww))
        rc = -1;
    buf_free(&page);
    buf_free(&http);
    buf_free(&url);
    return rc;
}

static int usage(void)
{
    fputs("usage: gen --pages N --out DIR [--seed S] [--hosts H] [--per-file N] [--part I/J]\n"
          "           [--queries FILE] [--nqueries N] [--corpus fr|en:DIR]...\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    long pages = 0, seed = 1, hosts = 1000, per_file = 20000, nqueries = 1000, part = 0, parts = 1;
    const char *out = NULL, *queries = NULL;
    const char *corp_dir[GEN_MAX_CORPORA];
    int corp_lang[GEN_MAX_CORPORA];
    size_t ncorp = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if (strcmp(a, "--pages") == 0 && cli_parse_long(v, 1, 100000000, &pages))
            continue;
        if (strcmp(a, "--seed") == 0 && cli_parse_long(v, 0, 0x7fffffffL, &seed))
            continue;
        if (strcmp(a, "--hosts") == 0 && cli_parse_long(v, 1, 10000000, &hosts))
            continue;
        if (strcmp(a, "--per-file") == 0 && cli_parse_long(v, 1, 100000000, &per_file))
            continue;
        if (strcmp(a, "--nqueries") == 0 && cli_parse_long(v, 1, 1000000, &nqueries))
            continue;
        if (strcmp(a, "--out") == 0) {
            out = v;
            continue;
        }
        if (strcmp(a, "--queries") == 0) {
            queries = v;
            continue;
        }
        if (strcmp(a, "--part") == 0) {
            const char *slash = strchr(v, '/');
            char tmp[32];
            if (!slash || (size_t)(slash - v) >= sizeof tmp)
                return usage();
            snprintf(tmp, sizeof tmp, "%.*s", (int)(slash - v), v);
            if (!cli_parse_long(tmp, 0, 1000, &part) ||
                !cli_parse_long(slash + 1, 1, 1000, &parts) || part >= parts)
                return usage();
            continue;
        }
        if (strcmp(a, "--corpus") == 0 && ncorp < GEN_MAX_CORPORA && strlen(v) > 3 && v[2] == ':' &&
            (strncmp(v, "fr", 2) == 0 || strncmp(v, "en", 2) == 0)) {
            corp_lang[ncorp] = strncmp(v, "fr", 2) == 0 ? LANG_FR : LANG_EN;
            corp_dir[ncorp++] = v + 3;
            continue;
        }
        return usage();
    }
    if (!pages || (!out && !queries))
        return usage();
    if (!ncorp) {
        static const struct {
            int lang;
            const char *dir;
        } def[] = {{LANG_EN, "/usr/share/doc/python3.11/html"},
                   {LANG_FR, "/usr/share/libreoffice/help/fr"},
                   {LANG_FR, "/usr/share/doc/debian-handbook/html/fr-FR"},
                   {LANG_EN, "/usr/share/doc/debian-handbook/html/en-US"}};
        for (size_t i = 0; i < 4; i++) {
            corp_lang[ncorp] = def[i].lang;
            corp_dir[ncorp++] = def[i].dir;
        }
    }
    pools p;
    memset(&p, 0, sizeof p);
    walk_ctx wc = {.p = &p};
    buf_init(&wc.text, 64 * 1024);
    for (size_t i = 0; i < ncorp; i++) {
        wc.lang = corp_lang[i];
        walk_dir(corp_dir[i], &wc, 0);
    }
    buf_free(&wc.text);
    int rc = 1;
    web w = {0};
    for (int l = 0; l < N_LANGS; l++) {
        strvec_uniq(&p.titles[l]);
        strvec_uniq(&p.paras[l]);
        strvec_uniq(&p.anchors[l]);
        if (!p.titles[l].n || !p.paras[l].n || !p.anchors[l].n) {
            fprintf(stderr, "gen: no %s text found in the corpora\n", lang_code[l]);
            goto out;
        }
        fprintf(stderr, "gen: %s: %zu titles, %zu paragraphs, %zu link texts\n", lang_code[l],
                p.titles[l].n, p.paras[l].n, p.anchors[l].n);
    }
    if (web_init(&w, (uint64_t)seed, (uint64_t)pages, (uint32_t)hosts, &p)) {
        fputs("gen: out of memory\n", stderr);
        goto out;
    }
    if (queries && write_queries(&w, queries, (unsigned)nqueries)) {
        fprintf(stderr, "gen: cannot write %s\n", queries);
        goto out;
    }
    uint64_t text = 0, html = 0;
    if (out) {
        if (mkdir(out, 0755) && errno != EEXIST) {
            fprintf(stderr, "gen: cannot create %s\n", out);
            goto out;
        }
        uint64_t nfiles = (w.pages + (uint64_t)per_file - 1) / (uint64_t)per_file;
        for (uint64_t f = (uint64_t)part; f < nfiles; f += (uint64_t)parts) {
            char path[4096];
            snprintf(path, sizeof path, "%s/pages-%05llu.warc.gz", out, (unsigned long long)f);
            uint64_t from = f * (uint64_t)per_file, to = from + (uint64_t)per_file;
            if (to > w.pages)
                to = w.pages;
            if (write_file(&w, path, from, to, &text, &html)) {
                fprintf(stderr, "gen: cannot write %s\n", path);
                goto out;
            }
        }
    }
    printf("pages\t%llu\nhosts\t%u\ntext_bytes\t%llu\nhtml_bytes\t%llu\n",
           (unsigned long long)w.pages, w.hosts, (unsigned long long)text,
           (unsigned long long)html);
    rc = 0;
out:
    free(w.host_start);
    for (int l = 0; l < N_LANGS; l++) {
        strvec_free(&p.titles[l]);
        strvec_free(&p.paras[l]);
        strvec_free(&p.anchors[l]);
    }
    xmlCleanupParser();
    return rc;
}
