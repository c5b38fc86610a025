/** The sign-in email: one button to the one-time link, its lifetime, and what to do if it was not you. */
import { escapeHtml as e } from '../html';
import { formatDateTime, type Language } from '../i18n';
import type { RenderedEmail } from './templates';
import { button, frame, t } from './layout';

/** Renders the sign-in email; `url` is the one-time link, `expiresAt` when it stops working. */
export function renderSignInEmail(input: { name: string; url: string; expiresAt: string; minutes: number }, lang: Language): RenderedEmail {
  const subject = t(lang, 'Tautan masuk Tanggap', 'Your Tanggap sign-in link');
  const until = formatDateTime(input.expiresAt, lang);
  const lines = [
    t(lang, `Yth. ${input.name},`, `Dear ${input.name},`),
    t(lang, `Seseorang (semoga Anda) meminta masuk ke ruang kerja pejabat Tanggap dengan alamat email ini. Tautan berikut berlaku ${input.minutes} menit (sampai ${until}) dan hanya sekali pakai:`,
      `Someone (we hope you) asked to sign in to the Tanggap officials' workspace with this address. This link works for ${input.minutes} minutes (until ${until}) and only once:`),
  ];
  const ignore = t(lang, 'Jika Anda tidak memintanya, abaikan email ini: tanpa tautan ini tidak ada yang dapat masuk atas nama Anda.', 'If you did not ask for it, ignore this email: nobody can sign in as you without this link.');
  const text = `${lines.join('\n\n')}\n\n${input.url}\n\n${ignore}\n`;
  const html = frame(lang, subject, `${lines.map((l) => `<p>${e(l)}</p>`).join('')}${button(input.url, t(lang, 'Masuk ke Tanggap', 'Sign in to Tanggap'))}<p style="color:#57606a">${e(ignore)}</p>`);
  return { subject, text, html };
}
