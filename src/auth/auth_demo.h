/* auth_demo — the demo's accounts: an administrator and one user per role,
 * each with a random one-time password printed through demo_ctx.say and the
 * must-change-password flag.  There are no default passwords. */
#ifndef EJIA_AUTH_AUTH_DEMO_H
#define EJIA_AUTH_AUTH_DEMO_H

#include "demo/demo.h"

st auth_demo_users(demo_ctx *c, err *e);

#endif
