/* fuzz_dues_bank — libFuzzer target for bank statements (dues_bank.c): the
 * table readers with the statement's dictionary (CSV in any encoding, xlsx,
 * xls; header and summary lines), the days and amounts of every line, the
 * masked accounts, then the matcher over the lines against a small sheet
 * whose names come from the input's own payers.  No database.  Any input: a
 * statement or a clean refusal, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "dues/dues_bank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        int argc = 1;
        char *argv[] = {"fuzz_dues_bank", NULL};
        err e0;
        cfg_load(&argc, argv, &e0);
        ready = 1;
    }
    dues_bank_statement *s = NULL;
    err e;
    if (dues_bank_read_mem("银行流水.csv", data, size, &s, &e) != ST_OK) return 0;
    arena a;
    arena_init(&a, 1 << 24);
    /* a sheet of the first payers (twice the first: a name shared), each owing three months */
    static dues_bank_owed owed[3] = {{"2026-09", 3000}, {"2026-10", 3000}, {"2026-11", 1500}};
    dues_bank_member m[5];
    int nm = 0;
    for (int i = 0; i < s->nlines && nm < 4; i++)
        m[nm++] = (dues_bank_member){.person_id = nm + 1, .name = s->lines[i].payer_name, .nowed = 3, .owed = owed};
    if (nm) m[nm++] = (dues_bank_member){.person_id = 9, .name = m[0].name, .nowed = 1, .owed = owed};
    dues_bank_match *o = arena_calloc(&a, (size_t)s->nlines + 1, sizeof *o);
    if (o) dues_bank_match_lines(s->lines, s->nlines, m, nm, &a, o);
    for (int i = 0; o && i < s->nlines; i++)
        if (o[i].person_id && (o[i].months < 1 || o[i].months > 3 || !o[i].reason)) abort();
    arena_free(&a);
    dues_bank_free(s);
    return 0;
}
