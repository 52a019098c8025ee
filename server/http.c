#include "server/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/netaddr.h"

/* One slot per worker thread: its searcher, opened on first use. */
typedef struct {
    atomic_int state; /* 0 free, 1 being claimed, 2 owned */
    pthread_t owner;
    idx_searcher *searcher;
    struct timespec last_try; /* last open attempt or refresh */
} worker_slot;

typedef struct {
    const srv_server *srv;
    const srv_http_config *cfg;
    char *csp;
    srv_ratelimit *rl; /* NULL: no rate limit */
    worker_slot slots[SRV_MAX_THREADS + 2];
} http_ctx;

/* Per-request state, from the first call of the access handler to the completion callback. */
typedef struct {
    srv_params params;
    struct MHD_PostProcessor *pp;
    size_t body_bytes;
    bool too_large, unsupported, is_post;
    char key[64]; /* the form field being received */
    buf_t value;  /* its value so far (MHD hands long values over in pieces) */
    bool have_field;
    unsigned retry_after; /* the rate limiter refused this request: seconds to wait */
    bool started;         /* the access handler has seen this request */
} req_state;

static req_state *req_new(void)
{
    req_state *r = calloc(1, sizeof *r);
    if (r) {
        srv_params_init(&r->params);
        buf_init(&r->value, SRV_MAX_POST_BYTES);
    }
    return r;
}

/* Called by MHD with the request line, before its own query-string parser. That parser
 * takes a record of 48 bytes from the connection's 36 KiB pool per parameter: thousands of
 * one-byte parameters fit in the request line but not in the pool, and libmicrohttpd 0.9.75
 * then hangs up without an answer. Past SRV_MAX_PARAMS parameters, the query string is cut
 * here (the line is MHD's own writable buffer; the const is the API's) and the request is
 * marked, so that it gets the 400 of any other parameter overflow. */
static void *request_line_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    req_state *r = req_new();
    char *query = strchr(uri, '?');
    if (!r || !query)
        return r;
    size_t fields = 1;
    for (const char *p = query + 1; *p; p++)
        fields += *p == '&';
    if (fields > SRV_MAX_PARAMS) {
        query[1] = '\0';
        r->params.overflow = true;
    }
    return r;
}

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The calling thread's slot, claimed on first use; NULL if the table is full. */
static worker_slot *my_slot(http_ctx *c)
{
    pthread_t self = pthread_self();
    size_t n = sizeof c->slots / sizeof c->slots[0];
    for (size_t i = 0; i < n; i++)
        if (atomic_load(&c->slots[i].state) == 2 && pthread_equal(c->slots[i].owner, self))
            return &c->slots[i];
    for (size_t i = 0; i < n; i++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&c->slots[i].state, &expect, 1)) {
            c->slots[i].owner = self;
            c->slots[i].searcher = NULL;
            c->slots[i].last_try = (struct timespec){0, 0};
            atomic_store(&c->slots[i].state, 2);
            return &c->slots[i];
        }
    }
    return NULL;
}

/* This thread's searcher, opened or refreshed at most once per SRV_REFRESH_INTERVAL_S. */
static idx_searcher *my_searcher(http_ctx *c)
{
    worker_slot *w = my_slot(c);
    if (!w)
        return NULL;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    bool due = (w->last_try.tv_sec == 0 && w->last_try.tv_nsec == 0) ||
               since(&w->last_try, &now) >= SRV_REFRESH_INTERVAL_S;
    if (!due)
        return w->searcher;
    w->last_try = now;
    if (!w->searcher) {
        /* errors are not logged here: the message could name paths only, but one line per
         * request would flood; /healthz and the 503 page say enough */
        if (idx_searcher_open(c->cfg->db_path, &w->searcher, NULL) != CH_OK)
            w->searcher = NULL;
    } else if (idx_searcher_refresh(w->searcher) != CH_OK) {
        idx_searcher_close(w->searcher);
        w->searcher = NULL;
        if (idx_searcher_open(c->cfg->db_path, &w->searcher, NULL) != CH_OK)
            w->searcher = NULL;
    }
    return w->searcher;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    srv_params *p = cls;
    ch_status st = srv_params_add(p, key, key_size, value ? value : "", value ? value_size : 0);
    return st == CH_ERR_NOMEM ? MHD_NO : MHD_YES; /* past a limit: keep going, flag is set */
}

static void flush_field(req_state *r)
{
    if (!r->have_field)
        return;
    if (srv_params_add(&r->params, r->key, strlen(r->key), buf_str(&r->value), r->value.len) ==
        CH_ERR_NOMEM)
        r->params.overflow = true;
    buf_reset(&r->value);
    r->have_field = false;
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    (void)kind;
    (void)filename;
    (void)content_type;
    (void)transfer_encoding;
    req_state *r = cls;
    if (off == 0 || !r->have_field || strcmp(key, r->key) != 0) {
        flush_field(r);
        if (strlen(key) >= sizeof r->key) {
            r->params.overflow = true;
            return MHD_YES;
        }
        memcpy(r->key, key, strlen(key) + 1);
        r->have_field = true;
    }
    if (size && buf_append(&r->value, data, size) != CH_OK) {
        if (strcmp(key, "q") == 0)
            r->params.too_long = true;
        r->params.overflow = true;
    }
    return MHD_YES;
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    req_state *r = *con_cls;
    if (!r)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    buf_free(&r->value);
    srv_params_free(&r->params);
    free(r);
    *con_cls = NULL;
}

static bool add_headers(http_ctx *c, struct MHD_Response *resp, const srv_response *sr)
{
    bool ok =
        MHD_add_response_header(resp, "Content-Type", sr->content_type) == MHD_YES &&
        MHD_add_response_header(resp, "Content-Security-Policy", c->csp) == MHD_YES &&
        MHD_add_response_header(resp, "Cache-Control",
                                sr->cacheable ? "public, max-age=86400" : "no-store") == MHD_YES;
    for (size_t i = 0; ok && srv_security_headers[i]; i += 2)
        ok = MHD_add_response_header(resp, srv_security_headers[i], srv_security_headers[i + 1]) ==
             MHD_YES;
    if (ok && sr->allow)
        ok = MHD_add_response_header(resp, "Allow", sr->allow) == MHD_YES;
    if (ok && sr->allow_origin)
        ok = MHD_add_response_header(resp, "Access-Control-Allow-Origin", sr->allow_origin) ==
                 MHD_YES &&
             MHD_add_response_header(resp, "Vary", "Origin") == MHD_YES;
    return ok;
}

static uint64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* Count this request against its client's bucket: 0 when it may proceed, else the seconds
 * for Retry-After. The address lives on the stack for the length of this call only. */
static unsigned rate_check(http_ctx *c, struct MHD_Connection *conn)
{
    if (!c->rl)
        return 0;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct sockaddr_storage client;
    if (!ci || !srv_ratelimit_client(
                   c->rl, ci->client_addr,
                   MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For"), &client))
        return 0;
    return srv_ratelimit_check(c->rl, (const struct sockaddr *)&client, monotonic_ms());
}

/* Raise the soft limit of open files to what `want` connections need; returns how many
 * connections the limit allows (want, or fewer when the hard limit is lower). */
static unsigned fit_open_files(unsigned want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return want;
    rlim_t need = (rlim_t)want + SRV_SPARE_FDS;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        rlim_t old = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            rl.rlim_cur = old;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
        return rl.rlim_cur > 2 * SRV_SPARE_FDS ? (unsigned)(rl.rlim_cur - SRV_SPARE_FDS)
                                               : SRV_SPARE_FDS;
    return want;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    http_ctx *c = cls;
    req_state *r = *con_cls;
    if (!r && !(r = *con_cls = req_new()))
        return MHD_NO; /* out of memory: closes this connection only */
    if (!r->started) {
        r->started = true;
        r->is_post = strcmp(method, "POST") == 0;
        /* static files and /healthz cost no search: not counted, and a 429 page keeps its
         * style sheet */
        bool counted = strncmp(url, "/static/", 8) != 0 && strcmp(url, "/healthz") != 0;
        r->retry_after = counted ? rate_check(c, conn) : 0;
        if (r->is_post && !r->retry_after) {
            r->pp = MHD_create_post_processor(conn, 1024, post_field, r);
            if (!r->pp)
                r->unsupported = true;
        }
        return MHD_YES;
    }
    if (r->is_post && *upload_data_size) {
        r->body_bytes += *upload_data_size;
        if (r->body_bytes > SRV_MAX_POST_BYTES)
            r->too_large = true;
        else if (r->pp && MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES)
            r->unsupported = true; /* no pp when rate limited: the body is read and dropped */
        *upload_data_size = 0;
        return MHD_YES;
    }
    flush_field(r);

    /* the query string first: its first q, mode ... win over the body's */
    srv_params all;
    srv_params_init(&all);
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &all);
    for (size_t i = 0; i < r->params.n; i++)
        srv_params_add(&all, r->params.v[i].key, strlen(r->params.v[i].key), r->params.v[i].value,
                       r->params.v[i].vlen);
    all.overflow = all.overflow || r->params.overflow;
    all.too_long = all.too_long || r->params.too_long;

    srv_request req = {
        .method = method,
        .path = url,
        .host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
        .accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
        .accept_language =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
        .origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"),
        .params = &all,
        .body_too_large = r->too_large,
        .body_unsupported = r->unsupported,
    };
    /* the filters of this request: the snapshot current now, kept until the response is
     * built even if a reload publishes a new one meanwhile */
    srv_server view = *c->srv;
    srv_filters *snap = NULL;
    if (c->cfg->filters) {
        snap = srv_filters_acquire(c->cfg->filters);
        view.policy = srv_filters_policy(snap);
        view.querycheck = srv_filters_querycheck(snap);
    }
    srv_response sr;
    srv_response_init(&sr);
    if (r->retry_after)
        srv_handle_rate_limited(&view, &req, &sr);
    else
        srv_handle(&view, my_searcher(c), &req, &sr);
    srv_params_free(&all);

    size_t len = 0;
    const void *body = srv_response_body(&sr, &len);
    struct MHD_Response *resp =
        sr.static_body ? MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT)
                       : MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO;
    char wait[16];
    snprintf(wait, sizeof wait, "%u", r->retry_after);
    if (resp && add_headers(c, resp, &sr) &&
        (!r->retry_after || MHD_add_response_header(resp, "Retry-After", wait) == MHD_YES))
        ret = MHD_queue_response(conn, sr.status, resp);
    if (resp)
        MHD_destroy_response(resp);
    srv_response_free(&sr);
    srv_filters_release(snap);
    return ret;
}

ch_status srv_http_run(const srv_server *s, const srv_http_config *cfg, const sigset_t *stop,
                       char *err, size_t errlen)
{
    ch_status st = CH_OK;
    struct MHD_Daemon *d = NULL;
    struct sockaddr_storage ss;
    bool v6 = false;
    http_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return CH_ERR_NOMEM;
    c->srv = s;
    c->cfg = cfg;
    if (!(c->csp = srv_csp_value(&s->opt))) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    if (!netaddr_parse_sockaddr(cfg->listen, &ss, &v6)) {
        snprintf(err, errlen, "--listen %s: want ADDR:PORT (e.g. 127.0.0.1:8080)", cfg->listen);
        st = CH_ERR_ARG;
        goto out;
    }
    unsigned threads = cfg->threads;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    if (threads > SRV_MAX_THREADS)
        threads = SRV_MAX_THREADS;
    unsigned timeout = cfg->timeout_s ? cfg->timeout_s : SRV_CONNECTION_TIMEOUT_S;
    unsigned conns = cfg->max_connections ? cfg->max_connections : SRV_CONNECTION_LIMIT;
    unsigned per_ip =
        cfg->max_connections_per_ip ? cfg->max_connections_per_ip : SRV_PER_IP_CONNECTION_LIMIT;
    unsigned fit = fit_open_files(conns);
    if (fit < conns) {
        fprintf(stderr,
                "chouette serve: open files limited by the system: at most %u connections "
                "(max_connections %u; raise LimitNOFILE)\n",
                fit, conns);
        conns = fit;
    }
    if (cfg->ratelimit &&
        (st = srv_ratelimit_new(cfg->ratelimit, monotonic_ms(), &c->rl)) != CH_OK) {
        snprintf(err, errlen, "rate limiter: %s", ch_status_str(st));
        goto out;
    }
    /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: its SO_REUSEPORT let a second server start on a
     * port in use and take half of the first one's connections. MHD's default (SO_REUSEADDR)
     * still allows a restart while old connections linger in TIME_WAIT. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | (v6 ? MHD_USE_IPv6 : 0);
    d = MHD_start_daemon(
        flags, 0, NULL, NULL, answer, c, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
        MHD_OPTION_CONNECTION_LIMIT, conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)SRV_CONNECTION_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, request_line_seen, c,
        MHD_OPTION_NOTIFY_COMPLETED, request_done, c, MHD_OPTION_END);
    if (!d) {
        snprintf(err, errlen, "cannot listen on %s (address in use or not available)", cfg->listen);
        st = CH_ERR_IO;
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char addr[INET6_ADDRSTRLEN] = "?";
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
    fprintf(stderr, "chouette serve: listening on %s%s%s:%u with %u threads\n", v6 ? "[" : "", addr,
            v6 ? "]" : "", info ? (unsigned)info->port : 0u, threads);
    fflush(stderr);

    int sig = 0;
    for (;;) {
        if (sigwait(stop, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        if (!cfg->filters || !cfg->filter_paths)
            continue;
        char rerr[512] = "";
        ch_status rst = srv_filters_reload(cfg->filters, cfg->filter_paths, rerr, sizeof rerr);
        if (rst == CH_OK)
            fprintf(stderr, "chouette serve: SIGHUP: filters reloaded (generation %lu)\n",
                    srv_filters_generation(cfg->filters));
        else
            fprintf(stderr,
                    "chouette serve: SIGHUP: reload failed, keeping the previous filters: %s\n",
                    rerr[0] ? rerr : ch_status_str(rst));
        fflush(stderr);
    }
    fprintf(stderr, "chouette serve: stopping (signal %d)\n", sig);
    MHD_stop_daemon(d);
out:
    for (size_t i = 0; i < sizeof c->slots / sizeof c->slots[0]; i++)
        if (c->slots[i].searcher)
            idx_searcher_close(c->slots[i].searcher);
    srv_ratelimit_free(c->rl);
    free(c->csp);
    free(c);
    return st;
}
