/* mask — how personal data is shown to people who may not see all of it.
 *
 * A resident ID number keeps its first 4 and last 4 characters
 * (3502**********1234: the city and the check digits, enough to tell two
 * people apart, not enough to impersonate); a mobile keeps 3 + 4
 * (138****5678), the form Chinese banks and carriers use.  Anything else of
 * 8 characters or more keeps 3 + 4; shorter values are fully starred. */
#ifndef EJIA_AUTH_MASK_H
#define EJIA_AUTH_MASK_H

#include <stddef.h>

void mask_idcard(const char *v, char *out, size_t n);
void mask_phone(const char *v, char *out, size_t n);

#endif
