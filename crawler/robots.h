/* robots.txt: the Robots Exclusion Protocol, RFC 9309.
 *
 * robots_parse turns the body of a fetched /robots.txt into an immutable robots_t; the
 * matchers answer "may this agent fetch this path?" from it. What is implemented:
 *  - groups: one or more consecutive user-agent lines start a group; its rules follow until the
 *    next user-agent line that comes after a rule. Rules before any user-agent line are ignored.
 *    Several groups naming the same agent are merged. Empty lines do not end a group.
 *  - agents: the crawler is known by its product token (robots_product_token: "ChouetteBot"
 *    of "ChouetteBot/1.0 (+https://...)"). A user-agent line's value is cut at the first
 *    space or '/' ("FooBot/2.1" and "FooBot Images" both name FooBot) and compared with the
 *    token case-insensitively. When no group names the token, the groups of "*" apply; when
 *    there are none either, everything is allowed.
 *  - rules: Allow and Disallow with '*' (any run of octets) and a final '$' (end of path).
 *    The longest matching pattern wins (its length in octets after normalisation); on a tie
 *    Allow wins. An empty Allow or Disallow value is no rule at all. "/robots.txt" is always
 *    allowed. Paths are compared case-sensitively.
 *  - percent-encoding: patterns and paths are both normalised before comparing: "%xx" of an
 *    unreserved character (ALPHA DIGIT - . _ ~) is decoded, other "%xx" get uppercase hex,
 *    octets >= 0x80, controls and spaces are percent-encoded. So "/caf%C3%A9", "/caf%c3%a9"
 *    and the raw UTF-8 "/café" are the same path, and "/%7Euser" is "/~user".
 *  - syntax: field names are case-insensitive; '#' starts a comment; LF, CR and CRLF end lines;
 *    a UTF-8 byte order mark (whole or cut) at the start is skipped; lines without ':' and
 *    unknown fields are ignored. Binary or HTML garbage yields no rules, never a crash.
 *  - other records: Sitemap lines anywhere (absolute http/https URLs only, at most
 *    ROBOTS_MAX_SITEMAPS kept); Crawl-delay per group (seconds, fractions allowed, clamped to
 *    robots_options.max_crawl_delay). A Crawl-delay line, like a rule, ends the run of
 *    user-agent lines that starts its group.
 *
 * Limits: at most robots_options.max_bytes (default ROBOTS_DEFAULT_MAX_BYTES, 512 KiB) of input
 * are parsed, as RFC 9309 section 2.5 allows; the rest, and the line cut by the limit, are
 * ignored (robots_truncated tells). Matching is linear in the path for each pattern (greedy
 * segment search, no backtracking), whatever the number of '*'.
 *
 * A robots_t is never modified after robots_parse: it may be shared between threads. */
#ifndef CHOUETTE_ROBOTS_H
#define CHOUETTE_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/status.h"

/* Input past this many bytes is ignored unless robots_options.max_bytes says otherwise. */
#define ROBOTS_DEFAULT_MAX_BYTES (512 * 1024)
/* Crawl-delay values are clamped to this many seconds unless robots_options says otherwise. */
#define ROBOTS_DEFAULT_MAX_CRAWL_DELAY 30.0
/* Sitemap lines past this count are ignored. */
#define ROBOTS_MAX_SITEMAPS 10000

typedef struct robots robots_t;
typedef struct robots_agent robots_agent_t;

/* Parse options. A zeroed struct (or a NULL pointer) means the defaults. */
typedef struct {
    size_t max_bytes;       /* 0: ROBOTS_DEFAULT_MAX_BYTES */
    double max_crawl_delay; /* <= 0: ROBOTS_DEFAULT_MAX_CRAWL_DELAY */
} robots_options;

/* What the crawler does with a site, given the HTTP status of its /robots.txt fetch
 * (RFC 9309 section 2.3.1). */
typedef enum {
    ROBOTS_PARSE,        /* 2xx: parse the body and obey it */
    ROBOTS_ALLOW_ALL,    /* 4xx "unavailable" (404, 403, 410 ...) and 3xx left after the
                            redirects were followed: crawl as if there were no robots.txt */
    ROBOTS_DISALLOW_ALL, /* 5xx, 0 (network failure, unreachable) or anything else: "unreachable",
                            crawl nothing on the site for now */
} robots_policy;

/* The policy for an HTTP status; 0 stands for "no answer" (DNS, connect, timeout). */
robots_policy robots_policy_for_status(int http_status);

/* Parse len bytes of robots.txt at data (need not be NUL-terminated; may hold any byte).
 * data may be NULL when len is 0 (an empty file: everything allowed). On success *out is a new
 * robots_t for robots_free. On failure *out is NULL: CH_ERR_NOMEM, CH_ERR_ARG (out NULL, or
 * data NULL with len > 0). Malformed content is never an error: it is ignored. */
ch_status robots_parse(const char *data, size_t len, const robots_options *opt, robots_t **out);

/* Free a robots_t; NULL is allowed. Views from robots_agent_rules must be freed first. */
void robots_free(robots_t *r);

/* True when the input was longer than the parse limit and its tail was ignored. */
bool robots_truncated(const robots_t *r);

/* The crawler's product token: ua with leading spaces skipped, cut at the first '/' or space
 * ("ChouetteBot/1.0 (+https://x)" -> "ChouetteBot"). Written NUL-terminated to out (n bytes).
 * CH_ERR_ARG when ua or out is NULL or the token is empty; CH_ERR_LIMIT when it does not fit
 * (out then holds ""). */
ch_status robots_product_token(const char *ua, char *out, size_t n);

/* May the agent (a product token, compared case-insensitively) fetch path_and_query ("/a/b?c",
 * as it goes in the request line; "" counts as "/")? NULL agent counts as "". Returns false on
 * allocation failure (the safe answer). r may be NULL: everything allowed. */
bool robots_allowed(const robots_t *r, const char *agent, const char *path_and_query);

/* The Crawl-delay, in seconds, of the groups that apply to agent (the largest when several do),
 * clamped to the parse option's maximum; -1.0 when none sets one (or r is NULL). */
double robots_crawl_delay(const robots_t *r, const char *agent);

/* The compiled view of the rules that apply to one agent, sorted for an early exit: faster
 * than robots_allowed when many paths of one site are checked. On success *out is a new view
 * for robots_agent_free, valid while r lives; on failure NULL (CH_ERR_NOMEM, CH_ERR_ARG when r
 * or out is NULL). */
ch_status robots_agent_rules(const robots_t *r, const char *agent, robots_agent_t **out);
void robots_agent_free(robots_agent_t *a);

/* Same answers as robots_allowed and robots_crawl_delay, from a view. */
bool robots_agent_allowed(const robots_agent_t *a, const char *path_and_query);
double robots_agent_crawl_delay(const robots_agent_t *a);

/* The Sitemap URLs, in file order. The strings belong to r. robots_sitemap returns NULL when
 * i is out of range. */
size_t robots_sitemap_count(const robots_t *r);
const char *robots_sitemap(const robots_t *r, size_t i);

/* The path and query of an absolute URL, as robots_allowed wants it: the part after the
 * authority, up to '#', "/" when empty ("http://a.b?x=1" -> "/?x=1"). A string that starts
 * with '/' (and not "//") is taken as a path already. On success *out is a new string for
 * free(); on failure NULL (CH_ERR_ARG for NULL, CH_ERR_NOMEM). */
ch_status robots_url_path(const char *url, char **out);

#endif
