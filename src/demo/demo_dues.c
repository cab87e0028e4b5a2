/* demo_dues — party dues in the demo city, through the dues store: a base for
 * nearly every member in the party (employees by salary, retirees, a few
 * students, unemployed, farmers and 低保 recipients; a few without one, so
 * the sheets show 未核定), the payments of the last seven months — most
 * members quarterly and up to date, some owing this month or a few months,
 * one in the secretary's branch owing all seven (the arrears warning), one
 * there with a waiver for the last three months, a proxy now and then, one
 * voluntary payment going to the central committee, one paid in advance —
 * and every organization's sheets for those months.  Months are counted
 * back from today (the clock), like the demo's meetings.  Deterministic for
 * the seed; a transaction per branch (on PostgreSQL every act updates the
 * audit chain's one head row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "base/clock.h"
#include "core/log.h"
#include "demo/demo.h"
#include "dues/dues_store.h"

enum { DD_MONTHS = 7 };   /* the sheets: this month and the six before */

typedef struct dd_ctx {
    demo_ctx *c;
    char m[DD_MONTHS][8];   /* m[0] = six months ago … m[6] = this month */
    char today[11];
    int64_t arrears, waived;   /* the two people of the secretary's branch */
    bool central_done, advance_done;
} dd_ctx;

/* A payment of the person's months a..b (indexes into m), clipped to the
 * months their base covers; paid on day `day` of the last month (not after today). */
static st dd_pay(dd_ctx *x, int64_t person, const char *first_base, int a, int b, int day, err *e) {
    demo_ctx *c = x->c;
    while (a <= b && strcmp(x->m[a], first_base) < 0) a++;
    if (a > b) return ST_OK;
    char paid_on[16];
    snprintf(paid_on, sizeof paid_on, "%s-%02d", x->m[b], day);
    if (strcmp(paid_on, x->today) > 0) snprintf(paid_on, sizeof paid_on, "%s", x->today);
    dues_payment_new p = {.person_id = person, .first_month = x->m[a], .last_month = x->m[b], .received_fen = -1, .paid_on = paid_on};
    if (demo_range(&c->rng, 0, 99) < 5) {
        p.proxy = true;
        p.proxy_name = "家属代交";
    }
    if (demo_range(&c->rng, 0, 99) < 2) p.voluntary_fen = demo_range(&c->rng, 1, 5) * 10000;   /* 100–500 元 自愿多交 */
    int64_t id = 0;
    return dues_store_pay(&c->use, &p, &id, NULL, e);
}

/* One member: a base, and their payments as their habit goes. */
static st dd_member(dd_ctx *x, int64_t person, const char *joined_on, const char *birth, bool lin, err *e) {
    demo_ctx *c = x->c;
    char joined[8], from[8];
    snprintf(joined, sizeof joined, "%.7s", joined_on);
    dues_month_add(x->m[DD_MONTHS - 1], -18, from);   /* declared a year and a half ago, or when they joined */
    if (strcmp(joined, from) > 0) memcpy(from, joined, sizeof from);
    int age = atoi(x->today) - atoi(birth);
    int r = demo_range(&c->rng, 0, 99);
    if (r >= 97 && !lin && person != x->arrears && person != x->waived) return ST_OK;   /* no base declared yet */
    dues_base_new b = {.person_id = person, .from_month = from, .declared_by = lin ? "member" : r % 3 == 0 ? "member" : "secretary"};
    if (age >= 60 && r < 80) {
        b.kind = DUES_RETIREE;
        b.base_fen = (int64_t)demo_range(&c->rng, 2800, 9000) * 100;
    } else if (r < 82) {
        b.kind = DUES_EMPLOYEE;
        int band = demo_range(&c->rng, 0, 99);   /* most earn 4000–12000 元 a month */
        b.base_fen = (int64_t)(band < 15 ? demo_range(&c->rng, 2300, 4000) : band < 85 ? demo_range(&c->rng, 4000, 12000)
                                                                                        : demo_range(&c->rng, 12000, 30000)) * 100 +
                     demo_range(&c->rng, 0, 99);
    } else if (r < 86) b.kind = age < 26 ? DUES_STUDENT : DUES_UNEMPLOYED;
    else if (r < 91) b.kind = DUES_UNEMPLOYED;
    else if (r < 95) {
        b.kind = DUES_FARMER;
        b.base_fen = demo_range(&c->rng, 2, 10) * 10;   /* 0.20–1.00 元, set by the office */
    } else b.kind = DUES_RELIEF;
    if (lin) {
        b.kind = DUES_EMPLOYEE;
        b.base_fen = 860000;   /* 8600 元: 86.00 a month */
    }
    dues_amount a;
    st s = dues_store_base_set(&c->use, &b, &a, e);
    /* one in ten had a rise three months ago */
    if (!s && b.kind == DUES_EMPLOYEE && demo_range(&c->rng, 0, 9) == 0 && strcmp(x->m[3], from) > 0) {
        dues_base_new up = b;
        up.from_month = x->m[3];
        up.base_fen = b.base_fen + b.base_fen / 10;
        s = dues_store_base_set(&c->use, &up, &a, e);
    }
    if (s) return s;
    if (person == x->arrears) return ST_OK;   /* nothing paid for seven months */
    if (person == x->waived) {
        dues_relief_new rl = {.person_id = person, .from_month = x->m[4], .to_month = x->m[6], .amount_fen = 0,
                              .reason = "身患重病、家庭生活困难，经支部党员大会讨论同意免交", .approver = "支部党员大会（已报上级党委备案）"};
        int64_t id = 0;
        s = dues_store_relief_add(&c->use, &rl, &id, e);
        if (!s) s = dd_pay(x, person, from, 0, 2, 20, e);
        if (!s) s = dd_pay(x, person, from, 3, 3, 20, e);
        return s;
    }
    /* the habit: quarterly and up to date; owing this month; owing a few months */
    int h = lin ? 0 : demo_range(&c->rng, 0, 99);
    s = dd_pay(x, person, from, 0, 2, demo_range(&c->rng, 5, 28), e);
    if (!s && h < 92) s = dd_pay(x, person, from, 3, 5, demo_range(&c->rng, 5, 28), e);
    else if (!s && h < 97) s = dd_pay(x, person, from, 3, 3, demo_range(&c->rng, 5, 28), e);
    if (!s && h < 70) s = dd_pay(x, person, from, 6, 6, demo_range(&c->rng, 1, 10), e);
    /* an old member's voluntary 1000 元 (to the central committee); someone paying the next quarter in advance */
    if (!s && h < 70 && age >= 60 && !x->central_done && b.kind == DUES_RETIREE) {
        x->central_done = true;
        char n1[8];
        dues_month_add(x->m[6], 1, n1);
        dues_payment_new p = {.person_id = person, .first_month = n1, .last_month = n1, .voluntary_fen = 100000, .received_fen = -1,
                              .consent = "支部委员会同意", .paid_on = x->today};
        int64_t id = 0;
        s = dues_store_pay(&c->use, &p, &id, NULL, e);
    } else if (!s && h < 70 && h > 60 && !x->advance_done && b.kind == DUES_EMPLOYEE) {
        x->advance_done = true;
        char n1[8], n3[8];
        dues_month_add(x->m[6], 1, n1);
        dues_month_add(x->m[6], 3, n3);
        dues_payment_new p = {.person_id = person, .first_month = n1, .last_month = n3, .received_fen = -1,
                              .consent = "支部委员会同意其出国前预交三个月", .paid_on = x->today};
        int64_t id = 0;
        s = dues_store_pay(&c->use, &p, &id, NULL, e);
    }
    return s;
}

st demo_dues_fill(demo_ctx *c, err *e) {
    dd_ctx x = {.c = c};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_day(clock_now(), x.today);
    char now[8];
    dues_store_this_month(now);
    for (int i = 0; i < DD_MONTHS; i++) dues_month_add(now, i - (DD_MONTHS - 1), x.m[i]);
    /* the secretary's branch: its first two members (pinyin order) other than 林晓 owe, and are waived */
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT m.person_id FROM member m JOIN users u ON u.username = 'secretary' AND u.scope_kind = 'org' "
                         "AND m.org_id = CAST(u.scope_code AS BIGINT) WHERE m.state IN ('正常', '流动') AND m.name <> '林晓' "
                         "AND m.category = '正式党员' ORDER BY m.name_key, m.person_id LIMIT 2",
                         e, "");
    if (s) return s;
    x.arrears = json_integer_value(json_object_get(json_array_get(rows, 0), "person_id"));
    x.waived = json_integer_value(json_object_get(json_array_get(rows, 1), "person_id"));
    json_decref(rows);
    rows = NULL;
    if ((s = db_query_json(c->d, &rows,
                           "SELECT m.person_id, m.org_id, m.joined_on, p.birth_date, m.name FROM member m JOIN person p ON p.id = m.person_id "
                           "WHERE m.state IN ('正常', '流动') ORDER BY m.org_id, m.person_id",
                           e, "")))
        return s;
    size_t n = json_array_size(rows);
    for (size_t i = 0; i < n && !s;) {
        int64_t org = json_integer_value(json_object_get(json_array_get(rows, i), "org_id"));
        if ((s = db_begin(c->d, e))) break;   /* one transaction per branch */
        for (; i < n && !s; i++) {
            json_t *r = json_array_get(rows, i);
            if (json_integer_value(json_object_get(r, "org_id")) != org) break;
            const char *name = json_string_value(json_object_get(r, "name"));
            s = dd_member(&x, json_integer_value(json_object_get(r, "person_id")), json_string_value(json_object_get(r, "joined_on")),
                          json_string_value(json_object_get(r, "birth_date")), name && !strcmp(name, "林晓"), e);
        }
        if (!s) s = db_commit(c->d, e);
        else db_rollback(c->d);
    }
    json_decref(rows);
    /* every organization's sheets of the seven months */
    for (int i = 0; i < DD_MONTHS && !s; i++) {
        int64_t sheets = 0, lines = 0;
        s = dues_store_sheets_make(&c->use, x.m[i], &sheets, &lines, e);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!s) log_info("demo: dues of %zu members, %d months, in %.1f s", n, DD_MONTHS, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return s;
}
