/**
 * The report schedules run on the runtime's clock, as EventBridge Scheduler runs them on AWS:
 * the schedule arithmetic, a run made up after the runtime was down, and the recap email of the
 * library's monthly report when the clock is moved past the 1st of the month at 08:00 WIB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { VirtualClock } from '../../infra/local/clock';
import { nextReportRun, ReportScheduler } from '../../infra/local/reports';
import { getSop } from '../../shared/sops';
import ExcelJS from 'exceljs';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const WIB = 7 * 60;
const monthly = { period: 'monthly', dayOfMonth: 1, hour: 8 } as const;
const quarterly = { period: 'quarterly', dayOfMonth: 1, hour: 8 } as const;

describe('nextReportRun', () => {
  test.each([
    ['monthly, mid-month', monthly, '2026-11-23T02:00:00Z', '2026-12-01T01:00:00.000Z'],
    ['monthly, at the instant itself: the next month', monthly, '2026-12-01T01:00:00Z', '2027-01-01T01:00:00.000Z'],
    ['monthly, already the 1st in WIB but not yet 08:00', monthly, '2026-11-30T18:00:00Z', '2026-12-01T01:00:00.000Z'],
    ['monthly, over the year end', monthly, '2026-12-15T00:00:00Z', '2027-01-01T01:00:00.000Z'],
    ['quarterly, from November', quarterly, '2026-11-23T02:00:00Z', '2027-01-01T01:00:00.000Z'],
    ['quarterly, from February', quarterly, '2027-02-10T00:00:00Z', '2027-04-01T01:00:00.000Z'],
    ['on the 28th at 23:00', { period: 'monthly', dayOfMonth: 28, hour: 23 } as const, '2027-02-01T00:00:00Z', '2027-02-28T16:00:00.000Z'],
  ])('%s', (_name, report, after, expected) => {
    expect(nextReportRun(report, new Date(after), WIB).toISOString()).toBe(expected);
  });

  test('is the first scheduled local instant strictly after the given one', () => {
    fc.assert(fc.property(
      fc.date({ min: new Date('2026-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
      fc.constantFrom('monthly' as const, 'quarterly' as const),
      fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }), fc.constantFrom(7 * 60, 8 * 60, 9 * 60),
      (after, period, dayOfMonth, hour, offset) => {
        const next = nextReportRun({ period, dayOfMonth, hour }, after, offset);
        const local = new Date(next.getTime() + offset * 60_000);
        expect(next.getTime()).toBeGreaterThan(after.getTime());
        expect([local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([dayOfMonth, hour, 0]);
        if (period === 'quarterly') expect(local.getUTCMonth() % 3).toBe(0);
        // Nothing scheduled in between: the run before `next` is not after `after`.
        const span = (period === 'monthly' ? 31 : 92) * 86_400_000;
        const previous = nextReportRun({ period, dayOfMonth, hour }, new Date(next.getTime() - span), offset);
        expect(previous.getTime() === next.getTime() || previous.getTime() <= after.getTime()).toBe(true);
      },
    ));
  });
});

describe('ReportScheduler', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tanggap-reports-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sops = [getSop('perpustakaan-muba'), getSop('sp4n-lapor-muara-enim')];
  const start = (clock: VirtualClock, invoke: ConstructorParameters<typeof ReportScheduler>[0]['invoke'], log: string[] = []) => {
    const scheduler = new ReportScheduler({ sops, clock, offsetMinutes: WIB, file: join(dir, 'reports.json'), invoke, log: (l) => log.push(l) });
    scheduler.start();
    clock.settle = () => scheduler.idle();
    return scheduler;
  };

  test('a run that fell due while the runtime was down is made up once at the next start', async () => {
    // Prepare: first start on 23 November; stopped before 1 December.
    const calls: string[] = [];
    const invoke = async (p: { sopId: string; reportId: string; scheduledTime: string }) => { calls.push(`${p.sopId}/${p.reportId}@${p.scheduledTime}`); return { sent: true }; };
    const first = new VirtualClock({ startAt: new Date('2026-11-23T02:00:00Z') });
    start(first, invoke).stop();
    first.stop();
    expect(calls).toEqual([]);

    // Act: the next start is on 3 December.
    const second = new VirtualClock({ startAt: new Date('2026-12-03T02:00:00Z') });
    const scheduler = start(second, invoke);
    await second.advance('PT1S');

    // Assess: the library's 1 December run is made up (once); the quarterly one is not due yet.
    expect(calls).toEqual(['perpustakaan-muba/rekap-bulanan@2026-12-01T01:00:00.000Z']);
    expect(scheduler.jobs().map((j) => [j.reportId, j.nextRunAt, j.lastResult])).toEqual([
      ['rekap-bulanan', '2027-01-01T01:00:00.000Z', 'sent'],
      ['dokumen-semester', '2027-01-01T01:00:00.000Z', undefined],
      ['laporan-p4', '2027-01-01T01:00:00.000Z', undefined],
    ]);
    scheduler.stop();
    second.stop();
  });

  test('a failing report is logged and the schedule goes on; a missing handler is reported, not a crash', async () => {
    // Prepare
    const log: string[] = [];
    const clock = new VirtualClock({ startAt: new Date('2026-11-23T02:00:00Z') });
    const scheduler = start(clock, async () => { throw new Error('SES refused'); }, log);
    // Act
    await clock.advance('P10D');
    // Assess
    expect(log).toEqual(['Report perpustakaan-muba/rekap-bulanan for 2026-12-01T01:00:00.000Z failed: SES refused']);
    expect(scheduler.jobs()[0]).toMatchObject({ lastResult: 'failed', nextRunAt: '2027-01-01T01:00:00.000Z' });
    scheduler.stop();
    clock.stop();

    const missingLog: string[] = [];
    const quiet = new VirtualClock();
    const missing = start(quiet, { unavailable: 'functions/report/handler.ts could not be loaded (Cannot find module)' }, missingLog);
    expect(missing.jobs()).toEqual([]);
    expect(quiet.pendingTimers()).toEqual([]);
    expect(missingLog).toEqual(['Reports are not scheduled: functions/report/handler.ts could not be loaded (Cannot find module)']);
    quiet.stop();
  });
});

/** A month of the runtime's clock with the recaps' review chains and every case's ladder: minutes on a loaded machine. */
const SLOW = 180_000;

describe('the runtime runs the recaps on its clock', () => {
  let rt: TestRuntime;
  beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') }); });
  afterAll(async () => { await rt.dispose(); });

  const recaps = async (since = 0) => (await rt.mail()).slice(since).filter((m) => m.subject.startsWith('Rekapitulasi pengaduan'));
  const reviews = async (since = 0) => (await rt.mail()).slice(since).filter((m) => m.subject.startsWith('Tugas baru: periksa'));
  const download = async (url: string) => Buffer.from(await (await fetch(`${rt.url}${url}`)).arrayBuffer());

  test('past 1 December 08:00 WIB the library\'s November recap starts its review: the Kasi gets it with the summary, inline chart, CSV and workbook', async () => {
    // Prepare: on Monday 23 November, two library complaints (one confidential) and one to SP4N-LAPOR!.
    for (const body of [complaint('perpus-muba', 'koleksi'), complaint('perpus-muba', 'layanan', { confidential: true }), complaint('kominfo-muara-enim', 'infrastruktur')]) {
      expect((await rt.call('POST', '/api/complaints', body)).status).toBe(201);
    }
    await rt.engine.waitForIdle();

    // Act: a week later, past the 1st at 08:00.
    await rt.advance('P8D');

    // Assess: the first turn of its review chain (test/e2e/report-review.test.ts walks it): the Kasi.
    const sent = await reviews();
    expect(sent.map((m) => m.to[0])).toEqual(['kasi.layanan@perpus.musitanggap.example.go.id']);
    const mail = sent[0]!;
    expect(mail.subject).toBe('Tugas baru: periksa Rekapitulasi pengaduan Dinas Perpustakaan dan Kearsipan — November 2026');
    expect(mail.text).toContain('- Pengaduan diterima: 2 (periode sebelumnya: 0)');
    expect(mail.text).toContain('- Masih terbuka pada akhir periode: 2');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['rekap-perpus-muba-2026-11.png', 'image/png'],
      ['rekap-perpus-muba-2026-11.csv', 'text/csv'],
      ['rekap-perpus-muba-2026-11.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ]);
    expect(mail.attachments[0]!.contentId).toBe('chart-2026-11@tanggap');

    // The files as a head of office opens them from the mailbox: two cases, no reporter data.
    const id = encodeURIComponent(mail.id);
    const png = await download(`/_local/mail/${id}/0`);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const csv = (await download(`/_local/mail/${id}/1`)).toString('utf8').trim().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv.join('\n')).not.toMatch(/Siti Rahma|siti\.rahma@example\.com|081234567890/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download(`/_local/mail/${id}/2`)) as unknown as ArrayBuffer);
    expect(book.getWorksheet('Pengaduan')!.rowCount).toBe(3);
    const page = (await rt.call('GET', `/_local/mailbox?id=${id}`)).text;
    expect(page).toContain(`/_local/mail/${id}/0`);
    expect(page).not.toContain('cid:chart');

    const after = (await rt.call('GET', '/_local/reports')).body;
    expect(after.jobs.find((j: { reportId: string }) => j.reportId === 'rekap-bulanan')).toMatchObject({ lastResult: 'sent', nextRunAt: '2027-01-01T01:00:00.000Z' });
  }, SLOW);

  test('past 1 January 08:00 WIB the regency admin gets the P4 report of the fourth quarter to review; the Kabid the semester report', async () => {
    // Prepare
    const before = (await rt.mail()).length;

    // Act: to 1 January 2027, 08:00 WIB and a little after.
    await rt.advance('P31DT1H');

    // Assess: the P4 report to the regency admin, who reviews it before the Bupati gets it
    // (test/e2e/report-review.test.ts); the library's December recap to the Kasi; the semester report to the Kabid.
    const sent = await reviews(before);
    const p4 = sent.filter((m) => m.subject.includes('Triwulan IV 2026'));
    expect(p4.map((m) => m.to[0])).toEqual(['admin.lapor@kominfo.musitanggap.example.go.id']);
    expect(p4[0]!.subject).toBe('Tugas baru: periksa Laporan P4 Kabupaten Musi Tanggap — Triwulan IV 2026');
    expect(p4[0]!.text).toContain('- Pengaduan diterima: 3');
    expect(p4[0]!.text).toContain('- Diterima: Dinas Perpustakaan dan Kearsipan: 2');
    expect(p4[0]!.attachments.map((a) => a.filename)).toEqual(['rekap-musi-tanggap-2026-Q4.png', 'rekap-musi-tanggap-2026-Q4.csv', 'rekap-musi-tanggap-2026-Q4.xlsx']);
    expect((await rt.mail()).slice(before).filter((m) => m.to[0] === 'bupati@musitanggap.example.go.id' && m.subject.includes('Triwulan IV 2026'))).toEqual([]);
    expect(sent.filter((m) => m.subject.includes('Desember 2026')).map((m) => m.to[0])).toEqual(['kasi.layanan@perpus.musitanggap.example.go.id']);
    expect((await recaps(before)).filter((m) => m.subject.includes('Semester II 2026')).map((m) => m.to[0])).toEqual(['kabid.layanan@perpus.musitanggap.example.go.id']);
  }, SLOW);
});
