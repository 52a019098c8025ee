/* Unit tests for crawler/robots.c: RFC 9309 semantics, re-expressing the cases of Google's
 * robotstxt test suite (robots_test.cc) and the examples of RFC 9309, plus our own choices
 * (lines without a colon ignored, both sides percent-normalised, limits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/robots.h"

/* Parse txt and answer for agent and a full URL, asking both matchers (the per-call one and the
 * compiled per-agent view) and insisting that they agree. */
static bool allowed_n(const char *txt, size_t len, const char *agent, const char *url)
{
    robots_t *r = NULL;
    robots_agent_t *view = NULL;
    char *path = NULL;
    assert_int_equal(robots_parse(txt, len, NULL, &r), CH_OK);
    assert_non_null(r);
    assert_int_equal(robots_url_path(url, &path), CH_OK);
    bool a = robots_allowed(r, agent, path);
    assert_int_equal(robots_agent_rules(r, agent, &view), CH_OK);
    bool b = robots_agent_allowed(view, path);
    if (a != b)
        fail_msg("matchers disagree for agent '%s' url '%s'", agent, url);
    robots_agent_free(view);
    free(path);
    robots_free(r);
    return a;
}

static bool allowed(const char *txt, const char *agent, const char *url)
{
    return allowed_n(txt, strlen(txt), agent, url);
}

static double delay_of(const char *txt, const char *agent, const robots_options *opt)
{
    robots_t *r = NULL;
    robots_agent_t *view = NULL;
    assert_int_equal(robots_parse(txt, strlen(txt), opt, &r), CH_OK);
    double d = robots_crawl_delay(r, agent);
    assert_int_equal(robots_agent_rules(r, agent, &view), CH_OK);
    assert_true(robots_agent_crawl_delay(view) == d);
    robots_agent_free(view);
    robots_free(r);
    return d;
}

/* ---- basics ---------------------------------------------------------------------------- */

static void test_empty_file_allows_everything(void **state)
{
    (void)state;
    assert_true(allowed("", "FooBot", "http://foo.bar/"));
    assert_true(allowed("", "FooBot", "http://foo.bar/x/y"));
    assert_true(allowed("", "", ""));
    robots_t *r = NULL;
    assert_int_equal(robots_parse(NULL, 0, NULL, &r), CH_OK);
    assert_true(robots_allowed(r, "FooBot", "/x"));
    assert_int_equal(robots_sitemap_count(r), 0);
    assert_true(robots_crawl_delay(r, "FooBot") < 0);
    robots_free(r);
    assert_true(robots_allowed(NULL, "FooBot", "/x"));
}

static void test_bad_arguments(void **state)
{
    (void)state;
    robots_t *r = (robots_t *)&r;
    assert_int_equal(robots_parse(NULL, 3, NULL, &r), CH_ERR_ARG);
    assert_null(r);
    assert_int_equal(robots_parse("x", 1, NULL, NULL), CH_ERR_ARG);
    robots_agent_t *a = (robots_agent_t *)&a;
    assert_int_equal(robots_agent_rules(NULL, "x", &a), CH_ERR_ARG);
    assert_null(a);
    char *p = (char *)&p;
    assert_int_equal(robots_url_path(NULL, &p), CH_ERR_ARG);
    assert_null(p);
    robots_free(NULL);
    robots_agent_free(NULL);
}

static void test_empty_url_is_root(void **state)
{
    (void)state;
    /* An empty path is "/": a "Disallow: /" covers it. */
    assert_false(allowed("user-agent: FooBot\ndisallow: /\n", "FooBot", ""));
    assert_true(allowed("user-agent: FooBot\ndisallow: /x\n", "FooBot", ""));
}

/* ---- line syntax ----------------------------------------------------------------------- */

static void test_line_syntax_correct_and_unknown_fields(void **state)
{
    (void)state;
    const char *url = "http://foo.bar/x/y";
    assert_false(allowed("user-agent: FooBot\ndisallow: /\n", "FooBot", url));
    /* Unknown field names are ignored: nothing is disallowed. */
    assert_true(allowed("foo: FooBot\nbar: /\n", "FooBot", url));
}

static void test_line_without_colon_is_ignored(void **state)
{
    (void)state;
    /* RFC 9309 requires the colon; unlike Google we do not guess it. */
    const char *url = "http://foo.bar/x/y";
    assert_true(allowed("user-agent FooBot\ndisallow /\n", "FooBot", url));
    assert_true(allowed("user-agent: FooBot\ndisallow /\n", "FooBot", url));
    /* A colon-less line between rules does not disturb the group. */
    assert_false(allowed("user-agent: FooBot\nnonsense here\ndisallow: /x\n", "FooBot", url));
}

static void test_field_names_case_insensitive(void **state)
{
    (void)state;
    const char *ok = "http://foo.bar/x/y", *no = "http://foo.bar/a/b";
    const char *upper = "USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n";
    const char *lower = "user-agent: FooBot\nallow: /x/\ndisallow: /\n";
    const char *camel = "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n";
    assert_true(allowed(upper, "FooBot", ok));
    assert_true(allowed(lower, "FooBot", ok));
    assert_true(allowed(camel, "FooBot", ok));
    assert_false(allowed(upper, "FooBot", no));
    assert_false(allowed(lower, "FooBot", no));
    assert_false(allowed(camel, "FooBot", no));
}

static void test_whitespace_around_names_and_values(void **state)
{
    (void)state;
    const char *txt = "  User-agent  :   FooBot  \n\tDisallow\t:\t/x/  \n";
    assert_false(allowed(txt, "FooBot", "http://foo.bar/x/y"));
    assert_true(allowed(txt, "FooBot", "http://foo.bar/y"));
}

static void test_comments(void **state)
{
    (void)state;
    const char *txt = "User-agent: FooBot\n"
                      "# Disallow: /\n"
                      "Disallow: /foo/quz#qux\n"
                      "Allow: /\n";
    assert_true(allowed(txt, "FooBot", "http://foo.bar/foo/bar"));
    assert_false(allowed(txt, "FooBot", "http://foo.bar/foo/quz"));
    /* A comment after the agent name. */
    assert_false(
        allowed("User-agent: FooBot # our bot\nDisallow: /a\n", "FooBot", "http://foo.bar/a"));
    /* A whole-line comment between group lines does not end the group. */
    assert_false(allowed("User-agent: FooBot\n# note\nUser-agent: BarBot\nDisallow: /a\n", "FooBot",
                         "http://foo.bar/a"));
}

static void test_line_ends_lf_cr_crlf_mixed_and_no_final_newline(void **state)
{
    (void)state;
    const char *files[] = {
        "User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /\n",
        "User-Agent: foo\r\nAllow: /some/path\r\nUser-Agent: bar\r\n\r\n\r\nDisallow: /\r\n",
        "User-Agent: foo\rAllow: /some/path\rUser-Agent: bar\r\r\rDisallow: /\r",
        "User-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\nDisallow: /",
        "User-Agent: foo\nAllow: /some/path\r\nUser-Agent: bar\n\r\n\nDisallow: /",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        assert_false(allowed(files[i], "bar", "http://x.y/anything"));
        assert_true(allowed(files[i], "foo", "http://x.y/anything"));
        assert_true(allowed(files[i], "baz", "http://x.y/anything"));
    }
}

static void test_bom_whole_partial_broken_and_misplaced(void **state)
{
    (void)state;
    const char *url = "http://x.y/AnyValue";
    /* Each starts a group for foo with "Disallow: /": the BOM must not hide the first line. */
    assert_false(allowed("\xEF\xBB\xBFUser-Agent: foo\nDisallow: /\n", "foo", url));
    assert_false(allowed("\xEF\xBBUser-Agent: foo\nDisallow: /\n", "foo", url));
    assert_false(allowed("\xEFUser-Agent: foo\nDisallow: /\n", "foo", url));
    /* A broken BOM spoils the first line: the rule after it belongs to no group. */
    assert_true(allowed("\xEF\x11\xBFUser-Agent: foo\nDisallow: /\n", "foo", url));
    /* A BOM in the middle is garbage on that line. */
    assert_true(allowed("User-Agent: foo\n\xEF\xBB\xBF"
                        "Disallow: /\n",
                        "foo", url));
}

/* ---- groups ---------------------------------------------------------------------------- */

static void test_groups_google_example(void **state)
{
    (void)state;
    const char *txt = "allow: /foo/bar/\n"
                      "\n"
                      "user-agent: FooBot\n"
                      "disallow: /\n"
                      "allow: /x/\n"
                      "user-agent: BarBot\n"
                      "disallow: /\n"
                      "allow: /y/\n"
                      "\n"
                      "\n"
                      "allow: /w/\n"
                      "user-agent: BazBot\n"
                      "\n"
                      "user-agent: FooBot\n"
                      "allow: /z/\n"
                      "disallow: /\n";
    assert_true(allowed(txt, "FooBot", "http://foo.bar/x/b"));
    assert_true(allowed(txt, "FooBot", "http://foo.bar/z/d"));
    assert_false(allowed(txt, "FooBot", "http://foo.bar/y/c"));
    assert_true(allowed(txt, "BarBot", "http://foo.bar/y/c"));
    assert_true(allowed(txt, "BarBot", "http://foo.bar/w/a"));
    assert_false(allowed(txt, "BarBot", "http://foo.bar/z/d"));
    assert_true(allowed(txt, "BazBot", "http://foo.bar/z/d"));
    /* The rule before any user-agent line belongs to no one. */
    assert_false(allowed(txt, "FooBot", "http://foo.bar/foo/bar/"));
    assert_false(allowed(txt, "BarBot", "http://foo.bar/foo/bar/"));
    assert_false(allowed(txt, "BazBot", "http://foo.bar/foo/bar/"));
}

static void test_several_user_agent_lines_one_group(void **state)
{
    (void)state;
    const char *txt = "User-agent: a\nUser-agent: b\nUser-agent: c\nDisallow: /shared\n"
                      "User-agent: d\nDisallow: /other\n";
    assert_false(allowed(txt, "a", "http://h/shared"));
    assert_false(allowed(txt, "b", "http://h/shared"));
    assert_false(allowed(txt, "c", "http://h/shared"));
    assert_true(allowed(txt, "d", "http://h/shared"));
    assert_false(allowed(txt, "d", "http://h/other"));
    assert_true(allowed(txt, "a", "http://h/other"));
}

static void test_merged_groups_for_same_agent(void **state)
{
    (void)state;
    /* RFC 9309 2.2.1: groups naming the same agent are combined. */
    const char *txt = "user-agent: FooBot\ndisallow: /a\n"
                      "user-agent: BarBot\ndisallow: /b\n"
                      "user-agent: foobot\ndisallow: /c\n";
    assert_false(allowed(txt, "FooBot", "http://h/a"));
    assert_false(allowed(txt, "FooBot", "http://h/c"));
    assert_true(allowed(txt, "FooBot", "http://h/b"));
    /* Longest match is computed across the merged groups. */
    const char *txt2 = "user-agent: FooBot\ndisallow: /x\n"
                       "user-agent: BarBot\nallow: /\n"
                       "user-agent: FooBot\nallow: /x/y\n";
    assert_true(allowed(txt2, "FooBot", "http://h/x/y/z"));
    assert_false(allowed(txt2, "FooBot", "http://h/x/z"));
}

static void test_merged_star_groups(void **state)
{
    (void)state;
    const char *txt = "User-agent: *\nDisallow: /a\nUser-agent: FooBot\nDisallow: /f\n"
                      "User-agent: *\nDisallow: /b\n";
    assert_false(allowed(txt, "Other", "http://h/a"));
    assert_false(allowed(txt, "Other", "http://h/b"));
    assert_true(allowed(txt, "Other", "http://h/f"));
}

static void test_agent_value_case_insensitive(void **state)
{
    (void)state;
    const char *ok = "http://foo.bar/x/y", *no = "http://foo.bar/a/b";
    const char *up = "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n";
    const char *lo = "User-Agent: foo bar\nAllow: /x/\nDisallow: /\n";
    const char *ca = "User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n";
    const char *agents[] = {"Foo", "foo", "FOO"};
    for (size_t i = 0; i < 3; i++) {
        assert_true(allowed(up, agents[i], ok));
        assert_true(allowed(lo, agents[i], ok));
        assert_true(allowed(ca, agents[i], ok));
        assert_false(allowed(up, agents[i], no));
        assert_false(allowed(lo, agents[i], no));
        assert_false(allowed(ca, agents[i], no));
    }
}

static void test_agent_value_cut_at_space(void **state)
{
    (void)state;
    /* "Foo Bar" names Foo (the value stops at the first space). */
    const char *txt = "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n";
    assert_true(allowed(txt, "Foo", "http://foo.bar/x/y"));
    /* The agent we are asked about is a whole token: "Foo Bar" is nobody here, so '*'. */
    assert_false(allowed(txt, "Foo Bar", "http://foo.bar/x/y"));
}

static void test_agent_value_cut_at_slash(void **state)
{
    (void)state;
    const char *txt = "User-agent: FooBot/2.1\nDisallow: /private\n";
    assert_false(allowed(txt, "FooBot", "http://h/private"));
    assert_true(allowed(txt, "BarBot", "http://h/private"));
}

static void test_agent_is_not_a_substring_match(void **state)
{
    (void)state;
    const char *txt = "User-agent: Foo\nDisallow: /\nUser-agent: FooBotX\nDisallow: /\n";
    assert_true(allowed(txt, "FooBot", "http://h/a"));
    assert_true(allowed(txt, "Fo", "http://h/a"));
    assert_false(allowed(txt, "foo", "http://h/a"));
}

static void test_global_group_fallback(void **state)
{
    (void)state;
    const char *url = "http://foo.bar/x/y";
    const char *global = "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n";
    const char *only_specific = "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\n"
                                "user-agent: BazBot\ndisallow: /\n";
    assert_true(allowed("", "FooBot", url));
    assert_false(allowed(global, "FooBot", url));
    assert_true(allowed(global, "BarBot", url));
    assert_true(allowed(only_specific, "QuxBot", url));
}

static void test_specific_group_overrides_star_entirely(void **state)
{
    (void)state;
    const char *txt = "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n";
    assert_true(allowed(txt, "FooBot", "http://foo.bar/x/page"));
    assert_false(allowed(txt, "FooBot", "http://foo.bar/y/page"));
    assert_false(allowed(txt, "Other", "http://foo.bar/x/page"));
    assert_true(allowed(txt, "Other", "http://foo.bar/y/page"));
}

static void test_group_with_star_and_specific_agent(void **state)
{
    (void)state;
    const char *txt = "User-agent: FooBot\nUser-agent: *\nDisallow: /a\n"
                      "User-agent: BarBot\nDisallow: /b\n";
    assert_false(allowed(txt, "FooBot", "http://h/a"));
    assert_false(allowed(txt, "Other", "http://h/a"));
    assert_true(allowed(txt, "BarBot", "http://h/a"));
    assert_false(allowed(txt, "BarBot", "http://h/b"));
}

static void test_specific_group_without_rules_allows_all(void **state)
{
    (void)state;
    /* FooBot has a group of its own that says nothing: the '*' group does not apply to it. */
    const char *txt = "User-agent: *\nDisallow: /\n\nUser-agent: FooBot\nDisallow:\n";
    assert_true(allowed(txt, "FooBot", "http://h/anything"));
    assert_false(allowed(txt, "Other", "http://h/anything"));
}

static void test_null_and_empty_agent_use_star(void **state)
{
    (void)state;
    robots_t *r = NULL;
    const char *txt = "User-agent: *\nDisallow: /s\nUser-agent: FooBot\nDisallow: /f\n";
    assert_int_equal(robots_parse(txt, strlen(txt), NULL, &r), CH_OK);
    assert_false(robots_allowed(r, NULL, "/s"));
    assert_false(robots_allowed(r, "", "/s"));
    assert_true(robots_allowed(r, "", "/f"));
    robots_free(r);
}

static void test_empty_user_agent_value(void **state)
{
    (void)state;
    /* "User-agent:" with nothing starts a group naming no one; its rules apply to nobody. */
    const char *txt = "User-agent:\nDisallow: /a\nUser-agent: *\nDisallow: /b\n";
    assert_true(allowed(txt, "Any", "http://h/a"));
    assert_false(allowed(txt, "Any", "http://h/b"));
}

/* ---- rule values and precedence -------------------------------------------------------- */

static void test_paths_case_sensitive(void **state)
{
    (void)state;
    const char *url = "http://foo.bar/x/y";
    assert_false(allowed("user-agent: FooBot\ndisallow: /x/\n", "FooBot", url));
    assert_true(allowed("user-agent: FooBot\ndisallow: /X/\n", "FooBot", url));
}

static void test_longest_match_wins(void **state)
{
    (void)state;
    const char *url = "http://foo.bar/x/page.html";
    assert_false(
        allowed("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n", "FooBot", url));
    assert_true(allowed("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", url));
    assert_false(allowed("user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot",
                         "http://foo.bar/x/"));
    const char *t = "user-agent: FooBot\ndisallow: /x\nallow: /x/\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/x"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/x/"));
}

static void test_allow_wins_ties(void **state)
{
    (void)state;
    const char *url = "http://foo.bar/x/page.html";
    assert_true(allowed("user-agent: FooBot\ndisallow: /\nallow: /\n", "FooBot", url));
    assert_true(allowed("user-agent: FooBot\nallow: /\ndisallow: /\n", "FooBot", url));
    assert_true(allowed("user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n",
                        "FooBot", url));
    assert_true(allowed("user-agent: FooBot\nallow: /folder\ndisallow: /folder\n", "FooBot",
                        "http://example.com/folder/page"));
    /* Equal length, different patterns, both match: allow still wins. */
    assert_true(
        allowed("user-agent: FooBot\ndisallow: /*b\nallow: /a*\n", "FooBot", "http://h/ab"));
}

static void test_longest_match_with_wildcards(void **state)
{
    (void)state;
    const char *t1 = "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n";
    assert_false(allowed(t1, "FooBot", "http://foo.bar/page.html"));
    assert_true(allowed(t1, "FooBot", "http://foo.bar/page"));
    const char *t2 = "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n";
    assert_true(allowed(t2, "FooBot", "http://foo.bar/x/page.html"));
    assert_false(allowed(t2, "FooBot", "http://foo.bar/x/y.html"));
    assert_false(allowed("user-agent: FooBot\nallow: /page\ndisallow: /*.htm\n", "FooBot",
                         "http://example.com/page.htm"));
    assert_true(allowed("user-agent: FooBot\nallow: /p\ndisallow: /\n", "FooBot",
                        "http://example.com/page"));
}

static void test_empty_disallow_and_allow_are_no_rules(void **state)
{
    (void)state;
    const char *url = "http://foo.bar/x/page.html";
    assert_true(allowed("user-agent: FooBot\ndisallow: \nallow: \n", "FooBot", url));
    assert_true(allowed("user-agent: FooBot\ndisallow:\n", "FooBot", url));
    assert_true(allowed("user-agent: *\ndisallow:\n", "Any", url));
    /* An empty Allow does not allow what a Disallow forbids. */
    assert_false(allowed("user-agent: FooBot\nallow:\ndisallow: /x\n", "FooBot", url));
    /* An empty Disallow still ends the user-agent run. */
    assert_true(allowed("user-agent: a\ndisallow:\nuser-agent: b\ndisallow: /\n", "a", url));
}

static void test_documentation_fish(void **state)
{
    (void)state;
    const char *t = "user-agent: FooBot\ndisallow: /\nallow: /fish\n";
    const char *t_star = "user-agent: FooBot\ndisallow: /\nallow: /fish*\n";
    const char *yes[] = {"http://foo.bar/fish",
                         "http://foo.bar/fish.html",
                         "http://foo.bar/fish/salmon.html",
                         "http://foo.bar/fishheads",
                         "http://foo.bar/fishheads/yummy.html",
                         "http://foo.bar/fish.html?id=anything"};
    const char *no[] = {"http://foo.bar/bar", "http://foo.bar/Fish.asp", "http://foo.bar/catfish",
                        "http://foo.bar/?id=fish"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        assert_true(allowed(t, "FooBot", yes[i]));
        assert_true(allowed(t_star, "FooBot", yes[i]));
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        assert_false(allowed(t, "FooBot", no[i]));
        assert_false(allowed(t_star, "FooBot", no[i]));
    }
}

static void test_documentation_fish_slash(void **state)
{
    (void)state;
    const char *t = "user-agent: FooBot\ndisallow: /\nallow: /fish/\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/bar"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fish/"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fish/salmon"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fish/?salmon"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fish/salmon.html"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fish/?id=anything"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/fish"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/fish.html"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/Fish/Salmon.html"));
}

static void test_documentation_star_php(void **state)
{
    (void)state;
    const char *t = "user-agent: FooBot\ndisallow: /\nallow: /*.php\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/bar"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/filename.php"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/folder/filename.php"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/folder/filename.php?parameters"));
    assert_true(allowed(t, "FooBot", "http://foo.bar//folder/any.php.file.html"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/filename.php/"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/index?f=filename.php/"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/php/"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/index?php"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/windows.PHP"));
}

static void test_documentation_star_php_dollar(void **state)
{
    (void)state;
    const char *t = "user-agent: FooBot\ndisallow: /\nallow: /*.php$\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/bar"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/filename.php"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/folder/filename.php"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/filename.php?parameters"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/filename.php/"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/filename.php5"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/php/"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/filename?php"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/aaaphpaaa"));
    assert_false(allowed(t, "FooBot", "http://foo.bar//windows.PHP"));
}

static void test_documentation_fish_star_php(void **state)
{
    (void)state;
    const char *t = "user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/bar"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fish.php"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/fishheads/catfish.php?parameters"));
    assert_false(allowed(t, "FooBot", "http://foo.bar/Fish.PHP"));
}

static void test_dollar_root_only(void **state)
{
    (void)state;
    const char *t = "user-agent: FooBot\nallow: /$\ndisallow: /\n";
    assert_true(allowed(t, "FooBot", "http://example.com/"));
    assert_true(allowed(t, "FooBot", "http://example.com"));
    assert_false(allowed(t, "FooBot", "http://example.com/page.html"));
    assert_false(allowed(t, "FooBot", "http://example.com/?q=1"));
}

static void test_special_characters_star_in_middle(void **state)
{
    (void)state;
    const char *t = "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/foo/bar/quz"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/quz"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo//quz"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bax/quz"));
}

static void test_special_characters_dollar(void **state)
{
    (void)state;
    const char *t = "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n";
    assert_false(allowed(t, "FooBot", "http://foo.bar/foo/bar"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/qux"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/baz"));
}

static void test_dollar_not_at_end_is_literal(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /a$b\n";
    assert_false(allowed(t, "x", "http://h/a$b"));
    assert_false(allowed(t, "x", "http://h/a$bc"));
    assert_true(allowed(t, "x", "http://h/a"));
    assert_true(allowed(t, "x", "http://h/ab"));
}

static void test_star_and_dollar_combinations(void **state)
{
    (void)state;
    assert_false(allowed("User-agent: *\nDisallow: /*.gif$\n", "x", "http://h/a/b.gif"));
    assert_true(allowed("User-agent: *\nDisallow: /*.gif$\n", "x", "http://h/a/b.gif?x"));
    assert_false(allowed("User-agent: *\nDisallow: /*?\n", "x", "http://h/search?q=1"));
    assert_true(allowed("User-agent: *\nDisallow: /*?\n", "x", "http://h/search"));
    assert_false(allowed("User-agent: *\nDisallow: /*a*b*c$\n", "x", "http://h/xaxbxc"));
    assert_true(allowed("User-agent: *\nDisallow: /*a*b*c$\n", "x", "http://h/xaxbxcd"));
    assert_false(allowed("User-agent: *\nDisallow: *.pdf\n", "x", "http://h/docs/x.pdf"));
    assert_false(allowed("User-agent: *\nDisallow: /*\n", "x", "http://h/"));
    assert_false(allowed("User-agent: *\nDisallow: /**$\n", "x", "http://h/anything"));
    /* The last segment must not overlap the part already matched. */
    assert_true(allowed("User-agent: *\nDisallow: /ab*ba$\n", "x", "http://h/aba"));
    assert_false(allowed("User-agent: *\nDisallow: /ab*ba$\n", "x", "http://h/abba"));
}

static void test_pattern_without_leading_slash(void **state)
{
    (void)state;
    /* RFC 9309 patterns start with '/'; one that does not never matches a path. */
    assert_true(allowed("User-agent: *\nDisallow: private\n", "x", "http://h/private"));
}

static void test_query_is_part_of_the_path(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /search?q=\nDisallow: /*&sessionid=\n";
    assert_false(allowed(t, "x", "http://h/search?q=owl"));
    assert_true(allowed(t, "x", "http://h/search"));
    assert_false(allowed(t, "x", "http://h/page?a=1&sessionid=42"));
    /* The fragment is not sent and not matched. */
    assert_true(allowed(t, "x", "http://h/page#&sessionid=42"));
}

/* ---- percent-encoding (RFC 9309 2.2.2 table) ------------------------------------------- */

static void test_encoding_reserved_left_alone(void **state)
{
    (void)state;
    const char *t = "User-agent: FooBot\nDisallow: /\n"
                    "Allow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n";
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par"));
    /* An encoded reserved character is not its decoded form: "%2F" is not "/". */
    const char *t2 = "User-agent: *\nDisallow: /a%2Fb\n";
    assert_true(allowed(t2, "x", "http://h/a/b"));
    assert_false(allowed(t2, "x", "http://h/a%2fb"));
}

static void test_encoding_utf8_pattern(void **state)
{
    (void)state;
    const char *t = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/\xE3\x83\x84\n";
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/%E3%83%84"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/%e3%83%84"));
    /* Unlike Google's matcher we normalise the path too: raw UTF-8 is the same path. */
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/\xE3\x83\x84"));
    const char *t2 = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n";
    assert_true(allowed(t2, "FooBot", "http://foo.bar/foo/bar/%E3%83%84"));
    assert_true(allowed(t2, "FooBot", "http://foo.bar/foo/bar/\xE3\x83\x84"));
    assert_false(allowed(t2, "FooBot", "http://foo.bar/foo/bar/other"));
}

static void test_encoding_unreserved_decoded_both_sides(void **state)
{
    (void)state;
    const char *t = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n";
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/baz"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/%62%61%7A"));
    assert_true(allowed(t, "FooBot", "http://foo.bar/foo/bar/%62az"));
    /* RFC 9309 table: /~joe and /%7Ejoe are the same. */
    const char *t2 = "User-agent: *\nDisallow: /~joe/\n";
    assert_false(allowed(t2, "x", "http://h/%7Ejoe/index.html"));
    assert_false(allowed(t2, "x", "http://h/%7ejoe/index.html"));
    const char *t3 = "User-agent: *\nDisallow: /%7ejoe/\n";
    assert_false(allowed(t3, "x", "http://h/~joe/index.html"));
}

static void test_encoding_hex_case_and_bad_escapes(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /a%3cb\n";
    assert_false(allowed(t, "x", "http://h/a%3Cb"));
    assert_false(allowed(t, "x", "http://h/a%3cb"));
    /* A '%' without two hex digits is kept as it is, on both sides. */
    const char *t2 = "User-agent: *\nDisallow: /100%\nDisallow: /%zz\n";
    assert_false(allowed(t2, "x", "http://h/100%"));
    assert_false(allowed(t2, "x", "http://h/%zz"));
    assert_true(allowed(t2, "x", "http://h/100"));
}

static void test_encoding_spaces_in_pattern(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /my file\n";
    assert_false(allowed(t, "x", "http://h/my%20file.txt"));
    assert_true(allowed(t, "x", "http://h/myfile"));
}

/* ---- robots.txt itself, RFC 9309 example ----------------------------------------------- */

static void test_robots_txt_always_allowed(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /\n";
    assert_true(allowed(t, "x", "http://h/robots.txt"));
    assert_false(allowed(t, "x", "http://h/robots.txt?x=1"));
    assert_false(allowed(t, "x", "http://h/dir/robots.txt"));
    assert_false(allowed("User-agent: *\nDisallow: /robots\n", "x", "http://h/robots.tx"));
    assert_true(allowed("User-agent: *\nDisallow: /robots\n", "x", "http://h/robots.txt"));
    assert_true(allowed("User-agent: *\nDisallow: /robots.txt\n", "x", "http://h/robots.txt"));
}

static void test_rfc9309_section5_example(void **state)
{
    (void)state;
    /* The example file of RFC 9309 section 5.1, with its stated outcomes. */
    const char *t = "User-Agent: *\n"
                    "Disallow: *.gif$\n"
                    "Disallow: /example/\n"
                    "Allow: /publications/\n"
                    "\n"
                    "User-Agent: foobot\n"
                    "Disallow:/\n"
                    "Allow:/example/page.html\n"
                    "Allow:/example/allowed.gif\n"
                    "\n"
                    "User-Agent: barbot\n"
                    "User-Agent: bazbot\n"
                    "Disallow: /example/page.html\n"
                    "\n"
                    "User-Agent: quxbot\n"
                    "\n"
                    "EOF\n";
    assert_true(allowed(t, "foobot", "http://h/example/page.html"));
    assert_true(allowed(t, "foobot", "http://h/example/allowed.gif"));
    assert_false(allowed(t, "foobot", "http://h/example/other.html"));
    assert_false(allowed(t, "foobot", "http://h/"));
    assert_false(allowed(t, "barbot", "http://h/example/page.html"));
    assert_false(allowed(t, "bazbot", "http://h/example/page.html"));
    assert_true(allowed(t, "barbot", "http://h/example/other.html"));
    assert_true(allowed(t, "barbot", "http://h/picture.gif"));
    assert_true(allowed(t, "quxbot", "http://h/example/page.html"));
    assert_true(allowed(t, "quxbot", "http://h/x.gif"));
    assert_false(allowed(t, "otherbot", "http://h/x.gif"));
    assert_false(allowed(t, "otherbot", "http://h/example/a"));
    assert_true(allowed(t, "otherbot", "http://h/publications/a"));
    assert_true(allowed(t, "otherbot", "http://h/page.html"));
}

/* ---- sitemaps -------------------------------------------------------------------------- */

static void test_sitemaps_anywhere_absolute_only(void **state)
{
    (void)state;
    const char *t = "Sitemap: http://foo.bar/sitemap.xml\n"
                    "User-Agent: foo\nAllow: /some/path\n"
                    "sitemap:https://foo.bar/news.xml # news\n"
                    "User-Agent: bar\n\n\n"
                    "SITEMAP: /relative.xml\n"
                    "Sitemap: ftp://foo.bar/s.xml\n"
                    "Sitemap: http://foo.bar/has space.xml\n"
                    "Sitemap:\n"
                    "Sitemap: HTTPS://foo.bar/last.xml\r\n";
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, strlen(t), NULL, &r), CH_OK);
    assert_int_equal(robots_sitemap_count(r), 3);
    assert_string_equal(robots_sitemap(r, 0), "http://foo.bar/sitemap.xml");
    assert_string_equal(robots_sitemap(r, 1), "https://foo.bar/news.xml");
    assert_string_equal(robots_sitemap(r, 2), "HTTPS://foo.bar/last.xml");
    assert_null(robots_sitemap(r, 3));
    /* A Sitemap line does not disturb the groups around it. */
    assert_true(robots_allowed(r, "foo", "/some/path"));
    robots_free(r);
}

static void test_sitemap_between_user_agent_lines(void **state)
{
    (void)state;
    const char *t = "User-agent: a\nSitemap: http://h/s.xml\nUser-agent: b\nDisallow: /x\n";
    assert_false(allowed(t, "a", "http://h/x"));
    assert_false(allowed(t, "b", "http://h/x"));
}

static void test_sitemap_count_capped(void **state)
{
    (void)state;
    size_t n = ROBOTS_MAX_SITEMAPS + 50, cap = n * 40;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(t + len, cap - len, "Sitemap: http://h/s%zu.xml\n", i);
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, len, NULL, &r), CH_OK);
    assert_int_equal(robots_sitemap_count(r), ROBOTS_MAX_SITEMAPS);
    assert_string_equal(robots_sitemap(r, ROBOTS_MAX_SITEMAPS - 1), "http://h/s9999.xml");
    robots_free(r);
    free(t);
}

/* ---- crawl-delay ----------------------------------------------------------------------- */

static void test_crawl_delay_per_group(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nCrawl-delay: 5\nDisallow: /x\n"
                    "User-agent: FooBot\nCrawl-delay: 0.5\n"
                    "User-agent: BarBot\nDisallow: /\n";
    assert_true(delay_of(t, "Other", NULL) == 5.0);
    assert_true(delay_of(t, "FooBot", NULL) == 0.5);
    assert_true(delay_of(t, "BarBot", NULL) < 0);
    assert_true(delay_of("", "FooBot", NULL) < 0);
}

static void test_crawl_delay_ends_user_agent_run(void **state)
{
    (void)state;
    /* FooBot's group is "Crawl-delay: 2" only; BarBot's starts after it. */
    const char *t = "User-agent: FooBot\nCrawl-delay: 2\nUser-agent: BarBot\nDisallow: /\n";
    assert_true(allowed(t, "FooBot", "http://h/a"));
    assert_false(allowed(t, "BarBot", "http://h/a"));
    assert_true(delay_of(t, "FooBot", NULL) == 2.0);
    assert_true(delay_of(t, "BarBot", NULL) < 0);
}

static void test_crawl_delay_clamped_and_invalid(void **state)
{
    (void)state;
    assert_true(delay_of("User-agent: *\nCrawl-delay: 3600\n", "x", NULL) ==
                ROBOTS_DEFAULT_MAX_CRAWL_DELAY);
    robots_options opt = {.max_crawl_delay = 10.0};
    assert_true(delay_of("User-agent: *\nCrawl-delay: 3600\n", "x", &opt) == 10.0);
    assert_true(delay_of("User-agent: *\nCrawl-delay: 7.25\n", "x", &opt) == 7.25);
    assert_true(delay_of("User-agent: *\nCrawl-delay: 99999999999999999999999\n", "x", NULL) ==
                ROBOTS_DEFAULT_MAX_CRAWL_DELAY);
    assert_true(delay_of("User-agent: *\nCrawl-delay: .5\n", "x", NULL) == 0.5);
    assert_true(delay_of("User-agent: *\nCrawl-delay: 0\n", "x", NULL) == 0.0);
    assert_true(delay_of("User-agent: *\nCrawl-delay: -3\n", "x", NULL) < 0);
    assert_true(delay_of("User-agent: *\nCrawl-delay: soon\n", "x", NULL) < 0);
    assert_true(delay_of("User-agent: *\nCrawl-delay: 5s\n", "x", NULL) < 0);
    assert_true(delay_of("User-agent: *\nCrawl-delay:\n", "x", NULL) < 0);
    assert_true(delay_of("User-agent: *\nCrawl-delay: .\n", "x", NULL) < 0);
    /* Outside any group: ignored. */
    assert_true(delay_of("Crawl-delay: 4\nUser-agent: *\nDisallow: /\n", "x", NULL) < 0);
}

static void test_crawl_delay_merged_takes_largest(void **state)
{
    (void)state;
    const char *t = "User-agent: FooBot\nCrawl-delay: 1\nUser-agent: x\nDisallow: /\n"
                    "User-agent: foobot\nCrawl-delay: 4\n";
    assert_true(delay_of(t, "FooBot", NULL) == 4.0);
}

/* ---- product token, status policy, URL path -------------------------------------------- */

static void test_product_token(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(robots_product_token("ChouetteBot/1.0 (+https://x.y/bot)", out, sizeof out),
                     CH_OK);
    assert_string_equal(out, "ChouetteBot");
    assert_int_equal(robots_product_token("  FooBot", out, sizeof out), CH_OK);
    assert_string_equal(out, "FooBot");
    assert_int_equal(robots_product_token("Foo Bar/2", out, sizeof out), CH_OK);
    assert_string_equal(out, "Foo");
    assert_int_equal(robots_product_token("/1.0", out, sizeof out), CH_ERR_ARG);
    assert_int_equal(robots_product_token("", out, sizeof out), CH_ERR_ARG);
    assert_int_equal(robots_product_token(NULL, out, sizeof out), CH_ERR_ARG);
    assert_int_equal(robots_product_token("ABCDEFGH", out, 8), CH_ERR_LIMIT);
    assert_string_equal(out, "");
    assert_int_equal(robots_product_token("ABCDEFG", out, 8), CH_OK);
    assert_string_equal(out, "ABCDEFG");
}

static void test_policy_for_status(void **state)
{
    (void)state;
    assert_int_equal(robots_policy_for_status(200), ROBOTS_PARSE);
    assert_int_equal(robots_policy_for_status(204), ROBOTS_PARSE);
    assert_int_equal(robots_policy_for_status(299), ROBOTS_PARSE);
    assert_int_equal(robots_policy_for_status(400), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(401), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(403), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(404), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(410), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(429), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(499), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(301), ROBOTS_ALLOW_ALL);
    assert_int_equal(robots_policy_for_status(500), ROBOTS_DISALLOW_ALL);
    assert_int_equal(robots_policy_for_status(503), ROBOTS_DISALLOW_ALL);
    assert_int_equal(robots_policy_for_status(599), ROBOTS_DISALLOW_ALL);
    assert_int_equal(robots_policy_for_status(0), ROBOTS_DISALLOW_ALL);
    assert_int_equal(robots_policy_for_status(-1), ROBOTS_DISALLOW_ALL);
    assert_int_equal(robots_policy_for_status(100), ROBOTS_DISALLOW_ALL);
    assert_int_equal(robots_policy_for_status(600), ROBOTS_DISALLOW_ALL);
}

static void check_path(const char *url, const char *want)
{
    char *p = NULL;
    assert_int_equal(robots_url_path(url, &p), CH_OK);
    if (strcmp(p, want) != 0)
        fail_msg("path of '%s' is '%s', want '%s'", url, p, want);
    free(p);
}

static void test_url_path(void **state)
{
    (void)state;
    check_path("", "/");
    check_path("http://www.example.com", "/");
    check_path("http://www.example.com/", "/");
    check_path("http://www.example.com/a", "/a");
    check_path("http://www.example.com/a/", "/a/");
    check_path("http://www.example.com/a/b?c=http://d.e/", "/a/b?c=http://d.e/");
    check_path("http://www.example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f");
    check_path("https://user:pw@h.example:8443/x;p?q", "/x;p?q");
    check_path("http://h.example?q=1", "/?q=1");
    check_path("http://h.example#top", "/");
    check_path("example.com", "/");
    check_path("example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f");
    check_path("example.com?a", "/?a");
    check_path("example.com/a;b#c", "/a;b");
    check_path("/a", "/a");
    check_path("/a?b#c", "/a?b");
    check_path("a/b", "/b");
    check_path("//a/b/c", "/b/c");
}

/* ---- limits, garbage, speed ------------------------------------------------------------ */

static void test_truncation_at_limit_drops_cut_line(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /secret\nAllow: /secret/open\n";
    robots_options opt = {.max_bytes = 45}; /* cuts "Allow: /secret/open" inside */
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, strlen(t), &opt, &r), CH_OK);
    assert_true(robots_truncated(r));
    /* The cut "Allow: /secr" must not become a rule. */
    assert_false(robots_allowed(r, "x", "/secret/open"));
    assert_false(robots_allowed(r, "x", "/secret"));
    robots_free(r);
    /* A limit exactly at the end of a line keeps that line. */
    opt.max_bytes = 31; /* "User-agent: *\nDisallow: /secret", the next byte is '\n' */
    assert_int_equal(robots_parse(t, strlen(t), &opt, &r), CH_OK);
    assert_true(robots_truncated(r));
    assert_false(robots_allowed(r, "x", "/secret"));
    robots_free(r);
    assert_int_equal(robots_parse(t, strlen(t), NULL, &r), CH_OK);
    assert_false(robots_truncated(r));
    assert_true(robots_allowed(r, "x", "/secret/open"));
    robots_free(r);
}

static void test_large_file_500k_parsed(void **state)
{
    (void)state;
    /* ~500 KiB of rules, with the decisive one at the end: everything up to the cap counts. */
    size_t cap = 520 * 1024;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t len = (size_t)snprintf(t, cap, "User-agent: *\n");
    int i = 0;
    while (len < 500 * 1024)
        len += (size_t)snprintf(t + len, cap - len, "Disallow: /dir%06d/\n", i++);
    len += (size_t)snprintf(t + len, cap - len, "Disallow: /the-last-rule\n");
    assert_true(len < ROBOTS_DEFAULT_MAX_BYTES);
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, len, NULL, &r), CH_OK);
    assert_false(robots_truncated(r));
    assert_false(robots_allowed(r, "x", "/the-last-rule"));
    assert_false(robots_allowed(r, "x", "/dir000000/a"));
    assert_false(robots_allowed(r, "x", "/dir012345/a"));
    assert_true(robots_allowed(r, "x", "/dir/a"));
    robots_free(r);
    free(t);
}

static void test_huge_file_content_past_cap_ignored(void **state)
{
    (void)state;
    size_t cap = 2 * 1024 * 1024;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t len = (size_t)snprintf(t, cap, "User-agent: *\n");
    while (len < 600 * 1024)
        len += (size_t)snprintf(t + len, cap - len, "# padding padding padding padding\n");
    len += (size_t)snprintf(t + len, cap - len, "Disallow: /\n");
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, len, NULL, &r), CH_OK);
    assert_true(robots_truncated(r));
    assert_true(robots_allowed(r, "x", "/anything"));
    robots_free(r);
    free(t);
}

static void test_garbage_and_html_allow_all(void **state)
{
    (void)state;
    const char *html = "<!DOCTYPE html>\n<html><head><title>Not found</title></head>\n"
                       "<body><p>Oops: nothing here</p><a href=\"http://x/\">home</a></body>\n"
                       "</html>\n";
    assert_true(allowed(html, "x", "http://h/private"));
    unsigned char bin[4096];
    uint32_t seed = 12345;
    for (size_t i = 0; i < sizeof bin; i++) {
        seed = seed * 1103515245u + 12345u;
        bin[i] = (unsigned char)(seed >> 16);
    }
    assert_true(allowed_n((const char *)bin, sizeof bin, "x", "http://h/private"));
    /* NUL bytes inside a line do not cut the file short. */
    const char nul[] = "User-agent: *\n\0\0garbage\0\nDisallow: /p\n";
    assert_false(allowed_n(nul, sizeof nul - 1, "x", "http://h/p"));
    /* A NUL inside a pattern is encoded, not a terminator. */
    const char nul2[] = "User-agent: *\nDisallow: /a\0b\n";
    assert_true(allowed_n(nul2, sizeof nul2 - 1, "x", "http://h/a"));
}

static void test_many_wildcards_are_fast(void **state)
{
    (void)state;
    /* A pattern like 2000 "*a" then "*b" against "/aaaa...a" is exponential for a naive
     * backtracking matcher; ours must answer at once. */
    size_t stars = 2000, plen = 2 * stars + 16, ulen = 100000;
    char *t = malloc(plen + 64);
    char *path = malloc(ulen + 2);
    assert_non_null(t);
    assert_non_null(path);
    size_t len = (size_t)snprintf(t, plen + 64, "User-agent: *\nDisallow: /");
    for (size_t i = 0; i < stars; i++) {
        t[len++] = '*';
        t[len++] = 'a';
    }
    memcpy(t + len, "*b\n", 3);
    len += 3;
    path[0] = '/';
    memset(path + 1, 'a', ulen);
    path[ulen + 1] = '\0';
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, len, NULL, &r), CH_OK);
    clock_t c0 = clock();
    for (int k = 0; k < 20; k++)
        assert_true(robots_allowed(r, "x", path));
    path[ulen] = 'b';
    assert_false(robots_allowed(r, "x", path));
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
    robots_free(r);
    free(t);
    free(path);
}

static void test_agent_view_matches_per_call_on_mixed_file(void **state)
{
    (void)state;
    const char *t = "User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /*.js$\n"
                    "User-agent: FooBot\nDisallow: /\nAllow: /pub\nAllow: /*?print=1\n";
    const char *paths[] = {"/",         "/a",     "/a/b",          "/a/bc",      "/x.js",
                           "/x.js?v=1", "/pub/x", "/priv?print=1", "/robots.txt"};
    const char *agents[] = {"FooBot", "foobot", "Other", ""};
    robots_t *r = NULL;
    assert_int_equal(robots_parse(t, strlen(t), NULL, &r), CH_OK);
    int disallowed = 0;
    for (size_t i = 0; i < 4; i++) {
        robots_agent_t *v = NULL;
        assert_int_equal(robots_agent_rules(r, agents[i], &v), CH_OK);
        for (size_t j = 0; j < sizeof paths / sizeof paths[0]; j++) {
            bool a = robots_allowed(r, agents[i], paths[j]);
            assert_int_equal(a, robots_agent_allowed(v, paths[j]));
            disallowed += !a;
        }
        robots_agent_free(v);
    }
    assert_true(disallowed > 0);
    robots_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file_allows_everything),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_empty_url_is_root),
        cmocka_unit_test(test_line_syntax_correct_and_unknown_fields),
        cmocka_unit_test(test_line_without_colon_is_ignored),
        cmocka_unit_test(test_field_names_case_insensitive),
        cmocka_unit_test(test_whitespace_around_names_and_values),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_line_ends_lf_cr_crlf_mixed_and_no_final_newline),
        cmocka_unit_test(test_bom_whole_partial_broken_and_misplaced),
        cmocka_unit_test(test_groups_google_example),
        cmocka_unit_test(test_several_user_agent_lines_one_group),
        cmocka_unit_test(test_merged_groups_for_same_agent),
        cmocka_unit_test(test_merged_star_groups),
        cmocka_unit_test(test_agent_value_case_insensitive),
        cmocka_unit_test(test_agent_value_cut_at_space),
        cmocka_unit_test(test_agent_value_cut_at_slash),
        cmocka_unit_test(test_agent_is_not_a_substring_match),
        cmocka_unit_test(test_global_group_fallback),
        cmocka_unit_test(test_specific_group_overrides_star_entirely),
        cmocka_unit_test(test_group_with_star_and_specific_agent),
        cmocka_unit_test(test_specific_group_without_rules_allows_all),
        cmocka_unit_test(test_null_and_empty_agent_use_star),
        cmocka_unit_test(test_empty_user_agent_value),
        cmocka_unit_test(test_paths_case_sensitive),
        cmocka_unit_test(test_longest_match_wins),
        cmocka_unit_test(test_allow_wins_ties),
        cmocka_unit_test(test_longest_match_with_wildcards),
        cmocka_unit_test(test_empty_disallow_and_allow_are_no_rules),
        cmocka_unit_test(test_documentation_fish),
        cmocka_unit_test(test_documentation_fish_slash),
        cmocka_unit_test(test_documentation_star_php),
        cmocka_unit_test(test_documentation_star_php_dollar),
        cmocka_unit_test(test_documentation_fish_star_php),
        cmocka_unit_test(test_dollar_root_only),
        cmocka_unit_test(test_special_characters_star_in_middle),
        cmocka_unit_test(test_special_characters_dollar),
        cmocka_unit_test(test_dollar_not_at_end_is_literal),
        cmocka_unit_test(test_star_and_dollar_combinations),
        cmocka_unit_test(test_pattern_without_leading_slash),
        cmocka_unit_test(test_query_is_part_of_the_path),
        cmocka_unit_test(test_encoding_reserved_left_alone),
        cmocka_unit_test(test_encoding_utf8_pattern),
        cmocka_unit_test(test_encoding_unreserved_decoded_both_sides),
        cmocka_unit_test(test_encoding_hex_case_and_bad_escapes),
        cmocka_unit_test(test_encoding_spaces_in_pattern),
        cmocka_unit_test(test_robots_txt_always_allowed),
        cmocka_unit_test(test_rfc9309_section5_example),
        cmocka_unit_test(test_sitemaps_anywhere_absolute_only),
        cmocka_unit_test(test_sitemap_between_user_agent_lines),
        cmocka_unit_test(test_sitemap_count_capped),
        cmocka_unit_test(test_crawl_delay_per_group),
        cmocka_unit_test(test_crawl_delay_ends_user_agent_run),
        cmocka_unit_test(test_crawl_delay_clamped_and_invalid),
        cmocka_unit_test(test_crawl_delay_merged_takes_largest),
        cmocka_unit_test(test_product_token),
        cmocka_unit_test(test_policy_for_status),
        cmocka_unit_test(test_url_path),
        cmocka_unit_test(test_truncation_at_limit_drops_cut_line),
        cmocka_unit_test(test_large_file_500k_parsed),
        cmocka_unit_test(test_huge_file_content_past_cap_ignored),
        cmocka_unit_test(test_garbage_and_html_allow_all),
        cmocka_unit_test(test_many_wildcards_are_fast),
        cmocka_unit_test(test_agent_view_matches_per_call_on_mixed_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
