/* A frontier of N synthetic URLs (default 1,000,000): memory and speed of crawler/frontier.h.
 *
 *   bench/crawl/bench_frontier.sh [N] [HOSTS]
 *
 * Inserts N URLs spread over HOSTS origins (default 1000) in batches of 10,000 per transaction
 * (the crawler commits in batches too), then looks up 100,000 URLs (half known), then takes
 * 10,000 URLs through frontier_next_ready_host + frontier_take_url + frontier_finish_url.
 * Prints one "key value" line per measure; peak RSS is VmHWM of this process (the SQLite page
 * cache included). The database goes to a temporary directory, removed at the end. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crawler/frontier.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmHWM or VmRSS of this process in KiB; -1 when unreadable. */
static long status_kib(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp)
        return -1;
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            char *end = NULL;
            v = strtol(line + kl + 1, &end, 10);
            break;
        }
    }
    fclose(fp);
    return v;
}

static long file_kib(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)(sb.st_size / 1024) : 0;
}

static int parse_count(const char *s, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v <= 0 || v > 100000000L)
        return -1;
    *out = v;
    return 0;
}

/* The i-th synthetic URL and its origin: realistic lengths (60-90 bytes). */
static void make_url(long i, long hosts, char *url, size_t ulen, char *host, size_t hlen)
{
    long h = i % hosts;
    snprintf(host, hlen, "https://www%ld.example-site-%ld.fr", h % 7, h);
    snprintf(url, ulen, "%s/section-%ld/article/%ld-some-title-words.html?p=%ld", host,
             (i / hosts) % 97, i, i % 13);
}

int main(int argc, char **argv)
{
    long n = 1000000, hosts = 1000;
    if ((argc > 1 && parse_count(argv[1], &n)) || (argc > 2 && parse_count(argv[2], &hosts))) {
        fprintf(stderr, "usage: bench_frontier [N] [HOSTS]\n");
        return 2;
    }
    char dir[] = "/tmp/bench-frontier-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[512], side[600];
    snprintf(path, sizeof path, "%s/state.sqlite", dir);
    int rc = 1;
    frontier_t *f = NULL;
    char err[256] = "";
    char url[256], host[128];
    long rss0 = status_kib("VmRSS");
    if (frontier_open(path, &f, err, sizeof err)) {
        fprintf(stderr, "frontier_open: %s\n", err);
        goto out;
    }
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        if (i % 10000 == 0 && (i ? frontier_commit(f) : CH_OK))
            goto out;
        if (i % 10000 == 0 && frontier_begin(f))
            goto out;
        make_url(i, hosts, url, sizeof url, host, sizeof host);
        bool added = false;
        if (frontier_add(f, url, host, (int)(i % 5), FRONTIER_KIND_PAGE, 0, &added) || !added) {
            fprintf(stderr, "frontier_add failed at %ld\n", i);
            goto out;
        }
    }
    if (frontier_commit(f))
        goto out;
    double t_ins = now_s() - t0;
    int64_t count = 0;
    if (frontier_count(f, -1, &count) || count != n) {
        fprintf(stderr, "count %" PRId64 " != %ld\n", count, n);
        goto out;
    }
    long hwm_ins = status_kib("VmHWM");

    t0 = now_s();
    long hits = 0, lookups = 100000;
    for (long k = 0; k < lookups; k++) {
        long i = (k * 7919) % (2 * n); /* half beyond n: unknown */
        make_url(i, hosts, url, sizeof url, host, sizeof host);
        bool found = false;
        if (frontier_contains(f, url, &found))
            goto out;
        hits += found;
    }
    double t_look = now_s() - t0;

    t0 = now_s();
    long takes = 10000;
    if (frontier_begin(f))
        goto out;
    for (long k = 0; k < takes; k++) {
        frontier_host *h = NULL;
        frontier_url *u = NULL;
        if (frontier_next_ready_host(f, 0, 8, 0, &h, NULL) || frontier_take_url(f, h->id, &u)) {
            frontier_host_free(h);
            fprintf(stderr, "take failed at %ld\n", k);
            goto out;
        }
        frontier_result res = {200, NULL, NULL, NULL, NULL};
        ch_status st = frontier_finish_url(f, u, FRONTIER_DONE, &res, true);
        frontier_url_free(u);
        frontier_host_free(h);
        if (st)
            goto out;
    }
    if (frontier_commit(f))
        goto out;
    double t_take = now_s() - t0;

    snprintf(side, sizeof side, "%s-wal", path);
    printf("urls %ld\nhosts %ld\n", n, hosts);
    printf("insert_s %.2f\ninsert_per_s %.0f\n", t_ins, (double)n / t_ins);
    printf("rss_start_kib %ld\npeak_rss_after_insert_kib %ld\n", rss0, hwm_ins);
    printf("lookup_us %.1f\nlookup_hits %ld/%ld\n", 1e6 * t_look / (double)lookups, hits, lookups);
    printf("take_finish_us %.1f\n", 1e6 * t_take / (double)takes);
    printf("peak_rss_kib %ld\n", status_kib("VmHWM"));
    printf("db_kib %ld\nwal_kib %ld\n", file_kib(path), file_kib(side));
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "bench_frontier: failed\n");
    frontier_close(f);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    unlink(path);
    rmdir(dir);
    return rc;
}
