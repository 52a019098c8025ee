#include "server/escape.h"

#include <stdbool.h>
#include <string.h>

ch_status srv_xml_escape(buf_t *out, const char *s)
{
    return html_escape(out, s);
}

ch_status srv_url_encode(buf_t *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    ch_status st = CH_OK;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && st == CH_OK; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            st = buf_append_char(out, (char)c);
        } else if (c == ' ') {
            st = buf_append_char(out, '+');
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            st = buf_append(out, e, 3);
        }
    }
    return st;
}
