/** The page of a report review link (`/reviews/{key}`): the figures, earlier notes, the letters to edit, one action. */
import { escapeHtml as e, escapeMultiline } from '../html';
import type { Issue } from '../errors';
import type { Language } from '../i18n';
import { formatDateTime } from '../i18n';
import type { ReviewView } from '../usecases/report-review';
import { layout } from './pages';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

/** Renders the review page; every text a person wrote is escaped, line breaks kept. */
export function renderReviewPage(input: { view: ReviewView; csrfToken: string; lang: Language; issues?: Issue[]; notice?: string }): string {
  const { view, lang } = input;
  const v = view.task;
  const parts: string[] = [`<h1>${e(view.report.title)}</h1>`];
  if (input.notice) parts.push(`<p class="notice" role="status">${e(input.notice)}</p>`);
  if (input.issues?.length) parts.push(`<div class="issues" role="alert"><ul>${input.issues.map((i) => `<li>${e(i.path)}: ${e(i.message)}</li>`).join('')}</ul></div>`);
  parts.push(`<p>${e(t(lang, `Tahap ${v.turn} dari ${v.turns}`, `Turn ${v.turn} of ${v.turns}`))} · ${e(v.role)}${v.assignee ? ` · ${e(v.assignee.name)}` : ''}</p>`);
  parts.push(`<p>${e(v.expects)}</p>`);
  if (v.dueAt) parts.push(`<p>${e(t(lang, 'Batas waktu', 'Due'))}: ${e(formatDateTime(v.dueAt, lang))} (${e(v.dueReading)})</p>`);
  if (v.decided) parts.push(`<p>${e(t(lang, 'Sudah diperiksa', 'Reviewed'))}${v.decided.by ? ` — ${e(v.decided.by)}` : ''}${v.decided.at ? `, ${e(formatDateTime(v.decided.at, lang))}` : ''}</p>`);
  parts.push(`<h2>${e(t(lang, 'Angka laporan', 'Figures'))}</h2><table><tbody>${view.figures.map((f) => `<tr><td>${e(f.label)}</td><td>${e(f.value ?? '–')}</td><td>${e(f.previous ?? '')}</td></tr>`).join('')}</tbody></table>`);
  parts.push(`<p>${e(view.files)}</p>`);
  for (const n of view.notes) parts.push(`<h2>${e(t(lang, 'Catatan', 'Notes'))} ${e(n.role)} — ${e(n.by)}</h2><p style="white-space:pre-wrap">${escapeMultiline(n.notes)}</p>`);
  const action = view.actions[0];
  if (!action) {
    for (const l of view.letters) parts.push(`<h2>${e(t(lang, 'Surat kepada', 'Letter to'))} ${e(l.agencyName)}</h2><pre style="white-space:pre-wrap">${e(l.text)}</pre>`);
    return layout(view.report.title, parts.join('\n'), lang);
  }
  const fields = action.fields.map((f) => `<p><label for="${e(f.name)}">${e(f.label)}</label><br><textarea id="${e(f.name)}" name="${e(f.name)}" rows="${f.name === 'notes' ? 5 : 18}" maxlength="${f.maxLength}"${f.required ? ' required' : ''}>${e(f.value ?? '')}</textarea></p>`).join('');
  parts.push(`<form method="post"><input type="hidden" name="csrf" value="${e(input.csrfToken)}"><input type="hidden" name="action" value="${e(action.id)}">${fields}<p><button type="submit">${e(action.label)}</button></p></form>`);
  return layout(view.report.title, parts.join('\n'), lang);
}
