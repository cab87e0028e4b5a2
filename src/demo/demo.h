/* demo — a believable Xiamen for trying ejia out: the six districts and their
 * streets (GB/T 2260), parks, a few hundred internet enterprises across the
 * six categories, and whatever later modules add through the step table in
 * demo.c.  Deterministic for a seed.  All in one transaction. */
#ifndef EJIA_DEMO_DEMO_H
#define EJIA_DEMO_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"
#include "db/db.h"

/* Deterministic PRNG (splitmix64) shared by the demo steps. */
typedef struct demo_rng { uint64_t s; } demo_rng;
uint64_t demo_next(demo_rng *r);
int demo_range(demo_rng *r, int lo, int hi);   /* inclusive */
/* A valid 18-digit resident ID number of someone born in district `region` (6 digits) on `birth`
 * (YYYY-MM-DD), a man or a woman by the 17th digit (out 19 bytes). */
void demo_id_number(demo_rng *r, const char *region, const char *birth, bool male, char out[19]);

typedef struct demo_ctx {
    db *d;
    uc use;                 /* the demo acts as user "demo" through the same stores (set by demo_fill) */
    arena mem;              /* the demo's memory (uc.mem), freed by demo_fill */
    demo_rng rng;
    int enterprises;        /* how many to make */
    bool no_bulletins;      /* leave the campaign's 旬 bulletins unissued (tests that issue them) */
    void (*say)(const char *line);   /* prints one-time passwords etc.; NULL = quiet */
} demo_ctx;

/* True when the database has no enterprises yet (a fresh database). */
st demo_is_empty(db *d, int *empty, err *e);
/* Fill; fails with ST_CONFLICT when the database already holds data. */
st demo_fill(demo_ctx *c, err *e);
/* The party-member registry (demo_members.c): a step of demo_fill. */
st demo_members_fill(demo_ctx *c, err *e);
/* A year of meetings in the demo branches (demo_meetings.c), a transaction per branch; run by demo_fill after its commit. */
st demo_meetings_fill(demo_ctx *c, err *e);
/* Applicants for membership in every stage (demo_develop.c): a step of demo_fill. */
st demo_develop_fill(demo_ctx *c, err *e);
/* A few notices from the city, a district and a branch (demo_notices.c); run by demo_fill after the meetings. */
st demo_notices_fill(demo_ctx *c, err *e);
/* A few organization-relation transfers in each state (demo_transfers.c); run by demo_fill after the notices. */
st demo_transfers_fill(demo_ctx *c, err *e);
/* Party dues: bases, reliefs, seven months of payments and sheets (demo_dues.c); run by demo_fill after the notices. */
st demo_dues_fill(demo_ctx *c, err *e);
/* A couple of 流动党员 (demo_flows.c); run by demo_fill after the notices. */
st demo_flows_fill(demo_ctx *c, err *e);
/* A question bank on the party constitution and an open exam (demo_exam.c); run by demo_fill after the dues. */
st demo_exam_fill(demo_ctx *c, err *e);
/* The market regulator's registrations after the campaign, left for a person to decide (demo_register.c, issue 23). */
st demo_register_fill(demo_ctx *c, err *e);
/* The committees and terms of the demo organizations (demo_org_people.c); run by demo_fill after the dues. */
st demo_org_people_fill(demo_ctx *c, err *e);
/* This year's study hours, some reached, some not (demo_study_progress.c); after the dues. */
st demo_study_progress_fill(demo_ctx *c, err *e);
/* A small course library and some study hours (demo_study.c); run by demo_fill after the flows. */
st demo_study_fill(demo_ctx *c, err *e);
/* 领导挂钩联系: a few leaders' links and visits, one problem overdue, one closed (demo_liaison.c, issue 23). */
st demo_liaison_fill(demo_ctx *c, err *e);
/* The city's training batches (轮训, demo_training.c); run by demo_fill after the transfers. */
st demo_training_fill(demo_ctx *c, err *e);
/* Content pre-review in the demo investor's enterprise (demo_review.c, issue 19); after the training. */
st demo_review_fill(demo_ctx *c, err *e);
/* Last year's responsibility assessment published and this year's as a draft (demo_assess.c, issue 23); last of all. */
st demo_assess_fill(demo_ctx *c, err *e);
/* Star ratings (last year published, this year a draft) and four benefits with applications (demo_stars.c, issue 18). */
st demo_stars_fill(demo_ctx *c, err *e);
/* Points: a claim approved, one pending, the engine over the whole activity log (demo_points.c); last. */
st demo_points_fill(demo_ctx *c, err *e);
/* The ledger campaign over the demo enterprises (demo_ledger.c); run by demo_fill after its commit. */
st demo_ledger_campaign(demo_ctx *c, err *e);
/* demo_map.c: coordinates for the map (issue 19), after the ledger campaign */
st demo_map_fill(demo_ctx *c, err *e);

/* Three 党建联盟 with their joint activities (demo_alliance.c, issue 23); after the organizations' people. */
st demo_alliance_fill(demo_ctx *c, err *e);
/* 党群服务中心, rooms and bookings (issue 19; demo_center.c). */
st demo_center_fill(demo_ctx *c, err *e);

/* 志愿服务 (demo_volunteer.c, issue 18): teams, a past activity with confirmed hours, two upcoming; before the points. */
st demo_volunteer_fill(demo_ctx *c, err *e);

#endif
