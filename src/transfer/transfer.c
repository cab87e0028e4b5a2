/* transfer — the pure rules of organization-relation transfers (see transfer.h). */
#include "transfer/transfer.h"

#include <stdio.h>
#include <string.h>

#include "core/day.h"

static bool tr_in(const char *s, const char *const *list) {
    if (!s) return false;
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i])) return true;
    return false;
}

bool transfer_kind_ok(const char *kind) {
    static const char *const k[] = {"internal", "out", "in", NULL};
    return tr_in(kind, k);
}

bool transfer_state_ok(const char *state) {
    static const char *const k[] = {"requested", "sent", "returned", "refused", "accepted", "cancelled", "letter", "completed", NULL};
    return tr_in(state, k);
}

bool transfer_state_open(const char *state) {
    static const char *const k[] = {"requested", "sent", "returned", "letter", NULL};
    return tr_in(state, k);
}

/* kind ("*" = internal and out), state, action, side → next state */
static const struct {
    const char *kind, *state, *action, *side, *next;
} tr_steps[] = {
    {"internal", "requested", "approve", TRANSFER_SENDER, "sent"},
    {"out", "requested", "approve", TRANSFER_SENDER, "letter"},
    {"*", "requested", "refuse", TRANSFER_SENDER, "refused"},
    {"*", "requested", "cancel", TRANSFER_SENDER, "cancelled"},
    {"*", "requested", "cancel", TRANSFER_MEMBER, "cancelled"},
    {"internal", "sent", "accept", TRANSFER_RECEIVER, "accepted"},
    {"internal", "sent", "return", TRANSFER_RECEIVER, "returned"},
    {"internal", "returned", "resubmit", TRANSFER_SENDER, "sent"},
    {"internal", "returned", "cancel", TRANSFER_SENDER, "cancelled"},
    {"out", "letter", "receipt", TRANSFER_SENDER, "completed"},
    {"out", "letter", "cancel", TRANSFER_SENDER, "cancelled"},
};

const char *transfer_next(const char *kind, const char *state, const char *action, const char *side) {
    if (!kind || !state || !action || !side) return NULL;
    for (size_t i = 0; i < sizeof tr_steps / sizeof tr_steps[0]; i++) {
        bool k = !strcmp(tr_steps[i].kind, kind) || (!strcmp(tr_steps[i].kind, "*") && (!strcmp(kind, "internal") || !strcmp(kind, "out")));
        if (k && !strcmp(tr_steps[i].state, state) && !strcmp(tr_steps[i].action, action) && !strcmp(tr_steps[i].side, side))
            return tr_steps[i].next;
    }
    return NULL;
}

void transfer_refusal(const char *state, const char *action, char *out, size_t n) {
    snprintf(out, n, "该转接当前状态为“%s”，不能%s。", transfer_state_label(state), transfer_action_label(action));
}

const char *transfer_state_label(const char *state) {
    static const char *const map[][2] = {{"requested", "待转出审批"}, {"sent", "待接收"},      {"returned", "已退回"},
                                         {"refused", "不予转出"},     {"accepted", "已接收"},  {"cancelled", "已撤销"},
                                         {"letter", "已开介绍信"},    {"completed", "已收回执"}};
    for (size_t i = 0; state && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], state)) return map[i][1];
    return state ? state : "";
}

const char *transfer_kind_label(const char *kind) {
    if (!kind) return "";
    if (!strcmp(kind, "internal")) return "系统内转接";
    if (!strcmp(kind, "out")) return "转出系统（介绍信）";
    if (!strcmp(kind, "in")) return "从系统外转入";
    return kind;
}

const char *transfer_action_label(const char *action) {
    static const char *const map[][2] = {{"request", "申请转出"}, {"approve", "同意转出"},  {"refuse", "不予转出"},
                                         {"cancel", "撤销"},      {"accept", "接收"},        {"return", "退回"},
                                         {"resubmit", "重新发送"}, {"receipt", "登记回执"}, {"letter", "开具介绍信"},
                                         {"incoming", "登记转入"}};
    for (size_t i = 0; action && i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], action)) return map[i][1];
    return action ? action : "";
}

void transfer_letter_number(const char *prefix, int year, int seq, char *out, size_t n) {
    snprintf(out, n, "%s〔%04d〕第%04d号", prefix ? prefix : "", year, seq);
}

void transfer_valid_until(const char *day, int days, char out[11]) { day_add(day, days > 0 ? days - 1 : 0, out); }

bool transfer_overdue(const char *state, const char *valid_until, const char *today) {
    return state && !strcmp(state, "letter") && valid_until && today && strcmp(valid_until, today) < 0;
}

void transfer_month(const char *day, char out[8]) { snprintf(out, 8, "%.7s", day ? day : ""); }
