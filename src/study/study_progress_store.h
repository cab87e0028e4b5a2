/* study_progress_store — the study-hours figures (学时完成情况) in the
 * database: who has reached their yearly requirement (study_progress.h), per
 * organization, district, park and the city, the minutes by category, the
 * members behind each figure, and the member's own hours.
 *
 * The figures read kept sums (migration 0059): study_year says where each
 * member's year is filed (org_id, NULL = not counted) and whether it reached
 * the requirement; study_org_year / study_org_cat hold each organization's
 * own members' reached count and minutes (by category).  They follow every
 * credit (study_credit_add calls study_progress_store_credit in the same
 * transaction), and a member's change of organization or state
 * (member_store_change calls study_progress_store_refile through
 * member_change_hooks, app/routes.c).  When the requirement settings change
 * (a restart) or credits were written around the store (the bench), the sums
 * are counted again from the credits at start (study_progress_store_upgrade).
 * Member counts (the denominators) come from the registry's counters
 * (member_tally) for the city, a district and a park, and from the members of
 * an organization below it.  study_progress_store_plain counts the same
 * figures straight from the credits (the test's check and the bench's peer).
 * Reads keep to the caller's scope. */
#ifndef EJIA_STUDY_STUDY_PROGRESS_STORE_H
#define EJIA_STUDY_STUDY_PROGRESS_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "base/uc.h"
#include "core/err.h"
#include "meeting/meeting.h"

/* A unit the figures are of: kind "city", "district", "park" or "org". */
typedef struct study_unit {
    const char *kind;
    const char *code;    /* district or park code */
    int64_t org_id;      /* with "org": the organization and those below it */
} study_unit;

/* Inside study_credit_add's transaction, after study_year grew by minutes:
 * file the member's year (first credit: their organization, when they
 * count), add the minutes to its sums and count them reached when they now
 * reach their requirement. */
st study_progress_store_credit(uc *c, int64_t person_id, int year, const char *category, int64_t minutes, err *e);
/* A member's organization, state or role changed: take their years out of
 * the sums they were filed in and file them again as they are now (inside the
 * caller's use case). */
st study_progress_store_refile(uc *c, int64_t person_id, err *e);
/* Count every sum again from the credits (inside the caller's transaction). */
st study_progress_store_rebuild(db *d, err *e);
/* At start: rebuild when the settings differ from those the sums were counted
 * with (or there is no record of them); *rows = the member-years filed (0 = nothing done). */
st study_progress_store_upgrade(db *d, int64_t *rows, err *e);

/* The caller's own unit (their scope); ST_FORBIDDEN for a scope that has none. */
st study_progress_store_unit_of(uc *c, study_unit *u, err *e);

/* The figures of a unit in a year: {unit, name, year, members, reached,
 * not_reached, share_bp, share, minutes, hours, required_minutes,
 * required_lead_minutes, by_category:[{category, minutes, hours}], rows:[…],
 * rows_by} — rows the ranking of the parts: districts of the city (by
 * "district") or the organizations with members (by "org"), each {rank, id,
 * code, name, members, reached, not_reached, share_bp, share, minutes, hours,
 * drill}, best share first (ties share a rank). */
st study_progress_store_figures(uc *c, const study_unit *u, int year, const char *by, json_t **out, err *e);
/* The same summary counted straight from the credits (no kept sums):
 * {members, reached, minutes, by_category} — the check and the bench's peer. */
st study_progress_store_plain(uc *c, const study_unit *u, int year, json_t **out, err *e);

/* The members behind a figure: reached -1 any, 0 not reached, 1 reached;
 * own: only the organization's own members.  Items [{person_id, name,
 * org_id, org_name, minutes, hours, required_minutes, left_minutes, lead,
 * reached}] paged and ordered in SQL; *total from the kept sums. */
st study_progress_store_members(uc *c, const study_unit *u, bool own, int year, int reached, const uc_page *pg, json_t **items,
                                int64_t *total, err *e);

/* The caller's own hours: {year, person_id, name, org_name, lead, minutes,
 * hours, required_minutes, left_minutes, reached, by_category, credits:[{id,
 * day, minutes, category, source, source_id, source_label, note}]};
 * ST_NOT_FOUND when the account is no member's. */
st study_progress_store_me(uc *c, int year, json_t **out, err *e);

/* The scorecard's study section of one organization (with those below it):
 * the year of period p; meeting_scorecard_section's signature. */
st study_progress_store_scorecard(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e);

#endif
