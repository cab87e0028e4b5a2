/* district — Xiamen's districts (GB/T 2260) and their streets and towns.
 *
 * Ledgers write a district as 思明, 思明区, 厦门市思明区, 350203 or even
 * the pre-2003 names (开元区, 鼓浪屿区, 杏林区); all map to one code and one
 * canonical name.  Streets come from the admin-divisions data (WTFPL, see
 * data/LICENSE-admin-divisions.WTFPL), copied here as a table so that the
 * binary needs no data files. */
#ifndef EJIA_LEDGER_DISTRICT_H
#define EJIA_LEDGER_DISTRICT_H

#include <stddef.h>

typedef struct district {
    int code;                /* GB/T 2260, e.g. 350203 */
    const char *name;        /* 思明区 */
    const char *short_name;  /* 思明 */
} district;

typedef struct district_street {
    long code;               /* 9 digits, e.g. 350203001 */
    const char *name;        /* 厦港街道 */
    int district;            /* 350203 */
} district_street;

/* The six districts, in code order; *n receives the count. */
const district *district_all(size_t *n);
/* By code (350203), NULL when not a Xiamen district. */
const district *district_by_code(int code);
/* By what a ledger writes: name, short name, code, with 厦门市/厦门/福建省
 * before it, old names; surrounding space ignored.  NULL when unknown. */
const district *district_find(const char *s, size_t n);
/* A street or town: full name (厦港街道), or without 街道/镇 (厦港). */
const district_street *district_street_find(const char *s, size_t n);
/* The district an address names, directly (…湖里区…) or through a street
 * name (…殿前街道…); 0 when none or ambiguous. */
int district_from_address(const char *s, size_t n);
/* The street or town an address names (…金山街道…, …灌口镇…; a stem of three characters or more,
 * 鼓浪屿, also without its suffix), among the streets of in_district when it is not 0; NULL when none
 * or two different ones (issue 21: a row without a street gets the one its address names). */
const district_street *district_street_from_address(const char *s, size_t n, int in_district);

#endif
