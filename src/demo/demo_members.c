/* demo_members — the demo city's party members, registered through the
 * same use cases as a branch secretary's (member_store), so every page of
 * the registry has believable data after `make run`.
 *
 * The registry agrees with the ledgers: every covered enterprise gets as
 * many 正式党员 as its ledger counts (so the formation rules, which now read
 * the registry where an enterprise has registered members, keep telling the
 * demo's story), and about one enterprise in six a 预备党员 or two.  Each
 * membership counts in its organization from the day the organization began
 * to cover the enterprise (or the joining day, if later), so statistics as of
 * any day of the campaign make sense.  Then eight and a half years, to the
 * middle of 2026: each year probationers become full members and new ones
 * are voted in, members move to another branch, go working elsewhere (流动)
 * or out of touch (失联) and come back, and now and then one dies or is
 * expelled — so the registry's history, its statistics as of any past day
 * and its activity logs have something to show (about 8,000 members today
 * in the default city).  The demo member
 * account (林晓) is linked to her record.  Deterministic for a seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ids.h"
#include "demo/demo.h"
#include "member/member_store.h"

static const char *const dm_surnames[] = {"陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许",
                                          "洪", "苏", "曾", "谢", "周", "徐", "叶", "庄", "柯", "卢", "方", "江"};
/* No two given names start with different characters of one reading (梓 and 子 are both zǐ): ICU versions
 * order such pairs differently, and the browser tests compare the server's order with the browser's. */
static const char *const dm_given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军",
                                       "杰", "娟", "涛", "明", "超", "秀英", "华", "慧", "建国", "晓燕", "志强", "雅琪",
                                       "思远", "梓涵", "宇豪", "欣怡", "浩然", "诗琪"};
static const char *const dm_education[] = {"大学本科", "大学本科", "大学本科", "研究生", "大学专科", "大学专科", "高中", "中专"};
static const char *const dm_posts[] = {"软件工程师", "产品经理", "运营专员", "财务", "人事行政", "销售经理", "设计师", "测试工程师",
                                       "部门经理", "客服主管"};

static void dm_day(demo_rng *r, int y0, int y1, char out[11]) {
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)demo_range(r, y0, y1) % 10000u, (unsigned)demo_range(r, 1, 12) % 100u,
             (unsigned)demo_range(r, 1, 28) % 100u);
}

/* Everyone the demo registered, with what the years do to them. */
typedef struct dm_one_rec {
    int64_t id, ent, org;
    char region[7];
    char joined[11];      /* 入党日期 (the vote) */
    bool prob;            /* 预备党员 still */
    bool away;            /* 流动 or 失联 now */
    bool gone;            /* 去世 or 出党: no more changes */
    short born;           /* year of birth */
} dm_one_rec;

typedef struct dm_all {
    dm_one_rec *v;
    size_t n, cap;
    demo_ctx *c;
    int ops;              /* writes in the open transaction */
    bool open;            /* a transaction is open (to roll back after a failure) */
} dm_all;

/* The registry's years are written in transactions of a few hundred acts each, not one: on PostgreSQL
 * every version of a row updated in a transaction stays until it ends, and each registration or change
 * updates the same few rows (the city's statistics counters, the audit chain's head), so one transaction
 * of some 11,000 acts walked ever longer chains (over 8 minutes); a few hundred keep it linear. */
#define DM_TX_OPS 250

static st dm_tick(dm_all *a, err *e) {
    if (++a->ops < DM_TX_OPS) return ST_OK;
    a->ops = 0;
    st s = db_commit(a->c->d, e);
    a->open = false;
    if (!s) s = db_begin(a->c->d, e);
    a->open = !s;
    return s;
}

static dm_one_rec *dm_push(dm_all *a) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        dm_one_rec *v = realloc(a->v, cap * sizeof *v);
        if (!v) return NULL;
        a->v = v;
        a->cap = cap;
    }
    dm_one_rec *x = &a->v[a->n++];
    memset(x, 0, sizeof *x);
    return x;
}

/* The last day the history reaches: fixed, so the demo is the same whenever it is made (and never
 * after today: a change may not be dated in the future). */
#define DM_UNTIL "2026-06-30"

/* One person of enterprise `ent` in organization `org`, counting there from `from`; a probationer is
 * voted in during `vote_year` (joined then), a full member joined years before the campaign. */
static st dm_one(demo_ctx *c, dm_one_rec *x, const char *from, int vote_year, err *e) {
    demo_rng *r = &c->rng;
    bool probation = vote_year > 0;
    char name[32], birth[11], full[11] = "", id18[19], phone[16];
    bool male = demo_range(r, 0, 99) < 58;
    snprintf(name, sizeof name, "%s%s", dm_surnames[demo_range(r, 0, 23)], dm_given[demo_range(r, 0, 29)]);
    dm_day(r, probation ? vote_year - 30 : 1962, probation ? vote_year - 22 : 1995, birth);
    demo_id_number(r, x->region, birth, male, id18);
    if (probation) {   /* the history's last year only up to its last day */
        snprintf(x->joined, sizeof x->joined, "%04u-%02u-%02u", (unsigned)vote_year % 10000u,
                 (unsigned)demo_range(r, 1, vote_year == atoi(DM_UNTIL) ? atoi(DM_UNTIL + 5) : 12) % 100u,
                 (unsigned)demo_range(r, 1, 28) % 100u);
    } else {
        int y = atoi(birth) + demo_range(r, 20, 30);
        if (y > 2016) y = 2016;
        dm_day(r, y, y, x->joined);
        int fy = atoi(x->joined) + 1;
        snprintf(full, sizeof full, "%04u%.6s", (unsigned)fy % 10000u, x->joined + 4);
    }
    snprintf(phone, sizeof phone, "13%d%08d", demo_range(r, 5, 9), demo_range(r, 0, 99999999));
    const char *counts_from = strcmp(x->joined, from) > 0 ? x->joined : from;
    member_new m = {.name = name, .id_number = id18, .ethnicity = demo_range(r, 0, 99) < 96 ? "汉族" : demo_range(r, 0, 1) ? "畲族" : "回族",
                    .education = dm_education[demo_range(r, 0, 7)], .post = dm_posts[demo_range(r, 0, 9)],
                    .phone = demo_range(r, 0, 99) < 70 ? phone : NULL, .enterprise_id = x->ent, .org_id = x->org,
                    .category = probation ? MEMBER_PROBATION : MEMBER_FULL, .joined_on = x->joined,
                    .full_on = full[0] ? full : NULL, .day = counts_from};
    x->prob = probation;
    x->born = (short)atoi(birth);
    return member_store_register(&c->use, &m, &x->id, NULL, e);
}

/* A change that does not fit the member's history (dated before their current stretch began, in an
 * organization not yet formed that day) is simply not made: the demo draws days without tracking
 * every member's calendar. */
static st dm_change(dm_all *a, int64_t id, const member_change *x, bool *done, err *e) {
    *done = false;
    if (strcmp(x->day, DM_UNTIL) > 0) return ST_OK;
    st s = member_store_change(&a->c->use, id, x, e);
    if (s == ST_INVALID) {
        err_clear(e);
        return ST_OK;
    }
    *done = !s;
    return s ? s : dm_tick(a, e);
}

/* Year y of the registry: probationers voted in a year before become full members (a year after the
 * vote, a few weeks for the branch meeting); new probationers are voted in (about 4% of the members, in
 * the branches that already have some); a few members move to another branch, go working elsewhere
 * (流动) or out of touch (失联), come back, and now and then one dies or is expelled. */
static st dm_year(demo_ctx *c, dm_all *a, int y, err *e) {
    demo_rng *r = &c->rng;
    st s = ST_OK;
    size_t n0 = a->n;
    for (size_t i = 0; !s && i < n0; i++) {
        dm_one_rec *x = &a->v[i];
        char day[11];
        bool done;
        if (x->gone) continue;
        if (x->prob && atoi(x->joined) == y - 1) {
            int d = atoi(x->joined + 8) + demo_range(r, 0, 20);
            if (d > 28) d = 28;
            snprintf(day, sizeof day, "%04u-%.2s-%02u", (unsigned)y % 10000u, x->joined + 5, (unsigned)d % 100u);
            member_change ch = {.day = day, .category = MEMBER_FULL, .full_on = day, .note = "支部大会讨论通过，按期转正"};
            s = dm_change(a, x->id, &ch, &done, e);
            if (done) x->prob = false;
            continue;
        }
        int roll = demo_range(r, 0, 999);
        snprintf(day, sizeof day, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)demo_range(r, 1, 12) % 100u, (unsigned)demo_range(r, 1, 28) % 100u);
        if (x->away) {
            if (roll < 300) {   /* back at work here */
                member_change ch = {.day = day, .state = "正常", .note = "返回本地工作，恢复正常"};
                s = dm_change(a, x->id, &ch, &done, e);
                if (done) x->away = false;
            }
        } else if (roll < 15 && n0 > 1) {   /* moves to another branch (a colleague's) */
            const dm_one_rec *to = &a->v[(size_t)demo_range(r, 0, (int)n0 - 1)];
            if (to->org == x->org) continue;
            member_change ch = {.day = day, .org_id = to->org, .note = "工作调动，组织关系转入"};
            s = dm_change(a, x->id, &ch, &done, e);
            if (done) x->org = to->org;
        } else if (roll < 22) {
            member_change ch = {.day = day, .state = roll < 19 ? "流动" : "失联", .note = roll < 19 ? "外出务工，流动党员" : "多次联系未果"};
            s = dm_change(a, x->id, &ch, &done, e);
            if (done) x->away = true;
        } else if (roll < 24 && x->born < 1970) {
            member_change ch = {.day = day, .state = "去世", .note = "因病去世"};
            s = dm_change(a, x->id, &ch, &done, e);
            if (done) x->gone = true;
        } else if (roll == 24) {
            member_change ch = {.day = day, .state = "出党", .note = "经支部大会讨论，予以除名"};
            s = dm_change(a, x->id, &ch, &done, e);
            if (done) x->gone = true;
        }
    }
    /* new probationers, in the branches of members drawn at random (bigger branches get more) */
    size_t want = n0 * 4 / 100;
    for (size_t k = 0; !s && k < want && y < 2027; k++) {
        const dm_one_rec *peer = &a->v[(size_t)demo_range(r, 0, (int)n0 - 1)];
        if (peer->gone) continue;
        dm_one_rec *x = dm_push(a);
        if (!x) return err_set(e, ST_NOMEM, "内存不足。");
        x->ent = peer->ent;
        x->org = peer->org;
        memcpy(x->region, peer->region, sizeof x->region);
        s = dm_one(c, x, "1900-01-01", y, e);
        if (s == ST_CONFLICT || s == ST_INVALID) {   /* a repeated number, or the branch was not there that day */
            err_clear(e);
            s = ST_OK;
            a->n--;
        } else if (!s) {
            s = dm_tick(a, e);
        }
    }
    return s;
}

/* The demo member account: 林晓, in the branch covering the investor's enterprise when there is one. */
static st dm_link_member(demo_ctx *c, err *e) {
    int64_t user = 0, org = 0, ent = 0;
    st s = db_query_int(c->d, &user, "SELECT id FROM users WHERE username = 'member'", e, "");
    if (s == ST_NOT_FOUND) return ST_OK;
    if (!s)
        s = db_query_int(c->d, &org,
                         "SELECT c.org_id FROM org_cover c JOIN users u ON u.username = 'investor' AND CAST(c.enterprise_id AS TEXT) = u.scope_code "
                         "WHERE c.to_day IS NULL ORDER BY c.org_id LIMIT 1",
                         e, "");
    if (s == ST_NOT_FOUND)
        s = db_query_int(c->d, &org, "SELECT MIN(org_id) FROM org_cover WHERE to_day IS NULL", e, "");
    if (!s) s = db_query_int(c->d, &ent, "SELECT MIN(enterprise_id) FROM org_cover WHERE org_id = $1 AND to_day IS NULL", e, "i", org);
    if (s) return s == ST_NOT_FOUND ? ST_OK : s;
    member_new m = {.name = "林晓", .id_number = "35020319900101123X", .gender = "女", .ethnicity = "汉族", .education = "研究生",
                    .post = "产品经理", .phone = "13900001234", .enterprise_id = ent, .org_id = org, .category = MEMBER_FULL,
                    .joined_on = "2012-06-28", .full_on = "2013-07-01", .day = "2017-10-16", .user_id = user};
    int64_t id = 0;
    s = member_store_register(&c->use, &m, &id, NULL, e);
    if (s == ST_INVALID) {   /* the branch began later: count from its first day */
        err_clear(e);
        m.day = NULL;
        s = member_store_register(&c->use, &m, &id, NULL, e);
    }
    return s;
}

/* After the demo's main transaction (demo.c): opens and commits its own, DM_TX_OPS acts each. */
st demo_members_fill(demo_ctx *c, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT e.id, e.members, COALESCE(e.district_code, '350203') AS region, c.org_id, c.from_day "
                         "FROM enterprise e JOIN org_cover c ON c.enterprise_id = e.id AND c.to_day IS NULL "
                         "WHERE e.members > 0 ORDER BY e.id",
                         e, "");
    if (s) return s;
    dm_all a = {.c = c};
    s = db_begin(c->d, e);
    a.open = !s;
    json_t *o;
    size_t i;
    /* the campaign: every covered enterprise's members as its ledger counts them, and in one in six a
       probationer or two voted in during 2017 */
    json_array_foreach(rows, i, o) {
        if (s) break;
        int64_t ent = json_integer_value(json_object_get(o, "id")), org = json_integer_value(json_object_get(o, "org_id"));
        const char *region = json_string_value(json_object_get(o, "region"));
        const char *from = json_string_value(json_object_get(o, "from_day"));
        int full = (int)json_integer_value(json_object_get(o, "members"));
        int extra = demo_range(&c->rng, 0, 5) == 0 ? demo_range(&c->rng, 1, 2) : 0;
        for (int k = 0; !s && k < full + extra; k++) {
            dm_one_rec *x = dm_push(&a);
            if (!x) {
                s = err_set(e, ST_NOMEM, "内存不足。");
                break;
            }
            x->ent = ent;
            x->org = org;
            snprintf(x->region, sizeof x->region, "%.6s", region);
            s = dm_one(c, x, from, k >= full ? 2017 : 0, e);
            if (s == ST_CONFLICT) {   /* the rare repeated number: someone else */
                err_clear(e);
                s = ST_OK;
                a.n--;
            } else if (!s) {
                s = dm_tick(&a, e);
            }
        }
    }
    json_decref(rows);
    for (int y = 2018; !s && y <= atoi(DM_UNTIL); y++) s = dm_year(c, &a, y, e);
    if (!s) s = dm_link_member(c, e);
    if (!s) s = db_commit(c->d, e);
    else if (a.open) db_rollback(c->d);
    free(a.v);
    return s;
}
