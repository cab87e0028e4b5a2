/* course_api — the course library and online study over HTTP (course_store.h).
 *   GET   /api/courses                    the library of my place (the city's, or my district's; xlsx)
 *   POST  /api/courses                    a new course (article, pdf, video)
 *   GET   /api/courses/{id}               one course with its study figures
 *   PATCH /api/courses/{id}               change it (publish, withdraw, required this year …)
 *   POST  /api/courses/{id}/file          its PDF or video (multipart: file, duration_sec)
 *   GET   /api/courses/{id}/file          the file, with range requests
 *   GET   /api/me/study/courses           my required courses of this year, the library by category, continue
 *   GET   /api/me/study/courses/{id}      one course to study (article body, my progress)
 *   GET   /api/me/study/courses/{id}/file its file, with range requests (a phone seeks a video)
 *   POST  /api/me/study/courses/{id}/open I begin studying it (one course at a time)
 *   POST  /api/me/study/heartbeat         my page is visible and I am active: credit the honest time
 *   GET   /api/study/offline              offline study recorded in my scope
 *   POST  /api/study/offline              record offline study (集中培训, 党课) for members
 *   POST  /api/study/offline/import       the same from a workbook (姓名, 公民身份号码), all or none */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "study/course_store.h"

static const char *ca_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st ca_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = course_store_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st ca_fields(http_req *r, course_in *in, bool create, err *e) {
    static const char *const only[] = {"kind", "title", "summary", "category", "audience", "state", "body", "minutes",
                                       "required_year", "duration_sec", "district", NULL};
    memset(in, 0, sizeof *in);
    st s = jsonx_only(r->json, only, e);
    if (!s && create) s = jsonx_str(r->json, "kind", true, 1, 10, &in->kind, e);
    if (!s) s = jsonx_str(r->json, "title", create, 0, 100, &in->title, e);
    if (!s) s = jsonx_str(r->json, "summary", false, 0, 500, &in->summary, e);
    if (!s) s = jsonx_str(r->json, "category", create, 0, 20, &in->category, e);
    if (!s) s = jsonx_str(r->json, "audience", false, 0, 20, &in->audience, e);
    if (!s) s = jsonx_str(r->json, "state", false, 0, 20, &in->state, e);
    if (!s) s = jsonx_str(r->json, "body", false, 0, 500000, &in->body, e);
    if (!s) s = jsonx_int(r->json, "minutes", create, 1, 1440, 0, &in->minutes, e);
    if (!s && json_is_null(json_object_get(r->json, "required_year"))) in->required_year = create ? 0 : -1;
    else if (!s) s = jsonx_int(r->json, "required_year", false, 2000, 2100, 0, &in->required_year, e);
    if (!s) s = jsonx_int(r->json, "duration_sec", false, 1, 86400, 0, &in->duration_sec, e);
    if (!s && create) s = jsonx_str(r->json, "district", false, 0, 12, &in->district, e);
    return s;
}

static st h_list(http_req *r, err *e) {
    course_filter f = {ca_q(r, "kind"), ca_q(r, "state"), ca_q(r, "category"), ca_q(r, "q"), 0};
    if (f.kind && !course_kind_ok(f.kind)) return err_field(e, ST_INVALID, "kind", "课程类型 kind 应为 article、pdf 或 video。");
    if (f.state && !course_state_ok(f.state)) return err_field(e, ST_INVALID, "state", "发布状态 state 应为 draft、published 或 withdrawn。");
    if (f.q && strlen(f.q) > 90) return err_field(e, ST_INVALID, "q", "课程名称关键词 q 过长。");
    if (f.category && strlen(f.category) > 60) return err_field(e, ST_INVALID, "category", "类别 category 过长。");
    st s = http_query_int(r, "required_year", 0, 0, 2100, &f.required_year, e);
    http_page pg;
    const char *order;
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = course_store_list(http_uc(r), &f, &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_create(http_req *r, err *e) {
    course_in in;
    int64_t id = 0;
    st s = ca_fields(r, &in, true, e);
    if (!s) s = course_store_create(http_uc(r), &in, &id, e);
    if (s) return s;
    return ca_reply(r, 201, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return ca_reply(r, 200, id, e);
}

static st h_update(http_req *r, err *e) {
    course_in in;
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ca_fields(r, &in, false, e);
    if (!s) s = course_store_update(http_uc(r), id, &in, e);
    if (s) return s;
    return ca_reply(r, 200, id, e);
}

static st h_upload(http_req *r, err *e) {
    int64_t id, duration = 0;
    st s = http_param_int(r, "id", &id, e);
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请选择要上传的文件（表单字段 file：PDF 文档，或 MP4、WebM 视频）。");
    const char *d = s ? NULL : http_field(r, "duration_sec");
    if (!s && d && *d) {
        char *end = NULL;
        long long v = strtoll(d, &end, 10);
        if (!end || *end || v < 1 || v > 86400) s = err_field(e, ST_INVALID, "duration_sec", "视频时长 duration_sec 应为 1 到 86400 之间的秒数。");
        duration = v;
    }
    if (!s) s = course_store_upload(http_uc(r), id, u->path, u->filename, duration, e);
    if (s) return s;
    return ca_reply(r, 200, id, e);
}

static st ca_file(http_req *r, bool mine, err *e) {
    int64_t id, size = 0;
    const char *path = NULL, *mime = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = course_store_file(http_uc(r), id, mine, &path, &mime, &size, e);
    if (s) return s;
    r->no_store = false;
    r->cache_control = "private, max-age=3600";
    return http_reply_file_range(r, path, mime, e);
}
static st h_file(http_req *r, err *e) { return ca_file(r, false, e); }
static st h_me_file(http_req *r, err *e) { return ca_file(r, true, e); }

static st h_mine(http_req *r, err *e) {
    json_t *o = NULL;
    st s = course_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_mine_get(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = course_store_mine_get(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_open(http_req *r, err *e) {
    int64_t id;
    json_t *o = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s && r->json) s = jsonx_only(r->json, (const char *const[]){NULL}, e);
    if (!s) s = course_store_open(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_beat(http_req *r, err *e) {
    static const char *const only[] = {"course_id", "token", "seq", "position", "pause", NULL};
    course_beat_req b;
    memset(&b, 0, sizeof b);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "course_id", true, 1, INT64_MAX, 0, &b.course_id, e);
    if (!s) s = jsonx_str(r->json, "token", true, 32, 32, &b.token, e);
    if (!s) s = jsonx_int(r->json, "seq", true, 1, INT64_MAX, 0, &b.seq, e);
    json_t *pos = json_object_get(r->json, "position");
    if (!s && pos) {
        if (!json_is_number(pos) || json_number_value(pos) < 0 || json_number_value(pos) > 1e7)
            s = err_field(e, ST_INVALID, "position", "学习位置 position 应为不小于 0 的数（视频的秒数、文章的阅读比例或 PDF 的页码）。");
        else b.position = json_number_value(pos);
    }
    if (!s) s = jsonx_bool(r->json, "pause", false, false, &b.pause, e);
    json_t *o = NULL;
    if (!s) s = course_store_beat(http_uc(r), &b, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st h_offline_list(http_req *r, err *e) {
    http_page pg;
    st s = http_paging(r, &pg, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, NULL};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = course_store_offline_list(http_uc(r), &p, &items, &total, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_offline(http_req *r, err *e) {
    static const char *const only[] = {"title", "category", "day", "minutes", "org_id", "person_ids", NULL};
    course_offline_in in;
    memset(&in, 0, sizeof in);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "title", true, 2, 100, &in.title, e);
    if (!s) s = jsonx_str(r->json, "category", true, 2, 20, &in.category, e);
    if (!s) s = jsonx_str(r->json, "day", true, 10, 10, &in.day, e);
    if (!s) s = jsonx_int(r->json, "minutes", true, 1, 1440, 0, &in.minutes, e);
    if (!s) s = jsonx_int(r->json, "org_id", false, 1, INT64_MAX, 0, &in.org_id, e);
    json_t *ids = json_object_get(r->json, "person_ids");
    if (!s && (!json_is_array(ids) || json_array_size(ids) == 0 || json_array_size(ids) > 5000))
        s = err_field(e, ST_INVALID, "person_ids", "请列出参加学习的党员编号 person_ids（1 到 5000 名）。");
    int64_t *p = s ? NULL : arena_alloc(&r->mem, (json_array_size(ids) + 1) * sizeof *p);
    if (!s && !p) s = err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; !s && i < json_array_size(ids); i++) {
        json_t *v = json_array_get(ids, i);
        if (!json_is_integer(v) || json_integer_value(v) < 1) s = err_field(e, ST_INVALID, "person_ids", "党员编号 person_ids 应为正整数。");
        else p[in.npersons++] = json_integer_value(v);
    }
    in.persons = p;
    int64_t id = 0;
    json_t *report = NULL;
    if (!s) s = course_store_offline(http_uc(r), &in, &id, &report, e);
    if (s && report) return http_reply_json(r, 422, http_error_json(e, report));
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:I,s:I}", "id", (json_int_t)id, "members", (json_int_t)in.npersons));
}

/* The multipart fields of an import: title, category, day, minutes, org_id, and the file. */
static st h_offline_import(http_req *r, err *e) {
    course_offline_in in;
    memset(&in, 0, sizeof in);
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要导入的表格（表单字段 file：xlsx、xls 或 CSV，含“姓名”“公民身份号码”两列）。");
    in.title = http_field(r, "title");
    in.category = http_field(r, "category");
    in.day = http_field(r, "day");
    const char *m = http_field(r, "minutes"), *org = http_field(r, "org_id");
    char *end = NULL;
    in.minutes = m ? strtoll(m, &end, 10) : 0;
    if (!m || !end || *end) return err_field(e, ST_INVALID, "minutes", "请填写学时 minutes（1 到 1440 分钟）。");
    if (org && *org) {
        in.org_id = strtoll(org, &end, 10);
        if (!end || *end || in.org_id < 1) return err_field(e, ST_INVALID, "org_id", "组织单位 org_id 应为党组织编号。");
    }
    in.npersons = 1;   /* the file's rows, counted by the store */
    int64_t id = 0;
    json_t *report = NULL;
    st s = course_store_offline_import(http_uc(r), &in, u->path, &id, &report, e);
    if (s && report) return http_reply_json(r, 422, http_error_json(e, report));
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static const http_sort_key ca_sort[] = {{"id", "q.id"},
                                        {"title", "q.title", true},
                                        {"category", "q.category", true},
                                        {"minutes", "q.minutes"},
                                        {"state", "q.state"},
                                        {"required_year", "q.required_year"},
                                        {"updated_at", "q.updated_at"},
                                        {"learners", "q.learners"},
                                        {NULL, NULL}};
#define CA_EXPORT                                                                                                                  \
    "课程|id:编号|title:课程名称|kind:类型|category:类别|audience:学习对象|minutes:学时（分钟）|required_year:必修年度|state:状态|"       \
    "district_name:所属区|duration_sec:视频时长（秒）|learners:学习人数|updated_at:更新时间"

const http_route course_routes[] = {
    {"GET", "/api/courses", "study.write", h_list, HB_NONE, "课程库（全市的，或本区的；按类型、状态、类别、必修年度筛选）", "study", NULL,
     CA_EXPORT, ca_sort},
    {"POST", "/api/courses", "study.write", h_create, HB_JSON, "新建课程（文章、PDF 文档或视频；文章正文在服务器上清理）", "study", NULL},
    {"GET", "/api/courses/{id}", "study.write", h_get, HB_NONE, "一门课程及其学习人数、学习时长", "study", "course:{id}"},
    {"PATCH", "/api/courses/{id}", "study.write", h_update, HB_JSON, "修改课程（发布、撤下、设为本年度必修等）", "study", "course:{id}"},
    {"POST", "/api/courses/{id}/file", "study.write", h_upload, HB_MULTIPART, "上传课程的 PDF 文档或视频（表单字段 file，视频另填 duration_sec）",
     "study", "course:{id}"},
    {"GET", "/api/courses/{id}/file", "study.write", h_file, HB_NONE, "课程文件（支持 Range 分段请求）", "study", "course:{id}"},
    {"GET", "/api/me/study/courses", "study.learn", h_mine, HB_NONE, "我的学习：本年度必修课程及完成情况、按类别的课程、继续学习", "study",
     NULL},
    {"GET", "/api/me/study/courses/{id}", "study.learn", h_mine_get, HB_NONE, "学习一门课程（文章正文、我的进度）", "study", NULL},
    {"GET", "/api/me/study/courses/{id}/file", "study.learn", h_me_file, HB_NONE, "课程文件（支持 Range 分段请求，手机可拖动进度）", "study",
     NULL},
    {"POST", "/api/me/study/courses/{id}/open", "study.learn", h_open, HB_JSON, "开始学习一门课程（同一时间只计一门课程）", "study", NULL},
    {"POST", "/api/me/study/heartbeat", "study.learn", h_beat, HB_JSON, "学习心跳：页面可见且有操作时按服务器时间如实计时", "study", NULL, NULL, NULL,
     false, false, true},
    {"GET", "/api/study/offline", "study.record", h_offline_list, HB_NONE, "本范围内登记的线下学时（集中培训、党课）", "study", NULL},
    {"POST", "/api/study/offline", "study.record", h_offline, HB_JSON, "为党员登记线下学时（集中培训、党课；整批登记或整批不登记）", "study",
     "org:.org_id member:.person_ids[]"},
    {"POST", "/api/study/offline/import", "study.record", h_offline_import, HB_MULTIPART,
     "从表格导入线下学时（xlsx、xls 或 CSV：姓名、公民身份号码；整个文件登记或整个文件不登记，逐行说明原因）", "study", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
