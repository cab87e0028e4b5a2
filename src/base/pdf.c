/* pdf — see pdf.h. */
#include "base/pdf.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <string.h>

st pdf_open(pdf_doc *p, const char *path, double W, double H, double M, const char *title, err *e) {
    double spacing = p->spacing;
    memset(p, 0, sizeof *p);
    p->W = W, p->H = H, p->M = M, p->spacing = spacing;
    p->sf = cairo_pdf_surface_create(path, W, H);
    if (cairo_surface_status(p->sf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p->sf);
        p->sf = NULL;
        return err_set(e, ST_IO, "无法创建 PDF 文件。");
    }
    if (title) cairo_pdf_surface_set_metadata(p->sf, CAIRO_PDF_METADATA_TITLE, title);
    p->cr = cairo_create(p->sf);
    p->lay = pango_cairo_create_layout(p->cr);
    return ST_OK;
}

double pdf_text(pdf_doc *p, const char *font, const char *txt, double x, double y, double w, PangoAlignment align) {
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(p->lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->lay, w > 0 ? (int)(w * PANGO_SCALE) : -1);
    pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(p->lay, align);
    pango_layout_set_spacing(p->lay, (int)(p->spacing * PANGO_SCALE));
    pango_layout_set_text(p->lay, txt, -1);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, p->lay);
    int tw, th;
    pango_layout_get_size(p->lay, &tw, &th);
    return (double)th / PANGO_SCALE;
}

void pdf_date_zh(const char *day, char *out, size_t n) {
    int y, m, d;
    if (day && strlen(day) == 10 && sscanf(day, "%d-%d-%d", &y, &m, &d) == 3) snprintf(out, n, "%d年%d月%d日", y, m, d);
    else snprintf(out, n, "      年    月    日");
}

st pdf_close(pdf_doc *p, err *e) {
    if (!p->sf) return ST_OK;
    g_object_unref(p->lay);
    cairo_show_page(p->cr);
    cairo_destroy(p->cr);
    cairo_surface_finish(p->sf);
    cairo_status_t cs = cairo_surface_status(p->sf);
    cairo_surface_destroy(p->sf);
    p->sf = NULL, p->cr = NULL, p->lay = NULL;
    if (cs != CAIRO_STATUS_SUCCESS) return err_set(e, ST_IO, "写入 PDF 失败：%s", cairo_status_to_string(cs));
    return ST_OK;
}
