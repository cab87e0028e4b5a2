/* training — the pure rules of training batches (see training.h). */
#include "study/training.h"

#include <stdio.h>
#include <string.h>

static const char *const tr_aud[][2] = {{"secretary", "党组织书记"}, {"investor", "出资人"}, {"admin", "平台管理员"},
                                         {"member", "党员"},         {"other", "其他"},     {NULL, NULL}};

bool training_audience_ok(const char *a) {
    for (int i = 0; a && tr_aud[i][0]; i++)
        if (!strcmp(a, tr_aud[i][0])) return true;
    return false;
}

const char *training_audience_label(const char *a) {
    for (int i = 0; a && tr_aud[i][0]; i++)
        if (!strcmp(a, tr_aud[i][0])) return tr_aud[i][1];
    return "其他";
}

const char *training_state_label(const char *s) {
    if (!s) return "";
    if (!strcmp(s, "invited")) return "已邀请，待答复";
    if (!strcmp(s, "enrolled")) return "已报名";
    if (!strcmp(s, "declined")) return "已谢绝";
    if (!strcmp(s, "withdrawn")) return "已退出";
    return s;
}

bool training_completes(int64_t attended, int64_t total, int64_t share_pct) {
    if (total <= 0 || attended <= 0) return false;
    if (attended > total) attended = total;
    return attended * 100 >= share_pct * total;
}

void training_cert_number(const char *prefix, int year, int64_t seq, char *out, size_t n) {
    snprintf(out, n, "%s〔%d〕第%04lld号", prefix ? prefix : "", year, (long long)seq);
}

bool training_hours_minutes(const char *h, int64_t *minutes) {
    *minutes = 0;
    if (!h || !*h) return false;
    int64_t whole = 0, frac = 0, scale = 1;
    const char *p = h;
    int nd = 0;
    while (*p >= '0' && *p <= '9' && nd < 4) whole = whole * 10 + (*p++ - '0'), nd++;
    if (!nd) return false;
    if (*p == '.') {
        p++;
        int nf = 0;
        while (*p >= '0' && *p <= '9' && nf < 2) frac = frac * 10 + (*p++ - '0'), scale *= 10, nf++;
        if (!nf) return false;
    }
    if (*p) return false;
    int64_t num = whole * scale + frac;   /* hours × scale */
    if ((num * 60) % scale) return false;  /* whole minutes only */
    int64_t m = num * 60 / scale;
    if (m <= 0 || m > 100 * 60) return false;
    *minutes = m;
    return true;
}

void training_minutes_hours(int64_t minutes, char out[24]) {
    int64_t h = minutes / 60, r = minutes % 60;
    if (!r) snprintf(out, 24, "%lld", (long long)h);
    else if (r * 100 % 60 == 0) {
        int64_t c = r * 100 / 60;
        if (c % 10 == 0) snprintf(out, 24, "%lld.%lld", (long long)h, (long long)(c / 10));
        else snprintf(out, 24, "%lld.%02lld", (long long)h, (long long)c);
    } else snprintf(out, 24, "%lld.%02lld", (long long)h, (long long)(r * 100 / 60));
}
