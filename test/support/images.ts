/**
 * Small image files for attachment tests, built byte by byte: a JPEG's segment structure (its scan
 * is not decodable: the checks under test look at structure, not pixels) with an Exif block that
 * holds an orientation and a GPS position, and a reader of that position written apart from the
 * code under test.
 */
import { encodePng } from '../../shared/reports/png';

const seg = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);

/** An Exif APP1 payload ("Exif\0\0" + big-endian TIFF): orientation 6, GPS 2°55'30.12" S. */
export function exifWithGps(): Buffer {
  const t = Buffer.alloc(8 + 2 + 2 * 12 + 4 + 2 + 2 * 12 + 4 + 24);
  t.write('MM', 0, 'latin1'); t.writeUInt16BE(42, 2); t.writeUInt32BE(8, 4);
  const ifd0 = 8;
  t.writeUInt16BE(2, ifd0);
  // Orientation: SHORT, 1, value 6 (left-justified in the 4 bytes).
  t.writeUInt16BE(0x0112, ifd0 + 2); t.writeUInt16BE(3, ifd0 + 4); t.writeUInt32BE(1, ifd0 + 6); t.writeUInt16BE(6, ifd0 + 10);
  const gps = ifd0 + 2 + 2 * 12 + 4;
  t.writeUInt16BE(0x8825, ifd0 + 14); t.writeUInt16BE(4, ifd0 + 16); t.writeUInt32BE(1, ifd0 + 18); t.writeUInt32BE(gps, ifd0 + 22);
  t.writeUInt32BE(0, ifd0 + 26);
  const values = gps + 2 + 2 * 12 + 4;
  t.writeUInt16BE(2, gps);
  // GPSLatitudeRef: ASCII, 2, "S\0"
  t.writeUInt16BE(0x0001, gps + 2); t.writeUInt16BE(2, gps + 4); t.writeUInt32BE(2, gps + 6); t.write('S\0', gps + 10, 'latin1');
  // GPSLatitude: RATIONAL, 3, at `values`
  t.writeUInt16BE(0x0002, gps + 14); t.writeUInt16BE(5, gps + 16); t.writeUInt32BE(3, gps + 18); t.writeUInt32BE(values, gps + 22);
  t.writeUInt32BE(0, gps + 26);
  [[2, 1], [55, 1], [3012, 100]].forEach(([n, d], i) => { t.writeUInt32BE(n!, values + i * 8); t.writeUInt32BE(d!, values + i * 8 + 4); });
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]);
}

/** A JPEG's structure: SOI, JFIF, optional Exif, tables, frame, scan, EOI. */
export function jpeg(options: { exif?: Buffer; scanBytes?: number } = {}): Buffer {
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const dqt = Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]);
  const dht = Buffer.concat([Buffer.from([0x00]), Buffer.from([0, 1, ...Array(14).fill(0)]), Buffer.from([0x00])]);
  const sos = Buffer.from([0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
  const scan = Buffer.alloc(options.scanBytes ?? 32, 0x55);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]), seg(0xe0, jfif), ...(options.exif ? [seg(0xe1, options.exif)] : []),
    seg(0xdb, dqt), seg(0xc0, sof), seg(0xc4, dht), seg(0xda, sos), scan, Buffer.from([0xff, 0xd9]),
  ]);
}

/** Inserts an Exif APP1 segment right after the SOI of a real JPEG (e.g. one a browser encoded). */
export function withExif(file: Buffer, exif: Buffer): Buffer {
  return Buffer.concat([file.subarray(0, 2), seg(0xe1, exif), file.subarray(2)]);
}

/** What a JPEG's Exif says of the place and orientation: read apart from the code under test. */
export function exifOf(file: Uint8Array): { orientation?: number; gpsEntries?: number; latitudeRef?: string; latitude?: number[] } | undefined {
  const b = Buffer.from(file);
  let at = 2;
  while (at + 4 <= b.length && b[at] === 0xff && b[at + 1] !== 0xda) {
    const len = b.readUInt16BE(at + 2);
    if (b[at + 1] === 0xe1 && b.subarray(at + 4, at + 10).toString('latin1') === 'Exif\0\0') {
      const t = b.subarray(at + 10, at + 2 + len);
      const le = t.toString('latin1', 0, 2) === 'II';
      const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
      const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
      const out: NonNullable<ReturnType<typeof exifOf>> = {};
      const ifd0 = u32(4);
      for (let i = 0; i < u16(ifd0); i++) {
        const e = ifd0 + 2 + i * 12;
        if (u16(e) === 0x0112) out.orientation = u16(e + 8);
        if (u16(e) === 0x8825) {
          const g = u32(e + 8);
          out.gpsEntries = u16(g);
          for (let j = 0; j < out.gpsEntries; j++) {
            const ge = g + 2 + j * 12;
            if (u16(ge) === 1) out.latitudeRef = t.toString('latin1', ge + 8, ge + 9);
            if (u16(ge) === 2) { const v = u32(ge + 8); out.latitude = [0, 1, 2].map((k) => u32(v + k * 8) / u32(v + k * 8 + 4)); }
          }
        }
      }
      return out;
    }
    at += 2 + len;
  }
  return undefined;
}

/** A real PNG (the report encoder's), 24×16, two colours. */
export function png(): Buffer {
  const rgb = new Uint8Array(24 * 16 * 3);
  for (let i = 0; i < 24 * 16; i++) rgb.set((i % 24) < 12 ? [0x1d, 0x4e, 0xd8] : [0xf5, 0x9e, 0x0b], i * 3);
  return Buffer.from(encodePng({ width: 24, height: 16, rgb }));
}

/** A minimal PDF that ends as a PDF does. */
export function pdf(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
}

/** A JPEG of exactly `size` bytes (its scan padded): for the limits of 5 MB. */
export function jpegOfSize(size: number): Buffer {
  return jpeg({ scanBytes: size - jpeg({ scanBytes: 0 }).length });
}

/** A PDF of exactly `size` bytes (a comment line after the header padded). */
export function pdfOfSize(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%', 'latin1');
  const rest = pdf().subarray('%PDF-1.4\n'.length);
  return Buffer.concat([head, Buffer.alloc(size - head.length - rest.length - 1, 0x78), Buffer.from('\n'), rest]);
}
