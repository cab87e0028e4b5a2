/* notice — the pure rules of notices and reminders (see notice.h). */
#include "notice/notice.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/utf8.h"
#include "meeting/meeting.h"

const char *notice_level_of(const char *scope_kind) {
    static const char *const levels[] = {"city", "district", "park", "org", NULL};
    for (int i = 0; scope_kind && levels[i]; i++)
        if (!strcmp(scope_kind, levels[i])) return levels[i];
    return NULL;
}

st notice_place_of(const char *scope_kind, const char *scope_code, int64_t org_id, char org_code[24], notice_place *p, err *e) {
    memset(p, 0, sizeof *p);
    const char *level = notice_level_of(scope_kind);
    if (!level) return err_set(e, ST_FORBIDDEN, "当前账号的数据范围（%s）不能发布通知公告。", scope_kind ? scope_kind : "无");
    if (org_id < 0) return err_field(e, ST_INVALID, "org_id", "接收组织 org_id 应为党组织编号（正整数）。");
    if (org_id > 0) {
        snprintf(org_code, 24, "%lld", (long long)org_id);
        p->level = "org";
        p->code = org_code;
        return ST_OK;
    }
    p->level = level;
    p->code = !strcmp(level, "city") ? "3502" : scope_code;
    if (!p->code || !*p->code) return err_set(e, ST_FORBIDDEN, "当前账号没有绑定数据范围，不能发布通知公告。");
    return ST_OK;
}

/* Control characters other than those allowed (lf_ok: line breaks and tabs). */
static bool nt_controls(const char *s, bool lf_ok) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f) continue;
        if (lf_ok && (*p == '\n' || *p == '\r' || *p == '\t')) continue;
        return true;
    }
    return false;
}

/* Characters after trimming spaces at both ends. */
static size_t nt_chars(const char *s) {
    size_t n = strlen(s);
    const char *a = s;
    while (n && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')) a++, n--;
    while (n && (a[n - 1] == ' ' || a[n - 1] == '\t' || a[n - 1] == '\n' || a[n - 1] == '\r')) n--;
    return utf8_count(a, n);
}

st notice_check_text(const char *title, const char *body, err *e) {
    if (!title || nt_chars(title) < 2)
        return err_field(e, ST_INVALID, "title", "请填写通知标题 title（至少 2 个字）。");
    if (nt_chars(title) > NOTICE_TITLE_MAX)
        return err_field(e, ST_INVALID, "title", "通知标题 title 最多 %d 个字，请精简。", NOTICE_TITLE_MAX);
    if (!utf8_valid(title, strlen(title)) || nt_controls(title, false))
        return err_field(e, ST_INVALID, "title", "通知标题 title 应为一行文字，不能含换行或控制字符。");
    if (!body || nt_chars(body) < 1) return err_field(e, ST_INVALID, "body", "请填写通知正文 body。");
    if (nt_chars(body) > NOTICE_BODY_MAX)
        return err_field(e, ST_INVALID, "body", "通知正文 body 最多 %d 个字；更长的材料请分次发布。", NOTICE_BODY_MAX);
    if (!utf8_valid(body, strlen(body)) || nt_controls(body, true))
        return err_field(e, ST_INVALID, "body", "通知正文 body 含有不允许的控制字符（只允许换行和制表符）。");
    return ST_OK;
}

/* The in-app channel: the store has written each recipient's row (the
 * member's inbox and read receipt) before the channels are called. */
static st nt_app_send(const notice_msg *m, const notice_to *to, size_t n, err *e) {
    (void)m, (void)to, (void)n, (void)e;
    return ST_OK;
}

const notice_channel notice_channels[] = {
    {"app", "站内通知", true, nt_app_send},
    /* a deployment's SMS or WeChat channel goes here (docs/internals.md, "Notices") */
    {NULL, NULL, false, NULL},
};

const notice_channel *notice_channel_find(const char *name) {
    for (const notice_channel *c = notice_channels; name && c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

st notice_channels_parse(const char *setting, const notice_channel **out, size_t *n, err *e) {
    *n = 0;
    const char *p = setting ? setting : "";
    while (*p) {
        p += strspn(p, ", ");
        size_t k = strcspn(p, ", ");
        if (!k) break;
        char name[32];
        if (k >= sizeof name) return err_set(e, ST_INVALID, "设置 notice-channels 中的通道名“%.*s”过长。", (int)k, p);
        memcpy(name, p, k);
        name[k] = 0;
        const notice_channel *c = notice_channel_find(name);
        if (!c)
            return err_set(e, ST_INVALID, "设置 notice-channels 中的发送通道“%s”不存在：本系统只有站内通知（app）；短信、微信等须由部署方接入后再列入。", name);
        for (size_t i = 0; i < *n; i++)
            if (out[i] == c) return err_set(e, ST_INVALID, "设置 notice-channels 中的发送通道“%s”重复列出。", name);
        if (*n >= NOTICE_CHANNELS_MAX) return err_set(e, ST_INVALID, "设置 notice-channels 列出的通道过多（最多 %d 个）。", NOTICE_CHANNELS_MAX);
        out[(*n)++] = c;
        p += k;
    }
    if (!*n) return err_set(e, ST_INVALID, "设置 notice-channels 为空：至少应列出站内通知 app。");
    return ST_OK;
}

bool notice_checkin_open(int64_t now, int64_t starts_at, int64_t ends_at) {
    return meeting_window_open(now, starts_at, ends_at, cfg_int("rule-meeting-checkin-before"), cfg_int("rule-meeting-checkin-after"));
}

void notice_local_time(int64_t t, char out[17]) {
    time_t x = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&x, &tm);
    if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) tm.tm_year = 0;
    strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}
