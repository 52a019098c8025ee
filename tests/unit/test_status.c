#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/status.h"

static void test_status_str_names_every_status(void **state)
{
    (void)state;
    assert_string_equal(ch_status_str(CH_OK), "success");
    assert_string_equal(ch_status_str(CH_ERR_NOMEM), "out of memory");
    assert_non_null(ch_status_str((ch_status)999));
}

static void test_set_err_formats_cuts_and_ignores_null(void **state)
{
    (void)state;
    char err[16];
    ch_set_err(err, sizeof err, "%s:%d: %s", "policy.ini", 12, "bad value");
    assert_string_equal(err, "policy.ini:12: "); /* 15 bytes and the NUL */
    memset(err, 'x', sizeof err);
    ch_set_err(err, 0, "not written");
    assert_int_equal(err[0], 'x');
    ch_set_err(NULL, 64, "no buffer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_str_names_every_status),
        cmocka_unit_test(test_set_err_formats_cuts_and_ignores_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
