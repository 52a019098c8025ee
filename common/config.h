/* Configuration files: INI syntax read with inih (https://github.com/benhoyt/inih).
 *
 * The [crawler] section is parsed into typed fields (cfg_crawler) with defaults, so a missing
 * file or key means the documented default (data/chouette.ini lists them all). An unknown key
 * in [crawler], or a value that does not parse, is an error that names the line: a typo must
 * not silently fall back to a default. Every other section is kept as it was written, so later
 * stages (indexer, server, filters) read their own keys by name with cfg_get / cfg_get_nth
 * without this module knowing them.
 *
 * Syntax (inih): "[section]", "key = value", comments start a line with ';' or '#', or follow
 * " ;" inside a line. A key may be repeated, and an indented line continues the previous key:
 * both add one more value. Lines are limited to 197 characters by the Debian build of inih.
 *
 * Numbers: decimal integers; sizes accept a K, M or G suffix (powers of 1024). Lists (seeds,
 * sitemaps, allow_hosts, allow_networks, allow_prefixes, strip_params) accept several values
 * per line separated by commas or spaces; include and exclude take one PCRE2 pattern per line.
 *
 * A cfg_t is not modified after loading, except through cfg_list_add by the command line. */
#ifndef CHOUETTE_CONFIG_H
#define CHOUETTE_CONFIG_H

#include <stddef.h>

#include "common/status.h"

/* A list of strings owned by its cfg_t. */
typedef struct {
    char **items;
    size_t n;
} cfg_list;

/* The [crawler] section. Names match the keys of the file. */
typedef struct {
    char *user_agent;          /* default "ChouetteBot/0.1 (+<contact_url>)" */
    char *contact_url;         /* default "https://chouette.invalid/bot" */
    long delay_ms;             /* min time between two requests to one host; default 1000 */
    long max_crawl_delay_s;    /* robots.txt Crawl-delay is capped to this; default 30 */
    long concurrency;          /* transfers in flight at once, all hosts; default 16 */
    long per_host_connections; /* transfers in flight at once per host; default 1 */
    long parse_threads;        /* threads parsing fetched pages for links; 0 (default): one
                                  per core */
    long max_pages;            /* pages fetched before the crawl stops; 0 = no limit */
    long max_depth;            /* link hops from a seed; default 10 */
    long max_url_length;       /* longer discovered URLs are dropped; default 2048 */
    long per_host_page_budget; /* pages fetched per host; 0 = no limit; default 10000 */
    long response_max_bytes;   /* decoded body cap, larger bodies truncated; default 10 MiB */
    long connect_timeout_s;    /* default 10 */
    long timeout_s;            /* whole transfer; default 60 */
    long low_speed_bytes;      /* abort when slower than this many bytes/s ... default 100 */
    long low_speed_time_s;     /* ... for this many seconds; default 20 */
    long max_redirects;        /* redirect hops followed from one URL; default 5 */
    long max_retries;          /* extra attempts after 429/503/network errors; default 2 */
    long max_backoff_s;        /* cap on the adaptive per-host delay; default 300 */
    long robots_cache_s;       /* robots.txt kept this long; default 86400 (24 h) */
    long robots_retry_s;       /* after a 5xx/unreachable robots.txt, retry after; default 60 */
    long robots_max_attempts;  /* then give up on the host after this many failures; default 3 */
    long recrawl_after_s;      /* re-fetch (conditional GET) pages older than this; 0 = never */
    long warc_max_bytes;       /* rotate WARC files past this size; default 1 GiB */
    cfg_list seeds;            /* start URLs */
    cfg_list sitemaps;         /* sitemap URLs fetched at start */
    cfg_list allow_hosts;      /* hosts in scope (and their subdomains); empty: seed hosts */
    cfg_list allow_prefixes;   /* if non-empty, URLs must start with one of these */
    cfg_list allow_networks;   /* CIDRs exempted from the private-address guard */
    cfg_list include;          /* PCRE2: if non-empty, a URL must match one */
    cfg_list exclude;          /* PCRE2: a URL matching one is dropped */
    cfg_list strip_params;     /* query parameters removed; default url_default_strip_params */
} cfg_crawler;

typedef struct cfg cfg_t;

/* A new configuration holding the defaults. *out is for cfg_free; NULL on failure
 * (CH_ERR_NOMEM). */
ch_status cfg_new(cfg_t **out);

/* Read path into c, over the defaults (or values of an earlier cfg_load). On failure c may be
 * partly updated; err (errlen bytes, may be NULL) receives a message naming the line:
 * CH_ERR_IO when the file cannot be opened, CH_ERR_PARSE for a syntax error, an unknown
 * [crawler] key or a bad value, CH_ERR_NOMEM. */
ch_status cfg_load(cfg_t *c, const char *path, char *err, size_t errlen);

/* The same from a string in memory (for tests and embedded defaults). */
ch_status cfg_load_string(cfg_t *c, const char *text, char *err, size_t errlen);

/* Free a configuration; NULL is allowed. */
void cfg_free(cfg_t *c);

/* The typed [crawler] section; valid while c lives. */
const cfg_crawler *cfg_crawler_section(const cfg_t *c);
cfg_crawler *cfg_crawler_section_mut(cfg_t *c);

/* The last value given to section/key (names compared case-insensitively), or NULL. Works for
 * every section, [crawler] included. The string belongs to c. */
const char *cfg_get(const cfg_t *c, const char *section, const char *key);

/* How many values section/key received, and the i-th of them (NULL when out of range). */
size_t cfg_count(const cfg_t *c, const char *section, const char *key);
const char *cfg_get_nth(const cfg_t *c, const char *section, const char *key, size_t i);

/* Append a copy of value to a list of c (e.g. from the command line). CH_ERR_NOMEM. */
ch_status cfg_list_add(cfg_t *c, cfg_list *l, const char *value);

/* Empty a list of c. */
void cfg_list_clear(cfg_list *l);

/* Replace a string field of c (e.g. user_agent) with a copy of value. CH_ERR_NOMEM. */
ch_status cfg_set_string(char **field, const char *value);

/* Parse a size such as "10M", "512K", "1G" or "4096" into bytes, within [0, max].
 * CH_ERR_PARSE on anything else; *out untouched then. */
ch_status cfg_parse_size(const char *s, long max, long *out);

#endif
