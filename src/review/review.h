/* review — content pre-review (内容预审, issue 19), the pure rules.
 *
 * An enterprise's review group (registry members of the organizations
 * covering it, one of them the lead) reviews the items the enterprise submits
 * (a game or its version, an article, an app release, other) against a
 * checklist (the city's default or the enterprise's own; each edit a new
 * version, so a decided item keeps the version it was reviewed against).
 *
 * An item's states:  submitted (待分配) —assign→ reviewing (审核中)
 * —decide→ decided (已决定: 通过 / 修改后通过 / 不通过); submitted or reviewing
 * —withdraw→ withdrawn (已撤回).  Files may be added and reviewers assigned
 * until it is decided; findings are recorded while it is reviewing.  A
 * decision other than 通过 names its reasons (checklist entries); 通过 names
 * none.  Open past its deadline: overdue (逾期).
 *
 * No SQL, no HTTP; review_store.h has the use cases. */
#ifndef EJIA_REVIEW_REVIEW_H
#define EJIA_REVIEW_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include "core/err.h"

/* game, article, app, other */
bool review_kind_ok(const char *kind);
const char *review_kind_label(const char *kind);   /* 游戏/版本, 文章, 应用发布, 其他 */
/* political, historical, map, violence, gambling, minors, privacy, other */
bool review_category_ok(const char *cat);
const char *review_category_label(const char *cat);
extern const char *const review_categories[];      /* NULL-terminated, in the order shown */
/* submitted, reviewing, decided, withdrawn */
const char *review_state_label(const char *state);
/* pass, pass_changes, reject */
bool review_decision_ok(const char *d);
const char *review_decision_label(const char *d);  /* 通过, 修改后通过, 不通过 */

/* The state action (assign, upload, findings, decide, withdraw) leads to from
 * state; NULL when not allowed. */
const char *review_next(const char *state, const char *action);
/* Why not, in Chinese, into e (ST_CONFLICT). */
st review_refuse(const char *state, const char *action, err *e);

/* A decision's reasons: 通过 takes none, the others at least one. */
st review_reasons_check(const char *decision, size_t nreasons, err *e);

/* Open (submitted or reviewing) and its deadline before today. */
bool review_overdue(const char *state, const char *deadline, const char *today);

/* The q-quantile (0..1) of v[0..n) by nearest rank (v is sorted in place);
 * 0 when n is 0. */
double review_quantile(double *v, size_t n, double q);

#endif
