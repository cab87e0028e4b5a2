/* db_impl — what the two backends share with db.c; not for use outside src/db. */
#ifndef EJIA_DB_IMPL_H
#define EJIA_DB_IMPL_H

#include "db.h"
#include "core/buf.h"

typedef struct db_ops {
    st (*exec)(db *d, const char *sql, err *e);
    /* rewritten NULL: only a statement cached under sql, else ST_NOT_FOUND (no error set) */
    st (*prepare)(db *d, const char *sql, const char *rewritten, db_stmt **out, err *e);
    void (*bind)(db_stmt *s, int idx, int type, const void *p, size_t n);  /* type: 't','i','d','n','b' */
    int (*step)(db_stmt *s, err *e);
    int (*col_count)(db_stmt *s);
    const char *(*col_name)(db_stmt *s, int col);
    int (*col_type)(db_stmt *s, int col);   /* 'n' null, 'i' integer, 'd' real, 't' text, 'b' blob */
    const char *(*col_text)(db_stmt *s, int col);
    /* the integer without its text (NULL: read from col_text) — a province's roll-ups read millions */
    int64_t (*col_int)(db_stmt *s, int col);
    void (*stream)(db_stmt *s);   /* NULL: rows come one at a time anyway (SQLite) */
    const void *(*col_blob)(db_stmt *s, int col, size_t *n);
    void (*reset)(db_stmt *s);
    void (*close)(db *d);
    /* Reopen a lost connection in place, statements forgotten (NULL: the
     * backend never loses one — SQLite).  Called by the pool only, between
     * requests, when no statement of d is in use. */
    st (*reconnect)(db *d, err *e);
    const char *begin_sql;
} db_ops;

/* The write queue of a pool on SQLite (db.c). */
typedef struct db_gate db_gate;

struct db {
    const db_ops *ops;
    db_kind kind;
    char *url;
    int in_tx;                 /* transaction depth: 1 = the transaction, more = savepoints */
    bool flat;                 /* db_begin_flat: inner levels are counted, not savepoints */
    bool doomed;               /* flat: an inner level rolled back, so the whole must */
    /* The connection is gone (server restarted, network cut): every call fails
     * at once with ST_UNAVAILABLE until the pool reopens it. Set by the backend. */
    int broken;
    unsigned epoch;       /* the pool's epoch when this connection was (re)opened */
    double retry_at;      /* monotonic ms: no reconnect attempt before then */
    db_gate *gate;        /* SQLite in a pool: write transactions take turns here */
    int gated;            /* holds its turn */
    void *impl;
};

/* Messages for the user when the database cannot serve now (503, Retry-After):
 * Chinese, no library text — that goes to the log. */
#define DB_MSG_LOST "暂时无法连接数据库（连接已中断，正在重新连接），请稍后重试。"
#define DB_MSG_BUSY "数据库正忙（另一项写入尚未完成），请稍后重试。"

/* SQLite's page cache of a connection, KiB (a negative cache_size): coverage over a
 * province's ledger reads every enterprise; db_bulk_end returns to it. */
#define DB_SQLITE_CACHE_KIB 65536
#define DB_STR_(x) #x
#define DB_STR(x) DB_STR_(x)

/* Rewrite portable SQL for a dialect into out (see db.h). */
st db_rewrite(db_kind kind, const char *sql, buf *out);

st db_sqlite_open(const char *path, db **out, err *e);
st db_pgsql_open(const char *url, db **out, err *e);
st db_sqlite_backup(db *d, const char *to, err *e);
/* db_pgsql_open, but a server that does not answer yet gives a connection
 * marked broken (the pool reopens it before a use) instead of an error. */
st db_pgsql_open_standby(const char *url, db **out, err *e);
/* db_pool_open with the given way of opening each connection. */
st db_pool_open_with(const char *url, int n, st (*open)(const char *url, db **out, err *e), db_pool **out, err *e);

#endif
