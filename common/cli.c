#include "common/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool cli_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return false;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool cli_parse_partition(const char *s, long *index, long *count)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    char first[32];
    long i, n;
    if (!slash || (size_t)(slash - s) >= sizeof first)
        return false;
    memcpy(first, s, (size_t)(slash - s));
    first[slash - s] = '\0';
    if (!cli_parse_long(slash + 1, 1, CLI_PARTITIONS_MAX, &n) ||
        !cli_parse_long(first, 0, n - 1, &i))
        return false;
    *index = i;
    *count = n;
    return true;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

bool cli_progress_enabled(void)
{
    return isatty(STDERR_FILENO) == 1;
}

int cli_usage_error(const char *command, const char *usage, const char *msg, const char *arg)
{
    if (arg)
        fprintf(stderr, "chouette %s: %s '%s'\n", command, msg, arg);
    else
        fprintf(stderr, "chouette %s: %s\n", command, msg);
    fputs(usage, stderr);
    return CLI_EXIT_USAGE;
}
