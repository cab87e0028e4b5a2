/* db — one API over SQLite (default) and PostgreSQL.
 *
 * SQL is written once, PostgreSQL-style: parameters `$1`, `$2`...; `{{NOW}}`
 * for the current time in epoch seconds; in migrations `{{ID}}` for an
 * auto-increment BIGINT primary key and `{{BLOB}}` for bytes; `{{ZH}}` after a
 * text expression orders it by pinyin (core/collate.h) on both databases.  The backends
 * rewrite these (db.c: db_rewrite), so dialect differences stay in this folder.
 *
 * A `db` is one connection, used by one thread at a time; a `db_pool` hands
 * connections to the server's threads.  Statements are prepared once per
 * connection and cached by their SQL text (pass string literals).
 *
 * Usage:
 *   db_stmt *q; if (db_prepare(d, "SELECT name FROM org WHERE id=$1", &q, e)) ...
 *   db_bind_int(q, 1, id);
 *   while ((r = db_step(q, e)) == DB_ROW) use(db_col_text(q, 0));
 *   db_reset(q);            // always: returns the statement to the cache
 * or the one-shot helpers db_run / db_query_json with a type string
 * ("t" text, "i" int64, "d" double, "n" null, "b" blob+len). */
#ifndef EJIA_DB_DB_H
#define EJIA_DB_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;
typedef struct db_pool db_pool;
typedef enum db_kind { DB_SQLITE = 1, DB_PGSQL = 2 } db_kind;

enum { DB_ERROR = -1, DB_DONE = 0, DB_ROW = 1 };

/* url: "postgresql://..." / "postgres://..." / "sqlite:PATH" / a plain path. */
st db_open(const char *url, db **out, err *e);
void db_close(db *d);
db_kind db_kind_of(const db *d);
const char *db_url(const db *d);

st db_exec(db *d, const char *sql, err *e);          /* no parameters, may hold several statements */
/* A write transaction (SQLite: IMMEDIATE, in the pool's write queue); inside
 * one already open, a savepoint — so transactions nest, and commit and
 * rollback act on the innermost level. */
st db_begin(db *d, err *e);
st db_commit(db *d, err *e);
void db_rollback(db *d);                             /* safe to call when no transaction is open */
void db_rollback_all(db *d);                         /* every level (a request's end) */
int db_tx_depth(const db *d);                        /* 0 = no transaction */
/* A flat transaction (bulk loads, uc_group_begin): the levels begun inside it
 * are counted but are not savepoints — savepoints make SQLite copy every page
 * a level changes into a sub-journal, which for a roster import cost more
 * than the disk flushes a group saves.  An inner level that rolls back dooms
 * the whole: db_doomed() says so, and the outermost db_commit then rolls back
 * and fails (ST_CONFLICT).  Not inside another transaction. */
st db_begin_flat(db *d, err *e);
bool db_doomed(const db *d);
/* Bulk work inside a transaction (a month's dues sheets for a province):
 * the setting db-bulk-mb of memory for it — SQLite's page cache of this connection, so the
 * act's index inserts and lookups stay in memory instead of thrashing a
 * 64 MiB cache over a file of gigabytes; PostgreSQL's work_mem for the rest
 * of the transaction (SET LOCAL), so its hash joins and sorts stay in
 * memory.  db_bulk_end gives SQLite's cache back (the pages above the usual
 * size are freed); PostgreSQL's ends with the transaction.  0: no change. */
st db_bulk_begin(db *d, err *e);
void db_bulk_end(db *d);

st db_prepare(db *d, const char *sql, db_stmt **out, err *e);
void db_bind_text(db_stmt *s, int idx, const char *v);     /* 1-based; NULL binds NULL */
void db_bind_int(db_stmt *s, int idx, int64_t v);
void db_bind_double(db_stmt *s, int idx, double v);
void db_bind_null(db_stmt *s, int idx);
void db_bind_blob(db_stmt *s, int idx, const void *p, size_t n);
int db_step(db_stmt *s, err *e);                     /* DB_ROW, DB_DONE or DB_ERROR */
int db_col_count(db_stmt *s);
const char *db_col_name(db_stmt *s, int col);
bool db_col_null(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col);        /* NULL when NULL; valid until next step */
int64_t db_col_int(db_stmt *s, int col);
double db_col_double(db_stmt *s, int col);
const void *db_col_blob(db_stmt *s, int col, size_t *n);
void db_reset(db_stmt *s);
/* Before the first db_step: the rows handed over one at a time, not the whole result held in memory
 * first (PostgreSQL's single-row mode; SQLite reads so anyway) — for results of hundreds of thousands
 * of rows.  No other statement may run on the connection until this one is read to its end or reset. */
void db_stream(db_stmt *s);

/* Run a statement with parameters given by a type string.  To learn whether
 * an INSERT ... ON CONFLICT DO NOTHING wrote, use db_query_int with RETURNING
 * (ST_NOT_FOUND: it did not). */
st db_run(db *d, const char *sql, err *e, const char *types, ...);
/* First column of the first row as an integer; ST_NOT_FOUND when no row. */
st db_query_int(db *d, int64_t *out, const char *sql, err *e, const char *types, ...);
/* First column of the first row as text (malloc'ed, caller frees); ST_NOT_FOUND when no row. */
st db_query_text(db *d, char **out, const char *sql, err *e, const char *types, ...);
/* All rows as a JSON array of objects keyed by column name (numbers stay numbers). */
st db_query_json(db *d, json_t **out, const char *sql, err *e, const char *types, ...);
/* The same for a statement already bound: appends rows to arr, up to max (0 = all). */
st db_rows_json(db_stmt *s, json_t *arr, size_t max, err *e);

/* Migrations embedded in the binary (src/db/migrations/NNNN_name.sql), each in a
 * transaction, recorded in schema_migrations.  *applied gets how many ran. */
st db_migrate(db *d, int *applied, err *e);
/* SQLite online backup to a new file (ST_UNSUPPORTED for PostgreSQL: use pg_dump). */
st db_backup(db *d, const char *to_path, err *e);

/* Connection pool for the server's threads. */
st db_pool_open(const char *url, int n, db_pool **out, err *e);
db *db_pool_get(db_pool *p);      /* blocks until one is free */
void db_pool_put(db_pool *p, db *d);
void db_pool_close(db_pool *p);

/* A read replica (--db-read, issue 20): a pool of connections to a PostgreSQL
 * streaming replica for the reads that may be a moment old (lists, statistics,
 * reports).  Read-your-own-write: after a write the caller keeps the primary's
 * WAL position (db_wal_lsn), and a read is sent to the replica only once the
 * replica has replayed up to it.  A replica that is down, unreachable or not in
 * recovery is never an error: db_replica_get answers NULL (read the primary),
 * logs a warning once, and tries again after db-read-retry seconds. */
typedef struct db_replica db_replica;
/* Only opening fails (not a PostgreSQL URL, no memory); an unreachable replica
 * gives a pool whose connections open when it comes up. */
st db_replica_open(const char *url, int n, db_replica **out, err *e);
void db_replica_close(db_replica *rp);
/* A replica connection that has replayed min_lsn ("X/Y"; NULL or "" = any),
 * or NULL: read the primary.  Give it back with db_replica_put. */
db *db_replica_get(db_replica *rp, const char *min_lsn);
void db_replica_put(db_replica *rp, db *d);
/* A read on d (from db_replica_get) failed because the replica went away:
 * no read goes there for db-read-retry seconds. */
void db_replica_failed(db_replica *rp, const char *why);
/* The primary's WAL position now ("X/Y", at most 32 bytes with the NUL): after
 * a commit, what a replica must have replayed to show it. */
st db_wal_lsn(db *primary, char out[32], err *e);
/* Is s a WAL position as PostgreSQL writes it (hex "X/Y", up to 8 digits each)? */
bool db_lsn_valid(const char *s);

#endif
