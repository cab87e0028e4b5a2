// vue-i18n setup: Chinese first, English second.  The choice is kept in
// localStorage; Element Plus gets the matching locale through App.vue.  The strings
// are in locales/parts/ (one file per page, both languages), merged by locales/index.js.
import { createI18n } from 'vue-i18n'
import { messages, LANGS } from './locales/index.js'

const KEY = 'ejia.lang'
export { LANGS }

function initialLang() {
  try {
    const saved = localStorage.getItem(KEY)
    if (LANGS.includes(saved)) return saved
  } catch { /* storage blocked: fall back to Chinese */ }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh-CN',
  messages,
})

export function setLang(lang) {
  if (!LANGS.includes(lang)) return
  i18n.global.locale.value = lang
  document.documentElement.lang = lang
  try { localStorage.setItem(KEY, lang) } catch { /* ignore */ }
}

export const t = (...args) => i18n.global.t(...args)

document.documentElement.lang = i18n.global.locale.value
