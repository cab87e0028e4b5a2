/* demo_study_progress — a believable picture of this year's study hours
 * (学时): about four in ten members have reached their requirement (32 学时;
 * secretaries and committee members 56), the others are on their way or have
 * not started (the members of every other organization have nothing recorded
 * yet); the member account "member" is on its way, with credits of
 * several kinds.  Credited through study_credit_add as offline study
 * (集中学习, 党课, 专题讲座, 主题党日), days spread from January to today.
 * Deterministic for the seed; a transaction per organization. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "base/clock.h"
#include "core/log.h"
#include "demo/demo.h"
#include "study/study_credit.h"
#include "study/study_progress.h"

static const char *const dsp_cats[] = {"理论学习", "党史学习", "党性教育", "业务知识"};
static const char *const dsp_notes[] = {"支部集中学习", "书记讲党课", "专题讲座", "主题党日学习"};

/* One member's credits up to about `target` hours, on days before today. */
static st dsp_member(demo_ctx *c, int64_t person, int year, int doy_max, int target, err *e) {
    if (target <= 0) return ST_OK;
    uc *u = &c->use;
    st s = uc_begin(u, e);
    for (int k = 0; target > 0 && !s; k++) {
        int h = target > 24 ? demo_range(&c->rng, 16, 24) : target;
        target -= h;
        int doy = demo_range(&c->rng, 0, doy_max);
        int m = 1, d = doy + 1;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        while (m < 12 && d > mdays[m - 1]) d -= mdays[m++ - 1];
        if (d > 28) d = 28;
        char day[16];
        snprintf(day, sizeof day, "%04d-%02d-%02d", year % 10000, m % 13, d % 29);
        int i = demo_range(&c->rng, 0, 3);
        study_credit cr = {.person_id = person, .day = day, .minutes = h * 60, .category = dsp_cats[i], .source = "offline",
                           .source_id = 900000 + k, .note = dsp_notes[i]};
        s = study_credit_add(u, &cr, e);
    }
    uc_act a = {"study.progress.demo", uc_obj(u, "person", person), "演示：线下学习学时", NULL};
    return uc_end(u, s, &a, e);
}

st demo_study_progress_fill(demo_ctx *c, err *e) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char today[11];
    clock_day(clock_now(), today);
    int year = atoi(today), month = atoi(today + 5), dom = atoi(today + 8);
    int doy_max = (month - 1) * 30 + dom - 2;
    if (doy_max < 0) doy_max = 0;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT m.person_id, m.org_id, CASE WHEN " STUDY_LEAD_SQL("m", "o", "p") " THEN 1 ELSE 0 END AS lead, "
                         "CASE WHEN u.username = 'member' THEN 1 ELSE 0 END AS me FROM member m JOIN org o ON o.id = m.org_id "
                         "JOIN person p ON p.id = m.person_id LEFT JOIN users u ON u.id = p.user_id "
                         "WHERE " STUDY_COUNTED_SQL("m") " ORDER BY m.org_id, m.person_id",
                         e, "");
    if (s) return s;
    size_t n = json_array_size(rows);
    for (size_t i = 0; i < n && !s;) {
        int64_t org = json_integer_value(json_object_get(json_array_get(rows, i), "org_id"));
        if ((s = db_begin(c->d, e))) break;
        for (; i < n && !s; i++) {
            json_t *r = json_array_get(rows, i);
            if (json_integer_value(json_object_get(r, "org_id")) != org) break;
            bool lead = json_integer_value(json_object_get(r, "lead")) != 0;
            int need = (int)(study_progress_required(lead) / 60);
            int roll = demo_range(&c->rng, 0, 99);
            int target = roll < 40 ? need + demo_range(&c->rng, 0, 8) : roll < 85 ? demo_range(&c->rng, 4, need - 2) : 0;
            if (org % 2 == 1) target = 0;   /* half the organizations have not recorded any yet (keeps the demo fast) */
            if (json_integer_value(json_object_get(r, "me"))) target = 20;   /* the member account: on its way */
            s = dsp_member(c, json_integer_value(json_object_get(r, "person_id")), year, doy_max, target, e);
        }
        if (!s) s = db_commit(c->d, e);
        else db_rollback(c->d);
    }
    json_decref(rows);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!s) log_info("demo: study hours of %zu members in %.2f s", n, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return s;
}
