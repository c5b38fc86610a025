/**
 * The byte stream the recap font's outlines are kept in (written by `npm run build-font`, read by the
 * chart on first use): exact integer outlines in a fifth of the space of SVG path text.
 *
 *   varint glyph count, varint length of the op stream, the op stream (one byte per command:
 *   0 move, 1 line, 2 quadratic), then per glyph: varint code point, varint advance, varint number of
 *   commands, and each point of its commands (a quadratic has its control point first) as two
 *   zigzag varints, x and y, each the difference from the glyph's previous point (the first from 0, 0).
 *
 * Ops and numbers are kept apart so that deflate finds the repeats in each.
 */

/** One glyph: its commands and their points, absolute, in font units (y up). */
export interface Outline {
  codePoint: number;
  advance: number;
  ops: ArrayLike<number>;
  /** x, y pairs: one per move or line, two (control, end) per quadratic. */
  points: ArrayLike<number>;
}

const pointsPerOp = [1, 1, 2] as const;

/** The stream of `outlines` (build time). */
export function encodeOutlines(outlines: Outline[]): Uint8Array {
  const ops: number[] = [];
  const nums: number[] = [];
  const varint = (out: number[], v: number) => {
    while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v >>>= 7; }
    out.push(v);
  };
  for (const o of outlines) {
    varint(nums, o.codePoint);
    varint(nums, o.advance);
    varint(nums, o.ops.length);
    let x = 0;
    let y = 0;
    for (let i = 0; i < o.ops.length; i++) ops.push(o.ops[i]!);
    for (let i = 0; i < o.points.length; i += 2) {
      const [px, py] = [o.points[i]!, o.points[i + 1]!];
      varint(nums, ((px - x) << 1) ^ ((px - x) >> 31));
      varint(nums, ((py - y) << 1) ^ ((py - y) >> 31));
      [x, y] = [px, py];
    }
  }
  const head: number[] = [];
  varint(head, outlines.length);
  varint(head, ops.length);
  return Uint8Array.from([...head, ...ops, ...nums]);
}

/** The outlines of a stream written by {@link encodeOutlines}. */
export function decodeOutlines(bytes: Uint8Array): Outline[] {
  let at = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    let b: number;
    do { b = bytes[at++]!; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return v;
  };
  const count = varint();
  const opsLength = varint();
  let op = at;
  at += opsLength;
  const opsEnd = at;
  const outlines: Outline[] = [];
  for (let g = 0; g < count; g++) {
    const codePoint = varint();
    const advance = varint();
    const ops = bytes.subarray(op, op + varint());
    op += ops.length;
    let n = 0;
    for (const o of ops) n += pointsPerOp[o as 0 | 1 | 2];
    const points = new Int32Array(n * 2);
    let x = 0;
    let y = 0;
    for (let i = 0; i < points.length; i += 2) {
      const dx = varint();
      const dy = varint();
      points[i] = x += (dx >>> 1) ^ -(dx & 1);
      points[i + 1] = y += (dy >>> 1) ^ -(dy & 1);
    }
    outlines.push({ codePoint, advance, ops, points });
  }
  if (at !== bytes.length || op !== opsEnd) throw new Error('font outlines: the stream does not end where its glyphs do');
  return outlines;
}
