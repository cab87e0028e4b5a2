/* fuzz_register — libFuzzer target for the register's feed (register.c): the
 * ledger's table readers on a feed file (CSV in any encoding, xlsx, xls), the
 * check that it is one (a 企业名称 column, the row cap), then the plan over a
 * small register made from the input's own first rows (the same names and
 * codes, one of them closed): the matcher, the internet words, the category,
 * the district from an address.  No database.  Any input: a plan or a clean
 * refusal, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "register/register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        int argc = 1;
        char *argv[] = {"fuzz_register", NULL};
        err e0;
        cfg_load(&argc, argv, &e0);
        ready = 1;
    }
    ledger_table *t = NULL;
    err e;
    if (register_feed_read_mem("登记数据.csv", data, size, &t, &e) != ST_OK) return 0;
    register_ent ents[4];
    size_t n = 0;
    for (int i = 0; i < t->nrows && n < 3; i++) {
        const ledger_row *r = &t->rows[i];
        if (!r->val[LF_NAME]) continue;
        ents[n] = (register_ent){.id = (int64_t)n + 1, .name = r->val[LF_NAME], .uscc = r->val[LF_CODE],
                                 .address = r->val[LF_ADDRESS], .district = r->district_code, .active = n != 1};
        n++;
    }
    register_plan *p = NULL;
    if (register_plan_make(t, ents, n, "2026-11-30", NULL, NULL, NULL, &p, &e) == ST_OK) register_plan_free(p);
    ledger_table_free(t);
    return 0;
}
