/* chouette robots: tell whether a robots.txt file allows URLs for a user agent, with the same
 * parser and matcher the crawler uses (crawler/robots.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/cli.h"
#include "crawler/robots.h"

static const char usage_text[] =
    "usage: chouette robots --agent UA --robots-file FILE URL...\n"
    "\n"
    "Print \"allowed URL\" or \"disallowed URL\" for each URL, in order, as the robots.txt\n"
    "in FILE (RFC 9309) decides for the user agent UA. The product token of UA (the part\n"
    "before '/', e.g. ChouetteBot of \"ChouetteBot/1.0 (+https://...)\") picks the group.\n"
    "Only the first 512 KiB of FILE are read, as the crawler does.\n"
    "\n"
    "  --agent UA          the user agent string (or just its product token)\n"
    "  --robots-file FILE  the robots.txt to apply\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 success, 1 FILE cannot be read, 2 bad usage.\n";

static int usage_error(const char *msg, const char *arg)
{
    return cli_usage_error(
        "robots", "usage: chouette robots --agent UA --robots-file FILE URL...\n", msg, arg);
}

/* Read at most max bytes of path into b (capped at max). On failure errno tells why. */
static ch_status read_capped(const char *path, buf_t *b, size_t max)
{
    ch_status st = CH_OK;
    FILE *f = fopen(path, "rb");
    if (!f)
        return CH_ERR_IO;
    char chunk[16384];
    while (b->len < max) {
        size_t want = max - b->len < sizeof chunk ? max - b->len : sizeof chunk;
        size_t got = fread(chunk, 1, want, f);
        if (got > 0) {
            st = buf_append(b, chunk, got);
            if (st)
                goto out;
        }
        if (got < want) {
            if (ferror(f))
                st = CH_ERR_IO;
            break;
        }
    }
out:
    if (fclose(f) != 0 && st == CH_OK)
        st = CH_ERR_IO;
    return st;
}

int cmd_robots(int argc, char **argv)
{
    int rc = CLI_EXIT_FAILURE;
    const char *ua = NULL, *file = NULL;
    const char **urls = NULL;
    size_t n_urls = 0;
    buf_t body;
    robots_t *robots = NULL;
    robots_agent_t *view = NULL;
    char token[256];

    buf_init(&body, ROBOTS_DEFAULT_MAX_BYTES + 1);
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    urls = calloc((size_t)argc, sizeof *urls);
    if (!urls) {
        fputs("chouette robots: out of memory\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    /* Options and URLs in any order; after "--" everything is a URL. */
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts_done || a[0] != '-' || a[1] == '\0') {
            urls[n_urls++] = a;
        } else if (strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (strcmp(a, "--agent") == 0 || strcmp(a, "--robots-file") == 0) {
            if (i + 1 >= argc) {
                rc = usage_error("missing value for", a);
                goto out;
            }
            if (a[2] == 'a')
                ua = argv[++i];
            else
                file = argv[++i];
        } else if (strncmp(a, "--agent=", 8) == 0) {
            ua = a + 8;
        } else if (strncmp(a, "--robots-file=", 14) == 0) {
            file = a + 14;
        } else {
            rc = usage_error("unknown option", a);
            goto out;
        }
    }
    if (!ua || !file || n_urls == 0) {
        rc = usage_error(!ua     ? "missing --agent"
                         : !file ? "missing --robots-file"
                                 : "no URL given",
                         NULL);
        goto out;
    }
    ch_status st = robots_product_token(ua, token, sizeof token);
    if (st) {
        rc = usage_error(st == CH_ERR_LIMIT ? "user agent product token too long (max 255 bytes)"
                                            : "empty user agent product token",
                         NULL);
        goto out;
    }

    st = read_capped(file, &body, ROBOTS_DEFAULT_MAX_BYTES + 1);
    if (st) {
        fprintf(stderr, "chouette robots: cannot read '%s': %s\n", file,
                st == CH_ERR_IO && errno ? strerror(errno) : ch_status_str(st));
        goto out;
    }
    st = robots_parse(body.data, body.len, NULL, &robots);
    if (st == CH_OK)
        st = robots_agent_rules(robots, token, &view);
    if (st) {
        fprintf(stderr, "chouette robots: %s: %s\n", file, ch_status_str(st));
        goto out;
    }
    for (size_t i = 0; i < n_urls; i++) {
        char *path = NULL;
        st = robots_url_path(urls[i], &path);
        if (st) {
            fprintf(stderr, "chouette robots: %s\n", ch_status_str(st));
            goto out;
        }
        bool ok = robots_agent_allowed(view, path);
        free(path);
        printf("%s %s\n", ok ? "allowed" : "disallowed", urls[i]);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("chouette robots: cannot write the answers\n", stderr);
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    robots_agent_free(view);
    robots_free(robots);
    buf_free(&body);
    free(urls);
    return rc;
}
