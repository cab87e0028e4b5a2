/* member_store — the registry in the database (migration 0040): every
 * register, edit and change is one audited use case (base/uc.h); lists,
 * detail, statistics and the member's own page read through the caller's
 * scope.  All of the registry's SQL is here. */
#ifndef EJIA_MEMBER_MEMBER_STORE_H
#define EJIA_MEMBER_MEMBER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"
#include "member/member.h"
#include "member/tally.h"

/* The keyed hash a person is found by (hex, out 33 bytes) of a normalised
 * 18-character ID number; needs the field key (crypt_init). */
st member_id_key(const char *id18, char out[33], err *e);

/* Register a person and their membership (audited "member.register").
 * Refused: invalid input (ST_INVALID at the field), someone registered
 * already (ST_CONFLICT; the message names their organization, api code
 * "registered_elsewhere" or "already_registered"), an organization that
 * is not active or not inside the caller's scope.  *flags (may be NULL)
 * gets the warnings the registration was stored with (member_checked.flags,
 * in c's memory). */
st member_store_register(uc *c, const member_new *m, int64_t *person_id, const char **flags, err *e);

/* The registration's work inside a transaction the caller holds (a roster
 * import: one audited act for the whole file), m already checked into k; no
 * audit row; recount = update the enterprise's counts now (an import does
 * it once per enterprise at the end); the new member's counters go into t,
 * which the caller flushes (tally_store_flush) before it commits.  *wrote
 * (may be NULL) says whether anything was written: every refusal of the
 * person (invalid, registered already) comes before the first write, so a
 * refused row leaves nothing behind without a savepoint of its own. */
st member_store_register_in(uc *c, const member_new *m, const member_checked *k, bool recount, tally *t, int64_t *person,
                            bool *wrote, err *e);

/* The person's own data, corrected (audited "member.edit"): fields left NULL stay. */
typedef struct member_edit {
    const char *name, *id_number, *ethnicity, *education, *post, *phone;
    int64_t enterprise_id;        /* -1 = unchanged, 0 = none */
} member_edit;
st member_store_edit(uc *c, int64_t person_id, const member_edit *x, err *e);

/* A dated change of the membership (audited "member.change"): category
 * (with the full-member day when it becomes 正式党员), state, or a move to
 * another organization; one stretch closes on day and the next opens. */
typedef struct member_change {
    const char *day;              /* YYYY-MM-DD, not before the current stretch began, not after today */
    const char *category;         /* NULL = unchanged */
    const char *full_on;          /* with category 正式党员 (NULL = day) */
    const char *state;            /* NULL = unchanged */
    int64_t org_id;               /* 0 = unchanged */
    const char *note;
} member_change;
st member_store_change(uc *c, int64_t person_id, const member_change *x, err *e);
/* What other modules keep per member and must follow a change (the study
 * figures, study_progress_store_refile): called after the change, inside its
 * act.  The list is in app/routes.c (the registry cannot include them);
 * NULL-terminated. */
typedef st (*member_change_hook)(uc *c, int64_t person_id, err *e);
extern const member_change_hook member_change_hooks[];

/* One member: person (masked), membership, organization with its
 * secretary, warnings, and the dated events. */
st member_store_get(uc *c, int64_t person_id, json_t **out, err *e);
/* The full ID number and phone (audited "member.reveal"); caller frees. */
st member_store_reveal(uc *c, int64_t person_id, char **id18, char **phone, err *e);

/* Lists: the members inside the caller's scope that the filter keeps. */
typedef struct member_filter {
    int64_t org_id;               /* 0 = any; with its sub-organizations */
    const char *district, *park;  /* region codes */
    const char *category, *state;
    const char *joined_from, *joined_to;   /* YYYY-MM-DD, inclusive */
    const char *q;                /* part of a name, or a whole ID number */
    const char *as_of;            /* NULL = now; else the members of that day */
    bool reveal;                  /* the full ID number and phone (exports by those who may) */
    bool count;                   /* statistics: count the members even where counters would answer (tests) */
} member_filter;
st member_store_list(uc *c, const member_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);

/* Party statistics (党内统计) as of a day over the filter's members:
 * totals by category, gender, age band, education, ethnicity, 党龄 band,
 * and those who joined per year.  Today's figures for the city, a district
 * or a park come from the counters (member/tally.h, "source": "counters");
 * any other question is counted from the members ("source": "members"). */
st member_store_stats(uc *c, const member_filter *f, json_t **out, err *e);

/* The logged-in member's own page: person (masked), organization and its
 * secretary, category and dates; ST_NOT_FOUND when the account is linked to
 * no registered person. */
st member_store_me(uc *c, json_t **out, err *e);

/* ---- what the later modules read and write (meetings, development, study, dues, points) ---- */

/* One membership as of a day: the roll of a meeting, an introducer's standing. */
typedef struct member_standing {
    int64_t person_id, org_id;
    const char *name, *category, *state;   /* in c's memory */
    const char *joined_on, *full_on;       /* the membership's dates now (full_on NULL when none) */
    int64_t roll_org_id;                   /* the organization whose roll they are on that day: org_id,
                                              or the one managing them while a flow is open (流动党员) */
} member_standing;

/* The roll of one organization (not those below it) on day: the members
 * still in the party (member_state_counts), in pinyin order of name — its own
 * members but those a flow has another organization manage that day, and the
 * members of other organizations it manages that day (member_flow, see
 * flow/flow_store.h); *items in c's memory (NULL when none). */
st member_store_roll(uc *c, int64_t org_id, const char *day, member_standing **items, size_t *n, err *e);

/* One person's membership on day; ST_NOT_FOUND when they had none then. */
st member_store_standing(uc *c, int64_t person_id, const char *day, member_standing *out, err *e);

/* The registered person an account belongs to; ST_NOT_FOUND when none. */
st member_store_person_of_user(uc *c, int64_t user_id, int64_t *person_id, err *e);

/* One row of the activity log (append-only), written inside the caller's use
 * case: kind e.g. "meeting.attended", ref e.g. "meeting:12", value e.g. hours. */
typedef struct member_activity {
    int64_t person_id;            /* 0 = an organization's act */
    int64_t org_id;               /* 0 = none */
    const char *kind, *day, *ref;
    double value;
} member_activity;
st member_store_activity(uc *c, const member_activity *a, err *e);

/* A merge of the register (register_store_merge): the people whose enterprise
 * is from now work at into, each with a member event 'edited' dated day
 * (note in words); both enterprises' counts follow.  Runs inside the
 * caller's act (no act of its own).  *n the people moved. */
st member_store_enterprise_merge(uc *c, int64_t from, int64_t into, const char *day, const char *note, int64_t *n, err *e);
/* The enterprise counts the rules read (reg_members, reg_full_members) of
 * one enterprise, recomputed inside the caller's transaction. */
st member_store_recount(uc *c, int64_t enterprise_id, err *e);

/* Where a member sits, for the scope check (auth/scope.h). */
#include "auth/scope.h"
extern const scope_resolver member_scope_resolvers[];

#endif
