/* pii — see pii.h.  Recognition is by header first (the office said what the
 * column holds), then by content (most non-empty values are valid IDs or
 * phones), then cell by cell in columns that map to no field, so an ID
 * number typed into a 备注 column is caught too. */
#include "ledger/pii.h"
#include "base/ids.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypt.h"
#include "base/mask.h"
#include "ledger/read_int.h"

const char *ledger_pii_kind_name(ledger_pii_kind k) {
    switch (k) {
    case PII_NAME: return "name";
    case PII_PHONE: return "phone";
    case PII_IDCARD: return "idcard";
    default: return NULL;
    }
}

/* Header key words, most specific first: 法人身份证号 is an ID, 联系人电话 a phone. */
static const struct { const char *word; ledger_pii_kind kind; } PII_WORDS[] = {
    {"身份证", PII_IDCARD}, {"公民身份号码", PII_IDCARD}, {"身份号码", PII_IDCARD}, {"证件号", PII_IDCARD},
    {"电话", PII_PHONE}, {"手机", PII_PHONE}, {"联系方式", PII_PHONE}, {"TEL", PII_PHONE}, {"MOBILE", PII_PHONE},
    {"PHONE", PII_PHONE},
    {"联系人", PII_NAME}, {"负责人", PII_NAME}, {"法定代表人", PII_NAME}, {"法人代表", PII_NAME}, {"姓名", PII_NAME},
    {"经办人", PII_NAME}, {"填报人", PII_NAME}, {"出资人", PII_NAME},
};

static ledger_pii_kind pii_by_header(const char *h) {
    if (!h || !*h) return PII_NONE;
    char norm[256];
    ledger_field_norm(h, strlen(h), norm, sizeof norm);
    for (size_t i = 0; i < sizeof PII_WORDS / sizeof PII_WORDS[0]; i++)
        if (strstr(norm, PII_WORDS[i].word)) return PII_WORDS[i].kind;
    return PII_NONE;
}

/* v without surrounding ASCII spaces, upper-cased (a lower-case x), into dst. */
static size_t pii_trim(const char *v, char *dst, size_t cap) {
    size_t n = 0;
    if (!v) return 0;
    while (*v == ' ' || *v == '\t') v++;
    for (; *v && n + 1 < cap; v++) dst[n++] = (char)toupper((unsigned char)*v);
    while (n && (dst[n - 1] == ' ' || dst[n - 1] == '\t')) n--;
    dst[n] = 0;
    return n;
}

static bool pii_is_idcard(const char *v) {
    char b[64];
    size_t n = pii_trim(v, b, sizeof b);
    return n == 18 && ids_idcard_check(b, n);
}

/* A mobile, or a landline with its area code (a bare 7–8 digit number could
 * be any figure, so content alone does not call it a phone). */
static bool pii_is_phone(const char *v, bool landline) {
    char b[64], out[32];
    size_t n = pii_trim(v, b, sizeof b);
    if (!n) return false;
    ids_phone_kind k = ids_phone_check(b, n, out);
    return k == IDS_PHONE_MOBILE || (landline && k == IDS_PHONE_LANDLINE && strchr(out, '-'));
}

/* A run of digits inside text that is a mobile (11 from 1[3-9]) or an ID (17 + check). */
static bool pii_has_run(const char *v, ledger_pii_kind *kind) {
    for (const char *p = v; p && *p;) {
        if (!isdigit((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *s = p;
        while (isdigit((unsigned char)*p)) p++;
        size_t n = (size_t)(p - s);
        if (n == 17 && (*p == 'X' || *p == 'x') && !isalnum((unsigned char)p[1])) n = 18;
        if (n == 18 && ids_idcard_check(s, 18)) {
            *kind = PII_IDCARD;
            return true;
        }
        if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9') {
            *kind = PII_PHONE;
            return true;
        }
    }
    return false;
}

void ledger_pii_columns(const ledger_table *t, ledger_pii_kind *kinds) {
    for (int c = 0; c < t->ncols; c++) {
        ledger_field f = t->col_field ? t->col_field[c] : LF_NONE;
        if (f == LF_CONTACT) kinds[c] = PII_NAME;
        else if (f == LF_PHONE) kinds[c] = PII_PHONE;
        else if (f != LF_NONE) kinds[c] = PII_NONE;   /* an enterprise's own data */
        else kinds[c] = pii_by_header(t->headers ? t->headers[c] : NULL);
        if (kinds[c] != PII_NONE || f != LF_NONE) continue;
        /* by content: most of the column's values */
        int filled = 0, ids = 0, phones = 0;
        for (int i = 0; i < t->nrows; i++) {
            const char *v = t->rows[i].cells ? t->rows[i].cells[c] : NULL;
            if (!v || !*v) continue;
            filled++;
            if (pii_is_idcard(v)) ids++;
            else if (pii_is_phone(v, true)) phones++;
        }
        if (filled && ids * 2 > filled) kinds[c] = PII_IDCARD;
        else if (filled && phones * 2 > filled) kinds[c] = PII_PHONE;
    }
}

ledger_pii_kind ledger_pii_cell(ledger_pii_kind k, ledger_field f, const char *v) {
    if (!v || !*v) return PII_NONE;
    if (k != PII_NONE) return k;
    if (f != LF_NONE) return PII_NONE;
    if (pii_is_idcard(v)) return PII_IDCARD;
    if (pii_is_phone(v, false)) return PII_PHONE;
    ledger_pii_kind run;
    return pii_has_run(v, &run) ? run : PII_NONE;
}

/* Bytes of the UTF-8 character starting at p. */
static size_t pii_u8len(const char *p) {
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (!p[i]) return i;
    return n;
}

/* Keep the first character of a name, a star for each of the others (王*, 欧阳**). */
static void pii_mask_name(const char *v, char *out, size_t n) {
    size_t k = 0, first = pii_u8len(v);
    if (first + 1 > n) first = 0;
    memcpy(out, v, first);
    k = first;
    for (const char *p = v + first; *p && k + 1 < n; p += pii_u8len(p)) out[k++] = '*';
    out[k] = 0;
}

/* Free text: every run of 7 or more digits (X as an ID's last) keeps its
 * first 3 (an ID's first 4, a local number's first 2) and last 4 (2);
 * everything else as it is. */
static void pii_mask_runs(const char *v, char *out, size_t n) {
    size_t k = 0;
    const char *p = v;
    while (*p && k + 1 < n) {
        const char *s = p;
        while (isdigit((unsigned char)*p) || ((*p == 'X' || *p == 'x') && p > s)) p++;
        size_t len = (size_t)(p - s);
        if (len == 0) {
            size_t c = pii_u8len(p);
            if (k + c + 1 > n) break;
            memcpy(out + k, p, c);
            k += c;
            p += c;
            continue;
        }
        size_t head = len >= 15 ? 4 : len >= 11 ? 3 : 2, tail = len >= 11 ? 4 : 2;   /* a local 7–8 digit number: 55***01 */
        for (size_t i = 0; i < len && k + 1 < n; i++)
            out[k++] = (len < 7 || i < head || i >= len - tail) ? s[i] : '*';
    }
    out[k] = 0;
}

void ledger_pii_mask(ledger_pii_kind k, const char *v, char *out, size_t n) {
    if (!n) return;
    out[0] = 0;
    if (!v || !*v) return;
    char b[64];
    size_t len = pii_trim(v, b, sizeof b);
    if (k == PII_NAME) {
        ledger_pii_kind run;
        if (pii_has_run(v, &run)) pii_mask_runs(v, out, n);   /* "王伟 13900001001" */
        else pii_mask_name(len ? v + strspn(v, " \t") : v, out, n);
    } else if (k == PII_IDCARD && len == 18 && ids_idcard_check(b, len)) {
        mask_idcard(b, out, n);
    } else if (k == PII_PHONE && ids_phone_check(b, len, NULL) != IDS_PHONE_BAD && !strpbrk(b, " /")) {
        mask_phone(b, out, n);
    } else {
        pii_mask_runs(v, out, n);
    }
}

void ledger_pii_row_free(ledger_pii_row *p) {
    free(p->contact_sealed);
    free(p->phone_sealed);
    free(p->cells_masked);
    free(p->cells_sealed);
    memset(p, 0, sizeof *p);
}

st ledger_pii_row_seal(const ledger_table *t, const ledger_pii_kind *kinds, const ledger_row *r, ledger_pii_row *out,
                       err *e) {
    memset(out, 0, sizeof *out);
    st s = ST_OK;
    const char *contact = r->val[LF_CONTACT], *phone = r->val[LF_PHONE];
    if (contact && *contact) {
        ledger_pii_mask(PII_NAME, contact, out->contact_masked, sizeof out->contact_masked);
        s = crypt_seal("ledger_record.contact", contact, &out->contact_sealed, e);
    }
    if (!s && phone && *phone) {
        ledger_pii_mask(PII_PHONE, phone, out->phone_masked, sizeof out->phone_masked);
        s = crypt_seal("ledger_record.phone", phone, &out->phone_sealed, e);
    }
    json_t *cells = json_array(), *secret = json_object();
    for (int c = 0; !s && c < t->ncols; c++) {
        const char *v = r->cells && r->cells[c] ? r->cells[c] : "";
        ledger_pii_kind k = ledger_pii_cell(kinds[c], t->col_field ? t->col_field[c] : LF_NONE, v);
        if (k == PII_NONE) {
            json_t *js = json_string(v);
            json_array_append_new(cells, js ? js : json_string(""));
            continue;
        }
        char m[256], key[16];
        ledger_pii_mask(k, v, m, sizeof m);
        json_t *js = json_string(m);
        json_array_append_new(cells, js ? js : json_string(""));
        snprintf(key, sizeof key, "%d", c);
        js = json_string(v);
        if (js) json_object_set_new(secret, key, js);
    }
    if (!s) {
        out->cells_masked = json_dumps(cells, JSON_COMPACT);
        if (!out->cells_masked) s = err_set(e, ST_NOMEM, "内存不足。");
    }
    if (!s && json_object_size(secret)) {
        char *plain = json_dumps(secret, JSON_COMPACT);
        if (!plain) s = err_set(e, ST_NOMEM, "内存不足。");
        else s = crypt_seal("ledger_record.cells", plain, &out->cells_sealed, e);
        if (plain) { /* the plain text of personal cells does not linger in freed memory */
            memset(plain, 0, strlen(plain));
            free(plain);
        }
    }
    json_decref(cells);
    json_decref(secret);
    if (s) ledger_pii_row_free(out);
    return s;
}

st ledger_pii_open(const char *column, const char *stored, char **out, err *e) {
    *out = NULL;
    if (!stored) return ST_OK;
    if (strncmp(stored, "v1.", 3) != 0) {   /* written before encryption (upgraded at start-up) */
        *out = strdup(stored);
        return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    }
    return crypt_open(column, stored, out, e);
}

st ledger_pii_open_cells(const char *sealed, json_t **out, err *e) {
    *out = NULL;
    if (!sealed) {
        *out = json_object();
        return ST_OK;
    }
    char *plain = NULL;
    st s = crypt_open("ledger_record.cells", sealed, &plain, e);
    if (s) return s;
    json_error_t je;
    *out = json_loads(plain, 0, &je);
    memset(plain, 0, strlen(plain));
    free(plain);
    if (!*out || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set(e, ST_INTERNAL, "台账记录的加密字段内容损坏，无法显示。");
    }
    return ST_OK;
}
