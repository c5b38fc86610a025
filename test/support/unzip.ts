/**
 * Reads a ZIP with yauzl, a reader independent of the writer under test, and checks each entry's
 * CRC-32 against node's zlib (yauzl checks sizes, not CRCs).
 */
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';

export interface UnzippedEntry {
  name: string;
  data: Buffer;
  crcMatches: boolean;
  compressionMethod: number;
  lastModified: Date;
}

export async function unzip(bytes: Uint8Array): Promise<UnzippedEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(bytes), { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const entries: UnzippedEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          const data = Buffer.concat(chunks);
          entries.push({ name: entry.fileName, data, crcMatches: crc32(data) === entry.crc32, compressionMethod: entry.compressionMethod, lastModified: entry.getLastModDate({ timezone: 'UTC' }) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** The text of one entry, or a failure naming the entries there are. */
export function entryText(entries: UnzippedEntry[], name: string): string {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name} in ${entries.map((e) => e.name).join(', ')}`);
  return entry.data.toString('utf8');
}
