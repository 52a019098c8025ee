/* Shards: one database per indexed batch, compaction, and the stub file swapped atomically
 * (indexer/shards.h, docs/SCALE.md). */
#include "indexer/shards.h"
#include "indexer/xapian/xap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"

extern char **environ;

#define SHARDS_ERRMSG_MAX 4096u /* bytes of xapian-compact's stderr kept for a message */

static void set_err(char **errmsg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(char **errmsg, const char *fmt, ...)
{
    if (!errmsg)
        return;
    free(*errmsg);
    *errmsg = NULL;
    buf_t b;
    buf_init(&b, SHARDS_ERRMSG_MAX + 256);
    va_list ap;
    va_start(ap, fmt);
    ch_status st = buf_vappendf(&b, fmt, ap);
    va_end(ap);
    if (!st)
        *errmsg = buf_steal(&b, NULL);
    buf_free(&b);
}

/* ---- stub text --------------------------------------------------------------------------- */

static bool has_line_break(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

ch_status shards_stub_format(const shards_entry *entries, size_t n, buf_t *out)
{
    if (!out || (n && !entries))
        return CH_ERR_ARG;
    if (n > SHARDS_MAX_ENTRIES)
        return CH_ERR_LIMIT;
    for (size_t i = 0; i < n; i++) {
        const shards_entry *e = &entries[i];
        ch_status st;
        if (e->kind == SHARDS_LOCAL) {
            if (!e->path || e->path[0] != '/' || has_line_break(e->path) ||
                strlen(e->path) > SHARDS_MAX_PATH)
                return CH_ERR_ARG;
            st = buf_appendf(out, "auto %s\n", e->path);
        } else if (e->kind == SHARDS_REMOTE) {
            if (!e->host || !*e->host || strpbrk(e->host, " \t\r\n:") || e->port < 1 ||
                e->port > 65535 || strlen(e->host) > SHARDS_MAX_PATH)
                return CH_ERR_ARG;
            st = buf_appendf(out, "remote %s:%u\n", e->host, e->port);
        } else {
            return CH_ERR_ARG;
        }
        if (st)
            return st;
    }
    return CH_OK;
}

void shards_entries_free(shards_entry *entries, size_t n)
{
    if (!entries)
        return;
    for (size_t i = 0; i < n; i++) {
        free(entries[i].path);
        free(entries[i].host);
    }
    free(entries);
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* One stub line [p, end) (no newline, trailing blanks removed) into *e. */
static ch_status parse_line(const char *p, const char *end, const char *base_dir, shards_entry *e)
{
    const char *kw = p;
    while (p < end && *p != ' ' && *p != '\t')
        p++;
    size_t kwlen = (size_t)(p - kw);
    const char *arg = skip_blanks(p, end);
    size_t arglen = (size_t)(end - arg);
    if (!arglen)
        return CH_ERR_PARSE;
    if (arglen > SHARDS_MAX_PATH || memchr(arg, '\0', arglen))
        return arglen > SHARDS_MAX_PATH ? CH_ERR_LIMIT : CH_ERR_PARSE;
    if ((kwlen == 4 && memcmp(kw, "auto", 4) == 0) || (kwlen == 5 && memcmp(kw, "glass", 5) == 0) ||
        (kwlen == 5 && memcmp(kw, "chert", 5) == 0)) {
        e->kind = SHARDS_LOCAL;
        buf_t b;
        buf_init(&b, 2 * SHARDS_MAX_PATH + 2);
        ch_status st = CH_OK;
        if (arg[0] != '/') {
            if (!base_dir || base_dir[0] != '/')
                return CH_ERR_PARSE;
            st = buf_appendf(&b, "%s/", base_dir);
        }
        if (!st)
            st = buf_append(&b, arg, arglen);
        if (!st && !(e->path = buf_steal(&b, NULL)))
            st = CH_ERR_NOMEM;
        buf_free(&b);
        return st;
    }
    if (kwlen == 6 && memcmp(kw, "remote", 6) == 0) {
        /* Xapian 1.4: "remote HOST:PORT" is TCP; "remote :PROG ARGS" (leading colon) is a
         * spawned program, which we do not list. */
        const char *colon = NULL;
        for (const char *q = arg; q < end; q++)
            if (*q == ':')
                colon = q;
        if (!colon || colon == arg || colon + 1 == end)
            return CH_ERR_PARSE;
        for (const char *q = arg; q < colon; q++)
            if (*q == ' ' || *q == '\t' || *q == ':')
                return CH_ERR_PARSE;
        unsigned long port = 0;
        for (const char *q = colon + 1; q < end; q++) {
            if (*q < '0' || *q > '9' || port > 65535)
                return CH_ERR_PARSE;
            port = port * 10 + (unsigned long)(*q - '0');
        }
        if (port < 1 || port > 65535)
            return CH_ERR_PARSE;
        e->kind = SHARDS_REMOTE;
        e->port = (unsigned)port;
        e->host = strndup(arg, (size_t)(colon - arg));
        return e->host ? CH_OK : CH_ERR_NOMEM;
    }
    return CH_ERR_PARSE;
}

ch_status shards_stub_parse(const char *text, size_t len, const char *base_dir, shards_entry **out,
                            size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!out || !n || (len && !text))
        return CH_ERR_ARG;
    if (len > SHARDS_MAX_STUB_BYTES)
        return CH_ERR_LIMIT;
    ch_status st = CH_OK;
    size_t count = 0, alloc = 0;
    shards_entry *v = NULL;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        const char *s = skip_blanks(p, le);
        while (le > s && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
            le--;
        p = next;
        if (s == le || *s == '#')
            continue;
        if (count == SHARDS_MAX_ENTRIES) {
            st = CH_ERR_LIMIT;
            goto out;
        }
        if (buf_reserve_array(&v, &alloc, count + 1, sizeof *v, 8)) {
            st = CH_ERR_NOMEM;
            goto out;
        }
        memset(&v[count], 0, sizeof v[count]);
        st = parse_line(s, le, base_dir, &v[count]);
        if (st) {
            free(v[count].path);
            free(v[count].host);
            goto out;
        }
        count++;
    }
out:
    if (st) {
        shards_entries_free(v, count);
        return st;
    }
    *out = v;
    *n = count;
    return CH_OK;
}

/* The directory part of path into dir (cap bytes): "." when there is no slash. */
static ch_status dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    int w;
    if (!slash)
        w = snprintf(dir, cap, ".");
    else if (slash == path)
        w = snprintf(dir, cap, "/");
    else
        w = snprintf(dir, cap, "%.*s", (int)(slash - path), path);
    return w < 0 || (size_t)w >= cap ? CH_ERR_LIMIT : CH_OK;
}

ch_status shards_stub_read(const char *path, shards_entry **out, size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!path || !out || !n)
        return CH_ERR_ARG;
    ch_status st = CH_OK;
    buf_t text;
    buf_init(&text, SHARDS_MAX_STUB_BYTES);
    char dir[PATH_MAX], abs_dir[PATH_MAX];
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? CH_ERR_NOTFOUND : CH_ERR_IO;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if ((st = buf_append(&text, chunk, got)))
            goto out;
    if (ferror(f)) {
        st = CH_ERR_IO;
        goto out;
    }
    if ((st = dir_of(path, dir, sizeof dir)))
        goto out;
    if (!realpath(dir, abs_dir)) {
        st = CH_ERR_IO;
        goto out;
    }
    st = shards_stub_parse(buf_str(&text), text.len, abs_dir, out, n);
out:
    fclose(f);
    buf_free(&text);
    return st;
}

static ch_status fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return CH_ERR_IO;
    ch_status st = fsync(fd) ? CH_ERR_IO : CH_OK;
    if (close(fd))
        st = CH_ERR_IO;
    return st;
}

ch_status shards_stub_write(const char *path, const shards_entry *entries, size_t n)
{
    if (!path || !*path)
        return CH_ERR_ARG;
    buf_t text, tmp;
    buf_init(&text, SHARDS_MAX_STUB_BYTES);
    buf_init(&tmp, PATH_MAX);
    int fd = -1;
    bool created = false;
    char dir[PATH_MAX];
    ch_status st = shards_stub_format(entries, n, &text);
    if (st)
        goto out;
    if ((st = dir_of(path, dir, sizeof dir)) || (st = buf_appendf(&tmp, "%s.tmp.XXXXXX", path)))
        goto out;
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        st = CH_ERR_IO;
        goto out;
    }
    created = true;
    for (size_t off = 0; off < text.len;) {
        ssize_t w = write(fd, text.data + off, text.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = CH_ERR_IO;
            goto out;
        }
        off += (size_t)w;
    }
    if (fchmod(fd, 0644) || fsync(fd)) {
        st = CH_ERR_IO;
        goto out;
    }
    int rc = close(fd);
    fd = -1;
    if (rc || rename(tmp.data, path)) {
        st = CH_ERR_IO;
        goto out;
    }
    created = false;
    st = fsync_dir(dir);
out:
    if (fd >= 0)
        close(fd);
    if (created) {
        int saved = errno;
        unlink(tmp.data);
        errno = saved;
    }
    buf_free(&text);
    buf_free(&tmp);
    return st;
}

ch_status shards_stub_stamp(const char *path, shards_stamp *out)
{
    if (!path || !out)
        return CH_ERR_ARG;
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(path, &sb))
        return errno == ENOENT ? CH_ERR_NOTFOUND : CH_ERR_IO;
    out->dev = (uint64_t)sb.st_dev;
    out->ino = (uint64_t)sb.st_ino;
    out->mtime = sb.st_mtim;
    out->size = (int64_t)sb.st_size;
    return CH_OK;
}

bool shards_stamp_differs(const shards_stamp *a, const shards_stamp *b)
{
    return a->dev != b->dev || a->ino != b->ino || a->size != b->size ||
           a->mtime.tv_sec != b->mtime.tv_sec || a->mtime.tv_nsec != b->mtime.tv_nsec;
}

/* The stamp a watch keeps for one path: the whole stamp of a file (a stub), the identity of a
 * directory (its mtime moves with every commit, which reopen follows), zero for nothing. */
static void watch_stamp(const char *path, shards_stamp *st)
{
    memset(st, 0, sizeof *st);
    struct stat sb;
    if (stat(path, &sb))
        return;
    st->dev = (uint64_t)sb.st_dev;
    st->ino = (uint64_t)sb.st_ino;
    if (S_ISREG(sb.st_mode)) {
        st->mtime = sb.st_mtim;
        st->size = (int64_t)sb.st_size;
    }
}

static ch_status watch_add(shards_watch *w, const char *path)
{
    char **p = realloc(w->paths, (w->n + 1) * sizeof *p);
    if (!p)
        return CH_ERR_NOMEM;
    w->paths = p;
    shards_stamp *s = realloc(w->stamps, (w->n + 1) * sizeof *s);
    if (!s)
        return CH_ERR_NOMEM;
    w->stamps = s;
    if (!(w->paths[w->n] = strdup(path)))
        return CH_ERR_NOMEM;
    watch_stamp(path, &w->stamps[w->n]);
    w->n++;
    return CH_OK;
}

static bool is_regular_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static ch_status watch_stub(shards_watch *w, const char *stub, unsigned depth)
{
    ch_status st = watch_add(w, stub);
    shards_entry *v = NULL;
    size_t n = 0;
    if (st || shards_stub_read(stub, &v, &n) == CH_ERR_NOMEM)
        return CH_ERR_NOMEM;
    for (size_t i = 0; i < n && !st; i++) {
        if (v[i].kind != SHARDS_LOCAL)
            continue;
        st = is_regular_file(v[i].path) && depth < SHARDS_MAX_DEPTH
                 ? watch_stub(w, v[i].path, depth + 1)
                 : watch_add(w, v[i].path);
    }
    shards_entries_free(v, n);
    return st;
}

ch_status shards_watch_take(const char *path, shards_watch *w)
{
    if (!path || !w)
        return CH_ERR_ARG;
    memset(w, 0, sizeof *w);
    if (!is_regular_file(path))
        return CH_OK;
    ch_status st = watch_stub(w, path, 0);
    if (st)
        shards_watch_free(w);
    return st;
}

bool shards_watch_changed(const shards_watch *w)
{
    for (size_t i = 0; w && i < w->n; i++) {
        shards_stamp now;
        watch_stamp(w->paths[i], &now);
        if (shards_stamp_differs(&now, &w->stamps[i]))
            return true;
    }
    return false;
}

void shards_watch_free(shards_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        free(w->paths[i]);
    free(w->paths);
    free(w->stamps);
    memset(w, 0, sizeof *w);
}

/* ---- directories ------------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) ? -1 : 0;
}

/* Remove a directory tree (symbolic links are removed, not followed). */
static ch_status rm_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb))
        return errno == ENOENT ? CH_OK : CH_ERR_IO;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) ? CH_ERR_IO : CH_OK;
}

/* The number in "shard-NNNNNN" or "compact-NNNNNN" (with an optional ".tmp"), or 0. */
static unsigned long shard_number(const char *name, bool *tmp)
{
    const char *p;
    if (strncmp(name, "shard-", 6) == 0)
        p = name + 6;
    else if (strncmp(name, "compact-", 8) == 0)
        p = name + 8;
    else
        return 0;
    unsigned long v = 0;
    size_t digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
        v = v * 10 + (unsigned long)(*p - '0');
    if (!digits)
        return 0;
    if (tmp)
        *tmp = strcmp(p, ".tmp") == 0;
    return (*p == '\0' || strcmp(p, ".tmp") == 0) ? v : 0;
}

static ch_status next_number(const char *root, unsigned long *out)
{
    DIR *d = opendir(root);
    if (!d)
        return CH_ERR_IO;
    unsigned long max = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned long v = shard_number(e->d_name, NULL);
        if (v > max)
            max = v;
    }
    closedir(d);
    if (max >= 999999999ul)
        return CH_ERR_LIMIT;
    *out = max + 1;
    return CH_OK;
}

/* ---- compaction -------------------------------------------------------------------------- */

ch_status shards_compact(const char *const *srcs, size_t n, const char *dst, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    struct stat sb;
    if (!srcs || !n || !dst || !*dst || n > SHARDS_MAX_ENTRIES) {
        set_err(errmsg, "shards_compact: nothing to compact");
        return CH_ERR_ARG;
    }
    if (lstat(dst, &sb) == 0) {
        set_err(errmsg, "%s exists already", dst);
        return CH_ERR_ARG;
    }
    ch_status st = CH_ERR_IO;
    const char **argv = calloc(n + 4, sizeof *argv);
    int pipefd[2] = {-1, -1};
    bool actions_ready = false;
    posix_spawn_file_actions_t fa;
    buf_t err;
    buf_init(&err, SHARDS_ERRMSG_MAX);
    if (!argv) {
        set_err(errmsg, "out of memory");
        st = CH_ERR_NOMEM;
        goto out;
    }
    size_t a = 0;
    argv[a++] = "xapian-compact";
    if (n > 3)
        argv[a++] = "--multipass";
    for (size_t i = 0; i < n; i++)
        argv[a++] = srcs[i];
    argv[a++] = dst;
    argv[a] = NULL;
    if (pipe2(pipefd, O_CLOEXEC)) {
        set_err(errmsg, "pipe: %s", strerror(errno));
        goto out;
    }
    if (posix_spawn_file_actions_init(&fa)) {
        set_err(errmsg, "posix_spawn_file_actions_init failed");
        goto out;
    }
    actions_ready = true;
    if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) ||
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2)) {
        set_err(errmsg, "posix_spawn_file_actions failed");
        goto out;
    }
    pid_t pid;
    int rc = posix_spawnp(&pid, "xapian-compact", &fa, NULL, (char *const *)argv, environ);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (rc) {
        set_err(errmsg, "cannot run xapian-compact: %s", strerror(rc));
        goto out;
    }
    char chunk[1024];
    for (;;) {
        ssize_t r = read(pipefd[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (err.len < SHARDS_ERRMSG_MAX) { /* keep the start, drain the rest */
            size_t room = SHARDS_ERRMSG_MAX - err.len;
            buf_append(&err, chunk, (size_t)r < room ? (size_t)r : room);
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            set_err(errmsg, "waitpid: %s", strerror(errno));
            goto out;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        while (err.len && (err.data[err.len - 1] == '\n' || err.data[err.len - 1] == ' '))
            buf_truncate(&err, err.len - 1);
        set_err(errmsg, "xapian-compact failed (%s %d): %s",
                WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), buf_str(&err));
        rm_tree(dst);
        goto out;
    }
    st = CH_OK;
out:
    if (actions_ready)
        posix_spawn_file_actions_destroy(&fa);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    buf_free(&err);
    free(argv);
    return st;
}

/* ---- batches, compaction of a set, garbage collection ------------------------------------ */

typedef struct {
    char *first; /* the first unreadable file's message */
} batch_errors;

static void on_batch_file_error(void *ctx, const char *path, const char *msg)
{
    batch_errors *be = ctx;
    if (!be->first)
        set_err(&be->first, "cannot read %s: %s", path, msg);
}

static ch_status stub_path_of(const char *root, char *out, size_t cap)
{
    int w = snprintf(out, cap, "%s/%s", root, SHARDS_STUB_NAME);
    return w < 0 || (size_t)w >= cap ? CH_ERR_LIMIT : CH_OK;
}

/* The entries of root's stub, or none when it does not exist yet. */
static ch_status read_stub_or_empty(const char *stub, shards_entry **v, size_t *n)
{
    ch_status st = shards_stub_read(stub, v, n);
    return st == CH_ERR_NOTFOUND ? CH_OK : st;
}

ch_status shards_build_batch(const char *root, const char *const *warcs, size_t n,
                             const idx_writer_opts *opts, char **shard_path, idx_stats *stats,
                             char **errmsg)
{
    if (shard_path)
        *shard_path = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!root || !*root || !warcs || !n) {
        set_err(errmsg, "shards_build_batch: no shard root or no WARC file");
        return CH_ERR_ARG;
    }
    ch_status st;
    char abs_root[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], stub[PATH_MAX];
    unsigned long num = 0;
    idx_writer *w = NULL;
    idx_writer_opts o = {0};
    batch_errors be = {0};
    shards_entry *v = NULL, *nv = NULL;
    size_t nent = 0;
    bool tmp_made = false;
    char *err = NULL;
    if (opts)
        o = *opts;
    if (mkdir(root, 0755) && errno != EEXIST) {
        set_err(errmsg, "cannot create %s: %s", root, strerror(errno));
        return CH_ERR_IO;
    }
    if (!realpath(root, abs_root)) {
        set_err(errmsg, "cannot resolve %s: %s", root, strerror(errno));
        return CH_ERR_IO;
    }
    if ((st = next_number(abs_root, &num))) {
        set_err(errmsg, "cannot number a new shard in %s", abs_root);
        return st;
    }
    int w1 = snprintf(tmp, sizeof tmp, "%s/shard-%06lu.tmp", abs_root, num);
    int w2 = snprintf(final, sizeof final, "%s/shard-%06lu", abs_root, num);
    if (w1 < 0 || (size_t)w1 >= sizeof tmp || w2 < 0 || (size_t)w2 >= sizeof final ||
        stub_path_of(abs_root, stub, sizeof stub) != CH_OK) {
        set_err(errmsg, "shard path too long");
        return CH_ERR_LIMIT;
    }
    if ((st = rm_tree(tmp))) { /* a leftover from a killed run */
        set_err(errmsg, "cannot remove the leftover %s", tmp);
        return st;
    }
    tmp_made = true;
    st = idx_writer_open(tmp, &o, &w, &err);
    if (st) {
        set_err(errmsg, "%s", err ? err : ch_status_str(st));
        goto out;
    }
    st = idx_writer_run(w, warcs, n, on_batch_file_error, &be, &err);
    if (stats)
        idx_writer_stats(w, stats);
    if (st) {
        set_err(errmsg, "%s", err ? err : ch_status_str(st));
        goto out;
    }
    if (be.first) {
        set_err(errmsg, "%s", be.first);
        st = CH_ERR_IO;
        goto out;
    }
    st = idx_writer_close(w);
    w = NULL;
    if (st) {
        set_err(errmsg, "the final commit of %s failed", tmp);
        goto out;
    }
    if (rename(tmp, final)) {
        set_err(errmsg, "cannot rename %s: %s", tmp, strerror(errno));
        st = CH_ERR_IO;
        goto out;
    }
    tmp_made = false;
    if ((st = read_stub_or_empty(stub, &v, &nent))) {
        set_err(errmsg, "cannot read %s: %s", stub, ch_status_str(st));
        rm_tree(final);
        goto out;
    }
    nv = realloc(v, (nent + 1) * sizeof *nv);
    if (!nv) {
        st = CH_ERR_NOMEM;
        rm_tree(final);
        goto out;
    }
    v = nv;
    memset(&v[nent], 0, sizeof v[nent]);
    v[nent].kind = SHARDS_LOCAL;
    if (!(v[nent].path = strdup(final))) {
        st = CH_ERR_NOMEM;
        rm_tree(final);
        goto out;
    }
    nent++;
    if ((st = shards_stub_write(stub, v, nent))) {
        set_err(errmsg, "cannot write %s: %s", stub, ch_status_str(st));
        rm_tree(final);
        goto out;
    }
    if (shard_path && !(*shard_path = strdup(final)))
        st = CH_ERR_NOMEM; /* the shard is in place and listed; only the answer is lost */
out:
    if (w) {
        if (stats && !st)
            idx_writer_stats(w, stats);
        idx_writer_close(w);
    }
    if (tmp_made)
        rm_tree(tmp);
    shards_entries_free(v, nent);
    free(be.first);
    free(err);
    return st;
}

ch_status shards_compact_all(const char *root, char **compacted, char **errmsg)
{
    if (compacted)
        *compacted = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!root || !*root)
        return CH_ERR_ARG;
    char abs_root[PATH_MAX], stub[PATH_MAX], dst[PATH_MAX];
    shards_entry *v = NULL, *nv = NULL;
    size_t n = 0, nlocal = 0, nn = 0;
    const char **srcs = NULL;
    unsigned long num = 0;
    ch_status st;
    if (!realpath(root, abs_root)) {
        set_err(errmsg, "cannot resolve %s: %s", root, strerror(errno));
        return CH_ERR_IO;
    }
    if ((st = stub_path_of(abs_root, stub, sizeof stub)))
        return st;
    if ((st = shards_stub_read(stub, &v, &n))) {
        set_err(errmsg, "cannot read %s: %s", stub, ch_status_str(st));
        return st;
    }
    for (size_t i = 0; i < n; i++)
        nlocal += v[i].kind == SHARDS_LOCAL;
    if (nlocal < 2)
        goto out;
    srcs = calloc(nlocal, sizeof *srcs);
    nv = calloc(n - nlocal + 1, sizeof *nv);
    if (!srcs || !nv) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0, j = 0; i < n; i++)
        if (v[i].kind == SHARDS_LOCAL)
            srcs[j++] = v[i].path;
    if ((st = next_number(abs_root, &num))) {
        set_err(errmsg, "cannot number a new database in %s", abs_root);
        goto out;
    }
    int w = snprintf(dst, sizeof dst, "%s/compact-%06lu", abs_root, num);
    if (w < 0 || (size_t)w >= sizeof dst) {
        st = CH_ERR_LIMIT;
        goto out;
    }
    if ((st = shards_compact(srcs, nlocal, dst, errmsg)))
        goto out;
    /* The new list: the compacted database, then the remote entries in their order. The
     * strings are borrowed from v (freed with it), nv itself is freed alone. */
    nv[nn].kind = SHARDS_LOCAL;
    nv[nn++].path = dst;
    for (size_t i = 0; i < n; i++)
        if (v[i].kind == SHARDS_REMOTE)
            nv[nn++] = v[i];
    if ((st = shards_stub_write(stub, nv, nn))) {
        set_err(errmsg, "cannot write %s: %s", stub, ch_status_str(st));
        rm_tree(dst);
        goto out;
    }
    if (compacted && !(*compacted = strdup(dst)))
        st = CH_ERR_NOMEM;
out:
    free(nv);
    free(srcs);
    shards_entries_free(v, n);
    return st;
}

ch_status shards_gc(const char *root, double grace_s, size_t *removed)
{
    if (removed)
        *removed = 0;
    if (!root || !*root || grace_s < 0)
        return CH_ERR_ARG;
    char abs_root[PATH_MAX], stub[PATH_MAX], path[PATH_MAX];
    shards_entry *v = NULL;
    size_t n = 0;
    ch_status st = CH_OK, bad = CH_OK;
    if (!realpath(root, abs_root))
        return CH_ERR_IO;
    if ((st = stub_path_of(abs_root, stub, sizeof stub)))
        return st;
    if ((st = read_stub_or_empty(stub, &v, &n)))
        return st;
    DIR *d = opendir(abs_root);
    if (!d) {
        shards_entries_free(v, n);
        return CH_ERR_IO;
    }
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        bool tmp = false;
        if (!shard_number(e->d_name, &tmp))
            continue;
        int w = snprintf(path, sizeof path, "%s/%s", abs_root, e->d_name);
        if (w < 0 || (size_t)w >= sizeof path)
            continue;
        bool listed = false;
        for (size_t i = 0; i < n && !listed; i++)
            listed = v[i].kind == SHARDS_LOCAL && strcmp(v[i].path, path) == 0;
        struct stat sb;
        if (listed || lstat(path, &sb) || !S_ISDIR(sb.st_mode))
            continue;
        if (difftime(now, sb.st_mtime) < grace_s)
            continue;
        if (rm_tree(path))
            bad = CH_ERR_IO;
        else if (removed)
            (*removed)++;
    }
    closedir(d);
    shards_entries_free(v, n);
    return bad;
}

/* ---- opening what answers ---------------------------------------------------------------- */

static ch_status from_xap(xap_status xs)
{
    switch (xs) {
    case XAP_OK:
        return CH_OK;
    case XAP_ERR_NOT_FOUND:
        return CH_ERR_NOTFOUND;
    case XAP_ERR_CORRUPT:
        return CH_ERR_PARSE;
    case XAP_ERR_NOMEM:
        return CH_ERR_NOMEM;
    default:
        return CH_ERR_IO;
    }
}

/* What the shards opened so far add up to: the handle that searches them as one, in stub order. */
typedef struct {
    xap_db *db;      /* NULL until one database opened */
    size_t n, down;  /* databases tried, databases left out */
    char *first_err; /* the first failure's message (malloc'd) */
    ch_status hard;  /* a failure that is not "this shard is down" (out of memory) */
    bool any_docs;   /* a database that opened holds documents (not only a dictionary) */
} open_acc;

/* Take `db` into a (the handle is consumed). */
static void acc_take(open_acc *a, xap_db *db)
{
    unsigned long docs = 0;
    if (xap_db_doc_count(db, &docs) == XAP_OK && docs)
        a->any_docs = true;
    if (!a->db) {
        a->db = db;
        return;
    }
    xap_status xs = xap_db_add_database(a->db, db);
    if (xs)
        a->hard = from_xap(xs);
    xap_db_close(db);
}

/* One database that did not open: counted as down unless out of memory. */
static void acc_down(open_acc *a, const char *what, xap_status xs, const char *msg)
{
    if (xs == XAP_ERR_NOMEM) {
        a->hard = CH_ERR_NOMEM;
        return;
    }
    a->down++;
    if (!a->first_err)
        set_err(&a->first_err, "%s: %s", what, msg ? msg : xap_status_str(xs));
}

/* One database Xapian opens as a whole (a directory, or a stub it reads itself), into a. */
static void open_whole_into(const char *path, open_acc *a)
{
    a->n++;
    xap_db *db = NULL;
    char *xerr = NULL;
    xap_status xs = xap_db_open(path, &db, &xerr);
    if (xs == XAP_OK)
        acc_take(a, db);
    else
        acc_down(a, path, xs, xerr);
    free(xerr);
}

static void open_stub_into(const char *stub, unsigned depth, open_acc *a);

/* One "auto PATH" entry: a database directory, or a stub opened entry by entry. */
static void open_local_into(const char *path, unsigned depth, open_acc *a)
{
    if (is_regular_file(path)) {
        if (depth >= SHARDS_MAX_DEPTH) {
            a->n++;
            acc_down(a, path, XAP_ERR_ARG, "stubs nested too deep");
            return;
        }
        open_stub_into(path, depth + 1, a);
        return;
    }
    open_whole_into(path, a);
}

/* The entries of the stub file `stub`, each opened on its own, into a. A stub we do not parse
 * ("remote :PROGRAM", "inmemory" ...) or an empty one is left to Xapian, as one database. */
static void open_stub_into(const char *stub, unsigned depth, open_acc *a)
{
    shards_entry *v = NULL;
    size_t n = 0;
    ch_status st = shards_stub_read(stub, &v, &n);
    if (st == CH_ERR_NOMEM) {
        a->hard = st;
        return;
    }
    if (st || !n) {
        open_whole_into(stub, a);
        shards_entries_free(v, n);
        return;
    }
    for (size_t i = 0; i < n && !a->hard; i++) {
        if (v[i].kind == SHARDS_LOCAL) {
            open_local_into(v[i].path, depth, a);
            continue;
        }
        a->n++;
        xap_db *db = NULL;
        char *xerr = NULL;
        xap_status xs = xap_db_open_remote(v[i].host, v[i].port, SHARDS_REMOTE_TIMEOUT_MS,
                                           SHARDS_REMOTE_CONNECT_TIMEOUT_MS, &db, &xerr);
        if (xs == XAP_OK) {
            acc_take(a, db);
        } else {
            char what[SHARDS_MAX_PATH + 16];
            snprintf(what, sizeof what, "%s:%u", v[i].host, v[i].port);
            acc_down(a, what, xs, xerr);
        }
        free(xerr);
    }
    shards_entries_free(v, n);
}

ch_status shards_open_available(const char *db_path, struct xap_db **out, size_t *n_down,
                                char **errmsg)
{
    if (out)
        *out = NULL;
    if (n_down)
        *n_down = 0;
    if (errmsg)
        *errmsg = NULL;
    if (!db_path || !*db_path || !out)
        return CH_ERR_ARG;
    if (!is_regular_file(db_path)) { /* a database directory, or nothing */
        char *xerr = NULL;
        xap_status xs = xap_db_open(db_path, out, &xerr);
        if (xs)
            set_err(errmsg, "%s", xerr ? xerr : xap_status_str(xs));
        free(xerr);
        return from_xap(xs);
    }
    open_acc a = {0};
    open_stub_into(db_path, 0, &a);
    ch_status st = a.hard;
    /* Only document-less databases (a spelling dictionary) answering while others are down:
     * nothing that can answer a search opened. */
    if (!st && a.db && a.down && !a.any_docs) {
        xap_db_close(a.db);
        a.db = NULL;
    }
    if (!st && !a.db) {
        set_err(errmsg, "none of the %zu databases of %s can be opened (%s)", a.n, db_path,
                a.first_err ? a.first_err : "no database listed");
        st = CH_ERR_IO;
    } else if (st) {
        set_err(errmsg, "cannot open %s: %s", db_path, ch_status_str(st));
    }
    if (st) {
        xap_db_close(a.db);
        free(a.first_err);
        return st;
    }
    *out = a.db;
    if (n_down)
        *n_down = a.down;
    free(a.first_err);
    return CH_OK;
}

/* ---- the spelling dictionary of a front end ---------------------------------------------- */

/* A source of a dictionary: it exists, is not the dictionary dst_abs (NULL: none yet), and,
 * when it is a stub file, lists only local databases (checked the same way, depth levels down). */
static ch_status check_dict_source(const char *path, const char *dst_abs, unsigned depth,
                                   char **errmsg)
{
    char abs[PATH_MAX];
    if (!realpath(path, abs)) {
        int e = errno;
        set_err(errmsg, "cannot open %s: %s", path, strerror(e));
        return e == ENOENT ? CH_ERR_NOTFOUND : CH_ERR_IO;
    }
    if (dst_abs && strcmp(abs, dst_abs) == 0) {
        set_err(errmsg, "%s is the dictionary being built", path);
        return CH_ERR_ARG;
    }
    if (!is_regular_file(abs))
        return CH_OK; /* a directory: opening it tells whether it is a database */
    if (depth >= SHARDS_MAX_DEPTH) {
        set_err(errmsg, "%s: stubs nested too deep", path);
        return CH_ERR_ARG;
    }
    shards_entry *v = NULL;
    size_t n = 0;
    ch_status st = shards_stub_read(abs, &v, &n);
    if (st) {
        set_err(errmsg, "cannot read the stub %s: %s", path, ch_status_str(st));
        return st;
    }
    for (size_t i = 0; i < n && !st; i++) {
        if (v[i].kind == SHARDS_REMOTE) {
            set_err(errmsg,
                    "%s lists remote %s:%u: a dictionary is built from local databases (run it "
                    "where the shards are, or give their directories)",
                    path, v[i].host, v[i].port);
            st = CH_ERR_ARG;
        } else {
            st = check_dict_source(v[i].path, dst_abs, depth + 1, errmsg);
        }
    }
    shards_entries_free(v, n);
    return st;
}

typedef struct {
    xap_wdb *w;
    size_t added;
    xap_status xs;
} dict_fill;

static int dict_add_word(const char *word, unsigned freq, void *ctx)
{
    dict_fill *f = ctx;
    if (!*word || !freq)
        return 0;
    f->xs = xap_wdb_add_spelling(f->w, word, freq);
    if (f->xs == XAP_OK && ++f->added % SHARDS_DICT_COMMIT_WORDS == 0)
        f->xs = xap_wdb_commit(f->w);
    return f->xs != XAP_OK;
}

/* Whether the database directory at path holds no document (a dictionary, or empty). */
static ch_status is_dictionary(const char *path, bool *yes, char **errmsg)
{
    xap_db *db = NULL;
    char *xerr = NULL;
    unsigned long docs = 0;
    xap_status xs = xap_db_open(path, &db, &xerr);
    if (xs == XAP_OK)
        xs = xap_db_doc_count(db, &docs);
    if (xs)
        set_err(errmsg, "%s exists and is not a dictionary: %s", path,
                xerr ? xerr : (db ? xap_db_last_error(db) : xap_status_str(xs)));
    else if (docs)
        set_err(errmsg, "%s exists and is not a dictionary: it holds %lu documents", path, docs);
    *yes = xs == XAP_OK && docs == 0;
    xap_db_close(db);
    free(xerr);
    return CH_OK;
}

/* Put the finished database tmp in place at dst (which exists when dst_exists). */
static ch_status swap_in(const char *tmp, const char *dst, bool dst_exists, char **errmsg)
{
    char dir[PATH_MAX], aside[PATH_MAX];
    ch_status st;
    if ((st = dir_of(dst, dir, sizeof dir)))
        return st;
    if (!dst_exists) {
        if (rename(tmp, dst)) {
            set_err(errmsg, "cannot rename %s: %s", tmp, strerror(errno));
            return CH_ERR_IO;
        }
        return fsync_dir(dir);
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
        (void)fsync_dir(dir);
        if (rm_tree(tmp)) { /* the old dictionary, now under the temporary name */
            set_err(errmsg, "the old dictionary could not be removed from %s", tmp);
            return CH_ERR_IO;
        }
        return CH_OK;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        set_err(errmsg, "cannot exchange %s and %s: %s", tmp, dst, strerror(errno));
        return CH_ERR_IO;
    }
    /* No atomic exchange on this file system: move the old one aside first. */
    int w = snprintf(aside, sizeof aside, "%s.old", dst);
    if (w < 0 || (size_t)w >= sizeof aside)
        return CH_ERR_LIMIT;
    if (rm_tree(aside) || rename(dst, aside)) {
        set_err(errmsg, "cannot move %s aside: %s", dst, strerror(errno));
        return CH_ERR_IO;
    }
    if (rename(tmp, dst)) {
        set_err(errmsg, "cannot rename %s: %s", tmp, strerror(errno));
        (void)rename(aside, dst);
        return CH_ERR_IO;
    }
    (void)fsync_dir(dir);
    return rm_tree(aside);
}

ch_status shards_build_dictionary(const char *const *srcs, size_t n, const char *dst,
                                  size_t *n_words, char **errmsg)
{
    if (n_words)
        *n_words = 0;
    if (errmsg)
        *errmsg = NULL;
    if (!srcs || !n || !dst || !*dst) {
        set_err(errmsg, "shards_build_dictionary: no source or no destination");
        return CH_ERR_ARG;
    }
    char out[PATH_MAX], tmp[PATH_MAX], dst_abs[PATH_MAX], date[64] = "";
    ch_status st = CH_OK;
    xap_db *all = NULL;
    dict_fill fill = {0};
    bool tmp_made = false;
    int w = snprintf(out, sizeof out, "%s", dst);
    if (w < 0 || (size_t)w + 4 >= sizeof out) {
        set_err(errmsg, "dictionary path too long");
        return CH_ERR_LIMIT;
    }
    while (w > 1 && out[w - 1] == '/') /* "dict/" is "dict" */
        out[--w] = '\0';
    int wt = snprintf(tmp, sizeof tmp, "%s.tmp", out);
    if (wt < 0 || (size_t)wt >= sizeof tmp)
        return CH_ERR_LIMIT;
    struct stat sb;
    bool dst_exists = lstat(out, &sb) == 0;
    if (dst_exists) {
        bool dict = false;
        if (!S_ISDIR(sb.st_mode)) {
            set_err(errmsg, "%s exists and is not a directory", out);
            return CH_ERR_ARG;
        }
        if ((st = is_dictionary(out, &dict, errmsg)) || !dict)
            return st ? st : CH_ERR_ARG;
        if (!realpath(out, dst_abs)) {
            set_err(errmsg, "cannot resolve %s: %s", out, strerror(errno));
            return CH_ERR_IO;
        }
    }
    for (size_t i = 0; i < n; i++)
        if ((st = check_dict_source(srcs[i], dst_exists ? dst_abs : NULL, 0, errmsg)))
            return st;
    /* The sources, opened one by one (for the index date of each), searched as one. */
    for (size_t i = 0; i < n; i++) {
        xap_db *db = NULL;
        char *xerr = NULL, *d = NULL;
        size_t dl = 0;
        xap_status xs = xap_db_open(srcs[i], &db, &xerr);
        if (xs == XAP_OK)
            xs = xap_db_get_metadata(db, IDX_META_INDEX_DATE, &d, &dl);
        if (xs) {
            set_err(errmsg, "cannot open %s: %s", srcs[i],
                    xerr ? xerr : (db ? xap_db_last_error(db) : xap_status_str(xs)));
            st = from_xap(xs);
            free(xerr);
            xap_db_close(db);
            goto out;
        }
        if (dl < sizeof date && strcmp(d, date) > 0)
            memcpy(date, d, dl + 1);
        free(d);
        free(xerr);
        if (!all) {
            all = db;
        } else {
            xs = xap_db_add_database(all, db);
            xap_db_close(db);
            if (xs) {
                set_err(errmsg, "cannot add %s: %s", srcs[i], xap_db_last_error(all));
                st = from_xap(xs);
                goto out;
            }
        }
    }
    if ((st = rm_tree(tmp))) {
        set_err(errmsg, "cannot remove the leftover %s", tmp);
        goto out;
    }
    tmp_made = true;
    char *xerr = NULL;
    xap_status xs = xap_wdb_open(tmp, XAP_WDB_CREATE_OR_OVERWRITE, &fill.w, &xerr);
    if (xs) {
        set_err(errmsg, "cannot create %s: %s", tmp, xerr ? xerr : xap_status_str(xs));
        free(xerr);
        st = from_xap(xs);
        goto out;
    }
    xs = xap_db_spellings(all, dict_add_word, &fill, NULL);
    if (xs == XAP_OK && fill.xs) {
        xs = fill.xs;
        set_err(errmsg, "cannot write %s: %s", tmp, xap_wdb_last_error(fill.w));
    } else if (xs) {
        set_err(errmsg, "cannot read the spelling data: %s", xap_db_last_error(all));
    }
    if (xs == XAP_OK && *date &&
        (xs = xap_wdb_set_metadata(fill.w, IDX_META_INDEX_DATE, date, strlen(date))))
        set_err(errmsg, "cannot write %s: %s", tmp, xap_wdb_last_error(fill.w));
    if (xs == XAP_OK && (xs = xap_wdb_commit(fill.w)))
        set_err(errmsg, "cannot commit %s: %s", tmp, xap_wdb_last_error(fill.w));
    if (xap_wdb_close(fill.w) && xs == XAP_OK) {
        xs = XAP_ERR_OTHER;
        set_err(errmsg, "cannot close %s", tmp);
    }
    fill.w = NULL;
    if (xs) {
        st = from_xap(xs);
        goto out;
    }
    if ((st = swap_in(tmp, out, dst_exists, errmsg)))
        goto out;
    tmp_made = false;
    if (n_words)
        *n_words = fill.added;
out:
    xap_db_close(all);
    if (tmp_made)
        rm_tree(tmp);
    return st;
}

ch_status shards_stub_put_first(const char *stub, const char *path, bool *added, char **errmsg)
{
    if (added)
        *added = false;
    if (errmsg)
        *errmsg = NULL;
    if (!stub || !*stub || !path || !*path)
        return CH_ERR_ARG;
    char abs[PATH_MAX];
    if (!realpath(path, abs)) {
        set_err(errmsg, "cannot resolve %s: %s", path, strerror(errno));
        return CH_ERR_IO;
    }
    shards_entry *v = NULL, *nv = NULL;
    size_t n = 0;
    ch_status st = shards_stub_read(stub, &v, &n);
    if (st) {
        set_err(errmsg, "cannot read %s: %s", stub, ch_status_str(st));
        return st;
    }
    for (size_t i = 0; i < n; i++)
        if (v[i].kind == SHARDS_LOCAL && strcmp(v[i].path, abs) == 0)
            goto out; /* listed already */
    if (!(nv = calloc(n + 1, sizeof *nv))) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    /* The strings are borrowed from v and abs; nv itself is freed alone. */
    nv[0].kind = SHARDS_LOCAL;
    nv[0].path = abs;
    if (n)
        memcpy(nv + 1, v, n * sizeof *v);
    if ((st = shards_stub_write(stub, nv, n + 1))) {
        set_err(errmsg, "cannot write %s: %s", stub, ch_status_str(st));
        goto out;
    }
    if (added)
        *added = true;
out:
    free(nv);
    shards_entries_free(v, n);
    return st;
}
