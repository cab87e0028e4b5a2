/* Unit tests for what an error reply may show (src/http/request.c): server
 * faults and database messages become a plain Chinese message with the
 * request id; users' own mistakes keep their message, field and place.  And
 * request ids: 16 hex digits, different every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/http_internal.h"

static void test_internal_text_hidden(void **state) {
    (void)state;
    static const struct { st code; const char *msg; } cases[] = {
        {ST_UNAVAILABLE, "数据库错误（执行）：database is locked"},
        {ST_IO, "无法保存上传文件（临时目录 /srv/ejia/uploads 不可写）。"},
        {ST_DB, "数据库错误（查询）：no such table: ledger_round"},
        {ST_INTERNAL, "已发布的 2018-04-3 通报数据损坏：'[' or '{' expected near end of file"},
        {ST_NOMEM, "内存不足"},
        {ST_CONFLICT, "数据库错误（执行）：UNIQUE constraint failed: app_user.username"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err in, out;
        err_field(&in, cases[i].code, "username", "%s", cases[i].msg);
        snprintf(in.where, sizeof in.where, "/srv/ejia/uploads/x.csv");
        assert_true(http_error_public(&in, "0123456789abcdef", &out));
        assert_int_equal(out.code, in.code);
        assert_null(strstr(out.msg, cases[i].msg));
        assert_non_null(strstr(out.msg, "请求编号 0123456789abcdef"));
        assert_string_equal(out.field, "");
        assert_string_equal(out.where, "");
        for (const char *p = out.msg; *p; p++)   /* ASCII only in the id */
            if ((*p >= 'g' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '/') fail_msg("%s", out.msg);
    }
}

static void test_user_errors_kept(void **state) {
    (void)state;
    err in, out;
    err_field(&in, ST_INVALID, "phone", "电话号码应为 11 位数字。");
    snprintf(in.where, sizeof in.where, "第 3 行");
    assert_false(http_error_public(&in, "0123456789abcdef", &out));
    assert_string_equal(out.msg, in.msg);
    assert_string_equal(out.field, "phone");
    assert_string_equal(out.where, "第 3 行");
    err_set(&in, ST_CONFLICT, "用户名已存在。");
    assert_false(http_error_public(&in, "0123456789abcdef", &out));
    assert_string_equal(out.msg, "用户名已存在。");
}

static void test_request_ids(void **state) {
    (void)state;
    char a[17], b[17];
    http_new_request_id(a);
    http_new_request_id(b);
    assert_int_equal(strlen(a), 16);
    assert_int_equal(strspn(a, "0123456789abcdef"), 16);
    assert_string_not_equal(a, b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_internal_text_hidden),
        cmocka_unit_test(test_user_errors_kept),
        cmocka_unit_test(test_request_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
