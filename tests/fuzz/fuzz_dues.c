/* fuzz_dues — libFuzzer target for the parser of an amount in 元
 * (dues_amount_parse: --base of `ejia dues calc`, the dues settings, later the
 * server's bases) and the calculation on what it accepts.  Beyond not
 * crashing, it checks what must hold: an accepted amount is within
 * 0..DUES_FEN_MAX and reads back the same once formatted; a refusal leaves 0
 * and a message whose text is valid UTF-8 (it goes into JSON); every kind's
 * amount is ≥ 0 and never more than the base at the highest rate. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/utf8.h"
#include "dues/dues.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static dues_rules rules;
    static int loaded;
    if (!loaded) {   /* the default settings */
        err e;
        if (dues_rules_load(&rules, &e)) abort();
        loaded = 1;
    }
    const char *s = (const char *)data;
    int64_t fen = -1;
    err e;
    err_clear(&e);
    if (dues_amount_parse(s, size, &fen, &e)) {
        if (fen != 0 || e.code != ST_INVALID || !e.msg[0]) abort();
        if (!utf8_valid(e.msg, strlen(e.msg)) || !utf8_valid(e.where, strlen(e.where))) abort();
        return 0;
    }
    if (fen < 0 || fen > DUES_FEN_MAX) abort();
    char text[32];
    dues_fen_format(fen, text);
    int64_t again = -1;
    if (dues_amount_parse(text, strlen(text), &again, NULL) || again != fen) abort();
    for (int k = 0; k < DUES_KINDS; k++) {
        dues_amount a;
        st rc = dues_calc(&rules, (dues_kind)k, fen, &a, &e);
        if (rc && !(rc == ST_INVALID && fen == 0 && dues_kind_rated((dues_kind)k))) abort();
        if (!rc && (a.fen < 0 || (!a.flat && a.fen > dues_apply_rate(fen, 10000, DUES_ROUND_UP)))) abort();
    }
    return 0;
}
