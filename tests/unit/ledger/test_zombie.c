/* test_zombie — the evidence rules of zombie.h on hand-made enterprises.
 *
 * The matcher is not run: each case is a few records already put in one
 * entity, so that what is tested is the weighing of evidence only — status
 * words in status columns and in the name's notes, struck-off records
 * against live ones, a head count of 0 from one ledger against another's,
 * blank and unreadable counts, field verification — and the explanation
 * naming the records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "ledger/norm.h"
#include "ledger/zombie.h"

/* ---- status words -------------------------------------------------------------------- */

static void test_status_words(void **state) {
    (void)state;
    assert_int_equal(ledger_zombie_status(NULL), 0);
    assert_int_equal(ledger_zombie_status(""), 0);
    assert_int_equal(ledger_zombie_status("注销"), LEDGER_ZS_CANCELLED);
    assert_int_equal(ledger_zombie_status("已注销"), LEDGER_ZS_CANCELLED);
    assert_int_equal(ledger_zombie_status("註銷"), LEDGER_ZS_CANCELLED);          /* traditional */
    assert_int_equal(ledger_zombie_status("吊销"), LEDGER_ZS_REVOKED);
    assert_int_equal(ledger_zombie_status("撤销登记"), LEDGER_ZS_WITHDRAWN);
    assert_int_equal(ledger_zombie_status("存续"), LEDGER_ZS_LIVE);
    assert_int_equal(ledger_zombie_status("存续（在营、开业、在册）"), LEDGER_ZS_LIVE);
    assert_int_equal(ledger_zombie_status("在业"), LEDGER_ZS_LIVE);
    assert_int_equal(ledger_zombie_status("停业"), LEDGER_ZS_SUSPENDED);
    assert_int_equal(ledger_zombie_status("歇业"), LEDGER_ZS_SUSPENDED);
    assert_int_equal(ledger_zombie_status("清算中"), LEDGER_ZS_WINDING);
    assert_int_equal(ledger_zombie_status("已迁出"), LEDGER_ZS_MOVED);
    assert_int_equal(ledger_zombie_status("列入经营异常名录"), LEDGER_ZS_ABNORMAL);
    assert_int_equal(ledger_zombie_status("存续（无异常）"), LEDGER_ZS_LIVE);
    /* cells cut inside a character (or not UTF-8 at all) are read without
     * reading past their end (the ASan build runs these) */
    assert_int_equal(ledger_zombie_status("\xE6\xB3\xA8\xE9"), 0);             /* 注 and half of 销 */
    assert_int_equal(ledger_zombie_status("\xA8\xE9\x94\x80注销"), LEDGER_ZS_CANCELLED);
    assert_int_equal(ledger_zombie_status("\xE4"), 0);
}

static void test_status_negations_and_pending(void **state) {
    (void)state;
    /* revoked but not cancelled: the common registry wording */
    assert_int_equal(ledger_zombie_status("吊销，未注销"), LEDGER_ZS_REVOKED);
    assert_int_equal(ledger_zombie_status("吊销未注销"), LEDGER_ZS_REVOKED);
    assert_int_equal(ledger_zombie_status("未吊销"), 0);
    assert_int_equal(ledger_zombie_status("没有注销"), 0);
    assert_int_equal(ledger_zombie_status("不正常"), 0);
    assert_int_equal(ledger_zombie_status("非正常户"), 0);
    /* not struck off yet */
    assert_int_equal(ledger_zombie_status("拟注销"), LEDGER_ZS_PENDING);
    assert_int_equal(ledger_zombie_status("注销中"), LEDGER_ZS_PENDING);
    assert_int_equal(ledger_zombie_status("申请注销"), LEDGER_ZS_PENDING);
    /* both in one cell: striking off is the later event */
    assert_int_equal(ledger_zombie_status("原存续，现已注销"), LEDGER_ZS_CANCELLED);
}

/* ---- entities ------------------------------------------------------------------------ */

#define MAXR 8

/* One enterprise of up to MAXR records in "a.csv", "b.csv", ... (row = 10 + i). */
typedef struct ent {
    ledger_row rows[MAXR];
    ledger_match_rec recs[MAXR];
    int n;
} ent;

static const char *const NAMES[] = {"a.csv", "b.csv", "c.csv", "d.csv", "e.csv", "f.csv", "g.csv", "h.csv"};

static void rec(ent *x, const char *name, const char *status, const char *employees) {
    assert_true(x->n < MAXR);
    ledger_row *r = &x->rows[x->n];
    memset(r, 0, sizeof *r);
    r->row = 10 + x->n;
    r->val[LF_NAME] = name ? name : "厦门测试网络科技有限公司";
    r->val[LF_STATUS] = status;
    r->val[LF_EMPLOYEES] = employees;
    x->recs[x->n] = (ledger_match_rec){.source = x->n, .row = r, .key = NAMES[x->n]};
    x->n++;
}

/* The finding for x as one entity (NULL when none); rules NULL = settings.
 * The result is built by hand: the entity is given, not matched. */
typedef struct found {
    ledger_match_result *r;
    ledger_zombie *z;
    size_t n;
} found;

static const ledger_zombie *find(ent *x, const ledger_zombie_rules *rules, found *f) {
    for (int i = 0; i < x->n; i++) x->recs[i].row = &x->rows[i];
    ledger_match_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    arena_init(&r->mem, 0);
    r->nrec = (size_t)x->n;
    r->recs = x->recs;
    r->info = arena_calloc(&r->mem, (size_t)x->n, sizeof *r->info);
    r->entity = arena_calloc(&r->mem, (size_t)x->n, sizeof *r->entity);
    assert_non_null(r->info);
    assert_non_null(r->entity);
    for (int i = 0; i < x->n; i++) {
        ledger_norm_name nm;
        ledger_norm_name_parse(x->rows[i].val[LF_NAME], &nm);
        r->info[i].note_status = (uint8_t)ledger_norm_status(nm.status_note);
    }
    r->nentity = 1;
    err e;
    f->r = r;
    assert_int_equal(ledger_zombie_find(r, NAMES, rules, &r->mem, &f->z, &f->n, &e), ST_OK);
    assert_true(f->n <= 1);
    return f->n ? &f->z[0] : NULL;
}

static void done(found *f) { ledger_match_free(f->r); }

static void has(const ledger_zombie *z, const char *text) {
    if (!strstr(z->reasons, text)) fail_msg("“%s” not in “%s”", text, z->reasons);
}
static void lacks(const ledger_zombie *z, const char *text) {
    if (strstr(z->reasons, text)) fail_msg("“%s” in “%s”", text, z->reasons);
}

static void test_struck_off_in_status_column(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, NULL, "12");
    rec(&x, NULL, "注销", "12");
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);                 /* struck off: the head counts do not matter */
    has(z, "登记状态为注销（b.csv 第 11 行）");
    done(&f);
}

static void test_struck_off_in_name_note(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, "厦门测试网络科技有限公司（已吊销）", NULL, NULL);
    rec(&x, NULL, NULL, NULL);
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);
    has(z, "名称中注明已注销或吊销（a.csv 第 10 行）");
    done(&f);
}

static void test_struck_off_outnumbers_live(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", "30");
    rec(&x, NULL, "吊销", "30");
    rec(&x, NULL, "吊销，未注销", NULL);
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);
    has(z, "登记状态为吊销（b.csv 第 11 行、c.csv 第 12 行）");
    has(z, "另有 1 条记录登记状态为存续（a.csv 第 10 行）");
    has(z, "以多数为准");
    lacks(z, "注销（");                        /* "未注销" is no cancellation */
    done(&f);
}

static void test_struck_off_against_as_many_live_is_verified(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", "30");
    rec(&x, NULL, "注销", NULL);
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_false(z->definite);                /* a contradiction: to the field visit */
    has(z, "登记状态不一致（待实地核查）");
    has(z, "吊销或注销 b.csv 第 11 行");
    has(z, "存续 a.csv 第 10 行");
    done(&f);
}

static void test_zero_head_count_everywhere(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", "0");
    rec(&x, NULL, NULL, "0");
    rec(&x, NULL, "存续", NULL);               /* blank: no evidence either way */
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);
    has(z, "无从业人员：从业人数 a.csv 第 10 行填 0、b.csv 第 11 行填 0");
    has(z, "另有 1 条记录未填人数");
    done(&f);
}

static void test_zero_from_one_ledger_only(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, NULL, "0");
    rec(&x, NULL, NULL, NULL);
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);                 /* nothing says otherwise */
    has(z, "a.csv 第 10 行填 0");
    done(&f);
}

static void test_zero_against_staff_is_verified(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", "20");
    rec(&x, NULL, "存续", "0");
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_false(z->definite);
    has(z, "从业人数不一致（待实地核查）：b.csv 第 11 行填 0，而 a.csv 第 10 行填 20");
    done(&f);
}

static void test_blank_counts_are_no_evidence(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", NULL);
    rec(&x, NULL, NULL, NULL);
    rec(&x, NULL, "在业", "不详");             /* unreadable, no number: as blank */
    assert_null(find(&x, NULL, &f));
    done(&f);
}

static void test_unreadable_count_read_by_its_number(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, NULL, "约20");               /* kept as written by the cleaner */
    rec(&x, NULL, NULL, "0");
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_false(z->definite);
    has(z, "a.csv 第 10 行填 约20");
    done(&f);
}

static void test_min_employees_setting(void **state) {
    (void)state;
    ledger_zombie_rules three = {.min_employees = 3};
    ent x = {0};
    found f;
    rec(&x, NULL, NULL, "2");
    rec(&x, NULL, NULL, "1");
    const ledger_zombie *z = find(&x, &three, &f);
    assert_non_null(z);
    assert_true(z->definite);
    has(z, "从业人员不足 3 人");
    done(&f);
    /* the default (0 staff only) leaves them alone */
    assert_null(find(&x, NULL, &f));
    done(&f);
    /* the setting is what rules NULL reads */
    err e;
    assert_int_equal(cfg_set("rule-zombie-min-employees", "3", &e), ST_OK);
    ledger_zombie_rules r;
    ledger_zombie_rules_load(&r);
    assert_int_equal(r.min_employees, 3);
    z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);
    done(&f);
    assert_int_equal(cfg_set("rule-zombie-min-employees", "1", &e), ST_OK);
}

static void test_suspended_goes_to_verification(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "停业", "8");
    rec(&x, NULL, NULL, "8");
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_false(z->definite);
    has(z, "经营状态为停业或歇业（a.csv 第 10 行），待实地核查");
    done(&f);
    ent v = {0};
    rec(&v, NULL, "存续", "8");
    rec(&v, NULL, "经营异常", "8");
    z = find(&v, NULL, &f);
    assert_non_null(z);
    assert_false(z->definite);
    has(z, "列入经营异常名录或状态异常（b.csv 第 11 行），待实地核查");
    done(&f);
    /* with no staff anywhere it is a zombie, and then nothing waits for a visit */
    ent y = {0};
    rec(&y, NULL, "停业", "0");
    z = find(&y, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);
    has(z, "无从业人员");
    lacks(z, "待实地核查");
    done(&f);
}

static void test_field_verification(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", "5");
    x.rows[0].val[LF_PREMISES] = "无";
    const ledger_zombie *z = find(&x, NULL, &f);
    assert_non_null(z);
    assert_true(z->definite);
    has(z, "实地核查：无办公场所（a.csv 第 10 行）");
    done(&f);
}

static void test_live_enterprise_has_no_finding(void **state) {
    (void)state;
    ent x = {0};
    found f;
    rec(&x, NULL, "存续", "15");
    rec(&x, NULL, "在业", "14");
    assert_null(find(&x, NULL, &f));
    done(&f);
}

static int setup(void **state) {
    (void)state;
    err e;
    return ledger_norm_init(&e) == ST_OK ? 0 : -1;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_words),
        cmocka_unit_test(test_status_negations_and_pending),
        cmocka_unit_test(test_struck_off_in_status_column),
        cmocka_unit_test(test_struck_off_in_name_note),
        cmocka_unit_test(test_struck_off_outnumbers_live),
        cmocka_unit_test(test_struck_off_against_as_many_live_is_verified),
        cmocka_unit_test(test_zero_head_count_everywhere),
        cmocka_unit_test(test_zero_from_one_ledger_only),
        cmocka_unit_test(test_zero_against_staff_is_verified),
        cmocka_unit_test(test_blank_counts_are_no_evidence),
        cmocka_unit_test(test_unreadable_count_read_by_its_number),
        cmocka_unit_test(test_min_employees_setting),
        cmocka_unit_test(test_suspended_goes_to_verification),
        cmocka_unit_test(test_field_verification),
        cmocka_unit_test(test_live_enterprise_has_no_finding),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
