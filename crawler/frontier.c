/* The crawl frontier in SQLite; see frontier.h for the contract. */
#include "crawler/frontier.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    S_HOST_INSERT,
    S_HOST_ID,
    S_URL_INSERT,
    S_HOST_QUEUED_INC,
    S_URL_CONTAINS,
    S_NEXT_HOST,
    S_WAKE,
    S_HOST_BY_ID,
    S_HOST_BY_NAME,
    S_TAKE_SELECT,
    S_TAKE_MARK,
    S_HOST_TAKE,
    S_FINISH,
    S_HOST_FINISH,
    S_REQUEUE,
    S_HOST_REQUEUE,
    S_SKIP_HOST_URLS,
    S_SKIP_HOST,
    S_CLOCK,
    S_ROBOTS,
    S_META_GET,
    S_META_SET,
    S_COUNT,
    S_COUNT_ALL,
    S_PAGES,
    S_EACH_DONE,
    S_COUNT_STATEMENTS
};

static const char *const sql_text[S_COUNT_STATEMENTS] = {
    [S_HOST_INSERT] = "INSERT OR IGNORE INTO hosts(host) VALUES(?1)",
    [S_HOST_ID] = "SELECT id FROM hosts WHERE host = ?1",
    [S_URL_INSERT] = "INSERT OR IGNORE INTO urls(url, host_id, depth, kind, redirects, "
                     "discovered_at) VALUES(?1, ?2, ?3, ?4, ?5, strftime('%s','now'))",
    [S_HOST_QUEUED_INC] = "UPDATE hosts SET queued = queued + 1 WHERE id = ?1",
    [S_URL_CONTAINS] = "SELECT 1 FROM urls WHERE url = ?1",
    [S_NEXT_HOST] = "SELECT id FROM hosts WHERE queued > 0 AND next_allowed_ms <= ?1 AND "
                    "inflight < ?2 AND (?3 <= 0 OR pages_fetched < ?3) "
                    "ORDER BY next_allowed_ms LIMIT 1",
    [S_WAKE] = "SELECT min(next_allowed_ms) FROM hosts WHERE queued > 0 AND inflight < ?1 AND "
               "(?2 <= 0 OR pages_fetched < ?2)",
    [S_HOST_BY_ID] = "SELECT id, host, next_allowed_ms, crawl_delay_ms, backoff_ms, "
                     "robots_status, robots_body, robots_fetched_at, robots_failures, "
                     "pages_fetched, queued, inflight FROM hosts WHERE id = ?1",
    [S_HOST_BY_NAME] = "SELECT id, host, next_allowed_ms, crawl_delay_ms, backoff_ms, "
                       "robots_status, robots_body, robots_fetched_at, robots_failures, "
                       "pages_fetched, queued, inflight FROM hosts WHERE host = ?1",
    [S_TAKE_SELECT] = "SELECT id, url, depth, kind, redirects, attempts, etag, last_modified, "
                      "warc_id, payload_digest, fetched_at FROM urls "
                      "WHERE host_id = ?1 AND status = 0 ORDER BY depth, id LIMIT 1",
    [S_TAKE_MARK] = "UPDATE urls SET status = 1 WHERE id = ?1",
    [S_HOST_TAKE] = "UPDATE hosts SET queued = queued - 1, inflight = inflight + 1 WHERE id = ?1",
    [S_FINISH] = "UPDATE urls SET status = ?2, http_status = ?3, "
                 "etag = coalesce(?4, etag), last_modified = coalesce(?5, last_modified), "
                 "warc_id = coalesce(?6, warc_id), payload_digest = coalesce(?7, payload_digest), "
                 "fetched_at = strftime('%s','now'), attempts = attempts + ?8 WHERE id = ?1",
    [S_HOST_FINISH] = "UPDATE hosts SET inflight = max(inflight - 1, 0), "
                      "pages_fetched = pages_fetched + ?2 WHERE id = ?1",
    [S_REQUEUE] = "UPDATE urls SET status = 0, attempts = attempts + 1 WHERE id = ?1",
    [S_HOST_REQUEUE] = "UPDATE hosts SET queued = queued + 1, inflight = max(inflight - 1, 0) "
                       "WHERE id = ?1",
    [S_SKIP_HOST_URLS] = "UPDATE urls SET status = 4 WHERE host_id = ?1 AND status = 0",
    [S_SKIP_HOST] = "UPDATE hosts SET queued = 0 WHERE id = ?1",
    [S_CLOCK] = "UPDATE hosts SET next_allowed_ms = ?2, backoff_ms = ?3 WHERE id = ?1",
    [S_ROBOTS] = "UPDATE hosts SET robots_status = ?2, robots_body = ?3, robots_fetched_at = ?4, "
                 "crawl_delay_ms = ?5, robots_failures = ?6 WHERE id = ?1",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [S_COUNT] = "SELECT count(*) FROM urls WHERE status = ?1",
    [S_COUNT_ALL] = "SELECT count(*) FROM urls",
    [S_PAGES] = "SELECT coalesce(sum(pages_fetched), 0), "
                "coalesce(sum(pages_fetched > 0), 0) FROM hosts",
    [S_EACH_DONE] = "SELECT url, coalesce(http_status, 0) FROM urls WHERE status = 2 ORDER BY id",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS hosts("
    " id INTEGER PRIMARY KEY, host TEXT NOT NULL UNIQUE,"
    " next_allowed_ms INTEGER NOT NULL DEFAULT 0, crawl_delay_ms INTEGER NOT NULL DEFAULT -1,"
    " backoff_ms INTEGER NOT NULL DEFAULT 0, robots_status INTEGER NOT NULL DEFAULT -1,"
    " robots_body BLOB, robots_fetched_at INTEGER NOT NULL DEFAULT 0,"
    " robots_failures INTEGER NOT NULL DEFAULT 0, pages_fetched INTEGER NOT NULL DEFAULT 0,"
    " queued INTEGER NOT NULL DEFAULT 0, inflight INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS hosts_ready ON hosts(next_allowed_ms) WHERE queued > 0;"
    "CREATE TABLE IF NOT EXISTS urls("
    " id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, host_id INTEGER NOT NULL,"
    " depth INTEGER NOT NULL, kind INTEGER NOT NULL DEFAULT 0,"
    " redirects INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0, discovered_at INTEGER, fetched_at INTEGER,"
    " http_status INTEGER, etag TEXT, last_modified TEXT, warc_id TEXT, payload_digest TEXT);"
    "CREATE INDEX IF NOT EXISTS urls_queue ON urls(host_id, status, depth, id);"
    "CREATE INDEX IF NOT EXISTS urls_status ON urls(status);";

struct frontier {
    sqlite3 *db;
    sqlite3_stmt *st[S_COUNT_STATEMENTS];
    bool in_tx;
    /* the last host looked up by frontier_add: outlinks mostly stay on one host */
    char *last_host;
    int64_t last_host_id;
};

static char *dup_col(sqlite3_stmt *s, int col, size_t *len)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL) {
        if (len)
            *len = 0;
        return NULL;
    }
    const void *p = sqlite3_column_blob(s, col);
    size_t n = (size_t)sqlite3_column_bytes(s, col);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    if (n)
        memcpy(out, p, n);
    out[n] = '\0';
    if (len)
        *len = n;
    return out;
}

static sqlite3_stmt *stmt(frontier_t *f, int which)
{
    sqlite3_stmt *s = f->st[which];
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

/* Run a statement that returns no row. */
static ch_status step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? CH_OK : CH_ERR_IO;
}

/* Step to a statement's first row: CH_OK with the row ready to read (the caller resets s), or
 * CH_ERR_NOTFOUND (no row) / CH_ERR_IO with s already reset. */
static ch_status step_row(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return CH_OK;
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? CH_ERR_NOTFOUND : CH_ERR_IO;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

ch_status frontier_open(const char *path, frontier_t **out, char *err, size_t errlen)
{
    ch_status st = CH_ERR_IO;
    *out = NULL;
    frontier_t *f = calloc(1, sizeof *f);
    if (!f)
        return CH_ERR_NOMEM;
    int rc = sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        goto out;
    sqlite3_busy_timeout(f->db, 5000);
    rc = sqlite3_exec(f->db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                      "PRAGMA cache_size=-8192; PRAGMA temp_store=FILE; PRAGMA mmap_size=0;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        goto out;
    rc = sqlite3_exec(f->db, schema, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        goto out;
    for (int i = 0; i < S_COUNT_STATEMENTS; i++) {
        rc = sqlite3_prepare_v3(f->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &f->st[i], NULL);
        if (rc != SQLITE_OK)
            goto out;
    }
    /* A previous run may have died with URLs in flight: they go back to the queue, and the
     * per-host counters are rebuilt from the URLs themselves. */
    rc = sqlite3_exec(f->db,
                      "BEGIN;"
                      "UPDATE urls SET status = 0 WHERE status = 1;"
                      "UPDATE hosts SET inflight = 0, queued = (SELECT count(*) FROM urls "
                      " WHERE urls.host_id = hosts.id AND urls.status = 0);"
                      "COMMIT;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        goto out;
    st = CH_OK;
out:
    if (st) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path,
                     f->db ? sqlite3_errmsg(f->db) : "cannot open database");
        frontier_close(f);
        return st;
    }
    *out = f;
    return CH_OK;
}

void frontier_close(frontier_t *f)
{
    if (!f)
        return;
    if (f->in_tx)
        sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < S_COUNT_STATEMENTS; i++)
        sqlite3_finalize(f->st[i]);
    sqlite3_close(f->db);
    free(f->last_host);
    free(f);
}

const char *frontier_last_error(const frontier_t *f)
{
    return f && f->db ? sqlite3_errmsg(f->db) : "no database";
}

ch_status frontier_begin(frontier_t *f)
{
    if (f->in_tx)
        return CH_ERR_ARG;
    if (sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return CH_ERR_IO;
    f->in_tx = true;
    return CH_OK;
}

ch_status frontier_commit(frontier_t *f)
{
    if (!f->in_tx)
        return CH_ERR_ARG;
    if (sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return CH_ERR_IO;
    f->in_tx = false;
    return CH_OK;
}

ch_status frontier_rollback(frontier_t *f)
{
    if (!f->in_tx)
        return CH_ERR_ARG;
    f->in_tx = false;
    free(f->last_host); /* the cached host id may have been rolled back */
    f->last_host = NULL;
    return sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK ? CH_OK : CH_ERR_IO;
}

bool frontier_in_transaction(const frontier_t *f)
{
    return f->in_tx;
}

static ch_status host_id_for(frontier_t *f, const char *host, int64_t *id)
{
    if (f->last_host && strcmp(f->last_host, host) == 0) {
        *id = f->last_host_id;
        return CH_OK;
    }
    sqlite3_stmt *s = stmt(f, S_HOST_INSERT);
    sqlite3_bind_text(s, 1, host, -1, SQLITE_STATIC);
    if (step_done(s))
        return CH_ERR_IO;
    s = stmt(f, S_HOST_ID);
    sqlite3_bind_text(s, 1, host, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return CH_ERR_IO;
    }
    *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    size_t n = strlen(host) + 1;
    char *copy = malloc(n);
    if (copy) {
        memcpy(copy, host, n);
        free(f->last_host);
        f->last_host = copy;
        f->last_host_id = *id;
    }
    return CH_OK;
}

ch_status frontier_add(frontier_t *f, const char *url, const char *host, int depth, int kind,
                       int redirects, bool *added)
{
    if (added)
        *added = false;
    if (!url || !host)
        return CH_ERR_ARG;
    int64_t hid = 0;
    ch_status st = host_id_for(f, host, &hid);
    if (st)
        return st;
    sqlite3_stmt *s = stmt(f, S_URL_INSERT);
    sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, hid);
    sqlite3_bind_int(s, 3, depth);
    sqlite3_bind_int(s, 4, kind);
    sqlite3_bind_int(s, 5, redirects);
    if (step_done(s))
        return CH_ERR_IO;
    if (sqlite3_changes(f->db) == 0)
        return CH_OK;
    s = stmt(f, S_HOST_QUEUED_INC);
    sqlite3_bind_int64(s, 1, hid);
    if (step_done(s))
        return CH_ERR_IO;
    if (added)
        *added = true;
    return CH_OK;
}

ch_status frontier_contains(frontier_t *f, const char *url, bool *found)
{
    sqlite3_stmt *s = stmt(f, S_URL_CONTAINS);
    sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return CH_ERR_IO;
    *found = rc == SQLITE_ROW;
    return CH_OK;
}

static ch_status read_host(sqlite3_stmt *s, frontier_host **out)
{
    ch_status st = step_row(s);
    if (st)
        return st;
    frontier_host *h = calloc(1, sizeof *h);
    if (!h) {
        sqlite3_reset(s);
        return CH_ERR_NOMEM;
    }
    h->id = sqlite3_column_int64(s, 0);
    h->host = dup_col(s, 1, NULL);
    h->next_allowed_ms = sqlite3_column_int64(s, 2);
    h->crawl_delay_ms = sqlite3_column_int64(s, 3);
    h->backoff_ms = sqlite3_column_int64(s, 4);
    h->robots_status = sqlite3_column_int(s, 5);
    h->robots_body = dup_col(s, 6, &h->robots_len);
    h->robots_fetched_at = sqlite3_column_int64(s, 7);
    h->robots_failures = sqlite3_column_int(s, 8);
    h->pages_fetched = sqlite3_column_int64(s, 9);
    h->queued = sqlite3_column_int64(s, 10);
    h->inflight = sqlite3_column_int(s, 11);
    bool body_lost = sqlite3_column_type(s, 6) != SQLITE_NULL && !h->robots_body;
    sqlite3_reset(s);
    if (!h->host || body_lost) {
        frontier_host_free(h);
        return CH_ERR_NOMEM;
    }
    *out = h;
    return CH_OK;
}

ch_status frontier_next_ready_host(frontier_t *f, int64_t now_ms, int max_inflight, int64_t budget,
                                   frontier_host **out, int64_t *wake_ms)
{
    *out = NULL;
    if (wake_ms)
        *wake_ms = -1;
    sqlite3_stmt *s = stmt(f, S_NEXT_HOST);
    sqlite3_bind_int64(s, 1, now_ms);
    sqlite3_bind_int(s, 2, max_inflight);
    sqlite3_bind_int64(s, 3, budget);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        sqlite3_stmt *h = stmt(f, S_HOST_BY_ID);
        sqlite3_bind_int64(h, 1, id);
        return read_host(h, out);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return CH_ERR_IO;
    if (wake_ms) {
        s = stmt(f, S_WAKE);
        sqlite3_bind_int(s, 1, max_inflight);
        sqlite3_bind_int64(s, 2, budget);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
            *wake_ms = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        if (rc != SQLITE_ROW)
            return CH_ERR_IO;
    }
    return CH_ERR_NOTFOUND;
}

ch_status frontier_get_host(frontier_t *f, const char *host, frontier_host **out)
{
    *out = NULL;
    sqlite3_stmt *s = stmt(f, S_HOST_BY_NAME);
    sqlite3_bind_text(s, 1, host, -1, SQLITE_STATIC);
    return read_host(s, out);
}

ch_status frontier_take_url(frontier_t *f, int64_t host_id, frontier_url **out)
{
    *out = NULL;
    sqlite3_stmt *s = stmt(f, S_TAKE_SELECT);
    sqlite3_bind_int64(s, 1, host_id);
    ch_status st = step_row(s);
    if (st)
        return st;
    frontier_url *u = calloc(1, sizeof *u);
    if (!u) {
        sqlite3_reset(s);
        return CH_ERR_NOMEM;
    }
    u->id = sqlite3_column_int64(s, 0);
    u->host_id = host_id;
    u->url = dup_col(s, 1, NULL);
    u->depth = sqlite3_column_int(s, 2);
    u->kind = sqlite3_column_int(s, 3);
    u->redirects = sqlite3_column_int(s, 4);
    u->attempts = sqlite3_column_int(s, 5);
    u->etag = dup_col(s, 6, NULL);
    u->last_modified = dup_col(s, 7, NULL);
    u->warc_id = dup_col(s, 8, NULL);
    u->payload_digest = dup_col(s, 9, NULL);
    u->fetched_at = sqlite3_column_int64(s, 10);
    sqlite3_reset(s);
    if (!u->url) {
        frontier_url_free(u);
        return CH_ERR_NOMEM;
    }
    s = stmt(f, S_TAKE_MARK);
    sqlite3_bind_int64(s, 1, u->id);
    st = step_done(s);
    if (!st) {
        s = stmt(f, S_HOST_TAKE);
        sqlite3_bind_int64(s, 1, host_id);
        st = step_done(s);
    }
    if (st) {
        frontier_url_free(u);
        return st;
    }
    *out = u;
    return CH_OK;
}

ch_status frontier_record_url(frontier_t *f, const frontier_url *u, frontier_status status,
                              const frontier_result *res)
{
    sqlite3_stmt *s = stmt(f, S_FINISH);
    sqlite3_bind_int64(s, 1, u->id);
    sqlite3_bind_int(s, 2, (int)status);
    if (res && res->http_status > 0)
        sqlite3_bind_int(s, 3, res->http_status);
    else
        sqlite3_bind_null(s, 3);
    bind_text_or_null(s, 4, res ? res->etag : NULL);
    bind_text_or_null(s, 5, res ? res->last_modified : NULL);
    bind_text_or_null(s, 6, res ? res->warc_id : NULL);
    bind_text_or_null(s, 7, res ? res->payload_digest : NULL);
    sqlite3_bind_int(s, 8, status == FRONTIER_FAILED ? 1 : 0);
    return step_done(s);
}

ch_status frontier_host_done(frontier_t *f, int64_t host_id, bool counts_as_page)
{
    sqlite3_stmt *s = stmt(f, S_HOST_FINISH);
    sqlite3_bind_int64(s, 1, host_id);
    sqlite3_bind_int(s, 2, counts_as_page ? 1 : 0);
    return step_done(s);
}

ch_status frontier_finish_url(frontier_t *f, const frontier_url *u, frontier_status status,
                              const frontier_result *res, bool counts_as_page)
{
    ch_status st = frontier_record_url(f, u, status, res);
    return st ? st : frontier_host_done(f, u->host_id, counts_as_page);
}

ch_status frontier_requeue_url(frontier_t *f, const frontier_url *u)
{
    sqlite3_stmt *s = stmt(f, S_REQUEUE);
    sqlite3_bind_int64(s, 1, u->id);
    if (step_done(s))
        return CH_ERR_IO;
    s = stmt(f, S_HOST_REQUEUE);
    sqlite3_bind_int64(s, 1, u->host_id);
    return step_done(s);
}

ch_status frontier_skip_host(frontier_t *f, int64_t host_id)
{
    sqlite3_stmt *s = stmt(f, S_SKIP_HOST_URLS);
    sqlite3_bind_int64(s, 1, host_id);
    if (step_done(s))
        return CH_ERR_IO;
    s = stmt(f, S_SKIP_HOST);
    sqlite3_bind_int64(s, 1, host_id);
    return step_done(s);
}

ch_status frontier_set_host_clock(frontier_t *f, int64_t host_id, int64_t next_allowed_ms,
                                  int64_t backoff_ms)
{
    sqlite3_stmt *s = stmt(f, S_CLOCK);
    sqlite3_bind_int64(s, 1, host_id);
    sqlite3_bind_int64(s, 2, next_allowed_ms);
    sqlite3_bind_int64(s, 3, backoff_ms);
    return step_done(s);
}

ch_status frontier_set_robots(frontier_t *f, int64_t host_id, int http_status, const char *body,
                              size_t len, int64_t fetched_at, int64_t crawl_delay_ms, int failures)
{
    sqlite3_stmt *s = stmt(f, S_ROBOTS);
    sqlite3_bind_int64(s, 1, host_id);
    sqlite3_bind_int(s, 2, http_status);
    if (body)
        sqlite3_bind_blob(s, 3, len ? body : "", (int)len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int64(s, 4, fetched_at);
    sqlite3_bind_int64(s, 5, crawl_delay_ms);
    sqlite3_bind_int(s, 6, failures);
    return step_done(s);
}

ch_status frontier_requeue_older_than(frontier_t *f, int64_t cutoff, int64_t *n)
{
    if (n)
        *n = 0;
    sqlite3_stmt *s = NULL;
    ch_status st = CH_ERR_IO;
    if (sqlite3_prepare_v2(f->db,
                           "UPDATE urls SET status = 0 WHERE status = 2 AND kind = 0 AND "
                           "fetched_at < ?1",
                           -1, &s, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(s, 1, cutoff);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto out;
    if (n)
        *n = sqlite3_changes(f->db);
    if (sqlite3_exec(f->db,
                     "UPDATE hosts SET queued = (SELECT count(*) FROM urls "
                     "WHERE urls.host_id = hosts.id AND urls.status = 0)",
                     NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    st = CH_OK;
out:
    sqlite3_finalize(s);
    return st;
}

ch_status frontier_count(frontier_t *f, int status, int64_t *n)
{
    sqlite3_stmt *s = stmt(f, status < 0 ? S_COUNT_ALL : S_COUNT);
    if (status >= 0)
        sqlite3_bind_int(s, 1, status);
    int rc = sqlite3_step(s);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? CH_OK : CH_ERR_IO;
}

ch_status frontier_pages_fetched(frontier_t *f, int64_t *pages, int64_t *hosts)
{
    sqlite3_stmt *s = stmt(f, S_PAGES);
    int rc = sqlite3_step(s);
    *pages = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    *hosts = rc == SQLITE_ROW ? sqlite3_column_int64(s, 1) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? CH_OK : CH_ERR_IO;
}

ch_status frontier_meta_get(frontier_t *f, const char *key, char **out)
{
    *out = NULL;
    sqlite3_stmt *s = stmt(f, S_META_GET);
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    ch_status st = step_row(s);
    if (st)
        return st;
    if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
        sqlite3_reset(s);
        return CH_ERR_NOTFOUND;
    }
    char *v = dup_col(s, 0, NULL);
    sqlite3_reset(s);
    if (!v)
        return CH_ERR_NOMEM;
    *out = v;
    return CH_OK;
}

ch_status frontier_meta_set(frontier_t *f, const char *key, const char *value)
{
    sqlite3_stmt *s = stmt(f, S_META_SET);
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    return step_done(s);
}

ch_status frontier_each_done(frontier_t *f, int (*fn)(void *ctx, const char *url, int http),
                             void *ctx)
{
    sqlite3_stmt *s = stmt(f, S_EACH_DONE);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (fn(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int(s, 1)))
            break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? CH_OK : CH_ERR_IO;
}

void frontier_url_free(frontier_url *u)
{
    if (!u)
        return;
    free(u->url);
    free(u->etag);
    free(u->last_modified);
    free(u->warc_id);
    free(u->payload_digest);
    free(u);
}

void frontier_host_free(frontier_host *h)
{
    if (!h)
        return;
    free(h->host);
    free(h->robots_body);
    free(h);
}
