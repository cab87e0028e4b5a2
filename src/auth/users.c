/* users — the rules of accounts (no SQL): a username's form, the sealing of
 * a new account's ID number and phone, and the JSON every reply shows with
 * those masked.  See users.h; the SQL is in users_store.c. */
#include "users.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/crypt.h"
#include "base/ids.h"
#include "base/mask.h"
#include "core/config.h"

st users_username(const char *in, char out[64], err *e) {
    size_t n = in ? strlen(in) : 0;
    if (n < 2 || n > 32)
        return err_field(e, ST_INVALID, "username", "用户名应为 2–32 个字符（当前 %zu 个）。", n);
    for (size_t i = 0; i < n; i++) {
        char c = (char)tolower((unsigned char)in[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return err_field(e, ST_INVALID, "username", "用户名只能包含英文字母、数字和 . _ -（第 %zu 个字符不符合），请改用拼音或工号。", i + 1);
        out[i] = c;
    }
    out[n] = 0;
    return ST_OK;
}

/* Sealed in the use case's memory: one cleanup path for the caller. */
static st users_seal(uc *c, const char *field, const char *v, const char **out, err *e) {
    char *sealed = NULL;
    st s = crypt_seal(field, v, &sealed, e);
    if (!s && !(*out = arena_own(c->mem, sealed))) s = err_set(e, ST_NOMEM, "内存不足。");
    return s;
}

st users_seal_pii(uc *c, const users_new *u, const char **idn, const char **ph, err *e) {
    *idn = *ph = NULL;
    st s = ST_OK;
    if (u->id_number && *u->id_number) {
        char v[32];
        size_t n = strlen(u->id_number);
        if (n >= sizeof v) n = sizeof v - 1;
        for (size_t i = 0; i < n; i++) v[i] = (char)toupper((unsigned char)u->id_number[i]);
        v[n] = 0;
        if (!ids_idcard_check(v, n))
            return err_field(e, ST_INVALID, "id_number", "居民身份证号无效：应为 18 位，出生日期真实，末位校验码正确（GB 11643）。");
        s = users_seal(c, "users.id_number", v, idn, e);
        sodium_memzero(v, sizeof v);
    }
    if (!s && u->phone && *u->phone) {
        char v[40];
        if (ids_phone_check(u->phone, strlen(u->phone), v) == IDS_PHONE_BAD)
            return err_field(e, ST_INVALID, "phone", "电话号码无效：手机号应为 11 位（1 开头），座机如 0592-1234567。");
        s = users_seal(c, "users.phone", v, ph, e);
    }
    return s;
}

st users_reveal(const users_row *u, char **id_number, char **phone, err *e) {
    *id_number = *phone = NULL;
    st s = ST_OK;
    if (u->id_number_sealed) s = crypt_open("users.id_number", u->id_number_sealed, id_number, e);
    if (!s && u->phone_sealed) s = crypt_open("users.phone", u->phone_sealed, phone, e);
    if (s) {
        free(*id_number);
        *id_number = NULL;
    }
    return s;
}

json_t *users_json(const users_row *u) {
    const roles_role *role = roles_find(u->role);
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "id", (json_int_t)u->id, "username", u->username,
                          "name", u->name, "role", u->role, "role_label", role ? role->label : u->role, "scope",
                          "kind", u->scope_kind, "code", u->scope_code, "name", u->scope_name);
    char *idn = NULL, *ph = NULL;
    err e;
    char m[64];
    if (!users_reveal(u, &idn, &ph, &e)) {
        if (idn) {
            mask_idcard(idn, m, sizeof m);
            json_object_set_new(o, "id_number", json_string(m));
        }
        if (ph) {
            mask_phone(ph, m, sizeof m);
            json_object_set_new(o, "phone", json_string(m));
        }
    }
    if (idn) sodium_memzero(idn, strlen(idn));
    free(idn);
    free(ph);
    int64_t now = clock_now(), max_age = cfg_int("password-max-age-days") * 86400;
    json_object_set_new(o, "must_change_password", json_boolean(u->must_change));
    json_object_set_new(o, "password_expired", json_boolean(max_age > 0 && now - u->password_changed_at > max_age));
    json_object_set_new(o, "locked", json_boolean(u->locked_until > now));
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "totp", json_pack("{s:b,s:b}", "required", roles_totp_required(u->role), "enabled",
                                             u->totp_enabled));
    return o;
}
