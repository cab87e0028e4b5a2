/* meeting_store — organizational life in the database (see meeting_store.h).
 * All of the meeting module's SQL is here. */
#include "meeting/meeting_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "member/member_store.h"

/* ---- small helpers ---- */

static const char *ms_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static const char *ms_nz(const char *s) { return s && *s ? s : NULL; }

static void ms_today(char out[11]) { clock_day(clock_now(), out); }


typedef struct ms_org {
    int64_t id;
    const char *path, *district, *park, *kind, *established, *dissolved, *name;
    bool committee;
} ms_org;

static st ms_org_get(uc *c, int64_t id, ms_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT path, district_code, park_code, kind, "
                      "CASE WHEN committee IS NOT NULL AND committee <> '[]' THEN 1 ELSE 0 END, established_on, dissolved_on, "
                      "name FROM org WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        o->id = id;
        o->path = ms_col(c, q, 0);
        o->district = ms_col(c, q, 1);
        o->park = ms_col(c, q, 2);
        o->kind = ms_col(c, q, 3);
        o->committee = db_col_int(q, 4) != 0;
        o->established = ms_col(c, q, 5);
        o->dissolved = ms_col(c, q, 6);
        o->name = ms_col(c, q, 7);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_field(e, ST_NOT_FOUND, "org_id", "没有编号为 %lld 的党组织。", (long long)id);
}

typedef struct ms_row {
    int64_t id, org_id, starts_at, ends_at;
    const char *kind, *state, *day, *start, *end, *place, *online_url, *topic, *minutes, *decisions;
} ms_row;

static st ms_get(uc *c, int64_t id, ms_row *m, err *e) {
    memset(m, 0, sizeof *m);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT org_id, kind, state, day, start_time, end_time, starts_at, ends_at, place, online_url, topic, "
                      "minutes, decisions FROM meeting WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        m->id = id;
        m->org_id = db_col_int(q, 0);
        m->kind = ms_col(c, q, 1);
        m->state = ms_col(c, q, 2);
        m->day = ms_col(c, q, 3);
        m->start = ms_col(c, q, 4);
        m->end = ms_col(c, q, 5);
        m->starts_at = db_col_int(q, 6);
        m->ends_at = db_col_int(q, 7);
        m->place = ms_col(c, q, 8);
        m->online_url = ms_col(c, q, 9);
        m->topic = ms_col(c, q, 10);
        m->minutes = ms_col(c, q, 11);
        m->decisions = ms_col(c, q, 12);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的会议。", (long long)id);
}

/* Day, start and end: real, and the end after the start. */
static st ms_when(const char *day, const char *start, const char *end, err *e) {
    if (!meeting_day_ok(day))
        return err_field(e, ST_INVALID, "day", "会议日期 day=“%s”不是有效日期，应为 YYYY-MM-DD（如 2026-03-05）。", day ? day : "");
    if (!meeting_time_ok(start))
        return err_field(e, ST_INVALID, "start", "开始时间 start=“%s”无效，应为 HH:MM（如 09:30）。", start ? start : "");
    if (!meeting_time_ok(end))
        return err_field(e, ST_INVALID, "end", "结束时间 end=“%s”无效，应为 HH:MM（如 11:00）。", end ? end : "");
    if (strcmp(end, start) <= 0) return err_field(e, ST_INVALID, "end", "结束时间 end（%s）应晚于开始时间 start（%s）。", end, start);
    return ST_OK;
}

/* An online link is shown to members as a link: only http(s), nothing a browser would run. */
static st ms_url(const char *u, err *e) {
    if (!u) return ST_OK;
    if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
        return err_field(e, ST_INVALID, "online_url", "线上会议链接 online_url 应以 https:// 或 http:// 开头。");
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
            return err_field(e, ST_INVALID, "online_url", "线上会议链接 online_url 含有空格或不允许的字符。");
    return ST_OK;
}

/* The organization exists on day (founded, not yet dissolved). */
static st ms_org_on(const ms_org *o, const char *day, err *e) {
    if (strcmp(day, o->established) < 0)
        return err_field(e, ST_INVALID, "day", "“%s”成立于 %s，%s 尚未成立。", o->name, o->established, day);
    if (o->dissolved && strcmp(day, o->dissolved) >= 0)
        return err_field(e, ST_INVALID, "day", "“%s”已于 %s 撤销，%s 不能开会。", o->name, o->dissolved, day);
    return ST_OK;
}

/* ---- the roll of a meeting ---- */

/* Rows bound per statement when a list is written at once (a branch's roll:
 * one round trip per chunk, not one per member), under the PostgreSQL
 * backend's 64 parameters a statement (db_pgsql.c): 15 roll rows of 4, or 60
 * person ids beside 2. */
enum { MS_ROLL_CHUNK = 15, MS_MARK_CHUNK = 60 };

/* The members expected: the organization's roll on the meeting's day.  New
 * names on the roll are added (and a changed name or category updated) in one
 * statement per MS_ROLL_CHUNK rows; those no longer on it leave the list unless
 * they checked in or asked leave (then what they did stays on the record). */
static st ms_sync_roll(uc *c, int64_t id, int64_t org_id, const char *day, err *e) {
    member_standing *roll;
    size_t n;
    st s = member_store_roll(c, org_id, day, &roll, &n, e);
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows,
                              "SELECT person_id, name, category, CASE WHEN checked_in_at IS NULL AND leave_state IS NULL THEN 1 ELSE 0 END "
                              "AS loose FROM meeting_attendee WHERE meeting_id = $1",
                              e, "i", id);
    if (s) return s;
    /* what to write: those not on the list yet, or listed with another name or category */
    size_t *todo = arena_calloc(c->mem, n + 1, sizeof *todo), nt = 0;
    if (!todo) s = err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; !s && i < n; i++) {
        bool same = false;
        size_t k;
        json_t *r;
        json_array_foreach(rows, k, r) {
            if (json_integer_value(json_object_get(r, "person_id")) != roll[i].person_id) continue;
            same = !strcmp(json_string_value(json_object_get(r, "name")), roll[i].name) &&
                   !strcmp(json_string_value(json_object_get(r, "category")), roll[i].category);
            break;
        }
        if (!same) todo[nt++] = i;
    }
    for (size_t at = 0; !s && at < nt; at += MS_ROLL_CHUNK) {
        size_t cnt = nt - at < MS_ROLL_CHUNK ? nt - at : MS_ROLL_CHUNK;
        buf b;
        buf_init(&b, 16384);
        s = buf_puts(&b, "INSERT INTO meeting_attendee(meeting_id, person_id, name, category) VALUES ");
        for (size_t j = 0; !s && j < cnt; j++)
            s = buf_printf(&b, "%s($%zu, $%zu, $%zu, $%zu)", j ? ", " : "", 4 * j + 1, 4 * j + 2, 4 * j + 3, 4 * j + 4);
        if (!s) s = buf_puts(&b, " ON CONFLICT (meeting_id, person_id) DO UPDATE SET name = excluded.name, category = excluded.category");
        const char *sql = s ? NULL : arena_strdup(c->mem, b.data);
        buf_free(&b);
        db_stmt *q;
        if (!s && !sql) s = err_set(e, ST_NOMEM, "内存不足。");
        if (!s) s = db_prepare(c->d, sql, &q, e);
        if (s) break;
        for (size_t j = 0; j < cnt; j++) {
            const member_standing *m = &roll[todo[at + j]];
            db_bind_int(q, (int)(4 * j + 1), id);
            db_bind_int(q, (int)(4 * j + 2), m->person_id);
            db_bind_text(q, (int)(4 * j + 3), m->name);
            db_bind_text(q, (int)(4 * j + 4), m->category);
        }
        int r;
        while ((r = db_step(q, e)) == DB_ROW) {}
        db_reset(q);
        if (r == DB_ERROR) s = e->code;
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (s) break;
        int64_t p = json_integer_value(json_object_get(r, "person_id"));
        bool on = !json_integer_value(json_object_get(r, "loose"));   /* what they did stays */
        for (size_t j = 0; j < n && !on; j++) on = roll[j].person_id == p;
        if (!on) s = db_run(c->d, "DELETE FROM meeting_attendee WHERE meeting_id = $1 AND person_id = $2", e, "ii", id, p);
    }
    json_decref(rows);
    return s;
}

/* ---- plan, move, propose ---- */

/* ---- kept by organization and month (meeting_month, migration 0048) ---- */

/* The held meetings of each kind as k0..k7, from rows x(kind, day, att, exp). */
#define MS_MONTH_KINDS                                                                                                \
    "SUM(CASE WHEN x.kind = '支部党员大会' THEN 1 ELSE 0 END), SUM(CASE WHEN x.kind = '支委会' THEN 1 ELSE 0 END), "         \
    "SUM(CASE WHEN x.kind = '党小组会' THEN 1 ELSE 0 END), SUM(CASE WHEN x.kind = '党课' THEN 1 ELSE 0 END), "               \
    "SUM(CASE WHEN x.kind = '主题党日' THEN 1 ELSE 0 END), SUM(CASE WHEN x.kind = '组织生活会' THEN 1 ELSE 0 END), "         \
    "SUM(CASE WHEN x.kind = '民主评议党员' THEN 1 ELSE 0 END), SUM(CASE WHEN x.kind = '谈心谈话' THEN 1 ELSE 0 END), "       \
    "COALESCE(SUM(x.att), 0), COALESCE(SUM(x.exp), 0), MAX(x.day)"
#define MS_MONTH_COLS "(month, org_id, k0, k1, k2, k3, k4, k5, k6, k7, attended, expected, last_day)"

/* The month of day worked out again for one organization from its held meetings (through the index
   on org_id and day; the attendance of each through the attendee key), in the caller's transaction.
   Every write that changes a held meeting, its day or its attendance ends here. */
static st ms_month_refresh(uc *c, int64_t org_id, const char *day, err *e) {
    char month[8], from[11], to[11];
    snprintf(month, sizeof month, "%.7s", day);
    snprintf(from, sizeof from, "%s-01", month);
    snprintf(to, sizeof to, "%s-31", month);
    st s = db_run(c->d, "DELETE FROM meeting_month WHERE month = $1 AND org_id = $2", e, "ti", month, org_id);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO meeting_month" MS_MONTH_COLS " SELECT $1, CAST($2 AS BIGINT), " MS_MONTH_KINDS
                   " FROM (SELECT m.kind, m.day, (SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id "
                   "AND a.status IN ('present', 'online')) AS att, (SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id) AS exp "
                   "FROM meeting m WHERE m.org_id = $2 AND m.state = 'held' AND m.day >= $3 AND m.day <= $4) x HAVING COUNT(*) > 0",
                   e, "titt", month, org_id, from, to);
    if (!s) s = db_run(c->d, "DELETE FROM meeting_last WHERE org_id = $1", e, "i", org_id);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO meeting_last(org_id, last_day) SELECT CAST($1 AS BIGINT), MAX(t.last_day) FROM meeting_month t "
                   "WHERE t.org_id = $1 HAVING MAX(t.last_day) IS NOT NULL",
                   e, "i", org_id);
    return s;
}

st meeting_store_rebuild_months(db *d, int64_t *rows, err *e) {
    *rows = 0;
    st s = db_begin(d, e);
    if (!s) s = db_exec(d, "DELETE FROM meeting_month", e);
    if (!s)
        s = db_exec(d,
                    "INSERT INTO meeting_month" MS_MONTH_COLS " SELECT substr(x.day, 1, 7), x.org_id, " MS_MONTH_KINDS
                    " FROM (SELECT m.org_id, m.kind, m.day, COALESCE(t.att, 0) AS att, COALESCE(t.exp, 0) AS exp FROM meeting m "
                    "LEFT JOIN (SELECT a.meeting_id, SUM(CASE WHEN a.status IN ('present', 'online') THEN 1 ELSE 0 END) AS att, "
                    "COUNT(*) AS exp FROM meeting_attendee a GROUP BY a.meeting_id) t ON t.meeting_id = m.id "
                    "WHERE m.state = 'held') x GROUP BY x.org_id, substr(x.day, 1, 7)",
                    e);
    if (!s) s = db_exec(d, "DELETE FROM meeting_last", e);
    if (!s)
        s = db_exec(d, "INSERT INTO meeting_last(org_id, last_day) SELECT t.org_id, MAX(t.last_day) FROM meeting_month t GROUP BY t.org_id",
                    e);
    if (!s) s = db_query_int(d, rows, "SELECT COUNT(*) FROM meeting_month", e, "");
    if (!s) s = db_exec(d, "DELETE FROM meta WHERE key = 'meeting-month-stale'", e);
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    /* Filled at once, the tables are read at once: their statistics now (the join to the organizations
       planned on none was a nested loop), and on PostgreSQL the visibility map, without which the
       index-only scan of a quarter's months visits the table for every row (1.7 s for the city at
       200,000 organizations instead of 0.8 s) until autovacuum comes round. */
    if (!s)
        s = db_exec(d, db_kind_of(d) == DB_PGSQL ? "VACUUM (ANALYZE) meeting_month, meeting_last" : "ANALYZE meeting_month; ANALYZE meeting_last",
                    e);
    return s;
}

st meeting_store_upgrade(db *d, int64_t *rows, err *e) {
    *rows = 0;
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM meta WHERE key = 'meeting-month-stale'", e, "");
    if (s || !n) return s;
    log_info("正在按月汇总三会一课 / working out the meetings by organization and month");
    return meeting_store_rebuild_months(d, rows, e);
}

static st ms_plan_in(uc *c, const meeting_new *m, bool proposed, int64_t *id, err *e) {
    *id = 0;
    int k = meeting_kind_index(m->kind);
    if (k < 0)
        return err_field(e, ST_INVALID, "kind",
                         "会议类别 kind 应为 支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议党员 或 谈心谈话。");
    ms_org o;
    st s = ms_org_get(c, m->org_id, &o, e);
    if (!s) s = scope_check_id(c, "org", m->org_id, e);
    if (s) return s;
    if (!meeting_kind_applies(k, o.kind, o.committee))
        return err_field(e, ST_INVALID, "kind", k == 1 ? "“%s”没有支部委员会，不召开支委会。" : "“%s”（%s）不召开%s。", o.name,
                         k == 1 ? "" : o.kind, k == 1 ? "" : m->kind);
    if ((s = ms_when(m->day, m->start, m->end, e)) || (s = ms_org_on(&o, m->day, e)) || (s = ms_url(m->online_url, e))) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO meeting(org_id, org_path, district_code, park_code, kind, state, day, start_time, end_time, "
                     "starts_at, ends_at, place, online_url, topic, proposed, created_by, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, 'planned', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
                     e, "itttttttiitttiti", m->org_id, o.path, o.district, o.park, m->kind, m->day, m->start, m->end,
                     meeting_epoch(m->day, m->start), meeting_epoch(m->day, m->end), ms_nz(m->place), ms_nz(m->online_url),
                     ms_nz(m->topic), (int64_t)proposed, c->who.username, clock_now());
    if (!s) s = ms_sync_roll(c, *id, m->org_id, m->day, e);
    return s;
}

st meeting_store_plan(uc *c, const meeting_new *m, int64_t *id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_plan_in(c, m, false, id, e);
    uc_act a = {"meeting.plan", uc_obj(c, "meeting", *id), arena_printf(c->mem, "%s %s", m->kind ? m->kind : "", m->day ? m->day : "")};
    return uc_end(c, s, &a, e);
}

static st ms_move_in(uc *c, int64_t id, const meeting_move *x, err *e) {
    ms_row m;
    st s = ms_get(c, id, &m, e);
    if (!s) s = scope_check_id(c, "meeting", id, e);
    if (s) return s;
    if (strcmp(m.state, "planned"))
        return err_set(e, ST_CONFLICT, "会议已于 %s 召开并记录，不能再调整安排；修改记录请提交更正（amendments）。", m.day);
    const char *day = x->day ? x->day : m.day, *start = x->start ? x->start : m.start, *end = x->end ? x->end : m.end;
    ms_org o;
    if ((s = ms_when(day, start, end, e)) || (s = ms_url(x->online_url, e)) || (s = ms_org_get(c, m.org_id, &o, e)) ||
        (s = ms_org_on(&o, day, e)))
        return s;
    s = db_run(c->d,
               "UPDATE meeting SET day = $2, start_time = $3, end_time = $4, starts_at = $5, ends_at = $6, "
               "place = COALESCE($7, place), online_url = COALESCE($8, online_url), topic = COALESCE($9, topic), "
               "updated_at = $10 WHERE id = $1",
               e, "itttiittti", id, day, start, end, meeting_epoch(day, start), meeting_epoch(day, end), x->place, x->online_url,
               x->topic, clock_now());
    if (!s && strcmp(day, m.day)) s = ms_sync_roll(c, id, m.org_id, day, e);
    return s;
}

st meeting_store_move(uc *c, int64_t id, const meeting_move *x, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_move_in(c, id, x, e);
    uc_act a = {"meeting.move", uc_obj(c, "meeting", id), x->day};
    return uc_end(c, s, &a, e);
}

static st ms_propose_in(uc *c, int64_t org_id, int year, int *created, err *e) {
    ms_org o;
    st s = ms_org_get(c, org_id, &o, e);
    if (!s) s = scope_check_id(c, "org", org_id, e);
    if (s) return s;
    char ys[8], today[11];
    snprintf(ys, sizeof ys, "%04d", year % 10000);
    meeting_period p;
    if (year < 2000 || year > 2100 || !meeting_period_parse(ys, &p)) return err_field(e, ST_INVALID, "year", "年份 year 应在 2000 至 2100 之间。");
    ms_today(today);
    for (int k = 0; k < MEETING_KINDS && !s; k++) {
        int freq = meeting_freq(k);
        if (!freq || !meeting_kind_applies(k, o.kind, o.committee)) continue;
        meeting_period st1;
        for (int i = 0; !s && meeting_stretch(&p, freq, i, &st1); i++) {
            /* the stretch's first working day (主题党日: its fixed day, when set) on which the
               organization exists and that is not past */
            char day[11];
            snprintf(day, sizeof day, "%s", st1.from);
            long fixed = cfg_int("rule-meeting-theme-day");   /* 主题党日 on a fixed day of the month */
            if (k == 4 && fixed > 0) meeting_day_add(st1.from, (int)fixed - 1, day);
            if (strcmp(o.established, day) > 0) snprintf(day, sizeof day, "%s", o.established);
            if (strcmp(today, day) > 0) snprintf(day, sizeof day, "%s", today);
            while (meeting_weekday(day) == 0 || meeting_weekday(day) == 6) meeting_day_add(day, 1, day);
            if (strcmp(day, st1.to) > 0 || (o.dissolved && strcmp(day, o.dissolved) >= 0)) continue;
            int64_t have = 0;
            s = db_query_int(c->d, &have, "SELECT COUNT(*) FROM meeting WHERE org_id = $1 AND kind = $2 AND day >= $3 AND day <= $4",
                             e, "ittt", org_id, meeting_kinds[k], st1.from, st1.to);
            if (s || have) continue;
            meeting_new m = {.org_id = org_id, .kind = meeting_kinds[k], .day = day, .start = "09:00", .end = "10:30",
                             .topic = arena_printf(c->mem, "%s（%s）", meeting_kinds[k], st1.code)};
            int64_t id;
            s = ms_plan_in(c, &m, true, &id, e);
            if (!s) (*created)++;
        }
    }
    return s;
}

st meeting_store_propose(uc *c, int64_t org_id, int year, int *created, err *e) {
    *created = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_propose_in(c, org_id, year, created, e);
    uc_act a = {"meeting.propose", uc_obj(c, "org", org_id), arena_printf(c->mem, "%d 年：安排 %d 次", year, *created)};
    return uc_end(c, s, &a, e);
}

/* ---- record, amend ---- */

/* The record as it stands (JSON text in c's memory): what an amendment keeps before and after. */
static st ms_snapshot(uc *c, int64_t id, const char **out, err *e) {
    *out = NULL;
    json_t *m = NULL, *a = NULL;
    st s = db_query_json(c->d, &m,
                         "SELECT day, start_time, end_time, place, online_url, topic, minutes, decisions, quorum FROM meeting "
                         "WHERE id = $1",
                         e, "i", id);
    if (!s) s = db_query_json(c->d, &a,
                              "SELECT person_id, name, status FROM meeting_attendee WHERE meeting_id = $1 ORDER BY person_id", e,
                              "i", id);
    if (!s) {
        json_t *o = json_array_get(m, 0);
        json_object_set(o, "attendance", a);
        char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        *out = t ? arena_strdup(c->mem, t) : NULL;
        free(t);
        if (!*out) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    json_decref(m);
    json_decref(a);
    return s;
}

/* Everyone of ids (members of the roll) gets status, MS_MARK_CHUNK at a time; an id
 * not on the roll is refused, naming the field. */
static st ms_mark(uc *c, int64_t id, const int64_t *ids, size_t n, const char *status, const char *field, const char *day, err *e) {
    st s = ST_OK;
    for (size_t at = 0; !s && at < n; at += MS_MARK_CHUNK) {
        size_t cnt = n - at < MS_MARK_CHUNK ? n - at : MS_MARK_CHUNK;
        buf b;
        buf_init(&b, 8192);
        s = buf_puts(&b, "UPDATE meeting_attendee SET status = $2 WHERE meeting_id = $1 AND person_id IN (");
        for (size_t j = 0; !s && j < cnt; j++) s = buf_printf(&b, "%s$%zu", j ? ", " : "", j + 3);
        if (!s) s = buf_puts(&b, ") RETURNING person_id");
        const char *sql = s ? NULL : arena_strdup(c->mem, b.data);
        buf_free(&b);
        db_stmt *q;
        if (!s && !sql) s = err_set(e, ST_NOMEM, "内存不足。");
        if (!s) s = db_prepare(c->d, sql, &q, e);
        if (s) break;
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, status);
        for (size_t j = 0; j < cnt; j++) db_bind_int(q, (int)(j + 3), ids[at + j]);
        int64_t got[MS_MARK_CHUNK];
        size_t ng = 0;
        int r;
        while ((r = db_step(q, e)) == DB_ROW)
            if (ng < MS_MARK_CHUNK) got[ng++] = db_col_int(q, 0);
        db_reset(q);
        if (r == DB_ERROR) return e->code;
        for (size_t j = 0; j < cnt; j++) {
            bool found = false;
            for (size_t k = 0; k < ng && !found; k++) found = got[k] == ids[at + j];
            if (!found)
                return err_field(e, ST_INVALID, field, "%s 中编号为 %lld 的人员不在本次会议的应到人员名单中（%s 的党组织名册）。", field,
                                 (long long)ids[at + j], day);
        }
    }
    return s;
}

/* The attendance, the quorum and the activity log after a record or an amendment. */
static st ms_attendance(uc *c, int64_t id, const ms_row *m, const char *day, const meeting_record *r, bool set, err *e) {
    st s = ST_OK;
    if (set) {
        /* not named: present if they checked in, on leave if it was approved, else absent */
        s = db_run(c->d,
                   "UPDATE meeting_attendee SET status = CASE WHEN checked_in_at IS NOT NULL AND status IN ('present', 'online') "
                   "THEN status WHEN leave_state = 'approved' THEN 'leave' ELSE 'absent' END WHERE meeting_id = $1",
                   e, "i", id);
        if (!s) s = ms_mark(c, id, r->present, r->n_present, "present", "present", day, e);
        if (!s) s = ms_mark(c, id, r->online, r->n_online, "online", "online", day, e);
        if (!s) s = ms_mark(c, id, r->absent, r->n_absent, "absent", "absent", day, e);
    }
    /* the attendance kept: only those new on the roll (another day) are still "expected" */
    if (!s && !set)
        s = db_run(c->d,
                   "UPDATE meeting_attendee SET status = CASE WHEN leave_state = 'approved' THEN 'leave' ELSE 'absent' END "
                   "WHERE meeting_id = $1 AND status = 'expected'",
                   e, "i", id);
    if (!s && !strcmp(m->kind, MEETING_ASSEMBLY)) {
        int64_t voting = 0, present = 0;
        s = db_query_int(c->d, &voting, "SELECT COUNT(*) FROM meeting_attendee WHERE meeting_id = $1 AND category = '正式党员'", e, "i", id);
        if (!s) s = db_query_int(c->d, &present,
                                 "SELECT COUNT(*) FROM meeting_attendee WHERE meeting_id = $1 AND category = '正式党员' "
                                 "AND status IN ('present', 'online')",
                                 e, "i", id);
        if (!s) s = db_run(c->d, "UPDATE meeting SET quorum = $2 WHERE id = $1", e, "ii", id, (int64_t)meeting_quorum(voting, present));
    }
    /* the activity log: each member present once per meeting, the organization once */
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows,
                              "SELECT person_id FROM meeting_attendee WHERE meeting_id = $1 AND logged = 0 "
                              "AND status IN ('present', 'online') ORDER BY person_id",
                              e, "i", id);
    const char *ref = arena_printf(c->mem, "meeting:%lld", (long long)id);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        if (s) break;
        member_activity a = {.person_id = json_integer_value(json_object_get(row, "person_id")), .org_id = m->org_id,
                             .kind = "meeting.attended", .day = day, .ref = ref, .value = 1};
        s = member_store_activity(c, &a, e);
    }
    json_decref(rows);
    if (!s) s = db_run(c->d, "UPDATE meeting_attendee SET logged = 1 WHERE meeting_id = $1 AND logged = 0 AND status IN ('present', 'online')",
                       e, "i", id);
    if (!s && !strcmp(m->state, "planned")) {
        member_activity a = {.org_id = m->org_id, .kind = "meeting.held", .day = day, .ref = ref, .value = 1};
        s = member_store_activity(c, &a, e);
    }
    return s;
}

static st ms_record_in(uc *c, int64_t id, const meeting_record *r, bool amend, err *e) {
    ms_row m;
    st s = ms_get(c, id, &m, e);
    if (!s) s = scope_check_id(c, "meeting", id, e);
    if (s) return s;
    char today[11], last[11];
    ms_today(today);
    int lock = (int)cfg_int("rule-meeting-lock-days");
    bool held = !strcmp(m.state, "held");
    if (amend && !held) return err_set(e, ST_CONFLICT, "会议尚未记录，不能更正：请先记录（record）。");
    if (amend && (!r->reason || !*r->reason)) return err_field(e, ST_INVALID, "reason", "更正已锁定的会议记录须说明理由 reason。");
    if (!amend && held && meeting_locked(m.day, today, lock)) {
        meeting_day_add(m.day, lock, last);
        e->api_code[0] = 0;
        s = err_set(e, ST_CONFLICT, "会议记录已于 %s 后锁定（会后 %d 天），修改请提交更正（amendments）并说明理由。", last, lock);
        snprintf(e->api_code, sizeof e->api_code, "locked");
        return s;
    }
    const char *day = r->day ? r->day : m.day, *start = r->start ? r->start : m.start, *end = r->end ? r->end : m.end;
    const char *place = r->place ? ms_nz(r->place) : m.place, *url = r->online_url ? ms_nz(r->online_url) : m.online_url;
    const char *topic = r->topic ? ms_nz(r->topic) : m.topic;
    ms_org o;
    if ((s = ms_when(day, start, end, e)) || (s = ms_url(url, e)) || (s = ms_org_get(c, m.org_id, &o, e)) || (s = ms_org_on(&o, day, e)))
        return s;
    if (strcmp(day, today) > 0)
        return err_field(e, ST_INVALID, "day", "会议日期 %s 晚于今天，尚未召开的会议不能记录。", day);
    if (!place && !url) return err_field(e, ST_INVALID, "place", "请填写会议地点 place 或线上会议链接 online_url。");
    if (!topic) return err_field(e, ST_INVALID, "topic", "请填写会议主题 topic。");
    const char *before = NULL, *after = NULL;
    if (amend && (s = ms_snapshot(c, id, &before, e))) return s;
    int64_t now = clock_now();
    s = db_run(c->d,
               "UPDATE meeting SET state = 'held', day = $2, start_time = $3, end_time = $4, starts_at = $5, ends_at = $6, "
               "place = $7, online_url = $8, topic = $9, minutes = COALESCE($10, minutes), decisions = COALESCE($11, decisions), "
               "held_at = COALESCE(held_at, $12), updated_at = $12 WHERE id = $1",
               e, "itttiittttti", id, day, start, end, meeting_epoch(day, start), meeting_epoch(day, end), place, url, topic,
               r->minutes, r->decisions, now);
    if (!s) s = ms_sync_roll(c, id, m.org_id, day, e);
    /* the first record sets the attendance; later ones only when they name it (NULL fields keep what is there) */
    bool set = !held || r->present || r->online || r->absent;
    if (!s) s = ms_attendance(c, id, &m, day, r, set, e);
    if (!s && amend) s = ms_snapshot(c, id, &after, e);
    if (!s && amend)
        s = db_run(c->d, "INSERT INTO meeting_amendment(meeting_id, reason, before_json, after_json, actor, at) VALUES ($1, $2, $3, $4, $5, $6)",
                   e, "itttti", id, r->reason, before, after, c->who.username ? c->who.username : "", now);
    /* the months kept: the one it was held in before (an amendment may move it), and its month now */
    if (!s && held && strncmp(m.day, day, 7)) s = ms_month_refresh(c, m.org_id, m.day, e);
    if (!s) s = ms_month_refresh(c, m.org_id, day, e);
    return s;
}

st meeting_store_record(uc *c, int64_t id, const meeting_record *r, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_record_in(c, id, r, false, e);
    uc_act a = {"meeting.record", uc_obj(c, "meeting", id), r->topic};
    return uc_end(c, s, &a, e);
}

st meeting_store_amend(uc *c, int64_t id, const meeting_record *r, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_record_in(c, id, r, true, e);
    uc_act a = {"meeting.amend", uc_obj(c, "meeting", id), r->reason};
    return uc_end(c, s, &a, e);
}

/* ---- leave ---- */

/* The caller's row on a meeting's list: added when they are on the roll of
 * its day but joined after it was planned; ST_NOT_FOUND when not on it. */
static st ms_my_row(uc *c, const ms_row *m, int64_t person, err *e) {
    int64_t one = 0;
    st s = db_query_int(c->d, &one, "SELECT 1 FROM meeting_attendee WHERE meeting_id = $1 AND person_id = $2", e, "ii", m->id, person);
    if (s != ST_NOT_FOUND) return s;
    member_standing ms;
    s = member_store_standing(c, person, m->day, &ms, e);
    if (s == ST_OK && ms.roll_org_id == m->org_id && (!strcmp(ms.state, "正常") || !strcmp(ms.state, "流动") || !strcmp(ms.state, "失联")))
        return db_run(c->d, "INSERT INTO meeting_attendee(meeting_id, person_id, name, category) VALUES ($1, $2, $3, $4)", e, "iitt",
                      m->id, person, ms.name, ms.category);
    if (s && s != ST_NOT_FOUND) return s;
    return err_set(e, ST_NOT_FOUND, "您不在编号为 %lld 的会议的应到人员名单中。", (long long)m->id);
}

static st ms_leave_request_in(uc *c, int64_t id, const char *reason, err *e) {
    int64_t person;
    ms_row m;
    st s = member_store_person_of_user(c, c->who.user_id, &person, e);
    if (!s) s = ms_get(c, id, &m, e);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有需要您参加的编号为 %lld 的会议。", (long long)id);
    if (!s) s = ms_my_row(c, &m, person, e);
    if (s) return s;
    if (!strcmp(m.state, "held") || clock_now() > m.ends_at) return err_set(e, ST_CONFLICT, "会议已经结束，不能再请假。");
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "请填写请假事由 reason。");
    int64_t got = 0;
    s = db_query_int(c->d, &got,
                     "UPDATE meeting_attendee SET leave_state = 'requested', leave_reason = $3, leave_note = NULL, "
                     "status = CASE WHEN status = 'leave' THEN 'expected' ELSE status END "
                     "WHERE meeting_id = $1 AND person_id = $2 AND checked_in_at IS NULL RETURNING person_id",
                     e, "iit", id, person, reason);
    if (s == ST_NOT_FOUND) return err_set(e, ST_CONFLICT, "您已签到，不能再请假。");
    return s;
}

st meeting_store_leave_request(uc *c, int64_t id, const char *reason, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_leave_request_in(c, id, reason, e);
    uc_act a = {"meeting.leave_request", uc_obj(c, "meeting", id), reason};
    return uc_end(c, s, &a, e);
}

static st ms_leave_decide_in(uc *c, int64_t id, int64_t person, bool approve, const char *note, err *e) {
    ms_row m;
    st s = ms_get(c, id, &m, e);
    if (!s) s = scope_check_id(c, "meeting", id, e);
    if (s) return s;
    db_stmt *q;
    if ((s = db_prepare(c->d, "SELECT status, leave_state FROM meeting_attendee WHERE meeting_id = $1 AND person_id = $2", &q, e)))
        return s;
    db_bind_int(q, 1, id);
    db_bind_int(q, 2, person);
    int r = db_step(q, e);
    const char *status = r == DB_ROW ? ms_col(c, q, 0) : NULL, *leave = r == DB_ROW ? ms_col(c, q, 1) : NULL;
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (!status || !leave)
        return err_field(e, ST_NOT_FOUND, "person_id", "编号为 %lld 的人员没有为本次会议请假。", (long long)person);
    bool held = !strcmp(m.state, "held");
    const char *to = status;
    if (approve && (!strcmp(status, "expected") || !strcmp(status, "absent"))) to = "leave";
    else if (!approve && !strcmp(status, "leave")) to = held ? "absent" : "expected";
    s = db_run(c->d, "UPDATE meeting_attendee SET leave_state = $3, leave_note = $4, status = $5 WHERE meeting_id = $1 AND person_id = $2",
               e, "iittt", id, person, approve ? "approved" : "refused", ms_nz(note), to);
    if (!s && held) s = ms_month_refresh(c, m.org_id, m.day, e);
    return s;
}

st meeting_store_leave_decide(uc *c, int64_t id, int64_t person, bool approve, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_leave_decide_in(c, id, person, approve, note, e);
    uc_act a = {"meeting.leave_decide", uc_obj(c, "meeting", id),
                arena_printf(c->mem, "人员 %lld：%s", (long long)person, approve ? "准假" : "不准假")};
    return uc_end(c, s, &a, e);
}

/* ---- check-in ---- */

static st ms_window(const ms_row *m, int64_t now, err *e) {
    int64_t before = cfg_int("rule-meeting-checkin-before"), after = cfg_int("rule-meeting-checkin-after");
    if (meeting_window_open(now, m->starts_at, m->ends_at, before, after)) return ST_OK;
    st s = err_set(e, ST_CONFLICT, "不在签到时间内：本次会议 %s %s–%s，签到自开始前 %lld 分钟至结束后 %lld 分钟。", m->day, m->start,
                   m->end, (long long)(before / 60), (long long)(after / 60));
    snprintf(e->api_code, sizeof e->api_code, "outside_window");
    return s;
}

st meeting_store_token(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    ms_row m;
    st s = ms_get(c, id, &m, e);
    if (!s) s = scope_check_id(c, "meeting", id, e);
    int64_t now = clock_now();
    if (!s) s = ms_window(&m, now, e);
    unsigned char key[32];
    if (!s) s = crypt_subkey("meeting-checkin", key, e);
    if (s) return s;
    int64_t step_s = cfg_int("rule-meeting-checkin-step"), step = meeting_step(now, step_s);
    char tok[MEETING_TOKEN_MAX];
    meeting_token_make(key, id, step, tok);
    sodium_memzero(key, sizeof key);
    int64_t before = cfg_int("rule-meeting-checkin-before"), after = cfg_int("rule-meeting-checkin-after");
    *out = json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I}", "meeting_id", (json_int_t)id, "token", tok, "url",
                     arena_printf(c->mem, "/m/checkin?t=%s", tok), "step_seconds", (json_int_t)step_s, "expires_at",
                     (json_int_t)((step + 1) * step_s), "window_from", (json_int_t)(m.starts_at - before), "window_to",
                     (json_int_t)(m.ends_at + after));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

static st ms_checkin_in(uc *c, const char *token, bool online, int64_t *mid, json_t **out, err *e) {
    int64_t now = clock_now(), step_s = cfg_int("rule-meeting-checkin-step"), step = 0;
    unsigned char key[32];
    st s = crypt_subkey("meeting-checkin", key, e);
    if (s) return s;
    meeting_token_st t = meeting_token_check(key, token, meeting_step(now, step_s), 1, mid, &step);
    sodium_memzero(key, sizeof key);
    if (t == MEETING_TOKEN_MALFORMED) return err_field(e, ST_INVALID, "token", "签到码无效：请扫描书记出示的最新二维码。");
    if (t == MEETING_TOKEN_STALE)
        return err_field(e, ST_INVALID, "token", "签到码已过期（二维码每 %lld 秒更换）：请扫描最新的二维码。", (long long)step_s);
    if (t == MEETING_TOKEN_FUTURE) return err_field(e, ST_INVALID, "token", "签到码的时间晚于服务器时间：请扫描最新的二维码。");
    /* one read for the meeting, the caller's person and their row on its list: the check-in is
       a city's 主题党日 morning at once, so it is kept to this, one update and the audit row */
    ms_row m;
    memset(&m, 0, sizeof m);
    int64_t person = 0, row = -1;
    db_stmt *q;
    if ((s = db_prepare(c->d,
                        "SELECT m.org_id, m.kind, m.day, m.start_time, m.end_time, m.starts_at, m.ends_at, m.topic, p.id, "
                        "CASE WHEN a.person_id IS NULL THEN 0 WHEN a.checked_in_at IS NULL THEN 1 ELSE 2 END, m.state "
                        "FROM meeting m JOIN person p ON p.user_id = $2 "
                        "LEFT JOIN meeting_attendee a ON a.meeting_id = m.id AND a.person_id = p.id WHERE m.id = $1",
                        &q, e)))
        return s;
    db_bind_int(q, 1, *mid);
    db_bind_int(q, 2, c->who.user_id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        m.id = *mid;
        m.org_id = db_col_int(q, 0);
        m.kind = ms_col(c, q, 1);
        m.day = ms_col(c, q, 2);
        m.start = ms_col(c, q, 3);
        m.end = ms_col(c, q, 4);
        m.starts_at = db_col_int(q, 5);
        m.ends_at = db_col_int(q, 6);
        m.topic = ms_col(c, q, 7);
        person = db_col_int(q, 8);
        row = db_col_int(q, 9);
        m.state = ms_col(c, q, 10);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) {   /* which one is missing: the caller's registration, or the meeting */
        if ((s = member_store_person_of_user(c, c->who.user_id, &person, e))) return s;
        return err_set(e, ST_NOT_FOUND, "签到码对应的会议不存在。");
    }
    if ((s = ms_window(&m, now, e))) return s;
    if (row == 2) {
        s = err_set(e, ST_CONFLICT, "您已签到过本次会议，同一会议只能签到一次（签到码不能重复使用）。");
        snprintf(e->api_code, sizeof e->api_code, "already_checked_in");
        return s;
    }
    s = row == 1 ? ST_OK : ms_my_row(c, &m, person, e);
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_FORBIDDEN, "您不在本次会议（%s %s）的应到人员名单中，不能签到。", m.day, m.kind);
        snprintf(e->api_code, sizeof e->api_code, "not_on_roll");
    }
    if (s) return s;
    int64_t got = 0;
    s = db_query_int(c->d, &got,
                     "UPDATE meeting_attendee SET status = $3, checked_in_at = $4 WHERE meeting_id = $1 AND person_id = $2 "
                     "AND checked_in_at IS NULL RETURNING person_id",
                     e, "iiti", *mid, person, online ? "online" : "present", now);
    if (s == ST_NOT_FOUND) {
        s = err_set(e, ST_CONFLICT, "您已签到过本次会议，同一会议只能签到一次（签到码不能重复使用）。");
        snprintf(e->api_code, sizeof e->api_code, "already_checked_in");
        return s;
    }
    /* a late check-in at a meeting already recorded changes its month's attendance */
    if (!s && m.state && !strcmp(m.state, "held")) s = ms_month_refresh(c, m.org_id, m.day, e);
    if (s) return s;
    *out = json_pack("{s:I,s:s,s:s,s:s?,s:s,s:I}", "meeting_id", (json_int_t)*mid, "kind", m.kind, "day", m.day, "topic", m.topic,
                     "status", online ? "online" : "present", "checked_in_at", (json_int_t)now);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

typedef struct ms_checkin_arg {
    const char *token;
    bool online;
    json_t **out;
} ms_checkin_arg;

static st ms_checkin_act(uc *c, void *arg, err *e) {
    ms_checkin_arg *x = arg;
    int64_t mid = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = ms_checkin_in(c, x->token, x->online, &mid, x->out, e);
    uc_act a = {"meeting.checkin", mid ? uc_obj(c, "meeting", mid) : NULL, x->online ? "线上签到" : "现场签到"};
    s = uc_end(c, s, &a, e);
    if (s == ST_INVALID || s == ST_CONFLICT || s == ST_FORBIDDEN || s == ST_NOT_FOUND) {
        /* refused: kept in the audit log (who tried, which meeting, why), in a
           write of its own since the attempt itself rolled back (a savepoint of
           the group's transaction when the check-in is committed in a group) */
        err e2;
        uc_act r = {"meeting.checkin", mid ? uc_obj(c, "meeting", mid) : NULL, arena_strdup(c->mem, e->msg), "refused"};
        if (uc_audit(c, &r, &e2)) return err_set(e, e2.code, "%s", e2.msg);
    }
    return s;
}

/* A city's 主题党日 morning is thousands of check-ins at once, each one small
   write: they are committed in groups (uc_batched), one flush to disk for all
   that arrived while the previous group was being written. */
static uc_batch ms_checkin_batch = UC_BATCH_INIT;

st meeting_store_checkin(uc *c, const char *token, bool online, json_t **out, err *e) {
    *out = NULL;
    ms_checkin_arg x = {token, online, out};
    st s = uc_batched(c, &ms_checkin_batch, ms_checkin_act, &x, e);
    if (s) {   /* refused, or its group failed to commit: nothing to show */
        json_decref(*out);
        *out = NULL;
    }
    return s;
}

/* ---- reads ---- */

st meeting_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL, *att = NULL, *am = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT m.id, m.org_id, o.name AS org_name, m.kind, m.state, m.day, m.start_time AS start, "
                         "m.end_time AS \"end\", m.place, m.online_url, m.topic, m.minutes, m.decisions, m.quorum, m.proposed, "
                         "m.created_by, m.created_at, m.held_at, m.updated_at FROM meeting m JOIN org o ON o.id = m.org_id WHERE m.id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的会议。", (long long)id);
    s = db_query_json(c->d, &att,
                      "SELECT person_id, name, category, status, checked_in_at, leave_state, leave_reason, leave_note "
                      "FROM meeting_attendee a WHERE meeting_id = $1 ORDER BY person_id",
                      e, "i", id);
    if (!s) s = db_query_json(c->d, &am,
                              "SELECT id, reason, before_json, after_json, actor, at FROM meeting_amendment WHERE meeting_id = $1 ORDER BY id",
                              e, "i", id);
    if (s) {
        json_decref(o);
        json_decref(att);
        return s;
    }
    int64_t n[5] = {0}, voting = 0, vp = 0;
    static const char *const names[5] = {"expected", "present", "online", "leave", "absent"};
    size_t i;
    json_t *r;
    json_array_foreach(att, i, r) {
        const char *st1 = json_string_value(json_object_get(r, "status"));
        bool full = !strcmp(json_string_value(json_object_get(r, "category")), "正式党员");
        for (int k = 0; k < 5; k++)
            if (!strcmp(st1, names[k])) n[k]++;
        voting += full;
        vp += full && (!strcmp(st1, "present") || !strcmp(st1, "online"));
    }
    json_array_foreach(am, i, r) {   /* the records before and after, as objects */
        json_object_set_new(r, "before", json_loads(json_string_value(json_object_get(r, "before_json")), 0, NULL));
        json_object_set_new(r, "after", json_loads(json_string_value(json_object_get(r, "after_json")), 0, NULL));
        json_object_del(r, "before_json");
        json_object_del(r, "after_json");
    }
    json_object_set_new(o, "attendees", att);
    json_object_set_new(o, "amendments", am);
    json_object_set_new(o, "counts", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "roll", (json_int_t)json_array_size(att), "expected",
                                               (json_int_t)n[0], "present", (json_int_t)n[1], "online", (json_int_t)n[2],
                                               "leave", (json_int_t)n[3], "absent", (json_int_t)n[4]));
    const char *kind = json_string_value(json_object_get(o, "kind")), *day = json_string_value(json_object_get(o, "day"));
    if (!strcmp(kind, MEETING_ASSEMBLY))
        json_object_set_new(o, "quorum_detail", json_pack("{s:I,s:I,s:b,s:s}", "voting", (json_int_t)voting, "voting_present",
                                                          (json_int_t)vp, "met", meeting_quorum(voting, vp), "rule",
                                                          "正式党员过半数到会"));
    char today[11], last[11];
    ms_today(today);
    int lock = (int)cfg_int("rule-meeting-lock-days");
    meeting_day_add(day, lock, last);
    bool held = !strcmp(json_string_value(json_object_get(o, "state")), "held");
    json_object_set_new(o, "locked", json_boolean(held && meeting_locked(day, today, lock)));
    json_object_set_new(o, "editable_until", json_string(last));
    json_object_set_new(o, "today", json_string(today));   /* the server's day: a meeting of today or before can be recorded */
    if ((s = meeting_store_photos_json(c, id, o, e))) {   /* meeting_photo_store.c */
        json_decref(o);
        return s;
    }
    *out = o;
    return ST_OK;
}

#define MS_SCOPE(K, C) SCOPE_COND(K, C, "m.district_code", "m.park_code", "m.org_path", "NULL", "NULL")
#define MS_LIST_WHERE                                                                                                       \
    "FROM meeting m JOIN org o ON o.id = m.org_id WHERE " MS_SCOPE("$1", "$2")                                              \
    " AND (CAST($3 AS BIGINT) = 0 OR m.org_path LIKE '%/' || CAST($3 AS TEXT) || '/%') AND (CAST($9 AS BIGINT) = 0 OR m.org_id = $3) "                    \
    "AND (CAST($4 AS TEXT) IS NULL OR m.district_code = $4) AND (CAST($5 AS TEXT) IS NULL OR m.park_code = $5) "            \
    "AND (CAST($6 AS TEXT) IS NULL OR m.kind = $6) AND (CAST($7 AS TEXT) IS NULL OR m.state = $7) "                         \
    "AND (CAST($8 AS TEXT) IS NULL OR m.day >= $8) AND (CAST($10 AS TEXT) IS NULL OR m.day <= $10)"

st meeting_store_list(uc *c, const meeting_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    int64_t own = f->own ? 1 : 0;
    st s = db_query_int(c->d, total, "SELECT COUNT(*) " MS_LIST_WHERE, e, "ttitttttit", k, code, f->org_id, ms_nz(f->district),
                        ms_nz(f->park), ms_nz(f->kind), ms_nz(f->state), ms_nz(f->from), own, ms_nz(f->to));
    if (s) return s;
    const char *sql = arena_printf(
        c->mem,
        "SELECT * FROM (SELECT m.id, m.org_id, o.name AS org_name, m.district_code, m.kind, m.state, m.day, m.start_time AS start, "
        "m.end_time AS \"end\", m.place, m.online_url, m.topic, m.quorum, "
        "(SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id) AS roll, "
        "(SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id AND a.status IN ('present', 'online')) AS present, "
        "(SELECT COUNT(*) FROM meeting_attendee a WHERE a.meeting_id = m.id AND a.status = 'leave') AS on_leave, "
        "CASE WHEN m.state = 'held' AND m.day < $13 THEN 1 ELSE 0 END AS locked "
        "%s) q ORDER BY %s LIMIT $11 OFFSET $12",
        MS_LIST_WHERE, p && p->order ? p->order : "q.day DESC, q.id DESC");
    /* locked (1) when held and past its lock day, as meeting_locked: the day before today minus the lock days */
    char today[11], cutoff[11];
    ms_today(today);
    meeting_day_add(today, -(int)cfg_int("rule-meeting-lock-days"), cutoff);
    return db_query_json(c->d, items, sql, e, "ttitttttitiit", k, code, f->org_id, ms_nz(f->district), ms_nz(f->park), ms_nz(f->kind),
                         ms_nz(f->state), ms_nz(f->from), own, ms_nz(f->to), p ? p->limit : 50, p ? p->offset : 0, cutoff);
}

st meeting_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    int64_t person;
    st s = member_store_person_of_user(c, c->who.user_id, &person, e);
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows,
                              "SELECT m.id, m.org_id, o.name AS org_name, m.kind, m.state, m.day, m.start_time AS start, "
                              "m.end_time AS \"end\", m.ends_at, m.place, m.online_url, m.topic, a.status, a.checked_in_at, "
                              "a.leave_state, a.leave_reason, a.leave_note FROM meeting_attendee a "
                              "JOIN meeting m ON m.id = a.meeting_id JOIN org o ON o.id = m.org_id WHERE a.person_id = $1 "
                              "ORDER BY m.day, m.start_time, m.id",
                              e, "i", person);
    if (s) return s;
    json_t *coming = json_array(), *past = json_array();
    int64_t now = clock_now();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *stt = json_string_value(json_object_get(r, "status"));
        json_object_set_new(r, "attended", json_boolean(!strcmp(stt, "present") || !strcmp(stt, "online")));
        bool done = !strcmp(json_string_value(json_object_get(r, "state")), "held") ||
                    json_integer_value(json_object_get(r, "ends_at")) < now;
        json_object_del(r, "ends_at");
        json_array_append(done ? past : coming, r);
    }
    json_decref(rows);
    /* the past newest first; the coming soonest first */
    json_t *pr = json_array();
    for (size_t j = json_array_size(past); j > 0; j--) json_array_append(pr, json_array_get(past, j - 1));
    json_decref(past);
    *out = json_pack("{s:I,s:o,s:o}", "person_id", (json_int_t)person, "coming", coming, "past", pr);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- compliance ---- */

typedef struct ms_oc {
    int64_t id;
    const char *name, *kind, *district, *park;   /* region names: ms_region_name, when shown */
    char established[11], last[11];                  /* last: "" when none */
    bool committee;
    bool seen;                          /* a month of the period with a held meeting (meeting_month) */
    uint8_t held[MEETING_KINDS][12];    /* held meetings by kind and month of the period (255 and more: 255 —
                                           one kind more often than weekly a month; small, as 200,000 are kept) */
    int64_t attended, expected;
    /* judged */
    meeting_light light;
    int required, done;            /* done: held, counting each kind up to its requirement */
    int due, on_time;              /* stretches finished before today, and those of them with a meeting held */
    long idle;
    bool missing[MEETING_KINDS];
    double rate;
} ms_oc;

static void ms_held_add(uint8_t *h, int64_t n) {
    int64_t t = *h + (n > 0 ? n : 0);
    *h = (uint8_t)(t > UINT8_MAX ? UINT8_MAX : t);
}

static int ms_oc_cmp(const void *a, const void *b) {
    int64_t x = ((const ms_oc *)a)->id, y = ((const ms_oc *)b)->id;
    return x < y ? -1 : x > y;
}

static ms_oc *ms_oc_find(ms_oc *v, size_t n, int64_t id) {
    ms_oc key = {.id = id};
    return bsearch(&key, v, n, sizeof *v, ms_oc_cmp);
}

/* One organization (its scorecard, in scope already: ms_scope): its meetings through the index on
   org_id — the scope's and the filter's ORs above made the database read every meeting of the city
   (0.7–1.4 s at 200,000 organizations).  The other parameters are still named (PostgreSQL must type
   every one), in a term that filters nothing. */
#define MS_OC_ONE                                                                                                     \
    "m.org_id = CAST($6 AS BIGINT) AND (CAST($1 AS TEXT) IS NULL OR CAST($2 AS TEXT) IS NULL OR CAST($4 AS TEXT) IS NULL " \
    "OR CAST($5 AS TEXT) IS NULL OR 1 = 1)"
#define MS_OC_ORG_FILTER                                                                                              \
    " AND (CAST($4 AS TEXT) IS NULL OR m.district_code = $4) AND (CAST($5 AS TEXT) IS NULL OR m.park_code = $5) "     \
    "AND (CAST($6 AS BIGINT) = 0 OR m.org_id = $6)"

/* Every organization in the caller's scope (and the filter) that exists on
 * the day judged, with its held meetings of the period, its last one, its
 * members' attendance; judged (ms_judge).  *v in c's memory, by id. */
static st ms_judge(ms_oc *v, size_t n, const meeting_period *p, const char *today, const char *judge);

/* Texts kept once: a small open-addressing table of what a column gave before (in c's memory). */
enum { MS_INTERN = 4096 };
typedef struct ms_intern {
    const char *v[MS_INTERN];
    size_t used;
} ms_intern;

/* A day column into out ("" when NULL or not a day). */
static void ms_day(char out[11], db_stmt *q, int col) {
    const char *s = db_col_null(q, col) ? NULL : db_col_text(q, col);
    if (s && strlen(s) == 10) memcpy(out, s, 11);
    else out[0] = 0;
}

static const char *ms_interned(uc *c, ms_intern *t, db_stmt *q, int col) {
    if (db_col_null(q, col)) return NULL;
    const char *s = db_col_text(q, col);
    if (t->used >= MS_INTERN / 2) return arena_strdup(c->mem, s);   /* many different: no longer worth it */
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
    for (size_t i = h % MS_INTERN;; i = (i + 1) % MS_INTERN) {
        if (!t->v[i]) {
            t->v[i] = arena_strdup(c->mem, s);
            t->used++;
            return t->v[i];
        }
        if (!strcmp(t->v[i], s)) return t->v[i];
    }
}

static st ms_oc_load(uc *c, const meeting_period *p, const char *district, const char *park, int64_t org_id, bool names, ms_oc **v,
                     size_t *n, err *e) {
    *v = NULL;
    *n = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11], judge[11];
    ms_today(today);
    snprintf(judge, sizeof judge, "%s", strcmp(today, p->to) < 0 ? today : p->to);
    db_stmt *q;
#define MS_OC_ORGS(WHERE)                                                                                         \
    "SELECT o.id, CASE WHEN $7 = 1 THEN o.name END, o.kind, o.district_code, o.park_code, o.established_on, "        \
    "CASE WHEN o.committee IS NOT NULL AND o.committee <> '[]' THEN 1 ELSE 0 END, "                                   \
    "l.last_day FROM org o LEFT JOIN meeting_last l ON l.org_id = o.id "                                            \
    "WHERE " WHERE " AND o.kind <> '工委' AND o.established_on <= $3 AND (o.dissolved_on IS NULL OR o.dissolved_on > $3) ORDER BY o.id"
    st s = db_prepare(c->d,
                      org_id ? MS_OC_ORGS("o.id = CAST($6 AS BIGINT) AND (CAST($1 AS TEXT) IS NULL OR CAST($2 AS TEXT) IS NULL "
                                          "OR CAST($4 AS TEXT) IS NULL OR CAST($5 AS TEXT) IS NULL OR 1 = 1)")
                             : MS_OC_ORGS(SCOPE_COND("$1", "$2", "o.district_code", "o.park_code", "o.path", "NULL", "NULL")
                                          " AND (CAST($4 AS TEXT) IS NULL OR o.district_code = $4) AND (CAST($5 AS TEXT) IS NULL "
                                          "OR o.park_code = $5) AND CAST($6 AS BIGINT) = 0"),
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, judge);
    db_bind_text(q, 4, ms_nz(district));
    db_bind_text(q, 5, ms_nz(park));
    db_bind_int(q, 6, org_id);
    db_bind_int(q, 7, names);   /* a roll-up by district or city shows no organization: its name is not sent */
    db_stream(q);               /* a province's 200,000 rows read as they come */
    char first[8], last_month[8];   /* the period's first month, the judged day's */
    snprintf(first, sizeof first, "%.7s", p->from);
    snprintf(last_month, sizeof last_month, "%.7s", judge);
    /* A province has 200,000 organizations: the array lives outside the request's arena (whose cap it
       would pass) and is handed to it once filled; the texts that repeat (kinds, districts, parks)
       are kept once each, the days in the entry itself. */
    size_t cap = 0;
    ms_oc *a = NULL;
    ms_intern in;
    memset(&in, 0, sizeof in);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 1024;
            ms_oc *g = realloc(a, nc * sizeof *a);
            if (!g) {
                free(a);
                db_reset(q);
                return err_set(e, ST_NOMEM, "内存不足。");
            }
            a = g;   /* a large block grows in place (mremap); each entry is zeroed as it is filled */
            cap = nc;
        }
        ms_oc *o = &a[(*n)++];
        memset(o, 0, sizeof *o);
        o->id = db_col_int(q, 0);
        o->name = names ? ms_col(c, q, 1) : "";
        o->kind = ms_interned(c, &in, q, 2);
        o->district = ms_interned(c, &in, q, 3);
        o->park = ms_interned(c, &in, q, 4);
        ms_day(o->established, q, 5);
        o->committee = db_col_int(q, 6) != 0;
        ms_day(o->last, q, 7);   /* of all time: replaced below by the period's, or by the one before it */
    }
    db_reset(q);
    if (a && !arena_own(c->mem, a)) return err_set(e, ST_NOMEM, "内存不足。");   /* freed with the request, error or not */
    *v = a;
    if (r == DB_ERROR) return e->code;
    if (!*n) return ST_OK;
    if (!org_id) {
        /* Many organizations: their months of the period as kept (meeting_month) — three rows an
           organization for a quarter, where the meetings and their attendees are dozens */
        /* The month's eight counts come two columns of four bytes each (each 255 at most, as kept
           here): 600,000 rows of thirteen columns, each made text by PostgreSQL and parsed here, were
           half the time. */
#define MS_K8(K) "(CASE WHEN t." K " > 255 THEN 255 ELSE t." K " END)"
        if ((s = db_prepare(c->d,
                            "SELECT t.org_id, t.month, " MS_K8("k0") " + 256 * " MS_K8("k1") " + 65536 * " MS_K8("k2") " + 16777216 * " MS_K8(
                                "k3") ", " MS_K8("k4") " + 256 * " MS_K8("k5") " + 65536 * " MS_K8("k6") " + 16777216 * " MS_K8("k7") ", "
                            "t.attended, t.expected, t.last_day FROM meeting_month t WHERE t.month >= $1 AND t.month <= $2 "
                            "ORDER BY t.month, t.org_id",
                            &q, e)))
            return s;
        db_bind_text(q, 1, first);
        db_bind_text(q, 2, last_month);
        db_stream(q);
        /* Rows in the key's order (SQLite's table is that key; PostgreSQL reads meeting_month_cover,
           where its heap's order sent each row to a cold place in the array), each organization found
           by its id when the ids are dense (they are numbered), else by binary search. */
        int64_t lo = (*v)[0].id, span = (*v)[*n - 1].id - lo + 1;
        uint32_t *at = span <= 8 * (int64_t)*n ? calloc((size_t)span, sizeof *at) : NULL;
        if (at)
            for (size_t i = 0; i < *n; i++) at[(*v)[i].id - lo] = (uint32_t)i + 1;
        while ((r = db_step(q, e)) == DB_ROW) {
            int64_t id = db_col_int(q, 0);
            ms_oc *o = !at ? ms_oc_find(*v, *n, id) : id >= lo && id - lo < span && at[id - lo] ? &(*v)[at[id - lo] - 1] : NULL;
            if (!o) continue;   /* outside the scope or the filter, or not there on the day judged */
            const char *ym = db_col_text(q, 1);   /* 'YYYY-MM', as kept */
            int mi = ym && strlen(ym) == 7 ? ((ym[0] - '0') * 1000 + (ym[1] - '0') * 100 + (ym[2] - '0') * 10 + ym[3] - '0' - p->year) * 12 +
                                                 (ym[5] - '0') * 10 + ym[6] - '0' - p->month0
                                           : -1;
            if (mi < 0 || mi >= p->months) continue;
            int64_t lo4 = db_col_int(q, 2), hi4 = db_col_int(q, 3);
            for (int kd = 0; kd < 4; kd++) {
                ms_held_add(&o->held[kd][mi], (lo4 >> (8 * kd)) & 0xff);
                ms_held_add(&o->held[kd + 4][mi], (hi4 >> (8 * kd)) & 0xff);
            }
            o->attended += db_col_int(q, 4);
            o->expected += db_col_int(q, 5);
            char ld[11];
            ms_day(ld, q, 6);
            if (!o->seen || strcmp(ld, o->last) > 0) memcpy(o->last, ld, sizeof ld);   /* the period's replaces all time's */
            o->seen = true;
        }
        free(at);
        db_reset(q);
        if (r == DB_ERROR) return e->code;
        /* Without a meeting in the period, the last of all time (meeting_last) is the last before it,
           unless it came after the period (a finished one judged): then that organization's months
           before the period are read (a few organizations, where all of them cost a second). */
        for (size_t i = 0; i < *n; i++) {
            ms_oc *o = &(*v)[i];
            if (o->seen || !o->last[0] || strcmp(o->last, p->from) < 0) continue;
            char *ld = NULL;
            s = db_query_text(c->d, &ld,
                              "SELECT t.last_day FROM meeting_month t WHERE t.org_id = $1 AND t.month < $2 ORDER BY t.month DESC LIMIT 1",
                              e, "it", o->id, first);
            if (s == ST_NOT_FOUND) o->last[0] = 0;
            else if (s) return s;
            else snprintf(o->last, sizeof o->last, "%s", ld);
            free(ld);
        }
        return ms_judge(*v, *n, p, today, judge);
    }
    /* One organization: its meetings themselves, through the index on org_id */
    /* held meetings of the period by organization, kind and month */
#define MS_OC_HELD(WHERE)                                                                                     \
    "SELECT m.org_id, m.kind, substr(m.day, 1, 7), COUNT(*) FROM meeting m WHERE " WHERE                          \
    " AND m.state = 'held' AND m.day >= $3 AND m.day <= $7 GROUP BY m.org_id, m.kind, substr(m.day, 1, 7)"
    if ((s = db_prepare(c->d, org_id ? MS_OC_HELD(MS_OC_ONE) : MS_OC_HELD(MS_SCOPE("$1", "$2") MS_OC_ORG_FILTER), &q, e)))
        return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, p->from);
    db_bind_text(q, 4, ms_nz(district));
    db_bind_text(q, 5, ms_nz(park));
    db_bind_int(q, 6, org_id);
    db_bind_text(q, 7, judge);
    while ((r = db_step(q, e)) == DB_ROW) {
        ms_oc *o = ms_oc_find(*v, *n, db_col_int(q, 0));
        int kind = meeting_kind_index(db_col_text(q, 1));
        const char *ym = db_col_text(q, 2);
        int mi = (atoi(ym) - p->year) * 12 + atoi(ym + 5) - p->month0;
        if (o && kind >= 0 && mi >= 0 && mi < p->months) ms_held_add(&o->held[kind][mi], db_col_int(q, 3));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    /* the last held meeting on or before the day judged, of any time */
#define MS_OC_LAST(WHERE) "SELECT m.org_id, MAX(m.day) FROM meeting m WHERE " WHERE " AND m.state = 'held' AND m.day <= $3 GROUP BY m.org_id"
    for (size_t i = 0; i < *n; i++) (*v)[i].last[0] = 0;   /* not all time's: the last on or before the day judged */
    if ((s = db_prepare(c->d, org_id ? MS_OC_LAST(MS_OC_ONE) : MS_OC_LAST(MS_SCOPE("$1", "$2") MS_OC_ORG_FILTER), &q, e)))
        return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, judge);
    db_bind_text(q, 4, ms_nz(district));
    db_bind_text(q, 5, ms_nz(park));
    db_bind_int(q, 6, org_id);
    while ((r = db_step(q, e)) == DB_ROW) {
        ms_oc *o = ms_oc_find(*v, *n, db_col_int(q, 0));
        if (o) ms_day(o->last, q, 1);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    /* the members' attendance at the period's held meetings */
#define MS_OC_ATT(WHERE)                                                                                      \
    "SELECT m.org_id, SUM(CASE WHEN a.status IN ('present', 'online') THEN 1 ELSE 0 END), COUNT(*) "              \
    "FROM meeting m JOIN meeting_attendee a ON a.meeting_id = m.id WHERE " WHERE                                  \
    " AND m.state = 'held' AND m.day >= $3 AND m.day <= $7 GROUP BY m.org_id"
    if ((s = db_prepare(c->d, org_id ? MS_OC_ATT(MS_OC_ONE) : MS_OC_ATT(MS_SCOPE("$1", "$2") MS_OC_ORG_FILTER), &q, e)))
        return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, p->from);
    db_bind_text(q, 4, ms_nz(district));
    db_bind_text(q, 5, ms_nz(park));
    db_bind_int(q, 6, org_id);
    db_bind_text(q, 7, judge);
    while ((r = db_step(q, e)) == DB_ROW) {
        ms_oc *o = ms_oc_find(*v, *n, db_col_int(q, 0));
        if (o) {
            o->attended = db_col_int(q, 1);
            o->expected = db_col_int(q, 2);
        }
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return ms_judge(*v, *n, p, today, judge);
}

/* What was due, what was held, the light, for each of v.  A province judges 200,000 organizations in
   one request: the stretches of each kind (their days made with snprintf) are worked out once for the
   period, and which kinds apply once for each kind of organization (the kinds' texts are kept once,
   ms_interned, so a pointer finds them), not again for every organization. */
typedef struct ms_stretch {
    char to[11];
    int m0;                         /* its first month, counted from the period's */
} ms_stretch;

static st ms_judge(ms_oc *v, size_t n, const meeting_period *p, const char *today, const char *judge) {
    int yellow = (int)cfg_int("rule-meeting-idle-yellow-days"), red = (int)cfg_int("rule-meeting-idle-red-days");
    ms_stretch sts[MEETING_KINDS][12];
    int nst[MEETING_KINDS], freqs[MEETING_KINDS];
    for (int kd = 0; kd < MEETING_KINDS; kd++) {
        nst[kd] = 0;
        freqs[kd] = meeting_freq(kd);
        meeting_period sp;
        for (int j = 0; freqs[kd] && j < 12 && meeting_stretch(p, freqs[kd], j, &sp); j++) {
            memcpy(sts[kd][j].to, sp.to, sizeof sp.to);
            sts[kd][j].m0 = sp.month0 - p->month0;
            nst[kd]++;
        }
    }
    /* which kinds apply, by the organization's kind (as kept once) and whether it has a committee */
    enum { MS_KIND_MEMO = 16 };
    const char *memo_kind[MS_KIND_MEMO];
    unsigned memo_mask[MS_KIND_MEMO][2];
    int nmemo = 0;
    for (size_t i = 0; i < n; i++) {
        ms_oc *o = &v[i];
        unsigned mask = 0;
        int mi = 0;
        while (mi < nmemo && memo_kind[mi] != o->kind) mi++;
        if (mi < nmemo) {
            mask = memo_mask[mi][o->committee];
        } else {
            unsigned m2[2] = {0, 0};
            for (int kd = 0; kd < MEETING_KINDS; kd++) {
                if (meeting_kind_applies(kd, o->kind, false)) m2[0] |= 1u << kd;
                if (meeting_kind_applies(kd, o->kind, true)) m2[1] |= 1u << kd;
            }
            mask = m2[o->committee];
            if (nmemo < MS_KIND_MEMO) {
                memo_kind[nmemo] = o->kind;
                memo_mask[nmemo][0] = m2[0];
                memo_mask[nmemo][1] = m2[1];
                nmemo++;
            }
        }
        bool missing = false;
        for (int kd = 0; kd < MEETING_KINDS; kd++) {
            if (!freqs[kd] || !(mask & (1u << kd))) continue;
            int held = 0, req = 0;
            for (int m = 0; m < p->months; m++) held += o->held[kd][m];
            for (int j = 0; j < nst[kd]; j++) {
                const ms_stretch *sp = &sts[kd][j];
                if (strcmp(sp->to, o->established) < 0) continue;   /* ended before it was established */
                req++;
                if (strcmp(sp->to, today) >= 0) continue;            /* not finished: nothing missing yet */
                /* a finished stretch without one: missing */
                int in = 0;
                for (int m = sp->m0; m < sp->m0 + freqs[kd]; m++) in += o->held[kd][m];
                o->due++;
                if (in) o->on_time++;
                else o->missing[kd] = missing = true;
            }
            o->required += req;
            o->done += held < req ? held : req;
        }
        const char *since = strcmp(o->last, o->established) > 0 ? o->last : o->established;
        o->idle = meeting_days_between(since, judge);
        if (o->idle < 0) o->idle = 0;
        o->light = meeting_light_of(o->idle, missing, yellow, red);
        /* the rate ranks: of what fell due by today, the share held in its month, quarter or year */
        o->rate = o->due ? (double)o->on_time / o->due : 1.0;
    }
    return ST_OK;
}

static json_t *ms_rate(int64_t a, int64_t b) { return b ? json_real((double)a / (double)b) : json_null(); }

/* A query value percent-encoded (the kinds' Chinese names in drill-down links), in c's memory. */
static const char *ms_urlenc(uc *c, const char *v) {
    size_t n = strlen(v);
    char *out = arena_alloc(c->mem, n * 3 + 1), *w = out;
    if (!out) return "";
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
            *w++ = (char)*p;
        else w += sprintf(w, "%%%02X", *p);
    }
    *w = 0;
    return out;
}

static json_t *ms_kinds_json(uc *c, const ms_oc *o, const meeting_period *p) {
    json_t *a = json_array();
    for (int kd = 0; kd < MEETING_KINDS; kd++) {
        int freq = meeting_freq(kd);
        if (!freq || !meeting_kind_applies(kd, o->kind, o->committee)) continue;
        int held = 0;
        for (int m = 0; m < p->months; m++) held += o->held[kd][m];
        json_array_append_new(
            a, json_pack("{s:s,s:s,s:i,s:i,s:b,s:s}", "kind", meeting_kinds[kd], "frequency",
                         freq == 1 ? "month" : freq == 3 ? "quarter" : "year", "required", meeting_required(freq, p, o->established),
                         "held", held, "missing", o->missing[kd], "drill",
                         arena_printf(c->mem, "/api/meetings?org_id=%lld&own=1&kind=%s&state=held&from=%s&to=%s", (long long)o->id,
                                      ms_urlenc(c, meeting_kinds[kd]), p->from, p->to)));
    }
    return a;
}

/* Region names by code, looked up as they are shown (a roll-up's groups, a page of organizations), not
   joined to each of a province's organizations.  In c's memory. */
enum { MS_NAMES = 512 };
typedef struct ms_names {
    const char *code[MS_NAMES], *name[MS_NAMES];
    size_t used;
} ms_names;

static const char *ms_region_name(uc *c, ms_names *t, const char *code) {
    if (!code) return NULL;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++) h = (h ^ *p) * 16777619u;
    size_t i = h % MS_NAMES;
    while (t->code[i] && strcmp(t->code[i], code)) i = (i + 1) % MS_NAMES;
    if (t->code[i]) return t->name[i];
    char *name = NULL;
    err e2 = {0};
    if (db_query_text(c->d, &name, "SELECT name FROM region WHERE code = $1", &e2, "t", code)) return NULL;   /* a code without a name */
    const char *kept = arena_strdup(c->mem, name);
    free(name);
    if (t->used < MS_NAMES / 2) {   /* more than that: looked up each time */
        t->code[i] = code;
        t->name[i] = kept;
        t->used++;
    }
    return kept;
}

static json_t *ms_oc_json(uc *c, ms_names *nm, const ms_oc *o, const meeting_period *p, bool kinds) {
    json_t *j = json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:i,s:i,s:f,s:o,s:I,s:I,s:s?,s:I,s:s}", "org_id", (json_int_t)o->id,
                          "org_name", o->name, "org_kind", o->kind, "district_code", o->district, "district_name", ms_region_name(c, nm, o->district),
                          "park_code", o->park, "park_name", ms_region_name(c, nm, o->park), "status", meeting_light_name(o->light), "required",
                          o->required, "held", o->done, "rate", o->rate, "attendance_rate", ms_rate(o->attended, o->expected),
                          "attended", (json_int_t)o->attended, "expected", (json_int_t)o->expected, "last_held", *o->last ? o->last : NULL,
                          "idle_days", (json_int_t)o->idle, "drill",
                          arena_printf(c->mem, "/api/meetings?org_id=%lld&own=1&state=held&from=%s&to=%s", (long long)o->id, p->from,
                                       p->to));
    if (j) {
        json_object_set_new(j, "due", json_integer(o->due));
        json_object_set_new(j, "on_time", json_integer(o->on_time));
    }
    if (j && kinds) json_object_set_new(j, "kinds", ms_kinds_json(c, o, p));
    return j;
}

/* A roll-up group: a park, a district, the city. */
typedef struct ms_group {
    const char *code, *name;
    int64_t orgs, light[3], required, done, due, on_time, attended, expected;
} ms_group;

static int ms_group_cmp(const void *a, const void *b) {
    const ms_group *x = a, *y = b;
    double rx = x->due ? (double)x->on_time / x->due : 1, ry = y->due ? (double)y->on_time / y->due : 1;
    if (rx != ry) return rx > ry ? -1 : 1;
    double qx = x->orgs ? (double)x->light[MEETING_RED] / x->orgs : 0, qy = y->orgs ? (double)y->light[MEETING_RED] / y->orgs : 0;
    if (qx != qy) return qx < qy ? -1 : 1;
    return strcmp(x->code, y->code);
}

static int ms_rank_cmp(const void *a, const void *b) {
    const ms_oc *x = *(const ms_oc *const *)a, *y = *(const ms_oc *const *)b;
    if (x->rate != y->rate) return x->rate > y->rate ? -1 : 1;
    if (x->light != y->light) return x->light < y->light ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The organizations' page in the order asked (the list's sort keys, as http_page_array orders JSON:
   NULLs last either way, ties in rank order), only the page made JSON: a province's 200,000 objects
   made and sorted for 20 passed the request's memory. */
static const char *ms_sort_key;
static bool ms_sort_desc;
static int ms_key_cmp(const void *a, const void *b) {
    const ms_oc *x = *(const ms_oc *const *)a, *y = *(const ms_oc *const *)b;
    int c = 0;
    const char *k = ms_sort_key;
    if (!strcmp(k, "attendance_rate")) {
        bool xn = !x->expected, yn = !y->expected;
        if (xn || yn) {
            if (xn != yn) return xn ? 1 : -1;
        } else {
            double dx = (double)x->attended / (double)x->expected, dy = (double)y->attended / (double)y->expected;
            c = dx < dy ? -1 : dx > dy;
        }
    } else if (!strcmp(k, "rate")) {
        c = x->rate < y->rate ? -1 : x->rate > y->rate;
    } else if (!strcmp(k, "status")) {
        c = strcmp(meeting_light_name(x->light), meeting_light_name(y->light));
    } else if (!strcmp(k, "idle_days")) {
        c = x->idle < y->idle ? -1 : x->idle > y->idle;
    } else if (!strcmp(k, "held")) {
        c = x->done < y->done ? -1 : x->done > y->done;
    } else if (!strcmp(k, "required")) {
        c = x->required < y->required ? -1 : x->required > y->required;
    }
    if (ms_sort_desc) c = -c;
    return c ? c : ms_rank_cmp(a, b);
}

st meeting_store_compliance_page(uc *c, const meeting_period *p, const char *district, const char *park, const char *status,
                                 const char *sort, int64_t offset, int64_t limit, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    ms_oc *v;
    size_t n;
    st s = ms_oc_load(c, p, district, park, 0, true, &v, &n, e);
    if (s) return s;
    ms_names *nm = arena_calloc(c->mem, 1, sizeof *nm);
    if (!nm) return err_set(e, ST_NOMEM, "内存不足。");
    const ms_oc **r = arena_calloc(c->mem, n ? n : 1, sizeof *r);
    if (!r) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < n; i++) r[i] = &v[i];
    qsort(r, n, sizeof *r, ms_rank_cmp);
    int64_t *rank = arena_calloc(c->mem, n ? n : 1, sizeof *rank);
    if (!rank) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < n; i++) rank[r[i] - v] = (int64_t)i + 1;
    if (status) {   /* the ranks were given among all; the list keeps those of the light asked */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(meeting_light_name(r[i]->light), status)) r[k++] = r[i];
        n = k;
    }
    bool desc = sort && sort[0] == '-';
    const char *key = sort ? sort + desc : "rank";
    if (strcmp(key, "rank") || desc) {
        static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;   /* qsort has no argument for the key */
        pthread_mutex_lock(&mu);
        ms_sort_key = key;
        ms_sort_desc = desc;
        if (!strcmp(key, "rank")) {   /* rank descending: the list reversed */
            for (size_t i = 0; i < n / 2; i++) {
                const ms_oc *t = r[i];
                r[i] = r[n - 1 - i];
                r[n - 1 - i] = t;
            }
        } else {
            qsort(r, n, sizeof *r, ms_key_cmp);
        }
        pthread_mutex_unlock(&mu);
    }
    json_t *a = json_array();
    for (size_t i = (size_t)offset; a && i < n && (int64_t)(i - (size_t)offset) < limit; i++) {
        json_t *j = ms_oc_json(c, nm, r[i], p, false);
        json_object_set_new(j, "rank", json_integer((json_int_t)rank[r[i] - v]));
        json_array_append_new(a, j);
    }
    if (!a) return err_set(e, ST_NOMEM, "内存不足。");
    *items = a;
    *total = (int64_t)n;
    return ST_OK;
}

st meeting_store_compliance(uc *c, const meeting_period *p, const char *by, const char *district, const char *park, json_t **out,
                            err *e) {
    *out = NULL;
    ms_oc *v;
    size_t n;
    st s = ms_oc_load(c, p, district, park, 0, !strcmp(by, "org"), &v, &n, e);
    if (s) return s;
    ms_names *nm = arena_calloc(c->mem, 1, sizeof *nm);
    if (!nm) return err_set(e, ST_NOMEM, "内存不足。");
    json_t *a = json_array();
    if (!a) return err_set(e, ST_NOMEM, "内存不足。");
    if (!strcmp(by, "org")) {
        const ms_oc **r = arena_calloc(c->mem, n ? n : 1, sizeof *r);
        if (!r) {
            json_decref(a);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        for (size_t i = 0; i < n; i++) r[i] = &v[i];
        qsort(r, n, sizeof *r, ms_rank_cmp);
        for (size_t i = 0; i < n; i++) {
            json_t *j = ms_oc_json(c, nm, r[i], p, false);
            json_object_set_new(j, "rank", json_integer((json_int_t)i + 1));
            json_array_append_new(a, j);
        }
        *out = a;
        return ST_OK;
    }
    size_t ng = 0, gcap = 64;   /* a city's districts or parks: tens to hundreds, grown when more */
    ms_group *g = arena_calloc(c->mem, gcap, sizeof *g);
    if (!g) {
        json_decref(a);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    bool city = !strcmp(by, "city"), dist = !strcmp(by, "district");
    for (size_t i = 0; i < n; i++) {
        const ms_oc *o = &v[i];
        const char *code = city ? "3502" : dist ? o->district : o->park;
        if (!code) continue;   /* an organization in no park: not in the parks' ranking */
        size_t j = 0;
        while (j < ng && g[j].code != code && strcmp(g[j].code, code)) j++;   /* codes kept once: mostly the pointer */
        if (j == ng && ng == gcap) {
            ms_group *w = arena_calloc(c->mem, gcap * 2, sizeof *w);
            if (!w) {
                json_decref(a);
                return err_set(e, ST_NOMEM, "内存不足。");
            }
            memcpy(w, g, gcap * sizeof *g);
            g = w;
            gcap *= 2;
        }
        if (j == ng) {
            g[ng].code = code;
            ng++;
        }
        g[j].orgs++;
        g[j].light[o->light]++;
        g[j].required += o->required;
        g[j].done += o->done;
        g[j].due += o->due;
        g[j].on_time += o->on_time;
        g[j].attended += o->attended;
        g[j].expected += o->expected;
    }
    for (size_t j = 0; j < ng; j++) {
        const char *name = city ? "全市" : ms_region_name(c, nm, g[j].code);
        g[j].name = name ? name : g[j].code;
    }
    qsort(g, ng, sizeof *g, ms_group_cmp);
    for (size_t j = 0; j < ng; j++) {
        json_t *row = json_pack("{s:i,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:I,s:I}", "rank", (int)j + 1, "code", g[j].code,
                                           "name", g[j].name, "orgs", (json_int_t)g[j].orgs, "green", (json_int_t)g[j].light[0],
                                           "yellow", (json_int_t)g[j].light[1], "red", (json_int_t)g[j].light[2], "required",
                                           (json_int_t)g[j].required, "held", (json_int_t)g[j].done, "rate",
                                           g[j].due ? json_real((double)g[j].on_time / (double)g[j].due) : json_real(1),
                                           "attendance_rate", ms_rate(g[j].attended, g[j].expected), "attended",
                                           (json_int_t)g[j].attended, "expected", (json_int_t)g[j].expected);
        if (row) {
            json_object_set_new(row, "due", json_integer((json_int_t)g[j].due));
            json_object_set_new(row, "on_time", json_integer((json_int_t)g[j].on_time));
        }
        json_array_append_new(a, row);
    }
    *out = a;
    return ST_OK;
}

st meeting_store_scorecard(uc *c, int64_t org_id, const meeting_period *p, json_t **out, err *e) {
    *out = NULL;
    ms_org org;
    st s = ms_org_get(c, org_id, &org, e);
    if (!s) s = scope_check_id(c, "org", org_id, e);
    ms_oc *v = NULL;
    size_t n = 0;
    if (!s) s = ms_oc_load(c, p, NULL, NULL, org_id, true, &v, &n, e);
    if (s) return s;
    ms_names *nm = arena_calloc(c->mem, 1, sizeof *nm);
    if (!nm) return err_set(e, ST_NOMEM, "内存不足。");
    json_t *meetings = n ? ms_oc_json(c, nm, &v[0], p, true) : json_null();   /* null: the organization did not exist in the period */
    *out = json_pack("{s:{s:I,s:s,s:s},s:{s:s,s:s,s:s},s:{s:o}}", "org", "id", (json_int_t)org_id, "name", org.name, "kind", org.kind,
                     "period", "code", p->code, "from", p->from, "to", p->to, "sections", "meetings", meetings);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- scope ---- */

const scope_resolver meeting_scope_resolvers[] = {
    /* A meeting sits where its organization is. */
    {"meeting", true, false, "SELECT district_code, park_code, org_path, NULL, NULL FROM meeting WHERE id = CAST($1 AS BIGINT)", 0, false,
     false, NULL, "会议"},
    {NULL, false, false, NULL},
};

/* ---- what the reminders read (notice/) ---- */

st meeting_store_upcoming(uc *c, int64_t person, const char *from, const char *to, json_t **out, err *e) {
    *out = NULL;
    st s = db_query_json(c->d, out,
                         "SELECT m.id, o.name AS org_name, m.kind, m.topic, m.day, m.start_time AS start, m.end_time AS \"end\", "
                         "m.starts_at, m.ends_at, m.place, m.online_url, "
                         "CASE WHEN a.checked_in_at IS NULL THEN 0 ELSE 1 END AS checked_in FROM meeting_attendee a "
                         "JOIN meeting m ON m.id = a.meeting_id JOIN org o ON o.id = m.org_id "
                         "WHERE a.person_id = $1 AND a.status <> 'leave' AND m.state = 'planned' AND m.day >= $2 AND m.day <= $3 "
                         "ORDER BY m.starts_at, m.id",
                         e, "itt", person, from, to);
    if (!s && !arena_json(c->mem, *out)) s = err_set(e, ST_NOMEM, "内存不足。");
    return s;
}

st meeting_store_duty_counts(uc *c, int64_t *leave, int64_t *unrecorded, err *e) {
    *leave = *unrecorded = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    ms_today(today);
    /* both read a partial index of migration 0046: the few open rows, then their scope */
    st s = db_query_int(c->d, leave,
                        "SELECT COUNT(*) FROM meeting_attendee a JOIN meeting m ON m.id = a.meeting_id "
                        "WHERE a.leave_state = 'requested' AND m.state = 'planned' AND " MS_SCOPE("$1", "$2"),
                        e, "tt", k, code);
    if (!s) s = db_query_int(c->d, unrecorded,
                             "SELECT COUNT(*) FROM meeting m WHERE m.state = 'planned' AND m.day < $3 AND " MS_SCOPE("$1", "$2"), e,
                             "ttt", k, code, today);
    return s;
}

/* ---- what the dues' arrears warning reads (dues/) ---- */

st meeting_store_life_months(uc *c, int64_t org_id, const char *from, const char *to, json_t **out, err *e) {
    *out = NULL;
    st s = scope_check_id(c, "org", org_id, e);
    if (!s) s = db_query_json(c->d, out,
                              "SELECT a.person_id, substr(m.day, 1, 7) AS month, COUNT(*) AS expected, "
                              "SUM(CASE WHEN a.status IN ('present', 'online') THEN 1 ELSE 0 END) AS attended, "
                              "SUM(CASE WHEN a.status = 'leave' THEN 1 ELSE 0 END) AS excused "
                              "FROM meeting m JOIN meeting_attendee a ON a.meeting_id = m.id "
                              "WHERE m.org_id = $1 AND m.state = 'held' AND m.day >= $2 AND m.day <= $3 "
                              "GROUP BY a.person_id, substr(m.day, 1, 7) ORDER BY a.person_id, month",
                              e, "itt", org_id, from, to);
    if (!s && !arena_json(c->mem, *out)) s = err_set(e, ST_NOMEM, "内存不足。");
    return s;
}
