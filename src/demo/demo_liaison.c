/* demo_liaison — 领导挂钩联系 in the demo (issue 23), through the same use
 * cases as an office's: the city's leader (account "city") linked to the
 * investor's enterprise and to one in 湖里区, 思明区's (account "siming") to
 * two of its enterprises; visits with the people met and the problems
 * raised — one problem past its due day and still open (the overdue list),
 * one closed, one open within its days.  A handful of acts, far under a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "demo/demo.h"
#include "liaison/liaison_store.h"
#include "org/org.h"

static st dl_id(demo_ctx *c, const char *sql, int64_t *out, err *e) {
    *out = 0;
    st s = db_query_int(c->d, out, sql, e, "");
    return s == ST_NOT_FOUND ? ST_OK : s;
}

st demo_liaison_fill(demo_ctx *c, err *e) {
    int64_t city = 0, siming = 0, inv = 0, sm1 = 0, sm2 = 0, hl = 0;
    st s = dl_id(c, "SELECT id FROM users WHERE username = 'city'", &city, e);
    if (!s) s = dl_id(c, "SELECT id FROM users WHERE username = 'siming'", &siming, e);
    if (!s) s = dl_id(c, "SELECT COALESCE(MIN(CAST(scope_code AS BIGINT)), 0) FROM users WHERE username = 'investor'", &inv, e);
    if (!s)
        s = dl_id(c,
                  "SELECT COALESCE(MIN(id), 0) FROM enterprise WHERE district_code = '350203' AND reg_to IS NULL AND park_code IS NULL "
                  "AND id NOT IN (SELECT CAST(scope_code AS BIGINT) FROM users WHERE username = 'investor')",
                  &sm1, e);
    if (!s)
        s = dl_id(c,
                  "SELECT COALESCE(MAX(id), 0) FROM enterprise WHERE district_code = '350203' AND reg_to IS NULL AND park_code IS NULL "
                  "AND id NOT IN (SELECT CAST(scope_code AS BIGINT) FROM users WHERE username = 'investor')",
                  &sm2, e);
    if (!s) s = dl_id(c, "SELECT COALESCE(MIN(id), 0) FROM enterprise WHERE district_code = '350206' AND reg_to IS NULL", &hl, e);
    if (s || !city || !siming || !sm1 || !sm2 || !hl) return s;
    char today[11], d300[11], d200[11], d75[11], d40[11], d12[11], d5[11], due[11];
    clock_day(clock_now(), today);
    org_day_add(today, -300, d300);
    org_day_add(today, -200, d200);
    org_day_add(today, -75, d75);
    org_day_add(today, -40, d40);
    org_day_add(today, -12, d12);
    org_day_add(today, -5, d5);
    org_day_add(today, 20, due);
    uc *u = &c->use;
    int64_t l_inv = 0, l_hl = 0, l_sm1 = 0, l_sm2 = 0, v = 0;
    if (inv) {
        liaison_link_new n = {city, inv, "市委常委、组织部部长", d300, "市领导挂钩联系重点互联网企业"};
        s = liaison_store_link(u, &n, &l_inv, e);
    }
    if (!s) {
        liaison_link_new n = {city, hl, "市委常委、组织部部长", d300, "市领导挂钩联系重点互联网企业"};
        s = liaison_store_link(u, &n, &l_hl, e);
    }
    if (!s) {
        liaison_link_new n = {siming, sm1, "区委常委、组织部部长", d300, NULL};
        s = liaison_store_link(u, &n, &l_sm1, e);
    }
    if (!s) {
        liaison_link_new n = {siming, sm2, "区委常委、组织部部长", d200, NULL};
        s = liaison_store_link(u, &n, &l_sm2, e);
    }
    /* 思明's leader at the first: one problem overdue (due 30 days after, still open), one closed */
    if (!s) {
        liaison_problem_new ps[] = {
            {"企业新招聘的 6 名党员组织关系尚未转入，党支部人数不足", "指导企业党支部办理组织关系转接，督促党员报到", "区委组织部组织科", NULL},
            {"党员活动场地不足，每月主题党日无固定场所", "协调就近的党群服务中心提供活动场地", "街道党工委", NULL},
        };
        liaison_visit_new x = {d75, "总经理 陈志远；党支部书记 林晓燕；人事主管 黄丽", "了解企业生产经营和党建工作情况，听取意见建议", ps, 2};
        s = liaison_store_visit(u, l_sm1, &x, &v, e);
        json_t *o = NULL;
        if (!s) s = liaison_store_visit_get(u, v, &o, e);
        int64_t p = s ? 0 : json_integer_value(json_object_get(json_array_get(json_object_get(o, "problems"), 1), "id"));
        if (!s) s = liaison_store_problem_close(u, p, d40, "已协调街道党群服务中心每月第一周提供活动室，企业党支部已在该处开展主题党日", e);
    }
    if (!s) {
        liaison_visit_new x = {d12, "副总经理 郑海峰", "回访上次走访提出的问题办理情况", NULL, 0};
        s = liaison_store_visit(u, l_sm2, &x, &v, e);
    }
    /* the city's leader at the investor's enterprise: one problem open within its days */
    if (!s && l_inv) {
        liaison_problem_new ps[] = {{"希望为企业青年骨干提供入党积极分子培训名额", "纳入下期入党积极分子培训班计划", "市委组织部两新工委", due}};
        liaison_visit_new x = {d5, "董事长 王建国；党支部书记", "调研企业党组织建设和人才工作", ps, 1};
        s = liaison_store_visit(u, l_inv, &x, &v, e);
    }
    (void)l_hl;
    return s;
}
