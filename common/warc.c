#include "common/warc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "common/buf.h"

/* ---- shared helpers ---------------------------------------------------------------------- */

static const char *const type_names[] = {
    [WARC_WARCINFO] = "warcinfo",     [WARC_RESPONSE] = "response",
    [WARC_RESOURCE] = "resource",     [WARC_REQUEST] = "request",
    [WARC_METADATA] = "metadata",     [WARC_REVISIT] = "revisit",
    [WARC_CONVERSION] = "conversion", [WARC_CONTINUATION] = "continuation",
};

const char *warc_type_name(warc_type t)
{
    if ((unsigned)t < sizeof type_names / sizeof type_names[0] && type_names[t])
        return type_names[t];
    return "unknown";
}

static warc_type type_from_name(const char *s)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (type_names[i] && strcasecmp(s, type_names[i]) == 0)
            return (warc_type)i;
    return WARC_OTHER;
}

static void base32_encode(const unsigned char *in, size_t n, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

ch_status warc_sha1_base32(const void *data, size_t len, char out[WARC_DIGEST_SIZE])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    out[0] = '\0';
    if (!EVP_Digest(data ? data : "", len, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
        return CH_ERR_INTERNAL;
    memcpy(out, "sha1:", 5);
    base32_encode(md, mdlen, out + 5);
    return CH_OK;
}

/* Where the HTTP header section of msg ends (just past the blank line), tolerant of bare LF.
 * Returns 0 when there is no blank line in the first len bytes. */
static size_t http_header_end(const char *msg, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(msg + pos, '\n', len - pos);
        if (!nl)
            return 0;
        size_t line_len = (size_t)(nl - (msg + pos));
        if (pos > 0 && (line_len == 0 || (line_len == 1 && msg[pos] == '\r')))
            return (size_t)(nl - msg) + 1;
        pos = (size_t)(nl - msg) + 1;
    }
    return 0;
}

/* ---- writer ------------------------------------------------------------------------------ *
 *
 * Each record is assembled whole in `rec` (its header section is built last and put just
 * before the block, in the WARC_MAX_HEADER bytes kept free for it), then, for .gz files,
 * compressed in one call into `out` as one gzip member by libdeflate, and written with one
 * write(). libdeflate, not zlib: on the records of a crawl of the Python docs (1583 records,
 * 56 MB) its level 1 compresses 1.8x faster than zlib's level 1 (338 vs 190 MB/s of CPU) and
 * smaller (ratio 6.03 vs 5.49); bench/crawl/bench_gzip.sh. zlib still reads (inflate). */

/* libdeflate's level: its fastest, which still beats zlib's level 1 in ratio. */
#define WRITER_GZIP_LEVEL 1
/* Record buffers larger than this are freed after the record instead of kept for the next. */
#define WRITER_KEEP_MAX (16u * 1024u * 1024u)

struct warc_writer {
    int fd;
    bool gzip;
    bool broken; /* a failed write could not be cut back: refuse further writes */
    uint64_t size;
    struct libdeflate_compressor *gz;
    unsigned char *rec; /* WARC_MAX_HEADER bytes of room, then the block and CRLFCRLF */
    size_t rec_cap;
    unsigned char *out; /* the gzip member */
    size_t out_cap;
    buf_t hdr;
};

ch_status warc_writer_open(const char *path, warc_writer **out)
{
    *out = NULL;
    if (!path || !*path)
        return CH_ERR_ARG;
    warc_writer *w = calloc(1, sizeof *w);
    if (!w)
        return CH_ERR_NOMEM;
    w->fd = -1;
    buf_init(&w->hdr, WARC_MAX_HEADER);
    ch_status st = CH_ERR_NOMEM;
    size_t plen = strlen(path);
    w->gzip = plen >= 3 && strcmp(path + plen - 3, ".gz") == 0;
    if (w->gzip && !(w->gz = libdeflate_alloc_compressor(WRITER_GZIP_LEVEL)))
        goto out;
    st = CH_ERR_IO;
    w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (w->fd < 0)
        goto out;
    struct stat sb;
    if (fstat(w->fd, &sb) != 0)
        goto out;
    w->size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    *out = w;
    return CH_OK;
out : {
    int saved = errno;
    warc_writer_close(w);
    errno = saved;
}
    return st;
}

/* Write n bytes with write(), resuming after short writes and EINTR; *written counts what
 * reached the file. */
static ch_status write_all(int fd, const unsigned char *p, size_t n, uint64_t *written)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, p + done, n - done);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return CH_ERR_IO;
        }
        if (k == 0) {
            errno = EIO;
            return CH_ERR_IO;
        }
        done += (size_t)k;
        *written += (uint64_t)k;
    }
    return CH_OK;
}

/* Make room for n bytes in *p (capacity *cap), without keeping the contents. */
static ch_status reserve(unsigned char **p, size_t *cap, size_t n)
{
    if (n <= *cap)
        return CH_OK;
    size_t want = *cap * 2 > n ? *cap * 2 : n;
    free(*p);
    *cap = 0;
    if (!(*p = malloc(want)))
        return CH_ERR_NOMEM;
    *cap = want;
    return CH_OK;
}

/* After a record: give back buffers grown for an unusually large one. */
static void writer_trim(warc_writer *w)
{
    if (w->rec_cap > WRITER_KEEP_MAX) {
        free(w->rec);
        w->rec = NULL;
        w->rec_cap = 0;
    }
    if (w->out_cap > WRITER_KEEP_MAX) {
        free(w->out);
        w->out = NULL;
        w->out_cap = 0;
    }
}

static bool field_ok(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static ch_status new_record_id(char id[WARC_ID_SIZE])
{
    unsigned char u[16];
    size_t got = 0;
    while (got < sizeof u) {
        ssize_t n = getrandom(u + got, sizeof u - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return CH_ERR_IO;
        }
        got += (size_t)n;
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(id, WARC_ID_SIZE,
             "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
    return CH_OK;
}

static const char *default_content_type(warc_type t)
{
    switch (t) {
    case WARC_REQUEST:
        return "application/http;msgtype=request";
    case WARC_RESPONSE:
    case WARC_REVISIT:
        return "application/http;msgtype=response";
    case WARC_WARCINFO:
    case WARC_METADATA:
        return "application/warc-fields";
    default:
        return "application/octet-stream";
    }
}

/* Field names the writer sets itself; the caller's extra fields may not repeat them. */
static bool reserved_name(const char *name)
{
    static const char *const ours[] = {
        "WARC-Type",           "WARC-Record-ID",
        "WARC-Date",           "WARC-Target-URI",
        "Content-Type",        "Content-Length",
        "WARC-Block-Digest",   "WARC-Payload-Digest",
        "WARC-Concurrent-To",  "WARC-IP-Address",
        "WARC-Truncated",      "WARC-Profile",
        "WARC-Refers-To",      "WARC-Refers-To-Target-URI",
        "WARC-Refers-To-Date", "WARC-Warcinfo-ID",
        "WARC-Filename",
    };
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        if (strcasecmp(name, ours[i]) == 0)
            return true;
    return false;
}

static ch_status check_spec(const warc_record_spec *s)
{
    const char *opt[] = {s->target_uri,     s->content_type,
                         s->ip_address,     s->concurrent_to,
                         s->warcinfo_id,    s->filename,
                         s->truncated,      s->profile,
                         s->refers_to,      s->refers_to_target_uri,
                         s->refers_to_date, s->payload_digest};
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
        if (opt[i] && (!*opt[i] || !field_ok(opt[i])))
            return CH_ERR_ARG;
    switch (s->type) {
    case WARC_WARCINFO:
        break;
    case WARC_REQUEST:
    case WARC_RESPONSE:
    case WARC_METADATA:
    case WARC_RESOURCE:
    case WARC_CONVERSION:
        if (!s->target_uri)
            return CH_ERR_ARG;
        break;
    case WARC_REVISIT:
        if (!s->target_uri || !s->profile)
            return CH_ERR_ARG;
        if (strcmp(s->profile, WARC_PROFILE_IDENTICAL_PAYLOAD) == 0 && !s->payload_digest)
            return CH_ERR_ARG;
        break;
    default:
        return CH_ERR_ARG;
    }
    if ((s->block_len && !s->block) || (s->block_rest_len && !s->block_rest))
        return CH_ERR_ARG;
    if (s->n_extra && !s->extra)
        return CH_ERR_ARG;
    for (size_t i = 0; i < s->n_extra; i++) {
        const char *n = s->extra[i].name;
        if (!n || !*n || !field_ok(n) || strpbrk(n, ": \t") || !field_ok(s->extra[i].value) ||
            reserved_name(n))
            return CH_ERR_ARG;
    }
    return CH_OK;
}

static ch_status add_field(buf_t *b, const char *name, const char *value)
{
    if (!value)
        return CH_OK;
    return buf_appendf(b, "%s: %s\r\n", name, value);
}

ch_status warc_writer_write(warc_writer *w, const warc_record_spec *spec, char id[WARC_ID_SIZE],
                            uint64_t *offset)
{
    char rid[WARC_ID_SIZE], date[32], block_digest[WARC_DIGEST_SIZE],
        payload_digest[WARC_DIGEST_SIZE];
    const char *pdigest = NULL;
    ch_status st;
    if (id)
        id[0] = '\0';
    if (offset)
        *offset = 0;
    if (!w || !spec)
        return CH_ERR_ARG;
    if (w->broken) {
        errno = EIO;
        return CH_ERR_IO;
    }
    if ((st = check_spec(spec)))
        return st;
    size_t block_len = spec->block_len + spec->block_rest_len;
    if (block_len < spec->block_len || block_len > SIZE_MAX / 2 - WARC_MAX_HEADER)
        return CH_ERR_LIMIT;
    const char *ctype = spec->content_type ? spec->content_type : default_content_type(spec->type);
    if ((st = new_record_id(rid)))
        return st;
    time_t when = spec->date ? spec->date : time(NULL);
    struct tm tm;
    if (!gmtime_r(&when, &tm) || strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return CH_ERR_ARG;

    /* The block goes in place first (the digests are computed on it), its header section
     * later, just before it. */
    if ((st = reserve(&w->rec, &w->rec_cap, WARC_MAX_HEADER + block_len + 4)))
        return st;
    unsigned char *block = w->rec + WARC_MAX_HEADER;
    if (spec->block_len)
        memcpy(block, spec->block, spec->block_len);
    if (spec->block_rest_len)
        memcpy(block + spec->block_len, spec->block_rest, spec->block_rest_len);
    memcpy(block + block_len, "\r\n\r\n", 4);
    if ((st = warc_sha1_base32(block, block_len, block_digest)))
        return st;
    if (spec->payload_digest) {
        pdigest = spec->payload_digest;
    } else if ((spec->type == WARC_REQUEST || spec->type == WARC_RESPONSE) &&
               strncasecmp(ctype, "application/http", 16) == 0) {
        size_t hend = http_header_end((const char *)block, block_len);
        if (hend) {
            if ((st = warc_sha1_base32(block + hend, block_len - hend, payload_digest)))
                return st;
            pdigest = payload_digest;
        }
    }

    buf_t *h = &w->hdr;
    buf_reset(h);
    if ((st = buf_appendf(h, "WARC/1.1\r\nWARC-Type: %s\r\n", warc_type_name(spec->type))) ||
        (st = add_field(h, "WARC-Record-ID", rid)) || (st = add_field(h, "WARC-Date", date)) ||
        (st = add_field(h, "WARC-Target-URI", spec->target_uri)) ||
        (st = add_field(h, "WARC-Filename", spec->filename)) ||
        (st = add_field(h, "WARC-Warcinfo-ID", spec->warcinfo_id)) ||
        (st = add_field(h, "WARC-Concurrent-To", spec->concurrent_to)) ||
        (st = add_field(h, "WARC-IP-Address", spec->ip_address)) ||
        (st = add_field(h, "WARC-Profile", spec->type == WARC_REVISIT ? spec->profile : NULL)) ||
        (st = add_field(h, "WARC-Refers-To", spec->refers_to)) ||
        (st = add_field(h, "WARC-Refers-To-Target-URI", spec->refers_to_target_uri)) ||
        (st = add_field(h, "WARC-Refers-To-Date", spec->refers_to_date)) ||
        (st = add_field(h, "WARC-Truncated", spec->truncated)) ||
        (st = add_field(h, "WARC-Block-Digest", block_digest)) ||
        (st = add_field(h, "WARC-Payload-Digest", pdigest)))
        return st;
    for (size_t i = 0; i < spec->n_extra; i++)
        if ((st = add_field(h, spec->extra[i].name, spec->extra[i].value)))
            return st;
    if ((st = add_field(h, "Content-Type", ctype)) ||
        (st = buf_appendf(h, "Content-Length: %zu\r\n\r\n", block_len)))
        return st;
    unsigned char *record = block - h->len;
    memcpy(record, h->data, h->len);
    size_t record_len = h->len + block_len + 4;

    const unsigned char *data = record;
    size_t data_len = record_len;
    if (w->gzip) {
        size_t bound = libdeflate_gzip_compress_bound(w->gz, record_len);
        if ((st = reserve(&w->out, &w->out_cap, bound)))
            return st;
        data_len = libdeflate_gzip_compress(w->gz, record, record_len, w->out, w->out_cap);
        if (data_len == 0)
            return CH_ERR_INTERNAL; /* cannot happen: the output has the bound's room */
        data = w->out;
    }
    uint64_t start = w->size, written = 0;
    st = write_all(w->fd, data, data_len, &written);
    writer_trim(w);
    if (st) {
        /* Cut the torn record off so the file ends with the last good one. */
        int saved = errno;
        if (written > 0 && ftruncate(w->fd, (off_t)start) != 0)
            w->broken = true;
        errno = saved;
        return CH_ERR_IO;
    }
    w->size = start + written;
    if (id)
        memcpy(id, rid, WARC_ID_SIZE);
    if (offset)
        *offset = start;
    return CH_OK;
}

uint64_t warc_writer_size(const warc_writer *w)
{
    return w ? w->size : 0;
}

ch_status warc_writer_sync(warc_writer *w)
{
    if (!w)
        return CH_ERR_ARG;
    return fsync(w->fd) == 0 ? CH_OK : CH_ERR_IO;
}

ch_status warc_writer_close(warc_writer *w)
{
    if (!w)
        return CH_OK;
    ch_status st = CH_OK;
    if (w->fd >= 0 && close(w->fd) != 0)
        st = CH_ERR_IO;
    libdeflate_free_compressor(w->gz);
    free(w->rec);
    free(w->out);
    buf_free(&w->hdr);
    free(w);
    return st;
}

/* ---- reader ------------------------------------------------------------------------------ *
 *
 * Two layers. The source layer turns the file into a "logical" byte stream (the file itself,
 * or the concatenated output of its gzip members) appended to a lookahead buffer `la`. Logical
 * positions count bytes of that stream from its start. For gzip it also remembers where each
 * member started (to report file offsets) and which logical ranges came from members that
 * failed (data error, bad CRC, truncated): records touching those ranges are dropped.
 *
 * The record layer scans the lookahead for "WARC/" at a line start, reads the header section,
 * then Content-Length bytes and the CRLFCRLF trailer, and checks the gzip members under the
 * record finished cleanly. Every path either returns a record, consumes at least one byte, or
 * ends the input, so the reader always terminates. */

#define RAW_CHUNK (256u * 1024u)
#define FILL_CHUNK (64u * 1024u)
#define VERIFY_CHUNK (16u * 1024u)
#define MAX_FIELDS 4096u

typedef struct {
    uint64_t lstart; /* logical position of the member's first output byte */
    uint64_t raw;    /* file offset of its gzip header */
} member_mark;

typedef struct {
    uint64_t start, end; /* logical range produced by a failed member */
    bool charged;        /* a skipped record inside it was counted already */
} bad_range;

typedef struct {
    warc_header *v;
    size_t n, cap;
} field_vec;

struct warc_reader {
    /* source */
    int fd;
    const unsigned char *mem;
    size_t mem_len;
    unsigned char *raw; /* window of the file (fd sources) */
    uint64_t raw_off;   /* file offset of raw[0] */
    size_t raw_len;
    bool raw_eof;  /* the window reaches the end of the file */
    uint64_t zpos; /* file offset of the next byte for inflate or plain reading */
    bool gz;
    bool zs_ready;
    bool in_member;
    bool src_done;     /* no more logical bytes will come */
    bool quiet_resync; /* bytes before the next member belong to a failed one (reported) */
    z_stream zs;
    uint64_t member_raw; /* file offset of the current member */
    uint64_t member_lstart;
    uint64_t finished_upto; /* logical end of the last member that ended (well or badly) */
    member_mark *marks;
    size_t n_marks, cap_marks;
    bad_range *bad;
    size_t n_bad, cap_bad;

    /* lookahead */
    char *la;
    size_t la_start, la_len, la_alloc, la_cap;
    uint64_t la_pos; /* logical position of la[la_start] */
    bool line_start; /* la[la_start] begins a line */
    bool in_skipped; /* scanning the rest of a record already reported as skipped */

    /* record layer */
    size_t max_block;
    bool started;
    buf_t hdr_text;
    buf_t http_text;
    buf_t uri_text;
    field_vec fields, http_fields;
    warc_reader_stats stats;
    char err[256];
    bool has_err;
};

static void reader_report(warc_reader *r, ch_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reader_report(warc_reader *r, ch_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->has_err = true;
    r->stats.last_error = st;
}

static ch_status reader_new(warc_reader **out)
{
    warc_reader *r = calloc(1, sizeof *r);
    if (!r)
        return CH_ERR_NOMEM;
    r->fd = -1;
    r->max_block = WARC_DEFAULT_MAX_BLOCK;
    r->line_start = true;
    buf_init(&r->hdr_text, WARC_MAX_HEADER);
    buf_init(&r->http_text, WARC_MAX_HEADER);
    buf_init(&r->uri_text, WARC_MAX_HEADER);
    *out = r;
    return CH_OK;
}

/* A pointer to the file's bytes at off: *n is how many are there, 0 only at end of file. At
 * least min(want, bytes left in the file) bytes are given. */
static ch_status raw_at(warc_reader *r, uint64_t off, size_t want, const unsigned char **p,
                        size_t *n)
{
    if (r->mem) {
        if (off >= r->mem_len) {
            *p = r->mem + r->mem_len;
            *n = 0;
        } else {
            *p = r->mem + off;
            *n = r->mem_len - (size_t)off;
        }
        return CH_OK;
    }
    if (off >= r->raw_off && off - r->raw_off <= r->raw_len) {
        size_t have = r->raw_len - (size_t)(off - r->raw_off);
        if (have >= want || r->raw_eof) {
            *p = r->raw + (off - r->raw_off);
            *n = have;
            return CH_OK;
        }
    }
    size_t got = 0;
    r->raw_eof = false;
    while (got < RAW_CHUNK) {
        ssize_t k = pread(r->fd, r->raw + got, RAW_CHUNK - got, (off_t)(off + got));
        if (k < 0) {
            if (errno == EINTR)
                continue;
            char eb[128];
            int saved = errno;
            reader_report(r, CH_ERR_IO, "read error at offset %llu: %s",
                          (unsigned long long)off + got, strerror_r(saved, eb, sizeof eb));
            errno = saved;
            r->raw_len = 0;
            return CH_ERR_IO;
        }
        if (k == 0) {
            r->raw_eof = true;
            break;
        }
        got += (size_t)k;
    }
    r->raw_off = off;
    r->raw_len = got;
    *p = r->raw;
    *n = got;
    return CH_OK;
}

/* Make room for want more bytes at the end of the lookahead (compacting, then growing up to
 * la_cap). Returns how many bytes fit (possibly fewer than want), 0 when full. */
static ch_status la_room(warc_reader *r, size_t want, size_t *room)
{
    *room = 0;
    if (r->la_len >= r->la_cap)
        return CH_OK;
    if (want > r->la_cap - r->la_len)
        want = r->la_cap - r->la_len;
    if (r->la_alloc - r->la_start - r->la_len >= want) {
        *room = want;
        return CH_OK;
    }
    if (r->la_start > 0) {
        memmove(r->la, r->la + r->la_start, r->la_len);
        r->la_start = 0;
    }
    if (r->la_alloc - r->la_len < want) {
        size_t grown = r->la_alloc ? r->la_alloc : 2 * FILL_CHUNK;
        while (grown < r->la_len + want)
            grown *= 2;
        if (grown > r->la_cap)
            grown = r->la_cap;
        char *p = realloc(r->la, grown);
        if (!p)
            return CH_ERR_NOMEM;
        r->la = p;
        r->la_alloc = grown;
    }
    *room = want;
    return CH_OK;
}

static void la_consume(warc_reader *r, size_t n)
{
    r->la_start += n;
    r->la_len -= n;
    r->la_pos += n;
}

static uint64_t la_end(const warc_reader *r)
{
    return r->la_pos + r->la_len;
}

/* File offset for a logical position: itself for plain files, else the start of the gzip
 * member that produced it. */
static uint64_t raw_offset_of(const warc_reader *r, uint64_t lpos)
{
    if (!r->gz)
        return lpos;
    uint64_t raw = 0;
    for (size_t i = 0; i < r->n_marks && r->marks[i].lstart <= lpos; i++)
        raw = r->marks[i].raw;
    return raw;
}

/* Forget member marks and bad ranges that lie wholly before the lookahead. */
static void prune_marks(warc_reader *r)
{
    size_t keep = 0;
    while (keep + 1 < r->n_marks && r->marks[keep + 1].lstart <= r->la_pos)
        keep++;
    if (keep) {
        memmove(r->marks, r->marks + keep, (r->n_marks - keep) * sizeof *r->marks);
        r->n_marks -= keep;
    }
    size_t j = 0;
    for (size_t i = 0; i < r->n_bad; i++)
        if (r->bad[i].end > r->la_pos)
            r->bad[j++] = r->bad[i];
    r->n_bad = j;
}

static ch_status add_mark(warc_reader *r, uint64_t lstart, uint64_t raw)
{
    if (r->n_marks && r->marks[r->n_marks - 1].lstart == lstart) {
        r->marks[r->n_marks - 1].raw = raw; /* the previous member gave no bytes */
        return CH_OK;
    }
    ch_status st =
        buf_reserve_array(&r->marks, &r->cap_marks, r->n_marks + 1, sizeof *r->marks, 16);
    if (st)
        return st;
    r->marks[r->n_marks++] = (member_mark){lstart, raw};
    return CH_OK;
}

/* The current member failed: its output is suspect. */
static ch_status member_failed(warc_reader *r, const char *why)
{
    uint64_t end = la_end(r);
    r->in_member = false;
    r->finished_upto = end;
    if (end == r->member_lstart) {
        reader_report(r, CH_ERR_PARSE, "%s at offset %llu", why, (unsigned long long)r->member_raw);
        return CH_OK;
    }
    reader_report(r, CH_ERR_PARSE, "%s at offset %llu", why, (unsigned long long)r->member_raw);
    ch_status st = buf_reserve_array(&r->bad, &r->cap_bad, r->n_bad + 1, sizeof *r->bad, 8);
    if (st)
        return st;
    r->bad[r->n_bad++] = (bad_range){r->member_lstart, end, false};
    return CH_OK;
}

static void report_raw_garbage(warc_reader *r, uint64_t at, uint64_t n)
{
    if (r->quiet_resync)
        return;
    r->stats.garbage_bytes += n;
    reader_report(r, CH_ERR_PARSE, "skipped %llu bytes of garbage at offset %llu",
                  (unsigned long long)n, (unsigned long long)at);
}

/* Find the next gzip magic (1f 8b 08) from r->zpos and start a member there. Sets src_done at
 * the end of the file. */
static ch_status gz_start_member(warc_reader *r)
{
    uint64_t from = r->zpos;
    for (;;) {
        const unsigned char *p;
        size_t n;
        ch_status st = raw_at(r, r->zpos, 3, &p, &n);
        if (st)
            return st;
        if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08)
            break;
        if (n < 3) {
            /* End of file: a lone "1f" or "1f 8b" is a torn member, anything else garbage. */
            bool torn = n > 0 && p[0] == 0x1f && (n == 1 || p[1] == 0x8b);
            if (r->zpos > from)
                report_raw_garbage(r, from, r->zpos - from);
            if (torn) {
                r->stats.skipped++;
                reader_report(r, CH_ERR_PARSE, "truncated gzip member at offset %llu",
                              (unsigned long long)r->zpos);
            } else if (n > 0) {
                report_raw_garbage(r, r->zpos, n);
            }
            r->zpos += n;
            r->src_done = true;
            r->quiet_resync = false;
            return CH_OK;
        }
        const unsigned char *q = memchr(p + 1, 0x1f, n - 1);
        /* Keep the last two bytes: a magic number may straddle the window's end. */
        size_t skip = q ? (size_t)(q - p) : n - 2;
        r->zpos += skip;
    }
    if (r->zpos > from)
        report_raw_garbage(r, from, r->zpos - from);
    r->quiet_resync = false;
    if (inflateReset(&r->zs) != Z_OK)
        return CH_ERR_INTERNAL;
    r->in_member = true;
    r->member_raw = r->zpos;
    r->member_lstart = la_end(r);
    return add_mark(r, r->member_lstart, r->zpos);
}

/* Append up to want logical bytes to the lookahead; for gzip, stop at the end of a member.
 * May append nothing (a member ended). CH_ERR_EOF once the source is exhausted. */
static ch_status src_fill(warc_reader *r, size_t want)
{
    if (r->src_done)
        return CH_ERR_EOF;
    size_t room;
    ch_status st = la_room(r, want, &room);
    if (st)
        return st;
    if (room == 0)
        return CH_ERR_LIMIT;
    if (!r->gz) {
        const unsigned char *p;
        size_t n;
        if ((st = raw_at(r, r->zpos, 1, &p, &n)))
            return st;
        if (n == 0) {
            r->src_done = true;
            return CH_ERR_EOF;
        }
        if (n > room)
            n = room;
        memcpy(r->la + r->la_start + r->la_len, p, n);
        r->la_len += n;
        r->zpos += n;
        return CH_OK;
    }
    if (!r->in_member) {
        if ((st = gz_start_member(r)))
            return st;
        if (r->src_done)
            return CH_ERR_EOF;
    }
    if (room > (1u << 30))
        room = 1u << 30; /* zlib counts in uInt */
    for (;;) {
        const unsigned char *p;
        size_t n;
        if ((st = raw_at(r, r->zpos, 1, &p, &n)))
            return st;
        if (n == 0) {
            r->stats.skipped += la_end(r) == r->member_lstart; /* nothing to drop later */
            st = member_failed(r, "truncated gzip member");
            r->src_done = true;
            return st;
        }
        size_t in = n > (1u << 30) ? (1u << 30) : n;
        r->zs.next_in = (unsigned char *)p;
        r->zs.avail_in = (uInt)in;
        r->zs.next_out = (unsigned char *)r->la + r->la_start + r->la_len;
        r->zs.avail_out = (uInt)room;
        int zr = inflate(&r->zs, Z_NO_FLUSH);
        size_t produced = room - r->zs.avail_out;
        r->zpos += in - r->zs.avail_in;
        r->la_len += produced;
        room -= produced;
        switch (zr) {
        case Z_STREAM_END:
            r->in_member = false;
            r->finished_upto = la_end(r);
            return CH_OK;
        case Z_MEM_ERROR:
            return CH_ERR_NOMEM;
        case Z_OK:
        case Z_BUF_ERROR:
            if (produced > 0 || room == 0)
                return CH_OK;
            if (in - r->zs.avail_in > 0)
                break;
            /* No progress with input and room: treat as bad data. */
            /* fall through */
        default: {
            /* Bad data: drop the member and look for the next one just after its start, in
             * case the damage made inflate swallow the following members. */
            char why[128];
            snprintf(why, sizeof why, "corrupt gzip member (%s)",
                     r->zs.msg ? r->zs.msg : "inflate error");
            r->zpos = r->member_raw + 1;
            r->quiet_resync = true;
            return member_failed(r, why);
        }
        }
    }
}

/* Make sure the lookahead holds at least n bytes. CH_ERR_EOF if the input ends first. */
static ch_status need(warc_reader *r, size_t n)
{
    while (r->la_len < n) {
        size_t want = n - r->la_len;
        ch_status st = src_fill(r, want > FILL_CHUNK ? want : FILL_CHUNK);
        if (st)
            return st;
    }
    return CH_OK;
}

static bool is_crlf(char c)
{
    return c == '\r' || c == '\n';
}

static void note_garbage(warc_reader *r, uint64_t *count, uint64_t *at, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_crlf(p[i])) {
            if (*count == 0)
                *at = r->la_pos;
            *count += n;
            return;
        }
}

static void flush_garbage(warc_reader *r, uint64_t count, uint64_t at)
{
    if (count == 0)
        return;
    r->stats.garbage_bytes += count;
    reader_report(r, CH_ERR_PARSE, "skipped %llu bytes of garbage at offset %llu",
                  (unsigned long long)count, (unsigned long long)raw_offset_of(r, at));
}

/* Count a record skipped at logical position at. Garbage out of one damaged gzip member may
 * look like several records: the member is counted once. */
static void count_skip(warc_reader *r, uint64_t at)
{
    for (size_t i = 0; i < r->n_bad; i++) {
        if (r->bad[i].start <= at && at < r->bad[i].end) {
            if (!r->bad[i].charged)
                r->stats.skipped++;
            r->bad[i].charged = true;
            return;
        }
    }
    r->stats.skipped++;
}

/* A WARC version line ("WARC/1.0" or "WARC/1.1", then LF or CRLF) at w, with n bytes there. */
static bool version_line_at(const char *w, size_t n)
{
    return n >= 9 && memcmp(w, "WARC/1.", 7) == 0 && (w[7] == '0' || w[7] == '1') &&
           (w[8] == '\n' || (n >= 10 && w[8] == '\r' && w[9] == '\n'));
}

/* Advance the lookahead to the next record start: "WARC/" at a line start, or a whole WARC
 * version line anywhere in garbage (garbage without a final newline may run into a record).
 * Bytes passed over are counted as garbage, except the rest of a record just skipped (already
 * reported). CH_ERR_EOF at the end. */
static ch_status find_record_start(warc_reader *r)
{
    uint64_t garbage = 0, garbage_at = 0;
    ch_status st;
    for (;;) {
        st = need(r, 16);
        if (st == CH_ERR_EOF)
            break;
        if (st && st != CH_ERR_LIMIT)
            return st;
        const char *p = r->la + r->la_start;
        size_t n = r->la_len;
        if (r->line_start) {
            if (memcmp(p, "WARC/", 5) == 0)
                goto found;
            if (!r->in_skipped)
                note_garbage(r, &garbage, &garbage_at, p, 1);
            r->line_start = p[0] == '\n';
            la_consume(r, 1);
            continue;
        }
        const char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) + 1 : n - 9; /* keep a tail that may start a line */
        for (const char *w = memmem(p, k + (nl ? 0 : 9), "WARC/1.", 7); w;
             w = memmem(w + 1, (size_t)(p + n - w - 1), "WARC/1.", 7)) {
            if (w >= p + k)
                break;
            if (version_line_at(w, (size_t)(p + n - w))) {
                size_t g = (size_t)(w - p);
                if (!r->in_skipped)
                    note_garbage(r, &garbage, &garbage_at, p, g);
                la_consume(r, g);
                goto found;
            }
        }
        if (!r->in_skipped)
            note_garbage(r, &garbage, &garbage_at, p, k);
        la_consume(r, k);
        r->line_start = nl != NULL;
        if (r->la_len == 0)
            prune_marks(r);
    }

    /* End of input with fewer than 16 bytes left: a torn record start, or garbage. */
    const char *p = r->la + r->la_start;
    size_t n = r->la_len;
    for (size_t i = 0; i < n; i++) {
        size_t cmp = n - i < 5 ? n - i : 5;
        /* (Within a record already skipped, this is one of its header lines.) */
        if (r->line_start && !r->in_skipped && memcmp(p + i, "WARC/", cmp) == 0) {
            count_skip(r, r->la_pos + i);
            reader_report(r, CH_ERR_PARSE, "truncated record at offset %llu",
                          (unsigned long long)raw_offset_of(r, r->la_pos + i));
            la_consume(r, n - i);
            break;
        }
        if (!r->in_skipped)
            note_garbage(r, &garbage, &garbage_at, p + i, 1);
        r->line_start = p[i] == '\n';
    }
    if (r->la_len)
        la_consume(r, r->la_len);
    flush_garbage(r, garbage, garbage_at);
    r->in_skipped = false;
    return CH_ERR_EOF;

found:
    flush_garbage(r, garbage, garbage_at);
    r->line_start = true;
    r->in_skipped = false;
    return CH_OK;
}

static ch_status field_push(field_vec *v, const char *name, const char *value)
{
    if (v->n >= MAX_FIELDS)
        return CH_ERR_LIMIT;
    ch_status st = buf_reserve_array(&v->v, &v->cap, v->n + 1, sizeof *v->v, 32);
    if (st)
        return st;
    v->v[v->n++] = (warc_header){name, value};
    return CH_OK;
}

static char *trim(char *s, char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    *end = '\0';
    return s;
}

/* Split a mutable, NUL-terminated header text (after its first line) into fields, in place.
 * Lines end in LF or CRLF; a line starting with a space or tab continues the previous value.
 * strict: a line without a colon is CH_ERR_PARSE; otherwise it is ignored. */
static ch_status parse_fields(char *s, char *end, field_vec *v, bool strict)
{
    v->n = 0;
    char *last_end = NULL; /* where the last value's NUL sits */
    while (s < end) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *eol = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        char *lend = eol;
        if (lend > s && lend[-1] == '\r')
            lend--;
        if (lend == s) { /* blank line: end of the section */
            break;
        }
        if ((*s == ' ' || *s == '\t') && v->n > 0 && last_end) {
            /* Continuation: move the text after the previous value, joined by a space. */
            char *t = trim(s, lend);
            size_t tl = strlen(t);
            if (tl) {
                *last_end = ' ';
                memmove(last_end + 1, t, tl);
                last_end[1 + tl] = '\0';
                last_end += 1 + tl;
            }
            s = next;
            continue;
        }
        char *colon = memchr(s, ':', (size_t)(lend - s));
        if (!colon || colon == s) {
            if (strict)
                return CH_ERR_PARSE;
            s = next;
            continue;
        }
        char *name = trim(s, colon);
        if (!*name || strpbrk(name, " \t")) {
            if (strict)
                return CH_ERR_PARSE;
            s = next;
            continue;
        }
        char *value = trim(colon + 1, lend);
        ch_status st = field_push(v, name, value);
        if (st)
            return st;
        last_end = value + strlen(value);
        s = next;
    }
    return CH_OK;
}

static const char *field_get(const warc_header *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(f[i].name, name) == 0)
            return f[i].value;
    return NULL;
}

const char *warc_record_header(const warc_record *rec, const char *name)
{
    return rec && name ? field_get(rec->headers, rec->n_headers, name) : NULL;
}

const char *warc_record_http_header(const warc_record *rec, const char *name)
{
    return rec && name ? field_get(rec->http_headers, rec->n_http_headers, name) : NULL;
}

/* A whole decimal number without sign or spaces, no larger than max. */
static bool parse_length(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Parse the HTTP response at the start of the record's block, if there is one. Failure to
 * parse leaves the HTTP fields empty; the record is still returned. */
static ch_status parse_http(warc_reader *r, warc_record *rec)
{
    const char *b = rec->block;
    size_t len = rec->block_len;
    if (len < 12 || memcmp(b, "HTTP/", 5) != 0)
        return CH_OK;
    size_t hend = http_header_end(b, len);
    size_t hlen = hend ? hend : len; /* a revisit may hold the headers alone */
    if (hlen > WARC_MAX_HEADER)
        return CH_OK;
    buf_reset(&r->http_text);
    ch_status st = buf_append(&r->http_text, b, hlen);
    if (st)
        return st == CH_ERR_NOMEM ? st : CH_OK;
    char *s = r->http_text.data, *end = s + r->http_text.len;
    /* Status line: HTTP/<version> SP <3 digits> [SP reason] */
    char *p = s + 5;
    while (p < end && *p != ' ' && *p != '\t' && *p != '\n')
        p++;
    if (p == end || (*p != ' ' && *p != '\t'))
        return CH_OK;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 3 || p[0] < '1' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] < '0' ||
        p[2] > '9' || (end - p > 3 && !strchr(" \t\r\n", p[3])))
        return CH_OK;
    int status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *fields = nl ? nl + 1 : end;
    st = parse_fields(fields, end, &r->http_fields, false);
    if (st == CH_ERR_NOMEM)
        return st;
    if (st) {
        r->http_fields.n = 0;
        return CH_OK;
    }
    rec->http_status = status;
    rec->http_headers = r->http_fields.v;
    rec->n_http_headers = r->http_fields.n;
    rec->payload = b + hlen;
    rec->payload_len = len - hlen;
    return CH_OK;
}

/* Skip a record whose block is over the cap without buffering it. */
static ch_status skip_bytes(warc_reader *r, uint64_t n)
{
    while (n > 0) {
        if (r->la_len == 0) {
            ch_status st = src_fill(r, FILL_CHUNK);
            if (st == CH_ERR_EOF)
                return st;
            if (st)
                return st;
            continue;
        }
        size_t k = r->la_len < n ? r->la_len : (size_t)n;
        la_consume(r, k);
        n -= k;
        if (r->la_len == 0)
            prune_marks(r);
    }
    return CH_OK;
}

/* After a bad record: drop `to` bytes of the lookahead (at most all of it) and resume scanning
 * there, at a line start or not. */
static void drop(warc_reader *r, size_t to, bool line_start)
{
    if (to > r->la_len)
        to = r->la_len;
    la_consume(r, to);
    r->line_start = line_start;
    r->in_skipped = !line_start;
}

/* Wait for the gzip members covering [from, to) to end, then count in *bad those that failed.
 * If the lookahead cap is reached first, the record is taken as it is. *bad_to is the end of
 * the last failed range overlapping, relative to from. */
static ch_status gz_check(warc_reader *r, uint64_t from, uint64_t to, size_t *bad, size_t *bad_to)
{
    *bad = 0;
    *bad_to = 0;
    if (!r->gz)
        return CH_OK;
    while (r->finished_upto < to && !r->src_done && r->la_len + VERIFY_CHUNK <= r->la_cap) {
        ch_status st = src_fill(r, VERIFY_CHUNK);
        if (st && st != CH_ERR_EOF)
            return st;
    }
    for (size_t i = 0; i < r->n_bad; i++) {
        if (r->bad[i].start < to && r->bad[i].end > from) {
            (*bad)++;
            size_t e = (size_t)(r->bad[i].end - from);
            if (e > *bad_to)
                *bad_to = e;
        }
    }
    return CH_OK;
}

enum { READ_RECORD = 0, READ_SKIPPED = 1 };

/* Read the record at the start of the lookahead ("WARC/" is there). *outcome says whether rec
 * was filled or the record was skipped (and reported). */
static ch_status read_record(warc_reader *r, warc_record *rec, int *outcome)
{
    *outcome = READ_SKIPPED;
    uint64_t lstart = r->la_pos;
    unsigned long long off = (unsigned long long)raw_offset_of(r, lstart);
    ch_status st;

    /* The header section ends at the first blank line. */
    size_t scan = 0, hlen = 0;
    while (!hlen) {
        const char *p = r->la + r->la_start;
        const char *nl = scan < r->la_len ? memchr(p + scan, '\n', r->la_len - scan) : NULL;
        if (nl) {
            size_t line_len = (size_t)(nl - (p + scan));
            if (scan > 0 && (line_len == 0 || (line_len == 1 && p[scan] == '\r')))
                hlen = (size_t)(nl - p) + 1;
            scan = (size_t)(nl - p) + 1;
            if (!hlen && scan > WARC_MAX_HEADER)
                goto too_long;
            continue;
        }
        if (r->la_len > WARC_MAX_HEADER)
            goto too_long;
        st = need(r, r->la_len + 1);
        if (st == CH_ERR_EOF) {
            count_skip(r, lstart);
            reader_report(r, CH_ERR_PARSE, "truncated record at offset %llu", off);
            drop(r, 5, false);
            return CH_OK;
        }
        if (st)
            return st;
    }
    if (hlen > WARC_MAX_HEADER)
        goto too_long;

    /* Parse a copy of it. */
    buf_reset(&r->hdr_text);
    if ((st = buf_append(&r->hdr_text, r->la + r->la_start, hlen)))
        return st;
    char *s = r->hdr_text.data, *end = s + hlen;
    char *nl = memchr(s, '\n', hlen);
    char *version = trim(s, nl);
    if (strcmp(version, "WARC/1.1") != 0 && strcmp(version, "WARC/1.0") != 0) {
        count_skip(r, lstart);
        reader_report(r, CH_ERR_UNSUPPORTED, "unsupported WARC version at offset %llu", off);
        drop(r, 5, false);
        return CH_OK;
    }
    st = parse_fields(nl + 1, end, &r->fields, true);
    if (st == CH_ERR_NOMEM)
        return st;
    if (st) {
        count_skip(r, lstart);
        reader_report(r, st, "malformed WARC header at offset %llu", off);
        drop(r, 5, false);
        return CH_OK;
    }
    const char *type_name = field_get(r->fields.v, r->fields.n, "WARC-Type");
    const char *clen_s = field_get(r->fields.v, r->fields.n, "Content-Length");
    uint64_t clen = 0;
    if (!type_name || !*type_name || !clen_s || !parse_length(clen_s, UINT64_MAX, &clen)) {
        count_skip(r, lstart);
        reader_report(r, CH_ERR_PARSE, "%s at offset %llu",
                      !type_name || !*type_name ? "missing WARC-Type"
                      : clen_s                  ? "bad Content-Length"
                                                : "missing Content-Length",
                      off);
        drop(r, 5, false);
        return CH_OK;
    }
    if (clen > r->max_block) {
        count_skip(r, lstart);
        reader_report(r, CH_ERR_LIMIT, "record at offset %llu: block of %llu bytes over the cap",
                      off, (unsigned long long)clen);
        la_consume(r, hlen);
        st = skip_bytes(r, clen);
        if (st && st != CH_ERR_EOF)
            return st;
        r->line_start = true;
        return CH_OK;
    }

    /* The block and its CRLFCRLF trailer. */
    size_t total = hlen + (size_t)clen + 4;
    st = need(r, total);
    if (st == CH_ERR_EOF) {
        count_skip(r, lstart);
        /* Torn, or a Content-Length past the end: look for records inside what is left. */
        reader_report(r, CH_ERR_PARSE, "truncated record at offset %llu", off);
        drop(r, 5, false);
        return CH_OK;
    }
    if (st)
        return st;
    size_t bad, bad_to;
    if ((st = gz_check(r, lstart, lstart + total, &bad, &bad_to)))
        return st;
    if (bad) {
        /* Each damaged member lost at least one record; count each once. */
        size_t fresh = 0;
        for (size_t i = 0; i < r->n_bad; i++)
            if (r->bad[i].start < lstart + total && r->bad[i].end > lstart && !r->bad[i].charged) {
                r->bad[i].charged = true;
                fresh++;
            }
        r->stats.skipped += fresh;
        reader_report(r, CH_ERR_PARSE, "record at offset %llu lies in a damaged gzip member", off);
        drop(r, bad_to, true); /* the next member may hold the next record */
        return CH_OK;
    }

    const char *base = r->la + r->la_start;
    memset(rec, 0, sizeof *rec);
    rec->offset = (uint64_t)off;
    rec->version = version;
    rec->type_name = type_name;
    rec->type = type_from_name(type_name);
    rec->record_id = field_get(r->fields.v, r->fields.n, "WARC-Record-ID");
    rec->date = field_get(r->fields.v, r->fields.n, "WARC-Date");
    rec->target_uri = field_get(r->fields.v, r->fields.n, "WARC-Target-URI");
    size_t ulen = rec->target_uri ? strlen(rec->target_uri) : 0;
    if (ulen >= 2 && rec->target_uri[0] == '<' && rec->target_uri[ulen - 1] == '>') {
        /* WARC 1.0 writers such as wget put the URI in angle brackets. */
        buf_reset(&r->uri_text);
        if ((st = buf_append(&r->uri_text, rec->target_uri + 1, ulen - 2)))
            return st;
        rec->target_uri = r->uri_text.data;
    }
    rec->content_type = field_get(r->fields.v, r->fields.n, "Content-Type");
    rec->headers = r->fields.v;
    rec->n_headers = r->fields.n;
    rec->block = base + hlen;
    rec->block_len = (size_t)clen;
    if (rec->type == WARC_RESPONSE || rec->type == WARC_REVISIT) {
        if ((st = parse_http(r, rec)))
            return st;
    }
    /* A record should end with CRLFCRLF; tolerate writers that got it wrong. */
    if (memcmp(base + hlen + clen, "\r\n\r\n", 4) == 0)
        la_consume(r, total);
    else
        la_consume(r, total - 4);
    r->line_start = true;
    r->stats.records++;
    *outcome = READ_RECORD;
    return CH_OK;

too_long:
    count_skip(r, lstart);
    reader_report(r, CH_ERR_LIMIT, "WARC header section over %u bytes at offset %llu",
                  WARC_MAX_HEADER, off);
    drop(r, 5, false);
    return CH_OK;
}

static ch_status reader_start(warc_reader *r)
{
    r->started = true;
    r->la_cap = WARC_MAX_HEADER + r->max_block + 4 + FILL_CHUNK;
    const unsigned char *p;
    size_t n;
    ch_status st = raw_at(r, 0, 2, &p, &n);
    if (st)
        return st;
    /* A lone 0x1f is taken for a torn gzip file, so that it is reported as such. */
    r->gz = n >= 1 && p[0] == 0x1f && (n == 1 || p[1] == 0x8b);
    if (r->gz) {
        if (inflateInit2(&r->zs, 15 + 32) != Z_OK)
            return CH_ERR_NOMEM;
        r->zs_ready = true;
    }
    return CH_OK;
}

ch_status warc_reader_next(warc_reader *r, warc_record *rec)
{
    memset(rec, 0, sizeof *rec);
    if (!r)
        return CH_ERR_ARG;
    ch_status st;
    if (!r->started && (st = reader_start(r)))
        return st;
    prune_marks(r);
    for (;;) {
        st = find_record_start(r);
        if (st)
            break;
        int outcome;
        st = read_record(r, rec, &outcome);
        if (st)
            break;
        if (outcome == READ_RECORD)
            return CH_OK;
    }
    memset(rec, 0, sizeof *rec);
    return st;
}

static ch_status reader_alloc_window(warc_reader *r)
{
    r->raw = malloc(RAW_CHUNK);
    return r->raw ? CH_OK : CH_ERR_NOMEM;
}

ch_status warc_reader_open(const char *path, warc_reader **out)
{
    *out = NULL;
    if (!path)
        return CH_ERR_ARG;
    warc_reader *r;
    ch_status st = reader_new(&r);
    if (st)
        return st;
    if ((st = reader_alloc_window(r)))
        goto out;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        st = CH_ERR_IO;
        goto out;
    }
    struct stat sb;
    if (fstat(r->fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode))
            errno = EISDIR;
        st = CH_ERR_IO;
        goto out;
    }
    *out = r;
    return CH_OK;
out : {
    int saved = errno;
    warc_reader_close(r);
    errno = saved;
}
    return st;
}

ch_status warc_reader_open_mem(const void *data, size_t len, warc_reader **out)
{
    *out = NULL;
    if (!data && len)
        return CH_ERR_ARG;
    warc_reader *r;
    ch_status st = reader_new(&r);
    if (st)
        return st;
    static const unsigned char empty[1];
    r->mem = data ? data : empty;
    r->mem_len = len;
    *out = r;
    return CH_OK;
}

void warc_reader_set_max_block(warc_reader *r, size_t max_block)
{
    if (r && !r->started && max_block > 0) {
        if (max_block > SIZE_MAX / 2)
            max_block = SIZE_MAX / 2;
        r->max_block = max_block;
    }
}

const char *warc_reader_error(const warc_reader *r)
{
    return r && r->has_err ? r->err : NULL;
}

void warc_reader_get_stats(const warc_reader *r, warc_reader_stats *st)
{
    memset(st, 0, sizeof *st);
    if (r)
        *st = r->stats;
}

void warc_reader_close(warc_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->zs_ready)
        inflateEnd(&r->zs);
    free(r->raw);
    free(r->la);
    free(r->marks);
    free(r->bad);
    free(r->fields.v);
    free(r->http_fields.v);
    buf_free(&r->hdr_text);
    buf_free(&r->http_text);
    buf_free(&r->uri_text);
    free(r);
}
