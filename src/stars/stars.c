/* stars — the rules of star ratings and the benefits' allocation (stars.h):
 * pure, no SQL, no HTTP. */
#include "stars/stars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

const stars_criterion stars_criteria[] = {
    {"points", "积分", "党组织本期积分（相对每个党组织的基准分 star-points-per-org）", "count"},
    {"life", "组织生活按期率", "本期到期应开的组织生活中按期召开的比例（组织生活记分卡）", "count"},
    {"coverage", "组织覆盖率", "组织覆盖率按区、园区统计，单个党组织不计", "count"},
    {"develop", "发展党员按期率", "截止日在途且有期限的发展步骤中未逾期的比例", "count"},
    {"dues", "党费收缴率", "本期党费表应缴金额中已缴的比例", "fen"},
    {NULL, NULL, NULL, NULL},
};

size_t stars_criteria_count(void) {
    size_t n = 0;
    while (stars_criteria[n].key) n++;
    return n;
}

st stars_rules_load(assess_rule *rules, int min[STARS_MAX + 1], err *e) {
    for (size_t i = 0; stars_criteria[i].key; i++) {
        char w[64], f[64], t[64];
        snprintf(w, sizeof w, "star-weight-%s", stars_criteria[i].key);
        snprintf(f, sizeof f, "star-floor-%s", stars_criteria[i].key);
        snprintf(t, sizeof t, "star-target-%s", stars_criteria[i].key);
        rules[i] = (assess_rule){(int)cfg_int(w), (int)cfg_int(f), (int)cfg_int(t)};
        if (rules[i].floor >= rules[i].target)
            return err_field(e, ST_INVALID, f, "设置 %s（%d%%）应低于 %s（%d%%）：“%s”的得分在两者之间按比例计算。请修改设置后重新计算。", f,
                             rules[i].floor, t, rules[i].target, stars_criteria[i].name);
    }
    min[0] = min[1] = 0;
    for (int k = 2; k <= STARS_MAX; k++) {
        char n[32];
        snprintf(n, sizeof n, "star-min-%d", k);
        min[k] = (int)cfg_int(n);
        if (min[k] <= min[k - 1] && k > 2)
            return err_field(e, ST_INVALID, n, "设置 %s（%d 分）应高于 star-min-%d（%d 分）：星级越高，所需总分越高。请修改设置后重新计算。", n,
                             min[k], k - 1, min[k - 1]);
    }
    return ST_OK;
}

int stars_of(int total, const int min[STARS_MAX + 1]) {
    int s = 1;
    for (int k = 2; k <= STARS_MAX; k++)
        if (total >= min[k] * 100) s = k;
    return s;
}

bool stars_period_ok(const char *kind, const char *code) {
    if (!code || !kind) return false;
    size_t n = strlen(code);
    for (size_t i = 0; i < 4; i++)
        if (n < 4 || code[i] < '0' || code[i] > '9') return false;
    if (atoi(code) < 2000) return false;
    if (!strcmp(kind, "year")) return n == 4;
    if (!strcmp(kind, "quarter")) return n == 7 && code[4] == '-' && code[5] == 'Q' && code[6] >= '1' && code[6] <= '4';
    return false;
}

st stars_order_parse(const char *text, stars_key keys[STARS_KEYS], err *e) {
    static const char *const names[STARS_KEYS] = {"stars", "points", "time"};
    bool seen[STARS_KEYS] = {false, false, false};
    int n = 0;
    const char *p = text ? text : "";
    while (*p && n <= STARS_KEYS) {
        size_t len = strcspn(p, ",");
        int k = -1;
        for (int j = 0; j < STARS_KEYS; j++)
            if (strlen(names[j]) == len && !strncmp(p, names[j], len)) k = j;
        if (k < 0 || seen[k] || n == STARS_KEYS) break;
        seen[k] = true;
        keys[n++] = (stars_key)k;
        p += len;
        if (*p == ',') p++;
    }
    if (n != STARS_KEYS || *p)
        return err_field(e, ST_INVALID, "benefit-order",
                         "设置 benefit-order（“%s”）应为 stars、points、time 三项各一次、以逗号分隔的排序，例如 stars,points,time。请修改设置后重新分配。",
                         text ? text : "");
    return ST_OK;
}

static int sa_cmp(const stars_applicant *a, const stars_applicant *b, const stars_key *keys) {
    for (int k = 0; k < STARS_KEYS; k++) {
        switch (keys[k]) {
        case STARS_KEY_STARS:
            if (a->stars != b->stars) return a->stars > b->stars ? -1 : 1;
            break;
        case STARS_KEY_POINTS:
            if (a->points != b->points) return a->points > b->points ? -1 : 1;
            break;
        case STARS_KEY_TIME:
            if (a->applied_at != b->applied_at) return a->applied_at < b->applied_at ? -1 : 1;
            break;
        }
    }
    return a->id < b->id ? -1 : a->id > b->id;
}

void stars_allocate(stars_applicant *a, size_t n, const stars_key keys[STARS_KEYS], int quota) {
    /* insertion sort (a benefit's applicants for a period: tens, hundreds), keys passed along: no global state */
    for (size_t i = 1; i < n; i++) {
        stars_applicant x = a[i];
        size_t j = i;
        while (j > 0 && sa_cmp(&x, &a[j - 1], keys) < 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
    for (size_t i = 0; i < n; i++) {
        a[i].rank = (int)i + 1;
        a[i].within = quota > 0 && (int)i < quota;
    }
}

const char *stars_state_name(const char *state) { return assess_state_name(state); }
