/* bulletin — the 每旬通报: for one 旬, per district, enterprises of the
 * final ledger, covered, rate, change since the previous bulletin, new
 * organizations, upgrades, open findings and a ranking, with a city line
 * and notes.  A bulletin can be previewed for any 旬 (computed as of its
 * last day), and issued once a 旬 has ended: issuing keeps the figures as
 * announced, and the next bulletin's "change" is measured against them.
 *
 * Rendered as HTML (for the UI), xlsx (libxlsxwriter) and A4 PDF
 * (cairo + pango, Noto CJK) in bulletin_render.c.  The server issues the
 * bulletin of each finished 旬 by itself (bulletin_sched_*). */
#ifndef EJIA_ORG_BULLETIN_H
#define EJIA_ORG_BULLETIN_H

#include <jansson.h>
#include <stdbool.h>
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"
#include "org/org.h"

/* Compute the bulletin document for x (see bulletin.c for its fields). */
st bulletin_compute(db *d, const org_xun *x, json_t **out, err *e);
/* The issued bulletin, or a computed preview ("issued": false). */
st bulletin_get(db *d, const org_xun *x, json_t **out, err *e);
/* Issue a finished 旬 once; ST_CONFLICT when issued already. */
st bulletin_issue(db *d, const org_xun *x, const char *by, json_t **out, err *e);
/* Issued bulletins, newest first unless order (trusted ORDER BY terms over the
 * columns as q.*) says otherwise: [{period, title, issued_at, issued_by, city...}]. */
st bulletin_list(db *d, const char *year, const char *order, int64_t limit, int64_t offset, json_t **items,
                 int64_t *total, err *e);

/* Renderings of a document (bulletin_render.c). */
st bulletin_render_html(const json_t *doc, buf *out, err *e);
st bulletin_render_xlsx(const json_t *doc, const char *path, err *e);
st bulletin_render_pdf(const json_t *doc, const char *path, err *e);
/* Release the font caches pango, cairo and fontconfig keep for the process
 * (so LeakSanitizer sees a clean exit).  Only when nothing renders any more:
 * at the end of the CLI, and after the server has stopped. */
void bulletin_render_shutdown(void);

/* The server's schedule: a thread that, every bulletin-check-seconds, issues
 * each finished 旬 not issued yet (from the last issued one on, at most 36;
 * on a database with none, the last finished one).  Safe with several
 * servers (the period is unique; the loser's insert does nothing). */
st bulletin_sched_start(err *e);
void bulletin_sched_stop(void);

#endif
