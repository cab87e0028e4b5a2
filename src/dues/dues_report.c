/* dues_report — the pure rules of the reports and the arrears warning (see dues_report.h). */
#include "dues/dues_report.h"

#include <stdio.h>
#include <string.h>

#include "dues/dues.h"

char dues_mark_dues(const char *state, int64_t due_fen, bool settled) {
    if (settled) return DUES_MARK_OK;
    if (!state || !strcmp(state, "nobase")) return DUES_MARK_NONE;
    if (!strcmp(state, "paid") || !strcmp(state, "waived") || due_fen <= 0) return DUES_MARK_OK;
    if (!strcmp(state, "owed")) return DUES_MARK_MISS;
    return DUES_MARK_NONE;
}

char dues_mark_life(int64_t expected, int64_t attended, int64_t excused) {
    if (expected <= 0) return DUES_MARK_NONE;
    if (attended > 0 || excused >= expected) return DUES_MARK_OK;
    return DUES_MARK_MISS;
}

bool dues_arrears_run(const char *marks, int n, int need, int *first, int *len) {
    if (need < 1) need = 1;
    *first = *len = 0;
    int i = n;
    while (i > 0) {
        /* the run that ends at i - 1, walking back */
        if (marks[i - 1] != DUES_MARK_MISS) {
            i--;
            continue;
        }
        int end = i;
        while (i > 0 && marks[i - 1] == DUES_MARK_MISS) i--;
        if (end - i >= need) {
            *first = i;
            *len = end - i;
            return true;
        }
    }
    return false;
}

st dues_period_parse(const char *s, dues_period *p, err *e) {
    memset(p, 0, sizeof *p);
    const char *how = "期间应写作月份 2026-11、季度 2026-Q4 或年份 2026。";
    if (!s || !*s) return err_field(e, ST_INVALID, "period", "请选择期间：%s", how);
    size_t n = strlen(s);
    int y = 0, q = 0;
    char tail;
    if (n == 4 && sscanf(s, "%4d%c", &y, &tail) == 1 && y >= 1900 && y <= 9999) {
        p->kind = 'y';
        snprintf(p->from, sizeof p->from, "%04d-01", y);
        snprintf(p->to, sizeof p->to, "%04d-12", y);
    } else if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') && sscanf(s, "%4d-%*c%1d%c", &y, &q, &tail) == 2 && y >= 1900 &&
               q >= 1 && q <= 4) {
        p->kind = 'q';
        snprintf(p->from, sizeof p->from, "%04d-%02d", y, q * 3 - 2);
        snprintf(p->to, sizeof p->to, "%04d-%02d", y, q * 3);
    } else if (n == 7 && dues_month_valid(s)) {
        p->kind = 'm';
        snprintf(p->from, sizeof p->from, "%s", s);
        snprintf(p->to, sizeof p->to, "%s", s);
    } else {
        return err_field(e, ST_INVALID, "period", "期间“%.32s”无法识别：%s", s, how);
    }
    if (p->kind == 'q') snprintf(p->code, sizeof p->code, "%04d-Q%d", y, q);
    else if (p->kind == 'y') snprintf(p->code, sizeof p->code, "%04d", y);
    else snprintf(p->code, sizeof p->code, "%s", s);
    return ST_OK;
}

int dues_rate_bp(int64_t paid_fen, int64_t due_fen) {
    if (due_fen <= 0 || paid_fen >= due_fen) return 10000;
    if (paid_fen <= 0) return 0;
    return (int)((paid_fen * 10000) / due_fen);
}
