/* demo_ledger — the demo city's ledger campaign: department ledgers and two
 * district surveys written the way offices write them (their own headers, a
 * title row, names with and without 厦门 or with the region in brackets,
 * codes left out, a status note in a name), imported like any upload, then
 * rounds 1–3 run over them.  It runs after the rest of the demo is committed
 * because each import and each round is its own transaction.  The demo acts
 * through the same stores as a user: the city's office for the department
 * ledgers and the rounds, each district's office for its own survey. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "demo/demo.h"
#include "ledger/import.h"
#include "ledger/round.h"
#include "ledger/table.h"

typedef struct src_def {
    const char *file, *title, *header;
    int share;             /* percent of enterprises listed */
    const char *district;  /* surveys: only this district */
    const char *category;  /* 商务局: mostly this category */
} src_def;

static const src_def sources[] = {
    {"01-经信局.csv", "厦门市互联网企业名单（经信局）", "序号,企业名称,统一社会信用代码,所属区,从业人数,党员数,登记状态,行业类别", 75, NULL, NULL},
    {"02-网信办.csv", NULL, "单位名称,信用代码,辖区,员工人数,正式党员数,经营地址", 45, NULL, NULL},
    {"03-商务局.csv", "厦门市电子商务企业名单（商务局）", "序号,公司名称,社会信用代码,区域,职工人数,状态", 20, NULL, "电商"},
    {"06-思明区摸排.csv", "思明区互联网企业摸排表", "序号,企业名称,统一社会信用代码,所属区,从业人员数,党员人数,办公地址", 85, "350203", NULL},
    {"07-湖里区摸排.csv", "湖里区互联网企业摸排表", "序号,企业名称,信用代码,区域,从业人数,党员数,办公地址,经度,纬度", 85, "350206", NULL},
};

/* A name as a given office might write it. */
static void vary_name(demo_rng *r, const char *name, int zombie, buf *out) {
    int v = demo_range(r, 0, 9);
    const char *rest = strncmp(name, "厦门", 6) == 0 ? name + 6 : name;
    if (v == 0 && rest != name) {            /* region in brackets after the brand */
        const char *cut = rest;
        int chars = 0;
        while (*cut && chars < 2) {           /* two characters of brand */
            cut += ((unsigned char)*cut >= 0xE0) ? 3 : 1;
            chars++;
        }
        buf_append(out, rest, (size_t)(cut - rest));
        buf_puts(out, "（厦门）");
        buf_puts(out, cut);
    } else if (v == 1 && rest != name) {
        buf_puts(out, rest);                  /* 厦门 left out */
    } else if (v == 2) {
        buf_puts(out, name);
        size_t n = out->len;
        if (n > 12 && !strcmp(out->data + n - 12, "有限公司")) {
            out->len = n - 12;
            out->data[out->len] = 0;
            buf_puts(out, "有限责任公司");
        }
    } else buf_puts(out, name);
    if (zombie && demo_range(r, 0, 1)) buf_puts(out, "（已注销）");
}

static st make_source(demo_ctx *c, const src_def *sd, json_t *ents, buf *csv) {
    if (sd->title) {
        buf_puts(csv, sd->title);
        buf_puts(csv, "\r\n");
    }
    buf_puts(csv, sd->header);
    buf_puts(csv, "\r\n");
    bool seq = !strncmp(sd->header, "序号", 6);
    int n = 0;
    size_t i;
    json_t *o;
    json_array_foreach(ents, i, o) {
        const char *dc = json_string_value(json_object_get(o, "district_code"));
        const char *cat = json_string_value(json_object_get(o, "category"));
        if (sd->district && (!dc || strcmp(dc, sd->district))) continue;
        int share = sd->share;
        if (sd->category) share = cat && !strcmp(cat, sd->category) ? 90 : 5;
        if (demo_range(&c->rng, 1, 100) > share) continue;
        buf name;
        buf_init(&name, 1024);
        int zombie = (int)json_integer_value(json_object_get(o, "zombie"));
        vary_name(&c->rng, json_string_value(json_object_get(o, "name")), zombie, &name);
        const char *code = json_string_value(json_object_get(o, "uscc"));
        if (demo_range(&c->rng, 0, 9) < 3) code = "";            /* left out */
        const char *dist = json_string_value(json_object_get(o, "district"));
        if (dist && demo_range(&c->rng, 0, 3) == 0) dist = dc;    /* the code instead of the name */
        long emp = (long)json_integer_value(json_object_get(o, "employees"));
        if (demo_range(&c->rng, 0, 4) == 0) emp += demo_range(&c->rng, -3, 3);
        if (emp < 0) emp = 0;
        long mem = (long)json_integer_value(json_object_get(o, "members"));
        const char *status = json_string_value(json_object_get(o, "status"));
        const char *addr = json_string_value(json_object_get(o, "address"));
        n++;
        if (seq) buf_printf(csv, "%d,", n);
        /* columns in the order of this office's header */
        if (!strcmp(sd->file, "01-经信局.csv"))
            buf_printf(csv, "%s,%s,%s,%ld,%ld,%s,%s\r\n", name.data, code ? code : "", dist ? dist : "", emp, mem,
                       status ? status : "", cat ? cat : "");
        else if (!strcmp(sd->file, "02-网信办.csv"))
            buf_printf(csv, "%s,%s,%s,%ld,%ld,%s\r\n", name.data, code ? code : "", dist ? dist : "", emp, mem, addr ? addr : "");
        else if (!strcmp(sd->file, "03-商务局.csv"))
            buf_printf(csv, "%s,%s,%s,%ld,%s\r\n", name.data, code ? code : "", dist ? dist : "", emp, status ? status : "");
        else if (!strcmp(sd->file, "07-湖里区摸排.csv")) {
            /* 湖里区's survey carries 经度/纬度 for three rows in four (the map, issue 19; demo_map.c
               takes them into the register): a place on Xiamen island inside 湖里区, spread by a hash
               of the name — not a geocoded address, and drawn without the demo's random numbers */
            char ll[48] = ",";
            uint32_t h = 2166136261u;
            for (const char *p = json_string_value(json_object_get(o, "name")); p && *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
            if (h % 4) snprintf(ll, sizeof ll, "118.%06u,24.%06u", 115000u + h % 45000u, 505000u + (h / 45000u) % 25000u);
            buf_printf(csv, "%s,%s,%s,%ld,%ld,%s,%s\r\n", name.data, code ? code : "", dist ? dist : "", emp, mem, addr ? addr : "",
                       ll);
        } else
            buf_printf(csv, "%s,%s,%s,%ld,%ld,%s\r\n", name.data, code ? code : "", dist ? dist : "", emp, mem, addr ? addr : "");
        buf_free(&name);
    }
    return ST_OK;
}

/* Import one source as the office that sent it: a district's survey belongs
 * to that district (the demo's actor bound to it), the rest to the city. */
static st import_source(demo_ctx *c, const src_def *sd, json_t *ents, int64_t *id, err *e) {
    buf csv;
    buf_init(&csv, 16 << 20);
    make_source(c, sd, ents, &csv);
    ledger_table *t = NULL;
    ledger_read_opts o = {0};
    st s = ledger_table_read_mem(sd->file, csv.data, csv.len, &o, &t, e);
    uc office = c->use;
    if (sd->district) {
        office.who.scope_kind = "district";
        office.who.scope_code = sd->district;
    }
    ledger_import_in in = {.t = t, .file_size = csv.len};
    if (!s) s = ledger_import_store_add(&office, &in, id, e);
    ledger_table_free(t);
    buf_free(&csv);
    return s;
}

st demo_ledger_campaign(demo_ctx *c, err *e) {
    json_t *ents;
    st s = db_query_json(c->d, &ents,
                         "SELECT e.name, e.uscc, e.district_code, g.name AS district, e.address, e.category, e.employees, "
                         "e.members, e.status, e.zombie FROM enterprise e LEFT JOIN region g ON g.code = e.district_code "
                         "ORDER BY e.id",
                         e, "");
    if (s) return s;
    int64_t ids[8];
    size_t n = sizeof sources / sizeof sources[0];
    for (size_t k = 0; !s && k < n; k++) s = import_source(c, &sources[k], ents, &ids[k], e);
    json_decref(ents);
    int64_t r1 = 0, r2 = 0, r3 = 0;
    ledger_round_spec one = {1, ids, 3, NULL, 0}, two = {2, ids + 3, 2, NULL, 0};
    if (!s) s = ledger_round_store_create(&c->use, &one, NULL, &r1, e);
    if (!s) s = ledger_round_store_create(&c->use, &two, NULL, &r2, e);
    int64_t base[2] = {r1, r2};
    ledger_round_spec three = {3, NULL, 0, base, 2};
    if (!s) s = ledger_round_store_create(&c->use, &three, NULL, &r3, e);
    return s;
}
