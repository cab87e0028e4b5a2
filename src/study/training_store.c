/* training_store — training batches (轮训) in the database; see training_store.h. */
#include "study/training_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "core/config.h"
#include "meeting/meeting.h"
#include "study/study_credit.h"
#include "db/db_like.h"

static const char *tg_actor(const uc *c) { return c->who.username ? c->who.username : "system"; }
static void tg_today(char out[11]) { clock_day(clock_now(), out); }
static const char *tg_nz(const char *s) { return s && *s ? s : NULL; }

typedef struct tg_batch {
    int64_t id, number;
    const char *name, *starts_on, *ends_on, *place, *audience, *organizer, *state;
} tg_batch;

static st tg_batch_get(uc *c, int64_t id, tg_batch *b, err *e) {
    memset(b, 0, sizeof *b);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, number, name, starts_on, ends_on, place, audience, organizer, state FROM training_batch WHERE id = $1", &q,
                      e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        b->id = db_col_int(q, 0);
        b->number = db_col_int(q, 1);
        b->name = arena_strdup(c->mem, db_col_text(q, 2));
        b->starts_on = arena_strdup(c->mem, db_col_text(q, 3));
        b->ends_on = arena_strdup(c->mem, db_col_text(q, 4));
        b->place = arena_strdup(c->mem, db_col_text(q, 5));
        b->audience = arena_strdup(c->mem, db_col_text(q, 6));
        b->organizer = arena_strdup(c->mem, db_col_text(q, 7));
        b->state = arena_strdup(c->mem, db_col_text(q, 8));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的培训班。", (long long)id);
    return ST_OK;
}

static st tg_batch_check(const training_batch_in *b, bool create, err *e) {
    if (create && (!b->name || !*b->name)) return err_field(e, ST_INVALID, "name", "请填写培训班名称 name。");
    if (b->starts_on && !meeting_day_ok(b->starts_on))
        return err_field(e, ST_INVALID, "starts_on", "开班日期 starts_on 应为 YYYY-MM-DD 格式的有效日期。");
    if (b->ends_on && !meeting_day_ok(b->ends_on))
        return err_field(e, ST_INVALID, "ends_on", "结业日期 ends_on 应为 YYYY-MM-DD 格式的有效日期。");
    if (create && (!b->starts_on || !b->ends_on))
        return err_field(e, ST_INVALID, b->starts_on ? "ends_on" : "starts_on", "请填写培训班的开班日期 starts_on 和结业日期 ends_on。");
    if (create && (!b->place || !*b->place)) return err_field(e, ST_INVALID, "place", "请填写培训地点 place。");
    if (create && (!b->organizer || !*b->organizer)) return err_field(e, ST_INVALID, "organizer", "请填写主办单位 organizer。");
    if ((create || b->audience) && !training_audience_ok(b->audience))
        return err_field(e, ST_INVALID, "audience", "培训对象 audience 应为 secretary（党组织书记）、investor（出资人）、admin（平台管理员）、member（党员）或 other。");
    return ST_OK;
}

st training_store_create(uc *c, const training_batch_in *b, int64_t *id, err *e) {
    *id = 0;
    st s = tg_batch_check(b, true, e);
    if (!s && strcmp(b->starts_on, b->ends_on) > 0)
        s = err_field(e, ST_INVALID, "ends_on", "结业日期 %s 早于开班日期 %s：请改正。", b->ends_on, b->starts_on);
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO training_batch(name, number, starts_on, ends_on, place, audience, organizer, note, created_by, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                     e, "tittttttti", b->name, b->number > 0 ? b->number : (int64_t)1, b->starts_on, b->ends_on, b->place, b->audience,
                     b->organizer, tg_nz(b->note), tg_actor(c), clock_now());
    uc_act a = {"training.batch.create", uc_obj(c, "training_batch", *id), b->name};
    return uc_end(c, s, &a, e);
}

st training_store_update(uc *c, int64_t id, const training_batch_in *b, err *e) {
    st s = tg_batch_check(b, false, e);
    if (s) return s;
    if ((s = uc_begin(c, e))) return s;
    tg_batch o;
    s = tg_batch_get(c, id, &o, e);
    const char *from = b->starts_on ? b->starts_on : o.starts_on, *to = b->ends_on ? b->ends_on : o.ends_on;
    if (!s && strcmp(from, to) > 0) s = err_field(e, ST_INVALID, "ends_on", "结业日期 %s 早于开班日期 %s：请改正。", to, from);
    int64_t outside = 0;
    if (!s)
        s = db_query_int(c->d, &outside, "SELECT COUNT(*) FROM training_session WHERE batch_id = $1 AND (day < $2 OR day > $3)", e, "itt",
                         id, from, to);
    if (!s && outside)
        s = err_field(e, ST_CONFLICT, "starts_on", "有 %lld 次课程不在 %s 至 %s 之间：请先调整或删除这些课程。", (long long)outside, from, to);
    if (!s)
        s = db_run(c->d,
                   "UPDATE training_batch SET name = COALESCE($2, name), number = CASE WHEN $3 > 0 THEN $3 ELSE number END, "
                   "starts_on = $4, ends_on = $5, place = COALESCE($6, place), audience = COALESCE($7, audience), "
                   "organizer = COALESCE($8, organizer), note = COALESCE($9, note), updated_at = $10 WHERE id = $1",
                   e, "ititttttti", id, tg_nz(b->name), b->number, from, to, tg_nz(b->place), b->audience, tg_nz(b->organizer),
                   b->note, clock_now());
    uc_act a = {"training.batch.update", uc_obj(c, "training_batch", id), b->name ? b->name : o.name};
    return uc_end(c, s, &a, e);
}

/* ---- sessions ---- */

st training_store_session_add(uc *c, int64_t batch, const training_session_in *x, int64_t *sid, err *e) {
    *sid = 0;
    if (!x->day || !meeting_day_ok(x->day)) return err_field(e, ST_INVALID, "day", "课程日期 day 应为 YYYY-MM-DD 格式的有效日期。");
    if (!x->start || !meeting_time_ok(x->start)) return err_field(e, ST_INVALID, "start", "开始时间 start 应为 HH:MM（如 09:00）。");
    if (!x->end || !meeting_time_ok(x->end)) return err_field(e, ST_INVALID, "end", "结束时间 end 应为 HH:MM（如 11:30）。");
    if (strcmp(x->start, x->end) >= 0) return err_field(e, ST_INVALID, "end", "结束时间 %s 应晚于开始时间 %s。", x->end, x->start);
    if (!x->topic || !*x->topic) return err_field(e, ST_INVALID, "topic", "请填写课程专题 topic。");
    if (!x->teacher || !*x->teacher) return err_field(e, ST_INVALID, "teacher", "请填写授课人 teacher。");
    if (x->minutes <= 0 || x->minutes > 24 * 60) return err_field(e, ST_INVALID, "hours", "学时 hours 应大于 0（如 3 或 1.5）。");
    st s = uc_begin(c, e);
    if (s) return s;
    tg_batch b;
    s = tg_batch_get(c, batch, &b, e);
    if (!s && (strcmp(x->day, b.starts_on) < 0 || strcmp(x->day, b.ends_on) > 0))
        s = err_field(e, ST_INVALID, "day", "课程日期 %s 不在培训班 %s 至 %s 之间。", x->day, b.starts_on, b.ends_on);
    if (!s)
        s = db_query_int(c->d, sid,
                         "INSERT INTO training_session(batch_id, day, start_time, end_time, starts_at, ends_at, topic, teacher, minutes, place) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                         e, "itttiittit", batch, x->day, x->start, x->end, meeting_epoch(x->day, x->start),
                         meeting_epoch(x->day, x->end), x->topic, x->teacher, x->minutes, tg_nz(x->place));
    uc_act a = {"training.session.add", uc_obj(c, "training_batch", batch), arena_printf(c->mem, "%s %s %s", x->day, x->start, x->topic)};
    return uc_end(c, s, &a, e);
}

st training_store_session_remove(uc *c, int64_t batch, int64_t sid, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    int64_t n = 0, att = 0;
    s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM training_session WHERE id = $1 AND batch_id = $2", e, "ii", sid, batch);
    if (!s && !n) s = err_set(e, ST_NOT_FOUND, "培训班 %lld 没有编号为 %lld 的课程。", (long long)batch, (long long)sid);
    if (!s) s = db_query_int(c->d, &att, "SELECT COUNT(*) FROM training_attendance WHERE session_id = $1", e, "i", sid);
    if (!s && att) s = err_set(e, ST_CONFLICT, "该课程已有 %lld 人签到，不能删除：请改正课程信息，或逐一撤销出勤后再删除。", (long long)att);
    if (!s) s = db_run(c->d, "DELETE FROM training_session WHERE id = $1", e, "i", sid);
    uc_act a = {"training.session.remove", uc_obj(c, "training_batch", batch), arena_printf(c->mem, "课程 %lld", (long long)sid)};
    return uc_end(c, s, &a, e);
}

/* ---- roster ---- */

/* Put one person (person_id) or account (user_id) on the roster; *added 1 when they were not on it. */
static st tg_put(uc *c, int64_t batch, int64_t person, int64_t user, const char *name, const char *unit, const char *via, bool invite,
                 int64_t *added, err *e) {
    const char *state = invite ? "invited" : "enrolled";
    char *old = NULL;
    st s = person ? db_query_text(c->d, &old, "SELECT state FROM training_attendee WHERE batch_id = $1 AND person_id = $2", e, "ii", batch,
                                  person)
                  : db_query_text(c->d, &old, "SELECT state FROM training_attendee WHERE batch_id = $1 AND user_id = $2", e, "ii", batch, user);
    if (s == ST_NOT_FOUND) {
        s = person ? db_run(c->d,
                            "INSERT INTO training_attendee(batch_id, person_id, name, unit, state, via, created_by, created_at) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            e, "iittttti", batch, person, name, tg_nz(unit), state, via, tg_actor(c), clock_now())
                   : db_run(c->d,
                            "INSERT INTO training_attendee(batch_id, user_id, name, unit, state, via, created_by, created_at) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            e, "iittttti", batch, user, name, tg_nz(unit), state, via, tg_actor(c), clock_now());
        if (!s) (*added)++;
        return s;
    }
    if (s) return s;
    bool again = !strcmp(old, "declined") || !strcmp(old, "withdrawn");
    free(old);
    if (!again) return ST_OK;
    s = person ? db_run(c->d,
                        "UPDATE training_attendee SET state = $3, via = $4, note = NULL, answered_at = NULL WHERE batch_id = $1 AND person_id = $2",
                        e, "iitt", batch, person, state, via)
               : db_run(c->d,
                        "UPDATE training_attendee SET state = $3, via = $4, note = NULL, answered_at = NULL WHERE batch_id = $1 AND user_id = $2",
                        e, "iitt", batch, user, state, via);
    if (!s) (*added)++;
    return s;
}

/* Rows of (person_id, user_id, name, unit) put on the roster. */
static st tg_put_rows(uc *c, int64_t batch, json_t *rows, const char *via, bool invite, int64_t *added, err *e) {
    size_t i;
    json_t *r;
    st s = ST_OK;
    json_array_foreach(rows, i, r) {
        int64_t p = json_integer_value(json_object_get(r, "person_id")), u = json_integer_value(json_object_get(r, "user_id"));
        if ((s = tg_put(c, batch, p, p ? 0 : u, json_string_value(json_object_get(r, "name")), json_string_value(json_object_get(r, "unit")),
                        via, invite, added, e)))
            break;
    }
    json_decref(rows);
    return s;
}

#define TG_ACCOUNT_ROW                                                                                                              \
    "SELECT p.id AS person_id, u.id AS user_id, COALESCE(m.name, u.name) AS name, COALESCE(o.name, u.scope_name) AS unit "         \
    "FROM users u LEFT JOIN person p ON p.user_id = u.id LEFT JOIN member m ON m.person_id = p.id LEFT JOIN org o ON o.id = m.org_id "

static const char *const tg_roles[] = {"secretary", "org_admin", "investor", "member", "park", "district", NULL};

st training_store_enrol(uc *c, int64_t batch, const training_enrol *n, int64_t *added, err *e) {
    *added = 0;
    if (n->role) {
        bool ok = false;
        for (int i = 0; tg_roles[i]; i++) ok = ok || !strcmp(n->role, tg_roles[i]);
        if (!ok)
            return err_field(e, ST_INVALID, "role", "按角色选人 role 应为 secretary、org_admin、investor、member、park 或 district。");
    }
    if (!n->org_id && !n->role && !n->n_persons && !n->n_users)
        return err_field(e, ST_INVALID, "person_ids", "请选择要报名的人员：按组织（org_id）、按角色（role）或名单（person_ids、user_ids）。");
    st s = uc_begin(c, e);
    if (s) return s;
    tg_batch b;
    s = tg_batch_get(c, batch, &b, e);
    if (!s && !strcmp(b.state, "finished")) s = err_set(e, ST_CONFLICT, "培训班“%s”已结业，不能再报名。", b.name);
    json_t *rows = NULL;
    if (!s && n->org_id) {
        int64_t there = 0;
        s = db_query_int(c->d, &there, "SELECT COUNT(*) FROM org WHERE id = $1", e, "i", n->org_id);
        if (!s && !there) s = err_field(e, ST_NOT_FOUND, "org_id", "没有编号为 %lld 的党组织。", (long long)n->org_id);
        if (!s)
            s = db_query_json(c->d, &rows,
                              "SELECT m.person_id, 0 AS user_id, m.name, o.name AS unit FROM member m JOIN org o ON o.id = m.org_id "
                              "WHERE m.org_path LIKE '%/' || CAST($1 AS TEXT) || '/%' AND m.state IN ('正常', '流动') ORDER BY m.name_key",
                              e, "i", n->org_id);
        if (!s) s = tg_put_rows(c, batch, rows, "org", n->invite, added, e);
    }
    if (!s && n->role) {
        s = db_query_json(c->d, &rows, TG_ACCOUNT_ROW "WHERE u.role = $1 AND u.disabled = 0 ORDER BY u.id", e, "t", n->role);
        if (!s) s = tg_put_rows(c, batch, rows, "role", n->invite, added, e);
    }
    for (size_t i = 0; !s && i < n->n_persons; i++) {
        s = db_query_json(c->d, &rows,
                          "SELECT m.person_id, 0 AS user_id, m.name, o.name AS unit FROM member m JOIN org o ON o.id = m.org_id "
                          "WHERE m.person_id = $1",
                          e, "i", n->person_ids[i]);
        if (!s && !json_array_size(rows)) {
            json_decref(rows);
            s = err_field(e, ST_NOT_FOUND, "person_ids", "党员名册中没有编号为 %lld 的党员。", (long long)n->person_ids[i]);
        }
        if (!s) s = tg_put_rows(c, batch, rows, n->invite ? "invite" : "list", n->invite, added, e);
    }
    for (size_t i = 0; !s && i < n->n_users; i++) {
        s = db_query_json(c->d, &rows, TG_ACCOUNT_ROW "WHERE u.id = $1 AND u.disabled = 0", e, "i", n->user_ids[i]);
        if (!s && !json_array_size(rows)) {
            json_decref(rows);
            s = err_field(e, ST_NOT_FOUND, "user_ids", "没有编号为 %lld 的可用账号。", (long long)n->user_ids[i]);
        }
        if (!s) s = tg_put_rows(c, batch, rows, n->invite ? "invite" : "list", n->invite, added, e);
    }
    uc_act a = {"training.enrol", uc_obj(c, "training_batch", batch),
                arena_printf(c->mem, "%s %lld 人", n->invite ? "邀请" : "报名", (long long)*added)};
    return uc_end(c, s, &a, e);
}

typedef struct tg_att {
    int64_t id, batch, person, user;
    const char *state, *completed_on, *name;
} tg_att;

static st tg_att_get(uc *c, int64_t aid, tg_att *a, err *e) {
    memset(a, 0, sizeof *a);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, batch_id, COALESCE(person_id, 0), COALESCE(user_id, 0), state, completed_on, name FROM training_attendee "
                      "WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, aid);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        a->id = db_col_int(q, 0);
        a->batch = db_col_int(q, 1);
        a->person = db_col_int(q, 2);
        a->user = db_col_int(q, 3);
        a->state = arena_strdup(c->mem, db_col_text(q, 4));
        a->completed_on = db_col_null(q, 5) ? NULL : arena_strdup(c->mem, db_col_text(q, 5));
        a->name = arena_strdup(c->mem, db_col_text(q, 6));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的学员。", (long long)aid);
    return ST_OK;
}

/* The attendee aid of batch (ST_NOT_FOUND when on another batch's roster). */
static st tg_att_of(uc *c, int64_t batch, int64_t aid, tg_att *a, err *e) {
    st s = tg_att_get(c, aid, a, e);
    if (!s && a->batch != batch) s = err_set(e, ST_NOT_FOUND, "培训班 %lld 的名单中没有编号为 %lld 的学员。", (long long)batch, (long long)aid);
    return s;
}

/* Is the attendee the logged-in caller (their account, or the member their account is)? */
static st tg_att_mine(uc *c, const tg_att *a, err *e) {
    if (a->user && a->user == c->who.user_id) return ST_OK;
    int64_t n = 0;
    st s = a->person ? db_query_int(c->d, &n, "SELECT COUNT(*) FROM person WHERE id = $1 AND user_id = $2", e, "ii", a->person,
                                    c->who.user_id)
                     : ST_OK;
    if (!s && !n) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的本人培训记录。", (long long)a->id);
    return s;
}

st training_store_withdraw(uc *c, int64_t batch, int64_t aid, const char *reason, err *e) {
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "请填写退出培训的原因 reason。");
    st s = uc_begin(c, e);
    if (s) return s;
    tg_att a;
    s = tg_att_of(c, batch, aid, &a, e);
    if (!s && a.completed_on) s = err_set(e, ST_CONFLICT, "%s已于 %s 结业，不能再退出。", a.name, a.completed_on);
    if (!s && (!strcmp(a.state, "withdrawn") || !strcmp(a.state, "declined")))
        s = err_set(e, ST_CONFLICT, "%s已不在培训名单中（%s）。", a.name, training_state_label(a.state));
    if (!s) s = db_run(c->d, "UPDATE training_attendee SET state = 'withdrawn', note = $2 WHERE id = $1", e, "it", aid, reason);
    uc_act x = {"training.withdraw", uc_obj(c, "training_batch", batch), arena_printf(c->mem, "%s：%s", a.name ? a.name : "", reason)};
    return uc_end(c, s, &x, e);
}

st training_store_answer(uc *c, int64_t aid, bool accept, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    tg_att a;
    s = tg_att_get(c, aid, &a, e);
    if (!s) s = tg_att_mine(c, &a, e);
    if (!s && strcmp(a.state, "invited"))
        s = err_set(e, ST_CONFLICT, "这份邀请已经答复过（当前：%s），不能再次答复。", training_state_label(a.state));
    if (!s)
        s = db_run(c->d, "UPDATE training_attendee SET state = $2, answered_at = $3 WHERE id = $1", e, "iti", aid,
                   accept ? "enrolled" : "declined", clock_now());
    uc_act x = {accept ? "training.invite.accept" : "training.invite.decline", a.batch ? uc_obj(c, "training_batch", a.batch) : NULL,
                accept ? "接受培训邀请" : "谢绝培训邀请"};
    return uc_end(c, s, &x, e);
}

/* ---- attendance: the meetings' check-in code, under a key of its own ---- */

typedef struct tg_sess {
    int64_t id, batch, starts_at, ends_at;
    const char *day, *start, *end, *topic;
} tg_sess;

static st tg_sess_get(uc *c, int64_t sid, tg_sess *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT id, batch_id, starts_at, ends_at, day, start_time, end_time, topic FROM training_session WHERE id = $1", &q,
                      e);
    if (s) return s;
    db_bind_int(q, 1, sid);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        x->id = db_col_int(q, 0);
        x->batch = db_col_int(q, 1);
        x->starts_at = db_col_int(q, 2);
        x->ends_at = db_col_int(q, 3);
        x->day = arena_strdup(c->mem, db_col_text(q, 4));
        x->start = arena_strdup(c->mem, db_col_text(q, 5));
        x->end = arena_strdup(c->mem, db_col_text(q, 6));
        x->topic = arena_strdup(c->mem, db_col_text(q, 7));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的培训课程。", (long long)sid);
    return ST_OK;
}

static st tg_window(const tg_sess *x, int64_t now, err *e) {
    int64_t before = cfg_int("rule-meeting-checkin-before"), after = cfg_int("rule-meeting-checkin-after");
    if (meeting_window_open(now, x->starts_at, x->ends_at, before, after)) return ST_OK;
    st s = err_set(e, ST_CONFLICT, "不在签到时间内：本次课程 %s %s–%s，签到自开始前 %lld 分钟至结束后 %lld 分钟。", x->day, x->start, x->end,
                   (long long)(before / 60), (long long)(after / 60));
    snprintf(e->api_code, sizeof e->api_code, "outside_window");
    return s;
}

st training_store_token(uc *c, int64_t batch, int64_t sid, json_t **out, err *e) {
    *out = NULL;
    tg_sess x;
    st s = tg_sess_get(c, sid, &x, e);
    if (!s && x.batch != batch) s = err_set(e, ST_NOT_FOUND, "培训班 %lld 没有编号为 %lld 的课程。", (long long)batch, (long long)sid);
    int64_t now = clock_now();
    if (!s) s = tg_window(&x, now, e);
    unsigned char key[32];
    if (!s) s = crypt_subkey("training-checkin", key, e);
    if (s) return s;
    int64_t step_s = cfg_int("rule-meeting-checkin-step"), step = meeting_step(now, step_s);
    char tok[MEETING_TOKEN_MAX];
    meeting_token_make(key, sid, step, tok);
    sodium_memzero(key, sizeof key);
    int64_t before = cfg_int("rule-meeting-checkin-before"), after = cfg_int("rule-meeting-checkin-after");
    *out = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "session_id", (json_int_t)sid, "topic", x.topic, "token", tok, "url",
                     arena_printf(c->mem, "/me/training?c=%s", tok), "step_seconds", (json_int_t)step_s, "expires_at",
                     (json_int_t)((step + 1) * step_s), "window_from", (json_int_t)(x.starts_at - before), "window_to",
                     (json_int_t)(x.ends_at + after));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

static st tg_checkin_in(uc *c, const char *token, int64_t *batch, json_t **out, err *e) {
    int64_t now = clock_now(), step_s = cfg_int("rule-meeting-checkin-step"), sid = 0, step = 0;
    unsigned char key[32];
    st s = crypt_subkey("training-checkin", key, e);
    if (s) return s;
    meeting_token_st t = meeting_token_check(key, token, meeting_step(now, step_s), 1, &sid, &step);
    sodium_memzero(key, sizeof key);
    if (t == MEETING_TOKEN_MALFORMED) return err_field(e, ST_INVALID, "token", "签到码无效：请扫描培训现场大屏上的最新二维码。");
    if (t == MEETING_TOKEN_STALE)
        return err_field(e, ST_INVALID, "token", "签到码已过期（二维码每 %lld 秒更换）：请扫描最新的二维码。", (long long)step_s);
    if (t == MEETING_TOKEN_FUTURE) return err_field(e, ST_INVALID, "token", "签到码的时间晚于服务器时间：请扫描最新的二维码。");
    tg_sess x;
    if ((s = tg_sess_get(c, sid, &x, e))) return s;
    *batch = x.batch;
    if ((s = tg_window(&x, now, e))) return s;
    int64_t aid = 0;
    s = db_query_int(c->d, &aid,
                     "SELECT id FROM training_attendee WHERE batch_id = $1 AND state = 'enrolled' AND (user_id = $2 OR person_id = "
                     "(SELECT id FROM person WHERE user_id = $2))",
                     e, "ii", x.batch, c->who.user_id);
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_FORBIDDEN, "您不在本培训班的学员名单中（或尚未接受邀请），不能签到：请联系主办单位。");
        snprintf(e->api_code, sizeof e->api_code, "not_on_roll");
    }
    if (s) return s;
    int64_t got = 0;
    s = db_query_int(c->d, &got,
                     "INSERT INTO training_attendance(session_id, attendee_id, how, at, actor) VALUES ($1, $2, 'checkin', $3, $4) "
                     "ON CONFLICT DO NOTHING RETURNING attendee_id",
                     e, "iiit", sid, aid, now, tg_actor(c));
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_CONFLICT, "您已签到过本次课程，同一课程只能签到一次。");
        snprintf(e->api_code, sizeof e->api_code, "already_checked_in");
    }
    if (s) return s;
    *out = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I}", "batch_id", (json_int_t)x.batch, "session_id", (json_int_t)sid, "day", x.day, "start",
                     x.start, "topic", x.topic, "checked_in_at", (json_int_t)now);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

typedef struct tg_checkin_arg {
    const char *token;
    json_t **out;
} tg_checkin_arg;

static st tg_checkin_act(uc *c, void *arg, err *e) {
    tg_checkin_arg *x = arg;
    int64_t batch = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = tg_checkin_in(c, x->token, &batch, x->out, e);
    uc_act a = {"training.checkin", batch ? uc_obj(c, "training_batch", batch) : NULL, "扫码签到"};
    s = uc_end(c, s, &a, e);
    if (s == ST_INVALID || s == ST_CONFLICT || s == ST_FORBIDDEN || s == ST_NOT_FOUND) {
        err e2;
        uc_act r = {"training.checkin", batch ? uc_obj(c, "training_batch", batch) : NULL, arena_strdup(c->mem, e->msg), "refused"};
        if (uc_audit(c, &r, &e2)) return err_set(e, e2.code, "%s", e2.msg);
    }
    return s;
}

/* A session's start is many phones at once: check-ins are committed in groups, as the meetings' are. */
static uc_batch tg_checkin_batch = UC_BATCH_INIT;

st training_store_checkin(uc *c, const char *token, json_t **out, err *e) {
    *out = NULL;
    tg_checkin_arg x = {token, out};
    st s = uc_batched(c, &tg_checkin_batch, tg_checkin_act, &x, e);
    if (s) {
        json_decref(*out);
        *out = NULL;
    }
    return s;
}

st training_store_mark(uc *c, int64_t batch, int64_t sid, int64_t aid, bool present, const char *reason, err *e) {
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "手工登记出勤须说明原因 reason（如“手机无法扫码，经班主任核实到课”）。");
    st s = uc_begin(c, e);
    if (s) return s;
    tg_sess x;
    tg_att a;
    memset(&a, 0, sizeof a);
    s = tg_sess_get(c, sid, &x, e);
    if (!s && x.batch != batch) s = err_set(e, ST_NOT_FOUND, "培训班 %lld 没有编号为 %lld 的课程。", (long long)batch, (long long)sid);
    if (!s) s = tg_att_of(c, batch, aid, &a, e);
    if (!s && strcmp(a.state, "enrolled"))
        s = err_set(e, ST_CONFLICT, "%s当前为“%s”，不能登记出勤。", a.name, training_state_label(a.state));
    if (!s && a.completed_on) s = err_set(e, ST_CONFLICT, "%s已于 %s 结业，出勤不能再更改。", a.name, a.completed_on);
    if (!s && present) {
        s = db_run(c->d, "DELETE FROM training_attendance WHERE session_id = $1 AND attendee_id = $2", e, "ii", sid, aid);
        if (!s)
            s = db_run(c->d,
                       "INSERT INTO training_attendance(session_id, attendee_id, how, at, reason, actor) VALUES ($1, $2, 'manual', $3, $4, $5)",
                       e, "iiitt", sid, aid, clock_now(), reason, tg_actor(c));
    } else if (!s)
        s = db_run(c->d, "DELETE FROM training_attendance WHERE session_id = $1 AND attendee_id = $2", e, "ii", sid, aid);
    uc_act act = {"training.attendance", uc_obj(c, "training_batch", batch),
                  arena_printf(c->mem, "%s %s %s：%s", a.name ? a.name : "", x.day ? x.day : "", present ? "到课" : "缺课", reason)};
    return uc_end(c, s, &act, e);
}

/* ---- completion ---- */

static st tg_cert_seq(uc *c, int year, int64_t *seq, err *e) {
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM training_cert_seq WHERE year = $1", e, "i", (int64_t)year);
    if (!s && !n) s = db_run(c->d, "INSERT INTO training_cert_seq(year, last_seq) VALUES ($1, 0)", e, "i", (int64_t)year);
    if (!s) s = db_run(c->d, "UPDATE training_cert_seq SET last_seq = last_seq + 1 WHERE year = $1", e, "i", (int64_t)year);
    if (!s) s = db_query_int(c->d, seq, "SELECT last_seq FROM training_cert_seq WHERE year = $1", e, "i", (int64_t)year);
    return s;
}

st training_store_complete(uc *c, int64_t batch, json_t **out, err *e) {
    *out = NULL;
    st s = uc_begin(c, e);
    if (s) return s;
    tg_batch b;
    char today[11];
    tg_today(today);
    int64_t total = 0, minutes = 0, done = 0, credited = 0, not_done = 0;
    s = tg_batch_get(c, batch, &b, e);
    if (!s && strcmp(today, b.ends_on) < 0)
        s = err_set(e, ST_CONFLICT, "培训班“%s”%s 结束，结束后才能办理结业。", b.name, b.ends_on);
    if (!s) s = db_query_int(c->d, &total, "SELECT COUNT(*) FROM training_session WHERE batch_id = $1", e, "i", batch);
    if (!s && !total) s = err_set(e, ST_CONFLICT, "培训班“%s”还没有安排课程，不能结业：请先添加课程。", b.name);
    if (!s) s = db_query_int(c->d, &minutes, "SELECT COALESCE(SUM(minutes), 0) FROM training_session WHERE batch_id = $1", e, "i", batch);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT a.id, COALESCE(a.person_id, 0) AS person_id, "
                          "(SELECT COUNT(*) FROM training_attendance t WHERE t.attendee_id = a.id) AS attended, "
                          "(SELECT COUNT(*) FROM member m WHERE m.person_id = a.person_id) AS registered "
                          "FROM training_attendee a WHERE a.batch_id = $1 AND a.state = 'enrolled' AND a.completed_on IS NULL ORDER BY a.id",
                          e, "i", batch);
    int64_t share = cfg_int("training-complete-share");
    const char *prefix = cfg_str("training-cert-prefix");
    int year = b.ends_on ? atoi(b.ends_on) : 0;
    size_t i;
    json_t *r;
    if (!s) json_array_foreach(rows, i, r) {
            int64_t aid = json_integer_value(json_object_get(r, "id")), person = json_integer_value(json_object_get(r, "person_id"));
            if (!training_completes(json_integer_value(json_object_get(r, "attended")), total, share)) {
                not_done++;
                continue;
            }
            int64_t seq = 0, credit = 0;
            char no[96];
            if ((s = tg_cert_seq(c, year, &seq, e))) break;
            training_cert_number(prefix, year, seq, no, sizeof no);
            if (person && json_integer_value(json_object_get(r, "registered"))) {
                study_credit k = {.person_id = person, .day = b.ends_on, .minutes = minutes, .category = "集中培训", .source = "training",
                                  .source_id = batch, .note = b.name};
                if ((s = study_credit_add(c, &k, e))) break;
                credit = minutes;
                credited++;
            }
            if ((s = db_run(c->d, "UPDATE training_attendee SET completed_on = $2, cert_no = $3, credited_minutes = $4 WHERE id = $1", e,
                            "itti", aid, b.ends_on, no, credit)))
                break;
            done++;
        }
    json_decref(rows);
    if (!s) s = db_run(c->d, "UPDATE training_batch SET state = 'finished', finished_on = COALESCE(finished_on, $2) WHERE id = $1", e, "it", batch, today);
    if (!s) {
        *out = json_pack("{s:I,s:I,s:I}", "completed", (json_int_t)done, "credited", (json_int_t)credited, "not_completed", (json_int_t)not_done);
        if (!*out) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    uc_act a = {"training.complete", uc_obj(c, "training_batch", batch),
                arena_printf(c->mem, "结业 %lld 人，记入学时 %lld 人，未达出勤要求 %lld 人", (long long)done, (long long)credited, (long long)not_done)};
    s = uc_end(c, s, &a, e);
    if (s) {
        json_decref(*out);
        *out = NULL;
    }
    return s;
}

/* ---- reads ---- */

static void tg_words(json_t *o) {
    char h[24];
    json_t *m = json_object_get(o, "minutes");
    if (m) {
        training_minutes_hours(json_integer_value(m), h);
        json_object_set_new(o, "hours", json_string(h));
    }
    const char *aud = json_string_value(json_object_get(o, "audience"));
    if (aud) json_object_set_new(o, "audience_label", json_string(training_audience_label(aud)));
    const char *state = json_string_value(json_object_get(o, "state"));
    if (state && json_object_get(o, "attendee_id")) json_object_set_new(o, "state_label", json_string(training_state_label(state)));
}

#define TG_BATCH_COLS                                                                                                                 \
    "b.id, b.name, b.number, b.starts_on, b.ends_on, b.place, b.audience, b.organizer, b.note, b.state, b.finished_on, "           \
    "(SELECT COUNT(*) FROM training_session s WHERE s.batch_id = b.id) AS sessions, "                                               \
    "(SELECT COALESCE(SUM(s.minutes), 0) FROM training_session s WHERE s.batch_id = b.id) AS minutes, "                            \
    "(SELECT COUNT(*) FROM training_attendee a WHERE a.batch_id = b.id AND a.state = 'enrolled') AS enrolled, "                    \
    "(SELECT COUNT(*) FROM training_attendee a WHERE a.batch_id = b.id AND a.state = 'invited') AS invited, "                      \
    "(SELECT COUNT(*) FROM training_attendee a WHERE a.batch_id = b.id AND a.completed_on IS NOT NULL) AS completed "

st training_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL, *sess = NULL, *att = NULL, *marks = NULL;
    st s = db_query_json(c->d, &rows, "SELECT " TG_BATCH_COLS "FROM training_batch b WHERE b.id = $1", e, "i", id);
    if (s) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的培训班。", (long long)id);
    tg_words(o);
    s = db_query_json(c->d, &sess,
                      "SELECT s.id, s.day, s.start_time AS start, s.end_time AS \"end\", s.topic, s.teacher, s.minutes, s.place, "
                      "(SELECT COUNT(*) FROM training_attendance t WHERE t.session_id = s.id) AS present "
                      "FROM training_session s WHERE s.batch_id = $1 ORDER BY s.day, s.start_time, s.id",
                      e, "i", id);
    if (!s)
        s = db_query_json(c->d, &att,
                          "SELECT a.id, a.id AS attendee_id, a.person_id, a.user_id, CASE WHEN a.person_id IS NULL THEN 'account' ELSE "
                          "'member' END AS kind, a.name, a.unit, a.state, a.via, a.note, a.completed_on, a.cert_no, a.credited_minutes, "
                          "(SELECT COUNT(*) FROM training_attendance t WHERE t.attendee_id = a.id) AS attended "
                          "FROM training_attendee a WHERE a.batch_id = $1 ORDER BY a.id",
                          e, "i", id);
    if (!s)
        s = db_query_json(c->d, &marks,
                          "SELECT t.session_id, t.attendee_id, t.how, t.at, t.reason FROM training_attendance t JOIN training_session s ON "
                          "s.id = t.session_id WHERE s.batch_id = $1 ORDER BY t.session_id, t.attendee_id",
                          e, "i", id);
    if (s) {
        json_decref(o);
        json_decref(sess);
        json_decref(att);
        json_decref(marks);
        return s;
    }
    size_t i;
    json_t *r;
    json_array_foreach(sess, i, r) tg_words(r);
    json_array_foreach(att, i, r) tg_words(r);
    json_object_set_new(o, "session_list", sess);
    json_object_set_new(o, "attendees", att);
    json_object_set_new(o, "attendance", marks);
    json_object_set_new(o, "complete_share", json_integer(cfg_int("training-complete-share")));
    *out = o;
    return ST_OK;
}

#define TG_LIST_WHERE                                                                                                                 \
    "FROM training_batch b WHERE " SCOPE_COND("$1", "$2", "NULL", "NULL", "NULL", "NULL", "NULL")                                     \
    " AND ($3 = '' OR b.name LIKE $3 ESCAPE '\\') AND ($4 = '' OR b.state = $4) AND ($5 = '' OR b.audience = $5)"

st training_store_list(uc *c, const training_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *like = f->q && *f->q ? db_like(c->mem, f->q) : "";
    const char *state = f->state ? f->state : "", *aud = f->audience ? f->audience : "";
    st s = db_query_int(c->d, total, "SELECT COUNT(*) " TG_LIST_WHERE, e, "ttttt", k, code, like, state, aud);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (SELECT " TG_BATCH_COLS " %s) q ORDER BY %s LIMIT $6 OFFSET $7", TG_LIST_WHERE,
                                   p && p->order ? p->order : "q.starts_on DESC, q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    if ((s = db_query_json(c->d, items, sql, e, "tttttii", k, code, like, state, aud, p ? p->limit : 50, p ? p->offset : 0))) return s;
    size_t i;
    json_t *o;
    json_array_foreach(*items, i, o) tg_words(o);
    return ST_OK;
}

st training_store_candidates(uc *c, const char *q, json_t **items, err *e) {
    *items = NULL;
    const char *like = db_like(c->mem, q ? q : "");
    json_t *a = NULL, *b = NULL;
    st s = db_query_json(c->d, &a,
                         "SELECT m.person_id, NULL AS user_id, m.name, o.name AS unit, 'member' AS kind FROM member m JOIN org o ON o.id = "
                         "m.org_id WHERE m.name LIKE $1 ESCAPE '\\' AND m.state IN ('正常', '流动') ORDER BY m.name_key LIMIT 20",
                         e, "t", like);
    if (!s)
        s = db_query_json(c->d, &b,
                          "SELECT NULL AS person_id, u.id AS user_id, u.name, u.scope_name AS unit, 'account' AS kind FROM users u "
                          "WHERE (u.name LIKE $1 ESCAPE '\\' OR u.username LIKE $1 ESCAPE '\\') AND u.disabled = 0 AND u.role IN ('investor', 'org_admin', "
                          "'secretary', 'park', 'district') AND NOT EXISTS (SELECT 1 FROM person p WHERE p.user_id = u.id) "
                          "ORDER BY u.id LIMIT 20",
                          e, "t", like);
    if (s) {
        json_decref(a);
        json_decref(b);
        return s;
    }
    json_array_extend(a, b);
    json_decref(b);
    *items = a;
    return ST_OK;
}

st training_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    json_t *items = NULL;
    st s = db_query_json(c->d, &items,
                         "SELECT a.id AS attendee_id, a.state AS attendee_state, a.completed_on, a.cert_no, a.credited_minutes, a.note AS "
                         "withdraw_note, " TG_BATCH_COLS
                         "FROM training_attendee a JOIN training_batch b ON b.id = a.batch_id "
                         "WHERE (a.user_id = $1 OR a.person_id = (SELECT id FROM person WHERE user_id = $1)) AND a.state <> 'declined' "
                         "ORDER BY b.starts_on DESC, b.id DESC LIMIT 100",
                         e, "i", c->who.user_id);
    if (s) return s;
    size_t i;
    json_t *r;
    int64_t invited = 0;
    json_array_foreach(items, i, r) {
        /* the attendee's state is "state" here, the batch's "batch_state" */
        json_object_set(r, "batch_state", json_object_get(r, "state"));
        json_object_set(r, "state", json_object_get(r, "attendee_state"));
        json_object_del(r, "attendee_state");
        tg_words(r);
        if (!strcmp(json_string_value(json_object_get(r, "state")), "invited")) invited++;
        json_t *sess = NULL;
        if ((s = db_query_json(c->d, &sess,
                               "SELECT s.id, s.day, s.start_time AS start, s.end_time AS \"end\", s.topic, s.teacher, s.minutes, s.place, "
                               "t.how, t.at FROM training_session s LEFT JOIN training_attendance t ON t.session_id = s.id AND "
                               "t.attendee_id = $2 WHERE s.batch_id = $1 ORDER BY s.day, s.start_time, s.id",
                               e, "ii", json_integer_value(json_object_get(r, "id")), json_integer_value(json_object_get(r, "attendee_id"))))) {
            json_decref(items);
            return s;
        }
        size_t j;
        json_t *x;
        int64_t attended = 0;
        json_array_foreach(sess, j, x) {
            tg_words(x);
            if (json_string_value(json_object_get(x, "how"))) attended++;
        }
        json_object_set_new(r, "session_list", sess);
        json_object_set_new(r, "attended", json_integer(attended));
    }
    *out = json_pack("{s:o,s:I,s:I}", "items", items, "invited", (json_int_t)invited, "complete_share",
                     (json_int_t)cfg_int("training-complete-share"));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st training_store_certificate(uc *c, int64_t batch, int64_t aid, training_cert *k, err *e) {
    memset(k, 0, sizeof *k);
    tg_att a;
    st s = tg_att_get(c, aid, &a, e);
    if (!s && batch && a.batch != batch)
        s = err_set(e, ST_NOT_FOUND, "培训班 %lld 的名单中没有编号为 %lld 的学员。", (long long)batch, (long long)aid);
    if (!s && !batch) s = tg_att_mine(c, &a, e);
    if (s) return s;
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows,
                      "SELECT a.name, a.unit, a.cert_no, a.completed_on, b.name AS batch, b.starts_on, b.ends_on, b.organizer, "
                      "(SELECT COALESCE(SUM(s.minutes), 0) FROM training_session s WHERE s.batch_id = b.id) AS minutes, "
                      "(SELECT COUNT(*) FROM training_session s WHERE s.batch_id = b.id) AS sessions, "
                      "(SELECT COUNT(*) FROM training_attendance t WHERE t.attendee_id = a.id) AS attended "
                      "FROM training_attendee a JOIN training_batch b ON b.id = a.batch_id WHERE a.id = $1",
                      e, "i", aid);
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r || !json_string_value(json_object_get(r, "cert_no"))) {
        s = err_set(e, ST_CONFLICT, "%s尚未结业，没有结业证书：出勤达到要求并由主办单位办理结业后才能下载。", a.name);
        snprintf(e->api_code, sizeof e->api_code, "not_completed");
        return s;
    }
    char h[24];
    training_minutes_hours(json_integer_value(json_object_get(r, "minutes")), h);
    k->number = json_string_value(json_object_get(r, "cert_no"));
    k->name = json_string_value(json_object_get(r, "name"));
    k->unit = json_string_value(json_object_get(r, "unit"));
    k->batch = json_string_value(json_object_get(r, "batch"));
    k->starts_on = json_string_value(json_object_get(r, "starts_on"));
    k->ends_on = json_string_value(json_object_get(r, "ends_on"));
    k->organizer = json_string_value(json_object_get(r, "organizer"));
    k->issued_on = json_string_value(json_object_get(r, "completed_on"));
    k->hours = arena_strdup(c->mem, h);
    k->sessions = json_integer_value(json_object_get(r, "sessions"));
    k->attended = json_integer_value(json_object_get(r, "attended"));
    uc_act act = {"training.certificate", uc_obj(c, "training_batch", a.batch), arena_printf(c->mem, "%s %s", k->number, k->name)};
    return uc_audit(c, &act, e);
}

const scope_resolver training_scope_resolvers[] = {
    /* A batch is the city office's: inside the city's scope only. */
    {"training_batch", true, false, "SELECT NULL, NULL, NULL, NULL, NULL FROM training_batch WHERE id = CAST($1 AS BIGINT)", 0, false, false,
     NULL, "培训班"},
    {NULL, false, false, NULL},
};
