/**
 * The dashboards' pages (`/dasbor`) and their CSV export (`/dasbor/csv`): an agency's open cases by
 * step and SLA state with one state's list, filters and a tracking-number search; for regency-wide
 * viewers, every agency's line with escalations and reprimand recommendations. Plain HTML forms
 * (GET filters, a POST per case to open it), no scripts, laid out for a phone first; every text
 * escaped. The CSV is UTF-8 with a BOM (so spreadsheets read it as UTF-8), every cell quoted, and a
 * cell starting like a formula neutralised (shared/reports/rows.ts `csvCell`); it carries no
 * reporter's personal data, as the recaps do not: files are forwarded and kept.
 */
import { escapeHtml as e } from '../html';
import { formatDateTime, type Language } from '../i18n';
import type { Issue } from '../errors';
import { csvCell } from '../reports/rows';
import type { AgencyDashboard, AgencyOverview, DashboardQuery, DashboardRow, ListState } from '../usecases/dashboard';
import type { DeadlineState } from '../usecases/inbox';
import { layout } from './pages';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

export const stateLabels: Record<ListState, { id: string; en: string }> = {
  late: { id: 'Terlambat', en: 'Late' },
  due_soon: { id: 'Jatuh tempo ≤ 1 hari kerja', en: 'Due within a working day' },
  on_time: { id: 'Sesuai jadwal', en: 'On time' },
  none: { id: 'Tanpa batas waktu', en: 'No deadline' },
  all: { id: 'Semua terbuka', en: 'All open' },
};
const STATES: DeadlineState[] = ['late', 'due_soon', 'on_time', 'none'];
/** Column heads of the counts, short enough for a phone. */
const shortLabels: Record<DeadlineState, { id: string; en: string }> = {
  late: { id: 'Terlambat', en: 'Late' },
  due_soon: { id: '≤ 1 hari kerja', en: '≤ 1 working day' },
  on_time: { id: 'Sesuai jadwal', en: 'On time' },
  none: { id: 'Tanpa batas', en: 'No deadline' },
};

export const channelLabels: Record<string, { id: string; en: string }> = {
  web: { id: 'Situs web', en: 'Website' },
  email: { id: 'Email', en: 'Email' },
  box: { id: 'Kotak pengaduan', en: 'Complaint box' },
  in_person: { id: 'Datang langsung', en: 'In person' },
  post: { id: 'Surat', en: 'Post' },
  lapor: { id: 'SP4N-LAPOR!', en: 'SP4N-LAPOR!' },
};

const style = `<style>
.who{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap;align-items:center}.who button{width:auto;margin:0}
nav.top{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0}
table.counts{width:100%;border-collapse:collapse;background:#fff;font-size:.85rem}table.counts thead th{font-size:.7rem;vertical-align:bottom;hyphens:auto}table.counts{table-layout:fixed}table.counts th:first-child{width:32%;overflow-wrap:anywhere}table.counts th,table.counts td{border:1px solid #d0d7de;padding:.3rem .25rem;text-align:right}
table.counts th:first-child,table.counts td:first-child{text-align:left}.scroll{overflow-x:auto}
td.late{color:#b42318;font-weight:700}td.due_soon{color:#7d4e00;font-weight:700}
ul.cases{list-style:none;padding:0;margin:0}ul.cases li{background:#fff;border:1px solid #d0d7de;border-left:.5rem solid #1a7f37;border-radius:8px;padding:.75rem;margin:.75rem 0}
ul.cases li.late{border-left-color:#b42318;color:#1b1f23;font-weight:400}ul.cases li.due_soon{border-left-color:#bf8700}ul.cases li.none{border-left-color:#8c959f}
.badge{display:inline-block;border-radius:999px;padding:0 .6rem;font-size:.85rem;font-weight:600;background:#dafbe1;color:#116329;margin-right:.25rem}
li.late .badge.state{background:#ffebe9;color:#b42318}li.due_soon .badge.state{background:#fff8c5;color:#7d4e00}li.none .badge.state{background:#eaeef2;color:#424a53}
.badge.esc{background:#fbefff;color:#6639ba}.badge.rep{background:#ffebe9;color:#b42318}
ul.cases form{margin:0}ul.cases button{margin-top:.5rem;width:100%}.tid{font-family:ui-monospace,monospace;font-size:.9rem}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:0 .75rem}.filters label{margin-top:.5rem}
.check{display:flex;gap:.4rem;align-items:center;font-weight:400}.check input{width:auto}
.pager{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
</style>`;

/** A query string of the dashboard's own parameters (cursor and search excluded unless given). */
export function dashboardParams(q: Pick<DashboardQuery, 'agencyId' | 'state' | 'form'>, lang: Language, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  p.set('agency', q.agencyId);
  p.set('state', q.state);
  for (const [k, v] of Object.entries(q.form)) if (v !== undefined && v !== false) p.set(k, v === true ? '1' : String(v));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  if (lang === 'en') p.set('lang', 'en');
  return p.toString();
}

function header(input: { lang: Language; name: string; title: string; path: string; query: string }): string {
  const { lang } = input;
  const other = lang === 'id' ? 'en' : 'id';
  const switchQuery = new URLSearchParams(input.query);
  switchQuery.set('lang', other);
  return `${style}<div class="who"><span>${e(input.name)} · <span class="muted">${e(input.title)}</span></span>
<form method="post" action="/keluar${lang === 'en' ? '?lang=en' : ''}"><button type="submit" class="secondary">${t(lang, 'Keluar', 'Sign out')}</button></form></div>
<nav class="top"><a href="/tugas${lang === 'en' ? '?lang=en' : ''}">${t(lang, 'Tugas saya', 'My tasks')}</a><a href="/dasbor${lang === 'en' ? '?lang=en' : ''}">${t(lang, 'Dasbor', 'Dashboard')}</a>
<a href="${e(`${input.path}?${switchQuery.toString()}`)}" hreflang="${other}">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</a></nav>`;
}

function reporterText(r: DashboardRow['reporter'], lang: Language): string {
  if (r === 'hidden') return t(lang, 'Rahasia (tidak ditampilkan untuk peran Anda)', 'Confidential (not shown for your role)');
  if (r === 'anonymous') return t(lang, 'Anonim', 'Anonymous');
  if (r === 'unnamed') return t(lang, 'Tanpa nama', 'No name given');
  return e(r.name);
}

function caseItem(row: DashboardRow, lang: Language): string {
  const outcome = row.reprimandOutcome;
  const outcomeText = !outcome ? ''
    : outcome.kind === 'issued' ? ` · ${t(lang, 'teguran diterbitkan', 'reprimand issued')} ${e(outcome.reference)} (${e(outcome.issuedOn)})`
      : outcome.kind === 'declined' ? ` · ${t(lang, 'tidak ditegur (Inspektorat)', 'no reprimand (inspectorate)')}`
        : ` · ${t(lang, 'menunggu keputusan', 'awaiting a decision')}`;
  return `<li class="${row.state}" data-tracking="${e(row.trackingId)}">
<span class="badge state">${e(stateLabels[row.state][lang])}</span>${row.escalationLevel > 0 ? `<span class="badge esc">${t(lang, 'Eskalasi', 'Escalation')} ${row.escalationLevel}</span>` : ''}${row.reprimand ? `<span class="badge rep">${t(lang, 'Rekomendasi teguran', 'Reprimand recommended')}${outcomeText}</span>` : ''}
<h3><span class="tid">${e(row.trackingId)}</span> · ${e(row.stepName)}</h3>
<p>${e(row.title)}</p>
<p>${t(lang, 'Dipegang', 'Held by')}: <strong>${row.holder ? `${e(row.holder.name)}</strong> <span class="muted">${e(row.holder.title)}</span>` : `—</strong>`}<br>
${row.dueAt ? `${t(lang, 'Batas waktu', 'Deadline')}: ${e(formatDateTime(row.dueAt, lang))} · <span class="${row.state === 'late' ? 'late' : ''}">${e(row.timeLeft ?? '')}</span>` : t(lang, 'Tanpa batas waktu', 'No deadline')}<br>
<span class="muted">${e(row.category)} · ${e(channelLabels[row.channel]?.[lang] ?? row.channel)} · ${t(lang, 'diterima', 'received')} ${e(formatDateTime(row.submittedAt, lang))}</span><br>
<span class="muted">${t(lang, 'Pelapor', 'Reporter')}: ${reporterText(row.reporter, lang)}</span></p>
<form method="post" action="/dasbor/buka${lang === 'en' ? '?lang=en' : ''}"><input type="hidden" name="caseId" value="${e(row.caseId)}"><button type="submit">${t(lang, 'Buka tugas', 'Open task')}</button></form></li>`;
}

function select(name: string, label: string, value: string | undefined, options: { value: string; label: string }[], blank?: string): string {
  return `<div><label for="d-${name}">${e(label)}</label><select id="d-${name}" name="${name}">${blank !== undefined ? `<option value="">${e(blank)}</option>` : ''}${options.map((o) => `<option value="${e(o.value)}"${o.value === value ? ' selected' : ''}>${e(o.label)}</option>`).join('')}</select></div>`;
}

function issuesBlock(issues: Issue[] | undefined): string {
  return issues?.length ? `<div class="card" role="alert">${issues.map((i) => `<p class="error">${e(i.message)}</p>`).join('')}</div>` : '';
}

/** An agency's dashboard: counts by step and state, filters, search, one page of the list, CSV link. */
export function renderAgencyDashboard(input: {
  lang: Language; name: string; title: string; now: Date; regency: boolean;
  agencies: { id: string; name: string }[]; query: DashboardQuery; data: AgencyDashboard; issues?: Issue[];
}): string {
  const { lang, data } = input;
  // A search may have led to another agency the viewer sees: the page is that agency's.
  const q = { ...input.query, agencyId: data.agency.id };
  const all = t(lang, 'Semua', 'All');
  const countsTable = `<div class="scroll"><table class="counts"><caption class="muted">${t(lang, 'Pengaduan terbuka menurut tahap dan keadaan batas waktu', 'Open complaints by step and deadline state')}</caption>
<thead><tr><th scope="col">${t(lang, 'Tahap', 'Step')}</th>${STATES.map((s) => `<th scope="col">${e(shortLabels[s][lang])}</th>`).join('')}</tr></thead>
<tbody>${data.steps.map((s) => `<tr><th scope="row">${e(s.stepName)}</th>${STATES.map((st) => `<td class="${s.counts[st] ? st : ''}">${s.counts[st]}</td>`).join('')}</tr>`).join('')}
<tr><th scope="row">${t(lang, 'Jumlah', 'Total')}</th>${STATES.map((st) => `<td class="${data.totals[st] ? st : ''}"><a href="/dasbor?${e(dashboardParams({ ...q, state: st }, lang))}">${data.totals[st]}</a></td>`).join('')}</tr></tbody></table></div>`;
  const filters = `<form class="card" method="get" action="/dasbor"><div class="filters">
${input.agencies.length > 1 ? select('agency', t(lang, 'Instansi', 'Agency'), q.agencyId, input.agencies.map((a) => ({ value: a.id, label: a.name }))) : `<input type="hidden" name="agency" value="${e(q.agencyId)}">`}
${select('state', t(lang, 'Tampilkan', 'Show'), q.state, (Object.keys(stateLabels) as ListState[]).map((s) => ({ value: s, label: stateLabels[s][lang] })))}
${select('category', t(lang, 'Kategori', 'Category'), q.form.category, data.categories.map((c) => ({ value: c.id, label: c.name })), all)}
${select('channel', t(lang, 'Saluran', 'Channel'), q.form.channel, Object.entries(channelLabels).map(([value, l]) => ({ value, label: l[lang] })), all)}
<div><label for="d-from">${t(lang, 'Diterima dari', 'Received from')}</label><input id="d-from" type="date" name="from" value="${e(q.form.from ?? '')}"></div>
<div><label for="d-to">${t(lang, 'sampai', 'to')}</label><input id="d-to" type="date" name="to" value="${e(q.form.to ?? '')}"></div>
</div>${input.regency ? `<label class="check"><input type="checkbox" name="escalated" value="1"${q.form.escalated ? ' checked' : ''}> ${t(lang, 'Hanya yang dieskalasi', 'Escalated only')}</label>
<label class="check"><input type="checkbox" name="reprimand" value="1"${q.form.reprimand ? ' checked' : ''}> ${t(lang, 'Hanya dengan rekomendasi teguran', 'With a reprimand recommendation only')}</label>` : ''}
${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}<button type="submit">${t(lang, 'Terapkan', 'Apply')}</button></form>`;
  const search = `<form class="card" method="get" action="/dasbor" role="search"><input type="hidden" name="agency" value="${e(q.agencyId)}">${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
<label for="d-q">${t(lang, 'Cari nomor pelacakan', 'Find a tracking number')}</label><input id="d-q" type="text" name="q" value="${e(q.search ?? '')}" placeholder="TGP-XXXX-XXXX-X" autocapitalize="characters" spellcheck="false">
<button type="submit">${t(lang, 'Cari', 'Find')}</button></form>`;
  const heading = data.searched
    ? data.searched.found
      ? `${t(lang, 'Hasil pencarian', 'Search result')}: <span class="tid">${e(data.searched.trackingId)}</span>`
      : `${t(lang, 'Tidak ada pengaduan dengan nomor', 'No complaint numbered')} <span class="tid">${e(data.searched.trackingId)}</span> ${t(lang, 'di instansi ini.', 'in this agency.')}`
    : `${e(stateLabels[q.state][lang])}${q.state === 'late' ? ` — ${t(lang, 'yang paling lama terlambat di atas', 'the longest overdue first')}` : ''}`;
  const list = data.rows.length
    ? `<ul class="cases">${data.rows.map((r) => caseItem(r, lang)).join('')}</ul>`
    : data.searched ? '' : `<p class="card">${t(lang, 'Tidak ada pengaduan terbuka yang cocok.', 'No open complaint matches.')}</p>`;
  const pager = `<p class="pager">${q.cursor || data.searched ? `<a href="/dasbor?${e(dashboardParams(q, lang))}">${t(lang, '« Halaman pertama', '« First page')}</a>` : '<span></span>'}
${data.next ? `<a rel="next" href="/dasbor?${e(dashboardParams(q, lang, { cursor: data.next }))}">${t(lang, 'Halaman berikutnya »', 'Next page »')}</a>` : ''}</p>`;
  const path = '/dasbor';
  const body = `${header({ ...input, path, query: dashboardParams(q, lang) })}
<h1>${t(lang, 'Dasbor', 'Dashboard')}: ${e(data.agency.name)}</h1>
<p class="muted">${t(lang, `Per ${formatDateTime(input.now, 'id')}. Batas waktu dihitung dalam jam kerja kantor.`, `As of ${formatDateTime(input.now, 'en')}. Deadlines count office hours.`)}</p>
${issuesBlock(input.issues)}
${countsTable}
${filters}
${search}
<h2>${heading}</h2>
${list}
${pager}
<p><a href="/dasbor/csv?${e(dashboardParams(q, lang))}" download>${t(lang, 'Unduh CSV (semua halaman daftar ini)', 'Download CSV (every page of this list)')}</a></p>`;
  return layout(t(lang, 'Dasbor', 'Dashboard'), body, lang);
}

/** The regency-wide overview: every agency's line, each leading to its dashboard. */
export function renderRegencyOverview(input: { lang: Language; name: string; title: string; now: Date; agencies: AgencyOverview[] }): string {
  const { lang } = input;
  const link = (agencyId: string, extra: Record<string, string>, text: string) => {
    const p = new URLSearchParams({ agency: agencyId, ...extra, ...(lang === 'en' ? { lang: 'en' } : {}) });
    return `<a href="/dasbor?${e(p.toString())}">${text}</a>`;
  };
  const rows = input.agencies.map((a) => `<tr><th scope="row">${link(a.agency.id, {}, e(a.agency.name))}</th>${STATES.map((s) => `<td class="${a.totals[s] ? s : ''}">${link(a.agency.id, { state: s }, String(a.totals[s]))}</td>`).join('')}
<td>${link(a.agency.id, { state: 'all', escalated: '1' }, String(a.escalated))}</td><td>${link(a.agency.id, { state: 'all', reprimand: '1' }, String(a.reprimands))}</td></tr>`).join('');
  const body = `${header({ ...input, path: '/dasbor', query: '' })}
<h1>${t(lang, 'Dasbor kabupaten', 'Regency dashboard')}</h1>
<p class="muted">${t(lang, `Pengaduan terbuka di setiap instansi, per ${formatDateTime(input.now, 'id')}.`, `Open complaints in every agency, as of ${formatDateTime(input.now, 'en')}.`)}</p>
<div class="scroll"><table class="counts"><thead><tr><th scope="col">${t(lang, 'Instansi', 'Agency')}</th>${STATES.map((s) => `<th scope="col">${e(shortLabels[s][lang])}</th>`).join('')}
<th scope="col">${t(lang, 'Dieskalasi', 'Escalated')}</th><th scope="col">${t(lang, 'Rekomendasi teguran', 'Reprimand recommendations')}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return layout(t(lang, 'Dasbor kabupaten', 'Regency dashboard'), body, lang);
}

/** The page of a signed-in person without a dashboard (403): both languages, and the way to their tasks. */
export function renderNoDashboard(lang: Language): string {
  const body = `<h1>${t(lang, 'Dasbor tidak tersedia untuk Anda', 'No dashboard for you')}</h1>
<div class="card" role="alert"><p lang="id">Dasbor hanya untuk kepala instansi (atau Plt/Plh-nya), Bupati, admin kabupaten, dan Inspektorat.</p>
<p lang="en">Dashboards are for heads of office (or their acting officials), the Bupati, the regency admin and the inspectorate.</p></div>
<p><a href="/tugas${lang === 'en' ? '?lang=en' : ''}">${t(lang, 'Ke Tugas saya', 'Go to My tasks')}</a></p>`;
  return layout(t(lang, 'Dasbor', 'Dashboard'), body, lang);
}

const csvColumns: { key: string; id: string; en: string; value: (r: DashboardRow, lang: Language) => unknown }[] = [
  { key: 'tracking_id', id: 'Nomor pelacakan', en: 'Tracking number', value: (r) => r.trackingId },
  { key: 'step', id: 'Tahap', en: 'Step', value: (r) => r.stepName },
  { key: 'held_by', id: 'Dipegang', en: 'Held by', value: (r) => (r.holder ? `${r.holder.name} (${r.holder.title})` : '') },
  { key: 'sla_state', id: 'Keadaan', en: 'State', value: (r, lang) => stateLabels[r.state][lang] },
  { key: 'due_at', id: 'Batas waktu', en: 'Deadline', value: (r) => r.dueAt ?? '' },
  { key: 'time_left', id: 'Sisa waktu', en: 'Time left', value: (r) => r.timeLeft ?? '' },
  { key: 'category', id: 'Kategori', en: 'Category', value: (r) => r.category },
  { key: 'channel', id: 'Saluran', en: 'Channel', value: (r, lang) => channelLabels[r.channel]?.[lang] ?? r.channel },
  { key: 'received_at', id: 'Diterima', en: 'Received', value: (r) => r.submittedAt },
  { key: 'status', id: 'Status', en: 'Status', value: (r) => r.status },
  { key: 'escalation_level', id: 'Eskalasi tertinggi', en: 'Highest escalation', value: (r) => r.escalationLevel },
  { key: 'reprimand', id: 'Rekomendasi teguran', en: 'Reprimand recommended', value: (r) => r.reprimand },
  { key: 'confidential', id: 'Rahasia', en: 'Confidential', value: (r) => r.confidential },
  { key: 'title', id: 'Judul', en: 'Title', value: (r) => r.title },
];

/**
 * The CSV of a list: a BOM, a header row in the reader's language, one row per case; CRLF between
 * rows (a line break inside a cell stays inside its quotes). No reporter's personal data.
 */
export function dashboardCsv(rows: DashboardRow[], lang: Language, truncated: boolean): string {
  const lines = [csvColumns.map((c) => csvCell(c[lang])).join(','), ...rows.map((r) => csvColumns.map((c) => csvCell(c.value(r, lang))).join(','))];
  if (truncated) lines.push(csvCell(t(lang, 'Daftar terpotong: persempit saringan untuk mengunduh sisanya.', 'List cut short: narrow the filter to download the rest.')));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
