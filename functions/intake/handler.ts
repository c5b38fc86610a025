/** POST /api/complaints: file a complaint (JSON, or the form without JavaScript). */
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { acknowledgementWithheldNotice, complaintFromForm, honeypotIssues, HONEYPOT_FIELD, parseComplaint, type Complaint } from '../../shared/case/complaint';
import { caseTable } from '../../shared/data/table';
import { MAX_FORM_UPLOAD_BYTES } from '../../shared/attachments/files';
import { PayloadTooLarge, TooManyRequests, ValidationFailed, type Issue } from '../../shared/errors';
import type { Language } from '../../shared/i18n';
import { listAgencies, submitComplaint, type Submitted } from '../../shared/usecases/complaints';
import { renderComplaintForm, renderSubmitted } from '../../shared/web/pages';
import { dynamoClient } from '../adapters/clients';
import { config } from '../adapters/config';
import { dependencies, s3Files, sfnWorkflow } from '../adapters/deps';
import { formPolicy } from '../adapters/files-origin';
import { storeFormFiles } from '../../shared/usecases/attachments';
import type { Deps } from '../../shared/usecases/deps';
import { html, httpHandler, json, languageOf, readBody, requestTime, wantsHtml, type HttpEvent } from '../http';
import { boundaryOf, parseMultipart } from '../http/multipart';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { workflow: sfnWorkflow, files: s3Files };

type SubmitRequest = { idempotencyKey: string; complaint: Complaint; at: string; lang: Language };

/**
 * A retried request with the same Idempotency-Key returns the first answer (Powertools idempotency
 * over the same table, under one static partition key, expiring through the table's TTL
 * attribute). The complaint itself is the payload that must match: the same key with another
 * complaint is refused. The Lambda context is passed so that a record left "in progress" by a
 * timed-out invocation expires with it instead of blocking the key for a day.
 */
let idempotentSubmit: ((req: SubmitRequest, context: Context) => Promise<Submitted>) | undefined;
function submitIdempotently() {
  idempotentSubmit ??= makeIdempotent(
    async (req: SubmitRequest, _context: Context) => submitComplaint(await dependencies(needs), req.complaint, new Date(req.at), req.lang, req.idempotencyKey),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: config().TABLE_NAME, keyAttr: 'pk', sortKeyAttr: 'sk', staticPkValue: 'IDEMPOTENCY#intake', expiryAttr: caseTable.timeToLiveAttribute, awsSdkV3Client: dynamoClient() }),
      config: new IdempotencyConfig({ eventKeyJmesPath: 'idempotencyKey', payloadValidationJmesPath: 'complaint', expiresAfterSeconds: 24 * 3600 }),
    },
  );
  return idempotentSubmit;
}

const keyMessages = {
  format: { id: 'Gunakan 8 sampai 128 huruf, angka, atau - _ . :', en: 'Use 8 to 128 letters, digits, or - _ . :' },
  reused: { id: 'Kunci ini sudah dipakai untuk pengaduan lain; buat kunci baru untuk pengaduan baru.', en: 'This key was used for another complaint; use a new key for a new complaint.' },
  busy: { id: 'Pengaduan dengan kunci ini sedang diproses; coba lagi sebentar lagi.', en: 'A complaint with this key is being processed; try again in a moment.' },
};

async function submitWithKey(req: SubmitRequest, context: Context): Promise<Submitted> {
  try {
    return await submitIdempotently()(req, context);
  } catch (err) {
    if (err instanceof IdempotencyValidationError) throw new ValidationFailed([{ path: 'Idempotency-Key', message: keyMessages.reused[req.lang] }]);
    if (err instanceof IdempotencyAlreadyInProgressError) throw new TooManyRequests(keyMessages.busy[req.lang], 1);
    throw err;
  }
}

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

export const handler = httpHandler(async (event, context) => {
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
    return await submitted(event, context, deps, parsed.complaint, now, lang, fromForm);
  } catch (err) {
    if (fromForm && err instanceof ValidationFailed) return formAgain(err.issues);
    throw err;
  }
});

async function submitted(event: HttpEvent, context: Context, deps: Deps, complaint: Complaint, now: Date, lang: Language, fromForm: boolean) {
  const key = event.headers?.['idempotency-key']?.trim();
  if (key !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(key)) {
    throw new ValidationFailed([{ path: 'Idempotency-Key', message: keyMessages.format[lang] }]);
  }
  const submitted = key
    ? await submitWithKey({ idempotencyKey: key, complaint, at: now.toISOString(), lang }, context)
    : await submitComplaint(deps, complaint, now, lang);
  // Answers cached by the idempotency layer before `acknowledgement` existed read as `sending` or `none`.
  const acknowledgement = submitted.acknowledgement ?? (submitted.hasEmail ? 'sending' : 'none');
  if (fromForm) return html(201, renderSubmitted({ trackingId: submitted.trackingId, statusUrl: submitted.statusUrl, acknowledgement, lang }));
  return json(201, {
    trackingId: submitted.trackingId, status: submitted.status, statusUrl: submitted.statusUrl, submittedAt: submitted.submittedAt,
    acknowledgement: acknowledgement === 'withheld'
      ? { email: 'withheld', reason: 'daily_limit', message: acknowledgementWithheldNotice[lang], messages: acknowledgementWithheldNotice }
      : { email: acknowledgement },
  }, { location: submitted.statusUrl });
}
