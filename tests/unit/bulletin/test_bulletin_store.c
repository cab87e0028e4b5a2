/* Unit tests for the bulletin store (src/bulletin/bulletin_store.c) on
 * SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: a bulletin computed
 * over the whole city whoever asks; issued once, as one audited use case
 * (bulletin.issue, a second time refused without a row); the next one's
 * change measured against the issued figures; the issued copy read back as
 * issued; the list; an export audited (bulletin.export); a 旬 not yet ended
 * refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "bulletin/bulletin.h"
#include "meeting/meeting_store.h"
#include "org/org_store.h"
#include "org/org_fixture.h"

/* A's own branch from 2019-03-05 (思明), E's from 2019-03-15 (湖里). */
static void history(fx *x) {
    err e;
    int64_t A = fx_ent(x, 'A'), E = fx_ent(x, 'E'), id = 0;
    org_new a = {.name = "中共测试甲公司支部", .kind = "党支部", .day = "2019-03-05", .enterprises = &A, .n_enterprises = 1};
    org_new b = {.name = "中共测试戊公司支部", .kind = "党支部", .day = "2019-03-15", .enterprises = &E, .n_enterprises = 1};
    if (org_store_create(&x->c, &a, &id, &e) || org_store_create(&x->c, &b, &id, &e)) fail_msg("history: %s", e.msg);
}

static const bulletin_line *row(const bulletin_doc *d, const char *code) {
    for (size_t i = 0; i < d->nrows; i++)
        if (!strcmp(d->rows[i].code, code)) return &d->rows[i];
    fail_msg("no row %s", code);
    return NULL;
}

static void test_compute(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        org_xun x1 = {2019, 3, 1};
        bulletin_doc *d = NULL;
        /* the city's bulletin, even for a district's reader */
        uc siming = fx_scoped(&x, "district", "350203");
        assert_int_equal(bulletin_store_compute(&siming, &x1, &d, &e), ST_OK);
        assert_int_equal(d->nrows, 6);                 /* every district of the city */
        assert_string_equal(d->city.name, "厦门市");
        assert_int_equal(d->city.enterprises, 7);
        assert_int_equal(d->city.covered, 1);
        assert_string_equal(d->rows[0].code, "350203");   /* the only one with a rate */
        assert_int_equal(d->rows[0].rank, 1);
        assert_true(d->rows[0].rate == 25.0);
        assert_true(d->rows[0].change == 25.0);
        assert_int_equal(d->rows[0].new_orgs, 1);
        assert_int_equal(row(d, "350206")->findings, 3);   /* E (its branch comes on the 15th) and G should form; F needs an instructor */
        assert_string_equal(d->prev_source, "computed");
        assert_false(d->issued);
        fx_close(&x);
    }
}

static void test_issue(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        org_xun x1 = {2019, 3, 1}, x2 = {2019, 3, 2};
        bulletin_doc *d = NULL;
        int64_t a0 = fx_audit_rows(&x);
        assert_int_equal(bulletin_store_issue(&x.c, &x1, "cli", &d, &e), ST_OK);
        assert_true(d->issued);
        assert_string_equal(d->issued_by, "cli");
        assert_true(d->issued_at > 0);
        assert_int_equal(fx_audit_rows(&x) - a0, 1);
        assert_string_equal(fx_last_audit(&x), "bulletin.issue bulletin:2019-03-1");
        /* once */
        assert_int_equal(bulletin_store_issue(&x.c, &x1, "cli", &d, &e), ST_CONFLICT);
        assert_string_equal(e.field, "period");
        assert_int_equal(fx_audit_rows(&x) - a0, 1);
        assert_int_equal(db_tx_depth(x.d), 0);
        /* what was announced stays as announced: a later change to the data does not alter it */
        int64_t id = 0, C = fx_ent(&x, 'C'), D = fx_ent(&x, 'D');
        org_new late = {.name = "中共补登支部", .kind = "临时党支部", .day = "2019-03-02", .enterprises = &C, .n_enterprises = 1};
        assert_int_equal(org_store_create(&x.c, &late, &id, &e), ST_OK);
        bulletin_doc *got = NULL;
        assert_int_equal(bulletin_store_get(&x.c, &x1, &got, &e), ST_OK);
        assert_true(got->issued);
        assert_int_equal(got->city.covered, 1);
        assert_int_equal(bulletin_store_compute(&x.c, &x1, &got, &e), ST_OK);
        assert_int_equal(got->city.covered, 2);
        /* the next 旬 is measured against the issued figures */
        org_new more = {.name = "中共测试丁公司临时支部", .kind = "临时党支部", .day = "2019-03-12", .enterprises = &D, .n_enterprises = 1};
        assert_int_equal(org_store_create(&x.c, &more, &id, &e), ST_OK);
        bulletin_doc *d2 = NULL;
        assert_int_equal(bulletin_store_get(&x.c, &x2, &d2, &e), ST_OK);
        assert_false(d2->issued);
        assert_string_equal(d2->prev_source, "issued");
        assert_int_equal(d2->city.prev_covered, 1);
        assert_true(d2->city.prev_rate == d->city.rate);
        const bulletin_line *sm = row(d2, "350203");
        assert_true(sm->prev_rate == 25.0);
        assert_true(sm->rate == 75.0);
        assert_true(sm->change == 50.0);
        /* the list */
        assert_int_equal(bulletin_store_issue(&x.c, &x2, "o_city", &d2, &e), ST_OK);
        uc_page pg = {10, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        assert_int_equal(bulletin_store_list(&x.c, "2019", &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);
        json_t *first = json_array_get(items, 0);
        assert_string_equal(json_string_value(json_object_get(first, "period")), "2019-03-2");
        assert_string_equal(json_string_value(json_object_get(first, "title")), "2019年3月中旬");
        assert_string_equal(json_string_value(json_object_get(first, "issued_by")), "o_city");
        assert_true(json_real_value(json_object_get(json_object_get(first, "city"), "rate")) == d2->city.rate);
        assert_null(json_object_get(first, "data"));
        json_decref(items);
        assert_int_equal(bulletin_store_list(&x.c, "2018", &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        const char *newest = NULL;
        assert_int_equal(bulletin_store_newest(&x.c, &newest, &e), ST_OK);
        assert_string_equal(newest, "2019-03-2");
        /* an export leaves its row */
        int64_t a1 = fx_audit_rows(&x);
        assert_int_equal(bulletin_store_exported(&x.c, d2, "pdf", &e), ST_OK);
        assert_int_equal(fx_audit_rows(&x) - a1, 1);
        assert_string_equal(fx_last_audit(&x), "bulletin.export bulletin:2019-03-2");
        /* a 旬 not yet over */
        char today[11];
        org_today(today);
        int y, m, dd;
        org_day_parse(today, &y, &m, &dd);
        org_xun cur = org_xun_of(y, m, dd);
        assert_int_equal(bulletin_store_issue(&x.c, &cur, "cli", &d, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "尚未结束"));
        fx_close(&x);
    }
}

static void test_none_issued(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        const char *newest = "x";
        assert_int_equal(bulletin_store_newest(&x.c, &newest, &e), ST_OK);
        assert_null(newest);
        uc_page pg = {10, 0, NULL};
        json_t *items = NULL;
        int64_t total = -1;
        assert_int_equal(bulletin_store_list(&x.c, NULL, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        fx_close(&x);
    }
}

/* The schedule with an injected day (never the wall clock): the data ends on 2019-03-15 (history). */
static void test_sched_run(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        int n = -1;
        bulletin_doc *d = NULL;
        org_xun x1 = {2019, 3, 1}, x2 = {2019, 3, 2};
        assert_int_equal(bulletin_store_issue(&x.c, &x1, "cli", &d, &e), ST_OK);
        /* years later: the 旬 of the last change (2019-03-2) and nothing after it */
        assert_int_equal(bulletin_sched_run(&x.c, "2026-12-07", &n, &e), ST_OK);
        assert_int_equal(n, 1);
        const char *newest = NULL;
        assert_int_equal(bulletin_store_newest(&x.c, &newest, &e), ST_OK);
        assert_string_equal(newest, "2019-03-2");
        assert_int_equal(bulletin_store_get(&x.c, &x2, &d, &e), ST_OK);
        assert_true(d->issued);
        assert_string_equal(d->issued_by, "schedule");
        assert_string_equal(d->prev_period, "2019-03-1");    /* compared with the 旬 before, as issued */
        assert_string_equal(d->prev_source, "issued");
        assert_true(d->city.change == coverage_change(d->city.rate, d->city.prev_rate));
        assert_true(d->city.prev_rate < d->city.rate);        /* E's branch came on the 15th */
        assert_string_equal(fx_last_audit(&x), "bulletin.issue bulletin:2019-03-2");
        /* a second round: nothing more */
        assert_int_equal(bulletin_sched_run(&x.c, "2026-12-08", &n, &e), ST_OK);
        assert_int_equal(n, 0);
        fx_close(&x);
    }
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        int n = -1;
        /* nothing issued, a live day (the data is recent): only the last finished 旬 */
        assert_int_equal(bulletin_sched_run(&x.c, "2019-04-02", &n, &e), ST_OK);
        assert_int_equal(n, 1);
        const char *newest = NULL;
        assert_int_equal(bulletin_store_newest(&x.c, &newest, &e), ST_OK);
        assert_string_equal(newest, "2019-03-3");
        /* ten days on: the next one, compared with it */
        assert_int_equal(bulletin_sched_run(&x.c, "2019-04-12", &n, &e), ST_OK);
        assert_int_equal(n, 1);
        org_xun x4 = {2019, 4, 1};
        bulletin_doc *d = NULL;
        assert_int_equal(bulletin_store_get(&x.c, &x4, &d, &e), ST_OK);
        assert_true(d->issued);
        assert_string_equal(d->prev_period, "2019-03-3");
        assert_string_equal(d->prev_source, "issued");
        fx_close(&x);
    }
}

/* The organizational-life section: the meeting module's compliance of the quarter holding
 * the 旬's last day, by district and by organization, as it answers them; issued with the
 * rest and read back the same. */
static void test_life(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        history(&x);
        err e;
        org_xun x1 = {2019, 3, 3};
        bulletin_doc *d = NULL;
        assert_int_equal(bulletin_store_compute(&x.c, &x1, &d, &e), ST_OK);
        const bulletin_life *L = d->life;
        assert_non_null(L);
        assert_string_equal(L->period, "2019-Q1");
        assert_string_equal(L->from, "2019-01-01");
        assert_string_equal(L->to, "2019-03-31");
        meeting_period p;
        assert_true(meeting_period_parse("2019-Q1", &p));
        json_t *by_district = NULL, *by_org = NULL;
        assert_int_equal(meeting_store_compliance(&x.c, &p, "district", NULL, NULL, &by_district, &e), ST_OK);
        assert_int_equal(meeting_store_compliance(&x.c, &p, "org", NULL, NULL, &by_org, &e), ST_OK);
        assert_int_equal(L->nrows, json_array_size(by_district));
        assert_int_equal(L->nrows, 2);   /* 思明 and 湖里 have a branch each */
        int64_t orgs = 0, red = 0;
        for (size_t i = 0; i < L->nrows; i++) {
            const json_t *r = json_array_get(by_district, i);
            assert_string_equal(L->rows[i].code, json_string_value(json_object_get(r, "code")));
            assert_int_equal(L->rows[i].rank, json_integer_value(json_object_get(r, "rank")));
            assert_int_equal(L->rows[i].orgs, json_integer_value(json_object_get(r, "orgs")));
            assert_int_equal(L->rows[i].required, json_integer_value(json_object_get(r, "required")));
            assert_int_equal(L->rows[i].held, json_integer_value(json_object_get(r, "held")));
            assert_int_equal(L->rows[i].red, json_integer_value(json_object_get(r, "red")));
            assert_int_equal(L->rows[i].green, json_integer_value(json_object_get(r, "green")));
            assert_true(L->rows[i].rate == coverage_tenths(1000 * json_real_value(json_object_get(r, "rate"))));
            orgs += L->rows[i].orgs;
            red += L->rows[i].red;
        }
        assert_int_equal(L->city.orgs, orgs);
        /* no meeting held in 2019-Q1: every branch owes its monthly meetings and is red */
        assert_int_equal(L->city.held, 0);
        assert_int_equal(red, 2);
        assert_int_equal(L->red_total, 2);
        assert_int_equal(L->nred, 2);
        assert_int_equal(L->red[0].org_id, json_integer_value(json_object_get(json_array_get(by_org, 1), "org_id")));
        assert_string_equal(L->red[1].name, "中共测试甲公司支部");
        json_decref(by_district);
        json_decref(by_org);
        /* issued: kept with the rest */
        bulletin_doc *issued = NULL;
        assert_int_equal(bulletin_store_issue(&x.c, &x1, "cli", &issued, &e), ST_OK);
        assert_non_null(issued->life);
        json_t *a = bulletin_to_json(d), *b = bulletin_to_json(issued);
        assert_true(json_equal(json_object_get(a, "life"), json_object_get(b, "life")));
        json_decref(a);
        json_decref(b);
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_issue),
        cmocka_unit_test(test_none_issued),
        cmocka_unit_test(test_sched_run),
        cmocka_unit_test(test_life),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
