#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "indexer/extract.h"
#include "indexer/lang.h"
#include "tests/unit/support/tmpdir.h"

static int open_ident(void **state)
{
    lang_ident *li = NULL;
    if (lang_open(&li) != CH_OK)
        return -1;
    *state = li;
    return 0;
}

static int close_ident(void **state)
{
    lang_close(*state);
    return 0;
}

static const char *ident(void **state, const char *text, const char *hint)
{
    return lang_identify(*state, text, strlen(text), hint);
}

static void test_five_languages(void **state)
{
    assert_string_equal(
        ident(state,
              "Le gouvernement a annonc\xC3\xA9 mardi de nouvelles mesures pour soutenir les "
              "\xC3\xA9"
              "coles rurales, qui manquent souvent d'enseignants et de moyens.",
              NULL),
        "fr");
    assert_string_equal(ident(state,
                              "The government announced new measures on Tuesday to support rural "
                              "schools, which often lack teachers and resources.",
                              NULL),
                        "en");
    assert_string_equal(
        ident(state,
              "Die Regierung hat am Dienstag neue Ma\xC3\x9fnahmen angek\xC3\xBCndigt, "
              "um l\xC3\xA4ndliche Schulen zu unterst\xC3\xBCtzen, denen oft Lehrer "
              "und Mittel fehlen.",
              NULL),
        "de");
    assert_string_equal(
        ident(state,
              "El gobierno anunci\xC3\xB3 el martes nuevas medidas para apoyar a las "
              "escuelas rurales, que a menudo carecen de profesores y recursos.",
              NULL),
        "es");
    assert_string_equal(
        ident(state,
              "Il governo ha annunciato marted\xC3\xAC nuove misure per sostenere le "
              "scuole rurali, che spesso non hanno insegnanti e risorse.",
              NULL),
        "it");
}

static void test_short_text_uses_hint(void **state)
{
    assert_string_equal(ident(state, "bonjour", NULL), "");
    assert_string_equal(ident(state, "bonjour", "fr-FR"), "fr");
    assert_string_equal(ident(state, "", "DE"), "de");
    assert_string_equal(ident(state, "12 34 56 78 90 12 34 56 78 90 !!", "xx-YY"), "");
    assert_string_equal(lang_identify(*state, NULL, 0, "es"), "es");
}

static void test_hint_among_close_candidates_wins(void **state)
{
    /* Long, clearly French text: a wrong hint does not override textcat. */
    const char *fr = "Saisissez le texte \xC3\xA0 rechercher dans le document. Appuyez sur "
                     "Entr\xC3\xA9"
                     "e pour r\xC3\xA9"
                     "aliser la recherche dans tout le document.";
    assert_string_equal(ident(state, fr, "en"), "fr");
    assert_string_equal(ident(state, fr, "fr"), "fr");
}

static void test_only_first_bytes_read(void **state)
{
    /* 4 KB of English followed by German: the sample is the English part. */
    char *buf = malloc(LANG_MAX_SAMPLE + 4096);
    assert_non_null(buf);
    const char *en = "The children walked to school together every morning in the rain. ";
    const char *de = "Die Kinder gingen jeden Morgen zusammen im Regen zur Schule. ";
    size_t n = 0;
    while (n + strlen(en) < LANG_MAX_SAMPLE) {
        memcpy(buf + n, en, strlen(en));
        n += strlen(en);
    }
    while (n + strlen(de) < LANG_MAX_SAMPLE + 4000) {
        memcpy(buf + n, de, strlen(de));
        n += strlen(de);
    }
    assert_string_equal(lang_identify(*state, buf, n, NULL), "en");
    free(buf);
}

static void test_url_locale(void **state)
{
    (void)state;
    assert_string_equal(lang_from_url("http://h/dh/fr-FR/sect.kali.html"), "fr");
    assert_string_equal(lang_from_url("https://h/en-US/"), "en");
    assert_string_equal(lang_from_url("https://h/docs/pt_BR/index.html?x=1"), "pt");
    assert_string_equal(lang_from_url("https://h/a/b/de-AT"), "de");
    /* the first locale segment counts; a locale in the query or the host does not */
    assert_string_equal(lang_from_url("https://h/es-ES/fr-FR/x"), "es");
    assert_string_equal(lang_from_url("https://fr-fr.example/x?l=fr-FR"), "");
    /* bare two-letter segments ("it" services), other shapes and unknown codes are not taken */
    assert_string_equal(lang_from_url("https://h/it/support.html"), "");
    assert_string_equal(lang_from_url("https://h/fr/page"), "");
    assert_string_equal(lang_from_url("https://h/ab-12/page"), "");
    assert_string_equal(lang_from_url("https://h/fr-FRA/page"), "");
    assert_string_equal(lang_from_url("https://h/qq-ZZ/page"), "");
    assert_string_equal(lang_from_url("https://h"), "");
    assert_string_equal(lang_from_url("not a url"), "");
    assert_string_equal(lang_from_url(""), "");
    assert_string_equal(lang_from_url(NULL), "");
}

static void test_attr_and_stemmers(void **state)
{
    (void)state;
    assert_string_equal(lang_from_attr("fr-FR"), "fr");
    assert_string_equal(lang_from_attr(" EN_gb"), "en");
    assert_string_equal(lang_from_attr("iw"), "he");
    assert_string_equal(lang_from_attr(""), "");
    assert_string_equal(lang_from_attr(NULL), "");
    assert_string_equal(lang_from_attr("klingon"), "");
    assert_string_equal(lang_stemmer_name("fr"), "french");
    assert_string_equal(lang_stemmer_name("en"), "english");
    assert_string_equal(lang_stemmer_name("de"), "german");
    assert_string_equal(lang_stemmer_name("es"), "spanish");
    assert_string_equal(lang_stemmer_name("it"), "italian");
    assert_string_equal(lang_stemmer_name("pt"), "portuguese");
    assert_string_equal(lang_stemmer_name("nl"), "dutch");
    assert_null(lang_stemmer_name("ja"));
    assert_null(lang_stemmer_name(""));
    assert_null(lang_stemmer_name(NULL));
}

/* Real pages through the extractor, without the lang attribute as hint: the French help page is
 * French, the Python and debian-handbook pages English. The fr-FR debian-handbook page is only
 * partly translated: its first 4 KB of text are mostly English, and that is the right answer. */
static char *fixture(const char *name, size_t *len)
{
    const char *top = getenv("TOP");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/html/%s", top ? top : ".", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *b = malloc((size_t)n);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static const char *page_lang(void **state, const char *name)
{
    size_t len;
    char *b = fixture(name, &len);
    extract_page_t *p = NULL;
    assert_int_equal(extract_page(b, len, NULL, "http://example.org/x.html", NULL, &p), CH_OK);
    /* Without the hint, so that textcat alone is tested. */
    const char *iso = lang_identify(*state, p->text, p->text_len, NULL);
    extract_page_free(p);
    free(b);
    return iso;
}

static void test_real_pages(void **state)
{
    assert_string_equal(page_lang(state, "libreoffice-fr-find_toolbar.html"), "fr");
    assert_string_equal(page_lang(state, "debian-handbook-fr-apt-get.html"), "en");
    assert_string_equal(page_lang(state, "python-os.path.html"), "en");
    assert_string_equal(page_lang(state, "debian-handbook-en-apt-get.html"), "en");
}

static void test_open_missing_dir(void **state)
{
    (void)state;
    lang_ident *li = (lang_ident *)1;
    assert_int_equal(lang_open_dir("/nonexistent/dir/", &li), CH_ERR_NOTFOUND);
    assert_null(li);
    lang_close(NULL);
}

/* The query models: each has a stemmer, every stemmer language with a textcat model is there,
 * and queries of the two languages people search in here are told apart. */
static void test_query_models(void **state)
{
    (void)state;
    char conf[1024];
    assert_int_equal(paths_data_file(LANG_QUERIES_CONF, conf, sizeof conf), CH_OK);
    FILE *f = fopen(conf, "r");
    assert_non_null(f);
    char line[256], listed[64][8];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        size_t code_len = strcspn(line, ".");
        assert_true(code_len > 0 && code_len < sizeof listed[0] && n < 64);
        memcpy(listed[n], line, code_len);
        listed[n][code_len] = '\0';
        assert_non_null(lang_stemmer_name(lang_from_attr(listed[n])));
        n++;
    }
    fclose(f);
    /* lang_stemmer_name's languages; "no" has no model of its own (nb and nn do) */
    static const char *const with_stemmer[] = {"ar", "hy", "eu", "ca", "da", "nl", "en", "fi", "fr",
                                               "de", "hu", "id", "ga", "it", "lt", "ne", "nb", "nn",
                                               "pt", "ro", "ru", "es", "sv", "ta", "tr"};
    assert_int_equal(n, sizeof with_stemmer / sizeof *with_stemmer);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(listed[k], with_stemmer[i]) == 0;
        assert_true(found);
    }
    /* a data directory without the list: a clear error (the searcher then uses all models) */
    char *empty = test_make_tmpdir();
    assert_int_equal(setenv("CHOUETTE_DATA", empty, 1), 0);
    lang_ident *li = (lang_ident *)1;
    assert_int_equal(lang_open_queries(&li), CH_ERR_NOTFOUND);
    assert_null(li);
    assert_int_equal(unsetenv("CHOUETTE_DATA"), 0);
    test_rm_rf(empty);
    free(empty);
    assert_int_equal(lang_open_queries(&li), CH_OK);
    const char *fr = "comment installer un paquet debian avec apt";
    const char *en = "how to install a debian package with apt";
    assert_string_equal(lang_identify(li, fr, strlen(fr), NULL), "fr");
    assert_string_equal(lang_identify(li, en, strlen(en), NULL), "en");
    lang_close(li);
}

int main(void)
{
    extract_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_five_languages, open_ident, close_ident),
        cmocka_unit_test_setup_teardown(test_short_text_uses_hint, open_ident, close_ident),
        cmocka_unit_test_setup_teardown(test_hint_among_close_candidates_wins, open_ident,
                                        close_ident),
        cmocka_unit_test_setup_teardown(test_only_first_bytes_read, open_ident, close_ident),
        cmocka_unit_test(test_attr_and_stemmers),
        cmocka_unit_test_setup_teardown(test_real_pages, open_ident, close_ident),
        cmocka_unit_test(test_open_missing_dir),
        cmocka_unit_test(test_query_models),
        cmocka_unit_test(test_url_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
