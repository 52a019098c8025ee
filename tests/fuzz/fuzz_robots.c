/* libFuzzer harness for crawler/robots.c. The input is a robots.txt body; paths and agents to
 * ask about are taken from the input too (its lines), so the matcher meets patterns and paths
 * built from the same bytes. Besides crashes and sanitizer reports, it checks that the two
 * matchers (robots_allowed and the compiled robots_agent_rules view) always agree, that
 * /robots.txt is always allowed, and that crawl delays stay within the clamp. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/robots.h"

static void check_agent(const robots_t *r, const char *agent, const char *const *paths,
                        size_t n_paths, double max_delay)
{
    robots_agent_t *view = NULL;
    if (robots_agent_rules(r, agent, &view) != CH_OK)
        return; /* allocation failure only */
    for (size_t i = 0; i < n_paths; i++) {
        bool a = robots_allowed(r, agent, paths[i]);
        bool b = robots_agent_allowed(view, paths[i]);
        if (a != b) {
            fprintf(stderr, "matchers disagree on agent '%s' path '%s'\n", agent, paths[i]);
            abort();
        }
    }
    if (!robots_agent_allowed(view, "/robots.txt"))
        abort();
    double d = robots_crawl_delay(r, agent);
    if (d != robots_agent_crawl_delay(view) || d > max_delay || (d < 0 && d != -1.0))
        abort();
    robots_agent_free(view);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    robots_options opt = {0};
    /* Sometimes a tiny parse limit, to exercise the truncation path. */
    if (size > 0 && (data[0] & 7) == 0)
        opt.max_bytes = (size_t)(data[size - 1]) + 1;
    opt.max_crawl_delay = 30.0;
    robots_t *r = NULL;
    ch_status st = robots_parse((const char *)data, size, &opt, &r);
    if (st == CH_ERR_NOMEM)
        return 0;
    if (st != CH_OK || !r)
        abort(); /* malformed content is never an error; a hit arena cap would be a bug */

    /* Up to 8 lines of the input, NUL-free, as paths; their product tokens as agents. */
    char *copy = malloc(size + 1);
    if (!copy) {
        robots_free(r);
        return 0;
    }
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (size_t i = 0; i < size; i++) {
        if (copy[i] == '\0')
            copy[i] = ' ';
    }
    const char *paths[12] = {"/", "", "/a", "/robots.txt"};
    size_t n_paths = 4;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\r\n", &save); line && n_paths < 12;
         line = strtok_r(NULL, "\r\n", &save)) {
        const char *colon = strchr(line, ':');
        paths[n_paths++] = colon ? colon + 1 : line;
    }
    const char *agents[] = {"FooBot", "", "*", "chouettebot"};
    for (size_t i = 0; i < sizeof agents / sizeof agents[0]; i++)
        check_agent(r, agents[i], paths, n_paths, opt.max_crawl_delay);
    for (size_t i = 4; i < n_paths; i++) {
        char token[64];
        if (robots_product_token(paths[i], token, sizeof token) == CH_OK)
            check_agent(r, token, paths, n_paths, opt.max_crawl_delay);
        char *p = NULL;
        if (robots_url_path(paths[i], &p) == CH_OK) {
            if (p[0] != '/')
                abort();
            (void)robots_allowed(r, "FooBot", p);
            free(p);
        }
    }
    size_t n = robots_sitemap_count(r);
    for (size_t i = 0; i < n; i++) {
        const char *s = robots_sitemap(r, i);
        if (!s || strncasecmp(s, "http", 4) != 0)
            abort();
    }
    if (robots_sitemap(r, n) != NULL)
        abort();
    free(copy);
    robots_free(r);
    return 0;
}
