/* org_store — organizations, covers, instructors and their dated events in
 * the database (tables of migration 0030).
 *
 * Every write validates its input against the data (is the enterprise real,
 * not a zombie, not covered already; is the organization active on that
 * day; does a joint branch stay within its unit limit ...) and reports in
 * Chinese what is wrong, in which field, and what to do.  Every write also
 * records an org_event row with its day, so figures as of any date can be
 * traced to the events behind them.
 *
 * Functions named *_in run inside a transaction the caller holds (the demo
 * fills everything in one); the others open and commit their own. */
#ifndef EJIA_ORG_ORG_STORE_H
#define EJIA_ORG_ORG_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"
#include "org/org.h"

typedef struct org_new {
    const char *name, *kind;
    int64_t parent_id;           /* 0 = the park's, street's or district's 工委, else the city's */
    const char *district, *park, *street;   /* NULL = from the first enterprise */
    const char *based_on, *base_name;       /* joint ones: building / park / makerspace / street */
    const char *secretary;
    const char *committee;       /* JSON array text of names, NULL = no committee */
    const char *day;             /* established on */
    const int64_t *enterprises;  /* covered from that day */
    size_t n_enterprises;
    bool approved;               /* a higher committee approved it below the member threshold */
    const char *note, *actor;
} org_new;

st org_store_create(db *d, const org_new *o, int64_t *id, err *e);
st org_store_create_in(db *d, const org_new *o, int64_t *id, err *e);
/* Upgrade to 党总支 or 党委 (members must reach the threshold unless approved). */
st org_store_upgrade(db *d, int64_t id, const char *to_kind, const char *day, bool approved, const char *note,
                     const char *actor, err *e);
st org_store_upgrade_in(db *d, int64_t id, const char *to_kind, const char *day, bool approved,
                        const char *note, const char *actor, err *e);
/* Merge id into `into`: its enterprises move to `into` on day; id stops. */
st org_store_merge(db *d, int64_t id, int64_t into, const char *day, const char *note, const char *actor, err *e);
st org_store_merge_in(db *d, int64_t id, int64_t into, const char *day, const char *note, const char *actor,
                      err *e);
/* Split: a new organization (o, parent defaults to id's parent) takes
 * o->enterprises, which id covers today, from day on. */
st org_store_split(db *d, int64_t id, const org_new *o, int64_t *new_id, err *e);
st org_store_dissolve(db *d, int64_t id, const char *day, const char *note, const char *actor, err *e);
st org_store_dissolve_in(db *d, int64_t id, const char *day, const char *note, const char *actor, err *e);
st org_store_cover_add(db *d, int64_t id, int64_t enterprise, const char *day, const char *actor, err *e);
st org_store_cover_remove(db *d, int64_t id, int64_t enterprise, const char *day, const char *note,
                          const char *actor, err *e);
st org_store_cover_remove_in(db *d, int64_t id, int64_t enterprise, const char *day, const char *note,
                             const char *actor, err *e);
st org_store_instructor_assign(db *d, int64_t enterprise, const char *name, const char *phone, int64_t org_id,
                               const char *day, const char *actor, int64_t *id, err *e);
st org_store_instructor_assign_in(db *d, int64_t enterprise, const char *name, const char *phone,
                                  int64_t org_id, const char *day, const char *actor, int64_t *id, err *e);
st org_store_instructor_withdraw(db *d, int64_t id, const char *day, const char *note, const char *actor, err *e);
st org_store_instructor_withdraw_in(db *d, int64_t id, const char *day, const char *note, const char *actor,
                                    err *e);

/* One organization as of day (NULL = today): row, members, covers, children, events. */
st org_store_get(db *d, int64_t id, const char *day, json_t **out, err *e);
/* The events of one organization or one enterprise (0 = any), between days (NULL = open);
 * order: ORDER BY terms over the item columns as q.* (trusted), NULL for day then id. */
st org_store_events(db *d, int64_t org_id, int64_t enterprise_id, const char *district, const char *from,
                    const char *to, const char *kind, const char *scope_k, const char *scope_c, const char *order,
                    int64_t limit, int64_t offset, json_t **items, int64_t *total, err *e);

/* An instructor's phone in full (for a permitted, audited reveal); *phone
 * malloc'ed, NULL when none was given. */
st org_store_instructor_phone(db *d, int64_t id, char **phone, err *e);
/* Seal the phones of instructors stored before encryption (start-up); *done rows. */
st org_store_pii_upgrade(db *d, int64_t *done, err *e);

#endif
