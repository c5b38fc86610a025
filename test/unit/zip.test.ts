/**
 * The ZIP container under the XLSX writer, read back by yauzl and checked against node's zlib.
 */
import { crc32 as zlibCrc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { ZipLimitExceeded, ZipWriter, crc32 } from '../../shared/reports/zip';
import { tableCrc32 } from '../../shared/reports/crc32';
import { unzip } from '../support/unzip';

test('property: crc32 agrees with zlib, whole or in pieces', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (bytes, at) => {
    const cut = bytes.length === 0 ? 0 : at % bytes.length;
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut)))).toBe(zlibCrc32(bytes));
    // The fallback for a runtime without zlib.crc32 gives the same.
    expect(tableCrc32(bytes)).toBe(zlibCrc32(bytes));
    expect(tableCrc32(bytes.subarray(cut), tableCrc32(bytes.subarray(0, cut)))).toBe(zlibCrc32(bytes));
  }));
});

test('entries written whole, in chunks or empty read back as written', async () => {
  const zip = new ZipWriter();
  zip.add('a.txt', 'Selamat pagi\n');
  zip.open('dir/chunked.txt');
  const pieces = Array.from({ length: 40 }, (_, i) => `baris ${i} `.repeat(1000 + i));
  for (const piece of pieces) zip.write(Buffer.from(piece));
  zip.close();
  zip.add('empty', '');
  zip.add('Ringkasan é.txt', Buffer.from([0, 1, 2, 255]));
  const bytes = zip.finish();

  const entries = await unzip(bytes);

  expect(entries.map((e) => e.name)).toEqual(['a.txt', 'dir/chunked.txt', 'empty', 'Ringkasan é.txt']);
  expect(entries.map((e) => e.crcMatches)).toEqual([true, true, true, true]);
  expect(entries[0]!.data.toString()).toBe('Selamat pagi\n');
  expect(entries[1]!.data.toString()).toBe(pieces.join(''));
  expect(entries[2]!.data).toHaveLength(0);
  expect([...entries[3]!.data]).toEqual([0, 1, 2, 255]);
  expect(bytes.length).toBe(zip.size);
});

test('size is exact after every chunk: what finish adds is the directory', () => {
  const zip = new ZipWriter();
  zip.open('x.xml');
  zip.write(Buffer.from('<a/>'.repeat(10_000)));
  const afterChunk = zip.size;
  const directoryWhileOpen = zip.directorySize;
  zip.close();
  const afterClose = zip.size;
  const directory = zip.directorySize;
  const bytes = zip.finish();
  expect(afterClose - afterChunk).toBe(2); // the empty final deflate block
  expect(bytes.length).toBe(afterClose + directory);
  expect(directory).toBe(directoryWhileOpen);
});

test('matches reach across chunks, as in one deflate stream', async () => {
  // Random bytes do not shrink, so only a match into the previous chunk makes the repeats small.
  let x = 2463534242;
  const block = Buffer.from(Array.from({ length: 16_000 }, () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift32
    return (x >>> 0) & 0xff;
  }));
  expect(deflateRawSync(block).length).toBeGreaterThan(15_000);
  const zip = new ZipWriter();
  zip.open('repeats.bin');
  for (let i = 0; i < 10; i++) zip.write(block);
  zip.close();
  const bytes = zip.finish();
  expect(bytes.length).toBeLessThan(2 * block.length);
  const [entry] = await unzip(bytes);
  expect(entry!.data.equals(Buffer.concat(Array.from({ length: 10 }, () => block)))).toBe(true);
});

test('refuses the entry past what a ZIP without ZIP64 can count', () => {
  const zip = new ZipWriter();
  for (let i = 0; i < 0xfffe; i++) {
    zip.open(String(i));
    zip.close();
  }
  expect(() => zip.open('one more')).toThrow(ZipLimitExceeded);
  expect(() => zip.open('one more')).toThrow(/needs ZIP64/);
});

test('an entry must be open to be written, and closed before the next', () => {
  const zip = new ZipWriter();
  expect(() => zip.write(Buffer.from('x'))).toThrow(/No ZIP entry is open/);
  zip.open('a');
  expect(() => zip.open('b')).toThrow(/still open/);
  expect(() => zip.finish()).toThrow(/still open/);
});
