/* training_pdf — the completion certificate (结业证书) of a training batch as
 * one A4 landscape PDF page, cairo + pango as the bulletin's PDF, the dues
 * receipt and the transfer letter: a red double border, the title, the
 * certificate's number, who completed which batch, when, with how many 学时,
 * and the issuing office and day. */
#include <stdio.h>
#include <string.h>

#include "base/pdf.h"
#include "study/training_store.h"

st training_cert_pdf(const training_cert *k, const char *path, err *e) {
    char title[256];
    snprintf(title, sizeof title, "结业证书 %s", k->number ? k->number : "");
    pdf_doc p = {.spacing = 8};
    st s = pdf_open(&p, path, 841.89, 595.28, 72, title, e);
    if (s) return s;

    /* the border: a thick red line and a thin one inside it */
    cairo_set_source_rgb(p.cr, 0.72, 0.08, 0.08);
    cairo_set_line_width(p.cr, 4);
    cairo_rectangle(p.cr, 28, 28, p.W - 56, p.H - 56);
    cairo_stroke(p.cr);
    cairo_set_line_width(p.cr, 1);
    cairo_rectangle(p.cr, 38, 38, p.W - 76, p.H - 76);
    cairo_stroke(p.cr);

    double w = p.W - 2 * p.M, y = p.M;
    y += pdf_text(&p, "Noto Serif CJK SC Bold 34", "结 业 证 书", p.M, y, w, PANGO_ALIGN_CENTER) + 10;
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    char no[160];
    snprintf(no, sizeof no, "证书编号：%s", k->number ? k->number : "");
    y += pdf_text(&p, "Noto Sans CJK SC 11", no, p.M, y, w, PANGO_ALIGN_RIGHT) + 24;

    char from[64], to[64], issued[64], body[2048];
    pdf_date_zh(k->starts_on, from, sizeof from);
    pdf_date_zh(k->ends_on, to, sizeof to);
    pdf_date_zh(k->issued_on, issued, sizeof issued);
    snprintf(body, sizeof body,
             "%s同志%s%s%s：\n"
             "    于%s至%s参加%s，按要求完成学习（应到 %lld 次课程，实到 %lld 次），成绩合格，准予结业，计 %s 学时。\n"
             "    特发此证。",
             k->name ? k->name : "", k->unit && *k->unit ? "（" : "", k->unit && *k->unit ? k->unit : "", k->unit && *k->unit ? "）" : "",
             from, to, k->batch ? k->batch : "", (long long)k->sessions, (long long)k->attended, k->hours ? k->hours : "");
    y += pdf_text(&p, "Noto Serif CJK SC 17", body, p.M + 20, y, w - 40, PANGO_ALIGN_LEFT) + 40;
    char seal[512];
    snprintf(seal, sizeof seal, "%s\n%s", k->organizer ? k->organizer : "", issued);
    pdf_text(&p, "Noto Serif CJK SC 15", seal, p.M, y, w - 20, PANGO_ALIGN_RIGHT);

    return pdf_close(&p, e);
}
