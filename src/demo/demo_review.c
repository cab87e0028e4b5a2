/* demo_review — content pre-review (内容预审, issue 19) in the demo investor's
 * enterprise (a game company, as the article tells it: its members formed a
 * review group that checks content before release).  The group: three members
 * of the branch covering it, the demo member 林晓 among them; its own
 * checklist (the city's with a line for game approval numbers); three items:
 * a version decided 不通过 on the map and minors entries a week after it was
 * submitted, an article under review by 林晓 (her 我的审核), and an app
 * release waiting for reviewers.  Through the same use cases as the
 * enterprise's (review_store); the dates of the decided one set back. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/day.h"
#include "demo/demo.h"
#include "review/review_store.h"

st demo_review_fill(demo_ctx *c, err *e) {
    char *ent_s = NULL;
    st s = db_query_text(c->d, &ent_s, "SELECT scope_code FROM users WHERE role = 'investor' ORDER BY id LIMIT 1", e, "");
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    int64_t ent = atoll(ent_s);
    free(ent_s);
    /* 林晓 (with an account) and two more members of the covering branch */
    json_t *people = NULL;
    s = db_query_json(c->d, &people,
                      "SELECT m.person_id, CASE WHEN p.user_id IS NULL THEN 1 ELSE 0 END AS no_account FROM member m JOIN person p ON p.id = m.person_id "
                      "JOIN org_cover oc ON oc.org_id = m.org_id AND oc.to_day IS NULL WHERE oc.enterprise_id = $1 AND m.state = '正常' "
                      "ORDER BY CASE WHEN p.user_id IS NULL THEN 1 ELSE 0 END, m.person_id LIMIT 3",
                      e, "i", ent);
    if (s) return s;
    size_t n = json_array_size(people);
    if (n < 2) {
        json_decref(people);
        return ST_OK;   /* a demo without a covered investor: nothing to review */
    }
    int64_t persons[3] = {0}, member = 0;
    for (size_t i = 0; i < n; i++) persons[i] = json_integer_value(json_object_get(json_array_get(people, i), "person_id"));
    member = json_integer_value(json_object_get(json_array_get(people, 0), "no_account")) ? 0 : persons[0];
    json_decref(people);
    if (!member) return ST_OK;
    if ((s = db_begin(c->d, e))) return s;
    uc *u = &c->use;
    int64_t group = 0, list = 0;
    s = review_store_group_setup(u, ent, "游戏与内容审核小组", persons, n, persons[n - 1], &group, e);
    /* the enterprise's own checklist: the city's and one line more */
    json_t *city = NULL;
    if (!s) s = review_store_checklist(u, 0, &city, e);
    size_t nc = s ? 0 : json_array_size(json_object_get(city, "checks"));
    review_check_new *checks = s ? NULL : arena_calloc(u->mem, nc + 1, sizeof *checks);
    for (size_t i = 0; !s && i < nc; i++) {
        json_t *k = json_array_get(json_object_get(city, "checks"), i);
        checks[i] = (review_check_new){json_string_value(json_object_get(k, "category")), json_string_value(json_object_get(k, "title")),
                                       json_string_value(json_object_get(k, "guide"))};
    }
    if (!s) {
        checks[nc] = (review_check_new){"minors", "版号与适龄提示", "游戏上线须有出版物号，启动页显示适龄提示和健康游戏忠告"};
        s = review_store_checklist_save(u, ent, "本企业游戏内容审核清单", checks, nc + 1, &list, e);
    }
    char today[11], d7[11], d1[11], d5[11], d10[11];
    clock_day(clock_now(), today);
    day_add(today, -7, d7);
    day_add(today, -1, d1);
    day_add(today, 5, d5);
    day_add(today, 10, d10);
    /* 1. a version decided 不通过 */
    int64_t it1 = 0, it2 = 0, it3 = 0;
    const char *l1[] = {"https://example.com/builds/huanhai-2.3.0"};
    review_item_new x1 = {"game", "《环海奇缘》2.3.0 版本", "新增“海岛探险”地图与节日限时活动，含抽奖玩法。", today, l1, 1};
    if (!s) s = review_store_submit(u, ent, &x1, &it1, e);
    if (!s) s = review_store_assign(u, it1, &member, 1, e);
    json_t *cl = NULL;
    if (!s) s = review_store_checklist(u, ent, &cl, e);
    json_t *ck = cl ? json_object_get(cl, "checks") : NULL;
    size_t nk = json_array_size(ck);
    int64_t asg = 0;
    if (!s) s = db_query_int(c->d, &asg, "SELECT id FROM review_assign WHERE item_id = $1", e, "i", it1);
    review_finding_new *f = s ? NULL : arena_calloc(u->mem, nk + 1, sizeof *f);
    int64_t reasons[2] = {0};
    int nr = 0;
    for (size_t i = 0; !s && i < nk; i++) {
        json_t *k = json_array_get(ck, i);
        const char *cat = json_string_value(json_object_get(k, "category"));
        int64_t id = json_integer_value(json_object_get(k, "id"));
        bool issue = !strcmp(cat, "map") || (!strcmp(cat, "minors") && nr < 2 && !strcmp(json_string_value(json_object_get(k, "title")), "未成年人保护"));
        f[i] = (review_finding_new){id, issue ? "issue" : "pass",
                                    !strcmp(cat, "map") ? "“海岛探险”地图未标注南海诸岛，缺审图号" : issue ? "抽奖活动未对未成年人限制" : NULL};
        if (issue && nr < 2) reasons[nr++] = id;
    }
    if (!s) s = review_store_findings(u, asg, f, nk, true, e);
    if (!s) s = review_store_decide(u, it1, 0, "reject", reasons, (size_t)nr, "地图须改用标准地图并送审图号；抽奖活动增加未成年人限制后重新送审。", e);
    if (!s)
        s = db_run(c->d,
                   "UPDATE review_item SET deadline = $1, submitted_on = $2, submitted_at = submitted_at - 7 * 86400 - 3 * 3600, decided_on = $3, "
                   "decided_at = decided_at - 86400 WHERE id = $4",
                   e, "ttti", d1, d7, d1, it1);
    /* 2. an article under review by 林晓 */
    review_item_new x2 = {"article", "“鹭岛记忆”主题推文", "公众号推文：厦门老城区的历史变迁，配历史照片 12 张。", d5, NULL, 0};
    if (!s) s = review_store_submit(u, ent, &x2, &it2, e);
    if (!s) s = review_store_assign(u, it2, &member, 1, e);
    /* 3. an app release waiting for reviewers */
    const char *l3[] = {"https://example.com/app/release-notes-4.1"};
    review_item_new x3 = {"app", "环海奇缘 App 4.1 发布", "新增社区发帖与私信功能。", d10, l3, 1};
    if (!s) s = review_store_submit(u, ent, &x3, &it3, e);
    if (!s) s = db_commit(c->d, e);
    else db_rollback(c->d);
    return s;
}
