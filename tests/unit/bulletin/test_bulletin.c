/* Unit tests for the rules of the 旬 bulletin (src/bulletin/bulletin.c) on
 * hand-made figures: the frame of a 旬, rows in rank order (rate, then
 * change, then code), change against the issued bulletin or the computed
 * figures of the previous 旬, the city line, the notes; and the document's
 * JSON read back to the same document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bulletin/bulletin.h"

static const coverage_row districts[] = {{"350203", "思明区"}, {"350206", "湖里区"}, {"350211", "集美区"}};
static const coverage_row now[] = {{"350203", "思明区", 10, 7, 8}, {"350206", "湖里区", 20, 14, 15}, {NULL, "（未填写）", 5, 1, 1}};
static const coverage_row before[] = {{"350203", "思明区", 10, 5, 6}, {"350206", "湖里区", 20, 14, 14}, {NULL, "（未填写）", 5, 0, 0}};
static const bulletin_count established[] = {{"350203", 2}, {NULL, 1}};
static const bulletin_count upgraded[] = {{"350206", 1}};
static const org_district_count findings[] = {{"350203", 4, 1}, {"350211", 2, 0}};

static bulletin_inputs inputs(void) {
    bulletin_inputs in = {.districts = districts, .ndistricts = 3, .now = now, .nnow = 3, .before = before, .nbefore = 3,
                          .established = established, .nestablished = 2, .upgraded = upgraded, .nupgraded = 1,
                          .findings = findings, .nfindings = 2, .city_name = "厦门市"};
    return in;
}

static void test_frame(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    org_xun x = {2018, 3, 1};
    bulletin_doc *d = bulletin_new(&a, &x);
    assert_string_equal(d->period, "2018-03-1");
    assert_string_equal(d->title, "2018年3月上旬");
    assert_string_equal(d->first_day, "2018-03-01");
    assert_string_equal(d->last_day, "2018-03-10");
    assert_string_equal(d->prev_period, "2018-02-3");
    assert_string_equal(d->prev_day, "2018-02-28");
    assert_string_equal(d->prev_source, "computed");
    assert_false(d->issued);
    arena_free(&a);
}

static void test_assemble_computed(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    org_xun x = {2018, 4, 3};
    bulletin_doc *d = bulletin_new(&a, &x);
    bulletin_inputs in = inputs();
    err e;
    assert_int_equal(bulletin_assemble(&a, d, &in, &e), ST_OK);
    assert_int_equal(d->nrows, 3);
    /* 思明 70.0 (+20.0), 湖里 70.0 (0.0), 集美 0.0: equal rates rank by change */
    assert_string_equal(d->rows[0].code, "350203");
    assert_int_equal(d->rows[0].rank, 1);
    assert_true(d->rows[0].rate == 70.0);
    assert_true(d->rows[0].prev_rate == 50.0);
    assert_true(d->rows[0].change == 20.0);
    assert_int_equal(d->rows[0].new_orgs, 2);
    assert_int_equal(d->rows[0].findings, 4);
    assert_int_equal(d->rows[0].should_form, 1);
    assert_string_equal(d->rows[1].code, "350206");
    assert_true(d->rows[1].work_rate == 75.0);
    assert_int_equal(d->rows[1].upgrades, 1);
    assert_string_equal(d->rows[2].code, "350211");
    assert_int_equal(d->rows[2].enterprises, 0);
    assert_int_equal(d->rows[2].rank, 3);
    /* the city: the districts added up; its previous rate over every enterprise of that day */
    assert_string_equal(d->city.name, "厦门市");
    assert_int_equal(d->city.enterprises, 30);
    assert_int_equal(d->city.covered, 21);
    assert_int_equal(d->city.prev_covered, 19);
    assert_true(d->city.rate == 70.0);
    assert_true(d->city.prev_rate == 54.3);   /* 19 of 35 */
    assert_true(d->city.change == 15.7);
    assert_int_equal(d->city.new_orgs, 2);
    assert_int_equal(d->city.findings, 6);
    assert_non_null(strstr(d->notes[2], "较上期变化对比2018-04-2通报"));
    arena_free(&a);
}

static void test_assemble_issued(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    org_xun p = {2018, 4, 2}, x = {2018, 4, 3};
    bulletin_inputs in = inputs();
    err e;
    bulletin_doc *prev = bulletin_new(&a, &p);
    assert_int_equal(bulletin_assemble(&a, prev, &in, &e), ST_OK);
    /* as announced: 湖里 at 71.3, the city at 60.0 */
    for (size_t i = 0; i < prev->nrows; i++)
        if (!strcmp(prev->rows[i].code, "350206")) prev->rows[i].rate = 71.3;
    prev->city.rate = 60.0;
    prev->city.covered = 18;
    in.prev = prev;
    bulletin_doc *d = bulletin_new(&a, &x);
    assert_int_equal(bulletin_assemble(&a, d, &in, &e), ST_OK);
    assert_string_equal(d->prev_source, "issued");
    assert_string_equal(d->rows[1].code, "350206");
    assert_true(d->rows[1].prev_rate == 71.3);
    assert_true(d->rows[1].change == -1.3);
    assert_true(d->city.prev_rate == 60.0);
    assert_int_equal(d->city.prev_covered, 18);
    assert_true(d->city.change == 10.0);
    assert_non_null(strstr(d->notes[2], "已发布的"));
    arena_free(&a);
}

static void test_json_round_trip(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    org_xun x = {2018, 4, 3};
    bulletin_doc *d = bulletin_new(&a, &x);
    bulletin_inputs in = inputs();
    err e;
    assert_int_equal(bulletin_assemble(&a, d, &in, &e), ST_OK);
    json_t *j = bulletin_to_json(d);
    assert_false(json_is_true(json_object_get(j, "issued")));
    assert_null(json_object_get(j, "issued_by"));
    assert_null(json_object_get(json_object_get(j, "city"), "rank"));
    assert_null(json_object_get(json_object_get(j, "city"), "code"));
    assert_int_equal(json_array_size(json_object_get(j, "notes")), 4);
    json_t *r0 = json_array_get(json_object_get(j, "rows"), 0);
    assert_true(json_is_real(json_object_get(r0, "change")));
    assert_true(json_is_integer(json_object_get(r0, "rank")));
    bulletin_doc *back = NULL;
    assert_int_equal(bulletin_from_json(&a, j, &back, &e), ST_OK);
    json_t *j2 = bulletin_to_json(back);
    assert_true(json_equal(j, j2));
    /* issued: who and when follow */
    back->issued = true;
    back->issued_by = "o_city";
    back->issued_at = 1700000000;
    json_t *j3 = bulletin_to_json(back);
    assert_string_equal(json_string_value(json_object_get(j3, "issued_by")), "o_city");
    assert_int_equal(json_integer_value(json_object_get(j3, "issued_at")), 1700000000);
    json_decref(j);
    json_decref(j2);
    json_decref(j3);
    json_t *bad = json_pack("{s:s}", "period", "2018-04-3");
    assert_int_equal(bulletin_from_json(&a, bad, &back, &e), ST_INTERNAL);
    json_decref(bad);
    arena_free(&a);
}

/* Organizational life from the meeting module's compliance rows (by district, by organization):
 * the districts as ranked there, the city added up, rates in percent to 0.1, the red
 * organizations worst first up to the limit; kept in the JSON and read back; a bulletin
 * issued before the section (no "life") reads back and renders without it. */
static void test_life(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    org_xun x = {2026, 11, 2};
    bulletin_doc *d = bulletin_new(&a, &x);
    bulletin_inputs in = inputs();
    json_t *by_district = json_pack(
        "[{s:i,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i},{s:i,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}]",
        "rank", 1, "code", "350206", "name", "湖里区", "orgs", 3, "required", 12, "held", 10, "due", 6, "on_time", 5, "attended", 40,
        "expected", 50, "green", 2, "yellow", 1, "red", 0,
        "rank", 2, "code", "350203", "name", "思明区", "orgs", 4, "required", 16, "held", 3, "due", 3, "on_time", 1, "attended", 0,
        "expected", 0, "green", 1, "yellow", 0, "red", 3);
    /* the red ones, worst first, as meeting_store_compliance_page gives them; three in all */
    json_t *by_org = json_pack("[{s:I,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:n},{s:I,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:s},"
                               "{s:I,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:n}]",
                               "org_id", (json_int_t)10, "org_name", "红丙支部", "district_name", "思明区", "status", "red", "required",
                               4, "held", 0, "due", 0, "on_time", 0, "idle_days", 200, "last_held",
                               "org_id", (json_int_t)9, "org_name", "红乙支部", "district_name", "思明区", "status", "red", "required", 4,
                               "held", 1, "due", 2, "on_time", 0, "idle_days", 100, "last_held", "2026-08-01",
                               "org_id", (json_int_t)8, "org_name", "红甲支部", "district_name", "思明区", "status", "red", "required", 4,
                               "held", 1, "due", 1, "on_time", 1, "idle_days", 95, "last_held");
    assert_non_null(by_district);
    assert_non_null(by_org);
    in.life_period = "2026-Q4";
    in.life_from = "2026-10-01";
    in.life_to = "2026-12-31";
    in.life_districts = by_district;
    in.life_orgs = by_org;
    in.life_red_max = 2;
    in.life_red_total = 3;
    err e;
    assert_int_equal(bulletin_assemble(&a, d, &in, &e), ST_OK);
    const bulletin_life *L = d->life;
    assert_non_null(L);
    assert_string_equal(L->period, "2026-Q4");
    assert_int_equal(L->nrows, 2);
    assert_string_equal(L->rows[0].code, "350206");
    assert_int_equal(L->rows[0].rank, 1);
    assert_true(L->rows[0].rate == 83.3);              /* 5 of 6 on time */
    assert_true(L->rows[0].attendance_rate == 80.0);
    assert_true(L->rows[1].attendance_rate < 0);       /* nobody expected: no rate */
    assert_int_equal(L->city.orgs, 7);
    assert_int_equal(L->city.required, 28);
    assert_int_equal(L->city.held, 13);
    assert_int_equal(L->city.red, 3);
    assert_true(L->city.rate == 66.7);                 /* 6 of 9 */
    assert_true(L->city.attendance_rate == 80.0);
    assert_int_equal(L->red_total, 3);
    assert_int_equal(L->nred, 2);                      /* the limit */
    assert_string_equal(L->red[0].name, "红丙支部");   /* the worst first, as given */
    assert_null(L->red[0].last_held);
    assert_true(L->red[0].rate == 100.0);              /* nothing fell due */
    assert_string_equal(L->red[1].name, "红乙支部");
    assert_true(L->red[1].rate == 0.0);
    /* JSON and back */
    json_t *j = bulletin_to_json(d);
    json_t *life = json_object_get(j, "life");
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(life, "rows"), 1), "attendance_rate")));
    assert_int_equal(json_integer_value(json_object_get(life, "red_total")), 3);
    bulletin_doc *back = NULL;
    assert_int_equal(bulletin_from_json(&a, j, &back, &e), ST_OK);
    json_t *j2 = bulletin_to_json(back);
    assert_true(json_equal(j, j2));
    /* the page shows it */
    buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(bulletin_render_html(back, &b, &e), ST_OK);
    assert_non_null(strstr(b.data, "组织生活落实情况（2026年第4季度"));
    assert_non_null(strstr(b.data, "红灯党组织（共 3 个，按完成率由低到高列出前 2 个）"));
    assert_non_null(strstr(b.data, "红丙支部"));
    assert_null(strstr(b.data, "红甲支部"));
    buf_free(&b);
    /* an older bulletin: no section, read back and shown without it */
    json_object_del(j2, "life");
    assert_int_equal(bulletin_from_json(&a, j2, &back, &e), ST_OK);
    assert_null(back->life);
    buf_init(&b, 1 << 20);
    assert_int_equal(bulletin_render_html(back, &b, &e), ST_OK);
    assert_null(strstr(b.data, "组织生活"));
    assert_non_null(strstr(b.data, "全市合计"));
    buf_free(&b);
    /* a damaged section is refused, not half read */
    json_object_set_new(j2, "life", json_pack("{s:s}", "period", "2026-Q4"));
    assert_int_equal(bulletin_from_json(&a, j2, &back, &e), ST_INTERNAL);
    json_decref(j);
    json_decref(j2);
    json_decref(by_district);
    json_decref(by_org);
    arena_free(&a);
}

/* The formal document (issue 21): 期号, office and copy line, the progress in words, in JSON and back. */
static void test_formal(void **state) {
    (void)state;
    arena a;
    arena_init(&a, 0);
    org_xun x = {2018, 4, 3};
    bulletin_doc *d = bulletin_new(&a, &x);
    assert_int_equal(d->number, 12);   /* 4月下旬: the twelfth 旬 of the year */
    bulletin_inputs in = inputs();
    const char *names[] = {"中共测试甲公司支部（思明区）"};
    in.new_names = names;
    in.nnew_names = 1;
    in.office = "中共厦门市委两新工委";
    in.cc = "市委组织部，各区委两新工委";
    err e;
    assert_int_equal(bulletin_assemble(&a, d, &in, &e), ST_OK);
    const char *sm = d->summary;
    assert_non_null(strstr(sm, "截至2018年4月30日，厦门市 30 家互联网企业中已有 21 家建立党组织，覆盖率 70.0%，较上旬提高 "));
    assert_non_null(strstr(sm, "各区覆盖率均为 70.0%；思明区较上旬提升最多（+20.0 个百分点）。"));   /* 集美 has no enterprise */
    assert_non_null(strstr(sm, "本旬新建党组织 2 个：中共测试甲公司支部（思明区）等，升格 1 个。"));
    assert_non_null(strstr(sm, "目前尚有待处理事项 6 项，其中应建未建 1 家"));
    /* best and worst named when they differ */
    d->rows[1].rate = 50.0;
    const char *s2 = bulletin_summary(&a, d);
    assert_non_null(strstr(s2, "各区中，思明区覆盖率最高（70.0%），湖里区最低（50.0%）"));
    d->rows[1].rate = 70.0;
    /* the date: issued, the day of issuing; a preview, the day it was made */
    char day[32];
    snprintf(d->generated_at, sizeof d->generated_at, "2018-05-02 09:30");
    bulletin_doc_date(d, day);
    assert_string_equal(day, "2018年5月2日");
    /* JSON and back */
    json_t *j = bulletin_to_json(d);
    assert_int_equal(json_integer_value(json_object_get(j, "number")), 12);
    assert_string_equal(json_string_value(json_object_get(j, "office")), "中共厦门市委两新工委");
    assert_string_equal(json_string_value(json_object_get(j, "cc")), "市委组织部，各区委两新工委");
    assert_string_equal(json_string_value(json_object_get(j, "summary")), sm);
    assert_int_equal(json_array_size(json_object_get(j, "new_org_names")), 1);
    bulletin_doc *back = NULL;
    assert_int_equal(bulletin_from_json(&a, j, &back, &e), ST_OK);
    json_t *j2 = bulletin_to_json(back);
    assert_true(json_equal(j, j2));
    /* a copy issued before the formal parts: its number from the period, its words from its figures */
    json_t *old = json_deep_copy(j);
    json_object_del(old, "number");
    json_object_del(old, "summary");
    json_object_del(old, "new_org_names");
    assert_int_equal(bulletin_from_json(&a, old, &back, &e), ST_OK);
    assert_int_equal(back->number, 12);
    assert_non_null(strstr(back->summary, "本旬新建党组织 2 个，升格 1 个。"));
    /* every rendering carries the parts */
    buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(bulletin_render_html(d, &b, &e), ST_OK);
    assert_non_null(strstr(b.data, "厦门市互联网企业党建工作旬报"));
    assert_non_null(strstr(b.data, "2018年第12期"));
    assert_non_null(strstr(b.data, "抄送：市委组织部，各区委两新工委。"));
    assert_non_null(strstr(b.data, "2018年5月2日印发"));
    assert_non_null(strstr(b.data, "<th>较上期<br>(百分点)</th>"));
    assert_non_null(strstr(b.data, "<svg role=\"img\""));
    assert_non_null(strstr(b.data, "中共测试甲公司支部（思明区）"));
    buf_free(&b);
    json_decref(j);
    json_decref(j2);
    json_decref(old);
    arena_free(&a);
}

/* The schedule's plan with an injected day: consecutive from the newest issued, never past the data. */
static void plan_is(const char *today, const char *asof, const char *newest, const char *want) {
    org_xun out[36];
    size_t n = bulletin_sched_plan(today, asof, newest, out, 36);
    char got[400] = "", p[16];
    for (size_t i = 0; i < n; i++) {
        org_xun_format(&out[i], p);
        strcat(got, i ? " " : "");
        strcat(got, p);
    }
    assert_string_equal(got, want);
}

static void test_sched_plan(void **state) {
    (void)state;
    /* issue 21: data stopped in June 2018, 2018-06-2 the newest issued: the missing 下旬, then nothing */
    plan_is("2026-12-07", "2018-06-30", "2018-06-2", "2018-06-3");
    plan_is("2026-12-07", "2018-06-30", "2018-06-3", "");
    /* nothing issued, data stopped: the last 旬 of the data, not the last finished one */
    plan_is("2026-12-07", "2018-06-30", NULL, "2018-06-3");
    /* a live deployment (as of today): every finished 旬 after the newest, in order */
    plan_is("2026-12-07", "2026-12-07", "2026-11-1", "2026-11-2 2026-11-3");
    plan_is("2026-12-07", "2026-12-07", NULL, "2026-11-3");
    /* the 旬 ending today has not ended yet; the day after, it has */
    plan_is("2026-11-30", "2026-11-30", "2026-11-1", "2026-11-2");
    plan_is("2026-12-01", "2026-12-01", "2026-11-1", "2026-11-2 2026-11-3");
    /* across a year's end */
    plan_is("2027-01-15", "2027-01-15", "2026-12-2", "2026-12-3 2027-01-1");
    /* the data ends inside a 旬: that 旬 is issued once it has ended */
    plan_is("2018-06-25", "2018-06-25", "2018-06-1", "2018-06-2");
    /* issued beyond the data already (by hand): nothing */
    plan_is("2026-12-07", "2018-06-30", "2026-11-3", "");
    /* at most max a round, the next round goes on */
    org_xun out[3];
    assert_int_equal(bulletin_sched_plan("2026-12-07", "2026-12-07", "2025-01-1", out, 3), 3);
    assert_int_equal(out[0].y * 100 + out[0].m * 10 + out[0].x, 2025 * 100 + 1 * 10 + 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sched_plan),
        cmocka_unit_test(test_formal),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_assemble_computed),
        cmocka_unit_test(test_assemble_issued),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_life),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
