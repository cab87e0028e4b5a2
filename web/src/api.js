// API client: JSON in and out, same-origin cookies, one error shape.
//
// Every failure becomes an ApiError carrying the server's
// {"error":{"code","message","field","detail"}} plus the HTTP status, and
// errorText() turns it into one sentence for the user.  A 401 on any call
// except the login itself means the session is gone: the client forgets the
// user and sends the browser to /login?redirect=<where they were>.
import { i18n, t } from './i18n.js'

export class ApiError extends Error {
  constructor(status, body, headers) {
    const e = (body && body.error) || {}
    super(e.message || `HTTP ${status}`)
    this.status = status
    this.code = e.code || (status === 0 ? 'network' : '')
    this.serverMessage = e.message || ''
    this.field = e.field || ''
    this.where = e.where || ''
    this.detail = e.detail || {}
    this.retryAfter = headers ? Number(headers.get?.('Retry-After')) || 0 : 0
  }
}

let onUnauthenticated = () => {}
/** The router registers what to do when the server answers 401. */
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn }

async function parseBody(res) {
  if (res.status === 204) return null
  const type = res.headers.get('Content-Type') || ''
  if (type.includes('application/json')) {
    try { return await res.json() } catch { return null }
  }
  const text = await res.text()
  try { return JSON.parse(text) } catch { return text ? { text } : null }
}

/**
 * request(method, url, {body, query, auth401}) → parsed JSON body.
 * body: a plain object (sent as JSON) or FormData (sent as multipart).
 * auth401: false to handle 401 yourself (login form, session probe).
 */
export async function request(method, url, opts = {}) {
  const { body, query, auth401 = true, signal } = opts
  if (query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
    }
    const s = q.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal,
  }
  if (body instanceof FormData) {
    init.body = body
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(url, init)
  } catch (err) {
    if (err && err.name === 'AbortError') throw err
    throw new ApiError(0, null)
  }
  const data = await parseBody(res)
  if (!res.ok) {
    const e = new ApiError(res.status, data, res.headers)
    if (res.status === 401 && auth401) onUnauthenticated(e)
    throw e
  }
  return data
}

export const api = {
  get: (url, query, opts) => request('GET', url, { ...opts, query }),
  post: (url, body, opts) => request('POST', url, { ...opts, body }),
  put: (url, body, opts) => request('PUT', url, { ...opts, body }),
  del: (url, opts) => request('DELETE', url, opts),
}

/**
 * upload(url, formData, onProgress) — multipart POST through XMLHttpRequest,
 * because fetch cannot report upload progress.  onProgress(0..100).
 * Resolves with the JSON body; rejects with ApiError like request().
 */
export function upload(url, formData, onProgress, { auth401 = true } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = false // same-origin requests send cookies anyway
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(Math.round((ev.loaded / ev.total) * 100))
    }
    xhr.onerror = () => reject(new ApiError(0, null))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    xhr.onload = () => {
      let data = null
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null } catch { data = null }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data)
      const headers = { get: (h) => xhr.getResponseHeader(h) }
      const e = new ApiError(xhr.status, data, headers)
      if (xhr.status === 401 && auth401) onUnauthenticated(e)
      reject(e)
    }
    xhr.send(formData)
  })
}

/** One sentence for the user: the server's Chinese message when the UI is
 *  Chinese, otherwise the translated text for the error code. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return (err && err.message) || t('errors.unknown', { status: '?' })
  if (err.status === 0) return t('errors.network')
  const zh = i18n.global.locale.value === 'zh-CN'
  if (zh && err.serverMessage) return err.serverMessage
  const key = `errors.${err.code}`
  let text
  if (err.code && i18n.global.te(key)) text = t(key)
  else if (err.status >= 500) text = t('errors.server', { status: err.status })
  else text = err.serverMessage || t('errors.unknown', { status: err.status })
  if (err.field) text += ' ' + t('errors.field', { field: err.field })
  return text
}
