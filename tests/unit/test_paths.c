#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/paths.h"

static int unset_env(void **state)
{
    (void)state;
    return unsetenv("CHOUETTE_DATA");
}

static void test_default_is_compiled_in_and_holds_the_data(void **state)
{
    (void)state;
    assert_string_equal(paths_datadir(), CHOUETTE_DATADIR);
    /* A build from a checkout points at the source tree's data/, which is absolute. */
    assert_int_equal(paths_datadir()[0], '/');
    char p[4096];
    assert_int_equal(paths_data_file("policies.ini", p, sizeof p), CH_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
}

static void test_environment_wins_and_empty_is_ignored(void **state)
{
    (void)state;
    assert_int_equal(setenv("CHOUETTE_DATA", "/srv/chouette-data", 1), 0);
    assert_string_equal(paths_datadir(), "/srv/chouette-data");
    char p[256];
    assert_int_equal(paths_data_file("i18n/fr.ini", p, sizeof p), CH_OK);
    assert_string_equal(p, "/srv/chouette-data/i18n/fr.ini");
    assert_int_equal(setenv("CHOUETTE_DATA", "", 1), 0);
    assert_string_equal(paths_datadir(), CHOUETTE_DATADIR);
}

static void test_trailing_slashes_and_root(void **state)
{
    (void)state;
    char p[64];
    assert_int_equal(setenv("CHOUETTE_DATA", "/opt/d//", 1), 0);
    assert_int_equal(paths_data_file("static/style.css", p, sizeof p), CH_OK);
    assert_string_equal(p, "/opt/d/static/style.css");
    assert_int_equal(setenv("CHOUETTE_DATA", "/", 1), 0);
    assert_int_equal(paths_data_file("x", p, sizeof p), CH_OK);
    assert_string_equal(p, "/x");
}

static void test_unsafe_relative_names_are_refused(void **state)
{
    (void)state;
    char p[64] = "junk";
    const char *bad[] = {"", "/etc/passwd", "..", "../x", "a/../b", "a/..", NULL};
    for (size_t i = 0; bad[i]; i++) {
        assert_int_equal(paths_data_file(bad[i], p, sizeof p), CH_ERR_ARG);
        assert_string_equal(p, "");
    }
    assert_int_equal(paths_data_file(NULL, p, sizeof p), CH_ERR_ARG);
    /* Dots that are not a ".." component are names like any other. */
    assert_int_equal(paths_data_file("a/..b/.c", p, sizeof p), CH_OK);
    assert_int_equal(paths_data_file("x", NULL, 0), CH_ERR_ARG);
}

static void test_too_long_is_a_limit_and_leaves_empty(void **state)
{
    (void)state;
    assert_int_equal(setenv("CHOUETTE_DATA", "/abcdef", 1), 0);
    char p[12];
    /* "/abcdef/xyz" is 11 bytes + NUL: fits exactly. */
    assert_int_equal(paths_data_file("xyz", p, sizeof p), CH_OK);
    assert_string_equal(p, "/abcdef/xyz");
    assert_int_equal(paths_data_file("xyzw", p, sizeof p), CH_ERR_LIMIT);
    assert_string_equal(p, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_default_is_compiled_in_and_holds_the_data, unset_env),
        cmocka_unit_test_setup(test_environment_wins_and_empty_is_ignored, unset_env),
        cmocka_unit_test_setup(test_trailing_slashes_and_root, unset_env),
        cmocka_unit_test_setup(test_unsafe_relative_names_are_refused, unset_env),
        cmocka_unit_test_setup(test_too_long_is_a_limit_and_leaves_empty, unset_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
