/* pdf — the PDFs ejia writes (the bulletin, the dues receipt, the transfer
 * letter, the training certificate): a cairo PDF surface with one pango
 * layout for Chinese text (the Noto CJK fonts of fonts-noto-cjk, named in
 * each caller's font strings).  One owner: pdf_open makes the surface, the
 * context and the layout; pdf_close shows the last page and frees them all,
 * on success or not. */
#ifndef EJIA_BASE_PDF_H
#define EJIA_BASE_PDF_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stddef.h>

#include "core/err.h"

typedef struct pdf_doc {
    cairo_surface_t *sf;
    cairo_t *cr;
    PangoLayout *lay;
    double W, H, M;       /* page width, height and margin, in points (A4 portrait: 595.28 × 841.89) */
    double spacing;       /* extra space between a text's lines, in points (0 = the font's own) */
} pdf_doc;

/* A new PDF at path whose pages are W × H points, margin M, titled title
 * (the document's metadata); ST_IO when the file cannot be made.  On error
 * nothing is left to free. */
st pdf_open(pdf_doc *p, const char *path, double W, double H, double M, const char *title, err *e);

/* Text in font (a pango description, e.g. "Noto Sans CJK SC Bold 10") at
 * (x, y), w wide (wrapped at words or characters; w ≤ 0: one line), aligned;
 * returns its height in points.  The layout keeps the text, so a caller may
 * ask pango more about it. */
double pdf_text(pdf_doc *p, const char *font, const char *txt, double x, double y, double w, PangoAlignment align);

/* "2026年3月5日" of "2026-03-05"; blanks to fill in by hand ("      年    月    日")
 * when day is NULL or not a day. */
void pdf_date_zh(const char *day, char *out, size_t n);

/* Shows the last page, writes the file and frees everything pdf_open made;
 * ST_IO with cairo's reason when the file could not be written. */
st pdf_close(pdf_doc *p, err *e);

#endif
