/* org_store — the org module's writes (see org_store.h): organizations
 * formed, upgraded, merged, split and dissolved, enterprises covered and
 * let go, each one audited use case; and the row helpers the other store
 * files share (org_store_int.h).  The rules applied come from org.c; every
 * check against the data comes before the first write, and the use case's
 * transaction (a savepoint inside the demo's) takes everything back on a
 * refusal. */
#include "org/org_store_int.h"

#include "covkept/covkept.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rows ---- */

static void org_cp(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

st org_row_load(uc *c, int64_t id, org_row *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, parent_id, kind, name, path, district_code, park_code, street_code, established_on, "
                      "dissolved_on, CASE WHEN committee IS NOT NULL AND committee <> '[]' THEN 1 ELSE 0 END, "
                      "CASE WHEN secretary IS NULL OR TRIM(secretary) = '' THEN 1 ELSE 0 END, committee "
                      "FROM org WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        o->id = db_col_int(q, 0);
        o->parent_id = db_col_null(q, 1) ? 0 : db_col_int(q, 1);
        org_cp(o->kind, sizeof o->kind, db_col_text(q, 2));
        org_cp(o->name, sizeof o->name, db_col_text(q, 3));
        org_cp(o->path, sizeof o->path, db_col_text(q, 4));
        org_cp(o->district, sizeof o->district, db_col_text(q, 5));
        org_cp(o->park, sizeof o->park, db_col_text(q, 6));
        org_cp(o->street, sizeof o->street, db_col_text(q, 7));
        org_cp(o->established, sizeof o->established, db_col_text(q, 8));
        org_cp(o->dissolved, sizeof o->dissolved, db_col_text(q, 9));
        o->has_committee = db_col_int(q, 10) != 0;
        o->no_secretary = db_col_int(q, 11) != 0;
        o->seats = org_seats_of(db_col_null(q, 12) ? NULL : db_col_text(q, 12));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "未找到编号为 %lld 的党组织，请检查编号。", (long long)id);
    return ST_OK;
}

st org_active(uc *c, int64_t id, const char *day, const char *field, org_row *o, err *e) {
    st s = org_row_load(c, id, o, e);
    if (s == ST_NOT_FOUND) return err_field(e, ST_NOT_FOUND, field, "未找到编号为 %lld 的党组织，请检查 %s。",
                                            (long long)id, field);
    if (s) return s;
    if (strcmp(o->established, day) > 0)
        return err_field(e, ST_INVALID, field, "党组织“%s”于 %s 成立，%s 时尚未成立，请把日期改为成立之后。", o->name,
                         o->established, day);
    if (o->dissolved[0] && strcmp(o->dissolved, day) <= 0)
        return err_field(e, ST_CONFLICT, field, "党组织“%s”已于 %s 撤销或合并，不能再对它操作。", o->name,
                         o->dissolved);
    return ST_OK;
}

st org_ent_load(uc *c, int64_t id, const char *field, org_entrow *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, name, district_code, park_code, street_code, COALESCE(members, 0), "
                      "COALESCE(employees, 0), zombie FROM enterprise WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        x->id = db_col_int(q, 0);
        org_cp(x->name, sizeof x->name, db_col_text(q, 1));
        org_cp(x->district, sizeof x->district, db_col_text(q, 2));
        org_cp(x->park, sizeof x->park, db_col_text(q, 3));
        org_cp(x->street, sizeof x->street, db_col_text(q, 4));
        x->members = (int)db_col_int(q, 5);
        x->employees = (int)db_col_int(q, 6);
        x->zombie = (int)db_col_int(q, 7);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW)
        return err_field(e, ST_INVALID, field, "企业编号 %lld 不在企业台账中，请从台账中选择企业。", (long long)id);
    if (x->zombie)
        return err_field(e, ST_INVALID, field, "企业“%s”已认定为僵尸企业（不计入最终台账），不能组建或覆盖。", x->name);
    return ST_OK;
}

/* Refuse an enterprise covered on day or later (a cover may not overlap another). */
static st org_ent_free(uc *c, const org_entrow *x, const char *day, const char *field, err *e) {
    char *who = NULL;
    /* in the register on that day (issue 23: an enterprise enters and leaves it on dated events) */
    st s = db_query_text(c->d, &who,
                         "SELECT CASE WHEN reg_from IS NOT NULL AND reg_from > $2 THEN '于 ' || reg_from || ' 才纳入企业名录' "
                         "ELSE '已于 ' || reg_to || ' 关闭或合并，不在企业名录中' END FROM enterprise WHERE id = $1 "
                         "AND ((reg_from IS NOT NULL AND reg_from > $2) OR (reg_to IS NOT NULL AND reg_to <= $2))",
                         e, "it", x->id, day);
    if (!s) {
        s = err_field(e, ST_INVALID, field, "企业“%s”%s，%s 时不能组建或覆盖，请改日期或选择其他企业。", x->name, who, day);
        free(who);
        return s;
    }
    if (s != ST_NOT_FOUND) return s;
    who = NULL;
    s = db_query_text(c->d, &who,
                         "SELECT o.name || '（自 ' || c.from_day || '）' FROM org_cover c JOIN org o ON o.id = c.org_id "
                         "WHERE c.enterprise_id = $1 AND (c.to_day IS NULL OR c.to_day > $2) ORDER BY c.from_day LIMIT 1",
                         e, "it", x->id, day);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    s = err_field(e, ST_CONFLICT, field, "企业“%s”在 %s 或之后已由“%s”覆盖，不能重复覆盖；如需调整，请先从原党组织移除该企业。",
                  x->name, day, who);
    free(who);
    return s;
}

st org_event_add(uc *c, const org_event_new *v, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "INSERT INTO org_event(day, kind, org_id, enterprise_id, other_org_id, district_code, from_kind, "
                      "to_kind, note, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {{NOW}})",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, v->day);
    db_bind_text(q, 2, v->kind);
    if (v->org_id) db_bind_int(q, 3, v->org_id); else db_bind_null(q, 3);
    if (v->enterprise_id) db_bind_int(q, 4, v->enterprise_id); else db_bind_null(q, 4);
    if (v->other_org_id) db_bind_int(q, 5, v->other_org_id); else db_bind_null(q, 5);
    db_bind_text(q, 6, v->district && *v->district ? v->district : NULL);
    db_bind_text(q, 7, v->from_kind);
    db_bind_text(q, 8, v->to_kind);
    db_bind_text(q, 9, v->note && *v->note ? v->note : NULL);
    db_bind_text(q, 10, c->who.username ? c->who.username : "-");
    int r = db_step(q, e);
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* in the party on day: the registry's stretches (member_span) of the organizations at and below path */
#define ORG_REG_ON_DAY                                                                                        \
    " FROM org m JOIN member_span s ON s.org_id = m.id WHERE m.path LIKE $1 || '%' AND s.from_day <= $2 "    \
    "AND (s.to_day IS NULL OR s.to_day > $2) AND s.state IN ('正常', '流动', '失联')"

st org_registry_on(uc *c, const char *path, const char *day, int64_t *full, int64_t *all, err *e) {
    db_stmt *q;
    *full = *all = 0;
    st s = db_prepare(c->d,
                      "SELECT CAST(COALESCE(SUM(CASE WHEN s.category = '正式党员' THEN 1 ELSE 0 END), 0) AS BIGINT), "
                      "COUNT(*)" ORG_REG_ON_DAY, &q, e);
    if (s) return s;
    db_bind_text(q, 1, path);
    db_bind_text(q, 2, day);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        *full = db_col_int(q, 0);
        *all = db_col_int(q, 1);
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

st org_registry_used(uc *c, bool *used, err *e) {
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM (SELECT 1 FROM member LIMIT 1) x", e, "");
    *used = !s && n > 0;
    return s;
}

int org_seats_of(const char *committee) {
    json_t *a = committee ? json_loads(committee, 0, NULL) : NULL;
    int n = 0;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) n += json_is_string(x) && *json_string_value(x);
    json_decref(a);
    return n;
}

st org_members_on(uc *c, const char *path, const char *day, int64_t *members, int64_t *units, err *e) {
    st s = db_query_int(c->d, members,
                        "SELECT CAST(COALESCE(SUM(" ORG_ENT_MEMBERS "), 0) AS BIGINT) FROM org o "
                        "JOIN org_cover c ON c.org_id = o.id JOIN enterprise e ON e.id = c.enterprise_id "
                        "WHERE o.path LIKE $1 || '%' AND c.from_day <= $2 AND (c.to_day IS NULL OR c.to_day > $2)",
                        e, "tt", path, day);
    if (!s && units)
        s = db_query_int(c->d, units, "SELECT COUNT(*) FROM org_cover c JOIN org o ON o.id = c.org_id "
                                      "WHERE o.path = $1 AND c.from_day <= $2 AND (c.to_day IS NULL OR c.to_day > $2)",
                         e, "tt", path, day);
    return s;
}

/* Every cover written moves the kept coverage figures in the same act (covkept.h). */
static st org_cover_insert(uc *c, int64_t org_id, int64_t ent, bool joint, const char *day, err *e) {
    covkept_snap k;
    st s = covkept_before(c, ent, &k, e);
    if (!s)
        s = db_run(c->d, "INSERT INTO org_cover(org_id, enterprise_id, joint, from_day) VALUES ($1, $2, $3, $4)", e, "iiit",
                   org_id, ent, (int64_t)(joint ? 1 : 0), day);
    return s ? s : covkept_after(c, &k, e);
}

/* The open cover of ent by org_id ends on day. */
static st org_cover_close(uc *c, int64_t org_id, int64_t ent, const char *day, err *e) {
    covkept_snap k;
    st s = covkept_before(c, ent, &k, e);
    if (!s)
        s = db_run(c->d, "UPDATE org_cover SET to_day = $3 WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL", e,
                   "iit", org_id, ent, day);
    return s ? s : covkept_after(c, &k, e);
}

static st org_stop(uc *c, int64_t id, const char *day, err *e) {
    return db_run(c->d, "UPDATE org SET dissolved_on = $1, updated_at = {{NOW}} WHERE id = $2", e, "ti", day, id);
}

/* ---- create ---- */

/* The enterprises of a new organization: real, not zombies, named once, and
 * free on its day — or, for a split, covered by the organization split.
 * *first: the first one (where the organization sits by default);
 * *members: their full members. */
static st org_new_enterprises(uc *c, const org_new *o, int64_t from_org, org_entrow *first, int64_t *members, err *e) {
    memset(first, 0, sizeof *first);
    *members = 0;
    for (size_t i = 0; i < o->n_enterprises; i++) {
        org_entrow x;
        char field[40];
        snprintf(field, sizeof field, "enterprise_ids[%zu]", i);
        st s = org_ent_load(c, o->enterprises[i], field, &x, e);
        if (s) return s;
        for (size_t j = 0; j < i; j++)
            if (o->enterprises[j] == o->enterprises[i])
                return err_field(e, ST_INVALID, field, "企业“%s”重复出现在 enterprise_ids 中。", x.name);
        if (from_org) {
            int64_t k = 0;
            if ((s = db_query_int(c->d, &k, "SELECT COUNT(*) FROM org_cover WHERE org_id = $1 AND enterprise_id = $2 "
                                            "AND from_day <= $3 AND (to_day IS NULL OR to_day > $3)",
                                  e, "iit", from_org, x.id, o->day)))
                return s;
            if (!k) return err_field(e, ST_INVALID, field, "企业“%s”在 %s 不由被拆分的党组织覆盖，不能拆出。", x.name, o->day);
        } else if ((s = org_ent_free(c, &x, o->day, field, e))) {
            return s;
        }
        if (i == 0) *first = x;
        *members += x.members;
    }
    return ST_OK;
}

static st org_region_check(uc *c, const char *code, const char *kind, const char *field, err *e) {
    if (!code || !*code) return ST_OK;
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM region WHERE code = $1 AND kind = $2", e, "tt", code, kind);
    if (s) return s;
    if (!n) return err_field(e, ST_INVALID, field, "%s=“%s”不是本市的%s代码，请从区划列表中选择。", field, code,
                             !strcmp(kind, "district") ? "区" : !strcmp(kind, "park") ? "园区" : "街道（镇）");
    return ST_OK;
}

/* Where a new organization sits: the district, park and street given, else
 * its first enterprise's; each a region of the city. */
typedef struct org_place { const char *district, *park, *street; } org_place;

static st org_new_place(uc *c, const org_new *o, const org_entrow *first, org_place *p, err *e) {
    p->district = o->district && *o->district ? o->district : first->district[0] ? first->district : NULL;
    p->park = o->park && *o->park ? o->park : (!o->district && first->park[0]) ? first->park : NULL;
    p->street = o->street && *o->street ? o->street : (!o->district && first->street[0]) ? first->street : NULL;
    if (org_kind_covers(o->kind) && !p->district)
        return err_field(e, ST_INVALID, "district_code", "请填写党组织所在的区（district_code，如 350203）。");
    st s = org_region_check(c, p->district, "district", "district_code", e);
    if (!s) s = org_region_check(c, p->park, "park", "park_code", e);
    if (!s) s = org_region_check(c, p->street, "street", "street_code", e);
    return s;
}

/* The 工委 an organization hangs under: its park's, else its street's, else
 * its district's, else the city's. */
static st org_pick_parent(uc *c, const org_place *p, int64_t *parent, err *e) {
    db *d = c->d;
    st s = ST_NOT_FOUND;
    if (p->park && *p->park)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE kind = '工委' AND park_code = $1 AND dissolved_on IS NULL "
                                    "ORDER BY id LIMIT 1", e, "t", p->park);
    if (s == ST_NOT_FOUND && p->street && *p->street)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE kind = '工委' AND street_code = $1 AND park_code IS NULL "
                                    "AND dissolved_on IS NULL ORDER BY id LIMIT 1", e, "t", p->street);
    if (s == ST_NOT_FOUND && p->district && *p->district)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE kind = '工委' AND district_code = $1 AND park_code IS NULL "
                                    "AND street_code IS NULL AND dissolved_on IS NULL ORDER BY id LIMIT 1", e, "t", p->district);
    if (s == ST_NOT_FOUND)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE parent_id IS NULL ORDER BY id LIMIT 1", e, "");
    if (s == ST_NOT_FOUND) return err_set(e, ST_INTERNAL, "缺少市委两新工委（组织树的根），请运行 ejia migrate。");
    return s;
}

/* Its parent: the one given, else the 工委 of its place; active on its day
 * and of a higher rank (or a 工委). */
static st org_new_parent(uc *c, const org_new *o, const org_place *pl, org_row *p, err *e) {
    int64_t parent = o->parent_id;
    st s = parent ? ST_OK : org_pick_parent(c, pl, &parent, e);
    if (!s) s = org_active(c, parent, o->day, "parent_id", p, e);
    if (s) return s;
    if (strcmp(p->kind, "工委") && org_kind_rank(p->kind) <= org_kind_rank(o->kind))
        return err_field(e, ST_INVALID, "parent_id", "上级“%s”是%s，不能领导同级或更高的%s；请选择工委或更高一级的党组织。", p->name,
                         p->kind, o->kind);
    return ST_OK;
}

static const char *org_nz(const char *s) { return s && *s ? s : NULL; }

/* The names given with a new organization (its 书记, its committee) become
 * posts from its first day (org_post, migration 0061), 未关联 until the office
 * links them to members of the registry (committee/; a new organization has
 * no members yet). */
static st org_posts_carry(uc *c, int64_t id, const org_new *o, err *e) {
    const char *note = "建立党组织时填写，待关联党员名册";
    st s = ST_OK;
    if (org_nz(o->secretary))
        s = db_run(c->d,
                   "INSERT INTO org_post(org_id, post, name, from_day, source, note, created_by, created_at) "
                   "VALUES ($1, '书记', $2, $3, 'carried', $4, $5, {{NOW}})",
                   e, "itttt", id, o->secretary, o->day, note, c->who.username ? c->who.username : "-");
    json_t *names = o->committee ? json_loads(o->committee, 0, NULL) : NULL;
    size_t i;
    json_t *x;
    json_array_foreach(names, i, x) {
        const char *nm = json_string_value(x);
        if (s || !nm || !*nm || (o->secretary && !strcmp(nm, o->secretary))) continue;
        s = db_run(c->d,
                   "INSERT INTO org_post(org_id, post, name, from_day, source, note, created_by, created_at) "
                   "VALUES ($1, '委员', $2, $3, 'carried', $4, $5, {{NOW}})",
                   e, "itttt", id, nm, o->day, note, c->who.username ? c->who.username : "-");
    }
    json_decref(names);
    return s;
}

/* The rows: the organization with its path under the parent's, its event,
 * and its covers with theirs (moved from from_org for a split). */
static st org_new_insert(uc *c, const org_new *o, const org_place *pl, const org_row *parent, int64_t from_org, int64_t *id,
                         err *e) {
    st s = db_query_int(c->d, id,
                        "INSERT INTO org(parent_id, path, name, kind, district_code, park_code, street_code, based_on, "
                        "base_name, secretary, committee, established_on, created_at, updated_at) VALUES "
                        "($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, {{NOW}}, {{NOW}}) RETURNING id",
                        e, "itttttttttt", parent->id, o->name, o->kind, pl->district, pl->park, pl->street, org_nz(o->based_on),
                        org_nz(o->base_name), org_nz(o->secretary), org_nz(o->committee), o->day);
    if (s) return s;
    char path[600];
    snprintf(path, sizeof path, "%s%lld/", parent->path, (long long)*id);
    if ((s = db_run(c->d, "UPDATE org SET path = $1 WHERE id = $2", e, "ti", path, *id))) return s;
    org_event_new v = {o->day, from_org ? "split" : "established", *id, 0, from_org, pl->district, NULL, o->kind, o->note};
    if ((s = org_event_add(c, &v, e))) return s;
    if ((s = org_posts_carry(c, *id, o, e))) return s;
    bool joint = org_kind_joint(o->kind);
    for (size_t i = 0; !s && i < o->n_enterprises; i++) {
        if (from_org) s = org_cover_close(c, from_org, o->enterprises[i], o->day, e);
        if (!s) s = org_cover_insert(c, *id, o->enterprises[i], joint, o->day, e);
        org_event_new cv = {o->day, "cover_added", *id, o->enterprises[i], from_org, pl->district, NULL, NULL,
                            from_org ? "拆分转入" : NULL};
        if (!s) s = org_event_add(c, &cv, e);
    }
    return s;
}

/* Create; when from_org is set (a split), the enterprises must be covered by
 * from_org on the day and are moved from it. */
static st org_create_core(uc *c, const org_new *o, int64_t from_org, int64_t *id, err *e) {
    org_thresholds t;
    org_thresholds_load(&t);
    org_entrow first;
    org_place pl;
    org_row parent;
    int64_t members = 0;
    st s = org_new_check(&t, o, e);
    if (!s) s = org_new_enterprises(c, o, from_org, &first, &members, e);
    if (!s) s = org_new_members_check(&t, o, members, e);
    if (!s) s = org_new_place(c, o, &first, &pl, e);
    if (!s) s = org_new_parent(c, o, &pl, &parent, e);
    if (!s) s = org_new_insert(c, o, &pl, &parent, from_org, id, e);
    return s;
}

st org_store_create(uc *c, const org_new *o, int64_t *id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = org_create_core(c, o, 0, id, e);
    uc_act a = {"org.create"};
    if (!s) {
        a.object = uc_obj(c, "org", *id);
        a.detail = arena_printf(c->mem, "成立%s“%s”（%s）", o->kind, o->name, o->day);
    }
    return uc_end(c, s, &a, e);
}

st org_store_split(uc *c, int64_t id, const org_new *o, int64_t *new_id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_row f;
    s = org_active(c, id, o->day ? o->day : "", "id", &f, e);
    if (!s && !o->n_enterprises) s = err_field(e, ST_INVALID, "enterprise_ids", "请选择拆分出去的企业（enterprise_ids）。");
    org_new n = *o;
    if (!n.parent_id) n.parent_id = f.parent_id;
    if (!n.district) n.district = f.district[0] ? f.district : NULL;
    if (!s) s = org_create_core(c, &n, id, new_id, e);
    uc_act a = {"org.split"};
    if (!s) {
        a.object = uc_obj(c, "org", id);
        a.detail = arena_printf(c->mem, "从“%s”拆分出“%s”（org:%lld，%s）", f.name, n.name, (long long)*new_id, n.day);
    }
    return uc_end(c, s, &a, e);
}

/* ---- upgrade ---- */

static st org_upgrade_work(uc *c, int64_t id, const char *to_kind, const char *day, bool approved, const char *note,
                           org_row *o, err *e) {
    st s = org_day_check(day, "day", e);
    if (!s) s = org_active(c, id, day, "id", o, e);
    if (s) return s;
    if (!to_kind || (strcmp(to_kind, "党总支") && strcmp(to_kind, "党委")))
        return err_field(e, ST_INVALID, "to_kind", "升格后的类型 to_kind 应为“党总支”或“党委”。");
    int from = org_kind_rank(o->kind), to = org_kind_rank(to_kind);
    if (from < 1 || from > 3 || to <= from)
        return err_field(e, ST_INVALID, "to_kind", "“%s”现为%s，只能升格为更高一级（党支部→党总支→党委）。", o->name, o->kind);
    int64_t members = 0;
    if ((s = org_members_on(c, o->path, day, &members, NULL, e))) return s;
    org_thresholds t;
    org_thresholds_load(&t);
    int need = to == 3 ? t.party_min : t.general_min;
    if (!approved && members < need)
        return err_field(e, ST_INVALID, "to_kind", "“%s”在 %s 有正式党员 %lld 人，不足 %d 人，不能升格为%s；经上级批准的请传 approved=true。",
                         o->name, day, (long long)members, need, to_kind);
    int64_t later = 0;
    if ((s = db_query_int(c->d, &later, "SELECT COUNT(*) FROM org_event WHERE org_id = $1 AND kind = 'upgraded' AND day > $2",
                          e, "it", id, day)))
        return s;
    if (later) return err_field(e, ST_CONFLICT, "day", "“%s”在 %s 之后已有升格记录，不能补登更早的升格。", o->name, day);
    if ((s = db_run(c->d, "UPDATE org SET kind = $1, updated_at = {{NOW}} WHERE id = $2", e, "ti", to_kind, id))) return s;
    org_event_new v = {day, "upgraded", id, 0, 0, o->district, o->kind, to_kind, note};
    return org_event_add(c, &v, e);
}

st org_store_upgrade(uc *c, int64_t id, const char *to_kind, const char *day, bool approved, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_row o;
    s = org_upgrade_work(c, id, to_kind, day, approved, note, &o, e);
    uc_act a = {"org.upgrade"};
    if (!s) {
        a.object = uc_obj(c, "org", id);
        a.detail = arena_printf(c->mem, "“%s”由%s升格为%s（%s）", o.name, o.kind, to_kind, day);
    }
    return uc_end(c, s, &a, e);
}

/* ---- merge, dissolve ---- */

static st org_no_children(uc *c, const org_row *o, const char *day, const char *what, err *e) {
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM org WHERE parent_id = $1 AND (dissolved_on IS NULL OR dissolved_on > $2)",
                        e, "it", o->id, day);
    if (s) return s;
    if (n) return err_field(e, ST_CONFLICT, "id", "“%s”下还有 %lld 个下级党组织，请先调整或%s下级组织。", o->name, (long long)n, what);
    return ST_OK;
}

/* May a (organization id) merge into b on day? */
static st org_merge_check(uc *c, const org_row *a, const org_row *b, const char *day, err *e) {
    if (a->id == b->id) return err_field(e, ST_INVALID, "into_id", "不能把党组织合并到它自己。");
    if (!org_kind_covers(a->kind) || !org_kind_covers(b->kind))
        return err_field(e, ST_INVALID, "into_id", "工委不参与合并；请选择覆盖企业的党组织。");
    if (strstr(b->path, a->path) == b->path) return err_field(e, ST_INVALID, "into_id", "不能合并到自己的下级组织“%s”。", b->name);
    st s = org_no_children(c, a, day, "合并", e);
    int64_t ua = 0, ub = 0, m = 0;
    if (!s) s = org_members_on(c, a->path, day, &m, &ua, e);
    if (!s) s = org_members_on(c, b->path, day, &m, &ub, e);
    if (s) return s;
    org_thresholds t;
    org_thresholds_load(&t);
    bool joint = org_kind_joint(b->kind);
    if (joint && ua + ub > t.joint_max_units)
        return err_field(e, ST_INVALID, "into_id", "合并后“%s”将联合 %lld 家单位，超过上限 %d 家；请另建联合党支部。", b->name,
                         (long long)(ua + ub), t.joint_max_units);
    if (!joint && ub + ua > 1 && strcmp(b->kind, "临时党支部"))
        return err_field(e, ST_INVALID, "into_id", "“%s”是单独组建的%s，只覆盖本企业；多家企业请合并到联合党支部。", b->name, b->kind);
    return ST_OK;
}

/* Move a's enterprises covered on day to b, each with its event. */
static st org_merge_covers(uc *c, const org_row *a, const org_row *b, const char *day, err *e) {
    json_t *ents = NULL;
    st s = db_query_json(c->d, &ents, "SELECT enterprise_id FROM org_cover WHERE org_id = $1 AND from_day <= $2 "
                                      "AND (to_day IS NULL OR to_day > $2)", e, "it", a->id, day);
    bool joint = org_kind_joint(b->kind);
    size_t i;
    json_t *row;
    json_array_foreach(ents, i, row) {
        int64_t ent = json_integer_value(json_object_get(row, "enterprise_id"));
        if (!s) s = org_cover_close(c, a->id, ent, day, e);
        if (!s) s = org_cover_insert(c, b->id, ent, joint, day, e);
        org_event_new v = {day, "cover_added", b->id, ent, a->id, b->district, NULL, NULL, "合并转入"};
        if (!s) s = org_event_add(c, &v, e);
    }
    json_decref(ents);
    return s;
}

st org_store_merge(uc *c, int64_t id, int64_t into, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_row a, b;
    s = org_day_check(day, "day", e);
    if (!s) s = org_active(c, id, day, "id", &a, e);
    if (!s) s = org_active(c, into, day, "into_id", &b, e);
    if (!s) s = org_merge_check(c, &a, &b, day, e);
    if (!s) s = org_merge_covers(c, &a, &b, day, e);
    if (!s) s = org_stop(c, id, day, e);
    org_event_new v = {day, "merged", id, 0, into, a.district, a.kind, b.kind, note};
    if (!s) s = org_event_add(c, &v, e);
    uc_act act = {"org.merge"};
    if (!s) {
        act.object = uc_obj(c, "org", id);
        act.detail = arena_printf(c->mem, "“%s”并入“%s”（org:%lld，%s）", a.name, b.name, (long long)into, day);
    }
    return uc_end(c, s, &act, e);
}

/* End every open cover of o on day, each with its event. */
static st org_dissolve_covers(uc *c, const org_row *o, const char *day, err *e) {
    json_t *ents = NULL;
    st s = db_query_json(c->d, &ents, "SELECT enterprise_id FROM org_cover WHERE org_id = $1 AND to_day IS NULL", e, "i", o->id);
    size_t i;
    json_t *row;
    json_array_foreach(ents, i, row) {
        int64_t ent = json_integer_value(json_object_get(row, "enterprise_id"));
        if (!s) s = org_cover_close(c, o->id, ent, day, e);
        org_event_new v = {day, "cover_removed", o->id, ent, 0, o->district, NULL, NULL, "党组织撤销"};
        if (!s) s = org_event_add(c, &v, e);
    }
    json_decref(ents);
    return s;
}

st org_store_dissolve(uc *c, int64_t id, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_row o;
    s = org_day_check(day, "day", e);
    if (!s) s = org_active(c, id, day, "id", &o, e);
    if (!s && !o.parent_id) s = err_field(e, ST_INVALID, "id", "市委两新工委是组织树的根，不能撤销。");
    if (!s) s = org_no_children(c, &o, day, "撤销", e);
    if (!s) s = org_dissolve_covers(c, &o, day, e);
    if (!s) s = org_stop(c, id, day, e);
    org_event_new v = {day, "dissolved", id, 0, 0, o.district, o.kind, NULL, note};
    if (!s) s = org_event_add(c, &v, e);
    uc_act a = {"org.dissolve"};
    if (!s) {
        a.object = uc_obj(c, "org", id);
        a.detail = arena_printf(c->mem, "撤销“%s”（%s）", o.name, day);
    }
    return uc_end(c, s, &a, e);
}

/* ---- covers ---- */

static st org_cover_add_work(uc *c, int64_t id, int64_t ent, const char *day, org_row *o, org_entrow *x, err *e) {
    st s = org_day_check(day, "day", e);
    if (!s) s = org_active(c, id, day, "id", o, e);
    if (s) return s;
    if (!org_kind_covers(o->kind)) return err_field(e, ST_INVALID, "id", "工委不直接覆盖企业；请把企业加入一个党组织。");
    if ((s = org_ent_load(c, ent, "enterprise_id", x, e)) || (s = org_ent_free(c, x, day, "enterprise_id", e))) return s;
    int64_t units = 0, m = 0;
    if ((s = org_members_on(c, o->path, day, &m, &units, e))) return s;
    org_thresholds t;
    org_thresholds_load(&t);
    bool joint = org_kind_joint(o->kind);
    if (joint && units + 1 > t.joint_max_units)
        return err_field(e, ST_INVALID, "enterprise_id", "“%s”已联合 %lld 家单位，达到上限 %d 家；请另建联合党支部。", o->name,
                         (long long)units, t.joint_max_units);
    if (!joint && units >= 1 && strcmp(o->kind, "临时党支部"))
        return err_field(e, ST_INVALID, "enterprise_id", "“%s”是单独组建的%s，只覆盖本企业；多家企业请组建联合党支部。", o->name, o->kind);
    if ((s = org_cover_insert(c, id, ent, joint, day, e))) return s;
    org_event_new v = {day, "cover_added", id, ent, 0, x->district, NULL, NULL, NULL};
    return org_event_add(c, &v, e);
}

st org_store_cover_add(uc *c, int64_t id, int64_t ent, const char *day, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_row o;
    org_entrow x;
    s = org_cover_add_work(c, id, ent, day, &o, &x, e);
    uc_act a = {"org.cover_add"};
    if (!s) {
        a.object = uc_obj(c, "org", id);
        a.detail = arena_printf(c->mem, "“%s”覆盖企业“%s”（%s 起）", o.name, x.name, day);
    }
    return uc_end(c, s, &a, e);
}

static st org_cover_remove_work(uc *c, int64_t id, int64_t ent, const char *day, const char *note, org_row *o, err *e) {
    st s = org_day_check(day, "day", e);
    if (!s) s = org_row_load(c, id, o, e);
    if (s) return s;
    char *from = NULL;
    s = db_query_text(c->d, &from, "SELECT from_day FROM org_cover WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL",
                      e, "ii", id, ent);
    if (s == ST_NOT_FOUND)
        return err_field(e, ST_NOT_FOUND, "enterprise_id", "“%s”目前不覆盖企业 %lld，无需移除。", o->name, (long long)ent);
    if (s) return s;
    if (strcmp(from, day) >= 0) s = err_field(e, ST_INVALID, "day", "企业自 %s 起由“%s”覆盖，移除日期应晚于该日。", from, o->name);
    free(from);
    if (s) return s;
    char *dist = NULL;
    if ((s = db_query_text(c->d, &dist, "SELECT COALESCE(district_code, '') FROM enterprise WHERE id = $1", e, "i", ent)))
        return s;
    s = org_cover_close(c, id, ent, day, e);
    org_event_new v = {day, "cover_removed", id, ent, 0, dist, NULL, NULL, note};
    if (!s) s = org_event_add(c, &v, e);
    free(dist);
    return s;
}

st org_store_cover_remove(uc *c, int64_t id, int64_t ent, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_row o;
    s = org_cover_remove_work(c, id, ent, day, note, &o, e);
    uc_act a = {"org.cover_remove"};
    if (!s) {
        a.object = uc_obj(c, "org", id);
        a.detail = arena_printf(c->mem, "“%s”不再覆盖企业 %lld（%s 起）", o.name, (long long)ent, day);
    }
    return uc_end(c, s, &a, e);
}
