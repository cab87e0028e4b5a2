/* liaison — the pure rules of leaders' links and visits (see liaison.h). */
#include "liaison/liaison.h"

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "org/org.h"

/* Days since 1970-01-01 of a valid day (civil calendar). */
static long ls_ordinal(const char *day) {
    int y = 0, m = 0, d = 0;
    org_day_parse(day, &y, &m, &d);
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int liaison_days_between(const char *a, const char *b) { return (int)(ls_ordinal(b) - ls_ordinal(a)); }

int liaison_days_over(const char *due_day, const char *today) {
    int n = liaison_days_between(due_day, today);
    return n > 0 ? n : 0;
}

void liaison_due_default(const char *day, char out[11]) { org_day_add(day, (int)cfg_int("liaison-problem-due-days"), out); }

static bool ls_is(const char *a, const char *b) { return a && !strcmp(a, b); }

st liaison_leader_check(const liaison_actor *a, const liaison_leader *l, err *e) {
    const char *who = l->name && *l->name ? l->name : "该账号";
    if (!ls_is(l->role, "city") && !ls_is(l->role, "district"))
        return err_field(e, ST_INVALID, "leader_id", "%s 不是市委组织部或区委组织部的账号，不能作为挂钩领导。%s。", who, LIAISON_RULE);
    if (l->disabled) return err_field(e, ST_INVALID, "leader_id", "%s 的账号已停用，不能作为挂钩领导；请先在用户管理中启用。", who);
    if (ls_is(a->scope_kind, "city")) return ST_OK;
    if (ls_is(a->scope_kind, "district")) {
        if (ls_is(l->role, "district") && ls_is(l->scope_code, a->scope_code)) return ST_OK;
        return err_field(e, ST_FORBIDDEN, "leader_id", "%s 不是本区的领导，区委组织部只能安排本区领导挂钩；市领导的挂钩请由市委组织部安排。%s。",
                         who, LIAISON_RULE);
    }
    return err_set(e, ST_FORBIDDEN, "只有市委组织部和区委组织部可以安排领导挂钩联系。");
}

st liaison_visit_check(const liaison_actor *a, int64_t leader_id, const char *leader_name, err *e) {
    if (a->user_id && a->user_id == leader_id) return ST_OK;
    if (ls_is(a->scope_kind, "city")) return ST_OK;
    return err_set(e, ST_FORBIDDEN, "走访记录由挂钩领导%s本人登记（或由市委组织部代为登记）；您不是该企业的挂钩领导。",
                   leader_name && *leader_name ? leader_name : "");
}

st liaison_close_check(const liaison_actor *a, int64_t leader_id, err *e) {
    if (a->user_id && a->user_id == leader_id) return ST_OK;
    if (ls_is(a->scope_kind, "city") || ls_is(a->scope_kind, "district")) return ST_OK;
    return err_set(e, ST_FORBIDDEN, "问题由挂钩领导本人或组织部门销号。");
}
