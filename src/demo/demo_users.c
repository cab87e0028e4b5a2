/* demo_users — see demo_users.h.  Runs inside demo_fill's transaction, after
 * the regions and enterprises exist (the park and investor users need them). */
#include "demo/demo_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/users.h"
#include "base/crypt.h"

st demo_users_fill(demo_ctx *c, err *e) {
    st s = crypt_init(c->d, e);
    if (s) return s;
    char *ent = NULL;
    /* The investor owns the first enterprise of 软件园二期 (or of 思明区). */
    s = db_query_text(c->d, &ent,
                      "SELECT CAST(MIN(id) AS TEXT) FROM enterprise WHERE park_code = 'P0002' OR district_code = '350203'", e, "");
    if (s && s != ST_NOT_FOUND) return s;
    s = ST_OK;
    const struct { const char *username, *name, *role, *scope, *id_number, *phone; } demo[] = {
        {"admin", "系统管理员", "sysadmin", NULL, NULL, NULL},
        {"city", "市委组织部两新工委", "city", NULL, NULL, NULL},
        {"siming", "思明区委组织部", "district", "350203", NULL, NULL},
        {"rjy2", "软件园二期党工委", "park", "P0002", NULL, NULL},
        {"orgadmin", "组织管理员", "org_admin", "1", NULL, NULL},
        {"secretary", "支部书记", "secretary", "1", NULL, "13800005678"},
        {"member", "党员 林晓", "member", NULL, "35020319900101123X", "13900001234"},
        {"investor", "出资人", "investor", ent && *ent ? ent : NULL, NULL, NULL},
        {"auditor", "审计员", "auditor", NULL, NULL, NULL},
    };
    if (c->say) c->say("演示账号（一次性密码，首次登录后请修改；admin 首次登录需设置动态验证码） / demo accounts, one-time passwords:");
    for (size_t i = 0; !s && i < sizeof demo / sizeof demo[0]; i++) {
        if (!strcmp(demo[i].role, "investor") && !demo[i].scope) continue;  /* no enterprises in this demo */
        char pw[17];
        password_generate(pw);
        users_new nu = {.username = demo[i].username, .name = demo[i].name, .role = demo[i].role,
                        .scope = demo[i].scope, .password = pw, .id_number = demo[i].id_number,
                        .phone = demo[i].phone, .must_change = true};
        int64_t id = 0;
        char otp[17], line[200];
        s = users_store_create(&c->use, &nu, otp, &id, e);   /* user.create, by "demo" */
        snprintf(line, sizeof line, "  %-10s %-16s %-10s %s", demo[i].role, demo[i].username, pw, demo[i].name);
        if (!s && c->say) c->say(line);
    }
    free(ent);
    return s;
}
