// The UI's strings: Chinese and English have the same keys, and every key the
// code names literally (t('…'), label: '…', title: '…') exists.  No browser needed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'src')
const zh = (await import(path.join(src, 'locales', 'zh-CN.js'))).default
const en = (await import(path.join(src, 'locales', 'en.js'))).default
const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]))

test('zh-CN and en have the same keys', () => {
  const a = new Set(keys(zh)), b = new Set(keys(en))
  assert.deepEqual([...a].filter((k) => !b.has(k)), [], 'keys missing in en.js')
  assert.deepEqual([...b].filter((k) => !a.has(k)), [], 'keys missing in zh-CN.js')
})

test('every string key named in the code exists', () => {
  const have = new Set(keys(zh))
  const files = fs.readdirSync(src, { recursive: true }).filter((f) => /\.(vue|js)$/.test(f) && !f.startsWith('locales'))
  const missing = []
  for (const f of files) {
    const text = fs.readFileSync(path.join(src, f), 'utf8')
    for (const m of text.matchAll(/\b(?:t|te)\(\s*'([A-Za-z][\w.]*)'|\b(?:label|title|group):\s*'([a-z]\w*\.[\w.]+)'/g)) {
      const k = m[1] || m[2]
      if (!have.has(k)) missing.push(`${f}: ${k}`)
    }
  }
  assert.deepEqual(missing, [])
})
