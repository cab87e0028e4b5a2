/* course_store — courses and online study in the database (migration 0056;
 * the rules in course.h).  Every write is one audited use case; the office's
 * reads keep to the caller's scope (a district's courses are its own, the
 * city's are the city's), a member's to the courses published for them (the
 * city's and their district's, of their audience).  Hours are credited only
 * through study_credit_add (source "online" with the course id, "offline"
 * with the offline record's id).  All of the module's SQL is here. */
#ifndef EJIA_STUDY_COURSE_STORE_H
#define EJIA_STUDY_COURSE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "study/course.h"

/* A course's fields as the office gives them (NULL / 0: unchanged on an update). */
typedef struct course_in {
    const char *kind;           /* article | pdf | video (create only) */
    const char *title, *summary, *category, *audience, *state;
    const char *body;           /* article: HTML, sanitized here */
    int64_t minutes;            /* its 学时 in minutes */
    int64_t required_year;      /* required in that year; 0 none (-1 on update: clear) */
    int64_t duration_sec;       /* video: its length */
    const char *district;       /* the city may keep one for a district; NULL = the caller's place */
} course_in;
/* Audited "course.create" / "course.update". */
st course_store_create(uc *c, const course_in *in, int64_t *id, err *e);
st course_store_update(uc *c, int64_t id, const course_in *in, err *e);
/* The document or video of a course (checked by content: PDF; MP4, WebM or
 * Ogg video), kept by base/files.h (course-files-dir); audited "course.upload". */
st course_store_upload(uc *c, int64_t id, const char *path, const char *filename, int64_t duration_sec, err *e);

typedef struct course_filter {
    const char *kind, *state, *category, *q;
    int64_t required_year;      /* 0 any */
} course_filter;
st course_store_list(uc *c, const course_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);
/* One course as the office sees it (with its study figures). */
st course_store_get(uc *c, int64_t id, json_t **out, err *e);
/* A course's file: where it is kept, its type and size.  mine: for the
 * logged-in member (only a course published for them). */
st course_store_file(uc *c, int64_t id, bool mine, const char **path, const char **mime, int64_t *size, err *e);

/* ---- the member ---- */
/* This year's required courses with their state, the courses by category,
 * and the last ones studied (continue where I stopped). */
st course_store_mine(uc *c, json_t **out, err *e);
/* One course for the member (article body, file address, their progress). */
st course_store_mine_get(uc *c, int64_t id, json_t **out, err *e);
/* Open a course: the member's study session becomes this one (an older page
 * is superseded); audited "course.open".  out: {token, interval, position, seconds, cap}. */
st course_store_open(uc *c, int64_t id, json_t **out, err *e);
/* A heartbeat of the member's session (audited "course.heartbeat"; refused
 * ones — superseded, replayed — audited "refused", ST_CONFLICT with api_code
 * "superseded" / "replayed"). */
typedef struct course_beat_req {
    int64_t course_id;
    const char *token;
    int64_t seq;
    double position;
    bool pause;                 /* the page is being hidden or the member went idle: credit up to now, then
                                   nothing until the next heartbeat re-anchors (last_at 0) */
} course_beat_req;
st course_store_beat(uc *c, const course_beat_req *b, json_t **out, err *e);
/* Heartbeats are answered from memory and written on a flush (see course_store.c): at the server's stop,
 * every session held in memory is written (one audit row each, as the command line's act); *written
 * counts them.  Safe to call once no request runs. */
st course_store_flush_all(db *d, int64_t *written, err *e);
/* Forget the sessions of a course held in memory (withdrawn: its heartbeats are judged from the row). */
void course_store_forget_course(int64_t course);

/* ---- offline hours ---- */
typedef struct course_offline_in {
    const char *title, *category, *day;
    int64_t minutes;
    int64_t org_id;             /* the organizer's organization (0: the caller's district or the city) */
    const int64_t *persons;     /* members credited */
    size_t npersons;
} course_offline_in;
/* Record offline study for members (audited "course.offline"), all or none:
 * a member outside the caller's scope, unknown, listed twice or credited for
 * it already refuses the whole record, and *report (when not NULL) lists
 * every refused member with why. */
st course_store_offline(uc *c, const course_offline_in *in, int64_t *id, json_t **report, err *e);
/* The same from a workbook or CSV (path; its 姓名 and 公民身份号码 columns):
 * every row checked (course_sheet_rows, then the member found by ID number,
 * the name matching the record, inside the caller's scope); any refused row
 * refuses the whole file and *report lists each ({row, name, reason}). */
st course_store_offline_import(uc *c, const course_offline_in *in, const char *path, int64_t *id, json_t **report, err *e);
st course_store_offline_list(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e);

/* Demo and bench: the heartbeat interval and grace now in force. */
int64_t course_interval(void);

extern const scope_resolver course_scope_resolvers[];

#endif
