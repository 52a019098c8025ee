#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* What cli_usage_error(command, usage, msg, arg) writes to stderr, and its exit status. */
static void usage_error_output(const char *arg, char *out, size_t n, int *rc)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    *rc =
        cli_usage_error("index", "usage: chouette index --db DIR WARC...\n", "unknown option", arg);
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(tmp);
    size_t len = fread(out, 1, n - 1, tmp);
    out[len] = '\0';
    fclose(tmp);
}

/* Every subcommand reports a usage error the same way: its name, the problem, the argument
 * quoted (so an empty or spaced one shows), the usage, exit status 2. */
static void test_usage_error(void **state)
{
    (void)state;
    char out[256];
    int rc = -1;
    usage_error_output("--frob nicate", out, sizeof out, &rc);
    assert_int_equal(rc, CLI_EXIT_USAGE);
    assert_string_equal(out, "chouette index: unknown option '--frob nicate'\n"
                             "usage: chouette index --db DIR WARC...\n");
    usage_error_output(NULL, out, sizeof out, &rc);
    assert_int_equal(rc, CLI_EXIT_USAGE);
    assert_string_equal(out,
                        "chouette index: unknown option\nusage: chouette index --db DIR WARC...\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_partition),
        cmocka_unit_test(test_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
