/* develop — developing new members (发展党员): the five stages (入党申请人 →
 * 入党积极分子 → 发展对象 → 预备党员 → 正式党员) and the steps inside them.
 *
 * The steps, their order and every interval are not written here: they are a
 * table of settings in the database (develop_step, migration 0044, seeded with
 * the national defaults and edited by the city office), loaded into
 * develop_rule rows.  This header holds the types and the pure rules
 * (develop.c): whether a step may be recorded on a day given the steps done
 * before it — out of order, too early, the wrong people, an applicant under
 * age — refused with the rule quoted in Chinese; and when the next step falls
 * due.  No SQL, no HTTP; develop_store.h has the use cases. */
#ifndef EJIA_DEVELOP_DEVELOP_H
#define EJIA_DEVELOP_DEVELOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* One step of the table of settings (develop_step). */
typedef struct develop_rule {
    const char *code, *stage, *name;
    int seq;
    bool optional;            /* may be skipped (an extension of probation, a cancellation) */
    const char *anchor;       /* the step the intervals count from; NULL = none */
    int min_months;           /* not before anchor + min_months (0 = no minimum) */
    int due_months;           /* due by anchor + due_months (0 = no deadline) */
    const char *people;       /* "contact", "introducer" or NULL */
    int people_min, people_max;
    int days_min, hours_min;  /* training: at least days_min days or hours_min 学时 (0 = no check) */
    int months_min, months_max;   /* an extension's length in months (0 = no check) */
    const char *rule;         /* the rule, quoted in refusals */
} develop_rule;

/* A step already done (not undone). */
typedef struct develop_done {
    const char *code, *day;
    int months;               /* an extension's months */
} develop_done;

/* A person named in a step: their standing in the registry on the step's day. */
typedef struct develop_person {
    int64_t person_id;        /* the registry's person: the same person twice is refused, two of one name are not */
    const char *name;
    const char *category;     /* 正式党员 / 预备党员, or NULL: not a member in the party that day */
} develop_person;

/* A step to be recorded. */
typedef struct develop_step_in {
    const char *code, *day;   /* day "YYYY-MM-DD" */
    const develop_person *people;
    size_t n_people;
    int days, hours, months;
} develop_step_in;

/* The codes the module itself acts on (registration, stage changes). */
#define DEVELOP_APPLY "apply"
#define DEVELOP_VOTE "vote"
#define DEVELOP_FULL "full"
#define DEVELOP_EXTEND "extend"
#define DEVELOP_CANCEL "cancel"

/* The rule with this code, or NULL. */
const develop_rule *develop_rule_find(const develop_rule *rules, size_t n, const char *code);

/* Day + months, clamped to the month's last day (2024-01-31 + 1 = 2024-02-29). */
void develop_add_months(const char *day, int months, char out[11]);

/* Day + n days (n may be negative), and the days from a to b (b - a). */
void develop_add_days(const char *day, int n, char out[11]);
int develop_days_between(const char *a, const char *b);

/* Is the applicant, born on birth, at least min_age on day (the birthday itself counts)? */
bool develop_age_ok(const char *birth, const char *day, int min_age);

/* May step in be recorded after the steps done (in any order; those undone
 * left out), for an applicant born on birth?  Refusals: ST_INVALID with the
 * field ("step", "day", "people", "days", "months") and the rule quoted.
 * An applicant under min_age on the application day is refused on "apply"
 * (birth NULL: not checked). */
st develop_check(const develop_rule *rules, size_t n, const develop_done *done, size_t nd, const char *birth, int min_age,
                 const develop_step_in *in, err *e);

/* The next required step after the steps done: *next its rule (NULL when
 * none: the file is complete or cancelled), from the earliest day it may be
 * recorded ("" when no minimum), due the day it is due ("" when no deadline).
 * The end of probation counts an extension. */
void develop_next(const develop_rule *rules, size_t n, const develop_done *done, size_t nd, const develop_rule **next,
                  char from[11], char due[11]);

/* The stage the applicant is in after the steps done (入党申请人 before any). */
const char *develop_stage(const develop_rule *rules, size_t n, const develop_done *done, size_t nd);

/* The type of a document by its first bytes (at least 8 of them, n = how
 * many): "application/pdf", "image/jpeg" or "image/png"; NULL for anything
 * else, whatever its name says. */
const char *develop_doc_type(const unsigned char *head, size_t n);
/* Is kind one of application (入党申请书), review (政审材料), vote (表决记录), other? */
bool develop_doc_kind_ok(const char *kind);

/* A rule row, as the city office edits it, checked: the order and the
 * intervals sensible (ST_INVALID naming the field). */
st develop_rule_check(const develop_rule *r, err *e);

#endif
