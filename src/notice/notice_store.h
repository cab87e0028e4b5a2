/* notice_store — notices and reminders in the database (migration 0046): a
 * notice written (a draft), published to the members below the place it is
 * addressed to (its recipients resolved from the registry that day and each
 * active channel called), withdrawn; the members' read receipts; the lists
 * and counts a sender sees; the member's own notices; and the reminders of
 * the bell.  Every write is one audited use case (base/uc.h); reads keep to
 * the caller's scope.  All of the module's SQL is here. */
#ifndef EJIA_NOTICE_NOTICE_STORE_H
#define EJIA_NOTICE_NOTICE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "notice/notice.h"

/* A notice written by the caller (audited "notice.create" for a draft, or
 * "notice.publish" when published at once): addressed to the caller's own
 * scope, or to org_id (> 0: an organization inside it, and those below). */
typedef struct notice_new {
    const char *title, *body;
    int64_t org_id;
    bool draft;
} notice_new;
st notice_store_create(uc *c, const notice_new *n, int64_t *id, err *e);

/* A draft published (audited "notice.publish"): the recipients are the
 * members of the registry inside its place that day (still in the party);
 * each channel of the setting notice-channels is called. */
st notice_store_publish(uc *c, int64_t id, err *e);

/* A published notice withdrawn (audited "notice.withdraw", the reason kept):
 * it leaves the members' lists; its receipts stay for the record. */
st notice_store_withdraw(uc *c, int64_t id, const char *reason, err *e);

/* One notice as its sender's side sees it: text, place, state, counts
 * (recipients, read, unread). */
st notice_store_get(uc *c, int64_t id, json_t **out, err *e);

/* The notices inside the caller's scope (the sender's side). */
typedef struct notice_filter {
    const char *state;   /* NULL = any */
    const char *q;       /* part of the title */
} notice_filter;
st notice_store_list(uc *c, const notice_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);

/* A notice's recipients: read = 1 those who read it, 0 those who have not,
 * -1 everyone; name, organization, read_at. */
st notice_store_recipients(uc *c, int64_t id, int read, const uc_page *p, json_t **items, int64_t *total, err *e);

/* The logged-in member's notices (published, newest first) with whether each
 * was read, and how many are unread: {items, total, unread}. */
st notice_store_mine(uc *c, const uc_page *p, json_t **out, err *e);
/* One of them, with its body (reading it does not mark it read). */
st notice_store_mine_get(uc *c, int64_t id, json_t **out, err *e);
/* The logged-in member has read it (audited "notice.read"; once read, the
 * first time stays). */
st notice_store_read(uc *c, int64_t id, err *e);

/* The reminders of the logged-in user (the bell, the member's home):
 * meetings they are expected at within rule-remind-meeting-days, check-ins
 * open now, unread notices; and for those who run organizations, their
 * scope's open duties (leave not answered, planned meetings whose day passed
 * without a record, development steps overdue).  {count, items}. */
st notice_store_reminders(uc *c, json_t **out, err *e);

extern const scope_resolver notice_scope_resolvers[];

#endif
