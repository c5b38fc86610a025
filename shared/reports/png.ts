/**
 * A minimal PNG encoder for images drawn in memory (the recap chart): 8-bit, no interlace.
 * Deflate comes from `node:zlib` — computation, not I/O, and available in every Lambda runtime.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32';

/** An image as 3 bytes (R, G, B) per pixel, rows top to bottom. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** CRC-32 (ISO 3309), the one PNG puts after every chunk. */
export { crc32 };

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  // The CRC covers the type and the data, not the length.
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * The image's colours in order of first appearance and each pixel's index into them, or `null`
 * when there are more than 256 colours (a palette cannot hold them).
 */
function toPalette(image: RgbImage): { palette: number[]; indices: Uint8Array } | null {
  const indexOf = new Map<number, number>();
  const palette: number[] = [];
  const pixels = image.width * image.height;
  const indices = new Uint8Array(pixels);
  const { rgb } = image;
  for (let p = 0; p < pixels; p++) {
    const colour = (rgb[3 * p]! << 16) | (rgb[3 * p + 1]! << 8) | rgb[3 * p + 2]!;
    let index = indexOf.get(colour);
    if (index === undefined) {
      if (palette.length === 256) return null;
      index = palette.length;
      indexOf.set(colour, index);
      palette.push(colour);
    }
    indices[p] = index;
  }
  return { palette, indices };
}

/**
 * Encodes an RGB image as PNG bytes. An image of at most 256 colours — a chart of flat colours
 * is — is written with a palette (one byte per pixel, a third of the data); any other as 8-bit
 * RGB. Rows use filter type 0 (none), which the specification recommends for palette images
 * and which keeps the bytes a plain function of the pixels: the same image, the same file.
 */
export function encodePng(image: RgbImage): Uint8Array {
  const { width, height, rgb } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`PNG size ${width}×${height} is not positive`);
  if (rgb.length !== width * height * 3) throw new RangeError(`PNG pixels: expected ${width * height * 3} bytes, got ${rgb.length}`);

  const indexed = toPalette(image);
  const bytesPerPixel = indexed ? 1 : 3;
  const stride = width * bytesPerPixel;
  // Each row is preceded by its filter type byte (0: none).
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = indexed ? indexed.indices.subarray(y * width, (y + 1) * width) : rgb.subarray(y * stride, (y + 1) * stride);
    raw.set(row, y * (stride + 1) + 1);
  }

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = indexed ? 3 : 2; // colour type: palette or truecolour
  // compression 0 (deflate), filter method 0, interlace 0: already zero.

  const chunks = [chunk('IHDR', header)];
  if (indexed) {
    const plte = new Uint8Array(indexed.palette.length * 3);
    indexed.palette.forEach((colour, i) => plte.set([colour >> 16, (colour >> 8) & 0xff, colour & 0xff], 3 * i));
    chunks.push(chunk('PLTE', plte));
  }
  chunks.push(chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0)));

  const out = new Uint8Array(signature.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(signature, 0);
  let offset = signature.length;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
