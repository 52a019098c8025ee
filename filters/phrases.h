/* Weighted phrase classifier over page text, reading e2guardian "weightedphraselist" files.
 *
 * List format (one rule per line):
 *   <phrase><weight>          substring match: <sex> matches "sexy", "unisex"
 *   < word ><weight>          spaces inside the brackets are word boundaries: only "word"
 *   <a>,<b>,<c><weight>       co-occurrence: counts only when every part is on the page
 *   <phrase><-20>             negative weights for legitimate contexts
 *   <phrase><10%>             a percentage is read as that many points (limit taken as 100)
 *   #listcategory: "Name"     category of the following lines (when the loader is not told one)
 *   .Include<path>            load another file (relative to the including file's folder)
 *   # anything                comment; text after the weight ("<x><5> # note") is ignored
 * Lines that are not valid UTF-8 are read as Latin-1 (e2guardian's older French lists are).
 * A bad line is reported through the warning callback, counted, and skipped.
 *
 * Matching: the page and every phrase are folded (common/text.h: lowercase, accents removed),
 * then each run of non-word characters (punctuation, spaces, apostrophes) becomes one space and
 * the page gets a space at each end. "< sex >" thus matches "Sex!" and "l'SEX," but not
 * "sexy"; "18 u.s.c" matches "18 U.S.C.". A run that ends a sentence (. ! ? ; or a newline,
 * followed by whitespace or the end) becomes " . " instead, so no phrase matches across two
 * sentences: "xxx-xxx-xxxx. Hardcore techno" does not contain "xxx hardcore". All parts of all
 * rules go into one Aho-Corasick automaton built by flt_phrases_compile(); scoring walks it once
 * over the page, so the cost is linear in the page length whatever the number of phrases.
 *
 * Counting (a deliberate difference from e2guardian, which adds a weight for every occurrence):
 * each rule counts at most ONCE per page. Repeating a word a thousand times does not make a
 * page pornographic, and a page cannot be whitewashed by repeating a good phrase either.
 *
 * Categories are the canonical ones of filters/catlists.h (FLT_CAT_*). A rule's weight goes to
 * its category's score; rules of "good phrase" lists (FLT_PHRASES_CAT_ALL) go to every
 * category, as e2guardian subtracts them from its single total.
 *
 * Threads: loading and compiling are single-threaded. After flt_phrases_compile() the
 * flt_phrases is read-only: any number of threads may call flt_phrases_score() at once, each
 * with its own flt_phrase_scores. */
#ifndef CHOUETTE_FILTERS_PHRASES_H
#define CHOUETTE_FILTERS_PHRASES_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "filters/catlists.h"

/* Named limits. */
#define FLT_PHRASES_LINE_MAX 4096     /* longer lines are bad lines */
#define FLT_PHRASES_PART_MAX 256      /* bytes of one folded phrase part */
#define FLT_PHRASES_PARTS_MAX 8       /* parts of one co-occurrence rule */
#define FLT_PHRASES_WEIGHT_MAX 10000  /* |weight| above this is a bad line */
#define FLT_PHRASES_RULES_MAX 1000000 /* rules over all lists */
#define FLT_PHRASES_INCLUDE_DEPTH 8   /* nested .Include levels */
#define FLT_PHRASES_DIR_DEPTH 6       /* folder levels walked by flt_phrases_load_dir */
#define FLT_PHRASES_HITS_MAX 16       /* contributing rules kept per page for "reasons" */

/* Category value of good-phrase lists: the weight goes to every category. */
#define FLT_PHRASES_CAT_ALL (-2)

typedef struct flt_phrases flt_phrases;

/* Receives one message per bad line or unreadable file: the list's path, the line number (0
 * for a whole file), and a short English reason. Never given page text. */
typedef void (*flt_phrases_warn_fn)(void *ctx, const char *path, unsigned line, const char *why);

/* One rule that fired on a page. `phrase` points into the flt_phrases (valid until it is
 * freed) and reads as in the list, e.g. "<sex>,<horny>". */
typedef struct {
    const char *phrase;
    int category; /* FLT_CAT_* or FLT_PHRASES_CAT_ALL */
    int weight;
} flt_phrase_hit;

/* The result of scoring one page. Initialise once with flt_phrase_scores_init(), reuse for
 * many pages (it keeps per-thread scratch memory), release with flt_phrase_scores_free(). */
typedef struct {
    long score[FLT_CAT_COUNT];                 /* sum of the weights of the rules that fired */
    flt_phrase_hit hits[FLT_PHRASES_HITS_MAX]; /* the largest |weight| contributions */
    size_t nhits;                              /* entries used in hits */
    size_t nfired;                             /* rules that fired, may exceed nhits */
    size_t steps;                        /* automaton transitions (goto + failure) of the scan */
    size_t scanned;                      /* bytes of normalised text fed to the automaton */
    struct flt_phrases_scratch *scratch; /* private */
} flt_phrase_scores;

/* Canonical category of an e2guardian list folder name or #listcategory value ("pornography",
 * "Pornography (French)", "illegaldrugs", "Intolerance", "goodphrases") or of one of our own
 * canonical names ("adult", "hate"). Case and punctuation are ignored. Returns a FLT_CAT_* value,
 * FLT_PHRASES_CAT_ALL for good-phrase lists, or -1 when the name maps to nothing we use (e.g.
 * "badwords", whose swear words are not a category here). The one mapping table lives in
 * phrases.c. */
int flt_category_from_e2g(const char *name);

/* Create an empty classifier. *out is NULL on failure (CH_ERR_NOMEM). */
ch_status flt_phrases_new(flt_phrases **out);

/* Release everything; NULL is allowed. */
void flt_phrases_free(flt_phrases *p);

/* Where bad-line messages go (default: nowhere; they are still counted). */
void flt_phrases_set_warn(flt_phrases *p, flt_phrases_warn_fn fn, void *ctx);

/* Add the rules of one list file. category is a FLT_CAT_* value or FLT_PHRASES_CAT_ALL for all
 * its lines, or -1 to follow the file's #listcategory lines (lines before any known category
 * are bad lines). Bad lines are skipped and counted; the call fails only when the file cannot
 * be read (CH_ERR_IO, or CH_ERR_NOTFOUND), on CH_ERR_NOMEM, on CH_ERR_LIMIT
 * (FLT_PHRASES_RULES_MAX), or with CH_ERR_ARG after compile. Rules added before a failure stay. */
ch_status flt_phrases_load_file(flt_phrases *p, const char *path, int category);

/* Same as flt_phrases_load_file() over text in memory; name is used in messages and as the base
 * folder of relative .Include paths (NULL: includes are refused). */
ch_status flt_phrases_load_buffer(flt_phrases *p, const char *name, const char *text, size_t len,
                                  int category);

/* Walk dir (sorted, at most FLT_PHRASES_DIR_DEPTH levels) and load every file whose name
 * starts with "weighted". The category comes from the nearest enclosing folder whose name
 * flt_category_from_e2g() knows (so en/pornography/weighted -> adult, fr/hate/weighted ->
 * hate); folders that map to nothing fall back to the file's #listcategory. Fails on an
 * unreadable dir or the failures of flt_phrases_load_file. */
ch_status flt_phrases_load_dir(flt_phrases *p, const char *dir);

/* Build the automaton. Call once, after loading; afterwards the classifier is read-only. */
ch_status flt_phrases_compile(flt_phrases *p);

/* Rules loaded, bad lines seen, and automaton states (after compile). */
size_t flt_phrases_rule_count(const flt_phrases *p);
size_t flt_phrases_bad_lines(const flt_phrases *p);
size_t flt_phrases_state_count(const flt_phrases *p);

/* Prepare an empty result / release its scratch memory. */
void flt_phrase_scores_init(flt_phrase_scores *s);
void flt_phrase_scores_free(flt_phrase_scores *s);

/* Score len bytes of page text (UTF-8; invalid bytes act as separators) into out, overwriting
 * its previous result. p must be compiled (CH_ERR_ARG otherwise). Allocates scratch in out on
 * first use (CH_ERR_NOMEM possible; out's scores are then zero). Reads p only. */
ch_status flt_phrases_score(const flt_phrases *p, const char *text, size_t len,
                            flt_phrase_scores *out);

#endif
