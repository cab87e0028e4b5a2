// Content pre-review (内容预审, issue 19) in the browser.  (The file is not review.test.mjs: that name is the
// ledger's review queue.)  The spec adds to the run's database an investor account of the demo's enterprise
// with a review group and an account for one of its group's members.  At 1440 px the investor opens 内容预审:
// the group, the checklist and the queue; submits a game version with a link and a screenshot, lands on the
// item and assigns the reviewer, who hands in the findings (through the API: their phone is the next test);
// the investor decides 不通过 with a reason from the checklist and the item shows 已决定 with it.  At 390 px
// the reviewer opens 我的审核, an item assigned to them, is told what is missing when handing in early, marks
// every entry (one issue, where it is) and hands it in, scrolling only up and down.  The city's figures page
// shows the counts and none of the content; the item's and the review's pages are checked by axe.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { openBrowser, loginAs, apiAs, shot, until, toastSeen, stillness, AXE_PATH, USERS, PHONE } from './lib.mjs'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
function sql(q) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 20000', '-separator', '|', path.join(process.env.E2E_STATE, 'ejia.db'), q], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${q}: ${r.stderr}`)
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'))
}
function addUser(username, role, scope) {
  const pass = `E2e-${Math.random().toString(16).slice(2, 10)}-Pw!`
  const args = ['user', 'add', '--db', path.join(process.env.E2E_STATE, 'ejia.db'), '--username', username, '--role', role]
  if (scope) args.push('--scope', scope)
  const u = spawnSync(process.env.E2E_EJIA || path.join(ROOT, 'ejia'), args, { input: pass + '\n', encoding: 'utf8' })
  if (u.status !== 0) throw new Error(`ejia user add ${username}: ${u.stderr}`)
  return { username, password: pass }
}
/** The demo's enterprise with a review group (the demo investor's): an investor account of it, and an
 *  account for a member of its group (who has none) to review with.  Made once per run. */
let made = null
function setup() {
  if (made) return made
  const [[ent]] = sql("SELECT enterprise_id FROM review_group ORDER BY id LIMIT 1")
  const [[pid, name]] = sql(`SELECT m.person_id, m.name FROM review_member m JOIN review_group g ON g.id = m.group_id JOIN person p ON p.id = m.person_id WHERE g.enterprise_id = ${ent} AND m.to_day IS NULL AND p.user_id IS NULL ORDER BY m.id LIMIT 1`)
  USERS.rv_investor = addUser('e2e_rv_investor', 'investor', ent)
  USERS.rv_reviewer = addUser('e2e_rv_reviewer', 'member')
  sql(`UPDATE person SET user_id = (SELECT id FROM users WHERE username = 'e2e_rv_reviewer') WHERE id = ${pid}`)
  made = { ent: Number(ent), person: Number(pid), name }
  return made
}

/** No serious or critical axe-core finding (WCAG 2 A and AA) on the settled page (as a11y.test.mjs). */
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

const WIDE = { width: 1440, height: 900 }
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const chinaDay = (offsetDays = 0) => new Date(Date.now() + 8 * 3600 * 1000 + offsetDays * 86400000).toISOString().slice(0, 10)
const tag = Math.random().toString(16).slice(2, 8)

/** The enterprise's review page and the reviewer's row in its group. */
async function demoGroup(inv) {
  const m = setup()
  const ents = (await inv.get('/api/review/enterprises')).body.items
  assert.deepEqual(ents.map((x) => x.id), [m.ent], 'the investor does the content review of their enterprise')
  const ent = (await inv.get(`/api/review-enterprises/${m.ent}`)).body
  assert.ok(ent.group, 'the demo sets up a review group')
  const lin = ent.group.members.find((x) => x.person_id === m.person && !x.to_day)
  assert.ok(lin && lin.has_account, 'the reviewer is in the group, with an account')
  return { ent, lin }
}

test('an item from submission to decision (1440)', { skip: !process.env.E2E_STATE && 'needs the run\'s database' }, async () => {
  setup()
  const inv = await apiAs('rv_investor')
  const { lin } = await demoGroup(inv)
  const b = await openBrowser({ viewport: WIDE, bypassCSP: true })
  try {
    const { page } = b
    await loginAs(page, 'rv_investor')
    await page.locator('[data-menu="prereview"]').first().click()
    await page.getByTestId('prereview-group').waitFor()
    await until(async () => (await page.getByTestId('group-member').allInnerTexts()).some((x) => x.includes(lin.name)), 'the group lists the reviewer')
    assert.ok(await page.getByTestId('prereview-item').count() >= 3, 'the demo items are in the queue')
    await shot(page, 'prereview-queue-1440')
    // submit a game version with a link and a screenshot
    const title = `《环海奇缘》E2E ${tag} 版本`
    await page.getByTestId('item-new').click()
    await page.getByTestId('item-title').fill(title)
    await page.getByTestId('item-description').fill('新增节日活动')
    await page.getByTestId('item-links').fill('https://example.com/e2e/build')
    const date = page.getByTestId('item-form').locator('.el-date-editor input')
    await date.fill(chinaDay(3))
    await date.press('Enter')
    await page.getByTestId('item-file').setInputFiles({ name: '截图.png', mimeType: 'image/png', buffer: PNG })
    await page.getByTestId('item-submit').click()
    await until(async () => (await page.getByTestId('item-heading').count()) && (await page.getByTestId('item-heading').innerText()) === title, 'the item page opens')
    assert.equal(await page.getByTestId('item-state').innerText(), '待分配')
    assert.match(await page.getByTestId('item-files').innerText(), /截图\.png/)
    const id = Number(page.url().match(/items\/(\d+)/)[1])
    // assign the reviewer
    await page.getByTestId('item-assign').click()
    await page.locator('.el-select-dropdown__item', { hasText: lin.name }).last().click()
    await page.keyboard.press('Escape')
    await page.getByTestId('item-assign-go').click()
    await until(async () => (await page.getByTestId('item-state').innerText()) === '审核中', 'the item is under review')
    await until(() => toastSeen(page, '已指派审核人'), 'the toast')
    // the reviewer hands in the findings (their phone is the next test): every entry passes but the map
    const mem = await apiAs('rv_reviewer')
    const asg = (await mem.get('/api/review/mine')).body.items.find((x) => x.item_id === id)
    assert.ok(asg, 'the item is in the reviewer\'s 我的审核')
    const a = (await mem.get(`/api/review-assignments/${asg.id}`)).body
    const findings = a.item.checklist.checks.map((k) => k.category === 'map' ? { check_id: k.id, result: 'issue', note: '地图缺南海诸岛' } : { check_id: k.id, result: 'pass' })
    const h = await mem.post(`/api/review-assignments/${asg.id}/findings`, { findings, done: true })
    assert.equal(h.status, 200, JSON.stringify(h.body))
    // the decision: 不通过, the map entry as the reason
    await page.reload()
    await page.getByTestId('item-decide').waitFor()
    assert.match(await page.getByTestId('item-reviewers').innerText(), /地图缺南海诸岛/)
    await page.getByTestId('decide-decision').getByText('不通过').click()
    const mapTitle = a.item.checklist.checks.find((k) => k.category === 'map').title
    await page.getByTestId('decide-reasons').getByText(mapTitle).click()
    await page.getByTestId('item-decide').locator('textarea').fill('地图改用标准地图后重新送审')
    await page.getByTestId('decide-go').click()
    await until(async () => (await page.getByTestId('item-state').innerText()) === '已决定', 'the item is decided')
    assert.equal(await page.getByTestId('item-decision').innerText(), '不通过')
    assert.match(await page.getByTestId('item-reasons').innerText(), new RegExp(mapTitle))
    await shot(page, 'prereview-item-1440')
    await axeClean(b, 'content review item 1440')
    const it = (await inv.get(`/api/review-items/${id}`)).body
    assert.equal(it.decision, 'reject')
    assert.equal(lin.person_id, it.reviewers[0].person_id)
  } finally { await b.close() }
})

test('a reviewer records findings at 390 px (我的审核)', { skip: !process.env.E2E_STATE && 'needs the run\'s database' }, async () => {
  setup()
  const inv = await apiAs('rv_investor')
  const { ent, lin } = await demoGroup(inv)
  const title = `“鹭岛”E2E ${tag} 推文`
  const made = await inv.post(`/api/review-enterprises/${ent.enterprise_id}/items`, { kind: 'article', title, deadline: chinaDay(2) })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  assert.equal((await inv.post(`/api/review-items/${made.body.id}/assign`, { person_ids: [lin.person_id] })).status, 200)
  const b = await openBrowser({ viewport: PHONE, bypassCSP: true })
  try {
    const { page } = b
    await loginAs(page, 'rv_reviewer')
    await page.goto('/me/review')
    const row = page.getByTestId('my-review').filter({ hasText: title })
    await row.waitFor()
    assert.ok(await noHScroll(page), 'no sideways scrolling on 我的审核')
    await shot(page, 'my-reviews-390')
    await row.locator('a').click()
    await until(async () => (await page.getByTestId('review-title').count()) && (await page.getByTestId('review-title').innerText()) === title, 'the item opens')
    const checks = page.getByTestId('review-check')
    await checks.first().waitFor()
    const n = await checks.count()
    assert.ok(n >= 6, `the checklist's entries are listed: ${await page.locator('body').innerText()}`)
    // handing in with entries left empty is refused, with the reason
    await page.getByTestId('review-hand').click()
    await until(async () => /没有填写审核意见/.test(await page.getByTestId('review-checks').innerText()), 'the refusal says what is missing')
    for (let i = 0; i < n; i++) {
      const c = checks.nth(i)
      await c.getByText(i === 1 ? '有问题' : '无问题').click()
    }
    await page.getByTestId('review-note').fill('第三段年份有误，应为 1981 年')
    assert.ok(await noHScroll(page), 'no sideways scrolling while recording')
    await page.getByTestId('review-hand').click()
    await until(async () => (await page.getByTestId('review-state').innerText()) === '已提交', 'the findings are handed in')
    await until(() => toastSeen(page, '审核意见已提交'), 'the toast')
    assert.equal(await page.getByTestId('review-save').count(), 0, 'nothing more to edit')
    await shot(page, 'my-review-390')
    await axeClean(b, 'my review 390')
    const it = (await inv.get(`/api/review-items/${made.body.id}`)).body
    assert.ok(it.reviewers[0].done_at)
    assert.equal(it.reviewers[0].findings.filter((f) => f.result === 'issue').length, 1)
  } finally { await b.close() }
})

test('the city sees the figures, not the content', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: WIDE, bypassCSP: true })
  try {
    const { page } = b
    await loginAs(page, 'city')
    await page.goto('/review/figures')
    await page.getByTestId('figures-summary').waitFor()
    await page.getByTestId('figures-table').waitFor()
    const body = await page.locator('body').innerText()
    assert.doesNotMatch(body, /环海奇缘|鹭岛/, 'no title reaches the city')
    assert.match(body, /用时中位数/)
    await shot(page, 'prereview-figures-1440')
    const item = (await (await apiAs('city')).get('/api/review-items/1'))
    assert.equal(item.status, 404)
  } finally { await b.close() }
})
