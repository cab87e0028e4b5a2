/* dues_store — party dues in the database (migration 0050): members' bases
 * (sealed), reductions and waivers, each organization's monthly sheet (应交),
 * payments with their receipts, and the reads the pages, the transfers and
 * the reports need.  Every write is one audited use case (base/uc.h); reads
 * keep to the caller's scope.  All of the module's SQL is here.
 *
 * Months are "YYYY-MM"; "this month" is the month of clock_now() (the clock
 * the tests can move).  A month's due for a member is, in order: a relief
 * covering it (the newest, not revoked), else the amount of the newest base
 * whose from_month <= the month, else nothing (nobase).  A probationary
 * member owes from the month of their vote (member.joined_on), never before. */
#ifndef EJIA_DUES_DUES_STORE_H
#define EJIA_DUES_DUES_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"
#include "dues/dues.h"

/* "YYYY-MM" of clock_now() (out 8 bytes). */
void dues_store_this_month(char out[8]);

/* ---- bases ---------------------------------------------------------- */

/* A member's basis of dues from a month on (audited "dues.base"): the amount
 * comes from dues_calc with the rules in force; the base is sealed.  The same
 * from_month declared again replaces it (a correction); a from_month before
 * the member joined is refused. */
typedef struct dues_base_new {
    int64_t person_id;
    const char *from_month;       /* NULL = this month */
    dues_kind kind;
    int64_t base_fen;             /* the rated kinds' base; the farmers' set amount; ignored otherwise */
    const char *declared_by;      /* "member" (their own), "secretary", "import" */
} dues_base_new;
st dues_store_base_set(uc *c, const dues_base_new *b, dues_amount *out, err *e);

/* The member's bases, newest first:
 * {items:[{from_month, kind, kind_name, amount_fen, amount, rule, declared_by, actor, created_at
 *          [, base_fen, base]}]}.
 * open = true opens the sealed bases (the caller has decided the reader may
 * see them: the member, their secretary, the city); unless the reader is the
 * member, the opening is audited ("dues.base.read"). */
st dues_store_bases(uc *c, int64_t person_id, bool open, json_t **out, err *e);

/* ---- reliefs -------------------------------------------------------- */

/* A reduction (amount_fen > 0) or waiver (0) for months from..to inclusive
 * (audited "dues.relief"), approver named; sheets already made are brought
 * up to date for those months (lines not yet paid). */
typedef struct dues_relief_new {
    int64_t person_id;
    const char *from_month, *to_month;
    int64_t amount_fen;
    const char *reason, *approver;
} dues_relief_new;
st dues_store_relief_add(uc *c, const dues_relief_new *r, int64_t *id, err *e);
/* Revoked (audited "dues.relief.revoke", reason kept); sheets refreshed. */
st dues_store_relief_revoke(uc *c, int64_t id, const char *reason, err *e);
/* A member's reliefs, newest first: {items:[…]}. */
st dues_store_reliefs(uc *c, int64_t person_id, json_t **out, err *e);

/* ---- sheets --------------------------------------------------------- */

/* An organization's sheet for a month made, or brought up to date (audited
 * "dues.sheet"): one line for each member whose membership is in the
 * organization on the month's last day (or today, for this month) and in the
 * party (正常, 流动), probationary members only from the month of their
 * vote.  Lines already paid stay; an unpaid line's due follows the bases and
 * reliefs; an unpaid line of someone no longer there is removed.  A month
 * after this one is refused. */
st dues_store_sheet_make(uc *c, int64_t org_id, const char *month, int64_t *sheet_id, err *e);
/* Every organization's sheet for a month, in one act (audited "dues.sheets"):
 * the set-based form of the above for a whole city (or the caller's scope).
 * sheets and lines say how many were written. */
st dues_store_sheets_make(uc *c, const char *month, int64_t *sheets, int64_t *lines, err *e);
/* One sheet: {org_id, org_name, month, members, due_fen, paid_fen, paid_members, nobase, made_at,
 * items:[{person_id, name, kind, due_fen, state, paid_fen, payment_id, receipt_no}]} in pinyin
 * order; ST_NOT_FOUND when the month has no sheet yet. */
st dues_store_sheet_get(uc *c, int64_t org_id, const char *month, json_t **out, err *e);

/* ---- payments ------------------------------------------------------- */

/* A payment recorded (audited "dues.pay"): the member's months first..last
 * (inclusive; each month not paid yet), through the payment way named (see
 * dues_way in dues.h).  The dues are the months' dues (a sheet's line, or what
 * the sheet would say); a month more than dues-back-max-months before this
 * one is refused, one after this month needs consent (the branch's, in
 * words) and at most dues-advance-max-months ahead.  voluntary_fen above the
 * dues is allowed; at least dues-central-min makes it central (中央).
 * received_fen, when >= 0, must equal dues + voluntary (a treasurer's check).
 * The lines of sheets already made become paid; the sheets' sums follow.
 * The receipt number is the city's sequence (YYYY-NNNNNN). */
typedef struct dues_payment_new {
    int64_t person_id;
    const char *first_month, *last_month;   /* last NULL = first */
    int64_t voluntary_fen;
    int64_t received_fen;                   /* -1 = not checked */
    const char *consent;                    /* needed for months after this one */
    const char *way;                        /* NULL = "treasurer" */
    const char *way_ref;
    bool proxy;                             /* paid by someone else for the member */
    const char *proxy_name;
    const char *paid_on;                    /* NULL = today */
} dues_payment_new;
st dues_store_pay(uc *c, const dues_payment_new *p, int64_t *id, const char **receipt_no, err *e);
/* A payment voided (audited "dues.void", reason kept): its months are owed again. */
st dues_store_void(uc *c, int64_t id, const char *reason, err *e);
/* One payment as its receipt shows it: {id, receipt_no, person_id, name, org_id, org_name,
 * first_month, last_month, months, dues_fen, voluntary_fen, central, kind, way, way_label,
 * payer, proxy_name, paid_on, recorded_by, voided_at, void_reason, lines:[{month, fen}]}. */
st dues_store_payment_get(uc *c, int64_t id, json_t **out, err *e);

/* The payments inside the caller's scope. */
typedef struct dues_payment_filter {
    int64_t org_id;               /* 0 = any (with its sub-organizations) */
    int64_t person_id;            /* 0 = any */
    const char *from_day, *to_day;
    int central;                  /* -1 any, 0, 1 */
    bool voided;                  /* include voided ones */
} dues_payment_filter;
st dues_store_payments(uc *c, const dues_payment_filter *f, const uc_page *p, json_t **items, int64_t *total,
                       err *e);

/* ---- a member's standing -------------------------------------------- */

/* The months from first to last (inclusive) the member owes and has not paid
 * (nobase months are not owed), and their sum; first_owed "" when none.  The
 * transfers call it with the month of leaving. */
typedef struct dues_owing {
    int months;
    int64_t fen;
    char first_owed[8], last_owed[8];
} dues_owing;
st dues_store_owing(uc *c, int64_t person_id, const char *first, const char *last, dues_owing *out, err *e);

/* The logged-in member's own dues: {person_id, this_month, base:{kind, amount_fen, rule, from_month}|null,
 * owed:[{month, due_fen}], owed_fen, payments:[…receipt summaries…]}. */
st dues_store_mine(uc *c, json_t **out, err *e);

/* The object kinds routes may name (auth/scope.h), listed in app/scopes.c:
 * dues_payment (where it was recorded; the member's own account owns it),
 * dues_relief (where its member is), dues_sheet (where its organization is). */
#include "auth/scope.h"
extern const scope_resolver dues_scope_resolvers[];

#endif
