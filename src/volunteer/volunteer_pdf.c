/* volunteer_pdf — the certificate of volunteer service (志愿服务证明) as one A4
 * landscape page, as the training certificate (study/training_pdf.c): a red
 * double border, the title, its number, who served in which activity of which
 * team, where, when and for how many hours, and the team's owner and the day
 * the hours were confirmed. */
#include <stdio.h>

#include "base/pdf.h"
#include "volunteer/volunteer_store.h"

st volunteer_cert_pdf(const volunteer_cert *k, const char *path, err *e) {
    char title[256];
    snprintf(title, sizeof title, "志愿服务证明 %s", k->number ? k->number : "");
    pdf_doc p = {.spacing = 8};
    st s = pdf_open(&p, path, 841.89, 595.28, 72, title, e);
    if (s) return s;

    cairo_set_source_rgb(p.cr, 0.72, 0.08, 0.08);
    cairo_set_line_width(p.cr, 4);
    cairo_rectangle(p.cr, 28, 28, p.W - 56, p.H - 56);
    cairo_stroke(p.cr);
    cairo_set_line_width(p.cr, 1);
    cairo_rectangle(p.cr, 38, 38, p.W - 76, p.H - 76);
    cairo_stroke(p.cr);

    double w = p.W - 2 * p.M, y = p.M;
    y += pdf_text(&p, "Noto Serif CJK SC Bold 34", "志愿服务证明", p.M, y, w, PANGO_ALIGN_CENTER) + 10;
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    char no[160];
    snprintf(no, sizeof no, "证明编号：%s", k->number ? k->number : "");
    y += pdf_text(&p, "Noto Sans CJK SC 11", no, p.M, y, w, PANGO_ALIGN_RIGHT) + 24;

    char day[64], issued[64], body[2048];
    pdf_date_zh(k->day, day, sizeof day);
    pdf_date_zh(k->issued_on, issued, sizeof issued);
    snprintf(body, sizeof body,
             "%s同志：\n"
             "    于%s在%s参加%s组织的志愿服务活动“%s”，经组织者确认，服务时长 %s 小时。\n"
             "    特此证明。",
             k->name ? k->name : "", day, k->place ? k->place : "", k->team ? k->team : "", k->title ? k->title : "",
             k->hours ? k->hours : "");
    y += pdf_text(&p, "Noto Serif CJK SC 17", body, p.M + 20, y, w - 40, PANGO_ALIGN_LEFT) + 40;
    char seal[512];
    snprintf(seal, sizeof seal, "%s\n%s\n%s", k->team ? k->team : "", k->issuer ? k->issuer : "", issued);
    pdf_text(&p, "Noto Serif CJK SC 15", seal, p.M, y, w - 20, PANGO_ALIGN_RIGHT);

    return pdf_close(&p, e);
}
