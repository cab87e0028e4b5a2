/* Unit tests for the pure rules of courses (src/study/course.c) and the
 * Range header (src/http/request.c): a heartbeat credits the real elapsed
 * time, nothing after a pause, at most the day's and the course's remainder;
 * the article sanitizer keeps the allow-list only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "http/http.h"
#include "study/course.h"

static void test_beat(void **state) {
    (void)state;
    course_beat b = {.now = 1030, .last_at = 1000, .max_gap = 40, .day_seconds = 0, .day_cap = 14400, .course_seconds = 0, .course_cap = 600};
    assert_int_equal(course_beat_credit(&b), 30);
    b.now = 1040;
    assert_int_equal(course_beat_credit(&b), 40);   /* inside the grace */
    b.now = 1041;
    assert_int_equal(course_beat_credit(&b), 0);    /* a pause: hidden or idle */
    b.now = 999;
    assert_int_equal(course_beat_credit(&b), 0);    /* the clock went back */
    b.now = 1030;
    b.day_seconds = 14390;
    assert_int_equal(course_beat_credit(&b), 10);   /* the day's cap */
    b.day_seconds = 14400;
    assert_int_equal(course_beat_credit(&b), 0);
    b.day_seconds = 0;
    b.course_seconds = 590;
    assert_int_equal(course_beat_credit(&b), 10);   /* the course's length */
    b.course_seconds = 600;
    assert_int_equal(course_beat_credit(&b), 0);
    assert_int_equal(course_cap_seconds("video", 30, 95), 95);
    assert_int_equal(course_cap_seconds("video", 30, 0), 1800);
    assert_int_equal(course_cap_seconds("article", 20, 95), 1200);
}

static char *san(const char *in) {
    static char out[4096];
    buf b;
    err e;
    buf_init(&b, 0);
    assert_int_equal(course_sanitize(in, strlen(in), &b, &e), ST_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    buf_free(&b);
    return out;
}

static void test_sanitize(void **state) {
    (void)state;
    assert_string_equal(san("<p>学习<strong>党章</strong></p>"), "<p>学习<strong>党章</strong></p>");
    assert_string_equal(san("<p onclick=\"x()\" class=a>hi<script>alert(1)</script></p>"), "<p>hi</p>");
    assert_string_equal(san("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
    assert_string_equal(san("<a href=\"https://www.12371.cn/\">共产党员网</a>"),
                        "<a href=\"https://www.12371.cn/\" rel=\"noopener noreferrer\">共产党员网</a>");
    assert_string_equal(san("<img src=\"https://x/a.png\" onerror=\"y\" alt='图'>"), "<img src=\"https://x/a.png\" alt=\"图\">");
    assert_string_equal(san("<img src=\"http://x/a.png\">"), "<img>");
    assert_string_equal(san("<iframe src=x>in</iframe>after"), "after");
    assert_string_equal(san("<STYLE>p{}</style><b>b"), "<b>b</b>");
    assert_string_equal(san("a < b & c &amp; d"), "a &lt; b &amp; c &amp; d");
    assert_string_equal(san("<!-- c --><div>x</div></p></b>"), "x");
    assert_string_equal(san("<ul><li>一<li>二</ul>"), "<ul><li>一<li>二</li></li></ul>");
    assert_string_equal(san("<a href=\"/me/study\">x"), "<a href=\"/me/study\" rel=\"noopener noreferrer\">x</a>");
    assert_string_equal(san("<a href=\"//evil\">x</a>"), "<a>x</a>");
    buf b;
    err e;
    buf_init(&b, 0);
    assert_int_equal(course_sanitize("\xff", 1, &b, &e), ST_INVALID);
    buf_free(&b);
}

static void test_range(void **state) {
    (void)state;
    int64_t a = -1, z = -1;
    assert_int_equal(http_range_parse(NULL, 100, &a, &z), 0);
    assert_int_equal(http_range_parse("bytes=0-9", 100, &a, &z), 1);
    assert_int_equal(a, 0);
    assert_int_equal(z, 9);
    assert_int_equal(http_range_parse("bytes=90-", 100, &a, &z), 1);
    assert_int_equal(a, 90);
    assert_int_equal(z, 99);
    assert_int_equal(http_range_parse("bytes=-10", 100, &a, &z), 1);
    assert_int_equal(a, 90);
    assert_int_equal(http_range_parse("bytes=50-500", 100, &a, &z), 1);
    assert_int_equal(z, 99);
    assert_int_equal(http_range_parse("bytes=100-", 100, &a, &z), -1);
    assert_int_equal(http_range_parse("bytes=-0", 100, &a, &z), -1);
    assert_int_equal(http_range_parse("bytes=0-1,5-6", 100, &a, &z), 0);
    assert_int_equal(http_range_parse("items=0-1", 100, &a, &z), 0);
    assert_int_equal(http_range_parse("bytes=9-1", 100, &a, &z), 0);
    assert_int_equal(http_range_parse("bytes=99999999999999999999-", 100, &a, &z), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beat),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
