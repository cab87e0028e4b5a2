/* alliance — the pure rules of 党建联盟 (see alliance.h). */
#include "alliance/alliance.h"

#include <string.h>

#include "auth/roles.h"

const char *const alliance_kinds[] = {"跨企业", "园区", "行业", NULL};

bool alliance_kind_ok(const char *kind) {
    for (int i = 0; kind && alliance_kinds[i]; i++)
        if (!strcmp(kind, alliance_kinds[i])) return true;
    return false;
}

bool alliance_member_on(const char *joined_on, const char *left_on, const char *day) {
    return joined_on && day && strcmp(joined_on, day) <= 0 && (!left_on || strcmp(left_on, day) > 0);
}

bool alliance_spans_overlap(const char *a, const char *b, const char *c, const char *d) {
    /* [a, b) and [c, d) overlap when each starts before the other ends */
    bool first_before_second_ends = !d || strcmp(a, d) < 0;
    bool second_before_first_ends = !b || strcmp(c, b) < 0;
    return first_before_second_ends && second_before_first_ends;
}

bool alliance_activity_role_ok(const char *role) {
    if (role && !strcmp(role, "cli")) return true;
    return roles_has(role, "org.write") || roles_has(role, "meeting.write");
}
