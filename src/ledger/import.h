/* import — ledger files stored in the database, atomically per file and
 * once per file (by SHA-256), with provenance for every row; imports and
 * their problem reports read back.
 *
 *   import.c        the rules: a read table staged for storing (its digest,
 *                   columns, every row's personal data sealed and its cells as
 *                   JSON) and a problem report written as xlsx (no SQL)
 *   import_store.c  all of the imports' SQL; storing a file is one audited
 *                   use case (ledger.import)
 * No HTTP here (import_api.c), no file parsing (read.c). */
#ifndef EJIA_LEDGER_IMPORT_H
#define EJIA_LEDGER_IMPORT_H

#include <jansson.h>
#include <stdint.h>
#include "base/uc.h"
#include "ledger/pii.h"
#include "ledger/table.h"

/* ---- rules (import.c) ---- */

/* A table made ready to store: everything that costs CPU done before the
 * write transaction.  Free with ledger_import_staged_free. */
typedef struct ledger_import_staged {
    char sha[65];              /* hex SHA-256 of the file */
    int errors;                /* problems of kind error */
    char *columns;             /* JSON text: header, field and kind of personal data of each column */
    ledger_pii_kind *kinds;    /* per column */
    ledger_pii_row *rows;      /* per row: sealed personal data, masked cells */
} ledger_import_staged;

/* The file's hex SHA-256, by which a file is imported once. */
void ledger_import_sha(const ledger_table *t, char sha[65]);
/* Needs the field key loaded (crypt_init). */
st ledger_import_stage(const ledger_table *t, ledger_import_staged *s, err *e);
void ledger_import_staged_free(const ledger_table *t, ledger_import_staged *s);
/* "uscc", "uscc_bad", "regno", "other" or NULL (none), as stored. */
const char *ledger_import_code_kind_name(ledger_code_kind k);
/* The value a stored problem quotes: masked (into buf) when the cell is personal. */
const char *ledger_import_problem_value(const ledger_table *t, const ledger_import_staged *s, const ledger_problem *p,
                                        char *buf, size_t n);

/* Write problems as a formatted xlsx report (frozen header, widths, autofilter).
 * problems: JSON array of objects as from ledger_import_store_problems, or
 * NULL with t given (CLI, straight from the table). */
st ledger_import_report_xlsx(const char *path, const char *source, const json_t *problems, const ledger_table *t,
                             err *e);

/* ---- store (import_store.c) ---- */

/* What to store: a table read from a file of file_size bytes.  The import
 * belongs where the actor works (its district or park; the city's own
 * otherwise) and is shown as imported by importer (NULL: the actor). */
typedef struct ledger_import_in {
    const ledger_table *t;
    uint64_t file_size;
    const char *importer;
    void (*progress)(void *ctx, uint64_t done, uint64_t total);   /* every few thousand rows; may be NULL */
    void *ctx;
} ledger_import_in;

/* Store a table in one transaction with its audit row.  ST_CONFLICT (with
 * *id = the earlier import) when the same file was imported before: nothing
 * is stored then, and the refused attempt is audited (result "duplicate"). */
st ledger_import_store_add(uc *c, const ledger_import_in *in, int64_t *id, err *e);

/* One import as JSON (the API's "import" object); ST_NOT_FOUND when absent. */
st ledger_import_store_get(uc *c, int64_t id, json_t **out, err *e);

/* The imports inside the actor's scope, q: part of the file name. */
typedef struct ledger_import_filter {
    const char *q;
} ledger_import_filter;
st ledger_import_store_list(uc *c, const ledger_import_filter *f, const uc_page *pg, json_t **items, int64_t *total,
                            err *e);

/* Problems of an import: kind "error"/"warning" or NULL; q: text in the
 * column, value or message.  Page order over the item columns as q.* (NULL:
 * by row and column). */
typedef struct ledger_problem_filter {
    const char *kind, *q;
} ledger_problem_filter;
st ledger_import_store_problems(uc *c, int64_t id, const ledger_problem_filter *f, const uc_page *pg, json_t **items,
                                int64_t *total, err *e);
/* The problems (as filtered, up to cap rows) as an xlsx report at path; an
 * audited download (ledger.import_report).  *source: the file's name (c->mem). */
st ledger_import_store_report(uc *c, int64_t id, const ledger_problem_filter *f, int64_t cap, const char *path,
                              const char **source, err *e);

#endif
