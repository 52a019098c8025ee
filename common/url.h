/* URLs: RFC 3986 parsing, reference resolution, and the normalisation that makes a crawled
 * page's unique key.
 *
 * Three levels, from strict to opinionated:
 *   url_parse / url_format   split a URI-reference into its components and put it back together
 *                            byte for byte (RFC 3986 section 3 and appendix B);
 *   url_resolve              RFC 3986 section 5.2 (strict parser): a reference against a base,
 *                            fragments kept, nothing lowercased or decoded;
 *   url_normalize            the crawl/index key: http and https only, see url_normalize below.
 *
 * Limits: no input or output is longer than URL_MAX_LEN bytes (CH_ERR_LIMIT). Every returned
 * string is allocated with malloc and owned by the caller (free()). On failure every out-param
 * is set to NULL. Nothing here keeps state between calls; all functions are thread-safe. */
#ifndef CHOUETTE_URL_H
#define CHOUETTE_URL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/status.h"

/* The longest URL accepted or produced, in bytes (without the NUL). */
#define URL_MAX_LEN 8192

/* The components of a URI-reference. A NULL field is undefined (absent), which RFC 3986 keeps
 * apart from an empty one: "http://a/b?" has query "" while "http://a/b" has query NULL.
 * All strings belong to the url_t and are freed by url_free. */
typedef struct {
    char *scheme;   /* as written, without ':'; NULL for a relative reference */
    char *userinfo; /* without '@'; NULL when absent */
    char *host;     /* NULL when there is no authority ("//"); may be ""; an IPv6 literal
                       keeps its brackets ("[::1]") */
    char *port;     /* digits as written, without ':'; NULL when absent, may be "" */
    int port_num;   /* port as a number 0..65535; -1 when port is NULL or "" */
    char *path;     /* never NULL; may be "" */
    char *query;    /* without '?'; NULL when absent */
    char *fragment; /* without '#'; NULL when absent */
} url_t;

/* Parse a URI-reference (absolute URL or relative reference). Refuses with CH_ERR_LIMIT input
 * longer than URL_MAX_LEN, and with CH_ERR_PARSE: control characters (0x00-0x1F, 0x7F) and
 * spaces anywhere, a malformed port (non-digits, > 65535), a host with characters outside
 * RFC 3986 reg-name (bytes >= 0x80 are let through for IDNs), an IP literal that is not a valid
 * IPv6 address (IPvFuture and zone ids are refused). Path, query and fragment are otherwise taken
 * as they come (bytes >= 0x80 and characters such as '|' are kept: url_normalize encodes them).
 * A prefix before ':' that is not a valid scheme (e.g. "1a:b") makes a relative path.
 * On success *out is a new url_t for url_free; on failure *out is NULL. */
ch_status url_parse(const char *s, url_t **out);

/* Free a url_t from url_parse; NULL is allowed. */
void url_free(url_t *u);

/* Recompose (RFC 3986 section 5.3). url_format(url_parse(s)) == s for every s that parses.
 * *out is a new string for free(); NULL on failure (CH_ERR_LIMIT, CH_ERR_NOMEM). */
ch_status url_format(const url_t *u, char **out);

/* Resolve ref against base per RFC 3986 section 5.2 (strict: "http:g" stays "http:g"),
 * including remove_dot_segments. base must be absolute (have a scheme): CH_ERR_ARG otherwise.
 * Fragments are kept and nothing is case-folded or decoded: that is url_normalize's job.
 * One addition to the RFC: a result without authority whose path starts with "//" gets a "/."
 * prefix ("g:/.//x" -> "g:/.//x", not "g://x"), so that it reads back as the same components.
 * Errors of url_parse on either input; CH_ERR_LIMIT when the result exceeds URL_MAX_LEN.
 * *out is a new string for free(); NULL on failure. */
ch_status url_resolve(const char *base, const char *ref, char **out);

/* Normalise an absolute http or https URL into the unique key of a page:
 *  - leading and trailing spaces and control characters are trimmed; spaces inside become %20;
 *    other control characters are refused (CH_ERR_PARSE);
 *  - scheme and host lowercased; default port (80 http, 443 https) and empty port removed;
 *    port written without leading zeros; port 0 refused;
 *  - host: percent-decoded, one trailing dot removed, IDN labels (UTF-8 or "xn--") converted to
 *    punycode with libidn2 (IDNA 2008 + TR46 non-transitional), invalid ones refused; labels
 *    must be 1..63 bytes of [a-z0-9_-], the whole <= 253; a host whose last label is numeric must
 *    be a dotted-quad IPv4 address; IPv6 literals are written in their RFC 5952 short form;
 *  - userinfo kept (an empty one is dropped);
 *  - percent-encodings get uppercase hex, those of unreserved characters are decoded (%7e -> ~,
 *    %2F stays), a '%' not followed by two hex digits becomes %25, and bytes that may not appear
 *    in a component (space, non-ASCII, '"', '<', '|', ...) are percent-encoded;
 *  - dot segments removed, empty path -> "/", fragment removed; an empty query ("?") is kept.
 * Errors: CH_ERR_UNSUPPORTED for any scheme but http/https (javascript:, mailto:, data:, ftp:),
 * checked first; CH_ERR_PARSE for a relative reference, an empty or invalid host, or what
 * url_parse refuses; CH_ERR_LIMIT for input or result over URL_MAX_LEN.
 * Idempotent: normalising a result gives it back unchanged.
 * *out is a new string for free(); NULL on failure. */
ch_status url_normalize(const char *url, char **out);

/* What link extraction uses: resolve ref (trimmed and space-encoded as in url_normalize) against
 * base, then url_normalize the result. A ref with a scheme other than http/https gives
 * CH_ERR_UNSUPPORTED before anything else is looked at. Same errors as the two steps.
 * *out is a new string for free(); NULL on failure. */
ch_status url_resolve_normalize(const char *base, const char *ref, char **out);

/* Remove tracking parameters. names is a NULL-terminated list compared case-insensitively with
 * each query parameter's name (the part before '='); an entry ending in '*' matches a prefix
 * ("utm_*"). Matching path parameters (";jsessionid=ABC" inside a path segment) are removed too.
 * The other parameters keep their order and bytes; a query left empty loses its '?'. The rest of
 * the URL is untouched (normalise first if a key is wanted). Errors of url_parse.
 * *out is a new string for free(); NULL on failure. */
ch_status url_strip_params(const char *url, const char *const *names, char **out);

/* A default list for url_strip_params: utm_*, fbclid, gclid, ... NULL-terminated. */
extern const char *const url_default_strip_params[];

/* The host of a URL (meant for normalised URLs: it is returned as written, IPv6 with brackets).
 * CH_ERR_PARSE when the URL has no authority or an empty host; errors of url_parse.
 * *out is a new string for free(); NULL on failure. */
ch_status url_host(const char *url, char **out);

/* FNV-1a, 64 bits, of a NUL-terminated string (a fast, stable key; not for security). */
uint64_t url_fnv1a(const char *s);

/* The partition (0 to n-1) of a host when a crawl and its index are split n ways: FNV-1a of the
 * host name (lowercase, as url_host gives it for a normalised URL) modulo n; 0 when n <= 1.
 * `chouette crawl --partition` and `chouette index --partition` use it: they must agree. */
unsigned url_host_partition(const char *host, unsigned n);

/* "scheme://host[:port]" of a URL, as written (for a normalised URL: the origin, to which
 * "/robots.txt" can be appended). CH_ERR_PARSE without scheme or host.
 * *out is a new string for free(); NULL on failure. */
ch_status url_origin(const char *url, char **out);

/* Walk a host's parent domains: returns a pointer inside host to the parent of host, or NULL
 * when host has two labels or fewer, or is an IP literal. So the loop
 *     for (const char *d = host; d; d = url_host_parent(d))
 * visits "a.b.example.fr", "b.example.fr", "example.fr" and stops there: a bare top-level
 * domain is never visited. There is no public suffix list: "x.example.co.uk" visits "co.uk". */
const char *url_host_parent(const char *host);

/* True when host is an IP address: dotted-quad IPv4, or IPv6 with or without brackets. */
bool url_host_is_ip(const char *host);

/* The value of a hexadecimal digit (0-9, a-f, A-F), or -1: for decoding "%xx". */
static inline int url_hex_digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 3986's unreserved characters (ALPHA DIGIT - . _ ~): "%xx" of one of them is the same URL
 * as the character itself. */
static inline bool url_is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

#endif
