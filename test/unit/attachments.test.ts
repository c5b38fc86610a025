/**
 * Attachments as bytes: the type comes from the magic, never the name; a file cut short is
 * unreadable; the size limit is exact; a photo's GPS position goes unless the reporter keeps it,
 * the rest of its Exif (orientation) stays.
 */
import { checkFile, displayName, fileProblemMessage, MAX_ATTACHMENT_BYTES, sniffType, withoutLocation } from '../../shared/attachments/files';
import { crc32 } from 'node:zlib';
import { readChunks } from '../support/png';
import { exifOf, exifWithGps, jpeg, pdf, png } from '../support/images';

test.each([
  ['JPEG', jpeg(), 'image/jpeg'],
  ['PNG', png(), 'image/png'],
  ['PDF', pdf(), 'application/pdf'],
])('a whole %s is accepted as its type', (_name, bytes, type) => {
  expect(checkFile(bytes)).toEqual({ ok: true, type });
});

test('the type comes from the bytes: a PNG named .pdf is a PNG, a text named .jpg is refused', () => {
  // The name is not even an input: only the bytes are.
  expect(sniffType(png())).toBe('image/png');
  expect(checkFile(Buffer.from('GIF89a……not an accepted type'))).toEqual({ ok: false, problem: 'wrong_type' });
  expect(checkFile(Buffer.from('<html><script>alert(1)</script></html>'))).toEqual({ ok: false, problem: 'wrong_type' });
  expect(checkFile(new Uint8Array())).toEqual({ ok: false, problem: 'empty' });
});

test('a file cut short is unreadable: a truncated JPEG, PNG or PDF', () => {
  const j = jpeg();
  expect(checkFile(j.subarray(0, j.length - 10))).toEqual({ ok: false, problem: 'unreadable' });
  expect(checkFile(j.subarray(0, 30))).toEqual({ ok: false, problem: 'unreadable' });
  const p = png();
  expect(checkFile(p.subarray(0, p.length - 5))).toEqual({ ok: false, problem: 'unreadable' });
  const d = pdf();
  expect(checkFile(d.subarray(0, d.length - 8))).toEqual({ ok: false, problem: 'unreadable' });
});

test('5 MB is accepted, 5 MB + 1 byte is too large', () => {
  const base = jpeg();
  const exact = jpeg({ scanBytes: 32 + MAX_ATTACHMENT_BYTES - base.length });
  expect(exact.length).toBe(MAX_ATTACHMENT_BYTES);
  expect(checkFile(exact)).toEqual({ ok: true, type: 'image/jpeg' });
  expect(checkFile(jpeg({ scanBytes: 33 + MAX_ATTACHMENT_BYTES - base.length }))).toEqual({ ok: false, problem: 'too_large' });
});

test('a JPEG loses its GPS position and keeps its orientation; the original is untouched', () => {
  const original = jpeg({ exif: exifWithGps() });
  expect(exifOf(original)).toEqual({ orientation: 6, gpsEntries: 2, latitudeRef: 'S', latitude: [2, 55, 30.12] });
  const stripped = withoutLocation(original, 'image/jpeg');
  expect(exifOf(stripped)).toEqual({ orientation: 6, gpsEntries: 0 });
  // No trace of the coordinates anywhere in the file (their rationals were zeroed, not just unlinked).
  expect(Buffer.from(stripped).includes(Buffer.from([0, 0, 0x0b, 0xc4, 0, 0, 0, 100]))).toBe(false);
  expect(checkFile(stripped)).toEqual({ ok: true, type: 'image/jpeg' });
  expect(exifOf(original)?.latitude).toEqual([2, 55, 30.12]);
});

test('an XMP packet (which may repeat the place) is removed from a JPEG; a PNG loses its eXIf chunk, its CRCs intact', () => {
  const xmp = Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from('<x:xmpmeta exif:GPSLatitude="2,55.5S"/>')]);
  const withXmp = jpeg({ exif: xmp });
  const out = Buffer.from(withoutLocation(withXmp, 'image/jpeg'));
  expect(out.includes(Buffer.from('GPSLatitude'))).toBe(false);
  expect(checkFile(out).ok).toBe(true);

  const p = png();
  const chunks = readChunks(p);
  // An eXIf chunk before IDAT, with its CRC, as a camera app writes it.
  const body = exifWithGps().subarray(6);
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0); chunk.write('eXIf', 4, 'latin1'); body.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + body.length)) >>> 0, 8 + body.length);
  const ihdrEnd = 8 + 12 + chunks[0]!.data.length;
  const withExifChunk = Buffer.concat([p.subarray(0, ihdrEnd), chunk, p.subarray(ihdrEnd)]);
  expect(readChunks(withExifChunk).map((c) => c.type)).toContain('eXIf');
  const cleaned = readChunks(withoutLocation(withExifChunk, 'image/png'));
  expect(cleaned.map((c) => c.type)).not.toContain('eXIf');
  expect(cleaned.every((c) => c.crcMatches)).toBe(true);
  expect(Buffer.from(withoutLocation(withExifChunk, 'image/png')).equals(p)).toBe(true);
});

test('a PDF passes unchanged', () => {
  const d = pdf();
  expect(Buffer.from(withoutLocation(d, 'application/pdf')).equals(d)).toBe(true);
});

test('display names: the last path segment, no control or bidi characters, a fallback; messages name the file in both languages', () => {
  expect(displayName('C:\\Users\\siti\\foto jalan <rusak>.jpg', 1)).toBe('foto jalan <rusak>.jpg');
  expect(displayName('bukti\u202egpj.exe', 2)).toBe('buktigpj.exe');
  expect(displayName('\u0000\u0007', 3)).toBe('lampiran-3');
  expect(displayName('📷 "kwitansi".pdf', 1)).toBe('📷 "kwitansi".pdf');
  const m = fileProblemMessage('too_large', 'jalan.jpg');
  expect(m.id).toContain('"jalan.jpg"');
  expect(m.id).toContain('5 MB');
  expect(m.en).toContain('"jalan.jpg"');
});
