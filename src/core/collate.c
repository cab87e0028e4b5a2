/* collate — see collate.h.  One collator for the process, opened on first use.
 * ICU's C API takes it as const UCollator * for comparisons, which ICU documents
 * as safe to share between threads once opened. */
#include "core/collate.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/uiter.h>
#include <stdio.h>

#include "core/log.h"

static UCollator *collate_coll;
static pthread_once_t collate_once = PTHREAD_ONCE_INIT;

static void collate_open(void) {
    UErrorCode ec = U_ZERO_ERROR;
    collate_coll = ucol_open("zh", &ec);
    if (U_FAILURE(ec)) {
        log_warn("无法打开 ICU 中文排序规则（%s），按字节顺序排序 / ICU zh collator unavailable", u_errorName(ec));
        if (collate_coll) ucol_close(collate_coll);
        collate_coll = NULL;
    }
}

static int collate_bytes(const char *a, size_t an, const char *b, size_t bn) {
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

int collate_zh(const char *a, size_t an, const char *b, size_t bn) {
    pthread_once(&collate_once, collate_open);
    if (an == (size_t)-1) an = strlen(a);
    if (bn == (size_t)-1) bn = strlen(b);
    if (collate_coll && an <= INT32_MAX && bn <= INT32_MAX) {
        UErrorCode ec = U_ZERO_ERROR;
        UCollationResult r = ucol_strcollUTF8(collate_coll, a, (int32_t)an, b, (int32_t)bn, &ec);
        if (U_SUCCESS(ec)) {
            /* equal under the collator (full- vs half-width, say): byte order decides, so the order is total */
            return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : collate_bytes(a, an, b, bn);
        }
    }
    return collate_bytes(a, an, b, bn);
}

size_t collate_zh_key(const char *s, char *out, size_t cap) {
    static const char hexd[] = "0123456789abcdef";
    pthread_once(&collate_once, collate_open);
    size_t n = s ? strlen(s) : 0, k = 0;
    if (cap < 8) return 0;
    uint8_t key[256];
    int32_t kn = 0;
    if (collate_coll && n <= INT32_MAX) {
        UCharIterator it;
        uiter_setUTF8(&it, s, (int32_t)n);
        uint32_t state[2] = {0, 0};
        UErrorCode ec = U_ZERO_ERROR;
        kn = ucol_nextSortKeyPart(collate_coll, &it, state, key, (int32_t)sizeof key, &ec);
        if (U_FAILURE(ec)) kn = 0;
        while (kn > 0 && key[kn - 1] == 0) kn--;   /* the terminator, if the part included it */
    }
    /* the sort key (no 0 bytes inside), a 0 separator, then the text's bytes: equal keys fall back to byte order */
    for (int32_t i = 0; i < kn; i++) {
        if (k + 3 > cap) return 0;
        out[k++] = hexd[key[i] >> 4];
        out[k++] = hexd[key[i] & 15];
    }
    if (k + 3 > cap) return 0;
    out[k++] = '0';
    out[k++] = '0';
    for (size_t i = 0; i < n; i++) {
        if (k + 3 > cap) return 0;
        out[k++] = hexd[(uint8_t)s[i] >> 4];
        out[k++] = hexd[(uint8_t)s[i] & 15];
    }
    out[k] = 0;
    return k;
}
