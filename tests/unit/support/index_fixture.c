#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "common/warc.h"
#include "filters/classify.h"
#include "tests/unit/support/index_fixture.h"

void test_write_warc(const char *path, const test_page *pages, size_t n)
{
    warc_writer *w = NULL;
    assert_int_equal(warc_writer_open(path, &w), CH_OK);
    for (size_t i = 0; i < n; i++) {
        char block[65536];
        int len = snprintf(block, sizeof block,
                           "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
                           pages[i].status, pages[i].type, strlen(pages[i].body), pages[i].body);
        assert_true(len > 0 && (size_t)len < sizeof block);
        warc_record_spec spec = {.type = WARC_RESPONSE,
                                 .target_uri = pages[i].url,
                                 .block = block,
                                 .block_len = (size_t)len};
        assert_int_equal(warc_writer_write(w, &spec, NULL, NULL), CH_OK);
    }
    assert_int_equal(warc_writer_close(w), CH_OK);
}

void test_index_warcs(const char *db, const char *const *warcs, size_t n, idx_stats *st)
{
    char lists[4096], policy[4096], cerr[512];
    assert_int_equal(paths_data_file("lists", lists, sizeof lists), CH_OK);
    assert_int_equal(paths_data_file("policies.ini", policy, sizeof policy), CH_OK);
    flt_classifier_paths cp = {.lists_dir = lists, .policy_file = policy};
    flt_classifier *cls = NULL;
    assert_int_equal(flt_classifier_load(&cp, &cls, cerr, sizeof cerr), CH_OK);

    idx_writer *w = NULL;
    char *err = NULL;
    idx_writer_opts o = {.batch_docs = 3, .classifier = cls};
    assert_int_equal(idx_writer_open(db, &o, &w, &err), CH_OK);
    assert_int_equal(idx_writer_run(w, warcs, n, NULL, NULL, &err), CH_OK);
    idx_writer_stats(w, st);
    assert_int_equal(idx_writer_close(w), CH_OK);
    flt_classifier_free(cls);
}
