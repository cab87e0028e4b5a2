// The reminders of the logged-in user (GET /api/me/reminders): one reactive copy shared by the
// bell in the header and the card on the home page, asked again every minute while the bell is
// shown and whenever a page changes what it counts (a notice read).
import { reactive } from 'vue'
import { api } from './api.js'

let timer = 0
let users = 0
export const reminders = reactive({
  count: 0,
  items: [],
  loaded: false,
  error: '',
  async refresh() {
    try {
      const r = await api.get('/api/me/reminders')
      reminders.count = r.count
      reminders.items = r.items
      reminders.error = ''
    } catch (e) {
      reminders.error = e && e.message ? e.message : String(e)
    } finally {
      reminders.loaded = true
    }
  },
})

/** Start asking every minute (the bell's mount); stop when the last user goes. */
export function watchReminders() {
  if (users++ === 0) {
    reminders.refresh()
    timer = setInterval(() => reminders.refresh(), 60000)
  }
  return () => { if (--users === 0) { clearInterval(timer); timer = 0 } }
}
