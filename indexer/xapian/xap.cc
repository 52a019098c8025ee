/* xap: the C wrapper over Xapian 1.4 (see xap.h). The only C++ in the tree.
 *
 * Every exported function is an exception firewall: its body runs inside guard(), which turns a
 * Xapian::Error into an xap_status (and stores the description on the handle), std::bad_alloc into
 * XAP_ERR_NOMEM, and anything else into XAP_ERR_OTHER. No exception ever crosses into C. */
#include "indexer/xapian/xap.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace
{

constexpr size_t ERR_MAX = 512; /* longest message kept on a handle; longer ones are cut */

} // namespace

struct xap_db {
    Xapian::Database db;
    bool remote = false; /* a shard is remote (xap_db_open_remote): see xap_mset_values */
    char err[ERR_MAX] = {0};
};

struct xap_wdb {
    Xapian::WritableDatabase db;
    char err[ERR_MAX] = {0};
};

struct xap_doc {
    Xapian::Document doc;
    char err[ERR_MAX] = {0};
};

struct xap_termgen {
    Xapian::TermGenerator tg;
    char err[ERR_MAX] = {0};
};

struct xap_qparser {
    Xapian::QueryParser qp;
    char err[ERR_MAX] = {0};
};

struct xap_query {
    Xapian::Query q;
};

struct xap_enquire {
    explicit xap_enquire(const Xapian::Database &database, bool has_remote)
        : db(database), remote(has_remote), enq(database)
    {
    }
    Xapian::Database db; /* for the result sets' value streams */
    bool remote;
    Xapian::Enquire enq;
    char err[ERR_MAX] = {0};
};

struct xap_mset {
    Xapian::Database db;
    bool remote = false;
    Xapian::MSet mset;
    char err[ERR_MAX] = {0};
};

namespace
{

void set_err(char *err, const char *msg)
{
    if (err)
        snprintf(err, ERR_MAX, "%s", msg);
}

/* The status for the Xapian::Error being handled; call only from inside a catch block. Xapian's
 * exception classes are not polymorphic, so the type is found by rethrowing. */
xap_status classify_current()
{
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &) {
        return XAP_ERR_DB_MODIFIED;
    } catch (const Xapian::DatabaseLockError &) {
        return XAP_ERR_LOCKED;
    } catch (const Xapian::DocNotFoundError &) {
        return XAP_ERR_NOT_FOUND;
    } catch (const Xapian::DatabaseNotFoundError &) {
        return XAP_ERR_NOT_FOUND;
    } catch (const Xapian::DatabaseCorruptError &) {
        return XAP_ERR_CORRUPT;
    } catch (const Xapian::QueryParserError &) {
        return XAP_ERR_QUERY;
    } catch (const Xapian::NetworkError &) {
        return XAP_ERR_NETWORK;
    } catch (const Xapian::InvalidArgumentError &) {
        return XAP_ERR_ARG;
    } catch (const Xapian::DatabaseOpeningError &e) {
        /* A missing file can surface as a plain opening error carrying errno ENOENT. */
        const char *es = e.get_error_string();
        char buf[128];
        const char *enoent = strerror_r(ENOENT, buf, sizeof buf);
        if (es && enoent && strcmp(es, enoent) == 0)
            return XAP_ERR_NOT_FOUND;
        return XAP_ERR_OTHER;
    } catch (...) {
        return XAP_ERR_OTHER;
    }
}

/* Run fn() with every exception caught. `err` (may be NULL) is cleared first and receives the
 * message of a failure. */
template <typename F> xap_status guard(char *err, F &&fn) noexcept
{
    if (err)
        err[0] = '\0';
    try {
        return fn();
    } catch (const Xapian::Error &e) {
        xap_status st = classify_current();
        if (err) {
            try {
                set_err(err, e.get_description().c_str());
            } catch (...) {
                set_err(err, e.get_msg().c_str());
            }
        }
        return st;
    } catch (const std::bad_alloc &) {
        set_err(err, "out of memory");
        return XAP_ERR_NOMEM;
    } catch (const std::exception &e) {
        set_err(err, e.what());
        return XAP_ERR_OTHER;
    } catch (...) {
        set_err(err, "unknown C++ exception");
        return XAP_ERR_OTHER;
    }
}

xap_status bad_arg(char *err, const char *what)
{
    set_err(err, what);
    return XAP_ERR_ARG;
}

/* A malloc'd NUL-terminated copy of s; throws std::bad_alloc (caught by guard) on failure. */
char *dup_bytes(const std::string &s, size_t *len)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    if (len)
        *len = s.size();
    return p;
}

/* The stemmer for `lang`; unknown, NULL or "" gives no stemming. */
Xapian::Stem make_stem(const char *lang)
{
    if (!lang || !*lang)
        return Xapian::Stem();
    try {
        return Xapian::Stem(lang);
    } catch (const Xapian::InvalidArgumentError &) {
        return Xapian::Stem();
    }
}

bool tg_strategy(xap_stem_strategy s, Xapian::TermGenerator::stem_strategy *out)
{
    switch (s) {
    case XAP_STEM_NONE:
        *out = Xapian::TermGenerator::STEM_NONE;
        return true;
    case XAP_STEM_SOME:
        *out = Xapian::TermGenerator::STEM_SOME;
        return true;
    case XAP_STEM_ALL:
        *out = Xapian::TermGenerator::STEM_ALL;
        return true;
    case XAP_STEM_ALL_Z:
        *out = Xapian::TermGenerator::STEM_ALL_Z;
        return true;
    case XAP_STEM_SOME_FULL_POS:
        *out = Xapian::TermGenerator::STEM_SOME_FULL_POS;
        return true;
    }
    return false;
}

bool qp_strategy(xap_stem_strategy s, Xapian::QueryParser::stem_strategy *out)
{
    switch (s) {
    case XAP_STEM_NONE:
        *out = Xapian::QueryParser::STEM_NONE;
        return true;
    case XAP_STEM_SOME:
        *out = Xapian::QueryParser::STEM_SOME;
        return true;
    case XAP_STEM_ALL:
        *out = Xapian::QueryParser::STEM_ALL;
        return true;
    case XAP_STEM_ALL_Z:
        *out = Xapian::QueryParser::STEM_ALL_Z;
        return true;
    case XAP_STEM_SOME_FULL_POS:
        *out = Xapian::QueryParser::STEM_SOME_FULL_POS;
        return true;
    }
    return false;
}

bool query_op(xap_query_op op, Xapian::Query::op *out)
{
    switch (op) {
    case XAP_Q_AND:
        *out = Xapian::Query::OP_AND;
        return true;
    case XAP_Q_OR:
        *out = Xapian::Query::OP_OR;
        return true;
    case XAP_Q_AND_NOT:
        *out = Xapian::Query::OP_AND_NOT;
        return true;
    case XAP_Q_FILTER:
        *out = Xapian::Query::OP_FILTER;
        return true;
    case XAP_Q_AND_MAYBE:
        *out = Xapian::Query::OP_AND_MAYBE;
        return true;
    }
    return false;
}

/* Copy a failure message from a local buffer into a malloc'd *errmsg (NULL if that fails). */
void hand_back_err(const char *buf, char **errmsg)
{
    if (errmsg)
        *errmsg = strdup(buf);
}

/* Position `i` of an MSet as an iterator; false when out of range. */
bool mset_at(const Xapian::MSet &m, size_t i, Xapian::MSetIterator *it)
{
    if (i >= m.size())
        return false;
    *it = m[static_cast<Xapian::doccount>(i)];
    return true;
}

} // namespace

extern "C" {

const char *xap_status_str(xap_status st)
{
    switch (st) {
    case XAP_OK:
        return "success";
    case XAP_ERR_DB_MODIFIED:
        return "database modified, reopen and retry";
    case XAP_ERR_LOCKED:
        return "database locked by another writer";
    case XAP_ERR_NOT_FOUND:
        return "not found";
    case XAP_ERR_CORRUPT:
        return "database corrupt";
    case XAP_ERR_QUERY:
        return "query could not be parsed";
    case XAP_ERR_NETWORK:
        return "remote database error";
    case XAP_ERR_NOMEM:
        return "out of memory";
    case XAP_ERR_ARG:
        return "invalid argument";
    case XAP_ERR_OTHER:
        return "search library error";
    }
    return "unknown status";
}

xap_status xap_stem_language_known(const char *lang, int *known)
{
    if (!known)
        return XAP_ERR_ARG;
    *known = 0;
    return guard(nullptr, [&]() -> xap_status {
        if (!lang || !*lang)
            return XAP_OK;
        try {
            Xapian::Stem s(lang);
            *known = 1;
        } catch (const Xapian::InvalidArgumentError &) {
            *known = 0;
        }
        return XAP_OK;
    });
}

/* ---- read-only databases ---------------------------------------------------------------- */

xap_status xap_db_open(const char *path, xap_db **out, char **errmsg)
{
    return xap_db_open_many(&path, 1, out, errmsg);
}

xap_status xap_db_open_many(const char *const *paths, size_t n, xap_db **out, char **errmsg)
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    char buf[ERR_MAX] = {0};
    xap_status st = guard(buf, [&]() -> xap_status {
        if (!paths || n == 0)
            return bad_arg(buf, "xap_db_open: no database path");
        for (size_t i = 0; i < n; i++)
            if (!paths[i] || !*paths[i])
                return bad_arg(buf, "xap_db_open: empty database path");
        std::unique_ptr<xap_db> h(new xap_db());
        h->db = Xapian::Database(paths[0]);
        for (size_t i = 1; i < n; i++)
            h->db.add_database(Xapian::Database(paths[i]));
        *out = h.release();
        return XAP_OK;
    });
    if (st != XAP_OK)
        hand_back_err(buf, errmsg);
    return st;
}

xap_status xap_db_open_remote(const char *host, unsigned port, unsigned timeout_ms,
                              unsigned connect_timeout_ms, xap_db **out, char **errmsg)
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    char buf[ERR_MAX] = {0};
    xap_status st = guard(buf, [&]() -> xap_status {
        if (!host || !*host || port < 1 || port > 65535)
            return bad_arg(buf, "xap_db_open_remote: no host or a port outside 1..65535");
#ifdef XAPIAN_HAS_REMOTE_BACKEND
        std::unique_ptr<xap_db> h(new xap_db());
        h->db = Xapian::Remote::open(host, port, static_cast<useconds_t>(timeout_ms),
                                     static_cast<useconds_t>(connect_timeout_ms));
        h->remote = true;
        *out = h.release();
        return XAP_OK;
#else
        (void)timeout_ms;
        (void)connect_timeout_ms;
        set_err(buf, "xap_db_open_remote: this Xapian has no remote backend");
        return XAP_ERR_OTHER;
#endif
    });
    if (st != XAP_OK)
        hand_back_err(buf, errmsg);
    return st;
}

xap_status xap_db_add_database(xap_db *db, const xap_db *other)
{
    if (!db)
        return XAP_ERR_ARG;
    return guard(db->err, [&]() -> xap_status {
        if (!other)
            return bad_arg(db->err, "xap_db_add_database: other is NULL");
        db->db.add_database(other->db);
        db->remote = db->remote || other->remote;
        return XAP_OK;
    });
}

xap_status xap_db_reopen(xap_db *db, int *changed)
{
    if (!db || !changed)
        return XAP_ERR_ARG;
    *changed = 0;
    return guard(db->err, [&]() -> xap_status {
        *changed = db->db.reopen() ? 1 : 0;
        return XAP_OK;
    });
}

void xap_db_close(xap_db *db)
{
    /* Only drop our reference: Database::close() would also close a writer this handle came
     * from (xap_wdb_reader) and sessions still using it. Files close with the last reference. */
    delete db;
}

const char *xap_db_last_error(const xap_db *db)
{
    return db ? db->err : "no database handle";
}

xap_status xap_db_doc_count(xap_db *db, unsigned long *out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(db->err, [&]() -> xap_status {
        *out = db->db.get_doccount();
        return XAP_OK;
    });
}

xap_status xap_db_last_docid(xap_db *db, xap_docid *out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(db->err, [&]() -> xap_status {
        *out = db->db.get_lastdocid();
        return XAP_OK;
    });
}

xap_status xap_db_avg_length(xap_db *db, double *out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(db->err, [&]() -> xap_status {
        *out = db->db.get_avlength();
        return XAP_OK;
    });
}

xap_status xap_db_has_positions(xap_db *db, int *out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(db->err, [&]() -> xap_status {
        *out = db->db.has_positions() ? 1 : 0;
        return XAP_OK;
    });
}

xap_status xap_db_term_freq(xap_db *db, const char *term, unsigned long *out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(db->err, [&]() -> xap_status {
        if (!term)
            return bad_arg(db->err, "xap_db_term_freq: term is NULL");
        *out = db->db.get_termfreq(term);
        return XAP_OK;
    });
}

xap_status xap_db_get_metadata(xap_db *db, const char *key, char **value, size_t *len)
{
    if (!db || !value)
        return XAP_ERR_ARG;
    *value = nullptr;
    if (len)
        *len = 0;
    return guard(db->err, [&]() -> xap_status {
        if (!key || !*key)
            return bad_arg(db->err, "xap_db_get_metadata: empty key");
        *value = dup_bytes(db->db.get_metadata(key), len);
        return XAP_OK;
    });
}

xap_status xap_db_spelling_suggestion(xap_db *db, const char *word, char **out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(db->err, [&]() -> xap_status {
        if (!word)
            return bad_arg(db->err, "xap_db_spelling_suggestion: word is NULL");
        *out = dup_bytes(db->db.get_spelling_suggestion(word), nullptr);
        return XAP_OK;
    });
}

xap_status xap_db_spellings(xap_db *db, xap_spelling_fn fn, void *ctx, size_t *n_words)
{
    if (n_words)
        *n_words = 0;
    if (!db)
        return XAP_ERR_ARG;
    return guard(db->err, [&]() -> xap_status {
        if (!fn)
            return bad_arg(db->err, "xap_db_spellings: no callback");
        size_t n = 0;
        for (Xapian::TermIterator t = db->db.spellings_begin(); t != db->db.spellings_end(); ++t) {
            const std::string word = *t;
            if (word.find('\0') != std::string::npos)
                continue; /* not a C string */
            n++;
            if (fn(word.c_str(), static_cast<unsigned>(t.get_termfreq()), ctx))
                break;
        }
        if (n_words)
            *n_words = n;
        return XAP_OK;
    });
}

xap_status xap_db_get_document(xap_db *db, xap_docid id, xap_doc **out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(db->err, [&]() -> xap_status {
        if (id == 0)
            return bad_arg(db->err, "xap_db_get_document: docid 0");
        std::unique_ptr<xap_doc> h(new xap_doc());
        h->doc = db->db.get_document(id);
        *out = h.release();
        return XAP_OK;
    });
}

/* ---- writable databases ----------------------------------------------------------------- */

xap_status xap_wdb_open(const char *path, xap_wdb_mode mode, xap_wdb **out, char **errmsg)
{
    if (errmsg)
        *errmsg = nullptr;
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    char buf[ERR_MAX] = {0};
    xap_status st = guard(buf, [&]() -> xap_status {
        if (!path || !*path)
            return bad_arg(buf, "xap_wdb_open: empty database path");
        int flags;
        switch (mode) {
        case XAP_WDB_CREATE_OR_OPEN:
            flags = Xapian::DB_CREATE_OR_OPEN;
            break;
        case XAP_WDB_OPEN:
            flags = Xapian::DB_OPEN;
            break;
        case XAP_WDB_CREATE_OR_OVERWRITE:
            flags = Xapian::DB_CREATE_OR_OVERWRITE;
            break;
        default:
            return bad_arg(buf, "xap_wdb_open: unknown mode");
        }
        std::unique_ptr<xap_wdb> h(new xap_wdb());
        h->db = Xapian::WritableDatabase(path, flags);
        *out = h.release();
        return XAP_OK;
    });
    if (st != XAP_OK)
        hand_back_err(buf, errmsg);
    return st;
}

xap_status xap_wdb_close(xap_wdb *wdb)
{
    if (!wdb)
        return XAP_OK;
    xap_status st = guard(wdb->err, [&]() -> xap_status {
        wdb->db.close();
        return XAP_OK;
    });
    delete wdb;
    return st;
}

const char *xap_wdb_last_error(const xap_wdb *wdb)
{
    return wdb ? wdb->err : "no database handle";
}

xap_status xap_wdb_commit(xap_wdb *wdb)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        wdb->db.commit();
        return XAP_OK;
    });
}

xap_status xap_wdb_begin_transaction(xap_wdb *wdb, int flushed)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        wdb->db.begin_transaction(flushed != 0);
        return XAP_OK;
    });
}

xap_status xap_wdb_commit_transaction(xap_wdb *wdb)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        wdb->db.commit_transaction();
        return XAP_OK;
    });
}

xap_status xap_wdb_cancel_transaction(xap_wdb *wdb)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        wdb->db.cancel_transaction();
        return XAP_OK;
    });
}

xap_status xap_wdb_add_document(xap_wdb *wdb, const xap_doc *doc, xap_docid *id)
{
    if (id)
        *id = 0;
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        if (!doc)
            return bad_arg(wdb->err, "xap_wdb_add_document: document is NULL");
        Xapian::docid d = wdb->db.add_document(doc->doc);
        if (id)
            *id = d;
        return XAP_OK;
    });
}

xap_status xap_wdb_replace_document_by_term(xap_wdb *wdb, const char *unique_term,
                                            const xap_doc *doc, xap_docid *id)
{
    if (id)
        *id = 0;
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        if (!doc || !unique_term || !*unique_term)
            return bad_arg(wdb->err, "xap_wdb_replace_document_by_term: missing term or document");
        Xapian::docid d = wdb->db.replace_document(unique_term, doc->doc);
        if (id)
            *id = d;
        return XAP_OK;
    });
}

xap_status xap_wdb_delete_document_by_term(xap_wdb *wdb, const char *unique_term)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        if (!unique_term || !*unique_term)
            return bad_arg(wdb->err, "xap_wdb_delete_document_by_term: empty term");
        wdb->db.delete_document(unique_term);
        return XAP_OK;
    });
}

xap_status xap_wdb_add_spelling(xap_wdb *wdb, const char *word, unsigned freq_inc)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        if (!word || !*word || freq_inc == 0)
            return bad_arg(wdb->err, "xap_wdb_add_spelling: empty word or zero frequency");
        wdb->db.add_spelling(word, freq_inc);
        return XAP_OK;
    });
}

xap_status xap_wdb_set_metadata(xap_wdb *wdb, const char *key, const void *value, size_t len)
{
    if (!wdb)
        return XAP_ERR_ARG;
    return guard(wdb->err, [&]() -> xap_status {
        if (!key || !*key || (!value && len > 0))
            return bad_arg(wdb->err, "xap_wdb_set_metadata: empty key or NULL value");
        std::string v;
        if (len > 0)
            v.assign(static_cast<const char *>(value), len);
        wdb->db.set_metadata(key, v);
        return XAP_OK;
    });
}

xap_status xap_wdb_reader(xap_wdb *wdb, xap_db **out)
{
    if (!wdb || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(wdb->err, [&]() -> xap_status {
        std::unique_ptr<xap_db> h(new xap_db());
        h->db = wdb->db;
        *out = h.release();
        return XAP_OK;
    });
}

/* ---- documents -------------------------------------------------------------------------- */

xap_status xap_doc_new(xap_doc **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(nullptr, [&]() -> xap_status {
        *out = new xap_doc();
        return XAP_OK;
    });
}

void xap_doc_free(xap_doc *doc)
{
    delete doc;
}

const char *xap_doc_last_error(const xap_doc *doc)
{
    return doc ? doc->err : "no document handle";
}

xap_status xap_doc_add_term(xap_doc *doc, const char *term, unsigned wdf_inc)
{
    if (!doc)
        return XAP_ERR_ARG;
    return guard(doc->err, [&]() -> xap_status {
        if (!term || !*term)
            return bad_arg(doc->err, "xap_doc_add_term: empty term");
        doc->doc.add_term(term, wdf_inc);
        return XAP_OK;
    });
}

xap_status xap_doc_add_posting(xap_doc *doc, const char *term, unsigned pos, unsigned wdf_inc)
{
    if (!doc)
        return XAP_ERR_ARG;
    return guard(doc->err, [&]() -> xap_status {
        if (!term || !*term)
            return bad_arg(doc->err, "xap_doc_add_posting: empty term");
        doc->doc.add_posting(term, pos, wdf_inc);
        return XAP_OK;
    });
}

xap_status xap_doc_add_boolean_term(xap_doc *doc, const char *term)
{
    if (!doc)
        return XAP_ERR_ARG;
    return guard(doc->err, [&]() -> xap_status {
        if (!term || !*term)
            return bad_arg(doc->err, "xap_doc_add_boolean_term: empty term");
        doc->doc.add_boolean_term(term);
        return XAP_OK;
    });
}

xap_status xap_doc_set_value(xap_doc *doc, xap_slot slot, const void *bytes, size_t len)
{
    if (!doc)
        return XAP_ERR_ARG;
    return guard(doc->err, [&]() -> xap_status {
        if (!bytes && len > 0)
            return bad_arg(doc->err, "xap_doc_set_value: NULL bytes");
        std::string v;
        if (len > 0)
            v.assign(static_cast<const char *>(bytes), len);
        doc->doc.add_value(slot, v);
        return XAP_OK;
    });
}

xap_status xap_doc_set_value_double(xap_doc *doc, xap_slot slot, double v)
{
    if (!doc)
        return XAP_ERR_ARG;
    return guard(doc->err, [&]() -> xap_status {
        doc->doc.add_value(slot, Xapian::sortable_serialise(v));
        return XAP_OK;
    });
}

xap_status xap_doc_set_data(xap_doc *doc, const void *bytes, size_t len)
{
    if (!doc)
        return XAP_ERR_ARG;
    return guard(doc->err, [&]() -> xap_status {
        if (!bytes && len > 0)
            return bad_arg(doc->err, "xap_doc_set_data: NULL bytes");
        std::string v;
        if (len > 0)
            v.assign(static_cast<const char *>(bytes), len);
        doc->doc.set_data(v);
        return XAP_OK;
    });
}

xap_status xap_doc_get_data(xap_doc *doc, char **out, size_t *len)
{
    if (len)
        *len = 0;
    if (!doc || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(doc->err, [&]() -> xap_status {
        *out = dup_bytes(doc->doc.get_data(), len);
        return XAP_OK;
    });
}

xap_status xap_doc_get_value(xap_doc *doc, xap_slot slot, char **out, size_t *len)
{
    if (len)
        *len = 0;
    if (!doc || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(doc->err, [&]() -> xap_status {
        *out = dup_bytes(doc->doc.get_value(slot), len);
        return XAP_OK;
    });
}

xap_status xap_doc_get_value_double(xap_doc *doc, xap_slot slot, double *out)
{
    if (!doc || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(doc->err, [&]() -> xap_status {
        std::string v = doc->doc.get_value(slot);
        if (v.empty()) {
            set_err(doc->err, "xap_doc_get_value_double: slot is empty");
            return XAP_ERR_NOT_FOUND;
        }
        *out = Xapian::sortable_unserialise(v);
        return XAP_OK;
    });
}

void xap_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

xap_status xap_doc_get_terms(xap_doc *doc, char ***terms, size_t *n)
{
    if (n)
        *n = 0;
    if (!doc || !terms || !n)
        return XAP_ERR_ARG;
    *terms = nullptr;
    return guard(doc->err, [&]() -> xap_status {
        std::vector<std::string> all;
        for (Xapian::TermIterator t = doc->doc.termlist_begin(); t != doc->doc.termlist_end(); ++t)
            all.push_back(*t);
        char **v = static_cast<char **>(calloc(all.size() + 1, sizeof *v));
        if (!v)
            throw std::bad_alloc();
        for (size_t i = 0; i < all.size(); i++) {
            v[i] = strdup(all[i].c_str());
            if (!v[i]) {
                xap_strv_free(v, i);
                throw std::bad_alloc();
            }
        }
        *terms = v;
        *n = all.size();
        return XAP_OK;
    });
}

/* ---- term generator --------------------------------------------------------------------- */

xap_status xap_termgen_new(xap_termgen **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(nullptr, [&]() -> xap_status {
        *out = new xap_termgen();
        return XAP_OK;
    });
}

void xap_termgen_free(xap_termgen *tg)
{
    delete tg;
}

const char *xap_termgen_last_error(const xap_termgen *tg)
{
    return tg ? tg->err : "no term generator handle";
}

xap_status xap_termgen_set_stemmer(xap_termgen *tg, const char *lang)
{
    if (!tg)
        return XAP_ERR_ARG;
    return guard(tg->err, [&]() -> xap_status {
        tg->tg.set_stemmer(make_stem(lang));
        return XAP_OK;
    });
}

xap_status xap_termgen_set_stem_strategy(xap_termgen *tg, xap_stem_strategy s)
{
    if (!tg)
        return XAP_ERR_ARG;
    return guard(tg->err, [&]() -> xap_status {
        Xapian::TermGenerator::stem_strategy x;
        if (!tg_strategy(s, &x))
            return bad_arg(tg->err, "xap_termgen_set_stem_strategy: unknown strategy");
        tg->tg.set_stemming_strategy(x);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_document(xap_termgen *tg, xap_doc *doc)
{
    if (!tg)
        return XAP_ERR_ARG;
    return guard(tg->err, [&]() -> xap_status {
        if (!doc)
            return bad_arg(tg->err, "xap_termgen_set_document: document is NULL");
        tg->tg.set_document(doc->doc);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_spelling_db(xap_termgen *tg, xap_wdb *wdb)
{
    if (!tg)
        return XAP_ERR_ARG;
    return guard(tg->err, [&]() -> xap_status {
        const Xapian::TermGenerator::flags keep =
            static_cast<Xapian::TermGenerator::flags>(~Xapian::TermGenerator::FLAG_SPELLING);
        if (wdb) {
            tg->tg.set_database(wdb->db);
            tg->tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING, keep);
        } else {
            tg->tg.set_flags(Xapian::TermGenerator::flags(0), keep);
            tg->tg.set_database(Xapian::WritableDatabase());
        }
        return XAP_OK;
    });
}

static xap_status termgen_index(xap_termgen *tg, const char *text, size_t len, unsigned wdf_inc,
                                const char *prefix, bool positions)
{
    if (!tg)
        return XAP_ERR_ARG;
    return guard(tg->err, [&]() -> xap_status {
        if (!text && len > 0)
            return bad_arg(tg->err, "xap_termgen_index_text: NULL text");
        std::string t;
        if (len > 0)
            t.assign(text, len);
        std::string p = prefix ? prefix : "";
        if (positions)
            tg->tg.index_text(t, wdf_inc, p);
        else
            tg->tg.index_text_without_positions(t, wdf_inc, p);
        return XAP_OK;
    });
}

xap_status xap_termgen_index_text(xap_termgen *tg, const char *text, size_t len, unsigned wdf_inc,
                                  const char *prefix)
{
    return termgen_index(tg, text, len, wdf_inc, prefix, true);
}

xap_status xap_termgen_index_text_without_positions(xap_termgen *tg, const char *text, size_t len,
                                                    unsigned wdf_inc, const char *prefix)
{
    return termgen_index(tg, text, len, wdf_inc, prefix, false);
}

xap_status xap_termgen_increase_termpos(xap_termgen *tg, unsigned delta)
{
    if (!tg)
        return XAP_ERR_ARG;
    return guard(tg->err, [&]() -> xap_status {
        tg->tg.increase_termpos(delta);
        return XAP_OK;
    });
}

/* ---- query parser ----------------------------------------------------------------------- */

xap_status xap_qparser_new(xap_qparser **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(nullptr, [&]() -> xap_status {
        *out = new xap_qparser();
        return XAP_OK;
    });
}

void xap_qparser_free(xap_qparser *qp)
{
    delete qp;
}

const char *xap_qparser_last_error(const xap_qparser *qp)
{
    return qp ? qp->err : "no query parser handle";
}

xap_status xap_qparser_set_stemmer(xap_qparser *qp, const char *lang)
{
    if (!qp)
        return XAP_ERR_ARG;
    return guard(qp->err, [&]() -> xap_status {
        qp->qp.set_stemmer(make_stem(lang));
        return XAP_OK;
    });
}

xap_status xap_qparser_set_stem_strategy(xap_qparser *qp, xap_stem_strategy s)
{
    if (!qp)
        return XAP_ERR_ARG;
    return guard(qp->err, [&]() -> xap_status {
        Xapian::QueryParser::stem_strategy x;
        if (!qp_strategy(s, &x))
            return bad_arg(qp->err, "xap_qparser_set_stem_strategy: unknown strategy");
        qp->qp.set_stemming_strategy(x);
        return XAP_OK;
    });
}

xap_status xap_qparser_set_default_op(xap_qparser *qp, xap_qp_default_op op)
{
    if (!qp)
        return XAP_ERR_ARG;
    return guard(qp->err, [&]() -> xap_status {
        if (op == XAP_QP_OP_AND)
            qp->qp.set_default_op(Xapian::Query::OP_AND);
        else if (op == XAP_QP_OP_OR)
            qp->qp.set_default_op(Xapian::Query::OP_OR);
        else
            return bad_arg(qp->err, "xap_qparser_set_default_op: unknown operator");
        return XAP_OK;
    });
}

xap_status xap_qparser_add_prefix(xap_qparser *qp, const char *field, const char *prefix)
{
    if (!qp)
        return XAP_ERR_ARG;
    return guard(qp->err, [&]() -> xap_status {
        if (!field || !*field || !prefix)
            return bad_arg(qp->err, "xap_qparser_add_prefix: empty field or NULL prefix");
        qp->qp.add_prefix(field, prefix);
        return XAP_OK;
    });
}

xap_status xap_qparser_add_boolean_prefix(xap_qparser *qp, const char *field, const char *prefix,
                                          int exclusive)
{
    if (!qp)
        return XAP_ERR_ARG;
    return guard(qp->err, [&]() -> xap_status {
        if (!field || !*field || !prefix)
            return bad_arg(qp->err, "xap_qparser_add_boolean_prefix: empty field or NULL prefix");
        qp->qp.add_boolean_prefix(field, prefix, exclusive != 0);
        return XAP_OK;
    });
}

xap_status xap_qparser_set_database(xap_qparser *qp, xap_db *db)
{
    if (!qp)
        return XAP_ERR_ARG;
    return guard(qp->err, [&]() -> xap_status {
        qp->qp.set_database(db ? db->db : Xapian::Database());
        return XAP_OK;
    });
}

xap_status xap_qparser_parse(xap_qparser *qp, const char *text, unsigned flags, xap_query **out)
{
    if (!qp || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(qp->err, [&]() -> xap_status {
        if (!text)
            return bad_arg(qp->err, "xap_qparser_parse: text is NULL");
        static const struct {
            unsigned ours;
            unsigned theirs;
        } map[] = {
            {XAP_QP_BOOLEAN, Xapian::QueryParser::FLAG_BOOLEAN},
            {XAP_QP_PHRASE, Xapian::QueryParser::FLAG_PHRASE},
            {XAP_QP_LOVEHATE, Xapian::QueryParser::FLAG_LOVEHATE},
            {XAP_QP_SPELLING, Xapian::QueryParser::FLAG_SPELLING_CORRECTION},
            {XAP_QP_WILDCARD, Xapian::QueryParser::FLAG_WILDCARD},
            {XAP_QP_BOOLEAN_ANY_CASE, Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE},
            {XAP_QP_PURE_NOT, Xapian::QueryParser::FLAG_PURE_NOT},
        };
        unsigned xf = 0, seen = 0;
        for (const auto &m : map) {
            seen |= m.ours;
            if (flags & m.ours)
                xf |= m.theirs;
        }
        if (flags & ~seen)
            return bad_arg(qp->err, "xap_qparser_parse: unknown flag");
        std::unique_ptr<xap_query> h(new xap_query());
        h->q = qp->qp.parse_query(text, xf);
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_qparser_corrected_query(xap_qparser *qp, char **out)
{
    if (!qp || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(qp->err, [&]() -> xap_status {
        *out = dup_bytes(qp->qp.get_corrected_query_string(), nullptr);
        return XAP_OK;
    });
}

/* ---- queries ---------------------------------------------------------------------------- */

void xap_query_free(xap_query *q)
{
    delete q;
}

xap_status xap_query_term(const char *term, unsigned wqf, xap_query **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    if (!term || !*term)
        return XAP_ERR_ARG;
    return guard(nullptr, [&]() -> xap_status {
        std::unique_ptr<xap_query> h(new xap_query());
        h->q = Xapian::Query(term, wqf);
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_query_match_all(xap_query **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(nullptr, [&]() -> xap_status {
        std::unique_ptr<xap_query> h(new xap_query());
        h->q = Xapian::Query::MatchAll;
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_query_terms(xap_query_op op, const char *const *terms, size_t n, xap_query **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    if ((op != XAP_Q_OR && op != XAP_Q_AND) || (!terms && n > 0))
        return XAP_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        if (!terms[i] || !*terms[i])
            return XAP_ERR_ARG;
    return guard(nullptr, [&]() -> xap_status {
        std::vector<std::string> v(terms, terms + n);
        Xapian::Query::op xop;
        (void)query_op(op, &xop);
        std::unique_ptr<xap_query> h(new xap_query());
        h->q = Xapian::Query(xop, v.begin(), v.end());
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_query_combine(xap_query_op op, const xap_query *a, const xap_query *b,
                             xap_query **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    Xapian::Query::op xop;
    if (!a || !b || !query_op(op, &xop))
        return XAP_ERR_ARG;
    return guard(nullptr, [&]() -> xap_status {
        std::unique_ptr<xap_query> h(new xap_query());
        h->q = Xapian::Query(xop, a->q, b->q);
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_query_scale_weight(const xap_query *q, double factor, xap_query **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    if (!q || !(factor >= 0))
        return XAP_ERR_ARG;
    return guard(nullptr, [&]() -> xap_status {
        std::unique_ptr<xap_query> h(new xap_query());
        h->q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor);
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_query_value_weight(xap_slot slot, xap_query **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(nullptr, [&]() -> xap_status {
        std::unique_ptr<xap_query> h(new xap_query());
        /* release() hands the source's lifetime to the query's reference count. */
        h->q = Xapian::Query((new Xapian::ValueWeightPostingSource(slot))->release());
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_query_describe(const xap_query *q, char **out)
{
    if (!out)
        return XAP_ERR_ARG;
    *out = nullptr;
    if (!q)
        return XAP_ERR_ARG;
    return guard(nullptr, [&]() -> xap_status {
        *out = dup_bytes(q->q.get_description(), nullptr);
        return XAP_OK;
    });
}

/* ---- searching -------------------------------------------------------------------------- */

xap_status xap_enquire_new(xap_db *db, xap_enquire **out)
{
    if (!db || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(db->err, [&]() -> xap_status {
        *out = new xap_enquire(db->db, db->remote);
        return XAP_OK;
    });
}

void xap_enquire_free(xap_enquire *enq)
{
    delete enq;
}

const char *xap_enquire_last_error(const xap_enquire *enq)
{
    return enq ? enq->err : "no enquire handle";
}

xap_status xap_enquire_set_query(xap_enquire *enq, const xap_query *q)
{
    if (!enq)
        return XAP_ERR_ARG;
    return guard(enq->err, [&]() -> xap_status {
        if (!q)
            return bad_arg(enq->err, "xap_enquire_set_query: query is NULL");
        enq->enq.set_query(q->q);
        return XAP_OK;
    });
}

xap_status xap_enquire_set_bm25(xap_enquire *enq, double k1, double k2, double k3, double b,
                                double min_normlen)
{
    if (!enq)
        return XAP_ERR_ARG;
    return guard(enq->err, [&]() -> xap_status {
        enq->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return XAP_OK;
    });
}

xap_status xap_enquire_set_collapse_key(xap_enquire *enq, xap_slot slot, unsigned max)
{
    if (!enq)
        return XAP_ERR_ARG;
    return guard(enq->err, [&]() -> xap_status {
        if (max == 0)
            return bad_arg(enq->err, "xap_enquire_set_collapse_key: max is 0");
        enq->enq.set_collapse_key(slot, max);
        return XAP_OK;
    });
}

xap_status xap_enquire_set_docid_order(xap_enquire *enq, xap_docid_order order)
{
    if (!enq)
        return XAP_ERR_ARG;
    return guard(enq->err, [&]() -> xap_status {
        switch (order) {
        case XAP_DOCID_ASCENDING:
            enq->enq.set_docid_order(Xapian::Enquire::ASCENDING);
            return XAP_OK;
        case XAP_DOCID_DESCENDING:
            enq->enq.set_docid_order(Xapian::Enquire::DESCENDING);
            return XAP_OK;
        case XAP_DOCID_DONT_CARE:
            enq->enq.set_docid_order(Xapian::Enquire::DONT_CARE);
            return XAP_OK;
        }
        return bad_arg(enq->err, "xap_enquire_set_docid_order: unknown order");
    });
}

xap_status xap_enquire_set_time_limit(xap_enquire *enq, double seconds)
{
    if (!enq)
        return XAP_ERR_ARG;
    return guard(enq->err, [&]() -> xap_status {
        if (!(seconds >= 0))
            return bad_arg(enq->err, "xap_enquire_set_time_limit: negative limit");
        enq->enq.set_time_limit(seconds);
        return XAP_OK;
    });
}

xap_status xap_enquire_get_mset(xap_enquire *enq, unsigned first, unsigned maxitems,
                                unsigned check_at_least, xap_mset **out)
{
    if (!enq || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(enq->err, [&]() -> xap_status {
        std::unique_ptr<xap_mset> h(new xap_mset());
        h->db = enq->db;
        h->remote = enq->remote;
        h->mset = enq->enq.get_mset(first, maxitems, check_at_least);
        *out = h.release();
        return XAP_OK;
    });
}

void xap_mset_free(xap_mset *m)
{
    delete m;
}

const char *xap_mset_last_error(const xap_mset *m)
{
    return m ? m->err : "no result set handle";
}

size_t xap_mset_size(const xap_mset *m)
{
    return m ? m->mset.size() : 0;
}

xap_status xap_mset_matches_estimated(xap_mset *m, unsigned long *out)
{
    if (!m || !out)
        return XAP_ERR_ARG;
    *out = 0;
    return guard(m->err, [&]() -> xap_status {
        *out = m->mset.get_matches_estimated();
        return XAP_OK;
    });
}

xap_status xap_mset_get_item(xap_mset *m, size_t i, xap_mset_item *out)
{
    if (!m || !out)
        return XAP_ERR_ARG;
    *out = xap_mset_item(); /* value-initialised: zeroes, the double included */
    return guard(m->err, [&]() -> xap_status {
        Xapian::MSetIterator it;
        if (!mset_at(m->mset, i, &it))
            return bad_arg(m->err, "xap_mset_get_item: index out of range");
        out->docid = *it;
        out->rank = it.get_rank();
        out->weight = it.get_weight();
        out->percent = it.get_percent();
        out->collapse_count = it.get_collapse_count();
        return XAP_OK;
    });
}

xap_status xap_mset_item_data(xap_mset *m, size_t i, char **out, size_t *len)
{
    if (len)
        *len = 0;
    if (!m || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(m->err, [&]() -> xap_status {
        Xapian::MSetIterator it;
        if (!mset_at(m->mset, i, &it))
            return bad_arg(m->err, "xap_mset_item_data: index out of range");
        *out = dup_bytes(it.get_document().get_data(), len);
        return XAP_OK;
    });
}

xap_status xap_mset_item_value(xap_mset *m, size_t i, xap_slot slot, char **out, size_t *len)
{
    if (len)
        *len = 0;
    if (!m || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(m->err, [&]() -> xap_status {
        Xapian::MSetIterator it;
        if (!mset_at(m->mset, i, &it))
            return bad_arg(m->err, "xap_mset_item_value: index out of range");
        *out = dup_bytes(it.get_document().get_value(slot), len);
        return XAP_OK;
    });
}

xap_status xap_mset_values(xap_mset *m, const xap_slot *slots, size_t nslots, char **out,
                           size_t *lens)
{
    if (!m || !out || !lens || (nslots && !slots))
        return XAP_ERR_ARG;
    size_t n = m->mset.size();
    for (size_t k = 0; k < n * nslots; k++)
        out[k] = nullptr;
    return guard(m->err, [&]() -> xap_status {
        std::vector<std::pair<Xapian::docid, size_t>> order;
        order.reserve(n);
        for (Xapian::MSetIterator it = m->mset.begin(); it != m->mset.end(); ++it)
            order.emplace_back(*it, order.size());
        std::sort(order.begin(), order.end());
        std::vector<std::string> vals(n * nslots);
        /* A remote shard answers each skip_to() of a value stream with a round trip, slot by
         * slot: there, each item's values are fetched once, all at once. */
        bool remote = m->remote;
        for (size_t s = 0; s < nslots && !remote; s++) {
            try {
                Xapian::ValueIterator v = m->db.valuestream_begin(slots[s]),
                                      end = m->db.valuestream_end(slots[s]);
                for (const auto &o : order) {
                    if (v == end)
                        break;
                    v.skip_to(o.first);
                    if (v != end && v.get_docid() == o.first)
                        vals[s * n + o.second] = *v;
                }
            } catch (const Xapian::UnimplementedError &) {
                remote = true;
            }
        }
        if (remote) {
            for (const auto &o : order) {
                Xapian::Document d = m->db.get_document(o.first);
                for (Xapian::ValueIterator v = d.values_begin(); v != d.values_end(); ++v)
                    for (size_t s = 0; s < nslots; s++)
                        if (v.get_valueno() == slots[s])
                            vals[s * n + o.second] = *v;
            }
        }
        size_t done = 0;
        try {
            for (; done < n * nslots; done++)
                out[done] = dup_bytes(vals[done], &lens[done]);
        } catch (...) {
            for (size_t k = 0; k < done; k++) {
                free(out[k]);
                out[k] = nullptr;
            }
            throw;
        }
        return XAP_OK;
    });
}

xap_status xap_mset_item_document(xap_mset *m, size_t i, xap_doc **out)
{
    if (!m || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(m->err, [&]() -> xap_status {
        Xapian::MSetIterator it;
        if (!mset_at(m->mset, i, &it))
            return bad_arg(m->err, "xap_mset_item_document: index out of range");
        std::unique_ptr<xap_doc> h(new xap_doc());
        h->doc = it.get_document();
        *out = h.release();
        return XAP_OK;
    });
}

xap_status xap_mset_snippet(xap_mset *m, const char *text, size_t len, size_t length,
                            const char *lang, unsigned flags, const char *hi_start,
                            const char *hi_end, const char *omit, char **out)
{
    if (!m || !out)
        return XAP_ERR_ARG;
    *out = nullptr;
    return guard(m->err, [&]() -> xap_status {
        if (!text && len > 0)
            return bad_arg(m->err, "xap_mset_snippet: NULL text");
        const unsigned known =
            XAP_SNIPPET_BACKGROUND_MODEL | XAP_SNIPPET_EXHAUSTIVE | XAP_SNIPPET_EMPTY_WITHOUT_MATCH;
        if (flags & ~known)
            return bad_arg(m->err, "xap_mset_snippet: unknown flag");
        unsigned xf = 0;
        if (flags & XAP_SNIPPET_BACKGROUND_MODEL)
            xf |= Xapian::MSet::SNIPPET_BACKGROUND_MODEL;
        if (flags & XAP_SNIPPET_EXHAUSTIVE)
            xf |= Xapian::MSet::SNIPPET_EXHAUSTIVE;
        if (flags & XAP_SNIPPET_EMPTY_WITHOUT_MATCH)
            xf |= Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH;
        std::string t;
        if (len > 0)
            t.assign(text, len);
        *out =
            dup_bytes(m->mset.snippet(t, length, make_stem(lang), xf, hi_start ? hi_start : "<b>",
                                      hi_end ? hi_end : "</b>", omit ? omit : "..."),
                      nullptr);
        return XAP_OK;
    });
}

} /* extern "C" */
