/**
 * The officials' workspace pages: sign-in by email (`/masuk`), the one-time link's page with its
 * button, and "Tugas saya" (`/tugas`). Forms work without JavaScript; every text is escaped; laid
 * out for a phone first.
 */
import { escapeHtml as e } from '../html';
import { formatDateTime, type Language } from '../i18n';
import type { Issue } from '../errors';
import type { InboxItem } from '../usecases/inbox';
import { layout } from './pages';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);
const other = (lang: Language) => (lang === 'id' ? 'en' : 'id');
const switchLink = (path: string, lang: Language) => `<a href="${path}?lang=${other(lang)}" hreflang="${other(lang)}">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</a>`;
const q = (lang: Language) => (lang === 'en' ? '?lang=en' : '');

/** The sign-in form: one email field. */
export function renderSignInForm(input: { lang: Language; email?: string; issues?: Issue[]; notice?: string }): string {
  const { lang } = input;
  const errors = input.issues?.filter((i) => i.path === 'email').map((i) => i.message) ?? [];
  const body = `<h1>${t(lang, 'Masuk untuk pejabat', 'Sign in for officials')}</h1>
<p>${t(lang, 'Tulis alamat email dinas Anda. Jika alamat itu terdaftar, kami mengirim tautan masuk sekali pakai yang berlaku 15 menit. Tidak ada kata sandi.', 'Write your official email address. If it is in the directory, we send a one-time sign-in link that works for 15 minutes. There is no password.')} ${switchLink('/masuk', lang)}</p>
${input.notice ? `<p class="card" role="status">${e(input.notice)}</p>` : ''}
<form class="card" method="post" action="/masuk${q(lang)}" accept-charset="utf-8" novalidate>
<div class="${errors.length ? 'field-error' : ''}"><label for="f-email">${t(lang, 'Email dinas', 'Official email')}</label>
<input id="f-email" type="email" name="email" value="${e(input.email ?? '')}" autocomplete="email" inputmode="email" autocapitalize="none" spellcheck="false" required${errors.length ? ' aria-invalid="true" aria-describedby="f-email-error"' : ''}>
${errors.map((m) => `<p class="error" id="f-email-error">${e(m)}</p>`).join('')}</div>
<button type="submit">${t(lang, 'Kirim tautan masuk', 'Send me a sign-in link')}</button>
</form>`;
  return layout(t(lang, 'Masuk', 'Sign in'), body, lang);
}

/** The answer to every sign-in request, known address or not. */
export function renderSignInSent(input: { lang: Language; linksPerHour: number }): string {
  const { lang } = input;
  const body = `<h1>${t(lang, 'Periksa email Anda', 'Check your email')}</h1>
<div class="card" role="status"><p>${t(lang, 'Jika alamat itu terdaftar sebagai pejabat, tautan masuk sudah dikirim ke sana. Tautan berlaku 15 menit dan hanya sekali pakai.', 'If that address belongs to an official in the directory, a sign-in link is on its way. The link works for 15 minutes, once.')}</p>
<p class="muted">${t(lang, `Tidak menerimanya? Periksa folder spam, tunggu beberapa menit, lalu minta lagi (paling banyak ${input.linksPerHour} tautan per alamat per jam). Alamat yang tidak terdaftar tidak menerima email.`, `Nothing came? Look in the spam folder, wait a few minutes, then ask again (at most ${input.linksPerHour} links per address per hour). Addresses not in the directory get no email.`)}</p></div>
<p><a href="/masuk${q(lang)}">${t(lang, 'Kembali ke halaman masuk', 'Back to sign-in')}</a></p>`;
  return layout(t(lang, 'Periksa email Anda', 'Check your email'), body, lang);
}

/** The page of a sign-in link: nothing happens until the button is pressed (mail scanners fetch links). */
export function renderSignInConfirm(input: { lang: Language; key: string }): string {
  const { lang } = input;
  const body = `<h1>${t(lang, 'Masuk ke Tanggap', 'Sign in to Tanggap')}</h1>
<form class="card" method="post" action="/masuk/${encodeURIComponent(input.key)}${q(lang)}">
<p>${t(lang, 'Tekan tombol di bawah untuk masuk. Tautan ini hanya dapat dipakai sekali.', 'Press the button below to sign in. This link works only once.')}</p>
<button type="submit">${t(lang, 'Masuk', 'Sign in')}</button>
</form>`;
  return layout(t(lang, 'Masuk', 'Sign in'), body, lang);
}

const stateLabel = {
  late: { id: 'Terlambat', en: 'Late' },
  due_soon: { id: 'Jatuh tempo ≤ 1 hari kerja', en: 'Due within a working day' },
  on_time: { id: 'Sesuai jadwal', en: 'On time' },
  none: { id: 'Tanpa batas waktu', en: 'No deadline' },
} as const;
const basisLabel = {
  assignee: { id: 'Tugas Anda', en: 'Your task' },
  acting: { id: 'Sebagai Plt/Plh', en: 'As acting official' },
  grant: { id: 'Eskalasi kepada Anda', en: 'Escalated to you' },
} as const;

const inboxStyle = `<style>
ul.tasks{list-style:none;padding:0;margin:0}ul.tasks li{background:#fff;border:1px solid #d0d7de;border-left:.5rem solid #1a7f37;border-radius:8px;padding:.75rem;margin:.75rem 0}
ul.tasks li.late{border-left-color:#b42318}ul.tasks li.due_soon{border-left-color:#bf8700}ul.tasks li.none{border-left-color:#8c959f}
.badge{display:inline-block;border-radius:999px;padding:0 .6rem;font-size:.85rem;font-weight:600;background:#dafbe1;color:#116329}
li.late .badge{background:#ffebe9;color:#b42318}li.due_soon .badge{background:#fff8c5;color:#7d4e00}li.none .badge{background:#eaeef2;color:#424a53}
ul.tasks form{margin:0}ul.tasks button{margin-top:.5rem;width:100%}.who{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap;align-items:center}
.who button{width:auto;margin:0}.tid{font-family:ui-monospace,monospace;font-size:.9rem}
</style>`;

/** "Tugas saya": the open tasks, by deadline, each with a button that opens the task page. */
export function renderInbox(input: { lang: Language; name: string; title: string; items: InboxItem[]; more: boolean; now: Date; hasDashboard?: boolean }): string {
  const { lang, items } = input;
  const list = items.length
    ? `<ul class="tasks">${items.map((i) => `<li class="${i.state}">
<span class="badge">${e(stateLabel[i.state][lang])}</span> <span class="muted">${e(basisLabel[i.basis][lang])}${i.onBehalfOf ? ` · ${t(lang, 'atas nama', 'for')} ${e(i.onBehalfOf)}` : ''}</span>
<h2>${e(i.stepName)}</h2>
<p><span class="tid">${e(i.trackingId)}</span> · ${e(i.agencyName)}<br>${e(i.title)}</p>
<p>${i.dueAt ? `${t(lang, 'Batas waktu', 'Deadline')}: <strong>${e(formatDateTime(i.dueAt, lang))}</strong><br><span class="${i.state === 'late' ? 'late' : ''}">${e(i.timeLeft ?? '')}</span>` : t(lang, 'Tanpa batas waktu', 'No deadline')}</p>
<form method="post" action="/tugas/buka${q(lang)}"><input type="hidden" name="caseId" value="${e(i.caseId)}"><input type="hidden" name="slot" value="${e(i.slot)}">
<button type="submit">${t(lang, 'Buka tugas', 'Open task')}</button></form></li>`).join('')}</ul>`
    : `<p class="card">${t(lang, 'Tidak ada tugas terbuka untuk Anda saat ini.', 'You have no open tasks right now.')}</p>`;
  const body = `${inboxStyle}<div class="who"><span>${e(input.name)} · <span class="muted">${e(input.title)}</span></span>
<form method="post" action="/keluar${q(lang)}"><button type="submit" class="secondary">${t(lang, 'Keluar', 'Sign out')}</button></form></div>
${input.hasDashboard ? `<p><a href="/dasbor${q(lang)}">${t(lang, 'Dasbor', 'Dashboard')}</a></p>` : ''}
<h1>${t(lang, 'Tugas saya', 'My tasks')}</h1>
<p class="muted">${t(lang, `${items.length} tugas terbuka, yang paling mendesak di atas. Sisa waktu dihitung dalam jam kerja.`, `${items.length} open task${items.length === 1 ? '' : 's'}, the most urgent first. Time left is counted in office hours.`)} ${switchLink('/tugas', lang)}</p>
${list}
${input.more ? `<p class="card">${t(lang, 'Daftar ini memuat sebagian saja: selesaikan tugas di atas untuk melihat berikutnya.', 'This list shows a part only: finish the tasks above to see the next ones.')}</p>` : ''}`;
  return layout(t(lang, 'Tugas saya', 'My tasks'), body, lang);
}
