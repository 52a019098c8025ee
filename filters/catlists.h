/* Category lists in UT1 (squidGuard) format: which categories a URL or host belongs to.
 *
 * A lists directory holds one sub-folder per UT1 category (adult/, agressif/, ...), each with
 * up to three files:
 *   domains      one domain per line; an entry matches the domain itself and every subdomain
 *                ("example.com" matches "a.b.example.com", never "notexample.com")
 *   urls         host+path prefixes without scheme ("example.com/forum/"); see docs/FILTERS.md
 *   expressions  regular expressions (PCRE2, caseless, JIT) matched against "host/path?query"
 * UT1 folder names are mapped onto our canonical category names by one table in catlists.c;
 * a folder may feed several categories and several folders may feed one. Folders not in the
 * table are skipped and counted.
 *
 * Two local files (same line format, plain domains or host/path prefixes) override the lists:
 * an allow-listed URL is never categorised (the result is FLT_BIT_ALLOWLIST alone), a block-listed
 * one always carries FLT_BIT_BLOCKLIST, which every mode hides.
 *
 * A loaded flt_lists is read-only: any number of threads may call flt_lists_match_url() on it
 * at once. */
#ifndef CHOUETTE_FILTERS_CATLISTS_H
#define CHOUETTE_FILTERS_CATLISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/status.h"

/* Canonical categories: bit numbers in the uint64_t masks. Stable: stored in the index. */
enum {
    FLT_CAT_ADULT = 0,
    FLT_CAT_MIXED_ADULT,
    FLT_CAT_LINGERIE,
    FLT_CAT_VIOLENCE,
    FLT_CAT_HATE,
    FLT_CAT_GAMBLING,
    FLT_CAT_DRUGS,
    FLT_CAT_WEAPONS,
    FLT_CAT_DATING,
    FLT_CAT_SECT,
    FLT_CAT_WAREZ,
    FLT_CAT_PROXY,
    FLT_CAT_SHOPPING,
    FLT_CAT_SOCIAL,
    FLT_CAT_CHAT,
    FLT_CAT_FORUMS,
    FLT_CAT_WEBMAIL,
    FLT_CAT_GAMES,
    FLT_CAT_MALWARE,
    FLT_CAT_PHISHING,
    FLT_CAT_CRYPTOJACKING,
    FLT_CAT_DDOS,
    FLT_CAT_HACKING,
    FLT_CAT_STALKERWARE,
    FLT_CAT_CHEATING,
    FLT_CAT_FILEHOSTING,
    FLT_CAT_ADS,
    FLT_CAT_EDUCATIONAL,      /* allow-side (UT1 "white"): informative, hidden by no mode */
    FLT_CAT_SEXUAL_EDUCATION, /* allow-side */
    FLT_CAT_COUNT,            /* number of list-fed categories */
    FLT_CAT_BLOCKLIST = 62,   /* the local block-list */
    FLT_CAT_ALLOWLIST = 63,   /* the local allow-list (marker: nothing else is reported) */
};

#define FLT_BIT(c) ((uint64_t)1 << (c))
#define FLT_BIT_BLOCKLIST FLT_BIT(FLT_CAT_BLOCKLIST)
#define FLT_BIT_ALLOWLIST FLT_BIT(FLT_CAT_ALLOWLIST)

/* Named limits. */
#define FLT_LINE_MAX 2048            /* longer list lines are rejected (counted as bad) */
#define FLT_DOMAIN_MAX 253           /* RFC 1035 presentation length without the final dot */
#define FLT_URL_MAX 4096             /* longer URLs are matched on their first FLT_URL_MAX bytes */
#define FLT_REPORT_MAX (64 * 1024)   /* bytes of file:line messages kept in a load report */
#define FLT_ARENA_MAX (3ULL << 30)   /* bytes of interned strings (domains, url prefixes) */
#define FLT_ENTRIES_MAX (64u << 20)  /* distinct domains + url prefixes */
#define FLT_EXPRESSIONS_MAX 4096     /* regular expressions over all categories */
#define FLT_REGEX_MATCH_LIMIT 100000 /* PCRE2 match limit per expression and URL */

typedef struct flt_lists flt_lists;

/* What a load saw. Counts are per canonical category; messages are "file:line: reason" lines,
 * capped at FLT_REPORT_MAX bytes (messages_dropped counts those that did not fit). The report
 * only describes list files (system data), never anything a user typed. */
typedef struct {
    size_t domains[64];     /* domain entries read into each category */
    size_t urls[64];        /* url prefixes read into each category */
    size_t expressions[64]; /* expressions compiled into each category */
    size_t total_domains, total_urls, total_expressions;
    size_t bad_lines;        /* rejected lines (syntax, length); not fatal */
    size_t bad_expressions;  /* expressions that did not compile; skipped */
    size_t skipped_folders;  /* sub-folders that map to no canonical category */
    size_t messages_dropped; /* messages that did not fit in `messages` */
    buf_t messages;
} flt_load_report;

/* Where the local overrides live; NULL or "" fields mean none. */
typedef struct {
    const char *allow_file;
    const char *block_file;
} flt_lists_local;

/* Why flt_lists_match_url() answered as it did: the most specific entry that matched. */
typedef enum {
    FLT_MATCH_NONE = 0,
    FLT_MATCH_DOMAIN,
    FLT_MATCH_URL,
    FLT_MATCH_EXPRESSION,
    FLT_MATCH_ALLOWLIST,
    FLT_MATCH_BLOCKLIST,
} flt_match_kind;

typedef struct {
    flt_match_kind kind;
    int category;    /* lowest category bit of the matching entry, -1 when none */
    char entry[256]; /* the list entry (domain, url prefix or expression), maybe truncated */
} flt_match_reason;

/* Prepare an empty report; flt_load_report_free() releases its messages. */
void flt_load_report_init(flt_load_report *rep);
void flt_load_report_free(flt_load_report *rep);

/* Load every category folder of `dir`. Bad lines and bad expressions are counted in *rep (which
 * may be NULL; when given it must have been initialised) and skipped; only I/O, memory and limit
 * failures are fatal. On success *out is owned by the caller (flt_lists_free); on failure *out is
 * NULL. Files are opened relative to one descriptor of `dir`, so a concurrent symlink swap of
 * `dir` (chouette lists update) yields either the old or the new lists, never a mix. */
ch_status flt_lists_load(const char *dir, flt_lists **out, flt_load_report *rep);

/* Like flt_lists_load(), then read the local allow- and block-list files named in `local`
 * (a missing named file is CH_ERR_IO). `dir` may be NULL to load only the local files. */
ch_status flt_lists_load_with(const char *dir, const flt_lists_local *local, flt_lists **out,
                              flt_load_report *rep);

/* An empty set of lists, to be filled with flt_lists_add_text() (tests, fuzzing, tools).
 * *out is owned by the caller; NULL on failure. */
ch_status flt_lists_new(flt_lists **out);

/* File kinds understood by flt_lists_add_text(). */
typedef enum { FLT_FILE_DOMAINS, FLT_FILE_URLS, FLT_FILE_EXPRESSIONS } flt_file_kind;

/* Which list a file of a category folder holds, from its name: "domains" (and "domains.N", the
 * chunks the GitHub mirror splits the big adult list into), "urls", "expressions"; -1 for any
 * other file (usage, LICENSE...), which is not a list. */
int flt_list_file_kind(const char *name);

/* Parse `len` bytes of list text (any bytes; need not be NUL-terminated) of the given kind into
 * `l`, tagging each entry with `mask` (a category mask, FLT_BIT_ALLOWLIST or FLT_BIT_BLOCKLIST).
 * `label` names the source in report messages. Bad lines are counted and skipped. Must not be
 * called once readers use `l`. */
ch_status flt_lists_add_text(flt_lists *l, flt_file_kind kind, uint64_t mask, const char *text,
                             size_t len, const char *label, flt_load_report *rep);

/* Categories of a URL ("https://a.b.example.com/x?y") or a bare host ("a.b.example.com").
 * Returns the union of the masks of every domain, url prefix and expression that matches;
 * FLT_BIT_ALLOWLIST alone when the local allow-list matches (and the block-list does not at a
 * more specific level); 0 when nothing matches or the input has no usable host. `why` may be
 * NULL. Thread-safe on a loaded list. */
uint64_t flt_lists_match_url(const flt_lists *l, const char *url_or_host, flt_match_reason *why);

/* Number of distinct interned entries (domains + url prefixes) and bytes of heap held. */
size_t flt_lists_entry_count(const flt_lists *l);
size_t flt_lists_memory_bytes(const flt_lists *l);

/* Release everything; NULL is allowed. */
void flt_lists_free(flt_lists *l);

/* Canonical name of a category bit ("adult", "blocklist"), NULL for an unused bit. */
const char *flt_category_name(int bit);

/* Bit of a canonical category name, -1 when unknown. Case-sensitive. */
int flt_category_from_name(const char *name);

/* Mask of the canonical categories fed by a UT1 folder name ("agressif" -> violence|hate),
 * 0 when the folder is not used. */
uint64_t flt_category_mask_of_ut1(const char *folder);

/* Normalise one domain-list line into out (cap outcap): trims, lowercases, strips a trailing
 * dot, converts UTF-8 names to A-labels (libidn2) and checks the syntax. Returns CH_OK, or
 * CH_ERR_EOF for a blank/comment line, CH_ERR_PARSE for a bad one. Used by the importer. */
ch_status flt_normalize_domain_line(const char *line, size_t len, char *out, size_t outcap);

/* Same for a urls line ("host/path" prefix, no scheme; a leading "www." is dropped). */
ch_status flt_normalize_url_line(const char *line, size_t len, char *out, size_t outcap);

/* Check that one expressions line compiles as FLT expressions do (PCRE2, caseless). Returns
 * CH_OK, CH_ERR_EOF for a blank/comment line, or CH_ERR_PARSE with a reason in err. */
ch_status flt_check_expression_line(const char *line, size_t len, char *err, size_t errlen);

/* Called for each line (without its newline) by flt_read_lines; a non-CH_OK return stops the
 * reading and is returned. */
typedef ch_status (*flt_line_fn)(void *ctx, const char *line, size_t len, size_t lineno);

/* Read fd to its end in bounded chunks and call fn for each line. A line longer than
 * FLT_LINE_MAX is not passed on: it is counted in *overlong (may be NULL) and reported to fn
 * as len == (size_t)-1 with line NULL. Does not close fd. CH_ERR_IO on a read error. */
ch_status flt_read_lines(int fd, flt_line_fn fn, void *ctx, size_t *overlong);

#endif
