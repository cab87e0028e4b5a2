/* bulletin_pdf — one bulletin document as PDF (cairo + pango, A4 portrait): the same
 * columns, cells and texts as the HTML and the xlsx (bulletin_render_int.h). */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "base/pdf.h"
#include "bulletin/bulletin_render_int.h"

/* ---- PDF ---- */

/* A4 portrait, in points. */
typedef struct bulletin_page {
    pdf_doc d;        /* the surface, context and layout; page width, height, margin */
    double x0, tw;    /* the table's left edge and width */
    double y;         /* where the next thing goes */
} bulletin_page;

static void bulletin_text(bulletin_page *p, const char *font, const char *txt, double x, double y, double w,
                          PangoAlignment align) {
    pdf_text(&p->d, font, txt, x, y, w, align);
}

static double bulletin_text_h(bulletin_page *p) {
    int w, h;
    pango_layout_get_size(p->d.lay, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* The title in red over a red rule, and the subtitle. */
static void bulletin_pdf_head(bulletin_page *p, const char *title, const char *sub) {
    cairo_t *cr = p->d.cr;
    cairo_set_source_rgb(cr, 0.6, 0, 0);
    bulletin_text(p, "Noto Serif CJK SC Bold 14", title, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 6;
    cairo_set_source_rgb(cr, 0.6, 0, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, p->d.M, p->y);
    cairo_line_to(cr, p->d.W - p->d.M, p->y);
    cairo_stroke(cr);
    p->y += 6;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    bulletin_text(p, "Noto Sans CJK SC 8.5", sub, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 12;
}

enum { BULLETIN_RH = 20, BULLETIN_HH = 30 };   /* row and head heights */

/* The table: the head on a tinted band, the districts, the city line tinted, then the grid. */
static void bulletin_pdf_table(bulletin_page *p, const bulletin_doc *d) {
    cairo_t *cr = p->d.cr;
    char cell[128];
    cairo_set_source_rgb(cr, 0.95, 0.87, 0.87);
    cairo_rectangle(cr, p->x0, p->y, p->tw, BULLETIN_HH);
    cairo_fill(cr);
    double x = p->x0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
        bulletin_text(p, "Noto Sans CJK SC Bold 8", bulletin_cols[c].head, x + 2, p->y + 3, bulletin_cols[c].pdf_width - 4,
                      PANGO_ALIGN_CENTER);
        x += bulletin_cols[c].pdf_width;
    }
    double ytop = p->y;
    p->y += BULLETIN_HH;
    for (size_t i = 0; i <= d->nrows; i++) {
        bool city = i == d->nrows;
        if (city) {
            cairo_set_source_rgb(cr, 0.96, 0.96, 0.96);
            cairo_rectangle(cr, p->x0, p->y, p->tw, BULLETIN_RH);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        x = p->x0;
        for (size_t c = 0; c < BULLETIN_NCOLS; c++) {
            bulletin_cell(bulletin_line_at(d, i), c, city, cell, sizeof cell);
            bulletin_text(p, city ? "Noto Sans CJK SC Bold 9" : "Noto Sans CJK SC 9", cell, x + 3, p->y + 3,
                          bulletin_cols[c].pdf_width - 6, bulletin_cols[c].type == BC_TEXT ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
            x += bulletin_cols[c].pdf_width;
        }
        p->y += BULLETIN_RH;
    }
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 0.5);
    for (double yy = ytop; yy <= p->y + 0.1; yy += (yy == ytop ? BULLETIN_HH : BULLETIN_RH)) {
        cairo_move_to(cr, p->x0, yy);
        cairo_line_to(cr, p->x0 + p->tw, yy);
    }
    x = p->x0;
    for (size_t c = 0; c <= BULLETIN_NCOLS; c++) {
        cairo_move_to(cr, x, ytop);
        cairo_line_to(cr, x, p->y);
        if (c < BULLETIN_NCOLS) x += bulletin_cols[c].pdf_width;
    }
    cairo_stroke(cr);
}

/* The masthead in red, the number, the office and the date over a red rule. */
static void bulletin_pdf_mast(bulletin_page *p, const bulletin_doc *d) {
    cairo_t *cr = p->d.cr;
    char mast[256], no[64], day[32];
    bulletin_masthead(d, mast, sizeof mast);
    bulletin_number_text(d, no, sizeof no);
    bulletin_doc_date(d, day);
    double w = p->d.W - 2 * p->d.M;
    cairo_set_source_rgb(cr, 0.8, 0, 0);
    bulletin_text(p, "Noto Serif CJK SC Bold 22", mast, p->d.M, p->y, w, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 4;
    cairo_set_source_rgb(cr, 0, 0, 0);
    bulletin_text(p, "Noto Sans CJK SC 10.5", no, p->d.M, p->y, w, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 8;
    bulletin_text(p, "Noto Sans CJK SC 10", d->office ? d->office : "", p->d.M, p->y, w / 2, PANGO_ALIGN_LEFT);
    bulletin_text(p, "Noto Sans CJK SC 10", day, p->d.M + w / 2, p->y, w / 2, PANGO_ALIGN_RIGHT);
    p->y += bulletin_text_h(p) + 4;
    cairo_set_source_rgb(cr, 0.8, 0, 0);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, p->d.M, p->y);
    cairo_line_to(cr, p->d.W - p->d.M, p->y);
    cairo_stroke(cr);
    p->y += 14;
}

/* The title and the subtitle (under the masthead: black, no rule). */
static void bulletin_pdf_title(bulletin_page *p, const char *title, const char *sub) {
    cairo_set_source_rgb(p->d.cr, 0, 0, 0);
    bulletin_text(p, "Noto Serif CJK SC Bold 14", title, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 4;
    cairo_set_source_rgb(p->d.cr, 0.3, 0.3, 0.3);
    bulletin_text(p, "Noto Sans CJK SC 8.5", sub, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 10;
}

/* The progress in words: a paragraph, its first line indented by two characters. */
static void bulletin_pdf_summary(bulletin_page *p, const bulletin_doc *d) {
    if (!d->summary || !*d->summary) return;
    cairo_set_source_rgb(p->d.cr, 0, 0, 0);
    pango_layout_set_indent(p->d.lay, 21 * PANGO_SCALE);
    pango_layout_set_spacing(p->d.lay, 4 * PANGO_SCALE);
    bulletin_text(p, "Noto Sans CJK SC 10.5", d->summary, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_LEFT);
    p->y += bulletin_text_h(p) + 12;
    pango_layout_set_indent(p->d.lay, 0);
    pango_layout_set_spacing(p->d.lay, 0);
}

/* The chart: a bar per district in rank order, its rate and change. */
static void bulletin_pdf_chart(bulletin_page *p, const bulletin_doc *d) {
    if (!d->nrows) return;
    cairo_t *cr = p->d.cr;
    const double lh = 15, lw = 70, bw = 300;
    p->y += 14;
    cairo_set_source_rgb(cr, 0, 0, 0);
    bulletin_text(p, "Noto Sans CJK SC Bold 9.5", bulletin_chart_title, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 6;
    double x0 = (p->d.W - (lw + bw + 90)) / 2 + lw;
    for (size_t i = 0; i < d->nrows; i++) {
        const bulletin_line *l = &d->rows[i];
        double w = bw * (l->rate < 0 ? 0 : l->rate > 100 ? 100 : l->rate) / 100;
        char v[64];
        snprintf(v, sizeof v, "%.1f（%+.1f）", l->rate, l->change);
        cairo_set_source_rgb(cr, 0, 0, 0);
        bulletin_text(p, "Noto Sans CJK SC 8.5", l->name ? l->name : "", x0 - lw, p->y, lw - 6, PANGO_ALIGN_RIGHT);
        cairo_set_source_rgb(cr, 0.78, 0.09, 0.11);
        cairo_rectangle(cr, x0, p->y + 2, w, lh - 4);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        bulletin_text(p, "Noto Sans CJK SC 8", v, x0 + w + 4, p->y + 1, 90, PANGO_ALIGN_LEFT);
        p->y += lh;
    }
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x0, p->y - lh * (double)d->nrows);
    cairo_line_to(cr, x0, p->y);
    cairo_stroke(cr);
}

/* The print line at the foot of the page (a new page when there is no room): 抄送, then the office and the day it was issued. */
static void bulletin_pdf_print(bulletin_page *p, const bulletin_doc *d) {
    char cc[1024], issued[128];
    bulletin_cc_text(d, cc, sizeof cc);
    bulletin_issued_text(d, issued, sizeof issued);
    double w = p->d.W - 2 * p->d.M, h = 56, y = p->d.H - p->d.M - h;
    if (p->y + 12 > y) {
        cairo_show_page(p->d.cr);
        p->y = p->d.M;
    }
    cairo_t *cr = p->d.cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    double lines[] = {y, y + h / 2, y + h};
    for (int i = 0; i < 3; i++) {
        cairo_move_to(cr, p->d.M, lines[i]);
        cairo_line_to(cr, p->d.W - p->d.M, lines[i]);
    }
    cairo_stroke(cr);
    bulletin_text(p, "Noto Sans CJK SC 10", cc, p->d.M + 4, y + 6, w - 8, PANGO_ALIGN_LEFT);
    bulletin_text(p, "Noto Sans CJK SC 10", d->office ? d->office : "", p->d.M + 4, y + h / 2 + 6, w / 2, PANGO_ALIGN_LEFT);
    bulletin_text(p, "Noto Sans CJK SC 10", issued, p->d.M + w / 2, y + h / 2 + 6, w / 2 - 4, PANGO_ALIGN_RIGHT);
    p->y = y + h;
}

/* The height txt takes in font over width w (laid out, not drawn). */
static double bulletin_measure(bulletin_page *p, const char *font, const char *txt, double w) {
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(p->d.lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(p->d.lay, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(p->d.lay, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(p->d.lay, txt, -1);
    return bulletin_text_h(p);
}

/* The notes, going on to a new page when the page is full. */
static void bulletin_pdf_notes(bulletin_page *p, const bulletin_doc *d) {
    const char *font = "Noto Sans CJK SC 8.5";
    double w = p->d.W - 2 * p->d.M;
    p->y += 16;
    if (p->y + 30 > p->d.H - p->d.M) {
        cairo_show_page(p->d.cr);
        p->y = p->d.M;
    }
    cairo_set_source_rgb(p->d.cr, 0, 0, 0);
    bulletin_text(p, "Noto Sans CJK SC Bold 9", "说明：", p->d.M, p->y, w, PANGO_ALIGN_LEFT);
    p->y += bulletin_text_h(p) + 2;
    for (size_t i = 0; i < bulletin_nnotes(d); i++) {
        char line[600];
        snprintf(line, sizeof line, "%zu. %s", i + 1, d->notes[i]);
        if (p->y + bulletin_measure(p, font, line, w) > p->d.H - p->d.M) {
            cairo_show_page(p->d.cr);
            p->y = p->d.M;
        }
        cairo_set_source_rgb(p->d.cr, 0, 0, 0);
        bulletin_text(p, font, line, p->d.M, p->y, w, PANGO_ALIGN_LEFT);
        p->y += bulletin_text_h(p) + 2;
    }
}

/* A grid's head row at p->y (tinted). */
static void bulletin_life_pdf_head(bulletin_page *p, const bulletin_life_col *cols, size_t ncols, double x0) {
    double w = 0;
    for (size_t c = 0; c < ncols; c++) w += cols[c].pdf_width;
    cairo_set_source_rgb(p->d.cr, 0.95, 0.87, 0.87);
    cairo_rectangle(p->d.cr, x0, p->y, w, BULLETIN_HH);
    cairo_fill(p->d.cr);
    cairo_set_source_rgb(p->d.cr, 0, 0, 0);
    double x = x0;
    for (size_t c = 0; c < ncols; c++) {
        bulletin_text(p, "Noto Sans CJK SC Bold 8", cols[c].head, x + 2, p->y + 3, cols[c].pdf_width - 4, PANGO_ALIGN_CENTER);
        x += cols[c].pdf_width;
    }
    cairo_set_source_rgb(p->d.cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(p->d.cr, 0.5);
    cairo_rectangle(p->d.cr, x0, p->y, w, BULLETIN_HH);
    cairo_stroke(p->d.cr);
    p->y += BULLETIN_HH;
}

/* A table, centred, on as many pages as it takes (the head again on each). */
static void bulletin_life_pdf_table(bulletin_page *p, const bulletin_life_col *cols, size_t ncols, size_t nrows, bool city_last, const bulletin_life *L,
                         bulletin_life_ctype (*cell)(const bulletin_life *, size_t, size_t, char *, size_t, double *)) {
    double w = 0;
    for (size_t c = 0; c < ncols; c++) w += cols[c].pdf_width;
    double x0 = (p->d.W - w) / 2;
    if (p->y + BULLETIN_HH + BULLETIN_RH > p->d.H - p->d.M) {
        cairo_show_page(p->d.cr);
        p->y = p->d.M;
    }
    bulletin_life_pdf_head(p, cols, ncols, x0);
    char txt[256];
    double v;
    for (size_t i = 0; i < nrows; i++) {
        bool tot = city_last && i + 1 == nrows;
        const char *font = tot ? "Noto Sans CJK SC Bold 8.5" : "Noto Sans CJK SC 8.5";
        /* the row as high as its tallest cell (a long name wraps within its column) */
        double h = BULLETIN_RH;
        for (size_t c = 0; c < ncols; c++) {
            if (cols[c].num) continue;
            cell(L, i, c, txt, sizeof txt, &v);
            PangoFontDescription *fd = pango_font_description_from_string(font);
            pango_layout_set_font_description(p->d.lay, fd);
            pango_font_description_free(fd);
            pango_layout_set_width(p->d.lay, (int)((cols[c].pdf_width - 6) * PANGO_SCALE));
            pango_layout_set_wrap(p->d.lay, PANGO_WRAP_WORD_CHAR);
            pango_layout_set_text(p->d.lay, txt, -1);
            if (bulletin_text_h(p) + 6 > h) h = bulletin_text_h(p) + 6;
        }
        if (p->y + h > p->d.H - p->d.M) {
            cairo_show_page(p->d.cr);
            p->y = p->d.M;
            bulletin_life_pdf_head(p, cols, ncols, x0);
        }
        if (tot) {
            cairo_set_source_rgb(p->d.cr, 0.96, 0.96, 0.96);
            cairo_rectangle(p->d.cr, x0, p->y, w, h);
            cairo_fill(p->d.cr);
        }
        cairo_set_source_rgb(p->d.cr, 0, 0, 0);
        double x = x0;
        for (size_t c = 0; c < ncols; c++) {
            cell(L, i, c, txt, sizeof txt, &v);
            bulletin_text(p, font, txt, x + 3, p->y + 3, cols[c].pdf_width - 6, cols[c].num ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
            x += cols[c].pdf_width;
        }
        cairo_set_source_rgb(p->d.cr, 0.4, 0.4, 0.4);
        cairo_set_line_width(p->d.cr, 0.5);
        x = x0;
        for (size_t c = 0; c < ncols; c++) {
            cairo_rectangle(p->d.cr, x, p->y, cols[c].pdf_width, h);
            x += cols[c].pdf_width;
        }
        cairo_stroke(p->d.cr);
        p->y += h;
    }
}

/* The organizational-life section on a page of its own. */
static void bulletin_life_pdf(bulletin_page *p, const bulletin_doc *d) {
    const bulletin_life *L = d->life;
    cairo_show_page(p->d.cr);
    p->y = p->d.M;
    char t[512], note[1024];
    bulletin_life_title(d, t, sizeof t);
    bulletin_life_note(d, note, sizeof note);
    bulletin_pdf_head(p, t, note);
    bulletin_life_pdf_table(p, bulletin_life_dist_cols, BULLETIN_LIFE_NDIST, L->nrows + 1, true, L, bulletin_life_dist_cell);
    p->y += 14;
    if (p->y + 40 > p->d.H - p->d.M) {
        cairo_show_page(p->d.cr);
        p->y = p->d.M;
    }
    bulletin_life_red_title(L, t, sizeof t);
    cairo_set_source_rgb(p->d.cr, 0, 0, 0);
    bulletin_text(p, "Noto Sans CJK SC Bold 10", t, p->d.M, p->y, p->d.W - 2 * p->d.M, PANGO_ALIGN_CENTER);
    p->y += bulletin_text_h(p) + 6;
    if (L->nred) bulletin_life_pdf_table(p, bulletin_life_red_cols, BULLETIN_LIFE_NRED, L->nred, false, L, bulletin_life_red_cell);
}

st bulletin_render_pdf(const bulletin_doc *d, const char *path, err *e) {
    char t[512], sub[512];
    bulletin_title(d, t, sizeof t);
    bulletin_subtitle(d, sub, sizeof sub);
    bulletin_page p = {0};
    st s = pdf_open(&p.d, path, 595.28, 841.89, 40, t, e);
    if (s) return s;
    for (size_t c = 0; c < BULLETIN_NCOLS; c++) p.tw += bulletin_cols[c].pdf_width;
    p.x0 = (p.d.W - p.tw) / 2;
    p.y = p.d.M;
    bulletin_pdf_mast(&p, d);
    bulletin_pdf_title(&p, t, sub);
    bulletin_pdf_summary(&p, d);
    bulletin_pdf_table(&p, d);
    bulletin_pdf_chart(&p, d);
    bulletin_pdf_notes(&p, d);
    if (d->life) bulletin_life_pdf(&p, d);
    bulletin_pdf_print(&p, d);   /* at the foot of the last page */
    return pdf_close(&p.d, e);
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
