/* meeting_photo_store — a meeting's photos (migration 0047; see meeting_store.h).
 *
 * An upload is checked by its content (meeting_photo_type: JPEG, PNG, WebP;
 * its width and height kept when its header gives them, meeting_photo_size),
 * its size (meeting-photo-max-bytes) and the meeting's count
 * (meeting-photo-max-count), kept by content outside the database
 * (base/files.h, meeting-files-dir) before its row is written, and audited
 * ("meeting.photo_add").  A removal keeps the row (removed_at, removed_by,
 * removed_reason; "meeting.photo_remove"); the file stays, since another
 * photo or the history may name the same content.  Once the record has
 * locked (rule-meeting-lock-days after a held meeting's day, meeting_locked)
 * adding or removing a photo is an amendment: it needs a reason, and a
 * meeting_amendment row keeps the photos before and after, as
 * meeting_store_amend keeps the record; without a reason it is refused
 * (409, code "locked") with a message saying so.  Viewing one is audited
 * ("meeting.photo.read").  All of this file's SQL is here. */
#include "meeting/meeting_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/files.h"
#include "core/config.h"
#include "core/utf8.h"

#define MP_SETTING "meeting-files-dir"


/* What a photo's use case needs of its meeting. */
typedef struct mp_meeting {
    int64_t id;
    const char *day, *kind;
    bool held, locked;
    int lock_days;
} mp_meeting;

static st mp_meeting_get(uc *c, int64_t id, mp_meeting *m, err *e) {
    memset(m, 0, sizeof *m);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT state, day, kind FROM meeting WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的会议。", (long long)id);
    }
    m->id = id;
    m->held = !strcmp(json_string_value(json_object_get(r, "state")), "held");
    m->day = arena_strdup(c->mem, json_string_value(json_object_get(r, "day")));
    m->kind = arena_strdup(c->mem, json_string_value(json_object_get(r, "kind")));
    json_decref(rows);
    if (!m->day || !m->kind) return err_set(e, ST_NOMEM, "内存不足。");
    char today[11];
    clock_day(clock_now(), today);
    m->lock_days = (int)cfg_int("rule-meeting-lock-days");
    m->locked = m->held && meeting_locked(m->day, today, m->lock_days);
    return scope_check_id(c, "meeting", id, e);
}

/* A locked record changes only by an amendment with its reason. */
static st mp_locked(uc *c, const mp_meeting *m, const char *reason, const char *what, err *e) {
    if (!m->locked || (reason && utf8_count(reason, strlen(reason)) >= 2)) return ST_OK;
    char last[11];
    meeting_day_add(m->day, m->lock_days, last);
    (void)c;
    st s = err_field(e, ST_CONFLICT, "reason",
                     "会议记录已于 %s 后锁定（会后 %d 天），%s照片属于更正记录：请填写更正理由 reason（至少 2 个字）后再提交，修改前后将记入更正记录。",
                     last, m->lock_days, what);
    snprintf(e->api_code, sizeof e->api_code, "locked");
    return s;
}

/* The live photos as the amendment keeps them: [{id, filename}], JSON text in c's memory. */
static st mp_snapshot(uc *c, int64_t id, const char **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT id, filename FROM meeting_photo WHERE meeting_id = $1 AND removed_at IS NULL ORDER BY id",
                         e, "i", id);
    if (s) return s;
    json_t *o = json_pack("{s:o}", "photos", rows);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    *out = t ? arena_strdup(c->mem, t) : NULL;
    free(t);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

static st mp_amendment(uc *c, int64_t id, const char *reason, const char *before, err *e) {
    const char *after = NULL;
    st s = mp_snapshot(c, id, &after, e);
    if (!s)
        s = db_run(c->d, "INSERT INTO meeting_amendment(meeting_id, reason, before_json, after_json, actor, at) VALUES ($1, $2, $3, $4, $5, $6)",
                   e, "itttti", id, reason, before, after, c->who.username ? c->who.username : "", clock_now());
    return s;
}

st meeting_store_photo_add(uc *c, int64_t id, const char *path, const char *filename, const char *reason, int64_t *photo, err *e) {
    *photo = 0;
    int64_t size = 0;
    enum { HEAD = 256 * 1024 };   /* a JPEG's frame header comes after its EXIF and colour profile segments */
    unsigned char *head = arena_alloc(c->mem, HEAD);
    size_t nhead = 0;
    char sha[65];
    if (!head) return err_set(e, ST_NOMEM, "内存不足。");
    st s = files_digest(path, &size, head, HEAD, &nhead, sha, e);
    if (s) return s;
    long max = cfg_int("meeting-photo-max-bytes");
    if (size <= 0) return err_field(e, ST_INVALID, "file", "上传的照片是空文件：请重新拍摄或选择照片。");
    if (size > max)
        return err_field(e, ST_INVALID, "file", "照片过大（%.1f MB），每张不超过 %.1f MB：请压缩或调低相机分辨率后再上传。",
                         (double)size / 1048576.0, (double)max / 1048576.0);
    const char *mime = meeting_photo_type(head, nhead);
    if (!mime) return err_field(e, ST_INVALID, "file", "会议照片须为 JPEG、PNG 或 WebP 图片（按文件内容判断，与文件名无关）：请选择照片文件。");
    const char *name = filename && *filename ? filename : "照片";
    if (utf8_count(name, strlen(name)) > 120) return err_field(e, ST_INVALID, "file", "照片文件名最多 120 个字：请改名后再上传。");
    if ((s = uc_begin(c, e))) return s;
    mp_meeting m;
    s = mp_meeting_get(c, id, &m, e);
    if (!s) s = mp_locked(c, &m, reason, "添加", e);
    int64_t have = 0, most = cfg_int("meeting-photo-max-count");
    if (!s) s = db_query_int(c->d, &have, "SELECT COUNT(*) FROM meeting_photo WHERE meeting_id = $1 AND removed_at IS NULL", e, "i", id);
    if (!s && have >= most)
        s = err_field(e, ST_CONFLICT, "file", "本次会议已有 %lld 张照片，达到上限（%lld 张，设置 meeting-photo-max-count）：请先删除不需要的照片。",
                      (long long)have, (long long)most);
    const char *before = NULL;
    if (!s && m.locked) s = mp_snapshot(c, id, &before, e);
    /* the bytes first: a row never names a file that is not there (a file without a row is harmless) */
    if (!s) s = files_put(c, MP_SETTING, path, sha, e);
    if (!s)
        s = db_query_int(c->d, photo,
                         "INSERT INTO meeting_photo(meeting_id, filename, mime, size, sha256, uploaded_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         e, "ittitti", id, name, mime, size, sha, c->who.username ? c->who.username : "-", clock_now());
    int w = 0, h = 0;
    if (!s && meeting_photo_size(head, nhead, &w, &h))
        s = db_run(c->d, "UPDATE meeting_photo SET width = $2, height = $3 WHERE id = $1", e, "iii", *photo, (int64_t)w, (int64_t)h);
    if (!s && m.locked) s = mp_amendment(c, id, reason, before, e);
    uc_act a = {"meeting.photo_add", uc_obj(c, "meeting", id),
                s || !m.locked ? arena_printf(c->mem, "上传照片“%s”", name)
                               : arena_printf(c->mem, "上传照片“%s”（更正：%s）", name, reason)};
    s = uc_end(c, s, &a, e);
    if (s) *photo = 0;
    return s;
}

st meeting_store_photo_remove(uc *c, int64_t id, int64_t photo, const char *reason, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    mp_meeting m;
    s = mp_meeting_get(c, id, &m, e);
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows, "SELECT filename, removed_at FROM meeting_photo WHERE id = $1 AND meeting_id = $2", e, "ii",
                              photo, id);
    json_t *r = s ? NULL : json_array_get(rows, 0);
    const char *name = r ? arena_strdup(c->mem, json_string_value(json_object_get(r, "filename"))) : NULL;
    if (!s && !r) s = err_field(e, ST_NOT_FOUND, "photo_id", "编号为 %lld 的会议没有编号为 %lld 的照片。", (long long)id, (long long)photo);
    else if (!s && !json_is_null(json_object_get(r, "removed_at")))
        s = err_field(e, ST_CONFLICT, "photo_id", "照片“%s”已经删除过了。", name ? name : "");
    json_decref(rows);
    if (!s) s = mp_locked(c, &m, reason, "删除", e);
    const char *before = NULL;
    if (!s && m.locked) s = mp_snapshot(c, id, &before, e);
    if (!s)
        s = db_run(c->d, "UPDATE meeting_photo SET removed_at = $3, removed_by = $4, removed_reason = $5 WHERE id = $1 AND meeting_id = $2",
                   e, "iiitt", photo, id, clock_now(), c->who.username ? c->who.username : "-", reason && *reason ? reason : NULL);
    if (!s && m.locked) s = mp_amendment(c, id, reason, before, e);
    uc_act a = {"meeting.photo_remove", uc_obj(c, "meeting", id),
                arena_printf(c->mem, "删除照片 %lld“%s”%s%s%s", (long long)photo, name ? name : "", reason && *reason ? "（" : "",
                             reason && *reason ? reason : "", reason && *reason ? "）" : "")};
    return uc_end(c, s, &a, e);
}

st meeting_store_photo(uc *c, int64_t id, int64_t photo, const char **path, const char **mime, const char **filename, err *e) {
    mp_meeting m;
    st s = mp_meeting_get(c, id, &m, e);
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows, "SELECT filename, mime, sha256, removed_at FROM meeting_photo WHERE id = $1 AND meeting_id = $2",
                              e, "ii", photo, id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r || !json_is_null(json_object_get(r, "removed_at"))) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, r ? "编号为 %lld 的照片已删除。" : "该会议没有编号为 %lld 的照片。", (long long)photo);
    }
    *path = files_local(c, MP_SETTING, json_string_value(json_object_get(r, "sha256")));
    *mime = arena_strdup(c->mem, json_string_value(json_object_get(r, "mime")));
    *filename = arena_strdup(c->mem, json_string_value(json_object_get(r, "filename")));
    json_decref(rows);
    if (!*path || !*mime || !*filename) return err_set(e, ST_NOMEM, "内存不足。");
    if (access(*path, R_OK) != 0) return err_set(e, ST_IO, "照片文件缺失（%s）：请联系系统管理员从备份恢复（设置 %s）。", *filename, MP_SETTING);
    uc_act a = {"meeting.photo.read", arena_printf(c->mem, "meeting_photo:%lld", (long long)photo),
                arena_printf(c->mem, "查看会议 %lld 的照片“%s”", (long long)id, *filename)};
    return uc_audit(c, &a, e);
}

st meeting_store_photos_json(uc *c, int64_t id, json_t *o, err *e) {
    json_t *live = NULL, *gone = NULL;
    st s = db_query_json(c->d, &live,
                         "SELECT id, filename, mime, size, width, height, uploaded_by, created_at FROM meeting_photo "
                         "WHERE meeting_id = $1 AND removed_at IS NULL ORDER BY id",
                         e, "i", id);
    if (!s) s = db_query_json(c->d, &gone,
                              "SELECT id, filename, uploaded_by, created_at, removed_at, removed_by, removed_reason FROM meeting_photo "
                              "WHERE meeting_id = $1 AND removed_at IS NOT NULL ORDER BY id",
                              e, "i", id);
    if (s) {
        json_decref(live);
        return s;
    }
    size_t i;
    json_t *r;
    json_array_foreach(live, i, r) json_object_set_new(
        r, "url", json_string(arena_printf(c->mem, "/api/meetings/%lld/photos/%lld", (long long)id,
                                           (long long)json_integer_value(json_object_get(r, "id")))));
    json_object_set_new(o, "photos", live);
    json_object_set_new(o, "photos_removed", gone);
    json_object_set_new(o, "photo_limits", json_pack("{s:I,s:I,s:[sss]}", "max_bytes", (json_int_t)cfg_int("meeting-photo-max-bytes"),
                                                     "max_count", (json_int_t)cfg_int("meeting-photo-max-count"), "types",
                                                     "image/jpeg", "image/png", "image/webp"));
    return ST_OK;
}

const scope_resolver meeting_photo_scope_resolvers[] = {
    /* A photo sits where its meeting is; $1 the photo, $2 its meeting (a photo of another meeting: none). */
    {"meeting_photo", true, false,
     "SELECT m.district_code, m.park_code, m.org_path, NULL, NULL FROM meeting_photo p JOIN meeting m ON m.id = p.meeting_id "
     "WHERE p.id = CAST($1 AS BIGINT) AND p.meeting_id = CAST($2 AS BIGINT)",
     2, false, false, NULL, "会议照片"},
    {NULL, false, false, NULL},
};
