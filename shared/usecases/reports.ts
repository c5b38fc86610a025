/**
 * The recap reports of the SOPs (monthly to the Library Office's heads, quarterly P4 report to the
 * Bupati, or on demand): which cases a period covers, the figures, the files, and the email — sent
 * once per recipient and period unless a resend is asked for.
 *
 * Cases are read through the month indexes with Query, never Scan, one page at a time: the cases
 * received in the period, those that ended in it, and those received earlier and still open at its
 * end (open now, or ended after it). Each is read once; the figures are taken as of the period's end,
 * so a re-run gives the same numbers.
 */
import { zoneOffsetMinutes } from '../calendar';
import { OPEN_STATUSES, type CaseRecord } from '../case/model';
import { holdersOf } from '../directory/resolve';
import type { Agency, Person } from '../directory/schema';
import { renderEmail, type RenderedEmail } from '../email/templates';
import type { EmailAttachment } from '../ports';
import { renderRecapChart } from '../reports/chart';
import { RecapBuilder, workingDayMinutes, type Recap, type StepFigure } from '../reports/aggregate';
import { monthsAfter, parsePeriod, periodBefore, previousPeriod, weeksOf, type Period, type PeriodKind } from '../reports/period';
import { caseRow, caseRowHeaders, caseRowKeys, csvHeaderLine, csvLine, type CaseRow } from '../reports/rows';
import { buildXlsx, type Cell, type ColumnKind } from '../reports/xlsx';
import type { ReportSchedule, Sop } from '../sop/schema';
import { agencyName, type Deps } from './deps';


/**
 * SES refuses a message over 10 MB (after base64, which adds a third). The attachments share what is
 * left once the text, HTML and chart are counted; a file that does not fit is shortened or left out,
 * and the email says so.
 */
export const SES_MESSAGE_LIMIT = 10_000_000;
const MIME_OVERHEAD = 64 * 1024;
const base64Size = (bytes: number) => Math.ceil(bytes / 3) * 4 * (78 / 76);

export interface ReportSpec {
  sop: Sop;
  report: ReportSchedule;
  period: Period;
  /** The agency whose SOP it is (its cases, for an agency-scope report). */
  agency: Agency;
}

/** The report a schedule (EventBridge Scheduler or the local clock) runs at `scheduledTime`: the period just ended. */
export function scheduledReport(deps: Deps, sopId: string, reportId: string, scheduledTime: Date): ReportSpec {
  const sop = deps.getSop(sopId);
  const report = sop.reports.find((r) => r.id === reportId);
  if (!report) throw new Error(`SOP ${sop.id} has no report ${reportId}`);
  const agency = deps.directory.agencies.find((a) => a.sopId === sop.id);
  if (!agency) throw new Error(`No agency of the directory follows SOP ${sop.id}`);
  return { sop, report, agency, period: periodBefore(report.period, deps.calendar.localDate(scheduledTime), offsetOf(deps)) };
}

/**
 * A report asked for by hand (`npm run report -- --agency <id> --period 2026-10`): the agency's SOP
 * report of that kind, or, when its SOP schedules none, the same recap for the agency to its head of office.
 */
export function onDemandReport(deps: Deps, agencyId: string, periodId: string): ReportSpec {
  const agency = deps.directory.agencies.find((a) => a.id === agencyId);
  if (!agency) throw new RangeError(`No agency "${agencyId}". Agencies: ${deps.directory.agencies.map((a) => a.id).join(', ')}.`);
  const sop = deps.getSop(agency.sopId);
  const period = parsePeriod(periodId, offsetOf(deps));
  const report = sop.reports.find((r) => r.period === period.kind)
    ?? { id: `rekap-${period.kind === 'monthly' ? 'bulanan' : 'triwulan'}`, period: period.kind as PeriodKind, recipients: [sop.headRole], dayOfMonth: 1, hour: 8, scope: 'agency' as const };
  return { sop, report, agency, period };
}

const offsetOf = (deps: Pick<Deps, 'calendar'>) => zoneOffsetMinutes[deps.calendar.config.timeZone];

/** The agencies whose cases a report covers; undefined = the whole regency. */
const scopeAgency = (spec: ReportSpec) => (spec.report.scope === 'agency' ? spec.agency.id : undefined);

/**
 * Every case open at some point of `period`, each once: received in it; received before and ended in
 * it; received before and still open at its end (open now, or ended in a later month up to `now`).
 */
export async function* casesOfPeriod(deps: Pick<Deps, 'store' | 'directory' | 'calendar'>, period: Period, agencyId: string | undefined, now: Date): AsyncIterable<CaseRecord> {
  const before = (c: CaseRecord) => new Date(c.submittedAt) < period.start;
  for (const month of period.months) yield* deps.store.casesByMonth(month, agencyId);
  for (const month of period.months) {
    for await (const c of deps.store.casesEndedInMonth(month, agencyId)) if (before(c)) yield c;
  }
  const agencies = agencyId ? [agencyId] : deps.directory.agencies.map((a) => a.id);
  for (const id of agencies) {
    for (const status of OPEN_STATUSES) {
      for await (const c of deps.store.casesByAgencyStatus(id, status, period.start)) if (before(c)) yield c;
    }
  }
  for (const month of monthsAfter(period, deps.calendar.localDate(now).slice(0, 7))) {
    for await (const c of deps.store.casesEndedInMonth(month, agencyId)) if (before(c)) yield c;
  }
}

export interface ReportFile {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface BuiltReport {
  spec: ReportSpec;
  recap: Recap;
  previous: Recap;
  chart: ReportFile;
  /** The attachments that fit in one email, and what had to give way. */
  attachments: ReportFile[];
  /** Rows in the period; rows in the workbook (fewer only when it had to be cut to fit). */
  rows: number;
  xlsxRows: number;
  csvIncluded: boolean;
}

async function recapOf(deps: Deps, period: Period, agencyId: string | undefined, now: Date): Promise<Recap> {
  const builder = new RecapBuilder({ calendar: deps.calendar, period, weeks: weeksOf(period, offsetOf(deps)) });
  for await (const c of casesOfPeriod(deps, period, agencyId, now)) builder.add(c);
  return builder.result();
}

/** Computes the figures (this period and the one before) and builds the chart, the CSV and the workbook. */
export async function buildReport(deps: Deps, spec: ReportSpec, now: Date, opts: { messageLimit?: number } = {}): Promise<BuiltReport> {
  const agencyId = scopeAgency(spec);
  const offset = offsetOf(deps);
  const recap = await recapOf(deps, spec.period, agencyId, now);
  const previous = await recapOf(deps, previousPeriod(spec.period, offset), agencyId, now);
  const scopeName = scopeNameOf(deps, spec);
  const base = `rekap-${agencyId ?? deps.directory.regency.id}-${spec.period.id}`;

  const chart: ReportFile = {
    filename: `${base}.png`,
    contentType: 'image/png',
    bytes: renderRecapChart({
      title: `Pengaduan per minggu — ${spec.period.label.id}`,
      weeks: recap.weekly.map((w) => ({ label: w.label, received: w.received, closed: w.ended, withinSlaShare: w.verdicts ? w.onTime / w.verdicts : null })),
      labels: { received: 'Diterima', closed: 'Selesai', withinSla: 'Tepat waktu (%)', noData: 'Belum ada pengaduan pada periode ini' },
    }),
  };

  // The attachments' share of the message: what is left after the chart, the text and the HTML.
  const limit = opts.messageLimit ?? SES_MESSAGE_LIMIT;
  const budget = Math.max(0, Math.floor((limit - MIME_OVERHEAD - base64Size(chart.bytes.length)) / (4 / 3) / (78 / 76)));
  const dayMinutes = workingDayMinutes(deps.calendar);
  // The CSV is kept only while it fits in the budget, so its memory is bounded by it; the workbook
  // (compressed, about a tenth of the CSV) holds every row, and is cut only past the budget itself.
  const csvChunks: string[] = [`${csvHeaderLine}\r\n`];
  let csvBytes = Buffer.byteLength(csvChunks[0]!);
  let rows = 0;
  const firstPass = async function* () {
    for await (const row of rowsOf()) {
      rows++;
      if (csvBytes <= budget) {
        const line = `${csvLine(row)}\r\n`;
        csvBytes += Buffer.byteLength(line);
        if (csvBytes <= budget) csvChunks.push(line);
        else csvChunks.length = 0;
      }
      yield row;
    }
  };
  const rowsOf = async function* () {
    for await (const c of casesOfPeriod(deps, spec.period, agencyId, now)) yield caseRow(c, spec.period, deps.calendar, dayMinutes);
  };
  const workbookOf = (rows: AsyncIterable<CaseRow>) => buildXlsx([
    { name: SUMMARY_SHEET, columns: [{ header: 'Ukuran', width: 52 }, { header: spec.period.label.id, width: 18, kind: 'decimal' }, { header: previous.periodId, width: 18, kind: 'decimal' }], rows: summarySheet(deps, spec, recap, previous) },
    { name: CASES_SHEET, columns: caseRowKeys.map((k) => ({ header: caseRowHeaders[k].id, width: k === 'title' ? 60 : 18, kind: columnKind(k) })), rows: cellsOf(rows) },
  ], { maxBytes: budget, title: `Rekapitulasi pengaduan ${scopeName} ${spec.period.label.id}`, creator: 'Tanggap' });
  let workbook = await workbookOf(firstPass());
  if (!workbook.ok) {
    // Too large for one email: the same workbook with the rows that fit (read once more).
    const fit = workbook.rowsThatFit[CASES_SHEET] ?? 0;
    workbook = await workbookOf(take(rowsOf(), fit));
    if (!workbook.ok) throw new Error(`The ${spec.period.id} workbook does not fit in an email even when cut to ${fit} rows`);
  }
  const xlsxRows = workbook.rowsWritten[CASES_SHEET] ?? 0;
  const attachments: ReportFile[] = [{ filename: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: workbook.bytes }];
  const csvIncluded = csvBytes + workbook.bytes.length <= budget;
  if (csvIncluded) attachments.unshift({ filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', bytes: Buffer.from(csvChunks.join(''), 'utf8') });
  return { spec, recap, previous, chart, attachments, rows, xlsxRows, csvIncluded };
}

const SUMMARY_SHEET = 'Ringkasan';
const CASES_SHEET = 'Pengaduan';

async function* take<T>(items: AsyncIterable<T>, n: number): AsyncIterable<T> {
  if (n <= 0) return;
  let i = 0;
  for await (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}

/** A row as workbook cells: local times as the writer's wall-clock strings, everything else as it is. */
async function* cellsOf(rows: AsyncIterable<CaseRow>): AsyncIterable<Cell[]> {
  for await (const row of rows) {
    yield caseRowKeys.map((k) => ((k === 'submittedAt' || k === 'endedAt') && row[k] ? row[k].replace(' ', 'T') : row[k]));
  }
}

function columnKind(k: keyof CaseRow): ColumnKind {
  if (k === 'submittedAt' || k === 'endedAt') return 'datetime';
  if (k === 'handlingWorkingDays') return 'decimal';
  if (k === 'stepsOnTime' || k === 'stepsLate' || k === 'escalationLevel' || k === 'rating' || k === 'replies') return 'integer';
  return 'text';
}

function scopeNameOf(deps: Deps, spec: ReportSpec): string {
  return spec.report.scope === 'regency' ? deps.directory.regency.name : spec.agency.name.id;
}

/** The summary sheet: one measure per row, this period beside the one before. */
function summarySheet(deps: Deps, spec: ReportSpec, recap: Recap, previous: Recap): (string | number | null)[][] {
  const a = recap.totals;
  const b = previous.totals;
  const share = (x: number, y: number) => (y ? Math.round((1000 * x) / y) / 10 : null);
  const rows: (string | number | null)[][] = [
    ['Pengaduan diterima', a.received, b.received],
    ['Selesai pada periode ini', a.closed, b.closed],
    ['Ditolak pada periode ini', a.rejected, b.rejected],
    ['Masih terbuka pada akhir periode', a.openAtEnd, b.openAtEnd],
    ['Terbuka 0–5 hari kerja', a.openByAge['0-5'], b.openByAge['0-5']],
    ['Terbuka 6–10 hari kerja', a.openByAge['6-10'], b.openByAge['6-10']],
    ['Terbuka 11–20 hari kerja', a.openByAge['11-20'], b.openByAge['11-20']],
    ['Terbuka lebih dari 20 hari kerja', a.openByAge['>20'], b.openByAge['>20']],
    ['Tahap tepat waktu (%)', share(a.onTime, a.verdicts), share(b.onTime, b.verdicts)],
    ['Pengaduan selesai sesuai batas waktu SOP', a.endedWithinLimits, b.endedWithinLimits],
    ['Median waktu penanganan (hari kerja)', a.handling.medianWorkingDays, b.handling.medianWorkingDays],
    ['Persentil ke-90 waktu penanganan (hari kerja)', a.handling.p90WorkingDays, b.handling.p90WorkingDays],
    ...['1', '2', '3'].map((level) => [`Eskalasi tingkat ${level}`, a.escalationsByLevel[level] ?? 0, b.escalationsByLevel[level] ?? 0]),
    ['Rekomendasi teguran kepada Bupati', a.reprimands, b.reprimands],
    ['Penilaian pelapor', a.ratings.count, b.ratings.count],
    ['Rata-rata penilaian (1–5)', a.ratings.average, b.ratings.average],
    ['Balasan pelapor (belum puas)', a.replies, b.replies],
    ['Pengaduan berkadar pengawasan', a.supervisory, b.supervisory],
    // SP4N-LAPOR! row 4: coordination with its follow-up service level (SLG); a recap from before it has none.
    ['Koordinasi tindak lanjut selesai', a.coordination?.count ?? 0, b.coordination?.count ?? 0],
    ['Koordinasi dalam SLG (≤ 5 hari)', a.coordination?.withinSlg ?? 0, b.coordination?.withinSlg ?? 0],
  ];
  for (const [category, n] of Object.entries(a.byCategory)) rows.push([`Kategori: ${categoryName(deps, spec, category)}`, n, b.byCategory[category] ?? 0]);
  for (const [channel, n] of Object.entries(a.byChannel)) rows.push([`Saluran: ${channel}`, n, b.byChannel[channel] ?? 0]);
  for (const step of a.steps) rows.push([`Tepat waktu (%): ${stepName(deps, step)}`, share(step.onTime, step.verdicts), null]);
  if (spec.report.scope === 'regency') {
    for (const [id, f] of Object.entries(recap.byAgency)) rows.push([`Diterima: ${agencyName(deps, id)}`, f.received, previous.byAgency[id]?.received ?? 0]);
  }
  return rows;
}

function categoryName(deps: Deps, spec: ReportSpec, id: string): string {
  for (const agency of [spec.agency, ...deps.directory.agencies]) {
    const found = agency.categories.find((k) => k.id === id);
    if (found) return found.name.id;
  }
  return id;
}

function stepName(deps: Deps, step: StepFigure): string {
  const sop = deps.getSop(step.sopId);
  return (step.scope === 'step' ? sop.steps.find((s) => s.id === step.id)?.name.id : sop.phases.find((p) => p.id === step.id)?.name.id) ?? step.id;
}

/** The people a report goes to, in the SOP's order: holders of each role in the agency (not acting ones), or the Bupati. */
export function reportRecipients(deps: Deps, spec: ReportSpec): Person[] {
  const people = spec.report.recipients.flatMap((r) => (r === 'bupati' ? [deps.directory.bupati] : holdersOf(deps.directory, spec.sop, r, { agencyId: spec.agency.id }).filter((o) => !o.acting)));
  return people.filter((p, i) => people.findIndex((q) => q.id === p.id) === i);
}

/** The recap email for one recipient, in their language; the chart is the inline image `chartContentId(built)`. */
export function renderReportEmail(deps: Deps, built: BuiltReport, person: Person): RenderedEmail {
  const { spec, recap, previous } = built;
  return renderEmail({
    template: 'report',
    recipientName: person.name,
    periodLabel: spec.period.label[person.language],
    previousLabel: previousPeriod(spec.period, offsetOf(deps)).label[person.language],
    scopeName: scopeNameOf(deps, spec),
    recap: recap.totals,
    previous: previous.totals,
    agencies: spec.report.scope === 'regency' ? Object.entries(recap.byAgency).map(([id, f]) => ({ name: agencyName(deps, id), figures: f })) : [],
    steps: recap.totals.steps.map((s) => ({ name: stepName(deps, s), figure: s })),
    chartContentId: chartContentId(built),
    attachments: built.attachments.map((a) => a.filename),
    rows: built.rows,
    xlsxRows: built.xlsxRows,
    csvIncluded: built.csvIncluded,
    calendarAdmin: recap.totals.calendarGaps.cases ? deps.directory.admin.name : undefined,
  }, person.language);
}

/** The Content-ID of a report's chart. */
export const chartContentId = (built: BuiltReport) => `chart-${built.spec.period.id}@tanggap`;

/**
 * Sends the built report to each recipient once per period (a re-run sends nothing again unless
 * `resend`). A failed send releases that recipient's claim, so the next run retries only them.
 */
export async function sendReport(deps: Deps, built: BuiltReport, opts: { resend?: boolean } = {}): Promise<{ sentTo: string[]; alreadySent: string[] }> {
  const { spec, recap } = built;
  const claimScope = `report-${spec.sop.id}`;
  const sentTo: string[] = [];
  const alreadySent: string[] = [];
  for (const person of reportRecipients(deps, spec)) {
    const claim = `${spec.report.id}#${spec.period.id}#${person.id}`;
    if (!(await deps.store.claimOnce(claimScope, claim)) && !opts.resend) {
      alreadySent.push(person.id);
      continue;
    }
    const email = renderReportEmail(deps, built, person);
    const attachments: EmailAttachment[] = [
      { filename: built.chart.filename, contentType: built.chart.contentType, content: built.chart.bytes, contentId: chartContentId(built) },
      ...built.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.bytes })),
    ];
    try {
      await deps.mailer.send({ from: deps.mailFrom, to: [person.email], ...email, attachments, tags: { template: 'report' } });
      sentTo.push(person.id);
    } catch (err) {
      await deps.store.release(claimScope, claim);
      throw err;
    }
  }
  deps.log.info('report run', { sopId: spec.sop.id, reportId: spec.report.id, period: spec.period.id, sent: sentTo.length, alreadySent: alreadySent.length, cases: built.rows });
  if (recap.totals.calendarGaps.cases) {
    deps.log.warn('report counts deadlines computed without a holiday list', { years: recap.totals.calendarGaps.years, cases: recap.totals.calendarGaps.cases, admin: deps.directory.admin.id });
  }
  return { sentTo, alreadySent };
}
