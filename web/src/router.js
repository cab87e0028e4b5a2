// Routes: /login and the 404 page stand alone; everything else lives inside
// the workbench layout and needs a session.  Guards ask /api/me once, send
// anonymous visitors to /login?redirect=…, and show the 403 page when a role
// opens a page that is not theirs (the server checks again on every call).
import { createRouter, createWebHistory } from 'vue-router'
import { PAGES, allowed } from './nav.js'
import { session, loadMe, forget, accountPending } from './session.js'
import { setUnauthenticatedHandler } from './api.js'
import { t } from './i18n.js'

const ComingSoon = () => import('./views/ComingSoonView.vue')

const children = PAGES.map((p) => ({
  path: p.path === '/' ? '' : p.path.replace(/^\//, ''),
  name: p.name,
  component: p.soon ? ComingSoon : p.component,
  meta: { page: p, title: p.label },
}))
children.push({ path: 'forbidden', name: 'forbidden', component: () => import('./views/ForbiddenView.vue'), meta: { title: 'forbidden.title' } })

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  // the secretary's check-in QR screen: full screen, outside the workbench frame
  { path: '/training/:id(\\d+)/sessions/:sid(\\d+)/qr', name: 'training-qr', component: () => import('./views/TrainingQrView.vue'),
    meta: { page: { name: 'training-qr', roles: ['city'], perm: 'training.write' }, title: 'training.qr.title' } },
  { path: '/meetings/:id(\\d+)/qr', name: 'meeting-qr', component: () => import('./views/MeetingQrView.vue'),
    meta: { page: { name: 'meeting-qr', roles: ['city', 'district', 'park', 'org_admin', 'secretary'], perm: 'meeting.write' }, title: 'meeting.qr' } },
  { path: '/volunteer/activities/:id(\\d+)/qr', name: 'volunteer-qr', component: () => import('./views/VolunteerQrView.vue'),
    meta: { page: { name: 'volunteer-qr', roles: ['city', 'district', 'park', 'org_admin', 'secretary'], perm: 'volunteer.write' }, title: 'volunteer.qr.title' } },
  // a volunteer activity's check-in link as the server names it (/m/volunteer/checkin?t=<code>): the member's page
  { path: '/m/volunteer/checkin', redirect: (to) => ({ path: '/me/volunteer', query: { c: to.query.t } }) },
  // the check-in link as the server names it (/m/checkin?t=<code>): the same page
  { path: '/m/checkin', redirect: (to) => ({ path: '/checkin', query: { c: to.query.t } }) },
  { path: '/', component: () => import('./layouts/AppLayout.vue'), children },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true, title: 'notFound.title' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try { await loadMe() } catch { /* network trouble: treat as logged out */ }
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return { path: safeRedirect(to.query.redirect) }
    return true
  }
  if (!session.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  // A role that must use a second factor can do nothing else until it is set up,
  // and a one-time password (first login, or reset by an administrator) must be
  // replaced first (the server refuses every other call meanwhile): go to the
  // account page, keeping where the user was going (?next=), where the account
  // page sends them once it is done.
  const pending = accountPending()
  if (pending && to.name !== 'account') {
    const next = to.fullPath !== '/' ? { next: to.fullPath } : {}
    return { name: 'account', query: next, hash: pending === 'password' ? '#password' : '#totp' }
  }
  const page = to.meta.page
  if (page && !allowed(page)) return { name: 'forbidden', query: { from: to.fullPath } }
  return true
})

router.afterEach((to) => {
  const title = to.meta.title ? t(to.meta.title) : ''
  document.title = title ? `${title} · ${t('app.name')}` : t('app.name')
})

/** Only same-site paths are followed after login (no open redirect). */
export function safeRedirect(r) {
  if (typeof r !== 'string' || !r.startsWith('/') || r.startsWith('//') || r.startsWith('/\\')) return '/'
  return r
}

// A page often has several calls in flight when the session ends: the first
// 401 leads to the login page (with the "expired" notice); the others, which
// arrive while that navigation is under way, must not replace it with one
// that has lost the notice.
let leaving = null
setUnauthenticatedHandler(() => {
  const wasIn = !!session.user
  forget()
  const cur = router.currentRoute.value
  if (cur.meta.public || leaving) return
  leaving = router.replace({ name: 'login', query: { redirect: cur.fullPath, ...(wasIn ? { expired: '1' } : {}) } })
    .catch(() => {})
    .finally(() => { leaving = null })
})
