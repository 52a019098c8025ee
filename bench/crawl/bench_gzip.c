/* WARC record compression: zlib's deflate at level 1 (what common/warc.c used before) against
 * libdeflate's one-shot gzip at several levels, on the records of real .warc.gz files (each
 * gzip member is one record, as Chouette writes them). Prints MB/s of input and the ratio.
 * usage: bench_gzip [--rounds N] FILE.warc.gz...      (see bench/crawl/bench_gzip.sh) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libdeflate.h>
#include <zlib.h>

typedef struct {
    unsigned char *p;
    size_t n;
} rec;

static rec *recs;
static size_t n_recs, cap_recs, total_in;

static void die(const char *m)
{
    fprintf(stderr, "bench_gzip: %s\n", m);
    exit(1);
}

/* Split a gzip file into its members, inflated: one record each. */
static void load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    size_t cap = 1u << 20, len = 0;
    unsigned char *raw = malloc(cap);
    size_t k;
    while (raw && (k = fread(raw + len, 1, cap - len, f)) > 0)
        if ((len += k) == cap)
            raw = realloc(raw, cap *= 2);
    fclose(f);
    if (!raw)
        die("out of memory");
    size_t pos = 0;
    while (pos < len) {
        z_stream zs = {0};
        if (inflateInit2(&zs, 15 + 16) != Z_OK)
            die("inflateInit2");
        size_t ocap = 1u << 16, olen = 0;
        unsigned char *out = malloc(ocap);
        zs.next_in = raw + pos;
        zs.avail_in = (uInt)(len - pos);
        int zr;
        do {
            if (olen == ocap)
                out = realloc(out, ocap *= 2);
            if (!out)
                die("out of memory");
            zs.next_out = out + olen;
            zs.avail_out = (uInt)(ocap - olen);
            zr = inflate(&zs, Z_NO_FLUSH);
            olen = ocap - zs.avail_out;
        } while (zr == Z_OK);
        if (zr != Z_STREAM_END)
            die("not a sequence of whole gzip members");
        pos = len - zs.avail_in;
        inflateEnd(&zs);
        if (n_recs == cap_recs) {
            cap_recs = cap_recs ? cap_recs * 2 : 256;
            recs = realloc(recs, cap_recs * sizeof *recs);
            if (!recs)
                die("out of memory");
        }
        recs[n_recs++] = (rec){out, olen};
        total_in += olen;
    }
    free(raw);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char *obuf;
static size_t ocap;

/* zlib as the old writer used it: a gzip stream at level 1 reset after each record. */
static size_t run_zlib(void)
{
    z_stream zs = {0};
    if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        die("deflateInit2");
    size_t out = 0;
    for (size_t i = 0; i < n_recs; i++) {
        zs.next_in = recs[i].p;
        zs.avail_in = (uInt)recs[i].n;
        zs.next_out = obuf;
        zs.avail_out = (uInt)ocap;
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
            die("deflate");
        out += ocap - zs.avail_out;
        deflateReset(&zs);
    }
    deflateEnd(&zs);
    return out;
}

static size_t run_libdeflate(int level)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    if (!c)
        die("libdeflate_alloc_compressor");
    size_t out = 0;
    for (size_t i = 0; i < n_recs; i++) {
        size_t k = libdeflate_gzip_compress(c, recs[i].p, recs[i].n, obuf, ocap);
        if (!k)
            die("libdeflate_gzip_compress");
        out += k;
    }
    libdeflate_free_compressor(c);
    return out;
}

int main(int argc, char **argv)
{
    int rounds = 5, i = 1;
    if (argc > 2 && strcmp(argv[1], "--rounds") == 0) {
        rounds = (int)strtol(argv[2], NULL, 10);
        i = 3;
    }
    if (i >= argc || rounds < 1)
        die("usage: bench_gzip [--rounds N] FILE.warc.gz...");
    for (; i < argc; i++)
        load(argv[i]);
    size_t biggest = 0;
    for (size_t r = 0; r < n_recs; r++)
        if (recs[r].n > biggest)
            biggest = recs[r].n;
    ocap = compressBound((uLong)biggest) + 64;
    if (libdeflate_gzip_compress_bound(NULL, biggest) > ocap)
        ocap = libdeflate_gzip_compress_bound(NULL, biggest);
    obuf = malloc(ocap);
    if (!obuf)
        die("out of memory");
    printf("%zu records, %.1f MB uncompressed; CPU time per pass, median of %d passes\n", n_recs,
           (double)total_in / 1e6, rounds);
    printf("%-14s %10s %10s %8s %12s\n", "codec", "MB/s", "ms/pass", "ratio", "bytes out");
    const int levels[] = {0, 1, 2, 3, 4, 6};
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        double t[64];
        size_t out = 0;
        int n = rounds < 64 ? rounds : 64;
        for (int r = 0; r < n; r++) {
            double t0 = now_s();
            out = levels[l] == 0 ? run_zlib() : run_libdeflate(levels[l]);
            t[r] = now_s() - t0;
        }
        for (int a = 1; a < n; a++) /* insertion sort for the median */
            for (int b = a; b > 0 && t[b] < t[b - 1]; b--) {
                double x = t[b];
                t[b] = t[b - 1];
                t[b - 1] = x;
            }
        double med = t[n / 2];
        char name[32];
        if (levels[l] == 0)
            snprintf(name, sizeof name, "zlib-1");
        else
            snprintf(name, sizeof name, "libdeflate-%d", levels[l]);
        printf("%-14s %10.0f %10.1f %8.3f %12zu\n", name, (double)total_in / 1e6 / med, med * 1e3,
               (double)total_in / (double)out, out);
    }
    return 0;
}
