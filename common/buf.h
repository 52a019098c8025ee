/* Capped growable byte buffers, in the manner of curl's dynbuf.
 *
 * Every buffer fed by the outside world is created with a hard maximum size. Appending past it
 * fails with CH_ERR_LIMIT and leaves the buffer as it was: the caller sees the problem, nothing
 * is silently truncated. The contents are always followed by a NUL byte (not counted in len),
 * so text can be handed to string functions directly. */
#ifndef CHOUETTE_BUF_H
#define CHOUETTE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "common/status.h"

typedef struct {
    char *data;   /* NULL until the first append; then NUL-terminated */
    size_t len;   /* bytes used, without the trailing NUL */
    size_t alloc; /* bytes allocated */
    size_t max;   /* hard cap on len */
} buf_t;

/* Prepare an empty buffer that may hold at most max bytes. Allocates nothing. */
void buf_init(buf_t *b, size_t max);

/* Release the memory; the buffer is empty and may be reused with the same cap. */
void buf_free(buf_t *b);

/* Forget the contents but keep the memory for reuse. */
void buf_reset(buf_t *b);

/* Append n bytes. CH_ERR_LIMIT past the cap, CH_ERR_NOMEM on allocation failure; on either
 * the buffer is unchanged. */
ch_status buf_append(buf_t *b, const void *p, size_t n);
ch_status buf_append_str(buf_t *b, const char *s);
ch_status buf_append_char(buf_t *b, char c);

/* Append printf-style formatted text, with the same failure rules as buf_append. */
ch_status buf_appendf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ch_status buf_vappendf(buf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The contents as a C string: "" when empty, never NULL. Valid until the next change. */
const char *buf_str(const buf_t *b);

/* Hand the memory to the caller (free() it) and leave the buffer empty. Returns a NUL-terminated
 * string ("" allocated when the buffer was empty) or NULL on allocation failure. */
char *buf_steal(buf_t *b, size_t *len);

/* Shorten the contents to n bytes (n <= len). */
void buf_truncate(buf_t *b, size_t n);

/* Growable arrays of any element type. Make the malloc'd array whose pointer is at arrp (a
 * T ** passed as void *) hold at least `need` elements of `elem` bytes: its capacity *cap is
 * doubled (from first_cap when it is 0) until it does. Contents are kept. CH_ERR_NOMEM when the
 * allocation fails or the size overflows; the array and *cap are then unchanged. */
ch_status buf_reserve_array(void *arrp, size_t *cap, size_t need, size_t elem, size_t first_cap);

#endif
