/* study_progress — who has reached their yearly study hours (学时; issue 16,
 * ../shared/docs/rules.md): every member at least study-required-hours (32)
 * a year, secretaries and committee members at least
 * study-required-lead-hours (56).  The pure rules; the SQL is in
 * study_progress_store.c.
 *
 * Who is a secretary or committee member is decided from what the registry
 * holds today (STUDY_LEAD_SQL): the member's name is their organization's
 * secretary (org.secretary) or in its committee (org.committee, a JSON array
 * of names), or the post they hold (person.post) names a 书记 or a 委员.
 * org.secretary and org.committee are today's posts of the organization
 * (org_post, committee/), rewritten by every change of a post, which also
 * refiles its holders' figures through the registry's change hooks
 * (committee_store.c, cm_follow).
 *
 * Who counts: members whose state is 正常, 流动 or 失联 (the states the
 * registry's statistics count), in the figures of their current
 * organization. */
#ifndef EJIA_STUDY_STUDY_PROGRESS_H
#define EJIA_STUDY_STUDY_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* SQL: true when member M (member row), of organization O (org row), person
 * P (person row) is a secretary or committee member. */
#define STUDY_LEAD_SQL(M, O, P)                                                                                      \
    "(COALESCE(" O ".secretary, '') = " M ".name OR COALESCE(" O ".committee, '') LIKE '%\"' || " M ".name || '\"%'" \
    " OR COALESCE(" P ".post, '') LIKE '%书记%' OR COALESCE(" P ".post, '') LIKE '%委员%')"
/* SQL: the states that count. */
#define STUDY_COUNTED_SQL(M) M ".state IN ('正常', '流动', '失联')"

/* The requirement in minutes (settings, in 学时; 1 学时 = 60 minutes). */
int64_t study_progress_required(bool lead);
/* The share reached, in ten-thousandths, rounded down; 0 when no member. */
int study_progress_share_bp(int64_t reached, int64_t members);
/* "87.5%" (one decimal) into buf. */
void study_progress_share_text(int bp, char *buf, int size);
/* Competition ranks (1, 1, 3 …) of n values already sorted best first
 * (higher is better): rank[i]. */
void study_progress_rank(const int64_t *values, int n, int *rank);

#endif
