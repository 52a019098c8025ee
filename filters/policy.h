/* Mode policies: which categories each mode (web, school, junior) hides, its phrase
 * threshold and its text model threshold. Defaults ship in data/policies.ini; a deployment may name
 * an override file whose keys replace the shipped ones (see that file for the keys).
 *
 * Rules the files cannot change: the local block-list (FLT_CAT_BLOCKLIST) is hidden in every
 * mode, and an allow-listed URL (FLT_BIT_ALLOWLIST) is hidden in none.
 *
 * A loaded flt_policy is read-only: any number of threads may query it at once. */
#ifndef CHOUETTE_FILTERS_POLICY_H
#define CHOUETTE_FILTERS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef enum {
    FLT_MODE_WEB = 0,
    FLT_MODE_SCHOOL,
    FLT_MODE_JUNIOR,
    FLT_MODE_COUNT,
} flt_mode;

typedef struct flt_policy flt_policy;

/* Read path_default (required), then path_override (NULL or "" for none; a named file that
 * cannot be opened is an error). A key in the override replaces the shipped value; "hide" and
 * "unhide" keys repeated inside one file add up. On success *out is owned by the caller
 * (flt_policy_free); on failure *out is NULL and err (errlen bytes, may be NULL) names the file
 * and line: CH_ERR_IO (cannot open), CH_ERR_PARSE (syntax, unknown section, key, category or
 * mode, bad value), CH_ERR_NOMEM. */
ch_status flt_policy_load(const char *path_default, const char *path_override, flt_policy **out,
                          char *err, size_t errlen);

/* The same from INI text in memory (tests; override_text may be NULL). */
ch_status flt_policy_load_string(const char *default_text, const char *override_text,
                                 flt_policy **out, char *err, size_t errlen);

void flt_policy_free(flt_policy *p);

/* "web" / "school" / "junior" -> mode; -1 for anything else (case-sensitive). */
int flt_mode_from_name(const char *name);

/* Name of a mode, NULL when out of range. */
const char *flt_mode_name(int mode);

/* Category mask (FLT_BIT(FLT_CAT_*)) hidden in a mode; always includes FLT_BIT_BLOCKLIST.
 * 0 for an unknown mode. */
uint64_t flt_policy_hidden_mask(const flt_policy *p, int mode);

/* The mask for a request that asked for safe=off: adult is shown in web mode when the
 * deployment allows it (safe_off_allowed); otherwise the same as flt_policy_hidden_mask(). */
uint64_t flt_policy_hidden_mask_safe_off(const flt_policy *p, int mode);

/* Whether a URL whose flt_lists_match_url() result is `categories` is hidden in a mode:
 * allow-listed -> never; else in allow-list-only mode -> always; else when it carries a
 * hidden category. */
bool flt_policy_hides(const flt_policy *p, int mode, uint64_t categories, bool safe_off);

/* Phrase classifier threshold of a mode: a page whose score in a hidden category reaches it is
 * hidden. 0 means the phrase classifier does not hide anything in this mode. */
int flt_policy_phrase_threshold(const flt_policy *p, int mode);

/* Text model threshold of a mode (filters/textmodel.h): a page whose model score (log-odds of
 * the category against the rest, x 10) in a hidden category reaches it is hidden. 0 means the
 * text model does not hide anything in this mode. */
int flt_policy_model_threshold(const flt_policy *p, int mode);

/* Whether only allow-listed URLs are shown in a mode (junior_allowlist_only, junior only). */
bool flt_policy_allowlist_only(const flt_policy *p, int mode);

bool flt_policy_safe_off_allowed(const flt_policy *p);

/* Local allow-list / block-list file paths ("" when none). Valid while p lives. */
const char *flt_policy_allowlist_path(const flt_policy *p);
const char *flt_policy_blocklist_path(const flt_policy *p);

#endif
