#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/workpool.h"

typedef struct {
    int in;
    int out;
    int runs;         /* how many times run saw this task */
    atomic_int *gate; /* when not NULL, run waits until it is non-zero */
} task_t;

typedef struct {
    atomic_int notified;
    atomic_int running; /* tasks inside run at this moment */
    atomic_int most_running;
    int dropped;
} pool_ctx;

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void square(void *task, void *ctx)
{
    task_t *t = task;
    pool_ctx *c = ctx;
    int now = atomic_fetch_add(&c->running, 1) + 1;
    int seen = atomic_load(&c->most_running);
    while (now > seen && !atomic_compare_exchange_weak(&c->most_running, &seen, now))
        ;
    while (t->gate && !atomic_load(t->gate))
        nap_ms(1);
    t->out = t->in * t->in;
    t->runs++;
    atomic_fetch_sub(&c->running, 1);
}

static void count_notify(void *ctx)
{
    pool_ctx *c = ctx;
    atomic_fetch_add(&c->notified, 1);
}

static void count_drop(void *task, void *ctx)
{
    task_t *t = task;
    pool_ctx *c = ctx;
    t->out = -1;
    c->dropped++;
}

/* Take n tasks back, waiting up to 10 s in all. */
static int take_all(workpool_t *p, task_t **got, int n)
{
    int taken = 0;
    for (int waited = 0; taken < n && waited < 10000;) {
        task_t *t = workpool_take(p);
        if (t) {
            got[taken++] = t;
            continue;
        }
        nap_ms(1);
        waited++;
    }
    return taken;
}

static void test_every_task_runs_once_and_comes_back(void **state)
{
    (void)state;
    enum { N = 2000 };
    pool_ctx c;
    memset(&c, 0, sizeof c);
    task_t *tasks = calloc(N, sizeof *tasks);
    task_t **got = calloc(N, sizeof *got);
    assert_non_null(tasks);
    assert_non_null(got);
    workpool_t *p = NULL;
    assert_int_equal(workpool_new(3, square, count_notify, &c, &p), CH_OK);
    for (int i = 0; i < N; i++) {
        tasks[i].in = i;
        assert_int_equal(workpool_submit(p, &tasks[i]), CH_OK);
    }
    assert_int_equal(take_all(p, got, N), N);
    assert_int_equal(workpool_pending(p), 0);
    assert_null(workpool_take(p));
    for (int i = 0; i < N; i++) {
        assert_int_equal(tasks[i].runs, 1);
        assert_int_equal(tasks[i].out, i * i);
    }
    /* each task came back once: the taken pointers are the N tasks */
    int *hits = calloc(N, sizeof *hits);
    assert_non_null(hits);
    for (int i = 0; i < N; i++)
        hits[got[i] - tasks]++;
    for (int i = 0; i < N; i++)
        assert_int_equal(hits[i], 1);
    workpool_free(p, count_drop);
    assert_int_equal(c.dropped, 0);
    assert_int_equal(atomic_load(&c.notified), N);
    free(hits);
    free(got);
    free(tasks);
}

static void test_tasks_run_side_by_side(void **state)
{
    (void)state;
    pool_ctx c;
    memset(&c, 0, sizeof c);
    atomic_int gate = 0;
    task_t tasks[2] = {{.in = 2, .gate = &gate}, {.in = 3, .gate = &gate}};
    workpool_t *p = NULL;
    assert_int_equal(workpool_new(2, square, NULL, &c, &p), CH_OK);
    assert_int_equal(workpool_submit(p, &tasks[0]), CH_OK);
    assert_int_equal(workpool_submit(p, &tasks[1]), CH_OK);
    /* both held at the gate at once: two threads really work */
    for (int waited = 0; atomic_load(&c.most_running) < 2 && waited < 10000; waited++)
        nap_ms(1);
    assert_int_equal(atomic_load(&c.most_running), 2);
    assert_null(workpool_take(p)); /* nothing finished while they wait */
    assert_int_equal(workpool_pending(p), 2);
    atomic_store(&gate, 1);
    task_t *got[2];
    assert_int_equal(take_all(p, got, 2), 2);
    assert_int_equal(tasks[0].out + tasks[1].out, 4 + 9);
    workpool_free(p, NULL);
}

static void test_free_drops_what_was_not_taken(void **state)
{
    (void)state;
    enum { N = 50 };
    pool_ctx c;
    memset(&c, 0, sizeof c);
    atomic_int gate = 0;
    task_t tasks[N];
    memset(tasks, 0, sizeof tasks);
    workpool_t *p = NULL;
    assert_int_equal(workpool_new(1, square, count_notify, &c, &p), CH_OK);
    for (int i = 0; i < N; i++) {
        tasks[i].in = i + 1;
        tasks[i].gate = &gate;
        assert_int_equal(workpool_submit(p, &tasks[i]), CH_OK);
    }
    /* the first task is running, the rest wait behind it */
    for (int waited = 0; atomic_load(&c.running) < 1 && waited < 10000; waited++)
        nap_ms(1);
    assert_int_equal(workpool_pending(p), N);
    atomic_store(&gate, 1);
    workpool_free(p, count_drop);
    /* every task is handed back exactly once: run and finished, or dropped unrun */
    int ran = 0;
    for (int i = 0; i < N; i++) {
        assert_true(tasks[i].runs <= 1);
        assert_int_equal(tasks[i].out, -1); /* all dropped: none was taken */
        ran += tasks[i].runs;
    }
    assert_int_equal(c.dropped, N);
    assert_true(ran >= 1);
    assert_int_equal(atomic_load(&c.notified), ran);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    workpool_t *p = (workpool_t *)&p;
    assert_int_equal(workpool_new(0, square, NULL, NULL, &p), CH_ERR_ARG);
    assert_null(p);
    assert_int_equal(workpool_new(65, square, NULL, NULL, &p), CH_ERR_ARG);
    assert_int_equal(workpool_new(1, NULL, NULL, NULL, &p), CH_ERR_ARG);
    workpool_free(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_task_runs_once_and_comes_back),
        cmocka_unit_test(test_tasks_run_side_by_side),
        cmocka_unit_test(test_free_drops_what_was_not_taken),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
