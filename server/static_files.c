#include "server/static_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char *name;
    char *data;
    size_t len;
    const char *type;
} static_file;

struct srv_static_files {
    static_file f[SRV_STATIC_MAX_FILES];
    size_t n;
};

static bool name_ok(const char *name)
{
    if (!name || !*name || name[0] == '.' || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return strstr(name, "..") == NULL;
}

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

srv_static_files *srv_static_empty(void)
{
    return calloc(1, sizeof(srv_static_files));
}

ch_status srv_static_add(srv_static_files *f, const char *name, const void *data, size_t len)
{
    if (!name_ok(name) || !type_of(name))
        return CH_ERR_ARG;
    if (f->n >= SRV_STATIC_MAX_FILES || len > SRV_STATIC_MAX_FILE_BYTES)
        return CH_ERR_LIMIT;
    char *n = strdup(name);
    char *d = malloc(len + 1); /* NUL-terminated too, for text files */
    if (!n || !d) {
        free(n);
        free(d);
        return CH_ERR_NOMEM;
    }
    if (len)
        memcpy(d, data, len);
    d[len] = '\0';
    static_file *e = &f->f[f->n++];
    e->name = n;
    e->data = d;
    e->len = len;
    e->type = type_of(name);
    return CH_OK;
}

/* Read a whole regular file of at most SRV_STATIC_MAX_FILE_BYTES. */
static ch_status read_file(int dfd, const char *name, char **out, size_t *len)
{
    ch_status st = CH_ERR_IO;
    char *data = NULL;
    *out = NULL;
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return CH_ERR_IO;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        goto out;
    if (sb.st_size > (off_t)SRV_STATIC_MAX_FILE_BYTES) {
        st = CH_ERR_LIMIT;
        goto out;
    }
    size_t size = (size_t)sb.st_size, got = 0;
    data = malloc(size ? size : 1);
    if (!data) {
        st = CH_ERR_NOMEM;
        goto out;
    }
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto out;
        got += (size_t)r;
    }
    *out = data;
    *len = size;
    data = NULL;
    st = CH_OK;
out:
    free(data);
    close(fd);
    return st;
}

ch_status srv_static_load(const char *dir, srv_static_files **out, char *err, size_t errlen)
{
    ch_status st = CH_OK;
    *out = NULL;
    srv_static_files *f = srv_static_empty();
    DIR *d = NULL;
    if (!f)
        return CH_ERR_NOMEM;
    d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open the static files folder", dir);
        st = CH_ERR_IO;
        goto out;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!name_ok(e->d_name) || !type_of(e->d_name))
            continue;
        char *data = NULL;
        size_t len = 0;
        st = read_file(dirfd(d), e->d_name, &data, &len);
        if (st == CH_OK) {
            st = srv_static_add(f, e->d_name, data, len);
            free(data);
        }
        if (st != CH_OK) {
            snprintf(err, errlen, "%s/%s: %s", dir, e->d_name, ch_status_str(st));
            goto out;
        }
    }
out:
    if (d)
        closedir(d);
    if (st != CH_OK)
        srv_static_free(f);
    else
        *out = f;
    return st;
}

const void *srv_static_find(const srv_static_files *f, const char *name, size_t *len,
                            const char **type)
{
    if (!f || !name_ok(name))
        return NULL;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->f[i].name, name) == 0) {
            *len = f->f[i].len;
            *type = f->f[i].type;
            return f->f[i].data;
        }
    }
    return NULL;
}

void srv_static_free(srv_static_files *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->f[i].name);
        free(f->f[i].data);
    }
    free(f);
}
