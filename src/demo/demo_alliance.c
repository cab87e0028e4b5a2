/* demo_alliance — three 党建联盟 of the demo city (issue 23), recorded
 * through the same use cases as an office's (alliance_store): an industry
 * alliance of the software branches of 软件园二期 led by the demo secretary's
 * branch (one member left it again), a cross-enterprise alliance of 思明区
 * branches outside the parks, and a park alliance of 火炬园 (湖里区), each
 * with a joint activity or two attended by members of the participating
 * branches.  The organizations are picked by where they are and how many
 * members they have, so the step follows the generated city; a few dozen
 * acts in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alliance/alliance_store.h"
#include "base/clock.h"
#include "demo/demo.h"
#include "org/org.h"

/* Up to n active branches where `where` holds (SQL over org o), largest first; the first is `first` when set. */
static st da_orgs(demo_ctx *c, const char *where, int64_t first, int n, int64_t *out, int *got, err *e) {
    *got = 0;
    json_t *rows = NULL;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT o.id FROM org o WHERE o.dissolved_on IS NULL AND o.kind IN ('党委', '党总支', '党支部', '联合党支部') AND o.id <> $1 AND %s "
             "ORDER BY (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id) DESC, o.id LIMIT 12",
             where);
    st s = db_query_json(c->d, &rows, sql, e, "i", first);
    if (s) return s;
    if (first) out[(*got)++] = first;
    for (size_t i = 0; i < json_array_size(rows) && *got < n; i++)
        out[(*got)++] = json_integer_value(json_object_get(json_array_get(rows, i), "id"));
    json_decref(rows);
    return ST_OK;
}

/* Up to n members of org on day (in the party and in the organization then). */
static st da_people(demo_ctx *c, int64_t org, const char *day, int n, int64_t *out, size_t *got, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT s.person_id FROM member_span s WHERE s.org_id = $1 AND s.state = '正常' AND s.from_day <= $2 "
                         "AND (s.to_day IS NULL OR s.to_day > $2) ORDER BY s.person_id LIMIT $3",
                         e, "iti", org, day, (int64_t)n);
    if (s) return s;
    for (size_t i = 0; i < json_array_size(rows); i++) out[(*got)++] = json_integer_value(json_object_get(json_array_get(rows, i), "person_id"));
    json_decref(rows);
    return ST_OK;
}

typedef struct da_spec {
    const char *name, *kind, *where, *description;
    int back;                      /* founded this many days ago */
    const char *topics[2], *places[2];
    int act_back[2];               /* activities this many days ago (0 = none) */
} da_spec;

static st da_one(demo_ctx *c, const da_spec *sp, int64_t first, bool one_leaves, err *e) {
    char today[11], founded[11], joined[11];
    clock_day(clock_now(), today);
    org_day_add(today, -sp->back, founded);
    org_day_add(today, -sp->back + 90, joined);
    int64_t orgs[5];
    int n = 0;
    st s = da_orgs(c, sp->where, first, 5, orgs, &n, e);
    if (s || n < 3) return s;
    /* organizations founded after the alliance join on their own founding's next month */
    alliance_member_new m[4];
    char days[4][11];
    for (int i = 1; i < n; i++) {
        char *est = NULL;
        s = db_query_text(c->d, &est, "SELECT established_on FROM org WHERE id = $1", e, "i", orgs[i]);
        if (s) return s;
        snprintf(days[i - 1], sizeof days[i - 1], "%s", i == n - 1 ? joined : founded);
        if (strcmp(est, days[i - 1]) > 0) org_day_add(est, 30, days[i - 1]);
        free(est);
        m[i - 1] = (alliance_member_new){orgs[i], days[i - 1], NULL};
    }
    char *lead_est = NULL;
    s = db_query_text(c->d, &lead_est, "SELECT established_on FROM org WHERE id = $1", e, "i", orgs[0]);
    if (s) return s;
    bool ok = strcmp(lead_est, founded) <= 0;
    free(lead_est);
    if (!ok) return ST_OK;
    alliance_new x = {sp->name, sp->kind, sp->description, founded, orgs[0], m, (size_t)(n - 2)};
    int64_t id = 0, mid = 0;
    if ((s = alliance_store_create(&c->use, &x, &id, e))) return s;
    /* the last one joins later, by its own act */
    if ((s = alliance_store_member_add(&c->use, id, &m[n - 2], &mid, e))) return s;
    for (int k = 0; k < 2 && sp->act_back[k]; k++) {
        char day[11];
        org_day_add(today, -sp->act_back[k], day);
        int64_t people[12];
        size_t np = 0;
        int64_t part[3] = {orgs[0], orgs[1], orgs[2]};
        for (int i = 0; !s && i < 3; i++) s = da_people(c, part[i], day, 3, people, &np, e);
        alliance_activity_new a = {day, sp->places[k], sp->topics[k],
                                   "各成员支部书记交流党建工作经验，围绕党建引领企业发展开展研讨，明确下一阶段共建事项。",
                                   part, 3, people, np, (int64_t)np + 6};
        int64_t aid = 0;
        if (!s) s = alliance_store_activity_add(&c->use, id, &a, &aid, e);
    }
    if (!s && one_leaves && n >= 4) {
        char left[11];
        org_day_add(today, -20, left);
        json_t *rows = NULL;
        s = db_query_json(c->d, &rows, "SELECT id FROM alliance_member WHERE alliance_id = $1 AND role = 'member' ORDER BY id DESC LIMIT 1", e, "i",
                          id);
        if (!s && json_array_size(rows))
            s = alliance_store_member_leave(&c->use, id, json_integer_value(json_object_get(json_array_get(rows, 0), "id")), left,
                                            "企业搬迁至外市", e);
        json_decref(rows);
    }
    return s;
}

st demo_alliance_fill(demo_ctx *c, err *e) {
    /* the demo secretary's branch leads the 软件园二期 alliance */
    int64_t sec = 0;
    st s = db_query_int(c->d, &sec, "SELECT CAST(scope_code AS BIGINT) FROM users WHERE username = 'secretary'", e, "");
    if (s == ST_NOT_FOUND) sec = 0, s = ST_OK;
    if (s) return s;
    static const da_spec specs[] = {
        {"软件园二期软件和信息服务业党建联盟", "行业", "o.park_code = 'P0002'",
         "由园区软件企业党支部组成，以“党建共建、资源共享、人才共育”推动软件和信息服务业协同发展。", 420,
         {"党建引领产业链协同主题党日", "“数字经济与党员先锋”联合党课"}, {"软件园二期党群服务中心", "观日路 24 号会议室"}, {75, 18}},
        {"思明区数字经济跨企业党建联盟", "跨企业", "o.district_code = '350203' AND o.park_code IS NULL",
         "思明区园区外的互联网企业党组织结对共建，开展联合组织生活、志愿服务和党员互学。", 300,
         {"联合组织生活会", NULL}, {"思明区两新党群服务中心", NULL}, {40, 0}},
        {"火炬园党建联盟", "园区", "o.park_code = 'P0004'", "火炬园各企业党组织共建共享园区党建阵地。", 500,
         {"“红色火炬”志愿服务活动", NULL}, {"火炬园党群服务中心", NULL}, {55, 0}},
    };
    if ((s = db_begin(c->d, e))) return s;
    for (size_t i = 0; !s && i < sizeof specs / sizeof specs[0]; i++) s = da_one(c, &specs[i], i == 0 ? sec : 0, i == 0, e);
    if (!s) return db_commit(c->d, e);
    db_rollback(c->d);
    return s;
}
