// 通知公告 and the reminders in the browser: a branch secretary writes and publishes a notice
// at 1366 px (the compose form's refusal under its field first); a member of the branch finds
// it on a 390 px phone — the bell's count, 我的提醒 on the home page, 我的通知 with the unread
// mark — and opens it, which sends the read receipt; the secretary then sees the member among
// those who read it, one fewer unread, and downloads who has not read it as xlsx.  The phone
// pages scroll only up and down.  The spec makes its own secretary (a living 思明区 branch)
// and links the run's member account to a new record on that branch.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, submitLogin, apiAs, downloadXlsx, shot, texts, until, USERS, BASE, PHONE } from './lib.mjs'

const noHScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]

/** A user of a role and scope made by the city, its one-time password replaced: {username, password}. */
async function makeUser(role, scope) {
  const city = await apiAs('city')
  const username = `e2e_nt_${role.slice(0, 3)}_${Date.now() % 100000}${Math.floor(Math.random() * 100)}`
  const first = `Nt-${Math.random().toString(36).slice(2, 10)}-Aa1!`
  const r = await city.post('/api/users', { username, name: '通知测试', role, scope: String(scope), password: first })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const login = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: BASE }, body: JSON.stringify({ username, password: first }) })
  assert.equal(login.status, 200)
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const password = `Nt-${Math.random().toString(36).slice(2, 10)}-Bb2?`
  const ch = await fetch(`${BASE}/api/me/password`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: BASE, cookie }, body: JSON.stringify({ password: first, new_password: password }) })
  assert.equal(ch.status, 204, await ch.text())
  return { username, password }
}

test('a secretary publishes a notice, a member reads it on the phone, the secretary sees the receipt',
  { skip: !(USERS.city && USERS.member) && 'needs the city and member users' }, async () => {
    const city = await apiAs('city')
    const r = await city.get(`/api/orgs?district=350203&kind=${encodeURIComponent('党支部')}&status=active&size=100`)
    assert.equal(r.status, 200)
    const org = r.body.items.find((o) => !o.dissolved_on && o.established_on && o.established_on <= '2019-01-01')
    assert.ok(org, 'a 党支部 of 思明区 set up before 2019')
    const sec = await makeUser('secretary', org.id)
    // the run's member account on this branch's roll
    const n = Math.floor(Math.random() * 1e6)
    const reg = await city.post('/api/members', { name: '通知测试员', id_number: id18(`35020319860${1 + (n % 9)}1${n % 9}${String(n % 1000).padStart(3, '0')}`),
      org_id: org.id, category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', day: '2019-01-01', username: USERS.member.username })
    assert.equal(reg.status, 201, JSON.stringify(reg.body))
    const title = `关于开展主题党日活动的通知（${n}）`

    // ---- the secretary writes and publishes at 1366 px ----
    const desk = await openBrowser()
    let id
    try {
      const page = desk.page
      await page.goto('/login')
      await submitLogin(page, sec.username, sec.password)
      await page.getByTestId('scope').waitFor()
      await page.goto('/notices')
      await page.getByTestId('notice-compose').click()
      const form = page.getByTestId('notice-form')
      await form.waitFor()
      // a one-character title is refused under the field
      await page.getByTestId('notice-title').fill('通')
      await page.getByTestId('notice-body').fill('请全体党员本周五下午三点到党员活动室参加主题党日活动。\n请提前学习有关材料。')
      await page.getByTestId('notice-publish').click()
      await texts(form.locator('.el-form-item__error'), (v) => v.some((x) => x.includes('标题')), 'the refusal under the title')
      await page.getByTestId('notice-title').fill(title)
      await page.getByTestId('notice-publish').click()
      await page.waitForURL(/\/notices\/\d+$/)
      id = Number(page.url().match(/\/notices\/(\d+)$/)[1])
      await texts(page.getByTestId('notice-heading'), (v) => v[0] === title, 'the notice\'s title')
      const api = (await (await page.request.get(`/api/notices/${id}`)).json())
      assert.ok(api.recipients >= 1, JSON.stringify(api))
      await texts(page.getByTestId('notice-recipients'), (v) => Number(v[0]) === api.recipients, 'the recipients')
      await texts(page.getByTestId('notice-unread'), (v) => Number(v[0]) === api.recipients, 'all unread')
      await texts(page.locator('.recipient-row'), (v) => v.some((x) => x.includes('通知测试员')), 'the member among those who have not read it')
      await shot(page, 'notice-published')
      assert.deepEqual(desk.problems, [])
    } finally { await desk.close() }

    // ---- the member on the phone: the bell, the home page, 我的通知; opening reads it ----
    const phone = await openBrowser({ viewport: PHONE })
    try {
      const page = phone.page
      await loginAs(page, 'member')
      await page.goto('/')
      await until(async () => Number((await page.getByTestId('bell-count').locator('sup').innerText().catch(() => '0')) || 0) >= 1, 'the bell counts the unread notice')
      await texts(page.getByTestId('card-reminders').locator('.reminder-row'), (v) => v.some((x) => x.includes('未读')), 'the unread notices on the home page')
      assert.ok(await noHScroll(page), 'no sideways scrolling on the home page')
      await page.getByTestId('card-reminders').locator('.reminder-row[data-kind="notice"]').click()
      await page.waitForURL(/\/me\/notices/)
      const row = page.locator(`.my-notice-row[data-id="${id}"]`)
      await row.waitFor()
      assert.ok(await row.evaluate((el) => el.classList.contains('unread')), 'marked unread')
      assert.ok(await noHScroll(page), 'no sideways scrolling on 我的通知')
      await shot(page, 'my-notices-phone')
      await row.locator('button').click()
      await texts(page.getByTestId('my-notice-body'), (v) => v[0] && v[0].includes('党员活动室'), 'the text of the notice')
      await page.getByTestId('my-notice-read').waitFor()
      await page.getByTestId('my-notice-dialog').getByRole('button', { name: '关闭', exact: true }).click()
      await until(async () => !(await row.evaluate((el) => el.classList.contains('unread'))), 'the row no longer unread')
      assert.deepEqual(phone.problems, [])
    } finally { await phone.close() }

    // ---- the secretary sees the receipt and exports who has not read it ----
    const desk2 = await openBrowser()
    try {
      const page = desk2.page
      await page.goto('/login')
      await submitLogin(page, sec.username, sec.password)
      await page.getByTestId('scope').waitFor()
      await page.goto(`/notices/${id}`)
      await texts(page.getByTestId('notice-read'), (v) => Number(v[0]) === 1, 'one read')
      await page.getByRole('tab', { name: /已读名单/ }).click()
      await texts(page.locator('.recipient-row'), (v) => v.length === 1 && v[0].includes('通知测试员'), 'the member among those who read it')
      await page.getByRole('tab', { name: /未读名单/ }).click()
      await texts(page.locator('.recipient-row'), (v) => !v.some((x) => x.includes('通知测试员')), 'not among those who have not')
      await downloadXlsx(page, page.getByTestId('export-xlsx'))
      assert.deepEqual(desk2.problems, [])
    } finally { await desk2.close() }
  })
