/* The HTTP front end, independent of libmicrohttpd: a request (method, path, a few headers and
 * its decoded parameters) goes in, a response (status, type, body, headers) comes out. http.c
 * feeds it from libmicrohttpd; unit tests feed it directly, with a fake search backend.
 *
 * Nothing here logs, writes a file, or keeps anything about a request once answered, except
 * the aggregate counters of stats.h. */
#ifndef CHOUETTE_SERVER_SERVER_H
#define CHOUETTE_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/config.h"
#include "common/status.h"
#include "filters/policy.h"
#include "filters/querycheck.h"
#include "indexer/search.h"
#include "server/i18n.h"
#include "server/stats.h"
#include "server/static_files.h"

/* Named limits (docs/API.md lists them). */
#define SRV_MAX_QUERY_BYTES IDX_MAX_QUERY_BYTES /* q longer than this: 414 */
#define SRV_MAX_PARAMS 64                       /* more parameters: 400 */
#define SRV_MAX_PARAM_BYTES (16u * 1024u)       /* all parameter names and values together */
#define SRV_MAX_POST_BYTES (8u * 1024u)         /* POST body: 413 past this */
#define SRV_MAX_PAGE_BYTES (512u * 1024u)       /* a generated page or JSON document */
#define SRV_RESULTS_PER_PAGE 10u
#define SRV_MAX_SUGGESTIONS 8u
#define SRV_MAX_HOSTNAME 253u

/* The category term of the local allow-list (filters/classify.h): with junior_allowlist_only a
 * junior search keeps only the pages carrying it (idx_search_params.required_category). */
#define SRV_ALLOWLIST_TERM "allowlist"

/* ---- decoded request parameters (query string or form body) ------------------------------ */
typedef struct {
    char *key;
    char *value; /* NUL-terminated copy; may also hold NUL bytes (vlen counts them) */
    size_t vlen;
} srv_param;

typedef struct {
    srv_param v[SRV_MAX_PARAMS];
    size_t n;
    size_t bytes;
    bool overflow; /* a limit was hit: the request is answered 400/413/414 */
    bool too_long; /* the q value alone passed SRV_MAX_QUERY_BYTES */
} srv_params;

void srv_params_init(srv_params *p);

/* Copy one parameter in. Past SRV_MAX_PARAMS or SRV_MAX_PARAM_BYTES: CH_ERR_LIMIT and
 * p->overflow is set (the pair is not kept). CH_ERR_NOMEM on allocation failure. */
ch_status srv_params_add(srv_params *p, const char *key, size_t klen, const char *value,
                         size_t vlen);

/* The FIRST value given for key (exact, case-sensitive name), or NULL; *len gets its length. */
const char *srv_params_get(const srv_params *p, const char *key, size_t *len);

void srv_params_free(srv_params *p);

/* ---- deployment options ------------------------------------------------------------------- */
typedef struct {
    char *host; /* lowercase, no port */
    int mode;   /* flt_mode */
} srv_host_mode;

typedef struct {
    char *host; /* lowercase, no port */
    char *site; /* default site: scope for searches arriving with this Host */
} srv_host_site;

typedef struct {
    int lock_mode; /* flt_mode for the whole listener, or -1 */
    srv_host_mode *host_modes;
    size_t n_host_modes;
    srv_host_site *host_sites;
    size_t n_host_sites;
    char **cors_origins; /* exact Origin values allowed to read /api/search */
    size_t n_cors_origins;
    char *frame_ancestors; /* CSP frame-ancestors source list; "'none'" by default */
    char *public_url;      /* "https://search.example.fr" for opensearch.xml; NULL: from Host */
} srv_options;

/* Read the [serve] section of c (NULL: defaults) into o: host_modes, host_sites,
 * cors_origins, frame_ancestors, public_url, lock_mode. lock_mode_arg (NULL for none) is the
 * --lock-mode value and wins over the file. On failure err names the key; o is left freed.
 * CH_ERR_PARSE (bad value), CH_ERR_NOMEM. */
ch_status srv_options_from_config(srv_options *o, const cfg_t *c, const char *lock_mode_arg,
                                  char *err, size_t errlen);
void srv_options_free(srv_options *o);

/* Copy a Host header value into out, lowercased, without port or trailing dot. False when it
 * does not fit or holds a byte a host name cannot hold. */
bool srv_host_normalize(const char *in, char *out, size_t outcap);

/* True when s may be used as a site: scope (letters, digits, '.', '-', '_'; 1..253 bytes). */
bool srv_site_valid(const char *s);

/* ---- the search backend (indexer/search.h in production, a fake in unit tests) ----------- */
typedef struct {
    ch_status (*search)(void *h, const idx_search_params *p, idx_results *out);
    ch_status (*suggest)(void *h, const char *prefix, const char *const *hidden, size_t n_hidden,
                         size_t max, char ***out, size_t *n);
    ch_status (*info)(void *h, unsigned long *doc_count, char **index_date);
    /* idx_results_json's contract. */
    char *(*results_json)(const char *query, const char *mode, unsigned page, bool blocked,
                          const char *message, const idx_results *r);
} srv_backend;

/* ---- the server ------------------------------------------------------------------------- */
typedef struct {
    srv_options opt;
    const flt_policy *policy;
    const flt_querycheck *querycheck; /* NULL: every query allowed (routing tests) */
    srv_i18n *i18n[SRV_LANG_COUNT];
    srv_static_files *files;
    srv_stats *stats;
    const srv_backend *backend;
} srv_server;

/* A search request once its parameters are checked: what the pages and the backend see. */
typedef struct {
    int mode;           /* flt_mode actually applied */
    bool locked;        /* the mode comes from --lock-mode or the Host: the page hides the choice */
    bool safe_off;      /* web mode, unlocked, safe=off asked and allowed by the policy */
    unsigned page;      /* 1-based */
    size_t lang;        /* index into srv_langs */
    bool lang_explicit; /* hl= was given: links carry it on */
    char *q;            /* well-formed UTF-8 (invalid bytes repaired as U+FFFD), "" when absent */
    bool has_q;         /* a non-blank q was given */
    char site[SRV_MAX_HOSTNAME + 1];      /* site: scope applied, "" for none */
    char host_site[SRV_MAX_HOSTNAME + 1]; /* the Host's default scope, "" for none */
} srv_query;

/* Why a request was refused: an HTTP status and the i18n key of the message. */
typedef struct {
    unsigned status;
    const char *key;
    char arg[32]; /* {1} of the message, "" for none */
} srv_refusal;

typedef struct {
    const char *method; /* "GET", "HEAD", "POST", ... */
    const char *path;   /* decoded path without the query string */
    const char *host;   /* Host header or NULL */
    const char *accept; /* Accept header or NULL */
    const char *accept_language;
    const char *origin;
    const srv_params *params; /* query string, then form body for POST */
    bool body_too_large;      /* the POST body passed SRV_MAX_POST_BYTES */
    bool body_unsupported;    /* a POST body that is not a form */
} srv_request;

typedef struct {
    unsigned status;
    const char *content_type;
    buf_t body;              /* generated bodies */
    const void *static_body; /* or a static file held by the server (not freed) */
    size_t static_len;
    bool cacheable;           /* static files: cached a day; everything else: no-store */
    const char *allow_origin; /* CORS: the request's Origin when allowed, else NULL */
    const char *allow;        /* the Allow header for 405 */
} srv_response;

/* Check the parameters of req against s's options and policy and fill q (free its q with
 * srv_query_free). Returns true when the request may proceed; false with *why filled (and q
 * usable for the language of the error page) otherwise. Locks win over every parameter: when
 * locked, mode= and safe= are not even read. */
bool srv_resolve_query(const srv_server *s, const srv_request *req, srv_query *q, srv_refusal *why);
void srv_query_free(srv_query *q);

void srv_response_init(srv_response *r);
void srv_response_free(srv_response *r);

/* The body of r: static or generated. */
const void *srv_response_body(const srv_response *r, size_t *len);

/* Answer one request. h is the calling thread's search handle (NULL when the index could
 * not be opened: search routes answer 503). Never fails: errors become 4xx/5xx responses;
 * when even the error page cannot be built, the body is empty and the status 500. */
void srv_handle(const srv_server *s, void *h, const srv_request *req, srv_response *resp);

/* Answer a request the rate limiter refused (server/ratelimit.h): 429, a JSON error under
 * /api/, else the error page in the request's language and mode. The caller adds
 * Retry-After. */
void srv_handle_rate_limited(const srv_server *s, const srv_request *req, srv_response *resp);

/* The security headers sent with every response, as name/value pairs terminated by NULLs;
 * csp is the Content-Security-Policy value built for options o (a malloc'd string the caller
 * frees). NULL on allocation failure. */
char *srv_csp_value(const srv_options *o);
extern const char *const srv_security_headers[];

#endif
