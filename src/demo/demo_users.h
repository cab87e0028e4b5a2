/* demo_users — the demo's accounts: an administrator and one user per role,
 * each with a random one-time password printed through demo_ctx.say and the
 * must-change-password flag.  There are no default passwords. */
#ifndef EJIA_DEMO_DEMO_USERS_H
#define EJIA_DEMO_DEMO_USERS_H

#include "demo/demo.h"

st demo_users_fill(demo_ctx *c, err *e);

#endif
