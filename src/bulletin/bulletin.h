/* bulletin — the 每旬通报: for one 旬, per district, enterprises of the
 * final ledger, covered, rate, change since the previous bulletin, new
 * organizations, upgrades, open findings and a ranking, with a city line
 * and notes.  A bulletin can be previewed for any 旬 (computed as of its
 * last day), and issued once a 旬 has ended: issuing keeps the figures as
 * announced, and the next bulletin's "change" is measured against them.
 * The bulletin is the city's: the same for every reader, whatever their scope.
 *
 * The document is one typed struct (bulletin_doc), computed once and read
 * by every rendering: the HTML page, the xlsx and the A4 PDF
 * (bulletin_render.c), and the JSON of the API and of the issued copy
 * (bulletin_to_json / bulletin_from_json, the one place that knows its
 * keys).  The module's parts:
 *   bulletin.c         the rules: the frame of a 旬, the rows from the figures, change, rank, the city line, notes; JSON
 *   bulletin_store.c   the SQL: what a bulletin is computed from, issued copies, the list
 *   bulletin_render.c  HTML, xlsx, PDF
 *   bulletin_api.c     the routes
 *   bulletin_sched.c   the server issuing each finished 旬 by itself (actor "system")
 * It reads the coverage figures (coverage/) and the findings and calendar
 * of the org module (org/). */
#ifndef EJIA_BULLETIN_BULLETIN_H
#define EJIA_BULLETIN_BULLETIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/buf.h"
#include "core/err.h"
#include "coverage/coverage.h"
#include "org/findings.h"
#include "org/org.h"

/* One line of the table: a district, or the city (code NULL, rank 0).
 * Rates are percentages and change is in percentage points, each to 0.1
 * (coverage_rate, coverage_change). */
typedef struct bulletin_line {
    const char *code, *name;
    int64_t enterprises, covered, work_covered, prev_covered;
    double rate, work_rate, prev_rate, change;
    int64_t new_orgs, upgrades, findings, should_form;
    int64_t rank;          /* 1 = highest rate (then change, then code) */
} bulletin_line;

enum { BULLETIN_NOTES = 4 };

/* The organizational-life section (issue 15): per district, the figures of
 * the meeting module's compliance (meeting_store_compliance, by district and
 * by organization; never its SQL again) for the quarter holding the 旬's last
 * day, judged as of the moment the bulletin is computed (the quarter to date;
 * a finished quarter whole).  Issuing freezes them with the rest.  Rates are
 * percentages to 0.1 (coverage_rate); attendance_rate is -1 when nobody was
 * expected (null in JSON); rate is 100 when nothing fell due yet. */
typedef struct bulletin_life_line {
    const char *code, *name;       /* the city line: code NULL */
    int64_t rank;                  /* the compliance ranking; 0 for the city */
    int64_t orgs, required, held, due, on_time, attended, expected, green, yellow, red;
    double rate, attendance_rate;
} bulletin_life_line;

/* A red organization (status red in the compliance by organization). */
typedef struct bulletin_red_org {
    int64_t org_id, required, held, idle_days;
    const char *name, *district_name, *last_held;   /* last_held NULL: never */
    double rate;
} bulletin_red_org;

typedef struct bulletin_life {
    char period[9], from[11], to[11];
    bulletin_life_line city;
    bulletin_life_line *rows;      /* the districts with organizations that owe meetings, ranked */
    size_t nrows;
    bulletin_red_org *red;         /* worst first (the ranking read from its end), at most red_max */
    size_t nred;
    int64_t red_total, red_max;    /* every red organization; the setting bulletin-red-max when made */
} bulletin_life;

typedef struct bulletin_doc {
    char period[16], title[64], first_day[11], last_day[11], prev_period[16], prev_day[11];
    const char *prev_source;   /* "issued": against the issued previous bulletin; "computed": figures of its last day */
    char generated_at[32];     /* local time, YYYY-MM-DD HH:MM */
    bool issued;
    const char *issued_by;     /* when issued */
    int64_t issued_at;         /* epoch seconds, when issued */
    bulletin_line city;
    bulletin_line *rows;       /* the districts, in rank order */
    size_t nrows;
    const char *notes[BULLETIN_NOTES];
    const bulletin_life *life;     /* organizational life; NULL in a bulletin issued before it existed */
    /* the formal document (issue 21): 期号, who issues it and to whom it is copied, the progress in words */
    int number;                    /* 期号: the 旬's place in its year, 第1期 (1月上旬) … 第36期 */
    const char *office, *cc;       /* 印发机关 and 抄送 (settings bulletin-office, bulletin-cc; kept when issued) */
    const char *summary;           /* a paragraph of progress generated from the figures (bulletin_summary) */
    const char **new_names;        /* organizations established in the 旬, "name（district）", at most BULLETIN_NEW_NAMES */
    size_t nnew_names;
} bulletin_doc;

enum { BULLETIN_NEW_NAMES = 5 };

/* ---- rules (bulletin.c): pure, all memory from a ---- */

/* A count per district (organizations established or upgraded in the 旬). */
typedef struct bulletin_count { const char *code; int64_t n; } bulletin_count;

/* What a bulletin is computed from (gathered by the store). */
typedef struct bulletin_inputs {
    const coverage_row *districts;      /* the city's districts in code order: key = code, name */
    size_t ndistricts;
    const coverage_row *now;            /* figures by district on the last day */
    size_t nnow;
    const bulletin_doc *prev;           /* the issued previous bulletin, or NULL: */
    const coverage_row *before;         /* then the figures by district on its last day */
    size_t nbefore;
    const bulletin_count *established, *upgraded;   /* per district, in the 旬 */
    size_t nestablished, nupgraded;
    const org_district_count *findings; /* per district: open findings, 应建未建 */
    size_t nfindings;
    const char *city_name;
    /* organizational life: the compliance of the period by district, and the red organizations worst
       first (as the meeting module answers them; at most life_red_max are shown) of life_red_total;
       NULL: no section */
    const char *life_period, *life_from, *life_to;
    const json_t *life_districts, *life_orgs;
    int64_t life_red_max, life_red_total;
    /* the formal document: organizations established in the 旬 ("name（district）", at most
       BULLETIN_NEW_NAMES), the issuing office and the copy line */
    const char *const *new_names;
    size_t nnew_names;
    const char *office, *cc;
} bulletin_inputs;

/* A new document for the 旬 x: its days, title, previous 旬, time of making. */
bulletin_doc *bulletin_new(arena *a, const org_xun *x);
/* Fill the district rows, their changes and ranks, the city line and the notes. */
st bulletin_assemble(arena *a, bulletin_doc *d, const bulletin_inputs *in, err *e);

/* The progress in words, from d's figures (rows, city line, new organizations): the city's rate
 * and its change since the 旬 before, the best and the worst district, the one that rose most, the
 * organizations established (named), what is left to do.  Arena memory; NULL without memory. */
const char *bulletin_summary(arena *a, const bulletin_doc *d);
/* 印发日期 in words, "2018年7月1日": the day it was issued, or (a preview) the day it was made. */
void bulletin_doc_date(const bulletin_doc *d, char out[32]);

/* The organizational-life section from in's compliance figures (d->life; left NULL without them). */
st bulletin_life_assemble(arena *a, bulletin_doc *d, const bulletin_inputs *in, err *e);

/* The document as JSON (the API's reply and the issued copy):
 *   {period, title, first_day, last_day, prev_period, prev_day, prev_source, generated_at, issued,
 *    city: {name, enterprises, covered, rate, work_covered, work_rate, prev_covered, prev_rate, change,
 *           new_orgs, upgrades, findings, should_form},
 *    rows: [{code, name, ... as the city ..., rank}], notes: [..]}
 * and, when issued, issued_by and issued_at; life (organizational life) when made with it:
 *   {period, from, to, city: {name, orgs, required, held, due, on_time, rate, attended, expected,
 *    attendance_rate, green, yellow, red}, rows: [{code, name, rank, ... as the city ...}],
 *    red_orgs: [{org_id, name, district_name, required, held, rate, idle_days, last_held}],
 *    red_total, red_max}. */
json_t *bulletin_to_json(const bulletin_doc *d);
/* (and the formal document's number, office, cc, summary, new_org_names; a copy issued before them
 * reads back with its number worked out from the period and its summary from its figures) */
/* One line as the document holds it (the city line without code and rank). */
json_t *bulletin_line_json(const bulletin_line *l, bool district);
/* The same read back (an issued copy); strings in a.  ST_INTERNAL when it is not such a document. */
st bulletin_from_json(arena *a, const json_t *j, bulletin_doc **out, err *e);

/* ---- store (bulletin_store.c) ---- */

/* The document for x, computed as of its last day over the whole city. */
st bulletin_store_compute(uc *c, const org_xun *x, bulletin_doc **out, err *e);
/* The issued bulletin, or a computed preview (issued false). */
st bulletin_store_get(uc *c, const org_xun *x, bulletin_doc **out, err *e);
/* bulletin.issue: keep a finished 旬's figures as announced, once
 * (ST_CONFLICT when issued already); by = the issuer the bulletin names
 * (the user, "cli", "schedule", "demo").  *out: the issued document. */
st bulletin_store_issue(uc *c, const org_xun *x, const char *by, bulletin_doc **out, err *e);
/* Issued bulletins, newest first unless pg->order (over the columns as q.*)
 * says otherwise: [{period, first_day, last_day, issued_by, issued_at, title, city}]. */
st bulletin_store_list(uc *c, const char *year, const uc_page *pg, json_t **items, int64_t *total, err *e);
/* The newest issued period, NULL when none (arena memory). */
st bulletin_store_newest(uc *c, const char **period, err *e);
/* bulletin.export: a rendering of d leaves the house (a download, the command
 * line's file); format "xlsx", "pdf" or "html". */
st bulletin_store_exported(uc *c, const bulletin_doc *d, const char *format, err *e);

/* ---- renderings (bulletin_render.c) ---- */

st bulletin_render_html(const bulletin_doc *d, buf *out, err *e);
st bulletin_render_xlsx(const bulletin_doc *d, const char *path, err *e);
st bulletin_render_pdf(const bulletin_doc *d, const char *path, err *e);
/* The file name a download offers: "<city>互联网企业党建旬报-<period>.<ext>" (in a). */
const char *bulletin_file_name(arena *a, const bulletin_doc *d, const char *ext);
/* Release the font caches pango, cairo and fontconfig keep for the process
 * (so LeakSanitizer sees a clean exit).  Only when nothing renders any more:
 * at the end of the CLI, and after the server has stopped. */
void bulletin_render_shutdown(void);

/* ---- the server's schedule (bulletin_sched.c) ----
 * A thread that, every bulletin-check-seconds, issues the finished 旬 not
 * issued yet, as the actor "system" (the bulletin names "schedule" as its
 * issuer).  It never skips a 旬 and never runs past the data: it goes on from
 * the newest issued one, 旬 by 旬, while a 旬 has ended (its last day before
 * today) and lies within the data (its last day not after the as-of day,
 * coverage_asof_rule) — so each bulletin's change is against the 旬 just
 * before.  A campaign whose data stopped in 2018 gets its missing last 旬 and
 * then nothing, never "2026年11月下旬" against 2018年6月中旬.  With nothing
 * issued at all, only the last such 旬.  Safe with several servers (the
 * period is unique; the loser's insert does nothing). */

/* The 旬 to issue now (pure): after newest (NULL: none issued — then only the
 * last qualifying one), consecutive, each ended before today and ending by
 * asof; at most max.  Returns how many. */
size_t bulletin_sched_plan(const char *today, const char *asof, const char *newest, org_xun *out, size_t max);
/* One round of the schedule on c, as of the day today (tests inject it; the
 * server passes the clock's day, clock_now).  *issued (may be NULL): how many. */
st bulletin_sched_run(uc *c, const char *today, int *issued, err *e);
st bulletin_sched_start(err *e);
void bulletin_sched_stop(void);

#endif
