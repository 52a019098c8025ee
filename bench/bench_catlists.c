/* Benchmark of the category lists at UT1 scale: load time, memory and lookup time.
 *
 *   bench/bench_catlists.sh [N]      builds this file against build-bench/ and runs it
 *
 * Writes a synthetic lists folder with N domains (default 5 000 000, the size of UT1's full
 * adult list) in a temporary folder, loads it with flt_lists_load() and reports:
 *   load seconds (CPU time of the process, so that a busy machine skews less), RSS growth and peak
 * RSS (from /proc/self/status), bytes held by the lists, mean lookup time for hosts that match (a
 * subdomain of a listed domain), hosts that do not, and full URLs. The generator is a fixed
 * xorshift, so runs are comparable. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cli.h"
#include "filters/catlists.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Domain number i: a pseudo-random 6-16 letter label, maybe a subdomain, one of a few TLDs. */
static void domain_of(uint64_t i, char *out, size_t cap)
{
    static const char *const tlds[] = {"com", "net", "org", "fr", "de", "xxx", "co.uk", "info"};
    uint64_t s = i * 0x9e3779b97f4a7c15ULL + 12345;
    char label[32];
    size_t n = 6 + (size_t)(s % 11);
    for (size_t k = 0; k < n; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        label[k] = (char)('a' + (s >> 33) % 26);
    }
    label[n] = '\0';
    if ((s >> 20) % 8 == 0)
        snprintf(out, cap, "m.%s%llu.%s", label, (unsigned long long)(i % 1000),
                 tlds[(s >> 40) % 8]);
    else
        snprintf(out, cap, "%s%llu.%s", label, (unsigned long long)(i % 1000), tlds[(s >> 40) % 8]);
}

static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t fl = strlen(field);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
            char *end;
            v = strtol(line + fl + 1, &end, 10);
        }
    fclose(f);
    return v;
}

/* CPU time of the process (what a busy machine skews least), and wall time. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = 5000000;
    if (argc > 1 && !cli_parse_long(argv[1], 1, 100000000L, &n)) {
        fprintf(stderr, "usage: bench_catlists [N]\n");
        return 2;
    }
    char dir[] = "/tmp/bench_catlists.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256];
    snprintf(path, sizeof path, "%s/adult", dir);
    if (mkdir(path, 0700) != 0)
        return 1;
    snprintf(path, sizeof path, "%s/adult/domains", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    char d[128];
    size_t bytes = 0;
    for (long i = 0; i < n; i++) {
        domain_of((uint64_t)i, d, sizeof d);
        bytes += strlen(d) + 1;
        fprintf(f, "%s\n", d);
    }
    fclose(f);
    printf("synthetic list: %ld domains, %.1f MB\n", n, (double)bytes / 1e6);

    long rss0 = status_kb("VmRSS");
    double w0 = wall(), t0 = now();
    flt_lists *l = NULL;
    flt_load_report rep;
    flt_load_report_init(&rep);
    ch_status st = flt_lists_load(dir, &l, &rep);
    double t1 = now(), w1 = wall();
    long rss1 = status_kb("VmRSS"), hwm = status_kb("VmHWM");
    if (st) {
        fprintf(stderr, "load failed: %s\n", ch_status_str(st));
        return 1;
    }
    printf("load: %.2f s CPU, %.2f s wall, %zu entries (%zu bad lines)\n", t1 - t0, w1 - w0,
           flt_lists_entry_count(l), rep.bad_lines);
    printf("memory: RSS +%.0f MB after load, peak RSS %.0f MB, lists hold %.0f MB\n",
           (double)(rss1 - rss0) / 1024, (double)hwm / 1024,
           (double)flt_lists_memory_bytes(l) / 1e6);

    /* Lookups: hits are "www.<listed>", misses are unlisted names of the same shape. */
    enum { Q = 1000000 };
    char(*hosts)[160] = malloc(sizeof *hosts * Q);
    if (!hosts)
        return 1;
    uint64_t hits = 0;
    for (int kind = 0; kind < 3; kind++) {
        for (int i = 0; i < Q; i++) {
            domain_of(rng() % (uint64_t)n, d, sizeof d);
            if (kind == 0)
                snprintf(hosts[i], sizeof hosts[i], "www.%s", d);
            else if (kind == 1)
                snprintf(hosts[i], sizeof hosts[i], "www.q%s", d);
            else
                snprintf(hosts[i], sizeof hosts[i], "https://www.%s/some/page.html?id=42", d);
        }
        double a = now();
        uint64_t found = 0;
        for (int i = 0; i < Q; i++)
            found += flt_lists_match_url(l, hosts[i], NULL) != 0;
        double b = now();
        hits += found;
        printf("lookup %-5s: %.0f ns CPU each (%llu of %d matched)\n",
               kind == 0   ? "hit"
               : kind == 1 ? "miss"
                           : "url",
               (b - a) * 1e9 / Q, (unsigned long long)found, Q);
    }
    free(hosts);
    flt_lists_free(l);
    flt_load_report_free(&rep);
    unlink(path);
    snprintf(path, sizeof path, "%s/adult", dir);
    rmdir(path);
    rmdir(dir);
    return hits > 0 ? 0 : 1;
}
