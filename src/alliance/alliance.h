/* alliance — 党建联盟 (issue 23), the pure rules: the kinds of alliance, who
 * is a member on a day, and the rule of who may add an organization.  No SQL,
 * no HTTP; alliance_store.h has the use cases.
 *
 * An alliance (党建联盟) joins party organizations across enterprises
 * (跨企业), in a park (园区) or in an industry (行业): one lead organization
 * (牵头组织) and member organizations, each membership from the day it joined
 * to the day it left (held on day D when joined_on <= D and left_on is
 * absent or after D), so the members as of any day are known.  The lead
 * organization is a member from the founding day for as long as the alliance
 * lasts.  An alliance sits where its lead organization is: it is created and
 * edited by holders of org.write whose scope holds the lead organization.
 *
 * The rule for members (ALLIANCE_MEMBER_RULE): an organization is added to,
 * or taken out of, an alliance only by an office whose scope holds that
 * organization — the city any, a district those of its district, a park
 * those of its park, an organization's administrator those below it.  A
 * member outside the writer's scope (another district's, a branch outside the
 * park) is added by the city or by the district that holds it.
 *
 * Joint activities (联合活动) are recorded like meetings by org.write on the
 * lead organization, or by its secretary or administrator (meeting.write):
 * the participating organizations are members of the alliance on the day. */
#ifndef EJIA_ALLIANCE_ALLIANCE_H
#define EJIA_ALLIANCE_ALLIANCE_H

#include <stdbool.h>
#include "core/err.h"

/* The kinds, in the order they are offered. */
extern const char *const alliance_kinds[];   /* NULL-terminated */
bool alliance_kind_ok(const char *kind);

/* Is a membership joined_on .. left_on (NULL: still) held on day? */
bool alliance_member_on(const char *joined_on, const char *left_on, const char *day);

/* Do two memberships of the same organization overlap (a, b the first's
 * joined and left days, c, d the second's; NULL left = still)? */
bool alliance_spans_overlap(const char *a, const char *b, const char *c, const char *d);

/* May a role record a joint activity (org.write, or meeting.write: the lead
 * organization's secretary or administrator)? */
bool alliance_activity_role_ok(const char *role);

#define ALLIANCE_MEMBER_RULE                                                                                        \
    "联盟成员规则：只有管辖该党组织的部门才能把它加入或移出联盟（市委组织部可加入全市的党组织，区委组织部可加入本区的，" \
    "园区党工委可加入本园区的）；本范围以外的党组织，请由市委组织部或其所在区委组织部加入"

#endif
