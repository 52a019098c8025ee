/* chouette classify: the page verdict of filters/classify.h for HTML files, one line per file.
 * Lists and policy are loaded once, so one run can take thousands of files; output is streamed.
 *
 * Where the data comes from (first that applies):
 *   lists:  --lists DIR; else <datadir>/lists (common/paths.h: $CHOUETTE_DATA, else the
 *           compiled-in data directory) when it is a folder; else ./data/lists.
 *   policy: --policy FILE; else <datadir>/policies.ini when it exists; else ./data/policies.ini.
 * The page URL (for the lists and the URL words) is --url when given, else the page's
 * <link rel=canonical>, else file://<path>. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/cli.h"
#include "common/paths.h"
#include "common/text.h"
#include "filters/classify.h"
#include "indexer/extract.h"

static const char usage_text[] =
    "usage: chouette classify [--json] [--lists DIR] [--policy FILE] [--url URL] FILE...\n"
    "\n"
    "Classify HTML files as the indexer does: categories from the UT1 lists (on the URL), the\n"
    "weighted phrase lists (title, URL words, text), <meta name=rating> and the local allow-\n"
    "and block-lists; the modes (web, school, junior) that hide each page, and why.\n"
    "\n"
    "  --json         one JSON object per line and per file: file, url, categories, hidden_in,\n"
    "                 reasons (category, source, detail, weight); or error\n"
    "  --lists DIR    folder holding ut1/ and phrases/ (default: the data directory's lists/,\n"
    "                 $CHOUETTE_DATA overrides it, else ./data/lists)\n"
    "  --policy FILE  mode policies (default: the data directory's policies.ini)\n"
    "  --url URL      the URL of the pages (default: <link rel=canonical>, else file://FILE)\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit status: 0 every file classified, 1 a file or the lists could not be read, 2 bad "
    "usage.\n";

static int usage_error(const char *msg, const char *arg)
{
    return cli_usage_error(
        "classify",
        "usage: chouette classify [--json] [--lists DIR] [--policy FILE] [--url URL] FILE...\n",
        msg, arg);
}

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The data file rel: <datadir>/rel when it exists (as a folder when want_dir), else
 * ./data/rel. */
static void default_data_path(const char *rel, bool want_dir, char *out, size_t outlen)
{
    if (paths_data_file(rel, out, outlen) == CH_OK && (want_dir ? is_dir(out) : is_file(out)))
        return;
    snprintf(out, outlen, "data/%s", rel);
}

/* A JSON string of s, repaired to valid UTF-8 when it is not. NULL on allocation failure. */
static json_t *jstr(const char *s)
{
    size_t n = strlen(s);
    if (text_utf8_valid(s, n))
        return json_stringn(s, n);
    buf_t b;
    buf_init(&b, n * 3 + 16);
    json_t *j = NULL;
    if (text_utf8_repair(s, n, &b) == CH_OK)
        j = json_stringn(b.data ? b.data : "", b.len);
    buf_free(&b);
    return j;
}

static int emit_json(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (!s)
        return -1;
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
    return 0;
}

static int print_error(bool json, const char *file, const char *msg)
{
    if (!json) {
        printf("%s: error: %s\n", file, msg);
        return 0;
    }
    json_t *o = json_object();
    int rc = -1;
    if (o && !json_object_set_new(o, "file", jstr(file)) &&
        !json_object_set_new(o, "error", jstr(msg)))
        rc = emit_json(o);
    json_decref(o);
    return rc;
}

static int print_verdict(bool json, const char *file, const char *url, const flt_verdict *v)
{
    if (!json) {
        printf("%s: %s\n  url: %s\n  categories:", file,
               v->hidden[FLT_MODE_SCHOOL] || v->hidden[FLT_MODE_JUNIOR] || v->hidden[FLT_MODE_WEB]
                   ? "hidden"
                   : "visible",
               url);
        for (size_t i = 0; i < v->nterms; i++)
            printf(" %s", v->terms[i].s);
        printf("\n  hidden in:");
        for (int m = 0; m < FLT_MODE_COUNT; m++)
            if (v->hidden[m])
                printf(" %s", flt_mode_name(m));
        putchar('\n');
        for (size_t i = 0; i < v->nreasons; i++)
            printf("  reason: %s %s \"%s\" %d\n", v->reasons[i].category, v->reasons[i].source,
                   v->reasons[i].detail, v->reasons[i].weight);
        return 0;
    }
    int rc = -1;
    json_t *o = json_object(), *cats = json_array(), *hid = json_array(), *rs = json_array();
    if (!o || !cats || !hid || !rs)
        goto out;
    for (size_t i = 0; i < v->nterms; i++)
        if (json_array_append_new(cats, jstr(v->terms[i].s)))
            goto out;
    for (int m = 0; m < FLT_MODE_COUNT; m++)
        if (v->hidden[m] && json_array_append_new(hid, json_string(flt_mode_name(m))))
            goto out;
    for (size_t i = 0; i < v->nreasons; i++) {
        const flt_reason *r = &v->reasons[i];
        json_t *jr = json_pack("{s:s, s:s, s:o, s:i}", "category", r->category, "source", r->source,
                               "detail", jstr(r->detail), "weight", r->weight);
        if (!jr || json_array_append_new(rs, jr))
            goto out;
    }
    if (json_object_set_new(o, "file", jstr(file)) || json_object_set_new(o, "url", jstr(url)) ||
        json_object_set(o, "categories", cats) || json_object_set(o, "hidden_in", hid) ||
        json_object_set(o, "reasons", rs))
        goto out;
    rc = emit_json(o);
out:
    json_decref(o);
    json_decref(cats);
    json_decref(hid);
    json_decref(rs);
    return rc;
}

/* Read at most cap bytes of path into b (reset first). Larger files are read up to the cap:
 * extraction parses no more than that anyway. */
static ch_status read_file(const char *path, buf_t *b, char *err, size_t errlen)
{
    buf_reset(b);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return CH_ERR_IO;
    }
    ch_status st = CH_OK;
    char chunk[65536];
    for (;;) {
        size_t room = b->max - b->len;
        if (!room)
            break;
        size_t want = room < sizeof chunk ? room : sizeof chunk;
        size_t n = fread(chunk, 1, want, f);
        if (n && (st = buf_append(b, chunk, n))) {
            snprintf(err, errlen, "%s", ch_status_str(st));
            break;
        }
        if (n < want) {
            if (ferror(f)) {
                snprintf(err, errlen, "read error: %s", strerror(errno));
                st = CH_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    return st;
}

/* The file:// URL of a path (made absolute). */
static ch_status file_url(const char *path, buf_t *out)
{
    buf_reset(out);
    char *abs = realpath(path, NULL);
    ch_status st = buf_appendf(out, "file://%s", abs ? abs : path);
    free(abs);
    return st;
}

int cmd_classify(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    bool json = false;
    const char *lists_dir = NULL, *policy_file = NULL, *url_opt = NULL;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            first = i + 1;
            break;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--lists") == 0 || strcmp(a, "--policy") == 0 ||
                   strcmp(a, "--url") == 0) {
            if (i + 1 >= argc || !*argv[i + 1])
                return usage_error("missing value for", a);
            const char **dst = a[2] == 'l' ? &lists_dir : a[2] == 'p' ? &policy_file : &url_opt;
            *dst = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option", a);
        } else {
            first = i;
            break;
        }
    }
    /* Options end at the first file. */
    if (first >= argc)
        return usage_error("no FILE given", NULL);

    char lists_buf[4096], policy_buf[4096], err[512];
    if (!lists_dir) {
        default_data_path("lists", true, lists_buf, sizeof lists_buf);
        lists_dir = lists_buf;
    }
    if (!policy_file) {
        default_data_path("policies.ini", false, policy_buf, sizeof policy_buf);
        policy_file = policy_buf;
    }

    int rc = CLI_EXIT_OK;
    flt_classifier *cls = NULL;
    flt_verdict *v = NULL;
    buf_t body, urlb;
    buf_init(&body, EXTRACT_DEFAULT_MAX_INPUT);
    buf_init(&urlb, 8192);
    flt_classifier_paths paths = {.lists_dir = lists_dir, .policy_file = policy_file};
    ch_status st = flt_classifier_load(&paths, &cls, err, sizeof err);
    if (st) {
        fprintf(stderr, "chouette classify: %s\n", err);
        rc = CLI_EXIT_FAILURE;
        goto out;
    }
    v = malloc(sizeof *v);
    if (!v) {
        fputs("chouette classify: out of memory\n", stderr);
        rc = CLI_EXIT_FAILURE;
        goto out;
    }
    flt_verdict_init(v);
    extract_global_init();

    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        extract_page_t *pg = NULL;
        if (read_file(file, &body, err, sizeof err) != CH_OK) {
            rc = CLI_EXIT_FAILURE;
            if (print_error(json, file, err))
                goto oom;
            continue;
        }
        if (file_url(file, &urlb) != CH_OK)
            goto oom;
        const char *page_url = url_opt ? url_opt : buf_str(&urlb);
        st = extract_page(body.data ? body.data : "", body.len, NULL, page_url, NULL, &pg);
        if (st) {
            rc = CLI_EXIT_FAILURE;
            snprintf(err, sizeof err, "extraction failed: %s", ch_status_str(st));
            extract_page_free(pg);
            if (print_error(json, file, err))
                goto oom;
            continue;
        }
        if (!url_opt && pg->canonical[0])
            page_url = pg->canonical;
        st = flt_classify_page(cls, page_url, pg->title, pg->text, pg->rating, v);
        if (st) {
            rc = CLI_EXIT_FAILURE;
            snprintf(err, sizeof err, "classification failed: %s", ch_status_str(st));
            extract_page_free(pg);
            if (print_error(json, file, err))
                goto oom;
            continue;
        }
        int prc = print_verdict(json, file, page_url, v);
        extract_page_free(pg);
        if (prc)
            goto oom;
    }
    goto out;
oom:
    fputs("chouette classify: out of memory\n", stderr);
    rc = CLI_EXIT_FAILURE;
out:
    if (fflush(stdout) != 0)
        rc = CLI_EXIT_FAILURE;
    if (v) {
        flt_verdict_free(v);
        free(v);
    }
    flt_classifier_free(cls);
    buf_free(&body);
    buf_free(&urlb);
    return rc;
}
