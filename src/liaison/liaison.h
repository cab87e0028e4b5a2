/* liaison — 领导挂钩联系 (issue 23), the pure rules: who may link which
 * leader to which enterprise, who may record a visit, a problem's default
 * due day and how many days it is overdue.  No SQL, no HTTP;
 * liaison_store.h has the use cases.
 *
 * A leader is a user account of the city or of a district (role city or
 * district), linked to enterprises of the register from a day to a day (the
 * link holds on D when from_day <= D < to_day, and only while the enterprise
 * is in the register).  The city links any leader to any enterprise; a
 * district office only its own district's leaders, to enterprises in its
 * scope.  A visit (走访) is recorded by the linked leader themself, or by the
 * city on their behalf; each problem raised has a follow-up (what, by whom)
 * and a due day (liaison-problem-due-days after the visit unless given), and
 * is closed by the leader or an office (city, or the district in scope).
 * A problem is overdue from the day after its due day until it is closed. */
#ifndef EJIA_LIAISON_LIAISON_H
#define EJIA_LIAISON_LIAISON_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"

/* Whole days from a to b (b - a); both valid days. */
int liaison_days_between(const char *a, const char *b);
/* How many days a problem due on due_day and still open is overdue on today
 * (0 when not yet: today <= due_day). */
int liaison_days_over(const char *due_day, const char *today);
/* The default due day of a problem raised on day: day + liaison-problem-due-days. */
void liaison_due_default(const char *day, char out[11]);

/* The caller and the leader as the rules see them. */
typedef struct liaison_actor {
    int64_t user_id;
    const char *scope_kind, *scope_code;   /* "city", "district" (others may not write) */
} liaison_actor;
typedef struct liaison_leader {
    int64_t id;
    const char *name, *role, *scope_code;  /* role city or district; scope_code its district */
    bool disabled;
} liaison_leader;

/* May the actor link (or end the link of) this leader?  Refused
 * (ST_INVALID on leader_id, or ST_FORBIDDEN) with the rule in Chinese. */
st liaison_leader_check(const liaison_actor *a, const liaison_leader *l, err *e);
/* May the actor record a visit for the leader (themself, or the city)? */
st liaison_visit_check(const liaison_actor *a, int64_t leader_id, const char *leader_name, err *e);
/* May the actor close a problem raised at the leader's visit (the leader, or an office)? */
st liaison_close_check(const liaison_actor *a, int64_t leader_id, err *e);

#define LIAISON_RULE "挂钩规则：市委组织部可为市、区领导挂钩任一企业；区委组织部只能为本区领导挂钩本区企业；走访由挂钩领导本人登记（或市委组织部代为登记）"

#endif
