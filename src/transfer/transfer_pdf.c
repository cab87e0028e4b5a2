/* transfer_pdf — the letter out of the system (中国共产党党员组织关系介绍信) as one
 * A4 page, cairo + pango as the bulletin's PDF: the stub (存根) kept by the
 * sending organization, the letter itself and the receipt (回执) that comes
 * back, separated by dashed cut lines, each with the letter's number. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "transfer/transfer_store.h"

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
    pango_layout_set_spacing(p->lay, 4 * PANGO_SCALE);
    pango_layout_set_text(p->lay, txt, -1);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->lay);
    int tw, th;
    pango_layout_get_size(p->lay, &tw, &th);
    return (double)th / PANGO_SCALE;
}

/* "2026年3月5日" of "2026-03-05" ("    年  月  日" when none). */
static void tp_date(const char *day, char *out, size_t n) {
    int y, m, d;
    if (day && sscanf(day, "%d-%d-%d", &y, &m, &d) == 3) snprintf(out, n, "%d年%d月%d日", y, m, d);
    else snprintf(out, n, "      年    月    日");
}

/* A dashed cut line across the page at y with the words in its middle. */
static void tp_cut(tp_page *p, double y, const char *words) {
    cairo_t *cr = p->cr;
    double dash[] = {4, 3};
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 0.6);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, p->M - 10, y);
    cairo_line_to(cr, p->W / 2 - 70, y);
    cairo_move_to(cr, p->W / 2 + 70, y);
    cairo_line_to(cr, p->W - p->M + 10, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    tp_text(p, "Noto Sans CJK SC 8", words, p->W / 2 - 70, y - 6, 140, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

/* A part's title and its number, from y; returns the y below them. */
static double tp_head(tp_page *p, double y, const char *title, const char *number) {
    double w = p->W - 2 * p->M;
    cairo_set_source_rgb(p->cr, 0.7, 0, 0);
    y += tp_text(p, "Noto Serif CJK SC Bold 15", title, p->M, y, w, PANGO_ALIGN_CENTER) + 4;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    y += tp_text(p, "Noto Sans CJK SC 9.5", number, p->M, y, w, PANGO_ALIGN_RIGHT) + 6;
    return y;
}

st transfer_letter_pdf(const transfer_letter *l, const char *path, err *e) {
    tp_page p = {.W = 595.28, .H = 841.89, .M = 56};
    cairo_surface_t *sf = cairo_pdf_surface_create(path, p.W, p.H);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(sf);
        return err_set(e, ST_IO, "无法创建 PDF 文件。");
    }
    char title[256];
    snprintf(title, sizeof title, "中国共产党党员组织关系介绍信 %s", l->number ? l->number : "");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    p.cr = cairo_create(sf);
    p.lay = pango_cairo_create_layout(p.cr);

    char issued[64], until[64], paid[64], who[512], body[2048];
    tp_date(l->issued_on, issued, sizeof issued);
    tp_date(l->valid_until, until, sizeof until);
    int py = 0, pm = 0;
    if (l->paid_through && sscanf(l->paid_through, "%d-%d", &py, &pm) == 2) snprintf(paid, sizeof paid, "%d年%d月", py, pm);
    else snprintf(paid, sizeof paid, "______年____月");
    const char *cat = l->category && !strcmp(l->category, "预备党员") ? "预备党员" : "正式党员";
    snprintf(who, sizeof who, "%s同志（%s，%d岁，%s族）", l->name ? l->name : "", l->gender ? l->gender : "", l->age,
             l->ethnicity && *l->ethnicity ? l->ethnicity : "____");
    double w = p.W - 2 * p.M, y = p.M - 16;
    const char *serif = "Noto Serif CJK SC 11.5";

    /* 存根 */
    y = tp_head(&p, y, "中国共产党党员组织关系介绍信（存根）", l->number ? l->number : "");
    snprintf(body, sizeof body,
             "    %s，系中共%s，身份证号码 %s，组织关系由%s转到%s。\n    党费缴到%s。\n    有效期 %d 天（至%s）。",
             who, cat, l->id_number ? l->id_number : "", l->from_name ? l->from_name : "", l->to_name ? l->to_name : "", paid,
             l->valid_days, until);
    y += tp_text(&p, serif, body, p.M, y, w, PANGO_ALIGN_LEFT) + 6;
    y += tp_text(&p, serif, issued, p.M, y, w, PANGO_ALIGN_RIGHT) + 14;
    tp_cut(&p, y, "（此联存根，沿虚线剪开）");

    /* 介绍信 */
    y = tp_head(&p, y + 16, "中国共产党党员组织关系介绍信", l->number ? l->number : "");
    snprintf(body, sizeof body,
             "%s：\n    兹介绍%s，系中共%s，身份证号码 %s，由%s转到你处，请接洽。\n    该同志党费已缴到%s。%s%s\n    （有效期 %d 天，至%s）",
             l->to_name ? l->to_name : "", who, cat, l->id_number ? l->id_number : "", l->from_name ? l->from_name : "", paid,
             l->reason && *l->reason ? "转接原因：" : "", l->reason && *l->reason ? l->reason : "", l->valid_days, until);
    y += tp_text(&p, serif, body, p.M, y, w, PANGO_ALIGN_LEFT) + 16;
    char seal[512];
    snprintf(seal, sizeof seal, "%s（盖章）\n%s", l->from_name ? l->from_name : "", issued);
    y += tp_text(&p, serif, seal, p.M, y, w, PANGO_ALIGN_RIGHT) + 16;
    y += tp_text(&p, "Noto Sans CJK SC 8.5", "党员联系电话：____________    党员原所在基层党组织通讯地址：______________________", p.M, y, w,
                 PANGO_ALIGN_LEFT) + 18;
    tp_cut(&p, y, "（沿虚线剪开，回执寄回）");

    /* 回执 */
    y = tp_head(&p, y + 16, "中国共产党党员组织关系介绍信（回执）", l->number ? l->number : "");
    snprintf(body, sizeof body, "%s：\n    %s同志的党员组织关系已转达我处，特此回执。", l->from_name ? l->from_name : "",
             l->name ? l->name : "");
    y += tp_text(&p, serif, body, p.M, y, w, PANGO_ALIGN_LEFT) + 24;
    tp_text(&p, serif, "接收党组织（盖章）\n      年    月    日", p.M, y, w, PANGO_ALIGN_RIGHT);

    g_object_unref(p.lay);
    cairo_show_page(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(sf);
    cairo_status_t cs = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (cs != CAIRO_STATUS_SUCCESS) return err_set(e, ST_IO, "写入 PDF 失败：%s", cairo_status_to_string(cs));
    return ST_OK;
}
