/* fuzz_json — request bodies: strict JSON object parsing and the typed getters
 * every handler uses. */
#include <stddef.h>
#include <stdint.h>

#include "core/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *j = NULL;
    err e;
    if (jsonx_parse_object((const char *)data, size, &j, &e) == ST_OK) {
        static const char *const only[] = {"username", "password", "otp", "page", NULL};
        jsonx_only(j, only, &e);
        const char *s;
        int64_t n;
        bool b;
        jsonx_str(j, "username", true, 1, 64, &s, &e);
        jsonx_str(j, "password", false, 0, 1024, &s, &e);
        jsonx_int(j, "page", false, 1, 1000000, 1, &n, &e);
        jsonx_bool(j, "otp", false, false, &b, &e);
        json_decref(j);
    }
    return 0;
}
