/* review_api — content pre-review (内容预审, issue 19) over HTTP: parse, call
 * review_store, reply.  No SQL here.
 *
 *   GET  /api/review/checklist                       the city's default checklist
 *   PUT  /api/review/checklist                       a new version of it (rules.write)
 *   GET  /api/review-enterprises/{id}                an enterprise's group, checklist, queue (content)
 *   POST /api/review-enterprises/{id}/group          set up its review group
 *   POST /api/review-enterprises/{id}/checklist      a new version of its own checklist
 *   POST /api/review-enterprises/{id}/items          submit an item
 *   POST /api/review-groups/{id}/members             add a member (or the lead)
 *   POST /api/review-members/{id}/end                a member leaves on a day
 *   GET  /api/review-items/{id}                      one item (content)
 *   POST /api/review-items/{id}/files                add a file (multipart: file)
 *   POST /api/review-items/{id}/assign               assign reviewers
 *   POST /api/review-items/{id}/decide               通过 / 修改后通过 / 不通过 with reasons
 *   POST /api/review-items/{id}/withdraw             withdraw an open item
 *   GET  /api/review-files/{id}                      a file (download, audited)
 *   GET  /api/review/enterprises                     the enterprises whose review work I do
 *   GET  /api/review/mine                            我的审核: my assignments
 *   GET  /api/review-assignments/{id}                one assignment for its reviewer
 *   POST /api/review-assignments/{id}/findings       record findings (done: hand in)
 *   POST /api/review-assignments/{id}/decide         the group's lead decides
 *   GET  /api/review-assignments/{id}/files/{file}   a file of the item under review (download, audited)
 *   GET  /api/review/figures?by=enterprise|district  the figures the offices see (xlsx export)
 * The content never leaves the enterprise's scope: see review_store.h. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "review/review_store.h"

static st ra_ent_reply(http_req *r, int status, int64_t ent, err *e) {
    json_t *o = NULL;
    st s = review_store_enterprise(http_uc(r), ent, &o, e);
    return s ? s : http_reply_json(r, status, json_incref(o));
}

static st ra_item_reply(http_req *r, int status, int64_t item, err *e) {
    json_t *o = NULL;
    st s = review_store_item(http_uc(r), item, &o, e);
    return s ? s : http_reply_json(r, status, json_incref(o));
}

/* An array of positive ids (field), 1..max of them, in r's memory. */
static st ra_ids(http_req *r, const char *field, size_t max, bool required, int64_t **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    json_t *a = json_object_get(r->json, field);
    if (!a && !required) return ST_OK;
    if (!json_is_array(a) || json_array_size(a) > max || (required && !json_array_size(a)))
        return err_field(e, ST_INVALID, field, "%s 应为编号的数组（%s%zu 个）。", field, required ? "1–" : "最多 ", max);
    int64_t *v = arena_alloc(&r->mem, (json_array_size(a) + 1) * sizeof *v);
    if (!v) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) <= 0) return err_field(e, ST_INVALID, field, "%s 第 %zu 项应为正整数编号。", field, i + 1);
        v[i] = json_integer_value(x);
    }
    *out = v;
    *n = json_array_size(a);
    return ST_OK;
}

static st ra_checks(http_req *r, review_check_new **out, size_t *n, err *e) {
    json_t *a = json_object_get(r->json, "checks");
    if (!json_is_array(a) || !json_array_size(a) || json_array_size(a) > 40)
        return err_field(e, ST_INVALID, "checks", "checks 应为 1–40 个检查项的数组，每项含 category（类别）、title（名称），可含 guide（说明）。");
    review_check_new *v = arena_calloc(&r->mem, json_array_size(a), sizeof *v);
    if (!v) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        if (!json_is_object(x)) return err_field(e, ST_INVALID, "checks", "checks 第 %zu 项应为对象。", i + 1);
        v[i].category = json_string_value(json_object_get(x, "category"));
        v[i].title = json_string_value(json_object_get(x, "title"));
        v[i].guide = json_string_value(json_object_get(x, "guide"));
    }
    *out = v;
    *n = json_array_size(a);
    return ST_OK;
}

static st h_city_checklist(http_req *r, err *e) {
    json_t *o = NULL;
    st s = review_store_checklist(http_uc(r), 0, &o, e);
    return s ? s : http_reply_json(r, 200, json_incref(o));
}

static st ra_checklist_save(http_req *r, int64_t ent, err *e) {
    static const char *const only[] = {"name", "checks", NULL};
    const char *name = NULL;
    review_check_new *checks = NULL;
    size_t n = 0;
    int64_t id = 0;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 40, &name, e);
    if (!s) s = ra_checks(r, &checks, &n, e);
    if (!s) s = review_store_checklist_save(http_uc(r), ent, name, checks, n, &id, e);
    json_t *o = NULL;
    if (!s) s = review_store_checklist(http_uc(r), ent, &o, e);
    return s ? s : http_reply_json(r, 201, json_incref(o));
}

static st h_city_checklist_save(http_req *r, err *e) { return ra_checklist_save(r, 0, e); }

static st h_ent_checklist(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : ra_checklist_save(r, id, e);
}

static st h_enterprise(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : ra_ent_reply(r, 200, id, e);
}

static st h_group(http_req *r, err *e) {
    static const char *const only[] = {"name", "members", "lead", NULL};
    int64_t id, lead = 0, gid = 0;
    const char *name = NULL;
    int64_t *persons = NULL;
    size_t n = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 40, &name, e);
    if (!s) s = ra_ids(r, "members", 30, true, &persons, &n, e);
    if (!s) s = jsonx_int(r->json, "lead", true, 1, INT64_MAX, 0, &lead, e);
    if (!s) s = review_store_group_setup(http_uc(r), id, name, persons, n, lead, &gid, e);
    return s ? s : ra_ent_reply(r, 201, id, e);
}

static st h_member_add(http_req *r, err *e) {
    static const char *const only[] = {"person_id", "lead", NULL};
    int64_t id, person = 0, mid = 0;
    bool lead = false;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "person_id", true, 1, INT64_MAX, 0, &person, e);
    if (!s) s = jsonx_bool(r->json, "lead", false, false, &lead, e);
    if (!s) s = review_store_member_add(http_uc(r), id, person, lead, &mid, e);
    return s ? s : http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)mid));
}

static st h_member_end(http_req *r, err *e) {
    static const char *const only[] = {"day", NULL};
    int64_t id;
    const char *day = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &day, e);
    if (!s) s = review_store_member_end(http_uc(r), id, day, e);
    return s ? s : http_reply_empty(r, 204);
}

static st h_submit(http_req *r, err *e) {
    static const char *const only[] = {"kind", "title", "description", "deadline", "links", NULL};
    int64_t id, item = 0;
    review_item_new x = {0};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "kind", true, 1, 20, &x.kind, e);
    if (!s) s = jsonx_str(r->json, "title", true, 1, 60, &x.title, e);
    if (!s) s = jsonx_str(r->json, "description", false, 0, 2000, &x.description, e);
    if (!s) s = jsonx_str(r->json, "deadline", true, 1, 20, &x.deadline, e);
    json_t *links = s ? NULL : json_object_get(r->json, "links");
    if (!s && links) {
        if (!json_is_array(links) || json_array_size(links) > 10)
            s = err_field(e, ST_INVALID, "links", "链接 links 应为网址的数组（最多 10 个）。");
        const char **v = s ? NULL : arena_calloc(&r->mem, json_array_size(links) + 1, sizeof *v);
        size_t i;
        json_t *l;
        if (!s) json_array_foreach(links, i, l) {
                if (!json_is_string(l)) {
                    s = err_field(e, ST_INVALID, "links", "链接 links 第 %zu 项应为网址。", i + 1);
                    break;
                }
                v[i] = json_string_value(l);
            }
        x.links = v;
        x.nlinks = json_array_size(links);
    }
    if (!s) s = review_store_submit(http_uc(r), id, &x, &item, e);
    return s ? s : ra_item_reply(r, 201, item, e);
}

static st h_item(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : ra_item_reply(r, 200, id, e);
}

static st h_upload(http_req *r, err *e) {
    int64_t id, fid = 0;
    st s = http_param_int(r, "id", &id, e);
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请选择要上传的送审文件（表单字段 file）。");
    if (!s) s = review_store_upload(http_uc(r), id, u->path, u->filename, &fid, e);
    return s ? s : ra_item_reply(r, 201, id, e);
}

static st h_assign(http_req *r, err *e) {
    static const char *const only[] = {"person_ids", NULL};
    int64_t id, *persons = NULL;
    size_t n = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = ra_ids(r, "person_ids", 10, true, &persons, &n, e);
    if (!s) s = review_store_assign(http_uc(r), id, persons, n, e);
    return s ? s : ra_item_reply(r, 200, id, e);
}

static st ra_decide(http_req *r, int64_t item, int64_t assign, err *e) {
    static const char *const only[] = {"decision", "reasons", "note", NULL};
    const char *decision = NULL, *note = NULL;
    int64_t *reasons = NULL;
    size_t n = 0;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "decision", true, 1, 20, &decision, e);
    if (!s) s = ra_ids(r, "reasons", 40, false, &reasons, &n, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = review_store_decide(http_uc(r), item, assign, decision, reasons, n, note, e);
    return s;
}

static st h_decide(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ra_decide(r, id, 0, e);
    return s ? s : ra_item_reply(r, 200, id, e);
}

static st h_withdraw(http_req *r, err *e) {
    static const char *const only[] = {"note", NULL};
    int64_t id;
    const char *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = review_store_withdraw(http_uc(r), id, note, e);
    return s ? s : ra_item_reply(r, 200, id, e);
}

static st h_file(http_req *r, err *e) {
    int64_t id;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = review_store_file(http_uc(r), id, 0, &path, &mime, &name, e);
    return s ? s : http_reply_file(r, path, mime, name, e);
}

static st h_enterprises(http_req *r, err *e) {
    json_t *items = NULL;
    st s = review_store_enterprises(http_uc(r), &items, e);
    return s ? s : http_reply_json(r, 200, json_pack("{s:O}", "items", items));
}

static st h_mine(http_req *r, err *e) {
    json_t *items = NULL;
    st s = review_store_mine(http_uc(r), &items, e);
    return s ? s : http_reply_json(r, 200, json_pack("{s:O}", "items", items));
}

static st ra_assign_reply(http_req *r, int64_t id, err *e) {
    json_t *o = NULL;
    st s = review_store_assignment(http_uc(r), id, &o, e);
    return s ? s : http_reply_json(r, 200, json_incref(o));
}

static st h_assignment(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : ra_assign_reply(r, id, e);
}

static st h_findings(http_req *r, err *e) {
    static const char *const only[] = {"findings", "done", NULL};
    int64_t id;
    bool done = false;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_bool(r->json, "done", false, false, &done, e);
    json_t *a = s ? NULL : json_object_get(r->json, "findings");
    if (!s && (!json_is_array(a) || json_array_size(a) > 40))
        s = err_field(e, ST_INVALID, "findings", "findings 应为审核意见的数组（最多 40 项），每项含 check_id、result（pass 或 issue），可含 note。");
    review_finding_new *f = s ? NULL : arena_calloc(&r->mem, json_array_size(a) + 1, sizeof *f);
    size_t i;
    json_t *x;
    if (!s) json_array_foreach(a, i, x) {
            json_t *k = json_object_get(x, "check_id");
            if (!json_is_integer(k) || json_integer_value(k) <= 0) {
                s = err_field(e, ST_INVALID, "findings", "findings 第 %zu 项应含检查项编号 check_id。", i + 1);
                break;
            }
            f[i].check_id = json_integer_value(k);
            f[i].result = json_string_value(json_object_get(x, "result"));
            f[i].note = json_string_value(json_object_get(x, "note"));
        }
    if (!s) s = review_store_findings(http_uc(r), id, f, json_array_size(a), done, e);
    return s ? s : ra_assign_reply(r, id, e);
}

static st h_lead_decide(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = review_store_assignment(http_uc(r), id, &o, e);
    if (!s) s = ra_decide(r, json_integer_value(json_object_get(json_object_get(o, "item"), "id")), id, e);
    return s ? s : ra_assign_reply(r, id, e);
}

static st h_assign_file(http_req *r, err *e) {
    int64_t id, fid;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "file", &fid, e);
    if (!s) s = review_store_file(http_uc(r), fid, id, &path, &mime, &name, e);
    return s ? s : http_reply_file(r, path, mime, name, e);
}

static st h_figures(http_req *r, err *e) {
    const char *by = http_query(r, "by"), *from = http_query(r, "from"), *to = http_query(r, "to");
    json_t *o = NULL, *items = NULL;
    int64_t total = 0;
    st s = review_store_figures(http_uc(r), by, from, to, &o, e);
    if (!s) s = http_page_array(r, json_object_get(o, "items"), "-items", &items, &total, e);
    if (s) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:O,s:O,s:O,s:O}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                                             "size", (json_int_t)pg.size, "summary", json_object_get(o, "total"), "reasons",
                                             json_object_get(o, "reasons"), "by", json_object_get(o, "by"), "today", json_object_get(o, "today")));
}

static const http_sort_key ra_fig_sort[] = {{"items", "items"},       {"name", "name", true},       {"district_name", "district_name", true},
                                            {"open", "open"},         {"overdue", "overdue"},       {"decided", "decided"},
                                            {"reject", "reject"},     {"median_days", "median_days"}, {"p90_days", "p90_days"},
                                            {NULL, NULL}};
#define RA_FIG_EXPORT                                                                                                          \
    "内容预审统计|name:企业或区|district_name:所在区|items:送审|open:未决定|overdue:逾期|decided:已决定|pass:通过|"             \
    "pass_changes:修改后通过|reject:不通过|withdrawn:撤回|median_days:决定用时中位数（天）|p90_days:决定用时90分位（天）|"      \
    "r_political:不通过·政治导向|r_historical:不通过·历史表述|r_map:不通过·地图与国界|r_violence:不通过·暴力恐怖|"           \
    "r_gambling:不通过·赌博|r_minors:不通过·未成年人保护|r_privacy:不通过·个人信息保护|r_other:不通过·其他"

const http_route review_routes[] = {
    {"GET", "/api/review/checklist", "review.read", h_city_checklist, HB_NONE, "全市默认的内容预审清单（当前版本）", "review", NULL},
    {"PUT", "/api/review/checklist", "rules.write", h_city_checklist_save, HB_JSON, "修改全市默认的内容预审清单（保存为新版本，已送审事项仍按原版本）",
     "review", NULL},
    {"GET", "/api/review/figures", "review.read", h_figures, HB_NONE,
     "内容预审统计：本范围内各企业或各区的送审数、决定用时（中位数、90 分位）、不通过理由、逾期（只有数字，不含内容）", "review", NULL, RA_FIG_EXPORT,
     ra_fig_sort},
    {"GET", "/api/review/enterprises", "review.write", h_enterprises, HB_NONE, "我负责内容预审的企业（出资人的企业，或本组织覆盖的企业）", "review",
     NULL},
    {"GET", "/api/review/mine", "review.do", h_mine, HB_NONE, "我的审核：指派给我的送审事项", "review", NULL},
    {"GET", "/api/review-enterprises/{id}", "review.read", h_enterprise, HB_NONE, "企业的内容预审：审核小组、审核清单、送审事项（仅限本企业范围）",
     "review", "review_enterprise:{id}"},
    {"POST", "/api/review-enterprises/{id}/group", "review.write", h_group, HB_JSON, "组建企业的内容审核小组（本企业党组织的党员，指定组长）", "review",
     "review_enterprise:{id}"},
    {"POST", "/api/review-enterprises/{id}/checklist", "review.write", h_ent_checklist, HB_JSON,
     "保存企业自己的审核清单（新版本；已送审事项仍按原版本）", "review", "review_enterprise:{id}"},
    {"POST", "/api/review-enterprises/{id}/items", "review.write", h_submit, HB_JSON, "送审：游戏/版本、文章、应用发布等（名称、说明、链接、截止日期）",
     "review", "review_enterprise:{id}"},
    {"POST", "/api/review-groups/{id}/members", "review.write", h_member_add, HB_JSON, "审核小组添加成员（可指定为组长）", "review", "review_group:{id}"},
    {"POST", "/api/review-members/{id}/end", "review.write", h_member_end, HB_JSON, "审核小组成员退出", "review", "review_member:{id}"},
    {"GET", "/api/review-items/{id}", "review.read", h_item, HB_NONE, "送审事项详情：文件、审核人、审核意见、决定（仅限本企业范围）", "review",
     "review_item:{id}"},
    {"POST", "/api/review-items/{id}/files", "review.write", h_upload, HB_MULTIPART, "上传送审文件", "review", "review_item:{id}"},
    {"POST", "/api/review-items/{id}/assign", "review.write", h_assign, HB_JSON, "指派审核人（审核小组成员）", "review", "review_item:{id}"},
    {"POST", "/api/review-items/{id}/decide", "review.write", h_decide, HB_JSON, "作出审核决定：通过、修改后通过、不通过（附理由）", "review",
     "review_item:{id}"},
    {"POST", "/api/review-items/{id}/withdraw", "review.write", h_withdraw, HB_JSON, "撤回送审", "review", "review_item:{id}"},
    {"GET", "/api/review-files/{id}", "review.read", h_file, HB_NONE, "下载送审文件（记入审计）", "review", "review_file:{id}", .download = true},
    {"GET", "/api/review-assignments/{id}", "review.do", h_assignment, HB_NONE, "我的审核任务：送审内容、审核清单、我的意见", "review",
     "review_assignment:{id}"},
    {"POST", "/api/review-assignments/{id}/findings", "review.do", h_findings, HB_JSON, "记录审核意见（逐项：无问题或有问题及说明；可提交）", "review",
     "review_assignment:{id}"},
    {"POST", "/api/review-assignments/{id}/decide", "review.do", h_lead_decide, HB_JSON, "审核小组组长作出审核决定", "review",
     "review_assignment:{id}"},
    {"GET", "/api/review-assignments/{id}/files/{file}", "review.do", h_assign_file, HB_NONE, "下载所审事项的文件（记入审计）", "review",
     "review_assignment:{id}", .download = true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
