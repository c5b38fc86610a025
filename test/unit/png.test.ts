import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32, encodePng, type RgbImage } from '../../shared/reports/png';
import { decodePng, readChunks } from '../support/png';

/** An image whose pixel (x, y) is `colourAt(x, y)`. */
function image(width: number, height: number, colourAt: (x: number, y: number) => number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = colourAt(x, y);
      rgb.set([c >> 16, (c >> 8) & 0xff, c & 0xff], 3 * (y * width + x));
    }
  }
  return { width, height, rgb };
}

const pixelsOf = (png: ReturnType<typeof decodePng>) => Array.from({ length: png.height }, (_, y) => Array.from({ length: png.width }, (_, x) => png.pixel(x, y)));

describe('PNG encoder', () => {
  test('an image of few colours becomes a palette PNG with the same pixels, valid chunks in order', () => {
    // Prepare: stripes of three colours.
    const stripes = image(37, 11, (x, y) => [0x0b5394, 0xe69f00, 0xffffff][(x + y) % 3]!);

    // Act
    const bytes = encodePng(stripes);
    const png = decodePng(bytes);

    // Assess
    expect(png.chunks.map((c) => c.type)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    expect(png.chunks.every((c) => c.crcMatches)).toBe(true);
    expect([png.width, png.height, png.bitDepth, png.colourType]).toEqual([37, 11, 8, 3]);
    expect(png.chunks[1]!.data.length).toBe(3 * 3);
    expect(pixelsOf(png)).toEqual(Array.from({ length: 11 }, (_, y) => Array.from({ length: 37 }, (_, x) => [0x0b5394, 0xe69f00, 0xffffff][(x + y) % 3])));
  });

  test('an image of more than 256 colours becomes an RGB PNG with the same pixels', () => {
    // Prepare: 30×30 distinct colours.
    const gradient = image(30, 30, (x, y) => (x * 8) << 16 | (y * 8) << 8 | 0x40);

    // Act
    const png = decodePng(encodePng(gradient));

    // Assess
    expect(png.chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.chunks.every((c) => c.crcMatches)).toBe(true);
    expect(png.colourType).toBe(2);
    expect(png.pixel(29, 0)).toBe((29 * 8) << 16 | 0x40);
    expect(png.pixel(7, 13)).toBe((7 * 8) << 16 | (13 * 8) << 8 | 0x40);
  });

  test('the test reader notices a damaged chunk (so its CRC verdicts mean something)', () => {
    // Prepare
    const bytes = encodePng(image(4, 4, () => 0x123456));
    const damaged = Uint8Array.from(bytes);
    damaged[8 + 8 + 3] = damaged[8 + 8 + 3]! ^ 0x01; // a byte of IHDR's width

    // Act
    const chunks = readChunks(damaged);

    // Assess
    expect(chunks[0]!.crcMatches).toBe(false);
    expect(() => readChunks(damaged.subarray(1))).toThrow(/signature/);
  });

  test('the same image gives the same bytes', () => {
    // Prepare
    const a = image(50, 20, (x, y) => (x * y) % 7 === 0 ? 0x009e73 : 0xffffff);
    const b = image(50, 20, (x, y) => (x * y) % 7 === 0 ? 0x009e73 : 0xffffff);

    // Act
    const [first, second] = [encodePng(a), encodePng(b)];

    // Assess
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  test('refuses pixels that do not match the size', () => {
    expect(() => encodePng({ width: 2, height: 2, rgb: new Uint8Array(11) })).toThrow(RangeError);
    expect(() => encodePng({ width: 0, height: 2, rgb: new Uint8Array(0) })).toThrow(RangeError);
  });

  test('CRC-32 agrees with zlib on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    }));
  });

  test('any small image round-trips through encoder and reader', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 24 }),
      fc.integer({ min: 1, max: 24 }),
      fc.array(fc.integer({ min: 0, max: 0xffffff }), { minLength: 1, maxLength: 400 }),
      (width, height, colours) => {
        const original = image(width, height, (x, y) => colours[(y * width + x) % colours.length]!);
        const png = decodePng(encodePng(original));
        expect(png.chunks.every((c) => c.crcMatches)).toBe(true);
        expect(pixelsOf(png)).toEqual(Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => colours[(y * width + x) % colours.length])));
      },
    ), { numRuns: 60 });
  });
});
