/* exam_store — see exam_store.h. */
#include "study/exam_store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "auth/scope.h"
#include "base/clock.h"
#include "core/config.h"
#include "core/day.h"
#include "core/utf8.h"
#include "member/member_store.h"
#include "study/exam.h"
#include "study/study_credit.h"

#define EX_SCOPE(D) SCOPE_COND("$1", "$2", D, "NULL", "NULL", "NULL", "NULL")

static const char *ex_actor(uc *c) { return c->who.username ? c->who.username : "system"; }

static const char *ex_col(uc *c, db_stmt *q, int i) {
    const char *v = db_col_text(q, i);
    return v ? arena_strdup(c->mem, v) : NULL;
}

/* ---- banks ---- */

st exam_read(const char *path, ledger_table **out, err *e) {
    ledger_read_opts o = {.header_field = exam_header_field, .header_hint = "“题型”“题目”“答案”",
                          .max_cell_text = (size_t)cfg_int("max-cell-text")};
    return ledger_table_read(path, &o, out, e);
}

static json_t *ex_problem_json(const exam_problem *p) {
    return json_pack("{s:i,s:s?,s:s?,s:s}", "sheet_row", p->sheet_row, "column", p->column[0] ? p->column : NULL,
                     "column_name", p->column_name, "message", p->msg);
}

/* The district a bank is kept by: a district's worker keeps their own; the
 * city names one, or keeps it itself (NULL). */
static st ex_owner_district(uc *c, const char *want, const char **out, err *e) {
    *out = NULL;
    const char *k = c->who.scope_kind ? c->who.scope_kind : "city";
    if (!strcmp(k, "district")) {
        if (want && *want && strcmp(want, c->who.scope_code))
            return err_field(e, ST_FORBIDDEN, "district", "区委组织部只能为本区建题库，不能为区划“%.20s”建。", want);
        *out = c->who.scope_code;
        return ST_OK;
    }
    if (strcmp(k, "city") && strcmp(k, "cli"))
        return err_set(e, ST_FORBIDDEN, "题库由市委组织部或区委组织部维护。");
    if (!want || !*want) return ST_OK;
    int64_t n = 0;
    st s = db_query_int(c->d, &n, "SELECT COUNT(*) FROM region WHERE code = $1 AND kind = 'district'", e, "t", want);
    if (s) return s;
    if (!n) return err_field(e, ST_INVALID, "district", "区划代码“%.20s”不是本市的区：请选择一个区，或留空作为全市题库。", want);
    *out = arena_strdup(c->mem, want);
    return ST_OK;
}

typedef struct ex_import {
    const ledger_table *t;
    const char *name, *district;
    int64_t *id;
    json_t *problems;
    exam_q *qs;
    int nq, counts[3];
} ex_import;

static st ex_import_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_import *x = arg;
    char sha[65];
    sodium_bin2hex(sha, sizeof sha, x->t->sha256, sizeof x->t->sha256);
    json_t *prev = NULL;
    st s = db_query_json(c->d, &prev, "SELECT id, name FROM exam_bank WHERE sha256 = $1 ORDER BY id LIMIT 1", e, "t", sha);
    if (s) return s;
    json_t *p0 = json_array_get(prev, 0);
    if (p0) {
        s = err_set(e, ST_CONFLICT, "文件 %s 已导入为题库“%s”（编号 %lld），内容完全相同，未重复导入。", x->t->source,
                    json_string_value(json_object_get(p0, "name")), (long long)json_integer_value(json_object_get(p0, "id")));
        json_decref(prev);
        return s;
    }
    json_decref(prev);
    s = db_query_int(c->d, x->id,
                     "INSERT INTO exam_bank(name, district_code, source, sha256, questions, n_single, n_multiple, n_judge, importer, "
                     "importer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), $11) RETURNING id",
                     e, "ttttiiiitii", x->name, x->district, x->t->source, sha, (int64_t)x->nq, (int64_t)x->counts[0],
                     (int64_t)x->counts[1], (int64_t)x->counts[2], ex_actor(c), c->who.user_id, clock_now());
    db_stmt *q = NULL;
    if (!s)
        s = db_prepare(c->d,
                       "INSERT INTO exam_question(bank_id, seq, kind, stem, options, answer, explanation, category) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                       &q, e);
    for (int i = 0; !s && i < x->nq; i++) {
        const exam_q *eq = &x->qs[i];
        json_t *opts = json_array();
        for (int j = 0; j < eq->noptions; j++) json_array_append_new(opts, json_string(eq->options[j]));
        char *os = json_dumps(opts, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(opts);
        if (!os) return err_set(e, ST_NOMEM, "内存不足。");
        db_bind_int(q, 1, *x->id);
        db_bind_int(q, 2, i + 1);
        db_bind_text(q, 3, eq->kind);
        db_bind_text(q, 4, eq->stem);
        db_bind_text(q, 5, os);
        db_bind_text(q, 6, eq->answer);
        db_bind_text(q, 7, eq->explanation);
        db_bind_text(q, 8, eq->category);
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
        free(os);
    }
    a->object = uc_obj(c, "exam_bank", *x->id);
    a->detail = arena_printf(c->mem, "导入考试题库“%s”（%s）：%d 题，单选 %d、多选 %d、判断 %d", x->name, x->t->source, x->nq,
                             x->counts[0], x->counts[1], x->counts[2]);
    return s;
}

st exam_store_bank_import(uc *c, const ledger_table *t, const char *name, const char *district, int64_t *id,
                          json_t **problems, err *e) {
    *id = 0;
    *problems = NULL;
    ex_import x = {.t = t, .id = id};
    st s = ex_owner_district(c, district, &x.district, e);
    if (s) return s;
    if (name && *name) {
        if (utf8_count(name, strlen(name)) > 60) return err_field(e, ST_INVALID, "name", "题库名称不能超过 60 个字。");
        x.name = name;
    } else {
        /* the file's name without its extension */
        char *n = arena_strdup(c->mem, t->source ? t->source : "题库");
        char *dot = strrchr(n, '.');
        if (dot && dot != n) *dot = 0;
        x.name = n;
    }
    exam_cols cols;
    exam_map(t, &cols);
    char msg[400];
    if (!exam_cols_ok(&cols, msg, sizeof msg)) return err_set(e, ST_INVALID, "%s：%s", t->source, msg);
    int64_t max = cfg_int("exam-bank-max-questions");
    x.qs = arena_calloc(c->mem, (size_t)(t->nrows > 0 ? t->nrows : 1), sizeof *x.qs);
    if (!x.qs) return err_set(e, ST_NOMEM, "内存不足。");
    json_t *probs = json_array();
    for (int i = 0; i < t->nrows; i++) {
        exam_problem p;
        int r = exam_row_read(t, &cols, &t->rows[i], c->mem, &x.qs[x.nq], &p);
        if (r < 0) {
            if (json_array_size(probs) < 500) json_array_append_new(probs, ex_problem_json(&p));
            continue;
        }
        if (r == 0) continue;
        const char *k = x.qs[x.nq].kind;
        x.counts[!strcmp(k, "single") ? 0 : !strcmp(k, "multiple") ? 1 : 2]++;
        x.nq++;
    }
    if (json_array_size(probs)) {
        *problems = probs;
        return err_set(e, ST_INVALID, "%s 有 %zu 行有问题，整个题库未导入（一题也没有导入）：请按逐行的说明改正后重新导入。", t->source,
                       json_array_size(probs));
    }
    json_decref(probs);
    if (!x.nq) return err_set(e, ST_INVALID, "%s 里没有题目：请在表头下面逐行填写题目。", t->source);
    if (x.nq > max) return err_set(e, ST_INVALID, "%s 有 %d 题，超过一个题库的上限 %lld 题：请分成几个题库导入。", t->source, x.nq, (long long)max);
    uc_act a = {"exam.bank_import", NULL, NULL, NULL};
    return uc_write(c, &a, ex_import_work, &x, e);
}

st exam_store_banks(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM exam_bank b WHERE " EX_SCOPE("b.district_code"), e, "tt", k, code);
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $3 OFFSET $4",
                                   "SELECT b.id, b.name, b.district_code, COALESCE(r.name, '全市') AS district_name, b.source, "
                                   "b.questions, b.n_single, b.n_multiple, b.n_judge, b.importer, b.created_at, "
                                   "(SELECT COUNT(*) FROM exam x WHERE x.bank_id = b.id) AS exams FROM exam_bank b "
                                   "LEFT JOIN region r ON r.code = b.district_code WHERE " EX_SCOPE("b.district_code"),
                                   p && p->order ? p->order : "q.id DESC");
    if (!s) s = db_query_json(c->d, items, sql, e, "ttii", k, code, p ? p->limit : 50, p ? p->offset : 0);
    return s;
}

/* Options are stored as a JSON array's text: parsed back for the reply. */
static void ex_options_parse(json_t *rows) {
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *o = json_string_value(json_object_get(r, "options"));
        json_t *arr = o ? json_loads(o, 0, NULL) : NULL;
        json_object_set_new(r, "options", arr ? arr : json_array());
        const char *k = json_string_value(json_object_get(r, "kind"));
        json_object_set_new(r, "kind_label", json_string(exam_kind_label(k)));
        if (k && !strcmp(k, "judge") && !json_array_size(json_object_get(r, "options")))
            json_object_set_new(r, "options", json_pack("[s,s]", "正确", "错误"));
    }
}

st exam_store_bank_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL, *qs = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT b.id, b.name, b.district_code, COALESCE(r.name, '全市') AS district_name, b.source, b.questions, "
                         "b.n_single, b.n_multiple, b.n_judge, b.importer, b.created_at FROM exam_bank b "
                         "LEFT JOIN region r ON r.code = b.district_code WHERE b.id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *b = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!b) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试题库。", (long long)id);
    s = db_query_json(c->d, &qs,
                      "SELECT id, seq, kind, stem, options, answer, explanation, category FROM exam_question WHERE bank_id = $1 "
                      "ORDER BY seq",
                      e, "i", id);
    if (s) {
        json_decref(b);
        return s;
    }
    ex_options_parse(qs);
    json_object_set_new(b, "items", qs);
    *out = b;
    return ST_OK;
}

st exam_store_template(uc *c, const char *path, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法生成题库模板。");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "题库");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *wrap = workbook_add_format(wb);
    format_set_text_wrap(wrap);
    static const char *const head[] = {"序号", "题型", "题目", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "分类"};
    for (int i = 0; i < 12; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_column(ws, 2, 2, 48, wrap);
    worksheet_set_column(ws, 3, 8, 18, wrap);
    worksheet_set_column(ws, 10, 10, 40, wrap);
    static const char *const rows[][12] = {
        {"1", "单选题", "中国共产党的最高理想和最终目标是什么？", "实现共产主义", "全面建成小康社会", "实现社会主义现代化", "实现中华民族伟大复兴", "",
         "", "A", "党章总纲：党的最高理想和最终目标是实现共产主义。", "党章"},
        {"2", "多选题", "党员的权利包括哪些？", "参加党的有关会议", "在党的会议上参加讨论", "对党的工作提出建议和倡议", "拒绝执行党的决议", "",
         "", "ABC", "党章第四条规定了党员的权利；党员必须执行党的决议。", "党章"},
        {"3", "判断题", "预备党员的预备期为一年。", "", "", "", "", "", "", "对", "党章第七条：预备党员的预备期为一年。", "党章"},
    };
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 12; i++)
            if (*rows[r][i]) worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)i, rows[r][i], NULL);
    lxw_worksheet *help = workbook_add_worksheet(wb, "填写说明");
    static const char *const notes[] = {
        "每行一题，表头请保留（可删去示例行）。",
        "题型：单选题、多选题或判断题。",
        "单选题、多选题：选项从选项A起依次填写，至少两个，最多六个（A–F）。",
        "答案：单选题填一个字母（如 B）；多选题填全部正确选项的字母（如 ACD，至少两个）；判断题填“对”或“错”（也可写 √、×）。",
        "解析：交卷后向党员显示，说明正确答案的依据。",
        "分类：可选，如 党章、党史、党规党纪。",
        "任何一行有问题时整个文件都不会导入，系统会逐行说明问题所在的行、列和改法。",
    };
    worksheet_set_column(help, 0, 0, 100, NULL);
    for (int i = 0; i < (int)(sizeof notes / sizeof notes[0]); i++) worksheet_write_string(help, (lxw_row_t)i, 0, notes[i], NULL);
    if (workbook_close(wb) != LXW_NO_ERROR) return err_set(e, ST_IO, "无法生成题库模板。");
    uc_act a = {"exam.template", "exam_bank:template", "下载考试题库模板", NULL};
    return uc_audit(c, &a, e);
}

/* ---- exams ---- */

typedef struct ex_bank_counts { int64_t all, single, multiple, judge; const char *district; } ex_bank_counts;

static st ex_bank_counts_of(uc *c, int64_t bank, ex_bank_counts *b, err *e) {
    memset(b, 0, sizeof *b);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT questions, n_single, n_multiple, n_judge, district_code FROM exam_bank WHERE id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, bank);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        b->all = db_col_int(q, 0);
        b->single = db_col_int(q, 1);
        b->multiple = db_col_int(q, 2);
        b->judge = db_col_int(q, 3);
        b->district = ex_col(c, q, 4);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_field(e, ST_NOT_FOUND, "bank_id", "没有编号为 %lld 的考试题库。", (long long)bank);
}

static bool ex_day_ok(const char *s) {
    int y, m, d;
    char tail;
    return s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && y >= 2000 &&
           y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= day_month_days(y, m);
}

static st ex_check(uc *c, const exam_new *n, ex_bank_counts *b, err *e) {
    if (!n->title || utf8_count(n->title, strlen(n->title)) < 2 || utf8_count(n->title, strlen(n->title)) > 60)
        return err_field(e, ST_INVALID, "title", "考试名称应为 2 到 60 个字。");
    st s = ex_bank_counts_of(c, n->bank_id, b, e);
    if (s) return s;
    int64_t kinds = n->n_single + n->n_multiple + n->n_judge;
    if (n->n_single < 0 || n->n_multiple < 0 || n->n_judge < 0 || n->n_any < 0)
        return err_field(e, ST_INVALID, "n_any", "题数不能为负数。");
    if (kinds > 0 && n->n_any > 0 && n->n_any != kinds)
        return err_field(e, ST_INVALID, "n_any", "按题型设定了题数时，总题数应为各题型之和（%lld），或不填。", (long long)kinds);
    if (n->n_single > b->single)
        return err_field(e, ST_INVALID, "n_single", "题库只有 %lld 道单选题，抽不出 %lld 道。", (long long)b->single, (long long)n->n_single);
    if (n->n_multiple > b->multiple)
        return err_field(e, ST_INVALID, "n_multiple", "题库只有 %lld 道多选题，抽不出 %lld 道。", (long long)b->multiple,
                         (long long)n->n_multiple);
    if (n->n_judge > b->judge)
        return err_field(e, ST_INVALID, "n_judge", "题库只有 %lld 道判断题，抽不出 %lld 道。", (long long)b->judge, (long long)n->n_judge);
    int64_t total = kinds > 0 ? kinds : n->n_any;
    if (total < 1) return err_field(e, ST_INVALID, "n_any", "请设定抽题数（总数，或各题型的题数）。");
    if (total > b->all)
        return err_field(e, ST_INVALID, "n_any", "题库只有 %lld 题，抽不出 %lld 题。", (long long)b->all, (long long)total);
    if (total > cfg_int("exam-max-questions"))
        return err_field(e, ST_INVALID, "n_any", "一场考试最多抽 %ld 题（设置 exam-max-questions）。", cfg_int("exam-max-questions"));
    if (n->minutes < 1 || n->minutes > cfg_int("exam-max-minutes"))
        return err_field(e, ST_INVALID, "minutes", "考试时限应为 1 到 %ld 分钟。", cfg_int("exam-max-minutes"));
    if (n->pass_score < 1 || n->pass_score > 100) return err_field(e, ST_INVALID, "pass_score", "及格分应为 1 到 100（百分制）。");
    if (n->attempts < 1 || n->attempts > cfg_int("exam-max-attempts"))
        return err_field(e, ST_INVALID, "attempts", "允许作答次数应为 1 到 %ld 次。", cfg_int("exam-max-attempts"));
    static const char *const aud[] = {"all", "full", "probation", "secretary", NULL};
    bool ok = false;
    for (const char *const *a = aud; *a; a++) ok |= n->audience && !strcmp(*a, n->audience);
    if (!ok) return err_field(e, ST_INVALID, "audience", "参加对象 audience 应为 all（全体党员）、full（正式党员）、probation（预备党员）或 secretary（支部书记）。");
    if (!ex_day_ok(n->opens_on)) return err_field(e, ST_INVALID, "opens_on", "开始日期应为 YYYY-MM-DD 格式的有效日期。");
    if (!ex_day_ok(n->closes_on)) return err_field(e, ST_INVALID, "closes_on", "截止日期应为 YYYY-MM-DD 格式的有效日期。");
    if (strcmp(n->opens_on, n->closes_on) > 0) return err_field(e, ST_INVALID, "closes_on", "截止日期不能早于开始日期。");
    if (n->credit_minutes < 0 || n->credit_minutes > 24 * 60)
        return err_field(e, ST_INVALID, "credit_minutes", "通过后计入的学时应为 0 到 1440 分钟。");
    if (n->credit_minutes > 0 && (!n->credit_category || !*n->credit_category))
        return err_field(e, ST_INVALID, "credit_category", "通过后计入学时，请填写学时类别（如“理论学习”）。");
    if (n->credit_category && utf8_count(n->credit_category, strlen(n->credit_category)) > 30)
        return err_field(e, ST_INVALID, "credit_category", "学时类别不能超过 30 个字。");
    return ST_OK;
}

typedef struct ex_write { const exam_new *n; int64_t *id; ex_bank_counts b; } ex_write;

static st ex_create_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_write *w = arg;
    const exam_new *n = w->n;
    bool kinds = n->n_single + n->n_multiple + n->n_judge > 0;
    st s = db_query_int(c->d, w->id,
                        "INSERT INTO exam(title, bank_id, district_code, n_any, n_single, n_multiple, n_judge, minutes, pass_score, "
                        "attempts, audience, opens_on, closes_on, state, credit_minutes, credit_category, created_by, created_at, "
                        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', $14, $15, $16, $17, $17) "
                        "RETURNING id",
                        e, "titiiiiiiitttitti", n->title, n->bank_id, w->b.district, kinds ? 0 : n->n_any, n->n_single, n->n_multiple,
                        n->n_judge, n->minutes, n->pass_score, n->attempts, n->audience, n->opens_on, n->closes_on,
                        n->credit_minutes, n->credit_minutes > 0 ? n->credit_category : NULL, ex_actor(c), clock_now());
    a->object = uc_obj(c, "exam", *w->id);
    a->detail = arena_printf(c->mem, "新建考试“%s”", n->title);
    return s;
}

st exam_store_create(uc *c, const exam_new *n, int64_t *id, err *e) {
    ex_write w = {.n = n, .id = id};
    st s = ex_check(c, n, &w.b, e);
    if (s) return s;
    uc_act a = {"exam.create", NULL, NULL, NULL};
    return uc_write(c, &a, ex_create_work, &w, e);
}

static st ex_edit_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_write *w = arg;
    const exam_new *n = w->n;
    int64_t used = 0, bank = 0;
    st s = db_query_int(c->d, &bank, "SELECT bank_id FROM exam WHERE id = $1", e, "i", *w->id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试。", (long long)*w->id);
    if (!s) s = db_query_int(c->d, &used, "SELECT COUNT(*) FROM exam_attempt WHERE exam_id = $1", e, "i", *w->id);
    if (s) return s;
    if (used)
        return err_set(e, ST_CONFLICT, "这场考试已有 %lld 人次作答，不能再修改：请关闭它，另建一场新的考试。", (long long)used);
    if (bank != n->bank_id) {
        /* the bank may change only within the same keeper (the district is the exam's scope) */
        char *d0 = NULL;
        s = db_query_text(c->d, &d0, "SELECT COALESCE(district_code, '') FROM exam WHERE id = $1", e, "i", *w->id);
        if (s) return s;
        bool same = !strcmp(d0, w->b.district ? w->b.district : "");
        free(d0);
        if (!same) return err_field(e, ST_INVALID, "bank_id", "只能换用同一单位（全市或同一个区）维护的题库。");
    }
    bool kinds = n->n_single + n->n_multiple + n->n_judge > 0;
    s = db_run(c->d,
               "UPDATE exam SET title = $2, bank_id = $3, n_any = $4, n_single = $5, n_multiple = $6, n_judge = $7, minutes = $8, "
               "pass_score = $9, attempts = $10, audience = $11, opens_on = $12, closes_on = $13, credit_minutes = $14, "
               "credit_category = $15, updated_at = $16 WHERE id = $1",
               e, "itiiiiiiiitttiti", *w->id, n->title, n->bank_id, kinds ? 0 : n->n_any, n->n_single, n->n_multiple, n->n_judge,
               n->minutes, n->pass_score, n->attempts, n->audience, n->opens_on, n->closes_on, n->credit_minutes,
               n->credit_minutes > 0 ? n->credit_category : NULL, clock_now());
    a->object = uc_obj(c, "exam", *w->id);
    a->detail = arena_printf(c->mem, "修改考试“%s”", n->title);
    return s;
}

st exam_store_edit(uc *c, int64_t id, const exam_new *n, err *e) {
    ex_write w = {.n = n, .id = &id};
    st s = ex_check(c, n, &w.b, e);
    if (s) return s;
    /* the new bank must be inside the caller's scope too */
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)n->bank_id);
    scope_who who = scope_who_of(c);
    if ((s = scope_check(c->d, &who, "exam_bank", key, e))) return s;
    uc_act a = {"exam.edit", NULL, NULL, NULL};
    return uc_write(c, &a, ex_edit_work, &w, e);
}

typedef struct ex_state { int64_t id; const char *action; } ex_state;

static st ex_state_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_state *x = arg;
    char *state = NULL, *title = NULL;
    st s = db_query_text(c->d, &state, "SELECT state FROM exam WHERE id = $1", e, "i", x->id);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试。", (long long)x->id);
    if (s) return s;
    bool open = !strcmp(x->action, "open");
    if (open && !strcmp(state, "open")) s = err_set(e, ST_CONFLICT, "这场考试已经开放。");
    else if (!open && strcmp(state, "open")) s = err_set(e, ST_CONFLICT, "这场考试没有开放，无需关闭。");
    free(state);
    if (!s) s = db_run(c->d, "UPDATE exam SET state = $2, updated_at = $3 WHERE id = $1", e, "iti", x->id, open ? "open" : "closed", clock_now());
    if (!s) s = db_query_text(c->d, &title, "SELECT title FROM exam WHERE id = $1", e, "i", x->id);
    a->object = uc_obj(c, "exam", x->id);
    a->detail = arena_printf(c->mem, "%s考试“%s”", open ? "开放" : "关闭", title ? title : "");
    free(title);
    return s;
}

st exam_store_set_state(uc *c, int64_t id, const char *action, err *e) {
    ex_state x = {id, action};
    uc_act a = {!strcmp(action, "open") ? "exam.open" : "exam.close", NULL, NULL, NULL};
    return uc_write(c, &a, ex_state_work, &x, e);
}

#define EX_COLS                                                                                                               \
    "x.id, x.title, x.bank_id, b.name AS bank_name, x.district_code, COALESCE(r.name, '全市') AS district_name, x.n_any, "   \
    "x.n_single, x.n_multiple, x.n_judge, CASE WHEN x.n_any > 0 THEN x.n_any ELSE x.n_single + x.n_multiple + x.n_judge END " \
    "AS questions, x.minutes, x.pass_score, x.attempts, x.audience, x.opens_on, x.closes_on, x.state, x.credit_minutes, "    \
    "x.credit_category, x.created_by, x.created_at"
#define EX_FROM " FROM exam x JOIN exam_bank b ON b.id = x.bank_id LEFT JOIN region r ON r.code = x.district_code"

static const char *ex_audience_label(const char *a) {
    if (!a) return "";
    if (!strcmp(a, "all")) return "全体党员";
    if (!strcmp(a, "full")) return "正式党员";
    if (!strcmp(a, "probation")) return "预备党员";
    if (!strcmp(a, "secretary")) return "支部书记";
    return a;
}

static void ex_labels(json_t *rows) {
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_object_set_new(r, "audience_label", json_string(ex_audience_label(json_string_value(json_object_get(r, "audience")))));
        const char *sv = json_string_value(json_object_get(r, "state"));
        json_object_set_new(r, "state_label",
                            json_string(!sv ? "" : !strcmp(sv, "open") ? "开放中" : !strcmp(sv, "closed") ? "已关闭" : "未开放"));
    }
}

st exam_store_list(uc *c, const uc_page *p, json_t **items, int64_t *total, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    st s = db_query_int(c->d, total, "SELECT COUNT(*) FROM exam x WHERE " EX_SCOPE("x.district_code"), e, "tt", k, code);
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $3 OFFSET $4",
                                   "SELECT " EX_COLS ", (SELECT COUNT(DISTINCT a.person_id) FROM exam_attempt a WHERE a.exam_id = x.id "
                                   "AND a.state = 'submitted') AS takers, (SELECT COUNT(*) FROM exam_pass ps WHERE ps.exam_id = x.id) "
                                   "AS passed" EX_FROM " WHERE " EX_SCOPE("x.district_code"),
                                   p && p->order ? p->order : "q.id DESC");
    if (!s) s = db_query_json(c->d, items, sql, e, "ttii", k, code, p ? p->limit : 50, p ? p->offset : 0);
    if (!s) ex_labels(*items);
    return s;
}

st exam_store_get(uc *c, int64_t id, json_t **out, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT " EX_COLS ", (SELECT COUNT(DISTINCT a.person_id) FROM exam_attempt a WHERE a.exam_id = x.id AND "
                         "a.state = 'submitted') AS takers, (SELECT COUNT(*) FROM exam_pass ps WHERE ps.exam_id = x.id) AS passed, "
                         "(SELECT COUNT(*) FROM exam_attempt a WHERE a.exam_id = x.id) AS attempts_made" EX_FROM " WHERE x.id = $1",
                         e, "i", id);
    if (s) return s;
    ex_labels(rows);
    json_t *x = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!x) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试。", (long long)id);
    int64_t takers = json_integer_value(json_object_get(x, "takers")), passed = json_integer_value(json_object_get(x, "passed"));
    json_object_set_new(x, "pass_rate", takers ? json_real((double)(passed * 1000 / takers) / 10.0) : json_null());
    *out = x;
    return ST_OK;
}

st exam_store_results(uc *c, int64_t id, int passed, const uc_page *p, json_t **items, int64_t *total, err *e) {
    /* each member's best attempt: the highest score, the first such */
    static const char *const best =
        "SELECT a.person_id, m.name, a.org_id, o.name AS org_name, a.score, a.passed, a.correct, a.questions, a.late, "
        "a.submitted_at, a.id AS attempt_id, a.n AS attempts, COALESCE(ps.attempt_id, 0) AS credited_attempt FROM "
        "(SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.person_id ORDER BY t.score DESC, t.id) AS rn, "
        "COUNT(*) OVER (PARTITION BY t.person_id) AS n FROM exam_attempt t WHERE t.exam_id = $1 AND t.state = 'submitted') a "
        "JOIN person m ON m.id = a.person_id LEFT JOIN org o ON o.id = a.org_id "
        "LEFT JOIN exam_pass ps ON ps.exam_id = a.exam_id AND ps.person_id = a.person_id "
        "WHERE a.rn = 1 AND ($2 < 0 OR a.passed = $2)";
    st s = db_query_int(c->d, total, arena_printf(c->mem, "SELECT COUNT(*) FROM (%s) q", best), e, "ii", id, (int64_t)passed);
    const char *sql = arena_printf(c->mem, "SELECT * FROM (%s) q ORDER BY %s LIMIT $3 OFFSET $4", best,
                                   p && p->order ? p->order : "q.score DESC, q.attempt_id");
    if (!s) s = db_query_json(c->d, items, sql, e, "iiii", id, (int64_t)passed, p ? p->limit : 50, p ? p->offset : 0);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(*items, i, r) {
        char iso[32] = "";
        json_int_t t = json_integer_value(json_object_get(r, "submitted_at"));
        if (t) clock_iso(t, iso, sizeof iso);
        json_object_set_new(r, "submitted_text", json_string(iso));
        json_object_set_new(r, "passed_label", json_string(json_integer_value(json_object_get(r, "passed")) ? "通过" : "未通过"));
    }
    return ST_OK;
}

/* ---- the member's side ---- */

typedef struct ex_me {
    int64_t person, org_id;
    char district[16], category[16], state[16];
    bool secretary;
} ex_me;

static st ex_me_of(uc *c, ex_me *m, err *e) {
    memset(m, 0, sizeof *m);
    st s = member_store_person_of_user(c, c->who.user_id, &m->person, e);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "您的账号没有关联党员档案，不能参加考试：请联系所在支部核对。");
    if (s) return s;
    db_stmt *q;
    if ((s = db_prepare(c->d,
                        "SELECT m.org_id, COALESCE(m.district_code, ''), m.category, m.state, COALESCE(u.role, '') FROM member m "
                        "JOIN person p ON p.id = m.person_id LEFT JOIN users u ON u.id = p.user_id WHERE m.person_id = $1",
                        &q, e)))
        return s;
    db_bind_int(q, 1, m->person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        m->org_id = db_col_int(q, 0);
        snprintf(m->district, sizeof m->district, "%s", db_col_text(q, 1));
        snprintf(m->category, sizeof m->category, "%s", db_col_text(q, 2));
        snprintf(m->state, sizeof m->state, "%s", db_col_text(q, 3));
        m->secretary = !strcmp(db_col_text(q, 4), "secretary");
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    if (r != DB_ROW) return err_set(e, ST_NOT_FOUND, "您不在党员名册中，不能参加考试：请联系所在支部核对。");
    return ST_OK;
}

/* The SQL condition of the exams a member may take ($1 today, $2 district, $3 category, $4 secretary 0/1). */
#define EX_MINE                                                                                                         \
    "x.state = 'open' AND x.opens_on <= $1 AND x.closes_on >= $1 AND (x.district_code IS NULL OR x.district_code = $2) " \
    "AND (x.audience = 'all' OR (x.audience = 'full' AND $3 = '正式党员') OR (x.audience = 'probation' AND $3 = '预备党员') " \
    "OR (x.audience = 'secretary' AND $4 = 1))"

static void ex_attempt_times(json_t *r, int64_t now) {
    int64_t dl = json_integer_value(json_object_get(r, "deadline"));
    char iso[32];
    clock_iso(dl, iso, sizeof iso);
    json_object_set_new(r, "deadline_iso", json_string(iso));
    json_object_set_new(r, "remaining", json_integer(dl > now ? dl - now : 0));
}

st exam_store_mine(uc *c, json_t **out, err *e) {
    *out = NULL;
    ex_me m;
    st s = ex_me_of(c, &m, e);
    if (s == ST_NOT_FOUND) {
        *out = json_pack("{s:[],s:[],s:b}", "exams", "attempts", "member", 0);
        return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
    if (s) return s;
    char today[11];
    int64_t now = clock_now();
    clock_day(now, today);
    json_t *exams = NULL, *attempts = NULL;
    s = db_query_json(c->d, &exams,
                      "SELECT x.id, x.title, x.minutes, x.pass_score, x.attempts, x.opens_on, x.closes_on, x.credit_minutes, "
                      "x.credit_category, CASE WHEN x.n_any > 0 THEN x.n_any ELSE x.n_single + x.n_multiple + x.n_judge END AS "
                      "questions, (SELECT COUNT(*) FROM exam_attempt a WHERE a.exam_id = x.id AND a.person_id = $5) AS used, "
                      "(SELECT MAX(a.score) FROM exam_attempt a WHERE a.exam_id = x.id AND a.person_id = $5 AND a.state = "
                      "'submitted') AS best, (SELECT COUNT(*) FROM exam_pass ps WHERE ps.exam_id = x.id AND ps.person_id = $5) AS "
                      "passed, (SELECT MAX(a.id) FROM exam_attempt a WHERE a.exam_id = x.id AND a.person_id = $5 AND a.state = "
                      "'open') AS open_attempt FROM exam x WHERE " EX_MINE " ORDER BY x.closes_on, x.id",
                      e, "tttii", today, m.district, m.category, (int64_t)m.secretary, m.person);
    if (!s)
        s = db_query_json(c->d, &attempts,
                          "SELECT a.id, a.exam_id, x.title, a.state, a.started_at, a.deadline, a.submitted_at, a.score, a.passed, "
                          "a.late, a.questions, a.correct, a.credited_minutes FROM exam_attempt a JOIN exam x ON x.id = a.exam_id "
                          "WHERE a.person_id = $1 ORDER BY a.id DESC LIMIT 50",
                          e, "i", m.person);
    if (s) {
        json_decref(exams);
        return s;
    }
    size_t i;
    json_t *r;
    json_array_foreach(attempts, i, r) ex_attempt_times(r, now);
    *out = json_pack("{s:o,s:o,s:b}", "exams", exams, "attempts", attempts, "member", 1);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* Score an open attempt with the answers saved (inside the caller's act);
 * late marks one submitted past its deadline and grace.  The first pass
 * credits the exam's hours. */
static st ex_score(uc *c, int64_t attempt, bool late, int64_t now, err *e) {
    db_stmt *q;
    st s = db_prepare(c->d,
                      "SELECT aq.seq, q.kind, q.answer, aq.answer FROM exam_attempt_question aq JOIN exam_question q ON q.id = "
                      "aq.question_id WHERE aq.attempt_id = $1 ORDER BY aq.seq",
                      &q, e);
    if (s) return s;
    bool partial = cfg_bool("exam-multiple-partial");
    int64_t halves = 0, n = 0, correct = 0;
    typedef struct { int64_t seq; int h; } sc;
    sc *v = NULL;
    size_t nv = 0, cap = 0;
    db_bind_int(q, 1, attempt);
    int r;
    while ((r = db_step(q, e)) == DB_ROW) {
        int h = exam_halves(db_col_text(q, 1), db_col_text(q, 2), db_col_text(q, 3) ? db_col_text(q, 3) : "", partial);
        if (!arena_push(c->mem, (void **)&v, &nv, &cap, 64, sizeof *v)) {
            db_reset(q);
            return err_set(e, ST_NOMEM, "内存不足。");
        }
        v[nv - 1] = (sc){db_col_int(q, 0), h};
        halves += h;
        correct += h == 2;
        n++;
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    for (size_t i = 0; !s && i < nv; i++)
        s = db_run(c->d, "UPDATE exam_attempt_question SET halves = $3 WHERE attempt_id = $1 AND seq = $2", e, "iii", attempt, v[i].seq,
                   (int64_t)v[i].h);
    if (s) return s;
    int score = exam_percent(halves, n);
    json_t *rows = NULL;
    s = db_query_json(c->d, &rows,
                      "SELECT x.id AS exam_id, x.title, x.pass_score, x.credit_minutes, COALESCE(x.credit_category, '考试') AS "
                      "category, a.person_id FROM exam_attempt a JOIN exam x ON x.id = a.exam_id WHERE a.id = $1",
                      e, "i", attempt);
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *x = json_array_get(rows, 0);
    int64_t exam_id = json_integer_value(json_object_get(x, "exam_id")), person = json_integer_value(json_object_get(x, "person_id"));
    int64_t credit = json_integer_value(json_object_get(x, "credit_minutes"));
    bool passed = score >= json_integer_value(json_object_get(x, "pass_score"));
    int64_t credited = 0;
    if (passed) {
        int64_t got = 0;
        s = db_query_int(c->d, &got,
                         "INSERT INTO exam_pass(exam_id, person_id, attempt_id) VALUES ($1, $2, $3) ON CONFLICT (exam_id, person_id) "
                         "DO NOTHING RETURNING attempt_id",
                         e, "iii", exam_id, person, attempt);
        if (s == ST_NOT_FOUND) s = ST_OK;   /* passed before: nothing more */
        else if (!s && credit > 0) {
            char today[11];
            clock_day(now, today);
            study_credit k = {.person_id = person, .day = today, .minutes = credit,
                              .category = json_string_value(json_object_get(x, "category")), .source = "exam", .source_id = attempt,
                              .note = json_string_value(json_object_get(x, "title"))};
            s = study_credit_add(c, &k, e);
            credited = credit;
        }
        if (s) return s;
    }
    return db_run(c->d,
                  "UPDATE exam_attempt SET state = 'submitted', submitted_at = $2, late = $3, correct = $4, score = $5, passed = $6, "
                  "credited_minutes = $7 WHERE id = $1",
                  e, "iiiiiii", attempt, now, (int64_t)late, correct, (int64_t)score, (int64_t)passed, credited);
}

typedef struct ex_start { int64_t exam_id; uint64_t seed; int64_t *attempt; ex_me me; } ex_start;

static st ex_draw_kind(uc *c, int64_t bank, const char *kind, int64_t k, uint64_t seed, int64_t **ids, size_t *nids, size_t *cap,
                       err *e) {
    if (k <= 0) return ST_OK;
    json_t *rows = NULL;
    st s = kind ? db_query_json(c->d, &rows, "SELECT id FROM exam_question WHERE bank_id = $1 AND kind = $2 ORDER BY seq", e, "it", bank, kind)
                : db_query_json(c->d, &rows, "SELECT id FROM exam_question WHERE bank_id = $1 ORDER BY seq", e, "i", bank);
    if (s) return s;
    arena_json(c->mem, rows);
    int n = (int)json_array_size(rows);
    if (k > n) return err_set(e, ST_CONFLICT, "题库里的题目不够抽取：请联系出题单位。");
    int *scratch = arena_alloc(c->mem, sizeof(int) * (size_t)n), *pick = arena_alloc(c->mem, sizeof(int) * (size_t)k);
    if (!scratch || !pick) return err_set(e, ST_NOMEM, "内存不足。");
    exam_draw(n, (int)k, seed, scratch, pick);
    for (int i = 0; i < k; i++) {
        if (!arena_push(c->mem, (void **)ids, nids, cap, 64, sizeof **ids)) return err_set(e, ST_NOMEM, "内存不足。");
        (*ids)[*nids - 1] = json_integer_value(json_object_get(json_array_get(rows, (size_t)pick[i]), "id"));
    }
    return ST_OK;
}

static st ex_start_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_start *x = arg;
    int64_t now = clock_now();
    char today[11];
    clock_day(now, today);
    a->object = uc_obj(c, "exam", x->exam_id);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT x.id, x.title, x.bank_id, x.n_any, x.n_single, x.n_multiple, x.n_judge, x.minutes, x.attempts, "
                         "x.state, x.opens_on, x.closes_on, (SELECT COUNT(*) FROM exam x2 WHERE x2.id = x.id AND " EX_MINE
                         ") AS mine FROM exam x WHERE x.id = $5",
                         e, "tttii", today, x->me.district, x->me.category, (int64_t)x->me.secretary, x->exam_id);
    if (s) return s;
    arena_json(c->mem, rows);
    json_t *ex = json_array_get(rows, 0);
    if (!ex) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试。", (long long)x->exam_id);
    const char *title = json_string_value(json_object_get(ex, "title"));
    a->detail = arena_printf(c->mem, "开始作答“%s”", title);
    if (!json_integer_value(json_object_get(ex, "mine"))) {
        const char *sv = json_string_value(json_object_get(ex, "state"));
        if (strcmp(sv, "open")) return err_set(e, ST_CONFLICT, "考试“%s”现在没有开放，不能作答。", title);
        if (strcmp(today, json_string_value(json_object_get(ex, "opens_on"))) < 0)
            return err_set(e, ST_CONFLICT, "考试“%s”从 %s 开始，请届时再来。", title, json_string_value(json_object_get(ex, "opens_on")));
        if (strcmp(today, json_string_value(json_object_get(ex, "closes_on"))) > 0)
            return err_set(e, ST_CONFLICT, "考试“%s”已于 %s 截止。", title, json_string_value(json_object_get(ex, "closes_on")));
        return err_set(e, ST_NOT_FOUND, "考试“%s”不面向您（参加对象或所在区不符）。", title);
    }
    if (strcmp(x->me.state, "正常") && strcmp(x->me.state, "流动"))
        return err_set(e, ST_CONFLICT, "您的党籍状态为“%s”，不能参加考试。", x->me.state);
    /* an open attempt: resumed while in time, scored (with its saved answers) once past */
    int64_t open = 0, deadline = 0;
    s = db_query_int(c->d, &open, "SELECT id FROM exam_attempt WHERE exam_id = $1 AND person_id = $2 AND state = 'open'", e, "ii",
                     x->exam_id, x->me.person);
    if (!s) s = db_query_int(c->d, &deadline, "SELECT deadline FROM exam_attempt WHERE id = $1", e, "i", open);
    if (!s) {
        if (now <= deadline + cfg_int("exam-grace-seconds")) {
            *x->attempt = open;
            a->object = uc_obj(c, "exam_attempt", open);
            a->detail = arena_printf(c->mem, "继续作答“%s”", title);
            return ST_OK;
        }
        if ((s = ex_score(c, open, true, now, e))) return s;
    } else if (s != ST_NOT_FOUND)
        return s;
    int64_t used = 0;
    if ((s = db_query_int(c->d, &used, "SELECT COUNT(*) FROM exam_attempt WHERE exam_id = $1 AND person_id = $2", e, "ii", x->exam_id,
                          x->me.person)))
        return s;
    int64_t allowed = json_integer_value(json_object_get(ex, "attempts"));
    if (used >= allowed)
        return err_set(e, ST_CONFLICT, "考试“%s”允许作答 %lld 次，您已作答 %lld 次，不能再作答。", title, (long long)allowed, (long long)used);
    uint64_t seed = x->seed;
    if (!seed) randombytes_buf(&seed, sizeof seed);
    int64_t bank = json_integer_value(json_object_get(ex, "bank_id"));
    int64_t *ids = NULL;
    size_t nids = 0, cap = 0;
    int64_t any = json_integer_value(json_object_get(ex, "n_any"));
    if (any > 0) s = ex_draw_kind(c, bank, NULL, any, seed, &ids, &nids, &cap, e);
    else {
        static const char *const kinds[] = {"single", "multiple", "judge"};
        static const char *const keys[] = {"n_single", "n_multiple", "n_judge"};
        for (int i = 0; !s && i < 3; i++)
            s = ex_draw_kind(c, bank, kinds[i], json_integer_value(json_object_get(ex, keys[i])), seed + (uint64_t)i * 0x9E37u, &ids,
                             &nids, &cap, e);
    }
    if (s) return s;
    if (!nids) return err_set(e, ST_CONFLICT, "考试“%s”没有可抽取的题目：请联系出题单位。", title);
    int64_t minutes = json_integer_value(json_object_get(ex, "minutes"));
    s = db_query_int(c->d, x->attempt,
                     "INSERT INTO exam_attempt(exam_id, person_id, user_id, district_code, org_id, started_at, deadline, state, "
                     "questions) VALUES ($1, $2, NULLIF($3, 0), NULLIF($4, ''), $5, $6, $7, 'open', $8) RETURNING id",
                     e, "iiitiiii", x->exam_id, x->me.person, c->who.user_id, x->me.district, x->me.org_id, now, now + minutes * 60,
                     (int64_t)nids);
    db_stmt *q = NULL;
    if (!s) s = db_prepare(c->d, "INSERT INTO exam_attempt_question(attempt_id, seq, question_id) VALUES ($1, $2, $3)", &q, e);
    for (size_t i = 0; !s && i < nids; i++) {
        db_bind_int(q, 1, *x->attempt);
        db_bind_int(q, 2, (int64_t)i + 1);
        db_bind_int(q, 3, ids[i]);
        if (db_step(q, e) == DB_ERROR) s = e->code;
        db_reset(q);
    }
    a->object = uc_obj(c, "exam_attempt", *x->attempt);
    a->detail = arena_printf(c->mem, "开始作答“%s”（第 %lld 次，%zu 题）", title, (long long)used + 1, nids);
    return s;
}

st exam_store_start(uc *c, int64_t exam_id, uint64_t seed, int64_t *attempt_id, err *e) {
    *attempt_id = 0;
    ex_start x = {.exam_id = exam_id, .seed = seed, .attempt = attempt_id};
    st s = ex_me_of(c, &x.me, e);
    if (s) return s;
    uc_act a = {"exam.start", NULL, NULL, NULL};
    return uc_write(c, &a, ex_start_work, &x, e);
}

/* The attempt's head, when it is the caller's: state, deadline. */
typedef struct ex_head { int64_t exam_id, deadline, person; char state[16]; char title[256]; } ex_head;

static st ex_head_of(uc *c, int64_t attempt, ex_head *h, err *e) {
    memset(h, 0, sizeof *h);
    int64_t person = 0;
    st s = member_store_person_of_user(c, c->who.user_id, &person, e);
    if (s == ST_NOT_FOUND) return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试作答记录。", (long long)attempt);
    if (s) return s;
    db_stmt *q;
    if ((s = db_prepare(c->d,
                        "SELECT a.exam_id, a.deadline, a.state, x.title FROM exam_attempt a JOIN exam x ON x.id = a.exam_id WHERE "
                        "a.id = $1 AND a.person_id = $2",
                        &q, e)))
        return s;
    db_bind_int(q, 1, attempt);
    db_bind_int(q, 2, person);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        h->exam_id = db_col_int(q, 0);
        h->deadline = db_col_int(q, 1);
        snprintf(h->state, sizeof h->state, "%s", db_col_text(q, 2));
        snprintf(h->title, sizeof h->title, "%s", db_col_text(q, 3));
        h->person = person;
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    /* someone else's attempt is as absent as one that does not exist */
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的考试作答记录。", (long long)attempt);
}

st exam_store_attempt(uc *c, int64_t attempt_id, json_t **out, err *e) {
    ex_head h;
    st s = ex_head_of(c, attempt_id, &h, e);
    if (s) return s;
    bool done = !strcmp(h.state, "submitted");
    json_t *head = NULL, *qs = NULL;
    s = db_query_json(c->d, &head,
                      "SELECT a.id, a.exam_id, x.title, a.state, a.started_at, a.deadline, a.submitted_at, a.late, a.questions, "
                      "a.correct, a.score, a.passed, a.credited_minutes, x.pass_score, x.minutes, x.credit_minutes AS exam_credit_minutes "
                      "FROM exam_attempt a JOIN exam x ON x.id = a.exam_id WHERE a.id = $1",
                      e, "i", attempt_id);
    /* the questions: their answers and explanations only once submitted */
    if (!s)
        s = db_query_json(c->d, &qs,
                          done ? "SELECT aq.seq, q.kind, q.stem, q.options, aq.answer AS given, q.answer AS right_answer, q.explanation, "
                                 "aq.halves FROM exam_attempt_question aq JOIN exam_question q ON q.id = aq.question_id WHERE "
                                 "aq.attempt_id = $1 ORDER BY aq.seq"
                               : "SELECT aq.seq, q.kind, q.stem, q.options, aq.answer AS given FROM exam_attempt_question aq JOIN "
                                 "exam_question q ON q.id = aq.question_id WHERE aq.attempt_id = $1 ORDER BY aq.seq",
                          e, "i", attempt_id);
    if (s) {
        json_decref(head);
        return s;
    }
    ex_options_parse(qs);
    json_t *a = json_incref(json_array_get(head, 0));
    json_decref(head);
    int64_t now = clock_now();
    ex_attempt_times(a, now);
    json_object_set_new(a, "now", json_integer(now));
    json_object_set_new(a, "expired", json_boolean(!done && now > h.deadline));
    *out = json_pack("{s:o,s:o}", "attempt", a, "questions", qs);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* Save one answer of an open attempt in time (no act of its own). */
static st ex_save(uc *c, int64_t attempt, int64_t seq, const char *answer, int64_t now, err *e) {
    char *kind = NULL, *opts = NULL;
    st s = db_query_text(c->d, &kind,
                         "SELECT q.kind FROM exam_attempt_question aq JOIN exam_question q ON q.id = aq.question_id WHERE "
                         "aq.attempt_id = $1 AND aq.seq = $2",
                         e, "ii", attempt, seq);
    if (s == ST_NOT_FOUND) return err_field(e, ST_INVALID, "seq", "本次作答没有第 %lld 题。", (long long)seq);
    if (!s)
        s = db_query_text(c->d, &opts,
                          "SELECT q.options FROM exam_attempt_question aq JOIN exam_question q ON q.id = aq.question_id WHERE "
                          "aq.attempt_id = $1 AND aq.seq = $2",
                          e, "ii", attempt, seq);
    if (s) {
        free(kind);
        return s;
    }
    json_t *arr = json_loads(opts, 0, NULL);
    int n = arr ? (int)json_array_size(arr) : 0;
    json_decref(arr);
    free(opts);
    char norm[EXAM_MAX_OPTIONS + 1];
    bool ok = exam_answer_given(kind, n, answer ? answer : "", norm);
    bool multiple = !strcmp(kind, "multiple");
    free(kind);
    if (!ok)
        return err_field(e, ST_INVALID, "answer", "第 %lld 题的答案“%.20s”不是本题的选项：%s", (long long)seq, answer ? answer : "",
                         multiple ? "请选择一个或几个选项的字母。" : "请只选择一个选项的字母。");
    return db_run(c->d, "UPDATE exam_attempt_question SET answer = NULLIF($3, ''), answered_at = $4 WHERE attempt_id = $1 AND seq = $2",
                  e, "iiti", attempt, seq, norm, now);
}

typedef struct ex_answer { int64_t attempt, seq; const char *answer; const json_t *answers; ex_head h; } ex_answer;

static st ex_answer_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_answer *x = arg;
    int64_t now = clock_now();
    a->object = uc_obj(c, "exam_attempt", x->attempt);
    a->detail = arena_printf(c->mem, "保存“%s”第 %lld 题的答案", x->h.title, (long long)x->seq);
    if (strcmp(x->h.state, "open")) return err_set(e, ST_CONFLICT, "这次作答已经交卷，答案不能再改。");
    if (now > x->h.deadline + cfg_int("exam-grace-seconds")) {
        char iso[32];
        clock_iso(x->h.deadline, iso, sizeof iso);
        return err_set(e, ST_CONFLICT, "作答时间已到（截止 %s），这个答案没有保存：请交卷，系统按此前保存的答案评分。", iso);
    }
    return ex_save(c, x->attempt, x->seq, x->answer, now, e);
}

st exam_store_answer(uc *c, int64_t attempt_id, int64_t seq, const char *answer, err *e) {
    ex_answer x = {.attempt = attempt_id, .seq = seq, .answer = answer};
    st s = ex_head_of(c, attempt_id, &x.h, e);
    if (s) return s;
    uc_act a = {"exam.answer", NULL, NULL, NULL};
    return uc_write(c, &a, ex_answer_work, &x, e);
}

static st ex_submit_work(uc *c, void *arg, uc_act *a, err *e) {
    ex_answer *x = arg;
    int64_t now = clock_now();
    a->object = uc_obj(c, "exam_attempt", x->attempt);
    if (strcmp(x->h.state, "open")) return err_set(e, ST_CONFLICT, "这次作答已经交卷，不能重复交卷。");
    bool late = now > x->h.deadline + cfg_int("exam-grace-seconds");
    st s = ST_OK;
    size_t i;
    json_t *v;
    /* in time: the answers the submission carries are saved first; late: ignored */
    if (!late && x->answers)
        json_array_foreach(x->answers, i, v) {
            if (s) break;
            json_t *seq = json_object_get(v, "seq"), *ans = json_object_get(v, "answer");
            if (!json_is_integer(seq) || !(json_is_string(ans) || json_is_null(ans)))
                return err_field(e, ST_INVALID, "answers", "answers 的每一项应为 {seq: 题号, answer: \"选项字母\"}。");
            s = ex_save(c, x->attempt, json_integer_value(seq), json_is_string(ans) ? json_string_value(ans) : "", now, e);
        }
    if (!s) s = ex_score(c, x->attempt, late, now, e);
    int64_t score = 0, passed = 0;
    if (!s) s = db_query_int(c->d, &score, "SELECT score FROM exam_attempt WHERE id = $1", e, "i", x->attempt);
    if (!s) s = db_query_int(c->d, &passed, "SELECT passed FROM exam_attempt WHERE id = $1", e, "i", x->attempt);
    a->detail = arena_printf(c->mem, "“%s”交卷：%lld 分，%s%s", x->h.title, (long long)score, passed ? "通过" : "未通过",
                             late ? "（超时交卷，按时限内保存的答案评分）" : "");
    return s;
}

st exam_store_submit(uc *c, int64_t attempt_id, const json_t *answers, err *e) {
    ex_answer x = {.attempt = attempt_id, .answers = answers};
    st s = ex_head_of(c, attempt_id, &x.h, e);
    if (s) return s;
    uc_act a = {"exam.submit", NULL, NULL, NULL};
    return uc_write(c, &a, ex_submit_work, &x, e);
}

/* ---- scope ---- */

const scope_resolver exam_scope_resolvers[] = {
    /* a bank and an exam sit where the district that keeps them is (the city's: nowhere below the city) */
    {"exam_bank", true, false, "SELECT district_code, NULL, NULL, NULL, NULL FROM exam_bank WHERE id = CAST($1 AS BIGINT)", 0, false,
     false, NULL, "考试题库"},
    {"exam", true, false, "SELECT district_code, NULL, NULL, NULL, NULL FROM exam WHERE id = CAST($1 AS BIGINT)", 0, false, false, NULL,
     "考试"},
    {NULL, false, false, NULL},
};
