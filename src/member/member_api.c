/* member_api — the registry over HTTP: parse, call member_store, reply.
 *   GET   /api/members                  list (filters, as_of, pinyin sort, xlsx in the roster layout)
 *   POST  /api/members                  register a member
 *   GET   /api/members/stats            party statistics (党内统计) as of a day; .xlsx to download;
 *                                        recount=1 counts the members rather than reading the counters
 *   GET   /api/members/{id}             one member with the history of events
 *   PATCH /api/members/{id}             correct the person's data
 *   POST  /api/members/{id}/changes     a dated change: category, state, organization
 *   POST  /api/members/{id}/reveal      full ID number and phone (password again, audited)
 *   GET   /api/me/member                the logged-in member's own page (我的党建)
 * Scope (declared per route, auth/scope.h): the city all, a district or park
 * its area, an organization's administrator and secretary their organization
 * and below, a member only themselves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <xlsxwriter.h>

#include "auth/auth.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "member/member_store.h"

static const char *ma_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st ma_day(http_req *r, const char *name, const char **out, err *e) {
    const char *v = ma_q(r, name);
    *out = NULL;
    if (!v) return ST_OK;
    char d[11];
    if (!member_day_parse(v, d) || strlen(v) != 10)
        return err_field(e, ST_INVALID, name, "%s=“%s”不是有效日期，应为 YYYY-MM-DD（如 2018-04-30）。", name, v);
    *out = arena_strdup(&r->mem, d);
    return ST_OK;
}

/* The filter of a list or a statistics request, from the query. */
static st ma_filter(http_req *r, member_filter *f, err *e) {
    memset(f, 0, sizeof *f);
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f->org_id, e);
    if (s) return s;
    f->district = ma_q(r, "district");
    f->park = ma_q(r, "park");
    f->category = ma_q(r, "category");
    f->state = ma_q(r, "state");
    f->q = ma_q(r, "q");
    if (f->category && !member_category_ok(f->category))
        return err_field(e, ST_INVALID, "category", "category 应为“正式党员”或“预备党员”。");
    if (f->state && !member_state_ok(f->state))
        return err_field(e, ST_INVALID, "state", "state 应为 正常、流动、失联、停止党籍、出党、去世 或 转出。");
    if ((s = ma_day(r, "joined_from", &f->joined_from, e)) || (s = ma_day(r, "joined_to", &f->joined_to, e)) ||
        (s = ma_day(r, "as_of", &f->as_of, e)))
        return s;
    return ST_OK;
}

static st h_member_list(http_req *r, err *e) {
    member_filter f;
    http_page pg;
    const char *order;
    st s = ma_filter(r, &f, e);
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "name", "q.id", &order, e);
    if (s) return s;
    /* the roster as a workbook shows full numbers only to those who may see them */
    f.reveal = r->exporting && auth_has(r, "member.reveal");
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = member_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    json_t *o = json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                          "size", (json_int_t)pg.size);
    if (f.as_of) json_object_set_new(o, "as_of", json_string(f.as_of));
    return http_reply_json(r, 200, o);
}

static const char *const ma_person_fields[] = {"name", "id_number", "gender", "birth_date", "ethnicity", "education", "post",
                                               "phone", "enterprise_id", "org_id", "category", "joined_on", "full_on",
                                               "state", "day", "username", NULL};

static st h_member_create(http_req *r, err *e) {
    member_new m;
    memset(&m, 0, sizeof m);
    st s = jsonx_only(r->json, ma_person_fields, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 30, &m.name, e);
    if (!s) s = jsonx_str(r->json, "id_number", true, 1, 40, &m.id_number, e);
    if (!s) s = jsonx_str(r->json, "gender", false, 0, 4, &m.gender, e);
    if (!s) s = jsonx_str(r->json, "birth_date", false, 0, 20, &m.birth, e);
    if (!s) s = jsonx_str(r->json, "ethnicity", false, 0, 20, &m.ethnicity, e);
    if (!s) s = jsonx_str(r->json, "education", false, 0, 20, &m.education, e);
    if (!s) s = jsonx_str(r->json, "post", false, 0, 30, &m.post, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 20, &m.phone, e);
    if (!s) s = jsonx_int(r->json, "enterprise_id", false, 1, INT64_MAX, 0, &m.enterprise_id, e);
    if (!s) s = jsonx_int(r->json, "org_id", true, 1, INT64_MAX, 0, &m.org_id, e);
    if (!s) s = jsonx_str(r->json, "category", true, 1, 10, &m.category, e);
    if (!s) s = jsonx_str(r->json, "joined_on", true, 1, 20, &m.joined_on, e);
    if (!s) s = jsonx_str(r->json, "full_on", false, 0, 20, &m.full_on, e);
    if (!s) s = jsonx_str(r->json, "state", false, 0, 10, &m.state, e);
    if (!s) s = jsonx_str(r->json, "day", false, 0, 10, &m.day, e);
    if (!s) s = jsonx_str(r->json, "username", false, 0, 64, &m.username, e);
    int64_t id = 0;
    const char *flags = NULL;
    if (!s) s = member_store_register(http_uc(r), &m, &id, &flags, e);
    json_t *o = NULL;
    if (!s) s = member_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    json_object_set_new(o, "flags", flags ? json_string(flags) : json_null());
    return http_reply_json(r, 201, o);
}

static st h_member_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    json_t *o = NULL;
    if (!s) s = member_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_member_edit(http_req *r, err *e) {
    static const char *const only[] = {"name", "id_number", "ethnicity", "education", "post", "phone", "enterprise_id", NULL};
    int64_t id;
    member_edit x;
    memset(&x, 0, sizeof x);
    x.enterprise_id = -1;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", false, 1, 30, &x.name, e);
    if (!s) s = jsonx_str(r->json, "id_number", false, 1, 40, &x.id_number, e);
    if (!s) s = jsonx_str(r->json, "ethnicity", false, 0, 20, &x.ethnicity, e);
    if (!s) s = jsonx_str(r->json, "education", false, 0, 20, &x.education, e);
    if (!s) s = jsonx_str(r->json, "post", false, 0, 30, &x.post, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 20, &x.phone, e);
    json_t *ent = json_object_get(r->json, "enterprise_id");
    if (!s && ent) {
        if (json_is_null(ent)) x.enterprise_id = 0;
        else s = jsonx_int(r->json, "enterprise_id", false, 1, INT64_MAX, 0, &x.enterprise_id, e);
    }
    if (!s) s = member_store_edit(http_uc(r), id, &x, e);
    json_t *o = NULL;
    if (!s) s = member_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_member_change(http_req *r, err *e) {
    static const char *const only[] = {"day", "category", "full_on", "state", "org_id", "note", NULL};
    int64_t id;
    member_change x;
    memset(&x, 0, sizeof x);
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &x.day, e);
    if (!s) s = jsonx_str(r->json, "category", false, 0, 10, &x.category, e);
    if (!s) s = jsonx_str(r->json, "full_on", false, 0, 20, &x.full_on, e);
    if (!s) s = jsonx_str(r->json, "state", false, 0, 10, &x.state, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &x.org_id, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &x.note, e);
    if (!s) s = member_store_change(http_uc(r), id, &x, e);
    json_t *o = NULL;
    if (!s) s = member_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_member_reveal(http_req *r, err *e) {
    static const char *const only[] = {"password", NULL};
    int64_t id;
    const char *pw;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    char *idn = NULL, *ph = NULL;
    if (!s) s = member_store_reveal(http_uc(r), id, &idn, &ph, e);
    if (s) return s;
    json_t *o = json_pack("{s:I,s:s?,s:s?}", "id", (json_int_t)id, "id_number", idn, "phone", ph);
    sodium_memzero(idn, strlen(idn));
    free(idn);
    free(ph);
    return http_reply_json(r, 200, o);
}

static st h_member_stats(http_req *r, err *e) {
    member_filter f;
    st s = ma_filter(r, &f, e);
    /* recount=1: count the members themselves, not the counters (a check anyone can make) */
    const char *rc = ma_q(r, "recount");
    f.count = rc && !strcmp(rc, "1");
    json_t *o = NULL;
    if (!s) s = member_store_stats(http_uc(r), &f, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

/* The statistics as a workbook: one sheet per dimension (label, count, share). */
static st ma_stats_xlsx(const json_t *o, const char *path, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法生成 Excel 文件。");
    static const struct { const char *key, *title, *col; } dims[] = {
        {"category", "人员类别", "类别"},   {"gender", "性别", "性别"},         {"age", "年龄", "年龄段（岁）"},
        {"party_age", "党龄", "党龄段（年）"}, {"education", "学历", "学历"},    {"ethnicity", "民族", "民族"},
        {"joined_per_year", "入党年份", "入党年份"},
    };
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0%");
    json_int_t total = json_integer_value(json_object_get(o, "total"));
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, dims[d].title);
        worksheet_write_string(ws, 0, 0, dims[d].col, bold);
        worksheet_write_string(ws, 0, 1, "人数", bold);
        worksheet_write_string(ws, 0, 2, "占比", bold);
        worksheet_set_column(ws, 0, 0, 18, NULL);
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(o, dims[d].key), i, p) {
            json_int_t n = json_integer_value(json_object_get(p, "count"));
            worksheet_write_string(ws, (lxw_row_t)(i + 1), 0, json_string_value(json_object_get(p, "label")), NULL);
            worksheet_write_number(ws, (lxw_row_t)(i + 1), 1, (double)n, NULL);
            worksheet_write_number(ws, (lxw_row_t)(i + 1), 2, total ? (double)n / (double)total : 0, pct);
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "无法生成 Excel 文件。");
}

static st h_member_stats_xlsx(http_req *r, err *e) {
    member_filter f;
    st s = ma_filter(r, &f, e);
    json_t *o = NULL;
    if (!s) s = member_store_stats(http_uc(r), &f, &o, e);
    if (!s && !arena_json(&r->mem, o)) s = err_set(e, ST_NOMEM, "内存不足。");
    const char *path = NULL;
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = ma_stats_xlsx(o, path, e);
    if (!s) s = http_audit(r, "list.export", "/api/members/stats.xlsx", "ok", "下载党内统计", e);
    if (s) return s;
    const char *name = arena_printf(&r->mem, "党内统计-%s.xlsx", json_string_value(json_object_get(o, "as_of")));
    return http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e);
}

static st h_me_member(http_req *r, err *e) {
    json_t *o = NULL;
    st s = member_store_me(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static const http_sort_key ma_sort[] = {
    {"name", "q.name_key", true, true}, {"joined_on", "q.joined_on"}, {"full_on", "q.full_on"},
    {"birth_date", "q.birth_date"},   {"category", "q.category", true}, {"state", "q.state", true},
    {"org_name", "q.org_name", true}, {"district_name", "q.district_name", true}, {"id", "q.id"},
    {NULL, NULL}};
/* the roster layout offices exchange (花名册) */
#define MA_EXPORT                                                                                                  \
    "党员名册|name:姓名|gender:性别|id_number:公民身份号码|birth_date:出生日期|ethnicity:民族|education:学历|"         \
    "category:人员类别|joined_on:入党日期|full_on:转正日期|state:党籍状态|org_name:所在党组织|district_name:所在区|" \
    "post:工作岗位|phone:联系电话"
#define MA_LIST_OBJECTS "org:?org_id region:?district region:?park"

const http_route member_routes[] = {
    {"GET", "/api/members", "member.read", h_member_list, HB_NONE,
     "党员名册（按组织含下级、区、园区、类别、状态、入党日期、姓名或身份证号筛选；as_of 为某日的名册）", "member",
     MA_LIST_OBJECTS, MA_EXPORT, ma_sort},
    {"POST", "/api/members", "member.write", h_member_create, HB_JSON, "登记党员", "member",
     "org:.org_id enterprise:.enterprise_id"},
    {"GET", "/api/members/stats", "member.read", h_member_stats, HB_NONE, "党内统计（某日，某组织或区域）", "member",
     MA_LIST_OBJECTS},
    {"GET", "/api/members/stats.xlsx", "member.read", h_member_stats_xlsx, HB_NONE, "下载党内统计（xlsx，记入审计）", "member",
     MA_LIST_OBJECTS, NULL, NULL, true},
    {"GET", "/api/members/{id}", "member.read", h_member_get, HB_NONE, "党员详情与变动记录", "member", "member:{id}"},
    {"PATCH", "/api/members/{id}", "member.write", h_member_edit, HB_JSON, "修改党员个人信息", "member",
     "member:{id} enterprise:.enterprise_id"},
    {"POST", "/api/members/{id}/changes", "member.write", h_member_change, HB_JSON,
     "党员变动（人员类别、党籍状态、所在党组织），按日期记录", "member", "member:{id} org:.org_id"},
    {"POST", "/api/members/{id}/reveal", "member.reveal", h_member_reveal, HB_JSON, "查看党员完整身份证号和电话（需密码，记入审计）",
     "member", "member:{id}"},
    {"GET", "/api/me/member", "self.read", h_me_member, HB_NONE, "我的党建：本人档案、所在组织和书记", "member", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
