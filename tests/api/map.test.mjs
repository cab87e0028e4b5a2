// map — the city map over HTTP on the demo city (issue 19, Map): the layers a
// role may see; the districts' coverage equals the coverage page's figures
// (the same store); a district sees its own enterprises' points only; every
// enterprise's place says where it came from (ledger / form / centroid) and
// the demo has all three; the coordinate form (PUT …/coord) sets a 'form'
// coordinate, audited, refuses one outside the city or outside the district's
// scope, and a ledger with 经度/纬度 columns gives 'ledger' coordinates by
// credit code (POST /api/ledger/imports/{id}/coords) but never over a form's.
// SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';

let srv;
const U = {};
function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const audits = (action) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND result = 'ok'`)[0][0]);
const DAY = '2018-06-30';

before(async () => {
  srv = await startServer({ demo: true });
  for (const [u, role, s] of [['mp_city', 'city'], ['mp_siming', 'district', '350203'], ['mp_huli', 'district', '350206'], ['mp_park', 'park', 'P0002']])
    addUser(srv.db.url, u, role, s);
  for (const u of ['mp_city', 'mp_siming', 'mp_huli', 'mp_park']) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv?.stop(); });

const rowsOf = (layer) => layer.rows.map((r) => Object.fromEntries(layer.fields.map((f, i) => [f, r[i]])));

test('the layers a role may see, and an unknown one', async () => {
  const r = await U.mp_city.get('/api/map/layers');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.layers.map((l) => l.name), ['districts', 'enterprises', 'orgs', 'alliances', 'centers', 'circle-gaps']);
  // the suggestions are computed (a greedy search): the page draws them only when ticked
  assert.deepEqual(r.data.layers.filter((l) => l.on_demand).map((l) => l.name), ['circle-gaps']);
  assert.ok(r.data.layers.every((l) => l.label && ['areas', 'points'].includes(l.kind)));
  const x = await U.mp_city.get('/api/map/layers/nosuch');
  assert.equal(x.status, 404);
  assert.match(x.data.error.message, /没有名为/);
  const bad = await U.mp_city.get('/api/map/layers/districts?date=2018-13-01');
  assert.equal(bad.status, 400);
});

test('the alliances layer: each alliance of the caller\'s at the mean of its members\' enterprises', async () => {
  for (const u of ['mp_city', 'mp_siming']) {
    const f = (await U[u].get('/api/alliances/map')).data;   // today's (the demo's alliances are recent)
    const feed = f.items, day = f.day;
    const m = await U[u].get(`/api/map/layers/alliances?date=${day}`);
    assert.equal(m.status, 200, m.text);
    const rows = rowsOf(m.data);
    // every demo enterprise has a place (a coordinate or its district's centroid): every alliance is drawn
    assert.deepEqual(rows.map((r) => r.id).sort(), feed.filter((a) => a.enterprise_ids.length).map((a) => a.id).sort());
    const places = Object.fromEntries(rowsOf((await U.mp_city.get(`/api/map/layers/enterprises?date=${day}`)).data).map((p) => [p.id, p]));
    for (const r of rows) {
      const a = feed.find((x) => x.id === r.id);
      const ps = a.enterprise_ids.map((id) => places[id]).filter(Boolean);
      assert.equal(r.enterprises, ps.length);
      assert.equal(r.lng_e6, Math.floor((ps.reduce((s, p) => s + p.lng_e6, 0) + Math.floor(ps.length / 2)) / ps.length));   // rounded as map_mean_get
      assert.equal(r.source, ps.some((p) => p.source === 'centroid') ? 'centroid' : 'mean');
    }
    if (u === 'mp_city') assert.ok(rows.length >= 3, 'the demo\'s three alliances');
  }
});

test('the districts layer gives the coverage page\'s figures, as of any day', async () => {
  for (const day of [DAY, '2018-03-31']) {
    const m = await U.mp_city.get(`/api/map/layers/districts?date=${day}`);
    const c = await U.mp_city.get(`/api/coverage?date=${day}&by=district`);
    assert.equal(m.status, 200, m.text);
    assert.equal(m.data.kind, 'areas');
    assert.equal(m.data.date, day);
    assert.deepEqual(m.data.items, c.data.rows);
    assert.equal(m.data.centroids.length, 6);
  }
  const s = await U.mp_siming.get(`/api/map/layers/districts?date=${DAY}`);
  assert.deepEqual(s.data.items.map((r) => r.key), ['350203']);
});

test('enterprise points: in scope only, every one with its source; the same covered set as the coverage list', async () => {
  const all = await U.mp_city.get(`/api/map/layers/enterprises?date=${DAY}`);
  assert.equal(all.status, 200, all.text);
  const pts = rowsOf(all.data);
  const fig = (await U.mp_city.get(`/api/coverage?date=${DAY}`)).data.rows[0];
  assert.equal(pts.length + all.data.unplaced, fig.enterprises);
  assert.equal(pts.filter((p) => p.covered === 1).length, fig.covered);
  const sources = new Set(pts.map((p) => p.source));
  assert.deepEqual([...sources].sort(), ['centroid', 'form', 'ledger'], 'the demo has all three sources');
  assert.equal(all.data.approx, pts.filter((p) => p.source === 'centroid').length);
  for (const p of pts) {
    assert.ok(p.lng_e6 >= 117800000 && p.lng_e6 <= 118500000 && p.lat_e6 >= 24350000 && p.lat_e6 <= 24950000, JSON.stringify(p));
  }
  // a ledger coordinate is the ledger row's, matched by credit code
  const led = pts.find((p) => p.source === 'ledger');
  const [[lng, lat]] = sql(`SELECT r.lng_e6, r.lat_e6 FROM ledger_record r JOIN enterprise e ON e.uscc = r.code WHERE e.id = ${led.id} AND r.lng_e6 IS NOT NULL ORDER BY r.id DESC LIMIT 1`);
  assert.deepEqual([led.lng_e6, led.lat_e6], [Number(lng), Number(lat)]);
  // a centroid is the district's
  const cen = pts.find((p) => p.source === 'centroid');
  const [[cl, ct]] = sql(`SELECT lng_e6, lat_e6 FROM map_centroid WHERE region_code = '${cen.district_code}'`);
  assert.deepEqual([cen.lng_e6, cen.lat_e6], [Number(cl), Number(ct)]);

  const sm = rowsOf((await U.mp_siming.get(`/api/map/layers/enterprises?date=${DAY}`)).data);
  assert.ok(sm.length > 0);
  assert.ok(sm.every((p) => p.district_code === '350203'), 'a district sees its own points only');
  assert.equal(sm.length, pts.filter((p) => p.district_code === '350203').length);
  const pk = rowsOf((await U.mp_park.get(`/api/map/layers/enterprises?date=${DAY}`)).data);
  const inPark = sql(`SELECT id FROM enterprise WHERE park_code = 'P0002'`).map(([i]) => Number(i));
  assert.ok(pk.length > 0 && pk.every((p) => inPark.includes(p.id)), 'a park sees its own');

  const orgs = await U.mp_siming.get(`/api/map/layers/orgs?date=${DAY}`);
  assert.equal(orgs.status, 200, orgs.text);
  const op = rowsOf(orgs.data);
  assert.ok(op.length > 0);
  const orgIds = new Set(sm.filter((p) => p.org_id).map((p) => p.org_id));
  assert.ok(op.every((o) => orgIds.has(o.id)), 'an organization is placed by the enterprises it covers in scope');
});

test('the coordinate form: set on the map, audited; outside the city or the scope refused', async () => {
  const [[id]] = sql(`SELECT id FROM enterprise WHERE district_code = '350203' AND zombie = 0 AND id NOT IN (SELECT enterprise_id FROM enterprise_coord) ORDER BY id LIMIT 1`);
  const before0 = await U.mp_siming.get(`/api/register/enterprises/${id}/coord`);
  assert.equal(before0.status, 200, before0.text);
  assert.equal(before0.data.source, 'centroid');
  assert.equal(before0.data.approx, true);
  assert.equal(before0.data.region_code, '350203');
  const n0 = audits('map.coord.set');
  const r = await U.mp_siming.put(`/api/register/enterprises/${id}/coord`, { lng: 118.0912, lat: '24.4713' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.source, r.data.lng_e6, r.data.lat_e6, r.data.approx], ['form', 118091200, 24471300, false]);
  assert.equal(r.data.set_by, 'mp_siming');
  assert.equal(audits('map.coord.set'), n0 + 1);
  const far = await U.mp_siming.put(`/api/register/enterprises/${id}/coord`, { lng: 24.47, lat: 118.09 });
  assert.equal(far.status, 400);
  assert.equal(far.data.error.field, 'lng');
  assert.match(far.data.error.message, /不在厦门市范围内.*填反/);
  const junk = await U.mp_siming.put(`/api/register/enterprises/${id}/coord`, { lng: '东经118', lat: 24.4 });
  assert.equal(junk.status, 400);
  assert.equal(junk.data.error.field, 'lng');
  const [[huli]] = sql(`SELECT id FROM enterprise WHERE district_code = '350206' ORDER BY id LIMIT 1`);
  assert.equal((await U.mp_siming.put(`/api/register/enterprises/${huli}/coord`, { lng: 118.13, lat: 24.51 })).status, 403);
  assert.equal((await U.mp_park.put(`/api/register/enterprises/${id}/coord`, { lng: 118.13, lat: 24.51 })).status, 403);
  assert.equal(audits('map.coord.set'), n0 + 1);
  const pts = rowsOf((await U.mp_siming.get(`/api/map/layers/enterprises?date=${DAY}`)).data);
  assert.equal(pts.find((p) => p.id === Number(id)).source, 'form');
});

test('a ledger\'s 经度/纬度 columns: read, kept, taken into the register by credit code, never over a form', async () => {
  const [[a, ua], [b, ub]] = sql(`SELECT id, uscc FROM enterprise WHERE district_code = '350206' AND uscc IS NOT NULL AND id NOT IN (SELECT enterprise_id FROM enterprise_coord) ORDER BY id LIMIT 2`);
  assert.equal((await U.mp_huli.put(`/api/register/enterprises/${b}/coord`, { lng: 118.14, lat: 24.52 })).status, 200);
  const csv = '企业名称,统一社会信用代码,所属区,经度,纬度\n' +
    `甲公司,${ua},湖里区,118.123456°,24.512345\n` +
    `乙公司,${ub},湖里区,118.150000,24.500000\n` +
    `丙公司,,湖里区,东经,24.5\n`;
  const fd = new FormData();
  fd.append('file', new Blob([Buffer.from(csv, 'utf8')]), `坐标-${backend}.csv`);
  const up = await U.mp_huli.req('POST', '/api/ledger/imports', { body: fd });
  assert.equal(up.status, 201, up.text);
  const imp = up.data.id ?? up.data.import?.id;
  const probs = (await U.mp_huli.get(`/api/ledger/imports/${imp}`)).data;
  assert.match(JSON.stringify(probs), /经度“东经”不是以度为单位的小数/);
  const n0 = audits('map.coord.ledger');
  const r = await U.mp_huli.post(`/api/ledger/imports/${imp}/coords`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.enterprises, 1, 'only the one without a form coordinate');
  assert.equal(audits('map.coord.ledger'), n0 + 1);
  const ca = (await U.mp_huli.get(`/api/register/enterprises/${a}/coord`)).data;
  assert.deepEqual([ca.source, ca.lng_e6, ca.lat_e6, ca.ledger_import_id, ca.ledger_row], ['ledger', 118123456, 24512345, imp, 2]);
  const cb = (await U.mp_huli.get(`/api/register/enterprises/${b}/coord`)).data;
  assert.deepEqual([cb.source, cb.lng_e6], ['form', 118140000]);
  // the city may apply a district's import too; siming may not reach it
  assert.equal((await U.mp_siming.post(`/api/ledger/imports/${imp}/coords`, {})).status, 403);
});
