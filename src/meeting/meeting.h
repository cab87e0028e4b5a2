/* meeting — the rules of organizational life (三会一课 and 主题党日), pure:
 * the kinds and how often each is due (settings rule-meeting-freq-*), which
 * kinds an organization owes, periods (a month 2026-03, a quarter 2026-Q1, a
 * year 2026) and how many meetings of a kind fall due in one, the quorum of
 * a 支部党员大会, when a record locks, the check-in window, and the signed
 * check-in tokens that change every step (30 s).  No SQL, no HTTP. */
#ifndef EJIA_MEETING_MEETING_H
#define EJIA_MEETING_MEETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { MEETING_KINDS = 8 };
#define MEETING_ASSEMBLY "支部党员大会"
#define MEETING_COMMITTEE "支委会"

/* The kinds in their usual order; the index is the kind's number below. */
extern const char *const meeting_kinds[MEETING_KINDS];
/* The index of a kind (its Chinese name), -1 when none. */
int meeting_kind_index(const char *kind);
/* The kind's frequency setting's name ("rule-meeting-freq-assembly"). */
const char *meeting_kind_setting(int kind);

/* A frequency in months: "month" 1, "quarter" 3, "year" 12, "none" 0; -1 = not one of those. */
int meeting_freq_parse(const char *s);
/* The frequency of a kind from its setting (0 when unset or unknown). */
int meeting_freq(int kind);

/* Does an organization of org_kind (org.kind) owe meetings of kind?  A branch
 * (党支部, 联合党支部, 临时党支部) owes every kind but 支委会, which only a
 * branch with a committee holds; a 党总支 or 党委 owes its committee's
 * meeting (when it has a committee) and its 党课; a 工委 none. */
bool meeting_kind_applies(int kind, const char *org_kind, bool has_committee);

/* A period: "2026" (year), "2026-Q1" (quarter), "2026-03" (month); from and
 * to are its first and last day, inclusive. */
typedef struct meeting_period {
    char code[9];
    char from[11], to[11];
    int year, month0;          /* first month, 1..12 */
    int months;                /* 1, 3 or 12 */
} meeting_period;
bool meeting_period_parse(const char *s, meeting_period *p);
/* The period of the given length (1, 3, 12 months) holding day. */
bool meeting_period_of(const char *day, int months, meeting_period *p);

/* How many meetings of a kind due every freq months fall due in p: the
 * stretches of freq months inside p (aligned to the calendar: months,
 * quarters, the year) that end on or after established (the day the
 * organization began; NULL = always there).  A yearly kind owes nothing in
 * a quarter or a month: it is counted in its year. */
int meeting_required(int freq, const meeting_period *p, const char *established);
/* The i-th stretch of freq months inside p (i from 0); false past the last. */
bool meeting_stretch(const meeting_period *p, int freq, int i, meeting_period *out);

/* Days: valid 'YYYY-MM-DD' (a real calendar day, leap years included). */
bool meeting_day_ok(const char *day);
/* day + n days (n may be negative), out 11 bytes. */
void meeting_day_add(const char *day, int n, char out[11]);
/* b − a in days. */
long meeting_days_between(const char *a, const char *b);
/* Day of the week, 0 = Sunday .. 6 = Saturday. */
int meeting_weekday(const char *day);
/* 'HH:MM', 00:00..23:59. */
bool meeting_time_ok(const char *hhmm);
/* The epoch second of a local day and time (the server's TZ: China's). */
int64_t meeting_epoch(const char *day, const char *hhmm);

/* A 支部党员大会 counts only with more than half of its voting members (正式党员) present. */
bool meeting_quorum(int64_t voting, int64_t voting_present);

/* A held meeting's record locks lock_days after its day: from day + lock_days + 1 on. */
bool meeting_locked(const char *day, const char *today, int lock_days);

/* The check-in window: from starts − before to ends + after seconds, inclusive. */
bool meeting_window_open(int64_t now, int64_t starts, int64_t ends, int64_t before, int64_t after);

/* Check-in tokens: "<meeting>.<step>.<mac>", mac = the first 16 bytes of
 * HMAC-SHA256(key, "ejia-checkin:<meeting>:<step>") in hex; step = now / step_seconds. */
enum { MEETING_TOKEN_MAX = 80 };
int64_t meeting_step(int64_t now, int64_t step_seconds);
void meeting_token_make(const unsigned char key[32], int64_t meeting, int64_t step, char out[MEETING_TOKEN_MAX]);
typedef enum meeting_token_st {
    MEETING_TOKEN_OK = 0,
    MEETING_TOKEN_MALFORMED,   /* not a token at all, or its signature is wrong */
    MEETING_TOKEN_STALE,       /* signed, but of a step before now − grace */
    MEETING_TOKEN_FUTURE,      /* signed, of a step after now (a clock moved back; refused) */
} meeting_token_st;
/* Verify tok against the key; the step must be now_step − grace .. now_step
 * (grace = 1: the code scanned just as the screen changed still counts). */
meeting_token_st meeting_token_check(const unsigned char key[32], const char *tok, int64_t now_step, int64_t grace,
                                     int64_t *meeting, int64_t *step);

/* Compliance of one organization in a period. */
typedef enum meeting_light { MEETING_GREEN = 0, MEETING_YELLOW = 1, MEETING_RED = 2 } meeting_light;
const char *meeting_light_name(meeting_light l);   /* "green", "yellow", "red" */
/* idle = days without a held meeting as of the day judged (the period's end,
 * or today inside it): since the last one, or since the organization began;
 * missing = a required meeting missing in a finished period. */
meeting_light meeting_light_of(long idle, bool missing, int yellow_days, int red_days);

/* A meeting photo's type by its first bytes (at least 12), whatever its name says:
 * "image/jpeg" (FF D8 FF), "image/png" (the 8-byte signature), "image/webp"
 * ("RIFF" <size> "WEBP"); NULL for anything else. */
const char *meeting_photo_type(const unsigned char *head, size_t n);
/* Its width and height in pixels, read from the first n bytes of the file when
 * they hold them (PNG's IHDR; JPEG's start-of-frame after the segments before
 * it; WebP's VP8, VP8L or VP8X header); false when not (cut short, malformed,
 * another type, a zero side).  Never reads past head[n - 1]. */
bool meeting_photo_size(const unsigned char *head, size_t n, int *width, int *height);

#endif
