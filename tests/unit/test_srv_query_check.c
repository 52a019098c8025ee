/* The server's query check (server/query_check.h) over the shipped checker data
 * (data/querycheck): blocked in the children's modes with a kind message, never in web,
 * help resources for sensitive topics, and queries too long to check refused for children. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/paths.h"
#include "filters/policy.h"
#include "server/query_check.h"

static int load(void **state)
{
    char dir[4096], err[256] = "";
    assert_int_equal(paths_data_file("querycheck", dir, sizeof dir), CH_OK);
    flt_querycheck *qc = NULL;
    assert_int_equal(flt_querycheck_load(dir, &qc, err, sizeof err), CH_OK);
    *state = qc;
    return 0;
}

static int unload(void **state)
{
    flt_querycheck_free(*state);
    return 0;
}

static void test_explicit_blocked_for_children_only(void **state)
{
    const flt_querycheck *qc = *state;
    srv_query_verdict v;
    const int children[] = {FLT_MODE_SCHOOL, FLT_MODE_JUNIOR};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(srv_check_query(qc, "p0rn", children[i], "fr", &v), CH_OK);
        assert_int_equal(v.kind, SRV_QUERY_BLOCKED);
        assert_non_null(v.message);
        assert_null(strstr(v.message, "p0rn")); /* the message never repeats the query */
    }
    assert_int_equal(srv_check_query(qc, "p0rn", FLT_MODE_WEB, "fr", &v), CH_OK);
    assert_int_equal(v.kind, SRV_QUERY_ALLOWED);
    assert_int_equal(srv_check_query(qc, "tableau croisé dynamique", FLT_MODE_JUNIOR, "fr", &v),
                     CH_OK);
    assert_int_equal(v.kind, SRV_QUERY_ALLOWED);
}

static void test_sensitive_topic_brings_help(void **state)
{
    const flt_querycheck *qc = *state;
    srv_query_verdict v;
    assert_int_equal(srv_check_query(qc, "harcèlement", FLT_MODE_SCHOOL, "fr", &v), CH_OK);
    assert_int_equal(v.kind, SRV_QUERY_HELP);
    assert_true(v.n_help >= 1);
    bool found_3018 = false;
    for (size_t i = 0; i < v.n_help; i++)
        found_3018 |= strstr(v.help[i], "3018") != NULL;
    assert_true(found_3018);
}

static void test_unverifiable_query_refused_for_children(void **state)
{
    const flt_querycheck *qc = *state;
    char longq[FLT_QC_QUERY_MAX + 100];
    memset(longq, 'a', sizeof longq - 1);
    longq[sizeof longq - 1] = '\0';
    srv_query_verdict v;
    assert_int_equal(srv_check_query(qc, longq, FLT_MODE_JUNIOR, "fr", &v), CH_OK);
    assert_int_equal(v.kind, SRV_QUERY_BLOCKED);
    assert_int_equal(srv_check_query(qc, longq, FLT_MODE_WEB, "fr", &v), CH_OK);
    assert_int_equal(v.kind, SRV_QUERY_ALLOWED);
}

static void test_no_checker_allows(void **state)
{
    (void)state;
    srv_query_verdict v;
    assert_int_equal(srv_check_query(NULL, "p0rn", FLT_MODE_JUNIOR, "fr", &v), CH_OK);
    assert_int_equal(v.kind, SRV_QUERY_ALLOWED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explicit_blocked_for_children_only),
        cmocka_unit_test(test_sensitive_topic_brings_help),
        cmocka_unit_test(test_unverifiable_query_refused_for_children),
        cmocka_unit_test(test_no_checker_allows),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
