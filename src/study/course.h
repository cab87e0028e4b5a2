/* course — the course library (课程: articles, PDF documents, videos kept by
 * the city or a district) and honest online study time.  The rules here are
 * pure (no SQL, no HTTP) and unit-tested; the SQL is in course_store.c
 * (migration 0056), the routes in course_api.c.
 *
 * Honest time.  The course page sends a heartbeat (course-heartbeat-sec)
 * only while it is visible and the member was active.  The member has one
 * study session (course_session): opening a course replaces it, so the older
 * page's heartbeats are refused ("superseded") and credit nothing — one
 * course at a time.  A heartbeat carries the session's token and a sequence
 * number; one not greater than the last accepted is a replay and credits
 * nothing.  An accepted heartbeat credits the real time since the previous
 * accepted one (or the opening) by the server's clock — when that gap is
 * longer than the interval plus course-heartbeat-grace-sec, the page was
 * hidden or idle meanwhile and nothing is credited (the session is
 * re-anchored; a heartbeat marked pause, sent as the page is hidden, credits
 * up to then and makes the next one such a re-anchoring) — then at most what is left of the day's cap
 * (course-daily-cap-min, all courses) and of the course (a video: its length;
 * an article or PDF: its minutes).  Seconds are gathered per course and
 * credited to the ledger (study_credit_add, source "online") a whole minute
 * at a time. */
#ifndef EJIA_STUDY_COURSE_H
#define EJIA_STUDY_COURSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

/* What a heartbeat is measured against. */
typedef struct course_beat {
    int64_t now, last_at;        /* server clock; the previous accepted heartbeat (or the opening) */
    int64_t max_gap;             /* interval + grace (seconds) */
    int64_t day_seconds, day_cap;        /* credited today so far (all courses), the day's cap (seconds) */
    int64_t course_seconds, course_cap;  /* credited to this course so far, its cap (seconds) */
} course_beat;

/* Seconds a heartbeat credits (>= 0). */
int64_t course_beat_credit(const course_beat *b);

/* What a course may ever credit (seconds): a video its length (its minutes
 * when the length is unknown), anything else its minutes. */
int64_t course_cap_seconds(const char *kind, int64_t minutes, int64_t duration_sec);

bool course_kind_ok(const char *kind);
bool course_audience_ok(const char *audience);
bool course_state_ok(const char *state);

/* The article's HTML sanitized by an allow-list: the tags p, br, h2–h4,
 * strong, b, em, i, u, s, blockquote, ul, ol, li, a (href http, https,
 * mailto or a path), img (src https or a path; alt), table, thead, tbody,
 * tr, th, td, hr, span, code, pre; no attribute but those named; everything
 * else dropped (script, style, iframe, object … with their content), text
 * escaped.  out gets well-formed HTML (every allowed tag closed).  ST_INVALID
 * only when in is not UTF-8. */
st course_sanitize(const char *in, size_t n, buf *out, err *e);

/* The rows of an offline-hours sheet (a 花名册-like workbook or CSV read by
 * ledger_table_read with roster_header_field: 姓名 and 公民身份号码 columns):
 * each row's sheet row, name and normalised 18-character ID number, or the
 * reason it is refused (no ID column, an invalid or missing number, a number
 * listed twice).  Pure; fuzzed (fuzz_course).  Rows in a's memory. */
struct ledger_table;
typedef struct course_sheet_row {
    int sheet_row;
    const char *name;          /* may be NULL */
    char id18[19];             /* "" when refused */
    const char *refused;       /* NULL = fine */
} course_sheet_row;
st course_sheet_rows(const struct ledger_table *t, arena *a, course_sheet_row **rows, int *n, err *e);

#endif
