// 流动党员 in the browser: a 思明区 branch secretary registers a member's outflow to a 湖里区 branch at
// 1440 px (the form's refusal under its field first; the receiving branch found city-wide by name);
// the 湖里区 secretary registers an inflow by ID number and name (one not in the registry refused,
// saying to register or transfer them) and, on a 390 px phone, sees both members flowing in, and the
// figures on the branch's page; the home secretary records the return and the list says 已返回.
// The phone pages scroll only up and down.  The spec makes its own secretaries and members.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, submitLogin, apiAs, shot, texts, until, toastSeen, USERS, BASE, PHONE } from './lib.mjs'

const DESK = { width: 1440, height: 900 }
const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const CH = '安柏晨丹枫歌海禾嘉锦岚林墨宁秋若松棠望溪'
const rndName = (head) => head + CH[Math.floor(Math.random() * CH.length)] + CH[Math.floor(Math.random() * CH.length)]

/** A user of a role and scope made by the city, its one-time password replaced: {username, password}. */
async function makeUser(role, scope) {
  const city = await apiAs('city')
  const username = `e2e_fl_${role.slice(0, 3)}_${Date.now() % 100000}${Math.floor(Math.random() * 100)}`
  const first = `Fl-${Math.random().toString(36).slice(2, 10)}-Aa1!`
  const r = await city.post('/api/users', { username, name: '流动测试', role, scope: String(scope), password: first })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const login = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: BASE }, body: JSON.stringify({ username, password: first }) })
  assert.equal(login.status, 200)
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const password = `Fl-${Math.random().toString(36).slice(2, 10)}-Bb2?`
  const ch = await fetch(`${BASE}/api/me/password`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: BASE, cookie }, body: JSON.stringify({ password: first, new_password: password }) })
  assert.equal(ch.status, 204, await ch.text())
  return { username, password }
}

async function setDay(page, id, day) {
  const input = page.locator(`#${id}`)
  await input.fill(day)
  await input.press('Enter')
  await page.waitForFunction(([i, d]) => document.querySelector(`#${i}`)?.value === d, [id, day])
  await page.locator('.el-picker__popper:visible').waitFor({ state: 'hidden' })
}

/** A remote select: type q, wait for the answer of its own search, click the option, see it chosen. */
async function pick(page, sel, apiPath, q, text) {
  await sel.click()
  const answered = page.waitForResponse((r) => {
    const u = new URL(r.url())
    return u.pathname === apiPath && u.searchParams.get('q') === q
  })
  await sel.locator('input').fill(q)
  await answered
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first().click()
  await sel.locator('.el-select__selected-item').filter({ hasText: text }).first().waitFor()
}

test('an outflow registered at 1440 px, the inflow seen by the receiving branch on a 390 px phone, the return recorded',
  { skip: !USERS.city && 'needs the city user' }, async () => {
    const city = await apiAs('city')
    const branch = async (d) => {
      const r = await city.get(`/api/orgs?district=${d}&kind=${encodeURIComponent('党支部')}&status=active&size=100`)
      assert.equal(r.status, 200)
      const o = r.body.items.find((x) => !x.dissolved_on && x.established_on && x.established_on <= '2019-01-01')
      assert.ok(o, `a 党支部 of ${d} set up before 2019`)
      return o
    }
    const orgA = await branch('350203'), orgH = await branch('350206')
    const secA = await makeUser('secretary', orgA.id), secH = await makeUser('secretary', orgH.id)
    const n = Math.floor(Math.random() * 1e6)
    const reg = async (name, body) => {
      const r = await city.post('/api/members', { name, id_number: id18(body), org_id: orgA.id, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01' })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      return r.body.member.id
    }
    const nameX = rndName('流出'), nameY = rndName('流入')
    const bodyX = `35020319870${1 + (n % 9)}1${n % 9}${String(n % 1000).padStart(3, '0')}`
    const bodyY = `35020319880${1 + (n % 9)}2${n % 9}${String((n + 7) % 1000).padStart(3, '0')}`
    const px = await reg(nameX, bodyX)
    await reg(nameY, bodyY)

    // ---- the home secretary registers the outflow at 1440 px ----
    const desk = await openBrowser({ viewport: DESK })
    try {
      const page = desk.page
      await page.goto('/login')
      await submitLogin(page, secA.username, secA.password)
      await page.getByTestId('scope').waitFor()
      await page.goto('/flows')
      await page.getByTestId('flow-out').click()
      const form = page.getByTestId('flow-form')
      await form.waitFor()
      // nothing chosen: the refusal under the member's field
      await form.getByTestId('flow-save').click()
      await texts(form.locator('.el-form-item__error'), (v) => v.some((x) => x.includes('党员')), 'the refusal under the member')
      await pick(page, form.getByTestId('flow-member'), '/api/members', nameX, nameX)
      await pick(page, form.getByTestId('flow-dest-org'), '/api/flows/orgs', orgH.name.slice(2, 10), orgH.name)
      await setDay(page, 'fl-from', '2026-03-01')
      await setDay(page, 'fl-expect', '2026-06-30')
      await form.getByTestId('flow-contact').fill('13912345678')
      await form.getByTestId('flow-save').click()
      await until(() => toastSeen(page, `已登记流出：${nameX}`), 'the outflow registered')
      const row = page.locator('.flow-row').filter({ hasText: nameX })
      await texts(row.getByTestId('flow-status'), (v) => v[0] === '逾期未返回', 'the row overdue (expected back 2026-06-30)')
      await texts(row, (v) => v[0].includes(orgH.name) && v[0].includes('139****5678'), 'managed by the receiving branch; the phone masked')
      await shot(page, 'flows-out-1440')
      assert.deepEqual(desk.problems, [])
    } finally { await desk.close() }

    // ---- the receiving secretary registers an inflow at 1440 px ----
    const deskH = await openBrowser({ viewport: DESK })
    try {
      const page = deskH.page
      await page.goto('/login')
      await submitLogin(page, secH.username, secH.password)
      await page.getByTestId('scope').waitFor()
      await page.goto('/flows')
      await page.getByTestId('flow-in').click()
      const form = page.getByTestId('flow-form')
      await form.waitFor()
      // someone the registry does not know: refused under the ID number, saying what to do
      await form.getByTestId('flow-id-number').fill(id18(`11010519800101${String(n % 1000).padStart(3, '0')}`))
      await form.getByTestId('flow-name').fill(nameY)
      await setDay(page, 'fl-from', '2026-04-01')
      await form.getByTestId('flow-save').click()
      await texts(form.locator('.el-form-item__error'), (v) => v.some((x) => x.includes('党员名册') && x.includes('转接')), 'the refusal under the ID number')
      await form.getByTestId('flow-id-number').fill(id18(bodyY))
      await form.getByTestId('flow-card').fill(`厦流${n}`)
      await form.getByTestId('flow-save').click()
      await until(() => toastSeen(page, `已登记流入：${nameY}`), 'the inflow registered')
      await page.locator('.flow-row').filter({ hasText: nameY }).waitFor()
      await shot(page, 'flows-in-1440')
      assert.deepEqual(deskH.problems, [])
    } finally { await deskH.close() }

    // ---- the receiving secretary on a phone: both flowing in, the figures on the branch's page ----
    const phone = await openBrowser({ viewport: PHONE })
    try {
      const page = phone.page
      await page.goto('/login')
      await submitLogin(page, secH.username, secH.password)
      await page.getByTestId('scope').waitFor()
      await page.goto('/flows?side=in')
      await texts(page.locator('.flow-row'), (v) => v.some((x) => x.includes(nameX)) && v.some((x) => x.includes(nameY)), 'both members flowing in')
      const x = page.locator('.flow-row').filter({ hasText: nameX })
      assert.equal(await x.getByTestId('flow-return').count(), 0, 'the managing side does not record the return')
      assert.ok(await noHScroll(page), 'the list scrolls only up and down')
      await shot(page, 'flows-in-390')
      await page.goto(`/orgs/${orgH.id}`)
      const inOpen = (await (await page.request.get(`/api/flows/counts?org_id=${orgH.id}`)).json()).in_open
      assert.ok(inOpen >= 2)
      await texts(page.getByTestId('org-flows-in'), (v) => Number(v[0]) === inOpen, 'the inflows on the branch\'s page')
      assert.ok(await noHScroll(page), 'the organization\'s page scrolls only up and down')
      await shot(page, 'org-flows-390')
      assert.deepEqual(phone.problems, [])
    } finally { await phone.close() }

    // ---- the home secretary records the return at 1440 px ----
    const back = await openBrowser({ viewport: DESK })
    try {
      const page = back.page
      await page.goto('/login')
      await submitLogin(page, secA.username, secA.password)
      await page.getByTestId('scope').waitFor()
      await page.goto(`/flows?side=out&q=${encodeURIComponent(nameX)}`)
      const row = page.locator('.flow-row').filter({ hasText: nameX })
      await row.getByTestId('flow-return').click()
      const form = page.getByTestId('flow-return-form')
      await form.waitFor()
      await form.getByTestId('flow-return-note').fill('返回原单位工作')
      await form.getByTestId('flow-return-save').click()
      await until(() => toastSeen(page, `已登记返回：${nameX}`), 'the return recorded')
      await texts(row.getByTestId('flow-status'), (v) => v[0] === '已返回', 'the row returned')
      await shot(page, 'flows-return-1440')
      const m = (await (await page.request.get(`/api/members/${px}`)).json())
      assert.equal((m.member || m).state, '正常')
      assert.deepEqual(back.problems, [])
    } finally { await back.close() }
  })
