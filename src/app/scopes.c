/* scopes — every module's table of object kinds for the scope check
 * (auth/scope.h).  A new module with objects that routes name adds its table
 * here, as it adds its routes to routes.c. */
#include "auth/scope.h"

extern const scope_resolver ledger_scope_resolvers[];
extern const scope_resolver org_scope_resolvers[];
extern const scope_resolver member_scope_resolvers[];
extern const scope_resolver meeting_scope_resolvers[];
extern const scope_resolver meeting_photo_scope_resolvers[];
extern const scope_resolver develop_scope_resolvers[];
extern const scope_resolver notice_scope_resolvers[];
extern const scope_resolver dues_scope_resolvers[];
extern const scope_resolver transfer_scope_resolvers[];
extern const scope_resolver dues_bank_scope_resolvers[];
extern const scope_resolver flow_scope_resolvers[];   /* 流动党员 (issue 17) */
extern const scope_resolver exam_scope_resolvers[];   /* 考试 (issue 16) */
extern const scope_resolver register_scope_resolvers[];   /* the enterprise register (issue 23) */
extern const scope_resolver committee_scope_resolvers[];   /* organizations' people and terms (issue 23) */
extern const scope_resolver course_scope_resolvers[];   /* 课程 (issue 16) */
extern const scope_resolver training_scope_resolvers[];   /* 轮训 (issue 16) */
extern const scope_resolver alliance_scope_resolvers[];   /* 党建联盟 (issue 23) */
extern const scope_resolver liaison_scope_resolvers[];   /* 领导挂钩联系 (issue 23) */
extern const scope_resolver review_scope_resolvers[];   /* 内容预审 (issue 19) */
extern const scope_resolver assess_scope_resolvers[];   /* 责任考核 (issue 23) */
extern const scope_resolver stars_scope_resolvers[];    /* 星级评定、星级权益 (issue 18) */
extern const scope_resolver points_scope_resolvers[];   /* 积分 (issue 18) */
extern const scope_resolver volunteer_scope_resolvers[];   /* 志愿服务 (issue 18) */
extern const scope_resolver center_scope_resolvers[];   /* 党群服务中心 (issue 19) */

const scope_resolver *const scope_resolver_tables[] = {
    scope_core_resolvers,
    ledger_scope_resolvers,
    org_scope_resolvers,
    member_scope_resolvers,
    meeting_scope_resolvers,
    meeting_photo_scope_resolvers,
    develop_scope_resolvers,
    notice_scope_resolvers,
    dues_scope_resolvers,
    transfer_scope_resolvers,
    dues_bank_scope_resolvers,
    flow_scope_resolvers,
    exam_scope_resolvers,
    register_scope_resolvers,
    committee_scope_resolvers,
    course_scope_resolvers,
    training_scope_resolvers,
    alliance_scope_resolvers,   /* 党建联盟 (issue 23) */
    liaison_scope_resolvers,
    review_scope_resolvers,
    assess_scope_resolvers,
    stars_scope_resolvers,
    points_scope_resolvers,
    volunteer_scope_resolvers,
    center_scope_resolvers,   /* 党群服务中心 (issue 19) */
    NULL,
};
