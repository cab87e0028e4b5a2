/* review_store — content pre-review in the database (see review_store.h).
 * All of the module's SQL is here; the registry is read through
 * member_store_standing. */
#include "review/review_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/files.h"
#include "core/config.h"
#include "core/utf8.h"
#include "member/member_store.h"
#include "org/org.h"

#define RV_FILES "review-files-dir"
/* The organization covering an enterprise now (the path its queue sits under). */
#define RV_COVER_PATH(ENT)                                                                                                \
    "(SELECT MIN(o.path) FROM org_cover oc JOIN org o ON o.id = oc.org_id WHERE oc.enterprise_id = " ENT " AND oc.to_day IS NULL)"

static void rv_today(char out[11]) { clock_day(clock_now(), out); }
static const char *rv_actor(uc *c) { return c->who.username ? c->who.username : "-"; }
static json_t *rv_own(uc *c, json_t *j) { return j ? arena_json(c->mem, j) : NULL; }
static const char *rv_str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static int64_t rv_int(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static size_t rv_chars(const char *s) { return s ? utf8_count(s, strlen(s)) : 0; }

/* The content is the enterprise's: read by its organization, the enterprise
 * (investor) and assigned reviewers only — not by the offices. */
static st rv_content_ok(uc *c, err *e) {
    const char *k = c->who.scope_kind ? c->who.scope_kind : "";
    if (!strcmp(k, "org") || !strcmp(k, "enterprise") || !strcmp(k, "self")) return ST_OK;
    return err_set(e, ST_NOT_FOUND,
                   "内容预审的送审内容只在本企业范围内可见（企业所在党组织、出资人和受指派的审核人）；各级组织部门请在“内容预审统计”中查看数字。");
}

/* ---- the enterprise ---- */

typedef struct rv_ent {
    int64_t id;
    const char *name, *district, *park;
} rv_ent;

static st rv_ent_load(uc *c, int64_t id, rv_ent *x, err *e) {
    memset(x, 0, sizeof *x);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT name, district_code, park_code FROM enterprise WHERE id = $1", e, "i", id);
    if (s) return s;
    rv_own(c, rows);
    json_t *r = json_array_get(rows, 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的企业。", (long long)id);
    x->id = id;
    x->name = rv_str(r, "name");
    x->district = rv_str(r, "district_code");
    x->park = rv_str(r, "park_code");
    return ST_OK;
}

/* Is person a registry member of an organization covering the enterprise today? */
static st rv_member_ok(uc *c, const rv_ent *x, int64_t person, const char **name, err *e) {
    char today[11];
    rv_today(today);
    json_t *orgs = NULL;
    st s = db_query_json(c->d, &orgs,
                         "SELECT oc.org_id, o.name FROM org_cover oc JOIN org o ON o.id = oc.org_id WHERE oc.enterprise_id = $1 "
                         "AND oc.from_day <= $2 AND (oc.to_day IS NULL OR oc.to_day > $2) AND (o.dissolved_on IS NULL OR o.dissolved_on > $2)",
                         e, "it", x->id, today);
    if (s) return s;
    rv_own(c, orgs);
    if (!json_array_size(orgs))
        return err_field(e, ST_INVALID, "person_id",
                         "企业“%s”目前没有党组织覆盖，审核小组须由覆盖本企业的党组织的党员组成：请先由党组织登记对本企业的覆盖（党组织—覆盖企业）。",
                         x->name);
    member_standing m;
    err e2;
    err_clear(&e2);
    s = member_store_standing(c, person, today, &m, &e2);
    if (s && s != ST_NOT_FOUND) {
        *e = e2;
        return s;
    }
    char *pname = NULL;
    st s2 = db_query_text(c->d, &pname, "SELECT name FROM person WHERE id = $1", e, "i", person);
    if (s2 == ST_NOT_FOUND) return err_field(e, ST_INVALID, "person_id", "党员名册中没有编号为 %lld 的人员。", (long long)person);
    if (s2) return s2;
    *name = arena_strdup(c->mem, pname);
    free(pname);
    if (!s) {
        size_t i;
        json_t *o;
        json_array_foreach(orgs, i, o) if (rv_int(o, "org_id") == m.org_id || rv_int(o, "org_id") == m.roll_org_id) return ST_OK;
    }
    return err_field(e, ST_INVALID, "person_id", "%s 不是覆盖企业“%s”的党组织（%s）的党员，不能加入其审核小组：审核小组须由本企业党组织的党员组成。", *name,
                     x->name, rv_str(json_array_get(orgs, 0), "name"));
}

/* ---- checklists ---- */

static st rv_checklist_of(uc *c, int64_t ent, int64_t *id, err *e) {
    *id = 0;
    st s = db_query_int(c->d, id,
                        "SELECT id FROM review_checklist WHERE current = 1 AND (enterprise_id = $1 OR enterprise_id IS NULL) "
                        "ORDER BY CASE WHEN enterprise_id IS NULL THEN 1 ELSE 0 END LIMIT 1",
                        e, "i", ent);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有可用的内容预审清单：请市委组织部先设置全市默认清单。");
    return s;
}

static st rv_checklist_json(uc *c, int64_t id, json_t **out, err *e) {
    json_t *head = NULL, *checks = NULL;
    st s = db_query_json(c->d, &head, "SELECT id, enterprise_id, name, version, current, created_by, created_at FROM review_checklist WHERE id = $1",
                         e, "i", id);
    if (!s) s = db_query_json(c->d, &checks, "SELECT id, seq, category, title, guide FROM review_check WHERE checklist_id = $1 ORDER BY seq", e,
                              "i", id);
    rv_own(c, head);
    rv_own(c, checks);
    if (s) return s;
    json_t *h = json_array_get(head, 0);
    if (!h) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的审核清单。", (long long)id);
    size_t i;
    json_t *k;
    json_array_foreach(checks, i, k) json_object_set_new(k, "category_label", json_string(review_category_label(rv_str(k, "category"))));
    json_t *o = json_deep_copy(h);
    json_object_set_new(o, "owner", json_string(json_is_null(json_object_get(h, "enterprise_id")) ? "city" : "enterprise"));
    json_object_set(o, "checks", checks);
    *out = rv_own(c, o);
    return ST_OK;
}

st review_store_checklist(uc *c, int64_t ent, json_t **out, err *e) {
    *out = NULL;
    int64_t id = 0;
    st s = rv_checklist_of(c, ent, &id, e);
    return s ? s : rv_checklist_json(c, id, out, e);
}

st review_store_checklist_save(uc *c, int64_t ent, const char *name, const review_check_new *checks, size_t n, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    rv_ent x = {0};
    if (ent) s = rv_ent_load(c, ent, &x, e);
    if (!s && (!name || !*name || rv_chars(name) > 40)) s = err_field(e, ST_INVALID, "name", "请填写清单名称 name（1–40 个字）。");
    if (!s && (n < 1 || n > 40)) s = err_field(e, ST_INVALID, "checks", "审核清单应有 1–40 个检查项 checks（现有 %zu 个）。", n);
    for (size_t i = 0; !s && i < n; i++) {
        if (!review_category_ok(checks[i].category))
            s = err_field(e, ST_INVALID, "checks",
                          "第 %zu 项的类别 category 应为 political（政治导向）、historical（历史表述）、map（地图与国界）、violence（暴力恐怖）、"
                          "gambling（赌博）、minors（未成年人保护）、privacy（个人信息保护）或 other（其他）。",
                          i + 1);
        else if (!checks[i].title || !*checks[i].title || rv_chars(checks[i].title) > 30)
            s = err_field(e, ST_INVALID, "checks", "第 %zu 项请填写检查项名称 title（1–30 个字）。", i + 1);
        else if (checks[i].guide && rv_chars(checks[i].guide) > 200)
            s = err_field(e, ST_INVALID, "checks", "第 %zu 项的说明 guide 最多 200 个字。", i + 1);
    }
    int64_t version = 0;
    if (!s)
        s = db_query_int(c->d, &version, "SELECT COALESCE(MAX(version), 0) + 1 FROM review_checklist WHERE COALESCE(enterprise_id, 0) = $1", e,
                         "i", ent);
    if (!s) s = db_run(c->d, "UPDATE review_checklist SET current = 0 WHERE COALESCE(enterprise_id, 0) = $1 AND current = 1", e, "i", ent);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO review_checklist(enterprise_id, name, version, current, created_by, created_at) "
                         "VALUES (NULLIF($1, 0), $2, $3, 1, $4, $5) RETURNING id",
                         e, "ititi", ent, name, version, rv_actor(c), clock_now());
    for (size_t i = 0; !s && i < n; i++)
        s = db_run(c->d, "INSERT INTO review_check(checklist_id, seq, category, title, guide) VALUES ($1, $2, $3, $4, $5)", e, "iittt", *id,
                   (int64_t)(i + 1), checks[i].category, checks[i].title, checks[i].guide && *checks[i].guide ? checks[i].guide : NULL);
    uc_act a = {"review.checklist", ent ? uc_obj(c, "enterprise", ent) : "review_checklist:city",
                arena_printf(c->mem, "%s审核清单“%s”第 %lld 版，%zu 个检查项", ent ? (x.name ? x.name : "") : "全市默认", name ? name : "",
                             (long long)version, n)};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

/* ---- the group ---- */

typedef struct rv_group {
    int64_t id, ent, lead;
    const char *name;
} rv_group;

static st rv_group_load(uc *c, int64_t id, rv_group *g, err *e) {
    memset(g, 0, sizeof *g);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT enterprise_id, name, COALESCE(lead_person_id, 0) AS lead FROM review_group WHERE id = $1", e, "i",
                         id);
    if (s) return s;
    json_t *r = json_array_get(rv_own(c, rows), 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的审核小组。", (long long)id);
    g->id = id;
    g->ent = rv_int(r, "enterprise_id");
    g->lead = rv_int(r, "lead");
    g->name = rv_str(r, "name");
    return ST_OK;
}

static st rv_member_insert(uc *c, int64_t group, int64_t person, const char *name, int64_t *id, err *e) {
    char today[11];
    rv_today(today);
    int64_t dup = 0;
    st s = db_query_int(c->d, &dup, "SELECT COUNT(*) FROM review_member WHERE group_id = $1 AND person_id = $2 AND to_day IS NULL", e, "ii",
                        group, person);
    if (!s && dup) return err_field(e, ST_CONFLICT, "person_id", "%s 已是审核小组成员，不必重复添加。", name);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO review_member(group_id, person_id, name, from_day, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
                         "RETURNING id",
                         e, "iittti", group, person, name, today, rv_actor(c), clock_now());
    return s;
}

st review_store_group_setup(uc *c, int64_t ent, const char *name, const int64_t *persons, size_t n, int64_t lead, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    rv_ent x;
    s = rv_ent_load(c, ent, &x, e);
    int64_t exists = 0;
    if (!s) s = db_query_int(c->d, &exists, "SELECT COUNT(*) FROM review_group WHERE enterprise_id = $1", e, "i", ent);
    if (!s && exists)
        s = err_set(e, ST_CONFLICT, "企业“%s”已组建审核小组：请在小组中添加或减少成员。", x.name);
    if (!s && (!name || !*name || rv_chars(name) > 40)) s = err_field(e, ST_INVALID, "name", "请填写审核小组名称 name（1–40 个字）。");
    if (!s && (n < 1 || n > 30)) s = err_field(e, ST_INVALID, "members", "审核小组应有 1–30 名成员 members（现有 %zu 名）。", n);
    bool lead_in = false;
    for (size_t i = 0; i < n; i++) lead_in |= persons[i] == lead;
    if (!s && !lead_in) s = err_field(e, ST_INVALID, "lead", "请从小组成员中指定一名组长 lead。");
    const char *lead_name = "";
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO review_group(enterprise_id, name, lead_person_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         e, "ititi", ent, name, lead, rv_actor(c), clock_now());
    for (size_t i = 0; !s && i < n; i++) {
        const char *pn = NULL;
        int64_t mid = 0;
        s = rv_member_ok(c, &x, persons[i], &pn, e);
        if (!s) s = rv_member_insert(c, *id, persons[i], pn, &mid, e);
        if (!s && persons[i] == lead) lead_name = pn;
        if (s) snprintf(e->field, sizeof e->field, "members");
    }
    uc_act a = {"review.group", uc_obj(c, "enterprise", ent),
                arena_printf(c->mem, "%s组建审核小组“%s”，%zu 名成员，组长 %s", x.name ? x.name : "", name ? name : "", n, lead_name)};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

st review_store_member_add(uc *c, int64_t group, int64_t person, bool lead, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    rv_group g;
    rv_ent x = {0};
    const char *pn = NULL;
    s = rv_group_load(c, group, &g, e);
    if (!s) s = rv_ent_load(c, g.ent, &x, e);
    if (!s) s = rv_member_ok(c, &x, person, &pn, e);
    if (!s) s = rv_member_insert(c, group, person, pn, id, e);
    if (!s && lead) s = db_run(c->d, "UPDATE review_group SET lead_person_id = $1 WHERE id = $2", e, "ii", person, group);
    uc_act a = {"review.member.add", uc_obj(c, "review_group", group),
                arena_printf(c->mem, "%s加入审核小组%s", pn ? pn : "", lead ? "，任组长" : "")};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

st review_store_member_end(uc *c, int64_t member, const char *day, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    json_t *rows = NULL;
    char today[11];
    rv_today(today);
    s = db_query_json(c->d, &rows,
                      "SELECT m.group_id, m.person_id, m.name, m.from_day, m.to_day, COALESCE(g.lead_person_id, 0) AS lead FROM review_member m "
                      "JOIN review_group g ON g.id = m.group_id WHERE m.id = $1",
                      e, "i", member);
    json_t *r = s ? NULL : json_array_get(rv_own(c, rows), 0);
    if (!s && !r) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的审核小组成员记录。", (long long)member);
    if (!s && !json_is_null(json_object_get(r, "to_day"))) s = err_set(e, ST_CONFLICT, "%s 已于 %s 退出审核小组。", rv_str(r, "name"), rv_str(r, "to_day"));
    if (!s && (!day || !org_day_parse(day, NULL, NULL, NULL)))
        s = err_field(e, ST_INVALID, "day", "退出日期 day 应为有效日期 YYYY-MM-DD。");
    if (!s && strcmp(day, today) > 0) s = err_field(e, ST_INVALID, "day", "退出日期 %s 晚于今天。", day);
    if (!s && strcmp(day, rv_str(r, "from_day")) < 0)
        s = err_field(e, ST_INVALID, "day", "退出日期 %s 早于加入日期 %s。", day, rv_str(r, "from_day"));
    if (!s && rv_int(r, "lead") == rv_int(r, "person_id"))
        s = err_set(e, ST_CONFLICT, "%s 是审核小组组长：请先指定另一名成员为组长，再办理退出。", rv_str(r, "name"));
    if (!s) s = db_run(c->d, "UPDATE review_member SET to_day = $1 WHERE id = $2", e, "ti", day, member);
    uc_act a = {"review.member.end", uc_obj(c, "review_group", r ? rv_int(r, "group_id") : 0),
                arena_printf(c->mem, "%s于 %s 退出审核小组", r ? rv_str(r, "name") : "", day ? day : "")};
    return uc_end(c, s, &a, e);
}

/* ---- items ---- */

typedef struct rv_item {
    int64_t id, ent, group, checklist;
    const char *state, *title, *deadline;
} rv_item;

static st rv_item_load(uc *c, int64_t id, rv_item *it, err *e) {
    memset(it, 0, sizeof *it);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT enterprise_id, group_id, checklist_id, state, title, deadline FROM review_item WHERE id = $1", e,
                         "i", id);
    if (s) return s;
    json_t *r = json_array_get(rv_own(c, rows), 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的送审事项。", (long long)id);
    it->id = id;
    it->ent = rv_int(r, "enterprise_id");
    it->group = rv_int(r, "group_id");
    it->checklist = rv_int(r, "checklist_id");
    it->state = rv_str(r, "state");
    it->title = rv_str(r, "title");
    it->deadline = rv_str(r, "deadline");
    return ST_OK;
}

static st rv_step(rv_item *it, const char *action, const char **next, err *e) {
    *next = review_next(it->state, action);
    return *next ? ST_OK : review_refuse(it->state, action, e);
}

static bool rv_link_ok(const char *u) {
    if (!u) return false;
    size_t n = strlen(u);
    if (n < 10 || n > 500) return false;
    if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7)) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)u[i] <= ' ' || u[i] == '"' || u[i] == '<' || u[i] == '>') return false;
    return true;
}

st review_store_submit(uc *c, int64_t ent, const review_item_new *x, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    rv_ent en;
    char today[11];
    rv_today(today);
    int64_t group = 0, members = 0, checklist = 0;
    s = rv_ent_load(c, ent, &en, e);
    if (!s) {
        s = db_query_int(c->d, &group, "SELECT id FROM review_group WHERE enterprise_id = $1", e, "i", ent);
        if (s == ST_NOT_FOUND) s = err_set(e, ST_CONFLICT, "企业“%s”还没有组建内容审核小组：请先组建审核小组，再送审。", en.name);
    }
    if (!s) s = db_query_int(c->d, &members, "SELECT COUNT(*) FROM review_member WHERE group_id = $1 AND to_day IS NULL", e, "i", group);
    if (!s && !members) s = err_set(e, ST_CONFLICT, "企业“%s”的审核小组目前没有成员：请先添加成员，再送审。", en.name);
    if (!s && !review_kind_ok(x->kind))
        s = err_field(e, ST_INVALID, "kind", "送审类别 kind 应为 game（游戏/版本）、article（文章）、app（应用发布）或 other（其他）。");
    if (!s && (!x->title || !*x->title || rv_chars(x->title) > 60)) s = err_field(e, ST_INVALID, "title", "请填写送审事项名称 title（1–60 个字）。");
    if (!s && x->description && rv_chars(x->description) > 2000) s = err_field(e, ST_INVALID, "description", "说明 description 最多 2000 个字。");
    if (!s && (!x->deadline || !org_day_parse(x->deadline, NULL, NULL, NULL)))
        s = err_field(e, ST_INVALID, "deadline", "请填写审核截止日期 deadline（YYYY-MM-DD，如 2026-03-01）。");
    if (!s && strcmp(x->deadline, today) < 0)
        s = err_field(e, ST_INVALID, "deadline", "截止日期 %s 早于今天（%s），请填写今天或以后的日期。", x->deadline, today);
    if (!s && x->nlinks > 10) s = err_field(e, ST_INVALID, "links", "链接 links 最多 10 个。");
    for (size_t i = 0; !s && i < x->nlinks; i++)
        if (!rv_link_ok(x->links[i]))
            s = err_field(e, ST_INVALID, "links", "第 %zu 个链接应为以 http:// 或 https:// 开头的完整网址（不含空格，最长 500 个字符）。", i + 1);
    if (!s) s = rv_checklist_of(c, ent, &checklist, e);
    char *links = NULL;
    if (!s && x->nlinks) {
        json_t *a = json_array();
        for (size_t i = 0; i < x->nlinks; i++) json_array_append_new(a, json_string(x->links[i]));
        links = json_dumps(a, JSON_COMPACT);
        json_decref(a);
    }
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO review_item(enterprise_id, group_id, checklist_id, org_path, district_code, park_code, kind, title, description, "
                         "links, deadline, state, submitted_by, submitted_on, submitted_at) VALUES ($1, $2, $3, " RV_COVER_PATH("$1") ", $4, $5, $6, "
                         "$7, $8, $9, $10, 'submitted', $11, $12, $13) RETURNING id",
                         e, "iiittttttttti", ent, group, checklist, en.district, en.park, x->kind, x->title,
                         x->description && *x->description ? x->description : NULL, links, x->deadline, rv_actor(c), today, clock_now());
    free(links);
    uc_act a = {"review.submit", *id ? uc_obj(c, "review_item", *id) : uc_obj(c, "enterprise", ent),
                arena_printf(c->mem, "送审%s，截止 %s", review_kind_label(x->kind) ? review_kind_label(x->kind) : "", x->deadline ? x->deadline : "")};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

/* A file's type by its first bytes. */
static const char *rv_file_type(const unsigned char *h, size_t n) {
    if (n >= 5 && !memcmp(h, "%PDF-", 5)) return "application/pdf";
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    if (n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4)) return "image/webp";
    if (n >= 4 && !memcmp(h, "PK\x03\x04", 4)) return "application/zip";
    return NULL;
}

st review_store_upload(uc *c, int64_t item, const char *path, const char *name, int64_t *id, err *e) {
    *id = 0;
    unsigned char head[16];
    size_t nhead = 0;
    int64_t size = 0;
    char sha[65] = "";
    const char *mime = NULL;
    st s = files_digest(path, &size, head, sizeof head, &nhead, sha, e);
    if (s) return s;
    long max = cfg_int("review-file-max");
    if (size <= 0) return err_field(e, ST_INVALID, "file", "上传的文件是空的。");
    if (size > max)
        return err_field(e, ST_INVALID, "file", "文件过大（%.1f MB），每个文件不超过 %.1f MB（设置 review-file-max）。", (double)size / 1048576.0,
                         (double)max / 1048576.0);
    if (!(mime = rv_file_type(head, nhead)))
        return err_field(e, ST_INVALID, "file", "送审文件须为 PDF、JPEG、PNG、WebP 或 ZIP（含 apk、docx 等）文件（按文件内容判断，与文件名无关）。");
    const char *fname = name && *name ? name : "送审文件";
    if (rv_chars(fname) > 120) return err_field(e, ST_INVALID, "file", "文件名最多 120 个字。");
    if ((s = uc_begin(c, e))) return s;
    rv_item it;
    const char *next = NULL;
    int64_t count = 0;
    s = rv_item_load(c, item, &it, e);
    if (!s) s = rv_step(&it, "upload", &next, e);
    if (!s) s = db_query_int(c->d, &count, "SELECT COUNT(*) FROM review_file WHERE item_id = $1", e, "i", item);
    if (!s && count >= cfg_int("review-files-per-item"))
        s = err_field(e, ST_INVALID, "file", "每个送审事项最多 %ld 个文件（设置 review-files-per-item）。", cfg_int("review-files-per-item"));
    if (!s) s = files_put(c, RV_FILES, path, sha, e);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO review_file(item_id, name, mime, size, sha256, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                         "RETURNING id",
                         e, "ittitti", item, fname, mime, size, sha, rv_actor(c), clock_now());
    uc_act a = {"review.upload", uc_obj(c, "review_item", item), arena_printf(c->mem, "上传送审文件（%s，%lld 字节）", mime ? mime : "", (long long)size)};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

st review_store_assign(uc *c, int64_t item, const int64_t *persons, size_t n, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rv_item it;
    const char *next = NULL;
    s = rv_item_load(c, item, &it, e);
    if (!s) s = rv_step(&it, "assign", &next, e);
    if (!s && (n < 1 || n > 10)) s = err_field(e, ST_INVALID, "person_ids", "请选择 1–10 名审核人 person_ids。");
    json_t *names = json_array();
    for (size_t i = 0; !s && i < n; i++) {
        json_t *rows = NULL;
        s = db_query_json(c->d, &rows,
                          "SELECT m.name, p.user_id, (SELECT COUNT(*) FROM review_assign a WHERE a.item_id = $3 AND a.person_id = m.person_id) AS dup "
                          "FROM review_member m JOIN person p ON p.id = m.person_id WHERE m.group_id = $1 AND m.person_id = $2 AND m.to_day IS NULL",
                          e, "iii", it.group, persons[i], item);
        json_t *r = s ? NULL : json_array_get(rv_own(c, rows), 0);
        if (!s && !r)
            s = err_field(e, ST_INVALID, "person_ids", "编号为 %lld 的人员不是本企业审核小组的现任成员，不能指派为审核人。", (long long)persons[i]);
        else if (!s && json_is_null(json_object_get(r, "user_id")))
            s = err_field(e, ST_INVALID, "person_ids", "%s 还没有登录账号，无法在系统中记录审核意见：请先为其开通党员账号。", rv_str(r, "name"));
        else if (!s && rv_int(r, "dup"))
            s = err_field(e, ST_CONFLICT, "person_ids", "%s 已是该事项的审核人。", rv_str(r, "name"));
        if (!s)
            s = db_run(c->d,
                       "INSERT INTO review_assign(item_id, person_id, user_id, name, assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5, $6)", e,
                       "iiitti", item, persons[i], rv_int(r, "user_id"), rv_str(r, "name"), rv_actor(c), clock_now());
        if (!s) json_array_append_new(names, json_string(rv_str(r, "name")));
    }
    if (!s) s = db_run(c->d, "UPDATE review_item SET state = $1 WHERE id = $2", e, "ti", next, item);
    char *who = json_dumps(names, JSON_COMPACT);
    uc_act a = {"review.assign", uc_obj(c, "review_item", item), arena_printf(c->mem, "指派审核人 %s", who ? who : "")};
    free(who);
    json_decref(names);
    return uc_end(c, s, &a, e);
}

typedef struct rv_assign {
    int64_t id, item, person, user;
    const char *name;
    bool done;
} rv_assign;

static st rv_assign_load(uc *c, int64_t id, rv_assign *x, err *e) {
    memset(x, 0, sizeof *x);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT item_id, person_id, user_id, name, done_at FROM review_assign WHERE id = $1", e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rv_own(c, rows), 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的审核任务。", (long long)id);
    x->id = id;
    x->item = rv_int(r, "item_id");
    x->person = rv_int(r, "person_id");
    x->user = rv_int(r, "user_id");
    x->name = rv_str(r, "name");
    x->done = !json_is_null(json_object_get(r, "done_at"));
    return ST_OK;
}

st review_store_findings(uc *c, int64_t assign, const review_finding_new *f, size_t n, bool done, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rv_assign as;
    rv_item it;
    const char *next = NULL;
    s = rv_assign_load(c, assign, &as, e);
    if (!s) s = rv_item_load(c, as.item, &it, e);
    if (!s) s = rv_step(&it, "findings", &next, e);
    if (!s && as.done) s = err_set(e, ST_CONFLICT, "您已提交该事项的审核意见，不能再修改。");
    if (!s && n > 40) s = err_field(e, ST_INVALID, "findings", "审核意见 findings 最多 40 项。");
    int issues = 0;
    for (size_t i = 0; !s && i < n; i++) {
        int64_t ok = 0;
        s = db_query_int(c->d, &ok, "SELECT COUNT(*) FROM review_check WHERE id = $1 AND checklist_id = $2", e, "ii", f[i].check_id, it.checklist);
        if (!s && !ok)
            s = err_field(e, ST_INVALID, "findings", "第 %zu 项：检查项编号 %lld 不在该事项的审核清单中。", i + 1, (long long)f[i].check_id);
        else if (!s && (!f[i].result || (strcmp(f[i].result, "pass") && strcmp(f[i].result, "issue"))))
            s = err_field(e, ST_INVALID, "findings", "第 %zu 项：结果 result 应为 pass（无问题）或 issue（有问题）。", i + 1);
        else if (!s && !strcmp(f[i].result, "issue") && (!f[i].note || !*f[i].note))
            s = err_field(e, ST_INVALID, "findings", "第 %zu 项标记为“有问题”，请写明问题所在 note（如页码、截图位置、时间点）。", i + 1);
        else if (!s && f[i].note && rv_chars(f[i].note) > 500)
            s = err_field(e, ST_INVALID, "findings", "第 %zu 项的说明 note 最多 500 个字。", i + 1);
        if (!s) s = db_run(c->d, "DELETE FROM review_finding WHERE assign_id = $1 AND check_id = $2", e, "ii", assign, f[i].check_id);
        if (!s)
            s = db_run(c->d, "INSERT INTO review_finding(assign_id, check_id, result, note, at) VALUES ($1, $2, $3, $4, $5)", e, "iitti", assign,
                       f[i].check_id, f[i].result, f[i].note && *f[i].note ? f[i].note : NULL, clock_now());
        if (!s && !strcmp(f[i].result, "issue")) issues++;
    }
    if (!s && done) {
        int64_t missing = 0;
        s = db_query_int(c->d, &missing,
                         "SELECT COUNT(*) FROM review_check k WHERE k.checklist_id = $1 AND NOT EXISTS "
                         "(SELECT 1 FROM review_finding f WHERE f.assign_id = $2 AND f.check_id = k.id)",
                         e, "ii", it.checklist, assign);
        if (!s && missing)
            s = err_field(e, ST_INVALID, "findings", "还有 %lld 个检查项没有填写审核意见：每一项都填写后才能提交。", (long long)missing);
        if (!s) s = db_run(c->d, "UPDATE review_assign SET done_at = $1 WHERE id = $2", e, "ii", clock_now(), assign);
    }
    uc_act a = {"review.findings", uc_obj(c, "review_item", as.item),
                arena_printf(c->mem, "%s记录审核意见 %zu 项（有问题 %d 项）%s", as.name ? as.name : "", n, issues, done ? "，已提交" : "")};
    return uc_end(c, s, &a, e);
}

st review_store_decide(uc *c, int64_t item, int64_t by_assign, const char *decision, const int64_t *reasons, size_t n, const char *note,
                       err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rv_item it;
    const char *next = NULL;
    char today[11];
    rv_today(today);
    s = rv_item_load(c, item, &it, e);
    if (!s && by_assign) {
        rv_assign as;
        int64_t lead = 0;
        s = rv_assign_load(c, by_assign, &as, e);
        if (!s && as.item != item) s = err_set(e, ST_FORBIDDEN, "该审核任务不属于这个送审事项。");
        if (!s) s = db_query_int(c->d, &lead, "SELECT COALESCE(lead_person_id, 0) FROM review_group WHERE id = $1", e, "i", it.group);
        if (!s && lead != as.person) s = err_set(e, ST_FORBIDDEN, "只有审核小组组长或本企业党组织负责人可以作出审核决定。");
    }
    if (!s) s = rv_step(&it, "decide", &next, e);
    if (!s) s = review_reasons_check(decision, n, e);
    if (!s && note && rv_chars(note) > 500) s = err_field(e, ST_INVALID, "note", "决定说明 note 最多 500 个字。");
    int64_t done = 0;
    if (!s) s = db_query_int(c->d, &done, "SELECT COUNT(*) FROM review_assign WHERE item_id = $1 AND done_at IS NOT NULL", e, "i", item);
    if (!s && done < cfg_int("review-decide-min-done"))
        s = err_set(e, ST_CONFLICT, "已提交审核意见的审核人有 %lld 名，至少 %ld 名提交后才能作出决定（设置 review-decide-min-done）。", (long long)done,
                    cfg_int("review-decide-min-done"));
    for (size_t i = 0; !s && i < n; i++) {
        char *cat = NULL;
        st q = db_query_text(c->d, &cat, "SELECT category FROM review_check WHERE id = $1 AND checklist_id = $2", e, "ii", reasons[i], it.checklist);
        if (q == ST_NOT_FOUND)
            s = err_field(e, ST_INVALID, "reasons", "理由第 %zu 项：检查项编号 %lld 不在该事项的审核清单中。", i + 1, (long long)reasons[i]);
        else if (q)
            s = q;
        else {
            int64_t dup = 0;
            s = db_query_int(c->d, &dup, "SELECT COUNT(*) FROM review_reason WHERE item_id = $1 AND check_id = $2", e, "ii", item, reasons[i]);
            if (!s && !dup)
                s = db_run(c->d, "INSERT INTO review_reason(item_id, check_id, category) VALUES ($1, $2, $3)", e, "iit", item, reasons[i], cat);
        }
        free(cat);
    }
    if (!s)
        s = db_run(c->d,
                   "UPDATE review_item SET state = $1, decision = $2, decision_note = $3, decided_by = $4, decided_on = $5, decided_at = $6 "
                   "WHERE id = $7",
                   e, "tttttii", next, decision, note && *note ? note : NULL, rv_actor(c), today, clock_now(), item);
    uc_act a = {"review.decide", uc_obj(c, "review_item", item),
                arena_printf(c->mem, "审核决定：%s%s", review_decision_label(decision) ? review_decision_label(decision) : "",
                             n ? arena_printf(c->mem, "（理由 %zu 项）", n) : "")};
    return uc_end(c, s, &a, e);
}

st review_store_withdraw(uc *c, int64_t item, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    rv_item it;
    const char *next = NULL;
    char today[11];
    rv_today(today);
    s = rv_item_load(c, item, &it, e);
    if (!s) s = rv_step(&it, "withdraw", &next, e);
    if (!s && note && rv_chars(note) > 500) s = err_field(e, ST_INVALID, "note", "说明 note 最多 500 个字。");
    if (!s)
        s = db_run(c->d, "UPDATE review_item SET state = $1, decision_note = $2, decided_by = $3, decided_on = $4, decided_at = $5 WHERE id = $6", e,
                   "ttttii", next, note && *note ? note : NULL, rv_actor(c), today, clock_now(), item);
    uc_act a = {"review.withdraw", uc_obj(c, "review_item", item), "撤回送审"};
    return uc_end(c, s, &a, e);
}

/* ---- reads ---- */

static void rv_item_labels(json_t *r, const char *today) {
    const char *state = rv_str(r, "state");
    json_object_set_new(r, "kind_label", json_string(review_kind_label(rv_str(r, "kind"))));
    json_object_set_new(r, "state_label", json_string(review_state_label(state)));
    const char *d = rv_str(r, "decision");
    json_object_set_new(r, "decision_label", d ? json_string(review_decision_label(d)) : json_null());
    json_object_set_new(r, "overdue", json_boolean(review_overdue(state, rv_str(r, "deadline"), today)));
    const char *links = rv_str(r, "links");
    if (json_object_get(r, "links")) {
        json_t *l = links ? json_loads(links, 0, NULL) : NULL;
        json_object_set_new(r, "links", l ? l : json_array());
    }
}

st review_store_enterprise(uc *c, int64_t ent, json_t **out, err *e) {
    *out = NULL;
    st s = rv_content_ok(c, e);
    if (s) return s;
    rv_ent x;
    if ((s = rv_ent_load(c, ent, &x, e))) return s;
    char today[11];
    rv_today(today);
    json_t *groups = NULL, *members = NULL, *items = NULL, *checklist = NULL, *candidates = NULL;
    s = db_query_json(c->d, &groups,
                      "SELECT g.id, g.name, g.lead_person_id, (SELECT p.name FROM person p WHERE p.id = g.lead_person_id) AS lead_name, g.created_by, "
                      "g.created_at FROM review_group g WHERE g.enterprise_id = $1",
                      e, "i", ent);
    rv_own(c, groups);
    json_t *g = json_array_get(groups, 0);
    if (!s && g)
        s = db_query_json(c->d, &members,
                          "SELECT m.id, m.person_id, m.name, m.from_day, m.to_day, CASE WHEN p.user_id IS NULL THEN 0 ELSE 1 END AS has_account "
                          "FROM review_member m JOIN person p ON p.id = m.person_id WHERE m.group_id = $1 ORDER BY m.to_day IS NOT NULL, m.from_day, m.id",
                          e, "i", rv_int(g, "id"));
    rv_own(c, members);
    /* the people who may join: members of the covering organizations today */
    if (!s)
        s = db_query_json(c->d, &candidates,
                          "SELECT m.person_id, m.name, o.name AS org_name FROM member m JOIN org_cover oc ON oc.org_id = m.org_id JOIN org o ON o.id = m.org_id "
                          "WHERE oc.enterprise_id = $1 AND oc.from_day <= $2 AND (oc.to_day IS NULL OR oc.to_day > $2) "
                          "AND m.state IN ('正常', '流动') ORDER BY m.name LIMIT 300",
                          e, "it", ent, today);
    rv_own(c, candidates);
    if (!s)
        s = db_query_json(c->d, &items,
                          "SELECT i.id, i.kind, i.title, i.deadline, i.state, i.decision, i.submitted_on, i.submitted_by, i.decided_on, "
                          "(SELECT COUNT(*) FROM review_assign a WHERE a.item_id = i.id) AS reviewers, "
                          "(SELECT COUNT(*) FROM review_assign a WHERE a.item_id = i.id AND a.done_at IS NOT NULL) AS reviewers_done, "
                          "(SELECT COUNT(*) FROM review_file f WHERE f.item_id = i.id) AS files "
                          "FROM review_item i WHERE i.enterprise_id = $1 ORDER BY CASE WHEN i.state IN ('submitted', 'reviewing') THEN 0 ELSE 1 END, "
                          "i.deadline, i.id DESC",
                          e, "i", ent);
    rv_own(c, items);
    if (!s) s = review_store_checklist(c, ent, &checklist, e);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) rv_item_labels(r, today);
    json_t *grp = json_null();
    if (g) {
        grp = json_deep_copy(g);
        json_object_set(grp, "members", members);
    }
    *out = rv_own(c, json_pack("{s:I,s:s,s:o,s:O,s:O,s:O,s:s}", "enterprise_id", (json_int_t)ent, "enterprise_name", x.name, "group", grp,
                               "checklist", checklist, "items", items, "candidates", candidates, "today", today));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st review_store_enterprises(uc *c, json_t **items, err *e) {
    *items = NULL;
    st s = rv_content_ok(c, e);
    if (s) return s;
    const char *k, *code;
    scope_bind(c, &k, &code);
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows,
                      "SELECT e.id, e.name, (SELECT g.id FROM review_group g WHERE g.enterprise_id = e.id) AS group_id, "
                      "(SELECT COUNT(*) FROM review_item i WHERE i.enterprise_id = e.id AND i.state IN ('submitted', 'reviewing')) AS open "
                      "FROM enterprise e WHERE (CAST($1 AS TEXT) = 'enterprise' AND CAST(e.id AS TEXT) = CAST($2 AS TEXT)) "
                      "OR (CAST($1 AS TEXT) = 'org' AND EXISTS (SELECT 1 FROM org_cover oc JOIN org o ON o.id = oc.org_id WHERE oc.enterprise_id = e.id "
                      "AND oc.to_day IS NULL AND o.path LIKE '%/' || CAST($2 AS TEXT) || '/%')) ORDER BY e.name LIMIT 500",
                      e, "tt", k, code);
    if (s) return s;
    *items = rv_own(c, rows);
    return ST_OK;
}

/* The item's content for the reader; findings: all reviewers' (NULL) or one assignment's. */
static st rv_item_json(uc *c, int64_t item, int64_t only_assign, json_t **out, err *e) {
    char today[11];
    rv_today(today);
    json_t *rows = NULL, *files = NULL, *assigns = NULL, *findings = NULL, *reasons = NULL, *checklist = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT i.id, i.enterprise_id, e.name AS enterprise_name, i.group_id, i.checklist_id, i.kind, i.title, i.description, i.links, "
                         "i.deadline, i.state, i.decision, i.decision_note, i.submitted_by, i.submitted_on, i.submitted_at, i.decided_by, i.decided_on, "
                         "i.decided_at, (SELECT p.name FROM review_group g JOIN person p ON p.id = g.lead_person_id WHERE g.id = i.group_id) AS lead_name "
                         "FROM review_item i JOIN enterprise e ON e.id = i.enterprise_id WHERE i.id = $1",
                         e, "i", item);
    json_t *it = s ? NULL : json_array_get(rv_own(c, rows), 0);
    if (!s && !it) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的送审事项。", (long long)item);
    if (!s) s = db_query_json(c->d, &files, "SELECT id, name, mime, size, uploaded_by, created_at FROM review_file WHERE item_id = $1 ORDER BY id", e, "i", item);
    rv_own(c, files);
    if (!s)
        s = db_query_json(c->d, &assigns,
                          "SELECT id, person_id, name, assigned_by, assigned_at, done_at FROM review_assign WHERE item_id = $1 AND ($2 = 0 OR id = $2) ORDER BY id",
                          e, "ii", item, only_assign);
    rv_own(c, assigns);
    if (!s)
        s = db_query_json(c->d, &findings,
                          "SELECT f.assign_id, f.check_id, f.result, f.note, f.at FROM review_finding f JOIN review_assign a ON a.id = f.assign_id "
                          "WHERE a.item_id = $1 AND ($2 = 0 OR a.id = $2) ORDER BY f.assign_id, f.check_id",
                          e, "ii", item, only_assign);
    rv_own(c, findings);
    if (!s)
        s = db_query_json(c->d, &reasons,
                          "SELECT r.check_id, r.category, k.title FROM review_reason r JOIN review_check k ON k.id = r.check_id WHERE r.item_id = $1 ORDER BY k.seq",
                          e, "i", item);
    rv_own(c, reasons);
    if (!s) s = rv_checklist_json(c, rv_int(it, "checklist_id"), &checklist, e);
    if (s) return s;
    rv_item_labels(it, today);
    size_t i;
    json_t *a;
    json_array_foreach(assigns, i, a) {
        json_t *mine = json_array();
        size_t k;
        json_t *f;
        json_array_foreach(findings, k, f) if (rv_int(f, "assign_id") == rv_int(a, "id")) json_array_append(mine, f);
        json_object_set_new(a, "findings", mine);
    }
    json_array_foreach(reasons, i, a) json_object_set_new(a, "category_label", json_string(review_category_label(rv_str(a, "category"))));
    json_t *o = json_deep_copy(it);
    json_object_set(o, "files", files);
    json_object_set(o, "reviewers", assigns);
    json_object_set(o, "reasons", reasons);
    json_object_set(o, "checklist", checklist);
    *out = rv_own(c, o);
    return ST_OK;
}

st review_store_item(uc *c, int64_t item, json_t **out, err *e) {
    *out = NULL;
    st s = rv_content_ok(c, e);
    return s ? s : rv_item_json(c, item, 0, out, e);
}

st review_store_file(uc *c, int64_t file, int64_t assign, const char **path, const char **mime, const char **name, err *e) {
    st s = rv_content_ok(c, e);
    if (s) return s;
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows,
                      "SELECT f.item_id, f.name, f.mime, f.sha256 FROM review_file f WHERE f.id = $1 AND ($2 = 0 OR f.item_id = "
                      "(SELECT a.item_id FROM review_assign a WHERE a.id = $2))",
                      e, "ii", file, assign);
    if (s) return s;
    json_t *r = json_array_get(rv_own(c, rows), 0);
    if (!r) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的送审文件%s。", (long long)file, assign ? "（或不属于您审核的事项）" : "");
    *path = files_local(c, RV_FILES, rv_str(r, "sha256"));
    *mime = rv_str(r, "mime");
    *name = rv_str(r, "name");
    if (access(*path, R_OK) != 0) return err_set(e, ST_IO, "送审文件缺失（%s），请联系系统管理员从备份恢复。", *name);
    uc_act a = {"review.file", uc_obj(c, "review_item", rv_int(r, "item_id")), arena_printf(c->mem, "下载送审文件（编号 %lld）", (long long)file)};
    return uc_audit(c, &a, e);
}

st review_store_mine(uc *c, json_t **items, err *e) {
    *items = NULL;
    char today[11];
    rv_today(today);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT a.id, a.item_id, a.assigned_at, a.done_at, i.kind, i.title, i.deadline, i.state, i.decision, e.name AS enterprise_name, "
                         "(SELECT COUNT(*) FROM review_finding f WHERE f.assign_id = a.id) AS recorded, "
                         "(SELECT COUNT(*) FROM review_check k WHERE k.checklist_id = i.checklist_id) AS checks "
                         "FROM review_assign a JOIN review_item i ON i.id = a.item_id JOIN enterprise e ON e.id = i.enterprise_id WHERE a.user_id = $1 "
                         "ORDER BY CASE WHEN a.done_at IS NULL AND i.state = 'reviewing' THEN 0 ELSE 1 END, i.deadline, a.id DESC",
                         e, "i", c->who.user_id);
    if (s) return s;
    rv_own(c, rows);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) rv_item_labels(r, today);
    *items = rows;
    return ST_OK;
}

st review_store_assignment(uc *c, int64_t assign, json_t **out, err *e) {
    *out = NULL;
    st s = rv_content_ok(c, e);
    rv_assign as;
    if (!s) s = rv_assign_load(c, assign, &as, e);
    json_t *it = NULL;
    if (!s) s = rv_item_json(c, as.item, assign, &it, e);
    if (s) return s;
    int64_t lead = 0;
    if ((s = db_query_int(c->d, &lead, "SELECT COALESCE(lead_person_id, 0) FROM review_group WHERE id = $1", e, "i", rv_int(it, "group_id")))) return s;
    *out = rv_own(c, json_pack("{s:I,s:s,s:b,s:b,s:O}", "id", (json_int_t)assign, "name", as.name, "done", as.done, "lead", lead == as.person,
                               "item", it));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- figures ---- */

#define RV_ITEM_SCOPE SCOPE_COND("$1", "$2", "i.district_code", "i.park_code", RV_COVER_PATH("i.enterprise_id"), "i.enterprise_id", "NULL")

typedef struct rv_fig {
    const char *key, *name, *district;
    int64_t items, open, overdue, decided, pass, pass_changes, reject, withdrawn;
    double *days;
    size_t ndays, cap;
    int64_t reasons[16];
} rv_fig;

static json_t *rv_fig_json(rv_fig *f, bool total) {
    json_t *o = json_pack("{s:s?,s:s?,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "key", f->key, "name", f->name, "items", (json_int_t)f->items, "open",
                          (json_int_t)f->open, "overdue", (json_int_t)f->overdue, "decided", (json_int_t)f->decided, "pass",
                          (json_int_t)f->pass, "pass_changes", (json_int_t)f->pass_changes, "reject", (json_int_t)f->reject, "withdrawn",
                          (json_int_t)f->withdrawn);
    if (!total) json_object_set_new(o, "district_name", f->district ? json_string(f->district) : json_null());
    double med = review_quantile(f->days, f->ndays, 0.5), p90 = review_quantile(f->days, f->ndays, 0.9);
    json_object_set_new(o, "median_days", f->ndays ? json_real((double)(long long)(med * 10 + 0.5) / 10) : json_null());
    json_object_set_new(o, "p90_days", f->ndays ? json_real((double)(long long)(p90 * 10 + 0.5) / 10) : json_null());
    json_object_set_new(o, "reject_rate", f->decided ? json_real((double)(long long)(1000.0 * (double)f->reject / (double)f->decided + 0.5) / 10) : json_null());
    for (size_t k = 0; review_categories[k]; k++) {
        char key[32];
        snprintf(key, sizeof key, "r_%s", review_categories[k]);
        json_object_set_new(o, key, json_integer(f->reasons[k]));
    }
    return o;
}

static size_t rv_cat_index(const char *cat) {
    for (size_t k = 0; review_categories[k]; k++)
        if (cat && !strcmp(review_categories[k], cat)) return k;
    return 0;
}

static void rv_fig_add(rv_fig *f, json_t *r, const char *today, arena *mem) {
    const char *state = rv_str(r, "state"), *dec = rv_str(r, "decision");
    f->items++;
    if (!strcmp(state, "submitted") || !strcmp(state, "reviewing")) f->open++;
    if (review_overdue(state, rv_str(r, "deadline"), today)) f->overdue++;
    if (!strcmp(state, "withdrawn")) f->withdrawn++;
    if (!strcmp(state, "decided")) {
        f->decided++;
        if (dec && !strcmp(dec, "pass")) f->pass++;
        else if (dec && !strcmp(dec, "pass_changes")) f->pass_changes++;
        else f->reject++;
        double d = (double)(rv_int(r, "decided_at") - rv_int(r, "submitted_at")) / 86400.0;
        if (f->ndays == f->cap) {
            size_t cap = f->cap ? f->cap * 2 : 8;
            double *nd = arena_alloc(mem, cap * sizeof *nd);
            if (!nd) return;
            if (f->ndays) memcpy(nd, f->days, f->ndays * sizeof *nd);
            f->days = nd;
            f->cap = cap;
        }
        f->days[f->ndays++] = d < 0 ? 0 : d;
    }
}

st review_store_figures(uc *c, const char *by, const char *from, const char *to, json_t **out, err *e) {
    *out = NULL;
    if (!by || !*by) by = "enterprise";
    if (strcmp(by, "enterprise") && strcmp(by, "district"))
        return err_field(e, ST_INVALID, "by", "分组 by 应为 enterprise（按企业）或 district（按区）。");
    if (from && *from && !org_day_parse(from, NULL, NULL, NULL)) return err_field(e, ST_INVALID, "from", "起始日期 from 应为 YYYY-MM-DD。");
    if (to && *to && !org_day_parse(to, NULL, NULL, NULL)) return err_field(e, ST_INVALID, "to", "截止日期 to 应为 YYYY-MM-DD。");
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    rv_today(today);
    json_t *rows = NULL, *reasons = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT i.id, i.enterprise_id, e.name AS enterprise_name, i.district_code, "
                         "(SELECT g.name FROM region g WHERE g.code = i.district_code) AS district_name, i.state, i.decision, i.deadline, "
                         "i.submitted_at, i.decided_at FROM review_item i JOIN enterprise e ON e.id = i.enterprise_id WHERE " RV_ITEM_SCOPE
                         " AND ($3 = '' OR i.submitted_on >= $3) AND ($4 = '' OR i.submitted_on <= $4) ORDER BY i.id",
                         e, "tttt", k, code, from ? from : "", to ? to : "");
    rv_own(c, rows);
    if (!s)
        s = db_query_json(c->d, &reasons,
                          "SELECT r.item_id, r.category, i.decision FROM review_reason r JOIN review_item i ON i.id = r.item_id WHERE " RV_ITEM_SCOPE
                          " AND ($3 = '' OR i.submitted_on >= $3) AND ($4 = '' OR i.submitted_on <= $4) ORDER BY r.item_id",
                          e, "tttt", k, code, from ? from : "", to ? to : "");
    rv_own(c, reasons);
    if (s) return s;
    bool by_ent = !strcmp(by, "enterprise");
    size_t n = json_array_size(rows), ng = 0;
    rv_fig *g = arena_calloc(c->mem, n ? n : 1, sizeof *g);
    rv_fig total = {.key = NULL, .name = "合计"};
    int64_t *group_of_item = NULL;   /* item id → group, by position (rows are by id) */
    int64_t *ids = arena_calloc(c->mem, n ? n : 1, sizeof *ids);
    group_of_item = arena_calloc(c->mem, n ? n : 1, sizeof *group_of_item);
    if (!g || !ids || !group_of_item) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *key = by_ent ? arena_printf(c->mem, "%lld", (long long)rv_int(r, "enterprise_id")) : rv_str(r, "district_code");
        if (!key) key = "";
        size_t j = 0;
        while (j < ng && strcmp(g[j].key, key)) j++;   /* an enterprise's or a district's handful of items */
        if (j == ng) {
            g[ng].key = key;
            g[ng].name = by_ent ? rv_str(r, "enterprise_name") : (rv_str(r, "district_name") ? rv_str(r, "district_name") : "未知区");
            g[ng].district = rv_str(r, "district_name");
            ng++;
        }
        rv_fig_add(&g[j], r, today, c->mem);
        rv_fig_add(&total, r, today, c->mem);
        ids[i] = rv_int(r, "id");
        group_of_item[i] = (int64_t)j;
    }
    json_t *rtot = json_array();
    int64_t rej[16] = {0}, chg[16] = {0};
    size_t at = 0;
    json_array_foreach(reasons, i, r) {
        int64_t id = rv_int(r, "item_id");
        while (at < n && ids[at] < id) at++;
        size_t cat = rv_cat_index(rv_str(r, "category"));
        const char *dec = rv_str(r, "decision");
        bool reject = dec && !strcmp(dec, "reject");
        if (reject) rej[cat]++;
        else chg[cat]++;
        if (reject && at < n && ids[at] == id) {
            g[group_of_item[at]].reasons[cat]++;
            total.reasons[cat]++;
        }
    }
    for (size_t q = 0; review_categories[q]; q++)
        json_array_append_new(rtot, json_pack("{s:s,s:s,s:I,s:I}", "category", review_categories[q], "label", review_category_label(review_categories[q]),
                                              "reject", (json_int_t)rej[q], "pass_changes", (json_int_t)chg[q]));
    json_t *items = json_array();
    for (size_t j = 0; j < ng; j++) json_array_append_new(items, rv_fig_json(&g[j], false));
    *out = rv_own(c, json_pack("{s:s,s:o,s:o,s:o,s:s}", "by", by, "items", items, "total", rv_fig_json(&total, true), "reasons", rtot, "today", today));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- scope ---- */

const scope_resolver review_scope_resolvers[] = {
    /* An enterprise's review work sits with the enterprise and the organization
     * covering it now — not in its district or park (the content stays there). */
    {"review_enterprise", true, false,
     "SELECT NULL, NULL, " RV_COVER_PATH("e.id") ", CAST(e.id AS TEXT), NULL FROM enterprise e WHERE e.id = CAST($1 AS BIGINT)", .noun = "企业"},
    {"review_group", true, false,
     "SELECT NULL, NULL, " RV_COVER_PATH("g.enterprise_id") ", CAST(g.enterprise_id AS TEXT), NULL FROM review_group g WHERE g.id = CAST($1 AS BIGINT)",
     .noun = "审核小组"},
    {"review_member", true, false,
     "SELECT NULL, NULL, " RV_COVER_PATH("g.enterprise_id") ", CAST(g.enterprise_id AS TEXT), NULL FROM review_member m "
     "JOIN review_group g ON g.id = m.group_id WHERE m.id = CAST($1 AS BIGINT)",
     .noun = "审核小组成员记录"},
    {"review_item", true, false,
     "SELECT NULL, NULL, " RV_COVER_PATH("i.enterprise_id") ", CAST(i.enterprise_id AS TEXT), NULL FROM review_item i WHERE i.id = CAST($1 AS BIGINT)",
     .noun = "送审事项"},
    {"review_file", true, false,
     "SELECT NULL, NULL, " RV_COVER_PATH("i.enterprise_id") ", CAST(i.enterprise_id AS TEXT), NULL FROM review_file f "
     "JOIN review_item i ON i.id = f.item_id WHERE f.id = CAST($1 AS BIGINT)",
     .noun = "送审文件"},
    /* An assignment is its reviewer's alone. */
    {"review_assignment", true, true, "SELECT NULL, NULL, NULL, NULL, user_id FROM review_assign WHERE id = CAST($1 AS BIGINT)", .noun = "审核任务"},
    {NULL, false, false, NULL},
};
