/* roster — party-member rosters (党员花名册) as branches send them: which
 * column is which (the rosters' own synonyms: 姓名, 公民身份号码 / 身份证号,
 * 人员类别 / 党员类型, 入党日期 / 入党时间, 转正日期 / 转为正式党员日期 …),
 * which organization a file belongs to (its title row or file name,
 * "中共厦门…支部委员会党员花名册.xlsx"), and each row turned into a
 * registration (member.h) — names with a stray space, 民族 without 族,
 * categories written short.  The files themselves are read by the ledger
 * readers (xlsx, xls, CSV in UTF-8 or GBK; title rows; dates in any form).
 * Pure: no SQL (roster_store.c imports). */
#ifndef EJIA_MEMBER_ROSTER_H
#define EJIA_MEMBER_ROSTER_H

#include <stddef.h>
#include "ledger/table.h"
#include "member/member.h"

typedef enum roster_field {
    RF_NONE = -1,
    RF_SEQ = 0, RF_NAME, RF_ID, RF_GENDER, RF_BIRTH, RF_ETHNIC, RF_EDU, RF_CATEGORY, RF_JOINED, RF_FULL, RF_POST,
    RF_PHONE, RF_STATE, RF_EMPLOYER,
    RF__COUNT
} roster_field;

const char *roster_field_label(roster_field f);   /* 姓名, 公民身份号码, … */
/* The field a header cell names, RF_NONE when none (ledger_read_opts.header_field). */
int roster_header_field(void *ctx, const char *text, size_t len);

/* Columns of a table read as a roster: col[f] = column index or -1. */
typedef struct roster_cols { int col[RF__COUNT]; } roster_cols;
void roster_map(const ledger_table *t, roster_cols *out);

/* The organization's name a file names: its title row when that reads like
 * an organization's, else its file name; "党员花名册"/"花名册"/"名册", dates
 * and the extension taken off.  out ≥ 256 bytes; false when nothing is left. */
bool roster_org_name(const ledger_table *t, char *out, size_t n);
/* The kind of organization a name says: 党委, 党总支, 联合党支部, 党支部. */
const char *roster_org_kind(const char *name);
/* The enterprise a branch's name is of ("中共厦门某某有限公司支部委员会" →
 * "厦门某某有限公司"), or "" when the name does not say. */
void roster_org_enterprise(const char *org_name, char *out, size_t n);

/* One data row as a registration: texts tidied into buf (arena), the
 * column whose value is wrong named in *bad_col when the row cannot be
 * read at all (no name, no ID number). */
typedef struct roster_row {
    member_new m;
    const char *employer;   /* 工作单位 as written, or NULL */
} roster_row;
void roster_row_read(const ledger_table *t, const roster_cols *cols, const ledger_row *r, arena *a, roster_row *out);

#endif
