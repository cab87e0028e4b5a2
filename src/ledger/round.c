/* round — see round.h.  Rows come back from the database as ledger_rows so
 * that the matcher sees exactly what the readers produced at import time. */
#include "round.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/crypt.h"
#include "ledger/golden.h"
#include "ledger/match.h"
#include "ledger/pii.h"
#include "ledger/table.h"
#include "ledger/zombie.h"

static const char *const round_names[5] = {"", "第一轮：部门台账合并", "第二轮：区和园区摸排合并",
                                           "第三轮：比对去重、剔除僵尸企业", "第四轮：实地核查"};

/* ---- loading stored rows ---- */

typedef struct round_data {
    arena mem;
    size_t n, cap;
    ledger_row *rows;
    int64_t *rec_id;
    int *src;
    ledger_match_rec *recs;
    const char **source_names;
    size_t nsources;
} round_data;

static void round_data_free(round_data *rd) {
    free(rd->rows);
    free(rd->rec_id);
    free(rd->src);
    free(rd->recs);
    free(rd->source_names);
    arena_free(&rd->mem);
}

static ledger_code_kind code_kind_of(const char *s) {
    if (!s) return LC_NONE;
    if (!strcmp(s, "uscc")) return LC_USCC;
    if (!strcmp(s, "uscc_bad")) return LC_USCC_BAD;
    if (!strcmp(s, "regno")) return LC_REGNO;
    return LC_OTHER;
}

static const char *dup_or_null(arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

static st round_load(db *d, const int64_t *imports, size_t nimports, round_data *rd, err *e) {
    memset(rd, 0, sizeof *rd);
    arena_init(&rd->mem, 0);
    rd->source_names = calloc(nimports ? nimports : 1, sizeof *rd->source_names);
    if (!rd->source_names) return err_set(e, ST_NOMEM, "内存不足");
    rd->nsources = nimports;
    st s = crypt_init(d, e);   /* contacts and phones are sealed */
    for (size_t k = 0; k < nimports && !s; k++) {
        char *src = NULL;
        s = db_query_text(d, &src, "SELECT source FROM ledger_import WHERE id = $1", e, "i", imports[k]);
        if (s == ST_NOT_FOUND) s = err_field(e, ST_INVALID, "imports", "没有编号为 %lld 的导入记录。", (long long)imports[k]);
        if (s) break;
        rd->source_names[k] = arena_strdup(&rd->mem, src);
        free(src);
        db_stmt *q;
        if ((s = db_prepare(d,
                            "SELECT id, row, sheet_row, name, code, code_kind, address, district, district_code, street, park, "
                            "employees, members, category, status, contact, phone FROM ledger_record WHERE import_id = $1 ORDER BY row",
                            &q, e)))
            break;
        db_bind_int(q, 1, imports[k]);
        int rc;
        while ((rc = db_step(q, e)) == DB_ROW) {
            if (rd->n == rd->cap) {
                size_t nc = rd->cap ? rd->cap * 2 : 1024;
                ledger_row *nr = realloc(rd->rows, nc * sizeof *nr);
                if (nr) rd->rows = nr;
                int64_t *ni = realloc(rd->rec_id, nc * sizeof *ni);
                if (ni) rd->rec_id = ni;
                int *ns = realloc(rd->src, nc * sizeof *ns);
                if (ns) rd->src = ns;
                if (!nr || !ni || !ns) {
                    rc = DB_ERROR;
                    err_set(e, ST_NOMEM, "内存不足");
                    break;
                }
                rd->cap = nc;
            }
            ledger_row *r = &rd->rows[rd->n];
            memset(r, 0, sizeof *r);
            rd->rec_id[rd->n] = db_col_int(q, 0);
            rd->src[rd->n] = (int)k;
            r->row = (int)db_col_int(q, 1);
            r->sheet_row = (int)db_col_int(q, 2);
            static const ledger_field cols[] = {LF_NAME, LF_CODE, LF_NONE, LF_ADDRESS, LF_DISTRICT, LF_NONE, LF_STREET,
                                                LF_PARK, LF_EMPLOYEES, LF_MEMBERS, LF_CATEGORY, LF_STATUS, LF_CONTACT, LF_PHONE};
            for (int c = 0; c < (int)(sizeof cols / sizeof cols[0]); c++)
                if (cols[c] != LF_NONE && cols[c] != LF_CONTACT && cols[c] != LF_PHONE)
                    r->val[cols[c]] = dup_or_null(&rd->mem, db_col_text(q, 3 + c));
            /* contact and phone are sealed at rest (pii.h); matching compares the real ones */
            for (int c = 15; c <= 16; c++) {
                char *plain = NULL;
                if (ledger_pii_open(c == 15 ? "ledger_record.contact" : "ledger_record.phone", db_col_text(q, c), &plain, e)) {
                    rc = DB_ERROR;
                    break;
                }
                r->val[c == 15 ? LF_CONTACT : LF_PHONE] = dup_or_null(&rd->mem, plain);
                free(plain);
            }
            if (rc == DB_ERROR) break;
            r->code_kind = code_kind_of(db_col_text(q, 5));
            r->district_code = db_col_null(q, 8) ? 0 : (int)db_col_int(q, 8);
            rd->n++;
        }
        db_reset(q);
        if (rc == DB_ERROR) s = e->code;
    }
    if (!s && rd->n == 0) s = err_set(e, ST_INVALID, "所选台账中没有任何数据行。");
    if (!s) {
        rd->recs = calloc(rd->n, sizeof *rd->recs);
        if (!rd->recs) s = err_set(e, ST_NOMEM, "内存不足");
        for (size_t i = 0; !s && i < rd->n; i++) {
            rd->recs[i].source = rd->src[i];
            rd->recs[i].row = &rd->rows[i];
            rd->recs[i].key = arena_printf(&rd->mem, "%lld", (long long)rd->rec_id[i]);
        }
    }
    return s;
}

/* Every decision people made; unknown keys are ignored by the matcher. */
static st round_decisions(db *d, arena *a, ledger_match_decision **out, size_t *n, err *e) {
    json_t *rows;
    st s = db_query_json(d, &rows, "SELECT a_record, b_record, verdict FROM ledger_decision ORDER BY decided_at", e, "");
    if (s) return s;
    *n = json_array_size(rows);
    *out = arena_calloc(a, *n ? *n : 1, sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        json_t *o = json_array_get(rows, i);
        (*out)[i].a = arena_printf(a, "%lld", (long long)json_integer_value(json_object_get(o, "a_record")));
        (*out)[i].b = arena_printf(a, "%lld", (long long)json_integer_value(json_object_get(o, "b_record")));
        (*out)[i].verdict = strcmp(json_string_value(json_object_get(o, "verdict")), "same") == 0
                                ? LEDGER_MATCH_SAME : LEDGER_MATCH_DIFFERENT;
    }
    json_decref(rows);
    return ST_OK;
}

static void say(const round_progress *p, const char *phase) {
    if (p && p->fn) p->fn(p->ctx, phase);
}

static st run_match(db *d, round_data *rd, ledger_match_result **res, err *e) {
    ledger_match_decision *dec = NULL;
    size_t ndec = 0;
    st s = round_decisions(d, &rd->mem, &dec, &ndec, e);
    if (s) return s;
    ledger_match_opts o = {0};
    o.decisions = dec;
    o.ndecisions = ndec;
    return ledger_match_run(rd->recs, rd->n, &o, res, e);
}

static json_t *lineage_json(const round_data *rd, const ledger_golden *g) {
    json_t *a = json_array();
    for (uint32_t i = 0; i < g->nrecs; i++) json_array_append_new(a, json_integer(rd->rec_id[g->recs[i]]));
    return a;
}

/* The park an address names (longest park name first, so 软件园二期 wins over 软件园). */
static const char *park_of(const json_t *parks, const char *addr) {
    size_t i;
    json_t *o;
    if (!addr || !*addr) return NULL;
    json_array_foreach(parks, i, o) {
        const char *name = json_string_value(json_object_get(o, "name"));
        if (name && *name && strstr(addr, name)) return json_string_value(json_object_get(o, "code"));
    }
    return NULL;
}

st round_create(db *d, int number, const int64_t *imports, size_t nimports, const int64_t *base_rounds,
                size_t nbase, const char *who, const round_progress *p, int64_t *id, err *e) {
    *id = 0;
    if (number < 1 || number > 3)
        return err_field(e, ST_INVALID, "number", "比对轮次应为 1、2 或 3（第 4 轮由实地核查生成）。");
    /* The sources: given imports, then those of the base rounds, each once, in order. */
    int64_t *list = calloc(nimports + 4096, sizeof *list);
    if (!list) return err_set(e, ST_NOMEM, "内存不足");
    size_t nl = 0;
    st s = ST_OK;
    for (size_t i = 0; i < nimports && nl < 4096; i++) list[nl++] = imports[i];
    for (size_t b = 0; b < nbase && !s; b++) {
        json_t *rows;
        int64_t num = 0;
        s = db_query_int(d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", base_rounds[b]);
        if (s == ST_NOT_FOUND) s = err_field(e, ST_INVALID, "base_rounds", "没有编号为 %lld 的轮次。", (long long)base_rounds[b]);
        if (!s && num == 4) s = err_field(e, ST_INVALID, "base_rounds", "第 4 轮不能作为比对的基础。");
        if (!s) s = db_query_json(d, &rows, "SELECT import_id FROM ledger_round_import WHERE round_id = $1 ORDER BY position", e,
                                  "i", base_rounds[b]);
        for (size_t i = 0; !s && i < json_array_size(rows) && nl < nimports + 4096; i++) {
            int64_t v = json_integer_value(json_object_get(json_array_get(rows, i), "import_id"));
            bool seen = false;
            for (size_t k = 0; k < nl; k++) seen |= list[k] == v;
            if (!seen) list[nl++] = v;
        }
        if (!s) json_decref(rows);
    }
    if (!s && nl == 0) s = err_field(e, ST_INVALID, "imports", "请至少选择一个已导入的台账文件。");
    for (size_t i = 0; !s && i < nl; i++)
        for (size_t k = i + 1; k < nl; k++)
            if (list[i] == list[k]) s = err_field(e, ST_INVALID, "imports", "导入 %lld 被选了两次。", (long long)list[i]);
    round_data rd;
    memset(&rd, 0, sizeof rd);
    say(p, "读取台账");
    if (!s) s = round_load(d, list, nl, &rd, e);
    ledger_match_result *res = NULL;
    say(p, "比对");
    if (!s) s = run_match(d, &rd, &res, e);
    ledger_golden *g = NULL;
    ledger_zombie *z = NULL;
    size_t nz = 0;
    say(p, "生成标准记录");
    if (!s) s = ledger_golden_build(res, &rd.mem, &g, e);
    if (!s) s = ledger_zombie_find(res, rd.source_names, &rd.mem, &z, &nz, e);
    json_t *parks = NULL;
    if (!s) s = db_query_json(d, &parks, "SELECT code, name FROM region WHERE kind = 'park' ORDER BY LENGTH(name) DESC", e, "");
    say(p, "写入");
    if (!s) s = db_begin(d, e);
    int removed = 0;
    if (!s) {
        /* removed: round 3 drops definite zombies; earlier rounds only flag them */
        for (size_t i = 0; i < nz; i++) removed += number == 3 && z[i].definite;
        json_t *params = json_pack("{s:f,s:f,s:I,s:I,s:I,s:I,s:f}", "lambda", res->lambda, "link_prob", res->link_prob,
                                   "compared", (json_int_t)res->stats.compared, "links", (json_int_t)res->stats.links,
                                   "refused_codes", (json_int_t)res->stats.refused_codes, "decisions_applied",
                                   (json_int_t)res->stats.decisions_applied, "seconds",
                                   res->stats.seconds_features + res->stats.seconds_blocking +
                                       res->stats.seconds_scoring + res->stats.seconds_cluster);
        char *pj = json_dumps(params, JSON_COMPACT);
        json_decref(params);
        s = db_query_int(d, id,
                         "INSERT INTO ledger_round(number, name, records, entities, removed, review, params, created_by, "
                         "created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,{{NOW}}) RETURNING id",
                         e, "itiiiitt", (int64_t)number, round_names[number], (int64_t)rd.n,
                         (int64_t)res->nentity - removed, (int64_t)removed, (int64_t)res->nreview, pj ? pj : "{}", who);
        free(pj);
    }
    for (size_t i = 0; !s && i < nl; i++)
        s = db_run(d, "INSERT INTO ledger_round_import(round_id, import_id, position) VALUES ($1,$2,$3)", e, "iii", *id,
                   list[i], (int64_t)i);
    size_t zi = 0;
    for (size_t k = 0; !s && k < res->nentity; k++) {
        const ledger_golden *ge = &g[k];
        while (zi < nz && z[zi].entity < k) zi++;
        const ledger_zombie *zz = zi < nz && z[zi].entity == k ? &z[zi] : NULL;
        char *rec = NULL;
        json_t *lj = lineage_json(&rd, ge);
        rec = json_dumps(lj, JSON_COMPACT);
        json_decref(lj);
        char dc[16];
        snprintf(dc, sizeof dc, "%d", ge->district_code);
        const char *removed_reason = NULL;
        if (zz && number == 3 && zz->definite) removed_reason = arena_printf(&rd.mem, "僵尸企业：%s", zz->reasons);
        db_stmt *iq;
        s = db_prepare(d,
                       "INSERT INTO ledger_round_entity(round_id, entity_no, name, uscc, district, district_code, address, "
                       "category, employees, members, zombie, zombie_reason, removed_reason, records, park_code) "
                       "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
                       &iq, e);
        if (!s) {
            db_bind_int(iq, 1, *id);
            db_bind_int(iq, 2, (int64_t)k + 1);
            db_bind_text(iq, 3, ge->name);
            db_bind_text(iq, 4, *ge->code ? ge->code : NULL);
            db_bind_text(iq, 5, *ge->district ? ge->district : NULL);
            db_bind_text(iq, 6, ge->district_code ? dc : NULL);
            db_bind_text(iq, 7, *ge->address ? ge->address : NULL);
            db_bind_text(iq, 8, *ge->category ? ge->category : NULL);
            if (ge->employees >= 0) db_bind_int(iq, 9, ge->employees);
            else db_bind_null(iq, 9);
            if (ge->members >= 0) db_bind_int(iq, 10, ge->members);
            else db_bind_null(iq, 10);
            db_bind_int(iq, 11, zz ? (zz->definite ? 1 : 2) : 0);
            db_bind_text(iq, 12, zz ? zz->reasons : NULL);
            db_bind_text(iq, 13, removed_reason);
            db_bind_text(iq, 14, rec ? rec : "[]");
            db_bind_text(iq, 15, park_of(parks, ge->address));
            if (db_step(iq, e) == DB_ERROR) s = e->code;
            db_reset(iq);
        }
        free(rec);
    }
    db_stmt *q = NULL;
    if (!s) s = db_prepare(d, "INSERT INTO ledger_round_member(round_id, record_id, entity_no) VALUES ($1,$2,$3)", &q, e);
    for (size_t i = 0; !s && i < rd.n; i++) {
        db_bind_int(q, 1, *id);
        db_bind_int(q, 2, rd.rec_id[i]);
        db_bind_int(q, 3, (int64_t)res->entity[i] + 1);
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    for (size_t i = 0; !s && i < res->nreview; i++) {
        const ledger_match_pair *pr = &res->review[i];
        int64_t ra = rd.rec_id[pr->a], rb = rd.rec_id[pr->b];
        s = db_run(d, "INSERT INTO ledger_round_review(round_id, a_record, b_record, prob, weight) VALUES ($1,$2,$3,$4,$5) "
                      "ON CONFLICT DO NOTHING",
                   e, "iiidd", *id, ra < rb ? ra : rb, ra < rb ? rb : ra, (double)pr->prob, (double)pr->weight);
    }
    if (!s) s = db_commit(d, e);
    else db_rollback(d);
    if (s) *id = 0;
    json_decref(parks);
    if (res) ledger_match_free(res);
    round_data_free(&rd);
    free(list);
    return s;
}

/* ---- round 4: field verification ---- */

st round_verify(db *d, int64_t base, const char *who, int64_t *id, err *e) {
    *id = 0;
    int64_t num = 0;
    st s = db_query_int(d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", base);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, "base_round", "没有编号为 %lld 的轮次。", (long long)base);
    if (s) return s;
    if (num != 3) return err_field(e, ST_INVALID, "base_round", "实地核查应基于第三轮的结果（所选轮次是第 %lld 轮）。", (long long)num);
    json_t *ents;
    s = db_query_json(d, &ents,
                      "SELECT x.entity_no, x.name, x.uscc, x.district, x.district_code, x.address, x.category, x.employees, "
                      "x.members, x.zombie, x.zombie_reason, x.records, x.park_code, v.employees AS v_employees, v.premises, v.operating, "
                      "v.round_id AS verified FROM ledger_round_entity x LEFT JOIN ledger_verification v "
                      "ON v.round_id = x.round_id AND v.entity_no = x.entity_no "
                      "WHERE x.round_id = $1 AND x.removed_reason IS NULL ORDER BY x.entity_no",
                      e, "i", base);
    if (s) return s;
    if ((s = db_begin(d, e))) {
        json_decref(ents);
        return s;
    }
    size_t n = json_array_size(ents);
    int removed = 0;
    s = db_query_int(d, id,
                     "INSERT INTO ledger_round(number, name, base_round, records, entities, removed, review, params, "
                     "created_by, created_at) VALUES (4, $1, $2, 0, 0, 0, 0, '{}', $3, {{NOW}}) RETURNING id",
                     e, "tit", round_names[4], base, who);
    for (size_t i = 0; !s && i < n; i++) {
        json_t *o = json_array_get(ents, i);
        int64_t no = json_integer_value(json_object_get(o, "entity_no"));
        const char *reason = NULL;
        json_t *ve = json_object_get(o, "v_employees");
        if (json_is_null(json_object_get(o, "verified"))) reason = "未实地核查";
        else if (json_integer_value(json_object_get(o, "premises")) == 0 && json_is_integer(json_object_get(o, "premises")))
            reason = "实地核查：无固定办公场所";
        else if (json_integer_value(json_object_get(o, "operating")) == 0 && json_is_integer(json_object_get(o, "operating")))
            reason = "实地核查：未正常经营";
        else if (json_is_integer(ve) && json_integer_value(ve) == 0) reason = "实地核查：无从业人员";
        removed += reason != NULL;
        json_t *emp = json_is_integer(ve) ? ve : json_object_get(o, "employees");
        db_stmt *q;
        if ((s = db_prepare(d,
                            "INSERT INTO ledger_round_entity(round_id, entity_no, name, uscc, district, district_code, address, "
                            "category, employees, members, zombie, zombie_reason, removed_reason, records, park_code) "
                            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
                            &q, e)))
            break;
        static const char *cols[] = {"name", "uscc", "district", "district_code", "address", "category"};
        db_bind_int(q, 1, *id);
        db_bind_int(q, 2, no);
        for (int c = 0; c < 6; c++) db_bind_text(q, 3 + c, json_string_value(json_object_get(o, cols[c])));
        if (json_is_integer(emp)) db_bind_int(q, 9, json_integer_value(emp));
        else db_bind_null(q, 9);
        if (json_is_integer(json_object_get(o, "members"))) db_bind_int(q, 10, json_integer_value(json_object_get(o, "members")));
        else db_bind_null(q, 10);
        db_bind_int(q, 11, json_integer_value(json_object_get(o, "zombie")));
        db_bind_text(q, 12, json_string_value(json_object_get(o, "zombie_reason")));
        db_bind_text(q, 13, reason);
        db_bind_text(q, 14, json_string_value(json_object_get(o, "records")));
        db_bind_text(q, 15, json_string_value(json_object_get(o, "park_code")));
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    if (!s) s = db_run(d, "INSERT INTO ledger_round_member(round_id, record_id, entity_no) SELECT $1, m.record_id, m.entity_no "
                          "FROM ledger_round_member m JOIN ledger_round_entity x ON x.round_id = m.round_id AND "
                          "x.entity_no = m.entity_no WHERE m.round_id = $2 AND x.removed_reason IS NULL",
                       e, "ii", *id, base);
    if (!s) s = db_run(d, "INSERT INTO ledger_round_import(round_id, import_id, position) SELECT $1, import_id, position "
                          "FROM ledger_round_import WHERE round_id = $2",
                       e, "ii", *id, base);
    int64_t records = 0;
    if (!s) s = db_query_int(d, &records, "SELECT COUNT(*) FROM ledger_round_member WHERE round_id = $1", e, "i", *id);
    if (!s) s = db_run(d, "UPDATE ledger_round SET records = $1, entities = $2, removed = $3 WHERE id = $4", e, "iiii", records,
                       (int64_t)n - removed, (int64_t)removed, *id);
    json_decref(ents);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    *id = 0;
    return s;
}

/* ---- diff ---- */

typedef struct ent { json_t *o; bool kept; int64_t primary; /* A side: its B partner; B side: its primary A */ } ent;

static st load_entities(db *d, int64_t round, ent **out, int64_t *n, err *e) {
    json_t *rows;
    st s = db_query_json(d, &rows,
                         "SELECT entity_no, name, uscc, district, district_code, park_code, address, category, employees, "
                         "members, zombie_reason, removed_reason FROM ledger_round_entity WHERE round_id = $1 ORDER BY entity_no",
                         e, "i", round);
    if (s) return s;
    /* entity numbers are dense in rounds 1–3 but round 4 skips the ones round 3 removed */
    size_t k = json_array_size(rows);
    int64_t max = 0;
    for (size_t i = 0; i < k; i++) {
        int64_t no = json_integer_value(json_object_get(json_array_get(rows, i), "entity_no"));
        if (no > max) max = no;
    }
    *n = max;
    *out = calloc((size_t)max + 1, sizeof **out);
    if (!*out) {
        json_decref(rows);
        return err_set(e, ST_NOMEM, "内存不足");
    }
    for (size_t i = 0; i < k; i++) {
        json_t *o = json_array_get(rows, i);
        int64_t no = json_integer_value(json_object_get(o, "entity_no"));
        if (no < 1) continue;
        (*out)[no].o = json_incref(o);
        (*out)[no].kept = json_is_null(json_object_get(o, "removed_reason"));
    }
    json_decref(rows);
    return ST_OK;
}

static json_t *ent_brief(const ent *x) {
    json_t *o = json_object();
    static const char *keys[] = {"entity_no", "name", "uscc", "district", "district_code", "park_code", "category"};
    for (int i = 0; i < 7; i++) json_object_set(o, keys[i], json_object_get(x->o, keys[i]));
    return o;
}

st round_diff(db *d, int64_t a, int64_t b, json_t **out, err *e) {
    *out = NULL;
    ent *ea = NULL, *eb = NULL;
    int64_t na = 0, nb = 0;
    int64_t dummy;
    st s = db_query_int(d, &dummy, "SELECT id FROM ledger_round WHERE id = $1", e, "i", a);
    if (!s) s = db_query_int(d, &dummy, "SELECT id FROM ledger_round WHERE id = $1", e, "i", b);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "要比较的轮次不存在。");
    if (!s) s = load_entities(d, a, &ea, &na, e);
    if (!s) s = load_entities(d, b, &eb, &nb, e);
    json_t *links = NULL;
    if (!s)
        s = db_query_json(d, &links,
                          "SELECT DISTINCT ma.entity_no AS ea, mb.entity_no AS eb FROM ledger_round_member ma "
                          "JOIN ledger_round_member mb ON mb.record_id = ma.record_id AND mb.round_id = $2 "
                          "WHERE ma.round_id = $1 ORDER BY ea, eb",
                          e, "ii", a, b);
    if (s) {
        for (int64_t i = 0; ea && i <= na; i++) json_decref(ea[i].o);
        for (int64_t i = 0; eb && i <= nb; i++) json_decref(eb[i].o);
        free(ea);
        free(eb);
        return s;
    }
    /* For each kept B entity, its primary A entity: the lowest-numbered kept A
     * entity sharing a record.  Each kept A entity: a kept B partner if any,
     * else any B partner (to learn why it was removed). */
    int64_t *a_any = calloc((size_t)na + 1, sizeof *a_any);
    for (size_t i = 0; i < json_array_size(links); i++) {
        json_t *o = json_array_get(links, i);
        int64_t x = json_integer_value(json_object_get(o, "ea")), y = json_integer_value(json_object_get(o, "eb"));
        if (x < 1 || x > na || y < 1 || y > nb || !ea[x].o || !eb[y].o) continue;
        if (ea[x].kept && eb[y].kept && !eb[y].primary) eb[y].primary = x;
        if (eb[y].kept && !ea[x].primary) ea[x].primary = y;
        if (a_any && !a_any[x]) a_any[x] = y;
    }
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    for (int64_t y = 1; y <= nb; y++)
        if (eb[y].o && eb[y].kept && !eb[y].primary) json_array_append_new(added, ent_brief(&eb[y]));
    static const char *fields[] = {"name", "uscc", "district", "address", "category", "employees", "members"};
    static const char *labels[] = {"名称", "统一社会信用代码", "所属区", "地址", "行业分类", "从业人数", "党员数"};
    for (int64_t x = 1; x <= na; x++) {
        if (!ea[x].o || !ea[x].kept) continue;
        int64_t y = ea[x].primary;
        if (!y) {
            json_t *o = ent_brief(&ea[x]);
            int64_t any = a_any ? a_any[x] : 0;
            const char *why = any && eb[any].o ? json_string_value(json_object_get(eb[any].o, "removed_reason")) : NULL;
            json_object_set_new(o, "reason", json_string(why ? why : "其来源台账不在本轮次中"));
            json_array_append_new(removed, o);
        } else if (eb[y].primary != x) {
            json_t *o = ent_brief(&ea[x]);
            const ent *p = &ea[eb[y].primary];
            char why[600];
            snprintf(why, sizeof why, "与「%s」是同一企业，已合并（本轮企业编号 %lld）",
                     p->o ? json_string_value(json_object_get(p->o, "name")) : "", (long long)y);
            json_object_set_new(o, "reason", json_string(why));
            json_object_set_new(o, "duplicate_of", json_integer(eb[y].primary));
            json_array_append_new(removed, o);
        } else {
            json_t *ch = json_array();
            for (int f = 0; f < 7; f++) {
                json_t *va = json_object_get(ea[x].o, fields[f]), *vb = json_object_get(eb[y].o, fields[f]);
                if (!json_equal(va ? va : json_null(), vb ? vb : json_null()))
                    json_array_append_new(ch, json_pack("{s:s,s:s,s:O?,s:O?}", "field", fields[f], "label", labels[f],
                                                        "from", va, "to", vb));
            }
            if (json_array_size(ch)) {
                json_t *o = ent_brief(&eb[y]);
                json_object_set_new(o, "from_entity_no", json_integer(x));
                json_object_set_new(o, "changes", ch);
                json_array_append_new(changed, o);
            } else json_decref(ch);
        }
    }
    *out = json_pack("{s:I,s:I,s:o,s:o,s:o,s:{s:I,s:I,s:I}}", "from", (json_int_t)a, "to", (json_int_t)b, "added", added,
                     "removed", removed, "changed", changed, "counts", "added", (json_int_t)json_array_size(added),
                     "removed", (json_int_t)json_array_size(removed), "changed", (json_int_t)json_array_size(changed));
    free(a_any);
    json_decref(links);
    for (int64_t i = 0; i <= na; i++) json_decref(ea[i].o);
    for (int64_t i = 0; i <= nb; i++) json_decref(eb[i].o);
    free(ea);
    free(eb);
    return ST_OK;
}

/* ---- review decisions ---- */

st round_decide(db *d, int64_t a, int64_t b, const char *verdict, const char *who, err *e) {
    if (!verdict || (strcmp(verdict, "same") && strcmp(verdict, "different")))
        return err_field(e, ST_INVALID, "verdict", "结论应为 same（同一企业）或 different（不同企业）。");
    if (a == b) return err_field(e, ST_INVALID, "b", "不能把一条记录和它自己比较。");
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM ledger_record WHERE id = $1 OR id = $2", e, "ii", a, b);
    if (s) return s;
    if (n != 2) return err_set(e, ST_NOT_FOUND, "要判定的记录不存在（%lld、%lld）。", (long long)a, (long long)b);
    int64_t lo = a < b ? a : b, hi = a < b ? b : a;
    return db_run(d,
                  "INSERT INTO ledger_decision(a_record, b_record, verdict, decided_by, decided_at) VALUES ($1,$2,$3,$4,{{NOW}}) "
                  "ON CONFLICT (a_record, b_record) DO UPDATE SET verdict = excluded.verdict, "
                  "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                  e, "iitt", lo, hi, verdict, who);
}

/* ---- verification template and import ---- */

static const char *const vt_heads[] = {"企业编号", "企业名称", "统一社会信用代码", "所属区", "地址", "台账从业人数",
                                       "核实从业人数", "有无办公场所", "是否正常经营", "核查人", "备注"};

st round_verify_template(db *d, int64_t round, const char *district_code, const char *path, err *e) {
    int64_t num = 0;
    st s = db_query_int(d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", round);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    if (s) return s;
    if (num != 3) return err_set(e, ST_INVALID, "核查表应从第三轮结果生成（所选是第 %lld 轮）。", (long long)num);
    json_t *rows;
    s = db_query_json(d, &rows,
                      "SELECT entity_no, name, uscc, district, address, employees, zombie_reason FROM ledger_round_entity "
                      "WHERE round_id = $1 AND removed_reason IS NULL AND (CAST($2 AS TEXT) IS NULL OR district_code = $2 "
                      "OR park_code = $2) "
                      "ORDER BY district_code, entity_no",
                      e, "it", round, district_code);
    if (s) return s;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        json_decref(rows);
        return err_set(e, ST_IO, "无法创建文件 %s。", path);
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "实地核查");
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_text_wrap(head);
    lxw_format *fill = workbook_add_format(wb);
    format_set_bg_color(fill, 0xFFF2CC);
    format_set_border(fill, LXW_BORDER_THIN);
    char t[200];
    snprintf(t, sizeof t, "企业实地核查表（第 %lld 号轮次%s%s）——请填写黄色列后导回", (long long)round,
             district_code ? "，区划 " : "", district_code ? district_code : "");
    worksheet_write_string(ws, 0, 0, t, title);
    static const double w[] = {9, 34, 22, 9, 40, 12, 12, 12, 12, 10, 24};
    for (int c = 0; c < 11; c++) {
        worksheet_write_string(ws, 1, (lxw_col_t)c, vt_heads[c], head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w[c], c >= 6 ? fill : NULL);
    }
    worksheet_freeze_panes(ws, 2, 2);
    size_t n = json_array_size(rows);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(rows, i);
        lxw_row_t r = (lxw_row_t)(i + 2);
        worksheet_write_number(ws, r, 0, (double)json_integer_value(json_object_get(o, "entity_no")), NULL);
        static const char *k[] = {"name", "uscc", "district", "address"};
        for (int c = 0; c < 4; c++) {
            const char *v = json_string_value(json_object_get(o, k[c]));
            if (v) worksheet_write_string(ws, r, (lxw_col_t)(c + 1), v, NULL);
        }
        if (json_is_integer(json_object_get(o, "employees")))
            worksheet_write_number(ws, r, 5, (double)json_integer_value(json_object_get(o, "employees")), NULL);
        const char *zr = json_string_value(json_object_get(o, "zombie_reason"));
        if (zr) worksheet_write_string(ws, r, 10, zr, NULL);
    }
    if (n) {
        lxw_data_validation yn = {0}, sf = {0}, nonneg = {0};
        const char *yn_list[] = {"有", "无", NULL}, *shi_fou[] = {"是", "否", NULL};
        yn.validate = LXW_VALIDATION_TYPE_LIST;
        yn.value_list = (char **)yn_list;
        sf.validate = LXW_VALIDATION_TYPE_LIST;
        sf.value_list = (char **)shi_fou;
        nonneg.validate = LXW_VALIDATION_TYPE_INTEGER;
        nonneg.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        nonneg.value_number = 0;
        worksheet_data_validation_range(ws, 2, 6, (lxw_row_t)(n + 1), 6, &nonneg);
        worksheet_data_validation_range(ws, 2, 7, (lxw_row_t)(n + 1), 7, &yn);
        worksheet_data_validation_range(ws, 2, 8, (lxw_row_t)(n + 1), 8, &sf);
    }
    json_decref(rows);
    lxw_error x = workbook_close(wb);
    return x == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "写入 %s 失败：%s", path, lxw_strerror(x));
}

/* 有/是/1 → 1, 无/否/没有/0 → 0, empty → -1, anything else → -2 */
static int yes_no(const char *v) {
    if (!v || !*v) return -1;
    if (!strncmp(v, "有", 3) || !strncmp(v, "是", 3) || !strcmp(v, "1") || !strcasecmp(v, "Y") || !strcasecmp(v, "yes")) return 1;
    if (!strncmp(v, "无", 3) || !strncmp(v, "否", 3) || !strncmp(v, "没有", 6) || !strcmp(v, "0") || !strcasecmp(v, "N") ||
        !strcasecmp(v, "no"))
        return 0;
    return -2;
}

st round_verify_set(db *d, int64_t round, int64_t no, int64_t employees, int premises, int operating,
                    const char *verifier, const char *note, const char *verified_on, const char *who, err *e) {
    int64_t have = 0;
    st s = db_query_int(d, &have,
                        "SELECT COUNT(*) FROM ledger_round_entity x JOIN ledger_round r ON r.id = x.round_id "
                        "WHERE x.round_id = $1 AND x.entity_no = $2 AND r.number = 3",
                        e, "ii", round, no);
    if (s) return s;
    if (!have) return err_field(e, ST_NOT_FOUND, "entity_no", "第三轮 %lld 中没有编号为 %lld 的企业。", (long long)round, (long long)no);
    db_stmt *q;
    if ((s = db_prepare(d,
                        "INSERT INTO ledger_verification(round_id, entity_no, employees, premises, operating, verifier, note, "
                        "recorded_by, recorded_at, verified_on) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,{{NOW}},$9) "
                        "ON CONFLICT (round_id, entity_no) "
                        "DO UPDATE SET employees = excluded.employees, premises = excluded.premises, operating = excluded.operating, "
                        "verifier = excluded.verifier, note = excluded.note, recorded_by = excluded.recorded_by, "
                        "recorded_at = excluded.recorded_at, verified_on = excluded.verified_on",
                        &q, e)))
        return s;
    db_bind_int(q, 1, round);
    db_bind_int(q, 2, no);
    if (employees >= 0) db_bind_int(q, 3, employees);
    else db_bind_null(q, 3);
    if (premises >= 0) db_bind_int(q, 4, premises);
    else db_bind_null(q, 4);
    if (operating >= 0) db_bind_int(q, 5, operating);
    else db_bind_null(q, 5);
    db_bind_text(q, 6, verifier);
    db_bind_text(q, 7, note);
    db_bind_text(q, 8, who);
    db_bind_text(q, 9, verified_on);
    if (db_step(q, e) == DB_ERROR) s = e->code;
    db_reset(q);
    return s;
}

static int col_of(const ledger_table *t, const char *head) {
    for (int c = 0; c < t->ncols; c++)
        if (t->headers[c] && !strcmp(t->headers[c], head)) return c;
    return -1;
}

st round_verify_import(db *d, int64_t round, const char *path, const char *name, const char *who, const char *area,
                       int *taken, json_t **problems, err *e) {
    *taken = 0;
    *problems = json_array();
    ledger_table *t = NULL;
    st s;
    FILE *f = fopen(path, "rb");
    if (!f) return err_set(e, ST_IO, "无法打开文件 %s。", name);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = sz > 0 ? malloc((size_t)sz) : NULL;
    size_t got = data ? fread(data, 1, (size_t)sz, f) : 0;
    fclose(f);
    if (!data || got != (size_t)sz) {
        free(data);
        return err_set(e, ST_INVALID, "文件 %s 为空或无法读取。", name);
    }
    ledger_read_opts o = {0};
    s = ledger_table_read_mem(name, data, (size_t)sz, &o, &t, e);
    free(data);
    if (s) return s;
    int c_no = col_of(t, "企业编号"), c_emp = col_of(t, "核实从业人数"), c_pre = col_of(t, "有无办公场所"),
        c_op = col_of(t, "是否正常经营"), c_who = col_of(t, "核查人"), c_note = col_of(t, "备注");
    if (c_no < 0 || (c_emp < 0 && c_pre < 0 && c_op < 0)) {
        ledger_table_free(t);
        return err_set(e, ST_INVALID, "文件 %s 不是实地核查表：缺少“企业编号”或核查结果列。请用系统导出的核查表填写。", name);
    }
    if ((s = db_begin(d, e))) {
        ledger_table_free(t);
        return s;
    }
    for (int i = 0; !s && i < t->nrows; i++) {
        const ledger_row *r = &t->rows[i];
        const char *no_s = r->cells[c_no];
        char *end;
        long long no = strtoll(no_s, &end, 10);
        const char *emp_s = c_emp >= 0 ? r->cells[c_emp] : "";
        int pre = c_pre >= 0 ? yes_no(r->cells[c_pre]) : -1, op = c_op >= 0 ? yes_no(r->cells[c_op]) : -1;
        long long emp = -1;
        if (*emp_s) {
            emp = strtoll(emp_s, &end, 10);
            if (*end || emp < 0) {
                json_array_append_new(*problems, json_pack("{s:i,s:s,s:s,s:s}", "row", r->sheet_row, "column", "核实从业人数",
                                                           "value", emp_s, "message", "核实从业人数应为不小于 0 的整数，本行未导入。"));
                continue;
            }
        }
        if (pre == -2 || op == -2) {
            json_array_append_new(*problems, json_pack("{s:i,s:s,s:s,s:s}", "row", r->sheet_row, "column",
                                                       pre == -2 ? "有无办公场所" : "是否正常经营", "value",
                                                       pre == -2 ? r->cells[c_pre] : r->cells[c_op], "message",
                                                       "请填写“有/无”或“是/否”，本行未导入。"));
            continue;
        }
        if (emp < 0 && pre < 0 && op < 0) continue;  /* not filled in yet */
        if (!*no_s || no <= 0) {
            json_array_append_new(*problems, json_pack("{s:i,s:s,s:s,s:s}", "row", r->sheet_row, "column", "企业编号", "value",
                                                       no_s, "message", "企业编号缺失或无效，本行未导入。"));
            continue;
        }
        if (area) {
            int64_t inside = 0;
            s = db_query_int(d, &inside, "SELECT COUNT(*) FROM ledger_round_entity WHERE round_id = $1 AND entity_no = $2 "
                                         "AND (district_code = $3 OR park_code = $3)", e, "iit", round, (int64_t)no, area);
            if (s) break;
            if (!inside) {
                json_array_append_new(*problems, json_pack("{s:i,s:s,s:s,s:s}", "row", r->sheet_row, "column", "企业编号",
                                                           "value", no_s, "message", "该企业不在您负责的辖区，本行未导入。"));
                continue;
            }
        }
        err e2;
        st s2 = round_verify_set(d, round, no, emp, pre, op, c_who >= 0 && *r->cells[c_who] ? r->cells[c_who] : NULL,
                                 c_note >= 0 && *r->cells[c_note] ? r->cells[c_note] : NULL, NULL, who, &e2);
        if (s2 == ST_NOT_FOUND) {
            json_array_append_new(*problems, json_pack("{s:i,s:s,s:s,s:s}", "row", r->sheet_row, "column", "企业编号", "value",
                                                       no_s, "message", e2.msg));
            continue;
        }
        if (s2) s = err_set(e, s2, "%s", e2.msg);
        else (*taken)++;
    }
    ledger_table_free(t);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    *taken = 0;
    return s;
}

/* ---- export and publish ---- */

st round_export_xlsx(db *d, int64_t round, const char *area, const char *path, err *e) {
    json_t *rows;
    char *name = NULL;
    st s = db_query_text(d, &name, "SELECT name FROM ledger_round WHERE id = $1", e, "i", round);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    if (s) return s;
    s = db_query_json(d, &rows,
                      "SELECT entity_no, name, uscc, district, address, category, employees, members, zombie_reason, "
                      "removed_reason, records FROM ledger_round_entity WHERE round_id = $1 "
                      "AND (CAST($2 AS TEXT) IS NULL OR district_code = $2 OR park_code = $2) ORDER BY entity_no",
                      e, "it", round, area);
    if (s) {
        free(name);
        return s;
    }
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        free(name);
        json_decref(rows);
        return err_set(e, ST_IO, "无法创建文件 %s。", path);
    }
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    static const char *heads[] = {"企业编号", "企业名称", "统一社会信用代码", "所属区", "地址", "行业分类", "从业人数",
                                  "党员数", "疑似僵尸原因", "剔除原因", "来源记录数"};
    static const char *keys[] = {"entity_no", "name", "uscc", "district", "address", "category", "employees",
                                 "members", "zombie_reason", "removed_reason", "records"};
    static const double w[] = {9, 36, 22, 9, 40, 9, 10, 8, 36, 36, 10};
    lxw_worksheet *sheets[2] = {workbook_add_worksheet(wb, "台账"), workbook_add_worksheet(wb, "已剔除")};
    lxw_row_t next[2] = {2, 2};
    for (int k = 0; k < 2; k++) {
        char t[300];
        snprintf(t, sizeof t, "%s（轮次编号 %lld）%s", name, (long long)round, k ? "——已剔除的企业" : "");
        worksheet_write_string(sheets[k], 0, 0, t, title);
        for (int c = 0; c < 11; c++) {
            worksheet_write_string(sheets[k], 1, (lxw_col_t)c, heads[c], head);
            worksheet_set_column(sheets[k], (lxw_col_t)c, (lxw_col_t)c, w[c], NULL);
        }
        worksheet_freeze_panes(sheets[k], 2, 2);
    }
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *o = json_array_get(rows, i);
        int k = json_is_null(json_object_get(o, "removed_reason")) ? 0 : 1;
        lxw_row_t r = next[k]++;
        for (int c = 0; c < 11; c++) {
            json_t *v = json_object_get(o, keys[c]);
            if (c == 10) {
                json_t *arr = json_loads(json_string_value(v), 0, NULL);
                worksheet_write_number(sheets[k], r, 10, (double)json_array_size(arr), NULL);
                json_decref(arr);
            } else if (json_is_integer(v)) worksheet_write_number(sheets[k], r, (lxw_col_t)c, (double)json_integer_value(v), NULL);
            else if (json_is_string(v)) worksheet_write_string(sheets[k], r, (lxw_col_t)c, json_string_value(v), NULL);
        }
    }
    for (int k = 0; k < 2; k++) worksheet_autofilter(sheets[k], 1, 0, next[k] > 2 ? next[k] - 1 : 2, 10);
    free(name);
    json_decref(rows);
    lxw_error x = workbook_close(wb);
    return x == LXW_NO_ERROR ? ST_OK : err_set(e, ST_IO, "写入 %s 失败：%s", path, lxw_strerror(x));
}

st round_publish(db *d, int64_t round, int *n, err *e) {
    *n = 0;
    int64_t num = 0;
    st s = db_query_int(d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", round);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    if (s) return s;
    if (num != 4) return err_set(e, ST_INVALID, "只能发布第四轮（实地核查后）的台账，所选是第 %lld 轮。", (long long)num);
    json_t *rows;
    if ((s = db_query_json(d, &rows,
                           "SELECT x.entity_no, x.name, x.uscc, x.address, x.category, x.employees, x.members, "
                           "(SELECT code FROM region g WHERE g.code = x.district_code AND g.kind = 'district') AS district_code "
                           "FROM ledger_round_entity x WHERE x.round_id = $1 AND x.removed_reason IS NULL ORDER BY x.entity_no",
                           e, "i", round)))
        return s;
    if ((s = db_begin(d, e))) {
        json_decref(rows);
        return s;
    }
    for (size_t i = 0; !s && i < json_array_size(rows); i++) {
        json_t *o = json_array_get(rows, i);
        const char *uscc = json_string_value(json_object_get(o, "uscc"));
        const char *name = json_string_value(json_object_get(o, "name"));
        int64_t eid = 0;
        st f = uscc ? db_query_int(d, &eid, "SELECT id FROM enterprise WHERE uscc = $1", e, "t", uscc)
                    : db_query_int(d, &eid, "SELECT id FROM enterprise WHERE name = $1 AND uscc IS NULL", e, "t", name);
        if (f && f != ST_NOT_FOUND) {
            s = f;
            break;
        }
        db_stmt *q;
        if ((s = db_prepare(d, f == ST_NOT_FOUND
                                   ? "INSERT INTO enterprise(name, uscc, district_code, address, category, employees, members, "
                                     "status, zombie, ledger_round, ledger_entity, created_at, updated_at) "
                                     "VALUES ($1,$2,$3,$4,$5,$6,$7,'存续',0,$8,$9,{{NOW}},{{NOW}})"
                                   : "UPDATE enterprise SET name = $1, uscc = $2, district_code = COALESCE($3, district_code), "
                                     "address = COALESCE($4, address), category = COALESCE($5, category), employees = $6, "
                                     "members = $7, zombie = 0, zombie_reason = NULL, ledger_round = $8, ledger_entity = $9, "
                                     "updated_at = {{NOW}} WHERE id = $10",
                            &q, e)))
            break;
        db_bind_text(q, 1, name);
        db_bind_text(q, 2, uscc);
        db_bind_text(q, 3, json_string_value(json_object_get(o, "district_code")));
        db_bind_text(q, 4, json_string_value(json_object_get(o, "address")));
        db_bind_text(q, 5, json_string_value(json_object_get(o, "category")));
        json_t *em = json_object_get(o, "employees"), *me = json_object_get(o, "members");
        if (json_is_integer(em)) db_bind_int(q, 6, json_integer_value(em));
        else db_bind_null(q, 6);
        if (json_is_integer(me)) db_bind_int(q, 7, json_integer_value(me));
        else db_bind_null(q, 7);
        db_bind_int(q, 8, round);
        db_bind_int(q, 9, json_integer_value(json_object_get(o, "entity_no")));
        if (f != ST_NOT_FOUND) db_bind_int(q, 10, eid);
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
        (*n)++;
    }
    /* Enterprises published from an earlier round and absent now leave the ledger. */
    if (!s) s = db_run(d, "UPDATE enterprise SET zombie = 1, zombie_reason = '不在最新发布的第四轮台账中', updated_at = {{NOW}} "
                          "WHERE ledger_round IS NOT NULL AND ledger_round <> $1",
                       e, "i", round);
    if (!s) s = db_run(d, "UPDATE ledger_round SET published_at = {{NOW}} WHERE id = $1", e, "i", round);
    json_decref(rows);
    if (!s) return db_commit(d, e);
    db_rollback(d);
    *n = 0;
    return s;
}

st round_explain(db *d, int64_t round, int64_t a_record, int64_t b_record, char **text, err *e) {
    *text = NULL;
    json_t *imps;
    st s = db_query_json(d, &imps, "SELECT import_id FROM ledger_round_import WHERE round_id = $1 ORDER BY position", e, "i", round);
    if (s) return s;
    size_t n = json_array_size(imps);
    if (!n) {
        json_decref(imps);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    }
    int64_t *ids = calloc(n, sizeof *ids);
    for (size_t i = 0; ids && i < n; i++) ids[i] = json_integer_value(json_object_get(json_array_get(imps, i), "import_id"));
    json_decref(imps);
    if (!ids) return err_set(e, ST_NOMEM, "内存不足");
    round_data rd;
    memset(&rd, 0, sizeof rd);
    ledger_match_result *res = NULL;
    s = round_load(d, ids, n, &rd, e);
    if (!s) s = run_match(d, &rd, &res, e);
    long ia = -1, ib = -1;
    if (!s) {
        char ka[24], kb[24];
        snprintf(ka, sizeof ka, "%lld", (long long)a_record);
        snprintf(kb, sizeof kb, "%lld", (long long)b_record);
        ia = ledger_match_find(res, ka);
        ib = ledger_match_find(res, kb);
        if (ia < 0 || ib < 0) s = err_set(e, ST_NOT_FOUND, "这两条记录不都在该轮次的来源台账中。");
    }
    buf out;
    buf_init(&out, 1 << 20);
    if (!s) s = ledger_match_explain(res, (uint32_t)ia, (uint32_t)ib, &out, e);
    if (!s) *text = buf_detach(&out);
    buf_free(&out);
    if (res) ledger_match_free(res);
    round_data_free(&rd);
    free(ids);
    return s;
}
