/* liaison_store — 领导挂钩联系 in the database (see liaison_store.h).  All of
 * the module's SQL is here. */
#include "liaison/liaison_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/config.h"
#include "org/org.h"
#include "db/db_like.h"

/* A link holds on D (a bound parameter) while the enterprise is in the register. */
#define LS_ON_DAY(D) "l.from_day <= " D " AND (l.to_day IS NULL OR l.to_day > " D ") AND (e.reg_to IS NULL OR e.reg_to > " D ")"
#define LS_SCOPE SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")
#define LS_DISTRICT_NAME "(SELECT g.name FROM region g WHERE g.code = e.district_code) AS district_name"

static void ls_today(char out[11]) { clock_day(clock_now(), out); }

static const char *ls_actor(uc *c) { return c->who.username ? c->who.username : "-"; }

static liaison_actor ls_who(uc *c) { return (liaison_actor){c->who.user_id, c->who.scope_kind, c->who.scope_code}; }

static st ls_nomem(err *e) { return err_set(e, ST_NOMEM, "内存不足。"); }

/* day (field) a real calendar day, not after today (the clock's: tests move it). */
static st ls_day_check(const char *day, const char *field, err *e) {
    if (!day || !org_day_parse(day, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, field, "日期 %s 应为有效日期 YYYY-MM-DD（如 2026-03-01）。", field);
    char today[11];
    ls_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, field, "日期 %s=%s 晚于今天，不能登记将来的事。", field, day);
    return ST_OK;
}

/* The first row of a query as a JSON object (arena-owned), ST_NOT_FOUND "没有编号为 id 的<noun>。" when none. */
static st ls_row(uc *c, json_t *rows, json_t **row, err *e, const char *noun, int64_t id) {
    *row = json_array_get(rows, 0);
    if (!*row) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的%s。", (long long)id, noun);
    }
    arena_json(c->mem, rows);
    return ST_OK;
}

static const char *ls_str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static int64_t ls_int(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static st ls_leader_load(uc *c, int64_t id, liaison_leader *l, err *e) {
    memset(l, 0, sizeof *l);
    json_t *rows = NULL, *r;
    st s = db_query_json(c->d, &rows, "SELECT name, role, scope_code, disabled FROM users WHERE id = $1", e, "i", id);
    if (!s) s = ls_row(c, rows, &r, e, "用户账号", id);
    if (s) {
        if (s == ST_NOT_FOUND) e->code = ST_INVALID, snprintf(e->field, sizeof e->field, "leader_id");
        return s == ST_NOT_FOUND ? ST_INVALID : s;
    }
    *l = (liaison_leader){id, ls_str(r, "name"), ls_str(r, "role"), ls_str(r, "scope_code"), ls_int(r, "disabled") != 0};
    return ST_OK;
}

typedef struct ls_ent {
    const char *name, *reg_from, *reg_to, *reg_end;
} ls_ent;

static st ls_ent_load(uc *c, int64_t id, ls_ent *o, err *e) {
    memset(o, 0, sizeof *o);
    json_t *rows = NULL, *r;
    st s = db_query_json(c->d, &rows, "SELECT name, reg_from, reg_to, reg_end FROM enterprise WHERE id = $1", e, "i", id);
    if (!s) s = ls_row(c, rows, &r, e, "企业", id);
    if (s) return s;
    *o = (ls_ent){ls_str(r, "name"), ls_str(r, "reg_from"), ls_str(r, "reg_to"), ls_str(r, "reg_end")};
    return ST_OK;
}

/* ---- links ---- */

st liaison_store_link(uc *c, const liaison_link_new *n, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    liaison_leader l = {0};
    ls_ent o = {0};
    liaison_actor a = ls_who(c);
    s = ls_leader_load(c, n->leader_id, &l, e);
    if (!s) s = liaison_leader_check(&a, &l, e);
    if (!s) s = ls_ent_load(c, n->enterprise_id, &o, e);
    if (!s && (o.reg_end || o.reg_to))
        s = err_field(e, ST_CONFLICT, "enterprise_id", "企业“%s”已于 %s %s，退出了企业名录，不能新建挂钩联系；如企业仍在经营，请先在企业名录中核实。",
                      o.name, o.reg_to ? o.reg_to : "", o.reg_end && !strcmp(o.reg_end, "merged") ? "并入其他企业" : "关闭");
    if (!s) s = scope_check_id(c, "enterprise", n->enterprise_id, e);
    if (!s) s = ls_day_check(n->from_day, "from_day", e);
    if (!s && o.reg_from && strcmp(n->from_day, o.reg_from) < 0)
        s = err_field(e, ST_INVALID, "from_day", "企业“%s”自 %s 起纳入企业名录，挂钩开始日期不能早于这一天。", o.name, o.reg_from);
    if (!s) {
        json_t *rows = NULL;
        s = db_query_json(c->d, &rows,
                          "SELECT from_day FROM liaison_link WHERE leader_id = $1 AND enterprise_id = $2 AND (to_day IS NULL OR to_day > $3) "
                          "ORDER BY from_day LIMIT 1",
                          e, "iit", n->leader_id, n->enterprise_id, n->from_day);
        json_t *r = s ? NULL : json_array_get(rows, 0);
        if (r)
            s = err_field(e, ST_CONFLICT, "leader_id", "%s 自 %s 起已挂钩联系“%s”，不必重复登记。", l.name, ls_str(r, "from_day"), o.name);
        json_decref(rows);
    }
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO liaison_link(leader_id, leader_name, title, enterprise_id, from_day, note, created_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                         e, "ittittti", n->leader_id, l.name, n->title && *n->title ? n->title : NULL, n->enterprise_id, n->from_day,
                         n->note && *n->note ? n->note : NULL, ls_actor(c), clock_now());
    uc_act act = {"liaison.link", uc_obj(c, "enterprise", n->enterprise_id),
                  arena_printf(c->mem, "%s%s 自 %s 起挂钩联系“%s”", l.name ? l.name : "",
                               n->title && *n->title ? arena_printf(c->mem, "（%s）", n->title) : "", n->from_day ? n->from_day : "",
                               o.name ? o.name : "")};
    s = uc_end(c, s, &act, e);
    if (s) *id = 0;
    return s;
}

typedef struct ls_link {
    int64_t id, leader_id, enterprise_id;
    const char *leader_name, *from_day, *to_day, *enterprise_name;
} ls_link;

static st ls_link_load(uc *c, int64_t id, ls_link *k, err *e) {
    memset(k, 0, sizeof *k);
    json_t *rows = NULL, *r;
    st s = db_query_json(c->d, &rows,
                         "SELECT l.leader_id, l.enterprise_id, l.leader_name, l.from_day, l.to_day, e.name AS enterprise_name "
                         "FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id WHERE l.id = $1",
                         e, "i", id);
    if (!s) s = ls_row(c, rows, &r, e, "挂钩联系", id);
    if (s) return s;
    *k = (ls_link){id, ls_int(r, "leader_id"), ls_int(r, "enterprise_id"), ls_str(r, "leader_name"), ls_str(r, "from_day"),
                   ls_str(r, "to_day"), ls_str(r, "enterprise_name")};
    return ST_OK;
}

st liaison_store_unlink(uc *c, int64_t link_id, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    ls_link k;
    liaison_leader l;
    liaison_actor a = ls_who(c);
    s = ls_link_load(c, link_id, &k, e);
    if (!s && k.to_day) s = err_field(e, ST_CONFLICT, "day", "%s 与“%s”的挂钩联系已于 %s 结束。", k.leader_name, k.enterprise_name, k.to_day);
    if (!s) s = ls_leader_load(c, k.leader_id, &l, e);
    if (!s) {
        l.disabled = false;   /* a disabled leader's link may still be ended */
        s = liaison_leader_check(&a, &l, e);
    }
    if (!s) s = ls_day_check(day, "day", e);
    if (!s && strcmp(day, k.from_day) < 0) s = err_field(e, ST_INVALID, "day", "结束日期 %s 早于挂钩开始日期 %s。", day, k.from_day);
    if (!s)
        s = db_run(c->d, "UPDATE liaison_link SET to_day = $1, note = COALESCE($2, note), ended_by = $3 WHERE id = $4", e, "ttti", day,
                   note && *note ? note : NULL, ls_actor(c), link_id);
    uc_act act = {"liaison.unlink", uc_obj(c, "liaison_link", link_id),
                  arena_printf(c->mem, "%s 与“%s”的挂钩联系于 %s 结束%s", k.leader_name ? k.leader_name : "",
                               k.enterprise_name ? k.enterprise_name : "", day ? day : "",
                               note && *note ? arena_printf(c->mem, "（%s）", note) : "")};
    return uc_end(c, s, &act, e);
}

/* ---- visits and problems ---- */

static st ls_visit_check(const liaison_visit_new *v, const char *today, err *e) {
    if (!v->met || !*v->met) return err_field(e, ST_INVALID, "met", "请填写走访中见到的人员（姓名、职务）met。");
    if (v->n > 20) return err_field(e, ST_INVALID, "problems", "一次走访最多登记 20 个问题。");
    for (size_t i = 0; i < v->n; i++) {
        const liaison_problem_new *p = &v->problems[i];
        if (!p->description || !*p->description)
            return err_field(e, ST_INVALID, "problems", "第 %zu 个问题：请填写问题描述 description。", i + 1);
        if (!p->follow_up || !*p->follow_up)
            return err_field(e, ST_INVALID, "problems", "第 %zu 个问题：请填写跟进办理措施 follow_up（要做什么）。", i + 1);
        if (!p->owner || !*p->owner) return err_field(e, ST_INVALID, "problems", "第 %zu 个问题：请填写责任人或责任单位 owner。", i + 1);
        if (p->due_day && *p->due_day) {
            if (!org_day_parse(p->due_day, NULL, NULL, NULL))
                return err_field(e, ST_INVALID, "problems", "第 %zu 个问题：办结期限 due_day 应为有效日期 YYYY-MM-DD。", i + 1);
            if (strcmp(p->due_day, v->day) < 0)
                return err_field(e, ST_INVALID, "problems", "第 %zu 个问题：办结期限 %s 早于走访日期 %s。", i + 1, p->due_day, v->day);
        }
    }
    (void)today;
    return ST_OK;
}

st liaison_store_visit(uc *c, int64_t link_id, const liaison_visit_new *v, int64_t *id, err *e) {
    *id = 0;
    char today[11];
    ls_today(today);
    st s = uc_begin(c, e);
    if (s) return s;
    ls_link k;
    liaison_actor a = ls_who(c);
    s = ls_link_load(c, link_id, &k, e);
    if (!s) s = liaison_visit_check(&a, k.leader_id, k.leader_name, e);
    if (!s) s = ls_day_check(v->day, "day", e);
    if (!s) {
        int64_t holds = 0;
        s = db_query_int(c->d, &holds,
                         "SELECT COUNT(*) FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id WHERE l.id = $1 AND " LS_ON_DAY("$2"),
                         e, "it", link_id, v->day);
        if (!s && !holds)
            s = err_field(e, ST_INVALID, "day", "%s 挂钩联系“%s”的时间为 %s 至 %s，%s 不在挂钩期间（或企业已退出名录），不能登记这一天的走访。",
                          k.leader_name, k.enterprise_name, k.from_day, k.to_day ? k.to_day : "今", v->day);
    }
    if (!s) s = ls_visit_check(v, today, e);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO liaison_visit(link_id, enterprise_id, leader_id, day, met, summary, recorded_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                         e, "iiitttti", link_id, k.enterprise_id, k.leader_id, v->day, v->met, v->summary && *v->summary ? v->summary : NULL,
                         ls_actor(c), clock_now());
    for (size_t i = 0; !s && i < v->n; i++) {
        const liaison_problem_new *p = &v->problems[i];
        char due[11];
        if (p->due_day && *p->due_day) snprintf(due, sizeof due, "%s", p->due_day);
        else liaison_due_default(v->day, due);
        s = db_run(c->d,
                   "INSERT INTO liaison_problem(visit_id, enterprise_id, description, follow_up, owner, due_day) VALUES ($1, $2, $3, $4, $5, $6)",
                   e, "iitttt", *id, k.enterprise_id, p->description, p->follow_up, p->owner, due);
    }
    uc_act act = {"liaison.visit", uc_obj(c, "liaison_link", link_id),
                  arena_printf(c->mem, "%s %s 走访“%s”，提出问题 %zu 个%s", k.leader_name ? k.leader_name : "", v->day ? v->day : "",
                               k.enterprise_name ? k.enterprise_name : "", v->n,
                               a.user_id != k.leader_id ? "（代为登记）" : "")};
    s = uc_end(c, s, &act, e);
    if (s) *id = 0;
    return s;
}

st liaison_store_problem_close(uc *c, int64_t problem_id, const char *day, const char *result, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    json_t *rows = NULL, *r = NULL;
    liaison_actor a = ls_who(c);
    s = db_query_json(c->d, &rows,
                      "SELECT p.description, p.closed_on, v.day AS visit_day, v.leader_id, e.name AS enterprise_name FROM liaison_problem p "
                      "JOIN liaison_visit v ON v.id = p.visit_id JOIN enterprise e ON e.id = p.enterprise_id WHERE p.id = $1",
                      e, "i", problem_id);
    if (!s) s = ls_row(c, rows, &r, e, "走访问题", problem_id);
    const char *desc = r ? ls_str(r, "description") : "";
    if (!s && ls_str(r, "closed_on"))
        s = err_field(e, ST_CONFLICT, "day", "问题“%s”已于 %s 销号。", desc, ls_str(r, "closed_on"));
    if (!s) s = liaison_close_check(&a, ls_int(r, "leader_id"), e);
    if (!s) s = ls_day_check(day, "day", e);
    if (!s && strcmp(day, ls_str(r, "visit_day")) < 0)
        s = err_field(e, ST_INVALID, "day", "销号日期 %s 早于提出问题的走访日期 %s。", day, ls_str(r, "visit_day"));
    if (!s && (!result || !*result)) s = err_field(e, ST_INVALID, "result", "请填写办理结果 result。");
    if (!s)
        s = db_run(c->d, "UPDATE liaison_problem SET closed_on = $1, result = $2, closed_by = $3, closed_at = $4 WHERE id = $5", e, "tttii", day,
                   result, ls_actor(c), clock_now(), problem_id);
    uc_act act = {"liaison.problem.close", uc_obj(c, "liaison_problem", problem_id),
                  arena_printf(c->mem, "“%s”的问题“%s”于 %s 销号：%s", r ? ls_str(r, "enterprise_name") : "", desc, day ? day : "",
                               result ? result : "")};
    return uc_end(c, s, &act, e);
}

/* ---- reads ---- */

st liaison_store_leaders(uc *c, json_t **items, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_json(c->d, items,
                         "SELECT u.id, u.username, u.name, u.role, u.scope_name FROM users u WHERE u.disabled = 0 AND "
                         "((CAST($1 AS TEXT) = 'city' AND u.role IN ('city', 'district')) OR "
                         "(CAST($1 AS TEXT) = 'district' AND u.role = 'district' AND u.scope_code = CAST($2 AS TEXT))) "
                         "ORDER BY CASE u.role WHEN 'city' THEN 0 ELSE 1 END, u.scope_code, u.id",
                         e, "tt", k, code);
    if (!s) arena_json(c->mem, *items);
    return s;
}

/* Adds days_over (0 when not overdue) to every problem of arr, open ones counted on today. */
static void ls_days_over(json_t *arr, const char *today) {
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p) {
        const char *due = ls_str(p, "due_day");
        bool open = json_is_null(json_object_get(p, "closed_on")) || !json_object_get(p, "closed_on");
        json_object_set_new(p, "days_over", json_integer(open && due ? liaison_days_over(due, today) : 0));
    }
}

st liaison_store_links(uc *c, const liaison_link_filter *f, json_t **items, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    ls_today(today);
    const char *day = f->day && *f->day ? f->day : today;
    st s = db_query_json(c->d, items,
                         "SELECT l.id, l.leader_id, l.leader_name, l.title, l.enterprise_id, e.name AS enterprise_name, e.district_code, "
                         LS_DISTRICT_NAME ", l.from_day, l.to_day, l.note, "
                         "(SELECT MAX(v.day) FROM liaison_visit v WHERE v.enterprise_id = l.enterprise_id AND v.leader_id = l.leader_id) AS last_visit, "
                         "(SELECT COUNT(*) FROM liaison_problem p JOIN liaison_visit v ON v.id = p.visit_id WHERE v.link_id = l.id "
                         "AND p.closed_on IS NULL) AS open_problems "
                         "FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id WHERE " LS_SCOPE
                         " AND ($3 = 1 OR (" LS_ON_DAY("$4") "))"
                         " AND ($5 = 0 OR l.leader_id = $5) AND ($6 = 0 OR l.enterprise_id = $6)"
                         " AND ($7 = '' OR e.district_code = $7) AND ($8 = '' OR e.name LIKE $8 ESCAPE '\\' OR l.leader_name LIKE $8 ESCAPE '\\')"
                         " ORDER BY l.from_day DESC, l.id DESC",
                         e, "ttitiitt", k, code, (int64_t)(f->history ? 1 : 0), day, f->leader_id, f->enterprise_id,
                         f->district ? f->district : "", f->q && *f->q ? db_like(c->mem, f->q) : "");
    if (!s) arena_json(c->mem, *items);
    return s;
}

/* The problems of the visits in vs, attached to each as "problems". */
#define LS_PROBLEM_COLS "SELECT p.id, p.visit_id, p.description, p.follow_up, p.owner, p.due_day, p.closed_on, p.result, p.closed_by FROM liaison_problem p "
static st ls_attach_problems(uc *c, json_t *vs, bool by_visit, int64_t key, const char *today, err *e) {
    json_t *ps = NULL;
    st s = by_visit ? db_query_json(c->d, &ps, LS_PROBLEM_COLS "WHERE p.visit_id = $1 ORDER BY p.id", e, "i", key)
                    : db_query_json(c->d, &ps, LS_PROBLEM_COLS "WHERE p.enterprise_id = $1 ORDER BY p.id", e, "i", key);
    if (s) return s;
    ls_days_over(ps, today);
    size_t i, j;
    json_t *v, *p;
    json_array_foreach(vs, i, v) {
        json_t *mine = json_array();
        json_array_foreach(ps, j, p) if (ls_int(p, "visit_id") == ls_int(v, "id")) json_array_append(mine, p);
        json_object_set_new(v, "problems", mine);
    }
    json_decref(ps);
    return ST_OK;
}

#define LS_VISIT_COLS                                                                                                          \
    "SELECT v.id, v.link_id, v.enterprise_id, v.leader_id, l.leader_name, l.title, v.day, v.met, v.summary, v.recorded_by "   \
    "FROM liaison_visit v JOIN liaison_link l ON l.id = v.link_id "

st liaison_store_enterprise(uc *c, int64_t enterprise_id, const char *day, json_t **out, err *e) {
    *out = NULL;
    ls_ent o;
    char today[11];
    ls_today(today);
    st s = ls_ent_load(c, enterprise_id, &o, e);
    if (s) return s;
    json_t *now = NULL, *all = NULL, *vs = NULL;
#define LS_LINK_COLS                                                                                                         \
    "SELECT l.id, l.leader_id, l.leader_name, l.title, l.from_day, l.to_day, l.note, l.created_by, "                       \
    "(SELECT MAX(v.day) FROM liaison_visit v WHERE v.link_id = l.id) AS last_visit "                                         \
    "FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id WHERE l.enterprise_id = $1"
    s = db_query_json(c->d, &now, LS_LINK_COLS " AND " LS_ON_DAY("$2") " ORDER BY l.from_day, l.id", e, "it", enterprise_id, day);
    if (!s) s = db_query_json(c->d, &all, LS_LINK_COLS " ORDER BY l.from_day DESC, l.id DESC", e, "i", enterprise_id);
    if (!s) s = db_query_json(c->d, &vs, LS_VISIT_COLS "WHERE v.enterprise_id = $1 ORDER BY v.day DESC, v.id DESC", e, "i", enterprise_id);
    if (!s) s = ls_attach_problems(c, vs, false, enterprise_id, today, e);
    if (s) {
        json_decref(now);
        json_decref(all);
        json_decref(vs);
        return s;
    }
    int64_t open = 0, overdue = 0;
    size_t i, j;
    json_t *v, *p;
    json_array_foreach(vs, i, v) json_array_foreach(json_object_get(v, "problems"), j, p) if (json_is_null(json_object_get(p, "closed_on"))) {
        open++;
        if (ls_int(p, "days_over") > 0) overdue++;
    }
    json_t *last = json_array_get(vs, 0);
    *out = json_pack("{s:I,s:s,s:s,s:s?,s:o,s:o,s:o,s:o,s:I,s:I,s:i}", "enterprise_id", (json_int_t)enterprise_id, "enterprise_name",
                     o.name, "day", day, "reg_to", o.reg_to, "links", now, "history", all, "visits", vs, "last_visit",
                     last ? json_pack("{s:s,s:s}", "day", ls_str(last, "day"), "leader_name", ls_str(last, "leader_name")) : json_null(),
                     "open_problems", (json_int_t)open, "overdue_problems", (json_int_t)overdue, "due_days",
                     (int)cfg_int("liaison-problem-due-days"));
    if (*out) arena_json(c->mem, *out);
    return *out ? ST_OK : ls_nomem(e);
}

st liaison_store_summary(uc *c, int64_t enterprise_id, json_t **out, err *e) {
    *out = NULL;
    char today[11];
    ls_today(today);
    json_t *now = NULL;
    char *last = NULL;
    st s = db_query_json(c->d, &now,
                         "SELECT l.leader_name, l.title, l.from_day FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id "
                         "WHERE l.enterprise_id = $1 AND " LS_ON_DAY("$2") " ORDER BY l.from_day, l.id",
                         e, "it", enterprise_id, today);
    if (s) return s;
    s = db_query_text(c->d, &last, "SELECT MAX(day) FROM liaison_visit WHERE enterprise_id = $1", e, "i", enterprise_id);
    if (s && s != ST_NOT_FOUND) {
        json_decref(now);
        return s;
    }
    *out = json_pack("{s:I,s:o,s:s?}", "enterprise_id", (json_int_t)enterprise_id, "leaders", now, "last_visit", last && *last ? last : NULL);
    free(last);
    if (*out) arena_json(c->mem, *out);
    return *out ? ST_OK : ls_nomem(e);
}

st liaison_store_visit_get(uc *c, int64_t visit_id, json_t **out, err *e) {
    *out = NULL;
    char today[11];
    ls_today(today);
    json_t *vs = NULL, *v;
    st s = db_query_json(c->d, &vs,
                         LS_VISIT_COLS "WHERE v.id = $1", e, "i", visit_id);
    if (!s) s = ls_row(c, vs, &v, e, "走访记录", visit_id);
    if (!s) s = ls_attach_problems(c, vs, true, visit_id, today, e);
    if (!s) {
        json_t *ent = NULL;
        s = db_query_json(c->d, &ent, "SELECT name FROM enterprise WHERE id = $1", e, "i", ls_int(v, "enterprise_id"));
        if (!s) {
            json_object_set(v, "enterprise_name", json_object_get(json_array_get(ent, 0), "name"));
            json_decref(ent);
        }
    }
    if (!s) *out = v;
    return s;
}

st liaison_store_overdue(uc *c, const liaison_overdue_filter *f, json_t **items, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    ls_today(today);
    st s = db_query_json(c->d, items,
                         "SELECT p.id, p.visit_id, p.description, p.follow_up, p.owner, p.due_day, v.day AS visit_day, v.leader_id, "
                         "l.leader_name, l.title, e.id AS enterprise_id, e.name AS enterprise_name, e.district_code, " LS_DISTRICT_NAME " "
                         "FROM liaison_problem p JOIN liaison_visit v ON v.id = p.visit_id JOIN liaison_link l ON l.id = v.link_id "
                         "JOIN enterprise e ON e.id = p.enterprise_id WHERE p.closed_on IS NULL AND p.due_day < $3 AND " LS_SCOPE
                         " AND ($4 = '' OR e.district_code = $4) AND ($5 = 0 OR v.leader_id = $5) AND ($6 = '' OR e.name LIKE $6 ESCAPE '\\')"
                         " ORDER BY p.due_day, p.id",
                         e, "ttttit", k, code, today, f->district ? f->district : "", f->leader_id, f->q && *f->q ? db_like(c->mem, f->q) : "");
    if (s) return s;
    arena_json(c->mem, *items);
    ls_days_over(*items, today);
    return ST_OK;
}

st liaison_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    char today[11];
    ls_today(today);
    json_t *links = NULL, *ps = NULL;
    st s = db_query_json(c->d, &links,
                         "SELECT l.id, l.title, l.from_day, l.enterprise_id, e.name AS enterprise_name, e.address, " LS_DISTRICT_NAME ", "
                         "(SELECT MAX(v.day) FROM liaison_visit v WHERE v.enterprise_id = l.enterprise_id AND v.leader_id = l.leader_id) AS last_visit "
                         "FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id WHERE l.leader_id = $1 AND " LS_ON_DAY("$2")
                         " ORDER BY l.from_day, l.id",
                         e, "it", c->who.user_id, today);
    if (!s)
        s = db_query_json(c->d, &ps,
                          "SELECT p.id, p.visit_id, p.enterprise_id, p.description, p.follow_up, p.owner, p.due_day, v.day AS visit_day "
                          "FROM liaison_problem p JOIN liaison_visit v ON v.id = p.visit_id WHERE v.leader_id = $1 AND p.closed_on IS NULL "
                          "ORDER BY p.due_day, p.id",
                          e, "i", c->who.user_id);
    if (s) {
        json_decref(links);
        return s;
    }
    ls_days_over(ps, today);
    int64_t open = 0, overdue = 0;
    size_t i, j;
    json_t *l, *p;
    json_array_foreach(links, i, l) {
        json_t *mine = json_array();
        json_array_foreach(ps, j, p) if (ls_int(p, "enterprise_id") == ls_int(l, "enterprise_id")) {
            json_array_append(mine, p);
            open++;
            if (ls_int(p, "days_over") > 0) overdue++;
        }
        json_object_set_new(l, "open_problems", mine);
    }
    json_decref(ps);
    *out = json_pack("{s:o,s:I,s:I,s:s}", "items", links, "open_problems", (json_int_t)open, "overdue_problems", (json_int_t)overdue, "today",
                     today);
    if (*out) arena_json(c->mem, *out);
    return *out ? ST_OK : ls_nomem(e);
}

/* ---- scope ---- */

const scope_resolver liaison_scope_resolvers[] = {
    /* A link, a visit and a problem sit where their enterprise is; the linked leader owns them. */
    {"liaison_link", true, false,
     "SELECT e.district_code, e.park_code, NULL, CAST(e.id AS TEXT), l.leader_id FROM liaison_link l JOIN enterprise e ON e.id = l.enterprise_id "
     "WHERE l.id = CAST($1 AS BIGINT)",
     .noun = "挂钩联系"},
    {"liaison_visit", true, false,
     "SELECT e.district_code, e.park_code, NULL, CAST(e.id AS TEXT), v.leader_id FROM liaison_visit v JOIN enterprise e ON e.id = v.enterprise_id "
     "WHERE v.id = CAST($1 AS BIGINT)",
     .noun = "走访记录"},
    {"liaison_problem", true, false,
     "SELECT e.district_code, e.park_code, NULL, CAST(e.id AS TEXT), v.leader_id FROM liaison_problem p JOIN liaison_visit v ON v.id = p.visit_id "
     "JOIN enterprise e ON e.id = p.enterprise_id WHERE p.id = CAST($1 AS BIGINT)",
     .noun = "走访问题"},
    {NULL, false, false, NULL},
};
