/* chouette index: read WARC files into the Xapian index (indexer/index.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "filters/classify.h"
#include "indexer/classifier_load.h"
#include "indexer/index.h"

static const char usage_text[] =
    "usage: chouette index --db DIR [--lists DIR] [--policy FILE] [--reclassify] [--wait SECONDS]\n"
    "                      [--batch N] [--jobs N] [--partition I/N] WARC...\n"
    "\n"
    "Index the HTML pages (HTTP 200, text/html or XHTML) of WARC files into the Xapian\n"
    "database DIR, created if needed (its parent directory must exist). A 404 or 410 record\n"
    "removes its URL from the index. Running the same command again adds no duplicate.\n"
    "\n"
    "  --db DIR          the database directory\n"
    "  --lists DIR       filter lists: ut1/ categories and phrases/ (default: the data\n"
    "                    directory's lists/; $CHOUETTE_DATA overrides the data directory)\n"
    "  --policy FILE     mode policies giving the phrase thresholds (default: policies.ini)\n"
    "  --reclassify      rewrite documents even when unchanged (after a lists update)\n"
    "  --wait SECONDS    wait this long for another writer's lock (default 10)\n"
    "  --batch N         commit every N documents (default 10000)\n"
    "  --jobs N          worker threads parsing and classifying pages (default: one per\n"
    "                    core); the database is the same whatever N\n"
    "  --partition I/N   write only the pages of hosts in partition I of N (as chouette\n"
    "                    crawl --partition splits them); links, anchor text and static\n"
    "                    rank still come from every WARC given: index each shard from the\n"
    "                    whole crawl, and shards rank like one index\n"
    "  -h, --help        show this help\n"
    "\n"
    "A summary goes to stderr at the end. Exit status: 0 success, 1 a WARC file could not be\n"
    "read or the database failed, 2 bad usage.\n";

static int usage_error(const char *msg, const char *arg)
{
    return cli_usage_error(
        "index",
        "usage: chouette index --db DIR [--lists DIR] [--policy FILE] [--reclassify] WARC...\n",
        msg, arg);
}

static void on_progress(void *ctx, const idx_stats *st, const char *phase)
{
    (void)ctx;
    fprintf(stderr, "\r%s: %llu records, %llu indexed, %llu skipped   ", phase,
            (unsigned long long)st->records, (unsigned long long)st->indexed,
            (unsigned long long)st->not_html + st->not_200 + st->noindex + st->broken +
                st->duplicate + st->too_big);
}

static void on_file_error(void *ctx, const char *path, const char *msg)
{
    bool *progress = ctx;
    fprintf(stderr, "%schouette index: cannot read %s: %s\n", *progress ? "\n" : "", path, msg);
}

int cmd_index(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    int rc = CLI_EXIT_FAILURE;
    const char *db = NULL, *lists_dir = NULL, *policy_file = NULL;
    bool reclassify = false;
    long wait_s = 10, batch = 0, jobs = 0, part_i = 0, part_n = 1;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t n = 0;
    flt_classifier *classifier = NULL;
    idx_writer *w = NULL;
    char *err = NULL;
    if (!paths) {
        fputs("chouette index: out of memory\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--db") == 0 || strcmp(a, "--lists") == 0 || strcmp(a, "--wait") == 0 ||
            strcmp(a, "--batch") == 0 || strcmp(a, "--policy") == 0 || strcmp(a, "--jobs") == 0 ||
            strcmp(a, "--partition") == 0) {
            if (i + 1 >= argc) {
                rc = usage_error("missing value after", a);
                goto out;
            }
            const char *v = argv[++i];
            if (a[2] == 'd')
                db = v;
            else if (a[2] == 'l')
                lists_dir = v;
            else if (strcmp(a, "--policy") == 0)
                policy_file = v;
            else if (a[2] == 'p' && !cli_parse_partition(v, &part_i, &part_n)) {
                rc = usage_error("bad --partition value (want I/N, 0 <= I < N)", v);
                goto out;
            } else if (a[2] == 'j' && !cli_parse_long(v, 1, IDX_MAX_JOBS, &jobs)) {
                rc = usage_error("bad --jobs value", v);
                goto out;
            } else if (a[2] == 'b' && !cli_parse_long(v, 1, 1000000, &batch)) {
                rc = usage_error("bad --batch value", v);
                goto out;
            } else if (a[2] == 'w' && !cli_parse_long(v, 0, 86400, &wait_s)) {
                rc = usage_error("bad --wait value", v);
                goto out;
            }
        } else if (strcmp(a, "--reclassify") == 0) {
            reclassify = true;
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                paths[n++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option", a);
            goto out;
        } else {
            paths[n++] = a;
        }
    }
    if (!db) {
        rc = usage_error("--db is required", NULL);
        goto out;
    }
    if (!n) {
        rc = usage_error("no WARC file given", NULL);
        goto out;
    }
    {
        char lerr[512];
        if (idx_classifier_load(lists_dir, policy_file, &classifier, lerr, sizeof lerr)) {
            fprintf(stderr, "chouette index: cannot load the filters: %s\n", lerr);
            goto out;
        }
    }
    bool progress = cli_progress_enabled();
    idx_writer_opts opts = {.classifier = classifier,
                            .reclassify = reclassify,
                            .lock_wait_s = (double)wait_s,
                            .batch_docs = (size_t)batch,
                            .jobs = (size_t)jobs,
                            .part_index = (unsigned)part_i,
                            .part_count = (unsigned)part_n,
                            .progress = progress ? on_progress : NULL};
    ch_status st = idx_writer_open(db, &opts, &w, &err);
    if (st) {
        fprintf(stderr, "chouette index: %s\n", err ? err : ch_status_str(st));
        goto out;
    }
    st = idx_writer_run(w, paths, n, on_file_error, &progress, &err);
    idx_stats s;
    idx_writer_stats(w, &s);
    if (progress)
        fputc('\n', stderr);
    if (st) {
        fprintf(stderr, "chouette index: %s\n", err ? err : ch_status_str(st));
        idx_writer_close(w);
        w = NULL;
        goto out;
    }
    st = idx_writer_close(w);
    w = NULL;
    if (st) {
        fprintf(stderr, "chouette index: the final commit failed\n");
        goto out;
    }
    idx_stats_print(stderr, "index", &s);
    if (s.files_failed) {
        fprintf(stderr, "chouette index: %llu WARC file(s) could not be read\n",
                (unsigned long long)s.files_failed);
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    idx_writer_close(w);
    flt_classifier_free(classifier);
    free(err);
    free(paths);
    return rc;
}
