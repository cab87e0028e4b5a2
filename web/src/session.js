// The logged-in user, as /api/me reports it, shared by every page.
// `session.user` is null when nobody is logged in; `loaded` tells whether we
// have asked the server yet (the router waits for that before deciding).
import { reactive } from 'vue'
import { api, ApiError } from './api.js'

export const session = reactive({
  loaded: false,
  user: null,
  permissions: [],
  assignable: [], // roles this user may create accounts of: [{name, label, scope_kind}]
  passwordRules: '', // the server's password policy in words (shown before the first try)
})

function apply(body) {
  session.user = (body && body.user) || null
  session.permissions = (body && Array.isArray(body.permissions)) ? body.permissions : []
  session.assignable = (body && Array.isArray(body.assignable_roles)) ? body.assignable_roles : []
  session.passwordRules = (body && body.password_rules) || ''
  session.loaded = true
}

/** Ask the server who we are; resolves to the user or null. */
export async function loadMe() {
  try {
    apply(await api.get('/api/me', undefined, { auth401: false }))
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) apply(null)
    else { session.loaded = true; throw e }
  }
  return session.user
}

export async function login(username, password, otp) {
  const body = { username, password }
  if (otp) body.otp = otp
  const res = await api.post('/api/auth/login', body, { auth401: false })
  // The login reply carries the user; /api/me adds the permissions.
  if (res && res.user) session.user = res.user
  try { await loadMe() } catch { /* keep the login reply's user */ }
  session.loaded = true
  return session.user
}

export async function logout() {
  try { await api.post('/api/auth/logout', undefined, { auth401: false }) } finally { forget() }
}

export function forget() {
  session.user = null
  session.permissions = []
  session.assignable = []
  session.loaded = true
}

export function hasPerm(p) {
  return session.permissions.includes(p)
}

/** What the user must do on the account page before anything else opens
 * ('totp': set up the second factor; 'password': replace a one-time
 * password; '' nothing).  The server refuses every other call meanwhile, so
 * the frame loads nothing else (no organization tree) until it is done. */
export function accountPending(u = session.user) {
  if (!u) return ''
  const tf = u.totp
  if (tf && tf.required && !tf.enabled) return 'totp'
  if (u.must_change_password) return 'password'
  return ''
}
