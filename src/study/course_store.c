/* course_store — the SQL of courses and online study (course_store.h). */
#include "study/course_store.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/files.h"
#include "core/config.h"
#include "core/utf8.h"
#include "ledger/table.h"
#include "member/member.h"
#include "member/member_store.h"
#include "member/roster.h"
#include "study/study_credit.h"
#include "db/db_like.h"

#define CS_FILES "course-files-dir"

int64_t course_interval(void) { return cfg_int("course-heartbeat-sec"); }

static const char *cs_actor(const uc *c) { return c->who.username ? c->who.username : "system"; }

static st cs_text(const char *v, const char *field, const char *what, size_t min, size_t max, err *e) {
    size_t n = v ? utf8_count(v, strlen(v)) : 0;
    if (n < min) return err_field(e, ST_INVALID, field, "请填写%s（至少 %zu 个字）。", what, min);
    if (n > max) return err_field(e, ST_INVALID, field, "%s过长（最多 %zu 个字）。", what, max);
    return ST_OK;
}

/* The fields of a course checked (create: all required). */
static st cs_check(const course_in *in, bool create, err *e) {
    st s = ST_OK;
    if (create && !course_kind_ok(in->kind))
        return err_field(e, ST_INVALID, "kind", "课程类型 kind 应为 article（文章）、pdf（PDF 文档）或 video（视频）。");
    if (create || in->title) s = cs_text(in->title, "title", "课程名称", 2, 100, e);
    if (!s && in->summary) s = cs_text(in->summary, "summary", "课程简介", 0, 500, e);
    if (!s && (create || in->category)) s = cs_text(in->category, "category", "课程类别", 2, 20, e);
    if (!s && in->audience && !course_audience_ok(in->audience))
        s = err_field(e, ST_INVALID, "audience", "学习对象 audience 应为 all（全体党员）、committee（书记和支委）或 probationary（预备党员）。");
    if (!s && in->state && !course_state_ok(in->state))
        s = err_field(e, ST_INVALID, "state", "发布状态 state 应为 draft（草稿）、published（已发布）或 withdrawn（已撤下）。");
    if (!s && (create || in->minutes) && (in->minutes < 1 || in->minutes > 24 * 60))
        s = err_field(e, ST_INVALID, "minutes", "课程学时 minutes 须为 1 到 1440 分钟。");
    if (!s && in->required_year && in->required_year != -1 && (in->required_year < 2000 || in->required_year > 2100))
        s = err_field(e, ST_INVALID, "required_year", "必修年度 required_year 应为四位年份，如 2026。");
    if (!s && in->duration_sec && (in->duration_sec < 1 || in->duration_sec > 24 * 3600))
        s = err_field(e, ST_INVALID, "duration_sec", "视频时长 duration_sec 须为 1 秒到 24 小时。");
    return s;
}

static st cs_body(uc *c, const char *html, const char **out, err *e) {
    *out = NULL;
    if (!html) return ST_OK;
    buf b;
    buf_init(&b, 2u << 20);
    st s = course_sanitize(html, strlen(html), &b, e);
    if (!s) *out = arena_strdup(c->mem, b.data ? b.data : "");
    buf_free(&b);
    if (!s && !*out) s = err_set(e, ST_NOMEM, "内存不足。");
    return s;
}

/* Where a new course is kept: a district office's own district; the city's
 * (NULL) or a district the city names. */
static st cs_place(uc *c, const char *given, const char **district, err *e) {
    *district = NULL;
    const char *kind = c->who.scope_kind ? c->who.scope_kind : "city";
    if (!strcmp(kind, "district")) {
        *district = c->who.scope_code;
        return ST_OK;
    }
    if (strcmp(kind, "city")) return err_set(e, ST_FORBIDDEN, "只有市委组织部和区委组织部可以维护课程。");
    if (!given || !*given) return ST_OK;
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM region WHERE code = $1 AND kind = 'district'", e, "t", given);
    if (s) return s;
    if (!n) return err_field(e, ST_INVALID, "district", "没有代码为 %s 的区：课程只能由全市或某个区维护。", given);
    *district = given;
    return ST_OK;
}

st course_store_create(uc *c, const course_in *in, int64_t *id, err *e) {
    *id = 0;
    const char *body = NULL, *district = NULL;
    st s = cs_check(in, true, e);
    if (!s && !strcmp(in->kind, "article") && !in->body) s = err_field(e, ST_INVALID, "body", "请填写文章正文。");
    if (!s) s = cs_body(c, in->body, &body, e);
    if (!s && body && !strcmp(in->kind, "article") && utf8_count(body, strlen(body)) < 2) s = err_field(e, ST_INVALID, "body", "文章正文为空。");
    if (!s) s = cs_place(c, in->district, &district, e);
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO course(kind, title, summary, category, audience, minutes, required_year, state, district_code, body, "
                     "duration_sec, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) "
                     "RETURNING id",
                     e, "tttttiittti" "ti", in->kind, in->title, in->summary, in->category, in->audience ? in->audience : "all", in->minutes,
                     in->required_year > 0 ? in->required_year : (int64_t)0, in->state ? in->state : "draft", district,
                     strcmp(in->kind, "article") ? NULL : body, in->duration_sec, cs_actor(c), clock_now());
    if (!s && in->required_year <= 0) s = db_run(c->d, "UPDATE course SET required_year = NULL WHERE id = $1", e, "i", *id);
    if (!s && !in->duration_sec) s = db_run(c->d, "UPDATE course SET duration_sec = NULL WHERE id = $1", e, "i", *id);
    uc_act a = {"course.create", *id ? uc_obj(c, "course", *id) : NULL, in->title};
    return uc_end(c, s, &a, e);
}

/* The course as the office's routes name it (its kind and title); ST_NOT_FOUND when none. */
static st cs_head(uc *c, int64_t id, const char **kind, const char **title, const char **sha, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT kind, title, file_sha FROM course WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的课程。", (long long)id);
    }
    if (kind) *kind = arena_strdup(c->mem, json_string_value(json_object_get(r, "kind")));
    if (title) *title = arena_strdup(c->mem, json_string_value(json_object_get(r, "title")));
    if (sha) *sha = json_string_value(json_object_get(r, "file_sha")) ? arena_strdup(c->mem, json_string_value(json_object_get(r, "file_sha"))) : NULL;
    json_decref(rows);
    return ST_OK;
}

st course_store_update(uc *c, int64_t id, const course_in *in, err *e) {
    const char *kind = NULL, *title = NULL, *sha = NULL, *body = NULL;
    st s = cs_check(in, false, e);
    if (!s) s = cs_head(c, id, &kind, &title, &sha, e);
    if (!s) s = scope_check_id(c, "course", id, e);
    if (!s && in->body && strcmp(kind, "article")) s = err_field(e, ST_INVALID, "body", "只有文章类课程有正文；PDF 和视频请上传文件。");
    if (!s) s = cs_body(c, in->body, &body, e);
    if (!s && in->state && !strcmp(in->state, "published") && strcmp(kind, "article") && !sha)
        s = err_field(e, ST_INVALID, "state", "课程“%s”还没有上传%s，不能发布：请先上传文件。", title, strcmp(kind, "pdf") ? "视频" : "PDF 文档");
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    s = db_run(c->d,
               "UPDATE course SET title = COALESCE($2, title), summary = COALESCE($3, summary), category = COALESCE($4, category), "
               "audience = COALESCE($5, audience), state = COALESCE($6, state), body = COALESCE($7, body), "
               "minutes = CASE WHEN $8 > 0 THEN $8 ELSE minutes END, "
               "required_year = CASE WHEN $9 > 0 THEN $9 WHEN $9 = -1 THEN NULL ELSE required_year END, "
               "duration_sec = CASE WHEN $10 > 0 THEN $10 ELSE duration_sec END, updated_at = $11 WHERE id = $1",
               e, "ittttttiiii", id, in->title, in->summary, in->category, in->audience, in->state, body, in->minutes, in->required_year,
               in->duration_sec, clock_now());
    uc_act a = {"course.update", uc_obj(c, "course", id), in->title ? in->title : title};
    s = uc_end(c, s, &a, e);
    /* withdrawn, or its length changed: the sessions held here are judged from the row again */
    if (!s && ((in->state && strcmp(in->state, "published")) || in->minutes > 0 || in->duration_sec > 0)) course_store_forget_course(id);
    return s;
}

/* The type of an upload by its first bytes. */
static const char *cs_mime(const unsigned char *h, size_t n, const char *kind) {
    if (!strcmp(kind, "pdf")) return n >= 5 && !memcmp(h, "%PDF-", 5) ? "application/pdf" : NULL;
    if (n >= 12 && !memcmp(h + 4, "ftyp", 4)) return "video/mp4";
    if (n >= 4 && h[0] == 0x1A && h[1] == 0x45 && h[2] == 0xDF && h[3] == 0xA3) return "video/webm";
    if (n >= 4 && !memcmp(h, "OggS", 4)) return "video/ogg";
    return NULL;
}

st course_store_upload(uc *c, int64_t id, const char *path, const char *filename, int64_t duration_sec, err *e) {
    const char *kind = NULL, *title = NULL;
    st s = cs_head(c, id, &kind, &title, NULL, e);
    if (!s) s = scope_check_id(c, "course", id, e);
    if (s) return s;
    if (!strcmp(kind, "article")) return err_field(e, ST_INVALID, "file", "文章类课程不上传文件：请直接编辑正文。");
    int64_t size = 0;
    unsigned char head[64];
    size_t nhead = 0;
    char sha[65];
    if ((s = files_digest(path, &size, head, sizeof head, &nhead, sha, e))) return s;
    if (size <= 0) return err_field(e, ST_INVALID, "file", "上传的是空文件：请重新选择文件。");
    const char *mime = cs_mime(head, nhead, kind);
    if (!mime)
        return err_field(e, ST_INVALID, "file", "%s（按文件内容判断，与文件名无关）：请选择正确的文件。",
                         !strcmp(kind, "pdf") ? "PDF 课程须上传 PDF 文档" : "视频课程须上传 MP4、WebM 或 Ogg 视频");
    if (!strcmp(kind, "video") && duration_sec <= 0)
        return err_field(e, ST_INVALID, "duration_sec", "请填写视频时长 duration_sec（秒）：它是该视频最多可计入的学习时间。");
    if (duration_sec > 24 * 3600) return err_field(e, ST_INVALID, "duration_sec", "视频时长 duration_sec 最多 24 小时。");
    const char *name = filename && *filename ? filename : "课程文件";
    if (utf8_count(name, strlen(name)) > 120) return err_field(e, ST_INVALID, "file", "文件名最多 120 个字：请改名后再上传。");
    if ((s = files_put(c, CS_FILES, path, sha, e))) return s;
    if ((s = uc_begin(c, e))) return s;
    s = db_run(c->d,
               "UPDATE course SET file_sha = $2, file_name = $3, file_size = $4, file_mime = $5, "
               "duration_sec = CASE WHEN $6 > 0 THEN $6 ELSE duration_sec END, updated_at = $7 WHERE id = $1",
               e, "ittitii", id, sha, name, size, mime, duration_sec, clock_now());
    uc_act a = {"course.upload", uc_obj(c, "course", id), arena_printf(c->mem, "%s：%s", title, name)};
    return uc_end(c, s, &a, e);
}

#define CS_COLS                                                                                                              \
    "SELECT c.id, c.kind, c.title, c.summary, c.category, c.audience, c.minutes, c.required_year, c.state, c.district_code, "   \
    "r.name AS district_name, c.file_name, c.file_size, c.file_mime, c.duration_sec, c.created_by, c.created_at, c.updated_at, " \
    "(SELECT COUNT(*) FROM course_progress g WHERE g.course_id = c.id) AS learners "                                          \
    "FROM course c LEFT JOIN region r ON r.code = c.district_code "
#define CS_WHERE                                                                                                             \
    "WHERE " SCOPE_COND("$1", "$2", "c.district_code", "NULL", "NULL", "NULL", "NULL")                                        \
    " AND (CAST($3 AS TEXT) = '' OR c.kind = $3) AND (CAST($4 AS TEXT) = '' OR c.state = $4) "                                 \
    "AND (CAST($5 AS TEXT) = '' OR c.category = $5) AND (CAST($6 AS TEXT) = '' OR c.title LIKE $6 ESCAPE '\\') "                           \
    "AND (CAST($7 AS BIGINT) = 0 OR c.required_year = $7)"

st course_store_list(uc *c, const course_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *like = f->q && *f->q ? db_like(c->mem, f->q) : "";
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM course c " CS_WHERE, e, "tttttti", k, code, f->kind ? f->kind : "",
                        f->state ? f->state : "", f->category ? f->category : "", like, f->required_year);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $8 OFFSET $9", CS_COLS CS_WHERE,
                                   p && p->order ? p->order : "q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "tttttti" "ii", k, code, f->kind ? f->kind : "", f->state ? f->state : "",
                         f->category ? f->category : "", like, f->required_year, p ? p->limit : 50, p ? p->offset : 0);
}

st course_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, CS_COLS "WHERE c.id = $1", e, "i", id);
    if (s) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的课程。", (long long)id);
    json_t *more = NULL;
    s = db_query_json(c->d, &more,
                      "SELECT c.body, (SELECT COALESCE(SUM(g.seconds), 0) FROM course_progress g WHERE g.course_id = c.id) AS seconds "
                      "FROM course c WHERE c.id = $1",
                      e, "i", id);
    if (!s) json_object_update(o, json_array_get(more, 0));
    json_decref(more);
    if (s) json_decref(o);
    else *out = o;
    return s;
}

/* ---- the member ---- */

/* The logged-in member: their person, district, category, and whether they
 * are their branch's secretary or on its committee. */
typedef struct cs_me {
    int64_t person;
    const char *district, *category;
    int64_t committee;
} cs_me;

static st cs_me_load(uc *c, cs_me *m, err *e) {
    memset(m, 0, sizeof *m);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT p.id, m.district_code, m.category, "
                      "CASE WHEN u.role = 'secretary' OR o.committee LIKE '%\"' || p.name || '\"%' THEN 1 ELSE 0 END "
                      "FROM person p JOIN member m ON m.person_id = p.id JOIN org o ON o.id = m.org_id JOIN users u ON u.id = p.user_id "
                      "WHERE p.user_id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, c->who.user_id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        m->person = db_col_int(q, 0);
        m->district = db_col_null(q, 1) ? "" : arena_strdup(c->mem, db_col_text(q, 1));
        m->category = arena_strdup(c->mem, db_col_text(q, 2));
        m->committee = db_col_int(q, 3);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "您的账号没有关联党员档案，不能在线学习：请联系所在党组织核对。");
    return ST_OK;
}

/* The courses published for the member (their columns as the member sees them, with their progress). */
#define CS_MINE_COLS                                                                                                          \
    "SELECT c.id, c.kind, c.title, c.summary, c.category, c.audience, c.minutes, c.required_year, c.duration_sec, c.file_mime, " \
    "c.updated_at, COALESCE(CASE WHEN s.course_id = c.id THEN s.course_seconds END, g.seconds, 0) AS seconds, "                 \
    "COALESCE(CASE WHEN s.course_id = c.id THEN s.position END, g.position, 0) AS position, "                                   \
    "COALESCE(CASE WHEN s.course_id = c.id THEN s.last_at END, g.updated_at) AS studied_at "                                    \
    "FROM course c LEFT JOIN course_progress g ON g.course_id = c.id AND g.person_id = $1 "                                     \
    "LEFT JOIN course_session s ON s.person_id = $1 "
#define CS_MINE_WHERE                                                                                                         \
    "WHERE c.state = 'published' AND (c.district_code IS NULL OR c.district_code = $2) "                                       \
    "AND (c.audience = 'all' OR (c.audience = 'committee' AND $3 = 1) OR (c.audience = 'probationary' AND c.audience = $4)) "

static void cs_mine_words(json_t *o) {
    const char *kind = json_string_value(json_object_get(o, "kind"));
    int64_t cap = course_cap_seconds(kind, json_integer_value(json_object_get(o, "minutes")),
                                     json_integer_value(json_object_get(o, "duration_sec")));
    int64_t sec = json_integer_value(json_object_get(o, "seconds"));
    json_object_set_new(o, "cap", json_integer(cap));
    json_object_set_new(o, "done", json_boolean(sec >= cap));
}

static void cs_overlay(uc *c, int64_t id, json_t *o);

st course_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    cs_me m;
    char today[11];
    clock_day(clock_now(), today);
    int year = atoi(today);
    st s = cs_me_load(c, &m, e);
    if (s == ST_NOT_FOUND) {   /* an account without a member's record: nothing to study here */
        err_clear(e);
        *out = json_pack("{s:i,s:b,s:[],s:i,s:[],s:[],s:I,s:I}", "year", year, "member", 0, "required", "required_done", 0, "recent",
                         "categories", "interval", (json_int_t)course_interval(), "daily_cap_min", (json_int_t)cfg_int("course-daily-cap-min"));
        return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
    if (s) return s;
    json_t *rows = NULL;
    const char *aud = !strcmp(m.category, "预备党员") ? "probationary" : "-";
    s = db_query_json(c->d, &rows, CS_MINE_COLS CS_MINE_WHERE "ORDER BY c.category, c.id DESC", e, "itit", m.person, m.district,
                      m.committee, aud);
    if (s) return s;
    json_t *required = json_array(), *recent = json_array(), *cats = json_array();
    json_t *last_cat = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        cs_overlay(c, json_integer_value(json_object_get(r, "id")), r);   /* the session held here, if any */
        if (json_integer_value(json_object_get(r, "required_year")) == year) json_array_append(required, r);
        if (json_integer_value(json_object_get(r, "seconds")) > 0 || json_real_value(json_object_get(r, "position")) > 0)
            json_array_append(recent, r);
        const char *cat = json_string_value(json_object_get(r, "category"));
        if (!last_cat || strcmp(json_string_value(json_object_get(last_cat, "category")), cat)) {
            last_cat = json_pack("{s:s,s:[]}", "category", cat, "courses");
            json_array_append_new(cats, last_cat);
        }
        json_array_append(json_object_get(last_cat, "courses"), r);
    }
    /* continue where I stopped: the latest studied first, at most five */
    size_t n = json_array_size(recent);
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0; b--) {
            json_t *x = json_array_get(recent, b - 1), *y = json_array_get(recent, b);
            if (json_integer_value(json_object_get(x, "studied_at")) >= json_integer_value(json_object_get(y, "studied_at"))) break;
            json_incref(x);
            json_array_set(recent, b - 1, y);
            json_array_set_new(recent, b, x);
        }
    while (json_array_size(recent) > 5) json_array_remove(recent, json_array_size(recent) - 1);
    json_decref(rows);
    int64_t done = 0;
    json_array_foreach(required, i, r) done += json_is_true(json_object_get(r, "done"));
    *out = json_pack("{s:i,s:b,s:o,s:I,s:o,s:o,s:I,s:I}", "year", year, "member", 1, "required", required, "required_done", (json_int_t)done, "recent",
                     recent, "categories", cats, "interval", (json_int_t)course_interval(), "daily_cap_min",
                     (json_int_t)cfg_int("course-daily-cap-min"));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* One course published for the member, or ST_NOT_FOUND. */
static st cs_mine_row(uc *c, const cs_me *m, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL;
    const char *aud = !strcmp(m->category, "预备党员") ? "probationary" : "-";
    st s = db_query_json(c->d, &rows, CS_MINE_COLS CS_MINE_WHERE "AND c.id = $5", e, "ititi", m->person, m->district, m->committee, aud,
                         id);
    if (s) return s;
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!*out) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的课程，或该课程未向您发布。", (long long)id);
    cs_mine_words(*out);
    return ST_OK;
}

st course_store_mine_get(uc *c, int64_t id, json_t **out, err *e) {
    cs_me m;
    st s = cs_me_load(c, &m, e);
    if (!s) s = cs_mine_row(c, &m, id, out, e);
    if (s) return s;
    json_t *b = NULL;
    if ((s = db_query_json(c->d, &b, "SELECT body FROM course WHERE id = $1", e, "i", id))) {
        json_decref(*out);
        *out = NULL;
        return s;
    }
    json_object_update(*out, json_array_get(b, 0));
    json_decref(b);
    json_object_set_new(*out, "interval", json_integer(course_interval()));
    cs_overlay(c, id, *out);
    return ST_OK;
}

st course_store_file(uc *c, int64_t id, bool mine, const char **path, const char **mime, int64_t *size, err *e) {
    *path = *mime = NULL;
    *size = 0;
    if (mine) {
        cs_me m;
        json_t *o = NULL;
        st s = cs_me_load(c, &m, e);
        if (!s) s = cs_mine_row(c, &m, id, &o, e);
        json_decref(o);
        if (s) return s;
    }
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT file_sha, file_mime, file_size FROM course WHERE id = $1 AND file_sha IS NOT NULL", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) {
        *path = files_local(c, CS_FILES, json_string_value(json_object_get(r, "file_sha")));
        *mime = arena_strdup(c->mem, json_string_value(json_object_get(r, "file_mime")));
        *size = json_integer_value(json_object_get(r, "file_size"));
    }
    json_decref(rows);
    if (!r) return err_set(e, ST_NOT_FOUND, "课程 %lld 还没有上传文件。", (long long)id);
    return *path && *mime ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* The member's session written back to the progress of its course. */
static st cs_flush(uc *c, int64_t person, int64_t now, err *e) {
    return db_run(c->d,
                  "INSERT INTO course_progress(person_id, course_id, seconds, pending, position, updated_at) "
                  "SELECT person_id, course_id, course_seconds, pending, position, $2 FROM course_session WHERE person_id = $1 "
                  "ON CONFLICT (person_id, course_id) DO UPDATE SET seconds = excluded.seconds, pending = excluded.pending, "
                  "position = excluded.position, updated_at = excluded.updated_at",
                  e, "ii", person, now);
}

static st cs_settle(uc *c, err *e);

st course_store_open(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    cs_me m;
    json_t *row = NULL;
    st s = cs_me_load(c, &m, e);
    if (!s) s = cs_mine_row(c, &m, id, &row, e);
    if (s) return s;
    arena_json(c->mem, row);
    int64_t now = clock_now();
    char today[11];
    clock_day(now, today);
    unsigned char rnd[16];
    char token[33];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(token, sizeof token, rnd, sizeof rnd);
    if ((s = uc_begin(c, e))) return s;
    s = cs_settle(c, e);   /* the session held in memory here, written first (this act's row covers it) */
    if (!s) s = cs_flush(c, m.person, now, e);
    int64_t day_sec = 0;
    if (!s) {
        s = db_query_int(c->d, &day_sec, "SELECT day_seconds FROM course_session WHERE person_id = $1 AND day = $2", e, "it", m.person, today);
        if (s == ST_NOT_FOUND) {
            err_clear(e);
            s = ST_OK;
            day_sec = 0;
        }
    }
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO course_session(person_id, course_id, token, seq, last_at, day, day_seconds, course_seconds, pending, position, opened_at) "
                   "SELECT $1, $2, $3, 0, $4, $5, $6, COALESCE(MAX(g.seconds), 0), COALESCE(MAX(g.pending), 0), COALESCE(MAX(g.position), 0), $4 "
                   "FROM course_progress g WHERE g.person_id = $1 AND g.course_id = $2 "
                   "ON CONFLICT (person_id) DO UPDATE SET course_id = excluded.course_id, token = excluded.token, seq = 0, "
                   "last_at = excluded.last_at, day = excluded.day, day_seconds = excluded.day_seconds, course_seconds = excluded.course_seconds, "
                   "pending = excluded.pending, position = excluded.position, opened_at = excluded.opened_at",
                   e, "iititi", m.person, id, token, now, today, day_sec);
    uc_act a = {"course.open", uc_obj(c, "course", id), json_string_value(json_object_get(row, "title"))};
    if ((s = uc_end(c, s, &a, e))) return s;
    *out = json_pack("{s:s,s:I,s:I,s:O,s:O,s:O}", "token", token, "course_id", (json_int_t)id, "interval", (json_int_t)course_interval(),
                     "position", json_object_get(row, "position"), "seconds", json_object_get(row, "seconds"), "cap",
                     json_object_get(row, "cap"));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- the open sessions in memory ----
 * A heartbeat is answered from this table (one entry per logged-in member with an open session, keyed by
 * user; one mutex), by exactly the rules of course.h; the session's row (course_session) and ONE audit row
 * are written only on a flush: a pause (the page hidden or closed), every course-flush-beats heartbeats,
 * course-flush-sec after the last flush, a new day, a new course opened (course_store_open) and the server's
 * stop (course_store_flush_all).  A crash loses at most course-flush-beats heartbeats' time.
 * Several servers: the row is the truth at each flush; a server that does not hold the session loads it
 * from the row.  A flush is a guarded UPDATE on the sequence number the server loaded or last wrote (and
 * the token): when another server flushed meanwhile it matches nothing, the stale server drops its copy
 * and what it had not written, loads the row again and judges the heartbeat against it — the same seconds
 * are never credited twice (whoever flushes first keeps them). */
enum { CS_BUCKETS = 4096 };
typedef struct cs_live {
    struct cs_live *next;
    int64_t user_id, person, course;
    char token[33];
    int64_t seq;                /* the last accepted heartbeat */
    int64_t db_seq;             /* the row's seq when loaded or last written: the flush's guard */
    int64_t last_at, day_sec, course_sec, pending, cap;
    double position;
    char day[11];
    char category[128];
    bool published;
    struct {
        char day[11];
        int64_t minutes;
    } due[2];                   /* whole minutes credited since the last flush, not yet in the ledger (by day) */
    int64_t beats, flushed_at;  /* accepted since the last flush; when it was */
    char username[64], role[32];  /* whose (the audit row of a flush at the stop) */
} cs_live;

static pthread_mutex_t cs_mu = PTHREAD_MUTEX_INITIALIZER;
static cs_live *cs_tab[CS_BUCKETS];

/* (under cs_mu) */
static cs_live **cs_slot(int64_t user) { return &cs_tab[(uint64_t)user % CS_BUCKETS]; }
static cs_live *cs_find(int64_t user) {
    for (cs_live *l = *cs_slot(user); l; l = l->next)
        if (l->user_id == user) return l;
    return NULL;
}
static void cs_drop(int64_t user) {
    for (cs_live **p = cs_slot(user); *p; p = &(*p)->next)
        if ((*p)->user_id == user) {
            cs_live *l = *p;
            *p = l->next;
            free(l);
            return;
        }
}
static bool cs_put(const cs_live *v) {
    cs_live *l = cs_find(v->user_id);
    if (!l) {
        if (!(l = malloc(sizeof *l))) return false;
        *l = *v;
        l->next = *cs_slot(v->user_id);
        *cs_slot(v->user_id) = l;
        return true;
    }
    cs_live *nx = l->next;
    *l = *v;
    l->next = nx;
    return true;
}
static bool cs_unwritten(const cs_live *l) { return l->seq > l->db_seq || l->due[0].minutes || l->due[1].minutes; }

static st cs_refused(err *e, const char *code, const char *msg) {
    st s = err_set(e, ST_CONFLICT, "%s", msg);
    snprintf(e->api_code, sizeof e->api_code, "%s", code);
    return s;
}

/* The member's session from its row (ST_NOT_FOUND: none). */
static st cs_load(uc *c, cs_live *v, err *e) {
    memset(v, 0, sizeof *v);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT s.person_id, s.course_id, s.token, s.seq, s.last_at, s.day, s.day_seconds, s.course_seconds, s.pending, "
                      "c.kind, c.minutes, c.duration_sec, c.category, c.state, s.position "
                      "FROM person p JOIN course_session s ON s.person_id = p.id JOIN course c ON c.id = s.course_id WHERE p.user_id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, c->who.user_id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        v->user_id = c->who.user_id;
        snprintf(v->username, sizeof v->username, "%s", c->who.username ? c->who.username : "");
        snprintf(v->role, sizeof v->role, "%s", c->who.role ? c->who.role : "");
        v->person = db_col_int(q, 0);
        v->course = db_col_int(q, 1);
        snprintf(v->token, sizeof v->token, "%s", db_col_text(q, 2));
        v->seq = v->db_seq = db_col_int(q, 3);
        v->last_at = db_col_int(q, 4);
        snprintf(v->day, sizeof v->day, "%s", db_col_text(q, 5));
        v->day_sec = db_col_int(q, 6);
        v->course_sec = db_col_int(q, 7);
        v->pending = db_col_int(q, 8);
        v->cap = course_cap_seconds(db_col_text(q, 9), db_col_int(q, 10), db_col_null(q, 11) ? 0 : db_col_int(q, 11));
        snprintf(v->category, sizeof v->category, "%s", db_col_text(q, 12));
        v->published = !strcmp(db_col_text(q, 13), "published");
        v->position = db_col_double(q, 14);
        v->flushed_at = clock_now();
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : ST_NOT_FOUND;
}

/* Write a session held in memory: its row, guarded (ST_CONFLICT api_code "stale" when another server or
 * an opening wrote it since, or the course was withdrawn), the minutes it credited to the ledger, the
 * progress of its course.  Inside the caller's act. */
static st cs_write(uc *c, const cs_live *v, err *e) {
    int64_t done = 0;
    st s = db_query_int(c->d, &done,
                        "UPDATE course_session SET seq = $3, last_at = $4, day = $5, day_seconds = $6, course_seconds = $7, pending = $8, "
                        "position = $9 WHERE person_id = $1 AND token = $2 AND seq = $10 AND course_id = $11 "
                        "AND EXISTS (SELECT 1 FROM course k WHERE k.id = $11 AND k.state = 'published') RETURNING person_id",
                        e, "itiitiiidii", v->person, v->token, v->seq, v->last_at, v->day, v->day_sec, v->course_sec, v->pending,
                        v->position, v->db_seq, v->course);
    if (s == ST_NOT_FOUND) return cs_refused(e, "stale", "学习会话已在别处更新，本服务器的计时作废，请重试。");
    for (int i = 0; i < 2 && !s; i++)
        if (v->due[i].minutes > 0) {
            study_credit k = {.person_id = v->person, .day = v->due[i].day, .minutes = v->due[i].minutes, .category = v->category,
                              .source = "online", .source_id = v->course};
            s = study_credit_add(c, &k, e);
        }
    if (!s) s = cs_flush(c, v->person, clock_now(), e);
    return s;
}

static st cs_write_act(uc *c, void *arg, err *e) {
    const cs_live *v = arg;
    st s = uc_begin(c, e);
    if (s) return s;
    s = cs_write(c, v, e);
    uc_act a = {"course.heartbeat", uc_obj(c, "course", v->course),
                arena_printf(c->mem, "在线学习计时（第 %lld 次心跳写入）", (long long)v->seq)};
    return uc_end(c, s, &a, e);
}

/* A city's evening is thousands of flushes a minute, each one small write: committed in groups. */
static uc_batch cs_beat_batch = UC_BATCH_INIT;

/* A refused heartbeat: its audit row (as before the heartbeats were kept in memory), then the refusal. */
static st cs_refuse(uc *c, int64_t course, const char *code, const char *msg, err *e) {
    err e2;
    uc_act r = {"course.heartbeat", uc_obj(c, "course", course), code, "refused"};
    if (uc_audit(c, &r, &e2)) return err_set(e, e2.code, "%s", e2.msg);
    return cs_refused(e, code, msg);
}

#define CS_SUPERSEDED "您已在另一页面或另一课程开始学习，本页面不再计时：同一时间只计一门课程。请关闭本页面，或刷新后继续学习本课程。"
#define CS_REPLAYED "这次学习心跳已经收到过（序号重复），不再计时。"

st course_store_beat(uc *c, const course_beat_req *b, json_t **out, err *e) {
    *out = NULL;
    const int64_t uid = c->who.user_id;
    for (int attempt = 0;; attempt++) {
        pthread_mutex_lock(&cs_mu);
        cs_live *l = cs_find(uid);
        bool here = l && l->course == b->course_id && b->token && !strcmp(l->token, b->token);
        pthread_mutex_unlock(&cs_mu);
        if (!here) {   /* not held here, or another page's: the row decides */
            cs_live v;
            st s = cs_load(c, &v, e);
            if (s == ST_NOT_FOUND) {
                err_clear(e);
                return cs_refuse(c, b->course_id, "superseded", CS_SUPERSEDED, e);
            }
            if (s) return s;
            pthread_mutex_lock(&cs_mu);
            cs_live *o = cs_find(uid);
            bool ok = true;
            if (!o || strcmp(o->token, v.token) || o->db_seq < v.db_seq) ok = cs_put(&v);   /* keep a newer copy of the same */
            pthread_mutex_unlock(&cs_mu);
            if (!ok) return err_set(e, ST_NOMEM, "内存不足。");
        }
        int64_t now = clock_now();
        char today[11];
        clock_day(now, today);
        pthread_mutex_lock(&cs_mu);
        l = cs_find(uid);
        if (!l || l->course != b->course_id || !b->token || strcmp(l->token, b->token)) {
            pthread_mutex_unlock(&cs_mu);
            return cs_refuse(c, b->course_id, "superseded", CS_SUPERSEDED, e);
        }
        if (b->seq <= l->seq) {
            pthread_mutex_unlock(&cs_mu);
            return cs_refuse(c, b->course_id, "replayed", CS_REPLAYED, e);
        }
        if (!l->published) {
            pthread_mutex_unlock(&cs_mu);
            return cs_refuse(c, b->course_id, "withdrawn", "该课程已撤下，不再计时。", e);
        }
        bool new_day = strcmp(l->day, today) != 0;
        course_beat cb = {.now = now, .last_at = l->last_at, .max_gap = course_interval() + cfg_int("course-heartbeat-grace-sec"),
                          .day_seconds = new_day ? 0 : l->day_sec, .day_cap = cfg_int("course-daily-cap-min") * 60,
                          .course_seconds = l->course_sec, .course_cap = l->cap};
        int64_t got = course_beat_credit(&cb);
        bool gap = now - l->last_at > cb.max_gap;
        l->seq = b->seq;
        l->last_at = b->pause ? 0 : now;
        snprintf(l->day, sizeof l->day, "%s", today);
        l->day_sec = cb.day_seconds + got;
        l->course_sec += got;
        l->pending += got;
        int64_t credit_min = l->pending / 60;
        l->pending %= 60;
        l->position = b->position;
        l->beats++;
        if (credit_min > 0) {
            int i = !l->due[0].minutes || !strcmp(l->due[0].day, today) ? 0 : 1;
            snprintf(l->due[i].day, sizeof l->due[i].day, "%s", today);
            l->due[i].minutes += credit_min;
        }
        bool flush = b->pause || new_day || l->beats >= cfg_int("course-flush-beats") || now - l->flushed_at >= cfg_int("course-flush-sec");
        cs_live snap = *l;
        if (flush) {   /* taken by this request: what arrives meanwhile is the next flush's */
            l->beats = 0;
            memset(l->due, 0, sizeof l->due);
            l->flushed_at = now;
        }
        pthread_mutex_unlock(&cs_mu);
        if (flush) {
            st s = uc_batched(c, &cs_beat_batch, cs_write_act, &snap, e);
            pthread_mutex_lock(&cs_mu);
            l = cs_find(uid);
            if (!s && l && !strcmp(l->token, snap.token) && l->db_seq < snap.seq) l->db_seq = snap.seq;
            /* a paused page's session, all written: not kept (its next heartbeat, if any, loads the row) */
            if (!s && l && b->pause && !strcmp(l->token, snap.token) && !cs_unwritten(l)) cs_drop(uid);
            if (s && l && !strcmp(l->token, snap.token)) cs_drop(uid);   /* stale or failed: the row is the truth */
            pthread_mutex_unlock(&cs_mu);
            if (s == ST_CONFLICT && !strcmp(e->api_code, "stale") && attempt == 0) {
                err_clear(e);
                continue;   /* judged again against the row as written elsewhere */
            }
            if (s == ST_CONFLICT && !strcmp(e->api_code, "stale")) {
                err_clear(e);
                return cs_refuse(c, b->course_id, "superseded", CS_SUPERSEDED, e);
            }
            if (s) return s;
        }
        *out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:I}", "credited", (json_int_t)got, "seconds", (json_int_t)snap.course_sec, "cap",
                         (json_int_t)snap.cap, "day_seconds", (json_int_t)snap.day_sec, "day_cap", (json_int_t)cb.day_cap, "minutes_credited",
                         (json_int_t)credit_min, "gap", gap, "seq", (json_int_t)b->seq);
        return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
}

/* The member's session held here, written inside the caller's act (an opening) and forgotten. */
static st cs_settle(uc *c, err *e) {
    cs_live snap;
    bool have = false;
    pthread_mutex_lock(&cs_mu);
    cs_live *l = cs_find(c->who.user_id);
    if (l) {
        snap = *l;
        have = true;
        cs_drop(c->who.user_id);
    }
    pthread_mutex_unlock(&cs_mu);
    if (!have || !cs_unwritten(&snap)) return ST_OK;
    st s = cs_write(c, &snap, e);
    if (s == ST_CONFLICT && !strcmp(e->api_code, "stale")) {   /* written elsewhere since: that copy is the truth */
        err_clear(e);
        s = ST_OK;
    }
    return s;
}

/* The course's progress as this server holds it (the row lags by what is not flushed yet). */
static void cs_overlay(uc *c, int64_t id, json_t *o) {
    pthread_mutex_lock(&cs_mu);
    cs_live *l = cs_find(c->who.user_id);
    if (l && l->course == id) {
        json_object_set_new(o, "seconds", json_integer(l->course_sec));
        json_object_set_new(o, "position", json_real(l->position));
        if (l->last_at > json_integer_value(json_object_get(o, "studied_at"))) json_object_set_new(o, "studied_at", json_integer(l->last_at));
    }
    pthread_mutex_unlock(&cs_mu);
    cs_mine_words(o);
}

void course_store_forget_course(int64_t course) {
    pthread_mutex_lock(&cs_mu);
    for (int i = 0; i < CS_BUCKETS; i++)
        for (cs_live **p = &cs_tab[i]; *p;) {
            if ((*p)->course == course) {
                cs_live *l = *p;
                *p = l->next;
                free(l);
            } else {
                p = &(*p)->next;
            }
        }
    pthread_mutex_unlock(&cs_mu);
}

st course_store_flush_all(db *d, int64_t *written, err *e) {
    *written = 0;
    pthread_mutex_lock(&cs_mu);
    cs_live *all = NULL;
    for (int i = 0; i < CS_BUCKETS; i++)
        while (cs_tab[i]) {
            cs_live *l = cs_tab[i];
            cs_tab[i] = l->next;
            l->next = all;
            all = l;
        }
    pthread_mutex_unlock(&cs_mu);
    st first = ST_OK;
    for (cs_live *l = all, *nx; l; l = nx) {
        nx = l->next;
        if (cs_unwritten(l)) {
            arena mem;
            arena_init(&mem, 0);
            uc c;
            uc_cli(&c, d, &mem);
            c.who.user_id = l->user_id;   /* the member's heartbeats, written for them at the stop */
            c.who.username = l->username;
            c.who.role = l->role;
            c.who.scope_kind = "self";
            c.who.scope_code = "0";
            err e2;
            st s = uc_begin(&c, &e2);
            if (!s) s = cs_write(&c, l, &e2);
            uc_act a = {"course.heartbeat", uc_obj(&c, "course", l->course),
                        arena_printf(&mem, "服务器停止：写入党员 %lld 在线学习计时（第 %lld 次心跳）", (long long)l->person, (long long)l->seq)};
            s = uc_end(&c, s, &a, &e2);
            if (!s) (*written)++;
            else if (!(s == ST_CONFLICT && !strcmp(e2.api_code, "stale")) && !first) first = err_set(e, s, "%s", e2.msg);
            arena_free(&mem);
        }
        free(l);
    }
    return first;
}

/* ---- offline hours ---- */

st course_store_offline(uc *c, const course_offline_in *in, int64_t *id, json_t **report, err *e) {
    *id = 0;
    if (report) *report = NULL;
    char day[11], today[11];
    clock_day(clock_now(), today);
    st s = cs_text(in->title, "title", "学习内容（如 党课：学习党章）", 2, 100, e);
    if (!s) s = cs_text(in->category, "category", "学时类别", 2, 20, e);
    if (!s && (!in->day || !member_day_parse(in->day, day))) s = err_field(e, ST_INVALID, "day", "学习日期 day 无效，应为 YYYY-MM-DD。");
    if (!s && strcmp(day, today) > 0) s = err_field(e, ST_INVALID, "day", "学习日期 %s 晚于今天，请核对。", day);
    if (!s && (in->minutes < 1 || in->minutes > 24 * 60)) s = err_field(e, ST_INVALID, "minutes", "学时 minutes 须为 1 到 1440 分钟。");
    if (!s && in->npersons == 0) s = err_field(e, ST_INVALID, "person_ids", "请选择参加学习的党员。");
    if (!s && in->npersons > 5000) s = err_field(e, ST_INVALID, "person_ids", "一次最多登记 5000 名党员：请分批登记。");
    if (s) return s;
    const char *path = NULL, *district = NULL, *park = NULL;
    if (in->org_id) {
        if ((s = scope_check_id(c, "org", in->org_id, e))) return s;
        json_t *o = NULL;
        if ((s = db_query_json(c->d, &o, "SELECT path, district_code, park_code FROM org WHERE id = $1", e, "i", in->org_id))) return s;
        arena_json(c->mem, o);
        json_t *r = json_array_get(o, 0);
        path = json_string_value(json_object_get(r, "path"));
        district = json_string_value(json_object_get(r, "district_code"));
        park = json_string_value(json_object_get(r, "park_code"));
    } else if (c->who.scope_kind && !strcmp(c->who.scope_kind, "district")) {
        district = c->who.scope_code;
    }
    /* every member checked first: all or nothing */
    json_t *bad = json_array();
    for (size_t i = 0; i < in->npersons; i++) {
        int64_t p = in->persons[i];
        const char *why = NULL;
        for (size_t j = 0; j < i && !why; j++)
            if (in->persons[j] == p) why = "名单中重复出现";
        json_t *nm = NULL;
        if (!why) {
            if ((s = db_query_json(c->d, &nm, "SELECT name FROM member WHERE person_id = $1", e, "i", p))) {
                json_decref(bad);
                return s;
            }
            if (!json_array_size(nm)) why = "没有该党员";
        }
        if (!why) {
            err e2;
            if (scope_check_id(c, "member", p, &e2)) why = "不在您管理的范围内";
        }
        if (why)
            json_array_append_new(bad, json_pack("{s:I,s:s?,s:s}", "person_id", (json_int_t)p,
                                                 "name", nm ? json_string_value(json_object_get(json_array_get(nm, 0), "name")) : NULL,
                                                 "reason", why));
        json_decref(nm);
    }
    if (json_array_size(bad)) {
        s = err_field(e, ST_INVALID, "person_ids", "有 %zu 名党员不能登记（见明细），整批未登记：请改正名单后重新提交。", json_array_size(bad));
        if (report) *report = bad;
        else json_decref(bad);
        return s;
    }
    json_decref(bad);
    if ((s = uc_begin(c, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO course_offline(title, category, day, minutes, org_id, org_path, district_code, park_code, members, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, NULLIF(CAST($5 AS BIGINT), 0), $6, $7, $8, $9, $10, $11) RETURNING id",
                     e, "tttiitttiti", in->title, in->category, day, in->minutes, in->org_id, path, district, park, (int64_t)in->npersons,
                     cs_actor(c), clock_now());
    for (size_t i = 0; i < in->npersons && !s; i++) {
        study_credit k = {.person_id = in->persons[i], .day = day, .minutes = in->minutes, .category = in->category,
                          .source = "offline", .source_id = *id, .note = in->title};
        s = study_credit_add(c, &k, e);
    }
    uc_act a = {"course.offline", *id ? uc_obj(c, "course_offline", *id) : NULL,
                arena_printf(c->mem, "%s（%zu 人，每人 %lld 分钟）", in->title, in->npersons, (long long)in->minutes)};
    return uc_end(c, s, &a, e);
}

st course_store_offline_import(uc *c, const course_offline_in *in, const char *path, int64_t *id, json_t **report, err *e) {
    *id = 0;
    *report = NULL;
    ledger_read_opts o = {.header_field = roster_header_field, .header_hint = "“姓名”“公民身份号码”",
                          .max_cell_text = (size_t)cfg_int("max-cell-text")};
    ledger_table *t = NULL;
    st s = ledger_table_read(path, &o, &t, e);
    if (s) return s;
    course_sheet_row *rows = NULL;
    int n = 0;
    s = course_sheet_rows(t, c->mem, &rows, &n, e);
    json_t *bad = json_array();
    int64_t *ids = s ? NULL : arena_alloc(c->mem, (size_t)(n + 1) * sizeof *ids);
    if (!s && !ids) s = err_set(e, ST_NOMEM, "内存不足。");
    size_t nids = 0;
    for (int i = 0; !s && i < n; i++) {
        const course_sheet_row *r = &rows[i];
        const char *why = r->refused;
        const char *name = r->name ? arena_strdup(c->mem, r->name) : NULL;
        int64_t p = 0;
        if (!why) {
            char key[33];
            json_t *m = NULL;
            if ((s = member_id_key(r->id18, key, e))) break;
            if ((s = db_query_json(c->d, &m, "SELECT p.id, m.name FROM person p JOIN member m ON m.person_id = p.id WHERE p.id_key = $1", e, "t",
                                   key)))
                break;
            json_t *row = json_array_get(m, 0);
            if (!row) why = "系统中没有该公民身份号码的党员";
            else {
                p = json_integer_value(json_object_get(row, "id"));
                const char *real = json_string_value(json_object_get(row, "name"));
                if (name && real && strcmp(name, real)) why = arena_printf(c->mem, "姓名与党员档案不符（档案中为“%s”）", real);
            }
            json_decref(m);
        }
        err e2;
        if (!why && scope_check_id(c, "member", p, &e2)) why = "不在您管理的范围内";
        if (why) json_array_append_new(bad, json_pack("{s:i,s:s?,s:s}", "row", r->sheet_row, "name", name, "reason", why));
        else ids[nids++] = p;
    }
    ledger_table_free(t);
    if (!s && json_array_size(bad)) {
        s = err_set(e, ST_INVALID, "表中有 %zu 行不能登记（见每行的原因），整个文件未登记：请改正后重新导入。", json_array_size(bad));
        *report = bad;
        return s;
    }
    json_decref(bad);
    if (s) return s;
    course_offline_in all = *in;
    all.persons = ids;
    all.npersons = nids;
    return course_store_offline(c, &all, id, report, e);
}

st course_store_offline_list(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
#define CO_WHERE "FROM course_offline o LEFT JOIN org g ON g.id = o.org_id WHERE " SCOPE_COND("$1", "$2", "o.district_code", "o.park_code", "o.org_path", "NULL", "NULL")
    st s = db_query_int(c->d, total, "SELECT COUNT(*) " CO_WHERE, e, "tt", k, code);
    if (s) return s;
    return db_query_json(c->d, items,
                         "SELECT o.id, o.title, o.category, o.day, o.minutes, o.members, o.org_id, g.name AS org_name, o.created_by, o.created_at "
                         CO_WHERE " ORDER BY o.id DESC LIMIT $3 OFFSET $4",
                         e, "ttii", k, code, p ? p->limit : 50, p ? p->offset : 0);
#undef CO_WHERE
}

const scope_resolver course_scope_resolvers[] = {
    /* a course: where it is kept (the city's: the city only) */
    {"course", true, false, "SELECT district_code, NULL, NULL, NULL, NULL FROM course WHERE id = CAST($1 AS BIGINT)", 0, false, false,
     NULL, "课程"},
    {NULL, false, false, NULL},
};
