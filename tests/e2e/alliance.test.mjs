// 党建联盟 in the browser (issue 23, "an alliance ... recorded and shown").  At 1440 px the
// district office (思明区) opens 党建联盟 from the menu: the demo's alliances led in its
// district, filtered by kind; it founds a new alliance with the form (the lead organization found
// by name), adds a member organization, records a joint activity and uploads its photo; the lead
// organization's page lists the alliance with a link to it.  At 390 px the park office
// (软件园二期) opens the page of the lead branch of the demo's 软件园二期 alliance, sees the
// section, follows it to the alliance's page (members as cards, the activities), scrolling only
// up and down.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, USERS, PHONE } from './lib.mjs'

const WIDE = { width: 1440, height: 900 }
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

/** Two 思明区 branches outside the parks that belong to no alliance (lead, member). */
async function freeBranches() {
  const api = await apiAs('district')
  const r = await api.get('/api/orgs?size=200')
  assert.equal(r.status, 200, JSON.stringify(r.body))
  const out = []
  for (const o of r.body.items) {
    if (o.kind !== '党支部' || o.park_code || o.dissolved_on || o.district_code !== '350203') continue
    const a = await api.get(`/api/orgs/${o.id}/alliances`)
    if (a.status === 200 && !a.body.items.length) out.push(o)
    if (out.length === 2) break
  }
  assert.equal(out.length, 2, 'two free branches of 思明区 in the demo data')
  return out
}

/** An organization picker (remote select over /api/orgs?q=): type the name, wait for its answer, choose it. */
async function pickOrg(page, testid, name) {
  const sel = page.getByTestId(testid)
  await sel.click()
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url())
    return u.pathname === '/api/orgs' && u.searchParams.get('q') === name
  })
  await sel.locator('input').fill(name)
  await answered
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: name }).first().click()
  await sel.locator('.el-select__selected-item').filter({ hasText: name }).first().waitFor()
}

test('the district office founds an alliance, adds a member, records a joint activity with its photo; the lead\'s page lists it (1440 px)',
  { skip: !USERS.district && 'needs the district user' }, async () => {
    const [lead, member] = await freeBranches()
    const { page, close, problems } = await openBrowser({ viewport: WIDE })
    try {
      await loginAs(page, 'district')
      await page.getByTestId('side-menu').locator('[data-menu="alliances"]').first().click()
      const rows = page.locator('[data-testid="alliances-table"] .alliance-row')
      await until(async () => (await rows.count()) === 2, 'the two alliances led in 思明区')
      await shot(page, 'alliances')
      // filtered by kind: the industry alliance of 软件园二期 alone
      await page.getByTestId('alliances-kind').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '行业' }).click()
      await until(async () => (await rows.count()) === 1, 'one industry alliance')
      assert.match(await rows.first().innerText(), /软件园二期/)

      // founded with the form: the server's day by default
      await page.getByTestId('alliance-create').click()
      const form = page.getByTestId('alliance-form')
      await form.waitFor()
      const name = `思明区结对共建联盟${Math.floor(Math.random() * 1e4)}`
      await page.getByTestId('al-name').fill(name)
      await page.getByTestId('al-kind').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '跨企业' }).click()
      await pickOrg(page, 'al-lead', lead.name)
      await page.getByTestId('al-desc').fill('园区外互联网企业党支部结对共建。')
      await page.getByTestId('al-save').click()
      await until(() => toastSeen(page, `已成立联盟“${name}”`), 'the toast')
      await page.waitForURL(/\/alliances\/\d+$/)
      await until(async () => (await page.getByTestId('alliance-title').innerText()) === name, 'the new alliance\'s page')
      const memberRows = page.locator('[data-testid="alliance-member-list"] .member-row')
      await until(async () => (await memberRows.count()) === 1, 'the lead alone')

      // a member organization joins today
      await page.getByTestId('alliance-add-member').click()
      await page.getByTestId('member-form').waitFor()
      await pickOrg(page, 'member-org', member.name)
      await page.getByTestId('member-save').click()
      await until(() => toastSeen(page, '已增加成员组织'), 'the toast')
      await until(async () => (await memberRows.count()) === 2, 'two members')
      assert.match(await page.getByTestId('alliance-members-count').innerText(), /成员 2 个/)

      // a joint activity: both members take part (preselected), 12 people
      await page.getByTestId('alliance-record').click()
      await page.getByTestId('activity-form').waitFor()
      await page.getByTestId('ac-topic').fill('结对共建主题党日')
      await page.getByTestId('ac-place').fill('思明区两新党群服务中心')
      await until(async () => (await page.getByTestId('ac-orgs').locator('.el-select__selected-item').count()) >= 2, 'the members of the day chosen')
      await page.locator('[data-testid="ac-attendance"] input, input[data-testid="ac-attendance"]').first().fill('12')
      await page.getByTestId('ac-content').fill('学习交流，签订结对共建协议。')
      await page.getByTestId('ac-save').click()
      await until(() => toastSeen(page, '已登记联合活动'), 'the toast')
      const activity = page.locator('[data-testid="alliance-activities"] .activity')
      await activity.first().waitFor()
      assert.match(await activity.first().innerText(), /结对共建主题党日[\s\S]*12 人参加/)
      // its photo
      await activity.first().getByTestId('activity-upload').click()
      await page.getByTestId('upload-form').waitFor()
      await page.getByTestId('up-file').setInputFiles({ name: '合影.png', mimeType: 'image/png', buffer: PNG })
      await page.getByTestId('up-save').click()
      await until(() => toastSeen(page, '已上传'), 'the toast')
      await activity.first().getByTestId('activity-files').getByText('活动照片：合影.png').waitFor()
      await shot(page, 'alliance')

      // the lead organization's page: the alliance listed, linked
      await page.getByRole('link', { name: lead.name }).first().click()
      const section = page.getByTestId('org-alliances')
      await section.locator('.card', { hasText: name }).waitFor()
      assert.match(await section.innerText(), /牵头组织/)
      await shot(page, 'org-alliances')
      await section.getByRole('link', { name }).click()
      await until(async () => (await page.getByTestId('alliance-title').innerText()) === name, 'back on the alliance\'s page')
      assert.deepEqual(problems, [])
    } finally { await close() }
  })

test('the park office sees the lead branch\'s alliances on its page and opens the alliance as cards (390 px)',
  { skip: !USERS.park && 'needs the park user' }, async () => {
    const api = await apiAs('park')
    const list = await api.get('/api/alliances')
    assert.equal(list.status, 200)
    const demo = list.body.items.find((x) => x.kind === '行业')
    assert.ok(demo, 'the demo\'s industry alliance of 软件园二期')
    const { page, close, problems } = await openBrowser({ viewport: PHONE })
    try {
      await loginAs(page, 'park')
      await page.goto(`/orgs/${demo.lead_org_id}`)
      const section = page.getByTestId('org-alliances')
      await section.locator('.card', { hasText: demo.name }).waitFor()
      await section.scrollIntoViewIfNeeded()
      assert.ok(await noHScroll(page), 'the organization\'s page scrolls only up and down')
      await shot(page, 'org-alliances-phone')
      await section.getByRole('link', { name: demo.name }).click()
      await until(async () => (await page.getByTestId('alliance-title').innerText()) === demo.name, 'the alliance\'s page')
      const cards = page.locator('[data-testid="alliance-member-list"] .card')
      await until(async () => (await cards.count()) === demo.members, 'the members of today as cards')
      await page.locator('[data-testid="alliance-activities"] .activity').first().waitFor()
      assert.equal(await page.locator('[data-testid="alliance-activities"] .activity').count(), demo.activities)
      assert.ok(await noHScroll(page), 'the alliance\'s page scrolls only up and down')
      await shot(page, 'alliance-phone')
      assert.deepEqual(problems, [])
    } finally { await close() }
  })
