/* Temporary directories for the unit tests (tmpdir.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/support/tmpdir.h"

char *test_make_tmpdir(void)
{
    char tmpl[] = "/tmp/chouette-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    char *copy = strdup(d);
    assert_non_null(copy);
    return copy;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void test_rm_rf(const char *dir)
{
    /* depth first, not following symbolic links out of the tree */
    int rc = nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0 && errno != ENOENT)
        fail_msg("cannot remove %s: %s", dir, strerror(errno));
}

int test_tmpdir_setup(void **state)
{
    test_tmpdir *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->dir = test_make_tmpdir();
    *state = t;
    return 0;
}

int test_tmpdir_teardown(void **state)
{
    test_tmpdir *t = *state;
    test_rm_rf(t->dir);
    free(t->dir);
    free(t);
    return 0;
}
