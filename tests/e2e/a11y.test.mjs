// Accessibility of the main pages, checked by axe-core (WCAG 2 A and AA rules)
// on desktop and phone widths: no serious or critical violations.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openBrowser, loginAs, apiAs, stillness, AXE_PATH, USERS, PHONE, DESKTOP } from './lib.mjs'

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** The check character of a citizen ID number (GB 11643). */
const checkDigit = (b) => '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]

async function audit(b, what) {
  const { page } = b
  // Judge the settled page, not a loading skeleton, a toast fading out or a half-run
  // transition: no skeleton or mask, the page's API calls answered (a route change is no
  // navigation, so 'networkidle' would not see them), no toast, nothing moving.
  await b.ready()
  await page.waitForFunction(() => !document.querySelector('.el-message'))
  await stillness(page)
  await page.addScriptTag({ path: AXE_PATH })
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  for (const v of res.filter((x) => !bad.includes(x))) console.log(`# a11y note (${what}): ${v.id} ${v.impact}: ${v.help}`)
  assert.deepEqual(bad, [], `${what}: serious accessibility problems`)
}

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`login page is accessible (${label})`, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await b.page.goto('/login')
      await b.page.getByTestId('login-submit').waitFor()
      await audit(b, `login ${label}`)
    } finally { await b.close() }
  })

  test(`workbench pages are accessible (${label})`, { skip: !USERS.city && 'no city user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await audit(b, `dashboard ${label}`)
      await b.page.goto('/ledger/imports')
      await b.page.getByTestId('imports-table').waitFor()
      await audit(b, `ledger imports ${label}`)
      // the demo's own imports (this spec does not rely on another's upload)
      await b.page.locator('[data-testid="imports-table"] a').first().click()
      await b.page.getByTestId('problems-table').waitFor()
      await audit(b, `import detail ${label}`)
      await b.page.goto('/ledger/rounds')
      await b.page.getByTestId('rounds-table').locator('a').first().waitFor()
      await audit(b, `ledger rounds ${label}`)
      await b.page.locator('[data-testid="rounds-table"] a').first().click()
      await b.page.getByTestId('entities-table').locator('.ent-row').first().waitFor()
      await audit(b, `ledger round ${label}`)
      // the organization, coverage and bulletin pages
      await b.page.goto('/orgs')
      await b.page.locator('a[href^="/orgs/"]:visible').first().waitFor()
      await audit(b, `organizations ${label}`)
      await b.page.locator('a[href^="/orgs/"]:visible').first().click()
      await b.page.waitForURL(/\/orgs\/\d+/)
      await b.page.getByRole('heading', { level: 1 }).first().waitFor()
      await audit(b, `organization ${label}`)
      await b.page.goto('/coverage')
      await b.page.locator('[data-testid="coverage-table"] .coverage-row').first().waitFor()
      await audit(b, `coverage ${label}`)
      await b.page.goto('/bulletins')
      await b.page.locator('a[href^="/bulletins/"]:visible').first().waitFor()
      await audit(b, `bulletins ${label}`)
      await b.page.locator('a[href^="/bulletins/"]:visible').first().click()
      await b.page.waitForURL(/\/bulletins\/\d{4}-\d{2}-\d/)
      await audit(b, `bulletin ${label}`)
      await b.page.goto('/users')
      await b.page.locator('[data-testid="users-table"] .user-row').first().waitFor()
      await audit(b, `users ${label}`)
      await b.page.getByTestId('user-create').click()
      await b.page.getByTestId('user-form').waitFor()
      await audit(b, `user form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.goto('/account')
      await b.page.getByTestId('totp-card').waitFor()
      await audit(b, `account ${label}`)
    } finally { await b.close() }
  })

  test(`member registry pages are accessible (${label})`, { skip: !(USERS.city && USERS.member && USERS.investor) && 'no users' }, async () => {
    const city = await apiAs('city')
    const org = (await city.get(`/api/orgs?district=350203&kind=${encodeURIComponent('党支部')}&size=1&status=active`)).body.items[0]
    // the member account linked to a record of its own (once per run of this spec)
    const me = (await city.get(`/api/members?q=${encodeURIComponent('无障碍')}&size=1`)).body
    if (!me.total) {
      const r = await city.post('/api/members', { name: '无障碍检查', id_number: '35020319900101017' + checkDigit('35020319900101017'),
        org_id: org.id, category: '正式党员', joined_on: '2012-07-01', full_on: '2013-07-01', username: USERS.member.username })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    }
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/members')
      await b.page.locator('[data-testid="members-table"] .member-row').first().waitFor()
      await audit(b, `members ${label}`)
      await b.page.locator('[data-testid="members-table"] .member-row a').first().click()
      await b.page.getByTestId('member-events').waitFor()
      await audit(b, `member ${label}`)
      await b.page.goto('/members/imports')
      await b.page.getByTestId('roster-upload').waitFor()
      await audit(b, `roster imports ${label}`)
      await b.page.goto('/members/stats')
      await b.page.getByTestId('mstats-total').waitFor()
      await audit(b, `member statistics ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me')
      await b.page.getByTestId('me-name').waitFor()
      await audit(b, `my party life ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'investor')
      await b.page.goto('/enterprise')
      await b.page.getByTestId('ent-name').waitFor()
      await b.page.getByTestId('ent-review').waitFor()   /* the page's figures (issue 19): points, stars, review, apply */
      await audit(b, `my enterprise ${label}`)
    } finally { await b.close() }
  })

  test(`development pages are accessible (${label})`, { skip: !(USERS.city && USERS.investor) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/develop')
      await b.page.locator('[data-testid="develop-board"] .acard').first().waitFor()
      await audit(b, `development pipeline ${label}`)
      // the demo's own applicants (this spec does not rely on another's)
      await b.page.locator('[data-testid="develop-board"] .acard a').first().click()
      await b.page.getByTestId('applicant-timeline').waitFor()
      await audit(b, `applicant ${label}`)
      await b.page.goto('/develop/due')
      await b.page.locator('[data-testid="due-table"] .due-row').first().waitFor()
      await audit(b, `development due list ${label}`)
      await b.page.goto('/develop/figures')
      await b.page.locator('[data-testid="figures-stage"] .fig-stage-row').first().waitFor()
      await audit(b, `development figures ${label}`)
      await b.page.goto('/develop/rules')
      await b.page.locator('[data-testid="rules-table"] .rule-row').first().waitFor()
      await audit(b, `development steps ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'investor')
      await b.page.goto('/develop/apply')
      await b.page.locator('[data-testid="apply-form"], [data-testid="my-application"]').first().waitFor()
      await audit(b, `apply to join ${label}`)
    } finally { await b.close() }
  })

  test(`organizational life pages are accessible (${label})`, { skip: !(USERS.city && USERS.member) && 'no users' }, async () => {
    const city = await apiAs('city')
    const org = (await city.get(`/api/orgs?district=350203&kind=${encodeURIComponent('党支部')}&size=1&status=active`)).body.items[0]
    // the member account linked to a record of its own (as the registry's test above does, once per run of this spec)
    const me = (await city.get(`/api/members?q=${encodeURIComponent('无障碍')}&size=1`)).body
    if (!me.total) {
      const r = await city.post('/api/members', { name: '无障碍检查', id_number: '35020319900101017' + checkDigit('35020319900101017'),
        org_id: org.id, category: '正式党员', joined_on: '2012-07-01', full_on: '2013-07-01', username: USERS.member.username })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    }
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/meetings/compliance')
      await b.page.locator('[data-testid="compliance-table"] .comp-row').first().waitFor()
      await audit(b, `meeting compliance ${label}`)
      await b.page.goto(`/meetings?org_id=${org.id}&own=1&from=2000-01-01&to=2100-12-31`)
      await b.page.locator('[data-testid="meetings-table"] .meeting-row').first().waitFor()
      await audit(b, `meetings ${label}`)
      await b.page.locator('[data-testid="meetings-table"] .meeting-row a').first().click()
      await b.page.getByTestId('meeting-roll').waitFor()
      await audit(b, `meeting ${label}`)
      await b.page.goto(`/orgs/${org.id}?tab=meetings`)
      await b.page.getByTestId('sc-kinds').waitFor()
      await audit(b, `organization scorecard ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/meetings')
      await b.page.getByTestId('mm-past').waitFor()
      await audit(b, `my meetings ${label}`)
    } finally { await b.close() }
  })

  test(`notice pages are accessible (${label})`, { skip: !(USERS.city && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/notices')
      await b.page.locator('[data-testid="notices-table"] .notice-row').first().waitFor()
      await audit(b, `notices ${label}`)
      await b.page.getByTestId('notice-compose').click()
      await b.page.getByTestId('notice-form').waitFor()
      await audit(b, `notice compose ${label}`)
      await b.page.goto('/notices')
      await b.page.locator('[data-testid="notices-table"] .notice-row a').first().click()
      await b.page.getByTestId('notice-receipts').waitFor()
      await audit(b, `notice receipts ${label}`)
      await b.page.getByTestId('bell').click()
      await b.page.locator('.bell-pop').waitFor()
      await audit(b, `reminders bell ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/notices')
      await b.page.locator('[data-testid="my-notices"], [role="alert"]').first().waitFor()
      await audit(b, `my notices ${label}`)
      await b.page.goto('/')
      await b.page.getByTestId('card-reminders').waitFor()
      await audit(b, `home with reminders ${label}`)
    } finally { await b.close() }
  })

  test(`换届提醒 and an organization's committee are accessible (${label})`, { skip: !USERS.city && 'no city user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/org/terms?status=all')
      await b.page.locator('[data-testid="terms-table"] .term-row').first().waitFor()   // the demo's terms
      await audit(b, `term reminders ${label}`)
      await b.page.locator('[data-testid="terms-table"] .term-row a').first().click()
      await b.page.getByTestId('committee-term').waitFor()
      await audit(b, `organization committee ${label}`)
      await b.page.getByTestId('committee-add').click()
      await b.page.getByTestId('committee-add-form').waitFor()
      await audit(b, `committee post form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.getByTestId('committee-add-form').waitFor({ state: 'hidden' })
      await b.page.getByTestId('committee-elect').click()
      await b.page.getByTestId('committee-elect-form').waitFor()
      await audit(b, `committee election form ${label}`)
    } finally { await b.close() }
  })

  test(`党建联盟 pages are accessible (${label})`, { skip: !USERS.city && 'no city user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/alliances')
      await b.page.locator('[data-testid="alliances-table"] .alliance-row').first().waitFor()   // the demo's alliances
      await audit(b, `alliances ${label}`)
      await b.page.getByTestId('alliance-create').click()
      await b.page.getByTestId('alliance-form').waitFor()
      await audit(b, `alliance form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.getByTestId('alliance-form').waitFor({ state: 'hidden' })
      await b.page.locator('[data-testid="alliances-table"] .alliance-row a').first().click()
      await b.page.locator('[data-testid="alliance-activities"] .activity').first().waitFor()
      await audit(b, `alliance ${label}`)
      await b.page.getByTestId('alliance-record').click()
      await b.page.getByTestId('activity-form').waitFor()
      await audit(b, `alliance activity form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.getByTestId('activity-form').waitFor({ state: 'hidden' })
      await b.page.locator('.page-head a[href^="/orgs/"]').first().click()
      await b.page.getByTestId('org-alliances').locator('.card').first().waitFor()
      await audit(b, `organization's alliances ${label}`)
    } finally { await b.close() }
  })

  test(`流动党员 pages are accessible (${label})`, { skip: !USERS.city && 'no city user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/flows')
      await b.page.locator('[data-testid="flows-table"] .flow-row').first().waitFor()   // the demo's flows
      await audit(b, `flows ${label}`)
      await b.page.getByTestId('flow-out').click()
      await b.page.getByTestId('flow-form').waitFor()
      await audit(b, `flow outflow form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.getByTestId('flow-form').waitFor({ state: 'hidden' })
      await b.page.getByTestId('flow-in').click()
      await b.page.getByTestId('flow-id-number').waitFor()
      await audit(b, `flow inflow form ${label}`)
    } finally { await b.close() }
  })

  test(`企业名录 pages are accessible (${label})`, { skip: !USERS.city && 'no city user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/register')
      await b.page.locator('[data-testid="register-table"] .register-row').first().waitFor()
      await audit(b, `register list ${label}`)
      await b.page.getByTestId('register-create').click()
      await b.page.getByTestId('register-form').waitFor()
      await audit(b, `register create form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.getByTestId('register-form').waitFor({ state: 'hidden' })
      await b.page.goto('/register?tab=feed')
      await b.page.locator('[data-testid="register-props"] .register-prop').first().waitFor()   // the demo's feed
      await audit(b, `register feed ${label}`)
      await b.page.goto('/register')
      await b.page.locator('[data-testid="register-table"] .register-row a').first().click()
      await b.page.getByTestId('reg-ent-history').waitFor()
      await audit(b, `register enterprise ${label}`)
    } finally { await b.close() }
  })

  test(`领导挂钩联系 pages are accessible (${label})`, { skip: !(USERS.city && USERS.district) && 'no users' }, async () => {
    // the district user linked as a leader to a 思明 enterprise with a visit and an open problem (made here, by the city)
    const city = await apiAs('city'), dist = await apiAs('district')
    const leader = (await dist.get('/api/me')).body.user
    let mine = (await dist.get('/api/liaison/mine')).body
    if (!mine.items.length) {
      const ents = (await city.get('/api/register/enterprises?district=350203&size=100')).body.items
      for (const e of ents) {
        const r = await city.post('/api/liaison/links', { leader_id: leader.id, enterprise_id: e.id, title: '区委常委', from_day: mine.today })
        if (r.status !== 201) continue
        await city.post(`/api/liaison/links/${r.body.id}/visits`, { day: mine.today, met: '总经理', problems: [{ description: '场地不足', follow_up: '协调', owner: '街道' }] })
        break
      }
      mine = (await dist.get('/api/liaison/mine')).body
    }
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'district')
      await b.page.goto('/liaison/mine')
      await b.page.getByTestId('liaison-mine-ent').first().waitFor()
      await audit(b, `我的挂钩企业 ${label}`)
      await b.page.getByTestId('liaison-visit-open').first().click()
      await b.page.getByTestId('liaison-add-problem').click()
      await b.page.getByTestId('liaison-problem-description').waitFor()
      await audit(b, `visit form ${label}`)
      await b.page.keyboard.press('Escape')
      await b.page.getByTestId('liaison-visit-form').waitFor({ state: 'hidden' })
      await b.page.goto('/liaison/overdue')
      await b.page.getByTestId('liaison-overdue-table').waitFor()
      await audit(b, `走访问题超期 ${label}`)
      await b.page.goto(`/register/enterprises/${mine.items[0].enterprise_id}`)
      await b.page.getByTestId('liaison-link').first().waitFor()
      await audit(b, `enterprise page with its leaders' links ${label}`)
      await b.page.getByTestId('liaison-link-open').click()
      await b.page.getByTestId('liaison-link-form').waitFor()
      await audit(b, `link form ${label}`)
    } finally { await b.close() }
  })

  test(`dues calculator is accessible (${label})`, { skip: !USERS.member && 'no member user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/dues')
      await b.page.getByTestId('dues-rules-employee').waitFor()
      // submitted from the keyboard (a pointer left on the button would be judged in its hover colours)
      await b.page.getByTestId('dues-base').fill('3000.01')
      await b.page.getByTestId('dues-base').press('Enter')
      await b.page.locator('[data-testid="dues-amount"][data-amount="30.00"]').waitFor()
      await audit(b, `dues calculator ${label}`)
      await b.page.getByTestId('dues-base').fill('3000元')
      await b.page.getByTestId('dues-base').press('Enter')
      await b.page.getByTestId('dues-base-item').locator('.el-form-item__error').waitFor()
      await audit(b, `dues calculator with an error ${label}`)
    } finally { await b.close() }
  })

  test(`transfer pages are accessible (${label})`, { skip: !(USERS.city && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/transfers')
      await b.page.locator('.transfer-row').first().waitFor()
      await audit(b, `transfers ${label}`)
      // a letter out of the system (the demo's): the letter card and the actions
      await b.page.goto('/transfers?state=letter')
      await b.page.locator('.transfer-row a').first().click()
      await b.page.getByTestId('transfer-letter').waitFor()
      await audit(b, `transfer ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/transfer')
      await b.page.getByTestId('my-transfers').waitFor()
      await audit(b, `my transfer ${label}`)
    } finally { await b.close() }
  })

  test(`exam pages are accessible (${label})`, { skip: !(USERS.city && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/study/exam-banks')
      await b.page.locator('.exam-bank-row').first().waitFor()
      await audit(b, `exam banks ${label}`)
      await b.page.locator('.exam-bank-row a').first().click()
      await b.page.getByTestId('exam-bank-questions').waitFor()
      await audit(b, `exam bank ${label}`)
      await b.page.goto('/study/exams')
      await b.page.locator('.exam-row').first().waitFor()
      await audit(b, `exams ${label}`)
      await b.page.locator('.exam-row a').first().click()
      await b.page.getByTestId('exam-figures').waitFor()
      await audit(b, `exam ${label}`)
    } finally { await b.close() }
    // the member: my exams; when the account is a registered member's, the demo exam taken (resumed on the
    // second width) and, on the phone, its result
    const member = await apiAs('member')
    const mine = (await member.get('/api/me/exams')).body
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/exams')
      await b.page.getByTestId('my-exams').waitFor()
      await audit(b, `my exams ${label}`)
      const x = mine.member && mine.exams.find((e) => e.open_attempt || e.used < e.attempts)
      if (x) {
        const r = await member.post(`/api/me/exams/${x.id}/attempts`, {})
        assert.equal(r.status, 201, JSON.stringify(r.body))
        await b.page.goto(`/me/exams/attempts/${r.body.attempt.id}`)
        await b.page.getByTestId('take-question').waitFor()
        await audit(b, `exam taking ${label}`)
        if (label === 'phone') {
          const s = await member.post(`/api/me/exam-attempts/${r.body.attempt.id}/submit`, {})
          assert.equal(s.status, 200, JSON.stringify(s.body))
          await b.page.reload()
          await b.page.getByTestId('take-result').waitFor()
          await audit(b, `exam result ${label}`)
        }
      }
    } finally { await b.close() }
  })

  test(`study pages are accessible (${label})`, { skip: !(USERS.district && USERS.secretary && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'district')
      await b.page.goto('/study/courses')
      await b.page.locator('.course-row').first().waitFor()
      await audit(b, `courses ${label}`)
      await b.page.getByTestId('course-create').click()
      await b.page.getByTestId('course-title').waitFor()
      await audit(b, `course form ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'secretary')
      await b.page.goto('/study/offline')
      await b.page.getByTestId('offline-record').waitFor()
      await b.page.getByTestId('offline-table').first().waitFor()
      await b.page.waitForFunction(() => !document.querySelector('.el-skeleton, .el-loading-mask'))
      await audit(b, `offline hours ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/study')
      await b.page.locator('[data-testid="my-study-required"], [data-testid="my-study-not-member"]').first().waitFor()
      await audit(b, `my study ${label}`)
    } finally { await b.close() }
  })

  test(`training pages are accessible (${label})`, { skip: !(USERS.city && USERS.investor) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/training')
      await b.page.locator('.training-row').first().waitFor()
      await audit(b, `training batches ${label}`)
      // the demo's finished batch: sessions, attendance, completion and certificates
      await b.page.goto('/training?state=finished')
      await b.page.locator('.training-row a').first().click()
      await b.page.getByTestId('sessions-table').waitFor()
      await audit(b, `training batch ${label}`)
      await b.page.getByRole('tab', { name: '出勤' }).click()
      await b.page.getByTestId('attendance-grid').waitFor()
      await audit(b, `training attendance ${label}`)
      await b.page.getByRole('tab', { name: '结业与证书' }).click()
      await b.page.getByTestId('certs-table').waitFor()
      await audit(b, `training certificates ${label}`)
    } finally { await b.close() }
    // the investors invited (the run's investor among them): 我的培训 with an invitation
    const city = await apiAs('city')
    const batch = (await city.get('/api/training/batches?audience=investor')).body.items[0]
    await city.post(`/api/training/batches/${batch.id}/enrol`, { role: 'investor', invite: true })
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'investor')
      await b.page.goto('/me/training')
      await b.page.getByTestId('training-invitation').first().waitFor()
      await audit(b, `my training ${label}`)
    } finally { await b.close() }
  })

  test(`content review pages are accessible (${label})`, { skip: !(USERS.investor && USERS.member && USERS.city) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'investor')
      await b.page.goto('/review')
      await b.page.getByTestId('prereview-items').waitFor()
      await audit(b, `content review queue ${label}`)   /* the item and 我的审核's item: content_review.test.mjs */
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/review')
      await b.page.locator('[data-testid="my-review"], .el-empty').first().waitFor()
      await audit(b, `my reviews ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/review/figures')
      await b.page.getByTestId('figures-summary').waitFor()
      await audit(b, `content review figures ${label}`)
    } finally { await b.close() }
  })

  test(`dues pages of the branch are accessible (${label})`, { skip: !USERS.secretary && 'no secretary user' }, async () => {
    const sec = await apiAs('secretary')
    const org = Number((await sec.get('/api/me')).body.user.scope.code)
    const made = await sec.post(`/api/dues/orgs/${org}/sheets`, {})
    assert.equal(made.status, 201, JSON.stringify(made.body))
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'secretary')
      await b.page.goto('/dues')
      await b.page.locator('[data-testid="dues-sheets"] .sheet-row').first().waitFor()
      await audit(b, `dues sheets ${label}`)
      await b.page.goto(`/dues/orgs/${org}/${made.body.month}`)
      await b.page.getByTestId('sheet-sums').waitFor()
      await b.page.locator('[data-testid="sheet-lines"] .line').first().waitFor()
      await audit(b, `dues sheet ${label}`)
      await b.page.goto('/dues/payments')
      await b.page.locator('[data-testid="dues-payments"]').first().waitFor()
      await audit(b, `dues payments ${label}`)
    } finally { await b.close() }
  })

  test(`study progress pages are accessible (${label})`, { skip: !(USERS.city && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/study/progress')
      await b.page.locator('[data-testid="study-progress-table"] .study-progress-row').first().waitFor()
      await audit(b, `study progress ${label}`)
      await b.page.goto('/study/progress/members?city=1&reached=0')
      await b.page.locator('[data-testid="study-members-table"] .study-member-row').first().waitFor()
      await audit(b, `study progress members ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/study/hours')
      await b.page.locator('[data-testid="my-study-total"], [data-testid="my-study-unlinked"]').first().waitFor()
      await audit(b, `my study hours ${label}`)
    } finally { await b.close() }
  })

  test(`responsibility assessment page is accessible (${label})`, { skip: !(USERS.city && USERS.district) && 'no users' }, async () => {
    for (const role of ['city', 'district']) {
      const b = await openBrowser({ viewport, bypassCSP: true })
      try {
        await loginAs(b.page, role)
        await b.page.goto('/assess')
        await b.page.locator('[data-testid="assess-unit"]').first().waitFor()
        await audit(b, `assessment ${role} ${label}`)
      } finally { await b.close() }
    }
  })

  test(`star ratings and benefits pages are accessible (${label})`, { skip: !(USERS.city && USERS.district && USERS.member) && 'no users' }, async () => {
    for (const role of ['city', 'district']) {
      const b = await openBrowser({ viewport, bypassCSP: true })
      try {
        await loginAs(b.page, role)
        await b.page.goto('/stars')
        await b.page.getByTestId('stars-row').first().waitFor()
        await b.page.getByTestId('stars-why').first().click()
        await b.page.getByTestId('stars-figures').first().waitFor()
        await audit(b, `star rating ${role} ${label}`)
        if (role === 'city') {
          await b.page.goto('/benefits')
          await b.page.getByTestId('benefit-card').first().waitFor()
          await b.page.locator('[data-testid="benefit-card"][data-kind="venue"]').getByTestId('benefit-show-alloc').click()
          await b.page.getByTestId('alloc-row').first().waitFor()
          await audit(b, `benefits and allocation ${label}`)
          await b.page.getByTestId('benefit-add').click()
          await b.page.getByTestId('benefit-dialog').waitFor()
          await audit(b, `benefit form ${label}`)
        }
      } finally { await b.close() }
    }
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/benefits')
      await b.page.getByTestId('benefit-card').first().waitFor()
      await audit(b, `benefits member ${label}`)
    } finally { await b.close() }
  })

  test(`全市地图 is accessible (${label})`, { skip: !USERS.city && 'no city user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/map')
      await b.page.locator('[data-testid="map-chart"][data-painted="1"]').waitFor()
      await b.page.locator('[data-testid="map-table"] .el-table__row').first().waitFor()
      await audit(b, `map ${label}`)
    } finally { await b.close() }
  })

  test(`service centers and the 10-minute circle are accessible (${label})`, { skip: !(USERS.city && USERS.secretary) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'secretary')
      await b.page.goto('/centers')
      await b.page.locator('.center-row').first().waitFor()
      await audit(b, `centers ${label}`)
      await b.page.locator('.center-row', { hasText: '思明区软件园党群服务中心' }).first().getByRole('link').first().click()
      await b.page.getByTestId('center-book').waitFor()
      await audit(b, `center ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/centers/circle')
      await b.page.locator('[data-testid="circle-table"] .el-table__row').first().waitFor()
      await audit(b, `circle ${label}`)
    } finally { await b.close() }
  })

  test(`points pages are accessible (${label})`, { skip: !(USERS.secretary && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'secretary')
      await b.page.goto('/points')
      await b.page.getByTestId('points-claims').first().waitFor()
      await audit(b, `points claims ${label}`)
      await b.page.getByRole('tab', { name: '积分排名' }).click()
      await b.page.locator('[data-testid="points-ranking"] .points-rank-row').first().waitFor()
      await audit(b, `points ranking ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/points')
      await b.page.locator('[data-testid="my-points-total"], [data-testid="my-points-unlinked"]').first().waitFor()
      await audit(b, `my points ${label}`)
    } finally { await b.close() }
  })

  test(`volunteer pages are accessible (${label})`, { skip: !(USERS.city && USERS.member) && 'no users' }, async () => {
    let b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'city')
      await b.page.goto('/volunteer')
      await b.page.locator('.volunteer-team-row').first().waitFor()
      await b.page.getByTestId('volunteer-figures-table').first().waitFor()
      await audit(b, `volunteer teams ${label}`)
      await b.page.locator('.volunteer-team-row a').first().click()
      await b.page.getByTestId('volunteer-team-name').waitFor()
      await b.page.getByTestId('volunteer-activities').locator('a').first().waitFor()
      await audit(b, `volunteer team ${label}`)
      await b.page.getByTestId('volunteer-activities').locator('a').last().click()   // the past activity, its hours confirmed
      await b.page.locator('.volunteer-signup-row').first().waitFor()
      await audit(b, `volunteer activity ${label}`)
    } finally { await b.close() }
    b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'member')
      await b.page.goto('/me/volunteer')
      await b.page.getByTestId('volunteer-activity').first().waitFor()
      await audit(b, `my volunteering ${label}`)
    } finally { await b.close() }
  })

  test(`audit log page is accessible (${label})`, { skip: !USERS.auditor && 'no auditor user' }, async () => {
    const b = await openBrowser({ viewport, bypassCSP: true })
    try {
      await loginAs(b.page, 'auditor')
      await b.page.goto('/audit')
      await b.page.locator('[data-testid="audit-table"] .audit-row').first().waitFor()
      await audit(b, `audit log ${label}`)
    } finally { await b.close() }
  })
}
