/* Unit tests for the pure rules of notices (src/notice/notice.c) at their
 * edges: which scopes send and at which level, an organization addressed
 * inside the scope, titles and bodies (length in characters, not bytes; one
 * line; control characters), the channels a setting lists (unknown, twice,
 * empty), the in-app channel, the check-in window of the reminders and the
 * local time of a receipt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/config.h"
#include "notice/notice.h"

static int setup(void **state) {
    (void)state;
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    return 0;
}

static void test_levels_and_places(void **state) {
    (void)state;
    assert_string_equal(notice_level_of("city"), "city");
    assert_string_equal(notice_level_of("district"), "district");
    assert_string_equal(notice_level_of("park"), "park");
    assert_string_equal(notice_level_of("org"), "org");
    assert_null(notice_level_of("self"));
    assert_null(notice_level_of("enterprise"));
    assert_null(notice_level_of(NULL));
    notice_place p;
    char code[24];
    err e;
    assert_int_equal(notice_place_of("city", "3502", 0, code, &p, &e), ST_OK);
    assert_string_equal(p.level, "city");
    assert_string_equal(p.code, "3502");
    assert_int_equal(notice_place_of("district", "350203", 0, code, &p, &e), ST_OK);
    assert_string_equal(p.level, "district");
    assert_string_equal(p.code, "350203");
    assert_int_equal(notice_place_of("park", "P0002", 0, code, &p, &e), ST_OK);
    assert_string_equal(p.level, "park");
    /* an organization inside the scope: its own level, whoever sends */
    assert_int_equal(notice_place_of("district", "350203", 42, code, &p, &e), ST_OK);
    assert_string_equal(p.level, "org");
    assert_string_equal(p.code, "42");
    assert_int_equal(notice_place_of("org", "17", 0, code, &p, &e), ST_OK);
    assert_string_equal(p.level, "org");
    assert_string_equal(p.code, "17");
    assert_int_equal(notice_place_of("self", "9", 0, code, &p, &e), ST_FORBIDDEN);
    assert_int_equal(notice_place_of("enterprise", "9", 3, code, &p, &e), ST_FORBIDDEN);
    assert_int_equal(notice_place_of("district", "", 0, code, &p, &e), ST_FORBIDDEN);
    assert_int_equal(notice_place_of("district", "350203", -1, code, &p, &e), ST_INVALID);
    assert_string_equal(e.field, "org_id");
}

static void test_text(void **state) {
    (void)state;
    err e;
    assert_int_equal(notice_check_text("通知", "正文", &e), ST_OK);
    assert_int_equal(notice_check_text("通", "正文", &e), ST_INVALID);                /* one character */
    assert_string_equal(e.field, "title");
    assert_int_equal(notice_check_text("  通  ", "正文", &e), ST_INVALID);            /* trimmed */
    assert_int_equal(notice_check_text(NULL, "正文", &e), ST_INVALID);
    /* 100 Chinese characters (300 bytes) pass, 101 do not */
    char t[400] = "";
    for (int i = 0; i < 100; i++) strcat(t, "长");
    assert_int_equal(notice_check_text(t, "正文", &e), ST_OK);
    strcat(t, "长");
    assert_int_equal(notice_check_text(t, "正文", &e), ST_INVALID);
    assert_string_equal(e.field, "title");
    assert_non_null(strstr(e.msg, "100"));
    assert_int_equal(notice_check_text("两\n行", "正文", &e), ST_INVALID);
    assert_string_equal(e.field, "title");
    assert_int_equal(notice_check_text("标题", "第一行\r\n第二行\t缩进", &e), ST_OK);
    assert_int_equal(notice_check_text("标题", " \n\t ", &e), ST_INVALID);
    assert_string_equal(e.field, "body");
    assert_int_equal(notice_check_text("标题", "响铃\a", &e), ST_INVALID);
    assert_string_equal(e.field, "body");
    assert_int_equal(notice_check_text("标题", "\xff\xfe", &e), ST_INVALID);   /* not UTF-8 */
    assert_string_equal(e.field, "body");
    char *big = malloc(NOTICE_BODY_MAX + 2);
    memset(big, 'a', NOTICE_BODY_MAX);
    big[NOTICE_BODY_MAX] = 0;
    assert_int_equal(notice_check_text("标题", big, &e), ST_OK);
    big[NOTICE_BODY_MAX] = 'a';
    big[NOTICE_BODY_MAX + 1] = 0;
    assert_int_equal(notice_check_text("标题", big, &e), ST_INVALID);
    free(big);
}

static void test_channels(void **state) {
    (void)state;
    const notice_channel *ch[NOTICE_CHANNELS_MAX];
    size_t n = 0;
    err e;
    assert_int_equal(notice_channels_parse("app", ch, &n, &e), ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(ch[0]->name, "app");
    assert_true(ch[0]->inbox);
    notice_msg m = {1, "标题", "正文", "demo", "全市"};
    notice_to to = {7, "张三"};
    assert_int_equal(ch[0]->send(&m, &to, 1, &e), ST_OK);
    assert_int_equal(notice_channels_parse(" app, ", ch, &n, &e), ST_OK);
    assert_int_equal(n, 1);
    /* no SMS is faked: an unknown channel is refused, naming it */
    assert_int_equal(notice_channels_parse("app,sms", ch, &n, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "sms"));
    assert_int_equal(notice_channels_parse("app app", ch, &n, &e), ST_INVALID);
    assert_non_null(strstr(e.msg, "重复"));
    assert_int_equal(notice_channels_parse("", ch, &n, &e), ST_INVALID);
    assert_int_equal(notice_channels_parse(NULL, ch, &n, &e), ST_INVALID);
    assert_null(notice_channel_find("wechat"));
    assert_non_null(notice_channel_find("app"));
    /* the setting's default */
    assert_string_equal(cfg_str("notice-channels"), "app");
}

static void test_window_and_time(void **state) {
    (void)state;
    /* defaults: open 1800 s before the start until 1800 s after the end */
    assert_true(notice_checkin_open(1000, 2800, 6400));
    assert_false(notice_checkin_open(999, 2800, 6400));
    assert_true(notice_checkin_open(8200, 2800, 6400));
    assert_false(notice_checkin_open(8201, 2800, 6400));
    char t[17];
    notice_local_time(0, t);
    assert_string_equal(t, "1970-01-01 08:00");          /* China: UTC+8, whatever TZ says */
    notice_local_time(1767196799, t);                       /* 2025-12-31T15:59:59Z */
    assert_string_equal(t, "2025-12-31 23:59");
    notice_local_time(1767196800, t);
    assert_string_equal(t, "2026-01-01 00:00");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_and_places),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_window_and_time),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
