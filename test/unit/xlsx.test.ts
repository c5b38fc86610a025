/**
 * The XLSX writer, read back by independent readers: exceljs for the workbook, yauzl for the ZIP.
 */
import fc from 'fast-check';
import { ValueType, Workbook, type Worksheet } from 'exceljs';
import { buildXlsx, type Cell, type Column, type SheetInput, type XlsxResult } from '../../shared/reports/xlsx';
import { entryText, unzip } from '../support/unzip';

const casesColumns: Column[] = [
  { header: 'Nomor pelacakan' },
  { header: 'Dinas' },
  { header: 'Masuk', kind: 'datetime' },
  { header: 'Tanggal selesai', kind: 'date' },
  { header: 'Tahap tepat waktu', kind: 'integer' },
  { header: 'Penilaian', kind: 'decimal' },
  { header: 'Tepat waktu', kind: 'percent' },
  { header: 'Teguran' },
  { header: 'Judul', width: 60 },
];
const casesRows: Cell[][] = [
  ['TGP-7KQ4-M9XD-R', 'Dinas Kesehatan', '2026-11-23T09:30:00+07:00', '2026-11-27T14:00:00+07:00', 3, 4.5, 0.853, false, 'Antrean puskesmas terlalu lama'],
  ['TGP-2MXQ-8K4D-A', 'Dinas Kependudukan dan Pencatatan Sipil', '2026-11-24T16:05', null, 0, null, 0, true, 'KTP-el belum jadi setelah tiga bulan'],
];

function built(result: XlsxResult): Uint8Array {
  if (!result.ok) throw new Error(`expected a workbook, got ${JSON.stringify(result)}`);
  return result.bytes;
}

async function read(bytes: Uint8Array): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

function sheet(workbook: Workbook, name: string): Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name} in ${workbook.worksheets.map((w) => w.name).join(', ')}`);
  return found;
}

const rowValues = (ws: Worksheet, row: number) => Array.from({ length: ws.columnCount }, (_, i) => ws.getRow(row).getCell(i + 1).value);

/** How Excel reads cell text (ST_Xstring): `_xHHHH_` is U+HHHH. exceljs does this for shared strings only. */
const asExcelReadsIt = (s: unknown) => (typeof s === 'string' ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s);

async function* slowly<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

describe('a cases sheet', () => {
  let bytes: Uint8Array;
  let ws: Worksheet;
  beforeAll(async () => {
    bytes = built(await buildXlsx([{ name: 'Kasus', columns: casesColumns, rows: casesRows }], { title: 'Rekap November 2026', creator: 'Tanggap' }));
    ws = sheet(await read(bytes), 'Kasus');
  });

  test('has the headers in bold, then the rows', () => {
    expect(rowValues(ws, 1)).toEqual(casesColumns.map((c) => c.header));
    for (let col = 1; col <= casesColumns.length; col++) expect(ws.getRow(1).getCell(col).font?.bold).toBe(true);
    expect(ws.getRow(2).getCell(1).font?.bold).toBeFalsy();
    expect(ws.rowCount).toBe(1 + casesRows.length);
    expect(ws.getCell('A2').value).toBe('TGP-7KQ4-M9XD-R');
    expect(ws.getCell('B3').value).toBe('Dinas Kependudukan dan Pencatatan Sipil');
  });

  test('stores numbers as numbers, booleans as booleans, and leaves null cells empty', () => {
    expect(ws.getCell('E2').type).toBe(ValueType.Number);
    expect(ws.getCell('E2').value).toBe(3);
    expect(ws.getCell('E2').numFmt).toBe('#,##0');
    expect(ws.getCell('F2').value).toBe(4.5);
    expect(ws.getCell('F2').numFmt).toBe('0.00');
    expect(ws.getCell('H2').type).toBe(ValueType.Boolean);
    expect(ws.getCell('H3').value).toBe(true);
    expect(ws.getCell('D3').type).toBe(ValueType.Null);
    expect(ws.getCell('F3').value).toBeNull();
  });

  test('shows a fraction as a percentage with one decimal: 0.853 is 85.3 %', () => {
    const cell = ws.getCell('G2');
    expect(cell.type).toBe(ValueType.Number);
    expect(cell.value).toBe(0.853);
    expect(cell.numFmt).toBe('0.0%');
  });

  test('writes local wall-clock times as Excel dates, without any time-zone shift', () => {
    const submitted = ws.getCell('C2');
    expect(submitted.type).toBe(ValueType.Date);
    expect(submitted.value).toEqual(new Date(Date.UTC(2026, 10, 23, 9, 30)));
    expect(submitted.numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(ws.getCell('C3').value).toEqual(new Date(Date.UTC(2026, 10, 24, 16, 5)));
    const closed = ws.getCell('D2');
    expect(closed.value).toEqual(new Date(Date.UTC(2026, 10, 27)));
    expect(closed.numFmt).toBe('yyyy-mm-dd');
  });

  test('freezes the header row and filters over the header and the data', async () => {
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    expect(ws.autoFilter).toBe('A1:I3');
    const workbookXml = entryText(await unzip(bytes), 'xl/workbook.xml');
    expect(workbookXml).toMatch(/<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">&apos;Kasus&apos;!\$A\$1:\$I\$3<\/definedName>/);
  });

  test('gives columns their width: the one asked for, else fitted to the longest cell, the header wrapping', () => {
    expect(ws.getColumn(9).width).toBe(60);
    // The longest agency name, whole; a date and time as shown (16 characters).
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual('Dinas Kependudukan dan Pencatatan Sipil'.length);
    expect(ws.getColumn(2).width).toBeLessThanOrEqual('Dinas Kependudukan dan Pencatatan Sipil'.length + 3);
    expect(ws.getColumn(3).width).toBeGreaterThanOrEqual('2026-11-23 09:30'.length);
    // A small count under a long header: the header's longest word sets the width, and it wraps.
    expect(ws.getColumn(5).width).toBeGreaterThanOrEqual('Tahap'.length + 2);
    expect(ws.getColumn(5).width).toBeLessThan('Tahap tepat waktu'.length);
    expect(ws.getRow(1).getCell(5).alignment).toMatchObject({ wrapText: true });
    expect(ws.getRow(1).height).toBeGreaterThanOrEqual(30);
  });

  test('prints landscape on A4, one page wide, the header row on every page', async () => {
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9, printTitlesRow: '1:1' });
    const entries = await unzip(bytes);
    const sheetXml = entryText(entries, 'xl/worksheets/sheet1.xml');
    expect(sheetXml).toContain('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>');
    expect(sheetXml).toMatch(/<pageSetup [^>]*orientation="landscape" fitToWidth="1" fitToHeight="0"\/>/);
    expect(entryText(entries, 'xl/workbook.xml')).toContain('<definedName name="_xlnm.Print_Titles" localSheetId="0">&apos;Kasus&apos;!$1:$1</definedName>');
  });

  test('carries the title and the creator', async () => {
    const workbook = await read(bytes);
    expect(workbook.title).toBe('Rekap November 2026');
    expect(workbook.creator).toBe('Tanggap');
  });
});

describe('dates', () => {
  const build = async (kind: 'date' | 'datetime', value: Cell) => {
    const ws = sheet(await read(built(await buildXlsx([{ name: 'D', columns: [{ header: 'd', kind }], rows: [[value]] }]))), 'D');
    return ws.getCell('A2');
  };

  test.each([
    // [what, kind, value, the date and time shown (as UTC fields)]
    ['a time with the regency offset shows the digits as written', 'datetime', '2026-11-23T09:30:00+07:00', Date.UTC(2026, 10, 23, 9, 30)],
    ['Eastern Indonesia time likewise', 'datetime', '2026-12-31T23:59:59+09:00', Date.UTC(2026, 11, 31, 23, 59, 59)],
    ['a time without an offset', 'datetime', '2026-02-13T19:30', Date.UTC(2026, 1, 13, 19, 30)],
    ['milliseconds are kept', 'datetime', '2026-02-13T19:30:15.25', Date.UTC(2026, 1, 13, 19, 30, 15, 250)],
    ['a day alone is midnight', 'datetime', '2026-03-19', Date.UTC(2026, 2, 19)],
    ['a Date shows its UTC fields', 'datetime', new Date(Date.UTC(2026, 9, 1, 16, 5)), Date.UTC(2026, 9, 1, 16, 5)],
    ['a date column keeps the day', 'date', '2026-11-27T14:00:00+07:00', Date.UTC(2026, 10, 27)],
    ['a date column keeps the day of a Date', 'date', new Date(Date.UTC(2026, 0, 1, 23, 59)), Date.UTC(2026, 0, 1)],
    ['the first date Excel counts right', 'date', '1900-03-01', Date.UTC(1900, 2, 1)],
    ['a leap day', 'date', '2028-02-29', Date.UTC(2028, 1, 29)],
  ] as const)('%s', async (_what, kind, value, shown) => {
    const cell = await build(kind, value);
    expect(cell.type).toBe(ValueType.Date);
    expect(cell.value).toEqual(new Date(shown));
  });

  test.each([
    ['not a date', 'kemarin'],
    ['31 February', '2026-02-31'],
    ['hour 24', '2026-02-13T24:00'],
    ['a year Date.UTC would take for 1950', '0050-01-01'],
    ['before 1900-03-01, where Excel counts a 29 February that never was', '1900-02-28'],
    ['an invalid Date', new Date(Number.NaN)],
  ])('refuses %s, naming the cell', async (_what, value) => {
    await expect(buildXlsx([{ name: 'Kasus', columns: [{ header: 'Masuk', kind: 'datetime' }], rows: [[value]] }]))
      .rejects.toThrow(/Sheet Kasus, cell A2 \(Masuk\)/);
  });

  test('a Date outside a date column is still shown as a date and time', async () => {
    const ws = sheet(await read(built(await buildXlsx([{ name: 'D', columns: [{ header: 'd' }], rows: [[new Date(Date.UTC(2026, 4, 1, 8))]] }]))), 'D');
    expect(ws.getCell('A2').value).toEqual(new Date(Date.UTC(2026, 4, 1, 8)));
    expect(ws.getCell('A2').numFmt).toBe('yyyy-mm-dd hh:mm');
  });
});

describe('text', () => {
  const roundTrip = async (values: Cell[]) => {
    const ws = sheet(await read(built(await buildXlsx([{ name: 'T', columns: values.map((_, i) => ({ header: `c${i}` })), rows: [values] }]))), 'T');
    return values.map((_, i) => ws.getRow(2).getCell(i + 1));
  };

  test('keeps markup characters, emoji and Indonesian text as they are', async () => {
    const texts = ['<b>tebal</b> & "kutip" \'tunggal\'', 'Jalan berlubang 🚧🕳️ di Desa Sungai Lilin 👨‍👩‍👧', 'Keluhan: pelayanan KTP-el lambat; mohon ditindaklanjuti — terima kasih', '  spasi di tepi  '];
    const cells = await roundTrip(texts);
    expect(cells.map((c) => c.value)).toEqual(texts);
    expect(cells.map((c) => c.type)).toEqual(texts.map(() => ValueType.String));
  });

  test('drops the characters XML 1.0 cannot carry and keeps tab, line feed and carriage return', async () => {
    const [cell] = await roundTrip(['a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\uD800g\uDC00h\ti\nj\r\nk']);
    expect(cell!.value).toBe('abcdefgh\ti\nj\r\nk');
  });

  test('writes text that looks like a formula as text', async () => {
    const formulas = ['=HYPERLINK("http://contoh.test","klik")', '+62 812 3456 7890', '-1+1', '@SUM(A1:A2)'];
    const cells = await roundTrip(formulas);
    expect(cells.map((c) => c.type)).toEqual(formulas.map(() => ValueType.String));
    expect(cells.map((c) => c.value)).toEqual(formulas);
    expect(cells.map((c) => c.formula)).toEqual(formulas.map(() => undefined));
  });

  test('keeps a literal _x0041_, which Excel would otherwise read as "A"', async () => {
    const [cell] = await roundTrip(['kode_x0041_ dan _X00ff_ dan _x12_']);
    expect(asExcelReadsIt(cell!.value)).toBe('kode_x0041_ dan _X00ff_ dan _x12_');
  });

  test('cuts text to Excel\'s 32,767 characters, marking the cut', async () => {
    const long = 'Uraian panjang. '.repeat(3000);
    const [cell] = await roundTrip([long]);
    const value = cell!.value as string;
    expect(value).toHaveLength(32_767);
    expect(value.endsWith('…')).toBe(true);
    expect(long.startsWith(value.slice(0, -1))).toBe(true);
    const [exact] = await roundTrip([long.slice(0, 32_767)]);
    expect(exact!.value).toBe(long.slice(0, 32_767));
  });

  test('never cuts an emoji in half', async () => {
    const [cell] = await roundTrip(['x'.repeat(32_765) + '🚧🚧']);
    const value = cell!.value as string;
    expect(value.length).toBeLessThanOrEqual(32_767);
    expect(value).toBe(`${'x'.repeat(32_765)}…`);
  });
});

describe('fitted columns', () => {
  const widthsOf = async (sheetInput: SheetInput) => {
    const ws = sheet(await read(built(await buildXlsx([sheetInput]))), sheetInput.name);
    return Array.from({ length: sheetInput.columns.length }, (_, i) => ws.getColumn(i + 1).width ?? 0);
  };

  test('are capped at their maxWidth (50 by default), whatever the text', async () => {
    const long = 'sangat panjang '.repeat(20);
    const [first, second] = await widthsOf({ name: 'S', columns: [{ header: 'A' }, { header: 'B', maxWidth: 30 }], rows: [[long, long]] });
    expect(first).toBe(50);
    expect(second).toBe(30);
  });

  test('measure numbers as their format shows them: thousands separators, percentages', async () => {
    const [count, share] = await widthsOf({ name: 'S', columns: [{ header: 'n', kind: 'integer' }, { header: 'p', kind: 'percent' }], rows: [[1234567, 0.5], [2, 0.853]] });
    expect(count).toBeGreaterThanOrEqual('1,234,567'.length);
    expect(share).toBeGreaterThanOrEqual('85.3%'.length);
    expect(share).toBeLessThan(10);
  });

  test('measure the longest line of text that breaks lines, and emoji as one character', async () => {
    const [width] = await widthsOf({ name: 'S', columns: [{ header: 'x' }], rows: [['pendek\nbaris kedua yang lebih panjang\nakhir'], ['👍'.repeat(3)]] });
    expect(width).toBeGreaterThanOrEqual('baris kedua yang lebih panjang'.length);
    expect(width).toBeLessThanOrEqual('baris kedua yang lebih panjang'.length + 3);
  });

  test('are measured on the rows read ahead, and every row is still written once, in order', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i): Cell[] => [`r${i}`, i]);
    const ws = sheet(await read(built(await buildXlsx([{ name: 'S', columns: [{ header: 'a' }, { header: 'b', kind: 'integer' }], rows: slowly(rows) }]))), 'S');
    expect(ws.rowCount).toBe(2_501);
    expect(rowValues(ws, 2)).toEqual(['r0', 0]);
    expect(rowValues(ws, 2_501)).toEqual(['r2499', 2_499]);
  });
});

describe('a sheet whose rows are a function', () => {
  test('is written after the sheets whose rows are given, so it can summarise them, and still shows first', async () => {
    // Prepare: the summary counts the rows the detail sheet has read so far.
    let pulled = 0;
    async function* details() { for (let i = 0; i < 2_500; i++) { pulled++; yield [`r${i}`, i] as Cell[]; } }
    let pulledWhenCalled = -1;

    // Act
    const workbook = await read(built(await buildXlsx([
      { name: 'Ringkasan', columns: [{ header: 'Ukuran' }, { header: 'Nilai', kind: 'integer' }], rows: async () => { pulledWhenCalled = pulled; return [['Baris', pulled]]; } },
      { name: 'Kasus', columns: [{ header: 'a' }, { header: 'b', kind: 'integer' }], rows: details() },
    ])));

    // Assess
    expect(pulledWhenCalled).toBe(2_500);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Kasus']);
    expect(rowValues(sheet(workbook, 'Ringkasan'), 2)).toEqual(['Baris', 2_500]);
    expect(sheet(workbook, 'Kasus').rowCount).toBe(2_501);
  });

  test('keeps its reserve free under a byte budget: the rows that fit leave room for it', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i): Cell[] => [`TGP-${i}-${(i * 7919) % 10007}`, i]);
    const summary = Array.from({ length: 200 }, (_, i): Cell[] => [`Ukuran ${i} ${'x'.repeat(40)}`, i]);
    const sheets = (n: number): SheetInput[] => [
      { name: 'Ringkasan', columns: [{ header: 'Ukuran' }, { header: 'Nilai', kind: 'integer' }], rows: () => summary, reserveBytes: 20_000 },
      { name: 'Kasus', columns: [{ header: 'a' }, { header: 'b', kind: 'integer' }], rows: rows.slice(0, n) },
    ];
    const maxBytes = 60_000;
    const refused = await buildXlsx(sheets(rows.length), { maxBytes });
    if (refused.ok) throw new Error('expected too large');
    const fit = refused.rowsThatFit['Kasus']!;
    expect(fit).toBeGreaterThan(0);
    const cut = await buildXlsx(sheets(fit), { maxBytes });
    expect(cut.ok).toBe(true);
  });
});

describe('a column of mixed figures', () => {
  test('gives each number its own format: counts as integers, shares as percentages, averages with decimals', async () => {
    const ws = sheet(await read(built(await buildXlsx([{
      name: 'Ringkasan',
      columns: [{ header: 'Ukuran' }, { header: 'November 2026', kind: 'decimal' }],
      rows: [['Diterima', { value: 22, kind: 'integer' }], ['Tepat waktu', { value: 0.853, kind: 'percent' }], ['Rata-rata', { value: 4.25, kind: 'decimal' }], ['Belum ada', { value: null, kind: 'percent' }]],
    }]))), 'Ringkasan');
    expect([ws.getCell('B2').value, ws.getCell('B2').numFmt, ws.getCell('B2').type]).toEqual([22, '#,##0', ValueType.Number]);
    expect([ws.getCell('B3').value, ws.getCell('B3').numFmt]).toEqual([0.853, '0.0%']);
    expect([ws.getCell('B4').value, ws.getCell('B4').numFmt]).toEqual([4.25, '0.00']);
    expect(ws.getCell('B5').type).toBe(ValueType.Null);
  });
});

describe('a page title', () => {
  test('is printed in the header, an ampersand kept as one', async () => {
    const bytes = built(await buildXlsx([{ name: 'S', columns: [{ header: 'a' }], rows: [['x']], pageTitle: 'Rekap <Dinas> & "Kantor" 2026' }]));
    const ws = sheet(await read(bytes), 'S');
    expect(ws.headerFooter.oddHeader).toBe('&CRekap <Dinas> && "Kantor" 2026');
    expect(ws.headerFooter.oddFooter).toBe('&L&A&R&P / &N');
  });
});

describe('sheets', () => {
  test('several sheets, each with its own columns, in order; the first is selected', async () => {
    const workbook = await read(built(await buildXlsx([
      { name: 'Ringkasan', columns: [{ header: 'Ukuran' }, { header: 'Nilai', kind: 'integer' }, { header: 'Persen', kind: 'percent' }], rows: [['Diterima', 12, null], ['Tepat waktu', 9, 0.75]], autoFilter: false, freezeHeader: false },
      { name: 'Kasus', columns: casesColumns, rows: casesRows },
    ])));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Kasus']);
    const summary = sheet(workbook, 'Ringkasan');
    expect(rowValues(summary, 3)).toEqual(['Tepat waktu', 9, 0.75]);
    expect(summary.autoFilter).toBeUndefined();
    expect(summary.views[0]?.state).not.toBe('frozen');
    expect(sheet(workbook, 'Kasus').autoFilter).toBe('A1:I3');
    expect(rowValues(sheet(workbook, 'Kasus'), 1)).toEqual(casesColumns.map((c) => c.header));
  });

  test('an empty sheet has its header and a filter over the header alone', async () => {
    const bytes = built(await buildXlsx([{ name: 'Kasus', columns: casesColumns.slice(0, 3), rows: [] }]));
    const ws = sheet(await read(bytes), 'Kasus');
    expect(ws.rowCount).toBe(1);
    expect(rowValues(ws, 1)).toEqual(casesColumns.slice(0, 3).map((c) => c.header));
    expect(ws.autoFilter).toBe('A1:C1');
    expect(entryText(await unzip(bytes), 'xl/workbook.xml')).toContain('!$A$1:$C$1</definedName>');
  });

  test('names are made valid for Excel: no []:*?/\\, at most 31 characters, unique whatever the case', async () => {
    const requested = ['Kasus [Oktober]: 2026/10?', "'Dinas Kesehatan Kabupaten Musi Banyuasin'", 'kasus', 'KASUS', 'Kasus', 'History', ''];
    const result = await buildXlsx(requested.map((name) => ({ name, columns: [{ header: 'h' }], rows: [['x']] })));
    const names = (await read(built(result))).worksheets.map((w) => w.name);
    expect(names).toHaveLength(requested.length);
    for (const name of names) {
      expect(name.length).toBeGreaterThan(0);
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[[\]:*?/\\]|^'|'$/);
    }
    expect(new Set(names.map((n) => n.toUpperCase())).size).toBe(names.length);
    expect(names[0]).toBe('Kasus -Oktober-- 2026-10-');
    expect(names[1]).toBe('Dinas Kesehatan Kabupaten Musi');
    expect(names[2]).toBe('kasus');
    expect(names[5]).not.toBe('History');
    expect(result.ok && Object.keys(result.rowsWritten)).toEqual(names);
  });

  test('an apostrophe inside a name is quoted in the filter range', async () => {
    const bytes = built(await buildXlsx([{ name: "Jum'at", columns: [{ header: 'h' }], rows: [['x']] }]));
    expect(entryText(await unzip(bytes), 'xl/workbook.xml')).toContain('&apos;Jum&apos;&apos;at&apos;!$A$1:$A$2');
  });

  test('reads rows from an async iterable', async () => {
    const result = await buildXlsx([{ name: 'Kasus', columns: casesColumns, rows: slowly(casesRows) }]);
    expect(result.ok && result.rowsWritten).toEqual({ Kasus: 2 });
    expect(rowValues(sheet(await read(built(result)), 'Kasus'), 2)[0]).toBe('TGP-7KQ4-M9XD-R');
  });

  test('NaN and Infinity, which a sheet cannot hold, leave the cell empty', async () => {
    const ws = sheet(await read(built(await buildXlsx([{ name: 'N', columns: [{ header: 'a', kind: 'percent' }, { header: 'b' }, { header: 'c' }], rows: [[Number.NaN, Number.POSITIVE_INFINITY, -0]] }]))), 'N');
    expect(rowValues(ws, 2)).toEqual([null, null, 0]);
  });

  test.each([
    ['no sheet', [] as SheetInput[], /at least one sheet/],
    ['no column', [{ name: 'K', columns: [], rows: [] }], /Sheet K: needs at least one column/],
    ['more columns than Excel has', [{ name: 'K', columns: Array.from({ length: 16_385 }, () => ({ header: 'h' })), rows: [] }], /more than 16384 columns/],
    ['a row longer than the columns', [{ name: 'K', columns: [{ header: 'h' }], rows: [['a', 'b']] }], /Sheet K, row 2: 2 cells for 1 columns/],
  ])('refuses %s', async (_what, sheets, message) => {
    await expect(buildXlsx(sheets)).rejects.toThrow(message);
  });

  test('refuses more rows than Excel has', async () => {
    function* rows() {
      for (let i = 0; i < 1_048_576; i++) yield [null];
    }
    await expect(buildXlsx([{ name: 'K', columns: [{ header: 'h' }], rows: rows() }])).rejects.toThrow(/Sheet K: more than 1048575 rows/);
  });
});

describe('the file', () => {
  test('is a ZIP of the parts Excel and LibreOffice need, each deflated with a right CRC-32', async () => {
    const entries = await unzip(built(await buildXlsx([{ name: 'A', columns: [{ header: 'h' }], rows: [['x']] }, { name: 'B', columns: [{ header: 'h' }], rows: [] }])));
    expect(entries[0]!.name).toBe('[Content_Types].xml');
    expect(entries.map((e) => e.name).sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'docProps/app.xml', 'docProps/core.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']);
    for (const entry of entries) {
      expect({ name: entry.name, crcMatches: entry.crcMatches, method: entry.compressionMethod }).toEqual({ name: entry.name, crcMatches: true, method: 8 });
      expect(entry.lastModified).toEqual(new Date(Date.UTC(1980, 0, 1)));
    }
    const types = entryText(entries, '[Content_Types].xml');
    for (const part of entries.filter((e) => e.name.endsWith('.xml') && e.name !== '[Content_Types].xml')) expect(types).toContain(`PartName="/${part.name}"`);
  });

  test('is the same, byte for byte, for the same input', async () => {
    const input = () => [{ name: 'Kasus', columns: casesColumns, rows: casesRows }];
    const first = built(await buildXlsx(input(), { title: 'Rekap' }));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a clock in the file would move
    const second = built(await buildXlsx(input(), { title: 'Rekap' }));
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  test('of many rows spans many deflate chunks and still reads back whole', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i): Cell[] => [`TGP-${i}`, i, `Judul pengaduan nomor ${i} tentang jalan rusak`]);
    const bytes = built(await buildXlsx([{ name: 'Kasus', columns: [{ header: 'n' }, { header: 'i', kind: 'integer' }, { header: 't' }], rows }]));
    const entries = await unzip(bytes);
    expect(entries.every((e) => e.crcMatches)).toBe(true);
    const ws = sheet(await read(bytes), 'Kasus');
    expect(ws.rowCount).toBe(20_001);
    expect(rowValues(ws, 20_001)).toEqual(rows[19_999]);
    expect(rowValues(ws, 10_000)).toEqual(rows[9_998]);
  });
});

describe('a byte budget', () => {
  // Text that deflate cannot shrink much, so the workbook grows with the rows.
  const noisyRows = (count: number, pulled = { n: 0 }) => (function* () {
    let seed = 7;
    for (let i = 0; i < count; i++) {
      pulled.n++;
      let text = '';
      for (let k = 0; k < 60; k++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        text += String.fromCharCode(97 + (seed % 26));
      }
      yield [`TGP-${i}`, i, text];
    }
  })();
  const columns: Column[] = [{ header: 'Nomor' }, { header: 'Urut', kind: 'integer' }, { header: 'Judul' }];
  const sheetsOf = (count: number, pulled?: { n: number }): SheetInput[] => [
    { name: 'Ringkasan', columns: [{ header: 'Ukuran' }, { header: 'Nilai' }], rows: [['Diterima', count]] },
    { name: 'Kasus', columns, rows: noisyRows(count, pulled) },
  ];

  test('is met exactly: the workbook at its own size fits, one byte less does not', async () => {
    const size = built(await buildXlsx(sheetsOf(5000))).length;
    expect(built(await buildXlsx(sheetsOf(5000), { maxBytes: size })).length).toBe(size);
    const refused = await buildXlsx(sheetsOf(5000), { maxBytes: size - 1 });
    expect(refused).toMatchObject({ ok: false, reason: 'too_large', maxBytes: size - 1 });
  });

  test('says how many rows fit, and a workbook of those rows does fit', async () => {
    const maxBytes = 100_000;
    const refused = await buildXlsx(sheetsOf(20_000), { maxBytes });
    if (refused.ok) throw new Error('expected a refusal');
    expect(refused.rowsThatFit.Ringkasan).toBe(1);
    const fit = refused.rowsThatFit.Kasus!;
    expect(fit).toBeGreaterThan(0);
    expect(fit).toBeLessThan(20_000);
    const smaller = built(await buildXlsx(sheetsOf(fit), { maxBytes }));
    expect(smaller.length).toBeLessThanOrEqual(maxBytes);
    // The count is short of the most that fits by at most a chunk's worth of rows (~500 of these).
    expect((await buildXlsx(sheetsOf(fit + 4000), { maxBytes })).ok).toBe(false);
  });

  test('stops reading rows once the workbook cannot fit', async () => {
    const pulled = { n: 0 };
    const refused = await buildXlsx(sheetsOf(200_000, pulled), { maxBytes: 50_000 });
    expect(refused.ok).toBe(false);
    expect(pulled.n).toBeLessThan(10_000);
  });

  test('says 0 rows fit when not even the headers do', async () => {
    const refused = await buildXlsx(sheetsOf(10), { maxBytes: 500 });
    expect(refused).toEqual({ ok: false, reason: 'too_large', maxBytes: 500, rowsThatFit: { Ringkasan: 0, Kasus: 0 } });
  });
});

test('property: rows of text and numbers read back as written', async () => {
  const xmlSafe = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
  const cell = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '_', 'x', '0', '4', '1', ' ', '\r', '\n', '=', '🚧', 'é'), maxLength: 20 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
  );
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 6 }).chain((width) => fc.tuple(fc.constant(width), fc.array(fc.array(cell, { maxLength: width }), { maxLength: 15 }))), async ([width, rows]) => {
    const columns = Array.from({ length: width }, (_, i) => ({ header: `k${i}` }));
    const ws = sheet(await read(built(await buildXlsx([{ name: 'P', columns, rows }]))), 'P');
    rows.forEach((row, r) => {
      const read = rowValues(ws, r + 2).slice(0, row.length).map((v) => asExcelReadsIt(v));
      const expected = row.map((v) => (typeof v === 'string' ? xmlSafe(v) || null : Object.is(v, -0) ? 0 : v));
      expect(read).toEqual(expected);
      const types = row.map((_, i) => ws.getRow(r + 2).getCell(i + 1).type);
      expect(types).toEqual(expected.map((v) => (v === null ? ValueType.Null : typeof v === 'number' ? ValueType.Number : ValueType.String)));
    });
  }), { numRuns: 60 });
});

test('text keeps xml:space="preserve" where a reader could drop whitespace (an end, a tab, a line break, a run of spaces), and only there', async () => {
  const texts = [' di depan', 'di belakang ', 'dua  spasi', 'tab\tdi tengah', 'baris\nbaru', 'biasa saja', 'Ruang "baca" <tutup> & _x0041_'];
  const bytes = built(await buildXlsx([{ name: 'Teks', columns: [{ header: 'Teks', width: 30 }], rows: texts.map((t) => [t]), autoFilter: false }]));
  const xml = entryText(await unzip(bytes), 'xl/worksheets/sheet1.xml');
  const cells = [...xml.matchAll(/<c r="A(\d+)"[^>]*><is><t( xml:space="preserve")?>/g)].filter((m) => m[1] !== '1').map((m) => !!m[2]);
  expect(cells).toEqual([true, true, true, true, true, false, false]);
  const ws = sheet(await read(bytes), 'Teks');
  expect(texts.map((_, i) => asExcelReadsIt(ws.getRow(i + 2).getCell(1).value))).toEqual(texts);
});
