#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

static void test_empty_buffer_is_empty_string(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 16);
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

static void test_append_up_to_cap_then_refuse(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 8);
    assert_int_equal(buf_append_str(&b, "abcd"), CH_OK);
    assert_int_equal(buf_append_str(&b, "efgh"), CH_OK);
    assert_int_equal(b.len, 8);
    /* One byte more is refused and the contents stay as they were. */
    assert_int_equal(buf_append_char(&b, 'x'), CH_ERR_LIMIT);
    assert_string_equal(buf_str(&b), "abcdefgh");
    assert_int_equal(buf_appendf(&b, "%d", 1), CH_ERR_LIMIT);
    assert_int_equal(b.len, 8);
    buf_free(&b);
}

static void test_appendf_and_growth(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_appendf(&b, "%04d,", i), CH_OK);
    assert_int_equal(b.len, 5000);
    assert_memory_equal(b.data + 4995, "0999,", 5);
    assert_int_equal(b.data[b.len], '\0');
    buf_truncate(&b, 4);
    assert_string_equal(buf_str(&b), "0000");
    buf_reset(&b);
    assert_string_equal(buf_str(&b), "");
    buf_free(&b);
}

static void test_huge_append_does_not_overflow(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 32);
    assert_int_equal(buf_append_str(&b, "x"), CH_OK);
    /* A length that would wrap size_t arithmetic must be refused, not wrapped. */
    assert_int_equal(buf_append(&b, "y", (size_t)-1), CH_ERR_LIMIT);
    assert_string_equal(buf_str(&b), "x");
    buf_free(&b);
}

static void test_steal_hands_over_memory(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b, 64);
    size_t len = 99;
    char *empty = buf_steal(&b, &len);
    assert_non_null(empty);
    assert_int_equal(len, 0);
    assert_string_equal(empty, "");
    free(empty);
    assert_int_equal(buf_append_str(&b, "hello"), CH_OK);
    char *s = buf_steal(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_null(b.data);
    free(s);
}

/* Growable arrays: capacity doubled from the first size, contents kept, no change on failure. */
static void test_reserve_array(void **state)
{
    (void)state;
    uint32_t *v = NULL;
    size_t cap = 0;
    assert_int_equal(buf_reserve_array(&v, &cap, 0, sizeof *v, 4), CH_OK);
    assert_null(v);
    assert_int_equal(cap, 0);
    for (uint32_t i = 0; i < 1000; i++) {
        assert_int_equal(buf_reserve_array(&v, &cap, i + 1, sizeof *v, 4), CH_OK);
        assert_true(cap >= i + 1);
        v[i] = i * 7;
    }
    assert_int_equal(cap, 1024); /* 4, 8, ..., 1024 */
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(v[i], i * 7);
    uint32_t *before = v;
    assert_int_equal(buf_reserve_array(&v, &cap, 1000, sizeof *v, 4), CH_OK); /* fits: no move */
    assert_ptr_equal(v, before);
    assert_int_equal(buf_reserve_array(&v, &cap, 5000, sizeof *v, 4),
                     CH_OK); /* several doublings */
    assert_int_equal(cap, 8192);
    assert_int_equal(v[999], 999 * 7);
    /* a size that overflows: refused, array and capacity unchanged */
    before = v;
    assert_int_equal(buf_reserve_array(&v, &cap, SIZE_MAX / 2, sizeof *v, 4), CH_ERR_NOMEM);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 8192);
    assert_int_equal(buf_reserve_array(&v, &cap, SIZE_MAX, 1, 4), CH_ERR_NOMEM);
    assert_int_equal(cap, 8192);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_buffer_is_empty_string),
        cmocka_unit_test(test_append_up_to_cap_then_refuse),
        cmocka_unit_test(test_appendf_and_growth),
        cmocka_unit_test(test_huge_append_does_not_overflow),
        cmocka_unit_test(test_steal_hands_over_memory),
        cmocka_unit_test(test_reserve_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
