/* pii — personal data in enterprise ledgers, found and made safe to store.
 *
 * Offices' ledgers carry more than enterprises: a contact person (联系人),
 * phones, and now and then a column of resident ID numbers (法人身份证号)
 * that no field maps.  ejia keeps every cell of a file (nothing is lost),
 * so these must be encrypted at rest and shown masked wherever they arrive
 * (../shared/docs/security.md, "Data").  A column is personal when its
 * header says so (身份证 / 证件号码 / 电话 / 手机 / 联系人 …) or when its
 * content does (most of its values are valid resident IDs or phones); and
 * any single cell of an unmapped column that is a valid 18-digit resident ID
 * or a mobile number is treated as personal too, whatever its header.
 *
 * What is stored for a row: the contact and phone fields sealed
 * (auth/crypt.h, associated data "ledger_record.contact" / ".phone") beside
 * masked copies for display; the raw cells with personal ones masked; and
 * the personal cells themselves sealed as one JSON object {"<column>":
 * "value"} ("ledger_record.cells").  Matching needs the real contact and
 * phone: rounds open them in memory (ledger_pii_open). */
#ifndef EJIA_LEDGER_PII_H
#define EJIA_LEDGER_PII_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "ledger/table.h"

typedef enum ledger_pii_kind { PII_NONE = 0, PII_NAME, PII_PHONE, PII_IDCARD } ledger_pii_kind;

/* "name", "phone", "idcard" or NULL for PII_NONE. */
const char *ledger_pii_kind_name(ledger_pii_kind k);

/* The personal kind of each column of t (kinds has t->ncols entries). */
void ledger_pii_columns(const ledger_table *t, ledger_pii_kind *kinds);

/* The personal kind of one cell of column kind k (mapped to field f): the
 * column's kind, or for an unmapped column, the cell's own when it is a
 * valid resident ID or a mobile number. */
ledger_pii_kind ledger_pii_cell(ledger_pii_kind k, ledger_field f, const char *v);

/* A value masked for display by its kind (out ≥ 64 bytes is always enough
 * for what ledgers hold; longer values are cut at a character boundary). */
void ledger_pii_mask(ledger_pii_kind k, const char *v, char *out, size_t n);

/* One row made safe to store.  Strings malloc'ed; free with ledger_pii_row_free. */
typedef struct ledger_pii_row {
    char *contact_sealed, *phone_sealed;   /* NULL when the row has none */
    char contact_masked[64], phone_masked[64];
    char *cells_masked;                    /* JSON array of the cells, personal ones masked */
    char *cells_sealed;                    /* sealed JSON object of the personal cells, or NULL */
} ledger_pii_row;

/* Needs the field key loaded (crypt_init).  kinds from ledger_pii_columns. */
st ledger_pii_row_seal(const ledger_table *t, const ledger_pii_kind *kinds, const ledger_row *r, ledger_pii_row *out,
                       err *e);
void ledger_pii_row_free(ledger_pii_row *p);

/* A stored contact or phone as text to work with: sealed values ("v1.…")
 * opened, anything else (rows stored before encryption) as it is.  *out
 * malloc'ed, NULL for NULL. */
st ledger_pii_open(const char *column, const char *stored, char **out, err *e);

/* The sealed personal cells of a record opened into an object {"<column>":
 * value}; an empty object for NULL.  Caller owns the result. */
st ledger_pii_open_cells(const char *sealed, json_t **out, err *e);

#endif
