/* dues_sheets_store — the reads the dues pages need beside the store's
 * contract (dues_store.h): the list of a month's sheets inside the caller's
 * scope with their sums.  SQL only here. */
#ifndef EJIA_DUES_DUES_SHEETS_STORE_H
#define EJIA_DUES_DUES_SHEETS_STORE_H

#include <jansson.h>
#include <stdint.h>
#include "base/uc.h"
#include "core/err.h"

typedef struct dues_sheet_filter {
    const char *month;   /* "YYYY-MM", required */
    int64_t org_id;      /* 0 = any; else that organization and those below it */
} dues_sheet_filter;

/* The sheets of a month inside the caller's scope:
 * items [{id, org_id, org_name, org_kind, month, members, due_fen, paid_fen, paid_members, nobase, made_at}],
 * total, and the sums over all of them (sums: {sheets, members, due_fen, paid_fen, paid_members}). */
st dues_sheets_list(uc *c, const dues_sheet_filter *f, const uc_page *p, json_t **items, int64_t *total, json_t **sums,
                    err *e);

#endif
