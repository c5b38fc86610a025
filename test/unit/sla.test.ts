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

  test('calendar-day limits are wall-clock: 12 days from a Saturday', () => {
    const d = computeDeadlines({ calendar, limit: { amount: 12, unit: 'days' }, ladder: { reminderAt: 0.75, rungs: [{ notify: 'superior', after: { amount: 0, unit: 'minutes' }, kind: 'escalation' }] }, startedAt: new Date('2026-11-28T10:00:00+07:00') });
    expect(d.dueAt).toBe('2026-12-10T10:00:00+07:00');
    expect(d.remindAt).toBe('2026-12-07T10:00:00+07:00');
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
