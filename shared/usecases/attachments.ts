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
 * What a page without JavaScript lets the store accept in one upload: more than a file may be, so a
 * file too large still reaches our page, which says so plainly (the store's own refusal would be an
 * XML error page); the file is then never claimed and expires with the uploads after a day.
 */
export const PAGE_UPLOAD_CEILING_BYTES = 15 * 1024 * 1024;

const UPLOAD_ID = /^u[0-9a-f]{32}$/;
/** Whether a value is an upload id as `requestUpload` mints them (never a key: a case's files cannot be named). */
export const isUploadId = (value: unknown): value is string => typeof value === 'string' && UPLOAD_ID.test(value);

/**
 * The uploads a page without JavaScript has made so far, as its URL carries them (`u…` ids joined by
 * `.`): only well-formed ids, each once, at most MAX_ATTACHMENTS; anything else is dropped.
 */
export function parseUploadTrail(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  return [...new Set(raw.split('.').filter(isUploadId))].slice(0, MAX_ATTACHMENTS);
}

/**
 * A presigned POST for a page without JavaScript: a plain HTML form posts it straight to the store,
 * which then sends the browser back to `redirectFor(uploadId)` — a URL of ours, pinned by the
 * policy, so the store never redirects anywhere else. No Content-Type condition (the form cannot
 * know the type of the file chosen): the bytes decide when the file is checked.
 */
export async function requestPageUpload(deps: Pick<Deps, 'files' | 'randomBytes'>, redirectFor: (uploadId: string) => string): Promise<UploadTarget & { uploadId: string }> {
  const uploadId = `u${hex(deps.randomBytes(16))}`;
  const target = await filesOf(deps).uploadTarget(fileKeys.upload(uploadId), { maxBytes: PAGE_UPLOAD_CEILING_BYTES, expiresSeconds: UPLOAD_TARGET_SECONDS, redirect: redirectFor(uploadId) });
  return { uploadId, ...target };
}

/** One upload as a page reports it: its size and type, or what is wrong with it. */
export type UploadCheck = { uploadId: string; ok: true; size: number; type?: AttachmentType } | { uploadId: string; ok: false; problem: FileProblem; size?: number };

/**
 * Checks one upload for a page: its size (a HEAD; an oversized one is never read), and with `read`
 * its bytes as a claim will (type from the magic, the file whole), so the person hears of a problem
 * before they send the form, not after.
 */
export async function inspectUpload(deps: Pick<Deps, 'files'>, uploadId: string, opts: { read: boolean }): Promise<UploadCheck> {
  const files = filesOf(deps);
  const size = await files.size(fileKeys.upload(uploadId));
  if (size === undefined) return { uploadId, ok: false, problem: 'missing' };
  if (size > MAX_ATTACHMENT_BYTES) return { uploadId, ok: false, problem: 'too_large', size };
  if (size === 0) return { uploadId, ok: false, problem: 'empty', size };
  if (!opts.read) return { uploadId, ok: true, size };
  const bytes = await files.read(fileKeys.upload(uploadId));
  if (!bytes) return { uploadId, ok: false, problem: 'missing' };
  const verdict = checkFile(bytes);
  return verdict.ok ? { uploadId, ok: true, size, type: verdict.type } : { uploadId, ok: false, problem: verdict.problem, size };
}

/** What the upload page without JavaScript shows: the uploads kept, what went wrong, the next target, the way on. */
export interface PageUploads {
  uploaded: { n: number; uploadId: string; size: number; type?: AttachmentType }[];
  problems: string[];
  target?: UploadTarget & { uploadId: string };
  keptIds: string[];
}

/**
 * The upload page's state (`GET /lampiran`), from its URL alone: the trail of uploads so far and the
 * key the store appended when it sent the browser back. Only the trail's ids are ever used — never
 * the appended key, which only tells which upload was just made — so the page cannot be pointed at a
 * case's files. The upload just made is read whole and checked as a claim would (so a file too
 * large or of another type is named now, not when the complaint is sent); the earlier ones by size.
 * A file with a problem is dropped from the trail the next links carry.
 */
export async function pageUploads(deps: Pick<Deps, 'files' | 'randomBytes'>, input: { trail: unknown; returnedKey: unknown; lang: Language }, backTo: (ids: string[]) => string): Promise<PageUploads> {
  const ids = parseUploadTrail(input.trail);
  const last = ids.at(-1);
  const justMade = last !== undefined && input.returnedKey === fileKeys.upload(last) ? last : undefined;
  const checks = await Promise.all(ids.map((id) => inspectUpload(deps, id, { read: id === justMade })));
  const problems: string[] = [];
  const uploaded: PageUploads['uploaded'] = [];
  checks.forEach((c, i) => {
    if (c.ok) { uploaded.push({ n: uploaded.length + 1, uploadId: c.uploadId, size: c.size, ...(c.type ? { type: c.type } : {}) }); return; }
    const name = displayName(undefined, i + 1);
    const mb = c.size !== undefined ? ` (${(c.size / 1024 / 1024).toFixed(1).replace('.', input.lang === 'id' ? ',' : '.')} MB)` : '';
    problems.push(`${fileProblemMessage(c.problem, name)[input.lang]}${c.problem === 'too_large' ? mb : ''}`);
  });
  const keptIds = uploaded.map((u) => u.uploadId);
  const target = keptIds.length < MAX_ATTACHMENTS ? await requestPageUpload(deps, (id) => backTo([...keptIds, id])) : undefined;
  return { uploaded, problems, keptIds, ...(target ? { target } : {}) };
}

/**
 * The file an official uploaded for their answer (through the store, not the page's own POST), read
 * for `storeResponseFile`: a well-formed id of an upload that exists, at most 5 MB. 400 naming it otherwise.
 */
export async function uploadedFile(deps: Pick<Deps, 'files'>, uploadId: unknown, name: unknown, lang: Language): Promise<{ name: string; bytes: Uint8Array }> {
  const shown = displayName(typeof name === 'string' ? name : undefined, 1);
  const refuse = (p: FileProblem) => new ValidationFailed([{ path: 'file', message: fileProblemMessage(p, shown)[lang] }], fileProblemMessage(p, shown));
  if (!isUploadId(uploadId)) throw refuse('missing');
  const size = await filesOf(deps).size(fileKeys.upload(uploadId));
  if (size === undefined) throw refuse('missing');
  if (size > MAX_ATTACHMENT_BYTES) throw refuse('too_large');
  const bytes = await filesOf(deps).read(fileKeys.upload(uploadId));
  if (!bytes) throw refuse('missing');
  // A page without JavaScript cannot tell the file's name: the reporter's email then names it by its type.
  const verdict = checkFile(bytes);
  const given = typeof name === 'string' ? name.trim() : '';
  return { name: given || `lampiran-jawaban.${verdict.ok ? { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' }[verdict.type] : 'bin'}`, bytes };
}

/**
 * The files of the form without JavaScript, put where an upload would be: each becomes an upload
 * the complaint then claims like any other. Too many, too large in all, or one too large: refused
 * here, naming the file, before anything is written.
 */
export async function storeFormFiles(deps: Pick<Deps, 'files' | 'randomBytes'>, files: { name: string; bytes: Uint8Array }[], lang: Language, already = 0): Promise<NonNullable<Complaint['attachments']>> {
  const chosen = files.filter((f) => f.bytes.length > 0 || f.name);
  const issues: Issue[] = [];
  chosen.forEach((f, j) => {
    // Numbered after the uploads the form already names (a page without JavaScript uploads first).
    const i = already + j;
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
  for (const [j, f] of chosen.entries()) {
    const uploadId = `u${hex(deps.randomBytes(16))}`;
    const type = checkFile(f.bytes);
    await filesOf(deps).write(fileKeys.upload(uploadId), f.bytes, type.ok ? type.type : 'application/octet-stream');
    out.push({ uploadId, name: displayName(f.name, already + j + 1) });
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
