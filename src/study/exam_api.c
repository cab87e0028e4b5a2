/* exam_api — question banks, exams and attempts over HTTP: parse, call exam_store, reply.
 *   GET  /api/exam-banks                         the banks of my scope
 *   POST /api/exam-banks                         import one (multipart "file", name?, district?): all rows or none
 *   GET  /api/exam-banks/template.xlsx           the template to fill in (audited)
 *   GET  /api/exam-banks/{id}                    one bank with its questions, answers and explanations
 *   GET  /api/exams                              the exams of my scope, with takers and passes
 *   POST /api/exams                              create one (a draft) from a bank of my scope
 *   GET  /api/exams/{id}                         one exam and its figures
 *   PATCH /api/exams/{id}                        change it (before anyone has taken it)
 *   POST /api/exams/{id}/open | close            open it to its members, or close it
 *   GET  /api/exams/{id}/results                 who took it: each member's best attempt (?passed=0|1; xlsx)
 *   GET  /api/me/exams                           the exams I may take, and my attempts
 *   POST /api/me/exams/{id}/attempts             start (or resume) an attempt: its questions without answers
 *   GET  /api/me/exam-attempts/{id}              my attempt (answers and explanations once submitted)
 *   POST /api/me/exam-attempts/{id}/answers      save one answer {seq, answer} as I go
 *   POST /api/me/exam-attempts/{id}/submit       submit {answers?}: scored on the server
 * The member's routes name no object: an attempt that is not the caller's is
 * not found (the store reads only the caller's own). */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "study/exam_store.h"

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static st ea_list_reply(http_req *r, const http_page *pg, json_t *items, int64_t total) {
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg->page, "size", (json_int_t)pg->size));
}

static st h_bank_import(http_req *r, err *e) {
    const http_upload *u = http_upload_get(r, "file");
    if (!u) return err_field(e, ST_INVALID, "file", "请选择要导入的题库文件（表单字段 file；xlsx、xls 或 CSV）。");
    if (u->size == 0) return err_field(e, ST_INVALID, "file", "上传的文件 %s 是空的。", u->filename);
    const char *name = http_field(r, "name"), *district = http_field(r, "district");
    ledger_table *t = NULL;
    st s = exam_read(u->path, &t, e);
    if (s) return s == ST_IO ? ST_INVALID : s;
    t->source = arena_strdup(&t->mem, u->filename);
    t->path = t->source;
    int64_t id = 0;
    json_t *problems = NULL;
    s = exam_store_bank_import(http_uc(r), t, name && *name ? name : NULL, district && *district ? district : NULL, &id, &problems, e);
    ledger_table_free(t);
    if (s && problems) {   /* every row's problem in the reply: nothing was imported */
        err keep = *e;
        return http_reply_json(r, st_http(s), http_error_json(&keep, json_pack("{s:o}", "problems", problems)));
    }
    json_decref(problems);
    json_t *b = NULL;
    if (!s) s = exam_store_bank_get(http_uc(r), id, &b, e);
    if (s) return s;
    json_object_del(b, "items");
    return http_reply_json(r, 201, json_pack("{s:o}", "bank", b));
}

static st h_banks(http_req *r, err *e) {
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = exam_store_banks(http_uc(r), &p, &items, &total, e))) return s;
    return ea_list_reply(r, &pg, items, total);
}

static st h_bank_get(http_req *r, err *e) {
    int64_t id;
    json_t *b = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = exam_store_bank_get(http_uc(r), id, &b, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "bank", b));
}

static st h_template(http_req *r, err *e) {
    const char *path = NULL;
    st s = http_tempfile(r, &path, e);
    if (!s) s = exam_store_template(http_uc(r), path, e);
    if (s) return s;
    return http_reply_file(r, path, XLSX_MIME, "考试题库模板.xlsx", e);
}

/* The exam's fields from the body: all of them (a PATCH sends the whole exam). */
static st ea_exam_body(http_req *r, exam_new *n, err *e) {
    static const char *const only[] = {"title", "bank_id", "n_any", "n_single", "n_multiple", "n_judge", "minutes", "pass_score",
                                       "attempts", "audience", "opens_on", "closes_on", "credit_minutes", "credit_category", NULL};
    memset(n, 0, sizeof *n);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "title", true, 2, 60, &n->title, e);
    if (!s) s = jsonx_int(r->json, "bank_id", true, 1, INT64_MAX, 0, &n->bank_id, e);
    if (!s) s = jsonx_int(r->json, "n_any", false, 0, 1000, 0, &n->n_any, e);
    if (!s) s = jsonx_int(r->json, "n_single", false, 0, 1000, 0, &n->n_single, e);
    if (!s) s = jsonx_int(r->json, "n_multiple", false, 0, 1000, 0, &n->n_multiple, e);
    if (!s) s = jsonx_int(r->json, "n_judge", false, 0, 1000, 0, &n->n_judge, e);
    if (!s) s = jsonx_int(r->json, "minutes", true, 1, 1440, 0, &n->minutes, e);
    if (!s) s = jsonx_int(r->json, "pass_score", false, 1, 100, cfg_int("exam-pass-score"), &n->pass_score, e);
    if (!s) s = jsonx_int(r->json, "attempts", false, 1, 100, 1, &n->attempts, e);
    if (!s) s = jsonx_str(r->json, "audience", false, 0, 20, &n->audience, e);
    if (!s) s = jsonx_str(r->json, "opens_on", true, 10, 10, &n->opens_on, e);
    if (!s) s = jsonx_str(r->json, "closes_on", true, 10, 10, &n->closes_on, e);
    if (!s) s = jsonx_int(r->json, "credit_minutes", false, 0, 1440, 0, &n->credit_minutes, e);
    if (!s) s = jsonx_str(r->json, "credit_category", false, 0, 30, &n->credit_category, e);
    if (!s && !n->audience) n->audience = "all";
    return s;
}

static st ea_exam_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *x = NULL;
    st s = exam_store_get(http_uc(r), id, &x, e);
    if (s) return s;
    return http_reply_json(r, status, json_pack("{s:o}", "exam", x));
}

static st h_exam_create(http_req *r, err *e) {
    exam_new n;
    int64_t id = 0;
    st s = ea_exam_body(r, &n, e);
    if (!s) s = exam_store_create(http_uc(r), &n, &id, e);
    if (s) return s;
    return ea_exam_reply(r, 201, id, e);
}

static st h_exam_edit(http_req *r, err *e) {
    exam_new n;
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ea_exam_body(r, &n, e);
    if (!s) s = exam_store_edit(http_uc(r), id, &n, e);
    if (s) return s;
    return ea_exam_reply(r, 200, id, e);
}

static st ea_state(http_req *r, const char *action, err *e) {
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = exam_store_set_state(http_uc(r), id, action, e);
    if (s) return s;
    return ea_exam_reply(r, 200, id, e);
}
static st h_exam_open(http_req *r, err *e) { return ea_state(r, "open", e); }
static st h_exam_close(http_req *r, err *e) { return ea_state(r, "close", e); }

static st h_exams(http_req *r, err *e) {
    http_page pg;
    const char *order;
    st s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-id", "q.id DESC", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL;
    int64_t total = 0;
    if ((s = exam_store_list(http_uc(r), &p, &items, &total, e))) return s;
    return ea_list_reply(r, &pg, items, total);
}

static st h_exam_get(http_req *r, err *e) {
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return ea_exam_reply(r, 200, id, e);
}

static st h_results(http_req *r, err *e) {
    int64_t id = 0, passed = -1;
    http_page pg;
    const char *order;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = http_query_int(r, "passed", -1, -1, 1, &passed, e);
    if (!s) s = http_paging(r, &pg, e);
    if (!s) s = http_order(r, "-score", "q.attempt_id", &order, e);
    if (s) return s;
    uc_page p = {pg.size, pg.offset, order};
    json_t *items = NULL, *x = NULL;
    int64_t total = 0;
    if ((s = exam_store_results(http_uc(r), id, (int)passed, &p, &items, &total, e))) return s;
    if ((s = exam_store_get(http_uc(r), id, &x, e))) {
        json_decref(items);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:o}", "items", items, "total", (json_int_t)total, "page",
                                             (json_int_t)pg.page, "size", (json_int_t)pg.size, "exam", x));
}

/* ---- the member's ---- */

static st h_mine(http_req *r, err *e) {
    json_t *o = NULL;
    st s = exam_store_mine(http_uc(r), &o, e);
    if (s) return s;
    return http_reply_json(r, 200, o);
}

static st ea_attempt_reply(http_req *r, int status, int64_t id, err *e) {
    json_t *o = NULL;
    st s = exam_store_attempt(http_uc(r), id, &o, e);
    if (s) return s;
    return http_reply_json(r, status, o);
}

static st h_start(http_req *r, err *e) {
    int64_t exam = 0, attempt = 0;
    st s = http_param_int(r, "id", &exam, e);
    if (!s) s = exam_store_start(http_uc(r), exam, 0, &attempt, e);
    if (s) return s;
    return ea_attempt_reply(r, 201, attempt, e);
}

static st h_attempt(http_req *r, err *e) {
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    if (s) return s;
    return ea_attempt_reply(r, 200, id, e);
}

static st h_answer(http_req *r, err *e) {
    static const char *const only[] = {"seq", "answer", NULL};
    int64_t id = 0, seq = 0;
    const char *answer = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "seq", true, 1, 1000, 0, &seq, e);
    if (!s) s = jsonx_str(r->json, "answer", false, 0, 10, &answer, e);
    if (!s) s = exam_store_answer(http_uc(r), id, seq, answer ? answer : "", e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:I,s:s,s:b}", "seq", (json_int_t)seq, "answer", answer ? answer : "", "saved", 1));
}

static st h_submit(http_req *r, err *e) {
    static const char *const only[] = {"answers", NULL};
    int64_t id = 0;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    json_t *answers = json_object_get(r->json, "answers");
    if (!s && answers && !json_is_array(answers))
        s = err_field(e, ST_INVALID, "answers", "answers 应为数组：[{seq: 题号, answer: \"选项字母\"}]。");
    if (!s && answers && json_array_size(answers) > 1000) s = err_field(e, ST_INVALID, "answers", "answers 过多。");
    if (!s) s = exam_store_submit(http_uc(r), id, answers, e);
    if (s) return s;
    return ea_attempt_reply(r, 200, id, e);
}

static const http_sort_key ea_bank_sort[] = {{"id", "q.id"}, {"name", "q.name", true}, {"questions", "q.questions"},
                                             {"created_at", "q.created_at"}, {NULL, NULL}};
static const http_sort_key ea_exam_sort[] = {{"id", "q.id"}, {"title", "q.title", true}, {"opens_on", "q.opens_on"},
                                             {"closes_on", "q.closes_on"}, {"state", "q.state"}, {"takers", "q.takers"},
                                             {NULL, NULL}};
static const http_sort_key ea_result_sort[] = {{"score", "q.score"}, {"name", "q.name", true}, {"org_name", "q.org_name", true},
                                               {"submitted_at", "q.submitted_at"}, {"attempts", "q.attempts"}, {NULL, NULL}};

const http_route exam_routes[] = {
    {"GET", "/api/exam-banks", "study.read", h_banks, HB_NONE, "考试题库列表（本范围内：全市的，或本区的）", "study", NULL,
     "考试题库|id:编号|name:题库名称|district_name:维护单位|questions:题数|n_single:单选题|n_multiple:多选题|n_judge:判断题|source:文件|importer:导入人",
     ea_bank_sort},
    {"POST", "/api/exam-banks", "study.write", h_bank_import, HB_MULTIPART, "导入考试题库（xlsx、xls、CSV；有一行不对则整个文件不导入）", "study",
     NULL},
    {"GET", "/api/exam-banks/template.xlsx", "study.write", h_template, HB_NONE, "下载考试题库模板（xlsx）", "study", NULL, .download = true},
    {"GET", "/api/exam-banks/{id}", "study.read", h_bank_get, HB_NONE, "一个考试题库及其全部题目（含答案和解析）", "study", "exam_bank:{id}"},
    {"GET", "/api/exams", "study.read", h_exams, HB_NONE, "考试列表（本范围内），含参考人数和通过人数", "study", NULL,
     "考试|id:编号|title:考试名称|bank_name:题库|district_name:组织单位|questions:题数|minutes:时限（分钟）|pass_score:及格分|"
     "attempts:允许次数|audience_label:参加对象|opens_on:开始日期|closes_on:截止日期|state_label:状态|takers:参考人数|passed:通过人数",
     ea_exam_sort},
    {"POST", "/api/exams", "study.write", h_exam_create, HB_JSON, "新建考试（从本范围的题库随机抽题；新建后为未开放）", "study",
     "exam_bank:.bank_id"},
    {"GET", "/api/exams/{id}", "study.read", h_exam_get, HB_NONE, "一场考试及其参考、通过人数和通过率", "study", "exam:{id}"},
    {"PATCH", "/api/exams/{id}", "study.write", h_exam_edit, HB_JSON, "修改考试（尚无人作答时）", "study", "exam:{id} exam_bank:.bank_id"},
    {"POST", "/api/exams/{id}/open", "study.write", h_exam_open, HB_JSON, "开放考试", "study", "exam:{id}"},
    {"POST", "/api/exams/{id}/close", "study.write", h_exam_close, HB_JSON, "关闭考试", "study", "exam:{id}"},
    {"GET", "/api/exams/{id}/results", "study.read", h_results, HB_NONE, "考试成绩：每名参考党员的最好成绩（按是否通过筛选）", "study",
     "exam:{id}",
     "考试成绩|name:姓名|org_name:党组织|score:最高分|passed_label:是否通过|correct:答对题数|questions:题数|attempts:作答次数|"
     "late:超时交卷:bool|submitted_text:交卷时间",
     ea_result_sort},
    {"GET", "/api/me/exams", "study.learn", h_mine, HB_NONE, "我可以参加的考试和我的作答记录", "study", NULL},
    {"POST", "/api/me/exams/{id}/attempts", "study.learn", h_start, HB_JSON, "开始（或继续）作答一场考试：抽题，题目不含答案", "study", NULL},
    {"GET", "/api/me/exam-attempts/{id}", "study.learn", h_attempt, HB_NONE, "我的一次作答（交卷后含正确答案和解析）", "study", NULL},
    {"POST", "/api/me/exam-attempts/{id}/answers", "study.learn", h_answer, HB_JSON, "保存一道题的答案（作答过程中随时保存）", "study",
     NULL},
    {"POST", "/api/me/exam-attempts/{id}/submit", "study.learn", h_submit, HB_JSON, "交卷：服务器评分，通过的首次计入学时", "study", NULL},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
