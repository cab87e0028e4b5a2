/* db_sqlite — the SQLite backend.
 *
 * Opened with WAL, foreign keys, synchronous=FULL (an acknowledged write
 * survives power loss), secure_delete (deleted personal data is overwritten)
 * and a busy timeout (several connections of the server's pool write in turn).
 * Statements are cached per connection keyed by the portable SQL pointer. */
#include "db_impl.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collate.h"
#include "core/config.h"
#include "core/log.h"

#define CACHE_SIZE 256

typedef struct lite_stmt {
    db *d;                 /* first: see db.c OPS() */
    sqlite3_stmt *st;
    const char *key;       /* portable SQL pointer */
    char *text;            /* its text: a pointer may be reused for other SQL (built per request) */
    int done;              /* last step returned DONE */
    unsigned long used;    /* when it was last handed out (the eviction's order) */
} lite_stmt;

typedef struct lite {
    sqlite3 *h;
    lite_stmt cache[CACHE_SIZE];
    int ncache;
    unsigned long tick;
} lite;

static st lite_err(db *d, err *e, const char *what) {
    lite *l = d->impl;
    int code = sqlite3_extended_errcode(l->h);
    st s = ST_DB;
    int prim = code & 0xff;
    if (prim == SQLITE_CONSTRAINT) s = ST_CONFLICT;
    else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) s = ST_UNAVAILABLE;
    else if (prim == SQLITE_NOMEM) s = ST_NOMEM;
    if (s == ST_UNAVAILABLE) {
        /* Waited busy-timeout for another writer (another process, or a single
         * statement outside the write queue): a 503 with Retry-After; SQLite's
         * own words go to the log only. */
        log_warn("db: sqlite busy (%s): %s", what, sqlite3_errmsg(l->h));
        return err_set(e, s, DB_MSG_BUSY);
    }
    return err_set(e, s, "数据库错误（%s）：%s", what, sqlite3_errmsg(l->h));
}

static st lite_exec(db *d, const char *sql, err *e) {
    lite *l = d->impl;
    char *msg = NULL;
    if (sqlite3_exec(l->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        st s = lite_err(d, e, "执行");
        sqlite3_free(msg);
        return s;
    }
    return ST_OK;
}

static st lite_prepare(db *d, const char *key, const char *sql, db_stmt **out, err *e) {
    lite *l = d->impl;
    for (int i = 0; i < l->ncache; i++)
        if (l->cache[i].key == key && !strcmp(l->cache[i].text, key)) {
            l->cache[i].used = ++l->tick;
            *out = (db_stmt *)&l->cache[i];
            return ST_OK;
        }
    for (int i = 0; i < l->ncache; i++)   /* the same SQL built again elsewhere */
        if (!strcmp(l->cache[i].text, key)) {
            l->cache[i].key = key;
            l->cache[i].used = ++l->tick;
            *out = (db_stmt *)&l->cache[i];
            return ST_OK;
        }
    if (!sql) return ST_NOT_FOUND;   /* asked for a cached one only (db_prepare) */
    char *text = strdup(key);
    if (!text) return err_set(e, ST_NOMEM, "内存不足");
    sqlite3_stmt *ps = NULL;
    if (sqlite3_prepare_v3(l->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &ps, NULL) != SQLITE_OK) {
        free(text);
        return lite_err(d, e, "准备语句");
    }
    lite_stmt *ls;
    if (l->ncache < CACHE_SIZE) ls = &l->cache[l->ncache++];
    else {
        /* Cache full (dynamic SQL): evict the statement handed out longest ago that is not
           being stepped — never one a caller still holds (a use case that prepares two
           statements before stepping them must not get the first one's slot back). */
        ls = NULL;
        for (int i = 0; i < CACHE_SIZE; i++)
            if (!sqlite3_stmt_busy(l->cache[i].st) && (!ls || l->cache[i].used < ls->used)) ls = &l->cache[i];
        if (!ls) {
            sqlite3_finalize(ps);
            free(text);
            return err_set(e, ST_INTERNAL, "同时使用的 SQL 语句过多（%d）。", CACHE_SIZE);
        }
        sqlite3_finalize(ls->st);
        free(ls->text);
    }
    ls->d = d;
    ls->st = ps;
    ls->key = key;
    ls->text = text;
    ls->done = 0;
    ls->used = ++l->tick;
    *out = (db_stmt *)ls;
    return ST_OK;
}

static void lite_bind(db_stmt *s, int i, int type, const void *p, size_t n) {
    lite_stmt *ls = (lite_stmt *)s;
    switch (type) {
    case 't': sqlite3_bind_text(ls->st, i, p, (int)n, SQLITE_TRANSIENT); break;
    case 'i': sqlite3_bind_int64(ls->st, i, *(const int64_t *)p); break;
    case 'd': sqlite3_bind_double(ls->st, i, *(const double *)p); break;
    case 'b': sqlite3_bind_blob(ls->st, i, p, (int)n, SQLITE_TRANSIENT); break;
    default: sqlite3_bind_null(ls->st, i);
    }
}

static int lite_step(db_stmt *s, err *e) {
    lite_stmt *ls = (lite_stmt *)s;
    int r = sqlite3_step(ls->st);
    if (r == SQLITE_ROW) return DB_ROW;
    if (r == SQLITE_DONE) {
        ls->done = 1;
        return DB_DONE;
    }
    st st_ = lite_err(ls->d, e, "执行语句");
    /* a failure that is not the data's (a full disk, a corrupt file): which statement, for the
       log (the SQL's text only — the values are bound, never in it) */
    if (st_ == ST_DB) log_warn("db: sqlite: %s in: %.200s", sqlite3_errmsg(sqlite3_db_handle(ls->st)), sqlite3_sql(ls->st));
    return DB_ERROR;
}

static int lite_col_count(db_stmt *s) { return sqlite3_column_count(((lite_stmt *)s)->st); }
static const char *lite_col_name(db_stmt *s, int c) { return sqlite3_column_name(((lite_stmt *)s)->st, c); }
static int lite_col_type(db_stmt *s, int c) {
    switch (sqlite3_column_type(((lite_stmt *)s)->st, c)) {
    case SQLITE_NULL: return 'n';
    case SQLITE_INTEGER: return 'i';
    case SQLITE_FLOAT: return 'd';
    case SQLITE_BLOB: return 'b';
    default: return 't';
    }
}
static const char *lite_col_text(db_stmt *s, int c) {
    return (const char *)sqlite3_column_text(((lite_stmt *)s)->st, c);
}
/* as strtoll of the text would give (a NULL is 0), without making the text */
static int64_t lite_col_int(db_stmt *s, int c) { return (int64_t)sqlite3_column_int64(((lite_stmt *)s)->st, c); }
static const void *lite_col_blob(db_stmt *s, int c, size_t *n) {
    lite_stmt *ls = (lite_stmt *)s;
    const void *p = sqlite3_column_blob(ls->st, c);
    *n = (size_t)sqlite3_column_bytes(ls->st, c);
    return p;
}
static void lite_reset(db_stmt *s) {
    lite_stmt *ls = (lite_stmt *)s;
    sqlite3_reset(ls->st);
    sqlite3_clear_bindings(ls->st);
    ls->done = 0;
}

static void lite_close(db *d) {
    lite *l = d->impl;
    for (int i = 0; i < l->ncache; i++) {
        sqlite3_finalize(l->cache[i].st);
        free(l->cache[i].text);
    }
    sqlite3_close(l->h);
    free(l);
    free(d->url);
    free(d);
}

static const db_ops lite_ops = {
    .exec = lite_exec, .prepare = lite_prepare, .bind = lite_bind, .step = lite_step,
    .col_count = lite_col_count, .col_name = lite_col_name, .col_type = lite_col_type,
    .col_text = lite_col_text, .col_int = lite_col_int, .col_blob = lite_col_blob, .reset = lite_reset,
    .close = lite_close, .begin_sql = "BEGIN IMMEDIATE",
};

static int lite_collate_zh(void *ctx, int an, const void *a, int bn, const void *b) {
    (void)ctx;
    return collate_zh(a, (size_t)an, b, (size_t)bn);
}

/* Statement journals (the pages a statement changes inside a longer
 * transaction, kept until the statement ends) stay in memory, never spilled
 * to a temporary file (SQLITE_CONFIG_STMTJRNL_SPILL -1):
 * - SQLite's 64 KiB spill made a roster import, one transaction per file,
 *   write each row's two dozen index and table pages to a file in /var/tmp
 *   (bench/members: about 9 GB of writes for 100,000 rows);
 * - a journal that spilled after being truncated failed in SQLite 3.40 with
 *   "database or disk is full" (1–32 MiB thresholds, no failing system call)
 *   — a month's dues sheets for 5,000,000 members hit it (bench/dues.txt:
 *   their sheets reuse the free pages of old lines, and a reused page is
 *   journaled);
 * - a larger threshold is no cure: an in-memory journal is allocated in
 *   chunks of the threshold's size (256 MiB made every journaled statement
 *   allocate 256 MiB), while -1 allocates 1 KiB chunks as it grows.
 * The memory a statement's journal takes is the pages it changes: the bulk
 * statements that change millions of rows keep none (INSERT{{OR_IGNORE}},
 * db.c), and the command line's groups are flat transactions
 * (db_begin_flat) rather than savepoints.  Process-wide, so set once before
 * the first connection. */
static pthread_once_t lite_once = PTHREAD_ONCE_INIT;
static void lite_configure(void) { sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1); }

st db_sqlite_open(const char *path, db **out, err *e) {
    db *d = calloc(1, sizeof *d);
    lite *l = calloc(1, sizeof *l);
    if (!d || !l) {
        free(d);
        free(l);
        return err_set(e, ST_NOMEM, "内存不足");
    }
    d->ops = &lite_ops;
    d->kind = DB_SQLITE;
    d->url = strdup(path);
    d->impl = l;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    pthread_once(&lite_once, lite_configure);
    if (sqlite3_open_v2(path, &l->h, flags, NULL) != SQLITE_OK) {
        err_set(e, ST_IO, "无法打开数据库文件 %s：%s。请检查路径和权限。", path,
                l->h ? sqlite3_errmsg(l->h) : "内存不足");
        lite_close(d);
        return ST_IO;
    }
    /* COLLATE ZH (the {{ZH}} token): pinyin order, as PostgreSQL's "zh-x-icu" */
    sqlite3_create_collation_v2(l->h, "ZH", SQLITE_UTF8, NULL, lite_collate_zh, NULL);
    sqlite3_busy_timeout(l->h, (int)cfg_int("busy-timeout"));
    sqlite3_extended_result_codes(l->h, 1);
    st s = lite_exec(d,
                     "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                     "PRAGMA secure_delete=ON;"
                     /* a larger page cache (db_impl.h) */
                     "PRAGMA cache_size=-" DB_STR(DB_SQLITE_CACHE_KIB) ";",
                     e);
    /* Memory-mapped reads are off unless set (sqlite-mmap-mb): they make a cold scan of
     * the whole ledger about 1.5 times faster, but whenever another connection has
     * committed, SQLite unmaps a connection's whole mapping at its next read and faults
     * the pages back in — with the members' small writes all day (a 主题党日 morning's
     * check-ins) that doubled the server's CPU per write (bench/meetings.txt). */
    if (!s && cfg_int("sqlite-mmap-mb") > 0) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA mmap_size=%lld;", (long long)cfg_int("sqlite-mmap-mb") * 1048576LL);
        s = lite_exec(d, pragma, e);
    }
    if (s) {
        char why[sizeof e->msg];   /* not e->msg itself: err_set writes there */
        snprintf(why, sizeof why, "%s", e ? e->msg : "");
        err_set(e, ST_IO, "无法使用数据库文件 %s：%s（文件是否为 SQLite 数据库？）", path, why);
        lite_close(d);
        return ST_IO;
    }
    *out = d;
    return ST_OK;
}

st db_sqlite_backup(db *d, const char *to, err *e) {
    lite *l = d->impl;
    sqlite3 *dst = NULL;
    if (sqlite3_open(to, &dst) != SQLITE_OK) {
        err_set(e, ST_IO, "无法创建备份文件 %s：%s", to, dst ? sqlite3_errmsg(dst) : "内存不足");
        sqlite3_close(dst);
        return ST_IO;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", l->h, "main");
    if (!b) {
        err_set(e, ST_IO, "备份失败：%s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return ST_IO;
    }
    int r;
    /* Copy in steps so that writers are not blocked for the whole copy. */
    while ((r = sqlite3_backup_step(b, 256)) == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED)
        sqlite3_sleep(5);
    sqlite3_backup_finish(b);
    st s = ST_OK;
    if (r != SQLITE_DONE) s = err_set(e, ST_IO, "备份失败：%s", sqlite3_errstr(r));
    sqlite3_close(dst);
    return s;
}
