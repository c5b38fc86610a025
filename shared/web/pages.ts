/**
 * The HTML pages, pure rendering: the complaint form, the confirmation, the tracking page, the
 * reporter's reply page, the officials' task page, error pages and the local mailbox. Simple, accessible,
 * mobile-first, no external assets, no scripts; every piece of user text escaped.
 */
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_FORM_UPLOAD_BYTES } from '../attachments/files';
import { ATTACHMENTS_SCRIPT_PATH } from './attachments-script';
import { acknowledgementWithheldNotice, HONEYPOT_FIELD } from '../case/intake-limits';
import { escapeHtml as e, escapeMultiline } from '../html';
import { eventLabel, formatDateTime, timeLeft, type Language } from '../i18n';
import type { Issue } from '../errors';
import type { TaskView } from '../usecases/views';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

const style = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1b1f23;line-height:1.5}
main{max-width:46rem;margin:0 auto;padding:1rem}
header{background:#0b5394;color:#fff;padding:.75rem 1rem}header a{color:#fff}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin-top:1.5rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:1rem 0}
label{display:block;font-weight:600;margin-top:.9rem}
input[type=text],input[type=email],input[type=tel],input[type=date],select,textarea{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #8c959f;border-radius:6px;font:inherit}
textarea{min-height:7rem}.hint{color:#57606a;font-size:.9rem;font-weight:400}
.error{color:#b42318;font-weight:600}.field-error input,.field-error textarea,.field-error select{border-color:#b42318}
button{background:#0b5394;color:#fff;border:0;border-radius:6px;padding:.7rem 1.2rem;font:inherit;font-weight:600;margin-top:1rem;cursor:pointer}
button.secondary{background:#57606a}
.tracking{font-size:2rem;font-weight:700;letter-spacing:.08em;font-family:ui-monospace,monospace}
.status{display:inline-block;background:#ddf4ff;border-radius:999px;padding:.1rem .7rem;font-weight:600}
ol.timeline{padding-left:1.2rem}.muted{color:#57606a}.late{color:#b42318;font-weight:600}
fieldset{border:1px solid #d0d7de;border-radius:8px;margin-top:1rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
`;

/** The public page of how an agency handles a complaint (shared/web/how-handled.ts). */
export function howHandledUrl(agencyId: string, lang: Language): string {
  return `/agencies/${encodeURIComponent(agencyId)}${lang === 'en' ? '?lang=en' : ''}`;
}

/** The page frame every HTML page shares (header, styles, viewport for phones). */
export function layout(title: string, body: string, lang: Language): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${e(title)} — Tanggap</title><style>${style}</style></head>
<body><header><strong>Tanggap</strong> · ${t(lang, 'Layanan Pengaduan Masyarakat', 'Public Complaint Service')}</header><main>${body}</main></body></html>`;
}

const issueFor = (issues: Issue[] | undefined, path: string) => issues?.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => i.message) ?? [];

function field(opts: { name: string; label: string; type?: string; value?: string; required?: boolean; hint?: string; issues?: Issue[]; path?: string; textarea?: boolean; options?: { value: string; label: string }[] }): string {
  const id = `f-${opts.name.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const errors = issueFor(opts.issues, opts.path ?? opts.name);
  const describedBy = errors.length ? ` aria-describedby="${id}-error" aria-invalid="true"` : '';
  const req = opts.required ? ' required' : '';
  const control = opts.options
    ? `<select id="${id}" name="${e(opts.name)}"${req}${describedBy}><option value="">—</option>${opts.options.map((o) => `<option value="${e(o.value)}"${o.value === opts.value ? ' selected' : ''}>${e(o.label)}</option>`).join('')}</select>`
    : opts.textarea
      ? `<textarea id="${id}" name="${e(opts.name)}"${req}${describedBy}>${e(opts.value ?? '')}</textarea>`
      : `<input id="${id}" type="${opts.type ?? 'text'}" name="${e(opts.name)}" value="${e(opts.value ?? '')}"${req}${describedBy}>`;
  return `<div class="${errors.length ? 'field-error' : ''}"><label for="${id}">${e(opts.label)}${opts.hint ? ` <span class="hint">${e(opts.hint)}</span>` : ''}</label>${control}${errors.map((m) => `<p class="error" id="${id}-error">${e(m)}</p>`).join('')}</div>`;
}

export interface FormAgency {
  id: string;
  name: string;
  categories: { id: string; name: string }[];
}

/** The complaint form (`GET /`), re-rendered with the values and per-field errors after a 400. */
export function renderComplaintForm(input: { agencies: FormAgency[]; lang: Language; values?: Record<string, string>; issues?: Issue[]; uploads?: string[] }): string {
  const { lang, values = {}, issues } = input;
  const v = (k: string) => values[k] ?? '';
  // Files uploaded first by the page without JavaScript (GET /lampiran), named in hidden fields; after a
  // 400 they come back from the values sent.
  const uploads = input.uploads ?? Object.keys(values).map((k) => /^attachments\.(\d+)\.uploadId$/.exec(k)).filter((m) => !!m).sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => values[m[0]]!);
  const en = lang === 'en' ? '&amp;lang=en' : '';
  const uploadPage = `/lampiran?lampiran=${e(uploads.join('.'))}${en}`;
  const uploaded = uploads.length
    ? `${uploads.map((id, i) => `<input type="hidden" name="attachments.${i}.uploadId" value="${e(id)}">`).join('')}
<div class="card" role="status" data-uploaded-files>${t(lang, `Lampiran yang sudah diunggah: ${uploads.length} berkas. Terkirim bersama pengaduan ini.`, `Attachments uploaded: ${uploads.length} file${uploads.length === 1 ? '' : 's'}. They are sent with this complaint.`)}
 <a href="${uploadPage}">${t(lang, 'Lihat atau tambah lampiran', 'See or add attachments')}</a></div>`
    : '';
  // Without JavaScript, one select lists "agency — category" pairs; the handler splits them.
  const target = input.agencies.flatMap((a) => a.categories.map((c) => ({ value: `${a.id}/${c.id}`, label: `${a.name} — ${c.name}` })));
  const body = `<h1>${t(lang, 'Sampaikan pengaduan', 'File a complaint')}</h1>
<p>${t(lang, 'Pengaduan Anda ditangani sesuai SOP instansi yang dituju, dengan batas waktu yang jelas. Anda akan mendapat nomor pelacakan.', "Your complaint is handled by the agency's SOP, with clear time limits. You will get a tracking number.")}
 <a href="?lang=${lang === 'id' ? 'en' : 'id'}">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</a></p>
<p class="muted">${t(lang, 'Bagaimana pengaduan Anda ditangani', 'How your complaint is handled')}: ${input.agencies.map((a) => `<a href="${e(howHandledUrl(a.id, lang))}">${e(a.name)}</a>`).join(' · ')}</p>
${issues?.length ? `<div class="card error" role="alert">${t(lang, 'Mohon perbaiki isian yang ditandai.', 'Please fix the fields marked below.')}${issueFor(issues, HONEYPOT_FIELD).map((m) => `<p>${e(m)}</p>`).join('')}</div>` : ''}
<noscript><div class="card"><p>${t(lang, `Punya foto atau dokumen (sampai ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB per berkas)? <a href="${uploadPage}">Unggah lampiran lebih dulu</a>, lalu isi formulir ini: mengunggah membuka halaman lain, dan isian yang belum dikirim tidak ikut tersimpan.`, `Have photos or documents (up to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each)? <a href="${uploadPage}">Upload the attachments first</a>, then fill in this form: uploading opens another page, and what is typed here and not sent is not kept.`)}</p></div></noscript>
<form class="card" method="post" action="/api/complaints${lang === 'en' ? '?lang=en' : ''}" accept-charset="utf-8" enctype="multipart/form-data" novalidate data-attachments data-max-files="${MAX_ATTACHMENTS}">
${uploaded}
${field({ name: 'target', label: t(lang, 'Instansi dan kategori', 'Agency and category'), options: target, value: v('target') || (v('agencyId') && v('category') ? `${v('agencyId')}/${v('category')}` : ''), required: true, issues, path: 'agencyId' })}
${issueFor(issues, 'category').map((m) => `<p class="error">${e(m)}</p>`).join('')}
${field({ name: 'title', label: t(lang, 'Judul pengaduan', 'Title'), value: v('title'), required: true, issues })}
${field({ name: 'description', label: t(lang, 'Uraian', 'Description'), hint: t(lang, '(minimal 20 karakter: apa, kapan, di mana)', '(at least 20 characters: what, when, where)'), value: v('description'), required: true, issues, textarea: true })}
${field({ name: 'location', label: t(lang, 'Lokasi kejadian', 'Location'), value: v('location'), issues })}
${field({ name: 'incidentDate', label: t(lang, 'Tanggal kejadian', 'Date of the incident'), type: 'date', value: v('incidentDate'), issues })}
<fieldset><legend>${t(lang, 'Identitas pelapor', 'About you')}</legend>
${field({ name: 'reporter.name', label: t(lang, 'Nama', 'Name'), value: v('reporter.name'), issues })}
${field({ name: 'reporter.email', label: t(lang, 'Email', 'Email'), hint: t(lang, '(jawaban dikirim ke sini)', '(the answer is sent here)'), type: 'email', value: v('reporter.email'), issues })}
${field({ name: 'reporter.phone', label: t(lang, 'Nomor telepon', 'Phone number'), type: 'tel', value: v('reporter.phone'), issues })}
${issueFor(issues, 'reporter').length && !issueFor(issues, 'reporter.').length ? issueFor(issues, 'reporter').map((m) => `<p class="error">${e(m)}</p>`).join('') : ''}
<label><input type="checkbox" name="anonymous" value="true"${v('anonymous') === 'true' ? ' checked' : ''}> ${t(lang, 'Anonim', 'Anonymous')} <span class="hint">${t(lang, '— identitas Anda tidak disimpan; Anda mengikuti pengaduan hanya dengan nomor pelacakan.', '— your identity is not kept; you follow the complaint with the tracking number only.')}</span></label>
<label><input type="checkbox" name="confidential" value="true"${v('confidential') === 'true' ? ' checked' : ''}> ${t(lang, 'Rahasia', 'Confidential')} <span class="hint">${t(lang, '— identitas Anda hanya terlihat oleh petugas yang perlu menghubungi Anda.', '— only the officers who need to contact you see who you are.')}</span></label>
</fieldset>
<fieldset><legend>${t(lang, 'Lampiran (tidak wajib)', 'Attachments (optional)')}</legend>
<label for="f-attachments">${t(lang, `Foto atau dokumen: JPEG, PNG atau PDF, paling banyak ${MAX_ATTACHMENTS} berkas, masing-masing sampai ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, `Photos or documents: JPEG, PNG or PDF, at most ${MAX_ATTACHMENTS} files, up to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each`)}</label>
<input id="f-attachments" type="file" name="attachments" multiple accept="image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf">
<noscript><p class="hint">${t(lang, `Tanpa JavaScript, berkas yang dipilih di sini ikut terkirim bersama formulir: paling besar ${MAX_FORM_UPLOAD_BYTES / 1024 / 1024} MB seluruhnya. Berkas lebih besar (sampai ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB per berkas): <a href="${uploadPage}">unggah lebih dulu</a>.`, `Without JavaScript, files chosen here travel with the form: at most ${MAX_FORM_UPLOAD_BYTES / 1024 / 1024} MB in all. Larger files (up to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB each): <a href="${uploadPage}">upload them first</a>.`)}</p></noscript>
<p class="error" role="alert" data-attachments-status hidden></p>
${issues?.some((i) => i.path.startsWith('attachments')) ? `${issues.filter((i) => i.path.startsWith('attachments')).map((i) => `<p class="error" role="alert">${e(i.message)}</p>`).join('')}<p class="hint">${t(lang, 'Pilih lagi berkas yang ingin dilampirkan.', 'Choose the files to attach again.')}</p>` : ''}
<label><input type="checkbox" name="includePhotoLocation" value="true"${v('includePhotoLocation') === 'true' ? ' checked' : ''}> ${t(lang, 'Sertakan lokasi foto', 'Include photo location')} <span class="hint">${t(lang, '— tanpa centang, data lokasi (GPS) di foto dihapus sebelum disimpan.', '— unticked, the location (GPS) data in photos is removed before they are stored.')}</span></label>
<p class="hint">${t(lang, 'Lampiran hanya dilihat petugas yang menangani, tidak pernah di halaman pelacakan.', 'Attachments are seen only by the officials handling the complaint, never on the tracking page.')}</p>
</fieldset>
<div class="hp" aria-hidden="true"><label for="f-${HONEYPOT_FIELD}">${t(lang, 'Jangan diisi', 'Leave empty')}</label><input id="f-${HONEYPOT_FIELD}" type="text" name="${HONEYPOT_FIELD}" value="" tabindex="-1" autocomplete="off"></div>
<button type="submit">${t(lang, 'Kirim pengaduan', 'Submit')}</button>
</form>
<form class="card" method="get" action="/complaints/lookup"><label for="lookup">${t(lang, 'Sudah punya nomor pelacakan?', 'Have a tracking number?')}</label>
<input id="lookup" type="text" name="trackingId" placeholder="TGP-XXXX-XXXX"><button type="submit" class="secondary">${t(lang, 'Lacak', 'Track')}</button></form>`;
  // The script only speeds the files up (straight to the store); the form works without it.
  return layout(t(lang, 'Sampaikan pengaduan', 'File a complaint'), `${body}\n<script src="${ATTACHMENTS_SCRIPT_PATH}" defer></script>`, lang);
}

/** The confirmation after a form post: the tracking number, and whether an email follows (and if not, why). */
export function renderSubmitted(input: { trackingId: string; statusUrl: string; acknowledgement: 'sending' | 'withheld' | 'none'; lang: Language }): string {
  const { lang } = input;
  const mail = {
    sending: t(lang, 'Kami juga mengirim email berisi nomor ini dan langkah selanjutnya.', 'We also sent you an email with this number and what happens next.'),
    withheld: acknowledgementWithheldNotice[lang],
    none: t(lang, 'Tanpa email, jawaban dapat dibaca di halaman pelacakan.', 'Without an email, read the answer on the tracking page.'),
  }[input.acknowledgement];
  return layout(t(lang, 'Pengaduan terkirim', 'Complaint filed'), `<h1>${t(lang, 'Terima kasih, pengaduan Anda sudah kami terima', 'Thank you: your complaint has been received')}</h1>
<div class="card"><p>${t(lang, 'Nomor pelacakan Anda:', 'Your tracking number:')}</p><p class="tracking">${e(input.trackingId)}</p>
<p>${t(lang, 'Simpan nomor ini. Anda dapat mengikuti pengaduan di', 'Keep this number. Follow your complaint at')} <a href="${e(input.statusUrl)}">${e(input.statusUrl)}</a>.</p>
<p${input.acknowledgement === 'withheld' ? ' role="note"' : ''}>${e(mail)}</p></div>`, lang);
}

/** The reporter's reply and rating page (key from their email). */
export function renderReplyPage(input: { trackingId: string; key: string; response?: string; windowEndsAt?: string; lang: Language; issues?: Issue[]; done?: 'rated' | 'replied' }): string {
  const { lang } = input;
  if (input.done) {
    return layout(t(lang, 'Terima kasih', 'Thank you'), `<h1>${t(lang, 'Terima kasih', 'Thank you')}</h1><div class="card"><p>${input.done === 'rated'
      ? t(lang, 'Penilaian Anda sudah kami terima. Pengaduan ditutup.', 'Your rating is received. The complaint is closed.')
      : t(lang, 'Balasan Anda sudah kami terima dan diteruskan kepada petugas.', 'Your reply is received and passed to the officer.')}</p>
<p><a href="/complaints/${encodeURIComponent(input.trackingId)}">${t(lang, 'Lihat status pengaduan', 'See the complaint status')}</a></p></div>`, lang);
  }
  const stars = [5, 4, 3, 2, 1].map((n) => `<label><input type="radio" name="rating" value="${n}"> ${'★'.repeat(n)} ${n}</label>`).join('');
  return layout(t(lang, 'Tanggapi jawaban', 'Reply to the answer'), `<h1>${t(lang, 'Jawaban atas pengaduan', 'The answer to your complaint')} <span class="tracking">${e(input.trackingId)}</span></h1>
${input.response ? `<div class="card">${escapeMultiline(input.response)}</div>` : ''}
${input.windowEndsAt ? `<p>${t(lang, 'Anda dapat membalas sampai', 'You may reply until')} ${e(formatDateTime(input.windowEndsAt, lang))}.</p>` : ''}
${input.issues?.length ? `<div class="card error" role="alert">${input.issues.map((i) => e(i.message)).join('<br>')}</div>` : ''}
<form class="card" method="post" action="/api/complaints/${encodeURIComponent(input.trackingId)}/feedback${lang === 'en' ? '?lang=en' : ''}">
<input type="hidden" name="key" value="${e(input.key)}">
<fieldset><legend>${t(lang, 'Apakah Anda puas dengan jawaban ini?', 'Are you satisfied with this answer?')}</legend>
<label><input type="radio" name="satisfied" value="true" required> ${t(lang, 'Ya, puas', 'Yes')}</label>
<label><input type="radio" name="satisfied" value="false"> ${t(lang, 'Belum, saya ingin membalas', 'No, I want to reply')}</label></fieldset>
<fieldset><legend>${t(lang, 'Penilaian (1–5)', 'Rating (1–5)')}</legend>${stars}</fieldset>
${field({ name: 'comment', label: t(lang, 'Komentar atau balasan', 'Comment or reply'), textarea: true })}
<button type="submit">${t(lang, 'Kirim', 'Send')}</button></form>`, lang);
}

/** A PDF's icon, drawn inline (no request, no image of the file). */
const PDF_ICON = '<svg width="64" height="80" viewBox="0 0 64 80" role="img" aria-label="PDF"><path d="M4 2h40l16 16v60H4z" fill="#fff" stroke="#b91c1c" stroke-width="3"/><path d="M44 2v16h16" fill="none" stroke="#b91c1c" stroke-width="3"/><text x="32" y="56" font-size="16" font-family="sans-serif" font-weight="bold" fill="#b91c1c" text-anchor="middle">PDF</text></svg>';

/**
 * The reporter's files on the task page: each photo as its thumbnail (the image itself, scaled by
 * the browser to 160 px wide and loaded lazily; no thumbnail is stored), a PDF as an icon; each links
 * to the file through a short-lived signed URL. Names are the reporter's, escaped.
 */
function attachmentsCard(files: NonNullable<TaskView['case']['attachments']>, lang: Language): string {
  if (!files.length) return '';
  const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
  return `<section class="card attachments"><h2>${t(lang, 'Lampiran', 'Attachments')}</h2><ul style="list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem">${files.map((f) => `<li class="attachment" data-type="${e(f.contentType)}" style="max-width:160px"><a href="${e(f.url)}" target="_blank" rel="noopener noreferrer">${f.image ? `<img class="thumbnail" src="${e(f.url)}" width="160" loading="lazy" alt="${e(f.name)}" style="max-width:160px;height:auto;border-radius:4px">` : PDF_ICON}<br><span style="word-break:break-all">${e(f.name)}</span></a>${f.by === 'official' ? `<br><span class="muted">${t(lang, 'lampiran jawaban pejabat', "the official's answer")}</span>` : ''}<br><span class="muted">${e(size(f.size))}${f.image ? ` · ${f.locationKept ? t(lang, 'lokasi foto disertakan', 'photo location included') : t(lang, 'lokasi foto dihapus', 'photo location removed')}` : ''}</span></li>`).join('')}</ul><p class="muted">${t(lang, 'Tautan berkas berlaku 15 menit; muat ulang halaman untuk tautan baru.', 'File links work for 15 minutes; reload the page for new ones.')}</p></section>`;
}

/**
 * The officials' task page: the case, the step, its deadline and assignee, one form per action; for a
 * link the escalation ladder sent, why it was sent and what it allows.
 */
/**
 * The file of an official's answer uploaded straight to the store: without JavaScript, a form to the
 * store (`target`) that brings the browser back to the task page with the upload (`ready`, or what
 * is wrong with it); with JavaScript, the page's script does the same with fetch.
 */
export interface TaskPageUpload {
  target?: { url: string; fields: Record<string, string> };
  ready?: { uploadId: string; size: number; type?: string };
  problem?: string;
}

export function renderTaskPage(input: { view: TaskView; csrfToken: string; now: Date; lang: Language; issues?: Issue[]; notice?: string; upload?: TaskPageUpload }): string {
  const { view, lang } = input;
  const c = view.case;
  const reporter = c.reporter === 'hidden'
    ? t(lang, 'Dirahasiakan (pengaduan rahasia)', 'Withheld (confidential complaint)')
    : c.reporter === 'anonymous' ? t(lang, 'Anonim', 'Anonymous')
    : [c.reporter.name, c.reporter.email, c.reporter.phone].filter(Boolean).map(e).join(' · ') || '—';
  const open = view.task.status === 'open';
  const link = view.link;
  const upload = input.upload;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1).replace('.', lang === 'id' ? ',' : '.');
  const forms = open ? view.actions.map((a, i) => `<form class="card" method="post" action=""${a.file ? ' enctype="multipart/form-data" data-upload-file' : ''}>
<input type="hidden" name="csrf" value="${e(input.csrfToken)}"><input type="hidden" name="action" value="${e(a.id)}">${a.file && upload?.ready ? `<input type="hidden" name="fileUploadId" value="${e(upload.ready.uploadId)}">` : ''}
<h2>${i === 0 ? '' : t(lang, 'Atau: ', 'Or: ')}${e(a.label)}</h2>
${a.fields.map((f) => field({ name: f.name, label: f.label, required: f.required, textarea: f.type === 'textarea', ...(f.type === 'date' ? { type: 'date' } : {}), options: f.options, value: f.value, issues: input.issues })).join('')}
${a.file ? `${upload?.ready ? `<p class="card" role="status" data-file-ready>${t(lang, `Lampiran siap (${upload.ready.type ?? 'berkas'}, ${mb(upload.ready.size)} MB): terkirim bersama jawaban ini.`, `Attachment ready (${upload.ready.type ?? 'file'}, ${mb(upload.ready.size)} MB): it is sent with this answer.`)}</p>` : ''}<label for="file-${e(a.id)}">${t(lang, `Lampiran untuk pelapor (opsional: JPEG, PNG atau PDF, paling besar 5 MB; lokasi foto dihapus)`, `Attachment for the reporter (optional: JPEG, PNG or PDF, at most 5 MB; photo location removed)`)}</label><input type="file" id="file-${e(a.id)}" name="file" accept="image/jpeg,image/png,application/pdf">
<p class="error" role="alert" data-attachments-status hidden></p><noscript><p class="hint">${t(lang, 'Tanpa JavaScript, berkas yang dipilih di sini paling besar 4 MB; berkas sampai 5 MB diunggah lebih dulu dengan formulir "Unggah lampiran jawaban" di atas.', 'Without JavaScript, a file chosen here may be at most 4 MB; a file of up to 5 MB is uploaded first with the form "Upload the answer\'s attachment" above.')}</p></noscript>${(input.issues ?? []).filter((x) => x.path === 'file').map((x) => `<p class="error" role="alert">${e(x.message)}</p>`).join('')}` : ''}
<button type="submit"${i === 0 ? '' : ' class="secondary"'}>${e(a.label)}</button></form>`).join('') : '';
  const assignee = view.task.assignee;
  // Without a form: a view-only link says so while the step is open; otherwise the task is over.
  const decided = view.task.decided;
  const noForms = open && link.may === 'view'
    ? e(t(lang, 'Tautan ini hanya untuk melihat: tidak ada tindakan yang dapat diambil dari sini.', 'This link is for viewing only: no action can be taken from here.'))
    : decided
      ? `${t(lang, 'Tahap ini sudah ditindaklanjuti', 'This step was acted on')}${decided.by ? ` ${t(lang, 'oleh', 'by')} <strong>${e(decided.by)}</strong>` : ''}${decided.onBehalfOf ? ` ${t(lang, 'atas nama', 'on behalf of')} ${e(decided.onBehalfOf)}` : ''}${decided.at ? ` ${t(lang, 'pada', 'on')} ${e(formatDateTime(decided.at, lang))}` : ''}${decided.decision ? `: ${e(decided.decision)}` : ''}.`
      : e(t(lang, 'Tugas ini sudah tidak terbuka.', 'This task is no longer open.'));
  return layout(view.task.stepName, `<h1>${e(view.task.stepName)}</h1>
${input.notice ? `<div class="card" role="status">${e(input.notice)}</div>` : ''}
${c.needsAttention ? `<div class="card" role="status">${t(lang, 'Proses sistem pengaduan ini terhenti dan sedang ditangani petugas; admin kabupaten sudah diberi tahu.', 'The system process of this complaint has stopped and is being handled by our staff; the regency admin has been told.')}</div>` : ''}
${link.holder === 'grant' ? `<div class="card" role="note"><p>${e(link.note)}</p></div>` : ''}
<div class="card"><p>${e(view.task.expects)}</p>
${view.task.dueAt ? `<p>${t(lang, 'Batas waktu', 'Due')}: ${view.task.dueReading ? `${e(view.task.dueReading)} (<strong>${e(formatDateTime(view.task.dueAt, lang))}</strong>)` : `<strong>${e(formatDateTime(view.task.dueAt, lang))}</strong>`} — <span class="${new Date(view.task.dueAt) < input.now ? 'late' : ''}">${e(timeLeft(view.task.dueAt, input.now, lang))}</span></p>` : ''}
${assignee ? `<p>${t(lang, 'Ditugaskan kepada', 'Assigned to')}: ${e(assignee.name)} — ${e(assignee.title)}</p>` : ''}
<p class="muted">${e(view.task.role)} · ${t(lang, 'kunjungan ke-', 'visit ')}${view.task.visit}</p></div>
<div class="card"><h2>${e(c.title)}</h2><p class="muted"><span class="tracking" style="font-size:1rem">${e(c.trackingId)}</span> · ${e(c.agency.name)} · ${e(c.category)} · ${e(formatDateTime(c.submittedAt, lang))}</p>
<p>${escapeMultiline(c.description)}</p>
${c.location ? `<p>${t(lang, 'Lokasi', 'Location')}: ${e(c.location)}</p>` : ''}${c.incidentDate ? `<p>${t(lang, 'Tanggal kejadian', 'Incident date')}: ${e(c.incidentDate)}</p>` : ''}
<p>${t(lang, 'Pelapor', 'Reporter')}: ${reporter}</p>
${c.approvedResponse !== undefined
    ? `<h2>${t(lang, 'Tanggapan yang disetujui (dikirim kepada pelapor apa adanya)', 'Approved response (sent to the reporter exactly as it stands)')}</h2>${c.approvedResponse === null ? `<p class="late">${t(lang, 'Belum ada tanggapan yang disetujui.', 'No response is approved yet.')}</p>` : `<p class="approved">${escapeMultiline(c.approvedResponse)}</p>`}`
    : c.responseDraft ? `<h2>${t(lang, 'Draft tanggapan', 'Draft response')}</h2><p>${escapeMultiline(c.responseDraft)}</p>` : ''}</div>
${attachmentsCard(c.attachments ?? [], lang)}
${reporterMessagesCard(c.reporterMessages, lang)}
${forms && upload && (upload.target || upload.problem) ? `<noscript>${upload.problem ? `<div class="card error" role="alert">${e(upload.problem)}</div>` : ''}${upload.target ? `<form class="card" method="post" action="${e(upload.target.url)}" enctype="multipart/form-data">
${Object.entries(upload.target.fields).map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`).join('\n')}
<h2>${t(lang, 'Unggah lampiran jawaban', "Upload the answer's attachment")}</h2>
<p class="hint">${t(lang, 'Tanpa JavaScript: unggah berkas (JPEG, PNG atau PDF, paling besar 5 MB) lebih dulu, lalu tulis dan kirim jawaban di bawah; halaman ini dimuat ulang.', 'Without JavaScript: upload the file (JPEG, PNG or PDF, at most 5 MB) first, then write and send the answer below; this page reloads.')}</p>
<label for="store-file">${t(lang, 'Berkas', 'File')}</label><input id="store-file" type="file" name="file" required accept="image/jpeg,image/png,application/pdf">
<button type="submit" class="secondary">${t(lang, 'Unggah', 'Upload')}</button></form>` : ''}</noscript>` : ''}
${forms || `<div class="card">${noForms}</div>`}
<h2>${t(lang, 'Riwayat', 'History')}</h2><ol class="timeline">${c.history.map((h) => `<li>${e(formatDateTime(h.at, lang))}: ${e(eventLabel[h.event]?.[lang] ?? h.event)}${h.stepId ? ` (${e(h.stepId)})` : ''}${h.by ? ` — ${e(h.by)}` : ''}${h.onBehalfOf ? ` ${t(lang, 'atas nama', 'on behalf of')} ${e(h.onBehalfOf)}` : ''}${h.note ? `<br><span class="muted">${escapeMultiline(h.note)}</span>` : ''}</li>`).join('')}</ol>${forms && upload ? `\n<script src="${ATTACHMENTS_SCRIPT_PATH}" defer></script>` : ''}`, lang);
}

/** What the reporter wrote to the officials (replies, answers to a question), oldest first, each kept as typed. */
function reporterMessagesCard(messages: TaskView['case']['reporterMessages'], lang: Language): string {
  if (!messages.length) return '';
  const heading = (m: (typeof messages)[number]) => m.kind === 'reply'
    ? `${t(lang, 'Balasan pelapor: belum puas', 'The reporter replied: not satisfied')}${m.rating ? ` (${t(lang, 'nilai', 'rating')} ${m.rating}/5)` : ''}`
    : t(lang, 'Jawaban pelapor atas pertanyaan', 'The reporter answered the question');
  return `<section class="card" aria-labelledby="reporter-messages"><h2 id="reporter-messages">${t(lang, 'Pesan dari pelapor', 'Messages from the reporter')}</h2>
${messages.map((m) => `<article class="reporter-message" data-kind="${e(m.kind)}"><p class="muted">${e(heading(m))} · ${e(formatDateTime(m.at, lang))}</p><p style="white-space:pre-wrap;border-left:4px solid #b7791f;padding-left:.75rem">${e(m.text)}</p></article>`).join('\n')}</section>`;
}

/** Error pages: 400, 403 not allowed (a stale form, a view-only link), 404 unknown link, 409 already acted, 410 expired or superseded, 5xx. */
export function renderErrorPage(input: { status: number; message: string; details: Record<string, unknown>; lang: Language }): string {
  const { lang, status } = input;
  const titles: Record<number, [string, string]> = {
    400: ['Isian perlu diperbaiki', 'Some fields need fixing'],
    404: ['Tautan tidak dikenal', 'Unknown link'],
    403: ['Tidak diizinkan', 'Not allowed'],
    409: ['Sudah ditindaklanjuti', 'Already acted on'],
    410: ['Tautan sudah tidak berlaku', 'This link no longer works'],
    413: ['Kiriman terlalu besar', 'Too large'],
    415: ['Format tidak didukung', 'Unsupported format'],
  };
  const [id, en] = titles[status] ?? ['Terjadi gangguan', 'Something went wrong'];
  const issues = Array.isArray(input.details.issues) ? (input.details.issues as Issue[]) : [];
  // A 5xx says it in both languages: whatever failed may have been the reading of the requester's language.
  const failure = {
    id: 'Terjadi gangguan di sisi kami. Data Anda aman; silakan coba lagi sebentar lagi.',
    en: 'Something went wrong on our side. Your data is safe; please try again shortly.',
  };
  const other: Language = lang === 'id' ? 'en' : 'id';
  const body = status >= 500
    ? `${failure[lang]}</p><p lang="${other}">${failure[other]}`
    : e(input.message);
  return layout(t(lang, id, en), `<h1>${t(lang, id, en)}</h1><div class="card"><p>${body}</p>${issues.length ? `<ul>${issues.map((i) => `<li><strong>${e(i.path)}</strong>: ${e(i.message)}</li>`).join('')}</ul>` : ''}
<p><a href="/">${t(lang, 'Kembali ke halaman utama', 'Back to the start page')}</a></p></div>`, lang);
}

export interface MailboxMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
  attachments: { filename: string; contentType: string; size: number; url?: string }[];
}

/** The local runtime's mailbox (`/_local/mailbox`): a list, and one message shown at a time. */
export function renderMailbox(input: { messages: MailboxMessage[]; selectedId?: string }): string {
  const selected = input.messages.find((m) => m.id === input.selectedId) ?? input.messages.at(-1);
  const list = [...input.messages].reverse().map((m) => `<li${m === selected ? ' style="font-weight:700"' : ''}><a href="?id=${encodeURIComponent(m.id)}">${e(m.subject)}</a><br><span class="muted">${e(m.to.join(', '))} · ${e(m.sentAt)}</span></li>`).join('');
  const shown = selected
    ? `<div class="card"><p class="muted">${e(selected.from)} → ${e(selected.to.join(', '))}<br>${e(selected.sentAt)}</p><h2>${e(selected.subject)}</h2>
<iframe title="message" sandbox="allow-popups allow-top-navigation-by-user-activation" srcdoc="${e(selected.html)}" style="width:100%;height:36rem;border:1px solid #d0d7de;border-radius:6px"></iframe>
${selected.attachments.length ? `<p>${selected.attachments.map((a) => `📎 ${a.url ? `<a href="${e(a.url)}" download="${e(a.filename)}">${e(a.filename)}</a>` : e(a.filename)} (${a.size} B)`).join('<br>')}</p>` : ''}</div>`
    : '<div class="card">Belum ada email. / No mail yet.</div>';
  return layout('Mailbox', `<h1>Mailbox (${input.messages.length})</h1>${shown}<ol class="timeline" reversed>${list}</ol>`, 'id');
}
