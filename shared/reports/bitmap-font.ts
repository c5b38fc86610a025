/**
 * A small proportional bitmap font, written as data, for drawing text into images without a
 * font engine (the recap chart). Covers printable ASCII — enough for Bahasa Indonesia — plus the
 * en dash, em dash and middle dot used in week ranges and titles; any other character is drawn
 * as '?'. Glyphs sit on a 9-row grid: rows 0–6 from cap height to baseline, rows 7–8 for
 * descenders (g, j, p, q, y, comma). Drawn at an integer scale, one glyph pixel becomes a square.
 */

/** Rows of the glyph grid: cap height, baseline row and descenders. */
export const fontMetrics = { capHeight: 7, descent: 2, rows: 9, letterSpacing: 1, spaceWidth: 3 } as const;

/*
 * The font sheet: a header line naming each glyph at its first column, then its 9 rows
 * ('#' ink, '.' paper); glyphs are separated by a blank column and may differ in width.
 * Kept as a picture so a reviewer can see the letters. A backtick cannot stand inside a template
 * literal, so the sheet names that glyph '´' and the parser renames it.
 */
const sheet = String.raw`
! "   #     $     %      &     ' (  )  *     +     ,  -   . /     0     1     2     3     4
# #.# .#.#. ..#.. ##.... .##.. # .# #. ..... ..... .. ... . ....# .###. ..#.. .###. ##### ...#.
# #.# .#.#. .#### ##...# #..#. # #. .# ..#.. ..#.. .. ... . ....# #...# .##.. #...# ...#. ..##.
# ... ##### #.#.. ....#. #.#.. . #. .# #.#.# ..#.. .. ... . ...#. #...# ..#.. ....# ..#.. .#.#.
# ... .#.#. .###. ...#.. .#... . #. .# .###. ##### .. ### . ..#.. #...# ..#.. ...#. ...#. #..#.
# ... ##### ..#.# ..#... #.#.# . #. .# #.#.# ..#.. .. ... . .#... #...# ..#.. ..#.. ....# #####
. ... .#.#. ####. .#..## #..#. . #. .# ..#.. ..#.. .# ... . #.... #...# ..#.. .#... #...# ...#.
# ... .#.#. ..#.. #...## .##.# . .# #. ..... ..... .# ... # #.... .###. .###. ##### .###. ...#.
. ... ..... ..... ...... ..... . .. .. ..... ..... #. ... . ..... ..... ..... ..... ..... .....
. ... ..... ..... ...... ..... . .. .. ..... ..... .. ... . ..... ..... ..... ..... ..... .....

5     6     7     8     9     : ;  <    =     >    ?     @     A     B     C     D     E
##### ..##. ##### .###. .###. . .. ...# ..... #... .###. .###. .###. ####. .###. ####. #####
#.... .#... ....# #...# #...# . .. ..#. ..... .#.. #...# #...# #...# #...# #...# #...# #....
####. #.... ...#. #...# #...# # .# .#.. ##### ..#. ....# #.### #...# #...# #.... #...# #....
....# ####. ..#.. .###. .#### . .. #... ..... ...# ...#. #.#.# ##### ####. #.... #...# ####.
....# #...# .#... #...# ....# . .. .#.. ##### ..#. ..#.. #.### #...# #...# #.... #...# #....
#...# #...# .#... #...# ...#. . .. ..#. ..... .#.. ..... #.... #...# #...# #...# #...# #....
.###. .###. .#... .###. .##.. # .# ...# ..... #... ..#.. .###. #...# ####. .###. ####. #####
..... ..... ..... ..... ..... . #. .... ..... .... ..... ..... ..... ..... ..... ..... .....
..... ..... ..... ..... ..... . .. .... ..... .... ..... ..... ..... ..... ..... ..... .....

F     G     H     I   J     K     L     M     N     O     P     Q     R     S     T     U
##### .###. #...# ### ..### #...# #.... #...# #...# .###. ####. .###. ####. .#### ##### #...#
#.... #...# #...# .#. ....# #..#. #.... ##.## #...# #...# #...# #...# #...# #.... ..#.. #...#
#.... #.... #...# .#. ....# #.#.. #.... #.#.# ##..# #...# #...# #...# #...# #.... ..#.. #...#
####. #.### ##### .#. ....# ##... #.... #.#.# #.#.# #...# ####. #...# ####. .###. ..#.. #...#
#.... #...# #...# .#. ....# #.#.. #.... #...# #..## #...# #.... #.#.# #.#.. ....# ..#.. #...#
#.... #...# #...# .#. #...# #..#. #.... #...# #...# #...# #.... #..#. #..#. ....# ..#.. #...#
#.... .#### #...# ### .###. #...# ##### #...# #...# .###. #.... .##.# #...# ####. ..#.. .###.
..... ..... ..... ... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....
..... ..... ..... ... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... ..... .....

V     W     X     Y     Z     [   \     ]   ^     _     ´  a     b     c     d     e     f
#...# #...# #...# #...# ##### ### #.... ### ..#.. ..... #. ..... #.... ..... ....# ..... ..##
#...# #...# #...# #...# ....# #.. #.... ..# .#.#. ..... .# ..... #.... ..... ....# ..... .#..
#...# #...# .#.#. .#.#. ...#. #.. .#... ..# #...# ..... .. .###. #.##. .###. .##.# .###. ###.
#...# #.#.# ..#.. ..#.. ..#.. #.. ..#.. ..# ..... ..... .. ....# ##..# #.... #..## #...# .#..
#...# #.#.# .#.#. ..#.. .#... #.. ...#. ..# ..... ..... .. .#### #...# #.... #...# ##### .#..
.#.#. #.#.# #...# ..#.. #.... #.. ....# ..# ..... ..... .. #...# #...# #...# #...# #.... .#..
..#.. .#.#. #...# ..#.. ##### ### ....# ### ..... ..... .. .#### ####. .###. .#### .###. .#..
..... ..... ..... ..... ..... ... ..... ... ..... ##### .. ..... ..... ..... ..... ..... ....
..... ..... ..... ..... ..... ... ..... ... ..... ..... .. ..... ..... ..... ..... ..... ....

g     h     i j   k    l  m     n     o     p     q     r    s     t    u     v     w     x
..... #.... # ..# #... #. ..... ..... ..... ..... ..... .... ..... .... ..... ..... ..... .....
..... #.... . ... #... #. ..... ..... ..... ..... ..... .... ..... .#.. ..... ..... ..... .....
.#### #.##. # ..# #..# #. ##.#. #.##. .###. ####. .#### #.## .#### ###. #...# #...# #...# #...#
#...# ##..# # ..# #.#. #. #.#.# ##..# #...# #...# #...# ##.. #.... .#.. #...# #...# #...# .#.#.
#...# #...# # ..# ##.. #. #.#.# #...# #...# #...# #...# #... .###. .#.. #...# #...# #.#.# ..#..
#...# #...# # ..# #.#. #. #.#.# #...# #...# #...# #...# #... ....# .#.. #..## .#.#. #.#.# .#.#.
.#### #...# # ..# #..# .# #.#.# #...# .###. ####. .#### #... ####. ..## .##.# ..#.. .#.#. #...#
....# ..... . ..# .... .. ..... ..... ..... #.... ....# .... ..... .... ..... ..... ..... .....
.###. ..... . ##. .... .. ..... ..... ..... #.... ....# .... ..... .... ..... ..... ..... .....

y     z     {    | }    ~     –     —        ·
..... ..... ..## # ##.. ..... ..... ........ .
..... ..... .#.. # ..#. ..... ..... ........ .
#...# ##### .#.. # ..#. .#... ..... ........ .
#...# ...#. #... # ...# #.#.# ##### ######## #
#...# ..#.. .#.. # ..#. ...#. ..... ........ .
#...# .#... .#.. # ..#. ..... ..... ........ .
.#### ##### ..## # ##.. ..... ..... ........ .
....# ..... .... # .... ..... ..... ........ .
.###. ..... .... . .... ..... ..... ........ .
`;

interface Glyph {
  width: number;
  /** Ink pixels as [column, row]. */
  ink: ReadonlyArray<readonly [number, number]>;
}

function parseSheet(text: string): Map<string, Glyph> {
  const glyphs = new Map<string, Glyph>();
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (let b = 0; b < lines.length; b += fontMetrics.rows + 1) {
    const header = lines[b] ?? '';
    const rows = lines.slice(b + 1, b + 1 + fontMetrics.rows);
    const first = rows[0] ?? '';
    // Each run of non-blank columns in the first row is one glyph; the header names it.
    for (const run of first.matchAll(/[.#]+/g)) {
      const x0 = run.index;
      const width = run[0].length;
      const ch = [...header.slice(x0)][0];
      if (ch === undefined || ch === ' ') throw new Error(`font sheet: no name above column ${x0} in block ${b}`);
      const ink: Array<[number, number]> = [];
      rows.forEach((row, y) => {
        const cells = row.slice(x0, x0 + width);
        if (!/^[.#]+$/.test(cells) || cells.length !== width) throw new Error(`font sheet: glyph '${ch}' row ${y} is ragged`);
        for (let x = 0; x < width; x++) if (cells[x] === '#') ink.push([x, y]);
      });
      glyphs.set(ch === '´' ? '`' : ch, { width, ink });
    }
  }
  return glyphs;
}

const glyphs = parseSheet(sheet);
glyphs.set(' ', { width: fontMetrics.spaceWidth, ink: [] });
const unknown = glyphs.get('?')!;

// Typographic stand-ins that arrive from copied text: drawn as their plain ASCII cousins.
const lookalikes: Record<string, string> = { '\u00a0': ' ', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2212': '-', '\t': ' ' };

function glyphOf(ch: string): Glyph {
  return glyphs.get(lookalikes[ch] ?? ch) ?? unknown;
}

/** Whether the font has a glyph of its own for `ch` (otherwise it is drawn as '?'). */
export function hasGlyph(ch: string): boolean {
  return glyphs.has(lookalikes[ch] ?? ch);
}

/** Width of `text` in glyph pixels (multiply by the drawing scale for image pixels). */
export function textWidth(text: string): number {
  let width = 0;
  let count = 0;
  for (const ch of text) {
    width += glyphOf(ch).width;
    count++;
  }
  return count === 0 ? 0 : width + (count - 1) * fontMetrics.letterSpacing;
}

/** A line of text as a grid of glyph pixels. */
export interface TextBitmap {
  /** In glyph pixels; `rows` high. */
  width: number;
  rows: number;
  /** Whether glyph pixel (x, y) is ink; false outside the grid. */
  isInk(x: number, y: number): boolean;
}

/**
 * The glyph pixels of `text` as one grid, row 0 at cap height. The caller scales and places it;
 * the font knows nothing of images.
 */
export function textBitmap(text: string): TextBitmap {
  const width = textWidth(text);
  const rows = fontMetrics.rows;
  const ink = new Uint8Array(width * rows);
  let pen = 0;
  for (const ch of text) {
    const glyph = glyphOf(ch);
    for (const [x, y] of glyph.ink) ink[y * width + pen + x] = 1;
    pen += glyph.width + fontMetrics.letterSpacing;
  }
  return { width, rows, isInk: (x, y) => x >= 0 && y >= 0 && x < width && y < rows && ink[y * width + x] === 1 };
}
