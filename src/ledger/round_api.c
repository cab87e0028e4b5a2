/* round_api — the rounds over HTTP (see round.h):
 *   GET  /api/ledger/rounds                          list
 *   POST /api/ledger/rounds                          {number, imports[], base_rounds[]} → a new round 1–3
 *   GET  /api/ledger/rounds/{id}                     the round and its enterprises (paged; removed=0|1, q, district)
 *   GET  /api/ledger/rounds/{id}/entities/{no}       one enterprise with every source row behind it
 *   GET  /api/ledger/rounds/{id}/diff?to=B           added / removed (with reason) / changed
 *   GET  /api/ledger/rounds/{id}/review              the review queue, both records side by side
 *   GET  /api/ledger/rounds/{id}/explain?a=&b=       why two source rows were (not) merged: {summary, plain, text}
 *   POST /api/ledger/decisions                       {a, b, verdict: same|different}
 *   GET  /api/ledger/rounds/{id}/export.xlsx
 *   GET  /api/ledger/rounds/{id}/verification.xlsx   field verification template (a district's own part)
 *   POST /api/ledger/rounds/{id}/verification        filled template (multipart "file")
 *   PUT  /api/ledger/rounds/{id}/verification/{no}   one result {employees, premises, operating, verifier, note}
 *   GET  /api/ledger/rounds/{id}/verify/preview      what round 4 would keep and remove (nothing written)
 *   POST /api/ledger/rounds/{id}/verify[?force=1]    round 4 from this round 3
 *   GET  /api/ledger/rounds/{id}/publish/preview     what publishing would add, update, take out
 *   POST /api/ledger/rounds/{id}/publish[?force=1]   round 4 → the enterprise register
 * Round 4 and publishing are refused (409, code "unchecked") when more than
 * ledger-unchecked-max-pct of the enterprises were not checked on site,
 * unless force=1 says the person saw the counts and confirmed.
 * Rounds are city-wide; district workers see, review and verify their
 * district's part; only the city builds rounds, makes round 4 and publishes.
 * Handlers parse and validate, call the stores (round.h, verify.h), reply;
 * each write and each download leaves its audit row there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/jsonx.h"
#include "http/http.h"
#include "ledger/round.h"
#include "ledger/verify.h"

static uc_page page_of(const http_page *pg, const char *order) {
    uc_page p = {pg->size, pg->offset, order};
    return p;
}

static st h_rounds(http_req *r, err *e) {
    json_t *rows = NULL, *items = NULL;
    int64_t total = 0;
    http_page pg = {0};
    /* a handful of rounds: sorted and paged in memory like any other list */
    st s = ledger_round_store_list(http_uc(r), &rows, e);
    if (!s) s = http_page_array(r, rows, "-id", &items, &total, e);
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
    ledger_round_spec sp = {(int)number, imports, 0, bases, 0};
    if (!s) s = ids_of(r->json, "imports", imports, 1024, &sp.nimports, e);
    if (!s) s = ids_of(r->json, "base_rounds", bases, 16, &sp.nbase, e);
    sp.number = (int)number;
    int64_t id = 0;
    json_t *round = NULL;
    if (!s) s = ledger_round_store_create(http_uc(r), &sp, NULL, &id, e);
    if (!s) s = ledger_round_store_get(http_uc(r), id, &round, e);
    if (s) return s;
    json_t *o = json_object();
    static const char *const keys[] = {"id", "number", "name", "records", "entities", "removed", "review"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) json_object_set(o, keys[k], json_object_get(round, keys[k]));
    json_decref(round);
    return http_reply_json(r, 201, json_pack("{s:o}", "round", o));
}

static st h_round_get(http_req *r, err *e) {
    int64_t id, removed = -1, verified = -1;
    http_page pg = {0};
    json_t *round = NULL, *items = NULL;
    const char *order = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_get(http_uc(r), id, &round, e);
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_query_int(r, "removed", -1, -1, 1, &removed, e);
    if (!s) s = http_query_int(r, "verified", -1, -1, 1, &verified, e);
    if (!s) s = http_order(r, "entity_no", "q.entity_no", &order, e);
    ledger_entity_filter f = {http_query(r, "district"), (int)removed, (int)verified, http_query(r, "q")};
    uc_page p = page_of(&pg, order);
    int64_t total = 0;
    if (!s) s = ledger_round_store_entities(http_uc(r), id, &f, &p, &items, &total, e);
    if (s) {
        json_decref(round);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:{s:o,s:I,s:I,s:I}}", "round", round, "entities", "items", items,
                                             "total", (json_int_t)total, "page", (json_int_t)pg.page, "size",
                                             (json_int_t)pg.size));
}

static st h_entity(http_req *r, err *e) {
    int64_t id, no;
    json_t *out = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "no", &no, e);
    if (!s) s = ledger_round_store_entity(http_uc(r), id, no, &out, e);
    if (s) return s;
    return http_reply_json(r, 200, out);
}

/* ?list=added|removed|changed: that one list, sorted and paged like every
 * other list (and exportable); q: part of the name or the whole credit code. */
static st diff_list(http_req *r, json_t *df, const char *list, err *e) {
    if (strcmp(list, "added") && strcmp(list, "removed") && strcmp(list, "changed")) {
        json_decref(df);
        return err_field(e, ST_INVALID, "list", "list=“%s”无效，应为 added（新增）、removed（移除）或 changed（变化）。", list);
    }
    json_t *items = NULL, *pick = json_object_get(df, list);
    int64_t total = 0;
    const char *q = http_query(r, "q");
    if (q && *q) {
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
    st s = http_page_array(r, pick, "entity_no", &items, &total, e);
    if (s) {
        json_decref(df);
        return s;
    }
    http_page pg = {0};
    http_paging(r, &pg, e);
    json_t *out = json_pack("{s:O,s:O,s:O,s:s,s:o,s:I,s:I,s:I}", "from", json_object_get(df, "from"), "to",
                            json_object_get(df, "to"), "counts", json_object_get(df, "counts"), "list", list, "items", items,
                            "total", (json_int_t)total, "page", (json_int_t)pg.page, "size", (json_int_t)pg.size);
    json_decref(df);
    return http_reply_json(r, 200, out);
}

static st h_diff(http_req *r, err *e) {
    int64_t id, to, number;
    json_t *df = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_query_int(r, "to", 0, 1, INT64_MAX, &to, e);
    if (!s && !to) s = err_field(e, ST_INVALID, "to", "请用 to 参数指定要比较的另一个轮次。");
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (!s) s = ledger_round_store_diff(http_uc(r), id, to, &df, e);
    if (s) return s;
    const char *list = http_query(r, "list");
    if (list && *list) return diff_list(r, df, list, e);
    return http_reply_json(r, 200, df);
}

static st h_review(http_req *r, err *e) {
    int64_t id, total = 0;
    http_page pg = {0};
    json_t *items = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_paging(r, &pg, e);
    const char *state = http_query(r, "state");  /* open | decided | all */
    int which = !state || !strcmp(state, "open") ? 0 : !strcmp(state, "decided") ? 1 : 2;
    uc_page p = page_of(&pg, NULL);
    if (!s) s = ledger_round_store_review(http_uc(r), id, which, &p, &items, &total, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size));
}

static st h_explain(http_req *r, err *e) {
    int64_t id, a, b, number;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (!s) s = http_query_int(r, "a", 0, 1, INT64_MAX, &a, e);
    if (!s) s = http_query_int(r, "b", 0, 1, INT64_MAX, &b, e);
    if (!s && (!a || !b)) s = err_set(e, ST_INVALID, "请用 a 和 b 参数指定两条来源记录。");
    char *text = NULL, *summary = NULL, *plain = NULL;
    if (!s) s = ledger_round_store_explain(http_uc(r), id, a, b, &text, &summary, &plain, e);
    if (s) return s;
    /* plain words first (summary, plain); text: the weights behind them */
    json_t *o = json_pack("{s:s,s:s,s:s}", "summary", summary, "plain", plain, "text", text);
    free(text);
    free(summary);
    free(plain);
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
    if (!s) s = ledger_round_store_decide(http_uc(r), a, b, v, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:{s:I,s:I,s:s}}", "decision", "a", (json_int_t)(a < b ? a : b), "b",
                                             (json_int_t)(a < b ? b : a), "verdict", v));
}

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The round's ledger; districts and parks get their own part. */
static st h_export(http_req *r, err *e) {
    int64_t id, number;
    const char *path;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = ledger_round_store_export(http_uc(r), id, NULL, path, e);
    if (s) return s;
    return http_reply_file(r, path, XLSX_TYPE, arena_printf(&r->mem, "台账-轮次%lld.xlsx", (long long)id), e);
}

/* The verification template: the city picks an area (?district=), others get their own. */
static st h_template(http_req *r, err *e) {
    int64_t id, number;
    const char *path, *want = http_query(r, "district");
    if (want && !*want) want = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (!s) s = http_tempfile(r, &path, e);
    if (!s) s = ledger_verify_store_template(http_uc(r), id, want, path, e);
    if (s) return s;
    return http_reply_file(r, path, XLSX_TYPE, arena_printf(&r->mem, "实地核查表-轮次%lld.xlsx", (long long)id), e);
}

static st h_verify_upload(http_req *r, err *e) {
    int64_t id, number;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (s) return s;
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择填好的核查表（表单字段 file）。");
    int taken = 0;
    json_t *probs = NULL;
    s = ledger_verify_store_import(http_uc(r), id, u->path, u->filename, &taken, &probs, e);
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
    int64_t id, no, number, emp = -1;
    bool pre = false, op = false;
    const char *verifier = NULL, *note = NULL, *day = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_param_int(r, "no", &no, e);
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "employees", false, 0, 10000000, -1, &emp, e);
    if (!s) s = jsonx_bool(r->json, "premises", true, false, &pre, e);
    if (!s) s = jsonx_bool(r->json, "operating", true, false, &op, e);
    if (!s) s = jsonx_str(r->json, "verifier", false, 0, 32, &verifier, e);
    if (!s) s = jsonx_str(r->json, "note", false, 0, 500, &note, e);
    if (!s) s = jsonx_str(r->json, "verified_on", false, 0, 10, &day, e);
    if (!s && day && *day && !day_ok(day))
        s = err_field(e, ST_INVALID, "verified_on", "核查日期“%s”无效，应为不晚于今天的 YYYY-MM-DD（如 2018-05-20）。", day);
    if (s) return s;
    ledger_verification v = {emp, pre, op, verifier, note, day && *day ? day : NULL};
    if ((s = ledger_verify_store_set(http_uc(r), id, no, &v, e))) return s;
    return http_reply_json(r, 200, json_pack("{s:{s:I,s:I,s:b,s:b}}", "verification", "round", (json_int_t)id, "entity_no",
                                             (json_int_t)no, "premises", pre, "operating", op));
}

/* ?force=1: the person was shown that most enterprises are unchecked and confirmed. */
static st h_verify_round(http_req *r, err *e) {
    int64_t id, nid = 0, force = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_query_int(r, "force", 0, 0, 1, &force, e);
    if (!s) s = ledger_round_store_round4(http_uc(r), id, force == 1, &nid, e);
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:{s:I,s:i}}", "round", "id", (json_int_t)nid, "number", 4));
}

static st h_verify_plan(http_req *r, err *e) {
    int64_t id, number;
    json_t *plan = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_number(http_uc(r), id, &number, e);
    if (!s) s = ledger_round_store_round4_plan(http_uc(r), id, &plan, e);
    if (s) return s;
    return http_reply_json(r, 200, plan);
}

static st h_publish(http_req *r, err *e) {
    int64_t id, force = 0;
    int n = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_query_int(r, "force", 0, 0, 1, &force, e);
    if (!s) s = ledger_round_store_publish(http_uc(r), id, force == 1, &n, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:i}", "round", (json_int_t)id, "published", n));
}

static st h_publish_plan(http_req *r, err *e) {
    int64_t id;
    json_t *plan = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ledger_round_store_publish_plan(http_uc(r), id, &plan, e);
    if (s) return s;
    return http_reply_json(r, 200, plan);
}

/* Lists: sort keys and Excel columns (listq.c). */
static const http_sort_key ra_round_sort[] = {
    {"id", "id"}, {"number", "number"}, {"name", "name", true}, {"entities", "entities"}, {"removed", "removed"},
    {"review", "review"}, {"review_open", "review_open"}, {"created_at", "created_at"},
    {"published_at", "published_at"}, {NULL, NULL}};
static const http_sort_key ra_ent_sort[] = {
    /* keyed: NOT NULL and the primary key's second column, so a page in its order reads 20 rows, not the round */
    {"entity_no", "q.entity_no", false, true}, {"name", "q.name", true}, {"uscc", "q.uscc"}, {"district", "q.district", true},
    {"category", "q.category", true}, {"employees", "q.employees"}, {"members", "q.members"}, {"zombie", "q.zombie"},
    {"verified", "q.verified"}, {NULL, NULL}};
/* columns and labels from the dictionary (data/fields.json lists.round_entities), as on the screen */
#define RA_ENT_EXPORT "轮次企业@entities|#round_entities"
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
     "台账轮次|id:编号|number:轮次|name:名称|records:来源记录数|entities:企业数|removed:剔除数|review_open:待审对数|"
     "review_decided:已判定（下次生成轮次时生效）|"
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
     "ledger_round:{id}", .download = true},
    {"GET", "/api/ledger/rounds/{id}/verification.xlsx", "ledger.read", h_template, HB_NONE, "下载实地核查表", "ledger",
     "ledger_round:{id}", .download = true},
    {"POST", "/api/ledger/rounds/{id}/verification", "ledger.reconcile", h_verify_upload, HB_MULTIPART, "导入填好的核查表",
     "ledger", "ledger_round:{id}"},
    {"PUT", "/api/ledger/rounds/{id}/verification/{no}", "ledger.reconcile", h_verify_one, HB_JSON, "录入一家企业的核查结果",
     "ledger", "ledger_entity:{id}/{no}"},
    {"GET", "/api/ledger/rounds/{id}/verify/preview", "ledger.round", h_verify_plan, HB_NONE,
     "预览第四轮：将保留、剔除、未核查各多少家（不写入）", "ledger", "ledger_round:{id}"},
    {"POST", "/api/ledger/rounds/{id}/verify", "ledger.round", h_verify_round, HB_NONE,
     "生成第四轮（实地核查后；未核查比例超过设置时须 force=1 确认）", "ledger", "ledger_round:{id}"},
    {"GET", "/api/ledger/rounds/{id}/publish/preview", "ledger.round", h_publish_plan, HB_NONE,
     "预览发布：新增、更新、移出企业名录各多少家（不写入）", "ledger", "ledger_round:{id}"},
    {"POST", "/api/ledger/rounds/{id}/publish", "ledger.round", h_publish, HB_NONE,
     "发布最终台账（未核查比例超过设置时须 force=1 确认）", "ledger", "ledger_round:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
