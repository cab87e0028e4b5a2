/* committee — organizations' people and terms (issue 23), the pure rules:
 * the posts of a committee, who may hold one, the length of a term by the
 * organization's kind, its end and whether it is overdue.  No SQL, no HTTP;
 * committee_store.h has the use cases.
 *
 * A post (书记, 副书记, 组织委员, 宣传委员, 纪检委员, 青年委员, 统战委员, 委员)
 * is held by a registry member from a day to a day.  Its holder must be a
 * 正式党员 of that organization on the day it starts (《中国共产党支部工作条例
 * （试行）》: 支部委员会由党员大会选举产生，委员须为正式党员).  A term runs
 * org-term-years-party years for a 党委, org-term-years-general for a 党总支,
 * org-term-years-branch for a 党支部 or 联合党支部 (settings); a 工委 or a
 * 临时党支部 has none.  It starts on the election day (or, when none was
 * recorded, the day the organization was established) and runs out on the
 * same calendar day term-years later (29 February: the 28th); from the next
 * day it is overdue (换届提醒) until an election is recorded. */
#ifndef EJIA_COMMITTEE_COMMITTEE_H
#define EJIA_COMMITTEE_COMMITTEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* The posts, in the order a committee is listed. */
extern const char *const committee_posts[];   /* NULL-terminated */
bool committee_post_ok(const char *post);
int committee_post_rank(const char *post);    /* 0 书记, 1 副书记, … ; 99 unknown */

/* The years of a term for an organization kind (settings); 0 = no term. */
int committee_term_years(const char *org_kind);
/* day + years (YYYY-MM-DD; 29 February becomes the 28th); false when day is no day. */
bool committee_term_end(const char *day, int years, char out[11]);

/* A term's state on today: "overdue" (term_end < today), "due" (within
 * remind_days of today, inclusive), "ok". */
const char *committee_term_status(const char *term_end, const char *today, int remind_days);
/* Whole days from a to b (b - a); both valid days. */
int committee_days_between(const char *a, const char *b);

/* Who may hold a post on day: the person's standing on that day as the
 * registry says it (member: they had a membership that day; org_id its
 * organization; category, state).  Refused (ST_INVALID, field person_id)
 * with the rule named in Chinese. */
typedef struct committee_holder {
    const char *name;          /* the person's name */
    bool member;               /* a membership on the day */
    int64_t org_id;            /* its organization */
    const char *org_name;      /* its organization's name (for the message) */
    const char *category;      /* 正式党员 / 预备党员 */
    const char *state;         /* 正常, 流动, 失联, 停止党籍, 出党, 去世 */
} committee_holder;
st committee_holder_check(const committee_holder *h, int64_t org_id, const char *org_name, const char *post, const char *day,
                          err *e);

/* The rule, as shown with a refusal and on the page. */
#define COMMITTEE_RULE "任职规则：支部委员会（党委、党总支委员会）委员须为本组织的正式党员（《中国共产党支部工作条例（试行）》）"

#endif
