/* record — one source record of an imported ledger: its personal data in
 * full for a permitted reveal, and the sealing of records stored before
 * personal data was encrypted (pii.h).  All of its SQL is in record_store.c. */
#ifndef EJIA_LEDGER_RECORD_H
#define EJIA_LEDGER_RECORD_H

#include <jansson.h>
#include <stdint.h>
#include "core/err.h"
#include "base/uc.h"
#include "db/db.h"

/* {"record_id", "source", "sheet_row", "contact", "phone", "cells": [{"column",
 * "header", "value"}]} with the personal values in full; caller owns *out.
 * ST_NOT_FOUND when there is no such record.  An audited read
 * (ledger.reveal): nothing is handed back unless its audit row is written. */
st ledger_record_store_reveal(uc *c, int64_t id, json_t **out, err *e);

/* Seal the personal data of records stored before it was encrypted (pii = 0),
 * a batch per transaction so a large register does not hold the write lock
 * for long; *done rows.  Idempotent: run at every start, before anyone acts
 * (a data upgrade like the schema's migrations, not a use case: no actor). */
st ledger_record_pii_upgrade(db *d, int64_t *done, err *e);

#endif
