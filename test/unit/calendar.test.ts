import fc from 'fast-check';
import { createOfficeCalendar } from '../../shared/calendar';
import type { OfficeCalendarConfig } from '../../shared/calendar/config';
import { demoDirectory } from '../../shared/directory';

const config = demoDirectory.calendar;
const wib = createOfficeCalendar(config);
const at = (iso: string) => new Date(iso);
const fmt = (d: Date) => wib.format(d);

describe('office calendar (WIB, Mon-Thu 07:30-16:00, Fri 07:30-16:30, 2026 decree)', () => {
  test.each([
    // [what, from, minutes, expected]
    ['inside hours', '2026-11-23T09:00:00+07:00', 10, '2026-11-23T09:10:00+07:00'],
    ['before opening starts at 07:30', '2026-11-23T06:00:00+07:00', 10, '2026-11-23T07:40:00+07:00'],
    ['crosses the close into the next day', '2026-11-23T15:55:00+07:00', 10, '2026-11-24T07:35:00+07:00'],
    ['Friday closes at 16:30', '2026-11-27T16:20:00+07:00', 10, '2026-11-27T16:30:00+07:00'],
    ['Friday evening starts Monday', '2026-11-27T19:00:00+07:00', 20, '2026-11-30T07:50:00+07:00'],
    ['Saturday starts Monday', '2026-11-28T10:00:00+07:00', 30, '2026-11-30T08:00:00+07:00'],
    ['skips cuti bersama and Natal (24-25 Dec)', '2026-12-23T15:50:00+07:00', 30, '2026-12-28T07:50:00+07:00'],
  ])('%s', (_what, from, minutes, expected) => {
    expect(fmt(wib.addOfficeMinutes(at(from), minutes as unknown as number).at)).toBe(expected);
  });

  test('a complaint filed on a Friday evening before the Imlek long weekend (cuti bersama + holiday)', () => {
    // Fri 13 Feb evening; Sat-Sun; Mon 16 Feb cuti bersama Imlek; Tue 17 Imlek: the office reopens Wed 18.
    const filed = at('2026-02-13T19:30:00+07:00');
    expect(fmt(wib.nextOfficeMinute(filed).at)).toBe('2026-02-18T07:30:00+07:00');
    expect(fmt(wib.addOfficeMinutes(filed, 10).at)).toBe('2026-02-18T07:40:00+07:00');
    // Wed 18 is day 0; Thu 19, Fri 20, Mon 23 (in the Ramadan schedule: closes 15:00).
    expect(fmt(wib.addWorkingDays(filed, 3).at)).toBe('2026-02-23T15:00:00+07:00');
  });

  test('an evening complaint before Nyepi, cuti bersama and Idulfitri is not late until the office reopens', () => {
    // Thu 19 Mar Nyepi, Fri 20 cuti bersama, Sat-Sun 21-22 Idulfitri, Mon-Tue 23-24 cuti bersama.
    // Filed Wed 18 Mar (cuti bersama Nyepi) evening: the office next opens Wed 25 Mar, 07:30.
    const filed = at('2026-03-18T19:45:00+07:00');
    expect(fmt(wib.nextOfficeMinute(filed).at)).toBe('2026-03-25T07:30:00+07:00');
    expect(fmt(wib.addOfficeMinutes(filed, 10).at)).toBe('2026-03-25T07:40:00+07:00');
    expect(fmt(wib.addWorkingDays(filed, 3).at)).toBe('2026-03-30T16:00:00+07:00');
  });

  test('a Friday-evening complaint before the Ascension long weekend (14-15 May holiday + cuti bersama)', () => {
    // Fri 8 May evening; Mon-Wed 11-13 work; Thu 14 Kenaikan; Fri 15 cuti bersama; Mon 18.
    const filed = at('2026-05-08T18:30:00+07:00');
    expect(fmt(wib.addWorkingDays(filed, 3).at)).toBe('2026-05-18T16:00:00+07:00');
    expect(fmt(wib.addOfficeMinutes(filed, 20).at)).toBe('2026-05-11T07:50:00+07:00');
  });

  test.each([
    ['3 working days from Monday', '2026-11-23T10:00:00+07:00', 3, '2026-11-26T16:00:00+07:00'],
    ['3 working days from Wednesday skip the weekend', '2026-11-25T10:00:00+07:00', 3, '2026-11-30T16:00:00+07:00'],
    ['the third day is a Friday: closes 16:30', '2026-11-24T10:00:00+07:00', 3, '2026-11-27T16:30:00+07:00'],
    ['5 working days over Christmas', '2026-12-21T09:00:00+07:00', 5, '2026-12-30T16:00:00+07:00'],
    ['1 working day on a Sunday', '2026-11-22T10:00:00+07:00', 1, '2026-11-24T16:00:00+07:00'],
  ])('%s', (_what, from, days, expected) => {
    expect(fmt(wib.addWorkingDays(at(from), days as unknown as number).at)).toBe(expected);
  });

  test('calendar days stay calendar days, weekends and holidays included', () => {
    expect(fmt(wib.addCalendarDays(at('2026-12-23T10:00:00+07:00'), 2).at)).toBe('2026-12-25T10:00:00+07:00');
    expect(fmt(wib.addCalendarDays(at('2026-11-27T20:00:00+07:00'), 60).at)).toBe('2027-01-26T20:00:00+07:00');
  });

  test.each([
    // [what, from, days, expected]: plain "hari" is n x 24 h, kept when it lands in office hours,
    // else moved to the close of the next working day.
    ['lands inside office hours: kept', '2026-11-23T09:00:00+07:00', 2, '2026-11-25T09:00:00+07:00'],
    ['lands at a close exactly: kept', '2026-11-23T16:00:00+07:00', 1, '2026-11-24T16:00:00+07:00'],
    ['lands a minute after the close: the next working day\'s close', '2026-11-23T16:01:00+07:00', 1, '2026-11-25T16:00:00+07:00'],
    ['lands before opening: that same day\'s close', '2026-11-23T06:00:00+07:00', 2, '2026-11-25T16:00:00+07:00'],
    ['lands on a Saturday: Monday\'s close', '2026-11-26T10:00:00+07:00', 2, '2026-11-30T16:00:00+07:00'],
    ['lands on a Friday evening: Monday\'s close', '2026-11-25T20:00:00+07:00', 2, '2026-11-30T16:00:00+07:00'],
    // The SP4N case of issue 13: filed Wed 23 Dec 03:30, 2 days -> Fri 25 Dec 03:30 (Natal); 24 Dec
    // is cuti bersama, 26-27 the weekend: Monday 28 Dec, 16:00.
    ['lands on Christmas Day at 03:30: Monday 28 Dec\'s close', '2026-12-23T03:30:00+07:00', 2, '2026-12-28T16:00:00+07:00'],
    // 60 days from Fri 27 Nov 20:00 is Tue 26 Jan 2027 20:00 (after the close): Wed 27 Jan 16:00.
    ['lands after hours in a year without a list: next weekday\'s close', '2026-11-27T20:00:00+07:00', 60, '2027-01-27T16:00:00+07:00'],
  ])('a limit in calendar days: %s', (_what, from, days, expected) => {
    expect(fmt(wib.addLimit(at(from), { amount: days as unknown as number, unit: 'days' }).at)).toBe(expected);
  });

  test('a calendar-day deadline moved by the calendar of a year without a list reports the gap', () => {
    expect(wib.addLimit(at('2026-12-29T10:00:00+07:00'), { amount: 10, unit: 'days' }).gaps).toEqual([2027]);
    expect(wib.addLimit(at('2026-11-23T10:00:00+07:00'), { amount: 10, unit: 'days' }).gaps).toEqual([]);
  });

  test.each([
    // [what, at, sent at]: an email meant for an instant outside office hours waits for the opening.
    ['inside office hours', '2026-11-23T10:15:00+07:00', '2026-11-23T10:15:00+07:00'],
    ['at the close', '2026-11-23T16:00:00+07:00', '2026-11-23T16:00:00+07:00'],
    ['half a minute after the close', '2026-11-23T16:00:30+07:00', '2026-11-24T07:30:00+07:00'],
    ['at night', '2026-11-24T03:30:00+07:00', '2026-11-24T07:30:00+07:00'],
    ['on a Saturday', '2026-11-28T11:00:00+07:00', '2026-11-30T07:30:00+07:00'],
    ['on Christmas Day', '2026-12-25T03:30:00+07:00', '2026-12-28T07:30:00+07:00'],
  ])('an email due %s goes out in office hours', (_what, when, expected) => {
    expect(fmt(wib.sendInOffice(at(when)).at)).toBe(expected);
  });

  test('a year without a holiday list is computed on weekdays and reported as a gap', () => {
    const inside = wib.addWorkingDays(at('2026-11-23T10:00:00+07:00'), 3);
    expect(inside.gaps).toEqual([]);
    const across = wib.addWorkingDays(at('2026-12-29T10:00:00+07:00'), 5);
    // 30, 31 Dec, then 1 Jan 2027 is counted as a working day: there is no 2027 list to say otherwise.
    expect(fmt(across.at)).toBe('2027-01-05T16:00:00+07:00');
    expect(across.gaps).toEqual([2027]);
    // Calendar days do not depend on holidays: reaching 2027 is no gap for them.
    expect(wib.addCalendarDays(at('2026-12-29T10:00:00+07:00'), 10).gaps).toEqual([]);
    expect(wib.addLimit(at('2026-12-29T10:00:00+07:00'), { amount: 1, unit: 'hours' }).gaps).toEqual([]);
    expect(wib.addLimit(at('2026-12-31T15:30:00+07:00'), { amount: 1, unit: 'hours' }).gaps).toEqual([2027]);
  });

  test('the Ramadan override changes office hours between its dates', () => {
    expect(wib.officeHours('2026-03-02')).toEqual({ open: '08:00', close: '15:00' });
    expect(wib.officeHours('2026-04-06')).toEqual({ open: '07:30', close: '16:00' });
    expect(fmt(wib.addOfficeMinutes(at('2026-03-02T14:50:00+07:00'), 20).at)).toBe('2026-03-03T08:10:00+07:00');
  });

  test.each([
    ['Asia/Makassar', '+08:00', 'WITA'],
    ['Asia/Jayapura', '+09:00', 'WIT'],
  ] as const)('%s keeps office hours in its own zone', (timeZone, offset, abbr) => {
    const cal = createOfficeCalendar({ ...config, timeZone } as OfficeCalendarConfig);
    expect(cal.timeZoneAbbreviation).toBe(abbr);
    // 08:00 WIB is 09:00 WITA / 10:00 WIT: inside hours in every zone.
    const result = cal.addOfficeMinutes(at('2026-11-23T01:00:00Z'), 30);
    expect(cal.format(result.at)).toBe(`2026-11-23T${offset === '+08:00' ? '09:30' : '10:30'}:00${offset}`);
    // 15:50 local + 20 office minutes crosses into the next morning, local.
    const late = cal.addOfficeMinutes(new Date(`2026-11-23T15:50:00${offset}`), 20);
    expect(cal.format(late.at)).toBe(`2026-11-24T07:40:00${offset}`);
  });

  test('office minutes between two instants count only office time', () => {
    expect(wib.officeMinutesBetween(at('2026-11-27T16:00:00+07:00'), at('2026-11-30T08:00:00+07:00'))).toBe(60);
    expect(wib.officeMinutesBetween(at('2026-11-30T08:00:00+07:00'), at('2026-11-27T16:00:00+07:00'))).toBe(0);
  });

  describe('properties', () => {
    const instant = fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2026-12-20T00:00:00Z'), noInvalidDate: true });
    const isOfficeMinute = (d: Date, allowClose: boolean) => {
      const hours = wib.officeHours(wib.localDate(d));
      if (!hours) return false;
      const hhmm = wib.format(d).slice(11, 16);
      return hours.open <= hhmm && (allowClose ? hhmm <= hours.close : hhmm < hours.close);
    };

    test('office-time results land inside office hours, never on a holiday or weekend', () => {
      fc.assert(fc.property(instant, fc.integer({ min: 1, max: 5000 }), (from, minutes) => {
        const due = wib.addOfficeMinutes(from, minutes).at;
        return due > from && isOfficeMinute(due, true) && !wib.holiday(wib.localDate(due));
      }));
    });

    test('adding a then b office minutes equals adding a + b', () => {
      fc.assert(fc.property(instant, fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), (from, a, b) => {
        const stepwise = wib.addOfficeMinutes(wib.addOfficeMinutes(from, a).at, b).at;
        // At a close, "+b" continues from the next opening, exactly as the sum does.
        return stepwise.getTime() === wib.addOfficeMinutes(from, a + b).at.getTime();
      }));
    });

    test('office minutes between from and from + n is n', () => {
      fc.assert(fc.property(instant, fc.integer({ min: 0, max: 5000 }), (from, minutes) => {
        const start = wib.nextOfficeMinute(from).at;
        return wib.officeMinutesBetween(start, wib.addOfficeMinutes(start, minutes).at) === minutes;
      }));
    });

    test('a calendar-day limit is due in office hours, at n x 24 h or the first close after it', () => {
      fc.assert(fc.property(instant, fc.integer({ min: 1, max: 60 }), (from, n) => {
        const exact = wib.addCalendarDays(from, n).at;
        const due = wib.addLimit(from, { amount: n, unit: 'days' }).at;
        if (wib.inOfficeHours(exact)) return due.getTime() === exact.getTime();
        const hours = wib.officeHours(wib.localDate(due));
        // Moved: later, at a close, and no office minute lies between the exact instant and it but that day's.
        return due > exact && hours !== null && wib.format(due).slice(11, 16) === hours.close
          && wib.officeMinutesBetween(exact, due) === wib.officeMinutesBetween(wib.nextOfficeMinute(exact).at, due)
          && wib.localDate(wib.nextOfficeMinute(exact).at) === wib.localDate(due);
      }));
    });

    test('an email instant is never moved earlier, and lands in office hours', () => {
      fc.assert(fc.property(instant, (when) => {
        const sent = wib.sendInOffice(when).at;
        return sent >= new Date(Math.floor(when.getTime() / 60_000) * 60_000) && wib.inOfficeHours(sent) && isOfficeMinute(sent, true)
          && (wib.inOfficeHours(when) ? sent.getTime() === when.getTime() : sent.getTime() === wib.nextOfficeMinute(when).at.getTime());
      }));
    });

    test('working days are monotonic and due at a close of office hours', () => {
      fc.assert(fc.property(instant, fc.integer({ min: 0, max: 30 }), (from, n) => {
        const due = wib.addWorkingDays(from, n).at;
        const next = wib.addWorkingDays(from, n + 1).at;
        const hours = wib.officeHours(wib.localDate(due));
        return next > due && hours !== null && wib.format(due).slice(11, 16) === hours.close;
      }));
    });
  });
});
