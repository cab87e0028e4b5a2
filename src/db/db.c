/* db — dispatch to the backend, SQL rewriting, one-shot helpers, JSON rows,
 * migrations and the connection pool.  See db.h for the contract. */
#include "db_impl.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/embed.h"
#include "core/log.h"
#include "db/seed.h"

static double mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- the write queue ----
 *
 * SQLite has one writer.  Left to itself, a writer that finds the lock taken
 * polls it (the busy handler) and gives up after busy-timeout, whatever was
 * ahead of it — so a login behind a long import failed with "database is
 * locked".  The connections of a pool therefore queue their write
 * transactions here, first come first served: db_begin waits for its turn
 * (up to write-queue-timeout), and the turn passes on at commit or rollback.
 * The busy timeout still governs writers of other processes (a CLI import
 * beside the server) and single statements outside a transaction. */
typedef struct gate_waiter {
    struct gate_waiter *next;
    bool turn;
} gate_waiter;

struct db_gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* on CLOCK_MONOTONIC */
    bool busy;              /* a transaction holds the turn */
    gate_waiter *head, *tail;
};

static db_gate *gate_new(void) {
    db_gate *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &a);
    pthread_condattr_destroy(&a);
    return g;
}

static void gate_free(db_gate *g) {
    if (!g) return;
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    free(g);
}

/* Wait for d's turn to write.  *took tells whether this call took it (a
 * connection already holding its turn does not queue again). */
static st gate_enter(db *d, bool *took, err *e) {
    *took = false;
    db_gate *g = d->gate;
    if (!g || d->gated) return ST_OK;
    pthread_mutex_lock(&g->mu);
    if (!g->busy && !g->head) {
        g->busy = true;
    } else {
        gate_waiter w = {NULL, false};
        if (g->tail) g->tail->next = &w;
        else g->head = &w;
        g->tail = &w;
        long ms = cfg_int("write-queue-timeout");
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int rc = 0;
        while (!w.turn && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&g->cv, &g->mu, &until);
        if (!w.turn) {   /* gave up: leave the queue */
            gate_waiter **pp = &g->head, *prev = NULL;
            while (*pp && *pp != &w) {
                prev = *pp;
                pp = &(*pp)->next;
            }
            if (*pp) *pp = w.next;
            if (g->tail == &w) g->tail = prev;
            pthread_mutex_unlock(&g->mu);
            log_warn("db: a write waited %ld ms for its turn and gave up", ms);
            return err_set(e, ST_UNAVAILABLE, "数据库正忙（等待写入的操作太多），请稍后重试。");
        }
        /* the turn was handed over with busy still set */
    }
    pthread_mutex_unlock(&g->mu);
    d->gated = 1;
    *took = true;
    return ST_OK;
}

static void gate_leave(db *d) {
    db_gate *g = d->gate;
    if (!g || !d->gated) return;
    d->gated = 0;
    pthread_mutex_lock(&g->mu);
    gate_waiter *w = g->head;
    if (w) {   /* hand the turn to the first in line */
        g->head = w->next;
        if (!g->head) g->tail = NULL;
        w->turn = true;
        pthread_cond_broadcast(&g->cv);
    } else {
        g->busy = false;
    }
    pthread_mutex_unlock(&g->mu);
}

st db_open(const char *url, db **out, err *e) {
    *out = NULL;
    if (!url || !*url) return err_set(e, ST_INVALID, "未指定数据库（--db）。");
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return db_pgsql_open(url, out, e);
    if (strncmp(url, "sqlite:", 7) == 0) url += 7;
    return db_sqlite_open(url, out, e);
}

void db_close(db *d) {
    if (!d) return;
    if (d->in_tx) db_rollback_all(d);
    d->ops->close(d);
}

db_kind db_kind_of(const db *d) { return d->kind; }
const char *db_url(const db *d) { return d->url; }

st db_exec(db *d, const char *sql, err *e) {
    buf b;
    buf_init(&b, 0);
    st s = db_rewrite(d->kind, sql, &b);
    if (!s) s = d->ops->exec(d, b.data, e);
    else err_set(e, s, "内存不足");
    buf_free(&b);
    return s;
}

/* Transactions nest: the outermost db_begin opens the transaction (and on
 * SQLite waits for its turn to write), an inner one sets a savepoint, so a
 * store function that needs several statements to be atomic can begin and
 * commit whether or not its caller holds a transaction already.  An inner
 * rollback undoes only the inner part; the caller decides about the rest. */
st db_begin(db *d, err *e) {
    if (d->in_tx > 0 && d->flat) {   /* no savepoint: a failure inside dooms the whole */
        d->in_tx++;
        return ST_OK;
    }
    if (d->in_tx > 0) {
        char sql[40];
        snprintf(sql, sizeof sql, "SAVEPOINT ejia_sp%d", d->in_tx);
        st s = d->ops->exec(d, sql, e);
        if (!s) d->in_tx++;
        return s;
    }
    bool took = false;
    st s = gate_enter(d, &took, e);
    if (s) return s;
    s = d->ops->exec(d, d->ops->begin_sql, e);
    if (!s) d->in_tx = 1;
    else if (took) gate_leave(d);
    return s;
}

st db_bulk_begin(db *d, err *e) {
    long mib = cfg_int("db-bulk-mb");
    if (mib <= 0) return ST_OK;
    char sql[64];
    if (d->kind == DB_SQLITE) snprintf(sql, sizeof sql, "PRAGMA cache_size=-%ld", mib * 1024);
    else snprintf(sql, sizeof sql, "SET LOCAL work_mem = '%ldMB'", mib);
    st s = db_exec(d, sql, e);
    /* and no JIT: compiling the expressions of a statement over millions of rows cost more than it saved
       (the dues' lines at 5,000,000 members: 28.9 s with it, 27.1 s without; bench/dues.txt) */
    if (!s && d->kind != DB_SQLITE) s = db_exec(d, "SET LOCAL jit = off", e);
    return s;
}

void db_bulk_end(db *d) {
    if (d->kind != DB_SQLITE) return;
    err e;
    if (db_exec(d, "PRAGMA cache_size=-" DB_STR(DB_SQLITE_CACHE_KIB), &e)) log_warn("db: the page cache was not given back: %s", e.msg);
}

st db_begin_flat(db *d, err *e) {
    if (d->in_tx > 0) return err_set(e, ST_INTERNAL, "内部错误：成组事务不能嵌套在其他事务之内。");
    st s = db_begin(d, e);
    if (!s) d->flat = true, d->doomed = false;
    return s;
}

bool db_doomed(const db *d) { return d->flat && d->doomed; }

st db_commit(db *d, err *e) {
    if (d->in_tx > 1 && d->flat) {
        d->in_tx--;
        return ST_OK;
    }
    if (d->in_tx == 1 && d->flat && d->doomed) {
        db_rollback(d);
        return err_set(e, ST_CONFLICT, "成组事务中有一项失败，已整体撤销。");
    }
    if (d->in_tx > 1) {
        char sql[48];
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT ejia_sp%d", d->in_tx - 1);
        st s = d->ops->exec(d, sql, e);
        if (s) db_rollback(d);
        else d->in_tx--;
        return s;
    }
    if (d->in_tx == 0) return err_set(e, ST_INTERNAL, "内部错误：提交时没有打开的事务。");
    st s = d->ops->exec(d, "COMMIT", e);
    if (s) db_rollback(d);
    d->in_tx = 0;
    d->flat = d->doomed = false;
    gate_leave(d);
    return s;
}

void db_rollback(db *d) {
    if (!d->in_tx) return;
    err e;
    if (d->in_tx > 1 && d->flat) {   /* what this level did stays until the whole rolls back */
        d->in_tx--;
        d->doomed = true;
        return;
    }
    if (d->in_tx > 1) {
        char sql[96];
        snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT ejia_sp%d; RELEASE SAVEPOINT ejia_sp%d", d->in_tx - 1, d->in_tx - 1);
        if (!d->broken && d->ops->exec(d, sql, &e)) log_warn("db: rollback to savepoint failed: %s", e.msg);
        d->in_tx--;
        return;
    }
    /* A lost connection took its transaction with it: nothing to roll back. */
    if (!d->broken && d->ops->exec(d, "ROLLBACK", &e)) log_warn("db: rollback failed: %s", e.msg);
    d->in_tx = 0;
    d->flat = d->doomed = false;
    gate_leave(d);
}

void db_rollback_all(db *d) {
    while (d->in_tx > 1) db_rollback(d);
    db_rollback(d);
}

int db_tx_depth(const db *d) { return d->in_tx; }

/* Placeholders: $N → ?N for SQLite.  {{NOW}}, {{ID}}, {{BLOB}}, {{TEXTCMP}}, {{ZH}}, {{WITHOUT_ROWID}}, {{PG_ONLY}},
 * {{OR_IGNORE}}, {{NOT_INDEXED}} → dialect.
 * String literals ('...'), quoted identifiers and -- comments are copied untouched. */
st db_rewrite(db_kind kind, const char *sql, buf *out) {
    static const struct { const char *tok, *lite, *pg; } toks[] = {
        {"{{NOW}}", "CAST(strftime('%s','now') AS INTEGER)", "CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)"},
        {"{{ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
        {"{{BLOB}}", "BLOB", "BYTEA"},
        {"{{TEXTCMP}}", "", " COLLATE \"C\""},
        /* Chinese names in pinyin order (core/collate.h): ICU "zh" on both */
        {"{{ZH}}", " COLLATE ZH", " COLLATE \"zh-x-icu\""},
        /* a table that is its primary key: one B-tree on SQLite, not a row table and its index */
        {"{{WITHOUT_ROWID}}", " WITHOUT ROWID", ""},
        /* a line only PostgreSQL runs (SQLite reads it as a comment): what SQLite has already, such as
           an index that covers a table SQLite keeps as its key */
        {"{{PG_ONLY}}", "--", ""},
        /* INSERT{{OR_IGNORE}} INTO … ON CONFLICT DO NOTHING: on SQLite, with no
           constraint left that can abort the statement (and no foreign key on
           the table), the statement keeps no statement journal — a copy of
           every page it changes, which for 5,000,000 rows inside a
           transaction outgrew the temporary store (dues_store.c) */
        {"{{OR_IGNORE}}", " OR IGNORE", ""},
        /* FROM t{{NOT_INDEXED}}: read the whole table in its own order, where SQLite's planner would
           walk an index and fetch every row out of order (PostgreSQL plans a whole-table read itself) */
        {"{{NOT_INDEXED}}", " NOT INDEXED", ""},
    };
    buf_reset(out);
    for (const char *p = sql; *p;) {
        if (p[0] == '-' && p[1] == '-') {  /* comment: copy to the end of the line */
            size_t n = strcspn(p, "\n");
            if (buf_append(out, p, n)) return ST_NOMEM;
            p += n;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            char q = *p;
            const char *end = p + 1;
            while (*end && !(*end == q && end[1] != q)) end += (*end == q) ? 2 : 1;
            if (*end) end++;
            if (buf_append(out, p, (size_t)(end - p))) return ST_NOMEM;
            p = end;
            continue;
        }
        if (*p == '$' && kind == DB_SQLITE && isdigit((unsigned char)p[1])) {
            if (buf_putc(out, '?')) return ST_NOMEM;
            p++;
            continue;
        }
        if (*p == '{' && p[1] == '{') {
            bool done = false;
            for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) {
                size_t n = strlen(toks[i].tok);
                if (strncmp(p, toks[i].tok, n) == 0) {
                    if (buf_puts(out, kind == DB_SQLITE ? toks[i].lite : toks[i].pg)) return ST_NOMEM;
                    p += n;
                    done = true;
                    break;
                }
            }
            if (done) continue;
        }
        if (buf_putc(out, *p++)) return ST_NOMEM;
    }
    if (!out->data && buf_puts(out, "")) return ST_NOMEM;
    return ST_OK;
}

st db_prepare(db *d, const char *sql, db_stmt **out, err *e) {
    /* A statement prepared before is found by its text as written: no rewriting on the way
     * (the rewrite of every call was 4 % of a roster import). */
    st c = d->ops->prepare(d, sql, NULL, out, e);
    if (c != ST_NOT_FOUND) return c;
    buf b;
    buf_init(&b, 0);
    st s = db_rewrite(d->kind, sql, &b);
    if (!s) s = d->ops->prepare(d, sql, b.data, out, e);
    else err_set(e, s, "内存不足");
    buf_free(&b);
    return s;
}

/* Statements remember their connection in their first field (both backends). */
typedef struct db_stmt_head { db *d; } db_stmt_head;
#define OPS(s) (((db_stmt_head *)(s))->d->ops)

void db_bind_text(db_stmt *s, int i, const char *v) {
    OPS(s)->bind(s, i, v ? 't' : 'n', v, v ? strlen(v) : 0);
}
void db_bind_int(db_stmt *s, int i, int64_t v) { OPS(s)->bind(s, i, 'i', &v, sizeof v); }
void db_bind_double(db_stmt *s, int i, double v) { OPS(s)->bind(s, i, 'd', &v, sizeof v); }
void db_bind_null(db_stmt *s, int i) { OPS(s)->bind(s, i, 'n', NULL, 0); }
void db_bind_blob(db_stmt *s, int i, const void *p, size_t n) { OPS(s)->bind(s, i, 'b', p, n); }
int db_step(db_stmt *s, err *e) { return OPS(s)->step(s, e); }
int db_col_count(db_stmt *s) { return OPS(s)->col_count(s); }
const char *db_col_name(db_stmt *s, int c) { return OPS(s)->col_name(s, c); }
bool db_col_null(db_stmt *s, int c) { return OPS(s)->col_type(s, c) == 'n'; }
const char *db_col_text(db_stmt *s, int c) { return OPS(s)->col_text(s, c); }
int64_t db_col_int(db_stmt *s, int c) {
    if (OPS(s)->col_int) return OPS(s)->col_int(s, c);
    const char *t = OPS(s)->col_text(s, c);
    return t ? strtoll(t, NULL, 10) : 0;
}
double db_col_double(db_stmt *s, int c) {
    const char *t = OPS(s)->col_text(s, c);
    return t ? strtod(t, NULL) : 0.0;
}
const void *db_col_blob(db_stmt *s, int c, size_t *n) { return OPS(s)->col_blob(s, c, n); }
void db_stream(db_stmt *s) {
    if (OPS(s)->stream) OPS(s)->stream(s);
}
void db_reset(db_stmt *s) { OPS(s)->reset(s); }

static void db_bind_va(db_stmt *q, const char *types, va_list ap) {
    for (int i = 0; types && types[i]; i++) {
        switch (types[i]) {
        case 't': db_bind_text(q, i + 1, va_arg(ap, const char *)); break;
        case 'i': db_bind_int(q, i + 1, va_arg(ap, int64_t)); break;
        case 'd': db_bind_double(q, i + 1, va_arg(ap, double)); break;
        case 'n': db_bind_null(q, i + 1); break;
        case 'b': {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            db_bind_blob(q, i + 1, p, n);
            break;
        }
        default: abort(); /* a bug in the caller's type string */
        }
    }
}

/* Prepare sql and bind the arguments described by types (see db.h). */
static st db_prepare_va(db *d, const char *sql, err *e, const char *types, va_list ap, db_stmt **q) {
    st s = db_prepare(d, sql, q, e);
    if (!s) db_bind_va(*q, types, ap);
    return s;
}

st db_run(db *d, const char *sql, err *e, const char *types, ...) {
    err tmp_e;
    if (!e) e = &tmp_e;
    db_stmt *q;
    va_list ap;
    va_start(ap, types);
    st s = db_prepare_va(d, sql, e, types, ap, &q);
    va_end(ap);
    if (s) return s;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {}
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

st db_query_int(db *d, int64_t *out, const char *sql, err *e, const char *types, ...) {
    err tmp_e;
    if (!e) e = &tmp_e;
    db_stmt *q;
    va_list ap;
    va_start(ap, types);
    st s = db_prepare_va(d, sql, e, types, ap, &q);
    va_end(ap);
    if (s) return s;
    int r = db_step(q, e);
    if (r == DB_ROW) *out = db_col_int(q, 0);
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "未找到记录。");
}

st db_query_text(db *d, char **out, const char *sql, err *e, const char *types, ...) {
    err tmp_e;
    if (!e) e = &tmp_e;
    *out = NULL;
    db_stmt *q;
    va_list ap;
    va_start(ap, types);
    st s = db_prepare_va(d, sql, e, types, ap, &q);
    va_end(ap);
    if (s) return s;
    int r = db_step(q, e);
    if (r == DB_ROW) {
        const char *t = db_col_text(q, 0);
        *out = strdup(t ? t : "");
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "未找到记录。");
}

st db_rows_json(db_stmt *q, json_t *arr, size_t max, err *e) {
    int r;
    size_t n = 0;
    while ((max == 0 || n < max) && (r = db_step(q, e)) == DB_ROW) {
        json_t *o = json_object();
        int nc = db_col_count(q);
        for (int c = 0; c < nc; c++) {
            const char *name = db_col_name(q, c);
            json_t *v;
            switch (OPS(q)->col_type(q, c)) {
            case 'n': v = json_null(); break;
            case 'i': v = json_integer(db_col_int(q, c)); break;
            case 'd': v = json_real(db_col_double(q, c)); break;
            default: {
                const char *t = db_col_text(q, c);
                v = json_string(t ? t : "");
                if (!v) v = json_stringn_nocheck(t, strlen(t));  /* not UTF-8: keep bytes visible */
            }
            }
            json_object_set_new(o, name, v);
        }
        json_array_append_new(arr, o);
        n++;
    }
    if (max && n >= max) return ST_OK;
    return r == DB_ERROR ? e->code : ST_OK;
}

st db_query_json(db *d, json_t **out, const char *sql, err *e, const char *types, ...) {
    err tmp_e;
    if (!e) e = &tmp_e;
    *out = NULL;
    db_stmt *q;
    va_list ap;
    va_start(ap, types);
    st s = db_prepare_va(d, sql, e, types, ap, &q);
    va_end(ap);
    if (s) return s;
    json_t *arr = json_array();
    s = db_rows_json(q, arr, 0, e);
    db_reset(q);
    if (s) {
        json_decref(arr);
        return s;
    }
    *out = arr;
    return ST_OK;
}

/* ---- migrations ---- */

static int db_mig_cmp(const void *a, const void *b) {
    const struct embedded_file *x = *(const struct embedded_file *const *)a;
    const struct embedded_file *y = *(const struct embedded_file *const *)b;
    return strcmp(x->name, y->name);
}

st db_migrate(db *d, int *applied, err *e) {
    *applied = 0;
    st s = db_exec(d,
                   "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                   "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                   e);
    if (s) return s;
    /* Several servers may start at once against one PostgreSQL: serialize. */
    if (d->kind == DB_PGSQL && (s = db_exec(d, "SELECT pg_advisory_lock(20180419)", e))) return s;
    const struct embedded_file *migs[512];
    size_t n = 0;
    for (const struct embedded_file *f = embedded_files; f->name && n < 512; f++)
        if (strstr(f->name, "src/db/migrations/") && strstr(f->name, ".sql")) migs[n++] = f;
    qsort(migs, n, sizeof migs[0], db_mig_cmp);
    for (size_t i = 0; i < n && !s; i++) {
        const char *base = strrchr(migs[i]->name, '/') + 1;
        long version = strtol(base, NULL, 10);
        int64_t have = 0;
        s = db_query_int(d, &have, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", e,
                         "i", (int64_t)version);
        if (s || have) continue;
        if ((s = db_begin(d, e))) break;
        s = db_exec(d, (const char *)migs[i]->data, e);
        if (!s)
            s = db_run(d, "INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, {{NOW}})",
                       e, "it", (int64_t)version, base);
        if (!s) s = db_commit(d, e);
        else {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            db_rollback(d);
            err_set(e, s, "迁移 %s 失败：%s", base, msg);
        }
        if (!s) {
            (*applied)++;
            log_info("db: applied migration %s", base);
        }
    }
    if (!s) s = db_seed_regions(d, e);
    if (d->kind == DB_PGSQL) {
        err e2;
        db_exec(d, "SELECT pg_advisory_unlock(20180419)", &e2);
    }
    return s;
}

st db_backup(db *d, const char *to, err *e) {
    if (d->kind != DB_SQLITE)
        return err_set(e, ST_UNSUPPORTED, "PostgreSQL 数据库请用 pg_dump 备份。");
    return db_sqlite_backup(d, to, e);
}

/* ---- pool ---- */

struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int n, nfree;
    db **all, **free;
    /* Bumped when a connection is found lost: the others were opened to the
     * same server and are most likely lost too, so each reopens before its
     * next use instead of failing one more request. */
    unsigned epoch;
    db_gate *gate;   /* SQLite: the write queue of all its connections */
};

st db_pool_open(const char *url, int n, db_pool **out, err *e) { return db_pool_open_with(url, n, db_open, out, e); }

st db_pool_open_with(const char *url, int n, st (*open)(const char *url, db **out, err *e), db_pool **out, err *e) {
    *out = NULL;
    db_pool *p = calloc(1, sizeof *p);
    if (!p) return err_set(e, ST_NOMEM, "内存不足");
    p->all = calloc((size_t)n, sizeof *p->all);
    p->free = calloc((size_t)n, sizeof *p->free);
    if (!p->all || !p->free) {
        free(p->all);
        free(p->free);
        free(p);
        return err_set(e, ST_NOMEM, "内存不足");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (int i = 0; i < n; i++) {
        st s = open(url, &p->all[i], e);
        if (!s && p->all[i]->kind == DB_SQLITE && !p->gate && !(p->gate = gate_new()))
            s = err_set(e, ST_NOMEM, "内存不足");
        if (s) {
            if (p->all[i]) db_close(p->all[i]);
            p->n = i;
            db_pool_close(p);
            return s;
        }
        p->all[i]->gate = p->gate;
        p->free[p->nfree++] = p->all[i];
    }
    p->n = n;
    *out = p;
    return ST_OK;
}

/* Reopen d if it was lost, or opened before the pool last saw a connection
 * lost.  While the server stays down, at most one attempt a second per
 * connection (libpq's connect_timeout bounds one); meanwhile d stays broken
 * and its calls fail at once with ST_UNAVAILABLE (503, Retry-After). */
static void pool_revive(db *d, unsigned epoch) {
    double now = mono_ms();
    if (d->broken && now < d->retry_at) return;
    err e;
    err_clear(&e);
    if (d->ops->reconnect(d, &e) == ST_OK) {
        if (d->broken) log_info("db: connection reopened");
        d->broken = 0;
        d->epoch = epoch;
    } else {
        d->broken = 1;
        d->retry_at = now + 1000;
        log_warn("db: cannot reopen the connection yet: %s", e.msg);
    }
}

db *db_pool_get(db_pool *p) {
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0) pthread_cond_wait(&p->cv, &p->mu);
    db *d = p->free[--p->nfree];
    unsigned epoch = p->epoch;
    pthread_mutex_unlock(&p->mu);
    if (d->ops->reconnect && (d->broken || d->epoch != epoch)) pool_revive(d, epoch);
    return d;
}

void db_pool_put(db_pool *p, db *d) {
    if (d->in_tx) db_rollback_all(d);  /* a handler that forgot: never leak a transaction */
    pthread_mutex_lock(&p->mu);
    if (d->broken && d->epoch == p->epoch) p->epoch++;
    p->free[p->nfree++] = d;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void db_pool_close(db_pool *p) {
    if (!p) return;
    for (int i = 0; i < p->n; i++) db_close(p->all[i]);
    gate_free(p->gate);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->all);
    free(p->free);
    free(p);
}
