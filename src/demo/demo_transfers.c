/* demo_transfers — a few organization-relation transfers (组织关系接转) in the
 * demo city, in each state a secretary meets, through the same use cases as a
 * branch's (transfer_store): one waiting for the demo secretary's approval, one
 * sent to the secretary's branch to accept, one returned, one refused, and two
 * letters out of the system (one past its validity without a receipt).  None
 * is accepted or closed by a receipt, so no membership moves: the registry's
 * figures stay those of demo_members.c. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/day.h"
#include "demo/demo.h"
#include "transfer/transfer_store.h"

/* The id of the n-th (0-based) branch of a district, ordered by id (0 = none). */
static st dt_branch(demo_ctx *c, const char *district, int n, int64_t *id, err *e) {
    *id = 0;
    st s = db_query_int(c->d, id,
                        "SELECT id FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND district_code = $1 ORDER BY id LIMIT 1 OFFSET $2",
                        e, "ti", district, (int64_t)n);
    return s == ST_NOT_FOUND ? ST_OK : s;
}

/* A member of org without an account of their own, the k-th by id (0 = none). */
static st dt_person(demo_ctx *c, int64_t org, int k, int64_t *id, err *e) {
    *id = 0;
    st s = db_query_int(c->d, id,
                        "SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = $1 AND p.user_id IS NULL "
                        "AND m.state = '正常' ORDER BY m.person_id LIMIT 1 OFFSET $2",
                        e, "ii", org, (int64_t)k);
    return s == ST_NOT_FOUND ? ST_OK : s;
}

static void dt_ago(int days, char out[11]) {
    char today[11];
    clock_day(clock_now(), today);
    day_add(today, -days, out);
}

st demo_transfers_fill(demo_ctx *c, err *e) {
    int64_t sec = 0, a2 = 0, h1 = 0, h2 = 0;
    char *code = NULL;
    st s = db_query_text(c->d, &code, "SELECT scope_code FROM users WHERE username = 'secretary'", e, "");
    if (s == ST_NOT_FOUND) s = ST_OK;
    if (code) sec = strtoll(code, NULL, 10);
    free(code);
    if (!s) s = dt_branch(c, "350203", 1, &a2, e);
    if (!s) s = dt_branch(c, "350206", 0, &h1, e);
    if (!s) s = dt_branch(c, "350206", 1, &h2, e);
    if (s || !sec || !a2 || !h1 || !h2) return s;
    if (a2 == sec && (s = dt_branch(c, "350203", 2, &a2, e))) return s;
    int64_t p[6] = {0};
    if (!s) s = dt_person(c, sec, 0, &p[0], e);
    if (!s) s = dt_person(c, a2, 0, &p[1], e);
    if (!s) s = dt_person(c, h1, 0, &p[2], e);
    if (!s) s = dt_person(c, a2, 1, &p[3], e);
    if (!s) s = dt_person(c, h2, 0, &p[4], e);
    if (!s) s = dt_person(c, sec, 1, &p[5], e);
    if (s) return s;
    char d[6][11];
    int64_t id = 0;
    const char *why = "演示数据：党费已核对";
    /* waiting for the demo secretary: a member of the branch asks to go to 湖里区 */
    dt_ago(3, d[0]);
    transfer_new n0 = {.kind = "internal", .person_id = p[0], .to_org_id = h1, .reason = "工作调动", .day = d[0]};
    if (p[0] && (s = transfer_store_request(&c->use, &n0, false, &id, e))) return s;
    /* sent to the secretary's branch: to accept or return */
    dt_ago(10, d[0]);
    dt_ago(8, d[1]);
    transfer_new n1 = {.kind = "internal", .person_id = p[1], .to_org_id = sec, .reason = "工作调动", .day = d[0]};
    transfer_act ap1 = {.day = d[1], .override_reason = why};
    if (p[1] && !(s = transfer_store_request(&c->use, &n1, false, &id, e))) s = transfer_store_act(&c->use, id, "approve", TRANSFER_SENDER, &ap1, e);
    if (s) return s;
    /* returned by the receiving branch */
    dt_ago(20, d[0]);
    dt_ago(18, d[1]);
    dt_ago(15, d[2]);
    transfer_new n2 = {.kind = "internal", .person_id = p[2], .to_org_id = a2, .reason = "居住地变动", .day = d[0]};
    transfer_act ap2 = {.day = d[1], .override_reason = why}, rt2 = {.day = d[2], .note = "介绍材料中入党日期与档案不一致，请核对后重新发送"};
    if (p[2] && !(s = transfer_store_request(&c->use, &n2, false, &id, e))) s = transfer_store_act(&c->use, id, "approve", TRANSFER_SENDER, &ap2, e);
    if (!s && p[2]) s = transfer_store_act(&c->use, id, "return", TRANSFER_RECEIVER, &rt2, e);
    if (s) return s;
    /* refused by the sending branch */
    dt_ago(40, d[0]);
    dt_ago(38, d[1]);
    transfer_new n3 = {.kind = "internal", .person_id = p[3], .to_org_id = h2, .reason = "个人申请", .day = d[0]};
    transfer_act rf3 = {.day = d[1], .note = "本人尚在预备期考察中，暂缓转出"};
    if (p[3] && !(s = transfer_store_request(&c->use, &n3, false, &id, e))) s = transfer_store_act(&c->use, id, "refuse", TRANSFER_SENDER, &rf3, e);
    if (s) return s;
    /* letters out of the system: one long past its validity, no receipt back; one recent */
    dt_ago(130, d[0]);
    dt_ago(125, d[1]);
    transfer_new n4 = {.kind = "out", .person_id = p[4], .to_name = "中共上海市浦东新区某信息技术有限公司支部委员会", .reason = "赴外地工作", .day = d[0]};
    transfer_act ap4 = {.day = d[1], .override_reason = why};
    if (p[4] && !(s = transfer_store_request(&c->use, &n4, false, &id, e))) s = transfer_store_act(&c->use, id, "approve", TRANSFER_SENDER, &ap4, e);
    if (s) return s;
    dt_ago(5, d[0]);
    dt_ago(4, d[1]);
    transfer_new n5 = {.kind = "out", .person_id = p[5], .to_name = "中共深圳市南山区某网络科技有限公司支部委员会", .reason = "工作调动", .day = d[0]};
    transfer_act ap5 = {.day = d[1], .override_reason = why};
    if (p[5] && !(s = transfer_store_request(&c->use, &n5, false, &id, e))) s = transfer_store_act(&c->use, id, "approve", TRANSFER_SENDER, &ap5, e);
    return s;
}
