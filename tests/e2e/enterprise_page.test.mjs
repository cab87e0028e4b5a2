// enterprise_page — 本企业 (issue 19) in the browser, phone first (390 px) and at 1440: the investor
// sees their enterprise, today's coverage, each covering organization's star level and points this
// year, the enterprise's content pre-review figures — the numbers the one page route gives
// (GET /api/enterprises/{id}/page) — and goes from here to 我要入党.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const fmt = (h) => (Math.round(Number(h || 0)) / 100).toLocaleString('zh-CN')

for (const [label, viewport] of [['390', PHONE], ['1440', WIDE]]) {
  test(`an investor's 本企业: coverage today, points and stars, review figures, apply (${label})`, { skip: !USERS.investor && 'no investor user' }, async () => {
    const inv = await apiAs('investor')
    const e = (await inv.get('/api/me/enterprise')).body.enterprise
    const p = (await inv.get(`/api/enterprises/${e.id}/page`)).body
    assert.ok(p.orgs.length > 0, 'the demo investor is covered')
    const b = await openBrowser({ viewport })
    const { page } = b
    try {
      await loginAs(page, 'investor')
      await page.goto('/enterprise')
      await page.getByTestId('ent-name').filter({ hasText: e.name }).waitFor()
      const card = page.getByTestId('ent-points')
      await card.waitFor()
      assert.match(await page.getByTestId('ent-asof').innerText(), new RegExp(`截至 ${p.as_of}`))
      const rows = card.getByTestId('ent-org-points')
      assert.equal(await rows.count(), p.orgs.length)
      for (let i = 0; i < p.orgs.length; i++) {
        const o = p.orgs[i], row = rows.nth(i)
        assert.match(await row.innerText(), new RegExp(o.org_name.replace(/[()（）]/g, '.')))
        assert.equal((await row.getByTestId('ent-stars').innerText()).trim(), o.star_level ? '★'.repeat(o.star_level) : '未评星')
        assert.equal((await row.getByTestId('ent-points-value').innerText()).trim(), fmt(o.points_hundredths))
      }
      assert.equal((await page.getByTestId('ent-review-items').innerText()).trim(), String(p.review.items))
      assert.ok(await noHScroll(page), 'no sideways scrolling')
      await shot(page, `my-enterprise-page-${label}`)
      // 申请入党 from here
      await page.getByTestId('ent-apply-link').click()
      await page.waitForURL(/\/develop\/apply$/)
      assert.deepEqual(b.problems, [])
    } finally { await b.close() }
  })
}
