/* record_api — a ledger source record's personal data, in full:
 *   POST /api/ledger/records/{id}/reveal   {password} → contact, phone and the personal cells
 * Records show masked everywhere else (lineage, review, explanation; pii.h).
 * Revealing needs contact.reveal, the caller's password again, and a record
 * in the caller's area; it is audited before anything is shown. */
#include "auth/auth.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "ledger/record.h"

static st h_record_reveal(http_req *r, err *e) {
    static const char *const only[] = {"password", NULL};
    int64_t id;
    const char *pw;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "password", true, 1, 256, &pw, e);
    if (!s) s = auth_reauth(r, pw, e);
    json_t *o = NULL;
    if (!s) s = ledger_record_store_reveal(http_uc(r), id, &o, e);   /* audited before it is shown */
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:o}", "record", o));
}

const http_route ledger_record_routes[] = {
    {"POST", "/api/ledger/records/{id}/reveal", "contact.reveal", h_record_reveal, HB_JSON,
     "查看台账记录的完整联系人、电话和证件号（需密码，记入审计）", "ledger", "ledger_record:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
