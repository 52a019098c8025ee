#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/cli.h"

/* --partition I/N of crawl, index and shards: every malformed value refused, outputs kept. */
static void test_parse_partition(void **state)
{
    (void)state;
    long i = -7, n = -7;
    assert_true(cli_parse_partition("0/1", &i, &n));
    assert_int_equal(i, 0);
    assert_int_equal(n, 1);
    assert_true(cli_parse_partition("2/3", &i, &n));
    assert_int_equal(i, 2);
    assert_int_equal(n, 3);
    static const char *const bad[] = {"3/3", "3/2", "-1/2", "1/0",       "1", "/2",
                                      "1/",  "a/2", "1/2x", "1/1000001", "",  "1//2"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        i = n = -7;
        assert_false(cli_parse_partition(bad[k], &i, &n));
        assert_int_equal(i, -7);
        assert_int_equal(n, -7);
    }
    assert_false(cli_parse_partition(NULL, &i, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
