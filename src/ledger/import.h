/* import — storing ledger files in the database, atomically per file and
 * once per file (by SHA-256), with provenance for every row; reading imports
 * and their problem reports back; writing a problem report as xlsx.
 * No HTTP here (import_api.c), no file parsing (read.c). */
#ifndef EJIA_LEDGER_IMPORT_H
#define EJIA_LEDGER_IMPORT_H

#include <jansson.h>
#include <stdint.h>
#include "db/db.h"
#include "ledger/table.h"

typedef struct ledger_import_who {
    const char *importer;    /* shown in provenance */
    int64_t importer_id;     /* 0 for the CLI */
    const char *scope_code;  /* NULL = city-wide */
} ledger_import_who;

/* Store table t.  ST_CONFLICT (with *id = the earlier import) when the same
 * file was imported before; nothing is written then.  progress (may be NULL)
 * is called every few thousand rows. */
st ledger_import_store(db *d, const ledger_table *t, uint64_t file_size, const ledger_import_who *who,
                       void (*progress)(void *ctx, uint64_t done, uint64_t total), void *ctx,
                       int64_t *id, err *e);

/* One import as JSON (the API's "import" object); ST_NOT_FOUND when absent. */
st ledger_import_get(db *d, int64_t id, json_t **out, char **scope_code, err *e);

/* Problems of an import, paged and filtered (kind "error"/"warning" or NULL,
 * q: substring of column, value or message); order: trusted ORDER BY terms
 * over the item columns as q.* (NULL: by row and column). */
st ledger_import_problems(db *d, int64_t id, const char *kind, const char *q, const char *order, int64_t offset,
                          int64_t limit, json_t **items, int64_t *total, err *e);

/* Write problems as a formatted xlsx report (frozen header, widths, autofilter).
 * problems: JSON array of objects as from ledger_import_problems, or NULL with
 * t given (CLI, straight from the table). */
st ledger_report_xlsx(const char *path, const char *source, const json_t *problems,
                      const ledger_table *t, err *e);

#endif
