/* zombie — which matched enterprises are zombies (僵尸企业), and why.
 *
 * A reason is a Chinese sentence naming the evidence and its source record.
 * Reasons are of two strengths:
 *   definite   吊销 / 注销 registration status, a status note in the name
 *              ("（已注销）"), field verification saying there are no premises
 *              or no operation.  These enterprises are zombies.
 *   suspected  停业 / 歇业 / 迁出 status, zero employees in every ledger that
 *              gives a count.  These go to field verification (round 4)
 *              rather than straight off the ledger: a firm with no staff on
 *              the books or a pause in business is often still alive.
 * The split is a stated rule, not a tuned threshold; ledger_zombie_find()
 * reports both, and the caller decides whether suspected ones are listed. */
#ifndef EJIA_LEDGER_ZOMBIE_H
#define EJIA_LEDGER_ZOMBIE_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/err.h"
#include "ledger/match.h"

typedef struct ledger_zombie {
    uint32_t entity;
    int definite;             /* 1 = definite reason present, 0 = suspected only */
    const char *reasons;      /* "登记状态为注销（02-网信办.csv 第 17 行）；从业人数为 0" */
} ledger_zombie;

/* Entities with at least one reason, in entity order.  Strings and the
 * array live in a. */
st ledger_zombie_find(ledger_match_result *r, const char *const *source_names, arena *a,
                      ledger_zombie **out, size_t *n, err *e);

#endif
