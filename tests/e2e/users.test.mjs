// Users and the audit log in the browser.  The city office lists, filters,
// sorts and exports its users, creates one (the form's own checks, a refusal
// from the server at its field, the one-time password shown once), resets its
// password after re-entering its own, disables and enables it; the new user
// can log in with that password and must change it.  A district sees only its
// own users and no buttons; the system administrator (with its second factor)
// sees the full ID number after re-entering its password, and no reset or
// disable button on the auditor's account (三权分立); the auditor finds
// the city office's user management in the audit log (its own, made here through
// the API), filtered, exported and with the hash chain checked.  Each test makes
// what it reads; the administrator's second factor is set up by whichever spec
// logs it in first (lib.mjs keeps the key).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, downloadXlsx, loginAs, submitLogin, apiGet, apiAs, shot, texts, until, USERS, PHONE } from './lib.mjs'

/** A username no other test (and no earlier run on the same database) uses. */
const fresh = (what) => `e2e_${what}_${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
const NEW = fresh('park')

async function pick(page, testid, option) {
  await page.getByTestId(testid).click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click()
}
const rows = (page) => page.locator('[data-testid="users-table"] .user-row')
const rowOf = (page, username) => rows(page).filter({ has: page.locator(`[data-username="${username}"]`) })

test('city: users listed, filtered, sorted, exported; create, reset, disable, enable', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  let otp = ''
  try {
    await loginAs(page, 'city')
    await page.getByTestId('side-menu').locator('[data-menu="users"]').click()
    await page.waitForURL(/\/users/)
    await rows(page).first().waitFor()
    await shot(page, 'users')

    // filter by role, on the server: every row is a district office (once the table shows the answer)
    await Promise.all([page.waitForResponse((r) => /\/api\/users\?.*role=district/.test(r.url()) && r.ok()), pick(page, 'users-role', '区委组织部')])
    await page.waitForURL(/role=district/)
    await texts(rows(page).locator('td:nth-child(4)'), (v) => v.length > 0 && v.every((x) => x.trim() === '区委组织部'), 'only district users')
    await page.getByRole('button', { name: '重置', exact: true }).click()
    await page.waitForURL((u) => !u.searchParams.get('role'))

    // sorted by the server: username descending
    const head = page.locator('[data-testid="users-table"] thead th', { hasText: '用户名' })
    await Promise.all([page.waitForResponse((r) => /[?&]sort=username\b/.test(r.url()) && r.ok()), head.click()])
    const [desc] = await Promise.all([page.waitForResponse((r) => /[?&]sort=-username\b/.test(r.url()) && r.ok()), head.click()])
    const order = (await desc.json()).items.map((u) => u.username)
    // the table shows that answer, in that order (the server's order is tests/api's business)
    await until(async (seen) => {
      seen.value = await rows(page).locator('[data-username]').evaluateAll((els) => els.map((e) => e.dataset.username))
      return JSON.stringify(seen.value) === JSON.stringify(order)
    }, 'the table shows the server order')
    await downloadXlsx(page, page.getByTestId('export-xlsx'))

    // create: the form's own checks first, then the server's refusal at its field
    await page.getByTestId('user-create').click()
    const form = page.getByTestId('user-form')
    await form.waitFor()
    await page.getByTestId('user-save').click()
    await form.getByText('请填写用户名').waitFor()
    await form.getByText('请填写姓名').waitFor()
    await page.getByTestId('user-username').fill(USERS.district.username) // taken
    await page.getByTestId('user-name-input').fill('园区新同事')
    await pick(page, 'user-role', '园区党工委')
    await page.getByTestId('user-save').click()
    await form.getByText('请填写所属园区').waitFor()
    await page.getByTestId('user-scope').click()
    // an option of this select's own list: the role list just closed may still be fading out,
    // and "the first visible option anywhere" could be one of its (seen on a busy machine)
    await page.locator('.user-scope-pop .el-select-dropdown__item:visible').first().click()
    await page.getByTestId('user-save').click()
    const err = form.locator('.el-form-item.is-error').filter({ hasText: '用户名' })
    await err.locator('.el-form-item__error').waitFor()
    assert.match(await err.locator('.el-form-item__error').innerText(), /已|存在|占用/, 'the duplicate username is refused at its field')
    assert.equal(await page.getByTestId('user-name-input').inputValue(), '园区新同事', 'the input is kept')
    await shot(page, 'user-form-error')
    await page.getByTestId('user-username').fill(NEW)
    await page.getByTestId('user-save').click()
    const banner = page.getByTestId('created-otp')
    await banner.waitFor()
    otp = (await banner.getByTestId('one-time-password').innerText()).trim()
    assert.ok(otp.length >= 12, 'a one-time password is shown')
    await page.getByTestId('users-q').fill(NEW)
    await page.getByTestId('users-q').press('Enter')
    const row = rowOf(page, NEW)
    await row.waitFor()
    assert.match(await row.innerText(), /须改密码/)
    await shot(page, 'users-created')

    // reset its password: a wrong own password is refused at the field, the right one shows a new one-time password
    await row.getByTestId('user-reset').click()
    const dlg = page.getByTestId('user-confirm')
    await dlg.waitFor()
    await page.getByTestId('confirm-password').fill('not-my-password')
    await page.getByTestId('confirm-ok').click()
    await dlg.getByText('密码不正确').waitFor()
    await page.getByTestId('confirm-password').fill(USERS.city.password)
    // the list is read again: a reset clears a lock and sets 须改密码
    await Promise.all([page.waitForResponse((r) => /\/api\/users\?/.test(r.url()) && r.ok()), page.getByTestId('confirm-ok').click()])
    const again = (await dlg.getByTestId('one-time-password').innerText()).trim()
    assert.ok(again.length >= 12 && again !== otp, 'a new one-time password')
    otp = again
    await page.getByTestId('confirm-close').click()
    await dlg.waitFor({ state: 'hidden' })

    // disable, then enable again
    await row.getByTestId('user-toggle').click()
    await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
    await row.getByText('已停用').waitFor()
    await row.getByTestId('user-toggle').click()
    await page.locator('.el-message-box').getByRole('button', { name: '启用' }).click()
    await row.getByText('已停用').waitFor({ state: 'detached' })
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }

  // the new user logs in with the one-time password and must choose a new one first
  const n = await openBrowser()
  try {
    await submitLogin(n.page, NEW, otp)
    await n.page.waitForURL(/\/account/)
    assert.equal((await apiGet(n.page, '/api/orgs')).body.error.code, 'password_change_required')
  } finally { await n.close() }
})

test('city at 1440 and 390 px: the administrator\'s and the auditor\'s accounts have no reset, unlock or disable (三权分立), and the server refuses them', { skip: !(USERS.city && (USERS.sysadmin || USERS.auditor)) && 'needs city and sysadmin or auditor users' }, async () => {
  for (const viewport of [{ width: 1440, height: 900 }, PHONE]) {
    const b = await openBrowser({ viewport })
    const { page } = b
    try {
      await loginAs(page, 'city')
      await page.goto('/users')
      await rows(page).first().waitFor()
      for (const role of ['district', 'sysadmin', 'auditor']) {
        if (!USERS[role]) continue
        const name = USERS[role].username
        const [res] = await Promise.all([
          page.waitForResponse((r) => /\/api\/users\?/.test(r.url()) && r.url().includes(encodeURIComponent(name)) && r.ok()),
          (async () => { await page.getByTestId('users-q').fill(name); await page.getByTestId('users-q').press('Enter') })(),
        ])
        const u = (await res.json()).items.find((x) => x.username === name)
        assert.ok(u, `the city sees the ${role} account`)
        const row = page.locator('[data-testid="users-table"] .user-row').filter({ hasText: name })
        await row.first().waitFor()
        if (role === 'district') { // a district office's account is the city's to manage: the buttons are there
          await row.getByRole('button', { name: '重置密码', exact: true }).first().waitFor()
          continue
        }
        for (const label of ['重置密码', '停用', '启用', '解锁'])
          assert.equal(await row.getByRole('button', { name: label, exact: true }).count(), 0, `no ${label} for the ${role}`)
        if (viewport === PHONE) await shot(page, `users-${role}-phone`)
        else await shot(page, `users-${role}`)
        // the server says no as well, whatever the page shows
        const origin = new URL(page.url()).origin
        for (const [path, data] of [[`/api/users/${u.id}/reset`, { password: USERS.city.password }], [`/api/users/${u.id}/disable`, { disabled: true }], [`/api/users/${u.id}/unlock`, {}]]) {
          const r = await page.request.post(path, { data, headers: { Origin: origin } })
          assert.equal(r.status(), 403, `${path}: ${r.status()}`)
        }
      }
      assert.deepEqual(b.problems.filter((p) => !/403/.test(p)), [])
    } finally { await b.close() }
  }
})

test('district: its own users only, no management buttons', { skip: !USERS.district && 'no district user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'district')
    await page.goto('/users')
    await rows(page).first().waitFor()
    const api = await apiGet(page, '/api/users?size=100')
    assert.equal(api.status, 200)
    assert.ok(api.body.items.every((u) => u.username !== USERS.city.username), 'the city office is outside a district')
    assert.equal(await rowOf(page, USERS.city.username).count(), 0)
    assert.equal(await page.getByTestId('user-create').count(), 0)
    assert.equal(await page.getByTestId('user-reset').count(), 0)
    assert.equal((await page.request.post('/api/users', { data: { username: 'x1', name: 'x', role: 'member' }, headers: { Origin: new URL(page.url()).origin } })).status(), 403)
  } finally { await b.close() }
})

test('sysadmin: full ID number after re-entering the password; no audit log', { skip: !USERS.sysadmin && 'no sysadmin user' }, async () => {
  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'sysadmin')
    await page.goto('/users')
    await rows(page).first().waitFor()
    // a user with an ID number on record: the table shows it masked
    const list = await apiGet(page, '/api/users?size=100')
    const who = list.body.items.find((u) => u.id_number)
    assert.ok(who, 'the demo accounts carry ID numbers')
    assert.match(who.id_number, /\*/, 'the list masks them')
    await page.getByTestId('users-q').fill(who.username)
    await page.getByTestId('users-q').press('Enter')
    const row = rowOf(page, who.username)
    await row.waitFor()
    await row.getByTestId('user-reveal').click()
    const dlg = page.getByTestId('user-confirm')
    await page.getByTestId('confirm-password').fill(USERS.sysadmin.password)
    await page.getByTestId('confirm-ok').click()
    await dlg.getByTestId('confirm-result').waitFor()
    const shown = (await dlg.getByTestId('reveal-id').innerText()).trim()
    assert.ok(!shown.includes('*') && shown.length >= 15, `the full ID number is shown, got ${shown}`)
    assert.equal(shown.slice(0, 3), who.id_number.slice(0, 3))
    await shot(page, 'user-reveal')
    await page.getByTestId('confirm-close').click()
    // 三权分立: the auditor's account can be looked at, but not reset, unlocked
    // or disabled here (only with `ejia user ...` on the server): no buttons
    if (USERS.auditor) {
      await page.getByTestId('users-q').fill(USERS.auditor.username)
      await page.getByTestId('users-q').press('Enter')
      const arow = rowOf(page, USERS.auditor.username)
      await arow.getByTestId('user-reveal').waitFor()
      assert.equal(await arow.getByTestId('user-reset').count(), 0, 'no reset for the auditor')
      assert.equal(await arow.getByTestId('user-toggle').count(), 0, 'no disable for the auditor')
    }
    assert.equal(await page.getByTestId('side-menu').locator('[data-menu="audit"]').count(), 0, 'the administrator does not read the audit log')
    await page.goto('/audit')
    await page.getByTestId('forbidden').waitFor()
  } finally { await b.close() }
})

test('auditor: the audit log filtered, sorted, exported, chain verified', { skip: !(USERS.auditor && USERS.city) && 'needs auditor and city users' }, async () => {
  // What the auditor looks for, made here by the city office: a new account, a reset
  // refused for a wrong own password (a failure), the reset, the account disabled.
  const city = await apiAs('city')
  const who = fresh('audit')
  const made = await city.post('/api/users', { username: who, name: '审计测试', role: 'district', scope: '350203' })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const id = made.body.user.id
  assert.equal((await city.post(`/api/users/${id}/reset`, { password: 'not-my-password' })).status >= 400, true, 'a wrong own password is refused')
  const reset = await city.post(`/api/users/${id}/reset`, { password: USERS.city.password })
  assert.equal(reset.status, 200, JSON.stringify(reset.body))
  assert.ok((await city.post(`/api/users/${id}/disable`, { disabled: true })).status < 300, 'disabled')

  const b = await openBrowser()
  const { page } = b
  try {
    await loginAs(page, 'auditor')
    await page.getByTestId('side-menu').locator('[data-menu="audit"]').click()
    await page.waitForURL(/\/audit/)
    const arow = page.locator('[data-testid="audit-table"] .audit-row')
    await arow.first().waitFor()
    await shot(page, 'audit')
    // actions in Chinese, from the server's dictionary (no code such as auth.login on the screen)
    const dict = new Map((await apiGet(page, '/api/audit/actions')).body.items.map((x) => [x.action, x.name]))
    const userNames = [...dict].filter(([a]) => a.startsWith('user.')).map(([, n]) => n)
    await texts(arow.locator('td:nth-child(5)'), (v) => v.length > 0 && v.every((a) => /[\u4e00-\u9fff]/.test(a) && !/^[a-z_]+\.[a-z_.]+$/.test(a.trim())), 'actions in Chinese')
    // user management actions only (once the table shows the filtered answer)
    await Promise.all([page.waitForResponse((r) => /\/api\/audit\?.*action=user\./.test(r.url()) && r.ok()), pick(page, 'audit-action', '用户管理')])
    await texts(arow.locator('td:nth-child(5)'), (v) => v.length > 0 && v.every((a) => userNames.includes(a.trim())), 'only user management actions')
    // the city office's: newest first, so the work above heads the list
    await page.getByTestId('audit-user').fill(USERS.city.username)
    await page.getByTestId('audit-user').press('Enter')
    await page.waitForURL(/user=/)
    const mine = arow.filter({ hasText: `用户：审计测试（${who}）` }) // the account by its name, not user:<id>
    for (const action of ['user.create', 'user.reset', 'user.disable']) await mine.filter({ hasText: dict.get(action) }).first().waitFor()
    // the whole record in a drawer: the Chinese name, the code, the object's code, the full detail
    await mine.filter({ hasText: dict.get('user.reset') }).first().click()
    const drawer = page.getByTestId('audit-drawer')
    await drawer.getByTestId('audit-drawer-action').waitFor()
    assert.equal((await drawer.getByTestId('audit-drawer-action').innerText()).trim(), dict.get('user.reset'))
    assert.equal((await drawer.getByTestId('audit-drawer-object').innerText()).trim(), `用户：审计测试（${who}）`)
    const rec = await drawer.innerText()
    assert.ok(rec.includes('user.reset') && rec.includes(`user:${id}`), 'the codes are in the drawer')
    await shot(page, 'audit-drawer')
    await page.keyboard.press('Escape')
    await until(async () => !(await drawer.getByTestId('audit-drawer-action').isVisible()), 'the drawer closed')
    // refusals: the wrong own password above was recorded as failed
    await page.getByRole('button', { name: '重置', exact: true }).click()
    await Promise.all([page.waitForResponse((r) => /result=failed/.test(r.url()) && r.ok()), pick(page, 'audit-result', '失败')])
    await texts(arow.locator('td:nth-child(7)'), (v) => v.length > 0 && v.every((x) => x.trim() === '失败'), 'only failures')
    // oldest first, by the server (newest first is the default; the header's ▲ asks for ascending)
    const seqUp = page.locator('[data-testid="audit-table"] thead th', { hasText: '序号' }).locator('.sort-caret.ascending')
    const [up] = await Promise.all([page.waitForResponse((r) => /[?&]sort=seq\b/.test(r.url()) && r.ok()), seqUp.click()])
    const want = (await up.json()).items.map((a) => String(a.seq))
    assert.deepEqual(want.map(Number), [...want.map(Number)].sort((x, y) => x - y), 'the server orders by seq')
    await texts(arow.locator('td:nth-child(1)'), (v) => JSON.stringify(v.map((x) => x.trim())) === JSON.stringify(want), 'the table shows the server order')
    // the export keeps the filter, and is itself audited
    const href = await page.getByTestId('export-xlsx').getAttribute('href')
    assert.match(href, /^\/api\/audit\/export\.xlsx\?.*result=failed/)
    const before = (await apiGet(page, '/api/audit?action=audit.export&sort=-seq&size=1')).body.items[0]
    await downloadXlsx(page, page.getByTestId('export-xlsx'))
    await until(async (seen) => {
      const top = (await apiGet(page, '/api/audit?action=audit.export&sort=-seq&size=1')).body.items[0]
      seen.value = top
      return top && (!before || top.seq > before.seq) && top.username === USERS.auditor.username
    }, 'the export in the audit log')
    await page.getByTestId('audit-verify').click()
    const ok = page.getByTestId('audit-verify-result')
    await ok.waitFor()
    assert.match(await ok.innerText(), /散列链完好/)
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})

test('on a phone the users and audit pages are card lists without sideways scrolling', { skip: !USERS.city && 'no city user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page } = b
  try {
    await loginAs(page, 'city')
    await page.goto('/users')
    await page.locator('[data-testid="users-table"] li.user-row').first().waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`)
    await shot(page, 'users-phone')
  } finally { await b.close() }
})

test('on a phone the auditor reads cards in Chinese and opens a record in a drawer', { skip: !USERS.auditor && 'no auditor user' }, async () => {
  const b = await openBrowser({ viewport: PHONE })
  const { page } = b
  try {
    await loginAs(page, 'auditor')
    await page.goto('/audit?action=auth.login')
    const card = page.locator('[data-testid="audit-table"] li.audit-row')
    await card.first().waitFor()
    await texts(card.locator('.card-head b'), (v) => v.length > 0 && v.every((a) => a.trim() === '登录'), 'logins named 登录')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `no horizontal scrolling (overflow ${overflow}px)`)
    await shot(page, 'audit-phone')
    await card.first().getByTestId('audit-open').click()
    const drawer = page.getByTestId('audit-drawer')
    await drawer.getByTestId('audit-drawer-action').waitFor()
    assert.equal((await drawer.getByTestId('audit-drawer-action').innerText()).trim(), '登录')
    assert.match(await drawer.getByTestId('audit-drawer-object').innerText(), /^用户：.+（.+）$/)
    await shot(page, 'audit-drawer-phone')
    assert.deepEqual(b.problems, [])
  } finally { await b.close() }
})
