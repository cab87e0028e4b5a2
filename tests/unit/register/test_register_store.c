/* Unit tests for the enterprise register (src/register/) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: an enterprise created, edited and
 * closed as dated events (coverage as of the days before and after each, the
 * trend's one pass agreeing), an organization refused before the enterprise
 * entered, a closed one keeping its history, two that are one merged (both
 * histories and the covers kept, the survivor carrying them from their days),
 * the feed matched and planned (new internet enterprises, renames, closings;
 * others left alone) and its proposals accepted or refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "coverage/coverage.h"
#include "ledger/table.h"
#include "org/org_store.h"
#include "org/org_fixture.h"
#include "register/register.h"

static int64_t figure(uc *c, const char *day, int64_t *covered) {
    coverage_row *rows = NULL;
    size_t n = 0;
    err e;
    if (coverage_store_figures(c, day, COVERAGE_CITY, &rows, &n, &e)) fail_msg("figures %s: %s", day, e.msg);
    if (covered) *covered = rows[0].covered;
    return rows[0].enterprises;
}

/* The trend's one pass gives each day what the figures of that day give. */
static void series_agrees(fx *x, const char *const *days, size_t nd) {
    int64_t n[8], cv[8], wk[8];
    err e;
    if (coverage_store_city_series(&x->c, days, nd, n, cv, wk, &e)) fail_msg("series: %s", e.msg);
    for (size_t i = 0; i < nd; i++) {
        int64_t c = 0, m = figure(&x->c, days[i], &c);
        if (m != n[i] || c != cv[i]) fail_msg("%s: series %lld/%lld, figures %lld/%lld", days[i], (long long)n[i], (long long)cv[i],
                                             (long long)m, (long long)c);
    }
}

static int64_t create(fx *x, const char *name, const char *uscc, const char *day) {
    register_ent_in in = {.name = name, .uscc = uscc, .district_code = "350203", .category = "数据", .employees = 30,
                          .members = 4, .day = day};
    int64_t id = 0;
    err e;
    if (register_store_create(&x->c, &in, &id, &e)) fail_msg("create %s: %s", name, e.msg);
    return id;
}

static int64_t branch(fx *x, const char *name, int64_t ent, const char *day) {
    org_new o = {.name = name, .kind = "党支部", .day = day, .enterprises = &ent, .n_enterprises = 1, .approved = true};
    int64_t id = 0;
    err e;
    if (org_store_create(&x->c, &o, &id, &e)) fail_msg("org %s: %s", name, e.msg);
    return id;
}

static void test_create_close(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t n = create(&x, "厦门新登记网络科技有限公司", "91350203600000012D", "2024-03-01");
        int64_t c = 0;
        assert_int_equal(figure(&x.c, "2024-02-29", NULL), 7);   /* not yet in the register */
        assert_int_equal(figure(&x.c, "2024-03-01", &c), 8);
        assert_int_equal(c, 0);
        /* an organization cannot cover it before it entered */
        int64_t ent = n;
        org_new early = {.name = "中共早支部", .kind = "党支部", .day = "2024-02-01", .enterprises = &ent, .n_enterprises = 1, .approved = true};
        int64_t oid = 0;
        assert_int_equal(org_store_create(&x.c, &early, &oid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "才纳入企业名录"));
        branch(&x, "中共厦门新登记网络科技有限公司支部", n, "2024-04-01");
        assert_int_equal(figure(&x.c, "2024-04-01", &c), 8);
        assert_int_equal(c, 1);
        /* a second creation of the same credit code is refused */
        register_ent_in dup = {.name = "另一家", .uscc = "91350203600000012D", .district_code = "350203", .employees = -1,
                               .members = -1, .day = "2024-05-01"};
        int64_t id2 = 0;
        assert_int_equal(register_store_create(&x.c, &dup, &id2, &e), ST_CONFLICT);
        assert_string_equal(e.field, "uscc");
        /* closed: out of the register from its day, its cover ends that day */
        assert_int_equal(register_store_close(&x.c, n, "2023-12-31", NULL, 0, &e), ST_INVALID);   /* before it entered */
        assert_int_equal(register_store_close(&x.c, n, "2024-09-01", "注销", 0, &e), ST_OK);
        assert_int_equal(figure(&x.c, "2024-08-31", &c), 8);
        assert_int_equal(c, 1);
        assert_int_equal(figure(&x.c, "2024-09-01", &c), 7);
        assert_int_equal(c, 0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_cover WHERE to_day = '2024-09-01'"), 1);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_event WHERE kind = 'cover_removed' AND day = '2024-09-01'"), 1);
        assert_int_equal(register_store_close(&x.c, n, "2024-10-01", NULL, 0, &e), ST_CONFLICT);   /* closed already */
        /* no instructor for a closed enterprise, whatever the day: the message names it and its closing day */
        int64_t iid = 0;
        assert_int_equal(org_store_instructor_assign(&x.c, n, "王指导", NULL, 0, "2024-10-01", &iid, &e), ST_CONFLICT);
        assert_string_equal(e.field, "enterprise_id");
        assert_non_null(strstr(e.msg, "厦门新登记网络科技有限公司"));
        assert_non_null(strstr(e.msg, "已于 2024-09-01 关闭"));
        assert_int_equal(org_store_instructor_assign(&x.c, n, "王指导", NULL, 0, "2024-05-01", &iid, &e), ST_CONFLICT);
        /* nor before an enterprise entered the register; from its day it may */
        int64_t m2 = create(&x, "厦门后登记网络科技有限公司", NULL, "2024-10-01");
        assert_int_equal(org_store_instructor_assign(&x.c, m2, "王指导", NULL, 0, "2024-09-30", &iid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "才纳入企业名录"));
        assert_int_equal(org_store_instructor_assign(&x.c, m2, "王指导", NULL, 0, "2024-10-01", &iid, &e), ST_OK);
        const char *days[] = {"2024-02-29", "2024-03-01", "2024-04-01", "2024-08-31", "2024-09-01", "2025-01-01"};
        series_agrees(&x, days, 6);
        /* a closed one keeps its history */
        json_t *o = NULL;
        assert_int_equal(register_store_get(&x.c, n, &o, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(o, "reg_to")), "2024-09-01");
        json_t *ev = json_object_get(o, "register_events");
        assert_int_equal(json_array_size(ev), 2);
        assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "kind")), "created");
        assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 1), "kind")), "closed");
        assert_int_equal(json_array_size(json_object_get(o, "covers")), 1);
        json_decref(o);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action IN ('register.create', 'register.close')") >= 2, 1);
        /* the as-of day follows the register's latest event */
        char asof[11];
        assert_int_equal(coverage_store_asof(&x.c, "2024-09-05", asof, &e), ST_OK);
        assert_string_equal(asof, "2024-09-05");
        fx_close(&x);
    }
}

static void test_edit(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t n = create(&x, "厦门改名前科技有限公司", NULL, "2024-03-01");
        register_ent_in in = {.name = "厦门改名后科技有限公司", .employees = 45, .members = -1, .day = "2024-06-01"};
        if (register_store_edit(&x.c, n, &in, &e)) fail_msg("edit: %s", e.msg);
        register_ent_in same = {.name = "厦门改名后科技有限公司", .employees = -1, .members = -1, .day = "2024-06-02"};
        assert_int_equal(register_store_edit(&x.c, n, &same, &e), ST_INVALID);   /* nothing changes */
        register_ent_in early = {.name = "早", .employees = -1, .members = -1, .day = "2024-01-01"};
        assert_int_equal(register_store_edit(&x.c, n, &early, &e), ST_INVALID);
        assert_string_equal(e.field, "day");
        json_t *o = NULL;
        assert_int_equal(register_store_get(&x.c, n, &o, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(o, "name")), "厦门改名后科技有限公司");
        json_t *ed = json_array_get(json_object_get(o, "register_events"), 1);
        assert_string_equal(json_string_value(json_object_get(ed, "day")), "2024-06-01");
        assert_string_equal(json_string_value(json_object_get(json_object_get(ed, "before"), "name")), "厦门改名前科技有限公司");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(ed, "after"), "employees")), 45);
        json_decref(o);
        assert_int_equal(register_store_close(&x.c, n, "2024-07-01", NULL, 0, &e), ST_OK);
        assert_int_equal(register_store_edit(&x.c, n, &in, &e), ST_CONFLICT);   /* closed: no more edits */
        fx_close(&x);
    }
}

static void test_merge(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        /* the same enterprise entered twice: once by the campaign (D), once later */
        int64_t twin = create(&x, "厦门测试丁有限公司", NULL, "2024-03-01");
        branch(&x, "中共厦门测试丁有限公司支部", twin, "2024-04-01");
        int64_t c = 0;
        assert_int_equal(figure(&x.c, "2024-05-01", &c), 8);
        assert_int_equal(c, 1);
        assert_int_equal(register_store_merge(&x.c, twin, twin, "2024-06-01", NULL, &e), ST_INVALID);
        int64_t D = fx_ent(&x, 'D');
        /* two people of the registry work at the twin */
        char ins[512];
        snprintf(ins, sizeof ins,
                 "INSERT INTO person(name, gender, birth_date, id_key, id_sealed, id_masked, enterprise_id) VALUES "
                 "('甲某', '男', '1990-01-01', 'k-merge-1', 's', 'm', %lld), ('乙某', '女', '1991-01-01', 'k-merge-2', 's', 'm', %lld)",
                 (long long)twin, (long long)twin);
        fx_exec(&x, ins);
        int64_t audits = fx_audit_rows(&x);
        assert_int_equal(register_store_merge(&x.c, twin, D, "2024-06-01", "同一企业重复登记", &e), ST_OK);
        /* they work at the survivor from the merge, each with a dated event, in the merge's one act */
        assert_int_equal(fx_audit_rows(&x), audits + 1);
        char q[256];
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM person WHERE enterprise_id = %lld AND id_key LIKE 'k-merge-%%'", (long long)D);
        assert_int_equal(fx_count(&x, q), 2);
        snprintf(q, sizeof q, "SELECT COUNT(*) FROM person WHERE enterprise_id = %lld", (long long)twin);
        assert_int_equal(fx_count(&x, q), 0);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM member_event v JOIN person p ON p.id = v.person_id WHERE p.id_key LIKE "
                                       "'k-merge-%' AND v.day = '2024-06-01' AND v.kind = 'edited' AND v.note LIKE '%合并到%'"),
                         2);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM audit WHERE action = 'register.merge' AND detail LIKE '%人员 2 名%'"), 1);
        /* before the merge both counted as they were; after it one, covered by the branch it brought */
        assert_int_equal(figure(&x.c, "2024-05-01", &c), 8);
        assert_int_equal(c, 2);   /* the survivor carries the cover from its own day */
        assert_int_equal(figure(&x.c, "2024-06-01", &c), 7);
        assert_int_equal(c, 1);
        const char *days[] = {"2024-03-31", "2024-04-01", "2024-05-31", "2024-06-01", "2024-12-31"};
        series_agrees(&x, days, 5);
        json_t *o = NULL;
        assert_int_equal(register_store_get(&x.c, D, &o, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(o, "absorbed")), 1);
        assert_int_equal(json_array_size(json_object_get(o, "covers")), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "covers"), 0), "from_day")), "2024-04-01");
        json_decref(o);
        assert_int_equal(register_store_get(&x.c, twin, &o, &e), ST_OK);   /* the merged one shows where it went */
        assert_int_equal(json_integer_value(json_object_get(o, "merged_into")), D);
        assert_string_equal(json_string_value(json_object_get(o, "reg_end")), "merged");
        assert_int_equal(json_array_size(json_object_get(o, "covers")), 1);   /* its own history kept */
        json_decref(o);
        assert_int_equal(register_store_merge(&x.c, twin, D, "2024-07-01", NULL, &e), ST_CONFLICT);
        fx_close(&x);
    }
}

/* The figure of one district as of day, read by that district's office (its scope). */
static int64_t district_figure(fx *x, const char *district, const char *day, int64_t *covered) {
    uc c = fx_scoped(x, "district", district);
    return figure(&c, day, covered);
}

/* An enterprise moved between districts is counted where it was on each day,
 * by the figures, the trend's one pass and the enterprises behind a figure, as
 * each district office sees them; a move dated before the last is refused;
 * the fill from the events gives the stretches the edits wrote. */
static void test_move(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t n = create(&x, "厦门搬迁网络科技有限公司", NULL, "2024-01-01");
        branch(&x, "中共厦门搬迁网络科技有限公司支部", n, "2024-01-10");
        int64_t a0 = district_figure(&x, "350203", "2024-02-29", NULL), b0 = district_figure(&x, "350206", "2024-02-29", NULL);
        register_ent_in mv = {.district_code = "350206", .employees = -1, .members = -1, .day = "2024-03-01", .note = "迁址"};
        assert_int_equal(register_store_edit(&x.c, n, &mv, &e), ST_OK);
        int64_t c = 0;
        /* before the day in 思明 (350203), from it in 湖里 (350206) */
        assert_int_equal(district_figure(&x, "350203", "2024-02-29", &c), a0);
        assert_int_equal(district_figure(&x, "350206", "2024-02-29", NULL), b0);
        assert_int_equal(district_figure(&x, "350203", "2024-03-01", NULL), a0 - 1);
        assert_int_equal(district_figure(&x, "350206", "2024-03-01", &c), b0 + 1);
        assert_int_equal(c, 1);
        /* the city's figures by district say the same */
        coverage_row *rows = NULL;
        size_t nr = 0;
        assert_int_equal(coverage_store_figures(&x.c, "2024-02-29", COVERAGE_DISTRICT, &rows, &nr, &e), ST_OK);
        int64_t seen = 0;
        for (size_t i = 0; i < nr; i++)
            if (rows[i].key && !strcmp(rows[i].key, "350206")) seen = rows[i].enterprises;
        assert_int_equal(seen, b0);
        assert_int_equal(coverage_store_figures(&x.c, "2024-03-01", COVERAGE_DISTRICT, &rows, &nr, &e), ST_OK);
        for (size_t i = 0; i < nr; i++)
            if (rows[i].key && !strcmp(rows[i].key, "350206")) seen = rows[i].enterprises;
        assert_int_equal(seen, b0 + 1);
        /* the enterprises behind a district's figure */
        uc hu = fx_scoped(&x, "district", "350206");
        uc_page pg = {.limit = 50};
        json_t *items = NULL;
        int64_t total = 0;
        coverage_filter f = {.q = "搬迁"};
        assert_int_equal(coverage_store_enterprises(&hu, "2024-02-29", COVERAGE_CITY, NULL, "all", &f, &pg, &items, &total, NULL, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        assert_int_equal(coverage_store_enterprises(&hu, "2024-03-01", COVERAGE_CITY, NULL, "all", &f, &pg, &items, &total, NULL, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "district_code")), "350206");
        json_decref(items);
        uc sm = fx_scoped(&x, "district", "350203");
        assert_int_equal(coverage_store_enterprises(&sm, "2024-02-29", COVERAGE_CITY, NULL, "all", &f, &pg, &items, &total, NULL, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "district_code")), "350203");
        json_decref(items);
        /* and back again later; a move dated before the last one is refused */
        register_ent_in back = {.district_code = "350203", .park_code = "P9001", .employees = -1, .members = -1, .day = "2024-06-01"};
        assert_int_equal(register_store_edit(&x.c, n, &back, &e), ST_OK);
        register_ent_in early = {.district_code = "350206", .employees = -1, .members = -1, .day = "2024-05-01"};
        assert_int_equal(register_store_edit(&x.c, n, &early, &e), ST_INVALID);
        assert_string_equal(e.field, "day");
        assert_non_null(strstr(e.msg, "按时间顺序"));
        /* a change of another field on an earlier day is not a move */
        register_ent_in name = {.name = "厦门搬迁云网络科技有限公司", .employees = -1, .members = -1, .day = "2024-05-01"};
        assert_int_equal(register_store_edit(&x.c, n, &name, &e), ST_OK);
        assert_int_equal(district_figure(&x, "350206", "2024-05-31", NULL), b0 + 1);
        assert_int_equal(district_figure(&x, "350206", "2024-06-01", NULL), b0);
        assert_int_equal(district_figure(&x, "350203", "2024-06-01", NULL), a0);
        uc park = fx_scoped(&x, "park", "P9001");
        assert_int_equal(figure(&park, "2024-06-01", NULL), figure(&park, "2024-05-31", NULL) + 1);
        /* the trend's one pass agrees with the figures of each day, for each office */
        const char *days[] = {"2023-12-31", "2024-01-01", "2024-02-29", "2024-03-01", "2024-05-31", "2024-06-01", "2024-12-31"};
        series_agrees(&x, days, 7);
        fx tmp = x;
        tmp.c = hu;
        series_agrees(&tmp, days, 7);
        tmp.c = sm;
        series_agrees(&tmp, days, 7);
        tmp.c = park;
        series_agrees(&tmp, days, 7);
        /* two stretches kept; the fill from the events gives the same */
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM enterprise_place WHERE (enterprise_id, COALESCE(from_day, '-'), to_day, district_code, "
                 "COALESCE(park_code, '-')) IN ((%lld, '-', '2024-03-01', '350203', '-'), (%lld, '2024-03-01', '2024-06-01', "
                 "'350206', '-'))",
                 (long long)n, (long long)n);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM enterprise_place"), 2);
        assert_int_equal(fx_count(&x, sql), 2);
        fx_exec(&x, "DELETE FROM enterprise_place; DELETE FROM meta WHERE key = 'enterprise-place-fill'; "
                   "INSERT INTO meta(key, value) VALUES ('enterprise-place-fill', 'yes')");
        int64_t k = 0;
        assert_int_equal(register_store_place_fill(x.d, &k, &e), ST_OK);
        assert_int_equal(k, 2);
        assert_int_equal(fx_count(&x, sql), 2);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM meta WHERE key = 'enterprise-place-fill'"), 0);
        assert_int_equal(register_store_place_fill(x.d, &k, &e), ST_OK);   /* once */
        assert_int_equal(k, 0);
        fx_close(&x);
    }
}

static const char FEED[] =
    "统一社会信用代码,企业名称,成立日期,登记状态,经营范围,住所,行业\n"
    "913502036000000208,厦门云栈网络科技有限公司,2025-02-10,存续,互联网信息服务；软件开发；数据处理和存储支持服务,厦门市思明区观日路30号,软件和信息技术服务业\n"
    "913502036000000395,厦门香满楼餐饮有限公司,2025-02-11,存续,餐饮服务；食品销售,厦门市思明区中山路1号,餐饮业\n"
    "913502036000000470,测试甲网络有限公司,2018-01-01,存续,软件开发,厦门市观日路1号,软件和信息技术服务业\n"
    "91350203600000055T,测试乙公司,2018-01-01,注销,软件开发,厦门市观日路1号,软件和信息技术服务业\n";

static void test_feed(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        fx_exec(&x, "UPDATE enterprise SET uscc = '913502036000000470' WHERE name = '测试甲公司'");
        fx_exec(&x, "UPDATE enterprise SET uscc = '91350203600000055T' WHERE name = '测试乙公司'");
        ledger_table *t = NULL;
        assert_int_equal(register_feed_read_mem("2025-02.csv", FEED, sizeof FEED - 1, &t, &e), ST_OK);
        int64_t feed = 0;
        assert_int_equal(register_store_feed_import(&x.c, t, "2025-02-28", NULL, NULL, &feed, &e), ST_OK);
        /* the same file twice is refused */
        int64_t again = 0;
        assert_int_equal(register_store_feed_import(&x.c, t, "2025-02-28", NULL, NULL, &again, &e), ST_CONFLICT);
        ledger_table_free(t);
        uc_page pg = {100, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        assert_int_equal(register_store_proposals(&x.c, "pending", feed, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 3);   /* the restaurant is not an internet enterprise */
        int64_t pnew = 0, pren = 0, pclose = 0;
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            const char *k = json_string_value(json_object_get(it, "kind"));
            int64_t id = json_integer_value(json_object_get(it, "id"));
            if (!strcmp(k, "new")) {
                pnew = id;
                assert_string_equal(json_string_value(json_object_get(it, "day")), "2025-02-10");
                assert_string_equal(json_string_value(json_object_get(it, "district_code")), "350203");
            } else if (!strcmp(k, "rename")) {
                pren = id;
                assert_string_equal(json_string_value(json_object_get(it, "old_name")), "测试甲公司");
            } else if (!strcmp(k, "close")) {
                pclose = id;
                assert_string_equal(json_string_value(json_object_get(it, "day")), "2025-02-28");
            }
        }
        json_decref(items);
        assert_true(pnew && pren && pclose);
        /* nothing applied yet */
        assert_int_equal(figure(&x.c, "2025-02-28", NULL), 7);
        int64_t ent = 0;
        assert_int_equal(register_store_accept(&x.c, pnew, NULL, &ent, &e), ST_OK);
        int64_t none = 0;
        assert_int_equal(register_store_accept(&x.c, pnew, NULL, &none, &e), ST_CONFLICT);   /* decided already */
        assert_int_equal(register_store_refuse(&x.c, pren, "", &e), ST_INVALID);
        assert_int_equal(register_store_refuse(&x.c, pren, "名称变更尚未核实", &e), ST_OK);
        int64_t closed = 0;
        assert_int_equal(register_store_accept(&x.c, pclose, NULL, &closed, &e), ST_OK);
        assert_int_equal(figure(&x.c, "2025-02-09", NULL), 7);
        assert_int_equal(figure(&x.c, "2025-02-10", NULL), 8);   /* the new one from its 成立日期 */
        assert_int_equal(figure(&x.c, "2025-02-28", NULL), 7);   /* 乙 closed on the feed's date */
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM enterprise WHERE name = '测试甲公司'"), 1);   /* refused: unchanged */
        /* the new enterprise enters the formation rules at once */
        json_t *f = NULL;
        assert_int_equal(org_store_findings(&x.c, "2025-02-10", NULL, 0, &f, &e), ST_OK);
        bool seen = false;
        json_array_foreach(json_object_get(f, "enterprises"), i, it) {
            if (json_integer_value(json_object_get(it, "id")) == ent) {
                seen = true;
                assert_string_equal(json_string_value(json_object_get(it, "registered_on")), "2025-02-10");
                assert_true(json_array_size(json_object_get(it, "findings")) > 0);
            }
        }
        json_decref(f);
        assert_true(seen);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM enterprise_event WHERE proposal_id IS NOT NULL"), 2);
        /* a district office sees its own district's proposals only */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(register_store_proposals(&huli, "all", 0, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        fx_close(&x);
    }
}

static void test_rules(void **state) {
    (void)state;
    assert_string_equal(register_internet_word("餐饮服务；互联网信息服务", NULL, NULL, "互联网,软件"), "互联网");
    assert_null(register_internet_word("餐饮服务；食品销售", "餐饮业", "厦门香满楼餐饮有限公司", "互联网,软件"));
    assert_string_equal(register_internet_word(NULL, NULL, "厦门某某App科技", "app"), "app");
    assert_string_equal(register_category("网络游戏", NULL, NULL), "网游");
    assert_string_equal(register_category(NULL, "厦门某某电子商务有限公司", NULL), "电商");
    assert_true(register_same_name("厦门（测试）公司", "厦门(测试) 公司"));
    assert_false(register_same_name("厦门甲公司", "厦门乙公司"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_create_close),
        cmocka_unit_test(test_edit),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_move),
        cmocka_unit_test(test_feed),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
