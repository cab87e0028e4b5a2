/* register — the rules of the enterprise register (see register.h): the plan
 * of a feed (match, then decide each row), the internet words, the category.
 * No SQL, no HTTP. */
#include "register/register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "ledger/code.h"
#include "ledger/district.h"
#include "ledger/match.h"
#include "ledger/norm.h"

const char *register_kind_name(register_kind k) {
    return k == REGISTER_NEW ? "new" : k == REGISTER_RENAME ? "rename" : k == REGISTER_CLOSE ? "close" : "";
}

/* Does text hold the word (ASCII compared without case)? */
static bool reg_has(const char *text, const char *w, size_t n) {
    if (!text || !n) return false;
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < n && p[i]) {
            char a = p[i], b = w[i];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
            if (a != b) break;
            i++;
        }
        if (i == n) return true;
    }
    return false;
}

const char *register_internet_word(const char *scope, const char *industry, const char *name, const char *words) {
    static __thread char found[64];
    if (!words) words = cfg_str("register-internet-words");
    if (!words) return NULL;
    const char *p = words;
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == 0x0a) p++;
        const char *q = p;
        while (*q && *q != ',') q++;
        size_t n = (size_t)(q - p);
        while (n && p[n - 1] == ' ') n--;
        if (n && n < sizeof found && (reg_has(scope, p, n) || reg_has(industry, p, n) || reg_has(name, p, n))) {
            memcpy(found, p, n);
            found[n] = 0;
            return found;
        }
        p = q;
    }
    return NULL;
}

const char *register_category(const char *industry, const char *name, const char *scope) {
    const char *c = ledger_norm_category(industry);
    if (!c && name) {
        ledger_norm_name nm;
        ledger_norm_name_parse(name, &nm);
        c = ledger_norm_category(nm.trade);
    }
    if (!c) c = ledger_norm_category(scope);
    return c ? c : "数据";
}

bool register_same_name(const char *a, const char *b) {
    char x[512], y[512];
    ledger_norm_text(a ? a : "", x, sizeof x);
    ledger_norm_text(b ? b : "", y, sizeof y);
    return strcmp(x, y) == 0;
}

void register_plan_free(register_plan *p) {
    if (!p) return;
    arena_free(&p->mem);
    free(p);
}

static const char *reg_dup(register_plan *p, const char *s) { return s ? arena_strdup(&p->mem, s) : NULL; }

/* The feed's rows (0..nrows-1) and the register's enterprises (after them) as one set of records. */
static st reg_records(register_plan *p, const ledger_table *t, const register_ent *ents, size_t nents, ledger_match_rec **out,
                      err *e) {
    size_t n = (size_t)t->nrows + nents;
    ledger_match_rec *recs = calloc(n ? n : 1, sizeof *recs);
    ledger_row *rows = arena_calloc(&p->mem, nents ? nents : 1, sizeof *rows);
    if (!recs || !rows) {
        free(recs);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    for (int i = 0; i < t->nrows; i++)
        recs[i] = (ledger_match_rec){0, &t->rows[i], arena_printf(&p->mem, "feed:%d", t->rows[i].row)};
    for (size_t k = 0; k < nents; k++) {
        ledger_row *r = &rows[k];
        r->row = (int)k + 1;
        r->sheet_row = (int)k + 1;
        r->val[LF_NAME] = ents[k].name;
        r->val[LF_ADDRESS] = ents[k].address;
        if (ents[k].uscc && *ents[k].uscc) {
            r->val[LF_CODE] = ents[k].uscc;
            r->code_kind = code_uscc_check(ents[k].uscc, strlen(ents[k].uscc), NULL, NULL) == CODE_USCC_OK ? LC_USCC : LC_OTHER;
        }
        r->district_code = ents[k].district;
        recs[(size_t)t->nrows + k] = (ledger_match_rec){1, r, arena_printf(&p->mem, "register:%lld", (long long)ents[k].id)};
    }
    *out = recs;
    return ST_OK;
}

/* For every feed row the register enterprise it is (index into ents, or -1):
 * the same credit code first, else the matcher's entity. */
static st reg_match(register_plan *p, const ledger_table *t, const register_ent *ents, size_t nents, long *found,
                    register_progress progress, void *ctx, err *e) {
    for (int i = 0; i < t->nrows; i++) {
        found[i] = -1;
        const char *code = t->rows[i].val[LF_CODE];
        for (size_t k = 0; code && k < nents; k++)
            if (ents[k].uscc && !strcmp(ents[k].uscc, code)) {
                found[i] = (long)k;
                break;
            }
    }
    if (!t->nrows || !nents) return ST_OK;
    ledger_match_rec *recs = NULL;
    st s = reg_records(p, t, ents, nents, &recs, e);
    if (s) return s;
    if (progress) progress(ctx, "比对企业名录", 0, (uint64_t)t->nrows);
    ledger_match_opts o = {.threads = 2};
    ledger_match_result *r = NULL;
    s = ledger_match_run(recs, (size_t)t->nrows + nents, &o, &r, e);
    if (!s) {
        /* entity → the first register enterprise in it */
        long *first = malloc(r->nentity * sizeof *first);
        if (!first) s = err_set(e, ST_NOMEM, "内存不足。");
        for (size_t k = 0; !s && k < r->nentity; k++) first[k] = -1;
        for (size_t k = 0; !s && k < nents; k++) {
            uint32_t ent = r->entity[(size_t)t->nrows + k];
            if (first[ent] < 0) first[ent] = (long)k;
        }
        for (int i = 0; !s && i < t->nrows; i++)
            if (found[i] < 0) found[i] = first[r->entity[i]];
        free(first);
        ledger_match_free(r);
    }
    free(recs);
    if (!s && progress) progress(ctx, "比对企业名录", (uint64_t)t->nrows, (uint64_t)t->nrows);
    return s;
}

static register_prop *reg_push(register_plan *p, size_t *cap) {
    if (p->nprops == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        register_prop *n = arena_alloc(&p->mem, nc * sizeof *n);
        if (!n) return NULL;
        if (p->nprops) memcpy(n, p->props, p->nprops * sizeof *n);
        p->props = n;
        *cap = nc;
    }
    register_prop *x = &p->props[p->nprops++];
    memset(x, 0, sizeof *x);
    return x;
}

/* The district and street of a row: its district column, else its address. */
static void reg_place(const ledger_row *r, register_prop *x) {
    int d = r->district_code;
    const char *addr = r->val[LF_ADDRESS];
    if (!d && addr) d = district_from_address(addr, strlen(addr));
    if (d) snprintf(x->district, sizeof x->district, "%d", d);
    const district_street *st_ = addr ? district_street_from_address(addr, strlen(addr), d) : NULL;
    if (st_) snprintf(x->street, sizeof x->street, "%ld", st_->code);
}

st register_plan_make(const ledger_table *t, const register_ent *ents, size_t nents, const char *day, const char *words,
                      register_progress progress, void *ctx, register_plan **out, err *e) {
    *out = NULL;
    st s = ledger_norm_init(e);
    if (s) return s;
    register_plan *p = calloc(1, sizeof *p);
    if (!p) return err_set(e, ST_NOMEM, "内存不足。");
    arena_init(&p->mem, 0);
    p->rows = t->nrows;
    long *found = calloc((size_t)(t->nrows ? t->nrows : 1), sizeof *found);
    if (!found) s = err_set(e, ST_NOMEM, "内存不足。");
    if (!s) s = reg_match(p, t, ents, nents, found, progress, ctx, e);
    size_t cap = 0;
    for (int i = 0; !s && i < t->nrows; i++) {
        const ledger_row *r = &t->rows[i];
        const char *name = r->val[LF_NAME], *status = r->val[LF_STATUS];
        const register_ent *m = found[i] >= 0 ? &ents[found[i]] : NULL;
        if (m) p->matched++;
        if (!name) {
            p->skipped++;
            continue;
        }
        int st_words = ledger_norm_status(status);
        bool gone = st_words & (LEDGER_NORM_ST_CANCELLED | LEDGER_NORM_ST_REVOKED);
        register_kind k = REGISTER_NONE;
        const char *why = NULL, *word = NULL;
        if (m && gone && m->active) {
            k = REGISTER_CLOSE;
            why = arena_printf(&p->mem, "登记状态为“%s”，与名录中的“%s”为同一企业（%s）", status, m->name,
                               m->uscc && r->val[LF_CODE] && !strcmp(m->uscc, r->val[LF_CODE]) ? "统一社会信用代码相同" : "名称、地址比对");
        } else if (m && !gone && m->active && !register_same_name(m->name, name)) {
            k = REGISTER_RENAME;
            why = arena_printf(&p->mem, "与名录中的“%s”为同一企业（%s），登记名称已变更", m->name,
                               m->uscc && r->val[LF_CODE] && !strcmp(m->uscc, r->val[LF_CODE]) ? "统一社会信用代码相同" : "名称、地址比对");
        } else if (!m && !gone &&
                   (word = register_internet_word(r->val[LF_SCOPE], r->val[LF_CATEGORY], name, words)) != NULL) {
            k = REGISTER_NEW;
            why = arena_printf(&p->mem, "名录中没有此企业；经营范围或行业含“%s”，属互联网企业", word);
        }
        if (k == REGISTER_NONE) {
            p->skipped++;
            continue;
        }
        register_prop *x = reg_push(p, &cap);
        if (!x) {
            s = err_set(e, ST_NOMEM, "内存不足。");
            break;
        }
        x->row = r->row;
        x->sheet_row = r->sheet_row;
        x->kind = k;
        x->enterprise_id = m ? m->id : 0;
        x->name = reg_dup(p, name);
        x->old_name = m ? reg_dup(p, m->name) : NULL;
        x->uscc = reg_dup(p, r->code_kind == LC_USCC ? r->val[LF_CODE] : NULL);
        x->day = reg_dup(p, k == REGISTER_NEW && r->val[LF_FOUNDED] ? r->val[LF_FOUNDED] : day);
        x->state = reg_dup(p, status);
        x->category = k == REGISTER_NEW ? register_category(r->val[LF_CATEGORY], name, r->val[LF_SCOPE]) : NULL;
        x->scope = reg_dup(p, r->val[LF_SCOPE]);
        x->address = reg_dup(p, r->val[LF_ADDRESS]);
        reg_place(r, x);
        if (m && m->district) snprintf(x->district, sizeof x->district, "%d", m->district);   /* where the register has it */
        x->why = why;
        if (!x->name || !x->day || !x->why) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    free(found);
    if (s) {
        register_plan_free(p);
        return s;
    }
    *out = p;
    return ST_OK;
}

st register_feed_read_mem(const char *name, const void *data, size_t len, ledger_table **out, err *e) {
    *out = NULL;
    if (!len) return err_field(e, ST_INVALID, "file", "「%s」是空文件，请按市场监管部门导出的原样上传登记数据（CSV 或 xlsx）。", name);
    ledger_read_opts o = {0};
    o.max_uncompressed = (size_t)cfg_int("max-unzipped");
    o.max_entries = (size_t)cfg_int("max-zip-entries");
    o.max_cell_text = (size_t)cfg_int("max-cell-text");
    st s = ledger_table_read_mem(name, data, len, &o, out, e);
    if (s == ST_IO || s == ST_INTERNAL || s == ST_UNSUPPORTED) {
        e->code = ST_INVALID;
        s = ST_INVALID;
    }
    if (s) {
        if (!e->field[0]) snprintf(e->field, sizeof e->field, "file");
        return s;
    }
    ledger_table *t = *out;
    bool has_name = false;
    for (int c = 0; c < t->ncols; c++) has_name |= t->col_field[c] == LF_NAME;
    if (!has_name) {
        ledger_table_free(t);
        *out = NULL;
        return err_field(e, ST_INVALID, "file", "「%s」中没有找到“企业名称”列：请上传市场监管部门的登记数据（统一社会信用代码、企业名称、成立日期、登记状态、经营范围、住所……）。", name);
    }
    long max = cfg_int("register-feed-max-rows");
    if (max > 0 && t->nrows > max) {
        int n = t->nrows;
        ledger_table_free(t);
        *out = NULL;
        return err_field(e, ST_TOO_LARGE, "file", "「%s」有 %d 行，超过一次导入的上限 %ld 行（设置 register-feed-max-rows），请分成几个文件。", name, n, max);
    }
    return ST_OK;
}
