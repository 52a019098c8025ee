/* Placeholder until the issue that delivers 'chouette lists' lands: it says so and fails. */
#include <stdio.h>

#include "common/cli.h"

int cmd_lists(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        puts("usage: chouette lists update --from DIR|TARBALL --to DIR");
        return CLI_EXIT_OK;
    }
    fputs("chouette lists: not implemented yet\n", stderr);
    return CLI_EXIT_FAILURE;
}
