#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/warc.h"
#include "indexer/search.h"
#include "indexer/shards.h"
#include "indexer/xapian/xap.h"
#include "tests/unit/support/tmpdir.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char data[65536];
    size_t n = fread(data, 1, sizeof data - 1, f);
    data[n] = '\0';
    fclose(f);
    return strdup(data);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* A WARC of n pages http://HOST/pN.html, each saying `word` and its number. */
static void write_warc(const char *path, const char *host, const char *word, int n)
{
    warc_writer *w = NULL;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    for (int i = 0; i < n; i++) {
        char url[256], body[1024], block[2048];
        snprintf(url, sizeof url, "http://%s/p%d.html", host, i);
        snprintf(body, sizeof body,
                 "<html lang=\"en\"><head><title>%s page %d</title></head><body><p>The %s "
                 "document number %d of %s, with enough ordinary English words to be read "
                 "as English text by the language identifier.</p></body></html>",
                 word, i, word, i, host);
        int len = snprintf(block, sizeof block,
                           "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                           "%zu\r\n\r\n%s",
                           strlen(body), body);
        assert_true(len > 0 && (size_t)len < sizeof block);
        warc_record_spec spec = {
            .type = WARC_RESPONSE, .target_uri = url, .block = block, .block_len = (size_t)len};
        assert_int_equal(warc_writer_write(w, &spec, NULL, NULL), CH_OK);
    }
    assert_int_equal(warc_writer_close(w), CH_OK);
}

static unsigned long doc_count(xap_db *db)
{
    unsigned long n = 0;
    assert_int_equal(xap_db_doc_count(db, &n), XAP_OK);
    return n;
}

static unsigned long stub_doc_count(const char *stub)
{
    xap_db *db = NULL;
    char *err = NULL;
    assert_int_equal(xap_db_open(stub, &db, &err), XAP_OK);
    unsigned long n = doc_count(db);
    xap_db_close(db);
    return n;
}

static size_t count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

/* ---- stub text --------------------------------------------------------------------------- */

static void test_format_then_parse_round_trip(void **state)
{
    (void)state;
    shards_entry in[] = {{.kind = SHARDS_LOCAL, .path = "/srv/chouette/shard-000001"},
                         {.kind = SHARDS_REMOTE, .host = "10.0.0.7", .port = 33333},
                         {.kind = SHARDS_REMOTE, .host = "search2.example.fr", .port = 1}};
    buf_t b;
    buf_init(&b, 4096);
    assert_int_equal(shards_stub_format(in, 3, &b), CH_OK);
    assert_string_equal(buf_str(&b), "auto /srv/chouette/shard-000001\n"
                                     "remote 10.0.0.7:33333\n"
                                     "remote search2.example.fr:1\n");
    shards_entry *out = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_parse(b.data, b.len, NULL, &out, &n), CH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[0].kind, SHARDS_LOCAL);
    assert_string_equal(out[0].path, "/srv/chouette/shard-000001");
    assert_null(out[0].host);
    assert_int_equal(out[1].kind, SHARDS_REMOTE);
    assert_string_equal(out[1].host, "10.0.0.7");
    assert_int_equal(out[1].port, 33333);
    assert_null(out[1].path);
    assert_string_equal(out[2].host, "search2.example.fr");
    assert_int_equal(out[2].port, 1);
    shards_entries_free(out, n);
    buf_free(&b);
}

static void test_format_refuses_what_does_not_fit_a_line(void **state)
{
    (void)state;
    const shards_entry bad[] = {
        {.kind = SHARDS_LOCAL, .path = "relative/shard"},
        {.kind = SHARDS_LOCAL, .path = "/srv/a\nremote evil:1"},
        {.kind = SHARDS_LOCAL, .path = "/srv/a\r"},
        {.kind = SHARDS_LOCAL, .path = NULL},
        {.kind = SHARDS_REMOTE, .host = "a:b", .port = 80},
        {.kind = SHARDS_REMOTE, .host = "a b", .port = 80},
        {.kind = SHARDS_REMOTE, .host = "", .port = 80},
        {.kind = SHARDS_REMOTE, .host = "h", .port = 0},
        {.kind = SHARDS_REMOTE, .host = "h", .port = 65536},
        {.kind = (shards_kind)7, .path = "/x"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        buf_t b;
        buf_init(&b, 4096);
        assert_int_equal(shards_stub_format(&bad[i], 1, &b), CH_ERR_ARG);
        buf_free(&b);
    }
    /* The buffer's own cap is respected. */
    buf_t small;
    buf_init(&small, 8);
    shards_entry ok = {.kind = SHARDS_LOCAL, .path = "/a/long/enough/path"};
    assert_int_equal(shards_stub_format(&ok, 1, &small), CH_ERR_LIMIT);
    buf_free(&small);
}

static void test_parse_skips_comments_and_resolves_relative_paths(void **state)
{
    (void)state;
    const char *text = "# written by hand\n"
                       "\n"
                       "   auto   shard-1  \r\n"
                       "glass /abs/two\n"
                       "\tremote 127.0.0.1:4000\n"
                       "chert three"; /* no final newline */
    shards_entry *v = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_parse(text, strlen(text), "/srv/idx", &v, &n), CH_OK);
    assert_int_equal(n, 4);
    assert_string_equal(v[0].path, "/srv/idx/shard-1");
    assert_string_equal(v[1].path, "/abs/two");
    assert_int_equal(v[2].kind, SHARDS_REMOTE);
    assert_string_equal(v[2].host, "127.0.0.1");
    assert_int_equal(v[2].port, 4000);
    assert_string_equal(v[3].path, "/srv/idx/three");
    shards_entries_free(v, n);
    /* Without a base directory a relative path cannot be placed. */
    assert_int_equal(shards_stub_parse("auto rel\n", 9, NULL, &v, &n), CH_ERR_PARSE);
    assert_null(v);
    assert_int_equal(n, 0);
    /* An empty stub is a valid, empty list. */
    assert_int_equal(shards_stub_parse("", 0, NULL, &v, &n), CH_OK);
    assert_int_equal(n, 0);
    shards_entries_free(v, n);
}

static void test_parse_refuses_bad_lines(void **state)
{
    (void)state;
    const char *bad[] = {
        "auto\n",
        "auto   \n",
        "remote 127.0.0.1\n",
        "remote :4000\n",
        "remote h:\n",
        "remote h:0\n",
        "remote h:65536\n",
        "remote h:12x\n",
        "remote h:99999999999999999999\n",
        "remote a b:1\n",
        "flint /x\n",
        "inmemory\n",
        "auto /ok\nbogus /x\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        shards_entry *v = (shards_entry *)1;
        size_t n = 99;
        assert_int_equal(shards_stub_parse(bad[i], strlen(bad[i]), "/b", &v, &n), CH_ERR_PARSE);
        assert_null(v);
        assert_int_equal(n, 0);
    }
}

static void test_parse_limits(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, SHARDS_MAX_STUB_BYTES);
    for (unsigned i = 0; i <= SHARDS_MAX_ENTRIES; i++)
        assert_int_equal(buf_appendf(&b, "auto /s/%u\n", i), CH_OK);
    shards_entry *v = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_parse(b.data, b.len, NULL, &v, &n), CH_ERR_LIMIT);
    assert_null(v);
    /* Exactly the maximum is fine. */
    const char *last = strstr(b.data, "auto /s/4096\n");
    assert_non_null(last);
    assert_int_equal(shards_stub_parse(b.data, (size_t)(last - b.data), NULL, &v, &n), CH_OK);
    assert_int_equal(n, SHARDS_MAX_ENTRIES);
    shards_entries_free(v, n);
    buf_free(&b);
    /* A path longer than SHARDS_MAX_PATH. */
    buf_init(&b, 3 * SHARDS_MAX_PATH);
    assert_int_equal(buf_append_str(&b, "auto /"), CH_OK);
    for (unsigned i = 0; i < SHARDS_MAX_PATH; i++)
        assert_int_equal(buf_append_char(&b, 'x'), CH_OK);
    assert_int_equal(shards_stub_parse(b.data, b.len, NULL, &v, &n), CH_ERR_LIMIT);
    buf_free(&b);
    assert_int_equal(shards_stub_parse("x", SHARDS_MAX_STUB_BYTES + 1, NULL, &v, &n), CH_ERR_LIMIT);
}

/* ---- atomic swap ------------------------------------------------------------------------- */

static void test_write_swaps_atomically_and_old_readers_keep_the_old_list(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char stub[512];
    snprintf(stub, sizeof stub, "%s/index.stub", dir);
    shards_entry a[] = {{.kind = SHARDS_LOCAL, .path = "/srv/a"}};
    shards_entry b[] = {{.kind = SHARDS_LOCAL, .path = "/srv/b"},
                        {.kind = SHARDS_REMOTE, .host = "127.0.0.1", .port = 9}};
    assert_int_equal(shards_stub_write(stub, a, 1), CH_OK);
    shards_stamp s1, s2, s3;
    assert_int_equal(shards_stub_stamp(stub, &s1), CH_OK);
    assert_int_equal(shards_stub_stamp(stub, &s3), CH_OK);
    assert_false(shards_stamp_differs(&s1, &s3));
    struct stat sb;
    assert_int_equal(stat(stub, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);

    /* A reader holding the old stub open. */
    int fd = open(stub, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(shards_stub_write(stub, b, 2), CH_OK);
    char old[64] = {0};
    assert_true(read(fd, old, sizeof old - 1) > 0);
    close(fd);
    assert_string_equal(old, "auto /srv/a\n");
    char *now = slurp(stub);
    assert_string_equal(now, "auto /srv/b\nremote 127.0.0.1:9\n");
    free(now);
    assert_int_equal(shards_stub_stamp(stub, &s2), CH_OK);
    assert_true(shards_stamp_differs(&s1, &s2));
    assert_true(s1.ino != s2.ino); /* replaced, not rewritten in place */

    shards_entry *v = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_read(stub, &v, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].path, "/srv/b");
    shards_entries_free(v, n);

    /* A bad list leaves the stub as it was, and no temporary file behind. */
    shards_entry bad[] = {{.kind = SHARDS_LOCAL, .path = "rel"}};
    assert_int_equal(shards_stub_write(stub, bad, 1), CH_ERR_ARG);
    now = slurp(stub);
    assert_string_equal(now, "auto /srv/b\nremote 127.0.0.1:9\n");
    free(now);
    assert_int_equal(count_entries(dir, "index.stub.tmp"), 0);
    assert_int_equal(count_entries(dir, "index.stub"), 1);

    /* A directory that does not exist: CH_ERR_IO. */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope/index.stub", dir);
    assert_int_equal(shards_stub_write(missing, a, 1), CH_ERR_IO);
    assert_int_equal(shards_stub_read(missing, &v, &n), CH_ERR_NOTFOUND);
    assert_int_equal(shards_stub_stamp(missing, &s3), CH_ERR_NOTFOUND);
    test_rm_rf(dir);
    free(dir);
}

static void test_stub_read_resolves_relative_to_the_stub(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char stub[512];
    snprintf(stub, sizeof stub, "%s/x.stub", dir);
    write_file(stub, "auto shard-000001\n");
    shards_entry *v = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_read(stub, &v, &n), CH_OK);
    assert_int_equal(n, 1);
    char want[4200];
    char real[4096];
    assert_non_null(realpath(dir, real));
    snprintf(want, sizeof want, "%s/shard-000001", real);
    assert_string_equal(v[0].path, want);
    shards_entries_free(v, n);
    test_rm_rf(dir);
    free(dir);
}

/* ---- batches, compaction, gc ------------------------------------------------------------- */

static void test_batches_compaction_swap_and_gc(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char root[512], stub[600], w1[600], w2[600], w3[600];
    snprintf(root, sizeof root, "%s/index", dir);
    snprintf(stub, sizeof stub, "%s/index.stub", root);
    snprintf(w1, sizeof w1, "%s/a.warc.gz", dir);
    snprintf(w2, sizeof w2, "%s/b.warc.gz", dir);
    snprintf(w3, sizeof w3, "%s/c.warc", dir);
    write_warc(w1, "alpha.example", "heron", 5);
    write_warc(w2, "beta.example", "otter", 7);
    write_warc(w3, "gamma.example", "badger", 3);

    char *s1 = NULL, *s2 = NULL, *err = NULL;
    idx_stats st;
    const char *b1[] = {w1};
    assert_int_equal(shards_build_batch(root, b1, 1, NULL, &s1, &st, &err), CH_OK);
    assert_null(err);
    assert_int_equal(st.indexed, 5);
    assert_non_null(strstr(s1, "/index/shard-000001"));
    assert_int_equal(stub_doc_count(stub), 5);

    const char *b2[] = {w2};
    assert_int_equal(shards_build_batch(root, b2, 1, NULL, &s2, &st, &err), CH_OK);
    assert_int_equal(st.indexed, 7);
    assert_non_null(strstr(s2, "/index/shard-000002"));
    shards_entry *v = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_read(stub, &v, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].path, s1);
    assert_string_equal(v[1].path, s2);
    shards_entries_free(v, n);
    assert_int_equal(stub_doc_count(stub), 12);

    /* A batch with an unreadable file goes in not at all. */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing.warc.gz", dir);
    const char *b3[] = {w3, missing};
    char *s3 = (char *)1;
    assert_int_equal(shards_build_batch(root, b3, 2, NULL, &s3, &st, &err), CH_ERR_IO);
    assert_null(s3);
    assert_non_null(err);
    assert_non_null(strstr(err, "missing.warc.gz"));
    free(err);
    err = NULL;
    assert_int_equal(count_entries(root, "shard-000003"), 0);
    assert_int_equal(stub_doc_count(stub), 12);

    /* A reader with the two-shard stub open. */
    xap_db *old = NULL;
    assert_int_equal(xap_db_open(stub, &old, &err), XAP_OK);
    assert_int_equal(doc_count(old), 12);

    /* A remote entry is kept through compaction (not opened here). */
    assert_int_equal(shards_stub_read(stub, &v, &n), CH_OK);
    shards_entry *nv = realloc(v, (n + 1) * sizeof *nv);
    assert_non_null(nv);
    v = nv;
    v[n] = (shards_entry){.kind = SHARDS_REMOTE, .host = strdup("127.0.0.1"), .port = 9};
    n++;
    assert_int_equal(shards_stub_write(stub, v, n), CH_OK);
    shards_entries_free(v, n);

    char *compacted = NULL;
    assert_int_equal(shards_compact_all(root, &compacted, &err), CH_OK);
    assert_null(err);
    assert_non_null(strstr(compacted, "/index/compact-000003"));
    assert_int_equal(shards_stub_read(stub, &v, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].kind, SHARDS_LOCAL);
    assert_string_equal(v[0].path, compacted);
    assert_int_equal(v[1].kind, SHARDS_REMOTE);
    assert_int_equal(v[1].port, 9);
    shards_entries_free(v, n);

    /* The old reader still answers; the compacted database holds all 12 documents. */
    assert_int_equal(doc_count(old), 12);
    xap_doc *doc = NULL;
    assert_int_equal(xap_db_get_document(old, 1, &doc), XAP_OK);
    xap_doc_free(doc);
    xap_db *c = NULL;
    assert_int_equal(xap_db_open(compacted, &c, &err), XAP_OK);
    assert_int_equal(doc_count(c), 12);
    unsigned long tf = 0;
    assert_int_equal(xap_db_term_freq(c, "otter", &tf), XAP_OK);
    assert_int_equal(tf, 7);
    xap_db_close(c);

    /* A stub with the remote entry only would need a server; write it back local-only. */
    shards_entry local[] = {{.kind = SHARDS_LOCAL, .path = compacted}};
    assert_int_equal(shards_stub_write(stub, local, 1), CH_OK);
    assert_int_equal(stub_doc_count(stub), 12);

    /* Nothing to compact with a single local database. */
    char *again = (char *)1;
    assert_int_equal(shards_compact_all(root, &again, &err), CH_OK);
    assert_null(again);

    /* gc: within the grace period nothing goes; after it the two unlisted shards go. */
    size_t removed = 99;
    assert_int_equal(shards_gc(root, 3600, &removed), CH_OK);
    assert_int_equal(removed, 0);
    assert_int_equal(count_entries(root, "shard-"), 2);
    assert_int_equal(shards_gc(root, 0, &removed), CH_OK);
    assert_int_equal(removed, 2);
    assert_int_equal(count_entries(root, "shard-"), 0);
    assert_int_equal(count_entries(root, "compact-"), 1);
    assert_int_equal(stub_doc_count(stub), 12);
    xap_db_close(old);

    free(s1);
    free(s2);
    free(compacted);
    test_rm_rf(dir);
    free(dir);
}

static void test_compact_failures(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char dst[600], src[600];
    snprintf(dst, sizeof dst, "%s/out", dir);
    snprintf(src, sizeof src, "%s/not-a-db", dir);
    const char *srcs[] = {src};
    char *err = NULL;
    assert_int_equal(shards_compact(srcs, 1, dst, &err), CH_ERR_IO);
    assert_non_null(err);
    assert_non_null(strstr(err, "xapian-compact failed"));
    free(err);
    struct stat sb;
    assert_int_equal(stat(dst, &sb), -1);
    /* dst must not exist; n must be >= 1. */
    assert_int_equal(shards_compact(srcs, 1, dir, &err), CH_ERR_ARG);
    free(err);
    assert_int_equal(shards_compact(srcs, 0, dst, &err), CH_ERR_ARG);
    free(err);
    /* No stub: compaction cannot read the list. */
    assert_int_equal(shards_compact_all(dir, NULL, &err), CH_ERR_NOTFOUND);
    free(err);
    test_rm_rf(dir);
    free(dir);
}

/* A loopback port nobody listens on (bound, then closed). */
static unsigned dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void test_open_available_leaves_out_a_dead_shard(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char root[512], stub[600], w1[600], w2[600];
    snprintf(root, sizeof root, "%s/index", dir);
    snprintf(stub, sizeof stub, "%s/index.stub", root);
    snprintf(w1, sizeof w1, "%s/a.warc", dir);
    snprintf(w2, sizeof w2, "%s/b.warc", dir);
    write_warc(w1, "alpha.example", "heron", 4);
    write_warc(w2, "beta.example", "otter", 6);
    char *s1 = NULL, *s2 = NULL, *err = NULL;
    const char *b1[] = {w1}, *b2[] = {w2};
    assert_int_equal(shards_build_batch(root, b1, 1, NULL, &s1, NULL, &err), CH_OK);
    assert_int_equal(shards_build_batch(root, b2, 1, NULL, &s2, NULL, &err), CH_OK);

    /* Everything up: the same as xap_db_open, nothing down. */
    xap_db *db = NULL;
    size_t down = 99;
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_int_equal(down, 0);
    assert_int_equal(doc_count(db), 10);
    xap_db_close(db);
    /* A database directory works too. */
    assert_int_equal(shards_open_available(s1, &db, &down, &err), CH_OK);
    assert_int_equal(doc_count(db), 4);
    xap_db_close(db);

    /* A remote shard that does not answer is left out and counted. */
    shards_entry v[] = {{.kind = SHARDS_LOCAL, .path = s1},
                        {.kind = SHARDS_REMOTE, .host = "127.0.0.1", .port = dead_port()},
                        {.kind = SHARDS_LOCAL, .path = s2}};
    assert_int_equal(shards_stub_write(stub, v, 3), CH_OK);
    xap_db *plain = NULL;
    assert_int_equal(xap_db_open(stub, &plain, &err), XAP_ERR_NETWORK);
    assert_null(plain);
    free(err);
    err = NULL;
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_null(err);
    assert_int_equal(down, 1);
    assert_int_equal(doc_count(db), 10);
    unsigned long tf = 0;
    assert_int_equal(xap_db_term_freq(db, "otter", &tf), XAP_OK);
    assert_int_equal(tf, 6);
    xap_db_close(db);

    /* Every shard down: an error naming the stub. */
    shards_entry dead[] = {{.kind = SHARDS_REMOTE, .host = "127.0.0.1", .port = dead_port()}};
    assert_int_equal(shards_stub_write(stub, dead, 1), CH_OK);
    db = (xap_db *)1;
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_ERR_IO);
    assert_null(db);
    assert_non_null(err);
    assert_non_null(strstr(err, "none of the 1 databases"));
    free(err);
    err = NULL;
    /* No such path. */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nothing", dir);
    assert_int_equal(shards_open_available(missing, &db, &down, &err), CH_ERR_NOTFOUND);
    free(err);
    free(s1);
    free(s2);
    test_rm_rf(dir);
    free(dir);
}

/* The data of every document of db in docid order, joined by '|', into out. */
static void all_data(xap_db *db, char *out, size_t cap)
{
    xap_docid last = 0;
    assert_int_equal(xap_db_last_docid(db, &last), XAP_OK);
    size_t used = 0;
    out[0] = '\0';
    for (xap_docid id = 1; id <= last; id++) {
        xap_doc *d = NULL;
        if (xap_db_get_document(db, id, &d) != XAP_OK)
            continue;
        char *data = NULL;
        size_t len = 0;
        assert_int_equal(xap_doc_get_data(d, &data, &len), XAP_OK);
        int w = snprintf(out + used, cap - used, "%u:%.40s|", id, data);
        assert_true(w > 0 && (size_t)w < cap - used);
        used += (size_t)w;
        free(data);
        xap_doc_free(d);
    }
}

static void test_open_available_missing_local_and_nested_stubs(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char root[512], stub[600], w1[600], w2[600], nested[600], missing[600], text[4096];
    snprintf(root, sizeof root, "%s/index", dir);
    snprintf(stub, sizeof stub, "%s/index.stub", root);
    snprintf(w1, sizeof w1, "%s/a.warc", dir);
    snprintf(w2, sizeof w2, "%s/b.warc", dir);
    snprintf(nested, sizeof nested, "%s/nested.stub", dir);
    snprintf(missing, sizeof missing, "%s/gone", dir);
    write_warc(w1, "alpha.example", "heron", 4);
    write_warc(w2, "beta.example", "otter", 6);
    char *s1 = NULL, *s2 = NULL, *err = NULL;
    const char *b1[] = {w1}, *b2[] = {w2};
    assert_int_equal(shards_build_batch(root, b1, 1, NULL, &s1, NULL, &err), CH_OK);
    assert_int_equal(shards_build_batch(root, b2, 1, NULL, &s2, NULL, &err), CH_OK);

    /* Every entry up: the same documents under the same docids as Xapian's own stub open. */
    static char want[16384], got[16384];
    xap_db *db = NULL, *plain = NULL;
    size_t down = 99;
    assert_int_equal(xap_db_open(stub, &plain, &err), XAP_OK);
    all_data(plain, want, sizeof want);
    xap_db_close(plain);
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_int_equal(down, 0);
    all_data(db, got, sizeof got);
    xap_db_close(db);
    assert_string_equal(got, want);
    assert_non_null(strstr(got, "alpha.example"));
    assert_non_null(strstr(got, "beta.example"));

    /* A local entry that is missing is left out and counted, not an error. */
    snprintf(text, sizeof text, "auto %s\nauto %s\nauto %s\n", s1, missing, s2);
    write_file(stub, text);
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_null(err);
    assert_int_equal(down, 1);
    assert_int_equal(doc_count(db), 10);
    xap_db_close(db);

    /* A stub listing a stub: its entries are opened one by one too (here a dead remote one). */
    snprintf(text, sizeof text, "auto %s\nremote 127.0.0.1:%u\n", s1, dead_port());
    write_file(nested, text);
    snprintf(text, sizeof text, "auto %s\nauto %s\n", nested, s2);
    write_file(stub, text);
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_int_equal(down, 1);
    assert_int_equal(doc_count(db), 10);
    xap_db_close(db);
    /* A stub listing itself ends at SHARDS_MAX_DEPTH, counted as down. */
    snprintf(text, sizeof text, "auto %s\nauto %s\n", s1, stub);
    write_file(stub, text);
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_true(down >= 1);
    assert_int_equal(doc_count(db), 4 * (SHARDS_MAX_DEPTH + 1));
    xap_db_close(db);

    /* A spelling dictionary (no document) in front of shards that are all down: nothing can
     * answer, an error; with one shard up, that shard's documents. */
    char dict[600];
    snprintf(dict, sizeof dict, "%s/dict", dir);
    assert_int_equal(shards_build_dictionary((const char *const *)&s1, 1, dict, NULL, &err), CH_OK);
    snprintf(text, sizeof text, "auto %s\nremote 127.0.0.1:%u\nauto %s\n", dict, dead_port(),
             missing);
    write_file(stub, text);
    db = (xap_db *)1;
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_ERR_IO);
    assert_null(db);
    assert_non_null(strstr(err, "none of the 3 databases"));
    free(err);
    err = NULL;
    snprintf(text, sizeof text, "auto %s\nremote 127.0.0.1:%u\nauto %s\n", dict, dead_port(), s2);
    write_file(stub, text);
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_int_equal(down, 1);
    assert_int_equal(doc_count(db), 6);
    xap_db_close(db);

    /* A stub line we do not parse is left to Xapian: "inmemory" is an empty database. */
    write_file(stub, "inmemory\n");
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_OK);
    assert_int_equal(down, 0);
    assert_int_equal(doc_count(db), 0);
    xap_db_close(db);
    /* Everything missing: an error naming the stub and the first failure. */
    snprintf(text, sizeof text, "auto %s\n", missing);
    write_file(stub, text);
    assert_int_equal(shards_open_available(stub, &db, &down, &err), CH_ERR_IO);
    assert_null(db);
    assert_non_null(err);
    assert_non_null(strstr(err, "none of the 1 databases"));
    assert_non_null(strstr(err, missing));
    free(err);
    err = NULL;

    /* The searcher flags its results degraded while an entry is missing, and the JSON says so. */
    snprintf(text, sizeof text, "auto %s\nauto %s\nauto %s\n", s1, missing, s2);
    write_file(stub, text);
    idx_searcher *se = NULL;
    assert_int_equal(idx_searcher_open(stub, &se, &err), CH_OK);
    idx_search_params sp = {.query = "otter", .page = 1};
    idx_results r;
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_true(r.degraded);
    assert_int_equal(r.n_results, 6);
    char *js = idx_results_json("otter", "web", 1, false, NULL, &r);
    assert_non_null(js);
    assert_non_null(strstr(js, "\"degraded\":true"));
    free(js);
    idx_results_free(&r);
    /* The missing shard comes back: a new searcher is not degraded (and the JSON says false). */
    snprintf(text, sizeof text, "auto %s\nauto %s\n", s1, s2);
    write_file(stub, text);
    idx_searcher_close(se);
    assert_int_equal(idx_searcher_open(stub, &se, &err), CH_OK);
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_false(r.degraded);
    js = idx_results_json("otter", "web", 1, false, NULL, &r);
    assert_non_null(strstr(js, "\"degraded\":false"));
    free(js);
    idx_results_free(&r);
    idx_searcher_close(se);

    free(s1);
    free(s2);
    test_rm_rf(dir);
    free(dir);
}

/* Start xapian-tcpsrv on 127.0.0.1:port serving db, in its own session (it signals its whole
 * process group on SIGTERM, and we kill the group to drop its connections too). Returns its pid
 * once it accepts connections, or -1 when it cannot be started. */
static pid_t start_tcpsrv(const char *db, unsigned port)
{
    char ports[16];
    snprintf(ports, sizeof ports, "%u", port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(nul, 2);
        }
        execlp("xapian-tcpsrv", "xapian-tcpsrv", "--port", ports, "--interface", "127.0.0.1",
               "--quiet", db, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(fd >= 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                .sin_port = htons((uint16_t)port)};
        int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
        close(fd);
        if (rc == 0)
            return pid;
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -1;
        usleep(50 * 1000);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static void stop_tcpsrv(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(-pid, SIGKILL); /* the server and the children serving open connections */
    waitpid(pid, NULL, 0);
}

/* A shard served by xapian-tcpsrv dies while a searcher has it open: the next search (no
 * refresh in between) opens the stub again without it and answers from the rest, degraded; with
 * every shard gone, a clean error. Loopback only; skipped without xapian-tcpsrv. */
static void test_searcher_survives_a_shard_dying_between_searches(void **state)
{
    (void)state;
    if (system("command -v xapian-tcpsrv >/dev/null 2>&1") != 0) {
        skip();
        return;
    }
    char *dir = test_make_tmpdir();
    char root[512], stub[600], w1[600], w2[600], text[1024];
    snprintf(root, sizeof root, "%s/index", dir);
    snprintf(stub, sizeof stub, "%s/remote.stub", dir);
    snprintf(w1, sizeof w1, "%s/a.warc", dir);
    snprintf(w2, sizeof w2, "%s/b.warc", dir);
    write_warc(w1, "alpha.example", "heron", 4);
    write_warc(w2, "beta.example", "otter", 6);
    char *s1 = NULL, *s2 = NULL, *err = NULL;
    const char *b1[] = {w1}, *b2[] = {w2};
    assert_int_equal(shards_build_batch(root, b1, 1, NULL, &s1, NULL, &err), CH_OK);
    assert_int_equal(shards_build_batch(root, b2, 1, NULL, &s2, NULL, &err), CH_OK);
    unsigned p1 = dead_port(), p2 = dead_port();
    pid_t t1 = start_tcpsrv(s1, p1), t2 = start_tcpsrv(s2, p2);
    if (t1 < 0 || t2 < 0) {
        stop_tcpsrv(t1);
        stop_tcpsrv(t2);
        fail_msg("xapian-tcpsrv did not start");
    }
    snprintf(text, sizeof text, "remote 127.0.0.1:%u\nremote 127.0.0.1:%u\n", p1, p2);
    write_file(stub, text);

    idx_searcher *se = NULL;
    assert_int_equal(idx_searcher_open(stub, &se, &err), CH_OK);
    idx_search_params sp = {.query = "otter", .page = 1};
    idx_results r;
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_false(r.degraded);
    assert_int_equal(r.n_results, 6);
    idx_results_free(&r);
    unsigned long docs = 0;
    char *date = NULL;
    assert_int_equal(idx_searcher_info(se, &docs, &date), CH_OK);
    assert_int_equal(docs, 10);
    free(date);

    stop_tcpsrv(t1);
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_true(r.degraded);
    assert_int_equal(r.n_results, 6);
    idx_results_free(&r);
    sp.query = "heron"; /* only on the dead shard */
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_true(r.degraded);
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);
    assert_int_equal(idx_searcher_info(se, &docs, &date), CH_OK);
    assert_int_equal(docs, 6);
    free(date);

    stop_tcpsrv(t2);
    sp.query = "otter";
    assert_int_equal(idx_search(se, &sp, &r), CH_ERR_IO);
    assert_int_equal(r.n_results, 0);
    assert_non_null(strstr(idx_searcher_error(se), "none of the 2 databases"));
    idx_searcher_close(se);

    free(s1);
    free(s2);
    test_rm_rf(dir);
    free(dir);
}

/* A source database with spelling words, one document and an index date. */
static void make_speller(const char *path, const char *const *words, const unsigned *freqs,
                         size_t n, const char *date)
{
    xap_wdb *w = NULL;
    char *err = NULL;
    assert_int_equal(xap_wdb_open(path, XAP_WDB_CREATE_OR_OPEN, &w, &err), XAP_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(xap_wdb_add_spelling(w, words[i], freqs[i]), XAP_OK);
    xap_doc *d = NULL;
    assert_int_equal(xap_doc_new(&d), XAP_OK);
    assert_int_equal(xap_doc_add_term(d, words[0], 1), XAP_OK);
    assert_int_equal(xap_wdb_add_document(w, d, NULL), XAP_OK);
    xap_doc_free(d);
    assert_int_equal(xap_wdb_set_metadata(w, IDX_META_INDEX_DATE, date, strlen(date)), XAP_OK);
    assert_int_equal(xap_wdb_close(w), XAP_OK);
}

static int collect_word(const char *word, unsigned freq, void *ctx)
{
    char *out = ctx;
    size_t used = strlen(out);
    snprintf(out + used, 256 - used, "%s=%u;", word, freq);
    return 0;
}

/* The words of the database at path as "word=freq;...", its document count and index date. */
static void dict_contents(const char *path, char out[256], unsigned long *docs, char **date)
{
    xap_db *db = NULL;
    char *err = NULL;
    size_t len = 0;
    assert_int_equal(xap_db_open(path, &db, &err), XAP_OK);
    out[0] = '\0';
    assert_int_equal(xap_db_spellings(db, collect_word, out, NULL), XAP_OK);
    *docs = doc_count(db);
    assert_int_equal(xap_db_get_metadata(db, IDX_META_INDEX_DATE, date, &len), XAP_OK);
    xap_db_close(db);
}

/* The dictionary of several sources (directories, a stub of local ones): every word once with
 * its frequencies summed, no document, the latest index date; rebuilt in place; what it refuses
 * leaves it as it was. Listed first in a stub once. */
static void test_dictionary_of_local_shards(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char a[512], b[512], c[512], stub[512], dict[512], tmp[600], front[512], shard_stub[512];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(c, sizeof c, "%s/c", dir);
    snprintf(stub, sizeof stub, "%s/bc.stub", dir);
    snprintf(dict, sizeof dict, "%s/dict", dir);
    snprintf(tmp, sizeof tmp, "%s/dict.tmp", dir);
    snprintf(front, sizeof front, "%s/front.stub", dir);
    snprintf(shard_stub, sizeof shard_stub, "%s/remote.stub", dir);
    const char *wa[] = {"volcan", "chocolat"}, *wb[] = {"chocolat", "musée"}, *wc[] = {"zèbre"};
    const unsigned fa[] = {3, 1}, fb[] = {4, 2}, fc[] = {1};
    make_speller(a, wa, fa, 2, "2024-06-11T10:00:00Z");
    make_speller(b, wb, fb, 2, "2024-06-12T09:00:00Z");
    make_speller(c, wc, fc, 1, "2024-06-01T00:00:00Z");
    char text[1200];
    snprintf(text, sizeof text, "auto %s\nauto %s\n", b, c);
    write_file(stub, text);

    size_t words = 0;
    char *err = NULL, *date = NULL, got[256];
    unsigned long docs = 99;
    const char *srcs[] = {a, stub};
    assert_int_equal(shards_build_dictionary(srcs, 2, dict, &words, &err), CH_OK);
    assert_null(err);
    assert_int_equal(words, 4);
    dict_contents(dict, got, &docs, &date);
    assert_string_equal(got, "chocolat=5;musée=2;volcan=3;zèbre=1;");
    assert_int_equal(docs, 0);
    assert_string_equal(date, "2024-06-12T09:00:00Z");
    free(date);
    struct stat sb;
    assert_int_not_equal(stat(tmp, &sb), 0);

    /* Rebuilt over the old one (a trailing slash is the same directory). */
    char dict_slash[600];
    snprintf(dict_slash, sizeof dict_slash, "%s/", dict);
    assert_int_equal(shards_build_dictionary(srcs, 1, dict_slash, &words, &err), CH_OK);
    assert_int_equal(words, 2);
    dict_contents(dict, got, &docs, &date);
    assert_string_equal(got, "chocolat=1;volcan=3;");
    free(date);
    assert_int_not_equal(stat(tmp, &sb), 0);

    /* Refused, the dictionary unchanged: a missing source, a remote entry, itself as a source,
     * a database with documents as the destination, nothing to read. */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    const char *bad1[] = {a, missing};
    assert_int_equal(shards_build_dictionary(bad1, 2, dict, &words, &err), CH_ERR_NOTFOUND);
    assert_non_null(strstr(err, "missing"));
    free(err);
    write_file(shard_stub, "remote 127.0.0.1:9\n");
    const char *bad2[] = {shard_stub};
    assert_int_equal(shards_build_dictionary(bad2, 1, dict, &words, &err), CH_ERR_ARG);
    assert_non_null(strstr(err, "remote 127.0.0.1:9"));
    free(err);
    const char *bad3[] = {a, dict};
    assert_int_equal(shards_build_dictionary(bad3, 2, dict, &words, &err), CH_ERR_ARG);
    free(err);
    const char *bad4[] = {a};
    assert_int_equal(shards_build_dictionary(bad4, 1, b, &words, &err), CH_ERR_ARG);
    assert_non_null(strstr(err, "documents"));
    free(err);
    assert_int_equal(shards_build_dictionary(bad4, 0, dict, &words, &err), CH_ERR_ARG);
    free(err);
    dict_contents(dict, got, &docs, &date);
    assert_string_equal(got, "chocolat=1;volcan=3;");
    free(date);
    dict_contents(b, got, &docs, &date);
    assert_int_equal(docs, 1);
    free(date);

    /* Listed first in a stub, once; the others keep their order. */
    snprintf(text, sizeof text, "remote 127.0.0.1:9\nauto %s\n", b);
    write_file(front, text);
    bool added = false;
    assert_int_equal(shards_stub_put_first(front, dict_slash, &added, &err), CH_OK);
    assert_true(added);
    shards_entry *v = NULL;
    size_t n = 0;
    assert_int_equal(shards_stub_read(front, &v, &n), CH_OK);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].path, dict);
    assert_int_equal(v[1].kind, SHARDS_REMOTE);
    assert_string_equal(v[2].path, b);
    shards_entries_free(v, n);
    assert_int_equal(shards_stub_put_first(front, dict, &added, &err), CH_OK);
    assert_false(added);
    assert_int_equal(shards_stub_read(front, &v, &n), CH_OK);
    assert_int_equal(n, 3);
    shards_entries_free(v, n);
    char no_stub[600];
    snprintf(no_stub, sizeof no_stub, "%s/none.stub", dir);
    assert_int_equal(shards_stub_put_first(no_stub, dict, &added, &err), CH_ERR_NOTFOUND);
    free(err);
    test_rm_rf(dir);
    free(dir);
}

/* A watch sees a stub swapped, a nested stub swapped, a dictionary rebuilt (another directory
 * at the same path) and a database gone; not a commit inside a listed database. */
static void test_watch_sees_swaps_not_commits(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char a[512], b[512], dict[512], front[512], nested[512], text[2048], inside[600];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(dict, sizeof dict, "%s/dict", dir);
    snprintf(front, sizeof front, "%s/front.stub", dir);
    snprintf(nested, sizeof nested, "%s/nested.stub", dir);
    snprintf(inside, sizeof inside, "%s/new-table-file", b);
    const char *wa[] = {"volcan"}, *wb[] = {"musée"};
    const unsigned f1[] = {1};
    make_speller(a, wa, f1, 1, "2024-06-11T10:00:00Z");
    make_speller(b, wb, f1, 1, "2024-06-11T10:00:00Z");
    const char *srcs[] = {a};
    char *err = NULL;
    assert_int_equal(shards_build_dictionary(srcs, 1, dict, NULL, &err), CH_OK);
    snprintf(text, sizeof text, "auto %s\nauto %s\nremote 127.0.0.1:9\n", dict, nested);
    write_file(front, text);
    snprintf(text, sizeof text, "auto %s\n", b);
    write_file(nested, text);

    shards_watch w;
    assert_int_equal(shards_watch_take(front, &w), CH_OK);
    assert_int_equal(w.n, 4); /* front, dict, nested, b: not the remote entry */
    assert_false(shards_watch_changed(&w));
    write_file(inside, "x"); /* what a commit does to a database directory */
    assert_false(shards_watch_changed(&w));

    assert_int_equal(shards_build_dictionary(srcs, 1, dict, NULL, &err), CH_OK);
    assert_true(shards_watch_changed(&w));
    shards_watch_free(&w);

    assert_int_equal(shards_watch_take(front, &w), CH_OK);
    shards_entry e[] = {{.kind = SHARDS_LOCAL, .path = a}, {.kind = SHARDS_LOCAL, .path = b}};
    assert_int_equal(shards_stub_write(nested, e, 2), CH_OK);
    assert_true(shards_watch_changed(&w));
    shards_watch_free(&w);

    assert_int_equal(shards_watch_take(front, &w), CH_OK);
    assert_int_equal(w.n, 5);
    test_rm_rf(b);
    assert_true(shards_watch_changed(&w));
    shards_watch_free(&w);

    /* A database directory, or nothing: no watch, never changed. */
    assert_int_equal(shards_watch_take(a, &w), CH_OK);
    assert_int_equal(w.n, 0);
    assert_false(shards_watch_changed(&w));
    shards_watch_free(&w);
    test_rm_rf(dir);
    free(dir);
}

/* A searcher of a shard set's stub follows shards added and compacted, with refresh alone. */
static void test_searcher_follows_the_stub(void **state)
{
    (void)state;
    char *dir = test_make_tmpdir();
    char root[512], stub[600], w1[600], w2[600];
    snprintf(root, sizeof root, "%s/index", dir);
    snprintf(stub, sizeof stub, "%s/index.stub", root);
    snprintf(w1, sizeof w1, "%s/a.warc", dir);
    snprintf(w2, sizeof w2, "%s/b.warc", dir);
    write_warc(w1, "alpha.example", "heron", 4);
    write_warc(w2, "beta.example", "otter", 6);
    char *err = NULL;
    const char *b1[] = {w1}, *b2[] = {w2};
    assert_int_equal(shards_build_batch(root, b1, 1, NULL, NULL, NULL, &err), CH_OK);

    idx_searcher *se = NULL;
    assert_int_equal(idx_searcher_open(stub, &se, &err), CH_OK);
    idx_search_params sp = {.query = "otter", .page = 1};
    idx_results r;
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_int_equal(r.n_results, 0);
    idx_results_free(&r);

    assert_int_equal(shards_build_batch(root, b2, 1, NULL, NULL, NULL, &err), CH_OK);
    assert_int_equal(idx_searcher_refresh(se), CH_OK);
    assert_int_equal(idx_search(se, &sp, &r), CH_OK);
    assert_int_equal(r.n_results, 6);
    idx_results_free(&r);

    if (system("command -v xapian-compact >/dev/null 2>&1") == 0) {
        char *compacted = NULL;
        assert_int_equal(shards_compact_all(root, &compacted, &err), CH_OK);
        assert_non_null(compacted);
        free(compacted);
        size_t removed = 0;
        assert_int_equal(shards_gc(root, 0, &removed), CH_OK);
        assert_int_equal(removed, 2);
        assert_int_equal(idx_searcher_refresh(se), CH_OK);
        sp.query = "heron";
        assert_int_equal(idx_search(se, &sp, &r), CH_OK);
        assert_int_equal(r.n_results, 4);
        idx_results_free(&r);
    }
    idx_searcher_close(se);
    test_rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_then_parse_round_trip),
        cmocka_unit_test(test_format_refuses_what_does_not_fit_a_line),
        cmocka_unit_test(test_parse_skips_comments_and_resolves_relative_paths),
        cmocka_unit_test(test_parse_refuses_bad_lines),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_write_swaps_atomically_and_old_readers_keep_the_old_list),
        cmocka_unit_test(test_stub_read_resolves_relative_to_the_stub),
        cmocka_unit_test(test_batches_compaction_swap_and_gc),
        cmocka_unit_test(test_compact_failures),
        cmocka_unit_test(test_open_available_leaves_out_a_dead_shard),
        cmocka_unit_test(test_open_available_missing_local_and_nested_stubs),
        cmocka_unit_test(test_searcher_survives_a_shard_dying_between_searches),
        cmocka_unit_test(test_dictionary_of_local_shards),
        cmocka_unit_test(test_watch_sees_swaps_not_commits),
        cmocka_unit_test(test_searcher_follows_the_stub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
