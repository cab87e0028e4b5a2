/* map — the rules of the map (pure): degrees, the city's bounds, an
 * organization's place.  See map.h. */
#include "map/map.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

st map_degrees_parse(const char *text, const char *label, int64_t *out_e6, err *e) {
    const char *p = text ? text : "";
    while (*p == ' ') p++;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    int64_t whole = 0, frac = 0;
    int nd = 0, nf = 0, round_up = 0;
    while (isdigit((unsigned char)*p) && nd < 4) whole = whole * 10 + (*p++ - '0'), nd++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (nf < 6) frac = frac * 10 + (*p - '0');
            else if (nf == 6) round_up = *p >= '5';
            nf++;
            p++;
        }
    }
    if (!strncmp(p, "°", strlen("°"))) p += strlen("°");
    while (*p == ' ') p++;
    if (nd == 0 || *p || nf > 15)
        return err_field(e, ST_INVALID, label, "%s“%s”不是以度为单位的数字；请写成小数，如 118.089123（经度）或 24.479834（纬度）。",
                         label, text ? text : "");
    for (int k = nf < 6 ? nf : 6; k < 6; k++) frac *= 10;
    int64_t v = whole * 1000000 + frac + round_up;
    *out_e6 = neg ? -v : v;
    return ST_OK;
}

st map_degrees_from_double(double v, const char *label, int64_t *out_e6, err *e) {
    if (!isfinite(v) || fabs(v) > 1000)
        return err_field(e, ST_INVALID, label, "%s 不是以度为单位的数字；请写成小数，如 118.089123。", label);
    *out_e6 = (int64_t)llround(v * 1e6);
    return ST_OK;
}

void map_e6_text(int64_t v, char out[24]) {
    int64_t a = v < 0 ? -v : v;
    snprintf(out, 24, "%s%lld.%06lld", v < 0 ? "-" : "", (long long)(a / 1000000), (long long)(a % 1000000));
}

st map_bounds_check(int64_t lng_e6, int64_t lat_e6, err *e) {
    int64_t x0 = cfg_int("map-lng-min-e6"), x1 = cfg_int("map-lng-max-e6");
    int64_t y0 = cfg_int("map-lat-min-e6"), y1 = cfg_int("map-lat-max-e6");
    char a[24], b[24], v[24];
    if (lng_e6 < x0 || lng_e6 > x1) {
        map_e6_text(x0, a), map_e6_text(x1, b), map_e6_text(lng_e6, v);
        return err_field(e, ST_INVALID, "lng", "经度 %s 不在厦门市范围内（%s 至 %s）；请在地图上点选位置，或核对是否把经度和纬度填反了。", v, a,
                         b);
    }
    if (lat_e6 < y0 || lat_e6 > y1) {
        map_e6_text(y0, a), map_e6_text(y1, b), map_e6_text(lat_e6, v);
        return err_field(e, ST_INVALID, "lat", "纬度 %s 不在厦门市范围内（%s 至 %s）；请在地图上点选位置，或核对是否把经度和纬度填反了。", v, a,
                         b);
    }
    return ST_OK;
}

void map_mean_add(map_mean *m, int64_t lng_e6, int64_t lat_e6, bool approx) {
    m->lng_sum += lng_e6;
    m->lat_sum += lat_e6;
    m->n++;
    if (approx) m->approx = true;
}

bool map_mean_get(const map_mean *m, int64_t *lng_e6, int64_t *lat_e6) {
    if (m->n <= 0) return false;
    /* rounded to the nearest millionth, halves away from zero */
    int64_t x = m->lng_sum, y = m->lat_sum, n = m->n;
    *lng_e6 = (x >= 0 ? x + n / 2 : x - n / 2) / n;
    *lat_e6 = (y >= 0 ? y + n / 2 : y - n / 2) / n;
    return true;
}

bool map_source_known(const char *s) {
    return s && (!strcmp(s, "ledger") || !strcmp(s, "form") || !strcmp(s, "centroid"));
}

bool map_source_approx(const char *s) { return s && !strcmp(s, "centroid"); }
