/* fuzz_codes — libFuzzer target for the value checkers: credit codes,
 * organisation codes, registration and ID numbers, phones, districts and
 * streets, header synonyms and the UTF-8 helpers, all fed the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include "core/utf8.h"
#include "base/ids.h"
#include "ledger/code.h"
#include "ledger/district.h"
#include "ledger/read_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    char want, out[64];
    int pos;
    code_uscc_check(s, size, &want, &pos);
    code_org_check(s, size, &want);
    code_is_regno(s, size);
    code_regno_check(s, size);
    ids_idcard_check(s, size);
    ids_idcard_sex(s, size);
    ids_phone_check(s, size, out);
    district_find(s, size);
    district_street_find(s, size);
    district_from_address(s, size);
    utf8_count(s, size);
    const char *p = s;
    utf8_trim(&p, size);
    if (utf8_valid(s, size)) {
        arena a;
        arena_init(&a, 1 << 20);
        utf8_nfkc(&a, s, size, NULL);
        arena_free(&a);
        ledger_field_detect(s, size);
        char h[128];
        ledger_field_norm(s, size, h, sizeof h);
    }
    return 0;
}
