/* demo_training — the city's training batches (轮训, issue 16) as the article
 * tells them: "分4批组织互联网企业党组织书记、出资人和‘厦门党建e家’管理员进行全员
 * 轮训" at 厦门城市党建学院 on the menu 互联网党建实务 + 互联网战略思维 + 互联网企业管理.
 * The first secretaries' batch is finished (attendance recorded from the sign-in
 * sheets, two who missed sessions not completing, certificates numbered and
 * hours credited); the second runs today; the investors' is ahead with their
 * invitations out; the administrators' is ahead with its roster.  Through the
 * same use cases as the office's (training_store). */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/day.h"
#include "demo/demo.h"
#include "study/training_store.h"

static const char *const dtr_place = "厦门城市党建学院";
static const char *const dtr_org = "中共厦门市委组织部";

static st dtr_batch(demo_ctx *c, const char *name, int64_t number, const char *aud, const char *from, const char *to, int64_t *id, err *e) {
    training_batch_in b = {.name = name, .number = number, .starts_on = from, .ends_on = to, .place = dtr_place, .audience = aud,
                           .organizer = dtr_org, .note = "定制“互联网党建实务+互联网战略思维+互联网企业管理”培训菜单"};
    return training_store_create(&c->use, &b, id, e);
}

static st dtr_session(demo_ctx *c, int64_t b, const char *day, const char *start, const char *end, const char *topic, const char *teacher,
                      int64_t minutes, int64_t *sid, err *e) {
    training_session_in x = {.day = day, .start = start, .end = end, .topic = topic, .teacher = teacher, .minutes = minutes};
    return training_store_session_add(&c->use, b, &x, sid, e);
}

st demo_training_fill(demo_ctx *c, err *e) {
    char today[11], d1[11], d2[11], d3[11], i1[11], a1[11], a2[11], t2[11];
    clock_day(clock_now(), today);
    day_add(today, -45, d1);
    day_add(today, -44, d2);
    day_add(today, -43, d3);
    day_add(today, 1, t2);
    day_add(today, 14, i1);
    day_add(today, 21, a1);
    day_add(today, 22, a2);
    /* the secretaries: one member of each of 24 branches (their 书记), and the demo member */
    json_t *people = NULL;
    st s = db_query_json(c->d, &people,
                         "SELECT MIN(m.person_id) AS id FROM member m JOIN org o ON o.id = m.org_id WHERE o.kind = '党支部' AND m.state = '正常' "
                         "GROUP BY m.org_id ORDER BY MIN(m.person_id) LIMIT 40",
                         e, "");
    if (s) return s;
    size_t n = json_array_size(people);
    int64_t *ids = arena_alloc(&c->mem, (n + 2) * sizeof *ids);
    if (!ids) {
        json_decref(people);
        return err_set(e, ST_NOMEM, "内存不足。");
    }
    for (size_t i = 0; i < n; i++) ids[i] = json_integer_value(json_object_get(json_array_get(people, i), "id"));
    json_decref(people);
    int64_t member = 0;
    s = db_query_int(c->d, &member, "SELECT p.id FROM person p JOIN users u ON u.id = p.user_id WHERE u.username = 'member'", e, "");
    if (s == ST_NOT_FOUND) s = ST_OK;
    if (s || n < 30) return s;
    if ((s = db_begin(c->d, e))) return s;

    /* 1: finished — three days, the sign-in sheets recorded, completion with certificates */
    int64_t b1 = 0, s1 = 0, s2 = 0, s3 = 0, added = 0;
    s = dtr_batch(c, "第一期互联网企业党组织书记培训班", 1, "secretary", d1, d3, &b1, e);
    if (!s) s = dtr_session(c, b1, d1, "09:00", "12:00", "互联网党建实务：党组织如何嵌入互联网企业", "市委党校 陈教授", 180, &s1, e);
    if (!s) s = dtr_session(c, b1, d2, "09:00", "12:00", "互联网战略思维与党建工作创新", "厦门城市党建学院 林老师", 180, &s2, e);
    if (!s) s = dtr_session(c, b1, d3, "14:00", "17:00", "互联网企业管理与党建融合", "知名互联网企业党委书记 王书记", 180, &s3, e);
    if (member) ids[20] = member;   /* the demo member is among them */
    training_enrol one = {.person_ids = ids, .n_persons = 24};
    if (!s) s = training_store_enrol(&c->use, b1, &one, &added, e);
    training_enrol sec = {.role = "secretary"};
    if (!s) s = training_store_enrol(&c->use, b1, &sec, &added, e);
    json_t *roster = NULL;
    if (!s) s = db_query_json(c->d, &roster, "SELECT id FROM training_attendee WHERE batch_id = $1 ORDER BY id", e, "i", b1);
    size_t i;
    json_t *r;
    if (!s) json_array_foreach(roster, i, r) {
            int64_t aid = json_integer_value(json_object_get(r, "id"));
            bool missed = i == 3 || i == 11;   /* two were called away: one session only */
            const int64_t sess[3] = {s1, s2, s3};
            for (int k = 0; !s && k < (missed ? 1 : 3); k++)
                s = training_store_mark(&c->use, b1, sess[k], aid, true, "据现场签到表补录", e);
            if (s) break;
        }
    json_decref(roster);
    json_t *res = NULL;
    if (!s) s = training_store_complete(&c->use, b1, &res, e);
    json_decref(res);

    /* 2: today and tomorrow — the next 16 branches' secretaries */
    int64_t b2 = 0, x = 0;
    if (!s) s = dtr_batch(c, "第二期互联网企业党组织书记培训班", 2, "secretary", today, t2, &b2, e);
    if (!s) s = dtr_session(c, b2, today, "09:00", "12:00", "互联网党建实务：党组织如何嵌入互联网企业", "市委党校 陈教授", 180, &x, e);
    if (!s) s = dtr_session(c, b2, today, "14:30", "17:30", "互联网战略思维与党建工作创新", "厦门城市党建学院 林老师", 180, &x, e);
    if (!s) s = dtr_session(c, b2, t2, "09:00", "12:00", "互联网企业管理与党建融合", "知名互联网企业党委书记 王书记", 180, &x, e);
    training_enrol two = {.person_ids = ids + 24, .n_persons = n - 24 < 16 ? n - 24 : 16};
    if (!s) s = training_store_enrol(&c->use, b2, &two, &added, e);

    /* 3: the investors — invitations out, answered in their accounts */
    int64_t b3 = 0;
    if (!s) s = dtr_batch(c, "互联网企业出资人党建专题培训班", 1, "investor", i1, i1, &b3, e);
    if (!s) s = dtr_session(c, b3, i1, "09:00", "11:30", "非公企业党建与企业发展", "市委组织部 两新工委", 150, &x, e);
    if (!s) s = dtr_session(c, b3, i1, "14:00", "16:00", "出资人如何支持党组织开展工作", "美图公司党委", 120, &x, e);
    training_enrol inv = {.role = "investor", .invite = true};
    if (!s) s = training_store_enrol(&c->use, b3, &inv, &added, e);

    /* 4: the platform's administrators */
    int64_t b4 = 0;
    if (!s) s = dtr_batch(c, "“厦门党建e家”平台管理员培训班", 1, "admin", a1, a2, &b4, e);
    if (!s) s = dtr_session(c, b4, a1, "09:00", "12:00", "平台操作：组织、党员、三会一课", "平台运维组", 180, &x, e);
    if (!s) s = dtr_session(c, b4, a2, "09:00", "11:00", "数据安全与个人信息保护", "市委网信办", 120, &x, e);
    training_enrol adm = {.role = "org_admin"};
    if (!s) s = training_store_enrol(&c->use, b4, &adm, &added, e);

    if (!s) s = db_commit(c->d, e);
    else db_rollback(c->d);
    return s;
}
