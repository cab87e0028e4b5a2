// The list columns' titles and the values' labels shared with the server's exports: one
// dictionary, data/fields.json (the server embeds it; an export spec "工作表|#list" takes its
// columns from it), so a list's column titles and its xlsx header are the same words.
//   t('fields.<list>.<key>')            a column title (lists: orgs, coverage, round_entities)
//   t('fields.labels.<name>.<value>')   a value's label (based_on, covered, instructor, verified, yesno)
import dict from '../../../../data/fields.json' with { type: 'json' }

function lang(i) {
  const out = { labels: {} }
  for (const [name, map] of Object.entries(dict.labels)) out.labels[name] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v[i]]))
  for (const [list, cols] of Object.entries(dict.lists)) out[list] = Object.fromEntries(cols.map((c) => [c[0], c[1 + i]]))
  return { fields: out }
}

export default { 'zh-CN': lang(0), en: lang(1) }

// One set of value labels in a language (0 zh, 1 en), for a page's own part to take its words from
// the dictionary instead of repeating them (a state's words on the screen are the export's).
export function labelsOf(name, i) {
  return Object.fromEntries(Object.entries(dict.labels[name]).map(([k, v]) => [k, v[i]]))
}
