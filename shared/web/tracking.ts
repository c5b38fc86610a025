/**
 * The public tracking page (`GET /complaints/{trackingId}`): where the complaint is on the agency's
 * SOP, as a progress line a citizen reads on a phone — done steps with their dates, the current one
 * with its deadline in plain words, what comes next, and their own window when it is open. Then the
 * answer, the rating, and the full history. No personal data; every text escaped.
 */
import { escapeHtml as e, escapeMultiline } from '../html';
import { eventLabel, formatDateTime, statusLabel, timeLeft, type Language } from '../i18n';
import type { Way, WayStep } from '../usecases/progress';
import type { PublicStatus } from '../usecases/views';
import { howHandledUrl, layout } from './pages';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

const wayStyle = `<style>
ol.way{list-style:none;margin:0;padding:0}
ol.way li{position:relative;padding:0 0 1rem 2.2rem;min-height:1.6rem}
ol.way li::before{content:"";position:absolute;left:.45rem;top:1.5rem;bottom:0;width:2px;background:#d0d7de}
ol.way li:last-child::before{display:none}
ol.way .dot{position:absolute;left:0;top:.1rem;width:1.1rem;height:1.1rem;border-radius:50%;border:2px solid #8c959f;background:#fff;display:flex;align-items:center;justify-content:center;font-size:.75rem;line-height:1;color:#fff}
ol.way li.done .dot{background:#1a7f37;border-color:#1a7f37}
ol.way li.done::before{background:#1a7f37}
ol.way li.current .dot{border-color:#0b5394;box-shadow:0 0 0 4px #ddf4ff;background:#0b5394}
ol.way li.current{font-weight:600}
ol.way li.next .dot{border-color:#0b5394}
ol.way li.later{color:#57606a}
ol.way .when{display:block;font-weight:400;font-size:.9rem;color:#57606a}
ol.way li.current .when{color:#1b1f23}
.tag{display:inline-block;font-size:.8rem;font-weight:600;border-radius:999px;padding:0 .5rem;margin-left:.25rem;background:#ddf4ff;color:#0b5394}
.tracking{display:block;font-size:1.3rem;white-space:nowrap}
details summary{cursor:pointer;font-weight:600}
.card>p:first-child{margin-top:0}.card>p:last-child{margin-bottom:0}
.vh{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
</style>`;

const stateTag = (s: WayStep, lang: Language) =>
  s.state === 'current' ? `<span class="tag">${t(lang, 'sekarang', 'now')}</span>` : s.state === 'next' ? `<span class="tag">${t(lang, 'berikutnya', 'next')}</span>` : '';

function wayItem(s: WayStep, lang: Language, now: Date): string {
  const mark = s.state === 'done' ? '✓' : '';
  const label = { done: t(lang, 'selesai', 'done'), current: t(lang, 'tahap saat ini', 'current step'), next: t(lang, 'berikutnya', 'next'), later: t(lang, 'nanti', 'later') }[s.state];
  const when = s.state === 'done' && s.doneAt
    ? `<span class="when">${e(t(lang, 'Selesai', 'Done'))} ${e(formatDateTime(s.doneAt, lang))}</span>`
    : s.state === 'current' && s.dueAt
      ? `<span class="when">${e(s.dueWords ?? '')} (${e(timeLeft(s.dueAt, now, lang))})</span>`
      : '';
  return `<li class="${s.state}"><span class="dot" aria-hidden="true">${mark}</span><span class="name">${e(s.name)}</span>${stateTag(s, lang)}<span class="vh">(${e(label)})</span>${s.role ? `<span class="when">${e(s.role)}</span>` : ''}${when}</li>`;
}

/** The tracking page. */
export function renderTrackingPage(input: { status: PublicStatus; way: Way; lang: Language; now: Date }): string {
  const { status: s, way, lang, now } = input;
  const current = way.steps.find((x) => x.state === 'current');
  const next = way.steps.find((x) => x.state === 'next');
  const other = lang === 'id' ? 'en' : 'id';
  const summary = way.ended
    ? `<p>${way.ended.kind === 'rejected' ? t(lang, 'Pengaduan ini ditolak', 'This complaint was rejected') : t(lang, 'Pengaduan ini sudah selesai', 'This complaint is closed')}${way.ended.at ? ` — ${e(formatDateTime(way.ended.at, lang))}` : ''}.</p>`
    : `${current ? `<p>${t(lang, 'Sekarang', 'Now')}: <strong>${e(current.name)}</strong>${current.role ? ` (${e(current.role)})` : ''}${current.dueWords ? `, ${e(current.dueWords)}` : ''}.</p>` : ''}
${next ? `<p>${t(lang, 'Berikutnya', 'Next')}: ${e(next.name)}${next.role ? ` (${e(next.role)})` : ''}.</p>` : ''}`;
  const window = way.reporterWindow
    ? `<div class="card" role="note"><p><strong>${way.reporterWindow.kind === 'answer' ? t(lang, 'Petugas menunggu jawaban Anda', 'The officer is waiting for your answer') : t(lang, 'Giliran Anda', 'Your turn')}</strong></p>
<p>${way.reporterWindow.kind === 'answer'
    ? t(lang, `Jawab pertanyaan petugas lewat tautan di email Anda, ${e(way.reporterWindow.words)}.`, `Answer the officer's question through the link in your email, ${e(way.reporterWindow.words)}.`)
    : t(lang, `Anda dapat menyatakan puas, membalas, atau memberi penilaian lewat tautan di email Anda, ${e(way.reporterWindow.words)}. Setelah itu pengaduan ditutup.`, `You may say you are satisfied, reply, or rate the answer through the link in your email, ${e(way.reporterWindow.words)}. After that the complaint closes.`)}</p></div>`
    : '';
  const body = `${wayStyle}<h1>${t(lang, 'Pengaduan', 'Complaint')} <span class="tracking">${e(s.trackingId)}</span></h1>
<p class="muted">${e(s.agency.name)} · <a href="${e(howHandledUrl(s.agency.id, lang))}">${t(lang, 'Bagaimana pengaduan Anda ditangani', 'How your complaint is handled')}</a> · <span class="status">${e(statusLabel[s.status]?.[lang] ?? s.status)}</span> · <a href="?lang=${other}" hreflang="${other}">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</a></p>
<div class="card">${summary}${s.handledByStaff ? `<p class="muted">${t(lang, 'Sedang ditangani petugas.', 'Being handled by our staff.')}</p>` : ''}</div>
${window}
${s.acknowledgement ? `<div class="card" role="note"><p>${e(s.acknowledgement.message)}</p></div>` : ''}
<h2>${t(lang, 'Jalannya pengaduan Anda', 'How your complaint goes')}</h2>
<p class="muted">${t(lang, 'Menurut SOP instansi; tanda ✓ berarti selesai.', "Following the agency's SOP; ✓ means done.")}</p>
<div class="card"><ol class="way">${way.steps.map((x) => wayItem(x, lang, now)).join('')}</ol></div>
${s.response ? `<h2>${t(lang, 'Tanggapan', 'Response')}</h2><div class="card"><p>${escapeMultiline(s.response)}</p></div>` : ''}
${s.rating ? `<p>${t(lang, 'Penilaian Anda', 'Your rating')}: ${'★'.repeat(s.rating)}${'☆'.repeat(5 - s.rating)}</p>` : ''}
<details class="card"><summary>${t(lang, 'Riwayat lengkap', 'Full history')}</summary><ol class="timeline">${s.timeline.map((x) => `<li>${e(formatDateTime(x.at, lang))}: ${e(eventLabel[x.event]?.[lang] ?? x.event)}</li>`).join('')}</ol></details>`;
  return layout(`${t(lang, 'Pengaduan', 'Complaint')} ${s.trackingId}`, body, lang);
}
