/* bulletin_render — one bulletin document (bulletin.h) as HTML and xlsx, and
 * what the three renderers share (bulletin_render_int.h; the PDF is bulletin_pdf.c):
 * one column list and one way of writing a cell, so that what a district reads on
 * paper is what it sees on screen and in the spreadsheet. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "bulletin/bulletin_render_int.h"

const bulletin_col bulletin_cols[] = {
    {"排名", BF_RANK, BC_INT, 6, 30},
    {"区", BF_NAME, BC_TEXT, 12, 62},
    {"企业数", BF_ENTERPRISES, BC_INT, 9, 48},
    {"已覆盖", BF_COVERED, BC_INT, 9, 48},
    {"覆盖率\n(%)", BF_RATE, BC_RATE, 10, 52},
    {"较上期\n(百分点)", BF_CHANGE, BC_CHANGE, 11, 56},
    {"工作覆盖率\n(%)", BF_WORK_RATE, BC_RATE, 12, 60},
    {"本旬\n新建", BF_NEW, BC_INT, 8, 44},
    {"本旬\n升格", BF_UPGRADES, BC_INT, 8, 44},
    {"待处理\n事项", BF_FINDINGS, BC_INT, 8, 44},
};
const size_t bulletin_ncols = sizeof bulletin_cols / sizeof bulletin_cols[0];

/* The number in column c of a line. */
static double bulletin_num(const bulletin_line *l, size_t c) {
    switch (bulletin_cols[c].field) {
    case BF_RANK: return (double)l->rank;
    case BF_ENTERPRISES: return (double)l->enterprises;
    case BF_COVERED: return (double)l->covered;
    case BF_RATE: return l->rate;
    case BF_CHANGE: return l->change;
    case BF_WORK_RATE: return l->work_rate;
    case BF_NEW: return (double)l->new_orgs;
    case BF_UPGRADES: return (double)l->upgrades;
    case BF_FINDINGS: return (double)l->findings;
    case BF_NAME: break;
    }
    return 0;
}

/* Column c of a line as text; the city line has no rank and is named 全市合计. */
void bulletin_cell(const bulletin_line *l, size_t c, bool city, char *out, size_t n) {
    if (city && c == 0) {
        snprintf(out, n, "—");
        return;
    }
    switch (bulletin_cols[c].type) {
    case BC_TEXT: snprintf(out, n, "%s", city ? "全市合计" : l->name ? l->name : ""); break;
    case BC_INT: snprintf(out, n, "%lld", (long long)bulletin_num(l, c)); break;
    case BC_RATE: snprintf(out, n, "%.1f", bulletin_num(l, c)); break;
    case BC_CHANGE: snprintf(out, n, "%+.1f", bulletin_num(l, c)); break;
    }
}

/* Line i of the table: the districts, then the city (i == nrows). */
const bulletin_line *bulletin_line_at(const bulletin_doc *d, size_t i) { return i < d->nrows ? &d->rows[i] : &d->city; }

void bulletin_title(const bulletin_doc *d, char *out, size_t n) {
    snprintf(out, n, "%s互联网企业党组织覆盖情况通报（%s）", d->city.name ? d->city.name : "", d->title);
}

void bulletin_subtitle(const bulletin_doc *d, char *out, size_t n) {
    snprintf(out, n, "统计期间：%s 至 %s　　%s　　生成时间：%s", d->first_day, d->last_day, d->issued ? "已发布" : "预览（未发布）",
             d->generated_at);
}

size_t bulletin_nnotes(const bulletin_doc *d) {
    size_t n = 0;
    while (n < BULLETIN_NOTES && d->notes[n]) n++;
    return n;
}

const char *bulletin_file_name(arena *a, const bulletin_doc *d, const char *ext) {
    return arena_printf(a, "%s互联网企业党建旬报-%s.%s", d->city.name ? d->city.name : "", d->period, ext);
}

/* The masthead: "<city>互联网企业党建工作旬报"; the number: "2018年第18期". */
void bulletin_masthead(const bulletin_doc *d, char *out, size_t n) {
    snprintf(out, n, "%s互联网企业党建工作旬报", d->city.name ? d->city.name : "");
}
void bulletin_number_text(const bulletin_doc *d, char *out, size_t n) {
    snprintf(out, n, "%.4s年第%d期", d->period, d->number);
}
/* The print line: "抄送：….", "<office>　　<date>印发". */
void bulletin_cc_text(const bulletin_doc *d, char *out, size_t n) {
    snprintf(out, n, "抄送：%s。", d->cc && *d->cc ? d->cc : "—");
}
void bulletin_issued_text(const bulletin_doc *d, char *out, size_t n) {
    char day[32];
    bulletin_doc_date(d, day);
    snprintf(out, n, "%s印发%s", day, d->issued ? "" : "（预览，未发布）");
}
const char *const bulletin_chart_title = "各区覆盖率（%，括号内为较上期变化）";

/* ---- organizational life: two tables (the districts and the city; the red organizations) ---- */

const bulletin_life_col bulletin_life_dist_cols[] = {
    {"排名", true, 6, 30},          {"区", false, 12, 62},          {"应开会\n组织", true, 9, 52}, {"应开\n(次)", true, 8, 44},
    {"已开\n(次)", true, 8, 44},   {"按时完成率\n(%)", true, 12, 66}, {"出席率\n(%)", true, 9, 50}, {"红灯", true, 7, 36},
    {"黄灯", true, 7, 36},          {"绿灯", true, 7, 36},
};
const bulletin_life_col bulletin_life_red_cols[] = {
    {"序号", true, 6, 26},           {"党组织", false, 40, 213},    {"所在区", false, 10, 44},      {"应开\n(次)", true, 8, 34},
    {"已开\n(次)", true, 8, 34},    {"按时完成率\n(%)", true, 12, 64}, {"未开会\n天数", true, 9, 44}, {"最近一次", false, 12, 56},
};
const size_t bulletin_life_ndist = sizeof bulletin_life_dist_cols / sizeof bulletin_life_dist_cols[0];
const size_t bulletin_life_nred = sizeof bulletin_life_red_cols / sizeof bulletin_life_red_cols[0];

/* A cell of the districts' table: row i of the districts, the city at i == nrows. */
bulletin_life_ctype bulletin_life_dist_cell(const bulletin_life *L, size_t i, size_t c, char *out, size_t n, double *num) {
    bool city = i == L->nrows;
    const bulletin_life_line *l = city ? &L->city : &L->rows[i];
    double v = 0;
    bulletin_life_ctype t = BULLETIN_LIFE_INT;
    switch (c) {
    case 0:
        if (city) t = BULLETIN_LIFE_NONE;
        v = (double)l->rank;
        break;
    case 1: snprintf(out, n, "%s", city ? "全市合计" : l->name ? l->name : ""); return BULLETIN_LIFE_TEXT;
    case 2: v = (double)l->orgs; break;
    case 3: v = (double)l->required; break;
    case 4: v = (double)l->held; break;
    case 5: v = l->rate, t = BULLETIN_LIFE_RATE; break;
    case 6: v = l->attendance_rate, t = l->attendance_rate < 0 ? BULLETIN_LIFE_NONE : BULLETIN_LIFE_RATE; break;
    case 7: v = (double)l->red; break;
    case 8: v = (double)l->yellow; break;
    default: v = (double)l->green; break;
    }
    *num = v;
    if (t == BULLETIN_LIFE_NONE) snprintf(out, n, "—");
    else if (t == BULLETIN_LIFE_RATE) snprintf(out, n, "%.1f", v);
    else snprintf(out, n, "%lld", (long long)v);
    return t;
}

bulletin_life_ctype bulletin_life_red_cell(const bulletin_life *L, size_t i, size_t c, char *out, size_t n, double *num) {
    const bulletin_red_org *r = &L->red[i];
    double v = 0;
    switch (c) {
    case 0: v = (double)(i + 1); break;
    case 1: snprintf(out, n, "%s", r->name ? r->name : ""); return BULLETIN_LIFE_TEXT;
    case 2: snprintf(out, n, "%s", r->district_name ? r->district_name : ""); return BULLETIN_LIFE_TEXT;
    case 3: v = (double)r->required; break;
    case 4: v = (double)r->held; break;
    case 5:
        *num = r->rate;
        snprintf(out, n, "%.1f", r->rate);
        return BULLETIN_LIFE_RATE;
    case 6: v = (double)r->idle_days; break;
    default: snprintf(out, n, "%s", r->last_held ? r->last_held : "从未召开"); return BULLETIN_LIFE_TEXT;
    }
    *num = v;
    snprintf(out, n, "%lld", (long long)v);
    return BULLETIN_LIFE_INT;
}

/* "2026-Q4" as 2026年第4季度 */
void bulletin_life_title(const bulletin_doc *d, char *out, size_t n) {
    const bulletin_life *L = d->life;
    int y = 0, q = 0;
    if (sscanf(L->period, "%d-Q%d", &y, &q) == 2) snprintf(out, n, "组织生活落实情况（%d年第%d季度）", y, q);
    else snprintf(out, n, "组织生活落实情况（%s）", L->period);
}

void bulletin_life_note(const bulletin_doc *d, char *out, size_t n) {
    snprintf(out, n,
             "统计期间：本旬所在季度 %s 至 %s，截至旬报生成时（%s；发布后不再变化），按所在区汇总三会一课落实情况。"
             "按时完成率＝已到期的应开会议中按期召开的比例，"
             "出席率＝已召开会议的实到人次 ÷ 应到人次，红黄绿灯按缺开会议和未开会天数判定（设置 rule-meeting-idle-yellow-days、"
             "rule-meeting-idle-red-days）。",
             d->life->from, d->life->to, d->generated_at);
}

void bulletin_life_red_title(const bulletin_life *L, char *out, size_t n) {
    if (!L->red_total) snprintf(out, n, "红灯党组织：无");
    else if ((int64_t)L->nred < L->red_total)
        snprintf(out, n, "红灯党组织（共 %lld 个，按完成率由低到高列出前 %zu 个）", (long long)L->red_total, L->nred);
    else snprintf(out, n, "红灯党组织（共 %lld 个）", (long long)L->red_total);
}

/* ---- HTML ---- */

static st bulletin_esc(buf *b, const char *s) {
    st r = ST_OK;
    for (; !r && *s; s++) {
        switch (*s) {
        case '<': r = buf_puts(b, "&lt;"); break;
        case '>': r = buf_puts(b, "&gt;"); break;
        case '&': r = buf_puts(b, "&amp;"); break;
        case '"': r = buf_puts(b, "&quot;"); break;
        default: r = buf_putc(b, *s);
        }
    }
    return r;
}

/* A column head: its line break as <br>. */
static st bulletin_esc_head(buf *b, const char *h) {
    st s = ST_OK;
    for (const char *p = h; !s && *p; p++) s = *p == '\n' ? buf_puts(b, "<br>") : bulletin_esc(b, (char[]){*p, 0});
    return s;
}

static st bulletin_html_table(const bulletin_doc *d, buf *b) {
    char cell[128];
    st s = buf_puts(b, "<table class=\"rank\"><thead><tr>");
    for (size_t c = 0; !s && c < BULLETIN_NCOLS; c++) {
        s = buf_puts(b, "<th>");
        if (!s) s = bulletin_esc_head(b, bulletin_cols[c].head);
        if (!s) s = buf_puts(b, "</th>");
    }
    if (!s) s = buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; !s && i <= d->nrows; i++) {
        bool city = i == d->nrows;
        s = buf_puts(b, city ? "<tr class=\"city\">" : "<tr>");
        for (size_t c = 0; !s && c < BULLETIN_NCOLS; c++) {
            bulletin_cell(bulletin_line_at(d, i), c, city, cell, sizeof cell);
            s = buf_puts(b, bulletin_cols[c].type == BC_TEXT ? "<td>" : "<td class=\"n\">");
            if (!s) s = bulletin_esc(b, cell);
            if (!s) s = buf_puts(b, "</td>");
        }
        if (!s) s = buf_puts(b, "</tr>");
    }
    return s;
}

static st bulletin_life_html_table(buf *b, const bulletin_life_col *cols, size_t ncols, size_t nrows, bool city_last, const bulletin_life *L,
                        bulletin_life_ctype (*cell)(const bulletin_life *, size_t, size_t, char *, size_t, double *)) {
    char txt[256];
    double v;
    st s = buf_puts(b, "<table class=\"life\"><thead><tr>");
    for (size_t c = 0; !s && c < ncols; c++) {
        s = buf_puts(b, "<th>");
        if (!s) s = bulletin_esc_head(b, cols[c].head);
        if (!s) s = buf_puts(b, "</th>");
    }
    if (!s) s = buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; !s && i < nrows; i++) {
        s = buf_puts(b, city_last && i + 1 == nrows ? "<tr class=\"city\">" : "<tr>");
        for (size_t c = 0; !s && c < ncols; c++) {
            cell(L, i, c, txt, sizeof txt, &v);
            s = buf_puts(b, cols[c].num ? "<td class=\"n\">" : "<td>");
            if (!s) s = bulletin_esc(b, txt);
            if (!s) s = buf_puts(b, "</td>");
        }
        if (!s) s = buf_puts(b, "</tr>");
    }
    if (!s) s = buf_puts(b, "</tbody></table>");
    return s;
}

/* The organizational-life section: its heading, what it counts, the districts, the red organizations. */
static st bulletin_life_html(const bulletin_doc *d, buf *b) {
    const bulletin_life *L = d->life;
    char t[512], note[1024];
    bulletin_life_title(d, t, sizeof t);
    bulletin_life_note(d, note, sizeof note);
    st s = buf_puts(b, "<h2>");
    if (!s) s = bulletin_esc(b, t);
    if (!s) s = buf_puts(b, "</h2><p class=\"note\">");
    if (!s) s = bulletin_esc(b, note);
    if (!s) s = buf_puts(b, "</p>");
    if (!s) s = bulletin_life_html_table(b, bulletin_life_dist_cols, BULLETIN_LIFE_NDIST, L->nrows + 1, true, L, bulletin_life_dist_cell);
    bulletin_life_red_title(L, t, sizeof t);
    if (!s) s = buf_puts(b, "<h3>");
    if (!s) s = bulletin_esc(b, t);
    if (!s) s = buf_puts(b, "</h3>");
    if (!s && L->nred) s = bulletin_life_html_table(b, bulletin_life_red_cols, BULLETIN_LIFE_NRED, L->nred, false, L, bulletin_life_red_cell);
    return s;
}

/* The chart: a bar per district (rank order), its rate and change, as inline SVG. */
static st bulletin_html_chart(const bulletin_doc *d, buf *b) {
    const double bw = 360, lh = 22, lx = 90;
    double h = (double)d->nrows * lh + 8;
    st s = buf_puts(b, "<figure class=\"chart\"><figcaption>");
    if (!s) s = bulletin_esc(b, bulletin_chart_title);
    if (!s) s = buf_printf(b, "</figcaption><svg role=\"img\" aria-label=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">",
                           bulletin_chart_title, lx + bw + 120, h, lx + bw + 120, h);
    for (size_t i = 0; !s && i < d->nrows; i++) {
        const bulletin_line *l = &d->rows[i];
        double y = 4 + (double)i * lh, w = bw * (l->rate < 0 ? 0 : l->rate > 100 ? 100 : l->rate) / 100;
        s = buf_printf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", lx - 6, y + 15);
        if (!s) s = bulletin_esc(b, l->name ? l->name : "");
        if (!s)
            s = buf_printf(b, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"#c8161d\"/>"
                              "<text x=\"%.1f\" y=\"%.1f\">%.1f（%+.1f）</text>",
                           lx, y + 2, w, lx + w + 6, y + 15, l->rate, l->change);
    }
    if (!s) s = buf_puts(b, "</svg></figure>");
    return s;
}

st bulletin_render_html(const bulletin_doc *d, buf *b, err *e) {
    char t[512], sub[512], mast[256], no[64], cc[1024], issued[128];
    bulletin_title(d, t, sizeof t);
    bulletin_subtitle(d, sub, sizeof sub);
    bulletin_masthead(d, mast, sizeof mast);
    bulletin_number_text(d, no, sizeof no);
    bulletin_cc_text(d, cc, sizeof cc);
    bulletin_issued_text(d, issued, sizeof issued);
    st s = buf_puts(b, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    if (!s) s = bulletin_esc(b, t);
    if (!s)
        s = buf_puts(b, "</title><style>body{font-family:\"Noto Sans CJK SC\",sans-serif;margin:2em auto;max-width:60em;color:#222}"
                        ".mast{font-family:\"Noto Serif CJK SC\",serif;color:#c00;font-size:30px;font-weight:bold;text-align:center;"
                        "letter-spacing:2px;margin:0}p.no{text-align:center;margin:.4em 0}"
                        ".meta{display:flex;justify-content:space-between;border-bottom:3px solid #c00;padding-bottom:4px;margin-bottom:1.2em}"
                        "h1{font-size:20px;text-align:center}p.sub{text-align:center;color:#555}"
                        "p.summary{text-indent:2em;line-height:1.9;font-size:15px}"
                        "table{border-collapse:collapse;margin:auto}th,td{border:1px solid #999;padding:4px 8px}"
                        "th{background:#f2dede;white-space:nowrap;font-size:13px}td{white-space:nowrap}td.n{text-align:right}"
                        "tr.city td{font-weight:bold;background:#fafafa}figure.chart{margin:1.5em auto;text-align:center}"
                        "figure.chart text{font-size:12px}figcaption{font-weight:bold;margin-bottom:.5em}"
                        "ol{color:#444;font-size:13px}h2{font-size:17px;text-align:center;margin-top:2em}h3{font-size:15px;text-align:center}"
                        "p.note{color:#555;font-size:13px;max-width:60em;margin:auto auto 1em}"
                        ".print{margin-top:3em;border-top:1px solid #222;border-bottom:1px solid #222;font-size:14px}"
                        ".print p{margin:.3em 0;display:flex;justify-content:space-between}"
                        ".print p+p{border-top:1px solid #222;padding-top:.3em}</style></head><body><p class=\"mast\">");
    if (!s) s = bulletin_esc(b, mast);
    if (!s) s = buf_puts(b, "</p><p class=\"no\">");
    if (!s) s = bulletin_esc(b, no);
    if (!s) s = buf_puts(b, "</p><div class=\"meta\"><span>");
    if (!s) s = bulletin_esc(b, d->office ? d->office : "");
    if (!s) s = buf_puts(b, "</span><span>");
    char day[32];
    bulletin_doc_date(d, day);
    if (!s) s = bulletin_esc(b, day);
    if (!s) s = buf_puts(b, "</span></div><h1>");
    if (!s) s = bulletin_esc(b, t);
    if (!s) s = buf_puts(b, "</h1><p class=\"sub\">");
    if (!s) s = bulletin_esc(b, sub);
    if (!s) s = buf_puts(b, "</p><p class=\"summary\">");
    if (!s) s = bulletin_esc(b, d->summary ? d->summary : "");
    if (!s) s = buf_puts(b, "</p>");
    if (!s) s = bulletin_html_table(d, b);
    if (!s) s = buf_puts(b, "</tbody></table>");
    if (!s && d->nrows) s = bulletin_html_chart(d, b);
    if (!s) s = buf_puts(b, "<ol>");
    for (size_t i = 0; !s && i < bulletin_nnotes(d); i++) {
        s = buf_puts(b, "<li>");
        if (!s) s = bulletin_esc(b, d->notes[i]);
        if (!s) s = buf_puts(b, "</li>");
    }
    if (!s) s = buf_puts(b, "</ol>");
    if (!s && d->life) s = bulletin_life_html(d, b);
    if (!s) s = buf_puts(b, "<div class=\"print\"><p>");
    if (!s) s = bulletin_esc(b, cc);
    if (!s) s = buf_puts(b, "</p><p><span>");
    if (!s) s = bulletin_esc(b, d->office ? d->office : "");
    if (!s) s = buf_puts(b, "</span><span>");
    if (!s) s = bulletin_esc(b, issued);
    if (!s) s = buf_puts(b, "</span></p></div></body></html>\n");
    if (s) return err_set(e, s, "旬报页面过大。");
    return ST_OK;
}

/* ---- xlsx ---- */

typedef struct bulletin_xf {
    lxw_format *title, *sub, *head, *mast, *no, *meta_l, *meta_r, *summary, *cc, *print_l, *print_r;
    lxw_format *cell[4][2];   /* by column type, and for the city line */
} bulletin_xf;

static lxw_format *bulletin_xlsx_fmt(lxw_workbook *wb, uint8_t align) {
    lxw_format *f = workbook_add_format(wb);
    format_set_align(f, align);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
}

static void bulletin_xlsx_formats(lxw_workbook *wb, bulletin_xf *f) {
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 16);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);
    f->sub = workbook_add_format(wb);
    format_set_align(f->sub, LXW_ALIGN_CENTER);
    format_set_font_color(f->sub, 0x555555);
    f->head = workbook_add_format(wb);
    format_set_bold(f->head);
    format_set_border(f->head, LXW_BORDER_THIN);
    format_set_bg_color(f->head, 0xF2DEDE);
    format_set_align(f->head, LXW_ALIGN_CENTER);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f->head);
    f->mast = bulletin_xlsx_fmt(wb, LXW_ALIGN_CENTER);
    format_set_bold(f->mast);
    format_set_font_size(f->mast, 22);
    format_set_font_color(f->mast, 0xCC0000);
    f->no = bulletin_xlsx_fmt(wb, LXW_ALIGN_CENTER);
    f->meta_l = bulletin_xlsx_fmt(wb, LXW_ALIGN_LEFT);
    f->meta_r = bulletin_xlsx_fmt(wb, LXW_ALIGN_RIGHT);
    for (lxw_format **m = (lxw_format *[]){f->meta_l, f->meta_r}, **e = m + 2; m < e; m++) {
        format_set_bottom(*m, LXW_BORDER_THICK);
        format_set_bottom_color(*m, 0xCC0000);
    }
    f->summary = bulletin_xlsx_fmt(wb, LXW_ALIGN_LEFT);
    format_set_align(f->summary, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(f->summary);
    f->cc = bulletin_xlsx_fmt(wb, LXW_ALIGN_LEFT);
    format_set_top(f->cc, LXW_BORDER_THIN);
    format_set_bottom(f->cc, LXW_BORDER_THIN);
    f->print_l = bulletin_xlsx_fmt(wb, LXW_ALIGN_LEFT);
    f->print_r = bulletin_xlsx_fmt(wb, LXW_ALIGN_RIGHT);
    format_set_bottom(f->print_l, LXW_BORDER_THIN);
    format_set_bottom(f->print_r, LXW_BORDER_THIN);
    static const char *const nf[] = {NULL, "0", "0.0", "+0.0;-0.0;0.0"};
    for (int k = 0; k < 4; k++)
        for (int tot = 0; tot < 2; tot++) {
            lxw_format *x = workbook_add_format(wb);
            format_set_border(x, LXW_BORDER_THIN);
            if (nf[k]) format_set_num_format(x, nf[k]);
            if (tot) {
                format_set_bold(x);
                format_set_bg_color(x, 0xF5F5F5);
                format_set_top(x, LXW_BORDER_DOUBLE);
            }
            f->cell[k][tot] = x;
        }
}

enum { BX_HEAD = 6 };   /* the row of the table's heads: masthead, number, office and date, title, subtitle, summary above */

/* Masthead, number, office and date, title, subtitle, the progress in words and the column heads (frozen). */
static void bulletin_xlsx_head(lxw_worksheet *ws, const bulletin_doc *d, const bulletin_xf *f) {
    char t[512], sub[512], mast[256], no[64], day[32];
    bulletin_title(d, t, sizeof t);
    bulletin_subtitle(d, sub, sizeof sub);
    bulletin_masthead(d, mast, sizeof mast);
    bulletin_number_text(d, no, sizeof no);
    bulletin_doc_date(d, day);
    lxw_col_t last = (lxw_col_t)(BULLETIN_NCOLS - 1), mid = (lxw_col_t)(BULLETIN_NCOLS / 2);
    worksheet_merge_range(ws, 0, 0, 0, last, mast, f->mast);
    worksheet_set_row(ws, 0, 36, NULL);
    worksheet_merge_range(ws, 1, 0, 1, last, no, f->no);
    worksheet_merge_range(ws, 2, 0, 2, mid - 1, d->office ? d->office : "", f->meta_l);
    worksheet_merge_range(ws, 2, mid, 2, last, day, f->meta_r);
    worksheet_merge_range(ws, 3, 0, 3, last, t, f->title);
    worksheet_set_row(ws, 3, 30, NULL);
    worksheet_merge_range(ws, 4, 0, 4, last, sub, f->sub);
    worksheet_merge_range(ws, 5, 0, 5, last, d->summary ? d->summary : "", f->summary);
    /* about 48 characters a line over the table's width */
    size_t chars = d->summary ? strlen(d->summary) / 3 : 0;
    worksheet_set_row(ws, 5, 18.0 * (double)(chars / 48 + 2), NULL);
    worksheet_set_row(ws, BX_HEAD, 32, NULL);
    for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
        worksheet_write_string(ws, BX_HEAD, (lxw_col_t)c, bulletin_cols[c].head, f->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, bulletin_cols[c].xlsx_width, NULL);
    }
    worksheet_freeze_panes(ws, BX_HEAD + 1, 2);
}

/* The rows, the notes, the chart and the print line. */
static void bulletin_xlsx_rows(lxw_workbook *wb, lxw_worksheet *ws, const bulletin_doc *d, const bulletin_xf *f) {
    lxw_row_t top = BX_HEAD + 1;
    for (size_t i = 0; i <= d->nrows; i++) {
        bool city = i == d->nrows;
        const bulletin_line *l = bulletin_line_at(d, i);
        lxw_row_t rr = (lxw_row_t)(top + i);
        for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
            lxw_format *x = f->cell[bulletin_cols[c].type][city];
            if (c == 0 && city) worksheet_write_string(ws, rr, 0, "", x);
            else if (bulletin_cols[c].type == BC_TEXT)
                worksheet_write_string(ws, rr, (lxw_col_t)c, city ? "全市合计" : l->name ? l->name : "", x);
            else worksheet_write_number(ws, rr, (lxw_col_t)c, bulletin_num(l, c), x);
        }
    }
    lxw_row_t r = (lxw_row_t)(top + d->nrows + 2);
    /* the chart: the districts' rates, read from the table's cells */
    if (d->nrows) {
        lxw_chart *ch = workbook_add_chart(wb, LXW_CHART_COLUMN);
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, d->period, top, 1, (lxw_row_t)(top + d->nrows - 1), 1);
        chart_series_set_values(se, d->period, top, 4, (lxw_row_t)(top + d->nrows - 1), 4);
        chart_series_set_name(se, "覆盖率(%)");
        lxw_chart_fill fill = {.color = 0xC8161D};
        chart_series_set_fill(se, &fill);
        chart_series_set_labels(se);
        chart_title_set_name(ch, bulletin_chart_title);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        chart_axis_set_min(ch->y_axis, 0);
        chart_axis_set_max(ch->y_axis, 100);
        lxw_chart_options opt = {.x_scale = 1.3, .y_scale = 1.0};
        worksheet_insert_chart_opt(ws, r, 0, ch, &opt);
        r += 16;
    }
    worksheet_write_string(ws, r++, 0, "说明：", NULL);
    for (size_t i = 0; i < bulletin_nnotes(d); i++) {
        char line[600];
        snprintf(line, sizeof line, "%zu. %s", i + 1, d->notes[i]);
        worksheet_write_string(ws, r++, 0, line, NULL);
    }
    /* the print line */
    char cc[1024], issued[128];
    bulletin_cc_text(d, cc, sizeof cc);
    bulletin_issued_text(d, issued, sizeof issued);
    lxw_col_t last = (lxw_col_t)(BULLETIN_NCOLS - 1), mid = (lxw_col_t)(BULLETIN_NCOLS / 2);
    r++;
    worksheet_merge_range(ws, r, 0, r, last, cc, f->cc);
    r++;
    worksheet_merge_range(ws, r, 0, r, mid - 1, d->office ? d->office : "", f->print_l);
    worksheet_merge_range(ws, r, mid, r, last, issued, f->print_r);
}

/* One table at row r: heads, then the rows (numbers as numbers); returns the row after it. */
static lxw_row_t bulletin_life_xlsx_table(lxw_worksheet *ws, lxw_row_t r, const bulletin_life_col *cols, size_t ncols, size_t nrows, bool city_last,
                               const bulletin_life *L, bulletin_life_ctype (*cell)(const bulletin_life *, size_t, size_t, char *, size_t, double *),
                               const bulletin_xf *f) {
    worksheet_set_row(ws, r, 32, NULL);
    for (size_t c = 0; c < ncols; c++) worksheet_write_string(ws, r, (lxw_col_t)c, cols[c].head, f->head);
    r++;
    char txt[256];
    double v;
    for (size_t i = 0; i < nrows; i++, r++) {
        int tot = city_last && i + 1 == nrows;
        for (size_t c = 0; c < ncols; c++) {
            bulletin_life_ctype t = cell(L, i, c, txt, sizeof txt, &v);
            if (t == BULLETIN_LIFE_INT) worksheet_write_number(ws, r, (lxw_col_t)c, v, f->cell[BC_INT][tot]);
            else if (t == BULLETIN_LIFE_RATE) worksheet_write_number(ws, r, (lxw_col_t)c, v, f->cell[BC_RATE][tot]);
            else worksheet_write_string(ws, r, (lxw_col_t)c, t == BULLETIN_LIFE_NONE ? "" : txt, f->cell[BC_TEXT][tot]);
        }
    }
    return r;
}

/* The organizational-life sheet: title, what it counts, the districts and the city, the red organizations. */
static void bulletin_life_xlsx(lxw_workbook *wb, const bulletin_doc *d, const bulletin_xf *f) {
    const bulletin_life *L = d->life;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "组织生活");
    char t[512], note[1024];
    bulletin_life_title(d, t, sizeof t);
    bulletin_life_note(d, note, sizeof note);
    lxw_col_t last = (lxw_col_t)(BULLETIN_LIFE_NRED > BULLETIN_LIFE_NDIST ? BULLETIN_LIFE_NRED - 1 : BULLETIN_LIFE_NDIST - 1);
    worksheet_merge_range(ws, 0, 0, 0, last, t, f->title);
    worksheet_set_row(ws, 0, 30, NULL);
    worksheet_merge_range(ws, 1, 0, 1, last, note, f->sub);
    worksheet_set_row(ws, 1, 48, NULL);
    for (size_t c = 0; c <= (size_t)last; c++) {
        double w1 = c < BULLETIN_LIFE_NDIST ? bulletin_life_dist_cols[c].xlsx_width : 0, w2 = c < BULLETIN_LIFE_NRED ? bulletin_life_red_cols[c].xlsx_width : 0;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w1 > w2 ? w1 : w2, NULL);
    }
    lxw_row_t r = bulletin_life_xlsx_table(ws, 2, bulletin_life_dist_cols, BULLETIN_LIFE_NDIST, L->nrows + 1, true, L, bulletin_life_dist_cell, f);
    bulletin_life_red_title(L, t, sizeof t);
    worksheet_write_string(ws, r + 1, 0, t, NULL);
    if (L->nred) bulletin_life_xlsx_table(ws, r + 2, bulletin_life_red_cols, BULLETIN_LIFE_NRED, L->nred, false, L, bulletin_life_red_cell, f);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
}

st bulletin_render_xlsx(const bulletin_doc *d, const char *path, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法创建 Excel 文件。");
    bulletin_xf f;
    bulletin_xlsx_formats(wb, &f);
    lxw_worksheet *ws = workbook_add_worksheet(wb, d->period);
    bulletin_xlsx_head(ws, d, &f);
    bulletin_xlsx_rows(wb, ws, d, &f);
    worksheet_set_paper(ws, 9);   /* A4, portrait like the PDF */
    worksheet_repeat_rows(ws, BX_HEAD, BX_HEAD);
    worksheet_fit_to_pages(ws, 1, 0);
    if (d->life) bulletin_life_xlsx(wb, d, &f);
    lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) return err_set(e, ST_IO, "写入 Excel 文件失败：%s", lxw_strerror(rc));
    return ST_OK;
}
