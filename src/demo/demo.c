/* demo — see demo.h.  Steps run in order inside one transaction; a module
 * that wants demo data adds a step to demo_steps[]. */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_users.h"
#include "core/embed.h"
#include "covkept/covkept.h"
#include "ledger/code.h"
#include "bulletin/bulletin.h"

uint64_t demo_next(demo_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int demo_range(demo_rng *r, int lo, int hi) {
    return lo + (int)(demo_next(r) % (uint64_t)(hi - lo + 1));
}

/* A valid 18-digit number for a person born in district `region` on day `birth` (YYYY-MM-DD). */
void demo_id_number(demo_rng *r, const char *region, const char *birth, bool male, char out[19]) {
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int seq = demo_range(r, 0, 49) * 2 + (male ? 1 : 0);   /* the 17th digit: odd for men */
    char tail[4];
    snprintf(tail, sizeof tail, "%02u%u", (unsigned)demo_range(r, 0, 99) % 100u, (unsigned)seq % 10u);
    memcpy(out, region, 6);
    memcpy(out + 6, birth, 4);
    memcpy(out + 10, birth + 5, 2);
    memcpy(out + 12, birth + 8, 2);
    memcpy(out + 14, tail, 3);
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (out[i] - '0') * w[i];
    out[17] = map[sum % 11];
    out[18] = 0;
}

static const struct { const char *code, *name; int weight; const char *roads[4]; } districts[] = {
    {"350203", "思明区", 35, {"观日路", "望海路", "湖滨南路", "莲前西路"}},
    {"350206", "湖里区", 30, {"吕岭路", "金尚路", "创新路", "仙岳路"}},
    {"350211", "集美区", 12, {"诚毅大街", "凤岐路", "杏林湾路", "集美大道"}},
    {"350205", "海沧区", 8, {"海沧大道", "沧林东路", "翁角路", "马青路"}},
    {"350212", "同安区", 7, {"同集路", "环城南路", "西柯街", "祥平路"}},
    {"350213", "翔安区", 8, {"翔安南路", "新店大道", "翔安东路", "民安大道"}},
};

static const struct { const char *code, *name, *district; } parks[] = {
    {"P0001", "软件园一期", "350203"},
    {"P0002", "软件园二期", "350203"},
    {"P0003", "软件园三期", "350211"},
    {"P0004", "火炬园", "350206"},
    {"P0005", "观音山国际商务营运中心", "350203"},
    {"P0006", "海沧信息产业园", "350205"},
    {"P0007", "翔安火炬产业区", "350213"},
    {"P0008", "同安工业集中区", "350212"},
};

static const struct { const char *trade, *category; } trades[] = {
    {"网络科技", "数据"}, {"信息技术", "数据"}, {"软件", "数据"}, {"数据科技", "数据"},
    {"智能科技", "数据"}, {"电子商务", "电商"}, {"商务信息", "电商"}, {"供应链管理", "电商"},
    {"网络游戏", "网游"}, {"互动娱乐", "网游"}, {"动漫", "网游"}, {"文化传媒", "新闻"},
    {"网络传媒", "新闻"}, {"新闻信息", "新闻"}, {"金融信息服务", "金融"}, {"支付科技", "金融"},
    {"网络通讯", "社交"}, {"社交网络", "社交"}, {"互联网信息服务", "社交"},
};

/* The city, districts and streets are reference data (db/seed.c); the demo adds parks. */
static st step_regions(demo_ctx *c, err *e) {
    st s = ST_OK;
    for (size_t i = 0; !s && i < sizeof parks / sizeof parks[0]; i++)
        s = db_run(c->d, "INSERT INTO region(code, name, kind, parent_code) VALUES ($1, $2, 'park', $3)", e,
                   "ttt", parks[i].code, parks[i].name, parks[i].district);
    return s;
}

/* A valid unified social credit code: 91 (enterprise), region, organisation
 * code with its GB 11714 check, GB 32100 check character. */
static void make_uscc(demo_rng *r, const char *region, char out[19]) {
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (;;) {
        snprintf(out, 19, "91%.6s", region);
        for (int i = 8; i < 16; i++) out[i] = i < 10 && demo_range(r, 0, 3) == 0 ? "MA"[i - 8] : alpha[demo_range(r, 0, 9)];
        char want = 0;
        out[16] = '0';
        out[17] = '0';
        out[18] = 0;
        code_org_check(out + 8, 9, &want);
        if (!want) continue;
        out[16] = want;
        code_uscc_check(out, 18, &want, NULL);
        if (!want) continue;
        out[17] = want;
        if (code_uscc_check(out, 18, NULL, NULL) == CODE_USCC_OK) return;
    }
}

static st step_enterprises(demo_ctx *c, err *e) {
    const struct embedded_file *f = embed_find("data/brands-demo.txt");
    if (!f) return err_set(e, ST_INTERNAL, "缺少内置的字号数据。");
    /* Index the brand lines once. */
    const char *lines[4096];
    int nb = 0;
    for (const char *p = (const char *)f->data, *end = p + f->size; p < end && nb < 4096;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        if (nl > p) lines[nb++] = p;
        p = nl + 1;
    }
    int total_w = 0;
    for (size_t i = 0; i < sizeof districts / sizeof districts[0]; i++) total_w += districts[i].weight;
    st s = ST_OK;
    for (int i = 0; !s && i < c->enterprises; i++) {
        demo_rng *r = &c->rng;
        int w = demo_range(r, 1, total_w), di = 0;
        while (w > districts[di].weight) w -= districts[di++].weight;
        const char *bl = lines[demo_range(r, 0, nb - 1)];
        int blen = (int)strcspn(bl, "\n");
        int ti = demo_range(r, 0, (int)(sizeof trades / sizeof trades[0]) - 1);
        char name[256];
        snprintf(name, sizeof name, "厦门%.*s%s%s", blen, bl, trades[ti].trade,
                 demo_range(r, 0, 9) ? "有限公司" : "股份有限公司");
        char uscc[19];
        make_uscc(r, districts[di].code, uscc);
        const char *park = NULL;
        for (size_t k = 0; k < sizeof parks / sizeof parks[0]; k++)
            if (!strcmp(parks[k].district, districts[di].code) && demo_range(r, 0, 2) == 0) park = parks[k].code;
        char addr[256];
        const char *park_name = "";
        for (size_t k = 0; park && k < sizeof parks / sizeof parks[0]; k++)
            if (!strcmp(parks[k].code, park)) park_name = parks[k].name;
        snprintf(addr, sizeof addr, "厦门市%s%s%s%d号%d室", districts[di].name, park_name,
                 districts[di].roads[demo_range(r, 0, 3)], demo_range(r, 1, 999),
                 demo_range(r, 1, 30) * 100 + demo_range(r, 1, 20));
        /* Head counts: most small, a few large.  Members: internet firms hire young graduates, many of
         * them joined at university — from a few to a third of the staff (about 15% on the whole, so
         * the default city registers some 8,000), none in one firm in five. */
        int size_class = demo_range(r, 0, 99);
        int employees = size_class < 55 ? demo_range(r, 3, 30) : size_class < 88 ? demo_range(r, 31, 150)
                        : size_class < 98 ? demo_range(r, 151, 800) : demo_range(r, 801, 3000);
        int members = employees * demo_range(r, 2, 34) / 100;
        if (demo_range(r, 0, 4) == 0) members = 0;
        const char *status = "存续";
        int zombie = 0;
        const char *reason = NULL;
        int z = demo_range(r, 0, 99);
        if (z < 3) { status = "吊销"; zombie = 1; reason = "登记状态为吊销"; }
        else if (z < 5) { status = "注销"; zombie = 1; reason = "登记状态为注销"; }
        else if (z < 7) { employees = 0; members = 0; zombie = 1; reason = "从业人数为 0"; }
        /* Streets: pick one of the district's by code order. */
        char street[16];
        snprintf(street, sizeof street, "%s%03d", districts[di].code, demo_range(r, 1, 4));
        int64_t have = 0;
        s = db_query_int(c->d, &have, "SELECT COUNT(*) FROM region WHERE code = $1", e, "t", street);
        if (s) break;
        s = db_run(c->d,
                   "INSERT INTO enterprise(name, uscc, district_code, street_code, park_code, address, category, "
                   "employees, members, status, zombie, zombie_reason, created_at, updated_at) "
                   "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,{{NOW}},{{NOW}}) ON CONFLICT DO NOTHING",
                   e, "tttttttiitit", name, uscc, districts[di].code, have ? street : NULL, park, addr,
                   trades[ti].category, (int64_t)employees, (int64_t)members, status, (int64_t)zombie, reason);
    }
    return s;
}

st demo_org_fill(demo_ctx *c, err *e);   /* demo_org.c: organizations with a dated history */

typedef struct demo_step { const char *name; st (*fn)(demo_ctx *c, err *e); } demo_step;
static const demo_step demo_steps[] = {
    {"regions", step_regions},
    {"enterprises", step_enterprises},
    {"organizations", demo_org_fill},
    {"users", demo_users_fill},
    {NULL, NULL},
};

st demo_is_empty(db *d, int *empty, err *e) {
    int64_t n = 0;
    /* regions are always there (reference data): "empty" means no enterprise yet */
    st s = db_query_int(d, &n, "SELECT (SELECT COUNT(*) FROM enterprise) + (SELECT COUNT(*) FROM meta WHERE key = 'demo')",
                        e, "");
    *empty = !s && n == 0;
    return s;
}

/* The campaign's bulletins, one every 旬 from January to mid-June 2018, as the
 * office issued them; the last 旬 (2018-06-3) is left for the user to issue. */
static st demo_bulletins(demo_ctx *c, err *e) {
    st s = ST_OK;
    for (int m = 1; !s && m <= 6; m++)
        for (int x = 1; !s && x <= 3; x++) {
            if (m == 6 && x == 3) break;
            org_xun xun = {2018, m, x};
            bulletin_doc *doc = NULL;
            s = bulletin_store_issue(&c->use, &xun, "demo", &doc, e);
        }
    return s;
}

static st demo_fill_all(demo_ctx *c, err *e);

st demo_fill(demo_ctx *c, err *e) {
    int empty = 0;
    st s = demo_is_empty(c->d, &empty, e);
    if (s) return s;
    if (!empty) return err_set(e, ST_CONFLICT, "数据库中已有数据，演示数据只能填入新数据库。");
    arena_init(&c->mem, 0);
    uc_cli(&c->use, c->d, &c->mem);
    c->use.who.username = "demo";   /* the audit trail names the demo as the actor of its data */
    s = demo_fill_all(c, e);
    arena_free(&c->mem);
    return s;
}

static st demo_fill_all(demo_ctx *c, err *e) {
    st s = ST_OK;
    if ((s = db_begin(c->d, e))) return s;
    for (const demo_step *st_ = demo_steps; !s && st_->name; st_++) s = st_->fn(c, e);
    /* the enterprises went in by plain INSERT: the kept coverage figures counted once from them, kept by every write after */
    int64_t groups = 0;
    if (!s) s = covkept_store_rebuild(c->d, &groups, e);
    if (!s) s = db_run(c->d, "INSERT INTO meta(key, value) VALUES ('demo', 'yes')", e, "");
    if (!s) s = db_commit(c->d, e);
    else db_rollback(c->d);
    /* The registry's years, then the development pipeline, in transactions of their own after the
       commit (demo_members.c says why) */
    if (!s) s = demo_members_fill(c, e);
    if (!s && !(s = db_begin(c->d, e))) {
        s = demo_develop_fill(c, e);
        if (!s) s = db_commit(c->d, e);
        else db_rollback(c->d);
    }
    /* each import and round is a transaction of its own: after the commit */
    if (!s) s = demo_ledger_campaign(c, e);
    /* a transaction per branch: on PostgreSQL every audited act updates the audit chain's one
       head row, and thousands of versions of one row in a single transaction cost quadratic time */
    if (!s) s = demo_meetings_fill(c, e);
    if (!s) s = demo_notices_fill(c, e);
    if (!s) s = demo_transfers_fill(c, e);
    if (!s) s = demo_flows_fill(c, e);   /* 流动党员 (issue 17): before the dues, counted where they are managed */
    if (!s) s = demo_study_fill(c, e);   /* 课程与学时 (issue 16) */
    if (!s) s = demo_dues_fill(c, e);
    if (!s) s = demo_exam_fill(c, e);   /* 考试 (issue 16) */
    if (!s) s = demo_register_fill(c, e);   /* the register after the campaign (issue 23): proposals left pending */
    if (!s) s = demo_org_people_fill(c, e);   /* organizations' people and terms (issue 23) */
    if (!s) s = demo_study_progress_fill(c, e);   /* 学时完成情况 (issue 16) */
    if (!s) s = demo_training_fill(c, e);   /* 轮训 (issue 16) */
    if (!s) s = demo_alliance_fill(c, e);   /* 党建联盟 (issue 23) */
    if (!s) s = demo_liaison_fill(c, e);   /* 领导挂钩联系 (issue 23) */
    if (!s) s = demo_review_fill(c, e);   /* 内容预审 (issue 19) */
    if (!s) s = demo_map_fill(c, e);   /* the map's coordinates (issue 19) */
    if (!s) s = demo_volunteer_fill(c, e);   /* 志愿服务 (issue 18): its confirmed hours before the points */
    if (!s) s = demo_center_fill(c, e);   /* 党群服务中心 (issue 19): after the coordinates */
    if (!s) s = demo_points_fill(c, e);   /* 积分 (issue 18): over every step's activity (none writes any after it) */
    if (!s) s = demo_assess_fill(c, e);   /* 责任考核 (issue 23): last, from what the steps before left, points included */
    if (!s) s = demo_stars_fill(c, e);   /* 星级评定、星级权益 (issue 18): after the points, from what the steps before left */
    if (!s && !c->no_bulletins) s = demo_bulletins(c, e);
    return s;
}
