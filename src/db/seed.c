/* seed — reference data every installation needs before anyone logs in:
 * the city and its districts and streets (GB/T 2260, data/xiamen_3502_streets.csv
 * compiled into the binary).  Run after the migrations, once: an installation
 * whose region table already holds rows is left as it is. */
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "db/db.h"
#include "db/seed.h"

static const struct { const char *code, *name; } seed_districts[] = {
    {"350203", "思明区"}, {"350205", "海沧区"}, {"350206", "湖里区"},
    {"350211", "集美区"}, {"350212", "同安区"}, {"350213", "翔安区"},
};

st db_seed_regions(db *d, err *e) {
    int64_t n = 0;
    st s = db_query_int(d, &n, "SELECT COUNT(*) FROM region", e, "");
    if (s || n) return s;
    const struct embedded_file *f = embed_find("data/xiamen_3502_streets.csv");
    if (!f) return err_set(e, ST_INTERNAL, "缺少内置的街道数据。");
    if ((s = db_begin(d, e))) return s;
    s = db_run(d, "INSERT INTO region(code, name, kind, parent_code) VALUES ('3502', '厦门市', 'city', NULL)", e, "");
    for (size_t i = 0; !s && i < sizeof seed_districts / sizeof seed_districts[0]; i++)
        s = db_run(d, "INSERT INTO region(code, name, kind, parent_code) VALUES ($1, $2, 'district', '3502')", e, "tt",
                   seed_districts[i].code, seed_districts[i].name);
    /* "code,name,areaCode,provinceCode,cityCode" with the name quoted */
    const char *p = (const char *)f->data, *end = p + f->size;
    for (int line = 0; !s && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        char row[256];
        size_t len = (size_t)(nl - p);
        if (len >= sizeof row) len = sizeof row - 1;
        memcpy(row, p, len);
        row[len] = 0;
        p = nl + 1;
        if (line == 0) continue;
        char code[32], name[128], area[32];
        if (sscanf(row, "%31[^,],\"%127[^\"]\",%31[^,]", code, name, area) != 3) continue;
        s = db_run(d, "INSERT INTO region(code, name, kind, parent_code) VALUES ($1, $2, 'street', $3)", e, "ttt", code,
                   name, area);
    }
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}
