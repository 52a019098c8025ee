/* Query checker for the child-safe modes: is a query searched, refused with a kind message,
 * or searched with help resources shown first?
 *
 * Data (a folder, by default <datadir>/querycheck, see docs/FILTERS.md):
 *   blocked.txt    terms refused in school and junior ([category]) or junior only
 *                  ([category:junior]), and [allow] phrases inside which they do not count
 *   sensitive.txt  topics ([topic], "help = id, id") and their terms
 *   help.txt       help resources ([id]: number, fr, en, url)
 *   messages.txt   [blocked] and [sensitive] messages, fr and en
 * Term syntax: words matched as whole words ("video x"), "word*" a word prefix, "*part*" a part
 * of one word.
 *
 * Matching: the query and the terms are folded (case, accents: common/text.h), leetspeak is
 * undone ("p0rn"), runs of three or more one-letter words are joined ("p o r n", "p.o.r.n"),
 * and repeated letters are collapsed ("pooorn"). A term that itself has doubled letters
 * ("ass", "xxx") matches a collapsed query word only when that word also repeats letters and
 * is at least as long, so "as" never matches "ass" and "xx" never matches "xxx". Terms live in
 * one hash set keyed by (kind, normalised text); a query costs a few lookups per word.
 *
 * Modes: web never blocks; school blocks [category] terms; junior blocks those and the
 * [category:junior] ones. Sensitive topics are reported in every mode (the query is searched).
 *
 * A loaded flt_querycheck is read-only: any number of threads may call flt_check_query() at
 * once. Nothing is logged; the result holds no part of the query. */
#ifndef CHOUETTE_FILTERS_QUERYCHECK_H
#define CHOUETTE_FILTERS_QUERYCHECK_H

#include <stddef.h>

#include "common/status.h"
#include "filters/policy.h"

/* Named limits. */
#define FLT_QC_QUERY_MAX 1024      /* bytes of a query; longer is CH_ERR_LIMIT */
#define FLT_QC_TERM_WORDS_MAX 6    /* words of one term */
#define FLT_QC_TERMS_MAX 100000    /* terms over all files */
#define FLT_QC_HELP_MAX 4          /* help resources in a result */
#define FLT_QC_TOPICS_MAX 64       /* sensitive topics and blocked categories */
#define FLT_QC_RESOURCES_MAX 64    /* help resources */
#define FLT_QC_FILE_MAX (4u << 20) /* bytes of one data file */

typedef struct flt_querycheck flt_querycheck;

typedef enum {
    FLT_QUERY_ALLOWED = 0, /* search as asked */
    FLT_QUERY_BLOCKED,     /* do not search; show message_fr / message_en */
    FLT_QUERY_SENSITIVE,   /* search, and show the help resources first */
} flt_query_verdict;

/* A help resource (strings owned by the flt_querycheck). */
typedef struct {
    const char *id;     /* "3018" */
    const char *number; /* "3018", "0 800 235 236" */
    const char *fr;     /* one line for a French page */
    const char *en;     /* one line for an English page */
    const char *url;    /* the service's site, may be "" */
} flt_help_resource;

/* The result of a check. Strings point into the flt_querycheck (valid while it lives); none is
 * taken from the query. A blocked query also carries help resources when it touches a
 * sensitive topic ("revenge porn"). */
typedef struct {
    flt_query_verdict verdict;
    const char *category;   /* BLOCKED: the category of the first blocked term, else NULL */
    const char *topic;      /* the first sensitive topic, else NULL */
    const char *message_fr; /* BLOCKED or SENSITIVE: the message, else NULL */
    const char *message_en;
    const flt_help_resource *help[FLT_QC_HELP_MAX];
    size_t nhelp;
} flt_query_result;

/* Load the four files of dir. On success *out is owned by the caller (flt_querycheck_free); on
 * failure *out is NULL and err (errlen bytes, may be NULL) names the file and line:
 * CH_ERR_IO (unreadable), CH_ERR_PARSE (bad line, unknown help id, missing message),
 * CH_ERR_LIMIT, CH_ERR_NOMEM. */
ch_status flt_querycheck_load(const char *dir, flt_querycheck **out, char *err, size_t errlen);

/* The same from texts in memory (tests); any may be NULL for an empty file, except that
 * messages must define both [blocked] and [sensitive] fr and en. */
ch_status flt_querycheck_load_strings(const char *blocked, const char *sensitive, const char *help,
                                      const char *messages, flt_querycheck **out, char *err,
                                      size_t errlen);

void flt_querycheck_free(flt_querycheck *qc);

/* Check one query (UTF-8; invalid bytes act as separators) for mode (flt_mode). Fills *result.
 * CH_ERR_ARG (NULL argument, unknown mode), CH_ERR_LIMIT (query longer than FLT_QC_QUERY_MAX:
 * the caller must not search it unchecked), CH_ERR_NOMEM; on failure *result is ALLOWED with
 * no strings, and must not be taken as a permission. */
ch_status flt_check_query(const flt_querycheck *qc, const char *query, int mode,
                          flt_query_result *result);

/* The message of a result for a language ("fr" or anything else: English). NULL if none. */
const char *flt_query_message(const flt_query_result *r, const char *lang);

/* The line of a help resource for a language ("fr" or anything else: English). */
const char *flt_help_text(const flt_help_resource *h, const char *lang);

/* Term count (tests, diagnostics). */
size_t flt_querycheck_term_count(const flt_querycheck *qc);

#endif
