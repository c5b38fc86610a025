/** The part of opentype.js 2.0 (no types of its own) that shared/reports/font/build.ts uses. */
declare module 'opentype.js' {
  export type PathCommand =
    | { type: 'M' | 'L'; x: number; y: number }
    | { type: 'Q'; x1: number; y1: number; x: number; y: number }
    | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
    | { type: 'Z' };
  export interface Glyph {
    index: number;
    advanceWidth?: number;
    getPath(x: number, y: number, fontSize: number): { commands: PathCommand[] };
  }
  export interface Font {
    unitsPerEm: number;
    tables: Record<string, unknown>;
    glyphs: { get(index: number): Glyph };
    charToGlyph(ch: string): Glyph | null;
  }
  export function parse(buffer: ArrayBuffer): Font;
}
