/**
 * The public page "Bagaimana pengaduan Anda ditangani" / "How your complaint is handled"
 * (`GET /agencies/{agencyId}`): an agency's SOP as the citizen may read it — its steps in order with
 * who acts and within what limit, the SVG flow (shared/sop/diagram.ts), how limits read, and the
 * escalation ladder. Everything from the directory and the SOP is escaped.
 */
import { escapeHtml as e } from '../html';
import type { Language } from '../i18n';
import { sopDiagramSvg } from '../sop/diagram';
import type { Sop } from '../sop/schema';
import { ladderLines, limitText } from '../sop/trace';
import { layout } from './pages';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

/** What the page shows of an agency. */
export interface HowHandledInput {
  agency: { id: string; name: string; acceptsComplaints: boolean };
  sop: Sop;
  lang: Language;
}

/** Renders the page; the diagram is inline SVG whose every text node is XML-escaped. */
export function renderHowHandled({ agency, sop, lang }: HowHandledInput): string {
  const q = lang === 'en' ? '?lang=en' : '';
  const roleName = (id: string) => sop.roles.find((r) => r.id === id)?.name[lang] ?? id;
  const limitOf = (stepId: string) => {
    const step = sop.steps.find((s) => s.id === stepId)!;
    if (step.limit) return limitText(step.limit, lang);
    const phase = sop.phases.find((p) => p.steps.includes(step.id));
    return phase ? t(lang, `dalam batas «${phase.name.id}»: ${limitText(phase.limit, 'id')}`, `within «${phase.name.en}»: ${limitText(phase.limit, 'en')}`) : '—';
  };
  const steps = sop.steps.map((s) => `<li><strong>${e(s.name[lang])}</strong>${s.optional ? ` <span class="muted">(${t(lang, 'bila perlu', 'if needed')})</span>` : ''}<br>
<span class="muted">${t(lang, 'Baris SOP', 'SOP row')} ${e(s.sopNumber)} · ${e(roleName(s.role))} · ${e(limitOf(s.id))}</span></li>`).join('\n');
  const title = t(lang, 'Bagaimana pengaduan Anda ditangani', 'How your complaint is handled');
  const body = `<h1>${title}</h1>
<p><strong>${e(agency.name)}</strong> — ${e(sop.title[lang])}. ${t(lang, 'Nomor SOP', 'SOP number')}: ${e(sop.source.number)}.
 <a href="?lang=${lang === 'id' ? 'en' : 'id'}">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</a></p>
<p>${agency.acceptsComplaints ? `<a href="/${q}">${t(lang, 'Sampaikan pengaduan', 'File a complaint')}</a> · ` : ''}<a href="/${q}#lookup">${t(lang, 'Lacak pengaduan Anda', 'Track your complaint')}</a></p>
<div class="card"><h2>${t(lang, 'Langkah-langkah', 'The steps')}</h2><ol>
${steps}
<li><strong>${t(lang, 'Anda membaca jawaban dan dapat membalas', 'You read the answer and may reply')}</strong><br>
<span class="muted">${e(limitText(sop.reporterReply.window, lang))}. ${t(lang, 'Bila Anda belum puas, pengaduan ditangani lagi; bila tidak membalas, pengaduan ditutup otomatis.', 'If you are not satisfied, the complaint is handled again; without a reply it closes by itself.')}</span></li>
</ol></div>
<figure class="card sop-flow"><figcaption>${t(lang, 'Alur SOP', 'The SOP as a flow')}</figcaption>
<style>.sop-flow svg{max-width:100%;height:auto}</style>
${sopDiagramSvg(sop, lang)}</figure>
<div class="card"><h2>${t(lang, 'Bila batas waktu terlewati', 'When a limit passes')}</h2><ul>
${ladderLines(sop.escalation, lang).map((l) => `<li>${e(l)}</li>`).join('\n')}
</ul></div>`;
  return layout(`${title} — ${agency.name}`, body, lang);
}
