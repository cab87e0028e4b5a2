/* develop_store — see develop_store.h.
 *
 * develop_applicant keeps, beside the person and the place, what the lists
 * ask for without reading every step: the stage, the latest step and the next
 * required step with its earliest and due day, the two vote days, and the
 * stretches of develop_due (which step was due when).  Every write recomputes
 * them from the steps (dv_refresh_with) in its transaction, so the due list of
 * today is one indexed range, a due list as of a past day one read of the
 * stretches open that day, and the figures one read of a covering index. */
#include "develop/develop_store.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypt.h"
#include "base/files.h"
#include "base/ids.h"
#include "base/mask.h"
#include "core/config.h"
#include "core/utf8.h"
#include "member/member.h"
#include "member/member_store.h"
#include "db/db_like.h"

static const char *dv_or_null(const char *s) { return s && *s ? s : NULL; }

/* One file's steps done (not undone), in order, read into fixed room: a file
 * holds each step once, so 64 is plenty; nothing is allocated per file, and a
 * pass over every open file (a rule edited, a past day's due list) stays flat. */
typedef struct dv_steps {
    struct { char code[24], day[11]; int months; } rec[64];
    develop_done done[64];   /* pointing into rec: a dv_steps is never copied */
    size_t n;
} dv_steps;

static void dv_steps_add(dv_steps *x, const char *code, const char *day, int months) {
    if (x->n >= sizeof x->rec / sizeof x->rec[0]) return;
    snprintf(x->rec[x->n].code, sizeof x->rec[x->n].code, "%s", code);
    snprintf(x->rec[x->n].day, sizeof x->rec[x->n].day, "%s", day);
    x->done[x->n] = (develop_done){x->rec[x->n].code, x->rec[x->n].day, months};
    x->n++;
}

static st dv_steps_load(uc *c, int64_t id, dv_steps *x, err *e) {
    x->n = 0;
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT step, day, COALESCE(months, 0) FROM develop_record WHERE applicant_id = $1 AND undone_at IS NULL "
                      "ORDER BY day, id",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) dv_steps_add(x, db_col_text(q, 0), db_col_text(q, 1), (int)db_col_int(q, 2));
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

static st dv_refresh_with(uc *c, int64_t id, const develop_rule *rules, size_t nr, dv_steps *x, bool cleared, err *e);
/* Every file worked out again in one transaction: the stretches removed first, in one statement. */
#define DV_DUE_CLEAR "DELETE FROM develop_due"

/* ---- the table of steps ---- */

#define DV_RULE_COLS                                                                                                 \
    "code, seq, stage, name, optional, anchor, min_months, due_months, people, people_min, people_max, days_min, " \
    "hours_min, months_min, months_max, rule"

static const char *dv_text(uc *c, db_stmt *q, int col) { return db_col_null(q, col) ? NULL : arena_strdup(c->mem, db_col_text(q, col)); }

st develop_store_rules(uc *c, develop_rule **rules, size_t *n, err *e) {
    *rules = NULL;
    *n = 0;
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT " DV_RULE_COLS " FROM develop_step ORDER BY seq, code", &q, e);
    if (s) return s;
    size_t cap = 0;
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        develop_rule *x = arena_push(c->mem, (void **)rules, n, &cap, 16, sizeof **rules);
        if (!x) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        x->code = dv_text(c, q, 0);
        x->seq = (int)db_col_int(q, 1);
        x->stage = dv_text(c, q, 2);
        x->name = dv_text(c, q, 3);
        x->optional = db_col_int(q, 4) != 0;
        x->anchor = dv_text(c, q, 5);
        x->min_months = (int)db_col_int(q, 6);
        x->due_months = (int)db_col_int(q, 7);
        x->people = dv_text(c, q, 8);
        x->people_min = (int)db_col_int(q, 9);
        x->people_max = (int)db_col_int(q, 10);
        x->days_min = (int)db_col_int(q, 11);
        x->hours_min = (int)db_col_int(q, 12);
        x->months_min = (int)db_col_int(q, 13);
        x->months_max = (int)db_col_int(q, 14);
        x->rule = dv_text(c, q, 15);
        if (!x->code || !x->stage || !x->name || !x->rule) {   /* the request's memory is spent */
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
    }
    db_reset(q);
    return r == DB_ERROR ? e->code : ST_OK;
}

st develop_store_rules_json(uc *c, json_t **out, err *e) {
    return db_query_json(c->d, out, "SELECT " DV_RULE_COLS ", updated_by, updated_at FROM develop_step ORDER BY seq, code", e, "");
}

st develop_store_rule_set(uc *c, const develop_rule *r, err *e) {
    st s = develop_rule_check(r, e);
    if (s) return s;
    if (r->people && strcmp(r->people, "contact") && strcmp(r->people, "introducer"))
        return err_field(e, ST_INVALID, "people", "参与人员应为 contact（培养联系人）、introducer（入党介绍人）或不填。");
    if ((s = uc_begin(c, e))) return s;
    int64_t n = 0;
    s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM develop_step WHERE code = $1", e, "t", r->code);
    if (!s && !n) s = err_set(e, ST_NOT_FOUND, "没有名为“%s”的发展党员步骤。", r->code);
    if (!s)
        s = db_run(c->d,
                   "UPDATE develop_step SET seq = $2, stage = $3, name = $4, optional = $5, anchor = $6, min_months = $7, "
                   "due_months = $8, people = $9, people_min = $10, people_max = $11, days_min = $12, hours_min = $13, "
                   "months_min = $14, months_max = $15, rule = $16, updated_by = $17, updated_at = $18 WHERE code = $1",
                   e, "tittitiitiiiiiitti", r->code, (int64_t)r->seq, r->stage, r->name, (int64_t)r->optional, r->anchor,
                   (int64_t)r->min_months, (int64_t)r->due_months, r->people, (int64_t)r->people_min,
                   (int64_t)r->people_max, (int64_t)r->days_min, (int64_t)r->hours_min, (int64_t)r->months_min,
                   (int64_t)r->months_max, r->rule, c->who.username ? c->who.username : "-", clock_now());
    /* the table as a whole: every anchor a step that comes earlier; the steps the module acts on kept required */
    develop_rule *all = NULL;
    size_t na = 0;
    if (!s) s = develop_store_rules(c, &all, &na, e);
    for (size_t i = 0; !s && i < na; i++) {
        if (!all[i].anchor) continue;
        const develop_rule *a = develop_rule_find(all, na, all[i].anchor);
        if (!a) s = err_field(e, ST_INVALID, "anchor", "“%s”的起算步骤“%s”不存在。", all[i].name, all[i].anchor);
        else if (a->seq >= all[i].seq)
            s = err_field(e, ST_INVALID, "anchor", "“%s”的起算步骤“%s”须排在它之前。", all[i].name, a->name);
    }
    static const char *const fixed[] = {DEVELOP_APPLY, DEVELOP_VOTE, DEVELOP_FULL, NULL};
    for (int i = 0; !s && fixed[i]; i++)
        if (!strcmp(r->code, fixed[i]) && r->optional)
            s = err_field(e, ST_INVALID, "optional", "“%s”是必经步骤，不能设为可选。", r->name);
    /* the files keep their next step, its due day and their stretches of develop_due (the due list as of a
     * past day reads them): worked out again under the new rule — every file taken in, closed ones too (a
     * rare act of the city office; all in one transaction) */
    json_t *open = NULL;
    dv_steps *x = s ? NULL : calloc(1, sizeof *x);
    if (!s && !x) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = develop_store_rules(c, &all, &na, e);
    if (!s) s = db_run(c->d, DV_DUE_CLEAR, e, "");
    if (!s) s = db_query_json(c->d, &open, "SELECT id FROM develop_applicant WHERE status IN ('active', 'done', 'cancelled')", e, "");
    size_t i;
    json_t *o;
    json_array_foreach(open, i, o) if (!s) s = dv_refresh_with(c, json_integer_value(json_object_get(o, "id")), all, na, x, true, e);
    json_decref(open);
    free(x);
    uc_act a = {"develop.rule", arena_printf(c->mem, "develop_step:%s", r->code), arena_printf(c->mem, "修改发展党员步骤“%s”的设置", r->name)};
    return uc_end(c, s, &a, e);
}

/* ---- an applicant ---- */

typedef struct dv_app {
    int64_t id, org_id, enterprise_id, user_id, person_id;
    char status[16], birth[11], applied_on[11], name[128];
} dv_app;

static st dv_app_load(uc *c, int64_t id, dv_app *a, err *e) {
    memset(a, 0, sizeof *a);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT id, org_id, COALESCE(enterprise_id, 0), COALESCE(user_id, 0), COALESCE(person_id, 0), status, "
                      "birth_date, applied_on, name FROM develop_applicant WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        a->id = db_col_int(q, 0);
        a->org_id = db_col_int(q, 1);
        a->enterprise_id = db_col_int(q, 2);
        a->user_id = db_col_int(q, 3);
        a->person_id = db_col_int(q, 4);
        snprintf(a->status, sizeof a->status, "%s", db_col_text(q, 5));
        snprintf(a->birth, sizeof a->birth, "%s", db_col_text(q, 6));
        snprintf(a->applied_on, sizeof a->applied_on, "%s", db_col_text(q, 7));
        snprintf(a->name, sizeof a->name, "%s", db_col_text(q, 8));
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的入党申请人。", (long long)id);
}

/* The stretches of develop_due for an applicant whose steps (in day order) are done[0..nd): after the
 * first k steps, until the day of step k+1, the next step is what develop_next says of those k; a
 * stretch is kept when that step has a deadline and lasts at least a day (steps of one day close it
 * the day it opens). */
static st dv_due_write(uc *c, int64_t id, const develop_rule *rules, size_t nr, const develop_done *done, size_t nd,
                       bool cleared, err *e) {
    st s = cleared ? ST_OK : db_run(c->d, "DELETE FROM develop_due WHERE applicant_id = $1", e, "i", id);
    for (size_t k = 1; !s && k <= nd; k++) {
        const char *closed = k < nd ? done[k].day : NULL;
        if (closed && !strcmp(closed, done[k - 1].day)) continue;
        const develop_rule *next;
        char from[11], due[11];
        develop_next(rules, nr, done, k, &next, from, due);
        if (!next || !due[0]) continue;
        s = db_run(c->d,
                   "INSERT INTO develop_due(applicant_id, step, stage, from_day, due_day, opened_on, closed_on) "
                   "VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7)",
                   e, "itttttt", id, next->code, develop_stage(rules, nr, done, k), from, due, done[k - 1].day, closed);
    }
    return s;
}

/* Recompute the stage, the latest and the next step of an applicant from its steps (x: room to read them into),
 * and its stretches of develop_due.  cleared: the caller removed every file's stretches first (DV_DUE_CLEAR), as
 * one transaction over all the files must — PostgreSQL plans each statement from the statistics of the last
 * commit, and a develop_due that was small then but has grown in the transaction had each file's own DELETE
 * read the whole table (200,000 files: hours). */
static st dv_refresh_with(uc *c, int64_t id, const develop_rule *rules, size_t nr, dv_steps *x, bool cleared, err *e) {
    st s = dv_steps_load(c, id, x, e);
    if (s) return s;
    const develop_done *done = x->done;
    size_t nd = x->n;
    const develop_rule *next;
    char from[11], due[11];
    develop_next(rules, nr, done, nd, &next, from, due);
    const char *stage = develop_stage(rules, nr, done, nd);
    bool full = false, cancel = false;
    const char *voted = NULL, *full_on = NULL;
    for (size_t i = 0; i < nd; i++) {
        full |= !strcmp(done[i].code, DEVELOP_FULL);
        cancel |= !strcmp(done[i].code, DEVELOP_CANCEL);
        if (!strcmp(done[i].code, DEVELOP_VOTE)) voted = done[i].day;
        if (!strcmp(done[i].code, DEVELOP_FULL)) full_on = done[i].day;
    }
    const char *status = full ? "done" : cancel ? "cancelled" : "active";
    const develop_done *last = nd ? &done[nd - 1] : NULL;
    s = db_run(c->d,
               "UPDATE develop_applicant SET stage = $2, status = $3, last_step = $4, last_day = $5, next_step = $6, "
               "next_from = NULLIF($7, ''), next_due = NULLIF($8, ''), voted_on = $9, full_on = $10, updated_at = $11 "
               "WHERE id = $1",
               e, "ittttttttti", id, stage, status, last ? last->code : NULL, last ? last->day : NULL,
               next && !full && !cancel ? next->code : NULL, next ? from : "", next ? due : "", voted, full_on, clock_now());
    return s ? s : dv_due_write(c, id, rules, nr, done, nd, cleared, e);
}

static st dv_refresh(uc *c, int64_t id, err *e) {
    develop_rule *rules;
    size_t nr;
    st s = develop_store_rules(c, &rules, &nr, e);
    if (s) return s;
    dv_steps *x = arena_calloc(c->mem, 1, sizeof *x);
    if (!x) return err_set(e, ST_NOMEM, "内存不足。");
    return dv_refresh_with(c, id, rules, nr, x, false, e);
}

typedef struct dv_org {
    char path[512], district[32], park[32], name[256];
} dv_org;

/* An organization active on day, with its place. */
static st dv_org_load(uc *c, int64_t org_id, const char *day, dv_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT path, COALESCE(district_code, ''), COALESCE(park_code, ''), name, "
                      "CASE WHEN established_on <= $2 AND (dissolved_on IS NULL OR dissolved_on > $2) THEN 1 ELSE 0 END "
                      "FROM org WHERE id = $1",
                      &q, e);
    if (s) return s;
    db_bind_int(q, 1, org_id);
    db_bind_text(q, 2, day);
    int r = db_step(q, e), active = 0;
    if (r == DB_ROW) {
        snprintf(o->path, sizeof o->path, "%s", db_col_text(q, 0));
        snprintf(o->district, sizeof o->district, "%s", db_col_text(q, 1));
        snprintf(o->park, sizeof o->park, "%s", db_col_text(q, 2));
        snprintf(o->name, sizeof o->name, "%s", db_col_text(q, 3));
        active = (int)db_col_int(q, 4);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_field(e, ST_INVALID, "org_id", "没有编号为 %lld 的党组织。", (long long)org_id);
    if (!active) return err_field(e, ST_INVALID, "org_id", "党组织“%s”在 %s 未成立或已撤销，不能接收入党申请。", o->name, day);
    return ST_OK;
}

/* The person's data checked, sealed and masked, and the place: one applicant row. */
static st dv_insert(uc *c, const develop_new *a, const char *status, int64_t user_id, int64_t *id, char applied[11], err *e) {
    *id = 0;
    applied[0] = 0;
    if (!a->name || !*a->name || utf8_count(a->name, strlen(a->name)) > 30)
        return err_field(e, ST_INVALID, "name", "请填写姓名（1–30 个字）。");
    char id18[19], birth[11], today[11];
    if (!a->id_number || !ids_idcard_normalize(a->id_number, strlen(a->id_number), id18))
        return err_field(e, ST_INVALID, "id_number",
                         "公民身份号码无效：应为 18 位（或一代 15 位），出生日期真实，末位校验码正确（GB 11643），请核对后重填。");
    ids_idcard_birth(id18, birth);
    const char *gender = ids_idcard_sex(id18, 18) == 1 ? "男" : "女";
    member_today(today);
    if (!a->applied_on || !member_day_parse(a->applied_on, applied))
        return err_field(e, ST_INVALID, "applied_on", "请填写递交入党申请书的日期（YYYY-MM-DD）。");
    if (strcmp(applied, today) > 0) return err_field(e, ST_INVALID, "applied_on", "申请日期 %s 晚于今天，请核对。", applied);
    int min_age = (int)cfg_int("member-min-age");
    if (!develop_age_ok(birth, applied, min_age))
        return err_field(e, ST_INVALID, "id_number",
                         "递交入党申请时（%s）未满 %d 周岁（出生日期 %s，据身份证号）：年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以申请加入中国共产党。",
                         applied, min_age, birth);
    if (a->org_id <= 0) return err_field(e, ST_INVALID, "org_id", "请选择接收入党申请的党组织。");
    dv_org o;
    st s = dv_org_load(c, a->org_id, applied, &o, e);
    if (s) return s;
    char *category = NULL;
    if (a->enterprise_id > 0) {
        s = db_query_text(c->d, &category, "SELECT COALESCE(category, '') FROM enterprise WHERE id = $1", e, "i", a->enterprise_id);
        if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, "enterprise_id", "企业编号 %lld 不在企业台账中。", (long long)a->enterprise_id);
        if (s) return s;
        arena_own(c->mem, category);
        /* the enterprise's own organization: one that covers it on the application day */
        int64_t n = 0;
        s = db_query_int(c->d, &n,
                         "SELECT COUNT(*) FROM org_cover WHERE org_id = $1 AND enterprise_id = $2 AND from_day <= $3 "
                         "AND (to_day IS NULL OR to_day > $3)",
                         e, "iit", a->org_id, a->enterprise_id, applied);
        if (!s && !n) s = err_field(e, ST_INVALID, "org_id", "党组织“%s”不覆盖所选企业：请选择本企业的党组织。", o.name);
        if (s) return s;
    }
    char key[33];
    if ((s = crypt_init(c->d, e)) || (s = member_id_key(id18, key, e))) return s;
    /* one file at a time: someone in the pipeline or waiting for an answer, or a member already */
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows,
                      "SELECT a.id, o.name AS org_name FROM develop_applicant a JOIN org o ON o.id = a.org_id "
                      "WHERE a.id_key = $1 AND a.status IN ('pending', 'active')",
                      e, "t", key);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) s = err_field(e, ST_CONFLICT, "id_number", "此人已在“%s”的入党申请或培养程序中，不能重复申请。",
                         json_string_value(json_object_get(r, "org_name")));
    json_decref(rows);
    if (s) return s;
    int64_t member = 0;
    s = db_query_int(c->d, &member, "SELECT COUNT(*) FROM person p JOIN member m ON m.person_id = p.id WHERE p.id_key = $1 "
                     "AND m.state IN ('正常', '流动', '失联')", e, "t", key);
    if (!s && member) s = err_field(e, ST_CONFLICT, "id_number", "此人已是党员（已在党员名册登记），不需要申请入党。");
    if (s) return s;
    char *id_sealed = NULL, *ph_sealed = NULL;
    char id_masked[32], ph_masked[32] = "";
    mask_idcard(id18, id_masked, sizeof id_masked);
    s = crypt_seal("develop.id_number", id18, &id_sealed, e);
    if (!s && a->phone && *a->phone) {
        char clean[32];
        if (ids_phone_check(a->phone, strlen(a->phone), clean) == IDS_PHONE_BAD)
            s = err_field(e, ST_INVALID, "phone", "联系电话无效：手机号应为 11 位（1 开头），座机如 0592-5551234。");
        else {
            mask_phone(clean, ph_masked, sizeof ph_masked);
            s = crypt_seal("develop.phone", clean, &ph_sealed, e);
        }
    }
    int64_t now = clock_now();
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO develop_applicant(name, gender, birth_date, id_key, id_sealed, id_masked, phone_sealed, "
                         "phone_masked, ethnicity, education, post, enterprise_id, ent_category, org_id, org_path, district_code, "
                         "park_code, stage, status, applied_on, user_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                         "$7, NULLIF($8, ''), $9, $10, $11, NULLIF($12, 0), NULLIF($13, ''), $14, $15, NULLIF($16, ''), "
                         "NULLIF($17, ''), '入党申请人', $18, $19, NULLIF($20, 0), $21, $21) RETURNING id",
                         e, "tttttttttttititttttii", a->name, gender, birth, key, id_sealed, id_masked, ph_sealed, ph_masked,
                         a->ethnicity, a->education, a->post, a->enterprise_id, category, a->org_id, o.path, o.district,
                         o.park, status, applied, user_id, now);
    free(id_sealed);
    free(ph_sealed);
    return s;
}

static st dv_record_add(uc *c, int64_t id, const char *code, const char *day, const char *people, int days, int hours,
                        int months, const char *note, bool late, int64_t *record, err *e) {
    return db_query_int(c->d, record,
                        "INSERT INTO develop_record(applicant_id, step, day, people, days, hours, months, note, late, actor, "
                        "created_at) VALUES ($1, $2, $3, $4, NULLIF($5, 0), NULLIF($6, 0), NULLIF($7, 0), $8, $9, $10, $11) "
                        "RETURNING id",
                        e, "itttiiititi", id, code, day, people, (int64_t)days, (int64_t)hours, (int64_t)months, note,
                        (int64_t)late, c->who.username ? c->who.username : "-", clock_now());
}

st develop_store_create(uc *c, const develop_new *a, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    char applied[11];
    s = dv_insert(c, a, "active", 0, id, applied, e);
    int64_t rec = 0;
    if (!s) s = dv_record_add(c, *id, DEVELOP_APPLY, applied, NULL, 0, 0, 0, a->note, false, &rec, e);
    if (!s) s = dv_refresh(c, *id, e);
    uc_act act = {"develop.create", uc_obj(c, "develop", *id), arena_printf(c->mem, "登记入党申请人 %s", a->name ? a->name : "")};
    s = uc_end(c, s, &act, e);
    if (s) *id = 0;
    return s;
}

st develop_store_apply(uc *c, const develop_new *a, int64_t *id, err *e) {
    *id = 0;
    if (c->who.user_id <= 0) return err_set(e, ST_INVALID, "网上申请须用本人账号登录。");
    if (a->enterprise_id <= 0) return err_field(e, ST_INVALID, "enterprise_id", "请选择所在企业。");
    /* an investor (出资人) applies in their own enterprise */
    if (c->who.scope_kind && !strcmp(c->who.scope_kind, "enterprise") &&
        (!c->who.scope_code || atoll(c->who.scope_code) != a->enterprise_id))
        return err_field(e, ST_INVALID, "enterprise_id", "出资人只能在本人出资的企业申请入党。");
    char today[11];
    member_today(today);
    develop_new x = *a;
    x.applied_on = today;
    st s = uc_begin(c, e);
    if (s) return s;
    int64_t n = 0;
    s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM develop_applicant WHERE user_id = $1 AND status IN ('pending', 'active')",
                     e, "i", c->who.user_id);
    if (!s && n) s = err_set(e, ST_CONFLICT, "您已有一份入党申请在办理中，不能重复申请。");
    char applied[11];
    if (!s) s = dv_insert(c, &x, "pending", c->who.user_id, id, applied, e);
    uc_act act = {"develop.apply", uc_obj(c, "develop", *id), "网上递交入党申请"};
    s = uc_end(c, s, &act, e);
    if (s) *id = 0;
    return s;
}

st develop_store_answer(uc *c, int64_t id, bool accept, const char *reason, err *e) {
    if (!accept && (!reason || !*reason)) return err_field(e, ST_INVALID, "reason", "不予受理时请填写理由（将告知申请人）。");
    st s = uc_begin(c, e);
    if (s) return s;
    dv_app a;
    s = dv_app_load(c, id, &a, e);
    if (!s && strcmp(a.status, "pending")) s = err_set(e, ST_CONFLICT, "这份入党申请已经答复过，不是待受理状态。");
    if (!s && accept) {
        develop_rule *rules;
        size_t nr;
        s = develop_store_rules(c, &rules, &nr, e);
        develop_step_in in = {.code = DEVELOP_APPLY, .day = a.applied_on};
        if (!s) s = develop_check(rules, nr, NULL, 0, a.birth, (int)cfg_int("member-min-age"), &in, e);
        int64_t rec = 0;
        if (!s) s = dv_record_add(c, id, DEVELOP_APPLY, a.applied_on, NULL, 0, 0, 0, reason, false, &rec, e);
        if (!s) s = dv_refresh(c, id, e);
    } else if (!s) {
        s = db_run(c->d, "UPDATE develop_applicant SET status = 'refused', answer = $2, updated_at = $3 WHERE id = $1", e, "iti", id,
                   reason, clock_now());
    }
    uc_act act = {"develop.answer", uc_obj(c, "develop", id),
                  accept ? arena_printf(c->mem, "受理 %s 的入党申请", a.name) : arena_printf(c->mem, "不予受理 %s 的入党申请", a.name)};
    return uc_end(c, s, &act, e);
}

st develop_store_edit(uc *c, int64_t id, const develop_edit *x, err *e) {
    if (x->name && (!*x->name || utf8_count(x->name, strlen(x->name)) > 30))
        return err_field(e, ST_INVALID, "name", "请填写姓名（1–30 个字）。");
    char *sealed = NULL, masked[32] = "";
    if (x->phone && *x->phone) {
        char clean[32];
        if (ids_phone_check(x->phone, strlen(x->phone), clean) == IDS_PHONE_BAD)
            return err_field(e, ST_INVALID, "phone", "联系电话无效：手机号应为 11 位（1 开头），座机如 0592-5551234。");
        mask_phone(clean, masked, sizeof masked);
        st s = crypt_init(c->d, e);
        if (!s) s = crypt_seal("develop.phone", clean, &sealed, e);
        if (s) return s;
        arena_own(c->mem, sealed);
    }
    st s = uc_begin(c, e);
    if (s) return s;
    dv_app a;
    s = dv_app_load(c, id, &a, e);
    if (!s && a.person_id)
        s = err_set(e, ST_CONFLICT, "%s 已登记为党员，个人信息请在党员名册中修改。", a.name);
    /* an empty phone clears it; absent fields stay */
    if (!s)
        s = db_run(c->d,
                   "UPDATE develop_applicant SET name = COALESCE($2, name), ethnicity = COALESCE($3, ethnicity), "
                   "education = COALESCE($4, education), post = COALESCE($5, post), "
                   "phone_sealed = CASE WHEN CAST($6 AS TEXT) IS NULL THEN phone_sealed ELSE NULLIF($6, '') END, "
                   "phone_masked = CASE WHEN CAST($6 AS TEXT) IS NULL THEN phone_masked ELSE NULLIF($7, '') END, "
                   "updated_at = $8 WHERE id = $1",
                   e, "itttttti", id, x->name, x->ethnicity, x->education, x->post,
                   x->phone ? (sealed ? sealed : "") : NULL, masked, clock_now());
    uc_act act = {"develop.edit", uc_obj(c, "develop", id), arena_printf(c->mem, "修改入党申请人 %s 的信息", a.name)};
    return uc_end(c, s, &act, e);
}

/* The people named in a step, with their standing on its day: [{person_id, name, category}]. */
static st dv_people(uc *c, const develop_step_new *x, develop_person **people, const char **json_text, err *e) {
    *people = NULL;
    *json_text = NULL;
    if (!x->n_people) return ST_OK;
    if (x->n_people > 10) return err_field(e, ST_INVALID, "people", "参与人员最多 10 名。");
    develop_person *p = arena_calloc(c->mem, x->n_people, sizeof *p);
    json_t *arr = arena_json(c->mem, json_array());
    if (!p || !arr) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < x->n_people; i++) {
        member_standing m;
        p[i].person_id = x->people[i];
        st s = member_store_standing(c, x->people[i], x->day, &m, e);
        if (s == ST_NOT_FOUND) {
            char *name = NULL;
            s = db_query_text(c->d, &name, "SELECT name FROM person WHERE id = $1", e, "i", x->people[i]);
            if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, "people", "党员名册中没有编号为 %lld 的人员。", (long long)x->people[i]);
            if (s) return s;
            p[i].name = (const char *)arena_own(c->mem, name);
            p[i].category = NULL;
        } else if (s) {
            return s;
        } else {
            p[i].name = m.name;
            /* out of the party that day (停止党籍, 出党, 去世): no role to take */
            p[i].category = member_state_counts(m.state) ? m.category : NULL;
        }
        json_array_append_new(arr, json_pack("{s:I,s:s,s:s?}", "person_id", (json_int_t)x->people[i], "name", p[i].name,
                                             "category", p[i].category));
    }
    *people = p;
    char *t = json_dumps(arr, JSON_COMPACT);
    if (!t) return err_set(e, ST_NOMEM, "内存不足。");
    *json_text = arena_own(c->mem, t);
    return ST_OK;
}

/* The vote: the applicant registered as 预备党员 (joined = the vote day), as a part of the step's act. */
static st dv_register(uc *c, int64_t id, const char *day, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT a.name, a.id_sealed, a.phone_sealed, a.ethnicity, a.education, a.post, "
                         "COALESCE(a.enterprise_id, 0) AS enterprise_id, a.org_id, "
                         "(SELECT u.id FROM users u WHERE u.id = a.user_id AND u.role = 'member' "
                         " AND NOT EXISTS (SELECT 1 FROM person p WHERE p.user_id = u.id)) AS member_user "
                         "FROM develop_applicant a WHERE a.id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    char *idn = NULL, *phone = NULL;
    const char *ph = r ? json_string_value(json_object_get(r, "phone_sealed")) : NULL;
    if (!r) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的入党申请人。", (long long)id);
    if (!s) s = crypt_open("develop.id_number", json_string_value(json_object_get(r, "id_sealed")), &idn, e);
    if (!s && ph) s = crypt_open("develop.phone", ph, &phone, e);
    int64_t person = 0;
    if (!s) {
        /* the applicant's own account (a member's) becomes the member's account */
        member_new m = {.name = json_string_value(json_object_get(r, "name")),
                        .id_number = idn,
                        .ethnicity = json_string_value(json_object_get(r, "ethnicity")),
                        .education = json_string_value(json_object_get(r, "education")),
                        .post = json_string_value(json_object_get(r, "post")),
                        .phone = phone,
                        .enterprise_id = json_integer_value(json_object_get(r, "enterprise_id")),
                        .org_id = json_integer_value(json_object_get(r, "org_id")),
                        .category = MEMBER_PROBATION,
                        .joined_on = day,
                        .day = day,
                        .user_id = json_integer_value(json_object_get(r, "member_user"))};
        uc part = uc_part(c);
        s = member_store_register(&part, &m, &person, NULL, e);
    }
    if (idn) sodium_memzero(idn, strlen(idn));
    free(idn);
    free(phone);
    int64_t org = r ? json_integer_value(json_object_get(r, "org_id")) : 0;
    json_decref(rows);
    if (!s) s = db_run(c->d, "UPDATE develop_applicant SET person_id = $2 WHERE id = $1", e, "ii", id, person);
    member_activity act = {person, org, "develop.probation", day, arena_printf(c->mem, "develop:%lld", (long long)id), 0};
    if (!s) s = member_store_activity(c, &act, e);
    return s;
}

/* The full-member vote: the registry's category changes on that day. */
static st dv_full(uc *c, const dv_app *a, const char *day, const char *note, err *e) {
    if (!a->person_id) return err_set(e, ST_CONFLICT, "此人未在党员名册登记为预备党员，不能转正。");
    member_change x = {.day = day, .category = MEMBER_FULL, .full_on = day, .note = note ? note : "支部大会讨论转为正式党员"};
    uc part = uc_part(c);
    st s = member_store_change(&part, a->person_id, &x, e);
    member_activity act = {a->person_id, a->org_id, "develop.full", day, arena_printf(c->mem, "develop:%lld", (long long)a->id), 0};
    if (!s) s = member_store_activity(c, &act, e);
    return s;
}

st develop_store_step(uc *c, int64_t id, const develop_step_new *x, int64_t *record, err *e) {
    *record = 0;
    char day[11], today[11];
    if (!x->day || !member_day_parse(x->day, day) || strlen(x->day) != 10)
        return err_field(e, ST_INVALID, "day", "请填写办理日期（YYYY-MM-DD）。");
    member_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, "day", "办理日期 %s 晚于今天，请核对。", day);
    if (x->note && utf8_count(x->note, strlen(x->note)) > 500) return err_field(e, ST_INVALID, "note", "备注最多 500 字。");
    st s = uc_begin(c, e);
    if (s) return s;
    dv_app a;
    develop_rule *rules = NULL;
    dv_steps *steps = arena_calloc(c->mem, 1, sizeof *steps);
    size_t nr = 0;
    s = steps ? dv_app_load(c, id, &a, e) : err_set(e, ST_NOMEM, "内存不足。");
    if (!s && !strcmp(a.status, "pending")) s = err_set(e, ST_INVALID, "这份网上入党申请还没有受理：请先受理，再办理后续步骤。");
    if (!s && !strcmp(a.status, "refused")) s = err_set(e, ST_INVALID, "这份入党申请已不予受理，不能办理后续步骤。");
    if (!s) s = develop_store_rules(c, &rules, &nr, e);
    if (!s) s = dv_steps_load(c, id, steps, e);
    const develop_done *done = steps ? steps->done : NULL;
    size_t nd = steps ? steps->n : 0;
    develop_person *people = NULL;
    const char *people_json = NULL;
    develop_step_new xd = *x;
    xd.day = day;
    if (!s) s = dv_people(c, &xd, &people, &people_json, e);
    develop_step_in in = {.code = x->code, .day = day, .people = people, .n_people = x->n_people, .days = x->days,
                          .hours = x->hours, .months = x->months};
    if (!s) s = develop_check(rules, nr, done, nd, a.birth, (int)cfg_int("member-min-age"), &in, e);
    const develop_rule *r = develop_rule_find(rules, nr, x->code);
    /* recorded after its due day: kept, and marked */
    const develop_rule *next = NULL;
    char from[11], due[11];
    develop_next(rules, nr, done, nd, &next, from, due);
    bool late = next && r && next == r && due[0] && strcmp(day, due) > 0;
    if (!s) s = dv_record_add(c, id, x->code, day, people_json, x->days, x->hours, x->months, x->note, late, record, e);
    if (!s && !strcmp(x->code, DEVELOP_VOTE)) s = dv_register(c, id, day, e);
    if (!s && !strcmp(x->code, DEVELOP_FULL)) s = dv_full(c, &a, day, x->note, e);
    if (!s) s = dv_refresh(c, id, e);
    uc_act act = {"develop.step", uc_obj(c, "develop", id),
                  arena_printf(c->mem, "%s：%s（%s）", a.name, r ? r->name : (x->code ? x->code : ""), day)};
    s = uc_end(c, s, &act, e);
    if (s) *record = 0;
    return s;
}

st develop_store_undo(uc *c, int64_t id, const char *reason, err *e) {
    if (!reason || !*reason) return err_field(e, ST_INVALID, "reason", "请填写撤销的理由。");
    st s = uc_begin(c, e);
    if (s) return s;
    dv_app a;
    s = dv_app_load(c, id, &a, e);
    json_t *rows = NULL;
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT r.id, r.step, r.day, s.name FROM develop_record r JOIN develop_step s ON s.code = r.step "
                          "WHERE r.applicant_id = $1 AND r.undone_at IS NULL ORDER BY r.day DESC, r.id DESC LIMIT 1",
                          e, "i", id);
    json_t *r = rows ? json_array_get(rows, 0) : NULL;
    const char *step = r ? json_string_value(json_object_get(r, "step")) : NULL;
    const char *name = r ? arena_strdup(c->mem, json_string_value(json_object_get(r, "name"))) : "";
    if (!s && !r) s = err_set(e, ST_INVALID, "没有可以撤销的步骤。");
    else if (!s && !strcmp(step, DEVELOP_APPLY))
        s = err_field(e, ST_INVALID, "step", "入党申请本身不能撤销；如信息有误，请修改申请人信息。");
    else if (!s && (!strcmp(step, DEVELOP_VOTE) || !strcmp(step, DEVELOP_FULL)))
        s = err_field(e, ST_CONFLICT, "step", "“%s”已据此在党员名册中登记，不能在这里撤销：请在党员名册中更正。", name);
    if (!s)
        s = db_run(c->d, "UPDATE develop_record SET undone_at = $2, undone_by = $3, note = COALESCE(note, '') || $4 WHERE id = $1",
                   e, "iitt", json_integer_value(json_object_get(r, "id")), clock_now(),
                   c->who.username ? c->who.username : "-", arena_printf(c->mem, "（撤销：%s）", reason));
    json_decref(rows);
    if (!s) s = dv_refresh(c, id, e);
    uc_act act = {"develop.undo", uc_obj(c, "develop", id), arena_printf(c->mem, "撤销 %s 的“%s”：%s", a.name, name, reason)};
    return uc_end(c, s, &act, e);
}

/* ---- documents ---- */

/* Documents are kept by content (base/files.h) in develop-files-dir. */

st develop_store_document_add(uc *c, int64_t id, const char *kind, const char *path, const char *filename, int64_t *doc,
                              err *e) {
    *doc = 0;
    if (!develop_doc_kind_ok(kind))
        return err_field(e, ST_INVALID, "kind", "材料类别应为 application（入党申请书）、review（政审材料）、vote（表决记录）或 other（其他）。");
    int64_t size = 0;
    unsigned char head[16];
    size_t nhead = 0;
    char sha[65];
    st s = files_digest(path, &size, head, sizeof head, &nhead, sha, e);
    if (s) return s;
    long max = cfg_int("develop-file-max");
    if (size <= 0) return err_field(e, ST_INVALID, "file", "上传的材料文件是空的。");
    if (size > max)
        return err_field(e, ST_INVALID, "file", "材料文件过大（%.1f MB），每份不超过 %.1f MB。", (double)size / 1048576.0,
                         (double)max / 1048576.0);
    const char *mime = develop_doc_type(head, nhead);
    if (!mime) return err_field(e, ST_INVALID, "file", "材料须为 PDF 文件或 JPEG、PNG 图片（按文件内容判断，与文件名无关）。");
    const char *name = filename && *filename ? filename : "材料";
    if (utf8_count(name, strlen(name)) > 120) return err_field(e, ST_INVALID, "file", "文件名最多 120 个字。");
    if ((s = uc_begin(c, e))) return s;
    dv_app a;
    s = dv_app_load(c, id, &a, e);
    /* the bytes first: a row never names a file that is not there (a file without a row is harmless) */
    if (!s) s = files_put(c, "develop-files-dir", path, sha, e);
    if (!s)
        s = db_query_int(c->d, doc,
                         "INSERT INTO develop_document(applicant_id, kind, filename, mime, size, sha256, uploaded_by, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                         e, "itttitti", id, kind, name, mime, size, sha, c->who.username ? c->who.username : "-",
                         clock_now());
    uc_act act = {"develop.document", uc_obj(c, "develop", id), arena_printf(c->mem, "%s：上传材料“%s”", a.name, name)};
    s = uc_end(c, s, &act, e);
    if (s) *doc = 0;
    return s;
}

st develop_store_document(uc *c, int64_t id, int64_t doc, const char **path, const char **mime, const char **filename, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT filename, mime, sha256 FROM develop_document WHERE id = $1 AND applicant_id = $2", e,
                         "ii", doc, id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (!r) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "该入党申请人没有编号为 %lld 的材料。", (long long)doc);
    }
    const char *sha = json_string_value(json_object_get(r, "sha256"));
    *path = files_local(c, "develop-files-dir", sha);
    *mime = arena_strdup(c->mem, json_string_value(json_object_get(r, "mime")));
    *filename = arena_strdup(c->mem, json_string_value(json_object_get(r, "filename")));
    json_decref(rows);
    if (access(*path, R_OK) != 0) return err_set(e, ST_IO, "材料文件缺失（%s），请联系系统管理员从备份恢复。", *filename);
    uc_act act = {"develop.document.read", arena_printf(c->mem, "develop_document:%lld", (long long)doc),
                  arena_printf(c->mem, "下载入党申请人 %lld 的材料“%s”", (long long)id, *filename)};
    return uc_audit(c, &act, e);
}

/* ---- reads ---- */

#define DV_SCOPE SCOPE_COND("$1", "$2", "a.district_code", "a.park_code", "a.org_path", "NULL", "a.user_id")

#define DV_APP_COLS                                                                                                      \
    "a.id, a.name, a.gender, a.birth_date, a.id_masked AS id_number, a.phone_masked AS phone, a.ethnicity, a.education, " \
    "a.post, a.enterprise_id, (SELECT x.name FROM enterprise x WHERE x.id = a.enterprise_id) AS enterprise_name, "       \
    "a.ent_category, a.org_id, o.name AS org_name, a.district_code, "                                                    \
    "(SELECT g.name FROM region g WHERE g.code = a.district_code) AS district_name, a.stage, a.status, a.applied_on, "   \
    "a.last_step, a.last_day, a.next_step, (SELECT s.name FROM develop_step s WHERE s.code = a.next_step) AS next_name, " \
    "a.next_from, a.next_due, a.answer, a.person_id "

static st dv_timeline(uc *c, int64_t id, json_t *o, err *e) {
    json_t *steps = NULL;
    st s = db_query_json(c->d, &steps,
                         "SELECT r.id, r.step, s.name, s.stage, r.day, r.people, r.days, r.hours, r.months, r.note, r.late, "
                         "r.actor, r.undone_at, r.undone_by FROM develop_record r JOIN develop_step s ON s.code = r.step "
                         "WHERE r.applicant_id = $1 ORDER BY r.day, r.id",
                         e, "i", id);
    if (s) return s;
    size_t i;
    json_t *x;
    json_array_foreach(steps, i, x) {   /* the people as they were stored: a JSON array */
        const char *p = json_string_value(json_object_get(x, "people"));
        json_object_set_new(x, "people", p ? json_loads(p, 0, NULL) : json_array());
        json_object_set_new(x, "late", json_boolean(json_integer_value(json_object_get(x, "late"))));
        json_object_set_new(x, "undone", json_boolean(!json_is_null(json_object_get(x, "undone_at"))));
    }
    json_object_set_new(o, "steps", steps);
    json_t *docs = NULL;
    s = db_query_json(c->d, &docs,
                      "SELECT id, kind, filename, mime, size, uploaded_by, created_at FROM develop_document WHERE applicant_id = $1 "
                      "ORDER BY id",
                      e, "i", id);
    if (s) return s;
    json_object_set_new(o, "documents", docs);
    return ST_OK;
}

st develop_store_choices(uc *c, const char *q, json_t **out, err *e) {
    *out = NULL;
    char today[11];
    member_today(today);
    int64_t ent = 0;   /* an investor: their own enterprise only */
    if (c->who.scope_kind && !strcmp(c->who.scope_kind, "enterprise")) ent = c->who.scope_code ? atoll(c->who.scope_code) : -1;
    const char *like = dv_or_null(q) && utf8_count(q, strlen(q)) >= 2 ? db_like(c->mem, q) : NULL;
    if (!ent && !like) {   /* nothing asked yet */
        *out = json_array();
        return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
    /* the pattern holds '%': passed as a parameter, never formatted */
    return db_query_json(c->d, out,
                         "SELECT x.id AS enterprise_id, x.name AS enterprise_name, o.id AS org_id, o.name AS org_name "
                         "FROM enterprise x JOIN org_cover v ON v.enterprise_id = x.id JOIN org o ON o.id = v.org_id "
                         "WHERE ($1 = 0 OR x.id = $1) AND (CAST($2 AS TEXT) IS NULL OR x.name LIKE $2 ESCAPE '\\') "
                         "AND v.from_day <= $3 AND (v.to_day IS NULL OR v.to_day > $3) "
                         "AND (o.dissolved_on IS NULL OR o.dissolved_on > $3) ORDER BY x.name, x.id, o.id LIMIT 20",
                         e, "itt", ent, like, today);
}

st develop_store_get(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT " DV_APP_COLS "FROM develop_applicant a JOIN org o ON o.id = a.org_id WHERE a.id = $3 AND " DV_SCOPE,
                         e, "tti", k, code, id);
    if (s) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的入党申请人。", (long long)id);
    s = dv_timeline(c, id, o, e);
    if (s) {
        json_decref(o);
        return s;
    }
    *out = o;
    return ST_OK;
}

st develop_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT " DV_APP_COLS "FROM develop_applicant a JOIN org o ON o.id = a.org_id WHERE a.user_id = $1 "
                         "ORDER BY a.id DESC",
                         e, "i", c->who.user_id);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) if (!s) s = dv_timeline(c, json_integer_value(json_object_get(x, "id")), x, e);
    if (s) {
        json_decref(rows);
        return s;
    }
    *out = rows;
    return ST_OK;
}

/* The list's conditions after the scope ($1, $2): $3 org (with those below), $4 district, $5 park, $6 stage,
 * $7 status, $8 name. */
#define DV_FILTER                                                                                                     \
    " AND ($3 = 0 OR a.org_path LIKE '%/' || CAST($3 AS TEXT) || '/%') AND (CAST($4 AS TEXT) IS NULL OR a.district_code = $4)" \
    " AND (CAST($5 AS TEXT) IS NULL OR a.park_code = $5) AND (CAST($6 AS TEXT) IS NULL OR a.stage = $6)"              \
    " AND (CAST($7 AS TEXT) IS NULL OR a.status = $7) AND (CAST($8 AS TEXT) IS NULL OR a.name LIKE $8 ESCAPE '\\')"

static const char *dv_like(uc *c, const char *q) { return dv_or_null(q) ? db_like(c->mem, q) : NULL; }

st develop_store_list(uc *c, const develop_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *like = dv_like(c, f->q);
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM develop_applicant a WHERE " DV_SCOPE DV_FILTER, e, "ttittttt", k, code,
                        f->org_id, dv_or_null(f->district), dv_or_null(f->park), dv_or_null(f->stage), dv_or_null(f->status), like);
    if (s) return s;
    /* the conditions hold '%' (LIKE patterns): pasted in, not formatted */
    const char *sql = arena_printf(c->mem, "%s%s%s",
                                   "SELECT * FROM (SELECT " DV_APP_COLS "FROM develop_applicant a JOIN org o ON o.id = a.org_id "
                                   "WHERE " DV_SCOPE DV_FILTER ") q ORDER BY ",
                                   p && p->order ? p->order : "q.id DESC", " LIMIT $9 OFFSET $10");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    return db_query_json(c->d, items, sql, e, "ttitttttii", k, code, f->org_id, dv_or_null(f->district), dv_or_null(f->park),
                         dv_or_null(f->stage), dv_or_null(f->status), like, p ? p->limit : 50, p ? p->offset : 0);
}

st develop_store_due_today(uc *c, const develop_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char day[11], until[11];
    member_today(day);
    if (dv_or_null(f->as_of) && strcmp(f->as_of, day) > 0) snprintf(day, sizeof day, "%s", f->as_of);
    develop_add_days(day, f->within, until);
    const char *like = dv_like(c, f->q);
    st s = db_query_int(c->d, total,
                        "SELECT COUNT(*) FROM develop_applicant a WHERE " DV_SCOPE DV_FILTER
                        " AND a.status = 'active' AND a.next_due IS NOT NULL AND a.next_due <= $9",
                        e, "ttitttttt", k, code, f->org_id, dv_or_null(f->district), dv_or_null(f->park), NULL, NULL, like, until);
    if (s) return s;
    /* the conditions hold '%' (LIKE patterns): pasted in, not formatted */
    const char *sql = arena_printf(
        c->mem, "%s%s%s",
        "SELECT * FROM (SELECT a.id, a.name, a.org_id, o.name AS org_name, a.district_code, a.stage, a.next_step AS step, "
        "(SELECT x.name FROM develop_step x WHERE x.code = a.next_step) AS step_name, a.next_from AS from_on, a.next_due AS due_on "
        "FROM develop_applicant a JOIN org o ON o.id = a.org_id WHERE " DV_SCOPE DV_FILTER
        " AND a.status = 'active' AND a.next_due IS NOT NULL AND a.next_due <= $9) q ORDER BY ",
        p && p->order ? p->order : "q.due_on, q.id", " LIMIT $10 OFFSET $11");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    s = db_query_json(c->d, items, sql, e, "ttittttttii", k, code, f->org_id, dv_or_null(f->district), dv_or_null(f->park), NULL,
                      NULL, like, until, p ? p->limit : 50, p ? p->offset : 0);
    size_t i;
    json_t *x;
    json_array_foreach(*items, i, x) {   /* days are counted here: date arithmetic differs between the databases */
        int left = develop_days_between(day, json_string_value(json_object_get(x, "due_on")));
        json_object_set_new(x, "days_left", json_integer(left));
        json_object_set_new(x, "overdue", json_boolean(left < 0));
    }
    return s;
}

st develop_store_due_counts(uc *c, int64_t org_id, const char *day, int within, int64_t *overdue, int64_t *soon, err *e) {
    *overdue = *soon = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char until[11];
    develop_add_days(day, within, until);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT COALESCE(SUM(CASE WHEN w.due_day < $10 THEN 1 ELSE 0 END), 0) AS overdue, COUNT(*) AS n "
                         "FROM develop_due w JOIN develop_applicant a ON a.id = w.applicant_id WHERE w.due_day <= $9 "
                         "AND w.opened_on <= $10 AND (w.closed_on IS NULL OR w.closed_on > $10) "
                         "AND a.status IN ('active', 'done', 'cancelled') AND " DV_SCOPE DV_FILTER,
                         e, "ttittttttt", k, code, org_id, NULL, NULL, NULL, NULL, NULL, until, day);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    *overdue = json_integer_value(json_object_get(r, "overdue"));
    *soon = json_integer_value(json_object_get(r, "n")) - *overdue;
    json_decref(rows);
    return ST_OK;
}

st develop_store_due(uc *c, const develop_filter *f, const uc_page *p, json_t **items, int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char day[11], until[11];
    member_today(day);
    if (dv_or_null(f->as_of)) snprintf(day, sizeof day, "%s", f->as_of);
    develop_add_days(day, f->within, until);
    const char *like = dv_like(c, f->q);
    /* the stretches open on the day with a deadline within reach (develop_due: the index on due_day
       carries the other three columns, so the stretches are found without reading a file) */
#define DV_DUE_FROM                                                                                     \
    "FROM develop_due w JOIN develop_applicant a ON a.id = w.applicant_id WHERE w.due_day <= $9 "       \
    "AND w.opened_on <= $10 AND (w.closed_on IS NULL OR w.closed_on > $10) "                           \
    "AND a.status IN ('active', 'done', 'cancelled') AND " DV_SCOPE DV_FILTER
    /* the page and the total in one read (COUNT(*) OVER: the stretches are found once, not once for the
       count and again for the page — half the time on PostgreSQL) */
    const char *sql = arena_printf(
        c->mem, "%s%s%s",
        "SELECT * FROM (SELECT a.id, a.name, a.org_id, (SELECT o.name FROM org o WHERE o.id = a.org_id) AS org_name, "
        "a.district_code, w.stage, w.step, (SELECT x.name FROM develop_step x WHERE x.code = w.step) AS step_name, "
        "w.from_day AS from_on, w.due_day AS due_on, COUNT(*) OVER () AS total_ " DV_DUE_FROM ") q ORDER BY ",
        p && p->order ? p->order : "q.due_on, q.id", " LIMIT $11 OFFSET $12");
    if (!sql) return err_set(e, ST_NOMEM, "内存不足。");
    st s = db_query_json(c->d, items, sql, e, "ttittttttt" "ii", k, code, f->org_id, dv_or_null(f->district),
                         dv_or_null(f->park), NULL, NULL, like, until, day, p ? p->limit : 50, p ? p->offset : 0);
    if (!s && !json_array_size(*items) && p && p->offset > 0)   /* a page past the end: the total asked alone */
        s = db_query_int(c->d, total, "SELECT COUNT(*) " DV_DUE_FROM, e, "ttitttttt" "t", k, code, f->org_id,
                         dv_or_null(f->district), dv_or_null(f->park), NULL, NULL, like, until, day);
#undef DV_DUE_FROM
    if (s) {
        json_decref(*items);
        *items = NULL;
        return s;
    }
    size_t i;
    json_t *x;
    json_array_foreach(*items, i, x) {   /* days are counted here: date arithmetic differs between the databases */
        if (!i) *total = json_integer_value(json_object_get(x, "total_"));
        json_object_del(x, "total_");
        int left = develop_days_between(day, json_string_value(json_object_get(x, "due_on")));
        json_object_set_new(x, "days_left", json_integer(left));
        json_object_set_new(x, "overdue", json_boolean(left < 0));
    }
    return ST_OK;
}

static const char *const DV_STAGES[] = {"入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员", NULL};

#define DV_PIPE_COLS                                                                                                     \
    "SELECT a.id, a.name, a.org_id, o.name AS org_name, a.stage, a.status, a.applied_on, a.last_step, a.last_day, "       \
    "a.next_step, (SELECT s.name FROM develop_step s WHERE s.code = a.next_step) AS next_name, a.next_from, a.next_due, " \
    "CASE WHEN a.next_due < $9 THEN 1 ELSE 0 END AS overdue FROM develop_applicant a JOIN org o ON o.id = a.org_id WHERE "
/* the open files, and those made full members this year (the last column) */
#define DV_PIPE_OPEN " AND (a.status = 'active' OR (a.status = 'done' AND substr(a.last_day, 1, 4) = substr(CAST($9 AS TEXT), 1, 4)))"

st develop_store_pipeline(uc *c, const develop_filter *f, json_t **out, err *e) {
    *out = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    member_today(today);
    const char *like = dv_like(c, f->q);
    /* the counts of every column in one pass; the cards of each column (the first 200, soonest due
     * first) one query each, so a district's thousands of files are counted, not sent */
    json_t *counts = NULL, *pending = NULL, *cols = json_array();
    st s = cols ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    if (!s)
        s = db_query_json(c->d, &counts,
                          "SELECT a.stage, COUNT(*) AS count, SUM(CASE WHEN a.next_due < $9 THEN 1 ELSE 0 END) AS overdue "
                          "FROM develop_applicant a WHERE " DV_SCOPE DV_FILTER DV_PIPE_OPEN " GROUP BY a.stage",
                          e, "ttitttttt", k, code, f->org_id, dv_or_null(f->district), dv_or_null(f->park), NULL, NULL, like, today);
    for (int i = 0; !s && DV_STAGES[i]; i++) {
        json_t *items = NULL;
        s = db_query_json(c->d, &items,
                          DV_PIPE_COLS DV_SCOPE DV_FILTER DV_PIPE_OPEN " ORDER BY a.next_due IS NULL, a.next_due, a.id LIMIT 200", e,
                          "ttitttttt", k, code, f->org_id, dv_or_null(f->district), dv_or_null(f->park), DV_STAGES[i], NULL, like,
                          today);
        json_int_t n = 0, late = 0;
        size_t j;
        json_t *x;
        json_array_foreach(counts, j, x) if (!strcmp(json_string_value(json_object_get(x, "stage")), DV_STAGES[i])) {
            n = json_integer_value(json_object_get(x, "count"));
            late = json_integer_value(json_object_get(x, "overdue"));
        }
        json_array_foreach(items, j, x) json_object_set_new(x, "overdue", json_boolean(json_integer_value(json_object_get(x, "overdue"))));
        if (!s) json_array_append_new(cols, json_pack("{s:s,s:I,s:I,s:o}", "stage", DV_STAGES[i], "count", n, "overdue", late, "items", items));
    }
    if (!s)
        s = db_query_json(c->d, &pending, DV_PIPE_COLS DV_SCOPE DV_FILTER " AND a.status = 'pending' ORDER BY a.id LIMIT 200", e,
                          "ttitttttt", k, code, f->org_id, dv_or_null(f->district), dv_or_null(f->park), NULL, NULL, like, today);
    json_decref(counts);
    if (s) {
        json_decref(cols);
        json_decref(pending);
        return s;
    }
    *out = json_pack("{s:s,s:o,s:o}", "as_of", today, "columns", cols, "pending", pending);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* A count added to the object under key (a map while the figures are summed). */
static void dv_fig_add(json_t *map, const char *key, json_t *(*row)(void *), void *arg, const char *field, int64_t n) {
    json_t *o = json_object_get(map, key);
    if (!o) {
        o = row(arg);
        json_object_set_new(map, key, o);
    }
    json_object_set_new(o, field, json_integer(json_integer_value(json_object_get(o, field)) + n));
}

typedef struct dv_fig_key { const char *a, *b; const char *an, *bn; } dv_fig_key;
static json_t *dv_fig_row(void *arg) {
    const dv_fig_key *k = arg;
    return json_pack("{s:s,s:s}", k->an, k->a, k->bn, k->b);
}

/* The map's rows in key order (the keys are "a\x1fb": byte order of a, then b, as SQLite's ORDER BY 1, 2). */
static json_t *dv_fig_rows(json_t *map) {
    json_t *out = json_array();
    size_t n = json_object_size(map), i = 0;
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    const char *key;
    json_t *v;
    json_object_foreach(map, key, v) keys[i++] = key;
    for (size_t x = 1; x < n; x++)   /* a few dozen keys: insertion sort */
        for (size_t y = x; y > 0 && strcmp(keys[y - 1], keys[y]) > 0; y--) {
            const char *t = keys[y];
            keys[y] = keys[y - 1];
            keys[y - 1] = t;
        }
    for (i = 0; i < n; i++) json_array_append(out, json_object_get(map, keys[i]));
    free(keys);
    json_decref(map);
    return out;
}

st develop_store_figures(uc *c, const develop_filter *f, json_t **out, err *e) {
    *out = NULL;
    const char *k, *code;
    scope_bind(c, &k, &code);
    const char *year = dv_or_null(f->year);
    /* One read of the files (the columns are all in the index develop_applicant_figures, migration 0045:
       the read is of that index), counted here by everything the three tables split by — a few hundred
       groups, then summed into the tables.  Three GROUP BYs over 200,000 rows were three reads and three
       sorts (1.4 s on SQLite); one GROUP BY still sorted them all (0.3 s). */
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT a.stage, a.status, COALESCE(a.ent_category, '未填'), COALESCE(a.applied_on, ''), "
                      "COALESCE(a.voted_on, ''), COALESCE(a.full_on, '') "
                      "FROM develop_applicant a WHERE " DV_SCOPE
                      " AND ($3 = 0 OR a.org_path LIKE '%/' || CAST($3 AS TEXT) || '/%') AND (CAST($4 AS TEXT) IS NULL OR "
                      "a.district_code = $4) AND (CAST($5 AS TEXT) IS NULL OR a.park_code = $5)",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_int(q, 3, f->org_id);
    db_bind_text(q, 4, dv_or_null(f->district));
    db_bind_text(q, 5, dv_or_null(f->park));
    json_t *groups = json_object();
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        char key[320];
        snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%.4s\x1f%.4s\x1f%.4s", db_col_text(q, 0), db_col_text(q, 1), db_col_text(q, 2),
                 db_col_text(q, 3), db_col_text(q, 4), db_col_text(q, 5));
        json_t *n = json_object_get(groups, key);
        if (n) json_integer_set(n, json_integer_value(n) + 1);
        else json_object_set_new(groups, key, json_integer(1));
    }
    db_reset(q);
    if (r == DB_ERROR) {
        json_decref(groups);
        return e->code;
    }
    json_t *stage = json_object(), *cat = json_object(), *years = json_object();
    const char *gkey;
    json_t *gv;
    json_object_foreach(groups, gkey, gv) {
        char gbuf[320], *part[6] = {0};
        snprintf(gbuf, sizeof gbuf, "%s", gkey);
        char *p = gbuf;
        for (int j = 0; j < 6; j++) {
            part[j] = p;
            p = strchr(p, '\x1f');
            if (p) *p++ = 0;
            else p = part[j] + strlen(part[j]);
        }
        const char *st_ = part[0], *status = part[1], *category = part[2], *ay = part[3], *vy = part[4], *fy = part[5];
        int64_t n = json_integer_value(gv);
        char key[256];
        snprintf(key, sizeof key, "%s\x1f%s", st_, status);
        dv_fig_add(stage, key, dv_fig_row, &(dv_fig_key){st_, status, "stage", "status"}, "count", n);
        bool in = !strcmp(status, "active") || !strcmp(status, "done");
        if (in) {
            snprintf(key, sizeof key, "%s\x1f%s", category, st_);
            dv_fig_add(cat, key, dv_fig_row, &(dv_fig_key){category, st_, "category", "stage"}, "count", n);
        }
        /* developed: voted in as 预备党员 that year; full: made 正式党员 that year; applied: taken in (the
           application's day), each counted in its own year */
        const char *const ys[3] = {in || !strcmp(status, "cancelled") ? ay : "", vy, fy};
        const char *const fields[3] = {"applied", "developed", "full_members"};
        for (int j = 0; j < 3; j++) {
            if (!*ys[j] || (year && strcmp(year, ys[j]))) continue;
            snprintf(key, sizeof key, "%s\x1f%s", ys[j], category);
            json_t *o = json_object_get(years, key);
            if (!o) {
                o = json_pack("{s:s,s:s,s:i,s:i,s:i}", "year", ys[j], "category", category, "developed", 0, "full_members", 0,
                              "applied", 0);
                json_object_set_new(years, key, o);
            }
            json_object_set_new(o, fields[j], json_integer(json_integer_value(json_object_get(o, fields[j])) + n));
        }
    }
    json_decref(groups);
    *out = json_pack("{s:o,s:o,s:o}", "by_stage", dv_fig_rows(stage), "by_category", dv_fig_rows(cat), "by_year",
                     dv_fig_rows(years));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- the kept figures, worked out again ---- */

st develop_store_rebuild(db *d, int64_t *files, err *e) {
    *files = 0;
    arena mem;
    arena_init(&mem, 0);
    uc c;
    uc_cli(&c, d, &mem);
    develop_rule *rules;
    size_t nr;
    dv_steps *x = calloc(1, sizeof *x);
    st s = x ? db_begin(d, e) : err_set(e, ST_NOMEM, "内存不足。");
    if (s) {
        free(x);
        arena_free(&mem);
        return s;
    }
    s = develop_store_rules(&c, &rules, &nr, e);
    if (!s) s = db_run(d, DV_DUE_CLEAR, e, "");
    /* in pages of ids (a keyset: PostgreSQL never holds every file's id at once) */
    for (int64_t after = 0; !s;) {
        json_t *ids = NULL;
        s = db_query_json(d, &ids,
                          "SELECT id FROM develop_applicant WHERE id > $1 AND status IN ('active', 'done', 'cancelled') "
                          "ORDER BY id LIMIT 5000",
                          e, "i", after);
        size_t i, n = json_array_size(ids);
        json_t *o;
        json_array_foreach(ids, i, o) {
            if (s) break;
            after = json_integer_value(json_object_get(o, "id"));
            s = dv_refresh_with(&c, after, rules, nr, x, true, e);
            if (!s) ++*files;
        }
        json_decref(ids);
        if (!n) break;
    }
    if (!s) s = db_run(d, "DELETE FROM meta WHERE key = 'develop-due-stale'", e, "");
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    free(x);
    arena_free(&mem);
    return s;
}

st develop_store_upgrade(db *d, int64_t *files, err *e) {
    *files = 0;
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM meta WHERE key = 'develop-due-stale'", e, "");
    if (s || !n) return s;
    log_info("正在整理发展党员的到期记录 / working out the development files' due stretches");
    return develop_store_rebuild(d, files, e);
}

/* ---- scope ---- */

const scope_resolver develop_scope_resolvers[] = {
    /* An applicant sits where the organization that took the application is; the account that applied owns it. */
    {"develop", true, false,
     "SELECT district_code, park_code, org_path, NULL, user_id FROM develop_applicant WHERE id = CAST($1 AS BIGINT)",
     .noun = "入党申请人"},
    {NULL, false, false, NULL},
};

/* ---- what the reminders read (notice/) ---- */

st develop_store_overdue_count(uc *c, int64_t *n, err *e) {
    *n = 0;
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    clock_day(clock_now(), today);
    return db_query_int(c->d, n,
                        "SELECT COUNT(*) FROM develop_applicant a WHERE a.next_due IS NOT NULL AND a.next_due < $3 "
                        "AND a.status = 'active' AND " DV_SCOPE,
                        e, "ttt", k, code, today);
}
