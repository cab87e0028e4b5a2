/* roster_store — a roster file into the registry: one transaction per file,
 * one audited act ("member.import"), every row's fate kept (roster_import,
 * roster_problem).  Rows that cannot be registered — an ID number that
 * cannot be valid, someone registered already ("已在 … 登记，请办理组织关系
 * 转接"), a missing name or date — are refused and the rest of the file still
 * imports; rows registered with something to look at are flagged.  The same
 * file twice imports nothing new. */
#ifndef EJIA_MEMBER_ROSTER_STORE_H
#define EJIA_MEMBER_ROSTER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "ledger/table.h"
#include "member/tally.h"

typedef struct roster_opts {
    bool create_orgs;          /* a file whose organization is not found creates it as a new branch ... */
    const char *district;      /* ... in this district (a region code) */
    tally *counters;           /* NULL: the file's statistics counters are written at its end; else they
                                * are added here, for the caller to write (tally_store_flush) before it
                                * commits: a group of files (uc_group_begin) writes each counter once */
} roster_opts;

typedef struct roster_result {
    int64_t import_id, org_id;
    const char *org_name;      /* in c's memory */
    bool org_created;
    int rows, registered, refused, flagged;
    json_t *problems;          /* [{sheet_row, column, column_name, value, kind, message}], owned by the caller */
} roster_result;

/* Read the file (ledger readers, roster dictionary) into a table; caller frees. */
st roster_read(const char *path, const char *name, ledger_table **out, err *e);
/* Import one table.  ST_CONFLICT when this file was imported already (the
 * message names the import), ST_INVALID naming the file when its
 * organization is not found (and create_orgs is off) or it has no ID number
 * column. */
st roster_store_import(uc *c, const ledger_table *t, const roster_opts *o, roster_result *out, err *e);

/* Imports as a list, and one import with its problems (for the report). */
st roster_store_list(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e);
st roster_store_get(uc *c, int64_t id, json_t **out, err *e);

/* The problem report of one or several files as xlsx (file, sheet row,
 * column, value, kind, message). files: [{source, problems:[...]}]. */
st roster_report_xlsx(const char *path, const json_t *files, err *e);

#endif
