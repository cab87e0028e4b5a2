// Ledger rounds: the city office opens the rounds, round 3 and its enterprises
// (with an enterprise's lineage), decides one review pair with the keyboard
// (or sees the empty queue), and compares round 1 with round 3.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiGet, shot, USERS, PHONE } from './lib.mjs'

test('city: rounds, entities, review with the keyboard, diff 1→3', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'city')
    // dashboard: coverage now (the last 旬 of the demo story) and by district
    await page.getByTestId('coverage-rate').waitFor()
    await page.getByTestId('card-coverage-district').waitFor()
    await shot(page, 'dashboard-coverage')
    const rounds = await apiGet(page, '/api/ledger/rounds')
    assert.equal(rounds.status, 200)
    const byNo = (n) => rounds.body.items.find((r) => r.number === n)
    const r1 = byNo(1), r3 = byNo(3)
    assert.ok(r1 && r3, 'the demo has rounds 1 and 3')

    await page.goto('/ledger/rounds')
    const table = page.getByTestId('rounds-table')
    await table.waitFor()
    await table.getByText(r3.name || '第 3 轮').first().waitFor()
    await shot(page, 'rounds')

    // round 3: its enterprises, and one enterprise's source rows
    await page.goto(`/ledger/rounds/${r3.id}`)
    const ents = page.getByTestId('entities-table')
    await ents.locator('tbody tr').first().waitFor()
    assert.ok(await ents.locator('tbody tr').count() > 0, 'round 3 lists enterprises')
    await ents.locator('tbody tr').first().getByRole('button').first().click()
    const dlg = page.getByTestId('entity-dialog')
    await dlg.getByTestId('lineage-table').locator('tbody tr').first().waitFor()
    await page.keyboard.press('Escape')
    await dlg.waitFor({ state: 'hidden' })
    await shot(page, 'round-3')

    // review queue: round 3's is empty in the demo (empty state); decide one
    // pair with the keyboard in a round that has one (round 2 in the demo)
    await page.getByRole('tab', { name: /审核队列/ }).click()
    const pair = page.getByTestId('review-pair'), empty = page.getByTestId('review-empty')
    await pair.or(empty).first().waitFor()
    if (!r3.review) await empty.getByText('审核队列已清空').waitFor()
    const rr = rounds.body.items.find((r) => r.review > 0)
    if (rr) {
      await page.goto(`/ledger/rounds/${rr.id}?tab=review`)
      await pair.or(empty).first().waitFor()
      if (await pair.isVisible()) { // the pair may have been decided by an earlier run on this DB
        await page.getByTestId('btn-different').getByText('N').waitFor()
        assert.ok(await pair.locator('tr.diff').count() > 0, 'differing fields are highlighted')
        const before = (await apiGet(page, `/api/ledger/rounds/${rr.id}/review?state=decided`)).body.total
        await page.getByTestId('explain').click()
        await page.getByTestId('explain-text').filter({ hasText: /\S/ }).waitFor()
        await shot(page, 'round-review-explain')
        await page.keyboard.press('Escape')
        await page.getByTestId('explain-text').waitFor({ state: 'hidden' })
        await shot(page, 'round-review')
        await page.keyboard.press('n')
        await page.getByText('已记录决定').first().waitFor()
        const after = (await apiGet(page, `/api/ledger/rounds/${rr.id}/review?state=decided`)).body.total
        assert.equal(after, before + 1, 'one more decided pair')
      }
    }

    // diff 1 → 3: three tabs with counts
    const diff = (await apiGet(page, `/api/ledger/rounds/${r1.id}/diff?to=${r3.id}`)).body
    await page.goto(`/ledger/rounds/${r3.id}?tab=diff&to=${r1.id}`)
    await page.getByTestId('diff').waitFor()
    for (const [label, n] of [['新增', diff.counts.added], ['剔除（原因）', diff.counts.removed], ['变更', diff.counts.changed]]) {
      await page.getByRole('tab', { name: `${label} (${n})` }).waitFor()
    }
    await page.getByRole('tab', { name: /剔除（原因）/ }).click()
    if (diff.counts.removed) await page.getByTestId('diff-removed').getByText(diff.removed[0].reason).first().waitFor()
    await shot(page, 'round-diff')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('rounds fit a phone: no page-wide horizontal scroll', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  try {
    await loginAs(b.page, 'city')
    await b.page.goto('/ledger/rounds')
    await b.page.getByTestId('rounds-table').locator('a').first().waitFor()
    const wide = await b.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
    assert.equal(wide, false)
    await shot(b.page, 'rounds-phone')
    await b.page.getByTestId('rounds-table').locator('a').first().click()
    await b.page.getByTestId('entities-table').locator('tbody tr').first().waitFor()
    assert.equal(await b.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false)
    await shot(b.page, 'round-phone')
  } finally { await b.close() }
})
