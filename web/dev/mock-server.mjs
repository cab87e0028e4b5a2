// A stand-in for `ejia serve` while the C server's parts land: serves web/dist
// with the server's CSP and SPA fallback, and answers the API contract the UI
// is built against (auth, /api/me, ledger imports) from memory.
//
//   node web/dev/mock-server.mjs [--port 5180] [--root web/dist]
//
// Users: one per role, username = role (city, district, park, org_admin,
// secretary, member, investor, auditor, sysadmin), password "Demo-pass-2026";
// sysadmin must set up a second factor (TOTP) first, as on the real server;
// member has masked phone/ID fields.  "flood" always answers 429;
// any user is locked for 30 minutes after 5 wrong passwords ("lockme" is a
// spare member account for trying that).  For development and UI screenshots
// only: the e2e specs run against the real server (scripts/e2e), or against
// this one with E2E_MOCK=1.
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const opt = (n, d) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : d }
const PORT = Number(opt('--port', process.env.PORT || 5180))
const ROOT = path.resolve(opt('--root', path.join(here, '..', 'dist')))
const PASSWORD = 'Demo-pass-2026'
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"

const LABELS = { city: '市委组织部', district: '区委组织部', park: '园区党工委', org_admin: '组织管理员', secretary: '支部书记', member: '党员', investor: '出资人', auditor: '审计员', sysadmin: '系统管理员' }
const SCOPES = {
  city: { kind: 'city', code: '3502', name: '厦门市' },
  district: { kind: 'district', code: '350203', name: '思明区' },
  park: { kind: 'park', code: 'P01', name: '厦门软件园二期' },
  org_admin: { kind: 'org', code: 'O0102', name: '美图公司党委' },
  secretary: { kind: 'org', code: 'O010201', name: '美图公司第一党支部' },
  member: { kind: 'self', code: 'M1001', name: '本人' },
  investor: { kind: 'org', code: 'E3001', name: '厦门乐里互通信息有限公司' },
  auditor: { kind: 'city', code: '3502', name: '厦门市' },
  sysadmin: { kind: 'city', code: '3502', name: '厦门市' },
}
const NAMES = { city: '陈建国', district: '林晓燕', park: '黄志明', org_admin: '吴丽华', secretary: '郑海峰', member: '王小红', investor: '蔡文杰', auditor: '许静', sysadmin: '系统管理员' }
const PERMS = { city: ['ledger.import', 'ledger.read'], district: ['ledger.import', 'ledger.read'], park: ['ledger.import', 'ledger.read'], auditor: ['audit.read'], sysadmin: ['user.admin', 'audit.read'] }
let nextUser = 1
const USERS = Object.fromEntries(Object.keys(LABELS).map((r) => [r, {
  id: nextUser++, username: r, name: NAMES[r], role: r, role_label: LABELS[r], scope: SCOPES[r],
}]))
USERS.lockme = { ...USERS.member, id: nextUser++, username: 'lockme', name: '锁定测试' }
for (const u of Object.values(USERS)) {
  u.must_change_password = false
  u.password_expired = false
  u.totp = { required: u.role === 'sysadmin', enabled: false }
  if (u.role === 'member') { u.phone = '138****5678'; u.id_number = '3502**********1234' }
}
const passwords = new Map() // username → password (changed ones)
const totpSecrets = new Map() // username → {secret, pending}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) over a base32 secret, ±1 step.
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
function b32decode(str) {
  let bits = '', out = []
  for (const c of str.replace(/=+$/, '').toUpperCase()) bits += B32.indexOf(c).toString(2).padStart(5, '0')
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(out)
}
function totpAt(secret, step) {
  const msg = Buffer.alloc(8); msg.writeBigUInt64BE(BigInt(step))
  const h = crypto.createHmac('sha1', b32decode(secret)).update(msg).digest()
  const o = h[h.length - 1] & 15
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0')
}
function totpOk(secret, code) {
  const step = Math.floor(Date.now() / 30000)
  return [-1, 0, 1].some((d) => totpAt(secret, step + d) === code)
}
function newSecret() {
  const b = crypto.randomBytes(20); let bits = '', out = ''
  for (const x of b) bits += x.toString(2).padStart(8, '0')
  for (let i = 0; i < bits.length; i += 5) out += B32[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)]
  return out
}

const sessions = new Map() // token → username
const sessionInfo = new Map() // token → {id, created_at, ...}
let nextSession = 1
const failures = new Map() // username → {n, until}: 5 failures lock for 30 minutes
const imports = [] // {import, columns, problems[], sha, owner}
let nextImport = 1

function send(res, status, body, headers = {}) {
  const h = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers }
  if (body === undefined) { res.writeHead(status, h); return res.end() }
  h['Content-Type'] = 'application/json; charset=utf-8'
  res.writeHead(status, h)
  res.end(JSON.stringify(body))
}
const err = (res, status, code, message, extra = {}, headers) => send(res, status, { error: { code, message, ...extra } }, headers)

function readBody(req, limit = 20 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = []; let n = 0
    req.on('data', (c) => { n += c.length; if (n > limit) { reject(new Error('too_large')); req.destroy() } else chunks.push(c) })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function currentUser(req) {
  const m = /(?:^|;\s*)ejia_session=([^;]+)/.exec(req.headers.cookie || '')
  const u = m && sessions.get(m[1])
  return u ? USERS[u] : null
}

function parseMultipart(buf, type) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type || '')
  if (!m) return {}
  const boundary = Buffer.from('--' + (m[1] || m[2]))
  const out = {}
  let pos = buf.indexOf(boundary)
  while (pos >= 0) {
    const next = buf.indexOf(boundary, pos + boundary.length)
    if (next < 0) break
    const part = buf.subarray(pos + boundary.length + 2, next - 2)
    const sep = part.indexOf('\r\n\r\n')
    const head = part.subarray(0, sep).toString('utf8')
    const body = part.subarray(sep + 4)
    const name = /name="([^"]*)"/.exec(head)
    const filename = /filename="([^"]*)"/.exec(head)
    if (name) out[name[1]] = filename ? { filename: filename[1], data: body } : body.toString('utf8')
    pos = next
  }
  return out
}

const FIELD = { '序号': 'seq', '企业名称': 'name', '公司名称': 'name', '单位名称': 'name', '统一社会信用代码': 'code', '社会信用代码': 'code', '信用代码': 'code', '所属区': 'district', '区域': 'district', '经营地址': 'address', '办公地址': 'address', '从业人数': 'employees', '职工人数': 'employees', '从业人员数': 'employees', '党员数': 'members', '正式党员数': 'members', '党员人数': 'members', '所属行业': 'category', '行业类别': 'category', '状态': 'status', '联系人': 'contact', '电话': 'phone' }

// A toy reader: CSV only (UTF-8), first row with ≥ 3 cells is the header.
function analyse(filename, data) {
  const ext = (path.extname(filename).slice(1) || 'csv').toLowerCase()
  const text = data.toString('utf8').replace(/^\uFEFF/, '')
  const lines = text.split(/\r?\n/)
  let hi = lines.findIndex((l) => l.split(',').length >= 3)
  if (hi < 0) hi = 0
  const headers = (lines[hi] || '').split(',').map((s) => s.trim())
  const columns = headers.map((h) => ({ header: h, field: FIELD[h] || null }))
  const problems = []
  let rows = 0
  for (let i = hi + 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue
    rows++
    const cells = lines[i].split(',')
    headers.forEach((h, c) => {
      const f = FIELD[h]; const v = (cells[c] || '').trim()
      const p = (kind, message) => problems.push({ row: rows, sheet_row: i + 1, column: h, value: v, kind, message })
      if (f === 'code') {
        if (!v) p('warning', '统一社会信用代码为空：无法按代码比对，将按名称和地址比对。')
        else if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(v)) p('error', `统一社会信用代码“${v}”格式不正确：应为 18 位数字或大写字母（不含 I、O、Z、S、V）。请核对原始登记信息。`)
      } else if (f === 'employees' && v && !/^\d+$/.test(v)) p('error', `从业人数“${v}”不是整数，请填写阿拉伯数字。`)
      else if (f === 'name' && !v) p('error', '企业名称为空：该行无法导入，请补全名称。')
    })
  }
  return { ext, rows, columns, problems }
}

async function api(req, res, url) {
  const p = url.pathname
  const method = req.method
  if (p === '/healthz' || p === '/api/healthz') return send(res, 200, { status: 'ok', mock: true })
  if (p === '/api/auth/login' && method === 'POST') {
    let body = {}
    try { body = JSON.parse((await readBody(req)).toString('utf8') || '{}') } catch { return err(res, 400, 'invalid', '请求内容不是有效的 JSON。') }
    if (body.username === 'flood') return err(res, 429, 'rate_limited', '请求过于频繁，请稍后再试。', {}, { 'Retry-After': '60' })
    const f = failures.get(body.username) || { n: 0, until: 0 }
    if (f.until > Date.now()) return err(res, 423, 'locked', `账号因连续 5 次登录失败已锁定，请于 ${new Date(f.until).toISOString()} 之后再试。`, { detail: { until: new Date(f.until).toISOString() } })
    const u = USERS[body.username]
    if (!u || body.password !== (passwords.get(body.username) || PASSWORD)) {
      f.n++
      if (f.n >= 5) { f.until = Date.now() + 30 * 60e3; f.n = 0 }
      failures.set(body.username, f)
      return err(res, 401, 'bad_credentials', '用户名或密码错误。')
    }
    failures.delete(body.username)
    if (u.totp.enabled && !(body.otp && totpOk(totpSecrets.get(u.username).secret, body.otp))) {
      return err(res, 401, 'otp_required', body.otp ? '动态验证码不正确或已过期，请重新输入。' : '该账号已启用双因素认证，请输入身份验证器中显示的 6 位动态验证码。', { field: 'otp' })
    }
    const tok = crypto.randomBytes(16).toString('hex')
    sessions.set(tok, u.username)
    sessionInfo.set(tok, { id: nextSession++, created_at: Math.floor(Date.now() / 1000), last_seen: Math.floor(Date.now() / 1000), address: req.socket.remoteAddress, user_agent: req.headers['user-agent'] || '' })
    return send(res, 200, { user: u }, { 'Set-Cookie': `ejia_session=${tok}; Path=/; HttpOnly; SameSite=Strict` })
  }
  const user = currentUser(req)
  if (!user) return err(res, 401, 'unauthenticated', '尚未登录或登录已过期。')
  if (p === '/api/auth/logout' && method === 'POST') {
    const m = /(?:^|;\s*)ejia_session=([^;]+)/.exec(req.headers.cookie || '')
    if (m) sessions.delete(m[1])
    return send(res, 204, undefined, { 'Set-Cookie': 'ejia_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict' })
  }
  const tokenOf = () => (/(?:^|;\s*)ejia_session=([^;]+)/.exec(req.headers.cookie || '') || [])[1]
  const json = async () => { try { return JSON.parse((await readBody(req)).toString('utf8') || '{}') } catch { return {} } }
  const pwOk = (pw) => pw === (passwords.get(user.username) || PASSWORD)
  if (p === '/api/me') return send(res, 200, { user, permissions: PERMS[user.role] || [], session: { id: sessionInfo.get(tokenOf())?.id } })
  if (p === '/api/me/password' && method === 'POST') {
    const b = await json()
    if (!pwOk(b.password)) return err(res, 401, 'bad_credentials', '当前密码不正确。', { field: 'password' })
    if (!b.new_password || b.new_password.length < 8) return err(res, 400, 'invalid', '新密码至少 8 位，并包含大小写字母、数字和符号中的三类。', { field: 'new_password' })
    passwords.set(user.username, b.new_password); user.must_change_password = false
    return send(res, 204)
  }
  if (p === '/api/me/totp' && method === 'GET') return send(res, 200, user.totp)
  if (p === '/api/me/totp/setup' && method === 'POST') {
    const b = await json()
    if (!pwOk(b.password)) return err(res, 401, 'bad_credentials', '密码不正确。', { field: 'password' })
    const secret = newSecret()
    totpSecrets.set(user.username, { ...(totpSecrets.get(user.username) || {}), pending: secret })
    return send(res, 200, { secret, uri: `otpauth://totp/ejia:${user.username}?secret=${secret}&issuer=ejia` })
  }
  if (p === '/api/me/totp/enable' && method === 'POST') {
    const b = await json(); const t = totpSecrets.get(user.username)
    if (!t || !t.pending) return err(res, 409, 'conflict', '请先生成动态验证码密钥。')
    if (!totpOk(t.pending, String(b.otp || ''))) return err(res, 400, 'invalid', '动态验证码不正确：请核对身份验证器中的 6 位数字和手机时间后重试。', { field: 'otp' })
    totpSecrets.set(user.username, { secret: t.pending }); user.totp.enabled = true
    return send(res, 204)
  }
  if (p === '/api/me/totp' && method === 'DELETE') {
    const b = await json()
    if (user.totp.required) return err(res, 403, 'forbidden', '您的角色必须使用双因素认证，不能关闭。')
    if (!pwOk(b.password)) return err(res, 401, 'bad_credentials', '密码不正确。', { field: 'password' })
    user.totp.enabled = false; totpSecrets.delete(user.username)
    return send(res, 204)
  }
  if (p === '/api/me/sessions') {
    const items = [...sessions.entries()].filter(([, u]) => u === user.username)
      .map(([tok]) => ({ ...sessionInfo.get(tok), current: tok === tokenOf() })).sort((a, b) => b.id - a.id)
    return send(res, 200, { items })
  }
  const sm = /^\/api\/me\/sessions\/(\d+)$/.exec(p)
  if (sm && method === 'DELETE') {
    for (const [tok, info] of sessionInfo) if (String(info.id) === sm[1] && sessions.get(tok) === user.username) { sessions.delete(tok); sessionInfo.delete(tok) }
    return send(res, 204)
  }
  if (user.totp.required && !user.totp.enabled) return err(res, 403, 'forbidden', '您的账号必须先设置双因素认证（动态验证码）才能使用此功能：请在“我的账号”中完成设置。')

  // An import belongs to its importer's district or park (null: the city office).
  const scopeOf = (u) => (['district', 'park'].includes(u.scope.kind) ? u.scope.code : null)
  const visible = (u, i) => scopeOf(u) === null || i.scope === scopeOf(u)
  const canLedger = (PERMS[user.role] || []).includes('ledger.import')
  if (p === '/api/ledger/imports') {
    if (!canLedger) return err(res, 403, 'forbidden', '您的角色无权导入台账。')
    if (method === 'POST') {
      let parts
      try { parts = parseMultipart(await readBody(req), req.headers['content-type']) } catch { return err(res, 413, 'too_large', '文件超过 20 MB 上限。') }
      const f = parts.file
      if (!f || !f.filename) return err(res, 400, 'invalid', '缺少上传文件（字段 file）。', { field: 'file' })
      if (!/\.(csv|xlsx|xls)$/i.test(f.filename)) return err(res, 400, 'invalid', `不支持的文件类型“${f.filename}”，请上传 xlsx、xls 或 csv。`, { field: 'file' })
      const sha = crypto.createHash('sha256').update(f.data).digest('hex')
      const dup = imports.find((i) => i.sha === sha)
      if (dup) return err(res, 409, 'conflict', `该文件已于 ${dup.import.created_at.slice(0, 16).replace('T', ' ')} 导入（导入编号 ${dup.import.id}），未重复导入。`, { detail: { import_id: dup.import.id } })
      const a = analyse(f.filename, f.data)
      const imp = { id: nextImport++, source: f.filename, format: a.ext, rows: a.rows, problems: a.problems.length, status: 'done', created_at: new Date().toISOString(), created_by_name: user.name }
      imports.unshift({ import: imp, columns: a.columns, problems: a.problems, sha, scope: scopeOf(user) })
      return send(res, 201, { import: imp })
    }
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
    const size = Math.min(200, Math.max(1, Number(url.searchParams.get('size')) || 20))
    const mine = imports.filter((i) => visible(user, i))
    return send(res, 200, { items: mine.slice((page - 1) * size, page * size).map((i) => i.import), total: mine.length })
  }
  const m = /^\/api\/ledger\/imports\/(\d+)(\/problems\.xlsx)?$/.exec(p)
  if (m) {
    if (!canLedger) return err(res, 403, 'forbidden', '您的角色无权查看台账导入。')
    const it = imports.find((i) => String(i.import.id) === m[1])
    if (it && !visible(user, it)) return err(res, 403, 'forbidden', '该导入记录不在您的数据范围内。')
    if (!it) return err(res, 404, 'not_found', `导入记录 ${m[1]} 不存在。`)
    const kind = url.searchParams.get('kind') || ''
    const q = (url.searchParams.get('q') || '').trim()
    const list = it.problems.filter((x) => (!kind || x.kind === kind) && (!q || x.value.includes(q) || x.message.includes(q) || x.column.includes(q)))
    if (m[2]) {
      const name = encodeURIComponent(`${it.import.source}-问题报告.xlsx`)
      res.writeHead(200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Content-Disposition': `attachment; filename*=UTF-8''${name}` })
      return res.end(Buffer.from('PK\u0003\u0004 mock xlsx: ' + list.length + ' rows'))
    }
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
    const size = Math.min(200, Math.max(1, Number(url.searchParams.get('size')) || 50))
    return send(res, 200, { import: it.import, columns: it.columns, problems: { items: list.slice((page - 1) * size, page * size), total: list.length } })
  }
  return err(res, 404, 'not_found', `接口 ${p} 不存在。`)
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.json': 'application/json' }
function serveStatic(req, res, url) {
  let rel = decodeURIComponent(url.pathname)
  let file = path.join(ROOT, rel)
  if (!file.startsWith(ROOT) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(ROOT, 'index.html')
  const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' }
  if (rel.startsWith('/assets/')) headers['Cache-Control'] = 'public, max-age=31536000, immutable'
  res.writeHead(200, headers)
  fs.createReadStream(file).pipe(res)
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost')
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') {
    api(req, res, url).catch((e) => { console.error(e); err(res, 500, 'internal', '服务器内部错误。') })
  } else serveStatic(req, res, url)
})
server.listen(PORT, '127.0.0.1', () => console.log(`mock ejia on http://127.0.0.1:${server.address().port} (root ${ROOT})`))
