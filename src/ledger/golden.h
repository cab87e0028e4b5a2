/* golden — one golden record per matched enterprise, with lineage.
 *
 * Rules (stated, in order of precedence; ties go to the earlier source,
 * i.e. the order the files were given — 经信局 first in the campaign):
 *   name      put together from the parts the ledgers agree on most: region
 *             placement (厦门… / …（厦门）… / none), brand, trade, legal form
 *             (each a vote, ties to the earlier record); status and former
 *             notes are not parts.  Branch offices: the name written most
 *             often, preferring one with a legal form.  Brackets full-width.
 *   code      the valid unified social credit code given most often; a code
 *             that fails its check is never chosen.
 *   district  the district given most often (GB/T 2260 code).
 *   address   the road and number given most often, written in its most
 *             complete form.
 *   counts    the median of the employee / party-member counts given.
 *   category  新闻 社交 网游 电商 金融 数据: the majority of the records'
 *             category column (category names or trade words), else of the
 *             trade words in their names.
 *   lineage   every source record (source index and row). */
#ifndef EJIA_LEDGER_GOLDEN_H
#define EJIA_LEDGER_GOLDEN_H

#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/err.h"
#include "ledger/match.h"

typedef struct ledger_golden {
    uint32_t entity;
    const char *name;         /* never NULL ("" when no record had a name) */
    const char *code;         /* valid USCC or "" */
    const char *district;     /* "思明区" or "" */
    int district_code;        /* 350203 or 0 */
    const char *address;      /* or "" */
    long employees, members;  /* -1 when no ledger gives one */
    const char *category;     /* one of the six or "" */
    const uint32_t *recs;     /* lineage: record indexes into the match result */
    uint32_t nrecs;
} ledger_golden;

/* One golden record per entity (index = entity).  Everything lives in a. */
st ledger_golden_build(ledger_match_result *r, arena *a, ledger_golden **out, err *e);

#endif
