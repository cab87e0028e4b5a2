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
 * any day of the campaign make sense; 2018 brings what a year brings —
 * probationers made full members, a few members moving to another branch, a
 * few working elsewhere (流动) or out of touch (失联).  The demo member
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

/* One person of enterprise `ent` in organization `org`, counting there from `from`. */
static st dm_one(demo_ctx *c, int64_t ent, int64_t org, const char *region, const char *from, bool probation,
                 int64_t *id, err *e) {
    demo_rng *r = &c->rng;
    char name[32], birth[11], joined[11], full[11] = "", id18[19], phone[16];
    bool male = demo_range(r, 0, 99) < 58;
    snprintf(name, sizeof name, "%s%s", dm_surnames[demo_range(r, 0, 23)], dm_given[demo_range(r, 0, 29)]);
    dm_day(r, probation ? 1993 : 1962, probation ? 1998 : 1995, birth);
    demo_id_number(r, region, birth, male, id18);
    if (probation) {
        dm_day(r, 2017, 2017, joined);   /* voted in during 2017: a full member in 2018 */
    } else {
        int y = atoi(birth) + demo_range(r, 20, 30);
        if (y > 2016) y = 2016;
        dm_day(r, y, y, joined);
        int fy = atoi(joined) + 1;
        snprintf(full, sizeof full, "%04u%.6s", (unsigned)fy % 10000u, joined + 4);
    }
    snprintf(phone, sizeof phone, "13%d%08d", demo_range(r, 5, 9), demo_range(r, 0, 99999999));
    const char *counts_from = strcmp(joined, from) > 0 ? joined : from;
    member_new m = {.name = name, .id_number = id18, .ethnicity = demo_range(r, 0, 99) < 96 ? "汉族" : demo_range(r, 0, 1) ? "畲族" : "回族",
                    .education = dm_education[demo_range(r, 0, 7)], .post = dm_posts[demo_range(r, 0, 9)],
                    .phone = demo_range(r, 0, 99) < 70 ? phone : NULL, .enterprise_id = ent, .org_id = org,
                    .category = probation ? MEMBER_PROBATION : MEMBER_FULL, .joined_on = joined,
                    .full_on = full[0] ? full : NULL, .day = counts_from};
    return member_store_register(&c->use, &m, id, NULL, e);
}

/* A year's changes: probationers of 2017 become full members in 2018, a few move or go 流动 / 失联. */
static st dm_year(demo_ctx *c, const int64_t *ids, const bool *prob, const int64_t *orgs, size_t n, err *e) {
    st s = ST_OK;
    for (size_t i = 0; !s && i < n; i++) {
        char day[11];
        if (prob[i]) {
            dm_day(&c->rng, 2018, 2018, day);
            member_change x = {.day = day, .category = MEMBER_FULL, .note = "支部大会讨论通过，按期转正"};
            s = member_store_change(&c->use, ids[i], &x, e);
            if (s == ST_INVALID) {   /* registered after that day (a branch formed late in 2018): stays a probationer */
                err_clear(e);
                s = ST_OK;
            }
            continue;
        }
        int roll = demo_range(&c->rng, 0, 99);
        if (roll < 3 && n > 1) {   /* moves to another branch */
            int64_t to = orgs[(i + 1 + (size_t)demo_range(&c->rng, 0, (int)n - 2)) % n];
            if (to == orgs[i]) continue;
            snprintf(day, sizeof day, "2018-%02u-%02u", (unsigned)demo_range(&c->rng, 7, 11) % 100u,
                     (unsigned)demo_range(&c->rng, 1, 28) % 100u);
            member_change x = {.day = day, .org_id = to, .note = "工作调动，组织关系转入"};
            s = member_store_change(&c->use, ids[i], &x, e);
            if (s == ST_INVALID) {   /* the other branch did not exist yet that day: stays */
                err_clear(e);
                s = ST_OK;
            }
        } else if (roll < 5) {
            snprintf(day, sizeof day, "2018-%02u-%02u", (unsigned)demo_range(&c->rng, 3, 9) % 100u,
                     (unsigned)demo_range(&c->rng, 1, 28) % 100u);
            member_change x = {.day = day, .state = roll < 4 ? "流动" : "失联", .note = roll < 4 ? "外出务工，流动党员" : "多次联系未果"};
            s = member_store_change(&c->use, ids[i], &x, e);
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

st demo_members_fill(demo_ctx *c, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT e.id, e.members, COALESCE(e.district_code, '350203') AS region, c.org_id, c.from_day "
                         "FROM enterprise e JOIN org_cover c ON c.enterprise_id = e.id AND c.to_day IS NULL "
                         "WHERE e.members > 0 ORDER BY e.id",
                         e, "");
    if (s) return s;
    size_t cap = 0, n = 0;
    json_t *o;
    size_t i;
    json_array_foreach(rows, i, o) cap += (size_t)json_integer_value(json_object_get(o, "members")) + 2;
    int64_t *ids = calloc(cap ? cap : 1, sizeof *ids), *orgs = calloc(cap ? cap : 1, sizeof *orgs);
    bool *prob = calloc(cap ? cap : 1, sizeof *prob);
    if (!ids || !orgs || !prob) s = err_set(e, ST_NOMEM, "内存不足。");
    json_array_foreach(rows, i, o) {
        if (s) break;
        int64_t ent = json_integer_value(json_object_get(o, "id")), org = json_integer_value(json_object_get(o, "org_id"));
        const char *region = json_string_value(json_object_get(o, "region"));
        const char *from = json_string_value(json_object_get(o, "from_day"));
        int full = (int)json_integer_value(json_object_get(o, "members"));
        int extra = demo_range(&c->rng, 0, 5) == 0 ? demo_range(&c->rng, 1, 2) : 0;
        for (int k = 0; !s && k < full + extra && n < cap; k++) {
            prob[n] = k >= full;
            s = dm_one(c, ent, org, region, from, prob[n], &ids[n], e);
            if (s == ST_CONFLICT) {   /* the rare repeated number: someone else */
                err_clear(e);
                s = ST_OK;
                continue;
            }
            orgs[n] = org;
            n++;
        }
    }
    json_decref(rows);
    if (!s) s = dm_year(c, ids, prob, orgs, n, e);
    if (!s) s = dm_link_member(c, e);
    free(ids);
    free(orgs);
    free(prob);
    return s;
}
