/* transfer_store — organization-relation transfers in the database
 * (migration 0051): started by the member or their organization, approved or
 * refused by the sending organization (dues checked up to the month of
 * leaving), accepted or returned by the receiving one — the membership moved
 * through member_store_change in the same transaction —, or sent out of the
 * system with a numbered letter whose receipt ends the membership here; a
 * letter from outside registered.  Every step is one audited use case with
 * its day, its actor and a transfer_step row.  All of the module's SQL is
 * here. */
#ifndef EJIA_TRANSFER_TRANSFER_STORE_H
#define EJIA_TRANSFER_TRANSFER_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "transfer/transfer.h"

/* A transfer started (audited "transfer.request"): kind "internal" to
 * to_org_id (any active organization of the system but the member's own) or
 * "out" to to_name (an organization outside the system).  by_member: the
 * member asks for their own membership (person_id is then the caller's).
 * Refused while the person has another transfer open. */
typedef struct transfer_new {
    const char *kind;
    int64_t person_id;
    int64_t to_org_id;
    const char *to_name;
    const char *reason;
    const char *day;          /* NULL = today */
} transfer_new;
st transfer_store_request(uc *c, const transfer_new *n, bool by_member, int64_t *id, err *e);

/* One step on a transfer by one side (transfer_next decides whether it may):
 * approve (dues checked; on a letter out the number is given), refuse,
 * cancel, accept (the membership moves), return, resubmit (to_org_id may be
 * corrected), receipt (the membership ends here).  Audited
 * "transfer.<action>". */
typedef struct transfer_act {
    const char *day;          /* NULL = today */
    const char *note;         /* the reason (refuse, return, cancel: required) or a remark */
    const char *override_reason;   /* approve despite dues owed */
    int64_t to_org_id;        /* resubmit: corrected receiver (0 = unchanged) */
} transfer_act;
st transfer_store_act(uc *c, int64_t id, const char *action, const char *side, const transfer_act *a, err *e);

/* A letter from outside the system registered (audited "transfer.incoming"):
 * the person matched by ID number or registered (member_store_register), the
 * membership placed in to_org_id, the transfer recorded as accepted. */
typedef struct transfer_incoming {
    const char *letter_no, *from_name;
    const char *id_number, *name, *category, *joined_on, *full_on;
    int64_t to_org_id;
    const char *day;          /* NULL = today */
    const char *reason;
} transfer_incoming;
st transfer_store_incoming(uc *c, const transfer_incoming *in, int64_t *id, err *e);

/* Dues paid up to the month of leaving?  *owed the months owed ("、" between,
 * in c's memory) or NULL; *paid_through the last month paid ("YYYY-MM") or
 * NULL when unknown. */
st transfer_dues_check(uc *c, int64_t person_id, const char *month, const char **owed, const char **paid_through, err *e);

/* One transfer with its steps and the actions the caller may take now
 * (ST_NOT_FOUND when it is outside every side the caller holds). */
st transfer_store_get(uc *c, int64_t id, json_t **out, err *e);

typedef struct transfer_filter {
    const char *state;        /* NULL = any */
    const char *direction;    /* "in", "out" or NULL (either side in my scope) */
    const char *kind;         /* NULL = any */
    int64_t org_id;           /* 0 = any; with direction: that side's organization */
    bool overdue;             /* letters past validity without a receipt */
    const char *q;            /* part of the name */
} transfer_filter;
st transfer_store_list(uc *c, const transfer_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e);

/* The logged-in member's transfers, newest first, each with its steps. */
st transfer_store_mine(uc *c, json_t **out, err *e);

/* What the reminders read (notice/): inside the caller's scope, transfers to
 * approve as the sending side and to accept as the receiving side. */
st transfer_store_pending_counts(uc *c, int64_t *to_approve, int64_t *to_accept, err *e);

/* Organizations of the whole system to send to, by part of the name (at most 20). */
st transfer_store_targets(uc *c, const char *q, json_t **items, err *e);

/* What the letter prints (audited "transfer.letter": a download). */
typedef struct transfer_letter {
    const char *number, *name, *gender, *ethnicity, *category, *id_number, *from_name, *to_name, *reason;
    const char *issued_on, *valid_until, *paid_through;
    int age, valid_days;
} transfer_letter;
st transfer_store_letter(uc *c, int64_t id, transfer_letter *out, err *e);
/* The letter as one A4 PDF page: 存根, 介绍信, 回执 separated by cut lines (transfer_pdf.c). */
st transfer_letter_pdf(const transfer_letter *l, const char *path, err *e);

extern const scope_resolver transfer_scope_resolvers[];

#endif
