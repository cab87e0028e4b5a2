/* explain — why two records were merged into one enterprise, or not.
 *
 * Two texts from the same comparison vector.  The plain one
 * (ledger_match_explain_plain) is for the reviewer: which fields agree,
 * differ or are missing ("名称和所属区相同；地址不同；信用代码一方缺失"), how sure
 * the score is in words, any rule or decision, and the outcome in this round.
 * The detailed one (ledger_match_explain) prints, in Chinese: both records as read and as normalized; per field the
 * two values, the comparison level and its Fellegi–Sunter weight
 * log2(m/u) with the m and u that EM estimated; the total, the prior and
 * the match probability against the link threshold; the hard rule or review
 * decision that forced the outcome; whether blocking ever compared them; and
 * when they ended in one enterprise through other records, the chain of
 * links that joined them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/match.h"
#include "ledger/norm.h"
#include "ledger/pii.h"

static const char *v(const char *s) { return s && s[0] ? s : "—"; }

static void field_values(const ledger_match_rec *rec, ledger_match_field f, char *o, size_t cap) {
    const ledger_row *r = rec->row;
    switch (f) {
    case LMF_NAME: snprintf(o, cap, "%s", v(r->val[LF_NAME])); break;
    case LMF_CODE: {
        static const char *const K[] = {"", "有效", "校验不通过", "注册号", "其他"};
        snprintf(o, cap, "%s%s%s%s", v(r->val[LF_CODE]), r->code_kind ? "（" : "",
                 r->code_kind ? K[r->code_kind] : "", r->code_kind ? "）" : "");
        break;
    }
    /* personal data: shown masked, as everywhere (pii.h) — equal or not is what explains */
    case LMF_PHONE: {
        char m[64];
        ledger_pii_mask(PII_PHONE, r->val[LF_PHONE], m, sizeof m);
        snprintf(o, cap, "%s", v(m));
        break;
    }
    case LMF_CONTACT: {
        char m[64];
        ledger_pii_mask(PII_NAME, r->val[LF_CONTACT], m, sizeof m);
        snprintf(o, cap, "%s", v(m));
        break;
    }
    case LMF_ADDRESS: snprintf(o, cap, "%s", v(r->val[LF_ADDRESS])); break;
    case LMF_DISTRICT: snprintf(o, cap, "%s", v(r->val[LF_DISTRICT])); break;
    default: o[0] = 0;
    }
}

/* ---- plain words ---------------------------------------------------------------------- */

/* What a field's comparison level says: agree, close (a phrase of its own),
 * differ, or missing (level 0, told apart by the raw values).  A name or an
 * address at the top level but written differently is "close": saying 相同 of
 * two names the reviewer sees differ would mislead. */
enum { PL_SAME, PL_NEAR, PL_DIFF, PL_MISS };
static int plain_kind(ledger_match_field f, int l, int alike) {
    if (l <= 0) return PL_MISS;
    switch (f) {
    case LMF_NAME: return l == 1 ? (alike ? PL_SAME : PL_NEAR) : l == 6 ? PL_DIFF : PL_NEAR;
    case LMF_CODE: return l == 1 ? PL_SAME : l == 2 ? PL_NEAR : PL_DIFF;
    /* the same text without a room number compares at level 2: still 相同 */
    case LMF_ADDRESS: return (l == 1 || l == 2) && alike ? PL_SAME : l == 4 ? PL_DIFF : PL_NEAR;
    default: return l == 1 ? PL_SAME : PL_DIFF;
    }
}
static const char *near_text(ledger_match_field f, int l) {
    if (f == LMF_NAME && l == 1) return "名称写法不同，但字号和行业相同";
    if (f == LMF_ADDRESS && l == 1) return "地址写法不同，但门牌和室号相同";
    if (f == LMF_NAME)
        return l == 2 ? "名称字号相同、行业用词相近" : l == 3 ? "名称字号仅差一字（错字或颠倒）"
             : l == 4 ? "名称字号相同但行业不同" : "名称字号相近但行业不同";
    if (f == LMF_CODE) return "信用代码仅差一位（疑似录错）";
    return l == 2 ? "地址门牌相同（一方没有室号）" : "地址门牌相同但室号不同";
}

/* Field names joined as Chinese lists them: 甲、乙和丙. */
static void join_names(buf *out, const int *fs, int n) {
    for (int i = 0; i < n; i++)
        buf_printf(out, "%s%s", i == 0 ? "" : i == n - 1 ? "和" : "、",
                   ledger_match_field_name((ledger_match_field)fs[i]));
}

void ledger_match_summary(const uint8_t lev[LMF__COUNT], const uint8_t has_a[LMF__COUNT], const uint8_t has_b[LMF__COUNT],
                          const uint8_t alike[LMF__COUNT], buf *out) {
    int same[LMF__COUNT], diff[LMF__COUNT], one[LMF__COUNT], none[LMF__COUNT], odd[LMF__COUNT];
    int ns = 0, nd = 0, n1 = 0, n0 = 0, no = 0, parts = 0;
    for (int f = 0; f < LMF__COUNT; f++) {
        int k = plain_kind((ledger_match_field)f, lev[f], alike[f]);
        if (k == PL_SAME) same[ns++] = f;
        else if (k == PL_DIFF) diff[nd++] = f;
        else if (k == PL_MISS) {
            if (has_a[f] && has_b[f]) odd[no++] = f;            /* both filled, not comparable */
            else if (has_a[f] || has_b[f]) one[n1++] = f;
            else none[n0++] = f;
        }
    }
    if (ns) { join_names(out, same, ns); buf_puts(out, ns == LMF__COUNT ? "都相同" : "相同"); parts++; }
    for (int f = 0; f < LMF__COUNT; f++)
        if (plain_kind((ledger_match_field)f, lev[f], alike[f]) == PL_NEAR) {
            buf_printf(out, "%s%s", parts++ ? "；" : "", near_text((ledger_match_field)f, lev[f]));
        }
    if (nd) {
        buf_puts(out, parts++ ? "；" : "");
        join_names(out, diff, nd);
        buf_puts(out, nd == LMF__COUNT ? "都不同" : "不同");
    }
    if (n1) { buf_puts(out, parts++ ? "；" : ""); join_names(out, one, n1); buf_puts(out, "一方缺失"); }
    if (n0) { buf_puts(out, parts++ ? "；" : ""); join_names(out, none, n0); buf_puts(out, "双方都缺失"); }
    if (no) { buf_puts(out, parts++ ? "；" : ""); join_names(out, odd, no); buf_puts(out, "无法比较（格式无法识别）"); }
    buf_puts(out, "。");
}

static int has_value(const ledger_row *r, ledger_match_field f) {
    static const int LF[LMF__COUNT] = {LF_NAME, LF_CODE, LF_PHONE, LF_CONTACT, LF_ADDRESS, LF_DISTRICT};
    const char *s = r->val[LF[f]];
    return s && s[0];
}

static const char *rule_text(int why);

st ledger_match_explain_plain(const ledger_match_result *r, uint32_t a, uint32_t b, buf *summary, buf *out, err *e) {
    if (a >= r->nrec || b >= r->nrec) return err_set(e, ST_INVALID, "记录编号超出范围");
    if (a > b) { uint32_t t = a; a = b; b = t; }
    ledger_match_pair p;
    ledger_match_compare(r, a, b, &p);
    uint8_t ha[LMF__COUNT], hb[LMF__COUNT], alike[LMF__COUNT];
    for (int f = 0; f < LMF__COUNT; f++) {
        ha[f] = (uint8_t)has_value(r->recs[a].row, (ledger_match_field)f);
        hb[f] = (uint8_t)has_value(r->recs[b].row, (ledger_match_field)f);
        alike[f] = 1;
    }
    /* names as normalized (full-width, traditional characters, spaces aside); addresses as written */
    const char *na = r->info[a].name, *nb = r->info[b].name;
    alike[LMF_NAME] = (uint8_t)(na && nb && !strcmp(na, nb));
    const char *aa = r->recs[a].row->val[LF_ADDRESS], *ab = r->recs[b].row->val[LF_ADDRESS];
    alike[LMF_ADDRESS] = (uint8_t)(aa && ab && !strcmp(aa, ab));
    ledger_match_summary(p.lev, ha, hb, alike, summary);
    int pct = (int)lround(p.prob * 100);
    if (p.prob >= r->link_prob && p.prob >= 0.8)
        buf_printf(out, "按各项比较，很可能是同一企业（把握约 %d%%）。\n", pct);
    else if (p.prob >= r->link_prob)
        buf_printf(out, "按各项比较，倾向于是同一企业，但把握不大（约 %d%%）。\n", pct);
    else if (p.prob >= 0.2)
        buf_printf(out, "按各项比较，难以判断是否同一企业（约 %d%%），需要人工确认。\n", pct);
    else
        buf_printf(out, "按各项比较，很可能不是同一企业（约 %d%%）。\n", pct);
    ledger_match_why rule = ledger_match_rule(r, a, b);
    if (rule != LMW_SCORE) buf_printf(out, "%s。\n", rule_text(rule));
    else
        for (size_t i = 0; i < r->nlinks; i++)
            if (r->links[i].a == a && r->links[i].b == b && r->links[i].why == LMW_DECISION)
                buf_printf(out, "%s。\n", rule_text(LMW_DECISION));
    for (size_t i = 0; i < r->nreview; i++)
        if (r->review[i].a == a && r->review[i].b == b) buf_puts(out, "系统拿不准，已列入待审队列，请人工判定。\n");
    int direct = 0;
    for (size_t i = 0; i < r->nlinks && !direct; i++) direct = r->links[i].a == a && r->links[i].b == b;
    if (r->entity[a] == r->entity[b])
        buf_printf(out, "本轮结果：两条记录已合并为同一企业（企业 %u%s）。\n", r->entity[a] + 1,
                   direct ? "" : "，经由其他记录相连");
    else
        buf_printf(out, "本轮结果：两条记录分属不同企业（企业 %u 和 %u）。\n", r->entity[a] + 1, r->entity[b] + 1);
    if ((out->cap && out->len >= out->cap) || (summary->cap && summary->len >= summary->cap))
        return err_set(e, ST_TOO_LARGE, "解释文本过长");
    return ST_OK;
}

static const char *rule_text(int why) {
    switch (why) {
    case LMW_RULE_CODES: return "硬规则：两个不同的有效统一社会信用代码不可能是同一企业";
    case LMW_RULE_BRANCH: return "硬规则：分公司不是总公司（也不是另一家分公司）";
    case LMW_RULE_DECISION: return "复核决定：人工判定“不是同一企业”";
    case LMW_DECISION: return "复核决定：人工判定“是同一企业”";
    default: return "得分超过合并阈值";
    }
}

/* Chain of links from a to b inside one entity (breadth-first over r->links). */
static void chain(const ledger_match_result *r, uint32_t a, uint32_t b, buf *out) {
    uint32_t ent = r->entity[a];
    size_t nl = 0;
    for (size_t i = 0; i < r->nlinks; i++) nl += r->entity[r->links[i].a] == ent;
    size_t cap = nl * 2 + 2;
    uint32_t *node = malloc(cap * sizeof *node), *prev = malloc(cap * sizeof *prev);
    size_t *via = malloc(cap * sizeof *via);
    if (!node || !prev || !via) { free(node); free(prev); free(via); return; }
    size_t head = 0, tail = 0;
    node[tail] = a; prev[tail] = UINT32_MAX; via[tail++] = 0;
    long found = -1;
    while (head < tail && found < 0) {
        uint32_t x = node[head];
        for (size_t i = 0; i < r->nlinks && tail < cap; i++) {
            const ledger_match_pair *l = &r->links[i];
            uint32_t y;
            if (l->a == x) y = l->b; else if (l->b == x) y = l->a; else continue;
            int seen = 0;
            for (size_t k = 0; k < tail && !seen; k++) seen = node[k] == y;
            if (seen) continue;
            node[tail] = y; prev[tail] = (uint32_t)head; via[tail] = i;
            if (y == b) { found = (long)tail; tail++; break; }
            tail++;
        }
        head++;
    }
    if (found >= 0) {
        buf_puts(out, "合并路径（经由其他记录）：\n");
        for (long k = found; prev[k] != UINT32_MAX; k = prev[k]) {
            const ledger_match_pair *l = &r->links[via[k]];
            buf_printf(out, "  %s ⟷ %s  权重 %.1f，概率 %.4f，%s\n", r->recs[l->a].key, r->recs[l->b].key,
                       l->weight, l->prob, rule_text(l->why));
        }
    }
    free(node); free(prev); free(via);
}

st ledger_match_explain(const ledger_match_result *r, uint32_t a, uint32_t b, buf *out, err *e) {
    if (a >= r->nrec || b >= r->nrec) return err_set(e, ST_INVALID, "记录编号超出范围");
    if (a > b) { uint32_t t = a; a = b; b = t; }
    ledger_match_pair p;
    ledger_match_compare(r, a, b, &p);
    const ledger_match_rec *ra = &r->recs[a], *rb = &r->recs[b];
    const ledger_match_info *ia = &r->info[a], *ib = &r->info[b];
    buf_printf(out, "记录 A：%s\n  规范化：%s  [字号 %s｜行业 %s%s%s]\n", ra->key, v(ia->name), v(ia->brand),
               v(ia->trade), ia->is_branch ? "｜分支 " : "", ia->is_branch ? v(ia->branch) : "");
    buf_printf(out, "记录 B：%s\n  规范化：%s  [字号 %s｜行业 %s%s%s]\n\n", rb->key, v(ib->name), v(ib->brand),
               v(ib->trade), ib->is_branch ? "｜分支 " : "", ib->is_branch ? v(ib->branch) : "");
    buf_puts(out, "字段比较（权重 = log2(m/u)，m、u 由本次数据的 EM 估计）：\n");
    for (int f = 0; f < LMF__COUNT; f++) {
        char va[512], vb[512];
        field_values(ra, (ledger_match_field)f, va, sizeof va);
        field_values(rb, (ledger_match_field)f, vb, sizeof vb);
        int l = p.lev[f];
        buf_printf(out, "  %s：%s ｜ %s\n      → %s", ledger_match_field_name((ledger_match_field)f), va, vb,
                   ledger_match_level_name((ledger_match_field)f, l));
        if (l) buf_printf(out, "，权重 %+.2f（m=%.4f，u=%.4f）\n", log2(r->m[f][l] / r->u[f][l]), r->m[f][l], r->u[f][l]);
        else buf_puts(out, "，不计分\n");
    }
    double prior = log2(r->lambda / (1 - r->lambda));
    buf_printf(out, "\n合计权重 %+.2f，先验 %+.2f（匹配占比 λ=%.4f），匹配概率 %.4f；合并阈值 %.2f → %s\n",
               p.weight, prior, r->lambda, p.prob, r->link_prob, p.prob >= r->link_prob ? "得分足以合并" : "得分不足以合并");
    char keys[1024];
    int compared = ledger_match_shared_keys(r, a, b, keys, sizeof keys);
    buf_printf(out, "分块：%s\n", compared ? keys : keys[0] ? keys : "没有共同的分块键，两条记录未被直接比较");
    ledger_match_why rule = ledger_match_rule(r, a, b);
    if (rule != LMW_SCORE) buf_printf(out, "规则：%s\n", rule_text(rule));
    int direct = 0;
    for (size_t i = 0; i < r->nlinks; i++)
        if (r->links[i].a == a && r->links[i].b == b) {
            buf_printf(out, "直接合并：%s\n", rule_text(r->links[i].why));
            direct = 1;
        }
    for (size_t i = 0; i < r->nrefused; i++)
        if (r->refused[i].a == a && r->refused[i].b == b)
            buf_printf(out, "拒绝合并：%s\n", rule_text(r->refused[i].why));
    for (size_t i = 0; i < r->nreview; i++)
        if (r->review[i].a == a && r->review[i].b == b) buf_puts(out, "此对记录在待复核队列中\n");
    int same = r->entity[a] == r->entity[b];
    buf_printf(out, "\n结论：%s（A 属企业 E%06u，B 属企业 E%06u）\n", same ? "同一企业" : "不同企业",
               r->entity[a] + 1, r->entity[b] + 1);
    if (same && !direct) chain(r, a, b, out);
    if (out->cap && out->len >= out->cap) return err_set(e, ST_TOO_LARGE, "解释文本过长");
    return ST_OK;
}
