/* fuzz_xlsx — libFuzzer target for the xlsx reader.
 *
 * Random bytes rarely make a zip whose checksums hold, so most inputs are
 * turned into one: the input is split at "\n--\n" into the parts of a
 * workbook (sheet, shared strings, styles, workbook, its relationships) and
 * stored uncompressed in a zip built here, which puts the fuzzer's bytes
 * straight into the sheet scanner (xml_scan), expat (styles) and the cell
 * logic.  An input that starts with "PK" is
 * read as it is, to exercise libzip and the limits as well. */
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include "ledger/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* CRC-32 (zip's polynomial), bitwise: speed does not matter here and it
 * spares the target a direct zlib dependency. */
static uint32_t crc32_of(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

typedef struct zbuf { uint8_t *d; size_t n, cap; } zbuf;

static void put(zbuf *z, const void *p, size_t n) {
    if (z->n + n > z->cap) {
        z->cap = (z->n + n) * 2 + 256;
        z->d = realloc(z->d, z->cap);
    }
    memcpy(z->d + z->n, p, n);
    z->n += n;
}
static void u16(zbuf *z, unsigned v) { uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)}; put(z, b, 2); }
static void u32(zbuf *z, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(z, b, 4);
}

/* A stored (method 0) zip of n entries. */
static zbuf stored_zip(const char *const *names, const uint8_t *const *parts, const size_t *lens, int n) {
    zbuf z = {0}, cd = {0};
    for (int i = 0; i < n; i++) {
        uint32_t off = (uint32_t)z.n, crc = crc32_of(parts[i], lens[i]);
        size_t nl = strlen(names[i]);
        u32(&z, 0x04034b50); u16(&z, 20); u16(&z, 0); u16(&z, 0); u16(&z, 0); u16(&z, 0);
        u32(&z, crc); u32(&z, (uint32_t)lens[i]); u32(&z, (uint32_t)lens[i]); u16(&z, (unsigned)nl); u16(&z, 0);
        put(&z, names[i], nl);
        put(&z, parts[i], lens[i]);
        u32(&cd, 0x02014b50); u16(&cd, 20); u16(&cd, 20); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0);
        u32(&cd, crc); u32(&cd, (uint32_t)lens[i]); u32(&cd, (uint32_t)lens[i]); u16(&cd, (unsigned)nl);
        u16(&cd, 0); u16(&cd, 0); u16(&cd, 0); u16(&cd, 0); u32(&cd, 0); u32(&cd, off);
        put(&cd, names[i], nl);
    }
    uint32_t cd_off = (uint32_t)z.n;
    put(&z, cd.d, cd.n);
    u32(&z, 0x06054b50); u16(&z, 0); u16(&z, 0); u16(&z, (unsigned)n); u16(&z, (unsigned)n);
    u32(&z, (uint32_t)cd.n); u32(&z, cd_off); u16(&z, 0);
    free(cd.d);
    return z;
}

static const char WB[] =
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"T\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
static const char RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ledger_table *t = NULL;
    err e;
    ledger_read_opts o = {.max_uncompressed = 64u << 20};
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        if (ledger_table_read_mem("fuzz.xlsx", data, size, &o, &t, &e) == ST_OK) ledger_table_free(t);
        return 0;
    }
    static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
                                        "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
    const uint8_t *parts[6];
    size_t lens[6];
    int n = 0;
    const uint8_t *p = data, *end = data + size;
    while (n < 4) {
        const uint8_t *sep = p < end ? memmem(p, (size_t)(end - p), "\n--\n", 4) : NULL;
        parts[n] = p;
        lens[n] = sep ? (size_t)(sep - p) : (size_t)(end - p);
        n++;
        if (!sep) break;
        p = sep + 4;
    }
    while (n < 4) { parts[n] = (const uint8_t *)""; lens[n] = 0; n++; }
    parts[4] = (const uint8_t *)WB; lens[4] = sizeof WB - 1;
    parts[5] = (const uint8_t *)RELS; lens[5] = sizeof RELS - 1;
    zbuf z = stored_zip(names, parts, lens, 6);
    if (ledger_table_read_mem("fuzz.xlsx", z.d, z.n, &o, &t, &e) == ST_OK) ledger_table_free(t);
    free(z.d);
    return 0;
}
