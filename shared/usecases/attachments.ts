/**
 * Attachments: a file is uploaded first (to the store, under `uploads/`, where unclaimed files expire
 * after a day), then the complaint names it. Before the case is written, each named upload is
 * checked — its size, then its bytes: the type from the magic, the file whole — and copied to the
 * case's own key, without the photo's location unless the reporter asked to keep it. Only then is
 * the case stored, so there is never a case without its files; a crash in between leaves uploads
 * that a retry claims again (the copies are written under the same keys) or that expire.
 */
import type { Complaint } from '../case/complaint';
import type { CaseRecord } from '../case/model';
import { attachmentKey, checkFile, displayName, fileKeys, fileProblemMessage, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_FORM_UPLOAD_BYTES, AttachmentTypes, withoutLocation, type AttachmentRecord, type AttachmentType, type FileProblem } from '../attachments/files';
import { PayloadTooLarge, UnsupportedMediaType, ValidationFailed, type Issue } from '../errors';
import type { Language } from '../i18n';
import type { EmailAttachment, FileStore, UploadTarget } from '../ports';
import type { Deps } from './deps';

/** How long a presigned upload target accepts the file. */
export const UPLOAD_TARGET_SECONDS = 15 * 60;
/** How long a link to a file (task page, thumbnails) works. */
export const FILE_LINK_SECONDS = 15 * 60;

function filesOf(deps: Pick<Deps, 'files'>): FileStore {
  if (!deps.files) throw new Error('This function was not given a file store: add it to its dependencies() call');
  return deps.files;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * A presigned target for one file of the declared type (`POST /api/uploads`). The declared type only
 * chooses the store's Content-Type condition; the bytes decide when the complaint claims the file.
 */
export async function requestUpload(deps: Pick<Deps, 'files' | 'randomBytes'>, input: { contentType: string }, lang: Language): Promise<UploadTarget & { uploadId: string; maxBytes: number; accepted: readonly string[] }> {
  if (!(AttachmentTypes as readonly string[]).includes(input.contentType)) {
    throw new UnsupportedMediaType({ id: `Jenis berkas tidak didukung; pakai ${AttachmentTypes.join(', ')}.`, en: `Unsupported file type; use ${AttachmentTypes.join(', ')}.` }, { accepted: AttachmentTypes });
  }
  void lang;
  const uploadId = `u${hex(deps.randomBytes(16))}`;
  const target = await filesOf(deps).uploadTarget(fileKeys.upload(uploadId), { maxBytes: MAX_ATTACHMENT_BYTES, contentType: input.contentType, expiresSeconds: UPLOAD_TARGET_SECONDS });
  return { uploadId, ...target, maxBytes: MAX_ATTACHMENT_BYTES, accepted: AttachmentTypes };
}

/**
 * The files of the form without JavaScript, put where an upload would be: each becomes an upload
 * the complaint then claims like any other. Too many, too large in all, or one too large: refused
 * here, naming the file, before anything is written.
 */
export async function storeFormFiles(deps: Pick<Deps, 'files' | 'randomBytes'>, files: { name: string; bytes: Uint8Array }[], lang: Language): Promise<NonNullable<Complaint['attachments']>> {
  const chosen = files.filter((f) => f.bytes.length > 0 || f.name);
  const issues: Issue[] = [];
  chosen.forEach((f, i) => {
    const name = displayName(f.name, i + 1);
    if (i >= MAX_ATTACHMENTS) issues.push({ path: `attachments.${i}`, message: fileProblemMessage('too_many', name)[lang] });
    else if (f.bytes.length > MAX_ATTACHMENT_BYTES) issues.push({ path: `attachments.${i}`, message: fileProblemMessage('too_large', name)[lang] });
    else if (f.bytes.length === 0) issues.push({ path: `attachments.${i}`, message: fileProblemMessage('empty', name)[lang] });
  });
  if (issues.length) throw new ValidationFailed(issues);
  const total = chosen.reduce((n, f) => n + f.bytes.length, 0);
  if (total > MAX_FORM_UPLOAD_BYTES) {
    const mb = MAX_FORM_UPLOAD_BYTES / 1024 / 1024;
    throw new PayloadTooLarge({ id: `Lampiran dari formulir tanpa JavaScript paling besar ${mb} MB seluruhnya. Aktifkan JavaScript (berkas diunggah satu per satu, sampai 5 MB masing-masing) atau perkecil fotonya.`, en: `Attachments sent by the form without JavaScript may total at most ${mb} MB. Enable JavaScript (files are then uploaded one by one, up to 5 MB each) or make the photos smaller.` }, { maxBytes: MAX_FORM_UPLOAD_BYTES });
  }
  const out: NonNullable<Complaint['attachments']> = [];
  for (const [i, f] of chosen.entries()) {
    const uploadId = `u${hex(deps.randomBytes(16))}`;
    const type = checkFile(f.bytes);
    await filesOf(deps).write(fileKeys.upload(uploadId), f.bytes, type.ok ? type.type : 'application/octet-stream');
    out.push({ uploadId, name: displayName(f.name, i + 1) });
  }
  return out;
}

/**
 * Checks every upload the complaint names and copies it to the case (`cases/<caseId>/<n>`); returns
 * what the case records. A problem with any file refuses the whole complaint (400, each file named),
 * and nothing of the case is written. A retry of the same submission (same case id) finds the copies
 * made by the first run even when the uploads have expired since.
 */
export async function claimAttachments(deps: Pick<Deps, 'files'>, caseId: string, complaint: Complaint, lang: Language): Promise<AttachmentRecord[]> {
  const requested = complaint.attachments ?? [];
  if (!requested.length) return [];
  const files = filesOf(deps);
  const issues: Issue[] = [];
  const checked: { n: number; name: string; bytes: Uint8Array; type: AttachmentType }[] = [];
  const problem = (i: number, p: FileProblem, name: string) => issues.push({ path: `attachments.${i}`, message: fileProblemMessage(p, name)[lang] });
  for (const [i, a] of requested.entries()) {
    const n = i + 1;
    const name = displayName(a.name, n);
    if (n > MAX_ATTACHMENTS) { problem(i, 'too_many', name); continue; }
    let key = fileKeys.upload(a.uploadId);
    let size = await files.size(key);
    if (size === undefined) {
      // A retry after the first run copied it (and the upload may have expired since).
      key = fileKeys.caseFile(caseId, n);
      size = await files.size(key);
    }
    if (size === undefined) { problem(i, 'missing', name); continue; }
    // The size first (a HEAD): an oversized object is never read into memory.
    if (size > MAX_ATTACHMENT_BYTES) { problem(i, 'too_large', name); continue; }
    const bytes = await files.read(key);
    if (!bytes) { problem(i, 'missing', name); continue; }
    const verdict = checkFile(bytes);
    if (!verdict.ok) { problem(i, verdict.problem, name); continue; }
    checked.push({ n, name, bytes, type: verdict.type });
  }
  if (issues.length) throw new ValidationFailed(issues, { id: 'Ada lampiran yang perlu diperbaiki.', en: 'Some attachments need fixing.' });
  const keep = complaint.includePhotoLocation === true;
  const records: AttachmentRecord[] = [];
  for (const f of checked) {
    const bytes = keep ? f.bytes : withoutLocation(f.bytes, f.type);
    await files.write(fileKeys.caseFile(caseId, f.n), bytes, f.type);
    records.push({ n: f.n, name: f.name, contentType: f.type, size: bytes.length, locationKept: keep && f.type !== 'application/pdf' });
  }
  return records;
}

/** An attachment as an official's page shows it: a short-lived link to the file, and whether it is a picture. */
export interface AttachmentLink {
  n: number;
  name: string;
  contentType: AttachmentType;
  size: number;
  image: boolean;
  url: string;
  locationKept: boolean;
  /** An official's file (attached to their response). */
  by?: 'official';
}

/**
 * Short-lived links to a case's files, for a page that may show them (the task page, whose link is
 * the authority): never the public tracking page. Images are served inline (their thumbnails are
 * the images themselves, scaled by the browser), PDFs as downloads.
 */
export async function attachmentLinks(deps: Pick<Deps, 'files'>, c: Pick<CaseRecord, 'caseId' | 'attachments'>): Promise<AttachmentLink[]> {
  if (!c.attachments?.length || !deps.files) return [];
  const files = deps.files;
  return Promise.all(c.attachments.map(async (a) => {
    const image = a.contentType !== 'application/pdf';
    const url = await files.readUrl(attachmentKey(c.caseId, a), { expiresSeconds: FILE_LINK_SECONDS, contentType: a.contentType, fileName: a.name, inline: image });
    return { n: a.n, name: a.name, contentType: a.contentType, size: a.size, image, url, locationKept: a.locationKept, ...(a.by ? { by: a.by } : {}) };
  }));
}

/**
 * The file an official attaches to an answer to the reporter: checked like a reporter's (size, then
 * type from the bytes, the file whole), the photo's location removed, and written to the task's own
 * key (`cases/<caseId>/response-<slot>`) before the decision is stored. A crash after the write
 * leaves one orphan object that the retried POST overwrites with the same bytes. A bad file is
 * refused (400 naming it) before anything is written.
 */
export async function storeResponseFile(deps: Pick<Deps, 'files'>, caseId: string, slot: string, file: { name: string; bytes: Uint8Array }, n: number, lang: Language): Promise<AttachmentRecord> {
  const name = displayName(file.name, n);
  const refuse = (p: FileProblem) => new ValidationFailed([{ path: 'file', message: fileProblemMessage(p, name)[lang] }], fileProblemMessage(p, name));
  if (file.bytes.length === 0) throw refuse('empty');
  if (file.bytes.length > MAX_ATTACHMENT_BYTES) throw refuse('too_large');
  const verdict = checkFile(file.bytes);
  if (!verdict.ok) throw refuse(verdict.problem);
  const bytes = withoutLocation(file.bytes, verdict.type);
  const record: AttachmentRecord = { n, name, contentType: verdict.type, size: bytes.length, locationKept: false, by: 'official', slot };
  await filesOf(deps).write(attachmentKey(caseId, record), bytes, verdict.type);
  return record;
}

/**
 * The official's file of the case's response, as an email attachment (never a link: the answer
 * email goes to the reporter's mailbox, a link would outlive its purpose). Undefined when the response
 * carries none; throws when the stored object is gone (the email is then retried, not sent without it).
 */
export async function responseEmailAttachment(deps: Pick<Deps, 'files'>, c: Pick<CaseRecord, 'caseId' | 'response'>): Promise<EmailAttachment | undefined> {
  const file = c.response?.file;
  if (!file) return undefined;
  const bytes = await filesOf(deps).read(attachmentKey(c.caseId, file));
  if (!bytes) throw new Error(`The response file of case ${c.caseId} is missing from the file store`);
  return { filename: file.name, contentType: file.contentType, content: bytes };
}
