/* Unit tests for 领导挂钩联系 in the database (src/liaison/liaison_store.c)
 * on SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL: the city links
 * any leader, a district office only its own district's leaders to its own
 * enterprises; a closed enterprise gets no new link; who is linked as of a
 * date follows the links' days (and the register's); a visit is recorded
 * by the linked leader (or the city) only within the link's days, its
 * problems due in liaison-problem-due-days unless given; the overdue list
 * counts days on an injected clock (stopped, then moved), keeps to the
 * caller's scope and drops a problem once closed; every write one audit row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/clock.h"
#include "liaison/liaison_store.h"
#include "org/org_fixture.h"

static char clock_path[80];

/* Stop the server's clock at 10:00 China time on day. */
static void clock_at(const char *day) {
    struct tm t = {0};
    sscanf(day, "%d-%d-%d", &t.tm_year, &t.tm_mon, &t.tm_mday);
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    t.tm_hour = 2;   /* 10:00 +08:00 */
    FILE *f = fopen(clock_path, "w");
    if (!f) fail_msg("clock file");
    fprintf(f, "@%lld\n", (long long)timegm(&t));
    fclose(f);
    char today[11];
    clock_day(clock_now(), today);
    assert_string_equal(today, day);
}

static int setup(void **state) {
    fx_setup(state);
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    snprintf(clock_path, sizeof clock_path, "/tmp/ejia-liaisontest-clock-%d", (int)getpid());
    err e;
    return cfg_set("test-clock-file", clock_path, &e) ? -1 : 0;
}

static int teardown(void **state) {
    unlink(clock_path);
    return fx_teardown(state);
}

static int64_t user(fx *x, const char *username, const char *name, const char *role, const char *kind, const char *code) {
    err e;
    int64_t id = 0;
    char sql[200];
    snprintf(sql, sizeof sql, "DELETE FROM users WHERE username = '%s'", username);
    fx_exec(x, sql);
    if (db_query_int(x->d, &id,
                     "INSERT INTO users(username, name, role, scope_kind, scope_code, scope_name, password_hash) "
                     "VALUES ($1, $2, $3, $4, $5, '测试', 'x') RETURNING id",
                     &e, "ttttt", username, name, role, kind, code))
        fail_msg("user %s: %s", username, e.msg);
    return id;
}

static uc as(fx *x, int64_t uid, const char *username, const char *kind, const char *code) {
    uc c = x->c;
    c.who.user_id = uid;
    c.who.username = username;
    c.who.role = kind;
    c.who.scope_kind = kind;
    c.who.scope_code = code;
    return c;
}

static int64_t link_(uc *c, int64_t leader, int64_t ent, const char *day, st want) {
    liaison_link_new n = {leader, ent, "区委常委、组织部部长", day, NULL};
    int64_t id = 0;
    err e;
    st s = liaison_store_link(c, &n, &id, &e);
    if (s != want) fail_msg("link %lld→%lld on %s: %d %s", (long long)leader, (long long)ent, day, s, s ? e.msg : "");
    return id;
}

/* The leaders' ids linked to ent as of day, "id,id". */
static const char *linked_on(fx *x, int64_t ent, const char *day) {
    static char out[100];
    json_t *o = NULL;
    err e;
    if (liaison_store_enterprise(&x->c, ent, day, &o, &e)) fail_msg("enterprise: %s", e.msg);
    size_t i, n = 0;
    json_t *l;
    out[0] = 0;
    json_array_foreach(json_object_get(o, "links"), i, l)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%lld", i ? "," : "", (long long)json_integer_value(json_object_get(l, "leader_id")));
    return out;
}

static json_t *overdue(uc *c) {
    liaison_overdue_filter f = {0};
    json_t *items = NULL;
    err e;
    if (liaison_store_overdue(c, &f, &items, &e)) fail_msg("overdue: %s", e.msg);
    return items;
}

static void test_links_visits_overdue(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        clock_at("2026-06-15");
        err e;
        char buf[32];
        int64_t wang = user(&x, "liaisonwang", "王市长", "city", "city", "");
        int64_t chen = user(&x, "liaisonchen", "陈部长", "district", "district", "350203");
        int64_t li = user(&x, "liaisonli", "李部长", "district", "district", "350206");
        int64_t sec = user(&x, "liaisonsec", "张书记", "secretary", "org", "1");
        int64_t office = user(&x, "liaisonsm", "思明区委组织部", "district", "district", "350203");
        uc city = as(&x, 0, "cli:test", "city", ""), sm = as(&x, office, "liaisonsm", "district", "350203");
        uc chenc = as(&x, chen, "liaisonchen", "district", "350203"), lic = as(&x, li, "liaisonli", "district", "350206");
        int64_t A = fx_ent(&x, 'A'), B = fx_ent(&x, 'B'), D = fx_ent(&x, 'D'), E = fx_ent(&x, 'E');
        int64_t audit0 = fx_audit_rows(&x);
#define OKS(act) fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action = '" act "' AND result = 'ok'")
        int64_t links0 = OKS("liaison.link"), visits0 = OKS("liaison.visit"), closes0 = OKS("liaison.problem.close"),
                unlinks0 = OKS("liaison.unlink");

        /* the city links any office leader to any enterprise; not a secretary */
        int64_t la = link_(&city, chen, A, "2026-01-10", ST_OK);
        link_(&city, wang, E, "2026-01-10", ST_OK);
        link_(&city, chen, E, "2026-01-10", ST_OK);   /* a district leader to another district's enterprise: the city may */
        link_(&city, sec, A, "2026-01-10", ST_INVALID);
        link_(&city, chen, A, "2026-02-01", ST_CONFLICT);   /* already linked */
        link_(&city, chen, B, "2026-07-01", ST_INVALID);    /* a future day */
        /* a district office: its own leaders to its own enterprises */
        int64_t lb = link_(&sm, chen, B, "2026-01-20", ST_OK);
        link_(&sm, li, B, "2026-01-20", ST_FORBIDDEN);
        link_(&sm, chen, fx_ent(&x, 'F'), "2026-01-20", ST_FORBIDDEN);
        /* a closed enterprise gets no new link */
        fx_exec(&x, "UPDATE enterprise SET reg_to = '2026-03-01', reg_end = 'closed' WHERE name = '测试丁公司'");
        liaison_link_new n = {chen, D, NULL, "2026-01-10", NULL};
        int64_t id = 0;
        assert_int_equal(liaison_store_link(&city, &n, &id, &e), ST_CONFLICT);
        assert_non_null(strstr(e.msg, "关闭"));
        assert_non_null(strstr(e.msg, "测试丁公司"));

        /* visits: the leader themself (or the city), only within the link's days */
        liaison_problem_new ps[] = {{"厂房租金上涨，希望协调政策支持", "对接区工信局政策", "区工信局", NULL},
                                    {"党员活动场地不足", "协调园区党群服务中心", "园区党工委", "2026-06-30"}};
        liaison_visit_new v = {"2026-02-01", "总经理 林某；党支部书记 黄某", "了解企业经营和党建情况", ps, 2};
        int64_t visit = 0;
        assert_int_equal(liaison_store_visit(&lic, la, &v, &visit, &e), ST_FORBIDDEN);   /* not their link */
        assert_int_equal(liaison_store_visit(&sm, la, &v, &visit, &e), ST_FORBIDDEN);    /* the district office does not record for them */
        liaison_visit_new early = v;
        early.day = "2026-01-05";
        assert_int_equal(liaison_store_visit(&chenc, la, &early, &visit, &e), ST_INVALID);
        assert_string_equal(e.field, "day");
        liaison_visit_new nomet = v;
        nomet.met = "";
        assert_int_equal(liaison_store_visit(&chenc, la, &nomet, &visit, &e), ST_INVALID);
        assert_int_equal(liaison_store_visit(&chenc, la, &v, &visit, &e), ST_OK);
        assert_true(visit > 0);
        liaison_visit_new v2 = {"2026-05-20", "人事经理 吴某", NULL, NULL, 0};
        int64_t visit2 = 0;
        assert_int_equal(liaison_store_visit(&city, lb, &v2, &visit2, &e), ST_OK);   /* the city on the leader's behalf */
        json_t *vo = NULL;
        assert_int_equal(liaison_store_visit_get(&x.c, visit, &vo, &e), ST_OK);
        json_t *probs = json_object_get(vo, "problems");
        assert_int_equal(json_array_size(probs), 2);
        assert_string_equal(json_string_value(json_object_get(json_array_get(probs, 0), "due_day")), "2026-03-03");   /* +30 days */
        assert_string_equal(json_string_value(json_object_get(json_array_get(probs, 1), "due_day")), "2026-06-30");
        int64_t p1 = json_integer_value(json_object_get(json_array_get(probs, 0), "id"));
        int64_t p2 = json_integer_value(json_object_get(json_array_get(probs, 1), "id"));

        /* as of a date: end chen's link to A on 2026-04-01 */
        uc lic2 = lic;
        assert_int_equal(liaison_store_unlink(&lic2, la, "2026-04-01", NULL, &e), ST_FORBIDDEN);   /* not an office */
        assert_int_equal(liaison_store_unlink(&sm, la, "2026-01-01", NULL, &e), ST_INVALID);   /* before it began */
        assert_int_equal(liaison_store_unlink(&sm, la, "2026-04-01", "工作调整", &e), ST_OK);
        assert_int_equal(liaison_store_unlink(&sm, la, "2026-04-02", NULL, &e), ST_CONFLICT);
        snprintf(buf, sizeof buf, "%lld", (long long)chen);
        assert_string_equal(linked_on(&x, A, "2026-03-31"), buf);
        assert_string_equal(linked_on(&x, A, "2026-04-01"), "");
        assert_string_equal(linked_on(&x, A, "2026-01-09"), "");
        /* a link stops when its enterprise leaves the register */
        fx_exec(&x, "UPDATE enterprise SET reg_to = '2026-05-01', reg_end = 'closed' WHERE name = '测试乙公司'");
        assert_string_equal(linked_on(&x, B, "2026-05-01"), "");
        snprintf(buf, sizeof buf, "%lld", (long long)chen);
        assert_string_equal(linked_on(&x, B, "2026-04-30"), buf);
        assert_int_equal(liaison_store_visit(&city, lb, &v2, &visit2, &e), ST_INVALID);   /* 2026-05-20: out of the register */
        liaison_link_filter lf = {.day = "2026-03-01"};
        json_t *links = NULL;
        assert_int_equal(liaison_store_links(&sm, &lf, &links, &e), ST_OK);
        assert_int_equal(json_array_size(links), 2);   /* chen→A and chen→B in 思明; not E (湖里) */
        assert_int_equal(liaison_store_links(&lic, &lf, &links, &e), ST_OK);
        assert_int_equal(json_array_size(links), 2);   /* 湖里: wang→E and chen→E */

        /* overdue on the injected clock: 2026-06-15 — the first problem (due 03-03) 104 days */
        json_t *od = overdue(&city);
        assert_int_equal(json_array_size(od), 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(od, 0), "id")), p1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(od, 0), "days_over")), 104);
        assert_int_equal(json_array_size(overdue(&sm)), 1);
        assert_int_equal(json_array_size(overdue(&lic)), 0);   /* 湖里 sees none of 思明's */
        /* the clock moves to 2026-07-02: the second is two days over */
        clock_at("2026-07-02");
        od = overdue(&city);
        assert_int_equal(json_array_size(od), 2);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(od, 1), "days_over")), 2);
        /* the leader's own page lists both open problems (the link has ended, so no enterprise) */
        json_t *mine = NULL;
        assert_int_equal(liaison_store_mine(&chenc, &mine, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(mine, "items")), 1);   /* E (the city's link); A ended, B closed */
        /* closing: the leader, on a day not before the visit */
        assert_int_equal(liaison_store_problem_close(&chenc, p1, "2026-01-31", "已办结", &e), ST_INVALID);
        assert_int_equal(liaison_store_problem_close(&chenc, p1, "2026-07-01", "", &e), ST_INVALID);
        assert_int_equal(liaison_store_problem_close(&lic, p1, "2026-07-01", "已办结", &e), ST_OK);   /* an office (the route keeps it in scope) */
        assert_int_equal(liaison_store_problem_close(&chenc, p1, "2026-07-01", "已办结", &e), ST_CONFLICT);
        assert_int_equal(liaison_store_problem_close(&chenc, p2, "2026-07-02", "已协调园区党群服务中心每月提供两次场地", &e), ST_OK);
        assert_int_equal(json_array_size(overdue(&city)), 0);
        json_t *ent = NULL;
        assert_int_equal(liaison_store_enterprise(&x.c, A, "2026-07-02", &ent, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(json_object_get(ent, "last_visit"), "day")), "2026-02-01");
        assert_int_equal(json_integer_value(json_object_get(ent, "open_problems")), 0);
        json_t *sum = NULL;
        assert_int_equal(liaison_store_summary(&x.c, E, &sum, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(sum, "leaders")), 2);
        assert_true(json_is_null(json_object_get(sum, "last_visit")) || !json_object_get(sum, "last_visit"));

        /* every write one audit row of its act (refusals are rolled back with their own rows) */
        assert_true(fx_audit_rows(&x) - audit0 >= 9);
        assert_int_equal(OKS("liaison.unlink") - unlinks0, 1);
        assert_int_equal(OKS("liaison.link") - links0, 4);
        assert_int_equal(OKS("liaison.visit") - visits0, 2);
        assert_int_equal(OKS("liaison.problem.close") - closes0, 2);

        fx_exec(&x, "DELETE FROM liaison_problem; DELETE FROM liaison_visit; DELETE FROM liaison_link; "
                    "DELETE FROM users WHERE username LIKE 'liaison%'");
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_links_visits_overdue),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
