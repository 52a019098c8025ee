#include "common/html.h"

#include <stdbool.h>
#include <string.h>

ch_status html_escape_n(buf_t *out, const char *s, size_t len)
{
    ch_status st = CH_OK;
    size_t run = 0; /* bytes at s[i - run .. i) copied as they are */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *ent = NULL;
        bool drop = false;
        switch (c) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            drop = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
            break;
        }
        if (!ent && !drop) {
            run++;
            continue;
        }
        if (run && (st = buf_append(out, s + i - run, run)) != CH_OK)
            return st;
        run = 0;
        if (ent && (st = buf_append_str(out, ent)) != CH_OK)
            return st;
    }
    if (run)
        st = buf_append(out, s + len - run, run);
    return st;
}

ch_status html_escape(buf_t *out, const char *s)
{
    return html_escape_n(out, s ? s : "", s ? strlen(s) : 0);
}
