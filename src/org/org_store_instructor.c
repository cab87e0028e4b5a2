/* org_store_instructor — party-building instructors in the database (see
 * org_store.h): sent to an enterprise where no organization can be formed,
 * withdrawn when one is; listed with their phones masked, a phone revealed
 * in full for a permitted, audited request.  The phone is personal data:
 * checked, sealed at rest (base/crypt.h), shown masked. */
#include "org/org_store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/scope.h"
#include "base/crypt.h"
#include "base/ids.h"
#include "base/mask.h"
#include "covkept/covkept.h"
#include "core/utf8.h"

/* A phone checked (mobile or landline) and sealed; *sealed NULL when none given. */
static st org_phone_seal(uc *c, const char *phone, char **sealed, char masked[32], err *e) {
    *sealed = NULL;
    masked[0] = 0;
    if (!phone || !*phone) return ST_OK;
    char clean[32];
    if (ids_phone_check(phone, strlen(phone), clean) == IDS_PHONE_BAD)
        return err_field(e, ST_INVALID, "phone", "电话“%.20s”无效：手机号应为 11 位（1 开头），座机如 0592-5551234。", phone);
    mask_phone(clean, masked, 32);
    st s = crypt_init(c->d, e);
    if (!s) s = crypt_seal("org_instructor.phone", clean, sealed, e);
    return s;
}

/* ---- assign, withdraw ---- */

/* May ent have an instructor from day?  No other one then or later. */
static st org_ins_free(uc *c, const org_entrow *x, const char *day, err *e) {
    char *who = NULL;
    st s = db_query_text(c->d, &who, "SELECT name FROM org_instructor WHERE enterprise_id = $1 AND (to_day IS NULL OR to_day > $2) LIMIT 1",
                         e, "it", x->id, day);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    s = err_field(e, ST_CONFLICT, "enterprise_id", "企业“%s”在 %s 已有党建指导员%s，请先撤回再选派。", x->name, day, who);
    free(who);
    return s;
}

/* An instructor goes to an enterprise in the register (issue 23): not one
 * closed or merged (whatever the day: its register ended), nor before it
 * entered. */
static st org_ins_registered(uc *c, const org_entrow *x, const char *day, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT e.reg_from, e.reg_to, e.reg_end, m.name AS merged_name FROM enterprise e "
                         "LEFT JOIN enterprise m ON m.id = e.merged_into WHERE e.id = $1",
                         e, "i", x->id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    const char *from = json_string_value(json_object_get(r, "reg_from")), *to = json_string_value(json_object_get(r, "reg_to"));
    const char *end = json_string_value(json_object_get(r, "reg_end")), *into = json_string_value(json_object_get(r, "merged_name"));
    if (to && end && !strcmp(end, "merged"))
        s = err_field(e, ST_CONFLICT, "enterprise_id", "企业“%s”已于 %s 合并到“%s”，不在企业名录中，不能再向它选派党建指导员；请向“%s”选派。",
                      x->name, to, into ? into : "另一家企业", into ? into : "合并后的企业");
    else if (to)
        s = err_field(e, ST_CONFLICT, "enterprise_id",
                      "企业“%s”已于 %s 关闭（注销、吊销），不在企业名录中，不能再向它选派党建指导员；如企业仍在经营，请先在企业名录中核实。", x->name, to);
    else if (from && strcmp(day, from) < 0)
        s = err_field(e, ST_INVALID, "day", "企业“%s”于 %s 才纳入企业名录，%s 时不能选派党建指导员，请把日期改为 %s 或之后。", x->name, from, day,
                      from);
    json_decref(rows);
    return s;
}

static st org_assign_work(uc *c, int64_t ent, const char *name, const char *phone, int64_t org_id, const char *day,
                          int64_t *id, org_entrow *x, err *e) {
    st s = org_day_check(day, "day", e);
    if (s) return s;
    size_t nl = name ? utf8_count(name, strlen(name)) : 0;
    if (nl < 2 || nl > 20) return err_field(e, ST_INVALID, "name", "请填写党建指导员姓名（2–20 个字）。");
    if (phone && *phone && ids_phone_check(phone, strlen(phone), NULL) == IDS_PHONE_BAD)
        return err_field(e, ST_INVALID, "phone", "电话“%.20s”无效：手机号应为 11 位（1 开头），座机如 0592-5551234。", phone);
    if ((s = org_ent_load(c, ent, "enterprise_id", x, e))) return s;
    if (org_id) {
        org_row o;
        if ((s = org_active(c, org_id, day, "org_id", &o, e))) return s;
    }
    if ((s = org_ins_registered(c, x, day, e))) return s;
    if ((s = org_ins_free(c, x, day, e))) return s;
    char *sealed = NULL, masked[32] = "";
    if ((s = org_phone_seal(c, phone, &sealed, masked, e))) return s;
    covkept_snap k;   /* work coverage moves with it (covkept.h) */
    s = covkept_before(c, ent, &k, e);
    if (!s)
        s = db_query_int(c->d, id, "INSERT INTO org_instructor(enterprise_id, org_id, name, phone, phone_masked, pii, from_day) "
                                   "VALUES ($1, NULLIF($2, 0), $3, $4, $5, 1, $6) RETURNING id", e, "iitttt", ent, org_id, name,
                         sealed, sealed ? masked : NULL, day);
    free(sealed);
    if (!s) s = covkept_after(c, &k, e);
    org_event_new v = {day, "instructor_assigned", org_id, ent, 0, x->district, NULL, NULL, name};
    if (!s) s = org_event_add(c, &v, e);
    return s;
}

st org_store_instructor_assign(uc *c, int64_t ent, const char *name, const char *phone, int64_t org_id,
                               const char *day, int64_t *id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_entrow x;
    s = org_assign_work(c, ent, name, phone, org_id, day, id, &x, e);
    uc_act a = {"instructor.assign"};
    if (!s) {
        a.object = uc_obj(c, "instructor", *id);
        a.detail = arena_printf(c->mem, "向企业“%s”选派党建指导员（%s 起）", x.name, day);
    }
    return uc_end(c, s, &a, e);
}

/* One assignment as the withdrawal needs it. */
typedef struct org_insrow {
    int64_t enterprise;
    char from[12], district[16], name[64];
    bool open;
} org_insrow;

static st org_ins_load(uc *c, int64_t id, org_insrow *x, err *e) {
    memset(x, 0, sizeof *x);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT i.enterprise_id, i.from_day, i.to_day, COALESCE(e.district_code, ''), i.name "
                            "FROM org_instructor i JOIN enterprise e ON e.id = i.enterprise_id WHERE i.id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        x->enterprise = db_col_int(q, 0);
        snprintf(x->from, sizeof x->from, "%s", db_col_text(q, 1) ? db_col_text(q, 1) : "");
        x->open = db_col_null(q, 2);
        snprintf(x->district, sizeof x->district, "%s", db_col_text(q, 3) ? db_col_text(q, 3) : "");
        snprintf(x->name, sizeof x->name, "%s", db_col_text(q, 4) ? db_col_text(q, 4) : "");
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_NOT_FOUND, "id", "未找到编号为 %lld 的党建指导员选派记录。", (long long)id);
    return ST_OK;
}

static st org_withdraw_work(uc *c, int64_t id, const char *day, const char *note, org_insrow *x, err *e) {
    st s = org_day_check(day, "day", e);
    if (!s) s = org_ins_load(c, id, x, e);
    if (s) return s;
    if (!x->open) return err_field(e, ST_CONFLICT, "id", "党建指导员%s已经撤回。", x->name);
    if (strcmp(x->from, day) >= 0) return err_field(e, ST_INVALID, "day", "指导员自 %s 起选派，撤回日期应晚于该日。", x->from);
    covkept_snap k;
    if ((s = covkept_before(c, x->enterprise, &k, e))) return s;
    if ((s = db_run(c->d, "UPDATE org_instructor SET to_day = $1 WHERE id = $2", e, "ti", day, id))) return s;
    if ((s = covkept_after(c, &k, e))) return s;
    org_event_new v = {day, "instructor_withdrawn", 0, x->enterprise, 0, x->district, NULL, NULL, note && *note ? note : x->name};
    return org_event_add(c, &v, e);
}

st org_store_instructor_withdraw(uc *c, int64_t id, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    org_insrow x;
    s = org_withdraw_work(c, id, day, note, &x, e);
    uc_act a = {"instructor.withdraw"};
    if (!s) {
        a.object = uc_obj(c, "instructor", id);
        a.detail = arena_printf(c->mem, "撤回企业 %lld 的党建指导员（%s 起）", (long long)x.enterprise, day);
    }
    return uc_end(c, s, &a, e);
}

/* ---- reads ---- */

#define ORG_INS_WHERE                                                                                            \
    " FROM org_instructor i JOIN enterprise e ON e.id = i.enterprise_id WHERE "                                  \
    "(CAST($3 AS TEXT) IS NULL OR e.district_code = $3) AND (CAST($4 AS TEXT) = 'all' OR "                      \
    "(i.from_day <= $5 AND (i.to_day IS NULL OR i.to_day > $5))) AND "                                          \
    SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL")

st org_store_instructors(uc *c, const org_instructor_filter *f, const uc_page *pg, json_t **items, int64_t *total,
                         err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *status = f->status ? f->status : "active";
    st s = db_query_int(c->d, total, "SELECT COUNT(*)" ORG_INS_WHERE, e, "ttttt", k, code, f->district, status, f->day);
    if (s) return s;
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                   "SELECT i.id, i.enterprise_id, e.name AS enterprise_name, e.district_code, "
                                   "(SELECT g.name FROM region g WHERE g.code = e.district_code) AS district_name, i.org_id, "
                                   "i.name, i.phone_masked AS phone, i.from_day, i.to_day" ORG_INS_WHERE,
                                   pg->order ? pg->order : "q.from_day, q.id");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "tttttii", k, code, f->district, status, f->day, pg->limit, pg->offset);
}

st org_store_instructor_get(uc *c, int64_t id, json_t **row, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT id, enterprise_id, org_id, name, phone_masked AS phone, from_day, to_day "
                                      "FROM org_instructor WHERE id = $1", e, "i", id);
    if (s) return s;
    *row = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return *row ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党建指导员选派记录。", (long long)id);
}

st org_store_instructor_enterprise(uc *c, int64_t id, int64_t *enterprise, err *e) {
    return db_query_int(c->d, enterprise, "SELECT enterprise_id FROM org_instructor WHERE id = $1", e, "i", id);
}

st org_store_instructor_phone(uc *c, int64_t id, char **phone, err *e) {
    *phone = NULL;
    char *stored = NULL;
    st s = db_query_text(c->d, &stored, "SELECT COALESCE(phone, '') FROM org_instructor WHERE id = $1", e, "i", id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党建指导员选派记录。", (long long)id);
    if (s) return s;
    if (!*stored) s = ST_OK;
    else if (strncmp(stored, "v1.", 3) != 0) *phone = strdup(stored);   /* not yet sealed (upgraded at start-up) */
    else if (!(s = crypt_init(c->d, e))) s = crypt_open("org_instructor.phone", stored, phone, e);
    free(stored);
    return s;
}

/* One row of the upgrade: seal its phone when it is not sealed yet, mark it done. */
static st org_pii_row(db *d, const json_t *o, err *e) {
    const char *ph = json_string_value(json_object_get(o, "phone"));
    char *sealed = NULL, masked[32] = "";
    st s = ST_OK;
    if (ph && *ph && strncmp(ph, "v1.", 3) != 0) {
        mask_phone(ph, masked, sizeof masked);
        s = crypt_seal("org_instructor.phone", ph, &sealed, e);
    }
    if (!s)
        s = db_run(d, "UPDATE org_instructor SET phone = COALESCE($1, phone), phone_masked = COALESCE($2, phone_masked), "
                      "pii = 1 WHERE id = $3", e, "tti", sealed, sealed ? masked : NULL,
                   (int64_t)json_integer_value(json_object_get(o, "id")));
    free(sealed);
    return s;
}

st org_store_pii_upgrade(db *d, int64_t *done, err *e) {
    *done = 0;
    json_t *rows = NULL;
    st s = db_query_json(d, &rows, "SELECT id, phone FROM org_instructor WHERE pii = 0", e, "");
    if (s || !json_array_size(rows)) {
        json_decref(rows);
        return s;
    }
    s = crypt_init(d, e);
    if (!s) s = db_begin(d, e);
    if (s) {
        json_decref(rows);
        return s;
    }
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        if ((s = org_pii_row(d, o, e))) break;
        (*done)++;
    }
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    json_decref(rows);
    return s;
}
