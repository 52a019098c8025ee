/* Helpers shared by the unit tests that build a small index: a WARC of crafted pages written
 * with common/warc.h, indexed with the classifier the product ships (data/lists,
 * data/policies.ini), in a temporary directory. Failures end the test through cmocka. */
#ifndef CHOUETTE_TEST_INDEX_FIXTURE_H
#define CHOUETTE_TEST_INDEX_FIXTURE_H

#include <stddef.h>

#include "indexer/index.h"
#include "tests/unit/support/tmpdir.h" /* the fixtures live in one */

typedef struct {
    const char *url;
    int status;
    const char *type; /* Content-Type header */
    const char *body;
} test_page;

#define TEST_HTML "text/html; charset=utf-8"

/* Write one response record per page to a new WARC file at path. */
void test_write_warc(const char *path, const test_page *pages, size_t n);

/* Index the WARC files into db (batches of 3 documents, shipped classifier); *st gets the
 * counters of the run. */
void test_index_warcs(const char *db, const char *const *warcs, size_t n, idx_stats *st);

#endif
