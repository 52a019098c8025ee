#include "common/workpool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define WORKPOOL_MAX_THREADS 64

typedef struct node {
    void *task;
    struct node *next;
} node;

/* A FIFO of nodes. */
typedef struct {
    node *head, *tail;
} fifo;

struct workpool {
    workpool_run_fn run;
    workpool_notify_fn notify;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t work; /* signalled when a task is queued or the pool stops */
    fifo queued;         /* under mu */
    fifo finished;       /* under mu; nodes reused: a task goes back in its own node */
    bool stopping;       /* under mu */
    size_t pending;      /* the owner's count: submitted, not taken */
    pthread_t *threads;
    int n_threads;
};

static void fifo_push(fifo *f, node *n)
{
    n->next = NULL;
    if (f->tail)
        f->tail->next = n;
    else
        f->head = n;
    f->tail = n;
}

static node *fifo_pop(fifo *f)
{
    node *n = f->head;
    if (n) {
        f->head = n->next;
        if (!f->head)
            f->tail = NULL;
    }
    return n;
}

static void *worker_main(void *arg)
{
    workpool_t *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        node *n = fifo_pop(&p->queued);
        if (!n) {
            if (p->stopping)
                break;
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        pthread_mutex_unlock(&p->mu);
        p->run(n->task, p->ctx);
        pthread_mutex_lock(&p->mu);
        fifo_push(&p->finished, n);
        if (p->notify) {
            /* outside the lock: notify may take locks of its own (libcurl's wakeup does not,
             * but nothing here needs to assume it) */
            pthread_mutex_unlock(&p->mu);
            p->notify(p->ctx);
            pthread_mutex_lock(&p->mu);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

ch_status workpool_new(int threads, workpool_run_fn run, workpool_notify_fn notify, void *ctx,
                       workpool_t **out)
{
    *out = NULL;
    if (threads < 1 || threads > WORKPOOL_MAX_THREADS || !run)
        return CH_ERR_ARG;
    workpool_t *p = calloc(1, sizeof *p);
    if (!p)
        return CH_ERR_NOMEM;
    p->threads = calloc((size_t)threads, sizeof *p->threads);
    if (!p->threads) {
        free(p);
        return CH_ERR_NOMEM;
    }
    p->run = run;
    p->notify = notify;
    p->ctx = ctx;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    while (p->n_threads < threads &&
           pthread_create(&p->threads[p->n_threads], NULL, worker_main, p) == 0)
        p->n_threads++;
    if (p->n_threads == 0) {
        workpool_free(p, NULL);
        return CH_ERR_INTERNAL;
    }
    *out = p;
    return CH_OK;
}

ch_status workpool_submit(workpool_t *p, void *task)
{
    node *n = malloc(sizeof *n);
    if (!n)
        return CH_ERR_NOMEM;
    n->task = task;
    pthread_mutex_lock(&p->mu);
    fifo_push(&p->queued, n);
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    p->pending++;
    return CH_OK;
}

void *workpool_take(workpool_t *p)
{
    pthread_mutex_lock(&p->mu);
    node *n = fifo_pop(&p->finished);
    pthread_mutex_unlock(&p->mu);
    if (!n)
        return NULL;
    void *task = n->task;
    free(n);
    p->pending--;
    return task;
}

size_t workpool_pending(const workpool_t *p)
{
    return p->pending;
}

static void drop_all(fifo *f, void (*drop)(void *task, void *ctx), void *ctx)
{
    node *n;
    while ((n = fifo_pop(f))) {
        if (drop)
            drop(n->task, ctx);
        free(n);
    }
}

void workpool_free(workpool_t *p, void (*drop)(void *task, void *ctx))
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    /* queued tasks are not run: taken off before the workers look again */
    fifo waiting = p->queued;
    p->queued.head = p->queued.tail = NULL;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    drop_all(&waiting, drop, p->ctx);
    drop_all(&p->finished, drop, p->ctx);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    free(p->threads);
    free(p);
}
