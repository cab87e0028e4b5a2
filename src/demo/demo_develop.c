/* demo_develop — applicants for party membership in a few demo branches, in
 * every stage, recorded through the same use cases as a branch secretary's
 * (develop_store), so the pipeline, the due list and the figures have
 * something to show after `make run`.
 *
 * The days count back from the day the demo is made, so that whenever it is
 * made some steps fall due within the month and some are overdue: a talk due
 * in ten days and one two weeks late, an approval due soon and one late, a
 * probation ending soon.  Everything else comes from the seed, through a
 * generator of its own: the steps before and after this one draw the same
 * numbers as without it.  Contacts and introducers are the branch's own
 * 正式党员 on the day.  Those voted in are registered without an employer,
 * so the registry's per-enterprise counts (which the formation rules read)
 * stay the demo's story.  The investor's application waits for an answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "develop/develop_store.h"
#include "member/member_store.h"

static const char *const dd_surnames[] = {"陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许", "洪", "苏"};
/* Given names starting with the characters demo_members.c uses: two different characters of one reading
 * (梓 and 子) order differently in different ICU versions, and the tests compare the server's order with
 * the browser's and Node's. */
static const char *const dd_given[] = {"明轩", "思琪", "浩宇", "欣妍", "宇航", "雅婷", "志远", "晓东", "建华", "诗涵", "梓萱", "秀兰"};

/* Two of the branch's 正式党员 on day (contacts, introducers); false when it has fewer. */
static bool dd_two(demo_ctx *c, int64_t org, const char *day, int64_t out[2], err *e) {
    member_standing *m;
    size_t n, k = 0;
    if (member_store_roll(&c->use, org, day, &m, &n, e)) return false;
    for (size_t i = 0; i < n && k < 2; i++)
        if (!strcmp(m[i].category, MEMBER_FULL)) out[k++] = m[i].person_id;
    return k == 2;
}

static st dd_step(demo_ctx *c, int64_t id, const char *code, const char *day, const int64_t *people, size_t n, err *e) {
    develop_step_new x = {.code = code, .day = day, .people = people, .n_people = n, .days = 3, .hours = 24};
    int64_t rec = 0;
    return develop_store_step(&c->use, id, &x, &rec, e);
}

/* How far each demo applicant has come: the application this many days ago, and the last step recorded. */
/* (Those voted in are counted back from the vote instead.) */
typedef struct dd_plan { int applied_ago; const char *until; int vote_ago; } dd_plan;
static const dd_plan dd_plans[] = {
    {20, "apply", 0},      /* talk due in ten days */
    {45, "apply", 0},      /* talk two weeks late */
    {400, "activist", 0},  /* may become a development target from about now */
    {800, "training", 0},  /* ready for the vote */
    {500, "vote", 80},     /* approval due in ten days */
    {520, "vote", 100},    /* approval ten days late */
    {800, "approve", 350}, /* probation ends in about two weeks */
    {1000, "full", 500},   /* a full member since last summer or so */
};

/* One applicant of org taken as far as the plan says. */
static st dd_one(demo_ctx *c, demo_rng *r, int64_t org, int64_t ent, const char *region, const dd_plan *p, const char *today,
                 err *e) {
    char applied[11], birth[11], id18[19], name[32], day[11];
    char talk[11], activist[11], target[11], vote[11] = "";
    bool voted = p->vote_ago > 0;
    if (voted) {   /* counted back from the vote: a year and a few days of cultivation before the target */
        develop_add_days(today, -p->vote_ago, vote);
        develop_add_days(vote, -60, target);
        develop_add_months(target, -12, day);
        develop_add_days(day, -5, activist);
        develop_add_days(activist, -20, applied);
    } else {
        develop_add_days(today, -p->applied_ago, applied);
        develop_add_days(applied, 20, activist);
        develop_add_months(activist, 12, target);
    }
    develop_add_days(applied, 10, talk);
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", atoi(applied) - demo_range(r, 20, 30), demo_range(r, 1, 12), demo_range(r, 1, 28));
    demo_id_number(r, region, birth, demo_range(r, 0, 1), id18);
    snprintf(name, sizeof name, "%s%s", dd_surnames[demo_range(r, 0, 13)], dd_given[demo_range(r, 0, 11)]);
    develop_new a = {.name = name, .id_number = id18, .org_id = org, .enterprise_id = voted ? 0 : ent, .applied_on = applied,
                     .education = "大学本科", .note = "书面申请"};
    int64_t id = 0;
    st s = develop_store_create(&c->use, &a, &id, e);
    if (s == ST_CONFLICT) {   /* the rare repeated number: someone else */
        err_clear(e);
        return ST_OK;
    }
    if (s || !strcmp(p->until, "apply")) return s;
    /* the contact: a 正式党员 on the activist day; the introducers: two on the target day (a probationer
       of the one may be a full member by the other) */
    int64_t contact[2], two[2];
    if (!dd_two(c, org, activist, contact, e) || !dd_two(c, org, target, two, e)) return ST_OK;
    s = dd_step(c, id, "talk", talk, NULL, 0, e);
    if (!s) s = dd_step(c, id, "activist", activist, contact, 1, e);
    if (s || !strcmp(p->until, "activist")) return s;
    s = dd_step(c, id, "target", target, two, 2, e);
    develop_add_days(target, 15, day);
    if (!s) s = dd_step(c, id, "review", day, NULL, 0, e);
    develop_add_days(target, 30, day);
    if (!s) s = dd_step(c, id, "training", day, NULL, 0, e);
    if (s || !strcmp(p->until, "training")) return s;
    s = dd_step(c, id, "vote", vote, NULL, 0, e);
    if (s || !strcmp(p->until, "vote")) return s;
    develop_add_days(vote, 45, day);
    s = dd_step(c, id, "approve", day, NULL, 0, e);
    if (s || !strcmp(p->until, "approve")) return s;
    develop_add_months(vote, 12, day);
    return dd_step(c, id, "full", day, NULL, 0, e);
}

/* The investor's own application, waiting for the secretary's answer. */
static st dd_investor(demo_ctx *c, demo_rng *r, const char *today, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT u.id, u.scope_code, c.org_id, COALESCE(x.district_code, '350203') AS region FROM users u "
                         "JOIN org_cover c ON CAST(c.enterprise_id AS TEXT) = u.scope_code AND c.to_day IS NULL "
                         "JOIN enterprise x ON x.id = c.enterprise_id WHERE u.username = 'investor' ORDER BY c.org_id LIMIT 1",
                         e, "");
    json_t *o = s ? NULL : json_array_get(rows, 0);
    if (o) {
        uc inv = c->use;
        inv.who.user_id = json_integer_value(json_object_get(o, "id"));
        inv.who.username = "investor";
        inv.who.role = "investor";
        inv.who.scope_kind = "enterprise";
        inv.who.scope_code = arena_strdup(&c->mem, json_string_value(json_object_get(o, "scope_code")));
        char birth[11], id18[19];
        snprintf(birth, sizeof birth, "%04d-%02d-%02d", atoi(today) - demo_range(r, 35, 50), demo_range(r, 1, 12), demo_range(r, 1, 28));
        demo_id_number(r, json_string_value(json_object_get(o, "region")), birth, demo_range(r, 0, 1), id18);
        develop_new a = {.name = "出资人", .id_number = id18, .org_id = json_integer_value(json_object_get(o, "org_id")),
                         .enterprise_id = atoll(inv.who.scope_code), .phone = "13900009876", .education = "研究生",
                         .post = "董事长"};
        int64_t id = 0;
        s = develop_store_apply(&inv, &a, &id, e);
        if (s == ST_CONFLICT || s == ST_INVALID) {   /* a repeated number or a branch formed later: no application */
            err_clear(e);
            s = ST_OK;
        }
    }
    json_decref(rows);
    return s;
}

st demo_develop_fill(demo_ctx *c, err *e) {
    /* a generator of its own: the other steps draw what they drew before */
    demo_rng r = {c->rng.s ^ 0x6465766c6f70ULL};
    char today[11];
    member_today(today);
    /* the branches covering an enterprise with 正式党员: the investor's first, then a few in each district */
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT c.org_id, MIN(c.enterprise_id) AS ent, COALESCE(MIN(o.district_code), '350203') AS region, "
                         "MAX(CASE WHEN CAST(c.enterprise_id AS TEXT) = (SELECT scope_code FROM users WHERE username = 'investor') "
                         "THEN 1 ELSE 0 END) AS inv FROM org_cover c JOIN org o ON o.id = c.org_id "
                         "WHERE c.to_day IS NULL AND o.dissolved_on IS NULL AND o.kind IN ('党支部', '联合党支部') "
                         "AND EXISTS (SELECT 1 FROM member m WHERE m.org_id = c.org_id AND m.category = '正式党员') "
                         "GROUP BY c.org_id ORDER BY 4 DESC, c.org_id LIMIT 8",
                         e, "");
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        for (size_t k = 0; !s && k < sizeof dd_plans / sizeof dd_plans[0]; k++)
            s = dd_one(c, &r, json_integer_value(json_object_get(o, "org_id")), json_integer_value(json_object_get(o, "ent")),
                       json_string_value(json_object_get(o, "region")), &dd_plans[k], today, e);
        if (s) break;
    }
    json_decref(rows);
    if (!s) s = dd_investor(c, &r, today, e);
    return s;
}
