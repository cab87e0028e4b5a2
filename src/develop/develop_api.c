/* develop_api — developing new members over HTTP: parse, call develop_store, reply.
 *   GET   /api/develop/rules                     the table of steps (settings)
 *   PUT   /api/develop/rules/{code}              one step's settings (city office: rules.write)
 *   GET   /api/develop/applicants                applicants (filters, sort, xlsx)
 *   POST  /api/develop/applicants                a paper application entered by the secretary
 *   GET   /api/develop/applicants/{id}           an applicant's file and timeline
 *   PATCH /api/develop/applicants/{id}           correct the applicant's own data (before the vote)
 *   POST  /api/develop/applicants/{id}/steps     record a step (checked against the rules)
 *   POST  /api/develop/applicants/{id}/undo      undo the latest step (reason)
 *   POST  /api/develop/applicants/{id}/answer    accept an online application, or refuse it with a reason
 *   POST  /api/develop/applicants/{id}/documents a document (multipart: file, kind), PDF/JPEG/PNG by content
 *   GET   /api/develop/applicants/{id}/documents/{doc}  download one (audited)
 *   POST  /api/develop/applicants/{id}/letter    the applicant's own letter, from the phone
 *   GET   /api/develop/pipeline                  columns by stage, who is due next and when
 *   GET   /api/develop/due                       steps due within N days and past due, as of a day (xlsx)
 *   GET   /api/develop/figures                   figures by stage, enterprise category and year
 *   GET   /api/develop/figures.xlsx              the same as a workbook (audited)
 *   POST  /api/develop/apply                     an online application by the caller (member, investor)
 *   GET   /api/me/develop                        the caller's own applications
 *   GET   /api/develop/choices                   where the caller may apply: enterprises by name (q) and their organizations
 * Scope: the city all, a district or park its area, an organization's
 * administrator and secretary their organization and below; an applicant
 * their own files (through /api/me/develop). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "core/jsonx.h"
#include "develop/develop_store.h"
#include "http/http.h"
#include "member/member.h"

static const char *da_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static const char *const DA_STAGES[] = {"入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员", NULL};
static const char *const DA_STATUSES[] = {"pending", "refused", "active", "cancelled", "done", NULL};

static bool da_in(const char *v, const char *const *set) {
    for (int i = 0; v && set[i]; i++)
        if (!strcmp(v, set[i])) return true;
    return false;
}

static st da_filter(http_req *r, develop_filter *f, err *e) {
    memset(f, 0, sizeof *f);
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &f->org_id, e);
    if (s) return s;
    f->district = da_q(r, "district");
    f->park = da_q(r, "park");
    f->stage = da_q(r, "stage");
    f->status = da_q(r, "status");
    f->q = da_q(r, "q");
    f->year = da_q(r, "year");
    if (f->stage && !da_in(f->stage, DA_STAGES))
        return err_field(e, ST_INVALID, "stage", "stage 应为 入党申请人、入党积极分子、发展对象、预备党员 或 正式党员。");
    if (f->status && !da_in(f->status, DA_STATUSES))
        return err_field(e, ST_INVALID, "status", "status 应为 pending（待受理）、refused（不予受理）、active（培养中）、cancelled（已取消）或 done（已转正）。");
    if (f->year && (strlen(f->year) != 4 || atoi(f->year) < 1900 || atoi(f->year) > 2099))
        return err_field(e, ST_INVALID, "year", "year 应为四位年份，如 2025。");
    const char *as_of = da_q(r, "as_of");
    if (as_of) {
        char d[11];
        if (!member_day_parse(as_of, d) || strlen(as_of) != 10)
            return err_field(e, ST_INVALID, "as_of", "as_of=“%s”不是有效日期，应为 YYYY-MM-DD（如 2025-04-30）。", as_of);
        f->as_of = arena_strdup(&r->mem, d);
    }
    int64_t within = 0;
    if ((s = http_query_int(r, "within", 30, 0, 366, &within, e))) return s;
    f->within = (int)within;
    return ST_OK;
}

static st da_reply_list(http_req *r, json_t *items, int64_t total, const http_page *pg) {
    json_t *o = json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg->page, "size",
                          (json_int_t)pg->size);
    return http_reply_json(r, 200, o);
}

/* ---- the table of steps ---- */

static st h_rules(http_req *r, err *e) {
    json_t *o = NULL;
    st s = develop_store_rules_json(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", o));
}

/* One int field of a patch: kept when absent. */
static st da_patch_int(const json_t *j, const char *key, int min, int max, int *v, err *e) {
    if (!json_object_get(j, key)) return ST_OK;
    int64_t x = 0;
    st s = jsonx_int(j, key, true, min, max, 0, &x, e);
    if (!s) *v = (int)x;
    return s;
}

static st h_rule_set(http_req *r, err *e) {
    static const char *const only[] = {"seq", "stage", "name", "optional", "anchor", "min_months", "due_months", "people", "people_min",
                                       "people_max", "days_min", "hours_min", "months_min", "months_max", "rule", NULL};
    const char *code = http_param(r, "code");
    develop_rule *rules;
    size_t n;
    uc *c = http_uc(r);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = develop_store_rules(c, &rules, &n, e);
    if (s) return s;
    const develop_rule *old = develop_rule_find(rules, n, code);
    if (!old) return err_set(e, ST_NOT_FOUND, "没有名为“%s”的发展党员步骤。", code ? code : "");
    develop_rule x = *old;
    if (!s) s = da_patch_int(r->json, "seq", 1, 10000, &x.seq, e);
    if (!s && json_object_get(r->json, "stage")) s = jsonx_str(r->json, "stage", true, 1, 10, &x.stage, e);
    if (!s && json_object_get(r->json, "name")) s = jsonx_str(r->json, "name", true, 1, 40, &x.name, e);
    if (!s && json_object_get(r->json, "optional")) s = jsonx_bool(r->json, "optional", true, false, &x.optional, e);
    /* anchor and people may be cleared with null */
    json_t *an = json_object_get(r->json, "anchor"), *pe = json_object_get(r->json, "people");
    if (!s && an) {
        x.anchor = NULL;
        if (!json_is_null(an)) s = jsonx_str(r->json, "anchor", true, 1, 20, &x.anchor, e);
    }
    if (!s && pe) {
        x.people = NULL;
        if (!json_is_null(pe)) s = jsonx_str(r->json, "people", true, 1, 20, &x.people, e);
    }
    if (!s) s = da_patch_int(r->json, "min_months", 0, 120, &x.min_months, e);
    if (!s) s = da_patch_int(r->json, "due_months", 0, 120, &x.due_months, e);
    if (!s) s = da_patch_int(r->json, "people_min", 0, 10, &x.people_min, e);
    if (!s) s = da_patch_int(r->json, "people_max", 0, 10, &x.people_max, e);
    if (!s) s = da_patch_int(r->json, "days_min", 0, 365, &x.days_min, e);
    if (!s) s = da_patch_int(r->json, "hours_min", 0, 1000, &x.hours_min, e);
    if (!s) s = da_patch_int(r->json, "months_min", 0, 120, &x.months_min, e);
    if (!s) s = da_patch_int(r->json, "months_max", 0, 120, &x.months_max, e);
    if (!s && json_object_get(r->json, "rule")) s = jsonx_str(r->json, "rule", true, 1, 500, &x.rule, e);
    if (!s) s = develop_store_rule_set(c, &x, e);
    if (s) return s;
    return h_rules(r, e);
}

/* ---- applicants ---- */

static st h_list(http_req *r, err *e) {
    develop_filter f;
    http_page pg;
    const char *order;
    st s = da_filter(r, &f, e);
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = develop_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return da_reply_list(r, items, total, &pg);
}

static st da_person(const json_t *j, develop_new *a, err *e) {
    memset(a, 0, sizeof *a);
    st s = jsonx_str(j, "name", true, 1, 30, &a->name, e);
    if (!s) s = jsonx_str(j, "id_number", true, 1, 40, &a->id_number, e);
    if (!s) s = jsonx_str(j, "phone", false, 0, 20, &a->phone, e);
    if (!s) s = jsonx_str(j, "ethnicity", false, 0, 20, &a->ethnicity, e);
    if (!s) s = jsonx_str(j, "education", false, 0, 20, &a->education, e);
    if (!s) s = jsonx_str(j, "post", false, 0, 30, &a->post, e);
    if (!s) s = jsonx_int(j, "org_id", true, 1, INT64_MAX, 0, &a->org_id, e);
    if (!s) s = jsonx_int(j, "enterprise_id", false, 1, INT64_MAX, 0, &a->enterprise_id, e);
    if (!s) s = jsonx_str(j, "note", false, 0, 500, &a->note, e);
    return s;
}

static st da_reply_file(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = develop_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_create(http_req *r, err *e) {
    static const char *const only[] = {"name", "id_number", "phone", "ethnicity", "education", "post", "org_id", "enterprise_id",
                                       "applied_on", "note", NULL};
    develop_new a;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = da_person(r->json, &a, e);
    if (!s) s = jsonx_str(r->json, "applied_on", true, 1, 20, &a.applied_on, e);
    int64_t id = 0;
    if (!s) s = develop_store_create(http_uc(r), &a, &id, e);
    if (s) return s;
    return da_reply_file(r, 201, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return da_reply_file(r, 200, id, e);
}

static st h_edit(http_req *r, err *e) {
    static const char *const only[] = {"name", "phone", "ethnicity", "education", "post", NULL};
    int64_t id;
    develop_edit x;
    memset(&x, 0, sizeof x);
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", false, 1, 30, &x.name, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 20, &x.phone, e);
    if (!s) s = jsonx_str(r->json, "ethnicity", false, 0, 20, &x.ethnicity, e);
    if (!s) s = jsonx_str(r->json, "education", false, 0, 20, &x.education, e);
    if (!s) s = jsonx_str(r->json, "post", false, 0, 30, &x.post, e);
    if (!s) s = develop_store_edit(http_uc(r), id, &x, e);
    if (s) return s;
    return da_reply_file(r, 200, id, e);
}

static st h_step(http_req *r, err *e) {
    static const char *const only[] = {"step", "day", "people", "days", "hours", "months", "note", NULL};
    int64_t id;
    develop_step_new x;
    memset(&x, 0, sizeof x);
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "step", true, 1, 20, &x.code, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 10, &x.day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 1500, &x.note, e);
    int64_t days = 0, hours = 0, months = 0;
    if (!s) s = jsonx_int(r->json, "days", false, 0, 365, 0, &days, e);
    if (!s) s = jsonx_int(r->json, "hours", false, 0, 1000, 0, &hours, e);
    if (!s) s = jsonx_int(r->json, "months", false, 0, 120, 0, &months, e);
    x.days = (int)days, x.hours = (int)hours, x.months = (int)months;
    /* the people: registry person ids */
    json_t *pe = json_object_get(r->json, "people");
    if (!s && pe && !json_is_null(pe)) {
        if (!json_is_array(pe) || json_array_size(pe) > 10)
            s = err_field(e, ST_INVALID, "people", "people 应为党员编号的数组（最多 10 名）。");
        int64_t *ids = s ? NULL : arena_calloc(&r->mem, json_array_size(pe) + 1, sizeof *ids);
        if (!s && !ids) s = err_set(e, ST_NOMEM, "内存不足。");
        size_t i;
        json_t *v;
        json_array_foreach(pe, i, v) {
            if (s) break;
            if (!json_is_integer(v) || json_integer_value(v) <= 0)
                s = err_field(e, ST_INVALID, "people", "people 的第 %zu 项应为党员编号（正整数）。", i + 1);
            else ids[i] = json_integer_value(v);
        }
        x.people = ids;
        x.n_people = s ? 0 : json_array_size(pe);
    }
    int64_t rec = 0;
    if (!s) s = develop_store_step(http_uc(r), id, &x, &rec, e);
    if (s) return s;
    return da_reply_file(r, 201, id, e);
}

static st h_undo(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 1, 200, &reason, e);
    if (!s) s = develop_store_undo(http_uc(r), id, reason, e);
    if (s) return s;
    return da_reply_file(r, 200, id, e);
}

static st h_answer(http_req *r, err *e) {
    static const char *const only[] = {"accept", "reason", NULL};
    int64_t id;
    bool accept = false;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_bool(r->json, "accept", true, false, &accept, e);
    if (!s) s = jsonx_str(r->json, "reason", false, 0, 500, &reason, e);
    if (!s) s = develop_store_answer(http_uc(r), id, accept, reason, e);
    if (s) return s;
    return da_reply_file(r, 200, id, e);
}

static st h_apply(http_req *r, err *e) {
    static const char *const only[] = {"name", "id_number", "phone", "ethnicity", "education", "post", "org_id", "enterprise_id",
                                       "note", NULL};
    develop_new a;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = da_person(r->json, &a, e);
    int64_t id = 0;
    if (!s) s = develop_store_apply(http_uc(r), &a, &id, e);
    json_t *mine = NULL;
    if (!s) s = develop_store_mine(http_uc(r), &mine, e);
    if (s) return s;
    json_t *o = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(mine, i, x) if (json_integer_value(json_object_get(x, "id")) == id) o = json_incref(x);
    json_decref(mine);
    return http_reply_json(r, 201, o ? o : json_pack("{s:I}", "id", (json_int_t)id));
}

static st h_mine(http_req *r, err *e) {
    json_t *o = NULL;
    st s = develop_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", o));
}

static st h_choices(http_req *r, err *e) {
    json_t *o = NULL;
    st s = develop_store_choices(http_uc(r), da_q(r, "q"), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", o));
}

/* ---- documents ---- */

static st da_upload(http_req *r, const char *kind, err *e) {
    int64_t id, doc = 0;
    st s = http_param_int(r, "id", &id, e);
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请选择要上传的材料（表单字段 file：PDF 或 JPEG、PNG 图片）。");
    if (!s) s = develop_store_document_add(http_uc(r), id, kind, u->path, u->filename, &doc, e);
    if (s) return s;
    return da_reply_file(r, 201, id, e);
}

static st h_document_add(http_req *r, err *e) {
    const char *kind = http_field(r, "kind");
    return da_upload(r, kind && *kind ? kind : "other", e);
}

/* the applicant's own letter, from the phone: the only kind they add */
static st h_letter_add(http_req *r, err *e) {
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请选择入党申请书的照片或 PDF（表单字段 file）。");
    int64_t doc = 0;
    if (!s) s = develop_store_document_add(http_uc(r), id, "application", u->path, u->filename, &doc, e);
    json_t *mine = NULL;
    if (!s) s = develop_store_mine(http_uc(r), &mine, e);
    if (s) return s;
    json_t *o = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(mine, i, x) if (json_integer_value(json_object_get(x, "id")) == id) o = json_incref(x);
    json_decref(mine);
    return http_reply_json(r, 201, o ? o : json_pack("{s:I}", "id", (json_int_t)id));
}

static st h_document_get(http_req *r, err *e) {
    int64_t id, doc;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "doc", &doc, e);
    if (!s) s = develop_store_document(http_uc(r), id, doc, &path, &mime, &name, e);
    if (s) return s;
    return http_reply_file(r, path, mime, name, e);
}

/* ---- views ---- */

static st h_pipeline(http_req *r, err *e) {
    develop_filter f;
    json_t *o = NULL;
    st s = da_filter(r, &f, e);
    if (!s) s = develop_store_pipeline(http_uc(r), &f, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_due(http_req *r, err *e) {
    develop_filter f;
    json_t *items = NULL;
    int64_t total = 0;
    http_page pg;
    st s = da_filter(r, &f, e);
    if (!s) s = http_paging(r, &pg, e);
    if (s) return s;
    char today[11];
    member_today(today);
    const char *order;
    if ((s = http_order(r, "due_on", "q.id", &order, e))) return s;
    uc_page p = {pg.size, pg.offset, order};
    if (!f.as_of || strcmp(f.as_of, today) >= 0)   /* today's list: each file's kept next step */
        s = develop_store_due_today(http_uc(r), &f, &p, &items, &total, e);
    else   /* a past day: the stretches open that day */
        s = develop_store_due(http_uc(r), &f, &p, &items, &total, e);
    if (s) {
        json_decref(items);
        return s;
    }
    json_t *o = json_pack("{s:o,s:I,s:I,s:I,s:s?,s:i}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                          "size", (json_int_t)pg.size, "as_of", f.as_of, "within", f.within);
    return http_reply_json(r, 200, o);
}

static st h_figures(http_req *r, err *e) {
    develop_filter f;
    json_t *o = NULL;
    st s = da_filter(r, &f, e);
    if (!s) s = develop_store_figures(http_uc(r), &f, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static const char *da_status_label(const char *s) {
    static const char *const k[][2] = {{"pending", "待受理"}, {"refused", "不予受理"}, {"active", "培养中"},
                                       {"cancelled", "已取消资格"}, {"done", "已转正"}};
    for (size_t i = 0; s && i < sizeof k / sizeof k[0]; i++)
        if (!strcmp(s, k[i][0])) return k[i][1];
    return s ? s : "";
}

/* The figures as a workbook: one sheet each for the stages, the enterprise categories and the years. */
static st da_figures_xlsx(const json_t *o, const char *path, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法生成 Excel 文件。");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    static const struct { const char *key, *title, *cols[5][2]; } sheets[] = {
        {"by_stage", "按阶段", {{"stage", "阶段"}, {"status", "状态"}, {"count", "人数"}}},
        {"by_category", "按企业类别", {{"category", "企业类别"}, {"stage", "阶段"}, {"count", "人数"}}},
        {"by_year", "按年份",
         {{"year", "年份"}, {"category", "企业类别"}, {"applied", "递交申请"}, {"developed", "发展为预备党员"}, {"full_members", "转为正式党员"}}},
    };
    for (size_t t = 0; t < sizeof sheets / sizeof sheets[0]; t++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, sheets[t].title);
        worksheet_set_column(ws, 0, 4, 16, NULL);
        for (int k = 0; k < 5 && sheets[t].cols[k][0]; k++) worksheet_write_string(ws, 0, (lxw_col_t)k, sheets[t].cols[k][1], bold);
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(o, sheets[t].key), i, row) {
            for (int k = 0; k < 5 && sheets[t].cols[k][0]; k++) {
                json_t *v = json_object_get(row, sheets[t].cols[k][0]);
                lxw_row_t y = (lxw_row_t)(i + 1);
                if (json_is_integer(v)) worksheet_write_number(ws, y, (lxw_col_t)k, (double)json_integer_value(v), NULL);
                else if (json_is_real(v)) worksheet_write_number(ws, y, (lxw_col_t)k, json_real_value(v), NULL);
                else if (!strcmp(sheets[t].cols[k][0], "status"))
                    worksheet_write_string(ws, y, (lxw_col_t)k, da_status_label(json_string_value(v)), NULL);
                else worksheet_write_string(ws, y, (lxw_col_t)k, json_string_value(v) ? json_string_value(v) : "", NULL);
            }
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "无法生成 Excel 文件。");
}

static st h_figures_xlsx(http_req *r, err *e) {
    develop_filter f;
    json_t *o = NULL;
    st s = da_filter(r, &f, e);
    if (!s) s = develop_store_figures(http_uc(r), &f, &o, e);
    if (!s && !arena_json(&r->mem, o)) s = err_set(e, ST_NOMEM, "内存不足。");
    const char *path = NULL;
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = da_figures_xlsx(o, path, e);
    if (!s) s = http_audit(r, "list.export", "/api/develop/figures.xlsx", "ok", "下载发展党员统计", e);
    if (s) return s;
    return http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "发展党员统计.xlsx", e);
}

static const http_sort_key da_sort[] = {
    {"id", "q.id"},           {"name", "q.name", true},     {"applied_on", "q.applied_on"}, {"stage", "q.stage", true},
    {"next_due", "q.next_due"}, {"org_name", "q.org_name", true}, {"last_day", "q.last_day"}, {NULL, NULL}};
/* days_left orders as due_on does (the same day counted from) */
static const http_sort_key da_due_sort[] = {
    {"due_on", "q.due_on"}, {"days_left", "q.due_on"}, {"name", "q.name", true}, {"org_name", "q.org_name", true},
    {"step_name", "q.step_name", true}, {NULL, NULL}};
#define DA_EXPORT                                                                                                      \
    "入党申请人|name:姓名|gender:性别|id_number:公民身份号码|birth_date:出生日期|education:学历|org_name:所在党组织|" \
    "enterprise_name:所在企业|stage:阶段|status:状态:labels=develop_status|applied_on:申请日期|last_day:最近步骤日期|next_name:下一步骤|"      \
    "next_from:最早可办理|next_due:办理时限|phone:联系电话"
#define DA_DUE_EXPORT                                                                                             \
    "发展党员到期提醒|name:姓名|org_name:所在党组织|stage:阶段|step_name:到期步骤|due_on:办理时限|days_left:剩余天数|" \
    "overdue:已逾期:bool"
#define DA_AREA "org:?org_id region:?district region:?park"

const http_route develop_routes[] = {
    {"GET", "/api/develop/rules", "develop.read", h_rules, HB_NONE, "发展党员步骤设置（顺序、间隔、时限）", "develop", NULL},
    {"PUT", "/api/develop/rules/{code}", "rules.write", h_rule_set, HB_JSON, "修改发展党员步骤设置（市委组织部，记入审计）", "develop",
     NULL},
    {"GET", "/api/develop/applicants", "develop.read", h_list, HB_NONE, "入党申请人列表（按组织、区、园区、阶段、状态、姓名筛选）", "develop",
     DA_AREA, DA_EXPORT, da_sort},
    {"POST", "/api/develop/applicants", "develop.write", h_create, HB_JSON, "登记书面入党申请（所在企业须由该党组织覆盖）", "develop",
     "org:.org_id"},
    {"GET", "/api/develop/applicants/{id}", "develop.read", h_get, HB_NONE, "入党申请人档案与办理时间线", "develop", "develop:{id}"},
    {"PATCH", "/api/develop/applicants/{id}", "develop.write", h_edit, HB_JSON, "修改入党申请人个人信息（登记入党前）", "develop",
     "develop:{id}"},
    {"POST", "/api/develop/applicants/{id}/steps", "develop.write", h_step, HB_JSON, "办理发展党员步骤（按规则检查）", "develop",
     "develop:{id}"},
    {"POST", "/api/develop/applicants/{id}/undo", "develop.write", h_undo, HB_JSON, "撤销最近一个步骤（须填理由）", "develop",
     "develop:{id}"},
    {"POST", "/api/develop/applicants/{id}/answer", "develop.write", h_answer, HB_JSON, "受理或不予受理网上入党申请", "develop",
     "develop:{id}"},
    {"POST", "/api/develop/applicants/{id}/documents", "develop.write", h_document_add, HB_MULTIPART,
     "上传发展党员材料（表单字段 file：PDF 或 JPEG、PNG；kind：application、review、vote、other）", "develop", "develop:{id}"},
    {"GET", "/api/develop/applicants/{id}/documents/{doc}", "develop.read", h_document_get, HB_NONE, "下载发展党员材料（记入审计）",
     "develop", "develop:{id}", NULL, NULL, true},
    {"POST", "/api/develop/applicants/{id}/letter", "develop.apply", h_letter_add, HB_MULTIPART,
     "申请人上传本人的入党申请书（照片或 PDF）", "develop", "develop:{id}"},
    {"GET", "/api/develop/pipeline", "develop.read", h_pipeline, HB_NONE, "发展党员进度（按阶段分列，谁该办理下一步、何时）", "develop",
     DA_AREA},
    {"GET", "/api/develop/due", "develop.read", h_due, HB_NONE, "到期与逾期的发展党员步骤（as_of 某日，within 天内）", "develop", DA_AREA,
     DA_DUE_EXPORT, da_due_sort},
    {"GET", "/api/develop/figures", "develop.read", h_figures, HB_NONE, "发展党员统计（按阶段、企业类别、年份）", "develop", DA_AREA},
    {"GET", "/api/develop/figures.xlsx", "develop.read", h_figures_xlsx, HB_NONE, "下载发展党员统计（xlsx，记入审计）", "develop", DA_AREA,
     NULL, NULL, true},
    {"POST", "/api/develop/apply", "develop.apply", h_apply, HB_JSON, "网上递交入党申请（本人）", "develop", NULL},
    {"GET", "/api/me/develop", "develop.apply", h_mine, HB_NONE, "我的入党申请与办理进度", "develop", NULL},
    {"GET", "/api/develop/choices", "develop.apply", h_choices, HB_NONE,
     "网上申请入党可选的企业和覆盖它的党组织（q 按企业名称查找；出资人为本企业）", "develop", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
