#include "common/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf_t *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->max = max;
}

void buf_free(buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Make room for extra more bytes plus the NUL, growing geometrically. */
static ch_status buf_reserve(buf_t *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return CH_ERR_LIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return CH_OK;
    size_t grown = b->alloc ? b->alloc : 64;
    while (grown < need)
        grown = grown > ((size_t)-1) / 2 ? need : grown * 2;
    if (grown > b->max + 1)
        grown = b->max + 1;
    char *p = realloc(b->data, grown);
    if (!p)
        return CH_ERR_NOMEM;
    b->data = p;
    b->alloc = grown;
    return CH_OK;
}

ch_status buf_append(buf_t *b, const void *p, size_t n)
{
    ch_status st = buf_reserve(b, n);
    if (st)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CH_OK;
}

ch_status buf_append_str(buf_t *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

ch_status buf_append_char(buf_t *b, char c)
{
    return buf_append(b, &c, 1);
}

ch_status buf_vappendf(buf_t *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return CH_ERR_ARG;
    ch_status st = buf_reserve(b, (size_t)n);
    if (st)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return CH_OK;
}

ch_status buf_appendf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ch_status st = buf_vappendf(b, fmt, ap);
    va_end(ap);
    return st;
}

const char *buf_str(const buf_t *b)
{
    return b->data ? b->data : "";
}

char *buf_steal(buf_t *b, size_t *len)
{
    char *p = b->data;
    if (!p) {
        p = calloc(1, 1);
        if (!p)
            return NULL;
    }
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    return p;
}

void buf_truncate(buf_t *b, size_t n)
{
    if (n < b->len) {
        b->len = n;
        b->data[n] = '\0';
    }
}

ch_status buf_reserve_array(void *arrp, size_t *cap, size_t need, size_t elem, size_t first_cap)
{
    if (need <= *cap)
        return CH_OK;
    if (elem == 0)
        return CH_ERR_ARG;
    size_t ncap = *cap ? *cap : (first_cap ? first_cap : 1);
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return CH_ERR_NOMEM;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return CH_ERR_NOMEM;
    void *arr;
    memcpy(&arr, arrp, sizeof arr); /* the caller's T *, read without an aliasing cast */
    void *p = realloc(arr, ncap * elem);
    if (!p)
        return CH_ERR_NOMEM;
    memcpy(arrp, &p, sizeof p);
    *cap = ncap;
    return CH_OK;
}
