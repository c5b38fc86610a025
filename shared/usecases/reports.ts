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
// The recap's own template, not the registry of every email (templates.ts): only it reaches the report bundle.
import { renderReport } from '../email/report';
import type { RenderedEmail } from '../email/templates';
import type { EmailAttachment } from '../ports';
import { renderRecapChart } from '../reports/chart';
import { RecapBuilder, workingDayMinutes, type Recap, type StepFigure } from '../reports/aggregate';
import { monthsAfter, parsePeriod, periodBefore, previousPeriod, weeksOf, type Period, type PeriodKind } from '../reports/period';
import type { ReportCase } from '../reports/report-case';
import { caseRow, caseRowHeaders, caseRowKeys, csvHeaderLine, csvLine, type CaseRow } from '../reports/rows';
import { buildXlsx, type Cell, type Column, type ColumnKind, type FormattedNumber } from '../reports/xlsx';
import { channelLabel, ladderTitles, statusLabel } from '../i18n';
import type { ReportSchedule, Sop } from '../sop/schema';
import { agencyName, type Deps } from './deps';
import { reportSubject } from './report-subject';


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
  const subject = reportSubject(deps, sopId, reportId);
  return { ...subject, period: periodBefore(subject.report.period, deps.calendar.localDate(scheduledTime), offsetOf(deps)) };
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
    ?? { id: `rekap-${period.kind === 'monthly' ? 'bulanan' : period.kind === 'quarterly' ? 'triwulan' : 'semester'}`, period: period.kind as PeriodKind, recipients: [sop.headRole], dayOfMonth: 1, hour: 8, scope: 'agency' as const, review: [], letters: false };
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

/**
 * The cases of {@link casesOfPeriod}, each once and in the same order, as the recap reads them: their
 * report summaries only (see `ReportCase`), the ended lists filtered by the store where it can.
 */
export async function* reportCasesOfPeriod(deps: Deps, period: Period, agencyId: string | undefined, now: Date): AsyncIterable<ReportCase> {
  const before = (c: ReportCase) => new Date(c.submittedAt) < period.start;
  const submittedBefore = period.start;
  for (const month of period.months) yield* deps.store.reportCases({ list: 'received', month, agencyId });
  for (const month of period.months) {
    for await (const c of deps.store.reportCases({ list: 'ended', month, agencyId, submittedBefore })) if (before(c)) yield c;
  }
  const agencies = agencyId ? [agencyId] : deps.directory.agencies.map((a) => a.id);
  for (const id of agencies) {
    for (const status of OPEN_STATUSES) {
      for await (const c of deps.store.reportCases({ list: 'status', agencyId: id, status, submittedBefore })) if (before(c)) yield c;
    }
  }
  for (const month of monthsAfter(period, deps.calendar.localDate(now).slice(0, 7))) {
    for await (const c of deps.store.reportCases({ list: 'ended', month, agencyId, submittedBefore })) if (before(c)) yield c;
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
  for await (const c of reportCasesOfPeriod(deps, period, agencyId, now)) builder.add(c);
  return builder.result();
}

/**
 * Room kept in the message for the chart, whose size is known only once the figures are (a few tens
 * of KB); a sixteenth of a small limit. A larger chart has the report built again with its size.
 */
const chartAllowanceFor = (limit: number) => Math.min(96 * 1024, Math.floor(limit / 16));

/**
 * More than the summary sheet's rows can take in XML: a row per fixed measure, per category, channel,
 * step and phase and agency in scope, each label at most six times its length once escaped.
 */
function summaryReserve(deps: Deps, spec: ReportSpec): number {
  const agencies = spec.report.scope === 'regency' ? deps.directory.agencies : [spec.agency];
  const sops = [...new Set(agencies.map((a) => a.sopId))].map((id) => deps.getSop(id));
  const labels = [
    ...agencies.flatMap((a) => [...a.categories.map((k) => k.name.id), a.name.id]),
    ...sops.flatMap((sop) => [...sop.steps, ...sop.phases].map((x) => x.name.id)),
  ];
  const rows = 40 + labels.length;
  return rows * 400 + labels.reduce((n, l) => n + 6 * Buffer.byteLength(l), 0);
}

/**
 * Computes the figures (this period and the one before) and builds the chart, the CSV and the workbook.
 * The period's cases are read once: each adds to the figures as its row is written; the summary sheet,
 * shown first, is written last. The period before is read meanwhile (only its figures are needed).
 */
export async function buildReport(deps: Deps, spec: ReportSpec, now: Date, opts: { messageLimit?: number; chartAllowance?: number } = {}): Promise<BuiltReport> {
  const agencyId = scopeAgency(spec);
  const offset = offsetOf(deps);
  const previousRecap = recapOf(deps, previousPeriod(spec.period, offset), agencyId, now);
  previousRecap.catch(() => undefined); // awaited below; not unhandled if this period's read fails first
  const scopeName = scopeNameOf(deps, spec);
  const base = `rekap-${agencyId ?? deps.directory.regency.id}-${spec.period.id}`;
  const newBuilder = () => new RecapBuilder({ calendar: deps.calendar, period: spec.period, weeks: weeksOf(spec.period, offset) });

  // The attachments' share of the message: what is left after the chart, the text and the HTML.
  const limit = opts.messageLimit ?? SES_MESSAGE_LIMIT;
  const chartAllowance = opts.chartAllowance ?? chartAllowanceFor(limit);
  const budget = Math.max(0, Math.floor((limit - MIME_OVERHEAD - base64Size(chartAllowance)) / (4 / 3) / (78 / 76)));
  const dayMinutes = workingDayMinutes(deps.calendar);
  // The CSV is kept only while it fits in the budget, so its memory is bounded by it; the workbook
  // (compressed, about a tenth of the CSV) holds every row, and is cut only past the budget itself.
  const csvChunks: string[] = [`${csvHeaderLine}\r\n`];
  let csvBytes = Buffer.byteLength(csvChunks[0]!);
  let rows = 0;
  let builder = newBuilder();
  const onePass = async function* () {
    for await (const c of reportCasesOfPeriod(deps, spec.period, agencyId, now)) {
      builder.add(c);
      const row = caseRow(c, spec.period, deps.calendar, dayMinutes);
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
  const rowsOnly = async function* () {
    for await (const c of reportCasesOfPeriod(deps, spec.period, agencyId, now)) yield caseRow(c, spec.period, deps.calendar, dayMinutes);
  };
  let figures: { recap: Recap; previous: Recap } | undefined;
  const summaryRows = async () => {
    figures = { recap: builder.result(), previous: await previousRecap };
    return summarySheet(deps, spec, figures.recap, figures.previous);
  };

  // One label style for periods everywhere ("November 2026", "Triwulan IV 2026"): the summary's
  // headers, the page titles, the chart and the email.
  const title = `Rekapitulasi pengaduan ${scopeName} — ${spec.period.label.id}`;
  const previousLabel = previousPeriod(spec.period, offset).label.id;
  const names = workbookNames(deps, spec);
  const workbookOf = (rows: AsyncIterable<CaseRow>, summary: Cell[][] | typeof summaryRows) => buildXlsx([
    { name: SUMMARY_SHEET, columns: [{ header: 'Ukuran', maxWidth: 90 }, { header: spec.period.label.id }, { header: previousLabel }], rows: summary, reserveBytes: typeof summary === 'function' ? summaryReserve(deps, spec) : 0, pageTitle: title },
    { name: CASES_SHEET, columns: caseRowKeys.map((k): Column => ({ header: caseRowHeaders[k].id, kind: columnKind(k), ...(k === 'title' ? { maxWidth: 60 } : {}) })), rows: cellsOf(rows, names), pageTitle: title },
  ], { maxBytes: budget, title, creator: 'Tanggap' });
  let workbook = await workbookOf(onePass(), summaryRows);
  let csvIncluded = workbook.ok && csvBytes + workbook.bytes.length <= budget;
  if (!workbook.ok) {
    // Too large for one email (or nearly, with the summary's room kept), and the read stopped there:
    // the figures from a read of their own, the summary given first, then the rows that fit (read once
    // or twice more: a period of well over 100,000 cases). The CSV, ten times larger, gives way.
    builder = newBuilder();
    rows = 0;
    for await (const c of reportCasesOfPeriod(deps, spec.period, agencyId, now)) {
      builder.add(c);
      rows++;
    }
    const summary = await summaryRows();
    workbook = await workbookOf(rowsOnly(), summary);
    if (!workbook.ok) {
      const fit = workbook.rowsThatFit[CASES_SHEET] ?? 0;
      workbook = await workbookOf(take(rowsOnly(), fit), summary);
      if (!workbook.ok) throw new Error(`The ${spec.period.id} workbook does not fit in an email even when cut to ${fit} rows`);
    }
    csvIncluded = false;
  }
  const { recap, previous } = figures!;

  const chart: ReportFile = {
    filename: `${base}.png`,
    contentType: 'image/png',
    bytes: renderRecapChart({
      title: `Pengaduan per minggu — ${spec.period.label.id}`,
      weeks: recap.weekly.map((w) => ({ label: w.label, received: w.received, closed: w.ended, withinSlaShare: w.verdicts ? w.onTime / w.verdicts : null })),
      labels: { received: 'Diterima', closed: 'Selesai', withinSla: 'Tepat waktu (%)', noData: 'Belum ada pengaduan pada periode ini' },
    }),
  };
  // Never in practice; but then the attachments' share was too large: built again with the chart's real size.
  if (chart.bytes.length > chartAllowance) return buildReport(deps, spec, now, { ...opts, chartAllowance: chart.bytes.length });

  const xlsxRows = workbook.rowsWritten[CASES_SHEET] ?? 0;
  const attachments: ReportFile[] = [{ filename: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: workbook.bytes }];
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

/** How the workbook names what a case row holds as ids: agencies, categories, channels, statuses, yes and no. */
interface WorkbookNames {
  agency(id: string): string;
  /** A category by the agency that received the case (two agencies may share an id, e.g. `lainnya`). */
  category(agencyId: string, id: string): string;
  channel(id: string): string;
  status(id: string): string;
}

function workbookNames(deps: Deps, spec: ReportSpec): WorkbookNames {
  // A few dozen ids at most, each named once rather than looked up per row.
  const memo = (name: (id: string) => string) => {
    const known = new Map<string, string>();
    return (id: string) => {
      let found = known.get(id);
      if (found === undefined) known.set(id, (found = name(id)));
      return found;
    };
  };
  const categories = memo((key) => {
    const [agencyId, id] = key.split('\u0000') as [string, string];
    return deps.directory.agencies.find((a) => a.id === agencyId)?.categories.find((k) => k.id === id)?.name.id ?? categoryName(deps, spec, id);
  });
  return {
    agency: memo((id) => agencyName(deps, id)),
    category: (agencyId, id) => categories(`${agencyId}\u0000${id}`),
    channel: (id) => channelLabel[id]?.id ?? id,
    status: (id) => statusLabel[id]?.id ?? id,
  };
}

const yesNo = (b: boolean) => (b ? 'Ya' : 'Tidak');

/** A row as workbook cells: names for ids, local times as the writer's wall-clock strings, yes or no. */
async function* cellsOf(rows: AsyncIterable<CaseRow>, names: WorkbookNames): AsyncIterable<Cell[]> {
  for await (const row of rows) {
    yield caseRowKeys.map((k): Cell => {
      switch (k) {
        case 'submittedAt': case 'endedAt': return row[k] ? row[k].replace(' ', 'T') : '';
        case 'agencyId': return names.agency(row.agencyId);
        case 'routedTo': return row.routedTo ? names.agency(row.routedTo) : '';
        case 'category': return names.category(row.agencyId, row.category);
        case 'channel': return names.channel(row.channel);
        case 'statusAtPeriodEnd': return row.statusAtPeriodEnd === 'open' ? 'Masih terbuka' : names.status(row.statusAtPeriodEnd);
        case 'statusNow': return names.status(row.statusNow);
        case 'reprimand': case 'confidential': return yesNo(row[k]);
        default: return row[k];
      }
    });
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

/** The summary sheet: one measure per row, this period beside the one before, each in its own format. */
function summarySheet(deps: Deps, spec: ReportSpec, recap: Recap, previous: Recap): Cell[][] {
  const a = recap.totals;
  const b = previous.totals;
  const count = (value: number): FormattedNumber => ({ value, kind: 'integer' });
  const decimal = (value: number | null): FormattedNumber => ({ value, kind: 'decimal' });
  const share = (x: number, y: number): FormattedNumber => ({ value: y ? x / y : null, kind: 'percent' });
  const rungs = spec.sop.escalation.rungs;
  const rows: Cell[][] = [
    ['Pengaduan diterima', count(a.received), count(b.received)],
    ['Selesai pada periode ini', count(a.closed), count(b.closed)],
    ['Ditolak pada periode ini', count(a.rejected), count(b.rejected)],
    ['Masih terbuka pada akhir periode', count(a.openAtEnd), count(b.openAtEnd)],
    ['Terbuka 0–5 hari kerja', count(a.openByAge['0-5']), count(b.openByAge['0-5'])],
    ['Terbuka 6–10 hari kerja', count(a.openByAge['6-10']), count(b.openByAge['6-10'])],
    ['Terbuka 11–20 hari kerja', count(a.openByAge['11-20']), count(b.openByAge['11-20'])],
    ['Terbuka lebih dari 20 hari kerja', count(a.openByAge['>20']), count(b.openByAge['>20'])],
    ['Tahap tepat waktu', share(a.onTime, a.verdicts), share(b.onTime, b.verdicts)],
    ['Pengaduan selesai sesuai batas waktu SOP', count(a.endedWithinLimits), count(b.endedWithinLimits)],
    ['Median waktu penanganan (hari kerja)', decimal(a.handling.medianWorkingDays), decimal(b.handling.medianWorkingDays)],
    ['Persentil ke-90 waktu penanganan (hari kerja)', decimal(a.handling.p90WorkingDays), decimal(b.handling.p90WorkingDays)],
    // The rungs by whom they tell (the SOP's ladder); a level past the SOP's ladder (a step's own) by number.
    ...['1', '2', '3'].map((level) => {
      const rung = rungs[Number(level) - 1];
      const to = rung && rung.kind !== 'reprimand' ? ` (${ladderTitles[rung.notify].id})` : '';
      return [`Eskalasi tingkat ${level}${to}`, count(a.escalationsByLevel[level] ?? 0), count(b.escalationsByLevel[level] ?? 0)];
    }),
    ['Rekomendasi teguran kepada Bupati', count(a.reprimands), count(b.reprimands)],
    ['Penilaian pelapor', count(a.ratings.count), count(b.ratings.count)],
    ['Rata-rata penilaian (1–5)', decimal(a.ratings.average), decimal(b.ratings.average)],
    ['Balasan pelapor (belum puas)', count(a.replies), count(b.replies)],
    ['Pengaduan berkadar pengawasan', count(a.supervisory), count(b.supervisory)],
    // SP4N-LAPOR! row 4: coordination with its follow-up service level (SLG); a recap from before it has none.
    ['Koordinasi tindak lanjut selesai', count(a.coordination?.count ?? 0), count(b.coordination?.count ?? 0)],
    ['Koordinasi dalam SLG (≤ 5 hari)', count(a.coordination?.withinSlg ?? 0), count(b.coordination?.withinSlg ?? 0)],
  ];
  for (const [category, n] of Object.entries(a.byCategory)) rows.push([`Kategori: ${categoryName(deps, spec, category)}`, count(n), count(b.byCategory[category] ?? 0)]);
  for (const [channel, n] of Object.entries(a.byChannel)) rows.push([`Saluran: ${channelLabel[channel]?.id ?? channel}`, count(n), count(b.byChannel[channel] ?? 0)]);
  for (const step of a.steps) {
    const before = b.steps.find((s) => s.sopId === step.sopId && s.scope === step.scope && s.id === step.id);
    rows.push([`Tepat waktu: ${stepName(deps, step)}`, share(step.onTime, step.verdicts), before ? share(before.onTime, before.verdicts) : null]);
  }
  if (spec.report.scope === 'regency') {
    for (const [id, f] of Object.entries(recap.byAgency)) rows.push([`Diterima: ${agencyName(deps, id)}`, count(f.received), count(previous.byAgency[id]?.received ?? 0)]);
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
  return renderReport({
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
 * `resend`). A failed send releases that recipient's claim, so the next run retries only them. A
 * recipient whose address is on the suppression list (`suppressed`) is passed over, not mailed, and
 * does not keep the others from theirs; their claim is released, so a run after the directory has
 * their new address sends it.
 */
export async function sendReport(deps: Deps, built: BuiltReport, opts: { resend?: boolean } = {}): Promise<{ sentTo: string[]; alreadySent: string[]; suppressed?: string[] }> {
  const { spec, recap } = built;
  const claimScope = `report-${spec.sop.id}`;
  const sentTo: string[] = [];
  const alreadySent: string[] = [];
  const suppressed: string[] = [];
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
      // Every later run would meet the same refusal: the others must not wait for this address.
      if (err instanceof Error && err.name === 'RecipientSuppressed') { // shared/usecases/mail-events.ts
        suppressed.push(person.id);
        deps.log.warn('report not sent: recipient suppressed', { sopId: spec.sop.id, reportId: spec.report.id, period: spec.period.id, personId: person.id });
        continue;
      }
      throw err;
    }
  }
  deps.log.info('report run', { sopId: spec.sop.id, reportId: spec.report.id, period: spec.period.id, sent: sentTo.length, alreadySent: alreadySent.length, suppressed: suppressed.length, cases: built.rows });
  if (recap.totals.calendarGaps.cases) {
    deps.log.warn('report counts deadlines computed without a holiday list', { years: recap.totals.calendarGaps.years, cases: recap.totals.calendarGaps.cases, admin: deps.directory.admin.id });
  }
  return { sentTo, alreadySent, ...(suppressed.length ? { suppressed } : {}) };
}

/** The summary measures of a built report (the workbook's summary sheet): label, this period, the period before. */
export function reportFigures(deps: Deps, built: BuiltReport): { label: string; value: number | null; previous: number | null }[] {
  // A summary cell is a number with its format: a share is shown as a percentage (one decimal), with "(%)" in its label.
  const numberOf = (cell: Cell): number | null => {
    if (typeof cell === 'number') return cell;
    if (cell && typeof cell === 'object' && 'kind' in cell) return cell.value === null ? null : cell.kind === 'percent' ? Math.round(cell.value * 1000) / 10 : cell.value;
    return null;
  };
  const isShare = (cell: Cell) => !!cell && typeof cell === 'object' && 'kind' in cell && cell.kind === 'percent';
  return summarySheet(deps, built.spec, built.recap, built.previous).map(([label, value, previous]) => ({
    label: isShare(value) ? `${String(label)} (%)` : String(label),
    value: numberOf(value),
    previous: numberOf(previous),
  }));
}
