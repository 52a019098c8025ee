/* Placeholder until the issue that delivers 'chouette classify' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_classify(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette classify [--json] [--lists DIR] FILE...");
        return CLI_EXIT_OK;
    }
    fputs("chouette classify: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
