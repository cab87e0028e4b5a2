/* Unit tests for a meeting's photos (src/meeting/meeting_photo_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: the type read from
 * the content whatever the name (JPEG, PNG, WebP; text named .png refused),
 * the width and height from the header when it gives them,
 * empty and too large refused (meeting-photo-max-bytes), the count per
 * meeting (meeting-photo-max-count), the bytes kept once by content in
 * meeting-files-dir/<2 hex>/<sha256>; a locked record: refused without a
 * reason, an amendment with one (history kept); removal keeps the row; the
 * scope of a district office; one audit row per act, a view audited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "meeting/meeting_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static char files_dir_path[80], upload_path[80];

static int setup(void **state) {
    fx_setup(state);
    if (mfx_clock_setup("phototest")) return -1;
    snprintf(files_dir_path, sizeof files_dir_path, "/tmp/ejia-phototest-files-%d", (int)getpid());
    snprintf(upload_path, sizeof upload_path, "/tmp/ejia-phototest-upload-%d", (int)getpid());
    err e;
    return cfg_set("meeting-files-dir", files_dir_path, &e) ? -1 : 0;
}

static int teardown(void **state) {
    mfx_clock_done();
    unlink(upload_path);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", files_dir_path);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", files_dir_path);
    return fx_teardown(state);
}

static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
static const unsigned char JPEG[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9};
static const unsigned char WEBP[] = {'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 13, 0, 0, 0, 0x2f, 0, 0, 0, 0, 0, 0, 0};

/* The upload file: these bytes, then pad bytes of 0 (a larger image). */
static const char *upload(const void *p, size_t n, size_t pad) {
    FILE *f = fopen(upload_path, "wb");
    if (!f) fail_msg("cannot write %s", upload_path);
    if (n) fwrite(p, 1, n, f);
    for (size_t i = 0; i < pad; i++) fputc(0, f);
    fclose(f);
    return upload_path;
}


/* A meeting of the branch on day, recorded when held is set. */
static int64_t meeting(fx *x, int64_t org, const char *day, bool held) {
    meeting_new m = {.org_id = org, .kind = "党课", .day = day, .start = "09:00", .end = "10:00", .place = "活动室", .topic = "党课"};
    int64_t id = 0;
    err e;
    if (meeting_store_plan(&x->c, &m, &id, &e)) fail_msg("plan %s: %s", day, e.msg);
    meeting_record r = {.minutes = "记录"};
    if (held && meeting_store_record(&x->c, id, &r, &e)) fail_msg("record %s: %s", day, e.msg);
    return id;
}


static void test_photo_type(void **state) {
    (void)state;
    assert_string_equal(meeting_photo_type(PNG, sizeof PNG), "image/png");
    assert_string_equal(meeting_photo_type(JPEG, sizeof JPEG), "image/jpeg");
    assert_string_equal(meeting_photo_type(WEBP, sizeof WEBP), "image/webp");
    assert_null(meeting_photo_type((const unsigned char *)"%PDF-1.4 not a photo", 20));
    assert_null(meeting_photo_type((const unsigned char *)"RIFF\x10\0\0\0WAVEfmt ", 16));   /* RIFF, but sound */
    assert_null(meeting_photo_type(PNG, 7));                                                 /* cut short */
    assert_null(meeting_photo_type(JPEG, 2));
    assert_null(meeting_photo_type(NULL, 0));
}

/* Width and height from the header: PNG's IHDR, JPEG's frame after other segments, WebP's three kinds. */
static void test_photo_size(void **state) {
    (void)state;
    int w = -1, h = -1;
    assert_true(meeting_photo_size(PNG, sizeof PNG, &w, &h));
    assert_int_equal(w, 1);
    assert_int_equal(h, 1);
    static const unsigned char png640[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 2, 0x80, 0, 0, 1, 0xE0};
    assert_true(meeting_photo_size(png640, sizeof png640, &w, &h));
    assert_int_equal(w, 640);
    assert_int_equal(h, 480);
    assert_false(meeting_photo_size(png640, sizeof png640 - 1, &w, &h));   /* cut inside IHDR */
    assert_int_equal(w, 0);
    /* JPEG: SOI, APP0 (JFIF), a fill byte, DQT, then SOF2 (progressive) 3000 × 4000 */
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                                        0xFF, 0xFF, 0xDB, 0, 4, 0, 0,
                                        0xFF, 0xC2, 0, 17, 8, 0x0F, 0xA0, 0x0B, 0xB8, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1};
    assert_true(meeting_photo_size(jpg, sizeof jpg, &w, &h));
    assert_int_equal(w, 3000);
    assert_int_equal(h, 4000);
    assert_false(meeting_photo_size(jpg, 33, &w, &h));          /* the frame header cut short */
    assert_false(meeting_photo_size(JPEG, sizeof JPEG, &w, &h));  /* no frame at all: EOI first */
    static const unsigned char sos[] = {0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xC0, 0, 17, 8, 0, 1, 0, 1};
    assert_false(meeting_photo_size(sos, sizeof sos, &w, &h));   /* a scan before the frame */
    static const unsigned char badlen[] = {0xFF, 0xD8, 0xFF, 0xE1, 0, 1, 0xFF, 0xC0, 0, 17, 8, 0, 1, 0, 1};
    assert_false(meeting_photo_size(badlen, sizeof badlen, &w, &h));
    /* WebP: lossless (VP8L) 1 × 1; lossy (VP8) 320 × 240; extended (VP8X) 4000 × 3000 */
    assert_true(meeting_photo_size(WEBP, sizeof WEBP, &w, &h));
    assert_int_equal(w, 1);
    assert_int_equal(h, 1);
    static const unsigned char vp8[] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ', 0, 0, 0, 0,
                                        0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00};
    assert_true(meeting_photo_size(vp8, sizeof vp8, &w, &h));
    assert_int_equal(w, 320);
    assert_int_equal(h, 240);
    static const unsigned char vp8x[] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
                                         0, 0, 0, 0, 0x9F, 0x0F, 0x00, 0xB7, 0x0B, 0x00};
    assert_true(meeting_photo_size(vp8x, sizeof vp8x, &w, &h));
    assert_int_equal(w, 4000);
    assert_int_equal(h, 3000);
    assert_false(meeting_photo_size(vp8x, sizeof vp8x - 1, &w, &h));
    assert_false(meeting_photo_size((const unsigned char *)"not an image", 12, &w, &h));
    assert_false(meeting_photo_size(NULL, 0, &w, &h));
}

static void test_add_view_remove(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        int64_t m = meeting(&x, a, mfx_today(), true);   /* held today: open */
        err e;
        int64_t p1 = 0, p2 = 0, p3 = 0, audit0 = fx_audit_rows(&x);
        /* a PNG named .jpg: a PNG */
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(PNG, sizeof PNG, 0), "合影.jpg", NULL, &p1, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "meeting.photo_add meeting:%lld", (long long)m));
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(JPEG, sizeof JPEG, 0), "现场.png", NULL, &p2, &e), ST_OK);
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(WEBP, sizeof WEBP, 0), "手机.webp", NULL, &p3, &e), ST_OK);
        assert_true(p1 > 0 && p2 > p1 && p3 > p2);
        /* text named .png, an empty file: refused, nothing written, nothing audited */
        int64_t none = 0, audit1 = fx_audit_rows(&x);
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload("not an image at all", 19, 0), "照片.png", NULL, &none, &e), ST_INVALID);
        assert_string_equal(e.field, "file");
        assert_non_null(strstr(e.msg, "按文件内容判断"));
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(NULL, 0, 0), "空.jpg", NULL, &none, &e), ST_INVALID);
        assert_int_equal(none, 0);
        assert_int_equal(fx_audit_rows(&x), audit1);
        /* too large: over meeting-photo-max-bytes */
        assert_int_equal(cfg_set("meeting-photo-max-bytes", "1024", &e), ST_OK);
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(PNG, sizeof PNG, 1024), "大.png", NULL, &none, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "过大"));
        assert_int_equal(cfg_set("meeting-photo-max-bytes", "10485760", &e), ST_OK);
        /* the count: three there, a limit of three */
        assert_int_equal(cfg_set("meeting-photo-max-count", "3", &e), ST_OK);
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(PNG, sizeof PNG, 5), "四.png", NULL, &none, &e), ST_CONFLICT);
        assert_non_null(strstr(e.msg, "meeting-photo-max-count"));
        assert_int_equal(cfg_set("meeting-photo-max-count", "30", &e), ST_OK);
        /* kept once by content: the PNG twice is one file */
        int64_t again = 0;
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(PNG, sizeof PNG, 0), "副本.png", NULL, &again, &e), ST_OK);
        const char *path, *mime, *name;
        assert_int_equal(meeting_store_photo(&x.c, m, p1, &path, &mime, &name, &e), ST_OK);
        assert_string_equal(mime, "image/png");
        assert_string_equal(name, "合影.jpg");
        assert_int_equal(strncmp(path, files_dir_path, strlen(files_dir_path)), 0);
        struct stat sb;
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_size, (off_t)sizeof PNG);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "meeting.photo.read meeting_photo:%lld", (long long)p1));
        assert_int_equal(fx_count(&x, "SELECT COUNT(DISTINCT sha256) FROM meeting_photo"), 3);
        /* the meeting lists its photos */
        json_t *o = NULL;
        assert_int_equal(meeting_store_get(&x.c, m, &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "photos")), 4);
        assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "photos"), 2), "mime")), "image/webp");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(o, "photos"), 0), "width")), 1);
        assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o, "photos"), 1), "width")));   /* JPEG without a frame */
        json_decref(o);
        /* removed while open: no reason needed, the row kept, no longer listed or viewed */
        int64_t audit2 = fx_audit_rows(&x);
        assert_int_equal(meeting_store_photo_remove(&x.c, m, again, NULL, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x), audit2 + 1);
        assert_string_equal(fx_last_audit(&x), arena_printf(&x.mem, "meeting.photo_remove meeting:%lld", (long long)m));
        assert_int_equal(meeting_store_photo_remove(&x.c, m, again, NULL, &e), ST_CONFLICT);
        assert_int_equal(meeting_store_photo(&x.c, m, again, &path, &mime, &name, &e), ST_NOT_FOUND);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_photo WHERE removed_at IS NOT NULL AND removed_by IS NOT NULL"), 1);
        assert_int_equal(meeting_store_get(&x.c, m, &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "photos")), 3);
        assert_int_equal(json_array_size(json_object_get(o, "photos_removed")), 1);
        json_decref(o);
        /* a photo of another meeting is not this meeting's */
        int64_t other = meeting(&x, a, mfx_today(), false);
        assert_int_equal(meeting_store_photo(&x.c, other, p1, &path, &mime, &name, &e), ST_NOT_FOUND);
        assert_int_equal(meeting_store_photo_remove(&x.c, other, p1, NULL, &e), ST_NOT_FOUND);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_amendment"), 0);
        fx_close(&x);
    }
}

static void test_locked_and_scope(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        char old[11];
        meeting_day_add(mfx_today(), -60, old);
        int64_t m = meeting(&x, a, old, true);   /* held 60 days ago: locked after 30 */
        err e;
        int64_t p = 0, audit0 = fx_audit_rows(&x);
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(JPEG, sizeof JPEG, 0), "补.jpg", NULL, &p, &e), ST_CONFLICT);
        assert_string_equal(e.api_code, "locked");
        assert_string_equal(e.field, "reason");
        assert_non_null(strstr(e.msg, "更正理由"));
        assert_int_equal(fx_audit_rows(&x), audit0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_photo"), 0);
        /* with a reason: an amendment, the photos before and after kept */
        assert_int_equal(meeting_store_photo_add(&x.c, m, upload(JPEG, sizeof JPEG, 0), "补.jpg", "补传会议现场照片", &p, &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x), audit0 + 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_amendment"), 1);
        json_t *o = NULL;
        assert_int_equal(meeting_store_get(&x.c, m, &o, &e), ST_OK);
        assert_true(json_is_true(json_object_get(o, "locked")));
        json_t *am = json_array_get(json_object_get(o, "amendments"), 0);
        assert_string_equal(json_string_value(json_object_get(am, "reason")), "补传会议现场照片");
        assert_int_equal(json_array_size(json_object_get(json_object_get(am, "before"), "photos")), 0);
        assert_int_equal(json_array_size(json_object_get(json_object_get(am, "after"), "photos")), 1);
        json_decref(o);
        /* removal once locked: the same */
        assert_int_equal(meeting_store_photo_remove(&x.c, m, p, NULL, &e), ST_CONFLICT);
        assert_string_equal(e.api_code, "locked");
        assert_int_equal(meeting_store_photo_remove(&x.c, m, p, "照片与本次会议无关", &e), ST_OK);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_amendment"), 2);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meeting_photo WHERE removed_reason = '照片与本次会议无关'"), 1);
        /* scope: 湖里区's office neither adds to nor views 思明区's meeting; 思明区's does */
        int64_t open = meeting(&x, a, mfx_today(), true), q = 0;
        uc huli = fx_scoped(&x, "district", "350206"), siming = fx_scoped(&x, "district", "350203");
        assert_int_equal(meeting_store_photo_add(&huli, open, upload(PNG, sizeof PNG, 0), "x.png", NULL, &q, &e), ST_FORBIDDEN);
        assert_int_equal(meeting_store_photo_add(&siming, open, upload(PNG, sizeof PNG, 0), "x.png", NULL, &q, &e), ST_OK);
        const char *path, *mime, *name;
        assert_int_equal(meeting_store_photo(&huli, open, q, &path, &mime, &name, &e), ST_FORBIDDEN);
        assert_int_equal(meeting_store_photo_remove(&huli, open, q, NULL, &e), ST_FORBIDDEN);
        assert_int_equal(meeting_store_photo(&siming, open, q, &path, &mime, &name, &e), ST_OK);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_photo_type),
        cmocka_unit_test(test_photo_size),
        cmocka_unit_test(test_add_view_remove),
        cmocka_unit_test(test_locked_and_scope),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
