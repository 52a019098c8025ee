/* chouette search: query the index from the command line (indexer/search.h), as the server
 * would: the mode's hidden categories come from data/policies.ini (filters/policy.h) and the
 * query goes through the same query check hook as the server (server/query_check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/paths.h"
#include "filters/catlists.h"
#include "filters/classify.h"
#include "filters/policy.h"
#include "filters/querycheck.h"
#include "indexer/search.h"

static const char usage_text[] =
    "usage: chouette search --db DIR [--mode web|school|junior] [--limit N] [--page N] [--json]"
    " QUERY...\n"
    "\n"
    "Search the index DIR (a database directory or a stub file). The words of QUERY are\n"
    "joined with spaces; site:HOST, lang:xx, title:word, \"phrases\", -word and OR work.\n"
    "\n"
    "  --db DIR     the index\n"
    "  --mode M     web (default), school or junior: the categories the mode hides\n"
    "               (policies.ini in the data directory) are left out\n"
    "  --limit N    results per page, 1..50 (default 10)\n"
    "  --page N     page number, 1..100 (default 1)\n"
    "  --json       print the search result JSON (the same as GET /api/search)\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 success (even without results), 1 the index cannot be searched, 2 bad "
    "usage.\n";

static int usage_error(const char *msg, const char *arg)
{
    return cli_usage_error("search",
                           "usage: chouette search --db DIR [--mode web|school|junior] [--limit N] "
                           "[--page N] [--json] QUERY...\n",
                           msg, arg);
}

/* The category terms a mode hides (filters/classify.h: "<cat>" and "<cat>~<mode>"), from
 * policies.ini. *terms holds the strings, *names points into it; free both. */
static ch_status hidden_for_mode(int mode, flt_term **terms, const char ***names, size_t *n)
{
    *terms = NULL;
    *names = NULL;
    *n = 0;
    char path[4096], err[256];
    flt_policy *pol = NULL;
    ch_status st = paths_data_file("policies.ini", path, sizeof path);
    if (!st)
        st = flt_policy_load(path, NULL, &pol, err, sizeof err);
    if (st) {
        fprintf(stderr, "chouette search: cannot load the mode policies: %s\n",
                st == CH_ERR_LIMIT ? "path too long" : err);
        return st;
    }
    uint64_t mask = flt_policy_hidden_mask(pol, mode);
    flt_policy_free(pol);
    const size_t cap = 2 * 64;
    flt_term *t = calloc(cap, sizeof *t);
    const char **v = calloc(cap, sizeof *v);
    if (!t || !v || (st = flt_hidden_terms(mask, mode, t, cap, n))) {
        free(t);
        free(v);
        *n = 0;
        return st ? st : CH_ERR_NOMEM;
    }
    for (size_t i = 0; i < *n; i++)
        v[i] = t[i].s;
    *terms = t;
    *names = v;
    return CH_OK;
}

/* The snippet as plain text: tags dropped, the five entities we write decoded. */
static void print_plain_snippet(const char *s)
{
    static const struct {
        const char *ent;
        char ch;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    while (*s) {
        if (*s == '<') {
            const char *e = strchr(s, '>');
            if (e) {
                s = e + 1;
                continue;
            }
        }
        bool done = false;
        for (size_t i = 0; i < sizeof ents / sizeof *ents && !done; i++) {
            size_t l = strlen(ents[i].ent);
            if (strncmp(s, ents[i].ent, l) == 0) {
                putchar(ents[i].ch);
                s += l;
                done = true;
            }
        }
        if (!done)
            putchar(*s++);
    }
}

int cmd_search(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    int rc = CLI_EXIT_FAILURE;
    const char *db = NULL, *mode_name = "web";
    long limit = 10, page = 1;
    bool json = false;
    buf_t query;
    buf_init(&query, IDX_MAX_QUERY_BYTES);
    const char **hidden = NULL;
    flt_term *hidden_terms = NULL;
    flt_querycheck *qc = NULL;
    size_t n_hidden = 0;
    idx_searcher *s = NULL;
    idx_results res = {0};
    char *err = NULL, *out = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--db") == 0 || strcmp(a, "--mode") == 0 || strcmp(a, "--limit") == 0 ||
            strcmp(a, "--page") == 0) {
            if (i + 1 >= argc) {
                rc = usage_error("missing value after", a);
                goto out;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--db") == 0) {
                db = v;
            } else if (strcmp(a, "--mode") == 0) {
                mode_name = v;
            } else if (strcmp(a, "--limit") == 0) {
                if (!cli_parse_long(v, 1, IDX_MAX_PER_PAGE, &limit)) {
                    rc = usage_error("--limit must be 1..50, not", v);
                    goto out;
                }
            } else if (!cli_parse_long(v, 1, IDX_MAX_PAGE, &page)) {
                rc = usage_error("--page must be 1..100, not", v);
                goto out;
            }
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--") == 0 || (a[0] != '-' || !a[1]) || (query.len && a[0] == '-')) {
            /* Once the query has started, "-word" is an exclusion, not an option. */
            if (strcmp(a, "--") == 0 && ++i >= argc)
                break;
            for (; i < argc; i++) {
                if ((query.len && buf_append_char(&query, ' ')) ||
                    buf_append_str(&query, argv[i])) {
                    fputs("chouette search: the query is too long\n", stderr);
                    goto out;
                }
            }
        } else {
            rc = usage_error("unknown option", a);
            goto out;
        }
    }
    if (!db) {
        rc = usage_error("--db is required", NULL);
        goto out;
    }
    int mode = flt_mode_from_name(mode_name);
    if (mode < 0) {
        rc = usage_error("unknown mode", mode_name);
        goto out;
    }
    if (!query.len) {
        rc = usage_error("no query given", NULL);
        goto out;
    }
    if (hidden_for_mode(mode, &hidden_terms, &hidden, &n_hidden))
        goto out;
    /* School and Junior refuse explicit queries with a kind message (filters/querycheck.h). */
    char qcpath[4096], qcerr[256] = "";
    if (paths_data_file("querycheck", qcpath, sizeof qcpath) != CH_OK ||
        flt_querycheck_load(qcpath, &qc, qcerr, sizeof qcerr) != CH_OK) {
        fprintf(stderr, "chouette search: cannot load the query checker: %s\n",
                qcerr[0] ? qcerr : "path too long");
        goto out;
    }
    flt_query_result verdict;
    ch_status qst = flt_check_query(qc, buf_str(&query), mode, &verdict);
    if (qst && !(qst == CH_ERR_LIMIT && mode != FLT_MODE_WEB)) {
        fprintf(stderr, "chouette search: the query check failed: %s\n", ch_status_str(qst));
        goto out;
    }
    /* A query too long to be checked is refused in the children's modes. */
    bool blocked = qst == CH_ERR_LIMIT || verdict.verdict == FLT_QUERY_BLOCKED;
    if (!blocked) {
        ch_status st = idx_searcher_open(db, &s, &err);
        if (st) {
            fprintf(stderr, "chouette search: %s: %s\n", db, err ? err : ch_status_str(st));
            goto out;
        }
        idx_search_params p = {.query = buf_str(&query),
                               .hidden_categories = hidden,
                               .n_hidden = n_hidden,
                               .page = (unsigned)page,
                               .per_page = (unsigned)limit};
        st = idx_search(s, &p, &res);
        if (st) {
            fprintf(stderr, "chouette search: %s\n",
                    *idx_searcher_error(s) ? idx_searcher_error(s) : ch_status_str(st));
            goto out;
        }
    }
    const char *blocked_msg = NULL;
    if (blocked) {
        blocked_msg = qst ? NULL : flt_query_message(&verdict, "fr");
        if (!blocked_msg)
            blocked_msg = "Cette recherche n'est pas disponible.";
    }
    if (json) {
        const char *msg = blocked_msg;
        out = idx_results_json(buf_str(&query), mode_name, (unsigned)page, blocked, msg,
                               blocked ? NULL : &res);
        if (!out) {
            fputs("chouette search: cannot write the JSON\n", stderr);
            goto out;
        }
        puts(out);
    } else if (blocked) {
        puts(blocked_msg);
    } else {
        printf("about %lu results\n", res.estimated_total);
        if (res.corrected_query)
            printf("did you mean: %s\n", res.corrected_query);
        for (size_t i = 0; i < res.n_results; i++) {
            const idx_result *r = &res.results[i];
            printf("\n%u. %s\n   %s\n   ", r->rank, *r->title ? r->title : "(no title)", r->url);
            print_plain_snippet(r->snippet);
            putchar('\n');
            if (r->more_from_site)
                printf("   (%u more from %s)\n", r->more_from_site, r->site);
        }
    }
    rc = CLI_EXIT_OK;
out:
    free(out);
    free(err);
    idx_results_free(&res);
    idx_searcher_close(s);
    free(hidden);
    free(hidden_terms);
    flt_querycheck_free(qc);
    buf_free(&query);
    return rc;
}
