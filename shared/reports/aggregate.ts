/**
 * Recap figures for a period, computed in one pass over a stream of cases (memory does not grow
 * with the number of cases), and the CSV of the period's cases without personal data.
 */
import type { CaseRecord } from '../case/model';

export interface Period {
  /** `2026-10` or `2026-Q3`. */
  id: string;
  months: string[];
  label: { id: string; en: string };
}

const monthNames = { id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'], en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] };

/** The complete period before `localDate` (YYYY-MM-DD in the regency): the previous month or quarter. */
export function previousPeriod(kind: 'monthly' | 'quarterly', localDate: string): Period {
  const year = Number(localDate.slice(0, 4));
  const month = Number(localDate.slice(5, 7));
  if (kind === 'monthly') {
    const y = month === 1 ? year - 1 : year;
    const m = month === 1 ? 12 : month - 1;
    const id = `${y}-${String(m).padStart(2, '0')}`;
    return { id, months: [id], label: { id: `${monthNames.id[m - 1]} ${y}`, en: `${monthNames.en[m - 1]} ${y}` } };
  }
  const q = Math.floor((month - 1) / 3);
  const y = q === 0 ? year - 1 : year;
  const pq = q === 0 ? 4 : q;
  const months = [1, 2, 3].map((i) => `${y}-${String((pq - 1) * 3 + i).padStart(2, '0')}`);
  return { id: `${y}-Q${pq}`, months, label: { id: `Triwulan ${pq} ${y}`, en: `Q${pq} ${y}` } };
}

export interface Recap {
  received: number;
  byCategory: Record<string, number>;
  byChannel: Record<string, number>;
  closed: number;
  rejected: number;
  open: number;
  stepVerdicts: number;
  stepsOnTime: number;
  escalationsByLevel: Record<string, number>;
  reprimands: number;
  ratings: number;
  ratingSum: number;
  replies: number;
}

/** Aggregates a stream of cases: one pass, bounded memory. */
export async function aggregate(cases: AsyncIterable<CaseRecord>): Promise<Recap> {
  const r: Recap = { received: 0, byCategory: {}, byChannel: {}, closed: 0, rejected: 0, open: 0, stepVerdicts: 0, stepsOnTime: 0, escalationsByLevel: {}, reprimands: 0, ratings: 0, ratingSum: 0, replies: 0 };
  for await (const c of cases) {
    r.received++;
    r.byCategory[c.category] = (r.byCategory[c.category] ?? 0) + 1;
    r.byChannel[c.channel] = (r.byChannel[c.channel] ?? 0) + 1;
    if (c.status === 'closed') r.closed++;
    else if (c.status === 'rejected') r.rejected++;
    else r.open++;
    for (const v of c.verdicts) {
      r.stepVerdicts++;
      if (v.onTime) r.stepsOnTime++;
    }
    for (const e of c.escalations) {
      if (e.kind === 'reprimand') r.reprimands++;
      else r.escalationsByLevel[e.level] = (r.escalationsByLevel[e.level] ?? 0) + 1;
    }
    if (c.rating?.rating) { r.ratings++; r.ratingSum += c.rating.rating; }
    r.replies += c.replies;
  }
  return r;
}

const csvCell = (v: unknown) => {
  const s = String(v ?? '');
  // Quote always; neutralise spreadsheet formulas.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

/** The CSV header and one line per case; no reporter data of any kind. */
export const csvHeader = ['tracking_id', 'agency', 'category', 'channel', 'submitted_at', 'status', 'closed_at', 'steps_on_time', 'steps_late', 'escalation_level', 'rating', 'title'].join(',');
export function csvLine(c: CaseRecord): string {
  const late = c.verdicts.filter((v) => !v.onTime).length;
  return [c.trackingId, c.agencyId, c.category, c.channel, c.submittedAt, c.status, c.closedAt ?? '', c.verdicts.length - late, late, Math.max(0, ...c.escalations.map((e) => e.level)), c.rating?.rating ?? '', c.title].map(csvCell).join(',');
}
