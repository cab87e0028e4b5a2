// Small display helpers shared by pages.
import { i18n } from './i18n.js'

/** ISO time or Unix seconds (how the server stores times) → local date and
 *  time in the UI language ("2026/11/26 16:05"). */
export function fmtTime(v) {
  if (v === undefined || v === null || v === '') return ''
  const n = typeof v === 'number' ? v : (/^\d+$/.test(String(v)) ? Number(v) : NaN)
  const d = Number.isNaN(n) ? new Date(v) : new Date(n < 1e11 ? n * 1000 : n)
  if (Number.isNaN(d.getTime())) return String(v)
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

/** Bytes → "12.3 KB". */
export function fmtBytes(n) {
  n = Number(n)
  if (!Number.isFinite(n)) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}
