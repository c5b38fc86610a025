/**
 * The report use case on the in-memory store: which cases a period reads (through the month indexes,
 * each once), the files, the email and its size limit, and sending once per recipient and period.
 */
import ExcelJS from 'exceljs';
import { createOfficeCalendar } from '../../shared/calendar';
import type { CaseRecord } from '../../shared/case/model';
import { demoDirectory } from '../../shared/directory';
import { buildMime } from '../../shared/email/mime';
import type { OutgoingEmail } from '../../shared/ports';
import { parsePeriod } from '../../shared/reports/period';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import { buildReport, casesOfPeriod, onDemandReport, reportCasesOfPeriod, scheduledReport, sendReport } from '../../shared/usecases/reports';
import { MemoryCaseStore } from '../support/memory-case-store';
import { laporCases, libraryCases } from '../support/report-fixture';

/**
 * The library's recap now walks a review chain (test/e2e/report-review.test.ts) and is delivered to
 * the Kepala Dinas; sending to several recipients in order is tested on the same report sent to the
 * three heads, as an on-demand copy may be.
 */
const toThreeHeads = <T extends { report: { recipients: string[] } }>(spec: T): T => ({ ...spec, report: { ...spec.report, recipients: ['kasi-layanan', 'kabid-layanan', 'kepala-dinas'] } });

const WIB = 7 * 60;
const now = new Date('2026-12-05T02:00:00Z');

function setup(mailer: (m: OutgoingEmail) => Promise<void> = async () => undefined) {
  const store = new MemoryCaseStore();
  const sent: OutgoingEmail[] = [];
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const deps: Deps = {
    store, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    workflow: { start: async () => { throw new Error('no'); }, taskSucceeded: async () => undefined, taskFailed: async () => undefined },
    mailer: { send: async (m) => { await mailer(m); sent.push(m); return { messageId: `m${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    log: { info: () => undefined, warn: (message, fields) => warnings.push({ message, fields }) },
  };
  return { deps, store, sent, warnings };
}

async function seed(store: MemoryCaseStore, cases: CaseRecord[]): Promise<void> {
  for (const c of cases) await store.createCase(c, { caseId: c.caseId, at: c.submittedAt, type: 'submitted', actor: { kind: 'reporter' } });
}

const collect = async <T>(it: AsyncIterable<T>) => { const out: T[] = []; for await (const x of it) out.push(x); return out; };

describe('the cases of a period', () => {
  test('received in it, received before and ended in it, received before and open at its end — each once; never an earlier, finished one', async () => {
    // Prepare
    const { deps, store } = setup();
    const lib = libraryCases();
    const lapor = laporCases();
    await seed(store, [...Object.values(lib), ...Object.values(lapor)]);
    const november = parsePeriod('2026-11', WIB);

    // Act
    const library = (await collect(casesOfPeriod(deps, november, 'perpus-muba', now))).map((c) => c.caseId);
    const regency = (await collect(casesOfPeriod(deps, november, undefined, now))).map((c) => c.caseId);

    // Assess
    const id = (k: keyof typeof lib) => lib[k].caseId;
    expect(library.sort()).toEqual([id('A'), id('B'), id('C'), id('D'), id('E'), id('F'), id('K')].sort());
    expect(regency.sort()).toEqual([...library, lapor.H.caseId, lapor.I.caseId].sort());
    expect(new Set(regency).size).toBe(regency.length);
  });

  test('the recap reads the same cases, in the same order, as their report summaries', async () => {
    const { deps, store } = setup();
    await seed(store, [...Object.values(libraryCases()), ...Object.values(laporCases())]);
    const november = parsePeriod('2026-11', WIB);
    for (const agencyId of ['perpus-muba', undefined]) {
      const whole = await collect(casesOfPeriod(deps, november, agencyId, now));
      const summaries = await collect(reportCasesOfPeriod(deps, november, agencyId, now));
      expect(summaries.map((c) => c.caseId)).toEqual(whole.map((c) => c.caseId));
      expect(summaries.every((c) => !('reporter' in c) && !('description' in c))).toBe(true);
    }
  });

  test('a case closed after the period is found through the month it ended in, up to now', async () => {
    const { deps, store } = setup();
    const { K } = libraryCases();
    await seed(store, [K]);
    expect(await collect(casesOfPeriod(deps, parsePeriod('2026-11', WIB), 'perpus-muba', new Date('2026-11-30T12:00:00Z')))).toEqual([]);
    expect((await collect(casesOfPeriod(deps, parsePeriod('2026-11', WIB), 'perpus-muba', now))).map((c) => c.caseId)).toEqual([K.caseId]);
  });
});

describe('the library\'s November recap', () => {
  test('the files: the CSV and the workbook list every case of the period, without personal data; the chart is a PNG', async () => {
    // Prepare
    const { deps, store } = setup();
    await seed(store, Object.values(libraryCases()));
    const spec = scheduledReport(deps, 'perpustakaan-muba', 'rekap-bulanan', new Date('2026-12-01T01:00:00Z'));

    // Act
    const built = await buildReport(deps, spec, now);

    // Assess
    expect(spec.period.id).toBe('2026-11');
    expect(built.attachments.map((a) => a.filename)).toEqual(['rekap-perpus-muba-2026-11.csv', 'rekap-perpus-muba-2026-11.xlsx']);
    expect([built.rows, built.xlsxRows, built.csvIncluded]).toEqual([7, 7, true]);
    const csv = Buffer.from(built.attachments[0]!.bytes).toString('utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(8);
    for (const secret of ['Rahasia Sekali', 'rahasia@example.com', '081299990000', 'Pelapor Umum']) expect(csv).not.toContain(secret);
    expect(Buffer.from(built.chart.bytes.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(built.attachments[1]!.bytes) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Pengaduan']);
    const cases = book.getWorksheet('Pengaduan')!;
    expect(cases.rowCount).toBe(8);
    expect(cases.getRow(1).getCell(1).value).toBe('Nomor pelacakan');
    expect(cases.autoFilter).toBeTruthy();
    const summary = book.getWorksheet('Ringkasan')!;
    const measure = (label: string) => summary.getSheetValues().find((r) => Array.isArray(r) && r[1] === label) as unknown[] | undefined;
    expect(measure('Pengaduan diterima')?.slice(2, 4)).toEqual([4, 3]);
    expect(measure('Masih terbuka pada akhir periode')?.slice(2, 4)).toEqual([4, 3]);
    expect(measure('Median waktu penanganan (hari kerja)')?.[2]).toBe(0.5);
  });

  test('the workbook reads and prints well: names not ids, counts as integers and shares as percentages, one period label style, fitted widths, landscape one page wide', async () => {
    // Prepare: a category name with markup characters and quotes, as an admin may write it.
    const { deps, store } = setup();
    const directory = structuredClone(demoDirectory);
    const library = directory.agencies.find((a) => a.id === 'perpus-muba')!;
    library.categories.find((k) => k.id === 'fasilitas')!.name.id = 'Fasilitas <gedung> & "ruang baca"';
    deps.directory = directory;
    await seed(store, Object.values(libraryCases()));
    const built = await buildReport(deps, scheduledReport(deps, 'perpustakaan-muba', 'rekap-bulanan', new Date('2026-12-01T01:00:00Z')), now);

    // Act
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(built.attachments.find((a) => a.filename.endsWith('.xlsx'))!.bytes) as unknown as ArrayBuffer);

    // Assess: the summary
    const summary = book.getWorksheet('Ringkasan')!;
    expect([1, 2, 3].map((c) => summary.getRow(1).getCell(c).value)).toEqual(['Ukuran', 'November 2026', 'Oktober 2026']);
    const row = (label: string) => summary.getRows(2, summary.rowCount - 1)!.find((r) => r.getCell(1).value === label);
    const received = row('Pengaduan diterima')!;
    expect([received.getCell(2).value, received.getCell(2).numFmt, received.getCell(3).numFmt]).toEqual([4, '#,##0', '#,##0']);
    const onTime = row('Tahap tepat waktu')!;
    expect(onTime.getCell(2).numFmt).toBe('0.0%');
    expect(onTime.getCell(2).value).toBeGreaterThan(0);
    expect(onTime.getCell(2).value).toBeLessThanOrEqual(1);
    expect(row('Median waktu penanganan (hari kerja)')!.getCell(2).numFmt).toBe('0.00');
    expect(row('Kategori: Fasilitas <gedung> & "ruang baca"')?.getCell(2).value).toBe(1);
    expect(row('Saluran: Formulir web')).toBeDefined();
    expect(row('Eskalasi tingkat 1 (atasan langsung)')).toBeDefined();
    for (const r of summary.getRows(1, summary.rowCount)!) expect(String(r.getCell(1).value)).not.toMatch(/^Kategori: (layanan|fasilitas)$|^Saluran: (web|email|box)$/);
    // The longest label fits its column; the page is landscape, one page wide, the header row repeated.
    const labels = summary.getRows(1, summary.rowCount)!.map((r) => String(r.getCell(1).value));
    const longest = Math.max(...labels.map((l) => l.length));
    expect(longest).toBeLessThan(88);
    expect(summary.getColumn(1).width).toBeGreaterThanOrEqual(longest);
    for (const ws of [summary, book.getWorksheet('Pengaduan')!]) {
      expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' });
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.headerFooter.oddHeader).toBe('&CRekapitulasi pengaduan Dinas Perpustakaan dan Kearsipan — November 2026');
    }

    // Assess: the cases, named as people read them
    const cases = book.getWorksheet('Pengaduan')!;
    const header = (cases.getRow(1).values as unknown[]).slice(1);
    const column = (name: string) => cases.getColumn(header.indexOf(name) + 1).values.slice(2);
    expect(new Set(column('Instansi penerima'))).toEqual(new Set(['Dinas Perpustakaan dan Kearsipan']));
    expect(new Set(column('Kategori'))).toEqual(new Set(['Layanan perpustakaan', 'Fasilitas <gedung> & "ruang baca"']));
    expect(column('Saluran')).toContain('Formulir web');
    expect(column('Saluran')).toContain('Kotak pengaduan');
    expect(new Set(column('Status akhir periode'))).toEqual(new Set(['Selesai', 'Ditolak', 'Masih terbuka']));
    expect(new Set(column('Status saat ini'))).toEqual(new Set(['Selesai', 'Ditolak', 'Sedang ditangani']));
    expect(new Set(column('Rahasia'))).toEqual(new Set(['Ya', 'Tidak']));
    expect(cases.autoFilter).toBeTruthy();
    const agencyWidth = cases.getColumn(header.indexOf('Instansi penerima') + 1).width!;
    expect(agencyWidth).toBeGreaterThanOrEqual('Dinas Perpustakaan dan Kearsipan'.length);
    const stepsColumn = cases.getColumn(header.indexOf('Tahap tepat waktu') + 1);
    expect(cases.getCell(2, header.indexOf('Tahap tepat waktu') + 1).numFmt).toBe('#,##0');
    expect(stepsColumn.width).toBeLessThan(15);
  });

  test('the email: headline figures against October, the late step, the calendar gap; sent once to the three heads in order', async () => {
    // Prepare
    const { deps, store, sent, warnings } = setup();
    await seed(store, Object.values(libraryCases()));
    const built = await buildReport(deps, toThreeHeads(scheduledReport(deps, 'perpustakaan-muba', 'rekap-bulanan', new Date('2026-12-01T01:00:00Z'))), now);

    // Act
    const first = await sendReport(deps, built);
    const again = await sendReport(deps, built);

    // Assess
    expect(first.sentTo).toEqual(['perpus-kasi', 'perpus-kabid', 'perpus-kadin']);
    expect(again).toEqual({ sentTo: [], alreadySent: ['perpus-kasi', 'perpus-kabid', 'perpus-kadin'] });
    expect(sent).toHaveLength(3);
    const mail = sent[0]!;
    expect(mail.subject).toBe('Rekapitulasi pengaduan Dinas Perpustakaan dan Kearsipan — November 2026');
    expect(mail.text).toContain('Pengaduan diterima: 4 (+1 dibanding Oktober 2026)');
    expect(mail.text).toContain('Masih terbuka di akhir periode: 4 (+1 dibanding Oktober 2026)');
    expect(mail.text).toContain('Tahap tepat waktu: 90 % (+40 % dibanding Oktober 2026)');
    expect(mail.text).toContain('Median waktu penanganan: 0,5 hari kerja');
    expect(mail.text).toContain('Rata-rata penilaian pelapor: 3,5 / 5 (2)');
    expect(mail.text).toContain('- Lebih dari 20 hari kerja: 2');
    expect(mail.text).toContain('- Membuka kotak saran, mengklarifikasi dan mencatat pengaduan: 2/3 (67 %)');
    expect(mail.text).toMatch(/tanpa daftar hari libur tahun 2027/);
    expect(mail.html).toContain('src="cid:chart-2026-11@tanggap"');
    expect(mail.attachments!.map((a) => [a.filename, a.contentId ?? null])).toEqual([
      ['rekap-perpus-muba-2026-11.png', 'chart-2026-11@tanggap'], ['rekap-perpus-muba-2026-11.csv', null], ['rekap-perpus-muba-2026-11.xlsx', null],
    ]);
    expect(warnings.map((w) => w.message)).toContain('report counts deadlines computed without a holiday list');
  });

  test('a resend is sent only when asked; a refused send is retried for that recipient only', async () => {
    // Prepare: SES refuses the second recipient once.
    let refused = false;
    const { deps, store, sent } = setup(async (m) => {
      if (m.to[0]!.startsWith('kabid') && !refused) { refused = true; throw new Error('Throttling'); }
    });
    await seed(store, Object.values(libraryCases()));
    const built = await buildReport(deps, toThreeHeads(onDemandReport(deps, 'perpus-muba', '2026-11')), now);

    // Act and assess
    await expect(sendReport(deps, built)).rejects.toThrow('Throttling');
    expect(sent.map((m) => m.to[0])).toEqual(['kasi.layanan@perpus.musitanggap.example.go.id']);
    expect(await sendReport(deps, built)).toEqual({ sentTo: ['perpus-kabid', 'perpus-kadin'], alreadySent: ['perpus-kasi'] });
    expect((await sendReport(deps, built, { resend: true })).sentTo).toHaveLength(3);
    expect(sent).toHaveLength(6);
  });

  test('a recipient whose address bounced is passed over, not mailed, and keeps nobody after them from their report', async () => {
    // Prepare: the second recipient's address is on the suppression list (the mailer refuses it, as suppressingMailer does).
    const { deps, store, sent } = setup(async (m) => {
      if (m.to[0]!.startsWith('kabid')) throw Object.assign(new Error('Every recipient of this message is on the suppression list'), { name: 'RecipientSuppressed' });
    });
    await seed(store, Object.values(libraryCases()));
    const built = await buildReport(deps, toThreeHeads(onDemandReport(deps, 'perpus-muba', '2026-11')), now);

    // Act
    const first = await sendReport(deps, built);
    const again = await sendReport(deps, built);

    // Assess: the others got theirs once; the suppressed one is named each run, never mailed.
    expect(first).toEqual({ sentTo: ['perpus-kasi', 'perpus-kadin'], alreadySent: [], suppressed: ['perpus-kabid'] });
    expect(again).toEqual({ sentTo: [], alreadySent: ['perpus-kasi', 'perpus-kadin'], suppressed: ['perpus-kabid'] });
    expect(sent.map((m) => m.to[0]!.split('@')[0])).toEqual(['kasi.layanan', 'kepala']);
  });

  test('re-run later, the same period gives the same files', async () => {
    const { deps, store } = setup();
    await seed(store, Object.values(libraryCases()));
    const spec = onDemandReport(deps, 'perpus-muba', '2026-11');
    const a = await buildReport(deps, spec, now);
    const b = await buildReport(deps, spec, new Date('2027-03-01T00:00:00Z'));
    expect(b.recap).toEqual(a.recap);
    expect(b.attachments.map((f) => Buffer.from(f.bytes).toString('base64'))).toEqual(a.attachments.map((f) => Buffer.from(f.bytes).toString('base64')));
    expect(Buffer.from(b.chart.bytes).equals(Buffer.from(a.chart.bytes))).toBe(true);
  });
});

describe('size limits', () => {
  test('a period too large for one email keeps under the limit: the CSV gives way, the workbook is cut, and the email says so', async () => {
    // Prepare: 600 cases with long titles that do not compress (pseudo-random letters) and a 200 KB message limit.
    const { deps, store } = setup();
    let seedValue = 42;
    const noise = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + ((seedValue = (seedValue * 1103515245 + 12345) % 2 ** 31) % 26))).join('');
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...libraryCases().A, caseId: `c-big-${i}`, trackingId: `TGP-BIG${String(i).padStart(3, '0')}-X`,
      title: `Pengaduan nomor ${i} ${noise(400)}`,
      submittedAt: `2026-11-${String(2 + (i % 25)).padStart(2, '0')}T09:00:00+07:00`,
    }));
    await seed(store, many);
    const limit = 200_000;

    // Act
    const built = await buildReport(deps, onDemandReport(deps, 'perpus-muba', '2026-11'), now, { messageLimit: limit });
    const sent: OutgoingEmail[] = [];
    await sendReport({ ...deps, mailer: { send: async (m) => { sent.push(m); return { messageId: 'x' }; } } }, built);

    // Assess
    expect(built.csvIncluded).toBe(false);
    expect(built.rows).toBe(600);
    expect(built.xlsxRows).toBeGreaterThan(0);
    expect(built.xlsxRows).toBeLessThan(600);
    expect(built.attachments.map((a) => a.filename)).toEqual(['rekap-perpus-muba-2026-11.xlsx']);
    expect(Buffer.byteLength(buildMime(sent[0]!))).toBeLessThanOrEqual(limit);
    expect(sent[0]!.text).toContain(`Lembar kerja memuat ${built.xlsxRows} dari 600 pengaduan karena batas ukuran email.`);
    expect(sent[0]!.text).toContain('Berkas CSV tidak dilampirkan karena batas ukuran email');
  });
});

describe('on demand', () => {
  test('an agency whose SOP has no report of that kind gets the recap addressed to its head of office', () => {
    const { deps } = setup();
    const spec = onDemandReport(deps, 'dinkes-muba', '2026-Q3');
    expect([spec.report.period, spec.report.scope, spec.report.recipients, spec.period.id]).toEqual(['quarterly', 'agency', ['kepala-dinas'], '2026-Q3']);
    const p4 = onDemandReport(deps, 'kominfo-muara-enim', '2026-Q3');
    expect([p4.report.id, p4.report.scope, p4.report.recipients, p4.report.review.map((r) => r.role)]).toEqual(['laporan-p4', 'regency', ['bupati'], ['admin-kabupaten']]);
  });

  test.each([
    ['nowhere', '2026-10', /No agency "nowhere"/],
    ['perpus-muba', '2026-13', /2026-10.*2026-Q3/],
  ])('%s %s is refused with what to write', (agency, period, message) => {
    const { deps } = setup();
    expect(() => onDemandReport(deps, agency, period)).toThrow(message);
  });
});
