/* committee_api — organizations' people and terms over HTTP (issue 23):
 * parse, call committee_store, reply.  No SQL here.
 *
 *   GET  /api/orgs/{id}/committee?day=        the committee as of a day, its history, elections and term
 *   POST /api/orgs/{id}/posts                 add a post (a 正式党员 of the organization that day)
 *   POST /api/org-posts/{id}/end              end a post on a day
 *   POST /api/org-posts/{id}/link             link a carried-over name (未关联) to a registry member
 *   POST /api/orgs/{id}/elections             record an election (multipart: day, posts JSON, note, file)
 *   GET  /api/org-elections/{id}/file         the vote record (a download, audited)
 *   GET  /api/org/terms?status=               换届提醒: terms overdue or due soon inside my scope
 * Permissions: org.read to read, org.write to write; the scope is the
 * organization's (org:{id}; a post and an election sit where theirs is). */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "committee/committee_store.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "org/org.h"

static const char *ca_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st ca_reply(http_req *r, int status, int64_t org, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    json_t *o = NULL;
    st s = committee_store_get(http_uc(r), org, today, &o, e);
    if (s) return s;
    return http_reply_json(r, status, json_incref(o));
}

static st h_committee(http_req *r, err *e) {
    int64_t id;
    char day[11];
    st s = http_param_int(r, "id", &id, e);
    if (!s && ca_q(r, "day")) s = org_day_arg(ca_q(r, "day"), "day", day, e);
    else clock_day(clock_now(), day);
    json_t *o = NULL;
    if (!s) s = committee_store_get(http_uc(r), id, day, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static st h_post_add(http_req *r, err *e) {
    static const char *const only[] = {"post", "person_id", "from_day", "note", NULL};
    int64_t id, pid = 0;
    committee_post_new p = {0};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "post", true, 1, 10, &p.post, e);
    if (!s) s = jsonx_int(r->json, "person_id", true, 1, INT64_MAX, 0, &p.person_id, e);
    if (!s) s = jsonx_str(r->json, "from_day", true, 1, 20, &p.from_day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &p.note, e);
    if (!s) s = committee_store_post_add(http_uc(r), id, &p, &pid, e);
    return s ? s : ca_reply(r, 201, id, e);
}

static st h_post_end(http_req *r, err *e) {
    static const char *const only[] = {"day", "note", NULL};
    int64_t id, org = 0;
    const char *day = NULL, *note = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &day, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 200, &note, e);
    if (!s) s = committee_store_post_end(http_uc(r), id, day, note, e);
    if (!s) s = committee_store_post_org(http_uc(r), id, &org, e);
    return s ? s : ca_reply(r, 200, org, e);
}

static st h_post_link(http_req *r, err *e) {
    static const char *const only[] = {"person_id", NULL};
    int64_t id, person = 0, org = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "person_id", true, 1, INT64_MAX, 0, &person, e);
    if (!s) s = committee_store_post_link(http_uc(r), id, person, e);
    if (!s) s = committee_store_post_org(http_uc(r), id, &org, e);
    return s ? s : ca_reply(r, 200, org, e);
}

/* posts: a JSON array [{"post": "书记", "person_id": 12}, …] in a multipart field. */
static st ca_posts(http_req *r, committee_post_new **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    const char *text = http_field(r, "posts");
    if (!text || !*text) return err_field(e, ST_INVALID, "posts", "请填写选举产生的委员会成员 posts（如 [{\"post\":\"书记\",\"person_id\":12}]）。");
    json_error_t je;
    json_t *a = json_loads(text, 0, &je);
    if (a) arena_json(&r->mem, a);
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 30)
        return err_field(e, ST_INVALID, "posts", "posts 应为 1–30 名委员会成员的数组，每项含 post（职务）和 person_id（党员编号）。");
    committee_post_new *p = arena_alloc(&r->mem, json_array_size(a) * sizeof *p);
    if (!p) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        json_t *post = json_object_get(x, "post"), *person = json_object_get(x, "person_id");
        if (!json_is_string(post) || !json_is_integer(person) || json_integer_value(person) <= 0)
            return err_field(e, ST_INVALID, "posts", "posts 第 %zu 项应含 post（职务）和 person_id（党员编号）。", i + 1);
        p[i] = (committee_post_new){json_string_value(post), json_integer_value(person), NULL, NULL};
    }
    *out = p;
    *n = json_array_size(a);
    return ST_OK;
}

static st h_elect(http_req *r, err *e) {
    int64_t id, eid = 0;
    committee_election_new x = {0};
    committee_post_new *posts = NULL;
    st s = http_param_int(r, "id", &id, e);
    x.day = http_field(r, "day");
    x.note = http_field(r, "note");
    if (!s && (!x.day || !*x.day)) s = err_field(e, ST_INVALID, "day", "请填写选举日期 day（YYYY-MM-DD）。");
    if (!s && x.note && strlen(x.note) > 600) s = err_field(e, ST_INVALID, "note", "备注 note 过长（最多 200 个字）。");
    if (!s) s = ca_posts(r, &posts, &x.n, e);
    const http_upload *u = s ? NULL : http_upload_get(r, "file");
    if (!s && !u) s = err_field(e, ST_INVALID, "file", "请上传选举的表决记录（表单字段 file：计票单或表决票的 PDF 或照片）。");
    if (!s) {
        x.posts = posts;
        x.file_path = u->path;
        x.file_name = u->filename;
        s = committee_store_elect(http_uc(r), id, &x, &eid, e);
    }
    return s ? s : ca_reply(r, 201, id, e);
}

static st h_vote_file(http_req *r, err *e) {
    int64_t id;
    const char *path, *mime, *name;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = committee_store_vote_record(http_uc(r), id, &path, &mime, &name, e);
    if (s) return s;
    return http_reply_file(r, path, mime, name, e);
}

static const char *ca_status_name(const char *s) {
    return !s ? "" : !strcmp(s, "overdue") ? "已到期未换届" : !strcmp(s, "due") ? "即将到期" : "任期内";
}

static st h_terms(http_req *r, err *e) {
    committee_term_filter f = {ca_q(r, "status"), 0, ca_q(r, "q")};
    st s = http_query_int(r, "org_id", 0, 1, INT64_MAX, &f.org_id, e);
    if (!s && f.q && strlen(f.q) > 90) s = err_field(e, ST_INVALID, "q", "名称关键词 q 过长（最多 30 个字）。");
    json_t *all = NULL, *items = NULL;
    int64_t total = 0;
    if (!s) s = committee_store_terms(http_uc(r), &f, &all, e);
    if (s) return s;
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
        json_object_set_new(it, "status_name", json_string(ca_status_name(json_string_value(json_object_get(it, "status")))));
    if ((s = http_page_array(r, all, "term_end", &items, &total, e))) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:i}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page,
                                             "size", (json_int_t)pg.size, "remind_days", (int)cfg_int("org-term-remind-days")));
}

static const http_sort_key ca_term_sort[] = {{"term_end", "term_end"},       {"name", "name", true},
                                             {"kind", "kind", true},         {"district_name", "district_name", true},
                                             {"elected_on", "elected_on"},   {"days_left", "days_left"},
                                             {"id", "id"},                   {NULL, NULL}};
#define CA_TERM_EXPORT                                                                                                     \
    "换届提醒|name:党组织|kind:类型|district_name:所在区|park_name:园区|secretary:书记|elected_on:上次选举（或成立）|"   \
    "term_end:任期届满|status_name:状态|days_over:已超期天数"

const http_route committee_routes[] = {
    {"GET", "/api/orgs/{id}/committee", "org.read", h_committee, HB_NONE,
     "党组织委员会：某日的书记、副书记和委员，任职历史，换届选举与任期", "org", "org:{id}"},
    {"POST", "/api/orgs/{id}/posts", "org.write", h_post_add, HB_JSON, "登记任职（书记、副书记、委员等；须为本组织正式党员）", "org",
     "org:{id}"},
    {"POST", "/api/org-posts/{id}/end", "org.write", h_post_end, HB_JSON, "结束任职", "org", "org_post:{id}"},
    {"POST", "/api/org-posts/{id}/link", "org.write", h_post_link, HB_JSON, "把未关联的任职人关联到党员名册", "org",
     "org_post:{id}"},
    {"POST", "/api/orgs/{id}/elections", "org.write", h_elect, HB_MULTIPART,
     "登记换届选举：新一届委员会及其职务、表决记录（上传），任期自选举日起算", "org", "org:{id}"},
    {"GET", "/api/org-elections/{id}/file", "org.read", h_vote_file, HB_NONE, "下载换届选举的表决记录（记入审计）", "org",
     "org_election:{id}", .download = true},
    {"GET", "/api/org/terms", "org.read", h_terms, HB_NONE, "换届提醒：本范围内任期已到期未换届和即将到期的党组织", "org",
     "org:?org_id", CA_TERM_EXPORT, ca_term_sort},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
