/* org_store — see org_store.h.  All SQL about organizations lives here; the
 * rules it applies come from org.c.  Validation happens before any write, so
 * a refused request leaves nothing behind even outside a transaction.  The
 * rules over a whole scope (findings) are in findings.c. */
#include "org_store.h"
#include "base/ids.h"

#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "base/mask.h"
#include "auth/scope.h"
#include "core/utf8.h"

/* ---- small helpers ---- */

typedef struct org_row {
    int64_t id, parent_id;
    char kind[32], name[256], path[512], district[16], park[16], street[16];
    char established[12], dissolved[12];
    bool has_committee;
} org_row;

static void org_cp(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

static st org_row_load(db *d, int64_t id, org_row *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(d,
                      "SELECT id, parent_id, kind, name, path, district_code, park_code, street_code, established_on, "
                      "dissolved_on, CASE WHEN committee IS NOT NULL AND committee <> '[]' THEN 1 ELSE 0 END "
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
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "未找到编号为 %lld 的党组织，请检查编号。", (long long)id);
    return ST_OK;
}

/* The organization must exist and be active on day. */
static st org_active(db *d, int64_t id, const char *day, const char *field, org_row *o, err *e) {
    st s = org_row_load(d, id, o, e);
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

typedef struct org_entrow {
    int64_t id;
    char name[256], district[16], park[16], street[16];
    int members, employees, zombie;
} org_entrow;

static st org_ent_load(db *d, int64_t id, const char *field, org_entrow *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(d,
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
static st org_ent_free(db *d, const org_entrow *x, const char *day, const char *field, err *e) {
    char *who = NULL;
    st s = db_query_text(d, &who,
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

static st org_day_check(const char *day, const char *field, err *e) {
    if (!day || !*day) return err_field(e, ST_INVALID, field, "请填写日期 %s（格式 YYYY-MM-DD，如 2018-04-30）。", field);
    if (!org_day_parse(day, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, field, "日期 %s=“%s”无效，应为真实日期，格式 YYYY-MM-DD（如 2018-04-30）。", field,
                         day);
    char today[11];
    org_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, field, "日期 %s=%s 晚于今天，不能登记将来的变动。", field, day);
    return ST_OK;
}

static st org_event_add(db *d, const char *day, const char *kind, int64_t org_id, int64_t ent, int64_t other,
                        const char *district, const char *from_kind, const char *to_kind, const char *note,
                        const char *actor, err *e) {
    db_stmt *q;
    st s = db_prepare(d,
                      "INSERT INTO org_event(day, kind, org_id, enterprise_id, other_org_id, district_code, from_kind, "
                      "to_kind, note, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, {{NOW}})",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, day);
    db_bind_text(q, 2, kind);
    if (org_id) db_bind_int(q, 3, org_id); else db_bind_null(q, 3);
    if (ent) db_bind_int(q, 4, ent); else db_bind_null(q, 4);
    if (other) db_bind_int(q, 5, other); else db_bind_null(q, 5);
    db_bind_text(q, 6, district && *district ? district : NULL);
    db_bind_text(q, 7, from_kind);
    db_bind_text(q, 8, to_kind);
    db_bind_text(q, 9, note && *note ? note : NULL);
    db_bind_text(q, 10, actor ? actor : "-");
    int r = db_step(q, e);
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

/* Full members of an organization and everything below it, on day. */
static st org_members_on(db *d, const char *path, const char *day, int64_t *members, int64_t *units, err *e) {
    st s = db_query_int(d, members,
                        "SELECT CAST(COALESCE(SUM(COALESCE(e.members, 0)), 0) AS BIGINT) FROM org o "
                        "JOIN org_cover c ON c.org_id = o.id JOIN enterprise e ON e.id = c.enterprise_id "
                        "WHERE o.path LIKE $1 || '%' AND c.from_day <= $2 AND (c.to_day IS NULL OR c.to_day > $2)",
                        e, "tt", path, day);
    if (!s && units)
        s = db_query_int(d, units, "SELECT COUNT(*) FROM org_cover c JOIN org o ON o.id = c.org_id "
                                   "WHERE o.path = $1 AND c.from_day <= $2 AND (c.to_day IS NULL OR c.to_day > $2)",
                         e, "tt", path, day);
    return s;
}

static st org_cover_insert(db *d, int64_t org_id, int64_t ent, bool joint, const char *day, err *e) {
    return db_run(d, "INSERT INTO org_cover(org_id, enterprise_id, joint, from_day) VALUES ($1, $2, $3, $4)", e, "iiit",
                  org_id, ent, (int64_t)(joint ? 1 : 0), day);
}

/* Wrap an *_in function in its own transaction. */
#define ORG_TX(d, e, call)                       \
    do {                                         \
        st s_ = db_begin((d), (e));              \
        if (s_) return s_;                       \
        s_ = (call);                             \
        if (s_) {                                \
            db_rollback(d);                      \
            return s_;                           \
        }                                        \
        return db_commit((d), (e));              \
    } while (0)

/* ---- create ---- */

/* The 工委 an organization hangs under: its park's, else its street's, else
 * its district's, else the city's. */
static st org_pick_parent(db *d, const char *district, const char *park, const char *street, int64_t *parent, err *e) {
    st s = ST_NOT_FOUND;
    if (park && *park)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE kind = '工委' AND park_code = $1 AND dissolved_on IS NULL "
                                    "ORDER BY id LIMIT 1", e, "t", park);
    if (s == ST_NOT_FOUND && street && *street)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE kind = '工委' AND street_code = $1 AND park_code IS NULL "
                                    "AND dissolved_on IS NULL ORDER BY id LIMIT 1", e, "t", street);
    if (s == ST_NOT_FOUND && district && *district)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE kind = '工委' AND district_code = $1 AND park_code IS NULL "
                                    "AND street_code IS NULL AND dissolved_on IS NULL ORDER BY id LIMIT 1", e, "t", district);
    if (s == ST_NOT_FOUND)
        s = db_query_int(d, parent, "SELECT id FROM org WHERE parent_id IS NULL ORDER BY id LIMIT 1", e, "");
    if (s == ST_NOT_FOUND) return err_set(e, ST_INTERNAL, "缺少市委两新工委（组织树的根），请运行 ejia migrate。");
    return s;
}

static st org_region_check(db *d, const char *code, const char *kind, const char *field, err *e) {
    if (!code || !*code) return ST_OK;
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM region WHERE code = $1 AND kind = $2", e, "tt", code, kind);
    if (s) return s;
    if (!n) return err_field(e, ST_INVALID, field, "%s=“%s”不是本市的%s代码，请从区划列表中选择。", field, code,
                             !strcmp(kind, "district") ? "区" : !strcmp(kind, "park") ? "园区" : "街道（镇）");
    return ST_OK;
}

/* Create; when from_org is set (split), the enterprises must be covered by
 * from_org on day and are moved from it. */
static st org_create_core(db *d, const org_new *o, int64_t from_org, int64_t *id, err *e) {
    org_thresholds t;
    org_thresholds_load(&t);
    size_t nl = o->name ? utf8_count(o->name, strlen(o->name)) : 0;
    if (nl < 2 || nl > 100) return err_field(e, ST_INVALID, "name", "请填写党组织名称（2–100 个字），如“中共厦门某某网络科技有限公司支部委员会”。");
    if (!org_kind_valid(o->kind))
        return err_field(e, ST_INVALID, "kind", "kind=“%s”无效，应为 党委、党总支、党支部、联合党支部、临时党支部 或 工委。",
                         o->kind ? o->kind : "");
    st s = org_day_check(o->day, "established_on", e);
    if (s) return s;
    bool joint = org_kind_joint(o->kind), covers = org_kind_covers(o->kind);
    size_t n = o->n_enterprises;
    if (!covers && n) return err_field(e, ST_INVALID, "enterprise_ids", "工委是工作机构，不直接覆盖企业；请建立党组织来覆盖企业。");
    if (joint && (n < 2 || n > (size_t)t.joint_max_units))
        return err_field(e, ST_INVALID, "enterprise_ids", "联合党支部应覆盖 2–%d 家企业（现为 %zu 家）；单家企业请单独组建党支部。",
                         t.joint_max_units, n);
    if (joint && (!o->based_on || !*o->based_on))
        return err_field(e, ST_INVALID, "based_on", "联合党支部须写明依托（based_on）：building 楼宇、park 园区、makerspace 众创空间或 street 街道。");
    if (o->based_on && *o->based_on && strcmp(o->based_on, "building") && strcmp(o->based_on, "park") &&
        strcmp(o->based_on, "makerspace") && strcmp(o->based_on, "street") && strcmp(o->based_on, "enterprise"))
        return err_field(e, ST_INVALID, "based_on", "based_on=“%s”无效，应为 building、park、makerspace 或 street。", o->based_on);
    if (!joint && strcmp(o->kind, "临时党支部") && n > 1)
        return err_field(e, ST_INVALID, "enterprise_ids", "单独组建的%s只覆盖本企业（现选了 %zu 家）；多家小微企业请组建联合党支部。",
                         o->kind, n);
    if (o->committee && *o->committee) {
        json_error_t je;
        json_t *c = json_loads(o->committee, 0, &je);
        bool ok = c && json_is_array(c);
        json_decref(c);
        if (!ok) return err_field(e, ST_INVALID, "committee", "committee 应为委员姓名的数组，如 [\"张三\",\"李四\",\"王五\"]。");
    }
    /* The enterprises: real, not zombies, free (or, for a split, ours to give). */
    org_entrow first;
    memset(&first, 0, sizeof first);
    int64_t members = 0;
    for (size_t i = 0; i < n; i++) {
        org_entrow x;
        char field[40];
        snprintf(field, sizeof field, "enterprise_ids[%zu]", i);
        if ((s = org_ent_load(d, o->enterprises[i], field, &x, e))) return s;
        for (size_t j = 0; j < i; j++)
            if (o->enterprises[j] == o->enterprises[i])
                return err_field(e, ST_INVALID, field, "企业“%s”重复出现在 enterprise_ids 中。", x.name);
        if (from_org) {
            int64_t k = 0;
            if ((s = db_query_int(d, &k, "SELECT COUNT(*) FROM org_cover WHERE org_id = $1 AND enterprise_id = $2 "
                                         "AND from_day <= $3 AND (to_day IS NULL OR to_day > $3)",
                                  e, "iit", from_org, x.id, o->day)))
                return s;
            if (!k) return err_field(e, ST_INVALID, field, "企业“%s”在 %s 不由被拆分的党组织覆盖，不能拆出。", x.name, o->day);
        } else if ((s = org_ent_free(d, &x, o->day, field, e))) {
            return s;
        }
        if (i == 0) first = x;
        members += x.members;
    }
    if (!o->approved && covers && n && strcmp(o->kind, "临时党支部") && members < t.branch_min)
        return err_field(e, ST_INVALID, "enterprise_ids",
                         joint ? "联合党支部所覆盖企业的正式党员合计 %lld 人，不足 %d 人，不能成立；请增加单位或选派党建指导员。"
                               : "该企业正式党员 %lld 人，不足 %d 人，不能单独组建党支部；请联合组建或选派党建指导员。",
                         (long long)members, t.branch_min);
    if (!o->approved && n && !strcmp(o->kind, "党总支") && members < t.general_min)
        return err_field(e, ST_INVALID, "kind", "正式党员 %lld 人，不足 %d 人，一般不成立党总支；经上级批准的请传 approved=true。",
                         (long long)members, t.general_min);
    if (!o->approved && n && !strcmp(o->kind, "党委") && members < t.party_min)
        return err_field(e, ST_INVALID, "kind", "正式党员 %lld 人，不足 %d 人，一般不成立基层党委；经上级批准的请传 approved=true。",
                         (long long)members, t.party_min);
    const char *district = o->district && *o->district ? o->district : first.district[0] ? first.district : NULL;
    const char *park = o->park && *o->park ? o->park : (!o->district && first.park[0]) ? first.park : NULL;
    const char *street = o->street && *o->street ? o->street : (!o->district && first.street[0]) ? first.street : NULL;
    if (covers && !district) return err_field(e, ST_INVALID, "district_code", "请填写党组织所在的区（district_code，如 350203）。");
    if ((s = org_region_check(d, district, "district", "district_code", e))) return s;
    if ((s = org_region_check(d, park, "park", "park_code", e))) return s;
    if ((s = org_region_check(d, street, "street", "street_code", e))) return s;
    /* The parent: active on day and of a higher rank (or a 工委). */
    int64_t parent = o->parent_id;
    if (!parent && (s = org_pick_parent(d, district, park, street, &parent, e))) return s;
    org_row p;
    if ((s = org_active(d, parent, o->day, "parent_id", &p, e))) return s;
    if (strcmp(p.kind, "工委") && org_kind_rank(p.kind) <= org_kind_rank(o->kind))
        return err_field(e, ST_INVALID, "parent_id", "上级“%s”是%s，不能领导同级或更高的%s；请选择工委或更高一级的党组织。", p.name,
                         p.kind, o->kind);
    s = db_query_int(d, id,
                     "INSERT INTO org(parent_id, path, name, kind, district_code, park_code, street_code, based_on, "
                     "base_name, secretary, committee, established_on, created_at, updated_at) VALUES "
                     "($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, {{NOW}}, {{NOW}}) RETURNING id",
                     e, "itttttttttt", parent, o->name, o->kind, district, park, street,
                     o->based_on && *o->based_on ? o->based_on : NULL, o->base_name && *o->base_name ? o->base_name : NULL,
                     o->secretary && *o->secretary ? o->secretary : NULL,
                     o->committee && *o->committee ? o->committee : NULL, o->day);
    if (s) return s;
    char path[600];
    snprintf(path, sizeof path, "%s%lld/", p.path, (long long)*id);
    if ((s = db_run(d, "UPDATE org SET path = $1 WHERE id = $2", e, "ti", path, *id))) return s;
    if ((s = org_event_add(d, o->day, from_org ? "split" : "established", *id, 0, from_org, district, NULL, o->kind,
                           o->note, o->actor, e)))
        return s;
    for (size_t i = 0; !s && i < n; i++) {
        if (from_org)
            s = db_run(d, "UPDATE org_cover SET to_day = $3 WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL",
                       e, "iit", from_org, o->enterprises[i], o->day);
        if (!s) s = org_cover_insert(d, *id, o->enterprises[i], joint, o->day, e);
        if (!s) s = org_event_add(d, o->day, "cover_added", *id, o->enterprises[i], from_org, district, NULL, NULL,
                                  from_org ? "拆分转入" : NULL, o->actor, e);
    }
    return s;
}

st org_store_create_in(db *d, const org_new *o, int64_t *id, err *e) { return org_create_core(d, o, 0, id, e); }
st org_store_create(db *d, const org_new *o, int64_t *id, err *e) { ORG_TX(d, e, org_create_core(d, o, 0, id, e)); }

static st org_split_in(db *d, int64_t from, const org_new *o, int64_t *id, err *e) {
    org_row f;
    st s = org_active(d, from, o->day ? o->day : "", "id", &f, e);
    if (s) return s;
    if (!o->n_enterprises) return err_field(e, ST_INVALID, "enterprise_ids", "请选择拆分出去的企业（enterprise_ids）。");
    org_new c = *o;
    if (!c.parent_id) c.parent_id = f.parent_id;
    if (!c.district) c.district = f.district[0] ? f.district : NULL;
    return org_create_core(d, &c, from, id, e);
}
st org_store_split(db *d, int64_t id, const org_new *o, int64_t *new_id, err *e) {
    ORG_TX(d, e, org_split_in(d, id, o, new_id, e));
}

/* ---- upgrade ---- */

st org_store_upgrade_in(db *d, int64_t id, const char *to_kind, const char *day, bool approved, const char *note,
                        const char *actor, err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    org_row o;
    if ((s = org_active(d, id, day, "id", &o, e))) return s;
    if (!to_kind || (strcmp(to_kind, "党总支") && strcmp(to_kind, "党委")))
        return err_field(e, ST_INVALID, "to_kind", "升格后的类型 to_kind 应为“党总支”或“党委”。");
    int from = org_kind_rank(o.kind), to = org_kind_rank(to_kind);
    if (from < 1 || from > 3 || to <= from)
        return err_field(e, ST_INVALID, "to_kind", "“%s”现为%s，只能升格为更高一级（党支部→党总支→党委）。", o.name, o.kind);
    int64_t members = 0;
    if ((s = org_members_on(d, o.path, day, &members, NULL, e))) return s;
    org_thresholds t;
    org_thresholds_load(&t);
    int need = to == 3 ? t.party_min : t.general_min;
    if (!approved && members < need)
        return err_field(e, ST_INVALID, "to_kind", "“%s”在 %s 有正式党员 %lld 人，不足 %d 人，不能升格为%s；经上级批准的请传 approved=true。",
                         o.name, day, (long long)members, need, to_kind);
    int64_t later = 0;
    if ((s = db_query_int(d, &later, "SELECT COUNT(*) FROM org_event WHERE org_id = $1 AND kind = 'upgraded' AND day > $2",
                          e, "it", id, day)))
        return s;
    if (later) return err_field(e, ST_CONFLICT, "day", "“%s”在 %s 之后已有升格记录，不能补登更早的升格。", o.name, day);
    if ((s = db_run(d, "UPDATE org SET kind = $1, updated_at = {{NOW}} WHERE id = $2", e, "ti", to_kind, id))) return s;
    return org_event_add(d, day, "upgraded", id, 0, 0, o.district, o.kind, to_kind, note, actor, e);
}
st org_store_upgrade(db *d, int64_t id, const char *to_kind, const char *day, bool approved, const char *note,
                     const char *actor, err *e) {
    ORG_TX(d, e, org_store_upgrade_in(d, id, to_kind, day, approved, note, actor, e));
}

/* ---- merge, dissolve ---- */

static st org_no_children(db *d, const org_row *o, const char *day, const char *what, err *e) {
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM org WHERE parent_id = $1 AND (dissolved_on IS NULL OR dissolved_on > $2)",
                        e, "it", o->id, day);
    if (s) return s;
    if (n) return err_field(e, ST_CONFLICT, "id", "“%s”下还有 %lld 个下级党组织，请先调整或%s下级组织。", o->name, (long long)n, what);
    return ST_OK;
}

st org_store_merge_in(db *d, int64_t id, int64_t into, const char *day, const char *note, const char *actor,
                      err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    org_row a, b;
    if ((s = org_active(d, id, day, "id", &a, e))) return s;
    if ((s = org_active(d, into, day, "into_id", &b, e))) return s;
    if (id == into) return err_field(e, ST_INVALID, "into_id", "不能把党组织合并到它自己。");
    if (!org_kind_covers(a.kind) || !org_kind_covers(b.kind))
        return err_field(e, ST_INVALID, "into_id", "工委不参与合并；请选择覆盖企业的党组织。");
    if (strstr(b.path, a.path) == b.path) return err_field(e, ST_INVALID, "into_id", "不能合并到自己的下级组织“%s”。", b.name);
    if ((s = org_no_children(d, &a, day, "合并", e))) return s;
    int64_t ua = 0, ub = 0, m = 0;
    if ((s = org_members_on(d, a.path, day, &m, &ua, e)) || (s = org_members_on(d, b.path, day, &m, &ub, e))) return s;
    org_thresholds t;
    org_thresholds_load(&t);
    bool joint = org_kind_joint(b.kind);
    if (joint && ua + ub > t.joint_max_units)
        return err_field(e, ST_INVALID, "into_id", "合并后“%s”将联合 %lld 家单位，超过上限 %d 家；请另建联合党支部。", b.name,
                         (long long)(ua + ub), t.joint_max_units);
    if (!joint && ub + ua > 1 && strcmp(b.kind, "临时党支部"))
        return err_field(e, ST_INVALID, "into_id", "“%s”是单独组建的%s，只覆盖本企业；多家企业请合并到联合党支部。", b.name, b.kind);
    json_t *ents = NULL;
    if ((s = db_query_json(d, &ents, "SELECT enterprise_id FROM org_cover WHERE org_id = $1 AND from_day <= $2 "
                                     "AND (to_day IS NULL OR to_day > $2)", e, "it", id, day)))
        return s;
    size_t i;
    json_t *row;
    json_array_foreach(ents, i, row) {
        int64_t ent = json_integer_value(json_object_get(row, "enterprise_id"));
        s = db_run(d, "UPDATE org_cover SET to_day = $3 WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL", e,
                   "iit", id, ent, day);
        if (!s) s = org_cover_insert(d, into, ent, joint, day, e);
        if (!s) s = org_event_add(d, day, "cover_added", into, ent, id, b.district, NULL, NULL, "合并转入", actor, e);
        if (s) break;
    }
    json_decref(ents);
    if (!s) s = db_run(d, "UPDATE org SET dissolved_on = $1, updated_at = {{NOW}} WHERE id = $2", e, "ti", day, id);
    if (!s) s = org_event_add(d, day, "merged", id, 0, into, a.district, a.kind, b.kind, note, actor, e);
    return s;
}
st org_store_merge(db *d, int64_t id, int64_t into, const char *day, const char *note, const char *actor, err *e) {
    ORG_TX(d, e, org_store_merge_in(d, id, into, day, note, actor, e));
}

st org_store_dissolve_in(db *d, int64_t id, const char *day, const char *note, const char *actor, err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    org_row o;
    if ((s = org_active(d, id, day, "id", &o, e))) return s;
    if (!o.parent_id) return err_field(e, ST_INVALID, "id", "市委两新工委是组织树的根，不能撤销。");
    if ((s = org_no_children(d, &o, day, "撤销", e))) return s;
    json_t *ents = NULL;
    if ((s = db_query_json(d, &ents, "SELECT enterprise_id FROM org_cover WHERE org_id = $1 AND to_day IS NULL", e, "i", id)))
        return s;
    size_t i;
    json_t *row;
    json_array_foreach(ents, i, row) {
        int64_t ent = json_integer_value(json_object_get(row, "enterprise_id"));
        s = db_run(d, "UPDATE org_cover SET to_day = $3 WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL", e,
                   "iit", id, ent, day);
        if (!s) s = org_event_add(d, day, "cover_removed", id, ent, 0, o.district, NULL, NULL, "党组织撤销", actor, e);
        if (s) break;
    }
    json_decref(ents);
    if (!s) s = db_run(d, "UPDATE org SET dissolved_on = $1, updated_at = {{NOW}} WHERE id = $2", e, "ti", day, id);
    if (!s) s = org_event_add(d, day, "dissolved", id, 0, 0, o.district, o.kind, NULL, note, actor, e);
    return s;
}
st org_store_dissolve(db *d, int64_t id, const char *day, const char *note, const char *actor, err *e) {
    ORG_TX(d, e, org_store_dissolve_in(d, id, day, note, actor, e));
}

/* ---- covers ---- */

static st org_cover_add_in(db *d, int64_t id, int64_t ent, const char *day, const char *actor, err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    org_row o;
    if ((s = org_active(d, id, day, "id", &o, e))) return s;
    if (!org_kind_covers(o.kind)) return err_field(e, ST_INVALID, "id", "工委不直接覆盖企业；请把企业加入一个党组织。");
    org_entrow x;
    if ((s = org_ent_load(d, ent, "enterprise_id", &x, e)) || (s = org_ent_free(d, &x, day, "enterprise_id", e))) return s;
    int64_t units = 0, m = 0;
    if ((s = org_members_on(d, o.path, day, &m, &units, e))) return s;
    org_thresholds t;
    org_thresholds_load(&t);
    bool joint = org_kind_joint(o.kind);
    if (joint && units + 1 > t.joint_max_units)
        return err_field(e, ST_INVALID, "enterprise_id", "“%s”已联合 %lld 家单位，达到上限 %d 家；请另建联合党支部。", o.name,
                         (long long)units, t.joint_max_units);
    if (!joint && units >= 1 && strcmp(o.kind, "临时党支部"))
        return err_field(e, ST_INVALID, "enterprise_id", "“%s”是单独组建的%s，只覆盖本企业；多家企业请组建联合党支部。", o.name, o.kind);
    if ((s = org_cover_insert(d, id, ent, joint, day, e))) return s;
    return org_event_add(d, day, "cover_added", id, ent, 0, x.district, NULL, NULL, NULL, actor, e);
}
st org_store_cover_add(db *d, int64_t id, int64_t ent, const char *day, const char *actor, err *e) {
    ORG_TX(d, e, org_cover_add_in(d, id, ent, day, actor, e));
}

st org_store_cover_remove_in(db *d, int64_t id, int64_t ent, const char *day, const char *note, const char *actor,
                             err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    org_row o;
    if ((s = org_row_load(d, id, &o, e))) return s;
    char *from = NULL;
    s = db_query_text(d, &from, "SELECT from_day FROM org_cover WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL",
                      e, "ii", id, ent);
    if (s == ST_NOT_FOUND)
        return err_field(e, ST_NOT_FOUND, "enterprise_id", "“%s”目前不覆盖企业 %lld，无需移除。", o.name, (long long)ent);
    if (s) return s;
    bool early = strcmp(from, day) >= 0;
    if (early) s = err_field(e, ST_INVALID, "day", "企业自 %s 起由“%s”覆盖，移除日期应晚于该日。", from, o.name);
    free(from);
    if (s) return s;
    char *dist = NULL;
    if ((s = db_query_text(d, &dist, "SELECT COALESCE(district_code, '') FROM enterprise WHERE id = $1", e, "i", ent))) return s;
    s = db_run(d, "UPDATE org_cover SET to_day = $3 WHERE org_id = $1 AND enterprise_id = $2 AND to_day IS NULL", e, "iit",
               id, ent, day);
    if (!s) s = org_event_add(d, day, "cover_removed", id, ent, 0, dist, NULL, NULL, note, actor, e);
    free(dist);
    return s;
}
st org_store_cover_remove(db *d, int64_t id, int64_t ent, const char *day, const char *note, const char *actor,
                          err *e) {
    ORG_TX(d, e, org_store_cover_remove_in(d, id, ent, day, note, actor, e));
}

/* ---- instructors ---- */

/* A phone checked (mobile or landline) and sealed; *sealed NULL when none given. */
static st org_phone_seal(db *d, const char *phone, char **sealed, char masked[32], err *e) {
    *sealed = NULL;
    masked[0] = 0;
    if (!phone || !*phone) return ST_OK;
    char clean[32];
    if (ids_phone_check(phone, strlen(phone), clean) == IDS_PHONE_BAD)
        return err_field(e, ST_INVALID, "phone", "电话“%.20s”无效：手机号应为 11 位（1 开头），座机如 0592-5551234。", phone);
    mask_phone(clean, masked, 32);
    st s = crypt_init(d, e);
    if (!s) s = crypt_seal("org_instructor.phone", clean, sealed, e);
    return s;
}

st org_store_instructor_phone(db *d, int64_t id, char **phone, err *e) {
    *phone = NULL;
    char *stored = NULL;
    st s = db_query_text(d, &stored, "SELECT COALESCE(phone, '') FROM org_instructor WHERE id = $1", e, "i", id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党建指导员选派记录。", (long long)id);
    if (s) return s;
    if (!*stored) s = ST_OK;
    else if (strncmp(stored, "v1.", 3) != 0) *phone = strdup(stored);   /* not yet sealed (upgraded at start-up) */
    else if (!(s = crypt_init(d, e))) s = crypt_open("org_instructor.phone", stored, phone, e);
    free(stored);
    return s;
}

st org_store_pii_upgrade(db *d, int64_t *done, err *e) {
    *done = 0;
    json_t *rows = NULL;
    st s = db_query_json(d, &rows, "SELECT id, phone FROM org_instructor WHERE pii = 0", e, "");
    if (!s && json_array_size(rows)) s = crypt_init(d, e);
    if (!s && json_array_size(rows)) s = db_begin(d, e);
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        if (s) break;
        const char *ph = json_string_value(json_object_get(o, "phone"));
        char *sealed = NULL, masked[32] = "";
        if (ph && *ph && strncmp(ph, "v1.", 3) != 0) {
            mask_phone(ph, masked, sizeof masked);
            s = crypt_seal("org_instructor.phone", ph, &sealed, e);
        }
        if (!s)
            s = db_run(d, "UPDATE org_instructor SET phone = COALESCE($1, phone), phone_masked = COALESCE($2, phone_masked), "
                          "pii = 1 WHERE id = $3", e, "tti", sealed, sealed ? masked : NULL,
                       (int64_t)json_integer_value(json_object_get(o, "id")));
        free(sealed);
        if (!s) (*done)++;
    }
    if (json_array_size(rows)) {
        if (!s) s = db_commit(d, e);
        else db_rollback(d);
    }
    json_decref(rows);
    return s;
}

st org_store_instructor_assign_in(db *d, int64_t ent, const char *name, const char *phone, int64_t org_id,
                                  const char *day, const char *actor, int64_t *id, err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    size_t nl = name ? utf8_count(name, strlen(name)) : 0;
    if (nl < 2 || nl > 20) return err_field(e, ST_INVALID, "name", "请填写党建指导员姓名（2–20 个字）。");
    if (phone && *phone && ids_phone_check(phone, strlen(phone), NULL) == IDS_PHONE_BAD)
        return err_field(e, ST_INVALID, "phone", "电话“%.20s”无效：手机号应为 11 位（1 开头），座机如 0592-5551234。", phone);
    org_entrow x;
    if ((s = org_ent_load(d, ent, "enterprise_id", &x, e))) return s;
    if (org_id) {
        org_row o;
        if ((s = org_active(d, org_id, day, "org_id", &o, e))) return s;
    }
    char *who = NULL;
    s = db_query_text(d, &who, "SELECT name FROM org_instructor WHERE enterprise_id = $1 AND (to_day IS NULL OR to_day > $2) LIMIT 1",
                      e, "it", ent, day);
    if (!s) {
        s = err_field(e, ST_CONFLICT, "enterprise_id", "企业“%s”在 %s 已有党建指导员%s，请先撤回再选派。", x.name, day, who);
        free(who);
        return s;
    }
    if (s != ST_NOT_FOUND) return s;
    /* The phone is personal data: checked, sealed at rest, shown masked (auth/crypt.h). */
    char *sealed = NULL, masked[32] = "";
    if ((s = org_phone_seal(d, phone, &sealed, masked, e))) return s;
    s = db_query_int(d, id, "INSERT INTO org_instructor(enterprise_id, org_id, name, phone, phone_masked, pii, from_day) "
                            "VALUES ($1, NULLIF($2, 0), $3, $4, $5, 1, $6) RETURNING id", e, "iitttt", ent, org_id, name, sealed,
                     sealed ? masked : NULL, day);
    free(sealed);
    if (!s) s = org_event_add(d, day, "instructor_assigned", org_id, ent, 0, x.district, NULL, NULL, name, actor, e);
    return s;
}
st org_store_instructor_assign(db *d, int64_t ent, const char *name, const char *phone, int64_t org_id,
                               const char *day, const char *actor, int64_t *id, err *e) {
    ORG_TX(d, e, org_store_instructor_assign_in(d, ent, name, phone, org_id, day, actor, id, e));
}

st org_store_instructor_withdraw_in(db *d, int64_t id, const char *day, const char *note, const char *actor,
                                    err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    db_stmt *q;
    if ((s = db_prepare(d, "SELECT i.enterprise_id, i.from_day, i.to_day, COALESCE(e.district_code, ''), i.name "
                           "FROM org_instructor i JOIN enterprise e ON e.id = i.enterprise_id WHERE i.id = $1", &q, e)))
        return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    int64_t ent = 0;
    char from[12] = "", dist[16] = "", name[64] = "";
    bool open = false;
    if (r == DB_ROW) {
        ent = db_col_int(q, 0);
        org_cp(from, sizeof from, db_col_text(q, 1));
        open = db_col_null(q, 2);
        org_cp(dist, sizeof dist, db_col_text(q, 3));
        org_cp(name, sizeof name, db_col_text(q, 4));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_NOT_FOUND, "id", "未找到编号为 %lld 的党建指导员选派记录。", (long long)id);
    if (!open) return err_field(e, ST_CONFLICT, "id", "党建指导员%s已经撤回。", name);
    if (strcmp(from, day) >= 0) return err_field(e, ST_INVALID, "day", "指导员自 %s 起选派，撤回日期应晚于该日。", from);
    if ((s = db_run(d, "UPDATE org_instructor SET to_day = $1 WHERE id = $2", e, "ti", day, id))) return s;
    return org_event_add(d, day, "instructor_withdrawn", 0, ent, 0, dist, NULL, NULL, note && *note ? note : name, actor, e);
}
st org_store_instructor_withdraw(db *d, int64_t id, const char *day, const char *note, const char *actor, err *e) {
    ORG_TX(d, e, org_store_instructor_withdraw_in(d, id, day, note, actor, e));
}

/* ---- reads ---- */

st org_store_get(db *d, int64_t id, const char *day, json_t **out, err *e) {
    char today[11];
    if (!day) {
        org_today(today);
        day = today;
    }
    org_row o;
    st s = org_row_load(d, id, &o, e);
    if (s) return s;
    json_t *row = NULL, *covers = NULL, *children = NULL, *events = NULL, *hist = NULL;
    s = db_query_json(d, &row,
                      "SELECT o.id, o.parent_id, p.name AS parent_name, o.path, o.name, o.kind, o.district_code, "
                      "g.name AS district_name, o.park_code, k.name AS park_name, o.street_code, o.based_on, o.base_name, "
                      "o.secretary, o.committee, o.established_on, o.dissolved_on FROM org o "
                      "LEFT JOIN org p ON p.id = o.parent_id LEFT JOIN region g ON g.code = o.district_code "
                      "LEFT JOIN region k ON k.code = o.park_code WHERE o.id = $1", e, "i", id);
    if (!s)
        s = db_query_json(d, &covers,
                          "SELECT c.enterprise_id, e.name, e.district_code, e.park_code, e.category, e.employees, e.members, "
                          "c.joint, c.from_day, c.to_day FROM org_cover c JOIN enterprise e ON e.id = c.enterprise_id "
                          "WHERE c.org_id = $1 AND c.from_day <= $2 AND (c.to_day IS NULL OR c.to_day > $2) ORDER BY e.name",
                          e, "it", id, day);
    if (!s)
        s = db_query_json(d, &hist,
                          "SELECT c.enterprise_id, e.name, c.joint, c.from_day, c.to_day FROM org_cover c "
                          "JOIN enterprise e ON e.id = c.enterprise_id WHERE c.org_id = $1 ORDER BY c.from_day, c.id",
                          e, "i", id);
    if (!s)
        s = db_query_json(d, &children,
                          "SELECT id, name, kind, established_on, dissolved_on FROM org WHERE parent_id = $1 "
                          "ORDER BY established_on, id LIMIT 1000", e, "i", id);
    if (!s)
        s = db_query_json(d, &events,
                          "SELECT v.id, v.day, v.kind, v.enterprise_id, e.name AS enterprise_name, v.other_org_id, "
                          "x.name AS other_org_name, v.from_kind, v.to_kind, v.note, v.actor FROM org_event v "
                          "LEFT JOIN enterprise e ON e.id = v.enterprise_id LEFT JOIN org x ON x.id = v.other_org_id "
                          "WHERE v.org_id = $1 OR v.other_org_id = $1 ORDER BY v.day, v.id LIMIT 1000", e, "i", id);
    int64_t members = 0, units = 0;
    if (!s) s = org_members_on(d, o.path, day, &members, &units, e);
    if (s) {
        json_decref(row);
        json_decref(covers);
        json_decref(children);
        json_decref(events);
        json_decref(hist);
        return s;
    }
    json_t *obj = json_incref(json_array_get(row, 0));
    json_decref(row);
    /* committee is stored as JSON text: hand it back as an array */
    const char *ct = json_string_value(json_object_get(obj, "committee"));
    json_t *cj = ct ? json_loads(ct, 0, NULL) : NULL;
    json_object_set_new(obj, "committee", cj ? cj : json_null());
    /* the rules for this organization as of day */
    org_thresholds t;
    org_thresholds_load(&t);
    org_unit u = {.id = id, .kind = o.kind, .members = (int)members, .units = (int)units, .has_committee = o.has_committee};
    unsigned f = org_kind_covers(o.kind) && !(o.dissolved[0] && strcmp(o.dissolved, day) <= 0) ? org_rules_org(&t, &u) : 0;
    json_t *fa = json_array();
    for (int b = 0; b < ORG_F__COUNT; b++)
        if (f & (1u << b))
            json_array_append_new(fa, json_pack("{s:s,s:s}", "code", org_finding_code(1 << b), "label", org_finding_label(1 << b)));
    json_object_set_new(obj, "as_of", json_string(day));
    json_object_set_new(obj, "members", json_integer(members));
    json_object_set_new(obj, "units", json_integer(units));
    json_object_set_new(obj, "findings", fa);
    json_object_set_new(obj, "covers", covers);
    json_object_set_new(obj, "cover_history", hist);
    json_object_set_new(obj, "children", children);
    json_object_set_new(obj, "events", events);
    *out = obj;
    return ST_OK;
}

#define ORG_EVENTS_WHERE                                                                                     \
    " FROM org_event v LEFT JOIN enterprise e ON e.id = v.enterprise_id LEFT JOIN org o ON o.id = v.org_id " \
    "LEFT JOIN region g ON g.code = v.district_code "                                                         \
    "WHERE ($1 = 0 OR v.org_id = $1 OR v.other_org_id = $1) AND ($2 = 0 OR v.enterprise_id = $2) "           \
    "AND (CAST($3 AS TEXT) IS NULL OR v.district_code = $3) AND (CAST($4 AS TEXT) IS NULL OR v.day >= $4) "   \
    "AND (CAST($5 AS TEXT) IS NULL OR v.day <= $5) AND (CAST($6 AS TEXT) IS NULL OR v.kind = $6) AND "        \
    SCOPE_COND("$7", "$8", "v.district_code", "COALESCE(e.park_code, o.park_code)", "o.path", "v.enterprise_id", "NULL")

st org_store_events(db *d, int64_t org_id, int64_t enterprise_id, const char *district, const char *from,
                    const char *to, const char *kind, const char *scope_k, const char *scope_c, const char *order,
                    int64_t limit, int64_t offset, json_t **items, int64_t *total, err *e) {
    st s = db_query_int(d, total, "SELECT COUNT(*)" ORG_EVENTS_WHERE, e, "iitttttt", org_id, enterprise_id, district, from,
                        to, kind, scope_k, scope_c);
    if (s) return s;
    buf sql;
    buf_init(&sql, 0);
    s = buf_printf(&sql, "SELECT * FROM (%s) q ORDER BY %s LIMIT $9 OFFSET $10",
                   "SELECT v.id, v.day, v.kind, v.org_id, o.name AS org_name, o.kind AS org_kind, v.enterprise_id, "
                   "e.name AS enterprise_name, v.other_org_id, v.district_code, g.name AS district_name, v.from_kind, "
                   "v.to_kind, v.note, v.actor" ORG_EVENTS_WHERE,
                   order ? order : "q.day, q.id");
    if (!s)
        s = db_query_json(d, items, sql.data, e, "iittttttii", org_id, enterprise_id, district, from, to, kind, scope_k,
                          scope_c, limit, offset);
    buf_free(&sql);
    return s;
}
