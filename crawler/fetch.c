/* libcurl multi fetching with the net guard and body caps; see fetch.h. */
#include "crawler/fetch.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

struct fetch {
    CURLM *multi;
    struct transfer *head; /* transfers in flight, for fetch_free */
    char *user_agent;
    fetch_options opt;
    int active;
    atomic_bool woken; /* fetch_wakeup was called: fetch_wait returns */
};

/* One transfer in flight: the easy handle's private data. */
typedef struct transfer {
    struct transfer *prev, *next;
    CURL *easy;
    fetch_t *owner;
    fetch_result *res;
    struct curl_slist *hdrs;
    size_t body_max;
    bool html_only;
    bool type_checked;
    bool header_overflow;
    int64_t start_ms;
} transfer;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

bool fetch_type_is_html(const char *ct)
{
    if (!ct)
        return true;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return strncasecmp(ct, "text/html", 9) == 0 ||
           strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    transfer *t = clientp;
    if (purpose != CURLSOCKTYPE_IPCXN)
        return CURL_SOCKET_BAD;
    netguard_class why = NETGUARD_INVALID;
    if (!netguard_allowed(t->owner->opt.guard, &addr->addr, &why)) {
        t->res->refused = true;
        snprintf(t->res->refused_class, sizeof t->res->refused_class, "%s",
                 netguard_class_name(why));
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
    transfer *t = userp;
    size_t len = size * n;
    /* a new status line starts a new header block (1xx, or a hop libcurl followed) */
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0)
        buf_reset(&t->res->headers);
    if (buf_append(&t->res->headers, data, len) != CH_OK) {
        t->header_overflow = true;
        return 0;
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
    transfer *t = userp;
    fetch_result *r = t->res;
    size_t len = size * n;
    if (!t->type_checked) {
        t->type_checked = true;
        long code = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
        char *ct = NULL;
        curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
        if (t->html_only && code >= 200 && code < 300 && !fetch_type_is_html(ct)) {
            r->skipped_type = true;
            return 0;
        }
    }
    size_t room = t->body_max - r->body.len;
    if (len > room) {
        if (room)
            buf_append(&r->body, data, room);
        r->truncated = "length";
        return 0;
    }
    if (buf_append(&r->body, data, len) != CH_OK) {
        r->truncated = "length";
        return 0;
    }
    return len;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
    (void)h;
    transfer *t = userp;
    if (type == CURLINFO_HEADER_OUT) {
        buf_reset(&t->res->request);
        buf_append(&t->res->request, data, size); /* over the cap: left empty */
    }
    return 0;
}

void fetch_result_free(fetch_result *r)
{
    if (!r)
        return;
    free(r->url);
    free(r->effective_url);
    buf_free(&r->request);
    buf_free(&r->headers);
    buf_free(&r->body);
    free(r->content_type);
    free(r->location);
    free(r->etag);
    free(r->last_modified);
    free(r->x_robots_tag);
    free(r);
}

static void transfer_free(transfer *t)
{
    if (!t)
        return;
    if (t->easy) {
        if (t->owner)
            curl_multi_remove_handle(t->owner->multi, t->easy);
        curl_easy_cleanup(t->easy);
    }
    if (t->owner && (t->prev || t->owner->head == t)) {
        if (t->prev)
            t->prev->next = t->next;
        else
            t->owner->head = t->next;
        if (t->next)
            t->next->prev = t->prev;
    }
    curl_slist_free_all(t->hdrs);
    fetch_result_free(t->res);
    free(t);
}

ch_status fetch_new(const fetch_options *o, fetch_t **out)
{
    *out = NULL;
    if (!o || !o->guard || !o->user_agent)
        return CH_ERR_ARG;
    fetch_t *f = calloc(1, sizeof *f);
    if (!f)
        return CH_ERR_NOMEM;
    f->opt = *o;
    f->user_agent = dup_str(o->user_agent);
    f->multi = curl_multi_init();
    if (!f->user_agent || !f->multi) {
        ch_status st = f->multi ? CH_ERR_NOMEM : CH_ERR_INTERNAL;
        fetch_free(f);
        return st;
    }
    f->opt.user_agent = f->user_agent;
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      o->max_host_connections > 0 ? o->max_host_connections : 1L);
    curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    *out = f;
    return CH_OK;
}

void fetch_free(fetch_t *f)
{
    if (!f)
        return;
    if (f->multi) {
        /* abort what is still running */
        while (f->head)
            transfer_free(f->head);
        curl_multi_cleanup(f->multi);
    }
    free(f->user_agent);
    free(f);
}

void fetch_each_user(const fetch_t *f, void (*fn)(void *user, void *ctx), void *ctx)
{
    for (const transfer *t = f ? f->head : NULL; t; t = t->next)
        if (t->res)
            fn(t->res->user, ctx);
}

int fetch_active(const fetch_t *f)
{
    return f->active;
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(t->easy, opt, val) != CURLE_OK)                                       \
            goto out;                                                                              \
    } while (0)

ch_status fetch_start(fetch_t *f, const fetch_request *req)
{
    ch_status st = CH_ERR_NOMEM;
    if (!f || !req || !req->url || req->body_max == 0)
        return CH_ERR_ARG;
    transfer *t = calloc(1, sizeof *t);
    if (!t)
        return CH_ERR_NOMEM;
    t->owner = f;
    t->body_max = req->body_max;
    t->html_only = req->html_only;
    t->res = calloc(1, sizeof *t->res);
    if (!t->res)
        goto out;
    fetch_result *r = t->res;
    r->user = req->user;
    r->retry_after_s = -1;
    buf_init(&r->request, FETCH_MAX_HEADER_BYTES);
    buf_init(&r->headers, FETCH_MAX_HEADER_BYTES);
    buf_init(&r->body, req->body_max);
    r->url = dup_str(req->url);
    if (!r->url)
        goto out;
    if (req->if_none_match || req->if_modified_since) {
        char line[1024];
        if (req->if_none_match) {
            snprintf(line, sizeof line, "If-None-Match: %s", req->if_none_match);
            struct curl_slist *l = curl_slist_append(t->hdrs, line);
            if (!l)
                goto out;
            t->hdrs = l;
        }
        if (req->if_modified_since) {
            snprintf(line, sizeof line, "If-Modified-Since: %s", req->if_modified_since);
            struct curl_slist *l = curl_slist_append(t->hdrs, line);
            if (!l)
                goto out;
            t->hdrs = l;
        }
    }
    t->easy = curl_easy_init();
    if (!t->easy)
        goto out;
    st = CH_ERR_INTERNAL;
    SETOPT(CURLOPT_URL, req->url);
    SETOPT(CURLOPT_PRIVATE, t);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_PROXY, "");
    SETOPT(CURLOPT_NOPROXY, "*");
    SETOPT(CURLOPT_OPENSOCKETFUNCTION, open_socket);
    SETOPT(CURLOPT_OPENSOCKETDATA, t);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, t);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, t);
    SETOPT(CURLOPT_DEBUGFUNCTION, on_debug);
    SETOPT(CURLOPT_DEBUGDATA, t);
    SETOPT(CURLOPT_VERBOSE, 1L);
    SETOPT(CURLOPT_ERRORBUFFER, r->error);
    SETOPT(CURLOPT_USERAGENT, f->user_agent);
    SETOPT(CURLOPT_ACCEPT_ENCODING, "");
    SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_CONNECTTIMEOUT, f->opt.connect_timeout_s);
    SETOPT(CURLOPT_TIMEOUT, f->opt.timeout_s);
    if (f->opt.low_speed_bytes > 0) {
        SETOPT(CURLOPT_LOW_SPEED_LIMIT, f->opt.low_speed_bytes);
        SETOPT(CURLOPT_LOW_SPEED_TIME, f->opt.low_speed_time_s);
    }
    SETOPT(CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
    SETOPT(CURLOPT_MAXREDIRS, req->max_redirects);
    if (t->hdrs)
        SETOPT(CURLOPT_HTTPHEADER, t->hdrs);
    if (curl_multi_add_handle(f->multi, t->easy) != CURLM_OK)
        goto out;
    t->start_ms = now_ms();
    t->next = f->head;
    if (f->head)
        f->head->prev = t;
    f->head = t;
    f->active++;
    return CH_OK;
out:
    transfer_free(t);
    return st;
}

/* The value of a response header, or NULL. */
static const char *header_value(CURL *e, const char *name, size_t idx)
{
    struct curl_header *h = NULL;
    if (curl_easy_header(e, name, idx, CURLH_HEADER, -1, &h) != CURLHE_OK)
        return NULL;
    return h->value;
}

static void collect(transfer *t, CURLcode code)
{
    fetch_result *r = t->res;
    CURL *e = t->easy;
    r->curl_code = (int)code;
    r->elapsed_ms = now_ms() - t->start_ms;
    long http = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http);
    r->http_status = (int)http;
    char *s = NULL;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
        r->effective_url = dup_str(s);
    s = NULL;
    if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &s) == CURLE_OK && s)
        snprintf(r->ip, sizeof r->ip, "%s", s);
    s = NULL;
    if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
        r->content_type = dup_str(s);
    curl_off_t ra = -1;
    if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        r->retry_after_s = (long)ra;
    if (http > 0) {
        r->location = dup_str(header_value(e, "Location", 0));
        r->etag = dup_str(header_value(e, "ETag", 0));
        r->last_modified = dup_str(header_value(e, "Last-Modified", 0));
        struct curl_header *h = NULL;
        if (curl_easy_header(e, "X-Robots-Tag", 0, CURLH_HEADER, -1, &h) == CURLHE_OK) {
            buf_t xr;
            buf_init(&xr, 4096);
            size_t amount = h->amount;
            for (size_t i = 0; i < amount; i++) {
                const char *v = header_value(e, "X-Robots-Tag", i);
                if (v && (i == 0 || buf_append_str(&xr, ", ") == CH_OK))
                    buf_append_str(&xr, v);
            }
            r->x_robots_tag = buf_steal(&xr, NULL);
            buf_free(&xr);
        }
    }
    /* What a stopped transfer means */
    if (code == CURLE_WRITE_ERROR && (r->truncated || r->skipped_type)) {
        r->curl_code = 0; /* stopped on purpose */
    } else if (code == CURLE_OPERATION_TIMEDOUT && http > 0 && r->body.len > 0) {
        r->truncated = "time";
    } else if ((code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR ||
                code == CURLE_HTTP2_STREAM || code == CURLE_HTTP2) &&
               http > 0) {
        r->truncated = "disconnect";
    }
    if (t->header_overflow && !r->error[0])
        snprintf(r->error, sizeof r->error, "response headers over %u bytes",
                 FETCH_MAX_HEADER_BYTES);
    if (r->refused)
        snprintf(r->error, sizeof r->error, "address refused by the net guard (%s)",
                 r->refused_class);
    else if (code != CURLE_OK && !r->error[0])
        snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(code));
}

ch_status fetch_wait(fetch_t *f, int timeout_ms, fetch_result **out)
{
    *out = NULL;
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int running = 0;
        if (curl_multi_perform(f->multi, &running) != CURLM_OK)
            return CH_ERR_INTERNAL;
        int left = 0;
        CURLMsg *m;
        while ((m = curl_multi_info_read(f->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            transfer *t = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            CURLcode code = m->data.result;
            collect(t, code);
            *out = t->res;
            t->res = NULL;
            transfer_free(t);
            f->active--;
            return CH_OK;
        }
        int64_t remain = deadline - now_ms();
        if (remain <= 0 || atomic_exchange(&f->woken, false))
            return CH_ERR_NOTFOUND;
        if (curl_multi_poll(f->multi, NULL, 0, (int)remain, NULL) != CURLM_OK)
            return CH_ERR_INTERNAL;
    }
}

void fetch_wakeup(fetch_t *f)
{
    atomic_store(&f->woken, true);
    curl_multi_wakeup(f->multi);
}
