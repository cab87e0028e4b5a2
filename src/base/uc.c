/* uc — see uc.h. */
#include "base/uc.h"

#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/audit.h"

void uc_cli(uc *c, db *d, arena *mem) {
    memset(c, 0, sizeof *c);
    c->d = d;
    c->mem = mem;
    /* the login of whoever runs the command, as the audit trail's actor */
    const char *login = getenv("SUDO_USER");
    if (!login || !*login) {
        const struct passwd *pw = getpwuid(geteuid());
        login = pw && pw->pw_name ? pw->pw_name : getenv("USER");
    }
    c->who.username = arena_printf(mem, "cli:%s", login && *login ? login : "?");
    c->who.role = "cli";
    c->who.scope_kind = "city";
    c->who.scope_code = "";
    c->who.address = "cli";
}

const char *uc_obj(uc *c, const char *kind, int64_t id) {
    return arena_printf(c->mem, "%s:%lld", kind, (long long)id);
}

st uc_begin(uc *c, err *e) {
    st s = db_begin(c->d, e);
    if (!s && c->nheld < (int)(sizeof c->held / sizeof c->held[0])) {
        c->held[c->nheld].mark = audit_held_mark();
        c->held[c->nheld++].depth = db_tx_depth(c->d);
    }
    return s;
}

/* The audit mark of the act ending now (at the connection's depth), or SIZE_MAX when not known
   (an act opened deeper than the marks kept): a begin that ended some other way is passed over. */
static size_t uc_held_pop(uc *c) {
    int depth = db_tx_depth(c->d);
    while (c->nheld > 0 && c->held[c->nheld - 1].depth > depth) c->nheld--;
    if (c->nheld > 0 && c->held[c->nheld - 1].depth == depth) return c->held[--c->nheld].mark;
    return SIZE_MAX;
}

uc uc_part(const uc *c) {
    uc p = *c;
    p.part = true;
    return p;
}

static audit_entry ctx_entry(const uc *c, const uc_act *a) {
    audit_entry x = {.user_id = c->who.user_id, .username = c->who.username, .role = c->who.role,
                     .action = a->action, .object = a->object, .result = a->result ? a->result : "ok",
                     .address = c->who.address, .detail = a->detail};
    return x;
}

st uc_end(uc *c, st s, const uc_act *a, err *e) {
    if (!s && (!a || !a->action || !*a->action))
        s = err_set(e, ST_INTERNAL, "内部错误：写操作缺少审计动作，已撤销。");
    /* A part commits only with the act it is part of: alone it would be a write without a row. */
    if (!s && c->part && db_tx_depth(c->d) < 2 + c->group)
        s = err_set(e, ST_INTERNAL, "内部错误：作为其他操作一部分的写操作未在该操作之内，已撤销。");
    size_t mark = uc_held_pop(c);
    if (!s && !c->part) {   /* a part of another act: that act's row stands for both */
        audit_entry x = ctx_entry(c, a);
        s = audit_append(c->d, &x, e);
    }
    if (!s) s = db_commit(c->d, e);
    else db_rollback(c->d);
    if (s && mark != SIZE_MAX) audit_held_drop(mark);   /* rows held for a group (audit_hold) go with the act */
    return s;
}

st uc_group_begin(uc *c, err *e) {
    st s = db_begin_flat(c->d, e);
    if (!s) c->group++;
    return s;
}

st uc_group_end(uc *c, st s, err *e) {
    if (c->group > 0) c->group--;
    if (!s) return db_commit(c->d, e);
    db_rollback(c->d);
    return s;
}

bool uc_group_doomed(const uc *c) { return db_doomed(c->d); }

st uc_write(uc *c, uc_act *a, st (*work)(uc *c, void *arg, uc_act *a, err *e), void *arg, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    return uc_end(c, work(c, arg, a, e), a, e);
}

st uc_audit(uc *c, const uc_act *a, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    return uc_end(c, ST_OK, a, e);
}

/* ---- group commit ---- */

struct uc_batch_job {
    uc_batch_job *next;
    uc *c;
    st (*work)(uc *c, void *arg, err *e);
    void *arg;
    err *e;
    st s;
    int64_t rows;             /* audit rows its act wrote, on the leader's thread */
    bool done;
};

/* Run the acts of one batch on the leader's connection d and commit them together. */
static void batch_run(db *d, uc_batch_job *jobs) {
    err e;
    st s = db_begin(d, &e);
    if (!s) audit_hold(d);   /* the acts' audit rows written together at the end (audit.h) */
    for (uc_batch_job *j = jobs; j; j = j->next) {
        if (s) {   /* the batch could not begin: every act fails with it */
            j->s = err_set(j->e, e.code, "%s", e.msg);
            continue;
        }
        db *own = j->c->d;
        j->c->d = d;
        int64_t before = audit_rows_written();
        j->s = j->work(j->c, j->arg, j->e);
        j->rows = audit_rows_written() - before;
        j->c->d = own;
    }
    if (s) return;
    /* an act that failed rolled its savepoint back; what is left commits, with its audit rows */
    s = audit_held_flush(d, &e);
    if (s) {
        db_rollback(d);
        for (uc_batch_job *j = jobs; j; j = j->next)
            if (!j->s) j->s = err_set(j->e, e.code, "%s", e.msg);
        return;
    }
    s = db_commit(d, &e);
    if (s)
        for (uc_batch_job *j = jobs; j; j = j->next)
            if (!j->s) j->s = err_set(j->e, e.code, "%s", e.msg);
}

st uc_batched(uc *c, uc_batch *b, st (*work)(uc *c, void *arg, err *e), void *arg, err *e) {
    if (db_tx_depth(c->d) > 0) return work(c, arg, e);
    uc_batch_job me = {NULL, c, work, arg, e, ST_OK, 0, false};
    bool led = false;   /* this thread ran its own act */
    pthread_mutex_lock(&b->mu);
    if (b->tail) b->tail->next = &me;
    else b->head = &me;
    b->tail = &me;
    while (!me.done) {
        if (b->leading) {
            pthread_cond_wait(&b->cv, &b->mu);
            continue;
        }
        /* lead: take what is queued (this act among it, unless an earlier leader took it) */
        b->leading = true;
        uc_batch_job *jobs = b->head, *last = jobs;
        for (int n = 1; n < UC_BATCH_MAX && last->next; n++) last = last->next;
        b->head = last->next;
        if (!b->head) b->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&b->mu);
        batch_run(c->d, jobs);
        int64_t lent = 0;
        pthread_mutex_lock(&b->mu);
        b->batches++;
        for (uc_batch_job *j = jobs, *nx; j; j = nx) {
            nx = j->next;   /* read before done: a follower's job lives on its stack */
            b->acts++;
            if (j != &me) lent += j->rows;
            else led = true;
            j->done = true;
        }
        b->leading = false;
        pthread_cond_broadcast(&b->cv);
        audit_rows_credit(-lent);   /* those rows are the followers' (audit-check counts per thread) */
    }
    pthread_mutex_unlock(&b->mu);
    if (!led) audit_rows_credit(me.rows);   /* written for this request on the leader's thread */
    return me.s;
}

int uc_batch_queued(uc_batch *b) {
    pthread_mutex_lock(&b->mu);
    int n = 0;
    for (uc_batch_job *j = b->head; j; j = j->next) n++;
    pthread_mutex_unlock(&b->mu);
    return n;
}
