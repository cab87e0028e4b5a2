/* demo_meetings — a year of organizational life in the demo branches, planned
 * and recorded through the same use cases as a secretary's (meeting_store), so
 * compliance and the scorecards show real lights after `make run`.
 *
 * The year is the twelve months before the day the demo is made, and the
 * month so far: the demo's registry and organizations are dated 2018, but
 * compliance is read for the periods around today.  Each branch (党支部,
 * 联合党支部) is given a habit by the seed: most hold every meeting due
 * (green), some stopped one to three months ago (yellow in the running month,
 * red in a finished quarter), a few stopped half a year ago (red).  Members
 * attend most meetings (about nine in ten).  Deterministic for a seed and the
 * day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "demo/demo.h"
#include "meeting/meeting_store.h"
#include "member/member_store.h"

/* One meeting held on day: planned, then recorded with most of the roll present. */
static st dmt_hold(demo_ctx *c, int64_t org, int kind, const char *day, err *e) {
    const char *topic = arena_printf(c->use.mem, "%s：%.7s", meeting_kinds[kind], day);
    meeting_new m = {.org_id = org, .kind = meeting_kinds[kind], .day = day, .start = "14:30", .end = "16:00",
                     .place = "党员活动室", .topic = topic};
    int64_t id = 0;
    st s = meeting_store_plan(&c->use, &m, &id, e);
    member_standing *roll = NULL;
    size_t n = 0;
    if (!s) s = member_store_roll(&c->use, org, day, &roll, &n, e);
    if (s) return s;
    int64_t *present = arena_calloc(c->use.mem, n + 1, sizeof *present);
    size_t np = 0;
    if (!present) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < n; i++)
        if (demo_range(&c->rng, 0, 99) < 88) present[np++] = roll[i].person_id;
    meeting_record r = {.present = present, .n_present = np, .minutes = "传达学习上级精神，交流工作，部署下一阶段任务。",
                        .decisions = kind == 0 ? "会议讨论通过了有关事项。" : NULL};
    return meeting_store_record(&c->use, id, &r, e);
}

st demo_meetings_fill(demo_ctx *c, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT id, kind, established_on, CASE WHEN committee IS NOT NULL AND committee <> '[]' THEN 1 ELSE 0 END AS com "
                         "FROM org WHERE kind IN ('党支部', '联合党支部') AND dissolved_on IS NULL ORDER BY id",
                         e, "");
    if (s) return s;
    char today[11], first[11];
    clock_day(clock_now(), today);
    /* the first day of the month a year before this one */
    {
        char t[32];   /* the first day of this month a year ago */
        snprintf(t, sizeof t, "%04d-%.2s-01", atoi(today) - 1, today + 5);
        memcpy(first, t, 10);
        first[10] = 0;
    }
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        if (s) break;
        if ((s = db_begin(c->d, e))) break;   /* one transaction per branch (demo.c says why) */
        int64_t org = json_integer_value(json_object_get(o, "id"));
        const char *kind = json_string_value(json_object_get(o, "kind")), *est = json_string_value(json_object_get(o, "established_on"));
        bool com = json_integer_value(json_object_get(o, "com")) != 0;
        /* the branch's habit: the day it stopped holding meetings (none: still does) */
        int habit = demo_range(&c->rng, 0, 99);
        char stop[11];
        if (habit < 65) snprintf(stop, sizeof stop, "%s", today);
        else meeting_day_add(today, habit < 88 ? -demo_range(&c->rng, 35, 80) : -demo_range(&c->rng, 120, 200), stop);
        for (int k = 0; !s && k < MEETING_KINDS; k++) {
            int freq = meeting_freq(k);
            if (!freq || !meeting_kind_applies(k, kind, com)) continue;
            /* every stretch of the kind's frequency that began in the year */
            for (int y = atoi(first); !s && y <= atoi(today); y++) {
                char ys[8];
                snprintf(ys, sizeof ys, "%04d", y % 10000);
                meeting_period yp, sp;
                meeting_period_parse(ys, &yp);
                for (int j = 0; !s && meeting_stretch(&yp, freq, j, &sp); j++) {
                    if (strcmp(sp.from, today) > 0) continue;
                    /* in the stretch's last month, late in it: the lights stay green until the next is due */
                    char day[11];
                    meeting_day_add(sp.to, -demo_range(&c->rng, 1, 10), day);
                    if (strcmp(day, first) < 0 || strcmp(day, today) >= 0 || strcmp(day, stop) > 0 || strcmp(day, est) < 0) continue;
                    s = dmt_hold(c, org, k, day, e);
                }
            }
        }
        if (!s) s = db_commit(c->d, e);
        else db_rollback(c->d);
    }
    json_decref(rows);
    return s;
}
