/* db_pgsql — the PostgreSQL backend (libpq).
 *
 * Statements are prepared on the server once per connection (names s0, s1...)
 * and executed with text parameters; blobs go as binary parameters.  A result
 * is fetched whole on the first step (queries here return pages, not
 * millions of rows; bulk paths use their own cursors). */
#include "db_impl.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define PG_CACHE 256
#define PG_MAXP 64

typedef struct pg_stmt {
    db *d;                  /* first: see db.c OPS() */
    const char *key;
    char *text;             /* key's text: a pointer may be reused for other SQL (built per request) */
    char name[16];
    int nparams;
    char *vals[PG_MAXP];
    int lens[PG_MAXP], fmts[PG_MAXP];
    PGresult *res;
    int row, nrows;
    int *coltype;           /* per column: 'i','d','t','b' */
    bool stream;            /* db_stream: rows one at a time (single-row mode), for this execution */
    bool streaming, streamed;   /* sent and not yet read to the end; read to the end */
    unsigned long used;     /* when it was last handed out (the eviction's order) */
} pg_stmt;

typedef struct pg {
    PGconn *c;
    pg_stmt cache[PG_CACHE];
    int ncache;
    unsigned long tick;
} pg;

/* The connection is gone, not just this statement: the socket is closed
 * (CONNECTION_BAD), or the server says so — class 08 (connection exception),
 * 57P01 admin shutdown (a restart), 57P02 crash shutdown, 57P03 cannot connect now. */
static bool pg_lost(pg *p, const char *state) {
    if (PQstatus(p->c) == CONNECTION_BAD) return true;
    if (!state) return false;
    return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
           strcmp(state, "57P03") == 0;
}

/* libpq's text on one line (it ends messages with a newline and indents
 * continuation lines with tabs): log lines stay whole. */
static void pg_one_line(const char *msg, char *out, size_t cap) {
    snprintf(out, cap, "%s", msg ? msg : "");
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' ')) out[--n] = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] == '\n' || out[i] == '\t') out[i] = ' ';
}

static st pg_err(db *d, err *e, const char *what, PGresult *r) {
    pg *p = d->impl;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(p->c);
    if (!msg || !*msg) msg = PQerrorMessage(p->c);
    char raw[400];
    pg_one_line(msg, raw, sizeof raw);
    if (pg_lost(p, state)) {
        /* Every later call on d fails at once; the pool reopens it before its
         * next use.  The user gets a 503 with Retry-After, libpq's words go to the log. */
        d->broken = 1;
        log_warn("db: PostgreSQL connection lost (%s, SQLSTATE %s): %s", what, state ? state : "-", raw);
        return err_set(e, ST_UNAVAILABLE, DB_MSG_LOST);
    }
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)) {
        /* serialization failure, deadlock, lock not available: try again */
        log_warn("db: PostgreSQL busy (%s, SQLSTATE %s): %s", what, state, raw);
        return err_set(e, ST_UNAVAILABLE, DB_MSG_BUSY);
    }
    st s = ST_DB;
    if (state && strncmp(state, "23", 2) == 0) s = ST_CONFLICT;     /* integrity violation */
    return err_set(e, s, "数据库错误（%s）：%s", what, raw);
}

/* A call on a connection already known lost: fail at once, no network. */
static st pg_gone(err *e) { return err_set(e, ST_UNAVAILABLE, DB_MSG_LOST); }

static st pgx_exec(db *d, const char *sql, err *e) {
    pg *p = d->impl;
    if (d->broken) return pg_gone(e);
    PGresult *r = PQexec(p->c, sql);
    ExecStatusType t = PQresultStatus(r);
    st s = ST_OK;
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) s = pg_err(d, e, "执行", r);
    PQclear(r);
    return s;
}

/* What is left of a streamed result read and dropped: the connection is free again. */
static void pg_drain(pg_stmt *ps) {
    if (!ps->streaming) return;
    pg *p = ps->d->impl;
    PGresult *r;
    while ((r = PQgetResult(p->c))) PQclear(r);
    ps->streaming = false;
}

static void pg_stmt_clear(pg_stmt *ps) {
    pg_drain(ps);
    ps->stream = ps->streamed = false;
    for (int i = 0; i < PG_MAXP; i++) {
        free(ps->vals[i]);
        ps->vals[i] = NULL;
        ps->lens[i] = ps->fmts[i] = 0;
    }
    if (ps->res) PQclear(ps->res);
    ps->res = NULL;
    free(ps->coltype);
    ps->coltype = NULL;
    ps->row = -1;
    ps->nrows = 0;
}

static int pg_count_params(const char *sql) {
    int max = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'') {
            for (p++; *p && *p != '\''; p++) {}
            if (!*p) break;
            continue;
        }
        if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            int n = atoi(p + 1);
            if (n > max) max = n;
        }
    }
    return max;
}

static st pgx_prepare(db *d, const char *key, const char *sql, db_stmt **out, err *e) {
    pg *p = d->impl;
    if (d->broken) return pg_gone(e);
    for (int i = 0; i < p->ncache; i++)
        if (p->cache[i].key == key && p->cache[i].text && !strcmp(p->cache[i].text, key)) {
            p->cache[i].used = ++p->tick;
            *out = (db_stmt *)&p->cache[i];
            return ST_OK;
        }
    for (int i = 0; i < p->ncache; i++)   /* the same SQL built again elsewhere */
        if (p->cache[i].text && !strcmp(p->cache[i].text, key)) {
            p->cache[i].key = key;
            p->cache[i].used = ++p->tick;
            *out = (db_stmt *)&p->cache[i];
            return ST_OK;
        }
    if (!sql) return ST_NOT_FOUND;   /* asked for a cached one only (db_prepare) */
    /* Cache full (dynamic SQL): evict the statement handed out longest ago whose rows
       are not being read — never one a caller still holds (a use case that prepares two
       statements before running them must not get the first one's slot back). */
    int slot = p->ncache;
    bool full = p->ncache == PG_CACHE;
    if (full) {
        slot = -1;
        for (int i = 0; i < PG_CACHE; i++)
            if (!p->cache[i].res && (slot < 0 || p->cache[i].used < p->cache[slot].used)) slot = i;
        if (slot < 0) return err_set(e, ST_INTERNAL, "同时使用的 SQL 语句过多（%d）。", PG_CACHE);
    }
    pg_stmt *ps = &p->cache[slot];
    char name[16];
    snprintf(name, sizeof name, "s%d", slot);
    if (full) {   /* the slot stays in the cache (text NULL: matches nothing) until it is filled again */
        if (ps->text) {
            char dealloc[40];
            snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", name);
            pgx_exec(d, dealloc, e);
        }
        pg_stmt_clear(ps);
        free(ps->text);
        ps->text = NULL;
    }
    int np = pg_count_params(sql);
    if (np > PG_MAXP) return err_set(e, ST_INTERNAL, "SQL 参数过多（%d）", np);
    char *text = strdup(key);
    if (!text) return err_set(e, ST_NOMEM, "内存不足");
    PGresult *r = PQprepare(p->c, name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        st s = pg_err(d, e, "准备语句", r);
        PQclear(r);
        free(text);
        return s;
    }
    PQclear(r);
    memset(ps, 0, sizeof *ps);
    ps->d = d;
    ps->key = key;
    ps->text = text;
    snprintf(ps->name, sizeof ps->name, "%s", name);
    ps->nparams = np;
    ps->row = -1;
    ps->used = ++p->tick;
    if (!full) p->ncache++;
    *out = (db_stmt *)ps;
    return ST_OK;
}

static void pgx_bind(db_stmt *s, int i, int type, const void *v, size_t n) {
    pg_stmt *ps = (pg_stmt *)s;
    if (i < 1 || i > PG_MAXP) return;
    i--;
    free(ps->vals[i]);
    ps->vals[i] = NULL;
    ps->fmts[i] = 0;
    ps->lens[i] = 0;
    char tmp[64];
    switch (type) {
    case 't': ps->vals[i] = strndup(v, n); break;
    case 'i': snprintf(tmp, sizeof tmp, "%lld", (long long)*(const int64_t *)v); ps->vals[i] = strdup(tmp); break;
    case 'd': snprintf(tmp, sizeof tmp, "%.17g", *(const double *)v); ps->vals[i] = strdup(tmp); break;
    case 'b':
        ps->vals[i] = malloc(n ? n : 1);
        if (ps->vals[i]) memcpy(ps->vals[i], v, n);
        ps->lens[i] = (int)n;
        ps->fmts[i] = 1;
        break;
    default: break;
    }
}

static int pg_type_class(Oid t) {
    switch (t) {
    case 20: case 21: case 23: case 16: return 'i';   /* int8 int2 int4 bool */
    case 700: case 701: case 1700: return 'd';         /* float4 float8 numeric */
    case 17: return 'b';                                /* bytea */
    default: return 't';
    }
}

static void pg_coltypes(pg_stmt *ps) {
    int nc = PQnfields(ps->res);
    ps->coltype = calloc((size_t)(nc ? nc : 1), sizeof *ps->coltype);
    for (int c = 0; c < nc && ps->coltype; c++) ps->coltype[c] = pg_type_class(PQftype(ps->res, c));
}

/* Single-row mode: libpq hands each row over as it comes, where a whole result of 600,000 rows
   was built in the client's memory first (a third of a province's roll-up went to taking and
   faulting in that memory). */
static int pgx_step_stream(pg_stmt *ps, err *e) {
    pg *p = ps->d->impl;
    if (ps->streamed) return DB_DONE;
    if (!ps->streaming) {
        if (ps->d->broken) {
            pg_gone(e);
            return DB_ERROR;
        }
        if (!PQsendQueryPrepared(p->c, ps->name, ps->nparams, (const char *const *)ps->vals, ps->lens, ps->fmts, 0)) {
            pg_err(ps->d, e, "执行语句", NULL);
            return DB_ERROR;
        }
        PQsetSingleRowMode(p->c);
        ps->streaming = true;
    }
    if (ps->res) PQclear(ps->res);
    ps->res = PQgetResult(p->c);
    ExecStatusType t = ps->res ? PQresultStatus(ps->res) : PGRES_TUPLES_OK;
    if (t == PGRES_SINGLE_TUPLE) {
        if (!ps->coltype) pg_coltypes(ps);
        ps->row = 0;
        ps->nrows = 1;
        return DB_ROW;
    }
    int r = DB_DONE;
    if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
        pg_err(ps->d, e, "执行语句", ps->res);
        r = DB_ERROR;
    } else if (!ps->res && PQstatus(p->c) != CONNECTION_OK) {   /* the rows stopped with the connection: not an end */
        pg_err(ps->d, e, "执行语句", NULL);
        r = DB_ERROR;
    }
    if (ps->res) PQclear(ps->res);
    ps->res = NULL;
    pg_drain(ps);
    ps->streamed = true;
    return r;
}

static void pgx_stream(db_stmt *s) { ((pg_stmt *)s)->stream = true; }

static int pgx_step(db_stmt *s, err *e) {
    pg_stmt *ps = (pg_stmt *)s;
    pg *p = ps->d->impl;
    if (ps->stream) return pgx_step_stream(ps, e);
    if (!ps->res) {
        if (ps->d->broken) {
            pg_gone(e);
            return DB_ERROR;
        }
        /* Binary results only for bytea would need per-column formats; text is fine:
         * bytea comes back hex-escaped and is decoded in col_blob. */
        ps->res = PQexecPrepared(p->c, ps->name, ps->nparams, (const char *const *)ps->vals,
                                 ps->lens, ps->fmts, 0);
        ExecStatusType t = PQresultStatus(ps->res);
        if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
            pg_err(ps->d, e, "执行语句", ps->res);
            return DB_ERROR;
        }
        ps->nrows = PQntuples(ps->res);
        pg_coltypes(ps);
        ps->row = -1;
    }
    if (ps->row + 1 < ps->nrows) {
        ps->row++;
        return DB_ROW;
    }
    return DB_DONE;
}

static int pgx_col_count(db_stmt *s) { return ((pg_stmt *)s)->res ? PQnfields(((pg_stmt *)s)->res) : 0; }
static const char *pgx_col_name(db_stmt *s, int c) { return PQfname(((pg_stmt *)s)->res, c); }
static int pgx_col_type(db_stmt *s, int c) {
    pg_stmt *ps = (pg_stmt *)s;
    if (PQgetisnull(ps->res, ps->row, c)) return 'n';
    if (ps->coltype[c] == 'i' && PQftype(ps->res, c) == 16) return 'i';
    return ps->coltype[c];
}
static const char *pgx_col_text(db_stmt *s, int c) {
    pg_stmt *ps = (pg_stmt *)s;
    if (PQgetisnull(ps->res, ps->row, c)) return NULL;
    const char *v = PQgetvalue(ps->res, ps->row, c);
    if (PQftype(ps->res, c) == 16) return v[0] == 't' ? "1" : "0";  /* bool as 0/1, like SQLite */
    return v;
}
static const void *pgx_col_blob(db_stmt *s, int c, size_t *n) {
    pg_stmt *ps = (pg_stmt *)s;
    *n = 0;
    if (PQgetisnull(ps->res, ps->row, c)) return NULL;
    const char *v = PQgetvalue(ps->res, ps->row, c);
    if (PQftype(ps->res, c) != 17) {
        *n = (size_t)PQgetlength(ps->res, ps->row, c);
        return v;
    }
    /* bytea in hex text form: decode in place into a per-statement buffer is not
     * possible (libpq owns it), so decode into a cached malloc kept in coltype's tail. */
    size_t len;
    unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &len);
    if (!raw) return NULL;
    /* Keep it alive until the next reset by parking it in an unused parameter slot. */
    free(ps->vals[PG_MAXP - 1]);
    ps->vals[PG_MAXP - 1] = malloc(len ? len : 1);
    if (ps->vals[PG_MAXP - 1]) memcpy(ps->vals[PG_MAXP - 1], raw, len);
    PQfreemem(raw);
    *n = len;
    return ps->vals[PG_MAXP - 1];
}
static void pgx_reset(db_stmt *s) { pg_stmt_clear((pg_stmt *)s); }

/* Forget the prepared statements: they lived in the server session. */
static void pg_cache_clear(pg *p) {
    for (int i = 0; i < p->ncache; i++) {
        pg_stmt_clear(&p->cache[i]);
        free(p->cache[i].text);
        p->cache[i].text = NULL;
    }
    p->ncache = 0;
}

static void pgx_close(db *d) {
    pg *p = d->impl;
    pg_cache_clear(p);
    PQfinish(p->c);
    free(p);
    free(d->url);
    free(d);
}

/* jit off: PostgreSQL compiles a query with LLVM once its estimated cost passes jit_above_cost, and the
 * lists' estimates (a subquery per row over tens of thousands of rows) pass it while the query itself
 * takes milliseconds — the development due list of a past day spent 1.3 s of its 1.7 s compiling
 * (bench/development).  Our queries are short; compiling never paid for itself. */
static st pg_session_setup(db *d, err *e) {
    return pgx_exec(d, "SET client_encoding = 'UTF8'; SET client_min_messages = warning; SET jit = off;", e);
}

/* Reconnect with the same parameters (PQreset): a new server session, so no
 * statement is prepared there yet.  On failure e->msg holds libpq's reason,
 * for the log (the pool logs it; users see DB_MSG_LOST). */
static st pgx_reconnect(db *d, err *e) {
    pg *p = d->impl;
    pg_cache_clear(p);
    d->in_tx = 0;
    PQreset(p->c);
    if (PQstatus(p->c) != CONNECTION_OK) {
        char msg[400];
        pg_one_line(PQerrorMessage(p->c), msg, sizeof msg);
        d->broken = 1;
        return err_set(e, ST_UNAVAILABLE, "%s", msg);
    }
    d->broken = 0;
    return pg_session_setup(d, e);
}

static const db_ops pg_ops = {
    .exec = pgx_exec, .prepare = pgx_prepare, .bind = pgx_bind, .step = pgx_step,
    .col_count = pgx_col_count, .col_name = pgx_col_name, .col_type = pgx_col_type,
    .col_text = pgx_col_text, .stream = pgx_stream, .col_blob = pgx_col_blob, .reset = pgx_reset,
    .close = pgx_close, .reconnect = pgx_reconnect, .begin_sql = "BEGIN",
};

/* keep: a server that does not answer gives a connection marked lost (a replica
 * that is down when ejia starts: the pool opens it when it comes up). */
static st pg_open(const char *url, bool keep, db **out, err *e) {
    db *d = calloc(1, sizeof *d);
    pg *p = calloc(1, sizeof *p);
    if (!d || !p) {
        free(d);
        free(p);
        return err_set(e, ST_NOMEM, "内存不足");
    }
    d->ops = &pg_ops;
    d->kind = DB_PGSQL;
    d->url = strdup(url);
    d->impl = p;
    /* connect_timeout first, the URL after: the URL's own value wins.  Without
     * one, a reconnect to an unreachable host would hang a request. */
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const vals[] = {"5", url, NULL};
    p->c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(p->c) != CONNECTION_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(p->c));
        size_t n = strlen(msg);
        while (n && msg[n - 1] == '\n') msg[--n] = 0;
        if (keep) {
            char line[400];
            pg_one_line(msg, line, sizeof line);
            log_warn("db: cannot connect yet, opened when the server answers: %s", line);   /* no URL: it may hold a password */
            d->broken = 1;
            *out = d;
            return ST_OK;
        }
        pgx_close(d);
        return err_set(e, ST_UNAVAILABLE, "无法连接 PostgreSQL 数据库：%s。请检查 --db 地址和服务器状态。", msg);
    }
    st s = pg_session_setup(d, e);
    if (s) {
        pgx_close(d);
        return s;
    }
    *out = d;
    return ST_OK;
}

st db_pgsql_open(const char *url, db **out, err *e) { return pg_open(url, false, out, e); }
st db_pgsql_open_standby(const char *url, db **out, err *e) { return pg_open(url, true, out, e); }
