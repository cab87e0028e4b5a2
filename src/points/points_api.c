/* points_api — the points ledger over HTTP: parse, call points_store, reply.
 *   GET  /api/points/rules                    the rule versions, newest first, each with its rules
 *   POST /api/points/rules/{id}/next          a new version after version {id} (the city office only: its scope)
 *   POST /api/points/run                      run the engine now (it also runs every points-run-seconds)
 *   GET  /api/points/verify                   recompute from the log and compare with the ledger
 *   GET  /api/me/points?period=               my total for the period and every line behind it, my claims
 *   POST /api/me/points/claims                I claim points, with evidence (multipart)
 *   GET  /api/points/claims?state=            claims of my scope (xlsx)
 *   POST /api/points/claims                   a claim for a member or organization of my scope (multipart)
 *   GET  /api/points/claims/{id}              one claim
 *   GET  /api/points/claims/{id}/evidence     its evidence (audited download)
 *   POST /api/points/claims/{id}/approve|refuse   decide (a reason to refuse)
 *   POST /api/points/deductions               take points off a member or organization, with a reason
 *   GET  /api/points/members/{id}?period=     a member's lines;  /api/points/orgs/{id}?period= an organization's
 *   GET  /api/points/ranking?subject=&period=&org_id=&district=   a ranking (xlsx) */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "points/points_store.h"

static const char *pa_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

/* ?period=, default this year */
static const char *pa_period(http_req *r) {
    const char *p = pa_q(r, "period");
    if (p) return p;
    char today[11];
    clock_day(clock_now(), today);
    return arena_printf(&r->mem, "%.4s", today);
}

static st h_rules(http_req *r, err *e) {
    json_t *o = NULL;
    st s = points_store_rules(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_rules_next(http_req *r, err *e) {
    static const char *const only[] = {"effective_from", "note", "rules", NULL};
    int64_t id = 0, latest = 0;
    const char *from = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "effective_from", true, 10, 10, &from, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &note, e);
    json_t *rules = json_object_get(r->json, "rules");
    /* the new version follows the one in force last: rules copied from an older one would drop a change unseen */
    json_t *o = NULL;
    if (!s) s = points_store_rules(http_uc(r), &o, e);
    if (!s) latest = json_integer_value(json_object_get(json_array_get(json_object_get(o, "items"), 0), "id"));
    json_decref(o);
    if (!s && latest != id)
        return err_set(e, ST_CONFLICT, "规则已有更新的版本（编号 %lld），请在最新版本的基础上修改。", (long long)latest);
    int64_t nid = 0;
    if (!s) s = points_store_version_add(http_uc(r), from, note, rules, &nid, e);
    if (!s) s = points_store_rules(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 201, o);
}

static st h_run(http_req *r, err *e) {
    int64_t lines = 0, claims = 0;
    st s = points_store_run_as(http_uc(r), true, &lines, &claims, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:I}", "lines", (json_int_t)lines, "claims", (json_int_t)claims));
}

static st h_verify(http_req *r, err *e) {
    int64_t missing = 0, extra = 0;
    st s = points_store_verify(http_uc(r), &missing, &extra, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:b,s:I,s:I}", "equal", missing == 0 && extra == 0, "missing", (json_int_t)missing, "extra",
                                             (json_int_t)extra));
}

static st h_me(http_req *r, err *e) {
    json_t *o = NULL;
    st s = points_store_mine(http_uc(r), pa_period(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st pa_claim(http_req *r, bool self, err *e) {
    const http_upload *u = http_upload_get(r, "file");
    points_claim_new n = {.subject = self ? "member" : http_field(r, "subject"),
                          .code = http_field(r, "code"),
                          .day = http_field(r, "day"),
                          .title = http_field(r, "title"),
                          .evidence_path = u ? u->path : NULL,
                          .evidence_name = u ? u->filename : NULL};
    if (!self) {
        const char *sid = http_field(r, "subject_id");
        n.subject_id = sid ? strtoll(sid, NULL, 10) : 0;
        if (n.subject_id <= 0) return err_field(e, ST_INVALID, "subject_id", "请选择申报的党员或党组织（subject_id）。");
    }
    int64_t id = 0;
    st s = points_store_claim_submit(http_uc(r), &n, self, &id, e);
    json_t *o = NULL;
    if (!s) s = points_store_claim_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 201, o);
}
static st h_me_claim(http_req *r, err *e) { return pa_claim(r, true, e); }
static st h_claim_create(http_req *r, err *e) { return pa_claim(r, false, e); }

static st h_claims(http_req *r, err *e) {
    const char *state = pa_q(r, "state");
    if (state && strcmp(state, "pending") && strcmp(state, "approved") && strcmp(state, "refused"))
        return err_field(e, ST_INVALID, "state", "状态 state 应为 pending（待审核）、approved（已通过）或 refused（未通过）。");
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, NULL};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = points_store_claims(http_uc(r), state, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                                             "size", (json_int_t)pg.size));
}

static st h_claim_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = points_store_claim_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_evidence(http_req *r, err *e) {
    int64_t id;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = points_store_claim_evidence(http_uc(r), id, &path, &mime, &name, e);
    if (s) return s;
    return http_reply_file(r, path, mime, name, e);
}

static st pa_decide(http_req *r, bool approve, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s && r->json) s = jsonx_only(r->json, only, e);
    if (!s && r->json) s = jsonx_str(r->json, "reason", false, 0, 200, &reason, e);
    if (!s) s = points_store_claim_decide(http_uc(r), id, approve, reason, e);
    json_t *o = NULL;
    if (!s) s = points_store_claim_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}
static st h_approve(http_req *r, err *e) { return pa_decide(r, true, e); }
static st h_refuse(http_req *r, err *e) { return pa_decide(r, false, e); }

static st h_deduct(http_req *r, err *e) {
    static const char *const only[] = {"person_id", "org_id", "points", "reason", "day", NULL};
    int64_t person = 0, org = 0, pts = 0, id = 0;
    const char *reason = NULL, *day = NULL;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "person_id", false, 1, INT64_MAX, 0, &person, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &org, e);
    if (!s) s = jsonx_int(r->json, "points", true, 1, INT64_MAX, 0, &pts, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 2, 200, &reason, e);
    if (!s) s = jsonx_str(r->json, "day", false, 0, 10, &day, e);
    if (!s && (person == 0) == (org == 0)) s = err_field(e, ST_INVALID, "person_id", "请填写扣分的党员（person_id）或党组织（org_id），二者选一。");
    if (!s) s = points_store_deduct(http_uc(r), person ? "member" : "org", person ? person : org, day, pts, reason, &id, e);
    json_t *o = NULL;
    if (!s) s = points_store_claim_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 201, o);
}

static st pa_lines(http_req *r, const char *subject, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = points_store_lines(http_uc(r), subject, id, pa_period(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}
static st h_member_lines(http_req *r, err *e) { return pa_lines(r, "member", e); }
static st h_org_lines(http_req *r, err *e) { return pa_lines(r, "org", e); }

static st h_ranking(http_req *r, err *e) {
    points_ranking_q q = {pa_q(r, "subject"), pa_period(r), 0, pa_q(r, "district")};
    if (!q.subject) q.subject = "member";
    st s = http_query_int(r, "org_id", 0, 0, INT64_MAX, &q.org_id, e);
    http_page pg;
    if (!s) s = http_paging(r, &pg, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, NULL};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = points_store_ranking(http_uc(r), &q, &p, &items, &total, e))) return s;
    /* points are kept in hundredths; the workbook shows them as 积分 */
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) json_object_set_new(x, "score", json_real((double)json_integer_value(json_object_get(x, "points")) / 100.0));
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:s,s:s}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                                             "size", (json_int_t)pg.size, "period", q.period, "subject", q.subject));
}

#define PA_CLAIMS_EXPORT                                                                                             \
    "积分申报|id:编号|subject_name:党员或党组织|rule_name:类别|title:事项|day:日期|state:状态|reason:理由|submitted_by:申报人|" \
    "decided_by:审核人|counted:计入积分（0.01分）"
#define PA_RANK_EXPORT "积分排名|rank:名次|name:名称|org_name:所在党组织|score:积分|last_day:最后得分日期"

const http_route points_routes[] = {
    {"GET", "/api/points/rules", "points.read", h_rules, HB_NONE, "积分规则的各个版本（生效日期及其规则）", "points", NULL},
    {"POST", "/api/points/rules/{id}/next", "points.write", h_rules_next, HB_JSON,
     "在版本 {id} 之后新增积分规则版本（仅市委组织部；自将来某日生效，已有积分不变）", "points", "points_rule_version:{id}"},
    {"POST", "/api/points/run", "points.write", h_run, HB_JSON, "立即按活动记录计算积分（服务器也会定时计算）", "points", NULL},
    {"GET", "/api/points/verify", "points.write", h_verify, HB_NONE, "按活动记录和已审核申报重新计算，核对积分明细是否一致", "points", NULL},
    {"GET", "/api/me/points", "points.read", h_me, HB_NONE, "我的积分：期间合计及每一条明细（可追溯到记录）、我的申报", "points", NULL},
    {"POST", "/api/me/points/claims", "points.claim", h_me_claim, HB_MULTIPART, "本人申报积分（附证明材料）", "points", NULL},
    {"GET", "/api/points/claims", "points.read", h_claims, HB_NONE, "本范围内的积分申报（待审核在前）", "points", NULL, PA_CLAIMS_EXPORT},
    {"POST", "/api/points/claims", "points.write", h_claim_create, HB_MULTIPART, "为本范围内的党员或党组织申报积分（附证明材料）", "points",
     NULL},
    {"GET", "/api/points/claims/{id}", "points.read", h_claim_get, HB_NONE, "一件积分申报", "points", "points_claim:{id}"},
    {"GET", "/api/points/claims/{id}/evidence", "points.read", h_evidence, HB_NONE, "下载积分申报的证明材料（记入审计）", "points",
     "points_claim:{id}", .download = true},
    {"POST", "/api/points/claims/{id}/approve", "points.write", h_approve, HB_JSON, "通过积分申报（计入积分明细）", "points",
     "points_claim:{id}"},
    {"POST", "/api/points/claims/{id}/refuse", "points.write", h_refuse, HB_JSON, "不通过积分申报（须说明理由）", "points", "points_claim:{id}"},
    {"POST", "/api/points/deductions", "points.write", h_deduct, HB_JSON, "扣减本范围内党员或党组织的积分（须说明理由）", "points",
     "member:.person_id org:.org_id"},
    {"GET", "/api/points/members/{id}", "points.read", h_member_lines, HB_NONE, "一名党员某期间的积分及每一条明细", "points", "member:{id}"},
    {"GET", "/api/points/orgs/{id}", "points.read", h_org_lines, HB_NONE, "一个党组织某期间的积分及每一条明细", "points", "org:{id}"},
    {"GET", "/api/points/ranking", "points.read", h_ranking, HB_NONE, "积分排名（党员或党组织；支部、区或全市；月、季、年）", "points",
     "org:?org_id region:?district", PA_RANK_EXPORT},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
