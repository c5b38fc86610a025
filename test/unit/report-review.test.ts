/**
 * The review chains of reports, in pure parts: the half-year period, a case's letter standing, the
 * inspectorate's monitoring decisions counted, the draft letter's text, and the compiled review
 * machines (committed, fresh, JSONPath only, the race per turn).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { nextReportRun } from '../../infra/local/reports';
import type { CaseEvent, CaseRecord } from '../../shared/case/model';
import { parsePeriod, periodBefore, previousPeriod } from '../../shared/reports/period';
import { getSop, sops } from '../../shared/sops';
import { countMonitoring, draftLetter, letterStanding } from '../../shared/usecases/report-review';
import { REVIEW_TURN_DONE } from '../../shared/workflow/review-contract';
import { renderAsl } from '../../statemachines/compile';
import { compileReportReview, reviewedReports } from '../../statemachines/report-review';
import { allStates } from '../compiler/asl';

const WIB = 7 * 60;

describe('the half-year period', () => {
  test.each([
    ['2026-S1', ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'], 'Semester I 2026', '2025-12-31T17:00:00.000Z', '2026-06-30T17:00:00.000Z'],
    ['2026-S2', ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'], 'Semester II 2026', '2026-06-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z'],
  ])('%s', (id, months, label, start, end) => {
    const p = parsePeriod(id, WIB);
    expect([p.id, p.kind, p.months, p.label.id, p.start.toISOString(), p.end.toISOString()]).toEqual([id, 'semiannual', months, label, start, end]);
  });

  test.each([
    ['2027-01-01', '2026-S2'], ['2026-07-01', '2026-S1'], ['2026-12-31', '2026-S1'], ['2026-03-15', '2025-S2'],
  ])('the half-year before %s is %s', (date, expected) => {
    expect(periodBefore('semiannual', date, WIB).id).toBe(expected);
  });

  test('a half-year compares itself with the one before; a wrong id says how to write one', () => {
    expect(previousPeriod(parsePeriod('2026-S1', WIB), WIB).id).toBe('2025-S2');
    expect(() => parsePeriod('2026-S3', WIB)).toThrow('a half-year as 2026-S2');
  });

  test.each([
    ['2026-11-23T02:00:00Z', '2027-01-01T01:00:00.000Z'],
    ['2027-01-01T01:00:00Z', '2027-07-01T01:00:00.000Z'],
    ['2027-02-10T00:00:00Z', '2027-07-01T01:00:00.000Z'],
  ])('runs on 1 January and 1 July at 08:00 WIB: after %s, %s', (after, expected) => {
    expect(nextReportRun({ period: 'semiannual', dayOfMonth: 1, hour: 8 }, new Date(after), WIB).toISOString()).toBe(expected);
  });
});

describe('a case in the P4 letters', () => {
  const period = parsePeriod('2026-Q4', WIB);
  const row = { stepsLate: 0, statusAtPeriodEnd: 'open', escalationLevel: 0, reprimand: false };
  const c = (dueAt?: string) => ({ currentStep: dueAt ? { stepId: 'verifikasi', visit: 1, role: 'admin-kabupaten', startedAt: '2026-12-01T08:00:00+07:00', dueAt } : undefined }) as CaseRecord;

  test.each([
    ['nothing late, due after the quarter', c('2027-01-05T16:00:00+07:00'), row, { late: false, unfollowed: false }],
    ['a step ended late', c(), { ...row, stepsLate: 1, statusAtPeriodEnd: 'closed' }, { late: true, unfollowed: false }],
    ['open, its step past due at the end', c('2026-12-03T16:00:00+07:00'), row, { late: false, unfollowed: true }],
    ['open and escalated', c(), { ...row, escalationLevel: 2 }, { late: false, unfollowed: true }],
    ['open with a reprimand recommended', c(), { ...row, reprimand: true }, { late: false, unfollowed: true }],
    ['closed by the end, even with a past due', c('2026-12-03T16:00:00+07:00'), { ...row, statusAtPeriodEnd: 'closed' }, { late: false, unfollowed: false }],
  ])('%s', (_name, record, r, expected) => {
    expect(letterStanding(record, period, r)).toEqual(expected);
  });
});

describe('the inspectorate\'s monitoring decisions', () => {
  const period = parsePeriod('2026-Q4', WIB);
  const official = { kind: 'official', personId: 'apip-1', role: 'apip' } as const;
  const system = { kind: 'system' } as const;
  const ev = (type: string, at: string, actor: CaseEvent['actor'] = official) => ({ type: type as CaseEvent['type'], at, actor });

  test('each kind is counted in its quarter; the system\'s own reprimand rung and unknown events are not decisions', () => {
    const events = [
      ev('monitoring_opened', '2026-10-02T03:00:00Z', system),
      ev('reprimand_recommended', '2026-10-20T03:00:00Z'),
      ev('reprimand_recommended', '2026-10-21T03:00:00Z', system),
      ev('reprimand_declined', '2026-11-02T03:00:00Z'),
      ev('reprimand_issued', '2026-12-31T16:59:59Z', { kind: 'official', personId: 'bupati', role: 'bupati' } as CaseEvent['actor']),
      ev('reprimand_issued', '2026-12-31T17:00:00Z'), // 1 January 00:00 WIB: the next quarter
      ev('reprimand_declined', '2026-09-30T16:59:59Z'), // still Q3 in WIB
      ev('something_new', '2026-11-02T03:00:00Z'),
    ];
    expect(countMonitoring(events, period)).toEqual({ opened: 1, recommended: 1, declined: 1, issued: 1 });
    expect(countMonitoring([], period)).toEqual({ opened: 0, recommended: 0, declined: 0, issued: 0 });
  });
});

describe('the draft follow-up letter', () => {
  const base = { agencyName: 'Dinas Pekerjaan Umum', scopeName: 'Kabupaten Musi Tanggap', periodLabel: 'Triwulan IV 2026', periodId: '2026-Q4', signer: 'Admin SP4N-LAPOR!\nRina' };

  test('lists the late and the unfollowed cases by tracking number, in Bahasa Indonesia', () => {
    const text = draftLetter({ ...base, late: ['TGP-AAAA-BBBB-1', 'TGP-CCCC-DDDD-2'], unfollowed: ['TGP-EEEE-FFFF-3'] });
    expect(text).toContain('Perihal  : Tindak lanjut pengaduan pelayanan publik Triwulan IV 2026');
    expect(text).toContain('Kepala Dinas Pekerjaan Umum');
    expect(text).toContain('Penanganan melewati batas waktu (2 pengaduan):\n1. TGP-AAAA-BBBB-1\n2. TGP-CCCC-DDDD-2');
    expect(text).toContain('Belum ditindaklanjuti pada akhir periode (1 pengaduan):\n1. TGP-EEEE-FFFF-3');
    expect(text.endsWith('Admin SP4N-LAPOR!\nRina')).toBe(true);
  });

  test('a section without cases is left out', () => {
    const text = draftLetter({ ...base, late: [], unfollowed: ['TGP-EEEE-FFFF-3'] });
    expect(text).not.toContain('melewati batas waktu (');
    expect(text).toContain('Belum ditindaklanjuti');
  });
});

describe('the review machines', () => {
  const reviewed = reviewedReports(sops);

  test('the Library recap (three turns) and the P4 report (one) have one; the semester report none', () => {
    expect(reviewed.map((r) => [r.stem, r.report.review.map((t) => t.role)])).toEqual([
      ['perpustakaan-muba.rekap-bulanan.review', ['kasi-layanan', 'kabid-layanan', 'kepala-dinas']],
      ['sp4n-lapor-muara-enim.laporan-p4.review', ['admin-kabupaten']],
    ]);
    const semester = getSop('perpustakaan-muba').reports.find((r) => r.id === 'dokumen-semester')!;
    expect(() => compileReportReview(getSop('perpustakaan-muba'), semester)).toThrow('has no review chain');
  });

  test.each(reviewedReports(sops).map((r) => [r.stem, r] as const))('%s: committed and fresh (npm run compile-sops), valid ASL, JSONPath only', (stem, { sop, report }) => {
    const machine = compileReportReview(sop, report);
    expect(readFileSync(join(__dirname, '../../statemachines', `${stem}.asl.json`), 'utf8')).toBe(renderAsl(machine));
    const result = aslValidator(structuredClone(machine));
    expect([result.errors ?? [], result.isValid]).toEqual([[], true]);
    const text = JSON.stringify(machine);
    // No intrinsic function and no JSONata: no text of a reviewer can ride through the execution.
    expect(text).not.toMatch(/States\.[A-Za-z]+\(|QueryLanguage|JSONata/);
  });

  test('each turn: deadlines, then a race of the callback task (result dropped) against remind → escalate; done ends the race at once', () => {
    const { sop, report } = reviewed[0]!;
    const machine = compileReportReview(sop, report);
    const states = allStates(machine);
    expect(machine.StartAt).toBe('Turn 1: deadlines');
    for (const t of [1, 2, 3]) {
      const race = states.get(`Turn ${t}`)!;
      expect(race.Type).toBe('Parallel');
      expect(race.Catch).toEqual([{ ErrorEquals: [REVIEW_TURN_DONE], ResultPath: null, Next: t < 3 ? `Turn ${t + 1}: deadlines` : 'Deliver' }]);
      expect(states.get(`Turn ${t}: open task`)).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', ResultPath: null, Next: `Turn ${t}: done` });
      expect(states.get(`Turn ${t}: done`)).toEqual({ Type: 'Fail', Error: REVIEW_TURN_DONE, Cause: `turn ${t} done` });
      expect(states.get(`Turn ${t}: wait to remind`)).toEqual({ Type: 'Wait', TimestampPath: '$.sla.remindAt', Next: `Turn ${t}: remind` });
      expect(states.get(`Turn ${t}: wait for deadline`)).toEqual({ Type: 'Wait', TimestampPath: '$.sla.dueAt', Next: `Turn ${t}: escalate` });
    }
    expect(states.get('Deliver')).toMatchObject({ Parameters: { Payload: { kind: 'reviewDeliver', turn: 3 } }, Next: 'Delivered' });
  });
});
