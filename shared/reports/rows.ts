/**
 * One row per case of a report period, for the CSV and the workbook's cases sheet: what a head of
 * office filters on, as of the end of the period. No personal data of any reporter — not even of
 * those who did not ask for confidentiality: the files are forwarded, printed and kept.
 */
import type { OfficeCalendar } from '../calendar';
import type { ReportCase } from './report-case';
import type { Period } from './period';

export interface CaseRow {
  trackingId: string;
  agencyId: string;
  /** Where SP4N-LAPOR! routed it (`inspectorate` for supervisory complaints), else empty. */
  routedTo: string;
  category: string;
  channel: string;
  /** Local wall-clock times (`YYYY-MM-DD HH:mm`), as the regency reads them. */
  submittedAt: string;
  statusAtPeriodEnd: 'closed' | 'rejected' | 'open';
  statusNow: string;
  endedAt: string;
  /** Receipt to first answer (or rejection), in working days, one decimal; null while unanswered. */
  handlingWorkingDays: number | null;
  stepsOnTime: number;
  stepsLate: number;
  escalationLevel: number;
  reprimand: boolean;
  rating: number | null;
  replies: number;
  confidential: boolean;
  title: string;
}

export const caseRowHeaders: Record<keyof CaseRow, { id: string; en: string; csv: string }> = {
  trackingId: { id: 'Nomor pelacakan', en: 'Tracking number', csv: 'tracking_id' },
  agencyId: { id: 'Instansi penerima', en: 'Receiving agency', csv: 'agency' },
  routedTo: { id: 'Diteruskan ke', en: 'Routed to', csv: 'routed_to' },
  category: { id: 'Kategori', en: 'Category', csv: 'category' },
  channel: { id: 'Saluran', en: 'Channel', csv: 'channel' },
  submittedAt: { id: 'Diterima', en: 'Received', csv: 'submitted_at' },
  statusAtPeriodEnd: { id: 'Status akhir periode', en: 'Status at period end', csv: 'status_at_period_end' },
  statusNow: { id: 'Status saat ini', en: 'Status now', csv: 'status_now' },
  endedAt: { id: 'Selesai/ditolak', en: 'Ended', csv: 'ended_at' },
  handlingWorkingDays: { id: 'Waktu penanganan (hari kerja)', en: 'Handling time (working days)', csv: 'handling_working_days' },
  stepsOnTime: { id: 'Tahap tepat waktu', en: 'Steps on time', csv: 'steps_on_time' },
  stepsLate: { id: 'Tahap terlambat', en: 'Steps late', csv: 'steps_late' },
  escalationLevel: { id: 'Eskalasi tertinggi', en: 'Highest escalation', csv: 'escalation_level' },
  reprimand: { id: 'Rekomendasi teguran', en: 'Reprimand recommended', csv: 'reprimand' },
  rating: { id: 'Penilaian', en: 'Rating', csv: 'rating' },
  replies: { id: 'Balasan pelapor', en: 'Reporter replies', csv: 'replies' },
  confidential: { id: 'Rahasia', en: 'Confidential', csv: 'confidential' },
  title: { id: 'Judul', en: 'Title', csv: 'title' },
};
export const caseRowKeys = Object.keys(caseRowHeaders) as (keyof CaseRow)[];

/** The row of a case, as of the end of `period`; events after it are not counted. */
export function caseRow(c: ReportCase, period: Period, calendar: OfficeCalendar, workingDayMinutes: number): CaseRow {
  const end = period.end.getTime();
  const asOf = (iso: string | undefined) => !!iso && Date.parse(iso) < end;
  const local = (iso: string | undefined) => (iso ? calendar.format(new Date(iso)).slice(0, 16).replace('T', ' ') : '');
  const ended = asOf(c.closedAt);
  const handlingEnd = c.firstAnsweredAt ?? (c.status === 'rejected' || c.status === 'closed' ? c.closedAt : undefined);
  let stepsOnTime = 0;
  let stepsLate = 0;
  for (const v of c.verdicts) {
    if (!asOf(v.endedAt)) continue;
    if (v.onTime) stepsOnTime++;
    else stepsLate++;
  }
  let escalationLevel = 0;
  let reprimand = false;
  for (const e of c.escalations) {
    if (!asOf(e.at)) continue;
    if (e.kind === 'reprimand') reprimand = true;
    else if (e.kind === 'escalation') escalationLevel = Math.max(escalationLevel, e.level);
  }
  let replies = 0;
  for (const at of c.repliedAt ?? []) if (asOf(at)) replies++;
  return {
    trackingId: c.trackingId,
    agencyId: c.agencyId,
    routedTo: c.routedAgencyId ?? '',
    category: c.category,
    channel: c.channel,
    submittedAt: local(c.submittedAt),
    statusAtPeriodEnd: ended ? (c.status === 'rejected' ? 'rejected' : 'closed') : 'open',
    statusNow: c.status,
    endedAt: ended ? local(c.closedAt) : '',
    handlingWorkingDays: handlingEnd && asOf(handlingEnd)
      ? Math.round((calendar.officeMinutesBetween(new Date(c.submittedAt), new Date(handlingEnd)) / workingDayMinutes) * 10) / 10
      : null,
    stepsOnTime,
    stepsLate,
    escalationLevel,
    reprimand,
    rating: c.rating?.rating && asOf(c.rating.at) ? c.rating.rating : null,
    replies,
    confidential: c.confidential,
    title: c.title,
  };
}

/** A CSV cell: always quoted; a leading = + - @ (or tab/CR) is neutralised so no spreadsheet runs it as a formula. */
export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : typeof value === 'boolean' ? (value ? 'ya' : 'tidak') : String(value);
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const csvHeaderLine = caseRowKeys.map((k) => caseRowHeaders[k].csv).join(',');
export const csvLine = (row: CaseRow) => caseRowKeys.map((k) => csvCell(row[k])).join(',');
