// 企业名录 in the browser (issue 23, the register's "done when"): the city office opens 企业名录 at
// 1440 px, imports the market regulator's monthly registrations (a CSV as offices receive it: a new
// internet enterprise founded ten days ago, a restaurant), sees the proposals (the demo's and the new
// one), refuses one with a reason and accepts the new enterprise — in the register from its 成立日期;
// its page shows what the formation rules ask (选派指导员: no members known), then, its three party
// members entered, 应建未建 — the rule findings list it as new, 单独组建 there forms its branch through
// the existing organization pages; the coverage trend counts it from its day.  Then its page on a
// 390 px phone: the history of events, nothing wider than the screen.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiGet, shot, until, toastSeen, stillness, AXE_PATH, USERS, PHONE } from './lib.mjs'
import { uscc, body, feedCsv } from '../api/regfeed.mjs'

const WIDE = { width: 1440, height: 900 }
const dayOf = (t) => new Date(t + 8 * 3600 * 1000).toISOString().slice(0, 10)
const addDays = (day, n) => new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10)
const TODAY = dayOf(Date.now())
const FOUNDED = addDays(TODAY, -10)
const NAME = '厦门星河互动网络科技有限公司'
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

async function axeClean(b, what) {
  const { page } = b
  await b.ready()
  await page.waitForFunction(() => !document.querySelector('.el-message'))
  await stillness(page)
  await page.addScriptTag({ path: AXE_PATH })
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  assert.deepEqual(res.filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], `${what}: serious accessibility problems`)
}

const feed = () => feedCsv([
  { uscc: uscc('91350203', body(901)), name: NAME, founded: FOUNDED, state: '存续', scope: '互联网信息服务；网络游戏开发；软件开发',
    address: '厦门市思明区软件园二期观日路52号301室', industry: '互联网和相关服务' },
  { uscc: uscc('92350203', body(902)), name: '厦门鹭岛茶餐厅', founded: FOUNDED, state: '存续', scope: '餐饮服务',
    address: '厦门市思明区中山路12号', industry: '餐饮业' },
], { title: '厦门市市场监督管理局 企业登记信息' })

test('a feed imported, the new enterprise accepted, formed and counted (1440 px, then its page at 390 px)',
  { skip: !USERS.city && 'needs the city user' }, async () => {
    const b = await openBrowser({ viewport: WIDE, bypassCSP: true })
    const ph = await openBrowser({ viewport: PHONE, bypassCSP: true })
    try {
      const { page } = b
      await loginAs(page, 'city')
      await page.getByTestId('side-menu').locator('[data-menu="register"]').first().click()
      await page.waitForURL(/\/register/)
      await page.getByRole('heading', { level: 1, name: '企业名录维护' }).waitFor()
      await page.getByTestId('register-table').waitFor()
      await shot(page, 'register-list-1440')
      await axeClean(b, 'register list 1440')

      // the feed: uploaded, matched, proposed
      await page.getByRole('tab', { name: '市场监管登记数据' }).click()
      await page.getByTestId('register-upload').locator('input[type=file]')
        .setInputFiles({ name: '2026年企业登记.csv', mimeType: 'text/csv', buffer: Buffer.from(feed()) })
      const result = page.getByTestId('register-feed-result')
      await result.waitFor()
      assert.match(await result.innerText(), /“2026年企业登记\.csv”：2 行，名录中找到 0 家，生成 1 条建议，其余 1 行无须处理/)
      const props = page.getByTestId('register-props')
      const row = props.locator('tr.register-prop', { hasText: NAME })
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(`新增[\\s\\S]*${FOUNDED}[\\s\\S]*思明区[\\s\\S]*属互联网企业`))
      assert.equal(await props.locator('tr.register-prop', { hasText: '茶餐厅' }).count(), 0, 'the restaurant is not proposed')

      // one of the demo's proposals refused with a reason
      const demoRow = props.locator('tr.register-prop', { hasText: '更名' }).first()
      await demoRow.getByTestId('register-refuse').click()
      const rf = page.getByTestId('register-refuse-form')
      await rf.waitFor()
      await rf.getByTestId('register-refuse-reason').fill('更名尚未核实')
      await rf.getByTestId('register-refuse-save').click()
      await until(() => toastSeen(page, '已拒绝：'), 'the refusal (its message)')

      // the new one accepted
      await row.getByTestId('register-accept').click()
      await until(() => toastSeen(page, `已采纳：${NAME}`), 'the acceptance (its message)')
      await until(async () => (await props.locator('tr.register-prop', { hasText: NAME }).count()) === 0, 'no longer pending')
      await shot(page, 'register-feed-1440')
      await axeClean(b, 'register feed 1440')

      // its page: in the register from its 成立日期, the rules ask for an instructor (no members known)
      const ent = (await apiGet(page, `/api/register/enterprises?q=${encodeURIComponent(NAME)}`)).body.items[0]
      assert.equal(ent.reg_from, FOUNDED)
      await page.goto(`/register/enterprises/${ent.id}`)
      await page.getByRole('heading', { level: 1, name: NAME }).waitFor()
      await page.getByTestId('reg-ent-info').getByText(`自 ${FOUNDED} 纳入名录`).waitFor()
      await page.getByTestId('reg-ent-finding').filter({ hasText: '选派指导员' }).waitFor()

      // its three party members entered (a dated edit): the rules now want a branch of its own (应建必建)
      await page.goto('/register?q=' + encodeURIComponent('星河互动'))
      const line = page.getByTestId('register-table').locator('tr.register-row', { hasText: NAME })
      await line.waitFor()
      await line.getByTestId('register-edit').click()
      const form = page.getByTestId('register-form')
      await form.waitFor()
      await form.getByTestId('register-members').locator('input').fill('3')
      await form.getByTestId('register-save').click()
      await until(() => toastSeen(page, `已保存“${NAME}”的变动`), 'the edit (its message)')
      await page.goto(`/register/enterprises/${ent.id}`)
      await page.getByTestId('reg-ent-finding').filter({ hasText: '应建未建' }).waitFor()
      assert.equal(await page.getByTestId('reg-ent-event').count(), 2)

      // the rule findings list it as new; 单独组建 forms its branch through the organization pages
      await page.getByTestId('reg-ent-form-org').click()
      await page.waitForURL(/\/orgs\?.*tab=findings/)
      const fdRow = page.getByTestId('findings-ents').locator('tr', { hasText: NAME })
      await fdRow.waitFor()
      await fdRow.getByTestId('finding-new').filter({ hasText: `新登记 ${FOUNDED}` }).waitFor()
      await shot(page, 'register-findings-1440')
      await fdRow.getByRole('button', { name: '单独组建' }).click()
      const of = page.getByTestId('org-form')
      await of.waitFor()
      await of.getByTestId('of-name').fill('中共厦门星河互动网络科技有限公司支部委员会')
      await of.getByTestId('org-form-submit').click()
      await page.waitForURL(/\/orgs\/\d+/)
      await page.getByTestId('org-covers').getByText(NAME).first().waitFor()

      // covered now; the trend counts it from its day
      const tr = (await apiGet(page, `/api/coverage/trend?from=${addDays(FOUNDED, -30)}&to=${TODAY}&step=xun`)).body.points
      const last = tr.at(-1).rows[0], first = tr[0].rows[0]
      assert.equal(last.enterprises - first.enterprises >= 1, true, 'one more enterprise in the register at the end')
      const fig = (await apiGet(page, `/api/coverage?date=${TODAY}`)).body.rows[0]
      assert.equal(last.covered, fig.covered)
      assert.equal(last.enterprises, fig.enterprises)
      await page.goto(`/coverage?date=${TODAY}`)
      await stillness(page)
      await shot(page, 'register-coverage-1440')

      // its page on a phone: findings met, the history, nothing wider than the screen
      await loginAs(ph.page, 'city')
      await ph.page.goto(`/register/enterprises/${ent.id}`)
      await ph.page.getByRole('heading', { level: 1, name: NAME }).waitFor()
      await ph.page.getByTestId('reg-ent-findings-none').waitFor()
      await ph.page.getByTestId('reg-ent-covers').getByText('中共厦门星河互动网络科技有限公司支部委员会').waitFor()
      const kinds = await ph.page.getByTestId('reg-ent-event').evaluateAll((els) => els.map((e) => e.dataset.kind))
      assert.deepEqual(kinds, ['edited', 'created'])
      await ph.page.getByTestId('reg-ent-history').getByText('来自登记数据建议').waitFor()
      assert.ok(await noHScroll(ph.page), 'the page scrolls only up and down at 390 px')
      await shot(ph.page, 'register-enterprise-390')
      await axeClean(ph, 'register enterprise 390')
      assert.deepEqual(b.problems, [])
      assert.deepEqual(ph.problems, [])
    } finally {
      await b.close()
      await ph.close()
    }
  })
