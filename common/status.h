/* Status codes shared by every module: 0 is success, anything else names the problem. */
#ifndef CHOUETTE_STATUS_H
#define CHOUETTE_STATUS_H

#include <stddef.h>

typedef enum {
    CH_OK = 0,
    CH_ERR_NOMEM,       /* an allocation failed */
    CH_ERR_LIMIT,       /* a named, documented cap was hit (buffer, size, count) */
    CH_ERR_PARSE,       /* malformed input */
    CH_ERR_IO,          /* a read, write, open or close failed; errno tells more */
    CH_ERR_NOTFOUND,    /* the thing asked for does not exist */
    CH_ERR_ARG,         /* the caller passed an invalid argument */
    CH_ERR_UNSUPPORTED, /* valid input that we do not handle (e.g. an unknown scheme) */
    CH_ERR_EOF,         /* end of input reached cleanly */
    CH_ERR_INTERNAL,    /* a bug or a library failure that should not happen */
} ch_status;

/* A short English description of a status, for error messages. Never NULL. */
const char *ch_status_str(ch_status st);

/* printf into the caller's message buffer err[0..errlen), cut to fit; nothing when err is NULL
 * or errlen is 0 (the caller did not ask for a message). */
void ch_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
