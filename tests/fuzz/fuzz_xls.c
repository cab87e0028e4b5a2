/* fuzz_xls — libFuzzer target for the legacy xls path: the OLE2 container
 * reader (ole2.c) and the BIFF record reader (read_xls.c), in process.
 * Inputs without the OLE2 signature get it put in front, so that every input
 * reaches them rather than the CSV reader. */
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include "ledger/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t OLE[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > (1 << 20)) return 0;
    uint8_t *d = malloc(size + 8);
    if (!d) return 0;
    size_t n = size;
    if (size >= 8 && memcmp(data, OLE, 8) == 0) {
        memcpy(d, data, size);
    } else {
        memcpy(d, OLE, 8);
        memcpy(d + 8, data, size);
        n += 8;
    }
    ledger_table *t = NULL;
    err e;
    if (ledger_table_read_mem("fuzz.xls", d, n, NULL, &t, &e) == ST_OK) ledger_table_free(t);
    free(d);
    return 0;
}
