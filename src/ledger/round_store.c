/* round_store — all of the rounds' SQL (see round.h): the stored rows of a
 * round's sources loaded as the matcher saw them at import time, rounds
 * saved, read, compared, reviewed, verified into round 4, published and
 * exported.  Every write is one audited use case; everything an area office
 * reads is limited to its area (ledger_area, ledger_scope.h).
 *
 * Building a round reads and matches everything before its write
 * transaction, so on SQLite the one write lock is held only for the inserts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "core/config.h"
#include "core/buf.h"
#include "covkept/covkept.h"
#include "ledger/ledger_scope.h"
#include "ledger/pii.h"
#include "ledger/round.h"
#include "ledger/verify.h"
#include "db/db_like.h"

static void say(const ledger_round_progress *p, const char *phase) {
    if (p && p->fn) p->fn(p->ctx, phase);
}

/* The round's number; ST_NOT_FOUND when there is none. */
static st number_of(uc *c, int64_t id, int64_t *number, err *e) {
    st s = db_query_int(c->d, number, "SELECT number FROM ledger_round WHERE id = $1", e, "i", id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)id);
    return s;
}

st ledger_round_store_number(uc *c, int64_t id, int64_t *number, err *e) {
    const char *area;
    st s = ledger_area(c, NULL, &area, e);
    return s ? s : number_of(c, id, number, e);
}

/* ---- loading what a round is built from ---- */

static ledger_code_kind code_kind_of(const char *s) {
    if (!s) return LC_NONE;
    if (!strcmp(s, "uscc")) return LC_USCC;
    if (!strcmp(s, "uscc_bad")) return LC_USCC_BAD;
    if (!strcmp(s, "regno")) return LC_REGNO;
    return LC_OTHER;
}

static const char *keep(arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

/* One stored record as the reader produced it; contact and phone are sealed
 * at rest (pii.h) and matching compares the real ones. */
static st row_of(db_stmt *q, ledger_round_input *in, int src, err *e) {
    ledger_row *r;
    st s = ledger_round_input_row(in, src, db_col_int(q, 0), &r, e);
    if (s) return s;
    r->row = (int)db_col_int(q, 1);
    r->sheet_row = (int)db_col_int(q, 2);
    static const ledger_field cols[] = {LF_NAME, LF_CODE, LF_NONE, LF_ADDRESS, LF_DISTRICT, LF_NONE, LF_STREET,
                                        LF_PARK, LF_EMPLOYEES, LF_MEMBERS, LF_CATEGORY, LF_STATUS};
    for (int k = 0; k < (int)(sizeof cols / sizeof cols[0]); k++)
        if (cols[k] != LF_NONE) r->val[cols[k]] = keep(&in->mem, db_col_text(q, 3 + k));
    for (int k = 0; k < 2 && !s; k++) {
        char *plain = NULL;
        s = ledger_pii_open(k ? "ledger_record.phone" : "ledger_record.contact", db_col_text(q, 15 + k), &plain, e);
        r->val[k ? LF_PHONE : LF_CONTACT] = keep(&in->mem, plain);
        free(plain);
    }
    r->code_kind = code_kind_of(db_col_text(q, 5));
    r->district_code = db_col_null(q, 8) ? 0 : (int)db_col_int(q, 8);
    return s;
}

/* The records of one import, as source k. */
static st load_import(uc *c, int64_t import, int k, ledger_round_input *in, err *e) {
    char *src = NULL;
    st s = db_query_text(c->d, &src, "SELECT source FROM ledger_import WHERE id = $1", e, "i", import);
    if (s == ST_NOT_FOUND) s = err_field(e, ST_INVALID, "imports", "没有编号为 %lld 的导入记录。", (long long)import);
    if (s) return s;
    in->source_names[k] = arena_strdup(&in->mem, src);
    free(src);
    db_stmt *q;
    if ((s = db_prepare(c->d,
                        "SELECT id, row, sheet_row, name, code, code_kind, address, district, district_code, street, park, "
                        "employees, members, category, status, contact, phone FROM ledger_record WHERE import_id = $1 ORDER BY row",
                        &q, e)))
        return s;
    db_bind_int(q, 1, import);
    int rc = DB_DONE;
    while (!s && (rc = db_step(q, e)) == DB_ROW) s = row_of(q, in, k, e);
    db_reset(q);
    if (!s && rc == DB_ERROR) s = e->code;
    return s;
}

/* Every decision people made; unknown records are ignored by the matcher. */
static st load_decisions(uc *c, ledger_round_input *in, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT a_record, b_record, verdict FROM ledger_decision ORDER BY decided_at", &q, e);
    if (s) return s;
    int rc = DB_DONE;
    while (!s && (rc = db_step(q, e)) == DB_ROW)
        s = ledger_round_input_decision(in, db_col_int(q, 0), db_col_int(q, 1), db_col_text(q, 2), e);
    db_reset(q);
    if (!s && rc == DB_ERROR) s = e->code;
    return s;
}

/* The records of the imports (in order) and every decision: the matcher's input. */
static st load_input(uc *c, const int64_t *imports, size_t n, ledger_round_input *in, err *e) {
    st s = ledger_round_input_init(in, n, e);
    if (!s) s = crypt_init(c->d, e);   /* contacts and phones are sealed */
    for (size_t k = 0; k < n && !s; k++) s = load_import(c, imports[k], (int)k, in, e);
    if (!s) s = ledger_round_input_seal(in, e);
    if (!s) s = load_decisions(c, in, e);
    return s;
}

/* A round's imports in their order. */
static st round_imports(uc *c, int64_t round, json_t **ids, err *e) {
    json_t *rows;
    st s = db_query_json(c->d, &rows, "SELECT import_id FROM ledger_round_import WHERE round_id = $1 ORDER BY position", e,
                         "i", round);
    if (s) return s;
    *ids = json_array();
    for (size_t i = 0; i < json_array_size(rows); i++)
        json_array_append(*ids, json_object_get(json_array_get(rows, i), "import_id"));
    json_decref(rows);
    return ST_OK;
}

/* The imports a new round takes: the given ones, then the base rounds' (a
 * round 4 is no base). */
static st sources_of(uc *c, const ledger_round_spec *sp, int64_t **list, size_t *n, err *e) {
    json_t **base = calloc(sp->nbase ? sp->nbase : 1, sizeof *base);
    if (!base) return err_set(e, ST_NOMEM, "内存不足");
    st s = ST_OK;
    for (size_t b = 0; b < sp->nbase && !s; b++) {
        int64_t num = 0;
        s = db_query_int(c->d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", sp->base_rounds[b]);
        if (s == ST_NOT_FOUND)
            s = err_field(e, ST_INVALID, "base_rounds", "没有编号为 %lld 的轮次。", (long long)sp->base_rounds[b]);
        if (!s && num == 4) s = err_field(e, ST_INVALID, "base_rounds", "第 4 轮不能作为比对的基础。");
        if (!s) s = round_imports(c, sp->base_rounds[b], &base[b], e);
    }
    if (!s) s = ledger_round_sources(sp->imports, sp->nimports, (const json_t *const *)base, sp->nbase, list, n, e);
    for (size_t b = 0; b < sp->nbase; b++) json_decref(base[b]);
    free(base);
    return s;
}

/* Parks, longest name first (an address names the most specific one). */
static st load_parks(uc *c, arena *a, ledger_round_park **parks, size_t *n, err *e) {
    json_t *rows;
    st s = db_query_json(c->d, &rows, "SELECT code, name FROM region WHERE kind = 'park' ORDER BY LENGTH(name) DESC", e, "");
    if (s) return s;
    *n = json_array_size(rows);
    *parks = arena_calloc(a, *n ? *n : 1, sizeof **parks);
    for (size_t i = 0; *parks && i < *n; i++) {
        json_t *o = json_array_get(rows, i);
        (*parks)[i].code = keep(a, json_string_value(json_object_get(o, "code")));
        (*parks)[i].name = keep(a, json_string_value(json_object_get(o, "name")));
    }
    json_decref(rows);
    return *parks ? ST_OK : err_set(e, ST_NOMEM, "内存不足");
}

/* ---- saving a round ---- */

static st save_header(uc *c, const ledger_round *r, int64_t *id, err *e) {
    int64_t entities = (int64_t)r->nent - r->removed;
    const char *params = r->params ? r->params : "{}";
    if (r->base_round)   /* round 4 names the round 3 it comes from */
        return db_query_int(c->d, id,
                            "INSERT INTO ledger_round(number, name, base_round, records, entities, removed, review, params, "
                            "created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,{{NOW}}) RETURNING id",
                            e, "itiiiiitt", (int64_t)r->number, r->name, r->base_round, r->records, entities, r->removed,
                            (int64_t)r->nreview, params, c->who.username);
    return db_query_int(c->d, id,
                        "INSERT INTO ledger_round(number, name, records, entities, removed, review, params, created_by, "
                        "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,{{NOW}}) RETURNING id",
                        e, "itiiiitt", (int64_t)r->number, r->name, r->records, entities, r->removed, (int64_t)r->nreview,
                        params, c->who.username);
}

static void bind_count(db_stmt *q, int idx, int64_t v) {
    if (v >= 0) db_bind_int(q, idx, v);
    else db_bind_null(q, idx);
}

static st save_entities(uc *c, int64_t id, const ledger_round *r, err *e) {
    db_stmt *q;
    buf scratch;
    buf_init(&scratch, 0);
    st s = db_prepare(c->d,
                      "INSERT INTO ledger_round_entity(round_id, entity_no, name, uscc, district, district_code, address, "
                      "category, employees, members, zombie, zombie_reason, removed_reason, records, park_code, street_code) "
                      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
                      &q, e);
    for (size_t i = 0; !s && i < r->nent; i++) {
        ledger_round_entity x;
        if ((s = ledger_round_entity_at(r, i, &x, &scratch, e))) break;
        db_bind_int(q, 1, id);
        db_bind_int(q, 2, x.no);
        db_bind_text(q, 3, x.name);
        db_bind_text(q, 4, x.uscc);
        db_bind_text(q, 5, x.district);
        db_bind_text(q, 6, x.district_code);
        db_bind_text(q, 7, x.address);
        db_bind_text(q, 8, x.category);
        bind_count(q, 9, x.employees);
        bind_count(q, 10, x.members);
        db_bind_int(q, 11, x.zombie);
        db_bind_text(q, 12, x.zombie_reason);
        db_bind_text(q, 13, x.removed_reason);
        db_bind_text(q, 14, x.records ? x.records : "[]");
        db_bind_text(q, 15, x.park_code);
        db_bind_text(q, 16, x.street_code);
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    buf_free(&scratch);
    return s;
}

/* A matched round's sources, which enterprise holds each record, its review pairs. */
static st save_links(uc *c, int64_t id, const ledger_round *r, const int64_t *imports, size_t nimports, err *e) {
    st s = ST_OK;
    for (size_t i = 0; !s && i < nimports; i++)
        s = db_run(c->d, "INSERT INTO ledger_round_import(round_id, import_id, position) VALUES ($1,$2,$3)", e, "iii", id,
                   imports[i], (int64_t)i);
    db_stmt *q = NULL;
    if (!s) s = db_prepare(c->d, "INSERT INTO ledger_round_member(round_id, record_id, entity_no) VALUES ($1,$2,$3)", &q, e);
    for (size_t i = 0; !s && i < ledger_round_members(r); i++) {
        int64_t rec, ent;
        ledger_round_member(r, i, &rec, &ent);
        db_bind_int(q, 1, id);
        db_bind_int(q, 2, rec);
        db_bind_int(q, 3, ent);
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    for (size_t i = 0; !s && i < r->nreview; i++) {
        const ledger_round_pair *p = &r->review[i];
        s = db_run(c->d, "INSERT INTO ledger_round_review(round_id, a_record, b_record, prob, weight) VALUES ($1,$2,$3,$4,$5) "
                         "ON CONFLICT DO NOTHING",
                   e, "iiidd", id, p->a, p->b, p->prob, p->weight);
    }
    return s;
}

/* The write of a new round 1–3: one transaction, one audit row. */
static st save_round(uc *c, const ledger_round *r, const int64_t *imports, size_t nimports, int64_t *id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    s = save_header(c, r, id, e);
    if (!s) s = save_entities(c, *id, r, e);
    if (!s) s = save_links(c, *id, r, imports, nimports, e);
    uc_act a = {"ledger.round_create", uc_obj(c, "ledger_round", *id),
                arena_printf(c->mem, "生成%s：%lld 条来源记录，%lld 家企业，剔除 %lld 家，待审 %zu 对", r->name,
                             (long long)r->records, (long long)((int64_t)r->nent - r->removed), (long long)r->removed,
                             r->nreview)};
    return uc_end(c, s, &a, e);
}

st ledger_round_store_create(uc *c, const ledger_round_spec *sp, const ledger_round_progress *p, int64_t *id, err *e) {
    *id = 0;
    int64_t *list = NULL;
    size_t nl = 0;
    ledger_round_input in;
    ledger_round r;
    memset(&in, 0, sizeof in);
    memset(&r, 0, sizeof r);
    ledger_round_park *parks = NULL;
    size_t nparks = 0;
    st s = ledger_round_number_check(sp->number, e);
    if (!s) s = sources_of(c, sp, &list, &nl, e);
    say(p, "读取台账");
    if (!s) s = load_input(c, list, nl, &in, e);
    if (!s) s = load_parks(c, &in.mem, &parks, &nparks, e);
    if (!s) s = ledger_round_build(&in, sp->number, parks, nparks, p, &r, e);
    say(p, "写入");
    if (!s) s = save_round(c, &r, list, nl, id, e);
    if (s) *id = 0;
    ledger_round_free(&r);
    ledger_round_input_free(&in);
    free(list);
    return s;
}

/* ---- round 4 ---- */

/* The kept enterprises of a round 3 with their verification results. */
static st round4_entities(uc *c, int64_t base, json_t **rows, err *e) {
    return db_query_json(c->d, rows,
                         "SELECT x.entity_no, x.name, x.uscc, x.district, x.district_code, x.address, x.category, x.employees, "
                         "x.members, x.zombie, x.zombie_reason, x.records, x.park_code, x.street_code, v.employees AS v_employees, v.premises, "
                         "v.operating, v.round_id AS verified FROM ledger_round_entity x LEFT JOIN ledger_verification v "
                         "ON v.round_id = x.round_id AND v.entity_no = x.entity_no "
                         "WHERE x.round_id = $1 AND x.removed_reason IS NULL ORDER BY x.entity_no",
                         e, "i", base);
}

static int64_t count_or(const json_t *v, int64_t none) { return json_is_integer(v) ? json_integer_value(v) : none; }

/* Round 4's enterprise from a row of round4_entities (strings stay in o). */
static void round4_entity(const json_t *o, ledger_round_entity *x) {
#define S(k) json_string_value(json_object_get(o, k))
    *x = (ledger_round_entity){.no = json_integer_value(json_object_get(o, "entity_no")), .name = S("name"),
                               .uscc = S("uscc"), .district = S("district"), .district_code = S("district_code"),
                               .address = S("address"), .category = S("category"), .park_code = S("park_code"),
                               .street_code = S("street_code"), .employees = count_or(json_object_get(o, "employees"), -1),
                               .members = count_or(json_object_get(o, "members"), -1),
                               .zombie = (int)json_integer_value(json_object_get(o, "zombie")),
                               .zombie_reason = S("zombie_reason"), .records = S("records")};
#undef S
    ledger_verification v = {.employees = count_or(json_object_get(o, "v_employees"), -1),
                             .premises = (int)count_or(json_object_get(o, "premises"), -1),
                             .operating = (int)count_or(json_object_get(o, "operating"), -1)};
    ledger_verify_round4(x, json_is_null(json_object_get(o, "verified")) ? NULL : &v);
}

/* Round 4 keeps round 3's sources and the records of the enterprises it kept. */
static st round4_links(uc *c, int64_t id, int64_t base, err *e) {
    st s = db_run(c->d, "INSERT INTO ledger_round_member(round_id, record_id, entity_no) SELECT $1, m.record_id, m.entity_no "
                        "FROM ledger_round_member m JOIN ledger_round_entity x ON x.round_id = m.round_id AND "
                        "x.entity_no = m.entity_no WHERE m.round_id = $2 AND x.removed_reason IS NULL",
                  e, "ii", id, base);
    if (!s) s = db_run(c->d, "INSERT INTO ledger_round_import(round_id, import_id, position) SELECT $1, import_id, position "
                             "FROM ledger_round_import WHERE round_id = $2",
                       e, "ii", id, base);
    return s;
}

/* Too many enterprises not checked on site: more than the setting's share
 * (ledger-unchecked-max-pct) of all. */
static bool unchecked_over(int64_t unchecked, int64_t total) {
    return total > 0 && unchecked * 100 > (int64_t)cfg_int("ledger-unchecked-max-pct") * total;
}

/* Refused unless the caller confirmed it after being told (force). */
static st unchecked_refuse(err *e, const char *what, int64_t unchecked, int64_t total, int64_t kept, int64_t removed) {
    err_set(e, ST_CONFLICT,
            "%s将保留 %lld 家、剔除 %lld 家，其中未实地核查 %lld 家（占 %lld%%，超过设置的 %ld%%）。"
            "请先完成实地核查；确需继续，请在确认框中明确选择“仍然继续”。",
            what, (long long)kept, (long long)removed, (long long)unchecked, (long long)(unchecked * 100 / total),
            cfg_int("ledger-unchecked-max-pct"));
    snprintf(e->api_code, sizeof e->api_code, "unchecked");
    return ST_CONFLICT;
}

/* Round 4 of a round 3 as it would be made now, in memory (r->ent in c->mem);
 * *rows holds its strings (caller frees). */
static st round4_make(uc *c, int64_t base, ledger_round *r, json_t **rows, err *e) {
    *rows = NULL;
    memset(r, 0, sizeof *r);
    int64_t num = 0;
    st s = db_query_int(c->d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", base);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, "base_round", "没有编号为 %lld 的轮次。", (long long)base);
    if (s) return s;
    if (num != 3) return err_field(e, ST_INVALID, "base_round", "实地核查应基于第三轮的结果（所选轮次是第 %lld 轮）。", (long long)num);
    if ((s = round4_entities(c, base, rows, e))) return s;
    r->number = 4;
    r->name = ledger_round_name(4);
    r->base_round = base;
    r->nent = json_array_size(*rows);
    r->ent = arena_calloc(c->mem, r->nent ? r->nent : 1, sizeof *r->ent);
    if (!r->ent) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t i = 0; i < r->nent; i++) {
        round4_entity(json_array_get(*rows, i), &r->ent[i]);
        r->removed += r->ent[i].removed_reason != NULL;
    }
    return ST_OK;
}

/* How many of round 4's enterprises are removed for not being checked. */
static int64_t round4_unchecked(const ledger_round *r) {
    const char *why = ledger_verify_removal(NULL);
    int64_t n = 0;
    for (size_t i = 0; i < r->nent; i++) n += r->ent[i].removed_reason && !strcmp(r->ent[i].removed_reason, why);
    return n;
}

st ledger_round_store_round4_plan(uc *c, int64_t base, json_t **plan, err *e) {
    *plan = NULL;
    ledger_round r;
    json_t *rows = NULL;
    st s = round4_make(c, base, &r, &rows, e);
    if (s) {
        json_decref(rows);
        return s;
    }
    json_t *reasons = json_object();
    for (size_t i = 0; i < r.nent; i++) {
        const char *why = r.ent[i].removed_reason;
        if (!why) continue;
        json_t *n = json_object_get(reasons, why);
        json_object_set_new(reasons, why, json_integer(n ? json_integer_value(n) + 1 : 1));
    }
    json_t *list = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(reasons, k, v) json_array_append_new(list, json_pack("{s:s,s:O}", "reason", k, "count", v));
    json_decref(reasons);
    int64_t total = (int64_t)r.nent, unchecked = round4_unchecked(&r);
    *plan = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:o}", "base_round", (json_int_t)base, "total", (json_int_t)total,
                      "kept", (json_int_t)(total - r.removed), "removed", (json_int_t)r.removed, "unchecked",
                      (json_int_t)unchecked, "checked", (json_int_t)(total - unchecked), "max_unchecked_pct",
                      (json_int_t)cfg_int("ledger-unchecked-max-pct"), "over", unchecked_over(unchecked, total), "reasons",
                      list);
    json_decref(rows);
    return *plan ? ST_OK : err_set(e, ST_NOMEM, "内存不足");
}

st ledger_round_store_round4(uc *c, int64_t base, bool force, int64_t *id, err *e) {
    *id = 0;
    ledger_round r;
    json_t *rows = NULL;
    st s = round4_make(c, base, &r, &rows, e);
    int64_t unchecked = s ? 0 : round4_unchecked(&r);
    if (!s && !force && unchecked_over(unchecked, (int64_t)r.nent))
        s = unchecked_refuse(e, "生成第四轮", unchecked, (int64_t)r.nent, (int64_t)r.nent - r.removed, r.removed);
    if (!s) s = uc_begin(c, e);
    if (s) {
        json_decref(rows);
        return s;
    }
    s = db_query_int(c->d, &r.records,
                     "SELECT COUNT(*) FROM ledger_round_member m JOIN ledger_round_entity x ON x.round_id = m.round_id "
                     "AND x.entity_no = m.entity_no WHERE m.round_id = $1 AND x.removed_reason IS NULL",
                     e, "i", base);
    if (!s) s = save_header(c, &r, id, e);
    if (!s) s = save_entities(c, *id, &r, e);
    if (!s) s = round4_links(c, *id, base, e);
    uc_act a = {"ledger.round4", uc_obj(c, "ledger_round", *id),
                arena_printf(c->mem, "由第三轮（轮次 %lld）生成第四轮：保留 %lld 家，剔除 %lld 家（未核查 %lld 家）%s",
                             (long long)base, (long long)((int64_t)r.nent - r.removed), (long long)r.removed,
                             (long long)unchecked, force && unchecked_over(unchecked, (int64_t)r.nent) ? "；未核查比例超过设置，经确认继续" : "")};
    s = uc_end(c, s, &a, e);
    json_decref(rows);
    if (s) *id = 0;
    return s;
}

/* ---- publishing ---- */

/* One enterprise of round 4 into the register: found by its credit code (or,
 * without one, by its name), updated, or added, with its street and park. */
static st publish_one(uc *c, int64_t round, const json_t *o, err *e) {
    const char *uscc = json_string_value(json_object_get(o, "uscc"));
    const char *name = json_string_value(json_object_get(o, "name"));
    int64_t eid = 0;
    st f = uscc ? db_query_int(c->d, &eid, "SELECT id FROM enterprise WHERE uscc = $1", e, "t", uscc)
                : db_query_int(c->d, &eid, "SELECT id FROM enterprise WHERE name = $1 AND uscc IS NULL", e, "t", name);
    if (f && f != ST_NOT_FOUND) return f;
    db_stmt *q;
    st s = db_prepare(c->d, f == ST_NOT_FOUND
                                ? "INSERT INTO enterprise(name, uscc, district_code, address, category, employees, members, "
                                  "status, zombie, ledger_round, ledger_entity, street_code, park_code, created_at, updated_at) "
                                  "VALUES ($1,$2,$3,$4,$5,$6,$7,'存续',0,$8,$9,$10,$11,{{NOW}},{{NOW}})"
                                : "UPDATE enterprise SET name = $1, uscc = $2, district_code = COALESCE($3, district_code), "
                                  "address = COALESCE($4, address), category = COALESCE($5, category), employees = $6, "
                                  "members = $7, zombie = 0, zombie_reason = NULL, ledger_round = $8, ledger_entity = $9, "
                                  "street_code = COALESCE($10, street_code), park_code = COALESCE($11, park_code), "
                                  "updated_at = {{NOW}} WHERE id = $12",
                      &q, e);
    if (s) return s;
    db_bind_text(q, 1, name);
    db_bind_text(q, 2, uscc);
    db_bind_text(q, 3, json_string_value(json_object_get(o, "district_code")));
    db_bind_text(q, 4, json_string_value(json_object_get(o, "address")));
    db_bind_text(q, 5, json_string_value(json_object_get(o, "category")));
    bind_count(q, 6, count_or(json_object_get(o, "employees"), -1));
    bind_count(q, 7, count_or(json_object_get(o, "members"), -1));
    db_bind_int(q, 8, round);
    db_bind_int(q, 9, json_integer_value(json_object_get(o, "entity_no")));
    /* the street and park the round found (codes the region table knows); kept when it found none */
    db_bind_text(q, 10, json_string_value(json_object_get(o, "street_code")));
    db_bind_text(q, 11, json_string_value(json_object_get(o, "park_code")));
    if (f != ST_NOT_FOUND) db_bind_int(q, 12, eid);
    if (db_step(q, e) == DB_ERROR) s = e->code;
    db_reset(q);
    return s;
}

/* What publishing round 4 would do: kept enterprises added to or updated in
 * the register, enterprises of an earlier publication leaving it, and how
 * many of the round's were removed unchecked. */
#define PUB_FOUND                                                                                           \
    "EXISTS (SELECT 1 FROM enterprise g WHERE (x.uscc IS NOT NULL AND g.uscc = x.uscc) OR (x.uscc IS NULL " \
    "AND g.uscc IS NULL AND g.name = x.name))"
typedef struct publish_counts {
    int64_t total, kept, removed, unchecked, added, updated, leaving;
} publish_counts;

static st publish_count(uc *c, int64_t round, publish_counts *k, err *e) {
    memset(k, 0, sizeof *k);
    st s = db_query_int(c->d, &k->total, "SELECT COUNT(*) FROM ledger_round_entity WHERE round_id = $1", e, "i", round);
    if (!s)
        s = db_query_int(c->d, &k->kept, "SELECT COUNT(*) FROM ledger_round_entity WHERE round_id = $1 AND removed_reason IS NULL",
                         e, "i", round);
    if (!s)
        s = db_query_int(c->d, &k->unchecked, "SELECT COUNT(*) FROM ledger_round_entity WHERE round_id = $1 AND removed_reason = $2",
                         e, "it", round, ledger_verify_removal(NULL));
    if (!s)
        s = db_query_int(c->d, &k->updated,
                         "SELECT COUNT(*) FROM ledger_round_entity x WHERE x.round_id = $1 AND x.removed_reason IS NULL AND " PUB_FOUND,
                         e, "i", round);
    /* published from another round, not zombie yet, and not found again by this one */
    if (!s)
        s = db_query_int(c->d, &k->leaving,
                         "SELECT COUNT(*) FROM enterprise g WHERE g.ledger_round IS NOT NULL AND g.ledger_round <> $1 "
                         "AND g.zombie = 0 AND NOT EXISTS (SELECT 1 FROM ledger_round_entity x WHERE x.round_id = $1 "
                         "AND x.removed_reason IS NULL AND ((x.uscc IS NOT NULL AND g.uscc = x.uscc) OR "
                         "(x.uscc IS NULL AND g.uscc IS NULL AND g.name = x.name)))",
                         e, "i", round);
    k->removed = k->total - k->kept;
    k->added = k->kept - k->updated;
    return s;
}

static st publish_round4(uc *c, int64_t round, err *e) {
    int64_t num = 0;
    st s = number_of(c, round, &num, e);
    if (!s && num != 4) s = err_set(e, ST_INVALID, "只能发布第四轮（实地核查后）的台账，所选是第 %lld 轮。", (long long)num);
    return s;
}

st ledger_round_store_publish_plan(uc *c, int64_t round, json_t **plan, err *e) {
    *plan = NULL;
    publish_counts k;
    st s = publish_round4(c, round, e);
    if (!s) s = publish_count(c, round, &k, e);
    if (s) return s;
    *plan = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "round", (json_int_t)round, "total", (json_int_t)k.total,
                      "kept", (json_int_t)k.kept, "removed", (json_int_t)k.removed, "unchecked", (json_int_t)k.unchecked,
                      "added", (json_int_t)k.added, "updated", (json_int_t)k.updated, "leaving", (json_int_t)k.leaving,
                      "max_unchecked_pct", (json_int_t)cfg_int("ledger-unchecked-max-pct"), "over",
                      unchecked_over(k.unchecked, k.total));
    return *plan ? ST_OK : err_set(e, ST_NOMEM, "内存不足");
}

st ledger_round_store_publish(uc *c, int64_t round, bool force, int *n, err *e) {
    *n = 0;
    publish_counts k;
    st s = publish_round4(c, round, e);
    if (!s) s = publish_count(c, round, &k, e);
    if (s) return s;
    bool over = unchecked_over(k.unchecked, k.total);
    if (over && !force) return unchecked_refuse(e, "发布的第四轮", k.unchecked, k.total, k.kept, k.removed);
    json_t *rows;
    if ((s = db_query_json(c->d, &rows,
                           "SELECT x.entity_no, x.name, x.uscc, x.address, x.category, x.employees, x.members, "
                           "(SELECT code FROM region g WHERE g.code = x.district_code AND g.kind = 'district') AS district_code, "
                           "(SELECT code FROM region g WHERE g.code = x.street_code AND g.kind = 'street') AS street_code, "
                           "(SELECT code FROM region g WHERE g.code = x.park_code AND g.kind = 'park') AS park_code "
                           "FROM ledger_round_entity x WHERE x.round_id = $1 AND x.removed_reason IS NULL ORDER BY x.entity_no",
                           e, "i", round)))
        return s;
    if ((s = uc_begin(c, e))) {
        json_decref(rows);
        return s;
    }
    for (size_t i = 0; !s && i < json_array_size(rows); i++) {
        s = publish_one(c, round, json_array_get(rows, i), e);
        if (!s) (*n)++;
    }
    /* Enterprises published from an earlier round and absent now leave the ledger. */
    if (!s) s = db_run(c->d, "UPDATE enterprise SET zombie = 1, zombie_reason = '不在最新发布的第四轮台账中', updated_at = {{NOW}} "
                             "WHERE ledger_round IS NOT NULL AND ledger_round <> $1",
                       e, "i", round);
    if (!s) s = db_run(c->d, "UPDATE ledger_round SET published_at = {{NOW}} WHERE id = $1", e, "i", round);
    /* the whole register changed at once: the kept coverage figures are counted again in the same act (covkept.h) */
    int64_t groups = 0;
    if (!s) s = covkept_store_rebuild(c->d, &groups, e);
    json_decref(rows);
    uc_act a = {"ledger.publish", uc_obj(c, "ledger_round", round),
                arena_printf(c->mem, "发布第四轮台账：%d 家企业写入企业名录（新增 %lld 家、更新 %lld 家），%lld 家移出台账%s", *n,
                             (long long)k.added, (long long)k.updated, (long long)k.leaving,
                             over ? "；未核查比例超过设置，经确认继续" : "")};
    s = uc_end(c, s, &a, e);
    if (s) *n = 0;
    return s;
}

/* ---- review decisions ---- */

st ledger_round_store_decide(uc *c, int64_t a, int64_t b, const char *verdict, err *e) {
    if (!verdict || (strcmp(verdict, "same") && strcmp(verdict, "different")))
        return err_field(e, ST_INVALID, "verdict", "结论应为 same（同一企业）或 different（不同企业）。");
    if (a == b) return err_field(e, ST_INVALID, "b", "不能把一条记录和它自己比较。");
    int64_t lo = a < b ? a : b, hi = a < b ? b : a, n = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM ledger_record WHERE id = $1 OR id = $2", e, "ii", a, b);
    if (!s && n != 2) s = err_set(e, ST_NOT_FOUND, "要判定的记录不存在（%lld、%lld）。", (long long)a, (long long)b);
    if (!s)
        s = db_run(c->d,
                   "INSERT INTO ledger_decision(a_record, b_record, verdict, decided_by, decided_at) VALUES ($1,$2,$3,$4,{{NOW}}) "
                   "ON CONFLICT (a_record, b_record) DO UPDATE SET verdict = excluded.verdict, "
                   "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                   e, "iitt", lo, hi, verdict, c->who.username);
    uc_act act = {"ledger.decide", arena_printf(c->mem, "ledger_decision:%lld-%lld", (long long)lo, (long long)hi),
                  arena_printf(c->mem, "判定记录 %lld 与 %lld %s", (long long)lo, (long long)hi,
                               strcmp(verdict, "same") ? "不是同一企业" : "是同一企业")};
    return uc_end(c, s, &act, e);
}

/* ---- reading rounds ---- */

/* A review pair is in an area office's view when both records lie in its
 * area (AREA, a parameter: the enterprise of this round holding each). */
#define REV_IN_AREA_AT(REC, AREA)                                                                        \
    "EXISTS (SELECT 1 FROM ledger_round_member m JOIN ledger_round_entity x ON x.round_id = m.round_id " \
    "AND x.entity_no = m.entity_no WHERE m.round_id = v.round_id AND m.record_id = " REC                \
    " AND (x.district_code = " AREA " OR x.park_code = " AREA "))"
/* The round's review pairs in the caller's area still open (NOT) or decided
 * since the round was made (a decision counts from the next round on). */
#define REV_COUNT(NOT, AREA)                                                                                          \
    "(SELECT COUNT(*) FROM ledger_round_review v WHERE v.round_id = ledger_round.id AND " NOT " EXISTS (SELECT 1 "    \
    "FROM ledger_decision dd WHERE dd.a_record = v.a_record AND dd.b_record = v.b_record) AND (CAST(" AREA          \
    " AS TEXT) IS NULL OR (" REV_IN_AREA_AT("v.a_record", AREA) " AND " REV_IN_AREA_AT("v.b_record", AREA) ")))"
#define ROUND_COLS(AREA)                                                                                        \
    "id, number, name, base_round, records, entities, removed, review, " REV_COUNT("NOT", AREA) " AS review_open, " \
    REV_COUNT("", AREA) " AS review_decided, "

st ledger_round_store_list(uc *c, json_t **rows, err *e) {
    const char *area = ledger_area_of(c);   /* the review counts: the caller's area */
    st s = db_query_json(c->d, rows,
                      "SELECT " ROUND_COLS("$1") "params, created_by, created_at, published_at FROM ledger_round "
                      "ORDER BY id DESC",
                      e, "t", area);
    if (s) return s;
    size_t i;
    json_t *o;
    json_array_foreach(*rows, i, o) {   /* kept as JSON text */
        json_t *p = json_loads(json_string_value(json_object_get(o, "params")), 0, NULL);
        json_object_set_new(o, "params", p ? p : json_object());
    }
    return ST_OK;
}

st ledger_round_store_get(uc *c, int64_t id, json_t **round, err *e) {
    *round = NULL;
    const char *area;
    json_t *rows;
    st s = ledger_area(c, NULL, &area, e);
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT " ROUND_COLS("$2") "created_by, created_at, published_at FROM ledger_round WHERE id = $1",
                          e, "it", id, area);
    if (s) return s;
    *round = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return *round ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)id);
}

/* Verification is recorded against round 3; round 4 keeps round 3's
 * enterprise numbers and shows its results (the round a result belongs to). */
#define VER_ROUND(R) "COALESCE((SELECT vr.base_round FROM ledger_round vr WHERE vr.id = " R "), " R ")"
#define ENT_WHERE                                                                                         \
    " FROM ledger_round_entity WHERE round_id = $1 AND " LEDGER_AREA_COND("$2", "district_code", "park_code") \
    " AND ($3 < 0 OR ($3 = 1) = (removed_reason IS NOT NULL)) "                                           \
    "AND (CAST($4 AS TEXT) IS NULL OR name LIKE $4 ESCAPE '\\' OR uscc LIKE $4 ESCAPE '\\') "                                    \
    "AND ($5 < 0 OR ($5 = 1) = EXISTS (SELECT 1 FROM ledger_verification v WHERE v.round_id = "           \
    VER_ROUND("ledger_round_entity.round_id") " AND v.entity_no = ledger_round_entity.entity_no))"

st ledger_round_store_entities(uc *c, int64_t round, const ledger_entity_filter *f, const uc_page *pg, json_t **items,
                               int64_t *total, err *e) {
    *items = NULL;
    *total = 0;
    const char *area;
    st s = ledger_area(c, f->district, &area, e);
    if (s) return s;
    const char *like = f->q && *f->q ? db_like(c->mem, f->q) : NULL;
    s = db_query_int(c->d, total, "SELECT COUNT(*)" ENT_WHERE, e, "ititi", round, area, (int64_t)f->removed, like,
                     (int64_t)f->verified);
    const char *sql = s ? NULL
                        : arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                       "SELECT entity_no, name, uscc, district, district_code, park_code, address, category, "
                                       "employees, members, zombie, zombie_reason, removed_reason, "
                                       "(SELECT COUNT(*) FROM ledger_verification v WHERE v.round_id = "
                                       VER_ROUND("ledger_round_entity.round_id") " AND v.entity_no = ledger_round_entity.entity_no) "
                                       "AS verified" ENT_WHERE,
                                       pg->order ? pg->order : "q.entity_no");
    if (!s && !sql) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s)
        s = db_query_json(c->d, items, sql, e, "ititiii", round, area, (int64_t)f->removed, like, (int64_t)f->verified,
                          pg->limit, pg->offset);
    return s;
}

/* Every source row behind an enterprise, with its file and position
 * (personal data masked), and its verification (null when none). */
static st entity_sources(uc *c, int64_t round, int64_t no, json_t **lineage, json_t **verification, err *e) {
    st s = db_query_json(c->d, lineage,
                         "SELECT c.id AS record_id, i.id AS import_id, i.source, i.sheet, c.row, c.sheet_row, c.name, c.code, "
                         "c.code_kind, c.address, c.district, c.employees, c.members, c.category, c.status, "
                         "c.contact_masked AS contact, c.phone_masked AS phone "
                         "FROM ledger_round_member m JOIN ledger_record c ON c.id = m.record_id "
                         "JOIN ledger_import i ON i.id = c.import_id WHERE m.round_id = $1 AND m.entity_no = $2 ORDER BY i.id, c.row",
                         e, "ii", round, no);
    json_t *ver = NULL;
    if (!s)
        s = db_query_json(c->d, &ver,
                          "SELECT employees, premises, operating, verifier, note, verified_on, recorded_by, recorded_at "
                          "FROM ledger_verification WHERE round_id = " VER_ROUND("$1") " AND entity_no = $2",
                          e, "ii", round, no);
    if (s) return s;
    *verification = json_incref(json_array_get(ver, 0));
    if (!*verification) *verification = json_null();
    json_decref(ver);
    return ST_OK;
}

st ledger_round_store_entity(uc *c, int64_t round, int64_t no, json_t **out, err *e) {
    *out = NULL;
    int64_t number;
    const char *area;
    json_t *rows;
    st s = ledger_area(c, NULL, &area, e);
    if (!s) s = number_of(c, round, &number, e);
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT entity_no, name, uscc, district, district_code, park_code, address, category, employees, "
                          "members, zombie, zombie_reason, removed_reason FROM ledger_round_entity "
                          "WHERE round_id = $1 AND entity_no = $2",
                          e, "ii", round, no);
    if (s) return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o) return err_set(e, ST_NOT_FOUND, "该轮次中没有编号为 %lld 的企业。", (long long)no);
    if (area && !ledger_area_has(area, json_string_value(json_object_get(o, "district_code")),
                                 json_string_value(json_object_get(o, "park_code")))) {
        json_decref(o);
        return err_set(e, ST_FORBIDDEN, "该企业不在您负责的区或园区，无权查看。");
    }
    json_t *lineage = NULL, *ver = NULL;
    if ((s = entity_sources(c, round, no, &lineage, &ver, e))) {
        json_decref(o);
        return s;
    }
    *out = json_pack("{s:o,s:o,s:o}", "entity", o, "lineage", lineage, "verification", ver);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

static st diff_entities(uc *c, int64_t round, json_t **rows, err *e) {
    return db_query_json(c->d, rows,
                         "SELECT entity_no, name, uscc, district, district_code, park_code, address, category, employees, "
                         "members, zombie_reason, removed_reason FROM ledger_round_entity WHERE round_id = $1 ORDER BY entity_no",
                         e, "i", round);
}

st ledger_round_store_diff(uc *c, int64_t a, int64_t b, json_t **out, err *e) {
    *out = NULL;
    const char *area;
    int64_t na, nb;
    st s = ledger_area(c, NULL, &area, e);
    if (s) return s;
    s = db_query_int(c->d, &na, "SELECT number FROM ledger_round WHERE id = $1", e, "i", a);
    if (!s) s = db_query_int(c->d, &nb, "SELECT number FROM ledger_round WHERE id = $1", e, "i", b);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "要比较的轮次不存在。");
    json_t *ea = NULL, *eb = NULL, *links = NULL;
    if (!s) s = diff_entities(c, a, &ea, e);
    if (!s) s = diff_entities(c, b, &eb, e);
    if (!s)
        s = db_query_json(c->d, &links,
                          "SELECT DISTINCT ma.entity_no AS ea, mb.entity_no AS eb FROM ledger_round_member ma "
                          "JOIN ledger_round_member mb ON mb.record_id = ma.record_id AND mb.round_id = $2 "
                          "WHERE ma.round_id = $1 ORDER BY ea, eb",
                          e, "ii", a, b);
    if (!s) s = ledger_round_diff(a, b, ea, eb, links, out, e);
    if (!s && area) ledger_round_diff_area(*out, area);   /* the caller's area only */
    json_decref(ea);
    json_decref(eb);
    json_decref(links);
    return s;
}

/* ---- the review queue ---- */

/* A pair is in an area office's view when both records lie in its area (the
 * enterprise of this round holding each): nothing of another district. */
#define REV_IN_AREA(REC) REV_IN_AREA_AT(REC, "$3")
/* Both records of each pair in the same rows (one join, no query per pair). */
#define REV_FROM                                                                                                       \
    " FROM ledger_round_review v JOIN ledger_record a ON a.id = v.a_record JOIN ledger_import ia ON ia.id = a.import_id " \
    "JOIN ledger_record b ON b.id = v.b_record JOIN ledger_import ib ON ib.id = b.import_id "                        \
    "LEFT JOIN ledger_decision dd ON dd.a_record = v.a_record AND dd.b_record = v.b_record "                         \
    "WHERE v.round_id = $1 AND ($2 = 2 OR ($2 = 1) = (dd.verdict IS NOT NULL)) AND (CAST($3 AS TEXT) IS NULL OR ("   \
    REV_IN_AREA("v.a_record") " AND " REV_IN_AREA("v.b_record") "))"
#define REV_REC(X)                                                                                                   \
    X ".id AS " X "_record_id, i" X ".source AS " X "_source, " X ".row AS " X "_row, " X ".name AS " X "_name, " X     \
    ".code AS " X "_code, " X ".code_kind AS " X "_code_kind, " X ".address AS " X "_address, " X ".district AS " X     \
    "_district, " X ".employees AS " X "_employees, " X ".members AS " X "_members, " X ".category AS " X            \
    "_category, " X ".status AS " X "_status, " X ".contact_masked AS " X "_contact, " X ".phone_masked AS " X "_phone"

/* The a_* (or b_*) columns of a row folded into its "a" (or "b") record. */
static void review_fold(json_t *o, const char *x) {
    static const char *const keys[] = {"record_id", "source", "row", "name", "code", "code_kind", "address",
                                       "district", "employees", "members", "category", "status", "contact", "phone"};
    json_t *rec = json_object();
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        char col[32];
        snprintf(col, sizeof col, "%s_%s", x, keys[k]);
        json_t *v = json_object_get(o, col);
        json_object_set(rec, keys[k], v ? v : json_null());
        json_object_del(o, col);
    }
    json_object_set_new(o, x, rec);
}

st ledger_round_store_review(uc *c, int64_t round, int state, const uc_page *pg, json_t **items, int64_t *total,
                             err *e) {
    *items = NULL;
    *total = 0;
    const char *area;
    int64_t number;
    st s = ledger_area(c, NULL, &area, e);
    if (!s) s = number_of(c, round, &number, e);
    if (!s) s = db_query_int(c->d, total, "SELECT COUNT(*)" REV_FROM, e, "iit", round, (int64_t)state, area);
    if (!s)
        s = db_query_json(c->d, items,
                          "SELECT v.a_record, v.b_record, v.prob, v.weight, dd.verdict, dd.decided_by, " REV_REC("a") ", "
                          REV_REC("b") REV_FROM " ORDER BY v.weight DESC, v.a_record, v.b_record LIMIT $4 OFFSET $5",
                          e, "iitii", round, (int64_t)state, area, pg ? pg->limit : INT64_MAX, pg ? pg->offset : 0);
    if (s) return s;
    size_t i;
    json_t *o;
    json_array_foreach(*items, i, o) {
        review_fold(o, "a");
        review_fold(o, "b");
    }
    return ST_OK;
}

st ledger_round_store_explain(uc *c, int64_t round, int64_t a_record, int64_t b_record, char **text, char **summary,
                              char **plain, err *e) {
    *text = *summary = *plain = NULL;
    json_t *imps;
    st s = round_imports(c, round, &imps, e);
    if (s) return s;
    size_t n = json_array_size(imps);
    int64_t *ids = calloc(n ? n : 1, sizeof *ids);
    for (size_t i = 0; ids && i < n; i++) ids[i] = json_integer_value(json_array_get(imps, i));
    json_decref(imps);
    if (!ids) return err_set(e, ST_NOMEM, "内存不足");
    if (!n) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    ledger_round_input in;
    memset(&in, 0, sizeof in);
    if (!s) s = load_input(c, ids, n, &in, e);
    if (!s) s = ledger_round_explain(&in, a_record, b_record, text, summary, plain, e);
    ledger_round_input_free(&in);
    free(ids);
    return s;
}

/* ---- export ---- */

st ledger_round_store_export(uc *c, int64_t round, const char *want, const char *path, err *e) {
    const char *area;
    char *name = NULL;
    json_t *rows = NULL;
    st s = ledger_area(c, want, &area, e);
    if (!s) s = db_query_text(c->d, &name, "SELECT name FROM ledger_round WHERE id = $1", e, "i", round);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT entity_no, name, uscc, district, address, category, employees, members, zombie_reason, "
                          "removed_reason, records FROM ledger_round_entity WHERE round_id = $1 AND "
                          LEDGER_AREA_COND("$2", "district_code", "park_code") " ORDER BY entity_no",
                          e, "it", round, area);
    if (!s) s = ledger_round_xlsx(path, name, round, rows, e);
    if (!s) {
        uc_act a = {"ledger.export", uc_obj(c, "ledger_round", round),
                    arena_printf(c->mem, "导出轮次台账（%s，%zu 家企业）", area ? area : "全市", json_array_size(rows))};
        s = uc_audit(c, &a, e);
    }
    free(name);
    json_decref(rows);
    return s;
}
