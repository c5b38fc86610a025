/**
 * The upload page for a browser without JavaScript (`GET /lampiran`): one plain HTML form that posts
 * a file straight to the file store (the presigned POST's fields as hidden inputs, the file last), the
 * store sending the browser back here; the files uploaded so far; and the way on to the complaint form,
 * which then names them. Files first, then the form: nothing typed can be lost on the way.
 */
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type AttachmentType } from '../attachments/files';
import { escapeHtml as e } from '../html';
import type { Language } from '../i18n';
import { layout } from './pages';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);
const typeLabel: Record<AttachmentType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/pdf': 'PDF' };

/** A size as people read it: "4,9 MB" / "4.9 MB", "120 KB". */
export function readableSize(bytes: number, lang: Language): string {
  const text = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return lang === 'id' ? text.replace('.', ',') : text;
}

/** A presigned POST as an HTML form: its fields hidden, in order, then the file input (S3 ignores fields after the file). */
export function storeUploadForm(input: { lang: Language; url: string; fields: Record<string, string>; label: string; button: string; id: string }): string {
  const { lang } = input;
  return `<form class="card" method="post" action="${e(input.url)}" enctype="multipart/form-data" data-store-upload>
${Object.entries(input.fields).map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`).join('\n')}
<label for="${e(input.id)}">${e(input.label)}</label>
<input id="${e(input.id)}" type="file" name="file" required accept="image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf">
<p class="hint">${t(lang, `JPEG, PNG atau PDF, paling besar ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`, `JPEG, PNG or PDF, at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`)}</p>
<button type="submit">${e(input.button)}</button></form>`;
}

export interface UploadPageInput {
  lang: Language;
  /** The uploads kept so far, in order. */
  uploaded: { n: number; size: number; type?: AttachmentType }[];
  /** What was wrong with an upload just made (or one that went missing), as sentences. */
  problems: string[];
  /** The next upload's target, while fewer than MAX_ATTACHMENTS are kept. */
  target?: { url: string; fields: Record<string, string> };
  /** The ids of the kept uploads (the language switch keeps them). */
  trail: string[];
  /** The complaint form naming the kept uploads. */
  continueUrl: string;
}

export function renderUploadPage(input: UploadPageInput): string {
  const { lang, uploaded } = input;
  const list = uploaded.length
    ? `<ol>${uploaded.map((u) => `<li>${t(lang, 'Lampiran', 'Attachment')} ${u.n}${u.type ? ` · ${typeLabel[u.type]}` : ''} · ${e(readableSize(u.size, lang))}</li>`).join('')}</ol>`
    : `<p class="muted">${t(lang, 'Belum ada berkas yang diunggah.', 'No file uploaded yet.')}</p>`;
  const body = `<h1>${t(lang, 'Unggah lampiran', 'Upload attachments')}</h1>
<p>${t(lang, `Unggah berkas satu per satu (paling banyak ${MAX_ATTACHMENTS}), lalu lanjut mengisi pengaduan: berkas-berkas ini ikut terkirim bersamanya.`, `Upload the files one at a time (at most ${MAX_ATTACHMENTS}), then go on to fill in the complaint: these files are sent with it.`)}
 <a href="?${input.trail.length ? `lampiran=${e(input.trail.join('.'))}&amp;` : ''}${lang === 'id' ? 'lang=en' : 'lang=id'}">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</a></p>
${input.problems.length ? `<div class="card error" role="alert">${input.problems.map((p) => `<p>${e(p)}</p>`).join('')}</div>` : ''}
<div class="card"><h2>${t(lang, 'Sudah diunggah', 'Uploaded')} (${uploaded.length}/${MAX_ATTACHMENTS})</h2>${list}</div>
${input.target
    ? storeUploadForm({ lang, url: input.target.url, fields: input.target.fields, id: 'f-file', label: t(lang, `Berkas ke-${uploaded.length + 1}`, `File ${uploaded.length + 1}`), button: t(lang, 'Unggah', 'Upload') })
    : `<p class="card">${t(lang, `Sudah ${MAX_ATTACHMENTS} berkas: batas per pengaduan.`, `${MAX_ATTACHMENTS} files: the limit per complaint.`)}</p>`}
<p><a class="button" href="${e(input.continueUrl)}"><strong>${t(lang, 'Lanjut mengisi pengaduan →', 'Go on to the complaint →')}</strong></a></p>`;
  return layout(t(lang, 'Unggah lampiran', 'Upload attachments'), body, lang);
}
