/* flow — 流动党员: a member working elsewhere for a time (外出务工经商,
 * 学习进修, …), registered by their own organization (an outflow) or by the
 * organization receiving them (an inflow), managed meanwhile by the receiving
 * organization when it is in the system (else by their own), back on the day
 * they return.
 *
 * A flow is dated like the registry: open from from_day, closed on to_day
 * (the return; the flow no longer counts on that day), so the managing
 * organization of any past day is answerable.  While it is open the member's
 * registry state is 流动 (member_store_change, dated); their meetings are on
 * the managing organization's roll (member_store_roll) and their dues sheet
 * is the managing organization's (flow_store_manager_at, or the table
 * member_flow joined as flow_store.h says).
 *
 * This header holds the pure rules (flow.c: days, reasons, states, the
 * contact); flow_store.h the use cases over the database. */
#ifndef EJIA_FLOW_FLOW_H
#define EJIA_FLOW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include "core/err.h"

/* The reasons for going (流动原因), NULL-terminated: 务工经商, 学习进修,
 * 随迁投亲, 待业, 其他. */
extern const char *const flow_reasons[];
bool flow_reason_ok(const char *s);

/* The days of a new flow checked: from (外出日期) a real day, not after today
 * and not before since (the day the member's current state began, "" when
 * unknown); expect (预计返回日期, may be NULL or "") after from.  The days as
 * "YYYY-MM-DD" in from_out and expect_out ("" when none); refusals name the
 * field (from_day, expect_day) in Chinese. */
st flow_days_check(const char *from, const char *expect, const char *since, const char *today, char from_out[11],
                   char expect_out[11], err *e);
/* The return day checked against the flow's from day and today: after from,
 * not after today.  The day in out; refusals name the field day. */
st flow_return_check(const char *day, const char *from, const char *today, char out[11], err *e);

/* Is a flow from..to (to NULL or "" while open) open on day? from <= day < to. */
bool flow_open_on(const char *from, const char *to, const char *day);

/* A flow's status on today: "returned" (closed, the member came back),
 * "handed_over" (closed, ended = "handed_over": the receiving side took it
 * over), "overdue" (open and the expected return has passed: expect <
 * today), or "open". */
const char *flow_status(const char *to, const char *ended, const char *expect, const char *today);

/* The contact kept: a phone number (mobile or landline, checked by
 * base/ids.h) is sealed; true with the number normalised in phone (32
 * bytes).  False for anything else (kept as written). */
bool flow_contact_phone(const char *s, char phone[32]);

#endif
