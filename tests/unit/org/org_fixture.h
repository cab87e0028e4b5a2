/* org_fixture — a small city for the store tests of org, coverage and the
 * bulletin, on SQLite and, when EJIA_TEST_PG_URL is set, PostgreSQL (the
 * same database for every test binary there: each run first clears the
 * org, coverage and bulletin tables and its enterprises).
 *
 * Enterprises (district, park, members): A 思明 P9001 5 · B 思明 P9001 1 ·
 * C 思明 P9001 2 · D 思明 0 · E 湖里 4 · F 湖里 0 · G 湖里 60 · Z 思明 zombie 9.
 * fx_ent(x, 'A') gives A's id.  Every store call acts through fx->c, the
 * command line's context (the whole city); fx_scoped gives one bound to a
 * district. */
#ifndef EJIA_TEST_ORG_FIXTURE_H
#define EJIA_TEST_ORG_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypt.h"
#include "base/uc.h"
#include "core/config.h"
#include "db/db.h"
#include "covkept/covkept.h"

typedef struct fx {
    db *d;
    arena mem;
    uc c;
    int64_t ent[8];   /* A..G, Z */
} fx;

static char fx_lite[64];
static const char *fx_urls[2];
static int fx_nurls;

static inline int fx_setup(void **state) {
    (void)state;
    snprintf(fx_lite, sizeof fx_lite, "/tmp/ejia-orgtest-%d.db", (int)getpid());
    unlink(fx_lite);
    fx_urls[fx_nurls++] = fx_lite;
    const char *pg = getenv("EJIA_TEST_PG_URL");
    if (pg && *pg) fx_urls[fx_nurls++] = pg;
    else fprintf(stderr, "note: EJIA_TEST_PG_URL not set, PostgreSQL part not run here\n");
    err e;
    int argc = 1;
    char *argv[] = {"test", NULL};
    cfg_load(&argc, argv, &e);
    unsigned char key[32];
    memset(key, 3, sizeof key);   /* the key test_uc uses on the shared PostgreSQL database */
    crypt_set_key(key);
    return 0;
}

static inline int fx_teardown(void **state) {
    (void)state;
    char p[80];
    unlink(fx_lite);
    snprintf(p, sizeof p, "%s-wal", fx_lite);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", fx_lite);
    unlink(p);
    crypt_reset();
    cfg_free();
    return 0;
}

static inline void fx_exec(fx *x, const char *sql) {
    err e;
    if (db_exec(x->d, sql, &e)) fail_msg("%s: %s", sql, e.msg);
}

static inline int64_t fx_add_ent(fx *x, const char *name, const char *district, const char *park, int members, int zombie) {
    int64_t id = 0;
    err e;
    if (db_query_int(x->d, &id,
                     "INSERT INTO enterprise(name, district_code, street_code, park_code, address, category, employees, members, "
                     "status, zombie) VALUES ($1, $2, NULL, $3, $4, '数据', $5, $6, '存续', $7) RETURNING id",
                     &e, "ttttiii", name, district, park, "厦门市观日路1号", (int64_t)(members * 10 + 5), (int64_t)members,
                     (int64_t)zombie))
        fail_msg("enterprise %s: %s", name, e.msg);
    return id;
}

/* A fresh context on backend u: migrated, the org tables and enterprises cleared, the small city in. */
static inline void fx_open(fx *x, int u) {
    memset(x, 0, sizeof *x);
    err e;
    int applied = 0;
    if (db_open(fx_urls[u], &x->d, &e) || db_migrate(x->d, &applied, &e)) fail_msg("open %s: %s", fx_urls[u], e.msg);
    /* the registry first: its rows point at organizations and enterprises (the
       member store's tests share this database and fixture) */
    /* the meetings first: they point at organizations and people (test_meeting_store shares this fixture) */
    /* the notices first of all: their recipients point at people and organizations */
    /* study hours point at people */
    /* exams: attempts point at people, exams at banks */
    fx_exec(x, "DELETE FROM exam_pass; DELETE FROM exam_attempt_question; DELETE FROM exam_attempt; DELETE FROM exam; "
               "DELETE FROM exam_question; DELETE FROM exam_bank");
    fx_exec(x, "DELETE FROM study_org_cat; DELETE FROM study_org_year; DELETE FROM study_progress_basis; DELETE FROM study_credit; DELETE FROM study_year");
    fx_exec(x, "DELETE FROM course_session; DELETE FROM course_progress; DELETE FROM course_offline; DELETE FROM course");   /* courses (0056) */
    fx_exec(x, "DELETE FROM training_attendance; DELETE FROM training_attendee; DELETE FROM training_session; "
               "DELETE FROM training_batch; DELETE FROM training_cert_seq");   /* 轮训 (issue 16): before people */
    /* 内容预审 (issue 19): findings point at assignments and checklist entries, items at groups, all at people and enterprises;
       the city's default checklist stays (version 1, in use) */
    fx_exec(x, "DELETE FROM review_reason; DELETE FROM review_finding; DELETE FROM review_assign; DELETE FROM review_file; "
               "DELETE FROM review_item; DELETE FROM review_member; DELETE FROM review_group; "
               "DELETE FROM review_check WHERE checklist_id IN (SELECT id FROM review_checklist WHERE enterprise_id IS NOT NULL OR version > 1); "
               "DELETE FROM review_checklist WHERE enterprise_id IS NOT NULL OR version > 1; UPDATE review_checklist SET current = 1");
    fx_exec(x, "DELETE FROM transfer_step; DELETE FROM transfer; DELETE FROM transfer_counter");
    fx_exec(x, "DELETE FROM notice_recipient; DELETE FROM notice");
    /* dues: lines and the months paid point at sheets and payments, all at people */
    fx_exec(x, "DELETE FROM dues_bank_line; DELETE FROM dues_bank_import");   /* before the payments they name */
    fx_exec(x, "DELETE FROM dues_line; DELETE FROM dues_paid; DELETE FROM dues_sheet; DELETE FROM dues_payment; "
               "DELETE FROM dues_receipt_seq; DELETE FROM dues_relief; DELETE FROM dues_base");
    fx_exec(x, "DELETE FROM meeting_month; DELETE FROM meeting_last; DELETE FROM meeting_photo; DELETE FROM meeting_amendment; DELETE FROM meeting_attendee; DELETE FROM meeting");
    /* developing new members before the registry: applicants point at organizations and people */
    fx_exec(x, "DELETE FROM develop_document; DELETE FROM develop_due; DELETE FROM develop_record; DELETE FROM develop_applicant");
    fx_exec(x, "DELETE FROM alliance_activity_file; DELETE FROM alliance_activity_person; DELETE FROM alliance_activity_org; "
               "DELETE FROM alliance_activity; DELETE FROM alliance_member; DELETE FROM alliance");   /* 党建联盟 (issue 23) */
    fx_exec(x, "DELETE FROM volunteer_signup; DELETE FROM volunteer_activity; DELETE FROM volunteer_member; "
               "DELETE FROM volunteer_team");   /* 志愿服务 (issue 18): before people and organizations */
    fx_exec(x, "DELETE FROM center_booking; DELETE FROM center_room; DELETE FROM center");   /* 党群服务中心 (issue 19): bookings point at organizations */
    fx_exec(x, "DELETE FROM assess_row; DELETE FROM assess");   /* 责任考核 (issue 23): snapshots, no links to other tables */
    /* 星级评定、星级权益 (issue 18): rows and applications point at organizations */
    fx_exec(x, "DELETE FROM benefit_alloc_row; DELETE FROM benefit_alloc; DELETE FROM benefit_app; DELETE FROM benefit; "
               "DELETE FROM star_row; DELETE FROM star_rating");
    fx_exec(x, "DELETE FROM org_post; DELETE FROM org_election");   /* issue 23: posts point at people and organizations */
    fx_exec(x, "DELETE FROM member_flow");   /* 流动党员 (issue 17): points at people and organizations */
    /* points (issue 18): lines point at rules, claims and activity rows; claims at rules and activity rows */
    fx_exec(x, "DELETE FROM points_total; DELETE FROM points_line; DELETE FROM points_claim; "
               "DELETE FROM points_rule WHERE version_id IN (SELECT id FROM points_rule_version WHERE effective_from <> '2020-01-01'); "
               "DELETE FROM points_rule_version WHERE effective_from <> '2020-01-01'; "
               "UPDATE points_rule_version SET effective_until = NULL; DELETE FROM meta WHERE key = 'points-watermark'");
    fx_exec(x, "DELETE FROM activity; DELETE FROM member_event; DELETE FROM member_span; DELETE FROM member; "
               "DELETE FROM person; DELETE FROM member_tally; DELETE FROM roster_problem; DELETE FROM roster_import");
    /* leaders' links, visits and problems point at enterprises and accounts (issue 23, liaison) */
    fx_exec(x, "DELETE FROM liaison_problem; DELETE FROM liaison_visit; DELETE FROM liaison_link");
    /* the register's events and the feed's proposals point at enterprises (issue 23) */
    fx_exec(x, "DELETE FROM enterprise_coord");   /* the map's coordinates (issue 19): point at enterprises */
    fx_exec(x, "DELETE FROM enterprise_place");   /* the enterprises' earlier places (issue 23, 0073) */
    fx_exec(x, "DELETE FROM register_proposal; DELETE FROM register_feed; DELETE FROM enterprise_event; "
               "UPDATE enterprise SET merged_into = NULL");
    fx_exec(x, "DELETE FROM bulletin; DELETE FROM org_event; DELETE FROM org_instructor; DELETE FROM org_cover; "
               "DELETE FROM org WHERE parent_id IS NOT NULL; DELETE FROM enterprise; "
               "INSERT INTO region(code, name, kind, parent_code) VALUES ('P9001', '测试园区', 'park', '350203') "
               "ON CONFLICT DO NOTHING");
    static const struct { const char *name, *district, *park; int members, zombie; } ents[] = {
        {"测试甲公司", "350203", "P9001", 5, 0}, {"测试乙公司", "350203", "P9001", 1, 0}, {"测试丙公司", "350203", "P9001", 2, 0},
        {"测试丁公司", "350203", NULL, 0, 0},     {"测试戊公司", "350206", NULL, 4, 0},    {"测试己公司", "350206", NULL, 0, 0},
        {"测试庚公司", "350206", NULL, 60, 0},    {"测试僵尸公司", "350203", NULL, 9, 1},
    };
    for (int i = 0; i < 8; i++) x->ent[i] = fx_add_ent(x, ents[i].name, ents[i].district, ents[i].park, ents[i].members, ents[i].zombie);
    /* the enterprises went in by plain INSERT: the kept coverage figures counted from them (covkept.h), as a bulk load does */
    int64_t groups = 0;
    if (covkept_store_rebuild(x->d, &groups, &e)) fail_msg("covkept rebuild: %s", e.msg);
    arena_init(&x->mem, 0);
    uc_cli(&x->c, x->d, &x->mem);
}

static inline void fx_close(fx *x) {
    arena_free(&x->mem);
    db_close(x->d);
}

static inline int64_t fx_ent(const fx *x, char letter) { return x->ent[letter == 'Z' ? 7 : letter - 'A']; }

/* The same actor bound to a district (a district office). */
static inline uc fx_scoped(const fx *x, const char *kind, const char *code) {
    uc c = x->c;
    c.who.scope_kind = kind;
    c.who.scope_code = code;
    return c;
}

static inline int64_t fx_count(fx *x, const char *sql) {
    int64_t n = -1;
    err e;
    if (db_query_int(x->d, &n, sql, &e, "")) fail_msg("%s: %s", sql, e.msg);
    return n;
}

static inline int64_t fx_audit_rows(fx *x) { return fx_count(x, "SELECT COUNT(*) FROM audit"); }

/* The newest audit row's action and object, "action object". */
static inline const char *fx_last_audit(fx *x) {
    static char out[256];
    json_t *rows = NULL;
    err e;
    if (db_query_json(x->d, &rows, "SELECT action, object, username FROM audit ORDER BY seq DESC LIMIT 1", &e, ""))
        fail_msg("audit: %s", e.msg);
    json_t *r = json_array_get(rows, 0);
    snprintf(out, sizeof out, "%s %s", json_string_value(json_object_get(r, "action")),
             json_string_value(json_object_get(r, "object")) ? json_string_value(json_object_get(r, "object")) : "-");
    json_decref(rows);
    return out;
}

#endif
