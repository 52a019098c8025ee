/* Fetching: many HTTP(S) transfers at once with libcurl's multi interface.
 *
 * What every transfer gets:
 *  - the net guard (crawler/netguard.h) on the address each socket is about to connect to,
 *    through CURLOPT_OPENSOCKETFUNCTION: after DNS, on every attempt, so a public name that
 *    resolves to 10.x or 127.x (DNS rebinding included) is refused; proxies are disabled so
 *    the check is on the real peer;
 *  - http and https only (also for redirects); TLS peer and host verified; HTTP/2 over TLS
 *    when the server offers it, HTTP/1.1 otherwise;
 *  - Accept-Encoding for every encoding libcurl decodes (CURLOPT_ACCEPT_ENCODING ""), and a cap
 *    on the DECODED body: past fetch_request.body_max the body is cut, the transfer stopped and
 *    the result marked truncated "length" (a gzip bomb stops there);
 *  - connect, total and low-speed timeouts; a response header block capped at
 *    FETCH_MAX_HEADER_BYTES;
 *  - redirects are not followed unless the request asks (robots.txt): the crawler follows
 *    them itself, checking each hop.
 * The raw request header block (as sent) and the final response header block are kept for the
 * WARC request and response records.
 *
 * A fetch_t belongs to one thread (fetch_wakeup excepted). No global state besides
 * curl_global_init, which the caller (main) does once. */
#ifndef CHOUETTE_FETCH_H
#define CHOUETTE_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"
#include "crawler/netguard.h"

#define FETCH_MAX_HEADER_BYTES (64u * 1024u) /* response (and request) header block */

typedef struct {
    const char *user_agent;
    long connect_timeout_s;
    long timeout_s;
    long low_speed_bytes; /* 0 disables the low-speed check */
    long low_speed_time_s;
    long max_host_connections; /* libcurl connection cap per host */
    const netguard_t *guard;   /* required; borrowed, must outlive the fetch_t */
} fetch_options;

typedef struct {
    const char *url;
    size_t body_max;               /* decoded body cap */
    bool follow_redirects;         /* let libcurl follow (robots.txt only) ... */
    long max_redirects;            /* ... this many hops */
    bool html_only;                /* stop after the headers when the type is not (X)HTML */
    const char *if_none_match;     /* conditional GET, may be NULL */
    const char *if_modified_since; /* may be NULL */
    void *user;                    /* handed back in the result */
} fetch_request;

/* The outcome of one transfer. Everything is owned by the result (fetch_result_free). */
typedef struct {
    void *user;
    char *url;           /* as requested */
    char *effective_url; /* after libcurl's redirects (follow_redirects), else url */
    int http_status;     /* 0 when no response arrived */
    int curl_code;       /* CURLcode; 0 on success (also when cut at body_max) */
    char error[256];     /* libcurl's message when curl_code != 0 */
    bool refused;        /* the net guard refused the address */
    char refused_class[24];
    bool skipped_type;     /* html_only and the type was not HTML: no body read */
    const char *truncated; /* NULL, "length", "time" or "disconnect" (static strings) */
    buf_t request;         /* request header block as sent, CRLF-terminated */
    buf_t headers;         /* final response header block: status line .. empty line */
    buf_t body;            /* decoded body */
    char *content_type;    /* NULL when absent */
    char *location;        /* Location header, NULL when absent */
    char *etag;
    char *last_modified;
    char *x_robots_tag; /* all X-Robots-Tag values joined with ", "; NULL when none */
    long retry_after_s; /* -1 when absent */
    char ip[64];        /* peer address, "" when unknown */
    int64_t elapsed_ms;
} fetch_result;

typedef struct fetch fetch_t;

/* A new fetcher. Copies what it needs from o (the guard is borrowed). *out for fetch_free;
 * NULL on failure (CH_ERR_NOMEM, CH_ERR_INTERNAL from libcurl, CH_ERR_ARG without a guard). */
ch_status fetch_new(const fetch_options *o, fetch_t **out);

/* Abort every transfer and free. NULL allowed. */
void fetch_free(fetch_t *f);

/* Start a transfer. CH_ERR_NOMEM, CH_ERR_INTERNAL (libcurl refused the options), CH_ERR_ARG. */
ch_status fetch_start(fetch_t *f, const fetch_request *req);

/* Call fn(user, ctx) with the user pointer of every transfer started and not yet returned by
 * fetch_wait, e.g. to free what they point to before fetch_free on an early exit. */
void fetch_each_user(const fetch_t *f, void (*fn)(void *user, void *ctx), void *ctx);

/* Transfers started and not yet returned by fetch_wait. */
int fetch_active(const fetch_t *f);

/* Drive the transfers for up to timeout_ms and hand back one finished transfer in *out (for
 * fetch_result_free). CH_ERR_NOTFOUND (and *out NULL) when none finished in that time
 * or fetch_wakeup was called;
 * CH_ERR_INTERNAL when libcurl's multi interface fails. */
ch_status fetch_wait(fetch_t *f, int timeout_ms, fetch_result **out);

/* Make a fetch_wait in progress (or the next one) return CH_ERR_NOTFOUND at once. The one
 * function that may be called from another thread, e.g. by a worker with a finished task. */
void fetch_wakeup(fetch_t *f);

void fetch_result_free(fetch_result *r);

/* True when a Content-Type value names HTML or XHTML (or is NULL: unknown, worth a look). */
bool fetch_type_is_html(const char *content_type);

#endif
