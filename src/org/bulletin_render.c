/* bulletin_render — one bulletin document (bulletin.c) as HTML, xlsx and PDF.
 * The three share one column list so that what a district reads on paper is
 * what it sees on screen and in the spreadsheet. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "org/bulletin.h"

typedef enum { BC_TEXT, BC_INT, BC_RATE, BC_CHANGE } bulletin_ctype;
static const struct {
    const char *head, *key;
    bulletin_ctype type;
    double xlsx_width, pdf_width;
} bulletin_cols[] = {
    {"排名", "rank", BC_INT, 6, 30},
    {"区", "name", BC_TEXT, 12, 62},
    {"企业数", "enterprises", BC_INT, 9, 48},
    {"已覆盖", "covered", BC_INT, 9, 48},
    {"覆盖率(%)", "rate", BC_RATE, 11, 56},
    {"较上期(百分点)", "change", BC_CHANGE, 14, 66},
    {"工作覆盖率(%)", "work_rate", BC_RATE, 14, 64},
    {"本旬新建", "new_orgs", BC_INT, 10, 46},
    {"本旬升格", "upgrades", BC_INT, 10, 46},
    {"待办事项", "findings", BC_INT, 10, 50},
};
#define BULLETIN_NCOLS (sizeof bulletin_cols / sizeof bulletin_cols[0])

static const char *bulletin_s(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void bulletin_cell(const json_t *row, size_t c, bool city, char *out, size_t n) {
    const json_t *v = json_object_get(row, bulletin_cols[c].key);
    if (city && c == 0) {
        snprintf(out, n, "—");
        return;
    }
    switch (bulletin_cols[c].type) {
    case BC_TEXT: snprintf(out, n, "%s", city ? "全市合计" : json_string_value(v) ? json_string_value(v) : ""); break;
    case BC_INT: snprintf(out, n, "%lld", (long long)json_integer_value(v)); break;
    case BC_RATE: snprintf(out, n, "%.1f", json_number_value(v)); break;
    case BC_CHANGE: snprintf(out, n, "%+.1f", json_number_value(v)); break;
    }
}

static void bulletin_title(const json_t *doc, char *out, size_t n) {
    const char *city = bulletin_s(json_object_get(doc, "city"), "name");
    snprintf(out, n, "%s互联网企业党组织覆盖情况通报（%s）", city, bulletin_s(doc, "title"));
}

static void bulletin_subtitle(const json_t *doc, char *out, size_t n) {
    snprintf(out, n, "统计期间：%s 至 %s　　%s　　生成时间：%s", bulletin_s(doc, "first_day"), bulletin_s(doc, "last_day"),
             json_is_true(json_object_get(doc, "issued")) ? "已发布" : "预览（未发布）", bulletin_s(doc, "generated_at"));
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

st bulletin_render_html(const json_t *doc, buf *b, err *e) {
    char t[512], sub[512], cell[128];
    bulletin_title(doc, t, sizeof t);
    bulletin_subtitle(doc, sub, sizeof sub);
    st s = buf_puts(b, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    if (!s) s = bulletin_esc(b, t);
    if (!s)
        s = buf_puts(b, "</title><style>body{font-family:\"Noto Sans CJK SC\",sans-serif;margin:2em}"
                        "h1{font-size:20px;text-align:center}p.sub{text-align:center;color:#555}"
                        "table{border-collapse:collapse;margin:auto}th,td{border:1px solid #999;padding:4px 8px}"
                        "th{background:#f2dede}td.n{text-align:right}tr.city td{font-weight:bold;background:#fafafa}"
                        "ol{color:#444;font-size:13px}</style></head><body><h1>");
    if (!s) s = bulletin_esc(b, t);
    if (!s) s = buf_puts(b, "</h1><p class=\"sub\">");
    if (!s) s = bulletin_esc(b, sub);
    if (!s) s = buf_puts(b, "</p><table><thead><tr>");
    for (size_t c = 0; !s && c < BULLETIN_NCOLS; c++) s = buf_printf(b, "<th>%s</th>", bulletin_cols[c].head);
    if (!s) s = buf_puts(b, "</tr></thead><tbody>");
    const json_t *rows = json_object_get(doc, "rows");
    for (size_t i = 0; !s && i <= json_array_size(rows); i++) {
        bool city = i == json_array_size(rows);
        const json_t *row = city ? json_object_get(doc, "city") : json_array_get(rows, i);
        s = buf_puts(b, city ? "<tr class=\"city\">" : "<tr>");
        for (size_t c = 0; !s && c < BULLETIN_NCOLS; c++) {
            bulletin_cell(row, c, city, cell, sizeof cell);
            s = buf_puts(b, bulletin_cols[c].type == BC_TEXT ? "<td>" : "<td class=\"n\">");
            if (!s) s = bulletin_esc(b, cell);
            if (!s) s = buf_puts(b, "</td>");
        }
        if (!s) s = buf_puts(b, "</tr>");
    }
    if (!s) s = buf_puts(b, "</tbody></table><ol>");
    const json_t *notes = json_object_get(doc, "notes");
    for (size_t i = 0; !s && i < json_array_size(notes); i++) {
        s = buf_puts(b, "<li>");
        if (!s) s = bulletin_esc(b, json_string_value(json_array_get(notes, i)) ? json_string_value(json_array_get(notes, i)) : "");
        if (!s) s = buf_puts(b, "</li>");
    }
    if (!s) s = buf_puts(b, "</ol></body></html>\n");
    if (s) return err_set(e, s, "旬报页面过大。");
    return ST_OK;
}

/* ---- xlsx ---- */

st bulletin_render_xlsx(const json_t *doc, const char *path, err *e) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return err_set(e, ST_IO, "无法创建 Excel 文件。");
    char t[512], sub[512];
    bulletin_title(doc, t, sizeof t);
    bulletin_subtitle(doc, sub, sizeof sub);
    lxw_worksheet *ws = workbook_add_worksheet(wb, bulletin_s(doc, "period"));
    lxw_format *ft = workbook_add_format(wb);
    format_set_bold(ft);
    format_set_font_size(ft, 16);
    format_set_align(ft, LXW_ALIGN_CENTER);
    format_set_align(ft, LXW_ALIGN_VERTICAL_CENTER);
    lxw_format *fs = workbook_add_format(wb);
    format_set_align(fs, LXW_ALIGN_CENTER);
    format_set_font_color(fs, 0x555555);
    lxw_format *fh = workbook_add_format(wb);
    format_set_bold(fh);
    format_set_border(fh, LXW_BORDER_THIN);
    format_set_bg_color(fh, 0xF2DEDE);
    format_set_align(fh, LXW_ALIGN_CENTER);
    format_set_align(fh, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(fh);
    lxw_format *fmt[4][2];
    static const char *const nf[] = {NULL, "0", "0.0", "+0.0;-0.0;0.0"};
    for (int k = 0; k < 4; k++)
        for (int tot = 0; tot < 2; tot++) {
            lxw_format *f = workbook_add_format(wb);
            format_set_border(f, LXW_BORDER_THIN);
            if (nf[k]) format_set_num_format(f, nf[k]);
            if (tot) {
                format_set_bold(f);
                format_set_bg_color(f, 0xF5F5F5);
                format_set_top(f, LXW_BORDER_DOUBLE);
            }
            fmt[k][tot] = f;
        }
    lxw_col_t last = (lxw_col_t)(BULLETIN_NCOLS - 1);
    worksheet_merge_range(ws, 0, 0, 0, last, t, ft);
    worksheet_set_row(ws, 0, 30, NULL);
    worksheet_merge_range(ws, 1, 0, 1, last, sub, fs);
    worksheet_set_row(ws, 2, 32, NULL);
    for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
        worksheet_write_string(ws, 2, (lxw_col_t)c, bulletin_cols[c].head, fh);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, bulletin_cols[c].xlsx_width, NULL);
    }
    worksheet_freeze_panes(ws, 3, 2);
    const json_t *rows = json_object_get(doc, "rows");
    size_t n = json_array_size(rows);
    for (size_t i = 0; i <= n; i++) {
        bool city = i == n;
        const json_t *row = city ? json_object_get(doc, "city") : json_array_get(rows, i);
        lxw_row_t rr = (lxw_row_t)(3 + i);
        for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
            const json_t *v = json_object_get(row, bulletin_cols[c].key);
            lxw_format *f = fmt[bulletin_cols[c].type][city];
            if (c == 0 && city) worksheet_write_string(ws, rr, 0, "", f);
            else if (bulletin_cols[c].type == BC_TEXT)
                worksheet_write_string(ws, rr, (lxw_col_t)c, city ? "全市合计" : json_string_value(v) ? json_string_value(v) : "", f);
            else worksheet_write_number(ws, rr, (lxw_col_t)c, json_number_value(v), f);
        }
    }
    const json_t *notes = json_object_get(doc, "notes");
    worksheet_write_string(ws, (lxw_row_t)(n + 5), 0, "说明：", NULL);
    for (size_t i = 0; i < json_array_size(notes); i++) {
        char line[600];
        snprintf(line, sizeof line, "%zu. %s", i + 1, json_string_value(json_array_get(notes, i)) ? json_string_value(json_array_get(notes, i)) : "");
        worksheet_write_string(ws, (lxw_row_t)(n + 6 + i), 0, line, NULL);
    }
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);   /* A4 */
    worksheet_repeat_rows(ws, 2, 2);
    worksheet_fit_to_pages(ws, 1, 0);
    lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) return err_set(e, ST_IO, "写入 Excel 文件失败：%s", lxw_strerror(rc));
    return ST_OK;
}

/* ---- PDF ---- */

static void bulletin_text(cairo_t *cr, PangoLayout *lay, const char *font, const char *txt, double x, double y,
                          double w, PangoAlignment align) {
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(lay, w > 0 ? (int)(w * PANGO_SCALE) : -1);
    pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(lay, align);
    pango_layout_set_text(lay, txt, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, lay);
}

static double bulletin_text_h(PangoLayout *lay) {
    int w, h;
    pango_layout_get_size(lay, &w, &h);
    return (double)h / PANGO_SCALE;
}

st bulletin_render_pdf(const json_t *doc, const char *path, err *e) {
    const double W = 595.28, H = 841.89, M = 40;
    cairo_surface_t *sf = cairo_pdf_surface_create(path, W, H);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(sf);
        return err_set(e, ST_IO, "无法创建 PDF 文件。");
    }
    char t[512], sub[512], cell[128];
    bulletin_title(doc, t, sizeof t);
    bulletin_subtitle(doc, sub, sizeof sub);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, t);
    cairo_t *cr = cairo_create(sf);
    PangoLayout *lay = pango_cairo_create_layout(cr);
    double tw = 0;
    for (size_t c = 0; c < BULLETIN_NCOLS; c++) tw += bulletin_cols[c].pdf_width;
    double x0 = (W - tw) / 2, y = M;
    cairo_set_source_rgb(cr, 0.6, 0, 0);
    bulletin_text(cr, lay, "Noto Serif CJK SC Bold 14", t, M, y, W - 2 * M, PANGO_ALIGN_CENTER);
    y += bulletin_text_h(lay) + 6;
    cairo_set_source_rgb(cr, 0.6, 0, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, M, y);
    cairo_line_to(cr, W - M, y);
    cairo_stroke(cr);
    y += 6;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    bulletin_text(cr, lay, "Noto Sans CJK SC 8.5", sub, M, y, W - 2 * M, PANGO_ALIGN_CENTER);
    y += bulletin_text_h(lay) + 12;
    const json_t *rows = json_object_get(doc, "rows");
    size_t n = json_array_size(rows);
    const double rh = 20, hh = 30;
    /* header */
    cairo_set_source_rgb(cr, 0.95, 0.87, 0.87);
    cairo_rectangle(cr, x0, y, tw, hh);
    cairo_fill(cr);
    double x = x0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
        bulletin_text(cr, lay, "Noto Sans CJK SC Bold 8", bulletin_cols[c].head, x + 2, y + 3, bulletin_cols[c].pdf_width - 4,
                      PANGO_ALIGN_CENTER);
        x += bulletin_cols[c].pdf_width;
    }
    double ytop = y;
    y += hh;
    for (size_t i = 0; i <= n; i++) {
        bool city = i == n;
        const json_t *row = city ? json_object_get(doc, "city") : json_array_get(rows, i);
        if (city) {
            cairo_set_source_rgb(cr, 0.96, 0.96, 0.96);
            cairo_rectangle(cr, x0, y, tw, rh);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        x = x0;
        for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
            bulletin_cell(row, c, city, cell, sizeof cell);
            bulletin_text(cr, lay, city ? "Noto Sans CJK SC Bold 9" : "Noto Sans CJK SC 9", cell, x + 3, y + 3,
                          bulletin_cols[c].pdf_width - 6,
                          bulletin_cols[c].type == BC_TEXT ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
            x += bulletin_cols[c].pdf_width;
        }
        y += rh;
    }
    /* grid */
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 0.5);
    for (double yy = ytop; yy <= y + 0.1; yy += (yy == ytop ? hh : rh)) {
        cairo_move_to(cr, x0, yy);
        cairo_line_to(cr, x0 + tw, yy);
    }
    x = x0;
    for (size_t c = 0; c <= BULLETIN_NCOLS; c++) {
        cairo_move_to(cr, x, ytop);
        cairo_line_to(cr, x, y);
        if (c < BULLETIN_NCOLS) x += bulletin_cols[c].pdf_width;
    }
    cairo_stroke(cr);
    y += 16;
    cairo_set_source_rgb(cr, 0, 0, 0);
    bulletin_text(cr, lay, "Noto Sans CJK SC Bold 9", "说明：", M, y, W - 2 * M, PANGO_ALIGN_LEFT);
    y += bulletin_text_h(lay) + 2;
    const json_t *notes = json_object_get(doc, "notes");
    for (size_t i = 0; i < json_array_size(notes) && y < H - M; i++) {
        char line[600];
        snprintf(line, sizeof line, "%zu. %s", i + 1, json_string_value(json_array_get(notes, i)) ? json_string_value(json_array_get(notes, i)) : "");
        bulletin_text(cr, lay, "Noto Sans CJK SC 8.5", line, M, y, W - 2 * M, PANGO_ALIGN_LEFT);
        y += bulletin_text_h(lay) + 2;
    }
    g_object_unref(lay);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    cairo_status_t cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) return err_set(e, ST_IO, "写入 PDF 失败：%s", cairo_status_to_string(cs));
    return ST_OK;
}

void bulletin_render_shutdown(void) {
    static bool done;
    if (done) return;
    done = true;
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();  /* fontconfig's caches, for the leak checker at exit */
}

/* LeakSanitizer's hook for built-in suppressions (only read in ASan builds).
 * cairo 1.16 (Debian 12) leaks one 768-byte array per embedded CFF font each
 * time a PDF surface is finished (inside its font subsetting; fixed in later
 * cairo releases): about 2 KB per bulletin PDF.  With ASan's fast unwinder the
 * stack ends inside libcairo, so only the module can be named; every cairo
 * object of ours is created and destroyed within bulletin_render_pdf above. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcairo.so\n"; }
