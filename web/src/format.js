// Small display helpers shared by pages.
import { i18n } from './i18n.js'

/** ISO time → local date and time in the UI language ("2026/11/26 16:05"). */
export function fmtTime(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  return d.toLocaleString(i18n.global.locale.value, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  })
}

export function fmtNum(n) {
  if (n === undefined || n === null || n === '') return ''
  return Number(n).toLocaleString(i18n.global.locale.value)
}

import { ref, onMounted, onBeforeUnmount } from 'vue'

/** True below the phone breakpoint (768px); pages switch tables to card lists. */
export function useNarrow(query = '(max-width: 768px)') {
  const narrow = ref(typeof window !== 'undefined' && window.matchMedia(query).matches)
  let mq
  const on = () => { narrow.value = mq.matches }
  onMounted(() => { mq = window.matchMedia(query); on(); mq.addEventListener('change', on) })
  onBeforeUnmount(() => mq && mq.removeEventListener('change', on))
  return narrow
}
