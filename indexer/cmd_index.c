/* Placeholder until the issue that delivers 'chouette index' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_index(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette index --db DIR [--lists DIR] WARC...");
        return CLI_EXIT_OK;
    }
    fputs("chouette index: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
