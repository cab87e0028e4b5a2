/* bulletin_render_int — what the bulletin's three renderers share (bulletin_render.c: the
 * columns, the cells and the document's texts, HTML and xlsx; bulletin_pdf.c: PDF), so that
 * what a district reads on paper is what it sees on screen and in the spreadsheet. */
#ifndef EJIA_BULLETIN_RENDER_INT_H
#define EJIA_BULLETIN_RENDER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "bulletin/bulletin.h"

/* the coverage table's columns */
typedef enum { BC_TEXT, BC_INT, BC_RATE, BC_CHANGE } bulletin_ctype;
typedef enum { BF_RANK, BF_NAME, BF_ENTERPRISES, BF_COVERED, BF_RATE, BF_CHANGE, BF_WORK_RATE, BF_NEW, BF_UPGRADES, BF_FINDINGS } bulletin_field;
typedef struct bulletin_col {
    const char *head;
    bulletin_field field;
    bulletin_ctype type;
    double xlsx_width, pdf_width;
} bulletin_col;
extern const bulletin_col bulletin_cols[];
extern const size_t bulletin_ncols;
#define BULLETIN_NCOLS bulletin_ncols

/* organizational life: two tables (the districts and the city; the red organizations) */
typedef enum { BULLETIN_LIFE_TEXT, BULLETIN_LIFE_INT, BULLETIN_LIFE_RATE, BULLETIN_LIFE_NONE } bulletin_life_ctype;
typedef struct bulletin_life_col {
    const char *head;
    bool num;
    double xlsx_width, pdf_width;
} bulletin_life_col;
extern const bulletin_life_col bulletin_life_dist_cols[], bulletin_life_red_cols[];
extern const size_t bulletin_life_ndist, bulletin_life_nred;
#define BULLETIN_LIFE_NDIST bulletin_life_ndist
#define BULLETIN_LIFE_NRED bulletin_life_nred

extern const char *const bulletin_chart_title;

bulletin_life_ctype bulletin_life_dist_cell(const bulletin_life *L, size_t i, size_t c, char *out, size_t n, double *num);
bulletin_life_ctype bulletin_life_red_cell(const bulletin_life *L, size_t i, size_t c, char *out, size_t n, double *num);
void bulletin_life_title(const bulletin_doc *d, char *out, size_t n);
void bulletin_life_note(const bulletin_doc *d, char *out, size_t n);
void bulletin_life_red_title(const bulletin_life *L, char *out, size_t n);
void bulletin_cc_text(const bulletin_doc *d, char *out, size_t n);
void bulletin_cell(const bulletin_line *l, size_t c, bool city, char *out, size_t n);
void bulletin_issued_text(const bulletin_doc *d, char *out, size_t n);
const bulletin_line *bulletin_line_at(const bulletin_doc *d, size_t i);
void bulletin_masthead(const bulletin_doc *d, char *out, size_t n);
size_t bulletin_nnotes(const bulletin_doc *d);
void bulletin_number_text(const bulletin_doc *d, char *out, size_t n);
void bulletin_subtitle(const bulletin_doc *d, char *out, size_t n);
void bulletin_title(const bulletin_doc *d, char *out, size_t n);

#endif
