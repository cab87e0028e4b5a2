/* center_store — 党群服务中心 in the database (see center_store.h).  All of
 * the module's SQL is here. */
#include "center/center_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "core/config.h"
#include "core/utf8.h"
#include "map/map.h"
#include "org/org.h"
#include "stars/stars_store.h"
#include "db/db_like.h"

static const char *ct_actor(uc *c) { return c->who.username ? c->who.username : "-"; }
static size_t ct_chars(const char *s) { return s ? utf8_count(s, strlen(s)) : 0; }
static void ct_today(char out[11]) { clock_day(clock_now(), out); }
static const char *ct_nz(const char *s) { return s && *s ? s : NULL; }

/* ---- centers ---- */

static st ct_fields_check(uc *c, const center_in *x, bool create, err *e) {
    size_t n = ct_chars(x->name);
    if ((create || x->name) && (n < 4 || n > 60))
        return err_field(e, ST_INVALID, "name", "中心名称 name 应为 4–60 个字（如“思明区软件园党群服务中心”）。");
    if ((create || x->address) && (ct_chars(x->address) < 4 || ct_chars(x->address) > 120))
        return err_field(e, ST_INVALID, "address", "地址 address 应为 4–120 个字（如“思明区软件园二期观日路 18 号”）。");
    if (ct_chars(x->hours) > 120) return err_field(e, ST_INVALID, "hours", "开放时间 hours 最多 120 个字（如“周一至周五 9:00–18:00”）。");
    if (ct_chars(x->facilities) > 1000) return err_field(e, ST_INVALID, "facilities", "设施介绍 facilities 最多 1000 个字。");
    if (ct_chars(x->contact) > 30) return err_field(e, ST_INVALID, "contact", "联系人 contact 最多 30 个字。");
    if (ct_chars(x->phone) > 30) return err_field(e, ST_INVALID, "phone", "联系电话 phone 最多 30 个字符。");
    if (x->closed_on && *x->closed_on && !org_day_parse(x->closed_on, NULL, NULL, NULL))
        return err_field(e, ST_INVALID, "closed_on", "停用日期 closed_on 应为有效日期 YYYY-MM-DD。");
    if (x->has_coord) {
        st s = map_bounds_check(x->lng_e6, x->lat_e6, e);
        if (s) return s;
    }
    if (create || x->district_code) {
        int64_t one = 0;
        st s = db_query_int(c->d, &one, "SELECT 1 FROM region WHERE code = $1 AND kind = 'district'", e, "t",
                            x->district_code ? x->district_code : "");
        if (s == ST_NOT_FOUND)
            return err_field(e, ST_INVALID, "district_code", "所在区 district_code=%s 不是厦门市的区代码（如 350203 思明区）。",
                             x->district_code ? x->district_code : "");
        if (s) return s;
    }
    return ST_OK;
}

static st ct_name_free(uc *c, const char *name, int64_t self, err *e) {
    int64_t other = 0;
    st s = db_query_int(c->d, &other, "SELECT id FROM center WHERE name = $1 AND id <> $2", e, "ti", name, self);
    if (s == ST_NOT_FOUND) return ST_OK;
    if (s) return s;
    return err_field(e, ST_CONFLICT, "name", "已有名为“%s”的党群服务中心（编号 %lld）：请换一个名称，或打开原中心修改。", name, (long long)other);
}

st center_store_create(uc *c, const center_in *x, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    s = ct_fields_check(c, x, true, e);
    if (!s) s = ct_name_free(c, x->name, 0, e);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO center(name, district_code, address, hours, facilities, contact, phone, "
                         "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {{NOW}}, {{NOW}}) RETURNING id",
                         e, "tttttttt", x->name, x->district_code, x->address, ct_nz(x->hours), ct_nz(x->facilities), ct_nz(x->contact),
                         ct_nz(x->phone), ct_actor(c));
    if (!s && x->has_coord) s = db_run(c->d, "UPDATE center SET lng_e6 = $2, lat_e6 = $3 WHERE id = $1", e, "iii", *id, x->lng_e6, x->lat_e6);
    uc_act a = {"center.create", uc_obj(c, "center", *id),
                arena_printf(c->mem, "新建党群服务中心“%s”（%s）%s", x->name ? x->name : "", x->address ? x->address : "",
                             x->has_coord ? "，位置在地图上选定" : "，未定位置（按所在区中心点近似显示）")};
    s = uc_end(c, s, &a, e);
    if (s) *id = 0;
    return s;
}

st center_store_update(uc *c, int64_t id, const center_in *x, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    char *old = NULL;
    s = db_query_text(c->d, &old, "SELECT name FROM center WHERE id = $1", e, "i", id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党群服务中心。", (long long)id);
    if (!s) s = ct_fields_check(c, x, false, e);
    if (!s && x->name) s = ct_name_free(c, x->name, id, e);
    if (!s)
        s = db_run(c->d,
                   "UPDATE center SET name = COALESCE(CAST($2 AS TEXT), name), district_code = COALESCE(CAST($3 AS TEXT), district_code), "
                   "address = COALESCE(CAST($4 AS TEXT), address), hours = CASE WHEN CAST($5 AS TEXT) IS NULL THEN hours ELSE NULLIF(CAST($5 AS TEXT), '') END, "
                   "facilities = CASE WHEN CAST($6 AS TEXT) IS NULL THEN facilities ELSE NULLIF(CAST($6 AS TEXT), '') END, "
                   "contact = CASE WHEN CAST($7 AS TEXT) IS NULL THEN contact ELSE NULLIF(CAST($7 AS TEXT), '') END, "
                   "phone = CASE WHEN CAST($8 AS TEXT) IS NULL THEN phone ELSE NULLIF(CAST($8 AS TEXT), '') END, "
                   "closed_on = CASE WHEN CAST($9 AS TEXT) IS NULL THEN closed_on ELSE NULLIF(CAST($9 AS TEXT), '') END, updated_at = {{NOW}} WHERE id = $1",
                   e, "ittttttt" "t", id, x->name, x->district_code, x->address, x->hours, x->facilities, x->contact, x->phone, x->closed_on);
    if (!s && x->has_coord) s = db_run(c->d, "UPDATE center SET lng_e6 = $2, lat_e6 = $3 WHERE id = $1", e, "iii", id, x->lng_e6, x->lat_e6);
    else if (!s && x->clear_coord) s = db_run(c->d, "UPDATE center SET lng_e6 = NULL, lat_e6 = NULL WHERE id = $1", e, "i", id);
    uc_act a = {"center.update", uc_obj(c, "center", id),
                arena_printf(c->mem, "修改党群服务中心“%s”%s%s%s", old ? old : "", x->has_coord ? "，重新选定位置" : "",
                             x->clear_coord ? "，清除位置" : "", x->closed_on && *x->closed_on ? "，登记停用" : "")};
    free(old);
    return uc_end(c, s, &a, e);
}

st center_store_room_add(uc *c, int64_t center_id, const center_room_in *x, int64_t *room_id, err *e) {
    *room_id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    char *cname = NULL;
    s = db_query_text(c->d, &cname, "SELECT name FROM center WHERE id = $1", e, "i", center_id);
    if (s == ST_NOT_FOUND) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党群服务中心。", (long long)center_id);
    if (!s && (ct_chars(x->name) < 2 || ct_chars(x->name) > 30))
        s = err_field(e, ST_INVALID, "name", "活动室名称 name 应为 2–30 个字（如“红色会客厅”）。");
    if (!s && (x->seats < 1 || x->seats > 2000)) s = err_field(e, ST_INVALID, "seats", "座位数 seats 应为 1–2000。");
    if (!s && ct_chars(x->equipment) > 300) s = err_field(e, ST_INVALID, "equipment", "设备 equipment 最多 300 个字。");
    int64_t other = 0;
    if (!s) {
        st t = db_query_int(c->d, &other, "SELECT id FROM center_room WHERE center_id = $1 AND name = $2", e, "it", center_id, x->name);
        if (t == ST_OK) s = err_field(e, ST_CONFLICT, "name", "“%s”已有名为“%s”的活动室，请换一个名称。", cname, x->name);
        else if (t != ST_NOT_FOUND) s = t;
    }
    if (!s)
        s = db_query_int(c->d, room_id, "INSERT INTO center_room(center_id, name, seats, equipment) VALUES ($1, $2, $3, $4) RETURNING id", e,
                         "itit", center_id, x->name, x->seats, ct_nz(x->equipment));
    uc_act a = {"center.room.add", uc_obj(c, "center", center_id),
                arena_printf(c->mem, "“%s”新增活动室“%s”（%lld 座）", cname ? cname : "", x->name ? x->name : "", (long long)x->seats)};
    free(cname);
    s = uc_end(c, s, &a, e);
    if (s) *room_id = 0;
    return s;
}

/* The place of a center: its coordinate, else its district's centroid. */
#define CT_PLACE                                                                                                           \
    "COALESCE(x.lng_e6, m.lng_e6) AS lng_e6, COALESCE(x.lat_e6, m.lat_e6) AS lat_e6, "                                   \
    "CASE WHEN x.lng_e6 IS NOT NULL THEN 'form' WHEN m.lng_e6 IS NOT NULL THEN 'centroid' END AS source"
#define CT_FROM " FROM center x LEFT JOIN map_centroid m ON m.region_code = x.district_code LEFT JOIN region g ON g.code = x.district_code"

static bool ct_cli(const uc *c) { return c->who.role && !strcmp(c->who.role, "cli"); }

static bool ct_may_write(uc *c, const char *district) {
    if (!ct_cli(c) && !roles_has(c->who.role, "center.write")) return false;
    const char *k, *code;
    scope_bind(c, &k, &code);
    return !strcmp(k, "city") || (!strcmp(k, "district") && district && !strcmp(code, district));
}

st center_store_get(uc *c, int64_t id, const char *from_day, json_t **out, err *e) {
    *out = NULL;
    json_t *rows = NULL, *rooms = NULL, *bookings = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT x.id, x.name, x.district_code, g.name AS district_name, x.address, x.hours, x.facilities, x.contact, "
                         "x.phone, x.closed_on, x.created_by, x.created_at, x.updated_at, " CT_PLACE CT_FROM " WHERE x.id = $1",
                         e, "i", id);
    if (s) return s;
    json_t *o = json_array_get(rows, 0);
    if (!o) {
        json_decref(rows);
        return err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的党群服务中心。", (long long)id);
    }
    o = json_incref(o);
    json_decref(rows);
    s = db_query_json(c->d, &rooms, "SELECT id, name, seats, equipment, bookable FROM center_room WHERE center_id = $1 ORDER BY id", e, "i", id);
    if (!s)
        s = db_query_json(c->d, &bookings,
                          "SELECT b.id, b.room_id, r.name AS room_name, b.org_id, o.name AS org_name, b.day, b.start_time, b.end_time, "
                          "b.purpose, b.attendees, b.booked_by, b.booked_at FROM center_booking b JOIN center_room r ON r.id = b.room_id "
                          "JOIN org o ON o.id = b.org_id WHERE b.center_id = $1 AND b.state = 'booked' AND b.day >= $2 "
                          "ORDER BY b.day, b.start_time, b.booked_at, b.id",
                          e, "it", id, from_day);
    if (s) {
        json_decref(o);
        json_decref(rooms);
        return s;
    }
    json_object_set_new(o, "approx", json_boolean(map_source_approx(json_string_value(json_object_get(o, "source")))));
    json_object_set_new(o, "rooms", rooms);
    json_object_set_new(o, "bookings", bookings);
    json_object_set_new(o, "may_write", json_boolean(ct_may_write(c, json_string_value(json_object_get(o, "district_code")))));
    json_object_set_new(o, "may_book", json_boolean(ct_cli(c) || roles_has(c->who.role, "center.book")));
    json_object_set_new(o, "booking_days_ahead", json_integer(cfg_int("center-booking-days-ahead")));
    *out = arena_json(c->mem, o);
    return ST_OK;
}

st center_store_list(uc *c, const center_filter *f, json_t **items, err *e) {
    *items = NULL;
    const char *like = db_like(c->mem, f->q ? f->q : "");
    if (!like) return err_set(e, ST_NOMEM, "内存不足。");
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT x.id, x.name, x.district_code, g.name AS district_name, x.address, x.hours, x.contact, x.phone, "
                         "x.closed_on, " CT_PLACE ", (SELECT COUNT(*) FROM center_room r WHERE r.center_id = x.id) AS rooms, "
                         "(SELECT COALESCE(SUM(r.seats), 0) FROM center_room r WHERE r.center_id = x.id) AS seats" CT_FROM
                         " WHERE (CAST($1 AS TEXT) = '' OR x.district_code = CAST($1 AS TEXT)) AND x.name LIKE CAST($2 AS TEXT) ESCAPE '\\' AND (CAST($3 AS BIGINT) = 1 OR x.closed_on IS NULL)",
                         e, "tti", f->district ? f->district : "", like, (int64_t)f->closed);
    if (s) return s;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_object_set_new(r, "approx", json_boolean(map_source_approx(json_string_value(json_object_get(r, "source")))));
    }
    *items = arena_json(c->mem, rows);
    return ST_OK;
}

/* ---- bookings ---- */

typedef struct ct_room { int64_t center_id; int64_t bookable; const char *name, *center_name, *closed_on; } ct_room;

st center_store_book(uc *c, int64_t center_id, const center_booking_in *x, int64_t *id, err *e) {
    *id = 0;
    st s = uc_begin(c, e);
    if (s) return s;
    char today[11];
    ct_today(today);
    json_t *rows = NULL;
    ct_room room = {0};
    /* hold the room's row while the overlap is checked (PostgreSQL: a row lock; SQLite: the write lock) */
    s = db_run(c->d, "UPDATE center_room SET booked_at = {{NOW}} WHERE id = $1", e, "i", x->room_id);
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT r.center_id, r.bookable, r.name, x.name AS center_name, x.closed_on FROM center_room r "
                          "JOIN center x ON x.id = r.center_id WHERE r.id = $1",
                          e, "i", x->room_id);
    json_t *r = s ? NULL : json_array_get(rows, 0);
    if (r) {
        room.center_id = json_integer_value(json_object_get(r, "center_id"));
        room.bookable = json_integer_value(json_object_get(r, "bookable"));
        room.name = arena_strdup(c->mem, json_string_value(json_object_get(r, "name")));
        room.center_name = arena_strdup(c->mem, json_string_value(json_object_get(r, "center_name")));
        const char *cl = json_string_value(json_object_get(r, "closed_on"));
        room.closed_on = cl ? arena_strdup(c->mem, cl) : NULL;
    }
    json_decref(rows);
    rows = NULL;
    if (!s && (!r || room.center_id != center_id))
        s = err_field(e, ST_INVALID, "room_id", "编号为 %lld 的党群服务中心没有编号为 %lld 的活动室；请在中心页面的活动室列表中选择。",
                      (long long)center_id, (long long)x->room_id);
    if (!s && !room.bookable) s = err_field(e, ST_CONFLICT, "room_id", "“%s”的“%s”暂不开放预约。", room.center_name, room.name);
    int a0 = center_hhmm(x->start), a1 = center_hhmm(x->end);
    if (!s && (!x->day || !org_day_parse(x->day, NULL, NULL, NULL)))
        s = err_field(e, ST_INVALID, "day", "预约日期 day 应为有效日期 YYYY-MM-DD（如 2026-12-18）。");
    if (!s && strcmp(x->day, today) < 0) s = err_field(e, ST_INVALID, "day", "预约日期 %s 已经过去（今天是 %s），请选择今天或以后的日期。", x->day, today);
    if (!s) {
        int64_t ahead = cfg_int("center-booking-days-ahead");
        char last[11];
        clock_day(clock_now() + ahead * 86400, last);
        if (strcmp(x->day, last) > 0)
            s = err_field(e, ST_INVALID, "day", "最多可提前 %lld 天预约（至 %s），%s 还不能预约。", (long long)ahead, last, x->day);
    }
    if (!s && room.closed_on && strcmp(x->day, room.closed_on) >= 0)
        s = err_field(e, ST_CONFLICT, "day", "“%s”自 %s 起停用，不能预约 %s。", room.center_name, room.closed_on, x->day);
    if (!s && a0 < 0) s = err_field(e, ST_INVALID, "start", "开始时间 start 应为 HH:MM（如 09:00）。");
    if (!s && a1 < 0) s = err_field(e, ST_INVALID, "end", "结束时间 end 应为 HH:MM（如 11:30）。");
    if (!s && a1 <= a0) s = err_field(e, ST_INVALID, "end", "结束时间 %s 应晚于开始时间 %s。", x->end, x->start);
    if (!s && (ct_chars(x->purpose) < 2 || ct_chars(x->purpose) > 100))
        s = err_field(e, ST_INVALID, "purpose", "用途 purpose 应为 2–100 个字（如“主题党日活动”）。");
    char *org = NULL;
    if (!s) {
        s = db_query_text(c->d, &org, "SELECT name FROM org WHERE id = $1 AND dissolved_on IS NULL", e, "i", x->org_id);
        if (s == ST_NOT_FOUND) s = err_field(e, ST_INVALID, "org_id", "没有编号为 %lld 的现有党组织。", (long long)x->org_id);
    }
    /* The live bookings of the room that day overlapping the span.  Who holds it is center_claim_cmp:
     * while the day is more than center-priority-days ahead (its priority period), a higher published
     * star level comes first (issue 18: a higher star gives priority to venue rental) and the bookings it
     * outranks are displaced, in this act; from then on, first come.  Equal stars: first come. */
    int mine_stars = 0;
    if (!s) s = stars_store_org_level(c, x->org_id, &mine_stars, NULL, e);
    bool by_star = false;
    if (!s) {
        int64_t pd = cfg_int("center-priority-days");
        char cut[11];
        clock_day(clock_now() + pd * 86400, cut);
        by_star = pd > 0 && strcmp(x->day, cut) > 0;
    }
    if (!s)
        s = db_query_json(c->d, &rows,
                          "SELECT b.id, b.start_time, b.end_time, b.booked_at, b.star_level, o.name AS org_name FROM center_booking b "
                          "JOIN org o ON o.id = b.org_id WHERE b.room_id = $1 AND b.day = $2 AND b.state = 'booked' "
                          "AND b.start_time < $4 AND b.end_time > $3 ORDER BY b.id",
                          e, "ittt", x->room_id, x->day, x->start, x->end);
    center_claim mine = {INT64_MAX, clock_now(), mine_stars};
    json_t *first = NULL;   /* an overlapping booking that comes before mine: the answer is no */
    json_t *beaten = json_array();   /* the overlapping ones mine comes before: displaced */
    size_t i;
    json_array_foreach(rows, i, r) {
        center_claim it = {json_integer_value(json_object_get(r, "id")), json_integer_value(json_object_get(r, "booked_at")),
                           (int)json_integer_value(json_object_get(r, "star_level"))};
        if (!center_spans_overlap(a0, a1, center_hhmm(json_string_value(json_object_get(r, "start_time"))),
                                  center_hhmm(json_string_value(json_object_get(r, "end_time")))))
            continue;
        if (center_claim_cmp(&it, &mine, by_star) < 0) {
            if (!first) first = r;
        } else json_array_append(beaten, r);
    }
    if (!s && first)
        s = err_field(e, ST_CONFLICT, "start", "“%s”的“%s”在 %s %s–%s 已被“%s”预约（%s），与您申请的 %s–%s 时间重叠；请换一个时间段或活动室。",
                      room.center_name, room.name, x->day, json_string_value(json_object_get(first, "start_time")),
                      json_string_value(json_object_get(first, "end_time")), json_string_value(json_object_get(first, "org_name")),
                      by_star ? arena_printf(c->mem, "星级优先期内按星级、同星级先到先得；对方 %d 星，您 %d 星",
                                             (int)json_integer_value(json_object_get(first, "star_level")), mine_stars)
                              : "距预约日已不足星级优先期，先到先得",
                      x->start, x->end);
    if (!s)
        s = db_query_int(c->d, id,
                         "INSERT INTO center_booking(room_id, center_id, org_id, day, start_time, end_time, purpose, attendees, state, "
                         "booked_by, booked_at, star_level) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $11) RETURNING id",
                         e, "iiittttitii", x->room_id, center_id, x->org_id, x->day, x->start, x->end, x->purpose, x->attendees, ct_actor(c),
                         clock_now(), (int64_t)mine_stars);
    /* the outranked bookings give way to this one, named in the same audit row */
    const char *gave = "";
    json_array_foreach(beaten, i, r) {
        if (s) break;
        int64_t bid = json_integer_value(json_object_get(r, "id"));
        s = db_run(c->d,
                   "UPDATE center_booking SET state = 'displaced', displaced_by = $2, cancelled_by = $3, cancelled_at = {{NOW}} WHERE id = $1",
                   e, "iit", bid, *id, ct_actor(c));
        gave = arena_printf(c->mem, "%s；“%s”%s–%s（%lld 星）让位", gave, json_string_value(json_object_get(r, "org_name")),
                            json_string_value(json_object_get(r, "start_time")), json_string_value(json_object_get(r, "end_time")),
                            (long long)json_integer_value(json_object_get(r, "star_level")));
    }
    json_decref(beaten);
    json_decref(rows);
    uc_act act = {"center.book", uc_obj(c, "center_booking", *id),
                  arena_printf(c->mem, "“%s”（%d 星）预约“%s”%s %s %s–%s（%s）%s", org ? org : "", mine_stars,
                               room.center_name ? room.center_name : "", room.name ? room.name : "", x->day ? x->day : "",
                               x->start ? x->start : "", x->end ? x->end : "", x->purpose ? x->purpose : "", gave)};
    free(org);
    s = uc_end(c, s, &act, e);
    if (s) *id = 0;
    return s;
}

st center_store_cancel(uc *c, int64_t booking_id, err *e) {
    st s = uc_begin(c, e);
    if (s) return s;
    json_t *rows = NULL;
    char today[11];
    ct_today(today);
    s = db_query_json(c->d, &rows,
                      "SELECT b.day, b.start_time, b.end_time, b.state, o.name AS org_name, x.name AS center_name, r.name AS room_name "
                      "FROM center_booking b JOIN org o ON o.id = b.org_id JOIN center x ON x.id = b.center_id "
                      "JOIN center_room r ON r.id = b.room_id WHERE b.id = $1",
                      e, "i", booking_id);
    json_t *b = s ? NULL : json_array_get(rows, 0);
    const char *day = json_string_value(json_object_get(b, "day"));
    if (!s && !b) s = err_set(e, ST_NOT_FOUND, "没有编号为 %lld 的活动室预约。", (long long)booking_id);
    const char *state = s ? NULL : json_string_value(json_object_get(b, "state"));
    if (!s && !strcmp(state, "displaced"))   /* not cancelled by anyone: a higher star level took the span */
        s = err_set(e, ST_CONFLICT, "这次预约（%s %s）已让位给星级更高的党组织，无需再取消。", day,
                    json_string_value(json_object_get(b, "start_time")));
    else if (!s && strcmp(state, "booked"))
        s = err_set(e, ST_CONFLICT, "这次预约（%s %s）已经取消，无需再取消。", day, json_string_value(json_object_get(b, "start_time")));
    if (!s && strcmp(day, today) < 0) s = err_set(e, ST_CONFLICT, "这次预约在 %s，已经过去，不能取消。", day);
    if (!s)
        s = db_run(c->d, "UPDATE center_booking SET state = 'cancelled', cancelled_by = $2, cancelled_at = {{NOW}} WHERE id = $1", e, "it",
                   booking_id, ct_actor(c));
    uc_act a = {"center.booking.cancel", uc_obj(c, "center_booking", booking_id),
                b ? arena_printf(c->mem, "“%s”取消预约“%s”%s %s %s–%s", json_string_value(json_object_get(b, "org_name")),
                                 json_string_value(json_object_get(b, "center_name")), json_string_value(json_object_get(b, "room_name")), day,
                                 json_string_value(json_object_get(b, "start_time")), json_string_value(json_object_get(b, "end_time")))
                  : "取消活动室预约"};
    s = uc_end(c, s, &a, e);
    json_decref(rows);
    return s;
}

st center_store_of_org(uc *c, int64_t org_id, const char *from_day, json_t **items, err *e) {
    *items = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT b.id, b.center_id, x.name AS center_name, x.address, b.room_id, r.name AS room_name, b.day, b.start_time, "
                         "b.end_time, b.purpose, b.attendees, b.state, b.booked_by FROM center_booking b JOIN center x ON x.id = b.center_id "
                         "JOIN center_room r ON r.id = b.room_id WHERE b.org_id = $1 AND b.day >= $2 ORDER BY b.day, b.start_time, b.id",
                         e, "it", org_id, from_day);
    if (s) return s;
    *items = arena_json(c->mem, rows);
    return ST_OK;
}

/* ---- the circle ---- */

st center_store_places(uc *c, json_t **items, err *e) {
    *items = NULL;
    json_t *rows = NULL;
    st s = db_query_json(c->d, &rows,
                         "SELECT x.id, x.name, x.district_code, " CT_PLACE CT_FROM
                         " WHERE x.closed_on IS NULL AND COALESCE(x.lng_e6, m.lng_e6) IS NOT NULL ORDER BY x.id",
                         e, "");
    if (s) return s;
    *items = arena_json(c->mem, rows);
    return ST_OK;
}

typedef struct ct_dist { char code[32]; int64_t ents, located, covered, members, members_covered; } ct_dist;

static ct_dist *ct_dist_of(ct_dist *d, size_t *nd, size_t cap, const char *code) {
    for (size_t i = 0; i < *nd; i++)
        if (!strcmp(d[i].code, code)) return &d[i];
    if (*nd >= cap) return NULL;
    ct_dist *x = &d[(*nd)++];
    memset(x, 0, sizeof *x);
    snprintf(x->code, sizeof x->code, "%s", code);
    return x;
}

static double ct_secs(const struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static json_t *ct_share(int64_t a, int64_t b) { return b ? json_real(round((double)a * 10000.0 / (double)b) / 100.0) : json_null(); }

st center_store_circle(uc *c, const center_circle_opt *o, json_t **out, err *e) {
    *out = NULL;
    double minutes = o->minutes > 0 ? o->minutes : cfg_num("circle-minutes");
    double speed = o->speed > 0 ? o->speed : cfg_num("circle-walk-m-per-min");
    double detour = o->detour > 0 ? o->detour : cfg_num("circle-detour-factor");
    double radius = center_radius_m(minutes, speed, detour);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double t_load = 0, t_circle = 0, t_suggest = 0;
    char today[11];
    ct_today(today);
    const char *k, *code;
    scope_bind(c, &k, &code);
    /* the centers, then the enterprises of the caller's scope (a coordinate of their own, or none) */
    json_t *centers = NULL;
    st s = center_store_places(c, &centers, e);
    if (s) return s;
    size_t nc = 0, ncap = json_array_size(centers) + o->n_extra;
    center_pt *cp = malloc((ncap ? ncap : 1) * sizeof *cp);
    if (!cp) return err_set(e, ST_NOMEM, "内存不足。");
    size_t i;
    json_t *r;
    json_array_foreach(centers, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "source")), "form")) continue;   /* a center at a centroid has no true place */
        cp[nc++] = (center_pt){json_integer_value(json_object_get(r, "lng_e6")), json_integer_value(json_object_get(r, "lat_e6"))};
    }
    size_t n_real = nc;
    for (i = 0; i < o->n_extra; i++) cp[nc++] = o->extra[i];
    db_stmt *q = NULL;
    /* the city's reads every enterprise: no scope condition to weigh on each of half a million rows */
#define CT_ENTS                                                                                                        \
    "SELECT e.id, COALESCE(e.district_code, ''), k.lng_e6, k.lat_e6, e.reg_members FROM enterprise e "             \
    "LEFT JOIN enterprise_coord k ON k.enterprise_id = e.id WHERE (e.reg_to IS NULL OR e.reg_to > $3)"
    bool city = !strcmp(k, "city");
    s = db_prepare(c->d,
                   city ? CT_ENTS " AND (CAST($2 AS TEXT) IS NULL OR CAST($1 AS TEXT) = 'city')"
                        : CT_ENTS " AND " SCOPE_COND("$1", "$2", "e.district_code", "e.park_code", "NULL", "e.id", "NULL"),
                   &q, e);
    if (s) {
        free(cp);
        return s;
    }
    db_bind_text(q, 1, k);
    db_bind_text(q, 2, code);
    db_bind_text(q, 3, today);
    db_stream(q);
    size_t ne = 0, ecap = 1024;
    center_pt *ep = malloc(ecap * sizeof *ep);
    int64_t *eid = malloc(ecap * sizeof *eid), *emem = malloc(ecap * sizeof *emem);
    int32_t *edist = malloc(ecap * sizeof *edist);
    enum { DCAP = 64 };
    ct_dist dist[DCAP];
    size_t nd = 0;
    int64_t unlocated = 0, unlocated_members = 0;
    ct_dist *other = NULL;
    int rc;
    bool oom = !ep || !eid || !emem || !edist;
    while (!oom && (rc = db_step(q, e)) == DB_ROW) {
        const char *dc = db_col_text(q, 1);
        ct_dist *d = ct_dist_of(dist, &nd, DCAP, dc ? dc : "");
        if (!d) d = other ? other : (other = &dist[DCAP - 1]);
        int64_t members = db_col_int(q, 4);
        d->ents++;
        d->members += members;
        if (db_col_null(q, 2) || db_col_null(q, 3)) {
            unlocated++;
            unlocated_members += members;
            continue;
        }
        if (ne == ecap) {
            ecap *= 2;
            center_pt *a = realloc(ep, ecap * sizeof *ep);
            int64_t *b = a ? realloc(eid, ecap * sizeof *eid) : NULL;
            int64_t *m = b ? realloc(emem, ecap * sizeof *emem) : NULL;
            int32_t *dd = m ? realloc(edist, ecap * sizeof *edist) : NULL;
            if (a) ep = a;
            if (b) eid = b;
            if (m) emem = m;
            if (dd) edist = dd;
            if (!dd) {
                oom = true;
                break;
            }
        }
        d->located++;
        ep[ne] = (center_pt){db_col_int(q, 2), db_col_int(q, 3)};
        eid[ne] = db_col_int(q, 0);
        emem[ne] = members;
        edist[ne] = (int32_t)(d - dist);
        ne++;
    }
    db_reset(q);
    if (!oom && rc == DB_ERROR) s = e->code;
    unsigned char *cov = oom || s ? NULL : malloc(ne ? ne : 1);
    if (!s && !cov) oom = true;
    t_load = ct_secs(&t0);
    if (!s && !oom && o->plain) center_circle_plain(cp, nc, ep, ne, radius, cov);
    else if (!s && !oom && center_circle(cp, nc, ep, ne, radius, cov, NULL)) oom = true;
    t_circle = ct_secs(&t0) - t_load;
    /* the suggestion: over the uncovered enterprises' coordinates */
    size_t nu = 0, npk = 0;
    center_pt *up = NULL;
    size_t *uidx = NULL, *picks = NULL, *gain = NULL;
    int32_t *held = NULL;
    int64_t kk = o->k > 0 ? (o->k < cfg_int("circle-suggest-max") ? o->k : cfg_int("circle-suggest-max")) : 0;
    if (!s && !oom && kk) {
        up = malloc((ne ? ne : 1) * sizeof *up);
        uidx = malloc((ne ? ne : 1) * sizeof *uidx);
        held = malloc((ne ? ne : 1) * sizeof *held);
        picks = malloc((size_t)kk * sizeof *picks);
        gain = malloc((size_t)kk * sizeof *gain);
        if (!up || !uidx || !held || !picks || !gain) oom = true;
        for (i = 0; !oom && i < ne; i++)
            if (!cov[i]) {
                up[nu] = ep[i];
                uidx[nu++] = i;
            }
        if (!oom && center_suggest(up, nu, radius, (size_t)kk, picks, gain, &npk, held)) oom = true;
        t_suggest = ct_secs(&t0) - t_load - t_circle;
    }
    json_t *res = NULL;
    if (!s && !oom) {
        for (i = 0; i < ne; i++)
            if (cov[i]) {
                dist[edist[i]].covered++;
                dist[edist[i]].members_covered += emem[i];
            }
        json_t *ds = json_array();
        int64_t te = 0, tl = 0, tc = 0, tm = 0, tmc = 0;
        for (size_t j = 0; j < nd; j++) {
            ct_dist *d = &dist[j];
            char *name = NULL;
            if (*d->code) db_query_text(c->d, &name, "SELECT name FROM region WHERE code = $1", e, "t", d->code);
            json_array_append_new(ds, json_pack("{s:s,s:s,s:I,s:I,s:I,s:o,s:I,s:I,s:o}", "code", d->code, "name",
                                                name ? name : (*d->code ? d->code : "未填所在区"), "enterprises", (json_int_t)d->ents, "located",
                                                (json_int_t)d->located, "covered", (json_int_t)d->covered, "share", ct_share(d->covered, d->ents),
                                                "members", (json_int_t)d->members, "members_covered", (json_int_t)d->members_covered,
                                                "members_share", ct_share(d->members_covered, d->members)));
            free(name);
            te += d->ents, tl += d->located, tc += d->covered, tm += d->members, tmc += d->members_covered;
        }
        json_t *sug = json_array();
        for (size_t j = 0; j < npk; j++) {
            int64_t m = 0;
            for (size_t u = 0; u < nu; u++)
                if (held[u] == (int32_t)j) m += emem[uidx[u]];
            const center_pt *p = &up[picks[j]];
            json_array_append_new(sug, json_pack("{s:I,s:I,s:I,s:I,s:I,s:s}", "rank", (json_int_t)(j + 1), "lng_e6", (json_int_t)p->lng_e6, "lat_e6",
                                                 (json_int_t)p->lat_e6, "enterprises", (json_int_t)gain[j], "members", (json_int_t)m,
                                                 "district_code", dist[edist[uidx[picks[j]]]].code));
        }
        res = json_pack("{s:{s:f,s:f,s:f},s:f,s:s,s:I,s:I,s:{s:I,s:I,s:I,s:o,s:I,s:I,s:o,s:I,s:I},s:o,s:o,s:s}", "settings", "minutes", minutes,
                        "walk_m_per_min", speed, "detour_factor", detour, "radius_m", round(radius * 10) / 10,
                        "note", "估算：步行距离 = 直线距离 × 绕行系数，按步行速度折算分钟，未按实际道路计算；只计有确切位置（台账或地图选定）的企业。",
                        "centers", (json_int_t)n_real, "tried", (json_int_t)o->n_extra, "totals", "enterprises", (json_int_t)te, "located",
                        (json_int_t)tl, "covered", (json_int_t)tc, "share", ct_share(tc, te), "members", (json_int_t)tm, "members_covered",
                        (json_int_t)tmc, "members_share", ct_share(tmc, tm), "unlocated", (json_int_t)unlocated, "unlocated_members",
                        (json_int_t)unlocated_members, "districts", ds, "suggestions", sug, "day", today);
        if (res && o->with_points) {
            size_t cap = (size_t)cfg_int("map-points-max");
            json_t *pts = json_array();
            for (i = 0; i < ne && i < cap; i++)
                json_array_append_new(pts, json_pack("[I,I,I,b]", (json_int_t)eid[i], (json_int_t)ep[i].lng_e6, (json_int_t)ep[i].lat_e6, cov[i]));
            json_object_set_new(res, "points", pts);
            json_object_set_new(res, "points_truncated", json_boolean(ne > cap));
        }
        if (res)
            json_object_set_new(res, "timing", json_pack("{s:f,s:f,s:f,s:f}", "load_s", t_load, "circle_s", t_circle, "suggest_s", t_suggest,
                                                         "total_s", ct_secs(&t0)));
        if (!res) oom = true;
    }
    free(cp);
    free(ep);
    free(eid);
    free(emem);
    free(edist);
    free(cov);
    free(up);
    free(uidx);
    free(held);
    free(picks);
    free(gain);
    if (s) return s;
    if (oom) {
        json_decref(res);
        return err_set(e, ST_NOMEM, "内存不足，无法计算服务圈。");
    }
    *out = arena_json(c->mem, res);
    return ST_OK;
}

st center_map_layer(uc *c, const char *day, json_t **out, err *e) {
    (void)day;
    *out = NULL;
    json_t *items = NULL;
    st s = center_store_places(c, &items, e);
    if (s) return s;   /* items belong to the use case's arena */
    double radius = center_radius_m(cfg_num("circle-minutes"), cfg_num("circle-walk-m-per-min"), cfg_num("circle-detour-factor"));
    json_t *rows = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        json_array_append_new(rows, json_pack("[I,s,s,I,I,s,f]", (json_int_t)json_integer_value(json_object_get(r, "id")),
                                              json_string_value(json_object_get(r, "name")), "党群服务中心",
                                              (json_int_t)json_integer_value(json_object_get(r, "lng_e6")),
                                              (json_int_t)json_integer_value(json_object_get(r, "lat_e6")),
                                              json_string_value(json_object_get(r, "source")), round(radius)));
    }
    *out = json_pack("{s:s,s:[s,s,s,s,s,s,s],s:o,s:f,s:f}", "kind", "points", "fields", "id", "name", "type", "lng_e6", "lat_e6", "source", "radius_m",
                     "rows", rows, "radius_m", round(radius), "minutes", cfg_num("circle-minutes"));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

st center_gaps_layer(uc *c, const char *day, json_t **out, err *e) {
    (void)day;
    *out = NULL;
    center_circle_opt o = {0};
    o.k = cfg_int("circle-suggest-max");
    json_t *res = NULL;
    st s = center_store_circle(c, &o, &res, e);
    if (s) return s;   /* res belongs to the use case's arena */
    json_t *rows = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(res, "suggestions"), i, r) {
        json_int_t rank = json_integer_value(json_object_get(r, "rank"));
        json_array_append_new(rows, json_pack("[I,s,s,I,I,s,O,O]", rank, arena_printf(c->mem, "建议新建中心 %lld", (long long)rank), "建议",
                                              (json_int_t)json_integer_value(json_object_get(r, "lng_e6")),
                                              (json_int_t)json_integer_value(json_object_get(r, "lat_e6")), "suggestion",
                                              json_object_get(r, "enterprises"), json_object_get(r, "members")));
    }
    *out = json_pack("{s:s,s:[s,s,s,s,s,s,s,s],s:o,s:O}", "kind", "points", "fields", "id", "name", "type", "lng_e6", "lat_e6", "source",
                     "enterprises", "members", "rows", rows, "radius_m", json_object_get(res, "radius_m"));
    return *out ? ST_OK : err_set(e, ST_NOMEM, "内存不足。");
}

const scope_resolver center_scope_resolvers[] = {
    /* A center sits in its district (the city's and that district office's to keep). */
    {"center", true, false, "SELECT district_code, NULL, NULL, NULL, NULL FROM center WHERE id = CAST($1 AS BIGINT)", .noun = "党群服务中心"},
    /* A booking sits where the organization that booked it is. */
    {"center_booking", true, false,
     "SELECT o.district_code, o.park_code, o.path, NULL, NULL FROM center_booking b JOIN org o ON o.id = b.org_id WHERE b.id = CAST($1 AS BIGINT)",
     .noun = "活动室预约"},
    {NULL, false, false, NULL},
};
