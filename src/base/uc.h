/* uc — the use-case context: who acts, on which database, with which
 * memory; and the one way to write.
 *
 * Every use case — an HTTP handler, a CLI command, the demo — builds a uc
 * (http_uc() in a handler, uc_cli() in a command) and passes it to the
 * domain functions.  The actor is the logged-in user with their role and
 * bound data scope; on the command line it is the operating-system user
 * ("cli:<login>", role "cli", the whole city), because whoever holds a shell
 * on the server and the key file can do anything anyway — but is named in
 * the audit trail.
 *
 * A write has one shape:
 *
 *     st s = uc_begin(c, e);                 // a transaction, or a savepoint inside one
 *     if (!s) s = org_store_create(c, &o, &id, e);     // the work (stores nest)
 *     uc_act a = {"org.create", uc_obj(c, "org", id), o.name};
 *     return uc_end(c, s, &a, e);            // on success: the audit row, then commit;
 *                                             // on failure: roll back
 *
 * A use case may run another as a part of itself (a roster import creating
 * the branch it names): it calls the inner one with uc_part(c), a copy of
 * its context marked as a part, and the inner act commits with the outer one
 * and leaves no row of its own — one thing a person did, one audit row, the
 * outer act's.  Any other act inside a transaction (the demo's, a login's
 * several refusal rows) writes its row.  The choice is the caller's, made
 * where it is visible, not inferred from nesting depth.
 *
 * or, for a single store call, uc_write(c, &a, work, arg, e).  uc_end
 * cannot commit without an act, and the act's audit row is written in the
 * same transaction as the change it records, so a change and its audit row
 * commit or vanish together.  Exports and reveals are reads that still leave
 * a row: uc_audit().  The server checks in its test mode (setting
 * audit-check) that every successful write or export left exactly one row
 * (audit_rows_written), so a forgotten one fails the tests. */
#ifndef EJIA_BASE_UC_H
#define EJIA_BASE_UC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

typedef struct uc_actor {
    int64_t user_id;          /* 0 = the command line or the system */
    const char *username;     /* "cli:<login>" on the command line */
    const char *role;         /* role name; "cli" on the command line */
    const char *scope_kind;   /* "city", "district", "park", "org", "enterprise", "self" */
    const char *scope_code;
    const char *address;      /* client address; "cli" */
} uc_actor;

typedef struct uc {
    db *d;
    arena *mem;               /* everything allocated for the use case; freed by its owner */
    uc_actor who;
    const char *request_id;   /* for the log; NULL outside requests */
    bool part;                /* run as a part of the caller's act: no row of its own (uc_part) */
    int group;                /* inside uc_group_begin: the acts' transactions are savepoints of the group's */
    /* Each open act's mark in the audit rows held for a group commit (audit_hold), and its
       transaction depth: an act that rolls back drops the rows its inner acts held. */
    struct {
        size_t mark;
        int depth;
    } held[8];
    int nheld;
} uc;

/* What an audited act did: "org.create", "org:12", a Chinese detail. */
typedef struct uc_act {
    const char *action;
    const char *object;
    const char *detail;
    const char *result;       /* NULL = "ok" */
} uc_act;

/* The page of a list a store is asked for: rows offset .. offset+limit in
 * the order given (trusted SQL: from http_order, over the list's own
 * columns as q.*; NULL = the store's default). */
typedef struct uc_page {
    int64_t limit, offset;
    const char *order;
} uc_page;

/* The command line's context: the OS user, the whole city.  mem must outlive c. */
void uc_cli(uc *c, db *d, arena *mem);

/* "kind:id" in c's memory (objects of audit rows). */
const char *uc_obj(uc *c, const char *kind, int64_t id);

/* A copy of c for running another use case as a part of c's act (see
 * above): its uc_end writes no audit row, and refuses to commit outside an
 * open act. */
uc uc_part(const uc *c);

/* Open a write: a transaction, or a savepoint when one is open already. */
st uc_begin(uc *c, err *e);
/* Close it: when s is ST_OK, append a's audit row and commit (an act is
 * required: ST_INTERNAL without one); otherwise roll back.  Returns the
 * outcome (s, or the audit's or commit's failure). */
st uc_end(uc *c, st s, const uc_act *a, err *e);
/* Several acts committed together — a bulk load of many files on the command
 * line — so that a thousand small files cost one flush to disk per group, not
 * one per file.  Each act inside writes its own audit row; the acts are not
 * savepoints (db_begin_flat): when one fails, the whole group is doomed
 * (uc_group_doomed) and must be rolled back and its acts run again one by one,
 * each in its own transaction.  What is said about an act (printed as
 * imported) must wait for uc_group_end: until then it is not durable.
 * uc_group_end commits when s is ST_OK and nothing failed, else rolls every
 * act of the group back and returns the failure. */
st uc_group_begin(uc *c, err *e);
st uc_group_end(uc *c, st s, err *e);
bool uc_group_doomed(const uc *c);
/* begin; work(c, arg, a, e) — which may fill in a->object or a->detail once
 * it knows them; end. */
st uc_write(uc *c, uc_act *a, st (*work)(uc *c, void *arg, uc_act *a, err *e), void *arg, err *e);
/* Group commit: many small acts from concurrent requests (a city's 主题党日
 * morning of phone check-ins) committed with one flush to disk instead of one
 * each.  uc_batched(c, b, work, arg, e) runs work(c, arg, e) — one whole use
 * case, uc_begin … uc_end, refusals audited as usual — inside a transaction it
 * shares with the other requests' acts queued on b meanwhile: the first
 * caller to find no batch running leads, takes every act queued (at most
 * UC_BATCH_MAX), runs each in turn on its own connection (each act's
 * uc_begin is then a savepoint, so one that fails rolls back alone) and
 * commits once; the others wait on b and return their act's outcome once it
 * is durable.  A failed commit fails every act of the batch.  Outside a
 * server (one thread) a batch is one act.  When c is inside a transaction
 * already, work runs directly in it. */
enum { UC_BATCH_MAX = 256 };
typedef struct uc_batch_job uc_batch_job;
typedef struct uc_batch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool leading;             /* a leader is running a batch */
    uc_batch_job *head, *tail;
    int64_t batches, acts;    /* committed so far (for the log and the tests) */
} uc_batch;
#define UC_BATCH_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, NULL, NULL, 0, 0}
st uc_batched(uc *c, uc_batch *b, st (*work)(uc *c, void *arg, err *e), void *arg, err *e);
/* Acts waiting for the next batch. */
int uc_batch_queued(uc_batch *b);

/* An audited read (an export, a reveal): the row in a transaction of its
 * own; the caller shows nothing unless this succeeds. */
st uc_audit(uc *c, const uc_act *a, err *e);

#endif
