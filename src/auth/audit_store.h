/* audit_store — the audit log as the auditor reads it: the filtered list
 * (GET /api/audit) and the rows of an export (GET /api/audit/export.xlsx).
 * Writing rows is base/audit.h (through every use case's uc_end); checking
 * the chain is audit_verify there. */
#ifndef EJIA_AUTH_AUDIT_STORE_H
#define EJIA_AUTH_AUDIT_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

/* Filters shared by the list and the export.  NULL = any. */
typedef struct audit_filter {
    const char *user;        /* username */
    const char *action;      /* a LIKE pattern ("auth.%" for every auth.* action) */
    const char *result;
    int64_t from, to;        /* epoch seconds, inclusive */
} audit_filter;

/* One page in pg's order (over seq, at, username, action, result as q.*;
 * NULL = newest first) as a new JSON array of rows (seq, at, time, user_id,
 * username, role, action, object, result, address, detail, hash; caller
 * owns); *total counts every row the filter keeps. */
st audit_store_list(uc *c, const audit_filter *f, const uc_page *pg, json_t **items, int64_t *total, err *e);

/* One row for an export; the texts are NULL when empty in the database and
 * valid during the callback only. */
typedef struct audit_line {
    int64_t seq, at;
    const char *username, *role, *action, *object, *result, *address, *detail, *hash;
} audit_line;
/* The first max rows the filter keeps, oldest first, each given to row();
 * *n gets how many, *more whether there were others after them. */
st audit_store_each(uc *c, const audit_filter *f, int64_t max, st (*row)(void *arg, const audit_line *l, err *e),
                    void *arg, int64_t *n, bool *more, err *e);

/* The Chinese name of each action the code writes (audit_names.c), in
 * action order, ending with {NULL, NULL}; audit_action_name gives one name,
 * NULL when the dictionary lacks the action. */
typedef struct audit_action {
    const char *action, *name;
} audit_action;
extern const audit_action audit_actions[];
const char *audit_action_name(const char *action);

/* What the object an audit row names is called now, for the auditor: kind
 * and key as the row writes them ("org" and "12" of "org:12"; a username
 * alone has kind NULL).  *name gets "党组织：思明区委" (arena memory), or
 * NULL when the kind has no name here or the object is gone. */
st audit_store_object_name(uc *c, const char *kind, const char *key, const char **name, err *e);

#endif
