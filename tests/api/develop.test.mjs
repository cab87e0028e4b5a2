// develop — developing new members over HTTP on the demo city: a secretary
// takes an applicant from the paper application to full member with every
// interval at its edge (the day before refused, the day itself accepted),
// the vote registering the member and the full-member vote changing the
// registry; the 18th birthday; contacts and introducers who may not take the
// role; the order of the steps; undoing a step; online applications by a
// member and by an investor, accepted and refused; the due and overdue list
// as of any day; the table of steps edited by the city office; pipeline,
// figures and exports; each role inside and outside its scope.
// SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, city, siming, huli, sec, secHuli, memberC, investor, investor2;
let orgA, orgHuli, entA, entOther;

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
// GB 11643 check character
function id18(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body17 + '10X98765432'[[...body17].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11];
}
// the server's day: it counts days in China time (Asia/Shanghai, UTC+8, unless TZ says otherwise), so from
// 16:00 UTC its today is the UTC tomorrow
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

// registry members of 思明's branch: two 正式党员, one 预备党员, one who joined only in 2023
let F1, F2, P1, LATE;

before(async () => {
  // a small limit for documents, to test it without a large upload
  srv = await startServer({ demo: true, args: ['--develop-file-max', '4096'] });
  const covered = sql("SELECT o.id, o.district_code, c.enterprise_id FROM org o JOIN org_cover c ON c.org_id = o.id WHERE o.kind IN ('党支部', '联合党支部') AND o.dissolved_on IS NULL AND o.established_on <= '2018-01-01' AND c.to_day IS NULL AND c.from_day <= '2018-01-01' ORDER BY o.id, c.enterprise_id");
  [orgA, , entA] = covered.find(([, d]) => d === '350203').map(Number);
  [orgHuli] = covered.find(([, d]) => d === '350206').map(Number);
  entOther = Number(covered.find(([, d, e]) => d === '350206' && Number(e) !== entA)[2]);
  assert.ok(orgA && orgHuli && entA && entOther, 'the demo has covered branches in 思明区 and 湖里区');
  addUser(srv.db.url, 'd_city', 'city');
  addUser(srv.db.url, 'd_siming', 'district', '350203');
  addUser(srv.db.url, 'd_huli', 'district', '350206');
  addUser(srv.db.url, 'd_sec', 'secretary', String(orgA));
  addUser(srv.db.url, 'd_sec_huli', 'secretary', String(orgHuli));
  addUser(srv.db.url, 'd_member', 'member');
  addUser(srv.db.url, 'd_investor', 'investor', String(entA));
  addUser(srv.db.url, 'd_investor2', 'investor', String(entA));
  [city, siming, huli, sec, secHuli, memberC, investor, investor2] = await Promise.all(
    ['d_city', 'd_siming', 'd_huli', 'd_sec', 'd_sec_huli', 'd_member', 'd_investor', 'd_investor2'].map((u) => loginAs(srv.base, u)));
  const reg = async (name, body17, category, joined_on, full_on) => {
    const r = await city.post('/api/members', { name, id_number: id18(body17), org_id: orgA, category, joined_on, ...(full_on ? { full_on } : {}) });
    assert.equal(r.status, 201, r.text);
    return r.data.member.id;
  };
  F1 = await reg('林介绍', '35020319700101051', '正式党员', '2000-07-01', '2001-07-01');
  F2 = await reg('陈介绍', '35020319710202052', '正式党员', '2001-07-01', '2002-07-01');
  P1 = await reg('吴预备', '35020319900303053', '预备党员', '2021-12-01');
  LATE = await reg('郑新人', '35020319920404054', '正式党员', '2023-01-01', '2024-01-01');
});
after(async () => { await srv?.stop(); });

const ID_JIA = id18('35020319950615061');   // born 1995-06-15
const ID_YI = id18('35020319960716072');
const ID_TEEN = id18('35020320030520083');  // born 2003-05-20
let jia, yi, yiOnline;

const step = (c, id, body) => c.post(`/api/develop/applicants/${id}/steps`, body);

test('the table of steps: read by the offices, edited by the city only, checked and audited', async () => {
  let r = await siming.get('/api/develop/rules');
  assert.equal(r.status, 200, r.text);
  const codes = r.data.items.map((x) => x.code);
  assert.deepEqual(codes, ['apply', 'talk', 'activist', 'target', 'review', 'training', 'vote', 'approve', 'cancel', 'extend', 'full']);
  const target = r.data.items.find((x) => x.code === 'target');
  assert.equal(target.min_months, 12);
  assert.equal(target.people, 'introducer');
  assert.equal((await siming.put('/api/develop/rules/talk', { due_months: 2 })).status, 403);
  r = await city.put('/api/develop/rules/talk', { due_months: -1 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'due_months');
  r = await city.put('/api/develop/rules/talk', { anchor: 'vote' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'anchor');
  r = await city.put('/api/develop/rules/nosuch', { due_months: 1 });
  assert.equal(r.status, 404);
  r = await city.put('/api/develop/rules/talk', { due_months: 1, name: '党组织派人谈话' });
  assert.equal(r.status, 200, r.text);
  assert.equal(sql("SELECT COUNT(*) FROM audit WHERE action = 'develop.rule' AND object = 'develop_step:talk'")[0][0], '1');
});

test('the 18th birthday: the day before refused with the rule quoted, the birthday itself accepted', async () => {
  let r = await sec.post('/api/develop/applicants', { name: '少年', id_number: ID_TEEN, org_id: orgA, applied_on: '2021-05-19' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.data.error.field, 'id_number');
  assert.match(r.data.error.message, /未满 18 周岁/);
  assert.match(r.data.error.message, /年满十八岁/);
  r = await sec.post('/api/develop/applicants', { name: '少年', id_number: ID_TEEN, org_id: orgA, applied_on: '2021-05-20' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.stage, '入党申请人');
  assert.equal(r.data.id_number, '3502**********' + ID_TEEN.slice(-4));
  // the applicant's own data corrected, audited; the phone masked
  const teen = r.data.id;
  r = await sec.patch(`/api/develop/applicants/${teen}`, { name: '少年甲', phone: '13900005001', education: '高中' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.name, '少年甲');
  assert.equal(r.data.phone, '139****5001');
  r = await sec.patch(`/api/develop/applicants/${teen}`, { phone: '12' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'phone');
  r = await sec.patch(`/api/develop/applicants/${teen}`, { id_number: ID_YI });
  assert.equal(r.status, 400);
  assert.equal((await secHuli.patch(`/api/develop/applicants/${teen}`, { name: '某' })).status, 403);
  // one file at a time
  r = await sec.post('/api/develop/applicants', { name: '少年', id_number: ID_TEEN, org_id: orgA, applied_on: '2021-06-01' });
  assert.equal(r.status, 409);
  assert.equal(r.data.error.field, 'id_number');
  // a member already
  r = await sec.post('/api/develop/applicants', { name: '林介绍', id_number: id18('35020319700101051'), org_id: orgA, applied_on: '2021-06-01' });
  assert.equal(r.status, 409);
  assert.match(r.data.error.message, /已是党员/);
  r = await sec.post('/api/develop/applicants', { name: '某人', id_number: ID_YI, org_id: orgA, applied_on: '2099-01-01' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'applied_on');
  r = await sec.post('/api/develop/applicants', { name: '某人', id_number: ID_YI, org_id: orgA, applied_on: '2021-06-01', phone: '123' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'phone');
});

test('a secretary takes an applicant from the application to full member, every interval at its edge', async () => {
  let r = await sec.post('/api/develop/applicants', { name: '许发展', id_number: ID_JIA, org_id: orgA, enterprise_id: entA, applied_on: '2021-03-01', phone: '13900003001', education: '大学' });
  assert.equal(r.status, 201, r.text);
  jia = r.data.id;
  assert.equal(r.data.phone, '139****3001');
  assert.equal(r.data.next_step, 'talk');
  assert.equal(r.data.next_due, '2021-04-01');
  // out of order: an activist before the talk
  r = await step(sec, jia, { step: 'activist', day: '2021-03-10', people: [F1] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'step');
  assert.match(r.data.error.message, /请先办理“党组织派人谈话”/);
  // dated before the application
  r = await step(sec, jia, { step: 'talk', day: '2021-02-28' });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'day');
  r = await step(sec, jia, { step: 'talk', day: '2021-03-20', note: '谈话记录已归档' });
  assert.equal(r.status, 201, r.text);
  // contacts: none, a 预备党员, someone not a member then — refused; a 正式党员 accepted
  r = await step(sec, jia, { step: 'activist', day: '2021-04-10' });
  assert.equal(r.data.error.field, 'people');
  r = await step(sec, jia, { step: 'activist', day: '2022-01-10', people: [P1] });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /吴预备/);
  r = await step(sec, jia, { step: 'activist', day: '2021-04-10', people: [LATE] });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /不是党员/);
  r = await step(sec, jia, { step: 'activist', day: '2021-04-10', people: [F1] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.stage, '入党积极分子');
  assert.equal(r.data.next_step, 'target');
  assert.equal(r.data.next_from, '2022-04-10');
  // a year of cultivation: the day before refused, the day itself accepted; introducers 正式党员
  r = await step(sec, jia, { step: 'target', day: '2022-04-09', people: [F1, F2] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'day');
  assert.match(r.data.error.message, /最早可于 2022-04-10/);
  assert.match(r.data.error.message, /一年以上培养教育和考察/);
  r = await step(sec, jia, { step: 'target', day: '2022-04-10', people: [F1, P1] });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'people');
  assert.match(r.data.error.message, /入党介绍人“吴预备”.*预备党员/);
  r = await step(sec, jia, { step: 'target', day: '2022-04-10', people: [F1] });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /须有 2 名入党介绍人/);
  r = await step(sec, jia, { step: 'target', day: '2022-04-10', people: [F1, F2] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.stage, '发展对象');
  r = await step(sec, jia, { step: 'review', day: '2022-05-01' });
  assert.equal(r.status, 201, r.text);
  // undo the latest step, with a reason; kept in the timeline marked undone
  assert.equal((await sec.post(`/api/develop/applicants/${jia}/undo`, {})).status, 400);
  r = await sec.post(`/api/develop/applicants/${jia}/undo`, { reason: '日期录错' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.last_step, 'target');
  assert.ok(r.data.steps.find((x) => x.step === 'review' && x.undone));
  r = await step(sec, jia, { step: 'review', day: '2022-05-02' });
  assert.equal(r.status, 201, r.text);
  // training: 2 days and 23 学时 refused; 24 学时 accepted
  r = await step(sec, jia, { step: 'training', day: '2022-05-10', days: 2, hours: 23 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'days');
  assert.match(r.data.error.message, /不少于 3 天或 24 学时/);
  r = await step(sec, jia, { step: 'training', day: '2022-05-10', hours: 24 });
  assert.equal(r.status, 201, r.text);
  // the vote: 预备党员, registered in the registry with the vote as the joining day
  r = await step(sec, jia, { step: 'vote', day: '2022-06-01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.stage, '预备党员');
  assert.equal(r.data.next_step, 'approve');
  assert.equal(r.data.next_due, '2022-09-01');
  const person = r.data.person_id;
  assert.ok(person);
  let m = await city.get(`/api/members/${person}`);
  assert.equal(m.status, 200, m.text);
  assert.equal(m.data.member.category, '预备党员');
  assert.equal(m.data.member.joined_on, '2022-06-01');
  assert.equal(m.data.member.phone, '139****3001');
  // the vote cannot be undone here
  r = await sec.post(`/api/develop/applicants/${jia}/undo`, { reason: '试试' });
  assert.equal(r.status, 409);
  r = await step(sec, jia, { step: 'approve', day: '2022-08-01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.next_step, 'full');
  assert.equal(r.data.next_from, '2023-06-01');
  // an extension: 6 to 12 months
  r = await step(sec, jia, { step: 'extend', day: '2023-06-01', months: 5 });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'months');
  // probation: a year from the vote
  r = await step(sec, jia, { step: 'full', day: '2023-05-31' });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /最早可于 2023-06-01/);
  r = await step(sec, jia, { step: 'full', day: '2023-06-01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.stage, '正式党员');
  assert.equal(r.data.status, 'done');
  assert.equal(r.data.next_step, null);
  m = await city.get(`/api/members/${person}`);
  assert.equal(m.data.member.category, '正式党员');
  assert.equal(m.data.member.full_on, '2023-06-01');
  assert.deepEqual(sql(`SELECT kind, day FROM activity WHERE person_id = ${person} ORDER BY day`), [['develop.probation', '2022-06-01'], ['develop.full', '2023-06-01']]);
  // registered: corrected in the registry, not here
  assert.equal((await sec.patch(`/api/develop/applicants/${jia}`, { education: '研究生' })).status, 409);
  // a closed file takes nothing more
  r = await step(sec, jia, { step: 'cancel', day: '2023-06-02' });
  assert.equal(r.status, 400);
  // the timeline
  r = await siming.get(`/api/develop/applicants/${jia}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.data.steps.filter((x) => !x.undone).map((x) => x.step), ['apply', 'talk', 'activist', 'target', 'review', 'training', 'vote', 'approve', 'full']);
  assert.deepEqual(r.data.steps.find((x) => x.step === 'target').people.map((p) => p.name), ['林介绍', '陈介绍']);
});

test('online applications: a member and an investor apply, the secretary accepts or refuses with a reason', async () => {
  // where one may apply: an investor their own enterprise; a member finds the enterprise by name
  const entName = sql(`SELECT name FROM enterprise WHERE id = ${entA}`)[0][0];
  let c = await investor.get('/api/develop/choices');
  assert.equal(c.status, 200, c.text);
  assert.ok(c.data.items.length >= 1 && c.data.items.every((x) => x.enterprise_id === entA), JSON.stringify(c.data.items));
  assert.ok(c.data.items.some((x) => x.org_id === orgA && x.org_name && x.enterprise_name === entName));
  c = await investor.get(`/api/develop/choices?q=${encodeURIComponent('不存在的企业名称')}`);
  assert.deepEqual(c.data.items, []);
  c = await memberC.get('/api/develop/choices');
  assert.deepEqual(c.data.items, [], 'nothing until a name is typed');
  c = await memberC.get(`/api/develop/choices?q=${encodeURIComponent([...entName][0])}`);
  assert.deepEqual(c.data.items, [], 'one character is not enough');
  c = await memberC.get(`/api/develop/choices?q=${encodeURIComponent(entName)}`);
  assert.ok(c.data.items.some((x) => x.enterprise_id === entA && x.org_id === orgA), JSON.stringify(c.data.items));
  assert.equal((await sec.get('/api/develop/choices')).status, 403);
  let r = await memberC.post('/api/develop/apply', { name: '网申员工', id_number: ID_YI, org_id: orgA, enterprise_id: entA, phone: '13900004001' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.status, 'pending');
  const online = r.data.id;
  yiOnline = online;
  r = await memberC.post('/api/develop/apply', { name: '网申员工', id_number: ID_YI, org_id: orgA, enterprise_id: entA });
  assert.equal(r.status, 409);
  // a step before the application is accepted
  r = await step(sec, online, { step: 'talk', day: today() });
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /请先受理/);
  r = await sec.post(`/api/develop/applicants/${online}/answer`, { accept: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.status, 'active');
  assert.equal(r.data.steps[0].step, 'apply');
  assert.equal(r.data.steps[0].day, today());
  r = await memberC.get('/api/me/develop');
  assert.equal(r.status, 200);
  assert.equal(r.data.items.length, 1);
  assert.equal(r.data.items[0].status, 'active');
  // the member reads only their own, through /api/me/develop
  assert.equal((await memberC.get(`/api/develop/applicants/${online}`)).status, 403);

  // an investor: their own enterprise only, and an organization covering it
  r = await investor.post('/api/develop/apply', { name: '出资人甲', id_number: id18('35020319800808091'), org_id: orgA, enterprise_id: entOther });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'enterprise_id');
  r = await investor.post('/api/develop/apply', { name: '出资人甲', id_number: id18('35020319800808091'), org_id: orgHuli, enterprise_id: entA });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'org_id');
  r = await investor.post('/api/develop/apply', { name: '出资人甲', id_number: id18('35020319800808091'), org_id: orgA, enterprise_id: entA });
  assert.equal(r.status, 201, r.text);
  const inv = r.data.id;
  r = await sec.post(`/api/develop/applicants/${inv}/answer`, { accept: false });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'reason');
  r = await secHuli.post(`/api/develop/applicants/${inv}/answer`, { accept: false, reason: '不是本支部' });
  assert.equal(r.status, 403);
  r = await sec.post(`/api/develop/applicants/${inv}/answer`, { accept: false, reason: '请先参加入党启蒙教育' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.status, 'refused');
  r = await sec.post(`/api/develop/applicants/${inv}/answer`, { accept: true });
  assert.equal(r.status, 409);
  r = await investor.get('/api/me/develop');
  assert.equal(r.data.items[0].answer, '请先参加入党启蒙教育');
  // another investor of the same enterprise does not see it
  r = await investor2.get('/api/me/develop');
  assert.deepEqual(r.data.items, []);
});

test('documents: PDF and images by their content, size-limited, kept by hash, downloads audited', async () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0 a letter')]);
  const upload = (c, p, buf, name, kind) => {
    const fd = new FormData();
    fd.append('file', new Blob([buf]), name);
    if (kind) fd.append('kind', kind);
    return c.req('POST', p, { body: fd });
  };
  let r = await upload(sec, `/api/develop/applicants/${jia}/documents`, pdf, '表决记录.pdf', 'vote');
  assert.equal(r.status, 201, r.text);
  const doc = r.data.documents.find((d) => d.filename === '表决记录.pdf');
  assert.equal(doc.mime, 'application/pdf');
  assert.equal(doc.kind, 'vote');
  // a text file named .png: refused by its content
  r = await upload(sec, `/api/develop/applicants/${jia}/documents`, Buffer.from('not an image at all'), '照片.png', 'other');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'file');
  r = await upload(sec, `/api/develop/applicants/${jia}/documents`, Buffer.concat([pdf, Buffer.alloc(4096, 32)]), '大.pdf', 'review');
  assert.equal(r.status, 400);
  assert.match(r.data.error.message, /过大/);
  r = await upload(sec, `/api/develop/applicants/${jia}/documents`, pdf, 'x.pdf', 'letter');
  assert.equal(r.data.error.field, 'kind');
  // the same content twice is one file on disk
  r = await upload(sec, `/api/develop/applicants/${jia}/documents`, pdf, '副本.pdf', 'other');
  assert.equal(r.status, 201, r.text);
  r = await siming.get(`/api/develop/applicants/${jia}/documents/${doc.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.equal(r.text, pdf.toString());
  assert.equal((await huli.get(`/api/develop/applicants/${jia}/documents/${doc.id}`)).status, 403);
  assert.equal((await siming.get(`/api/develop/applicants/${yiOnline}/documents/${doc.id}`)).status, 404);
  // the applicant attaches the letter to their own application from the phone; not to another's
  r = await upload(memberC, `/api/develop/applicants/${yiOnline}/letter`, jpeg, '申请书.jpg');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.documents[0].kind, 'application');
  assert.equal(r.data.documents[0].mime, 'image/jpeg');
  assert.equal((await upload(memberC, `/api/develop/applicants/${jia}/letter`, jpeg, '申请书.jpg')).status, 403);
  assert.equal(sql("SELECT COUNT(*) FROM audit WHERE action = 'develop.document.read'")[0][0], '1');
});

test('due and overdue as of any day; the table of steps moves the deadlines', async () => {
  let r = await sec.post('/api/develop/applicants', { name: '叶待谈', id_number: id18('35020319970817101'), org_id: orgA, applied_on: '2024-01-10' });
  assert.equal(r.status, 201, r.text);
  yi = r.data.id;
  const find = (res, id) => res.data.items.find((x) => x.id === id);
  r = await siming.get('/api/develop/due?as_of=2024-01-20&within=30');
  assert.equal(r.status, 200, r.text);
  let x = find(r, yi);
  assert.equal(x.step, 'talk');
  assert.equal(x.due_on, '2024-02-10');
  assert.equal(x.days_left, 21);
  assert.equal(x.overdue, false);
  r = await siming.get('/api/develop/due?as_of=2024-01-20&within=20');
  assert.equal(find(r, yi), undefined);
  r = await siming.get('/api/develop/due?as_of=2024-02-10&within=0');
  assert.equal(find(r, yi).days_left, 0);
  assert.equal(find(r, yi).overdue, false);
  r = await siming.get('/api/develop/due?as_of=2024-02-11&within=0');
  assert.equal(find(r, yi).overdue, true);
  // before the application: nothing
  r = await siming.get('/api/develop/due?as_of=2024-01-09&within=60');
  assert.equal(find(r, yi), undefined);
  // the finished file as of the past: approval due, then the end of probation
  r = await city.get('/api/develop/due?as_of=2022-07-01&within=62');
  assert.equal(find(r, jia).step, 'approve');
  assert.equal(find(r, jia).due_on, '2022-09-01');
  // the total with the page, and a page past the end still tells it
  const all = r.data.total;
  assert.ok(all >= 1 && all === r.data.items.length, `total ${all}, items ${r.data.items.length}`);
  r = await city.get('/api/develop/due?as_of=2022-07-01&within=62&size=1&page=99');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.data.items.length, r.data.total], [0, all]);
  r = await city.get('/api/develop/due?as_of=2022-07-01&within=61');
  assert.equal(find(r, jia), undefined);
  r = await city.get('/api/develop/due?as_of=2023-05-15&within=30');
  assert.equal(find(r, jia).step, 'full');
  assert.equal(find(r, jia).due_on, '2023-06-01');
  r = await city.get('/api/develop/due?as_of=2023-06-02&within=30');
  assert.equal(find(r, jia), undefined);
  // today: overdue, on the branch's and the city's list, not on 湖里's
  r = await sec.get('/api/develop/due');
  assert.equal(find(r, yi).overdue, true);
  r = await huli.get('/api/develop/due');
  assert.equal(find(r, yi), undefined);
  assert.equal((await huli.get(`/api/develop/due?org_id=${orgA}`)).status, 403);
  // the city gives two months for the talk: the deadline moves
  r = await city.put('/api/develop/rules/talk', { due_months: 2 });
  assert.equal(r.status, 200, r.text);
  assert.equal((await sec.get(`/api/develop/applicants/${yi}`)).data.next_due, '2024-03-10');
  r = await siming.get('/api/develop/due?as_of=2024-02-11&within=0');
  assert.equal(find(r, yi), undefined);
  assert.equal((await city.put('/api/develop/rules/talk', { due_months: 1 })).status, 200);
  assert.equal((await sec.get(`/api/develop/applicants/${yi}`)).data.next_due, '2024-02-10');
  // a late step is kept, marked
  r = await step(sec, yi, { step: 'talk', day: '2024-02-12' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.steps.find((s) => s.step === 'talk').late, true);
  r = await siming.get('/api/develop/due?as_of=2024-02-11&within=0');
  assert.equal(find(r, yi).overdue, true);   // as of then it was not done yet
  r = await siming.get('/api/develop/due?as_of=bad');
  assert.equal(r.status, 400);
  assert.equal(r.data.error.field, 'as_of');
  r = await siming.get('/api/develop/due?as_of=2024-02-11&within=0&format=xlsx');
  assert.equal(r.status, 200);
});

test('lists, pipeline and figures keep to the scope; exports', async () => {
  let r = await sec.get(`/api/develop/applicants?org_id=${orgA}&sort=name`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.data.items.some((x) => x.id === jia));
  assert.equal(r.data.total, r.data.items.length);
  r = await huli.get('/api/develop/applicants');
  assert.ok(!r.data.items.some((x) => x.id === jia));
  r = await siming.get(`/api/develop/applicants?stage=${encodeURIComponent('正式党员')}&q=${encodeURIComponent('许发')}`);
  assert.deepEqual(r.data.items.map((x) => x.id), [jia]);
  assert.equal((await siming.get('/api/develop/applicants?stage=群众')).status, 400);
  r = await city.get('/api/develop/applicants?format=xlsx');
  assert.equal(r.status, 200);
  r = await sec.get(`/api/develop/pipeline?org_id=${orgA}`);
  assert.equal(r.status, 200, r.text);
  const col = (s) => r.data.columns.find((c) => c.stage === s);
  assert.ok(col('入党申请人').count >= 3);
  assert.equal(col('入党申请人').items[0].next_step, 'talk');
  r = await city.get('/api/develop/figures?district=350203');
  assert.equal(r.status, 200, r.text);
  const y22 = r.data.by_year.filter((x) => x.year === '2022').reduce((s, x) => s + x.developed, 0);
  assert.equal(y22, 1);
  const y23 = r.data.by_year.filter((x) => x.year === '2023').reduce((s, x) => s + x.full_members, 0);
  assert.equal(y23, 1);
  assert.ok(r.data.by_stage.some((x) => x.stage === '正式党员' && x.count >= 1));
  const x = await fetch(srv.base + '/api/develop/figures.xlsx?district=350203', { headers: { cookie: siming.cookieHeader() } });
  assert.equal(x.status, 200);
  const years = sheetRows(Buffer.from(await x.arrayBuffer()), 3);
  assert.deepEqual(years[0], ['年份', '企业类别', '递交申请', '发展为预备党员', '转为正式党员']);
  assert.equal(years.filter((row) => row[0] === '2022').reduce((n, row) => n + Number(row[3]), 0), 1);
  assert.equal((await huli.get('/api/develop/figures.xlsx?district=350203')).status, 403);
  r = await huli.get('/api/develop/figures');
  assert.ok(!r.data.by_year.some((x) => x.year === '2022' && x.developed > 0));
});

test('each role inside and outside its scope', async () => {
  assert.equal((await huli.get(`/api/develop/applicants/${jia}`)).status, 403);
  assert.equal((await siming.get(`/api/develop/applicants/${jia}`)).status, 200);
  assert.equal((await secHuli.get(`/api/develop/applicants/${yi}`)).status, 403);
  assert.equal((await step(secHuli, yi, { step: 'activist', day: '2024-03-01', people: [F1] })).status, 403);
  assert.equal((await siming.post(`/api/develop/applicants/${yi}/steps`, { step: 'activist', day: '2024-03-01', people: [F1] })).status, 403);
  assert.equal((await secHuli.post('/api/develop/applicants', { name: '某', id_number: id18('35020319880808111'), org_id: orgA, applied_on: '2024-01-01' })).status, 403);
  assert.equal((await memberC.get('/api/develop/applicants')).status, 403);
  assert.equal((await sec.post('/api/develop/apply', { name: '某', id_number: id18('35020319880808111'), org_id: orgA, enterprise_id: entA })).status, 403);
  assert.equal((await city.get('/api/develop/pipeline')).status, 200);
});

test('the demo: applicants in every stage, some steps due within the month, some overdue', async () => {
  const r = await city.get('/api/develop/pipeline');
  assert.equal(r.status, 200);
  for (const col of r.data.columns) assert.ok(col.count > 0, `${col.stage}: ${col.count}`);
  assert.ok(r.data.pending.length >= 1, 'the investor\'s application waits for an answer');
  const due = (await city.get('/api/develop/due?within=30&size=500')).data.items;
  assert.ok(due.some((x) => x.overdue && x.step === 'talk'));
  assert.ok(due.some((x) => !x.overdue && x.step === 'talk'));
  assert.ok(due.some((x) => x.overdue && x.step === 'approve'));
  assert.ok(due.some((x) => !x.overdue && x.step === 'approve'));
  assert.ok(due.some((x) => x.step === 'full'));
});
