// exam — question banks and exams (issue 16): a bank imported from xlsx (all
// of it or nothing: a file with bad rows imports no question and says, row by
// row, what is wrong), the template, an exam drawn from the bank, a member
// taking it on the server's clock (the questions reach the phone without their
// answers and explanations, answers saved one by one, scored on the server,
// the hours of a pass credited once), the time limit by the test clock, the
// results with the members behind the pass rate, exported.  SQLite and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, backend, addUser, loginAs } from './lib.mjs';
import { sheetRows } from './xlsx.mjs';

let srv, dir, clockFile, clock = 0, city, siming, huli, member, member2, person, bankId, examId;

function sql(q) {
  const r = backend === 'sqlite'
    ? spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', srv.db.url, q], { encoding: 'utf8' })
    : spawnSync('psql', [srv.db.url, '-qAtc', q], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const setClock = (s) => { clock = s; writeFileSync(clockFile, String(s)); };
const day = (offset = 0) => new Date((Math.floor(Date.now() / 1000) + clock + 8 * 3600 + offset * 86400) * 1000).toISOString().slice(0, 10);

function xlsx(name, head, rows) {
  const out = path.join(dir, name);
  const py = `
import json, sys, openpyxl
spec = json.load(sys.stdin)
wb = openpyxl.Workbook(); ws = wb.active; ws.title = '题库'
ws.append(spec['head'])
for r in spec['rows']: ws.append(r)
wb.save(spec['out'])`;
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, ['-c', py], { input: JSON.stringify({ head, rows, out }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error('openpyxl: ' + r.stderr);
  return out;
}
async function upload(c, file, fields = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([readFileSync(file)]), path.basename(file));
  return c.req('POST', '/api/exam-banks', { body: fd });
}

const HEAD = ['序号', '题型', '题目', '选项A', '选项B', '选项C', '选项D', '答案', '解析', '分类'];
const GOOD = [
  [1, '单选题', '党的最高理想和最终目标是什么？', '实现共产主义', '全面建成小康社会', '实现现代化', '实现民族复兴', 'A', '解析-一', '党章'],
  [2, '单选题', '预备党员的预备期为多久？', '半年', '一年', '两年', '三年', 'B', '解析-二', '党章'],
  [3, '单选题', '党的基层组织设立的依据是？', '党员人数', '工作需要和党员人数', '上级指定', '自愿', 'B', '解析-三', '党章'],
  [4, '单选题', '党员有几项基本义务？', '六项', '七项', '八项', '九项', 'C', '解析-四', '党章'],
  [5, '单选题', '党的组织原则是？', '民主集中制', '集体领导', '个人负责', '少数服从多数', 'A', '解析-五', '党章'],
  [6, '单选题', '党支部党员大会一般每季度召开几次？', '一次', '两次', '三次', '每月一次', 'A', '解析-六', '党规'],
  [7, '多选题', '党员的权利包括？', '参加党的有关会议', '参加讨论', '提出建议和倡议', '拒绝执行决议', 'A、B、C', '解析-七', '党章'],
  [8, '多选题', '“三会一课”中的三会是？', '支部党员大会', '支部委员会', '党小组会', '座谈会', 'ABC', '解析-八', '党规'],
  [9, '多选题', '党的纪律包括？', '政治纪律', '组织纪律', '廉洁纪律', '娱乐纪律', 'abc', '解析-九', '党规'],
  [10, '判断题', '预备党员没有表决权。', '', '', '', '', '对', '解析-十', '党章'],
  [11, '判断题', '党员可以不参加党的组织生活。', '', '', '', '', '×', '解析-十一', '党章'],
  [12, '判断题', '党费由党员自愿交纳，可交可不交。', '', '', '', '', '错', '解析-十二', '党规'],
];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ejia-exam-'));
  clockFile = path.join(dir, 'clock');
  writeFileSync(clockFile, '0');
  srv = await startServer({ demo: true, args: ['--test-clock-file', clockFile] });
  addUser(srv.db.url, 'x_city', 'city');
  addUser(srv.db.url, 'x_siming', 'district', '350203');
  addUser(srv.db.url, 'x_huli', 'district', '350206');
  addUser(srv.db.url, 'x_member', 'member');
  addUser(srv.db.url, 'x_member2', 'member');
  // two members of 思明区 without an account of their own take the accounts
  const people = sql("SELECT m.person_id FROM member m JOIN person p ON p.id = m.person_id WHERE m.district_code = '350203' AND m.state = '正常' AND p.user_id IS NULL ORDER BY m.person_id LIMIT 2").map((r) => r[0]);
  assert.equal(people.length, 2);
  person = people[0];
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'x_member') WHERE id = ${people[0]}`);
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'x_member2') WHERE id = ${people[1]}`);
  [city, siming, huli, member, member2] = await Promise.all(['x_city', 'x_siming', 'x_huli', 'x_member', 'x_member2'].map((u) => loginAs(srv.base, u)));
});
after(async () => { await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('the template downloads (audited) and reads back as a bank', async () => {
  const res = await fetch(srv.base + '/api/exam-banks/template.xlsx', { headers: { cookie: siming.cookieHeader() } });
  assert.equal(res.status, 200);
  const buf = Buffer.from(await res.arrayBuffer());
  const rows = sheetRows(buf);
  assert.deepEqual(rows[0], ['序号', '题型', '题目', '选项A', '选项B', '选项C', '选项D', '选项E', '选项F', '答案', '解析', '分类']);
  assert.equal(rows.length, 4, 'the header and an example of each kind');
  assert.equal(sql("SELECT COUNT(*) FROM audit WHERE action = 'exam.template'")[0][0], '1');
  // the template as it comes is a valid bank of three questions (the city's)
  const f = path.join(dir, '题库模板示例.xlsx');
  writeFileSync(f, buf);
  const r = await upload(city, f);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.data.bank.questions, r.data.bank.n_single, r.data.bank.n_multiple, r.data.bank.n_judge, r.data.bank.district_code], [3, 1, 1, 1, null]);
  assert.equal((await member.get('/api/exam-banks/template.xlsx')).status, 403);
});

test('a bank with bad rows imports nothing and says row by row what is wrong', async () => {
  const before = sql('SELECT COUNT(*) FROM exam_bank')[0][0], qs = sql('SELECT COUNT(*) FROM exam_question')[0][0];
  const bad = xlsx('有错的题库.xlsx', HEAD, [
    ...GOOD.slice(0, 3),
    [4, '填空题', '党的性质是？', '', '', '', '', '先锋队', '', ''],
    [5, '单选题', '两个答案的单选题', '甲', '乙', '丙', '', 'AB', '', ''],
    [6, '多选题', '答案越界', '甲', '乙', '', '', 'AD', '', ''],
    [7, '判断题', '无法判断', '', '', '', '', '也许', '', ''],
    [8, '单选题', '', '甲', '乙', '', '', 'A', '', ''],
  ]);
  const r = await upload(siming, bad);
  assert.equal(r.status, 400, r.text);
  assert.match(r.data.error.message, /5 行有问题，整个题库未导入/);
  const p = r.data.error.detail.problems;
  assert.deepEqual(p.map((x) => [x.sheet_row, x.column, x.column_name]),
    [[5, 'B', '题型'], [6, 'H', '答案'], [7, 'H', '答案'], [8, 'H', '答案'], [9, 'C', '题目']]);
  assert.match(p[0].message, /^第 5 行 B 列（题型）：题型“填空题”无法识别：请填写“单选题”“多选题”或“判断题”。$/);
  assert.match(p[1].message, /单选题只能有一个答案.*请把题型改为“多选题”/);
  assert.match(p[2].message, /本题只有 A–B/);
  assert.deepEqual([sql('SELECT COUNT(*) FROM exam_bank')[0][0], sql('SELECT COUNT(*) FROM exam_question')[0][0]], [before, qs], 'not one question imported');
  // a CSV without the answer column
  const csv = path.join(dir, '缺列.csv');
  writeFileSync(csv, '题型,题目,选项A,选项B\n单选题,一,甲,乙\n');
  const r2 = await upload(siming, csv);
  assert.equal(r2.status, 400);
  assert.match(r2.data.error.message, /缺少“答案”列/);
});

test('a district imports its bank; another district cannot see it; the same file twice is refused', async () => {
  const f = xlsx('党章基础知识题库.xlsx', HEAD, GOOD);
  const r = await upload(siming, f, { name: '党章基础知识' });
  assert.equal(r.status, 201, r.text);
  bankId = r.data.bank.id;
  assert.deepEqual([r.data.bank.name, r.data.bank.questions, r.data.bank.n_single, r.data.bank.n_multiple, r.data.bank.n_judge, r.data.bank.district_code],
    ['党章基础知识', 12, 6, 3, 3, '350203']);
  const b = await siming.get(`/api/exam-banks/${bankId}`);
  assert.equal(b.status, 200);
  const q7 = b.data.bank.items.find((x) => x.seq === 7);
  assert.deepEqual([q7.kind, q7.answer, q7.options.length, q7.explanation], ['multiple', 'ABC', 4, '解析-七']);
  assert.deepEqual(b.data.bank.items.find((x) => x.seq === 11).answer, 'B');
  assert.equal((await huli.get(`/api/exam-banks/${bankId}`)).status, 403);
  assert.ok(!(await huli.get('/api/exam-banks')).data.items.some((x) => x.id === bankId));
  assert.ok((await city.get('/api/exam-banks')).data.items.some((x) => x.id === bankId));
  assert.equal((await upload(huli, f, { district: '350203' })).status, 403, 'not for another district');
  const again = await upload(siming, f);
  assert.equal(again.status, 409);
  assert.match(again.data.error.message, /已导入为题库“党章基础知识”/);
});

test('an exam: created as a draft, checked, edited, opened; another district cannot touch it', async () => {
  const body = { title: '党章知识测试', bank_id: bankId, n_single: 3, n_multiple: 2, n_judge: 2, minutes: 10, pass_score: 60, attempts: 2,
    audience: 'all', opens_on: day(0), closes_on: day(30), credit_minutes: 60, credit_category: '理论学习' };
  assert.equal((await siming.post('/api/exams', { ...body, n_multiple: 4 })).status, 400, 'more multiple choices than the bank has');
  assert.equal((await siming.post('/api/exams', { ...body, closes_on: day(-1) })).status, 400);
  assert.equal((await siming.post('/api/exams', { ...body, audience: 'everyone' })).status, 400);
  assert.equal((await huli.post('/api/exams', body)).status, 403, 'a bank of another district');
  const r = await siming.post('/api/exams', { ...body, title: '党章测试' });
  assert.equal(r.status, 201, r.text);
  examId = r.data.exam.id;
  assert.deepEqual([r.data.exam.state, r.data.exam.questions, r.data.exam.district_code], ['draft', 7, '350203']);
  // the demo's open exam is offered too: only this one is looked at
  assert.ok(!(await member.get('/api/me/exams')).data.exams.some((x) => x.id === examId), 'a draft is not offered');
  const e = await siming.patch(`/api/exams/${examId}`, body);
  assert.equal(e.status, 200, e.text);
  assert.equal(e.data.exam.title, '党章知识测试');
  assert.equal((await huli.post(`/api/exams/${examId}/open`, {})).status, 403);
  const o = await siming.post(`/api/exams/${examId}/open`, {});
  assert.equal(o.status, 200, o.text);
  assert.equal(o.data.exam.state, 'open');
  assert.equal((await siming.post(`/api/exams/${examId}/open`, {})).status, 409);
  const mine = await member.get('/api/me/exams');
  assert.deepEqual(mine.data.exams.filter((x) => x.id === examId).map((x) => [x.id, x.questions, x.used]), [[examId, 7, 0]]);
});

let attempt1;
const rightAnswers = (attempt) => Object.fromEntries(sql(`SELECT aq.seq, q.answer FROM exam_attempt_question aq JOIN exam_question q ON q.id = aq.question_id WHERE aq.attempt_id = ${attempt}`));

test('taking it: questions without answers, saved as I go, scored on the server, the hours of a pass credited once', async () => {
  const r = await member.post(`/api/me/exams/${examId}/attempts`, {});
  assert.equal(r.status, 201, r.text);
  attempt1 = r.data.attempt.id;
  const qs = r.data.questions;
  assert.equal(qs.length, 7);
  assert.deepEqual(qs.map((q) => q.kind), ['single', 'single', 'single', 'multiple', 'multiple', 'judge', 'judge']);
  assert.equal(new Set(qs.map((q) => q.stem)).size, 7, 'no question twice');
  for (const q of qs) {
    assert.deepEqual(Object.keys(q).sort(), ['given', 'kind', 'kind_label', 'options', 'seq', 'stem'], 'nothing but the question');
  }
  assert.ok(!/解析-/.test(r.text), 'no explanation reaches the phone before submitting');
  assert.ok(r.data.attempt.remaining > 590 && r.data.attempt.remaining <= 600, String(r.data.attempt.remaining));
  // the phone reconnects: the same attempt, the same questions
  const again = await member.post(`/api/me/exams/${examId}/attempts`, {});
  assert.equal(again.status, 201);
  assert.equal(again.data.attempt.id, attempt1);
  assert.deepEqual(again.data.questions.map((q) => q.stem), qs.map((q) => q.stem));
  // the exam cannot change now
  assert.equal((await siming.patch(`/api/exams/${examId}`, { title: '改名', bank_id: bankId, n_any: 5, minutes: 5, opens_on: day(0), closes_on: day(3) })).status, 409);
  const right = rightAnswers(attempt1);
  for (const q of qs) {
    const s = await member.post(`/api/me/exam-attempts/${attempt1}/answers`, { seq: q.seq, answer: right[q.seq] });
    assert.equal(s.status, 200, s.text);
  }
  assert.equal((await member.post(`/api/me/exam-attempts/${attempt1}/answers`, { seq: 1, answer: 'AB' })).status, 400, 'one letter for a single choice');
  assert.equal((await member.post(`/api/me/exam-attempts/${attempt1}/answers`, { seq: 99, answer: 'A' })).status, 400);
  assert.equal((await member2.post(`/api/me/exam-attempts/${attempt1}/answers`, { seq: 1, answer: 'A' })).status, 404, 'not another member\'s attempt');
  assert.equal((await member2.get(`/api/me/exam-attempts/${attempt1}`)).status, 404);
  const g = await member.get(`/api/me/exam-attempts/${attempt1}`);
  assert.deepEqual(g.data.questions.map((q) => q.given), qs.map((q) => right[q.seq]), 'the saved answers come back');
  assert.ok(!('right_answer' in g.data.questions[0]) && !/解析-/.test(g.text));
  const minutesBefore = Number(sql(`SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE person_id = ${person}`)[0][0]);
  const s = await member.post(`/api/me/exam-attempts/${attempt1}/submit`, {});
  assert.equal(s.status, 200, s.text);
  assert.deepEqual([s.data.attempt.state, s.data.attempt.score, s.data.attempt.passed, s.data.attempt.correct, s.data.attempt.credited_minutes], ['submitted', 100, 1, 7, 60]);
  assert.ok(s.data.questions.every((q) => q.right_answer === q.given && /^解析-/.test(q.explanation) && q.halves === 2));
  assert.equal((await member.post(`/api/me/exam-attempts/${attempt1}/submit`, {})).status, 409, 'submitted once');
  assert.equal(sql(`SELECT COUNT(*) FROM study_credit WHERE person_id = ${person} AND source = 'exam' AND source_id = ${attempt1}`)[0][0], '1');
  assert.equal(Number(sql(`SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE person_id = ${person}`)[0][0]) - minutesBefore, 60);
  assert.equal(sql(`SELECT COUNT(*) FROM activity WHERE person_id = ${person} AND ref = 'exam:${attempt1}'`)[0][0], '1');
  // a second pass (the second attempt allowed) grants nothing more
  const r2 = await member.post(`/api/me/exams/${examId}/attempts`, { });
  assert.equal(r2.status, 201);
  const a2 = r2.data.attempt.id;
  assert.notEqual(a2, attempt1);
  const right2 = rightAnswers(a2);
  const s2 = await member.post(`/api/me/exam-attempts/${a2}/submit`, { answers: r2.data.questions.map((q) => ({ seq: q.seq, answer: right2[q.seq] })) });
  assert.equal(s2.status, 200, s2.text);
  assert.deepEqual([s2.data.attempt.score, s2.data.attempt.passed, s2.data.attempt.credited_minutes], [100, 1, 0]);
  assert.equal(Number(sql(`SELECT COALESCE(SUM(minutes), 0) FROM study_credit WHERE person_id = ${person}`)[0][0]) - minutesBefore, 60, 'credited once');
  const third = await member.post(`/api/me/exams/${examId}/attempts`, {});
  assert.equal(third.status, 409);
  assert.match(third.data.error.message, /允许作答 2 次，您已作答 2 次/);
});

test('the time limit is the server\'s: past it and its grace an answer is refused, and the submission is scored with what was saved', async () => {
  const r = await siming.post('/api/exams', { title: '限时测试', bank_id: bankId, n_any: 4, minutes: 1, pass_score: 50, attempts: 1, audience: 'all',
    opens_on: day(0), closes_on: day(3), credit_minutes: 30, credit_category: '理论学习' });
  assert.equal(r.status, 201, r.text);
  const ex = r.data.exam.id;
  assert.equal((await siming.post(`/api/exams/${ex}/open`, {})).status, 200);
  const a = await member2.post(`/api/me/exams/${ex}/attempts`, {});
  assert.equal(a.status, 201, a.text);
  const id = a.data.attempt.id, qs = a.data.questions;
  const right = rightAnswers(id);
  assert.equal((await member2.post(`/api/me/exam-attempts/${id}/answers`, { seq: qs[0].seq, answer: right[qs[0].seq] })).status, 200);
  setClock(clock + 60 + 20);   // past the minute, inside the grace (30 s)
  assert.equal((await member2.post(`/api/me/exam-attempts/${id}/answers`, { seq: qs[1].seq, answer: right[qs[1].seq] })).status, 200);
  setClock(clock + 15);        // past the grace
  const late = await member2.post(`/api/me/exam-attempts/${id}/answers`, { seq: qs[2].seq, answer: right[qs[2].seq] });
  assert.equal(late.status, 409);
  assert.match(late.data.error.message, /作答时间已到.*请交卷/);
  const s = await member2.post(`/api/me/exam-attempts/${id}/submit`, { answers: qs.map((q) => ({ seq: q.seq, answer: right[q.seq] })) });
  assert.equal(s.status, 200, s.text);
  assert.deepEqual([s.data.attempt.late, s.data.attempt.correct, s.data.attempt.score, s.data.attempt.passed], [1, 2, 50, 1], 'the two saved in time count, the rest sent late do not');
  assert.equal(sql(`SELECT COUNT(*) FROM study_credit WHERE source = 'exam' AND source_id = ${id}`)[0][0], '1');
  assert.equal((await member2.post(`/api/me/exams/${ex}/attempts`, {})).status, 409, 'one attempt allowed');
  // closed: nobody starts any more
  assert.equal((await siming.post(`/api/exams/${ex}/close`, {})).status, 200);
  assert.equal((await member.post(`/api/me/exams/${ex}/attempts`, {})).status, 409);
});

test('results: each member\'s best attempt, the pass rate and the members behind it, exported', async () => {
  const x = await siming.get(`/api/exams/${examId}`);
  assert.deepEqual([x.data.exam.takers, x.data.exam.passed, x.data.exam.pass_rate], [1, 1, 100]);
  const r = await siming.get(`/api/exams/${examId}/results`);
  assert.equal(r.status, 200);
  assert.equal(r.data.items.length, 1);
  assert.deepEqual([r.data.items[0].score, r.data.items[0].attempts, r.data.items[0].passed, r.data.items[0].credited_attempt], [100, 2, 1, attempt1]);
  assert.equal((await siming.get(`/api/exams/${examId}/results?passed=0`)).data.items.length, 0);
  assert.equal((await huli.get(`/api/exams/${examId}/results`)).status, 403);
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export'")[0][0]);
  const res = await fetch(srv.base + `/api/exams/${examId}/results?format=xlsx`, { headers: { cookie: siming.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = sheetRows(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(rows[0].slice(0, 4), ['姓名', '党组织', '最高分', '是否通过']);
  assert.equal(rows[1][3], '通过');
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'list.export'")[0][0]), before + 1, 'the export is audited');
  const list = await city.get('/api/exams');
  assert.ok(list.data.items.some((e) => e.id === examId && e.takers === 1 && e.passed === 1));
  const mine = await member.get('/api/me/exams');
  assert.equal(mine.data.attempts.length, 2);
  assert.ok(mine.data.exams.some((e) => e.id === examId && e.used === 2 && e.best === 100 && e.passed === 1));
  // closing it
  assert.equal((await siming.post(`/api/exams/${examId}/close`, {})).status, 200);
  assert.ok(!(await member.get('/api/me/exams')).data.exams.some((x) => x.id === examId), 'closed: no longer offered');
});
