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
import { complaint, startTestRuntime } from '../support/runtime';

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

describe('the runtime runs the monthly recap on its clock', () => {
  test('moving the clock past 1 December 08:00 WIB mails the library its November recap, with the cases as CSV', async () => {
    // Prepare: a runtime on 23 November with one library case filed.
    const rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
    try {
      const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'koleksi'));
      expect(filed.status).toBe(201);
      await rt.engine.waitForIdle();
      const jobs = (await rt.call('GET', '/_local/reports')).body;
      expect(jobs.jobs.find((j: { reportId: string }) => j.reportId === 'rekap-bulanan').nextRunAt).toBe('2026-12-01T01:00:00.000Z');

      // Act
      await rt.advance('P8D');

      // Assess: one recap to each recipient role, with the CSV attached; the next run is January's.
      const recaps = (await rt.mail()).filter((m) => m.subject.startsWith('Rekapitulasi pengaduan'));
      expect(recaps.map((m) => m.to[0]).sort()).toEqual([
        'kabid.layanan@perpus.musitanggap.example.go.id', 'kasi.layanan@perpus.musitanggap.example.go.id', 'kepala@perpus.musitanggap.example.go.id',
      ].sort());
      for (const m of recaps) {
        expect(m.subject).toContain('November 2026');
        expect(m.attachments).toEqual([{ filename: 'pengaduan-2026-11.csv', contentType: expect.stringMatching(/^text\/csv/), size: expect.any(Number) }]);
        expect(m.attachments[0]!.size).toBeGreaterThan(100);
      }
      const after = (await rt.call('GET', '/_local/reports')).body;
      expect(after.jobs.find((j: { reportId: string }) => j.reportId === 'rekap-bulanan')).toMatchObject({ lastResult: 'sent', nextRunAt: '2027-01-01T01:00:00.000Z' });
    } finally {
      await rt.dispose();
    }
  });
});
