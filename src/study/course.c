/* course — the pure rules of courses (course.h): the credit of a heartbeat,
 * a course's cap, the allow-list HTML sanitizer of articles and the Range
 * header of a file served to a phone. */
#include "study/course.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ids.h"
#include "core/utf8.h"
#include "ledger/table.h"
#include "member/roster.h"

int64_t course_beat_credit(const course_beat *b) {
    int64_t gap = b->now - b->last_at;
    if (gap <= 0 || gap > b->max_gap) return 0;   /* a clock gone back, or a pause (hidden, idle): nothing */
    int64_t c = gap;
    int64_t day_left = b->day_cap - b->day_seconds;
    if (c > day_left) c = day_left;
    int64_t course_left = b->course_cap - b->course_seconds;
    if (c > course_left) c = course_left;
    return c > 0 ? c : 0;
}

int64_t course_cap_seconds(const char *kind, int64_t minutes, int64_t duration_sec) {
    if (kind && !strcmp(kind, "video") && duration_sec > 0) return duration_sec;
    return minutes * 60;
}

static bool in_list(const char *v, const char *const *l) {
    for (; v && *l; l++)
        if (!strcmp(v, *l)) return true;
    return false;
}
bool course_kind_ok(const char *kind) { return in_list(kind, (const char *const[]){"article", "pdf", "video", NULL}); }
bool course_audience_ok(const char *a) { return in_list(a, (const char *const[]){"all", "committee", "probationary", NULL}); }
bool course_state_ok(const char *s) { return in_list(s, (const char *const[]){"draft", "published", "withdrawn", NULL}); }

/* ---- the sanitizer ---- */

typedef struct cs_tag {
    const char *name;
    const char *attrs[3];   /* allowed attributes */
    bool isvoid;
} cs_tag;

static const cs_tag cs_tags[] = {
    {"p", {NULL}, false},        {"br", {NULL}, true},       {"h2", {NULL}, false},     {"h3", {NULL}, false},
    {"h4", {NULL}, false},       {"strong", {NULL}, false},  {"b", {NULL}, false},      {"em", {NULL}, false},
    {"i", {NULL}, false},        {"u", {NULL}, false},       {"s", {NULL}, false},      {"blockquote", {NULL}, false},
    {"ul", {NULL}, false},       {"ol", {NULL}, false},      {"li", {NULL}, false},     {"a", {"href", NULL}, false},
    {"img", {"src", "alt", NULL}, true}, {"table", {NULL}, false}, {"thead", {NULL}, false}, {"tbody", {NULL}, false},
    {"tr", {NULL}, false},       {"th", {NULL}, false},      {"td", {NULL}, false},     {"hr", {NULL}, true},
    {"span", {NULL}, false},     {"code", {NULL}, false},    {"pre", {NULL}, false},    {NULL, {NULL}, false},
};

/* Dropped with everything inside them. */
static const char *const cs_drop[] = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
                                      "title", "svg", "math", "select", "xmp", "noembed", "noframes", "plaintext", NULL};

static const cs_tag *cs_find(const char *name) {
    for (const cs_tag *t = cs_tags; t->name; t++)
        if (!strcmp(t->name, name)) return t;
    return NULL;
}

/* Text or an attribute value escaped; an entity (&name; &#n; &#xh;) kept as it is. */
static st cs_text(buf *o, const char *p, size_t n) {
    st s = ST_OK;
    for (size_t i = 0; i < n && !s; i++) {
        char ch = p[i];
        if (ch == '<') s = buf_puts(o, "&lt;");
        else if (ch == '>') s = buf_puts(o, "&gt;");
        else if (ch == '"') s = buf_puts(o, "&quot;");
        else if (ch == '\'') s = buf_puts(o, "&#39;");
        else if (ch == '&') {
            size_t j = i + 1;
            while (j < n && j - i <= 10 && (isalnum((unsigned char)p[j]) || (j == i + 1 && p[j] == '#'))) j++;
            bool entity = j < n && p[j] == ';' && j > i + 1 && !(j == i + 2 && p[i + 1] == '#');
            s = buf_puts(o, entity ? "&" : "&amp;");
        } else if ((unsigned char)ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
            continue;   /* control characters dropped */
        } else s = buf_putc(o, ch);
    }
    return s;
}

static bool cs_url_ok(const char *v, size_t n, bool img) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= 0x20 || v[i] == '\\') return false;   /* no whitespace or control tricks */
    if (n >= 1 && v[0] == '/' && !(n >= 2 && v[1] == '/')) return true;
    if (n > 8 && !strncasecmp(v, "https://", 8)) return true;
    if (img) return false;
    if (n > 7 && !strncasecmp(v, "http://", 7)) return true;
    if (n > 7 && !strncasecmp(v, "mailto:", 7)) return true;
    return n >= 1 && v[0] == '#';
}

static bool cs_namech(char c) { return isalnum((unsigned char)c) || c == '-' || c == '_' || c == ':'; }

st course_sanitize(const char *in, size_t n, buf *out, err *e) {
    if (!utf8_valid(in, n)) return err_set(e, ST_INVALID, "文章正文不是有效的 UTF-8 文本：请从编辑器重新粘贴。");
    const cs_tag *stack[64];
    int depth = 0;
    size_t i = 0;
    st s = ST_OK;
    while (i < n && !s) {
        if (in[i] != '<') {
            size_t j = i;
            while (j < n && in[j] != '<') j++;
            s = cs_text(out, in + i, j - i);
            i = j;
            continue;
        }
        /* a comment, a doctype or a processing instruction: dropped */
        if (i + 3 < n && !strncmp(in + i, "<!--", 4)) {
            const char *end = NULL;
            for (size_t j = i + 4; j + 2 < n + 0 && !end; j++)
                if (!strncmp(in + j, "-->", 3)) end = in + j + 3;
            i = end ? (size_t)(end - in) : n;
            continue;
        }
        if (i + 1 < n && (in[i + 1] == '!' || in[i + 1] == '?')) {
            while (i < n && in[i] != '>') i++;
            i += i < n;
            continue;
        }
        bool closing = i + 1 < n && in[i + 1] == '/';
        size_t j = i + 1 + closing;
        char name[16];
        size_t k = 0;
        while (j < n && isalnum((unsigned char)in[j])) {
            if (k < sizeof name - 1) name[k++] = (char)tolower((unsigned char)in[j]);
            else k = sizeof name;   /* too long: no tag we know */
            j++;
        }
        if (k == 0) {   /* a '<' that starts no tag: text */
            s = buf_puts(out, "&lt;");
            i++;
            continue;
        }
        if (k >= sizeof name) k = 0, name[0] = 0;
        name[k < sizeof name ? k : sizeof name - 1] = 0;
        /* the attributes, to the tag's '>' (quotes respected) */
        struct { size_t n0, n1, v0, v1; bool has; } at[16];
        int nat = 0;
        while (j < n && in[j] != '>') {
            if (!cs_namech(in[j])) {
                j++;
                continue;
            }
            size_t a0 = j;
            while (j < n && cs_namech(in[j])) j++;
            size_t a1 = j, v0 = 0, v1 = 0;
            bool has = false;
            while (j < n && (in[j] == ' ' || in[j] == '\t' || in[j] == '\n' || in[j] == '\r')) j++;
            if (j < n && in[j] == '=') {
                j++;
                while (j < n && (in[j] == ' ' || in[j] == '\t' || in[j] == '\n' || in[j] == '\r')) j++;
                if (j < n && (in[j] == '"' || in[j] == '\'')) {
                    char q = in[j++];
                    v0 = j;
                    while (j < n && in[j] != q) j++;
                    v1 = j;
                    j += j < n;
                } else {
                    v0 = j;
                    while (j < n && in[j] != '>' && in[j] != ' ' && in[j] != '\t' && in[j] != '\n' && in[j] != '\r') j++;
                    v1 = j;
                }
                has = true;
            }
            if (nat < 16) {
                at[nat].n0 = a0, at[nat].n1 = a1, at[nat].v0 = v0, at[nat].v1 = v1, at[nat].has = has;
                nat++;
            }
        }
        size_t after = j < n ? j + 1 : n;
        if (!closing && in_list(name, cs_drop)) {
            /* skip to its closing tag (any case) */
            size_t len = strlen(name), p = after;
            while (p < n) {
                if (in[p] == '<' && p + 1 < n && in[p + 1] == '/' && p + 2 + len <= n && !strncasecmp(in + p + 2, name, len) &&
                    (p + 2 + len == n || !isalnum((unsigned char)in[p + 2 + len])))
                    break;
                p++;
            }
            while (p < n && in[p] != '>') p++;
            i = p < n ? p + 1 : n;
            continue;
        }
        i = after;
        const cs_tag *t = k ? cs_find(name) : NULL;
        if (!t) continue;   /* unknown: the tag dropped, its content kept */
        if (closing) {
            if (t->isvoid) continue;
            int at_depth = -1;
            for (int d = depth - 1; d >= 0 && at_depth < 0; d--)
                if (stack[d] == t) at_depth = d;
            if (at_depth < 0) continue;
            while (depth > at_depth && !s) s = buf_printf(out, "</%s>", stack[--depth]->name);
            continue;
        }
        if (!t->isvoid && depth >= (int)(sizeof stack / sizeof stack[0])) continue;   /* too deep: the tag dropped */
        s = buf_printf(out, "<%s", t->name);
        for (int a = 0; a < nat && !s; a++) {
            size_t an = at[a].n1 - at[a].n0;
            const char *allowed = NULL;
            for (int x = 0; t->attrs[x] && !allowed; x++)
                if (strlen(t->attrs[x]) == an && !strncasecmp(t->attrs[x], in + at[a].n0, an)) allowed = t->attrs[x];
            if (!allowed || !at[a].has) continue;
            const char *v = in + at[a].v0;
            size_t vn = at[a].v1 - at[a].v0;
            if ((!strcmp(allowed, "href") || !strcmp(allowed, "src")) && !cs_url_ok(v, vn, !strcmp(allowed, "src"))) continue;
            s = buf_printf(out, " %s=\"", allowed);
            if (!s) s = cs_text(out, v, vn);
            if (!s) s = buf_putc(out, '"');
            if (!s && !strcmp(allowed, "href")) s = buf_puts(out, " rel=\"noopener noreferrer\"");
        }
        if (!s) s = buf_putc(out, '>');
        if (!s && !t->isvoid) stack[depth++] = t;
    }
    while (depth > 0 && !s) s = buf_printf(out, "</%s>", stack[--depth]->name);
    if (s) return err_set(e, s, "文章正文过长：请删减后再保存。");
    return ST_OK;
}


/* ---- an offline-hours sheet ---- */

st course_sheet_rows(const ledger_table *t, arena *a, course_sheet_row **rows, int *n, err *e) {
    *rows = NULL;
    *n = 0;
    roster_cols cols;
    roster_map(t, &cols);
    if (cols.col[RF_ID] < 0)
        return err_set(e, ST_INVALID, "表格中没有“公民身份号码”列：请在第一行写明“姓名”和“公民身份号码”两列，每行一名参加学习的党员。");
    if (t->nrows <= 0) return err_set(e, ST_INVALID, "表格中没有党员：请在表头下方每行填写一名参加学习的党员。");
    if (t->nrows > 5000) return err_set(e, ST_INVALID, "一次最多导入 5000 名党员（本表 %d 行）：请分批导入。", t->nrows);
    course_sheet_row *out = arena_alloc(a, (size_t)t->nrows * sizeof *out);
    if (!out) return err_set(e, ST_NOMEM, "内存不足。");
    for (int i = 0; i < t->nrows; i++) {
        const ledger_row *r = &t->rows[i];
        course_sheet_row *o = &out[i];
        memset(o, 0, sizeof *o);
        o->sheet_row = r->sheet_row;
        const char *id = r->cells && cols.col[RF_ID] < t->ncols ? r->cells[cols.col[RF_ID]] : "";
        const char *name = cols.col[RF_NAME] >= 0 && r->cells && cols.col[RF_NAME] < t->ncols ? r->cells[cols.col[RF_NAME]] : NULL;
        o->name = name && *name ? name : NULL;
        if (!id || !*id) {
            o->refused = "没有填写公民身份号码";
            continue;
        }
        if (!ids_idcard_normalize(id, strlen(id), o->id18)) {
            o->id18[0] = 0;
            o->refused = "公民身份号码无效（请核对 18 位号码及末位校验码）";
            continue;
        }
        for (int j = 0; j < i && !o->refused; j++)
            if (!out[j].refused && !strcmp(out[j].id18, o->id18)) o->refused = "与表中前面一行的公民身份号码重复";
        if (o->refused) o->id18[0] = 0;
    }
    *rows = out;
    *n = t->nrows;
    return ST_OK;
}
