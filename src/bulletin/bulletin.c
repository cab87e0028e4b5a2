/* bulletin — the rules of the 旬 bulletin (see bulletin.h): the frame of a
 * 旬, the district rows filled from the figures the store gathered, the
 * change against the previous bulletin, the ranking, the city line and the
 * notes; and the document as JSON, the one place that knows its keys.
 * Pure: no SQL, no HTTP; every percentage rounded by coverage_tenths. */
#include "bulletin/bulletin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bulletin_doc *bulletin_new(arena *a, const org_xun *x) {
    bulletin_doc *d = arena_calloc(a, 1, sizeof *d);
    if (!d) return NULL;
    org_xun p = org_xun_prev(x);
    org_xun_format(x, d->period);
    org_xun_title(x, d->title, sizeof d->title);
    org_xun_first(x, d->first_day);
    org_xun_last(x, d->last_day);
    org_xun_format(&p, d->prev_period);
    org_xun_last(&p, d->prev_day);
    d->prev_source = "computed";
    d->number = (x->m - 1) * 3 + x->x;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(d->generated_at, sizeof d->generated_at, "%Y-%m-%d %H:%M", &tm);
    return d;
}

/* ---- assembling ---- */

static bulletin_line *bulletin_row(bulletin_doc *d, const char *code) {
    for (size_t i = 0; code && i < d->nrows; i++)
        if (!strcmp(d->rows[i].code, code)) return &d->rows[i];
    return NULL;
}

/* One row per district of the city, in code order, the figures of the last day in. */
static st bulletin_rows(arena *a, bulletin_doc *d, const bulletin_inputs *in, err *e) {
    d->rows = arena_calloc(a, in->ndistricts ? in->ndistricts : 1, sizeof *d->rows);
    if (!d->rows) return err_set(e, ST_NOMEM, "内存不足。");
    d->nrows = in->ndistricts;
    for (size_t i = 0; i < in->ndistricts; i++) {
        d->rows[i].code = in->districts[i].key;
        d->rows[i].name = in->districts[i].name;
    }
    for (size_t i = 0; i < in->nnow; i++) {
        bulletin_line *l = bulletin_row(d, in->now[i].key);
        if (!l) continue;
        l->enterprises = in->now[i].enterprises;
        l->covered = in->now[i].covered;
        l->work_covered = in->now[i].work;
        l->rate = coverage_rate(l->covered, l->enterprises);
        l->work_rate = coverage_rate(l->work_covered, l->enterprises);
    }
    return ST_OK;
}

/* The previous 旬: as issued, else as computed on its last day. */
static void bulletin_prev(bulletin_doc *d, const bulletin_inputs *in) {
    if (in->prev) {
        d->prev_source = "issued";
        for (size_t i = 0; i < in->prev->nrows; i++) {
            bulletin_line *l = bulletin_row(d, in->prev->rows[i].code);
            if (!l) continue;
            l->prev_covered = in->prev->rows[i].covered;
            l->prev_rate = in->prev->rows[i].rate;
        }
        return;
    }
    for (size_t i = 0; i < in->nbefore; i++) {
        bulletin_line *l = bulletin_row(d, in->before[i].key);
        if (!l) continue;
        l->prev_covered = in->before[i].covered;
        l->prev_rate = coverage_rate(in->before[i].covered, in->before[i].enterprises);
    }
}

/* What happened in the 旬 and what is left to do, per district. */
static void bulletin_counts(bulletin_doc *d, const bulletin_inputs *in) {
    for (size_t i = 0; i < in->nestablished; i++) {
        bulletin_line *l = bulletin_row(d, in->established[i].code);
        if (l) l->new_orgs = in->established[i].n;
    }
    for (size_t i = 0; i < in->nupgraded; i++) {
        bulletin_line *l = bulletin_row(d, in->upgraded[i].code);
        if (l) l->upgrades = in->upgraded[i].n;
    }
    for (size_t i = 0; i < in->nfindings; i++) {
        bulletin_line *l = bulletin_row(d, in->findings[i].district);
        if (!l) continue;
        l->findings = in->findings[i].findings;
        l->should_form = in->findings[i].should_form;
    }
}

/* Highest rate first; then the larger change; then the code. */
static int bulletin_rank_cmp(const void *a, const void *b) {
    const bulletin_line *x = a, *y = b;
    if (x->rate != y->rate) return x->rate < y->rate ? 1 : -1;
    if (x->change != y->change) return x->change < y->change ? 1 : -1;
    return strcmp(x->code, y->code);
}

static void bulletin_rank(bulletin_doc *d) {
    for (size_t i = 0; i < d->nrows; i++) d->rows[i].change = coverage_change(d->rows[i].rate, d->rows[i].prev_rate);
    qsort(d->rows, d->nrows, sizeof *d->rows, bulletin_rank_cmp);
    for (size_t i = 0; i < d->nrows; i++) d->rows[i].rank = (int64_t)i + 1;
}

/* The city line: the districts added up; its previous rate from the issued
 * city line, else over every enterprise of the previous day's figures. */
static void bulletin_city(bulletin_doc *d, const bulletin_inputs *in) {
    bulletin_line *c = &d->city;
    memset(c, 0, sizeof *c);
    c->name = in->city_name ? in->city_name : "全市";
    for (size_t i = 0; i < d->nrows; i++) {
        const bulletin_line *l = &d->rows[i];
        c->enterprises += l->enterprises;
        c->covered += l->covered;
        c->work_covered += l->work_covered;
        c->prev_covered += l->prev_covered;
        c->new_orgs += l->new_orgs;
        c->upgrades += l->upgrades;
        c->findings += l->findings;
        c->should_form += l->should_form;
    }
    c->rate = coverage_rate(c->covered, c->enterprises);
    c->work_rate = coverage_rate(c->work_covered, c->enterprises);
    if (in->prev) {
        c->prev_rate = in->prev->city.rate;
        c->prev_covered = in->prev->city.covered;
    } else {
        int64_t pn = 0;
        for (size_t i = 0; i < in->nbefore; i++) pn += in->before[i].enterprises;
        c->prev_rate = coverage_rate(c->prev_covered, pn);
    }
    c->change = coverage_change(c->rate, c->prev_rate);
}

static st bulletin_notes(arena *a, bulletin_doc *d, err *e) {
    d->notes[0] = arena_printf(a, "统计口径：最终台账中的互联网企业（不含僵尸企业），截至 %s。", d->last_day);
    d->notes[1] = "覆盖率＝已建党组织覆盖的企业数 ÷ 企业总数；工作覆盖另计选派党建指导员的企业。";
    d->notes[2] = arena_printf(a, "较上期变化对比%s%s通报（截至 %s）；新建、升格为本旬（%s 至 %s）的数量。",
                               !strcmp(d->prev_source, "issued") ? "已发布的" : "", d->prev_period, d->prev_day,
                               d->first_day, d->last_day);
    d->notes[3] = "待处理事项＝应建未建、联合组建、选派指导员、应设支委会、可升格、应拆分等规则提示（阈值见系统设置）。";
    return d->notes[0] && d->notes[2] ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

/* ---- the formal document: the progress in words ---- */

/* "2018-06-30" as 2018年6月30日 */
static void bulletin_day_words(const char *day, char *out, size_t n) {
    int y, m, dd;
    if (org_day_parse(day, &y, &m, &dd)) snprintf(out, n, "%d年%d月%d日", y, m, dd);
    else snprintf(out, n, "%s", day);
}

void bulletin_doc_date(const bulletin_doc *d, char out[32]) {
    char day[11];
    if (d->issued && d->issued_at > 0) {
        time_t t = (time_t)d->issued_at;
        struct tm tm;
        localtime_r(&t, &tm);
        org_day_format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, day);
    } else {
        snprintf(day, sizeof day, "%.10s", d->generated_at);
    }
    bulletin_day_words(day, out, 32);
}

/* "提高 1.5 个百分点" / "下降 0.3 个百分点" / "持平" */
static void bulletin_change_words(double change, char *out, size_t n) {
    if (change > 0) snprintf(out, n, "提高 %.1f 个百分点", change);
    else if (change < 0) snprintf(out, n, "下降 %.1f 个百分点", -change);
    else snprintf(out, n, "持平");
}

const char *bulletin_summary(arena *a, const bulletin_doc *d) {
    buf b;
    buf_init(&b, 1u << 16);
    char day[32], ch[64];
    const bulletin_line *c = &d->city;
    bulletin_day_words(d->last_day, day, sizeof day);
    bulletin_change_words(c->change, ch, sizeof ch);
    st s = buf_printf(&b, "截至%s，%s %lld 家互联网企业中已有 %lld 家建立党组织，覆盖率 %.1f%%，较上旬%s；工作覆盖率 %.1f%%。", day,
                      c->name ? c->name : "全市", (long long)c->enterprises, (long long)c->covered, c->rate, ch, c->work_rate);
    /* the best and the worst district (of those with enterprises; rows are in rank order), the one that rose most */
    const bulletin_line *best = NULL, *worst = NULL, *rose = NULL;
    size_t with = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        const bulletin_line *l = &d->rows[i];
        if (!l->enterprises) continue;
        with++;
        if (!best) best = l;
        worst = l;
        if (l->change > 0 && (!rose || l->change > rose->change)) rose = l;
    }
    if (!s && with >= 2 && best->rate > worst->rate)
        s = buf_printf(&b, "各区中，%s覆盖率最高（%.1f%%），%s最低（%.1f%%）", best->name, best->rate, worst->name, worst->rate);
    else if (!s && with >= 2)
        s = buf_printf(&b, "各区覆盖率均为 %.1f%%", best->rate);
    if (!s && with >= 2)
        s = rose ? buf_printf(&b, "；%s较上旬提升最多（%+.1f 个百分点）。", rose->name, rose->change) : buf_puts(&b, "；各区均未提升。");
    /* what happened in the 旬 */
    if (!s && c->new_orgs) {
        s = buf_printf(&b, "本旬新建党组织 %lld 个", (long long)c->new_orgs);
        for (size_t i = 0; !s && i < d->nnew_names; i++) s = buf_printf(&b, "%s%s", i ? "、" : "：", d->new_names[i]);
        if (!s && (int64_t)d->nnew_names < c->new_orgs && d->nnew_names) s = buf_puts(&b, "等");
    } else if (!s) {
        s = buf_puts(&b, "本旬没有新建党组织");
    }
    if (!s) s = c->upgrades ? buf_printf(&b, "，升格 %lld 个。", (long long)c->upgrades) : buf_puts(&b, "。");
    if (!s && c->findings)
        s = buf_printf(&b, "目前尚有待处理事项 %lld 项，其中应建未建 %lld 家，请各区对照清单抓紧落实。", (long long)c->findings,
                       (long long)c->should_form);
    const char *out = s ? NULL : arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return out;
}

st bulletin_assemble(arena *a, bulletin_doc *d, const bulletin_inputs *in, err *e) {
    st s = bulletin_rows(a, d, in, e);
    if (s) return s;
    bulletin_prev(d, in);
    bulletin_counts(d, in);
    bulletin_rank(d);
    bulletin_city(d, in);
    d->office = in->office ? in->office : "";
    d->cc = in->cc ? in->cc : "";
    d->new_names = (const char **)in->new_names;
    d->nnew_names = in->new_names ? in->nnew_names : 0;
    d->summary = bulletin_summary(a, d);
    if (!d->summary) return err_set(e, ST_NOMEM, "内存不足。");
    s = bulletin_notes(a, d, e);
    if (!s) s = bulletin_life_assemble(a, d, in, e);
    return s;
}

/* ---- organizational life ---- */

static int64_t bl_int(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static double bl_rate(int64_t part, int64_t n, double none) { return n ? coverage_rate(part, n) : none; }

/* A line from a compliance row by district (its counts; the rates worked out from them). */
static void bl_line(arena *a, const json_t *r, bulletin_life_line *l) {
    const char *code = json_string_value(json_object_get(r, "code")), *name = json_string_value(json_object_get(r, "name"));
    l->code = arena_strdup(a, code ? code : "");
    l->name = arena_strdup(a, name ? name : code ? code : "");
    l->rank = bl_int(r, "rank");
    l->orgs = bl_int(r, "orgs");
    l->required = bl_int(r, "required");
    l->held = bl_int(r, "held");
    l->due = bl_int(r, "due");
    l->on_time = bl_int(r, "on_time");
    l->attended = bl_int(r, "attended");
    l->expected = bl_int(r, "expected");
    l->green = bl_int(r, "green");
    l->yellow = bl_int(r, "yellow");
    l->red = bl_int(r, "red");
}

static void bl_rates(bulletin_life_line *l) {
    l->rate = bl_rate(l->on_time, l->due, 100.0);
    l->attendance_rate = bl_rate(l->attended, l->expected, -1);
}

st bulletin_life_assemble(arena *a, bulletin_doc *d, const bulletin_inputs *in, err *e) {
    if (!in->life_districts || !in->life_orgs || !in->life_period) return ST_OK;
    bulletin_life *L = arena_calloc(a, 1, sizeof *L);
    size_t n = json_array_size(in->life_districts), no = json_array_size(in->life_orgs);
    if (L) L->rows = arena_calloc(a, n ? n : 1, sizeof *L->rows);
    if (!L || !L->rows) return err_set(e, ST_NOMEM, "内存不足。");
    snprintf(L->period, sizeof L->period, "%s", in->life_period);
    snprintf(L->from, sizeof L->from, "%s", in->life_from ? in->life_from : "");
    snprintf(L->to, sizeof L->to, "%s", in->life_to ? in->life_to : "");
    bulletin_life_line *c = &L->city;
    c->name = in->city_name ? in->city_name : "全市";
    for (size_t i = 0; i < n; i++) {
        bulletin_life_line *l = &L->rows[L->nrows++];
        bl_line(a, json_array_get(in->life_districts, i), l);
        bl_rates(l);
        c->orgs += l->orgs;
        c->required += l->required;
        c->held += l->held;
        c->due += l->due;
        c->on_time += l->on_time;
        c->attended += l->attended;
        c->expected += l->expected;
        c->green += l->green;
        c->yellow += l->yellow;
        c->red += l->red;
    }
    bl_rates(c);
    /* the red organizations, worst first, as given */
    L->red_max = in->life_red_max;
    L->red_total = in->life_red_total;
    size_t want = no < (size_t)L->red_max ? no : (size_t)L->red_max;
    L->red = arena_calloc(a, want ? want : 1, sizeof *L->red);
    if (!L->red) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < no && L->nred < want; i++) {
        const json_t *r = json_array_get(in->life_orgs, i);
        const char *st1 = json_string_value(json_object_get(r, "status"));
        if (!st1 || strcmp(st1, "red")) continue;
        bulletin_red_org *o = &L->red[L->nred++];
        const char *name = json_string_value(json_object_get(r, "org_name")), *dn = json_string_value(json_object_get(r, "district_name"));
        const char *last = json_string_value(json_object_get(r, "last_held"));
        o->org_id = bl_int(r, "org_id");
        o->name = arena_strdup(a, name ? name : "");
        o->district_name = arena_strdup(a, dn ? dn : "");
        o->last_held = last ? arena_strdup(a, last) : NULL;
        o->required = bl_int(r, "required");
        o->held = bl_int(r, "held");
        o->idle_days = bl_int(r, "idle_days");
        o->rate = bl_rate(bl_int(r, "on_time"), bl_int(r, "due"), 100.0);
    }
    d->life = L;
    return ST_OK;
}

/* ---- JSON ---- */

json_t *bulletin_line_json(const bulletin_line *l, bool district) {
    json_t *o = json_object();
    if (district) json_object_set_new(o, "code", json_string(l->code ? l->code : ""));
    json_object_set_new(o, "name", json_string(l->name ? l->name : ""));
    json_object_set_new(o, "enterprises", json_integer(l->enterprises));
    json_object_set_new(o, "covered", json_integer(l->covered));
    json_object_set_new(o, "rate", json_real(l->rate));
    json_object_set_new(o, "work_covered", json_integer(l->work_covered));
    json_object_set_new(o, "work_rate", json_real(l->work_rate));
    json_object_set_new(o, "prev_covered", json_integer(l->prev_covered));
    json_object_set_new(o, "prev_rate", json_real(l->prev_rate));
    json_object_set_new(o, "change", json_real(l->change));
    json_object_set_new(o, "new_orgs", json_integer(l->new_orgs));
    json_object_set_new(o, "upgrades", json_integer(l->upgrades));
    json_object_set_new(o, "findings", json_integer(l->findings));
    json_object_set_new(o, "should_form", json_integer(l->should_form));
    if (district) json_object_set_new(o, "rank", json_integer(l->rank));
    return o;
}

static json_t *bl_line_json(const bulletin_life_line *l, bool district) {
    json_t *o = json_object();
    if (district) json_object_set_new(o, "code", json_string(l->code ? l->code : ""));
    json_object_set_new(o, "name", json_string(l->name ? l->name : ""));
    if (district) json_object_set_new(o, "rank", json_integer(l->rank));
    json_object_set_new(o, "orgs", json_integer(l->orgs));
    json_object_set_new(o, "required", json_integer(l->required));
    json_object_set_new(o, "held", json_integer(l->held));
    json_object_set_new(o, "due", json_integer(l->due));
    json_object_set_new(o, "on_time", json_integer(l->on_time));
    json_object_set_new(o, "rate", json_real(l->rate));
    json_object_set_new(o, "attended", json_integer(l->attended));
    json_object_set_new(o, "expected", json_integer(l->expected));
    json_object_set_new(o, "attendance_rate", l->attendance_rate < 0 ? json_null() : json_real(l->attendance_rate));
    json_object_set_new(o, "green", json_integer(l->green));
    json_object_set_new(o, "yellow", json_integer(l->yellow));
    json_object_set_new(o, "red", json_integer(l->red));
    return o;
}

static json_t *bulletin_life_json(const bulletin_life *L) {
    json_t *rows = json_array(), *red = json_array();
    for (size_t i = 0; i < L->nrows; i++) json_array_append_new(rows, bl_line_json(&L->rows[i], true));
    for (size_t i = 0; i < L->nred; i++) {
        const bulletin_red_org *r = &L->red[i];
        json_array_append_new(red, json_pack("{s:I,s:s,s:s,s:I,s:I,s:f,s:I,s:s?}", "org_id", (json_int_t)r->org_id, "name", r->name,
                                             "district_name", r->district_name, "required", (json_int_t)r->required, "held",
                                             (json_int_t)r->held, "rate", r->rate, "idle_days", (json_int_t)r->idle_days, "last_held",
                                             r->last_held));
    }
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I}", "period", L->period, "from", L->from, "to", L->to, "city",
                     bl_line_json(&L->city, false), "rows", rows, "red_orgs", red, "red_total", (json_int_t)L->red_total, "red_max",
                     (json_int_t)L->red_max);
}

json_t *bulletin_to_json(const bulletin_doc *d) {
    json_t *rows = json_array(), *notes = json_array();
    for (size_t i = 0; i < d->nrows; i++) json_array_append_new(rows, bulletin_line_json(&d->rows[i], true));
    for (size_t i = 0; i < BULLETIN_NOTES; i++)
        if (d->notes[i]) json_array_append_new(notes, json_string(d->notes[i]));
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:o}", "period", d->period, "title", d->title,
                          "first_day", d->first_day, "last_day", d->last_day, "prev_period", d->prev_period, "prev_day",
                          d->prev_day, "prev_source", d->prev_source ? d->prev_source : "computed", "generated_at",
                          d->generated_at, "issued", d->issued, "city", bulletin_line_json(&d->city, false), "rows", rows,
                          "notes", notes);
    if (o && d->issued) {
        json_object_set_new(o, "issued_by", json_string(d->issued_by ? d->issued_by : "-"));
        json_object_set_new(o, "issued_at", json_integer(d->issued_at));
    }
    if (o && d->life) json_object_set_new(o, "life", bulletin_life_json(d->life));
    if (o) {
        json_t *names = json_array();
        for (size_t i = 0; i < d->nnew_names; i++) json_array_append_new(names, json_string(d->new_names[i]));
        json_object_set_new(o, "number", json_integer(d->number));
        json_object_set_new(o, "office", json_string(d->office ? d->office : ""));
        json_object_set_new(o, "cc", json_string(d->cc ? d->cc : ""));
        json_object_set_new(o, "summary", json_string(d->summary ? d->summary : ""));
        json_object_set_new(o, "new_org_names", names);
    }
    return o;
}

/* ---- read back ---- */

static const char *bj_str(arena *a, const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return arena_strdup(a, s ? s : "");
}
static void bj_cp(char *dst, size_t n, const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    snprintf(dst, n, "%s", s ? s : "");
}
static int64_t bj_int(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }
static double bj_num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static void bulletin_line_read(arena *a, const json_t *o, bool district, bulletin_line *l) {
    l->code = district ? bj_str(a, o, "code") : NULL;
    l->name = bj_str(a, o, "name");
    l->enterprises = bj_int(o, "enterprises");
    l->covered = bj_int(o, "covered");
    l->rate = bj_num(o, "rate");
    l->work_covered = bj_int(o, "work_covered");
    l->work_rate = bj_num(o, "work_rate");
    l->prev_covered = bj_int(o, "prev_covered");
    l->prev_rate = bj_num(o, "prev_rate");
    l->change = bj_num(o, "change");
    l->new_orgs = bj_int(o, "new_orgs");
    l->upgrades = bj_int(o, "upgrades");
    l->findings = bj_int(o, "findings");
    l->should_form = bj_int(o, "should_form");
    l->rank = district ? bj_int(o, "rank") : 0;
}

static void bl_line_read(arena *a, const json_t *o, bool district, bulletin_life_line *l) {
    l->code = district ? bj_str(a, o, "code") : NULL;
    l->name = bj_str(a, o, "name");
    l->rank = district ? bj_int(o, "rank") : 0;
    l->orgs = bj_int(o, "orgs");
    l->required = bj_int(o, "required");
    l->held = bj_int(o, "held");
    l->due = bj_int(o, "due");
    l->on_time = bj_int(o, "on_time");
    l->rate = bj_num(o, "rate");
    l->attended = bj_int(o, "attended");
    l->expected = bj_int(o, "expected");
    l->attendance_rate = json_is_number(json_object_get(o, "attendance_rate")) ? bj_num(o, "attendance_rate") : -1;
    l->green = bj_int(o, "green");
    l->yellow = bj_int(o, "yellow");
    l->red = bj_int(o, "red");
}

static st bulletin_life_read(arena *a, const json_t *j, const bulletin_life **out, err *e) {
    const json_t *rows = json_object_get(j, "rows"), *red = json_object_get(j, "red_orgs");
    if (!json_is_array(rows) || !json_is_array(red) || !json_is_object(json_object_get(j, "city")))
        return err_set(e, ST_INTERNAL, "已发布的通报数据损坏：组织生活部分不完整。");
    bulletin_life *L = arena_calloc(a, 1, sizeof *L);
    size_t n = json_array_size(rows), m = json_array_size(red);
    if (L) L->rows = arena_calloc(a, n ? n : 1, sizeof *L->rows);
    if (L) L->red = arena_calloc(a, m ? m : 1, sizeof *L->red);
    if (!L || !L->rows || !L->red) return err_set(e, ST_NOMEM, "内存不足。");
    bj_cp(L->period, sizeof L->period, j, "period");
    bj_cp(L->from, sizeof L->from, j, "from");
    bj_cp(L->to, sizeof L->to, j, "to");
    bl_line_read(a, json_object_get(j, "city"), false, &L->city);
    for (size_t i = 0; i < n; i++) bl_line_read(a, json_array_get(rows, i), true, &L->rows[i]);
    L->nrows = n;
    for (size_t i = 0; i < m; i++) {
        const json_t *r = json_array_get(red, i);
        bulletin_red_org *o = &L->red[i];
        o->org_id = bj_int(r, "org_id");
        o->name = bj_str(a, r, "name");
        o->district_name = bj_str(a, r, "district_name");
        o->last_held = json_is_string(json_object_get(r, "last_held")) ? bj_str(a, r, "last_held") : NULL;
        o->required = bj_int(r, "required");
        o->held = bj_int(r, "held");
        o->rate = bj_num(r, "rate");
        o->idle_days = bj_int(r, "idle_days");
    }
    L->nred = m;
    L->red_total = bj_int(j, "red_total");
    L->red_max = bj_int(j, "red_max");
    *out = L;
    return ST_OK;
}

st bulletin_from_json(arena *a, const json_t *j, bulletin_doc **out, err *e) {
    const json_t *rows = json_object_get(j, "rows"), *notes = json_object_get(j, "notes");
    if (!json_is_object(j) || !json_is_array(rows) || !json_is_object(json_object_get(j, "city")))
        return err_set(e, ST_INTERNAL, "已发布的通报数据损坏：缺少通报的表格。");
    bulletin_doc *d = arena_calloc(a, 1, sizeof *d);
    size_t n = json_array_size(rows);
    bulletin_line *lines = arena_calloc(a, n ? n : 1, sizeof *lines);
    if (!d || !lines) return err_set(e, ST_NOMEM, "内存不足。");
    bj_cp(d->period, sizeof d->period, j, "period");
    bj_cp(d->title, sizeof d->title, j, "title");
    bj_cp(d->first_day, sizeof d->first_day, j, "first_day");
    bj_cp(d->last_day, sizeof d->last_day, j, "last_day");
    bj_cp(d->prev_period, sizeof d->prev_period, j, "prev_period");
    bj_cp(d->prev_day, sizeof d->prev_day, j, "prev_day");
    bj_cp(d->generated_at, sizeof d->generated_at, j, "generated_at");
    d->prev_source = bj_str(a, j, "prev_source");
    d->issued = json_is_true(json_object_get(j, "issued"));
    d->issued_by = bj_str(a, j, "issued_by");
    d->issued_at = bj_int(j, "issued_at");
    bulletin_line_read(a, json_object_get(j, "city"), false, &d->city);
    for (size_t i = 0; i < n; i++) bulletin_line_read(a, json_array_get(rows, i), true, &lines[i]);
    d->rows = lines;
    d->nrows = n;
    for (size_t i = 0; i < BULLETIN_NOTES && i < json_array_size(notes); i++) {
        const char *s = json_string_value(json_array_get(notes, i));
        d->notes[i] = arena_strdup(a, s ? s : "");
    }
    const json_t *life = json_object_get(j, "life");
    if (json_is_object(life)) {   /* bulletins issued before the section have none */
        st s = bulletin_life_read(a, life, &d->life, e);
        if (s) return s;
    }
    /* the formal document's parts; a copy issued before them: the number from the period, the words from the figures */
    org_xun x;
    d->number = json_is_integer(json_object_get(j, "number")) ? (int)bj_int(j, "number")
                : org_xun_parse(d->period, &x)                 ? (x.m - 1) * 3 + x.x
                                                               : 0;
    d->office = bj_str(a, j, "office");
    d->cc = bj_str(a, j, "cc");
    const json_t *names = json_object_get(j, "new_org_names");
    size_t nn = json_array_size(names);
    d->new_names = arena_calloc(a, nn ? nn : 1, sizeof *d->new_names);
    if (!d->new_names) return err_set(e, ST_NOMEM, "内存不足。");
    for (size_t i = 0; i < nn; i++) {
        const char *nm = json_string_value(json_array_get(names, i));
        d->new_names[d->nnew_names++] = arena_strdup(a, nm ? nm : "");
    }
    d->summary = json_is_string(json_object_get(j, "summary")) ? bj_str(a, j, "summary") : bulletin_summary(a, d);
    if (!d->summary) return err_set(e, ST_NOMEM, "内存不足。");
    *out = d;
    return ST_OK;
}
