#include "common/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *ch_status_str(ch_status st)
{
    switch (st) {
    case CH_OK:
        return "success";
    case CH_ERR_NOMEM:
        return "out of memory";
    case CH_ERR_LIMIT:
        return "size limit exceeded";
    case CH_ERR_PARSE:
        return "malformed input";
    case CH_ERR_IO:
        return "input/output error";
    case CH_ERR_NOTFOUND:
        return "not found";
    case CH_ERR_ARG:
        return "invalid argument";
    case CH_ERR_UNSUPPORTED:
        return "unsupported";
    case CH_ERR_EOF:
        return "end of input";
    case CH_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown status";
}

void ch_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
