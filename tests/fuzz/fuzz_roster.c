/* fuzz_roster — libFuzzer target for rosters (花名册): the ledger readers
 * with the roster dictionary (header detection, raw rows), the column map,
 * the organization named by title or file name, every row turned into a
 * registration, and the registration's checks (days in every form, ID
 * numbers 15 → 18, full-width, spaces).  No database: everything before the
 * store.  Any input: a result or a clean refusal, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "member/member.h"
#include "member/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {   /* the settings' defaults (minimum age, probation) */
        int argc = 1;
        char *argv[] = {"fuzz_roster", NULL};
        err e0;
        cfg_load(&argc, argv, &e0);
        ready = 1;
    }
    ledger_table *t = NULL;
    err e;
    ledger_read_opts o = {.header_field = roster_header_field, .header_hint = "“姓名”“公民身份号码”", .max_cell_text = 1 << 22};
    if (ledger_table_read_mem("中共厦门模糊测试有限公司支部委员会党员花名册.csv", data, size, &o, &t, &e) != ST_OK) return 0;
    roster_cols cols;
    roster_map(t, &cols);
    char org[256], ent[256];
    if (roster_org_name(t, org, sizeof org)) {
        (void)roster_org_kind(org);
        roster_org_enterprise(org, ent, sizeof ent);
    }
    arena a;
    arena_init(&a, 1 << 24);
    for (int i = 0; i < t->nrows; i++) {
        roster_row r;
        roster_row_read(t, &cols, &t->rows[i], &a, &r);
        r.m.org_id = 1;
        member_checked k;
        err re;
        (void)member_check(&r.m, &k, &re);
    }
    arena_free(&a);
    ledger_table_free(t);
    return 0;
}
