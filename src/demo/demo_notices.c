/* demo_notices — a few notices (通知公告) in the demo city, published through
 * the same use cases as an office's or a secretary's (notice_store): one from
 * the city to every member, one from 思明区 to its members, and one from the
 * city to a branch, so the lists, receipts and the bell have something to show. */
#include <string.h>

#include "demo/demo.h"
#include "notice/notice_store.h"

st demo_notices_fill(demo_ctx *c, err *e) {
    int64_t id = 0, branch = 0;
    notice_new city = {.title = "关于深入开展“百日攻坚行动”的通知",
                       .body = "全市各级党组织：\n为推动互联网企业党建工作全覆盖，市委组织部决定在全市开展“百日攻坚行动”。"
                               "请各区、各园区和各党组织对照任务清单，按期完成摸底、组建和提升工作。\n\n市委组织部"};
    st s = notice_store_create(&c->use, &city, &id, e);
    /* the district office of 思明区 writes to its area */
    if (!s) {
        uc d = c->use;
        d.who.scope_kind = "district";
        d.who.scope_code = "350203";
        notice_new dist = {.title = "思明区关于按时收缴党费的通知",
                           .body = "各党组织：\n请于本月底前完成本季度党费收缴，并在系统中登记。\n\n思明区委组织部"};
        s = notice_store_create(&d, &dist, &id, e);
    }
    if (!s) s = db_query_int(c->d, &branch, "SELECT MIN(id) FROM org WHERE kind = '党支部' AND dissolved_on IS NULL", e, "");
    if (!s && branch) {
        notice_new b = {.title = "关于召开组织生活会的通知", .org_id = branch,
                        .body = "全体党员：\n支部定于下周召开年度组织生活会，请提前准备个人对照检查材料。"};
        s = notice_store_create(&c->use, &b, &id, e);
    }
    return s;
}
