/* volunteer_store — all of the volunteers' SQL (volunteer_store.h). */
#include "volunteer/volunteer_store.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "core/config.h"
#include "core/utf8.h"
#include "meeting/meeting.h"
#include "member/member_store.h"
#include "volunteer/volunteer.h"
#include "db/db_like.h"

static const char *vs_actor(const uc *c) { return c->who.username ? c->who.username : "system"; }
static void vs_today(char out[11]) { clock_day(clock_now(), out); }

static st vs_nomem(err *e) { return err_set(e, ST_NOMEM, "内存不足。"); }

/* A text field: its length in characters between min and max (NULL allowed when min is 0). */
static st vs_text(const char *v, const char *field, const char *what, size_t min, size_t max, err *e) {
    size_t n = v ? utf8_count(v, strlen(v)) : 0;
    if (n < min || n > max)
        return min ? err_field(e, ST_INVALID, field, "%s应为 %zu 至 %zu 个字。", what, min, max)
                   : err_field(e, ST_INVALID, field, "%s不能超过 %zu 个字。", what, max);
    return ST_OK;
}

/* The caller's person (the registry's), for the member's own acts. */
static st vs_person(uc *c, int64_t *person, err *e) { return member_store_person_of_user(c, c->who.user_id, person, e); }

/* ---- teams ---- */

static st vs_team_create_in(uc *c, const volunteer_team_new *t, int64_t *id, err *e) {
    st s = vs_text(t->name, "name", "队伍名称", 2, 60, e);
    if (!s) s = vs_text(t->intro, "intro", "队伍简介", 0, 500, e);
    if (s) return s;
    if (!volunteer_owner_ok(t->owner_kind))
        return err_field(e, ST_INVALID, "owner_kind", "队伍归属 owner_kind 应为 org（党组织，如企业党支部）或 park（园区）。");
    if (!strcmp(t->owner_kind, "org")) {
        if (t->org_id <= 0) return err_field(e, ST_INVALID, "org_id", "企业（党组织）的志愿服务队须指明所属党组织 org_id。");
        if ((s = scope_check_id(c, "org", t->org_id, e))) return s;
        s = db_query_int(c->d, id,
                         "INSERT INTO volunteer_team(name, owner_kind, org_id, org_path, district_code, park_code, intro, created_by, created_at) "
                         "SELECT $1, 'org', o.id, o.path, o.district_code, o.park_code, $2, $3, $4 FROM org o "
                         "WHERE o.id = $5 AND o.dissolved_on IS NULL RETURNING id",
                         e, "tttii", t->name, t->intro, vs_actor(c), clock_now(), t->org_id);
        if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, "org_id", "编号为 %lld 的党组织不存在或已撤销。", (long long)t->org_id);
        return s;
    }
    if (!t->park_code || !*t->park_code) return err_field(e, ST_INVALID, "park_code", "园区的志愿服务队须指明园区 park_code。");
    scope_who who = scope_who_of(c);
    if ((s = scope_check(c->d, &who, "region", t->park_code, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO volunteer_team(name, owner_kind, district_code, park_code, intro, created_by, created_at) "
                     "SELECT $1, 'park', r.parent_code, r.code, $2, $3, $4 FROM region r WHERE r.code = $5 AND r.kind = 'park' RETURNING id",
                     e, "tttit", t->name, t->intro, vs_actor(c), clock_now(), t->park_code);
    if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, "park_code", "园区 %s 不存在：请从园区列表中选择。", t->park_code);
    return s;
}

st volunteer_store_team_create(uc *c, const volunteer_team_new *t, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (!s) s = vs_team_create_in(c, t, id, e);
    uc_act a = {"volunteer.team", *id ? uc_obj(c, "volunteer_team", *id) : NULL, t->name};
    return uc_end(c, s, &a, e);
}

#define VS_TEAM_COLS                                                                                                      \
    "t.id, t.name, t.owner_kind, t.org_id, o.name AS org_name, t.park_code, r.name AS park_name, t.district_code, "       \
    "t.intro, (SELECT COUNT(*) FROM volunteer_member m WHERE m.team_id = t.id) AS members, "                            \
    "(SELECT COUNT(*) FROM volunteer_activity a WHERE a.team_id = t.id AND a.state = 'open') AS activities, "           \
    "(SELECT COALESCE(SUM(s.hours), 0) FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id "      \
    "WHERE a.team_id = t.id AND s.confirmed_at IS NOT NULL) AS hours "                                                   \
    "FROM volunteer_team t LEFT JOIN org o ON o.id = t.org_id LEFT JOIN region r ON r.code = t.park_code "
#define VS_TEAM_WHERE                                                                                                     \
    "WHERE " SCOPE_COND("$1", "$2", "t.district_code", "t.park_code", "t.org_path", "NULL", "NULL")                        \
    " AND ($3 = '' OR t.name LIKE $3 ESCAPE '\\')"

st volunteer_store_teams(uc *c, const char *q, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *like = q && *q ? db_like(c->mem, q) : "";
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM volunteer_team t " VS_TEAM_WHERE, e, "ttt", k, code, like);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (SELECT %s) q ORDER BY %s LIMIT $4 OFFSET $5", VS_TEAM_COLS VS_TEAM_WHERE,
                                   p && p->order ? p->order : "q.id");
    if (!sql) return vs_nomem(e);
    return db_query_json(c->d, items, sql, e, "tttii", k, code, like, p ? p->limit : 50, p ? p->offset : 0);
}

st volunteer_store_team_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *t = NULL, *members = NULL, *acts = NULL;
    st s = db_query_json(c->d, &t, "SELECT " VS_TEAM_COLS "WHERE t.id = $1", e, "i", id);
    if (s) return s;
    arena_json(c->mem, t);
    if (!json_array_size(t)) return err_set(e, ST_NOT_FOUND, "编号为 %lld 的志愿服务队不存在。", (long long)id);
    if ((s = db_query_json(c->d, &members,
                           "SELECT v.person_id, p.name, o.name AS org_name, v.joined_at, "
                           "(SELECT COALESCE(SUM(s.hours), 0) FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id "
                           "WHERE a.team_id = v.team_id AND s.person_id = v.person_id AND s.confirmed_at IS NOT NULL) AS hours "
                           "FROM volunteer_member v JOIN person p ON p.id = v.person_id LEFT JOIN member m ON m.person_id = v.person_id "
                           "LEFT JOIN org o ON o.id = m.org_id WHERE v.team_id = $1 ORDER BY v.joined_at, v.person_id",
                           e, "i", id)))
        return s;
    arena_json(c->mem, members);
    if ((s = db_query_json(c->d, &acts,
                           "SELECT id, title, day, start_time, end_time, place, places, taken, hours, state FROM volunteer_activity "
                           "WHERE team_id = $1 ORDER BY day DESC, start_time DESC, id DESC",
                           e, "i", id)))
        return s;
    arena_json(c->mem, acts);
    json_t *o = json_deep_copy(json_array_get(t, 0));
    if (!o) return vs_nomem(e);
    json_object_set(o, "members", members);
    json_object_set(o, "activities", acts);
    *out = o;
    return ST_OK;
}

/* ---- activities ---- */

static st vs_activity_create_in(uc *c, int64_t team_id, const volunteer_activity_new *a, int64_t *id, err *e) {
    st s = vs_text(a->title, "title", "活动名称", 2, 80, e);
    if (!s) s = vs_text(a->place, "place", "活动地点", 2, 120, e);
    if (s) return s;
    if (!a->day || !meeting_day_ok(a->day)) return err_field(e, ST_INVALID, "day", "活动日期 day 应为 YYYY-MM-DD 格式的日期。");
    if (!meeting_time_ok(a->start)) return err_field(e, ST_INVALID, "start_time", "开始时间 start_time 应为 HH:MM（如 09:00）。");
    if (!meeting_time_ok(a->end)) return err_field(e, ST_INVALID, "end_time", "结束时间 end_time 应为 HH:MM（如 11:30）。");
    double len = volunteer_length(a->start, a->end);
    if (len <= 0) return err_field(e, ST_INVALID, "end_time", "结束时间应晚于开始时间（%s）。", a->start);
    int64_t maxp = cfg_int("volunteer-places-max");
    if (a->places < 1 || a->places > maxp)
        return err_field(e, ST_INVALID, "places", "招募人数 places 应为 1 至 %lld 人。", (long long)maxp);
    double maxh = (double)cfg_int("volunteer-hours-max");
    double hours = a->hours > 0 ? a->hours : len;
    if (!volunteer_hours_ok(hours, maxh))
        return err_field(e, ST_INVALID, "hours", "服务时长 hours 应大于 0、不超过 %.0f 小时，最多两位小数。", maxh);
    char today[11];
    vs_today(today);
    if (strcmp(a->day, today) < 0) return err_field(e, ST_INVALID, "day", "活动日期 %s 已过：只能发布今天（%s）及以后的活动。", a->day, today);
    if ((s = scope_check_id(c, "volunteer_team", team_id, e))) return s;
    return db_query_int(c->d, id,
                        "INSERT INTO volunteer_activity(team_id, title, day, start_time, end_time, starts_at, ends_at, place, places, taken, "
                        "hours, state, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, 'open', $11, $12) RETURNING id",
                        e, "ittttiitidti", team_id, a->title, a->day, a->start, a->end, meeting_epoch(a->day, a->start),
                        meeting_epoch(a->day, a->end), a->place, a->places, hours, vs_actor(c), clock_now());
}

st volunteer_store_activity_create(uc *c, int64_t team_id, const volunteer_activity_new *a, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (!s) s = vs_activity_create_in(c, team_id, a, id, e);
    uc_act x = {"volunteer.activity", *id ? uc_obj(c, "volunteer_activity", *id) : NULL,
                arena_printf(c->mem, "%s %s %s", a->day ? a->day : "", a->start ? a->start : "", a->title ? a->title : "")};
    return uc_end(c, s, &x, e);
}

#define VS_ACT_COLS                                                                                                        \
    "a.id, a.team_id, t.name AS team_name, a.title, a.day, a.start_time, a.end_time, a.starts_at, a.ends_at, a.place, "   \
    "a.places, a.taken, a.hours, a.state, a.cancel_reason "

st volunteer_store_activity_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *a = NULL, *ss = NULL;
    st s = db_query_json(c->d, &a,
                         "SELECT " VS_ACT_COLS "FROM volunteer_activity a JOIN volunteer_team t ON t.id = a.team_id WHERE a.id = $1", e, "i",
                         id);
    if (s) return s;
    arena_json(c->mem, a);
    if (!json_array_size(a)) return err_set(e, ST_NOT_FOUND, "编号为 %lld 的志愿服务活动不存在。", (long long)id);
    if ((s = db_query_json(c->d, &ss,
                           "SELECT s.person_id, p.name, o.name AS org_name, s.signed_at, s.checked_in_at, s.hours, s.confirmed_at, "
                           "s.confirmed_by FROM volunteer_signup s JOIN person p ON p.id = s.person_id "
                           "LEFT JOIN member m ON m.person_id = s.person_id LEFT JOIN org o ON o.id = m.org_id "
                           "WHERE s.activity_id = $1 ORDER BY s.signed_at, s.person_id",
                           e, "i", id)))
        return s;
    arena_json(c->mem, ss);
    json_t *o = json_deep_copy(json_array_get(a, 0));
    if (!o) return vs_nomem(e);
    json_object_set_new(o, "left", json_integer(volunteer_left(json_integer_value(json_object_get(o, "places")),
                                                               json_integer_value(json_object_get(o, "taken")))));
    json_object_set(o, "signups", ss);
    *out = o;
    return ST_OK;
}

/* The activity's state, times and team, for the writes below. */
typedef struct vs_act {
    int64_t id, team_id, starts_at, ends_at, places, taken;
    char day[11], start[6], end[6], state[12];
    double hours;
    char *title;
} vs_act;

static st vs_act_get(uc *c, int64_t id, vs_act *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT team_id, starts_at, ends_at, places, taken, day, start_time, end_time, state, hours, title "
                      "FROM volunteer_activity WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        x->id = id;
        x->team_id = db_col_int(q, 0);
        x->starts_at = db_col_int(q, 1);
        x->ends_at = db_col_int(q, 2);
        x->places = db_col_int(q, 3);
        x->taken = db_col_int(q, 4);
        snprintf(x->day, sizeof x->day, "%s", db_col_text(q, 5));
        snprintf(x->start, sizeof x->start, "%s", db_col_text(q, 6));
        snprintf(x->end, sizeof x->end, "%s", db_col_text(q, 7));
        snprintf(x->state, sizeof x->state, "%s", db_col_text(q, 8));
        x->hours = db_col_double(q, 9);
        x->title = arena_strdup(c->mem, db_col_text(q, 10));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "编号为 %lld 的志愿服务活动不存在。", (long long)id);
    return ST_OK;
}

static st vs_cancel_in(uc *c, int64_t id, const char *reason, vs_act *x, err *e) {
    st s = vs_act_get(c, id, x, e);
    if (!s) s = scope_check_id(c, "volunteer_activity", id, e);
    if (!s) s = vs_text(reason, "reason", "取消原因", 2, 200, e);
    if (s) return s;
    if (strcmp(x->state, "open")) return err_set(e, ST_CONFLICT, "活动“%s”已取消，不能再次取消。", x->title);
    if (clock_now() >= x->starts_at)
        return err_set(e, ST_CONFLICT, "活动“%s”（%s %s）已开始，不能取消：请在活动结束后确认实际到场人员的时长。", x->title, x->day, x->start);
    return db_run(c->d, "UPDATE volunteer_activity SET state = 'cancelled', cancel_reason = $2 WHERE id = $1", e, "it", id, reason);
}

st volunteer_store_activity_cancel(uc *c, int64_t id, const char *reason, err *e) {
    vs_act x;
    st s = uc_begin(c, e);
    if (!s) s = vs_cancel_in(c, id, reason, &x, e);
    uc_act a = {"volunteer.cancel", uc_obj(c, "volunteer_activity", id), reason};
    return uc_end(c, s, &a, e);
}

/* ---- check-in (the meetings' rolling QR codes) ---- */

static st vs_window(const vs_act *x, int64_t now, err *e) {
    int64_t before = cfg_int("volunteer-checkin-before"), after = cfg_int("volunteer-checkin-after");
    if (meeting_window_open(now, x->starts_at, x->ends_at, before, after)) return ST_OK;
    st s = err_set(e, ST_CONFLICT, "不在签到时间内：活动“%s” %s %s–%s，签到自开始前 %lld 分钟至结束后 %lld 分钟。", x->title, x->day, x->start,
                   x->end, (long long)(before / 60), (long long)(after / 60));
    snprintf(e->api_code, sizeof e->api_code, "outside_window");
    return s;
}

st volunteer_store_token(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    vs_act x;
    st s = vs_act_get(c, id, &x, e);
    if (!s) s = scope_check_id(c, "volunteer_activity", id, e);
    if (!s && strcmp(x.state, "open")) s = err_set(e, ST_CONFLICT, "活动“%s”已取消，没有签到码。", x.title);
    int64_t now = clock_now();
    if (!s) s = vs_window(&x, now, e);
    unsigned char key[32];
    if (!s) s = crypt_subkey("volunteer-checkin", key, e);
    if (s) return s;
    int64_t step_s = cfg_int("rule-meeting-checkin-step"), step = meeting_step(now, step_s);
    char tok[MEETING_TOKEN_MAX];
    meeting_token_make(key, id, step, tok);
    sodium_memzero(key, sizeof key);
    *out = json_pack("{s:I,s:s,s:s,s:I,s:I}", "activity_id", (json_int_t)id, "token", tok, "url",
                     arena_printf(c->mem, "/m/volunteer/checkin?t=%s", tok), "step_seconds", (json_int_t)step_s, "expires_at",
                     (json_int_t)((step + 1) * step_s));
    return *out ? ST_OK : vs_nomem(e);
}

static st vs_checkin_in(uc *c, const char *token, int64_t *aid, json_t **out, err *e) {
    int64_t now = clock_now(), step_s = cfg_int("rule-meeting-checkin-step"), step = 0;
    unsigned char key[32];
    st s = crypt_subkey("volunteer-checkin", key, e);
    if (s) return s;
    meeting_token_st t = meeting_token_check(key, token, meeting_step(now, step_s), 1, aid, &step);
    sodium_memzero(key, sizeof key);
    if (t == MEETING_TOKEN_MALFORMED) {
        *aid = 0;
        return err_field(e, ST_INVALID, "token", "签到码无效：请扫描组织者出示的最新二维码。");
    }
    if (t == MEETING_TOKEN_STALE)
        return err_field(e, ST_INVALID, "token", "签到码已过期（二维码每 %lld 秒更换）：请扫描最新的二维码。", (long long)step_s);
    if (t == MEETING_TOKEN_FUTURE) return err_field(e, ST_INVALID, "token", "签到码的时间晚于服务器时间：请扫描最新的二维码。");
    int64_t person = 0;
    vs_act x;
    if ((s = vs_person(c, &person, e)) || (s = vs_act_get(c, *aid, &x, e))) return s;
    if (strcmp(x.state, "open")) return err_set(e, ST_CONFLICT, "活动“%s”已取消，不能签到。", x.title);
    if ((s = vs_window(&x, now, e))) return s;
    int64_t got = 0;
    s = db_query_int(c->d, &got,
                     "UPDATE volunteer_signup SET checked_in_at = $3 WHERE activity_id = $1 AND person_id = $2 AND checked_in_at IS NULL "
                     "RETURNING person_id",
                     e, "iii", *aid, person, now);
    if (s == ST_NOT_FOUND) {
        int64_t had = 0;
        s = db_query_int(c->d, &had, "SELECT 1 FROM volunteer_signup WHERE activity_id = $1 AND person_id = $2", e, "ii", *aid, person);
        if (s == ST_OK) {
            s = err_set(e, ST_CONFLICT, "您已签到过活动“%s”，同一活动只能签到一次。", x.title);
            snprintf(e->api_code, sizeof e->api_code, "already_checked_in");
        } else if (s == ST_NOT_FOUND) {
            s = err_set(e, ST_FORBIDDEN, "您没有报名活动“%s”（%s），不能签到：只有报名的志愿者可以签到。", x.title, x.day);
            snprintf(e->api_code, sizeof e->api_code, "not_signed_up");
        }
        return s;
    }
    if (s) return s;
    *out = json_pack("{s:I,s:s,s:s,s:s,s:I}", "activity_id", (json_int_t)*aid, "title", x.title, "day", x.day, "start_time", x.start,
                     "checked_in_at", (json_int_t)now);
    return *out ? ST_OK : vs_nomem(e);
}

st volunteer_store_checkin(uc *c, const char *token, json_t **out, err *e) {
    *out = NULL;
    int64_t aid = 0;
    st s = uc_begin(c, e);
    if (!s) s = vs_checkin_in(c, token, &aid, out, e);
    uc_act a = {"volunteer.checkin", aid ? uc_obj(c, "volunteer_activity", aid) : NULL, "扫码签到"};
    s = uc_end(c, s, &a, e);
    if (s == ST_INVALID || s == ST_CONFLICT || s == ST_FORBIDDEN || s == ST_NOT_FOUND) {
        /* refused: kept in the audit log (who tried, which activity, why), as the meetings' */
        err e2;
        uc_act r = {"volunteer.checkin", aid ? uc_obj(c, "volunteer_activity", aid) : NULL, arena_strdup(c->mem, e->msg), "refused"};
        if (uc_audit(c, &r, &e2)) s = err_set(e, e2.code, "%s", e2.msg);
    }
    if (s) {
        json_decref(*out);
        *out = NULL;
    }
    return s;
}

/* ---- hours ---- */

static st vs_confirm_one(uc *c, const vs_act *x, int64_t person, double hours, err *e) {
    int64_t org = 0;
    st s = db_query_int(c->d, &org,
                        "UPDATE volunteer_signup SET hours = $3, confirmed_at = $4, confirmed_by = $5 WHERE activity_id = $1 AND person_id = $2 "
                        "AND checked_in_at IS NOT NULL AND confirmed_at IS NULL RETURNING person_id",
                        e, "iidit", x->id, person, hours, clock_now(), vs_actor(c));
    if (s == ST_NOT_FOUND) {
        int64_t state = 0;
        char *name = NULL;
        st s2 = db_query_int(c->d, &state,
                             "SELECT CASE WHEN confirmed_at IS NOT NULL THEN 2 WHEN checked_in_at IS NOT NULL THEN 1 ELSE 0 END "
                             "FROM volunteer_signup WHERE activity_id = $1 AND person_id = $2",
                             e, "ii", x->id, person);
        if (s2 && s2 != ST_NOT_FOUND) return s2;
        if (db_query_text(c->d, &name, "SELECT name FROM person WHERE id = $1", e, "i", person) != ST_OK) name = NULL;
        const char *who = name ? arena_strdup(c->mem, name) : arena_printf(c->mem, "编号 %lld 的人员", (long long)person);
        free(name);
        if (s2 == ST_NOT_FOUND) return err_field(e, ST_INVALID, "person_id", "%s没有报名活动“%s”，不能确认时长。", who, x->title);
        if (state == 2) {
            s = err_field(e, ST_CONFLICT, "person_id", "%s在活动“%s”的时长已确认过，每人只能确认一次。", who, x->title);
            snprintf(e->api_code, sizeof e->api_code, "already_confirmed");
            return s;
        }
        return err_field(e, ST_INVALID, "person_id", "%s没有签到活动“%s”，不能确认时长：只有签到到场的志愿者计入时长。", who, x->title);
    }
    if (s) return s;
    /* the member's organization of the day, for the activity log (a park team's volunteer still belongs to one) */
    org = 0;
    s = db_query_int(c->d, &org, "SELECT org_id FROM member WHERE person_id = $1", e, "i", person);
    if (s == ST_NOT_FOUND) s = ST_OK;
    if (s) return s;
    member_activity a = {person, org, "volunteer.hours", x->day, arena_printf(c->mem, "volunteer:%lld", (long long)x->id), hours};
    return member_store_activity(c, &a, e);
}

static st vs_confirm_in(uc *c, int64_t id, const volunteer_hours_item *items, size_t n, int64_t *done, err *e) {
    vs_act x;
    st s = vs_act_get(c, id, &x, e);
    if (!s) s = scope_check_id(c, "volunteer_activity", id, e);
    if (s) return s;
    if (strcmp(x.state, "open")) return err_set(e, ST_CONFLICT, "活动“%s”已取消，没有时长可确认。", x.title);
    if (clock_now() < x.ends_at)
        return err_set(e, ST_CONFLICT, "活动“%s”（%s %s–%s）尚未结束：请在结束后确认时长。", x.title, x.day, x.start, x.end);
    double maxh = (double)cfg_int("volunteer-hours-max");
    if (n) {
        for (size_t i = 0; i < n; i++) {
            double h = items[i].hours > 0 ? items[i].hours : x.hours;
            if (!volunteer_hours_ok(h, maxh))
                return err_field(e, ST_INVALID, "hours", "第 %zu 项的时长应大于 0、不超过 %.0f 小时，最多两位小数。", i + 1, maxh);
            if ((s = vs_confirm_one(c, &x, items[i].person_id, h, e))) return s;
            (*done)++;
        }
        return ST_OK;
    }
    json_t *ids = NULL;
    if ((s = db_query_json(c->d, &ids,
                           "SELECT person_id FROM volunteer_signup WHERE activity_id = $1 AND checked_in_at IS NOT NULL AND confirmed_at IS NULL "
                           "ORDER BY person_id",
                           e, "i", id)))
        return s;
    arena_json(c->mem, ids);
    if (!json_array_size(ids)) return err_set(e, ST_CONFLICT, "活动“%s”没有待确认时长的签到人员（未签到的不计时长，已确认的不再确认）。", x.title);
    size_t i;
    json_t *r;
    json_array_foreach(ids, i, r) {
        if ((s = vs_confirm_one(c, &x, json_integer_value(json_object_get(r, "person_id")), x.hours, e))) return s;
        (*done)++;
    }
    return ST_OK;
}

st volunteer_store_confirm(uc *c, int64_t id, const volunteer_hours_item *items, size_t n, int64_t *done, err *e) {
    *done = 0;
    st s = uc_begin(c, e);
    if (!s) s = vs_confirm_in(c, id, items, n, done, e);
    uc_act a = {"volunteer.hours", uc_obj(c, "volunteer_activity", id), arena_printf(c->mem, "确认 %lld 人的服务时长", (long long)*done)};
    return uc_end(c, s, &a, e);
}

#define VS_HOURS_SCOPE SCOPE_COND("$1", "$2", "t.district_code", "t.park_code", "t.org_path", "NULL", "NULL")
#define VS_HOURS_FROM_J                                                                                                    \
    "FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id JOIN volunteer_team t ON t.id = a.team_id "
#define VS_HOURS_WHERE                                                                                                     \
    "WHERE s.confirmed_at IS NOT NULL AND " VS_HOURS_SCOPE " AND ($3 = '' OR a.day >= $3) AND ($4 = '' OR a.day <= $4) "

#define VS_HOURS_TEAM                                                                                                      \
    "SELECT t.id AS team_id, t.name AS team_name, MAX(o.name) AS org_name, MAX(r.name) AS park_name, "                     \
    "COUNT(DISTINCT s.person_id) AS people, COUNT(DISTINCT a.id) AS activities, SUM(s.hours) AS hours " VS_HOURS_FROM_J  \
    "LEFT JOIN org o ON o.id = t.org_id LEFT JOIN region r ON r.code = t.park_code " VS_HOURS_WHERE "GROUP BY t.id, t.name"
#define VS_HOURS_MEMBER                                                                                                    \
    "SELECT s.person_id, MAX(pp.name) AS name, MAX(o.name) AS org_name, COUNT(DISTINCT a.team_id) AS teams, "              \
    "COUNT(*) AS activities, SUM(s.hours) AS hours " VS_HOURS_FROM_J "JOIN person pp ON pp.id = s.person_id "              \
    "LEFT JOIN member m ON m.person_id = s.person_id LEFT JOIN org o ON o.id = m.org_id " VS_HOURS_WHERE "GROUP BY s.person_id"

st volunteer_store_hours(uc *c, const char *by, const char *from, const char *until, const uc_page *p, json_t **items,
                         int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *f = from ? from : "", *u = until ? until : "";
    bool team = by && !strcmp(by, "team");
    const char *inner = team ? VS_HOURS_TEAM : VS_HOURS_MEMBER;
    const char *sql = arena_printf(c->mem, "SELECT COUNT(*) FROM (%s) q", inner);
    if (!sql) return vs_nomem(e);
    st s = db_query_int(c->d, total, sql, e, "tttt", k, code, f, u);
    if (s) return s;
    sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $5 OFFSET $6", inner, p && p->order ? p->order : "q.hours DESC");
    if (!sql) return vs_nomem(e);
    return db_query_json(c->d, items, sql, e, "ttttii", k, code, f, u, p ? p->limit : 50, p ? p->offset : 0);
}

/* ---- the member's own ---- */

st volunteer_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    int64_t person = 0;
    st s = vs_person(c, &person, e);
    if (s == ST_NOT_FOUND) person = 0, s = ST_OK;   /* no registration: the list still shows, sign-up says why not */
    if (s) return s;
    char today[11];
    vs_today(today);
    int64_t limit = cfg_int("volunteer-upcoming-max");
    json_t *up = NULL, *mine = NULL, *teams = NULL;
    if ((s = db_query_json(c->d, &up,
                           "SELECT " VS_ACT_COLS ", CASE WHEN s.person_id IS NULL THEN 0 ELSE 1 END AS signed_up, "
                           "s.checked_in_at FROM volunteer_activity a JOIN volunteer_team t ON t.id = a.team_id "
                           "LEFT JOIN volunteer_signup s ON s.activity_id = a.id AND s.person_id = $1 "
                           "WHERE a.state = 'open' AND a.day >= $2 ORDER BY a.day, a.start_time, a.id LIMIT $3",
                           e, "iti", person, today, limit)))
        return s;
    arena_json(c->mem, up);
    if ((s = db_query_json(c->d, &mine,
                           "SELECT " VS_ACT_COLS ", s.checked_in_at, s.hours AS my_hours, s.confirmed_at "
                           "FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id "
                           "JOIN volunteer_team t ON t.id = a.team_id WHERE s.person_id = $1 ORDER BY a.day DESC, a.start_time DESC, a.id DESC LIMIT 100",
                           e, "i", person)))
        return s;
    arena_json(c->mem, mine);
    if ((s = db_query_json(c->d, &teams,
                           "SELECT t.id, t.name, t.owner_kind, o.name AS org_name, r.name AS park_name, t.intro, "
                           "CASE WHEN v.person_id IS NULL THEN 0 ELSE 1 END AS joined, "
                           "(SELECT COUNT(*) FROM volunteer_member x WHERE x.team_id = t.id) AS members "
                           "FROM volunteer_team t LEFT JOIN org o ON o.id = t.org_id LEFT JOIN region r ON r.code = t.park_code "
                           "LEFT JOIN volunteer_member v ON v.team_id = t.id AND v.person_id = $1 ORDER BY t.id LIMIT 200",
                           e, "i", person)))
        return s;
    arena_json(c->mem, teams);
    double hours = 0;
    size_t i;
    json_t *r;
    json_array_foreach(up, i, r) {
        json_object_set_new(r, "left", json_integer(volunteer_left(json_integer_value(json_object_get(r, "places")),
                                                                   json_integer_value(json_object_get(r, "taken")))));
    }
    json_array_foreach(mine, i, r) {
        if (json_object_get(r, "confirmed_at") && !json_is_null(json_object_get(r, "confirmed_at")))
            hours += json_number_value(json_object_get(r, "my_hours"));
    }
    *out = json_pack("{s:O,s:O,s:O,s:f,s:b}", "upcoming", up, "mine", mine, "teams", teams, "hours", round(hours * 100) / 100,
                     "registered", person > 0);
    return *out ? ST_OK : vs_nomem(e);
}

static st vs_join_in(uc *c, int64_t team_id, err *e) {
    int64_t person = 0, got = 0;
    st s = vs_person(c, &person, e);
    if (s) return s;
    s = db_query_int(c->d, &got, "SELECT id FROM volunteer_team WHERE id = $1", e, "i", team_id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "编号为 %lld 的志愿服务队不存在。", (long long)team_id);
    if (s) return s;
    s = db_query_int(c->d, &got,
                     "INSERT INTO volunteer_member(team_id, person_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING person_id",
                     e, "iii", team_id, person, clock_now());
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_CONFLICT, "您已是该志愿服务队的队员。");
        snprintf(e->api_code, sizeof e->api_code, "already_member");
    }
    return s;
}

st volunteer_store_join(uc *c, int64_t team_id, err *e) {
    st s = uc_begin(c, e);
    if (!s) s = vs_join_in(c, team_id, e);
    uc_act a = {"volunteer.join", uc_obj(c, "volunteer_team", team_id), "加入志愿服务队"};
    return uc_end(c, s, &a, e);
}

static st vs_signup_in(uc *c, int64_t id, err *e) {
    int64_t person = 0, got = 0;
    vs_act x;
    st s = vs_person(c, &person, e);
    if (!s) s = vs_act_get(c, id, &x, e);
    if (s) return s;
    if (strcmp(x.state, "open")) return err_set(e, ST_CONFLICT, "活动“%s”已取消，不能报名。", x.title);
    if (clock_now() >= x.starts_at)
        return err_set(e, ST_CONFLICT, "活动“%s”（%s %s）已开始，报名已截止。", x.title, x.day, x.start);
    s = db_query_int(c->d, &got,
                     "INSERT INTO volunteer_signup(activity_id, person_id, signed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING person_id",
                     e, "iii", id, person, clock_now());
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_CONFLICT, "您已报名活动“%s”，不用重复报名。", x.title);
        snprintf(e->api_code, sizeof e->api_code, "already_signed_up");
        return s;
    }
    if (s) return s;
    /* one place, taken only while one is left: the row's lock orders the sign-ups for the last one */
    s = db_query_int(c->d, &got, "UPDATE volunteer_activity SET taken = taken + 1 WHERE id = $1 AND taken < places RETURNING taken", e, "i",
                     id);
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_CONFLICT, "活动“%s”的 %lld 个名额已报满：可以关注其他活动，或等有人取消报名后再报。", x.title, (long long)x.places);
        snprintf(e->api_code, sizeof e->api_code, "full");
    }
    return s;
}

st volunteer_store_signup(uc *c, int64_t activity_id, err *e) {
    st s = uc_begin(c, e);
    if (!s) s = vs_signup_in(c, activity_id, e);
    uc_act a = {"volunteer.signup", uc_obj(c, "volunteer_activity", activity_id), "报名志愿服务活动"};
    return uc_end(c, s, &a, e);
}

static st vs_unsign_in(uc *c, int64_t id, err *e) {
    int64_t person = 0, got = 0;
    vs_act x;
    st s = vs_person(c, &person, e);
    if (!s) s = vs_act_get(c, id, &x, e);
    if (s) return s;
    if (clock_now() >= x.starts_at)
        return err_set(e, ST_CONFLICT, "活动“%s”（%s %s）已开始，不能再取消报名：如不能到场，请联系组织者。", x.title, x.day, x.start);
    s = db_query_int(c->d, &got, "DELETE FROM volunteer_signup WHERE activity_id = $1 AND person_id = $2 RETURNING person_id", e, "ii", id,
                     person);
    if (s == ST_NOT_FOUND) return err_set(e, ST_CONFLICT, "您没有报名活动“%s”，无需取消。", x.title);
    if (s) return s;
    return db_run(c->d, "UPDATE volunteer_activity SET taken = taken - 1 WHERE id = $1 AND taken > 0", e, "i", id);
}

st volunteer_store_unsign(uc *c, int64_t activity_id, err *e) {
    st s = uc_begin(c, e);
    if (!s) s = vs_unsign_in(c, activity_id, e);
    uc_act a = {"volunteer.unsign", uc_obj(c, "volunteer_activity", activity_id), "取消报名志愿服务活动"};
    return uc_end(c, s, &a, e);
}

st volunteer_store_cert(uc *c, int64_t activity_id, volunteer_cert *k, err *e) {
    memset(k, 0, sizeof k[0]);
    int64_t person = 0;
    st s = vs_person(c, &person, e);
    if (s) return s;
    json_t *rows = NULL;
    if ((s = db_query_json(c->d, &rows,
                           "SELECT p.name, t.name AS team, a.title, a.day, a.place, s.hours, s.confirmed_at, o.name AS org_name, "
                           "r.name AS park_name FROM volunteer_signup s JOIN volunteer_activity a ON a.id = s.activity_id "
                           "JOIN volunteer_team t ON t.id = a.team_id JOIN person p ON p.id = s.person_id "
                           "LEFT JOIN org o ON o.id = t.org_id LEFT JOIN region r ON r.code = t.park_code "
                           "WHERE s.activity_id = $1 AND s.person_id = $2",
                           e, "ii", activity_id, person)))
        return s;
    arena_json(c->mem, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "您没有报名编号为 %lld 的志愿服务活动，没有服务证明。", (long long)activity_id);
    if (json_is_null(json_object_get(r, "confirmed_at")))
        return err_set(e, ST_CONFLICT, "活动“%s”的服务时长尚未由组织者确认：确认后才能下载志愿服务证明。", json_string_value(json_object_get(r, "title")));
#define VS_S(f) arena_strdup(c->mem, json_string_value(json_object_get(r, f)))
    k->name = VS_S("name");
    k->team = VS_S("team");
    k->title = VS_S("title");
    k->day = VS_S("day");
    k->place = VS_S("place");
    k->issuer = json_is_string(json_object_get(r, "org_name")) ? VS_S("org_name") : VS_S("park_name");
#undef VS_S
    char d[11];
    clock_day((int64_t)json_integer_value(json_object_get(r, "confirmed_at")), d);
    k->issued_on = arena_strdup(c->mem, d);
    k->hours = arena_printf(c->mem, "%g", json_number_value(json_object_get(r, "hours")));
    k->number = arena_printf(c->mem, "ZY%06lld%06lld", (long long)activity_id, (long long)person);
    if (!k->name || !k->hours || !k->number) return vs_nomem(e);
    uc_act a = {"volunteer.certificate", uc_obj(c, "volunteer_activity", activity_id), k->number};
    return uc_audit(c, &a, e);
}

/* ---- scope ---- */

const scope_resolver volunteer_scope_resolvers[] = {
    {"volunteer_team", true, false, "SELECT district_code, park_code, org_path, NULL, NULL FROM volunteer_team WHERE id = CAST($1 AS BIGINT)",
     0, false, false, NULL, "志愿服务队"},
    {"volunteer_activity", true, false,
     "SELECT t.district_code, t.park_code, t.org_path, NULL, NULL FROM volunteer_activity a JOIN volunteer_team t ON t.id = a.team_id "
     "WHERE a.id = CAST($1 AS BIGINT)",
     0, false, false, NULL, "志愿服务活动"},
    {NULL, false, false, NULL},
};
