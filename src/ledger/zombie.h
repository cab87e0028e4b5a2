/* zombie — which matched enterprises are zombies (僵尸企业), and why.
 *
 * A zombie is an enterprise struck off the register (吊销 / 注销 / 撤销) or
 * with nobody working there (a head count of 0).  Both show in the records:
 * the status column, a status note in the name ("（已注销）"), the head
 * counts; field verification adds what was seen on site.  An enterprise is
 * matched from several ledgers, and they need not agree: each record is a
 * piece of evidence, and the decision is stated with the records behind it.
 *
 *   definite   (removed in round 3; written by `ledger match --zombies`)
 *     status   more of its records say struck off than say it is registered
 *              and alive (存续 / 在业 …): striking off is one way, so a
 *              struck-off record outweighs an older "存续" only when it is
 *              not outnumbered — a tie is a contradiction a person settles;
 *     no staff every ledger that gives a head count gives less than
 *              rule-zombie-min-employees (0 by default), at least one does;
 *              blank counts are no evidence either way;
 *     on site  field verification found no premises or no operation.
 *   suspected  (kept, listed with the reason for round-4 field verification)
 *     the ledgers contradict each other — one says 20 staff, another 0; one
 *     says 注销, as many say 存续 — or the status is 停业 / 歇业 / 清算 /
 *     迁出 / 经营异常 / cancellation pending: the enterprise may well be alive.
 * The split is a stated rule, not a tuned threshold.  The reasons name the
 * records they come from ("02-网信办.csv 第 17 行") so that a person can
 * check them in the source ledger. */
#ifndef EJIA_LEDGER_ZOMBIE_H
#define EJIA_LEDGER_ZOMBIE_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/err.h"
#include "ledger/match.h"

typedef struct ledger_zombie {
    uint32_t entity;
    int definite;             /* 1 = a zombie by the rules above, 0 = suspected only */
    const char *reasons;      /* "登记状态为注销（02-网信办.csv 第 17 行）；…" */
} ledger_zombie;

/* The numbers the rules use, from the settings. */
typedef struct ledger_zombie_rules {
    long min_employees;       /* rule-zombie-min-employees: fewer means nobody works there */
} ledger_zombie_rules;
void ledger_zombie_rules_load(ledger_zombie_rules *r);

/* What a status text (a status column or a note in a name) says, as a bit
 * set of LEDGER_ZS_*.  A word after a negation ("吊销未注销", "未吊销") says
 * nothing; a struck-off word drops LEDGER_ZS_LIVE from the same text. */
enum {
    LEDGER_ZS_REVOKED = 1,     /* 吊销 */
    LEDGER_ZS_CANCELLED = 2,   /* 注销 */
    LEDGER_ZS_WITHDRAWN = 4,   /* 撤销 (registration withdrawn) */
    LEDGER_ZS_PENDING = 8,     /* 拟注销 / 注销中 / 申请注销: not struck off yet */
    LEDGER_ZS_SUSPENDED = 16,  /* 停业 / 歇业 */
    LEDGER_ZS_WINDING = 32,    /* 清算 */
    LEDGER_ZS_MOVED = 64,      /* 迁出 */
    LEDGER_ZS_LIVE = 128,      /* 存续 / 在业 / 在营 / 开业 / 正常 / 在册 */
    LEDGER_ZS_ABNORMAL = 256   /* 经营异常 (the register's list of firms not found at their address) */
};
#define LEDGER_ZS_STRUCK (LEDGER_ZS_REVOKED | LEDGER_ZS_CANCELLED | LEDGER_ZS_WITHDRAWN)
int ledger_zombie_status(const char *text);

/* Entities with at least one reason, in entity order.  rules NULL: from the
 * settings.  Strings and the array live in a. */
st ledger_zombie_find(ledger_match_result *r, const char *const *source_names, const ledger_zombie_rules *rules,
                      arena *a, ledger_zombie **out, size_t *n, err *e);

#endif
