/* volunteer_store — 志愿服务 (issue 18): teams, their members, activities,
 * sign-ups, check-ins and confirmed hours.  All of the module's SQL.
 *
 * A team sits where its owner is (an organization's district, park and path;
 * a park's code and its district) and its activities with it: the organizers
 * (volunteer.write) reach those of their scope.  The list of upcoming
 * activities is public to members (volunteer.join), who sign themselves up:
 * an activity's taken places are raised in one conditional UPDATE, so the
 * last place goes to exactly one sign-up; cancelling deletes the sign-up and
 * frees its place.  Check-in takes the meetings' rolling QR code (an
 * activity token under the key "volunteer-checkin") and only the signed-up
 * may check in, once.  The organizer confirms each attendee's hours once
 * (default: the activity's length); each confirmation writes an activity-log
 * row "volunteer.hours" (ref "volunteer:<activity>", value the hours) that
 * the points rule of that kind counts.
 *
 * JSON handed back (json_t **) is the caller's to decref unless a function
 * says otherwise. */
#ifndef EJIA_VOLUNTEER_VOLUNTEER_STORE_H
#define EJIA_VOLUNTEER_VOLUNTEER_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"

typedef struct volunteer_team_new {
    const char *name, *owner_kind, *park_code, *intro;
    int64_t org_id;                 /* owner_kind "org" */
} volunteer_team_new;
st volunteer_store_team_create(uc *c, const volunteer_team_new *t, int64_t *id, err *e);
/* Teams in the caller's scope (q: a name's part; NULL = all), with members, activities and confirmed hours. */
st volunteer_store_teams(uc *c, const char *q, const uc_page *p, json_t **items, int64_t *total, err *e);
/* One team: its members and activities. */
st volunteer_store_team_get(uc *c, int64_t id, json_t **out, err *e);

typedef struct volunteer_activity_new {
    const char *title, *day, *start, *end, *place;
    int64_t places;
    double hours;                   /* 0 = the length from start to end */
} volunteer_activity_new;
st volunteer_store_activity_create(uc *c, int64_t team_id, const volunteer_activity_new *a, int64_t *id, err *e);
/* One activity: its team, places and sign-ups (check-ins, hours). */
st volunteer_store_activity_get(uc *c, int64_t id, json_t **out, err *e);
/* The organizer cancels an activity (reason required) before it starts. */
st volunteer_store_activity_cancel(uc *c, int64_t id, const char *reason, err *e);
/* The check-in code of now (the organizer's screen), inside the check-in window. */
st volunteer_store_token(uc *c, int64_t id, json_t **out, err *e);

typedef struct volunteer_hours_item {
    int64_t person_id;
    double hours;                   /* 0 = the activity's hours */
} volunteer_hours_item;
/* Confirm the hours of the attendees named (n = 0: every one checked in and
 * not yet confirmed), each once; *done = how many were confirmed. */
st volunteer_store_confirm(uc *c, int64_t id, const volunteer_hours_item *items, size_t n, int64_t *done, err *e);

/* Confirmed hours per member ("member") or per team ("team") in the caller's
 * scope, activities from..until (inclusive days; NULL = open). */
st volunteer_store_hours(uc *c, const char *by, const char *from, const char *until, const uc_page *p, json_t **items,
                         int64_t *total, err *e);

/* The member's page: upcoming open activities of the whole city (places
 * left, whether I signed up), my sign-ups, my teams and hours, the teams to
 * join. */
st volunteer_store_mine(uc *c, json_t **out, err *e);
st volunteer_store_join(uc *c, int64_t team_id, err *e);
st volunteer_store_signup(uc *c, int64_t activity_id, err *e);
st volunteer_store_unsign(uc *c, int64_t activity_id, err *e);
st volunteer_store_checkin(uc *c, const char *token, json_t **out, err *e);

/* A certificate of confirmed hours (志愿服务证明), for its attendee. */
typedef struct volunteer_cert {
    const char *number, *name, *team, *title, *day, *place, *hours, *issued_on, *issuer;
} volunteer_cert;
/* The caller's own confirmed sign-up of activity_id, read for the PDF and
 * audited (volunteer.certificate); strings in c's memory. */
st volunteer_store_cert(uc *c, int64_t activity_id, volunteer_cert *k, err *e);
st volunteer_cert_pdf(const volunteer_cert *k, const char *path, err *e);

extern const scope_resolver volunteer_scope_resolvers[];

#endif
