/* training_api — training batches (轮训) over HTTP: parse, call training_store, reply.
 *   GET  /api/training/batches                         the batches (name, state, audience; xlsx)
 *   POST /api/training/batches                         create a batch
 *   GET  /api/training/candidates?q=                   people to enrol: members and accounts that are not
 *   GET  /api/training/batches/{id}                    one batch: sessions, roster, attendance
 *   PATCH /api/training/batches/{id}                   change it
 *   POST /api/training/batches/{id}/sessions           add a session
 *   DELETE /api/training/batches/{id}/sessions/{sid}   remove one nobody attended
 *   GET  /api/training/batches/{id}/sessions/{sid}/checkin-token   the session's code of now (the venue's screen)
 *   POST /api/training/batches/{id}/sessions/{sid}/attendance      mark one attendee by hand, with a reason
 *   POST /api/training/batches/{id}/enrol              enrol or invite: by organization, role, list
 *   POST /api/training/batches/{id}/attendees/{aid}/withdraw       off the roster, with a reason
 *   POST /api/training/batches/{id}/complete           completion, certificates, hours credited
 *   GET  /api/training/batches/{id}/attendees/{aid}/certificate.pdf   a certificate (audited download)
 *   GET  /api/me/training                              my batches, invitations, sessions, certificates
 *   POST /api/me/training/{aid}/accept|decline         I answer an invitation
 *   POST /api/me/training/checkin                      I check in at a session with the code on the screen
 *   GET  /api/me/training/{aid}/certificate.pdf        my certificate (audited download)
 * Batches are the city office's (the object kind training_batch sits at the
 * city); a person's own are found by the store from the caller's account. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "study/training_store.h"

static const char *tga_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st tga_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = training_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_list(http_req *r, err *e) {
    training_filter f = {tga_q(r, "q"), tga_q(r, "state"), tga_q(r, "audience")};
    if (f.q && strlen(f.q) > 90) return err_field(e, ST_INVALID, "q", "名称关键词 q 过长。");
    if (f.state && strcmp(f.state, "open") && strcmp(f.state, "finished"))
        return err_field(e, ST_INVALID, "state", "状态 state 应为 open（进行中）或 finished（已结业）。");
    if (f.audience && !training_audience_ok(f.audience))
        return err_field(e, ST_INVALID, "audience", "培训对象 audience 应为 secretary、investor、admin、member 或 other。");
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-starts_on", "q.starts_on DESC, q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = training_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st tga_batch(http_req *r, training_batch_in *b, bool create, err *e) {
    static const char *const only[] = {"name", "number", "starts_on", "ends_on", "place", "audience", "organizer", "note", NULL};
    memset(b, 0, sizeof *b);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", create, 2, 100, &b->name, e);
    if (!s) s = jsonx_int(r->json, "number", false, 1, 999, 0, &b->number, e);
    if (!s) s = jsonx_str(r->json, "starts_on", create, 10, 10, &b->starts_on, e);
    if (!s) s = jsonx_str(r->json, "ends_on", create, 10, 10, &b->ends_on, e);
    if (!s) s = jsonx_str(r->json, "place", create, 2, 100, &b->place, e);
    if (!s) s = jsonx_str(r->json, "audience", create, 1, 20, &b->audience, e);
    if (!s) s = jsonx_str(r->json, "organizer", create, 2, 60, &b->organizer, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &b->note, e);
    return s;
}

static st h_create(http_req *r, err *e) {
    training_batch_in b;
    int64_t id = 0;
    st s = tga_batch(r, &b, true, e);
    if (!s) s = training_store_create(http_uc(r), &b, &id, e);
    if (s) return s;
    return tga_reply(r, 201, id, e);
}

static st h_update(http_req *r, err *e) {
    training_batch_in b;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = tga_batch(r, &b, false, e);
    if (!s) s = training_store_update(http_uc(r), id, &b, e);
    if (s) return s;
    return tga_reply(r, 200, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return tga_reply(r, 200, id, e);
}

/* 学时 as a number (3, 1.5) or text ("1.5") into minutes. */
static st tga_hours(const json_t *j, int64_t *minutes, err *e) {
    json_t *h = json_object_get(j, "hours");
    *minutes = 0;
    bool ok = false;
    if (json_is_string(h)) ok = training_hours_minutes(json_string_value(h), minutes);
    else if (json_is_number(h)) {
        double m = json_number_value(h) * 60;
        ok = m > 0 && m <= 6000 && fabs(m - round(m)) < 1e-6;
        if (ok) *minutes = (int64_t)round(m);
    }
    return ok ? ST_OK : err_field(e, ST_INVALID, "hours", "学时 hours 应为大于 0 的数（如 3 或 1.5，折合整分钟）。");
}

static st h_session_add(http_req *r, err *e) {
    static const char *const only[] = {"day", "start", "end", "topic", "teacher", "hours", "place", NULL};
    training_session_in x;
    memset(&x, 0, sizeof x);
    int64_t id, sid = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &x.day, e);
    if (!s) s = jsonx_str(r->json, "start", true, 5, 5, &x.start, e);
    if (!s) s = jsonx_str(r->json, "end", true, 5, 5, &x.end, e);
    if (!s) s = jsonx_str(r->json, "topic", true, 2, 200, &x.topic, e);
    if (!s) s = jsonx_str(r->json, "teacher", true, 1, 60, &x.teacher, e);
    if (!s) s = jsonx_str(r->json, "place", false, 0, 100, &x.place, e);
    if (!s) s = tga_hours(r->json, &x.minutes, e);
    if (!s) s = training_store_session_add(http_uc(r), id, &x, &sid, e);
    if (s) return s;
    return tga_reply(r, 201, id, e);
}

static st h_session_remove(http_req *r, err *e) {
    int64_t id, sid;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "sid", &sid, e);
    if (!s) s = training_store_session_remove(http_uc(r), id, sid, e);
    if (s) return s;
    return tga_reply(r, 200, id, e);
}

static st h_token(http_req *r, err *e) {
    int64_t id, sid;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "sid", &sid, e);
    if (!s) s = training_store_token(http_uc(r), id, sid, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_mark(http_req *r, err *e) {
    static const char *const only[] = {"attendee_id", "present", "reason", NULL};
    int64_t id, sid, aid = 0;
    bool present = true;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "sid", &sid, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "attendee_id", true, 1, INT64_MAX, 0, &aid, e);
    if (!s) s = jsonx_bool(r->json, "present", false, true, &present, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 2, 200, &reason, e);
    if (!s) s = training_store_mark(http_uc(r), id, sid, aid, present, reason, e);
    if (s) return s;
    return tga_reply(r, 200, id, e);
}

/* An array of positive ids from the body field name (at most 2,000) in r's memory. */
static st tga_ids(http_req *r, const char *name, int64_t **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    json_t *a = json_object_get(r->json, name);
    if (!a || json_is_null(a)) return ST_OK;
    if (!json_is_array(a) || json_array_size(a) > 2000)
        return err_field(e, ST_INVALID, name, "%s 应为编号的数组（至多 2000 个）。", name);
    int64_t *v = arena_alloc(&r->mem, (json_array_size(a) + 1) * sizeof *v);
    if (!v) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) <= 0) return err_field(e, ST_INVALID, name, "%s 的第 %zu 项不是有效编号。", name, i + 1);
        v[i] = json_integer_value(x);
    }
    *out = v;
    *n = json_array_size(a);
    return ST_OK;
}

static st h_enrol(http_req *r, err *e) {
    static const char *const only[] = {"org_id", "role", "person_ids", "user_ids", "invite", NULL};
    training_enrol n;
    memset(&n, 0, sizeof n);
    int64_t id, added = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &n.org_id, e);
    if (!s) s = jsonx_str(r->json, "role", false, 1, 20, &n.role, e);
    if (!s) s = jsonx_bool(r->json, "invite", false, false, &n.invite, e);
    int64_t *p = NULL, *u = NULL;
    if (!s) s = tga_ids(r, "person_ids", &p, &n.n_persons, e);
    if (!s) s = tga_ids(r, "user_ids", &u, &n.n_users, e);
    n.person_ids = p;
    n.user_ids = u;
    if (!s) s = training_store_enrol(http_uc(r), id, &n, &added, e);
    if (s) return s;
    json_t *o = NULL;
    if ((s = training_store_get(http_uc(r), id, &o, e))) return s;
    json_object_set_new(o, "added", json_integer(added));
    return http_reply_json(r, 200, o);
}

static st h_withdraw(http_req *r, err *e) {
    static const char *const only[] = {"reason", NULL};
    int64_t id, aid;
    const char *reason = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "aid", &aid, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "reason", true, 2, 200, &reason, e);
    if (!s) s = training_store_withdraw(http_uc(r), id, aid, reason, e);
    if (s) return s;
    return tga_reply(r, 200, id, e);
}

static st h_complete(http_req *r, err *e) {
    int64_t id;
    json_t *res = NULL, *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = training_store_complete(http_uc(r), id, &res, e);
    if (!s) s = training_store_get(http_uc(r), id, &o, e);
    if (s) {
        json_decref(res);
        return s;
    }
    json_object_set_new(o, "result", res);
    return http_reply_json(r, 200, o);
}

static st tga_cert(http_req *r, int64_t batch, int64_t aid, err *e) {
    training_cert k;
    const char *path = NULL;
    st s = training_store_certificate(http_uc(r), batch, aid, &k, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = training_cert_pdf(&k, path, e);
    if (s) return s;
    const char *name = arena_printf(&r->mem, "结业证书-%s-%s.pdf", k.name ? k.name : "", k.number ? k.number : "");
    if (!name) return err_set(e, ST_NOMEM, "内存不足。");
    return http_reply_file(r, path, "application/pdf", name, e);
}

static st h_cert(http_req *r, err *e) {
    int64_t id, aid;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "aid", &aid, e);
    if (s) return s;
    return tga_cert(r, id, aid, e);
}

static st h_candidates(http_req *r, err *e) {
    const char *q = tga_q(r, "q");
    if (q && strlen(q) > 60) return err_field(e, ST_INVALID, "q", "姓名关键词 q 过长。");
    json_t *items = NULL;
    st s = training_store_candidates(http_uc(r), q, &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- the member's side ---- */

static st h_mine(http_req *r, err *e) {
    json_t *o = NULL;
    st s = training_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st tga_answer(http_req *r, bool accept, err *e) {
    int64_t aid;
    st s = http_param_int(r, "aid", &aid, e);
    if (!s) s = training_store_answer(http_uc(r), aid, accept, e);
    if (s) return s;
    return h_mine(r, e);
}
static st h_accept(http_req *r, err *e) { return tga_answer(r, true, e); }
static st h_decline(http_req *r, err *e) { return tga_answer(r, false, e); }

static st h_checkin(http_req *r, err *e) {
    static const char *const only[] = {"token", NULL};
    const char *tok = NULL;
    json_t *o = NULL;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "token", true, 1, 100, &tok, e);
    if (!s) s = training_store_checkin(http_uc(r), tok, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_my_cert(http_req *r, err *e) {
    int64_t aid;
    st s = http_param_int(r, "aid", &aid, e);
    if (s) return s;
    return tga_cert(r, 0, aid, e);
}

static const http_sort_key tga_sort[] = {{"id", "q.id"},
                                         {"name", "q.name", true},
                                         {"starts_on", "q.starts_on"},
                                         {"ends_on", "q.ends_on"},
                                         {"state", "q.state"},
                                         {"enrolled", "q.enrolled"},
                                         {NULL, NULL}};
#define TGA_EXPORT                                                                                                                  \
    "培训班|id:编号|name:名称|number:期数|audience_label:培训对象|starts_on:开班日期|ends_on:结业日期|place:地点|organizer:主办单位|"        \
    "sessions:课程数|hours:学时|enrolled:学员|invited:待答复邀请|completed:已结业|state:状态"

const http_route training_routes[] = {
    {"GET", "/api/training/batches", "training.read", h_list, HB_NONE, "轮训培训班列表（按名称、状态、培训对象筛选）", "training", NULL, TGA_EXPORT,
     tga_sort},
    {"POST", "/api/training/batches", "training.write", h_create, HB_JSON, "新建培训班（名称、期数、日期、地点、培训对象、主办单位）", "training",
     NULL},
    {"GET", "/api/training/candidates", "training.write", h_candidates, HB_NONE, "按姓名查找可报名的人员（党员，及非党员的出资人、管理员账号）",
     "training", NULL},
    {"GET", "/api/training/batches/{id}", "training.read", h_get, HB_NONE, "一个培训班：课程、学员名单、出勤", "training",
     "training_batch:{id}"},
    {"PATCH", "/api/training/batches/{id}", "training.write", h_update, HB_JSON, "修改培训班", "training", "training_batch:{id}"},
    {"POST", "/api/training/batches/{id}/sessions", "training.write", h_session_add, HB_JSON, "为培训班添加一次课程（日期、时间、专题、授课人、学时）",
     "training", "training_batch:{id}"},
    {"DELETE", "/api/training/batches/{id}/sessions/{sid}", "training.write", h_session_remove, HB_NONE, "删除尚无人签到的课程", "training",
     "training_batch:{id}"},
    {"GET", "/api/training/batches/{id}/sessions/{sid}/checkin-token", "training.write", h_token, HB_NONE,
     "课程当前签到码（每 30 秒更换，用于现场大屏显示二维码）", "training", "training_batch:{id}"},
    {"POST", "/api/training/batches/{id}/sessions/{sid}/attendance", "training.write", h_mark, HB_JSON, "手工登记学员出勤或缺课（须说明原因）",
     "training", "training_batch:{id}"},
    {"POST", "/api/training/batches/{id}/enrol", "training.write", h_enrol, HB_JSON, "报名或邀请学员（按组织、按角色、按名单）", "training",
     "training_batch:{id}"},
    {"POST", "/api/training/batches/{id}/attendees/{aid}/withdraw", "training.write", h_withdraw, HB_JSON, "学员退出培训（须说明原因）",
     "training", "training_batch:{id}"},
    {"POST", "/api/training/batches/{id}/complete", "training.write", h_complete, HB_NONE, "办理结业：出勤达标者结业、编发证书、记入学时",
     "training", "training_batch:{id}"},
    {"GET", "/api/training/batches/{id}/attendees/{aid}/certificate.pdf", "training.read", h_cert, HB_NONE, "下载学员结业证书（PDF）",
     "training", "training_batch:{id}", .download = true},
    {"GET", "/api/me/training", "training.read", h_mine, HB_NONE, "我的培训：邀请、培训班、课程签到、结业证书", "training", NULL},
    {"POST", "/api/me/training/checkin", "training.read", h_checkin, HB_JSON, "培训课程扫码签到（本人）", "training", NULL},
    {"POST", "/api/me/training/{aid}/accept", "training.read", h_accept, HB_NONE, "接受培训邀请（本人）", "training", NULL},
    {"POST", "/api/me/training/{aid}/decline", "training.read", h_decline, HB_NONE, "谢绝培训邀请（本人）", "training", NULL},
    {"GET", "/api/me/training/{aid}/certificate.pdf", "training.read", h_my_cert, HB_NONE, "下载本人结业证书（PDF）", "training", NULL,
     .download = true},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
