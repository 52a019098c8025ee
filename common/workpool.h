/* A pool of worker threads for CPU work handed off by an event loop, in no particular order.
 *
 * The loop (one thread, the owner) submits tasks; a worker runs run(task, ctx) on each; the
 * owner takes finished tasks back with workpool_take, in the order they finished. After every
 * finished task notify(ctx) is called from the worker, so that a loop asleep in poll() can be
 * woken (e.g. with curl_multi_wakeup). Nothing is bounded here: the owner decides how many
 * tasks it lets wait (workpool_pending).
 *
 * run must be safe to call from several threads at once on different tasks. Every function
 * but the ones run and notify call belongs to the owner's thread. */
#ifndef CHOUETTE_WORKPOOL_H
#define CHOUETTE_WORKPOOL_H

#include <stddef.h>

#include "common/status.h"

typedef struct workpool workpool_t;

typedef void (*workpool_run_fn)(void *task, void *ctx);
typedef void (*workpool_notify_fn)(void *ctx);

/* Start threads workers (1 to 64). notify may be NULL. *out for workpool_free; NULL on failure
 * (CH_ERR_ARG for a bad count or no run, CH_ERR_NOMEM, CH_ERR_INTERNAL when no thread could be
 * started: a pool starts if at least one did). */
ch_status workpool_new(int threads, workpool_run_fn run, workpool_notify_fn notify, void *ctx,
                       workpool_t **out);

/* Queue a task (not NULL). CH_ERR_NOMEM leaves the task with the caller. */
ch_status workpool_submit(workpool_t *p, void *task);

/* A finished task, or NULL when none is finished yet. Never waits. */
void *workpool_take(workpool_t *p);

/* Tasks submitted and not yet taken back (queued, running or finished). */
size_t workpool_pending(const workpool_t *p);

/* Let the running tasks finish, run no more, join the threads, and hand every task not taken
 * back (queued or finished) to drop(task, ctx) when drop is not NULL. NULL p allowed. */
void workpool_free(workpool_t *p, void (*drop)(void *task, void *ctx));

#endif
