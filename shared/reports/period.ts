/**
 * Report periods: a month (`2026-10`) or a quarter (`2026-Q3`) of the regency's calendar, as
 * instants in its time zone, with the weeks the chart shows. Pure arithmetic on fixed offsets
 * (Indonesia keeps no daylight saving time).
 */
import type { LocalizedText } from '../sop/schema';

export type PeriodKind = 'monthly' | 'quarterly' | 'semiannual';

export interface Period {
  /** `2026-10`, `2026-Q3` or `2026-S2` (a half-year). */
  id: string;
  kind: PeriodKind;
  /** The months it spans, `YYYY-MM`: the keys of the month index. */
  months: string[];
  label: LocalizedText;
  /** First instant (local midnight of its first day) and the instant after its last. */
  start: Date;
  end: Date;
}

export interface ReportWeek {
  /** "2–8 Nov": a Monday-to-Sunday week clipped to the period. */
  label: string;
  start: Date;
  end: Date;
}

const monthNames = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};
const shortMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
const DAY = 86_400_000;

const monthId = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;
const localMidnight = (year: number, month: number, day: number, offsetMinutes: number) => new Date(Date.UTC(year, month - 1, day) - offsetMinutes * 60_000);

function build(kind: PeriodKind, year: number, firstMonth: number, offsetMinutes: number): Period {
  const count = kind === 'monthly' ? 1 : kind === 'quarterly' ? 3 : 6;
  const months = Array.from({ length: count }, (_, i) => monthId(year, firstMonth + i));
  const endYear = firstMonth + count > 12 ? year + 1 : year;
  const endMonth = ((firstMonth + count - 1) % 12) + 1;
  const q = Math.floor((firstMonth - 1) / 3) + 1;
  return {
    id: kind === 'monthly' ? months[0]! : kind === 'quarterly' ? `${year}-Q${q}` : `${year}-S${firstMonth === 1 ? 1 : 2}`,
    kind,
    months,
    label: kind === 'monthly'
      ? { id: `${monthNames.id[firstMonth - 1]} ${year}`, en: `${monthNames.en[firstMonth - 1]} ${year}` }
      : kind === 'quarterly'
        ? { id: `Triwulan ${['I', 'II', 'III', 'IV'][q - 1]} ${year}`, en: `Q${q} ${year}` }
        : { id: `Semester ${firstMonth === 1 ? 'I' : 'II'} ${year}`, en: `H${firstMonth === 1 ? 1 : 2} ${year}` },
    start: localMidnight(year, firstMonth, 1, offsetMinutes),
    end: localMidnight(endYear, endMonth, 1, offsetMinutes),
  };
}

/**
 * Parses `2026-10` (a month) or `2026-Q3` (a quarter). Throws a RangeError that says what to
 * write instead, for the command line and the on-demand report.
 */
export function parsePeriod(id: string, offsetMinutes: number): Period {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(id);
  if (month) return build('monthly', Number(month[1]), Number(month[2]), offsetMinutes);
  const quarter = /^(\d{4})-Q([1-4])$/.exec(id);
  if (quarter) return build('quarterly', Number(quarter[1]), (Number(quarter[2]) - 1) * 3 + 1, offsetMinutes);
  const half = /^(\d{4})-S([12])$/.exec(id);
  if (half) return build('semiannual', Number(half[1]), half[2] === '1' ? 1 : 7, offsetMinutes);
  throw new RangeError(`"${id}" is not a period: write a month as 2026-10, a quarter as 2026-Q3 or a half-year as 2026-S2.`);
}

/** The complete period of `kind` before the local date `YYYY-MM-DD`: last month, last quarter or last half-year. */
export function periodBefore(kind: PeriodKind, localDate: string, offsetMinutes: number): Period {
  const year = Number(localDate.slice(0, 4));
  const month = Number(localDate.slice(5, 7));
  const step = kind === 'monthly' ? 1 : kind === 'quarterly' ? 3 : 6;
  const firstOfCurrent = Math.floor((month - 1) / step) * step + 1;
  const first = firstOfCurrent - step;
  return first >= 1 ? build(kind, year, first, offsetMinutes) : build(kind, year - 1, first + 12, offsetMinutes);
}

/** The period of the same kind just before `period`: what a report compares itself with. */
export function previousPeriod(period: Period, offsetMinutes: number): Period {
  return periodBefore(period.kind, `${period.months[0]}-01`, offsetMinutes);
}

/** The months from the one after `period` up to and including `untilMonth` (`YYYY-MM`), in order. */
export function monthsAfter(period: Period, untilMonth: string): string[] {
  const out: string[] = [];
  let [year, month] = period.months.at(-1)!.split('-').map(Number) as [number, number];
  for (;;) {
    month++;
    if (month > 12) { month = 1; year++; }
    const id = monthId(year, month);
    if (id > untilMonth) return out;
    out.push(id);
  }
}

/** Monday-to-Sunday weeks (local time) that overlap the period, clipped to it. */
export function weeksOf(period: Period, offsetMinutes: number): ReportWeek[] {
  const weeks: ReportWeek[] = [];
  const local = (d: Date) => new Date(d.getTime() + offsetMinutes * 60_000);
  let start = period.start;
  while (start < period.end) {
    const weekday = (local(start).getUTCDay() + 6) % 7; // Monday = 0
    const nextMonday = new Date(start.getTime() + (7 - weekday) * DAY);
    const end = nextMonday < period.end ? nextMonday : period.end;
    const first = local(start);
    const last = local(new Date(end.getTime() - DAY));
    const day = (d: Date) => `${d.getUTCDate()} ${shortMonths[d.getUTCMonth()]}`;
    weeks.push({
      label: first.getTime() === last.getTime() ? day(last) : first.getUTCMonth() === last.getUTCMonth() ? `${first.getUTCDate()}–${day(last)}` : `${day(first)}–${day(last)}`,
      start,
      end,
    });
    start = end;
  }
  return weeks;
}
