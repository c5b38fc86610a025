/**
 * How a time limit reads in words, for the people who must keep it: the task page, the task email,
 * the SOP's traceability table. The one reading of days for the whole product (see
 * `OfficeCalendar.addLimit`): "hari kerja" counts working days from the day after receipt (day 0)
 * and ends at the close of office hours; plain "hari" counts calendar days, and a deadline falling
 * outside office hours moves to the close of the next working day.
 */
import type { Language } from '../i18n';
import type { Sop, Step, TimeLimit } from '../sop/schema';

const ordinalEn = (n: number): string => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
};

/**
 * A limit in words, e.g. "akhir jam kerja hari kerja ke-2 setelah hari diterima" /
 * "the close of office hours on the 2nd working day after the day received".
 */
export function limitReading(limit: Pick<TimeLimit, 'amount' | 'unit'>, lang: Language): string {
  const n = limit.amount;
  switch (limit.unit) {
    case 'workingDays':
      return lang === 'id'
        ? `akhir jam kerja hari kerja ke-${n} setelah hari diterima`
        : `the close of office hours on the ${ordinalEn(n)} working day after the day received`;
    case 'days':
      return lang === 'id'
        ? `${n} hari kalender sejak diterima; bila jatuh pada hari libur atau di luar jam kerja, akhir jam kerja hari kerja berikutnya`
        : `${n} calendar day${n === 1 ? '' : 's'} after receipt; if that falls on a non-working day or outside office hours, the close of the next working day`;
    case 'hours':
      return lang === 'id' ? `${n} jam kerja sejak diterima (hanya jam kerja dihitung)` : `${n} office hour${n === 1 ? '' : 's'} after receipt (only office hours count)`;
    case 'minutes':
      return lang === 'id' ? `${n} menit jam kerja sejak diterima (hanya jam kerja dihitung)` : `${n} office minute${n === 1 ? '' : 's'} after receipt (only office hours count)`;
  }
}

/** The limit a step is held to, in words: its own, else its phase's (then named as the whole phase), else none. */
export function stepDueReading(sop: Sop, step: Step, lang: Language): string | undefined {
  if (step.limit) return limitReading(step.limit, lang);
  const phase = sop.phases.find((p) => p.steps.includes(step.id));
  if (!phase) return undefined;
  return lang === 'id' ? `${phase.name.id}: ${limitReading(phase.limit, 'id')}` : `${phase.name.en}: ${limitReading(phase.limit, 'en')}`;
}
