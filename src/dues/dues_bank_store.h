/* dues_bank_store — bank statements in the database (migration 0053): a
 * statement imported for an organization's month is matched against its
 * sheet (dues_bank.h) and each matched line becomes a payment, in one
 * audited act; then a person decides each unmatched line — assigned to a
 * member and months (a payment) or ignored with a reason — one audited act
 * each.  Payments go through dues_store_pay with the way "treasurer" (the
 * branch's treasurer received the money in the branch's account) and the
 * reference "bank:<import>:<row>".  All of the statements' SQL is here. */
#ifndef EJIA_DUES_DUES_BANK_STORE_H
#define EJIA_DUES_DUES_BANK_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "dues/dues_bank.h"

typedef struct dues_bank_result {
    int64_t import_id;
    int lines, matched, unmatched, notpay;
    int64_t credit_fen, paid_fen;
} dues_bank_result;

/* Import a statement read already for the organization's month (audited
 * "dues.bank.import", one act): the month's sheet made or brought up to date
 * (a part of the act), the lines matched against what its members owe (the
 * month and the months before it, as far back as dues-back-max-months
 * allows), each matched line paid.  The same file twice is refused
 * (ST_CONFLICT naming the import it was); a line whose payment the store
 * refuses stays unmatched with the store's words as its reason. */
st dues_bank_store_import(uc *c, int64_t org_id, const char *month, const dues_bank_statement *s,
                          dues_bank_result *out, err *e);

/* The imports inside the caller's scope, newest first:
 * items [{id, org_id, org_name, month, source, format, lines, matched, unmatched, assigned, ignored, notpay,
 * credit_fen, paid_fen, importer, created_at}]; org_id 0 / month NULL = any. */
st dues_bank_store_imports(uc *c, int64_t org_id, const char *month, const uc_page *p, json_t **items, int64_t *total,
                           err *e);

/* One import with its lines (state NULL = all, or one of matched, unmatched, assigned, ignored, notpay), in row order:
 * {…the import…, lines:[{row, day, amount_fen, payer_name, payer_account, memo, state, reason, person_id,
 *  person_name, first_month, last_month, payment_id, receipt_no, decided_by, decided_at}]}. */
st dues_bank_store_get(uc *c, int64_t id, const char *state, json_t **out, err *e);

/* A person's decision on an unmatched line. */
typedef struct dues_bank_decision {
    bool ignore;                /* true: ignored, with reason */
    const char *reason;         /* required to ignore; kept with an assignment too */
    int64_t person_id;          /* to assign: the member ... */
    const char *first_month, *last_month;   /* ... and the months (last NULL = first) */
    bool voluntary;             /* the amount above the months' dues is paid voluntarily (自愿多交) */
    const char *consent;        /* months after this one: the branch's consent */
} dues_bank_decision;
/* Audited "dues.bank.assign" (the payment a part of it) or "dues.bank.ignore".
 * ST_CONFLICT when the line was decided already, ST_INVALID (field named)
 * when the months' dues are not the line's amount. */
st dues_bank_store_decide(uc *c, int64_t import_id, int row, const dues_bank_decision *d, err *e);

extern const scope_resolver dues_bank_scope_resolvers[];

#endif
