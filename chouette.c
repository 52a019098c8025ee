/* bin/chouette: one binary, one subcommand per stage (../shared/DESIGN.md, "Command line"). */
#include <stdio.h>
#include <string.h>

#include "common/cli.h"

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    {"crawl", cmd_crawl, "fetch pages politely and write them to WARC files"},
    {"robots", cmd_robots, "tell whether robots.txt allows URLs for a user agent"},
    {"index", cmd_index, "turn WARC files into a Xapian index"},
    {"search", cmd_search, "query an index from the command line"},
    {"shards", cmd_shards, "add, compact and clean up shards; a spelling dictionary"},
    {"serve", cmd_serve, "answer searches over HTTP (web, school and junior modes)"},
    {"classify", cmd_classify, "explain which filter categories pages fall into"},
    {"lists", cmd_lists, "import and update filter category lists"},
};

static void usage(FILE *out)
{
    fputs("usage: chouette COMMAND [OPTIONS]...\n\n"
          "Chouette, a privacy-respecting search engine with children's modes.\n\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(out, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
    fputs("\nRun 'chouette COMMAND --help' for the options of one command.\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "chouette: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
