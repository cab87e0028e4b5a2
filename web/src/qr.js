// The check-in screens' QR code (the meetings' and the volunteers'): text drawn on a canvas as a
// QR code with its quiet zone, each module a whole number of pixels, as large as the window allows
// (at most 640 px, leaving room for the heading and the count).
import qrcode from 'qrcode-generator'

export function drawQr(c, text) {
  if (!c || !text) return
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const n = qr.getModuleCount(), quiet = 4, size = n + 2 * quiet
  const px = Math.max(4, Math.floor(Math.min(640, window.innerWidth - 32, window.innerHeight - 200) / size))
  c.width = c.height = size * px
  const g = c.getContext('2d')
  g.fillStyle = '#fff'
  g.fillRect(0, 0, c.width, c.height)
  g.fillStyle = '#000'
  for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) if (qr.isDark(r, k)) g.fillRect((k + quiet) * px, (r + quiet) * px, px, px)
}
