/* assess_api — the yearly responsibility assessment (责任考核) over HTTP
 * (issue 23): parse, call assess_store, reply.  No SQL here.
 *
 *   GET  /api/assessments                    the years I may see (the city: all; districts, parks: published)
 *   POST /api/assessments                    open a year and compute it (a draft)           assess.write
 *   GET  /api/assessments/{id}               the criteria as computed and my rows with their figures and links
 *   GET  /api/assessments/{id}/rows          the same rows as a list (?format=xlsx: the workbook, audited)
 *   POST /api/assessments/{id}/recompute     compute a draft again                          assess.write
 *   POST /api/assessments/{id}/confirm       draft → confirmed                              assess.write
 *   POST /api/assessments/{id}/publish       confirmed → published                          assess.write
 * Reading needs assess.read (city, district, park). */
#include <string.h>

#include "assess/assess_store.h"
#include "core/jsonx.h"
#include "http/http.h"

static st aa_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = assess_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_list(http_req *r, err *e) {
    json_t *items = NULL;
    st s = assess_store_list(http_uc(r), &items, e);
    if (s) return s;
    size_t n = json_array_size(items);
    json_t *crit = json_array();
    for (size_t k = 0; assess_criteria[k].key; k++)
        json_array_append_new(crit, json_pack("{s:s,s:s}", "key", assess_criteria[k].key, "name", assess_criteria[k].name));
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:o}", "items", items, "total", (json_int_t)n, "criteria", crit));
}

static st h_open(http_req *r, err *e) {
    static const char *const only[] = {"year", "note", NULL};
    int64_t year = 0, id = 0;
    const char *note = NULL;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "year", true, 2000, 9999, 0, &year, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 600, &note, e);
    if (!s) s = assess_store_open(http_uc(r), (int)year, note, &id, e);
    return s ? s : aa_reply(r, 201, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : aa_reply(r, 200, id, e);
}

static st h_rows(http_req *r, err *e) {
    int64_t id, total = 0;
    json_t *all = NULL, *items = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = assess_store_rows(http_uc(r), id, &all, e);
    if (s) return s;
    arena_json(&r->mem, all);
    if ((s = http_page_array(r, all, "rank", &items, &total, e))) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) {
        json_decref(items);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_step(http_req *r, st (*fn)(uc *, int64_t, err *), err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = fn(http_uc(r), id, e);
    return s ? s : aa_reply(r, 200, id, e);
}
static st h_recompute(http_req *r, err *e) { return h_step(r, assess_store_recompute, e); }
static st h_confirm(http_req *r, err *e) { return h_step(r, assess_store_confirm, e); }
static st h_publish(http_req *r, err *e) { return h_step(r, assess_store_publish, e); }

static const http_sort_key aa_sort[] = {{"rank", "rank"}, {"total", "total"}, {"unit_name", "unit_name", true}, {"unit_code", "unit_code"},
                                        {NULL, NULL}};
/* one column pair a criterion, in assess_criteria[]'s order */
#define AA_EXPORT                                                                                                          \
    "责任考核|kind_name:类别|unit_name:单位|rank:名次|total:总分|coverage.value:组织覆盖率（%）|coverage.score:组织覆盖率得分|"     \
    "life.value:组织生活按期率（%）|life.score:组织生活得分|develop.value:发展党员按期率（%）|develop.score:发展党员得分|"         \
    "study.value:学时达标率（%）|study.score:学时得分|dues.value:党费收缴率（%）|dues.score:党费得分|points.value:积分|"           \
    "points.score:积分得分"

const http_route assess_routes[] = {
    {"GET", "/api/assessments", "assess.read", h_list, HB_NONE, "责任考核：我可查看的年度（市级：全部；区、园区：已发布的）", "assess", NULL},
    {"POST", "/api/assessments", "assess.write", h_open, HB_JSON, "开启某年度的责任考核并计算各区、园区的指标（草稿）", "assess", NULL},
    {"GET", "/api/assessments/{id}", "assess.read", h_get, HB_NONE, "责任考核：各项指标的口径、权重，本单位（市级：全部）的得分和数据来源",
     "assess", "assessment:{id}"},
    {"GET", "/api/assessments/{id}/rows", "assess.read", h_rows, HB_NONE, "责任考核结果表（可导出 Excel）", "assess", "assessment:{id}",
     AA_EXPORT, aa_sort},
    {"POST", "/api/assessments/{id}/recompute", "assess.write", h_recompute, HB_NONE, "按当前数据重新计算责任考核（仅草稿）", "assess",
     "assessment:{id}"},
    {"POST", "/api/assessments/{id}/confirm", "assess.write", h_confirm, HB_NONE, "确认责任考核结果（确认后不再重新计算）", "assess",
     "assessment:{id}"},
    {"POST", "/api/assessments/{id}/publish", "assess.write", h_publish, HB_NONE, "发布责任考核结果（各区、园区可查看本单位结果）", "assess",
     "assessment:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
