/* alliance_store — 党建联盟 in the database (see alliance_store.h).  All of
 * the module's SQL is here; the registry is read through member_store_standing
 * and the activity log written through member_store_activity. */
#include "alliance/alliance_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/files.h"
#include "core/config.h"
#include "core/utf8.h"
#include "meeting/meeting.h"
#include "member/member_store.h"
#include "org/org.h"
#include "db/db_like.h"

#define AL_SETTING "meeting-files-dir"   /* the files are kept beside the meetings' photos */
#define AL_MEMBER_ON(D) "m.joined_on <= " D " AND (m.left_on IS NULL OR m.left_on > " D ")"
#define AL_SCOPE SCOPE_COND("$1", "$2", "o.district_code", "o.park_code", "o.path", "NULL", "NULL")

static void al_today(char out[11]) { clock_day(clock_now(), out); }
static const char *al_actor(uc *c) { return c->who.username ? c->who.username : "-"; }
static size_t al_chars(const char *s) { return s ? utf8_count(s, strlen(s)) : 0; }

/* day (field) a real calendar day, not after today (the clock's: tests move it). */
static st al_day(const char *day, const char *field, const char *what, err *e) {
    if (!day || !org_day_parse(day, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, field, "%s %s 应为有效日期 YYYY-MM-DD（如 2026-03-01）。", what, field);
    char today[11];
    al_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, field, "%s %s=%s 晚于今天，不能登记将来的日期。", what, field, day);
    return ST_OK;
}

/* ---- what the writes read ---- */

typedef struct al_org {
    int64_t id;
    const char *name, *established_on, *dissolved_on;
} al_org;

static st al_org_load(uc *c, int64_t id, const char *field, al_org *o, err *e) {
    memset(o, 0, sizeof *o);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT name, established_on, dissolved_on FROM org WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) {
        o->id = id;
        o->name = arena_strdup(c->mem, json_string_value(json_object_get(r, "name")));
        o->established_on = arena_strdup(c->mem, json_string_value(json_object_get(r, "established_on")));
        const char *d = json_string_value(json_object_get(r, "dissolved_on"));
        o->dissolved_on = d ? arena_strdup(c->mem, d) : NULL;
    }
    json_decref(rows);
    return r ? ST_OK : err_field(e, ST_INVALID, field, "没有编号为 %lld 的党组织（%s）。", (long long)id, field);
}

/* The organization existed (and was not dissolved) on day. */
static st al_org_active(const al_org *o, const char *day, const char *field, err *e) {
    if (o->established_on && strcmp(day, o->established_on) < 0)
        return err_field(e, ST_INVALID, field, "“%s”成立于 %s，%s 还没有成立，不能在这一天加入联盟。", o->name, o->established_on, day);
    if (o->dissolved_on && strcmp(day, o->dissolved_on) >= 0)
        return err_field(e, ST_INVALID, field, "“%s”已于 %s 撤销，不能在 %s 加入联盟。", o->name, o->dissolved_on, day);
    return ST_OK;
}

/* The member rule: the organization inside the caller's scope. */
static st al_in_scope(uc *c, const al_org *o, const char *field, const char *what, err *e) {
    err e2;
    err_clear(&e2);
    st s = scope_check_id(c, "org", o->id, &e2);
    if (s == ST_OK) return ST_OK;
    if (s != ST_FORBIDDEN && s != ST_NOT_FOUND) {
        *e = e2;
        return s;
    }
    return err_field(e, ST_FORBIDDEN, field, "“%s”不在您的管辖范围内，不能%s。%s。", o->name, what, ALLIANCE_MEMBER_RULE);
}

typedef struct al_alliance {
    int64_t id, lead_org_id;
    const char *name, *kind, *founded_on, *dissolved_on;
} al_alliance;

static st al_load(uc *c, int64_t id, al_alliance *a, err *e) {
    memset(a, 0, sizeof *a);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT name, kind, lead_org_id, founded_on, dissolved_on FROM alliance WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) {
        a->id = id;
        a->lead_org_id = json_integer_value(json_object_get(r, "lead_org_id"));
        a->name = arena_strdup(c->mem, json_string_value(json_object_get(r, "name")));
        a->kind = arena_strdup(c->mem, json_string_value(json_object_get(r, "kind")));
        a->founded_on = arena_strdup(c->mem, json_string_value(json_object_get(r, "founded_on")));
        const char *d = json_string_value(json_object_get(r, "dissolved_on"));
        a->dissolved_on = d ? arena_strdup(c->mem, d) : NULL;
    }
    json_decref(rows);
    return r ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党建联盟。", (long long)id);
}

static st al_name_check(uc *c, const char *name, int64_t self, err *e) {
    size_t n = al_chars(name);
    if (n < 2 || n > 60) return err_field(e, ST_INVALID, "name", "联盟名称 name 应为 2–60 个字（如“软件园党建联盟”）。");
    int64_t other = 0;
    st s = db_query_int(c->d, &other, "SELECT id FROM alliance WHERE name = $1 AND dissolved_on IS NULL AND id <> $2", e, "ti", name, self);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    return err_field(e, ST_CONFLICT, "name", "已有名为“%s”的党建联盟（编号 %lld）：请换一个名称，或在原联盟中增加成员。", name, (long long)other);
}

static st al_kind_check(const char *kind, err *e) {
    if (alliance_kind_ok(kind)) return ST_OK;
    return err_field(e, ST_INVALID, "kind", "联盟类型 kind 应为 跨企业、园区 或 行业。");
}

/* Add org to alliance a from day (the checks of a new membership, then the row). */
static st al_member_insert(uc *c, const al_alliance *a, const alliance_member_new *m, const char *role, int64_t *mid, err *e) {
    al_org o;
    const char *day = m->joined_on ? m->joined_on : a->founded_on;
    st s = al_org_load(c, m->org_id, "org_id", &o, e);
    if (!s && strcmp(role, "lead") && m->org_id == a->lead_org_id)
        s = err_field(e, ST_CONFLICT, "org_id", "“%s”是本联盟的牵头组织，自成立之日起就是成员，不必再加入。", o.name);
    if (!s) s = al_day(day, "joined_on", "加入日期", e);
    if (!s && strcmp(day, a->founded_on) < 0)
        s = err_field(e, ST_INVALID, "joined_on", "联盟成立于 %s，加入日期 %s 不能早于成立日期。", a->founded_on, day);
    if (!s && a->dissolved_on && strcmp(day, a->dissolved_on) >= 0)
        s = err_field(e, ST_CONFLICT, "joined_on", "“%s”已于 %s 解散，不能再加入成员。", a->name, a->dissolved_on);
    if (!s) s = al_org_active(&o, day, "org_id", e);
    if (!s) s = al_in_scope(c, &o, "org_id", "把它加入联盟", e);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows, "SELECT joined_on, left_on FROM alliance_member WHERE alliance_id = $1 AND org_id = $2", e, "ii", a->id,
                          m->org_id);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *j = json_string_value(json_object_get(r, "joined_on")), *l = json_string_value(json_object_get(r, "left_on"));
        if (!s && alliance_spans_overlap(day, NULL, j, l))
            s = err_field(e, ST_CONFLICT, "org_id", "“%s”自 %s 起%s是本联盟成员，不能重复加入%s。", o.name, j, l ? arena_printf(c->mem, "至 %s ", l) : "",
                          l ? "（新的加入日期须在退出日期之后）" : "");
    }
    json_decref(rows);
    if (!s)
        s = db_query_int(c->d, mid,
                         "INSERT INTO alliance_member(alliance_id, org_id, role, joined_on, note, created_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         e, "iitttti", a->id, m->org_id, role, day, m->note && *m->note ? m->note : NULL,
                         al_actor(c), clock_now());
    return s;
}

/* ---- alliances ---- */

st alliance_store_create(uc *c, const alliance_new *x, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    al_org lead;
    s = al_name_check(c, x->name, 0, e);
    if (!s) s = al_kind_check(x->kind, e);
    if (!s && al_chars(x->description) > 1000) s = err_field(e, ST_INVALID, "description", "联盟简介 description 最多 1000 个字。");
    if (!s) s = al_day(x->founded_on, "founded_on", "成立日期", e);
    if (!s) s = al_org_load(c, x->lead_org_id, "lead_org_id", &lead, e);
    if (!s) s = al_org_active(&lead, x->founded_on, "lead_org_id", e);
    if (!s) s = al_in_scope(c, &lead, "lead_org_id", "作为联盟的牵头组织", e);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO alliance(name, kind, lead_org_id, description, founded_on, created_by, created_at, updated_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                         e, "ttittti", x->name, x->kind, x->lead_org_id,
                         x->description && *x->description ? x->description : NULL, x->founded_on, al_actor(c), clock_now());
    al_alliance a = {*id, x->lead_org_id, x->name, x->kind, x->founded_on, NULL};
    int64_t mid = 0;
    alliance_member_new lm = {x->lead_org_id, x->founded_on, "牵头组织"};
    if (!s) s = al_member_insert(c, &a, &lm, "lead", &mid, e);
    for (size_t i = 0; !s && i < x->n; i++) {
        s = al_member_insert(c, &a, &x->members[i], "member", &mid, e);
        if (s) snprintf(e->field, sizeof e->field, "members");
    }
    uc_act act = {"alliance.create", uc_obj(c, "alliance", *id),
                  arena_printf(c->mem, "成立党建联盟“%s”（%s，%s），牵头组织“%s”，另有成员 %zu 个", x->name ? x->name : "", x->kind ? x->kind : "",
                               x->founded_on ? x->founded_on : "", s ? "" : lead.name, x->n)};
    s = uc_end(c, s, &act, e);
    if (s) *id = 0;
    return s;
}

st alliance_store_update(uc *c, int64_t id, const alliance_edit *x, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    al_alliance a;
    s = al_load(c, id, &a, e);
    if (!s && a.dissolved_on)
        s = err_set(e, ST_CONFLICT, "“%s”已于 %s 解散，不能再修改；如需继续开展活动，请新建联盟。", a.name, a.dissolved_on);
    if (!s && x->name) s = al_name_check(c, x->name, id, e);
    if (!s && x->kind) s = al_kind_check(x->kind, e);
    if (!s && al_chars(x->description) > 1000) s = err_field(e, ST_INVALID, "description", "联盟简介 description 最多 1000 个字。");
    if (!s && x->founded_on && strcmp(x->founded_on, a.founded_on)) {
        al_org lead;
        char *first = NULL;
        s = al_day(x->founded_on, "founded_on", "成立日期", e);
        if (!s) s = al_org_load(c, a.lead_org_id, "founded_on", &lead, e);
        if (!s) s = al_org_active(&lead, x->founded_on, "founded_on", e);
        if (!s) {
            st q = db_query_text(c->d, &first,
                                 "SELECT MIN(d) FROM (SELECT joined_on AS d FROM alliance_member WHERE alliance_id = $1 AND role = 'member' "
                                 "UNION ALL SELECT day AS d FROM alliance_activity WHERE alliance_id = $1) t",
                                 e, "i", id);
            if (q && q != ST_NOT_FOUND) s = q;
        }
        if (!s && first && *first && strcmp(x->founded_on, first) > 0)
            s = err_field(e, ST_INVALID, "founded_on", "已有成员加入或联合活动在 %s，成立日期不能晚于这一天。", first);
        free(first);
        if (!s)
            s = db_run(c->d, "UPDATE alliance_member SET joined_on = $2 WHERE alliance_id = $1 AND role = 'lead'", e, "it", id, x->founded_on);
    }
    const char *founded = x->founded_on ? x->founded_on : a.founded_on;
    if (!s && x->dissolved_on && *x->dissolved_on) {
        char *last = NULL;
        s = al_day(x->dissolved_on, "dissolved_on", "解散日期", e);
        if (!s && strcmp(x->dissolved_on, founded) <= 0)
            s = err_field(e, ST_INVALID, "dissolved_on", "解散日期 %s 应晚于成立日期 %s。", x->dissolved_on, founded);
        if (!s) {
            st q = db_query_text(c->d, &last,
                                 "SELECT MAX(d) FROM (SELECT joined_on AS d FROM alliance_member WHERE alliance_id = $1 "
                                 "UNION ALL SELECT day AS d FROM alliance_activity WHERE alliance_id = $1) t",
                                 e, "i", id);
            if (q && q != ST_NOT_FOUND) s = q;
        }
        if (!s && last && *last && strcmp(x->dissolved_on, last) <= 0)
            s = err_field(e, ST_INVALID, "dissolved_on", "联盟在 %s 还有成员加入或联合活动，解散日期应在这一天之后。", last);
        free(last);
        if (!s)
            s = db_run(c->d, "UPDATE alliance_member SET left_on = $2, note = COALESCE(note, '联盟解散') WHERE alliance_id = $1 AND left_on IS NULL",
                       e, "it", id, x->dissolved_on);
    }
    if (!s)
        s = db_run(c->d,
                   "UPDATE alliance SET name = COALESCE($2, name), kind = COALESCE($3, kind), "
                   "description = CASE WHEN CAST($4 AS TEXT) IS NULL THEN description WHEN CAST($4 AS TEXT) = '' THEN NULL ELSE CAST($4 AS TEXT) END, "
                   "founded_on = COALESCE($5, founded_on), dissolved_on = CASE WHEN CAST($6 AS TEXT) IS NULL OR CAST($6 AS TEXT) = '' THEN dissolved_on ELSE CAST($6 AS TEXT) END, "
                   "updated_at = $7 WHERE id = $1",
                   e, "ittttti", id, x->name, x->kind, x->description, x->founded_on, x->dissolved_on,
                   clock_now());
    const char *what = x->dissolved_on && *x->dissolved_on ? arena_printf(c->mem, "于 %s 解散", x->dissolved_on) : "修改联盟信息";
    uc_act act = {"alliance.update", uc_obj(c, "alliance", id), arena_printf(c->mem, "“%s”%s", s && !a.name ? "" : a.name, what)};
    return uc_end(c, s, &act, e);
}

/* ---- members ---- */

st alliance_store_member_add(uc *c, int64_t id, const alliance_member_new *m, int64_t *member_id, err *e) {
    *member_id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    al_alliance a;
    s = al_load(c, id, &a, e);
    if (!s && !m->joined_on) s = err_field(e, ST_INVALID, "joined_on", "请填写加入日期 joined_on（YYYY-MM-DD）。");
    if (!s) s = al_member_insert(c, &a, m, "member", member_id, e);
    char *name = NULL;
    if (!s) db_query_text(c->d, &name, "SELECT name FROM org WHERE id = $1", e, "i", m->org_id);
    uc_act act = {"alliance.member.add", uc_obj(c, "alliance", id),
                  arena_printf(c->mem, "“%s”自 %s 起加入“%s”", name ? name : "", m->joined_on ? m->joined_on : "", s ? "" : a.name)};
    free(name);
    s = uc_end(c, s, &act, e);
    if (s) *member_id = 0;
    return s;
}

st alliance_store_member_leave(uc *c, int64_t id, int64_t member_id, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    al_alliance a;
    al_org o = {0};
    s = al_load(c, id, &a, e);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows, "SELECT org_id, role, joined_on, left_on FROM alliance_member WHERE id = $1 AND alliance_id = $2", e, "ii",
                          member_id, id);
    json_t *r = json_array_get(rows, 0);
    if (!s && !r) s = err_set(e, ST_NOT_FOUND, "“%s”没有编号为 %lld 的成员记录。", a.name, (long long)member_id);
    if (!s) s = al_org_load(c, json_integer_value(json_object_get(r, "org_id")), "member_id", &o, e);
    if (!s && !strcmp(json_string_value(json_object_get(r, "role")), "lead"))
        s = err_field(e, ST_CONFLICT, "member_id", "“%s”是本联盟的牵头组织，不能退出；联盟不再开展活动时，请登记解散日期。", o.name);
    if (!s && !json_is_null(json_object_get(r, "left_on")))
        s = err_field(e, ST_CONFLICT, "member_id", "“%s”已于 %s 退出本联盟。", o.name, json_string_value(json_object_get(r, "left_on")));
    if (!s) s = al_day(day, "left_on", "退出日期", e);
    if (!s && strcmp(day, json_string_value(json_object_get(r, "joined_on"))) <= 0)
        s = err_field(e, ST_INVALID, "left_on", "“%s”于 %s 加入，退出日期应晚于加入日期。", o.name, json_string_value(json_object_get(r, "joined_on")));
    if (!s) s = al_in_scope(c, &o, "member_id", "把它移出联盟", e);
    if (!s)
        s = db_run(c->d, "UPDATE alliance_member SET left_on = $2, note = COALESCE($3, note) WHERE id = $1", e, "itt", member_id, day,
                   note && *note ? note : NULL);
    json_decref(rows);
    uc_act act = {"alliance.member.leave", uc_obj(c, "alliance", id),
                  arena_printf(c->mem, "“%s”于 %s 退出“%s”%s", o.name ? o.name : "", day ? day : "", a.name ? a.name : "",
                               note && *note ? arena_printf(c->mem, "（%s）", note) : "")};
    return uc_end(c, s, &act, e);
}

/* ---- activities ---- */

static st al_recorder(uc *c, err *e) {
    if (alliance_activity_role_ok(c->who.role)) return ST_OK;
    return err_set(e, ST_FORBIDDEN,
                   "记录联盟的联合活动需要“维护党组织”权限，或由牵头组织的书记、组织管理员（“组织三会一课”权限）登记。");
}

st alliance_store_activity_add(uc *c, int64_t id, const alliance_activity_new *x, int64_t *activity_id, err *e) {
    *activity_id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    al_alliance a;
    s = al_recorder(c, e);
    if (!s) s = al_load(c, id, &a, e);
    if (!s) s = al_day(x->day, "day", "活动日期", e);
    if (!s && strcmp(x->day, a.founded_on) < 0)
        s = err_field(e, ST_INVALID, "day", "“%s”成立于 %s，活动日期 %s 不能早于成立日期。", a.name, a.founded_on, x->day);
    if (!s && a.dissolved_on && strcmp(x->day, a.dissolved_on) >= 0)
        s = err_field(e, ST_INVALID, "day", "“%s”已于 %s 解散，不能登记 %s 的活动。", a.name, a.dissolved_on, x->day);
    if (!s && (al_chars(x->topic) < 2 || al_chars(x->topic) > 60))
        s = err_field(e, ST_INVALID, "topic", "活动主题 topic 应为 2–60 个字（如“党建引领产业链协同”主题党日）。");
    if (!s && (al_chars(x->place) < 2 || al_chars(x->place) > 60)) s = err_field(e, ST_INVALID, "place", "活动地点 place 应为 2–60 个字。");
    if (!s && al_chars(x->content) > 5000) s = err_field(e, ST_INVALID, "content", "活动内容或纪要 content 最多 5000 个字。");
    if (!s && x->n_orgs < 1)
        s = err_field(e, ST_INVALID, "org_ids", "请选择参加活动的成员组织 org_ids（至少一个，须为活动当天的联盟成员）。");
    /* each organization a member on the day, none twice */
    const char **names = x->n_orgs ? arena_alloc(c->mem, x->n_orgs * sizeof *names) : NULL;
    for (size_t i = 0; !s && i < x->n_orgs; i++) {
        for (size_t k = 0; !s && k < i; k++)
            if (x->orgs[k] == x->orgs[i]) s = err_field(e, ST_INVALID, "org_ids", "参加组织第 %zu 项与第 %zu 项重复。", k + 1, i + 1);
        char *nm = NULL;
        if (!s) {
            st q = db_query_text(c->d, &nm,
                                 "SELECT o.name FROM alliance_member m JOIN org o ON o.id = m.org_id WHERE m.alliance_id = $1 AND m.org_id = $2 "
                                 "AND " AL_MEMBER_ON("$3"),
                                 e, "iit", id, x->orgs[i], x->day);
            if (q == ST_NOT_FOUND) {
                char *on = NULL;
                db_query_text(c->d, &on, "SELECT name FROM org WHERE id = $1", e, "i", x->orgs[i]);
                s = err_field(e, ST_INVALID, "org_ids", "“%s”在 %s 不是“%s”的成员，不能作为参加组织：请先登记它加入联盟（加入日期不晚于活动日期）。",
                              on ? on : arena_printf(c->mem, "编号 %lld 的党组织", (long long)x->orgs[i]), x->day, a.name);
                free(on);
            } else
                s = q;
        }
        if (!s) names[i] = arena_strdup(c->mem, nm);
        free(nm);
    }
    /* each person a registry member of a participating organization that day */
    int64_t *person_org = x->n_people ? arena_alloc(c->mem, x->n_people * sizeof *person_org) : NULL;
    for (size_t i = 0; !s && i < x->n_people; i++) {
        for (size_t k = 0; !s && k < i; k++)
            if (x->people[k] == x->people[i]) s = err_field(e, ST_INVALID, "person_ids", "参加党员第 %zu 项与第 %zu 项重复。", k + 1, i + 1);
        if (s) break;
        member_standing m;
        err e2;
        err_clear(&e2);
        st q = member_store_standing(c, x->people[i], x->day, &m, &e2);
        bool ok = false;
        for (size_t k = 0; !q && k < x->n_orgs; k++) ok = ok || m.org_id == x->orgs[k];
        if (q && q != ST_NOT_FOUND) {
            *e = e2;
            s = q;
        } else if (!ok) {
            char *pn = NULL;
            db_query_text(c->d, &pn, "SELECT name FROM person WHERE id = $1", e, "i", x->people[i]);
            s = err_field(e, ST_INVALID, "person_ids", "%s 在 %s 不是参加组织的党员，不能登记为参加人员：请先选择其所在党组织为参加组织。",
                          pn ? pn : arena_printf(c->mem, "编号 %lld 的人员", (long long)x->people[i]), x->day);
            free(pn);
        } else
            person_org[i] = m.org_id;
    }
    int64_t attendance = x->attendance ? x->attendance : (int64_t)x->n_people;
    if (!s && attendance < (int64_t)x->n_people)
        s = err_field(e, ST_INVALID, "attendance", "参加人数 attendance=%lld 少于登记的参加党员人数 %zu。", (long long)attendance, x->n_people);
    if (!s && (attendance < 1 || attendance > 100000))
        s = err_field(e, ST_INVALID, "attendance", "请填写参加人数 attendance（1–100000），或选择参加活动的党员。");
    if (!s)
        s = db_query_int(c->d, activity_id,
                         "INSERT INTO alliance_activity(alliance_id, day, place, topic, content, attendance, recorded_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                         e, "ittttiti", id, x->day, x->place, x->topic, x->content && *x->content ? x->content : NULL, attendance, al_actor(c),
                         clock_now());
    const char *ref = arena_printf(c->mem, "alliance_activity:%lld", (long long)*activity_id);
    for (size_t i = 0; !s && i < x->n_orgs; i++) {
        s = db_run(c->d, "INSERT INTO alliance_activity_org(activity_id, org_id) VALUES ($1, $2)", e, "ii", *activity_id, x->orgs[i]);
        member_activity log = {0, x->orgs[i], "alliance.activity", x->day, ref, 1};
        if (!s) s = member_store_activity(c, &log, e);
    }
    for (size_t i = 0; !s && i < x->n_people; i++)
        s = db_run(c->d, "INSERT INTO alliance_activity_person(activity_id, person_id, org_id) VALUES ($1, $2, $3)", e, "iii", *activity_id,
                   x->people[i], person_org[i]);
    if (!s) s = db_run(c->d, "UPDATE alliance SET updated_at = $2 WHERE id = $1", e, "ii", id, clock_now());
    uc_act act = {"alliance.activity", uc_obj(c, "alliance", id),
                  arena_printf(c->mem, "%s 联合活动“%s”（%s），参加组织 %zu 个，%lld 人", x->day ? x->day : "", x->topic ? x->topic : "",
                               x->place ? x->place : "", x->n_orgs, (long long)attendance)};
    s = uc_end(c, s, &act, e);
    if (s) *activity_id = 0;
    return s;
}

st alliance_store_activity_alliance(uc *c, int64_t activity_id, int64_t *alliance_id, err *e) {
    *alliance_id = 0;
    st s = db_query_int(c->d, alliance_id, "SELECT alliance_id FROM alliance_activity WHERE id = $1", e, "i", activity_id);
    return s == ST_NOT_FOUND ? err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的联合活动。", (long long)activity_id) : s;
}

/* ---- files ---- */

st alliance_store_file_add(uc *c, int64_t activity_id, const char *kind, const char *path, const char *filename, int64_t *file_id,
                           err *e) {
    *file_id = 0;
    bool photo = kind && !strcmp(kind, "photo");
    if (!kind || (!photo && strcmp(kind, "minutes")))
        return err_field(e, ST_INVALID, "kind", "文件类别 kind 应为 photo（活动照片）或 minutes（活动纪要）。");
    int64_t size = 0;
    enum { HEAD = 256 * 1024 };
    unsigned char *head = arena_alloc(c->mem, HEAD);
    size_t nhead = 0;
    char sha[65];
    if (!head) return err_set(e, ST_NOMEM, "内存不足。");
    st s = files_digest(path, &size, head, HEAD, &nhead, sha, e);
    if (s) return s;
    long max = cfg_int("meeting-photo-max-bytes");
    if (size <= 0) return err_field(e, ST_INVALID, "file", "上传的文件是空文件：请重新选择。");
    if (size > max)
        return err_field(e, ST_INVALID, "file", "文件过大（%.1f MB），每个不超过 %.1f MB（设置 meeting-photo-max-bytes）：请压缩后再上传。",
                         (double)size / 1048576.0, (double)max / 1048576.0);
    const char *mime = meeting_photo_type(head, nhead);
    if (!photo && !mime && nhead >= 5 && !memcmp(head, "%PDF-", 5)) mime = "application/pdf";
    if (!mime)
        return err_field(e, ST_INVALID, "file",
                         photo ? "活动照片须为 JPEG、PNG 或 WebP 图片（按文件内容判断，与文件名无关）：请选择照片文件。"
                               : "活动纪要须为 PDF 文件或纪要的照片（JPEG、PNG、WebP；按文件内容判断）：请选择纪要文件。");
    const char *name = filename && *filename ? filename : photo ? "照片" : "纪要";
    if (al_chars(name) > 120) return err_field(e, ST_INVALID, "file", "文件名最多 120 个字：请改名后再上传。");
    if ((s = uc_begin(c, e))) return s;
    int64_t alliance = 0, have = 0, most = cfg_int("meeting-photo-max-count");
    s = al_recorder(c, e);
    if (!s) s = alliance_store_activity_alliance(c, activity_id, &alliance, e);
    if (!s) s = scope_check_id(c, "alliance_activity", activity_id, e);
    if (!s) s = db_query_int(c->d, &have, "SELECT COUNT(*) FROM alliance_activity_file WHERE activity_id = $1", e, "i", activity_id);
    if (!s && have >= most)
        s = err_field(e, ST_CONFLICT, "file", "本次活动已有 %lld 个照片和纪要文件，达到上限（%lld 个，设置 meeting-photo-max-count）。", (long long)have,
                      (long long)most);
    if (!s) s = files_put(c, AL_SETTING, path, sha, e);
    if (!s)
        s = db_query_int(c->d, file_id,
                         "INSERT INTO alliance_activity_file(activity_id, kind, filename, mime, size, sha256, uploaded_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                         e, "itttitti", activity_id, kind, name, mime, size, sha, al_actor(c), clock_now());
    uc_act act = {"alliance.file.add", uc_obj(c, "alliance", alliance),
                  arena_printf(c->mem, "联合活动 %lld 上传%s“%s”", (long long)activity_id, photo ? "照片" : "纪要", name)};
    s = uc_end(c, s, &act, e);
    if (s) *file_id = 0;
    return s;
}

st alliance_store_file(uc *c, int64_t activity_id, int64_t file_id, const char **path, const char **mime, const char **name, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT kind, filename, mime, sha256 FROM alliance_activity_file WHERE id = $1 AND activity_id = $2", e,
                         "ii", file_id, activity_id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "联合活动 %lld 没有编号为 %lld 的照片或纪要。", (long long)activity_id, (long long)file_id);
    }
    *path = files_local(c, AL_SETTING, json_string_value(json_object_get(r, "sha256")));
    *mime = arena_strdup(c->mem, json_string_value(json_object_get(r, "mime")));
    *name = arena_strdup(c->mem, json_string_value(json_object_get(r, "filename")));
    json_decref(rows);
    if (access(*path, R_OK) != 0) return err_set(e, ST_IO, "文件“%s”缺失，请联系系统管理员从备份恢复。", *name);
    uc_act a = {"alliance.file.read", uc_obj(c, "alliance_activity", activity_id), arena_printf(c->mem, "查看联合活动的文件“%s”", *name)};
    return uc_audit(c, &a, e);
}

/* ---- reads ---- */

static json_t *al_keep(uc *c, json_t *j) { return j ? arena_json(c->mem, j) : NULL; }

st alliance_store_get(uc *c, int64_t id, const char *day, json_t **out, err *e) {
    *out = NULL;
    json_t *head = NULL, *members = NULL, *acts = NULL, *aorgs = NULL, *people = NULL, *files = NULL;
    st s = db_query_json(c->d, &head,
                         "SELECT a.id, a.name, a.kind, a.lead_org_id, o.name AS lead_name, a.description, a.founded_on, a.dissolved_on, "
                         "o.district_code, o.park_code, (SELECT g.name FROM region g WHERE g.code = o.district_code) AS district_name, "
                         "(SELECT g.name FROM region g WHERE g.code = o.park_code) AS park_name, a.created_by, a.updated_at "
                         "FROM alliance a JOIN org o ON o.id = a.lead_org_id WHERE a.id = $1",
                         e, "i", id);
    if (!s && !json_array_size(head)) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党建联盟。", (long long)id);
    if (!s)
        s = db_query_json(c->d, &members,
                          "SELECT m.id, m.org_id, o.name AS org_name, o.kind AS org_kind, m.role, m.joined_on, m.left_on, m.note, "
                          "(SELECT g.name FROM region g WHERE g.code = o.district_code) AS district_name, "
                          "CASE WHEN " AL_MEMBER_ON("$2") " THEN 1 ELSE 0 END AS current "
                          "FROM alliance_member m JOIN org o ON o.id = m.org_id WHERE m.alliance_id = $1 "
                          "ORDER BY CASE m.role WHEN 'lead' THEN 0 ELSE 1 END, m.joined_on, m.id",
                          e, "it", id, day);
    if (!s)
        s = db_query_json(c->d, &acts,
                          "SELECT id, day, place, topic, content, attendance, recorded_by FROM alliance_activity WHERE alliance_id = $1 "
                          "ORDER BY day DESC, id DESC",
                          e, "i", id);
    if (!s)
        s = db_query_json(c->d, &aorgs,
                          "SELECT x.activity_id, x.org_id, o.name FROM alliance_activity_org x JOIN org o ON o.id = x.org_id "
                          "JOIN alliance_activity a ON a.id = x.activity_id WHERE a.alliance_id = $1 ORDER BY x.activity_id, o.name",
                          e, "i", id);
    if (!s)
        s = db_query_json(c->d, &people,
                          "SELECT x.activity_id, x.person_id, p.name FROM alliance_activity_person x JOIN person p ON p.id = x.person_id "
                          "JOIN alliance_activity a ON a.id = x.activity_id WHERE a.alliance_id = $1 ORDER BY x.activity_id, x.person_id",
                          e, "i", id);
    if (!s)
        s = db_query_json(c->d, &files,
                          "SELECT f.id, f.activity_id, f.kind, f.filename, f.mime, f.size FROM alliance_activity_file f "
                          "JOIN alliance_activity a ON a.id = f.activity_id WHERE a.alliance_id = $1 ORDER BY f.activity_id, f.id",
                          e, "i", id);
    if (s) {
        json_decref(head);
        json_decref(members);
        json_decref(acts);
        json_decref(aorgs);
        json_decref(people);
        json_decref(files);
        return s;
    }
    /* each activity's organizations, people and files */
    size_t i, k;
    json_t *a, *x;
    json_array_foreach(acts, i, a) {
        int64_t aid = json_integer_value(json_object_get(a, "id"));
        json_t *os = json_array(), *ps = json_array(), *fs = json_array();
        json_array_foreach(aorgs, k, x) if (json_integer_value(json_object_get(x, "activity_id")) == aid)
            json_array_append_new(os, json_pack("{s:O,s:O}", "org_id", json_object_get(x, "org_id"), "name", json_object_get(x, "name")));
        json_array_foreach(people, k, x) if (json_integer_value(json_object_get(x, "activity_id")) == aid)
            json_array_append_new(ps, json_pack("{s:O,s:O}", "person_id", json_object_get(x, "person_id"), "name", json_object_get(x, "name")));
        json_array_foreach(files, k, x) if (json_integer_value(json_object_get(x, "activity_id")) == aid) json_array_append(fs, x);
        json_object_set_new(a, "orgs", os);
        json_object_set_new(a, "people", ps);
        json_object_set_new(a, "files", fs);
    }
    json_decref(aorgs);
    json_decref(people);
    json_decref(files);
    int64_t current = 0;
    json_array_foreach(members, i, x) current += json_integer_value(json_object_get(x, "current"));
    json_t *o = json_deep_copy(json_array_get(head, 0));
    json_decref(head);
    const char *role = c->who.role;
    bool write = roles_has(role, "org.write") || (role && !strcmp(role, "cli"));
    json_object_set_new(o, "day", json_string(day));
    json_object_set_new(o, "members", members);
    json_object_set_new(o, "members_now", json_integer(current));
    json_object_set_new(o, "activities", acts);
    json_object_set_new(o, "may_write", json_boolean(write));
    json_object_set_new(o, "may_record", json_boolean(alliance_activity_role_ok(role)));
    json_object_set_new(o, "member_rule", json_string(ALLIANCE_MEMBER_RULE));
    *out = al_keep(c, o);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st alliance_store_list(uc *c, const alliance_filter *f, json_t **items, err *e) {
    *items = NULL;
    const char *state = f->state && *f->state ? f->state : "active";
    if (strcmp(state, "active") && strcmp(state, "dissolved") && strcmp(state, "all"))
        return err_field(e, ST_INVALID, "state", "状态 state 应为 active（存续）、dissolved（已解散）或 all（全部）。");
    if (f->kind && *f->kind && !alliance_kind_ok(f->kind)) return err_field(e, ST_INVALID, "kind", "联盟类型 kind 应为 跨企业、园区 或 行业。");
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    al_today(today);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT a.id, a.name, a.kind, a.lead_org_id, o.name AS lead_name, a.founded_on, a.dissolved_on, "
                         "o.district_code, o.park_code, (SELECT g.name FROM region g WHERE g.code = o.district_code) AS district_name, "
                         "(SELECT g.name FROM region g WHERE g.code = o.park_code) AS park_name, "
                         "(SELECT COUNT(*) FROM alliance_member m WHERE m.alliance_id = a.id AND " AL_MEMBER_ON("$3") ") AS members, "
                         "(SELECT COUNT(*) FROM alliance_activity x WHERE x.alliance_id = a.id) AS activities, "
                         "(SELECT MAX(x.day) FROM alliance_activity x WHERE x.alliance_id = a.id) AS last_activity "
                         "FROM alliance a JOIN org o ON o.id = a.lead_org_id WHERE " AL_SCOPE
                         " AND ($4 = '' OR a.kind = $4) AND ($5 = '' OR o.district_code = $5) AND ($6 = '' OR o.park_code = $6) "
                         "AND ($7 = '' OR a.name LIKE $7 ESCAPE '\\') "
                         "AND ($8 = 'all' OR ($8 = 'active' AND a.dissolved_on IS NULL) OR ($8 = 'dissolved' AND a.dissolved_on IS NOT NULL))",
                         e, "tttttttt", k, code, today, f->kind ? f->kind : "", f->district ? f->district : "", f->park ? f->park : "",
                         f->q && *f->q ? db_like(c->mem, f->q) : "", state);
    if (s) return s;
    *items = al_keep(c, rows);
    return ST_OK;
}

st alliance_store_of_org(uc *c, int64_t org_id, const char *day, json_t **items, err *e) {
    *items = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT a.id, a.name, a.kind, a.founded_on, a.lead_org_id, o.name AS lead_name, m.role, m.joined_on, "
                         "(SELECT COUNT(*) FROM alliance_member n WHERE n.alliance_id = a.id AND n.joined_on <= $2 "
                         "AND (n.left_on IS NULL OR n.left_on > $2)) AS members, "
                         "(SELECT MAX(x.day) FROM alliance_activity x WHERE x.alliance_id = a.id) AS last_activity "
                         "FROM alliance_member m JOIN alliance a ON a.id = m.alliance_id JOIN org o ON o.id = a.lead_org_id "
                         "WHERE m.org_id = $1 AND " AL_MEMBER_ON("$2") " ORDER BY CASE m.role WHEN 'lead' THEN 0 ELSE 1 END, a.founded_on, a.id",
                         e, "it", org_id, day);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        err e2;
        err_clear(&e2);
        bool open = !scope_check_id(c, "alliance", json_integer_value(json_object_get(r, "id")), &e2);
        json_object_set_new(r, "open", json_boolean(open));
    }
    *items = al_keep(c, rows);
    return ST_OK;
}

st alliance_store_map(uc *c, const char *day, json_t **items, err *e) {
    *items = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    json_t *rows = NULL, *ents = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT a.id, a.name, a.kind, a.lead_org_id, m.org_id, m.role FROM alliance a JOIN org o ON o.id = a.lead_org_id "
                         "JOIN alliance_member m ON m.alliance_id = a.id AND " AL_MEMBER_ON("$3") " WHERE " AL_SCOPE
                         " AND a.founded_on <= $3 AND (a.dissolved_on IS NULL OR a.dissolved_on > $3) "
                         "ORDER BY a.id, CASE m.role WHEN 'lead' THEN 0 ELSE 1 END, m.org_id",
                         e, "ttt", k, code, day);
    if (!s)
        s = db_query_json(c->d, &ents,
                          "SELECT DISTINCT m.org_id, v.enterprise_id FROM alliance a JOIN org o ON o.id = a.lead_org_id "
                          "JOIN alliance_member m ON m.alliance_id = a.id AND " AL_MEMBER_ON("$3") " JOIN org_cover v ON v.org_id = m.org_id "
                          "AND v.from_day <= $3 AND (v.to_day IS NULL OR v.to_day > $3) WHERE " AL_SCOPE " ORDER BY m.org_id, v.enterprise_id",
                          e, "ttt", k, code, day);
    if (s) {
        json_decref(rows);
        return s;
    }
    json_t *out = json_array(), *cur = NULL;
    size_t i, j;
    json_t *r, *x;
    json_array_foreach(rows, i, r) {
        int64_t aid = json_integer_value(json_object_get(r, "id")), org = json_integer_value(json_object_get(r, "org_id"));
        if (!cur || json_integer_value(json_object_get(cur, "id")) != aid) {
            cur = json_pack("{s:I,s:O,s:O,s:O,s:[],s:[]}", "id", (json_int_t)aid, "name", json_object_get(r, "name"), "kind",
                            json_object_get(r, "kind"), "lead_org_id", json_object_get(r, "lead_org_id"), "members", "enterprise_ids");
            json_array_append_new(out, cur);
        }
        json_t *mine = json_array(), *all = json_object_get(cur, "enterprise_ids");
        json_array_foreach(ents, j, x) if (json_integer_value(json_object_get(x, "org_id")) == org) {
            json_t *ent = json_object_get(x, "enterprise_id");
            json_array_append(mine, ent);
            bool seen = false;
            size_t q;
            json_t *y;
            json_array_foreach(all, q, y) seen = seen || json_integer_value(y) == json_integer_value(ent);
            if (!seen) json_array_append(all, ent);
        }
        json_array_append_new(json_object_get(cur, "members"),
                              json_pack("{s:I,s:O,s:o}", "org_id", (json_int_t)org, "role", json_object_get(r, "role"), "enterprise_ids", mine));
    }
    json_decref(rows);
    json_decref(ents);
    *items = al_keep(c, out);
    return *items ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- scope ---- */

const scope_resolver alliance_scope_resolvers[] = {
    /* An alliance and its activities sit where the lead organization is. */
    {"alliance", true, false,
     "SELECT o.district_code, o.park_code, o.path, NULL, NULL FROM alliance a JOIN org o ON o.id = a.lead_org_id WHERE a.id = CAST($1 AS BIGINT)",
     .noun = "党建联盟"},
    {"alliance_activity", true, false,
     "SELECT o.district_code, o.park_code, o.path, NULL, NULL FROM alliance_activity x JOIN alliance a ON a.id = x.alliance_id "
     "JOIN org o ON o.id = a.lead_org_id WHERE x.id = CAST($1 AS BIGINT)",
     .noun = "联盟联合活动"},
    {NULL, false, false, NULL},
};
