/* notice_store — notices and reminders in the database (see notice_store.h).
 * All of the notice module's SQL is here; the meetings and development files
 * the reminders count are read through their own stores. */
#include "notice/notice_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "core/config.h"
#include "committee/committee_store.h"
#include "develop/develop_store.h"
#include "flow/flow_store.h"
#include "dues/dues_report_store.h"
#include "meeting/meeting.h"
#include "meeting/meeting_store.h"
#include "member/member_store.h"
#include "transfer/transfer_store.h"
#include "db/db_like.h"

static const char *nt_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static void nt_today(char out[11]) { clock_day(clock_now(), out); }


/* A notice's own row. */
typedef struct nt_row {
    int64_t id, recipients, read_count;
    const char *title, *body, *level, *scope_code, *scope_name, *org_path, *district, *park, *state, *sender;
} nt_row;

static st nt_get(uc *c, int64_t id, nt_row *n, err *e) {
    memset(n, 0, sizeof *n);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT title, body, level, scope_code, scope_name, org_path, district_code, park_code, state, sender, "
                      "recipients, read_count FROM notice WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        n->id = id;
        n->title = nt_col(c, q, 0);
        n->body = nt_col(c, q, 1);
        n->level = nt_col(c, q, 2);
        n->scope_code = nt_col(c, q, 3);
        n->scope_name = nt_col(c, q, 4);
        n->org_path = nt_col(c, q, 5);
        n->district = nt_col(c, q, 6);
        n->park = nt_col(c, q, 7);
        n->state = nt_col(c, q, 8);
        n->sender = nt_col(c, q, 9);
        n->recipients = db_col_int(q, 10);
        n->read_count = db_col_int(q, 11);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的通知。", (long long)id);
}

/* ---- write, publish, withdraw ---- */

/* Where a place is: its name, and the organization's path, district and park. */
typedef struct nt_where {
    const char *name, *path, *district, *park;
    int64_t org_id;
} nt_where;

static st nt_locate(uc *c, const notice_place *p, nt_where *w, err *e) {
    memset(w, 0, sizeof *w);
    if (!strcmp(p->level, "city")) {
        w->name = "全市";
        return ST_OK;
    }
    db_stmt *q;
    st s;
    int r;
    if (!strcmp(p->level, "org")) {
        w->org_id = strtoll(p->code, NULL, 10);
        if ((s = db_prepare(c->d, "SELECT name, path, district_code, park_code, dissolved_on FROM org WHERE id = $1", &q, e))) return s;
        db_bind_int(q, 1, w->org_id);
        const char *dissolved = NULL;
        if ((r = db_step(q, e)) == DB_ROW) {
            w->name = nt_col(c, q, 0);
            w->path = nt_col(c, q, 1);
            w->district = nt_col(c, q, 2);
            w->park = nt_col(c, q, 3);
            dissolved = nt_col(c, q, 4);
        }
        db_reset(q);
        if (r == DB_ERROR) return e->code;
        if (r != DB_ROW) return err_field(e, ST_NOT_FOUND, "org_id", "没有编号为 %s 的党组织。", p->code);
        char today[11];
        nt_today(today);
        if (dissolved && strcmp(dissolved, today) <= 0)
            return err_field(e, ST_INVALID, "org_id", "“%s”已于 %s 撤销，不能再向其发布通知。", w->name, dissolved);
        return scope_check_id(c, "org", w->org_id, e);
    }
    /* a district or a park: the region's name (a park's district is its parent) */
    if ((s = db_prepare(c->d, "SELECT name, parent_code FROM region WHERE code = $1", &q, e))) return s;
    db_bind_text(q, 1, p->code);
    if ((r = db_step(q, e)) == DB_ROW) {
        w->name = nt_col(c, q, 0);
        if (!strcmp(p->level, "park")) {
            w->park = arena_strdup(c->mem, p->code);
            w->district = nt_col(c, q, 1);
        } else w->district = arena_strdup(c->mem, p->code);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有代码为 %s 的区域：请检查账号绑定的数据范围。", p->code);
}

/* The members a notice goes to: the registry's members inside its place today
 * (the member table is each membership as it stands), still in the party. */
static st nt_audience(uc *c, const nt_row *n, err *e) {
#define NT_AUD "INSERT INTO notice_recipient(notice_id, person_id, name, name_key, org_id) " \
               "SELECT $1, m.person_id, m.name, m.name_key, m.org_id FROM member m WHERE m.state IN ('正常', '流动', '失联') "
    if (!strcmp(n->level, "city")) return db_run(c->d, NT_AUD, e, "i", n->id);
    if (!strcmp(n->level, "district")) return db_run(c->d, NT_AUD "AND m.district_code = $2", e, "it", n->id, n->scope_code);
    if (!strcmp(n->level, "park")) return db_run(c->d, NT_AUD "AND m.park_code = $2", e, "it", n->id, n->scope_code);
    return db_run(c->d, NT_AUD "AND m.org_path LIKE CAST($2 AS TEXT) || '%'", e, "it", n->id, n->org_path);
#undef NT_AUD
}

/* Every active channel but the inbox gets the notice and its recipients. */
static st nt_send(uc *c, const nt_row *n, const notice_channel *const *ch, size_t nch, err *e) {
    json_t *rows = NULL;
    notice_to *to = NULL;
    size_t nto = 0;
    st s = ST_OK;
    for (size_t i = 0; i < nch && !s; i++) {
        if (ch[i]->inbox) continue;
        if (!rows) {
            s = db_query_json(c->d, &rows, "SELECT person_id, name FROM notice_recipient WHERE notice_id = $1 ORDER BY person_id", e, "i",
                              n->id);
            if (!s && !arena_json(c->mem, rows)) s = err_set(e, ST_NOMEM, "内存不足。");
            if (s) break;
            nto = json_array_size(rows);
            to = arena_calloc(c->mem, nto + 1, sizeof *to);
            if (!to) return err_set(e, ST_NOMEM, "内存不足。");
            for (size_t k = 0; k < nto; k++) {
                json_t *r = json_array_get(rows, k);
                to[k].person_id = json_integer_value(json_object_get(r, "person_id"));
                to[k].name = json_string_value(json_object_get(r, "name"));
            }
        }
        notice_msg m = {n->id, n->title, n->body, n->sender, n->scope_name};
        s = ch[i]->send(&m, to, nto, e);
    }
    return s;
}

static st nt_publish_in(uc *c, int64_t id, err *e) {
    nt_row n;
    st s = nt_get(c, id, &n, e);
    if (!s) s = scope_check_id(c, "notice", id, e);
    if (s) return s;
    if (strcmp(n.state, "draft"))
        return err_set(e, ST_CONFLICT, "通知“%s”%s，不能再次发布。", n.title, !strcmp(n.state, "published") ? "已经发布" : "已撤回");
    const notice_channel *ch[NOTICE_CHANNELS_MAX];
    size_t nch = 0;
    if ((s = notice_channels_parse(cfg_str("notice-channels"), ch, &nch, e))) return s;
    char names[NOTICE_CHANNELS_MAX * 33] = "";
    for (size_t i = 0; i < nch; i++) snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? "," : "", ch[i]->name);
    char today[11];
    nt_today(today);
    if ((s = nt_audience(c, &n, e))) return s;
    int64_t count = 0;
    if ((s = db_query_int(c->d, &count, "SELECT COUNT(*) FROM notice_recipient WHERE notice_id = $1", e, "i", id))) return s;
    s = db_run(c->d,
               "UPDATE notice SET state = 'published', recipients = $2, read_count = 0, published_at = $3, published_on = $4, "
               "channels = $5 WHERE id = $1",
               e, "iiitt", id, count, clock_now(), today, names);
    if (!s) s = nt_send(c, &n, ch, nch, e);
    return s;
}

static st nt_create_in(uc *c, const notice_new *x, int64_t *id, err *e) {
    notice_place p;
    char org_code[24];
    nt_where w;
    st s = notice_check_text(x->title, x->body, e);
    if (!s) s = notice_place_of(c->who.scope_kind, c->who.scope_code, x->org_id, org_code, &p, e);
    if (!s) s = nt_locate(c, &p, &w, e);
    if (s) return s;
    s = db_query_int(c->d, id,
                     "INSERT INTO notice(title, body, level, scope_code, scope_name, org_id, org_path, district_code, park_code, state, "
                     "sender_id, sender, created_at) VALUES ($1, $2, $3, $4, $5, NULLIF(CAST($6 AS BIGINT), 0), $7, $8, $9, 'draft', "
                     "NULLIF(CAST($10 AS BIGINT), 0), $11, $12) RETURNING id",
                     e, "tttttitttiti", x->title, x->body, p.level, p.code, w.name, w.org_id, w.path, w.district, w.park,
                     c->who.user_id, c->who.username ? c->who.username : "", clock_now());
    if (!s && !x->draft) s = nt_publish_in(c, *id, e);
    return s;
}

st notice_store_create(uc *c, const notice_new *x, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = nt_create_in(c, x, id, e);
    uc_act a = {x->draft ? "notice.create" : "notice.publish", uc_obj(c, "notice", *id), x->title};
    return uc_end(c, s, &a, e);
}

st notice_store_publish(uc *c, int64_t id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = nt_publish_in(c, id, e);
    uc_act a = {"notice.publish", uc_obj(c, "notice", id), NULL};
    return uc_end(c, s, &a, e);
}

static st nt_withdraw_in(uc *c, int64_t id, const char *reason, err *e) {
    nt_row n;
    st s = nt_get(c, id, &n, e);
    if (!s) s = scope_check_id(c, "notice", id, e);
    if (s) return s;
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "请填写撤回原因 reason。");
    if (strcmp(n.state, "published"))
        return err_set(e, ST_CONFLICT, "通知“%s”%s，只有已发布的通知可以撤回。", n.title, !strcmp(n.state, "draft") ? "尚未发布" : "已经撤回");
    return db_run(c->d, "UPDATE notice SET state = 'withdrawn', withdrawn_at = $2, withdraw_reason = $3 WHERE id = $1", e, "iit", id,
                  clock_now(), reason);
}

st notice_store_withdraw(uc *c, int64_t id, const char *reason, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = nt_withdraw_in(c, id, reason, e);
    uc_act a = {"notice.withdraw", uc_obj(c, "notice", id), reason};
    return uc_end(c, s, &a, e);
}

/* ---- the sender's side ---- */

#define NT_COLS                                                                                                         \
    "n.id, n.title, n.level, n.scope_code, n.scope_name, n.org_id, n.state, n.sender, n.channels, n.recipients, "      \
    "n.read_count, n.recipients - n.read_count AS unread, n.created_at, n.published_at, n.published_on, n.withdrawn_at, " \
    "n.withdraw_reason"

st notice_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    st s = scope_check_id(c, "notice", id, e);
    json_t *rows = NULL;
    if (!s) s = db_query_json(c->d, &rows, "SELECT " NT_COLS ", n.body FROM notice n WHERE n.id = $1", e, "i", id);
    if (s) return s;
    if (!json_array_size(rows)) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的通知。", (long long)id);
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return ST_OK;
}

#define NT_SCOPE(K, C) SCOPE_COND(K, C, "n.district_code", "n.park_code", "n.org_path", "NULL", "NULL")
#define NT_LIST_WHERE                                                                                                   \
    "FROM notice n WHERE " NT_SCOPE("$1", "$2") " AND (CAST($3 AS TEXT) IS NULL OR n.state = $3) "                      \
    "AND (CAST($4 AS TEXT) IS NULL OR n.title LIKE CAST($4 AS TEXT) ESCAPE '\\')"

st notice_store_list(uc *c, const notice_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *q = f->q && *f->q ? db_like(c->mem, f->q) : NULL, *state = f->state && *f->state ? f->state : NULL;
    st s = db_query_int(c->d, total, "SELECT COUNT(*) " NT_LIST_WHERE, e, "tttt", k, code, state, q);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (SELECT " NT_COLS " %s) q ORDER BY %s LIMIT $5 OFFSET $6", NT_LIST_WHERE,
                                   p && p->order ? p->order : "q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "ttttii", k, code, state, q, p ? p->limit : 50, p ? p->offset : 0);
}

/* read_time: the receipt as China's local time, for the screen and the workbook. */
static void nt_read_times(json_t *items) {
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        json_t *at = json_object_get(r, "read_at");
        if (json_is_integer(at)) {
            char t[17];
            notice_local_time(json_integer_value(at), t);
            json_object_set_new(r, "read_time", json_string(t));
        } else json_object_set_new(r, "read_time", json_null());
    }
}

#define NT_RCPT_WHERE                                                                                                   \
    "FROM notice_recipient r JOIN org o ON o.id = r.org_id WHERE r.notice_id = $1 AND (CAST($2 AS BIGINT) < 0 "      \
    "OR (CAST($2 AS BIGINT) = 1 AND r.read_at IS NOT NULL) OR (CAST($2 AS BIGINT) = 0 AND r.read_at IS NULL))"

st notice_store_recipients(uc *c, int64_t id, int read, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    st s = scope_check_id(c, "notice", id, e);
    if (!s) s = db_query_int(c->d, total, "SELECT COUNT(*) " NT_RCPT_WHERE, e, "ii", id, (int64_t)read);
    if (s) return s;
    const char *sql = arena_printf(c->mem,
                                   "SELECT * FROM (SELECT r.person_id, r.name, r.name_key, r.org_id, o.name AS org_name, r.read_at " NT_RCPT_WHERE
                                   ") q ORDER BY %s LIMIT $3 OFFSET $4",
                                   p && p->order ? p->order : "q.name_key, q.person_id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "iiii", id, (int64_t)read, p ? p->limit : 50, p ? p->offset : 0);
    if (!s) {
        size_t i;
        json_t *r;
        json_array_foreach(*items, i, r) json_object_del(r, "name_key");
        nt_read_times(*items);
    }
    return s;
}

/* ---- the member's side ---- */

/* The caller's registry person; 0 when the account is nobody's (staff). */
static st nt_person(uc *c, int64_t *person, err *e) {
    *person = 0;
    if (!c->who.user_id) return ST_OK;
    st s = member_store_person_of_user(c, c->who.user_id, person, e);
    if (s == ST_NOT_FOUND) {
        err_clear(e);
        *person = 0;
        return ST_OK;
    }
    return s;
}

#define NT_MINE_FROM "FROM notice_recipient r JOIN notice n ON n.id = r.notice_id WHERE r.person_id = $1 AND n.state = 'published'"

st notice_store_mine(uc *c, const uc_page *p, json_t **out, err *e) {
    *out = NULL;
    int64_t person, total = 0, unread = 0;
    json_t *items = NULL;
    st s = nt_person(c, &person, e);
    if (!s && person) s = db_query_int(c->d, &total, "SELECT COUNT(*) " NT_MINE_FROM, e, "i", person);
    if (!s && person) s = db_query_int(c->d, &unread, "SELECT COUNT(*) " NT_MINE_FROM " AND r.read_at IS NULL", e, "i", person);
    if (!s && person)
        s = db_query_json(c->d, &items,
                          "SELECT n.id, n.title, n.scope_name, n.level, n.published_at, n.published_on, r.read_at, "
                          "CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END AS is_read " NT_MINE_FROM
                          " ORDER BY n.published_at DESC, n.id DESC LIMIT $2 OFFSET $3",
                          e, "iii", person, p ? p->limit : 20, p ? p->offset : 0);
    if (s) return s;
    if (!items) items = json_array();
    *out = json_pack("{s:o,s:I,s:I}", "items", items, "total", (json_int_t)total, "unread", (json_int_t)unread);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st notice_store_mine_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    int64_t person;
    json_t *rows = NULL;
    st s = nt_person(c, &person, e);
    if (!s && person)
        s = db_query_json(c->d, &rows,
                          "SELECT n.id, n.title, n.body, n.scope_name, n.level, n.sender, n.published_at, n.published_on, r.read_at, "
                          "CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END AS is_read " NT_MINE_FROM " AND n.id = $2",
                          e, "ii", person, id);
    if (s) return s;
    if (!rows || !json_array_size(rows)) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有发给您的编号为 %lld 的通知（或已撤回）。", (long long)id);
    }
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return ST_OK;
}

static st nt_read_in(uc *c, int64_t id, err *e) {
    int64_t person, got = 0;
    st s = nt_person(c, &person, e);
    if (s) return s;
    if (!person) return err_set(e, ST_NOT_FOUND, "您的账号没有关联党员信息，没有发给您的通知。");
    s = db_query_int(c->d, &got, "SELECT COUNT(*) " NT_MINE_FROM " AND n.id = $2", e, "ii", person, id);
    if (s) return s;
    if (!got) return err_set(e, ST_NOT_FOUND, "没有发给您的编号为 %lld 的通知（或已撤回）。", (long long)id);
    s = db_query_int(c->d, &got,
                     "UPDATE notice_recipient SET read_at = $3 WHERE notice_id = $1 AND person_id = $2 AND read_at IS NULL "
                     "RETURNING person_id",
                     e, "iii", id, person, clock_now());
    if (s == ST_NOT_FOUND) {   /* read before: the first reading stays */
        err_clear(e);
        return ST_OK;
    }
    if (!s) s = db_run(c->d, "UPDATE notice SET read_count = read_count + 1 WHERE id = $1", e, "i", id);
    return s;
}

st notice_store_read(uc *c, int64_t id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = nt_read_in(c, id, e);
    uc_act a = {"notice.read", uc_obj(c, "notice", id), NULL};
    return uc_end(c, s, &a, e);
}

/* ---- reminders ---- */

static void nt_item(json_t *items, int64_t *count, const char *kind, int64_t n, const char *title, const char *detail, const char *link) {
    json_t *it = json_pack("{s:s,s:I,s:s,s:s?,s:s?}", "kind", kind, "count", (json_int_t)n, "title", title, "detail", detail, "link", link);
    if (it) json_array_append_new(items, it);
    *count += n;
}

st notice_store_reminders(uc *c, json_t **out, err *e) {
    *out = NULL;
    json_t *items = arena_json(c->mem, json_array());
    if (!items) return err_set(e, ST_NOMEM, "内存不足。");
    int64_t count = 0, person;
    st s = nt_person(c, &person, e);
    if (s) return s;
    if (person) {
        char today[11], until[11];
        nt_today(today);
        meeting_day_add(today, (int)cfg_int("rule-remind-meeting-days"), until);
        json_t *ms = NULL;
        if ((s = meeting_store_upcoming(c, person, today, until, &ms, e))) return s;
        int64_t now = clock_now();
        size_t i;
        json_t *m;
        json_array_foreach(ms, i, m) {
            if (json_integer_value(json_object_get(m, "checked_in"))) continue;
            int64_t st_at = json_integer_value(json_object_get(m, "starts_at")), en_at = json_integer_value(json_object_get(m, "ends_at"));
            bool open = notice_checkin_open(now, st_at, en_at);
            if (!open && en_at < now) continue;   /* over, and the check-in closed */
            const char *kind = json_string_value(json_object_get(m, "kind")), *topic = json_string_value(json_object_get(m, "topic"));
            const char *day = json_string_value(json_object_get(m, "day")), *start = json_string_value(json_object_get(m, "start"));
            const char *org = json_string_value(json_object_get(m, "org_name")), *place = json_string_value(json_object_get(m, "place"));
            json_t *it = json_pack("{s:s,s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "kind", open ? "checkin" : "meeting", "count", (json_int_t)1,
                                   "title", arena_printf(c->mem, "%s%s%s", open ? "正在签到：" : "", kind ? kind : "",
                                                         topic ? arena_printf(c->mem, "（%s）", topic) : ""),
                                   "detail",
                                   arena_printf(c->mem, "%s %s · %s%s%s", day ? day : "", start ? start : "", org ? org : "",
                                                place ? " · " : "", place ? place : ""),
                                   "link", "/me/meetings", "meeting_id", json_integer_value(json_object_get(m, "id")), "day",
                                   day ? day : "", "start", start ? start : "", "org_name", org ? org : "");
            if (it) json_array_append_new(items, it);
            count++;
        }
        int64_t unread = 0;
        if ((s = db_query_int(c->d, &unread,
                              "SELECT COUNT(*) FROM notice_recipient r JOIN notice n ON n.id = r.notice_id "
                              "WHERE r.person_id = $1 AND r.read_at IS NULL AND n.state = 'published'",
                              e, "i", person)))
            return s;
        if (unread) nt_item(items, &count, "notice", unread, arena_printf(c->mem, "%lld 条通知未读", (long long)unread), NULL, "/me/notices");
    }
    /* those who run organizations: their scope's open duties */
    if (notice_level_of(c->who.scope_kind)) {
        if (roles_has(c->who.role, "meeting.read")) {
            int64_t leave = 0, unrecorded = 0;
            if ((s = meeting_store_duty_counts(c, &leave, &unrecorded, e))) return s;
            if (leave) nt_item(items, &count, "leave", leave, arena_printf(c->mem, "%lld 条请假待审批", (long long)leave), NULL, "/meetings?state=planned");
            if (unrecorded)
                nt_item(items, &count, "unrecorded", unrecorded, arena_printf(c->mem, "%lld 次会议已过会议日期、尚未记录", (long long)unrecorded),
                        NULL, "/meetings?state=planned");
        }
        if (roles_has(c->who.role, "dues.read")) {   /* the 自行脱党 warning of the caller's own organization */
            int64_t at_risk = 0;
            if ((s = dues_report_store_arrears_count(c, &at_risk, e))) return s;
            if (at_risk)
                nt_item(items, &count, "arrears", at_risk,
                        arena_printf(c->mem, "%lld 名党员连续%lld个月未交党费或未参加组织生活（自行脱党预警，由支部大会决定）", (long long)at_risk,
                                     (long long)cfg_int("dues-arrears-months")),
                        NULL, "/dues/arrears");
        }
        if (roles_has(c->who.role, "develop.read")) {
            int64_t overdue = 0;
            if ((s = develop_store_overdue_count(c, &overdue, e))) return s;
            if (overdue)
                nt_item(items, &count, "develop", overdue, arena_printf(c->mem, "%lld 份发展党员档案的下一步骤已逾期", (long long)overdue), NULL,
                        "/develop/due");
        }
        if (roles_has(c->who.role, "transfer.write")) {
            int64_t approve = 0, accept = 0;
            if ((s = transfer_store_pending_counts(c, &approve, &accept, e))) return s;
            if (approve)
                nt_item(items, &count, "transfer_approve", approve, arena_printf(c->mem, "%lld 件组织关系转接待审批转出", (long long)approve), NULL,
                        "/transfers?state=requested&direction=out");
            if (accept)
                nt_item(items, &count, "transfer_accept", accept, arena_printf(c->mem, "%lld 件组织关系转接待接收", (long long)accept), NULL,
                        "/transfers?state=sent&direction=in");
        }
        if (roles_has(c->who.role, "org.read")) {   /* 换届提醒: terms run out, or running out within org-term-remind-days */
            int64_t overdue = 0, due = 0;
            if ((s = committee_store_term_counts(c, &overdue, &due, e))) return s;
            if (overdue)
                nt_item(items, &count, "org_term_overdue", overdue, arena_printf(c->mem, "%lld 个党组织任期已届满、尚未换届", (long long)overdue), NULL,
                        "/org/terms?status=overdue");
            if (due)
                nt_item(items, &count, "org_term_due", due,
                        arena_printf(c->mem, "%lld 个党组织任期将在 %lld 天内届满，请准备换届", (long long)due, (long long)cfg_int("org-term-remind-days")),
                        NULL, "/org/terms?status=due");
        }
        if (roles_has(c->who.role, "transfer.read")) {   /* 流动党员 whose expected return passed (home or managing side) */
            int64_t overdue = 0;
            if ((s = flow_store_overdue_count(c, &overdue, e))) return s;
            if (overdue)
                nt_item(items, &count, "flow", overdue, arena_printf(c->mem, "%lld 名流动党员已过预计返回日期", (long long)overdue), NULL,
                        "/flows?status=overdue");
        }
    }
    *out = json_pack("{s:I,s:O}", "count", (json_int_t)count, "items", items);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- scope ---- */

const scope_resolver notice_scope_resolvers[] = {
    /* A notice sits where it was addressed: the city's nowhere below the city. */
    {"notice", true, false, "SELECT district_code, park_code, org_path, NULL, NULL FROM notice WHERE id = CAST($1 AS BIGINT)", 0, false,
     false, NULL, "通知"},
    {NULL, false, false, NULL},
};
