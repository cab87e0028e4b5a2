/* Unit tests for online study (src/study/course_store.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL, with the server's clock standing still
 * where the test puts it ("@<seconds>" in the test clock file): a heartbeat
 * credits the real time since the previous one, nothing after a pause longer
 * than the interval and its grace, nothing for a replayed sequence number,
 * nothing for the page of a course superseded by another opened since (one
 * course at a time), at most the day's cap and a video's length; whole
 * minutes reach the ledger (study_credit, source online) and its activity
 * log; offline study is recorded all or none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "member/member_store.h"
#include "study/course_store.h"
#include "study/study_credit.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "meeting/meeting_fixture.h"

static int64_t t0;

static void at(int64_t t) {
    FILE *f = fopen(mfx_clock_path, "w");
    assert_non_null(f);
    fprintf(f, "@%lld\n", (long long)t);
    fclose(f);
}

static int setup(void **state) {
    fx_setup(state);
    if (mfx_clock_setup("coursetest")) return -1;
    t0 = clock_now();
    err e;
    if (cfg_set("course-heartbeat-sec", "30", &e) || cfg_set("course-heartbeat-grace-sec", "10", &e) ||
        cfg_set("course-daily-cap-min", "3", &e) || cfg_set("course-flush-beats", "1", &e))
        return -1;
    return 0;
}

static int teardown(void **state) {
    mfx_clock_done();
    return fx_teardown(state);
}

static int64_t course(fx *x, const char *kind, int64_t minutes, int64_t duration) {
    course_in in = {.kind = kind, .title = kind, .category = "理论学习", .minutes = minutes, .body = "<p>正文</p>", .state = "published",
                    .duration_sec = duration};
    int64_t id = 0;
    err e;
    if (course_store_create(&x->c, &in, &id, &e)) fail_msg("course: %s", e.msg);
    return id;
}

static const char *tok;
static int64_t beat(uc *me, int64_t cid, int64_t seq, st want) {
    course_beat_req b = {.course_id = cid, .token = tok, .seq = seq, .position = 1};
    json_t *o = NULL;
    err e;
    st s = course_store_beat(me, &b, &o, &e);
    if (s != want) fail_msg("beat %lld: %d (%s), want %d", (long long)seq, s, e.msg, want);
    int64_t got = o ? json_integer_value(json_object_get(o, "credited")) : -1;
    json_decref(o);
    return got;
}

static char tokbuf[64];
static void open_course(uc *me, int64_t cid) {
    json_t *o = NULL;
    err e;
    if (course_store_open(me, cid, &o, &e)) fail_msg("open: %s", e.msg);
    snprintf(tokbuf, sizeof tokbuf, "%s", json_string_value(json_object_get(o, "token")));
    tok = tokbuf;
    json_decref(o);
}

static void test_honest_time(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        fx_exec(&x, "DELETE FROM users WHERE username = 'coursetest'");
        int64_t a = mfx_branch(&x, "中共测试甲公司支部", 'A');
        member_new m = {.name = "张三", .id_number = "350203199003151236", .org_id = a, .category = MEMBER_FULL,
                        .joined_on = "2015-07-01", .full_on = "2016-07-01", .day = "2019-01-01"};
        int64_t p = 0, uid = 0;
        err e;
        if (member_store_register(&x.c, &m, &p, NULL, &e)) fail_msg("register: %s", e.msg);
        if (db_query_int(x.d, &uid,
                         "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                         "VALUES ('coursetest', '张三', 'member', 'self', '0', '本人', 'x') RETURNING id",
                         &e, ""))
            fail_msg("user: %s", e.msg);
        if (db_run(x.d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, p)) fail_msg("link: %s", e.msg);
        uc me = x.c;
        me.who.user_id = uid;
        me.who.username = "coursetest";
        me.who.role = "member";
        me.who.scope_kind = "self";
        me.who.scope_code = "0";
        int64_t art = course(&x, "article", 60, 0), vid = course(&x, "video", 10, 75);
        int64_t t = t0;
        at(t);
        open_course(&me, art);
        at(t += 30);
        assert_int_equal(beat(&me, art, 1, ST_OK), 30);       /* the real time since the opening */
        at(t += 30);
        assert_int_equal(beat(&me, art, 2, ST_OK), 30);       /* a minute now: one in the ledger */
        assert_int_equal(fx_count(&x, "SELECT minutes FROM study_credit WHERE source = 'online'"), 1);
        assert_int_equal(beat(&me, art, 2, ST_CONFLICT), -1); /* replayed: nothing */
        at(t += 300);
        assert_int_equal(beat(&me, art, 3, ST_OK), 0);        /* a pause (hidden tab): nothing, re-anchored */
        at(t += 30);
        assert_int_equal(beat(&me, art, 4, ST_OK), 30);
        /* a second course opened at once: the first page's heartbeats credit nothing */
        const char *first = arena_strdup(x.c.mem, tok);
        open_course(&me, vid);
        at(t += 30);
        const char *second = arena_strdup(x.c.mem, tok);
        tok = first;
        assert_int_equal(beat(&me, art, 5, ST_CONFLICT), -1);
        tok = second;
        assert_int_equal(beat(&me, vid, 1, ST_OK), 30);
        at(t += 30);
        assert_int_equal(beat(&me, vid, 2, ST_OK), 30);
        at(t += 30);
        assert_int_equal(beat(&me, vid, 3, ST_OK), 15);       /* the video is 75 s long */
        at(t += 30);
        assert_int_equal(beat(&me, vid, 4, ST_OK), 0);
        /* the day's cap (3 minutes): 90 + 75 credited so far, 15 s left */
        open_course(&me, art);
        at(t += 30);
        assert_int_equal(beat(&me, art, 1, ST_OK), 15);
        at(t += 30);
        assert_int_equal(beat(&me, art, 2, ST_OK), 0);
        /* 180 s in all: whole minutes in the ledger (article 105 s: 1, video 75 s: 1; the rest waits) */
        assert_int_equal(fx_count(&x, "SELECT SUM(minutes) FROM study_credit WHERE source = 'online'"), 2);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM activity WHERE kind = 'study.online'"), 2);
        assert_int_equal(fx_count(&x, "SELECT seconds FROM course_progress WHERE course_id = (SELECT MAX(id) FROM course)"), 75);
        json_t *mine = NULL;
        assert_int_equal(course_store_mine(&me, &mine, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(mine, "recent")), 2);
        json_decref(mine);
        /* offline: all or none */
        int64_t oid = 0, ps[2] = {p, p};
        json_t *rep = NULL;
        course_offline_in in = {.title = "党课：学习党章", .category = "党课", .day = "2026-01-05", .minutes = 120, .persons = ps, .npersons = 2};
        assert_int_equal(course_store_offline(&x.c, &in, &oid, &rep, &e), ST_INVALID);
        assert_int_equal(json_array_size(rep), 1);
        json_decref(rep);
        in.npersons = 1;
        if (course_store_offline(&x.c, &in, &oid, &rep, &e)) fail_msg("offline: %s", e.msg);
        assert_int_equal(fx_count(&x, "SELECT minutes FROM study_credit WHERE source = 'offline'"), 120);
        fx_exec(&x, "UPDATE person SET user_id = NULL");
        fx_close(&x);
    }
}


static int64_t row_int(fx *x, const char *col, int64_t person) {
    return fx_count(x, arena_printf(x->c.mem, "SELECT %s FROM course_session WHERE person_id = %lld", col, (long long)person));
}

/* Heartbeats answered from memory, written on a flush (every course-flush-beats, a pause, the server's stop);
 * a flush leaves one audit row; a server whose copy is stale (another server flushed the session meanwhile)
 * has its flush refused, drops its copy and judges the heartbeat against the row: nothing credited twice. */
static void test_flush(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        if (cfg_set("course-flush-beats", "3", &e)) fail_msg("setting: %s", e.msg);
        fx_exec(&x, "DELETE FROM users WHERE username = 'coursetest2'");
        int64_t a = mfx_branch(&x, "中共测试丙公司支部", 'A');
        member_new m = {.name = "李四", .id_number = "350203198506122344", .org_id = a, .category = MEMBER_FULL,
                        .joined_on = "2015-07-01", .full_on = "2016-07-01", .day = "2019-01-01"};
        int64_t p = 0, uid = 0;
        if (member_store_register(&x.c, &m, &p, NULL, &e)) fail_msg("register: %s", e.msg);
        if (db_query_int(x.d, &uid,
                         "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                         "VALUES ('coursetest2', '李四', 'member', 'self', '0', '本人', 'x') RETURNING id",
                         &e, ""))
            fail_msg("user: %s", e.msg);
        if (db_run(x.d, "UPDATE person SET user_id = $1 WHERE id = $2", &e, "ii", uid, p)) fail_msg("link: %s", e.msg);
        uc me = x.c;
        me.who.user_id = uid;
        me.who.username = "coursetest2";
        me.who.role = "member";
        me.who.scope_kind = "self";
        me.who.scope_code = "0";
        int64_t art = course(&x, "article", 60, 0);
        const char *flushes = "SELECT COUNT(*) FROM audit WHERE action = 'course.heartbeat' AND result = 'ok'";
        int64_t t = t0 + 86400 * 3;
        at(t);
        open_course(&me, art);
        const int64_t f0 = fx_count(&x, flushes), k0 = fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'online'");
        at(t += 30);
        assert_int_equal(beat(&me, art, 1, ST_OK), 30);
        at(t += 30);
        assert_int_equal(beat(&me, art, 2, ST_OK), 30);
        /* two heartbeats in memory: no row written, no minute in the ledger, no audit row */
        assert_int_equal(row_int(&x, "seq", p), 0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM study_credit WHERE source = 'online'"), k0);
        assert_int_equal(fx_count(&x, flushes), f0);
        at(t += 30);
        assert_int_equal(beat(&me, art, 3, ST_OK), 30);   /* the third: flushed, one audit row */
        assert_int_equal(row_int(&x, "seq", p), 3);
        assert_int_equal(row_int(&x, "course_seconds", p), 90);
        assert_int_equal(fx_count(&x, arena_printf(x.c.mem, "SELECT SUM(minutes) FROM study_credit WHERE source = 'online' AND person_id = %lld", (long long)p)), 1);
        assert_int_equal(fx_count(&x, flushes), f0 + 1);
        at(t += 30);
        assert_int_equal(beat(&me, art, 4, ST_OK), 30);
        json_t *o = NULL;
        if (course_store_mine_get(&me, art, &o, &e)) fail_msg("mine: %s", e.msg);
        assert_int_equal(json_integer_value(json_object_get(o, "seconds")), 120);   /* what this server holds */
        json_decref(o);
        /* another server took the session meanwhile and flushed its heartbeats 5 and 6 */
        fx_exec(&x, arena_printf(x.c.mem, "UPDATE course_session SET seq = 6, course_seconds = 150, last_at = %lld WHERE person_id = %lld",
                                 (long long)t, (long long)p));
        at(t += 30);
        assert_int_equal(beat(&me, art, 5, ST_OK), 30);   /* answered from this server's stale copy, not written */
        at(t += 30);
        assert_int_equal(beat(&me, art, 6, ST_CONFLICT), -1);   /* its flush refused; against the row, 6 is a replay */
        assert_int_equal(row_int(&x, "course_seconds", p), 150);   /* the other server's seconds, none of ours added */
        assert_int_equal(fx_count(&x, flushes), f0 + 1);
        at(t += 30);
        assert_int_equal(beat(&me, art, 7, ST_OK), 0);    /* 90 s since the row's last heartbeat: a gap, re-anchored */
        at(t += 30);
        assert_int_equal(beat(&me, art, 8, ST_OK), 30);
        /* the server stops: the session held in memory is written, with its audit row */
        int64_t n = 0;
        if (course_store_flush_all(x.d, &n, &e)) fail_msg("flush all: %s", e.msg);
        assert_int_equal(n, 1);
        assert_int_equal(row_int(&x, "seq", p), 8);
        assert_int_equal(row_int(&x, "course_seconds", p), 180);
        assert_int_equal(fx_count(&x, flushes), f0 + 2);
        /* a pause (the page hidden) is written at once */
        at(t += 10);
        assert_int_equal(beat(&me, art, 9, ST_OK), 10);   /* loaded from the row: the time since its last heartbeat */
        course_beat_req pb = {.course_id = art, .token = tok, .seq = 10, .position = 2, .pause = true};
        at(t += 20);
        if (course_store_beat(&me, &pb, &o, &e)) fail_msg("pause: %s", e.msg);
        json_decref(o);
        assert_int_equal(row_int(&x, "seq", p), 10);
        assert_int_equal(row_int(&x, "course_seconds", p), 210);
        assert_int_equal(fx_count(&x, flushes), f0 + 3);
        if (cfg_set("course-flush-beats", "1", &e)) fail_msg("setting: %s", e.msg);
        fx_exec(&x, "UPDATE person SET user_id = NULL");
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_honest_time),
        cmocka_unit_test(test_flush),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
