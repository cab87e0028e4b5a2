/* review — the pure rules of content pre-review (see review.h). */
#include "review/review.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rv_word {
    const char *code, *label;
} rv_word;

static const char *rv_label(const rv_word *w, const char *code) {
    for (; code && w->code; w++)
        if (!strcmp(w->code, code)) return w->label;
    return NULL;
}

static const rv_word rv_kinds[] = {
    {"game", "游戏/版本"}, {"article", "文章"}, {"app", "应用发布"}, {"other", "其他"}, {NULL, NULL}};
static const rv_word rv_cats[] = {{"political", "政治导向"}, {"historical", "历史表述"}, {"map", "地图与国界"},
                                  {"violence", "暴力恐怖"},  {"gambling", "赌博"},       {"minors", "未成年人保护"},
                                  {"privacy", "个人信息保护"}, {"other", "其他"},         {NULL, NULL}};
static const rv_word rv_states[] = {
    {"submitted", "待分配"}, {"reviewing", "审核中"}, {"decided", "已决定"}, {"withdrawn", "已撤回"}, {NULL, NULL}};
static const rv_word rv_decisions[] = {{"pass", "通过"}, {"pass_changes", "修改后通过"}, {"reject", "不通过"}, {NULL, NULL}};
static const rv_word rv_actions[] = {{"assign", "分配审核人"}, {"upload", "上传文件"}, {"findings", "记录审核意见"},
                                     {"decide", "作出决定"},   {"withdraw", "撤回"},     {NULL, NULL}};

const char *const review_categories[] = {"political", "historical", "map", "violence", "gambling", "minors", "privacy", "other", NULL};

bool review_kind_ok(const char *kind) { return rv_label(rv_kinds, kind) != NULL; }
const char *review_kind_label(const char *kind) { return rv_label(rv_kinds, kind); }
bool review_category_ok(const char *cat) { return rv_label(rv_cats, cat) != NULL; }
const char *review_category_label(const char *cat) { return rv_label(rv_cats, cat); }
const char *review_state_label(const char *state) { return rv_label(rv_states, state); }
bool review_decision_ok(const char *d) { return rv_label(rv_decisions, d) != NULL; }
const char *review_decision_label(const char *d) { return rv_label(rv_decisions, d); }

static const struct {
    const char *state, *action, *next;
} rv_steps[] = {
    {"submitted", "assign", "reviewing"},   {"submitted", "upload", "submitted"},   {"submitted", "withdraw", "withdrawn"},
    {"reviewing", "assign", "reviewing"},   {"reviewing", "upload", "reviewing"},   {"reviewing", "findings", "reviewing"},
    {"reviewing", "decide", "decided"},     {"reviewing", "withdraw", "withdrawn"}, {NULL, NULL, NULL},
};

const char *review_next(const char *state, const char *action) {
    for (size_t i = 0; state && action && rv_steps[i].state; i++)
        if (!strcmp(rv_steps[i].state, state) && !strcmp(rv_steps[i].action, action)) return rv_steps[i].next;
    return NULL;
}

st review_refuse(const char *state, const char *action, err *e) {
    const char *sl = review_state_label(state), *al = rv_label(rv_actions, action);
    if (state && !strcmp(state, "submitted") && action && (!strcmp(action, "decide") || !strcmp(action, "findings")))
        return err_set(e, ST_CONFLICT, "该送审事项还没有分配审核人，不能%s：请先分配审核小组成员审核。", al ? al : "办理");
    return err_set(e, ST_CONFLICT, "该送审事项当前状态为“%s”，不能再%s。", sl ? sl : (state ? state : ""), al ? al : "办理");
}

st review_reasons_check(const char *decision, size_t nreasons, err *e) {
    if (!review_decision_ok(decision))
        return err_field(e, ST_INVALID, "decision", "决定 decision 应为 pass（通过）、pass_changes（修改后通过）或 reject（不通过）。");
    if (!strcmp(decision, "pass") && nreasons)
        return err_field(e, ST_INVALID, "reasons", "决定为“通过”时不填写理由；如需修改后通过，请选择“修改后通过”并勾选检查项。");
    if (strcmp(decision, "pass") && !nreasons)
        return err_field(e, ST_INVALID, "reasons", "决定为“%s”时，请从审核清单中勾选至少一项理由 reasons。", review_decision_label(decision));
    return ST_OK;
}

bool review_overdue(const char *state, const char *deadline, const char *today) {
    if (!state || !deadline || !today) return false;
    if (strcmp(state, "submitted") && strcmp(state, "reviewing")) return false;
    return strcmp(deadline, today) < 0;
}

static int rv_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double review_quantile(double *v, size_t n, double q) {
    if (!n) return 0;
    qsort(v, n, sizeof *v, rv_cmp);
    if (q <= 0) return v[0];
    if (q >= 1) return v[n - 1];
    size_t rank = (size_t)ceil(q * (double)n);   /* nearest rank, 1-based */
    if (rank < 1) rank = 1;
    return v[rank - 1];
}
