/* study_progress — the pure rules of the yearly study requirement (study_progress.h). */
#include "study/study_progress.h"

#include <stdio.h>
#include "core/config.h"

int64_t study_progress_required(bool lead) {
    long h = cfg_int(lead ? "study-required-lead-hours" : "study-required-hours");
    return (int64_t)(h < 0 ? 0 : h) * 60;
}

int study_progress_share_bp(int64_t reached, int64_t members) {
    if (members <= 0 || reached <= 0) return 0;
    if (reached >= members) return 10000;
    return (int)(reached * 10000 / members);
}

void study_progress_share_text(int bp, char *buf, int size) {
    snprintf(buf, (size_t)size, "%d.%d%%", bp / 100, (bp % 100) / 10);
}

void study_progress_rank(const int64_t *values, int n, int *rank) {
    for (int i = 0; i < n; i++) rank[i] = (i > 0 && values[i] == values[i - 1]) ? rank[i - 1] : i + 1;
}
