/* stars_api — star ratings (星级评定) and benefits (权益) over HTTP (issue
 * 18): parse, call stars_store, reply.  No SQL here.
 *
 *   GET  /api/stars                          the ratings I may see (offices: all; others: published)     points.read
 *   POST /api/stars                          open a period's rating and propose the stars (the city)      star.confirm
 *   GET  /api/stars/{id}                     criteria, thresholds and my scope's rows with their figures  points.read
 *   GET  /api/stars/{id}/rows                the same rows as a list (?format=xlsx, audited)              points.read
 *   POST /api/stars/{id}/recompute           compute a draft again (the city)                             star.confirm
 *   POST /api/stars/{id}/confirm             confirm the stars of my scope's organizations                star.confirm
 *   POST /api/stars/{id}/publish             publish a confirmed rating (the city)                        star.confirm
 *   GET  /api/orgs/{id}/stars                an organization's published stars with the figures           points.read
 *   GET  /api/benefits                       the catalogue with each benefit's current period             points.read
 *   POST /api/benefits                       add a benefit                                                benefit.write
 *   GET  /api/benefits/{id}                  one benefit                                                  points.read
 *   PUT  /api/benefits/{id}                  change a benefit                                             benefit.write
 *   POST /api/benefits/{id}/applications     apply (for an organization: org_id; else for myself)         benefit.apply
 *   GET  /api/benefits/{id}/applications     the applications in my scope with their places (xlsx)       points.read
 *   POST /api/benefits/{id}/allocate         allocate the period's places                                 benefit.write
 *   GET  /api/benefits/{id}/allocation       the latest allocation of a period with the reasons          points.read
 *   GET  /api/benefit-applications           my (my scope's) applications with their places              points.read
 *   POST /api/benefit-applications/{id}/withdraw   withdraw an application                               benefit.apply */
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "stars/stars_store.h"

static st sa_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = stars_store_get(http_uc(r), id, &o, e);
    return s ? s : http_reply_json(r, status, o);
}

static st h_list(http_req *r, err *e) {
    json_t *items = NULL;
    st s = stars_store_list(http_uc(r), &items, e);
    if (s) return s;
    json_t *crit = json_array();
    for (size_t k = 0; stars_criteria[k].key; k++)
        json_array_append_new(crit, json_pack("{s:s,s:s}", "key", stars_criteria[k].key, "name", stars_criteria[k].name));
    size_t n = json_array_size(items);
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:o}", "items", items, "total", (json_int_t)n, "criteria", crit));
}

static st h_open(http_req *r, err *e) {
    static const char *const only[] = {"period", "note", NULL};
    const char *period = NULL, *note = NULL;
    int64_t id = 0;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "period", true, 4, 7, &period, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 600, &note, e);
    if (!s) s = stars_store_open(http_uc(r), period, note, &id, e);
    return s ? s : sa_reply(r, 201, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : sa_reply(r, 200, id, e);
}

/* A list built in memory, paged and sorted by the route's keys. */
static st sa_page(http_req *r, json_t *all, const char *def, err *e) {
    int64_t total = 0;
    json_t *items = NULL;
    arena_json(&r->mem, all);
    st s = http_page_array(r, all, def, &items, &total, e);
    if (s) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) {
        json_decref(items);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                                             "size", (json_int_t)pg.size));
}

static st h_rows(http_req *r, err *e) {
    int64_t id;
    json_t *all = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_rows(http_uc(r), id, &all, e);
    return s ? s : sa_page(r, all, "-stars", e);
}

static st h_recompute(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_recompute(http_uc(r), id, e);
    return s ? s : sa_reply(r, 200, id, e);
}

static st h_confirm(http_req *r, err *e) {
    int64_t id, n = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_confirm(http_uc(r), id, &n, e);
    return s ? s : sa_reply(r, 200, id, e);
}

static st h_publish(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_publish(http_uc(r), id, e);
    return s ? s : sa_reply(r, 200, id, e);
}

static st h_org(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_org(http_uc(r), id, &o, e);
    return s ? s : http_reply_json(r, 200, o);
}

/* ---- benefits ---- */

static st h_benefits(http_req *r, err *e) {
    json_t *items = NULL;
    st s = stars_store_benefits(http_uc(r), &items, e);
    if (s) return s;
    size_t n = json_array_size(items);
    return http_reply_json(r, 200, json_pack("{s:o,s:I}", "items", items, "total", (json_int_t)n));
}

static st sb_parse(http_req *r, stars_benefit *b, err *e) {
    static const char *const only[] = {"name", "kind", "provider", "description", "quota", "period_kind", "applicants", "active", NULL};
    int64_t quota = 0;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 60, &b->name, e);
    if (!s) s = jsonx_str(r->json, "kind", true, 1, 20, &b->kind, e);
    if (!s) s = jsonx_str(r->json, "provider", false, 0, 100, &b->provider, e);
    if (!s) s = jsonx_str(r->json, "description", false, 0, 600, &b->description, e);
    if (!s) s = jsonx_int(r->json, "quota", true, 1, 1000000, 0, &quota, e);
    if (!s) s = jsonx_str(r->json, "period_kind", true, 1, 10, &b->period_kind, e);
    if (!s) s = jsonx_str(r->json, "applicants", true, 1, 10, &b->applicants, e);
    if (!s) s = jsonx_bool(r->json, "active", false, true, &b->active, e);
    b->quota = (int)quota;
    return s;
}

static st sb_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = stars_store_benefit_get(http_uc(r), id, &o, e);
    return s ? s : http_reply_json(r, status, o);
}

static st h_benefit_add(http_req *r, err *e) {
    stars_benefit b = {0};
    int64_t id = 0;
    st s = sb_parse(r, &b, e);
    if (!s) s = stars_store_benefit_save(http_uc(r), 0, &b, &id, e);
    return s ? s : sb_reply(r, 201, id, e);
}

static st h_benefit_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    return s ? s : sb_reply(r, 200, id, e);
}

static st h_benefit_put(http_req *r, err *e) {
    stars_benefit b = {0};
    int64_t id = 0, out = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = sb_parse(r, &b, e);
    if (!s) s = stars_store_benefit_save(http_uc(r), id, &b, &out, e);
    return s ? s : sb_reply(r, 200, id, e);
}

static st h_apply(http_req *r, err *e) {
    static const char *const only[] = {"org_id", "note", NULL};
    int64_t id = 0, org = 0, app = 0;
    const char *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &org, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 300, &note, e);
    if (!s) s = stars_store_apply(http_uc(r), id, org, note, &app, e);
    return s ? s : http_reply_json(r, 201, json_pack("{s:I,s:I}", "id", (json_int_t)app, "benefit_id", (json_int_t)id));
}

static st h_apps(http_req *r, err *e) {
    int64_t id;
    json_t *all = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_apps(http_uc(r), id, http_query(r, "period"), &all, e);
    return s ? s : sa_page(r, all, "rank", e);
}

static st h_my_apps(http_req *r, err *e) {
    json_t *all = NULL;
    st s = stars_store_my_apps(http_uc(r), &all, e);
    return s ? s : sa_page(r, all, "-applied_at", e);
}

static st h_allocate(http_req *r, err *e) {
    static const char *const only[] = {"period", NULL};
    int64_t id = 0, alloc = 0;
    const char *period = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "period", false, 4, 7, &period, e);
    if (!s) s = stars_store_allocate(http_uc(r), id, period, &alloc, e);
    json_t *o = NULL;
    if (!s) s = stars_store_allocation(http_uc(r), id, period, &o, e);
    return s ? s : http_reply_json(r, 200, o);
}

static st h_allocation(http_req *r, err *e) {
    int64_t id = 0;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_allocation(http_uc(r), id, http_query(r, "period"), &o, e);
    return s ? s : http_reply_json(r, 200, o);
}

static st h_withdraw(http_req *r, err *e) {
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = stars_store_withdraw(http_uc(r), id, e);
    return s ? s : http_reply_json(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "withdrawn"));
}

static const http_sort_key sa_sort[] = {{"stars", "stars"}, {"total", "total"}, {"org_name", "org_name", true}, {"org_id", "org_id"},
                                        {NULL, NULL}};
static const http_sort_key sb_sort[] = {{"rank", "rank"}, {"applied_at", "applied_at"}, {"applicant_name", "applicant_name", true},
                                        {NULL, NULL}};
#define SA_EXPORT                                                                                                          \
    "星级评定|org_name:党组织|district_code:区划代码|stars:星级|total:总分|confirmed_text:审定|points.value:积分（%）|points.score:积分得分|" \
    "life.value:组织生活按期率（%）|life.score:组织生活得分|develop.value:发展党员按期率（%）|develop.score:发展党员得分|"             \
    "dues.value:党费收缴率（%）|dues.score:党费得分"
#define SB_EXPORT                                                                                                          \
    "权益申请|benefit_name:权益|period:期间|applicant_kind:申请方|applicant_name:申请人|state_name:状态|rank:排名|stars:星级|points:积分|" \
    "result:结果|reason:排序依据"

const http_route stars_routes[] = {
    {"GET", "/api/stars", "points.read", h_list, HB_NONE, "星级评定：我可查看的评定期间（市、区、园区：全部；其他：已发布的）", "stars", NULL},
    {"POST", "/api/stars", "star.confirm", h_open, HB_JSON, "开启某期星级评定并由系统按各项指标提出各党组织的星级（市级）", "stars", NULL},
    {"GET", "/api/stars/{id}", "points.read", h_get, HB_NONE, "星级评定：指标、权重、星级门槛和本辖区各党组织的星级及依据", "stars",
     "star_rating:{id}"},
    {"GET", "/api/stars/{id}/rows", "points.read", h_rows, HB_NONE, "星级评定结果表（可导出 Excel）", "stars", "star_rating:{id}", SA_EXPORT,
     sa_sort},
    {"POST", "/api/stars/{id}/recompute", "star.confirm", h_recompute, HB_NONE, "按当前数据重新计算星级评定（草稿，市级）", "stars",
     "star_rating:{id}"},
    {"POST", "/api/stars/{id}/confirm", "star.confirm", h_confirm, HB_NONE, "审定确认本辖区党组织的星级（上一级党组织：市、区、园区）", "stars",
     "star_rating:{id}"},
    {"POST", "/api/stars/{id}/publish", "star.confirm", h_publish, HB_NONE, "发布已全部确认的星级评定（市级）", "stars", "star_rating:{id}"},
    {"GET", "/api/orgs/{id}/stars", "points.read", h_org, HB_NONE, "党组织的星级：各期已发布的星级和评定依据", "stars", "org:{id}"},
    {"GET", "/api/benefits", "points.read", h_benefits, HB_NONE, "星级权益目录（各权益的本期名额和申请数）", "stars", NULL},
    {"POST", "/api/benefits", "benefit.write", h_benefit_add, HB_JSON, "新增星级权益（市级）", "stars", NULL},
    {"GET", "/api/benefits/{id}", "points.read", h_benefit_get, HB_NONE, "一项星级权益", "stars", NULL},
    {"PUT", "/api/benefits/{id}", "benefit.write", h_benefit_put, HB_JSON, "修改星级权益（市级）", "stars", "benefit:{id}"},
    {"POST", "/api/benefits/{id}/applications", "benefit.apply", h_apply, HB_JSON, "申请星级权益（党组织由管理员或书记申请；党员为本人申请）",
     "stars", "org:.org_id"},
    {"GET", "/api/benefits/{id}/applications", "points.read", h_apps, HB_NONE, "星级权益的申请及排序依据（本辖区；可导出 Excel）", "stars", NULL,
     SB_EXPORT, sb_sort},
    {"POST", "/api/benefits/{id}/allocate", "benefit.write", h_allocate, HB_JSON, "按星级、积分、申请时间分配本期权益名额（市级）", "stars",
     "benefit:{id}"},
    {"GET", "/api/benefits/{id}/allocation", "points.read", h_allocation, HB_NONE, "星级权益的最近一次分配结果及每个申请的排序依据", "stars",
     NULL},
    {"GET", "/api/benefit-applications", "points.read", h_my_apps, HB_NONE, "我的（本辖区的）星级权益申请及结果", "stars", NULL, SB_EXPORT,
     sb_sort},
    {"POST", "/api/benefit-applications/{id}/withdraw", "benefit.apply", h_withdraw, HB_NONE, "撤回星级权益申请", "stars", "benefit_app:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
