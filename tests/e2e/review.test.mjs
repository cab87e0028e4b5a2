// The review queue as a city worker uses it (issue 21, items 3 and 9): after each
// decision every count on screen agrees — the round's header (待审), the review
// tab's (N) and the rounds list's 待审 column — and the page says the decision
// takes effect with the next round (the round's enterprise count stays).
// "为什么？" leads with plain words made by the server; the weights open on a toggle.
// At 390 px (phone) and 1440 px (desktop); the desktop dialog is checked by axe.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiGet, shot, stillness, until, toastSeen, AXE_PATH, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const STATS = /log2|EM|λ|分块|权重 [+-]|先验/

/** A round with undecided pairs (the most first), as the API counts it now. */
async function roundWithOpenPairs(page) {
  const r = await apiGet(page, '/api/ledger/rounds?size=100')
  assert.equal(r.status, 200)
  const open = r.body.items.filter((x) => x.review_open > 0).sort((a, b) => b.review_open - a.review_open)
  assert.ok(open.length, 'the demo has a round with open review pairs')
  return open[0]
}

/** Header, tab and queue of the open round page show these counts. */
async function countsShown(page, open, decided) {
  const hdr = page.getByTestId('round-review-open')
  await until(async () => (await hdr.innerText()).replace(/\s+/g, ' ').trim() === `待审 ${open}`, `header says 待审 ${open}`)
  const tab = page.getByRole('tab', { name: /审核队列/ })
  await until(async () => (await tab.innerText()).includes(`(${open})`), `review tab says (${open})`)
  if (decided) {
    await page.getByTestId('round-review-decided').getByText(`已判定 ${decided} 对，下次生成轮次时生效`).waitFor()
  } else assert.equal(await page.getByTestId('round-review-decided').count(), 0)
}

/** Opens 为什么？ and checks the plain words first, the weights only on the toggle. */
async function explainInPlainWords(page, roundId, pair) {
  await page.getByTestId('explain').click()
  const summary = page.getByTestId('explain-summary')
  await summary.waitFor()
  const want = (await apiGet(page, `/api/ledger/rounds/${roundId}/explain?a=${pair.a_record}&b=${pair.b_record}`)).body
  assert.equal((await summary.innerText()).trim(), want.summary, 'the server\'s sentence, as it is')
  assert.match(want.summary, /(相同|不同|缺失)/)
  const words = await page.getByTestId('explain-text').innerText()
  assert.doesNotMatch(words, STATS, 'no statistics before the toggle')
  await page.getByTestId('explain-plain').getByText(/^本轮结果：/).waitFor()
  assert.equal(await page.getByTestId('explain-stats').count(), 0)
  const toggle = page.getByTestId('explain-stats-toggle')
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false')
  await toggle.click()
  await page.getByTestId('explain-stats').getByText(/log2\(m\/u\)/).waitFor()
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true')
}

test('phone: the counts agree after a decision, and 为什么？ in plain words', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page } = b
  const fits = async () => assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false, 'no page-wide horizontal scroll')
  try {
    await loginAs(page, 'city')
    const r = await roundWithOpenPairs(page)
    await page.goto(`/ledger/rounds/${r.id}?tab=review`)
    await page.getByTestId('review-pair').locator('li.fcard').first().waitFor()
    await countsShown(page, r.review_open, r.review_decided)
    await page.getByTestId('review-when').getByText('下次生成轮次时生效').waitFor()
    const pair = (await apiGet(page, `/api/ledger/rounds/${r.id}/review?state=open&size=1`)).body.items[0]
    await explainInPlainWords(page, r.id, pair)
    await fits()
    await shot(page, 'review-explain-phone')
    await page.keyboard.press('Escape')
    await page.getByTestId('explain-text').waitFor({ state: 'hidden' })

    await page.getByTestId('btn-same').click()
    await until(() => toastSeen(page, '已记录决定：下次生成轮次时生效'), 'the toast says when the decision takes effect')
    await countsShown(page, r.review_open - 1, r.review_decided + 1)
    // the round itself is unchanged until the next one is made
    await page.locator('.page-intro').getByText(`企业 ${r.entities.toLocaleString('zh-CN')}`).waitFor()
    await fits()
    await shot(page, 'review-decided-phone')

    // the rounds list (cards on a phone) says the same
    await page.goto('/ledger/rounds')
    const card = page.getByTestId('rounds-table').locator('.lp-card', { hasText: r.name || `第 ${r.number} 轮` }).first()
    await card.getByText(`待审 ${r.review_open - 1}`).waitFor()
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('desktop: header, tab and rounds list agree after each decision; the dialog is accessible', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: WIDE, bypassCSP: true })
  const { page } = b
  try {
    await loginAs(page, 'city')
    const r = await roundWithOpenPairs(page)
    await page.goto(`/ledger/rounds/${r.id}?tab=review`)
    await page.getByTestId('review-pair').locator('tbody tr').first().waitFor()
    await countsShown(page, r.review_open, r.review_decided)
    const pair = (await apiGet(page, `/api/ledger/rounds/${r.id}/review?state=open&size=1`)).body.items[0]
    await explainInPlainWords(page, r.id, pair)
    await stillness(page)
    await page.addScriptTag({ path: AXE_PATH })
    const bad = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const x = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      return x.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)
    })
    assert.deepEqual(bad, [], 'the explanation dialog has no serious accessibility problems')
    await shot(page, 'review-explain')
    await page.keyboard.press('Escape')
    await page.getByTestId('explain-text').waitFor({ state: 'hidden' })

    // each decision (by key, then by button) moves every count on the page at once
    let open = r.review_open, decided = r.review_decided
    for (const act of [() => page.keyboard.press('n'), () => page.getByTestId('btn-same').click()]) {
      if (!open) break
      await act()
      await until(() => toastSeen(page, '已记录决定：下次生成轮次时生效'), 'the toast says when the decision takes effect')
      open -= 1; decided += 1
      await countsShown(page, open, decided)
    }
    await page.locator('.page-intro').getByText(`企业 ${r.entities.toLocaleString('zh-CN')}`).waitFor()
    if (!open) await page.getByTestId('review-empty').waitFor()
    await shot(page, 'review-decided')
    // the decided pairs say when they act
    await page.getByTestId('review-state').click()
    await page.getByRole('option', { name: '已决定' }).click()
    await page.getByTestId('pair-verdict').getByText(/下次生成轮次时生效/).waitFor()

    // the rounds list: every round's 待审 is what its queue holds now (a pair queued
    // in two rounds is decided in both)
    await page.goto('/ledger/rounds')
    const table = page.getByTestId('rounds-table')
    await table.locator('tbody tr').first().waitFor()
    const rounds = (await apiGet(page, '/api/ledger/rounds?size=100')).body.items
    assert.equal(rounds.find((x) => x.id === r.id).review_open, open)
    for (const x of rounds) {
      const q = (await apiGet(page, `/api/ledger/rounds/${x.id}/review?state=open&size=1`)).body.total
      assert.equal(x.review_open, q, `round ${x.id}: list and queue agree`)
      const row = table.locator('tbody tr').filter({ has: page.locator(`a[href$="/ledger/rounds/${x.id}"]`) })
      await until(async () => (await row.locator('td').nth(6).innerText()).trim() === String(q), `round ${x.id}'s 待审 column says ${q}`)
    }
    await shot(page, 'rounds-after-review')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})
