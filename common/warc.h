/* WARC 1.1 (ISO 28500) writer and reader.
 *
 * The writer puts each record in its own gzip member (when the file name ends in ".gz"), so the
 * file is a valid .warc.gz and every record can be seeked to by its offset. A failed write is
 * cut back (ftruncate) to the end of the last good record: a file never ends with a torn record
 * by our fault.
 *
 * The reader takes ours and any standard WARC (wget, Heritrix, Common Crawl), gzipped (one or
 * many records per member) or plain. It survives damage: a torn last record, garbage between
 * records, corrupt gzip members and bad headers are skipped, counted and described in the last
 * error message (with the file offset); nothing is printed from inside the module.
 *
 * Limits (named, documented): a WARC header section holds at most WARC_MAX_HEADER bytes; a
 * record block at most WARC_DEFAULT_MAX_BLOCK bytes unless the reader is told otherwise. Larger
 * records are skipped and reported as CH_ERR_LIMIT. */
#ifndef CHOUETTE_WARC_H
#define CHOUETTE_WARC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/status.h"

#define WARC_MAX_HEADER (64u * 1024u)                /* header section, both ways */
#define WARC_DEFAULT_MAX_BLOCK (64u * 1024u * 1024u) /* record block, reader default */

/* "<urn:uuid:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx>" and its NUL. */
#define WARC_ID_SIZE 48
/* "sha1:" + 32 base32 characters and the NUL. */
#define WARC_DIGEST_SIZE 38

#define WARC_PROFILE_IDENTICAL_PAYLOAD                                                             \
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#define WARC_PROFILE_SERVER_NOT_MODIFIED                                                           \
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified"

typedef enum {
    WARC_WARCINFO,
    WARC_RESPONSE,
    WARC_RESOURCE,
    WARC_REQUEST,
    WARC_METADATA,
    WARC_REVISIT,
    WARC_CONVERSION,
    WARC_CONTINUATION,
    WARC_OTHER, /* a type this module does not know; the reader gives its name as written */
} warc_type;

/* One named field, of a WARC header section or of an HTTP message. */
typedef struct {
    const char *name;
    const char *value;
} warc_header;

/* The WARC-Type name of a type ("response"), or "unknown" for WARC_OTHER. Never NULL. */
const char *warc_type_name(warc_type t);

/* SHA-1 of len bytes at data (OpenSSL EVP), written to out as "sha1:" followed by the RFC 4648
 * base32 form, e.g. "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ" for the empty buffer. On failure
 * (CH_ERR_INTERNAL, a library failure) out holds "". */
ch_status warc_sha1_base32(const void *data, size_t len, char out[WARC_DIGEST_SIZE]);

/* ---- writer ------------------------------------------------------------------------------ */

typedef struct warc_writer warc_writer;

/* What to write. Every string is copied into the record as is; none may contain CR or LF
 * (CH_ERR_ARG). NULL means "absent" (or "default" where said). */
typedef struct {
    warc_type type;                   /* warcinfo, request, response, metadata, revisit, resource */
    const char *target_uri;           /* WARC-Target-URI: required except for warcinfo */
    const char *content_type;         /* NULL: application/http;msgtype=request|response for
                                         request, response and revisit; application/warc-fields for
                                         warcinfo and metadata; application/octet-stream otherwise */
    time_t date;                      /* WARC-Date; 0 means now */
    const char *ip_address;           /* WARC-IP-Address */
    const char *concurrent_to;        /* WARC-Concurrent-To: a record id, e.g. the request's */
    const char *warcinfo_id;          /* WARC-Warcinfo-ID */
    const char *filename;             /* WARC-Filename (warcinfo) */
    const char *truncated;            /* WARC-Truncated reason: "length", "time", "disconnect" */
    const char *profile;              /* revisit: WARC-Profile, required (WARC_PROFILE_...) */
    const char *refers_to;            /* revisit: WARC-Refers-To, the original record id */
    const char *refers_to_target_uri; /* revisit: WARC-Refers-To-Target-URI */
    const char *refers_to_date;       /* revisit: WARC-Refers-To-Date */
    const char *payload_digest; /* WARC-Payload-Digest as given. NULL: computed for request and
                                   response records of an application/http type (SHA-1 of the
                                   body after the HTTP headers). Required for a revisit with the
                                   identical-payload-digest profile (the original's digest). */
    const warc_header *extra;   /* more fields, written after ours; may not repeat ours */
    size_t n_extra;
    const void *block; /* the record block (for HTTP records: the whole HTTP message) */
    size_t block_len;
    const void *block_rest; /* NULL, or more of the block, written after block_len bytes of
                               block: a caller may give an HTTP message's head and body apart
                               instead of joining them (digests cover both parts as one) */
    size_t block_rest_len;
} warc_record_spec;

/* Open path for appending WARC records, creating it (mode 0644) if needed; an existing file
 * keeps its contents and warc_writer_size starts at its size. Records are gzipped,
 * one member each (libdeflate, its fastest level), when path ends in ".gz"; plain otherwise.
 * The writer keeps the last record and its compressed form in memory for reuse (buffers over
 * 16 MiB are freed after their record). On success *out is the writer
 * (freed by warc_writer_close); on failure *out is NULL and CH_ERR_IO (errno set) or
 * CH_ERR_NOMEM is returned. */
ch_status warc_writer_open(const char *path, warc_writer **out);

/* Write one record, with a single write(). On success, id (if not NULL) receives the new
 * WARC-Record-ID (a random v4 UUID URN, for WARC-Concurrent-To of a later record) and *offset
 * (if not NULL) the file offset where the record starts. Errors: CH_ERR_ARG for a bad spec,
 * CH_ERR_LIMIT when the header section would exceed WARC_MAX_HEADER, CH_ERR_NOMEM when the
 * record does not fit in memory, CH_ERR_IO when a write failed (ENOSPC, EFBIG, ...): the file
 * has been cut back to its size before this record, and if even that failed the writer
 * refuses every later write with CH_ERR_IO. Nothing is written on CH_ERR_ARG, CH_ERR_LIMIT or
 * CH_ERR_NOMEM. */
ch_status warc_writer_write(warc_writer *w, const warc_record_spec *spec, char id[WARC_ID_SIZE],
                            uint64_t *offset);

/* The file's current size in bytes (the offset of the next record), for rotation. */
uint64_t warc_writer_size(const warc_writer *w);

/* fsync the file. CH_ERR_IO on failure. */
ch_status warc_writer_sync(warc_writer *w);

/* Close and free the writer (NULL is accepted). CH_ERR_IO if close() reported an error; the
 * writer is freed in every case. */
ch_status warc_writer_close(warc_writer *w);

/* ---- reader ------------------------------------------------------------------------------ */

typedef struct warc_reader warc_reader;

/* One record, as returned by warc_reader_next. Every pointer points into memory owned by the
 * reader and stays valid until the next call to warc_reader_next or warc_reader_close. Strings
 * are NUL-terminated; block and payload are bytes and are NOT NUL-terminated. */
typedef struct {
    uint64_t offset;            /* where the record starts in the file: for .gz files the offset
                                   of the gzip member holding its first byte */
    const char *version;        /* "WARC/1.1" or "WARC/1.0" */
    warc_type type;             /* WARC_OTHER for an unknown WARC-Type */
    const char *type_name;      /* the WARC-Type value as written */
    const char *record_id;      /* WARC-Record-ID, NULL if absent */
    const char *date;           /* WARC-Date, NULL if absent */
    const char *target_uri;     /* WARC-Target-URI, NULL if absent; without the angle
                                   brackets some WARC 1.0 writers (wget) put around it */
    const char *content_type;   /* Content-Type, NULL if absent */
    const warc_header *headers; /* every WARC header, in file order */
    size_t n_headers;
    const char *block; /* Content-Length bytes */
    size_t block_len;
    /* For response and revisit records holding an HTTP response: status code (100..999) and
     * headers; payload is the body after the header section (CRLFCRLF or bare LF LF), possibly
     * empty. http_status is 0, n_http_headers 0 and payload NULL when there is no HTTP
     * response to parse. */
    int http_status;
    const warc_header *http_headers;
    size_t n_http_headers;
    const char *payload;
    size_t payload_len;
} warc_record;

/* Counters kept by a reader. */
typedef struct {
    uint64_t records;       /* records returned */
    uint64_t skipped;       /* records skipped: bad headers, over a cap, torn; a damaged gzip
                               member counts once however many records it held */
    uint64_t garbage_bytes; /* bytes between records that were not part of any record */
    ch_status last_error;   /* status of the last problem met (CH_OK if none) */
} warc_reader_stats;

/* Open a WARC file, gzipped (detected by the gzip magic number at its start) or plain. On
 * success *out is the reader (freed by warc_reader_close); on failure *out is NULL and
 * CH_ERR_IO (errno set) or CH_ERR_NOMEM is returned. */
ch_status warc_reader_open(const char *path, warc_reader **out);

/* The same over len bytes in memory. The bytes are not copied: they must stay valid and
 * unchanged until the reader is closed. */
ch_status warc_reader_open_mem(const void *data, size_t len, warc_reader **out);

/* Change the block cap (default WARC_DEFAULT_MAX_BLOCK, minimum 1) before the first read.
 * Records whose Content-Length exceeds it are skipped and reported as CH_ERR_LIMIT. */
void warc_reader_set_max_block(warc_reader *r, size_t max_block);

/* Read the next good record into *rec. Returns CH_OK, CH_ERR_EOF at the end of the input
 * (including after a torn last record, which is reported), or CH_ERR_IO / CH_ERR_NOMEM on a
 * read or allocation failure (the reader should then be closed). Damaged records are skipped,
 * not returned: see warc_reader_error and warc_reader_get_stats. On any status other than
 * CH_OK, *rec is zeroed. */
ch_status warc_reader_next(warc_reader *r, warc_record *rec);

/* The last problem met so far, e.g. "truncated record at offset 1234", or NULL if none. The
 * string is owned by the reader and changes when a new problem is met. */
const char *warc_reader_error(const warc_reader *r);

/* Copy the reader's counters into *st. */
void warc_reader_get_stats(const warc_reader *r, warc_reader_stats *st);

/* Close and free the reader (NULL is accepted). */
void warc_reader_close(warc_reader *r);

/* Look up a WARC header of rec by name, case-insensitively. The first match's value, or NULL. */
const char *warc_record_header(const warc_record *rec, const char *name);

/* Look up an HTTP header of rec by name, case-insensitively. The first match's value, or NULL. */
const char *warc_record_http_header(const warc_record *rec, const char *name);

#endif
