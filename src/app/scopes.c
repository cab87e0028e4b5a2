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
extern const scope_resolver training_scope_resolvers[];   /* 轮训 (issue 16) */

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
    training_scope_resolvers,
    NULL,
};
