/* libFuzzer harness for the WARC reader: any bytes, read as a plain or gzipped WARC file.
 * Every record returned must be self-consistent (block length = Content-Length, payload inside
 * the block, strings readable); the reader must always end with CH_ERR_EOF. The same input is
 * read twice: with the default caps and with a tiny block cap. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/warc.h"

static unsigned touch(const char *p, size_t n)
{
    unsigned h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + (unsigned char)p[i];
    return h;
}

static void read_all(const uint8_t *data, size_t size, size_t max_block)
{
    warc_reader *r;
    if (warc_reader_open_mem(data, size, &r) != CH_OK)
        abort();
    if (max_block)
        warc_reader_set_max_block(r, max_block);
    warc_record rec;
    ch_status st;
    volatile unsigned sink = 0;
    uint64_t n = 0;
    while ((st = warc_reader_next(r, &rec)) == CH_OK) {
        n++;
        if (!rec.version || !rec.type_name || (rec.block_len && !rec.block))
            abort();
        const char *cl = warc_record_header(&rec, "Content-Length");
        char *end;
        if (!cl || *cl < '0' || *cl > '9' || strtoull(cl, &end, 10) != rec.block_len || *end)
            abort();
        if (max_block && rec.block_len > max_block)
            abort();
        for (size_t i = 0; i < rec.n_headers; i++)
            sink += touch(rec.headers[i].name, strlen(rec.headers[i].name)) +
                    touch(rec.headers[i].value, strlen(rec.headers[i].value));
        sink += touch(rec.block, rec.block_len);
        if (rec.payload) {
            if (rec.payload < rec.block ||
                rec.payload + rec.payload_len != rec.block + rec.block_len)
                abort();
            if (rec.http_status < 100 || rec.http_status > 999)
                abort();
            for (size_t i = 0; i < rec.n_http_headers; i++)
                sink += touch(rec.http_headers[i].value, strlen(rec.http_headers[i].value));
        } else if (rec.http_status != 0 || rec.n_http_headers != 0) {
            abort();
        }
        if (rec.target_uri)
            sink += touch(rec.target_uri, strlen(rec.target_uri));
    }
    if (st != CH_ERR_EOF)
        abort();
    warc_reader_stats stats;
    warc_reader_get_stats(r, &stats);
    if (stats.records != n)
        abort();
    const char *err = warc_reader_error(r);
    if (err)
        sink += touch(err, strlen(err));
    /* Past the end it stays at the end. */
    if (warc_reader_next(r, &rec) != CH_ERR_EOF || rec.block)
        abort();
    warc_reader_close(r);
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_all(data, size, 0);
    read_all(data, size, 64);
    return 0;
}
