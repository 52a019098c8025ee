/* Placeholder until the issue that delivers 'chouette search' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_search(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette search --db DIR [--mode web|school|junior] [--limit N] [--page N] [--json] QUERY...");
        return CLI_EXIT_OK;
    }
    fputs("chouette search: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
