/**
 * A small PNG reader for tests: checks the signature and every chunk's CRC, and decodes 8-bit
 * truecolour (type 2) and palette (type 3) images, non-interlaced, all five row filters. It shares
 * no code with the encoder under test; CRCs are checked with node's own `zlib.crc32`.
 */
import { crc32, inflateSync } from 'node:zlib';

export interface PngChunk {
  type: string;
  data: Buffer;
  crcMatches: boolean;
}

export interface DecodedPng {
  width: number;
  height: number;
  colourType: number;
  bitDepth: number;
  chunks: PngChunk[];
  /** 0xRRGGBB of the pixel at (x, y). */
  pixel(x: number, y: number): number;
}

export const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The chunks of a PNG file in order, each with whether its CRC is right. Throws on a bad signature or a truncated file. */
export function readChunks(bytes: Uint8Array): PngChunk[] {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!file.subarray(0, 8).equals(pngSignature)) throw new Error('not a PNG: bad signature');
  const chunks: PngChunk[] = [];
  for (let offset = 8; offset < file.length; ) {
    if (offset + 12 > file.length) throw new Error('truncated chunk header');
    const length = file.readUInt32BE(offset);
    const typeAndData = file.subarray(offset + 4, offset + 8 + length);
    if (offset + 12 + length > file.length) throw new Error('truncated chunk');
    chunks.push({
      type: typeAndData.subarray(0, 4).toString('latin1'),
      data: typeAndData.subarray(4),
      crcMatches: crc32(typeAndData) === file.readUInt32BE(offset + 8 + length),
    });
    offset += 12 + length;
  }
  return chunks;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG fully (see the module note for what it accepts). */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const chunks = readChunks(bytes);
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR') throw new Error('first chunk is not IHDR');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const bitDepth = ihdr.data[8]!;
  const colourType = ihdr.data[9]!;
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 3) || ihdr.data[12] !== 0) throw new Error(`unsupported PNG: depth ${bitDepth}, type ${colourType}, interlace ${ihdr.data[12]}`);

  const bpp = colourType === 2 ? 3 : 1;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  if (raw.length !== height * (stride + 1)) throw new Error(`image data: expected ${height * (stride + 1)} bytes, got ${raw.length}`);
  const samples = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    if (filter > 4) throw new Error(`row ${y}: unknown filter ${filter}`);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? samples[row + i - bpp]! : 0;
      const b = y > 0 ? samples[row - stride + i]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) predictor = paeth(a, b, i >= bpp && y > 0 ? samples[row - stride + i - bpp]! : 0);
      samples[row + i] = (src[i]! + predictor) & 0xff;
    }
  }

  let palette: number[] = [];
  if (colourType === 3) {
    const plte = chunks.find((c) => c.type === 'PLTE');
    if (!plte) throw new Error('palette image without PLTE');
    palette = Array.from({ length: plte.data.length / 3 }, (_, i) => plte.data.readUIntBE(3 * i, 3));
  }
  return {
    width,
    height,
    colourType,
    bitDepth,
    chunks,
    pixel(x, y) {
      if (x < 0 || y < 0 || x >= width || y >= height) throw new RangeError(`pixel (${x}, ${y}) outside ${width}×${height}`);
      if (colourType === 3) {
        const colour = palette[samples[y * stride + x]!];
        if (colour === undefined) throw new Error(`pixel (${x}, ${y}): index outside the palette`);
        return colour;
      }
      const i = y * stride + 3 * x;
      return (samples[i]! << 16) | (samples[i + 1]! << 8) | samples[i + 2]!;
    },
  };
}
