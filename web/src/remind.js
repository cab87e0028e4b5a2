// The reminders of the logged-in user (GET /api/me/reminders): one reactive copy shared by the
// bell in the header and the card on the home page, asked again when the user moves to another
// page and whenever a page changes what it counts (a notice read).  Not on a timer: a request
// every minute would keep an idle session alive past its idle timeout.
import { reactive } from 'vue'
import { api } from './api.js'

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

/** Ask now (a component showing them mounts). */
export function watchReminders() {
  reminders.refresh()
  return () => {}
}
