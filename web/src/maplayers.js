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
}

/** The entry for a layer; a points layer without one is drawn plainly. */
export function layerDraw(name, kind) {
  return MAP_LAYERS[name] || (kind === 'points'
    ? { series: (layer) => [scatter(`x-${name}`, layer.label, rowsOf(layer).map((p, i) => ({ ...p, _i: i })), { color: '#607d8b' })], to: () => null }
    : { series: () => [], to: () => null })
}
