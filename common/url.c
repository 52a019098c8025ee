/* URLs: RFC 3986 parsing, resolution (section 5.2) and crawl normalisation. See url.h. */
#include "common/url.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"

/* Host names (RFC 1035 / 5890). */
/* Scratch paths: percent-encoding can triple a component before dot segments shrink it; the
 * result is still held to URL_MAX_LEN. */
#define URL_MAX_WORK (3 * URL_MAX_LEN)
#define URL_MAX_HOST 253
#define URL_MAX_LABEL 63

/* ---- character classes (RFC 3986 section 2) ------------------------------------------------ */

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_sub_delim(unsigned char c)
{
    return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* Control characters and space: never allowed inside a URL. */
static bool is_ctl_or_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Length of the scheme at the start of s (without ':'), or 0 when s does not start with
 * ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". */
static size_t scheme_len(const char *s, size_t n)
{
    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':')
            return i;
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

static bool scheme_is_http(const char *s, size_t n)
{
    return (n == 4 && strncasecmp(s, "http", 4) == 0) ||
           (n == 5 && strncasecmp(s, "https", 5) == 0);
}

/* ---- parsing ------------------------------------------------------------------------------- */

void url_free(url_t *u)
{
    if (!u)
        return;
    free(u->scheme);
    free(u->userinfo);
    free(u->host);
    free(u->port);
    free(u->path);
    free(u->query);
    free(u->fragment);
    free(u);
}

static ch_status dup_range(const char *s, size_t n, char **out)
{
    *out = strndup(s, n);
    return *out ? CH_OK : CH_ERR_NOMEM;
}

/* A host as written between "//[userinfo@]" and ":port": an IP literal "[v6]" or a reg-name
 * (unreserved / pct-encoded / sub-delims, plus bytes >= 0x80 for IDNs). */
static ch_status check_host(const char *h, size_t n)
{
    if (n > 0 && h[0] == '[') {
        char tmp[64];
        unsigned char addr[16];
        if (n < 3 || h[n - 1] != ']' || n - 2 >= sizeof tmp)
            return CH_ERR_PARSE;
        memcpy(tmp, h + 1, n - 2);
        tmp[n - 2] = '\0';
        return inet_pton(AF_INET6, tmp, addr) == 1 ? CH_OK : CH_ERR_PARSE;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (c == '%') {
            if (i + 2 >= n || url_hex_digit_value((unsigned char)h[i + 1]) < 0 ||
                url_hex_digit_value((unsigned char)h[i + 2]) < 0)
                return CH_ERR_PARSE;
            i += 2;
            continue;
        }
        if (!url_is_unreserved(c) && !is_sub_delim(c) && c < 0x80)
            return CH_ERR_PARSE;
    }
    return CH_OK;
}

/* Split "[userinfo@]host[:port]" into u. */
static ch_status parse_authority(const char *a, size_t n, url_t *u)
{
    ch_status st;
    const char *at = NULL;
    for (size_t i = 0; i < n; i++) /* the last '@', as browsers do */
        if (a[i] == '@')
            at = a + i;
    if (at) {
        if ((st = dup_range(a, (size_t)(at - a), &u->userinfo)))
            return st;
        n -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    size_t host_len;
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (!close)
            return CH_ERR_PARSE;
        host_len = (size_t)(close + 1 - a);
        if (host_len < n && a[host_len] != ':')
            return CH_ERR_PARSE;
    } else {
        const char *colon = memchr(a, ':', n);
        host_len = colon ? (size_t)(colon - a) : n;
    }
    if ((st = check_host(a, host_len)))
        return st;
    if ((st = dup_range(a, host_len, &u->host)))
        return st;
    if (host_len < n) { /* a[host_len] == ':' */
        const char *p = a + host_len + 1;
        size_t plen = n - host_len - 1;
        long v = 0;
        for (size_t i = 0; i < plen; i++) {
            if (!is_digit((unsigned char)p[i]))
                return CH_ERR_PARSE;
            v = v * 10 + (p[i] - '0');
            if (v > 65535)
                return CH_ERR_PARSE;
        }
        if ((st = dup_range(p, plen, &u->port)))
            return st;
        u->port_num = plen ? (int)v : -1;
    }
    return CH_OK;
}

/* Parse the n bytes at s (already checked for length). */
static ch_status parse_range(const char *s, size_t n, url_t **out)
{
    ch_status st = CH_OK;
    *out = NULL;
    url_t *u = calloc(1, sizeof *u);
    if (!u)
        return CH_ERR_NOMEM;
    u->port_num = -1;
    for (size_t i = 0; i < n; i++) {
        if (is_ctl_or_space((unsigned char)s[i])) {
            st = CH_ERR_PARSE;
            goto out;
        }
    }
    size_t i = scheme_len(s, n);
    if (i > 0) {
        if ((st = dup_range(s, i, &u->scheme)))
            goto out;
        i++; /* ':' */
    }
    if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        size_t start = i + 2, end = start;
        while (end < n && s[end] != '/' && s[end] != '?' && s[end] != '#')
            end++;
        if ((st = parse_authority(s + start, end - start, u)))
            goto out;
        i = end;
    }
    size_t end = i;
    while (end < n && s[end] != '?' && s[end] != '#')
        end++;
    if ((st = dup_range(s + i, end - i, &u->path)))
        goto out;
    i = end;
    if (i < n && s[i] == '?') {
        end = ++i;
        while (end < n && s[end] != '#')
            end++;
        if ((st = dup_range(s + i, end - i, &u->query)))
            goto out;
        i = end;
    }
    if (i < n && s[i] == '#') {
        i++;
        if ((st = dup_range(s + i, n - i, &u->fragment)))
            goto out;
    }
out:
    if (st)
        url_free(u);
    else
        *out = u;
    return st;
}

ch_status url_parse(const char *s, url_t **out)
{
    if (out)
        *out = NULL;
    if (!s || !out)
        return CH_ERR_ARG;
    size_t n = strnlen(s, URL_MAX_LEN + 1);
    if (n > URL_MAX_LEN)
        return CH_ERR_LIMIT;
    return parse_range(s, n, out);
}

/* ---- recomposition (5.3) ------------------------------------------------------------------- */

static ch_status append_opt(buf_t *b, const char *prefix, const char *s)
{
    ch_status st;
    if (!s)
        return CH_OK;
    if (prefix && (st = buf_append_str(b, prefix)))
        return st;
    return buf_append_str(b, s);
}

static ch_status format_into(buf_t *b, const url_t *u)
{
    ch_status st;
    if (u->scheme && ((st = buf_append_str(b, u->scheme)) || (st = buf_append_char(b, ':'))))
        return st;
    if (u->host) {
        if ((st = buf_append_str(b, "//")))
            return st;
        if (u->userinfo &&
            ((st = buf_append_str(b, u->userinfo)) || (st = buf_append_char(b, '@'))))
            return st;
        if ((st = buf_append_str(b, u->host)) || (st = append_opt(b, ":", u->port)))
            return st;
    }
    if ((st = buf_append_str(b, u->path ? u->path : "")))
        return st;
    if ((st = append_opt(b, "?", u->query)) || (st = append_opt(b, "#", u->fragment)))
        return st;
    return CH_OK;
}

/* Hand a buffer's contents to *out, or free it on error. */
static ch_status finish(buf_t *b, ch_status st, char **out)
{
    *out = NULL;
    if (st == CH_OK) {
        *out = buf_steal(b, NULL);
        if (!*out)
            st = CH_ERR_NOMEM;
    }
    buf_free(b);
    return st;
}

ch_status url_format(const url_t *u, char **out)
{
    if (out)
        *out = NULL;
    if (!u || !out)
        return CH_ERR_ARG;
    buf_t b;
    buf_init(&b, URL_MAX_LEN);
    return finish(&b, format_into(&b, u), out);
}

/* ---- resolution (5.2) ---------------------------------------------------------------------- */

/* Remove the last segment and its preceding '/' (if any) from the output. */
static void drop_last_segment(buf_t *o)
{
    size_t k = o->len;
    while (k > 0 && o->data[k - 1] != '/')
        k--;
    buf_truncate(o, k > 0 ? k - 1 : 0);
}

/* remove_dot_segments (5.2.4) of path into *out (a new string). */
static ch_status remove_dot_segments(const char *path, char **out)
{
    ch_status st = CH_OK;
    buf_t o;
    buf_init(&o, URL_MAX_WORK);
    *out = NULL;
    char *in = strdup(path); /* writable: steps B and C turn "/." into "/" in place */
    if (!in)
        return CH_ERR_NOMEM;
    char *p = in;
    while (*p) {
        if (strncmp(p, "../", 3) == 0) {
            p += 3;
        } else if (strncmp(p, "./", 2) == 0) {
            p += 2;
        } else if (strncmp(p, "/./", 3) == 0) {
            p += 2;
        } else if (strcmp(p, "/.") == 0) {
            p += 1;
            *p = '/';
        } else if (strncmp(p, "/../", 4) == 0) {
            p += 3;
            drop_last_segment(&o);
        } else if (strcmp(p, "/..") == 0) {
            p += 2;
            *p = '/';
            drop_last_segment(&o);
        } else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
            break;
        } else {
            size_t k = (*p == '/') ? 1 : 0;
            while (p[k] && p[k] != '/')
                k++;
            if ((st = buf_append(&o, p, k)))
                goto out;
            p += k;
        }
    }
out:
    free(in);
    return finish(&o, st, out);
}

/* T.path = merge(Base, R.path) (5.2.3), then remove_dot_segments. */
static ch_status merge_paths(const url_t *base, const char *rpath, char **out)
{
    ch_status st;
    buf_t b;
    buf_init(&b, URL_MAX_WORK);
    *out = NULL;
    if (base->host && base->path[0] == '\0') {
        st = buf_append_char(&b, '/');
    } else {
        const char *slash = strrchr(base->path, '/');
        st = slash ? buf_append(&b, base->path, (size_t)(slash + 1 - base->path)) : CH_OK;
    }
    if (!st)
        st = buf_append_str(&b, rpath);
    if (!st)
        st = remove_dot_segments(buf_str(&b), out);
    buf_free(&b);
    return st;
}

static ch_status dup_opt(const char *s, char **out)
{
    *out = NULL;
    if (!s)
        return CH_OK;
    *out = strdup(s);
    return *out ? CH_OK : CH_ERR_NOMEM;
}

static ch_status copy_authority(const url_t *from, url_t *to)
{
    ch_status st;
    to->port_num = from->port_num;
    if ((st = dup_opt(from->userinfo, &to->userinfo)) || (st = dup_opt(from->host, &to->host)) ||
        (st = dup_opt(from->port, &to->port)))
        return st;
    return CH_OK;
}

/* The transform of 5.2.2 (strict), on parsed components. */
static ch_status resolve_parsed(const url_t *b, const url_t *r, url_t **out)
{
    ch_status st;
    *out = NULL;
    url_t *t = calloc(1, sizeof *t);
    if (!t)
        return CH_ERR_NOMEM;
    t->port_num = -1;
    if (r->scheme) {
        if ((st = dup_opt(r->scheme, &t->scheme)) || (st = copy_authority(r, t)) ||
            (st = remove_dot_segments(r->path, &t->path)) || (st = dup_opt(r->query, &t->query)))
            goto out;
    } else {
        if (r->host) {
            if ((st = copy_authority(r, t)) || (st = remove_dot_segments(r->path, &t->path)) ||
                (st = dup_opt(r->query, &t->query)))
                goto out;
        } else {
            if (r->path[0] == '\0') {
                if ((st = dup_opt(b->path, &t->path)) ||
                    (st = dup_opt(r->query ? r->query : b->query, &t->query)))
                    goto out;
            } else {
                if (r->path[0] == '/')
                    st = remove_dot_segments(r->path, &t->path);
                else
                    st = merge_paths(b, r->path, &t->path);
                if (st || (st = dup_opt(r->query, &t->query)))
                    goto out;
            }
            if ((st = copy_authority(b, t)))
                goto out;
        }
        if ((st = dup_opt(b->scheme, &t->scheme)))
            goto out;
    }
    if ((st = dup_opt(r->fragment, &t->fragment)))
        goto out;
    /* Without an authority a path starting with "//" would read back as one ("g:/.//x" gives
     * "g://x"): keep it a path with a "/." prefix, as the WHATWG URL standard does. */
    if (!t->host && t->path && strncmp(t->path, "//", 2) == 0) {
        size_t n = strlen(t->path);
        char *p = malloc(n + 3);
        if (!p) {
            st = CH_ERR_NOMEM;
            goto out;
        }
        memcpy(p, "/.", 2);
        memcpy(p + 2, t->path, n + 1);
        free(t->path);
        t->path = p;
    }
out:
    if (st)
        url_free(t);
    else
        *out = t;
    return st;
}

/* Resolve parsed inputs and format the result. */
static ch_status resolve_to_string(const url_t *b, const url_t *r, char **out)
{
    url_t *t = NULL;
    ch_status st = resolve_parsed(b, r, &t);
    if (!st)
        st = url_format(t, out);
    url_free(t);
    return st;
}

ch_status url_resolve(const char *base, const char *ref, char **out)
{
    ch_status st;
    url_t *b = NULL, *r = NULL;
    if (out)
        *out = NULL;
    if (!base || !ref || !out)
        return CH_ERR_ARG;
    if ((st = url_parse(base, &b)) || (st = url_parse(ref, &r)))
        goto out;
    if (!b->scheme) {
        st = CH_ERR_ARG;
        goto out;
    }
    st = resolve_to_string(b, r, out);
out:
    url_free(b);
    url_free(r);
    return st;
}

/* ---- normalisation ------------------------------------------------------------------------- */

/* The lenient front door of url_normalize and url_resolve_normalize: trim leading and trailing
 * spaces and controls, refuse controls inside, encode spaces inside as %20. *out is a new
 * string. CH_ERR_LIMIT when the input or the result is over URL_MAX_LEN. */
static ch_status prepare_input(const char *s, char **out)
{
    ch_status st = CH_OK;
    buf_t b;
    *out = NULL;
    size_t n = strnlen(s, URL_MAX_LEN + 1);
    if (n > URL_MAX_LEN)
        return CH_ERR_LIMIT;
    while (n > 0 && is_ctl_or_space((unsigned char)s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_ctl_or_space((unsigned char)s[n - 1]))
        n--;
    buf_init(&b, URL_MAX_LEN);
    for (size_t i = 0; i < n && !st; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ')
            st = buf_append_str(&b, "%20");
        else if (is_ctl_or_space(c))
            st = CH_ERR_PARSE;
        else
            st = buf_append_char(&b, (char)c);
    }
    return finish(&b, st, out);
}

/* CH_ERR_UNSUPPORTED when s starts with a scheme other than http or https. */
static ch_status check_scheme_supported(const char *s)
{
    size_t n = scheme_len(s, strlen(s));
    if (n > 0 && !scheme_is_http(s, n))
        return CH_ERR_UNSUPPORTED;
    return CH_OK;
}

enum comp { COMP_USERINFO, COMP_PATH, COMP_QUERY };

/* May byte c stay as it is in component comp? (RFC 3986 section 3: userinfo, pchar, query.) */
static bool allowed_in(enum comp comp, unsigned char c)
{
    if (url_is_unreserved(c) || is_sub_delim(c) || c == ':')
        return true;
    if (comp == COMP_USERINFO)
        return false;
    if (c == '@' || c == '/')
        return true;
    return comp == COMP_QUERY && c == '?';
}

/* Append s with its percent-encoding normalised (see url_normalize in url.h). */
static ch_status append_normalized(buf_t *b, const char *s, enum comp comp)
{
    static const char hex[] = "0123456789ABCDEF";
    ch_status st = CH_OK;
    for (size_t i = 0; s[i] && !st; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && url_hex_digit_value((unsigned char)s[i + 1]) >= 0 &&
            url_hex_digit_value((unsigned char)s[i + 2]) >= 0) {
            c = (unsigned char)(url_hex_digit_value((unsigned char)s[i + 1]) * 16 +
                                url_hex_digit_value((unsigned char)s[i + 2]));
            i += 2;
            if (url_is_unreserved(c)) {
                st = buf_append_char(b, (char)c);
                continue;
            }
        } else if (allowed_in(comp, c)) {
            st = buf_append_char(b, (char)c);
            continue;
        }
        char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
        st = buf_append(b, enc, 3);
    }
    return st;
}

/* A normalised ASCII host: labels of 1..63 bytes of [a-z0-9_-], at most 253 bytes in all. */
static bool ascii_host_ok(const char *h)
{
    size_t n = strlen(h), label = 0;
    if (n == 0 || n > URL_MAX_HOST)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = h[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > URL_MAX_LABEL)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || is_digit((unsigned char)c) || c == '-' || c == '_') {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

/* True when the last label of h is all digits (so h must be an IPv4 address). */
static bool last_label_numeric(const char *h)
{
    const char *dot = strrchr(h, '.');
    const char *l = dot ? dot + 1 : h;
    if (*l == '\0')
        return false;
    for (; *l; l++)
        if (!is_digit((unsigned char)*l))
            return false;
    return true;
}

/* Convert one label (n bytes at l) to ASCII with libidn2 when it needs it, appending to b. */
static ch_status append_label(buf_t *b, const char *l, size_t n)
{
    bool needs_idn = n >= 4 && strncmp(l, "xn--", 4) == 0;
    for (size_t i = 0; i < n && !needs_idn; i++)
        if ((unsigned char)l[i] >= 0x80)
            needs_idn = true;
    if (!needs_idn)
        return buf_append(b, l, n);
    char *label = strndup(l, n), *ascii = NULL;
    if (!label)
        return CH_ERR_NOMEM;
    int rc = idn2_to_ascii_8z(label, &ascii, IDN2_NONTRANSITIONAL);
    free(label);
    if (rc == IDN2_MALLOC)
        return CH_ERR_NOMEM;
    if (rc != IDN2_OK)
        return CH_ERR_PARSE;
    ch_status st = buf_append_str(b, ascii);
    idn2_free(ascii);
    return st;
}

/* Normalise host h (as parsed, non-empty) into b. */
static ch_status append_host(buf_t *out, const char *h)
{
    ch_status st = CH_OK;
    buf_t dec, idn;
    if (h[0] == '[') { /* IPv6 literal, already checked by url_parse */
        char tmp[64], text[INET6_ADDRSTRLEN];
        unsigned char addr[16];
        size_t n = strlen(h);
        if (n < 3 || n - 2 >= sizeof tmp)
            return CH_ERR_PARSE;
        memcpy(tmp, h + 1, n - 2);
        tmp[n - 2] = '\0';
        if (inet_pton(AF_INET6, tmp, addr) != 1 || !inet_ntop(AF_INET6, addr, text, sizeof text))
            return CH_ERR_PARSE;
        if ((st = buf_append_char(out, '[')) || (st = buf_append_str(out, text)))
            return st;
        return buf_append_char(out, ']');
    }
    buf_init(&dec, URL_MAX_LEN);
    buf_init(&idn, URL_MAX_LEN);
    /* Percent-decode and lowercase ASCII (url_parse checked the %XX are well formed). */
    for (size_t i = 0; h[i] && !st; i++) {
        unsigned char c = (unsigned char)h[i];
        if (c == '%') {
            c = (unsigned char)(url_hex_digit_value((unsigned char)h[i + 1]) * 16 +
                                url_hex_digit_value((unsigned char)h[i + 2]));
            i += 2;
        }
        if (c == '\0')
            st = CH_ERR_PARSE;
        else
            st = buf_append_char(&dec, lower((char)c));
    }
    if (st)
        goto out;
    if (dec.len > 0 && dec.data[dec.len - 1] == '.')
        buf_truncate(&dec, dec.len - 1);
    /* Label by label, so that ASCII labels (even odd ones like "-x") never meet IDNA rules. */
    const char *p = buf_str(&dec);
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if ((st = append_label(&idn, p, n)))
            goto out;
        if (!dot)
            break;
        if ((st = buf_append_char(&idn, '.')))
            goto out;
        p = dot + 1;
    }
    const char *host = buf_str(&idn);
    /* idn2 output may hold uppercase ("xn--BCHER-KVA" is returned lowered, but be sure). */
    for (size_t i = 0; i < idn.len; i++)
        idn.data[i] = lower(idn.data[i]);
    if (!ascii_host_ok(host)) {
        st = CH_ERR_PARSE;
        goto out;
    }
    if (last_label_numeric(host)) {
        unsigned char addr[4];
        if (inet_pton(AF_INET, host, addr) != 1) {
            st = CH_ERR_PARSE;
            goto out;
        }
    }
    st = buf_append_str(out, host);
out:
    buf_free(&dec);
    buf_free(&idn);
    return st;
}

/* Normalise a parsed absolute URL into b. */
static ch_status normalize_parsed(const url_t *u, buf_t *b)
{
    ch_status st;
    char *path = NULL;
    buf_t tmp;
    buf_init(&tmp, URL_MAX_WORK);
    size_t sl = u->scheme ? strlen(u->scheme) : 0;
    bool https = sl == 5;
    if (!u->scheme || !u->host || u->host[0] == '\0' || u->port_num == 0) {
        st = CH_ERR_PARSE; /* relative reference, no host, or port 0 */
        goto out;
    }
    if (!scheme_is_http(u->scheme, sl)) {
        st = CH_ERR_UNSUPPORTED;
        goto out;
    }
    if ((st = buf_append_str(b, https ? "https://" : "http://")))
        goto out;
    if (u->userinfo && u->userinfo[0]) {
        if ((st = append_normalized(b, u->userinfo, COMP_USERINFO)) ||
            (st = buf_append_char(b, '@')))
            goto out;
    }
    if ((st = append_host(b, u->host)))
        goto out;
    if (u->port_num > 0 && u->port_num != (https ? 443 : 80)) {
        if ((st = buf_appendf(b, ":%d", u->port_num)))
            goto out;
    }
    if ((st = append_normalized(&tmp, u->path, COMP_PATH)) ||
        (st = remove_dot_segments(buf_str(&tmp), &path)))
        goto out;
    if ((st = buf_append_str(b, path[0] ? path : "/")))
        goto out;
    if (u->query &&
        ((st = buf_append_char(b, '?')) || (st = append_normalized(b, u->query, COMP_QUERY))))
        goto out;
out:
    free(path);
    buf_free(&tmp);
    return st;
}

ch_status url_normalize(const char *url, char **out)
{
    ch_status st;
    char *s = NULL;
    url_t *u = NULL;
    buf_t b;
    if (out)
        *out = NULL;
    if (!url || !out)
        return CH_ERR_ARG;
    buf_init(&b, URL_MAX_LEN);
    if ((st = prepare_input(url, &s)) || (st = check_scheme_supported(s)) ||
        (st = url_parse(s, &u)))
        goto out;
    st = normalize_parsed(u, &b);
out:
    free(s);
    url_free(u);
    return finish(&b, st, out);
}

ch_status url_resolve_normalize(const char *base, const char *ref, char **out)
{
    ch_status st;
    char *r = NULL, *resolved = NULL;
    url_t *bu = NULL, *ru = NULL;
    if (out)
        *out = NULL;
    if (!base || !ref || !out)
        return CH_ERR_ARG;
    if ((st = prepare_input(ref, &r)) || (st = check_scheme_supported(r)) ||
        (st = url_parse(base, &bu)) || (st = url_parse(r, &ru)))
        goto out;
    if (!bu->scheme) {
        st = CH_ERR_ARG;
        goto out;
    }
    if ((st = resolve_to_string(bu, ru, &resolved)))
        goto out;
    st = url_normalize(resolved, out);
out:
    free(r);
    free(resolved);
    url_free(bu);
    url_free(ru);
    return st;
}

/* ---- tracking parameters ------------------------------------------------------------------- */

const char *const url_default_strip_params[] = {
    "utm_*",         "fbclid", "gclid",   "dclid", "gbraid",    "wbraid", "msclkid",    "yclid",
    "mc_cid",        "mc_eid", "_hsenc",  "_hsmi", "mkt_tok",   "igshid", "jsessionid", "phpsessid",
    "aspsessionid*", "cfid",   "cftoken", "sid",   "sessionid", NULL,
};

/* Does parameter name (n bytes at p) match one of names? */
static bool name_matches(const char *p, size_t n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        size_t len = strlen(names[i]);
        if (len > 0 && names[i][len - 1] == '*') {
            if (n >= len - 1 && strncasecmp(p, names[i], len - 1) == 0)
                return true;
        } else if (n == len && strncasecmp(p, names[i], n) == 0) {
            return true;
        }
    }
    return false;
}

/* Length of the parameter name at p, ending at '=' or at one of the end characters. */
static size_t param_name_len(const char *p, size_t n)
{
    const char *eq = memchr(p, '=', n);
    return eq ? (size_t)(eq - p) : n;
}

/* The query without matching parameters; *out NULL when none is left. */
static ch_status strip_query(const char *q, const char *const *names, char **out)
{
    ch_status st = CH_OK;
    buf_t b;
    bool first = true, removed = false;
    buf_init(&b, URL_MAX_LEN);
    *out = NULL;
    for (const char *p = q;;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n > 0 && name_matches(p, param_name_len(p, n), names)) {
            removed = true;
        } else {
            if (!first && (st = buf_append_char(&b, '&')))
                break;
            if ((st = buf_append(&b, p, n)))
                break;
            first = false;
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    if (!st && removed && first) { /* everything went: no query at all */
        buf_free(&b);
        return CH_OK;
    }
    return finish(&b, st, out);
}

/* The path without matching ";name=value" parameters in its segments. */
static ch_status strip_path(const char *path, const char *const *names, char **out)
{
    ch_status st = CH_OK;
    buf_t b;
    buf_init(&b, URL_MAX_LEN);
    for (const char *p = path; *p && !st;) {
        if (*p != ';') {
            st = buf_append_char(&b, *p++);
            continue;
        }
        size_t n = 1;
        while (p[n] && p[n] != ';' && p[n] != '/')
            n++;
        if (!name_matches(p + 1, param_name_len(p + 1, n - 1), names))
            st = buf_append(&b, p, n);
        p += n;
    }
    return finish(&b, st, out);
}

ch_status url_strip_params(const char *url, const char *const *names, char **out)
{
    ch_status st;
    url_t *u = NULL;
    char *path = NULL, *query = NULL;
    if (out)
        *out = NULL;
    if (!url || !names || !out)
        return CH_ERR_ARG;
    if ((st = url_parse(url, &u)) || (st = strip_path(u->path, names, &path)))
        goto out;
    if (u->query && (st = strip_query(u->query, names, &query)))
        goto out;
    free(u->path);
    u->path = path;
    path = NULL;
    free(u->query);
    u->query = query;
    query = NULL;
    st = url_format(u, out);
out:
    free(path);
    free(query);
    url_free(u);
    return st;
}

/* ---- host helpers -------------------------------------------------------------------------- */

ch_status url_host(const char *url, char **out)
{
    url_t *u = NULL;
    if (out)
        *out = NULL;
    if (!url || !out)
        return CH_ERR_ARG;
    ch_status st = url_parse(url, &u);
    if (!st && (!u->host || u->host[0] == '\0'))
        st = CH_ERR_PARSE;
    if (!st)
        st = dup_opt(u->host, out);
    url_free(u);
    return st;
}

uint64_t url_fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL; /* the FNV-1a offset basis */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

unsigned url_host_partition(const char *host, unsigned n)
{
    return n <= 1 ? 0 : (unsigned)(url_fnv1a(host) % n);
}

ch_status url_origin(const char *url, char **out)
{
    url_t *u = NULL;
    if (out)
        *out = NULL;
    if (!url || !out)
        return CH_ERR_ARG;
    ch_status st = url_parse(url, &u);
    if (!st && (!u->scheme || !u->host || u->host[0] == '\0'))
        st = CH_ERR_PARSE;
    if (!st) {
        url_t o = {.scheme = u->scheme, .host = u->host, .port = u->port, .path = ""};
        st = url_format(&o, out);
    }
    url_free(u);
    return st;
}

bool url_host_is_ip(const char *host)
{
    unsigned char addr[16];
    char tmp[64];
    if (!host)
        return false;
    size_t n = strlen(host);
    if (n > 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof tmp) {
        memcpy(tmp, host + 1, n - 2);
        tmp[n - 2] = '\0';
        return inet_pton(AF_INET6, tmp, addr) == 1;
    }
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

const char *url_host_parent(const char *host)
{
    if (!host || url_host_is_ip(host))
        return NULL;
    const char *dot = strchr(host, '.');
    if (!dot || !strchr(dot + 1, '.'))
        return NULL; /* one or two labels left: stop */
    return dot + 1;
}
