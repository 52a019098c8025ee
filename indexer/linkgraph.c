/* Link graph and PageRank for one index run. See linkgraph.h. */
#include "indexer/linkgraph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t key;  /* 0: empty slot */
    uint32_t node; /* index into the node arrays */
} lg_slot;

struct idx_linkgraph {
    lg_slot *slots;
    size_t n_slots; /* power of two */
    /* per node */
    uint64_t *keys;
    uint8_t *is_page;
    uint32_t *outdeg;
    char **anchors; /* malloc'd, NUL-terminated, or NULL */
    uint32_t *anchor_len;
    double *rank; /* normalised, after compute */
    size_t n_nodes, cap_nodes;
    /* edges */
    uint32_t *src, *dst;
    size_t n_edges, cap_edges;
    size_t n_pages;
    size_t anchor_bytes, anchor_cap, anchors_dropped;
    size_t iterations;
    bool computed;
};

uint64_t idx_url_hash(const char *url)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return h ? h : 1;
}

ch_status idx_linkgraph_new(size_t anchor_cap, idx_linkgraph **out)
{
    *out = NULL;
    idx_linkgraph *g = calloc(1, sizeof *g);
    if (!g)
        return CH_ERR_NOMEM;
    g->n_slots = 1024;
    g->slots = calloc(g->n_slots, sizeof *g->slots);
    if (!g->slots) {
        free(g);
        return CH_ERR_NOMEM;
    }
    g->anchor_cap = anchor_cap ? anchor_cap : IDX_ANCHOR_TOTAL;
    *out = g;
    return CH_OK;
}

void idx_linkgraph_free(idx_linkgraph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_nodes; i++)
        free(g->anchors[i]);
    free(g->slots);
    free(g->keys);
    free(g->is_page);
    free(g->outdeg);
    free(g->anchors);
    free(g->anchor_len);
    free(g->rank);
    free(g->src);
    free(g->dst);
    free(g);
}

static size_t lg_find_slot(const lg_slot *slots, size_t n_slots, uint64_t key)
{
    size_t mask = n_slots - 1;
    size_t i = (size_t)(key ^ (key >> 29)) & mask;
    while (slots[i].key && slots[i].key != key)
        i = (i + 1) & mask;
    return i;
}

static ch_status lg_grow_table(idx_linkgraph *g)
{
    size_t n = g->n_slots * 2;
    lg_slot *s = calloc(n, sizeof *s);
    if (!s)
        return CH_ERR_NOMEM;
    for (size_t i = 0; i < g->n_slots; i++)
        if (g->slots[i].key)
            s[lg_find_slot(s, n, g->slots[i].key)] = g->slots[i];
    free(g->slots);
    g->slots = s;
    g->n_slots = n;
    return CH_OK;
}

static ch_status lg_grow_nodes(idx_linkgraph *g)
{
    size_t cap = g->cap_nodes ? g->cap_nodes * 2 : 256;
#define LG_GROW(field)                                                                             \
    do {                                                                                           \
        void *p = realloc(g->field, cap * sizeof *g->field);                                       \
        if (!p)                                                                                    \
            return CH_ERR_NOMEM;                                                                   \
        g->field = p;                                                                              \
    } while (0)
    LG_GROW(keys);
    LG_GROW(is_page);
    LG_GROW(outdeg);
    LG_GROW(anchors);
    LG_GROW(anchor_len);
#undef LG_GROW
    g->cap_nodes = cap;
    return CH_OK;
}

/* The node of key, created when absent (create) or UINT32_MAX when absent (lookup). */
static ch_status lg_node(idx_linkgraph *g, uint64_t key, bool create, uint32_t *node)
{
    if (!key)
        key = 1;
    size_t i = lg_find_slot(g->slots, g->n_slots, key);
    if (g->slots[i].key) {
        *node = g->slots[i].node;
        return CH_OK;
    }
    *node = UINT32_MAX;
    if (!create)
        return CH_OK;
    if (g->n_nodes >= IDX_LINKGRAPH_MAX_NODES)
        return CH_ERR_LIMIT;
    if ((g->n_nodes + 1) * 2 > g->n_slots) {
        ch_status st = lg_grow_table(g);
        if (st)
            return st;
        i = lg_find_slot(g->slots, g->n_slots, key);
    }
    if (g->n_nodes == g->cap_nodes) {
        ch_status st = lg_grow_nodes(g);
        if (st)
            return st;
    }
    uint32_t n = (uint32_t)g->n_nodes++;
    g->keys[n] = key;
    g->is_page[n] = 0;
    g->outdeg[n] = 0;
    g->anchors[n] = NULL;
    g->anchor_len[n] = 0;
    g->slots[i].key = key;
    g->slots[i].node = n;
    *node = n;
    return CH_OK;
}

static uint32_t lg_lookup(const idx_linkgraph *g, uint64_t key)
{
    if (!key)
        key = 1;
    size_t i = lg_find_slot(g->slots, g->n_slots, key);
    return g->slots[i].key ? g->slots[i].node : UINT32_MAX;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

ch_status idx_linkgraph_add_page(idx_linkgraph *g, uint64_t page, const uint64_t *targets, size_t n)
{
    if (!g || g->computed || (n && !targets))
        return CH_ERR_ARG;
    uint32_t pn;
    ch_status st = lg_node(g, page, true, &pn);
    if (st)
        return st;
    if (g->is_page[pn])
        return CH_OK;
    g->is_page[pn] = 1;
    g->n_pages++;
    if (!n)
        return CH_OK;
    uint64_t *t = malloc(n * sizeof *t);
    if (!t)
        return CH_ERR_NOMEM;
    memcpy(t, targets, n * sizeof *t);
    qsort(t, n, sizeof *t, cmp_u64);
    for (size_t i = 0; i < n; i++) {
        if ((i > 0 && t[i] == t[i - 1]) || t[i] == page)
            continue;
        uint32_t tn;
        st = lg_node(g, t[i], true, &tn);
        if (st)
            goto out;
        if (g->n_edges == g->cap_edges) {
            size_t cap = g->cap_edges ? g->cap_edges * 2 : 1024;
            uint32_t *s = realloc(g->src, cap * sizeof *s);
            if (!s) {
                st = CH_ERR_NOMEM;
                goto out;
            }
            g->src = s;
            uint32_t *d = realloc(g->dst, cap * sizeof *d);
            if (!d) {
                st = CH_ERR_NOMEM;
                goto out;
            }
            g->dst = d;
            g->cap_edges = cap;
        }
        g->src[g->n_edges] = pn;
        g->dst[g->n_edges] = tn;
        g->n_edges++;
        g->outdeg[pn]++;
    }
out:
    free(t);
    return st;
}

ch_status idx_linkgraph_add_anchor(idx_linkgraph *g, uint64_t target, const char *anchor)
{
    if (!g || g->computed || !anchor)
        return CH_ERR_ARG;
    size_t len = strlen(anchor);
    if (!len)
        return CH_OK;
    uint32_t tn;
    ch_status st = lg_node(g, target, true, &tn);
    if (st)
        return st;
    size_t have = g->anchor_len[tn];
    if (have + len + 1 > IDX_ANCHOR_PER_PAGE || g->anchor_bytes + len + 1 > g->anchor_cap) {
        g->anchors_dropped++;
        return CH_ERR_LIMIT;
    }
    if (have) { /* already kept? compare whole lines */
        const char *p = g->anchors[tn];
        while (p) {
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            if (l == len && memcmp(p, anchor, len) == 0)
                return CH_OK;
            p = nl ? nl + 1 : NULL;
        }
    }
    char *a = realloc(g->anchors[tn], have + len + 2);
    if (!a)
        return CH_ERR_NOMEM;
    if (have)
        a[have++] = '\n';
    memcpy(a + have, anchor, len);
    a[have + len] = '\0';
    g->anchors[tn] = a;
    g->anchor_len[tn] = (uint32_t)(have + len);
    g->anchor_bytes += len + 1;
    return CH_OK;
}

ch_status idx_linkgraph_compute(idx_linkgraph *g)
{
    if (!g)
        return CH_ERR_ARG;
    size_t n = g->n_nodes;
    g->computed = true;
    if (!n)
        return CH_OK;
    double *pr = malloc(n * sizeof *pr), *next = malloc(n * sizeof *next);
    if (!pr || !next) {
        free(pr);
        free(next);
        return CH_ERR_NOMEM;
    }
    const double d = IDX_PAGERANK_DAMPING;
    for (size_t i = 0; i < n; i++)
        pr[i] = 1.0 / (double)n;
    for (g->iterations = 0; g->iterations < IDX_PAGERANK_MAX_ITER;) {
        double dangling = 0;
        for (size_t i = 0; i < n; i++)
            if (!g->outdeg[i])
                dangling += pr[i];
        double base = (1.0 - d) / (double)n + d * dangling / (double)n;
        for (size_t i = 0; i < n; i++)
            next[i] = base;
        for (size_t e = 0; e < g->n_edges; e++)
            next[g->dst[e]] += d * pr[g->src[e]] / (double)g->outdeg[g->src[e]];
        double delta = 0;
        for (size_t i = 0; i < n; i++)
            delta += fabs(next[i] - pr[i]);
        double *t = pr;
        pr = next;
        next = t;
        g->iterations++;
        if (delta < 1e-6)
            break;
    }
    /* Normalise the pages' ranks on a log scale to [0, 1]. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!g->is_page[i])
            continue;
        double l = log(pr[i]);
        if (l < lo)
            lo = l;
        if (l > hi)
            hi = l;
    }
    for (size_t i = 0; i < n; i++) {
        if (!g->is_page[i])
            next[i] = 0;
        else if (hi - lo < 1e-12)
            next[i] = 0.5;
        else
            next[i] = (log(pr[i]) - lo) / (hi - lo);
    }
    free(pr);
    g->rank = next;
    return CH_OK;
}

double idx_linkgraph_rank(const idx_linkgraph *g, uint64_t page, bool *known)
{
    if (known)
        *known = false;
    if (!g)
        return 0;
    uint32_t n = lg_lookup(g, page);
    if (n == UINT32_MAX || !g->is_page[n])
        return 0;
    if (known)
        *known = true;
    return g->rank ? g->rank[n] : 0;
}

const char *idx_linkgraph_anchors(const idx_linkgraph *g, uint64_t page)
{
    if (!g)
        return "";
    uint32_t n = lg_lookup(g, page);
    if (n == UINT32_MAX || !g->anchors[n])
        return "";
    return g->anchors[n];
}

void idx_linkgraph_get_info(const idx_linkgraph *g, idx_linkgraph_info *out)
{
    memset(out, 0, sizeof *out);
    if (!g)
        return;
    out->pages = g->n_pages;
    out->nodes = g->n_nodes;
    out->edges = g->n_edges;
    out->iterations = g->iterations;
    out->anchors_dropped = g->anchors_dropped;
}
