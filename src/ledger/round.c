/* round — the rules of the rounds (see round.h): the records of a round's
 * sources as the matcher sees them, a round built in memory from them
 * (golden records, zombies, review pairs), an explanation, and the diff of
 * two rounds.  No SQL: round_store.c loads what these take and saves what
 * they make, so the same rules run in the unit tests on hand-made input. */
#include "ledger/round.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "ledger/district.h"
#include "ledger/golden.h"
#include "ledger/ledger_scope.h"
#include "ledger/zombie.h"

static const char *const round_names[5] = {"", "第一轮：部门台账合并", "第二轮：区和园区摸排合并",
                                           "第三轮：比对去重、剔除僵尸企业", "第四轮：实地核查"};

const char *ledger_round_name(int number) { return number >= 1 && number <= 4 ? round_names[number] : ""; }

st ledger_round_number_check(int number, err *e) {
    if (number < 1 || number > 3)
        return err_field(e, ST_INVALID, "number", "比对轮次应为 1、2 或 3（第 4 轮由实地核查生成）。");
    return ST_OK;
}

static void say(const ledger_round_progress *p, const char *phase) {
    if (p && p->fn) p->fn(p->ctx, phase);
}

/* ---- the input ---- */

st ledger_round_input_init(ledger_round_input *in, size_t nsources, err *e) {
    memset(in, 0, sizeof *in);
    arena_init(&in->mem, 0);
    in->nsources = nsources;
    in->source_names = arena_calloc(&in->mem, nsources ? nsources : 1, sizeof *in->source_names);
    return in->source_names ? ST_OK : err_set(e, ST_NOMEM, "内存不足");
}

void ledger_round_input_free(ledger_round_input *in) {
    free(in->rows);
    free(in->rec_id);
    free(in->src);
    free(in->recs);
    free(in->dec);
    arena_free(&in->mem);
    memset(in, 0, sizeof *in);
}

st ledger_round_input_row(ledger_round_input *in, int src, int64_t rec, ledger_row **row, err *e) {
    if (in->n == in->cap) {
        size_t nc = in->cap ? in->cap * 2 : 1024;
        ledger_row *nr = realloc(in->rows, nc * sizeof *nr);
        if (nr) in->rows = nr;
        int64_t *ni = realloc(in->rec_id, nc * sizeof *ni);
        if (ni) in->rec_id = ni;
        int *ns = realloc(in->src, nc * sizeof *ns);
        if (ns) in->src = ns;
        if (!nr || !ni || !ns) return err_set(e, ST_NOMEM, "内存不足");
        in->cap = nc;
    }
    *row = &in->rows[in->n];
    memset(*row, 0, sizeof **row);
    in->rec_id[in->n] = rec;
    in->src[in->n] = src;
    in->n++;
    return ST_OK;
}

st ledger_round_input_decision(ledger_round_input *in, int64_t a, int64_t b, const char *verdict, err *e) {
    if (in->ndec == in->deccap) {
        size_t nc = in->deccap ? in->deccap * 2 : 64;
        ledger_match_decision *nd = realloc(in->dec, nc * sizeof *nd);
        if (!nd) return err_set(e, ST_NOMEM, "内存不足");
        in->dec = nd;
        in->deccap = nc;
    }
    /* decisions name records by key: the record id as text, like the rows' keys */
    ledger_match_decision *d = &in->dec[in->ndec];
    d->a = arena_printf(&in->mem, "%lld", (long long)a);
    d->b = arena_printf(&in->mem, "%lld", (long long)b);
    d->verdict = verdict && !strcmp(verdict, "same") ? LEDGER_MATCH_SAME : LEDGER_MATCH_DIFFERENT;
    if (!d->a || !d->b) return err_set(e, ST_NOMEM, "内存不足");
    in->ndec++;
    return ST_OK;
}

st ledger_round_input_seal(ledger_round_input *in, err *e) {
    if (in->n == 0) return err_set(e, ST_INVALID, "所选台账中没有任何数据行。");
    in->recs = calloc(in->n, sizeof *in->recs);
    if (!in->recs) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t i = 0; i < in->n; i++) {
        in->recs[i].source = in->src[i];
        in->recs[i].row = &in->rows[i];
        in->recs[i].key = arena_printf(&in->mem, "%lld", (long long)in->rec_id[i]);
        if (!in->recs[i].key) return err_set(e, ST_NOMEM, "内存不足");
    }
    return ST_OK;
}

/* The matcher over the input, every decision applied. */
static st input_match(ledger_round_input *in, ledger_match_result **res, err *e) {
    ledger_match_opts o = {0};
    o.decisions = in->dec;
    o.ndecisions = in->ndec;
    return ledger_match_run(in->recs, in->n, &o, res, e);
}

/* ---- the sources of a round ---- */

static bool listed(const int64_t *list, size_t n, int64_t v) {
    for (size_t k = 0; k < n; k++)
        if (list[k] == v) return true;
    return false;
}

st ledger_round_sources(const int64_t *imports, size_t nimports, const json_t *const *base_imports, size_t nbase,
                        int64_t **list, size_t *n, err *e) {
    /* as many as were given, plus every base round's (each listed once) */
    size_t cap = nimports;
    for (size_t b = 0; b < nbase; b++) cap += json_array_size(base_imports[b]);
    *n = 0;
    *list = calloc(cap ? cap : 1, sizeof **list);
    if (!*list) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t i = 0; i < nimports; i++) (*list)[(*n)++] = imports[i];
    for (size_t b = 0; b < nbase; b++)
        for (size_t i = 0; i < json_array_size(base_imports[b]); i++) {
            int64_t v = json_integer_value(json_array_get(base_imports[b], i));
            if (!listed(*list, *n, v)) (*list)[(*n)++] = v;
        }
    if (*n == 0) return err_field(e, ST_INVALID, "imports", "请至少选择一个已导入的台账文件。");
    for (size_t i = 0; i < *n; i++)
        if (listed(*list + i + 1, *n - i - 1, (*list)[i]))
            return err_field(e, ST_INVALID, "imports", "导入 %lld 被选了两次。", (long long)(*list)[i]);
    return ST_OK;
}

/* ---- a round built in memory ---- */

/* The park an address names (parks given longest name first, so 软件园二期
 * wins over 软件园). */
static const char *park_of(const ledger_round_park *parks, size_t nparks, const char *addr) {
    if (!addr || !*addr) return NULL;
    for (size_t i = 0; i < nparks; i++)
        if (parks[i].name && *parks[i].name && strstr(addr, parks[i].name)) return parks[i].code;
    return NULL;
}

static const char *or_null(const char *s) { return s && *s ? s : NULL; }

/* The matcher's figures, kept with the round (its "params"). */
static char *params_text(const ledger_match_result *res, arena *a) {
    json_t *params = json_pack("{s:f,s:f,s:I,s:I,s:I,s:I,s:f}", "lambda", res->lambda, "link_prob", res->link_prob,
                               "compared", (json_int_t)res->stats.compared, "links", (json_int_t)res->stats.links,
                               "refused_codes", (json_int_t)res->stats.refused_codes, "decisions_applied",
                               (json_int_t)res->stats.decisions_applied, "seconds",
                               res->stats.seconds_features + res->stats.seconds_blocking + res->stats.seconds_scoring +
                                   res->stats.seconds_cluster);
    char *pj = params ? json_dumps(params, JSON_COMPACT) : NULL;
    json_decref(params);
    char *out = pj ? arena_strdup(a, pj) : NULL;
    free(pj);
    return out;
}

/* Golden records and zombie findings of the match; which finding each
 * entity has; how many round 3 removes (the definite zombies; earlier
 * rounds only flag them). */
static st round_entities(ledger_round *r, err *e) {
    ledger_golden *g = NULL;
    ledger_zombie *z = NULL;
    size_t nz = 0;
    st s = ledger_golden_build(r->res, &r->mem, &g, e);
    if (!s) s = ledger_zombie_find(r->res, r->in->source_names, NULL, &r->mem, &z, &nz, e);
    if (s) return s;
    r->nent = r->res->nentity;
    int32_t *of = arena_alloc(&r->mem, (r->nent ? r->nent : 1) * sizeof *of);
    if (!of) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t k = 0; k < r->nent; k++) of[k] = -1;
    for (size_t i = 0; i < nz; i++) {
        of[z[i].entity] = (int32_t)i;
        r->removed += r->number == 3 && z[i].definite;
    }
    r->golden = g;
    r->zombies = z;
    r->zombie_of = of;
    return ST_OK;
}

/* The review pairs by record id. */
static st round_review(ledger_round *r, err *e) {
    r->review = arena_calloc(&r->mem, r->res->nreview ? r->res->nreview : 1, sizeof *r->review);
    if (!r->review) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t i = 0; i < r->res->nreview; i++) {
        const ledger_match_pair *p = &r->res->review[i];
        int64_t ra = r->in->rec_id[p->a], rb = r->in->rec_id[p->b];
        r->review[i] = (ledger_round_pair){ra < rb ? ra : rb, ra < rb ? rb : ra, p->prob, p->weight};
    }
    r->nreview = r->res->nreview;
    return ST_OK;
}

st ledger_round_build(ledger_round_input *in, int number, const ledger_round_park *parks, size_t nparks,
                      const ledger_round_progress *p, ledger_round *out, err *e) {
    memset(out, 0, sizeof *out);
    arena_init(&out->mem, 0);
    st s = ledger_round_number_check(number, e);
    if (s) return s;
    out->number = number;
    out->name = ledger_round_name(number);
    out->records = (int64_t)in->n;
    out->in = in;
    out->parks = parks;
    out->nparks = nparks;
    say(p, "比对");
    s = input_match(in, &out->res, e);
    say(p, "生成标准记录");
    if (!s) s = round_entities(out, e);
    if (!s) s = round_review(out, e);
    if (!s && !(out->params = params_text(out->res, &out->mem))) s = err_set(e, ST_NOMEM, "内存不足");
    return s;
}

/* The street of an enterprise: the first of its records whose street column names one of its
 * district's, else the one its address names; 0 when neither (the dashboard then names the gap). */
static long street_of(const ledger_round *r, const ledger_golden *g) {
    for (uint32_t i = 0; i < g->nrecs; i++) {
        const char *v = r->res->recs[g->recs[i]].row->val[LF_STREET];
        const district_street *t = v ? district_street_find(v, strlen(v)) : NULL;
        if (t && (!g->district_code || t->district == g->district_code)) return t->code;
    }
    const district_street *t =
        *g->address ? district_street_from_address(g->address, strlen(g->address), g->district_code) : NULL;
    return t ? t->code : 0;
}

st ledger_round_entity_at(const ledger_round *r, size_t k, ledger_round_entity *x, buf *scratch, err *e) {
    if (r->ent) {
        *x = r->ent[k];
        return ST_OK;
    }
    const ledger_golden *g = &r->golden[k];
    const ledger_zombie *z = r->zombie_of[k] >= 0 ? &r->zombies[r->zombie_of[k]] : NULL;
    bool removed = z && r->number == 3 && z->definite;
    /* scratch holds three strings end to end: the district code, the lineage
     * (the source records' ids as a JSON array), the reason for removal */
    buf_reset(scratch);
    st s = buf_printf(scratch, "%d", g->district_code);
    size_t lin = scratch->len + 1, why = 0;
    if (!s) s = buf_append(scratch, "\0[", 2);
    for (uint32_t i = 0; !s && i < g->nrecs; i++)
        s = buf_printf(scratch, "%s%lld", i ? "," : "", (long long)r->in->rec_id[g->recs[i]]);
    if (!s) s = buf_putc(scratch, ']');
    if (!s && removed) {
        why = scratch->len + 1;
        s = buf_putc(scratch, '\0');
        if (!s) s = buf_printf(scratch, "僵尸企业：%s", z->reasons);
    }
    size_t street = 0;
    long sc = street_of(r, g);
    if (!s && sc) {
        street = scratch->len + 1;
        s = buf_putc(scratch, '\0');
        if (!s) s = buf_printf(scratch, "%ld", sc);
    }
    if (s) return err_set(e, ST_NOMEM, "内存不足");
    *x = (ledger_round_entity){.street_code = street ? scratch->data + street : NULL, .no = (int64_t)k + 1, .name = g->name, .uscc = or_null(g->code),
                               .district = or_null(g->district), .district_code = g->district_code ? scratch->data : NULL,
                               .address = or_null(g->address), .category = or_null(g->category),
                               .park_code = park_of(r->parks, r->nparks, g->address),
                               .employees = g->employees >= 0 ? g->employees : -1,
                               .members = g->members >= 0 ? g->members : -1, .zombie = z ? (z->definite ? 1 : 2) : 0,
                               .zombie_reason = z ? z->reasons : NULL, .removed_reason = removed ? scratch->data + why : NULL,
                               .records = scratch->data + lin};
    return ST_OK;
}

size_t ledger_round_members(const ledger_round *r) { return r->in ? r->in->n : 0; }

void ledger_round_member(const ledger_round *r, size_t i, int64_t *record, int64_t *entity_no) {
    *record = r->in->rec_id[i];
    *entity_no = (int64_t)r->res->entity[i] + 1;
}

void ledger_round_free(ledger_round *r) {
    if (r->res) ledger_match_free(r->res);
    arena_free(&r->mem);
    memset(r, 0, sizeof *r);
}

st ledger_round_explain(ledger_round_input *in, int64_t a_record, int64_t b_record, char **text, char **summary,
                        char **plain, err *e) {
    *text = *summary = *plain = NULL;
    ledger_match_result *res = NULL;
    st s = input_match(in, &res, e);
    long ia = -1, ib = -1;
    if (!s) {
        char ka[24], kb[24];
        snprintf(ka, sizeof ka, "%lld", (long long)a_record);
        snprintf(kb, sizeof kb, "%lld", (long long)b_record);
        ia = ledger_match_find(res, ka);
        ib = ledger_match_find(res, kb);
        if (ia < 0 || ib < 0) s = err_set(e, ST_NOT_FOUND, "这两条记录不都在该轮次的来源台账中。");
    }
    buf out, sum, pl;
    buf_init(&out, 1 << 20);
    buf_init(&sum, 1 << 16);
    buf_init(&pl, 1 << 16);
    if (!s) s = ledger_match_explain(res, (uint32_t)ia, (uint32_t)ib, &out, e);
    if (!s) s = ledger_match_explain_plain(res, (uint32_t)ia, (uint32_t)ib, &sum, &pl, e);
    if (!s) {
        *text = buf_detach(&out);
        *summary = buf_detach(&sum);
        *plain = buf_detach(&pl);
        if (!*text || !*summary || !*plain) {
            free(*text); free(*summary); free(*plain);
            *text = *summary = *plain = NULL;
            s = err_set(e, ST_NOMEM, "内存不足");
        }
    }
    buf_free(&out);
    buf_free(&sum);
    buf_free(&pl);
    if (res) ledger_match_free(res);
    return s;
}

/* ---- diff ---- */

/* An enterprise of one side: kept or removed, and its partner on the other
 * side (A: a kept B partner if any; B: its primary A, the lowest-numbered
 * kept A sharing a record). */
typedef struct ent {
    json_t *o;
    bool kept;
    int64_t primary;
} ent;

typedef struct side {
    ent *e;
    int64_t n;   /* highest entity number; e[1..n] */
} side;

static void side_free(side *s) {
    for (int64_t i = 0; s->e && i <= s->n; i++) json_decref(s->e[i].o);
    free(s->e);
}

/* Index a round's enterprises by number: dense in rounds 1–3, but round 4
 * skips the ones round 3 removed. */
static st side_index(const json_t *rows, side *s, err *e) {
    s->n = 0;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        int64_t no = json_integer_value(json_object_get(json_array_get(rows, i), "entity_no"));
        if (no > s->n) s->n = no;
    }
    s->e = calloc((size_t)s->n + 1, sizeof *s->e);
    if (!s->e) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *o = json_array_get(rows, i);
        int64_t no = json_integer_value(json_object_get(o, "entity_no"));
        if (no < 1) continue;
        s->e[no].o = json_incref(o);
        s->e[no].kept = json_is_null(json_object_get(o, "removed_reason"));
    }
    return ST_OK;
}

/* Pair the two sides through their shared records; *a_any[x]: any B partner
 * of A's x (to learn why it was removed). */
static st side_link(side *A, side *B, const json_t *links, int64_t **a_any, err *e) {
    *a_any = calloc((size_t)A->n + 1, sizeof **a_any);
    if (!*a_any) return err_set(e, ST_NOMEM, "内存不足");
    for (size_t i = 0; i < json_array_size(links); i++) {
        json_t *o = json_array_get(links, i);
        int64_t x = json_integer_value(json_object_get(o, "ea")), y = json_integer_value(json_object_get(o, "eb"));
        if (x < 1 || x > A->n || y < 1 || y > B->n || !A->e[x].o || !B->e[y].o) continue;
        if (A->e[x].kept && B->e[y].kept && !B->e[y].primary) B->e[y].primary = x;
        if (B->e[y].kept && !A->e[x].primary) A->e[x].primary = y;
        if (!(*a_any)[x]) (*a_any)[x] = y;
    }
    return ST_OK;
}

static json_t *ent_brief(const ent *x) {
    json_t *o = json_object();
    static const char *keys[] = {"entity_no", "name", "uscc", "district", "district_code", "park_code", "category"};
    for (int i = 0; i < 7; i++) json_object_set(o, keys[i], json_object_get(x->o, keys[i]));
    return o;
}

/* Why A's x has no kept partner in B: B's reason for removing its partner, or
 * a merge with another A enterprise. */
static json_t *diff_removed(const side *A, const side *B, int64_t x, int64_t any) {
    json_t *o = ent_brief(&A->e[x]);
    int64_t y = A->e[x].primary;
    if (!y) {
        const char *why = any && B->e[any].o ? json_string_value(json_object_get(B->e[any].o, "removed_reason")) : NULL;
        json_object_set_new(o, "reason", json_string(why ? why : "其来源台账不在本轮次中"));
        return o;
    }
    const ent *p = &A->e[B->e[y].primary];
    char why[600];
    snprintf(why, sizeof why, "与「%s」是同一企业，已合并（本轮企业编号 %lld）",
             p->o ? json_string_value(json_object_get(p->o, "name")) : "", (long long)y);
    json_object_set_new(o, "reason", json_string(why));
    json_object_set_new(o, "duplicate_of", json_integer(B->e[y].primary));
    return o;
}

/* The fields that changed between A's x and its B partner y; NULL when none. */
static json_t *diff_changed(const side *A, const side *B, int64_t x, int64_t y) {
    static const char *fields[] = {"name", "uscc", "district", "address", "category", "employees", "members"};
    static const char *labels[] = {"名称", "统一社会信用代码", "所属区", "地址", "行业分类", "从业人数", "党员数"};
    json_t *ch = json_array();
    for (int f = 0; f < 7; f++) {
        json_t *va = json_object_get(A->e[x].o, fields[f]), *vb = json_object_get(B->e[y].o, fields[f]);
        if (!json_equal(va ? va : json_null(), vb ? vb : json_null()))
            json_array_append_new(ch, json_pack("{s:s,s:s,s:O?,s:O?}", "field", fields[f], "label", labels[f], "from", va,
                                                "to", vb));
    }
    if (!json_array_size(ch)) {
        json_decref(ch);
        return NULL;
    }
    json_t *o = ent_brief(&B->e[y]);
    json_object_set_new(o, "from_entity_no", json_integer(x));
    json_object_set_new(o, "changes", ch);
    return o;
}

st ledger_round_diff(int64_t a, int64_t b, const json_t *ents_a, const json_t *ents_b, const json_t *links,
                     json_t **out, err *e) {
    *out = NULL;
    side A = {0}, B = {0};
    int64_t *a_any = NULL;
    st s = side_index(ents_a, &A, e);
    if (!s) s = side_index(ents_b, &B, e);
    if (!s) s = side_link(&A, &B, links, &a_any, e);
    if (s) {
        side_free(&A);
        side_free(&B);
        free(a_any);
        return s;
    }
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    for (int64_t y = 1; y <= B.n; y++)
        if (B.e[y].o && B.e[y].kept && !B.e[y].primary) json_array_append_new(added, ent_brief(&B.e[y]));
    for (int64_t x = 1; x <= A.n; x++) {
        if (!A.e[x].o || !A.e[x].kept) continue;
        int64_t y = A.e[x].primary;
        if (!y || B.e[y].primary != x) json_array_append_new(removed, diff_removed(&A, &B, x, a_any[x]));
        else {
            json_t *o = diff_changed(&A, &B, x, y);
            if (o) json_array_append_new(changed, o);
        }
    }
    *out = json_pack("{s:I,s:I,s:o,s:o,s:o,s:{s:I,s:I,s:I}}", "from", (json_int_t)a, "to", (json_int_t)b, "added", added,
                     "removed", removed, "changed", changed, "counts", "added", (json_int_t)json_array_size(added),
                     "removed", (json_int_t)json_array_size(removed), "changed", (json_int_t)json_array_size(changed));
    free(a_any);
    side_free(&A);
    side_free(&B);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足");
}

void ledger_round_diff_area(json_t *df, const char *area) {
    static const char *const lists[] = {"added", "removed", "changed"};
    for (int k = 0; k < 3; k++) {
        json_t *a = json_object_get(df, lists[k]), *keep = json_array();
        size_t i;
        json_t *o;
        json_array_foreach(a, i, o) {
            if (ledger_area_has(area, json_string_value(json_object_get(o, "district_code")),
                                json_string_value(json_object_get(o, "park_code"))))
                json_array_append(keep, o);
        }
        json_object_set_new(json_object_get(df, "counts"), lists[k], json_integer((json_int_t)json_array_size(keep)));
        json_object_set_new(df, lists[k], keep);
    }
}
