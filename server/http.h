/* The libmicrohttpd listener: a thread pool (one worker per core) with epoll, explicit limits,
 * one idx_searcher per worker thread (opened on first use, refreshed at most once a second),
 * and srv_handle() for every request. No access log: nothing about a request is written
 * anywhere. */
#ifndef CHOUETTE_SERVER_HTTP_H
#define CHOUETTE_SERVER_HTTP_H

#include <signal.h>
#include <stdbool.h>

#include "server/filters_snap.h"
#include "server/ratelimit.h"
#include "server/server.h"

/* Named limits of the listener (docs/API.md). */
#define SRV_CONNECTION_LIMIT 4096 /* connections open at once, whole server (max_connections) */
/* connections open at once from one address (max_connections_per_ip): a whole school is often
 * behind one NAT address, each browser keeping a few connections open */
#define SRV_PER_IP_CONNECTION_LIMIT 512
#define SRV_MAX_CONNECTION_LIMIT 65536 /* max_connections above this: a parse error */
#define SRV_SPARE_FDS 256 /* descriptors kept for the index, data files and the listener */
#define SRV_CONNECTION_TIMEOUT_S 15 /* idle connection closed after this (slowloris) */
/* Per connection: request line + headers. Above 32 KiB libmicrohttpd maps the pool with mmap
 * and unmaps it at close; at 32 KiB or less it comes from malloc, and thousands of 32 KiB
 * blocks freed in any order left the heap fragmented: RSS grew by megabytes from one wrk run
 * to the next (tests/integration/test_serve_load.sh, docs/PERFORMANCE.md). */
#define SRV_CONNECTION_MEMORY (36 * 1024)
#define SRV_MAX_THREADS 64
#define SRV_REFRESH_INTERVAL_S 1 /* a worker follows new index commits this often */

extern const srv_backend srv_backend_idx;

typedef struct {
    const char *listen;              /* "ADDR:PORT" or "[V6]:PORT"; port 0 picks a free one */
    const char *db_path;             /* the index (directory or stub file) */
    unsigned threads;                /* 0: one per core */
    unsigned timeout_s;              /* 0: SRV_CONNECTION_TIMEOUT_S */
    unsigned max_connections;        /* 0: SRV_CONNECTION_LIMIT */
    unsigned max_connections_per_ip; /* 0: SRV_PER_IP_CONNECTION_LIMIT */
    /* The request rate limiter (ratelimit.h); NULL or rate 0: none. */
    const srv_rl_config *ratelimit;
    /* The reloadable filters: when set, every request takes the current snapshot's policy and
     * query checker (instead of s->policy and s->querycheck) and SIGHUP reloads them from
     * filter_paths. NULL: s's own, and SIGHUP is ignored. */
    srv_filters_box *filters;
    const srv_filters_paths *filter_paths;
} srv_http_config;

/* Serve s on cfg->listen until a signal of `stop` other than SIGHUP arrives (the caller has
 * blocked them in every thread; this function waits for them with sigwait). SIGHUP, when in
 * `stop`, reloads the filters (cfg->filters) without stopping: the daemon keeps answering with
 * the old snapshot until the new one is published; a reload that fails keeps the old one and
 * says so on stderr (file and line, never user data). Prints one line to stderr once listening
 * ("chouette serve: listening on ADDR:PORT with N threads"), nothing per request. Raises the
 * soft limit of open files to what max_connections needs (or lowers the connection limit to
 * what the hard limit allows, and says so). A request the rate limiter refuses is answered
 * 429 with Retry-After (srv_handle_rate_limited); its address is never kept. Returns
 * CH_OK after a clean shutdown; CH_ERR_ARG for a bad listen address, CH_ERR_IO when the
 * socket cannot be bound, CH_ERR_NOMEM. err gets a message. */
ch_status srv_http_run(const srv_server *s, const srv_http_config *cfg, const sigset_t *stop,
                       char *err, size_t errlen);

#endif
