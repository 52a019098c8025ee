/* The crawl's link graph, in memory, for one index run: pages and their outgoing links (as
 * 64-bit URL hashes), the anchor text of links per target page (capped), and the static rank:
 * PageRank over the page graph, normalised to [0, 1] on a log scale.
 *
 * Memory: 8-byte keys in an open-addressing table, 4+4 bytes per edge; anchor text at most
 * IDX_ANCHOR_PER_PAGE bytes per target and `anchor_cap` bytes in all (what does not fit is
 * counted, not kept). Not thread-safe while being filled; once idx_linkgraph_compute() has run,
 * the lookups (idx_linkgraph_rank, idx_linkgraph_anchors) may be called from any number of
 * threads at once. */
#ifndef CHOUETTE_LINKGRAPH_H
#define CHOUETTE_LINKGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

#define IDX_ANCHOR_PER_PAGE 2048u                   /* bytes of anchor text kept per target */
#define IDX_ANCHOR_TOTAL (64u * 1024 * 1024)        /* default cap on all anchor text */
#define IDX_LINKGRAPH_MAX_NODES (64u * 1024 * 1024) /* nodes (pages and link targets) */
#define IDX_PAGERANK_DAMPING 0.85
#define IDX_PAGERANK_MAX_ITER 50u

typedef struct idx_linkgraph idx_linkgraph;

/* The 64-bit key of a URL (FNV-1a over its bytes; never 0). */
uint64_t idx_url_hash(const char *url);

/* A new empty graph keeping at most anchor_cap bytes of anchor text (0: IDX_ANCHOR_TOTAL).
 * *out is freed with idx_linkgraph_free(); NULL on failure (CH_ERR_NOMEM). */
ch_status idx_linkgraph_new(size_t anchor_cap, idx_linkgraph **out);
void idx_linkgraph_free(idx_linkgraph *g);

/* Record page `page` with its outgoing links `targets[0..n)` (duplicates and self-links are
 * dropped). A page recorded twice keeps its first links. CH_ERR_LIMIT past
 * IDX_LINKGRAPH_MAX_NODES nodes, CH_ERR_NOMEM. */
ch_status idx_linkgraph_add_page(idx_linkgraph *g, uint64_t page, const uint64_t *targets,
                                 size_t n);

/* Append the anchor text of a link to `target` (an identical text already kept for that target
 * is not repeated). Returns CH_OK, or CH_ERR_LIMIT when a cap dropped it (counted), CH_ERR_NOMEM.
 */
ch_status idx_linkgraph_add_anchor(idx_linkgraph *g, uint64_t target, const char *anchor);

/* Run PageRank (damping IDX_PAGERANK_DAMPING, until the L1 change is < 1e-6 or
 * IDX_PAGERANK_MAX_ITER iterations). After this, the graph must not be changed. */
ch_status idx_linkgraph_compute(idx_linkgraph *g);

/* The normalised rank of a recorded page in [0, 1] (1 = the best page of the graph); *known
 * (may be NULL) says whether the page was recorded. 0 for unknown pages. */
double idx_linkgraph_rank(const idx_linkgraph *g, uint64_t page, bool *known);

/* The anchor texts kept for `page`, newline-separated; "" when none. Owned by the graph. */
const char *idx_linkgraph_anchors(const idx_linkgraph *g, uint64_t page);

/* Counts: pages recorded, nodes (pages + targets), edges, iterations run, anchors dropped. */
typedef struct {
    size_t pages, nodes, edges, iterations, anchors_dropped;
} idx_linkgraph_info;
void idx_linkgraph_get_info(const idx_linkgraph *g, idx_linkgraph_info *out);

#endif
