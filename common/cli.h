/* Command-line plumbing shared by the subcommands of bin/chouette.
 * Exit status contract (../shared/DESIGN.md): 0 success, 1 failure at run time, 2 bad usage. */
#ifndef CHOUETTE_CLI_H
#define CHOUETTE_CLI_H

#include <stdbool.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

/* Parse a whole decimal integer in [min, max]. Returns false (and leaves *out alone) on empty
 * input, trailing garbage, or a value out of range. */
bool cli_parse_long(const char *s, long min, long max, long *out);

/* Parse "I/N" (--partition of crawl and index): 1 <= N <= CLI_PARTITIONS_MAX, 0 <= I < N.
 * Returns false (and leaves the outputs alone) otherwise. */
#define CLI_PARTITIONS_MAX 1000000
bool cli_parse_partition(const char *s, long *index, long *count);

/* A usage error of subcommand `command`: "chouette COMMAND: MSG 'ARG'" (without ARG when it is
 * NULL), then `usage` (one or more lines ending in a newline), both on stderr. Returns
 * CLI_EXIT_USAGE, for `return cli_usage_error(...)`. */
int cli_usage_error(const char *command, const char *usage, const char *msg, const char *arg);

/* True when argv holds -h or --help anywhere before a "--". */
bool cli_wants_help(int argc, char **argv);

/* True when progress lines should be drawn: stderr is a terminal. */
bool cli_progress_enabled(void);

/* Each subcommand: argv[0] is the subcommand name. Returns an exit status. */
int cmd_crawl(int argc, char **argv);
int cmd_robots(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_shards(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_lists(int argc, char **argv);

#endif
