/* record_store — a source record's personal data (see record.h): revealed
 * in full, audited; sealed when an older version stored it in clear. */
#include "ledger/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "ledger/pii.h"
#include "ledger/table.h"

st ledger_record_store_reveal(uc *c, int64_t id, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL;
    st s = crypt_init(c->d, e);
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT c.id AS record_id, i.source, c.sheet_row, c.contact, c.phone, c.cells_sealed, i.columns "
                          "FROM ledger_record c JOIN ledger_import i ON i.id = c.import_id WHERE c.id = $1",
                          e, "i", id);
    if (s) return s;
    json_t *o = json_array_get(rows, 0);
    if (!o) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的台账记录。", (long long)id);
    }
    char *contact = NULL, *phone = NULL;
    json_t *cells = NULL, *columns = json_loads(json_string_value(json_object_get(o, "columns")), 0, NULL);
    s = ledger_pii_open("ledger_record.contact", json_string_value(json_object_get(o, "contact")), &contact, e);
    if (!s) s = ledger_pii_open("ledger_record.phone", json_string_value(json_object_get(o, "phone")), &phone, e);
    if (!s) s = ledger_pii_open_cells(json_string_value(json_object_get(o, "cells_sealed")), &cells, e);
    if (!s) {
        json_t *list = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(cells, k, v) {
            int col = atoi(k);
            char letters[8];
            ledger_col_letters(col, letters);
            json_t *h = json_object_get(json_array_get(columns, (size_t)col), "header");
            json_array_append_new(list, json_pack("{s:s,s:O?,s:O}", "column", letters, "header", h, "value", v));
        }
        *out = json_pack("{s:O,s:O,s:O,s:s?,s:s?,s:o}", "record_id", json_object_get(o, "record_id"), "source",
                         json_object_get(o, "source"), "sheet_row", json_object_get(o, "sheet_row"), "contact", contact,
                         "phone", phone, "cells", list);
        if (!*out) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    if (!s) {
        uc_act a = {"ledger.reveal", uc_obj(c, "ledger_record", id), "查看台账记录的完整联系人、电话和证件号"};
        s = uc_audit(c, &a, e);
    }
    if (s) {
        json_decref(*out);
        *out = NULL;
    }
    free(contact);
    free(phone);
    json_decref(cells);
    json_decref(columns);
    json_decref(rows);
    return s;
}

/* One record of an older version: its contact, phone and cells sealed the
 * way an import seals them now (columns: the import's column list). */
static st record_upgrade_one(db *d, json_t *o, const json_t *columns, err *e) {
    const char *contact = json_string_value(json_object_get(o, "contact"));
    const char *phone = json_string_value(json_object_get(o, "phone"));
    json_t *cells = json_loads(json_string_value(json_object_get(o, "cells")), 0, NULL);
    size_t n = json_array_size(cells);
    /* a one-row table shaped like the import: headers and fields from its column list */
    ledger_table t;
    ledger_row r;
    memset(&t, 0, sizeof t);
    memset(&r, 0, sizeof r);
    const char **hdr = calloc(n ? n : 1, sizeof *hdr), **cv = calloc(n ? n : 1, sizeof *cv);
    ledger_field *fld = calloc(n ? n : 1, sizeof *fld);
    ledger_pii_kind *kinds = calloc(n ? n : 1, sizeof *kinds);
    st s = ST_OK;
    if (!hdr || !cv || !fld || !kinds) s = err_set(e, ST_NOMEM, "内存不足。");
    for (size_t c = 0; !s && c < n; c++) {
        json_t *col = json_array_get(columns, c);
        hdr[c] = json_string_value(json_object_get(col, "header"));
        fld[c] = ledger_field_by_name(json_string_value(json_object_get(col, "field")));
        cv[c] = json_string_value(json_array_get(cells, c));
        if (!cv[c]) cv[c] = "";
    }
    t.ncols = (int)n;
    t.headers = hdr;
    t.col_field = fld;
    t.nrows = 1;
    t.rows = &r;
    r.cells = cv;
    /* stored contact and phone may already be sealed by a half-finished upgrade: open them */
    char *pc = NULL, *pp = NULL;
    if (!s) s = ledger_pii_open("ledger_record.contact", contact, &pc, e);
    if (!s) s = ledger_pii_open("ledger_record.phone", phone, &pp, e);
    r.val[LF_CONTACT] = pc;
    r.val[LF_PHONE] = pp;
    ledger_pii_row p;
    memset(&p, 0, sizeof p);
    if (!s) {
        ledger_pii_columns(&t, kinds);
        s = ledger_pii_row_seal(&t, kinds, &r, &p, e);
    }
    if (!s)
        s = db_run(d, "UPDATE ledger_record SET contact = $1, phone = $2, contact_masked = $3, phone_masked = $4, "
                      "cells = $5, cells_sealed = $6, pii = 1 WHERE id = $7",
                   e, "tttttti", p.contact_sealed, p.phone_sealed, p.contact_sealed ? p.contact_masked : NULL,
                   p.phone_sealed ? p.phone_masked : NULL, p.cells_masked, p.cells_sealed,
                   (int64_t)json_integer_value(json_object_get(o, "id")));
    ledger_pii_row_free(&p);
    free(pc);
    free(pp);
    free(hdr);
    free(cv);
    free(fld);
    free(kinds);
    json_decref(cells);
    return s;
}

st ledger_record_pii_upgrade(db *d, int64_t *done, err *e) {
    *done = 0;
    int64_t left = 0;
    st s = db_query_int(d, &left, "SELECT COUNT(*) FROM ledger_record WHERE pii = 0", e, "");
    if (s || !left) return s;
    if ((s = crypt_init(d, e))) return s;
    for (;;) {
        json_t *rows = NULL;
        s = db_query_json(d, &rows,
                          "SELECT c.id, c.contact, c.phone, c.cells, i.columns FROM ledger_record c "
                          "JOIN ledger_import i ON i.id = c.import_id WHERE c.pii = 0 ORDER BY c.id LIMIT 2000",
                          e, "");
        if (s) return s;
        size_t n = json_array_size(rows);
        if (!n) {
            json_decref(rows);
            return ST_OK;
        }
        if ((s = db_begin(d, e))) {
            json_decref(rows);
            return s;
        }
        size_t i;
        json_t *o;
        json_array_foreach(rows, i, o) {
            json_t *columns = json_loads(json_string_value(json_object_get(o, "columns")), 0, NULL);
            s = record_upgrade_one(d, o, columns, e);
            json_decref(columns);
            if (s) break;
        }
        if (!s) s = db_commit(d, e);
        else db_rollback(d);
        json_decref(rows);
        if (s) return s;
        *done += (int64_t)n;
    }
}
