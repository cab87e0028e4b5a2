// center — 党群服务中心 and the 10-minute circle over HTTP on the demo city
// (issue 19): the list (every center, public) and its workbook (audited); a
// center created by 思明区's office in its district and refused in 湖里区;
// edited with a coordinate picked on the map (degrees), one outside the city
// refused; a room added; a secretary books a room for their own branch, an
// overlapping booking refused with a Chinese message naming the booking in
// the way, another branch refused by scope; the branch's bookings; cancelled;
// the circle's figures (an estimate, with its settings) for the city and a
// district, a suggestion of k new centers, a center tried on the map; the map
// layer "centers".  SQLite and PostgreSQL.
//
// Time is the server's (test-clock-file): 10:00 China time on the day after today.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, today, sec, other, rjy;
const U = {};

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const dayOf = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const audits = (action) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}'`)[0][0]);

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-center-'));
  const clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  writeFileSync(clockFile, String(Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--password-max-age-days', '0'] });
  sec = Number(sql("SELECT CAST(scope_code AS BIGINT) FROM users WHERE username = 'secretary'")[0][0]);
  other = Number(sql(`SELECT MIN(id) FROM org WHERE kind = '党支部' AND dissolved_on IS NULL AND id <> ${sec}`)[0][0]);
  rjy = Number(sql("SELECT id FROM center WHERE name = '思明区软件园党群服务中心'")[0][0]);
  const users = [['ct_city', 'city'], ['ct_siming', 'district', '350203'], ['ct_huli', 'district', '350206'], ['ct_sec', 'secretary', String(sec)], ['ct_member', 'member']];
  for (const [u, role, s] of users) addUser(srv.db.url, u, role, s);
  for (const [u] of users) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

test('the list: every center, public to every reader; its workbook', async () => {
  for (const u of ['ct_huli', 'ct_sec', 'ct_member']) {
    const r = await U[u].get('/api/centers?size=50');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.data.items.length >= 4, u);
    const jm = r.data.items.find((c) => c.name === '集美区软件园三期党群服务中心');
    assert.equal(jm.source, 'centroid');   // no place known: drawn at 集美区's centroid
    assert.equal(jm.approx, true);
  }
  const f = await U.ct_city.get('/api/centers?district=350206');
  assert.deepEqual(f.data.items.map((c) => c.name), ['湖里区火炬园党群服务中心']);
  const res = await fetch(`${srv.base}/api/centers?format=xlsx`, { headers: { cookie: U.ct_siming.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.equal(rows[0][0], '中心名称');
  assert.ok(rows.some((r) => r[0] === '思明区软件园党群服务中心'));
});

test('a center: created by a district in its own district only, edited with a place picked on the map, a room', async () => {
  const body = { name: '思明区鼓浪屿党群服务中心', district_code: '350203', address: '思明区鼓浪屿龙头路 18 号', hours: '每日 9:00–17:30', facilities: '党员活动室', contact: '黄芳', phone: '0592-2060000' };
  const no = await U.ct_huli.post('/api/centers', body);
  assert.equal(no.status, 403);
  const bad = await U.ct_siming.post('/api/centers', { ...body, lng: 116.5, lat: 24.45 });
  assert.equal(bad.status, 400);
  assert.match(bad.data.error.message, /经度/);
  const n0 = audits('center.create');
  const r = await U.ct_siming.post('/api/centers', body);
  assert.equal(r.status, 201, r.text);
  assert.equal(audits('center.create'), n0 + 1);
  assert.equal(r.data.source, 'centroid');
  assert.equal(r.data.may_write, true);
  const id = r.data.id;
  const dup = await U.ct_siming.post('/api/centers', body);
  assert.equal(dup.status, 409);
  assert.match(dup.data.error.message, /已有名为/);
  const far = await U.ct_huli.put(`/api/centers/${id}`, { hours: '每日' });
  assert.equal(far.status, 403);
  const e = await U.ct_siming.put(`/api/centers/${id}`, { lng: 118.067, lat: '24.447' });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.data.source, 'form');
  assert.equal(e.data.lng_e6, 118067000);
  assert.equal(e.data.lat_e6, 24447000);
  const half = await U.ct_siming.put(`/api/centers/${id}`, { lng: 118.067 });
  assert.equal(half.status, 400);
  assert.equal(half.data.error.field, 'lat');
  const room = await U.ct_siming.post(`/api/centers/${id}/rooms`, { name: '党员活动室', seats: 40, equipment: '投影' });
  assert.equal(room.status, 201, room.text);
  assert.equal(room.data.rooms.length, 1);
  const view = await U.ct_member.get(`/api/centers/${id}`);
  assert.equal(view.status, 200);
  assert.equal(view.data.may_write, false);
  assert.equal(view.data.may_book, false);
});

test('bookings: a secretary books for their own branch; an overlap refused in Chinese; cancelled', async () => {
  const c = (await U.ct_sec.get(`/api/centers/${rjy}`)).data;
  assert.equal(c.may_book, true);
  const room = c.rooms.find((r) => r.name === '共享会议室');
  const day = addDays(today, 5);
  const n0 = audits('center.book');
  const ok = await U.ct_sec.post(`/api/centers/${rjy}/bookings`, { room_id: room.id, org_id: sec, day, start: '09:00', end: '10:30', purpose: '支部委员会', attendees: 7 });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(audits('center.book'), n0 + 1);
  const clash = await U.ct_sec.post(`/api/centers/${rjy}/bookings`, { room_id: room.id, org_id: sec, day, start: '10:00', end: '11:00', purpose: '党课' });
  assert.equal(clash.status, 409);
  assert.match(clash.data.error.message, /已被“.+”预约（距预约日已不足星级优先期，先到先得）.*时间重叠/);   // 5 days ahead: inside center-priority-days
  assert.match(clash.data.error.message, /09:00–10:30/);
  const touching = await U.ct_sec.post(`/api/centers/${rjy}/bookings`, { room_id: room.id, org_id: sec, day, start: '10:30', end: '11:30', purpose: '党课' });
  assert.equal(touching.status, 201, touching.text);
  const notMine = await U.ct_sec.post(`/api/centers/${rjy}/bookings`, { room_id: room.id, org_id: other, day, start: '14:00', end: '15:00', purpose: '党课' });
  assert.equal(notMine.status, 403);
  const past = await U.ct_sec.post(`/api/centers/${rjy}/bookings`, { room_id: room.id, org_id: sec, day: addDays(today, -1), start: '14:00', end: '15:00', purpose: '党课' });
  assert.equal(past.status, 400);
  assert.match(past.data.error.message, /已经过去/);
  const mine = await U.ct_sec.get(`/api/orgs/${sec}/center-bookings`);
  assert.equal(mine.status, 200);
  assert.ok(mine.data.items.some((b) => b.id === ok.data.id && b.state === 'booked'));
  assert.ok(mine.data.items.some((b) => b.purpose === '主题党日：学习新修订的党章'));   // the demo's
  const n1 = audits('center.booking.cancel');
  const cancel = await U.ct_sec.post(`/api/center-bookings/${ok.data.id}/cancel`);
  assert.equal(cancel.status, 204);
  assert.equal(audits('center.booking.cancel'), n1 + 1);
  const again = await U.ct_sec.post(`/api/center-bookings/${ok.data.id}/cancel`);
  assert.equal(again.status, 409);
  const now = await U.ct_sec.post(`/api/centers/${rjy}/bookings`, { room_id: room.id, org_id: sec, day, start: '09:30', end: '10:00', purpose: '党课' });
  assert.equal(now.status, 201, now.text);
  const huli = await U.ct_huli.post(`/api/center-bookings/${now.data.id}/cancel`);
  assert.equal(huli.status, 403);   // an office does not book or cancel
});

test('the circle: figures by district (an estimate), a suggestion, a center tried on the map', async () => {
  const r = await U.ct_city.get('/api/centers/circle?k=2&points=1');
  assert.equal(r.status, 200, r.text);
  const o = r.data;
  assert.equal(o.settings.minutes, 10);
  assert.equal(o.settings.walk_m_per_min, 80);
  assert.equal(o.settings.detour_factor, 1.3);
  assert.ok(Math.abs(o.radius_m - 615.4) < 0.1);
  assert.match(o.note, /估算/);
  assert.ok(o.totals.covered > 0, 'the 软件园 center covers the enterprises placed beside it');
  assert.equal(o.totals.enterprises, o.districts.reduce((a, d) => a + d.enterprises, 0));
  assert.equal(o.totals.covered, o.districts.reduce((a, d) => a + d.covered, 0));
  assert.equal(o.points.filter((p) => p[3]).length, o.totals.covered);
  assert.ok(o.suggestions.length >= 1 && o.suggestions.length <= 2);
  const s = o.suggestions[0];
  // trying the first suggestion covers what it said it would
  const t = await U.ct_city.get(`/api/centers/circle?try=${s.lng_e6 / 1e6},${s.lat_e6 / 1e6}`);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.data.tried, 1);
  assert.equal(t.data.totals.covered, o.totals.covered + s.enterprises);
  const bad = await U.ct_city.get('/api/centers/circle?try=116,24');
  assert.equal(bad.status, 400);
  const h = await U.ct_huli.get('/api/centers/circle');
  assert.equal(h.status, 200);
  assert.deepEqual(h.data.districts.map((d) => d.code), ['350206']);
  const m = await U.ct_member.get('/api/centers/circle');
  assert.equal(m.status, 403);
  const layers = await U.ct_city.get('/api/map/layers');
  assert.ok(JSON.stringify(layers.data).includes('centers'), layers.text);
  const layer = await U.ct_city.get(`/api/map/layers/centers?day=${today}`);
  assert.equal(layer.status, 200, layer.text);
  assert.ok(layer.data.rows.length >= 4);
  assert.ok(layer.data.rows.every((row) => row[6] > 600 && row[6] < 620));
});
