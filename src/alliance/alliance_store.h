/* alliance_store — 党建联盟 in the database (migration 0063; issue 23).  All
 * of the module's SQL is here; every write is one audited use case
 * (base/uc.h): an alliance created (alliance.create), edited or dissolved
 * (alliance.update), an organization joined (alliance.member.add) or left
 * (alliance.member.leave), a joint activity recorded (alliance.activity) with
 * an activity-log line per participating organization ("alliance.activity",
 * ref "alliance_activity:<id>"), a photo or minutes file added
 * (alliance.file.add); a file read back is audited (alliance.file.read).
 * The rules are in alliance.h. */
#ifndef EJIA_ALLIANCE_ALLIANCE_STORE_H
#define EJIA_ALLIANCE_ALLIANCE_STORE_H

#include <jansson.h>
#include <stdint.h>
#include "alliance/alliance.h"
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"

/* A member organization to add, from a day. */
typedef struct alliance_member_new {
    int64_t org_id;
    const char *joined_on;        /* YYYY-MM-DD; NULL = the founding day (at creation) */
    const char *note;
} alliance_member_new;

typedef struct alliance_new {
    const char *name, *kind, *description, *founded_on;
    int64_t lead_org_id;
    const alliance_member_new *members;   /* besides the lead */
    size_t n;
} alliance_new;

/* Create an alliance (audited "alliance.create"): a name (2–60 characters,
 * unique among the alliances not dissolved), a kind (alliance_kinds), a lead
 * organization active on the founding day (not after today) inside the
 * caller's scope, members each inside the caller's scope (ALLIANCE_MEMBER_RULE)
 * and active on their day. */
st alliance_store_create(uc *c, const alliance_new *x, int64_t *id, err *e);

/* An edit: NULL fields are left as they are; dissolved_on set dissolves the
 * alliance (every membership still open ends that day); "" clears it. */
typedef struct alliance_edit {
    const char *name, *kind, *description, *founded_on, *dissolved_on;
} alliance_edit;
st alliance_store_update(uc *c, int64_t id, const alliance_edit *x, err *e);

/* An organization joins (audited "alliance.member.add"): inside the caller's
 * scope (ALLIANCE_MEMBER_RULE), active on the day, the day not before the
 * founding, not after today, not while it is a member already. */
st alliance_store_member_add(uc *c, int64_t id, const alliance_member_new *m, int64_t *member_id, err *e);
/* A membership ends on day (audited "alliance.member.leave"): not the lead's,
 * the organization inside the caller's scope, after the day it joined. */
st alliance_store_member_leave(uc *c, int64_t id, int64_t member_id, const char *day, const char *note, err *e);

/* A joint activity (联合活动). */
typedef struct alliance_activity_new {
    const char *day, *place, *topic, *content;
    const int64_t *orgs;          /* participating organizations: members on the day */
    size_t n_orgs;
    const int64_t *people;        /* registry members who attended (of those organizations that day) */
    size_t n_people;
    int64_t attendance;           /* how many attended; 0 = the people named */
} alliance_activity_new;
st alliance_store_activity_add(uc *c, int64_t id, const alliance_activity_new *x, int64_t *activity_id, err *e);
/* The alliance of an activity (ST_NOT_FOUND when none). */
st alliance_store_activity_alliance(uc *c, int64_t activity_id, int64_t *alliance_id, err *e);

/* A photo (JPEG, PNG, WebP) or the minutes (PDF or a photo of them) of an
 * activity (audited "alliance.file.add"); sizes and counts as the meeting
 * photos' settings (meeting-photo-max-bytes, meeting-photo-max-count). */
st alliance_store_file_add(uc *c, int64_t activity_id, const char *kind, const char *path, const char *filename, int64_t *file_id,
                           err *e);
/* A file to download (audited "alliance.file.read"). */
st alliance_store_file(uc *c, int64_t activity_id, int64_t file_id, const char **path, const char **mime, const char **name, err *e);

/* One alliance: its members as of day (and every membership with its days),
 * its activities with their organizations, people and files, may_write /
 * may_record for the caller. */
st alliance_store_get(uc *c, int64_t id, const char *day, json_t **out, err *e);

/* The alliances whose lead organization is inside the caller's scope. */
typedef struct alliance_filter {
    const char *kind, *district, *park, *q;
    const char *state;            /* "active" (default), "dissolved", "all" */
} alliance_filter;
st alliance_store_list(uc *c, const alliance_filter *f, json_t **items, err *e);

/* The alliances an organization leads or belongs to on day, each with
 * "open": whether the caller may open the alliance's page. */
st alliance_store_of_org(uc *c, int64_t org_id, const char *day, json_t **items, err *e);

/* For the city map: per alliance inside the caller's scope (active on day),
 * its id, name, kind, and its members' enterprise ids on day. */
st alliance_store_map(uc *c, const char *day, json_t **items, err *e);

/* Where its objects sit: an alliance and an activity, where the lead organization is. */
extern const scope_resolver alliance_scope_resolvers[];

#endif
