/* demo_volunteer — 志愿服务 (issue 18) in the demo: the demo secretary's
 * branch has a 党员志愿服务队 and its park (软件园二期) one of its own; the demo
 * member 林晓 joined the branch's.  A past activity (twenty days ago, four of
 * the branch's members signed up and checked in) has its hours confirmed by
 * the organizer through the store, so they are in the activity log as
 * volunteer.hours and the points step after this one counts them; two
 * upcoming activities are open for sign-up, 林晓 signed up to one.  The past
 * activity and its check-ins are written as they would have been then (the
 * store takes sign-ups and check-ins only at their time); the rest through
 * the same use cases as the organizer's and the member's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/day.h"
#include "demo/demo.h"
#include "meeting/meeting.h"
#include "volunteer/volunteer_store.h"

st demo_volunteer_fill(demo_ctx *c, err *e) {
    int64_t branch = 0, member_uid = 0, me = 0;
    st s = db_query_int(c->d, &branch, "SELECT CAST(scope_code AS BIGINT) FROM users WHERE username = 'secretary'", e, "");
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    s = db_query_int(c->d, &member_uid, "SELECT id FROM users WHERE username = 'member'", e, "");
    if (!s) s = db_query_int(c->d, &me, "SELECT id FROM person WHERE user_id = $1", e, "i", member_uid);
    if (s == ST_NOT_FOUND) member_uid = me = 0, s = ST_OK;
    if (s) return s;
    char *park = NULL;
    if (db_query_text(c->d, &park, "SELECT COALESCE(park_code, '') FROM org WHERE id = $1", e, "i", branch)) park = NULL;
    volunteer_team_new t = {.name = "党员先锋志愿服务队", .owner_kind = "org", .org_id = branch, .intro = "支部党员组成，开展社区服务、助老助学和园区环境整治。"};
    int64_t team = 0, pteam = 0;
    s = volunteer_store_team_create(&c->use, &t, &team, e);
    if (!s && park && *park) {
        volunteer_team_new p = {.name = "园区红色志愿服务队", .owner_kind = "park", .park_code = park, .intro = "园区党工委组织，服务园区企业和职工。"};
        s = volunteer_store_team_create(&c->use, &p, &pteam, e);
    }
    free(park);
    if (s) return s;

    /* the member's own acts: joining and a sign-up */
    uc mine = c->use;
    mine.who.user_id = member_uid;
    mine.who.username = "member";
    mine.who.role = "member";
    mine.who.scope_kind = "self";
    mine.who.scope_code = arena_printf(c->use.mem, "%lld", (long long)member_uid);
    if (me && (s = volunteer_store_join(&mine, team, e))) return s;

    /* the past activity: four of the branch's members (林晓 first) signed up and checked in */
    char today[11], past[11], soon[11], later[11];
    clock_day(clock_now(), today);
    day_add(today, -20, past);
    day_add(today, 5, soon);
    day_add(today, 12, later);
    int64_t act = 0;
    s = db_query_int(c->d, &act,
                     "INSERT INTO volunteer_activity(team_id, title, day, start_time, end_time, starts_at, ends_at, place, places, taken, hours, "
                     "state, created_by, created_at) VALUES ($1, '社区敬老院助老服务', $2, '09:00', '11:30', $3, $4, '文屏社区敬老院', 10, 0, 2.5, "
                     "'open', 'demo', $5) RETURNING id",
                     e, "itiii", team, past, meeting_epoch(past, "09:00"), meeting_epoch(past, "11:30"), meeting_epoch(past, "09:00") - 7 * 86400);
    json_t *people = NULL;
    if (!s)
        s = db_query_json(c->d, &people,
                          "SELECT m.person_id FROM member m WHERE m.org_id = $1 AND m.state = '正常' AND m.person_id <> $2 ORDER BY m.person_id LIMIT 3",
                          e, "ii", branch, me);
    if (s) return s;
    arena_json(c->use.mem, people);
    int64_t who[4];
    size_t n = 0;
    if (me) who[n++] = me;
    for (size_t i = 0; i < json_array_size(people) && n < 4; i++) who[n++] = json_integer_value(json_object_get(json_array_get(people, i), "person_id"));
    for (size_t i = 0; i < n && !s; i++)
        s = db_run(c->d,
                   "INSERT INTO volunteer_signup(activity_id, person_id, signed_at, checked_in_at) VALUES ($1, $2, $3, $4)", e, "iiii", act, who[i],
                   meeting_epoch(past, "09:00") - (int64_t)(6 - i) * 86400, meeting_epoch(past, "08:50") + (int64_t)i * 60);
    if (!s) s = db_run(c->d, "UPDATE volunteer_activity SET taken = $2 WHERE id = $1", e, "ii", act, (int64_t)n);
    /* the organizer confirms: the length for all but the last, who left an hour early */
    int64_t done = 0;
    if (!s && n > 1) {
        volunteer_hours_item early = {who[n - 1], 1.5};
        s = volunteer_store_confirm(&c->use, act, &early, 1, &done, e);
    }
    if (!s && n) s = volunteer_store_confirm(&c->use, act, NULL, 0, &done, e);
    if (s) return s;

    /* two upcoming ones; 林晓 signs up to the first */
    volunteer_activity_new a1 = {.title = "园区垃圾分类宣传", .day = soon, .start = "14:00", .end = "17:00", .place = "软件园二期望海路广场", .places = 12};
    volunteer_activity_new a2 = {.title = "“七彩假期”学生课业辅导", .day = later, .start = "09:00", .end = "11:00", .place = "观音山社区服务站", .places = 6};
    int64_t up1 = 0, up2 = 0;
    s = volunteer_store_activity_create(&c->use, team, &a1, &up1, e);
    if (!s) s = volunteer_store_activity_create(&c->use, pteam ? pteam : team, &a2, &up2, e);
    if (!s && me) s = volunteer_store_signup(&mine, up1, e);
    return s;
}
