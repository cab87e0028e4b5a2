/* round_api — the rounds over HTTP (see round.h):
 *   GET  /api/ledger/rounds                          list
 *   POST /api/ledger/rounds                          {number, imports[], base_rounds[]} → a new round 1–3
 *   GET  /api/ledger/rounds/{id}                     the round and its enterprises (paged; removed=0|1, q, district)
 *   GET  /api/ledger/rounds/{id}/entities/{no}       one enterprise with every source row behind it
 *   GET  /api/ledger/rounds/{id}/diff?to=B           added / removed (with reason) / changed
 *   GET  /api/ledger/rounds/{id}/review              the review queue, both records side by side
 *   GET  /api/ledger/rounds/{id}/explain?a=&b=       why two source rows were (not) merged
 *   POST /api/ledger/decisions                       {a, b, verdict: same|different}
 *   GET  /api/ledger/rounds/{id}/export.xlsx
 *   GET  /api/ledger/rounds/{id}/verification.xlsx   field verification template (a district's own part)
 *   POST /api/ledger/rounds/{id}/verification        filled template (multipart "file")
 *   PUT  /api/ledger/rounds/{id}/verification/{no}   one result {employees, premises, operating, verifier, note}
 *   POST /api/ledger/rounds/{id}/verify              round 4 from this round 3
 *   POST /api/ledger/rounds/{id}/publish             round 4 → the enterprise register
 * Rounds are city-wide; district workers see, review and verify their
 * district's part; only the city builds rounds, makes round 4 and publishes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "auth/scope.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "ledger/round.h"

/* The area a caller is limited to — a district code (350203) or a park code
 * (P0002), which never collide — or NULL for the whole city.  Entities carry
 * both (district_code, park_code), so one "= area" test on either column
 * serves both.  Callers bound elsewhere (organizations, members) see no round
 * data: closed. */
static st caller_district(http_req *r, const char **district, err *e) {
    const char *k = r->user.scope_kind ? r->user.scope_kind : "";
    *district = NULL;
    if (!strcmp(k, "city")) return ST_OK;
    if (!strcmp(k, "district") || !strcmp(k, "park")) {
        *district = r->user.scope_code ? r->user.scope_code : "";
        return ST_OK;
    }
    return err_set(e, ST_FORBIDDEN, "台账轮次只对市、区、园区开放。");
}

static bool in_area(const json_t *o, const char *area) {
    const char *dc = json_string_value(json_object_get(o, "district_code"));
    const char *pc = json_string_value(json_object_get(o, "park_code"));
    return (dc && !strcmp(dc, area)) || (pc && !strcmp(pc, area));
}

static const char *user_name(http_req *r) { return r->user.username ? r->user.username : "-"; }

static st h_rounds(http_req *r, err *e) {
    json_t *rows;
    st s = db_query_json(http_db(r), &rows,
                         "SELECT id, number, name, base_round, records, entities, removed, review, params, created_by, "
                         "created_at, published_at FROM ledger_round ORDER BY id DESC",
                         e, "");
    if (s) return s;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        json_t *p = json_loads(json_string_value(json_object_get(o, "params")), 0, NULL);
        json_object_set_new(o, "params", p ? p : json_object());
    }
    /* a handful of rounds: sorted and paged in memory like any other list */
    json_t *items = NULL;
    int64_t total = 0;
    http_page pg;
    s = http_page_array(r, rows, "-id", &items, &total, e);
    json_decref(rows);
    if (!s) s = http_paging(r, &pg, e);
    if (s) {
        json_decref(items);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st ids_of(const json_t *j, const char *key, int64_t *out, size_t max, size_t *n, err *e) {
    *n = 0;
    json_t *a = json_object_get(j, key);
    if (!a || json_is_null(a)) return ST_OK;
    if (!json_is_array(a) || json_array_size(a) > max)
        return err_field(e, ST_INVALID, key, "字段“%s”应为编号数组（最多 %zu 个）。", key, max);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return err_field(e, ST_INVALID, key, "字段“%s”的第 %zu 项不是有效编号。", key, i + 1);
        out[(*n)++] = json_integer_value(v);
    }
    return ST_OK;
}

static st h_round_create(http_req *r, err *e) {
    static const char *const only[] = {"number", "imports", "base_rounds", NULL};
    st s = jsonx_only(r->json, only, e);
    int64_t number = 0;
    if (!s) s = jsonx_int(r->json, "number", true, 1, 3, 0, &number, e);
    int64_t imports[1024], bases[16];
    size_t ni = 0, nb = 0;
    if (!s) s = ids_of(r->json, "imports", imports, 1024, &ni, e);
    if (!s) s = ids_of(r->json, "base_rounds", bases, 16, &nb, e);
    int64_t id = 0;
    if (!s) s = round_create(http_db(r), (int)number, imports, ni, bases, nb, user_name(r), NULL, &id, e);
    if (s) return s;
    json_t *rows;
    if ((s = db_query_json(http_db(r), &rows, "SELECT id, number, name, records, entities, removed, review FROM ledger_round WHERE id = $1",
                           e, "i", id)))
        return s;
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return http_reply_json(r, 201, json_pack("{s:o}", "round", o));
}

static st round_exists(http_req *r, int64_t id, int64_t *number, err *e) {
    st s = db_query_int(http_db(r), number, "SELECT number FROM ledger_round WHERE id = $1", e, "i", id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的轮次。", (long long)id);
    return s;
}

static st h_round_get(http_req *r, err *e) {
    int64_t id, number;
    const char *dist;
    http_page pg;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = caller_district(r, &dist, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (!s) s = http_paging(r, &pg, e);
    if (s) return s;
    int64_t removed = -1, verified = -1;
    if ((s = http_query_int(r, "removed", -1, -1, 1, &removed, e))) return s;
    if ((s = http_query_int(r, "verified", -1, -1, 1, &verified, e))) return s;
    const char *q = http_query(r, "q");
    const char *want = http_query(r, "district");
    if (dist) want = dist;  /* a district worker sees only their own district */
    char *like = q && *q ? arena_printf(&r->mem, "%%%s%%", q) : NULL;
    json_t *round, *items;
    int64_t total = 0;
#define ENT_WHERE                                                                                  \
    " FROM ledger_round_entity WHERE round_id = $1 AND (CAST($2 AS TEXT) IS NULL OR district_code = $2 OR park_code = $2) " \
    "AND ($3 < 0 OR ($3 = 1) = (removed_reason IS NOT NULL)) "                                    \
    "AND (CAST($4 AS TEXT) IS NULL OR name LIKE $4 OR uscc LIKE $4) "                            \
    "AND ($5 < 0 OR ($5 = 1) = EXISTS (SELECT 1 FROM ledger_verification v WHERE v.round_id = "     \
    "ledger_round_entity.round_id AND v.entity_no = ledger_round_entity.entity_no))"
    s = db_query_json(http_db(r), &round,
                      "SELECT id, number, name, base_round, records, entities, removed, review, created_by, created_at, "
                      "published_at FROM ledger_round WHERE id = $1",
                      e, "i", id);
    if (!s) s = db_query_int(http_db(r), &total, "SELECT COUNT(*)" ENT_WHERE, e, "ititi", id, want, removed, like, verified);
    const char *order = NULL;
    if (!s) s = http_order(r, "entity_no", "q.entity_no", &order, e);
    const char *sql = s ? NULL
                        : arena_printf(&r->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $6 OFFSET $7",
                                       "SELECT entity_no, name, uscc, district, district_code, park_code, address, category, "
                                       "employees, members, zombie, zombie_reason, removed_reason, "
                                       "(SELECT COUNT(*) FROM ledger_verification v WHERE v.round_id = "
                                       "ledger_round_entity.round_id AND v.entity_no = ledger_round_entity.entity_no) "
                                       "AS verified" ENT_WHERE,
                                       order);
    if (!s && !sql) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s)
        s = db_query_json(http_db(r), &items, sql, e, "ititiii", id, want, removed, like, verified, pg.size, pg.offset);
#undef ENT_WHERE
    if (s) return s;
    json_t *ro = json_incref(json_array_get(round, 0));
    json_decref(round);
    return http_reply_json(r, 200, json_pack("{s:o,s:{s:o,s:I,s:I,s:I}}", "round", ro, "entities", "items", items, "total",
                                             (json_int_t)total, "page", (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_entity(http_req *r, err *e) {
    int64_t id, no, number;
    const char *dist;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "no", &no, e);
    if (!s) s = caller_district(r, &dist, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (s) return s;
    json_t *rows;
    if ((s = db_query_json(http_db(r), &rows,
                           "SELECT entity_no, name, uscc, district, district_code, park_code, address, category, employees, "
                           "members, zombie, zombie_reason, removed_reason, records FROM ledger_round_entity "
                           "WHERE round_id = $1 AND entity_no = $2",
                           e, "ii", id, no)))
        return s;
    json_t *o = json_array_get(rows, 0);
    if (!o) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "该轮次中没有编号为 %lld 的企业。", (long long)no);
    }
    if (dist && !in_area(o, dist)) {
        json_decref(rows);
        return err_set(e, ST_FORBIDDEN, "该企业不在您负责的区或园区，无权查看。");
    }
    json_incref(o);
    json_decref(rows);
    /* lineage: every source row, with its file and position */
    json_t *lineage;
    s = db_query_json(http_db(r), &lineage,
                      "SELECT c.id AS record_id, i.id AS import_id, i.source, i.sheet, c.row, c.sheet_row, c.name, c.code, "
                      "c.code_kind, c.address, c.district, c.employees, c.members, c.category, c.status, c.contact_masked AS contact, c.phone_masked AS phone "
                      "FROM ledger_round_member m JOIN ledger_record c ON c.id = m.record_id "
                      "JOIN ledger_import i ON i.id = c.import_id WHERE m.round_id = $1 AND m.entity_no = $2 ORDER BY i.id, c.row",
                      e, "ii", id, no);
    if (s) {
        json_decref(o);
        return s;
    }
    json_object_del(o, "records");
    json_t *ver;
    if ((s = db_query_json(http_db(r), &ver,
                           "SELECT employees, premises, operating, verifier, note, verified_on, recorded_by, recorded_at "
                           "FROM ledger_verification "
                           "WHERE round_id = $1 AND entity_no = $2",
                           e, "ii", id, no))) {
        json_decref(o);
        json_decref(lineage);
        return s;
    }
    json_t *v1 = json_incref(json_array_get(ver, 0));
    json_decref(ver);
    return http_reply_json(r, 200, json_pack("{s:o,s:o,s:o}", "entity", o, "lineage", lineage, "verification",
                                             v1 ? v1 : json_null()));
}

static st h_diff(http_req *r, err *e) {
    int64_t id, to, number;
    const char *dist;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = caller_district(r, &dist, e);
    if (!s) s = http_query_int(r, "to", 0, 1, INT64_MAX, &to, e);
    if (!s && !to) s = err_field(e, ST_INVALID, "to", "请用 to 参数指定要比较的另一个轮次。");
    if (!s) s = round_exists(r, id, &number, e);
    json_t *df = NULL;
    if (!s) s = round_diff(http_db(r), id, to, &df, e);
    if (s) return s;
    if (dist) {  /* keep the caller's district only */
        static const char *const lists[] = {"added", "removed", "changed"};
        for (int k = 0; k < 3; k++) {
            json_t *a = json_object_get(df, lists[k]), *keep = json_array();
            size_t i;
            json_t *o;
            json_array_foreach(a, i, o) {
                if (in_area(o, dist)) json_array_append(keep, o);
            }
            json_object_set_new(json_object_get(df, "counts"), lists[k], json_integer((json_int_t)json_array_size(keep)));
            json_object_set_new(df, lists[k], keep);
        }
    }
    /* ?list=added|removed|changed: that one list, sorted and paged like every
     * other list (and exportable); without it the whole diff as before. */
    const char *list = http_query(r, "list");
    if (list && *list) {
        if (strcmp(list, "added") && strcmp(list, "removed") && strcmp(list, "changed")) {
            json_decref(df);
            return err_field(e, ST_INVALID, "list", "list=“%s”无效，应为 added（新增）、removed（移除）或 changed（变化）。", list);
        }
        json_t *items = NULL, *pick = json_object_get(df, list);
        int64_t total = 0;
        const char *q = http_query(r, "q");
        if (q && *q) { /* part of the name or the whole credit code */
            json_t *keep = json_array();
            size_t i;
            json_t *o;
            json_array_foreach(pick, i, o) {
                const char *nm = json_string_value(json_object_get(o, "name"));
                const char *cc = json_string_value(json_object_get(o, "uscc"));
                if ((nm && strstr(nm, q)) || (cc && !strcasecmp(cc, q))) json_array_append(keep, o);
            }
            json_object_set_new(df, list, keep);
            pick = keep;
        }
        if ((s = http_page_array(r, pick, "entity_no", &items, &total, e))) {
            json_decref(df);
            return s;
        }
        http_page pg;
        http_paging(r, &pg, e);
        json_t *out = json_pack("{s:O,s:O,s:O,s:s,s:o,s:I,s:I,s:I}", "from", json_object_get(df, "from"), "to",
                                json_object_get(df, "to"), "counts", json_object_get(df, "counts"), "list", list, "items",
                                items, "total", (json_int_t)total, "page", (json_int_t)pg.page, "size", (json_int_t)pg.size);
        json_decref(df);
        return http_reply_json(r, 200, out);
    }
    return http_reply_json(r, 200, df);
}

static st h_review(http_req *r, err *e) {
    int64_t id, number;
    const char *area;
    http_page pg;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = caller_district(r, &area, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (!s) s = http_paging(r, &pg, e);
    if (s) return s;
    const char *state = http_query(r, "state");  /* open | decided | all */
    int which = !state || !strcmp(state, "open") ? 0 : !strcmp(state, "decided") ? 1 : 2;
    int64_t total = 0;
    /* An area office sees a pair only when both records lie in its area (the
     * enterprise of this round holding each): nothing of another district. */
#define REV_IN_AREA(REC)                                                                                  \
    "EXISTS (SELECT 1 FROM ledger_round_member m JOIN ledger_round_entity x ON x.round_id = m.round_id "  \
    "AND x.entity_no = m.entity_no WHERE m.round_id = v.round_id AND m.record_id = " REC                 \
    " AND (x.district_code = $3 OR x.park_code = $3))"
#define REV_FROM                                                                                       \
    " FROM ledger_round_review v LEFT JOIN ledger_decision dd ON dd.a_record = v.a_record AND dd.b_record = v.b_record " \
    "WHERE v.round_id = $1 AND ($2 = 2 OR ($2 = 1) = (dd.verdict IS NOT NULL)) AND (CAST($3 AS TEXT) IS NULL OR (" \
    REV_IN_AREA("v.a_record") " AND " REV_IN_AREA("v.b_record") "))"
    s = db_query_int(http_db(r), &total, "SELECT COUNT(*)" REV_FROM, e, "iit", id, (int64_t)which, area);
    json_t *pairs = NULL;
    if (!s)
        s = db_query_json(http_db(r), &pairs,
                          "SELECT v.a_record, v.b_record, v.prob, v.weight, dd.verdict, dd.decided_by" REV_FROM
                          " ORDER BY v.weight DESC, v.a_record, v.b_record LIMIT $4 OFFSET $5",
                          e, "iitii", id, (int64_t)which, area, pg.size, pg.offset);
#undef REV_FROM
#undef REV_IN_AREA
    if (s) return s;
    size_t i;
    json_t *o;
    json_array_foreach(pairs, i, o) {
        for (int k = 0; k < 2 && !s; k++) {
            json_t *rows;
            s = db_query_json(http_db(r), &rows,
                              "SELECT c.id AS record_id, i.source, c.row, c.name, c.code, c.code_kind, c.address, c.district, "
                              "c.employees, c.members, c.category, c.status, c.contact_masked AS contact, c.phone_masked AS phone FROM ledger_record c "
                              "JOIN ledger_import i ON i.id = c.import_id WHERE c.id = $1",
                              e, "i", json_integer_value(json_object_get(o, k ? "b_record" : "a_record")));
            if (!s) {
                json_object_set(o, k ? "b" : "a", json_array_get(rows, 0));
                json_decref(rows);
            }
        }
    }
    if (s) {
        json_decref(pairs);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", pairs, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_explain(http_req *r, err *e) {
    int64_t id, a, b, number;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (!s) s = http_query_int(r, "a", 0, 1, INT64_MAX, &a, e);
    if (!s) s = http_query_int(r, "b", 0, 1, INT64_MAX, &b, e);
    if (!s && (!a || !b)) s = err_set(e, ST_INVALID, "请用 a 和 b 参数指定两条来源记录。");
    char *text = NULL;
    if (!s) s = round_explain(http_db(r), id, a, b, &text, e);
    if (s) return s;
    json_t *o = json_pack("{s:s}", "text", text);
    free(text);
    return http_reply_json(r, 200, o);
}

static st h_decide(http_req *r, err *e) {
    static const char *const only[] = {"a", "b", "verdict", NULL};
    int64_t a, b;
    const char *v;
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "a", true, 1, INT64_MAX, 0, &a, e);
    if (!s) s = jsonx_int(r->json, "b", true, 1, INT64_MAX, 0, &b, e);
    if (!s) s = jsonx_str(r->json, "verdict", true, 1, 16, &v, e);
    if (!s) s = round_decide(http_db(r), a, b, v, user_name(r), e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:{s:I,s:I,s:s}}", "decision", "a", (json_int_t)(a < b ? a : b), "b",
                                             (json_int_t)(a < b ? b : a), "verdict", v));
}

static st send_xlsx(http_req *r, const char *name, st (*make)(http_req *r, const char *path, err *e), err *e) {
    const char *path;
    st s = http_tempfile(r, &path, e);
    if (!s) s = make(r, path, e);
    if (!s) s = http_reply_file(r, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, e);
    return s;
}

static st make_export(http_req *r, const char *path, err *e) {
    const char *area = NULL;
    caller_district(r, &area, e);
    return round_export_xlsx(http_db(r), (int64_t)strtoll(http_param(r, "id"), NULL, 10), area, path, e);
}

static st h_export(http_req *r, err *e) {
    int64_t id, number;
    const char *dist;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = caller_district(r, &dist, e);  /* districts and parks get their own part */
    if (!s) s = round_exists(r, id, &number, e);
    if (s) return s;
    return send_xlsx(r, arena_printf(&r->mem, "台账-轮次%lld.xlsx", (long long)id), make_export, e);
}

static st make_template(http_req *r, const char *path, err *e) {
    const char *dist = NULL;
    caller_district(r, &dist, e);
    if (!dist) dist = http_query(r, "district");
    if (dist && !*dist) dist = NULL;
    return round_verify_template(http_db(r), (int64_t)strtoll(http_param(r, "id"), NULL, 10), dist, path, e);
}

static st h_template(http_req *r, err *e) {
    int64_t id, number;
    const char *dist;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = caller_district(r, &dist, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (s) return s;
    return send_xlsx(r, arena_printf(&r->mem, "实地核查表-轮次%lld.xlsx", (long long)id), make_template, e);
}

/* A district worker may only record results for enterprises of their district. */
static st entity_in_district(http_req *r, int64_t id, int64_t no, const char *dist, err *e) {
    if (!dist) return ST_OK;
    json_t *rows;
    st s = db_query_json(http_db(r), &rows,
                         "SELECT district_code, park_code FROM ledger_round_entity WHERE round_id = $1 AND entity_no = $2", e,
                         "ii", id, no);
    if (s) return s;
    json_t *o = json_array_get(rows, 0);
    bool found = o != NULL, ok = o && in_area(o, dist);
    json_decref(rows);
    if (!found) return err_set(e, ST_NOT_FOUND, "该轮次中没有编号为 %lld 的企业。", (long long)no);
    return ok ? ST_OK : err_set(e, ST_FORBIDDEN, "企业 %lld 不在您负责的区或园区，不能录入核查结果。", (long long)no);
}

static st h_verify_upload(http_req *r, err *e) {
    int64_t id, number;
    const char *dist;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = caller_district(r, &dist, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (s) return s;
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择填好的核查表（表单字段 file）。");
    int taken = 0;
    json_t *probs = NULL;
    s = round_verify_import(http_db(r), id, u->path, u->filename, user_name(r), dist, &taken, &probs, e);
    if (s) {
        json_decref(probs);
        return s == ST_IO ? ST_INVALID : s;
    }
    return http_reply_json(r, 200, json_pack("{s:i,s:o}", "taken", taken, "problems", probs));
}

/* A real calendar day, YYYY-MM-DD, not after today (a check is reported after it happened). */
static bool day_ok(const char *s) {
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1990 || m < 1 || m > 12 || d < 1) return false;
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > max) return false;
    time_t now = time(NULL);
    struct tm tm;
    char today[16];
    localtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    return strcmp(s, today) <= 0;
}

static st h_verify_one(http_req *r, err *e) {
    static const char *const only[] = {"employees", "premises", "operating", "verifier", "note", "verified_on", NULL};
    int64_t id, no, number, emp;
    bool pre, op;
    const char *dist, *verifier, *note, *day;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "no", &no, e);
    if (!s) s = caller_district(r, &dist, e);
    if (!s) s = round_exists(r, id, &number, e);
    if (!s) s = entity_in_district(r, id, no, dist, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "employees", false, 0, 10000000, -1, &emp, e);
    if (!s) s = jsonx_bool(r->json, "premises", true, false, &pre, e);
    if (!s) s = jsonx_bool(r->json, "operating", true, false, &op, e);
    if (!s) s = jsonx_str(r->json, "verifier", false, 0, 32, &verifier, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = jsonx_str(r->json, "verified_on", false, 0, 10, &day, e);
    if (!s && day && *day && !day_ok(day))
        s = err_field(e, ST_INVALID, "verified_on", "核查日期“%s”无效，应为不晚于今天的 YYYY-MM-DD（如 2018-05-20）。", day);
    if (!s) s = round_verify_set(http_db(r), id, no, emp, pre, op, verifier, note, day && *day ? day : NULL, user_name(r), e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:{s:I,s:I,s:b,s:b}}", "verification", "round", (json_int_t)id, "entity_no",
                                             (json_int_t)no, "premises", pre, "operating", op));
}

static st h_verify_round(http_req *r, err *e) {
    int64_t id, nid = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = round_verify(http_db(r), id, user_name(r), &nid, e);
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:{s:I,s:i}}", "round", "id", (json_int_t)nid, "number", 4));
}

static st h_publish(http_req *r, err *e) {
    int64_t id;
    int n = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = round_publish(http_db(r), id, &n, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:i}", "round", (json_int_t)id, "published", n));
}

/* Lists: sort keys and Excel columns (listq.c). */
static const http_sort_key ra_round_sort[] = {
    {"id", "id"}, {"number", "number"}, {"name", "name", true}, {"entities", "entities"}, {"removed", "removed"},
    {"review", "review"}, {"created_at", "created_at"}, {"published_at", "published_at"}, {NULL, NULL}};
static const http_sort_key ra_ent_sort[] = {
    {"entity_no", "q.entity_no"}, {"name", "q.name", true}, {"uscc", "q.uscc"}, {"district", "q.district", true},
    {"category", "q.category", true}, {"employees", "q.employees"}, {"members", "q.members"}, {"zombie", "q.zombie"},
    {"verified", "q.verified"}, {NULL, NULL}};
#define RA_ENT_EXPORT                                                                                            \
    "轮次企业@entities|entity_no:企业序号|name:企业名称|uscc:统一社会信用代码|district:所在区|park_code:园区代码|"   \
    "address:地址|category:类别|employees:从业人员|members:党员数|zombie:僵尸企业:bool|zombie_reason:僵尸原因|"     \
    "removed_reason:移除原因|verified:已实地核查:bool"
/* diff items carry the entity's fields; keys only where every list has them */
static const http_sort_key ra_diff_sort[] = {
    {"entity_no", "entity_no"}, {"name", "name", true}, {"district", "district", true}, {"reason", "reason", true}, {NULL, NULL}};
#define RA_DIFF_EXPORT                                                                                           \
    "轮次差异|entity_no:企业序号|name:企业名称|uscc:统一社会信用代码|district:所在区|reason:原因|changes:变化字段"

/* Every id a route takes is a declared object (auth/scope.h): the round, an
 * enterprise of it, a source record inside it, the imports a round is built
 * from.  Building rounds, round 4 and publishing are the city's alone
 * (ledger.round); districts see, review and verify their own part. */
const http_route ledger_round_routes[] = {
    {"GET", "/api/ledger/rounds", "ledger.read", h_rounds, HB_NONE, "台账轮次列表", "ledger", NULL,
     "台账轮次|id:编号|number:轮次|name:名称|records:来源记录数|entities:企业数|removed:剔除数|review:待审对数|"
     "created_by:生成人|created_at:生成时间|published_at:发布时间",
     ra_round_sort},
    {"POST", "/api/ledger/rounds", "ledger.round", h_round_create, HB_JSON, "生成第 1–3 轮", "ledger",
     "ledger_import:.imports[] ledger_round:.base_rounds[]"},
    {"GET", "/api/ledger/rounds/{id}", "ledger.read", h_round_get, HB_NONE, "轮次及其企业（分页）", "ledger",
     "ledger_round:{id}", RA_ENT_EXPORT, ra_ent_sort},
    {"GET", "/api/ledger/rounds/{id}/entities/{no}", "ledger.read", h_entity, HB_NONE, "企业详情与来源记录", "ledger",
     "ledger_entity:{id}/{no}"},
    {"GET", "/api/ledger/rounds/{id}/diff", "ledger.read", h_diff, HB_NONE,
     "两个轮次的差异（list=added|removed|changed 时分页、排序、可导出）", "ledger", "ledger_round:{id} ledger_round:?to",
     RA_DIFF_EXPORT, ra_diff_sort},
    {"GET", "/api/ledger/rounds/{id}/review", "ledger.reconcile", h_review, HB_NONE, "待审记录对（区、园区只见本区域的记录对）",
     "ledger", "ledger_round:{id}"},
    {"GET", "/api/ledger/rounds/{id}/explain", "ledger.reconcile", h_explain, HB_NONE, "解释比对结果", "ledger",
     "ledger_round_record:{id}/?a ledger_round_record:{id}/?b"},
    {"POST", "/api/ledger/decisions", "ledger.reconcile", h_decide, HB_JSON, "人工判定两条记录是否同一企业", "ledger",
     "ledger_record:.a ledger_record:.b"},
    {"GET", "/api/ledger/rounds/{id}/export.xlsx", "ledger.read", h_export, HB_NONE, "导出轮次台账", "ledger",
     "ledger_round:{id}"},
    {"GET", "/api/ledger/rounds/{id}/verification.xlsx", "ledger.read", h_template, HB_NONE, "下载实地核查表", "ledger",
     "ledger_round:{id}"},
    {"POST", "/api/ledger/rounds/{id}/verification", "ledger.reconcile", h_verify_upload, HB_MULTIPART, "导入填好的核查表",
     "ledger", "ledger_round:{id}"},
    {"PUT", "/api/ledger/rounds/{id}/verification/{no}", "ledger.reconcile", h_verify_one, HB_JSON, "录入一家企业的核查结果",
     "ledger", "ledger_entity:{id}/{no}"},
    {"POST", "/api/ledger/rounds/{id}/verify", "ledger.round", h_verify_round, HB_NONE, "生成第四轮（实地核查后）", "ledger",
     "ledger_round:{id}"},
    {"POST", "/api/ledger/rounds/{id}/publish", "ledger.round", h_publish, HB_NONE, "发布最终台账", "ledger",
     "ledger_round:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
