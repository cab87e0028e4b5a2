/* org_store_int — what the org store's files share among themselves (not
 * for other modules): an organization's and an enterprise's row, checked
 * for use on a day, the event log, members on a day. */
#ifndef EJIA_ORG_ORG_STORE_INT_H
#define EJIA_ORG_ORG_STORE_INT_H

/* An enterprise's full party members as the rules count them: the registry's
 * (kept on the enterprise by the member store) where it has registered
 * members, the ledger's number where it has none yet. */
#define ORG_ENT_MEMBERS "(CASE WHEN e.reg_members > 0 THEN e.reg_full_members ELSE COALESCE(e.members, 0) END)"

#include "org/org_store.h"

typedef struct org_row {
    int64_t id, parent_id;
    char kind[32], name[256], path[512], district[16], park[16], street[16];
    char established[12], dissolved[12];
    bool has_committee;
    bool no_secretary;   /* no 书记 written */
    int seats;           /* committee members named (org_seats_of) */
} org_row;

typedef struct org_entrow {
    int64_t id;
    char name[256], district[16], park[16], street[16];
    int members, employees, zombie;
} org_entrow;

/* One organization; ST_NOT_FOUND when there is none. */
st org_row_load(uc *c, int64_t id, org_row *o, err *e);
/* The organization (named by `field`) exists and is active on day. */
st org_active(uc *c, int64_t id, const char *day, const char *field, org_row *o, err *e);
/* An enterprise of the ledger (named by `field`), not a zombie. */
st org_ent_load(uc *c, int64_t id, const char *field, org_entrow *x, err *e);
/* One org_event row, by the use case's actor. */
typedef struct org_event_new {
    const char *day, *kind;
    int64_t org_id, enterprise_id, other_org_id;   /* 0 = none */
    const char *district, *from_kind, *to_kind, *note;
} org_event_new;
st org_event_add(uc *c, const org_event_new *v, err *e);
/* Full members of an organization and everything below it on day; units
 * (may be NULL): the enterprises it covers itself. */
st org_members_on(uc *c, const char *path, const char *day, int64_t *members, int64_t *units, err *e);
/* The party-member registry's counts of an organization and everything below
 * it on day: *full 正式党员, *all with 预备党员 (members still in the party). */
st org_registry_on(uc *c, const char *path, const char *day, int64_t *full, int64_t *all, err *e);
/* True when the registry holds anyone (until rosters are loaded its rules are silent). */
st org_registry_used(uc *c, bool *used, err *e);
/* Names in a committee's JSON array text (0 for NULL or not an array). */
int org_seats_of(const char *committee);

#endif
