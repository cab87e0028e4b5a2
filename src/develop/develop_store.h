/* develop_store — developing new members in the database (migration 0044):
 * the table of steps (settings the city office edits), the applicants' files
 * and every step recorded.  Each write is one audited use case (base/uc.h);
 * the vote that makes an applicant 预备党员 registers them in the member
 * registry, and the full-member vote changes their category, as parts of the
 * same act (member_store_register / member_store_change with uc_part).
 * Reads keep to the caller's scope.  All of the module's SQL is here. */
#ifndef EJIA_DEVELOP_DEVELOP_STORE_H
#define EJIA_DEVELOP_DEVELOP_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "develop/develop.h"

/* The table of steps in order (in c's memory). */
st develop_store_rules(uc *c, develop_rule **rules, size_t *n, err *e);
/* The same as JSON, for the settings page. */
st develop_store_rules_json(uc *c, json_t **out, err *e);
/* One step's settings replaced (audited "develop.rule"): r->code names it;
 * the whole table is checked after the change (anchors exist and come earlier). */
st develop_store_rule_set(uc *c, const develop_rule *r, err *e);

/* An applicant as the secretary enters a paper application, or as the
 * applicant fills it in online. */
typedef struct develop_new {
    const char *name, *id_number, *phone, *ethnicity, *education, *post;
    int64_t org_id, enterprise_id;    /* enterprise 0 = none (paper only) */
    const char *applied_on;           /* YYYY-MM-DD; online: today */
    const char *note;
} develop_new;

/* Where the caller may apply online: the enterprises named like q (at least 2
 * characters; an investor: their own enterprise, q not needed) and the party
 * organizations covering each today, at most 20 pairs
 * [{enterprise_id, enterprise_name, org_id, org_name}]. */
st develop_store_choices(uc *c, const char *q, json_t **out, err *e);
/* A paper application entered by the secretary (audited "develop.create"):
 * the file opens with the step "apply" on applied_on (age checked). */
st develop_store_create(uc *c, const develop_new *a, int64_t *id, err *e);
/* An online application by the caller's own account (audited "develop.apply"):
 * pending until the secretary answers.  The organization must cover the
 * enterprise; an investor applies only for their own enterprise. */
st develop_store_apply(uc *c, const develop_new *a, int64_t *id, err *e);
/* The secretary's answer to an online application (audited "develop.answer"):
 * accepted into the pipeline (the step "apply" on the application day), or
 * refused with the reason. */
st develop_store_answer(uc *c, int64_t id, bool accept, const char *reason, err *e);

/* The applicant's own data corrected (audited "develop.edit"): fields left
 * NULL stay; the ID number is not among them (a wrong one is a new file).
 * Not once the vote has registered them: the registry is corrected instead. */
typedef struct develop_edit {
    const char *name, *phone, *ethnicity, *education, *post;
} develop_edit;
st develop_store_edit(uc *c, int64_t id, const develop_edit *x, err *e);

/* A step to record: the code, the day, the registry members taking part
 * (contacts, introducers), training days or 学时, an extension's months, notes. */
typedef struct develop_step_new {
    const char *code, *day, *note;
    const int64_t *people;
    size_t n_people;
    int days, hours, months;
} develop_step_new;
/* Record a step (audited "develop.step"), checked by develop_check; the vote
 * registers the membership, the full-member vote sets 正式党员. */
st develop_store_step(uc *c, int64_t id, const develop_step_new *x, int64_t *record, err *e);
/* Undo the latest step (audited "develop.undo", reason required): kept in the
 * file marked undone.  The application itself and the steps that changed the
 * registry (the votes) are corrected there, not here. */
st develop_store_undo(uc *c, int64_t id, const char *reason, err *e);

/* A document added to an applicant's file (audited "develop.document"): the
 * file at path (an upload) named filename, of kind (develop_doc_kind_ok).
 * Refused: larger than develop-file-max, empty, or not a PDF, JPEG or PNG by
 * its first bytes.  The bytes are kept outside the database under
 * develop-files-dir as <2 hex>/<sha256> (the same content once). */
st develop_store_document_add(uc *c, int64_t id, const char *kind, const char *path, const char *filename, int64_t *doc,
                              err *e);
/* A document of an applicant to download (audited "develop.document.read"):
 * where its bytes are, its type and its name (in c's memory). */
st develop_store_document(uc *c, int64_t id, int64_t doc, const char **path, const char **mime, const char **filename, err *e);

/* An applicant's file: person (masked), organization, stage, the next step
 * with its earliest and due day, and the timeline of steps (undone ones too). */
st develop_store_get(uc *c, int64_t id, json_t **out, err *e);
/* The caller's own applications (their files), newest first. */
st develop_store_mine(uc *c, json_t **out, err *e);

typedef struct develop_filter {
    int64_t org_id;                   /* 0 = any; with its sub-organizations */
    const char *district, *park;
    const char *stage, *status;       /* NULL = any */
    const char *q;                    /* part of a name */
    const char *as_of;                /* due lists: the day (NULL = today) */
    int within;                       /* due lists: days ahead */
    const char *year;                 /* figures: the year of the vote ("YYYY"), NULL = all */
} develop_filter;
st develop_store_list(uc *c, const develop_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);
/* The steps due within f->within days of f->as_of and those past due, as of
 * that day (the steps recorded up to it: develop_due's stretches), paged and
 * ordered in SQL like develop_store_due_today, with the total.  Any day; for
 * today develop_store_due_today reads the files' kept next steps instead. */
st develop_store_due(uc *c, const develop_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);
/* The same as of today (or a later day): the kept next step of every open
 * file, paged and ordered in SQL (p->order over q.id, q.name, q.org_name,
 * q.step_name, q.due_on), with the total — no step is dated after today, so
 * the kept next step is the answer then. */
st develop_store_due_today(uc *c, const develop_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);
/* For an organization's scorecard: of the steps due as of day (the same
 * stretches as develop_store_due; org_id with its sub-organizations, in the
 * caller's scope), how many were past due on that day and how many fall due
 * within `within` days of it. */
st develop_store_due_counts(uc *c, int64_t org_id, const char *day, int within, int64_t *overdue, int64_t *soon, err *e);
/* A branch's pipeline: a column per stage with its count and its applicants
 * (next step and when), and the online applications waiting for an answer. */
st develop_store_pipeline(uc *c, const develop_filter *f, json_t **out, err *e);
/* Figures: applicants by stage, by enterprise category and stage, and those
 * developed (voted in as 预备党员) and made full members per year. */
st develop_store_figures(uc *c, const develop_filter *f, json_t **out, err *e);

/* Every file's kept next step, vote days and stretches of develop_due worked
 * out again from its steps, in one transaction (*files: how many); clears the
 * mark migration 0045 left.  develop_store_upgrade does it only when so
 * marked (at start, beside the other data upgrades). */
st develop_store_rebuild(db *d, int64_t *files, err *e);
st develop_store_upgrade(db *d, int64_t *files, err *e);

/* Where an applicant sits, for the scope check (auth/scope.h). */
extern const scope_resolver develop_scope_resolvers[];

/* What the reminders read (notice/): the active files inside the caller's
 * scope whose next step's due day is before today. */
st develop_store_overdue_count(uc *c, int64_t *n, err *e);

#endif
