/** The partials every email shares: the frame (header, footer), the button, the language switch. */
import { escapeHtml as e } from '../html';
import type { Language } from '../i18n';

export const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

export function frame(lang: Language, heading: string, bodyHtml: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;color:#1b1f23">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f6f8"><tr><td align="center" style="padding:16px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
<tr><td style="background:#0b5394;color:#ffffff;padding:12px 16px;font-size:14px;border-radius:8px 8px 0 0"><strong>Tanggap</strong> · ${t(lang, 'Layanan Pengaduan Masyarakat', 'Public Complaint Service')}</td></tr>
<tr><td style="padding:16px;font-size:15px;line-height:1.5"><h1 style="font-size:20px;margin:0 0 12px">${e(heading)}</h1>${bodyHtml}</td></tr>
<tr><td style="padding:12px 16px;font-size:12px;color:#57606a;border-top:1px solid #d0d7de">${t(lang, 'Email ini dikirim otomatis oleh Tanggap. Jangan membalas email ini.', 'This email was sent by Tanggap. Please do not reply to it.')}</td></tr>
</table></td></tr></table></body></html>`;
}

export const button = (href: string, label: string) =>
  `<p style="margin:20px 0"><a href="${e(href)}" style="background:#0b5394;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:bold;display:inline-block">${e(label)}</a></p>`;

