/* ledger_match — `ejia ledger match` and `ejia ledger explain`.
 *
 * Both read the ledger files given (any mix of xlsx, xls, CSV), run the
 * matcher (ledger/match.h) with the reviewers' decisions when given, and
 * then either write the results (links, zombies, review queue, golden
 * records) or explain one pair.  No server or database is needed: this is
 * the measurable contract of issue 5 —
 *   links   CSV, header "source,row,entity": source = file base name,
 *           row = 1-based data row, entity = E000001... equal for one enterprise
 *   zombies one entity id a line
 * Summary lines go to stderr so that stdout can be piped. */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "ledger/golden.h"
#include "ledger/match.h"
#include "ledger/table.h"
#include "ledger/zombie.h"

int cli_ledger_match(int argc, char **argv);
int cli_ledger_explain(int argc, char **argv);

static const char MATCH_USAGE[] =
    "用法: ejia ledger match [选项] 文件...\n"
    "  比对多个台账（xlsx、xls、CSV），找出同一企业，输出关联、僵尸企业、待复核队列和企业主记录。\n"
    "  --links OUT.csv      每条记录所属企业：source,row,entity（source 为文件名，row 为数据行号，从 1 起）\n"
    "  --zombies OUT.txt    僵尸企业编号，每行一个（默认只列依据确定者：登记状态吊销、注销、撤销或名称注明，\n"
    "                       填报从业人数的台账均为 0，实地核查无场所或未经营）\n"
    "  --zombie-reasons OUT.csv  每个僵尸或疑似僵尸企业的依据及其来源记录：entity,definite,reasons\n"
    "  --zombies-suspected  僵尸名单也列入疑似者（台账之间登记状态或从业人数矛盾，停业、清算、迁出等，待实地核查）\n"
    "  --rule-zombie-min-employees N  从业人数低于 N 视为无从业人员（默认 1，即为 0）\n"
    "  --review OUT.csv     待复核的记录对；在 decision 列填 same / different 后可作为 --decisions 再用\n"
    "  --decisions IN.csv   复核决定（列 a,b,decision；a、b 为 文件名:行号；decision 为 same 或 different）\n"
    "  --golden OUT.csv     每个企业的主记录与来源记录\n"
    "  --threads N          线程数（默认：CPU 核数）\n"
    "  --link-prob P        合并阈值：匹配概率不低于 P 时合并（默认 0.5）\n"
    "  --review-band LO,HI  匹配概率在 [LO, HI) 之间的记录对进入待复核队列（默认 0.2,0.8）\n"
    "  --quiet              不打印统计\n";

static const char EXPLAIN_USAGE[] =
    "用法: ejia ledger explain 文件... --a 文件名:行号 --b 文件名:行号 [--decisions IN.csv]\n"
    "  用与 ledger match 相同的文件和决定重新比对，解释这两条记录为何合并或不合并：\n"
    "  各字段的值、比较结果和权重，总分与匹配概率，起作用的硬规则或复核决定，\n"
    "  以及经由其他记录合并时的合并路径。文件名为不含目录的文件名，行号为数据行号（从 1 起）。\n"
    "  例: ejia ledger explain 台账/*.csv --a 01-经信局.xlsx:12 --b 06-思明区摸排.csv:40\n";

typedef struct opts {
    const char *links, *zombies, *zreasons, *review, *decisions, *golden, *a, *b;
    int threads, quiet, suspected;
    double link_prob, review_lo, review_hi;
    const char **files;
    int nfiles;
} opts;

/* Options may stand anywhere among the files. */
static int parse(int argc, char **argv, opts *o, int explain) {
    static const struct { const char *name; size_t off; } VAL[] = {
        {"--links", offsetof(opts, links)}, {"--zombies", offsetof(opts, zombies)},
        {"--zombie-reasons", offsetof(opts, zreasons)}, {"--review", offsetof(opts, review)},
        {"--decisions", offsetof(opts, decisions)}, {"--golden", offsetof(opts, golden)},
        {"--a", offsetof(opts, a)}, {"--b", offsetof(opts, b)},
    };
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    if (!o->files) return 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int done = 0;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(explain ? EXPLAIN_USAGE : MATCH_USAGE, stdout);
            return -1;
        }
        for (size_t k = 0; k < sizeof VAL / sizeof VAL[0] && !done; k++) {
            size_t n = strlen(VAL[k].name);
            if (strncmp(s, VAL[k].name, n) != 0 || (s[n] != 0 && s[n] != '=')) continue;
            const char *val = s[n] == '=' ? s + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val) { fprintf(stderr, "ejia ledger: 选项 %s 缺少值\n", VAL[k].name); return 1; }
            *(const char **)((char *)o + VAL[k].off) = val;
            done = 1;
        }
        if (done) continue;
        if (strcmp(s, "--threads") == 0 && i + 1 < argc) o->threads = atoi(argv[++i]);
        else if (strcmp(s, "--link-prob") == 0 && i + 1 < argc) o->link_prob = atof(argv[++i]);
        else if (strcmp(s, "--review-band") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%lf,%lf", &o->review_lo, &o->review_hi) != 2 || o->review_lo <= 0 ||
                o->review_hi <= o->review_lo || o->review_hi > 1) {
                fprintf(stderr, "ejia ledger: --review-band 应为 LO,HI，0 < LO < HI <= 1，如 0.2,0.8\n");
                return 1;
            }
        }
        else if (strcmp(s, "--quiet") == 0) o->quiet = 1;
        else if (strcmp(s, "--zombies-suspected") == 0) o->suspected = 1;
        else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "ejia ledger: 不认识的选项 %s\n%s", s, explain ? EXPLAIN_USAGE : MATCH_USAGE);
            return 1;
        } else o->files[o->nfiles++] = s;
    }
    if (!o->nfiles) { fputs(explain ? EXPLAIN_USAGE : MATCH_USAGE, stderr); return 1; }
    if (explain && (!o->a || !o->b)) { fprintf(stderr, "ejia ledger explain: 需要 --a 和 --b\n%s", EXPLAIN_USAGE); return 1; }
    if (o->link_prob < 0 || o->link_prob >= 1) { fprintf(stderr, "ejia ledger: --link-prob 应在 0 与 1 之间\n"); return 1; }
    return 0;
}

/* ---- reading the files: two at a time, each reader owns its table ---------------- */

typedef struct readjob {
    const char **files;
    int n;
    ledger_table **tables;
    err *errs;
    st *sts;
    int next;
    pthread_mutex_t mu;
} readjob;

static void *read_thread(void *arg) {
    readjob *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->mu);
        int i = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (i >= j->n) break;
        ledger_read_opts ro = {0};
        j->sts[i] = ledger_table_read(j->files[i], &ro, &j->tables[i], &j->errs[i]);
    }
    return NULL;
}

static int read_all(const opts *o, ledger_table **tables) {
    readjob j = {.files = o->files, .n = o->nfiles, .tables = tables};
    j.errs = calloc((size_t)o->nfiles, sizeof *j.errs);
    j.sts = calloc((size_t)o->nfiles, sizeof *j.sts);
    if (!j.errs || !j.sts) { free(j.errs); free(j.sts); return 1; }
    pthread_mutex_init(&j.mu, NULL);
    pthread_t t;
    int two = o->nfiles > 1 && o->threads != 1 && pthread_create(&t, NULL, read_thread, &j) == 0;
    read_thread(&j);
    if (two) pthread_join(t, NULL);
    pthread_mutex_destroy(&j.mu);
    int bad = 0;
    for (int i = 0; i < o->nfiles; i++)
        if (j.sts[i] != ST_OK) { fprintf(stderr, "ejia ledger: %s\n", j.errs[i].msg); bad = 1; }
    free(j.errs);
    free(j.sts);
    return bad;
}

/* ---- decisions file ---------------------------------------------------------------- */

/* Split one CSV line in place (quotes allowed); returns the number of fields. */
static int csv_split(char *s, char **f, int max) {
    int n = 0;
    while (n < max) {
        char *w = s;
        f[n++] = s;
        if (*s == '"') {
            char *r = ++s;
            w = f[n - 1] = s;
            for (;;) {
                if (!*r) break;
                if (*r == '"' && r[1] == '"') { *w++ = '"'; r += 2; continue; }
                if (*r == '"') { r++; break; }
                *w++ = *r++;
            }
            s = r;
            char *c = strchr(s, ',');
            *w = 0;
            if (!c) break;
            s = c + 1;
            continue;
        }
        char *c = strchr(s, ',');
        if (!c) break;
        *c = 0;
        s = c + 1;
        (void)w;
    }
    return n;
}

static int load_decisions(const char *path, arena *a, ledger_match_decision **out, size_t *n) {
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "ejia ledger: 无法打开复核决定文件 %s：%s\n", path, strerror(errno)); return 1; }
    char *line = NULL;
    size_t lc = 0, cap = 0;
    ssize_t l;
    int ca = -1, cb = -1, cd = -1, lineno = 0, bad = 0;
    *out = NULL;
    *n = 0;
    while ((l = getline(&line, &lc, f)) > 0) {
        lineno++;
        while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
        char *s = line;
        if (lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB) s += 3;
        char *fl[64];
        int nf = csv_split(s, fl, 64);
        if (ca < 0) {
            for (int i = 0; i < nf; i++) {
                if (!strcmp(fl[i], "a")) ca = i;
                else if (!strcmp(fl[i], "b")) cb = i;
                else if (!strcmp(fl[i], "decision")) cd = i;
            }
            if (ca < 0 || cb < 0 || cd < 0) {
                fprintf(stderr, "ejia ledger: %s 第 1 行应为表头，含 a、b、decision 三列\n", path);
                bad = 1;
                break;
            }
            continue;
        }
        if (cd >= nf || ca >= nf || cb >= nf || !fl[cd][0]) continue;     /* not decided yet */
        const char *d = fl[cd];
        ledger_match_verdict vd;
        if (!strcmp(d, "same") || !strcmp(d, "是") || !strcmp(d, "同一")) vd = LEDGER_MATCH_SAME;
        else if (!strcmp(d, "different") || !strcmp(d, "否") || !strcmp(d, "不同")) vd = LEDGER_MATCH_DIFFERENT;
        else {
            fprintf(stderr, "ejia ledger: %s 第 %d 行：decision 应为 same 或 different，而不是“%s”\n", path, lineno, d);
            bad = 1;
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            ledger_match_decision *p = realloc(*out, cap * sizeof *p);
            if (!p) { bad = 1; break; }
            *out = p;
        }
        (*out)[*n].a = arena_strdup(a, fl[ca]);
        (*out)[*n].b = arena_strdup(a, fl[cb]);
        (*out)[*n].verdict = vd;
        (*n)++;
    }
    free(line);
    fclose(f);
    return bad;
}

/* ---- outputs ----------------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s) {
    if (!s) s = "";
    if (!strpbrk(s, ",\"\n\r")) { fputs(s, f); return; }
    fputc('"', f);
    for (; *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
    fputc('"', f);
}

static FILE *open_out(const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "ejia ledger: 无法写入 %s：%s\n", path, strerror(errno));
    return f;
}

static int close_out(FILE *f, const char *path) {
    if (ferror(f) | fclose(f)) { fprintf(stderr, "ejia ledger: 写入 %s 失败\n", path); return 1; }
    return 0;
}

/* --links: the entity of every record. */
static int write_links(const char *path, const ledger_match_result *r, const char **names) {
    FILE *f = open_out(path);
    if (!f) return 1;
    fputs("source,row,entity\n", f);
    for (size_t i = 0; i < r->nrec; i++) {
        csv_field(f, names[r->recs[i].source]);
        fprintf(f, ",%d,E%06u\n", r->recs[i].row->row, r->entity[i] + 1);
    }
    return close_out(f, path);
}

/* --zombies: the zombie entities (definite ones, suspected too with --zombies-suspected). */
static int write_zombies(const char *path, const ledger_zombie *z, size_t nz, int suspected) {
    FILE *f = open_out(path);
    if (!f) return 1;
    for (size_t i = 0; i < nz; i++)
        if (z[i].definite || suspected) fprintf(f, "E%06u\n", z[i].entity + 1);
    return close_out(f, path);
}

/* --zombie-reasons: every zombie entity with its reasons. */
static int write_zreasons(const char *path, const ledger_zombie *z, size_t nz) {
    FILE *f = open_out(path);
    if (!f) return 1;
    fputs("entity,definite,reasons\n", f);
    for (size_t i = 0; i < nz; i++) {
        fprintf(f, "E%06u,%d,", z[i].entity + 1, z[i].definite);
        csv_field(f, z[i].reasons);
        fputc('\n', f);
    }
    return close_out(f, path);
}

/* --review: the uncertain pairs with their comparison levels. */
static int write_review(const char *path, const ledger_match_result *r) {
    FILE *f = open_out(path);
    if (!f) return 1;
    fputs("a,b,probability,weight,name_a,name_b", f);
    for (int k = 0; k < LMF__COUNT; k++) fprintf(f, ",%s", ledger_match_field_name((ledger_match_field)k));
    fputs(",decision\n", f);
    for (size_t i = 0; i < r->nreview; i++) {
        const ledger_match_pair *p = &r->review[i];
        csv_field(f, r->recs[p->a].key);
        fputc(',', f);
        csv_field(f, r->recs[p->b].key);
        fprintf(f, ",%.4f,%.2f,", p->prob, p->weight);
        csv_field(f, r->recs[p->a].row->val[LF_NAME]);
        fputc(',', f);
        csv_field(f, r->recs[p->b].row->val[LF_NAME]);
        for (int k = 0; k < LMF__COUNT; k++) fprintf(f, ",%s", ledger_match_level_name((ledger_match_field)k, p->lev[k]));
        fputs(",\n", f);
    }
    return close_out(f, path);
}

/* One golden record's line of --golden. */
static void golden_line(FILE *f, const ledger_match_result *r, const ledger_golden *g, const ledger_zombie *zz,
                        const char **names) {
    fprintf(f, "E%06u,", (unsigned)g->entity + 1);
    csv_field(f, g->name); fputc(',', f);
    csv_field(f, g->code); fputc(',', f);
    csv_field(f, g->district); fputc(',', f);
    csv_field(f, g->address); fputc(',', f);
    if (g->employees >= 0) fprintf(f, "%ld", g->employees);
    fputc(',', f);
    if (g->members >= 0) fprintf(f, "%ld", g->members);
    fprintf(f, ",%s,%s,", g->category, zz ? (zz->definite ? "是" : "疑似") : "");
    csv_field(f, zz ? zz->reasons : "");
    fputs(",\"", f);
    for (uint32_t x = 0; x < g->nrecs; x++)
        fprintf(f, "%s%s:%d", x ? ";" : "", names[r->recs[g->recs[x]].source], r->recs[g->recs[x]].row->row);
    fputs("\"\n", f);
}

/* --golden: one golden record per entity, with zombie findings and lineage. */
static int write_golden(const char *path, ledger_match_result *r, const ledger_zombie *z, size_t nz,
                        const char **names, arena *a) {
    ledger_golden *g;
    err e = {0};
    if (ledger_golden_build(r, a, &g, &e)) {
        fprintf(stderr, "ejia ledger: %s\n", e.msg);
        return 1;
    }
    FILE *f = open_out(path);
    if (!f) return 1;
    fputs("entity,name,code,district,address,employees,members,category,zombie,zombie_reasons,records\n", f);
    size_t zi = 0;
    for (size_t k = 0; k < r->nentity; k++) {
        while (zi < nz && z[zi].entity < k) zi++;
        golden_line(f, r, &g[k], (zi < nz && z[zi].entity == k) ? &z[zi] : NULL, names);
    }
    return close_out(f, path);
}

static double now(void);

static int write_outputs(const opts *o, ledger_match_result *r, ledger_table **tables, arena *a) {
    const char **names = arena_calloc(a, (size_t)o->nfiles, sizeof *names);
    if (!names) return 1;
    for (int i = 0; i < o->nfiles; i++) names[i] = tables[i]->source;
    int bad = 0;
    if (o->links) bad |= write_links(o->links, r, names);
    ledger_zombie *z = NULL;
    size_t nz = 0;
    err e = {0};
    double t0 = now();
    if ((o->zombies || o->zreasons || o->golden || !o->quiet) && ledger_zombie_find(r, names, NULL, a, &z, &nz, &e)) {
        fprintf(stderr, "ejia ledger: %s\n", e.msg);
        return 1;
    }
    double t1 = now();
    size_t ndef = 0;
    for (size_t i = 0; i < nz; i++) ndef += z[i].definite;
    if (o->zombies) bad |= write_zombies(o->zombies, z, nz, o->suspected);
    if (o->zreasons) bad |= write_zreasons(o->zreasons, z, nz);
    if (o->review) bad |= write_review(o->review, r);
    if (o->golden) bad |= write_golden(o->golden, r, z, nz, names, a);
    if (!o->quiet)
        fprintf(stderr, "僵尸企业 %zu 家（确定 %zu，疑似 %zu，判定 %.2f 秒）\n", nz, ndef, nz - ndef, t1 - t0);
    return bad;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Shared by both commands: read, collect, match.  On success the caller frees
 * *res, the tables and the arena. */
static int run(const opts *o, ledger_table **tables, arena *a, ledger_match_rec **recs,
               ledger_match_result **res) {
    double t0 = now();
    if (read_all(o, tables)) return 1;
    double t1 = now();
    size_t n = 0, cap = 0;
    err e = {0};
    for (int i = 0; i < o->nfiles; i++)
        if (ledger_match_add_table(recs, &n, &cap, a, tables[i], i, &e)) { fprintf(stderr, "ejia ledger: %s\n", e.msg); return 1; }
    ledger_match_decision *dec = NULL;
    size_t ndec = 0;
    if (o->decisions && load_decisions(o->decisions, a, &dec, &ndec)) { free(dec); return 1; }
    ledger_match_opts mo = {.threads = o->threads, .link_prob = o->link_prob, .review_lo = o->review_lo,
                            .review_hi = o->review_hi, .decisions = dec, .ndecisions = ndec};
    st s = ledger_match_run(*recs, n, &mo, res, &e);
    free(dec);
    if (s) { fprintf(stderr, "ejia ledger: %s\n", e.msg); return 1; }
    double t2 = now();
    if (!o->quiet) {
        const ledger_match_stats *ms = &(*res)->stats;
        fprintf(stderr, "读取 %d 个文件 %zu 条记录 %.2f 秒；匹配 %.2f 秒（特征 %.2f，分块 %.2f，打分 %.2f，聚类 %.2f）\n",
                o->nfiles, n, t1 - t0, t2 - t1, ms->seconds_features, ms->seconds_blocking, ms->seconds_scoring,
                ms->seconds_cluster);
        fprintf(stderr, "比较 %zu 对，合并 %zu 次，规则拒绝 %zu 次（信用代码 %zu，分支机构 %zu，复核 %zu），"
                        "待复核 %zu 对，复核决定 %zu 条（已用 %zu，找不到记录 %zu，与硬规则冲突 %zu）\n",
                ms->compared, ms->links, ms->refused_codes + ms->refused_branch + ms->refused_decision,
                ms->refused_codes, ms->refused_branch, ms->refused_decision, (*res)->nreview, ndec,
                ms->decisions_applied, ms->decisions_unknown, ms->decisions_conflict);
        fprintf(stderr, "企业 %zu 家（EM 迭代 %d 次，匹配占比 λ=%.4f）\n", (*res)->nentity, ms->em_iterations,
                (*res)->lambda);
    }
    return 0;
}

static void cleanup(ledger_table **tables, int n, arena *a, ledger_match_rec *recs, ledger_match_result *res,
                    opts *o) {
    ledger_match_free(res);
    for (int i = 0; tables && i < n; i++) ledger_table_free(tables[i]);
    free(tables);
    free(recs);
    arena_free(a);
    free(o->files);
}

int cli_ledger_match(int argc, char **argv) {
    opts o;
    int pr = parse(argc, argv, &o, 0);
    if (pr) { free(o.files); return pr < 0 ? 0 : 2; }
    ledger_table **tables = calloc((size_t)o.nfiles, sizeof *tables);
    arena a;
    arena_init(&a, 0);
    ledger_match_rec *recs = NULL;
    ledger_match_result *res = NULL;
    int rc = !tables || run(&o, tables, &a, &recs, &res) || write_outputs(&o, res, tables, &a);
    cleanup(tables, o.nfiles, &a, recs, res, &o);
    return rc;
}

int cli_ledger_explain(int argc, char **argv) {
    opts o;
    int pr = parse(argc, argv, &o, 1);
    if (pr) { free(o.files); return pr < 0 ? 0 : 2; }
    o.quiet = 1;
    ledger_table **tables = calloc((size_t)o.nfiles, sizeof *tables);
    arena a;
    arena_init(&a, 0);
    ledger_match_rec *recs = NULL;
    ledger_match_result *res = NULL;
    int rc = !tables || run(&o, tables, &a, &recs, &res);
    if (!rc) {
        long ia = ledger_match_find(res, o.a), ib = ledger_match_find(res, o.b);
        if (ia < 0 || ib < 0) {
            fprintf(stderr, "ejia ledger explain: 找不到记录 %s（格式 文件名:数据行号，如 02-网信办.csv:17）\n",
                    ia < 0 ? o.a : o.b);
            rc = 2;
        } else {
            buf b;
            buf_init(&b, 1 << 20);
            err e = {0};
            buf sum, pl;   /* plain words first, the weights after */
            buf_init(&sum, 1 << 16);
            buf_init(&pl, 1 << 16);
            if (ledger_match_explain_plain(res, (uint32_t)ia, (uint32_t)ib, &sum, &pl, &e) ||
                ledger_match_explain(res, (uint32_t)ia, (uint32_t)ib, &b, &e)) {
                fprintf(stderr, "ejia ledger explain: %s\n", e.msg);
                rc = 1;
            } else printf("%s\n%s\n%s", sum.data ? sum.data : "", pl.data ? pl.data : "", b.data ? b.data : "");
            buf_free(&sum);
            buf_free(&pl);
            buf_free(&b);
        }
    }
    cleanup(tables, o.nfiles, &a, recs, res, &o);
    return rc;
}
