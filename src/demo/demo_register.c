/* demo_register — the market regulator's registrations of September 2018, as
 * the city's office received them after the campaign (issue 23), read through
 * the same use case as an upload (register_store_feed_import): two new
 * internet enterprises founded in August, a restaurant (not proposed), one
 * enterprise of the register renamed and one closed (注销).  The proposals are
 * left for a person to accept or refuse, so no figure of the demo changes and
 * its as-of day stays the campaign's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "demo/demo.h"
#include "ledger/table.h"
#include "register/register.h"

st demo_register_fill(demo_ctx *c, err *e) {
    json_t *rows = NULL;
    /* a renamed one and a closed one: enterprises of the register with a credit code, far from the demo accounts' */
    st s = db_query_json(c->d, &rows,
                         "SELECT name, uscc, address FROM enterprise WHERE zombie = 0 AND uscc IS NOT NULL AND district_code = '350206' "
                         "AND id NOT IN (SELECT CAST(scope_code AS BIGINT) FROM users WHERE scope_kind = 'enterprise') "
                         "AND id NOT IN (SELECT enterprise_id FROM org_cover) ORDER BY id DESC LIMIT 2",
                         e, "");
    if (s) return s;
    buf csv;
    buf_init(&csv, 1 << 16);
    s = buf_printf(&csv,
                   "统一社会信用代码,企业名称,成立日期,登记状态,经营范围,住所,行业\n"
                   "91350203MA31YF018Q,厦门云帆网络科技有限公司,2018-08-06,存续,互联网信息服务；软件开发；网络技术服务,"
                   "厦门市思明区观音山商务营运中心12号楼801室,软件和信息技术服务业\n"
                   "91350206MA31YF026Y,厦门极光数据服务有限公司,2018-08-20,在业,大数据服务；数据处理和存储支持服务；信息技术咨询服务,"
                   "厦门市湖里区火炬园创新路2号302室,软件和信息技术服务业\n"
                   "92350203MA31YF034B,厦门鹭江小厨餐饮店,2018-08-28,存续,餐饮服务；食品销售,厦门市思明区中山路88号,餐饮业\n");
    for (size_t i = 0; !s && i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        const char *name = json_string_value(json_object_get(r, "name")), *uscc = json_string_value(json_object_get(r, "uscc")),
                   *addr = json_string_value(json_object_get(r, "address"));
        char renamed[512];
        /* the first renamed: its brand kept, a new legal name; the second closed (注销) */
        size_t n = strlen(name);
        const char *cut = strstr(name, "有限公司");
        snprintf(renamed, sizeof renamed, "%.*s%s", (int)(cut ? (size_t)(cut - name) : n), name, i == 0 ? "股份有限公司" : "");
        s = buf_printf(&csv, "%s,%s,2016-05-10,%s,软件开发,%s,软件和信息技术服务业\n", uscc, i == 0 ? renamed : name,
                       i == 0 ? "存续" : "注销", addr ? addr : "");
    }
    json_decref(rows);
    ledger_table *t = NULL;
    if (!s) s = register_feed_read_mem("市场监管局2018年9月企业登记.csv", csv.data, csv.len, &t, e);
    int64_t id = 0;
    if (!s) s = register_store_feed_import(&c->use, t, "2018-09-30", NULL, NULL, &id, e);
    ledger_table_free(t);
    buf_free(&csv);
    return s;
}
