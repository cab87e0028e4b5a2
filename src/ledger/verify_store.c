/* verify_store — field verification results in the database (see
 * verify.h): the template's rows, one result, a filled template.  Each write
 * is one audited use case; an area office reaches its own area only. */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_scope.h"
#include "ledger/verify.h"

st ledger_verify_store_template(uc *c, int64_t round, const char *want, const char *path, err *e) {
    const char *area;
    int64_t num = 0;
    json_t *rows = NULL;
    st s = ledger_area(c, want, &area, e);
    if (!s) s = db_query_int(c->d, &num, "SELECT number FROM ledger_round WHERE id = $1", e, "i", round);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)round);
    if (s) return s;
    if (num != 3) return err_set(e, ST_INVALID, "核查表应从第三轮结果生成（所选是第 %lld 轮）。", (long long)num);
    s = db_query_json(c->d, &rows,
                      "SELECT entity_no, name, uscc, district, address, employees, zombie_reason FROM ledger_round_entity "
                      "WHERE round_id = $1 AND removed_reason IS NULL AND " LEDGER_AREA_COND("$2", "district_code", "park_code")
                      " ORDER BY district_code, entity_no",
                      e, "it", round, area);
    if (!s) s = ledger_verify_template_xlsx(path, round, area, rows, e);
    if (!s) {
        uc_act a = {"ledger.verify_template", uc_obj(c, "ledger_round", round),
                    arena_printf(c->mem, "下载实地核查表（%s，%zu 家企业）", area ? area : "全市", json_array_size(rows))};
        s = uc_audit(c, &a, e);
    }
    json_decref(rows);
    return s;
}

/* Record one result (inside the caller's transaction): the enterprise must be
 * one of the round 3's. */
static st verify_put(uc *c, int64_t round, int64_t no, const ledger_verification *v, err *e) {
    int64_t have = 0;
    st s = db_query_int(c->d, &have,
                        "SELECT COUNT(*) FROM ledger_round_entity x JOIN ledger_round r ON r.id = x.round_id "
                        "WHERE x.round_id = $1 AND x.entity_no = $2 AND r.number = 3",
                        e, "ii", round, no);
    if (s) return s;
    if (!have) return err_field(e, ST_NOT_FOUND, "entity_no", "第三轮 %lld 中没有编号为 %lld 的企业。", (long long)round, (long long)no);
    db_stmt *q;
    if ((s = db_prepare(c->d,
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
    const int64_t n[3] = {v->employees, v->premises, v->operating};
    for (int k = 0; k < 3; k++) {   /* -1: not given */
        if (n[k] >= 0) db_bind_int(q, 3 + k, n[k]);
        else db_bind_null(q, 3 + k);
    }
    db_bind_text(q, 6, v->verifier);
    db_bind_text(q, 7, v->note);
    db_bind_text(q, 8, c->who.username);
    db_bind_text(q, 9, v->verified_on);
    if (db_step(q, e) == DB_ERROR) s = e->code;
    db_reset(q);
    return s;
}

/* An area office records results for enterprises of its own area only. */
static st verify_in_area(uc *c, int64_t round, int64_t no, const char *area, err *e) {
    if (!area) return ST_OK;
    json_t *rows;
    st s = db_query_json(c->d, &rows,
                         "SELECT district_code, park_code FROM ledger_round_entity WHERE round_id = $1 AND entity_no = $2", e,
                         "ii", round, no);
    if (s) return s;
    json_t *o = json_array_get(rows, 0);
    bool found = o != NULL, ok = o && ledger_area_has(area, json_string_value(json_object_get(o, "district_code")),
                                                      json_string_value(json_object_get(o, "park_code")));
    json_decref(rows);
    if (!found) return err_set(e, ST_NOT_FOUND, "该轮次中没有编号为 %lld 的企业。", (long long)no);
    return ok ? ST_OK : err_set(e, ST_FORBIDDEN, "企业 %lld 不在您负责的区或园区，不能录入核查结果。", (long long)no);
}

st ledger_verify_store_set(uc *c, int64_t round, int64_t no, const ledger_verification *v, err *e) {
    const char *area;
    st s = ledger_area(c, NULL, &area, e);
    if (!s) s = verify_in_area(c, round, no, area, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    s = verify_put(c, round, no, v, e);
    uc_act a = {"ledger.verify_set", arena_printf(c->mem, "ledger_entity:%lld/%lld", (long long)round, (long long)no),
                arena_printf(c->mem, "录入企业 %lld 的实地核查结果", (long long)no)};
    return uc_end(c, s, &a, e);
}

/* One row of a filled template: recorded, or a problem saying why not. */
static st import_row(uc *c, int64_t round, const char *area, const ledger_verify_row *x, json_t *problems, int *taken,
                     err *e) {
    if (x->bad_message) {
        json_array_append_new(problems, ledger_verify_problem(x->sheet_row, x->bad_column, x->bad_value, x->bad_message));
        return ST_OK;
    }
    if (x->empty) return ST_OK;
    if (area) {
        int64_t inside = 0;
        st s = db_query_int(c->d, &inside,
                            "SELECT COUNT(*) FROM ledger_round_entity WHERE round_id = $1 AND entity_no = $2 AND "
                            "(district_code = $3 OR park_code = $3)",
                            e, "iit", round, x->no, area);
        if (s) return s;
        if (!inside) {
            json_array_append_new(problems, ledger_verify_problem(x->sheet_row, "企业编号", x->no_text,
                                                                  "该企业不在您负责的辖区，本行未导入。"));
            return ST_OK;
        }
    }
    err e2;
    err_clear(&e2);
    st s2 = verify_put(c, round, x->no, &x->v, &e2);
    if (s2 == ST_NOT_FOUND) {
        json_array_append_new(problems, ledger_verify_problem(x->sheet_row, "企业编号", x->no_text, e2.msg));
        return ST_OK;
    }
    if (s2) return err_set(e, s2, "%s", e2.msg);
    (*taken)++;
    return ST_OK;
}

st ledger_verify_store_import(uc *c, int64_t round, const char *path, const char *name, int *taken, json_t **problems,
                              err *e) {
    *taken = 0;
    *problems = json_array();
    const char *area;
    ledger_verify_row *rows = NULL;
    size_t n = 0;
    st s = ledger_area(c, NULL, &area, e);
    if (!s) s = ledger_verify_read(path, name, c->mem, &rows, &n, e);
    if (!s) s = uc_begin(c, e);
    if (s) return s;
    for (size_t i = 0; !s && i < n; i++) s = import_row(c, round, area, &rows[i], *problems, taken, e);
    uc_act a = {"ledger.verify_import", uc_obj(c, "ledger_round", round),
                arena_printf(c->mem, "导入实地核查表《%s》：%d 条结果，%zu 行未导入", name, *taken,
                             json_array_size(*problems))};
    s = uc_end(c, s, &a, e);
    if (s) *taken = 0;
    return s;
}
