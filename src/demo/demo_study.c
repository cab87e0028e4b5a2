/* demo_study — a small course library and some study hours (issue 16,
 * courses): the city's required article of the year, an article on the
 * branch's work, a PDF reading and a short video (8 s of WebM shipped in
 * data/demo-course-video.txt), one article of 思明区; the demo member (林晓)
 * half way through the required article and done with the video, and a 党课
 * of the demo secretary's branch recorded as offline hours — all through the
 * same stores as the offices and the members (course_store, study_credit). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "core/day.h"
#include "core/embed.h"
#include "demo/demo.h"
#include "study/course_store.h"
#include "study/study_credit.h"

static const char ds_article[] =
    "<h2>第一章 党员</h2><p>第一条 年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，承认党的纲领和章程，"
    "愿意参加党的一个组织并在其中积极工作、执行党的决议和按期交纳党费的，可以申请加入中国共产党。</p>"
    "<p>第二条 中国共产党党员是中国工人阶级的有共产主义觉悟的先锋战士。</p>"
    "<h3>学习要点</h3><ul><li>党员的条件</li><li>党员的义务和权利</li><li>入党的程序</li></ul>"
    "<blockquote>学习党章、遵守党章、贯彻党章、维护党章是全党的共同责任。</blockquote>";

static const char ds_article2[] =
    "<h2>互联网企业党建工作要点</h2><p>把党的组织和工作覆盖到新兴领域，是党建工作的重要任务。</p>"
    "<ol><li>建强组织：应建尽建，及时调整隶属关系。</li><li>规范组织生活：落实“三会一课”和主题党日。</li>"
    "<li>发挥作用：党员亮身份、作表率，服务企业发展。</li></ol>";

static const char ds_article3[] = "<h2>思明区两新党建工作通报</h2><p>本季度全区新建互联网企业党组织 12 个，组织覆盖率稳步提升。</p>"
                                  "<p>请各党支部对照通报查找差距，按时完成学习任务。</p>";

/* A small one-page PDF (Helvetica, ASCII) for the reading course. */
static const char ds_pdf[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj\n"
    "4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    "5 0 obj<</Length 92>>stream\nBT /F1 24 Tf 72 760 Td (Study material: the Party Constitution) Tj 0 -40 Td (Chapter 1) Tj ET\nendstream endobj\n"
    "trailer<</Root 1 0 R/Size 6>>\n%%EOF\n";

/* A temporary file holding n bytes of p; its path in out (removed by the caller). */
static st ds_tmp(const void *p, size_t n, char out[64], err *e) {
    snprintf(out, 64, "/tmp/ejia-demo-course-XXXXXX");
    int fd = mkstemp(out);
    if (fd < 0) return err_set(e, ST_IO, "无法写临时文件。");
    ssize_t w = write(fd, p, n);
    close(fd);
    if (w != (ssize_t)n) {
        unlink(out);
        return err_set(e, ST_IO, "无法写临时文件。");
    }
    return ST_OK;
}

static st ds_upload(demo_ctx *c, int64_t id, const void *p, size_t n, const char *name, int64_t duration, err *e) {
    char path[64];
    st s = ds_tmp(p, n, path, e);
    if (s) return s;
    s = course_store_upload(&c->use, id, path, name, duration, e);
    unlink(path);
    return s;
}

/* The demo video, decoded from its base64 (the first line is a comment). */
static st ds_video(demo_ctx *c, unsigned char **out, size_t *n, err *e) {
    const struct embedded_file *f = embed_find("data/demo-course-video.txt");
    if (!f) return err_set(e, ST_NOT_FOUND, "演示视频缺失（data/demo-course-video.txt）。");
    const char *b = (const char *)f->data, *end = b + f->size;
    const char *nl = memchr(b, '\n', f->size);
    if (nl) b = nl + 1;
    *out = arena_alloc(&c->mem, f->size);
    if (!*out) return err_set(e, ST_NOMEM, "内存不足。");
    if (sodium_base642bin(*out, f->size, b, (size_t)(end - b), "\n", n, NULL, sodium_base64_VARIANT_ORIGINAL))
        return err_set(e, ST_INVALID, "演示视频不是有效的 base64。");
    return ST_OK;
}

static st ds_course(demo_ctx *c, course_in *in, int64_t *id, err *e) { return course_store_create(&c->use, in, id, e); }

st demo_study_fill(demo_ctx *c, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    int64_t year = atoi(today);
    int64_t art = 0, art2 = 0, pdf = 0, vid = 0, dist = 0;
    course_in a = {.kind = "article", .title = "学习《中国共产党章程》第一章", .summary = "党员的条件、义务和权利", .category = "党章党规",
                   .minutes = 30, .required_year = year, .state = "published", .body = ds_article};
    course_in a2 = {.kind = "article", .title = "互联网企业党建工作要点", .category = "业务知识", .minutes = 20, .state = "published",
                    .audience = "committee", .body = ds_article2};
    course_in p = {.kind = "pdf", .title = "党章学习材料（PDF）", .category = "党章党规", .minutes = 15};
    course_in v = {.kind = "video", .title = "微党课：学习党章", .summary = "八秒钟的演示视频", .category = "党课", .minutes = 5,
                   .required_year = year};
    course_in d = {.kind = "article", .title = "思明区两新党建工作通报", .category = "工作通报", .minutes = 10, .state = "published",
                   .district = "350203", .body = ds_article3};
    unsigned char *video = NULL;
    size_t nvideo = 0;
    st s = ds_course(c, &a, &art, e);
    if (!s) s = ds_course(c, &a2, &art2, e);
    if (!s) s = ds_course(c, &p, &pdf, e);
    if (!s) s = ds_upload(c, pdf, ds_pdf, sizeof ds_pdf - 1, "党章学习材料.pdf", 0, e);
    if (!s) s = ds_course(c, &v, &vid, e);
    if (!s) s = ds_video(c, &video, &nvideo, e);
    if (!s) s = ds_upload(c, vid, video, nvideo, "微党课.webm", 8, e);
    course_in pub = {.state = "published"};
    if (!s) s = course_store_update(&c->use, pdf, &pub, e);
    if (!s) s = course_store_update(&c->use, vid, &pub, e);
    if (!s) s = ds_course(c, &d, &dist, e);
    if (s) return s;
    /* the demo member: 12 minutes of the required article (half way down), the video done */
    int64_t me = 0;
    s = db_query_int(c->d, &me, "SELECT p.id FROM person p JOIN users u ON u.id = p.user_id WHERE u.username = 'member'", e, "");
    if (s == ST_NOT_FOUND) {
        err_clear(e);
        s = ST_OK;
    }
    if (!s && me) {
        if ((s = uc_begin(&c->use, e))) return s;
        study_credit k = {.person_id = me, .day = today, .minutes = 12, .category = "党章党规", .source = "online", .source_id = art};
        s = study_credit_add(&c->use, &k, e);
        if (!s)
            s = db_run(c->d,
                       "INSERT INTO course_progress(person_id, course_id, seconds, pending, position, updated_at) VALUES "
                       "($1, $2, 720, 0, 0.5, $4), ($1, $3, 8, 8, 8, $4 + 60)",
                       e, "iiii", me, art, vid, clock_now() - 3600);
        uc_act act = {"course.demo", uc_obj(&c->use, "member", me), "演示数据：在线学习记录"};
        if ((s = uc_end(&c->use, s, &act, e))) return s;
    }
    /* a 党课 of the demo secretary's branch, a week ago, for its members */
    char *code = NULL;
    s = db_query_text(c->d, &code, "SELECT scope_code FROM users WHERE username = 'secretary'", e, "");
    if (s == ST_NOT_FOUND) {
        err_clear(e);
        return ST_OK;
    }
    if (s) return s;
    int64_t org = strtoll(code, NULL, 10);
    free(code);
    json_t *rows = NULL;
    if ((s = db_query_json(c->d, &rows, "SELECT person_id FROM member WHERE org_id = $1 AND state = '正常' ORDER BY person_id LIMIT 40", e, "i",
                           org)))
        return s;
    size_t n = json_array_size(rows);
    int64_t *ids = arena_alloc(&c->mem, (n + 1) * sizeof *ids);
    for (size_t i = 0; ids && i < n; i++) ids[i] = json_integer_value(json_object_get(json_array_get(rows, i), "person_id"));
    json_decref(rows);
    if (!ids || !n) return ids ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
    char day[11];
    day_add(today, -7, day);
    course_offline_in off = {.title = "党课：学习贯彻党的二十大精神", .category = "党课", .day = day, .minutes = 90, .org_id = org,
                             .persons = ids, .npersons = n};
    int64_t oid = 0;
    return course_store_offline(&c->use, &off, &oid, NULL, e);
}
