/* meeting_store — organizational life in the database (migration 0043): a
 * meeting planned, moved, held and recorded, leave asked and answered, the
 * phone check-in, amendments to a locked record; lists, the member's own
 * meetings, compliance and the scorecard.  Every write is one audited use
 * case (base/uc.h); reads keep to the caller's scope.  All of the module's
 * SQL is here. */
#ifndef EJIA_MEETING_MEETING_STORE_H
#define EJIA_MEETING_MEETING_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "meeting/meeting.h"

/* A meeting to plan (audited "meeting.plan"): kind one the organization owes
 * or may hold (meeting_kind_applies), day YYYY-MM-DD, start and end HH:MM
 * (end after start), place or online link, topic.  The members expected are
 * the organization's roll (member_store_roll) of its day, taken again when it
 * is recorded. */
typedef struct meeting_new {
    int64_t org_id;
    const char *kind, *day, *start, *end, *place, *online_url, *topic;
} meeting_new;
st meeting_store_plan(uc *c, const meeting_new *m, int64_t *id, err *e);

/* A planned meeting moved or changed (audited "meeting.move"); NULL = unchanged. */
typedef struct meeting_move {
    const char *day, *start, *end, *place, *online_url, *topic;
} meeting_move;
st meeting_store_move(uc *c, int64_t id, const meeting_move *x, err *e);

/* The year proposed (audited "meeting.propose"): for each kind the
 * organization owes and each stretch of its frequency in year, one planned
 * meeting on the stretch's first working day (主题党日 on rule-meeting-theme-day,
 * when set, or the working day after) unless the organization has one
 * of that kind in the stretch already; *created how many. */
st meeting_store_propose(uc *c, int64_t org_id, int year, int *created, err *e);

/* A meeting held, recorded (audited "meeting.record"), or a held record
 * changed with a reason (audited "meeting.amend", the record before and after
 * kept).  NULL fields keep what is there; present / online / absent name
 * members of the roll (person ids); the others are absent unless they checked
 * in or their leave was approved.  Recording is refused once the record has
 * locked (rule-meeting-lock-days after its day): then only an amendment. */
typedef struct meeting_record {
    const char *day, *start, *end, *place, *online_url, *topic, *minutes, *decisions;
    const int64_t *present, *online, *absent;
    size_t n_present, n_online, n_absent;
    const char *reason;          /* amendments: required */
} meeting_record;
st meeting_store_record(uc *c, int64_t id, const meeting_record *r, err *e);
st meeting_store_amend(uc *c, int64_t id, const meeting_record *r, err *e);

/* The logged-in member asks leave of a meeting they are expected at (audited
 * "meeting.leave_request"); the secretary answers (audited "meeting.leave_decide"). */
st meeting_store_leave_request(uc *c, int64_t id, const char *reason, err *e);
st meeting_store_leave_decide(uc *c, int64_t id, int64_t person, bool approve, const char *note, err *e);

/* The check-in token of now (rule-meeting-checkin-step), only inside the
 * meeting's window: {token, url, step_seconds, expires_at, window_from, window_to}. */
st meeting_store_token(uc *c, int64_t id, json_t **out, err *e);
/* The logged-in member checks in with a token (audited "meeting.checkin");
 * online = attending through the online link.  Every refusal — a token
 * malformed, forged, stale or from a later step, outside the window, someone
 * not on the roll, a second check-in — is refused with a Chinese message and
 * written to the audit log as "meeting.checkin" with result "refused". */
st meeting_store_checkin(uc *c, const char *token, bool online, json_t **out, err *e);

/* One meeting: the record, the members expected with their leave and
 * attendance, the counts, the quorum (支部党员大会), lock, amendments. */
st meeting_store_get(uc *c, int64_t id, json_t **out, err *e);

/* Lists: the meetings inside the caller's scope the filter keeps. */
typedef struct meeting_filter {
    int64_t org_id;               /* 0 = any; with its sub-organizations */
    const char *district, *park, *kind, *state;
    const char *from, *to;        /* days, inclusive */
    bool own;                     /* only org_id's own meetings, not its sub-organizations' */
} meeting_filter;
st meeting_store_list(uc *c, const meeting_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);

/* The logged-in member's meetings: coming and past, attended or not, leave. */
st meeting_store_mine(uc *c, json_t **out, err *e);

/* Compliance in period p: by "org" (every organization that owes meetings),
 * "park", "district" or "city", inside the caller's scope and the filter's
 * district / park; an array of rows, ranked. */
/* by=org paged: the page offset..offset+limit of the organizations in the order sort names ("rank",
 * "-rate", …: the route's keys), each with its rank among all; only those of light status ("green",
 * "yellow", "red"; NULL: all); *total all of them that pass. */
st meeting_store_compliance_page(uc *c, const meeting_period *p, const char *district, const char *park, const char *status,
                                 const char *sort, int64_t offset, int64_t limit, json_t **items, int64_t *total, err *e);
st meeting_store_compliance(uc *c, const meeting_period *p, const char *by, const char *district, const char *park,
                            json_t **out, err *e);
/* One organization's scorecard for period p: {org, period, sections: {meetings: ...}}. */
st meeting_store_scorecard(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e);
/* A section that a module the meetings must not include (it reads the meetings itself: dues)
 * adds to the scorecard: h_scorecard calls fn for a caller whose role has perm and sets
 * sections.<name> to what it gives (NULL: no section).  The list is in app/routes.c, the one
 * place that sees every module; NULL-terminated. */
typedef struct meeting_scorecard_section {
    const char *name, *perm;
    st (*fn)(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e);
} meeting_scorecard_section;
extern const meeting_scorecard_section meeting_scorecard_sections[];

extern const scope_resolver meeting_scope_resolvers[];

/* The held meetings kept by organization and month (meeting_month, migration 0048: the roll-ups
 * read them) worked out again from every meeting, in one transaction (*rows: how many); clears
 * the mark the migration left.  meeting_store_upgrade does it only when so marked (at start). */
st meeting_store_rebuild_months(db *d, int64_t *rows, err *e);
st meeting_store_upgrade(db *d, int64_t *rows, err *e);

/* ---- photos (meeting_photo_store.c, migration 0047) ----
 * Only who may record the meeting adds or removes one (the route's
 * meeting.write and the meeting's scope); whoever may read the meeting views
 * them.  A photo's type is read from its content (meeting_photo_type), its
 * size limited (meeting-photo-max-bytes), a meeting's count too
 * (meeting-photo-max-count); the bytes are kept by content (base/files.h,
 * meeting-files-dir).  Once the record has locked, adding or removing one
 * is an amendment: reason required (else ST_CONFLICT, api_code "locked",
 * field "reason"), and a meeting_amendment row keeps the photos before and
 * after.  A removed photo keeps its row (who, when, why). */
/* A photo added (audited "meeting.photo_add"); path: the upload. */
st meeting_store_photo_add(uc *c, int64_t id, const char *path, const char *filename, const char *reason, int64_t *photo, err *e);
/* A photo removed (audited "meeting.photo_remove"); reason kept (required once locked). */
st meeting_store_photo_remove(uc *c, int64_t id, int64_t photo, const char *reason, err *e);
/* One photo to send (audited "meeting.photo.read"): where its bytes are, type, name (c's memory). */
st meeting_store_photo(uc *c, int64_t id, int64_t photo, const char **path, const char **mime, const char **filename, err *e);
/* The meeting's photos into o (meeting_store_get): photos [{id, filename, mime, size,
 * width, height (null when unknown), uploaded_by, created_at, url}], photos_removed,
 * photo_limits {max_bytes, max_count, types}. */
st meeting_store_photos_json(uc *c, int64_t id, json_t *o, err *e);
/* The object kind "meeting_photo": keys photo id / meeting id (app/scopes.c). */
extern const scope_resolver meeting_photo_scope_resolvers[];

/* ---- what the reminders read (notice/) ---- */

/* The planned meetings person is expected at (not on approved leave) with a
 * day from..to: [{id, org_name, kind, topic, day, start, end, starts_at,
 * ends_at, place, online_url, checked_in}], soonest first. */
st meeting_store_upcoming(uc *c, int64_t person, const char *from, const char *to, json_t **out, err *e);
/* The open duties inside the caller's scope: leave asked of a planned meeting
 * and not yet answered, and planned meetings whose day is before today (held
 * without a record, or not held). */
st meeting_store_duty_counts(uc *c, int64_t *leave, int64_t *unrecorded, err *e);

/* ---- what the dues' arrears warning reads (dues/) ---- */

/* The held meetings of one organization (its own, not those below) with a
 * day from..to, by member expected and month, in person and month order:
 * [{person_id, month, expected, attended (present or online), excused (on
 * approved leave)}] (c's memory).  The organization must be inside the
 * caller's scope. */
st meeting_store_life_months(uc *c, int64_t org_id, const char *from, const char *to, json_t **out, err *e);

#endif
