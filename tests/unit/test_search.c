/* Unit tests of the search API (indexer/search.h) and the result JSON: a small index of crafted
 * French and English pages on several hosts is built from a WARC, then searched. */
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

#include "common/warc.h"
#include "tests/unit/support/index_fixture.h"
#include "indexer/index.h"
#include "indexer/search.h"
#include "indexer/xapian/xap.h"

#define HTML TEST_HTML
#define IDX_FEW_RESULTS_FOR_TEST 3 /* search.c offers a correction below this many */

/* A text long enough to have a near-duplicate sketch (indexer/neardup.h). */
#define OWL_TEXT                                                                                   \
    "Owls are birds of the order Strigiformes, which includes over two hundred species of "        \
    "mostly solitary and nocturnal birds of prey typified by an upright stance, a large broad "    \
    "head, binocular vision, binaural hearing, sharp talons and feathers adapted for silent "      \
    "flight. Exceptions include the northern hawk owl and the gregarious burrowing owl. Owls "     \
    "hunt mostly small mammals, insects and other birds, although a few species specialize in "    \
    "hunting fish. They are found in all regions of the Earth except the polar ice caps and "      \
    "some remote islands. Owls are divided into two families: the true owls and the barn "         \
    "owls. A group of owls is called a parliament, and many cultures tell stories about them. "

static const test_page pages[] = {
    {"http://www.ecole.example.fr/maths", 200, HTML,
     "<html lang=fr><head><title>Les nombres négatifs</title></head><body><p>Les nombres "
     "négatifs sont plus petits que zéro. On les place sur une droite graduée à "
     "l'école.</p></body></html>"},
    {"http://www.ecole.example.fr/ecole", 200, HTML,
     "<html lang=fr><head><title>Notre école</title></head><body><p>L'école accueille les "
     "élèves du lundi au vendredi, la cantine est ouverte à midi.</p></body></html>"},
    {"http://example.org/danger", 200, HTML,
     "<html lang=en><head><title>Escaping &lt;script&gt; tags</title></head><body><p>Never "
     "echo &lt;script&gt;alert(1)&lt;/script&gt; back to the browser without escaping "
     "it.</p></body></html>"},
    /* No list knows this host: only the phrase classifier can hide it. */
    {"http://jeux.example.org/", 200, HTML,
     "<html lang=fr><head><title>Casino en ligne : paris sportifs et machines à sous</title>"
     "</head><body><p>Jouez au casino en ligne, misez sur les paris sportifs, gagnez le jackpot "
     "aux machines à sous. Bonus de bienvenue pour votre premier dépôt, roulette et poker en "
     "argent réel, cotes boostées.</p></body></html>"},
    {"http://adult.example.net/", 200, HTML,
     "<html lang=en><head><meta name=rating content=adult><title>Zebra for adults</title>"
     "</head><body><p>This zebra page is for adults only and shows zebra pictures.</p>"
     "</body></html>"},
    /* Six pages about zebras on one host, two on others. */
    {"http://zoo.example.com/z1", 200, HTML,
     "<html lang=en><head><title>Zebra one</title></head><body><p>The zebra lives in "
     "Africa and eats grass every day of the year.</p></body></html>"},
    {"http://zoo.example.com/z2", 200, HTML,
     "<html lang=en><head><title>Zebra two</title></head><body><p>A zebra herd moves "
     "together across the plains to find water.</p></body></html>"},
    {"http://zoo.example.com/z3", 200, HTML,
     "<html lang=en><head><title>Zebra three</title></head><body><p>Each zebra has its own "
     "pattern of stripes, like a fingerprint.</p></body></html>"},
    {"http://zoo.example.com/z4", 200, HTML,
     "<html lang=en><head><title>Zebra four</title></head><body><p>Zebra foals can walk an "
     "hour after they are born.</p></body></html>"},
    {"http://zoo.example.com/z5", 200, HTML,
     "<html lang=en><head><title>Zebra five</title></head><body><p>Lions hunt the zebra at "
     "night near the water holes.</p></body></html>"},
    {"http://zoo.example.com/z6", 200, HTML,
     "<html lang=en><head><title>Zebra six</title></head><body><p>The zebra sleeps standing "
     "up, in groups, to watch for danger.</p></body></html>"},
    {"http://savanna.example.org/zebra", 200, HTML,
     "<html lang=en><head><title>Savanna animals</title></head><body><p>Giraffes, zebra and "
     "gnu share the savanna grass.</p></body></html>"},
    {"http://kids.example.fr/zebre", 200, HTML,
     "<html lang=fr><head><title>Le zèbre</title></head><body><p>Le zèbre est un animal "
     "d'Afrique; en anglais on dit zebra.</p></body></html>"},
    /* One text in an English manual and, untranslated, in its French locale: two pages for two
     * kinds of readers, the original first (the copy comes first in the WARC, and would rank
     * first on a tie); a copy of it with a sentence added elsewhere is a near-duplicate,
     * dropped after the better-ranked original. */
    {"http://docs.example.org/manual/fr-FR/owls.html", 200, HTML,
     "<html><head><title>Owls</title></head><body><p>" OWL_TEXT "</p></body></html>"},
    {"http://docs.example.org/manual/en-US/owls.html", 200, HTML,
     "<html><head><title>Owls</title></head><body><p>" OWL_TEXT "</p></body></html>"},
    {"http://blog.example.net/2024/05/12/copied/owls-copy.html?page=2", 200, HTML,
     "<html><head><title>Owls</title></head><body><p>" OWL_TEXT
     "Copied here on Monday.</p></body></html>"},
    /* The same text at a second URL: collapsed as a duplicate. */
    {"http://mirror.example.com/z1", 200, HTML,
     "<html lang=en><head><title>Zebra one</title></head><body><p>The zebra lives in "
     "Africa and eats grass every day of the year.</p></body></html>"},
};
#define N_PAGES (sizeof pages / sizeof *pages)

typedef struct {
    char *dir;
    char db[600];
    idx_searcher *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_make_tmpdir();
    char warc[600];
    snprintf(warc, sizeof warc, "%s/t.warc.gz", f->dir);
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    test_write_warc(warc, pages, N_PAGES);
    const char *w[] = {warc};
    idx_stats st;
    test_index_warcs(f->db, w, 1, &st);
    assert_int_equal(st.indexed, N_PAGES);
    char *err = NULL;
    assert_int_equal(idx_searcher_open(f->db, &f->s, &err), CH_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    idx_searcher_close(f->s);
    test_rm_rf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static idx_results run(fixture *f, const char *q, unsigned page, unsigned per_page,
                       const char *const *hidden, size_t n_hidden)
{
    idx_search_params p = {.query = q,
                           .page = page,
                           .per_page = per_page,
                           .hidden_categories = hidden,
                           .n_hidden = n_hidden};
    idx_results r;
    assert_int_equal(idx_search(f->s, &p, &r), CH_OK);
    return r;
}

static bool has_url(const idx_results *r, const char *url)
{
    for (size_t i = 0; i < r->n_results; i++)
        if (strcmp(r->results[i].url, url) == 0)
            return true;
    return false;
}

static void test_accent_folding(void **state)
{
    fixture *f = *state;
    const char *qs[] = {"negatifs", "négatifs", "NÉGATIFS", "Negatif"};
    for (size_t i = 0; i < 4; i++) {
        idx_results r = run(f, qs[i], 1, 10, NULL, 0);
        assert_true(r.n_results >= 1);
        assert_string_equal(r.results[0].url, "http://www.ecole.example.fr/maths");
        assert_string_equal(r.results[0].title, "Les nombres négatifs");
        assert_string_equal(r.results[0].lang, "fr");
        /* The accented word is highlighted for an unaccented query. */
        assert_non_null(strstr(r.results[0].snippet, "<mark>négatifs</mark>"));
        idx_results_free(&r);
    }
    idx_results r = run(f, "ECOLE", 1, 10, NULL, 0);
    assert_true(has_url(&r, "http://www.ecole.example.fr/ecole"));
    assert_string_equal(r.results[0].url, "http://www.ecole.example.fr/ecole");
    idx_results_free(&r);
}

static void test_site_and_lang_filters(void **state)
{
    fixture *f = *state;
    idx_results r = run(f, "zebra site:example.com", 1, 50, NULL, 0);
    assert_true(r.n_results >= 6);
    for (size_t i = 0; i < r.n_results; i++)
        assert_non_null(strstr(r.results[i].url, "example.com/"));
    idx_results_free(&r);
    /* site: covers subdomains; with a site scope, no per-host limit applies. */
    r = run(f, "zebra site:zoo.example.com", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 6);
    idx_results_free(&r);
    r = run(f, "zebra lang:fr", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://kids.example.fr/zebre");
    idx_results_free(&r);
    r = run(f, "zebra -lions site:zoo.example.com", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 5);
    assert_false(has_url(&r, "http://zoo.example.com/z5"));
    idx_results_free(&r);
}

static void test_hidden_categories(void **state)
{
    fixture *f = *state;
    idx_results r = run(f, "zebra adults", 1, 10, NULL, 0);
    assert_true(has_url(&r, "http://adult.example.net/"));
    idx_results_free(&r);
    const char *hide[] = {"malware", "adult"};
    r = run(f, "zebra adults", 1, 10, hide, 2);
    assert_false(has_url(&r, "http://adult.example.net/"));
    idx_results_free(&r);
    r = run(f, "zebra", 1, 50, hide, 2);
    assert_true(r.n_results > 0);
    assert_false(has_url(&r, "http://adult.example.net/"));
    idx_results_free(&r);

    /* Phrase-classified pages carry per-mode terms (filters/classify.h): the junior term hides
     * the casino page from junior, and web (which does not hide gambling) still finds it. */
    r = run(f, "casino", 1, 10, NULL, 0);
    assert_true(has_url(&r, "http://jeux.example.org/"));
    idx_results_free(&r);
    const char *junior_hides[] = {"gambling", "gambling~junior"};
    r = run(f, "casino", 1, 10, junior_hides, 2);
    assert_false(has_url(&r, "http://jeux.example.org/"));
    idx_results_free(&r);
    const char *plain_only[] = {"gambling"}; /* the page is not on any gambling list */
    r = run(f, "casino", 1, 10, plain_only, 1);
    assert_true(has_url(&r, "http://jeux.example.org/"));
    idx_results_free(&r);
}

/* A required category (junior allow-list-only mode) keeps only the pages carrying XC<term>. */
static void test_required_category(void **state)
{
    fixture *f = *state;
    idx_results all = run(f, "zebra", 1, 50, NULL, 0);
    assert_true(all.n_results > 1);
    assert_true(has_url(&all, "http://adult.example.net/"));
    idx_results_free(&all);

    idx_search_params p = {
        .query = "zebra", .page = 1, .per_page = 50, .required_category = "adult"};
    idx_results r;
    assert_int_equal(idx_search(f->s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://adult.example.net/");
    idx_results_free(&r);

    /* A per-mode term works the same way. */
    p.query = "casino";
    p.required_category = "gambling~junior";
    assert_int_equal(idx_search(f->s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://jeux.example.org/");
    idx_results_free(&r);

    /* No page of the index carries the term: nothing, not everything. */
    p.query = "zebra";
    p.required_category = "allowlist";
    assert_int_equal(idx_search(f->s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);

    /* Required and hidden together: the required page is still hidden. */
    const char *hide[] = {"adult"};
    p.required_category = "adult";
    p.hidden_categories = hide;
    p.n_hidden = 1;
    assert_int_equal(idx_search(f->s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);
}

static void test_per_host_limit_and_paging(void **state)
{
    fixture *f = *state;
    /* Per page, at most IDX_MAX_PER_SITE from a host while other hosts have results. */
    idx_results r = run(f, "zebra", 1, 5, NULL, 0);
    assert_int_equal(r.n_results, 5);
    unsigned zoo = 0, more = 0;
    for (size_t i = 0; i < r.n_results; i++) {
        assert_int_equal(r.results[i].rank, i + 1);
        if (strcmp(r.results[i].site, "zoo.example.com") == 0) {
            zoo++;
            more = r.results[i].more_from_site;
        }
    }
    assert_int_equal(zoo, IDX_MAX_PER_SITE);
    assert_int_equal(more, 6 - IDX_MAX_PER_SITE);
    assert_true(r.has_next_page);
    idx_results_free(&r);
    /* The mirror (same text as z1) is collapsed. */
    r = run(f, "zebra", 1, 50, NULL, 0);
    size_t total = r.n_results;
    assert_false(has_url(&r, "http://mirror.example.com/z1") &&
                 has_url(&r, "http://zoo.example.com/z1"));
    assert_false(r.has_next_page);
    idx_results_free(&r);
    assert_int_equal(total, 9); /* 6 zoo + savanna + kids + adult */
    /* Pages of 2 cover the same results, each once, and ranks run on. */
    char *seen[64];
    size_t n_seen = 0;
    for (unsigned pg = 1; pg <= 10; pg++) {
        r = run(f, "zebra", pg, 2, NULL, 0);
        for (size_t i = 0; i < r.n_results; i++) {
            assert_int_equal(r.results[i].rank, (pg - 1) * 2 + i + 1);
            for (size_t k = 0; k < n_seen; k++)
                assert_string_not_equal(seen[k], r.results[i].url);
            seen[n_seen++] = strdup(r.results[i].url);
        }
        bool next = r.has_next_page;
        idx_results_free(&r);
        if (!next)
            break;
    }
    assert_int_equal(n_seen, total);
    for (size_t k = 0; k < n_seen; k++)
        free(seen[k]);
}

static void test_and_then_or(void **state)
{
    fixture *f = *state;
    /* No page has both words: AND finds nothing, OR finds each. */
    idx_results r = run(f, "cantine giraffes", 1, 10, NULL, 0);
    assert_true(has_url(&r, "http://www.ecole.example.fr/ecole"));
    assert_true(has_url(&r, "http://savanna.example.org/zebra"));
    idx_results_free(&r);
    /* A phrase. */
    r = run(f, "\"droite graduée\"", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://www.ecole.example.fr/maths");
    idx_results_free(&r);
}

/* Fewer than a page of results with all the words: pages with all the words but one come in,
 * after those with all of them; never pages with fewer. */
static void test_all_but_one_word(void **state)
{
    fixture *f = *state;
    /* No page has the four words; z3 has three (not "grass"), z1 and the savanna page two. */
    idx_results r = run(f, "zebra stripes fingerprint grass", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://zoo.example.com/z3");
    idx_results_free(&r);
    /* z5 has the three words, z2 all but "night". */
    r = run(f, "zebra water night", 1, 10, NULL, 0);
    assert_true(r.n_results >= 2);
    assert_string_equal(r.results[0].url, "http://zoo.example.com/z5");
    assert_true(has_url(&r, "http://zoo.example.com/z2"));
    assert_false(has_url(&r, "http://zoo.example.com/z1")); /* "zebra" alone */
    idx_results_free(&r);
    /* Two words: either will do, z5 (both) first */
    r = run(f, "zebra night", 1, 10, NULL, 0);
    assert_true(r.n_results > 1);
    assert_string_equal(r.results[0].url, "http://zoo.example.com/z5");
    assert_true(has_url(&r, "http://zoo.example.com/z1"));
    idx_results_free(&r);
    /* NOT written out: the logic as asked, z2 alone (z5 has "lions"); widened, "zebra NOT
     * lions" would bring every zebra page without lions */
    r = run(f, "zebra water NOT lions", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://zoo.example.com/z2");
    idx_results_free(&r);
    /* AND written out: every word, as asked (the OR of a query that finds nothing keeps it) */
    r = run(f, "zebra AND stripes AND grass", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);
    /* A misspelt word: the pages with "the" come, and the correction is still offered. */
    r = run(f, "zebar the", 1, 10, NULL, 0);
    assert_true(r.n_results >= IDX_FEW_RESULTS_FOR_TEST);
    assert_non_null(r.corrected_query);
    assert_memory_equal(r.corrected_query, "zebra ", 6); /* Xapian's: "zebra three" */
    idx_results_free(&r);
}

/* Duplicates are collapsed per language, near-duplicates at query time, and a page left
 * untranslated under another locale comes after the original. */
static void test_near_duplicates_and_translations(void **state)
{
    fixture *f = *state;
    idx_results r = run(f, "strigiformes", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 2);
    assert_string_equal(r.results[0].url, "http://docs.example.org/manual/en-US/owls.html");
    assert_string_equal(r.results[1].url, "http://docs.example.org/manual/fr-FR/owls.html");
    assert_false(r.has_next_page);
    idx_results_free(&r);
    /* The copy is there, found alone where the original is not. */
    r = run(f, "copied monday", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url,
                        "http://blog.example.net/2024/05/12/copied/owls-copy.html?page=2");
    idx_results_free(&r);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The parses of `query` with AND and with OR between words (idx_search_describe_parses). */
static void describe_and_or(fixture *f, const char *query, char **and_desc, char **or_desc)
{
    idx_search_params p = {.query = query, .page = 1, .per_page = 10};
    assert_int_equal(idx_search_describe_parses(f->s, &p, false, and_desc), CH_OK);
    assert_int_equal(idx_search_describe_parses(f->s, &p, true, or_desc), CH_OK);
}

/* Parses that coincide are matched once, weighted as their copies were together; OR between
 * words is tried only when it changes the query. */
static void test_parses_matched_once(void **state)
{
    fixture *f = *state;
    char *and_desc = NULL, *or_desc = NULL;
    /* A phrase is never stemmed: the French, English and exact parses are one. */
    describe_and_or(f, "\"droite graduée\"", &and_desc, &or_desc);
    assert_int_equal(count_lines(and_desc), 1);
    /* French, English, exact; 4 when libexttextcat takes it for another language */
    assert_true(and_desc[0] == '3' || and_desc[0] == '4');
    assert_non_null(strstr(and_desc, "PHRASE"));
    assert_string_equal(and_desc, or_desc);
    free(and_desc);
    free(or_desc);
    /* Two words whose stems differ: the exact parse and a stemmed one at least, and OR between
     * the words is another query. */
    describe_and_or(f, "nombres négatifs", &and_desc, &or_desc);
    assert_true(count_lines(and_desc) >= 2);
    assert_string_not_equal(and_desc, or_desc);
    free(and_desc);
    free(or_desc);
    /* An English query that libexttextcat takes for French (too short to tell) is parsed with
     * the English stemmer as well: "line" stems to "line" in English, "lin" in French. */
    describe_and_or(f, "command line environment variables", &and_desc, &or_desc);
    assert_non_null(strstr(and_desc, "Zline@2"));
    assert_non_null(strstr(and_desc, "Zlin@2"));
    free(and_desc);
    free(or_desc);
    /* Bad input is refused, not described, with the errors of idx_search. */
    idx_search_params p = {.query = "\xff\xfe", .page = 1, .per_page = 10};
    assert_int_equal(idx_search_describe_parses(f->s, &p, false, &and_desc), CH_ERR_PARSE);
    assert_null(and_desc);
    char long_query[IDX_MAX_QUERY_BYTES + 2];
    memset(long_query, 'a', sizeof long_query - 1);
    long_query[sizeof long_query - 1] = '\0';
    p.query = long_query;
    assert_int_equal(idx_search_describe_parses(f->s, &p, false, &and_desc), CH_ERR_LIMIT);
    assert_null(and_desc);
    /* Ranking and results are those of the copies: the phrase still finds its page alone. */
    idx_results r = run(f, "\"droite graduée\"", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://www.ecole.example.fr/maths");
    idx_results_free(&r);
    r = run(f, "\"graduée droite\"", 1, 10, NULL, 0); /* no such phrase: nothing, no error */
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);
}

/* A new index of the pages in a new directory (*dir, for test_rm_rf), opened for searching. */
static idx_searcher *searcher_of_pages(const test_page *site, size_t n, char **dir)
{
    *dir = test_make_tmpdir();
    char warc[600], db[600];
    snprintf(warc, sizeof warc, "%s/p.warc", *dir);
    snprintf(db, sizeof db, "%s/db", *dir);
    test_write_warc(warc, site, n);
    const char *warcs[] = {warc};
    idx_stats st;
    test_index_warcs(db, warcs, 1, &st);
    idx_searcher *s = NULL;
    assert_int_equal(idx_searcher_open(db, &s, NULL), CH_OK);
    return s;
}

/* Close a searcher from searcher_of_pages and remove its directory. */
static void searcher_of_pages_free(idx_searcher *s, char *dir)
{
    idx_searcher_close(s);
    test_rm_rf(dir);
    free(dir);
}

/* The page named after the query comes first, even when another repeats the word all along
 * (the known-item prior on title and URL words; without it the long page wins on BM25). */
static void test_known_item_prior(void **state)
{
    (void)state;
    static char long_body[8192];
    size_t off =
        (size_t)snprintf(long_body, sizeof long_body,
                         "<html><head><title>Coroutines and tasks</title></head><body><p>");
    for (int i = 0; i < 60; i++)
        off += (size_t)snprintf(long_body + off, sizeof long_body - off,
                                "The okapi waits for the keeper number %d. ", i);
    snprintf(long_body + off, sizeof long_body - off, "</p></body></html>");
    const test_page named[] = {
        {"http://a.example.org/coroutines.html", 200, TEST_HTML, long_body},
        {"http://b.example.org/okapi.html", 200, TEST_HTML,
         "<html><head><title>Okapi, the forest giraffe</title></head><body><p>It lives in "
         "the rainforest of the Congo and eats leaves.</p></body></html>"},
        {"http://c.example.org/zoo.html", 200, TEST_HTML,
         "<html><head><title>Zoo guide</title></head><body><p>Lions, zebras and one okapi "
         "in the new enclosure near the lake.</p></body></html>"},
    };
    char *dir = NULL;
    idx_searcher *s = searcher_of_pages(named, 3, &dir);
    idx_search_params p = {.query = "okapi", .page = 1, .per_page = 10};
    idx_results r;
    assert_int_equal(idx_search(s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 3);
    assert_string_equal(r.results[0].url, "http://b.example.org/okapi.html");
    idx_results_free(&r);
    searcher_of_pages_free(s, dir);
}

/* A query that is a page's whole title, or one part of it between separators, finds that page
 * first (its title key, XT), before a page whose title holds the same words and repeats them. */
static void test_title_key_first(void **state)
{
    (void)state;
    /* other pages, so that the words weigh as in a real index: a title key on one page of a
     * hundred, "classes" on most pages */
    enum { FILLERS = 100, N = FILLERS + 4 };
    static char urls[FILLERS][64], bodies[FILLERS][256];
    test_page all[N];
    for (int i = 0; i < FILLERS; i++) {
        snprintf(urls[i], sizeof urls[i], "http://docs.example.org/other%d.html", i);
        snprintf(bodies[i], sizeof bodies[i],
                 "<html><head><title>Module number %d</title></head><body><p>Reading files "
                 "and sockets with classes, part %d.</p></body></html>",
                 i, i);
        all[i] = (test_page){urls[i], 200, TEST_HTML, bodies[i]};
    }
    const test_page titled[] = {
        {"http://docs.example.org/p1.html", 200, TEST_HTML,
         "<html><head><title>Garden tools and the garden shed"
         "</title></head><body><p>Rakes, spades and garden tools.</p></body></html>"},
        {"http://docs.example.org/p2.html", 200, TEST_HTML,
         "<html><head><title>Garden Tools — Example documentation</title></head><body><p>"
         "Rakes, spades and garden tools.</p></body></html>"},
        {"http://docs.example.org/abc.html", 200, TEST_HTML,
         "<html><head><title>abc — Abstract Base Classes — Example documentation</title></head>"
         "<body><p>Defining abstract base classes with a metaclass.</p></body></html>"},
        {"http://docs.example.org/collections.abc.html", 200, TEST_HTML,
         "<html><head><title>collections.abc — Abstract Base Classes for Containers</title>"
         "</head><body><p>Abstract base classes to test whether a class provides an interface: "
         "abstract base classes for containers, abstract methods.</p></body></html>"},
    };
    for (int i = 0; i < 4; i++)
        all[FILLERS + i] = titled[i];
    char *dir = NULL;
    idx_searcher *s = searcher_of_pages(all, N, &dir);
    const char *cases[][2] = {
        {"garden tools", "http://docs.example.org/p2.html"},
        {"Abstract base classes", "http://docs.example.org/abc.html"},
        {"abstract base classes for containers", "http://docs.example.org/collections.abc.html"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        idx_search_params p = {.query = cases[i][0], .page = 1, .per_page = 10};
        idx_results r;
        assert_int_equal(idx_search(s, &p, &r), CH_OK);
        assert_true(r.n_results >= 1);
        assert_string_equal(r.results[0].url, cases[i][1]);
        idx_results_free(&r);
    }
    searcher_of_pages_free(s, dir);
}

/* A widened query leaves out a word outside phrases only: "\"alpha beta gamma\" delta epsilon"
 * becomes the phrase with delta or with epsilon, never "\"alpha gamma\" delta epsilon". */
static void test_widening_keeps_phrases(void **state)
{
    (void)state;
    const test_page site[] = {
        {"http://a.example.org/1.html", 200, TEST_HTML,
         "<html><head><title>One</title></head><body><p>alpha beta gamma delta</p></body></html>"},
        {"http://a.example.org/2.html", 200, TEST_HTML,
         "<html><head><title>Two</title></head><body><p>alpha gamma delta epsilon</p></body>"
         "</html>"},
    };
    char *dir = NULL;
    idx_searcher *s = searcher_of_pages(site, 2, &dir);
    idx_search_params p = {
        .query = "\"alpha beta gamma\" delta epsilon", .page = 1, .per_page = 10};
    idx_results r;
    assert_int_equal(idx_search(s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://a.example.org/1.html");
    idx_results_free(&r);
    searcher_of_pages_free(s, dir);
}

static void test_spelling(void **state)
{
    fixture *f = *state;
    idx_results r = run(f, "zebar", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 0);
    assert_non_null(r.corrected_query);
    assert_string_equal(r.corrected_query, "zebra");
    idx_results_free(&r);
    r = run(f, "zebra", 1, 10, NULL, 0);
    assert_null(r.corrected_query);
    idx_results_free(&r);
}

static void test_snippet_escaped_and_json(void **state)
{
    fixture *f = *state;
    idx_results r = run(f, "script escaping", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].title, "Escaping <script> tags"); /* plain text */
    assert_null(strstr(r.results[0].snippet, "<script"));
    assert_non_null(strstr(r.results[0].snippet, "&lt;<mark>script</mark>&gt;alert(1)"));
    char *js = idx_results_json("script escaping", "junior", 1, false, NULL, &r);
    assert_non_null(js);
    json_error_t e;
    json_t *o = json_loads(js, 0, &e);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "query")), "script escaping");
    assert_string_equal(json_string_value(json_object_get(o, "mode")), "junior");
    assert_int_equal(json_integer_value(json_object_get(o, "page")), 1);
    assert_true(json_is_integer(json_object_get(o, "estimated_total")));
    assert_true(json_is_false(json_object_get(o, "blocked")));
    assert_true(json_is_null(json_object_get(o, "message")));
    assert_true(json_is_null(json_object_get(o, "corrected_query")));
    json_t *res = json_object_get(o, "results");
    assert_int_equal(json_array_size(res), 1);
    json_t *x = json_array_get(res, 0);
    assert_int_equal(json_integer_value(json_object_get(x, "rank")), 1);
    assert_string_equal(json_string_value(json_object_get(x, "url")), "http://example.org/danger");
    assert_string_equal(json_string_value(json_object_get(x, "title")), "Escaping <script> tags");
    assert_string_equal(json_string_value(json_object_get(x, "lang")), "en");
    assert_string_equal(json_string_value(json_object_get(x, "site")), "example.org");
    assert_non_null(json_string_value(json_object_get(x, "snippet")));
    json_decref(o);
    free(js);
    idx_results_free(&r);
    /* Blocked: no results, the message. */
    js = idx_results_json("bad", "junior", 1, true, "Cherche autre chose", NULL);
    o = json_loads(js, 0, &e);
    assert_non_null(o);
    assert_true(json_is_true(json_object_get(o, "blocked")));
    assert_string_equal(json_string_value(json_object_get(o, "message")), "Cherche autre chose");
    assert_int_equal(json_array_size(json_object_get(o, "results")), 0);
    json_decref(o);
    free(js);
}

/* Search "zorglub" in a one-document index written by hand as an older indexer did (data, and
 * the value of IDX_SLOT_TEXT when slot_text is not NULL): the one result has `title` and a
 * snippet containing `expect`. */
static void assert_handmade_snippet(const char *data, const char *slot_text, const char *title,
                                    const char *expect)
{
    char *dir = test_make_tmpdir();
    char db[600];
    snprintf(db, sizeof db, "%s/old", dir);
    xap_wdb *w = NULL;
    assert_int_equal(xap_wdb_open(db, XAP_WDB_CREATE_OR_OVERWRITE, &w, NULL), XAP_OK);
    xap_doc *d = NULL;
    assert_int_equal(xap_doc_new(&d), XAP_OK);
    assert_int_equal(xap_doc_add_term(d, "zorglub", 1), XAP_OK);
    assert_int_equal(xap_doc_add_boolean_term(d, "Qhttp://old.example.org/"), XAP_OK);
    assert_int_equal(xap_doc_set_value(d, IDX_SLOT_HOST, "old.example.org", 15), XAP_OK);
    if (slot_text) {
        struct libdeflate_compressor *z = libdeflate_alloc_compressor(6);
        char *packed = NULL;
        size_t plen = 0;
        assert_int_equal(idx_text_pack(z, slot_text, strlen(slot_text), &packed, &plen), CH_OK);
        assert_int_equal(xap_doc_set_value(d, IDX_SLOT_TEXT, packed, plen), XAP_OK);
        free(packed);
        libdeflate_free_compressor(z);
    }
    assert_int_equal(xap_doc_set_data(d, data, strlen(data)), XAP_OK);
    xap_docid id = 0;
    assert_int_equal(xap_wdb_add_document(w, d, &id), XAP_OK);
    xap_doc_free(d);
    assert_int_equal(xap_wdb_close(w), XAP_OK);

    idx_searcher *s = NULL;
    assert_int_equal(idx_searcher_open(db, &s, NULL), CH_OK);
    idx_search_params p = {.query = "zorglub", .page = 1, .per_page = 10};
    idx_results r;
    assert_int_equal(idx_search(s, &p, &r), CH_OK);
    assert_int_equal(r.n_results, 1);
    assert_string_equal(r.results[0].url, "http://old.example.org/");
    assert_string_equal(r.results[0].title, title);
    assert_non_null(strstr(r.results[0].snippet, expect));
    idx_results_free(&r);
    searcher_of_pages_free(s, dir);
}

/* Indexes of older schemas keep working: chouette-index-1 kept the text in the data's "text",
 * chouette-index-2 deflated in value slot IDX_SLOT_TEXT, with no text after the JSON. */
static void test_snippet_from_older_indexes(void **state)
{
    (void)state;
    assert_handmade_snippet("{\"url\":\"http://old.example.org/\",\"title\":\"Old\",\"lang\":"
                            "\"en\",\"site\":\"old.example.org\",\"description\":\"\","
                            "\"text\":\"An old page about the zorglub machine.\"}",
                            NULL, "Old", "about the <mark>zorglub</mark> machine");
    assert_handmade_snippet("{\"url\":\"http://old.example.org/\",\"title\":\"Second\","
                            "\"lang\":\"en\",\"site\":\"old.example.org\",\"description\":\"\"}",
                            "A page of the second format about the zorglub engine.", "Second",
                            "about the <mark>zorglub</mark> engine");
}

static void test_suggest_info_and_limits(void **state)
{
    fixture *f = *state;
    char **v = NULL;
    size_t n = 0;
    assert_int_equal(idx_suggest(f->s, "zeb", NULL, 0, 5, &v, &n), CH_OK);
    assert_true(n >= 1 && n <= 5);
    for (size_t i = 0; i < n; i++)
        assert_non_null(strcasestr(v[i], "ze"));
    idx_strings_free(v, n);
    const char *hide[] = {"adult"};
    assert_int_equal(idx_suggest(f->s, "zebra fo", hide, 1, 5, &v, &n), CH_OK);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(v[i], "Zebra for adults");
    assert_true(n >= 1);
    idx_strings_free(v, n);
    unsigned long docs = 0;
    char *date = NULL;
    assert_int_equal(idx_searcher_info(f->s, &docs, &date), CH_OK);
    assert_int_equal(docs, N_PAGES);
    assert_int_equal(strlen(date), 20);
    free(date);
    /* Limits. */
    char *big = malloc(IDX_MAX_QUERY_BYTES + 2);
    memset(big, 'a', IDX_MAX_QUERY_BYTES + 1);
    big[IDX_MAX_QUERY_BYTES + 1] = '\0';
    idx_search_params p = {.query = big, .page = 1};
    idx_results r;
    assert_int_equal(idx_search(f->s, &p, &r), CH_ERR_LIMIT);
    free(big);
    p.query = "zebra";
    p.page = 0;
    assert_int_equal(idx_search(f->s, &p, &r), CH_ERR_ARG);
    p.page = IDX_MAX_PAGE + 1;
    assert_int_equal(idx_search(f->s, &p, &r), CH_ERR_ARG);
    p.page = 1;
    p.per_page = IDX_MAX_PER_PAGE + 1;
    assert_int_equal(idx_search(f->s, &p, &r), CH_ERR_ARG);
    p.per_page = 0;
    p.query = "\xff\xfe";
    assert_int_equal(idx_search(f->s, &p, &r), CH_ERR_PARSE);
    p.query = "(((";
    assert_int_equal(idx_search(f->s, &p, &r), CH_OK); /* read as plain words */
    idx_results_free(&r);
    idx_searcher *none = NULL;
    char *err = NULL;
    assert_int_equal(idx_searcher_open("/nonexistent/db", &none, &err), CH_ERR_NOTFOUND);
    assert_null(none);
    assert_non_null(err);
    free(err);
}

static void test_refresh_sees_new_commits(void **state)
{
    fixture *f = *state;
    idx_results r = run(f, "okapi", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);
    const test_page more[] = {{"http://zoo.example.com/okapi", 200, HTML,
                               "<html lang=en><head><title>Okapi</title></head><body><p>The okapi "
                               "is a forest giraffe.</p></body></html>"}};
    char warc[700];
    snprintf(warc, sizeof warc, "%s/more.warc", f->dir);
    test_write_warc(warc, more, 1);
    const char *w[] = {warc};
    idx_stats st;
    test_index_warcs(f->db, w, 1, &st);
    assert_int_equal(idx_searcher_refresh(f->s), CH_OK);
    r = run(f, "okapi", 1, 10, NULL, 0);
    assert_int_equal(r.n_results, 1);
    idx_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accent_folding),
        cmocka_unit_test(test_site_and_lang_filters),
        cmocka_unit_test(test_hidden_categories),
        cmocka_unit_test(test_required_category),
        cmocka_unit_test(test_per_host_limit_and_paging),
        cmocka_unit_test(test_and_then_or),
        cmocka_unit_test(test_all_but_one_word),
        cmocka_unit_test(test_parses_matched_once),
        cmocka_unit_test(test_near_duplicates_and_translations),
        cmocka_unit_test(test_known_item_prior),
        cmocka_unit_test(test_title_key_first),
        cmocka_unit_test(test_widening_keeps_phrases),
        cmocka_unit_test(test_spelling),
        cmocka_unit_test(test_snippet_escaped_and_json),
        cmocka_unit_test(test_snippet_from_older_indexes),
        cmocka_unit_test(test_suggest_info_and_limits),
        cmocka_unit_test(test_refresh_sees_new_commits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
