/* demo_flows — a couple of 流动党员 in the demo city, registered through the
 * same use cases as a branch secretary's (flow_store): two members whom the
 * registry's years left 流动 (demo_members.c) get the flow behind that state —
 * one gone to a branch of another district, which manages them from that day
 * (its list shows the inflow), one gone where the system has no organization,
 * whose expected return has passed (the overdue reminder).  Both keep their
 * state and its day, so no other figure of the demo changes.  The branches of
 * the demo accounts, the first 党支部 and whatever is under the first 党委 (where
 * scripts/e2e puts its secretary and administrator) are left alone, so their
 * rolls are as before. */
/* an organization o none of those accounts works in */
#define DF_ALONE                                                                                                        \
    "CAST(o.id AS TEXT) NOT IN (SELECT scope_code FROM users WHERE scope_kind = 'org' AND scope_code IS NOT NULL) "    \
    "AND o.id <> (SELECT MIN(id) FROM org WHERE kind = '党支部') "                                                     \
    "AND o.path NOT LIKE (SELECT MIN(path) FROM org WHERE id = (SELECT MIN(id) FROM org WHERE kind = '党委')) || '%' "
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"
#include "flow/flow_store.h"

st demo_flows_fill(demo_ctx *c, err *e) {
    json_t *rows = NULL;
    /* members 流动 without a flow, in branches no demo account works in, in two districts */
    st s = db_query_json(c->d, &rows,
                         "SELECT m.person_id, m.since, m.district_code, m.org_id FROM member m JOIN person p ON p.id = m.person_id "
                         "JOIN org o ON o.id = m.org_id WHERE m.state = '流动' AND p.user_id IS NULL AND o.kind = '党支部' "
                         "AND m.district_code IS NOT NULL AND " DF_ALONE
                         "ORDER BY m.person_id LIMIT 40",
                         e, "");
    if (s) return s;
    json_t *a = NULL, *b = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (!a) a = r;
        else if (!b && strcmp(json_string_value(json_object_get(r, "district_code")), json_string_value(json_object_get(a, "district_code"))))
            b = r;
    }
    if (!a) {
        json_decref(rows);
        return ST_OK;
    }
    /* the receiving branch: in another district, active since before the flow, no demo account's */
    const char *since = json_string_value(json_object_get(a, "since"));
    int64_t to = 0, id = 0;
    s = db_query_int(c->d, &to,
                     "SELECT MAX(o.id) FROM org o WHERE o.kind = '党支部' AND o.dissolved_on IS NULL AND o.established_on <= $1 "
                     "AND o.district_code IS NOT NULL AND o.district_code <> $2 AND " DF_ALONE,
                     e, "tt", since, json_string_value(json_object_get(a, "district_code")));
    if (!s && to) {
        flow_new x = {.person_id = json_integer_value(json_object_get(a, "person_id")), .org_id = to, .reason = "务工经商",
                      .from_day = since, .expect_day = "2027-12-31", .contact = "13900002345", .card_no = "厦流2026001",
                      .note = "在接收支部参加组织生活"};
        s = flow_store_out(&c->use, &x, &id, e);
    }
    if (!s && b) {
        flow_new x = {.person_id = json_integer_value(json_object_get(b, "person_id")), .place = "广东省深圳市南山区",
                      .reason = "学习进修", .from_day = json_string_value(json_object_get(b, "since")), .contact = "微信 xm-flow-2",
                      .note = "外出进修"};
        /* expected back three months after leaving: passed by now */
        char expect[11];
        snprintf(expect, sizeof expect, "%s", x.from_day);
        int y = atoi(expect), mo = atoi(expect + 5) + 3;
        if (mo > 12) { mo -= 12; y++; }
        snprintf(expect, sizeof expect, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)mo % 100u);
        x.expect_day = expect;
        s = flow_store_out(&c->use, &x, &id, e);
    }
    json_decref(rows);
    return s;
}
