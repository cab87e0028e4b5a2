/* committee — the pure rules of posts and terms (see committee.h). */
#include "committee/committee.h"

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "org/org.h"

const char *const committee_posts[] = {"书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "统战委员", "委员", NULL};

int committee_post_rank(const char *post) {
    for (int i = 0; post && committee_posts[i]; i++)
        if (!strcmp(post, committee_posts[i])) return i;
    return 99;
}

bool committee_post_ok(const char *post) { return committee_post_rank(post) != 99; }

int committee_term_years(const char *kind) {
    if (!kind) return 0;
    if (!strcmp(kind, "党委")) return (int)cfg_int("org-term-years-party");
    if (!strcmp(kind, "党总支")) return (int)cfg_int("org-term-years-general");
    if (!strcmp(kind, "党支部") || !strcmp(kind, "联合党支部")) return (int)cfg_int("org-term-years-branch");
    return 0;   /* 工委, 临时党支部: no term */
}

bool committee_term_end(const char *day, int years, char out[11]) {
    int y, m, d;
    out[0] = 0;
    if (!day || !org_day_parse(day, &y, &m, &d) || years < 0) return false;
    y += years;
    if (d > org_month_days(y, m)) d = org_month_days(y, m);
    org_day_format(y, m, d, out);
    return true;
}

/* Days since 1970-01-01 of a valid day (civil calendar). */
static long cm_ordinal(const char *day) {
    int y = 0, m = 0, d = 0;
    org_day_parse(day, &y, &m, &d);
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int committee_days_between(const char *a, const char *b) { return (int)(cm_ordinal(b) - cm_ordinal(a)); }

const char *committee_term_status(const char *term_end, const char *today, int remind_days) {
    if (strcmp(term_end, today) < 0) return "overdue";
    if (committee_days_between(today, term_end) <= remind_days) return "due";
    return "ok";
}

st committee_holder_check(const committee_holder *h, int64_t org_id, const char *org_name, const char *post, const char *day,
                          err *e) {
    const char *who = h->name && *h->name ? h->name : "该人员";
    if (!h->member)
        return err_field(e, ST_INVALID, "person_id", "%s 在 %s 不是党员名册中的党员，不能担任“%s”%s。%s。", who, day, org_name, post,
                         COMMITTEE_RULE);
    if (h->org_id != org_id)
        return err_field(e, ST_INVALID, "person_id", "%s 在 %s 是“%s”的党员，不是“%s”的党员，不能担任本组织%s；请先办理组织关系转接。%s。",
                         who, day, h->org_name ? h->org_name : "其他党组织", org_name, post, COMMITTEE_RULE);
    if (!h->category || strcmp(h->category, "正式党员"))
        return err_field(e, ST_INVALID, "person_id", "%s 在 %s 是%s，不能担任“%s”%s（预备党员转正后方可任职）。%s。", who, day,
                         h->category ? h->category : "非正式党员", org_name, post, COMMITTEE_RULE);
    if (h->state && (!strcmp(h->state, "停止党籍") || !strcmp(h->state, "出党") || !strcmp(h->state, "去世")))
        return err_field(e, ST_INVALID, "person_id", "%s 在 %s 的党籍状态为“%s”，不能担任“%s”%s。%s。", who, day, h->state, org_name,
                         post, COMMITTEE_RULE);
    return ST_OK;
}
