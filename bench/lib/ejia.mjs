// bench/lib/ejia.mjs — helpers shared by bench/crash-cycles and bench/soak:
// start `ejia serve` and wait until it listens (no fixed sleeps), a small
// HTTP client over node:http (keep-alive, cookie, Origin, multipart, a hook
// for the moment a request has been handed to the kernel), ledger files
// (CSV and a minimal xlsx writer with shared strings), direct SQL through the
// sqlite3 / psql command-line clients, and small statistics.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { deflateRawSync, crc32 } from 'node:zlib';

// ---- the server ----

// Start `ejia serve` on a free loopback port; resolves when it prints its URL.
// opts: bin, db, args (extra flags), env, timeoutMs, onPid(pid).
export function startServer({ bin, db, args = [], env = {}, timeoutMs = 60000, onPid } = {}) {
  const child = spawn(bin, ['serve', '--db', db, '--port', '0', '--log-level', 'warn', '--web-root', '/nonexistent', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  onPid?.(child.pid);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
  const exited = new Promise((res) => child.once('exit', (code, sig) => res({ code, sig })));
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (msg) => { clearTimeout(t); try { child.kill('SIGKILL'); } catch {} reject(new Error(msg)); };
    const t = setTimeout(() => fail(`ejia serve did not start within ${timeoutMs} ms: ${stderr}`), timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(t);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        const port = Number(m[1]);
        resolve({ child, pid: child.pid, port, base: `http://127.0.0.1:${port}`, exited, stderr: () => stderr });
      }
    });
    child.once('exit', (code, sig) => { clearTimeout(t); reject(new Error(`ejia serve exited (${code ?? sig}) before listening: ${stderr}`)); });
  });
}

// Run an ejia subcommand; throws unless it exits 0 (unless opts.check === false).
export function ejiaRun(bin, args, { input, env = {}, check = true } = {}) {
  const r = spawnSync(bin, args, { input, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (check && r.status !== 0) throw new Error(`ejia ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r;
}

// ---- HTTP ----

// A client bound to one server (rebind with setBase after a restart); keeps
// the session cookie.  request() resolves {status, data, text, ms}; opts.onSent
// is called when the whole request has been written to the socket.
export class Client {
  constructor(base, { maxSockets = Infinity } = {}) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: 1024 });
    this.cookie = '';
    this.setBase(base);
  }
  setBase(base) {
    this.base = base;
    const u = new URL(base);
    this.host = u.hostname; this.port = Number(u.port);
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: this.agent.maxSockets, maxFreeSockets: 1024 });
  }
  request(method, path, { json, body, contentType, headers = {}, onSent, timeoutMs = 120000 } = {}) {
    const h = { ...headers };
    if (json !== undefined) { body = Buffer.from(JSON.stringify(json)); h['content-type'] = 'application/json'; }
    else if (contentType) h['content-type'] = contentType;
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    if (this.cookie) h.cookie = this.cookie;
    if (method !== 'GET' && method !== 'HEAD') h.origin = this.base;
    const t0 = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path, headers: h, agent: this.agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data = null;
          try { data = text ? JSON.parse(text) : null; } catch { data = text; }
          for (const sc of [].concat(res.headers['set-cookie'] || [])) {
            const kv = sc.split(';')[0];
            if (/max-age=0/i.test(sc) || kv.endsWith('=')) continue;
            this.cookie = kv;
          }
          resolve({ status: res.statusCode, data, text, headers: res.headers, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${path}`)));
      req.on('error', reject);
      req.end(body, () => onSent?.());
    });
  }
  get(p, o) { return this.request('GET', p, o); }
  post(p, json, o = {}) { return this.request('POST', p, { json, ...o }); }
  async login(username, password) {
    const r = await this.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    return r;
  }
  close() { this.agent.destroy(); }
}

// A multipart/form-data body with one file field (as a browser sends it).
export function multipart(field, filename, bytes, extra = {}) {
  const boundary = '----ejiabench' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(extra))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'));
  parts.push(bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// ---- ledger files ----

const DISTRICTS = ['思明区', '湖里区', '集美区', '海沧区', '同安区', '翔安区'];
export const DISTRICT_CODES = ['350203', '350206', '350211', '350205', '350212', '350213'];

// rows of a small enterprise ledger; every 17th row carries a bad 从业人数 (a problem row).
export function ledgerRows(tag, n) {
  const rows = [['企业名称', '统一社会信用代码', '所属区', '从业人数', '党员数', '所属行业']];
  for (let r = 0; r < n; r++) {
    rows.push([`厦门${tag}第${r}号网络科技有限公司`, '', DISTRICTS[r % 6], r % 17 === 5 ? '十几' : String(3 + (r * 7) % 120),
      String(r % 5), ['新闻', '社交', '网游', '电商', '金融', '数据'][r % 6]]);
  }
  return rows;
}
export function csvOf(rows) { return Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n'); }

// A minimal xlsx (one sheet, shared strings, deflated) that Excel and ejia read.
export function xlsxOf(rows) {
  const ss = [], idx = new Map();
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const col = (i) => { let s = ''; for (i++; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s; return s; };
  const sheetRows = rows.map((r, ri) => `<row r="${ri + 1}">` + r.map((v, ci) => {
    const ref = `${col(ci)}${ri + 1}`;
    if (/^\d+$/.test(v)) return `<c r="${ref}"><v>${v}</v></c>`;
    if (!idx.has(v)) { idx.set(v, ss.length); ss.push(v); }
    return `<c r="${ref}" t="s"><v>${idx.get(v)}</v></c>`;
  }).join('') + '</row>').join('');
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="企业台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${ss.length}" uniqueCount="${ss.length}">${ss.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
  };
  return zip(files);
}

function zip(files) {
  const local = [], central = [];
  let off = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8'), comp = deflateRawSync(data), nm = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x0800, 6); lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(comp.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(nm.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(0x0800, 8); ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(comp.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(nm.length, 28);
    ch.writeUInt32LE(off, 42);
    local.push(lh, nm, comp); central.push(ch, nm);
    off += 30 + nm.length + comp.length;
  }
  const cd = Buffer.concat(central), end = Buffer.alloc(22);
  const n = Object.keys(files).length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(n, 8); end.writeUInt16LE(n, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...local, cd, end]);
}

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// ---- SQL straight to the database (bypassing ejia) ----

const US = '\x1f', RS = '\x1e';
// Rows of a query as arrays of strings (NULL → ''), through sqlite3 or psql.
export function sqlRows(db, q) {
  const pg = /^postgres/.test(db);
  const r = pg
    ? spawnSync('psql', [db, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-F', US, '-R', RS, '-c', q], { encoding: 'utf8', maxBuffer: 256 << 20 })
    : spawnSync('sqlite3', ['-batch', '-noheader', '-bail', '-separator', US, '-newline', RS, db, q], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`SQL failed (${r.status ?? r.signal}): ${q}\n${r.stderr}`);
  const out = r.stdout.replace(/\n$/, '');
  if (!out) return [];
  return out.split(RS).filter((l, i, a) => !(l === '' && i === a.length - 1)).map((l) => l.split(US));
}
export const sqlOne = (db, q) => (sqlRows(db, q)[0] || [])[0];

// ---- statistics ----
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
// least-squares slope of y over x
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return den ? num / den : 0;
}
// a random integer in [lo, hi] and a log-uniform number in [lo, hi]
export const randInt = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
export const logUniform = (lo, hi) => Math.exp(Math.log(lo) + Math.random() * (Math.log(hi) - Math.log(lo)));
export const pick = (a) => a[Math.floor(Math.random() * a.length)];
