/* committee_store — organizations' people and terms in the database (see
 * committee_store.h).  All of the module's SQL is here; the registry is read
 * through member_store_standing. */
#include "committee/committee_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/files.h"
#include "core/config.h"
#include "core/log.h"
#include "core/utf8.h"
#include "member/member_store.h"
#include "org/org.h"
#include "db/db_like.h"

#define CM_SETTING "org-files-dir"

/* The posts in their listed order (书记 first). */
#define CM_POST_RANK                                                                                                  \
    "CASE p.post WHEN '书记' THEN 0 WHEN '副书记' THEN 1 WHEN '组织委员' THEN 2 WHEN '宣传委员' THEN 3 WHEN '纪检委员' THEN 4 " \
    "WHEN '青年委员' THEN 5 WHEN '统战委员' THEN 6 ELSE 7 END"
#define CM_ON_DAY(D) "p.from_day <= " D " AND (p.to_day IS NULL OR p.to_day > " D ")"

static void cm_today(char out[11]) { clock_day(clock_now(), out); }

/* day (field) a real calendar day, not after today (the clock's: tests move it). */
static st cm_day_check(const char *day, const char *field, err *e) {
    if (!day || !org_day_parse(day, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, field, "日期 %s 应为有效日期 YYYY-MM-DD（如 2026-03-01）。", field);
    char today[11];
    cm_today(today);
    if (strcmp(day, today) > 0) return err_field(e, ST_INVALID, field, "日期 %s=%s 晚于今天，不能登记将来的任职或选举。", field, day);
    return ST_OK;
}

static const char *cm_col(uc *c, db_stmt *q, int i) { return db_col_null(q, i) ? NULL : arena_strdup(c->mem, db_col_text(q, i)); }

static const char *cm_actor(uc *c) { return c->who.username ? c->who.username : "-"; }

/* ---- what the writes read ---- */

typedef struct cm_org {
    int64_t id;
    const char *name, *kind, *established_on, *dissolved_on;
} cm_org;

static st cm_org_load(uc *c, int64_t id, cm_org *o, err *e) {
    memset(o, 0, sizeof *o);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT name, kind, established_on, dissolved_on FROM org WHERE id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        o->id = id;
        o->name = cm_col(c, q, 0);
        o->kind = cm_col(c, q, 1);
        o->established_on = cm_col(c, q, 2);
        o->dissolved_on = cm_col(c, q, 3);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党组织。", (long long)id);
}

/* day (field) a real day, not after today, when the organization was active. */
static st cm_day_ok(const cm_org *o, const char *day, const char *field, err *e) {
    st s = cm_day_check(day, field, e);
    if (s) return s;
    if (strcmp(day, o->established_on) < 0)
        return err_field(e, ST_INVALID, field, "“%s”成立于 %s，%s 还没有成立，不能登记这一天的任职。", o->name, o->established_on, day);
    if (o->dissolved_on && strcmp(day, o->dissolved_on) >= 0)
        return err_field(e, ST_INVALID, field, "“%s”已于 %s 撤销，不能登记 %s 的任职。", o->name, o->dissolved_on, day);
    return ST_OK;
}

/* May person hold post in organization o on day?  (the registry's standing) */
static st cm_holder(uc *c, const cm_org *o, int64_t person, const char *post, const char *day, const char **name, err *e) {
    member_standing m;
    committee_holder h = {0};
    err e2;
    err_clear(&e2);
    st s = member_store_standing(c, person, day, &m, &e2);
    if (s && s != ST_NOT_FOUND) {
        *e = e2;
        return s;
    }
    char *pname = NULL;
    st s2 = db_query_text(c->d, &pname, "SELECT name FROM person WHERE id = $1", e, "i", person);
    if (s2 == ST_NOT_FOUND) return err_field(e, ST_INVALID, "person_id", "党员名册中没有编号为 %lld 的人员。", (long long)person);
    if (s2) return s2;
    h.name = arena_strdup(c->mem, pname);
    free(pname);
    if (!s) {
        h.member = true;
        h.org_id = m.org_id;
        h.category = m.category;
        h.state = m.state;
        if (m.org_id != o->id) {
            char *on = NULL;
            if (!db_query_text(c->d, &on, "SELECT name FROM org WHERE id = $1", e, "i", m.org_id)) h.org_name = arena_strdup(c->mem, on);
            free(on);
        }
    }
    if (name) *name = h.name;
    return committee_holder_check(&h, o->id, o->name, post, day, e);
}

/* What other modules keep per member and depends on who holds a post (the
 * study hours a secretary or committee member owes, study_progress) follows
 * a change of the organization's posts in the same act: the registry's change
 * hooks (member_store.h) run for the organization's members who hold or held
 * one of its posts, by link or by name.  An organization's posts are a few
 * dozen rows, so this is a handful of members. */
static st cm_follow(uc *c, int64_t org_id, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT DISTINCT m.person_id FROM member m WHERE m.org_id = $1 AND (m.person_id IN "
                         "(SELECT p.person_id FROM org_post p WHERE p.org_id = $1 AND p.person_id IS NOT NULL) "
                         "OR m.name IN (SELECT p.name FROM org_post p WHERE p.org_id = $1)) ORDER BY m.person_id",
                         e, "i", org_id);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        for (const member_change_hook *h = member_change_hooks; !s && *h; h++)
            s = (*h)(c, json_integer_value(json_object_get(r, "person_id")), e);
        if (s) break;
    }
    json_decref(rows);
    return s;
}

/* org.secretary and org.committee follow today's posts: the 书记's name, and
 * the names of all holders when there is a committee beyond the 书记. */
static st cm_sync(uc *c, int64_t org_id, err *e) {
    char today[11];
    cm_today(today);
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT p.post, p.name FROM org_post p WHERE p.org_id = $1 AND " CM_ON_DAY("$2") " ORDER BY " CM_POST_RANK
                         ", p.from_day, p.id",
                         e, "it", org_id, today);
    if (s) return s;
    const char *sec = NULL;
    json_t *names = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *post = json_string_value(json_object_get(r, "post")), *name = json_string_value(json_object_get(r, "name"));
        if (!sec && !strcmp(post, "书记")) sec = name;
        bool seen = false;
        size_t k;
        json_t *x;
        json_array_foreach(names, k, x) if (!strcmp(json_string_value(x), name)) seen = true;
        if (!seen) json_array_append_new(names, json_string(name));
    }
    bool committee = json_array_size(names) > (sec ? 1u : 0u);
    char *text = committee ? json_dumps(names, JSON_COMPACT) : NULL;
    s = db_run(c->d, "UPDATE org SET secretary = $1, committee = $2, updated_at = {{NOW}} WHERE id = $3", e, "tti", sec, text, org_id);
    free(text);
    json_decref(names);
    json_decref(rows);
    if (!s) s = cm_follow(c, org_id, e);
    return s;
}

static st cm_insert(uc *c, int64_t org_id, const char *post, int64_t person, const char *name, const char *day, int64_t election,
                    const char *source, const char *note, int64_t *id, err *e) {
    return db_query_int(c->d, id,
                        "INSERT INTO org_post(org_id, post, person_id, name, from_day, election_id, source, note, created_by, created_at) "
                        "VALUES ($1, $2, NULLIF($3, 0), $4, $5, NULLIF($6, 0), $7, $8, $9, $10) RETURNING id",
                        e, "itittittti", org_id, post, person, name, day, election, source, note, cm_actor(c), clock_now());
}

/* A post to add: the post known, no second 书记, not the same person twice. */
static st cm_post_free(uc *c, int64_t org_id, const char *post, int64_t person, const char *day, err *e) {
    if (!post || !committee_post_ok(post))
        return err_field(e, ST_INVALID, "post", "职务 post 应为 书记、副书记、组织委员、宣传委员、纪检委员、青年委员、统战委员 或 委员。");
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT p.name, p.from_day, p.person_id FROM org_post p WHERE p.org_id = $1 AND p.post = $2 "
                         "AND (p.to_day IS NULL OR p.to_day > $3) AND (p.post = '书记' OR p.person_id = $4)",
                         e, "itti", org_id, post, day, person);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    if (r) {
        const char *nm = json_string_value(json_object_get(r, "name")), *from = json_string_value(json_object_get(r, "from_day"));
        if (json_integer_value(json_object_get(r, "person_id")) == person)
            s = err_field(e, ST_CONFLICT, "person_id", "%s 自 %s 起已担任本组织%s，不必重复登记。", nm, from, post);
        else
            s = err_field(e, ST_CONFLICT, "post", "本组织自 %s 起由 %s 担任书记（一个组织同一时间只有一名书记）：请先结束其任职，或登记换届选举。",
                          from, nm);
    }
    json_decref(rows);
    return s;
}

/* ---- posts ---- */

st committee_store_post_add(uc *c, int64_t org_id, const committee_post_new *p, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    cm_org o;
    const char *name = NULL;
    s = cm_org_load(c, org_id, &o, e);
    if (!s && (!p->post || !committee_post_ok(p->post)))
        s = err_field(e, ST_INVALID, "post", "职务 post 应为 书记、副书记、组织委员、宣传委员、纪检委员、青年委员、统战委员 或 委员。");
    if (!s) s = cm_day_ok(&o, p->from_day, "from_day", e);
    if (!s) s = cm_holder(c, &o, p->person_id, p->post, p->from_day, &name, e);
    if (!s) s = cm_post_free(c, org_id, p->post, p->person_id, p->from_day, e);
    if (!s) s = cm_insert(c, org_id, p->post, p->person_id, name, p->from_day, 0, "manual", p->note, id, e);
    if (!s) s = cm_sync(c, org_id, e);
    uc_act a = {"org.post.add", uc_obj(c, "org", org_id),
                arena_printf(c->mem, "%s 自 %s 起任%s%s", name ? name : "", p->from_day ? p->from_day : "", p->post ? p->post : "",
                             p->note && *p->note ? arena_printf(c->mem, "（%s）", p->note) : "")};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

typedef struct cm_post {
    int64_t id, org_id, person_id;
    const char *post, *name, *from_day, *to_day;
} cm_post;

static st cm_post_load(uc *c, int64_t id, cm_post *p, err *e) {
    memset(p, 0, sizeof *p);
    db_stmt *q;
    st s = db_prepare(c->d, "SELECT org_id, COALESCE(person_id, 0), post, name, from_day, to_day FROM org_post WHERE id = $1", &q, e);
    if (s) return s;
    db_bind_int(q, 1, id);
    int r = db_step(q, e);
    if (r == DB_ROW) {
        p->id = id;
        p->org_id = db_col_int(q, 0);
        p->person_id = db_col_int(q, 1);
        p->post = cm_col(c, q, 2);
        p->name = cm_col(c, q, 3);
        p->from_day = cm_col(c, q, 4);
        p->to_day = cm_col(c, q, 5);
    }
    db_reset(q);
    if (r == DB_ERROR) return e->code;
    return r == DB_ROW ? ST_OK : err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的任职记录。", (long long)id);
}

st committee_store_post_org(uc *c, int64_t post_id, int64_t *org_id, err *e) {
    *org_id = 0;
    st s = db_query_int(c->d, org_id, "SELECT org_id FROM org_post WHERE id = $1", e, "i", post_id);
    return s == ST_NOT_FOUND ? err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的任职记录。", (long long)post_id) : s;
}

st committee_store_post_end(uc *c, int64_t post_id, const char *day, const char *note, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    cm_post p;
    s = cm_post_load(c, post_id, &p, e);
    if (!s && p.to_day)
        s = err_field(e, ST_CONFLICT, "day", "%s 的%s任职已于 %s 结束。", p.name, p.post, p.to_day);
    if (!s) s = cm_day_check(day, "day", e);
    if (!s && strcmp(day, p.from_day) < 0)
        s = err_field(e, ST_INVALID, "day", "结束日期 %s 早于任职开始日期 %s。", day, p.from_day);
    if (!s)
        s = db_run(c->d, "UPDATE org_post SET to_day = $1, note = COALESCE($2, note) WHERE id = $3", e, "tti", day,
                   note && *note ? note : NULL, post_id);
    if (!s) s = cm_sync(c, p.org_id, e);
    uc_act a = {"org.post.end", uc_obj(c, "org_post", post_id),
                arena_printf(c->mem, "%s 的%s任职于 %s 结束%s", p.name ? p.name : "", p.post ? p.post : "", day ? day : "",
                             note && *note ? arena_printf(c->mem, "（%s）", note) : "")};
    return uc_end(c, s, &a, e);
}

st committee_store_post_link(uc *c, int64_t post_id, int64_t person_id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    cm_post p;
    cm_org o;
    const char *name = NULL;
    char today[11];
    cm_today(today);
    s = cm_post_load(c, post_id, &p, e);
    if (!s && p.person_id) s = err_field(e, ST_CONFLICT, "person_id", "这条任职记录已关联党员名册中的 %s。", p.name);
    if (!s) s = cm_org_load(c, p.org_id, &o, e);
    const char *day = p.to_day ? p.from_day : today;
    if (!s) s = cm_holder(c, &o, person_id, p.post, day, &name, e);
    if (!s)
        s = db_run(c->d, "UPDATE org_post SET person_id = $1, name = $2, note = $3 WHERE id = $4", e, "itti", person_id, name,
                   arena_printf(c->mem, "原记为“%s”，已关联党员名册", p.name), post_id);
    if (!s) s = cm_sync(c, p.org_id, e);
    uc_act a = {"org.post.link", uc_obj(c, "org_post", post_id),
                arena_printf(c->mem, "%s（原记为“%s”）关联党员名册", name ? name : "", p.name ? p.name : "")};
    return uc_end(c, s, &a, e);
}

st committee_store_holds(uc *c, int64_t person_id, const char *day, bool *holds, int64_t *org_id, err *e) {
    *holds = false;
    if (org_id) *org_id = 0;
    int64_t org = 0;
    st s = db_query_int(c->d, &org, "SELECT COALESCE(MIN(p.org_id), 0) FROM org_post p JOIN org o ON o.id = p.org_id WHERE p.person_id = $1 AND "
                        CM_ON_DAY("$2") " AND (o.dissolved_on IS NULL OR o.dissolved_on > $2)", e, "it",
                        person_id, day);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    *holds = org != 0;
    if (org_id) *org_id = org;
    return ST_OK;
}

/* ---- elections ---- */

/* The vote record's type by its first bytes: PDF, JPEG or PNG. */
static const char *cm_vote_type(const unsigned char *h, size_t n) {
    if (n >= 5 && !memcmp(h, "%PDF-", 5)) return "application/pdf";
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
    return NULL;
}

st committee_store_elect(uc *c, int64_t org_id, const committee_election_new *x, int64_t *id, err *e) {
    *id = 0;
    /* the vote record, checked before the transaction */
    const char *mime = NULL, *fname = NULL;
    int64_t size = 0;
    char sha[65] = "";
    st s = ST_OK;
    if (x->file_path) {
        unsigned char head[16];
        size_t nhead = 0;
        if ((s = files_digest(x->file_path, &size, head, sizeof head, &nhead, sha, e))) return s;
        long max = cfg_int("org-vote-file-max");
        if (size <= 0) return err_field(e, ST_INVALID, "file", "上传的表决记录文件是空的。");
        if (size > max)
            return err_field(e, ST_INVALID, "file", "表决记录文件过大（%.1f MB），不超过 %.1f MB。", (double)size / 1048576.0,
                             (double)max / 1048576.0);
        if (!(mime = cm_vote_type(head, nhead)))
            return err_field(e, ST_INVALID, "file", "表决记录须为 PDF 文件或 JPEG、PNG 图片（按文件内容判断，与文件名无关）。");
        fname = x->file_name && *x->file_name ? x->file_name : "表决记录";
        if (utf8_count(fname, strlen(fname)) > 120) return err_field(e, ST_INVALID, "file", "文件名最多 120 个字。");
    }
    if ((s = uc_begin(c, e))) return s;
    cm_org o;
    int years = 0;
    char term_end[11] = "";
    s = cm_org_load(c, org_id, &o, e);
    if (!s) s = cm_day_ok(&o, x->day, "day", e);
    if (!s && !(years = committee_term_years(o.kind)))
        s = err_field(e, ST_INVALID, "day", "“%s”是%s，不实行任期制，没有换届选举。", o.name, o.kind);
    if (!s) committee_term_end(x->day, years, term_end);
    /* a later election than the last; no post begun after the day */
    if (!s) {
        char *last = NULL;
        st q = db_query_text(c->d, &last, "SELECT MAX(day) FROM org_election WHERE org_id = $1", e, "i", org_id);
        if (!q && last && *last && strcmp(x->day, last) <= 0)
            s = err_field(e, ST_CONFLICT, "day", "本组织已登记 %s 的换届选举，新的选举日期应在其后。", last);
        else if (q && q != ST_NOT_FOUND)
            s = q;
        free(last);
    }
    if (!s) {
        char *later = NULL;
        st q = db_query_text(c->d, &later, "SELECT MIN(from_day) FROM org_post WHERE org_id = $1 AND from_day > $2", e, "it", org_id,
                             x->day);
        if (!q && later && *later)
            s = err_field(e, ST_CONFLICT, "day", "本组织在选举日 %s 之后（%s）还有登记的任职：请先核对这些任职，换届选举应按时间顺序登记。", x->day,
                          later);
        else if (q && q != ST_NOT_FOUND)
            s = q;
        free(later);
    }
    /* the new committee: one 书记, each holder a 正式党员 of the organization on the day */
    int secretaries = 0;
    const char **names = x->n ? arena_alloc(c->mem, x->n * sizeof *names) : NULL;
    if (!s && !x->n) s = err_field(e, ST_INVALID, "posts", "请填写选举产生的委员会成员（至少一名书记）。");
    for (size_t i = 0; !s && i < x->n; i++) {
        const committee_post_new *p = &x->posts[i];
        if (!p->post || !committee_post_ok(p->post))
            s = err_field(e, ST_INVALID, "posts", "第 %zu 名：职务应为 书记、副书记、组织委员、宣传委员、纪检委员、青年委员、统战委员 或 委员。", i + 1);
        else if (!strcmp(p->post, "书记"))
            secretaries++;
        for (size_t k = 0; !s && k < i; k++)
            if (x->posts[k].person_id == p->person_id && !strcmp(x->posts[k].post, p->post))
                s = err_field(e, ST_INVALID, "posts", "第 %zu 名与第 %zu 名是同一人同一职务。", k + 1, i + 1);
        if (!s) {
            s = cm_holder(c, &o, p->person_id, p->post, x->day, &names[i], e);
            if (s) snprintf(e->field, sizeof e->field, "posts");
        }
    }
    if (!s && secretaries != 1)
        s = err_field(e, ST_INVALID, "posts", "选举结果应有且只有一名书记（现有 %d 名）。", secretaries);
    /* the bytes first: a row never names a file that is not there */
    if (!s && x->file_path) s = files_put(c, CM_SETTING, x->file_path, sha, e);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO org_election(org_id, day, org_kind, term_years, term_end, note, file_name, file_mime, file_size, "
                         "file_sha256, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                         e, "ittittttitti", org_id, x->day, o.kind, (int64_t)years, term_end, x->note && *x->note ? x->note : NULL,
                         fname, mime, size, x->file_path ? sha : NULL, cm_actor(c), clock_now());
    /* the old committee's posts end on the day */
    if (!s)
        s = db_run(c->d,
                   "UPDATE org_post SET to_day = $2, note = COALESCE(note, '换届') WHERE org_id = $1 AND to_day IS NULL AND from_day <= $2",
                   e, "it", org_id, x->day);
    for (size_t i = 0; !s && i < x->n; i++) {
        int64_t pid = 0;
        s = cm_insert(c, org_id, x->posts[i].post, x->posts[i].person_id, names[i], x->day, *id, "election", NULL, &pid, e);
    }
    if (!s) s = cm_sync(c, org_id, e);
    uc_act a = {"org.election", uc_obj(c, "org", org_id),
                arena_printf(c->mem, "%s 换届选举，委员会 %zu 人，任期 %d 年至 %s%s", x->day ? x->day : "", x->n, years, term_end,
                             fname ? arena_printf(c->mem, "，表决记录“%s”", fname) : "")};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

st committee_store_vote_record(uc *c, int64_t election_id, const char **path, const char **mime, const char **name, err *e) {
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows, "SELECT org_id, file_name, file_mime, file_sha256 FROM org_election WHERE id = $1", e, "i",
                         election_id);
    if (s) return s;
    json_t *r = json_array_get(rows, 0);
    const char *sha = r ? json_string_value(json_object_get(r, "file_sha256")) : NULL;
    if (!r || !sha) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, r ? "这次换届选举没有上传表决记录。" : "没有编号为 %lld 的换届选举记录。", (long long)election_id);
    }
    *path = files_local(c, CM_SETTING, sha);
    *mime = arena_strdup(c->mem, json_string_value(json_object_get(r, "file_mime")));
    *name = arena_strdup(c->mem, json_string_value(json_object_get(r, "file_name")));
    json_decref(rows);
    if (access(*path, R_OK) != 0) return err_set(e, ST_IO, "表决记录文件缺失（%s），请联系系统管理员从备份恢复。", *name);
    uc_act a = {"org.election.file", uc_obj(c, "org_election", election_id), arena_printf(c->mem, "下载换届选举表决记录“%s”", *name)};
    return uc_audit(c, &a, e);
}

/* ---- reads ---- */

/* The term of an organization: from its last election, or from its founding. */
typedef struct cm_term {
    const char *elected_on, *term_end, *basis, *status;
    int years, days_left;
} cm_term;

static void cm_term_of(uc *c, const char *kind, const char *established, const char *elected, const char *elected_end,
                       const char *today, int remind, cm_term *t) {
    memset(t, 0, sizeof *t);
    t->years = committee_term_years(kind);
    if (!t->years) return;
    char end[11];
    if (elected && elected_end) {
        t->elected_on = elected;
        t->term_end = elected_end;
        t->basis = "election";
    } else {
        committee_term_end(established, t->years, end);
        t->elected_on = established;
        t->term_end = arena_strdup(c->mem, end);
        t->basis = "established";
    }
    t->status = committee_term_status(t->term_end, today, remind);
    t->days_left = committee_days_between(today, t->term_end);
}

static json_t *cm_term_json(const cm_term *t) {
    if (!t->years) return json_null();
    return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i}", "elected_on", t->elected_on, "term_end", t->term_end, "basis", t->basis, "status",
                     t->status, "years", t->years, "days_left", t->days_left);
}

st committee_store_get(uc *c, int64_t org_id, const char *day, json_t **out, err *e) {
    *out = NULL;
    cm_org o;
    st s = cm_org_load(c, org_id, &o, e);
    if (s) return s;
    char today[11];
    cm_today(today);
    json_t *now = NULL, *hist = NULL, *el = NULL;
    s = db_query_json(c->d, &now,
                      "SELECT p.id, p.post, p.person_id, p.name, p.from_day, p.to_day, p.source, p.election_id, p.note FROM org_post p "
                      "WHERE p.org_id = $1 AND " CM_ON_DAY("$2") " ORDER BY " CM_POST_RANK ", p.from_day, p.id",
                      e, "it", org_id, day);
    if (!s)
        s = db_query_json(c->d, &hist,
                          "SELECT p.id, p.post, p.person_id, p.name, p.from_day, p.to_day, p.source, p.election_id, p.note, p.created_by "
                          "FROM org_post p WHERE p.org_id = $1 ORDER BY p.from_day DESC, " CM_POST_RANK ", p.id DESC",
                          e, "i", org_id);
    if (!s)
        s = db_query_json(c->d, &el,
                          "SELECT id, day, org_kind, term_years, term_end, note, file_name, file_size, recorded_by FROM org_election "
                          "WHERE org_id = $1 ORDER BY day DESC, id DESC",
                          e, "i", org_id);
    if (s) {
        json_decref(now);
        json_decref(hist);
        json_decref(el);
        return s;
    }
    int64_t unlinked = 0;
    size_t i;
    json_t *r;
    json_array_foreach(hist, i, r) if (json_is_null(json_object_get(r, "person_id")) && json_is_null(json_object_get(r, "to_day"))) unlinked++;
    json_t *last = json_array_get(el, 0);
    cm_term t;
    cm_term_of(c, o.kind, o.established_on, last ? json_string_value(json_object_get(last, "day")) : NULL,
               last ? json_string_value(json_object_get(last, "term_end")) : NULL, today, (int)cfg_int("org-term-remind-days"), &t);
    *out = json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s,s:o,s:o,s:o,s:o,s:I,s:s,s:i}", "org_id", (json_int_t)org_id, "org_name", o.name, "org_kind",
                     o.kind, "established_on", o.established_on, "dissolved_on", o.dissolved_on, "day", day, "posts", now, "history", hist,
                     "elections", el, "term", cm_term_json(&t), "unlinked", (json_int_t)unlinked, "rule", COMMITTEE_RULE, "remind_days",
                     (int)cfg_int("org-term-remind-days"));
    if (*out) arena_json(c->mem, *out);
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

#define CM_ORG_SCOPE SCOPE_COND("$1", "$2", "o.district_code", "o.park_code", "o.path", "NULL", "NULL")

/* The active organizations with a term inside the caller's scope, with their last election. */
static st cm_terms_read(uc *c, int64_t under, const char *q, json_t **rows, err *e) {
    const char *k, *code;
    scope_bind(c, &k, &code);
    char today[11];
    cm_today(today);
    return db_query_json(c->d, rows,
                         "SELECT o.id, o.name, o.kind, o.path, o.district_code, o.park_code, o.established_on, o.secretary, "
                         "(SELECT g.name FROM region g WHERE g.code = o.district_code) AS district_name, "
                         "(SELECT g.name FROM region g WHERE g.code = o.park_code) AS park_name, "
                         "(SELECT MAX(x.day) FROM org_election x WHERE x.org_id = o.id) AS elected_on, "
                         "(SELECT x.term_end FROM org_election x WHERE x.org_id = o.id ORDER BY x.day DESC, x.id DESC LIMIT 1) AS elected_end "
                         "FROM org o WHERE o.kind IN ('党委', '党总支', '党支部', '联合党支部') AND o.dissolved_on IS NULL "
                         "AND o.established_on <= $3 AND " CM_ORG_SCOPE
                         " AND ($4 = 0 OR o.path LIKE '%/' || CAST($4 AS TEXT) || '/%') AND ($5 = '' OR o.name LIKE $5 ESCAPE '\\')",
                         e, "tttit", k, code, today, under, q && *q ? db_like(c->mem, q) : "");
}

st committee_store_terms(uc *c, const committee_term_filter *f, json_t **items, err *e) {
    *items = NULL;
    const char *want = f->status && *f->status ? f->status : "attention";
    if (strcmp(want, "overdue") && strcmp(want, "due") && strcmp(want, "attention") && strcmp(want, "all"))
        return err_field(e, ST_INVALID, "status", "状态 status 应为 overdue（已到期未换届）、due（即将到期）、attention（两者）或 all（全部）。");
    json_t *rows = NULL;
    st s = cm_terms_read(c, f->org_id, f->q, &rows, e);
    if (s) return s;
    char today[11];
    cm_today(today);
    int remind = (int)cfg_int("org-term-remind-days");
    json_t *out = arena_json(c->mem, json_array());
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        cm_term t;
        cm_term_of(c, json_string_value(json_object_get(r, "kind")), json_string_value(json_object_get(r, "established_on")),
                   json_string_value(json_object_get(r, "elected_on")), json_string_value(json_object_get(r, "elected_end")), today,
                   remind, &t);
        if (!t.years) continue;
        bool keep = !strcmp(want, "all") || !strcmp(want, t.status) || (!strcmp(want, "attention") && strcmp(t.status, "ok"));
        if (!keep) continue;
        json_t *it = json_deep_copy(r);
        json_object_del(it, "elected_on");
        json_object_del(it, "elected_end");
        json_object_set_new(it, "elected_on", json_string(t.elected_on));
        json_object_set_new(it, "term_end", json_string(t.term_end));
        json_object_set_new(it, "basis", json_string(t.basis));
        json_object_set_new(it, "status", json_string(t.status));
        json_object_set_new(it, "years", json_integer(t.years));
        json_object_set_new(it, "days_left", json_integer(t.days_left));
        json_object_set_new(it, "days_over", json_integer(t.days_left < 0 ? -t.days_left : 0));
        json_array_append_new(out, it);
    }
    json_decref(rows);
    *items = out;
    return out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st committee_store_term_counts(uc *c, int64_t *overdue, int64_t *due, err *e) {
    *overdue = *due = 0;
    committee_term_filter f = {"attention", 0, NULL};
    json_t *items = NULL;
    st s = committee_store_terms(c, &f, &items, e);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        if (!strcmp(json_string_value(json_object_get(r, "status")), "overdue")) (*overdue)++;
        else (*due)++;
    }
    return ST_OK;
}

/* ---- the old free text, carried over once ---- */

static st cm_carry_one(db *d, int64_t org, const char *post, const char *name, const char *day, int64_t *n, err *e) {
    /* the members of the organization of that name today; linked when exactly one 正式党员 */
    json_t *m = NULL;
    st s = db_query_json(d, &m, "SELECT m.person_id, m.category FROM member m WHERE m.org_id = $1 AND m.name = $2", e, "it", org, name);
    if (s) return s;
    int64_t person = 0;
    const char *note;
    size_t k = json_array_size(m);
    if (k == 1 && !strcmp(json_string_value(json_object_get(json_array_get(m, 0), "category")), "正式党员")) {
        person = json_integer_value(json_object_get(json_array_get(m, 0), "person_id"));
        note = "由原书记、委员名单迁入，已按姓名关联";
    } else
        note = k == 0   ? "由原书记、委员名单迁入：本组织党员名册中没有同名党员，待关联"
               : k == 1 ? "由原书记、委员名单迁入：同名党员不是正式党员，待核实"
                        : "由原书记、委员名单迁入：本组织有多名同名党员，待关联";
    json_decref(m);
    s = db_run(d,
               "INSERT INTO org_post(org_id, post, person_id, name, from_day, source, note, created_by, created_at) "
               "VALUES ($1, $2, NULLIF($3, 0), $4, $5, 'carried', $6, 'migration', {{NOW}})",
               e, "itittt", org, post, person, name, day, note);
    if (!s) (*n)++;
    return s;
}

st committee_store_carry(db *d, int64_t *n, err *e) {
    *n = 0;
    int64_t todo = 0;
    st s = db_query_int(d, &todo, "SELECT COUNT(*) FROM meta WHERE key = 'org-post-carry'", e, "");
    if (s || !todo) return s;
    json_t *orgs = NULL;
    if ((s = db_begin(d, e))) return s;
    s = db_query_json(d, &orgs,
                      "SELECT o.id, o.secretary, o.committee, o.established_on FROM org o WHERE "
                      "((o.secretary IS NOT NULL AND TRIM(o.secretary) <> '') OR (o.committee IS NOT NULL AND o.committee <> '[]')) "
                      "AND NOT EXISTS (SELECT 1 FROM org_post p WHERE p.org_id = o.id)",
                      e, "");
    size_t i;
    json_t *o;
    json_array_foreach(orgs, i, o) {
        if (s) break;
        int64_t id = json_integer_value(json_object_get(o, "id"));
        const char *sec = json_string_value(json_object_get(o, "secretary")), *day = json_string_value(json_object_get(o, "established_on"));
        const char *com = json_string_value(json_object_get(o, "committee"));
        if (sec && *sec) s = cm_carry_one(d, id, "书记", sec, day, n, e);
        json_t *names = com ? json_loads(com, 0, NULL) : NULL;
        size_t k;
        json_t *x;
        json_array_foreach(names, k, x) {
            const char *nm = json_string_value(x);
            if (s || !nm || !*nm || (sec && !strcmp(nm, sec))) continue;
            s = cm_carry_one(d, id, "委员", nm, day, n, e);
        }
        json_decref(names);
    }
    json_decref(orgs);
    if (!s) s = db_run(d, "DELETE FROM meta WHERE key = 'org-post-carry'", e, "");
    if (!s) return db_commit(d, e);
    db_rollback(d);
    return s;
}

/* ---- scope ---- */

const scope_resolver committee_scope_resolvers[] = {
    /* A post and an election sit where their organization is. */
    {"org_post", true, false,
     "SELECT o.district_code, o.park_code, o.path, NULL, NULL FROM org_post p JOIN org o ON o.id = p.org_id WHERE p.id = CAST($1 AS BIGINT)",
     .noun = "任职记录"},
    {"org_election", true, false,
     "SELECT o.district_code, o.park_code, o.path, NULL, NULL FROM org_election x JOIN org o ON o.id = x.org_id "
     "WHERE x.id = CAST($1 AS BIGINT)",
     .noun = "换届选举记录"},
    {NULL, false, false, NULL},
};
