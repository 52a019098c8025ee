#include "common/paths.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHOUETTE_DATADIR
#error "CHOUETTE_DATADIR must be defined (the Makefile passes -DCHOUETTE_DATADIR=\"...\")"
#endif

const char *paths_datadir(void)
{
    const char *env = getenv("CHOUETTE_DATA");
    if (env && *env)
        return env;
    return CHOUETTE_DATADIR;
}

/* True when rel names something below a directory: relative, not empty, no ".." component. */
static bool rel_is_safe(const char *rel)
{
    if (!rel || !*rel || rel[0] == '/')
        return false;
    const char *p = rel;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

ch_status paths_data_file(const char *rel, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return CH_ERR_ARG;
    out[0] = '\0';
    if (!rel_is_safe(rel))
        return CH_ERR_ARG;
    const char *dir = paths_datadir();
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--;
    const char *sep = (dlen == 1 && dir[0] == '/') ? "" : "/";
    int n = snprintf(out, outlen, "%.*s%s%s", (int)dlen, dir, sep, rel);
    if (n < 0 || (size_t)n >= outlen) {
        out[0] = '\0';
        return CH_ERR_LIMIT;
    }
    return CH_OK;
}
