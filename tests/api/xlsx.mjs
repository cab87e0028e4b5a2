// Reading the xlsx files ejia writes, for the API tests: a minimal zip reader
// (central directory + inflate) and the cells of a sheet.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';

// Minimal zip reader (central directory + inflate) for the xlsx checks.
export function unzip(buf) {
  const files = {};
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip file');
  let p = buf.readUInt32LE(eocd + 16);
  const n = buf.readUInt16LE(eocd + 10);
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const off = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    const lnlen = buf.readUInt16LE(off + 26), lxlen = buf.readUInt16LE(off + 28);
    const data = buf.subarray(off + 30 + lnlen + lxlen, off + 30 + lnlen + lxlen + csize);
    files[name] = method === 8 ? inflateRawSync(data) : data;
    p += 46 + nlen + xlen + clen;
  }
  return files;
}
// Rows of sheet n (1 = the first) as arrays of cell texts (shared strings resolved).
export function sheetRows(buf, n = 1) {
  const f = unzip(buf);
  const ss = f['xl/sharedStrings.xml'] ? [...f['xl/sharedStrings.xml'].toString().matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => [...m[1].matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => t[1]).join('')) : [];
  const xml = f[`xl/worksheets/sheet${n}.xml`].toString();
  return [...xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((r) =>
    [...r[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].reduce((row, c) => {
      const col = c[1].split('').reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const v = (c[3] || '').match(/<v>([^<]*)<\/v>/);
      row[col] = v ? (/t="s"/.test(c[2]) ? ss[Number(v[1])] : v[1]) : '';
      return row;
    }, []));
}
export const unesc = (s) => String(s ?? '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');

/** The sheet names, in order. */
export function sheetNames(buf) {
  const xml = unzip(buf)['xl/workbook.xml'].toString();
  return [...xml.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => unesc(m[1]));
}
