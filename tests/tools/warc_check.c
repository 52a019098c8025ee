/* warc_check: read WARC files to their end with our reader (common/warc.h) and say whether
 * they are clean. For the crash and disk-full tests.
 *
 *   warc_check [--list] FILE...
 *
 * For each file, one line on stderr: "FILE: N records, N skipped, N garbage bytes" (and the
 * reader's last error if any). With --list, one line per record on stdout: "TYPE URI" (URI "-"
 * when the record has none), in file order. Exit status: 0 every file read cleanly to its end
 * (nothing skipped, no garbage, no read error), 1 otherwise, 2 bad usage. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/warc.h"

static bool check_file(const char *path, bool list)
{
    warc_reader *r = NULL;
    ch_status st = warc_reader_open(path, &r);
    if (st != CH_OK) {
        fprintf(stderr, "%s: cannot open: %s\n", path, ch_status_str(st));
        return false;
    }
    warc_record rec;
    while ((st = warc_reader_next(r, &rec)) == CH_OK) {
        if (list)
            printf("%s %s\n", rec.type_name, rec.target_uri ? rec.target_uri : "-");
    }
    warc_reader_stats s;
    warc_reader_get_stats(r, &s);
    bool ok = st == CH_ERR_EOF && s.skipped == 0 && s.garbage_bytes == 0 && s.last_error == CH_OK;
    fprintf(stderr, "%s: %" PRIu64 " records, %" PRIu64 " skipped, %" PRIu64 " garbage bytes%s%s\n",
            path, s.records, s.skipped, s.garbage_bytes, warc_reader_error(r) ? ": " : "",
            warc_reader_error(r) ? warc_reader_error(r) : "");
    if (st != CH_ERR_EOF)
        fprintf(stderr, "%s: read failed: %s\n", path, ch_status_str(st));
    warc_reader_close(r);
    return ok;
}

int main(int argc, char **argv)
{
    bool list = false;
    int i = 1;
    if (i < argc && strcmp(argv[i], "--list") == 0) {
        list = true;
        i++;
    }
    if (i >= argc) {
        fputs("usage: warc_check [--list] FILE...\n", stderr);
        return 2;
    }
    bool ok = true;
    for (; i < argc; i++)
        ok = check_file(argv[i], list) && ok;
    return ok ? 0 : 1;
}
