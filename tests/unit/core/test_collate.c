/* Unit tests for src/core/collate: Chinese names by pinyin (the order of a
 * printed name list), a total order (equal-looking strings still differ),
 * lengths honoured, and the same answer from SQLite's COLLATE ZH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/collate.h"
#include "db/db.h"

#define Z(a, b) collate_zh((a), (size_t)-1, (b), (size_t)-1)

static void test_pinyin(void **state) {
    (void)state;
    /* a li, bai du, mei tu, ping guo, teng xun, xiao mi, zi jie: by sound, not by code point */
    const char *want[] = {"阿里巴巴", "百度", "美图", "苹果", "腾讯", "小米", "字节跳动"};
    for (size_t i = 0; i + 1 < sizeof want / sizeof want[0]; i++) assert_true(Z(want[i], want[i + 1]) < 0);
    assert_true(strcmp("百度", "阿里巴巴") < 0 && strcmp("字节跳动", "小米") < 0); /* code point order differs */
    /* A character with two readings sorts by its first, as in Excel: 厦 (shà, xià) before 腾 */
    assert_true(Z("厦门", "腾讯") < 0);
    assert_true(Z("思明区", "湖里区") > 0);                                         /* si > hu */
    assert_true(Z("厦门", "厦门市") < 0);                                           /* a prefix first */
    assert_true(Z("美图（厦门）科技有限公司", "美图(厦门)科技有限公司") != 0);       /* total: bytes decide ties */
    assert_int_equal(Z("厦门", "厦门"), 0);
    assert_true(Z("123", "阿里") < 0 && Z("阿里", "ABC") < 0);                     /* digits, Han, then Latin */
}

static void test_lengths(void **state) {
    (void)state;
    /* only the given bytes count: "厦门X" cut to "厦门" equals "厦门" */
    assert_int_equal(collate_zh("厦门X", strlen("厦门"), "厦门", (size_t)-1), 0);
    assert_true(collate_zh("", 0, "阿", (size_t)-1) < 0);
}

static void test_sqlite(void **state) {
    (void)state;
    db *d = NULL;
    err e;
    assert_int_equal(db_open(":memory:", &d, &e), ST_OK);
    json_t *rows = NULL;
    assert_int_equal(db_query_json(d, &rows,
                                   "SELECT x FROM (SELECT '厦门' AS x UNION ALL SELECT '百度' UNION ALL SELECT '重庆' "
                                   "UNION ALL SELECT '阿里') q ORDER BY x{{ZH}}",
                                   &e, ""),
                     ST_OK);
    const char *want[] = {"阿里", "百度", "重庆", "厦门"};
    assert_int_equal(json_array_size(rows), 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(rows, i), "x")), want[i]);
    json_decref(rows);
    db_close(d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinyin),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_sqlite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
