/**
 * The recap email: what a head of office or the Bupati reads on a phone between meetings — the
 * headline figures beside the previous period, the chart, the steps that run late, the open cases
 * by age — with the spreadsheet attached for digging in. One column, large numbers, plain tables.
 */
import { escapeHtml as e } from '../html';
import { channelLabel, type Language } from '../i18n';
import type { Figures, StepFigure } from '../reports/aggregate';
import { frame, t } from './layout';

export interface ReportEmailModel {
  recipientName: string;
  periodLabel: string;
  previousLabel: string;
  /** The agency, or the regency for a regency-wide report. */
  scopeName: string;
  recap: Figures;
  previous: Figures;
  /** Per agency, for a regency-wide report (else empty). */
  agencies: { name: string; figures: Figures }[];
  steps: { name: string; figure: StepFigure }[];
  chartContentId?: string;
  attachments: string[];
  /** Cases in the period, and rows the workbook holds (fewer only when cut to fit the email). */
  rows: number;
  xlsxRows: number;
  csvIncluded: boolean;
  /** Set when some deadlines were computed without a holiday list: whom to ask to complete the calendar. */
  calendarAdmin?: string;
}

const pct = (part: number, whole: number) => (whole ? Math.round((100 * part) / whole) : undefined);
/** Indonesian writes a decimal comma: "1,5 hari kerja". */
const decimal = (n: number, lang: Language) => (lang === 'id' ? String(n).replace('.', ',') : String(n));
const days = (n: number | null, lang: Language) => (n === null ? '—' : `${decimal(n, lang)} ${t(lang, 'hari kerja', 'working days')}`);

/** "+3" / "−2" / "±0" beside the previous period; undefined when either side is missing. */
function delta(now: number | undefined | null, before: number | undefined | null, unit = ''): string | undefined {
  if (now === undefined || now === null || before === undefined || before === null) return undefined;
  const d = Math.round((now - before) * 10) / 10;
  return `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d)}${unit}`;
}

interface Tile { label: string; value: string; change?: string }

function tiles(m: ReportEmailModel, lang: Language): Tile[] {
  const a = m.recap;
  const b = m.previous;
  const onTime = pct(a.onTime, a.verdicts);
  const onTimeBefore = pct(b.onTime, b.verdicts);
  const escalations = (f: Figures) => Object.values(f.escalationsByLevel).reduce((x, y) => x + y, 0);
  return [
    { label: t(lang, 'Pengaduan diterima', 'Complaints received'), value: String(a.received), change: delta(a.received, b.received) },
    { label: t(lang, 'Selesai', 'Closed'), value: String(a.closed), change: delta(a.closed, b.closed) },
    { label: t(lang, 'Masih terbuka di akhir periode', 'Still open at the end'), value: String(a.openAtEnd), change: delta(a.openAtEnd, b.openAtEnd) },
    { label: t(lang, 'Tahap tepat waktu', 'Steps on time'), value: onTime === undefined ? '—' : `${onTime} %`, change: delta(onTime, onTimeBefore, ' %') },
    { label: t(lang, 'Median waktu penanganan', 'Median handling time'), value: days(a.handling.medianWorkingDays, lang), change: delta(a.handling.medianWorkingDays, b.handling.medianWorkingDays) },
    { label: t(lang, 'Eskalasi', 'Escalations'), value: String(escalations(a)), change: delta(escalations(a), escalations(b)) },
    { label: t(lang, 'Rekomendasi teguran', 'Reprimand recommendations'), value: String(a.reprimands), change: delta(a.reprimands, b.reprimands) },
    { label: t(lang, 'Rata-rata penilaian pelapor', 'Average rating'), value: a.ratings.average === null ? '—' : `${decimal(a.ratings.average, lang)} / 5 (${a.ratings.count})`, change: delta(a.ratings.average, b.ratings.average) },
  ];
}

function details(m: ReportEmailModel, lang: Language): { heading: string; rows: [string, string][] }[] {
  const a = m.recap;
  const sections: { heading: string; rows: [string, string][] }[] = [];
  sections.push({
    heading: t(lang, 'Masih terbuka menurut umur', 'Still open, by age'),
    rows: [
      [t(lang, '0–5 hari kerja', '0–5 working days'), String(a.openByAge['0-5'])],
      [t(lang, '6–10 hari kerja', '6–10 working days'), String(a.openByAge['6-10'])],
      [t(lang, '11–20 hari kerja', '11–20 working days'), String(a.openByAge['11-20'])],
      [t(lang, 'Lebih dari 20 hari kerja', 'Over 20 working days'), String(a.openByAge['>20'])],
      [t(lang, 'Tertua', 'Oldest'), days(a.oldestOpenWorkingDays, lang)],
    ],
  });
  if (m.steps.length) {
    sections.push({
      heading: t(lang, 'Ketepatan waktu per tahap SOP', 'On time, per SOP step'),
      rows: m.steps.map((s) => [s.name, `${s.figure.onTime}/${s.figure.verdicts} (${pct(s.figure.onTime, s.figure.verdicts) ?? 0} %)`]),
    });
  }
  sections.push({
    heading: t(lang, 'Penanganan', 'Handling'),
    rows: [
      [t(lang, 'Ditolak', 'Rejected'), String(a.rejected)],
      [t(lang, 'Selesai sesuai batas waktu SOP', 'Ended within the SOP limits'), `${a.endedWithinLimits}/${a.closed + a.rejected}`],
      [t(lang, 'Persentil ke-90 waktu penanganan', '90th percentile handling time'), days(a.handling.p90WorkingDays, lang)],
      ...Object.entries(a.escalationsByLevel).sort().map(([level, n]) => [t(lang, `Eskalasi tingkat ${level}`, `Escalation level ${level}`), String(n)] as [string, string]),
      [t(lang, 'Balasan pelapor (belum puas)', 'Reporter replies (not satisfied)'), String(a.replies)],
      ...(a.supervisory ? [[t(lang, 'Berkadar pengawasan (ke Inspektorat)', 'Supervisory (to the inspectorate)'), String(a.supervisory)] as [string, string]] : []),
    ],
  });
  if (m.agencies.length) {
    sections.push({
      heading: t(lang, 'Per instansi: diterima · selesai · terbuka · tepat waktu', 'Per agency: received · closed · open · on time'),
      rows: m.agencies.map(({ name, figures: f }) => [name, `${f.received} · ${f.closed} · ${f.openAtEnd} · ${pct(f.onTime, f.verdicts) ?? '—'}${f.verdicts ? ' %' : ''}`]),
    });
  }
  const channels = Object.entries(a.byChannel);
  if (channels.length) sections.push({ heading: t(lang, 'Saluran pengaduan', 'Channels'), rows: channels.map(([c, n]) => [channelLabel[c]?.[lang] ?? c, String(n)]) });
  return sections;
}

function notices(m: ReportEmailModel, lang: Language): string[] {
  const out: string[] = [];
  if (m.calendarAdmin) {
    out.push(t(lang,
      `Perhatian: batas waktu ${m.recap.calendarGaps.cases} pengaduan dihitung tanpa daftar hari libur tahun ${m.recap.calendarGaps.years.join(', ')} (hanya Senin–Jumat). ${m.calendarAdmin} diminta melengkapi kalender kerja.`,
      `Note: the deadlines of ${m.recap.calendarGaps.cases} complaints were computed without a holiday list for ${m.recap.calendarGaps.years.join(', ')} (weekdays only). ${m.calendarAdmin} is asked to complete the office calendar.`));
  }
  if (m.xlsxRows < m.rows) {
    out.push(t(lang,
      `Lembar kerja memuat ${m.xlsxRows} dari ${m.rows} pengaduan karena batas ukuran email.`,
      `The workbook holds ${m.xlsxRows} of ${m.rows} complaints because of the email size limit.`));
  }
  if (!m.csvIncluded) {
    out.push(t(lang, 'Berkas CSV tidak dilampirkan karena batas ukuran email; lembar kerja memuat data yang sama.', 'The CSV file is not attached because of the email size limit; the workbook holds the same data.'));
  }
  return out;
}

/** Renders the recap email in one language. */
export function renderReport(m: ReportEmailModel, lang: Language): { subject: string; text: string; html: string } {
  const heading = t(lang, `Rekapitulasi pengaduan ${m.periodLabel}`, `Complaint recap ${m.periodLabel}`);
  const compare = t(lang, `dibanding ${m.previousLabel}`, `against ${m.previousLabel}`);
  const tileList = tiles(m, lang);
  const sections = details(m, lang);
  const notes = notices(m, lang);
  const text = [
    `${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`,
    '',
    `${heading} — ${m.scopeName}`,
    '',
    ...tileList.map((x) => `${x.label}: ${x.value}${x.change ? ` (${x.change} ${compare})` : ''}`),
    ...sections.flatMap((s) => ['', `${s.heading}:`, ...s.rows.map(([k, v]) => `- ${k}: ${v}`)]),
    ...(notes.length ? ['', ...notes] : []),
    '',
    `${t(lang, 'Lampiran', 'Attachments')}: ${m.attachments.join(', ')}`,
  ].join('\n');
  const tileHtml = tileList.map((x) => `<tr><td style="padding:6px 0;border-bottom:1px solid #eaeef2"><div style="font-size:13px;color:#57606a">${e(x.label)}</div><div style="font-size:24px;font-weight:bold">${e(x.value)}${x.change ? ` <span style="font-size:13px;font-weight:normal;color:#57606a">${e(x.change)} ${e(compare)}</span>` : ''}</div></td></tr>`).join('');
  const sectionHtml = sections.map((s) => `<h2 style="font-size:16px;margin:20px 0 6px">${e(s.heading)}</h2><table role="presentation" width="100%" cellpadding="4" cellspacing="0" style="font-size:14px;border-collapse:collapse">${s.rows.map(([k, v]) => `<tr><td style="border-bottom:1px solid #eaeef2">${e(k)}</td><td align="right" style="border-bottom:1px solid #eaeef2;white-space:nowrap">${e(v)}</td></tr>`).join('')}</table>`).join('');
  const html = frame(lang, heading, [
    `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(m.scopeName)}</p>`,
    notes.map((n) => `<p style="background:#fff8c5;border-left:4px solid #bf8700;padding:8px 12px">${e(n)}</p>`).join(''),
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${tileHtml}</table>`,
    m.chartContentId ? `<p style="margin:16px 0"><img src="cid:${e(m.chartContentId)}" alt="${e(t(lang, 'Grafik: pengaduan diterima dan selesai per minggu, dan persentase tahap tepat waktu', 'Chart: complaints received and closed per week, and the share of steps on time'))}" width="568" style="width:100%;max-width:568px;height:auto"></p>` : '',
    sectionHtml,
    `<p style="margin-top:20px">${t(lang, 'Lampiran (dapat difilter di aplikasi lembar kerja)', 'Attachments (filter them in a spreadsheet)')}: ${m.attachments.map(e).join(', ')}</p>`,
  ].join(''));
  return { subject: t(lang, `Rekapitulasi pengaduan ${m.scopeName} — ${m.periodLabel}`, `Complaint recap ${m.scopeName} — ${m.periodLabel}`), text, html };
}
