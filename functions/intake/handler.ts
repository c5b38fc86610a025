/** POST /api/complaints: file a complaint (JSON, or the form without JavaScript). */
import { acknowledgementWithheldNotice, complaintFromForm, honeypotIssues, HONEYPOT_FIELD, parseComplaint, type Complaint } from '../../shared/case/complaint';
import { MAX_FORM_UPLOAD_BYTES } from '../../shared/attachments/files';
import { PayloadTooLarge, ValidationFailed, type Issue } from '../../shared/errors';
import type { Language } from '../../shared/i18n';
import { listAgencies, submitComplaint } from '../../shared/usecases/complaints';
import { renderComplaintForm, renderSubmitted } from '../../shared/web/pages';
import { bundledSops, dependencies, s3Files, sfnWorkflow } from '../adapters/deps';
import { formPolicy } from '../adapters/files-origin';
import { storeFormFiles } from '../../shared/usecases/attachments';
import type { Deps } from '../../shared/usecases/deps';
import { html, httpHandler, json, languageOf, readBody, requestTime, wantsHtml, type HttpEvent } from '../http';
import { boundaryOf, parseMultipart } from '../http/multipart';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { workflow: sfnWorkflow, files: s3Files, sops: bundledSops };

const keyFormat = { id: 'Gunakan 8 sampai 128 huruf, angka, atau - _ . :', en: 'Use 8 to 128 letters, digits, or - _ . :' };

/**
 * The form's own POST (multipart/form-data: the form without JavaScript sends its files with it):
 * its text fields as the urlencoded form's, and its files apart. Refused with 413 above what a
 * function's request may carry.
 */
function readMultipart(event: HttpEvent, lang: Language): { kind: 'form'; value: Record<string, string>; files: { name: string; bytes: Uint8Array }[] } | undefined {
  const boundary = boundaryOf(event.headers?.['content-type']);
  if (!boundary) return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > MAX_FORM_UPLOAD_BYTES + 64 * 1024) {
    const mb = MAX_FORM_UPLOAD_BYTES / 1024 / 1024;
    throw new PayloadTooLarge({ id: `Lampiran dari formulir tanpa JavaScript paling besar ${mb} MB seluruhnya. Aktifkan JavaScript (berkas diunggah satu per satu, sampai 5 MB masing-masing) atau perkecil fotonya.`, en: `Attachments sent by the form without JavaScript may total at most ${mb} MB. Enable JavaScript (files are then uploaded one by one, up to 5 MB each) or make the photos smaller.` }, { maxBytes: MAX_FORM_UPLOAD_BYTES });
  }
  let parts;
  try {
    parts = parseMultipart(raw, boundary);
  } catch {
    throw new ValidationFailed([{ path: '(body)', message: lang === 'en' ? 'The form data could not be read; send the form again.' : 'Isi formulir tidak dapat dibaca; kirim ulang formulirnya.' }]);
  }
  const value: Record<string, string> = {};
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const p of parts) {
    if (p.filename !== undefined) {
      // An empty file input sends a part with no name and no bytes: nothing was chosen.
      if (p.filename !== '' || p.data.length) files.push({ name: p.filename, bytes: new Uint8Array(p.data) });
    } else value[p.name] = p.data.toString('utf8');
  }
  return { kind: 'form', value, files };
}

export const handler = httpHandler(async (event) => {
  const deps = await dependencies(needs);
  const lang = languageOf(event);
  const now = requestTime(event);
  const multipart = readMultipart(event, lang);
  const body = multipart ?? readBody(event, ['json', 'form']);
  const input = body.kind === 'form' ? complaintFromForm(body.value as Record<string, string>) : body.value;
  const parsed = parseComplaint(input, deps.directory, lang, deps.calendar.localDate(now));
  const fromForm = body.kind === 'form' && wantsHtml(event);
  // A filled honeypot refuses the whole submission: nothing stored, nothing sent.
  const honeypot = body.kind === 'form' ? honeypotIssues(body.value as Record<string, string>, lang) : [];
  const issues = [...honeypot, ...(parsed.ok ? [] : parsed.issues)];
  if (!parsed.ok || issues.length) {
    if (fromForm) {
      // The form comes back with what was typed, the honeypot emptied: a person can send it again as it is.
      const values = { ...(body.value as Record<string, string>), [HONEYPOT_FIELD]: '' };
      return html(400, renderComplaintForm({ agencies: listAgencies(deps, lang), lang, values, issues }), formPolicy());
    }
    throw new ValidationFailed(issues);
  }
  const formAgain = (issues: Issue[]) => html(400, renderComplaintForm({ agencies: listAgencies(deps, lang), lang, values: body.value as Record<string, string>, issues }), formPolicy());
  try {
    // The form's files become uploads, claimed below like the API's (checked from their bytes).
    // A page without JavaScript may have uploaded some first (named in hidden fields): the form's own come after them.
    if (multipart?.files.length) {
      const named = parsed.complaint.attachments ?? [];
      parsed.complaint.attachments = [...named, ...(await storeFormFiles(deps, multipart.files, lang, named.length))];
    }
    return await submitted(event, deps, parsed.complaint, now, lang, fromForm);
  } catch (err) {
    if (fromForm && err instanceof ValidationFailed) return formAgain(err.issues);
    throw err;
  }
});

/**
 * Files the complaint; with an Idempotency-Key, a retry answers as the first time (the case's own
 * writes hold the key: shared/usecases/complaints.ts `submitComplaint`).
 */
async function submitted(event: HttpEvent, deps: Deps, complaint: Complaint, now: Date, lang: Language, fromForm: boolean) {
  const key = event.headers?.['idempotency-key']?.trim();
  if (key !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(key)) {
    throw new ValidationFailed([{ path: 'Idempotency-Key', message: keyFormat[lang] }]);
  }
  const submitted = await submitComplaint(deps, complaint, now, lang, key);
  const acknowledgement = submitted.acknowledgement;
  if (fromForm) return html(201, renderSubmitted({ trackingId: submitted.trackingId, statusUrl: submitted.statusUrl, acknowledgement, lang }));
  return json(201, {
    trackingId: submitted.trackingId, status: submitted.status, statusUrl: submitted.statusUrl, submittedAt: submitted.submittedAt,
    acknowledgement: acknowledgement === 'withheld'
      ? { email: 'withheld', reason: 'daily_limit', message: acknowledgementWithheldNotice[lang], messages: acknowledgementWithheldNotice }
      : { email: acknowledgement },
  }, { location: submitted.statusUrl });
}
