/* demo_points — the points ledger (积分, issue 18) over the demo: the demo
 * member 林晓 claims an award (left pending for the secretary) and a 党员示范岗
 * title (approved, with evidence), and the engine runs over the whole activity
 * log the other steps wrote, so every demo point is a line naming the meeting,
 * the dues payment, the study record or the claim that earned it.  Through the
 * same use cases as the office's (points_store). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "core/day.h"
#include "demo/demo.h"
#include "points/points_store.h"

/* A one-page PDF standing in for a certificate's scan. */
static const char dp_pdf[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj\n"
    "4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    "5 0 obj<</Length 58>>stream\nBT /F1 24 Tf 72 760 Td (Certificate of honour) Tj ET\nendstream endobj\n"
    "trailer<</Root 1 0 R/Size 6>>\n%%EOF\n";

static st dp_claim(demo_ctx *c, int64_t person, const char *code, const char *day, const char *title, int64_t *id, err *e) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/ejia-demo-points-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return err_set(e, ST_IO, "无法写临时文件。");
    ssize_t w = write(fd, dp_pdf, sizeof dp_pdf - 1);
    close(fd);
    st s = w == (ssize_t)(sizeof dp_pdf - 1) ? ST_OK : err_set(e, ST_IO, "无法写临时文件。");
    points_claim_new n = {.subject = "member", .subject_id = person, .code = code, .day = day, .title = title,
                          .evidence_path = path, .evidence_name = "证书扫描件.pdf"};
    if (!s) s = points_store_claim_submit(&c->use, &n, false, id, e);
    unlink(path);
    return s;
}

st demo_points_fill(demo_ctx *c, err *e) {
    int64_t person = 0;
    st s = db_query_int(c->d, &person, "SELECT p.id FROM person p JOIN users u ON u.id = p.user_id WHERE u.username = 'member'", e, "");
    if (s == ST_NOT_FOUND) s = ST_OK;
    char today[11], earlier[11], later[11];
    clock_day(clock_now(), today);
    day_add(today, -40, earlier);
    day_add(today, -12, later);
    int64_t title = 0, award = 0;
    if (!s && person) s = dp_claim(c, person, "claim.title", earlier, "获评本公司“党员示范岗”", &title, e);
    if (!s && title) s = points_store_claim_decide(&c->use, title, true, "示范岗命名文件已核对", e);
    if (!s && person) s = dp_claim(c, person, "claim.award", later, "获评软件园“优秀共产党员”", &award, e);
    int64_t lines = 0, claims = 0;
    if (!s) s = points_store_run(&c->use, &lines, &claims, e);
    return s;
}
