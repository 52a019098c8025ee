/* chouette shards: shard-per-batch indexing, compaction, garbage collection and the spelling
 * dictionary of a front end (indexer/shards.h, docs/DEPLOY.md "Beyond one machine"). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "filters/classify.h"
#include "indexer/classifier_load.h"
#include "indexer/index.h"
#include "indexer/shards.h"

static const char usage_text[] =
    "usage: chouette shards add --root DIR [--lists DIR] [--policy FILE] [--jobs N]\n"
    "                           [--partition I/N] [--dictionary DICT] WARC...\n"
    "       chouette shards compact --root DIR [--dictionary DICT]\n"
    "       chouette shards gc --root DIR [--grace SECONDS]\n"
    "       chouette shards dictionary --out DIR [--stub STUBFILE] SHARD...\n"
    "\n"
    "Manage an index made of several Xapian databases listed in the stub file\n"
    "DIR/index.stub, which chouette serve --db and chouette search --db read. The stub is\n"
    "only ever replaced whole (atomically): a server keeps answering during every command.\n"
    "\n"
    "  add         index the WARC files into a new database DIR/shard-NNNNNN (built as\n"
    "              shard-NNNNNN.tmp, renamed once complete) and append it to the stub; a\n"
    "              batch goes in whole or not at all. Prints the new shard's path.\n"
    "  compact     merge every local database of the stub into DIR/compact-NNNNNN with\n"
    "              xapian-compact and list it in their place (nothing to do with fewer\n"
    "              than two). Prints the new database's path.\n"
    "  gc          remove the shard-* and compact-* directories the stub no longer lists,\n"
    "              once unchanged for the grace period (servers had time to reopen).\n"
    "  dictionary  build DIR, a database holding only the spelling data (words and summed\n"
    "              frequencies) of the local SHARD databases (directories or stubs of local\n"
    "              databases), for a front end searching remote shards: Xapian's remote\n"
    "              backend carries no spelling data. It holds no document, so it changes\n"
    "              no result. Built as DIR.tmp, then swapped in.\n"
    "\n"
    "  --root DIR        the directory of the shard set (created by add if needed)\n"
    "  --lists DIR       add: filter lists, ut1/ categories and phrases/ (default: the data\n"
    "                    directory's lists/; $CHOUETTE_DATA overrides the data directory)\n"
    "  --policy FILE     add: mode policies giving the phrase thresholds (default:\n"
    "                    policies.ini)\n"
    "  --jobs N          add: worker threads parsing and classifying pages (default: one per\n"
    "                    core)\n"
    "  --partition I/N   add: write only the pages of hosts in partition I of N (links,\n"
    "                    anchor text and static rank still come from every WARC given)\n"
    "  --dictionary DICT add, compact: then rebuild the spelling dictionary DICT from\n"
    "                    DIR/index.stub, as dictionary --out DICT DIR/index.stub does (a\n"
    "                    server whose stub lists DICT follows the rebuilt one)\n"
    "  --grace SECONDS   gc: keep what changed less than this long ago (default 600)\n"
    "  --out DIR         dictionary: the dictionary database to build or replace\n"
    "  --stub STUBFILE   dictionary: also list DIR first in this stub (an \"auto DIR\" line),\n"
    "                    unless it lists it already\n"
    "  -h, --help        show this help\n"
    "\n"
    "add, compact and gc hold DIR/.shards.lock while they work: one of them changes a\n"
    "shard set at a time, another one meanwhile fails at once.\n"
    "\n"
    "Exit status: 0 success, 1 failure (a WARC file could not be read, a database or the\n"
    "stub could not be written: the stub is then unchanged; or the lock is taken), 2 bad\n"
    "usage.\n";

static int usage_error(const char *msg, const char *arg)
{
    return cli_usage_error(
        "shards", "usage: chouette shards add|compact|gc|dictionary ... (chouette shards --help)\n",
        msg, arg);
}

/* The options of every action, parsed once; an action refuses the ones it does not take. */
typedef struct {
    const char *root, *lists_dir, *policy_file, *out, *stub, *dictionary;
    long jobs, part_i, part_n, grace_s;
    bool has_jobs, has_part, has_grace;
    const char **paths;
    size_t n;
} shards_args;

/* Parse argv[2..argc) into a. Returns CLI_EXIT_OK or a usage error's exit status. */
static int parse_args(int argc, char **argv, shards_args *a)
{
    static const char *const with_value[] = {"--root", "--lists",     "--policy",
                                             "--jobs", "--partition", "--grace",
                                             "--out",  "--stub",      "--dictionary"};
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        size_t k = 0;
        while (k < sizeof with_value / sizeof with_value[0] && strcmp(o, with_value[k]) != 0)
            k++;
        if (k < sizeof with_value / sizeof with_value[0]) {
            if (i + 1 >= argc)
                return usage_error("missing value after", o);
            const char *v = argv[++i];
            if (strcmp(o, "--root") == 0) {
                a->root = v;
            } else if (strcmp(o, "--lists") == 0) {
                a->lists_dir = v;
            } else if (strcmp(o, "--policy") == 0) {
                a->policy_file = v;
            } else if (strcmp(o, "--out") == 0) {
                a->out = v;
            } else if (strcmp(o, "--stub") == 0) {
                a->stub = v;
            } else if (strcmp(o, "--dictionary") == 0) {
                a->dictionary = v;
            } else if (strcmp(o, "--jobs") == 0) {
                if (!cli_parse_long(v, 1, IDX_MAX_JOBS, &a->jobs))
                    return usage_error("bad --jobs value", v);
                a->has_jobs = true;
            } else if (strcmp(o, "--partition") == 0) {
                if (!cli_parse_partition(v, &a->part_i, &a->part_n))
                    return usage_error("bad --partition value (want I/N, 0 <= I < N)", v);
                a->has_part = true;
            } else if (!cli_parse_long(v, 0, 365L * 86400, &a->grace_s)) {
                return usage_error("bad --grace value", v);
            } else {
                a->has_grace = true;
            }
        } else if (strcmp(o, "--") == 0) {
            while (++i < argc)
                a->paths[a->n++] = argv[i];
        } else if (o[0] == '-' && o[1]) {
            return usage_error("unknown option", o);
        } else {
            a->paths[a->n++] = o;
        }
    }
    return CLI_EXIT_OK;
}

#define SHARDS_LOCK_NAME                                                                           \
    ".shards.lock" /* in the root: one command changes a shard set at a time                       \
                    */

/* Take the shard set's lock (flock on ROOT/.shards.lock, created if needed; released when the
 * process exits): add, compact and gc change the stub and number directories, and the library
 * leaves that lock to its caller. Returns the descriptor, or -1 with a message printed. */
static int lock_root(const char *root)
{
    char path[4096];
    int w = snprintf(path, sizeof path, "%s/%s", root, SHARDS_LOCK_NAME);
    if (w < 0 || (size_t)w >= sizeof path) {
        fprintf(stderr, "chouette shards: %s: path too long\n", root);
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "chouette shards: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        fprintf(stderr, "chouette shards: %s: %s\n", root,
                errno == EWOULDBLOCK ? "another chouette shards command is changing it"
                                     : strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Build the spelling dictionary `out` from the local databases srcs[0..n) and say so; `what`
 * names the action in messages. */
static int build_dictionary(const char *out, const char *const *srcs, size_t n, const char *what)
{
    size_t words = 0;
    char *err = NULL;
    ch_status st = shards_build_dictionary(srcs, n, out, &words, &err);
    if (st) {
        fprintf(stderr, "chouette shards: %s: dictionary %s: %s (it is unchanged)\n", what, out,
                err ? err : ch_status_str(st));
        free(err);
        return CLI_EXIT_FAILURE;
    }
    fprintf(stderr, "chouette shards: %s: %zu words from %zu database(s)\n", out, words, n);
    return CLI_EXIT_OK;
}

/* After add or compact changed root's stub: the dictionary of everything it lists now. */
static int rebuild_dictionary(const char *dict, const char *root, const char *what)
{
    char stub[4096];
    int w = snprintf(stub, sizeof stub, "%s/%s", root, SHARDS_STUB_NAME);
    if (w < 0 || (size_t)w >= sizeof stub) {
        fprintf(stderr, "chouette shards: %s: path too long\n", root);
        return CLI_EXIT_FAILURE;
    }
    const char *srcs[] = {stub};
    return build_dictionary(dict, srcs, 1, what);
}

static int shards_add(const shards_args *a)
{
    if (!a->root)
        return usage_error("add: --root is required", NULL);
    if (a->out || a->stub || a->has_grace)
        return usage_error("add takes --root, --lists, --policy, --jobs, --partition, --dictionary",
                           NULL);
    if (!a->n)
        return usage_error("add: no WARC file given", NULL);
    int rc = CLI_EXIT_FAILURE;
    flt_classifier *classifier = NULL;
    char lerr[512], *shard = NULL, *err = NULL;
    if (mkdir(a->root, 0755) && errno != EEXIST) {
        fprintf(stderr, "chouette shards: cannot create %s: %s\n", a->root, strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    int lock = lock_root(a->root);
    if (lock < 0)
        return CLI_EXIT_FAILURE;
    if (idx_classifier_load(a->lists_dir, a->policy_file, &classifier, lerr, sizeof lerr)) {
        fprintf(stderr, "chouette shards: cannot load the filters: %s\n", lerr);
        close(lock);
        return CLI_EXIT_FAILURE;
    }
    idx_writer_opts opts = {.classifier = classifier,
                            .jobs = (size_t)a->jobs,
                            .part_index = a->has_part ? (unsigned)a->part_i : 0,
                            .part_count = a->has_part ? (unsigned)a->part_n : 0};
    idx_stats s;
    ch_status st = shards_build_batch(a->root, a->paths, a->n, &opts, &shard, &s, &err);
    if (st) {
        fprintf(stderr, "chouette shards: add: %s (the stub is unchanged)\n",
                err ? err : ch_status_str(st));
        goto out;
    }
    printf("%s\n", shard);
    idx_stats_print(stderr, "shards", &s);
    rc = a->dictionary ? rebuild_dictionary(a->dictionary, a->root, "add") : CLI_EXIT_OK;
out:
    close(lock);
    flt_classifier_free(classifier);
    free(shard);
    free(err);
    return rc;
}

static int shards_compact_cmd(const shards_args *a)
{
    if (!a->root)
        return usage_error("compact: --root is required", NULL);
    if (a->n || a->lists_dir || a->policy_file || a->out || a->stub || a->has_jobs || a->has_part ||
        a->has_grace)
        return usage_error("compact takes only --root and --dictionary", NULL);
    char *dst = NULL, *err = NULL;
    int lock = lock_root(a->root);
    if (lock < 0)
        return CLI_EXIT_FAILURE;
    ch_status st = shards_compact_all(a->root, &dst, &err);
    int rc = CLI_EXIT_FAILURE;
    if (st) {
        fprintf(stderr, "chouette shards: compact: %s (the stub is unchanged)\n",
                err ? err : ch_status_str(st));
        goto out;
    }
    if (dst)
        printf("%s\n", dst);
    else
        fputs("chouette shards: fewer than two local databases listed: nothing to compact\n",
              stderr);
    rc = a->dictionary ? rebuild_dictionary(a->dictionary, a->root, "compact") : CLI_EXIT_OK;
out:
    close(lock);
    free(dst);
    free(err);
    return rc;
}

static int shards_gc_cmd(const shards_args *a)
{
    if (!a->root)
        return usage_error("gc: --root is required", NULL);
    if (a->n || a->lists_dir || a->policy_file || a->out || a->stub || a->dictionary ||
        a->has_jobs || a->has_part)
        return usage_error("gc takes only --root and --grace", NULL);
    size_t removed = 0;
    int lock = lock_root(a->root);
    if (lock < 0)
        return CLI_EXIT_FAILURE;
    ch_status st = shards_gc(a->root, a->has_grace ? (double)a->grace_s : 600.0, &removed);
    close(lock);
    printf("%zu removed\n", removed);
    if (st) {
        fprintf(stderr, "chouette shards: gc: %s under %s\n",
                st == CH_ERR_IO ? "a directory could not be removed or read" : ch_status_str(st),
                a->root);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static int shards_dictionary_cmd(const shards_args *a)
{
    if (!a->out)
        return usage_error("dictionary: --out is required", NULL);
    if (a->root || a->lists_dir || a->policy_file || a->dictionary || a->has_jobs || a->has_part ||
        a->has_grace)
        return usage_error("dictionary takes only --out and --stub", NULL);
    if (!a->n)
        return usage_error("dictionary: no SHARD database given", NULL);
    if (build_dictionary(a->out, a->paths, a->n, "dictionary") != CLI_EXIT_OK)
        return CLI_EXIT_FAILURE;
    char *err = NULL;
    if (a->stub) {
        bool added = false;
        ch_status st = shards_stub_put_first(a->stub, a->out, &added, &err);
        if (st) {
            fprintf(stderr, "chouette shards: dictionary: %s (the stub is unchanged)\n",
                    err ? err : ch_status_str(st));
            free(err);
            return CLI_EXIT_FAILURE;
        }
        fprintf(stderr, "chouette shards: %s %s\n", a->stub,
                added ? "now lists the dictionary first" : "lists the dictionary already");
    }
    free(err);
    return CLI_EXIT_OK;
}

int cmd_shards(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    if (argc < 2)
        return usage_error("no action given", NULL);
    shards_args a = {0};
    a.paths = calloc((size_t)argc + 1, sizeof *a.paths);
    if (!a.paths) {
        fputs("chouette shards: out of memory\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    const char *action = argv[1];
    int rc;
    if (strcmp(action, "add") != 0 && strcmp(action, "compact") != 0 && strcmp(action, "gc") != 0 &&
        strcmp(action, "dictionary") != 0)
        rc = usage_error("unknown action", action);
    else if ((rc = parse_args(argc, argv, &a)) != CLI_EXIT_OK)
        ;
    else if (strcmp(action, "add") == 0)
        rc = shards_add(&a);
    else if (strcmp(action, "compact") == 0)
        rc = shards_compact_cmd(&a);
    else if (strcmp(action, "gc") == 0)
        rc = shards_gc_cmd(&a);
    else
        rc = shards_dictionary_cmd(&a);
    free(a.paths);
    return rc;
}
