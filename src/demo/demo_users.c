/* demo_users — see demo_users.h.  Runs inside demo_fill's transaction, after
 * the regions, enterprises and organizations exist (the park, secretary and
 * investor users need them). */
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
    /* The secretary leads a branch of their own: the 党支部 of 软件园二期 with
     * the most members in the ledgers (any branch when the park has none);
     * the investor owns an enterprise it covers, and the demo member (林晓,
     * demo_members.c) belongs to it — one branch tells the roles' story.
     * Without organizations the investor owns the first enterprise of
     * 软件园二期 (or of 思明区). */
    char *branch = NULL, *ent = NULL, *sec = NULL;
    s = db_query_text(c->d, &branch,
                      "SELECT CAST(o.id AS TEXT) FROM org o JOIN org_cover c ON c.org_id = o.id AND c.to_day IS NULL "
                      "JOIN enterprise e ON e.id = c.enterprise_id WHERE o.kind = '党支部' AND o.dissolved_on IS NULL "
                      "GROUP BY o.id ORDER BY MAX(CASE WHEN e.park_code = 'P0002' THEN 1 ELSE 0 END) DESC, "
                      "SUM(e.members) DESC, o.id LIMIT 1",
                      e, "");
    if (!s)
        s = db_query_text(c->d, &ent,
                          "SELECT CAST(c.enterprise_id AS TEXT) FROM org_cover c JOIN enterprise e ON e.id = c.enterprise_id "
                          "WHERE c.org_id = CAST($1 AS BIGINT) AND c.to_day IS NULL ORDER BY e.members DESC, e.id LIMIT 1",
                          e, "t", branch);
    if (!s) s = db_query_text(c->d, &sec, "SELECT secretary FROM org WHERE id = CAST($1 AS BIGINT)", e, "t", branch);
    if (s == ST_NOT_FOUND) {
        s = ST_OK;
        if (!ent)
            s = db_query_text(c->d, &ent,
                              "SELECT CAST(MIN(id) AS TEXT) FROM enterprise WHERE park_code = 'P0002' OR district_code = '350203'",
                              e, "");
    }
    if (s && s != ST_NOT_FOUND) {
        free(branch), free(ent), free(sec);
        return s;
    }
    s = ST_OK;
    const struct { const char *username, *name, *role, *scope, *id_number, *phone; } demo[] = {
        {"admin", "系统管理员", "sysadmin", NULL, NULL, NULL},
        {"city", "市委组织部两新工委", "city", NULL, NULL, NULL},
        {"siming", "思明区委组织部", "district", "350203", NULL, NULL},
        {"rjy2", "软件园二期党工委", "park", "P0002", NULL, NULL},
        {"orgadmin", "组织管理员", "org_admin", "1", NULL, NULL},
        {"secretary", sec && *sec ? sec : "支部书记", "secretary", branch ? branch : "1", NULL, "13800005678"},
        {"member", "林晓", "member", NULL, "35020319900101123X", "13900001234"},
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
    free(branch);
    free(ent);
    free(sec);
    return s;
}
