/**
 * A ZIP container (PKWARE APPNOTE 6.3, the subset every reader knows), built in memory entry by
 * entry, each entry deflated in chunks as it is written. Only the compressed output is held, so a
 * large entry costs memory for its compressed bytes, never for its text. No ZIP64: sizes, offsets
 * and the entry count must stay below the 32-bit and 16-bit limits, and the writer refuses clearly
 * past them.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { crc32 } from './crc32';

export { crc32 };

/** Past these a ZIP needs ZIP64 records (0xFFFFFFFF and 0xFFFF themselves mark them). */
const MAX_32 = 0xfffffffe;
const MAX_ENTRIES = 0xfffe;

// 1980-01-01 00:00, the first instant MS-DOS dates can say: the same input gives the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Deflate's window: how far back a match may reach. */
const WINDOW = 32 * 1024;

/** An empty final deflate block (fixed Huffman codes, end of block): ends the chunks' stream. */
const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;

interface Entry {
  name: Buffer;
  header: Buffer;
  offset: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** The last 32 KiB of the open entry's data, the preset dictionary of its next chunk. */
  window?: Buffer;
}

/** The ZIP writer refuses past the limits of a ZIP without ZIP64. */
export class ZipLimitExceeded extends RangeError {
  constructor(what: string) {
    super(`${what} needs ZIP64, which this writer does not produce`);
    this.name = 'ZipLimitExceeded';
  }
}

const within32 = (value: number, what: string) => {
  if (value > MAX_32) throw new ZipLimitExceeded(what);
  return value;
};

/**
 * Writes a ZIP in memory. Entries are written one at a time: `open`, any number of `write`, then
 * `close`; `finish` adds the central directory and returns the file.
 */
export class ZipWriter {
  private readonly parts: Uint8Array[] = [];
  private readonly entries: Entry[] = [];
  private current: Entry | undefined;
  private written = 0;

  /** Bytes of the file so far (every chunk written is already compressed and counted). */
  get size(): number {
    return this.written;
  }

  /** Bytes a local header and a central directory record take for an entry called `name`. */
  static overheadOf(name: string): number {
    return LOCAL_HEADER + CENTRAL_HEADER + 2 * Buffer.byteLength(name, 'utf8');
  }

  /** Bytes the central directory and end record take for the entries so far, the open one included. */
  get directorySize(): number {
    const open = this.current ? CENTRAL_HEADER + this.current.name.length : 0;
    return this.entries.reduce((n, e) => n + CENTRAL_HEADER + e.name.length, END_RECORD + open);
  }

  /** Starts a deflated entry. */
  open(name: string): void {
    if (this.current) throw new Error(`ZIP entry ${this.current.name.toString()} is still open`);
    if (this.entries.length >= MAX_ENTRIES) throw new ZipLimitExceeded(`A ZIP of more than ${MAX_ENTRIES} entries`);
    const nameBytes = Buffer.from(name, 'utf8');
    // Filled in by `close`: the output is in memory, so no data descriptor is needed after the data.
    const header = Buffer.alloc(LOCAL_HEADER + nameBytes.length);
    nameBytes.copy(header, LOCAL_HEADER);
    this.current = { name: nameBytes, header, offset: within32(this.written, 'A ZIP larger than 4 GiB'), crc: 0, compressedSize: 0, size: 0 };
    this.push(header);
  }

  /**
   * Deflates one chunk of the open entry. Each chunk is its own raw deflate stream ended by a sync
   * flush, not a final block, so the chunks concatenate into one valid stream, and after each
   * chunk `size` is exact (this is what lets a caller stop at a byte budget). Each chunk takes the
   * previous 32 KiB as its preset dictionary, the window the inflater holds at that point, so
   * matches reach across chunks: the output is within a fraction of a percent of one stream's.
   */
  write(chunk: Uint8Array): void {
    const entry = this.openEntry();
    if (chunk.length === 0) return;
    entry.crc = crc32(chunk, entry.crc);
    entry.size = within32(entry.size + chunk.length, `A ZIP entry larger than 4 GiB (${entry.name.toString()})`);
    const compressed = deflateRawSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH, ...(entry.window && { dictionary: entry.window }) });
    const seen = chunk.length >= WINDOW || !entry.window ? chunk : Buffer.concat([entry.window, chunk]);
    entry.window = Buffer.from(seen.subarray(-WINDOW));
    entry.compressedSize = within32(entry.compressedSize + compressed.length, `A ZIP entry larger than 4 GiB (${entry.name.toString()})`);
    // zlib hands back a view of its larger output buffer: keep an exact copy, not the whole buffer.
    this.push(compressed.length < compressed.buffer.byteLength ? Buffer.from(compressed) : compressed);
  }

  /** Ends the open entry's deflate stream and fills in its header. */
  close(): void {
    const entry = this.openEntry();
    const last = FINAL_BLOCK;
    entry.compressedSize = within32(entry.compressedSize + last.length, `A ZIP entry larger than 4 GiB (${entry.name.toString()})`);
    this.push(last);
    entry.window = undefined;
    const h = entry.header;
    h.writeUInt32LE(0x04034b50, 0);
    this.common(h, 4, entry);
    this.entries.push(entry);
    this.current = undefined;
  }

  /** Writes a whole entry at once. */
  add(name: string, data: string | Uint8Array): void {
    this.open(name);
    this.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    this.close();
  }

  /** The finished file: every entry, then the central directory and the end record. */
  finish(): Uint8Array {
    if (this.current) throw new Error(`ZIP entry ${this.current.name.toString()} is still open`);
    const directoryOffset = within32(this.written, 'A ZIP larger than 4 GiB');
    for (const entry of this.entries) {
      const h = Buffer.alloc(CENTRAL_HEADER + entry.name.length);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4); // made by: version 2.0, MS-DOS attributes (none set)
      this.common(h, 6, entry);
      // comment length, disk number, internal and external attributes: all 0
      h.writeUInt32LE(entry.offset, 42);
      entry.name.copy(h, CENTRAL_HEADER);
      this.push(h);
    }
    const end = Buffer.alloc(END_RECORD);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(within32(this.written - directoryOffset, 'A ZIP directory larger than 4 GiB'), 12);
    end.writeUInt32LE(directoryOffset, 16);
    this.push(end);
    within32(this.written, 'A ZIP larger than 4 GiB');
    return Buffer.concat(this.parts, this.written);
  }

  /** The fields local and central headers share, from "version needed" to "extra field length". */
  private common(h: Buffer, at: number, entry: Entry): void {
    h.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
    // Flags: bit 11 says the name is UTF-8 (needed only past ASCII); sizes are in the header.
    h.writeUInt16LE(entry.name.some((b) => b > 0x7f) ? 0x0800 : 0, at + 2);
    h.writeUInt16LE(8, at + 4); // deflate
    h.writeUInt16LE(DOS_TIME, at + 6);
    h.writeUInt16LE(DOS_DATE, at + 8);
    h.writeUInt32LE(entry.crc, at + 10);
    h.writeUInt32LE(entry.compressedSize, at + 14);
    h.writeUInt32LE(entry.size, at + 18);
    h.writeUInt16LE(entry.name.length, at + 22);
    h.writeUInt16LE(0, at + 24);
  }

  private openEntry(): Entry {
    if (!this.current) throw new Error('No ZIP entry is open');
    return this.current;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.written += bytes.length;
  }
}
