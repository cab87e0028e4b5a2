/* clock — the time every auth rule uses (sessions, lockout, TOTP, audit).
 *
 * One function so that tests can move time: with the hidden setting
 * test-clock-file, the number in that file (seconds) is added to the system
 * clock, re-read on every call.  That lets the API tests expire a 30-minute
 * idle session or a 30-minute lockout without waiting or lowering the
 * production minimums of the settings.  A file "@<epoch seconds>" stops the
 * clock at that time instead (the study-time tests count seconds exactly). */
#ifndef EJIA_AUTH_CLOCK_H
#define EJIA_AUTH_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t clock_now(void);                              /* epoch seconds */
void clock_iso(int64_t t, char *out, size_t n);        /* 2026-11-26T15:30:00Z */
/* The local calendar day of t, "YYYY-MM-DD" (out 11 bytes): the day a rule
 * counts in (a meeting, a joining date, "today" of a registration). */
void clock_day(int64_t t, char out[11]);

#endif
