/* demo_org_people — the committees and terms of the demo organizations
 * (issue 23), recorded through the same use case as an office's
 * (committee_store_elect): each 党委, 党总支 and branch with 正式党员 on its
 * rolls held its last election within its term, its 书记 (and, with seven
 * full members or more, a committee of three or five, unless it was founded
 * without one: the office's rules still find those) elected from them — but
 * two whose term has run out without a new election (换届提醒: overdue) and
 * two whose term runs out within the reminder's days (due).  Organizations
 * with no 正式党员 on their rolls elect nobody: their term counts from their
 * founding (overdue) and the names given when they were founded stay 未关联.
 * A generator of its own (not the city's), so no other step's data moves;
 * one transaction (a few hundred acts), well under a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "committee/committee_store.h"
#include "demo/demo.h"
#include "org/org.h"

/* Up to n 正式党员 of org on day (in the party then), oldest members first. */
static st dp_members(demo_ctx *c, int64_t org, const char *day, int n, int64_t *out, int *got, err *e) {
    *got = 0;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT s.person_id FROM member_span s WHERE s.org_id = $1 AND s.category = '正式党员' AND s.state IN ('正常', '流动') "
                         "AND s.from_day <= $2 AND (s.to_day IS NULL OR s.to_day > $2) ORDER BY s.person_id LIMIT 30",
                         e, "it", org, day);
    if (s) return s;
    /* seven full members or more: a committee; fewer: a 书记 only */
    size_t all = json_array_size(rows);
    if (all < 7 && n > 1) n = 1;
    for (size_t i = 0; i < all && *got < n; i++) out[(*got)++] = json_integer_value(json_object_get(json_array_get(rows, i), "person_id"));
    json_decref(rows);
    return ST_OK;
}

st demo_org_people_fill(demo_ctx *c, err *e) {
    demo_rng r = {.s = 0x2300};
    char today[11];
    clock_day(clock_now(), today);
    json_t *orgs = NULL;
    st s = db_query_json(c->d, &orgs,
                         "SELECT o.id, o.kind, o.established_on, (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id AND m.category = '正式党员') AS full_n, "
                         "CASE WHEN o.committee IS NULL OR o.committee = '[]' THEN 0 ELSE 1 END AS had_committee "
                         "FROM org o WHERE o.kind IN ('党委', '党总支', '党支部', '联合党支部') AND o.dissolved_on IS NULL ORDER BY o.id",
                         e, "");
    if (s) return s;
    if ((s = db_begin(c->d, e))) {
        json_decref(orgs);
        return s;
    }
    static const char *const posts5[] = {"书记", "副书记", "组织委员", "宣传委员", "纪检委员"};
    static const char *const posts3[] = {"书记", "组织委员", "宣传委员"};
    int overdue = 0, due = 0;
    size_t i;
    json_t *o;
    json_array_foreach(orgs, i, o) {
        if (s) break;
        int64_t id = json_integer_value(json_object_get(o, "id"));
        const char *kind = json_string_value(json_object_get(o, "kind"));
        const char *est = json_string_value(json_object_get(o, "established_on"));
        int years = committee_term_years(kind), full = (int)json_integer_value(json_object_get(o, "full_n"));
        if (!years || full == 0) continue;
        /* the day of the last election: within the term (most), a term and more ago (two: overdue),
           or a term less a few weeks ago (two: due soon) */
        int back;
        if (overdue < 2 && i % 37 == 5) {
            back = years * 365 + demo_range(&r, 40, 200);
            overdue++;
        } else if (due < 2 && i % 41 == 7) {
            back = years * 365 - demo_range(&r, 15, 60);
            due++;
        } else
            back = demo_range(&r, 60, years * 365 - 150);
        char day[11];
        org_day_add(today, -back, day);
        if (strcmp(day, est) < 0) snprintf(day, sizeof day, "%s", est);
        int64_t people[5];
        int n = 0;
        /* those founded without a committee elect their 书记 only (the office's rules still find them) */
        int seats = !json_integer_value(json_object_get(o, "had_committee")) ? 1 : full >= 30 ? 5 : 3;
        if ((s = dp_members(c, id, day, seats, people, &n, e))) break;
        if (!n) continue;   /* nobody to elect that day: the term counts from the founding */
        committee_post_new p[5];
        for (int k = 0; k < n; k++) p[k] = (committee_post_new){n == 5 ? posts5[k] : posts3[k], people[k], NULL, NULL};
        committee_election_new x = {.day = day, .posts = p, .n = (size_t)n, .note = "党员大会选举产生，表决记录（纸质）存支部"};
        int64_t eid = 0;
        s = committee_store_elect(&c->use, id, &x, &eid, e);
    }
    json_decref(orgs);
    if (!s) return db_commit(c->d, e);
    db_rollback(c->d);
    return s;
}
