/* uc — see uc.h. */
#include "base/uc.h"

#include <pwd.h>
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

st uc_begin(uc *c, err *e) { return db_begin(c->d, e); }

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
    if (!s && !c->part) {   /* a part of another act: that act's row stands for both */
        audit_entry x = ctx_entry(c, a);
        s = audit_append(c->d, &x, e);
    }
    if (!s) return db_commit(c->d, e);
    db_rollback(c->d);
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
