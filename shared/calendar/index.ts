/**
 * Office-calendar arithmetic, pure and exact to the minute.
 *
 * - Time zones: Indonesia keeps no daylight saving time, so WIB (Asia/Jakarta, +07:00), WITA
 *   (Asia/Makassar, +08:00) and WIT (Asia/Jayapura, +09:00) are fixed offsets. Using fixed offsets
 *   rather than the machine's ICU keeps results identical on every host.
 * - Office time (limits in minutes or hours) runs only inside office hours of working days: an
 *   instant outside office hours starts the clock at the next office minute.
 * - Working days skip weekends (days without office hours), national holidays and cuti bersama.
 *   `addWorkingDays(from, n)` is due at the close of office hours of the n-th working day after the
 *   day the clock starts (the day of receipt is day 0).
 * - Calendar days stay calendar days: `addCalendarDays(from, n)` is exactly n × 24 hours later.
 *   A limit in calendar days (`addLimit`, unit `days`: plain "hari" in an SOP) is due then, unless
 *   that instant falls on a non-working day or outside office hours: then it moves to the close of
 *   the next working day (`dueInOffice`), so no deadline passes while the office is shut.
 * - Office hours include their closing minute: a deadline or an email at 16:00 on a day that closes
 *   at 16:00 is still within them (the "close of office hours" every working-day limit ends at).
 * - Holidays are data: a year missing from `holidayYears` is computed on weekdays only, and every
 *   result that depended on such a year reports it in `gaps`, so the caller can flag it loudly
 *   (calendar days never depend on holidays: they report none).
 */
import type { OfficeCalendarConfig, OfficeHours, Weekday } from './config';
import type { TimeLimit } from '../sop/schema';

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
/** Upper bound of days scanned when looking for office time, against configs with no open day. */
const MAX_SCAN_DAYS = 3 * 366;

export const zoneOffsetMinutes: Record<OfficeCalendarConfig['timeZone'], number> = {
  'Asia/Jakarta': 7 * 60,
  'Asia/Makassar': 8 * 60,
  'Asia/Jayapura': 9 * 60,
};
const zoneAbbreviation: Record<OfficeCalendarConfig['timeZone'], string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};
const weekdays: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A result of calendar arithmetic, with the years it touched that have no holiday list. */
export interface CalendarResult {
  at: Date;
  gaps: number[];
}

export interface OfficeCalendar {
  readonly config: OfficeCalendarConfig;
  /** A short hash of the configuration: stored beside every deadline it produced. */
  readonly version: string;
  readonly timeZoneAbbreviation: string;
  /** The local date `YYYY-MM-DD` of an instant in the regency's zone. */
  localDate(at: Date): string;
  /** Office hours of a local date, or null when the office is closed (weekend, holiday). */
  officeHours(date: string): OfficeHours | null;
  isWorkingDay(date: string): boolean;
  /** The holiday on a date, if any. */
  holiday(date: string): { name: string; kind: string } | undefined;
  nextOfficeMinute(at: Date): CalendarResult;
  addOfficeMinutes(from: Date, minutes: number): CalendarResult;
  addWorkingDays(from: Date, days: number): CalendarResult;
  addCalendarDays(from: Date, days: number): CalendarResult;
  /** Whether an instant lies within office hours of a working day, its closing minute included. */
  inOfficeHours(at: Date): boolean;
  /** A deadline as the office keeps it: `at` when within office hours, else the close of the next working day. */
  dueInOffice(at: Date): CalendarResult;
  /** When an email meant for `at` goes out: `at` when within office hours, else the next opening. */
  sendInOffice(at: Date): CalendarResult;
  /** Adds an SOP time limit (or grace period) with its unit's semantics. */
  addLimit(from: Date, limit: Pick<TimeLimit, 'amount' | 'unit'>): CalendarResult;
  /** Office minutes in [from, to); 0 when to <= from. */
  officeMinutesBetween(from: Date, to: Date): number;
  /** ISO 8601 with the regency's offset, e.g. 2026-11-23T16:00:00+07:00. */
  format(at: Date): string;
  /** Years between two instants (inclusive) that have no holiday list. */
  gapsBetween(from: Date, to: Date): number[];
}

/** Builds the calendar of a regency from its configuration. */
export function createOfficeCalendar(config: OfficeCalendarConfig): OfficeCalendar {
  const offset = zoneOffsetMinutes[config.timeZone];
  const holidays = new Map(config.holidays.map((h) => [h.date, h]));
  const listedYears = new Set(config.holidayYears);

  const localMinutes = (at: Date) => Math.floor(at.getTime() / MINUTE) + offset;
  const fromLocalMinutes = (m: number) => new Date((m - offset) * MINUTE);
  const dayNumber = (at: Date) => Math.floor(localMinutes(at) / DAY_MINUTES);
  const dateOfDay = (day: number) => new Date(day * DAY_MINUTES * MINUTE).toISOString().slice(0, 10);
  const parseHhMm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

  // Remembered per day: a recap asks the same few hundred days for every one of its cases.
  const hoursByDay = new Map<number, { open: number; close: number } | null>();
  const hoursOfDay = (day: number): { open: number; close: number } | null => {
    let hours = hoursByDay.get(day);
    if (hours === undefined) hoursByDay.set(day, (hours = computeHoursOfDay(day)));
    return hours;
  };
  const computeHoursOfDay = (day: number): { open: number; close: number } | null => {
    const date = dateOfDay(day);
    if (holidays.has(date)) return null;
    const override = config.overrides.find((o) => o.from <= date && date <= o.to);
    const weekday = weekdays[new Date(day * DAY_MINUTES * MINUTE).getUTCDay()]!;
    const hours = (override?.weeklyHours ?? config.weeklyHours)[weekday];
    if (!hours) return null;
    const open = parseHhMm(hours.open);
    const close = parseHhMm(hours.close);
    return close > open ? { open, close } : null;
  };

  const gapsOfDays = (firstDay: number, lastDay: number): number[] => {
    const first = Number(dateOfDay(firstDay).slice(0, 4));
    const last = Number(dateOfDay(lastDay).slice(0, 4));
    const gaps: number[] = [];
    for (let y = first; y <= last; y++) if (!listedYears.has(y)) gaps.push(y);
    return gaps;
  };
  const result = (from: Date, at: Date): CalendarResult => ({ at, gaps: gapsOfDays(dayNumber(from), dayNumber(at)) });

  /** Local minute of the next office minute at or after local minute `m`. */
  const nextOfficeLocal = (m: number): number => {
    let day = Math.floor(m / DAY_MINUTES);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day++) {
      const hours = hoursOfDay(day);
      if (hours) {
        const start = day * DAY_MINUTES;
        if (m < start + hours.open) return start + hours.open;
        if (m < start + hours.close) return m;
      }
    }
    throw new Error(`The office calendar has no office hours within ${MAX_SCAN_DAYS} days`);
  };

  const addOfficeLocal = (fromLocal: number, minutes: number): number => {
    let m = nextOfficeLocal(fromLocal);
    let remaining = minutes;
    for (let i = 0; i < MAX_SCAN_DAYS * 2; i++) {
      const day = Math.floor(m / DAY_MINUTES);
      const close = day * DAY_MINUTES + hoursOfDay(day)!.close;
      if (remaining <= close - m) return m + remaining;
      remaining -= close - m;
      m = nextOfficeLocal(close);
    }
    throw new Error('Office-time arithmetic ran past its bound');
  };

  const calendar: OfficeCalendar = {
    config,
    version: hashConfig(config),
    timeZoneAbbreviation: zoneAbbreviation[config.timeZone],
    localDate: (at) => dateOfDay(dayNumber(at)),
    officeHours(date) {
      const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / (DAY_MINUTES * MINUTE));
      const hours = hoursOfDay(day);
      if (!hours) return null;
      const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      return { open: hhmm(hours.open), close: hhmm(hours.close) };
    },
    isWorkingDay: (date) => calendar.officeHours(date) !== null,
    holiday: (date) => holidays.get(date),
    nextOfficeMinute(at) {
      return result(at, fromLocalMinutes(nextOfficeLocal(localMinutes(ceilMinute(at)))));
    },
    addOfficeMinutes(from, minutes) {
      assertAmount(minutes);
      return result(from, fromLocalMinutes(addOfficeLocal(localMinutes(ceilMinute(from)), Math.round(minutes))));
    },
    addWorkingDays(from, days) {
      assertAmount(days);
      const start = nextOfficeLocal(localMinutes(ceilMinute(from)));
      let day = Math.floor(start / DAY_MINUTES);
      let hours = hoursOfDay(day)!;
      for (let counted = 0; counted < Math.round(days); ) {
        day++;
        const h = hoursOfDay(day);
        if (h) { counted++; hours = h; }
        if (day - Math.floor(start / DAY_MINUTES) > MAX_SCAN_DAYS * 10) throw new Error('Working-day arithmetic ran past its bound');
      }
      return result(from, fromLocalMinutes(day * DAY_MINUTES + hours.close));
    },
    addCalendarDays(from, days) {
      assertAmount(days);
      // No holiday moves a calendar-day deadline, so a missing holiday list is no gap here.
      return { at: new Date(from.getTime() + days * DAY_MINUTES * MINUTE), gaps: [] };
    },
    inOfficeHours(at) {
      const m = localMinutes(at);
      const day = Math.floor(m / DAY_MINUTES);
      const hours = hoursOfDay(day);
      const minuteOfDay = m - day * DAY_MINUTES;
      // Within [open, close], with close only at its exact minute (16:00:00, not 16:00:30).
      return !!hours && minuteOfDay >= hours.open && (minuteOfDay < hours.close || (minuteOfDay === hours.close && at.getTime() % MINUTE === 0));
    },
    dueInOffice(at) {
      if (calendar.inOfficeHours(at)) return result(at, at);
      const opening = localMinutes(calendar.nextOfficeMinute(at).at);
      const day = Math.floor(opening / DAY_MINUTES);
      return result(at, fromLocalMinutes(day * DAY_MINUTES + hoursOfDay(day)!.close));
    },
    sendInOffice(at) {
      return calendar.inOfficeHours(at) ? result(at, at) : calendar.nextOfficeMinute(at);
    },
    addLimit(from, limit) {
      switch (limit.unit) {
        case 'minutes': return calendar.addOfficeMinutes(from, limit.amount);
        case 'hours': return calendar.addOfficeMinutes(from, limit.amount * 60);
        case 'days': return calendar.dueInOffice(calendar.addCalendarDays(from, limit.amount).at);
        case 'workingDays': return calendar.addWorkingDays(from, limit.amount);
      }
    },
    officeMinutesBetween(from, to) {
      let m = localMinutes(ceilMinute(from));
      const end = localMinutes(to);
      let total = 0;
      while (m < end) {
        m = nextOfficeLocal(m);
        if (m >= end) break;
        const day = Math.floor(m / DAY_MINUTES);
        const close = day * DAY_MINUTES + hoursOfDay(day)!.close;
        total += Math.min(close, end) - m;
        m = close;
      }
      return total;
    },
    format(at) {
      const local = new Date(at.getTime() + offset * MINUTE).toISOString().slice(0, 19);
      const sign = offset >= 0 ? '+' : '-';
      const abs = Math.abs(offset);
      return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    },
    gapsBetween: (from, to) => gapsOfDays(dayNumber(from), dayNumber(to)),
  };
  return calendar;
}

function ceilMinute(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / MINUTE) * MINUTE);
}

function assertAmount(n: number): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`A time amount must be a finite number >= 0, got ${n}`);
}

/** FNV-1a over the canonical JSON of the config: a short, stable version id. */
function hashConfig(config: OfficeCalendarConfig): string {
  const text = JSON.stringify(config);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `cal-${hash.toString(16).padStart(8, '0')}`;
}
