/* Tests for the C wrapper over Xapian (indexer/xapian/xap.h), each in its own temporary
 * directory made with mkdtemp and removed afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "indexer/xapian/xap.h"
#include "tests/unit/support/tmpdir.h"

#define SLOT_SITE 1
#define SLOT_RANK 2

typedef test_tmpdir fixture;

/* dir/name into out. */
static void path_in(const fixture *f, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", f->dir, name);
    assert_true(n > 0 && (size_t)n < cap);
}

static xap_wdb *open_writer(const fixture *f, const char *name)
{
    char p[128];
    path_in(f, name, p, sizeof p);
    xap_wdb *w = NULL;
    char *err = NULL;
    xap_status st = xap_wdb_open(p, XAP_WDB_CREATE_OR_OPEN, &w, &err);
    if (st != XAP_OK)
        fail_msg("open %s: %s", p, err ? err : "?");
    assert_null(err);
    assert_non_null(w);
    return w;
}

static xap_db *open_reader(const fixture *f, const char *name)
{
    char p[128];
    path_in(f, name, p, sizeof p);
    xap_db *db = NULL;
    char *err = NULL;
    xap_status st = xap_db_open(p, &db, &err);
    if (st != XAP_OK)
        fail_msg("open %s: %s", p, err ? err : "?");
    return db;
}

/* Build a document from text in `lang` with unique term "Q"+uid, optional boolean terms (NULL
 * terminated list), data = uid, and add or replace it. Returns the docid. */
static xap_docid put_doc(xap_wdb *w, const char *lang, const char *uid, const char *text,
                         const char *const *bool_terms)
{
    xap_doc *d = NULL;
    xap_termgen *tg = NULL;
    char uterm[64];
    snprintf(uterm, sizeof uterm, "Q%s", uid);
    assert_int_equal(xap_doc_new(&d), XAP_OK);
    assert_int_equal(xap_termgen_new(&tg), XAP_OK);
    assert_int_equal(xap_termgen_set_stemmer(tg, lang), XAP_OK);
    assert_int_equal(xap_termgen_set_stem_strategy(tg, XAP_STEM_SOME), XAP_OK);
    assert_int_equal(xap_termgen_set_document(tg, d), XAP_OK);
    assert_int_equal(xap_termgen_index_text(tg, text, strlen(text), 1, NULL), XAP_OK);
    assert_int_equal(xap_doc_add_boolean_term(d, uterm), XAP_OK);
    for (size_t i = 0; bool_terms && bool_terms[i]; i++)
        assert_int_equal(xap_doc_add_boolean_term(d, bool_terms[i]), XAP_OK);
    assert_int_equal(xap_doc_set_data(d, uid, strlen(uid)), XAP_OK);
    xap_docid id = 0;
    xap_status st = xap_wdb_replace_document_by_term(w, uterm, d, &id);
    if (st != XAP_OK)
        fail_msg("replace %s: %s", uterm, xap_wdb_last_error(w));
    assert_true(id > 0);
    xap_termgen_free(tg);
    xap_doc_free(d);
    return id;
}

static unsigned long doc_count(xap_db *db)
{
    unsigned long n = 0;
    assert_int_equal(xap_db_doc_count(db, &n), XAP_OK);
    return n;
}

static unsigned long writer_count(xap_wdb *w)
{
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    unsigned long n = doc_count(r);
    xap_db_close(r);
    return n;
}

/* Parse `text` in `lang` (default AND, STEM_SOME) and return the data of the matches, joined by
 * ',' in result order, into out. Returns the number of results. */
static size_t search(xap_db *db, const char *lang, const char *text, const xap_query *extra,
                     xap_query_op extra_op, char *out, size_t cap)
{
    xap_qparser *qp = NULL;
    xap_query *q = NULL, *full = NULL;
    assert_int_equal(xap_qparser_new(&qp), XAP_OK);
    assert_int_equal(xap_qparser_set_stemmer(qp, lang), XAP_OK);
    assert_int_equal(xap_qparser_set_stem_strategy(qp, XAP_STEM_SOME), XAP_OK);
    assert_int_equal(xap_qparser_set_default_op(qp, XAP_QP_OP_AND), XAP_OK);
    assert_int_equal(xap_qparser_add_boolean_prefix(qp, "site", "H", 1), XAP_OK);
    assert_int_equal(xap_qparser_parse(qp, text, XAP_QP_DEFAULT, &q), XAP_OK);
    if (extra)
        assert_int_equal(xap_query_combine(extra_op, q, extra, &full), XAP_OK);
    xap_enquire *e = NULL;
    assert_int_equal(xap_enquire_new(db, &e), XAP_OK);
    assert_int_equal(xap_enquire_set_query(e, full ? full : q), XAP_OK);
    xap_mset *m = NULL;
    assert_int_equal(xap_enquire_get_mset(e, 0, 50, 50, &m), XAP_OK);
    size_t n = xap_mset_size(m);
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(xap_mset_item_data(m, i, &data, &len), XAP_OK);
        int w = snprintf(out + used, cap - used, "%s%s", i ? "," : "", data);
        assert_true(w > 0 && (size_t)w < cap - used);
        used += (size_t)w;
        free(data);
    }
    xap_mset_free(m);
    xap_enquire_free(e);
    xap_query_free(full);
    xap_query_free(q);
    xap_qparser_free(qp);
    return n;
}

static void test_status_strings_and_languages(void **state)
{
    (void)state;
    assert_string_equal(xap_status_str(XAP_OK), "success");
    assert_true(strlen(xap_status_str(XAP_ERR_DB_MODIFIED)) > 0);
    int known = -1;
    assert_int_equal(xap_stem_language_known("french", &known), XAP_OK);
    assert_int_equal(known, 1);
    assert_int_equal(xap_stem_language_known("en", &known), XAP_OK);
    assert_int_equal(known, 1);
    assert_int_equal(xap_stem_language_known("klingon", &known), XAP_OK);
    assert_int_equal(known, 0);
    assert_int_equal(xap_stem_language_known("", &known), XAP_OK);
    assert_int_equal(known, 0);
    /* An unknown language is "no stemming", not an error. */
    xap_termgen *tg = NULL;
    assert_int_equal(xap_termgen_new(&tg), XAP_OK);
    assert_int_equal(xap_termgen_set_stemmer(tg, "klingon"), XAP_OK);
    assert_string_equal(xap_termgen_last_error(tg), "");
    xap_termgen_free(tg);
}

static void test_document_building_and_reading(void **state)
{
    (void)state;
    xap_doc *d = NULL;
    assert_int_equal(xap_doc_new(&d), XAP_OK);
    static const char data[] = {'a', '\0', 'b'};
    assert_int_equal(xap_doc_set_data(d, data, sizeof data), XAP_OK);
    assert_int_equal(xap_doc_add_term(d, "zeta", 2), XAP_OK);
    assert_int_equal(xap_doc_add_posting(d, "alpha", 1, 1), XAP_OK);
    assert_int_equal(xap_doc_add_boolean_term(d, "Hexample.fr"), XAP_OK);
    assert_int_equal(xap_doc_set_value(d, 0, "v0", 2), XAP_OK);
    assert_int_equal(xap_doc_set_value_double(d, SLOT_RANK, 3.25), XAP_OK);

    char *out = NULL;
    size_t len = 99;
    assert_int_equal(xap_doc_get_data(d, &out, &len), XAP_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(out, data, 3);
    free(out);
    assert_int_equal(xap_doc_get_value(d, 0, &out, &len), XAP_OK);
    assert_string_equal(out, "v0");
    free(out);
    assert_int_equal(xap_doc_get_value(d, 7, &out, &len), XAP_OK);
    assert_int_equal(len, 0);
    free(out);
    double v = 0;
    assert_int_equal(xap_doc_get_value_double(d, SLOT_RANK, &v), XAP_OK);
    assert_true(v == 3.25);
    assert_int_equal(xap_doc_get_value_double(d, 9, &v), XAP_ERR_NOT_FOUND);
    assert_true(strlen(xap_doc_last_error(d)) > 0);

    char **terms = NULL;
    size_t n = 0;
    assert_int_equal(xap_doc_get_terms(d, &terms, &n), XAP_OK);
    assert_int_equal(n, 3);
    assert_string_equal(terms[0], "Hexample.fr"); /* sorted bytewise */
    assert_string_equal(terms[1], "alpha");
    assert_string_equal(terms[2], "zeta");
    xap_strv_free(terms, n);
    assert_string_equal(xap_doc_last_error(d), "");

    /* Bad arguments: status, message, out-parameters cleared. */
    assert_int_equal(xap_doc_add_term(d, "", 1), XAP_ERR_ARG);
    assert_true(strlen(xap_doc_last_error(d)) > 0);
    assert_int_equal(xap_doc_add_term(NULL, "x", 1), XAP_ERR_ARG);
    out = (char *)1;
    assert_int_equal(xap_doc_get_data(NULL, &out, &len), XAP_ERR_ARG);
    assert_int_equal(len, 0);
    xap_doc_free(d);
    xap_doc_free(NULL);
}

static void test_add_replace_delete(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    xap_docid fr = put_doc(w, "french", "fr1", "Les chevaux galopent dans la prairie.", NULL);
    xap_docid en = put_doc(w, "english", "en1", "The horses are running in the meadow.", NULL);
    put_doc(w, "english", "en2", "A short note about databases.", NULL);
    assert_int_not_equal(fr, en);
    assert_int_equal(writer_count(w), 3);

    /* Replacing by the unique term keeps the count and the docid, and changes the content. */
    xap_docid again = put_doc(w, "french", "fr1", "Un cheval blanc.", NULL);
    assert_int_equal(again, fr);
    assert_int_equal(writer_count(w), 3);
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    unsigned long tf = 0;
    assert_int_equal(xap_db_term_freq(r, "blanc", &tf), XAP_OK);
    assert_int_equal(tf, 1);
    assert_int_equal(xap_db_term_freq(r, "prairi", &tf), XAP_OK);
    assert_int_equal(tf, 0);
    assert_int_equal(xap_db_term_freq(r, "prairie", &tf), XAP_OK);
    assert_int_equal(tf, 0);

    /* Delete by unique term; the stored document is gone. */
    assert_int_equal(xap_wdb_delete_document_by_term(w, "Qen1"), XAP_OK);
    assert_int_equal(doc_count(r), 2);
    xap_doc *d = (xap_doc *)1;
    assert_int_equal(xap_db_get_document(r, en, &d), XAP_ERR_NOT_FOUND);
    assert_null(d);
    assert_true(strlen(xap_db_last_error(r)) > 0);
    /* The surviving one reads back. */
    assert_int_equal(xap_db_get_document(r, fr, &d), XAP_OK);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(xap_doc_get_data(d, &data, &len), XAP_OK);
    assert_string_equal(data, "fr1");
    free(data);
    xap_doc_free(d);
    /* Deleting an absent term is not an error. */
    assert_int_equal(xap_wdb_delete_document_by_term(w, "Qnothing"), XAP_OK);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    put_doc(w, "english", "a", "first document", NULL);
    assert_int_equal(xap_wdb_commit(w), XAP_OK);

    assert_int_equal(xap_wdb_begin_transaction(w, 1), XAP_OK);
    put_doc(w, "english", "b", "second document", NULL);
    put_doc(w, "english", "c", "third document", NULL);
    assert_int_equal(writer_count(w), 3);
    assert_int_equal(xap_wdb_cancel_transaction(w), XAP_OK);
    assert_int_equal(writer_count(w), 1);

    assert_int_equal(xap_wdb_begin_transaction(w, 1), XAP_OK);
    put_doc(w, "english", "b", "second document", NULL);
    /* No nested transactions: Xapian refuses, we report it and the handle carries the reason. */
    xap_status st = xap_wdb_begin_transaction(w, 1);
    assert_int_not_equal(st, XAP_OK);
    assert_true(strlen(xap_wdb_last_error(w)) > 0);
    assert_int_equal(xap_wdb_commit_transaction(w), XAP_OK);
    assert_string_equal(xap_wdb_last_error(w), "");
    assert_int_equal(writer_count(w), 2);
    /* A flushed transaction is committed: a separate reader sees it. */
    xap_db *r = open_reader(f, "db");
    assert_int_equal(doc_count(r), 2);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_commit_then_reopen_and_info(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    put_doc(w, "english", "a", "alpha beta gamma", NULL);
    assert_int_equal(xap_wdb_set_metadata(w, "index_date", "2024-05-01", 10), XAP_OK);
    assert_int_equal(xap_wdb_commit(w), XAP_OK);

    xap_db *r = open_reader(f, "db");
    assert_int_equal(doc_count(r), 1);
    char *v = NULL;
    size_t len = 0;
    assert_int_equal(xap_db_get_metadata(r, "index_date", &v, &len), XAP_OK);
    assert_int_equal(len, 10);
    assert_string_equal(v, "2024-05-01");
    free(v);
    assert_int_equal(xap_db_get_metadata(r, "absent", &v, &len), XAP_OK);
    assert_int_equal(len, 0);
    assert_string_equal(v, "");
    free(v);
    int pos = 0;
    assert_int_equal(xap_db_has_positions(r, &pos), XAP_OK);
    assert_int_equal(pos, 1);
    double avg = 0;
    assert_int_equal(xap_db_avg_length(r, &avg), XAP_OK);
    /* Three words, each indexed twice with STEM_SOME (word and Zstem, wdf 1 each); the unique
     * boolean term has wdf 0 and does not count. */
    assert_true(avg == 6.0);

    put_doc(w, "english", "b", "delta", NULL);
    put_doc(w, "english", "c", "epsilon", NULL);
    assert_int_equal(xap_wdb_commit(w), XAP_OK);
    /* The reader stays on its revision until it reopens. */
    assert_int_equal(doc_count(r), 1);
    int changed = 0;
    assert_int_equal(xap_db_reopen(r, &changed), XAP_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(doc_count(r), 3);
    xap_docid last = 0;
    assert_int_equal(xap_db_last_docid(r, &last), XAP_OK);
    assert_int_equal(last, 3);
    assert_int_equal(xap_db_reopen(r, &changed), XAP_OK);
    assert_int_equal(changed, 0);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_database_modified_maps_to_reopen_and_retry(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    char uid[32], text[64];
    static const char filler[] = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do";
    for (int i = 0; i < 2000; i++) {
        snprintf(uid, sizeof uid, "u%d", i);
        snprintf(text, sizeof text, "common word%d", i);
        xap_doc *d = NULL;
        assert_int_equal(xap_doc_new(&d), XAP_OK);
        assert_int_equal(xap_doc_add_term(d, "common", 1), XAP_OK);
        assert_int_equal(xap_doc_add_term(d, uid, 1), XAP_OK);
        assert_int_equal(xap_doc_set_data(d, filler, sizeof filler - 1), XAP_OK);
        assert_int_equal(xap_wdb_add_document(w, d, NULL), XAP_OK);
        xap_doc_free(d);
    }
    assert_int_equal(xap_wdb_commit(w), XAP_OK);
    xap_db *r = open_reader(f, "db");
    /* Several commits rewriting every document discard the revision the reader is on. */
    for (int c = 0; c < 4; c++) {
        for (int i = 0; i < 2000; i++) {
            snprintf(uid, sizeof uid, "u%d", i);
            snprintf(text, sizeof text, "v%d_%d", c, i);
            xap_doc *d = NULL;
            assert_int_equal(xap_doc_new(&d), XAP_OK);
            assert_int_equal(xap_doc_add_term(d, "common", 1), XAP_OK);
            assert_int_equal(xap_doc_add_term(d, uid, 1), XAP_OK);
            assert_int_equal(xap_doc_add_term(d, text, 1), XAP_OK);
            assert_int_equal(xap_doc_set_data(d, text, strlen(text)), XAP_OK);
            assert_int_equal(xap_wdb_replace_document_by_term(w, uid, d, NULL), XAP_OK);
            xap_doc_free(d);
        }
        assert_int_equal(xap_wdb_commit(w), XAP_OK);
    }
    xap_doc *d = NULL;
    assert_int_equal(xap_db_get_document(r, 1500, &d), XAP_ERR_DB_MODIFIED);
    assert_null(d);
    assert_non_null(strstr(xap_db_last_error(r), "reopen"));
    int changed = 0;
    assert_int_equal(xap_db_reopen(r, &changed), XAP_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(xap_db_get_document(r, 1500, &d), XAP_OK);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(xap_doc_get_data(d, &data, &len), XAP_OK);
    assert_string_equal(data, "v3_1499");
    free(data);
    xap_doc_free(d);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_stemming_french_and_english(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    put_doc(w, "french", "fr", "Les chevaux galopent dans la prairie.", NULL);
    put_doc(w, "english", "en", "The horses are running in the meadow.", NULL);
    assert_int_equal(xap_wdb_commit(w), XAP_OK);

    /* The French stemmer folds the plural "chevaux" onto "cheval" (stemmed terms carry Z). */
    xap_db *r = open_reader(f, "db");
    unsigned long tf = 0;
    assert_int_equal(xap_db_term_freq(r, "Zcheval", &tf), XAP_OK);
    assert_int_equal(tf, 1);
    assert_int_equal(xap_db_term_freq(r, "chevaux", &tf), XAP_OK);
    assert_int_equal(tf, 1);
    assert_int_equal(xap_db_term_freq(r, "Zhors", &tf), XAP_OK);
    assert_int_equal(tf, 1);

    char out[256];
    assert_int_equal(search(r, "french", "cheval", NULL, XAP_Q_AND, out, sizeof out), 1);
    assert_string_equal(out, "fr");
    /* Without a stemmer the singular does not find the plural. */
    assert_int_equal(search(r, "", "cheval", NULL, XAP_Q_AND, out, sizeof out), 0);
    assert_int_equal(search(r, "english", "horse", NULL, XAP_Q_AND, out, sizeof out), 1);
    assert_string_equal(out, "en");
    /* Default AND: both words must be there. */
    assert_int_equal(search(r, "english", "horse databases", NULL, XAP_Q_AND, out, sizeof out), 0);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_query_parser_details(void **state)
{
    (void)state;
    xap_qparser *qp = NULL;
    xap_query *q = (xap_query *)1;
    assert_int_equal(xap_qparser_new(&qp), XAP_OK);
    assert_int_equal(xap_qparser_parse(qp, "foo AND", XAP_QP_DEFAULT, &q), XAP_ERR_QUERY);
    assert_null(q);
    assert_non_null(strstr(xap_qparser_last_error(qp), "Syntax"));
    assert_int_equal(xap_qparser_parse(qp, "foo", 1u << 30, &q), XAP_ERR_ARG);

    assert_int_equal(xap_qparser_add_prefix(qp, "title", "S"), XAP_OK);
    assert_int_equal(xap_qparser_add_boolean_prefix(qp, "site", "H", 1), XAP_OK);
    assert_int_equal(xap_qparser_set_default_op(qp, XAP_QP_OP_OR), XAP_OK);
    assert_int_equal(xap_qparser_parse(qp, "title:hello world site:example.fr", XAP_QP_DEFAULT, &q),
                     XAP_OK);
    char *desc = NULL;
    assert_int_equal(xap_query_describe(q, &desc), XAP_OK);
    assert_non_null(strstr(desc, "Shello"));
    assert_non_null(strstr(desc, "OR"));
    assert_non_null(strstr(desc, "Hexample.fr"));
    assert_non_null(strstr(desc, "FILTER"));
    free(desc);
    xap_query_free(q);
    xap_qparser_free(qp);
}

static void test_boolean_prefix_and_category_filters(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    const char *a_terms[] = {"Hexample.fr", "Lfr", NULL};
    const char *b_terms[] = {"Hother.org", "Lfr", "XCadult", NULL};
    const char *c_terms[] = {"Hthird.net", "Len", "XCgambling", NULL};
    put_doc(w, "french", "a", "un cheval au galop", a_terms);
    put_doc(w, "french", "b", "un cheval au trot", b_terms);
    put_doc(w, "french", "c", "un cheval de course", c_terms);
    assert_int_equal(xap_wdb_commit(w), XAP_OK);
    xap_db *r = open_reader(f, "db");
    char out[256];

    assert_int_equal(search(r, "french", "cheval", NULL, XAP_Q_AND, out, sizeof out), 3);
    assert_int_equal(search(r, "french", "cheval site:other.org", NULL, XAP_Q_AND, out, sizeof out),
                     1);
    assert_string_equal(out, "b");

    /* The query-time mode filter: AND_NOT on the hidden categories. */
    const char *hidden[] = {"XCadult", "XCgambling"};
    xap_query *cats = NULL;
    assert_int_equal(xap_query_terms(XAP_Q_OR, hidden, 2, &cats), XAP_OK);
    assert_int_equal(search(r, "french", "cheval", cats, XAP_Q_AND_NOT, out, sizeof out), 1);
    assert_string_equal(out, "a");
    xap_query_free(cats);

    /* FILTER on a language term does not change weights, only restricts. */
    xap_query *lang = NULL;
    assert_int_equal(xap_query_term("Lfr", 1, &lang), XAP_OK);
    assert_int_equal(search(r, "french", "cheval", lang, XAP_Q_FILTER, out, sizeof out), 2);
    assert_null(strchr(out, 'c'));
    xap_query_free(lang);

    assert_int_equal(xap_query_terms(XAP_Q_AND_NOT, hidden, 2, &cats), XAP_ERR_ARG);
    assert_null(cats);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

/* Add a document "uid" with text, a site value and (if rank >= 0) a static rank. */
static void put_ranked(xap_wdb *w, const char *uid, const char *text, const char *site, double rank)
{
    xap_doc *d = NULL;
    xap_termgen *tg = NULL;
    assert_int_equal(xap_doc_new(&d), XAP_OK);
    assert_int_equal(xap_termgen_new(&tg), XAP_OK);
    assert_int_equal(xap_termgen_set_stemmer(tg, "english"), XAP_OK);
    assert_int_equal(xap_termgen_set_document(tg, d), XAP_OK);
    assert_int_equal(xap_termgen_index_text(tg, text, strlen(text), 1, NULL), XAP_OK);
    assert_int_equal(xap_termgen_increase_termpos(tg, 100), XAP_OK);
    assert_int_equal(xap_termgen_index_text(tg, site, strlen(site), 1, "S"), XAP_OK);
    assert_int_equal(xap_doc_set_value(d, SLOT_SITE, site, strlen(site)), XAP_OK);
    if (rank >= 0)
        assert_int_equal(xap_doc_set_value_double(d, SLOT_RANK, rank), XAP_OK);
    assert_int_equal(xap_doc_set_data(d, uid, strlen(uid)), XAP_OK);
    assert_int_equal(xap_wdb_add_document(w, d, NULL), XAP_OK);
    xap_termgen_free(tg);
    xap_doc_free(d);
}

static xap_mset *run(xap_db *db, const xap_query *q, int collapse)
{
    xap_enquire *e = NULL;
    xap_mset *m = NULL;
    assert_int_equal(xap_enquire_new(db, &e), XAP_OK);
    assert_int_equal(xap_enquire_set_query(e, q), XAP_OK);
    assert_int_equal(xap_enquire_set_bm25(e, 1.2, 0, 1, 0.75, 0.5), XAP_OK);
    assert_int_equal(xap_enquire_set_docid_order(e, XAP_DOCID_ASCENDING), XAP_OK);
    if (collapse)
        assert_int_equal(xap_enquire_set_collapse_key(e, SLOT_SITE, 1), XAP_OK);
    assert_int_equal(xap_enquire_get_mset(e, 0, 10, 100, &m), XAP_OK);
    xap_enquire_free(e); /* the mset outlives its session */
    return m;
}

static void test_collapse_by_site(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    put_ranked(w, "a1", "garden tools for sale", "a.example", -1);
    put_ranked(w, "a2", "garden furniture", "a.example", -1);
    put_ranked(w, "a3", "garden design ideas", "a.example", -1);
    put_ranked(w, "b1", "a garden in spring", "b.example", -1);
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    xap_query *q = NULL;
    assert_int_equal(xap_query_term("garden", 1, &q), XAP_OK);

    xap_mset *m = run(r, q, 0);
    assert_int_equal(xap_mset_size(m), 4);
    xap_mset_free(m);

    m = run(r, q, 1);
    assert_int_equal(xap_mset_size(m), 2);
    unsigned collapsed = 0;
    int seen_a = 0, seen_b = 0;
    for (size_t i = 0; i < 2; i++) {
        xap_mset_item it;
        assert_int_equal(xap_mset_get_item(m, i, &it), XAP_OK);
        assert_int_equal(it.rank, i);
        collapsed += it.collapse_count;
        char *site = NULL;
        size_t len = 0;
        assert_int_equal(xap_mset_item_value(m, i, SLOT_SITE, &site, &len), XAP_OK);
        seen_a += strcmp(site, "a.example") == 0;
        seen_b += strcmp(site, "b.example") == 0;
        free(site);
    }
    assert_int_equal(seen_a, 1);
    assert_int_equal(seen_b, 1);
    assert_int_equal(collapsed, 2); /* two a.example pages folded away */
    xap_mset_item it;
    assert_int_equal(xap_mset_get_item(m, 2, &it), XAP_ERR_ARG);
    assert_true(strlen(xap_mset_last_error(m)) > 0);
    xap_mset_free(m);
    xap_query_free(q);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_static_rank_posting_source(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    /* Same text, so the same BM25 weight: only the static rank can separate them. */
    put_ranked(w, "low", "solar energy basics", "x.example", 0.5);
    put_ranked(w, "high", "solar energy basics", "y.example", 9.0);
    put_ranked(w, "mid", "solar energy basics", "z.example", 3.0);
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);

    xap_query *text = NULL, *rank = NULL, *scaled = NULL, *both = NULL;
    assert_int_equal(xap_query_term("solar", 1, &text), XAP_OK);
    xap_mset *m = run(r, text, 0);
    assert_int_equal(xap_mset_size(m), 3);
    xap_mset_item a, b;
    assert_int_equal(xap_mset_get_item(m, 0, &a), XAP_OK);
    assert_int_equal(xap_mset_get_item(m, 2, &b), XAP_OK);
    assert_true(a.weight == b.weight);
    assert_int_equal(a.docid, 1); /* ties in docid order */
    xap_mset_free(m);

    assert_int_equal(xap_query_value_weight(SLOT_RANK, &rank), XAP_OK);
    assert_int_equal(xap_query_scale_weight(rank, 0.1, &scaled), XAP_OK);
    assert_int_equal(xap_query_combine(XAP_Q_AND_MAYBE, text, scaled, &both), XAP_OK);
    char *desc = NULL;
    assert_int_equal(xap_query_describe(both, &desc), XAP_OK);
    assert_non_null(strstr(desc, "ValueWeightPostingSource"));
    assert_non_null(strstr(desc, "AND_MAYBE"));
    free(desc);

    m = run(r, both, 0);
    assert_int_equal(xap_mset_size(m), 3);
    const char *expect[] = {"high", "mid", "low"};
    double prev = 1e300;
    for (size_t i = 0; i < 3; i++) {
        char *data = NULL;
        size_t len = 0;
        xap_mset_item it;
        assert_int_equal(xap_mset_get_item(m, i, &it), XAP_OK);
        assert_true(it.weight < prev);
        prev = it.weight;
        assert_int_equal(xap_mset_item_data(m, i, &data, &len), XAP_OK);
        assert_string_equal(data, expect[i]);
        free(data);
    }
    xap_mset_free(m);
    xap_query_free(scaled);
    assert_int_equal(xap_query_scale_weight(rank, -1, &scaled), XAP_ERR_ARG);
    assert_null(scaled);
    xap_query_free(both);
    xap_query_free(rank);
    xap_query_free(text);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_snippet_highlights_query_word(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    const char *text = "Le cheval est un grand mammifère herbivore. Les chevaux vivent en troupeau "
                       "dans les plaines, et ils galopent vite.";
    put_doc(w, "french", "fr", text, NULL);
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    xap_qparser *qp = NULL;
    xap_query *q = NULL;
    assert_int_equal(xap_qparser_new(&qp), XAP_OK);
    assert_int_equal(xap_qparser_set_stemmer(qp, "french"), XAP_OK);
    assert_int_equal(xap_qparser_set_stem_strategy(qp, XAP_STEM_SOME), XAP_OK);
    assert_int_equal(xap_qparser_parse(qp, "troupeau", XAP_QP_DEFAULT, &q), XAP_OK);
    xap_mset *m = run(r, q, 0);
    assert_int_equal(xap_mset_size(m), 1);
    char *snip = NULL;
    assert_int_equal(xap_mset_snippet(m, text, strlen(text), 60, "french",
                                      XAP_SNIPPET_BACKGROUND_MODEL | XAP_SNIPPET_EXHAUSTIVE, "<b>",
                                      "</b>", "…", &snip),
                     XAP_OK);
    assert_non_null(strstr(snip, "<b>troupeau</b>"));
    assert_true(strlen(snip) < strlen(text) + 20); /* cut to about 60 bytes, not the whole text */
    free(snip);
    /* NULL markers are Xapian's defaults. */
    assert_int_equal(
        xap_mset_snippet(m, text, strlen(text), 500, "french", 0, NULL, NULL, NULL, &snip), XAP_OK);
    assert_non_null(strstr(snip, "<b>troupeau</b>"));
    free(snip);
    /* With the stemmer, the singular in the query highlights the plural in the text. */
    xap_query *q2 = NULL;
    assert_int_equal(xap_qparser_parse(qp, "cheval", XAP_QP_DEFAULT, &q2), XAP_OK);
    xap_mset *m2 = run(r, q2, 0);
    assert_int_equal(xap_mset_size(m2), 1);
    assert_int_equal(
        xap_mset_snippet(m2, text, strlen(text), 500, "french", 0, "[", "]", "", &snip), XAP_OK);
    assert_non_null(strstr(snip, "[cheval]"));
    assert_non_null(strstr(snip, "[chevaux]"));
    free(snip);
    xap_mset_free(m2);
    xap_query_free(q2);
    /* A text without the word, with EMPTY_WITHOUT_MATCH, gives "". */
    const char *other = "Rien à voir ici.";
    assert_int_equal(xap_mset_snippet(m, other, strlen(other), 60, "french",
                                      XAP_SNIPPET_EMPTY_WITHOUT_MATCH, NULL, NULL, NULL, &snip),
                     XAP_OK);
    assert_string_equal(snip, "");
    free(snip);
    assert_int_equal(
        xap_mset_snippet(m, other, strlen(other), 60, "french", 1u << 20, NULL, NULL, NULL, &snip),
        XAP_ERR_ARG);
    assert_null(snip);
    xap_mset_free(m);
    xap_query_free(q);
    xap_qparser_free(qp);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static void test_spelling(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    assert_int_equal(xap_wdb_add_spelling(w, "chocolat", 5), XAP_OK);
    assert_int_equal(xap_wdb_add_spelling(w, "", 1), XAP_ERR_ARG);
    /* A term generator can feed the dictionary too. */
    xap_doc *d = NULL;
    xap_termgen *tg = NULL;
    assert_int_equal(xap_doc_new(&d), XAP_OK);
    assert_int_equal(xap_termgen_new(&tg), XAP_OK);
    assert_int_equal(xap_termgen_set_document(tg, d), XAP_OK);
    assert_int_equal(xap_termgen_set_spelling_db(tg, w), XAP_OK);
    assert_int_equal(xap_termgen_index_text(tg, "bibliothèque", strlen("bibliothèque"), 1, NULL),
                     XAP_OK);
    assert_int_equal(xap_termgen_set_spelling_db(tg, NULL), XAP_OK);
    assert_int_equal(xap_wdb_add_document(w, d, NULL), XAP_OK);
    xap_termgen_free(tg);
    xap_doc_free(d);
    assert_int_equal(xap_wdb_commit(w), XAP_OK);

    xap_db *r = open_reader(f, "db");
    char *s = NULL;
    assert_int_equal(xap_db_spelling_suggestion(r, "chocolta", &s), XAP_OK);
    assert_string_equal(s, "chocolat");
    free(s);
    assert_int_equal(xap_db_spelling_suggestion(r, "bibliotheque", &s), XAP_OK);
    assert_string_equal(s, "bibliothèque");
    free(s);
    assert_int_equal(xap_db_spelling_suggestion(r, "zzzzzzzz", &s), XAP_OK);
    assert_string_equal(s, "");
    free(s);

    xap_qparser *qp = NULL;
    xap_query *q = NULL;
    assert_int_equal(xap_qparser_new(&qp), XAP_OK);
    assert_int_equal(xap_qparser_set_database(qp, r), XAP_OK);
    assert_int_equal(xap_qparser_parse(qp, "gateau chocolta", XAP_QP_DEFAULT | XAP_QP_SPELLING, &q),
                     XAP_OK);
    assert_int_equal(xap_qparser_corrected_query(qp, &s), XAP_OK);
    assert_string_equal(s, "gateau chocolat");
    free(s);
    xap_query_free(q);
    xap_qparser_free(qp);
    xap_db_close(r);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

/* What a spelling walk saw: "word=freq;" for each word, and a stop after `stop_after` words. */
typedef struct {
    char seen[256];
    size_t calls, stop_after;
} spell_walk;

static int on_spelling(const char *word, unsigned freq, void *ctx)
{
    spell_walk *sw = ctx;
    size_t used = strlen(sw->seen);
    int n = snprintf(sw->seen + used, sizeof sw->seen - used, "%s=%u;", word, freq);
    assert_true(n > 0 && (size_t)n < sizeof sw->seen - used);
    sw->calls++;
    return sw->stop_after && sw->calls >= sw->stop_after;
}

/* The spelling walk lists every word with its frequency in byte order; over several databases
 * (opened together, or added one to another) a shared word is seen once with the frequencies
 * summed; a database without spelling data and an empty one walk nothing; a callback stops it. */
static void test_spelling_walk(void **state)
{
    fixture *f = *state;
    xap_wdb *w1 = open_writer(f, "s1");
    xap_wdb *w2 = open_writer(f, "s2");
    xap_wdb *w3 = open_writer(f, "plain");
    assert_int_equal(xap_wdb_add_spelling(w1, "volcan", 3), XAP_OK);
    assert_int_equal(xap_wdb_add_spelling(w1, "école", 2), XAP_OK);
    assert_int_equal(xap_wdb_add_spelling(w1, "chocolat", 1), XAP_OK);
    assert_int_equal(xap_wdb_add_spelling(w2, "chocolat", 4), XAP_OK);
    assert_int_equal(xap_wdb_add_spelling(w2, "bibliothèque", 1), XAP_OK);
    put_doc(w3, "english", "one", "no spelling data here", NULL);
    assert_int_equal(xap_wdb_close(w1), XAP_OK);
    assert_int_equal(xap_wdb_close(w2), XAP_OK);
    assert_int_equal(xap_wdb_close(w3), XAP_OK);

    spell_walk sw = {0};
    size_t n = 99;
    xap_db *r = open_reader(f, "s1");
    assert_int_equal(xap_db_spellings(r, on_spelling, &sw, &n), XAP_OK);
    assert_string_equal(sw.seen, "chocolat=1;volcan=3;école=2;"); /* byte order: é > v */
    assert_int_equal(n, 3);
    assert_string_equal(xap_db_last_error(r), "");
    xap_db_close(r);

    char p1[128], p2[128], p3[128];
    path_in(f, "s1", p1, sizeof p1);
    path_in(f, "s2", p2, sizeof p2);
    path_in(f, "plain", p3, sizeof p3);
    const char *paths[] = {p1, p2, p3};
    xap_db *many = NULL;
    char *err = NULL;
    assert_int_equal(xap_db_open_many(paths, 3, &many, &err), XAP_OK);
    memset(&sw, 0, sizeof sw);
    assert_int_equal(xap_db_spellings(many, on_spelling, &sw, &n), XAP_OK);
    assert_string_equal(sw.seen, "bibliothèque=1;chocolat=5;volcan=3;école=2;");
    assert_int_equal(n, 4);
    xap_db_close(many);

    /* Added one to another: the same merge. */
    xap_db *a = open_reader(f, "s2"), *b = open_reader(f, "s1");
    assert_int_equal(xap_db_add_database(a, b), XAP_OK);
    xap_db_close(b);
    memset(&sw, 0, sizeof sw);
    assert_int_equal(xap_db_spellings(a, on_spelling, &sw, NULL), XAP_OK);
    assert_string_equal(sw.seen, "bibliothèque=1;chocolat=5;volcan=3;école=2;");
    /* Stopped by the callback after two words. */
    memset(&sw, 0, sizeof sw);
    sw.stop_after = 2;
    assert_int_equal(xap_db_spellings(a, on_spelling, &sw, &n), XAP_OK);
    assert_string_equal(sw.seen, "bibliothèque=1;chocolat=5;");
    assert_int_equal(n, 2);
    /* Bad arguments. */
    n = 7;
    assert_int_equal(xap_db_spellings(a, NULL, &sw, &n), XAP_ERR_ARG);
    assert_int_equal(n, 0);
    assert_true(strlen(xap_db_last_error(a)) > 0);
    assert_int_equal(xap_db_spellings(NULL, on_spelling, &sw, &n), XAP_ERR_ARG);
    xap_db_close(a);

    /* No spelling data: nothing to walk. */
    r = open_reader(f, "plain");
    memset(&sw, 0, sizeof sw);
    assert_int_equal(xap_db_spellings(r, on_spelling, &sw, &n), XAP_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sw.calls, 0);
    xap_db_close(r);

    /* A dictionary rebuilt from the walk answers spelling corrections like the sources, and
     * holds no document. */
    xap_wdb *dict = open_writer(f, "dict");
    assert_int_equal(xap_db_open_many(paths, 3, &many, &err), XAP_OK);
    memset(&sw, 0, sizeof sw);
    assert_int_equal(xap_db_spellings(many, on_spelling, &sw, NULL), XAP_OK);
    const char *words[] = {"bibliothèque", "chocolat", "volcan", "école"};
    const unsigned freqs[] = {1, 5, 3, 2};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(xap_wdb_add_spelling(dict, words[i], freqs[i]), XAP_OK);
    assert_int_equal(xap_wdb_close(dict), XAP_OK);
    r = open_reader(f, "dict");
    assert_int_equal(doc_count(r), 0);
    char *s1 = NULL, *s2 = NULL;
    assert_int_equal(xap_db_spelling_suggestion(r, "chocolta", &s1), XAP_OK);
    assert_int_equal(xap_db_spelling_suggestion(many, "chocolta", &s2), XAP_OK);
    assert_string_equal(s1, "chocolat");
    assert_string_equal(s1, s2);
    free(s1);
    free(s2);
    xap_db_close(r);
    xap_db_close(many);
}

static void test_stub_file_and_many_paths(void **state)
{
    fixture *f = *state;
    xap_wdb *w1 = open_writer(f, "shard1");
    xap_wdb *w2 = open_writer(f, "shard2");
    put_doc(w1, "english", "one", "lighthouse keeper", NULL);
    put_doc(w2, "english", "two", "lighthouse on the coast", NULL);
    assert_int_equal(xap_wdb_close(w1), XAP_OK);
    assert_int_equal(xap_wdb_close(w2), XAP_OK);

    char stub[128], p1[128], p2[128];
    path_in(f, "all.stub", stub, sizeof stub);
    path_in(f, "shard1", p1, sizeof p1);
    path_in(f, "shard2", p2, sizeof p2);
    FILE *fp = fopen(stub, "w");
    assert_non_null(fp);
    fprintf(fp, "auto %s\nauto %s\n", p1, p2);
    assert_int_equal(fclose(fp), 0);

    xap_db *db = NULL;
    char *err = NULL;
    assert_int_equal(xap_db_open(stub, &db, &err), XAP_OK);
    assert_int_equal(doc_count(db), 2);
    char out[64];
    assert_int_equal(search(db, "english", "lighthouse", NULL, XAP_Q_AND, out, sizeof out), 2);
    assert_non_null(strstr(out, "one"));
    assert_non_null(strstr(out, "two"));
    xap_db_close(db);

    const char *paths[] = {p1, p2};
    assert_int_equal(xap_db_open_many(paths, 2, &db, &err), XAP_OK);
    assert_int_equal(search(db, "english", "coast", NULL, XAP_Q_AND, out, sizeof out), 1);
    assert_string_equal(out, "two");
    xap_db_close(db);
}

/* xap_mset_values gives, item by item and slot by slot, what xap_mset_item_value gives, for items
 * in rank order (not docid order), documents without a value, two slots at once, and a database
 * of two shards. */
static void assert_values_match(xap_db *db, size_t expect_n)
{
    xap_query *q = NULL;
    assert_int_equal(xap_query_term("beacon", 1, &q), XAP_OK);
    xap_enquire *e = NULL;
    assert_int_equal(xap_enquire_new(db, &e), XAP_OK);
    assert_int_equal(xap_enquire_set_query(e, q), XAP_OK);
    xap_mset *m = NULL;
    assert_int_equal(xap_enquire_get_mset(e, 0, 100, 100, &m), XAP_OK);
    size_t n = xap_mset_size(m);
    assert_int_equal(n, expect_n);
    const xap_slot slots[] = {SLOT_SITE, SLOT_RANK};
    char *vals[2 * 64];
    size_t lens[2 * 64];
    assert_int_equal(xap_mset_values(m, slots, 2, vals, lens), XAP_OK);
    size_t unset[2] = {0, 0}, out_of_order = 0;
    xap_docid prev = 0;
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; i < n; i++) {
            char *one = NULL;
            size_t len = 0;
            assert_int_equal(xap_mset_item_value(m, i, slots[s], &one, &len), XAP_OK);
            assert_int_equal(lens[s * n + i], len);
            assert_string_equal(vals[s * n + i], one);
            unset[s] += len == 0;
            free(one);
            free(vals[s * n + i]);
        }
    for (size_t i = 0; i < n; i++) {
        xap_mset_item it;
        assert_int_equal(xap_mset_get_item(m, i, &it), XAP_OK);
        out_of_order += it.docid < prev;
        prev = it.docid;
    }
    assert_true(unset[0] > 0 && unset[0] < n);
    assert_true(unset[1] > 0 && unset[1] < n && unset[1] != unset[0]);
    assert_true(out_of_order > 0);
    assert_int_equal(xap_mset_values(NULL, slots, 2, vals, lens), XAP_ERR_ARG);
    assert_int_equal(xap_mset_values(m, NULL, 2, vals, lens), XAP_ERR_ARG);
    xap_mset_free(m);
    xap_enquire_free(e);
    xap_query_free(q);
}

static void test_mset_values_in_one_pass(void **state)
{
    fixture *f = *state;
    xap_wdb *w[2] = {open_writer(f, "va"), open_writer(f, "vb")};
    for (int i = 0; i < 40; i++) {
        xap_doc *d = NULL;
        assert_int_equal(xap_doc_new(&d), XAP_OK);
        /* Later documents weigh more: the rank order is not the docid order. */
        assert_int_equal(xap_doc_add_term(d, "beacon", (unsigned)(1 + i)), XAP_OK);
        assert_int_equal(xap_doc_add_term(d, "padding", (unsigned)(80 - i)), XAP_OK);
        char host[32];
        snprintf(host, sizeof host, "host%d.example", i);
        if (i % 3)
            assert_int_equal(xap_doc_set_value(d, SLOT_SITE, host, strlen(host)), XAP_OK);
        if (i % 4 == 0)
            assert_int_equal(xap_doc_set_value(d, SLOT_RANK, host + 4, strlen(host + 4)), XAP_OK);
        assert_int_equal(xap_wdb_add_document(w[i % 2], d, NULL), XAP_OK);
        xap_doc_free(d);
    }
    assert_int_equal(xap_wdb_close(w[0]), XAP_OK);
    assert_int_equal(xap_wdb_close(w[1]), XAP_OK);
    xap_db *db = open_reader(f, "va");
    assert_values_match(db, 20);
    xap_db_close(db);
    char pa[128], pb[128];
    path_in(f, "va", pa, sizeof pa);
    path_in(f, "vb", pb, sizeof pb);
    const char *paths[] = {pa, pb};
    assert_int_equal(xap_db_open_many(paths, 2, &db, NULL), XAP_OK);
    assert_values_match(db, 40);
    xap_db_close(db);
}

/* The weights of the items of `q` on db (BM25 as search.c sets it), by docid, into w[1..]. */
static void weights_by_docid(xap_db *db, const xap_query *q, double *w, size_t cap)
{
    xap_enquire *e = NULL;
    assert_int_equal(xap_enquire_new(db, &e), XAP_OK);
    assert_int_equal(xap_enquire_set_bm25(e, 1.6, 0, 1, 0.3, 0.5), XAP_OK);
    assert_int_equal(xap_enquire_set_query(e, q), XAP_OK);
    xap_mset *m = NULL;
    assert_int_equal(xap_enquire_get_mset(e, 0, 100, 100, &m), XAP_OK);
    for (size_t i = 0; i < xap_mset_size(m); i++) {
        xap_mset_item it;
        assert_int_equal(xap_mset_get_item(m, i, &it), XAP_OK);
        assert_true(it.docid < cap);
        w[it.docid] = it.weight;
    }
    xap_mset_free(m);
    xap_enquire_free(e);
}

/* What search.c relies on to match coinciding parses once: a query ORed with k copies of itself
 * weighs exactly what the query scaled by k weighs (Xapian weighs each occurrence of a term in a
 * query alike), for words and for a phrase. */
static void test_copies_weigh_as_scaled_query(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "copies");
    put_doc(w, "english", "a", "the lighthouse keeper keeps the lamp of the lighthouse", NULL);
    put_doc(w, "english", "b", "a keeper of bees keeps a lighthouse map", NULL);
    put_doc(w, "english", "c", "lighthouse keeper", NULL);
    put_doc(w, "english", "d", "the keeper of the zoo", NULL);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
    xap_db *db = open_reader(f, "copies");
    const char *texts[] = {"lighthouse keeper", "\"lighthouse keeper\""};
    for (size_t t = 0; t < 2; t++) {
        xap_qparser *qp = NULL;
        xap_query *q = NULL;
        assert_int_equal(xap_qparser_new(&qp), XAP_OK);
        assert_int_equal(xap_qparser_set_stemmer(qp, "english"), XAP_OK);
        assert_int_equal(xap_qparser_set_stem_strategy(qp, XAP_STEM_SOME), XAP_OK);
        assert_int_equal(xap_qparser_set_default_op(qp, XAP_QP_OP_OR), XAP_OK);
        assert_int_equal(xap_qparser_parse(qp, texts[t], XAP_QP_DEFAULT, &q), XAP_OK);
        for (unsigned k = 2; k <= 3; k++) {
            xap_query *ored = NULL, *scaled = NULL, *tmp = NULL;
            assert_int_equal(xap_query_combine(XAP_Q_OR, q, q, &ored), XAP_OK);
            if (k == 3) {
                assert_int_equal(xap_query_combine(XAP_Q_OR, ored, q, &tmp), XAP_OK);
                xap_query_free(ored);
                ored = tmp;
            }
            assert_int_equal(xap_query_scale_weight(q, k, &scaled), XAP_OK);
            double a[16] = {0}, b[16] = {0}, one[16] = {0};
            weights_by_docid(db, ored, a, 16);
            weights_by_docid(db, scaled, b, 16);
            weights_by_docid(db, q, one, 16);
            size_t matched = 0;
            for (size_t d = 0; d < 16; d++) {
                assert_true(fabs(a[d] - b[d]) <= 1e-9 * (1 + fabs(a[d])));
                matched += one[d] > 0;
            }
            assert_true(matched >= (t ? 2u : 3u));
            xap_query_free(ored);
            xap_query_free(scaled);
        }
        xap_query_free(q);
        xap_qparser_free(qp);
    }
    xap_db_close(db);
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    char p[128];
    path_in(f, "missing", p, sizeof p);
    xap_db *db = (xap_db *)1;
    char *err = NULL;
    assert_int_equal(xap_db_open(p, &db, &err), XAP_ERR_NOT_FOUND);
    assert_null(db);
    assert_non_null(err);
    assert_true(strlen(err) > 0);
    free(err);
    /* Without errmsg too. */
    assert_int_equal(xap_db_open(p, &db, NULL), XAP_ERR_NOT_FOUND);
    xap_wdb *w = (xap_wdb *)1;
    assert_int_equal(xap_wdb_open(p, XAP_WDB_OPEN, &w, &err), XAP_ERR_NOT_FOUND);
    assert_null(w);
    free(err);
    assert_int_equal(xap_db_open("", &db, &err), XAP_ERR_ARG);
    free(err);

    /* A stub naming a missing shard. */
    char stub[128];
    path_in(f, "bad.stub", stub, sizeof stub);
    FILE *fp = fopen(stub, "w");
    assert_non_null(fp);
    fprintf(fp, "auto %s\n", p);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(xap_db_open(stub, &db, &err), XAP_ERR_NOT_FOUND);
    free(err);
}

static void test_second_writer_is_locked(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    char p[128];
    path_in(f, "db", p, sizeof p);
    xap_wdb *w2 = (xap_wdb *)1;
    char *err = NULL;
    assert_int_equal(xap_wdb_open(p, XAP_WDB_CREATE_OR_OPEN, &w2, &err), XAP_ERR_LOCKED);
    assert_null(w2);
    assert_non_null(err);
    assert_non_null(strstr(err, "lock"));
    free(err);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
    /* Once released, a new writer gets it. */
    w = open_writer(f, "db");
    assert_int_equal(xap_wdb_close(w), XAP_OK);
    assert_int_equal(xap_wdb_close(NULL), XAP_OK);
}

static void test_unreachable_remote_shard(void **state)
{
    fixture *f = *state;
    /* A loopback port that was free a moment ago: nothing listens there. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    close(s);

    char stub[128];
    path_in(f, "remote.stub", stub, sizeof stub);
    FILE *fp = fopen(stub, "w");
    assert_non_null(fp);
    fprintf(fp, "remote 127.0.0.1:%u\n", (unsigned)ntohs(sa.sin_port));
    assert_int_equal(fclose(fp), 0);
    xap_db *db = (xap_db *)1;
    char *err = NULL;
    assert_int_equal(xap_db_open(stub, &db, &err), XAP_ERR_NETWORK);
    assert_null(db);
    assert_non_null(err);
    free(err);
}

/* Databases opened one by one and added together search as a stub listing them in that order;
 * a remote shard opened on its own with short timeouts fails fast when nothing listens. */
static void test_add_database_and_open_remote(void **state)
{
    fixture *f = *state;
    xap_wdb *w1 = open_writer(f, "s1");
    xap_wdb *w2 = open_writer(f, "s2");
    put_doc(w1, "english", "one", "lighthouse keeper", NULL);
    put_doc(w1, "english", "three", "lighthouse lamp", NULL);
    put_doc(w2, "english", "two", "lighthouse on the coast", NULL);
    assert_int_equal(xap_wdb_close(w1), XAP_OK);
    assert_int_equal(xap_wdb_close(w2), XAP_OK);
    char p1[128], p2[128];
    path_in(f, "s1", p1, sizeof p1);
    path_in(f, "s2", p2, sizeof p2);

    const char *paths[] = {p1, p2};
    xap_db *many = NULL, *db = NULL, *other = NULL;
    char *err = NULL;
    assert_int_equal(xap_db_open_many(paths, 2, &many, &err), XAP_OK);
    assert_int_equal(xap_db_open(p1, &db, &err), XAP_OK);
    assert_int_equal(xap_db_open(p2, &other, &err), XAP_OK);
    assert_int_equal(xap_db_add_database(db, other), XAP_OK);
    xap_db_close(other); /* db keeps what it added */
    assert_int_equal(doc_count(db), 3);
    xap_docid last_a = 0, last_b = 0;
    assert_int_equal(xap_db_last_docid(db, &last_a), XAP_OK);
    assert_int_equal(xap_db_last_docid(many, &last_b), XAP_OK);
    assert_int_equal(last_a, last_b);
    for (xap_docid id = 1; id <= last_a; id++) { /* the same document under each docid */
        xap_doc *da = NULL, *dm = NULL;
        xap_status sa = xap_db_get_document(db, id, &da);
        assert_int_equal(sa, xap_db_get_document(many, id, &dm));
        if (sa == XAP_OK) {
            char *a = NULL, *b = NULL;
            size_t la, lb;
            assert_int_equal(xap_doc_get_data(da, &a, &la), XAP_OK);
            assert_int_equal(xap_doc_get_data(dm, &b, &lb), XAP_OK);
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
        xap_doc_free(da);
        xap_doc_free(dm);
    }
    char out_a[64], out_b[64];
    assert_int_equal(search(db, "english", "lighthouse", NULL, XAP_Q_AND, out_a, sizeof out_a), 3);
    assert_int_equal(search(many, "english", "lighthouse", NULL, XAP_Q_AND, out_b, sizeof out_b),
                     3);
    assert_string_equal(out_a, out_b);
    assert_int_equal(xap_db_add_database(NULL, many), XAP_ERR_ARG);
    assert_int_equal(xap_db_add_database(db, NULL), XAP_ERR_ARG);
    assert_true(strlen(xap_db_last_error(db)) > 0);
    xap_db_close(db);
    xap_db_close(many);

    /* Nothing listens on this loopback port: a network error, at once. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    close(s);
    db = (xap_db *)1;
    assert_int_equal(xap_db_open_remote("127.0.0.1", ntohs(sa.sin_port), 2000, 1000, &db, &err),
                     XAP_ERR_NETWORK);
    assert_null(db);
    assert_non_null(err);
    assert_true(strlen(err) > 0);
    free(err);
    assert_int_equal(xap_db_open_remote(NULL, 1234, 0, 0, &db, &err), XAP_ERR_ARG);
    free(err);
    assert_int_equal(xap_db_open_remote("127.0.0.1", 0, 0, 0, &db, &err), XAP_ERR_ARG);
    free(err);
    assert_int_equal(xap_db_open_remote("127.0.0.1", 65536, 0, 0, &db, NULL), XAP_ERR_ARG);
    assert_null(db);
    assert_int_equal(xap_db_open_remote("127.0.0.1", 1234, 0, 0, NULL, NULL), XAP_ERR_ARG);
}

static void test_enquire_setters(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    put_doc(w, "english", "a", "timely answer", NULL);
    put_doc(w, "english", "b", "another timely answer", NULL);
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    xap_enquire *e = NULL;
    assert_int_equal(xap_enquire_new(r, &e), XAP_OK);
    xap_db_close(r); /* the session keeps the database alive */
    assert_int_equal(xap_enquire_set_time_limit(e, 0.5), XAP_OK);
    assert_int_equal(xap_enquire_set_time_limit(e, -1), XAP_ERR_ARG);
    assert_true(strlen(xap_enquire_last_error(e)) > 0);
    assert_int_equal(xap_enquire_set_time_limit(e, 0), XAP_OK);
    assert_string_equal(xap_enquire_last_error(e), "");
    assert_int_equal(xap_enquire_set_collapse_key(e, SLOT_SITE, 0), XAP_ERR_ARG);
    assert_int_equal(xap_enquire_set_docid_order(e, XAP_DOCID_DESCENDING), XAP_OK);
    xap_query *all = NULL;
    assert_int_equal(xap_query_match_all(&all), XAP_OK);
    assert_int_equal(xap_enquire_set_query(e, all), XAP_OK);
    xap_query_free(all);
    xap_mset *m = NULL;
    assert_int_equal(xap_enquire_get_mset(e, 0, 10, 0, &m), XAP_OK);
    assert_int_equal(xap_mset_size(m), 2);
    unsigned long est = 0;
    assert_int_equal(xap_mset_matches_estimated(m, &est), XAP_OK);
    assert_int_equal(est, 2);
    xap_mset_item it;
    assert_int_equal(xap_mset_get_item(m, 0, &it), XAP_OK);
    assert_int_equal(it.docid, 2); /* match-all weights tie: descending docid order */
    xap_doc *d = NULL;
    assert_int_equal(xap_mset_item_document(m, 0, &d), XAP_OK);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(xap_doc_get_data(d, &data, &len), XAP_OK);
    assert_string_equal(data, "b");
    free(data);
    xap_doc_free(d);
    xap_mset_free(m);
    /* Page two is empty but the estimate is the same. */
    assert_int_equal(xap_enquire_get_mset(e, 10, 10, 0, &m), XAP_OK);
    assert_int_equal(xap_mset_size(m), 0);
    xap_mset_free(m);
    xap_enquire_free(e);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
    assert_int_equal(xap_mset_size(NULL), 0);
}

static void test_writer_reader_lifetime(void **state)
{
    fixture *f = *state;
    xap_wdb *w = open_writer(f, "db");
    put_doc(w, "english", "a", "uncommitted words", NULL);
    xap_db *r = NULL;
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    /* Closing the reader leaves the writer usable. */
    xap_db_close(r);
    put_doc(w, "english", "b", "more words", NULL);
    assert_int_equal(xap_wdb_reader(w, &r), XAP_OK);
    assert_int_equal(doc_count(r), 2);
    /* Closing the writer commits; its reader then fails cleanly instead of crashing. */
    assert_int_equal(xap_wdb_close(w), XAP_OK);
    xap_doc *d = (xap_doc *)1;
    assert_int_equal(xap_db_get_document(r, 1, &d), XAP_ERR_OTHER);
    assert_null(d);
    assert_non_null(strstr(xap_db_last_error(r), "closed"));
    xap_db_close(r);
    r = open_reader(f, "db");
    assert_int_equal(doc_count(r), 2);
    xap_db_close(r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strings_and_languages),
        cmocka_unit_test(test_document_building_and_reading),
        cmocka_unit_test(test_query_parser_details),
        T(test_add_replace_delete),
        T(test_transactions),
        T(test_commit_then_reopen_and_info),
        T(test_database_modified_maps_to_reopen_and_retry),
        T(test_stemming_french_and_english),
        T(test_boolean_prefix_and_category_filters),
        T(test_collapse_by_site),
        T(test_static_rank_posting_source),
        T(test_snippet_highlights_query_word),
        T(test_spelling),
        T(test_spelling_walk),
        T(test_stub_file_and_many_paths),
        T(test_mset_values_in_one_pass),
        T(test_copies_weigh_as_scaled_query),
        T(test_open_errors),
        T(test_second_writer_is_locked),
        T(test_unreachable_remote_shard),
        T(test_add_database_and_open_remote),
        T(test_enquire_setters),
        T(test_writer_reader_lifetime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
