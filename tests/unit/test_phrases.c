#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filters/phrases.h"

typedef struct {
    unsigned count;
    unsigned last_line;
    char last_why[128];
} warnings;

static void collect_warn(void *ctx, const char *path, unsigned line, const char *why)
{
    warnings *w = ctx;
    (void)path;
    w->count++;
    w->last_line = line;
    snprintf(w->last_why, sizeof w->last_why, "%s", why);
}

/* Build and compile a classifier from one list text. */
static flt_phrases *compile_list(const char *list, int category, warnings *w)
{
    flt_phrases *p = NULL;
    assert_int_equal(flt_phrases_new(&p), CH_OK);
    if (w)
        flt_phrases_set_warn(p, collect_warn, w);
    assert_int_equal(flt_phrases_load_buffer(p, "test", list, strlen(list), category), CH_OK);
    assert_int_equal(flt_phrases_compile(p), CH_OK);
    return p;
}

static long score_of(const flt_phrases *p, const char *text, int category)
{
    flt_phrase_scores s;
    flt_phrase_scores_init(&s);
    assert_int_equal(flt_phrases_score(p, text, strlen(text), &s), CH_OK);
    long v = s.score[category];
    flt_phrase_scores_free(&s);
    return v;
}

static void test_category_table(void **state)
{
    (void)state;
    assert_int_equal(flt_category_from_e2g("pornography"), FLT_CAT_ADULT);
    assert_int_equal(flt_category_from_e2g("Pornography (French)"), FLT_CAT_ADULT);
    assert_int_equal(flt_category_from_e2g("IllegalDrugs"), FLT_CAT_DRUGS);
    assert_int_equal(flt_category_from_e2g("intolerance"), FLT_CAT_HATE);
    assert_int_equal(flt_category_from_e2g("personals"), FLT_CAT_DATING);
    assert_int_equal(flt_category_from_e2g("OnlineGames"), FLT_CAT_GAMES);
    assert_int_equal(flt_category_from_e2g("gore"), FLT_CAT_VIOLENCE);
    assert_int_equal(flt_category_from_e2g("goodphrases"), FLT_PHRASES_CAT_ALL);
    assert_int_equal(flt_category_from_e2g("weapons"), FLT_CAT_WEAPONS);
    assert_int_equal(flt_category_from_e2g("Badwords (French)"), -1);
    assert_int_equal(flt_category_from_e2g("Weighted Phrases"), -1);
    assert_int_equal(flt_category_from_e2g(""), -1);
    assert_int_equal(flt_category_from_e2g(NULL), -1);
}

static void test_substring_vs_whole_word(void **state)
{
    (void)state;
    flt_phrases *p = compile_list("<sex><5>\n< cat ><7>\n", FLT_CAT_ADULT, NULL);
    assert_int_equal(flt_phrases_rule_count(p), 2);
    assert_int_equal(score_of(p, "sexy", FLT_CAT_ADULT), 5);
    assert_int_equal(score_of(p, "unisex clothes", FLT_CAT_ADULT), 5);
    assert_int_equal(score_of(p, "the cat sat", FLT_CAT_ADULT), 7);
    assert_int_equal(score_of(p, "cat", FLT_CAT_ADULT), 7); /* at both page edges */
    assert_int_equal(score_of(p, "(Cat!)", FLT_CAT_ADULT), 7);
    assert_int_equal(score_of(p, "l'cat", FLT_CAT_ADULT), 7); /* apostrophe splits */
    assert_int_equal(score_of(p, "category catalog", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "concatenate", FLT_CAT_ADULT), 0);
    /* Other categories are untouched. */
    assert_int_equal(score_of(p, "sexy cat", FLT_CAT_VIOLENCE), 0);
    flt_phrases_free(p);
}

static void test_no_match_across_sentences(void **state)
{
    (void)state;
    flt_phrases *p = compile_list("<xxx hardcore><80>\n< end ><5>\n<18 u.s.c><9>\n"
                                  "<are you sure?><4>\n",
                                  FLT_CAT_ADULT, NULL);
    assert_int_equal(score_of(p, "xxx hardcore", FLT_CAT_ADULT), 80);
    assert_int_equal(score_of(p, "XXX - Hardcore", FLT_CAT_ADULT), 80);
    assert_int_equal(score_of(p, "id xxx. Hardcore techno", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "xxx!\nhardcore", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "xxx\nhardcore", FLT_CAT_ADULT), 0);
    /* Word boundaries still hold next to a sentence end; abbreviations still match. */
    assert_int_equal(score_of(p, "The end. Next", FLT_CAT_ADULT), 5);
    assert_int_equal(score_of(p, "the end.", FLT_CAT_ADULT), 5);
    assert_int_equal(score_of(p, "see 18 U.S.C. 2257", FLT_CAT_ADULT), 9);
    assert_int_equal(score_of(p, "Are you sure? Yes", FLT_CAT_ADULT), 4);
    flt_phrases_free(p);
}

static void test_counts_once_per_page(void **state)
{
    (void)state;
    flt_phrases *p =
        compile_list("<porn><10>\n<porn><3>\n< free porn ><20>\n", FLT_CAT_ADULT, NULL);
    /* Each rule once, however often it occurs; two rules with the same phrase both count. */
    assert_int_equal(score_of(p, "porn porn porn porn porn porn", FLT_CAT_ADULT), 13);
    assert_int_equal(score_of(p, "free porn, free porn", FLT_CAT_ADULT), 33);
    flt_phrases_free(p);
}

static void test_cooccurrence_and_negative(void **state)
{
    (void)state;
    const char *list = "<slut>,<horny><50>\n"
                       "<breast>,< medical ><-30>\n"
                       "<breast><20>\n"
                       "<a>,<a>,< b ><1>\n"; /* duplicate parts collapse */
    flt_phrases *p = compile_list(list, FLT_CAT_ADULT, NULL);
    assert_int_equal(score_of(p, "horny", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "slut", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "horny ... and later: slut", FLT_CAT_ADULT), 50);
    assert_int_equal(score_of(p, "breast", FLT_CAT_ADULT), 20);
    assert_int_equal(score_of(p, "breast cancer, medical advice", FLT_CAT_ADULT), -10);
    assert_int_equal(score_of(p, "x b", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "a b", FLT_CAT_ADULT), 1);
    flt_phrases_free(p);
}

static void test_listcategory_comments_and_weights(void **state)
{
    (void)state;
    const char *list = "# a comment\n"
                       "#listcategory: \"Pornography\"\n"
                       "<xxxporn><40> # trailing note\n"
                       "\n"
                       "   \t\n"
                       "#listcategory: \"Gambling\"\n"
                       "< casino ><25>\r\n"
                       "< poker ><10%>\n"
                       "#listcategory: \"Weighted Phrases\"\n"
                       "<orphan><5>\n";
    warnings w = {0};
    flt_phrases *p = compile_list(list, -1, &w);
    assert_int_equal(flt_phrases_rule_count(p), 3);
    assert_int_equal(score_of(p, "XXXPORN", FLT_CAT_ADULT), 40);
    assert_int_equal(score_of(p, "casino", FLT_CAT_GAMBLING), 25);
    assert_int_equal(score_of(p, "casino poker", FLT_CAT_GAMBLING), 35);
    assert_int_equal(score_of(p, "casino", FLT_CAT_ADULT), 0);
    assert_int_equal(score_of(p, "orphan", FLT_CAT_ADULT), 0);
    /* The orphan rule has no known category: reported, skipped. */
    assert_int_equal(flt_phrases_bad_lines(p), 1);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.last_line, 10);
    flt_phrases_free(p);

    /* A forced category wins over #listcategory. */
    p = compile_list(list, FLT_CAT_WEAPONS, NULL);
    assert_int_equal(flt_phrases_rule_count(p), 4);
    assert_int_equal(score_of(p, "casino orphan", FLT_CAT_WEAPONS), 30);
    flt_phrases_free(p);
}

static void test_bad_lines_reported_and_skipped(void **state)
{
    (void)state;
    const char *list = "<ok><5>\n"
                       "<no weight>\n"
                       "<bad><weight>\n"
                       "<unclosed><5\n"
                       "<huge><999999>\n"
                       "plain text line\n"
                       "<a>,b<5>\n"
                       "<x><5> junk\n"
                       "<...><5>\n"
                       "<a>,<b>,<c>,<d>,<e>,<f>,<g>,<h>,<i><5>\n"
                       "<good><-5>\n";
    warnings w = {0};
    flt_phrases *p = compile_list(list, FLT_CAT_ADULT, &w);
    assert_int_equal(flt_phrases_rule_count(p), 2);
    assert_int_equal(flt_phrases_bad_lines(p), 9);
    assert_int_equal(w.count, 9);
    assert_int_equal(score_of(p, "ok good", FLT_CAT_ADULT), 0);
    flt_phrases_free(p);
}

static void test_folding_both_sides(void **state)
{
    (void)state;
    const char *list = "< pornographie ><30>\n"
                       "< école ><-5>\n"
                       "<LIBERTÉ><7>\n"
                       "< l'amour ><3>\n";
    flt_phrases *p = compile_list(list, FLT_CAT_ADULT, NULL);
    assert_int_equal(score_of(p, "PORNOGRAPHIE", FLT_CAT_ADULT), 30);
    assert_int_equal(score_of(p, "Pornographie!", FLT_CAT_ADULT), 30);
    assert_int_equal(score_of(p, "L'ÉCOLE", FLT_CAT_ADULT), -5);
    assert_int_equal(score_of(p, "ecole", FLT_CAT_ADULT), -5);
    assert_int_equal(score_of(p, "Liberte", FLT_CAT_ADULT), 7);
    assert_int_equal(score_of(p,
                              "L\xE2\x80\x99"
                              "AMOUR",
                              FLT_CAT_ADULT),
                     3);
    assert_int_equal(score_of(p,
                              "pornographi\xFF"
                              "e",
                              FLT_CAT_ADULT),
                     0);
    flt_phrases_free(p);

    /* A Latin-1 list line (e2guardian's older French lists) is read as Latin-1. */
    p = compile_list("< enculé ><70>\n< \xE9"
                     "cole ><9>\n",
                     FLT_CAT_ADULT, NULL);
    assert_int_equal(score_of(p, "Ecole", FLT_CAT_ADULT), 9);
    flt_phrases_free(p);
}

static void test_include_and_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_phrases_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char top[256], inc[256], sub[256], subfile[256];
    snprintf(top, sizeof top, "%s/top", dir);
    snprintf(inc, sizeof inc, "%s/inc", dir);
    snprintf(sub, sizeof sub, "%s/gambling", dir);
    snprintf(subfile, sizeof subfile, "%s/gambling/weighted", dir);
    FILE *f = fopen(top, "w");
    assert_non_null(f);
    fputs("#listcategory: \"Violence\"\n<gore><10>\n.Include<inc>\n.Include<missing>\n"
          ".Include<@E2CONFDIR@/x>\n",
          f);
    fclose(f);
    f = fopen(inc, "w");
    assert_non_null(f);
    fputs("#listcategory: \"Weapons\"\n<rifle><15>\n.Include<inc>\n", f); /* self-include */
    fclose(f);
    assert_int_equal(mkdir(sub, 0700), 0);
    f = fopen(subfile, "w");
    assert_non_null(f);
    fputs("< roulette ><40>\n", f);
    fclose(f);

    warnings w = {0};
    flt_phrases *p = NULL;
    assert_int_equal(flt_phrases_new(&p), CH_OK);
    flt_phrases_set_warn(p, collect_warn, &w);
    assert_int_equal(flt_phrases_load_file(p, top, -1), CH_OK);
    assert_int_equal(flt_phrases_load_file(p, "/nonexistent/list", -1), CH_ERR_NOTFOUND);
    assert_int_equal(flt_phrases_compile(p), CH_OK);
    /* gore, then one rifle rule per level of the self-include until the depth limit stops it.
     * The missing file, the macro path and the depth stop are three bad lines. */
    assert_int_equal(flt_phrases_rule_count(p), 1 + FLT_PHRASES_INCLUDE_DEPTH);
    assert_int_equal(flt_phrases_bad_lines(p), 3);
    assert_int_equal(score_of(p, "gore", FLT_CAT_VIOLENCE), 10);
    assert_int_equal(score_of(p, "rifle", FLT_CAT_WEAPONS), 15 * FLT_PHRASES_INCLUDE_DEPTH);
    flt_phrases_free(p);

    /* The folder itself names no category and its file has no #listcategory: a bad line. */
    assert_int_equal(flt_phrases_new(&p), CH_OK);
    assert_int_equal(flt_phrases_load_dir(p, sub), CH_OK);
    assert_int_equal(flt_phrases_rule_count(p), 0);
    assert_int_equal(flt_phrases_bad_lines(p), 1);
    flt_phrases_free(p);

    /* load_dir from the parent: the "gambling" folder names the category. */
    assert_int_equal(flt_phrases_new(&p), CH_OK);
    assert_int_equal(flt_phrases_load_dir(p, dir), CH_OK);
    assert_int_equal(flt_phrases_compile(p), CH_OK);
    assert_int_equal(score_of(p, "roulette", FLT_CAT_GAMBLING), 40);
    assert_int_equal(flt_phrases_load_dir(p, dir), CH_ERR_ARG); /* compiled: read-only */
    flt_phrases_free(p);

    unlink(subfile);
    rmdir(sub);
    unlink(inc);
    unlink(top);
    rmdir(dir);
}

static void test_hits_and_reuse(void **state)
{
    (void)state;
    char list[8192];
    size_t used = 0;
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "< w%d ><%d>\n", i, i + 1);
    flt_phrases *p = compile_list(list, FLT_CAT_ADULT, NULL);
    char page[4096];
    used = 0;
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(page + used, sizeof page - used, "w%d ", i);
    flt_phrase_scores s;
    flt_phrase_scores_init(&s);
    assert_int_equal(flt_phrases_score(p, page, strlen(page), &s), CH_OK);
    assert_int_equal(s.score[FLT_CAT_ADULT], 40 * 41 / 2);
    assert_int_equal(s.nfired, 40);
    assert_int_equal(s.nhits, FLT_PHRASES_HITS_MAX);
    /* The kept reasons are the largest contributions: weights 25..40. */
    for (size_t i = 0; i < s.nhits; i++) {
        assert_true(s.hits[i].weight > 40 - FLT_PHRASES_HITS_MAX);
        assert_int_equal(s.hits[i].category, FLT_CAT_ADULT);
        assert_non_null(strstr(s.hits[i].phrase, "< w"));
    }
    /* Reusing the result for another page starts from zero. */
    assert_int_equal(flt_phrases_score(p, "w3", 2, &s), CH_OK);
    assert_int_equal(s.score[FLT_CAT_ADULT], 4);
    assert_int_equal(s.nhits, 1);
    assert_string_equal(s.hits[0].phrase, "< w3 >");
    flt_phrase_scores_free(&s);
    flt_phrases_free(p);
}

/* The scan costs at most two automaton transitions per normalised byte, whatever the number
 * or shape of the phrases (failure links only ever climb back what was descended). */
static void test_linear_steps(void **state)
{
    (void)state;
    /* Adversarial phrases for a naive matcher: a^k b for many k, and a^k alone. */
    buf_t list;
    buf_init(&list, 1 << 22);
    for (int k = 1; k <= 200; k++) {
        assert_int_equal(buf_append_char(&list, '<'), CH_OK);
        for (int i = 0; i < k; i++)
            assert_int_equal(buf_append_char(&list, 'a'), CH_OK);
        assert_int_equal(buf_append_str(&list, k % 2 ? "b><1>\n" : "><1>\n"), CH_OK);
    }
    for (int k = 0; k < 5000; k++)
        assert_int_equal(buf_appendf(&list, "<word%dx><1>\n", k), CH_OK);
    flt_phrases *big = compile_list(buf_str(&list), FLT_CAT_ADULT, NULL);
    flt_phrases *small = compile_list("<aab><1>\n", FLT_CAT_ADULT, NULL);
    buf_free(&list);

    size_t lens[] = {1000, 10000, 100000};
    for (size_t i = 0; i < 3; i++) {
        char *page = malloc(lens[i]);
        assert_non_null(page);
        memset(page, 'a', lens[i]);
        for (size_t j = 997; j < lens[i]; j += 997)
            page[j] = 'b';
        flt_phrase_scores s;
        flt_phrase_scores_init(&s);
        assert_int_equal(flt_phrases_score(big, page, lens[i], &s), CH_OK);
        assert_int_equal(s.scanned, lens[i] + 2); /* plus the two edge spaces */
        assert_true(s.steps <= 2 * s.scanned);
        assert_true(s.score[FLT_CAT_ADULT] > 0);
        size_t big_steps = s.steps;
        assert_int_equal(flt_phrases_score(small, page, lens[i], &s), CH_OK);
        assert_true(s.steps <= 2 * s.scanned);
        /* 5000 more phrases do not change the per-byte cost bound. */
        assert_true(big_steps <= 2 * s.steps);
        flt_phrase_scores_free(&s);
        free(page);
    }
    flt_phrases_free(big);
    flt_phrases_free(small);
}

static void test_uncompiled_and_empty(void **state)
{
    (void)state;
    flt_phrases *p = NULL;
    assert_int_equal(flt_phrases_new(&p), CH_OK);
    flt_phrase_scores s;
    flt_phrase_scores_init(&s);
    assert_int_equal(flt_phrases_score(p, "x", 1, &s), CH_ERR_ARG);
    assert_int_equal(flt_phrases_compile(p), CH_OK);
    assert_int_equal(flt_phrases_score(p, "", 0, &s), CH_OK);
    assert_int_equal(s.nfired, 0);
    assert_int_equal(flt_phrases_compile(p), CH_ERR_ARG);
    flt_phrase_scores_free(&s);
    flt_phrases_free(p);
}

/* ---- the shipped lists ---------------------------------------------------------------------- */

static flt_phrases *shipped;

static int load_shipped(void **state)
{
    (void)state;
    const char *top = getenv("TOP");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data/lists/phrases", top ? top : ".");
    if (flt_phrases_new(&shipped) != CH_OK)
        return -1;
    if (flt_phrases_load_dir(shipped, dir) != CH_OK || flt_phrases_compile(shipped) != CH_OK)
        return -1;
    return flt_phrases_rule_count(shipped) > 5000 ? 0 : -1;
}

static int free_shipped(void **state)
{
    (void)state;
    flt_phrases_free(shipped);
    shipped = NULL;
    return 0;
}

static void score_shipped(const char *page, flt_phrase_scores *s)
{
    flt_phrase_scores_init(s);
    assert_int_equal(flt_phrases_score(shipped, page, strlen(page), s), CH_OK);
}

static void assert_all_under(const char *page, long limit)
{
    flt_phrase_scores s;
    score_shipped(page, &s);
    for (int c = 0; c < FLT_CAT_COUNT; c++) {
        if (s.score[c] >= limit) {
            print_error("category %d scored %ld:\n", c, s.score[c]);
            for (size_t i = 0; i < s.nhits; i++)
                print_error("  %s %d\n", s.hits[i].phrase, s.hits[i].weight);
        }
        assert_true(s.score[c] < limit);
    }
    flt_phrase_scores_free(&s);
}

static void test_shipped_no_bad_lines(void **state)
{
    (void)state;
    /* e2guardian's own lists carry a few malformed lines; ours must not add any. */
    assert_true(flt_phrases_bad_lines(shipped) < 10);
}

static void test_shipped_french_porn_page(void **state)
{
    (void)state;
    const char *page =
        "Vidéos porno gratuites : les meilleures salopes en chaleur, sexe amateur et films X "
        "hard. Chattes épilées, grosses bites, sodomie, fellation et éjaculation faciale en "
        "HD. Réservé aux adultes : site pornographique interdit aux moins de 18 ans. "
        "Webcams de filles nues en direct, plan cul près de chez toi, baise gratuite.";
    flt_phrase_scores s;
    score_shipped(page, &s);
    assert_true(s.score[FLT_CAT_ADULT] > 100);
    assert_true(s.nhits > 0);
    flt_phrase_scores_free(&s);
}

static void test_shipped_french_sex_education_page(void **state)
{
    (void)state;
    const char *page =
        "Éducation à la sexualité au collège. La puberté transforme le corps : règles, "
        "seins, pilosité, érections. Le Planning familial et l'infirmière scolaire "
        "répondent aux questions sur la contraception, le préservatif, la pilule et les "
        "infections sexuellement transmissibles (IST). Le consentement est essentiel : "
        "personne ne peut t'obliger à avoir un rapport sexuel. En cas de violences "
        "sexuelles, appelle le 119. Prévention, santé et respect de soi et des autres.";
    assert_all_under(page, 60);
}

static void test_shipped_technical_page(void **state)
{
    (void)state;
    const char *page =
        "subprocess — Subprocess management. The subprocess module allows you to spawn new "
        "processes. Popen.kill() kills the child process; on POSIX it sends SIGKILL. "
        "Popen.terminate() stops the child. To execute a program, pass args. str.strip() "
        "returns a copy of the string with leading and trailing whitespace removed; "
        "strip whitespace from both ends. Use os.kill(pid, signal.SIGTERM) to kill the child "
        "process. Execute the shell command and wait. A zombie process is a child process "
        "whose parent did not wait. The adult-only flag; placeholder xxx-xxx-xxxx. "
        "Hardcore techno and hardcore punk playlists. Execute, kill, abort, exploit, "
        "master and slave replicas, daemon, fork bomb protection.";
    assert_all_under(page, 60);
}

static void test_shipped_english_porn_page(void **state)
{
    (void)state;
    const char *page = "Free porn videos! Hardcore XXX sex, hot horny sluts, anal, blowjob "
                       "and cumshot movies. Teen pussy, big cock, live sex cams. You must be "
                       "18 to enter this adult site.";
    flt_phrase_scores s;
    score_shipped(page, &s);
    assert_true(s.score[FLT_CAT_ADULT] > 100);
    flt_phrase_scores_free(&s);
}

static void test_shipped_french_categories(void **state)
{
    (void)state;
    struct {
        const char *page;
        int category;
    } cases[] = {
        {"Paris sportifs en ligne : pariez sur le foot, bonus de bienvenue de 100 € sur "
         "votre premier dépôt. Casino en ligne, machines à sous, roulette, poker, jackpot. "
         "Cotes boostées, retrait rapide.",
         FLT_CAT_GAMBLING},
        {"Acheter du cannabis, de la cocaïne et de l'ecstasy livrés discrètement. Weed, "
         "shit, résine, beuh de qualité, dealer en ligne, MDMA et LSD pas cher.",
         FLT_CAT_DRUGS},
        {"Les immigrés sont des sous-hommes, mort aux juifs, sale race de bougnoules, "
         "suprématie blanche et grand remplacement : la race blanche doit se défendre.",
         FLT_CAT_HATE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        flt_phrase_scores s;
        score_shipped(cases[i].page, &s);
        if (s.score[cases[i].category] <= 60)
            print_error("case %zu scored %ld\n", i, s.score[cases[i].category]);
        assert_true(s.score[cases[i].category] > 60);
        flt_phrase_scores_free(&s);
    }
}

static void test_shipped_french_history_page(void **state)
{
    (void)state;
    const char *page =
        "La Seconde Guerre mondiale (1939-1945) : cours d'histoire pour le collège. "
        "L'invasion de la Pologne, la bataille de Stalingrad, le débarquement en Normandie. "
        "La Shoah : six millions de Juifs assassinés par les nazis dans les camps "
        "d'extermination. Le devoir de mémoire et la lutte contre le racisme et "
        "l'antisémitisme. Armes, bombardements et victimes civiles.";
    assert_all_under(page, 60);
}

/* Several threads score with one compiled classifier, each with its own result. */
typedef struct {
    const flt_phrases *p;
    long adult;
} thread_job;

static void *score_thread(void *arg)
{
    thread_job *job = arg;
    const char *page = "free porn videos, sexe amateur, plan cul. Vidéos porno gratuites.";
    flt_phrase_scores s;
    flt_phrase_scores_init(&s);
    job->adult = 0;
    for (int i = 0; i < 200; i++) {
        if (flt_phrases_score(job->p, page, strlen(page), &s) != CH_OK)
            break;
        if (i > 0 && s.score[FLT_CAT_ADULT] != job->adult) {
            job->adult = -1; /* results must not vary */
            break;
        }
        job->adult = s.score[FLT_CAT_ADULT];
    }
    flt_phrase_scores_free(&s);
    return NULL;
}

static void test_shipped_concurrent_scoring(void **state)
{
    (void)state;
    thread_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].p = shipped;
        assert_int_equal(pthread_create(&th[i], NULL, score_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_true(jobs[0].adult > 100);
    for (int i = 1; i < 4; i++)
        assert_int_equal(jobs[i].adult, jobs[0].adult);
}

/* Matches that need failure links between deep states and the states near the root (which
 * have complete transition rows, built at compile time): each phrase is counted once, at
 * whatever depth the scan is when it ends, and a miss deep in a phrase falls back to the
 * right shorter one. Every weight a power of two, so the score says which fired. */
static void test_failure_links_across_depths(void **state)
{
    (void)state;
    flt_phrases *p = compile_list("<abcdefgh><1>\n<bcdx><2>\n<cd><4>\n<defgz><8>\n<h><16>\n"
                                  "<aab><32>\n",
                                  FLT_CAT_VIOLENCE, NULL);
    assert_int_equal(score_of(p, "abcdefgh", FLT_CAT_VIOLENCE), 1 + 4 + 16);
    assert_int_equal(score_of(p, "abcdx", FLT_CAT_VIOLENCE), 2 + 4);
    assert_int_equal(score_of(p, "abcdefgz", FLT_CAT_VIOLENCE), 4 + 8);
    assert_int_equal(score_of(p, "aaab", FLT_CAT_VIOLENCE), 32);
    assert_int_equal(score_of(p, "abcdefg", FLT_CAT_VIOLENCE), 4);
    assert_int_equal(score_of(p, "xyz", FLT_CAT_VIOLENCE), 0);
    flt_phrases_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_category_table),
        cmocka_unit_test(test_substring_vs_whole_word),
        cmocka_unit_test(test_no_match_across_sentences),
        cmocka_unit_test(test_counts_once_per_page),
        cmocka_unit_test(test_cooccurrence_and_negative),
        cmocka_unit_test(test_listcategory_comments_and_weights),
        cmocka_unit_test(test_bad_lines_reported_and_skipped),
        cmocka_unit_test(test_folding_both_sides),
        cmocka_unit_test(test_include_and_files),
        cmocka_unit_test(test_hits_and_reuse),
        cmocka_unit_test(test_linear_steps),
        cmocka_unit_test(test_failure_links_across_depths),
        cmocka_unit_test(test_uncompiled_and_empty),
    };
    const struct CMUnitTest shipped_tests[] = {
        cmocka_unit_test(test_shipped_no_bad_lines),
        cmocka_unit_test(test_shipped_french_porn_page),
        cmocka_unit_test(test_shipped_french_sex_education_page),
        cmocka_unit_test(test_shipped_technical_page),
        cmocka_unit_test(test_shipped_english_porn_page),
        cmocka_unit_test(test_shipped_french_categories),
        cmocka_unit_test(test_shipped_french_history_page),
        cmocka_unit_test(test_shipped_concurrent_scoring),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    failed +=
        cmocka_run_group_tests_name("shipped lists", shipped_tests, load_shipped, free_shipped);
    return failed;
}
