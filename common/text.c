#include "common/text.h"

#include <string.h>

/* ---- UTF-8 decoding ------------------------------------------------------------------------ */

uint32_t text_utf8_next(const char *s, size_t len, size_t *pos)
{
    const unsigned char *p = (const unsigned char *)s + *pos;
    size_t avail = len - *pos;
    unsigned char c = p[0];
    if (c < 0x80) {
        *pos += 1;
        return c;
    }
    size_t need;
    uint32_t cp;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0Fu;
        if (c == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07u;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing past U+10FFFF */
    } else {
        *pos += 1; /* stray continuation byte, C0, C1, F5..FF */
        return TEXT_REPLACEMENT_CHAR;
    }
    for (size_t i = 1; i <= need; i++) {
        unsigned char b = i < avail ? p[i] : 0;
        unsigned char blo = i == 1 ? lo : 0x80, bhi = i == 1 ? hi : 0xBF;
        if (i >= avail || b < blo || b > bhi) {
            *pos += i; /* the maximal subpart: lead byte plus the valid continuations */
            return TEXT_REPLACEMENT_CHAR;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    *pos += need + 1;
    return cp;
}

size_t text_utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = TEXT_REPLACEMENT_CHAR;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static ch_status append_cp(buf_t *out, uint32_t cp)
{
    char tmp[4];
    size_t n = text_utf8_encode(cp, tmp);
    return buf_append(out, tmp, n);
}

bool text_utf8_valid(const char *s, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        /* ASCII, most of the text: no decoding, eight bytes at a time where it can */
        uint64_t eight;
        if (len - pos >= 8 && (memcpy(&eight, s + pos, 8), !(eight & 0x8080808080808080ull))) {
            pos += 8;
            continue;
        }
        if ((unsigned char)s[pos] < 0x80) {
            pos++;
            continue;
        }
        size_t before = pos;
        uint32_t cp = text_utf8_next(s, len, &pos);
        /* A real U+FFFD in the input is 3 bytes EF BF BD; a substituted one is not. */
        if (cp == TEXT_REPLACEMENT_CHAR &&
            !(pos - before == 3 && memcmp(s + before, "\xEF\xBF\xBD", 3) == 0))
            return false;
    }
    return true;
}

ch_status text_utf8_repair(const char *s, size_t len, buf_t *out)
{
    size_t pos = 0;
    while (pos < len) {
        size_t start = pos;
        uint32_t cp = text_utf8_next(s, len, &pos);
        ch_status st = cp == TEXT_REPLACEMENT_CHAR ? append_cp(out, cp)
                                                   : buf_append(out, s + start, pos - start);
        if (st)
            return st;
    }
    return CH_OK;
}

/* ---- folding ----------------------------------------------------------------------------- */

/* U+00C0..U+00FF. A letter is the folded form; '1' = "ae", '2' = "th", '3' = "ss",
 * '*' = unchanged (multiplication and division signs). */
static const char latin1_fold[64 + 1] = "aaaaaa1ceeeeiiiidnooooo*ouuuuy23"
                                        "aaaaaa1ceeeeiiiidnooooo*ouuuuy2y";

/* U+0100..U+017F (Latin Extended-A). '1' = "ij", '2' = "oe". */
static const char latin_ext_a_fold[128 + 1] = "aaaaaaccccccccddddeeeeeeeeee" /* 0100..011B */
                                              "gggggggghhhh"                 /* 011C..0127 */
                                              "iiiiiiiiii11jjkkk"            /* 0128..0138 */
                                              "llllllllllnnnnnnnnn"          /* 0139..014B */
                                              "oooooo22rrrrrrssssssss"       /* 014C..0161 */
                                              "tttttt"
                                              "uuuuuuuuuuuu"  /* 0162..0173 */
                                              "wwyyyzzzzzzs"; /* 0174..017F */

static size_t put_str(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n);
    return n;
}

static size_t put_char(char *out, char c)
{
    out[0] = c;
    return 1;
}

/* Greek: the folded lowercase letter, without tonos or dialytika, or 0 for no rule. */
static uint32_t fold_greek(uint32_t cp)
{
    switch (cp) {
    case 0x0386:
    case 0x03AC:
        return 0x03B1; /* alpha */
    case 0x0388:
    case 0x03AD:
        return 0x03B5; /* epsilon */
    case 0x0389:
    case 0x03AE:
        return 0x03B7; /* eta */
    case 0x038A:
    case 0x0390:
    case 0x03AA:
    case 0x03AF:
    case 0x03CA:
        return 0x03B9; /* iota */
    case 0x038C:
    case 0x03CC:
        return 0x03BF; /* omicron */
    case 0x038E:
    case 0x03AB:
    case 0x03B0:
    case 0x03CB:
    case 0x03CD:
        return 0x03C5; /* upsilon */
    case 0x038F:
    case 0x03CE:
        return 0x03C9; /* omega */
    case 0x03C2:
        return 0x03C3; /* final sigma */
    default:
        break;
    }
    if ((cp >= 0x0391 && cp <= 0x03A1) || (cp >= 0x03A3 && cp <= 0x03A9))
        return cp + 0x20;
    return 0;
}

/* Cyrillic: the lowercase letter (ё and Ё -> е), or 0 for no rule. */
static uint32_t fold_cyrillic(uint32_t cp)
{
    if (cp == 0x0401 || cp == 0x0451 || cp == 0x0400 || cp == 0x0450)
        return 0x0435;
    if (cp >= 0x0400 && cp <= 0x040F)
        return cp + 0x50;
    if (cp >= 0x0410 && cp <= 0x042F)
        return cp + 0x20;
    if ((cp >= 0x0460 && cp <= 0x0481) || (cp >= 0x048A && cp <= 0x04BF) ||
        (cp >= 0x04D0 && cp <= 0x052F))
        return (cp & 1u) ? 0 : cp + 1;
    if (cp == 0x04C0)
        return 0x04CF;
    if (cp >= 0x04C1 && cp <= 0x04CE)
        return (cp & 1u) ? cp + 1 : 0;
    return 0;
}

size_t text_fold_cp_to(uint32_t cp, char out[TEXT_FOLD_CP_MAX])
{
    if (cp < 0x80) {
        char c = (char)cp;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        return put_char(out, c);
    }
    if (cp >= 0xC0 && cp <= 0xFF) {
        char f = latin1_fold[cp - 0xC0];
        switch (f) {
        case '1':
            return put_str(out, "ae");
        case '2':
            return put_str(out, "th");
        case '3':
            return put_str(out, "ss");
        case '*':
            return text_utf8_encode(cp, out);
        default:
            return put_char(out, f);
        }
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        char f = latin_ext_a_fold[cp - 0x100];
        if (f == '1')
            return put_str(out, "ij");
        if (f == '2')
            return put_str(out, "oe");
        return put_char(out, f);
    }
    switch (cp) {
    case 0x00A0: /* no-break space */
    case 0x2007:
    case 0x202F:
    case 0x3000: /* ideographic space */
        return put_char(out, ' ');
    case 0x00AD: /* soft hyphen */
    case 0x200B: /* zero-width space, joiners */
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0xFEFF:
        return 0;
    case 0x2018: /* typographic apostrophes and quotes */
    case 0x2019:
    case 0x02BC:
    case 0x2032:
        return put_char(out, '\'');
    case 0x00AA:
        return put_char(out, 'a');
    case 0x00BA:
        return put_char(out, 'o');
    case 0x00B5:
        return text_utf8_encode(0x03BC, out); /* micro sign -> mu */
    case 0x1E9E:
        return put_str(out, "ss"); /* capital sharp s */
    case 0x01A0:
    case 0x01A1:
        return put_char(out, 'o');
    case 0x01AF:
    case 0x01B0:
        return put_char(out, 'u');
    case 0x0218:
    case 0x0219:
        return put_char(out, 's');
    case 0x021A:
    case 0x021B:
        return put_char(out, 't');
    case 0xFB00:
        return put_str(out, "ff");
    case 0xFB01:
        return put_str(out, "fi");
    case 0xFB02:
        return put_str(out, "fl");
    case 0xFB03:
        return put_str(out, "ffi");
    case 0xFB04:
        return put_str(out, "ffl");
    case 0xFB05:
    case 0xFB06:
        return put_str(out, "st");
    default:
        break;
    }
    if (cp >= 0x0300 && cp <= 0x036F)
        return 0; /* combining diacritical marks (decomposed accents) */
    if (cp >= 0x2000 && cp <= 0x200A)
        return put_char(out, ' ');
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return text_fold_cp_to(cp - 0xFEE0, out); /* fullwidth ASCII */
    if (cp >= 0x0370 && cp <= 0x03FF) {
        uint32_t g = fold_greek(cp);
        return text_utf8_encode(g ? g : cp, out);
    }
    if (cp >= 0x0400 && cp <= 0x052F) {
        uint32_t c = fold_cyrillic(cp);
        return text_utf8_encode(c ? c : cp, out);
    }
    return text_utf8_encode(cp, out);
}

ch_status text_fold_cp(uint32_t cp, buf_t *out)
{
    char tmp[TEXT_FOLD_CP_MAX];
    size_t n = text_fold_cp_to(cp, tmp);
    return n ? buf_append(out, tmp, n) : CH_OK;
}

ch_status text_fold(const char *in, size_t len, buf_t *out)
{
    size_t pos = 0;
    while (pos < len) {
        /* Fast path for runs of plain ASCII. */
        unsigned char c = (unsigned char)in[pos];
        if (c < 0x80) {
            char l = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
            ch_status st = buf_append(out, &l, 1);
            if (st)
                return st;
            pos++;
            continue;
        }
        uint32_t cp = text_utf8_next(in, len, &pos);
        ch_status st = text_fold_cp(cp, out);
        if (st)
            return st;
    }
    return CH_OK;
}

size_t text_fold_to(const char *in, size_t len, char *out, size_t cap)
{
    size_t pos = 0, n = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)in[pos];
        if (c < 0x80) {
            if (n == cap)
                return SIZE_MAX;
            out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
            pos++;
            continue;
        }
        char tmp[TEXT_FOLD_CP_MAX];
        size_t k = text_fold_cp_to(text_utf8_next(in, len, &pos), tmp);
        if (k > cap - n)
            return SIZE_MAX;
        memcpy(out + n, tmp, k);
        n += k;
    }
    return n;
}

/* ---- words --------------------------------------------------------------------------------- */

bool text_is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp == 0xAA || cp == 0xB5 || cp == 0xBA)
        return true;
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return false;
    if (cp >= 0x02C2 && cp <= 0x02FF)
        return false; /* spacing modifier symbols */
    switch (cp) {
    case 0x037E:
    case 0x0387:
    case 0x0589:
    case 0x05BE:
    case 0x05C0:
    case 0x05C3:
    case 0x05F3:
    case 0x05F4:
    case 0x060C:
    case 0x061B:
    case 0x061F:
    case 0x06D4:
    case 0x0964:
    case 0x0965:
    case 0x0E4F:
    case 0x0E5A:
    case 0x0E5B:
        return false;
    default:
        break;
    }
    if (cp >= 0x055A && cp <= 0x055F)
        return false;
    if (cp >= 0x066A && cp <= 0x066D)
        return false;
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return false; /* punctuation, symbols, arrows, math, boxes, dingbats */
    if (cp >= 0x2E00 && cp <= 0x2E7F)
        return false;
    if (cp >= 0x3000 && cp <= 0x303F)
        return false; /* CJK punctuation */
    if (cp >= 0xD800 && cp <= 0xF8FF)
        return false; /* surrogates, private use */
    if ((cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE6F))
        return false;
    if (cp >= 0xFF00 && cp <= 0xFF65) {
        return (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
               (cp >= 0xFF41 && cp <= 0xFF5A);
    }
    if (cp >= 0xFFF0 && cp <= 0xFFFF)
        return false; /* specials, U+FFFD */
    if (cp >= 0x1F000 && cp <= 0x1FAFF)
        return false; /* emoji and pictographs */
    if (cp >= 0xE0000)
        return false; /* tags, private use planes */
    return true;
}

void text_words_init(text_words *it, const char *text, size_t len)
{
    it->text = text;
    it->len = len;
    it->pos = 0;
}

static bool is_ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool text_next_word(text_words *it, size_t *start, size_t *wlen)
{
    const unsigned char *t = (const unsigned char *)it->text;
    size_t pos = it->pos;
    while (pos < it->len) {
        size_t at = pos;
        /* ASCII bytes are decoded and classified inline (the same answers as text_utf8_next
         * and text_is_word_cp), the rest through them. */
        if (t[pos] < 0x80) {
            if (!is_ascii_alnum(t[pos++]))
                continue;
        } else if (!text_is_word_cp(text_utf8_next(it->text, it->len, &pos))) {
            continue;
        }
        size_t end = pos;
        while (end < it->len) {
            if (t[end] < 0x80) {
                if (!is_ascii_alnum(t[end]))
                    break;
                end++;
                continue;
            }
            size_t next = end;
            uint32_t c2 = text_utf8_next(it->text, it->len, &next);
            if (!text_is_word_cp(c2))
                break;
            end = next;
        }
        it->pos = end;
        *start = at;
        *wlen = end - at;
        return true;
    }
    it->pos = pos;
    return false;
}

/* ---- leetspeak and repeats ------------------------------------------------------------------- */

static bool is_ascii_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_leet_run_char(unsigned char c)
{
    return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '@' || c == '$';
}

static char unleet_char(char c)
{
    switch (c) {
    case '0':
        return 'o';
    case '1':
        return 'i';
    case '3':
        return 'e';
    case '4':
    case '@':
        return 'a';
    case '5':
    case '$':
        return 's';
    case '7':
        return 't';
    default:
        return c;
    }
}

ch_status text_unleet(const char *in, size_t len, buf_t *out)
{
    size_t pos = 0;
    while (pos < len) {
        if (!is_leet_run_char((unsigned char)in[pos])) {
            size_t end = pos;
            while (end < len && !is_leet_run_char((unsigned char)in[end]))
                end++;
            ch_status st = buf_append(out, in + pos, end - pos);
            if (st)
                return st;
            pos = end;
            continue;
        }
        size_t end = pos;
        bool has_letter = false;
        while (end < len && is_leet_run_char((unsigned char)in[end])) {
            if (is_ascii_letter((unsigned char)in[end]))
                has_letter = true;
            end++;
        }
        for (size_t i = pos; i < end; i++) {
            char c = has_letter ? unleet_char(in[i]) : in[i];
            ch_status st = buf_append(out, &c, 1);
            if (st)
                return st;
        }
        pos = end;
    }
    return CH_OK;
}

ch_status text_collapse_repeats(const char *in, size_t len, size_t max_run, buf_t *out)
{
    if (max_run == 0)
        max_run = 1;
    size_t pos = 0, run = 0;
    uint32_t prev = 0;
    bool have_prev = false;
    while (pos < len) {
        size_t start = pos;
        uint32_t cp = text_utf8_next(in, len, &pos);
        bool letter = text_is_word_cp(cp) && !(cp >= '0' && cp <= '9');
        if (letter && have_prev && cp == prev) {
            run++;
        } else {
            run = 1;
        }
        prev = cp;
        have_prev = true;
        if (letter && run > max_run)
            continue;
        ch_status st = cp == TEXT_REPLACEMENT_CHAR ? append_cp(out, cp)
                                                   : buf_append(out, in + start, pos - start);
        if (st)
            return st;
    }
    return CH_OK;
}
