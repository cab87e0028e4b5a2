/* points_store — the points ledger in the database (migration 0066; the pure
 * rules in points.h).  All of the module's SQL is here.
 *
 * The engine (points_store_run) reads the activity log past a watermark
 * (meta 'points-watermark': the last activity id read), applies to each row
 * the rule of the version in force on the row's day and the caps, appends
 * the lines (one INSERT … SELECT with a window over the subject's lines of
 * the same code and cap period, in activity id order, the raw sum of the
 * earlier lines of that key added) and the period totals the rankings read.
 * Rows of a rule that needs approval become pending claims instead.  On
 * PostgreSQL the run (and every decision) first takes SHARE ROW EXCLUSIVE on
 * activity, so every row below the watermark it sets has committed (a
 * writer's sequence number is taken before its commit) and appends to the
 * ledger go one at a time; SQLite has one writer anyway.
 *
 * Recomputing from the log and the decided claims gives the stored ledger
 * (points_store_verify compares both ways: the lines that should be there and
 * are not, and the lines that are there and should not be). */
#ifndef EJIA_POINTS_POINTS_STORE_H
#define EJIA_POINTS_POINTS_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "points/points.h"

/* One run of the engine (audited "points.run" when it read anything):
 * *lines appended, *claims created for rules needing approval. */
st points_store_run(uc *c, int64_t *lines, int64_t *claims, err *e);
/* The same, asked by a person (the route, the CLI): audited even when the log
 * has nothing new (the act says it read nothing); points_store_run, for the
 * timer, writes nothing then. */
st points_store_run_as(uc *c, bool asked, int64_t *lines, int64_t *claims, err *e);
/* The whole ledger thrown away and computed again from the log and the
 * decided claims (audited "points.rebuild"; the command line's, and the
 * bench's full recompute). */
st points_store_rebuild(uc *c, int64_t *lines, err *e);
/* Recompute and compare: *missing lines the log gives that the ledger lacks,
 * *extra lines the ledger has that the log does not give (both 0: equal). */
st points_store_verify(uc *c, int64_t *missing, int64_t *extra, err *e);

/* The versions of the rules, newest first, each with its rules. */
st points_store_rules(uc *c, json_t **out, err *e);
/* A new version from day `from` (after today and after every day already
 * counted), rules a JSON array of {code, name, subject, source, kind, unit,
 * points (hundredths), cap (hundredths or null), cap_period, approval}
 * (audited "points.rule"); the version before ends the day before. */
st points_store_version_add(uc *c, const char *from, const char *note, json_t *rules, int64_t *id, err *e);

/* A claim for what the log cannot see (audited "points.claim"): by the member
 * for themself (person_id 0 = the caller's person) or by an officer in scope
 * for a member or an organization; evidence a file kept by content. */
typedef struct points_claim_new {
    const char *subject;      /* "member" | "org" */
    int64_t subject_id;       /* person id or org id; 0 with self = the caller */
    const char *code;         /* a claim rule's code, e.g. "claim.award" */
    const char *day;          /* when it happened (NULL = today) */
    const char *title;
    const char *evidence_path, *evidence_name;   /* NULL = none */
} points_claim_new;
st points_store_claim_submit(uc *c, const points_claim_new *n, bool self, int64_t *id, err *e);
/* Approve or refuse a pending claim (audited "points.decide"); a reason is
 * required to refuse.  Approved: its line appended (the rule's points, the cap). */
st points_store_claim_decide(uc *c, int64_t id, bool approve, const char *reason, err *e);
/* A deduction with a reason (audited "points.deduct"): points in hundredths (> 0, taken off). */
st points_store_deduct(uc *c, const char *subject, int64_t subject_id, const char *day, int64_t points, const char *reason,
                       int64_t *id, err *e);
/* One claim (ST_NOT_FOUND outside the caller's scope). */
st points_store_claim_get(uc *c, int64_t id, json_t **out, err *e);
/* The claim's evidence file to download (audited "points.evidence"). */
st points_store_claim_evidence(uc *c, int64_t id, const char **path, const char **mime, const char **name, err *e);
/* Claims of the caller's scope (state NULL = any), newest first. */
st points_store_claims(uc *c, const char *state, const uc_page *p, json_t **items, int64_t *total, err *e);

/* A subject's total for a period (points_period_parse) and every line behind it,
 * each with its rule, version, record and the page of that record. */
st points_store_lines(uc *c, const char *subject, int64_t subject_id, const char *period, json_t **out, err *e);
/* The caller's own (a member's account): the same, and their claims. */
st points_store_mine(uc *c, const char *period, json_t **out, err *e);

/* A ranking for a period: subject "member" (the members of org_id's tree, of
 * district, or of the city) or "org" (the organizations of district or the
 * city).  Ties: equal totals share a rank (1, 1, 3); among them, the one
 * whose last counted line is earlier comes first, then the lower id. */
typedef struct points_ranking_q {
    const char *subject, *period;
    int64_t org_id;           /* 0 = none */
    const char *district;     /* NULL = none */
} points_ranking_q;
st points_store_ranking(uc *c, const points_ranking_q *q, const uc_page *p, json_t **items, int64_t *total, err *e);

/* For other modules (责任考核, star ratings): a unit's points over the days
 * from..until (inclusive, "YYYY-MM-DD").  unit_kind "org" (unit = its id as
 * text: the organization's own lines, and with with_members its members'
 * lines while they are in its tree), "district" or "park" (unit = the
 * region code: the lines of the organizations there, with with_members also
 * their members') or "member" (unit = the person's id: their own lines).
 * *total in hundredths. */
st points_store_unit_total(uc *c, const char *unit_kind, const char *unit, const char *from, const char *until, bool with_members,
                           int64_t *total, err *e);

extern const scope_resolver points_scope_resolvers[];

#endif
