/* Temporary directories for the unit tests: made under /tmp, removed with everything in them.
 * Failures end the test through cmocka. */
#ifndef CHOUETTE_TEST_TMPDIR_H
#define CHOUETTE_TEST_TMPDIR_H

/* A new empty directory /tmp/chouette-test-XXXXXX (malloc'd path). */
char *test_make_tmpdir(void);

/* Remove dir and all below it (without a shell, so any name is safe); a missing dir is fine. */
void test_rm_rf(const char *dir);

/* A cmocka fixture: the setup makes *state a test_tmpdir with a new directory, the teardown
 * removes it. */
typedef struct {
    char *dir;
} test_tmpdir;
int test_tmpdir_setup(void **state);
int test_tmpdir_teardown(void **state);

#endif
