/**
 * The complaint a citizen submits (`POST /api/complaints`), validated with messages in the
 * citizen's language. Text with HTML markup is refused (it would be escaped anyway everywhere).
 */
import * as z from 'zod';
import type { Directory } from '../directory/schema';
import type { Issue } from '../errors';
import type { Language } from '../i18n';
import { Channel } from './model';

// Tags, comments/doctypes, script URLs and inline handlers. `\bon` so that words such as
// "kondisi = rusak" stay plain text.
const markup = /<\s*\/?\s*[a-zA-Z!][^>]*>|javascript:|\bon\w+\s*=/i;

/** A real calendar day (`2026-02-30` is not, though Date.parse rolls it over to March). */
const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

const messages = {
  required: { id: 'Wajib diisi.', en: 'Required.' },
  text: { id: 'Harus berupa teks.', en: 'Must be text.' },
  short: (n: number) => ({ id: `Minimal ${n} karakter.`, en: `At least ${n} characters.` }),
  long: (n: number) => ({ id: `Maksimal ${n} karakter.`, en: `At most ${n} characters.` }),
  markup: { id: 'Tidak boleh berisi kode HTML atau skrip; tulis sebagai teks biasa.', en: 'Must not contain HTML or script; write plain text.' },
  email: { id: 'Alamat email tidak valid.', en: 'Not a valid email address.' },
  phone: { id: 'Nomor telepon tidak valid (contoh: 0812 3456 7890).', en: 'Not a valid phone number (e.g. 0812 3456 7890).' },
  date: { id: 'Tanggal tidak valid (format TTTT-BB-HH).', en: 'Not a valid date (YYYY-MM-DD).' },
  future: { id: 'Tanggal kejadian tidak boleh di masa depan.', en: 'The incident date cannot be in the future.' },
  contact: { id: 'Isi email atau nomor telepon, atau pilih anonim.', en: 'Give an email or a phone number, or choose anonymous.' },
  agency: { id: 'Instansi tidak dikenal.', en: 'Unknown agency.' },
  category: { id: 'Kategori tidak tersedia untuk instansi ini.', en: 'This agency has no such category.' },
  boolean: { id: 'Harus ya atau tidak.', en: 'Must be true or false.' },
  unknown: { id: 'Isian tidak dikenal.', en: 'Unknown field.' },
  channel: { id: 'Kanal tidak dikenal.', en: 'Unknown channel.' },
  object: { id: 'Harus berupa objek JSON dengan isian pengaduan.', en: 'Must be a JSON object with the complaint fields.' },
  reporterObject: { id: 'Harus berupa objek: name, email, phone.', en: 'Must be an object: name, email, phone.' },
};

const text = (min: number, max: number) =>
  z.string({ error: (i) => (i.input === undefined ? 'required' : 'text') })
    .transform((s) => s.trim())
    .pipe(z.string().min(min, { error: `short:${min}` }).max(max, { error: `long:${max}` }).refine((s) => !markup.test(s), { error: 'markup' }));
const optionalText = (max: number) => z.string({ error: 'text' }).trim().max(max, { error: `long:${max}` }).refine((s) => !markup.test(s), { error: 'markup' }).optional().transform((s) => (s ? s : undefined));
const bool = z.union([z.boolean(), z.enum(['true', 'false', 'on']).transform((s) => s !== 'false')], { error: 'boolean' }).default(false);

const ComplaintShape = z.strictObject({
  agencyId: z.string({ error: (i) => (i.input === undefined ? 'required' : 'text') }).min(1, { error: 'required' }),
  title: text(5, 150),
  description: text(20, 5000),
  category: z.string({ error: (i) => (i.input === undefined ? 'required' : 'text') }).min(1, { error: 'required' }),
  location: optionalText(200),
  incidentDate: z.string({ error: 'date' }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'date' }).refine(isCalendarDate, { error: 'date' }).optional().or(z.literal('').transform(() => undefined)),
  channel: Channel.optional().catch(undefined),
  reporter: z.strictObject({
    name: optionalText(120),
    email: z.string({ error: 'text' }).trim().max(254).pipe(z.email({ error: 'email' })).optional().or(z.literal('').transform(() => undefined)),
    phone: z.string({ error: 'text' }).trim().regex(/^\+?[0-9][0-9 .-]{6,18}[0-9]$/, { error: 'phone' }).optional().or(z.literal('').transform(() => undefined)),
  }, { error: (i) => (i.code === 'unrecognized_keys' ? 'unknown' : 'reporterObject') }).default({ name: undefined }),
  anonymous: bool,
  confidential: bool,
}, { error: (i) => (i.code === 'unrecognized_keys' ? 'unknown' : 'object') });

export type Complaint = z.infer<typeof ComplaintShape> & { channel: Channel };

function message(code: string, lang: Language): string {
  const [name, arg] = code.split(':');
  const entry = name === 'short' ? messages.short(Number(arg)) : name === 'long' ? messages.long(Number(arg)) : messages[name as keyof typeof messages];
  if (entry && typeof entry === 'object' && 'id' in entry) return entry[lang];
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
  if (issues.length) return { ok: false, issues };
  return { ok: true, complaint: { ...c, channel: c.channel ?? 'web' } };
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
  };
}
