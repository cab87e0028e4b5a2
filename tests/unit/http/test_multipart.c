/* Unit tests for src/http/multipart.c: the boundary read from Content-Type as
 * MHD reads it, and the close-delimiter check over bodies cut into chunks of
 * every size (an upload without its closing boundary must be refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

static void test_boundary(void **state) {
    (void)state;
    char b[MP_BOUNDARY_MAX + 1];
    assert_int_equal(mp_boundary("multipart/form-data; boundary=abc", b, sizeof b), 3);
    assert_string_equal(b, "abc");
    assert_int_equal(mp_boundary("Multipart/Form-Data; boundary=\"a b\"", b, sizeof b), 3);
    assert_string_equal(b, "a b");
    assert_int_equal(mp_boundary("multipart/form-data; boundary=\"\"", b, sizeof b), 0);
    /* a lone quote is both the opening and the closing one */
    assert_int_equal(mp_boundary("multipart/form-data; boundary=\"", b, sizeof b), 0);
    assert_int_equal(mp_boundary("multipart/form-data; boundary=\"abc", b, sizeof b), 0);
    assert_int_equal(mp_boundary("multipart/form-data; boundary=", b, sizeof b), 0);
    assert_int_equal(mp_boundary("multipart/form-data", b, sizeof b), 0);
    assert_int_equal(mp_boundary("application/json; boundary=abc", b, sizeof b), 0);
    assert_int_equal(mp_boundary(NULL, b, sizeof b), 0);
    char ct[400] = "multipart/form-data; boundary=";
    memset(ct + strlen(ct), 'x', MP_BOUNDARY_MAX);
    assert_int_equal(mp_boundary(ct, b, sizeof b), MP_BOUNDARY_MAX);
    strcat(ct, "x");
    assert_int_equal(mp_boundary(ct, b, sizeof b), 0);
    assert_int_equal(mp_boundary("multipart/form-data; boundary=abc", b, 3), 0);  /* no room */
}

static bool closed_in_chunks(const char *body, size_t n, const char *bd, size_t step) {
    mp_close m;
    mp_close_init(&m, bd, strlen(bd));
    for (size_t off = 0; off < n; off += step) mp_close_feed(&m, body + off, off + step > n ? n - off : step);
    return mp_close_done(&m);
}

static void check_all_chunkings(const char *body, const char *bd, bool want) {
    size_t n = strlen(body);
    for (size_t step = 1; step <= n + 1; step++) {
        if (closed_in_chunks(body, n, bd, step) != want) fail_msg("step %zu: body %s", step, body);
    }
}

static const char good[] =
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
    "Content-Type: text/csv\r\n\r\n企业名称,从业人数\r\n甲,3\r\n--XyZ--\r\n";

static void test_close(void **state) {
    (void)state;
    check_all_chunkings(good, "XyZ", true);
    /* the body cut anywhere before the last two dashes is not closed */
    size_t n = strlen(good);
    char *cut = malloc(n + 1);
    for (size_t k = 0; k + 3 < n; k++) {
        memcpy(cut, good, k);
        cut[k] = 0;
        check_all_chunkings(cut, "XyZ", false);
    }
    free(cut);
    /* no trailing CRLF, an epilogue after the close, a preamble before the first part */
    check_all_chunkings("--XyZ\r\n\r\nv\r\n--XyZ--", "XyZ", true);
    check_all_chunkings("--XyZ\r\n\r\nv\r\n--XyZ--\r\nepilogue", "XyZ", true);
    check_all_chunkings("preamble\r\n--XyZ\r\n\r\nv\r\n--XyZ--", "XyZ", true);
    /* delimiters that only look closed */
    check_all_chunkings("--XyZ\r\n\r\nv\r\n--XyZ\r\n\r\nw\r\n--XyZ-", "XyZ", false);
    check_all_chunkings("--XyZ\r\n\r\nv\n--XyZ--", "XyZ", false);        /* bare LF: MHD wants CRLF */
    check_all_chunkings("--XyZ\r\n\r\nv\r\n--XyZZ--", "XyZ", false);     /* another boundary */
    check_all_chunkings("--XyZ\r\n\r\nv\r\n-XyZ--", "XyZ", false);
    check_all_chunkings("--XyZ\r\n\r\nXyZ--", "XyZ", false);
    /* a body that is nothing but the close delimiter (no parts) */
    check_all_chunkings("--XyZ--", "XyZ", true);
    check_all_chunkings("", "XyZ", false);
    /* empty chunks change nothing */
    mp_close m;
    mp_close_init(&m, "b", 1);
    mp_close_feed(&m, "", 0);
    mp_close_feed(&m, "\r\n--", 4);
    mp_close_feed(&m, "", 0);
    mp_close_feed(&m, "b-", 2);
    assert_false(mp_close_done(&m));
    mp_close_feed(&m, "-", 1);
    assert_true(mp_close_done(&m));
}

/* Random bodies over a two-letter alphabet plus CRLF and dashes (dense in
 * near-misses), cut at random points: the tracker agrees with a search over
 * the whole body. */
static void test_close_random(void **state) {
    (void)state;
    srand(11);
    static const char alpha[] = "ab\r\n--";
    char body[200], whole[210];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand() % 40);
        for (size_t i = 0; i < n; i++) body[i] = alpha[rand() % 6];
        body[n] = 0;
        const char *bd = (rand() & 1) ? "ab" : "a";
        char delim[16];
        size_t dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s--", bd);
        size_t wl = (size_t)snprintf(whole, sizeof whole, "\r\n%s", body);
        bool want = memmem(whole, wl, delim, dl) != NULL;
        mp_close m;
        mp_close_init(&m, bd, strlen(bd));
        for (size_t off = 0; off < n;) {
            size_t k = (size_t)(rand() % 5);
            if (k > n - off) k = n - off;
            mp_close_feed(&m, body + off, k);
            off += k;
        }
        if (mp_close_done(&m) != want) fail_msg("round %d: boundary %s body %s", round, bd, body);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_close_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
