/* center_api — 党群服务中心 and the 10-minute circle over HTTP (issue 19):
 * parse, call center_store, reply.  No SQL here.
 *
 *   GET  /api/centers?district=&q=&closed=        every center (public places; xlsx export)
 *   POST /api/centers                             a new center (center.write: the city, a district for its own)
 *   GET  /api/centers/circle?k=&try=&points=      the 10-minute circle over my enterprises (an estimate)
 *   GET  /api/centers/{id}?from=                  one center: rooms, bookings from a day on
 *   PUT  /api/centers/{id}                        edit (coordinate picked on the map or typed; closed_on)
 *   POST /api/centers/{id}/rooms                  a room
 *   POST /api/centers/{id}/bookings               an organization books a room (center.book, its own organization)
 *   POST /api/center-bookings/{id}/cancel         cancel a booking
 *   GET  /api/orgs/{id}/center-bookings           an organization's bookings from today
 * `try` is "lng,lat;lng,lat" in degrees: centers to try on the map, not saved. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "center/center_store.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "http/http.h"
#include "map/map.h"
#include "org/org.h"

static const char *ca_q(http_req *r, const char *name) {
    const char *v = http_query(r, name);
    return v && *v ? v : NULL;
}

static st ca_reply(http_req *r, int status, int64_t id, err *e) {
    char today[11];
    clock_day(clock_now(), today);
    json_t *o = NULL;
    st s = center_store_get(http_uc(r), id, today, &o, e);
    if (s) return s;
    return http_reply_json(r, status, json_incref(o));
}

/* The body of a center (create: name, district_code, address required). */
static st ca_center_in(http_req *r, bool create, center_in *x, err *e) {
    static const char *const only[] = {"name", "district_code", "address", "hours", "facilities", "contact", "phone", "closed_on", "lng", "lat", NULL};
    memset(x, 0, sizeof *x);
    st s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", create, 1, 200, &x->name, e);
    if (!s) s = jsonx_str(r->json, "district_code", create, 1, 20, &x->district_code, e);
    if (!s) s = jsonx_str(r->json, "address", create, 1, 400, &x->address, e);
    if (!s) s = jsonx_str(r->json, "hours", false, 0, 400, &x->hours, e);
    if (!s) s = jsonx_str(r->json, "facilities", false, 0, 3000, &x->facilities, e);
    if (!s) s = jsonx_str(r->json, "contact", false, 0, 100, &x->contact, e);
    if (!s) s = jsonx_str(r->json, "phone", false, 0, 100, &x->phone, e);
    if (!s && !create) s = jsonx_str(r->json, "closed_on", false, 0, 20, &x->closed_on, e);
    if (s) return s;
    /* the coordinate: degrees as numbers (picked on the map) or text (typed); null clears it */
    json_t *lng = json_object_get(r->json, "lng"), *lat = json_object_get(r->json, "lat");
    if (!lng && !lat) return ST_OK;
    if (json_is_null(lng) && json_is_null(lat)) {
        x->clear_coord = true;
        return ST_OK;
    }
    if (!lng || !lat || json_is_null(lng) || json_is_null(lat))
        return err_field(e, ST_INVALID, lng && !json_is_null(lng) ? "lat" : "lng", "经度 lng 和纬度 lat 应同时填写（或同时清空）。");
    const char *lbl[2] = {"经度", "纬度"};
    json_t *v[2] = {lng, lat};
    int64_t *o[2] = {&x->lng_e6, &x->lat_e6};
    for (int i = 0; i < 2 && !s; i++) {
        if (json_is_number(v[i])) s = map_degrees_from_double(json_number_value(v[i]), lbl[i], o[i], e);
        else if (json_is_string(v[i])) s = map_degrees_parse(json_string_value(v[i]), lbl[i], o[i], e);
        else s = err_field(e, ST_INVALID, i ? "lat" : "lng", "%s应为度数（如 %s）。", lbl[i], i ? "24.487" : "118.089");
        if (s) snprintf(e->field, sizeof e->field, "%s", i ? "lat" : "lng");
    }
    x->has_coord = !s;
    return s;
}

static st h_list(http_req *r, err *e) {
    center_filter f = {ca_q(r, "district"), ca_q(r, "q"), ca_q(r, "closed") && !strcmp(ca_q(r, "closed"), "1")};
    st s = ST_OK;
    if (f.q && strlen(f.q) > 90) s = err_field(e, ST_INVALID, "q", "名称关键词 q 过长（最多 30 个字）。");
    json_t *all = NULL, *items = NULL;
    int64_t total = 0;
    if (!s) s = center_store_list(http_uc(r), &f, &all, e);
    if (!s) s = http_page_array(r, all, "name", &items, &total, e);
    if (s) return s;
    http_page pg;
    if ((s = http_paging(r, &pg, e))) {
        json_decref(items);
        return s;
    }
    return http_reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total, "page", (json_int_t)pg.page, "size",
                                             (json_int_t)pg.size));
}

static st h_create(http_req *r, err *e) {
    center_in x;
    int64_t id = 0;
    st s = ca_center_in(r, true, &x, e);
    if (!s) s = center_store_create(http_uc(r), &x, &id, e);
    return s ? s : ca_reply(r, 201, id, e);
}

static st h_get(http_req *r, err *e) {
    int64_t id;
    char day[11];
    st s = http_param_int(r, "id", &id, e);
    if (!s && ca_q(r, "from")) s = org_day_arg(ca_q(r, "from"), "from", day, e);
    else clock_day(clock_now(), day);
    json_t *o = NULL;
    if (!s) s = center_store_get(http_uc(r), id, day, &o, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(o));
}

static st h_update(http_req *r, err *e) {
    int64_t id;
    center_in x;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = ca_center_in(r, false, &x, e);
    if (!s) s = center_store_update(http_uc(r), id, &x, e);
    return s ? s : ca_reply(r, 200, id, e);
}

static st h_room_add(http_req *r, err *e) {
    static const char *const only[] = {"name", "seats", "equipment", NULL};
    int64_t id, room = 0;
    center_room_in x = {0};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_str(r->json, "name", true, 1, 100, &x.name, e);
    if (!s) s = jsonx_int(r->json, "seats", true, 1, 2000, 0, &x.seats, e);
    if (!s) s = jsonx_str(r->json, "equipment", false, 0, 1000, &x.equipment, e);
    if (!s) s = center_store_room_add(http_uc(r), id, &x, &room, e);
    return s ? s : ca_reply(r, 201, id, e);
}

static st h_book(http_req *r, err *e) {
    static const char *const only[] = {"room_id", "org_id", "day", "start", "end", "purpose", "attendees", NULL};
    int64_t id, bid = 0;
    center_booking_in x = {0};
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = jsonx_only(r->json, only, e);
    if (!s) s = jsonx_int(r->json, "room_id", true, 1, INT64_MAX, 0, &x.room_id, e);
    if (!s) s = jsonx_int(r->json, "org_id", true, 1, INT64_MAX, 0, &x.org_id, e);
    if (!s) s = jsonx_str(r->json, "day", true, 1, 20, &x.day, e);
    if (!s) s = jsonx_str(r->json, "start", true, 1, 10, &x.start, e);
    if (!s) s = jsonx_str(r->json, "end", true, 1, 10, &x.end, e);
    if (!s) s = jsonx_str(r->json, "purpose", true, 1, 300, &x.purpose, e);
    if (!s) s = jsonx_int(r->json, "attendees", false, 0, 2000, 0, &x.attendees, e);
    if (!s) s = center_store_book(http_uc(r), id, &x, &bid, e);
    if (s) return s;
    return http_reply_json(r, 201, json_pack("{s:I,s:I}", "id", (json_int_t)bid, "center_id", (json_int_t)id));
}

static st h_cancel(http_req *r, err *e) {
    int64_t id;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = center_store_cancel(http_uc(r), id, e);
    return s ? s : http_reply_empty(r, 204);
}

static st h_of_org(http_req *r, err *e) {
    int64_t id;
    char day[11];
    clock_day(clock_now(), day);
    json_t *items = NULL;
    st s = http_param_int(r, "id", &id, e);
    if (!s) s = center_store_of_org(http_uc(r), id, day, &items, e);
    if (s) return s;
    return http_reply_json(r, 200, json_pack("{s:O,s:s}", "items", items, "from", day));
}

/* "118.1,24.5;118.2,24.6" (degrees) into points inside the city's bounds. */
static st ca_try(http_req *r, const char *text, center_pt **out, size_t *n, err *e) {
    *out = NULL;
    *n = 0;
    if (!text) return ST_OK;
    size_t cap = 1;
    for (const char *p = text; *p; p++) cap += *p == ';';
    if (cap > 50) return err_field(e, ST_INVALID, "try", "试放的中心 try 最多 50 个（“经度,纬度;经度,纬度”）。");
    center_pt *v = arena_alloc(&r->mem, cap * sizeof *v);
    char *copy = arena_strdup(&r->mem, text), *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        char *comma = strchr(tok, ',');
        if (!comma) return err_field(e, ST_INVALID, "try", "试放的中心 try 应为“经度,纬度”，多个用分号隔开（如 118.1,24.5）。");
        *comma = 0;
        st s = map_degrees_parse(tok, "经度", &v[*n].lng_e6, e);
        if (!s) s = map_degrees_parse(comma + 1, "纬度", &v[*n].lat_e6, e);
        if (!s) s = map_bounds_check(v[*n].lng_e6, v[*n].lat_e6, e);
        if (s) {
            snprintf(e->field, sizeof e->field, "try");
            return s;
        }
        ++*n;
    }
    *out = v;
    return ST_OK;
}

static st h_circle(http_req *r, err *e) {
    center_circle_opt o = {0};
    st s = http_query_int(r, "k", 0, 0, cfg_int("circle-suggest-max"), &o.k, e);
    center_pt *extra = NULL;
    if (!s) s = ca_try(r, ca_q(r, "try"), &extra, &o.n_extra, e);
    o.extra = extra;
    o.with_points = ca_q(r, "points") && !strcmp(ca_q(r, "points"), "1");
    json_t *out = NULL;
    if (!s) s = center_store_circle(http_uc(r), &o, &out, e);
    if (s) return s;
    return http_reply_json(r, 200, json_incref(out));
}

static const http_sort_key ca_sort[] = {{"name", "name", true}, {"district_name", "district_name", true}, {"rooms", "rooms"},
                                        {"seats", "seats"}, {"id", "id"}, {NULL, NULL}};
#define CA_EXPORT                                                                                                     \
    "党群服务中心|name:中心名称|district_name:所在区|address:地址|hours:开放时间|contact:联系人|phone:联系电话|" \
    "rooms:活动室数|seats:座位数|lng_e6:经度（百万分之一度）|lat_e6:纬度（百万分之一度）|approx:位置为近似:bool|closed_on:停用日期"

const http_route center_routes[] = {
    {"GET", "/api/centers", "center.read", h_list, HB_NONE, "党群服务中心列表（公共场所，全市可见；按区、名称筛选，可导出）", "center", NULL, CA_EXPORT,
     ca_sort},
    {"POST", "/api/centers", "center.write", h_create, HB_JSON, "新建党群服务中心：名称、所在区（本范围内）、地址、位置、开放时间、设施、联系人", "center",
     "region:.district_code"},
    {"GET", "/api/centers/circle", "coverage.read", h_circle, HB_NONE,
     "十分钟服务圈（估算）：本范围内企业与党员的覆盖比例（按区）、未覆盖企业的聚集处与建议新建中心的位置（k 个），可试放中心", "center", NULL},
    {"GET", "/api/centers/{id}", "center.read", h_get, HB_NONE, "党群服务中心：开放时间、设施、联系人、活动室与预约情况", "center", NULL},
    {"PUT", "/api/centers/{id}", "center.write", h_update, HB_JSON, "修改党群服务中心（含地图选点、登记停用）", "center", "center:{id}"},
    {"POST", "/api/centers/{id}/rooms", "center.write", h_room_add, HB_JSON, "为党群服务中心新增活动室", "center", "center:{id}"},
    {"POST", "/api/centers/{id}/bookings", "center.book", h_book, HB_JSON, "本组织预约活动室（某日某时段，先到先得，时间重叠的不予预约）", "center",
     "org:.org_id"},
    {"POST", "/api/center-bookings/{id}/cancel", "center.book", h_cancel, HB_NONE, "取消本组织的活动室预约", "center", "center_booking:{id}"},
    {"GET", "/api/orgs/{id}/center-bookings", "center.read", h_of_org, HB_NONE, "党组织今天及以后的活动室预约", "center", "org:{id}"},
    {NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
