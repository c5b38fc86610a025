/**
 * The complaint a citizen submits (`POST /api/complaints`), validated with messages in the
 * citizen's language. Free text follows the one set of text rules (shared/text/rules.ts): what
 * people write is accepted as written — `<`, quotes, `=`, emoji — and escaped wherever it is shown.
 */
import * as z from 'zod/mini';
import { fileProblemMessage, isUploadId, MAX_ATTACHMENTS } from '../attachments/files';
import type { Directory } from '../directory/schema';
import type { Issue, Localized } from '../errors';
import type { Language } from '../i18n';
import { checkText, textProblemMessage, type TextProblem, type TextRule } from '../text/rules';
import { Channel } from './model';
import { ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY, acknowledgementWithheldNotice, HONEYPOT_FIELD, mailboxOf } from './intake-limits';

export { ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY, acknowledgementWithheldNotice, HONEYPOT_FIELD, mailboxOf };

/** A real calendar day (`2026-02-30` is not, though Date.parse rolls it over to March). */
const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

const messages = {
  required: { id: 'Wajib diisi.', en: 'Required.' },
  text: { id: 'Harus berupa teks.', en: 'Must be text.' },
  email: { id: 'Alamat email tidak valid.', en: 'Not a valid email address.' },
  phone: { id: 'Nomor telepon tidak valid (contoh: 0812 3456 7890).', en: 'Not a valid phone number (e.g. 0812 3456 7890).' },
  date: { id: 'Tanggal tidak valid (format TTTT-BB-HH).', en: 'Not a valid date (YYYY-MM-DD).' },
  future: { id: 'Tanggal kejadian tidak boleh di masa depan.', en: 'The incident date cannot be in the future.' },
  contact: { id: 'Isi email atau nomor telepon, atau pilih anonim.', en: 'Give an email or a phone number, or choose anonymous.' },
  agency: { id: 'Instansi tidak dikenal.', en: 'Unknown agency.' },
  category: { id: 'Kategori tidak tersedia untuk instansi ini.', en: 'This agency has no such category.' },
  boolean: { id: 'Harus ya atau tidak.', en: 'Must be true or false.' },
  unknown: { id: 'Isian tidak dikenal.', en: 'Unknown field.' },
  channel: { id: `Kanal tidak dikenal; pilih salah satu: ${Channel.options.join(', ')}.`, en: `Unknown channel; use one of: ${Channel.options.join(', ')}.` },
  honeypot: {
    id: 'Kolom "Jangan diisi" harus dibiarkan kosong (kolom ini tersembunyi untuk menyaring kiriman otomatis). Kosongkan lalu kirim lagi.',
    en: 'The "Leave empty" field must stay empty (it is hidden to filter automated submissions). Empty it and send again.',
  },
  uploadId: { id: 'Nomor unggahan tidak valid; pakai uploadId dari POST /api/uploads.', en: 'Not a valid upload id; use the uploadId from POST /api/uploads.' },
  attachment: { id: 'Setiap lampiran berupa objek: { uploadId, name }.', en: 'Each attachment is an object: { uploadId, name }.' },
  attachments: { id: `Lampiran berupa daftar, paling banyak ${MAX_ATTACHMENTS}.`, en: `Attachments are a list of at most ${MAX_ATTACHMENTS}.` },
  object: { id: 'Harus berupa objek JSON dengan isian pengaduan.', en: 'Must be a JSON object with the complaint fields.' },
  reporterObject: { id: 'Harus berupa objek: name, email, phone.', en: 'Must be an object: name, email, phone.' },
};

/** A free-text field under the text rules; a refusal carries its problem to `message` as `text:<json>`. */
function freeText(rule: TextRule & { required: true }): z.ZodMiniType<string, unknown>;
function freeText(rule: TextRule): z.ZodMiniType<string | undefined, unknown>;
function freeText(rule: TextRule): z.ZodMiniType<string | undefined, unknown> {
  return z.pipe(z.unknown(), z.transform((input, ctx) => {
    const checked = checkText(input, rule);
    if (checked.ok) return checked.value;
    ctx.issues.push({ code: 'custom', message: `text:${JSON.stringify(checked.problem)}`, input });
    return z.NEVER;
  }));
}
const text = (min: number, max: number, multiline = false) => freeText({ multiline, required: true, min, max });
const optionalText = (max: number) => z.optional(freeText({ multiline: false, required: false, max }));
/** A checkbox or a JSON boolean: `on` (a ticked box) and `true` are true. */
const flag = () => z.union([z.boolean(), z.pipe(z.enum(['true', 'false', 'on']), z.transform((s) => s !== 'false'))], { error: 'boolean' });
const bool = z._default(flag(), false);
/** An optional field the form sends empty when it was left blank. */
const orBlank = <T extends z.ZodMiniType>(schema: T) => z.union([z.optional(schema), z.pipe(z.literal(''), z.transform(() => undefined))]);

const ComplaintShape = z.strictObject({
  agencyId: z.string({ error: (i) => (i.input === undefined ? 'required' : 'text') }).check(z.minLength(1, { error: 'required' })),
  title: text(5, 150),
  description: text(20, 5000, true),
  category: z.string({ error: (i) => (i.input === undefined ? 'required' : 'text') }).check(z.minLength(1, { error: 'required' })),
  location: optionalText(200),
  incidentDate: orBlank(z.string({ error: 'date' }).check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'date' }), z.refine(isCalendarDate, { error: 'date' }))),
  channel: z.optional(z.enum(Channel.options, { error: 'channel' })),
  reporter: z._default(z.strictObject({
    name: optionalText(120),
    email: orBlank(z.pipe(z.string({ error: 'text' }).check(z.trim(), z.maxLength(254)), z.email({ error: 'email' }))),
    phone: orBlank(z.string({ error: 'text' }).check(z.trim(), z.regex(/^\+?[0-9][0-9 .-]{6,18}[0-9]$/, { error: 'phone' }))),
  }, { error: (i) => (i.code === 'unrecognized_keys' ? 'unknown' : 'reporterObject') }), { name: undefined }),
  anonymous: bool,
  confidential: bool,
  /** Files uploaded first (`POST /api/uploads`), claimed by their upload ids; the name is only shown. */
  attachments: z.optional(z.array(z.strictObject({
    uploadId: z.string({ error: 'uploadId' }).check(z.refine(isUploadId, { error: 'uploadId' })),
    name: z.optional(z.string({ error: 'text' }).check(z.maxLength(255, { error: 'text' }))),
  }, { error: (i) => (i.code === 'unrecognized_keys' ? 'unknown' : 'attachment') }), { error: 'attachments' })),
  /** "Sertakan lokasi foto": keep where the photos were taken (their EXIF GPS); removed otherwise. */
  includePhotoLocation: z.optional(flag()),
}, { error: (i) => (i.code === 'unrecognized_keys' ? 'unknown' : 'object') });

export type Complaint = z.infer<typeof ComplaintShape> & { channel: Channel };

function message(code: string, lang: Language): string {
  if (code.startsWith('text:')) return textProblemMessage(JSON.parse(code.slice(5)) as TextProblem)[lang];
  const entry = messages[code as keyof typeof messages];
  if (entry) return entry[lang];
  return lang === 'id' ? 'Isian tidak valid.' : 'Invalid value.';
}

/**
 * Validates a submission against the schema and the directory (agency, category). The result is
 * either the complaint or the issues to fix, each with its path and a message in `lang`.
 */
export function parseComplaint(input: unknown, directory: Directory, lang: Language, today: string): { ok: true; complaint: Complaint } | { ok: false; issues: Issue[] } {
  const parsed = ComplaintShape.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((i) => {
        const at = (extra: PropertyKey[] = []) => [...i.path, ...extra].map(String).join('.') || '(body)';
        // One issue per unknown field, each named (an empty name shown as "").
        if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: k === '' ? at(['""']) : at([k]), message: message(i.message, lang) }));
        return [{ path: at(), message: message(i.message, lang) }];
      }),
    };
  }
  const c = parsed.data;
  const issues: Issue[] = [];
  const agency = directory.agencies.find((a) => a.id === c.agencyId && a.acceptsComplaints);
  if (!agency) issues.push({ path: 'agencyId', message: message('agency', lang) });
  else if (!agency.categories.some((k) => k.id === c.category)) issues.push({ path: 'category', message: message('category', lang) });
  if (c.incidentDate && c.incidentDate > today) issues.push({ path: 'incidentDate', message: message('future', lang) });
  if (!c.anonymous && !c.reporter.email && !c.reporter.phone) issues.push({ path: 'reporter', message: message('contact', lang) });
  (c.attachments ?? []).slice(MAX_ATTACHMENTS).forEach((a, i) => issues.push({ path: `attachments.${MAX_ATTACHMENTS + i}`, message: fileProblemMessage('too_many', a.name ?? a.uploadId)[lang] }));
  if (issues.length) return { ok: false, issues };
  return { ok: true, complaint: { ...c, channel: c.channel ?? 'web' } };
}

/** The uploads the form's script made, named in hidden fields `attachments.<i>.uploadId` / `.name`. */
function attachmentsFromForm(form: Record<string, string>): { attachments?: { uploadId: string; name?: string }[] } {
  const found: { i: number; uploadId: string; name?: string }[] = [];
  for (const [k, v] of Object.entries(form)) {
    const m = /^attachments\.(\d{1,2})\.uploadId$/.exec(k);
    if (m) found.push({ i: Number(m[1]), uploadId: v, name: form[`attachments.${m[1]}.name`] });
  }
  return found.length ? { attachments: found.sort((a, b) => a.i - b.i).map(({ uploadId, name }) => ({ uploadId, ...(name !== undefined ? { name } : {}) })) } : {};
}

/** Turns the web form's flat fields (`reporter.name`, `target=agency/category`) into the API shape. */
export function complaintFromForm(form: Record<string, string>): Record<string, unknown> {
  const [agencyId, category] = (form.target ?? '').split('/');
  const reporter = { name: form['reporter.name'], email: form['reporter.email'], phone: form['reporter.phone'] };
  return {
    agencyId: form.agencyId ?? agencyId ?? '',
    category: form.category ?? category ?? '',
    title: form.title,
    description: form.description,
    location: form.location,
    incidentDate: form.incidentDate,
    reporter,
    anonymous: form.anonymous ?? 'false',
    confidential: form.confidential ?? 'false',
    ...(form.includePhotoLocation ? { includePhotoLocation: form.includePhotoLocation } : {}),
    ...attachmentsFromForm(form),
  };
}

/** The issue of a filled honeypot, or none. */
export function honeypotIssues(form: Record<string, string>, lang: Language): Issue[] {
  const value = form[HONEYPOT_FIELD];
  return value ? [{ path: HONEYPOT_FIELD, message: messages.honeypot[lang] }] : [];
}
