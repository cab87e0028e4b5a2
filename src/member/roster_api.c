/* roster_api — rosters over HTTP:
 *   POST /api/members/imports                       upload one roster (multipart "file"; create_orgs=1 and
 *                                                   district=CODE to create its organization when missing)
 *   GET  /api/members/imports                       the imports within the caller's scope
 *   GET  /api/members/imports/{id}                  one import with every refused or flagged row
 *   GET  /api/members/imports/{id}/problems.xlsx    the same as a workbook
 * The organization a file belongs to must lie inside the caller's scope
 * (checked by the store once the file names it). */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "http/http.h"
#include "member/roster_store.h"

static st h_roster_upload(http_req *r, err *e) {
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要导入的党员花名册文件（表单字段 file）。");
    const char *create = http_field(r, "create_orgs");
    roster_opts o = {.create_orgs = create && !strcmp(create, "1"), .district = http_field(r, "district")};
    if (o.create_orgs && !auth_has(r, "org.write"))
        return err_field(e, ST_FORBIDDEN, "create_orgs", "您的角色不能新建党组织：请先由区、园区或市委组织部建立该党组织，再导入花名册。");
    if (o.create_orgs && o.district) {
        /* a new organization only inside the caller's own area */
        scope_who who = scope_who_of(http_uc(r));
        st s = scope_check(http_db(r), &who, "region", o.district, e);
        if (s) return err_field(e, s == ST_NOT_FOUND ? ST_INVALID : s, "district", "区划代码“%.20s”不存在或不在您的数据范围内。",
                                o.district);
    }
    ledger_table *t = NULL;
    st s = roster_read(u->path, u->filename, &t, e);
    if (s) return s == ST_IO ? ST_INVALID : s;
    t->source = arena_strdup(&t->mem, u->filename);   /* the name the office gave it, not the temporary file's */
    t->path = t->source;
    roster_result res;
    s = roster_store_import(http_uc(r), t, &o, &res, e);
    json_t *out = NULL;
    if (!s)
        out = json_pack("{s:{s:I,s:s,s:I,s:s,s:b,s:i,s:i,s:i,s:i},s:O}", "import", "id", (json_int_t)res.import_id, "source",
                        t->source, "org_id", (json_int_t)res.org_id, "org_name", res.org_name, "org_created", res.org_created,
                        "rows", res.rows, "registered", res.registered, "refused", res.refused, "flagged", res.flagged,
                        "problems", res.problems);
    json_decref(res.problems);
    ledger_table_free(t);
    if (s) return s;
    return http_reply_json(r, 201, out);
}

static st h_roster_list(http_req *r, err *e) {
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = roster_store_list(http_uc(r), &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_roster_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = roster_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "import", o));
}

static st h_roster_report(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = roster_store_get(http_uc(r), id, &o, e);
    if (!s && !arena_json(&r->mem, o)) s = err_set(e, ST_NOMEM, "内存不足。");
    json_t *files = NULL;
    if (!s && !(files = arena_json(&r->mem, json_pack("[O]", o)))) s = err_set(e, ST_NOMEM, "内存不足。");
    const char *path = NULL;
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = roster_report_xlsx(path, files, e);
    if (!s)
        s = http_audit(r, "list.export", arena_printf(&r->mem, "roster_import:%lld", (long long)id), "ok", "下载花名册导入问题清单", e);
    if (s) return s;
    const char *src = json_string_value(json_object_get(o, "source"));
    return http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           arena_printf(&r->mem, "%s-问题清单.xlsx", src ? src : "花名册"), e);
}

static const http_sort_key ra_sort[] = {{"id", "q.id"},           {"source", "q.source", true}, {"rows", "q.rows"},
                                        {"refused", "q.refused"}, {"created_at", "q.created_at"}, {NULL, NULL}};

const http_route roster_routes[] = {
    {"POST", "/api/members/imports", "member.write", h_roster_upload, HB_MULTIPART, "导入党员花名册（xlsx、xls、CSV）", "member", NULL},
    {"GET", "/api/members/imports", "member.read", h_roster_list, HB_NONE, "花名册导入记录", "member", NULL,
     "花名册导入|id:编号|source:文件|org_name:党组织|rows:行数|registered:登记|refused:拒绝|flagged:待核|importer:导入人",
     ra_sort},
    {"GET", "/api/members/imports/{id}", "member.read", h_roster_get, HB_NONE, "一次花名册导入及其逐行问题", "member",
     "roster_import:{id}"},
    {"GET", "/api/members/imports/{id}/problems.xlsx", "member.read", h_roster_report, HB_NONE, "下载花名册导入问题清单（xlsx）",
     "member", "roster_import:{id}", NULL, NULL, true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
