/* training_pdf — the completion certificate (结业证书) of a training batch as
 * one A4 landscape PDF page, cairo + pango as the bulletin's PDF, the dues
 * receipt and the transfer letter: a red double border, the title, the
 * certificate's number, who completed which batch, when, with how many 学时,
 * and the issuing office and day. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "study/training_store.h"

typedef struct tp_page {
    cairo_t *cr;
    PangoLayout *lay;
    double W, H, M;
} tp_page;

/* Text at (x, y), w wide (wrapped), aligned; returns its height. */
static double tp_text(tp_page *p, const char *font, const char *txt, double x, double y, double w, PangoAlignment align) {
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(p->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->lay, w > 0 ? (int)(w * PANGO_SCALE) : -1);
    pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(p->lay, align);
    pango_layout_set_spacing(p->lay, 8 * PANGO_SCALE);
    pango_layout_set_text(p->lay, txt, -1);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->lay);
    int tw, th;
    pango_layout_get_size(p->lay, &tw, &th);
    return (double)th / PANGO_SCALE;
}

/* "2026年3月5日" of "2026-03-05". */
static void tp_date(const char *day, char *out, size_t n) {
    int y, m, d;
    if (day && sscanf(day, "%d-%d-%d", &y, &m, &d) == 3) snprintf(out, n, "%d年%d月%d日", y, m, d);
    else snprintf(out, n, "      年    月    日");
}

st training_cert_pdf(const training_cert *k, const char *path, err *e) {
    tp_page p = {.W = 841.89, .H = 595.28, .M = 72};
    cairo_surface_t *sf = cairo_pdf_surface_create(path, p.W, p.H);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(sf);
        return err_set(e, ST_IO, "无法创建 PDF 文件。");
    }
    char title[256];
    snprintf(title, sizeof title, "结业证书 %s", k->number ? k->number : "");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    p.cr = cairo_create(sf);
    p.lay = pango_cairo_create_layout(p.cr);

    /* the border: a thick red line and a thin one inside it */
    cairo_set_source_rgb(p.cr, 0.72, 0.08, 0.08);
    cairo_set_line_width(p.cr, 4);
    cairo_rectangle(p.cr, 28, 28, p.W - 56, p.H - 56);
    cairo_stroke(p.cr);
    cairo_set_line_width(p.cr, 1);
    cairo_rectangle(p.cr, 38, 38, p.W - 76, p.H - 76);
    cairo_stroke(p.cr);

    double w = p.W - 2 * p.M, y = p.M;
    y += tp_text(&p, "Noto Serif CJK SC Bold 34", "结 业 证 书", p.M, y, w, PANGO_ALIGN_CENTER) + 10;
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    char no[160];
    snprintf(no, sizeof no, "证书编号：%s", k->number ? k->number : "");
    y += tp_text(&p, "Noto Sans CJK SC 11", no, p.M, y, w, PANGO_ALIGN_RIGHT) + 24;

    char from[64], to[64], issued[64], body[2048];
    tp_date(k->starts_on, from, sizeof from);
    tp_date(k->ends_on, to, sizeof to);
    tp_date(k->issued_on, issued, sizeof issued);
    snprintf(body, sizeof body,
             "%s同志%s%s%s：\n"
             "    于%s至%s参加%s，按要求完成学习（应到 %lld 次课程，实到 %lld 次），成绩合格，准予结业，计 %s 学时。\n"
             "    特发此证。",
             k->name ? k->name : "", k->unit && *k->unit ? "（" : "", k->unit && *k->unit ? k->unit : "", k->unit && *k->unit ? "）" : "",
             from, to, k->batch ? k->batch : "", (long long)k->sessions, (long long)k->attended, k->hours ? k->hours : "");
    y += tp_text(&p, "Noto Serif CJK SC 17", body, p.M + 20, y, w - 40, PANGO_ALIGN_LEFT) + 40;
    char seal[512];
    snprintf(seal, sizeof seal, "%s\n%s", k->organizer ? k->organizer : "", issued);
    tp_text(&p, "Noto Serif CJK SC 15", seal, p.M, y, w - 20, PANGO_ALIGN_RIGHT);

    g_object_unref(p.lay);
    cairo_show_page(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(sf);
    cairo_status_t cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) return err_set(e, ST_IO, "写入 PDF 失败：%s", cairo_status_to_string(cs));
    return ST_OK;
}
