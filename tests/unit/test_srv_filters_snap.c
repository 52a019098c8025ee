/* The server's reloadable filters (server/filters_snap.h): loading, a failed reload keeping the
 * current snapshot, a snapshot acquired before a publish staying valid until released, and
 * readers racing a publisher (under ASan, a snapshot freed while a reader still holds it is
 * reported as a use after free). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "filters/classify.h"
#include "server/filters_snap.h"

typedef struct {
    char dir[64];
    char policy[4096];
    char override[128];
    char qc[4096];
    srv_filters_paths paths;
} fixture;

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/chouette-snap-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->override, sizeof fx->override, "%s/override.ini", fx->dir);
    write_file(fx->override, "; nothing\n");
    assert_int_equal(paths_data_file("policies.ini", fx->policy, sizeof fx->policy), CH_OK);
    assert_int_equal(paths_data_file("querycheck", fx->qc, sizeof fx->qc), CH_OK);
    fx->paths = (srv_filters_paths){
        .policy_file = fx->policy, .policy_override = fx->override, .querycheck_dir = fx->qc};
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    remove(fx->override);
    remove(fx->dir);
    free(fx);
    return 0;
}

static bool junior_hides_gambling(const srv_filters *f)
{
    return (flt_policy_hidden_mask(srv_filters_policy(f), FLT_MODE_JUNIOR) &
            FLT_BIT(FLT_CAT_GAMBLING)) != 0;
}

static void test_load_and_bad_paths(void **state)
{
    fixture *fx = *state;
    srv_filters *f = NULL;
    char err[512];
    assert_int_equal(srv_filters_load(&fx->paths, &f, err, sizeof err), CH_OK);
    assert_non_null(srv_filters_policy(f));
    assert_non_null(srv_filters_querycheck(f));
    assert_true(flt_querycheck_term_count(srv_filters_querycheck(f)) > 0);
    assert_true(junior_hides_gambling(f));
    srv_filters_release(f);

    srv_filters_paths p = fx->paths;
    p.querycheck_dir = "/nonexistent/querycheck";
    f = (srv_filters *)&p; /* must be set to NULL on failure */
    assert_int_not_equal(srv_filters_load(&p, &f, err, sizeof err), CH_OK);
    assert_null(f);
    assert_true(err[0] != '\0');
    p = fx->paths;
    p.policy_override = "/nonexistent/override.ini";
    assert_int_not_equal(srv_filters_load(&p, &f, err, sizeof err), CH_OK);
    assert_null(f);
    p.policy_file = NULL;
    assert_int_equal(srv_filters_load(&p, &f, err, sizeof err), CH_ERR_ARG);
    assert_null(f);
    srv_filters_release(NULL);
}

static void test_reload_publishes_and_failure_keeps(void **state)
{
    fixture *fx = *state;
    srv_filters *f = NULL;
    srv_filters_box *b = NULL;
    char err[512];
    assert_int_equal(srv_filters_load(&fx->paths, &f, err, sizeof err), CH_OK);
    assert_int_equal(srv_filters_box_new(f, &b), CH_OK);
    assert_int_equal(srv_filters_generation(b), 1);

    srv_filters *old = srv_filters_acquire(b);
    assert_ptr_equal(old, f);
    assert_true(junior_hides_gambling(old));

    write_file(fx->override, "[junior]\nunhide = gambling\n");
    assert_int_equal(srv_filters_reload(b, &fx->paths, err, sizeof err), CH_OK);
    assert_int_equal(srv_filters_generation(b), 2);
    srv_filters *now = srv_filters_acquire(b);
    assert_ptr_not_equal(now, old);
    assert_false(junior_hides_gambling(now));
    /* the snapshot taken before the reload is unchanged and still usable */
    assert_true(junior_hides_gambling(old));
    srv_filters_release(old);

    write_file(fx->override, "[junior]\nhide = no_such_category\n");
    err[0] = '\0';
    assert_int_equal(srv_filters_reload(b, &fx->paths, err, sizeof err), CH_ERR_PARSE);
    assert_non_null(strstr(err, "no_such_category"));
    assert_int_equal(srv_filters_generation(b), 2);
    srv_filters *same = srv_filters_acquire(b);
    assert_ptr_equal(same, now);
    assert_false(junior_hides_gambling(same));
    srv_filters_release(same);
    srv_filters_release(now);
    srv_filters_box_free(b);

    assert_int_equal(srv_filters_box_new(NULL, &b), CH_ERR_ARG);
    assert_null(b);
}

/* Readers acquire, read and release in a loop while the main thread publishes new snapshots;
 * each reader checks that what it holds is consistent (both parts present) all along. */
typedef struct {
    srv_filters_box *b;
    atomic_bool stop;
    atomic_long reads;
} race;

static void *reader(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        srv_filters *f = srv_filters_acquire(r->b);
        const flt_policy *p = srv_filters_policy(f);
        if (!p || !srv_filters_querycheck(f) || flt_policy_hidden_mask(p, FLT_MODE_WEB) == 0)
            abort();
        atomic_fetch_add(&r->reads, 1);
        srv_filters_release(f);
    }
    return NULL;
}

static void test_readers_race_publisher(void **state)
{
    fixture *fx = *state;
    char err[512];
    srv_filters *f = NULL;
    race r = {.b = NULL};
    atomic_init(&r.stop, false);
    atomic_init(&r.reads, 0);
    assert_int_equal(srv_filters_load(&fx->paths, &f, err, sizeof err), CH_OK);
    assert_int_equal(srv_filters_box_new(f, &r.b), CH_OK);
    pthread_t th[4];
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &r), 0);
    for (int i = 0; i < 20; i++) {
        write_file(fx->override, i % 2 ? "[junior]\nunhide = gambling\n" : "; shipped\n");
        assert_int_equal(srv_filters_reload(r.b, &fx->paths, err, sizeof err), CH_OK);
    }
    atomic_store(&r.stop, true);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_true(atomic_load(&r.reads) > 0);
    assert_int_equal(srv_filters_generation(r.b), 21);
    srv_filters *last = srv_filters_acquire(r.b);
    assert_false(junior_hides_gambling(last)); /* i = 19 unhid it */
    srv_filters_release(last);
    srv_filters_box_free(r.b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_and_bad_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_publishes_and_failure_keeps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readers_race_publisher, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
