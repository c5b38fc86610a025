/**
 * Text for the recap chart from the outlines of an open font (Noto Sans, see `font/noto-sans.ts`):
 * each glyph's SVG path is flattened to line segments and filled by an anti-aliased scanline
 * rasteriser (exact area coverage per pixel, accumulated along each row, as font-rs does), so the
 * letters are as crisp as the pixel grid allows at the chart's double density. No font parser, no
 * native or wasm renderer: the outlines are data and the rasteriser is below.
 *
 * Sizes follow the bitmap font this replaced: a `scale` of 1 is a cap height of 7 px, so the
 * chart's layout (in those units) is unchanged.
 */
import { inflateRawSync } from 'node:zlib';
import { notoSans } from './font/noto-sans';
import { decodeOutlines, type Outline } from './font/outlines';

/** In units of a cap height of 7 (the chart multiplies by its scale). */
export const fontMetrics = { capHeight: 7, descent: 2, rows: 9 } as const;

const { abs, ceil, floor, max, min, sqrt } = Math;
const unitsPerCap = notoSans.capHeight / fontMetrics.capHeight;

type Glyph = Outline;

/** The font's glyphs by character and its .notdef, inflated on first use (a few ms, once per process). */
let font: { glyphs: Map<string, Glyph>; notdef: Glyph } | undefined;
function loaded(): { glyphs: Map<string, Glyph>; notdef: Glyph } {
  if (!font) {
    const [notdef, ...glyphs] = decodeOutlines(inflateRawSync(Buffer.from(notoSans.outlines, 'base64')));
    font = { notdef: notdef!, glyphs: new Map(glyphs.map((g) => [String.fromCodePoint(g.codePoint), g])) };
  }
  return font;
}
/** Characters printed as another that the font has. */
const lookalikes: Record<string, string> = { '\t': ' ', '\u2009': ' ', '\u202f': ' ', '\u2010': '-', '\u2011': '-' };

/** Whether the font draws `ch` (else it shows as an empty box). */
export function hasGlyph(ch: string): boolean {
  return loaded().glyphs.has(lookalikes[ch] ?? ch);
}

/** The characters of `text` as the font draws them: composed (NFC), one per code point. */
function glyphsOf(text: string): Glyph[] {
  const { glyphs, notdef } = loaded();
  return [...text.normalize('NFC')].map((ch) => glyphs.get(lookalikes[ch] ?? ch) ?? notdef);
}

/** Advance width of `text` in units of {@link fontMetrics} (times the chart's scale gives pixels). */
export function textWidth(text: string): number {
  let units = 0;
  for (const g of glyphsOf(text)) units += g.advance;
  return units / unitsPerCap;
}

type Point = [number, number];

/**
 * The outline of `text` as closed polygons in pixels: its cap top at `top`, starting at `left`,
 * cap height `7 × scale`. Quadratic curves are cut into segments short enough to look round.
 */
export function textContours(text: string, left: number, top: number, scale: number): Point[][] {
  const px = scale / unitsPerCap;
  const baseline = top + fontMetrics.capHeight * scale;
  const contours: Point[][] = [];
  let penX = left;
  for (const glyph of glyphsOf(text)) {
    const toPixel = (x: number, y: number): Point => [penX + x * px, baseline - y * px];
    let contour: Point[] | undefined;
    const { ops, points } = glyph;
    let p = 0;
    for (let i = 0; i < ops.length; i++) {
      if (ops[i] === 0) {
        contour = [toPixel(points[p]!, points[p + 1]!)];
        contours.push(contour);
        p += 2;
      } else if (ops[i] === 1) {
        contour!.push(toPixel(points[p]!, points[p + 1]!));
        p += 2;
      } else {
        const from = contour!.at(-1)!;
        const control = toPixel(points[p]!, points[p + 1]!);
        const to = toPixel(points[p + 2]!, points[p + 3]!);
        p += 4;
        // Segments from the curve's deviation (as font-rs does): a tenth of a pixel at most off the curve.
        const ddx = from[0] - 2 * control[0] + to[0];
        const ddy = from[1] - 2 * control[1] + to[1];
        const steps = max(1, ceil(sqrt(sqrt(ddx * ddx + ddy * ddy) * 3)));
        for (let k = 1; k <= steps; k++) {
          const t = k / steps;
          const u = 1 - t;
          contour!.push([u * u * from[0] + 2 * u * t * control[0] + t * t * to[0], u * u * from[1] + 2 * u * t * control[1] + t * t * to[1]]);
        }
      }
    }
    penX += glyph.advance * px;
  }
  return contours;
}

/**
 * Fills closed polygons (non-zero winding, the font's rule; overlaps count once) and hands each
 * covered pixel with its coverage (0..1, the share of its area inside) to `plot`, row by row.
 */
export function fillContours(contours: Point[][], width: number, height: number, plot: (x: number, y: number, coverage: number) => void): void {
  const points = contours.flat();
  if (points.length === 0) return;
  const x0 = max(0, floor(min(...points.map((p) => p[0])))) - 1;
  const y0 = max(0, floor(min(...points.map((p) => p[1]))));
  const x1 = ceil(max(...points.map((p) => p[0]))) + 1;
  const y1 = min(height, ceil(max(...points.map((p) => p[1]))));
  if (x1 <= x0 + 1 || y1 <= y0) return;
  const w = x1 - x0 + 2;
  const h = y1 - y0;
  // Signed area deltas; a running sum along a row gives each pixel's winding-weighted coverage.
  const acc = new Float32Array(w * h + 2);
  for (const contour of contours) {
    for (let i = 0; i < contour.length; i++) {
      const a = contour[i]!;
      const b = contour[(i + 1) % contour.length]!;
      line(acc, w, h, a[0] - x0, a[1] - y0, b[0] - x0, b[1] - y0);
    }
  }
  for (let row = 0; row < h; row++) {
    let sum = 0;
    for (let col = 0; col < w; col++) {
      sum += acc[row * w + col]!;
      const coverage = min(1, abs(sum));
      if (coverage > 1 / 512 && x0 + col >= 0 && x0 + col < width) plot(x0 + col, y0 + row, coverage);
    }
  }
}

/** Adds one edge's area to the accumulation buffer (the font-rs algorithm, clipped to the rows). */
function line(acc: Float32Array, w: number, h: number, ax: number, ay: number, bx: number, by: number): void {
  if (ay === by) return;
  const [dir, p0x, p0y, p1x, p1y] = ay < by ? [1, ax, ay, bx, by] : [-1, bx, by, ax, ay];
  const dxdy = (p1x - p0x) / (p1y - p0y);
  let x = p0x;
  if (p0y < 0) x -= p0y * dxdy;
  for (let y = max(0, floor(p0y)); y < min(h, ceil(p1y)); y++) {
    const start = y * w;
    const dy = min(y + 1, p1y) - max(y, p0y);
    const xnext = x + dxdy * dy;
    const d = dy * dir;
    const [xa, xb] = x < xnext ? [x, xnext] : [xnext, x];
    const xaFloor = floor(xa);
    const xbCeil = ceil(xb);
    if (xaFloor < 0) { x = xnext; continue; }
    if (xbCeil <= xaFloor + 1) {
      const xmf = 0.5 * (x + xnext) - xaFloor;
      acc[start + xaFloor]! += d - d * xmf;
      acc[start + xaFloor + 1]! += d * xmf;
    } else {
      const s = 1 / (xb - xa);
      const xaf = xa - xaFloor;
      const a0 = 0.5 * s * (1 - xaf) * (1 - xaf);
      const xbf = xb - xbCeil + 1;
      const am = 0.5 * s * xbf * xbf;
      acc[start + xaFloor]! += d * a0;
      if (xbCeil === xaFloor + 2) acc[start + xaFloor + 1]! += d * (1 - a0 - am);
      else {
        const a1 = s * (1.5 - xaf);
        acc[start + xaFloor + 1]! += d * (a1 - a0);
        for (let xi = xaFloor + 2; xi < xbCeil - 1; xi++) acc[start + xi]! += d * s;
        const a2 = a1 + (xbCeil - xaFloor - 3) * s;
        acc[start + xbCeil - 1]! += d * (1 - a2 - am);
      }
      acc[start + xbCeil]! += d * am;
    }
    x = xnext;
  }
}
