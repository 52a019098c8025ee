/* Unit tests of the index writer (indexer/index.h) and the link graph (indexer/linkgraph.h):
 * WARCs of crafted pages written with common/warc.h are indexed into a temporary database,
 * which is then read back through the Xapian wrapper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/warc.h"
#include "tests/unit/support/index_fixture.h"
#include "indexer/index.h"
#include "indexer/linkgraph.h"
#include "indexer/xapian/xap.h"

static unsigned long term_freq(const char *db, const char *term)
{
    xap_db *d = NULL;
    assert_int_equal(xap_db_open(db, &d, NULL), XAP_OK);
    unsigned long f = 0;
    assert_int_equal(xap_db_term_freq(d, term, &f), XAP_OK);
    xap_db_close(d);
    return f;
}

/* Whether the document with unique term q also has term t. */
static bool doc_has_term(const char *db, const char *q, const char *t)
{
    xap_db *d = NULL;
    xap_query *a = NULL;
    xap_enquire *e = NULL;
    xap_mset *m = NULL;
    const char *terms[] = {q, t};
    assert_int_equal(xap_db_open(db, &d, NULL), XAP_OK);
    assert_int_equal(xap_query_terms(XAP_Q_AND, terms, 2, &a), XAP_OK);
    assert_int_equal(xap_enquire_new(d, &e), XAP_OK);
    assert_int_equal(xap_enquire_set_query(e, a), XAP_OK);
    assert_int_equal(xap_enquire_get_mset(e, 0, 10, 10, &m), XAP_OK);
    bool found = xap_mset_size(m) == 1;
    xap_mset_free(m);
    xap_enquire_free(e);
    xap_query_free(a);
    xap_db_close(d);
    return found;
}

static unsigned long doc_count(const char *db)
{
    xap_db *d = NULL;
    assert_int_equal(xap_db_open(db, &d, NULL), XAP_OK);
    unsigned long n = 0;
    assert_int_equal(xap_db_doc_count(d, &n), XAP_OK);
    xap_db_close(d);
    return n;
}

#define HTML TEST_HTML

static const test_page base_pages[] = {
    {"http://www.ecole.example.fr/cours/maths.html", 200, HTML,
     "<html lang=fr><head><title>Les nombres négatifs à l'école</title>"
     "<meta name=description content=\"Un cours pour les élèves\"></head><body>"
     "<h1>Nombres négatifs</h1><p>Les nombres négatifs sont plus petits que zéro. À l'ÉCOLE "
     "primaire on apprend à les placer sur une droite graduée, puis à les additionner.</p>"
     "<a href=\"/cours/index.html\">Sommaire des cours</a></body></html>"},
    {"http://www.ecole.example.fr/cours/index.html", 200, HTML,
     "<html lang=fr><head><title>Sommaire</title></head><body><p>Tous les cours de "
     "l'école, pour réviser à la maison.</p><a href=\"maths.html\">Les nombres "
     "négatifs</a></body></html>"},
    {"http://example.org/zebra", 200, HTML,
     "<html lang=en><head><title>Zebra stripes</title></head><body><p>Why does the zebra "
     "have stripes? Scientists think the stripes keep biting flies away from the "
     "animal.</p><a href=\"http://www.ecole.example.fr/cours/index.html\">courses</a>"
     "</body></html>"},
    {"http://example.org/picture.png", 200, "image/png", "\x89PNG not really"},
    {"http://example.org/missing", 404, HTML, "<html><body>Not found</body></html>"},
    {"http://example.org/error", 500, HTML, "<html><body>Oops</body></html>"},
    {"http://example.org/private", 200, HTML,
     "<html><head><meta name=robots content=noindex><title>Private</title></head>"
     "<body>secret words</body></html>"},
    {"http://adult.example.net/", 200, HTML,
     "<html lang=en><head><meta name=rating content=adult><title>Grown-ups</title></head>"
     "<body><p>Content for adults only, not for children at all.</p></body></html>"},
};
#define N_BASE (sizeof base_pages / sizeof *base_pages)

static void test_index_counts_and_terms(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char warc[600], db[600];
    snprintf(warc, sizeof warc, "%s/a.warc.gz", dir);
    snprintf(db, sizeof db, "%s/db", dir);
    test_write_warc(warc, base_pages, N_BASE);
    const char *warcs[] = {warc};
    idx_stats st;
    test_index_warcs(db, warcs, 1, &st);
    assert_int_equal(st.records, N_BASE);
    assert_int_equal(st.indexed, 4);
    assert_int_equal(st.not_html, 1);
    assert_int_equal(st.not_200, 2); /* 404 and 500 */
    assert_int_equal(st.noindex, 1);
    assert_int_equal(st.deleted, 0);
    assert_int_equal(st.files_failed, 0);
    assert_int_equal(doc_count(db), 4);

    /* Unique terms, host and parent domains, language, category. */
    assert_int_equal(term_freq(db, "Qhttp://www.ecole.example.fr/cours/maths.html"), 1);
    assert_int_equal(term_freq(db, "Hwww.ecole.example.fr"), 2);
    assert_int_equal(term_freq(db, "Dwww.ecole.example.fr"), 2);
    assert_int_equal(term_freq(db, "Decole.example.fr"), 2);
    assert_int_equal(term_freq(db, "Dexample.fr"), 2);
    assert_int_equal(term_freq(db, "Dfr"), 0);
    assert_int_equal(term_freq(db, "Lfr"), 2);
    assert_int_equal(term_freq(db, "Len"), 2);
    assert_int_equal(term_freq(db, "XCadult"), 1);
    /* Folded: accents and case removed, apostrophes split words. */
    assert_int_equal(term_freq(db, "negatifs"), 2);
    assert_int_equal(term_freq(db, "négatifs"), 0);
    assert_int_equal(term_freq(db, "ecole"), 2);
    assert_int_equal(term_freq(db, "l'ecole"), 0);
    /* Title terms, URL words, French stems, anchor text on the target page. */
    assert_int_equal(term_freq(db, "Szebra"), 1);
    assert_int_equal(term_freq(db, "XUcours"), 2);
    assert_int_equal(term_freq(db, "Znegat"), 2);
    /* The anchor text of the link from the zebra page is indexed on its target too. */
    assert_int_equal(term_freq(db, "courses"), 2);
    assert_true(doc_has_term(db, "Qhttp://www.ecole.example.fr/cours/index.html", "courses"));
    assert_false(doc_has_term(db, "Qhttp://www.ecole.example.fr/cours/maths.html", "courses"));
    assert_int_equal(term_freq(db, "secret"), 0);

    /* Values and data of one document. */
    xap_db *d = NULL;
    assert_int_equal(xap_db_open(db, &d, NULL), XAP_OK);
    xap_docid last = 0;
    assert_int_equal(xap_db_last_docid(d, &last), XAP_OK);
    unsigned texts_seen = 0;
    struct libdeflate_decompressor *inflate = libdeflate_alloc_decompressor();
    assert_non_null(inflate);
    for (xap_docid id = 1; id <= last; id++) {
        xap_doc *doc = NULL;
        if (xap_db_get_document(d, id, &doc) != XAP_OK)
            continue;
        double r = -1;
        assert_int_equal(xap_doc_get_value_double(doc, 0, &r), XAP_OK);
        assert_true(r >= 0 && r <= 1);
        char *v = NULL, *data = NULL;
        size_t len;
        assert_int_equal(xap_doc_get_value(doc, 2, &v, &len), XAP_OK);
        assert_true(len > 0);
        free(v);
        assert_int_equal(xap_doc_get_data(doc, &data, &len), XAP_OK);
        /* The JSON, a NUL, then the page's text deflated, at most IDX_DATA_TEXT_MAX bytes once
         * inflated; no value slot holds it any more. */
        size_t jl = idx_data_json_len(data, len);
        assert_true(jl < len);
        assert_int_equal(data[jl], '\0');
        json_t *o = json_loadb(data, jl, 0, NULL);
        assert_non_null(o);
        assert_non_null(strstr(json_string_value(json_object_get(o, "url")), "http"));
        assert_non_null(json_string_value(json_object_get(o, "site")));
        assert_null(json_object_get(o, "text"));
        json_decref(o);
        char text[IDX_DATA_TEXT_MAX + 1];
        size_t tl = idx_text_unpack(inflate, data + jl + 1, len - jl - 1, text);
        assert_true(tl > 0);
        text[tl] = '\0';
        texts_seen += strstr(text, "Why does the zebra have stripes?") != NULL;
        free(data);
        v = NULL;
        assert_int_equal(xap_doc_get_value(doc, IDX_SLOT_TEXT, &v, &len), XAP_OK);
        assert_int_equal(len, 0);
        free(v);
        xap_doc_free(doc);
    }
    assert_int_equal(texts_seen, 1);
    libdeflate_free_decompressor(inflate);
    /* The date of the run is kept as metadata (ISO 8601, UTC). */
    char *date = NULL;
    size_t dl;
    assert_int_equal(xap_db_get_metadata(d, IDX_META_INDEX_DATE, &date, &dl), XAP_OK);
    assert_int_equal(dl, 20);
    free(date);
    xap_db_close(d);

    /* The same run again adds nothing and rewrites nothing. */
    test_index_warcs(db, warcs, 1, &st);
    assert_int_equal(st.indexed, 0);
    assert_int_equal(st.duplicate, 4);
    assert_int_equal(doc_count(db), 4);
    test_rm_rf(dir);
    free(dir);
}

static void test_replace_and_delete(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char w1[600], w2[600], db[600];
    snprintf(w1, sizeof w1, "%s/1.warc.gz", dir);
    snprintf(w2, sizeof w2, "%s/2.warc", dir);
    snprintf(db, sizeof db, "%s/db", dir);
    test_write_warc(w1, base_pages, N_BASE);
    const char *a[] = {w1};
    idx_stats st;
    test_index_warcs(db, a, 1, &st);
    assert_int_equal(doc_count(db), 4);
    const test_page later[] = {
        {"http://example.org/zebra", 200, HTML,
         "<html lang=en><head><title>Zebra stripes</title></head><body><p>Okapis are "
         "relatives of giraffes, not of zebras, whatever their stripes suggest.</p></body>"
         "</html>"},
        {"http://www.ecole.example.fr/cours/index.html", 410, HTML, "gone"},
        {"http://adult.example.net/", 200, HTML,
         "<html><head><meta name=robots content=noindex></head><body>x</body></html>"},
        {"http://never.example.org/", 404, HTML, "nothing"},
    };
    test_write_warc(w2, later, sizeof later / sizeof *later);
    const char *b[] = {w2};
    test_index_warcs(db, b, 1, &st);
    assert_int_equal(st.indexed, 1);
    assert_int_equal(st.deleted, 2); /* 410, and noindex for an indexed URL; not the 404 */
    assert_int_equal(doc_count(db), 2);
    assert_int_equal(term_freq(db, "Qhttp://example.org/zebra"), 1);
    assert_int_equal(term_freq(db, "okapis"), 1);
    assert_int_equal(term_freq(db, "flies"), 0); /* the old text is gone */
    assert_int_equal(term_freq(db, "Qhttp://www.ecole.example.fr/cours/index.html"), 0);
    assert_int_equal(term_freq(db, "Qhttp://adult.example.net/"), 0);
    test_rm_rf(dir);
    free(dir);
}

static void file_error(void *ctx, const char *path, const char *msg)
{
    (void)path;
    (void)msg;
    (*(int *)ctx)++;
}

static void test_errors(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char db[600], warc[600];
    snprintf(db, sizeof db, "%s/no/such/parent/db", dir);
    idx_writer *w = NULL;
    char *err = NULL;
    assert_int_equal(idx_writer_open(db, NULL, &w, &err), CH_ERR_NOTFOUND);
    assert_null(w);
    assert_non_null(strstr(err, "does not exist"));
    free(err);

    /* An unreadable WARC is reported and counted; the others are indexed. */
    snprintf(db, sizeof db, "%s/db", dir);
    snprintf(warc, sizeof warc, "%s/a.warc", dir);
    test_write_warc(warc, base_pages, 3);
    const char *paths[] = {"/nonexistent/x.warc.gz", warc};
    int errors = 0;
    assert_int_equal(idx_writer_open(db, NULL, &w, &err), CH_OK);
    assert_int_equal(idx_writer_run(w, paths, 2, file_error, &errors, &err), CH_OK);
    idx_stats st;
    idx_writer_stats(w, &st);
    assert_int_equal(errors, 1);
    assert_int_equal(st.files_failed, 1);
    assert_int_equal(st.indexed, 3);

    /* A second writer waits for the lock, then gives up with a clear message. */
    idx_writer *w2 = NULL;
    idx_writer_opts o = {.lock_wait_s = 0.3};
    assert_int_equal(idx_writer_open(db, &o, &w2, &err), CH_ERR_IO);
    assert_null(w2);
    assert_non_null(strstr(err, "locked"));
    free(err);
    assert_int_equal(idx_writer_close(w), CH_OK);
    assert_int_equal(doc_count(db), 3);

    /* A damaged database is named as such. */
    char f[700];
    snprintf(f, sizeof f, "%s/iamglass", db);
    FILE *fp = fopen(f, "w");
    assert_non_null(fp);
    fputs("garbage", fp);
    fclose(fp);
    ch_status cs = idx_writer_open(db, NULL, &w, &err);
    assert_int_not_equal(cs, CH_OK);
    assert_null(w);
    assert_non_null(err);
    free(err);
    test_rm_rf(dir);
    free(dir);
}

static void test_linkgraph_rank_and_anchors(void **state)
{
    (void)state;
    idx_linkgraph *g = NULL;
    assert_int_equal(idx_linkgraph_new(64, &g), CH_OK);
    uint64_t a = idx_url_hash("http://a/"), b = idx_url_hash("http://b/"),
             c = idx_url_hash("http://c/"), x = idx_url_hash("http://outside/");
    uint64_t ta[] = {b, b, a, x}; /* duplicate and self links are dropped */
    uint64_t tc[] = {b};
    assert_int_equal(idx_linkgraph_add_page(g, a, ta, 4), CH_OK);
    assert_int_equal(idx_linkgraph_add_page(g, c, tc, 1), CH_OK);
    assert_int_equal(idx_linkgraph_add_page(g, b, NULL, 0), CH_OK);
    assert_int_equal(idx_linkgraph_add_anchor(g, b, "bee page"), CH_OK);
    assert_int_equal(idx_linkgraph_add_anchor(g, b, "bee page"), CH_OK); /* kept once */
    assert_int_equal(idx_linkgraph_add_anchor(g, b, "the b"), CH_OK);
    /* The total cap (64 bytes) drops what does not fit. */
    assert_int_equal(idx_linkgraph_add_anchor(g, c,
                                              "a very long anchor text that does not fit "
                                              "in what is left of the cap"),
                     CH_ERR_LIMIT);
    assert_int_equal(idx_linkgraph_compute(g), CH_OK);
    bool known = false;
    double rb = idx_linkgraph_rank(g, b, &known);
    assert_true(known);
    assert_true(rb == 1.0);
    double ra = idx_linkgraph_rank(g, a, NULL), rc = idx_linkgraph_rank(g, c, NULL);
    assert_true(ra < rb && rc < rb && ra >= 0 && rc >= 0);
    assert_true(idx_linkgraph_rank(g, x, &known) == 0.0);
    assert_false(known); /* a link target that is not a page */
    assert_string_equal(idx_linkgraph_anchors(g, b), "bee page\nthe b");
    assert_string_equal(idx_linkgraph_anchors(g, c), "");
    idx_linkgraph_info info;
    idx_linkgraph_get_info(g, &info);
    assert_int_equal(info.pages, 3);
    assert_int_equal(info.nodes, 4);
    assert_int_equal(info.edges, 3);
    assert_int_equal(info.anchors_dropped, 1);
    idx_linkgraph_free(g);
}

/* ---- the same database with 1 or N workers, with or without the page cache ----------------- */

#define JOBS_PAGES 90

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every document of db as one line (its sorted terms, values and data), the lines sorted: a
 * description of the database that does not depend on docids. malloc'd. */
static char *db_dump(const char *db)
{
    xap_db *d = NULL;
    assert_int_equal(xap_db_open(db, &d, NULL), XAP_OK);
    xap_docid last = 0;
    assert_int_equal(xap_db_last_docid(d, &last), XAP_OK);
    char **lines = calloc(last + 1, sizeof *lines);
    assert_non_null(lines);
    size_t n = 0, total = 1;
    for (xap_docid id = 1; id <= last; id++) {
        xap_doc *doc = NULL;
        if (xap_db_get_document(d, id, &doc) != XAP_OK)
            continue;
        buf_t b;
        buf_init(&b, 1u << 24);
        char **terms = NULL;
        size_t nt = 0;
        assert_int_equal(xap_doc_get_terms(doc, &terms, &nt), XAP_OK);
        assert_true(nt > 0);
        for (size_t i = 0; i < nt; i++)
            assert_int_equal(buf_appendf(&b, "%s ", terms[i]), CH_OK);
        xap_strv_free(terms, nt);
        for (xap_slot slot = 0; slot <= IDX_SLOT_LAST + 1; slot++) { /* + 1: nothing beyond */
            char *v = NULL;
            size_t vl = 0;
            assert_int_equal(xap_doc_get_value(doc, slot, &v, &vl), XAP_OK);
            assert_int_equal(buf_appendf(&b, "|%zu:", vl), CH_OK);
            for (size_t i = 0; i < vl; i++)
                assert_int_equal(buf_appendf(&b, "%02x", (unsigned char)v[i]), CH_OK);
            free(v);
        }
        char *data = NULL;
        size_t dl = 0;
        assert_int_equal(xap_doc_get_data(doc, &data, &dl), XAP_OK);
        assert_int_equal(buf_append_str(&b, "|"), CH_OK);
        assert_int_equal(buf_append(&b, data, dl), CH_OK);
        free(data);
        xap_doc_free(doc);
        lines[n] = buf_steal(&b, NULL);
        assert_non_null(lines[n]);
        total += strlen(lines[n]) + 1;
        n++;
    }
    xap_db_close(d);
    qsort(lines, n, sizeof *lines, cmp_str);
    char *out = malloc(total);
    assert_non_null(out);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        memcpy(out + off, lines[i], l);
        out[off + l] = '\n';
        off += l + 1;
        free(lines[i]);
    }
    out[off] = '\0';
    free(lines);
    return out;
}

/* The lines of dumps a and b together, sorted like db_dump's. malloc'd. */
static char *dumps_merged(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = 0;
    char *all = malloc(la + lb + 1), *out = malloc(la + lb + 1);
    char **lines = calloc(la + lb + 1, sizeof *lines);
    assert_true(all && out && lines);
    memcpy(all, a, la);
    memcpy(all + la, b, lb + 1);
    char *save = NULL;
    for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    qsort(lines, n, sizeof *lines, cmp_str);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        memcpy(out + off, lines[i], l);
        out[off + l] = '\n';
        off += l + 1;
    }
    out[off] = '\0';
    free(lines);
    free(all);
    return out;
}

/* Index warcs into a new database db with these options; returns the run's counters. */
static idx_stats index_with(const char *db, const char *const *warcs, size_t n,
                            const idx_writer_opts *o)
{
    idx_writer *w = NULL;
    char *err = NULL;
    int file_errors = 0;
    assert_int_equal(idx_writer_open(db, o, &w, &err), CH_OK);
    assert_int_equal(idx_writer_run(w, warcs, n, file_error, &file_errors, &err), CH_OK);
    idx_stats st;
    idx_writer_stats(w, &st);
    assert_int_equal(idx_writer_close(w), CH_OK);
    assert_int_equal((uint64_t)file_errors, st.files_failed);
    return st;
}

static void test_jobs_same_database(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char w1[600], w2[600];
    snprintf(w1, sizeof w1, "%s/1.warc.gz", dir);
    snprintf(w2, sizeof w2, "%s/2.warc", dir);
    /* Pages on three hosts, linking to each other (anchors and ranks depend on pass 1), in two
     * languages; then, in the second file, later versions: a page replaced, one gone (410),
     * one asking to leave (noindex), one rewritten twice (the last version must win). */
    test_page pages[JOBS_PAGES];
    char *bodies[JOBS_PAGES], *urls[JOBS_PAGES];
    static const char *const words_en[] = {"river", "mountain", "library", "keyboard", "orchard"};
    static const char *const words_fr[] = {"rivière", "montagne", "bibliothèque", "clavier",
                                           "verger"};
    for (size_t k = 0; k < JOBS_PAGES; k++) {
        bool fr = k % 3 == 0;
        urls[k] = malloc(128);
        bodies[k] = malloc(4096);
        assert_non_null(urls[k]);
        assert_non_null(bodies[k]);
        snprintf(urls[k], 128, "http://site%zu.example.org/page%zu.html", k % 3, k);
        snprintf(bodies[k], 4096,
                 "<html lang=%s><head><title>%s %zu</title></head><body><h1>%s</h1><p>%s %s "
                 "%s %s. %s</p><a href=\"http://site%zu.example.org/page%zu.html\">%s link</a> "
                 "<a href=\"http://site%zu.example.org/page%zu.html\">%s</a></body></html>",
                 fr ? "fr" : "en", fr ? words_fr[k % 5] : words_en[k % 5], k,
                 fr ? words_fr[(k + 1) % 5] : words_en[(k + 1) % 5],
                 fr ? "Une page sur la" : "A page about the",
                 fr ? words_fr[k % 5] : words_en[k % 5], fr ? "et la" : "and the",
                 fr ? words_fr[(k + 2) % 5] : words_en[(k + 2) % 5],
                 fr ? "Les élèves lisent cette page à l'école pour apprendre."
                    : "Pupils read this page at school to learn something new.",
                 (k + 1) % 3, (k + 1) % JOBS_PAGES, words_en[(k + 3) % 5], (k * 7) % 3,
                 (k * 7) % JOBS_PAGES, fr ? words_fr[(k + 4) % 5] : words_en[(k + 4) % 5]);
        pages[k] = (test_page){urls[k], 200, HTML, bodies[k]};
    }
    pages[5].url = pages[4].url; /* the same URL twice in one file: the second version wins */
    test_write_warc(w1, pages, JOBS_PAGES);
    const test_page later[] = {
        {pages[10].url, 200, HTML,
         "<html lang=en><head><title>Replaced</title></head><body><p>Okapis are relatives of "
         "giraffes, whatever their stripes suggest.</p></body></html>"},
        {pages[11].url, 410, HTML, "gone"},
        {pages[12].url, 200, HTML,
         "<html><head><meta name=robots content=noindex></head><body>x</body></html>"},
        {pages[13].url, 200, HTML, "<html><body><p>First rewrite of thirteen.</p></body></html>"},
        {pages[13].url, 200, HTML, "<html><body><p>Second rewrite of thirteen.</p></body></html>"},
    };
    test_write_warc(w2, later, sizeof later / sizeof *later);
    const char *warcs[] = {w1, "/nonexistent/x.warc.gz", w2};

    /* jobs 1; jobs 2; jobs 4 parsing every page twice; jobs 3 with a page cache too small for
     * every page (some parsed once, some twice). */
    idx_writer_opts opts[] = {
        {.jobs = 1, .batch_docs = 7},
        {.jobs = 2, .batch_docs = 7},
        {.jobs = 4, .batch_docs = 7, .no_page_cache = true},
        {.jobs = 3, .batch_docs = 7, .page_cache_bytes = 20000},
    };
    char *dumps[4];
    idx_stats st[4];
    for (size_t i = 0; i < 4; i++) {
        char db[640];
        snprintf(db, sizeof db, "%s/db%zu", dir, i);
        st[i] = index_with(db, warcs, 3, &opts[i]);
        dumps[i] = db_dump(db);
    }
    /* 90 pages (89 URLs), then 10 replaced, 11 and 12 removed, 13 rewritten twice. */
    assert_int_equal(st[0].records, JOBS_PAGES + 5);
    assert_int_equal(st[0].files_failed, 1);
    assert_int_equal(st[0].deleted, 2);
    char db0[640];
    snprintf(db0, sizeof db0, "%s/db0", dir);
    assert_int_equal(doc_count(db0), 87);
    assert_int_equal(term_freq(db0, "okapis"), 1);
    assert_int_equal(term_freq(db0, "thirteen"), 1);
    assert_true(doc_has_term(db0, "Qhttp://site1.example.org/page13.html", "second"));
    assert_false(doc_has_term(db0, "Qhttp://site1.example.org/page13.html", "first"));
    assert_true(strstr(dumps[0], "rivi") != NULL);
    for (size_t i = 1; i < 4; i++) {
        assert_string_equal(dumps[i], dumps[0]);
        assert_int_equal(st[i].records, st[0].records);
        assert_int_equal(st[i].indexed, st[0].indexed);
        assert_int_equal(st[i].deleted, st[0].deleted);
        assert_int_equal(st[i].noindex, st[0].noindex);
        assert_int_equal(st[i].not_200, st[0].not_200);
        assert_int_equal(st[i].files_failed, st[0].files_failed);
    }

    /* --partition: each half written from the whole run; together, document for document
     * (terms, static rank, anchor text, data), they are the single database. */
    char *half[2];
    uint64_t other = 0;
    for (unsigned i = 0; i < 2; i++) {
        char db[640];
        snprintf(db, sizeof db, "%s/part%u", dir, i);
        idx_writer_opts po = {.jobs = 2, .batch_docs = 7, .part_index = i, .part_count = 2};
        idx_stats ps = index_with(db, warcs, 3, &po);
        assert_true(ps.indexed > 0 && ps.other_partition > 0); /* both halves hold pages */
        other += ps.other_partition;
        half[i] = db_dump(db);
    }
    assert_true(other >= st[0].indexed); /* each page skipped by one half */
    char *joined = dumps_merged(half[0], half[1]);
    assert_string_equal(joined, dumps[0]);
    free(joined);
    free(half[0]);
    free(half[1]);
    for (size_t i = 0; i < 4; i++)
        free(dumps[i]);
    for (size_t k = 0; k < JOBS_PAGES; k++) {
        free(urls[k]);
        free(bodies[k]);
    }
    test_rm_rf(dir);
    free(dir);
}

static void test_fold(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 256);
    assert_int_equal(idx_fold("L'ÉCOLE des Négatifs", strlen("L'ÉCOLE des Négatifs"), &b), CH_OK);
    assert_string_equal(buf_str(&b), "l ecole des negatifs");
    buf_free(&b);
}

static void check_title_key(const char *folded, const char *want)
{
    buf_t b;
    buf_init(&b, 256);
    assert_int_equal(idx_title_key(folded, strlen(folded), &b), CH_OK);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

/* Title keys: the words joined by one space, a leading section number left out. */
static void test_title_key(void **state)
{
    (void)state;
    check_title_key("built-in  types", "built in types");
    check_title_key("13.4. courrier electronique", "courrier electronique");
    check_title_key("b.5. l espace utilisateur", "l espace utilisateur");
    check_title_key("a partial title", "a partial title");
    check_title_key("a b c", "a b c");
    check_title_key("x", "x");
    check_title_key("b 5 x y", "x y");
    check_title_key("python 3.11.2 documentation", "python 3 11 2 documentation");
    check_title_key("1984", "");
    check_title_key(" -- ", "");
    /* appends after what the buffer holds, as the callers' "XT" */
    buf_t b;
    buf_init(&b, 8);
    assert_int_equal(buf_append_str(&b, "XT"), CH_OK);
    assert_int_equal(idx_title_key("1. intro", 8, &b), CH_OK);
    assert_string_equal(buf_str(&b), "XTintro");
    /* past the buffer's cap: the error of the buffer */
    assert_int_equal(idx_title_key("ten letters", 11, &b), CH_ERR_LIMIT);
    buf_free(&b);
}

/* The summary line that `chouette index` and `chouette shards add` print: every counter. */
static void test_stats_print(void **state)
{
    (void)state;
    idx_stats st = {0};
    st.records = 12;
    st.indexed = 8;
    st.deleted = 1;
    st.not_html = 2;
    st.not_200 = 3;
    st.noindex = 4;
    st.broken = 5;
    st.duplicate = 6;
    st.too_big = 7;
    st.other_partition = 9;
    st.seconds = 2.0;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    idx_stats_print(out, "index", &st);
    fclose(out);
    assert_string_equal(text, "chouette index: 12 records, 8 pages indexed, 1 removed; skipped: 2 "
                              "not html, 3 not 200, 4 noindex, 5 broken, 6 duplicate, 7 too big, "
                              "9 of other partitions; 2.0 s, 4 docs/s\n");
    free(text);
}

/* The snippet text's storage: a round trip, the size limit, and values that are not a stream. */
static void test_text_pack_unpack(void **state)
{
    (void)state;
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(9);
    struct libdeflate_decompressor *u = libdeflate_alloc_decompressor();
    assert_non_null(z);
    assert_non_null(u);
    char text[IDX_DATA_TEXT_MAX], out[IDX_DATA_TEXT_MAX];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "Le z\xc3\xa8"
                  "bre vit en Afrique. "[i % 26];
    char *packed = NULL;
    size_t plen = 0;
    assert_int_equal(idx_text_pack(z, text, sizeof text, &packed, &plen), CH_OK);
    assert_true(plen > 0 && plen < sizeof text / 4); /* repetitive text: deflated for real */
    assert_int_equal(idx_text_unpack(u, packed, plen, out), sizeof text);
    assert_memory_equal(out, text, sizeof text);
    assert_int_equal(idx_text_unpack(u, packed, plen - 1, out), 0); /* cut short */
    free(packed);
    /* empty text: a valid stream of nothing, read as "no text" */
    assert_int_equal(idx_text_pack(z, "", 0, &packed, &plen), CH_OK);
    assert_int_equal(idx_text_unpack(u, packed, plen, out), 0);
    free(packed);
    assert_int_equal(idx_text_pack(z, text, sizeof text + 1, &packed, &plen), CH_ERR_ARG);
    assert_null(packed);
    /* a valid stream of bytes that are not UTF-8 */
    assert_int_equal(idx_text_pack(z, "caf\xe9 \xff", 6, &packed, &plen), CH_OK);
    assert_int_equal(idx_text_unpack(u, packed, plen, out), 0);
    free(packed);
    /* plain text where a stream is expected (a damaged or foreign value) */
    assert_int_equal(idx_text_unpack(u, "plain words", 11, out), 0);
    assert_int_equal(idx_text_unpack(NULL, "x", 1, out), 0);
    libdeflate_free_compressor(z);
    libdeflate_free_decompressor(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_counts_and_terms),
        cmocka_unit_test(test_replace_and_delete),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_linkgraph_rank_and_anchors),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_title_key),
        cmocka_unit_test(test_jobs_same_database),
        cmocka_unit_test(test_stats_print),
        cmocka_unit_test(test_text_pack_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
