/* Placeholder until the issue that delivers 'chouette serve' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_serve(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette serve --db DIR|STUBFILE [--listen ADDR:PORT] [--config FILE] [--lock-mode MODE]");
        return CLI_EXIT_OK;
    }
    fputs("chouette serve: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
