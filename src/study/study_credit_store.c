/* study_credit_store — the SQL of the study-hours ledger (study_credit.h). */
#include "study/study_credit.h"

#include <stdio.h>
#include <string.h>
#include "core/day.h"
#include "member/member_store.h"
#include "study/study_progress_store.h"

static bool study_day_ok(const char *s, int *year) {
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    if (y < 1990 || y > 9999 || d < 1 || d > day_month_days(y, m)) return false;
    *year = y;
    return true;
}

st study_credit_add(uc *c, const study_credit *k, err *e) {
    static const char *const sources[] = {"online", "offline", "exam", "training", NULL};
    int year = 0;
    if (!study_day_ok(k->day, &year)) return err_set(e, ST_INVALID, "学时的日期不是有效日期（应为 YYYY-MM-DD）。");
    if (k->minutes <= 0 || k->minutes > 24 * 60) return err_set(e, ST_INVALID, "学时须为 1 分钟到 24 小时之间。");
    if (!k->category || !*k->category) return err_set(e, ST_INVALID, "学时缺少类别。");
    bool known = false;
    for (const char *const *s = sources; *s; s++) known |= k->source && strcmp(*s, k->source) == 0;
    if (!known) return err_set(e, ST_INVALID, "学时来源应为 online、offline、exam 或 training。");
    st s;
    if (strcmp(k->source, "online") == 0) {
        /* A day's online study of a course is one row that grows. */
        s = db_run(c->d,
                   "INSERT INTO study_credit(person_id, year, day, minutes, category, source, source_id, note, actor, created_at) "
                   "VALUES ($1, $2, $3, $4, $5, 'online', $6, $7, $8, {{NOW}}) "
                   "ON CONFLICT (person_id, source, source_id, day) DO UPDATE SET minutes = study_credit.minutes + excluded.minutes",
                   e, "iitititt", k->person_id, (int64_t)year, k->day, k->minutes, k->category, k->source_id, k->note,
                   c->who.username ? c->who.username : "system");
    } else {
        /* Any other record credits once: RETURNING gives no row on the conflict. */
        int64_t id = 0;
        s = db_query_int(c->d, &id,
                         "INSERT INTO study_credit(person_id, year, day, minutes, category, source, source_id, note, actor, created_at) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, {{NOW}}) "
                         "ON CONFLICT (person_id, source, source_id, day) DO NOTHING RETURNING id",
                         e, "iitittitt", k->person_id, (int64_t)year, k->day, k->minutes, k->category, k->source, k->source_id,
                         k->note, c->who.username ? c->who.username : "system");
        if (s == ST_NOT_FOUND) return err_set(e, ST_CONFLICT, "该记录的学时已经登记过，不再重复计入。");
    }
    if (s) return s;
    s = db_run(c->d,
               "INSERT INTO study_year(person_id, year, minutes) VALUES ($1, $2, $3) "
               "ON CONFLICT (person_id, year) DO UPDATE SET minutes = study_year.minutes + excluded.minutes",
               e, "iii", k->person_id, (int64_t)year, k->minutes);
    /* the organization's kept figures follow (study_progress_store.h) */
    if (!s) s = study_progress_store_credit(c, k->person_id, year, k->category, k->minutes, e);
    if (s) return s;
    char kind[32], ref[48];
    snprintf(kind, sizeof kind, "study.%s", k->source);
    snprintf(ref, sizeof ref, "%s:%lld", k->source, (long long)k->source_id);
    member_activity a = {.person_id = k->person_id, .kind = kind, .day = k->day, .ref = ref, .value = (double)k->minutes / 60.0};
    return member_store_activity(c, &a, e);
}

st study_credit_year(db *d, int64_t person_id, int year, int64_t *minutes, err *e) {
    *minutes = 0;
    st s = db_query_int(d, minutes, "SELECT minutes FROM study_year WHERE person_id = $1 AND year = $2", e, "ii", person_id,
                        (int64_t)year);
    if (s == ST_NOT_FOUND) {
        err_clear(e);
        return ST_OK;
    }
    return s;
}

st study_credit_list(db *d, int64_t person_id, int year, json_t **out, err *e) {
    return db_query_json(d, out,
                         "SELECT id, day, minutes, category, source, source_id, note FROM study_credit "
                         "WHERE person_id = $1 AND year = $2 ORDER BY day DESC, id DESC",
                         e, "ii", person_id, (int64_t)year);
}
