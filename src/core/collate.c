/* collate — see collate.h.  One collator for the process, opened on first use.
 * ICU's C API takes it as const UCollator * for comparisons, which ICU documents
 * as safe to share between threads once opened. */
#include "core/collate.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unicode/ucol.h>

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
