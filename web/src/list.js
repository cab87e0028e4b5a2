// One way for every server-side list: page, size, sort and filters live in the
// URL (a reload or a shared link keeps the place), the server does the paging,
// sorting and filtering, and the same query with format=xlsx downloads the
// whole filtered list as Excel.
//
//   const L = useList('/api/orgs', { filters: { kind: '', q: '' }, sort: 'name' })
//   <el-table :data="L.items" @sort-change="L.onSort" :default-sort="L.defaultSort">
//   <Pager :total="L.total" :page="L.page" :size="L.size" @page="L.setPage" @size="L.setSize" />
//   <ExportButton :href="L.exportHref" />
//
// Server contract: ?page=&size= (1-based), ?sort=key or ?sort=-key (descending),
// filters as named query parameters, ?format=xlsx for the Excel file.
//
// inUrl: false keeps a second list of the same page (a tab beside the main list,
// whose state owns the URL) out of the address bar: same loading and export, no
// query parameters read or written.
import { reactive, computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { api, errorText } from './api.js'

export function useList(url, { filters = {}, sort = '', size = 20, immediate = true, extra = null, inUrl = true } = {}) {
  const route = useRoute()
  const router = useRouter()
  const q = inUrl ? route.query : {}
  const f = {}
  for (const [k, v] of Object.entries(filters)) f[k] = q[k] !== undefined ? String(q[k]) : v
  const L = reactive({
    items: [], total: 0, loading: false, error: '', data: null,
    page: Number(q.page) || 1,
    size: Number(q.size) || size,
    sort: q.sort !== undefined ? String(q.sort) : sort,
    filters: f,
  })
  const urlOf = () => (typeof url === 'function' ? url() : url)
  // Query sent to the server: filters (empty ones dropped by api.get), paging, sort, and
  // any extra parameters the page computes (a date, a round id).
  const query = () => ({ ...L.filters, ...(extra ? extra() : {}), page: L.page, size: L.size, sort: L.sort || undefined })
  let seq = 0 // only the latest answer counts when filters change quickly
  async function load() {
    const my = ++seq
    L.loading = true; L.error = ''
    try {
      const res = await api.get(urlOf(), query())
      if (my !== seq) return
      L.data = res
      L.items = (res && res.items) || []
      L.total = (res && res.total) || 0
    } catch (e) {
      if (my === seq) { L.error = errorText(e); L.items = []; L.total = 0 }
    } finally {
      if (my === seq) L.loading = false
    }
  }
  function remember() {
    if (!inUrl) return
    const keep = {}
    for (const [k, v] of Object.entries(L.filters)) if (v !== '' && v !== null && v !== undefined) keep[k] = v
    const other = { ...route.query }
    for (const k of Object.keys(filters)) delete other[k]
    router.replace({ query: { ...other, ...keep, page: L.page, size: L.size, sort: L.sort || undefined } }).catch(() => {})
  }
  function setPage(p) { L.page = p; remember(); load() }
  function setSize(s) { L.size = s; L.page = 1; remember(); load() }
  /** Filters changed (a select, a search box): back to page 1. */
  function search() { L.page = 1; remember(); load() }
  /** el-table @sort-change: {prop, order: 'ascending'|'descending'|null}. */
  function onSort({ prop, order }) {
    L.sort = !order || !prop ? '' : (order === 'descending' ? '-' : '') + prop
    L.page = 1; remember(); load()
  }
  const defaultSort = computed(() => {
    if (!L.sort) return undefined
    const desc = L.sort.startsWith('-')
    return { prop: desc ? L.sort.slice(1) : L.sort, order: desc ? 'descending' : 'ascending' }
  })
  /** The same list as an Excel file (all pages, same filters and order). */
  const exportHref = computed(() => {
    const p = new URLSearchParams()
    const all = { ...L.filters, ...(extra ? extra() : {}), sort: L.sort, format: 'xlsx' }
    for (const [k, v] of Object.entries(all)) if (v !== '' && v !== null && v !== undefined) p.set(k, String(v))
    return `${urlOf()}?${p}`
  })
  if (immediate) load()
  return Object.assign(L, { load, setPage, setSize, search, onSort, defaultSort, exportHref, remember })
}

/** fn, called at most once per pause of ms (for search boxes that reload as one types). */
export function debounced(fn, ms = 300) {
  let t = 0
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms) }
}

