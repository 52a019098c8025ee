/* chouette serve: the HTTP front end (../shared/DESIGN.md, "HTTP endpoints" and "Modes"). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/config.h"
#include "common/paths.h"
#include "server/http.h"

static const char usage_text[] =
    "usage: chouette serve --db DIR|STUBFILE [--listen ADDR:PORT] [--config FILE] "
    "[--lock-mode MODE]\n";

static const char help_text[] =
    "\nAnswer searches over HTTP: HTML pages (no script, no cookie), GET /api/search (JSON),\n"
    "/suggest, /opensearch.xml, /stats, /metrics, /healthz.\n\n"
    "  --db DIR|STUBFILE  the index to serve (a Xapian database or a stub listing shards)\n"
    "  --listen ADDR:PORT address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --config FILE      configuration; its [serve] section: lock_mode, host_modes,\n"
    "                     host_sites, cors_origins, frame_ancestors, public_url, threads,\n"
    "                     connection_timeout_s, max_connections, max_connections_per_ip,\n"
    "                     rate_limit, rate_limit_burst, rate_limit_exempt,\n"
    "                     rate_limit_proxies, rate_limit_table, policy_override\n"
    "                     (see docs/API.md)\n"
    "  --lock-mode MODE   web, school or junior for every request: mode= and safe=off are\n"
    "                     then ignored\n\n"
    "Nothing about a request is logged or written to disk. Stops cleanly on SIGTERM/SIGINT;\n"
    "SIGHUP reloads the mode policy and the query checker without dropping a request.\n";

/* Read a non-negative number of [serve] key into *out (left alone when absent). */
static bool serve_number(const cfg_t *c, const char *key, long max, long *out)
{
    const char *v = c ? cfg_get(c, "serve", key) : NULL;
    if (!v)
        return true;
    if (!cli_parse_long(v, 0, max, out)) {
        fprintf(stderr, "chouette serve: [serve] %s: want a number from 0 to %ld\n", key, max);
        return false;
    }
    return true;
}

int cmd_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = NULL, *config = NULL, *lock = NULL;
    int rc = CLI_EXIT_FAILURE;
    cfg_t *cfg = NULL;
    srv_filters *filters = NULL;
    srv_filters_box *box = NULL;
    char policy_path[4096], qc_path[4096];
    srv_server s;
    char err[512] = "";
    char path[4096];
    memset(&s, 0, sizeof s);
    s.opt.lock_mode = -1;

    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        fputs(help_text, stdout);
        return CLI_EXIT_OK;
    }
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--db") == 0)
            slot = &db;
        else if (strcmp(argv[i], "--listen") == 0)
            slot = &listen;
        else if (strcmp(argv[i], "--config") == 0)
            slot = &config;
        else if (strcmp(argv[i], "--lock-mode") == 0)
            slot = &lock;
        if (!slot) {
            return cli_usage_error("serve", usage_text, "unknown argument", argv[i]);
        }
        if (i + 1 >= argc || argv[i + 1][0] == '\0') {
            return cli_usage_error("serve", usage_text, "this option needs a value", argv[i]);
        }
        *slot = argv[++i];
    }
    if (!db) {
        return cli_usage_error("serve", usage_text, "--db is required", NULL);
    }
    if (lock && flt_mode_from_name(lock) < 0) {
        fprintf(stderr, "chouette serve: --lock-mode %s: want web, school or junior\n", lock);
        return CLI_EXIT_USAGE;
    }

    if (cfg_new(&cfg) != CH_OK)
        goto out;
    if (config && cfg_load(cfg, config, err, sizeof err) != CH_OK) {
        fprintf(stderr, "chouette serve: %s\n", err);
        goto out;
    }
    if (srv_options_from_config(&s.opt, cfg, lock, err, sizeof err) != CH_OK) {
        fprintf(stderr, "chouette serve: %s\n", err);
        goto out;
    }
    long threads = 0, timeout = 0, conns = 0, per_ip = 0;
    if (!serve_number(cfg, "threads", SRV_MAX_THREADS, &threads) ||
        !serve_number(cfg, "connection_timeout_s", 3600, &timeout) ||
        !serve_number(cfg, "max_connections", SRV_MAX_CONNECTION_LIMIT, &conns) ||
        !serve_number(cfg, "max_connections_per_ip", SRV_MAX_CONNECTION_LIMIT, &per_ip))
        goto out;
    srv_rl_config rate;
    if (srv_rl_config_from_cfg(&rate, cfg, err, sizeof err) != CH_OK) {
        fprintf(stderr, "chouette serve: %s\n", err);
        goto out;
    }
    if (!listen)
        listen = cfg_get(cfg, "serve", "listen");
    if (!listen)
        listen = "127.0.0.1:8080";

    /* read-only data: texts and static files are loaded now and never read again; the
     * filters (policy, query checker) are loaded now and again on SIGHUP */
    if (paths_data_file("policies.ini", policy_path, sizeof policy_path) != CH_OK ||
        paths_data_file("querycheck", qc_path, sizeof qc_path) != CH_OK) {
        fprintf(stderr, "chouette serve: data folder path too long\n");
        goto out;
    }
    srv_filters_paths fpaths = {.policy_file = policy_path,
                                .policy_override = cfg_get(cfg, "serve", "policy_override"),
                                .querycheck_dir = qc_path};
    if (srv_filters_load(&fpaths, &filters, err, sizeof err) != CH_OK) {
        fprintf(stderr, "chouette serve: %s\n", err[0] ? err : "cannot load the filters");
        goto out;
    }
    /* s.policy and s.querycheck stay NULL: every request takes them from the box */
    ch_status bst = srv_filters_box_new(filters, &box);
    filters = NULL; /* the box owns it now, even on failure */
    if (bst != CH_OK)
        goto out;
    for (size_t i = 0; i < SRV_LANG_COUNT; i++) {
        char rel[32];
        snprintf(rel, sizeof rel, "i18n/%s.ini", srv_langs[i]);
        if (paths_data_file(rel, path, sizeof path) != CH_OK ||
            srv_i18n_load(path, srv_langs[i], &s.i18n[i], err, sizeof err) != CH_OK) {
            fprintf(stderr, "chouette serve: %s\n", err[0] ? err : rel);
            goto out;
        }
    }
    if (paths_data_file("static", path, sizeof path) != CH_OK ||
        srv_static_load(path, &s.files, err, sizeof err) != CH_OK) {
        fprintf(stderr, "chouette serve: %s\n", err[0] ? err : "static: path too long");
        goto out;
    }
    if (!(s.stats = srv_stats_new()))
        goto out;
    s.backend = &srv_backend_idx;

    /* check the index once now, so a wrong --db fails at start, not at the first query */
    idx_searcher *probe = NULL;
    char *msg = NULL;
    if (idx_searcher_open(db, &probe, &msg) != CH_OK) {
        fprintf(stderr, "chouette serve: cannot open the index %s: %s\n", db,
                msg ? msg : "unknown error");
        free(msg);
        goto out;
    }
    idx_searcher_close(probe);

    /* SIGTERM and SIGINT are waited for by srv_http_run; block them before any thread starts
     * so that every worker inherits the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP); /* reload the filters */
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    srv_http_config hc = {.listen = listen,
                          .db_path = db,
                          .threads = (unsigned)threads,
                          .timeout_s = (unsigned)timeout,
                          .max_connections = (unsigned)conns,
                          .max_connections_per_ip = (unsigned)per_ip,
                          .ratelimit = &rate,
                          .filters = box,
                          .filter_paths = &fpaths};
    ch_status st = srv_http_run(&s, &hc, &stop, err, sizeof err);
    if (st != CH_OK) {
        fprintf(stderr, "chouette serve: %s\n", err[0] ? err : ch_status_str(st));
        rc = st == CH_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    srv_stats_free(s.stats);
    srv_static_free(s.files);
    for (size_t i = 0; i < SRV_LANG_COUNT; i++)
        srv_i18n_free(s.i18n[i]);
    srv_filters_release(filters);
    srv_filters_box_free(box);
    srv_options_free(&s.opt);
    cfg_free(cfg);
    return rc;
}
