#include "server/filters_snap.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct srv_filters {
    atomic_ulong refs;
    flt_policy *policy;
    flt_querycheck *querycheck;
};

struct srv_filters_box {
    pthread_mutex_t lock; /* guards cur and the increment that takes a reference to it */
    srv_filters *cur;
    unsigned long generation;
};

ch_status srv_filters_from_parts(flt_policy *policy, flt_querycheck *querycheck, srv_filters **out)
{
    *out = NULL;
    if (!policy) {
        flt_querycheck_free(querycheck);
        return CH_ERR_ARG;
    }
    srv_filters *f = calloc(1, sizeof *f);
    if (!f) {
        flt_policy_free(policy);
        flt_querycheck_free(querycheck);
        return CH_ERR_NOMEM;
    }
    atomic_init(&f->refs, 1);
    f->policy = policy;
    f->querycheck = querycheck;
    *out = f;
    return CH_OK;
}

ch_status srv_filters_load(const srv_filters_paths *paths, srv_filters **out, char *err,
                           size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!paths || !paths->policy_file || !paths->querycheck_dir) {
        if (err && errlen)
            snprintf(err, errlen, "filters: no policy file or query checker folder");
        return CH_ERR_ARG;
    }
    flt_policy *policy = NULL;
    flt_querycheck *qc = NULL;
    ch_status st =
        flt_policy_load(paths->policy_file, paths->policy_override, &policy, err, errlen);
    if (st)
        return st;
    st = flt_querycheck_load(paths->querycheck_dir, &qc, err, errlen);
    if (st) {
        flt_policy_free(policy);
        return st;
    }
    return srv_filters_from_parts(policy, qc, out);
}

void srv_filters_release(srv_filters *f)
{
    if (!f)
        return;
    if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
        return;
    flt_policy_free(f->policy);
    flt_querycheck_free(f->querycheck);
    free(f);
}

const flt_policy *srv_filters_policy(const srv_filters *f)
{
    return f ? f->policy : NULL;
}

const flt_querycheck *srv_filters_querycheck(const srv_filters *f)
{
    return f ? f->querycheck : NULL;
}

ch_status srv_filters_box_new(srv_filters *initial, srv_filters_box **out)
{
    *out = NULL;
    if (!initial)
        return CH_ERR_ARG;
    srv_filters_box *b = calloc(1, sizeof *b);
    if (!b || pthread_mutex_init(&b->lock, NULL) != 0) {
        free(b);
        srv_filters_release(initial);
        return CH_ERR_NOMEM;
    }
    b->cur = initial;
    b->generation = 1;
    *out = b;
    return CH_OK;
}

void srv_filters_box_free(srv_filters_box *b)
{
    if (!b)
        return;
    srv_filters_release(b->cur);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

srv_filters *srv_filters_acquire(srv_filters_box *b)
{
    pthread_mutex_lock(&b->lock);
    srv_filters *f = b->cur;
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&b->lock);
    return f;
}

void srv_filters_publish(srv_filters_box *b, srv_filters *f)
{
    pthread_mutex_lock(&b->lock);
    srv_filters *old = b->cur;
    b->cur = f;
    b->generation++;
    pthread_mutex_unlock(&b->lock);
    srv_filters_release(old); /* outside the lock: freeing a large checker takes a while */
}

ch_status srv_filters_reload(srv_filters_box *b, const srv_filters_paths *paths, char *err,
                             size_t errlen)
{
    srv_filters *f = NULL;
    ch_status st = srv_filters_load(paths, &f, err, errlen);
    if (st)
        return st;
    srv_filters_publish(b, f);
    return CH_OK;
}

unsigned long srv_filters_generation(srv_filters_box *b)
{
    pthread_mutex_lock(&b->lock);
    unsigned long g = b->generation;
    pthread_mutex_unlock(&b->lock);
    return g;
}
