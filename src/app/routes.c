/* routes — the one list of every module's route table.  A new module adds
 * its table here; dispatch, OpenAPI and the access tests all read this list. */
#include "dues/dues_report_store.h"
#include "http/http.h"
#include "meeting/meeting_store.h"
#include "member/member_store.h"
#include "study/study_progress_store.h"

extern const http_route core_routes[];
extern const http_route auth_routes[];
extern const http_route users_routes[];
extern const http_route audit_routes[];
extern const http_route ledger_import_routes[];
extern const http_route ledger_round_routes[];
extern const http_route ledger_record_routes[];
extern const http_route org_routes[];
extern const http_route coverage_routes[];
extern const http_route bulletin_routes[];
extern const http_route member_routes[];
extern const http_route roster_routes[];
extern const http_route meeting_routes[];
extern const http_route develop_routes[];
extern const http_route notice_routes[];
extern const http_route dues_routes[];
extern const http_route transfer_routes[];
extern const http_route course_routes[];   /* 课程与在线学习 (issue 16) */
extern const http_route dues_bank_routes[];
extern const http_route flow_routes[];   /* 流动党员 (issue 17) */
extern const http_route register_routes[];   /* the enterprise register between campaigns (issue 23) */
extern const http_route enterprise_page_routes[];   /* 本企业 (issue 19, app/enterprise_page.c) */
extern const http_route dues_report_routes[];
extern const http_route exam_routes[];   /* 考试 (issue 16) */
extern const http_route committee_routes[];   /* organizations' people and terms (issue 23) */
extern const http_route study_progress_routes[];   /* 学时完成情况 (issue 16) */
extern const http_route training_routes[];   /* 轮训 (issue 16) */
extern const http_route alliance_routes[];   /* 党建联盟 (issue 23) */
extern const http_route liaison_routes[];   /* 领导挂钩联系 (issue 23) */
extern const http_route review_routes[];   /* 内容预审 (issue 19) */
extern const http_route assess_routes[];   /* 责任考核 (issue 23) */
extern const http_route stars_routes[];    /* 星级评定、星级权益 (issue 18) */
extern const http_route map_routes[];   /* the city map (issue 19) */
extern const http_route points_routes[];   /* 积分 (issue 18) */
extern const http_route volunteer_routes[];   /* 志愿服务 (issue 18) */
extern const http_route center_routes[];   /* 党群服务中心 and the 10-minute circle (issue 19) */
extern const http_route test_routes[];   /* only with the test-routes setting */

const http_route *const http_route_tables[] = {
    core_routes,
    auth_routes,
    users_routes,
    audit_routes,
    ledger_import_routes,
    ledger_round_routes,
    ledger_record_routes,
    org_routes,
    coverage_routes,
    bulletin_routes,
    roster_routes,   /* before member_routes: /api/members/imports is not /api/members/{id} */
    member_routes,
    meeting_routes,
    develop_routes,
    notice_routes,
    dues_routes,
    transfer_routes,
    course_routes,
    dues_bank_routes,
    flow_routes,
    register_routes,
    enterprise_page_routes,
    map_routes,
    dues_report_routes,
    exam_routes,
    committee_routes,
    study_progress_routes,
    training_routes,
    alliance_routes,   /* 党建联盟 (issue 23) */
    liaison_routes,
    review_routes,
    assess_routes,
    stars_routes,
    points_routes,
    volunteer_routes,
    center_routes,   /* 党群服务中心 (issue 19) */
    test_routes,
    NULL,
};

/* The sections the modules that read the meetings themselves add to an organization's
 * scorecard (meeting_store.h; the meetings cannot include them: they include the meetings). */
const meeting_scorecard_section meeting_scorecard_sections[] = {
    {"dues", "dues.read", dues_report_store_scorecard},   /* issue 17: this month's and the year's collection, owing, at risk */
    {"study", "study.read", study_progress_store_scorecard},   /* issue 16: the share of members who reached their study hours */
    {NULL, NULL, NULL},
};

/* What follows a member's change of organization or state (member_store.h). */
const member_change_hook member_change_hooks[] = {
    study_progress_store_refile,   /* issue 16: the study figures move with the member */
    NULL,
};

/* The reads a streaming replica may answer (--db-read, src/http/replica.c): lists,
 * statistics and reports that are allowed to be a moment old and whose handlers
 * write nothing (their stores take no lock, make no temporary table).  A
 * caller's own writes are still seen at once (the ejia_lsn cookie); an export of
 * one of them (?format=xlsx, audited) reads the primary. */
const char *const http_replica_reads[] = {
    "/api/coverage",
    "/api/coverage/trend",
    "/api/coverage/enterprises",
    "/api/members/stats",
    "/api/dues/reports",
    "/api/study/progress",
    "/api/flows/counts",
    "/api/orgs",
    "/api/members",
    NULL,
};
