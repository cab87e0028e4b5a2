/* db_impl — what the two backends share with db.c; not for use outside src/db. */
#ifndef EJIA_DB_IMPL_H
#define EJIA_DB_IMPL_H

#include "db.h"
#include "core/buf.h"

typedef struct db_ops {
    st (*exec)(db *d, const char *sql, err *e);
    st (*prepare)(db *d, const char *sql, const char *rewritten, db_stmt **out, err *e);
    void (*bind)(db_stmt *s, int idx, int type, const void *p, size_t n);  /* type: 't','i','d','n','b' */
    int (*step)(db_stmt *s, err *e);
    int (*col_count)(db_stmt *s);
    const char *(*col_name)(db_stmt *s, int col);
    int (*col_type)(db_stmt *s, int col);   /* 'n' null, 'i' integer, 'd' real, 't' text, 'b' blob */
    const char *(*col_text)(db_stmt *s, int col);
    const void *(*col_blob)(db_stmt *s, int col, size_t *n);
    void (*reset)(db_stmt *s);
    void (*close)(db *d);
    const char *begin_sql;
} db_ops;

struct db {
    const db_ops *ops;
    db_kind kind;
    char *url;
    int in_tx;
    void *impl;
};

/* Rewrite portable SQL for a dialect into out (see db.h). */
st db_rewrite(db_kind kind, const char *sql, buf *out);

st db_sqlite_open(const char *path, db **out, err *e);
st db_pgsql_open(const char *url, db **out, err *e);
st db_sqlite_backup(db *d, const char *to, err *e);

#endif
