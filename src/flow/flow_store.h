/* flow_store — 流动党员 in the database (migration 0052): outflows registered
 * by the member's organization, inflows by the receiving one, returns; the
 * lists and counts each side sees; the overdue count of the reminders; and
 * the managing organization of a day that the meeting rolls and the dues
 * sheets read.  Every write is one audited use case (base/uc.h); all of the
 * module's SQL is here.
 *
 * The table, for the queries of other modules that join it set-based
 * (a month's dues sheets for a whole city):
 *
 *   member_flow(id, person_id, home_org_id, manager_org_id, dest_org_id,
 *               from_day, expect_day, to_day, …)
 *
 * A flow counts on day D when `from_day <= D AND (to_day IS NULL OR to_day >
 * D)`; at most one flow of a person counts on any day (a new one opens only
 * when the last has closed, on or after its return day).  manager_org_id is
 * never NULL: the organization managing the member on those days (the home
 * organization itself when they went where the system has no organization).
 * The organization a member is counted at on day D is therefore
 *
 *   COALESCE((SELECT f.manager_org_id FROM member_flow f
 *             WHERE f.person_id = s.person_id AND f.from_day <= D
 *               AND (f.to_day IS NULL OR f.to_day > D)), s.org_id)
 *
 * over their membership stretch s of that day (member_span), or, set-based,
 * `LEFT JOIN member_flow f ON f.person_id = s.person_id AND f.from_day <= D
 * AND (f.to_day IS NULL OR f.to_day > D)` and `COALESCE(f.manager_org_id,
 * s.org_id)` (index member_flow_person(person_id, from_day)); the managing
 * organization's place is on the row too (manager_path, manager_district,
 * manager_park) for a scope condition, so no join to org is needed.  A month's
 * sheet takes for D the day it reads the registry on (dues_store.c: the
 * month's last day, or today for this month). */
#ifndef EJIA_FLOW_FLOW_STORE_H
#define EJIA_FLOW_FLOW_STORE_H

#include <jansson.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "flow/flow.h"

/* What a registration brings (outflow or inflow). */
typedef struct flow_new {
    int64_t person_id;           /* outflow: the member (inside the caller's scope) */
    const char *id_number;       /* inflow: the member found by ID number … */
    const char *name;            /* … and name (both must match the registry) */
    int64_t org_id;              /* outflow: the receiving organization in the system (0 = none);
                                    inflow: the managing (receiving) organization, inside the caller's scope */
    const char *place;           /* where, in words (outflow: required unless org_id; inflow: default the organization's name) */
    const char *reason;          /* flow_reasons */
    const char *from_day, *expect_day;
    const char *contact;         /* a phone (sealed) or other contact kept; may be NULL */
    const char *card_no;         /* 流动党员活动证 number; may be NULL */
    const char *note;
} flow_new;

/* An outflow registered by the member's organization (audited "flow.out"):
 * the member must be 正常 (or 流动 with no open flow); their registry state
 * becomes 流动 on from_day (member_store_change, as a part of this act). */
st flow_store_out(uc *c, const flow_new *x, int64_t *id, err *e);

/* An inflow registered by the receiving organization (audited "flow.in"):
 * the member is found by ID number (member_id_key) and name; one not in the
 * registry is refused (register them, or transfer their membership).  A
 * flow open already and managed by the home organization is closed on
 * from_day and this one opens (the receiving side takes over); one managed by
 * another organization is refused. */
st flow_store_in(uc *c, const flow_new *x, int64_t *id, err *e);

/* The member came back (audited "flow.return"): the flow closes on day and the
 * registry state is 正常 again from that day (when it was 流动). */
st flow_store_return(uc *c, int64_t id, const char *day, const char *note, err *e);

/* The person's membership moved while a flow was open (a transfer accepted,
 * a letter's receipt recorded): the flow closes on day (ended handed_over,
 * note kept as its return note), since the new organization manages them
 * from then on.  No act of its own: the caller's act covers it (run inside
 * it); the registry state is the caller's to set.  *closed says whether one
 * was open. */
st flow_store_close_on_move(uc *c, int64_t person_id, const char *day, const char *note, bool *closed, err *e);

/* One flow as the lists show it. */
st flow_store_get(uc *c, int64_t id, json_t **out, err *e);

/* Lists: the flows inside the caller's scope (on either side); each row says
 * whether its home organization is inside the caller's scope (home_side 1:
 * the side that records the return). */
typedef struct flow_filter {
    int64_t org_id;              /* 0 = any; else that organization and those below it */
    const char *side;            /* NULL both, "out" its members gone elsewhere, "in" others' members it manages */
    const char *status;          /* NULL any, "open", "overdue" (open, expected return passed), "returned" */
    const char *q;               /* part of a name */
} flow_filter;
st flow_store_list(uc *c, const flow_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);

/* An organization's figures (its page): out_open, out_overdue, in_open,
 * in_overdue, returned (this organization's own, not those below). */
st flow_store_counts(uc *c, int64_t org_id, json_t **out, err *e);

/* The reminders: open flows whose expected return passed, inside the
 * caller's scope on either side (home or managing organization). */
st flow_store_overdue_count(uc *c, int64_t *n, err *e);

/* The organization managing person_id on day: the open flow's, or their
 * own organization's that day (ST_NOT_FOUND when they were no member). */
st flow_store_manager_at(uc *c, int64_t person_id, const char *day, int64_t *org_id, err *e);

/* Active organizations of the whole system whose name contains q (at most
 * 20): where a member goes, picked from outside the caller's scope. */
st flow_store_orgs(uc *c, const char *q, json_t **out, err *e);

/* A flow sits where the member's home organization is ("flow"). */
extern const scope_resolver flow_scope_resolvers[];

#endif
