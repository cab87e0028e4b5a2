/* Unit tests for the org store (src/org/org_store*.c) on SQLite and, when
 * EJIA_TEST_PG_URL is set, PostgreSQL: every write is one audited use case
 * (its audit row names the action and the object, in the same transaction:
 * a refusal leaves neither change nor row); organizations formed, covers
 * added and removed, upgraded, merged, split, dissolved, with their dated
 * events; instructors assigned with a sealed phone, revealed, withdrawn;
 * use cases nest inside a caller's transaction (the demo's); lists and
 * findings keep to the caller's scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "org/org_store.h"
#include "org/org_fixture.h"

static int64_t create(fx *x, const char *name, const char *kind, const char *day, const int64_t *ents, size_t n, st want) {
    org_new o = {.name = name, .kind = kind, .day = day, .enterprises = ents, .n_enterprises = n, .approved = true,
                 .based_on = !strcmp(kind, "联合党支部") ? "park" : NULL};
    int64_t id = 0;
    err e;
    err_clear(&e);
    int depth = db_tx_depth(x->d);
    st s = org_store_create(&x->c, &o, &id, &e);
    if (s != want) fail_msg("create %s: %d (%s), want %d", name, s, e.msg, want);
    assert_int_equal(db_tx_depth(x->d), depth);   /* its own transaction or savepoint closed, either way */
    return id;
}

static int64_t events(fx *x, int64_t org, const char *kind) {
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM org_event WHERE (org_id = %lld OR other_org_id = %lld) AND kind = '%s'",
             (long long)org, (long long)org, kind);
    return fx_count(x, sql);
}

static int64_t open_covers(fx *x, int64_t org) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM org_cover WHERE org_id = %lld AND to_day IS NULL", (long long)org);
    return fx_count(x, sql);
}

static void test_create(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        int64_t a0 = fx_audit_rows(&x), A = fx_ent(&x, 'A');
        int64_t id = create(&x, "中共测试甲公司支部", "党支部", "2019-03-05", &A, 1, ST_OK);
        assert_true(id > 0);
        assert_int_equal(fx_audit_rows(&x) - a0, 1);
        char want[64];
        snprintf(want, sizeof want, "org.create org:%lld", (long long)id);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(open_covers(&x, id), 1);
        assert_int_equal(events(&x, id, "established"), 1);
        assert_int_equal(events(&x, id, "cover_added"), 1);
        /* the event names the use case's actor */
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_event WHERE actor LIKE 'cli:%'"), 2);
        /* the tree: under the root, path ends in its id */
        err e;
        json_t *o = NULL;
        assert_int_equal(org_store_get(&x.c, id, "2019-03-05", &o, &e), ST_OK);
        char tail[32];
        snprintf(tail, sizeof tail, "/%lld/", (long long)id);
        const char *path = json_string_value(json_object_get(o, "path"));
        assert_non_null(strstr(path, tail));
        assert_int_equal(json_integer_value(json_object_get(o, "members")), 5);
        assert_int_equal(json_integer_value(json_object_get(o, "units")), 1);
        json_decref(o);
        /* refusals: nothing written, nothing audited, the transaction closed */
        int64_t orgs = fx_count(&x, "SELECT COUNT(*) FROM org"), a1 = fx_audit_rows(&x);
        err_clear(&e);
        org_new twice = {.name = "中共重复覆盖支部", .kind = "党支部", .day = "2019-04-01", .enterprises = &A, .n_enterprises = 1,
                         .approved = true};
        int64_t nid = 0;
        assert_int_equal(org_store_create(&x.c, &twice, &nid, &e), ST_CONFLICT);
        assert_string_equal(e.field, "enterprise_ids[0]");
        int64_t Z = fx_ent(&x, 'Z'), D = fx_ent(&x, 'D');
        create(&x, "中共僵尸企业支部", "党支部", "2019-04-01", &Z, 1, ST_INVALID);
        create(&x, "中共将来支部", "党支部", "2999-01-01", &D, 1, ST_INVALID);
        org_new few = {.name = "中共党员不足支部", .kind = "党支部", .day = "2019-04-01", .enterprises = &D, .n_enterprises = 1};
        err_clear(&e);
        assert_int_equal(org_store_create(&x.c, &few, &nid, &e), ST_INVALID);
        assert_non_null(strstr(e.msg, "不足 3 人"));
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org"), orgs);
        assert_int_equal(fx_audit_rows(&x), a1);
        assert_int_equal(db_tx_depth(x.d), 0);
        fx_close(&x);
    }
}

static void test_covers_and_changes(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t bc[2] = {fx_ent(&x, 'B'), fx_ent(&x, 'C')}, D = fx_ent(&x, 'D'), A = fx_ent(&x, 'A');
        int64_t J = create(&x, "中共测试联合支部", "联合党支部", "2019-04-01", bc, 2, ST_OK);
        int64_t a0 = fx_audit_rows(&x);
        char want[64];
        /* a cover added and removed */
        assert_int_equal(org_store_cover_add(&x.c, J, D, "2019-05-01", &e), ST_OK);
        snprintf(want, sizeof want, "org.cover_add org:%lld", (long long)J);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(open_covers(&x, J), 3);
        assert_int_equal(org_store_cover_remove(&x.c, J, D, "2019-06-01", "企业迁出", &e), ST_OK);
        snprintf(want, sizeof want, "org.cover_remove org:%lld", (long long)J);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(open_covers(&x, J), 2);
        assert_int_equal(org_store_cover_remove(&x.c, J, D, "2019-06-02", NULL, &e), ST_NOT_FOUND);
        assert_int_equal(fx_audit_rows(&x) - a0, 2);
        /* upgraded: A's own branch to a 党总支 (approved below 50) */
        int64_t S = create(&x, "中共测试甲公司支部", "党支部", "2019-03-05", &A, 1, ST_OK);
        assert_int_equal(org_store_upgrade(&x.c, S, "党委", "2019-07-01", false, NULL, &e), ST_INVALID);
        assert_int_equal(org_store_upgrade(&x.c, S, "党总支", "2019-07-01", true, "批准", &e), ST_OK);
        snprintf(want, sizeof want, "org.upgrade org:%lld", (long long)S);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(events(&x, S, "upgraded"), 1);
        /* a 临时党支部 merged into the joint branch: its enterprise moves */
        int64_t T = create(&x, "中共测试临时支部", "临时党支部", "2019-08-01", &D, 1, ST_OK);
        assert_int_equal(org_store_merge(&x.c, T, J, "2019-09-01", NULL, &e), ST_OK);
        snprintf(want, sizeof want, "org.merge org:%lld", (long long)T);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(open_covers(&x, T), 0);
        assert_int_equal(open_covers(&x, J), 3);
        assert_int_equal(events(&x, T, "merged"), 1);
        assert_int_equal(org_store_cover_add(&x.c, T, fx_ent(&x, 'F'), "2019-09-02", &e), ST_CONFLICT);
        /* split: D leaves J for a new branch */
        org_new n = {.name = "中共测试拆分支部", .kind = "党支部", .day = "2019-10-01", .enterprises = &D, .n_enterprises = 1,
                     .approved = true};
        int64_t N = 0;
        assert_int_equal(org_store_split(&x.c, J, &n, &N, &e), ST_OK);
        snprintf(want, sizeof want, "org.split org:%lld", (long long)J);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(open_covers(&x, N), 1);
        assert_int_equal(open_covers(&x, J), 2);
        assert_int_equal(events(&x, N, "split"), 1);
        int64_t parent = -1;
        assert_int_equal(org_store_parent(&x.c, N, &parent, &e), ST_OK);
        int64_t jparent = -1;
        assert_int_equal(org_store_parent(&x.c, J, &jparent, &e), ST_OK);
        assert_int_equal(parent, jparent);
        /* an enterprise the organization does not cover cannot be split out of it */
        int64_t a1 = fx_audit_rows(&x), F = fx_ent(&x, 'F');
        n.enterprises = &F;
        n.name = "中共测试越权支部";
        assert_int_equal(org_store_split(&x.c, J, &n, &N, &e), ST_INVALID);
        assert_int_equal(fx_audit_rows(&x), a1);
        /* dissolved: its covers end */
        assert_int_equal(org_store_dissolve(&x.c, S, "2019-11-01", "企业注销", &e), ST_OK);
        snprintf(want, sizeof want, "org.dissolve org:%lld", (long long)S);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(open_covers(&x, S), 0);
        assert_int_equal(org_store_dissolve(&x.c, S, "2019-11-02", NULL, &e), ST_CONFLICT);
        /* the root cannot go */
        int64_t root = fx_count(&x, "SELECT MIN(id) FROM org WHERE parent_id IS NULL");
        assert_int_equal(org_store_dissolve(&x.c, root, "2019-11-02", NULL, &e), ST_INVALID);
        assert_int_equal(db_tx_depth(x.d), 0);
        fx_close(&x);
    }
}

static void test_instructors(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t F = fx_ent(&x, 'F'), id = 0, a0 = fx_audit_rows(&x);
        assert_int_equal(org_store_instructor_assign(&x.c, F, "李指导", "1390000100", 0, "2019-03-10", &id, &e), ST_INVALID);
        assert_string_equal(e.field, "phone");
        assert_int_equal(org_store_instructor_assign(&x.c, F, "李指导", "13900001009", 0, "2019-03-10", &id, &e), ST_OK);
        char want[64];
        snprintf(want, sizeof want, "instructor.assign instructor:%lld", (long long)id);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(fx_audit_rows(&x) - a0, 1);
        /* the phone sealed at rest, masked in reads, whole when revealed */
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_instructor WHERE phone LIKE 'v1.%' AND phone_masked = '139****1009'"), 1);
        json_t *row = NULL;
        assert_int_equal(org_store_instructor_get(&x.c, id, &row, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(row, "phone")), "139****1009");
        json_decref(row);
        char *phone = NULL;
        assert_int_equal(org_store_instructor_phone(&x.c, id, &phone, &e), ST_OK);
        assert_string_equal(phone, "13900001009");
        free(phone);
        int64_t owner = 0;
        assert_int_equal(org_store_instructor_enterprise(&x.c, id, &owner, &e), ST_OK);
        assert_int_equal(owner, F);
        /* one at a time */
        int64_t id2 = 0;
        assert_int_equal(org_store_instructor_assign(&x.c, F, "王指导", NULL, 0, "2019-03-11", &id2, &e), ST_CONFLICT);
        /* the list: active on a day, within the scope */
        uc_page pg = {50, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        org_instructor_filter f = {"2019-03-20", NULL, "active"};
        assert_int_equal(org_store_instructors(&x.c, &f, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "phone")), "139****1009");
        json_decref(items);
        uc siming = fx_scoped(&x, "district", "350203");
        assert_int_equal(org_store_instructors(&siming, &f, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        /* withdrawn */
        assert_int_equal(org_store_instructor_withdraw(&x.c, id, "2019-03-10", NULL, &e), ST_INVALID);
        assert_int_equal(org_store_instructor_withdraw(&x.c, id, "2019-04-10", NULL, &e), ST_OK);
        snprintf(want, sizeof want, "instructor.withdraw instructor:%lld", (long long)id);
        assert_string_equal(fx_last_audit(&x), want);
        assert_int_equal(org_store_instructor_withdraw(&x.c, id, "2019-04-11", NULL, &e), ST_CONFLICT);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org_event WHERE kind IN ('instructor_assigned', 'instructor_withdrawn')"), 2);
        assert_int_equal(fx_audit_rows(&x) - a0, 2);
        fx_close(&x);
    }
}

/* Use cases nest: inside a caller's transaction each is a savepoint with its
 * audit row; the caller's rollback takes everything back. */
static void test_nesting(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t orgs = fx_count(&x, "SELECT COUNT(*) FROM org"), a0 = fx_audit_rows(&x);
        int64_t A = fx_ent(&x, 'A'), E = fx_ent(&x, 'E'), D = fx_ent(&x, 'D');
        assert_int_equal(db_begin(x.d, &e), ST_OK);
        create(&x, "中共测试甲公司支部", "党支部", "2019-03-05", &A, 1, ST_OK);
        assert_int_equal(db_tx_depth(x.d), 1);
        /* a refusal inside rolls back its own savepoint only */
        create(&x, "中共测试重复支部", "党支部", "2019-03-06", &A, 1, ST_CONFLICT);
        assert_int_equal(db_tx_depth(x.d), 1);
        create(&x, "中共测试戊公司支部", "党支部", "2019-03-05", &E, 1, ST_OK);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org") - orgs, 2);
        db_rollback(x.d);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org"), orgs);
        assert_int_equal(fx_audit_rows(&x), a0);
        /* committed with the caller: both, with their rows */
        assert_int_equal(db_begin(x.d, &e), ST_OK);
        create(&x, "中共测试甲公司支部", "党支部", "2019-03-05", &A, 1, ST_OK);
        create(&x, "中共测试丁公司临时支部", "临时党支部", "2019-03-05", &D, 1, ST_OK);
        assert_int_equal(db_commit(x.d, &e), ST_OK);
        assert_int_equal(fx_count(&x, "SELECT COUNT(*) FROM org") - orgs, 2);
        assert_int_equal(fx_audit_rows(&x) - a0, 2);
        fx_close(&x);
    }
}

static void test_lists_and_scope(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t A = fx_ent(&x, 'A'), E = fx_ent(&x, 'E');
        int64_t oa = create(&x, "中共测试甲公司支部", "党支部", "2019-03-05", &A, 1, ST_OK);
        create(&x, "中共测试戊公司支部", "党支部", "2019-03-05", &E, 1, ST_OK);
        uc_page pg = {50, 0, "q.id"};
        json_t *items = NULL;
        int64_t total = 0;
        org_filter all = {.day = "2019-03-05", .kind = "党支部"};
        assert_int_equal(org_store_list(&x.c, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);
        json_decref(items);
        all.day = "2019-03-04";
        assert_int_equal(org_store_list(&x.c, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);   /* none active the day before */
        json_decref(items);
        all.day = "2019-03-05";
        uc siming = fx_scoped(&x, "district", "350203");
        assert_int_equal(org_store_list(&siming, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), oa);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "units")), 1);
        json_decref(items);
        /* an organization's administrator sees its own */
        char code[24];
        snprintf(code, sizeof code, "%lld", (long long)oa);
        uc admin = fx_scoped(&x, "org", code);
        org_filter roots = {.day = "2019-03-05", .roots = true};
        assert_int_equal(org_store_list(&admin, &roots, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        /* nobody bound: nothing */
        uc none = fx_scoped(&x, NULL, NULL);
        assert_int_equal(org_store_list(&none, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        /* the event log, filtered and scoped */
        org_event_filter ev = {.org_id = oa};
        uc_page epg = {50, 0, NULL};
        assert_int_equal(org_store_events(&x.c, &ev, &epg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "kind")), "established");
        json_decref(items);
        org_event_filter huli = {.district = "350206"};
        assert_int_equal(org_store_events(&siming, &huli, &epg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        /* region names */
        assert_string_equal(org_store_scope_name(&siming), "思明区");
        assert_string_equal(org_store_scope_name(&x.c), "厦门市");
        json_t *names = NULL;
        assert_int_equal(org_store_region_names(&x.c, &names, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(names, "P9001")), "测试园区");
        json_decref(names);
        fx_close(&x);
    }
}

static void test_findings(void **state) {
    (void)state;
    for (int u = 0; u < fx_nurls; u++) {
        fx x;
        fx_open(&x, u);
        err e;
        int64_t E = fx_ent(&x, 'E');
        create(&x, "中共测试戊公司支部", "党支部", "2019-03-05", &E, 1, ST_OK);
        json_t *f = NULL;
        assert_int_equal(org_store_findings(&x.c, "2019-03-05", NULL, 0, &f, &e), ST_OK);
        json_t *counts = json_object_get(f, "counts");
        /* A (5) and G (60) have no organization of their own; B (1) and C (2) in one park make a joint branch;
         * D and F (no members, no instructor, uncovered) need instructors; the zombie counts for nothing */
        assert_int_equal(json_integer_value(json_object_get(counts, "should_form")), 2);
        assert_int_equal(json_integer_value(json_object_get(counts, "joint")), 2);
        assert_int_equal(json_integer_value(json_object_get(counts, "instructor")), 2);
        assert_int_equal(json_array_size(json_object_get(f, "joint")), 1);
        /* the office's rules: the branch formed without a 书记; with nobody on the registry, no 正式党员 rule */
        assert_int_equal(json_integer_value(json_object_get(counts, "no_secretary")), 1);
        assert_int_equal(json_integer_value(json_object_get(counts, "few_full")), 0);
        json_decref(f);
        /* a district's findings: its own enterprises only */
        uc huli = fx_scoped(&x, "district", "350206");
        assert_int_equal(org_store_findings(&huli, "2019-03-05", NULL, 0, &f, &e), ST_OK);
        counts = json_object_get(f, "counts");
        assert_int_equal(json_integer_value(json_object_get(counts, "should_form")), 1);
        assert_int_equal(json_integer_value(json_object_get(counts, "joint")), 0);
        json_decref(f);
        /* per district (the bulletin's) */
        org_district_count *dc = NULL;
        size_t n = 0;
        assert_int_equal(org_store_findings_by_district(&x.c, "2019-03-05", &dc, &n, &e), ST_OK);
        assert_int_equal(n, 2);
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(dc[i].district, "350203")) {
                assert_int_equal(dc[i].should_form, 1);
                assert_int_equal(dc[i].findings, 4);   /* A should_form; B, C joint; D instructor */
            } else {
                assert_string_equal(dc[i].district, "350206");
                assert_int_equal(dc[i].should_form, 1);
                assert_int_equal(dc[i].findings, 3);   /* G should_form, F instructor, E's branch has no 书记 */
            }
        }
        fx_close(&x);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_covers_and_changes),
        cmocka_unit_test(test_instructors),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_lists_and_scope),
        cmocka_unit_test(test_findings),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
