/* study_credit — the study-hours ledger (学时), the one place every way of
 * studying credits: online courses (study/), offline study recorded or
 * imported, exams passed, training batches completed.  Each credit also goes
 * to the member's activity log (kind "study.<source>", ref "<source>:<id>",
 * value in 学时), which points read.  Minutes are whole; 1 学时 = 60.
 *
 * The SQL is in study_credit_store.c; migration 0055. */
#ifndef EJIA_STUDY_STUDY_CREDIT_H
#define EJIA_STUDY_STUDY_CREDIT_H

#include <jansson.h>
#include <stdint.h>
#include "base/uc.h"

typedef struct study_credit {
    int64_t person_id;
    const char *day;        /* YYYY-MM-DD the study happened (its year is the year credited) */
    int64_t minutes;        /* > 0 */
    const char *category;   /* the course's or record's category, e.g. "理论学习" */
    const char *source;     /* "online" | "offline" | "exam" | "training" */
    int64_t source_id;      /* the course, offline record, exam attempt or batch */
    const char *note;       /* may be NULL */
} study_credit;

/* Credit, inside the caller's use case (its transaction, its audit act):
 * online adds the minutes to the member's row for that course and day, any
 * other source writes its row once (a second credit for the same source,
 * record, member and day is refused ST_CONFLICT, so an import or a batch run
 * twice never counts twice); the year's total follows, and the activity log
 * gets a line.  ST_INVALID for a bad day, source or minutes. */
st study_credit_add(uc *c, const study_credit *k, err *e);

/* A member's minutes in a year (0 when none). */
st study_credit_year(db *d, int64_t person_id, int year, int64_t *minutes, err *e);

/* A member's credits of a year, newest first, as JSON rows
 * {id, day, minutes, category, source, source_id, note}. */
st study_credit_list(db *d, int64_t person_id, int year, json_t **out, err *e);

#endif
