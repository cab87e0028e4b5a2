/* org_store — organizations, covers, instructors, their dated events and
 * the findings over a scope, in the database (tables of migrations 0030 and
 * 0031).  The only place with the org module's SQL:
 *   org_store.c             the writes: organizations formed, upgraded, merged, split, dissolved; covers
 *   org_store_read.c        one organization, the lists (organizations, events), region names
 *   org_store_instructor.c  instructors: assigned, withdrawn, listed, their phones
 *   org_store_findings.c    what the formation rules (findings.c) need, loaded for a scope in one pass
 *
 * Every function takes the use case's context first.  Every write is one
 * audited use case (uc_begin … uc_end, action "org.…" or "instructor.…",
 * object "org:<id>" or "instructor:<id>"); transactions nest, so the demo
 * runs these same functions inside its own.  Writes validate their input
 * against the data (is the enterprise real, not a zombie, not covered
 * already; is the organization active on that day; does a joint branch stay
 * within its unit limit ...) and say in Chinese what is wrong, in which
 * field, and what to do.  Every write also records an org_event row with its
 * day and actor, so figures as of any date can be traced to the events
 * behind them.  Lists and findings keep to the caller's scope (scope_bind). */
#ifndef EJIA_ORG_ORG_STORE_H
#define EJIA_ORG_ORG_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"
#include "org/findings.h"
#include "org/org.h"

/* ---- writes (org_store.c, org_store_instructor.c): one audited use case each ---- */

/* org.create: a new organization covering o->enterprises from o->day. */
st org_store_create(uc *c, const org_new *o, int64_t *id, err *e);
/* org.upgrade: to 党总支 or 党委 (members must reach the threshold unless approved). */
st org_store_upgrade(uc *c, int64_t id, const char *to_kind, const char *day, bool approved, const char *note, err *e);
/* org.merge: id's enterprises move to `into` on day; id stops. */
st org_store_merge(uc *c, int64_t id, int64_t into, const char *day, const char *note, err *e);
/* org.split: a new organization (o; parent and district default to id's)
 * takes o->enterprises, which id covers on o->day, from that day on. */
st org_store_split(uc *c, int64_t id, const org_new *o, int64_t *new_id, err *e);
/* org.dissolve: its covers end on day (it must have no active children). */
st org_store_dissolve(uc *c, int64_t id, const char *day, const char *note, err *e);
/* org.cover_add / org.cover_remove: one enterprise more or less, from day. */
st org_store_cover_add(uc *c, int64_t id, int64_t enterprise, const char *day, err *e);
st org_store_cover_remove(uc *c, int64_t id, int64_t enterprise, const char *day, const char *note, err *e);
/* instructor.assign: a party-building instructor for an enterprise from day
 * (phone checked and sealed; org_id 0 = none named); *id the new one's. */
st org_store_instructor_assign(uc *c, int64_t enterprise, const char *name, const char *phone, int64_t org_id,
                               const char *day, int64_t *id, err *e);
/* instructor.withdraw: the instructor's assignment ends on day. */
st org_store_instructor_withdraw(uc *c, int64_t id, const char *day, const char *note, err *e);

/* ---- reads (org_store_read.c, org_store_instructor.c) ---- */

/* One organization as of day (NULL = today): row, members, units, findings,
 * covers, cover history, children, events. */
st org_store_get(uc *c, int64_t id, const char *day, json_t **out, err *e);
/* Its parent's id (0 for the root); ST_NOT_FOUND when there is no such organization. */
st org_store_parent(uc *c, int64_t id, int64_t *parent, err *e);

/* The organization list: day (as of), kind, district, q (part of the name),
 * status "active" (on day) or "all"; parent_id: its children only; roots:
 * the top organizations of the caller's scope (no parent, or a parent
 * outside it).  NULL = any. */
typedef struct org_filter {
    const char *day, *kind, *district, *q, *status;
    int64_t parent_id;
    bool roots;
} org_filter;
st org_store_list(uc *c, const org_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e);

/* The events of one organization or enterprise (0 = any), of a district and
 * kind, between days (NULL = open); default order day, then id. */
typedef struct org_event_filter {
    int64_t org_id, enterprise_id;
    const char *district, *from, *to, *kind;
} org_event_filter;
st org_store_events(uc *c, const org_event_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e);

/* Instructors of a district (NULL = any), status "active" on day or "all";
 * phones masked. */
typedef struct org_instructor_filter { const char *day, *district, *status; } org_instructor_filter;
st org_store_instructors(uc *c, const org_instructor_filter *f, const uc_page *pg, json_t **items, int64_t *total,
                         err *e);
/* One assignment {id, enterprise_id, org_id, name, phone (masked), from_day, to_day}. */
st org_store_instructor_get(uc *c, int64_t id, json_t **row, err *e);
/* The enterprise an assignment belongs to; ST_NOT_FOUND when there is none. */
st org_store_instructor_enterprise(uc *c, int64_t id, int64_t *enterprise, err *e);
/* An instructor's phone in full (for a permitted, audited reveal); *phone
 * malloc'ed, NULL when none was given. */
st org_store_instructor_phone(uc *c, int64_t id, char **phone, err *e);
/* Seal the phones of instructors stored before encryption: a data upgrade
 * run at start-up (serve, migrate), before any use case; *done rows. */
st org_store_pii_upgrade(db *d, int64_t *done, err *e);

/* The name of the caller's whole scope: their district or park, else the
 * city (arena memory). */
const char *org_store_scope_name(uc *c);
/* Every region's name by its code: {code: name}. */
st org_store_region_names(uc *c, json_t **names, err *e);

/* ---- findings (org_store_findings.c, rules in findings.c) ---- */

/* The formation rules as of day over the caller's scope (and one district,
 * NULL = all); see org_findings_json for the shape.  max_items caps each list
 * (0 = all). */
st org_store_findings(uc *c, const char *day, const char *district, size_t max_items, json_t **out, err *e);
/* Per district of the caller's scope: open findings and 应建未建 as of day
 * (for the bulletin); arena memory. */
st org_store_findings_by_district(uc *c, const char *day, org_district_count **out, size_t *n, err *e);

#endif
