// How the map page draws each layer the server offers (GET /api/map/layers; the server's table is
// src/app/map_layers.c).  A module that adds a layer there adds its entry here:
//   series(layer, ctx) → ECharts series on the 'geo' coordinate system (points: [lng, lat, index]),
//   to(item, ctx)      → where clicking one of its items goes (a router location), or null,
//   legend(layer, t)   → [{key, label, color, hollow}] shown under the toggles (may be omitted).
// A points layer without an entry is still drawn (grey dots at lng_e6/lat_e6, named by `name`),
// so a new server layer shows before its page work is done.  Items come as rows beside `fields`.
import { deg, rowsOf } from './citymap.js'

const COVERED = '#2e7d32'
const UNCOVERED = '#d32f2f'
const ORG = '#b71c1c'
const ALLIANCE = '#6a1b9a'
const CENTER = '#c62828'
const GAP = '#ef6c00'

/** A circle of radius_m metres around a point, as a closed polyline of degrees (the 10-minute circle, issue 19). */
export function circleCoords(lngE6, latE6, radiusM, n = 40) {
  const dLat = radiusM / 111195, lat = deg(latE6), dLng = dLat / Math.cos((lat * Math.PI) / 180)
  return Array.from({ length: n + 1 }, (_, i) => [deg(lngE6) + dLng * Math.cos((2 * Math.PI * i) / n), lat + dLat * Math.sin((2 * Math.PI * i) / n)])
}

/** Points as an ECharts scatter on the geo: more than 500 draw in large mode (one path for all: bench/map). */
function scatter(id, name, items, style) {
  return {
    id, name, type: 'scatter', coordinateSystem: 'geo', geoIndex: 0,
    data: items.map((p) => [deg(p.lng_e6), deg(p.lat_e6), p._i]),
    large: items.length > 500, largeThreshold: 500, progressive: 0,
    symbolSize: style.size || 7, symbol: style.hollow ? 'emptyCircle' : 'circle',
    itemStyle: { color: style.color, opacity: style.hollow ? 0.75 : 0.9, borderColor: style.hollow ? style.color : '#fff', borderWidth: style.hollow ? 1.5 : 0.5 },
    emphasis: { scale: 1.6 }, z: style.z || 3, animation: false,
  }
}

export const MAP_LAYERS = {
  districts: {
    // the colour of each district is its coverage rate (the coverage page's figures)
    series(layer) {
      return [{ id: 'districts', type: 'map', geoIndex: 0, name: layer.label,
        data: (layer.items || []).map((r) => ({ name: r.name, value: r.rate, row: r })) }]
    },
    to: (item, ctx) => ({ name: 'coverage', query: { district: item.key, date: ctx.date } }),
  },
  enterprises: {
    series(layer, ctx) {
      const items = ctx.filter(rowsOf(layer).map((p, i) => ({ ...p, _i: i })))
      const group = (covered, approx) => items.filter((p) => (p.covered === 1) === covered && (p.source === 'centroid') === approx)
      return [
        scatter('ent-covered', ctx.t('map.legend.covered'), group(true, false), { color: COVERED }),
        scatter('ent-uncovered', ctx.t('map.legend.uncovered'), group(false, false), { color: UNCOVERED }),
        scatter('ent-covered-approx', ctx.t('map.legend.coveredApprox'), group(true, true), { color: COVERED, hollow: true, size: 9 }),
        scatter('ent-uncovered-approx', ctx.t('map.legend.uncoveredApprox'), group(false, true), { color: UNCOVERED, hollow: true, size: 9 }),
      ]
    },
    to: (item) => ({ name: 'register-enterprise', params: { id: item.id } }),
    legend: (layer, t) => [
      { key: 'covered', label: t('map.legend.covered'), color: COVERED },
      { key: 'uncovered', label: t('map.legend.uncovered'), color: UNCOVERED },
      { key: 'approx', label: t('map.legend.approx'), color: '#666', hollow: true },
    ],
  },
  orgs: {
    series(layer, ctx) {
      const items = rowsOf(layer).map((p, i) => ({ ...p, _i: i }))
      return [{ ...scatter('orgs', layer.label, items, { color: ORG, size: 12, z: 4 }), symbol: 'pin', symbolSize: 18 }]
    },
    to: (item) => ({ name: 'org', params: { id: item.id } }),
    legend: (layer, t) => [{ key: 'org', label: t('map.legend.org'), color: ORG }],
  },
  alliances: {
    // 党建联盟 (issue 23): each at the mean of its members' enterprises that day (hollow: some only approximately placed)
    series(layer) {
      const items = rowsOf(layer).map((p, i) => ({ ...p, _i: i }))
      const exact = items.filter((p) => p.source !== 'centroid'), approx = items.filter((p) => p.source === 'centroid')
      return [
        { ...scatter('alliances', layer.label, exact, { color: ALLIANCE, size: 14, z: 5 }), symbol: 'diamond' },
        { ...scatter('alliances-approx', layer.label, approx, { color: ALLIANCE, size: 14, z: 5, hollow: true }), symbol: 'emptyDiamond' },
      ]
    },
    to: (item) => ({ name: 'alliance', params: { id: item.id } }),
    legend: (layer, t) => [{ key: 'alliance', label: t('map.legend.alliance'), color: ALLIANCE }],
  },
  centers: {
    // 党群服务中心 (issue 19): each with its 10-minute circle (an estimate: straight line × detour factor at a walking
    // speed, the server's settings); hollow = no place known yet, drawn at its district's centroid (no circle then)
    series(layer, ctx) {
      const items = rowsOf(layer).map((p, i) => ({ ...p, _i: i }))
      const exact = items.filter((p) => p.source !== 'centroid'), approx = items.filter((p) => p.source === 'centroid')
      return [
        { id: 'center-circles', name: ctx.t('center.map.circle'), type: 'lines', coordinateSystem: 'geo', geoIndex: 0, polyline: true, silent: true,
          data: exact.map((p) => ({ coords: circleCoords(p.lng_e6, p.lat_e6, p.radius_m) })),
          lineStyle: { color: CENTER, width: 1.2, opacity: 0.7, type: 'dashed' }, z: 5, animation: false },
        { ...scatter('centers', layer.label, exact, { color: CENTER, size: 14, z: 6 }), symbol: 'pin', symbolSize: 22 },
        { ...scatter('centers-approx', layer.label, approx, { color: CENTER, size: 14, z: 6, hollow: true }), symbol: 'emptyTriangle' },
      ]
    },
    to: (item) => ({ name: 'center', params: { id: item.id } }),
    legend: (layer, t) => [{ key: 'center', label: t('center.map.legend'), color: CENTER }],
  },
  'circle-gaps': {
    // where new centers would cover most (the greedy suggestion over uncovered enterprises); clicking one tries it
    series(layer, ctx) {
      const items = rowsOf(layer).map((p, i) => ({ ...p, _i: i }))
      return [
        { id: 'gap-circles', name: ctx.t('center.map.gapCircle'), type: 'lines', coordinateSystem: 'geo', geoIndex: 0, polyline: true, silent: true,
          data: items.map((p) => ({ coords: circleCoords(p.lng_e6, p.lat_e6, layer.radius_m || 600) })),
          lineStyle: { color: GAP, width: 1.2, opacity: 0.8, type: 'dotted' }, z: 5, animation: false },
        { ...scatter('gaps', layer.label, items, { color: GAP, size: 14, z: 6, hollow: true }), symbol: 'emptyCircle' },
      ]
    },
    to: (item) => ({ name: 'center-circle', query: { try: `${deg(item.lng_e6)},${deg(item.lat_e6)}` } }),
    legend: (layer, t) => [{ key: 'gap', label: t('center.map.gap'), color: GAP, hollow: true }],
  },
}

/** The entry for a layer; a points layer without one is drawn plainly. */
export function layerDraw(name, kind) {
  return MAP_LAYERS[name] || (kind === 'points'
    ? { series: (layer) => [scatter(`x-${name}`, layer.label, rowsOf(layer).map((p, i) => ({ ...p, _i: i })), { color: '#607d8b' })], to: () => null }
    : { series: () => [], to: () => null })
}
