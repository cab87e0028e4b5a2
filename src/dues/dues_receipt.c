/* dues_receipt — 党费收据 as PDF (cairo + pango, A5 landscape: half an A4
 * page), and the amount in Chinese capitals. */
#include "dues/dues_receipt.h"

#include <stdio.h>
#include <string.h>

#include "base/pdf.h"
#include "dues/dues.h"

/* ---- 大写 ---- */

static const char *const drc_digit[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
static const char *const drc_pos[] = {"", "拾", "佰", "仟"};

static void drc_cat(char *out, size_t n, size_t *len, const char *s) {
    size_t k = strlen(s);
    if (*len + k + 1 > n) return;
    memcpy(out + *len, s, k + 1);
    *len += k;
}

void dues_fen_capitals(int64_t fen, char *out, size_t n) {
    if (!out || n == 0) return;
    out[0] = '\0';
    if (fen < 0 || fen > DUES_FEN_MAX) return;
    size_t len = 0;
    int64_t yuan = fen / 100;
    int jiao = (int)(fen / 10 % 10), f = (int)(fen % 10);
    if (yuan == 0 && fen > 0) {
        /* 0.20 → 贰角, 0.05 → 伍分 */
    } else {
        /* groups of four digits, lowest first: 个, 万, 亿, 万亿 */
        int g[4] = {0};
        int64_t y = yuan;
        for (int k = 0; k < 4 && y; k++, y /= 10000) g[k] = (int)(y % 10000);
        bool emitted = false, zero = false;
        for (int k = 3; k >= 0; k--) {
            if (g[k] == 0) {
                if (emitted) zero = true;
                continue;
            }
            int d[4] = {g[k] / 1000, g[k] / 100 % 10, g[k] / 10 % 10, g[k] % 10};
            for (int i = 0; i < 4; i++) {
                if (d[i] == 0) {
                    if (emitted) zero = true;
                    continue;
                }
                if (zero) drc_cat(out, n, &len, "零");
                zero = false;
                drc_cat(out, n, &len, drc_digit[d[i]]);
                drc_cat(out, n, &len, drc_pos[3 - i]);
                emitted = true;
            }
            if (k == 1 || k == 3) drc_cat(out, n, &len, "万");
            if (k == 2 || (k == 3 && g[2] == 0)) drc_cat(out, n, &len, "亿");
        }
        if (!emitted) drc_cat(out, n, &len, "零");
        drc_cat(out, n, &len, "元");
    }
    if (jiao == 0 && f == 0) {
        drc_cat(out, n, &len, "整");
        return;
    }
    if (jiao) {
        drc_cat(out, n, &len, drc_digit[jiao]);
        drc_cat(out, n, &len, "角");
    } else if (yuan) {
        drc_cat(out, n, &len, "零");
    }
    if (f) {
        drc_cat(out, n, &len, drc_digit[f]);
        drc_cat(out, n, &len, "分");
    }
}

/* ---- the receipt ---- */

static const char *drc_str(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}
static int64_t drc_int(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) return json_integer_value(v);
    if (json_is_true(v)) return 1;
    return 0;
}
static bool drc_set(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return v && !json_is_null(v) && !json_is_false(v) && !(json_is_integer(v) && json_integer_value(v) == 0) &&
           !(json_is_string(v) && !*json_string_value(v));
}
/* "2026-03" → "2026年3月" */
static void drc_month(const char *m, char out[32]) {
    int y = 0, mo = 0;
    if (sscanf(m, "%d-%d", &y, &mo) == 2)
        snprintf(out, 32, "%d年%d月", y, mo);
    else
        snprintf(out, 32, "%.16s", m);
}

#define DRC_ROWS 8
#define DRC_FONT "Noto Sans CJK SC 10"
#define DRC_BOLD "Noto Sans CJK SC Bold 10"

st dues_receipt_pdf(const json_t *pay, const char *title, const char *path, err *e) {
    const char *no = drc_str(pay, "receipt_no");
    char meta[128];
    snprintf(meta, sizeof meta, "党费收据 %s", no);
    pdf_doc p = {0};
    st s = pdf_open(&p, path, 595.28, 419.53, 36, meta, e);
    if (s) return s;
    cairo_t *cr = p.cr;
    double W = p.W - 2 * p.M, y = p.M;

    /* heading: the title in red, the number on the right */
    cairo_set_source_rgb(cr, 0.7, 0, 0);
    y += pdf_text(&p, "Noto Sans CJK SC Bold 18", title && *title ? title : "党费收据", p.M, y, W, PANGO_ALIGN_CENTER) + 4;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    char line[512];
    char paid_on[40];
    snprintf(paid_on, sizeof paid_on, "%s", drc_str(pay, "paid_on"));
    pdf_text(&p, DRC_FONT, "金额单位：元", p.M, y, W / 2, PANGO_ALIGN_LEFT);
    snprintf(line, sizeof line, "收据编号：No. %s", no);
    y += pdf_text(&p, DRC_FONT, line, p.M + W / 2, y, W / 2, PANGO_ALIGN_RIGHT) + 6;

    /* the table: label | value, two pairs a row where they fit */
    char first[32], last[32], months[96], dues[32], vol[32], total[32], caps[128], payer[200], kind[64];
    drc_month(drc_str(pay, "first_month"), first);
    drc_month(drc_str(pay, "last_month"), last);
    int64_t nm = drc_int(pay, "months");
    if (!strcmp(first, last))
        snprintf(months, sizeof months, "%s（共 %lld 个月）", first, (long long)(nm ? nm : 1));
    else
        snprintf(months, sizeof months, "%s 至 %s（共 %lld 个月）", first, last, (long long)nm);
    int64_t df = drc_int(pay, "dues_fen"), vf = drc_int(pay, "voluntary_fen");
    dues_fen_format(df, dues);
    dues_fen_format(vf, vol);
    dues_fen_format(df + vf, total);
    dues_fen_capitals(df + vf, caps, sizeof caps);
    const char *pk = drc_str(pay, "kind");
    snprintf(kind, sizeof kind, "%s", !strcmp(pk, "advance") ? "预交" : !strcmp(pk, "back") ? "补交" : "按月交纳");
    if (!strcmp(drc_str(pay, "payer"), "proxy"))
        snprintf(payer, sizeof payer, "代缴：%s", drc_str(pay, "proxy_name"));
    else
        snprintf(payer, sizeof payer, "本人");
    bool central = drc_int(pay, "central") != 0;
    char vol_line[128], total_fig[64], dues_line[64];
    snprintf(dues_line, sizeof dues_line, "%s 元", dues);
    if (vf > 0)
        snprintf(vol_line, sizeof vol_line, "%s 元%s", vol, central ? "（上缴中央）" : "");
    else
        snprintf(vol_line, sizeof vol_line, "无");
    snprintf(total_fig, sizeof total_fig, "¥%s", total);
    const char *way = drc_str(pay, "way_label");
    if (!*way) way = "支部党费收缴员收取";

    struct { const char *l1, *v1, *l2, *v2; } rows[DRC_ROWS] = {
        {"党员姓名", drc_str(pay, "name"), "党组织", drc_str(pay, "org_name")},
        {"交纳月份", months, NULL, NULL},
        {"应交党费", dues_line, "自愿多交", vol_line},
        {"小写金额", total_fig, "大写金额", caps},
        {"交纳类型", kind, "上缴中央", central ? "是" : "否"},
        {"收缴方式", way, "交纳人", payer},
        {"经手人", drc_str(pay, "recorded_by"), "交纳日期", paid_on},
        {NULL, NULL, NULL, NULL},
    };
    double lw = 72, x0 = p.M, half = W / 2, rh = 30;
    double top = y;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int i = 0; rows[i].l1; i++) {
        double vw = rows[i].l2 ? half - lw : W - lw;
        cairo_set_source_rgb(cr, 0.97, 0.93, 0.93);
        cairo_rectangle(cr, x0, y, lw, rh);
        if (rows[i].l2) cairo_rectangle(cr, x0 + half, y, lw, rh);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        pdf_text(&p, DRC_BOLD, rows[i].l1, x0 + 4, y + 8, lw - 8, PANGO_ALIGN_LEFT);
        pdf_text(&p, DRC_FONT, rows[i].v1, x0 + lw + 6, y + 8, vw - 12, PANGO_ALIGN_LEFT);
        if (rows[i].l2) {
            pdf_text(&p, DRC_BOLD, rows[i].l2, x0 + half + 4, y + 8, lw - 8, PANGO_ALIGN_LEFT);
            pdf_text(&p, DRC_FONT, rows[i].v2, x0 + half + lw + 6, y + 8, half - lw - 12, PANGO_ALIGN_LEFT);
        }
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 0.6);
        cairo_rectangle(cr, x0, y, lw, rh);
        cairo_rectangle(cr, x0 + lw, y, rows[i].l2 ? half - lw : W - lw, rh);
        if (rows[i].l2) {
            cairo_rectangle(cr, x0 + half, y, lw, rh);
            cairo_rectangle(cr, x0 + half + lw, y, half - lw, rh);
        }
        cairo_stroke(cr);
        y += rh;
    }
    cairo_set_source_rgb(cr, 0.6, 0, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_rectangle(cr, x0, top, W, y - top);
    cairo_stroke(cr);
    y += 8;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    if (central)
        y += pdf_text(&p, DRC_FONT, "自愿多交党费 1000 元以上，全额上缴中央。", x0, y, W, PANGO_ALIGN_LEFT) + 2;
    y += pdf_text(&p, DRC_FONT, "本收据由党支部党费收缴员开具，请妥善保存。收据编号全市统一编排。", x0, y, W, PANGO_ALIGN_LEFT) + 2;

    /* a voided payment: 作废 across it, and why */
    if (drc_set(pay, "voided_at")) {
        snprintf(line, sizeof line, "已作废：%s", drc_str(pay, "void_reason"));
        cairo_set_source_rgb(cr, 0.8, 0, 0);
        y += pdf_text(&p, DRC_BOLD, line, x0, y, W, PANGO_ALIGN_LEFT);
        cairo_save(cr);
        cairo_translate(cr, p.W / 2, p.H / 2);
        cairo_rotate(cr, -0.35);
        cairo_set_source_rgba(cr, 0.85, 0, 0, 0.55);
        cairo_set_line_width(cr, 4);
        cairo_rectangle(cr, -110, -46, 220, 92);
        cairo_stroke(cr);
        pdf_text(&p, "Noto Sans CJK SC Bold 54", "作废", -110, -40, 220, PANGO_ALIGN_CENTER);
        cairo_restore(cr);
    }

    return pdf_close(&p, e);
}
