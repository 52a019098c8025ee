/* xap: a thin C wrapper over Xapian 1.4, in the manner of notmuch. The only C++ in the tree is
 * behind this header; no C++ type is visible here.
 *
 * Conventions shared by every function:
 * - Every fallible call returns an xap_status (XAP_OK = 0). Results come back through
 *   out-parameters, which are set to NULL (or 0) on failure.
 * - Every handle keeps the message of its last failed call: xap_<handle>_last_error(). The message
 *   is "" after a call that succeeded, and stays valid until the next call on that handle. Opening
 *   functions, which have no handle yet, can hand back a malloc'd message through `errmsg`.
 * - Strings and byte strings handed to the caller are malloc'd and NUL-terminated (byte strings
 *   may contain NUL bytes; their length is returned separately); the caller frees them with free().
 * - XAP_ERR_DB_MODIFIED means "the database changed under a reader": call xap_db_reopen() and
 *   retry the operation. It is not a hard failure.
 * - A handle is used by one thread at a time. Handles copy what they are given (queries, documents
 *   share Xapian's reference-counted internals), so a handle may be freed after it was passed in.
 * - Nothing is printed from inside the wrapper. */
#ifndef CHOUETTE_XAP_H
#define CHOUETTE_XAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XAP_API __attribute__((visibility("default")))

typedef enum {
    XAP_OK = 0,
    XAP_ERR_DB_MODIFIED, /* the database was modified under a reader: reopen and retry */
    XAP_ERR_LOCKED,      /* another writer holds the database lock */
    XAP_ERR_NOT_FOUND,   /* no such database, or no such document */
    XAP_ERR_CORRUPT,     /* the database is damaged */
    XAP_ERR_QUERY,       /* the query string could not be parsed */
    XAP_ERR_NETWORK,     /* a remote shard could not be reached or failed */
    XAP_ERR_NOMEM,       /* an allocation failed */
    XAP_ERR_ARG,         /* invalid argument (NULL handle, bad index, unknown enum ...) */
    XAP_ERR_OTHER,       /* any other Xapian or C++ failure; see the handle's last error */
} xap_status;

typedef unsigned int xap_docid; /* Xapian::docid; 0 is never a valid document */
typedef unsigned int xap_slot;  /* Xapian::valueno */

typedef struct xap_db xap_db;           /* read-only database (local, stub, remote, several) */
typedef struct xap_wdb xap_wdb;         /* writable database */
typedef struct xap_doc xap_doc;         /* a document being built or read back */
typedef struct xap_termgen xap_termgen; /* Xapian::TermGenerator */
typedef struct xap_qparser xap_qparser; /* Xapian::QueryParser */
typedef struct xap_query xap_query;     /* an immutable query */
typedef struct xap_enquire xap_enquire; /* a search session over one database */
typedef struct xap_mset xap_mset;       /* one page of results */

/* A short English description of a status. Never NULL, static storage. */
XAP_API const char *xap_status_str(xap_status st);

/* Whether `lang` names a Xapian stemmer ("french", "fr", "english", "en" ...). *known is 1 or 0.
 * Languages that are unknown, NULL or "" mean "no stemming" everywhere a language is taken. */
XAP_API xap_status xap_stem_language_known(const char *lang, int *known);

/* ---- read-only databases ------------------------------------------------------------------ */

/* Open a database read-only. `path` is a database directory or a stub database file whose lines
 * name several local databases ("auto /path") or remote shards ("remote HOST:PORT"), searched
 * as one. *out is a new handle, closed with xap_db_close(), or NULL on failure, in which case
 * *errmsg (if errmsg is not NULL) receives a malloc'd message (or NULL when even that failed).
 * XAP_ERR_NOT_FOUND when the path does not exist. */
XAP_API xap_status xap_db_open(const char *path, xap_db **out, char **errmsg);

/* Open `n` (>= 1) databases (directories or stub files) read-only, searched as one. Same rules as
 * xap_db_open(). */
XAP_API xap_status xap_db_open_many(const char *const *paths, size_t n, xap_db **out,
                                    char **errmsg);

/* Open one database served by xapian-tcpsrv at host:port, read-only. `timeout_ms` bounds each
 * operation on it afterwards and `connect_timeout_ms` the connection (0 means no limit; Xapian's
 * defaults, used for "remote" lines of a stub, are 10000 each). A server that is down or does not
 * answer in time gives XAP_ERR_NETWORK. Same rules as xap_db_open() otherwise. */
XAP_API xap_status xap_db_open_remote(const char *host, unsigned port, unsigned timeout_ms,
                                      unsigned connect_timeout_ms, xap_db **out, char **errmsg);

/* Add the databases of `other` to `db`, to be searched as one (Xapian::Database::add_database):
 * documents are interleaved in the order the databases were added, as with the lines of a stub.
 * `other` stays owned by the caller (it may be closed afterwards). */
XAP_API xap_status xap_db_add_database(xap_db *db, const xap_db *other);

/* Bring the handle up to the latest committed revision. *changed is 1 if it moved, 0 if not. */
XAP_API xap_status xap_db_reopen(xap_db *db, int *changed);

/* Free the handle (NULL is accepted). The files are closed once no search session
 * (xap_enquire, xap_mset) made from it is left either. */
XAP_API void xap_db_close(xap_db *db);

/* The message of the last failed call on `db`, "" if it succeeded. Valid until the next call. */
XAP_API const char *xap_db_last_error(const xap_db *db);

XAP_API xap_status xap_db_doc_count(xap_db *db, unsigned long *out);
XAP_API xap_status xap_db_last_docid(xap_db *db, xap_docid *out);
XAP_API xap_status xap_db_avg_length(xap_db *db, double *out);
XAP_API xap_status xap_db_has_positions(xap_db *db, int *out);
/* Number of documents indexed by `term` (0 when absent). */
XAP_API xap_status xap_db_term_freq(xap_db *db, const char *term, unsigned long *out);

/* The metadata value under `key`: malloc'd, *len bytes (+ NUL). An absent key gives "" and 0. */
XAP_API xap_status xap_db_get_metadata(xap_db *db, const char *key, char **value, size_t *len);

/* The best spelling correction for `word` from the spelling data (xap_wdb_add_spelling()):
 * malloc'd, "" when there is none. */
XAP_API xap_status xap_db_spelling_suggestion(xap_db *db, const char *word, char **out);

/* Called by xap_db_spellings() for each word: `word` (NUL-terminated UTF-8, valid during the
 * call only) and its frequency. Return 0 to go on, anything else to stop the walk. */
typedef int (*xap_spelling_fn)(const char *word, unsigned freq, void *ctx);

/* Walk the spelling dictionary of `db` (the words given to xap_wdb_add_spelling() or fed by a
 * term generator), in byte order of the words, calling fn(word, freq, ctx) for each. When `db`
 * is several databases (a stub, xap_db_add_database()), a word listed by several is seen once,
 * with their frequencies summed; a remote database has no spelling data and adds nothing. A
 * word holding a NUL byte is skipped (it is not a C string). *n_words (may be NULL) gets how many
 * words fn was called with. XAP_OK when the walk went to the end or fn stopped it (the caller knows
 * which: its callback asked); XAP_ERR_ARG for a NULL db or fn; a Xapian failure as usual
 * (XAP_ERR_DB_MODIFIED: reopen and walk again). */
XAP_API xap_status xap_db_spellings(xap_db *db, xap_spelling_fn fn, void *ctx, size_t *n_words);

/* The stored document `id`, a new handle freed with xap_doc_free(). XAP_ERR_NOT_FOUND if none. */
XAP_API xap_status xap_db_get_document(xap_db *db, xap_docid id, xap_doc **out);

/* ---- writable databases ------------------------------------------------------------------- */

typedef enum {
    XAP_WDB_CREATE_OR_OPEN,      /* open, creating it if absent */
    XAP_WDB_OPEN,                /* open an existing database; XAP_ERR_NOT_FOUND if absent */
    XAP_WDB_CREATE_OR_OVERWRITE, /* start from an empty database */
} xap_wdb_mode;

/* Open a database directory for writing. At most one writer at a time: XAP_ERR_LOCKED when
 * another holds it. *out is closed with xap_wdb_close(); errmsg as for xap_db_open(). */
XAP_API xap_status xap_wdb_open(const char *path, xap_wdb_mode mode, xap_wdb **out, char **errmsg);

/* Commit pending changes (unless a transaction is open, which is cancelled), release the lock and
 * free the handle, whatever the status (NULL is accepted and gives XAP_OK). */
XAP_API xap_status xap_wdb_close(xap_wdb *wdb);

XAP_API const char *xap_wdb_last_error(const xap_wdb *wdb);

/* Make pending changes durable and visible to readers (after they reopen). */
XAP_API xap_status xap_wdb_commit(xap_wdb *wdb);

/* Transactions: changes between begin and commit are applied all at once or not at all (cancel
 * discards them). `flushed` = 1 commits at commit_transaction. */
XAP_API xap_status xap_wdb_begin_transaction(xap_wdb *wdb, int flushed);
XAP_API xap_status xap_wdb_commit_transaction(xap_wdb *wdb);
XAP_API xap_status xap_wdb_cancel_transaction(xap_wdb *wdb);

/* Add `doc` as a new document; *id (may be NULL) receives its docid. */
XAP_API xap_status xap_wdb_add_document(xap_wdb *wdb, const xap_doc *doc, xap_docid *id);

/* Replace every document indexed by `unique_term` with `doc` (add it if there is none). The doc
 * should itself carry unique_term. *id (may be NULL) receives the docid used. */
XAP_API xap_status xap_wdb_replace_document_by_term(xap_wdb *wdb, const char *unique_term,
                                                    const xap_doc *doc, xap_docid *id);

/* Delete every document indexed by `unique_term` (none is not an error). */
XAP_API xap_status xap_wdb_delete_document_by_term(xap_wdb *wdb, const char *unique_term);

/* Add `word` to the spelling dictionary, `freq_inc` times. */
XAP_API xap_status xap_wdb_add_spelling(xap_wdb *wdb, const char *word, unsigned freq_inc);

/* Set metadata `key` to `len` bytes (len 0 removes the key). */
XAP_API xap_status xap_wdb_set_metadata(xap_wdb *wdb, const char *key, const void *value,
                                        size_t len);

/* A read-only handle on the writer's database, seeing its uncommitted changes: for counts,
 * metadata, documents and searches while indexing. Closed with xap_db_close(), before or after
 * the writer; once the writer is closed, calls that read the files fail with XAP_ERR_OTHER. */
XAP_API xap_status xap_wdb_reader(xap_wdb *wdb, xap_db **out);

/* ---- documents ---------------------------------------------------------------------------- */

/* A new empty document, freed with xap_doc_free(). */
XAP_API xap_status xap_doc_new(xap_doc **out);
XAP_API void xap_doc_free(xap_doc *doc);
XAP_API const char *xap_doc_last_error(const xap_doc *doc);

/* Index `term` with the within-document frequency increased by wdf_inc (no position). */
XAP_API xap_status xap_doc_add_term(xap_doc *doc, const char *term, unsigned wdf_inc);
/* Index `term` at position `pos` (for phrase search). */
XAP_API xap_status xap_doc_add_posting(xap_doc *doc, const char *term, unsigned pos,
                                       unsigned wdf_inc);
/* A boolean term (wdf 0, no effect on weight): site, language, category, unique id. */
XAP_API xap_status xap_doc_add_boolean_term(xap_doc *doc, const char *term);

XAP_API xap_status xap_doc_set_value(xap_doc *doc, xap_slot slot, const void *bytes, size_t len);
/* Store `v` in `slot` with Xapian::sortable_serialise (sorts as a number; read by a value
 * posting source and by xap_doc_get_value_double()). */
XAP_API xap_status xap_doc_set_value_double(xap_doc *doc, xap_slot slot, double v);
XAP_API xap_status xap_doc_set_data(xap_doc *doc, const void *bytes, size_t len);

/* The document's data, malloc'd, *len bytes (+ NUL). */
XAP_API xap_status xap_doc_get_data(xap_doc *doc, char **out, size_t *len);
/* The value in `slot`, malloc'd ("" and 0 when unset). */
XAP_API xap_status xap_doc_get_value(xap_doc *doc, xap_slot slot, char **out, size_t *len);
/* The value in `slot` unserialised as a double; XAP_ERR_NOT_FOUND when unset. */
XAP_API xap_status xap_doc_get_value_double(xap_doc *doc, xap_slot slot, double *out);
/* The document's terms in sorted order: *terms is a malloc'd array of *n malloc'd strings,
 * freed with xap_strv_free(). */
XAP_API xap_status xap_doc_get_terms(xap_doc *doc, char ***terms, size_t *n);
XAP_API void xap_strv_free(char **v, size_t n);

/* ---- term generator ----------------------------------------------------------------------- */

typedef enum {
    XAP_STEM_NONE,  /* no stemming */
    XAP_STEM_SOME,  /* stemmed terms with a Z prefix as well as unstemmed ones (default) */
    XAP_STEM_ALL,   /* stem every term, no Z prefix */
    XAP_STEM_ALL_Z, /* stem every term, with the Z prefix */
    XAP_STEM_SOME_FULL_POS,
} xap_stem_strategy;

/* A new term generator, freed with xap_termgen_free(). */
XAP_API xap_status xap_termgen_new(xap_termgen **out);
XAP_API void xap_termgen_free(xap_termgen *tg);
XAP_API const char *xap_termgen_last_error(const xap_termgen *tg);

/* The stemmer by language name ("french", "en" ...); unknown, NULL or "" means none. */
XAP_API xap_status xap_termgen_set_stemmer(xap_termgen *tg, const char *lang);
XAP_API xap_status xap_termgen_set_stem_strategy(xap_termgen *tg, xap_stem_strategy s);
/* The document that following index_text calls add terms to (shared, not copied: `doc` sees
 * them). Term positions restart at 0. */
XAP_API xap_status xap_termgen_set_document(xap_termgen *tg, xap_doc *doc);
/* Also feed the words indexed to `wdb`'s spelling dictionary (NULL turns that off). */
XAP_API xap_status xap_termgen_set_spelling_db(xap_termgen *tg, xap_wdb *wdb);
/* Index `len` bytes of UTF-8 text with positions; each word's wdf grows by wdf_inc; terms get
 * `prefix` (NULL or "" for none). */
XAP_API xap_status xap_termgen_index_text(xap_termgen *tg, const char *text, size_t len,
                                          unsigned wdf_inc, const char *prefix);
/* The same without positions (no phrase search on this text). */
XAP_API xap_status xap_termgen_index_text_without_positions(xap_termgen *tg, const char *text,
                                                            size_t len, unsigned wdf_inc,
                                                            const char *prefix);
/* Skip `delta` positions, so that phrases do not match across two fields. */
XAP_API xap_status xap_termgen_increase_termpos(xap_termgen *tg, unsigned delta);

/* ---- query parser ------------------------------------------------------------------------- */

enum {
    XAP_QP_BOOLEAN = 1 << 0,          /* AND, OR, NOT, brackets */
    XAP_QP_PHRASE = 1 << 1,           /* "quoted phrases" */
    XAP_QP_LOVEHATE = 1 << 2,         /* +word -word */
    XAP_QP_SPELLING = 1 << 3,         /* compute a corrected query (needs a database) */
    XAP_QP_WILDCARD = 1 << 4,         /* word* (needs a database) */
    XAP_QP_BOOLEAN_ANY_CASE = 1 << 5, /* and/or/not in lower case too */
    XAP_QP_PURE_NOT = 1 << 6,         /* a query of only NOT terms */
    XAP_QP_DEFAULT = XAP_QP_BOOLEAN | XAP_QP_PHRASE | XAP_QP_LOVEHATE,
};

typedef enum { XAP_QP_OP_AND, XAP_QP_OP_OR } xap_qp_default_op;

/* A new query parser, freed with xap_qparser_free(). */
XAP_API xap_status xap_qparser_new(xap_qparser **out);
XAP_API void xap_qparser_free(xap_qparser *qp);
XAP_API const char *xap_qparser_last_error(const xap_qparser *qp);

XAP_API xap_status xap_qparser_set_stemmer(xap_qparser *qp, const char *lang);
XAP_API xap_status xap_qparser_set_stem_strategy(xap_qparser *qp, xap_stem_strategy s);
XAP_API xap_status xap_qparser_set_default_op(xap_qparser *qp, xap_qp_default_op op);
/* "field:words" searches terms with `prefix` (free text, stemmed). */
XAP_API xap_status xap_qparser_add_prefix(xap_qparser *qp, const char *field, const char *prefix);
/* "field:value" becomes a filter on the boolean term prefix+value. With `exclusive` several values
 * of the same field are ORed, otherwise ANDed. */
XAP_API xap_status xap_qparser_add_boolean_prefix(xap_qparser *qp, const char *field,
                                                  const char *prefix, int exclusive);
/* The database used for spelling correction and wildcards (NULL to forget it). */
XAP_API xap_status xap_qparser_set_database(xap_qparser *qp, xap_db *db);
/* Parse `text` with XAP_QP_* `flags`; *out is a new query freed with xap_query_free().
 * XAP_ERR_QUERY when the text cannot be parsed (the message is on `qp`). */
XAP_API xap_status xap_qparser_parse(xap_qparser *qp, const char *text, unsigned flags,
                                     xap_query **out);
/* After a parse with XAP_QP_SPELLING: the corrected query string, malloc'd, "" if none. */
XAP_API xap_status xap_qparser_corrected_query(xap_qparser *qp, char **out);

/* ---- queries ------------------------------------------------------------------------------ */

typedef enum {
    XAP_Q_AND,       /* both match; weights add */
    XAP_Q_OR,        /* either matches */
    XAP_Q_AND_NOT,   /* left matches and right does not */
    XAP_Q_FILTER,    /* left matches and right matches; only left weighs */
    XAP_Q_AND_MAYBE, /* left matches; right adds weight where it matches too */
} xap_query_op;

/* Queries are immutable. Each constructor returns a new handle freed with xap_query_free(); the
 * operands stay owned by the caller. Failures are XAP_ERR_ARG or XAP_ERR_NOMEM. */
XAP_API void xap_query_free(xap_query *q);
/* A single term, with query frequency wqf (1 is usual). */
XAP_API xap_status xap_query_term(const char *term, unsigned wqf, xap_query **out);
/* A query matching every document (weight 0). */
XAP_API xap_status xap_query_match_all(xap_query **out);
/* `n` terms joined by `op` (XAP_Q_OR or XAP_Q_AND); meant for boolean terms like categories. */
XAP_API xap_status xap_query_terms(xap_query_op op, const char *const *terms, size_t n,
                                   xap_query **out);
XAP_API xap_status xap_query_combine(xap_query_op op, const xap_query *a, const xap_query *b,
                                     xap_query **out);
/* `q` with its weights multiplied by factor (>= 0). */
XAP_API xap_status xap_query_scale_weight(const xap_query *q, double factor, xap_query **out);
/* A query whose weight for each document is the double stored in `slot` with
 * xap_doc_set_value_double (Xapian::ValueWeightPostingSource); documents without the value do
 * not match, so combine it with XAP_Q_AND_MAYBE (e.g. a static rank). */
XAP_API xap_status xap_query_value_weight(xap_slot slot, xap_query **out);
/* A description for tests and debugging, malloc'd. */
XAP_API xap_status xap_query_describe(const xap_query *q, char **out);

/* ---- searching ---------------------------------------------------------------------------- */

typedef enum { XAP_DOCID_ASCENDING, XAP_DOCID_DESCENDING, XAP_DOCID_DONT_CARE } xap_docid_order;

/* A search session over `db` (which may be closed afterwards: the session keeps it alive). Freed
 * with xap_enquire_free(). */
XAP_API xap_status xap_enquire_new(xap_db *db, xap_enquire **out);
XAP_API void xap_enquire_free(xap_enquire *enq);
XAP_API const char *xap_enquire_last_error(const xap_enquire *enq);

XAP_API xap_status xap_enquire_set_query(xap_enquire *enq, const xap_query *q);
/* BM25 weighting with its parameters (Xapian's defaults: 1, 0, 1, 0.5, 0.5). */
XAP_API xap_status xap_enquire_set_bm25(xap_enquire *enq, double k1, double k2, double k3, double b,
                                        double min_normlen);
/* Keep at most `max` results per distinct value in `slot` (e.g. per site). */
XAP_API xap_status xap_enquire_set_collapse_key(xap_enquire *enq, xap_slot slot, unsigned max);
/* How documents of equal weight are ordered. */
XAP_API xap_status xap_enquire_set_docid_order(xap_enquire *enq, xap_docid_order order);
/* Stop the match after about `seconds` (0 = no limit); results may then be less exact. */
XAP_API xap_status xap_enquire_set_time_limit(xap_enquire *enq, double seconds);
/* Run the query: results first .. first+maxitems-1, counting at least check_at_least matches for
 * the estimate. *out is freed with xap_mset_free(). */
XAP_API xap_status xap_enquire_get_mset(xap_enquire *enq, unsigned first, unsigned maxitems,
                                        unsigned check_at_least, xap_mset **out);

typedef struct {
    xap_docid docid;
    unsigned rank; /* 0-based over the whole result list */
    double weight;
    int percent;
    unsigned collapse_count; /* how many documents were collapsed into this one */
} xap_mset_item;

XAP_API void xap_mset_free(xap_mset *m);
XAP_API const char *xap_mset_last_error(const xap_mset *m);
/* Number of items in this page (0 for a NULL handle). */
XAP_API size_t xap_mset_size(const xap_mset *m);
/* Estimated total number of matches. */
XAP_API xap_status xap_mset_matches_estimated(xap_mset *m, unsigned long *out);
/* Item `i` (0 <= i < size): XAP_ERR_ARG out of range. */
XAP_API xap_status xap_mset_get_item(xap_mset *m, size_t i, xap_mset_item *out);
/* Item i's document data / value in `slot`, malloc'd, *len bytes (+ NUL). */
XAP_API xap_status xap_mset_item_data(xap_mset *m, size_t i, char **out, size_t *len);
XAP_API xap_status xap_mset_item_value(xap_mset *m, size_t i, xap_slot slot, char **out,
                                       size_t *len);
/* The values in slots[0..nslots) of all n = xap_mset_size(m) items, each slot read in one pass
 * over its value stream in document order, which costs far less than a look-up per item:
 * out[s * n + i] (malloc'd, lens[s * n + i] bytes + NUL; "" when unset) is slot s of item i. On
 * a remote shard (no value streams) each item's document is fetched once for all the slots. On
 * failure no out[k] is left allocated. */
XAP_API xap_status xap_mset_values(xap_mset *m, const xap_slot *slots, size_t nslots, char **out,
                                   size_t *lens);
/* Item i's document as a new handle freed with xap_doc_free(). */
XAP_API xap_status xap_mset_item_document(xap_mset *m, size_t i, xap_doc **out);

enum {
    XAP_SNIPPET_BACKGROUND_MODEL = 1 << 0,
    XAP_SNIPPET_EXHAUSTIVE = 1 << 1,
    XAP_SNIPPET_EMPTY_WITHOUT_MATCH = 1 << 2,
};

/* A snippet of `len` bytes of `text` around the query's words (about `length` bytes), HTML
 * escaped, matches wrapped in hi_start/hi_end, `omit` where text was cut; `lang` the stemmer
 * the query was parsed with. NULL hi_start, hi_end, omit mean Xapian's "<b>", "</b>", "...".
 * (Xapian 1.4 detects a match by the highlight it wrote: with both markers "",
 * XAP_SNIPPET_EMPTY_WITHOUT_MATCH never gives "".) Malloc'd. */
XAP_API xap_status xap_mset_snippet(xap_mset *m, const char *text, size_t len, size_t length,
                                    const char *lang, unsigned flags, const char *hi_start,
                                    const char *hi_end, const char *omit, char **out);

#ifdef __cplusplus
}
#endif

#endif
