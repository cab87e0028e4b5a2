/* liaison_store — 领导挂钩联系 in the database (migration 0064; issue 23).
 * All of the module's SQL is here; every write is one audited use case
 * (base/uc.h): a link made (liaison.link), ended (liaison.unlink), a visit
 * recorded with its problems (liaison.visit), a problem closed
 * (liaison.problem.close).  Reads keep to the caller's scope by the
 * enterprise (SCOPE_COND on its district and park); a leader also reaches
 * their own links, visits and problems (the resolvers' owner). */
#ifndef EJIA_LIAISON_LIAISON_STORE_H
#define EJIA_LIAISON_LIAISON_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "auth/scope.h"
#include "base/uc.h"
#include "core/err.h"
#include "liaison/liaison.h"

typedef struct liaison_link_new {
    int64_t leader_id, enterprise_id;
    const char *title;       /* the leader's post, e.g. 区委常委、组织部部长 (NULL = none) */
    const char *from_day;    /* YYYY-MM-DD, not after today */
    const char *note;
} liaison_link_new;
/* Link a leader to an enterprise from a day (audited "liaison.link").
 * Refused: a leader who is not a city or district account (or not the
 * district's own, for a district office), an enterprise out of the register
 * (closed or merged), outside the caller's scope, or already linked to the
 * leader that day. */
st liaison_store_link(uc *c, const liaison_link_new *n, int64_t *id, err *e);
/* End a link on day (audited "liaison.unlink"): not before it began, not after today. */
st liaison_store_unlink(uc *c, int64_t link_id, const char *day, const char *note, err *e);

typedef struct liaison_problem_new {
    const char *description;   /* the problem raised */
    const char *follow_up;     /* what is to be done */
    const char *owner;         /* by whom */
    const char *due_day;       /* NULL = the visit's day + liaison-problem-due-days */
} liaison_problem_new;
typedef struct liaison_visit_new {
    const char *day;           /* not after today; the link holds that day */
    const char *met;           /* the people met (names, posts) */
    const char *summary;
    const liaison_problem_new *problems;
    size_t n;
} liaison_visit_new;
/* A visit under a link (audited "liaison.visit"): by the linked leader, or
 * the city on their behalf. */
st liaison_store_visit(uc *c, int64_t link_id, const liaison_visit_new *v, int64_t *id, err *e);
/* Close a problem (audited "liaison.problem.close"): on day (not before the
 * visit, not after today) with its result; by the leader or an office. */
st liaison_store_problem_close(uc *c, int64_t problem_id, const char *day, const char *result, err *e);

/* The leaders the caller may link: the city's and the districts' accounts
 * for the city, the district's own for a district office. */
st liaison_store_leaders(uc *c, json_t **items, err *e);

typedef struct liaison_link_filter {
    const char *day;           /* as of (NULL = today) */
    bool history;              /* every link, not only those holding on day */
    int64_t leader_id, enterprise_id;
    const char *district, *q;  /* q: part of the enterprise's or the leader's name */
} liaison_link_filter;
/* Links inside the caller's scope, with each enterprise's last visit and open problems; unpaged. */
st liaison_store_links(uc *c, const liaison_link_filter *f, json_t **items, err *e);

/* One enterprise: who is linked as of day, all links, the visits with their problems, the last visit. */
st liaison_store_enterprise(uc *c, int64_t enterprise_id, const char *day, json_t **out, err *e);
/* What the enterprise itself sees: the leaders linked today (name, title) and the last visit's day. */
st liaison_store_summary(uc *c, int64_t enterprise_id, json_t **out, err *e);
/* One visit with its problems. */
st liaison_store_visit_get(uc *c, int64_t visit_id, json_t **out, err *e);

typedef struct liaison_overdue_filter {
    const char *district, *q;  /* q: part of the enterprise's name */
    int64_t leader_id;
} liaison_overdue_filter;
/* Problems past their due day and not closed, inside the caller's scope, with days_over; unpaged. */
st liaison_store_overdue(uc *c, const liaison_overdue_filter *f, json_t **items, err *e);
/* 我的挂钩企业: the caller's links today, each enterprise's last visit by them and their open problems. */
st liaison_store_mine(uc *c, json_t **out, err *e);

/* Where its objects sit: where their enterprise is; the leader owns theirs. */
extern const scope_resolver liaison_scope_resolvers[];

#endif
