/* Placeholder until the issue that delivers 'chouette crawl' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_crawl(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette crawl --out DIR [--seed URL]... [--seeds-file FILE] [--config FILE] [--max-pages N] [--max-depth N] [--delay-ms N] [--concurrency N] [--allow-host HOST]... [--user-agent STRING] [--allow-network CIDR]... [--partition I/N]");
        return CLI_EXIT_OK;
    }
    fputs("chouette crawl: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
