/* flow_store — 流动党员 in the database (see flow_store.h).  All of the flow
 * module's SQL is here; the registry's state changes go through
 * member_store_change, as a part of the flow's own act. */
#include "flow/flow_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "base/ids.h"
#include "base/mask.h"
#include "member/member.h"
#include "member/member_store.h"
#include "db/db_like.h"

static const char *fl_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static void fl_today(char out[11]) { clock_day(clock_now(), out); }

static const char *fl_str(const char *s) { return s && *s ? s : NULL; }

/* ---- what a registration reads ---- */

typedef struct fl_org {
    int64_t id;
    const char *name, *path, *district, *park;
} fl_org;

/* An organization active on day, with its place. */
static st fl_org_load(uc *c, int64_t id, const char *day, const char *field, fl_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT name, path, district_code, park_code, "
                      "CASE WHEN established_on <= $2 AND (dissolved_on IS NULL OR dissolved_on > $2) THEN 1 ELSE 0 END "
                      "FROM org WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    db_bind_text(q, 2, day);
    int r = db_step(q, e), active = 0;
    if (r == DB_ROW) {
        o->id = id;
        o->name = fl_col(c, q, 0);
        o->path = fl_col(c, q, 1);
        o->district = fl_col(c, q, 2);
        o->park = fl_col(c, q, 3);
        active = (int)db_col_int(q, 4);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_INVALID, field, "没有编号为 %lld 的党组织。", (long long)id);
    if (!active) return err_field(e, ST_INVALID, field, "党组织“%s”在 %s 未成立或已撤销。", o->name, day);
    return ST_OK;
}

typedef struct fl_member {
    int64_t person_id, org_id;
    const char *name, *state, *since;
} fl_member;

static st fl_member_load(uc *c, int64_t person, fl_member *m, err *e) {
    memset(m, 0, sizeof *m);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT m.org_id, p.name, m.state, m.since FROM member m JOIN person p ON p.id = m.person_id WHERE m.person_id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        m->person_id = person;
        m->org_id = db_col_int(q, 0);
        m->name = fl_col(c, q, 1);
        m->state = fl_col(c, q, 2);
        m->since = fl_col(c, q, 3);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_field(e, ST_NOT_FOUND, "person_id", "党员名册中没有编号为 %lld 的党员。", (long long)person);
}

/* The person's open flow, if any (*id 0 when none). */
typedef struct fl_open {
    int64_t id, manager;
    const char *from, *manager_name;
} fl_open;

static st fl_open_load(uc *c, int64_t person, fl_open *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT f.id, f.manager_org_id, f.from_day, o.name FROM member_flow f JOIN org o ON o.id = f.manager_org_id "
                      "WHERE f.person_id = $1 AND f.to_day IS NULL",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        o->id = db_col_int(q, 0);
        o->manager = db_col_int(q, 1);
        o->from = fl_col(c, q, 2);
        o->manager_name = fl_col(c, q, 3);
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* The registry state, dated, as a part of the flow's act (one audit row: the flow's). */
static st fl_state(uc *c, int64_t person, const char *state, const char *day, const char *note, err *e) {
    member_change ch = {.day = day, .state = state, .note = note};
    uc part = uc_part(c);
    return member_store_change(&part, person, &ch, e);
}

/* The checked fields every registration shares. */
typedef struct fl_fields {
    char from[11], expect[11];
    const char *place, *reason, *card, *note;
    const char *contact;           /* kept as written (not a phone) */
    char *sealed;                  /* a phone, sealed (malloc'ed, registered on c's arena) */
    const char *masked;
} fl_fields;

static st fl_fields_check(uc *c, const flow_new *x, const char *since, const char *default_place, fl_fields *f, err *e) {
    memset(f, 0, sizeof *f);
    char today[11];
    fl_today(today);
    st s = flow_days_check(x->from_day, x->expect_day, since, today, f->from, f->expect, e);
    if (s) return s;
    if (!x->reason || !flow_reason_ok(x->reason))
        return err_field(e, ST_INVALID, "reason", "流动原因 reason 应为 务工经商、学习进修、随迁投亲、待业 或 其他。");
    f->reason = x->reason;
    f->place = fl_str(x->place) ? x->place : default_place;
    if (!f->place) return err_field(e, ST_INVALID, "place", "请填写外出去向 place（如：广东省深圳市南山区，某某公司）。");
    if (strlen(f->place) > 300) return err_field(e, ST_INVALID, "place", "外出去向 place 过长（最多 100 个字）。");
    f->card = fl_str(x->card_no);
    if (f->card && strlen(f->card) > 60) return err_field(e, ST_INVALID, "card_no", "流动党员活动证号 card_no 过长（最多 60 个字符）。");
    f->note = fl_str(x->note);
    if (f->note && strlen(f->note) > 600) return err_field(e, ST_INVALID, "note", "备注 note 过长（最多 200 个字）。");
    const char *contact = fl_str(x->contact);
    if (contact) {
        if (strlen(contact) > 300) return err_field(e, ST_INVALID, "contact", "联系方式 contact 过长（最多 100 个字）。");
        char phone[32], m[32];
        if (flow_contact_phone(contact, phone)) {
            mask_phone(phone, m, sizeof m);
            f->masked = arena_strdup(c->mem, m);
            if ((s = crypt_seal("member_flow.contact", phone, &f->sealed, e))) return s;
            arena_own(c->mem, f->sealed);
        } else f->contact = contact;
    }
    return ST_OK;
}

static st fl_insert(uc *c, const fl_member *m, const fl_org *home, const fl_org *mgr, int64_t dest, const char *dir, const fl_fields *f,
                    int64_t *id, err *e) {
    return db_query_int(c->d, id,
                        "INSERT INTO member_flow(person_id, name, home_org_id, home_path, home_district, home_park, manager_org_id, "
                        "manager_path, manager_district, manager_park, dest_org_id, place, reason, direction, card_no, contact, "
                        "contact_sealed, contact_masked, from_day, expect_day, note, created_by, created_at) VALUES "
                        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, 0), $12, $13, $14, $15, $16, $17, $18, $19, NULLIF($20, ''), "
                        "$21, $22, $23) RETURNING id",
                        e, "itittti" "tttittttttttttti", m->person_id, m->name, home->id, home->path, home->district, home->park, mgr->id,
                        mgr->path, mgr->district, mgr->park, dest, f->place, f->reason, dir, f->card, f->contact, f->sealed, f->masked,
                        f->from, f->expect, f->note, c->who.username ? c->who.username : "", clock_now());
}

/* ---- outflow ---- */

static st fl_out(uc *c, const flow_new *x, int64_t *id, err *e) {
    fl_member m;
    st s = fl_member_load(c, x->person_id, &m, e);
    if (!s) s = scope_check_id(c, "member", x->person_id, e);
    if (s) return s;
    if (strcmp(m.state, "正常") && strcmp(m.state, "流动"))
        return err_field(e, ST_INVALID, "person_id", "%s 的党籍状态为“%s”，不能登记外出流动。", m.name, m.state);
    fl_open open;
    if ((s = fl_open_load(c, m.person_id, &open, e))) return s;
    if (open.id)
        return err_field(e, ST_CONFLICT, "person_id", "%s 已登记为流动党员（%s 起，由“%s”管理）：请先登记返回。", m.name, open.from,
                         open.manager_name);
    fl_fields f;
    fl_org home, mgr;
    const char *dest_name = NULL;
    if (x->org_id > 0) {
        if (x->org_id == m.org_id) return err_field(e, ST_INVALID, "org_id", "流入的党组织就是该党员所在的党组织，无需登记流动。");
        /* the name only, for the default place; checked on the day below */
        char today[11];
        fl_today(today);
        if ((s = fl_org_load(c, x->org_id, today, "org_id", &mgr, e))) return s;
        dest_name = mgr.name;
    }
    if ((s = fl_fields_check(c, x, m.since, dest_name, &f, e))) return s;
    if ((s = fl_org_load(c, m.org_id, f.from, "from_day", &home, e))) return s;
    if (x->org_id > 0) {
        if ((s = fl_org_load(c, x->org_id, f.from, "org_id", &mgr, e))) return s;
    } else mgr = home;
    if ((s = fl_insert(c, &m, &home, &mgr, x->org_id > 0 ? x->org_id : 0, "out", &f, id, e))) return s;
    if (!strcmp(m.state, "正常")) s = fl_state(c, m.person_id, "流动", f.from, arena_printf(c->mem, "外出流动：%s", f.place), e);
    return s;
}

st flow_store_out(uc *c, const flow_new *x, int64_t *id, err *e) {
    *id = 0;
    st s = crypt_init(c->d, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = fl_out(c, x, id, e);
    uc_act a = {"flow.out", uc_obj(c, "flow", *id), x->place ? x->place : "登记流出党员", NULL};
    return uc_end(c, s, &a, e);
}

/* ---- inflow ---- */

static st fl_in(uc *c, const flow_new *x, int64_t *id, err *e) {
    if (!x->id_number || !*x->id_number) return err_field(e, ST_INVALID, "id_number", "请填写流入党员的公民身份号码 id_number。");
    if (!x->name || !*x->name) return err_field(e, ST_INVALID, "name", "请填写流入党员的姓名 name。");
    char id18[19], key[33];
    if (strlen(x->id_number) > 40 || !ids_idcard_normalize(x->id_number, strlen(x->id_number), id18))
        return err_field(e, ST_INVALID, "id_number", "公民身份号码无效：应为 18 位（或一代 15 位），出生日期真实，末位校验码正确。");
    st s = member_id_key(id18, key, e);
    int64_t person = 0;
    if (!s) s = db_query_int(c->d, &person, "SELECT p.id FROM person p JOIN member m ON m.person_id = p.id WHERE p.id_key = $1", e, "t", key);
    if (s == ST_NOT_FOUND)
        return err_field(e, ST_NOT_FOUND, "id_number",
                         "党员名册中没有这个公民身份号码的党员：流入党员须已在系统的党员名册中。请由其所在党组织先登记该党员，"
                         "或为其办理组织关系转接。");
    if (s) return s;
    fl_member m;
    if ((s = fl_member_load(c, person, &m, e))) return s;
    if (strcmp(m.name, x->name))
        return err_field(e, ST_INVALID, "name", "填写的姓名与党员名册中该公民身份号码的登记姓名不一致，请核对。");
    if (x->org_id <= 0) return err_field(e, ST_INVALID, "org_id", "请选择管理该流入党员的党组织 org_id。");
    if ((s = scope_check_id(c, "org", x->org_id, e))) return s;
    if (x->org_id == m.org_id) return err_field(e, ST_INVALID, "org_id", "%s 是本组织的党员，无需登记流入。", m.name);
    if (strcmp(m.state, "正常") && strcmp(m.state, "流动"))
        return err_field(e, ST_INVALID, "id_number", "%s 的党籍状态为“%s”，不能登记流入。", m.name, m.state);
    fl_open open;
    if ((s = fl_open_load(c, person, &open, e))) return s;
    if (open.id && open.manager == x->org_id)
        return err_field(e, ST_CONFLICT, "id_number", "%s 已由本组织登记流入（%s 起）。", m.name, open.from);
    if (open.id && open.manager != m.org_id)
        return err_field(e, ST_CONFLICT, "id_number", "%s 现由“%s”管理（%s 起）：请其所在党组织先登记返回，再登记流入。", m.name,
                         open.manager_name, open.from);
    char today[11];
    fl_today(today);
    fl_org mgr, home;
    if ((s = fl_org_load(c, x->org_id, today, "org_id", &mgr, e))) return s;
    fl_fields f;
    if ((s = fl_fields_check(c, x, m.since, mgr.name, &f, e))) return s;
    if (open.id && strcmp(f.from, open.from) <= 0)
        return err_field(e, ST_INVALID, "from_day", "%s 于 %s 登记外出，流入日期应晚于该日。", m.name, open.from);
    if ((s = fl_org_load(c, x->org_id, f.from, "from_day", &mgr, e))) return s;
    if ((s = fl_org_load(c, m.org_id, f.from, "from_day", &home, e))) return s;
    /* the receiving side takes over a flow its home organization was managing */
    if (open.id)
        s = db_run(c->d, "UPDATE member_flow SET to_day = $1, closed_at = $2, return_note = $3, ended = 'handed_over' WHERE id = $4", e,
                   "titi", f.from, clock_now(),
                   arena_printf(c->mem, "转由“%s”管理", mgr.name), open.id);
    if (!s) s = fl_insert(c, &m, &home, &mgr, x->org_id, "in", &f, id, e);
    if (!s && !strcmp(m.state, "正常"))
        s = fl_state(c, person, "流动", f.from, arena_printf(c->mem, "流入“%s”", mgr.name), e);
    return s;
}

st flow_store_in(uc *c, const flow_new *x, int64_t *id, err *e) {
    *id = 0;
    st s = crypt_init(c->d, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = fl_in(c, x, id, e);
    uc_act a = {"flow.in", uc_obj(c, "flow", *id), x->place ? x->place : "登记流入党员", NULL};
    return uc_end(c, s, &a, e);
}

/* ---- return ---- */

static st fl_return(uc *c, int64_t id, const char *day, const char *note, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT person_id, from_day, to_day, name FROM member_flow WHERE id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    int64_t person = 0;
    const char *from = NULL, *to = NULL, *name = NULL;
    if (r == DB_ROW) {
        person = db_col_int(q, 0);
        from = fl_col(c, q, 1);
        to = fl_col(c, q, 2);
        name = fl_col(c, q, 3);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的流动党员登记。", (long long)id);
    if ((s = scope_check_id(c, "flow", id, e))) return s;
    if (to) return err_set(e, ST_CONFLICT, "%s 已于 %s 登记返回。", name, to);
    if (note && strlen(note) > 600) return err_field(e, ST_INVALID, "note", "备注 note 过长（最多 200 个字）。");
    char today[11], d[11];
    fl_today(today);
    if ((s = flow_return_check(day, from, today, d, e))) return s;
    s = db_run(c->d, "UPDATE member_flow SET to_day = $1, closed_at = $2, return_note = $3, ended = 'returned' WHERE id = $4", e, "titi", d,
               clock_now(),
               fl_str(note), id);
    fl_member m;
    if (!s) s = fl_member_load(c, person, &m, e);
    if (!s && !strcmp(m.state, "流动")) s = fl_state(c, person, "正常", d, "流动党员返回", e);
    return s;
}

st flow_store_return(uc *c, int64_t id, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = fl_return(c, id, day, note, e);
    uc_act a = {"flow.return", uc_obj(c, "flow", id), note ? note : day, NULL};
    return uc_end(c, s, &a, e);
}

st flow_store_close_on_move(uc *c, int64_t person_id, const char *day, const char *note, bool *closed, err *e) {
    *closed = false;
    int64_t id = 0;
    st s = db_query_int(c->d, &id, "SELECT id FROM member_flow WHERE person_id = $1 AND to_day IS NULL", e, "i", person_id);
    if (s == ST_NOT_FOUND) {
        err_clear(e);
        return ST_OK;
    }
    if (s) return s;
    /* a flow registered ahead of its day closes on that day: it never counted */
    s = db_run(c->d,
               "UPDATE member_flow SET to_day = CASE WHEN from_day > $2 THEN from_day ELSE $2 END, ended = 'handed_over', "
               "return_note = $3, closed_at = $4 WHERE id = $1",
               e, "itti", id, day, note, clock_now());
    if (!s) *closed = true;
    return s;
}

/* ---- reading ---- */

#define FL_SELECT                                                                                                         \
    "f.id, f.person_id, f.name, f.home_org_id, h.name AS home_org_name, f.manager_org_id, g.name AS manager_org_name, "   \
    "f.dest_org_id, f.place, f.reason, f.direction, f.card_no, COALESCE(f.contact_masked, f.contact) AS contact, "         \
    "f.from_day, f.expect_day, f.to_day, f.ended, f.note, f.return_note, f.created_by "
#define FL_FROM "FROM member_flow f JOIN org h ON h.id = f.home_org_id JOIN org g ON g.id = f.manager_org_id "
#define FL_COLS FL_SELECT FL_FROM

/* status: the pure rule's word for each row */
static void fl_statuses(json_t *items) {
    char today[11];
    fl_today(today);
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        const char *st_ = flow_status(json_string_value(json_object_get(r, "to_day")), json_string_value(json_object_get(r, "ended")),
                                      json_string_value(json_object_get(r, "expect_day")), today);
        json_object_set_new(r, "status", json_string(st_));
    }
}

st flow_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT " FL_COLS "WHERE f.id = $1", e, "i", id);
    if (s) return s;
    if (!json_array_size(rows)) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的流动党员登记。", (long long)id);
    }
    fl_statuses(rows);
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return ST_OK;
}

#define FL_SC_HOME SCOPE_COND("$1", "$2", "f.home_district", "f.home_park", "f.home_path", "NULL", "NULL")
#define FL_SC_MGR SCOPE_COND("$1", "$2", "f.manager_district", "f.manager_park", "f.manager_path", "NULL", "NULL")
/* $3 side, $4 the organization's path, $5 status, $6 today, $7 part of a name */
#define FL_LIST_WHERE                                                                                                        \
    "WHERE ((CAST($3 AS TEXT) IS NULL AND (" FL_SC_HOME " OR " FL_SC_MGR ")) "                                              \
    "OR (CAST($3 AS TEXT) = 'out' AND " FL_SC_HOME ") "                                                                     \
    "OR (CAST($3 AS TEXT) = 'in' AND f.manager_org_id <> f.home_org_id AND " FL_SC_MGR ")) "                                \
    "AND (CAST($4 AS TEXT) IS NULL "                                                                                       \
    "OR (COALESCE(CAST($3 AS TEXT), 'out') = 'out' AND f.home_path LIKE CAST($4 AS TEXT) || '%') "                         \
    "OR (COALESCE(CAST($3 AS TEXT), 'in') = 'in' AND f.manager_org_id <> f.home_org_id AND f.manager_path LIKE CAST($4 AS TEXT) || '%')) " \
    "AND (CAST($5 AS TEXT) IS NULL OR (CAST($5 AS TEXT) = 'returned' AND f.ended = 'returned') "                          \
    "OR (CAST($5 AS TEXT) = 'open' AND f.to_day IS NULL) "                                                                 \
    "OR (CAST($5 AS TEXT) = 'overdue' AND f.to_day IS NULL AND f.expect_day < CAST($6 AS TEXT))) "                         \
    "AND (CAST($7 AS TEXT) IS NULL OR f.name LIKE CAST($7 AS TEXT) ESCAPE '\\') "

st flow_store_list(uc *c, const flow_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    fl_today(today);
    char *path = NULL;
    st s = ST_OK;
    if (f->org_id > 0) {
        s = db_query_text(c->d, &path, "SELECT path FROM org WHERE id = $1", e, "i", f->org_id);
        if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, "org_id", "没有编号为 %lld 的党组织。", (long long)f->org_id);
        if (s) return s;
        arena_own(c->mem, path);
    }
    const char *side = fl_str(f->side), *status = fl_str(f->status), *q = fl_str(f->q) ? db_like(c->mem, f->q) : NULL;
    s = db_query_int(c->d, total, "SELECT COUNT(*) FROM member_flow f " FL_LIST_WHERE, e, "ttttttt", k, code, side, path, status, today, q);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (SELECT " FL_SELECT ", CASE WHEN %s THEN 1 ELSE 0 END AS home_side " FL_FROM
                                   "%s) q ORDER BY %s LIMIT $8 OFFSET $9",
                                   FL_SC_HOME, FL_LIST_WHERE,
                                   p && p->order ? p->order : "q.id DESC");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "tttttttii", k, code, side, path, status, today, q, p ? p->limit : 50, p ? p->offset : 0);
    if (!s) fl_statuses(*items);
    return s;
}

st flow_store_counts(uc *c, int64_t org_id, json_t **out, err *e) {
    *out = NULL;
    st s = scope_check_id(c, "org", org_id, e);
    if (s) return s;
    char today[11];
    fl_today(today);
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows,
                      "SELECT (SELECT COUNT(*) FROM member_flow WHERE home_org_id = $1 AND to_day IS NULL) AS out_open, "
                      "(SELECT COUNT(*) FROM member_flow WHERE home_org_id = $1 AND to_day IS NULL AND expect_day < $2) AS out_overdue, "
                      "(SELECT COUNT(*) FROM member_flow WHERE manager_org_id = $1 AND home_org_id <> $1 AND to_day IS NULL) AS in_open, "
                      "(SELECT COUNT(*) FROM member_flow WHERE manager_org_id = $1 AND home_org_id <> $1 AND to_day IS NULL "
                      "AND expect_day < $2) AS in_overdue, "
                      "(SELECT COUNT(*) FROM member_flow WHERE home_org_id = $1 AND ended = 'returned') AS returned",
                      e, "it", org_id, today);
    if (s) return s;
    *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st flow_store_overdue_count(uc *c, int64_t *n, err *e) {
    *n = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    fl_today(today);
    return db_query_int(c->d, n,
                        "SELECT COUNT(*) FROM member_flow f WHERE f.to_day IS NULL AND f.expect_day < $3 AND (" FL_SC_HOME " OR " FL_SC_MGR
                        ")",
                        e, "ttt", k, code, today);
}

st flow_store_manager_at(uc *c, int64_t person_id, const char *day, int64_t *org_id, err *e) {
    *org_id = 0;
    st s = db_query_int(c->d, org_id,
                        "SELECT manager_org_id FROM member_flow WHERE person_id = $1 AND from_day <= $2 AND (to_day IS NULL OR to_day > $2) "
                        "ORDER BY from_day DESC LIMIT 1",
                        e, "it", person_id, day);
    if (s != ST_NOT_FOUND) return s;
    err_clear(e);
    member_standing ms;
    if ((s = member_store_standing(c, person_id, day, &ms, e))) return s;
    *org_id = ms.org_id;
    return ST_OK;
}

st flow_store_orgs(uc *c, const char *q, json_t **out, err *e) {
    *out = NULL;
    char today[11];
    fl_today(today);
    return db_query_json(c->d, out,
                         "SELECT o.id, o.name, o.kind, r.name AS district_name FROM org o LEFT JOIN region r ON r.code = o.district_code "
                         "WHERE o.parent_id IS NOT NULL AND o.established_on <= $2 AND (o.dissolved_on IS NULL OR o.dissolved_on > $2) "
                         "AND o.name LIKE CAST($1 AS TEXT) ESCAPE '\\' ORDER BY o.name {{ZH}}, o.id LIMIT 20",
                         e, "tt", db_like(c->mem, q ? q : ""), today);
}

/* ---- scope ---- */

const scope_resolver flow_scope_resolvers[] = {
    /* A flow sits where the member's home organization is (its side records the return). */
    {"flow", true, false, "SELECT home_district, home_park, home_path, NULL, NULL FROM member_flow WHERE id = CAST($1 AS BIGINT)", 0, false,
     false, NULL, "流动党员登记"},
    {NULL, false, false, NULL},
};
