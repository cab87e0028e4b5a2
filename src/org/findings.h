/* findings — the formation rules over a whole scope (findings.c) and their
 * workbook (findings_xlsx.c). */
#ifndef EJIA_ORG_FINDINGS_H
#define EJIA_ORG_FINDINGS_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "db/db.h"

/* Findings as of day over the caller's scope (scope_k/c as SCOPE_COND).
 * out: {"date", "counts": {code: n}, "enterprises": [...], "orgs": [...],
 *       "joint": [{level, key, district, members, enterprises: [...]}]}.
 * max_items caps each list (0 = all). */
st org_findings(db *d, const char *day, const char *scope_k, const char *scope_c, const char *district,
                size_t max_items, json_t **out, err *e);
/* The findings (org_findings() output) as an xlsx workbook at path: 汇总, 企业,
 * 党组织, 联合组建建议.  names: region code -> name; scope: the scope's name. */
st org_findings_xlsx(const json_t *findings, const json_t *names, const char *scope, const char *path, err *e);
/* Per district: open findings and 应建未建 as of day (for the bulletin).
 * out: object district code -> {"findings": n, "should_form": n}. */
st org_findings_by_district(db *d, const char *day, json_t **out, err *e);

#endif
