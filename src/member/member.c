/* member — the registry's rules (see member.h): no SQL, no HTTP. */
#include "member/member.h"
#include "core/day.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/ids.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/utf8.h"

static const char *const MEMBER_STATES[] = {"正常", "流动", "失联", "停止党籍", "出党", "去世", "转出", NULL};

bool member_category_ok(const char *s) { return s && (!strcmp(s, MEMBER_FULL) || !strcmp(s, MEMBER_PROBATION)); }

bool member_state_ok(const char *s) {
    for (int i = 0; s && MEMBER_STATES[i]; i++)
        if (!strcmp(s, MEMBER_STATES[i])) return true;
    return false;
}

bool member_state_counts(const char *s) { return s && (!strcmp(s, "正常") || !strcmp(s, "流动") || !strcmp(s, "失联")); }


static bool member_ymd_ok(int y, int m, int d) {
    return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= day_month_days(y, m);
}

/* Excel's 1900 day numbers: 1 = 1900-01-01, with its phantom 1900-02-29 (day 60). */
static bool member_excel_day(long n, char out[11]) {
    if (n < 1 || n > 73050) return false;   /* up to 2099 */
    if (n >= 60) n--;                       /* the day that never was */
    struct tm tm = {.tm_year = 0, .tm_mon = 0, .tm_mday = (int)n, .tm_hour = 12};
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    day_format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
    return true;
}

bool member_day_parse(const char *s, char out[11]) {
    out[0] = 0;
    if (!s) return false;
    /* full-width digits and punctuation folded, spaces dropped */
    arena a;
    arena_init(&a, 1 << 16);
    size_t len = utf8_valid_prefix(s, strlen(s));
    const char *m = len ? utf8_nfkc(&a, s, len, &len) : NULL;
    char t[64];
    size_t k = 0;
    for (size_t i = 0; m && i < len && k < sizeof t - 1; i++)
        if (m[i] != ' ' && m[i] != '\t') t[k++] = m[i];
    t[k] = 0;
    arena_free(&a);
    if (!k) return false;
    /* digits in groups: 2006-09-25, 2006.9.25, 2006/9/25, 2006年9月25日 */
    int part[3] = {0, 0, 0}, np = 0, digits[3] = {0, 0, 0};
    bool only_digits = true;
    for (size_t i = 0; i < k;) {
        if (t[i] >= '0' && t[i] <= '9') {
            if (np == 3) return false;
            while (i < k && t[i] >= '0' && t[i] <= '9') {
                if (digits[np] >= 8) return false;
                part[np] = part[np] * 10 + (t[i] - '0');
                digits[np]++;
                i++;
            }
            np++;
        } else {
            only_digits = false;
            /* separators: - . / and 年 月 日 (3 bytes each in UTF-8) */
            if (t[i] == '-' || t[i] == '.' || t[i] == '/') i++;
            else if (!strncmp(t + i, "年", 3) || !strncmp(t + i, "月", 3) || !strncmp(t + i, "日", 3)) i += 3;
            else return false;
        }
    }
    int y, mo, d;
    if (np == 1 && only_digits && digits[0] == 8) {   /* 20060925 */
        y = part[0] / 10000;
        mo = part[0] / 100 % 100;
        d = part[0] % 100;
    } else if (np == 1 && only_digits && digits[0] <= 5) {   /* an Excel day number */
        return member_excel_day(part[0], out) && member_ymd_ok(atoi(out), atoi(out + 5), atoi(out + 8));
    } else if (np == 3 && digits[0] == 4 && digits[1] <= 2 && digits[2] <= 2) {
        y = part[0];
        mo = part[1];
        d = part[2];
    } else {
        return false;
    }
    if (!member_ymd_ok(y, mo, d)) return false;
    day_format(y, mo, d, out);
    return true;
}

int member_years(const char *from, const char *to) {
    int y = atoi(to) - atoi(from);
    if (strcmp(to + 5, from + 5) < 0) y--;   /* the birthday (anniversary) not reached yet that year */
    return y;
}

void member_today(char out[11]) { clock_day(clock_now(), out); }

/* Add months to a day (for the probation's end), clamped to the month's last day. */

__attribute__((format(printf, 2, 3))) static void member_flag(member_checked *o, const char *fmt, ...) {
    size_t n = strlen(o->flags);
    if (n && n + 4 < sizeof o->flags) {
        memcpy(o->flags + n, "；", 3);
        o->flags[n + 3] = 0;
        n += 3;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->flags + n, sizeof o->flags - n, fmt, ap);
    va_end(ap);
}

st member_check(const member_new *m, member_checked *o, err *e) {
    memset(o, 0, sizeof *o);
    if (!m->name || !*m->name || utf8_count(m->name, strlen(m->name)) > 30)
        return err_field(e, ST_INVALID, "name", "请填写姓名（1–30 个字）。");
    if (!m->id_number || !*m->id_number) return err_field(e, ST_INVALID, "id_number", "请填写公民身份号码。");
    if (!ids_idcard_normalize(m->id_number, strlen(m->id_number), o->id18))
        return err_field(e, ST_INVALID, "id_number",
                         /* the number itself is not quoted: the message is stored with a
                          * roster's refused rows and shown to whoever may read the import */
                         "公民身份号码无效（填了 %zu 位）：应为 18 位（或一代 15 位），出生日期真实，末位校验码正确（GB 11643），请核对后重填。",
                         strlen(o->id18));
    ids_idcard_birth(o->id18, o->birth);
    o->gender = ids_idcard_sex(o->id18, 18) == 1 ? "男" : "女";
    o->category = m->category && *m->category ? m->category : NULL;
    if (!member_category_ok(o->category))
        return err_field(e, ST_INVALID, "category", "人员类别“%s”无效，应为“正式党员”或“预备党员”。", m->category ? m->category : "");
    o->state = m->state && *m->state ? m->state : "正常";
    if (!member_state_ok(o->state))
        return err_field(e, ST_INVALID, "state", "党籍状态“%s”无效，应为 正常、流动、失联、停止党籍、出党、去世 或 转出。", o->state);
    if (m->day && *m->day) {
        if (!member_day_parse(m->day, o->day)) return err_field(e, ST_INVALID, "day", "日期“%s”无效，应为 YYYY-MM-DD。", m->day);
    } else {
        member_today(o->day);
    }
    if (!m->joined_on || !*m->joined_on) return err_field(e, ST_INVALID, "joined_on", "请填写入党日期。");
    if (!member_day_parse(m->joined_on, o->joined_on))
        return err_field(e, ST_INVALID, "joined_on", "入党日期“%s”无效，应为如 2006-09-25 的真实日期。", m->joined_on);
    char today[11];
    member_today(today);
    if (strcmp(o->joined_on, today) > 0) return err_field(e, ST_INVALID, "joined_on", "入党日期 %s 晚于今天，请核对。", o->joined_on);
    if (strcmp(o->joined_on, o->birth) <= 0)
        return err_field(e, ST_INVALID, "joined_on", "入党日期 %s 早于出生日期 %s，请核对。", o->joined_on, o->birth);
    if (m->full_on && *m->full_on) {
        if (!member_day_parse(m->full_on, o->full_on))
            return err_field(e, ST_INVALID, "full_on", "转正日期“%s”无效，应为如 2007-09-25 的真实日期。", m->full_on);
        if (strcmp(o->full_on, o->joined_on) < 0)
            return err_field(e, ST_INVALID, "full_on", "转正日期 %s 早于入党日期 %s，请核对。", o->full_on, o->joined_on);
        if (!strcmp(o->category, MEMBER_PROBATION))
            return err_field(e, ST_INVALID, "category", "已有转正日期 %s，人员类别应为“正式党员”。", o->full_on);
    }
    /* flagged, but registered: worth a look by the secretary */
    if (m->gender && *m->gender && strcmp(m->gender, o->gender) && strncmp(m->gender, o->gender, 3))
        member_flag(o, "性别“%s”与身份证号显示的“%s”不符", m->gender, o->gender);
    char given[11];
    if (m->birth && *m->birth && member_day_parse(m->birth, given) && strcmp(given, o->birth))
        member_flag(o, "出生日期 %s 与身份证号显示的 %s 不符", given, o->birth);
    long min_age = cfg_int("member-min-age");
    if (member_years(o->birth, o->joined_on) < min_age)
        member_flag(o, "入党时未满 %ld 周岁（入党日期 %s）", min_age, o->joined_on);
    if (!strcmp(o->category, MEMBER_PROBATION) && !o->full_on[0]) {
        char end[11];
        day_add_months(o->joined_on, (int)cfg_int("member-probation-months"), end);
        if (strcmp(end, today) < 0) member_flag(o, "预备期已超过一年（%s 起）仍无转正日期，请核实是否转正或延长预备期", o->joined_on);
    }
    return ST_OK;
}
