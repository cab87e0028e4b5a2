/* dues_report_api — the dues reports and the arrears warning over HTTP
 * (permission dues.read; every figure inside the caller's scope):
 *   GET /api/dues/reports?period=&by=city|district|org[&district=][&org_id=]
 *       collected vs due for a month (2026-11), a quarter (2026-Q4) or a year
 *       (2026), from the sheets' kept sums; each row's drill names the sheets
 *       behind it; ?format=xlsx the same rows as a workbook
 *   GET /api/dues/reports/sheets?period=[&district=][&org_id=[&own=1]]
 *       those sheets (organization, month, due, paid, rate)
 *   GET /api/dues/arrears[?org_id=]
 *       the members of one organization at risk of 自行脱党 (six consecutive
 *       months unpaid or without organizational life: dues-arrears-months),
 *       with the months and records behind each; a caller bound to an
 *       organization gets their own by default.  A warning only: nothing
 *       here changes a membership. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "dues/dues.h"
#include "dues/dues_report.h"
#include "dues/dues_report_store.h"
#include "http/http.h"

static const char *dr_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st dr_period(http_req *r, dues_period *p, err *e) {
    const char *s = dr_q(r, "period");
    char this_month[11];
    if (!s) {
        clock_day(clock_now(), this_month);
        this_month[7] = 0;
        s = this_month;
    }
    return dues_period_parse(s, p, e);
}

static st dr_filter(http_req *r, dues_report_filter *f, err *e) {
    memset(f, 0, sizeof *f);
    f->district = dr_q(r, "district");
    int64_t own = 0;
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f->org_id, e);
    if (!s) s = http_query_int(r, "own", 0, 0, 1, &own, e);
    f->own = own == 1;
    return s;
}

static st h_report(http_req *r, err *e) {
    dues_period p;
    dues_report_filter f;
    st s = dr_period(r, &p, e);
    if (!s) s = dr_filter(r, &f, e);
    const char *by = dr_q(r, "by");
    if (!by) by = "district";
    if (!s && strcmp(by, "city") && strcmp(by, "district") && strcmp(by, "org"))
        s = err_field(e, ST_INVALID, "by", "汇总方式 by 应为 city（全市合计）、district（按区）或 org（按党组织）。");
    http_page pg;
    const char *order = NULL;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "code", "q.code", &order, e);
    json_t *items = NULL, *sum = NULL;
    int64_t total = 0;
    uc_page up = {pg.size, pg.offset, order};
    if (!s) s = dues_report_store_report(http_uc(r), &p, by, &f, &up, &items, &total, &sum, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:O}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size, "by", by, "period", p.code, "from",
                                             p.from, "to", p.to, "sum", sum));
}

static st h_sheets(http_req *r, err *e) {
    dues_period p;
    dues_report_filter f;
    st s = dr_period(r, &p, e);
    if (!s) s = dr_filter(r, &f, e);
    http_page pg;
    const char *order = NULL;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-month", "q.org_id", &order, e);
    json_t *items = NULL;
    int64_t total = 0;
    uc_page up = {pg.size, pg.offset, order};
    if (!s) s = dues_report_store_sheets(http_uc(r), &p, &f, &up, &items, &total, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:I,s:I,s:I,s:s,s:s,s:s}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size, "period", p.code, "from", p.from, "to",
                                             p.to));
}

static st h_arrears(http_req *r, err *e) {
    int64_t org = 0;
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &org, e);
    if (s) return s;
    uc *c = http_uc(r);
    if (!org && c->who.scope_kind && !strcmp(c->who.scope_kind, "org") && c->who.scope_code)
        org = strtoll(c->who.scope_code, NULL, 10);
    if (org <= 0) return err_field(e, ST_INVALID, "org_id", "请选择党组织（org_id）：预警名单按党组织列出，由该组织的支部大会讨论决定。");
    json_t *o = NULL;
    if ((s = dues_report_store_arrears(c, org, &o, e))) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static const http_sort_key dr_sort[] = {{"code", "q.code"},         {"name", "q.name", true},        {"district_name", "q.district_name", true},
                                        {"sheets", "q.sheets"},     {"members", "q.members"},        {"due_fen", "q.due_fen"},
                                        {"paid_fen", "q.paid_fen"}, {"owed_fen", "q.owed_fen"},      {"rate", "q.rate"},
                                        {NULL, NULL}};
static const http_sort_key dr_sheet_sort[] = {{"month", "q.month"},         {"org_name", "q.org_name", true}, {"district_name", "q.district_name", true},
                                              {"members", "q.members"},     {"due_fen", "q.due_fen"},         {"paid_fen", "q.paid_fen"},
                                              {"owed_fen", "q.owed_fen"},   {"rate", "q.rate"},               {NULL, NULL}};
#define DR_EXPORT                                                                                                        \
    "党费收缴情况|name:名称|district_name:所在区|sheets:应交表数|members:应交人次|paid_members:已交人次|nobase:未核定基数人次|" \
    "due:应交（元）|paid:实交（元）|owed:未交（元）|rate_text:收缴率"
#define DR_SHEET_EXPORT                                                                                                  \
    "党费应交表|month:月份|org_name:党组织|district_name:所在区|members:应交人数|paid_members:已交人数|nobase:未核定基数|"   \
    "due:应交（元）|paid:实交（元）|owed:未交（元）|rate_text:收缴率"

const http_route dues_report_routes[] = {
    {"GET", "/api/dues/reports", "dues.read", h_report, HB_NONE,
     "党费收缴情况（某月、季度或年；按全市、区或党组织汇总应交与实交，每行可查到所依据的应交表）", "dues",
     "org:?org_id region:?district", DR_EXPORT, dr_sort},
    {"GET", "/api/dues/reports/sheets", "dues.read", h_sheets, HB_NONE, "党费收缴情况所依据的各党组织月度应交表", "dues",
     "org:?org_id region:?district", DR_SHEET_EXPORT, dr_sheet_sort},
    {"GET", "/api/dues/arrears", "dues.read", h_arrears, HB_NONE,
     "自行脱党预警：连续未交党费或未参加组织生活达到规定月数的党员（由支部大会决定，系统不改变党籍）", "dues", "org:?org_id"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
