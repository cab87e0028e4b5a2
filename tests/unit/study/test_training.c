/* Unit tests for the rules of training batches (src/study/training.c): the
 * completion share at its edges, the certificate's number, 学时 as minutes
 * and back, audiences; and the certificate as PDF (src/study/training_pdf.c):
 * a PDF whose fonts are embedded and whose text can be extracted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bulletin/bulletin.h"
#include "study/training.h"
#include "study/training_store.h"

static void test_completes(void **state) {
    (void)state;
    assert_true(training_completes(4, 5, 80));    /* exactly the share */
    assert_false(training_completes(3, 5, 80));
    assert_true(training_completes(5, 5, 100));
    assert_false(training_completes(4, 5, 100));
    assert_true(training_completes(1, 3, 33) == true);   /* 33.3 % >= 33 % */
    assert_false(training_completes(0, 5, 1));    /* nobody completes without attending */
    assert_false(training_completes(3, 0, 80));   /* no sessions, no completion */
    assert_true(training_completes(9, 5, 100));   /* counted at most the sessions */
}

static void test_cert_number(void **state) {
    (void)state;
    char no[96];
    training_cert_number("厦党培", 2026, 1, no, sizeof no);
    assert_string_equal(no, "厦党培〔2026〕第0001号");
    training_cert_number("厦党培", 2025, 12345, no, sizeof no);
    assert_string_equal(no, "厦党培〔2025〕第12345号");
}

static void test_hours(void **state) {
    (void)state;
    int64_t m;
    assert_true(training_hours_minutes("3", &m));
    assert_int_equal(m, 180);
    assert_true(training_hours_minutes("1.5", &m));
    assert_int_equal(m, 90);
    assert_true(training_hours_minutes("0.25", &m));
    assert_int_equal(m, 15);
    assert_false(training_hours_minutes("0", &m));
    assert_false(training_hours_minutes("", &m));
    assert_false(training_hours_minutes("1.", &m));
    assert_false(training_hours_minutes("-1", &m));
    assert_false(training_hours_minutes("0.01", &m));   /* not whole minutes */
    assert_false(training_hours_minutes("101", &m));
    assert_false(training_hours_minutes("2学时", &m));
    char h[24];
    training_minutes_hours(180, h);
    assert_string_equal(h, "3");
    training_minutes_hours(90, h);
    assert_string_equal(h, "1.5");
    training_minutes_hours(15, h);
    assert_string_equal(h, "0.25");
    assert_true(training_audience_ok("investor"));
    assert_false(training_audience_ok("boss"));
    assert_string_equal(training_audience_label("admin"), "平台管理员");
    assert_string_equal(training_state_label("invited"), "已邀请，待答复");
}

static void test_cert_pdf(void **state) {
    (void)state;
    training_cert k = {.number = "厦党培〔2026〕第0001号", .name = "张三", .unit = "中共测试甲公司支部", .batch = "第一期互联网企业党组织书记培训班",
                       .starts_on = "2026-03-02", .ends_on = "2026-03-04", .hours = "16", .organizer = "中共厦门市委组织部",
                       .issued_on = "2026-03-04", .sessions = 6, .attended = 6};
    char path[] = "/tmp/ejia-training-cert-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    err e;
    assert_int_equal(training_cert_pdf(&k, path, &e), ST_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char pdf[1 << 20];
    size_t n = fread(pdf, 1, sizeof pdf - 1, f);
    fclose(f);
    pdf[n] = 0;
    assert_memory_equal(pdf, "%PDF", 4);
    assert_non_null(memmem(pdf, n, "/FontFile", 9));   /* the fonts are embedded */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext -q %s - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (p) {
        static char txt[65536];
        size_t m = fread(txt, 1, sizeof txt - 1, p);
        txt[m] = 0;
        size_t w = 0;   /* lines joined: a long name wraps */
        for (size_t i = 0; i < m; i++)
            if (txt[i] != '\n') txt[w++] = txt[i];
        txt[w] = 0;
        int rc = pclose(p);
        if (rc == 0 && m) {   /* text extractable: the certificate's words, the number, the hours */
            assert_non_null(strstr(txt, "厦党培〔2026〕第0001号"));
            assert_non_null(strstr(txt, "第一期互联网企业党组织书记培训班"));
            assert_non_null(strstr(txt, "16 学时"));
            assert_non_null(strstr(txt, "中共厦门市委组织部"));
        } else if (access("/usr/bin/pdftotext", X_OK) == 0)
            fail_msg("pdftotext could not read the certificate");
    }
    if (!getenv("KEEP_PDF")) unlink(path);
    else fprintf(stderr, "certificate: %s\n", path);
    close(fd);
}

/* The font caches released at the end, as the server does at exit. */
static int pdf_teardown(void **state) {
    (void)state;
    bulletin_render_shutdown();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_completes),
        cmocka_unit_test(test_cert_number),
        cmocka_unit_test(test_hours),
        cmocka_unit_test(test_cert_pdf),
    };
    return cmocka_run_group_tests(tests, NULL, pdf_teardown);
}
