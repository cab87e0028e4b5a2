// The UI's strings (web/src/locales/): one file per page under parts/, each holding that
// page's Chinese and English.  Checked here, without a browser:
//   - every part is merged by locales/index.js (a forgotten part would leave keys missing);
//   - in every part, Chinese and English have the same keys, every value is non-empty text,
//     and both name the same {placeholders};
//   - every Chinese string is Chinese (not an English copy left untranslated);
//   - every key the code names literally (t('…'), label: '…', title: '…') exists;
//   - the code holds no Chinese text of its own: a page string outside the locale files
//     would not follow the language switch (Chinese data values such as the kinds of
//     organization, which the server speaks, are allowed).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'src')
const { PARTS, LANGS, messages } = await import(path.join(src, 'locales', 'index.js'))
const { ORG_KINDS } = await import(path.join(src, 'orgkind.js'))
const { MEMBER_CATEGORIES, MEMBER_STATES } = await import(path.join(src, 'memberkind.js'))
const { DEVELOP_STAGES } = await import(path.join(src, 'developkind.js'))
const { MEETING_KINDS } = await import(path.join(src, 'meetingkind.js'))
const { FLOW_REASONS } = await import(path.join(src, 'flowkind.js'))
const { ENT_CATEGORIES } = await import(path.join(src, 'registerkind.js'))
const { COMMITTEE_POSTS } = await import(path.join(src, 'postkind.js'))
const { ALLIANCE_KINDS } = await import(path.join(src, 'alliancekind.js'))
const leaves = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? leaves(v, `${p}${k}.`) : [[`${p}${k}`, v]]))
const keys = (o) => leaves(o).map(([k]) => k)
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',')
// Names that are the same in every language.
const SAME_IN_EVERY_LANGUAGE = new Set(['app.short', 'lang.en'])

test('every file in locales/parts/ is merged by locales/index.js', () => {
  const files = fs.readdirSync(path.join(src, 'locales', 'parts')).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, ''))
  assert.deepEqual(files.filter((f) => !(f in PARTS)), [], 'parts not listed in locales/index.js')
  assert.ok(!fs.existsSync(path.join(src, 'locales', 'zh-CN.js')) && !fs.existsSync(path.join(src, 'locales', 'en.js')),
    'one layout: per-page files under parts/, no per-language tables beside them')
})

for (const [name, part] of Object.entries(PARTS)) {
  test(`parts/${name}.js: Chinese and English have the same keys, placeholders and no empty string`, () => {
    assert.deepEqual(Object.keys(part).sort(), [...LANGS].sort(), 'one table per language')
    const zh = new Map(leaves(part['zh-CN'])), en = new Map(leaves(part.en))
    assert.deepEqual([...zh.keys()].filter((k) => !en.has(k)), [], 'keys missing in English')
    assert.deepEqual([...en.keys()].filter((k) => !zh.has(k)), [], 'keys missing in Chinese')
    const bad = []
    for (const [k, v] of zh) {
      const e = en.get(k)
      if (typeof v !== 'string' || !v.trim()) bad.push(`${k}: Chinese is empty`)
      if (typeof e !== 'string' || !e.trim()) bad.push(`${k}: English is empty`)
      if (placeholders(v) !== placeholders(e)) bad.push(`${k}: placeholders {${placeholders(v)}} vs {${placeholders(e)}}`)
      // Chinese first: a Chinese string without Chinese is an English one left untranslated
      const words = String(v).replace(/\{\w+\}/g, '')
      if (/[A-Za-z]/.test(words) && !CJK.test(words) && !SAME_IN_EVERY_LANGUAGE.has(k)) bad.push(`${k}: not Chinese: ${JSON.stringify(v)}`)
    }
    assert.deepEqual(bad, [])
  })
}

test('the merged tables have the same keys in both languages', () => {
  const a = new Set(keys(messages['zh-CN'])), b = new Set(keys(messages.en))
  assert.ok(a.size > 500, `about all the UI's strings (${a.size})`)
  assert.deepEqual([...a].filter((k) => !b.has(k)), [], 'keys missing in English')
  assert.deepEqual([...b].filter((k) => !a.has(k)), [], 'keys missing in Chinese')
})

/** The UI's code (not the locale files), comments stripped. */
function code() {
  return fs.readdirSync(src, { recursive: true }).filter((f) => /\.(vue|js)$/.test(f) && !f.startsWith('locales'))
    .map((f) => [f, fs.readFileSync(path.join(src, f), 'utf8')
      .replace(/<!--[\s\S]*?-->/g, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')])
}

test('every string key named in the code exists', () => {
  const have = new Set(keys(messages['zh-CN']))
  const missing = []
  for (const [f, text] of code()) {
    for (const m of text.matchAll(/\b(?:t|te)\(\s*'([A-Za-z][\w.]*)'|\b(?:label|title|group):\s*'([a-z]\w*\.[\w.]+)'/g)) {
      const k = m[1] || m[2]
      if (!have.has(k)) missing.push(`${f}: ${k}`)
    }
  }
  assert.deepEqual(missing, [])
})

test('no Chinese page string outside the locale files', () => {
  const data = new Set([...ORG_KINDS, ...MEMBER_CATEGORIES, ...MEMBER_STATES, ...DEVELOP_STAGES, ...MEETING_KINDS, ...FLOW_REASONS, ...ENT_CATEGORIES, ...COMMITTEE_POSTS, ...ALLIANCE_KINDS].map(([zh]) => zh)) // values the server sends and expects, not UI text
  const stray = []
  for (const [f, text] of code()) {
    text.split('\n').forEach((line, i) => {
      // words only: full-width punctuation between two values (“名称（代码）”) is formatting
      for (const m of line.matchAll(/[\u3400-\u9fff\uf900-\ufaff]+/g)) {
        if (!data.has(m[0])) stray.push(`${f}:${i + 1}: ${m[0]}`)
      }
    })
  }
  assert.deepEqual(stray, [], 'move these into web/src/locales/parts/ (both languages)')
})
