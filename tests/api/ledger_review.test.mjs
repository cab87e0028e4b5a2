// The review queue's counts and "为什么？" on the demo's rounds (issue 21, items 3 and 9):
// every count agrees after a decision (the rounds list, one round's header, the
// queue), a decision is counted as decided at once and changes the enterprises
// only when the next round is made; the explanation leads with plain words made
// on the server from the same comparison as the weights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUser, loginAs } from './lib.mjs';

let srv, city, siming;
before(async () => {
  srv = await startServer({ demo: true });
  addUser(srv.db.url, 't_city', 'city');
  addUser(srv.db.url, 't_siming', 'district', '350203');
  city = await loginAs(srv.base, 't_city');
  siming = await loginAs(srv.base, 't_siming');
});
after(async () => { await srv?.stop(); });

const STATS = /log2|EM|λ|分块|权重|先验/;
const rounds = async (c) => (await c.get('/api/ledger/rounds?size=100')).data.items;
const queue = async (c, id, state = 'open') => (await c.get(`/api/ledger/rounds/${id}/review?state=${state}&size=100`)).data;

test('"为什么？" in plain words first, the weights beside them', async () => {
  const r = (await rounds(city)).find((x) => x.review_open > 0);
  assert.ok(r, 'the demo has a round with open pairs');
  const p = (await queue(city, r.id)).items[0];
  const x = await city.get(`/api/ledger/rounds/${r.id}/explain?a=${p.a_record}&b=${p.b_record}`);
  assert.equal(x.status, 200, x.text);
  const { summary, plain, text } = x.data;
  assert.match(summary, /^(名称|信用代码|电话|联系人|地址|所属区).*(相同|不同|缺失|无法比较|相近|仅差).*。$/);
  assert.doesNotMatch(summary, STATS);
  assert.doesNotMatch(plain, STATS);
  assert.match(plain, /按各项比较，.*（.*\d+%）/);
  assert.match(plain, /已列入待审队列/);
  assert.match(plain, /本轮结果：两条记录(已合并为同一企业|分属不同企业)/);
  assert.match(text, /log2\(m\/u\)/, 'the weights are still there, behind the plain words');
  // the same words either way round
  const y = await city.get(`/api/ledger/rounds/${r.id}/explain?a=${p.b_record}&b=${p.a_record}`);
  assert.equal(y.data.summary, summary);
});

test('a decision: counted at once everywhere, the enterprises change with the next round', async () => {
  const before = await rounds(city);
  const r = before.find((x) => x.review_open > 0);
  for (const x of before) {
    assert.equal(x.review_open + x.review_decided, x.review, `round ${x.id}: open + decided = queued (city)`);
    assert.equal((await queue(city, x.id)).total, x.review_open, `round ${x.id}: the queue's total is the list's`);
  }
  const got = (await city.get(`/api/ledger/rounds/${r.id}?size=1`)).data.round;
  assert.equal(got.review_open, r.review_open);
  assert.equal(got.review_decided, r.review_decided);
  const p = (await queue(city, r.id)).items[0];
  const d = await city.post('/api/ledger/decisions', { a: p.a_record, b: p.b_record, verdict: 'same' });
  assert.equal(d.status, 200, d.text);
  const after = await rounds(city);
  for (const x of after) {
    const was = before.find((y) => y.id === x.id);
    const had = (await queue(city, x.id, 'all')).items.some((q) => q.a_record === p.a_record && q.b_record === p.b_record);
    // every round queueing this pair counts it as decided now
    assert.equal(x.review_open, was.review_open - (had ? 1 : 0), `round ${x.id}: one fewer open`);
    assert.equal(x.review_decided, was.review_decided + (had ? 1 : 0), `round ${x.id}: one more decided`);
    assert.equal((await queue(city, x.id)).total, x.review_open, `round ${x.id}: the queue agrees`);
    assert.equal(x.entities, was.entities, 'the round itself is unchanged until the next one is made');
    assert.equal(x.review, was.review);
  }
  const hdr = (await city.get(`/api/ledger/rounds/${r.id}?size=1`)).data.round;
  assert.equal(hdr.review_open, r.review_open - 1);
  assert.equal(hdr.review_decided, r.review_decided + 1);
  // the decision shows in the plain words too
  const x = await city.get(`/api/ledger/rounds/${r.id}/explain?a=${p.a_record}&b=${p.b_record}`);
  assert.equal(x.status, 200);
});

test('an area office counts its own part of the queue, as its queue shows it', async () => {
  for (const x of await rounds(siming)) {
    const q = await queue(siming, x.id, 'open'), dq = await queue(siming, x.id, 'decided');
    assert.equal(x.review_open, q.total, `round ${x.id}: 思明区's open pairs`);
    assert.equal(x.review_decided, dq.total, `round ${x.id}: 思明区's decided pairs`);
    const got = (await siming.get(`/api/ledger/rounds/${x.id}?size=1`)).data.round;
    assert.equal(got.review_open, q.total);
  }
});
