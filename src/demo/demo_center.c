/* demo_center — the demo city's 党群服务中心 (issue 19), made through the same
 * use cases as an office's (center_store): one in 软件园二期 (思明区, beside
 * the enterprises the city placed by hand on the map), one in 湖里区 near
 * enterprises whose survey gave coordinates, one in 海沧区 picked on the map,
 * and one in 集美区 whose place is not known yet (drawn at the district's
 * centroid as 近似位置); two or three rooms each, and the demo secretary's
 * branch has booked the 软件园 center's 红色会客厅 for a 主题党日 and a
 * 党课 in the coming days. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "center/center_store.h"
#include "demo/demo.h"

typedef struct dc_center {
    const char *name, *district, *address, *hours, *facilities, *contact, *phone;
    int64_t lng, lat;   /* 0: not known; -1: beside the first of 湖里区's surveyed enterprises */
} dc_center;

static const dc_center dc_centers[] = {
    {"思明区软件园党群服务中心", "350203", "思明区软件园二期观日路 26 号 1 楼", "周一至周六 9:00–21:00",
     "党员活动室、红色会客厅、党建书屋、共享会议室、直饮水、母婴室", "林晓燕", "0592-5521806", 118180300, 24490900},
    {"湖里区火炬园党群服务中心", "350206", "湖里区火炬园创新路 2 号 1 楼", "周一至周五 8:30–20:30，周六 9:00–17:00",
     "党员活动室、多功能厅、职工书屋、心理咨询室", "陈志强", "0592-5716520", -1, -1},
    {"海沧区新阳党群服务中心", "350205", "海沧区新阳街道新阳路 1568 号", "周一至周五 9:00–18:00", "党员活动室、会议室、红色影院",
     "王丽娟", "0592-6080012", 118035400, 24517300},
    {"集美区软件园三期党群服务中心", "350211", "集美区软件园三期诚毅北大街 A 区", "周一至周五 9:00–18:00（筹建中）", "党员活动室、路演厅", "郑海峰",
     "0592-6211706", 0, 0},
};

typedef struct dc_room { int center; const char *name; int64_t seats; const char *equipment; } dc_room;
static const dc_room dc_rooms[] = {
    {0, "红色会客厅", 30, "投影、党旗、音响"},   {0, "党员活动室", 60, "投影、电子屏、话筒"}, {0, "共享会议室", 12, "白板、电视"},
    {1, "党员活动室", 50, "投影、话筒"},         {1, "多功能厅", 120, "舞台、音响、电子屏"},  {2, "党员活动室", 40, "投影"},
    {2, "红色影院", 80, "影音设备"},             {3, "党员活动室", 30, "投影"},
};

st demo_center_fill(demo_ctx *c, err *e) {
    int64_t ids[4] = {0}, rooms[8] = {0};
    st s = ST_OK;
    for (size_t i = 0; !s && i < sizeof dc_centers / sizeof *dc_centers; i++) {
        const dc_center *d = &dc_centers[i];
        center_in x = {d->name, d->district, d->address, d->hours, d->facilities, d->contact, d->phone, NULL, d->lng != 0, false, d->lng, d->lat};
        if (d->lng < 0) {
            /* 150 m north of the first 湖里区 enterprise whose survey gave a coordinate (none: its centroid) */
            json_t *rows = NULL;
            s = db_query_json(c->d, &rows,
                              "SELECT k.lng_e6, k.lat_e6 FROM enterprise_coord k JOIN enterprise e ON e.id = k.enterprise_id "
                              "WHERE e.district_code = '350206' AND k.source = 'ledger' ORDER BY k.enterprise_id LIMIT 1",
                              e, "");
            json_t *r = json_array_get(rows, 0);
            x.has_coord = r != NULL;
            if (r) {
                x.lng_e6 = json_integer_value(json_object_get(r, "lng_e6"));
                x.lat_e6 = json_integer_value(json_object_get(r, "lat_e6")) + 1350;
            }
            json_decref(rows);
        }
        if (!s) s = center_store_create(&c->use, &x, &ids[i], e);
    }
    for (size_t i = 0; !s && i < sizeof dc_rooms / sizeof *dc_rooms; i++) {
        center_room_in r = {dc_rooms[i].name, dc_rooms[i].equipment, dc_rooms[i].seats};
        s = center_store_room_add(&c->use, ids[dc_rooms[i].center], &r, &rooms[i], e);
    }
    int64_t sec = 0;
    if (!s) s = db_query_int(c->d, &sec, "SELECT CAST(scope_code AS BIGINT) FROM users WHERE username = 'secretary'", e, "");
    if (s == ST_NOT_FOUND) return ST_OK;   /* a demo without the usual accounts: centers and rooms only */
    char d3[11], d8[11];
    clock_day(clock_now() + 3 * 86400, d3);
    clock_day(clock_now() + 8 * 86400, d8);
    int64_t b = 0;
    center_booking_in b1 = {rooms[0], sec, 25, d3, "14:30", "16:30", "主题党日：学习新修订的党章"};
    center_booking_in b2 = {rooms[1], sec, 40, d8, "09:00", "11:00", "专题党课"};
    if (!s) s = center_store_book(&c->use, ids[0], &b1, &b, e);
    if (!s) s = center_store_book(&c->use, ids[0], &b2, &b, e);
    return s;
}
