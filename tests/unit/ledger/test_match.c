/* test_match — the matcher on hand-made records.
 *
 * A background of synthetic enterprises (each listed two or three times with
 * the usual variations) gives EM enough pairs to estimate its weights, as
 * real ledgers do; the cases of issue 5 are added on top and checked one by
 * one: brackets, forms, trade variants, typos, swapped characters,
 * traditional characters, former names, status notes, branch vs head
 * office, conflicting credit codes, review decisions, explanations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ledger/golden.h"
#include "ledger/match.h"
#include "ledger/zombie.h"

typedef struct fx {
    arena mem;
    ledger_row *rows;
    ledger_match_rec *recs;
    size_t n, cap;
} fx;

static void add(fx *f, const char *key, const char *name, const char *code, ledger_code_kind kind,
                const char *addr, const char *phone, const char *contact, int district, const char *status,
                const char *employees) {
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->rows = realloc(f->rows, f->cap * sizeof *f->rows);
        f->recs = realloc(f->recs, f->cap * sizeof *f->recs);
        assert_non_null(f->rows);
        assert_non_null(f->recs);
    }
    ledger_row *r = &f->rows[f->n];
    memset(r, 0, sizeof *r);
    r->row = (int)f->n + 1;
    r->val[LF_NAME] = name;
    r->val[LF_CODE] = code;
    r->code_kind = code ? kind : LC_NONE;
    r->val[LF_ADDRESS] = addr;
    r->val[LF_PHONE] = phone;
    r->val[LF_CONTACT] = contact;
    r->district_code = district;
    r->val[LF_DISTRICT] = district == 350203 ? "思明区" : district == 350206 ? "湖里区" : NULL;
    r->val[LF_STATUS] = status;
    r->val[LF_EMPLOYEES] = employees;
    f->recs[f->n].source = 0;
    f->recs[f->n].key = arena_strdup(&f->mem, key);
    f->n++;
}

/* 300 synthetic enterprises, 2–3 records each, varied like real ledgers. */
static void background(fx *f) {
    static const char *const C1 = "华星云海金瑞德天宏安信达利恒泰丰源新启明嘉禾鼎盛佳创博远";
    static const char *const TR[] = {"网络科技", "信息技术", "软件开发", "电子商务", "文化传媒", "网络游戏"};
    static const char *const SUR = "王李张刘陈杨黄赵吴周";
    size_t nc = strlen(C1) / 3;
    for (int e = 0; e < 300; e++) {
        char brand[16], name[3][96], code[32], phone[32], addr[2][96], contact[32], key[32];
        size_t a = (size_t)e % nc, b = ((size_t)e / nc + (size_t)e * 7) % nc, c = ((size_t)e * 13 + 5) % nc;
        snprintf(brand, sizeof brand, "%.3s%.3s%.3s", C1 + 3 * a, C1 + 3 * b, C1 + 3 * c);
        const char *tr = TR[e % 6];
        snprintf(name[0], 96, "厦门%s%s有限公司", brand, tr);
        snprintf(name[1], 96, "%s（厦门）%s有限责任公司", brand, tr);
        snprintf(name[2], 96, "%s%s", brand, tr);
        snprintf(code, sizeof code, "91350200MA%08d", 10000 + e);
        snprintf(phone, sizeof phone, "139%08d", 5000 + e * 37);
        snprintf(addr[0], 96, "厦门市思明区观日路%d号%d室", e + 1, 100 + e % 9);
        snprintf(addr[1], 96, "思明区观日路%d号", e + 1);
        snprintf(contact, sizeof contact, "%.3s伟%d", SUR + 3 * (e % 10), e);
        int nrec = 2 + e % 2;
        for (int k = 0; k < nrec; k++) {
            snprintf(key, sizeof key, "bg%d:%d", e, k);
            add(f, key, arena_strdup(&f->mem, name[k]), k == 0 || e % 3 == 0 ? arena_strdup(&f->mem, code) : NULL,
                LC_USCC, arena_strdup(&f->mem, addr[k % 2]), k < 2 || e % 4 ? arena_strdup(&f->mem, phone) : NULL,
                k != 1 ? arena_strdup(&f->mem, contact) : NULL, 350203, "存续", "12");
        }
    }
}

static fx *F;
static ledger_match_result *R;

static long idx(const char *key) {
    long i = ledger_match_find(R, key);
    assert_true(i >= 0);
    return i;
}
static int same(const char *a, const char *b) { return R->entity[idx(a)] == R->entity[idx(b)]; }

#define P1 "13912345678"
#define A1 "厦门市思明区软件园观日路88号301室"

static void cases(fx *f) {
    const char *M = "91350203MA2XYZ0001";
    /* one enterprise written eight ways */
    add(f, "meitu:base", "厦门美图网络科技有限公司", M, LC_USCC, A1, P1, "吴欣", 350203, "存续", "150");
    add(f, "meitu:bracket", "美图（厦门）网络科技有限公司", NULL, LC_NONE, A1, P1, "吴欣", 350203, "存续", "140");
    add(f, "meitu:halfbracket-form", "美图(厦门)网络科技有限责任公司", M, LC_USCC, NULL, NULL, NULL, 350203, NULL, NULL);
    add(f, "meitu:trade-variant", "厦门市美图网络技术有限公司", NULL, LC_NONE, "思明区观日路88号", P1, NULL, 350203, NULL, NULL);
    add(f, "meitu:traditional", "廈門美圖網絡科技有限公司", NULL, LC_NONE, A1, NULL, "吳欣", 350203, NULL, NULL);
    add(f, "meitu:spaces-noform", " 厦门 美图网络科技 ", "91350203MA2XYZ0O01", LC_USCC_BAD, NULL, P1, NULL, 350203, NULL, NULL);
    add(f, "meitu:typo", "厦门美国网络科技有限公司", M, LC_USCC, NULL, NULL, NULL, 350203, NULL, NULL);
    add(f, "meitu:swap", "厦门图美网络科技有限公司", NULL, LC_NONE, A1, P1, NULL, 350203, NULL, NULL);
    /* same brand, other trade: another enterprise */
    add(f, "meitu-info:1", "厦门美图信息技术有限公司", "91350203MA2XYZ0002", LC_USCC, "厦门市湖里区金尚路9号", "13800000002", "林峰", 350206, "存续", "30");
    add(f, "meitu-info:2", "美图（厦门）信息技术有限公司", NULL, LC_NONE, "湖里区金尚路9号", "13800000002", NULL, 350206, NULL, NULL);
    /* branch office at the head office's address, with its phone */
    add(f, "meitu-branch:1", "厦门美图网络科技有限公司思明分公司", "91350203MA2XYZ0003", LC_USCC, A1, P1, "吴欣", 350203, NULL, NULL);
    add(f, "meitu-branch:2", "厦门美图网络科技有限公司思明分部", NULL, LC_NONE, A1, NULL, NULL, 350203, NULL, NULL);
    /* identical names, two different valid codes: never one enterprise */
    add(f, "twin:1", "厦门蓝鲸数据有限公司", "91350203MA2XYZ0004", LC_USCC, "厦门市思明区环岛路1号", "13800000004", "郑一", 350203, NULL, NULL);
    add(f, "twin:2", "厦门蓝鲸数据有限公司", "91350203MA2XYZ0005", LC_USCC, "厦门市思明区环岛路1号", "13800000004", "郑一", 350203, NULL, NULL);
    /* renamed: the new name notes the old one, another ledger still has the old */
    add(f, "renamed:new", "厦门飞鱼互动娱乐有限公司（原厦门海豚网络游戏有限公司）", "91350203MA2XYZ0006", LC_USCC,
        NULL, NULL, NULL, 350206, NULL, "0");
    add(f, "renamed:old", "厦门海豚网络游戏有限公司", NULL, LC_NONE, NULL, NULL, NULL, 350206, NULL, "0");
    /* old name used directly, tied by code and phone */
    add(f, "renamed2:new", "厦门云雀传媒有限公司", "91350203MA2XYZ0007", LC_USCC, "厦门市湖里区仙岳路7号", "13800000007", "何兰", 350206, NULL, NULL);
    add(f, "renamed2:old", "厦门白鹭文化传媒有限公司", "91350203MA2XYZ0007", LC_USCC, "湖里区仙岳路7号", "13800000007", "何兰", 350206, NULL, NULL);
    /* cancelled, said in the name */
    add(f, "dead:1", "厦门旧梦网络科技有限公司（已注销）", NULL, LC_NONE, "厦门市思明区厦禾路5号", "13800000008", NULL, 350203, NULL, NULL);
    add(f, "dead:2", "厦门旧梦网络科技有限公司", "91350203MA2XYZ0008", LC_USCC, "思明区厦禾路5号", "13800000008", NULL, 350203, "注销", NULL);
    /* a decision will split these two (same name and phone, no codes) */
    add(f, "decide-split:1", "厦门星河软件有限公司", NULL, LC_NONE, "厦门市思明区嘉禾路3号", "13800000009", NULL, 350203, NULL, NULL);
    add(f, "decide-split:2", "厦门星河软件有限公司", NULL, LC_NONE, "厦门市思明区嘉禾路3号", "13800000009", NULL, 350203, NULL, NULL);
    /* and join these two (nothing in common but the brand) */
    add(f, "decide-join:1", "厦门千帆科技有限公司", NULL, LC_NONE, "厦门市湖里区枋湖路1号", "13800000010", NULL, 350206, NULL, NULL);
    add(f, "decide-join:2", "千帆（厦门）电子商务有限公司", NULL, LC_NONE, "厦门市思明区莲前西路2号", "13800000011", NULL, 350203, NULL, NULL);
}

static int setup(void **state) {
    (void)state;
    F = calloc(1, sizeof *F);
    arena_init(&F->mem, 0);
    background(F);
    cases(F);
    for (size_t i = 0; i < F->n; i++) F->recs[i].row = &F->rows[i];
    static const ledger_match_decision dec[] = {
        {"decide-split:1", "decide-split:2", LEDGER_MATCH_DIFFERENT},
        {"decide-join:1", "decide-join:2", LEDGER_MATCH_SAME},
        {"nosuch:1", "meitu:base", LEDGER_MATCH_SAME},
    };
    ledger_match_opts o = {.threads = 2, .decisions = dec, .ndecisions = 3};
    err e;
    return ledger_match_run(F->recs, F->n, &o, &R, &e) == ST_OK ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    ledger_match_free(R);
    arena_free(&F->mem);
    free(F->rows);
    free(F->recs);
    free(F);
    return 0;
}

static void test_background_resolved(void **state) {
    (void)state;
    char a[32], b[32];
    int wrong = 0;
    for (int e = 0; e < 300; e++) {
        snprintf(a, sizeof a, "bg%d:0", e);
        snprintf(b, sizeof b, "bg%d:1", e);
        wrong += !same(a, b);
        snprintf(b, sizeof b, "bg%d:0", (e + 1) % 300);
        wrong += same(a, b);
    }
    assert_int_equal(wrong, 0);
}

static void test_name_variations_merge(void **state) {
    (void)state;
    static const char *const v[] = {"meitu:bracket", "meitu:halfbracket-form", "meitu:trade-variant",
                                    "meitu:traditional", "meitu:spaces-noform", "meitu:typo", "meitu:swap", NULL};
    for (int i = 0; v[i]; i++) {
        if (!same("meitu:base", v[i])) fail_msg("%s not merged with meitu:base", v[i]);
    }
}

static void test_other_trade_is_other_enterprise(void **state) {
    (void)state;
    assert_true(same("meitu-info:1", "meitu-info:2"));
    assert_false(same("meitu:base", "meitu-info:1"));
}

static void test_branch_never_head_office(void **state) {
    (void)state;
    assert_false(same("meitu:base", "meitu-branch:1"));
    assert_false(same("meitu:bracket", "meitu-branch:2"));
    assert_true(same("meitu-branch:1", "meitu-branch:2"));
}

static void test_conflicting_codes(void **state) {
    (void)state;
    assert_false(same("twin:1", "twin:2"));
    assert_int_equal(ledger_match_rule(R, (uint32_t)idx("twin:1"), (uint32_t)idx("twin:2")), LMW_RULE_CODES);
}

static void test_former_names(void **state) {
    (void)state;
    assert_true(same("renamed:new", "renamed:old"));
    assert_true(same("renamed2:new", "renamed2:old"));
}

static void test_decisions_reapplied(void **state) {
    (void)state;
    assert_false(same("decide-split:1", "decide-split:2"));
    assert_true(same("decide-join:1", "decide-join:2"));
    assert_int_equal(R->stats.decisions_unknown, 1);
}

static void test_zombies_with_reasons(void **state) {
    (void)state;
    ledger_zombie *z;
    size_t n;
    err e;
    const char *names[] = {"t.csv"};
    assert_int_equal(ledger_zombie_find(R, names, NULL, &R->mem, &z, &n, &e), ST_OK);
    uint32_t dead = R->entity[idx("dead:1")], renamed = R->entity[idx("renamed:new")], meitu = R->entity[idx("meitu:base")];
    int found_dead = 0, found_renamed = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(z[i].entity, meitu);
        if (z[i].entity == dead) {
            found_dead = 1;
            assert_true(z[i].definite);
            assert_non_null(strstr(z[i].reasons, "注销"));
        }
        if (z[i].entity == renamed) {           /* 0 employees in both ledgers, none more: a zombie (issue 22) */
            found_renamed = 1;
            assert_true(z[i].definite);
            assert_non_null(strstr(z[i].reasons, "从业人数"));
        }
    }
    assert_true(found_dead);
    assert_true(found_renamed);
}

static void test_golden_record(void **state) {
    (void)state;
    ledger_golden *g;
    err e;
    assert_int_equal(ledger_golden_build(R, &R->mem, &g, &e), ST_OK);
    const ledger_golden *m = &g[R->entity[idx("meitu:base")]];
    assert_string_equal(m->name, "厦门美图网络科技有限公司");
    assert_string_equal(m->code, "91350203MA2XYZ0001");
    assert_string_equal(m->district, "思明区");
    assert_string_equal(m->category, "数据");
    assert_int_equal(m->employees, 140);     /* median of 150 and 140 → lower middle */
    assert_int_equal(m->nrecs, 8);
    const ledger_golden *d = &g[R->entity[idx("dead:1")]];
    assert_string_equal(d->name, "厦门旧梦网络科技有限公司");   /* the note is not part of the name */
}

static void test_explain(void **state) {
    (void)state;
    buf b;
    buf_init(&b, 1 << 20);
    err e;
    assert_int_equal(ledger_match_explain(R, (uint32_t)idx("twin:1"), (uint32_t)idx("twin:2"), &b, &e), ST_OK);
    assert_non_null(strstr(b.data, "两个不同的有效统一社会信用代码"));
    assert_non_null(strstr(b.data, "不同企业"));
    buf_reset(&b);
    assert_int_equal(ledger_match_explain(R, (uint32_t)idx("meitu:base"), (uint32_t)idx("meitu:typo"), &b, &e), ST_OK);
    assert_non_null(strstr(b.data, "同一企业"));
    assert_non_null(strstr(b.data, "信用代码"));
    buf_reset(&b);
    assert_int_equal(ledger_match_explain(R, (uint32_t)idx("decide-join:1"), (uint32_t)idx("decide-join:2"), &b, &e), ST_OK);
    assert_non_null(strstr(b.data, "人工判定"));
    buf_free(&b);
}

/* The comparison vector in plain words, at its edges. */
static const uint8_t ALIKE[LMF__COUNT] = {1, 1, 1, 1, 1, 1};
static void summary_is(const uint8_t lev[LMF__COUNT], const uint8_t ha[LMF__COUNT], const uint8_t hb[LMF__COUNT],
                       const char *want) {
    buf b;
    buf_init(&b, 1 << 16);
    ledger_match_summary(lev, ha, hb, ALIKE, &b);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void test_summary_plain_words(void **state) {
    (void)state;
    /* field order: 名称 信用代码 电话 联系人 地址 所属区 */
    const uint8_t all[LMF__COUNT] = {1, 1, 1, 1, 1, 1}, none[LMF__COUNT] = {0};
    summary_is(all, all, all, "名称、信用代码、电话、联系人、地址和所属区都相同。");
    summary_is(none, none, none, "名称、信用代码、电话、联系人、地址和所属区双方都缺失。");
    const uint8_t diff[LMF__COUNT] = {6, 3, 2, 2, 4, 2};
    summary_is(diff, all, all, "名称、信用代码、电话、联系人、地址和所属区都不同。");
    /* the example: one side lacks the code, neither has phone or contact */
    const uint8_t ex[LMF__COUNT] = {1, 0, 0, 0, 4, 1}, exa[LMF__COUNT] = {1, 1, 0, 0, 1, 1},
                  exb[LMF__COUNT] = {1, 0, 0, 0, 1, 1};
    summary_is(ex, exa, exb, "名称和所属区相同；地址不同；信用代码一方缺失；电话和联系人双方都缺失。");
    /* close, not equal: each its own phrase, in field order */
    const uint8_t near[LMF__COUNT] = {3, 2, 1, 2, 3, 1};
    summary_is(near, all, all, "电话和所属区相同；名称字号仅差一字（错字或颠倒）；信用代码仅差一位（疑似录错）；"
                               "地址门牌相同但室号不同；联系人不同。");
    const uint8_t near2[LMF__COUNT] = {2, 1, 1, 1, 2, 1};
    /* an address without a room number on one side; the same text without any room number is 相同 */
    summary_is(near2, all, all, "信用代码、电话、联系人、地址和所属区相同；名称字号相同、行业用词相近。");
    const uint8_t addr_unlike[LMF__COUNT] = {1, 1, 1, 1, 0, 1};
    buf n2;
    buf_init(&n2, 1 << 16);
    ledger_match_summary(near2, all, all, addr_unlike, &n2);
    assert_string_equal(n2.data, "信用代码、电话、联系人和所属区相同；名称字号相同、行业用词相近；地址门牌相同（一方没有室号）。");
    buf_free(&n2);
    const uint8_t trade[LMF__COUNT] = {4, 1, 1, 1, 1, 1}, trade2[LMF__COUNT] = {5, 1, 1, 1, 1, 1};
    summary_is(trade, all, all, "信用代码、电话、联系人、地址和所属区相同；名称字号相同但行业不同。");
    summary_is(trade2, all, all, "信用代码、电话、联系人、地址和所属区相同；名称字号相近但行业不同。");
    /* one field alone; both filled yet not comparable (an address without a number) */
    const uint8_t one[LMF__COUNT] = {1, 0, 0, 0, 0, 0}, oa[LMF__COUNT] = {1, 0, 0, 0, 1, 0};
    summary_is(one, oa, oa, "名称相同；信用代码、电话、联系人和所属区双方都缺失；地址无法比较（格式无法识别）。");
    /* top level, written differently: not called 相同 */
    buf b;
    buf_init(&b, 1 << 16);
    const uint8_t unlike[LMF__COUNT] = {0, 1, 1, 1, 0, 1};
    ledger_match_summary(all, all, all, unlike, &b);
    assert_string_equal(b.data, "信用代码、电话、联系人和所属区相同；名称写法不同，但字号和行业相同；地址写法不同，但门牌和室号相同。");
    buf_reset(&b);
    /* never a statistical word */
    ledger_match_summary(ex, exa, exb, ALIKE, &b);
    assert_null(strstr(b.data, "log2"));
    assert_null(strstr(b.data, "权重"));
    buf_free(&b);
}

static void test_explain_plain(void **state) {
    (void)state;
    buf s, p;
    buf_init(&s, 1 << 16);
    buf_init(&p, 1 << 16);
    err e;
    assert_int_equal(ledger_match_explain_plain(R, (uint32_t)idx("twin:1"), (uint32_t)idx("twin:2"), &s, &p, &e), ST_OK);
    assert_string_equal(s.data, "名称、电话、联系人、地址和所属区相同；信用代码不同。");
    assert_non_null(strstr(p.data, "两个不同的有效统一社会信用代码"));
    assert_non_null(strstr(p.data, "本轮结果：两条记录分属不同企业"));
    buf_reset(&s);
    buf_reset(&p);
    assert_int_equal(ledger_match_explain_plain(R, (uint32_t)idx("meitu:base"), (uint32_t)idx("meitu:typo"), &s, &p, &e),
                     ST_OK);
    assert_non_null(strstr(s.data, "名称字号仅差一字"));
    assert_non_null(strstr(p.data, "本轮结果：两条记录已合并为同一企业"));
    buf_reset(&s);
    buf_reset(&p);
    /* the same sentence either way round */
    assert_int_equal(ledger_match_explain_plain(R, (uint32_t)idx("decide-join:2"), (uint32_t)idx("decide-join:1"), &s, &p, &e),
                     ST_OK);
    assert_non_null(strstr(p.data, "人工判定"));
    assert_null(strstr(p.data, "log2"));
    assert_int_equal(ledger_match_explain_plain(R, (uint32_t)R->nrec, 0, &s, &p, &e), ST_INVALID);
    buf_free(&s);
    buf_free(&p);
}

static void test_threads_do_not_change_result(void **state) {
    (void)state;
    ledger_match_opts o = {.threads = 1};
    ledger_match_result *r1;
    err e;
    assert_int_equal(ledger_match_run(F->recs, F->n, &o, &r1, &e), ST_OK);
    /* without the decisions only decide-* may differ */
    for (size_t i = 0; i < F->n; i++)
        if (strncmp(F->recs[i].key, "decide", 6) != 0)
            for (size_t j = i + 1; j < F->n && j < i + 40; j++)
                if (strncmp(F->recs[j].key, "decide", 6) != 0)
                    assert_int_equal(r1->entity[i] == r1->entity[j], R->entity[i] == R->entity[j]);
    ledger_match_free(r1);
}

/* Too few pairs for EM: the starting weights still do the obvious. */
static void test_small_input(void **state) {
    (void)state;
    fx f = {0};
    arena_init(&f.mem, 0);
    add(&f, "s:1", "厦门美图网络科技有限公司", NULL, LC_NONE, A1, P1, "吴欣", 350203, NULL, NULL);
    add(&f, "s:2", "美图（厦门）网络科技有限责任公司", NULL, LC_NONE, A1, P1, NULL, 350203, NULL, NULL);
    add(&f, "s:3", "厦门美图信息技术有限公司", NULL, LC_NONE, "厦门市湖里区金尚路9号", "13800000002", NULL, 350206, NULL, NULL);
    for (size_t i = 0; i < f.n; i++) f.recs[i].row = &f.rows[i];
    ledger_match_result *r;
    err e;
    assert_int_equal(ledger_match_run(f.recs, f.n, NULL, &r, &e), ST_OK);
    assert_int_equal(r->stats.em_iterations, 0);
    assert_int_equal(r->entity[0], r->entity[1]);
    assert_int_not_equal(r->entity[0], r->entity[2]);
    ledger_match_free(r);
    arena_free(&f.mem);
    free(f.rows);
    free(f.recs);
}

static void test_empty_input(void **state) {
    (void)state;
    ledger_match_result *r;
    err e;
    assert_int_equal(ledger_match_run(NULL, 0, NULL, &r, &e), ST_OK);
    assert_int_equal(r->nentity, 0);
    ledger_match_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_background_resolved), cmocka_unit_test(test_name_variations_merge),
        cmocka_unit_test(test_other_trade_is_other_enterprise), cmocka_unit_test(test_branch_never_head_office),
        cmocka_unit_test(test_conflicting_codes), cmocka_unit_test(test_former_names),
        cmocka_unit_test(test_decisions_reapplied), cmocka_unit_test(test_zombies_with_reasons),
        cmocka_unit_test(test_golden_record), cmocka_unit_test(test_explain),
        cmocka_unit_test(test_summary_plain_words), cmocka_unit_test(test_explain_plain),
        cmocka_unit_test(test_threads_do_not_change_result), cmocka_unit_test(test_small_input),
        cmocka_unit_test(test_empty_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
