/* audit — the append-only, hash-chained audit trail.
 *
 * Every login, failed login, lockout, denial, write, export and reveal is one
 * row: time, user, role, action, object, result, source address, detail.
 * Row n stores prev_hash (row n-1's hash) and
 *     hash = hex(HMAC-SHA-256(k, prev_hash "\n" canonical(row n)))
 * so that changing, inserting or deleting any row breaks every hash after it;
 * audit_verify walks the chain and names the first bad row.  k is derived
 * from the key file (crypt.h), which lives outside the database: someone who
 * can write the database but not read the key cannot recompute a consistent
 * chain after editing it (a plain SHA-256 chain they could).  Sequence numbers
 * come from the one-row table audit_head, whose UPDATE also serializes
 * concurrent writers (row lock on PostgreSQL; SQLite has one writer).
 *
 * The head (last seq and hash) carries its own HMAC, mac = hex(HMAC-SHA-256(
 * k', "head\n" seq "\n" hash)) under another subkey: deleting the newest rows
 * and setting the head to the last row left needs a mac only the key holder
 * can compute, so audit_verify catches truncation.  An append writes a good
 * mac only over a head whose mac was good (or over the empty log): a
 * rewritten head stays unsealed until `ejia audit seal` (audited) — else the
 * next failed login would launder it.  Limits: a head restored together with
 * its rows from an older backup, or a whole log replaced by an empty one, are
 * consistent states and need a copy kept elsewhere to notice (verify reports
 * the head's sequence number for that).
 *
 * The database refuses UPDATE and DELETE on audit, moving audit_head or
 * audit_anchor backwards, deleting them, and (PostgreSQL) TRUNCATE (triggers,
 * installed by audit_guard_install because their syntax differs).  The retention purge
 * (audit_purge) is the one way rows leave: it opens the delete trigger for
 * rows older than the retention, records the last removed row's hash as the
 * anchor the chain now starts from, and writes an audit row saying so. */
#ifndef EJIA_AUTH_AUDIT_H
#define EJIA_AUTH_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

typedef struct audit_entry {
    int64_t at;            /* 0 = now (clock_now) */
    int64_t user_id;       /* 0 = nobody / the system */
    const char *username, *role;
    const char *action;    /* "auth.login", "user.create", "access.denied", ... */
    const char *object;    /* "user:12", "GET /api/users/3", ... */
    const char *result;    /* "ok", "failed", "denied", "locked" */
    const char *address;
    const char *detail;
} audit_entry;

/* Append inside the caller's write transaction (the audit row commits or
 * rolls back with the change it records). */
st audit_append(db *d, const audit_entry *a, err *e);
/* Append in a transaction of its own. */
st audit_record(db *d, const audit_entry *a, err *e);
/* How many rows this thread has appended so far (rolled-back ones included):
 * the server compares it before and after a request to make sure every
 * write and export it served left its audit row. */
int64_t audit_rows_written(void);
/* Move n rows of that count to or from this thread: a group commit
 * (uc_batched) writes other requests' rows on the leader's thread and hands
 * them back to the threads whose requests they are. */
void audit_rows_credit(int64_t n);

/* A group commit's rows (uc_batched): from audit_hold(d) on, the rows this thread appends to d are
 * held in memory, not written; audit_held_flush writes them together — one update of the head
 * for the group, its rows in a few multi-row inserts, the chain exactly as if each had been
 * appended alone — and stops holding, whether or not it wrote them.  An act that rolls back after
 * appending drops its rows (audit_held_drop to the mark taken before).  A group of eight check-ins
 * on PostgreSQL was 32 statements under the head's row lock, one round trip each; now it is four. */
void audit_hold(db *d);
size_t audit_held_mark(void);
void audit_held_drop(size_t mark);
st audit_held_flush(db *d, err *e);

/* The hash of one row under key k (pure; for verify and the unit tests).  out: 65 bytes. */
void audit_hash(const unsigned char k[32], const char *prev_hash, int64_t seq, const audit_entry *a, char out[65]);

/* Refuse UPDATE/DELETE on audit in this database (idempotent). */
st audit_guard_install(db *d, err *e);

/* The head's mac over (seq, hash) under key k (pure; for the unit tests).  out: 65 bytes. */
void audit_head_mac(const unsigned char k[32], int64_t seq, const char *hash, char out[65]);

typedef struct audit_check {
    int64_t rows;          /* rows checked */
    int64_t bad_seq;       /* first bad row, 0 when the chain is intact */
    int64_t head_seq;      /* the head's sequence number */
    bool head_unsealed;    /* the rows chain, but the head's mac is missing or wrong */
    char why[512];         /* Chinese: what is wrong with it */
} audit_check;
st audit_verify(db *d, audit_check *out, err *e);
/* ejia audit seal: when the rows chain but the head's mac is missing or
 * wrong (a database from before the mac, or a rewritten head the operator
 * has looked into), write an audit.seal row and a good mac; *sealed says
 * whether it did.  Refused (ST_CONFLICT) when the rows themselves are bad. */
st audit_seal(db *d, audit_check *out, bool *sealed, err *e);

/* Remove rows older than `before` (epoch seconds) keeping the chain
 * verifiable; *removed gets the count. */
st audit_purge(db *d, int64_t before, int64_t *removed, err *e);

#endif
