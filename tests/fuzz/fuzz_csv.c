/* fuzz_csv — libFuzzer target for the CSV path of the ledger reader: encoding
 * detection (BOM, UTF-8, GB18030, UTF-16), delimiter sniffing, libcsv, header
 * detection, cleaning and the problem report.  Any input must give a table or
 * a clean error, never a crash, leak or overread. */
#include <stddef.h>
#include <stdint.h>
#include "ledger/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ledger_table *t = NULL;
    err e;
    /* A mapping half of the time (the first byte decides), to reach that path too. */
    ledger_read_opts o = {.mapping = size && (data[0] & 1) ? "码=code,地区=district,名=name" : NULL};
    if (ledger_table_read_mem("fuzz.csv", data, size, &o, &t, &e) == ST_OK) ledger_table_free(t);
    return 0;
}
