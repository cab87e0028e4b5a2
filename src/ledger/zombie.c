/* zombie — reasons for calling a matched enterprise a zombie (see zombie.h).
 *
 * Each entity's records are read once; a reason is recorded the first time
 * its evidence appears, naming the record it came from, so that a person can
 * check it in the source ledger. */
#include "ledger/zombie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "ledger/norm.h"

/* Field-verification answers that mean "no". */
static int says_no(const char *v) {
    static const char *const NO[] = {"无", "否", "没有", "未经营", "停业", "不正常", "N", "NO", "0", NULL};
    if (!v) return 0;
    for (int i = 0; NO[i]; i++)
        if (strcmp(v, NO[i]) == 0) return 1;
    return strstr(v, "无") != NULL || strstr(v, "未") != NULL;
}

static void add(buf *b, int *seen, int bit, const char *text, const char *src, int row) {
    if (*seen & bit) return;
    *seen |= bit;
    if (b->len) buf_puts(b, "；");
    if (src) buf_printf(b, "%s（%s 第 %d 行）", text, src, row);
    else buf_puts(b, text);
}

st ledger_zombie_find(ledger_match_result *r, const char *const *source_names, arena *a,
                      ledger_zombie **out, size_t *n, err *e) {
    const uint32_t *off, *idx;
    st s = ledger_match_members(r, &off, &idx, e);
    if (s) return s;
    size_t cap = 64, cnt = 0;
    ledger_zombie *z = malloc(cap * sizeof *z);
    buf b;
    buf_init(&b, 1 << 16);
    if (!z) return err_set(e, ST_NOMEM, "内存不足：无法判定僵尸企业");
    enum { R_REVOKED = 1, R_CANCELLED = 2, R_NOTE = 4, R_NOPREM = 8, R_NOOP = 16,
           R_SUSPENDED = 32, R_MOVED = 64, R_ZERO = 128 };
    for (size_t k = 0; k < r->nentity; k++) {
        buf_reset(&b);
        int seen = 0, counted = 0, zero = 0, definite = 0;
        for (uint32_t x = off[k]; x < off[k + 1]; x++) {
            uint32_t i = idx[x];
            const ledger_row *row = r->recs[i].row;
            const char *src = source_names ? source_names[r->recs[i].source] : "";
            int stt = ledger_norm_status(row->val[LF_STATUS]);
            if (stt & LEDGER_NORM_ST_REVOKED) add(&b, &seen, R_REVOKED, "登记状态为吊销", src, row->row);
            if (stt & LEDGER_NORM_ST_CANCELLED) add(&b, &seen, R_CANCELLED, "登记状态为注销", src, row->row);
            int note = r->info[i].note_status;
            if (note & (LEDGER_NORM_ST_REVOKED | LEDGER_NORM_ST_CANCELLED))
                add(&b, &seen, R_NOTE, "名称中注明已注销或吊销", src, row->row);
            if (says_no(row->val[LF_PREMISES])) add(&b, &seen, R_NOPREM, "实地核查：无办公场所", src, row->row);
            if (says_no(row->val[LF_OPERATING])) add(&b, &seen, R_NOOP, "实地核查：未正常经营", src, row->row);
            if ((stt | note) & LEDGER_NORM_ST_SUSPENDED)
                add(&b, &seen, R_SUSPENDED, "经营状态为停业或歇业（待实地核查）", src, row->row);
            if ((stt | note) & LEDGER_NORM_ST_MOVED) add(&b, &seen, R_MOVED, "已迁出（待实地核查）", src, row->row);
            const char *emp = row->val[LF_EMPLOYEES];
            if (emp && emp[0]) { counted++; if (strtol(emp, NULL, 10) == 0) zero++; }
        }
        definite = (seen & (R_REVOKED | R_CANCELLED | R_NOTE | R_NOPREM | R_NOOP)) != 0;
        if (counted && zero == counted) add(&b, &seen, R_ZERO, "各台账填报的从业人数均为 0（待实地核查）", NULL, 0);
        if (!seen) continue;
        if (cnt == cap) {
            ledger_zombie *nz = realloc(z, cap * 2 * sizeof *nz);
            if (!nz) goto nomem;
            z = nz;
            cap *= 2;
        }
        z[cnt].entity = (uint32_t)k;
        z[cnt].definite = definite;
        z[cnt].reasons = arena_strdup(a, b.data ? b.data : "");
        if (!z[cnt].reasons) goto nomem;
        cnt++;
    }
    buf_free(&b);
    *out = arena_alloc(a, (cnt ? cnt : 1) * sizeof **out);
    if (!*out) { free(z); return err_set(e, ST_NOMEM, "内存不足：无法判定僵尸企业"); }
    if (cnt) memcpy(*out, z, cnt * sizeof *z);
    *n = cnt;
    free(z);
    return ST_OK;
nomem:
    buf_free(&b);
    free(z);
    return err_set(e, ST_NOMEM, "内存不足：无法判定僵尸企业");
}
