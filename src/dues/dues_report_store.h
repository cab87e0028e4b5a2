/* dues_report_store — the dues reports up the tree, the arrears warning
 * (自行脱党预警) and the scorecard's dues section, in the database.  Reads
 * only: the reports read the sheets' kept sums (dues_sheet: month, org_path,
 * district_code; never the lines), so a city's month is one indexed range;
 * the arrears read one organization's members, their lines and the months
 * their payments settled, and their organizational life through
 * meeting_store_life_months.  Nothing here changes a membership: whether a
 * member has left the party is the 支部大会's decision.  Reads keep to the
 * caller's scope. */
#ifndef EJIA_DUES_DUES_REPORT_STORE_H
#define EJIA_DUES_DUES_REPORT_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "base/uc.h"
#include "core/err.h"
#include "dues/dues_report.h"
#include "meeting/meeting.h"

/* Which sheets a report or its drill reads: inside the caller's scope, the
 * period's months, and optionally one district and one organization (with
 * those below it, or only its own sheet when own). */
typedef struct dues_report_filter {
    const char *district;   /* NULL = any */
    int64_t org_id;         /* 0 = any */
    bool own;
} dues_report_filter;

/* Collected vs due for the period, by "city" (one row), "district" or "org"
 * (each organization that has a sheet), paged and ordered in SQL (p->order
 * over the item's columns): items [{code, name, district_code, district_name,
 * org_id, sheets, members, due_fen, paid_fen, owed_fen, paid_members, nobase,
 * rate, due, paid, owed, rate_text, drill}] with the total of rows, and the
 * sums of the whole report in *sum {sheets, members, due_fen, paid_fen, rate}.
 * drill is the query of the sheets behind a row (GET /api/dues/report/sheets). */
st dues_report_store_report(uc *c, const dues_period *p, const char *by, const dues_report_filter *f, const uc_page *pg,
                            json_t **items, int64_t *total, json_t **sum, err *e);

/* The sheets behind a report's row: [{id, org_id, org_name, district_code,
 * district_name, month, members, due_fen, paid_fen, owed_fen, paid_members,
 * nobase, rate, due, paid, owed, rate_text, made_at}], paged and ordered in
 * SQL, with the total. */
st dues_report_store_sheets(uc *c, const dues_period *p, const dues_report_filter *f, const uc_page *pg, json_t **items,
                            int64_t *total, err *e);

/* The members of one organization (its own, as of today) at risk: the
 * latest run of at least dues-arrears-months consecutive months unpaid, or
 * without organizational life, within the window of the last
 * max(12, 2 × setting) months before this one (this month is not over):
 * {org_id, org_name, need, from, to, items:[{person_id, name, category,
 * reasons:[{reason "dues"|"life", label, first_month, last_month, months,
 * records:[…the months behind it…]}]}], total, note}. */
st dues_report_store_arrears(uc *c, int64_t org_id, json_t **out, err *e);
/* How many members of the caller's own organization are at risk (for
 * GET /api/me/reminders); 0 unless the caller is bound to an organization. */
st dues_report_store_arrears_count(uc *c, int64_t *n, err *e);

/* The scorecard's dues section of one organization (with those below it)
 * for period p (meeting_store_scorecard's): the month (this month, or the
 * period's last when it is over) and the year to that month — due, paid,
 * rate — the members owing that month (lines neither paid, waived nor
 * without a base, from the kept sums) and the members at risk; drills to the
 * sheets behind each figure.  NULL when the organization had no sheet that
 * year.  The signature of meeting_scorecard_section (meeting_store.h). */
st dues_report_store_scorecard(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e);

#endif
