/* audit — see audit.h. */
#include "audit.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "core/buf.h"
#include "core/log.h"

static void audit_put(buf *b, const char *s) {
    /* NULL and "" differ in the hash; the separator cannot appear inside (escaped). */
    if (!s) {
        buf_puts(b, "\\N");
    } else {
        for (const char *p = s; *p; p++) {
            if (*p == '\\' || *p == '\x1f') buf_putc(b, '\\');
            buf_putc(b, *p);
        }
    }
    buf_putc(b, '\x1f');
}

void audit_hash(const unsigned char k[32], const char *prev_hash, int64_t seq, const audit_entry *a, char out[65]) {
    buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s\n%" PRId64 "\x1f%" PRId64 "\x1f%" PRId64 "\x1f", prev_hash, seq, a->at, a->user_id);
    audit_put(&b, a->username);
    audit_put(&b, a->role);
    audit_put(&b, a->action);
    audit_put(&b, a->object);
    audit_put(&b, a->result);
    audit_put(&b, a->address);
    audit_put(&b, a->detail);
    unsigned char h[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state hs;
    crypto_auth_hmacsha256_init(&hs, k, 32);
    crypto_auth_hmacsha256_update(&hs, (const unsigned char *)(b.data ? b.data : ""), b.len);
    crypto_auth_hmacsha256_final(&hs, h);
    sodium_bin2hex(out, 65, h, sizeof h);
    buf_free(&b);
}

/* The chain key: the key file is loaded on first use (CLI paths too). */
static st audit_key(db *d, unsigned char k[32], err *e) {
    st s = crypt_init(d, e);
    if (!s) s = crypt_subkey("ejia audit chain v1", k, e);
    if (s) {
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%s", e->msg);
        err_set(e, s, "审计链密钥不可用（%s）：审计散列链需要数据库旁的密钥文件。", msg);
    }
    return s;
}

void audit_head_mac(const unsigned char k[32], int64_t seq, const char *hash, char out[65]) {
    char text[120];
    int n = snprintf(text, sizeof text, "head\n%" PRId64 "\n%s", seq, hash ? hash : "");
    unsigned char h[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state hs;
    crypto_auth_hmacsha256_init(&hs, k, 32);
    crypto_auth_hmacsha256_update(&hs, (const unsigned char *)text, (size_t)(n < (int)sizeof text ? n : (int)sizeof text - 1));
    crypto_auth_hmacsha256_final(&hs, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* The head's own key, apart from the rows' (one purpose per subkey). */
static st audit_head_key(unsigned char k[32], err *e) { return crypt_subkey("ejia audit head v1", k, e); }

/* Does the stored mac vouch for (seq, hash)?  A head that was never sealed
 * (mac NULL) vouches only for the empty log. */
static bool audit_head_ok(const unsigned char hk[32], int64_t seq, const char *hash, const char *mac) {
    if (!mac) return seq == 0;
    char want[65];
    audit_head_mac(hk, seq, hash, want);
    return strlen(mac) == 64 && sodium_memcmp(want, mac, 64) == 0;
}

static atomic_int audit_head_warned;

/* The multi-row INSERT for k rows ($1..$12k), made once for each k used (a prepared statement each):
   five rows, the most within a statement's 64 parameters on PostgreSQL (db_pgsql.c), and one. */
enum { AUDIT_CHUNK = 5 };
static char audit_insert[2][AUDIT_CHUNK * 100 + 200];
static pthread_once_t audit_insert_once = PTHREAD_ONCE_INIT;

static void audit_insert_make(void) {
    const int ks[2] = {AUDIT_CHUNK, 1};
    for (int x = 0; x < 2; x++) {
        char *o = audit_insert[x], *end = o + sizeof audit_insert[x];
        o += snprintf(o, (size_t)(end - o), "INSERT INTO audit(seq, at, user_id, username, role, action, object, result, address, "
                                             "detail, prev_hash, hash) VALUES ");
        for (int j = 0; j < ks[x]; j++) {
            o += snprintf(o, (size_t)(end - o), "%s(", j ? ", " : "");
            for (int c = 1; c <= 12; c++) o += snprintf(o, (size_t)(end - o), "%s$%d", c > 1 ? ", " : "", 12 * j + c);
            o += snprintf(o, (size_t)(end - o), ")");
        }
    }
}

static const char *audit_insert_sql(int k) {
    pthread_once(&audit_insert_once, audit_insert_make);
    return audit_insert[k == AUDIT_CHUNK ? 0 : 1];
}

/* Append rows a[0..n) (their at and result filled in) to the chain, inside the caller's
 * transaction: the one writer of rows, for one appended alone and for a group's held ones.
 * The head is taken first (its row lock: from here to commit we are the only writer) and moved
 * on by n at once; the rows go in inserts of five; then the head's new hash and mac.
 * seal: write a good head mac even when the old one is missing or wrong (ejia audit seal, after
 * the operator looked); otherwise a bad head stays unsealed, so that appending cannot launder a
 * rewritten head. */
static st audit_write(db *d, const audit_entry *a, size_t n, bool seal, err *e) {
    db_stmt *q;
    st s = db_prepare(d, "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash, mac", &q, e);
    if (s) return s;
    db_bind_int(q, 1, (int64_t)n);
    int64_t last = 0;
    char prev[65] = "", mac[80] = "";
    bool has_mac = false;
    int r = db_step(q, e);
    if (r == DB_ROW) {
        last = db_col_int(q, 0);
        snprintf(prev, sizeof prev, "%s", db_col_text(q, 1) ? db_col_text(q, 1) : "");
        has_mac = !db_col_null(q, 2);
        if (has_mac) snprintf(mac, sizeof mac, "%s", db_col_text(q, 2));
    }
    db_reset(q);
    if (r != DB_ROW) return r == DB_ERROR ? e->code : err_set(e, ST_INTERNAL, "审计链头缺失（audit_head）。");
    unsigned char k[32], hk[32];
    if ((s = audit_key(d, k, e))) return s;
    if ((s = audit_head_key(hk, e))) {
        sodium_memzero(k, sizeof k);
        return s;
    }
    int64_t seq0 = last - (int64_t)n;   /* the head before these rows */
    bool head_ok = seal || audit_head_ok(hk, seq0, prev, has_mac ? mac : NULL);
    if (!head_ok && !atomic_exchange(&audit_head_warned, 1))
        log_warn("审计链头的校验码缺失或不符（第 %" PRId64 " 条）：链头可能被改写过，请运行 ejia audit verify 检查。", seq0);
    /* the rows' hashes in order, each over the one before */
    char(*h)[65] = malloc(n * sizeof *h);
    if (!h) {
        sodium_memzero(k, sizeof k);
        sodium_memzero(hk, sizeof hk);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    for (size_t i = 0; i < n; i++) audit_hash(k, i ? h[i - 1] : prev, seq0 + 1 + (int64_t)i, &a[i], h[i]);
    sodium_memzero(k, sizeof k);
    for (size_t i = 0; !s && i < n;) {
        int c = n - i >= AUDIT_CHUNK ? AUDIT_CHUNK : 1;
        if ((s = db_prepare(d, audit_insert_sql(c), &q, e))) break;
        for (int j = 0; j < c; j++, i++) {
            int b = 12 * j;
            db_bind_int(q, b + 1, seq0 + 1 + (int64_t)i);
            db_bind_int(q, b + 2, a[i].at);
            db_bind_int(q, b + 3, a[i].user_id);
            db_bind_text(q, b + 4, a[i].username);
            db_bind_text(q, b + 5, a[i].role);
            db_bind_text(q, b + 6, a[i].action);
            db_bind_text(q, b + 7, a[i].object);
            db_bind_text(q, b + 8, a[i].result);
            db_bind_text(q, b + 9, a[i].address);
            db_bind_text(q, b + 10, a[i].detail);
            db_bind_text(q, b + 11, i ? h[i - 1] : prev);
            db_bind_text(q, b + 12, h[i]);
        }
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    if (!s) {
        char hm[65];
        audit_head_mac(hk, last, h[n - 1], hm);
        s = db_run(d, "UPDATE audit_head SET hash = $1, mac = $2 WHERE id = 1", e, "tt", h[n - 1], head_ok ? hm : NULL);
    }
    sodium_memzero(hk, sizeof hk);
    free(h);
    return s;
}

static st audit_append_ex(db *d, const audit_entry *in, bool seal, err *e) {
    audit_entry a = *in;
    if (!a.at) a.at = clock_now();
    if (!a.result) a.result = "ok";
    return audit_write(d, &a, 1, seal, e);
}

/* Rows this thread appended: a request runs on one thread from start to end,
 * so the server can tell whether a write it served was audited (uc.h). */
static _Thread_local int64_t audit_rows_this_thread;

int64_t audit_rows_written(void) { return audit_rows_this_thread; }

void audit_rows_credit(int64_t n) { audit_rows_this_thread += n; }

/* ---- rows held for a group commit (audit_hold) ---- */

/* The held rows' entries, one after another as audit_write takes them, and beside each the block its
   texts were copied into (the act's memory may be gone by the time the group is written). */
static _Thread_local db *held_db;        /* rows appended to this connection are held */
static _Thread_local audit_entry *held;
static _Thread_local char **held_texts;
static _Thread_local size_t nheld, capheld;

static char *audit_copy(char **at, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    char *r = *at;
    *at += n;
    return r;
}

static st audit_hold_row(const audit_entry *in, err *e) {
    if (nheld == capheld) {
        size_t nc = capheld ? capheld * 2 : 64;
        audit_entry *g = realloc(held, nc * sizeof *g);
        if (g) held = g;
        char **gt = g ? realloc(held_texts, nc * sizeof *gt) : NULL;
        if (!gt) return err_set(e, ST_NOMEM, "内存不足。");
        held_texts = gt;
        capheld = nc;
    }
    const char *t[7] = {in->username, in->role, in->action, in->object, in->result ? in->result : "ok", in->address, in->detail};
    size_t len = 1;
    for (int i = 0; i < 7; i++) len += t[i] ? strlen(t[i]) + 1 : 0;
    char *block = malloc(len), *at = block;
    if (!block) return err_set(e, ST_NOMEM, "内存不足。");
    audit_entry *r = &held[nheld];
    held_texts[nheld++] = block;
    *r = *in;
    if (!r->at) r->at = clock_now();   /* the act's time, not the group's */
    r->username = audit_copy(&at, t[0]);
    r->role = audit_copy(&at, t[1]);
    r->action = audit_copy(&at, t[2]);
    r->object = audit_copy(&at, t[3]);
    r->result = audit_copy(&at, t[4]);
    r->address = audit_copy(&at, t[5]);
    r->detail = audit_copy(&at, t[6]);
    return ST_OK;
}

void audit_hold(db *d) {
    audit_held_drop(0);
    held_db = d;
}

size_t audit_held_mark(void) { return nheld; }

void audit_held_drop(size_t mark) {
    while (nheld > mark) free(held_texts[--nheld]);
    if (!nheld) {
        free(held);
        free(held_texts);
        held = NULL;
        held_texts = NULL;
        capheld = 0;
    }
}

st audit_held_flush(db *d, err *e) {
    size_t n = nheld;
    held_db = NULL;
    st s = n ? audit_write(d, held, n, false, e) : ST_OK;
    audit_held_drop(0);
    return s;
}

st audit_append(db *d, const audit_entry *in, err *e) {
    st s = d && d == held_db ? audit_hold_row(in, e) : audit_append_ex(d, in, false, e);
    if (!s) audit_rows_this_thread++;
    return s;
}

st audit_record(db *d, const audit_entry *a, err *e) {
    st s = db_begin(d, e);
    if (s) return s;
    s = audit_append(d, a, e);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

st audit_guard_install(db *d, err *e) {
    if (db_kind_of(d) == DB_SQLITE)
        return db_exec(d,
                       "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit is append-only: UPDATE refused'); END;"
                       "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
                       "WHEN OLD.seq > (SELECT purge_upto FROM audit_anchor WHERE id = 1) "
                       "BEGIN SELECT RAISE(ABORT, 'audit is append-only: DELETE refused'); END;"
                       /* The head and the anchor only move forward and are never removed:
                        * truncating the log needs the guards dropped first (and then the
                        * head's mac shows it). */
                       "CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_head "
                       "WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id "
                       "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward: UPDATE refused'); END;"
                       "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head "
                       "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward: DELETE refused'); END;"
                       "CREATE TRIGGER IF NOT EXISTS audit_anchor_forward BEFORE UPDATE ON audit_anchor "
                       "WHEN NEW.anchor_seq < OLD.anchor_seq OR NEW.id <> OLD.id "
                       "BEGIN SELECT RAISE(ABORT, 'audit_anchor only moves forward: UPDATE refused'); END;"
                       "CREATE TRIGGER IF NOT EXISTS audit_anchor_no_delete BEFORE DELETE ON audit_anchor "
                       "BEGIN SELECT RAISE(ABORT, 'audit_anchor only moves forward: DELETE refused'); END;",
                       e);
    /* Several servers may start together against one PostgreSQL: one at a time. */
    st s = db_begin(d, e);
    if (s) return s;
    s = db_exec(d,
                   "SELECT pg_advisory_xact_lock(20180420);"
                   "CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $g$ "
                   "BEGIN "
                   "  IF TG_OP = 'DELETE' AND OLD.seq <= (SELECT purge_upto FROM audit_anchor WHERE id = 1) THEN "
                   "    RETURN OLD; "
                   "  END IF; "
                   "  RAISE EXCEPTION 'audit is append-only: % refused', TG_OP; "
                   "END $g$;"
                   /* The head and the anchor only move forward and are never removed;
                    * TRUNCATE skips row triggers, so it is refused on its own. */
                   "CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $g$ "
                   "BEGIN "
                   "  IF TG_OP = 'UPDATE' AND NEW.seq >= OLD.seq AND NEW.id = OLD.id THEN RETURN NEW; END IF; "
                   "  RAISE EXCEPTION 'audit_head only moves forward: % refused', TG_OP; "
                   "END $g$;"
                   "CREATE OR REPLACE FUNCTION audit_anchor_guard() RETURNS trigger LANGUAGE plpgsql AS $g$ "
                   "BEGIN "
                   "  IF TG_OP = 'UPDATE' AND NEW.anchor_seq >= OLD.anchor_seq AND NEW.id = OLD.id THEN RETURN NEW; END IF; "
                   "  RAISE EXCEPTION 'audit_anchor only moves forward: % refused', TG_OP; "
                   "END $g$;"
                   "CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $g$ "
                   "BEGIN RAISE EXCEPTION 'audit is append-only: TRUNCATE of % refused', TG_TABLE_NAME; END $g$;"
                   /* A trigger is created only where it is missing: CREATE TRIGGER locks its
                    * table (SHARE ROW EXCLUSIVE), and replacing all six on every start of a
                    * server or command deadlocked with a running server appending to the log
                    * (the head locked first, then the log). */
                   "DO $d$ BEGIN "
                   "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_guard' AND tgrelid = 'audit'::regclass) THEN "
                   "  CREATE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_guard(); END IF; "
                   "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_head_guard' AND tgrelid = 'audit_head'::regclass) THEN "
                   "  CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_guard(); END IF; "
                   "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_anchor_guard' AND tgrelid = 'audit_anchor'::regclass) THEN "
                   "  CREATE TRIGGER audit_anchor_guard BEFORE UPDATE OR DELETE ON audit_anchor FOR EACH ROW EXECUTE FUNCTION audit_anchor_guard(); END IF; "
                   "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_no_truncate' AND tgrelid = 'audit'::regclass) THEN "
                   "  CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate(); END IF; "
                   "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_head_no_truncate' AND tgrelid = 'audit_head'::regclass) THEN "
                   "  CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate(); END IF; "
                   "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_anchor_no_truncate' AND tgrelid = 'audit_anchor'::regclass) THEN "
                   "  CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate(); END IF; "
                   "END $d$;",
                   e);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

/* The walk itself; the caller provides one consistent view of rows and head. */
static st audit_verify_in(db *d, audit_check *out, err *e) {
    memset(out, 0, sizeof *out);
    unsigned char k[32];
    st ks = audit_key(d, k, e);
    if (ks) return ks;
    int64_t anchor_seq = 0;
    char expect_prev[65] = "", expect_anchor[65] = "";
    db_stmt *q;
    st s = db_prepare(d, "SELECT anchor_seq, anchor_hash FROM audit_anchor WHERE id = 1", &q, e);
    if (s) return s;
    int r = db_step(q, e);
    if (r == DB_ROW) {
        anchor_seq = db_col_int(q, 0);
        snprintf(expect_prev, sizeof expect_prev, "%s", db_col_text(q, 1) ? db_col_text(q, 1) : "");
    }
    db_reset(q);
    if (r != DB_ROW) return r == DB_ERROR ? e->code : err_set(e, ST_INTERNAL, "审计锚点缺失（audit_anchor）。");
    snprintf(expect_anchor, sizeof expect_anchor, "%s", expect_prev);
    if ((s = db_prepare(d,
                        "SELECT seq, at, user_id, username, role, action, object, result, address, detail, "
                        "prev_hash, hash FROM audit ORDER BY seq",
                        &q, e)))
        return s;
    int64_t expect_seq = anchor_seq + 1;
    while ((r = db_step(q, e)) == DB_ROW) {
        int64_t seq = db_col_int(q, 0);
        audit_entry a = {
            .at = db_col_int(q, 1), .user_id = db_col_null(q, 2) ? 0 : db_col_int(q, 2),
            .username = db_col_text(q, 3), .role = db_col_text(q, 4), .action = db_col_text(q, 5),
            .object = db_col_text(q, 6), .result = db_col_text(q, 7), .address = db_col_text(q, 8),
            .detail = db_col_text(q, 9),
        };
        const char *prev = db_col_text(q, 10), *hash = db_col_text(q, 11);
        char h[65];
        out->rows++;
        if (seq != expect_seq) {
            out->bad_seq = seq;
            snprintf(out->why, sizeof out->why,
                     seq > expect_seq ? "第 %" PRId64 " 条之前缺少第 %" PRId64 " 条起的记录（被删除）。"
                                      : "序号 %" PRId64 " 重复或倒序（期望 %" PRId64 "）。",
                     seq, expect_seq);
            break;
        }
        if (!prev || strcmp(prev, expect_prev) != 0) {
            out->bad_seq = seq;
            snprintf(out->why, sizeof out->why, "第 %" PRId64 " 条的 prev_hash 与上一条的散列不符（前面的记录被改动、插入或删除）。", seq);
            break;
        }
        audit_hash(k, prev, seq, &a, h);
        if (!hash || strcmp(hash, h) != 0) {
            out->bad_seq = seq;
            snprintf(out->why, sizeof out->why, "第 %" PRId64 " 条（%s，%s）的内容与其散列不符：该条被改动。", seq,
                     a.action ? a.action : "", a.username ? a.username : "");
            break;
        }
        snprintf(expect_prev, sizeof expect_prev, "%s", hash);
        expect_seq++;
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (out->bad_seq) return ST_OK;
    /* The chain starts at an anchor only because a purge said so, in a row of
     * the chain itself: moving the anchor to hide the oldest rows shows. */
    if (anchor_seq > 0) {
        char needle[160];
        snprintf(needle, sizeof needle, "%%清理至第 %" PRId64 " 条%%锚点散列 %s", anchor_seq, expect_anchor);
        int64_t n = 0;
        if ((s = db_query_int(d, &n, "SELECT COUNT(*) FROM audit WHERE action = 'audit.purge' AND detail LIKE $1", e, "t",
                              needle)))
            return s;
        if (!n) {
            out->bad_seq = anchor_seq + 1;
            snprintf(out->why, sizeof out->why,
                     "审计链从第 %" PRId64 " 条之后开始，但没有保留期清理的记录说明这一点：更早的记录被删除。", anchor_seq);
            return ST_OK;
        }
    }
    /* Trailing rows removed: the head still remembers the last sequence
     * number and hash, and its mac shows whether the head itself was
     * rewritten to match what is left. */
    int64_t head = 0;
    char head_hash[80] = "", head_mac[80] = "";
    bool has_mac = false;
    if ((s = db_prepare(d, "SELECT seq, hash, mac FROM audit_head WHERE id = 1", &q, e))) return s;
    if ((r = db_step(q, e)) == DB_ROW) {
        head = db_col_int(q, 0);
        snprintf(head_hash, sizeof head_hash, "%s", db_col_text(q, 1) ? db_col_text(q, 1) : "");
        has_mac = !db_col_null(q, 2);
        if (has_mac) snprintf(head_mac, sizeof head_mac, "%s", db_col_text(q, 2));
    }
    db_reset(q);
    if (r != DB_ROW) return r == DB_ERROR ? e->code : err_set(e, ST_INTERNAL, "审计链头缺失（audit_head）。");
    out->head_seq = head;
    if (head != expect_seq - 1) {
        out->bad_seq = expect_seq;
        snprintf(out->why, sizeof out->why, "链头记录到第 %" PRId64 " 条，但最后一条是第 %" PRId64 " 条：末尾的记录被删除。", head,
                 expect_seq - 1);
        return ST_OK;
    }
    if (out->rows > 0 && strcmp(head_hash, expect_prev) != 0) {
        out->bad_seq = head;
        snprintf(out->why, sizeof out->why, "链头的散列与最后一条（第 %" PRId64 " 条）的散列不符：链头或末尾的记录被改动。", head);
        return ST_OK;
    }
    unsigned char hk[32];
    if ((s = audit_head_key(hk, e))) return s;
    bool ok = audit_head_ok(hk, head, head_hash, has_mac ? head_mac : NULL);
    sodium_memzero(hk, sizeof hk);
    if (!ok) {
        out->bad_seq = head + 1;
        out->head_unsealed = true;
        if (!has_mac)
            snprintf(out->why, sizeof out->why,
                     "链头（第 %" PRId64 " 条）没有校验码：可能是末尾的记录被删除、链头被改成与剩下的最后一条一致，"
                     "也可能是数据库刚从旧版本升级。请核对备份或日志归档；确认无误后在服务器上运行 ejia audit seal 重新封存（记入审计）。",
                     head);
        else
            snprintf(out->why, sizeof out->why,
                     "链头（第 %" PRId64 " 条）的校验码不符：链头被改写过，很可能第 %" PRId64
                     " 条之后的记录被删除（截断），链头被改成与剩下的最后一条一致。请用备份或日志归档核对。",
                     head, head);
    }
    return ST_OK;
}

st audit_verify(db *d, audit_check *out, err *e) {
    /* Rows and head are read in one snapshot: on a live server an append
     * committed between reading the last row and reading the head would look
     * like a truncated log.  A read-only snapshot blocks no writer (SQLite
     * WAL readers, PostgreSQL REPEATABLE READ). */
    bool pg = db_kind_of(d) == DB_PGSQL;
    /* The key first: loading it may record its fingerprint, a write. */
    unsigned char k[32];
    st s = audit_key(d, k, e);
    sodium_memzero(k, sizeof k);
    if (!s) s = db_exec(d, pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "BEGIN DEFERRED", e);
    if (s) return s;
    s = audit_verify_in(d, out, e);
    err ce;
    if (db_exec(d, s ? "ROLLBACK" : "COMMIT", &ce) && !s) {
        *e = ce;
        s = ce.code;
    }
    return s;
}

st audit_seal(db *d, audit_check *out, bool *sealed, err *e) {
    *sealed = false;
    st s = db_begin(d, e);
    if (s) return s;
    /* The head's row lock first, so nothing is appended between the check and the seal. */
    s = db_run(d, "UPDATE audit_head SET seq = seq WHERE id = 1", e, "");
    if (!s) s = audit_verify_in(d, out, e);
    if (!s && out->bad_seq && !out->head_unsealed) {
        db_rollback(d);
        return err_set(e, ST_CONFLICT, "审计链本身有问题，不能封存：第 %" PRId64 " 条：%s", out->bad_seq, out->why);
    }
    if (!s && out->head_unsealed) {
        char det[400];
        snprintf(det, sizeof det, "链头（第 %" PRId64 " 条）的校验码缺失或不符，经服务器上的操作员确认后重新封存", out->head_seq);
        audit_entry a = {.username = "cli", .action = "audit.seal", .object = "audit_head", .result = "ok",
                         .address = "cli", .detail = det};
        s = audit_append_ex(d, &a, true, e);
        if (!s) *sealed = true;
    }
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

st audit_purge(db *d, int64_t before, int64_t *removed, err *e) {
    *removed = 0;
    st s = db_begin(d, e);
    if (s) return s;
    int64_t upto = 0;
    s = db_query_int(d, &upto, "SELECT COALESCE(MAX(seq), 0) FROM audit WHERE at < $1", e, "i", before);
    char *hash = NULL;
    if (!s && upto > 0) {
        s = db_query_text(d, &hash, "SELECT hash FROM audit WHERE seq = $1", e, "i", upto);
        if (!s) s = db_run(d, "UPDATE audit_anchor SET purge_upto = $1 WHERE id = 1", e, "i", upto);
        if (!s) s = db_query_int(d, removed, "SELECT COUNT(*) FROM audit WHERE seq <= $1", e, "i", upto);
        if (!s) s = db_run(d, "DELETE FROM audit WHERE seq <= $1", e, "i", upto);
        if (!s)
            s = db_run(d, "UPDATE audit_anchor SET anchor_seq = $1, anchor_hash = $2, purge_upto = 0 WHERE id = 1",
                       e, "it", upto, hash);
        if (!s) {
            char detail[200];
            snprintf(detail, sizeof detail, "清理至第 %" PRId64 " 条（%" PRId64 " 条），锚点散列 %s", upto, *removed, hash);
            audit_entry a = {.username = "system", .action = "audit.purge", .object = "audit", .result = "ok",
                             .detail = detail};
            s = audit_append(d, &a, e);
        }
    }
    free(hash);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    *removed = 0;
    return s;
}
