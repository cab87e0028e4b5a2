/* dues_receipt — a dues payment's receipt (党费收据) as PDF, and the amount
 * in Chinese capitals (大写) it prints.  No SQL, no HTTP: the routes hand it the
 * payment as dues_store_payment_get gives it. */
#ifndef EJIA_DUES_DUES_RECEIPT_H
#define EJIA_DUES_DUES_RECEIPT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* An amount of fen (>= 0, <= DUES_FEN_MAX) in the capitals of a financial
 * document: 0.20 → 贰角, 15.00 → 壹拾伍元整, 1000.05 → 壹仟元零伍分,
 * 100005.00 → 壹拾万零伍元整, 0 → 零元整.  Whole 元 end in 整; a 角 or 分
 * ends the amount.  out has room for n bytes (128 is always enough); an
 * amount outside the range gives "". */
void dues_fen_capitals(int64_t fen, char *out, size_t n);

/* The receipt of one payment on half an A4 page (A5 landscape): the city's
 * receipt number, the member and organization, the months, the dues and the
 * voluntary part, the total in figures and capitals, whether it goes to the
 * central committee, the way, who paid, the day and who recorded it; a voided
 * payment's receipt is marked 作废 with the reason.  payment is the object of
 * dues_store_payment_get; title is the heading (the city's name before it). */
st dues_receipt_pdf(const json_t *payment, const char *title, const char *path, err *e);

#endif
