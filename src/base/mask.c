/* mask — see mask.h.  Works on bytes: IDs and phones are ASCII after
 * validation (ids_idcard_check / ids_phone_check). */
#include "mask.h"
#include "base/ids.h"

#include <string.h>

static void mask_keep(const char *v, size_t head, size_t tail, char *out, size_t n) {
    size_t len = v ? strlen(v) : 0, k = 0;
    if (n == 0) return;
    if (len < head + tail + 1) head = tail = 0;
    for (size_t i = 0; i < len && k + 1 < n; i++) out[k++] = (i < head || i >= len - tail) ? v[i] : '*';
    out[k] = 0;
}

void mask_idcard(const char *v, char *out, size_t n) {
    size_t len = v ? strlen(v) : 0;
    mask_keep(v, len >= 15 ? 4 : 3, 4, out, n);
}

void mask_phone(const char *v, char *out, size_t n) { mask_keep(v, 3, 4, out, n); }
