/* ledger_scope — see ledger_scope.h: a row per kind of object a route may
 * name, and the area rule of rounds. */
#include "ledger/ledger_scope.h"

#include <string.h>

const scope_resolver ledger_scope_resolvers[] = {
    /* A ledger import sits in the region of whoever imported it (ledger_area_of). */
    {"ledger_import", true, false,
     "SELECT CASE r.kind WHEN 'district' THEN r.code WHEN 'park' THEN r.parent_code END, "
     "CASE r.kind WHEN 'park' THEN r.code END, NULL, NULL, i.importer_id "
     "FROM ledger_import i LEFT JOIN region r ON r.code = i.scope_code WHERE i.id = CAST($1 AS BIGINT)"},
    /* An enterprise of a ledger round, by round and number (ledger/round_api.c). */
    {"ledger_entity", true, false,
     "SELECT district_code, park_code, NULL, NULL, NULL FROM ledger_round_entity "
     "WHERE round_id = CAST($1 AS BIGINT) AND entity_no = CAST($2 AS BIGINT)", 2},
    /* A round as a whole (ledger/round_api.c): city-wide, each area office sees its part. */
    {"ledger_round", true, false, "SELECT NULL, NULL, NULL, NULL, NULL FROM ledger_round WHERE id = CAST($1 AS BIGINT)",
     0, false, true, NULL, "轮次"},
    /* A source record inside a round (review pairs, explain): where the
     * round's enterprise holding it lies. */
    {"ledger_round_record", true, false,
     "SELECT e.district_code, e.park_code, NULL, NULL, NULL FROM ledger_round_member m "
     "JOIN ledger_round_entity e ON e.round_id = m.round_id AND e.entity_no = m.entity_no "
     "WHERE m.round_id = CAST($1 AS BIGINT) AND m.record_id = CAST($2 AS BIGINT)", 2},
    /* A source record on its own (a review decision is kept across rounds):
     * where the latest round put it, else the district its row names, else
     * the area of the office that imported it. */
    {"ledger_record", true, false,
     "SELECT COALESCE((SELECT e.district_code FROM ledger_round_member m JOIN ledger_round_entity e "
     "ON e.round_id = m.round_id AND e.entity_no = m.entity_no WHERE m.record_id = c.id ORDER BY m.round_id DESC LIMIT 1), "
     "c.district_code, CASE g.kind WHEN 'district' THEN g.code WHEN 'park' THEN g.parent_code END), "
     "COALESCE((SELECT e.park_code FROM ledger_round_member m JOIN ledger_round_entity e "
     "ON e.round_id = m.round_id AND e.entity_no = m.entity_no WHERE m.record_id = c.id ORDER BY m.round_id DESC LIMIT 1), "
     "CASE g.kind WHEN 'park' THEN g.code END), NULL, NULL, NULL FROM ledger_record c "
     "JOIN ledger_import i ON i.id = c.import_id LEFT JOIN region g ON g.code = i.scope_code "
     "WHERE c.id = CAST($1 AS BIGINT)"},
    {NULL, false, false, NULL},
};

st ledger_area(const uc *c, const char *want, const char **area, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    *area = NULL;
    if (!strcmp(k, "city")) {
        *area = want;
        return ST_OK;
    }
    if (!strcmp(k, "district") || !strcmp(k, "park")) {
        *area = code;
        return ST_OK;
    }
    return err_set(e, ST_FORBIDDEN, "台账轮次只对市、区、园区开放。");
}

const char *ledger_area_of(const uc *c) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    return !strcmp(k, "district") || !strcmp(k, "park") ? code : NULL;
}

bool ledger_area_has(const char *area, const char *district_code, const char *park_code) {
    return !area || (district_code && !strcmp(district_code, area)) || (park_code && !strcmp(park_code, area));
}
