/* roles — see roles.h.  Keep data/roles.json in step with this table
 * (test_roles checks it). */
#include "roles.h"

#include <string.h>

#include "core/config.h"

static const roles_perm roles_perm_table[] = {
    {"ledger.read", "查看企业台账"},
    {"ledger.import", "导入企业台账"},
    {"ledger.round", "生成与发布台账轮次"},
    {"ledger.reconcile", "台账比对与轮次"},
    {"ledger.export", "导出全市台账"},
    {"coverage.read", "查看组织覆盖"},
    {"bulletin.read", "查看旬报"},
    {"bulletin.issue", "发布旬报"},
    {"org.read", "查看党组织"},
    {"org.write", "维护党组织"},
    {"member.read", "查看党员"},
    {"member.write", "维护党员"},
    {"member.reveal", "查看党员完整身份证号和电话"},
    {"develop.read", "查看发展党员"},
    {"develop.write", "办理发展党员"},
    {"develop.apply", "网上申请入党"},
    {"meeting.read", "查看三会一课"},
    {"meeting.write", "组织三会一课"},
    {"meeting.attend", "参加会议签到"},
    {"notice.send", "发布通知公告"},
    {"notice.read", "阅读通知公告"},
    {"study.read", "查看学习积分"},
    {"study.learn", "在线学习"},
    {"study.write", "维护课程与题库"},
    {"study.record", "登记线下学时"},
    {"dues.read", "查看党费"},
    {"dues.write", "核定党费"},
    {"dues.pay", "缴纳党费"},
    {"transfer.read", "查看组织关系转接"},
    {"transfer.write", "办理组织关系转接"},
    {"transfer.request", "申请组织关系转接"},
    {"points.read", "查看积分与星级"},
    {"points.write", "评定积分与星级"},
    {"points.claim", "申报积分"},
    {"liaison.write", "领导挂钩联系走访"},
    {"assess.read", "查看责任考核"},
    {"assess.write", "开展责任考核"},
    {"center.read", "查看党群服务中心"},
    {"center.write", "维护党群服务中心"},
    {"center.book", "预约服务中心活动室"},
    {"review.read", "查看内容预审"},
    {"review.write", "提交与决定内容预审"},
    {"review.do", "参加内容预审"},
    {"star.confirm", "审定星级"},
    {"benefit.write", "维护星级权益目录"},
    {"benefit.apply", "申请星级权益"},
    {"volunteer.read", "查看志愿服务"},
    {"volunteer.write", "组织志愿服务"},
    {"volunteer.join", "报名参加志愿服务"},
    {"enterprise.read", "查看本企业"},
    {"register.write", "维护企业名录"},
    {"self.read", "查看本人档案"},
    {"training.read", "查看轮训"},
    {"training.write", "组织轮训"},
    {"rules.write", "设置党建规则"},
    {"settings.write", "系统设置"},
    {"audit.read", "查看审计日志"},
    {"audit.export", "导出审计日志"},
    {"user.read", "查看用户"},
    {"user.write", "管理用户"},
    {"user.reveal", "查看用户完整身份证号和电话"},
    {"contact.reveal", "查看台账联系人和党建指导员的完整电话、证件号"},
};

#define P(...) (const char *const[]){__VA_ARGS__, NULL}
static const char *const roles_none[] = {NULL};

static const roles_role roles_table[] = {
    {"city", "市委组织部", "city",
     P("ledger.read", "ledger.import", "ledger.reconcile", "ledger.round", "ledger.export", "coverage.read", "bulletin.read",
       "bulletin.issue",
       "org.read", "org.write", "member.read", "member.write", "develop.read", "meeting.read", "study.read", "study.write", "study.record", "notice.send", "dues.read", "transfer.read",
       "transfer.write", "points.read", "points.write", "enterprise.read", "register.write", "training.read", "training.write", "rules.write",
       "user.read", "user.write", "contact.reveal", "liaison.write", "assess.read", "assess.write", "center.read", "center.write", "review.read", "star.confirm", "benefit.write", "volunteer.read", "volunteer.write"),
     P("district", "park", "org_admin", "secretary", "member", "investor")},
    {"district", "区委组织部", "district",
     P("ledger.read", "ledger.import", "ledger.reconcile", "coverage.read", "bulletin.read", "org.read",
       "org.write", "member.read", "member.write", "develop.read", "meeting.read", "study.read", "study.write", "study.record", "notice.send", "dues.read", "transfer.read", "transfer.write", "points.read",
       "enterprise.read", "register.write", "training.read", "user.read", "contact.reveal", "liaison.write", "assess.read", "center.read", "center.write", "review.read", "star.confirm", "volunteer.read", "volunteer.write"),
     roles_none},
    {"park", "园区党工委", "park",
     P("ledger.read", "ledger.import", "coverage.read", "bulletin.read", "org.read", "org.write", "member.read",
       "member.write", "develop.read", "meeting.read", "study.read", "notice.send", "points.read", "enterprise.read", "training.read", "user.read", "contact.reveal", "assess.read", "center.read", "review.read", "star.confirm", "volunteer.read", "volunteer.write"),
     roles_none},
    {"org_admin", "组织管理员", "org",
     P("org.read", "org.write", "member.read", "member.write", "member.reveal", "develop.read", "develop.write", "meeting.read", "meeting.write", "notice.send", "notice.read",
       "dues.read", "dues.write", "transfer.read", "transfer.write", "study.read", "study.record", "points.read", "points.write",
       "training.read", "center.read", "center.book", "review.read", "review.write", "review.do", "benefit.apply", "volunteer.read", "volunteer.write"),
     roles_none},
    {"secretary", "支部书记", "org",
     P("org.read", "member.read", "member.write", "member.reveal", "develop.read", "develop.write", "meeting.read", "meeting.write",
       "meeting.attend", "notice.send", "notice.read", "dues.read", "dues.write", "transfer.read", "transfer.write", "study.read",
       "study.learn", "study.record", "points.read", "points.write", "training.read", "self.read", "points.claim", "center.read", "center.book", "review.read", "review.write", "review.do", "benefit.apply", "volunteer.read", "volunteer.write", "volunteer.join"),
     roles_none},
    {"member", "党员", "self",
     P("self.read", "develop.apply", "study.read", "study.learn", "meeting.read", "meeting.attend", "notice.read", "dues.pay",
       "transfer.request", "points.read", "training.read", "points.claim", "center.read", "review.do", "benefit.apply", "volunteer.read", "volunteer.join"),
     roles_none},
    {"investor", "出资人", "enterprise", P("enterprise.read", "develop.apply", "org.read", "training.read", "center.read", "review.read", "review.write", "volunteer.read"), roles_none},
    {"auditor", "审计员", "city", P("audit.read", "audit.export"), roles_none},
    /* Not auditor or sysadmin: those accounts are made and reset only on the
     * server (roles_cli_only), or the administrator could take over the
     * account that audits it. */
    {"sysadmin", "系统管理员", "city", P("user.read", "user.write", "user.reveal", "settings.write"),
     P("city", "district", "park", "org_admin", "secretary", "member", "investor")},
};

/* Separation of duties (三权分立): the auditor reads the log of what the
 * administrators did; the system administrator manages accounts.  Neither
 * kind of account is created, reset, unlocked or disabled through the web or
 * the API — only with `ejia user ...` on the server (src/cli/user.c). */
static const char *const roles_cli_only_table[] = {"auditor", "sysadmin", NULL};

const roles_role *roles_find(const char *name) {
    for (size_t i = 0; name && i < sizeof roles_table / sizeof roles_table[0]; i++)
        if (!strcmp(roles_table[i].name, name)) return &roles_table[i];
    return NULL;
}

const roles_role *roles_all(size_t *n) {
    *n = sizeof roles_table / sizeof roles_table[0];
    return roles_table;
}

const roles_perm *roles_permissions(size_t *n) {
    *n = sizeof roles_perm_table / sizeof roles_perm_table[0];
    return roles_perm_table;
}

bool roles_perm_known(const char *perm) {
    for (size_t i = 0; perm && i < sizeof roles_perm_table / sizeof roles_perm_table[0]; i++)
        if (!strcmp(roles_perm_table[i].name, perm)) return true;
    return false;
}

bool roles_has(const char *role, const char *perm) {
    const roles_role *r = roles_find(role);
    if (!r || !perm) return false;
    for (const char *const *p = r->perms; *p; p++)
        if (!strcmp(*p, perm)) return true;
    return false;
}

bool roles_cli_only(const char *role) {
    for (const char *const *p = roles_cli_only_table; role && *p; p++)
        if (!strcmp(*p, role)) return true;
    return false;
}

bool roles_may_assign(const char *actor_role, const char *target_role) {
    const roles_role *r = roles_find(actor_role);
    /* Whatever the table says: these are never managed through the server. */
    if (!r || !roles_find(target_role) || roles_cli_only(target_role)) return false;
    for (const char *const *p = r->assigns; *p; p++)
        if (!strcmp(*p, target_role)) return true;
    return false;
}

bool roles_totp_required(const char *role) {
    const char *list = cfg_str("totp-roles");
    size_t n = role ? strlen(role) : 0;
    for (const char *p = list; p && *p && n;) {
        size_t k = strcspn(p, ", ");
        if (k == n && !strncmp(p, role, n)) return true;
        p += k;
        p += strspn(p, ", ");
    }
    return false;
}
