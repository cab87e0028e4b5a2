/* Unit tests for the ledger's stores (import_store.c, round_store.c,
 * verify_store.c, record_store.c) against SQLite and, when EJIA_TEST_PG_URL
 * is set, PostgreSQL: a small city's ledgers imported (once per file, each
 * in the area of the office that sent it), rounds 1–3 built from them, the
 * diff, a decision re-applied, the review queue, field verification (one by
 * one and from a filled template), round 4, publishing and the export; the
 * lists as each actor's scope allows; every write one audit row with the
 * actor's name, a failed one none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypt.h"
#include "base/uc.h"
#include "db/db.h"
#include "../testdb.h"
#include "ledger/import.h"
#include "ledger/record.h"
#include "ledger/round.h"
#include "ledger/verify.h"

/* Valid unified social credit codes (GB 32100, with their GB 11714 part). */
#define C0 "91350203MA2XK7B177"
#define C1 "91350206MA31FB275B"
#define C2 "91350211751625431L"
#define C3 "91350205MA8UPL045F"
#define C4 "91350203MA2XK7C21B"
#define C5 "91350203MA9QRT556C"

/* Two department ledgers and a district survey that overlap: a zombie, a
 * branch beside its head office, an enterprise without a code found twice. */
static const struct { const char *name, *text; } files[3] = {
    {"01-经信局.csv", "厦门市互联网企业名单（经信局）\n序号,企业名称,统一社会信用代码,所属区,从业人数,党员数,状态,联系电话\n"
                     "1,厦门美图网络科技有限公司," C0 ",思明区,300,12,存续,0592-5550100\n"
                     "2,厦门飞鱼信息技术有限公司," C1 ",湖里区,50,3,存续,13800000002\n"
                     "3,厦门旧时光传媒有限公司（已注销）," C2 ",集美区,0,0,注销,\n"
                     "4,厦门云海数据有限公司,,思明区,12,1,存续,0592-5550001\n"},
    {"02-网信办.csv", "单位名称,信用代码,辖区,员工人数\n"
                     "美图（厦门）网络科技有限公司," C0 ",思明,290\n"
                     "厦门飞鱼信息科技有限公司," C1 ",湖里区,48\n"
                     "厦门蓝天电子商务有限公司," C3 ",海沧区,20\n"},
    {"06-思明区摸排.csv", "企业名称,统一社会信用代码,区域,从业人员数,联系人,电话,办公地址\n"
                         "厦门云海数据有限公司,,思明区,11,王伟,0592-5550001,厦门市思明区软件园二期观日路12号301室\n"
                         "厦门美图网络科技有限公司思明分公司," C4 ",思明区,40,李娜,,\n"
                         "厦门新星软件有限公司," C5 ",思明区,8,张敏,13900000003,厦门市思明区滨海街道环岛南路1号\n"},
};

static testdb tdb;

static int setup(void **state) {
    (void)state;
    testdb_init(&tdb, "ledgerstore", 5);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    testdb_done(&tdb);
    return 0;
}

static int64_t count(db *d, const char *sql) {
    int64_t n = -1;
    err e;
    assert_int_equal(db_query_int(d, &n, sql, &e, ""), ST_OK);
    return n;
}

/* A migrated database without any ledger data (the PostgreSQL one is shared
 * by the unit tests: what an earlier run left is removed), with the park
 * the survey's address names. */
static db *open_fresh(const char *url) {
    db *d = NULL;
    err e;
    int applied = 0;
    assert_int_equal(db_open(url, &d, &e), ST_OK);
    assert_int_equal(db_migrate(d, &applied, &e), ST_OK);
    static const char *const clear[] = {
        "DELETE FROM enterprise WHERE ledger_round IS NOT NULL", "DELETE FROM ledger_verification",
        "DELETE FROM ledger_round_review", "DELETE FROM ledger_round_member", "DELETE FROM ledger_round_entity",
        "DELETE FROM ledger_round_import", "DELETE FROM ledger_round WHERE base_round IS NOT NULL",
        "DELETE FROM ledger_round", "DELETE FROM ledger_decision", "DELETE FROM ledger_problem",
        "DELETE FROM ledger_record", "DELETE FROM ledger_import"};
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++) assert_int_equal(db_exec(d, clear[i], &e), ST_OK);
    if (!count(d, "SELECT COUNT(*) FROM region WHERE code = 'P0002'"))
        assert_int_equal(db_exec(d, "INSERT INTO region(code, name, kind, parent_code) VALUES ('P0002', '软件园二期', 'park', '350203')", &e),
                         ST_OK);
    return d;
}

/* An actor bound to a scope (the command line's context, renamed). */
static uc actor(db *d, arena *mem, const char *name, const char *kind, const char *code) {
    uc c;
    uc_cli(&c, d, mem);
    c.who.username = name;
    c.who.role = kind;
    c.who.scope_kind = kind;
    c.who.scope_code = code;
    return c;
}

static int64_t audits(db *d, const char *action) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit WHERE action = '%s'", action);
    return count(d, sql);
}

/* The latest audit row of an action: its object and actor. */
static void last_audit(db *d, const char *action, const char *object, const char *username) {
    json_t *rows = NULL;
    err e;
    assert_int_equal(db_query_json(d, &rows, "SELECT object, username, result FROM audit WHERE action = $1 ORDER BY seq DESC LIMIT 1",
                                   &e, "t", action),
                     ST_OK);
    json_t *o = json_array_get(rows, 0);
    assert_non_null(o);
    if (object) assert_string_equal(json_string_value(json_object_get(o, "object")), object);
    assert_string_equal(json_string_value(json_object_get(o, "username")), username);
    json_decref(rows);
}

static int64_t import_file(uc *c, int k, st want) {
    ledger_table *t = NULL;
    err e;
    ledger_read_opts o = {0};
    assert_int_equal(ledger_table_read_mem(files[k].name, files[k].text, strlen(files[k].text), &o, &t, &e), ST_OK);
    ledger_import_in in = {.t = t, .file_size = strlen(files[k].text)};
    int64_t id = 0;
    st s = ledger_import_store_add(c, &in, &id, &e);
    if (s != want) fail_msg("import %s: %d (%s), want %d", files[k].name, s, e.msg, want);
    ledger_table_free(t);
    return id;
}

/* The fixture's three imports: the departments' by the city, the survey by 思明区. */
static void import_all(db *d, uc *city, uc *siming, int64_t ids[3]) {
    int64_t before = audits(d, "ledger.import");
    ids[0] = import_file(city, 0, ST_OK);
    ids[1] = import_file(city, 1, ST_OK);
    ids[2] = import_file(siming, 2, ST_OK);
    assert_int_equal(audits(d, "ledger.import") - before, 3);
    last_audit(d, "ledger.import", NULL, "t_siming");
}

static void test_imports(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        arena mem;
        arena_init(&mem, 0);
        uc city = actor(d, &mem, "t_city", "city", ""), siming = actor(d, &mem, "t_siming", "district", "350203"),
           huli = actor(d, &mem, "t_huli", "district", "350206");
        int64_t ids[3];
        import_all(d, &city, &siming, ids);
        err e;
        /* the same file again: nothing stored, the earlier import named, the attempt audited */
        const char *dups = "SELECT COUNT(*) FROM audit WHERE action = 'ledger.import' AND result = 'duplicate'";
        int64_t rows0 = count(d, "SELECT COUNT(*) FROM ledger_record"), all0 = audits(d, "ledger.import"), dup0 = count(d, dups);
        assert_int_equal(import_file(&huli, 0, ST_CONFLICT), ids[0]);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM ledger_record"), rows0);
        assert_int_equal(audits(d, "ledger.import") - all0, 1);
        assert_int_equal(count(d, dups) - dup0, 1);
        /* one import: provenance and its area */
        json_t *imp = NULL;
        assert_int_equal(ledger_import_store_get(&city, ids[2], &imp, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(imp, "scope_code")), "350203");
        assert_string_equal(json_string_value(json_object_get(imp, "importer")), "t_siming");
        assert_int_equal(json_integer_value(json_object_get(imp, "rows")), 3);
        assert_true(json_is_array(json_object_get(imp, "columns")));
        json_decref(imp);
        assert_int_equal(ledger_import_store_get(&city, 999999, &imp, &e), ST_NOT_FOUND);
        /* lists as each scope allows */
        uc_page pg = {100, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        ledger_import_filter all = {NULL}, some = {"网信"};
        assert_int_equal(ledger_import_store_list(&city, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 3);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), ids[2]);   /* newest first */
        json_decref(items);
        assert_int_equal(ledger_import_store_list(&city, &some, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        assert_int_equal(ledger_import_store_list(&siming, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), ids[2]);
        json_decref(items);
        assert_int_equal(ledger_import_store_list(&huli, &all, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 0);
        json_decref(items);
        /* problems, filtered and paged; the report, an audited download */
        static const char bad[] = "企业名称,统一社会信用代码,从业人数\n厦门甲乙网络科技有限公司,91350200751625373X,十\n"
                                  "厦门丙丁网络科技有限公司,,50%\n";
        ledger_table *t = NULL;
        ledger_read_opts ro = {0};
        assert_int_equal(ledger_table_read_mem("有问题.csv", bad, strlen(bad), &ro, &t, &e), ST_OK);
        ledger_import_in in = {.t = t, .file_size = strlen(bad), .importer = "测试局"};
        int64_t pid = 0;
        assert_int_equal(ledger_import_store_add(&huli, &in, &pid, &e), ST_OK);
        ledger_table_free(t);
        assert_int_equal(ledger_import_store_get(&city, pid, &imp, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(imp, "importer")), "测试局");
        int64_t nprob = json_integer_value(json_object_get(imp, "problems"));
        json_decref(imp);
        assert_true(nprob >= 2);
        ledger_problem_filter pf = {NULL, NULL}, errs = {"error", NULL}, pct = {NULL, "50%"};
        uc_page one = {1, 0, NULL};
        assert_int_equal(ledger_import_store_problems(&city, pid, &pf, &one, &items, &total, &e), ST_OK);
        assert_int_equal(total, nprob);
        assert_int_equal(json_array_size(items), 1);
        json_decref(items);
        assert_int_equal(ledger_import_store_problems(&city, pid, &errs, &pg, &items, &total, &e), ST_OK);
        size_t k;
        json_t *x;
        json_array_foreach(items, k, x) assert_string_equal(json_string_value(json_object_get(x, "kind")), "error");
        json_decref(items);
        assert_int_equal(ledger_import_store_problems(&city, pid, &pct, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);   /* "50%" is that text, not a wildcard */
        json_decref(items);
        char path[80];
        snprintf(path, sizeof path, "/tmp/ejia-ledgerstore-%d-report.xlsx", (int)getpid());
        const char *source = NULL;
        int64_t rep0 = audits(d, "ledger.import_report");
        ledger_problem_filter none = {NULL, NULL};
        assert_int_equal(ledger_import_store_report(&city, ids[0], &none, 1000, path, &source, &e), ST_OK);
        assert_string_equal(source, "01-经信局.csv");
        assert_int_equal(audits(d, "ledger.import_report") - rep0, 1);
        assert_int_equal(access(path, R_OK), 0);
        unlink(path);
        /* a record's personal data in full: audited */
        int64_t rec = count(d, "SELECT MIN(id) FROM ledger_record WHERE phone_masked IS NOT NULL");
        json_t *full = NULL;
        assert_int_equal(ledger_record_store_reveal(&city, rec, &full, &e), ST_OK);
        assert_string_equal(json_string_value(json_object_get(full, "phone")), "0592-5550100");
        json_decref(full);
        char obj[48];
        snprintf(obj, sizeof obj, "ledger_record:%lld", (long long)rec);
        last_audit(d, "ledger.reveal", obj, "t_city");
        arena_free(&mem);
        db_close(d);
    }
}

static json_t *entities(uc *c, int64_t round, int removed, int64_t *total) {
    ledger_entity_filter f = {NULL, removed, -1, NULL};
    uc_page pg = {100, 0, NULL};
    json_t *items = NULL;
    err e;
    assert_int_equal(ledger_round_store_entities(c, round, &f, &pg, &items, total, &e), ST_OK);
    return items;
}

/* The entity number of the (first) enterprise whose name contains part. */
static int64_t entity_named(uc *c, int64_t round, const char *part) {
    int64_t total;
    json_t *items = entities(c, round, 0, &total);
    size_t i;
    json_t *o;
    int64_t no = 0;
    json_array_foreach(items, i, o) {
        if (!no && strstr(json_string_value(json_object_get(o, "name")), part))
            no = json_integer_value(json_object_get(o, "entity_no"));
    }
    json_decref(items);
    assert_true(no > 0);
    return no;
}

static int64_t round_of(uc *c, int number, const int64_t *imports, size_t ni, const int64_t *bases, size_t nb) {
    ledger_round_spec sp = {number, imports, ni, bases, nb};
    int64_t id = 0;
    err e;
    st s = ledger_round_store_create(c, &sp, NULL, &id, &e);
    if (s) fail_msg("round %d: %s", number, e.msg);
    return id;
}

static int64_t field(json_t *round, const char *k) { return json_integer_value(json_object_get(round, k)); }

static void check_round(uc *c, int64_t id, int64_t records, int64_t kept, int64_t removed) {
    json_t *r = NULL;
    err e;
    assert_int_equal(ledger_round_store_get(c, id, &r, &e), ST_OK);
    assert_int_equal(field(r, "records"), records);
    assert_int_equal(field(r, "entities"), kept);
    assert_int_equal(field(r, "removed"), removed);
    json_decref(r);
}

static void test_rounds(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        arena mem;
        arena_init(&mem, 0);
        uc city = actor(d, &mem, "t_city", "city", ""), siming = actor(d, &mem, "t_siming", "district", "350203"),
           park = actor(d, &mem, "t_park", "park", "P0002"), org = actor(d, &mem, "t_org", "org", "5");
        err e;
        int64_t ids[3];
        import_all(d, &city, &siming, ids);
        /* rounds 1–3: same code, same enterprise; round 3 removes the zombie, keeps the branch */
        int64_t made = audits(d, "ledger.round_create");
        int64_t r1 = round_of(&city, 1, ids, 2, NULL, 0), r2 = round_of(&city, 2, ids + 2, 1, NULL, 0);
        int64_t base[2] = {r1, r2};
        int64_t r3 = round_of(&city, 3, NULL, 0, base, 2);
        assert_int_equal(audits(d, "ledger.round_create") - made, 3);
        char obj[48];
        snprintf(obj, sizeof obj, "ledger_round:%lld", (long long)r3);
        last_audit(d, "ledger.round_create", obj, "t_city");
        check_round(&city, r1, 7, 5, 0);
        check_round(&city, r2, 3, 3, 0);
        check_round(&city, r3, 10, 6, 1);
        int64_t total;
        json_t *gone = entities(&city, r3, 1, &total);
        assert_int_equal(total, 1);
        assert_non_null(strstr(json_string_value(json_object_get(json_array_get(gone, 0), "removed_reason")), "僵尸企业"));
        json_decref(gone);
        /* bad requests: nothing made, nothing audited */
        ledger_round_spec bad = {4, ids, 1, NULL, 0}, none = {1, NULL, 0, NULL, 0}, twice = {1, (int64_t[]){ids[0], ids[0]}, 2, NULL, 0};
        int64_t id;
        assert_int_equal(ledger_round_store_create(&city, &bad, NULL, &id, &e), ST_INVALID);
        assert_string_equal(e.field, "number");
        assert_int_equal(ledger_round_store_create(&city, &none, NULL, &id, &e), ST_INVALID);
        assert_int_equal(ledger_round_store_create(&city, &twice, NULL, &id, &e), ST_INVALID);
        assert_int_equal(audits(d, "ledger.round_create") - made, 3);
        /* each area sees its part: 思明区 its district, the park what lies in it, an organization nothing */
        json_t *mine = entities(&siming, r3, -1, &total);
        size_t i;
        json_t *o;
        assert_true(total > 0);
        json_array_foreach(mine, i, o) assert_string_equal(json_string_value(json_object_get(o, "district_code")), "350203");
        json_decref(mine);
        json_t *inpark = entities(&park, r3, -1, &total);
        assert_int_equal(total, 1);
        assert_non_null(strstr(json_string_value(json_object_get(json_array_get(inpark, 0), "name")), "云海"));
        json_decref(inpark);
        ledger_entity_filter f = {NULL, -1, -1, NULL};
        uc_page pg = {10, 0, NULL};
        json_t *items = NULL;
        assert_int_equal(ledger_round_store_entities(&org, r3, &f, &pg, &items, &total, &e), ST_FORBIDDEN);
        /* the city narrows to one district; an area office's choice is ignored (always its own) */
        ledger_entity_filter huli = {"350206", -1, -1, NULL};
        assert_int_equal(ledger_round_store_entities(&city, r3, &huli, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        int64_t own;
        json_decref(entities(&siming, r3, -1, &own));
        assert_int_equal(ledger_round_store_entities(&siming, r3, &huli, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, own);
        json_decref(items);
        /* one enterprise: lineage to both sources; another district's is refused */
        int64_t yunhai = entity_named(&city, r3, "云海"), feiyu = entity_named(&city, r3, "飞鱼");
        json_t *ent = NULL;
        assert_int_equal(ledger_round_store_entity(&siming, r3, yunhai, &ent, &e), ST_OK);
        assert_int_equal(json_array_size(json_object_get(ent, "lineage")), 2);
        assert_true(json_is_null(json_object_get(ent, "verification")));
        json_decref(ent);
        assert_int_equal(ledger_round_store_entity(&siming, r3, feiyu, &ent, &e), ST_FORBIDDEN);
        assert_int_equal(ledger_round_store_entity(&city, r3, 999, &ent, &e), ST_NOT_FOUND);
        /* the diff: added, removed with the reason, changed; an area office sees its own */
        json_t *df = NULL;
        assert_int_equal(ledger_round_store_diff(&city, r1, r3, &df, &e), ST_OK);
        json_t *counts = json_object_get(df, "counts");
        assert_int_equal(field(counts, "added"), 2);
        assert_int_equal(field(counts, "removed"), 1);
        assert_non_null(strstr(json_string_value(json_object_get(json_array_get(json_object_get(df, "removed"), 0), "reason")), "僵尸"));
        json_decref(df);
        assert_int_equal(ledger_round_store_diff(&siming, r1, r3, &df, &e), ST_OK);
        assert_int_equal(field(json_object_get(df, "counts"), "removed"), 0);   /* the zombie was 集美区's */
        json_decref(df);
        assert_int_equal(ledger_round_store_diff(&city, r1, 999999, &df, &e), ST_NOT_FOUND);
        /* a decision is re-applied on the next round */
        json_t *lin = NULL;
        assert_int_equal(ledger_round_store_entity(&city, r3, yunhai, &lin, &e), ST_OK);
        int64_t a = field(json_array_get(json_object_get(lin, "lineage"), 0), "record_id");
        int64_t b = field(json_array_get(json_object_get(lin, "lineage"), 1), "record_id");
        json_decref(lin);
        char *text = NULL, *summary = NULL, *plain = NULL;
        assert_int_equal(ledger_round_store_explain(&city, r3, a, b, &text, &summary, &plain, &e), ST_OK);
        assert_true(strlen(text) > 20);
        assert_non_null(strstr(summary, "相同"));
        assert_null(strstr(summary, "log2"));
        assert_non_null(strstr(plain, "本轮结果：两条记录已合并为同一企业"));
        free(text);
        free(summary);
        free(plain);
        int64_t dec = audits(d, "ledger.decide");
        assert_int_equal(ledger_round_store_decide(&city, a, b, "maybe", &e), ST_INVALID);
        assert_int_equal(ledger_round_store_decide(&city, a, a, "same", &e), ST_INVALID);
        assert_int_equal(ledger_round_store_decide(&city, a, 999999, "same", &e), ST_NOT_FOUND);
        assert_int_equal(audits(d, "ledger.decide"), dec);
        assert_int_equal(ledger_round_store_decide(&city, b, a, "different", &e), ST_OK);
        snprintf(obj, sizeof obj, "ledger_decision:%lld-%lld", (long long)(a < b ? a : b), (long long)(a < b ? b : a));
        last_audit(d, "ledger.decide", obj, "t_city");
        check_round(&city, round_of(&city, 3, NULL, 0, base, 2), 10, 7, 1);
        assert_int_equal(ledger_round_store_decide(&city, a, b, "same", &e), ST_OK);
        check_round(&city, round_of(&city, 3, NULL, 0, base, 2), 10, 6, 1);
        assert_int_equal(audits(d, "ledger.decide") - dec, 2);
        /* the rounds' list, newest first, with the matcher's figures */
        json_t *rounds = NULL;
        assert_int_equal(ledger_round_store_list(&city, &rounds, &e), ST_OK);
        assert_int_equal(json_array_size(rounds), 5);
        assert_true(json_is_object(json_object_get(json_array_get(rounds, 0), "params")));
        assert_true(field(json_array_get(rounds, 0), "id") > field(json_array_get(rounds, 4), "id"));
        json_decref(rounds);
        arena_free(&mem);
        db_close(d);
    }
}

/* The review queue: both records in one row, decisions shown, an area office
 * sees a pair only when both records lie in its area. */
static void test_review(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        arena mem;
        arena_init(&mem, 0);
        uc city = actor(d, &mem, "t_city", "city", ""), siming = actor(d, &mem, "t_siming", "district", "350203");
        err e;
        int64_t ids[3];
        import_all(d, &city, &siming, ids);
        int64_t r2 = round_of(&city, 2, ids + 2, 1, NULL, 0), r1 = round_of(&city, 1, ids, 2, NULL, 0);
        /* pairs as a run might leave them: two of 思明区's records, and one with 湖里区's */
        char sql[400];
        snprintf(sql, sizeof sql, "DELETE FROM ledger_round_review WHERE round_id = %lld", (long long)r1);
        assert_int_equal(db_exec(d, sql, &e), ST_OK);
        int64_t s0 = count(d, "SELECT MIN(id) FROM ledger_record WHERE name LIKE '%美图%'");
        int64_t s1 = count(d, "SELECT MIN(id) FROM ledger_record WHERE name LIKE '%云海%'");
        int64_t h0 = count(d, "SELECT MIN(id) FROM ledger_record WHERE name LIKE '%飞鱼%'");
        snprintf(sql, sizeof sql,
                 "INSERT INTO ledger_round_review(round_id, a_record, b_record, prob, weight) VALUES (%lld, %lld, %lld, 0.5, 2), "
                 "(%lld, %lld, %lld, 0.4, 1)",
                 (long long)r1, (long long)(s0 < s1 ? s0 : s1), (long long)(s0 < s1 ? s1 : s0), (long long)r1,
                 (long long)(s0 < h0 ? s0 : h0), (long long)(s0 < h0 ? h0 : s0));
        assert_int_equal(db_exec(d, sql, &e), ST_OK);
        uc_page pg = {10, 0, NULL};
        json_t *items = NULL;
        int64_t total = 0;
        assert_int_equal(ledger_round_store_review(&city, r1, 2, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 2);
        json_t *p0 = json_array_get(items, 0);   /* heaviest first */
        assert_int_equal(field(p0, "a_record"), s0 < s1 ? s0 : s1);
        assert_int_equal(field(json_object_get(p0, "a"), "record_id"), field(p0, "a_record"));
        assert_int_equal(field(json_object_get(p0, "b"), "record_id"), field(p0, "b_record"));
        assert_non_null(json_string_value(json_object_get(json_object_get(p0, "a"), "source")));
        assert_null(json_object_get(p0, "a_name"));   /* folded into "a" */
        json_decref(items);
        assert_int_equal(ledger_round_store_review(&siming, r1, 2, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        /* decided pairs: out of the open queue, in the decided one with the verdict */
        assert_int_equal(ledger_round_store_decide(&city, s0, s1, "same", &e), ST_OK);
        assert_int_equal(ledger_round_store_review(&city, r1, 0, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        json_decref(items);
        assert_int_equal(ledger_round_store_review(&city, r1, 1, &pg, &items, &total, &e), ST_OK);
        assert_int_equal(total, 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "verdict")), "same");
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "decided_by")), "t_city");
        json_decref(items);
        /* the command line's call: every pair, no page */
        assert_int_equal(ledger_round_store_review(&city, r1, 2, NULL, &items, &total, &e), ST_OK);
        assert_int_equal(json_array_size(items), 2);
        json_decref(items);
        assert_int_equal(ledger_round_store_review(&city, r2 + 1000, 2, &pg, &items, &total, &e), ST_NOT_FOUND);
        arena_free(&mem);
        db_close(d);
    }
}

static void verify(uc *c, int64_t round, int64_t no, int64_t employees, int premises, int operating, st want) {
    ledger_verification v = {employees, premises, operating, "张三", NULL, NULL};
    err e;
    st s = ledger_verify_store_set(c, round, no, &v, &e);
    if (s != want) fail_msg("verify %lld: %d (%s), want %d", (long long)no, s, e.msg, want);
}

static char *write_file(const char *name, const char *text) {
    char *p = malloc(96);
    snprintf(p, 96, "/tmp/ejia-ledgerstore-%d-%s", (int)getpid(), name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* Field verification (one by one, and a filled template), round 4,
 * publishing, the export. */
static void test_verification(void **state) {
    (void)state;
    for (int u = 0; u < tdb.n; u++) {
        db *d = open_fresh(tdb.urls[u]);
        arena mem;
        arena_init(&mem, 0);
        uc city = actor(d, &mem, "t_city", "city", ""), siming = actor(d, &mem, "t_siming", "district", "350203");
        err e;
        int64_t ids[3];
        import_all(d, &city, &siming, ids);
        int64_t r1 = round_of(&city, 1, ids, 2, NULL, 0), r2 = round_of(&city, 2, ids + 2, 1, NULL, 0);
        int64_t base[2] = {r1, r2};
        int64_t r3 = round_of(&city, 3, NULL, 0, base, 2);
        /* the template: an audited download, for round 3 only */
        char *tpl = write_file("tpl.xlsx", "");
        int64_t t0 = audits(d, "ledger.verify_template");
        assert_int_equal(ledger_verify_store_template(&siming, r3, NULL, tpl, &e), ST_OK);
        assert_int_equal(audits(d, "ledger.verify_template") - t0, 1);
        assert_int_equal(ledger_verify_store_template(&city, r1, NULL, tpl, &e), ST_INVALID);
        /* one by one: 4 kept, 蓝天 without premises; 思明区 may not record 湖里区's */
        int64_t v0 = audits(d, "ledger.verify_set");
        static const char *const ok[] = {"美图网络科技有限公司", "飞鱼", "云海", "新星"};
        for (int k = 0; k < 4; k++) verify(&city, r3, entity_named(&city, r3, ok[k]), 20, 1, 1, ST_OK);
        int64_t lantian = entity_named(&city, r3, "蓝天");
        verify(&city, r3, lantian, 0, 0, 0, ST_OK);
        verify(&siming, r3, entity_named(&city, r3, "飞鱼"), 5, 1, 1, ST_FORBIDDEN);
        verify(&city, r1, 1, 5, 1, 1, ST_NOT_FOUND);   /* not a round 3 */
        assert_int_equal(audits(d, "ledger.verify_set") - v0, 5);
        char obj[64];
        snprintf(obj, sizeof obj, "ledger_entity:%lld/%lld", (long long)r3, (long long)lantian);
        last_audit(d, "ledger.verify_set", obj, "t_city");
        /* a filled template, as 思明区: its row taken, the others reported in sheet order */
        int64_t xinxing = entity_named(&city, r3, "新星"), feiyu = entity_named(&city, r3, "飞鱼");
        char csv[512];
        snprintf(csv, sizeof csv,
                 "企业编号,企业名称,核实从业人数,有无办公场所,是否正常经营,核查人,备注\n"
                 "%lld,厦门新星软件有限公司,9,有,是,李四,复核\n"
                 "%lld,厦门飞鱼信息技术有限公司,5,有,是,,\n"
                 "%lld,厦门新星软件有限公司,,也许,是,,\n"
                 "999,不存在,3,有,是,,\n"
                 "%lld,厦门新星软件有限公司,,,,,\n",
                 (long long)xinxing, (long long)feiyu, (long long)xinxing, (long long)xinxing);
        char *filled = write_file("filled.csv", csv);
        int taken = 0;
        json_t *probs = NULL;
        int64_t i0 = audits(d, "ledger.verify_import");
        assert_int_equal(ledger_verify_store_import(&siming, r3, filled, "核查表.csv", &taken, &probs, &e), ST_OK);
        assert_int_equal(taken, 1);
        assert_int_equal(json_array_size(probs), 3);
        assert_non_null(strstr(json_string_value(json_object_get(json_array_get(probs, 0), "message")), "辖区"));
        assert_string_equal(json_string_value(json_object_get(json_array_get(probs, 1), "column")), "有无办公场所");
        assert_int_equal(field(json_array_get(probs, 0), "row"), 3);
        json_decref(probs);
        assert_int_equal(audits(d, "ledger.verify_import") - i0, 1);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM ledger_verification WHERE verifier = '李四' AND employees = 9"), 1);
        char *notatemplate = write_file("other.csv", "企业名称,统一社会信用代码\n厦门甲公司,\n");
        assert_int_equal(ledger_verify_store_import(&city, r3, notatemplate, "other.csv", &taken, &probs, &e), ST_INVALID);
        json_decref(probs);
        assert_int_equal(audits(d, "ledger.verify_import") - i0, 1);
        /* round 4: the unverified branch and 蓝天 removed, verified counts kept */
        int64_t r4 = 0;
        assert_int_equal(ledger_round_store_round4(&city, r1, false, &r4, &e), ST_INVALID);
        /* what round 4 will be, counted before it is made: the branch is the one unchecked */
        json_t *plan = NULL;
        assert_int_equal(ledger_round_store_round4_plan(&city, r3, &plan, &e), ST_OK);
        assert_int_equal(field(plan, "kept"), 4);
        assert_int_equal(field(plan, "removed"), 2);
        assert_int_equal(field(plan, "unchecked"), 1);
        assert_false(json_is_true(json_object_get(plan, "over")));
        json_decref(plan);
        assert_int_equal(ledger_round_store_round4(&city, r3, false, &r4, &e), ST_OK);
        snprintf(obj, sizeof obj, "ledger_round:%lld", (long long)r4);
        last_audit(d, "ledger.round4", obj, "t_city");
        check_round(&city, r4, count(d, "SELECT COUNT(*) FROM ledger_round_member WHERE round_id = (SELECT MAX(id) FROM ledger_round)"),
                    4, 2);
        int64_t total;
        json_t *gone = entities(&city, r4, 1, &total);
        assert_int_equal(total, 2);
        size_t i;
        json_t *o;
        int seen = 0;
        json_array_foreach(gone, i, o) {
            const char *why = json_string_value(json_object_get(o, "removed_reason"));
            seen |= strstr(why, "无固定办公场所") ? 1 : strstr(why, "未实地核查") ? 2 : 0;
        }
        assert_int_equal(seen, 3);
        json_decref(gone);
        json_t *kept = entities(&city, r4, 0, &total);
        json_array_foreach(kept, i, o) {
            int64_t want = strstr(json_string_value(json_object_get(o, "name")), "新星") ? 9 : 20;
            assert_int_equal(field(o, "employees"), want);
            assert_int_equal(field(o, "verified"), 1);   /* round 4 shows round 3's results */
        }
        json_decref(kept);
        /* publishing: round 4 only, into the enterprise register */
        int n = 0;
        assert_int_equal(ledger_round_store_publish(&city, r3, false, &n, &e), ST_INVALID);
        assert_int_equal(ledger_round_store_publish_plan(&city, r4, &plan, &e), ST_OK);
        assert_int_equal(field(plan, "kept"), 4);
        assert_int_equal(field(plan, "unchecked"), 1);
        assert_int_equal(field(plan, "added") + field(plan, "updated"), 4);
        json_decref(plan);
        assert_int_equal(ledger_round_store_publish(&city, r4, false, &n, &e), ST_OK);
        assert_int_equal(n, 4);
        char sql[120];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM enterprise WHERE ledger_round = %lld", (long long)r4);
        assert_int_equal(count(d, sql), 4);
        /* the register gets the street the address names and the park (issue 21: no 街道未填写 for them) */
        assert_int_equal(count(d, "SELECT COUNT(*) FROM enterprise WHERE name = '厦门新星软件有限公司' AND street_code = '350203005'"), 1);
        assert_int_equal(count(d, "SELECT COUNT(*) FROM enterprise WHERE name = '厦门云海数据有限公司' AND park_code = 'P0002'"), 1);
        last_audit(d, "ledger.publish", obj, "t_city");
        /* the export: the area's part, an audited download */
        int64_t x0 = audits(d, "ledger.export");
        assert_int_equal(ledger_round_store_export(&siming, r4, NULL, tpl, &e), ST_OK);
        assert_int_equal(ledger_round_store_export(&city, 999999, NULL, tpl, &e), ST_NOT_FOUND);
        assert_int_equal(audits(d, "ledger.export") - x0, 1);
        last_audit(d, "ledger.export", obj, "t_siming");
        unlink(tpl);
        unlink(filled);
        unlink(notatemplate);
        free(tpl);
        free(filled);
        free(notatemplate);
        arena_free(&mem);
        db_close(d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_imports),
        cmocka_unit_test(test_rounds),
        cmocka_unit_test(test_review),
        cmocka_unit_test(test_verification),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
