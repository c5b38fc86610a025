/**
 * CRC-32 (ISO-HDLC: the one ZIP, gzip and PNG use): zlib's (native, ~20× faster) where the runtime has
 * it (`zlib.crc32`, Node 20.15 and 22, Lambda's nodejs22.x), else the table below. Shared by the ZIP
 * writer and the PNG encoder.
 */
import * as zlib from 'node:zlib';

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 of `data`, continuing from `crc` when given (for data that comes in chunks). */
export function crc32(data: Uint8Array, crc = 0): number {
  return native ? native(data, crc) : tableCrc32(data, crc);
}

/** {@link crc32} in JavaScript, for a runtime without `zlib.crc32`. */
export function tableCrc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
