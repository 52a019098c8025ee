/* Shards: an index made of several Xapian databases, listed in a stub database file that the
 * server opens (`chouette serve --db STUBFILE`), docs/DEPLOY.md "Beyond one machine".
 *
 * Layout of a shard set: one directory ROOT holding
 *   ROOT/shard-NNNNNN/    one database per indexed batch of WARC files (idx_writer)
 *   ROOT/compact-NNNNNN/  the result of compacting shards into one (xapian-compact)
 *   ROOT/index.stub       the stub file the server reads: one "auto /abs/path" line per local
 *                         database, or "remote HOST:PORT" per shard served by xapian-tcpsrv
 * The stub is only ever replaced whole, atomically: the new list is written to a temporary file
 * in the same directory, fsynced, then rename(2)d over the old one and the directory fsynced. A
 * reader that has the old stub open keeps its databases (their files are not removed until
 * shards_gc() is called after a grace period); a reader that opens the stub again sees the new
 * set. Xapian reads a stub once when it opens it: a reader follows a swap by opening the stub
 * again, not by reopen: a searcher watches it (shards_watch_take()).
 *
 * Not thread-safe for writers: one process changes a shard set at a time (the caller's lock). */
#ifndef CHOUETTE_SHARDS_H
#define CHOUETTE_SHARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/status.h"
#include "indexer/index.h"

#define SHARDS_MAX_STUB_BYTES (1024u * 1024) /* a stub file larger than this is refused */
#define SHARDS_MAX_ENTRIES 4096u             /* lines in a stub */
#define SHARDS_MAX_PATH 4096u                /* a local path or remote address in a stub */
#define SHARDS_STUB_NAME "index.stub"

typedef enum {
    SHARDS_LOCAL,  /* "auto PATH": a database directory (or another stub) on this machine */
    SHARDS_REMOTE, /* "remote HOST:PORT": a database served by xapian-tcpsrv */
} shards_kind;

typedef struct {
    shards_kind kind;
    char *path;    /* SHARDS_LOCAL: the absolute path; NULL for remote */
    char *host;    /* SHARDS_REMOTE: host name or IPv4 address; NULL for local */
    unsigned port; /* SHARDS_REMOTE: 1..65535 */
} shards_entry;

/* Append the stub text for entries[0..n) to out: one line per entry, "auto PATH" or
 * "remote HOST:PORT". CH_ERR_ARG for an entry that cannot be written on one line (a relative
 * path, a path or host with a newline, carriage return or NUL, a host with a space or a colon,
 * a port outside 1..65535), CH_ERR_LIMIT over SHARDS_MAX_ENTRIES or the buffer's cap. On error
 * out may hold part of the text (the caller resets it). */
ch_status shards_stub_format(const shards_entry *entries, size_t n, buf_t *out);

/* Parse stub text (len bytes). Blank lines and lines starting with '#' are skipped; "auto",
 * "glass" and "chert" lines give SHARDS_LOCAL entries, "remote HOST:PORT" SHARDS_REMOTE ones.
 * Relative local paths are resolved against base_dir (the stub's directory; may be NULL for
 * none, then they are refused). On success *out is a malloc'd array of *n entries freed with
 * shards_entries_free(); on failure *out is NULL, *n is 0, and CH_ERR_PARSE (an unknown line,
 * a bad port), CH_ERR_LIMIT (too many lines, too long) or CH_ERR_NOMEM is returned. */
ch_status shards_stub_parse(const char *text, size_t len, const char *base_dir, shards_entry **out,
                            size_t *n);

/* Read and parse the stub file at path (at most SHARDS_MAX_STUB_BYTES). CH_ERR_NOTFOUND when
 * it does not exist, CH_ERR_IO when it cannot be read, else as shards_stub_parse(). */
ch_status shards_stub_read(const char *path, shards_entry **out, size_t *n);

/* Replace the stub file at path with the list entries[0..n) atomically (temporary file in the
 * same directory, fsync, rename, fsync of the directory), mode 0644. On failure the old stub is
 * left as it was and the temporary file removed: CH_ERR_ARG/CH_ERR_LIMIT as
 * shards_stub_format(), CH_ERR_IO (errno set) when a step failed. */
ch_status shards_stub_write(const char *path, const shards_entry *entries, size_t n);

/* Free an array from shards_stub_parse() or shards_stub_read() (NULL accepted). */
void shards_entries_free(shards_entry *entries, size_t n);

/* What identifies one version of a stub file, for a reader deciding whether to open it again. */
typedef struct {
    uint64_t dev, ino;
    struct timespec mtime;
    int64_t size;
} shards_stamp;

/* Fill *st for the file at path. CH_ERR_NOTFOUND when absent, CH_ERR_IO otherwise. */
ch_status shards_stub_stamp(const char *path, shards_stamp *st);

/* True when a and b describe different versions (another inode after a swap, or changed). */
bool shards_stamp_differs(const shards_stamp *a, const shards_stamp *b);

/* What a reader of a stub watches to know when to open it again: the stub file and every local
 * stub it lists (another version after a swap, or changed), and the identity (device, inode) of
 * every local database directory it lists, since a directory exchanged with another at the same
 * path (a rebuilt dictionary, shards_build_dictionary()) is a new database that Xapian's reopen
 * does not follow. Commits to a listed database change none of this: reopen follows those. */
typedef struct {
    char **paths;         /* the watched paths (malloc'd) */
    shards_stamp *stamps; /* their stamps when taken; all zero for a path that was missing */
    size_t n;
} shards_watch;

/* Take the watch of the stub file at path (nested stubs at most SHARDS_MAX_DEPTH deep; remote
 * entries are not watched). A path that is not a stub file gives an empty watch. CH_ERR_NOMEM,
 * else CH_OK: a missing or unreadable entry is watched as missing. Free with shards_watch_free().
 */
ch_status shards_watch_take(const char *path, shards_watch *w);

/* True when a path of w has another stamp now (or appeared, or went missing). */
bool shards_watch_changed(const shards_watch *w);

void shards_watch_free(shards_watch *w);

struct xap_db; /* indexer/xapian/xap.h */

/* Timeouts for the remote shards of a stub opened by shards_open_available(): the connection
 * (a shard that is down must not hold a query up) and each operation afterwards. */
#define SHARDS_REMOTE_CONNECT_TIMEOUT_MS 1500u
#define SHARDS_REMOTE_TIMEOUT_MS 5000u
#define SHARDS_MAX_DEPTH 8u /* stubs listing stubs, at most this deep */

/* Open db_path (a database directory or a stub file) for searching, leaving out the databases
 * of a stub that cannot be opened. A directory is opened as by xap_db_open(). A stub file is read
 * with shards_stub_read() and each entry opened on its own, in order (a remote one with the
 * timeouts above, a local stub file entry by entry in turn), then the ones that opened are
 * searched as one: with every entry up, the same documents in the same order as xap_db_open() on
 * the stub. Nothing is written to disk. A stub that shards_stub_read() refuses, or an empty one,
 * is opened by Xapian as one database. *n_down (may be NULL) gets how many databases were left
 * out (unreachable, missing, damaged), so the caller can flag its results as degraded and try
 * again later. When databases are down and those that opened hold no document (a spelling
 * dictionary, shards_build_dictionary()), nothing can answer: CH_ERR_IO as when none opens.
 * On success *out is a handle closed with xap_db_close(). On failure *out is NULL,
 * *errmsg (if not NULL) a malloc'd message: CH_ERR_NOTFOUND (no such path), CH_ERR_PARSE (a
 * damaged database directory), CH_ERR_IO (no database of the stub opens, or another open
 * failure), CH_ERR_NOMEM. */
ch_status shards_open_available(const char *db_path, struct xap_db **out, size_t *n_down,
                                char **errmsg);

/* Run xapian-compact (found on PATH, spawned with posix_spawnp: no shell) to merge the
 * databases srcs[0..n) into the new database dst (which must not exist). *errmsg (if not NULL)
 * gets a malloc'd message on failure: CH_ERR_ARG (n == 0, dst exists), CH_ERR_IO (the tool
 * could not be started, or exited non-zero: dst is removed then). */
ch_status shards_compact(const char *const *srcs, size_t n, const char *dst, char **errmsg);

/* Index the WARC files warcs[0..n) into a new shard of root (created if needed): the shard is
 * built as root/shard-NNNNNN.tmp (NNNNNN one more than the largest shard or compact number in
 * root), renamed to root/shard-NNNNNN once complete, and then appended to root/index.stub (the
 * stub is created if absent). opts as for idx_writer_open() (NULL for the defaults). On success
 * *shard_path (if not NULL) is the new shard's malloc'd absolute path and *stats (if not NULL)
 * the run's counters. On failure nothing is added to the stub, the temporary shard is removed,
 * *shard_path is NULL and *errmsg (if not NULL) a malloc'd message. A WARC file that cannot be
 * read is a failure here (CH_ERR_IO): a batch goes in whole or not at all. */
ch_status shards_build_batch(const char *root, const char *const *warcs, size_t n,
                             const idx_writer_opts *opts, char **shard_path, idx_stats *stats,
                             char **errmsg);

/* Compact every local database listed in root/index.stub into a new root/compact-NNNNNN and
 * swap the stub to list it in their place (remote entries are kept, in their order, after it).
 * Fewer than two local entries: nothing to do, CH_OK and *compacted NULL. The old databases are
 * left on disk for readers that still have them open (see shards_gc()). *compacted (may be NULL)
 * gets the malloc'd path of the new database. Errors as shards_compact() and
 * shards_stub_write(); the stub is unchanged on failure. */
ch_status shards_compact_all(const char *root, char **compacted, char **errmsg);

/* Remove the shard-* and compact-* directories of root that index.stub no longer lists and that
 * were last changed more than grace_s seconds ago (readers had time to open the new stub), and
 * any leftover shard-*.tmp of the same age. *removed (may be NULL) gets the count. CH_ERR_IO if a
 * removal failed (the others are still attempted). */
ch_status shards_gc(const char *root, double grace_s, size_t *removed);

/* A local spelling dictionary for a stub of remote shards (docs/DEPLOY.md, "Beyond one
 * machine"): Xapian's remote backend carries no spelling data, so a front end lists, first in
 * its stub, a local database holding only the spelling data of every shard. It holds no
 * document, so it changes no result, count or statistic. */
#define SHARDS_DICT_COMMIT_WORDS 200000u /* words added between two commits of a dictionary */

/* Build the database dst holding the spelling data (each word once, with the frequencies of
 * all the sources summed) of the local databases srcs[0..n): database directories, or stub
 * files whose entries are all local (nested stubs at most SHARDS_MAX_DEPTH deep). The latest
 * IDX_META_INDEX_DATE of the sources is copied (a searcher reads the metadata of a stub's first
 * database). The database is built as dst.tmp, then put in place with one rename: when dst
 * already exists (a dictionary with no document; anything else is refused) the two are
 * exchanged atomically (renameat2 RENAME_EXCHANGE, else rename aside), then the old one is
 * removed, so a reader opening dst always finds a whole dictionary. *n_words (may be NULL) gets
 * the number of words. On failure dst is unchanged, dst.tmp removed, *errmsg (if not NULL) a
 * malloc'd message: CH_ERR_ARG (n == 0, a source that is a remote entry or dst itself, dst not
 * a dictionary), CH_ERR_NOTFOUND (a source does not exist), CH_ERR_IO, CH_ERR_NOMEM. */
ch_status shards_build_dictionary(const char *const *srcs, size_t n, const char *dst,
                                  size_t *n_words, char **errmsg);

/* Make the stub file at stub list the local database `path` (made absolute), first, when it
 * does not list it yet (shards_stub_write(): atomic); the other entries keep their order.
 * *added (may be NULL) tells whether the stub changed. CH_ERR_NOTFOUND when the stub does not
 * exist, else errors of shards_stub_read() and shards_stub_write(); *errmsg as above. */
ch_status shards_stub_put_first(const char *stub, const char *path, bool *added, char **errmsg);

#endif
