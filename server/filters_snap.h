/* The filters the server reloads on SIGHUP: the mode policy (filters/policy.h) and the query
 * checker (filters/querycheck.h), held together in one immutable, reference-counted snapshot.
 *
 * A srv_filters_box publishes the current snapshot. A request takes a reference with
 * srv_filters_acquire() and gives it back with srv_filters_release() when answered; a reload
 * builds a NEW snapshot from disk and swaps it in with srv_filters_publish(). Requests in
 * flight finish with the snapshot they took; the old one is freed when its last reference
 * goes. A snapshot is never modified once published, so any number of threads may read it.
 *
 * The swap and the taking of a reference happen under one mutex held for a pointer copy and
 * an increment only (never during a load or a request), so a reload never blocks a request
 * for longer than that. */
#ifndef CHOUETTE_SERVER_FILTERS_SNAP_H
#define CHOUETTE_SERVER_FILTERS_SNAP_H

#include <stddef.h>

#include "common/status.h"
#include "filters/policy.h"
#include "filters/querycheck.h"

typedef struct srv_filters srv_filters;
typedef struct srv_filters_box srv_filters_box;

/* Where the filters are read from. Strings are borrowed: they must outlive every use. */
typedef struct {
    const char *policy_file;     /* policies.ini (required) */
    const char *policy_override; /* NULL or "" for none */
    const char *querycheck_dir;  /* the query checker's folder (required) */
} srv_filters_paths;

/* Load a new snapshot (reference count 1, owned by the caller) from paths. On failure *out is
 * NULL and err (errlen bytes, may be NULL) names the file and line that failed (never any user
 * data): CH_ERR_ARG, CH_ERR_IO, CH_ERR_PARSE, CH_ERR_LIMIT, CH_ERR_NOMEM. */
ch_status srv_filters_load(const srv_filters_paths *paths, srv_filters **out, char *err,
                           size_t errlen);

/* A snapshot from parts already loaded (tests): takes ownership of policy (required) and
 * querycheck (may be NULL), even on failure (CH_ERR_ARG, CH_ERR_NOMEM). */
ch_status srv_filters_from_parts(flt_policy *policy, flt_querycheck *querycheck, srv_filters **out);

/* Drop one reference; the last one frees the snapshot. NULL is accepted. */
void srv_filters_release(srv_filters *f);

/* The parts of a snapshot, valid while the caller holds a reference. */
const flt_policy *srv_filters_policy(const srv_filters *f);
const flt_querycheck *srv_filters_querycheck(const srv_filters *f);

/* A box publishing initial, whose reference passes to the box (even on failure). On failure
 * (CH_ERR_ARG, CH_ERR_NOMEM) *out is NULL. */
ch_status srv_filters_box_new(srv_filters *initial, srv_filters_box **out);

/* Free the box and drop its reference to the current snapshot. No thread may use the box any
 * more; snapshots still acquired stay valid until released. */
void srv_filters_box_free(srv_filters_box *b);

/* A new reference to the current snapshot (never NULL); release it when done. */
srv_filters *srv_filters_acquire(srv_filters_box *b);

/* Make f (whose reference passes to the box) the current snapshot; the previous one is
 * released (freed once the requests using it are done). */
void srv_filters_publish(srv_filters_box *b, srv_filters *f);

/* Load a new snapshot from paths and publish it. On failure the current snapshot stays, the
 * status is returned and err says why (as srv_filters_load). */
ch_status srv_filters_reload(srv_filters_box *b, const srv_filters_paths *paths, char *err,
                             size_t errlen);

/* How many snapshots have been published since the box was made (the initial one is 1). */
unsigned long srv_filters_generation(srv_filters_box *b);

#endif
