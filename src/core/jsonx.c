/* jsonx — see jsonx.h. */
#include "jsonx.h"

#include <string.h>

st jsonx_parse_object(const char *body, size_t len, json_t **out, err *e) {
    json_error_t je;
    *out = NULL;
    if (!body || len == 0) return err_set(e, ST_INVALID, "请求体为空：应为 JSON 对象。");
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return err_set(e, ST_INVALID, "请求体不是合法的 JSON（第 %d 行第 %d 列：%s）。", je.line,
                       je.column, je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return err_set(e, ST_INVALID, "请求体应为 JSON 对象。");
    }
    *out = j;
    return ST_OK;
}

st jsonx_only(const json_t *obj, const char *const *allowed, err *e) {
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        (void)v;
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0) ok = true;
        if (!ok) return err_field(e, ST_INVALID, k, "不认识的字段“%s”，请删去。", k);
    }
    return ST_OK;
}

static size_t jsonx_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

st jsonx_str(const json_t *obj, const char *key, bool required, size_t min_chars,
             size_t max_chars, const char **out, err *e) {
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) return err_field(e, ST_INVALID, key, "缺少必填字段“%s”。", key);
        return ST_OK;
    }
    if (!json_is_string(v)) return err_field(e, ST_INVALID, key, "字段“%s”应为字符串。", key);
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return err_field(e, ST_INVALID, key, "字段“%s”含有空字符。", key);
    size_t n = jsonx_chars(s);
    if (n < min_chars || n > max_chars)
        return err_field(e, ST_INVALID, key, "字段“%s”长度应为 %zu–%zu 个字符（现为 %zu）。", key,
                         min_chars, max_chars, n);
    *out = s;
    return ST_OK;
}

st jsonx_int(const json_t *obj, const char *key, bool required, int64_t min, int64_t max,
             int64_t def, int64_t *out, err *e) {
    *out = def;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) return err_field(e, ST_INVALID, key, "缺少必填字段“%s”。", key);
        return ST_OK;
    }
    if (!json_is_integer(v)) return err_field(e, ST_INVALID, key, "字段“%s”应为整数。", key);
    int64_t x = json_integer_value(v);
    if (x < min || x > max)
        return err_field(e, ST_INVALID, key, "字段“%s”应在 %lld–%lld 之间。", key,
                         (long long)min, (long long)max);
    *out = x;
    return ST_OK;
}

st jsonx_bool(const json_t *obj, const char *key, bool required, bool def, bool *out, err *e) {
    *out = def;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required) return err_field(e, ST_INVALID, key, "缺少必填字段“%s”。", key);
        return ST_OK;
    }
    if (!json_is_boolean(v)) return err_field(e, ST_INVALID, key, "字段“%s”应为 true 或 false。", key);
    *out = json_is_true(v);
    return ST_OK;
}
