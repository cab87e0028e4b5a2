/* flow — the pure rules of 流动党员 (see flow.h). */
#include "flow/flow.h"

#include <stdio.h>
#include <string.h>

#include "base/ids.h"
#include "member/member.h"

const char *const flow_reasons[] = {"务工经商", "学习进修", "随迁投亲", "待业", "其他", NULL};

bool flow_reason_ok(const char *s) {
    if (!s) return false;
    for (size_t i = 0; flow_reasons[i]; i++)
        if (!strcmp(s, flow_reasons[i])) return true;
    return false;
}

st flow_days_check(const char *from, const char *expect, const char *since, const char *today, char from_out[11],
                   char expect_out[11], err *e) {
    from_out[0] = expect_out[0] = '\0';
    if (!from || !*from) return err_field(e, ST_INVALID, "from_day", "请填写外出日期 from_day（YYYY-MM-DD）。");
    if (!member_day_parse(from, from_out)) return err_field(e, ST_INVALID, "from_day", "外出日期“%.40s”不是有效日期，应为 YYYY-MM-DD。", from);
    if (strcmp(from_out, today) > 0) return err_field(e, ST_INVALID, "from_day", "外出日期 %s 晚于今天，请在外出后登记。", from_out);
    if (since && *since && strcmp(from_out, since) < 0)
        return err_field(e, ST_INVALID, "from_day", "外出日期 %s 早于该党员当前党籍状态的起始日 %s：请按时间顺序登记。", from_out, since);
    if (expect && *expect) {
        if (!member_day_parse(expect, expect_out))
            return err_field(e, ST_INVALID, "expect_day", "预计返回日期“%.40s”不是有效日期，应为 YYYY-MM-DD。", expect);
        if (strcmp(expect_out, from_out) <= 0)
            return err_field(e, ST_INVALID, "expect_day", "预计返回日期 %s 应晚于外出日期 %s。", expect_out, from_out);
    }
    return ST_OK;
}

st flow_return_check(const char *day, const char *from, const char *today, char out[11], err *e) {
    out[0] = '\0';
    if (!day || !*day) return err_field(e, ST_INVALID, "day", "请填写返回日期 day（YYYY-MM-DD）。");
    if (!member_day_parse(day, out)) return err_field(e, ST_INVALID, "day", "返回日期“%.40s”不是有效日期，应为 YYYY-MM-DD。", day);
    if (strcmp(out, today) > 0) return err_field(e, ST_INVALID, "day", "返回日期 %s 晚于今天，请在返回后登记。", out);
    if (strcmp(out, from) <= 0) return err_field(e, ST_INVALID, "day", "返回日期 %s 应晚于外出日期 %s。", out, from);
    return ST_OK;
}

bool flow_open_on(const char *from, const char *to, const char *day) {
    if (!from || !day || strcmp(from, day) > 0) return false;
    return !to || !*to || strcmp(day, to) < 0;
}

const char *flow_status(const char *to, const char *ended, const char *expect, const char *today) {
    if (to && *to) return ended && !strcmp(ended, "handed_over") ? "handed_over" : "returned";
    if (expect && *expect && strcmp(expect, today) < 0) return "overdue";
    return "open";
}

bool flow_contact_phone(const char *s, char phone[32]) {
    phone[0] = '\0';
    if (!s || !*s || strlen(s) > 24) return false;
    /* only digits, spaces, + and - can be a phone: an address with a number in it is not */
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789+- ", *p)) return false;
    return ids_phone_check(s, strlen(s), phone) != IDS_PHONE_BAD;
}
