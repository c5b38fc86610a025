/**
 * The recap figures of November 2026 from the fixture (test/support/report-fixture.ts), every figure
 * worked out by hand. Office minutes: Mon–Thu 510, Fri 540; a working day of handling time is 510.
 */
import fc from 'fast-check';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { RecapBuilder, type Recap } from '../../shared/reports/aggregate';
import { monthsAfter, parsePeriod, periodBefore, previousPeriod, weeksOf } from '../../shared/reports/period';
import { caseRow, csvCell, csvHeaderLine, csvLine } from '../../shared/reports/rows';
import { laporCases, libraryCases } from '../support/report-fixture';

const calendar = createOfficeCalendar(demoDirectory.calendar);
const WIB = 7 * 60;
const november = parsePeriod('2026-11', WIB);

function recapOf(cases: Iterable<Parameters<RecapBuilder['add']>[0]>, period = november): Recap {
  const builder = new RecapBuilder({ calendar, period, weeks: weeksOf(period, WIB) });
  for (const c of cases) builder.add(c);
  return builder.result();
}

describe('periods', () => {
  test.each([
    ['2026-11', 'monthly', ['2026-11'], '2026-10-31T17:00:00.000Z', '2026-11-30T17:00:00.000Z', 'November 2026'],
    ['2026-12', 'monthly', ['2026-12'], '2026-11-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z', 'Desember 2026'],
    ['2026-Q3', 'quarterly', ['2026-07', '2026-08', '2026-09'], '2026-06-30T17:00:00.000Z', '2026-09-30T17:00:00.000Z', 'Triwulan III 2026'],
    ['2026-Q4', 'quarterly', ['2026-10', '2026-11', '2026-12'], '2026-09-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z', 'Triwulan IV 2026'],
  ])('%s', (id, kind, months, start, end, label) => {
    const p = parsePeriod(id, WIB);
    expect([p.kind, p.months, p.start.toISOString(), p.end.toISOString(), p.label.id]).toEqual([kind, months, start, end, label]);
  });

  test.each(['2026-13', '2026-Q5', '26-11', 'November', '2026-1', ''])('"%s" is refused with what to write', (id) => {
    expect(() => parsePeriod(id, WIB)).toThrow(/2026-10.*2026-Q3/);
  });

  test.each([
    ['monthly', '2026-12-01', '2026-11'],
    ['monthly', '2027-01-01', '2026-12'],
    ['quarterly', '2027-01-01', '2026-Q4'],
    ['quarterly', '2026-10-01', '2026-Q3'],
    ['quarterly', '2026-11-15', '2026-Q3'],
  ] as const)('the %s period before %s is %s', (kind, date, expected) => {
    expect(periodBefore(kind, date, WIB).id).toBe(expected);
  });

  test('the previous period and the months after one', () => {
    expect(previousPeriod(parsePeriod('2026-01', WIB), WIB).id).toBe('2025-12');
    expect(previousPeriod(parsePeriod('2026-Q1', WIB), WIB).id).toBe('2025-Q4');
    expect(monthsAfter(november, '2026-11')).toEqual([]);
    expect(monthsAfter(november, '2027-02')).toEqual(['2026-12', '2027-01', '2027-02']);
  });

  test('weeks run Monday to Sunday, clipped to the period', () => {
    expect(weeksOf(november, WIB).map((w) => w.label)).toEqual(['1 Nov', '2–8 Nov', '9–15 Nov', '16–22 Nov', '23–29 Nov', '30 Nov']);
    expect(weeksOf(parsePeriod('2026-Q4', WIB), WIB)).toHaveLength(14);
  });

  test('any period is covered by its weeks without gap or overlap', () => {
    fc.assert(fc.property(fc.integer({ min: 2020, max: 2035 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), (year, month, quarter) => {
      const p = parsePeriod(quarter ? `${year}-Q${Math.ceil(month / 3)}` : `${year}-${String(month).padStart(2, '0')}`, WIB);
      const weeks = weeksOf(p, WIB);
      expect(weeks[0]!.start).toEqual(p.start);
      expect(weeks.at(-1)!.end).toEqual(p.end);
      for (let i = 1; i < weeks.length; i++) expect(weeks[i]!.start).toEqual(weeks[i - 1]!.end);
    }));
  });
});

describe('the library in November 2026', () => {
  const cases = libraryCases();
  const recap = recapOf(Object.values(cases));
  const f = recap.totals;

  test('received: A, B, E, F (C and D came in October, G in September)', () => {
    expect(f.received).toBe(4);
    expect(f.byCategory).toEqual({ layanan: 3, fasilitas: 1 });
    expect(f.byChannel).toEqual({ web: 2, email: 1, box: 1 });
  });

  test('ended in November: A and B closed, C (received in October) rejected; A and C within every limit', () => {
    expect([f.closed, f.rejected, f.endedWithinLimits]).toEqual([2, 1, 2]);
  });

  test('open at the end: D (30 working days), K (24: closed only in December), E (3), F (0: closed in December)', () => {
    // D: 20 Oct 09:00–16:00 = 420, then 29 working days (6 Fridays × 540 + 23 × 510) = 15,390 minutes = 30.2 days.
    // K: 28 Oct 09:00–16:00 = 420, 29 Oct 510, 30 Oct 540, November 21 days (4 Fridays) = 12,300 minutes = 24.1 days.
    expect(f.openAtEnd).toBe(4);
    expect(f.openByAge).toEqual({ '0-5': 2, '6-10': 0, '11-20': 0, '>20': 2 });
    expect(f.oldestOpenWorkingDays).toBe(30);
  });

  test('verdicts of November: 10, one late (B\'s first step, 30 minutes); October and December verdicts do not count', () => {
    expect([f.verdicts, f.onTime]).toEqual([10, 9]);
    expect(f.steps).toEqual([
      { sopId: 'perpustakaan-muba', scope: 'step', id: 'catat', verdicts: 3, onTime: 2, lateMinutes: 30 },
      { sopId: 'perpustakaan-muba', scope: 'step', id: 'periksa', verdicts: 3, onTime: 3, lateMinutes: 0 },
      { sopId: 'perpustakaan-muba', scope: 'step', id: 'solusi', verdicts: 4, onTime: 4, lateMinutes: 0 },
    ]);
  });

  test('handling time of A (0.24 → 0.3), C (0.47 → 0.5), B and E (1.0): median 0.5, 90th percentile 1.0', () => {
    expect(f.handling).toEqual({ count: 4, medianWorkingDays: 0.5, p90WorkingDays: 1 });
  });

  test('escalations sent in November (B level 1, D level 2; D\'s October one does not count); no reprimand', () => {
    expect(f.escalationsByLevel).toEqual({ 1: 1, 2: 1 });
    expect(f.reprimands).toBe(0);
  });

  test('ratings given in November (A 5 satisfied, E 2 not satisfied; F rated in December) and E\'s reply', () => {
    expect(f.ratings).toEqual({ count: 2, average: 3.5, byStars: [0, 1, 0, 0, 1], satisfied: 1, notSatisfied: 1 });
    expect(f.replies).toBe(1);
  });

  test('a deadline computed without a holiday list is flagged (D, 2027)', () => {
    expect(f.calendarGaps).toEqual({ cases: 1, years: [2027] });
  });

  test('per week: received, ended, verdicts and those on time', () => {
    expect(recap.weekly.map((w) => [w.label, w.received, w.ended, w.verdicts, w.onTime])).toEqual([
      ['1 Nov', 0, 0, 0, 0],
      ['2–8 Nov', 1, 2, 3, 3],
      ['9–15 Nov', 1, 0, 3, 2],
      ['16–22 Nov', 0, 1, 0, 0],
      ['23–29 Nov', 1, 0, 4, 4],
      ['30 Nov', 1, 0, 0, 0],
    ]);
  });

  test('a case that was never open in the period adds nothing, and the order of cases does not matter', () => {
    expect(recapOf([cases.G]).totals).toEqual(recapOf([]).totals);
    fc.assert(fc.property(fc.shuffledSubarray(Object.values(cases), { minLength: 8, maxLength: 8 }), (shuffled) => {
      expect(recapOf(shuffled)).toEqual(recap);
    }), { numRuns: 20 });
  });

  test('October, as of its own end: C and D and K open, G closed, nothing of November', () => {
    const october = recapOf(Object.values(cases), parsePeriod('2026-10', WIB)).totals;
    expect([october.received, october.closed, october.rejected, october.openAtEnd]).toEqual([3, 1, 0, 3]);
    expect(october.escalationsByLevel).toEqual({ 1: 1 });
    expect(october.ratings.count).toBe(1);
  });
});

describe('the regency in November 2026', () => {
  const recap = recapOf([...Object.values(libraryCases()), ...Object.values(laporCases())]);

  test('supervisory complaints, reprimands and escalations across agencies; figures per responsible agency', () => {
    expect(recap.totals.received).toBe(6);
    expect(recap.totals.supervisory).toBe(1);
    expect(recap.totals.reprimands).toBe(1);
    expect(recap.totals.escalationsByLevel).toEqual({ 1: 2, 2: 2 });
    expect(Object.keys(recap.byAgency)).toEqual(['dinkes-muba', 'inspectorate', 'perpus-muba']);
    expect(recap.byAgency['inspectorate']).toMatchObject({ received: 1, supervisory: 1, openAtEnd: 1, verdicts: 1 });
    expect(recap.byAgency['dinkes-muba']).toMatchObject({ received: 1, reprimands: 1, verdicts: 3, onTime: 2 });
    expect(recap.byAgency['perpus-muba']!.received).toBe(4);
  });
});

describe('rows and CSV', () => {
  const cases = libraryCases();

  test('a row is the case as of the end of the period', () => {
    expect(caseRow(cases.F, november, calendar, 510)).toMatchObject({
      statusAtPeriodEnd: 'open', statusNow: 'closed', endedAt: '', handlingWorkingDays: null, stepsOnTime: 0, rating: null,
      submittedAt: '2026-11-30 15:00',
    });
    expect(caseRow(cases.C, november, calendar, 510)).toMatchObject({ statusAtPeriodEnd: 'rejected', endedAt: '2026-11-02 10:00', handlingWorkingDays: 0.5 });
    expect(caseRow(cases.B, november, calendar, 510)).toMatchObject({ stepsLate: 1, stepsOnTime: 2, escalationLevel: 1, handlingWorkingDays: 1 });
  });

  test('no reporter data in any row, confidential or not', () => {
    const csv = [csvHeaderLine, ...Object.values(cases).map((c) => csvLine(caseRow(c, november, calendar, 510)))].join('\n');
    for (const secret of ['Rahasia Sekali', 'rahasia@example.com', '081299990000', 'Pelapor Umum', 'umum@example.com']) expect(csv).not.toContain(secret);
    expect(csv.split('\n')[0]).toBe('tracking_id,agency,routed_to,category,channel,submitted_at,status_at_period_end,status_now,ended_at,handling_working_days,steps_on_time,steps_late,escalation_level,reprimand,rating,replies,confidential,title');
  });

  test.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+62 812', `"'+62 812"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['-1', '"-1"'],
    ['-x', `"'-x"`],
    ['biasa, "kutip"', '"biasa, ""kutip"""'],
    [true, '"ya"'],
    [null, '""'],
  ])('CSV cell %p', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});
