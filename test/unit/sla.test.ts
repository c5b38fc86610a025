import fc from 'fast-check';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { computeDeadlines, slaVerdict } from '../../shared/sla/deadlines';
import { getSop } from '../../shared/sops';

const calendar = createOfficeCalendar(demoDirectory.calendar);
const dinkes = getSop('dinkes-muba');

describe('SLA deadlines', () => {
  test('a 30-minute step started Friday 16:20 is reminded Monday morning and escalated up the ladder', () => {
    const d = computeDeadlines({ calendar, limit: { amount: 30, unit: 'minutes' }, ladder: dinkes.escalation, startedAt: new Date('2026-11-27T16:20:00+07:00') });
    // 10 office minutes on Friday, 20 on Monday: due Mon 07:50; reminder at 75 % = 22 minutes -> Mon 07:42.
    expect(d.dueAt).toBe('2026-11-30T07:50:00+07:00');
    expect(d.remindAt).toBe('2026-11-30T07:42:00+07:00');
    // superior at the deadline, head 1 office hour later, Bupati 1 working day after that.
    expect(d.rungs).toEqual([
      { level: 1, at: '2026-11-30T07:50:00+07:00' },
      { level: 2, at: '2026-11-30T08:50:00+07:00' },
      { level: 3, at: '2026-12-01T16:00:00+07:00' },
    ]);
    expect(d.calendarVersion).toBe(calendar.version);
    expect(d.gaps).toEqual([]);
  });

  test('calendar-day limits are wall-clock when they land in office hours: 12 days from a Saturday', () => {
    const d = computeDeadlines({ calendar, limit: { amount: 12, unit: 'days' }, ladder: { reminderAt: 0.75, rungs: [{ notify: 'superior', after: { amount: 0, unit: 'minutes' }, kind: 'escalation' }] }, startedAt: new Date('2026-11-28T10:00:00+07:00') });
    // Sat 28 Nov 10:00 + 12 x 24 h = Thu 10 Dec 10:00, inside office hours: kept.
    expect(d.dueAt).toBe('2026-12-10T10:00:00+07:00');
    // 75 % of 12 days = 9 days -> Mon 7 Dec 10:00, inside office hours.
    expect(d.remindAt).toBe('2026-12-07T10:00:00+07:00');
  });

  test('SP4N\'s 2-day verification filed on 23 December at 03:30 no longer escalates on Christmas Day', () => {
    const sp4n = getSop('sp4n-lapor-muara-enim');
    const d = computeDeadlines({ calendar, limit: { amount: 2, unit: 'days' }, ladder: sp4n.escalation, startedAt: new Date('2026-12-23T03:30:00+07:00') });
    // 2 x 24 h -> Fri 25 Dec 03:30 (Natal); 24 Dec cuti bersama, 26-27 weekend: the close of Mon 28 Dec.
    expect(d.dueAt).toBe('2026-12-28T16:00:00+07:00');
    // 75 % of the span (23 Dec 03:30 -> 28 Dec 16:00 = 132.5 h) = 99 h 22.5 min -> Sun 27 Dec 06:52:30:
    // outside office hours, so the reminder goes out at the next opening, Mon 28 Dec 07:30.
    expect(d.remindAt).toBe('2026-12-28T07:30:00+07:00');
    // Superior at the deadline; head 1 day later (Tue 29 Dec 16:00, at the close: kept); the Bupati
    // 2 days after that: Thu 31 Dec 16:00, at the close (a Thursday: 16:00), kept.
    expect(d.rungs).toEqual([
      { level: 1, at: '2026-12-28T16:00:00+07:00' },
      { level: 2, at: '2026-12-29T16:00:00+07:00' },
      { level: 3, at: '2026-12-31T16:00:00+07:00' },
    ]);
  });

  test('every deadline, reminder and rung of every SOP lies in office hours, in order', () => {
    const limits = [
      { amount: 10, unit: 'minutes' }, { amount: 2, unit: 'hours' }, { amount: 1, unit: 'days' }, { amount: 2, unit: 'days' },
      { amount: 12, unit: 'days' }, { amount: 3, unit: 'workingDays' }, { amount: 5, unit: 'days' },
    ] as const;
    const ladders = ['dinkes-muba', 'dukcapil-mura', 'perpustakaan-muba', 'sp4n-lapor-muara-enim'].flatMap((id) => {
      const sop = getSop(id);
      return [sop.escalation, ...sop.steps.flatMap((s) => (s.escalation ? [s.escalation] : []))];
    });
    fc.assert(fc.property(
      fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-11-30T00:00:00Z'), noInvalidDate: true }),
      fc.constantFrom(...limits), fc.constantFrom(...ladders),
      (startedAt, limit, ladder) => {
        const d = computeDeadlines({ calendar, limit: { ...limit }, ladder, startedAt });
        const instants = [d.remindAt, d.dueAt, ...d.rungs.map((r) => r.at)].map((x) => new Date(x));
        const ordered = instants.every((x, i) => i === 0 || x >= instants[i - 1]!);
        return ordered && instants.every((x) => calendar.inOfficeHours(x)) && new Date(d.dueAt) > startedAt;
      },
    ));
  });

  test('a deadline reaching into a year without a holiday list reports the gap', () => {
    const d = computeDeadlines({ calendar, limit: { amount: 5, unit: 'workingDays' }, ladder: dinkes.escalation, startedAt: new Date('2026-12-29T09:00:00+07:00') });
    expect(d.gaps).toEqual([2027]);
  });

  test('the verdict: on time, or late by office minutes', () => {
    const deadlines = { startedAt: '2026-11-27T16:20:00+07:00', dueAt: '2026-11-27T16:30:00+07:00' };
    const base = { calendar, scope: 'step' as const, id: 'registrasi', visit: 1, unit: 'minutes' as const, deadlines, escalatedTo: [] };
    expect(slaVerdict({ ...base, endedAt: new Date('2026-11-27T16:29:00+07:00') })).toMatchObject({ onTime: true, lateByMinutes: 0 });
    // Done Monday 08:00: 30 office minutes late, not a whole weekend.
    expect(slaVerdict({ ...base, endedAt: new Date('2026-11-30T08:00:00+07:00'), escalatedTo: ['dinkes-tim'] }))
      .toMatchObject({ onTime: false, lateByMinutes: 30, escalationLevel: 1, escalatedTo: ['dinkes-tim'] });
  });
});
