/* Placeholder until the issue that delivers 'chouette robots' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_robots(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette robots --agent UA --robots-file FILE URL...");
        return CLI_EXIT_OK;
    }
    fputs("chouette robots: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
