/* chouette crawl: command line front end of crawler/crawl.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "common/cli.h"
#include "common/config.h"
#include "crawler/crawl.h"

#define SEEDS_FILE_MAX_LINE 8192

static const char usage[] =
    "usage: chouette crawl --out DIR [--seed URL]... [--seeds-file FILE] [--config FILE]\n"
    "                      [--max-pages N] [--max-depth N] [--delay-ms N] [--concurrency N]\n"
    "                      [--allow-host HOST]... [--user-agent STRING]\n"
    "                      [--allow-network CIDR]... [--partition I/N]\n"
    "\n"
    "Crawl from the seeds (and sitemaps) into DIR: WARC files, state.sqlite. Running again on\n"
    "the same DIR resumes the crawl. Obeys robots.txt; one request at a time per host (more\n"
    "with per_host_connections in the config, for your own servers), spaced by --delay-ms\n"
    "(default 1000) or Crawl-delay. Private, loopback and link-local addresses\n"
    "are refused unless --allow-network covers them. Settings: data/chouette.ini documents the\n"
    "[crawler] section read by --config; options given here override it.\n"
    "\n"
    "  --out DIR            output directory (created if needed)\n"
    "  --seed URL           a start URL (repeatable)\n"
    "  --seeds-file FILE    start URLs, one per line ('#' comments)\n"
    "  --config FILE        INI configuration\n"
    "  --max-pages N        stop after N fetched URLs, redirects and errors included (0: no "
    "limit)\n"
    "  --max-depth N        links followed from a seed\n"
    "  --delay-ms N         minimum delay between two requests to one host\n"
    "  --concurrency N      requests in flight over all hosts\n"
    "  --allow-host HOST    host in scope, with its subdomains (repeatable; default: the seeds')\n"
    "  --user-agent STRING  User-Agent; its product token is matched against robots.txt\n"
    "  --allow-network CIDR let the crawler connect to this network (repeatable)\n"
    "  --partition I/N      only hosts whose FNV-1a hash mod N is I; others go to\n"
    "                       DIR/handoff-J.txt\n"
    "Exit status: 0 crawl finished, 1 failure, 2 bad usage.\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int bad_usage(const char *msg, const char *arg)
{
    return cli_usage_error("crawl", "Try 'chouette crawl --help'.\n", msg, arg);
}

static int read_seeds_file(cfg_t *cfg, cfg_list *seeds, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "chouette crawl: %s: %s\n", path, strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = CLI_EXIT_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        if (n > SEEDS_FILE_MAX_LINE)
            continue;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
            s[--len] = '\0';
        if (!len || *s == '#')
            continue;
        if (cfg_list_add(cfg, seeds, s)) {
            rc = CLI_EXIT_FAILURE;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

static bool printable_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

int cmd_crawl(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    enum {
        O_OUT = 1,
        O_SEED,
        O_SEEDS_FILE,
        O_CONFIG,
        O_MAX_PAGES,
        O_MAX_DEPTH,
        O_DELAY,
        O_CONC,
        O_ALLOW_HOST,
        O_UA,
        O_ALLOW_NET,
        O_PARTITION
    };
    static const struct option opts[] = {
        {"out", required_argument, NULL, O_OUT},
        {"seed", required_argument, NULL, O_SEED},
        {"seeds-file", required_argument, NULL, O_SEEDS_FILE},
        {"config", required_argument, NULL, O_CONFIG},
        {"max-pages", required_argument, NULL, O_MAX_PAGES},
        {"max-depth", required_argument, NULL, O_MAX_DEPTH},
        {"delay-ms", required_argument, NULL, O_DELAY},
        {"concurrency", required_argument, NULL, O_CONC},
        {"allow-host", required_argument, NULL, O_ALLOW_HOST},
        {"user-agent", required_argument, NULL, O_UA},
        {"allow-network", required_argument, NULL, O_ALLOW_NET},
        {"partition", required_argument, NULL, O_PARTITION},
        {NULL, 0, NULL, 0},
    };
    int rc = CLI_EXIT_USAGE;
    cfg_t *cfg = NULL;
    /* command-line values, applied over the config file once it is read */
    const char *out = NULL, *config = NULL, *ua = NULL, *seeds_file = NULL;
    long max_pages = -1, max_depth = -1, delay = -1, conc = -1, part_i = 0, part_n = 1;
    cfg_list seeds = {0}, hosts = {0}, nets = {0};
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        bool ok = true;
        switch (ch) {
        case O_OUT:
            out = optarg;
            break;
        case O_SEED:
            ok = cfg_list_add(NULL, &seeds, optarg) == CH_OK;
            break;
        case O_SEEDS_FILE:
            seeds_file = optarg;
            break;
        case O_CONFIG:
            config = optarg;
            break;
        case O_MAX_PAGES:
            ok = cli_parse_long(optarg, 0, 1000000000L, &max_pages);
            break;
        case O_MAX_DEPTH:
            ok = cli_parse_long(optarg, 0, 1000, &max_depth);
            break;
        case O_DELAY:
            ok = cli_parse_long(optarg, 0, 86400000L, &delay);
            break;
        case O_CONC:
            ok = cli_parse_long(optarg, 1, 1024, &conc);
            break;
        case O_ALLOW_HOST:
            ok = cfg_list_add(NULL, &hosts, optarg) == CH_OK;
            break;
        case O_UA:
            ua = optarg;
            ok = *ua && printable_ascii(ua);
            break;
        case O_ALLOW_NET:
            ok = cfg_list_add(NULL, &nets, optarg) == CH_OK;
            break;
        case O_PARTITION:
            ok = cli_parse_partition(optarg, &part_i, &part_n);
            break;
        default:
            rc = bad_usage("unknown option or missing value", argv[optind - 1]);
            goto out;
        }
        if (!ok) {
            rc = bad_usage("bad value", argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        rc = bad_usage("unexpected argument", argv[optind]);
        goto out;
    }
    if (!out) {
        rc = bad_usage("--out DIR is required", NULL);
        goto out;
    }
    rc = CLI_EXIT_FAILURE;
    if (cfg_new(&cfg))
        goto out;
    if (config) {
        char err[512];
        if (cfg_load(cfg, config, err, sizeof err)) {
            fprintf(stderr, "chouette crawl: %s: %s\n", config, err);
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    cfg_crawler *k = cfg_crawler_section_mut(cfg);
    if (!printable_ascii(k->user_agent)) {
        rc = bad_usage("the user agent must be printable ASCII", NULL);
        goto out;
    }
    if (ua && cfg_set_string(&k->user_agent, ua))
        goto out;
    if (max_pages >= 0)
        k->max_pages = max_pages;
    if (max_depth >= 0)
        k->max_depth = max_depth;
    if (delay >= 0)
        k->delay_ms = delay;
    if (conc > 0)
        k->concurrency = conc;
    for (size_t i = 0; i < seeds.n; i++)
        if (cfg_list_add(cfg, &k->seeds, seeds.items[i]))
            goto out;
    for (size_t i = 0; i < hosts.n; i++)
        if (cfg_list_add(cfg, &k->allow_hosts, hosts.items[i]))
            goto out;
    for (size_t i = 0; i < nets.n; i++)
        if (cfg_list_add(cfg, &k->allow_networks, nets.items[i]))
            goto out;
    if (seeds_file && (rc = read_seeds_file(cfg, &k->seeds, seeds_file)) != CLI_EXIT_OK)
        goto out;
    rc = CLI_EXIT_FAILURE;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("chouette crawl: libcurl initialisation failed\n", stderr);
        goto out;
    }
    crawl_options co = {0};
    co.cfg = k;
    co.out_dir = out;
    co.part_index = (int)part_i;
    co.part_count = (int)part_n;
    co.progress = cli_progress_enabled();
    co.stop = &stop_flag;
    crawl_stats s;
    char err[1024];
    ch_status st = crawl_run(&co, &s, err, sizeof err);
    curl_global_cleanup();
    fprintf(stderr,
            "crawl: %lld pages, %lld bytes, %lld hosts, %.1f s; status 2xx %lld, 3xx %lld, "
            "4xx %lld, 5xx %lld, no answer %lld; robots denied %lld, hosts given up %lld, "
            "refused %lld, "
            "non-HTML %lld, truncated %lld, not modified %lld, queued left %lld\n",
            (long long)s.pages, (long long)s.bytes, (long long)s.hosts, s.duration_ms / 1000.0,
            (long long)s.status[2], (long long)s.status[3], (long long)s.status[4],
            (long long)s.status[5], (long long)s.status[0], (long long)s.robots_denied,
            (long long)s.hosts_given_up, (long long)s.refused, (long long)s.skipped_types,
            (long long)s.truncated, (long long)s.not_modified, (long long)s.queued_left);
    if (st) {
        fprintf(stderr, "chouette crawl: %s%s%s\n", ch_status_str(st), err[0] ? ": " : "", err);
        rc = st == CH_ERR_PARSE || st == CH_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    cfg_list_clear(&seeds);
    cfg_list_clear(&hosts);
    cfg_list_clear(&nets);
    cfg_free(cfg);
    return rc;
}
