/* assess — the rules of the responsibility assessment (assess.h): pure,
 * no SQL, no HTTP. */
#include "assess/assess.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

bool assess_period_of(int year, const char *today, assess_period *p) {
    memset(p, 0, sizeof *p);
    if (year < 2000 || year > 9999 || !today || strlen(today) < 10) return false;
    int ty = atoi(today);
    if (year > ty) return false;
    snprintf(p->code, sizeof p->code, "%04d", year);
    snprintf(p->from, sizeof p->from, "%04d-01-01", year);
    snprintf(p->to, sizeof p->to, "%04d-12-31", year);
    snprintf(p->as_of, sizeof p->as_of, "%.10s", strcmp(today, p->to) < 0 ? today : p->to);
    p->year = year;
    return true;
}

size_t assess_criteria_count(void) {
    size_t n = 0;
    while (assess_criteria[n].key) n++;
    return n;
}

st assess_rules_load(assess_rule *rules, err *e) {
    for (size_t i = 0; assess_criteria[i].key; i++) {
        char w[64], f[64], t[64];
        snprintf(w, sizeof w, "assess-weight-%s", assess_criteria[i].key);
        snprintf(f, sizeof f, "assess-floor-%s", assess_criteria[i].key);
        snprintf(t, sizeof t, "assess-target-%s", assess_criteria[i].key);
        rules[i] = (assess_rule){(int)cfg_int(w), (int)cfg_int(f), (int)cfg_int(t)};
        if (rules[i].floor >= rules[i].target)
            return err_field(e, ST_INVALID, f,
                             "设置 %s（%d%%）应低于 %s（%d%%）：“%s”的得分在两者之间按比例计算。请修改设置后重新计算。", f,
                             rules[i].floor, t, rules[i].target, assess_criteria[i].name);
    }
    return ST_OK;
}

double assess_value(int64_t num, int64_t den) {
    if (den <= 0) return 0;
    return floor(1000.0 * (double)num / (double)den + 0.5) / 10.0;
}

int assess_score(double value, const assess_rule *r) {
    if (value <= r->floor) return 0;
    if (value >= r->target) return ASSESS_SCORE_MAX;
    /* value is a multiple of 0.1: in tenths it is exact, so the score does not depend on binary fractions */
    long v = lround(value * 10.0), f = (long)r->floor * 10, t = (long)r->target * 10;
    return (int)(((int64_t)(v - f) * ASSESS_SCORE_MAX * 2 + (t - f)) / (2 * (t - f)));
}

bool assess_total(const assess_fig *figs, const int *scores, const assess_rule *rules, size_t n, int *weight_used_bp,
                  int *total) {
    int64_t wsum = 0, acc = 0;
    for (size_t i = 0; i < n; i++)
        if (figs[i].available && rules[i].weight > 0) {
            wsum += rules[i].weight;
            acc += (int64_t)rules[i].weight * scores[i];
        }
    for (size_t i = 0; i < n; i++)
        weight_used_bp[i] = wsum && figs[i].available && rules[i].weight > 0
                                ? (int)(((int64_t)rules[i].weight * 10000 * 2 + wsum) / (2 * wsum))
                                : 0;
    *total = wsum ? (int)((acc * 2 + wsum) / (2 * wsum)) : 0;
    return wsum > 0;
}

void assess_rank(const int *totals, const bool *has, size_t n, int *rank) {
    for (size_t i = 0; i < n; i++) {
        if (!has[i]) {
            rank[i] = 0;
            continue;
        }
        int better = 0;
        for (size_t j = 0; j < n; j++)
            if (has[j] && totals[j] > totals[i]) better++;
        rank[i] = better + 1;
    }
}

const char *assess_state_name(const char *state) {
    if (!state) return "";
    if (!strcmp(state, "draft")) return "草稿";
    if (!strcmp(state, "confirmed")) return "已确认";
    if (!strcmp(state, "published")) return "已发布";
    return state;
}
