// register — the enterprise register between campaigns over HTTP on the demo
// city (issue 23): an enterprise created, edited, closed and merged, each a
// dated event (coverage as of the days before and after; the trend shows it
// on its date; a closed one keeps its history; the merged one shows where it
// went and the survivor carries its covers); a district cannot write outside
// its district; the market regulator's feed imported (matched with the
// register, proposals: new internet enterprises, renames, closings; the same
// file refused twice; a district's import keeps its own rows), proposals
// accepted (dated by the registration) or refused with a reason; the new
// enterprise needs an organization by the rules and gets one; one audit row
// each.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { uscc, body, feedCsv } from './regfeed.mjs';

let srv;
const U = {};
const dayOf = (t) => new Date(t + 8 * 3600 * 1000).toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
const TODAY = dayOf(Date.now());

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const audits = (action) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}' AND result = 'ok'`)[0][0]);

async function upload(c, name, text, date) {
  const fd = new FormData();
  fd.append('file', new Blob([Buffer.from(text, 'utf8')]), name);
  return c.req('POST', `/api/register/feeds${date ? `?date=${date}` : ''}`, { body: fd });
}
async function cityFigure(day) {
  const r = await U.rg_city.get(`/api/coverage?date=${day}`);
  assert.equal(r.status, 200, r.text);
  return r.data.rows[0];
}

before(async () => {
  srv = await startServer({ demo: true });
  for (const [u, role, s] of [['rg_city', 'city'], ['rg_siming', 'district', '350203'], ['rg_huli', 'district', '350206'], ['rg_park', 'park', 'P0002']])
    addUser(srv.db.url, u, role, s);
  for (const u of ['rg_city', 'rg_siming', 'rg_huli', 'rg_park']) U[u] = await loginAs(srv.base, u);
});
after(async () => { await srv?.stop(); });

test('create, edit and close: dated events, coverage before and after, history kept', async () => {
  const d0 = addDays(TODAY, -40), d1 = addDays(TODAY, -20), d2 = addDays(TODAY, -5);
  const before0 = await cityFigure(addDays(d0, -1));
  const bad = await U.rg_city.post('/api/register/enterprises', { name: '厦门测试网络科技有限公司', district_code: '350203', day: addDays(TODAY, 3) });
  assert.equal(bad.status, 400);
  assert.equal(bad.data.error.field, 'day');
  assert.match(bad.data.error.message, /晚于今天/);
  const code = uscc('91350203', body(701));
  const c = await U.rg_city.post('/api/register/enterprises', { name: '厦门测试网络科技有限公司', uscc: code, district_code: '350203', category: '数据', employees: 25, members: 4, day: d0 });
  assert.equal(c.status, 201, c.text);
  const id = c.data.enterprise.id;
  assert.equal(c.data.enterprise.reg_from, d0);
  assert.deepEqual(c.data.enterprise.findings, ['should_form']);   /* 4 members: a branch of its own (应建必建) */
  assert.equal((await cityFigure(addDays(d0, -1))).enterprises, before0.enterprises);
  assert.equal((await cityFigure(d0)).enterprises, before0.enterprises + 1);
  const dup = await U.rg_city.post('/api/register/enterprises', { name: '重复', uscc: code, district_code: '350203', day: d0 });
  assert.equal(dup.status, 409);
  assert.equal(dup.data.error.field, 'uscc');
  const ed = await U.rg_city.put(`/api/register/enterprises/${id}`, { name: '厦门测试云网络科技有限公司', day: d1, note: '更名' });
  assert.equal(ed.status, 200, ed.text);
  const ev = ed.data.enterprise.register_events;
  assert.deepEqual(ev.map((x) => x.kind), ['created', 'edited']);
  assert.equal(ev[1].before.name, '厦门测试网络科技有限公司');
  assert.equal(ev[1].after.name, '厦门测试云网络科技有限公司');
  const cl = await U.rg_city.post(`/api/register/enterprises/${id}/close`, { day: d2, note: '注销' });
  assert.equal(cl.status, 200, cl.text);
  // no instructor for a closed enterprise: the message names it and its closing day
  const ins = await U.rg_city.post(`/api/enterprises/${id}/instructors`, { name: '王指导', day: TODAY });
  assert.equal(ins.status, 409, ins.text);
  assert.equal(ins.data.error.field, 'enterprise_id');
  assert.match(ins.data.error.message, new RegExp(`企业“厦门测试云网络科技有限公司”已于 ${d2} 关闭`));
  assert.equal(cl.data.enterprise.reg_to, d2);
  assert.equal((await cityFigure(addDays(d2, -1))).enterprises, before0.enterprises + 1);
  assert.equal((await cityFigure(d2)).enterprises, before0.enterprises);
  const again = await U.rg_city.put(`/api/register/enterprises/${id}`, { name: '再改', day: TODAY });
  assert.equal(again.status, 409);
  const got = await U.rg_city.get(`/api/register/enterprises/${id}`);
  assert.deepEqual(got.data.enterprise.register_events.map((x) => x.kind), ['created', 'edited', 'closed']);
  const closed = await U.rg_city.get('/api/register/enterprises?status=closed&q=测试云');
  assert.equal(closed.data.total, 1);
  assert.equal(audits('register.create'), 1);
  assert.equal(audits('register.edit'), 1);
  assert.equal(audits('register.close'), 1);
  // the trend shows it on its days
  const tr = await U.rg_city.get(`/api/coverage/trend?from=${addDays(d0, -30)}&to=${TODAY}&step=xun`);
  assert.equal(tr.status, 200);
  const pts = tr.data.points;
  const at = (day) => pts.filter((p) => p.date < day).at(-1)?.rows[0].enterprises;
  assert.equal(pts[0].rows[0].enterprises, before0.enterprises);
  for (const p of pts) {
    const want = p.date >= d0 && p.date < d2 ? before0.enterprises + 1 : before0.enterprises;
    assert.equal(p.rows[0].enterprises, want, p.date);
  }
  assert.ok(at !== undefined);
});

test('a district writes in its own district only; merge keeps both histories', async () => {
  const d0 = addDays(TODAY, -30);
  const out = await U.rg_siming.post('/api/register/enterprises', { name: '厦门湖里某网络有限公司', district_code: '350206', day: d0 });
  assert.equal(out.status, 403);
  const park = await U.rg_park.post('/api/register/enterprises', { name: '园区企业', district_code: '350203', day: d0 });
  assert.equal(park.status, 403);
  // a campaign enterprise of 思明 entered again by mistake, covered by a branch of its own, then merged into the first
  const [[oldId, oldName]] = sql("SELECT id, name FROM enterprise WHERE district_code = '350203' AND zombie = 0 AND reg_from IS NULL AND id NOT IN (SELECT enterprise_id FROM org_cover) ORDER BY id LIMIT 1");
  const twin = await U.rg_siming.post('/api/register/enterprises', { name: `${oldName}（重复）`, district_code: '350203', day: d0, members: 3 });
  assert.equal(twin.status, 201, twin.text);
  const tid = twin.data.enterprise.id;
  const org = await U.rg_city.post('/api/orgs', { name: '中共重复企业支部', kind: '党支部', established_on: addDays(d0, 2), enterprise_ids: [tid], approved: true });
  assert.equal(org.status, 201, org.text);
  const before = await cityFigure(addDays(d0, 5));
  // a member of the registry works at the twin: the merge moves them to the survivor, dated, in its one act
  const [[pid]] = sql("SELECT p.id FROM person p JOIN member m ON m.person_id = p.id WHERE m.district_code = '350203' ORDER BY p.id LIMIT 1");
  sql(`UPDATE person SET enterprise_id = ${tid} WHERE id = ${pid}`);
  const m = await U.rg_siming.post(`/api/register/enterprises/${tid}/merge`, { into: Number(oldId), day: addDays(d0, 10), note: '同一企业重复登记' });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual(sql(`SELECT enterprise_id FROM person WHERE id = ${pid}`), [[String(oldId)]]);
  assert.deepEqual(sql(`SELECT day, kind FROM member_event WHERE person_id = ${pid} AND note LIKE '%合并到%'`), [[addDays(d0, 10), 'edited']]);
  const mem = await U.rg_city.get(`/api/members/${pid}`);
  assert.equal(mem.status, 200, mem.text);
  assert.equal(JSON.stringify(mem.data).includes(`"enterprise_id":${oldId}`), true);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'register.merge' AND detail LIKE '%人员 1 名%'`)[0][0]), 1);
  // no instructor for the merged one: the message names it, its day and where it went
  const ins = await U.rg_city.post(`/api/enterprises/${tid}/instructors`, { name: '王指导', day: TODAY });
  assert.equal(ins.status, 409, ins.text);
  assert.equal(ins.data.error.field, 'enterprise_id');
  assert.match(ins.data.error.message, new RegExp(`已于 ${addDays(d0, 10)} 合并到“${oldName}”`));
  assert.equal(m.data.enterprise.id, Number(oldId));
  assert.equal(m.data.enterprise.absorbed.length, 1);
  assert.equal(m.data.enterprise.covers[0].from_day, addDays(d0, 2));   /* the survivor carries the cover from its day */
  assert.deepEqual(m.data.enterprise.register_events.map((x) => x.kind), ['absorbed']);
  const gone = await U.rg_siming.get(`/api/register/enterprises/${tid}`);
  assert.equal(gone.data.enterprise.reg_end, 'merged');
  assert.equal(gone.data.enterprise.merged_into, Number(oldId));
  assert.equal(gone.data.enterprise.merged_into_name, oldName);
  assert.equal(gone.data.enterprise.covers.length, 1);
  const after5 = await cityFigure(addDays(d0, 5));
  assert.equal(after5.enterprises, before.enterprises);
  assert.equal(after5.covered, before.covered + 1);   /* one enterprise, the same before the merge: now both covered */
  const after10 = await cityFigure(addDays(d0, 10));
  assert.equal(after10.enterprises, before.enterprises - 1);
  const mh = await U.rg_huli.post(`/api/register/enterprises/${oldId}/merge`, { into: tid, day: TODAY });
  assert.equal(mh.status, 403);
  assert.equal(audits('register.merge'), 1);
});

test('the feed: matched, proposed, accepted or refused; the new enterprise needs an organization and gets one', async () => {
  const founded = addDays(TODAY, -12), feedDay = addDays(TODAY, -2);
  const [[renId, renName, renCode], [clId, clName, clCode]] = sql("SELECT id, name, uscc FROM enterprise WHERE zombie = 0 AND reg_to IS NULL AND uscc IS NOT NULL AND district_code = '350203' AND id NOT IN (SELECT enterprise_id FROM org_cover) ORDER BY id DESC LIMIT 2");
  const newCode = uscc('91350203', body(801));
  const rows = [
    { uscc: newCode, name: '厦门星河互动网络科技有限公司', founded, state: '存续', scope: '互联网信息服务；网络游戏开发；软件开发', address: '厦门市思明区软件园二期观日路52号301室', industry: '互联网和相关服务' },
    { uscc: uscc('92350203', body(802)), name: '厦门鹭岛茶餐厅', founded, state: '存续', scope: '餐饮服务', address: '厦门市思明区中山路12号', industry: '餐饮业' },
    { uscc: renCode, name: `${renName.replace(/有限公司$/, '')}科技股份有限公司`, founded: '2016-01-01', state: '存续', scope: '软件开发', address: '', industry: '软件和信息技术服务业' },
    { uscc: clCode, name: clName, founded: '2016-01-01', state: '吊销', scope: '软件开发', address: '', industry: '软件和信息技术服务业' },
    { uscc: uscc('91350206', body(803)), name: '厦门湖里数据科技有限公司', founded, state: '在业', scope: '大数据服务', address: '厦门市湖里区创新路1号', industry: '软件和信息技术服务业' },
  ];
  const csv = feedCsv(rows, { title: '厦门市市场监督管理局 企业登记信息' });
  const before = await cityFigure(founded), beforeFeed = await cityFigure(feedDay);
  // a district's import keeps its own district's rows
  const hu = await upload(U.rg_huli, 'huli.csv', feedCsv([rows[4]]), feedDay);
  assert.equal(hu.status, 201, hu.text);
  assert.equal(hu.data.feed.proposals, 1);
  const up = await upload(U.rg_city, '2026年登记.csv', csv, feedDay);
  assert.equal(up.status, 201, up.text);
  const feed = up.data.feed;
  assert.equal(feed.rows, 5);
  assert.equal(feed.matched, 2);
  assert.equal(feed.proposals, 3);   /* new, rename, close; the restaurant is no internet enterprise; 湖里's waits already */
  const twice = await upload(U.rg_city, 'again.csv', csv, feedDay);
  assert.equal(twice.status, 409);
  const bad = await upload(U.rg_city, 'x.csv', '甲,乙\n1,2\n', feedDay);
  assert.equal(bad.status, 400);
  assert.equal(bad.data.error.field, 'file');
  // nothing applied until a person decides
  assert.equal((await cityFigure(founded)).enterprises, before.enterprises);
  const props = await U.rg_city.get(`/api/register/proposals?feed_id=${feed.id}`);
  assert.equal(props.status, 200);
  const by = Object.fromEntries(props.data.items.map((p) => [p.kind, p]));
  assert.equal(by.new.name, '厦门星河互动网络科技有限公司');
  assert.equal(by.new.day, founded);
  assert.equal(by.new.category, '数据');   /* the industry names none; the name's trade words (网络科技) do */
  assert.equal(by.rename.enterprise_id, Number(renId));
  assert.equal(by.close.enterprise_id, Number(clId));
  assert.equal(by.close.day, feedDay);
  // 湖里 sees none of them; 思明 all three
  assert.equal((await U.rg_huli.get(`/api/register/proposals?feed_id=${feed.id}`)).data.total, 0);
  assert.equal((await U.rg_huli.get(`/api/register/proposals?feed_id=${hu.data.feed.id}`)).data.total, 1);
  assert.equal((await U.rg_siming.get(`/api/register/proposals?feed_id=${feed.id}`)).data.total, 3);
  assert.equal((await U.rg_huli.post(`/api/register/proposals/${by.new.id}/accept`, {})).status, 403);
  // refused with a reason
  const noReason = await U.rg_siming.post(`/api/register/proposals/${by.rename.id}/refuse`, { reason: '' });
  assert.equal(noReason.status, 400);
  const ref = await U.rg_siming.post(`/api/register/proposals/${by.rename.id}/refuse`, { reason: '更名尚未核实' });
  assert.equal(ref.status, 200, ref.text);
  assert.equal(sql(`SELECT name FROM enterprise WHERE id = ${renId}`)[0][0], renName);
  // accepted: the events, dated by the registration
  const acc = await U.rg_siming.post(`/api/register/proposals/${by.new.id}/accept`, {});
  assert.equal(acc.status, 200, acc.text);
  const ne = acc.data.enterprise;
  assert.equal(ne.reg_from, founded);
  assert.equal(ne.register_events[0].proposal_id, by.new.id);
  assert.deepEqual(ne.findings, ['instructor']);   /* no members known: the rules want an instructor or an organization */
  const twiceAcc = await U.rg_siming.post(`/api/register/proposals/${by.new.id}/accept`, {});
  assert.equal(twiceAcc.status, 409);
  const cl = await U.rg_city.post(`/api/register/proposals/${by.close.id}/accept`, { note: '吊销' });
  assert.equal(cl.status, 200, cl.text);
  assert.equal(cl.data.enterprise.reg_to, feedDay);
  assert.equal((await cityFigure(addDays(founded, -1))).enterprises, before.enterprises);
  assert.equal((await cityFigure(founded)).enterprises, before.enterprises + 1);
  assert.equal((await cityFigure(feedDay)).enterprises, beforeFeed.enterprises);   /* one in, one out */
  // the findings page lists it as new and needing work
  const f = await U.rg_siming.get(`/api/org/findings?date=${TODAY}&district=350203`);
  assert.equal(f.status, 200, f.text);
  const mine = f.data.enterprises.find((x) => x.id === ne.id);
  assert.ok(mine, 'the new enterprise is on the findings page');
  assert.equal(mine.registered_on, founded);
  // it gets an organization (the existing organization pages' route), covered on its day
  const org = await U.rg_siming.post('/api/orgs', { name: '中共厦门星河互动网络科技有限公司支部', kind: '党支部', established_on: addDays(founded, 5), enterprise_ids: [ne.id], approved: true });
  assert.equal(org.status, 201, org.text);
  const early = await U.rg_siming.post('/api/orgs', { name: '中共早支部', kind: '党支部', established_on: addDays(founded, -30), enterprise_ids: [Number(renId)], approved: true });
  assert.equal(early.status, 201, early.text);   /* a campaign enterprise: any day */
  const now = await U.rg_siming.get(`/api/register/enterprises/${ne.id}`);
  assert.deepEqual(now.data.enterprise.findings, []);
  assert.equal(now.data.enterprise.covers.length, 1);
  const tr = await U.rg_city.get(`/api/coverage/trend?from=${addDays(founded, -20)}&to=${TODAY}&step=xun`);
  const last = tr.data.points.at(-1).rows[0];
  const cur = await cityFigure(TODAY);
  assert.equal(last.enterprises, cur.enterprises);
  assert.equal(last.covered, cur.covered);
  assert.equal(audits('register.feed.import'), 3);   /* the demo's, 湖里's, the city's */
  assert.equal(audits('register.proposal.accept'), 2);
  assert.equal(audits('register.proposal.refuse'), 1);
  // the lists
  const feeds = await U.rg_city.get('/api/register/feeds');
  assert.equal(feeds.data.total, 3);   /* the demo's, 湖里's, the city's */
  assert.equal((await U.rg_huli.get('/api/register/feeds')).data.total, 3);   /* its own and the city's two */
  assert.equal((await U.rg_siming.get('/api/register/feeds')).data.total, 2);
  const one = await U.rg_city.get(`/api/register/feeds/${feed.id}`);
  assert.equal(one.data.feed.source, '2026年登记.csv');
  const x = await U.rg_city.get('/api/register/enterprises?format=xlsx&q=星河');
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-type').split(';')[0], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
});

test('the demo feed waits for a person', async () => {
  const r = await U.rg_city.get('/api/register/proposals?status=all');
  const demo = r.data.items.filter((p) => p.source.startsWith('市场监管局2018年9月'));
  assert.deepEqual(demo.map((p) => p.kind).sort(), ['close', 'new', 'new', 'rename']);
  assert.ok(demo.every((p) => p.status === 'pending'));
});

test('a move between districts is dated: each district office sees the enterprise where it was on the day', async () => {
  const D = addDays(TODAY, -20);
  const [[id, name]] = sql("SELECT e.id, e.name FROM enterprise e WHERE e.district_code = '350203' AND e.zombie = 0 AND e.reg_from IS NULL "
    + "AND e.reg_to IS NULL AND e.park_code IS NULL AND EXISTS (SELECT 1 FROM org_cover c WHERE c.enterprise_id = e.id AND c.to_day IS NULL) "
    + "AND NOT EXISTS (SELECT 1 FROM enterprise_place p WHERE p.enterprise_id = e.id) ORDER BY e.id LIMIT 1");
  const fig = async (u, day) => {
    const r = await U[u].get(`/api/coverage?date=${day}`);
    assert.equal(r.status, 200, r.text);
    return r.data.rows[0];
  };
  const listed = async (u, day) => {
    const r = await U[u].get(`/api/coverage/enterprises?date=${day}&q=${encodeURIComponent(name)}&size=100`);
    assert.equal(r.status, 200, r.text);
    return r.data.items.filter((x) => x.id === Number(id));
  };
  const was = {};
  for (const u of ['rg_siming', 'rg_huli']) was[u] = [await fig(u, addDays(D, -1)), await fig(u, D)];
  const mv = await U.rg_city.put(`/api/register/enterprises/${id}`, { district_code: '350206', street_code: '', day: D, note: '迁址到湖里区' });
  assert.equal(mv.status, 200, mv.text);
  assert.equal(mv.data.enterprise.district_code, '350206');   /* the present */
  // 思明 counts it before the day, 湖里 from it; the past of neither changed
  const s0 = await fig('rg_siming', addDays(D, -1)), s1 = await fig('rg_siming', D);
  const h0 = await fig('rg_huli', addDays(D, -1)), h1 = await fig('rg_huli', D);
  assert.deepEqual([s0.enterprises, s0.covered], [was.rg_siming[0].enterprises, was.rg_siming[0].covered]);
  assert.deepEqual([s1.enterprises, s1.covered], [was.rg_siming[1].enterprises - 1, was.rg_siming[1].covered - 1]);
  assert.deepEqual([h0.enterprises, h0.covered], [was.rg_huli[0].enterprises, was.rg_huli[0].covered]);
  assert.deepEqual([h1.enterprises, h1.covered], [was.rg_huli[1].enterprises + 1, was.rg_huli[1].covered + 1]);
  // the enterprises behind the figures, and the city's figures by district
  assert.equal((await listed('rg_siming', addDays(D, -1))).length, 1);
  assert.equal((await listed('rg_huli', addDays(D, -1))).length, 0);
  assert.equal((await listed('rg_siming', D)).length, 0);
  const l1 = await listed('rg_huli', D);
  assert.equal(l1.length, 1);
  assert.equal(l1[0].district_code, '350206');
  const byd = async (day) => Object.fromEntries((await U.rg_city.get(`/api/coverage?date=${day}&by=district`)).data.rows.map((r) => [r.key, r.enterprises]));
  const c0 = await byd(addDays(D, -1)), c1 = await byd(D);
  assert.equal(c0['350203'], was.rg_siming[0].enterprises);
  assert.equal(c1['350206'], was.rg_huli[1].enterprises + 1);
  // the map's district layer (the same figures)
  const map = await U.rg_huli.get(`/api/map/layers/districts?date=${D}`);
  assert.equal(map.status, 200, map.text);
  // the trend as 湖里 sees it equals its figures day by day
  const tr = await U.rg_huli.get(`/api/coverage/trend?from=${addDays(D, -40)}&to=${TODAY}&step=xun`);
  assert.equal(tr.status, 200, tr.text);
  assert.ok(tr.data.points.some((p) => p.date < D) && tr.data.points.some((p) => p.date >= D));
  for (const p of tr.data.points) {
    const f = await fig('rg_huli', p.date);
    assert.deepEqual([p.rows[0].enterprises, p.rows[0].covered], [f.enterprises, f.covered], p.date);
  }
  // a move dated before the last one is refused, saying so
  const back = await U.rg_city.put(`/api/register/enterprises/${id}`, { district_code: '350203', day: addDays(D, -3) });
  assert.equal(back.status, 400, back.text);
  assert.equal(back.data.error.field, 'day');
  assert.match(back.data.error.message, /按时间顺序/);
});
