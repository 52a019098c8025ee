#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "common/buf.h"
#include "common/warc.h"
#include "tests/unit/support/tmpdir.h"

/* ---- helpers ----------------------------------------------------------------------------- */

typedef test_tmpdir fixture;

static void path_in(const fixture *f, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", f->dir, name);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    unsigned char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return p;
}

static void spill(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* A small deterministic generator (xorshift64*), state passed explicitly. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void sha1_of(const void *p, size_t n, char out[WARC_DIGEST_SIZE])
{
    assert_int_equal(warc_sha1_base32(p, n, out), CH_OK);
}

static const char http_response[] = "HTTP/1.1 200 OK\r\n"
                                    "Content-Type: text/html; charset=utf-8\r\n"
                                    "Content-Length: 27\r\n"
                                    "\r\n"
                                    "<html><p>bonjour</p></html>";
static const char http_body[] = "<html><p>bonjour</p></html>";

/* ---- digests ----------------------------------------------------------------------------- */

static void test_sha1_base32_known_values(void **state)
{
    (void)state;
    char d[WARC_DIGEST_SIZE];
    sha1_of("", 0, d);
    assert_string_equal(d, "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    sha1_of(NULL, 0, d);
    assert_string_equal(d, "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    /* SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d, RFC 3174. */
    sha1_of("abc", 3, d);
    assert_string_equal(d, "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    assert_int_equal(strlen(d), WARC_DIGEST_SIZE - 1);
}

/* ---- round trips ------------------------------------------------------------------------- */

typedef struct {
    warc_record_spec spec;
    char id[WARC_ID_SIZE];
    uint64_t offset;
} written;

static void check_record_matches(const warc_record *rec, const written *w)
{
    const warc_record_spec *s = &w->spec;
    assert_string_equal(rec->version, "WARC/1.1");
    assert_int_equal(rec->type, s->type);
    assert_string_equal(rec->type_name, warc_type_name(s->type));
    assert_string_equal(rec->record_id, w->id);
    assert_int_equal(rec->offset, w->offset);
    if (s->target_uri)
        assert_string_equal(rec->target_uri, s->target_uri);
    else
        assert_null(rec->target_uri);
    if (s->content_type)
        assert_string_equal(rec->content_type, s->content_type);
    char date[32];
    struct tm tm;
    gmtime_r(&s->date, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    assert_string_equal(rec->date, date);
    assert_int_equal(rec->block_len, s->block_len);
    if (s->block_len)
        assert_memory_equal(rec->block, s->block, s->block_len);
    char num[32];
    snprintf(num, sizeof num, "%zu", s->block_len);
    assert_string_equal(warc_record_header(rec, "content-length"), num);
    char d[WARC_DIGEST_SIZE];
    sha1_of(s->block, s->block_len, d);
    assert_string_equal(warc_record_header(rec, "WARC-Block-Digest"), d);
    const struct {
        const char *name, *value;
    } opt[] = {
        {"WARC-IP-Address", s->ip_address},
        {"WARC-Concurrent-To", s->concurrent_to},
        {"WARC-Warcinfo-ID", s->warcinfo_id},
        {"WARC-Filename", s->filename},
        {"WARC-Truncated", s->truncated},
        {"WARC-Profile", s->profile},
        {"WARC-Refers-To", s->refers_to},
        {"WARC-Refers-To-Target-URI", s->refers_to_target_uri},
        {"WARC-Refers-To-Date", s->refers_to_date},
    };
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++) {
        if (opt[i].value)
            assert_string_equal(warc_record_header(rec, opt[i].name), opt[i].value);
        else
            assert_null(warc_record_header(rec, opt[i].name));
    }
    for (size_t i = 0; i < s->n_extra; i++)
        assert_string_equal(warc_record_header(rec, s->extra[i].name), s->extra[i].value);
    if (s->payload_digest)
        assert_string_equal(warc_record_header(rec, "WARC-Payload-Digest"), s->payload_digest);
}

static void roundtrip_all_types(const fixture *f, const char *name)
{
    char path[256];
    path_in(f, name, path, sizeof path);
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    assert_int_equal(warc_writer_size(w), 0);

    static const char info[] = "software: chouette\r\nformat: WARC File Format 1.1\r\n";
    static const char request[] = "GET /a HTTP/1.1\r\nHost: example.org\r\n\r\n";
    static const char meta[] = "outlink: https://example.org/b\r\n";
    static const char revisit_block[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    static const char nm_block[] = "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n";
    static const char resource[] = "\x00\x01\x02 binary \xff";
    const warc_header extra[] = {{"X-Chouette-Depth", "3"}, {"X-Crawl-Note", "a b  c"}};
    char body_digest[WARC_DIGEST_SIZE];
    sha1_of(http_body, strlen(http_body), body_digest);

    written recs[8];
    memset(recs, 0, sizeof recs);
    size_t n = 0;
    time_t t0 = 1700000000;

    recs[n].spec = (warc_record_spec){.type = WARC_WARCINFO,
                                      .filename = name,
                                      .date = t0,
                                      .block = info,
                                      .block_len = strlen(info)};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_REQUEST,
                                      .target_uri = "https://example.org/a",
                                      .date = t0 + 1,
                                      .warcinfo_id = NULL,
                                      .block = request,
                                      .block_len = strlen(request)};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_RESPONSE,
                                      .target_uri = "https://example.org/a",
                                      .date = t0 + 2,
                                      .ip_address = "192.0.2.7",
                                      .truncated = "length",
                                      .extra = extra,
                                      .n_extra = 2,
                                      .block = http_response,
                                      .block_len = strlen(http_response)};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_METADATA,
                                      .target_uri = "https://example.org/a",
                                      .date = t0 + 3,
                                      .block = meta,
                                      .block_len = strlen(meta)};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_REVISIT,
                                      .target_uri = "https://example.org/a",
                                      .date = t0 + 4,
                                      .profile = WARC_PROFILE_IDENTICAL_PAYLOAD,
                                      .refers_to_target_uri = "https://example.org/a",
                                      .refers_to_date = "2023-11-14T22:13:22Z",
                                      .payload_digest = body_digest,
                                      .block = revisit_block,
                                      .block_len = strlen(revisit_block)};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_REVISIT,
                                      .target_uri = "https://example.org/c",
                                      .date = t0 + 5,
                                      .profile = WARC_PROFILE_SERVER_NOT_MODIFIED,
                                      .refers_to_target_uri = "https://example.org/c",
                                      .refers_to_date = "2023-11-14T22:13:22Z",
                                      .block = nm_block,
                                      .block_len = strlen(nm_block)};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_RESOURCE,
                                      .target_uri = "file:///x.bin",
                                      .content_type = "application/octet-stream",
                                      .date = t0 + 6,
                                      .block = resource,
                                      .block_len = sizeof resource - 1};
    n++;
    recs[n].spec = (warc_record_spec){.type = WARC_RESPONSE,
                                      .target_uri = "https://example.org/empty",
                                      .date = t0 + 7,
                                      .block = "",
                                      .block_len = 0};
    n++;

    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 1)
            recs[i].spec.warcinfo_id = recs[0].id;
        if (i == 2)
            recs[i].spec.concurrent_to = recs[1].id;
        if (i == 4)
            recs[i].spec.refers_to = recs[2].id;
        assert_int_equal(warc_writer_write(w, &recs[i].spec, recs[i].id, &recs[i].offset), CH_OK);
        assert_int_equal(strlen(recs[i].id), WARC_ID_SIZE - 1);
        assert_memory_equal(recs[i].id, "<urn:uuid:", 10);
        assert_int_equal(recs[i].id[24], '4'); /* UUID version 4 */
        assert_true(strchr("89ab", recs[i].id[29]) != NULL);
        if (i > 0)
            assert_true(recs[i].offset > last);
        last = recs[i].offset;
    }
    assert_string_not_equal(recs[1].id, recs[2].id);
    uint64_t size = warc_writer_size(w);
    assert_int_equal(warc_writer_sync(w), CH_OK);
    assert_int_equal(warc_writer_close(w), CH_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((uint64_t)sb.st_size, size);

    warc_reader *r;
    assert_int_equal(warc_reader_open(path, &r), CH_OK);
    warc_record rec;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        check_record_matches(&rec, &recs[i]);
        switch (i) {
        case 0:
            assert_string_equal(rec.content_type, "application/warc-fields");
            break;
        case 1:
            assert_string_equal(rec.content_type, "application/http;msgtype=request");
            assert_int_equal(rec.http_status, 0);
            break;
        case 2:
            assert_string_equal(rec.content_type, "application/http;msgtype=response");
            assert_string_equal(warc_record_header(&rec, "WARC-Payload-Digest"), body_digest);
            assert_int_equal(rec.http_status, 200);
            assert_int_equal(rec.payload_len, strlen(http_body));
            assert_memory_equal(rec.payload, http_body, rec.payload_len);
            assert_string_equal(warc_record_http_header(&rec, "content-type"),
                                "text/html; charset=utf-8");
            break;
        case 4:
            assert_string_equal(rec.content_type, "application/http;msgtype=response");
            assert_int_equal(rec.http_status, 200);
            assert_int_equal(rec.payload_len, 0);
            break;
        case 5:
            assert_int_equal(rec.http_status, 304);
            assert_string_equal(warc_record_http_header(&rec, "ETag"), "\"x\"");
            assert_null(warc_record_header(&rec, "WARC-Payload-Digest"));
            break;
        case 7:
            /* An empty HTTP block has no header section: no payload digest, no status. */
            assert_null(warc_record_header(&rec, "WARC-Payload-Digest"));
            assert_int_equal(rec.http_status, 0);
            break;
        default:
            break;
        }
    }
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    assert_null(rec.block);
    assert_null(warc_reader_error(r));
    warc_reader_stats st;
    warc_reader_get_stats(r, &st);
    assert_int_equal(st.records, n);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.garbage_bytes, 0);
    warc_reader_close(r);

    /* Each record can be read on its own from its offset (one gzip member per record). */
    size_t len;
    unsigned char *data = slurp(path, &len);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(warc_reader_open_mem(data + recs[i].offset, len - recs[i].offset, &r),
                         CH_OK);
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        assert_string_equal(rec.record_id, recs[i].id);
        assert_int_equal(rec.offset, 0);
        warc_reader_close(r);
    }
    free(data);
}

static void test_roundtrip_plain(void **state)
{
    roundtrip_all_types(*state, "all.warc");
}

static void test_roundtrip_gzip(void **state)
{
    roundtrip_all_types(*state, "all.warc.gz");
}

/* A .warc.gz written by us is an ordinary multi-member gzip file whose content is WARC text. */
static void test_gzip_output_is_standard(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "std.warc.gz", path, sizeof path);
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    warc_record_spec s = {.type = WARC_RESPONSE,
                          .target_uri = "http://a.example/",
                          .block = http_response,
                          .block_len = strlen(http_response)};
    for (int i = 0; i < 3; i++)
        assert_int_equal(warc_writer_write(w, &s, NULL, NULL), CH_OK);
    assert_int_equal(warc_writer_close(w), CH_OK);

    gzFile gz = gzopen(path, "rb");
    assert_non_null(gz);
    static char text[8192];
    int n = gzread(gz, text, sizeof text - 1);
    assert_true(n > 0);
    text[n] = '\0';
    gzclose(gz);
    int count = 0;
    for (char *p = text; (p = strstr(p, "WARC/1.1\r\n")); p++)
        count++;
    assert_int_equal(count, 3);
    assert_non_null(strstr(text, "\r\nWARC-Type: response\r\n"));
    assert_non_null(strstr(text, "WARC-Payload-Digest: sha1:"));
}

/* Inflate the gzip file at path member by member, as gzip -t and zcat do: every member must be
 * whole (zlib checks its CRC-32 and length), start at one of the offsets the writer gave and
 * hold exactly one record. Returns the decompressed bytes (freed by the caller). */
static unsigned char *inflate_members(const char *path, const uint64_t *offsets, size_t n,
                                      size_t *out_len)
{
    size_t len;
    unsigned char *raw = slurp(path, &len);
    assert_true(len >= 18);
    size_t cap = 1u << 16, olen = 0, pos = 0, members = 0;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    while (pos < len) {
        assert_true(members < n);
        assert_int_equal(pos, offsets[members]);
        assert_int_equal(raw[pos], 0x1f);
        assert_int_equal(raw[pos + 1], 0x8b);
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
        zs.next_in = raw + pos;
        zs.avail_in = (uInt)(len - pos);
        size_t member_start = olen;
        int zr;
        do {
            if (olen == cap) {
                cap *= 2;
                unsigned char *bigger = realloc(out, cap);
                assert_non_null(bigger);
                out = bigger;
            }
            zs.next_out = out + olen;
            zs.avail_out = (uInt)(cap - olen);
            zr = inflate(&zs, Z_NO_FLUSH);
            olen = cap - zs.avail_out;
        } while (zr == Z_OK);
        assert_int_equal(zr, Z_STREAM_END);
        pos = len - zs.avail_in;
        inflateEnd(&zs);
        /* One record per member: it starts with the version line and ends with CRLFCRLF. */
        assert_true(olen - member_start > 14);
        assert_memory_equal(out + member_start, "WARC/1.1\r\n", 10);
        assert_memory_equal(out + olen - 4, "\r\n\r\n", 4);
        members++;
    }
    assert_int_equal(members, n);
    free(raw);
    *out_len = olen;
    return out;
}

/* The gzip path (libdeflate, one member per record, compressed in one call): records of every
 * size, text and incompressible, a block given in two parts and one over the size at which
 * the writer frees its buffers, read back byte for byte by our reader and by zlib, member by
 * member; the uncompressed file is the plain writer's output for the same records, but for
 * the record ids. */
static void test_gzip_records_byte_identical(void **state)
{
    fixture *f = *state;
    char gz_path[256];
    path_in(f, "ld.warc.gz", gz_path, sizeof gz_path);
    enum { N = 7 };
    static const size_t sizes[N] = {0, 1, 27, 70000, 300000, 3u << 20, (16u << 20) + 5};
    unsigned char *blocks[N];
    uint64_t seed = 11;
    for (size_t i = 0; i < N; i++) {
        blocks[i] = malloc(sizes[i] + 1);
        assert_non_null(blocks[i]);
        for (size_t k = 0; k < sizes[i]; k++)
            blocks[i][k] = i % 2 ? (unsigned char)(rnd(&seed) & 0xff) /* incompressible */
                                 : (unsigned char)("<p>chouette</p>\n"[k % 16]);
    }
    warc_writer *w;
    assert_int_equal(warc_writer_open(gz_path, &w), CH_OK);
    uint64_t offsets[N + 1];
    char ids[N + 1][WARC_ID_SIZE];
    for (size_t i = 0; i < N; i++) {
        warc_record_spec s = {.type = WARC_RESOURCE,
                              .target_uri = "http://a.example/x",
                              .date = 1700000000,
                              .block = blocks[i],
                              .block_len = sizes[i]};
        assert_int_equal(warc_writer_write(w, &s, ids[i], &offsets[i]), CH_OK);
    }
    /* An HTTP response given as head and body apart: the same bytes and digests as joined. */
    size_t head_len = strlen(http_response) - strlen(http_body);
    warc_record_spec split = {.type = WARC_RESPONSE,
                              .target_uri = "http://a.example/",
                              .date = 1700000000,
                              .block = http_response,
                              .block_len = head_len,
                              .block_rest = http_body,
                              .block_rest_len = strlen(http_body)};
    assert_int_equal(warc_writer_write(w, &split, ids[N], &offsets[N]), CH_OK);
    uint64_t size = warc_writer_size(w);
    assert_int_equal(warc_writer_close(w), CH_OK);

    /* Our reader: every block back, byte for byte, at the offset given. */
    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open(gz_path, &r), CH_OK);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        assert_string_equal(rec.record_id, ids[i]);
        assert_int_equal(rec.offset, offsets[i]);
        assert_int_equal(rec.block_len, sizes[i]);
        if (sizes[i])
            assert_memory_equal(rec.block, blocks[i], sizes[i]);
        char d[WARC_DIGEST_SIZE];
        sha1_of(blocks[i], sizes[i], d);
        assert_string_equal(warc_record_header(&rec, "WARC-Block-Digest"), d);
    }
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_int_equal(rec.block_len, strlen(http_response));
    assert_memory_equal(rec.block, http_response, rec.block_len);
    char d[WARC_DIGEST_SIZE];
    sha1_of(http_response, strlen(http_response), d);
    assert_string_equal(warc_record_header(&rec, "WARC-Block-Digest"), d);
    sha1_of(http_body, strlen(http_body), d);
    assert_string_equal(warc_record_header(&rec, "WARC-Payload-Digest"), d);
    assert_int_equal(rec.http_status, 200);
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    assert_null(warc_reader_error(r));
    warc_reader_close(r);

    /* zlib, member by member: a valid multi-member gzip file, one record per member. */
    size_t text_len;
    unsigned char *text = inflate_members(gz_path, offsets, N + 1, &text_len);
    struct stat sb;
    assert_int_equal(stat(gz_path, &sb), 0);
    assert_int_equal((uint64_t)sb.st_size, size);

    /* The same records through the plain writer give the same bytes once the random record
     * ids are put back. */
    char plain_path[256];
    path_in(f, "ld.warc", plain_path, sizeof plain_path);
    assert_int_equal(warc_writer_open(plain_path, &w), CH_OK);
    char pids[N + 1][WARC_ID_SIZE];
    for (size_t i = 0; i < N; i++) {
        warc_record_spec s = {.type = WARC_RESOURCE,
                              .target_uri = "http://a.example/x",
                              .date = 1700000000,
                              .block = blocks[i],
                              .block_len = sizes[i]};
        assert_int_equal(warc_writer_write(w, &s, pids[i], NULL), CH_OK);
    }
    warc_record_spec joined = {.type = WARC_RESPONSE,
                               .target_uri = "http://a.example/",
                               .date = 1700000000,
                               .block = http_response,
                               .block_len = strlen(http_response)};
    assert_int_equal(warc_writer_write(w, &joined, pids[N], NULL), CH_OK);
    assert_int_equal(warc_writer_close(w), CH_OK);
    size_t plain_len;
    unsigned char *plain = slurp(plain_path, &plain_len);
    assert_int_equal(plain_len, text_len);
    size_t from = 0;
    for (size_t i = 0; i <= N; i++) { /* the ids are the only difference */
        unsigned char *p = memmem(plain + from, plain_len - from, pids[i], WARC_ID_SIZE - 1);
        assert_non_null(p);
        memcpy(p, ids[i], WARC_ID_SIZE - 1);
        from = (size_t)(p - plain) + WARC_ID_SIZE - 1;
    }
    assert_memory_equal(plain, text, text_len);
    free(plain);
    free(text);
    for (size_t i = 0; i < N; i++)
        free(blocks[i]);
}

/* A block given in two parts is checked like one: a part with a length but no bytes is a bad
 * spec, and nothing is written. */
static void test_writer_block_rest_checked(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "rest.warc.gz", path, sizeof path);
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    warc_record_spec s = {.type = WARC_RESOURCE,
                          .target_uri = "x",
                          .block = "abc",
                          .block_len = 3,
                          .block_rest = NULL,
                          .block_rest_len = 2};
    assert_int_equal(warc_writer_write(w, &s, NULL, NULL), CH_ERR_ARG);
    assert_int_equal(warc_writer_size(w), 0);
    /* Only a rest: the block is the rest. */
    s.block = NULL;
    s.block_len = 0;
    s.block_rest = "de";
    assert_int_equal(warc_writer_write(w, &s, NULL, NULL), CH_OK);
    assert_int_equal(warc_writer_close(w), CH_OK);
    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open(path, &r), CH_OK);
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_int_equal(rec.block_len, 2);
    assert_memory_equal(rec.block, "de", 2);
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    warc_reader_close(r);
}

/* ---- HTTP parsing ------------------------------------------------------------------------ */

static void append_record(buf_t *b, const char *version, const char *type, const char *extra,
                          const char *block, size_t block_len)
{
    assert_int_equal(buf_appendf(b,
                                 "%s\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:x>\r\n"
                                 "WARC-Date: 2024-01-01T00:00:00Z\r\n%sContent-Length: %zu\r\n\r\n",
                                 version, type, extra ? extra : "", block_len),
                     CH_OK);
    assert_int_equal(buf_append(b, block, block_len), CH_OK);
    assert_int_equal(buf_append_str(b, "\r\n\r\n"), CH_OK);
}

static void test_http_response_parsing(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1 << 20);
    /* Bare LF line ends, a folded header, odd spacing. */
    const char lf[] = "HTTP/1.0 404 Not Found\nServer:  test \nX-Long: one\n two\nContent-Type:"
                      "text/plain\n\nnot here\n";
    append_record(&b, "WARC/1.0", "response", "WARC-Target-URI: http://x/\r\n", lf, strlen(lf));
    /* HTTP/2 status line without reason. */
    const char h2[] = "HTTP/2 301\r\nLocation: https://x/\r\n\r\n";
    append_record(&b, "WARC/1.1", "response", NULL, h2, strlen(h2));
    /* A revisit holding headers without the final blank line. */
    const char rv[] = "HTTP/1.1 200 OK\r\nETag: abc";
    append_record(&b, "WARC/1.1", "revisit", NULL, rv, strlen(rv));
    /* Not HTTP: no status. And a bad status line. */
    const char nh[] = "Hello, not HTTP at all\r\n\r\nbody";
    append_record(&b, "WARC/1.1", "response", NULL, nh, strlen(nh));
    const char bad[] = "HTTP/1.1 2x0 OK\r\n\r\nbody";
    append_record(&b, "WARC/1.1", "response", NULL, bad, strlen(bad));
    /* A resource that happens to hold HTTP text is not parsed. */
    append_record(&b, "WARC/1.1", "resource", NULL, h2, strlen(h2));

    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open_mem(b.data, b.len, &r), CH_OK);

    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_string_equal(rec.version, "WARC/1.0");
    assert_string_equal(rec.target_uri, "http://x/");
    assert_int_equal(rec.http_status, 404);
    assert_int_equal(rec.n_http_headers, 3);
    assert_string_equal(warc_record_http_header(&rec, "server"), "test");
    assert_string_equal(warc_record_http_header(&rec, "X-LONG"), "one two");
    assert_string_equal(warc_record_http_header(&rec, "Content-Type"), "text/plain");
    assert_null(warc_record_http_header(&rec, "Missing"));
    assert_int_equal(rec.payload_len, strlen("not here\n"));
    assert_memory_equal(rec.payload, "not here\n", rec.payload_len);

    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_int_equal(rec.http_status, 301);
    assert_string_equal(warc_record_http_header(&rec, "location"), "https://x/");
    assert_int_equal(rec.payload_len, 0);
    assert_non_null(rec.payload);

    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_int_equal(rec.type, WARC_REVISIT);
    assert_int_equal(rec.http_status, 200);
    assert_string_equal(warc_record_http_header(&rec, "etag"), "abc");
    assert_int_equal(rec.payload_len, 0);

    for (int i = 0; i < 3; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        assert_int_equal(rec.http_status, 0);
        assert_int_equal(rec.n_http_headers, 0);
        assert_null(rec.payload);
    }
    assert_int_equal(rec.type, WARC_RESOURCE);
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    warc_reader_stats st;
    warc_reader_get_stats(r, &st);
    assert_int_equal(st.records, 6);
    assert_int_equal(st.skipped, 0);
    warc_reader_close(r);
    buf_free(&b);
}

/* ---- many records ------------------------------------------------------------------------ */

static void many_records(const fixture *f, const char *name)
{
    enum { N = 400 };
    char path[256];
    path_in(f, name, path, sizeof path);
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    uint64_t seed = 42;
    static char body[20000];
    static uint64_t offsets[N];
    for (int i = 0; i < N; i++) {
        size_t blen = (size_t)(rnd(&seed) % sizeof body);
        for (size_t k = 0; k < blen; k++)
            body[k] = (char)('a' + (i + (int)k) % 26);
        char uri[64];
        snprintf(uri, sizeof uri, "https://example.org/page/%d", i);
        warc_record_spec s = {.type = WARC_RESOURCE,
                              .target_uri = uri,
                              .content_type = "text/plain",
                              .block = body,
                              .block_len = blen};
        assert_int_equal(warc_writer_write(w, &s, NULL, &offsets[i]), CH_OK);
    }
    assert_int_equal(warc_writer_close(w), CH_OK);

    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open(path, &r), CH_OK);
    seed = 42;
    for (int i = 0; i < N; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        size_t blen = (size_t)(rnd(&seed) % sizeof body);
        char uri[64];
        snprintf(uri, sizeof uri, "https://example.org/page/%d", i);
        assert_string_equal(rec.target_uri, uri);
        assert_int_equal(rec.offset, offsets[i]);
        assert_int_equal(rec.block_len, blen);
        for (size_t k = 0; k < blen; k++)
            if (rec.block[k] != (char)('a' + (i + (int)k) % 26))
                fail_msg("record %d byte %zu differs", i, k);
    }
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    assert_null(warc_reader_error(r));
    warc_reader_close(r);
}

static void test_many_records_plain(void **state)
{
    many_records(*state, "many.warc");
}

static void test_many_records_gzip(void **state)
{
    many_records(*state, "many.warc.gz");
}

/* ---- damage ------------------------------------------------------------------------------ */

typedef struct {
    char id[WARC_ID_SIZE];
    uint64_t offset, end;
    char *block;
    size_t block_len;
} ref_record;

/* Write n varied records to path; fill refs (offset, end, id, block copy). */
static void write_reference_file(const char *path, ref_record *refs, size_t n, uint64_t seed)
{
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    char req_id[WARC_ID_SIZE] = "";
    for (size_t i = 0; i < n; i++) {
        size_t blen = (size_t)(rnd(&seed) % (i % 7 == 3 ? 30000 : 1500));
        buf_t b;
        buf_init(&b, 1 << 20);
        warc_record_spec s = {.target_uri = "https://example.org/x", .date = 1700000000};
        switch (i % 4) {
        case 0:
            s.type = WARC_REQUEST;
            assert_int_equal(buf_appendf(&b, "GET /%zu HTTP/1.1\r\nHost: example.org\r\n\r\n", i),
                             CH_OK);
            break;
        case 1:
            s.type = WARC_RESPONSE;
            s.concurrent_to = req_id;
            assert_int_equal(
                buf_appendf(&b, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", blen), CH_OK);
            for (size_t k = 0; k < blen; k++)
                assert_int_equal(buf_append_char(&b, (char)(rnd(&seed) & 0xff)), CH_OK);
            break;
        case 2:
            s.type = WARC_METADATA;
            assert_int_equal(buf_appendf(&b, "via: %zu\r\n", i), CH_OK);
            break;
        default:
            s.type = WARC_RESOURCE;
            for (size_t k = 0; k < blen; k++)
                assert_int_equal(buf_append_char(&b, (char)('A' + k % 50)), CH_OK);
            break;
        }
        s.block = b.data;
        s.block_len = b.len;
        assert_int_equal(warc_writer_write(w, &s, refs[i].id, &refs[i].offset), CH_OK);
        if (s.type == WARC_REQUEST)
            memcpy(req_id, refs[i].id, WARC_ID_SIZE);
        refs[i].block_len = b.len;
        refs[i].block = buf_steal(&b, NULL);
        assert_non_null(refs[i].block);
        buf_free(&b);
        if (i > 0)
            refs[i - 1].end = refs[i].offset;
    }
    refs[n - 1].end = warc_writer_size(w);
    assert_int_equal(warc_writer_close(w), CH_OK);
}

static void free_refs(ref_record *refs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(refs[i].block);
}

static bool same_record(const warc_record *rec, const ref_record *ref)
{
    return rec->record_id && strcmp(rec->record_id, ref->id) == 0 && rec->offset == ref->offset &&
           rec->block_len == ref->block_len &&
           (ref->block_len == 0 || memcmp(rec->block, ref->block, ref->block_len) == 0);
}

/* Read every record of data[0..len) and check them against the reference, in order, from
 * index `first`, skipping the indexes in `missing`. Returns how many were read. */
static size_t read_and_match(warc_reader *r, const ref_record *refs, size_t n, size_t first,
                             const bool *missing)
{
    warc_record rec;
    size_t got = 0, next = first;
    ch_status st;
    while ((st = warc_reader_next(r, &rec)) == CH_OK) {
        while (next < n && missing && missing[next])
            next++;
        assert_true(next < n);
        if (!same_record(&rec, &refs[next]))
            fail_msg("record %zu read back wrong: offset %llu (want %llu), id %s (want %s), "
                     "block %zu bytes (want %zu)",
                     next, (unsigned long long)rec.offset, (unsigned long long)refs[next].offset,
                     rec.record_id ? rec.record_id : "-", refs[next].id, rec.block_len,
                     refs[next].block_len);
        next++;
        got++;
    }
    assert_int_equal(st, CH_ERR_EOF);
    return got;
}

static void truncation(const fixture *f, const char *name, uint64_t seed)
{
    enum { N = 50, CUTS = 200 };
    char path[256], cut_path[256];
    path_in(f, name, path, sizeof path);
    path_in(f, "cut.tmp", cut_path, sizeof cut_path);
    ref_record refs[N];
    memset(refs, 0, sizeof refs);
    write_reference_file(path, refs, N, seed);
    size_t len;
    unsigned char *data = slurp(path, &len);
    assert_int_equal(len, refs[N - 1].end);

    for (int c = 0; c < CUTS; c++) {
        size_t cut;
        if (c % 10 == 0) /* some cuts right on a record boundary */
            cut = (size_t)refs[rnd(&seed) % N].offset;
        else if (c % 10 == 1) /* some in a record's first or last bytes */
            cut = (size_t)refs[rnd(&seed) % N].end - 1 - (size_t)(rnd(&seed) % 12);
        else
            cut = (size_t)(rnd(&seed) % (len + 1));
        size_t whole = 0;
        bool boundary = cut == 0 || cut == len;
        for (size_t i = 0; i < N; i++) {
            if (refs[i].end <= cut)
                whole++;
            if (refs[i].offset == cut)
                boundary = true;
        }
        warc_reader *r;
        if (c % 8 == 0) { /* through a real file now and then */
            spill(cut_path, data, cut);
            assert_int_equal(warc_reader_open(cut_path, &r), CH_OK);
        } else {
            assert_int_equal(warc_reader_open_mem(data, cut, &r), CH_OK);
        }
        size_t got = read_and_match(r, refs, N, 0, NULL);
        if (got != whole)
            fail_msg("%s cut at %zu: %zu records read, %zu expected", name, cut, got, whole);
        warc_reader_stats st;
        warc_reader_get_stats(r, &st);
        if (boundary) {
            assert_int_equal(st.skipped, 0);
            assert_int_equal(st.garbage_bytes, 0);
            assert_null(warc_reader_error(r));
        } else {
            if (st.skipped != 1)
                fail_msg("%s cut at %zu: skipped %llu (%s)", name, cut,
                         (unsigned long long)st.skipped, warc_reader_error(r));
            assert_non_null(warc_reader_error(r));
        }
        warc_reader_close(r);
    }
    free(data);
    free_refs(refs, N);
}

static void test_truncation_plain(void **state)
{
    truncation(*state, "trunc.warc", 7);
}

static void test_truncation_gzip(void **state)
{
    truncation(*state, "trunc.warc.gz", 11);
}

/* Garbage between records: skipped, counted, and every record around it still read. */
static void garbage_between(const fixture *f, const char *name)
{
    enum { N = 12 };
    char path[256];
    path_in(f, name, path, sizeof path);
    ref_record refs[N];
    memset(refs, 0, sizeof refs);
    write_reference_file(path, refs, N, 99);
    size_t len;
    unsigned char *data = slurp(path, &len);

#define JUNK(s)                                                                                    \
    {                                                                                              \
        (s), sizeof(s) - 1                                                                         \
    }
    static const struct {
        const char *s;
        size_t len;
    } junk[] = {
        JUNK("garbage line\r\n"),
        JUNK("\x1f\x8b\x08\x00junk that looks like a gzip header\xff\xfe"),
        JUNK("WARC/0.9\r\nWARC-Type: response\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n"),
        JUNK("no newline at all"),
        JUNK("\x1f\x8b"),
        JUNK("\r\n\r\n"),
        JUNK("WARC/1.1 not really\nX"),
        JUNK("\x00\x01\x02\x03\x1f\x1f\x1f\x8b\x8b"),
    };
#undef JUNK
    buf_t b;
    buf_init(&b, 1 << 24);
    for (size_t i = 0; i < N; i++) {
        if (i > 0) {
            size_t j = (i - 1) % (sizeof junk / sizeof junk[0]);
            assert_int_equal(buf_append(&b, junk[j].s, junk[j].len), CH_OK);
        }
        assert_int_equal(buf_append(&b, data + refs[i].offset, refs[i].end - refs[i].offset),
                         CH_OK);
    }
    warc_reader *r;
    assert_int_equal(warc_reader_open_mem(b.data, b.len, &r), CH_OK);
    warc_record rec;
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        assert_string_equal(rec.record_id, refs[i].id);
        assert_int_equal(rec.block_len, refs[i].block_len);
        assert_memory_equal(rec.block, refs[i].block, refs[i].block_len);
    }
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    warc_reader_stats st;
    warc_reader_get_stats(r, &st);
    assert_int_equal(st.records, N);
    assert_true(st.garbage_bytes > 0);
    assert_non_null(warc_reader_error(r));
    warc_reader_close(r);
    buf_free(&b);
    free(data);
    free_refs(refs, N);
}

static void test_garbage_plain(void **state)
{
    garbage_between(*state, "garbage.warc");
}

static void test_garbage_gzip(void **state)
{
    garbage_between(*state, "garbage.warc.gz");
}

/* A damaged gzip member loses its record only. */
static void test_corrupt_gzip_member(void **state)
{
    enum { N = 20 };
    fixture *f = *state;
    char path[256];
    path_in(f, "corrupt.warc.gz", path, sizeof path);
    ref_record refs[N];
    memset(refs, 0, sizeof refs);
    write_reference_file(path, refs, N, 5);
    size_t len;
    unsigned char *data = slurp(path, &len);
    bool missing[N] = {false};
    /* Flip bytes in the compressed data (past the 10-byte header) of a few members. */
    const size_t victims[] = {0, 5, 6, 13, N - 1};
    for (size_t v = 0; v < sizeof victims / sizeof victims[0]; v++) {
        size_t i = victims[v];
        size_t mid = (size_t)(refs[i].offset + 10 + (refs[i].end - refs[i].offset - 18) / 2);
        data[mid] ^= 0x55;
        data[mid + 1] ^= 0xaa;
        missing[i] = true;
    }
    warc_reader *r;
    assert_int_equal(warc_reader_open_mem(data, len, &r), CH_OK);
    size_t got = read_and_match(r, refs, N, 0, missing);
    assert_int_equal(got, N - sizeof victims / sizeof victims[0]);
    warc_reader_stats st;
    warc_reader_get_stats(r, &st);
    assert_int_equal(st.skipped, sizeof victims / sizeof victims[0]);
    assert_non_null(warc_reader_error(r));
    warc_reader_close(r);

    /* A bad CRC (trailer) is caught even though the data inflated fine. */
    unsigned char *copy = slurp(path, &len);
    size_t crc_at = (size_t)refs[3].end - 8;
    copy[crc_at] ^= 1;
    bool miss3[N] = {false};
    miss3[3] = true;
    assert_int_equal(warc_reader_open_mem(copy, len, &r), CH_OK);
    assert_int_equal(read_and_match(r, refs, N, 0, miss3), N - 1);
    assert_non_null(strstr(warc_reader_error(r), "damaged gzip member"));
    warc_reader_close(r);
    free(copy);
    free(data);
    free_refs(refs, N);
}

static void test_bad_headers_skipped(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1 << 20);
    const char *ok = "good";
    append_record(&b, "WARC/1.1", "resource", "WARC-Target-URI: a\r\n", ok, 4);
    /* Missing Content-Length. */
    assert_int_equal(buf_append_str(&b, "WARC/1.1\r\nWARC-Type: resource\r\n\r\nxx\r\n\r\n"),
                     CH_OK);
    /* Non-numeric, negative and overflowing lengths. */
    assert_int_equal(buf_append_str(&b, "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 12ab"
                                        "\r\n\r\n0123456789ab\r\n\r\n"),
                     CH_OK);
    assert_int_equal(buf_append_str(&b, "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: -4"
                                        "\r\n\r\nabcd\r\n\r\n"),
                     CH_OK);
    assert_int_equal(buf_append_str(&b, "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: "
                                        "99999999999999999999999\r\n\r\nabcd\r\n\r\n"),
                     CH_OK);
    /* Wrong version, missing type, a header line without a colon. */
    append_record(&b, "WARC/2.0", "resource", NULL, "abcd", 4);
    assert_int_equal(buf_append_str(&b, "WARC/1.1\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n"),
                     CH_OK);
    append_record(&b, "WARC/1.1", "resource", "this line has no colon\r\n", "abcd", 4);
    /* Over the block cap set below (100 bytes). */
    char big[300];
    memset(big, 'z', sizeof big);
    append_record(&b, "WARC/1.1", "resource", NULL, big, sizeof big);
    append_record(&b, "WARC/1.1", "resource", "WARC-Target-URI: b\r\n", "last", 4);

    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open_mem(b.data, b.len, &r), CH_OK);
    warc_reader_set_max_block(r, 100);
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_string_equal(rec.target_uri, "a");
    assert_null(warc_reader_error(r));
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_string_equal(rec.target_uri, "b");
    assert_int_equal(rec.block_len, 4);
    assert_memory_equal(rec.block, "last", 4);
    warc_reader_stats st;
    warc_reader_get_stats(r, &st);
    assert_int_equal(st.skipped, 8);
    assert_int_equal(st.last_error, CH_ERR_LIMIT);
    assert_non_null(strstr(warc_reader_error(r), "over the cap"));
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    warc_reader_close(r);
    buf_free(&b);
}

static void test_header_section_cap(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_str(&b, "WARC/1.1\r\nWARC-Type: resource\r\n"), CH_OK);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(buf_appendf(&b, "X-Filler-%04d: %040d\r\n", i, i), CH_OK);
    assert_int_equal(buf_append_str(&b, "Content-Length: 2\r\n\r\nab\r\n\r\n"), CH_OK);
    append_record(&b, "WARC/1.1", "resource", "WARC-Target-URI: after\r\n", "ok", 2);
    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open_mem(b.data, b.len, &r), CH_OK);
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_string_equal(rec.target_uri, "after");
    warc_reader_stats st;
    warc_reader_get_stats(r, &st);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(st.last_error, CH_ERR_LIMIT);
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    warc_reader_close(r);
    buf_free(&b);
}

static void test_tiny_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        size_t len;
        uint64_t skipped;
        bool error;
    } cases[] = {
        {"", 0, 0, false},
        {"\r\n\r\n", 4, 0, false},
        {"W", 1, 1, true},
        {"WARC/", 5, 1, true},
        {"WARC/1.1\r\nWARC-Type: x\r\n", 24, 1, true},
        {"hello", 5, 0, true},
        {"\x1f", 1, 1, true},
        {"\x1f\x8b", 2, 1, true},
        {"\x1f\x8b\x08\x00\x00", 5, 1, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        warc_reader *r;
        warc_record rec;
        assert_int_equal(warc_reader_open_mem(cases[i].data, cases[i].len, &r), CH_OK);
        assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
        assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
        warc_reader_stats st;
        warc_reader_get_stats(r, &st);
        if (st.skipped != cases[i].skipped)
            fail_msg("case %zu: skipped %llu", i, (unsigned long long)st.skipped);
        assert_int_equal(warc_reader_error(r) != NULL, cases[i].error);
        warc_reader_close(r);
    }
}

static void test_reader_open_errors(void **state)
{
    fixture *f = *state;
    warc_reader *r = (warc_reader *)1;
    char path[256];
    path_in(f, "does-not-exist.warc", path, sizeof path);
    assert_int_equal(warc_reader_open(path, &r), CH_ERR_IO);
    assert_null(r);
    r = (warc_reader *)1;
    assert_int_equal(warc_reader_open(f->dir, &r), CH_ERR_IO);
    assert_null(r);
    warc_reader_close(NULL);
}

/* ---- writer failures --------------------------------------------------------------------- */

static void test_writer_rejects_bad_specs(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "reject.warc.gz", path, sizeof path);
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    char id[WARC_ID_SIZE];
    uint64_t off = 7;
    warc_record_spec s = {.type = WARC_RESPONSE, .target_uri = "http://x/\r\nWARC-Type: evil"};
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_ARG);
    assert_string_equal(id, "");
    assert_int_equal(off, 0);
    s.target_uri = NULL; /* required */
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_ARG);
    s = (warc_record_spec){
        .type = WARC_REVISIT, .target_uri = "http://x/", .profile = WARC_PROFILE_IDENTICAL_PAYLOAD};
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_ARG); /* no payload digest */
    warc_header ex[] = {{"Content-Length", "5"}};
    s = (warc_record_spec){.type = WARC_RESOURCE, .target_uri = "x", .extra = ex, .n_extra = 1};
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_ARG);
    ex[0] = (warc_header){"Bad Name", "v"};
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_ARG);
    s = (warc_record_spec){.type = WARC_OTHER, .target_uri = "x"};
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_ARG);
    /* A header section over the cap. */
    static char huge[WARC_MAX_HEADER];
    memset(huge, 'u', sizeof huge - 1);
    s = (warc_record_spec){.type = WARC_RESOURCE, .target_uri = huge};
    assert_int_equal(warc_writer_write(w, &s, id, &off), CH_ERR_LIMIT);
    assert_int_equal(warc_writer_size(w), 0);
    assert_int_equal(warc_writer_close(w), CH_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 0);
}

static void test_writer_enospc(void **state)
{
    (void)state;
    warc_writer *w;
    if (warc_writer_open("/dev/full", &w) != CH_OK)
        skip();
    warc_record_spec s = {.type = WARC_RESOURCE, .target_uri = "x", .block = "abc", .block_len = 3};
    errno = 0;
    assert_int_equal(warc_writer_write(w, &s, NULL, NULL), CH_ERR_IO);
    assert_int_equal(errno, ENOSPC);
    assert_int_equal(warc_writer_size(w), 0);
    warc_writer_close(w);
}

/* A write that fails halfway (file size limit) is cut back: the file ends with the last good
 * record and reads cleanly; the writer goes on once there is room again. */
static void writer_cut_back(const fixture *f, const char *name)
{
    char path[256];
    path_in(f, name, path, sizeof path);
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    static char body[6000];
    uint64_t seed = 3;
    for (size_t k = 0; k < sizeof body; k++)
        body[k] = (char)(rnd(&seed) & 0xff); /* incompressible */
    warc_record_spec s = {
        .type = WARC_RESOURCE, .target_uri = "http://x/", .block = body, .block_len = sizeof body};

    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 20000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int good = 0;
    ch_status st;
    uint64_t before = 0;
    while ((st = warc_writer_write(w, &s, NULL, NULL)) == CH_OK) {
        good++;
        before = warc_writer_size(w);
    }
    int saved = errno;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(st, CH_ERR_IO);
    assert_int_equal(saved, EFBIG);
    assert_true(good >= 2);
    assert_int_equal(warc_writer_size(w), before);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((uint64_t)sb.st_size, before);

    /* Room again: the writer carries on. */
    assert_int_equal(warc_writer_write(w, &s, NULL, NULL), CH_OK);
    assert_int_equal(warc_writer_close(w), CH_OK);

    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open(path, &r), CH_OK);
    for (int i = 0; i < good + 1; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        assert_int_equal(rec.block_len, sizeof body);
        assert_memory_equal(rec.block, body, sizeof body);
    }
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    assert_null(warc_reader_error(r));
    warc_reader_close(r);
}

static void test_writer_cut_back_plain(void **state)
{
    writer_cut_back(*state, "cut.warc");
}

static void test_writer_cut_back_gzip(void **state)
{
    writer_cut_back(*state, "cut.warc.gz");
}

/* Appending to an existing file keeps what is there; offsets continue from its size. */
static void test_writer_appends(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "append.warc.gz", path, sizeof path);
    warc_record_spec s = {.type = WARC_RESOURCE, .target_uri = "x", .block = "a", .block_len = 1};
    warc_writer *w;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    assert_int_equal(warc_writer_write(w, &s, NULL, NULL), CH_OK);
    uint64_t size1 = warc_writer_size(w);
    assert_int_equal(warc_writer_close(w), CH_OK);
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    assert_int_equal(warc_writer_size(w), size1);
    uint64_t off;
    assert_int_equal(warc_writer_write(w, &s, NULL, &off), CH_OK);
    assert_int_equal(off, size1);
    assert_int_equal(warc_writer_close(w), CH_OK);
    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open(path, &r), CH_OK);
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_int_equal(warc_reader_next(r, &rec), CH_OK);
    assert_int_equal(rec.offset, size1);
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    warc_reader_close(r);
}

/* ---- a real WARC written by wget -------------------------------------------------------- */

static void test_wget_fixture(void **state)
{
    (void)state;
    warc_reader *r;
    warc_record rec;
    assert_int_equal(warc_reader_open("tests/fixtures/warc/wget-localhost.warc.gz", &r), CH_OK);
    static const warc_type want[] = {
        WARC_WARCINFO, WARC_REQUEST, WARC_RESPONSE, WARC_REQUEST,  WARC_RESPONSE, WARC_REQUEST,
        WARC_RESPONSE, WARC_REQUEST, WARC_RESPONSE, WARC_METADATA, WARC_RESOURCE,
    };
    char last_request[WARC_ID_SIZE] = "";
    int pages = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(warc_reader_next(r, &rec), CH_OK);
        assert_int_equal(rec.type, want[i]);
        assert_string_equal(rec.version, "WARC/1.0");
        assert_non_null(rec.record_id);
        assert_non_null(rec.date);
        char d[WARC_DIGEST_SIZE];
        sha1_of(rec.block, rec.block_len, d);
        assert_string_equal(warc_record_header(&rec, "WARC-Block-Digest"), d);
        if (rec.type == WARC_REQUEST) {
            assert_int_equal(strlen(rec.record_id), WARC_ID_SIZE - 1);
            memcpy(last_request, rec.record_id, WARC_ID_SIZE);
            assert_memory_equal(rec.target_uri, "http://127.0.0.1:", 17);
        }
        if (rec.type != WARC_RESPONSE)
            continue;
        assert_string_equal(warc_record_header(&rec, "WARC-Concurrent-To"), last_request);
        assert_non_null(rec.payload);
        sha1_of(rec.payload, rec.payload_len, d);
        assert_string_equal(warc_record_header(&rec, "WARC-Payload-Digest"), d);
        const char *slash = strrchr(rec.target_uri, '/');
        assert_non_null(slash);
        if (strcmp(slash, "/robots.txt") == 0) {
            assert_int_equal(rec.http_status, 404);
            continue;
        }
        assert_int_equal(rec.http_status, 200);
        char path[256];
        snprintf(path, sizeof path, "tests/fixtures/warc/wget-site%s", slash);
        size_t len;
        unsigned char *orig = slurp(path, &len);
        assert_int_equal(rec.payload_len, len);
        assert_memory_equal(rec.payload, orig, len);
        char num[32];
        snprintf(num, sizeof num, "%zu", len);
        assert_string_equal(warc_record_http_header(&rec, "content-length"), num);
        free(orig);
        pages++;
    }
    assert_int_equal(pages, 3);
    assert_int_equal(warc_reader_next(r, &rec), CH_ERR_EOF);
    assert_null(warc_reader_error(r));
    warc_reader_close(r);
}

/* ---- fuzz seeds -------------------------------------------------------------------------- *
 * `test_warc --write-fuzz-seeds DIR` writes the seed corpus committed in tests/fuzz/corpus/warc
 * (not a test: a reproducible way to make the seeds). */

static int seed_write_records(const char *path, bool http_pair, bool revisits)
{
    warc_writer *w;
    if (warc_writer_open(path, &w) != CH_OK)
        return -1;
    static const char info[] = "software: chouette\r\nformat: WARC File Format 1.1\r\n";
    static const char req[] = "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n";
    char body_digest[WARC_DIGEST_SIZE];
    warc_sha1_base32(http_body, strlen(http_body), body_digest);
    char info_id[WARC_ID_SIZE], req_id[WARC_ID_SIZE], resp_id[WARC_ID_SIZE];
    warc_record_spec s = {.type = WARC_WARCINFO,
                          .filename = "seed",
                          .date = 1700000000,
                          .block = info,
                          .block_len = strlen(info)};
    ch_status st = warc_writer_write(w, &s, info_id, NULL);
    if (!st && http_pair) {
        s = (warc_record_spec){.type = WARC_REQUEST,
                               .target_uri = "https://example.org/",
                               .warcinfo_id = info_id,
                               .date = 1700000001,
                               .block = req,
                               .block_len = strlen(req)};
        st = warc_writer_write(w, &s, req_id, NULL);
        s = (warc_record_spec){.type = WARC_RESPONSE,
                               .target_uri = "https://example.org/",
                               .concurrent_to = req_id,
                               .ip_address = "192.0.2.1",
                               .date = 1700000001,
                               .block = http_response,
                               .block_len = strlen(http_response)};
        if (!st)
            st = warc_writer_write(w, &s, resp_id, NULL);
        static const char meta[] = "outlink: https://example.org/a\r\n";
        s = (warc_record_spec){.type = WARC_METADATA,
                               .target_uri = "https://example.org/",
                               .concurrent_to = resp_id,
                               .block = meta,
                               .block_len = strlen(meta)};
        if (!st)
            st = warc_writer_write(w, &s, NULL, NULL);
    }
    if (!st && revisits) {
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
        static const char nm[] = "HTTP/1.1 304 Not Modified\r\n\r\n";
        s = (warc_record_spec){.type = WARC_REVISIT,
                               .target_uri = "https://example.org/",
                               .profile = WARC_PROFILE_IDENTICAL_PAYLOAD,
                               .payload_digest = body_digest,
                               .refers_to_target_uri = "https://example.org/",
                               .refers_to_date = "2023-11-14T22:13:20Z",
                               .block = h,
                               .block_len = strlen(h)};
        st = warc_writer_write(w, &s, NULL, NULL);
        s.profile = WARC_PROFILE_SERVER_NOT_MODIFIED;
        s.payload_digest = NULL;
        s.block = nm;
        s.block_len = strlen(nm);
        s.truncated = "length";
        if (!st)
            st = warc_writer_write(w, &s, NULL, NULL);
    }
    if (warc_writer_close(w) != CH_OK)
        st = CH_ERR_IO;
    return st ? -1 : 0;
}

static int seed_spill(const char *dir, const char *name, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t k = fwrite(p, 1, n, fp);
    return fclose(fp) == 0 && k == n ? 0 : -1;
}

static unsigned char *seed_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    unsigned char *p = malloc(1 << 20);
    *len = p ? fread(p, 1, 1 << 20, fp) : 0;
    fclose(fp);
    return p;
}

static int write_fuzz_seeds(const char *dir)
{
    char p1[512], p2[512];
    int rc = 0;
    size_t len;
    unsigned char *d;
    snprintf(p1, sizeof p1, "%s/pair.warc", dir);
    snprintf(p2, sizeof p2, "%s/pair.warc.gz", dir);
    rc |= seed_write_records(p1, true, false) | seed_write_records(p2, true, false);
    snprintf(p1, sizeof p1, "%s/revisit.warc", dir);
    snprintf(p2, sizeof p2, "%s/revisit.warc.gz", dir);
    rc |= seed_write_records(p1, false, true) | seed_write_records(p2, false, true);

    /* Derived from the gzipped pair: garbage between members, a torn end, a bad CRC. */
    snprintf(p2, sizeof p2, "%s/pair.warc.gz", dir);
    if (!(d = seed_slurp(p2, &len)))
        return -1;
    buf_t b;
    buf_init(&b, 1 << 20);
    rc |= buf_append(&b, d, len / 2) | buf_append_str(&b, "junk\r\n\x1f\x8b") |
          buf_append(&b, d, len);
    rc |= seed_spill(dir, "garbage.warc.gz", b.data, b.len);
    rc |= seed_spill(dir, "torn.warc.gz", d, len - 30);
    d[len - 6] ^= 0x40;
    rc |= seed_spill(dir, "badcrc.warc.gz", d, len);
    free(d);

    /* One gzip member around several records (as `gzip file.warc` makes). */
    snprintf(p1, sizeof p1, "%s/pair.warc", dir);
    if (!(d = seed_slurp(p1, &len)))
        return -1;
    rc |= seed_spill(dir, "torn.warc", d, len - 40);
    snprintf(p2, sizeof p2, "%s/onemember.warc.gz", dir);
    gzFile gz = gzopen(p2, "wb");
    if (!gz || gzwrite(gz, d, (unsigned)len) != (int)len || gzclose(gz) != Z_OK)
        rc = -1;
    free(d);

    /* Hand-made text: bare LF, folded headers, bad headers, HTTP/2, odd records. */
    buf_reset(&b);
    const char lf[] = "HTTP/1.0 404 Not Found\nServer: x\nX-Long: one\n two\n\nbody\n";
    const char h2[] = "HTTP/2 301\r\nLocation: https://x/\r\n\r\n";
    append_record(&b, "WARC/1.0", "response", "WARC-Target-URI: <http://x/>\r\n", lf, strlen(lf));
    append_record(&b, "WARC/1.1", "response", NULL, h2, strlen(h2));
    rc |= buf_append_str(&b, "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 1x\r\n\r\n"
                             "a\r\n\r\ngarbage\nWARC/0.9\r\nContent-Length: 1\r\n\r\nb\r\n\r\n");
    append_record(&b, "WARC/1.1", "revisit",
                  "WARC-Profile: " WARC_PROFILE_SERVER_NOT_MODIFIED "\r\n",
                  "HTTP/1.1 304 OK\r\nETag: a", 24);
    rc |= seed_spill(dir, "handmade.warc", b.data, b.len);
    buf_free(&b);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-fuzz-seeds") == 0)
        return write_fuzz_seeds(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_base32_known_values),
        cmocka_unit_test_setup_teardown(test_roundtrip_plain, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_gzip, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_gzip_output_is_standard, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_gzip_records_byte_identical, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_writer_block_rest_checked, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test(test_http_response_parsing),
        cmocka_unit_test_setup_teardown(test_many_records_plain, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_many_records_gzip, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_truncation_plain, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_truncation_gzip, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_garbage_plain, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_garbage_gzip, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_gzip_member, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test(test_bad_headers_skipped),
        cmocka_unit_test(test_header_section_cap),
        cmocka_unit_test(test_tiny_inputs),
        cmocka_unit_test_setup_teardown(test_reader_open_errors, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_writer_rejects_bad_specs, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test(test_writer_enospc),
        cmocka_unit_test_setup_teardown(test_writer_cut_back_plain, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_writer_cut_back_gzip, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_writer_appends, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test(test_wget_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
