/* transfer_pdf — the letter out of the system (中国共产党党员组织关系介绍信) as one
 * A4 page, cairo + pango as the bulletin's PDF: the stub (存根) kept by the
 * sending organization, the letter itself and the receipt (回执) that comes
 * back, separated by dashed cut lines, each with the letter's number. */
#include <stdio.h>
#include <string.h>

#include "base/pdf.h"
#include "transfer/transfer_store.h"

/* A dashed cut line across the page at y with the words in its middle. */
static void tp_cut(pdf_doc *p, double y, const char *words) {
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
    pdf_text(p, "Noto Sans CJK SC 8", words, p->W / 2 - 70, y - 6, 140, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, 0, 0, 0);
}

/* A part's title and its number, from y; returns the y below them. */
static double tp_head(pdf_doc *p, double y, const char *title, const char *number) {
    double w = p->W - 2 * p->M;
    cairo_set_source_rgb(p->cr, 0.7, 0, 0);
    y += pdf_text(p, "Noto Serif CJK SC Bold 15", title, p->M, y, w, PANGO_ALIGN_CENTER) + 4;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    y += pdf_text(p, "Noto Sans CJK SC 9.5", number, p->M, y, w, PANGO_ALIGN_RIGHT) + 6;
    return y;
}

st transfer_letter_pdf(const transfer_letter *l, const char *path, err *e) {
    char title[256];
    snprintf(title, sizeof title, "中国共产党党员组织关系介绍信 %s", l->number ? l->number : "");
    pdf_doc p = {.spacing = 4};
    st s = pdf_open(&p, path, 595.28, 841.89, 56, title, e);
    if (s) return s;

    char issued[64], until[64], paid[64], who[512], body[2048];
    pdf_date_zh(l->issued_on, issued, sizeof issued);
    pdf_date_zh(l->valid_until, until, sizeof until);
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
    y += pdf_text(&p, serif, body, p.M, y, w, PANGO_ALIGN_LEFT) + 6;
    y += pdf_text(&p, serif, issued, p.M, y, w, PANGO_ALIGN_RIGHT) + 14;
    tp_cut(&p, y, "（此联存根，沿虚线剪开）");

    /* 介绍信 */
    y = tp_head(&p, y + 16, "中国共产党党员组织关系介绍信", l->number ? l->number : "");
    snprintf(body, sizeof body,
             "%s：\n    兹介绍%s，系中共%s，身份证号码 %s，由%s转到你处，请接洽。\n    该同志党费已缴到%s。%s%s\n    （有效期 %d 天，至%s）",
             l->to_name ? l->to_name : "", who, cat, l->id_number ? l->id_number : "", l->from_name ? l->from_name : "", paid,
             l->reason && *l->reason ? "转接原因：" : "", l->reason && *l->reason ? l->reason : "", l->valid_days, until);
    y += pdf_text(&p, serif, body, p.M, y, w, PANGO_ALIGN_LEFT) + 16;
    char seal[512];
    snprintf(seal, sizeof seal, "%s（盖章）\n%s", l->from_name ? l->from_name : "", issued);
    y += pdf_text(&p, serif, seal, p.M, y, w, PANGO_ALIGN_RIGHT) + 16;
    y += pdf_text(&p, "Noto Sans CJK SC 8.5", "党员联系电话：____________    党员原所在基层党组织通讯地址：______________________", p.M, y, w,
                 PANGO_ALIGN_LEFT) + 18;
    tp_cut(&p, y, "（沿虚线剪开，回执寄回）");

    /* 回执 */
    y = tp_head(&p, y + 16, "中国共产党党员组织关系介绍信（回执）", l->number ? l->number : "");
    snprintf(body, sizeof body, "%s：\n    %s同志的党员组织关系已转达我处，特此回执。", l->from_name ? l->from_name : "",
             l->name ? l->name : "");
    y += pdf_text(&p, serif, body, p.M, y, w, PANGO_ALIGN_LEFT) + 24;
    pdf_text(&p, serif, "接收党组织（盖章）\n      年    月    日", p.M, y, w, PANGO_ALIGN_RIGHT);

    return pdf_close(&p, e);
}
