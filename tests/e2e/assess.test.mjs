// 责任考核 in the browser, on the demo's assessments (last year published, this year a draft).
// The city, at 1440 px, opens the page from the menu, reads how scores are computed (linear
// between floor and target; the weights renormalised over the criteria with a figure, the points
// criterion named as not available), finds 思明区's total and figures as the API gives them,
// follows a figure's link to the coverage page filtered to the district and the day, computes
// the draft again, exports the results, then opens an earlier year through the dialog, confirms
// and publishes it.  A district office, on a 390 px phone, sees only published years and only its
// own card, which fits the screen.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, downloadXlsx, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

test('the city reads, recomputes, exports, opens, confirms and publishes at 1440 px', { skip: !USERS.city && 'no city user' }, async () => {
  const api = await apiAs('city')
  const list = (await api.get('/api/assessments')).body
  const draft = list.items.find((x) => x.state === 'draft')
  assert.ok(draft, 'the demo has a draft for this year')
  const want = (await api.get(`/api/assessments/${draft.id}`)).body
  const sm = want.rows.find((r) => r.unit_code === '350203')
  const b = await openBrowser({ viewport: WIDE })
  try {
    const { page } = b
    await loginAs(page, 'city')
    await page.getByTestId('side-menu').locator('[data-menu="assess"]').first().click()
    await page.waitForURL(/\/assess$/)
    await page.getByRole('heading', { level: 1, name: '责任考核' }).waitFor()
    await until(async () => (await page.getByTestId('assess-state').count()) === 1, 'the newest year chosen')
    assert.equal((await page.getByTestId('assess-state').innerText()).trim(), '草稿')
    // how a figure becomes a score, and what happens to a criterion with no figure
    const rules = page.getByTestId('assess-rules')
    assert.match(await rules.innerText(), /不高于下限得 0 分，达到目标得 100 分/)
    assert.match(await page.getByTestId('assess-renorm').innerText(), /没有数据时[\s\S]*权重按比例放大/)
    // 思明区's card: total and the coverage figure as computed
    const card = page.locator('[data-testid="assess-unit"][data-code="350203"]')
    await card.waitFor()
    assert.match(await card.getByTestId('assess-total').innerText(), new RegExp(sm.total.toFixed(2).replace('.', '\\.')))
    const cov = sm.figures.find((f) => f.key === 'coverage')
    const covRow = card.locator('tr[data-key="coverage"]')
    assert.match(await covRow.innerText(), new RegExp(`${cov.value.toFixed(1).replace('.', '\\.')}%`))
    // points: the district's organizations' points from the ledger, shown as computed
    const pf = sm.figures.find((f) => f.key === 'points')
    assert.match(await card.locator('tr[data-key="points"]').innerText(), pf.available ? new RegExp(`${pf.value.toFixed(1).replace('.', '\\.')}%`) : /积分/)
    await shot(page, 'assess-desktop')
    // the records behind the figure: the coverage page, filtered to the district and the day
    await covRow.getByTestId('assess-link').click()
    await page.waitForURL(new RegExp(`/coverage\\?district=350203&date=${want.as_of}`))
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.goBack()
    await page.waitForURL(/\/assess$/)
    // compute the draft again
    await page.getByTestId('assess-recompute').click()
    await until(() => toastSeen(page, '已按当前数据重新计算'), 'the recompute toast')
    await downloadXlsx(page, page.getByTestId('export-xlsx').first())
    // parks
    await page.getByTestId('assess-kind-park').click()
    await page.locator('[data-testid="assess-unit"][data-code="P0002"]').waitFor()
    // an earlier year: open, confirm, publish
    const have = new Set((await api.get('/api/assessments')).body.items.map((x) => x.year))
    let year = draft.year
    while (have.has(year)) year--
    await page.getByTestId('assess-open').click()
    const dlg = page.getByTestId('assess-open-dialog')
    await dlg.waitFor()
    await page.getByTestId('assess-open-year').locator('input').fill(String(year))
    await page.getByTestId('assess-open-submit').click()
    await until(() => toastSeen(page, `${year} 年度责任考核已开启`), 'the opened toast')
    await until(async () => (await page.getByTestId('assess-year').innerText()).includes(`${year} 年度`), 'the new year chosen')
    await page.getByTestId('assess-confirm').click()
    await until(() => toastSeen(page, `${year} 年度考核结果已确认`), 'the confirmed toast')
    await page.getByTestId('assess-publish').click()
    await page.locator('.el-message-box').getByRole('button', { name: '发布' }).click()
    await until(() => toastSeen(page, `${year} 年度考核结果已发布`), 'the published toast')
    // the toast comes before the page has read the year back: wait for the state, not a fixed time
    await until(async () => (await page.getByTestId('assess-state').innerText()).trim() === '已发布', 'the state 已发布')
    assert.equal(await page.getByTestId('assess-recompute').count(), 0)
    await shot(page, 'assess-published-desktop')
  } finally { await b.close() }
})

test('a district office sees only its own published results on a 390 px phone', { skip: !USERS.district && 'no district user' }, async () => {
  const api = await apiAs('district')
  const mine = (await api.get('/api/assessments')).body.items
  assert.ok(mine.length >= 1 && mine.every((x) => x.state === 'published'), JSON.stringify(mine))
  const b = await openBrowser({ viewport: PHONE })
  try {
    const { page } = b
    await loginAs(page, 'district')
    await page.goto('/assess')
    await page.getByRole('heading', { level: 1, name: '责任考核' }).waitFor()
    const cards = page.getByTestId('assess-unit')
    await cards.first().waitFor()
    assert.equal(await cards.count(), 1)
    assert.equal(await cards.first().getAttribute('data-code'), '350203')
    assert.equal(await page.getByTestId('assess-open').count(), 0)
    assert.equal(await page.getByTestId('assess-recompute').count(), 0)
    assert.equal((await page.getByTestId('assess-state').innerText()).trim(), '已发布')
    assert.equal(await cards.first().getByTestId('assess-figure').count(), 6)
    assert.ok(await noHScroll(page), 'the card fits the phone')
    await shot(page, 'assess-phone')
  } finally { await b.close() }
})
