/**
 * The XLSX workbook attached to the monthly and quarterly recaps: a few sheets (a summary, the
 * period's cases) that a head of office can sort and filter. Rows are streamed from an iterable
 * (the cases come out of DynamoDB page by page), turned into SpreadsheetML and deflated chunk by
 * chunk into the ZIP, so memory holds the compressed output and one chunk of XML, whatever the
 * number of rows. No third-party code: SpreadsheetML (ECMA-376 part 1) is written here, the ZIP
 * container by `./zip`.
 *
 * Dates carry no time zone in a spreadsheet: a cell shows a wall-clock date and time, and this
 * writer never converts between zones. The rule for `date` and `datetime` columns:
 * - a string `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm`, `YYYY-MM-DDTHH:mm:ss[.sss]`, optionally followed by
 *   an offset (`+07:00`, `Z`), shows the date and time digits as written; the offset is ignored.
 *   The case model's timestamps (`2026-11-23T09:30:00+07:00`, in the regency's zone) go in as they
 *   are and show 23 Nov 2026 09:30.
 * - a `Date` shows its UTC fields (`new Date(Date.UTC(2026, 10, 23, 9, 30))` shows 23 Nov 2026
 *   09:30). An instant must be formatted in the regency's zone first, e.g. by `calendar.format`.
 * A `date` column keeps the day only, so that an Excel filter on a day matches.
 */
import { ZipWriter } from './zip';

/**
 * A number with its own format, for a column whose rows mix counts, shares and averages (a summary
 * sheet): the number is stored as a number, shown as `kind` says.
 */
export interface FormattedNumber {
  value: number | null;
  kind: 'integer' | 'decimal' | 'percent';
}

export type Cell = string | number | boolean | Date | FormattedNumber | null | undefined;

type Rows = Iterable<Cell[]> | AsyncIterable<Cell[]>;

/** How a column's numbers are shown; the value decides the cell type (see {@link buildXlsx}). */
export type ColumnKind = 'text' | 'integer' | 'decimal' | 'percent' | 'date' | 'datetime';

export interface Column {
  header: string;
  /**
   * In Excel's character widths. When absent the column fits its content: the longest of its first
   * {@link FIT_SAMPLE_ROWS} cells as shown (or its header's longest word, the header wrapping onto
   * at most three lines), capped at `maxWidth`.
   */
  width?: number;
  /** The widest a fitted column gets (default 50); longer text is cut off on screen and on paper. */
  maxWidth?: number;
  kind?: ColumnKind;
}

export interface SheetInput {
  /** Made valid for Excel if it is not: see {@link buildXlsx}. */
  name: string;
  columns: Column[];
  /**
   * The rows, read once in order. A function is called only when the sheet is written, and such a
   * sheet is written after the sheets whose rows are given (it still shows where it stands): a summary
   * shown first can then be computed while the detail sheet after it is streamed, in one read.
   */
  rows: Rows | (() => Rows | Promise<Rows>);
  /**
   * For a sheet written after others (its rows a function): an upper bound of its rows' XML in
   * bytes, kept free in `maxBytes` while the earlier sheets are written (default 0).
   */
  reserveBytes?: number;
  /** Filter buttons on the header over the data (default true). */
  autoFilter?: boolean;
  /** The header row stays in view when scrolling (default true). */
  freezeHeader?: boolean;
  /**
   * Printed in the centre of each page's header (the page number and count go in its footer);
   * the page is landscape A4 fitted to one page wide, the header row repeated on every page.
   */
  pageTitle?: string;
}

export interface XlsxOptions {
  /**
   * The largest workbook wanted, in bytes. SES refuses messages over 10 MB counted after base64
   * (4/3 of the bytes) with the rest of the email, so an attachment needs to stay near 7 MB.
   */
  maxBytes?: number;
  title?: string;
  creator?: string;
}

/** Rows per sheet, keyed by the sheet's name as written (see {@link buildXlsx}). */
export type RowCounts = Record<string, number>;

export type XlsxResult =
  | { ok: true; bytes: Uint8Array; rowsWritten: RowCounts }
  | {
      ok: false;
      reason: 'too_large';
      maxBytes: number;
      /**
       * Rows that fit: a workbook of the same sheets with only the first `rowsThatFit[name]` rows
       * of each is within `maxBytes` (it may be short of the most that would fit by one chunk of
       * XML, a few hundred rows). 0 everywhere when not even the headers fit.
       */
      rowsThatFit: RowCounts;
    };

/** Excel's limits: rows and columns of a sheet, characters of a cell, of a sheet name. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_CELL_TEXT = 32_767;
const MAX_SHEET_NAME = 31;

/** Rows read before a sheet is begun, to fit the widths of its columns (its head holds them). */
export const FIT_SAMPLE_ROWS = 1_000;
/** Lines a wrapped header may take; a fitted column widens rather than take more. */
const MAX_HEADER_LINES = 3;
/** The default row height of 11-point Calibri, in points: the header row is this times its lines. */
const LINE_POINTS = 15;

/** XML is deflated in chunks of about this many UTF-16 units (plus at most one row). */
const CHUNK_CHARS = 128 * 1024;

// cellXfs of styles.xml, by position.
const STYLE = { text: 0, header: 1, integer: 2, decimal: 3, percent: 4, date: 5, datetime: 6, headerRight: 7 } as const;

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * Builds an XLSX workbook from `sheets`, reading each sheet's rows once, in order.
 *
 * - Header row bold, wrapping in fitted columns; frozen below row 1 and under filter buttons unless
 *   the sheet says not. Columns without a width fit their content (see {@link Column.width}).
 * - Printed landscape on A4, fitted to one page wide, the header row repeated on every page, the
 *   sheet's name and the page number in the footer, `pageTitle` in the header.
 * - A cell's type follows its value: a number is a number (NaN and ±Infinity, which a sheet cannot
 *   hold, leave the cell empty), a boolean a boolean, a Date a date; a string is text, except in a
 *   `date`/`datetime` column, where it must be a wall-clock date (the rule is in this module's
 *   header) and a date is written. null, undefined and '' leave the cell empty. The column's kind
 *   gives the number format, or the cell's own for a {@link FormattedNumber}: `integer` #,##0 (with
 *   the reader's thousands separator), `decimal` 0.00, `percent` 0.0 % (0.853 shows 85.3 %),
 *   `date` yyyy-mm-dd, `datetime` yyyy-mm-dd hh:mm.
 * - Text loses the characters XML 1.0 cannot carry and is cut to Excel's 32,767 characters
 *   (ending in `…` when cut).
 * - Sheet names are made valid for Excel: `[]:*?/\` become `-`, apostrophes and spaces leave the ends, the
 *   name is cut to 31 characters and made unique (`Kasus (2)`). Row counts are keyed by these names.
 * - The same input gives the same bytes (fixed ZIP timestamps, no creation date).
 *
 * With `maxBytes`, stops reading rows once the workbook cannot fit, and says how many rows do.
 * Throws a RangeError past Excel's limits (1,048,576 rows, 16,384 columns) or the ZIP's (4 GiB),
 * for a row longer than its sheet's columns and for a date that is not one.
 */
export async function buildXlsx(sheets: SheetInput[], opts: XlsxOptions = {}): Promise<XlsxResult> {
  if (sheets.length === 0) throw new RangeError('A workbook needs at least one sheet');
  const names = sheetNames(sheets.map((s) => s.name));
  const layouts = sheets.map((sheet, i) => layoutOf(sheet, names[i]!, i));
  // Sheets whose rows are given first, then those whose rows are a function (see SheetInput.rows).
  const lazy = (i: number) => typeof sheets[i]!.rows === 'function';
  const order = [...layouts.filter((l) => !lazy(l.index)), ...layouts.filter((l) => lazy(l.index))];
  const zip = new ZipWriter();
  zip.add('[Content_Types].xml', contentTypesXml(layouts.length));
  zip.add('_rels/.rels', rootRelsXml());
  zip.add('docProps/core.xml', coreXml(opts));
  zip.add('docProps/app.xml', appXml(names));
  zip.add('xl/_rels/workbook.xml.rels', workbookRelsXml(layouts.length));
  zip.add('xl/styles.xml', STYLES_XML);

  const rowsWritten: RowCounts = Object.fromEntries(names.map((n) => [n, 0]));
  const budget = opts.maxBytes === undefined ? undefined : new Budget(opts.maxBytes, order, rowsWritten, sheets.map((s) => s.reserveBytes ?? 0));

  for (const [position, layout] of order.entries()) {
    const name = layout.name;
    const index = layout.index;
    const given = sheets[index]!.rows;
    const source = rowSource(typeof given === 'function' ? await given() : given);
    // The widths are in the sheet's head, before its rows: fitted to the rows read ahead.
    const ahead = layout.columns.some((c) => c.fit) ? await source.readAhead(FIT_SAMPLE_ROWS) : [];
    fitColumns(layout, ahead);
    zip.open(entryName(index));
    let xml = sheetHeadXml(layout);
    let rows = 0;
    // After each chunk the output so far is exact: the moment to see whether the workbook still fits.
    const flush = (): boolean => {
      zip.write(Buffer.from(xml, 'utf8'));
      xml = '';
      rowsWritten[name] = rows;
      return budget ? budget.check(zip, position) : true;
    };
    if (!flush()) return budget!.tooLarge();
    for await (const row of source.rows()) {
      if (rows === MAX_ROWS - 1) throw new RangeError(`Sheet ${name}: more than ${MAX_ROWS - 1} rows, Excel's limit`);
      rows++;
      xml += rowXml(layout, row, rows + 1);
      if (xml.length >= CHUNK_CHARS && !flush()) return budget!.tooLarge();
    }
    xml += sheetTailXml(layout, rows);
    if (!flush()) return budget!.tooLarge();
    zip.close();
  }
  zip.add('xl/workbook.xml', workbookXml(layouts, rowsWritten));
  const bytes = zip.finish();
  if (budget && bytes.length > budget.maxBytes) return budget.tooLarge();
  return { ok: true, bytes, rowsWritten };
}

interface LayoutColumn {
  header: string;
  width: number;
  kind: ColumnKind;
  letter: string;
  /** Fitted to the content (no width was asked for), at most this wide. */
  fit?: { maxWidth: number };
}

interface Layout {
  index: number;
  name: string;
  columns: LayoutColumn[];
  autoFilter: boolean;
  freezeHeader: boolean;
  pageTitle?: string;
  /** Lines of the header row (its text wraps in fitted columns). */
  headerLines: number;
}

const entryName = (index: number) => `xl/worksheets/sheet${index + 1}.xml`;

function layoutOf(sheet: SheetInput, name: string, index: number): Layout {
  if (sheet.columns.length === 0) throw new RangeError(`Sheet ${name}: needs at least one column`);
  if (sheet.columns.length > MAX_COLUMNS) throw new RangeError(`Sheet ${name}: more than ${MAX_COLUMNS} columns, Excel's limit`);
  const columns = sheet.columns.map((c, i): LayoutColumn => {
    const kind = c.kind ?? 'text';
    // 255 is Excel's widest column. Whole widths: the head's length is then bounded (see Budget).
    if (c.width !== undefined) return { header: c.header, width: Math.min(255, Math.max(1, Math.round(c.width))), kind, letter: columnLetter(i) };
    return { header: c.header, width: 10, kind, letter: columnLetter(i), fit: { maxWidth: Math.min(255, Math.max(4, c.maxWidth ?? 50)) } };
  });
  return { index, name, columns, autoFilter: sheet.autoFilter ?? true, freezeHeader: sheet.freezeHeader ?? true, pageTitle: sheet.pageTitle, headerLines: 1 };
}

/** A sheet's rows, with the first few readable ahead (to fit the widths) and then all in order, once. */
function rowSource(rows: Rows): { readAhead(n: number): Promise<Cell[][]>; rows(): AsyncIterable<Cell[]> } {
  const iterator: Iterator<Cell[]> | AsyncIterator<Cell[]> = Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
  const buffered: Cell[][] = [];
  let done = false;
  return {
    async readAhead(n) {
      while (!done && buffered.length < n) {
        const next = await iterator.next();
        if (next.done) done = true;
        else buffered.push(next.value);
      }
      return buffered;
    },
    async *rows() {
      while (buffered.length) yield buffered.shift()!;
      // The row is handed out before the next is asked for: a consumer that stops early (the byte
      // budget) reads no further, and the iterator is closed as a for-of would close it.
      try {
        while (!done) {
          const next = await iterator.next();
          if (next.done) { done = true; return; }
          yield next.value;
        }
      } finally {
        if (!done) await iterator.return?.();
      }
    },
  };
}

/**
 * Widths of the fitted columns from the rows read ahead: the longest cell as shown, plus a margin,
 * capped; at least the header's longest word (plus the filter button), the header wrapping onto as
 * few lines as that allows and never more than {@link MAX_HEADER_LINES}.
 */
function fitColumns(layout: Layout, rows: Cell[][]): void {
  const button = layout.autoFilter ? 2 : 0;
  let headerLines = 1;
  layout.columns.forEach((column, i) => {
    if (!column.fit) {
      headerLines = Math.max(headerLines, wrappedLines(column.header, column.width - button));
      return;
    }
    let longest = 0;
    for (const row of rows) longest = Math.max(longest, shownLength(row[i], column.kind));
    const words = Math.max(0, ...column.header.split(/\s+/).map((w) => w.length));
    // Bold text is about a tenth wider than the width's unit (a digit of the regular font).
    let width = Math.max(Math.min(column.fit.maxWidth, longest + 2), Math.ceil(words * 1.1) + button + 1);
    while (wrappedLines(column.header, (width - button - 1) / 1.1) > MAX_HEADER_LINES && width < 255) width++;
    column.width = Math.min(255, width);
    headerLines = Math.max(headerLines, wrappedLines(column.header, (column.width - button - 1) / 1.1));
  });
  layout.headerLines = Math.min(MAX_HEADER_LINES, headerLines);
}

/** Lines `text` takes when wrapped at word boundaries into `width` characters. */
function wrappedLines(text: string, width: number): number {
  let lines = 1;
  let line = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === 0) line = word.length;
    else if (line + 1 + word.length <= width) line += 1 + word.length;
    else { lines++; line = word.length; }
  }
  return lines;
}

/** Characters a cell shows in its column's format (its longest line, for text). */
function shownLength(value: Cell, kind: ColumnKind): number {
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value === 'object' && !(value instanceof Date)) return value.value === null ? 0 : numberLength(value.value, value.kind);
  if (typeof value === 'boolean') return 5; // TRUE / FALSE, BENAR / SALAH
  if (kind === 'date') return 10;
  if (kind === 'datetime' || value instanceof Date) return 16;
  if (typeof value === 'number') return numberLength(value, kind);
  let longest = 0;
  for (const line of value.split('\n')) longest = Math.max(longest, [...line].length);
  return longest;
}

function numberLength(n: number, kind: ColumnKind): number {
  if (!Number.isFinite(n)) return 0;
  if (kind === 'percent') return (n * 100).toFixed(1).length + 1;
  if (kind === 'integer') {
    const digits = Math.round(Math.abs(n)).toString().length;
    return digits + Math.floor((digits - 1) / 3) + (n < 0 ? 1 : 0);
  }
  if (kind === 'decimal') return n.toFixed(2).length;
  return String(n).length;
}

/** A: 0, Z: 25, AA: 26 … XFD: 16383. */
function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/**
 * Tracks the byte budget. After each chunk two questions: could the workbook end here within the
 * budget (then these are rows that fit), and can it still fit at all (else stop reading rows).
 */
class Budget {
  private fitted: RowCounts;
  /** Upper bounds of what ending the workbook after sheet i adds, beyond the current sheet's tail. */
  private readonly closingAfter: number[];
  /** Bytes that must still come after sheet i whatever its rows: headers and directory records. */
  private readonly leastAfter: number[];

  /** `layouts` in the order they are written; `reserve` by sheet index (see SheetInput.reserveBytes). */
  constructor(readonly maxBytes: number, private readonly layouts: Layout[], private readonly rowsWritten: RowCounts, reserve: number[]) {
    this.fitted = Object.fromEntries(layouts.map((l) => [l.name, 0]));
    // The workbook with the largest row numbers is the longest it can be.
    const workbook = workbookXml(layouts, Object.fromEntries(layouts.map((l) => [l.name, MAX_ROWS - 1])));
    const workbookBytes = ZipWriter.overheadOf('xl/workbook.xml') + deflateBound(Buffer.byteLength(workbook));
    // A later sheet's widths are fitted only when it begins: its head is bounded with the widest (3 digits).
    const widest = (l: Layout): Layout => ({ ...l, headerLines: MAX_HEADER_LINES, columns: l.columns.map((c) => ({ ...c, width: 255 })) });
    this.closingAfter = layouts.map((_, i) => workbookBytes + layouts.slice(i + 1).reduce(
      (n, later) => n + ZipWriter.overheadOf(entryName(later.index)) + deflateBound(Buffer.byteLength(sheetHeadXml(widest(later)) + sheetTailXml(later, 0)) + reserve[later.index]!), 0));
    this.leastAfter = layouts.map((_, i) => ZipWriter.overheadOf('xl/workbook.xml') + layouts.slice(i + 1).reduce((n, later) => n + ZipWriter.overheadOf(entryName(later.index)), 0));
  }

  /** False when the workbook cannot fit any more; records the rows that fit when it still can. */
  /** After a chunk of the sheet written `position`th. */
  check(zip: ZipWriter, position: number): boolean {
    const layout = this.layouts[position]!;
    const directory = zip.directorySize;
    const tail = deflateBound(Buffer.byteLength(sheetTailXml(layout, this.rowsWritten[layout.name]!)));
    if (zip.size + directory + tail + this.closingAfter[position]! <= this.maxBytes) {
      this.fitted = Object.fromEntries(this.layouts.map((l, p) => [l.name, p <= position ? this.rowsWritten[l.name]! : 0]));
    }
    return zip.size + directory + this.leastAfter[position]! <= this.maxBytes;
  }

  tooLarge(): XlsxResult {
    return { ok: false, reason: 'too_large', maxBytes: this.maxBytes, rowsThatFit: this.fitted };
  }
}

/** More than deflate can make of `n` bytes (zlib's deflateBound, with room for the final block). */
const deflateBound = (n: number) => n + (n >> 12) + (n >> 14) + (n >> 25) + 64;

/**
 * Names Excel accepts: 1 to 31 characters, none of `[]:*?/\`, no apostrophe at either end,
 * unique regardless of case, and not `History` (Excel reserves it).
 */
function sheetNames(requested: string[]): string[] {
  const taken = new Set(['HISTORY']);
  return requested.map((raw, i) => {
    const tidy = (s: string) => s.replace(/^[\s']+|[\s']+$/g, '');
    const base = tidy(cut(tidy(withoutInvalidXml(raw).replace(/[[\]:*?/\\]/g, '-')), MAX_SHEET_NAME)) || `Sheet${i + 1}`;
    let name = base;
    for (let n = 2; taken.has(name.toUpperCase()); n++) {
      const suffix = ` (${n})`;
      name = cut(base, MAX_SHEET_NAME - suffix.length) + suffix;
    }
    taken.add(name.toUpperCase());
    return name;
  });
}

/** The first `max` UTF-16 units of `s`, never splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1]!) ? max - 1 : max;
  return s.slice(0, end);
}

// What XML 1.0 cannot carry: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const withoutInvalidXml = (s: string) => s.replace(INVALID_XML, '');

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', _: '_x005F_' };

/** Text for XML content or attributes. CR as a reference: a literal one would be read as LF. */
function escapeXml(s: string): string {
  return withoutInvalidXml(s).replace(/[&<>"'\r]/g, (c) => ENTITIES[c]!);
}

/**
 * Text of a cell (ST_Xstring): as {@link escapeXml}, and Excel reads `_xHHHH_` as the character
 * U+HHHH, so the underscore of a literal `_x0041_` is itself written `_x005F_`.
 */
function cellText(s: string): string {
  // Most cells have nothing to drop or escape: one test instead of two replacements.
  if (s.length <= MAX_CELL_TEXT && !NEEDS_CARE.test(s)) return s;
  let text = withoutInvalidXml(s);
  if (text.length > MAX_CELL_TEXT) text = `${cut(text, MAX_CELL_TEXT - 1)}…`;
  return text.replace(/[&<>"'\r]|_(?=x[0-9A-Fa-f]{4}_)/g, (c) => ENTITIES[c]!);
}

/** What {@link cellText} may have to change: XML's invalid characters, surrogates, what is escaped, `_`. */
const NEEDS_CARE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF&<>"'\r_]/;

function rowXml(layout: Layout, row: Cell[], rowNumber: number): string {
  if (row.length > layout.columns.length) {
    throw new RangeError(`Sheet ${layout.name}, row ${rowNumber}: ${row.length} cells for ${layout.columns.length} columns`);
  }
  let cells = '';
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value === null || value === undefined || value === '') continue;
    const column = layout.columns[i]!;
    cells += cellXml(`${column.letter}${rowNumber}`, value, column.kind, layout, i);
  }
  return cells === '' ? '' : `<row r="${rowNumber}">${cells}</row>`;
}

/** Whitespace an XML reader may collapse or trim unless told to preserve it. */
const LOOSE_WHITESPACE = /^\s|\s$|[\t\n\r]| {2}/;

const style = (s: number) => (s === 0 ? '' : ` s="${s}"`);

/** `layout` and `column` only name the cell in an error. */
function cellXml(ref: string, value: string | number | boolean | Date | FormattedNumber, kind: ColumnKind, layout: Layout, column: number): string {
  if (typeof value === 'object' && !(value instanceof Date)) {
    return value.value !== null && Number.isFinite(value.value) ? `<c r="${ref}"${style(STYLE[value.kind])}><v>${value.value}</v></c>` : '';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? `<c r="${ref}"${style(STYLE[kind])}><v>${value}</v></c>` : '';
  }
  if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
  if (typeof value === 'string' && kind !== 'date' && kind !== 'datetime') {
    // An inline string, not the shared-strings table: that table would hold every distinct text of
    // the workbook in memory until the end. And an inline string is never a formula (those are in
    // <f>), so text starting with = + - @ stays text; the CSV export neutralises it its own way.
    // xml:space="preserve" only where a reader could drop whitespace (at an end, a tab, a line break, a
    // run of spaces): most cells are then 19 bytes shorter, which the deflate of 100,000 rows feels.
    const preserve = LOOSE_WHITESPACE.test(value) ? ' xml:space="preserve"' : '';
    return `<c r="${ref}"${style(STYLE[kind])} t="inlineStr"><is><t${preserve}>${cellText(value)}</t></is></c>`;
  }
  const serial = excelSerial(value, () => `Sheet ${layout.name}, cell ${ref} (${layout.columns[column]!.header})`);
  // A Date outside a date column still shows as a date and time, never as a bare serial number.
  return kind === 'date' ? `<c r="${ref}" s="${STYLE.date}"><v>${Math.floor(serial)}</v></c>` : `<c r="${ref}" s="${STYLE.datetime}"><v>${serial}</v></c>`;
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const DAY_MS = 86_400_000;
// 1899-12-30 is serial day 0 for every date from 1900-03-01 on (Excel's 1900 leap-year bug sits before).
const EPOCH_SERIAL = 25_569;
const FIRST_MS = Date.UTC(1900, 2, 1);
const LAST_MS = Date.UTC(10000, 0, 1) - 1;

/** The Excel serial (days since 1899-12-30, time as the fraction) of a wall-clock date. */
function excelSerial(value: string | Date, where: () => string): number {
  let ms: number;
  if (typeof value === 'string') {
    const m = WALL_CLOCK.exec(value);
    const part = (i: number) => Number(m?.[i] ?? 0);
    const [y, mo, d, h, mi, s] = [part(1), part(2), part(3), part(4), part(5), part(6)];
    ms = Date.UTC(y, mo - 1, d, h, mi, s, Number((m?.[7] ?? '0').padEnd(3, '0')));
    const back = new Date(ms);
    // Date.UTC rolls 31 April over to 1 May and takes year 0050 for 1950: a date that is not one fails.
    if (!m || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d
      || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
      throw new RangeError(`${where()}: ${JSON.stringify(value.slice(0, 40))} is not a date (YYYY-MM-DD, optionally THH:mm[:ss])`);
    }
  } else {
    ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError(`${where()}: an invalid Date`);
  }
  if (ms < FIRST_MS || ms > LAST_MS) throw new RangeError(`${where()}: Excel dates run from 1900-03-01 to 9999-12-31`);
  return ms / DAY_MS + EPOCH_SERIAL;
}

function sheetHeadXml(layout: Layout): string {
  const selected = layout.index === 0 ? ' tabSelected="1"' : '';
  const view = layout.freezeHeader
    ? `<sheetView workbookViewId="0"${selected}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>`
    : `<sheetView workbookViewId="0"${selected}/>`;
  const cols = layout.columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`).join('');
  // Over numbers and dates (right-aligned) the header is right-aligned too, so each stands over its values.
  const header = layout.columns.map((c) => `<c r="${c.letter}1" s="${c.kind === 'text' ? STYLE.header : STYLE.headerRight}" t="inlineStr"><is><t xml:space="preserve">${cellText(c.header)}</t></is></c>`).join('');
  // The header wraps: its height is set, as a reader does not grow a row to its wrapped text on opening.
  const headerRow = layout.headerLines > 1 ? `<row r="1" ht="${layout.headerLines * LINE_POINTS}" customHeight="1">` : '<row r="1">';
  // fitToPage: the page setup's fitToWidth/fitToHeight apply (rather than its scale).
  return `${XML_DECL}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${headerRow}${header}</row>`;
}

const filterRange = (layout: Layout, rows: number, abs = '') => `${abs}A${abs}1:${abs}${layout.columns.at(-1)!.letter}${abs}${rows + 1}`;

function sheetTailXml(layout: Layout, rows: number): string {
  // A4 landscape, one page wide and as many long as it takes (fitToHeight 0); the header row repeats
  // (the workbook's Print_Titles); the sheet's name and the page number in the footer.
  // In a page header `&` starts a code (&P the page number …): a literal one is doubled.
  const header = layout.pageTitle ? `<oddHeader>${escapeXml(`&C${layout.pageTitle.replace(/&/g, '&&')}`)}</oddHeader>` : '';
  return `</sheetData>${layout.autoFilter ? `<autoFilter ref="${filterRange(layout, rows)}"/>` : ''}`
    + '<printOptions horizontalCentered="1"/><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    + '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    + `<headerFooter>${header}<oddFooter>${escapeXml('&L&A&R&P / &N')}</oddFooter></headerFooter></worksheet>`;
}

function workbookXml(layouts: Layout[], rows: RowCounts): string {
  const sheets = layouts.map((l) => `<sheet name="${escapeXml(l.name)}" sheetId="${l.index + 1}" r:id="rId${l.index + 1}"/>`).join('');
  // Excel keeps each sheet's filter range in this hidden name too, and expects to find it.
  const quoted = (l: Layout) => `'${l.name.replace(/'/g, "''")}'`;
  const filters = layouts.filter((l) => l.autoFilter).map((l) =>
    `<definedName name="_xlnm._FilterDatabase" localSheetId="${l.index}" hidden="1">${escapeXml(`${quoted(l)}!${filterRange(l, rows[l.name]!, '$')}`)}</definedName>`).join('');
  // Print titles: the header row is printed at the top of every page.
  const titles = layouts.map((l) => `<definedName name="_xlnm.Print_Titles" localSheetId="${l.index}">${escapeXml(`${quoted(l)}!$1:$1`)}</definedName>`).join('');
  return `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>${sheets}</sheets><definedNames>${filters}${titles}</definedNames></workbook>`;
}

function contentTypesXml(sheetCount: number): string {
  const sheets = Array.from({ length: sheetCount }, (_, i) => `<Override PartName="/${entryName(i)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('');
  return `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + `${sheets}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
    + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    + '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>';
}

function rootRelsXml(): string {
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">`
    + `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>`
    + `<Relationship Id="rId2" Type="${NS_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>`
    + `<Relationship Id="rId3" Type="${NS_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`;
}

function workbookRelsXml(sheetCount: number): string {
  const sheets = Array.from({ length: sheetCount }, (_, i) => `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('');
  return `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">${sheets}<Relationship Id="rId${sheetCount + 1}" Type="${NS_REL}/styles" Target="styles.xml"/></Relationships>`;
}

// No dcterms:created: a creation date would make the same input give different bytes.
function coreXml(opts: XlsxOptions): string {
  return `${XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">`
    + `${opts.title ? `<dc:title>${escapeXml(opts.title)}</dc:title>` : ''}${opts.creator ? `<dc:creator>${escapeXml(opts.creator)}</dc:creator>` : ''}</cp:coreProperties>`;
}

function appXml(names: string[]): string {
  return `${XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">`
    + `<Application>Tanggap</Application><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${names.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>`
    + `<TitlesOfParts><vt:vector size="${names.length}" baseType="lpstr">${names.map((n) => `<vt:lpstr>${escapeXml(n)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts></Properties>`;
}

// Order matters: STYLE above indexes cellXfs. 164+ are custom number formats.
const STYLES_XML = `${XML_DECL}<styleSheet xmlns="${NS_MAIN}">`
  + '<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
  + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
  + '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
  + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
  + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
  + '<cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
  + '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
  + '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="right" vertical="top" wrapText="1"/></xf></cellXfs>'
  + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';
