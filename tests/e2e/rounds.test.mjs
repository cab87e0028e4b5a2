// Ledger rounds: the city office opens the rounds, round 3 and its enterprises
// (with an enterprise's lineage; sorted by the server; exported as xlsx),
// decides one review pair with the keyboard (or sees the empty queue), and
// compares round 1 with round 3 (one kind of difference at a time, exported).
// On a phone the enterprise, diff and review tables are card lists.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { openBrowser, downloadXlsx, loginAs, apiGet, shot, texts, until, USERS, PHONE } from './lib.mjs'

const nums = (v) => v.map((x) => Number(x.replace(/[^\d]/g, '')))
/** The numbers in these cells once the table shows them in order (the new answer rendered). */
async function sortedNums(loc, desc) {
  const ok = (v) => v.length > 1 && v.every((x, i) => i === 0 || (desc ? v[i - 1] >= x : v[i - 1] <= x))
  return nums(await texts(loc, (t) => ok(nums(t)), `cells in ${desc ? 'descending' : 'ascending'} order`))
}

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
    await ents.locator('.ent-row').first().waitFor()
    assert.ok(await ents.locator('.ent-row').count() > 0, 'round 3 lists enterprises')
    await ents.locator('.ent-row').first().getByRole('button').first().click()
    const dlg = page.getByTestId('entity-dialog')
    await dlg.getByTestId('lineage-table').locator('tbody tr').first().waitFor()
    await page.keyboard.press('Escape')
    await dlg.waitFor({ state: 'hidden' })
    await shot(page, 'round')

    // sorted by the server: head count ascending, then descending (the URL keeps it)
    const empCells = ents.locator('.ent-row td:nth-child(6)')
    const head = ents.locator('thead th', { hasText: '从业人数' })
    await Promise.all([page.waitForResponse((r) => /[?&]sort=employees\b/.test(r.url()) && r.ok()), head.click()])
    await page.waitForURL(/sort=employees/)
    let v = await sortedNums(empCells, false)
    assert.deepEqual(v, [...v].sort((a, b) => a - b), 'ascending head counts')
    await Promise.all([page.waitForResponse((r) => /[?&]sort=-employees\b/.test(r.url()) && r.ok()), head.click()])
    v = await sortedNums(empCells, true)
    assert.deepEqual(v, [...v].sort((a, b) => b - a), 'descending head counts')
    // filtered by the server: the removed ones carry their reason
    await Promise.all([page.waitForResponse((r) => /[?&]removed=1\b/.test(r.url()) && r.ok()),
      page.getByTestId('removed-filter').getByText('已剔除').click()])
    await ents.locator('.ent-row').first().getByText(/僵尸企业|未/).first().waitFor()
    // the same filtered, sorted list as Excel
    assert.match(await page.getByTestId('export-xlsx').getAttribute('href'), /removed=1.*format=xlsx|format=xlsx.*removed=1/)
    await downloadXlsx(page, page.getByTestId('export-xlsx'))
    // the empty state of a search, and the error state of a round that does not exist
    await page.getByTestId('round-search').fill(`没有这家企业${Date.now()}`)
    await ents.getByText('没有符合条件的记录').waitFor()
    // (the server's own words for an unknown round: its scope check answers before the handler)
    await page.goto('/ledger/rounds/99999')
    await page.getByTestId('entities-error').getByText(/没有编号为 99999 的轮次|未找到|不存在/).waitFor()
    await page.getByTestId('entities-error').getByRole('button', { name: '重试' }).waitFor()
    await page.goto(`/ledger/rounds/${r3.id}`)

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
        await shot(page, 'review-explain')
        await page.keyboard.press('Escape')
        await page.getByTestId('explain-text').waitFor({ state: 'hidden' })
        await shot(page, 'review')
        await page.keyboard.press('n')
        await page.getByText('已记录决定').first().waitFor()
        const after = (await apiGet(page, `/api/ledger/rounds/${rr.id}/review?state=decided`)).body.total
        assert.equal(after, before + 1, 'one more decided pair')
      }
    }

    // diff 1 → 3: three kinds with their counts, one list at a time, paged and exported
    const diff = (await apiGet(page, `/api/ledger/rounds/${r1.id}/diff?to=${r3.id}`)).body
    await page.goto(`/ledger/rounds/${r3.id}?tab=diff&to=${r1.id}`)
    await page.getByTestId('diff').waitFor()
    for (const [k, label] of [['added', '新增'], ['removed', '剔除（原因）'], ['changed', '变更']]) {
      await page.getByTestId(`diff-kind-${k}`).getByText(`${label} (${diff.counts[k]})`).waitFor()
    }
    await Promise.all([page.waitForResponse((r) => /\/diff\?.*list=removed/.test(r.url()) && r.ok()),
      page.getByTestId('diff-kind-removed').click()])
    if (diff.counts.removed) await page.getByTestId('diff-removed').getByText(diff.removed[0].reason).first().waitFor()
    await shot(page, 'round-diff')
    await Promise.all([page.waitForResponse((r) => /\/diff\?.*list=changed/.test(r.url()) && r.ok()),
      page.getByTestId('diff-kind-changed').click()])
    if (diff.counts.changed) {
      // the list's testid follows the kind at once; its rows follow the answer
      const rows = page.getByTestId('diff-changed').locator('.diff-row')
      await until(async () => (await rows.count()) === Math.min(20, diff.counts.changed), 'one page of changes')
      await downloadXlsx(page, page.getByTestId('export-xlsx'))
    }
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('rounds fit a phone: card lists for enterprises, diff and review', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page } = b
  const fits = async () => assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false, 'no page-wide horizontal scroll')
  try {
    await loginAs(page, 'city')
    await page.goto('/ledger/rounds')
    await page.getByTestId('rounds-table').locator('a').first().waitFor()
    await fits()
    await shot(page, 'rounds-phone')
    const rounds = (await apiGet(page, '/api/ledger/rounds')).body.items
    const r1 = rounds.find((r) => r.number === 1), r3 = rounds.find((r) => r.number === 3)
    await page.goto(`/ledger/rounds/${r3.id}`)
    const card = page.locator('[data-testid="entities-table"] li.ent-row')
    await card.first().waitFor()
    assert.equal(await page.locator('[data-testid="entities-table"] table').count(), 0, 'enterprises are cards, not a table')
    await fits()
    await shot(page, 'round-phone')
    // no column headers on a phone: the sort select asks the server instead
    // Under load the dropdown can close again (or the click land while it still moves) before the
    // option takes: open and pick again until the server has been asked for that order.
    let asked = false
    page.on('response', (r) => { if (/[?&]sort=-employees\b/.test(r.url()) && r.ok()) asked = true })
    const option = page.locator('.el-select-dropdown__item:visible', { hasText: '从业人数 ↓' })
    await until(async () => {
      if (asked) return true
      if (!(await option.count())) await page.getByTestId('sort-select').click()
      await option.first().click({ timeout: 5000 }).catch(() => {})
      await page.waitForResponse((r) => /[?&]sort=-employees\b/.test(r.url()), { timeout: 5000 }).catch(() => {})
      return asked
    }, 'the list asked for head count, descending')
    const v = await sortedNums(card.locator('.emp'), true)
    assert.deepEqual(v, [...v].sort((a, b) => b - a), 'cards by head count, descending')

    await page.goto(`/ledger/rounds/${r3.id}?tab=diff&to=${r1.id}`)
    await page.locator('[data-testid="diff-added"] li.diff-row').first().waitFor()
    await fits()
    await shot(page, 'round-diff-phone')

    const rr = rounds.find((r) => r.review > 0)
    if (rr) {
      await page.goto(`/ledger/rounds/${rr.id}?tab=review`)
      const pair = page.getByTestId('review-pair'), empty = page.getByTestId('review-empty')
      await pair.or(empty).first().waitFor()
      if (await empty.isVisible()) { // decided on the desktop already: show the decided pairs
        await page.getByTestId('review-state').click()
        await page.getByRole('option', { name: '全部' }).click()
      }
      await pair.locator('li.fcard').first().waitFor()
      assert.ok(await pair.locator('li.fcard.diff').count() > 0, 'differing fields are highlighted on the cards')
      await fits()
      await shot(page, 'review-phone')
    }
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('the rounds list sorts on the server and exports as xlsx', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser()
  try {
    const { page } = b
    await loginAs(page, 'city')
    await page.goto('/ledger/rounds')
    const table = page.getByTestId('rounds-table')
    await table.locator('tbody tr').first().waitFor()
    // sort by 企业 (enterprises), largest first: the URL keeps it and the rows follow the server's order
    const header = table.locator('th').filter({ hasText: /^企业$/ })
    await header.click()
    await page.waitForURL(/sort=entities/)
    await header.click()
    await page.waitForURL(/sort=-entities/)
    const api = await apiGet(page, '/api/ledger/rounds?sort=-entities')
    await page.waitForFunction((first) => {
      const c = document.querySelector('[data-testid="rounds-table"] tbody tr td:nth-child(5)')
      return c && c.textContent.replace(/[^\d]/g, '') === String(first)
    }, api.body.items[0].entities)
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()])
    const file = await dl.path()
    assert.equal(fs.readFileSync(file).subarray(0, 2).toString('latin1'), 'PK')
    assert.match(await page.getByTestId('export-xlsx').getAttribute('href'), /sort=-entities.*format=xlsx|format=xlsx.*sort=-entities/)
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})
