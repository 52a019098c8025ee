/* The index writer: WARC records -> Xapian documents, following the schema of
 * docs/ARCHITECTURE.md.
 *
 * A run reads its WARC files twice:
 *   pass 1 (links)  every indexable page's outgoing links and their anchor text are collected
 *                   in memory (indexer/linkgraph.h, capped); then the static rank (PageRank)
 *                   of the crawl's link graph is computed;
 *   pass 2 (pages)  each page becomes one document, complete with the anchor text of the links
 *                   pointing at it and its static rank, written once.
 * Pages parsed in pass 1 are kept in memory for pass 2 while they fit in opts.page_cache_bytes
 * (IDX_PAGE_CACHE_BYTES): those are parsed once, the others twice.
 * In both passes `jobs` worker threads (opts.jobs, default one per core) take the WARC records
 * in turn from one shared reader, extract (libxml2), identify the language, classify and build
 * the Xapian document; the calling thread is the single Xapian writer, fed through a bounded
 * window of IDX_QUEUE_DEPTH items. The writer takes the items in the order of the records in
 * the WARC files, whatever the number of workers: the database is the same (same documents,
 * terms and docids) with 1 or N workers. Changes are committed in batches (IDX_BATCH_DOCS documents
 * or IDX_BATCH_BYTES bytes of text), each batch one transaction: a run killed at any point leaves a
 * database that opens with every committed batch, and running the same command again finishes
 * the job without duplicates (documents are replaced through their unique Q term; a document
 * whose version term XV<signature> is already present is skipped as a duplicate).
 *
 * Not thread-safe: one idx_writer per process and database. */
#ifndef CHOUETTE_INDEX_H
#define CHOUETTE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/status.h"

struct flt_classifier; /* filters/classify.h */

/* Value slots (docs/ARCHITECTURE.md). */
enum {
    IDX_SLOT_RANK = 0,   /* static rank, sortable double in [0, 1] */
    IDX_SLOT_DATE = 1,   /* fetch date YYYYMMDDhhmmss */
    IDX_SLOT_HOST = 2,   /* host, per-site collapse key */
    IDX_SLOT_DUPKEY = 3, /* language and content hash, duplicate collapse key */
    IDX_SLOT_TEXT = 4,   /* chouette-index-2 only: the snippet text, now in the data */
    IDX_SLOT_SKETCH = 5, /* near-duplicate sketch of the text (neardup.h), or empty */
    IDX_SLOT_LAST = IDX_SLOT_SKETCH,
};

/* Batches are large on purpose: every commit leaves part-filled blocks in Xapian's tables (keyed by
 * term, so each batch inserts everywhere): 1000-document batches made the demo index 1.6 times as
 * big as one commit did. 10000 is also Xapian's own default flush threshold (what omindex uses). */
#define IDX_BATCH_DOCS 10000u                     /* documents per committed batch */
#define IDX_BATCH_BYTES (64u * 1024 * 1024)       /* bytes of extracted text per committed batch */
#define IDX_MAX_PAYLOAD (8u * 1024 * 1024)        /* bigger HTTP bodies are skipped ("too big") */
#define IDX_DATA_TEXT_MAX (2u * 1024)             /* bytes of text kept for snippets */
#define IDX_PAGE_CACHE_BYTES (128u * 1024 * 1024) /* pages parsed in pass 1 kept for pass 2 */
#define IDX_MAX_JOBS 64u                          /* worker threads at most */
#define IDX_QUEUE_DEPTH 64u                       /* prepared documents waiting for the writer */
#define IDX_META_INDEX_DATE "chouette:index_date" /* metadata: ISO 8601 end of the last run */
#define IDX_META_RANK_INFO "chouette:rank_info"   /* metadata: "nodes=N edges=E iterations=I" */

/* Why records were not indexed (a record counts once, under its first reason). */
typedef struct {
    uint64_t records;         /* response, revisit and resource records read */
    uint64_t indexed;         /* documents written (added or replaced) */
    uint64_t deleted;         /* documents removed: 404/410 or noindex for a URL in the index */
    uint64_t not_html;        /* a type other than text/html or application/xhtml+xml */
    uint64_t not_200;         /* HTTP status other than 200 (404/410 also counted here) */
    uint64_t noindex;         /* meta robots noindex / X-Robots-Tag noindex */
    uint64_t broken;          /* no usable URL, HTTP response not parsed, extraction failed */
    uint64_t duplicate;       /* the same version is already in the index (also revisit records) */
    uint64_t too_big;         /* body over IDX_MAX_PAYLOAD or truncated by the crawler */
    uint64_t files_failed;    /* WARC files that could not be opened or read */
    uint64_t anchors_dropped; /* anchor texts not kept: the in-memory cap was reached */
    uint64_t other_partition; /* records of hosts of other partitions (--partition) */
    double seconds;           /* wall time of the run */
} idx_stats;

typedef struct {
    /* The page classifier whose category terms are stored as XC<term> (docs/FILTERS.md);
     * NULL: no categories. */
    const struct flt_classifier *classifier;
    bool reclassify;         /* rewrite documents whose version is unchanged (lists changed) */
    double lock_wait_s;      /* wait this long for another writer's lock; 0: do not wait */
    size_t batch_docs;       /* 0: IDX_BATCH_DOCS */
    size_t batch_bytes;      /* 0: IDX_BATCH_BYTES */
    size_t jobs;             /* worker threads (parse, classify, build); 0: one per online core;
                                at most IDX_MAX_JOBS */
    size_t page_cache_bytes; /* 0: IDX_PAGE_CACHE_BYTES */
    bool no_page_cache;      /* parse every page in both passes (less memory, slower) */
    /* Index only the pages of partition part_index of part_count (url_host_partition), as
     * `chouette crawl --partition` splits hosts. Links, anchor text and the static rank come
     * from every record given, so shards indexed from the whole crawl rank alike. part_count
     * 0 or 1: everything. */
    unsigned part_index, part_count;
    /* Called from the writer thread about every 100 records (a progress line); may be NULL. */
    void (*progress)(void *ctx, const idx_stats *st, const char *phase);
    void *progress_ctx;
} idx_writer_opts;

typedef struct idx_writer idx_writer;

/* Open (create if needed) the database directory `db_path` for writing. The parent directory
 * must exist (CH_ERR_NOTFOUND otherwise). Another writer holding the lock: waits up to
 * opts->lock_wait_s, then CH_ERR_IO with a message saying so. A damaged database: CH_ERR_PARSE.
 * On failure *out is NULL and *errmsg (if not NULL) a malloc'd message. `opts` is copied
 * (the classifier it points to must outlive the writer). */
ch_status idx_writer_open(const char *db_path, const idx_writer_opts *opts, idx_writer **out,
                          char **errmsg);

/* Index the WARC files `paths` (both passes, see above), committing as it goes. A file that
 * cannot be read is reported through `on_file_error` (may be NULL; the message is valid during
 * the call only) and counted; the run goes on with the others. Only the first pass reports.
 * Returns CH_OK when the database was written to the end (even if some files failed: see
 * stats.files_failed); another status when the database itself failed, with *errmsg set. */
ch_status idx_writer_run(idx_writer *w, const char *const *paths, size_t n,
                         void (*on_file_error)(void *ctx, const char *path, const char *msg),
                         void *ctx, char **errmsg);

/* Counters so far. */
void idx_writer_stats(const idx_writer *w, idx_stats *out);

/* The summary line of an index run, as `chouette index` and `chouette shards add` print it:
 * "chouette COMMAND: N records, N pages indexed, N removed; skipped: ...; S s, R docs/s". */
void idx_stats_print(FILE *out, const char *command, const idx_stats *s);

/* Commit and close (NULL accepted). CH_ERR_IO when the final commit failed. */
ch_status idx_writer_close(idx_writer *w);

/* Fold text the way the index and the queries are folded: common/text.h's text_fold (case and
 * accents) and apostrophes turned into spaces (so "l'école" indexes "l" and "ecole").
 * Appends to out; errors of text_fold. */
ch_status idx_fold(const char *in, size_t len, buf_t *out);

/* The title key of folded text (idx_fold): its words (common/text.h's text_next_word) joined by
 * one space, without a leading section number ("13 4 email" -> "email", "b 5 the user space" ->
 * "the user space"). The indexer adds the term (idx_title_term) of the key of each part of a
 * page's title between separators; a query whose words make one of these keys names the page's
 * title, the strongest sign of a known-item search. Appends to out (nothing when no word is
 * left). */
ch_status idx_title_key(const char *folded, size_t len, buf_t *out);

/* The term of a title key: "XT" and the first 10 base32 characters of its SHA-1 (50 bits: a
 * collision would only lift another page a little, and the text itself would cost index size
 * on every page). */
#define IDX_TITLE_TERM_SIZE 13 /* "XT", 10 characters, NUL */
ch_status idx_title_term(const char *key, size_t len, char out[IDX_TITLE_TERM_SIZE]);

/* A document's data (docs/ARCHITECTURE.md): a JSON object (url, title, lang, site,
 * description), then, when the page has text, a NUL byte and the text kept for snippets as a raw
 * DEFLATE stream (RFC 1951) of at most IDX_DATA_TEXT_MAX bytes of UTF-8. Outside the JSON, so
 * that a result costs neither jansson's decoding of it nor Xapian's zlib (libdeflate inflates it
 * faster); in the data, so that a result is one read (as a value slot it cost a second look-up,
 * a fifth of a search); compressed, so that the index is no bigger than with plain text. JSON
 * never holds a NUL byte (jansson writes it as \u0000). Indexes of chouette-index-2 keep the
 * stream in IDX_SLOT_TEXT, those of chouette-index-1 the plain text as the JSON's "text". */
/* The length of the JSON part of data[0..len). */
size_t idx_data_json_len(const char *data, size_t len);
struct libdeflate_compressor;
struct libdeflate_decompressor;
/* Deflate text[0..len) (len <= IDX_DATA_TEXT_MAX) into *out (malloc'd, *out_len bytes). */
ch_status idx_text_pack(struct libdeflate_compressor *z, const char *text, size_t len, char **out,
                        size_t *out_len);
/* Inflate a stored stream into out (IDX_DATA_TEXT_MAX bytes): the length, or 0 when it is not
 * such a stream or not UTF-8 (the caller then has no text, which is not an error). */
size_t idx_text_unpack(struct libdeflate_decompressor *z, const void *in, size_t len,
                       char out[IDX_DATA_TEXT_MAX]);

#endif
