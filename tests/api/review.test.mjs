// review — content pre-review (内容预审, issue 19) over HTTP on the demo city:
// an enterprise's organization sets up its review group from the covering
// organization's members (a member of another organization and an enterprise
// no organization covers are refused, with the rule said); its own checklist;
// items submitted with links and files; reviewers assigned (only members with
// an account), each records findings on their own assignment; the decision
// (不通过 with reasons from the checklist; the lead decides through their
// assignment; a withdrawal); an item keeps the checklist version it was
// submitted with; the offices see only figures (median and p90 of the time to
// decision, rejections by reason, overdue once the server's clock passes a
// deadline) and their workbook, never the content: the city gets 404 and a
// district 403 for an item, its files and the enterprise's queue.  Every write
// leaves its audit row.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, tmp, clockFile, offset, today;
let ent, org, district, bare, person = [], outsider;
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
const audits = (action, object) => Number(sql(`SELECT COUNT(*) FROM audit WHERE action = '${action}'${object ? ` AND object = '${object}'` : ''}`)[0][0]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const NAMES = ['rv_city', 'rv_huli', 'rv_siming', 'rv_sec', 'rv_inv', 'rv_bare', 'rv_r1', 'rv_r2'];
/* the server's clock days after today's 10:00; sessions idle that long end, so everyone logs in again */
async function setClock(days) {
  writeFileSync(clockFile, String(offset + days * 86400));
  if (srv) for (const u of NAMES) U[u] = await loginAs(srv.base, u);
}

async function upload(c, item, buf, name) {
  const fd = new FormData();
  fd.append('file', new Blob([buf]), name);
  return c.req('POST', `/api/review-items/${item}/files`, { body: fd });
}

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'ejia-review-'));
  clockFile = path.join(tmp, 'clock');
  const real = Math.floor(Date.now() / 1000);
  today = addDays(dayOf(real), 1);
  offset = Math.floor(Date.parse(today + 'T10:00:00+08:00') / 1000) - real;
  writeFileSync(clockFile, String(offset));
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile, '--review-files-dir', path.join(tmp, 'files'), '--password-max-age-days', '0'] });
  // an enterprise of 湖里区 covered by a branch with members (not the demo investor's), and one no organization covers
  const inv = sql("SELECT scope_code FROM users WHERE role = 'investor'")[0][0];
  [[ent, org, district]] = sql(`SELECT e.id, o.id, e.district_code FROM enterprise e JOIN org_cover oc ON oc.enterprise_id = e.id AND oc.to_day IS NULL JOIN org o ON o.id = oc.org_id WHERE e.district_code = '350206' AND e.id <> ${inv} AND o.kind = '党支部' AND (SELECT COUNT(*) FROM member m WHERE m.org_id = o.id AND m.state = '正常') >= 4 AND (SELECT COUNT(*) FROM org_cover x WHERE x.enterprise_id = e.id AND x.to_day IS NULL) = 1 ORDER BY e.id LIMIT 1`);
  [[bare]] = sql("SELECT MIN(e.id) FROM enterprise e WHERE NOT EXISTS (SELECT 1 FROM org_cover oc WHERE oc.enterprise_id = e.id)");
  person = sql(`SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.org_id = ${org} AND m.state = '正常' AND p.user_id IS NULL ORDER BY m.person_id LIMIT 4`).map((r) => Number(r[0]));
  [[outsider]] = sql(`SELECT MIN(m.person_id) FROM member m WHERE m.org_id <> ${org} AND m.state = '正常'`);
  outsider = Number(outsider);
  for (const [u, role, s] of [['rv_city', 'city'], ['rv_huli', 'district', '350206'], ['rv_siming', 'district', '350203'], ['rv_sec', 'secretary', String(org)],
    ['rv_inv', 'investor', String(ent)], ['rv_bare', 'investor', String(bare)], ['rv_r1', 'member'], ['rv_r2', 'member']]) addUser(srv.db.url, u, role, s);
  // the two reviewers' accounts belong to two of the branch's members
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'rv_r1') WHERE id = ${person[0]}`);
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'rv_r2') WHERE id = ${person[1]}`);
  await setClock(0);
});
after(async () => { await srv?.stop(); rmSync(tmp, { recursive: true, force: true }); });

let item1, item2, item3, file1, asg1, asg2, checks;

test('the group: members of the covering organization only, a lead; an enterprise no organization covers is told why', async () => {
  const none = await U.rv_bare.post(`/api/review-enterprises/${bare}/group`, { name: '审核小组', members: [outsider], lead: outsider });
  assert.equal(none.status, 400, none.text);
  assert.match(none.data.error.message, /没有党组织覆盖/);
  const out = await U.rv_sec.post(`/api/review-enterprises/${ent}/group`, { name: '内容审核小组', members: [person[0], outsider], lead: person[0] });
  assert.equal(out.status, 400, out.text);
  assert.match(out.data.error.message, /不是覆盖企业.*党组织/);
  assert.equal(out.data.error.field, 'members');
  const noLead = await U.rv_sec.post(`/api/review-enterprises/${ent}/group`, { name: '内容审核小组', members: [person[0]], lead: person[3] });
  assert.equal(noLead.status, 400);
  assert.equal(noLead.data.error.field, 'lead');
  const before = audits('review.group', `enterprise:${ent}`);
  const r = await U.rv_sec.post(`/api/review-enterprises/${ent}/group`, { name: '内容审核小组', members: [person[0], person[1], person[2]], lead: person[2] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.group.members.length, 3);
  assert.equal(r.data.group.lead_person_id, person[2]);
  assert.ok(r.data.group.members.every((m) => m.from_day === today));
  assert.equal(audits('review.group', `enterprise:${ent}`), before + 1);
  const again = await U.rv_sec.post(`/api/review-enterprises/${ent}/group`, { name: '再建', members: [person[0]], lead: person[0] });
  assert.equal(again.status, 409);
  // a fourth member joins and leaves (dated); the lead cannot leave while lead
  const gid = r.data.group.id;
  const add = await U.rv_inv.post(`/api/review-groups/${gid}/members`, { person_id: person[3] });
  assert.equal(add.status, 201, add.text);
  assert.equal((await U.rv_inv.post(`/api/review-groups/${gid}/members`, { person_id: person[3] })).status, 409);
  const end = await U.rv_inv.post(`/api/review-members/${add.data.id}/end`, { day: today });
  assert.equal(end.status, 204, end.text);
  const leadRow = r.data.group.members.find((m) => m.person_id === person[2]);
  const leadEnd = await U.rv_inv.post(`/api/review-members/${leadRow.id}/end`, { day: today });
  assert.equal(leadEnd.status, 409);
  assert.match(leadEnd.data.error.message, /组长/);
  const g = await U.rv_inv.get(`/api/review-enterprises/${ent}`);
  assert.equal(g.status, 200);
  assert.equal(g.data.group.members.find((m) => m.person_id === person[3]).to_day, today);
  assert.equal(audits('review.member.add', `review_group:${gid}`), 1);
  assert.equal(audits('review.member.end', `review_group:${gid}`), 1);
});

test('the enterprise keeps its own checklist (a copy of the city\'s, edited); items are submitted with links and files', async () => {
  const city = await U.rv_inv.get('/api/review/checklist');
  assert.equal(city.status, 200);
  assert.ok(city.data.checks.length >= 6);
  assert.deepEqual(city.data.checks.slice(0, 6).map((c) => c.category), ['political', 'historical', 'map', 'violence', 'gambling', 'minors']);
  const bad = await U.rv_inv.post(`/api/review-enterprises/${ent}/checklist`, { name: '清单', checks: [{ category: 'weather', title: '天气' }] });
  assert.equal(bad.status, 400);
  const mine = await U.rv_inv.post(`/api/review-enterprises/${ent}/checklist`, { name: '本企业审核清单', checks: [...city.data.checks.map(({ category, title, guide }) => ({ category, title, guide })), { category: 'other', title: '错别字' }] });
  assert.equal(mine.status, 201, mine.text);
  assert.equal(mine.data.owner, 'enterprise');
  assert.equal(mine.data.version, 1);
  checks = mine.data.checks;
  assert.equal(audits('review.checklist', `enterprise:${ent}`), 1);
  const late = await U.rv_inv.post(`/api/review-enterprises/${ent}/items`, { kind: 'game', title: '过期', deadline: addDays(today, -1) });
  assert.equal(late.status, 400);
  assert.equal(late.data.error.field, 'deadline');
  const badLink = await U.rv_inv.post(`/api/review-enterprises/${ent}/items`, { kind: 'game', title: 'x', deadline: today, links: ['javascript:alert(1)'] });
  assert.equal(badLink.status, 400);
  assert.equal(badLink.data.error.field, 'links');
  const a = await U.rv_inv.post(`/api/review-enterprises/${ent}/items`, { kind: 'game', title: '《海上丝路》1.2 版本', description: '新增地图关卡', deadline: addDays(today, 3), links: ['https://example.com/build/1.2'] });
  assert.equal(a.status, 201, a.text);
  item1 = a.data.id;
  assert.equal(a.data.state, 'submitted');
  assert.equal(a.data.checklist.id, mine.data.id);
  assert.deepEqual(a.data.links, ['https://example.com/build/1.2']);
  assert.equal(audits('review.submit', `review_item:${item1}`), 1);
  const f = await upload(U.rv_inv, item1, PNG, '截图.png');
  assert.equal(f.status, 201, f.text);
  file1 = f.data.files[0].id;
  assert.equal(f.data.files[0].mime, 'image/png');
  const txt = await upload(U.rv_inv, item1, Buffer.from('hello'), 'a.txt');
  assert.equal(txt.status, 400);
  assert.equal(audits('review.upload', `review_item:${item1}`), 1);
  item2 = (await U.rv_sec.post(`/api/review-enterprises/${ent}/items`, { kind: 'article', title: '厦门老街推文', deadline: addDays(today, 1) })).data.id;
  item3 = (await U.rv_sec.post(`/api/review-enterprises/${ent}/items`, { kind: 'app', title: 'App 3.0 发布', deadline: addDays(today, 2) })).data.id;
  // an edit of the checklist is a new version; the items keep the one they were submitted with
  const v2 = await U.rv_inv.post(`/api/review-enterprises/${ent}/checklist`, { name: '本企业审核清单', checks: [{ category: 'political', title: '政治导向' }] });
  assert.equal(v2.status, 201);
  assert.equal(v2.data.version, 2);
  const it = await U.rv_inv.get(`/api/review-items/${item1}`);
  assert.equal(it.data.checklist.version, 1);
  assert.equal(it.data.checklist.checks.length, checks.length);
});

test('reviewers: members of the group with an account; each records findings on their own assignment only', async () => {
  const noAcc = await U.rv_sec.post(`/api/review-items/${item1}/assign`, { person_ids: [person[2]] });
  assert.equal(noAcc.status, 400);
  assert.match(noAcc.data.error.message, /没有登录账号/);
  const notMember = await U.rv_sec.post(`/api/review-items/${item1}/assign`, { person_ids: [outsider] });
  assert.equal(notMember.status, 400);
  const early = await U.rv_sec.post(`/api/review-items/${item1}/decide`, { decision: 'pass' });
  assert.equal(early.status, 409);
  const a = await U.rv_sec.post(`/api/review-items/${item1}/assign`, { person_ids: [person[0], person[1]] });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.data.state, 'reviewing');
  assert.equal(a.data.reviewers.length, 2);
  assert.equal(audits('review.assign', `review_item:${item1}`), 1);
  const mine = await U.rv_r1.get('/api/review/mine');
  assert.equal(mine.status, 200);
  asg1 = mine.data.items.find((x) => x.item_id === item1).id;
  asg2 = (await U.rv_r2.get('/api/review/mine')).data.items.find((x) => x.item_id === item1).id;
  // the other reviewer's assignment is not theirs
  assert.equal((await U.rv_r2.get(`/api/review-assignments/${asg1}`)).status, 403);
  assert.equal((await U.rv_r2.post(`/api/review-assignments/${asg1}/findings`, { findings: [] })).status, 403);
  const g = await U.rv_r1.get(`/api/review-assignments/${asg1}`);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.data.item.title, '《海上丝路》1.2 版本');
  assert.equal(g.data.item.checklist.checks.length, checks.length);
  const dl = await U.rv_r1.get(`/api/review-assignments/${asg1}/files/${file1}`);
  assert.equal(dl.status, 200);
  assert.equal(audits('review.file', `review_item:${item1}`), 1);
  const noNote = await U.rv_r1.post(`/api/review-assignments/${asg1}/findings`, { findings: [{ check_id: checks[2].id, result: 'issue' }] });
  assert.equal(noNote.status, 400);
  const part = await U.rv_r1.post(`/api/review-assignments/${asg1}/findings`, { findings: [{ check_id: checks[2].id, result: 'issue', note: '关卡地图缺南海诸岛' }] });
  assert.equal(part.status, 200, part.text);
  const incomplete = await U.rv_r1.post(`/api/review-assignments/${asg1}/findings`, { findings: [], done: true });
  assert.equal(incomplete.status, 400);
  assert.match(incomplete.data.error.message, /没有填写/);
  const all = checks.filter((c, i) => i !== 2).map((c) => ({ check_id: c.id, result: 'pass' }));
  const done = await U.rv_r1.post(`/api/review-assignments/${asg1}/findings`, { findings: all, done: true });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.data.done, true);
  assert.equal(done.data.item.reviewers[0].findings.length, checks.length);
  assert.equal((await U.rv_r1.post(`/api/review-assignments/${asg1}/findings`, { findings: all })).status, 409);
  assert.equal(audits('review.findings', `review_item:${item1}`), 2);   /* the refusals leave none */
  // a reviewer who is not the lead does not decide
  assert.equal((await U.rv_r2.post(`/api/review-assignments/${asg2}/decide`, { decision: 'pass' })).status, 403);
});

test('the decision: 不通过 with reasons from the item\'s checklist; the lead decides through their assignment; a withdrawal', async () => {
  const noReason = await U.rv_sec.post(`/api/review-items/${item1}/decide`, { decision: 'reject' });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.data.error.field, 'reasons');
  await setClock(2);   /* decided two days after it was submitted */
  const d = await U.rv_sec.post(`/api/review-items/${item1}/decide`, { decision: 'reject', reasons: [checks[2].id, checks[5].id], note: '地图改正后重新送审' });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.data.state, 'decided');
  assert.equal(d.data.decision_label, '不通过');
  assert.deepEqual(d.data.reasons.map((r) => r.category), ['map', 'minors']);
  assert.equal(audits('review.decide', `review_item:${item1}`), 1);
  assert.equal((await U.rv_sec.post(`/api/review-items/${item1}/decide`, { decision: 'pass' })).status, 409);
  // the lead (made a reviewer with an account) decides item 2 through their assignment
  sql(`UPDATE review_group SET lead_person_id = ${person[1]} WHERE enterprise_id = ${ent}`);
  await U.rv_sec.post(`/api/review-items/${item2}/assign`, { person_ids: [person[1]] });
  const a2 = (await U.rv_r2.get('/api/review/mine')).data.items.find((x) => x.item_id === item2).id;
  const g2 = await U.rv_r2.get(`/api/review-assignments/${a2}`);
  assert.equal(g2.data.lead, true);
  const c2 = g2.data.item.checklist.checks;
  assert.equal((await U.rv_r2.post(`/api/review-assignments/${a2}/findings`, { findings: c2.map((c) => ({ check_id: c.id, result: 'pass' })), done: true })).status, 200);
  const ld = await U.rv_r2.post(`/api/review-assignments/${a2}/decide`, { decision: 'pass_changes', reasons: [c2[1].id], note: '改一处表述' });
  assert.equal(ld.status, 200, ld.text);
  assert.equal(ld.data.item.decision, 'pass_changes');
  assert.equal(audits('review.decide', `review_item:${item2}`), 1);
  const w = await U.rv_inv.post(`/api/review-items/${item3}/withdraw`, { note: '版本推迟' });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.data.state_label, '已撤回');
  assert.equal(audits('review.withdraw', `review_item:${item3}`), 1);
  assert.equal((await U.rv_inv.post(`/api/review-items/${item3}/assign`, { person_ids: [person[0]] })).status, 409);
});

test('the content stays in the enterprise: the city 404, a district 403 — for the queue, an item, its files', async () => {
  for (const p of [`/api/review-enterprises/${ent}`, `/api/review-items/${item1}`, `/api/review-files/${file1}`]) {
    const c = await U.rv_city.get(p);
    assert.equal(c.status, 404, `${p}: ${c.text}`);
    assert.doesNotMatch(c.text, /海上丝路/);
    const h = await U.rv_huli.get(p);
    assert.equal(h.status, 403, `${p}: ${h.text}`);
    assert.doesNotMatch(h.text, /海上丝路/);
  }
  // the city's 404 says where the figures are
  assert.match((await U.rv_city.get(`/api/review-items/${item1}`)).data.error.message, /内容预审统计/);
  // the enterprise's own organization and investor read it
  assert.equal((await U.rv_sec.get(`/api/review-items/${item1}`)).status, 200);
  const dl = await U.rv_inv.get(`/api/review-files/${file1}`);
  assert.equal(dl.status, 200);
  assert.equal(audits('review.file', `review_item:${item1}`), 2);
});

test('the figures: counts only, by enterprise and by district, rolled up; time to decision, rejections by reason, overdue; the workbook', async () => {
  await setClock(5);   /* past the deadlines of the demo's and this test's open items */
  const byEnt = await U.rv_huli.get('/api/review/figures?by=enterprise');
  assert.equal(byEnt.status, 200, byEnt.text);
  assert.doesNotMatch(byEnt.text, /海上丝路|老街|App 3.0|地图改正/);
  const row = byEnt.data.items.find((r) => r.key === String(ent));
  assert.ok(row, 'the enterprise is in its district\'s figures');
  assert.equal(row.items, 3);
  assert.equal(row.decided, 2);
  assert.equal(row.reject, 1);
  assert.equal(row.pass_changes, 1);
  assert.equal(row.withdrawn, 1);
  assert.equal(row.r_map, 1);
  assert.equal(row.r_minors, 1);
  // time to decision: the same as a direct computation from the rows
  const secs = sql(`SELECT decided_at - submitted_at FROM review_item WHERE enterprise_id = ${ent} AND state = 'decided' ORDER BY 1`).map((r) => Number(r[0]) / 86400);
  const rank = (q) => secs[Math.max(1, Math.ceil(q * secs.length)) - 1];
  assert.equal(row.median_days, Math.round(rank(0.5) * 10) / 10);
  assert.equal(row.p90_days, Math.round(rank(0.9) * 10) / 10);
  // the other district does not see this enterprise; the city sees it and the demo's
  const sm = await U.rv_siming.get('/api/review/figures?by=enterprise');
  assert.ok(!sm.data.items.some((r) => r.key === String(ent)));
  const city = await U.rv_city.get('/api/review/figures?by=district');
  assert.equal(city.status, 200);
  const all = Number(sql('SELECT COUNT(*) FROM review_item')[0][0]);
  assert.equal(city.data.summary.items, all);
  assert.equal(city.data.items.reduce((s, r) => s + r.items, 0), all);
  const open = sql(`SELECT COUNT(*) FROM review_item WHERE state IN ('submitted', 'reviewing') AND deadline < '${addDays(today, 5)}'`)[0][0];
  assert.equal(city.data.summary.overdue, Number(open));
  assert.ok(city.data.summary.overdue >= 1);
  const reasons = Object.fromEntries(city.data.reasons.map((r) => [r.category, r]));
  assert.equal(reasons.map.reject, Number(sql("SELECT COUNT(*) FROM review_reason r JOIN review_item i ON i.id = r.item_id WHERE i.decision = 'reject' AND r.category = 'map'")[0][0]));
  // the investor sees their own enterprise's figures only
  const inv = await U.rv_inv.get('/api/review/figures');
  assert.deepEqual(inv.data.items.map((r) => r.key), [String(ent)]);
  // the workbook (audited)
  const n0 = audits('list.export', '/api/review/figures');
  const res = await fetch(`${srv.base}/api/review/figures?by=enterprise&format=xlsx`, { headers: { cookie: U.rv_huli.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.ok(rows[0].includes('决定用时中位数（天）'));
  assert.ok(rows.some((r) => r.includes(row.name)));
  assert.equal(audits('list.export', '/api/review/figures'), n0 + 1);
});

test('the city keeps the default checklist (a new version; the enterprises\' items keep theirs)', async () => {
  const before = (await U.rv_city.get('/api/review/checklist')).data;
  assert.equal((await U.rv_huli.put('/api/review/checklist', { name: 'x', checks: [{ category: 'map', title: '地图' }] })).status, 403);
  const r = await U.rv_city.put('/api/review/checklist', { name: '全市内容预审清单', checks: [...before.checks.map(({ category, title, guide }) => ({ category, title, guide })), { category: 'other', title: '广告法用语' }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.version, before.version + 1);
  assert.equal(r.data.checks.length, before.checks.length + 1);
  assert.equal(audits('review.checklist', 'review_checklist:city'), 1);
  // the demo's items keep the checklist they were reviewed against
  const demoItems = sql(`SELECT DISTINCT checklist_id FROM review_item WHERE enterprise_id <> ${ent}`).map((x) => Number(x[0]));
  assert.ok(!demoItems.includes(r.data.id));
});
